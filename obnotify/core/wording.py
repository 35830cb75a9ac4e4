"""Small wording helpers shared by every toast: people, durations, ids."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from obnotify.core.events import Profile
from obnotify.core.ids import short_id
from obnotify.core.plain_text import clip, one_line

__all__ = ["NAME_LIMIT", "humanize_duration", "person", "plural"]

NAME_LIMIT: Final = 40

_UNITS: Final = ((86400, "day"), (3600, "hour"), (60, "minute"))


def plural(count: int, noun: str) -> str:
    """``1 day``, ``2 days``."""
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def humanize_duration(seconds: int) -> str:
    """Seconds as the largest whole unit: ``30 days``, ``5 hours``, ``less than a minute``."""
    for size, noun in _UNITS:
        if seconds >= size:
            return plural(seconds // size, noun)
    return "less than a minute"


def _clean_name(value: str) -> str:
    return clip(one_line(value), NAME_LIMIT)


def person(peer_id: str, handle: str, peers: Mapping[str, Profile]) -> str:
    """How a toast names someone: ``@handle`` from the frame, else the profile's name, else a short id."""
    cleaned = _clean_name(handle.lstrip("@"))
    if cleaned:
        return "@" + cleaned
    profile = peers.get(peer_id) if peer_id else None
    local = _clean_name(peer_id[1:].partition(":")[0]) if peer_id.startswith("@") else ""
    if profile is None and local and ":" in peer_id:
        # A Matrix user id (Mobazha chat): its local part is the name people chose.
        return "@" + local
    if profile is not None:
        if profile.name and _clean_name(profile.name):
            return _clean_name(profile.name)
        if profile.handle and _clean_name(profile.handle.lstrip("@")):
            return "@" + _clean_name(profile.handle.lstrip("@"))
    if peer_id:
        return short_id(one_line(peer_id)[:80])
    return ""
