"""One node end to end: frames in, events recorded exactly once, enriched, handed on in order.

Used alike by ``obnotify watch`` (prints them) and the tray app (toasts and
window). What to show is the listener's business; what happened is decided here.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol

import msgspec

from obnotify.core.decode import StoredNotification, decode_frame
from obnotify.core.events import (
    ChatMessage,
    ChatRead,
    DecodeError,
    Event,
    Notification,
    NotificationType,
    ProfileReply,
    PublishStatus,
    Typing,
    UnknownFrame,
    WalletBalances,
    WalletTx,
    event_id,
    event_key,
    event_kind,
)
from obnotify.core.policy import Source
from obnotify.core.render import RenderContext, Toast, category, describe, render
from obnotify.node.api import ApiError, AuthFailed, NodeApi
from obnotify.node.config import NodeConfig
from obnotify.node.link import ConnState, NodeLink
from obnotify.node.profiles import ProfileDirectory

if TYPE_CHECKING:
    from obnotify.desktop.thumbnails import ThumbnailCache
    from obnotify.store import HistoryRow, Store

__all__ = ["FrameCounters", "NewEvent", "NodeSession", "SessionListener"]

log = logging.getLogger(__name__)

ENRICH_TIMEOUT: Final = 2.0
"""A toast waits at most this long for a name or a picture, then goes out without."""
PROFILE_TIMEOUT: Final = 1.2
PAGE_SIZE: Final = 50
MAX_CATCH_UP_PAGES: Final = 40
MAX_CHAT_CONVERSATIONS: Final = 50
LOG_FIRST: Final = 20
MAX_ORDER_CHATS: Final = 20
ORDER_CHAT_DAYS: Final = 30
"""Order chat is caught up for the orders of this many recent days, at most MAX_ORDER_CHATS."""
FIRST_START_ITEMS: Final = 20
FIRST_START_DONE: Final = "first-start-done"
BALANCES_STATE: Final = "balances"

_STORED_TYPES: Final = frozenset(NotificationType) - {
    NotificationType.UNFOLLOW,
    NotificationType.UNKNOWN,
    NotificationType.MODERATOR_ADD,
    NotificationType.MODERATOR_REMOVE,
}
"""Types the node keeps in ``/ob/notifications``: only these can serve as the catch-up cursor."""


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event recorded for the first time, with what a user would be shown."""

    row: HistoryRow
    event: Event
    toast: Toast | None
    image_path: Path | None
    source: Source


class SessionListener(Protocol):
    def on_state(self, state: ConnState, detail: str) -> None: ...
    def on_new_event(self, new: NewEvent) -> None: ...
    def on_balances(self, balances: WalletBalances) -> None: ...
    def on_signal(self, event: Typing | ChatRead | PublishStatus) -> None: ...
    def on_catch_up_done(self, missed: int) -> None: ...


class NullListener:
    """Hears nothing: for a session whose listener is set once it exists."""

    def on_state(self, state: ConnState, detail: str) -> None: ...
    def on_new_event(self, new: NewEvent) -> None: ...
    def on_balances(self, balances: WalletBalances) -> None: ...
    def on_signal(self, event: Typing | ChatRead | PublishStatus) -> None: ...
    def on_catch_up_done(self, missed: int) -> None: ...


@dataclass
class FrameCounters:
    """What came in, for the log and the tests: bad frames are counted, never fatal."""

    frames: int = 0
    bad: int = 0
    unknown: int = 0
    recorded: int = 0
    duplicates: int = 0


