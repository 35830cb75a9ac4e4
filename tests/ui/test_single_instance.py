"""The one-app-per-user socket: a later start tells the first one and steps back."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from obnotify.ui.single_instance import SingleInstance, claim, instance_name


@pytest.fixture
def name(tmp_path: Path) -> str:
    """A socket path of this test's own (short: Unix socket paths are limited to ~100 bytes)."""
    return str(tmp_path / "s")


@pytest.fixture
def first(name: str) -> Iterator[SingleInstance]:
    instance = claim(name)
    assert instance is not None
    yield instance
    instance.close()


def test_a_second_start_tells_the_first_and_steps_back(
    qtbot: QtBot, name: str, first: SingleInstance
) -> None:
    with qtbot.waitSignal(first.activated, timeout=5000):
        assert claim(name) is None


def test_each_later_start_is_told_apart(qtbot: QtBot, name: str, first: SingleInstance) -> None:
    shown: list[None] = []
    first.activated.connect(lambda: shown.append(None))
    assert claim(name) is None
    assert claim(name) is None
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=5000)


def test_other_bytes_on_the_socket_show_nothing(
    qtbot: QtBot, name: str, first: SingleInstance
) -> None:
    shown: list[None] = []
    first.activated.connect(lambda: shown.append(None))
    with socket.socket(socket.AF_UNIX) as client:
        client.connect(name)
        client.sendall(b"hello\n")
    assert claim(name) is None
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=5000)
    assert len(shown) == 1


@pytest.fixture
def left_behind(name: str) -> str:
    """What a killed app leaves: the socket file, with nobody listening on it."""
    left = socket.socket(socket.AF_UNIX)
    left.bind(name)
    left.close()
    assert os.path.exists(name)
    return name


def test_a_socket_left_by_a_killed_app_is_taken_over(
    qtbot: QtBot, left_behind: str, first: SingleInstance
) -> None:
    with qtbot.waitSignal(first.activated, timeout=5000):
        assert claim(left_behind) is None


def test_a_closed_app_leaves_the_next_start_first(
    qtbot: QtBot, name: str, first: SingleInstance
) -> None:
    first.close()
    again = claim(name)
    assert again is not None
    again.close()


def test_the_name_is_in_the_runtime_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(tmp_path))
    assert Path(instance_name()).parent == tmp_path
    monkeypatch.delenv("XDG_RUNTIME_DIR")
    assert instance_name().startswith("obnotify-") and len(instance_name()) > len("obnotify-")
