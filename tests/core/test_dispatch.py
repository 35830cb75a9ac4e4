"""The toast dispatcher, driven by a fake clock: bursts, catch-up, the shared pause, delivery.

A small screen stands in for the app: it carries out every output the way the
Qt side does, reports each toast as shown (or failed), and moves the clock to
the dispatcher's next deadline instead of sleeping.
"""

from __future__ import annotations

import itertools
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone

import pytest

from obnotify.core.dispatch import (
    BURST_QUIET,
    CATCH_UP_GRACE,
    CATCH_UP_STALL,
    FOLLOW_UP_EVERY,
    SUMMARY_DELAY,
    Delivered,
    Dispatcher,
    Moment,
    Output,
    PauseChanged,
    Show,
)
from obnotify.core.policy import NotificationSettings, QuietHours, Source
from obnotify.core.render import Category, Toast, Urgency

ZONE = timezone(timedelta(hours=1))
NOON = datetime(2026, 11, 24, 12, 0, tzinfo=ZONE)
ORDER = Toast(title="New order", body="Mug: 1 BTC paid.")
CHAT = Toast(title="Alice", body="hello")
DISPUTE = Toast(title="Dispute opened", body="...", urgency=Urgency.CRITICAL)
UNLIMITED = NotificationSettings(burst_limit=10**9)
IDLE_TICKS = 100


class FakeClock:
    """Both clocks, moved by hand."""

    def __init__(self, wall: datetime = NOON) -> None:
        self.wall = wall
        self.mono = 1000.0

    def __call__(self) -> Moment:
        return Moment(self.wall, self.mono)

    def advance(self, seconds: float) -> None:
        self.wall += timedelta(seconds=seconds)
        self.mono += seconds


@dataclass
class Shown:
    at: float
    """Seconds since the screen started."""
    node: str
    toast: Toast
    payload: str | None


