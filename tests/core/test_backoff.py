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
