"""Widget tests: Qt offscreen, Qt warnings fail the test, a real history store with sample rows."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

# Before anything imports Qt: these tests never need a screen.
os.environ["QT_QPA_PLATFORM"] = "offscreen"

import pytest
from PySide6.QtWidgets import QApplication

from obnotify.store.database import Store
from obnotify.ui.main_thread_gc import MainThreadCollector

from .samples import NOW, record_samples

HERE = Path(__file__).resolve().parent
OFFSCREEN_NOISE = r"^This plugin does not support propagateSizeHints\(\)$"


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """A Qt warning in a widget test is a bug here, as in qutebrowser's suite.

    Except the offscreen platform's note that it cannot resize windows to their
    size hints, which says nothing about the code under test.
    """
    for item in items:
        if HERE in Path(str(item.fspath)).parents:
            item.add_marker(pytest.mark.qt_log_level_fail("WARNING"))
            item.add_marker(pytest.mark.qt_log_ignore(OFFSCREEN_NOISE))


@pytest.fixture(autouse=True, scope="session")
def collect_on_qt_thread(qapp: QApplication) -> Iterator[None]:
    """As the app does: cycles are collected on Qt's thread, never in a worker thread."""
    collector = MainThreadCollector(parent=qapp)
    yield
    collector.stop()


@pytest.fixture
def settings_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where an app run in-process reads its settings; its config folder (the login entry's
    too) is the test's own."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "xdg-config"))
    return tmp_path / "config.toml"


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    """An empty history store in a file of its own."""
    with Store(tmp_path / "history.sqlite3") as opened:
        yield opened


@pytest.fixture
def sample_store(store: Store) -> Store:
    record_samples(store)
    return store


@pytest.fixture
def clock() -> Callable[[], float]:
    return lambda: NOW
