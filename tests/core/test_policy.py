"""What reaches the screen: pause, quiet hours, muted groups, catch-up and burst folding."""

from __future__ import annotations

from datetime import datetime, time

import pytest

from obnotify.core.policy import Decision, QuietHours, Source, ToastPolicy
from obnotify.core.render import Category, Toast, Urgency

NOON = datetime(2026, 11, 24, 12, 0)
ORDER = Toast(title="New order", body="Mug: 1 BTC paid.")
DISPUTE = Toast(title="Dispute opened", body="...", urgency=Urgency.CRITICAL)


def decide(
    policy: ToastPolicy,
    toast: Toast = ORDER,
    *,
    source: Source = Source.SOCKET,
    category: Category = Category.ORDERS,
    now: datetime = NOON,
    clock: float = 0.0,
) -> Decision:
    return policy.decide(toast, category, source, now=now, clock=clock)


def test_live_events_show() -> None:
    assert decide(ToastPolicy()) is Decision.SHOW


def test_history_of_a_first_start_never_toasts() -> None:
    assert decide(ToastPolicy(), source=Source.HISTORY) is Decision.MUTE


def test_muted_categories() -> None:
    policy = ToastPolicy(muted_categories={Category.FOLLOWERS})
    assert decide(policy, category=Category.FOLLOWERS) is Decision.MUTE
    assert decide(policy, category=Category.ORDERS) is Decision.SHOW


def test_pause_mutes_all_but_critical_until_its_end() -> None:
    policy = ToastPolicy(paused_until=datetime(2026, 11, 24, 13, 0))
    assert decide(policy) is Decision.MUTE
    assert decide(policy, DISPUTE, category=Category.DISPUTES) is Decision.SHOW
    assert decide(policy, now=datetime(2026, 11, 24, 13, 0, 1)) is Decision.SHOW


@pytest.mark.parametrize(
    ("moment", "quiet"),
    [
        (time(21, 59), False),
        (time(22, 0), True),
        (time(3, 0), True),
        (time(7, 0), False),
        (time(12, 0), False),
    ],
)
def test_quiet_hours_cross_midnight(moment: time, quiet: bool) -> None:
    policy = ToastPolicy(quiet_hours=QuietHours(time(22, 0), time(7, 0)))
    now = datetime.combine(NOON.date(), moment)
    assert decide(policy, now=now) is (Decision.MUTE if quiet else Decision.SHOW)
    assert decide(policy, DISPUTE, now=now, category=Category.DISPUTES) is Decision.SHOW


def test_daytime_quiet_hours() -> None:
    hours = QuietHours(time(9, 0), time(17, 0))
    assert hours.contains(NOON) and not hours.contains(datetime(2026, 11, 24, 18, 0))


def test_catch_up_shows_a_few_then_one_summary() -> None:
    policy = ToastPolicy()
    decisions = [decide(policy, source=Source.CATCH_UP) for _ in range(10)]
    decisions += [decide(policy, source=Source.CATCH_UP, category=Category.CHAT) for _ in range(4)]
    assert decisions[:3] == [Decision.SHOW] * 3
    assert set(decisions[3:]) == {Decision.HOLD}
    summary = policy.catch_up_finished()
    assert summary is not None
    assert summary.title == "11 events while you were away"
    assert summary.body == "7 order updates, 4 chat messages. Open obnotify to see them all."
    assert policy.catch_up_finished() is None
    assert decide(policy, source=Source.CATCH_UP) is Decision.SHOW, "the next catch-up starts over"


def test_a_burst_folds_into_one_summary_after_the_window() -> None:
    policy = ToastPolicy(burst_limit=4, burst_window=10.0)
    shown = [decide(policy, clock=0.1 * i) for i in range(4)]
    held = [decide(policy, clock=1.0 + 0.1 * i, category=Category.CHAT) for i in range(6)]
    assert shown == [Decision.SHOW] * 4 and held == [Decision.HOLD] * 6
    assert policy.next_flush_in(2.0) == pytest.approx(9.0)
    assert policy.flush(5.0) is None, "not before the window has passed"
    summary = policy.flush(11.0)
    assert summary is not None and summary.title == "6 new events"
    assert summary.body == "6 chat messages. Open obnotify to see them all."
    assert policy.flush(30.0) is None
    assert decide(policy, clock=30.0) is Decision.SHOW


def test_spaced_toasts_never_fold() -> None:
    policy = ToastPolicy(burst_limit=2, burst_window=10.0)
    assert all(decide(policy, clock=11.0 * i) is Decision.SHOW for i in range(20))
