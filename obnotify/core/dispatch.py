"""Every node's toasts on their way to the screen: one state machine, no I/O, no timers.

The app feeds it calls (a new event, a node's catch-up finished, a pause chosen,
the outcome of a toast it was told to show, time passing) and carries out what
each call returns: toasts to show and row ids now delivered. It never waits:
:meth:`Dispatcher.next_tick` says when time next matters, and the caller arms
one timer for it. The clock is passed in, so a test drives hours of bursts,
pauses and quiet hours without sleeping.

What is kept here, and why here:

- The pause is one state for the whole app: every tray shows it, and its end
  is a deadline like any other, so the trays learn of it on time.
- Catch-up counting ("N events while you were away") is per node, so two nodes
  catching up at once never mix in each other's summary.
- A burst is per node: the first few toasts go out at once, the rest into a
  summary :data:`SUMMARY_DELAY` after holding started, and what keeps coming
  into one more summary when the burst is over (or every
  :data:`FOLLOW_UP_EVERY` while a flood lasts). A burst that follows soon
  after another waits a whole window from the last summary, so a flood that
  stutters still shows at most the limit and one summary per window.
- Toasts about one order that say one thing pair up per node (:mod:`obnotify.core.pairing`):
  an order and its payment become one toast for the sale, repeated dispute
  warnings the newest. A new order is news a seller acts on, so its toast is
  never held: it goes out at once, as the sale's toast when its payment came
  first. A payment that comes after its order's toast went out joins the
  history without a toast of its own (the order's toast already said it); one
  that comes first waits up to :data:`~obnotify.core.pairing.PAIRING_WAIT` for its
  order. Dispute warnings, which are not urgent, wait as long for a newer one.
- A summary stands for two or more events: a burst or a catch-up that held
  back a single event shows that event's own toast in the summary's place.
- Every row id handed in comes out once in a :class:`Delivered`: at once when
  nothing is to be shown (no toast, muted, paused), else once the toast that
  carries it (its own, a pair's, or a summary) was shown. A toast that could not
  be shown delivers nothing, so its rows stay pending for the next start.
"""

from __future__ import annotations

from collections import Counter, deque
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Final, Generic, TypeAlias, TypeVar

from obnotify.core.pairing import PAIRING_WAIT, SALE_MEMORY, Held, Pairing, PairKey, Part, Piece
from obnotify.core.policy import NotificationSettings, Source, hushed, silenced, styled
from obnotify.core.render import Category, Toast, Urgency, away_summary, burst_summary

__all__ = [
    "BURST_QUIET",
    "CATCH_UP_GRACE",
    "CATCH_UP_STALL",
    "FOLLOW_UP_EVERY",
    "SUMMARY_DELAY",
    "Clock",
    "Delivered",
    "Dispatcher",
    "Moment",
    "Output",
    "PauseChanged",
    "Show",
]

P = TypeVar("P")

SUMMARY_DELAY: Final = 1.0
"""Seconds from the first toast a burst holds back to the summary that carries it."""
BURST_QUIET: Final = 2.0
"""A burst is over once its node has gone this long without a new toast."""
FOLLOW_UP_EVERY: Final = 30.0
"""While a flood goes on past its first summary, one more summary at most this often."""
CATCH_UP_GRACE: Final = 5.0
"""After a node reports its catch-up finished, how long its last events may still arrive.

The node's session hands events on once their names and pictures are fetched,
so the last missed events can come in after the report; the summary waits for
the count reported, at most this long.
"""
CATCH_UP_STALL: Final = 60.0
"""Missed events held this long with no catch-up event and no report go out all the same."""


@dataclass(frozen=True, slots=True)
class Moment:
    """A reading of both clocks the rules need."""

    wall: datetime
    """Local time, timezone-aware: pause deadlines and quiet hours are set by the wall clock."""
    mono: float
    """Monotonic seconds: burst windows must not jump when the wall clock does."""


Clock: TypeAlias = Callable[[], Moment]
"""Reads the time; the app passes the system clocks, tests a fake they move by hand."""


@dataclass(frozen=True, slots=True)
class Show(Generic[P]):
    """Put a toast on screen, then report how it went with :meth:`Dispatcher.shown`."""

    node: str
    """The node whose controller shows it (its click opens that node's window)."""
    ticket: int
    """Names this toast in :meth:`Dispatcher.shown`."""
    toast: Toast
    payload: P | None
    """What came with the event, for a toast of its own; None for a summary."""
    rowids: tuple[int, ...] = ()
    """The rows it stands for: one, or more for a sale and its payment or a summary."""


