"""The reconnect schedule: growing, capped, jittered, never zero, reset after a stable link."""

from __future__ import annotations

import random

from obnotify.core.backoff import Backoff


def test_grows_to_the_cap_with_bounded_jitter() -> None:
    backoff = Backoff(rng=random.Random(1))
    delays = [backoff.next_delay() for _ in range(12)]
    bases = [1, 2, 4, 8, 16, 32, 60, 60, 60, 60, 60, 60]
    for delay, base in zip(delays, bases, strict=True):
        assert base * 0.75 <= delay <= base * 1.25


def test_jitter_spreads_clients_apart() -> None:
    firsts = {round(Backoff(rng=random.Random(seed)).next_delay(), 3) for seed in range(20)}
    assert len(firsts) > 10


def test_never_below_half_the_first_delay() -> None:
    backoff = Backoff(initial=1.0, jitter=0.9, rng=random.Random(3))
    assert min(backoff.next_delay() for _ in range(200)) >= 0.5


def test_a_short_lived_connection_keeps_climbing() -> None:
    backoff = Backoff(rng=random.Random(2))
    for _ in range(5):
        backoff.next_delay()
    backoff.connection_ended(lived=0.01)
    assert backoff.next_delay() >= 32 * 0.75


def test_a_stable_connection_starts_over() -> None:
    backoff = Backoff(rng=random.Random(2))
    for _ in range(5):
        backoff.next_delay()
    backoff.connection_ended(lived=61.0)
    assert backoff.next_delay() <= 1.25


def _flapping_outages(backoff: Backoff, *, minutes: int, down: float) -> list[float]:
    """Seconds offline after each outage of a node that is down ``down`` s every minute.

    A fake clock drives the schedule as the link does: an attempt while the node is
    down fails at once and takes the next delay; a connection lasts until the next
    outage and then tells the schedule how long it lived.
    """
    outages = [(60.0 * m + 30.0, 60.0 * m + 30.0 + down) for m in range(minutes)]

    def up(t: float) -> bool:
        return not any(start <= t < end for start, end in outages)

    offline: list[float] = []
    now = 0.0
    for start, _end in outages:
        if now > start:
            continue  # still offline from the last outage, which counts the time
        connected_at, now = now, start
        backoff.connection_ended(lived=now - connected_at)
        dropped = now
        while True:
            now += backoff.next_delay()
            if up(now):
                break
        offline.append(now - dropped)
    return offline


def test_a_node_that_flaps_is_offline_no_longer_each_time() -> None:
    offline = _flapping_outages(Backoff(rng=random.Random(5)), minutes=15, down=2.0)
    assert len(offline) == 15, "every outage ended before the next one"
    assert max(offline) <= 2.0 + 1.25 + 2.5, offline


def test_a_node_that_keeps_refusing_still_gets_long_waits() -> None:
    backoff = Backoff(rng=random.Random(6))
    backoff.connection_ended(lived=30.0)
    delays = [backoff.next_delay() for _ in range(10)]
    assert delays[0] <= 1.25
    assert delays[-1] >= 60 * 0.75