@dataclass
class Screen:
    """Carries out what the dispatcher says; the notification server shows all unless ``ok`` is off."""

    settings: NotificationSettings = field(default_factory=NotificationSettings)
    ok: bool = True
    answer: bool = True
    """Report each toast at once; off, the reports wait in :attr:`unanswered`."""
    clock: FakeClock = field(default_factory=FakeClock)
    shown: list[Shown] = field(default_factory=list)
    delivered: Counter[tuple[str, int]] = field(default_factory=Counter)
    pauses: list[tuple[float, datetime | None]] = field(default_factory=list)
    unanswered: list[int] = field(default_factory=list)
    handed_in: list[tuple[str, int]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.dispatcher: Dispatcher[str] = Dispatcher(self.settings, self.clock)
        self.start = self.clock.mono
        self._rowid = 0

    @property
    def now(self) -> float:
        return self.clock.mono - self.start

    def carry_out(self, outputs: list[Output[str]]) -> None:
        for output in outputs:
            if isinstance(output, Show):
                self.shown.append(Shown(self.now, output.node, output.toast, output.payload))
                if self.answer:
                    self.carry_out(self.dispatcher.shown(output.ticket, self.ok))
                else:
                    self.unanswered.append(output.ticket)
            elif isinstance(output, Delivered):
                self.delivered.update((output.node, rowid) for rowid in output.rowids)
            else:
                assert isinstance(output, PauseChanged)
                self.pauses.append((self.now, output.until))

    def event(
        self,
        toast: Toast | None = ORDER,
        category: Category = Category.ORDERS,
        source: Source = Source.SOCKET,
        *,
        node: str = "shop",
    ) -> int:
        rowid = self.new_row(node)
        self.carry_out(self.dispatcher.event(node, rowid, toast, category, source, f"row {rowid}"))
        return rowid

    def new_row(self, node: str) -> int:
        """The id of the next row of ``node`` to hand in, noted as handed in."""
        self._rowid += 1
        self.handed_in.append((node, self._rowid))
        return self._rowid

    def wait(self, seconds: float) -> None:
        """Let time pass, ticking at each deadline the dispatcher names, as the Qt timer does."""
        end = self.clock.mono + seconds
        idle = 0
        while (wait := self.dispatcher.next_tick()) is not None and self.clock.mono + wait <= end:
            self.clock.advance(wait)
            out = self.dispatcher.tick()
            idle = 0 if out or wait > 0 else idle + 1
            assert idle < IDLE_TICKS, "asks for a tick now, again and again, with nothing to do"
            self.carry_out(out)
        self.clock.advance(end - self.clock.mono)
        self.carry_out(self.dispatcher.tick())

    def titles(self, node: str | None = None) -> list[str]:
        return [s.toast.title for s in self.shown if node is None or s.node == node]

    def summaries(self) -> list[Shown]:
        return [s for s in self.shown if s.payload is None]

    def assert_each_delivered_once(self, *, but: set[tuple[str, int]] = frozenset()) -> None:  # type: ignore[assignment]
        expected = Counter(key for key in self.handed_in if key not in but)
        assert self.delivered == expected


def held_count(toast: Toast) -> int:
    return int(toast.title.split()[0].replace(",", ""))


# Single toasts, muting ------------------------------------------------------------


def test_live_events_show_at_once_and_are_delivered_once_shown() -> None:
    screen = Screen()
    rows = [screen.event() for _ in range(3)]
    assert [s.payload for s in screen.shown] == [f"row {r}" for r in rows]
    assert all(s.at == 0 for s in screen.shown)
    screen.assert_each_delivered_once()
    assert screen.dispatcher.next_tick() is None, "nothing waits on time"


def test_events_without_a_toast_muted_or_history_are_delivered_without_showing() -> None:
    screen = Screen(NotificationSettings(muted=frozenset({Category.FOLLOWERS})))
    screen.event(toast=None)
    screen.event(category=Category.FOLLOWERS)
    screen.event(source=Source.HISTORY)
    screen.event(DISPUTE, source=Source.HISTORY)
    assert screen.shown == []
    screen.assert_each_delivered_once()


def test_a_toast_that_could_not_be_shown_leaves_its_row_pending() -> None:
    screen = Screen(ok=False)
    failed = screen.event()
    muted = screen.event(source=Source.HISTORY)
    assert len(screen.shown) == 1
    assert screen.delivered == Counter({("shop", muted): 1})
    screen.assert_each_delivered_once(but={("shop", failed)})


def test_the_next_toast_goes_out_before_the_one_before_is_answered() -> None:
    screen = Screen(UNLIMITED, answer=False)
    for _ in range(20):
        screen.event(toast=CHAT, category=Category.CHAT)
    assert len(screen.shown) == 20 and len(screen.unanswered) == 20
    assert not screen.delivered, "delivered only once shown"
    for ticket in reversed(screen.unanswered):
        screen.carry_out(screen.dispatcher.shown(ticket, True))
    screen.assert_each_delivered_once()


def test_unknown_or_repeated_reports_deliver_nothing() -> None:
    screen = Screen(answer=False)
    screen.event()
    [ticket] = screen.unanswered
    screen.carry_out(screen.dispatcher.shown(ticket, True))
    screen.carry_out(screen.dispatcher.shown(ticket, True))
    screen.carry_out(screen.dispatcher.shown(12345, True))
    screen.assert_each_delivered_once()


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [(time(21, 59, 59), False), (time(22, 0), True), (time(3, 0), True), (time(7, 0), False)],
)
def test_quiet_hours_let_only_critical_toasts_through(moment: time, quiet: bool) -> None:
    settings = NotificationSettings(quiet_hours=QuietHours(time(22, 0), time(7, 0)))
    screen = Screen(settings, clock=FakeClock(datetime.combine(NOON.date(), moment, ZONE)))
    screen.event()
    screen.event(DISPUTE, category=Category.DISPUTES)
    assert screen.titles() == (["Dispute opened"] if quiet else ["New order", "Dispute opened"])
    screen.assert_each_delivered_once()


def test_a_summary_due_in_quiet_hours_is_muted_but_delivered() -> None:
    settings = NotificationSettings(quiet_hours=QuietHours(time(22, 0), time(7, 0)))
    screen = Screen(settings, clock=FakeClock(datetime(2026, 11, 24, 21, 59, 59, tzinfo=ZONE)))
    for _ in range(10):
        screen.event()
    screen.wait(60)
    assert screen.titles() == ["New order"] * 3
    screen.assert_each_delivered_once()


# Bursts ---------------------------------------------------------------------------


def test_ten_thousand_frames_give_a_summary_within_two_seconds_and_five_toasts_at_most() -> None:
    screen = Screen()
    for _ in range(10_000):
        screen.event(toast=CHAT, category=Category.CHAT)
        screen.clock.advance(0.0001)
    screen.wait(120)
    summaries = screen.summaries()
    assert screen.titles()[:3] == ["Alice"] * 3
    assert summaries and summaries[0].at <= 2.0
    assert summaries[0].at == pytest.approx(SUMMARY_DELAY, abs=0.01)
    assert len(screen.shown) <= 5
    assert sum(held_count(s.toast) for s in summaries) == 10_000 - 3
    assert summaries[-1].toast.body.startswith(f"{held_count(summaries[-1].toast)} chat")
    screen.assert_each_delivered_once()


