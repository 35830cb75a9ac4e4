"""What the store raises: the file is unusable, or one write did not happen.

Kept apart from SQLite so that callers (the window, the tray) can catch them
without loading the database module.
"""

from __future__ import annotations

__all__ = ["StoreError", "StoreUnavailable"]


class StoreError(Exception):
    """The store's file cannot be used; the message names the file and says what to do."""


class StoreUnavailable(Exception):
    """A write (or a read) did not happen: the disk is full, another program holds the lock,
    the file is read-only. A state to wait out, not a bug: the caller keeps going and tries
    again."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason
        """What the user is told, after "history unavailable: "."""
