"""Python's cycle collector, run on Qt's thread only.

The collector runs in whichever thread happens to allocate when a threshold is
crossed. The app hands keyring lookups, settings writes and checks to worker
threads; a collection there that frees a cycle holding a Qt object deletes that
object off Qt's thread, and Qt crashes. So automatic collection is turned off
and a timer on Qt's thread collects instead, each generation when its count
is past the threshold, as the automatic collector would.

A full collection walks every object the app holds: the modules, classes and Qt wrappers
made at start-up, tens of milliseconds that a toast arriving then would wait. Once the nodes
are open, :func:`settle` sets what exists then aside (``gc.freeze``), so later collections
walk only what came after.
"""

from __future__ import annotations

import gc
from typing import Final

from PySide6.QtCore import QObject, QTimer

__all__ = ["MainThreadCollector", "settle"]

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
        """Hand collection back to Python, with everything :func:`settle` set aside."""
        self.timer.stop()
        gc.unfreeze()
        gc.enable()


def settle() -> None:
    """Collect everything once and set what is left aside from later collections.

    Called on Qt's thread each time the nodes are (re)opened: what the nodes closed before
    held is collected first (``gc.unfreeze`` gives the earlier set back to the collector), so
    reopening them leaks nothing.
    """
    gc.unfreeze()
    gc.collect()
    gc.freeze()
