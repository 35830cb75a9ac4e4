"""A tray icon and nothing else, on the libraries obnotify loads: the floor the app is measured on.

The app's memory, idle CPU and start-up time are read beside this program's, started the same
way in the same desktop, so the figures say what obnotify itself adds. It imports what the app
imports to talk to a node and to the desktop, shows one icon and waits on a qasync loop.
"""

from __future__ import annotations

import asyncio
import sqlite3
import sys

import desktop_notifier
import httpx
import msgspec
import websockets
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

LIBRARIES = (desktop_notifier, httpx, msgspec, sqlite3, websockets)
"""Loaded for what they cost in memory and start-up time, as the app loads them."""
ICON_SIZE = 64


async def idle() -> None:
    await asyncio.Event().wait()


def main() -> int:
    # After PySide6, so qasync binds to it, as in the app.
    import qasync

    app = QApplication(sys.argv[:1])
    app.setQuitOnLastWindowClosed(False)
    pixmap = QPixmap(ICON_SIZE, ICON_SIZE)
    pixmap.fill(QColor("steelblue"))
    tray = QSystemTrayIcon(QIcon(pixmap))
    tray.setToolTip("bare tray")
    tray.show()
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        runner.run(idle())
    return 0


if __name__ == "__main__":
    sys.exit(main())
