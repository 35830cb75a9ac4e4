"""Whether and how a toast goes out: pause, quiet hours, catch-up and burst folding.

Pure: the clock is passed in, so every rule is tested without waiting.
"""

from __future__ import annotations

import enum
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Final

from obnotify.core.render import Category, Toast, Urgency, away_summary, burst_summary

__all__ = ["Decision", "QuietHours", "Source", "ToastPolicy"]

CATCH_UP_SINGLE: Final = 3
"""Missed events shown one by one before the rest fold into a summary."""
BURST_WINDOW: Final = 10.0
BURST_LIMIT: Final = 4
"""More than this many toasts within the window become one summary toast."""


class Source(enum.StrEnum):
    SOCKET = "socket"
    CATCH_UP = "catch-up"
    HISTORY = "history"
    """Recorded on a first start for context; never toasted."""


class Decision(enum.StrEnum):
    SHOW = "show"
    HOLD = "hold"
    """Folded into a summary toast that :meth:`ToastPolicy.flush` returns later."""
    MUTE = "mute"


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


@dataclass
class ToastPolicy:
    """The one place that decides what reaches the screen."""

    muted_categories: set[Category] = field(default_factory=set)
    quiet_hours: QuietHours | None = None
    paused_until: datetime | None = None
    burst_window: float = BURST_WINDOW
    burst_limit: int = BURST_LIMIT
    catch_up_single: int = CATCH_UP_SINGLE
    _recent: deque[float] = field(default_factory=deque)
    _held: Counter[Category] = field(default_factory=Counter)
    _held_since: float | None = None
    _catch_up_shown: int = 0
    _catch_up_held: Counter[Category] = field(default_factory=Counter)

    def paused(self, now: datetime) -> bool:
        return self.paused_until is not None and now < self.paused_until

    def decide(
        self, toast: Toast, category: Category, source: Source, *, now: datetime, clock: float
    ) -> Decision:
        """Decide for one toast; ``now`` is wall time (pause, quiet hours), ``clock`` monotonic."""
        if source is Source.HISTORY:
            return Decision.MUTE
        if category in self.muted_categories:
            return Decision.MUTE
        critical = toast.urgency is Urgency.CRITICAL
        if not critical and (
            self.paused(now) or (self.quiet_hours and self.quiet_hours.contains(now))
        ):
            return Decision.MUTE
        if source is Source.CATCH_UP:
            if self._catch_up_shown < self.catch_up_single:
                self._catch_up_shown += 1
                return Decision.SHOW
            self._catch_up_held[category] += 1
            return Decision.HOLD
        while self._recent and clock - self._recent[0] > self.burst_window:
            self._recent.popleft()
        if len(self._recent) >= self.burst_limit:
            if self._held_since is None:
                self._held_since = clock
            self._held[category] += 1
            return Decision.HOLD
        self._recent.append(clock)
        return Decision.SHOW

    def catch_up_finished(self) -> Toast | None:
        """The "N events while you were away" toast for what catch-up held back, if any."""
        held, self._catch_up_held = self._catch_up_held, Counter()
        self._catch_up_shown = 0
        return away_summary(held) if held else None

    def flush(self, clock: float) -> Toast | None:
        """The burst summary once its window has passed since the first held toast."""
        if self._held_since is None or clock - self._held_since < self.burst_window:
            return None
        held, self._held, self._held_since = self._held, Counter(), None
        self._recent.clear()
        self._recent.append(clock)
        return burst_summary(held)

    def next_flush_in(self, clock: float) -> float | None:
        if self._held_since is None:
            return None
        return max(0.0, self.burst_window - (clock - self._held_since))
