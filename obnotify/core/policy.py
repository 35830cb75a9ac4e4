"""The user's notification settings, and the rules that follow from them alone.

One immutable :class:`NotificationSettings` is built from the settings file and
shared by every node. What changes over time (the pause, bursts, catch-up
counts) is kept by :mod:`obnotify.core.dispatch`; this module only answers
whether a toast may go out at a given moment. Pure: the time is passed in.
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, replace
from datetime import datetime, time
from typing import Final

from obnotify.core.render import Category, Toast, Urgency

__all__ = [
    "BURST_LIMIT",
    "BURST_WINDOW",
    "CATCH_UP_SINGLE",
    "Delivery",
    "NotificationSettings",
    "QuietHours",
    "Source",
    "counts_unread",
    "delivery",
    "hushed",
    "private",
    "silenced",
    "styled",
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


class Delivery(enum.StrEnum):
    """What a category's events do on arrival. Every event is recorded in history either way:
    nothing a node says is lost, whatever the user chose."""

    TOAST = "toast"
    HISTORY = "history"
    """Listed in the window and counted as unread, never toasted."""
    OFF = "off"
    """Not toasted, no sound, not counted as unread (still in history, found by the filter)."""


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
    """Categories that never toast but count as unread: :attr:`Delivery.HISTORY`."""
    off: frozenset[Category] = frozenset()
    """Categories that never toast and do not count as unread: :attr:`Delivery.OFF`."""
    silent: frozenset[Category] = frozenset()
    """Categories whose toasts play no sound."""
    privacy: bool = False
    """Toasts say who and what happened, never the message text or amounts."""
    critical_sticky: bool = False
    """Critical toasts stay on screen until dismissed."""
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
    if source is Source.HISTORY or delivery(settings, category) is not Delivery.TOAST:
        return True
    return hushed(settings, toast.urgency, now=now, paused_until=paused_until)


def delivery(settings: NotificationSettings, category: Category) -> Delivery:
    """The user's delivery mode for a category; off wins over history-only."""
    if category in settings.off:
        return Delivery.OFF
    if category in settings.muted:
        return Delivery.HISTORY
    return Delivery.TOAST


def counts_unread(settings: NotificationSettings, category: Category) -> bool:
    """Whether a new event of this category adds to the unread count (not when it is off)."""
    return delivery(settings, category) is not Delivery.OFF


_AMOUNT: Final = re.compile(
    r"(?:[$€£¥₿]\s?)?(?<![\w.])\d[\d,.\u00a0\u202f ]*(?![\w])"
    r"(?:\s?(?:[A-Z]{3,5}|sats?|mBTC)\b)?"
)
"""A number with an optional currency sign or code: what privacy takes out of a toast."""
_CHAT: Final = frozenset({Category.CHAT, Category.ORDER_CHAT})


def private(toast: Toast, category: Category) -> Toast:
    """The toast without what a shoulder-surfer should not read: message text and amounts.

    The title (who, which order) stays; a chat body becomes "New message"; any other body
    loses its numbers and amounts, so "Paid 0.25 BTC" reads "Paid (amount hidden)".
    """
    if category in _CHAT:
        return replace(toast, body="New message")
    title = _AMOUNT.sub(_hide, toast.title)
    body = _AMOUNT.sub(_hide, toast.body)
    return replace(toast, title=title, body=body)


def _hide(match: re.Match[str]) -> str:
    """Hide an amount; a bare small count ("3 new orders") or an id stays readable."""
    text = match.group(0)
    bare = text.strip().replace(",", "")
    if bare.isdigit() and len(bare) <= 3:
        return text
    return "(amount hidden)" + (" " if text.endswith(" ") else "")


def styled(settings: NotificationSettings, toast: Toast, category: Category) -> Toast:
    """The toast as the user's settings dress it: sound, stickiness and privacy."""
    toast = replace(
        toast,
        sound=category not in settings.silent,
        sticky=settings.critical_sticky and toast.urgency is Urgency.CRITICAL,
    )
    return private(toast, category) if settings.privacy else toast
