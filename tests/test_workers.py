"""The loop's default executor: threads start when a call needs one and end when idle."""

from __future__ import annotations

import threading

import pytest
from waiting import wait_until

from obnotify.workers import IdleWorkers

DEADLINE = 5.0


def test_no_thread_before_a_call() -> None:
    workers = IdleWorkers(linger=0.05)
    assert workers.threads == 0
    workers.shutdown()


def test_a_call_runs_in_a_thread_that_ends_when_idle() -> None:
    workers = IdleWorkers(linger=0.05)
    future = workers.submit(threading.current_thread)
    assert future.result(DEADLINE) is not threading.current_thread()
    wait_until(lambda: workers.threads == 0, DEADLINE, message="the idle worker to end")
    # A later call starts a thread again.
    assert workers.submit(lambda x: x * 2, 21).result(DEADLINE) == 42
    workers.shutdown()
    assert workers.threads == 0


def test_calls_share_at_most_max_workers_threads() -> None:
    workers = IdleWorkers(max_workers=2, linger=1.0)
    gate = threading.Event()
    futures = [workers.submit(gate.wait, DEADLINE) for _ in range(6)]
    assert workers.threads == 2
    gate.set()
    assert all(f.result(DEADLINE) for f in futures)
    workers.shutdown()
    assert workers.threads == 0


def test_an_exception_reaches_the_caller() -> None:
    workers = IdleWorkers(linger=0.05)
    with pytest.raises(ZeroDivisionError):
        workers.submit(lambda: 1 / 0).result(DEADLINE)
    workers.shutdown()
    with pytest.raises(RuntimeError):
        workers.submit(int)
