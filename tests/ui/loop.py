"""Running a coroutine on a qasync loop in a widget test, and waiting on a condition in it."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import qasync
from PySide6.QtWidgets import QApplication

T = TypeVar("T")


def in_loop(qapp: QApplication, body: Callable[[], Awaitable[T]], timeout: float = 20) -> T:
    """Run ``body`` on a qasync loop over ``qapp``, as the app does, failing after ``timeout``."""
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(qapp)) as runner:
        return runner.run(asyncio.wait_for(body(), timeout))  # type: ignore[arg-type]


async def until(predicate: Callable[[], bool], what: str, timeout: float = 10) -> None:
    """Wait, letting the loop run, until ``predicate`` holds; fail with ``what`` after ``timeout``."""

    async def poll() -> None:
        while not predicate():
            await asyncio.sleep(0.01)

    try:
        await asyncio.wait_for(poll(), timeout)
    except TimeoutError:
        raise AssertionError(f"timed out waiting for {what}") from None
