"""When a node's outage is worth a toast: once it has been down a while, and once when it is back.

Pure, driven by the caller's clock, so a test can move time: a blip of a few
seconds (a node restart) says nothing, a node gone for minutes says so once.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Final

from obnotify.core.plain_text import clip, one_line
from obnotify.core.render import Toast, Urgency

__all__ = ["DOWN_AFTER", "OutageNews", "OutageWatch", "outage_toast"]

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


def outage_toast(news: OutageNews, node_name: str, detail: str = "") -> Toast:
    """The toast that tells of a node's outage or its return; ``detail`` is the link's last word.

    An outage is urgent enough to pass quiet hours' normal filter only as a normal
    toast: a seller wants to know, but not to be woken.
    """
    name = clip(one_line(node_name), 60) or "The node"
    if news is OutageNews.BACK:
        return Toast(
            title=f"{name} is back", body="Connected again; what it sent meanwhile follows."
        )
    minutes = round(DOWN_AFTER / 60)
    body = clip(one_line(detail), 200) or "obnotify keeps trying to reach it."
    return Toast(
        title=f"{name} has been unreachable for {minutes} minutes",
        body=body,
        urgency=Urgency.NORMAL,
    )
