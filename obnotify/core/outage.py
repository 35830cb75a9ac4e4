"""When a node's outage is worth a toast: once it has been down a while, and once when it is back.

Pure, driven by the caller's clock, so a test can move time: a blip of a few
seconds (a node restart) says nothing, a node gone for minutes says so once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Final

__all__ = ["DOWN_AFTER", "OutageNews", "OutageWatch"]

DOWN_AFTER: Final = 180.0
"""Seconds a node must be unreachable before the user is told."""


class OutageNews(Enum):
    """What to tell the user about a node's connection, if anything."""

    DOWN = "down"
    BACK = "back"


@dataclass
class OutageWatch:
    """One node's outage: feed it the connection and the time, it says when to toast."""

    down_after: float = DOWN_AFTER
    _down_since: float | None = None
    _told: bool = False

    def connected(self) -> OutageNews | None:
        """The node answers again: BACK only if its outage was announced."""
        told = self._told
        self._down_since = None
        self._told = False
        return OutageNews.BACK if told else None

    def disconnected(self, now: float) -> OutageNews | None:
        """The node is unreachable (called on each failed attempt or tick): DOWN once."""
        if self._down_since is None:
            self._down_since = now
        if not self._told and now - self._down_since >= self.down_after:
            self._told = True
            return OutageNews.DOWN
        return None