@pytest.mark.parametrize("seconds", [0.5, 5.0, 20.0])
def test_a_burst_of_any_length_up_to_half_a_minute_stays_at_five_toasts(seconds: float) -> None:
    screen = Screen()
    count = 10_000
    for _ in range(count):
        screen.event(toast=CHAT, category=Category.CHAT)
        screen.clock.advance(seconds / count)
    screen.wait(120)
    summaries = screen.summaries()
    assert summaries[0].at <= 2.0
    assert len(screen.shown) <= 5
    # A burst over before its first summary is all in it; a longer one ends with one more.
    last = SUMMARY_DELAY if seconds < SUMMARY_DELAY else seconds + BURST_QUIET
    assert summaries[-1].at == pytest.approx(last, abs=0.01)
    assert sum(held_count(s.toast) for s in summaries) == count - 3
    screen.assert_each_delivered_once()


def test_a_flood_that_goes_on_gets_one_summary_every_half_minute() -> None:
    screen = Screen()
    for _ in range(100 * 10):
        screen.event(toast=CHAT, category=Category.CHAT)
        screen.wait(0.1)
    screen.wait(60)
    times = [s.at for s in screen.summaries()]
    assert times[0] == pytest.approx(0.3 + SUMMARY_DELAY), "held from the fourth toast on"
    gaps = [later - earlier for earlier, later in itertools.pairwise(times)]
    assert all(gap >= FOLLOW_UP_EVERY - 0.01 for gap in gaps[:-1])
    assert times[-1] == pytest.approx(100 + BURST_QUIET, abs=0.2), "the rest once it stops"
    assert len(times) == 5
    screen.assert_each_delivered_once()


def test_a_flood_that_stutters_stays_within_the_limit_of_each_window() -> None:
    screen = Screen()
    for _ in range(20):
        for _ in range(500):
            screen.event(toast=CHAT, category=Category.CHAT)
            screen.clock.advance(0.0001)
        screen.wait(BURST_QUIET + 1)
    screen.wait(60)
    times = [s.at for s in screen.shown]
    window = screen.settings.burst_window
    busiest = max(sum(1 for t in times if start <= t < start + window) for start in times)
    assert busiest <= screen.settings.burst_limit + 1, "the singles and one summary"
    screen.assert_each_delivered_once()


def test_sustained_toasts_without_folding_never_wait() -> None:
    screen = Screen(UNLIMITED)
    for second in range(60):
        for _ in range(20):
            before = len(screen.shown)
            screen.event(toast=CHAT, category=Category.CHAT)
            assert len(screen.shown) == before + 1, f"held back at {second} s"
            screen.wait(0.05)
    assert not screen.summaries()
    screen.assert_each_delivered_once()


def test_spaced_toasts_never_fold() -> None:
    screen = Screen(NotificationSettings(burst_limit=2, burst_window=10.0))
    for _ in range(20):
        screen.event()
        screen.wait(11)
    assert screen.titles() == ["New order"] * 20


def test_after_a_burst_toasts_show_one_by_one_again() -> None:
    screen = Screen()
    for _ in range(10):
        screen.event()
    screen.wait(30)
    assert screen.titles() == ["New order"] * 3 + ["7 new events"]
    screen.event(CHAT, Category.CHAT)
    assert screen.titles()[-1] == "Alice"
    screen.assert_each_delivered_once()


def test_bursts_are_per_node() -> None:
    screen = Screen()
    for _ in range(10):
        screen.event(node="shop")
    screen.event(CHAT, Category.CHAT, node="home")
    screen.wait(30)
    assert screen.titles("home") == ["Alice"]
    assert screen.titles("shop") == ["New order"] * 3 + ["7 new events"]


# Catch-up -------------------------------------------------------------------------


def test_catch_up_shows_three_then_one_summary_per_node() -> None:
    screen = Screen()
    for _ in range(10):
        screen.event(source=Source.CATCH_UP, node="shop")
        screen.event(CHAT, Category.CHAT, Source.CATCH_UP, node="home")
    screen.event(CHAT, Category.CHAT, Source.CATCH_UP, node="home")
    screen.carry_out(screen.dispatcher.catch_up_finished("shop", 10))
    screen.carry_out(screen.dispatcher.catch_up_finished("home", 11))
    shop, home = screen.titles("shop"), screen.titles("home")
    assert shop == ["New order"] * 3 + ["7 events while you were away"]
    assert home == ["Alice"] * 3 + ["8 events while you were away"]
    assert screen.summaries()[1].toast.body.startswith("8 chat messages")
    screen.assert_each_delivered_once()
    screen.event(source=Source.CATCH_UP, node="shop")
    assert screen.titles("shop")[-1] == "New order", "the next catch-up starts over"


