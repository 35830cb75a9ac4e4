"""The app's log: the file it rotates in, and how loud each library may be in it.

Read behind the tray icon: ``platformdirs`` is imported only when the path is asked for.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path
from typing import Final

from obnotify import APP_NAME

__all__ = ["log_path", "setup_logging"]

LOG_FILE_BYTES: Final = 2_000_000
LOG_FILE_BACKUPS: Final = 3


def log_path() -> Path:
    """Where the app logs: the file About shows and the logging set up here writes."""
    import platformdirs

    return Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)) / "obnotify.log"


def setup_logging(verbose: bool) -> Path:
    """Log to the rotating file (and stderr where there is one); returns the file's path."""
    from obnotify.log_file import RotatingLog

    path = log_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    handlers: list[logging.Handler] = [RotatingLog(path, LOG_FILE_BYTES, LOG_FILE_BACKUPS)]
    # A windowed build may have no stdout or stderr at all.
    if sys.stderr is not None:
        handlers.append(logging.StreamHandler(sys.stderr))
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=handlers,
    )
    # Request lines carry nothing secret, but at INFO they would drown the app's own log.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # At DEBUG websockets logs every handshake header, the password's Authorization among them.
    logging.getLogger("websockets").setLevel(logging.INFO)
    # At DEBUG qasync logs every call handed to a thread with its arguments and result: a
    # password typed in the welcome, one read from the keyring, whole thumbnails.
    logging.getLogger("qasync").setLevel(logging.INFO)
    return path
