"""Running a coroutine on a qasync loop in a widget test, as the app does."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from typing import TypeVar

import qasync
from PySide6.QtWidgets import QApplication
from waiting import scaled

T = TypeVar("T")


def in_loop(qapp: QApplication, body: Callable[[], Awaitable[T]], timeout: float = 20) -> T:
    """Run ``body`` on a qasync loop over ``qapp``, as the app does, failing after ``timeout``
    (scaled)."""
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(qapp)) as runner:
        return runner.run(asyncio.wait_for(body(), scaled(timeout)))  # type: ignore[arg-type]
