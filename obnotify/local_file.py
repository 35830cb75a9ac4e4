"""Reading the small files the user or a node keeps on this computer, safely.

A settings file, a node's ``config`` or its ``.cookie`` is a few kilobytes. Read
naively, a FIFO in its place blocks the app before anything shows, and a file of
tens of megabytes takes seconds and hundreds of megabytes to parse. So these are
opened without blocking, read only when they are regular files, and only up to a
cap. Standard library only: the tray icon's style is read with it before the rest
of the app loads.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Final

__all__ = ["SMALL_FILE_LIMIT", "NotAFileError", "read_small_file"]

SMALL_FILE_LIMIT: Final = 1024 * 1024
"""Bytes a settings file, a node's ``config`` or a cookie may hold: far above any real one."""


class NotAFileError(OSError):
    """The path is there but is not a file to read: a FIFO, a device, a folder, a link
    that must not be followed, a file of someone else's, or one far too big.

    Its ``strerror`` says which, in words for the user.
    """


def read_small_file(
    path: Path, *, limit: int = SMALL_FILE_LIMIT, follow_link: bool = True, own: bool = False
) -> bytes:
    """The bytes of ``path``, a regular file of at most ``limit`` bytes.

    Args:
        path: The file.
        limit: The most bytes it may hold.
        follow_link: Whether a symbolic link as the last part of ``path`` is followed
            (a settings file kept with the user's dotfiles is one).
        own: Whether the file must belong to the user running the app (a secret, which
            another user could otherwise plant).

    Raises:
        FileNotFoundError: Nothing is there.
        NotAFileError: Something is there that must not be read; ``strerror`` says what.
        OSError: Reading failed.
    """
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0)
    if not follow_link:
        if os.path.islink(path):
            raise NotAFileError(0, "it is a link to another file, not the file itself", str(path))
        # A link put in its place after that look is refused by the open itself.
        flags |= getattr(os, "O_NOFOLLOW", 0)
    fd = os.open(path, flags)
    with os.fdopen(fd, "rb") as file:
        info = os.fstat(file.fileno())
        if not stat.S_ISREG(info.st_mode):
            raise NotAFileError(0, f"it is not a regular file ({_kind(info.st_mode)})", str(path))
        if own and hasattr(os, "getuid") and info.st_uid != os.getuid():
            raise NotAFileError(0, "it belongs to another user", str(path))
        data = file.read(limit + 1)
    if len(data) > limit:
        raise NotAFileError(
            0, f"it is larger than {limit // 1024} KiB, far more than it can hold", str(path)
        )
    return data


def _kind(mode: int) -> str:
    """What a file that is not a regular file is, in a word the user knows."""
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a file"
