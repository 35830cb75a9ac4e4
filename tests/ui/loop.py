"""Running a coroutine on a qasync loop in a widget test, as the app does, and Qt calls that
process events from the loop rather than from inside a task."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import qasync
from PySide6.QtWidgets import QApplication
from waiting import scaled

T = TypeVar("T")

# How long cancelled tasks get to end once a body is over; they end in a few loop turns.
_TASKS_END_WITHIN = scaled(10.0)


def in_loop(qapp: QApplication, body: Callable[[], Awaitable[T]], timeout: float = 20) -> T:
    """Run ``body`` on a qasync loop over ``qapp``, as the app does, failing after ``timeout``
    (scaled).

    The tasks the body leaves behind are cancelled and given a bounded time to end, so a
    failing body reports its own error instead of hanging on a task that never wakes again.
    """
    loop = qasync.QEventLoop(qapp)
    asyncio.set_event_loop(loop)
    try:
        result = loop.run_until_complete(asyncio.wait_for(body(), scaled(timeout)))
    finally:
        left = _end_tasks(loop)
        asyncio.set_event_loop(None)
        loop.close()
    assert not left, f"tasks that did not end when cancelled: {left}"
    return result  # type: ignore[no-any-return]


def _end_tasks(loop: asyncio.AbstractEventLoop) -> list[asyncio.Task[object]]:
    """Cancel what is still running on ``loop``; return the tasks that did not end in time."""
    tasks = asyncio.all_tasks(loop)
    for task in tasks:
        task.cancel()
    if not tasks:
        return []
    _done, pending = loop.run_until_complete(asyncio.wait(tasks, timeout=_TASKS_END_WITHIN))
    loop.run_until_complete(loop.shutdown_asyncgens())
    return sorted(pending, key=repr)


async def from_the_loop(action: Callable[[], T]) -> T:
    """Run ``action`` from the loop itself rather than inside the calling task, and return
    what it returns.

    A simulated click or key and ``processEvents`` make Qt deliver pending events, qasync's
    timers among them: a task woken from inside another task's step is refused by asyncio
    ("Cannot enter into task") and its wake-up is lost for good, so a session of the app under
    test would stall. Run from a plain loop callback, those wake-ups are delivered.
    """
    loop = asyncio.get_running_loop()
    done: asyncio.Future[T] = loop.create_future()

    def run() -> None:
        try:
            done.set_result(action())
        except Exception as exc:  # noqa: BLE001 - handed to the awaiting test
            done.set_exception(exc)

    loop.call_soon(run)
    return await done