def test_catch_up_events_still_on_their_way_join_the_summary() -> None:
    screen = Screen()
    for _ in range(4):
        screen.event(source=Source.CATCH_UP)
    screen.carry_out(screen.dispatcher.catch_up_finished("shop", 6))
    assert len(screen.shown) == 3
    screen.wait(1)
    screen.event(source=Source.CATCH_UP)
    assert len(screen.shown) == 3, "one more is on its way"
    screen.event(source=Source.CATCH_UP)
    assert screen.titles()[-1] == "3 events while you were away"
    assert screen.summaries()[0].at == 1
    screen.assert_each_delivered_once()


def test_a_missed_event_that_never_comes_holds_the_summary_a_few_seconds_only() -> None:
    screen = Screen()
    for _ in range(5):
        screen.event(source=Source.CATCH_UP)
    screen.carry_out(screen.dispatcher.catch_up_finished("shop", 9))
    screen.wait(30)
    assert screen.titles()[-1] == "2 events while you were away"
    assert screen.summaries()[0].at == pytest.approx(CATCH_UP_GRACE)
    screen.assert_each_delivered_once()


def test_a_catch_up_never_reported_finished_still_gets_its_summary() -> None:
    screen = Screen()
    for _ in range(6):
        screen.event(source=Source.CATCH_UP)
    screen.wait(300)
    assert screen.titles()[-1] == "3 events while you were away"
    assert screen.summaries()[0].at == pytest.approx(CATCH_UP_STALL)


def test_catch_up_does_not_count_against_the_burst_window() -> None:
    screen = Screen()
    for _ in range(3):
        screen.event(source=Source.CATCH_UP)
    screen.carry_out(screen.dispatcher.catch_up_finished("shop", 3))
    screen.event(CHAT, Category.CHAT)
    assert screen.titles() == ["New order"] * 3 + ["Alice"]


# The pause ------------------------------------------------------------------------


def test_one_pause_for_every_node_that_ends_on_time_by_itself() -> None:
    screen = Screen()
    until = NOON + timedelta(hours=1)
    screen.carry_out(screen.dispatcher.pause(until))
    assert screen.pauses == [(0, until)]
    assert screen.dispatcher.paused_until == until
    screen.event(node="shop")
    screen.event(CHAT, Category.CHAT, node="home")
    screen.event(DISPUTE, Category.DISPUTES, node="home")
    assert screen.titles() == ["Dispute opened"], "critical toasts go through a pause"
    assert screen.dispatcher.next_tick() == pytest.approx(3600)
    screen.wait(3600 + 5)
    assert screen.pauses == [(0, until), (3600, None)], "ended with no event to notice it"
    assert screen.dispatcher.paused_until is None
    screen.event(node="shop")
    assert screen.titles()[-1] == "New order"
    screen.assert_each_delivered_once()


def test_one_node_paused_alone_keeps_its_history_and_the_others_toasts() -> None:
    screen = Screen(UNLIMITED)
    until = NOON + timedelta(hours=1)
    screen.carry_out(screen.dispatcher.pause(until, "home"))
    assert screen.pauses == [(0, until)]
    assert screen.dispatcher.node_paused_until("home") == until
    assert screen.dispatcher.paused_until is None, "the app-wide pause is untouched"
    screen.event(node="shop")
    screen.event(CHAT, Category.CHAT, node="home")
    screen.event(DISPUTE, Category.DISPUTES, node="home")
    assert screen.titles() == ["New order", "Dispute opened"], "critical toasts go through"
    assert screen.delivered[("home", 2)] == 1, "the paused node's event is in the history"
    screen.wait(3600 + 5)
    assert screen.pauses == [(0, until), (3600, None)], "it ends on time by itself"
    assert screen.dispatcher.node_paused_until("home") is None
    screen.event(CHAT, Category.CHAT, node="home")
    assert screen.titles()[-1] == "Alice"
    screen.carry_out(screen.dispatcher.pause(until + timedelta(hours=1), "home"))
    screen.carry_out(screen.dispatcher.pause(None, "home"))
    assert screen.dispatcher.node_paused_until("home") is None, "resumed"
    screen.assert_each_delivered_once()


