"""The user's notification settings, and the rules that follow from them alone.

One immutable :class:`NotificationSettings` is built from the settings file and
shared by every node. What changes over time (the pause, bursts, catch-up
counts) is kept by :mod:`obnotify.core.dispatch`; this module only answers
whether a toast may go out at a given moment. Pure: the time is passed in.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime, time
from typing import Final

from obnotify.core.render import Category, Toast, Urgency

__all__ = [
    "BURST_LIMIT",
    "BURST_WINDOW",
    "CATCH_UP_SINGLE",
    "NotificationSettings",
    "QuietHours",
    "Source",
    "hushed",
    "silenced",
]

CATCH_UP_SINGLE: Final = 3
"""Missed events shown one by one before the rest fold into a summary."""
BURST_WINDOW: Final = 10.0
"""Seconds over which a node's toasts are counted against :data:`BURST_LIMIT`."""
BURST_LIMIT: Final = 3
"""Toasts a node shows one by one within the window; more fold into summaries.

Three singles and at most two summaries keep a flood to five toasts.
"""


class Source(enum.StrEnum):
    """Where a new event came from, which decides how it may be toasted."""

    SOCKET = "socket"
    CATCH_UP = "catch-up"
    """Missed while no socket was open, fetched on (re)connect."""
    HISTORY = "history"
    """Recorded on a first start for context; never toasted."""


@dataclass(frozen=True)
class QuietHours:
    """A daily span (may cross midnight) when only critical toasts go out."""

    start: time
    end: time

    def contains(self, moment: datetime) -> bool:
        now = moment.time()
        if self.start <= self.end:
            return self.start <= now < self.end
        return now >= self.start or now < self.end


@dataclass(frozen=True, slots=True)
class NotificationSettings:
    """What the user chose about toasts, the same for every node."""

    muted: frozenset[Category] = frozenset()
    """Categories that never toast (they are still recorded and listed)."""
    quiet_hours: QuietHours | None = None
    """When only critical toasts go out, every day."""
    burst_limit: int = BURST_LIMIT
    """Toasts a node shows one by one within :attr:`burst_window`; more fold into summaries."""
    burst_window: float = BURST_WINDOW
    """Seconds over which :attr:`burst_limit` counts."""
    catch_up_single: int = CATCH_UP_SINGLE
    """Missed events a catch-up shows one by one before the rest fold into one summary."""


def hushed(
    settings: NotificationSettings,
    urgency: Urgency,
    *,
    now: datetime,
    paused_until: datetime | None,
) -> bool:
    """Whether a toast of this urgency must stay off the screen now: a pause or quiet hours.

    Critical toasts (a dispute, a failed payment) go out through both.

    Args:
        settings: The user's settings.
        urgency: The toast's urgency.
        now: The current local time, of the same kind (aware or naive) as ``paused_until``.
        paused_until: When the pause ends, or None when there is none.
    """
    if urgency is Urgency.CRITICAL:
        return False
    if paused_until is not None and now < paused_until:
        return True
    return settings.quiet_hours is not None and settings.quiet_hours.contains(now)


def silenced(
    settings: NotificationSettings,
    toast: Toast,
    category: Category,
    source: Source,
    *,
    now: datetime,
    paused_until: datetime | None,
) -> bool:
    """Whether a new event's toast is dropped outright, before any folding.

    History of a first start never toasts; a muted category never does; a
    pause and quiet hours let only critical toasts through.
    """
    if source is Source.HISTORY or category in settings.muted:
        return True
    return hushed(settings, toast.urgency, now=now, paused_until=paused_until)
