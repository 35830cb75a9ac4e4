"""The app's log file: turned over at its size, a few older ones kept, nothing lost in between."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from obnotify.log_file import RotatingLog

LINE = "x" * 99
"""With its newline, 100 bytes a record."""


@pytest.fixture
def logger(tmp_path: Path) -> Iterator[tuple[logging.Logger, RotatingLog]]:
    handler = RotatingLog(tmp_path / "obnotify.log", max_bytes=250, backups=2)
    log = logging.getLogger(f"test-log-file-{id(handler)}")
    log.propagate = False
    log.addHandler(handler)
    yield log, handler
    log.removeHandler(handler)
    handler.close()


def _lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines()


def test_the_log_is_turned_over_before_it_passes_its_size(
    tmp_path: Path, logger: tuple[logging.Logger, RotatingLog]
) -> None:
    log, _handler = logger
    for number in range(7):
        log.warning("%d%s", number, LINE[1:])
    files = sorted(tmp_path.iterdir())
    assert [path.name for path in files] == ["obnotify.log", "obnotify.log.1", "obnotify.log.2"]
    assert all(path.stat().st_size <= 250 for path in files)
    assert [line[0] for line in _lines(tmp_path / "obnotify.log")] == ["6"]
    assert [line[0] for line in _lines(tmp_path / "obnotify.log.1")] == ["4", "5"]
    assert [line[0] for line in _lines(tmp_path / "obnotify.log.2")] == ["2", "3"]


def test_an_existing_log_is_appended_to(tmp_path: Path) -> None:
    (tmp_path / "obnotify.log").write_text("before\n", encoding="utf-8")
    handler = RotatingLog(tmp_path / "obnotify.log", max_bytes=1000, backups=1)
    handler.emit(logging.makeLogRecord({"msg": "after"}))
    handler.close()
    assert _lines(tmp_path / "obnotify.log") == ["before", "after"]
