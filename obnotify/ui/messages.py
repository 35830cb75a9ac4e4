"""Message boxes the app shows outside any window: a broken settings file, a store it cannot open.

Shown without ``exec()``, so the loop under them keeps running; ``QMessageBox`` is loaded
with the first message, not before (an idle app does without it).
"""

from __future__ import annotations

import asyncio
import logging
from typing import Final

__all__ = ["tell", "tell_soon"]

log = logging.getLogger(__name__)

_TELLING: Final[set[asyncio.Future[None]]] = set()
"""The messages on screen that nothing waits for: held here until the user closes each,
or the task showing it (and the box with it) would be collected."""


def tell_soon(text: str, *, problem: bool) -> None:
    """Show a message and go on; it stays on screen until the user closes it."""
    telling = asyncio.ensure_future(tell(text, problem=problem))
    _TELLING.add(telling)
    telling.add_done_callback(_TELLING.discard)


async def tell(text: str, *, problem: bool) -> None:
    """Show a message and wait until it is closed, without re-entering the loop (no exec())."""
    from PySide6.QtWidgets import QMessageBox

    (log.error if problem else log.warning)("%s", text)
    icon = QMessageBox.Icon.Critical if problem else QMessageBox.Icon.Information
    box = QMessageBox(icon, "obnotify", text)
    closed = asyncio.Event()
    box.finished.connect(closed.set)
    box.open()
    await closed.wait()
