"""Python's cycle collector, run on Qt's thread only.

The collector runs in whichever thread happens to allocate when a threshold is
crossed. The app hands keyring lookups, settings writes and checks to worker
threads; a collection there that frees a cycle holding a Qt object deletes that
object off Qt's thread, and Qt crashes. So automatic collection is turned off
and a timer on Qt's thread collects instead, each generation when its count
is past the threshold, as the automatic collector would.
"""

from __future__ import annotations

import gc
from typing import Final

from PySide6.QtCore import QObject, QTimer

__all__ = ["MainThreadCollector"]

INTERVAL_MS: Final = 1000
"""Often enough that a burst's garbage never piles up; each look costs a wake-up of the loop."""


class MainThreadCollector(QObject):
    """Collects cycles from a timer on the thread it is made on (Qt's).

    Args:
        interval_ms: How often the counts are looked at.
        parent: The owning QObject.
    """

    def __init__(self, interval_ms: int = INTERVAL_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thresholds = gc.get_threshold()
        gc.disable()
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.check)
        self.timer.start()

    def check(self) -> None:
        """Collect the oldest generation whose count is past its threshold, if any."""
        counts = gc.get_count()
        for generation in (2, 1, 0):
            if counts[generation] > self._thresholds[generation]:
                gc.collect(generation)
                return

    def stop(self) -> None:
        """Hand collection back to Python."""
        self.timer.stop()
        gc.enable()
