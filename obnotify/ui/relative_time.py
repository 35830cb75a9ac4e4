"""Ages of events in words ("2 min ago"), for the activity list. Pure: the clock is passed in."""

from __future__ import annotations

import time
from typing import Final

__all__ = ["relative_time"]

MINUTE: Final = 60
HOUR: Final = 60 * MINUTE
DAY: Final = 24 * HOUR
WEEK: Final = 7 * DAY


def relative_time(then: float, now: float) -> str:
    """How long ago ``then`` was, as seen at ``now`` (both Unix seconds).

    Recent events get an age, older ones a local date, which reads better than
    "93 days ago". A timestamp slightly in the future (clock skew) is "just now".
    """
    age = now - then
    if age < MINUTE:
        return "just now"
    if age < HOUR:
        return f"{int(age // MINUTE)} min ago"
    if age < DAY:
        return f"{int(age // HOUR)} h ago"
    if age < 2 * DAY:
        return "yesterday"
    if age < WEEK:
        return f"{int(age // DAY)} days ago"
    then_local = time.localtime(then)
    now_local = time.localtime(now)
    if then_local.tm_year == now_local.tm_year:
        return time.strftime("%d %b", then_local).lstrip("0")
    return time.strftime("%d %b %Y", then_local).lstrip("0")