@dataclass(frozen=True, slots=True)
class Delivered:
    """Rows of a node that reached the user (or were muted): mark them, once."""

    node: str
    rowids: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class PauseChanged:
    """A pause began, moved or ended: the app-wide one, or one node's. The tray redraws."""

    until: datetime | None
    """The new end of the pause; None when notifications are on again."""
    node: str = ""
    """The node paused on its own; empty for the app-wide pause."""


Output: TypeAlias = Show[P] | Delivered | PauseChanged
"""What a call of :class:`Dispatcher` tells the app to do, in this order."""


@dataclass
class _Summary(Generic[P]):
    """Events held back for one summary toast."""

    rowids: list[int] = field(default_factory=list)
    counts: Counter[Category] = field(default_factory=Counter)
    critical: bool = False
    """Whether a critical toast is among them: then neither a pause nor quiet hours mute it."""
    first: tuple[Toast, Category, P | None] | None = None
    """The first event's own toast, category and payload: shown instead of a summary when
    it is the only one held. Only the first is kept, so a flood costs one row id each."""

    def add(self, rowid: int, toast: Toast, category: Category, payload: P | None) -> None:
        self.rowids.append(rowid)
        self.counts[category] += 1
        self.critical = self.critical or toast.urgency is Urgency.CRITICAL
        if self.first is None:
            self.first = (toast, category, payload)


@dataclass
class _Burst:
    """A node sending more toasts than its window allows, until it goes quiet."""

    first_held: float
    last_event: float
    not_before: float
    """A burst that starts soon after an earlier one's summary waits a window from it, so
    a flood that stutters does not get a summary after each pause."""
    held: _Summary[Any] = field(default_factory=_Summary)
    summaries: int = 0
    """Summaries this burst has sent so far."""
    last_summary: float = 0.0

    def due(self) -> float | None:
        """When the held toasts go out as a summary; None while nothing is held."""
        if not self.held.rowids:
            return None
        if self.summaries == 0:
            return max(self.first_held + SUMMARY_DELAY, self.not_before)
        return min(self.last_event + BURST_QUIET, self.last_summary + FOLLOW_UP_EVERY)


@dataclass
class _CatchUp:
    """One node's catch-up: how many missed events it has seen, shown and held."""

    shown: int = 0
    seen: int = 0
    last_seen: float = 0.0
    held: _Summary[Any] = field(default_factory=_Summary)
    expected: int | None = None
    """The count the node reported when it finished; None until it has."""
    finished_at: float = 0.0

    def due(self) -> float | None:
        """When what is held goes out even if not every reported event has come in."""
        if self.expected is not None:
            return self.finished_at + CATCH_UP_GRACE
        if self.held.rowids:
            return self.last_seen + CATCH_UP_STALL
        return None


@dataclass
class _Lane(Generic[P]):
    """One node's state: its recent toasts, its burst, its catch-up, its pairs."""

    recent: deque[float] = field(default_factory=deque)
    """Monotonic times of the toasts shown within the burst window, summaries included."""
    burst: _Burst | None = None
    last_summary: float | None = None
    """When this node's last burst summary went out."""
    catch_up: _CatchUp = field(default_factory=_CatchUp)
    held: dict[PairKey, Held[P]] = field(default_factory=dict)
    """Toasts waiting for the rest of their pair, oldest first."""
    sold: dict[PairKey, float] = field(default_factory=dict)
    """Orders whose toast went out, oldest first, with when: their payment needs no toast.
    Kept :data:`~obnotify.core.pairing.SALE_MEMORY` seconds."""
    paused_until: datetime | None = None
    """This node's own pause (from its entry in the tray menu), on top of the app-wide one."""


