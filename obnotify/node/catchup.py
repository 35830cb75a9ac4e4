"""Catching up on one node after each connect: what came while no socket was open.

Notifications are paged back to the saved cursor, direct and order chat back to
each conversation's anchor (the rules are :mod:`obnotify.core.catchup`). A
notification read that stops at its page limit leaves a hole, read on in later
rounds, a pause apart, until nothing in it is left. What is found is recorded
through the session's ingest, which records each event once and queues it for
delivery; the session is told when a catch-up's (or a round's) events are all
queued, and when a part of it failed and is tried again.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Final, Protocol

from obnotify.core.backoff import Backoff
from obnotify.core.catchup import (
    FIRST_START_ITEMS,
    PAGE_SIZE,
    ChatAnchors,
    ChatEnd,
    ChatScan,
    CursorScan,
    Holes,
    moves_cursor,
)
from obnotify.core.decode import StoredNotification
from obnotify.core.events import (
    ChatMessage,
    Event,
    Notification,
    ProfileReply,
    event_id,
    event_key,
)
from obnotify.core.policy import Source
from obnotify.node.api import ApiError, NodeApi

if TYPE_CHECKING:
    from obnotify.node.history import SessionHistory
    from obnotify.node.profiles import ProfileDirectory
    from obnotify.store.database import Store

__all__ = ["CHAT_ANCHORS_STATE", "FIRST_START_DONE", "HOLES_STATE", "CatchUp", "Ingest"]

log = logging.getLogger(__name__)

RETRY: Final = 2.0
RETRY_MAX: Final = 120.0
"""A catch-up the API refused is tried again after 2 s, doubling up to two minutes; the
rounds that read on in a hole wait as long: a node whose pages never end is read at a
rate that falls to one round in two minutes."""
MAX_CHAT_CONVERSATIONS: Final = 50
MAX_ORDER_CHATS: Final = 20
ORDER_CHAT_DAYS: Final = 30
"""Order chat is caught up for the orders of this many recent days, at most MAX_ORDER_CHATS."""
MAX_LIVE_CONVERSATIONS: Final = 200
"""Conversations whose live chat is kept track of until their catch-up: as many as anchors."""
FIRST_START_DONE: Final = "first-start-done"
CHAT_ANCHORS_STATE: Final = "chat-anchors"
"""Where each conversation's catch-up last ended (:class:`ChatAnchors`), in the store."""
HOLES_STATE: Final = "notification-holes"
"""The notifications still to be read back (:class:`~obnotify.core.catchup.Holes`), in the
store: a restart reads on where the last round stopped."""


class Ingest(Protocol):
    """Records an event once and queues it for delivery; whether it was new."""

    def __call__(
        self,
        event: Notification | ChatMessage,
        source: Source,
        *,
        read: bool = False,
        node_time: str = "",
    ) -> bool: ...


@dataclass(frozen=True, slots=True)
class _Part:
    """One part of a catch-up after a try: how many events it brought, or why it failed."""

    run: Callable[[], Awaitable[int]]
    more: Callable[[], bool]
    """Whether the part has more to read after a try that worked: it runs again after a pause."""
    missed: int = 0
    error: str = ""


def _nothing_more() -> bool:
    """A part that worked is done: chat is read to its anchor in one try."""
    return False


