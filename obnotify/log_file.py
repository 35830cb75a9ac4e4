"""The app's log file, turned over once it grows past a size, a few older ones kept.

This is what ``logging.handlers.RotatingFileHandler`` does, without loading that module: it
imports ``pickle`` for its socket handlers, some 0.4 MiB that a tray app would keep for its
whole life and never use.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

__all__ = ["RotatingLog"]


class RotatingLog(logging.FileHandler):
    """Appends to ``path``; a line that would take it past ``max_bytes`` first moves it to
    ``path.1`` (``path.1`` to ``path.2`` and so on, the oldest beyond ``backups`` dropped).

    Args:
        path: The log file.
        max_bytes: How large the file may grow.
        backups: How many older files are kept.
    """

    def __init__(self, path: Path, max_bytes: int, backups: int) -> None:
        super().__init__(path, encoding="utf-8")
        self.max_bytes = max_bytes
        self.backups = backups

    def emit(self, record: logging.LogRecord) -> None:
        try:
            line = self.format(record) + self.terminator
            if self.stream is not None and self.stream.tell() + len(line.encode()) > self.max_bytes:
                self._turn_over()
        except (OSError, ValueError, TypeError):  # a file that cannot move, a bad message
            self.handleError(record)
            return
        super().emit(record)

    def _turn_over(self) -> None:
        """Move each file one place down the line and start an empty one."""
        if self.stream is not None:
            self.stream.close()
        self.stream = None
        for number in range(self.backups, 0, -1):
            older = f"{self.baseFilename}.{number - 1}" if number > 1 else self.baseFilename
            if os.path.exists(older):
                os.replace(older, f"{self.baseFilename}.{number}")
        if self.backups == 0:
            os.remove(self.baseFilename)
        self.stream = self._open()
