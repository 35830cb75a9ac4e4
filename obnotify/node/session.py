"""One node end to end: frames in, events recorded exactly once, enriched, handed on in order.

Used alike by ``obnotify watch`` (prints them) and the tray app (toasts and
window). What to show is the listener's business; what happened is decided here.

Each event passes once: decoded, recorded (pending) in one transaction, enriched
within a bounded wait, rendered once, handed to the listener, and marked
delivered when the listener says so (:meth:`NodeSession.mark_delivered`). What
was recorded and never delivered, because the process died, is handed on again
at the next start.
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Protocol, TypedDict

import msgspec

from obnotify.core.backoff import Backoff
from obnotify.core.catchup import event_time, moves_cursor
from obnotify.core.connection import ConnState
from obnotify.core.decode import decode_event, decode_frame, encode_event
from obnotify.core.events import (
    ChatMessage,
    ChatRead,
    DecodeError,
    Event,
    Notification,
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
from obnotify.core.mobazha import decode_either_frame, decode_mobazha_frame
from obnotify.core.policy import Source
from obnotify.core.render import RenderContext, Toast, category, rendering
from obnotify.core.routes import chat_target
from obnotify.node.api import ApiError, AuthFailed, NodeApi
from obnotify.node.catchup import FIRST_START_DONE, CatchUp
from obnotify.node.config import NodeConfig
from obnotify.node.history import SessionHistory
from obnotify.node.link import NodeLink
from obnotify.node.mobazha import MobazhaApi, api_for, detect_kind
from obnotify.node.profiles import ProfileDirectory
from obnotify.store.row import HistoryRow

if TYPE_CHECKING:
    from obnotify.desktop.thumbnails import ThumbnailCache
    from obnotify.store.database import Store

__all__ = ["FIRST_START_DONE", "FrameCounters", "NewEvent", "NodeSession", "SessionListener"]

log = logging.getLogger(__name__)

COMMIT_EVERY: Final = 0.05
"""Seconds a batch of records stays open before its commit. A kill loses at most what
came in that long ago, and shows none of it: the node still has those notifications, and
unread chat is caught up, so they come back on the next start."""
MAX_PREPARING: Final = 32
"""Events enriched at once; the rest wait their turn in arrival order."""
YIELD_EVERY: Final = 0.005
"""Seconds of frames handled back to back before the loop gets a turn (the GUI, timers)."""
ENRICH_TIMEOUT: Final = 2.0
"""A toast waits at most this long for a name or a picture, then goes out without."""
PROFILE_TIMEOUT: Final = 1.2
LOG_FIRST: Final = 20
BALANCES_STATE: Final = "balances"


@dataclass(frozen=True, slots=True)
class NewEvent:
    """An event recorded for the first time, with what a user would be shown."""

    row: HistoryRow
    event: Event
    toast: Toast | None
    image_path: Path | None
    source: Source


@dataclass(frozen=True, slots=True)
class _Arrival:
    """A new event waiting for its turn to be enriched."""

    row: HistoryRow
    event: Event
    source: Source
    confirmation: bool
    rendered: tuple[Toast | None, Toast | None] | None
    """The toast and the history entry when already rendered; None until the peer's
    name has been asked for."""


@dataclass(frozen=True, slots=True)
class _CaughtUp:
    """A place in the delivery queue: everything queued before it belongs to one catch-up."""

    missed: int


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
    failed: int = 0
    """Events (or ends of a catch-up) the listener raised on: logged, left pending, passed over."""


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
        retry: Backoff | None = None,
    ) -> None:
        self.config = config
        self.store = store
        self.listener: SessionListener = listener or NullListener()
        """Told of everything; may be set after construction, before :meth:`run`."""
        self.api = api or api_for(config)
        self.thumbnails = thumbnails
        self.profiles = ProfileDirectory(self.api, store)
        self.counters = FrameCounters()
        self.link = NodeLink(
            config,
            on_frame=self._on_frame,
            on_state=self._on_state,
            on_connected=self._on_connected,
            gate=self.api.gate,
            **(link_options or {}),
        )
        self._arrived: deque[_Arrival | _CaughtUp] = deque()
        """New events in arrival order, with the end of each catch-up in its place among
        them; :meth:`_deliver` enriches a few at a time and hands them on in this order."""
        self._arrival = asyncio.Event()
        self._yielded_at = time.monotonic()
        self.history = SessionHistory(store, self._on_history_problem)
        """Every write of this session goes here: a store failure is a state, not an end."""
        self.store.on_deferred = self._flush_soon
        self.catching_up = CatchUp(
            store,
            self.history,
            lambda: self.api,
            self._ingest,
            self.profiles,
            find_kind=self._find_kind,
            on_done=lambda missed: self._arrive(_CaughtUp(missed)),
            on_problem=lambda detail: self._tell_state(ConnState.CONNECTED, detail),
            retry=retry,
        )
        """What came while no socket was open, read after each connect."""
        self.delivery_problem = ""
        """Why events could not be handed on, for the node's state; empty while all went well."""
        self._known_txids: set[str] = set()
        self.balances: WalletBalances | None = None
        self.kind = config.kind
        """``ob`` or ``mobazha`` once known; ``auto`` until a connection has found out."""

    async def run(self) -> None:
        """Run until cancelled or :meth:`stop`."""
        self._known_txids = self.store.known_txids()
        self._restore_balances()
        deliver = asyncio.create_task(self._deliver())
        self._restore_pending()
        try:
            await self.link.run()
        finally:
            deliver.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await deliver
            self.profiles.close()
            self.catching_up.save_anchors()
            self.history.flush()
            self.history.close()
            await self.api.aclose()

    def stop(self) -> None:
        self.link.stop()

    def mark_delivered(self, *rowids: int) -> None:
        """The listener is done with these events (shown, printed, or chosen not to be shown)."""
        self.history.mark_delivered(*rowids)

    def _flush_soon(self) -> None:
        """Commit the store's open batch shortly: one commit for everything written in
        the meantime, never a commit per event in a burst."""
        with contextlib.suppress(RuntimeError):
            asyncio.get_running_loop().call_later(COMMIT_EVERY, self.history.flush)

    def _restore_pending(self) -> None:
        """Hand on again what was recorded and never delivered: the process died first."""
        restored = 0
        unreadable: list[int] = []
        for row, raw in self.store.pending_rows():
            event = decode_event(row.kind, raw)
            if isinstance(event, DecodeError) or event_key(event) != row.key:
                unreadable.append(row.rowid)
                continue
            source = Source.HISTORY if row.source == Source.HISTORY else Source.CATCH_UP
            confirmation = isinstance(event, WalletTx) and self.store.tx_seen_before(row.key)
            self._arrive(_Arrival(row, event, source, confirmation, None))
            if source is not Source.HISTORY:
                restored += 1
        if unreadable:
            # One write for them all: after a kill mid-burst they can be thousands.
            log.warning(
                "%d pending events no longer decode; left in history as they are", len(unreadable)
            )
            self.history.mark_delivered(*unreadable)
        if restored:
            log.info("handing on %d events recorded but not shown before the last exit", restored)
            self._arrive(_CaughtUp(restored))

    def update_password(self, password: str) -> None:
        """Use a new password from now on and try again at once (after an auth failure)."""
        self._reconnect_as(dataclasses.replace(self.config, password=password))

    def update_token(self, token: str) -> None:
        """Use a new API token (a Mobazha node) from now on and try again at once."""
        self._reconnect_as(dataclasses.replace(self.config, token=token))

    def _reconnect_as(self, config: NodeConfig) -> None:
        self.config = config
        self.link.config = self.config
        self.api.config = self.config
        self.link.retry_now()

    def _on_state(self, state: ConnState, detail: str) -> None:
        if state is not ConnState.CONNECTED:
            self.catching_up.connection_ended()
        self._tell_state(state, detail)

    def _tell_state(self, state: ConnState, detail: str) -> None:
        """The link's state, with what is wrong with the history, if anything, in the detail."""
        if self.history.problem:
            detail = "; ".join(
                filter(None, [detail, f"history unavailable: {self.history.problem}"])
            )
        if self.delivery_problem:
            detail = "; ".join(filter(None, [detail, f"events {self.delivery_problem}"]))
        self.listener.on_state(state, detail)

    def _on_history_problem(self, problem: str) -> None:
        self._tell_state(self.link.state, self.link.detail)

    # Frames -----------------------------------------------------------------

    async def _on_frame(self, frame: str | bytes) -> None:
        await self._give_way()
        self.counters.frames += 1
        event = _DECODERS[self.kind](frame)
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
        elif isinstance(event, (Notification, ChatMessage, WalletTx)):
            done = self.catching_up.notifications_done
            cursor = event_id(event) if done and moves_cursor(event) else ""
            self._ingest(event, Source.SOCKET, cursor=cursor)
            self.catching_up.on_live(event)

    async def _give_way(self) -> None:
        """Let the loop run other work after a few milliseconds of ours: frames already
        buffered, and events ready to hand on, would otherwise hold it through a burst
        while the window and the timers wait."""
        if time.monotonic() - self._yielded_at > YIELD_EVERY:
            await asyncio.sleep(0)
            self._yielded_at = time.monotonic()

    def _set_balances(self, balances: WalletBalances) -> None:
        if balances != self.balances:
            self.history.write(
                self.store.set_state, BALANCES_STATE, msgspec.json.encode(balances).decode()
            )
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

    def _ingest(
        self,
        event: Notification | ChatMessage | WalletTx,
        source: Source,
        *,
        read: bool = False,
        node_time: str = "",
        cursor: str = "",
    ) -> bool:
        """Record an event once (pending); a new one is queued for delivery in arrival order."""
        key = event_key(event)
        if key is None:
            return False
        confirmation = isinstance(event, WalletTx) and event.txid in self._known_txids
        node_time = node_time or getattr(event, "timestamp", "")
        happened = event_time(source, node_time, time.time())
        peer_id = getattr(event, "peer_id", "")
        order_id = (
            event.subject if isinstance(event, ChatMessage) else getattr(event, "order_id", "")
        )
        read = read or (isinstance(event, ChatMessage) and (event.read or event.outgoing))
        # Rendered now when nothing is to be waited for (the peer is known, or there
        # is none), else once the lookup is done: either way once.
        waits = (
            bool(peer_id)
            and source is not Source.HISTORY
            and self.kind != "mobazha"
            and self.profiles.wanted(peer_id)
        )
        rendered = None if waits else self._render(event, confirmation=confirmation)
        # The row as recorded, and (with its id) as handed on.
        row = HistoryRow(
            key=key,
            kind=event_kind(event),
            event_id=event_id(event),
            category=category(event).value,
            received_at=happened,
            node_time=node_time,
            read=read,
            peer_id=peer_id,
            order_id=order_id,
            source=source.value,
            pending=True,
            **_texts(rendered[1] if rendered else None),
        )
        rowid = self.history.record(row, raw=encode_event(event), cursor=cursor)
        if isinstance(event, WalletTx) and event.txid:
            self._known_txids.add(event.txid)
        if rowid is None:
            self.counters.duplicates += 1
            return False
        self.counters.recorded += 1
        row = row.recorded(rowid)
        self._arrive(_Arrival(row, event, source, confirmation, rendered))
        return True

    def _arrive(self, item: _Arrival | _CaughtUp) -> None:
        self._arrived.append(item)
        self._arrival.set()

    def _render(self, event: Event, *, confirmation: bool) -> tuple[Toast | None, Toast | None]:
        """The toast and the history entry, with the name of the peer when it is known."""
        peer = getattr(event, "peer_id", "")
        profile = self.profiles.get(peer) if peer else None
        peers = {peer: profile} if profile is not None else {}
        # A transaction is news once: later confirmations of a known txid stay quiet.
        known = {event.txid} if isinstance(event, WalletTx) and confirmation else set()
        return rendering(event, RenderContext(peers=peers, known_txids=known))

    async def _prepare(self, item: _Arrival) -> NewEvent:
        """Fetch the name and picture a toast needs, within :data:`ENRICH_TIMEOUT`.

        A first start's history is rendered for the window but is no toast: it is
        context, never news.
        """
        deadline = time.monotonic() + ENRICH_TIMEOUT
        row, event = item.row, item.event
        if item.rendered is None:
            if row.peer_id and item.source is not Source.HISTORY:
                await self.profiles.lookup([row.peer_id], timeout=PROFILE_TIMEOUT)
            toast, entry = self._render(event, confirmation=item.confirmation)
            if entry is not None:
                texts = _texts(entry)
                self.history.save_rendering(row.rowid, **texts)
                row = dataclasses.replace(row, **texts)
        else:
            toast, entry = item.rendered
        if item.source is Source.HISTORY:
            toast = None
        image_path: Path | None = None
        if toast is not None and toast.image and self.thumbnails is not None:
            remaining = max(0.1, deadline - time.monotonic())
            with contextlib.suppress(TimeoutError):
                image_path = await asyncio.wait_for(self.thumbnails.get(toast.image), remaining)
        return NewEvent(
            row=row, event=event, toast=toast, image_path=image_path, source=item.source
        )

    def _ready(self, item: _Arrival) -> NewEvent | None:
        """The event as handed on, when nothing is left to wait for (rendered, and its
        picture, if any, already in the cache); None when it must be enriched first."""
        if item.rendered is None:
            return None
        toast, _entry = item.rendered
        if item.source is Source.HISTORY:
            toast = None
        image_path: Path | None = None
        if toast is not None and toast.image and self.thumbnails is not None:
            image_path = self.thumbnails.cached(toast.image)
            if image_path is None:
                return None
        return NewEvent(
            row=item.row, event=item.event, toast=toast, image_path=image_path, source=item.source
        )

    async def _deliver(self) -> None:
        """Hand new events on strictly in arrival order, each once its own enrichment is done,
        and the end of a catch-up only after every event it brought.

        At most :data:`MAX_PREPARING` events are enriched at once: a burst of thousands
        waits here as plain values, not as thousands of tasks waking together.
        """
        preparing: deque[asyncio.Task[NewEvent] | NewEvent | _CaughtUp] = deque()
        try:
            while True:
                while self._arrived and len(preparing) < MAX_PREPARING:
                    item = self._arrived.popleft()
                    if isinstance(item, _CaughtUp):
                        preparing.append(item)
                    else:
                        preparing.append(
                            self._ready(item) or asyncio.create_task(self._prepare(item))
                        )
                if not preparing:
                    self._arrival.clear()
                    await self._arrival.wait()
                    continue
                await self._give_way()
                head = preparing.popleft()
                if isinstance(head, _CaughtUp):
                    self._hand_on(self.listener.on_catch_up_done, head.missed)
                    continue
                try:
                    new = head if isinstance(head, NewEvent) else await head
                except Exception:
                    log.exception("could not prepare an event; it is handed on at the next start")
                    continue
                rowid = self.history.settle(new.row.rowid)
                if rowid != new.row.rowid:
                    new = dataclasses.replace(new, row=dataclasses.replace(new.row, rowid=rowid))
                self._hand_on(self.listener.on_new_event, new)
        finally:
            for task in preparing:
                if isinstance(task, asyncio.Task):
                    task.cancel()

    def _hand_on(self, call: Callable[[Any], None], value: object) -> None:
        """Give the listener one thing; if it raises, say so and go on with the next.

        A listener's bug must not end delivery for good: the failure is logged, counted
        and shown in the node's state, and the event stays pending, handed on again at
        the next start.
        """
        try:
            call(value)
        except Exception as exc:
            self.counters.failed += 1
            log.exception("could not hand an event on (%d so far)", self.counters.failed)
            self.delivery_problem = f"{self.counters.failed} not shown ({type(exc).__name__})"
            self._tell_state(self.link.state, self.link.detail)

    # Connecting -------------------------------------------------------------

    async def _find_kind(self) -> None:
        """Ask a node of unknown kind once which it is; a Mobazha node is then read as one."""
        if self.kind != "auto":
            return
        self.kind = await detect_kind(self.api)
        log.info("the node at %s is a %s node", self.config.display_name, self.kind)
        if self.kind == "mobazha" and not isinstance(self.api, MobazhaApi):
            self.api = MobazhaApi(self.config, shared=self.api)

    async def _on_connected(self) -> None:
        with contextlib.suppress(ApiError):
            await self._find_kind()
        try:
            balances = await self.api.balances()
            if balances is not None:
                self._set_balances(balances)
        except AuthFailed:
            log.warning("REST refused the credentials the socket accepted")
        except ApiError as exc:
            log.info("no balances: %s", exc)
        await self.catching_up.run()

    # Actions ----------------------------------------------------------------

    async def mark_read(self, row: HistoryRow) -> None:
        """Mark one event read here and on the node: a notification by its id, a chat
        message by its conversation (the node reads chat a conversation at a time)."""
        self.history.write(self.store.mark_read, row.key)
        if row.kind == "notification" and row.event_id:
            await self.api.mark_notification_read(row.event_id)
        elif row.kind == "message" and (target := chat_target(row.route)) is not None:
            await self.api.mark_chat_read(target.peer_id, target.subject)

    async def mark_all_read(self) -> None:
        self.history.write(self.store.mark_all_read)
        await self.api.mark_all_notifications_read()


class _Texts(TypedDict):
    title: str
    body: str
    image: str
    route: str
    urgency: str


def _texts(entry: Toast | None) -> _Texts:
    """The texts a history row is shown with, from its entry (empty for none)."""
    if entry is None:
        return _Texts(title="", body="", image="", route="", urgency="")
    return _Texts(
        title=entry.title,
        body=entry.body,
        image=entry.image,
        route=entry.route,
        urgency=entry.urgency.value,
    )


_DECODERS: Final = {
    "ob": decode_frame,
    "mobazha": decode_mobazha_frame,
    "auto": decode_either_frame,
}
"""How frames are read, by the node's kind."""


def _worth_logging(count: int) -> bool:
    """The first few of a kind, then one in a thousand: a flood must not fill the disk."""
    return count <= LOG_FIRST or count % 1000 == 0