class CatchUp:
    """The catch-ups of one node's session, one per connection.

    Args:
        store: The node's store (cursor, anchors, recent orders).
        history: Where the session writes, a store failure being a state.
        api: The node's REST API as it is now (a node found to be a Mobazha node
            gets another).
        ingest: The session's way to record an event.
        profiles: Told the names a node lists with its chat rooms.
        find_kind: Asks a node of unknown kind which it is.
        on_done: Told, after the events of a catch-up (or of a later try of a part
            that failed) were queued, how many of them were news.
        on_problem: Told why a part failed and when it is tried again, then ``""``.
        retry: When to try a failed part again while the socket stays up; from
            :data:`RETRY` doubling to :data:`RETRY_MAX` when not given.
    """

    def __init__(
        self,
        store: Store,
        history: SessionHistory,
        api: Callable[[], NodeApi],
        ingest: Ingest,
        profiles: ProfileDirectory,
        *,
        find_kind: Callable[[], Awaitable[None]],
        on_done: Callable[[int], None],
        on_problem: Callable[[str], None],
        retry: Backoff | None = None,
    ) -> None:
        self.store = store
        self.history = history
        self.api = api
        self.ingest = ingest
        self.profiles = profiles
        self.find_kind = find_kind
        self.on_done = on_done
        self.on_problem = on_problem
        self.retry = retry or Backoff(initial=RETRY, maximum=RETRY_MAX)
        self.notifications_done = False
        """Whether this connection's notifications were read back to the cursor: only
        then may a live notification move it."""
        self._anchors: ChatAnchors | None = None
        self._anchors_unsaved = False
        self._chat_done: set[tuple[str, str]] = set()
        """Conversations caught up on this connection: live chat in them moves the anchor."""
        self._live_notifications = ("", "")
        """The first and the last notification the node keeps that came live on this
        connection before its notifications were caught up."""
        self._holes: Holes | None = None
        self._live: dict[tuple[str, str], tuple[str, str]] = {}
        """The first and the last message that came live in each conversation not yet
        caught up on this connection: everything from the first on is recorded."""

    def connection_ended(self) -> None:
        """What was caught up holds no more: events can be missed until the next catch-up."""
        self.notifications_done = False
        self._live_notifications = ("", "")
        self._chat_done.clear()
        self._live.clear()

    def on_live(self, event: Event) -> None:
        """An event came on the socket and was recorded: where the next catch-up can
        start reading back from, or, once caught up, where the one after will stop."""
        if isinstance(event, ChatMessage) and event.id:
            self._on_live_chat(event)
        elif moves_cursor(event) and not self.notifications_done:
            first, _last = self._live_notifications
            self._live_notifications = (first or event_id(event), event_id(event))

    def _on_live_chat(self, message: ChatMessage) -> None:
        """If its conversation was caught up on this connection, everything up to it is
        in, and it is the anchor; otherwise the read of its catch-up starts there."""
        key = (message.peer_id, message.subject)
        if key in self._chat_done:
            self._move_anchor(key, message.id)
        elif len(self._live) < MAX_LIVE_CONVERSATIONS or key in self._live:
            first, _last = self._live.get(key, (message.id, ""))
            self._live[key] = (first, message.id)

    async def run(self) -> None:
        """Catch up once, trying failed parts again until each worked; cancelled with
        the connection."""
        first_start = self.store.get_state(FIRST_START_DONE) is None
        chat_source = Source.HISTORY if first_start else Source.CATCH_UP
        self.retry.reset()
        # The parts of a catch-up ask the node independently: one that fails is tried again
        # on its own, and the summary of what the others found is not held back for it.
        notifications, chat = await asyncio.gather(
            self._part(self._notifications, self._holes_left),
            self._part(functools.partial(self.direct_chat, chat_source)),
        )
        order_chats = await asyncio.gather(
            *(
                self._part(functools.partial(self._order_chat, peer, order, chat_source))
                for peer, order in self._recent_orders()
            )
        )
        parts = [notifications, chat, *order_chats]
        self.on_done(sum(p.missed for p in parts))
        again = [p for p in parts if p.error or p.more()]
        while again:
            delay = self.retry.next_delay()
            problems = "; ".join(sorted({p.error for p in again if p.error}))
            if problems:
                log.warning("catch-up failed, again in %.0f s: %s", delay, problems)
                self.on_problem(f"catch-up failed ({problems}); trying again in {delay:.0f} s")
            await asyncio.sleep(delay)
            tried = await asyncio.gather(*(self._part(p.run, p.more) for p in again))
            missed = sum(p.missed for p in tried)
            if missed:
                self.on_done(missed)
            again = [p for p in tried if p.error or p.more()]
            if problems and not any(p.error for p in again):
                self.on_problem("")

    async def _part(
        self, run: Callable[[], Awaitable[int]], more: Callable[[], bool] = _nothing_more
    ) -> _Part:
        """One part of a catch-up, run once: what it found, or why it failed."""
        try:
            return _Part(run, more, missed=await run())
        except ApiError as exc:
            return _Part(run, more, error=str(exc))

    async def _notifications(self) -> int:
        if self.notifications_done:
            return await self.older_notifications()
        # A node whose kind could not be asked at connect is asked again with this part.
        await self.find_kind()
        missed = await self.notifications()
        # Live notifications move the cursor only once the node's history was read up to it.
        self.notifications_done = True
        return missed

    async def notifications(self) -> int:
        """Page the node's notifications back to the saved cursor; returns how many were new."""
        api = self.api()
        cursor = self.store.cursor()
        if not cursor and self.store.get_state(FIRST_START_DONE) is None:
            # A first start shows recent history for context, and toasts none of it.
            page = await api.notifications(limit=FIRST_START_ITEMS)
            self._reflect_read(page.items)
            for item in reversed(page.items):
                self._ingest_stored(item, Source.HISTORY)
            if page.items:
                self.history.write(self.store.set_cursor, page.items[0].notification.id)
            self.history.write(self.store.set_state, FIRST_START_DONE, str(time.time()))
            return 0
        # What came live on this connection is in: the read starts before the first of it.
        offset = self._live_notifications[0] if api.pages_from_any_item else ""
        scan = await self._scan(api, CursorScan(cursor), offset)
        if scan.hole is not None:
            log.info("caught up on the %d newest notifications; older ones follow", len(scan.newer))
        elif not scan.found and scan.newer:
            log.info("catch-up cursor not found on the node: took the %d newest", len(scan.newer))
        missed = self._record(scan)
        # The hole is kept before the cursor moves past it: a kill between the two
        # writes costs a read again, never the notifications in the hole.
        if self._notification_holes().add(scan.hole):
            self._keep_holes()
        following = self._live_notifications[1] or scan.next_cursor
        if following:
            self.history.write(self.store.set_cursor, following)
        return missed

    async def older_notifications(self) -> int:
        """One round in the newest hole a catch-up left: at most as many pages as a catch-up
        reads, on from where the last round stopped; returns how many were new.

        Offsets are ids read from the node's own pages, as a catch-up pages on from
        one page to the next, so this works on any kind of node.
        """
        holes = self._notification_holes()
        hole = holes.newest
        if hole is None:
            return 0
        scan = await self._scan(self.api(), CursorScan(hole.end), hole.start)
        missed = self._record(scan)
        left = scan.hole
        if left is None:
            log.info("read the last of the notifications missed (%d new)", missed)
        if holes.read(hole, left):
            self._keep_holes()
        return missed

    async def _scan(self, api: NodeApi, scan: CursorScan, offset: str) -> CursorScan:
        """Feed ``scan`` the node's pages from ``offset`` (``""``: the newest) until it stops."""
        following: str | None = offset
        while following is not None:
            page = await api.notifications(limit=PAGE_SIZE, offset_id=following)
            self._reflect_read(page.items)
            following = scan.feed(page.items)
        return scan

    def _record(self, scan: CursorScan) -> int:
        """Record what a scan found, oldest first; how many were new."""
        return sum(1 for item in scan.oldest_first if self._ingest_stored(item, Source.CATCH_UP))

    def _holes_left(self) -> bool:
        """Whether a round in a hole is due: once this connection's notifications were read."""
        return self.notifications_done and self._notification_holes().newest is not None

    def _notification_holes(self) -> Holes:
        if self._holes is None:
            self._holes = Holes.decode(self.store.get_state(HOLES_STATE))
        return self._holes

    def _keep_holes(self) -> None:
        self.history.write(self.store.set_state, HOLES_STATE, self._notification_holes().encode())

    async def direct_chat(self, source: Source) -> int:
        """Unread direct chat that came while no socket was open; returns how many were new.

        Chat is push-only on the socket, so without this a message sent while the
        app was down would never be seen. The node lists direct conversations;
        order chat is asked for order by order (:meth:`_order_chat`).
        """
        api = self.api()
        conversations = await api.chat_conversations()
        for profile in api.chat_profiles():
            self.profiles.on_reply(
                ProfileReply(request_id="", peer_id=profile.peer_id, profile=profile)
            )
        # One with nothing unread has missed nothing: its live chat moves its anchor from now on.
        for peer, count in conversations:
            if count <= 0:
                self._chat_done.add((peer, ""))
                self._live.pop((peer, ""), None)
        unread = [(peer, count) for peer, count in conversations if count > 0]
        missed = 0
        for peer_id, count in unread[:MAX_CHAT_CONVERSATIONS]:
            missed += await self._chat(api, peer_id, "", count, source)
        return missed

    async def _order_chat(self, peer_id: str, order_id: str, source: Source) -> int:
        """Unread chat of one recent order; the node lists no order conversations."""
        return await self._chat(self.api(), peer_id, order_id, 0, source)

    async def _chat(
        self, api: NodeApi, peer_id: str, subject: str, unread: int, source: Source
    ) -> int:
        """One conversation read back to its anchor: its missed messages recorded oldest
        first, and the anchor moved to the newest recorded. How many were new.

        Where chat came live on this connection before the read, the read starts at
        the first of it: however much came, only what is older is still to be found.
        """
        key = (peer_id, subject)
        scan = ChatScan(unread, anchor=self._chat_anchors().get(*key))
        live = self._live.get(key, ("", ""))[0] if api.pages_from_any_item else ""
        offset: str | None = live
        while offset is not None:
            page = await api.chat_messages(
                peer_id, limit=PAGE_SIZE, subject=subject, offset_id=offset
            )
            offset = scan.feed(page)
        if scan.ended in (ChatEnd.REPEAT, ChatEnd.LIMIT):
            log.warning(
                "chat catch-up stopped after %d pages (%s) before where the last one ended: "
                "older messages were not read",
                scan.pages,
                "the node repeats its pages" if scan.ended is ChatEnd.REPEAT else "the limit",
            )
        missed = 0
        for message, _raw in scan.oldest_first:
            if self.ingest(message, source) and source is not Source.HISTORY:
                missed += 1
        self._move_anchor(key, self._live.pop(key, ("", ""))[1] or scan.next_anchor)
        self._chat_done.add(key)
        return missed

    def _chat_anchors(self) -> ChatAnchors:
        if self._anchors is None:
            self._anchors = ChatAnchors.decode(self.store.get_state(CHAT_ANCHORS_STATE))
        return self._anchors

    def _move_anchor(self, key: tuple[str, str], message_id: str) -> None:
        """Move a conversation's anchor, saved once per turn of the loop however many moved:
        live chat moves one with each message, and the table holds up to 200 anchors."""
        if not self._chat_anchors().move(*key, message_id) or self._anchors_unsaved:
            return
        self._anchors_unsaved = True
        try:
            asyncio.get_running_loop().call_soon(self.save_anchors)
        except RuntimeError:
            self.save_anchors()

    def save_anchors(self) -> None:
        """Write the anchors moved since they were last written (in the open batch, after
        the messages they stand for); the session calls it once more as it stops."""
        if self._anchors_unsaved and self._anchors is not None:
            self._anchors_unsaved = False
            self.history.write(self.store.set_state, CHAT_ANCHORS_STATE, self._anchors.encode())

    def _recent_orders(self) -> list[tuple[str, str]]:
        """(other party, order id) of the orders in recent history, newest first."""
        since = time.time() - ORDER_CHAT_DAYS * 86400
        return self.store.recent_orders(since=since, limit=MAX_ORDER_CHATS)

    def _ingest_stored(self, item: StoredNotification, source: Source) -> bool:
        return self.ingest(item.notification, source, read=item.read, node_time=item.timestamp)

    def _reflect_read(self, items: tuple[StoredNotification, ...]) -> None:
        """What was read on the node (in another client, say) shows as read here too."""
        for item in items:
            key = event_key(item.notification)
            if item.read and key is not None:
                self.history.write(self.store.set_read, key, True)