class Dispatcher(Generic[P]):
    """Decides, for every node, which toasts go out and when, and what is delivered.

    Args:
        settings: The user's notification settings, shared by every node.
        clock: Reads the time at each call.

    Each call returns the outputs to carry out, in order. ``P`` is whatever the
    caller hands in with an event to show it later (the app passes the event
    itself); the dispatcher only hands it back, in :attr:`Show.payload`.
    """

    def __init__(self, settings: NotificationSettings, clock: Clock) -> None:
        self.settings = settings
        self._clock = clock
        self._lanes: dict[str, _Lane[P]] = {}
        self._tickets: dict[int, tuple[str, tuple[int, ...], PairKey | None]] = {}
        """Toasts told to show and not yet reported: their node, the rows they carry and,
        for an order's toast, its sale."""
        self._next_ticket = 1
        self._paused_until: datetime | None = None

    # Inputs ------------------------------------------------------------------

    def event(
        self,
        node: str,
        rowid: int,
        toast: Toast | None,
        category: Category,
        source: Source,
        payload: P | None = None,
        pairing: Pairing | None = None,
    ) -> list[Output[P]]:
        """A new event of ``node``, recorded as ``rowid``, with the toast it would make (if any).

        ``pairing`` (from :func:`obnotify.core.pairing.pairing_of`) says which other
        events of the node it may share one toast with.
        """
        now = self._clock()
        out = self._advance(now)
        lane = self._lane(node)
        if source is Source.CATCH_UP:
            lane.catch_up.seen += 1
            lane.catch_up.last_seen = now.mono
        held = lane.held.get(pairing.key) if pairing is not None else None
        # A payment whose order's toast is out: that toast said it; history only.
        paid_for = (
            pairing is not None
            and pairing.part is Part.PAYMENT
            and self._sold(lane, pairing.key, now)
        )
        if (
            toast is None
            or paid_for
            or silenced(
                self.settings,
                toast,
                category,
                source,
                now=now.wall,
                paused_until=self._pause_of(lane),
            )
        ):
            out.append(Delivered(node, (rowid,)))
        elif (
            pairing is not None
            and held is not None
            and held.join(rowid, Piece(toast, category, pairing, payload))
        ):
            if held.complete:
                del lane.held[pairing.key]
                out.extend(self._release(node, held, now))
        elif source is Source.CATCH_UP:
            catch_up = lane.catch_up
            if catch_up.shown < self.settings.catch_up_single:
                catch_up.shown += 1
                out.extend(self._single(node, lane, rowid, toast, category, payload, pairing, now))
            else:
                catch_up.held.add(rowid, toast, category, payload)
        else:
            out.extend(self._live(node, lane, rowid, toast, category, payload, pairing, now))
        if source is Source.CATCH_UP:
            out.extend(self._close_catch_up(node, lane, now, early=True))
        return out

    def catch_up_finished(self, node: str, missed: int) -> list[Output[P]]:
        """``node`` has fetched what it missed: ``missed`` events, some maybe still on their way.

        The "N events while you were away" summary goes out once that many have
        come in, or :data:`CATCH_UP_GRACE` from now, whichever is first.
        """
        now = self._clock()
        out = self._advance(now)
        lane = self._lane(node)
        lane.catch_up.expected = max(0, missed)
        lane.catch_up.finished_at = now.mono
        out.extend(self._close_catch_up(node, lane, now, early=True))
        return out

    def pause(self, until: datetime | None, node: str = "") -> list[Output[P]]:
        """Pause toasts (critical ones excepted) until ``until``; None resumes.

        Every node's, or with ``node`` that node's alone: its events are still
        recorded, and delivered to the history without a toast.
        """
        now = self._clock()
        out = self._advance(now)
        wanted = until if until is not None and until > now.wall else None
        if node:
            lane = self._lane(node)
            if wanted != lane.paused_until:
                lane.paused_until = wanted
                out.append(PauseChanged(wanted, node))
        elif wanted != self._paused_until:
            self._paused_until = wanted
            out.append(PauseChanged(wanted))
        return out

    def shown(self, ticket: int, ok: bool) -> list[Output[P]]:
        """How the toast of ``ticket`` went: shown (``ok``) delivers its rows; failed keeps them pending."""
        out = self._advance(self._clock())
        carried = self._tickets.pop(ticket, None)
        if carried is None:
            return out
        node, rowids, sale = carried
        if ok and rowids:
            out.append(Delivered(node, rowids))
        elif not ok and sale is not None:
            # Not on screen after all: a payment still to come gets a toast of its own.
            self._lane(node).sold.pop(sale, None)
        return out

    def tick(self) -> list[Output[P]]:
        """Time has passed: send summaries that are due and end a pause that is over."""
        return self._advance(self._clock())

    # Reading -------------------------------------------------------------------

    @property
    def paused_until(self) -> datetime | None:
        """When the app-wide pause ends; None when not paused."""
        return self._paused_until

    def node_paused_until(self, node: str) -> datetime | None:
        """When the pause of ``node`` alone ends; None when it has none."""
        lane = self._lanes.get(node)
        return lane.paused_until if lane is not None else None

    def hushes(self, urgency: Urgency, node: str = "") -> bool:
        """Whether a toast of this urgency that carries no event (outage news) stays off the
        screen now, under the app-wide pause, ``node``'s own, or quiet hours."""
        lane = self._lanes.get(node)
        pause = self._pause_of(lane) if lane is not None else self._paused_until
        return hushed(self.settings, urgency, now=self._clock().wall, paused_until=pause)

    def _pause_of(self, lane: _Lane[P]) -> datetime | None:
        """The pause a node's toasts are under: the later of its own and the app-wide one."""
        ends = [end for end in (self._paused_until, lane.paused_until) if end is not None]
        return max(ends) if ends else None

    def next_tick(self) -> float | None:
        """Seconds until :meth:`tick` has something to do; None when nothing waits on time."""
        now = self._clock()
        waits: list[float] = []
        if self._paused_until is not None:
            waits.append((self._paused_until - now.wall).total_seconds())
        for lane in self._lanes.values():
            if lane.paused_until is not None:
                waits.append((lane.paused_until - now.wall).total_seconds())
            for due in (lane.burst.due() if lane.burst else None, lane.catch_up.due()):
                if due is not None:
                    waits.append(due - now.mono)
            waits.extend(held.due - now.mono for held in lane.held.values())
        return max(0.0, min(waits)) if waits else None

    # Rules -------------------------------------------------------------------------

    def _lane(self, node: str) -> _Lane[P]:
        lane = self._lanes.get(node)
        if lane is None:
            lane = self._lanes[node] = _Lane()
        return lane

    def _live(
        self,
        node: str,
        lane: _Lane[P],
        rowid: int,
        toast: Toast,
        category: Category,
        payload: P | None,
        pairing: Pairing | None,
        now: Moment,
    ) -> list[Output[P]]:
        """A toast from the socket: at once while the window has room, else held for a summary."""
        mono = now.mono
        burst = lane.burst
        if burst is not None and not burst.held.rowids and mono - burst.last_event >= BURST_QUIET:
            burst = lane.burst = None
        if burst is None:
            self._forget_old(lane, mono)
            if len(lane.recent) < self.settings.burst_limit:
                lane.recent.append(mono)
                return self._single(node, lane, rowid, toast, category, payload, pairing, now)
            last = lane.last_summary
            not_before = mono if last is None else last + self.settings.burst_window
            burst = lane.burst = _Burst(first_held=mono, last_event=mono, not_before=not_before)
        elif not burst.held.rowids:
            burst.first_held = mono
        burst.held.add(rowid, toast, category, payload)
        burst.last_event = mono
        return []

    def _single(
        self,
        node: str,
        lane: _Lane[P],
        rowid: int,
        toast: Toast,
        category: Category,
        payload: P | None,
        pairing: Pairing | None,
        now: Moment,
    ) -> list[Output[P]]:
        """A toast of its own: shown now, or, if it may pair, held for its partner first.

        An order is never held: its toast goes out now and the sale is remembered, so
        its payment joins the history quietly.
        """
        if pairing is None or pairing.key in lane.held or pairing.part is Part.ORDER:
            sale = pairing.key if pairing is not None and pairing.part is Part.ORDER else None
            if sale is not None:
                self._remember_sale(lane, sale, now.mono)
            styled_toast = styled(self.settings, toast, category)
            return [self._show(node, styled_toast, (rowid,), payload, sale)]
        held: Held[P] = Held(due=now.mono + PAIRING_WAIT)
        held.join(rowid, Piece(toast, category, pairing, payload))
        lane.held[pairing.key] = held
        return []

    @staticmethod
    def _sold(lane: _Lane[P], sale: PairKey, now: Moment) -> bool:
        """Whether the toast of ``sale``'s order went out within :data:`SALE_MEMORY`."""
        at = lane.sold.get(sale)
        return at is not None and now.mono - at < SALE_MEMORY

    def _remember_sale(self, lane: _Lane[P], sale: PairKey, mono: float) -> None:
        """Note that the toast of ``sale``'s order went out, forgetting sales too old to pay."""
        lane.sold.pop(sale, None)
        lane.sold[sale] = mono
        while lane.sold:
            oldest, at = next(iter(lane.sold.items()))
            if mono - at < SALE_MEMORY:
                break
            del lane.sold[oldest]

    def _release(self, node: str, held: Held[P], now: Moment) -> list[Output[P]]:
        """The one toast of a pair, or its rows delivered at once if a pause begun meanwhile mutes it."""
        piece = held.outcome()
        rowids = tuple(held.rowids)
        lane = self._lane(node)
        if hushed(
            self.settings,
            piece.toast.urgency,
            now=now.wall,
            paused_until=self._pause_of(lane),
        ):
            return [Delivered(node, rowids)]
        toast = styled(self.settings, piece.toast, piece.category)
        sale = piece.pairing.key if piece.pairing.part is Part.ORDER else None
        if sale is not None:
            self._remember_sale(lane, sale, now.mono)
        return [self._show(node, toast, rowids, piece.payload, sale)]

    def _forget_old(self, lane: _Lane[P], mono: float) -> None:
        while lane.recent and mono - lane.recent[0] >= self.settings.burst_window:
            lane.recent.popleft()

    def _advance(self, now: Moment) -> list[Output[P]]:
        """Everything that has come due by ``now``, in order: the pause, then each node."""
        out: list[Output[P]] = []
        if self._paused_until is not None and now.wall >= self._paused_until:
            self._paused_until = None
            out.append(PauseChanged(None))
        for node, lane in self._lanes.items():
            if lane.paused_until is not None and now.wall >= lane.paused_until:
                lane.paused_until = None
                out.append(PauseChanged(None, node))
            burst = lane.burst
            if burst is not None:
                due = burst.due()
                if due is not None and now.mono >= due:
                    summed = self._summarise(node, burst.held, burst_summary, now)
                    if any(isinstance(output, Show) for output in summed):
                        lane.recent.append(now.mono)
                    out.extend(summed)
                    burst.held = _Summary()
                    burst.summaries += 1
                    burst.last_summary = lane.last_summary = now.mono
            out.extend(self._close_catch_up(node, lane, now, early=False))
            for key, held in list(lane.held.items()):
                if now.mono >= held.due:
                    del lane.held[key]
                    out.extend(self._release(node, held, now))
        return out

    def _close_catch_up(
        self, node: str, lane: _Lane[P], now: Moment, *, early: bool
    ) -> list[Output[P]]:
        """The away summary, once every reported event is in (``early``) or the wait is over."""
        catch_up = lane.catch_up
        due = catch_up.due()
        complete = catch_up.expected is not None and catch_up.seen >= catch_up.expected
        if not (complete if early else due is not None and now.mono >= due):
            return []
        lane.catch_up = _CatchUp()
        return self._summarise(node, catch_up.held, away_summary, now)

    def _summarise(
        self,
        node: str,
        held: _Summary[P],
        summary: Callable[[Counter[Category]], Toast],
        now: Moment,
    ) -> list[Output[P]]:
        """The summary of what was held (or, for one event, its own toast), or its rows delivered at
        once if a pause or quiet hours mute it."""
        if not held.rowids:
            return []
        urgency = Urgency.CRITICAL if held.critical else Urgency.NORMAL
        pause = self._pause_of(self._lane(node))
        if hushed(self.settings, urgency, now=now.wall, paused_until=pause):
            return [Delivered(node, tuple(held.rowids))]
        if len(held.rowids) == 1 and held.first is not None:
            toast, category, payload = held.first
            return [self._show(node, styled(self.settings, toast, category), held.rowids, payload)]
        return [self._show(node, summary(held.counts), held.rowids, None)]

    def _show(
        self,
        node: str,
        toast: Toast,
        rowids: Iterable[int],
        payload: P | None,
        sale: PairKey | None = None,
    ) -> Show[P]:
        ticket = self._next_ticket
        self._next_ticket += 1
        carried = tuple(rowids)
        self._tickets[ticket] = (node, carried, sale)
        return Show(node, ticket, toast, payload, carried)
