"""SQLite's errors in the user's words, and the guards that turn a failed write or read into
:class:`obnotify.store.errors.StoreUnavailable`."""

from __future__ import annotations

import functools
import logging
import sqlite3
from collections.abc import Callable
from typing import Final, ParamSpec, TypeVar

from obnotify.store.errors import StoreUnavailable

__all__ = ["guarded", "read_guarded", "reason"]

P = ParamSpec("P")
R = TypeVar("R")

log = logging.getLogger(__name__)

_REASONS: Final = {
    "SQLITE_FULL": "disk full",
    "SQLITE_BUSY": "locked by another program",
    "SQLITE_LOCKED": "locked by another program",
    "SQLITE_READONLY": "the history file is read-only",
    "SQLITE_CANTOPEN": "the history file cannot be opened",
}


def reason(exc: sqlite3.Error) -> str:
    """A short account of a failed write or read for the tray, the window and ``watch``."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    for prefix, said in _REASONS.items():
        if name.startswith(prefix):
            return said
    if name.startswith("SQLITE_IOERR"):
        return "disk error"
    return str(exc) or name or type(exc).__name__


def guarded(method: Callable[P, R]) -> Callable[P, R]:
    """Turn a failed write (or read) into :class:`StoreUnavailable`; the connection stays
    usable."""

    @functools.wraps(method)
    def guard(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except (sqlite3.OperationalError, sqlite3.DatabaseError) as exc:
            if isinstance(exc, sqlite3.ProgrammingError):
                raise
            said = reason(exc)
            log.warning("history unavailable in %s: %s (%s)", method.__name__, said, exc)
            raise StoreUnavailable(said) from exc

    return guard


def read_guarded(method: Callable[P, R]) -> Callable[P, R]:
    """Turn any failed read, a closed file's included, into :class:`StoreUnavailable`.

    For reads whose caller goes on without the answer (the detail pane without the frame
    text, the dedupe check while the file fails): nothing is logged here, since the caller
    knows whether the failure is news.
    """

    @functools.wraps(method)
    def guard(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return method(*args, **kwargs)
        except sqlite3.Error as exc:
            raise StoreUnavailable(reason(exc)) from exc

    return guard
