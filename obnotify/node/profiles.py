"""Names and avatars of peers: async ``fetchprofiles`` calls answered on the socket, cached."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
import uuid
from typing import TYPE_CHECKING, Final

from obnotify.core.events import Profile, ProfileReply
from obnotify.core.ids import is_peer_id
from obnotify.core.plain_text import printable
from obnotify.node.api import ApiError, NodeApi
from obnotify.store.errors import StoreUnavailable

if TYPE_CHECKING:
    from obnotify.store.database import Store

__all__ = ["ProfileDirectory"]

log = logging.getLogger(__name__)

PROFILE_TTL: Final = 6 * 3600.0
FAILED_TTL: Final = 600.0
MEMO_TTL: Final = 60.0
"""Seconds a profile read from the store is kept in memory: every event of a peer reads it."""


class ProfileDirectory:
    """Who a peer id is, asked of the node once per peer and kept in the store with an expiry."""

    def __init__(self, api: NodeApi, store: Store, *, ttl: float = PROFILE_TTL) -> None:
        self._api = api
        self._store = store
        self._ttl = ttl
        self._pending: dict[str, asyncio.Future[None]] = {}
        self._requests: dict[str, set[str]] = {}
        """Our own request ids and the peers each asked for: replies are matched by id."""
        self._failed: dict[str, float] = {}
        self._tasks: set[asyncio.Task[None]] = set()
        self._memo: dict[str, tuple[Profile | None, float]] = {}
        """Profiles read lately (None: not in the store), with when to read them again."""

    def known(self) -> dict[str, Profile]:
        return self._store.profiles(now=time.time())

    def get(self, peer_id: str) -> Profile | None:
        now = time.time()
        memo = self._memo.get(peer_id)
        if memo is not None and memo[1] > now:
            return memo[0]
        profile = self._store.profile(peer_id, now=now)
        self._memo[peer_id] = (profile, now + MEMO_TTL)
        return profile

    def wanted(self, peer_id: str) -> bool:
        """Whether a lookup could still tell who this is (unknown, and not failed lately)."""
        if not is_peer_id(peer_id) or self.get(peer_id) is not None:
            return False
        return self._failed.get(peer_id, 0.0) <= time.monotonic()

    async def lookup(self, peer_ids: list[str], timeout: float) -> None:
        """Make sure the given peers are known, waiting at most ``timeout`` seconds."""
        wanted = []
        for pid in dict.fromkeys(peer_ids):
            if pid and self.wanted(pid):
                wanted.append(pid)
        if not wanted:
            return
        loop = asyncio.get_running_loop()
        to_request = [pid for pid in wanted if pid not in self._pending]
        for pid in to_request:
            self._pending[pid] = loop.create_future()
        waiters = [self._pending[pid] for pid in wanted]
        if to_request:
            task = asyncio.create_task(self._request(to_request))
            self._tasks.add(task)
            task.add_done_callback(self._tasks.discard)
        await asyncio.wait([asyncio.shield(w) for w in waiters], timeout=timeout)

    async def _request(self, peer_ids: list[str]) -> None:
        # Known before asking: the node may answer on the socket before the POST returns.
        async_id = uuid.uuid4().hex
        self._requests[async_id] = set(peer_ids)
        try:
            await self._api.fetch_profiles_async(peer_ids, async_id)
        except ApiError as exc:
            log.warning("profile lookup failed: %s", exc)
            self._requests.pop(async_id, None)
            for pid in peer_ids:
                self._settle(pid, failed=True)

    def _settle(self, peer_id: str, *, failed: bool) -> None:
        if failed:
            self._failed[peer_id] = time.monotonic() + FAILED_TTL
        future = self._pending.pop(peer_id, None)
        if future is not None and not future.done():
            future.set_result(None)

    def on_reply(self, reply: ProfileReply) -> None:
        """A profile frame from the socket.

        Every client sees every reply. One to our own request settles it; a profile
        another client asked for is kept too, but its failures are not ours to count.
        """
        asked = self._requests.get(reply.request_id)
        if reply.profile is not None and reply.peer_id:
            with contextlib.suppress(StoreUnavailable):
                self._store.put_profile(reply.profile, expires_at=time.time() + self._ttl)
            self._memo[reply.peer_id] = (reply.profile, time.time() + MEMO_TTL)
            self._settle(reply.peer_id, failed=False)
        elif asked is not None and reply.peer_id in asked:
            self._settle(reply.peer_id, failed=True)
        else:
            log.debug("a profile reply to another client's request %s", printable(reply.request_id))
            return
        if asked is not None:
            asked.discard(reply.peer_id)
            if not asked:
                del self._requests[reply.request_id]

    def close(self) -> None:
        for task in self._tasks:
            task.cancel()
        for future in self._pending.values():
            if not future.done():
                future.cancel()
        self._pending.clear()
