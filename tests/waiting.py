"""Waiting in a test until a condition holds, with a deadline stretched by one factor.

A test that sleeps is slow on a fast machine and wrong on a slow one; a test that polls a
condition with a deadline is neither. Every wait of the suite goes through here, so one setting,
OBNOTIFY_TEST_TIMEOUT_SCALE, gives a slow or busy machine more time without anyone editing a test.
`wait_until` blocks the thread (subprocesses, a desktop, a node on its own thread); `until` lets
an asyncio loop run while it waits (a session, a qasync loop). Both fail with what was waited for
and the last value seen.

It imports only the standard library: dunst runs `desktop_session` as a script beside it, outside
the test virtualenv.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable
from typing import TypeGuard, TypeVar

__all__ = ["scaled", "timeout_scale", "until", "wait_until"]

T = TypeVar("T")

SCALE_VARIABLE = "OBNOTIFY_TEST_TIMEOUT_SCALE"


def timeout_scale() -> float:
    """How much longer than usual to wait, from OBNOTIFY_TEST_TIMEOUT_SCALE (1 when unset)."""
    raw = os.environ.get(SCALE_VARIABLE, "").strip()
    if not raw:
        return 1.0
    try:
        scale = float(raw)
    except ValueError as error:
        raise ValueError(f"{SCALE_VARIABLE} must be a number, not {raw!r}") from error
    if scale <= 0:
        raise ValueError(f"{SCALE_VARIABLE} must be positive, not {raw!r}")
    return scale


def scaled(seconds: float) -> float:
    """A timeout in seconds, stretched by `timeout_scale`."""
    return seconds * timeout_scale()


class _Deadline:
    """The deadline of one wait, and the failure that names what it was for."""

    def __init__(self, timeout: float, message: str | Callable[[], str]) -> None:
        self.limit = scaled(timeout)
        self.at = time.monotonic() + self.limit
        self.message = message

    def holds(self, value: T | None) -> TypeGuard[T]:
        """Whether `value` is what was waited for; raises once the deadline has passed."""
        if value:
            return True
        if time.monotonic() >= self.at:
            # A callable message is asked only now, so it can describe the state at that moment.
            message = self.message() if callable(self.message) else self.message
            raise AssertionError(
                f"timed out after {self.limit:.1f}s waiting for {message} (last value: {value!r})"
            )
        return False


def wait_until(
    predicate: Callable[[], T | None],
    timeout: float = 10.0,
    *,
    message: str | Callable[[], str] = "the condition",
    interval: float = 0.05,
) -> T:
    """Poll `predicate` until it returns something truthy, and return that.

    `timeout` is scaled by `timeout_scale`. Exceptions from the predicate propagate at once, so a
    predicate can fail fast (say, when the process it waits on has died). On timeout an
    AssertionError names `message` and the last value.
    """
    deadline = _Deadline(timeout, message)
    while not deadline.holds(value := predicate()):
        time.sleep(interval)
    return value


async def until(
    predicate: Callable[[], T | None],
    timeout: float = 10.0,
    *,
    message: str | Callable[[], str] = "the condition",
    interval: float = 0.01,
) -> T:
    """As `wait_until`, letting the running loop work between two looks at `predicate`.

    For state that tasks on the same loop change (a session, a widget on a qasync loop), where
    there is no signal to await.
    """
    deadline = _Deadline(timeout, message)
    while not deadline.holds(value := predicate()):
        await asyncio.sleep(interval)
    return value