def test_resume_and_a_pause_in_the_past() -> None:
    screen = Screen()
    screen.carry_out(screen.dispatcher.pause(NOON - timedelta(minutes=1)))
    assert screen.pauses == [] and screen.dispatcher.paused_until is None
    screen.carry_out(screen.dispatcher.pause(NOON + timedelta(days=1)))
    screen.wait(10)
    screen.carry_out(screen.dispatcher.pause(None))
    assert screen.pauses == [(0, NOON + timedelta(days=1)), (10, None)]
    assert screen.dispatcher.next_tick() is None


def test_a_pause_chosen_while_a_summary_waits_mutes_it() -> None:
    screen = Screen()
    for _ in range(10):
        screen.event()
    screen.carry_out(screen.dispatcher.pause(NOON + timedelta(hours=1)))
    screen.wait(60)
    assert screen.titles() == ["New order"] * 3
    screen.assert_each_delivered_once()


def test_a_summary_holding_a_critical_toast_goes_through_a_pause() -> None:
    screen = Screen()
    for _ in range(3):
        screen.event()
    screen.event(DISPUTE, Category.DISPUTES)
    screen.event()
    screen.carry_out(screen.dispatcher.pause(NOON + timedelta(hours=1)))
    screen.wait(60)
    assert screen.titles()[-1] == "2 new events"
    screen.assert_each_delivered_once()


def test_a_burst_that_held_back_one_event_shows_it_as_itself() -> None:
    screen = Screen(NotificationSettings(burst_limit=3))
    for _ in range(3):
        screen.event(CHAT, Category.CHAT)
    lone = screen.event(DISPUTE, Category.DISPUTES)
    assert len(screen.shown) == 3, "the fourth waits for the summary's turn"
    screen.wait(SUMMARY_DELAY)
    assert [s.toast.title for s in screen.shown] == ["Alice"] * 3 + ["Dispute opened"]
    [last] = screen.shown[3:]
    assert last.payload == f"row {lone}", "its own toast: its picture, click and actions"
    assert last.at == SUMMARY_DELAY, "in the summary's place, not before"
    assert screen.summaries() == []
    screen.event(CHAT, Category.CHAT)
    screen.event(CHAT, Category.CHAT)
    screen.wait(BURST_QUIET)
    assert screen.titles()[-1] == "2 new events", "two or more are still a summary"
    screen.assert_each_delivered_once()


def test_a_catch_up_that_held_back_one_event_shows_it_as_itself() -> None:
    screen = Screen()
    for _ in range(screen.settings.catch_up_single + 1):
        screen.event(CHAT, Category.CHAT, Source.CATCH_UP)
    screen.carry_out(
        screen.dispatcher.catch_up_finished("shop", screen.settings.catch_up_single + 1)
    )
    assert screen.titles() == ["Alice"] * (screen.settings.catch_up_single + 1)
    assert screen.summaries() == []
    screen.assert_each_delivered_once()


def test_ticks_before_a_deadline_do_nothing() -> None:
    screen = Screen()
    for _ in range(5):
        screen.event()
    wait = screen.dispatcher.next_tick()
    assert wait == pytest.approx(SUMMARY_DELAY)
    screen.clock.advance(SUMMARY_DELAY / 2)
    screen.carry_out(screen.dispatcher.tick())
    assert len(screen.shown) == 3
    assert screen.dispatcher.next_tick() == pytest.approx(SUMMARY_DELAY / 2)


def test_news_without_an_event_is_hushed_by_either_pause_but_a_critical_one_is_not() -> None:
    screen = Screen()
    assert not screen.dispatcher.hushes(Urgency.NORMAL, "shop")
    screen.carry_out(screen.dispatcher.pause(NOON + timedelta(hours=1), node="shop"))
    assert screen.dispatcher.hushes(Urgency.NORMAL, "shop"), "the node's own pause"
    assert not screen.dispatcher.hushes(Urgency.NORMAL, "home"), "another node speaks"
    assert not screen.dispatcher.hushes(Urgency.CRITICAL, "shop")
    screen.carry_out(screen.dispatcher.pause(NOON + timedelta(hours=1)))
    assert screen.dispatcher.hushes(Urgency.NORMAL, "home"), "the app-wide pause"
    screen.wait(3600)
    assert not screen.dispatcher.hushes(Urgency.NORMAL, "shop"), "both ended on time"