class NodeSession:
    """Runs the link for one node and turns what it hears into :class:`NewEvent` values."""

    def __init__(
        self,
        config: NodeConfig,
        store: Store,
        listener: SessionListener | None = None,
        *,
        api: NodeApi | None = None,
        thumbnails: ThumbnailCache | None = None,
        link_options: dict[str, Any] | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.listener: SessionListener = listener or NullListener()
        """Told of everything; may be set after construction, before :meth:`run`."""
        self.api = api or NodeApi(config)
        self.thumbnails = thumbnails
        self.profiles = ProfileDirectory(self.api, store)
        self.counters = FrameCounters()
        self.link = NodeLink(
            config,
            on_frame=self._on_frame,
            on_state=self._on_state,
            on_connected=self._on_connected,
            **(link_options or {}),
        )
        self._prepared: asyncio.Queue[asyncio.Task[NewEvent | None]] = asyncio.Queue()
        """Enrichment of each new event, started on arrival and handed on in arrival order."""
        self._caught_up = False
        self._known_txids: set[str] = set()
        self.balances: WalletBalances | None = None

    async def run(self) -> None:
        """Run until cancelled or :meth:`stop`."""
        self._known_txids = self.store.known_txids()
        self._restore_balances()
        deliver = asyncio.create_task(self._deliver())
        try:
            await self.link.run()
        finally:
            deliver.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await deliver
            self.profiles.close()
            await self.api.aclose()

    def stop(self) -> None:
        self.link.stop()

    def update_password(self, password: str) -> None:
        """Use a new password from now on and try again at once (after an auth failure)."""
        self.config = dataclasses.replace(self.config, password=password)
        self.link.config = self.config
        self.api.config = self.config
        self.api.client.headers.update(self.config.auth_headers())
        self.link.retry_now()

    def _on_state(self, state: ConnState, detail: str) -> None:
        if state is not ConnState.CONNECTED:
            self._caught_up = False
        self.listener.on_state(state, detail)

    # Frames -----------------------------------------------------------------

    async def _on_frame(self, frame: str | bytes) -> None:
        self.counters.frames += 1
        event = decode_frame(frame)
        if isinstance(event, DecodeError):
            self.counters.bad += 1
            if _worth_logging(self.counters.bad):
                log.warning(
                    "ignored bad frame #%d (%s): %s", self.counters.bad, event.reason, event.excerpt
                )
            return
        if isinstance(event, UnknownFrame):
            self.counters.unknown += 1
            if _worth_logging(self.counters.unknown):
                log.info(
                    "ignored frame #%d of unknown shape, keys %s",
                    self.counters.unknown,
                    ", ".join(event.keys),
                )
            return
        if isinstance(event, WalletBalances):
            self._set_balances(event)
        elif isinstance(event, ProfileReply):
            self.profiles.on_reply(event)
        elif isinstance(event, (Typing, ChatRead, PublishStatus)):
            self.listener.on_signal(event)
        else:
            raw = frame if isinstance(frame, str) else frame.decode("utf-8", "replace")
            self._ingest(event, raw, Source.SOCKET)
            if (
                self._caught_up
                and isinstance(event, Notification)
                and event.type in _STORED_TYPES
                and event.id
            ):
                self.store.set_cursor(event.id)

    def _set_balances(self, balances: WalletBalances) -> None:
        if balances != self.balances:
            self.store.set_state(BALANCES_STATE, msgspec.json.encode(balances).decode())
        self.balances = balances
        self.listener.on_balances(balances)

    def _restore_balances(self) -> None:
        """Show the last balances known, so the window has numbers before the node answers."""
        saved = self.store.get_state(BALANCES_STATE)
        if not saved:
            return
        try:
            balances = msgspec.json.decode(saved, type=WalletBalances)
        except (msgspec.DecodeError, msgspec.ValidationError, ValueError):
            log.info("ignored unreadable saved balances")
            return
        self.balances = balances
        self.listener.on_balances(balances)

    def _context(self) -> RenderContext:
        return RenderContext(peers=self.profiles.known(), known_txids=self._known_txids)

    def _ingest(
        self, event: Event, raw: str, source: Source, *, read: bool = False, node_time: str = ""
    ) -> bool:
        """Record an event once; a new one is queued for delivery in arrival order."""
        key = event_key(event)
        if key is None:
            return False
        confirmation = isinstance(event, WalletTx) and event.txid in self._known_txids
        entry = describe(event, self._context())
        rowid = self.store.record(
            key,
            kind=event_kind(event),
            event_id=event_id(event),
            category=category(event).value,
            title=entry.title if entry else "",
            body=entry.body if entry else "",
            image=entry.image if entry else "",
            route=entry.route if entry else "",
            urgency=entry.urgency.value if entry else "",
            raw=raw,
            received_at=time.time(),
            node_time=node_time or getattr(event, "timestamp", ""),
            read=read or (isinstance(event, ChatMessage) and (event.read or event.outgoing)),
        )
        if isinstance(event, WalletTx) and event.txid:
            self._known_txids.add(event.txid)
        if rowid is None:
            self.counters.duplicates += 1
            return False
        self.counters.recorded += 1
        self._prepared.put_nowait(
            asyncio.create_task(self._enrich(rowid, event, source, confirmation=confirmation))
        )
        return True

    async def _enrich(
        self, rowid: int, event: Event, source: Source, *, confirmation: bool
    ) -> NewEvent | None:
        """Fetch the name and picture a toast needs, within :data:`ENRICH_TIMEOUT`."""
        deadline = time.monotonic() + ENRICH_TIMEOUT
        peer = getattr(event, "peer_id", "")
        if peer and source is not Source.HISTORY:
            await self.profiles.lookup([peer], timeout=PROFILE_TIMEOUT)
        # A transaction is news once: later confirmations of a known txid stay quiet.
        known = {event.txid} if isinstance(event, WalletTx) and confirmation else set()
        ctx = RenderContext(peers=self.profiles.known(), known_txids=known)
        toast = render(event, ctx)
        image_path: Path | None = None
        if (
            toast is not None
            and toast.image
            and self.thumbnails is not None
            and source is not Source.HISTORY
        ):
            remaining = max(0.1, deadline - time.monotonic())
            with contextlib.suppress(TimeoutError):
                image_path = await asyncio.wait_for(self.thumbnails.get(toast.image), remaining)
        entry = toast or describe(event, ctx)
        if entry is not None:
            self.store.update_rendering(
                rowid, title=entry.title, body=entry.body, image=entry.image, route=entry.route
            )
        row = self.store.row(rowid)
        if row is None:
            return None
        return NewEvent(row=row, event=event, toast=toast, image_path=image_path, source=source)

    async def _deliver(self) -> None:
        """Hand new events on strictly in arrival order, each once its own enrichment is done."""
        try:
            while True:
                task = await self._prepared.get()
                try:
                    new = await task
                except Exception:
                    log.exception("could not prepare an event")
                    continue
                if new is not None:
                    self.listener.on_new_event(new)
        finally:
            while not self._prepared.empty():
                self._prepared.get_nowait().cancel()

    # Catch-up ---------------------------------------------------------------

    async def _on_connected(self) -> None:
        try:
            balances = await self.api.balances()
            if balances is not None:
                self._set_balances(balances)
        except AuthFailed:
            log.warning("REST refused the credentials the socket accepted")
        except ApiError as exc:
            log.info("no balances: %s", exc)
        first_start = self.store.get_state(FIRST_START_DONE) is None
        try:
            missed = await self.catch_up()
        except ApiError as exc:
            log.warning("catch-up failed, will retry on the next connection: %s", exc)
            return
        try:
            missed += await self.catch_up_chat(Source.HISTORY if first_start else Source.CATCH_UP)
        except ApiError as exc:
            log.warning("chat catch-up failed: %s", exc)
        self._caught_up = True
        self.listener.on_catch_up_done(missed)

    async def catch_up(self) -> int:
        """Page the node's notifications back to the saved cursor; returns how many were new."""
        cursor = self.store.cursor()
        if not cursor and self.store.get_state(FIRST_START_DONE) is None:
            # A first start shows recent history for context, and toasts none of it.
            page = await self.api.notifications(limit=FIRST_START_ITEMS)
            self._reflect_read(page.items)
            for item in reversed(page.items):
                self._ingest_stored(item, Source.HISTORY)
            if page.items:
                self.store.set_cursor(page.items[0].notification.id)
            self.store.set_state(FIRST_START_DONE, str(time.time()))
            return 0
        newer: list[StoredNotification] = []
        offset = ""
        cursor_time: str | None = None
        for _ in range(MAX_CATCH_UP_PAGES):
            page = await self.api.notifications(limit=PAGE_SIZE, offset_id=offset)
            self._reflect_read(page.items)
            for item in page.items:
                if cursor_time is not None:
                    # The node orders by whole seconds: what shares the cursor's second may
                    # sort after it and still be new. Seen ones are skipped when recorded.
                    if item.timestamp != cursor_time:
                        break
                    newer.append(item)
                elif item.notification.id == cursor:
                    cursor_time = item.timestamp
                else:
                    newer.append(item)
            if cursor_time is not None or not page.items:
                break
            offset = page.items[-1].notification.id
        found = cursor_time is not None
        if not found and newer:
            log.info("catch-up cursor not found on the node: took the %d newest", len(newer))
        missed = 0
        for item in reversed(newer):
            if self._ingest_stored(item, Source.CATCH_UP):
                missed += 1
        if newer:
            self.store.set_cursor(newer[0].notification.id)
        return missed

    async def catch_up_chat(self, source: Source) -> int:
        """Unread chat that came while no socket was open; returns how many were new.

        Chat is push-only on the socket, so without this a message sent while the
        app was down would never be seen. Direct conversations are listed by the
        node; order chat is asked for the orders of recent history.
        """
        missed = 0
        conversations = [(p, n) for p, n in await self.api.chat_conversations() if n > 0]
        for peer_id, unread in conversations[:MAX_CHAT_CONVERSATIONS]:
            messages = await self.api.chat_messages(peer_id, limit=min(unread, PAGE_SIZE))
            missed += self._ingest_chat(messages, source)
        for peer_id, order_id in self._recent_orders():
            messages = await self.api.chat_messages(peer_id, subject=order_id, limit=PAGE_SIZE)
            missed += self._ingest_chat(messages, source)
        return missed

    def _ingest_chat(self, messages: list[tuple[ChatMessage, str]], source: Source) -> int:
        """Record the unread incoming ones, oldest first; how many were new."""
        missed = 0
        for message, raw in reversed(messages):
            if message.outgoing or message.read:
                continue
            recorded = self._ingest(message, '{"message": ' + raw + "}", source)
            if recorded and source is not Source.HISTORY:
                missed += 1
        return missed

    def _recent_orders(self) -> list[tuple[str, str]]:
        """(other party, order id) of the orders in recent history, newest first."""
        since = time.time() - ORDER_CHAT_DAYS * 86400
        pairs: dict[tuple[str, str], None] = {}
        for row in self.store.recent(limit=200, categories=("orders", "disputes")):
            if row.received_at < since:
                break
            event = decode_frame(row.raw)
            if isinstance(event, Notification) and event.peer_id and event.order_id:
                pairs[(event.peer_id, event.order_id)] = None
        return list(pairs)[:MAX_ORDER_CHATS]

    def _ingest_stored(self, item: StoredNotification, source: Source) -> bool:
        # Kept as the frame it would have been on the socket.
        raw = '{"notification": ' + item.raw + "}"
        return self._ingest(
            item.notification, raw, source, read=item.read, node_time=item.timestamp
        )

    def _reflect_read(self, items: tuple[StoredNotification, ...]) -> None:
        """What was read on the node (in another client, say) shows as read here too."""
        for item in items:
            key = event_key(item.notification)
            if item.read and key is not None:
                self.store.set_read(key, True)

    # Actions ----------------------------------------------------------------

    async def mark_read(self, row: HistoryRow) -> None:
        """Mark one event read here and, for a notification, on the node."""
        self.store.mark_read(row.key)
        if row.kind == "notification" and row.event_id:
            await self.api.mark_notification_read(row.event_id)

    async def mark_all_read(self) -> None:
        self.store.mark_all_read()
        await self.api.mark_all_notifications_read()


def _worth_logging(count: int) -> bool:
    """The first few of a kind, then one in a thousand: a flood must not fill the disk."""
    return count <= LOG_FIRST or count % 1000 == 0
