"""A keyring that waits (for an unlock, or for ever) never holds the app's loop.

"Test connection" keeps an accepted password in the keyring; the keyring is reached
through keyring's own API with a backend that blocks until the test releases it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from waiting import until

from obnotify.demo import ThreadedSimNode
from obnotify.desktop import secrets
from obnotify.settings.values import NodeEntry
from obnotify.ui.node_editor import NodeEditor

from .loop import in_loop

HOLD = 5.0
"""Seconds the keyring holds a call unless released: the loop is blocked that long
when the call runs on it."""


class WaitingKeyring(KeyringBackend):
    """Each ``set_password`` waits for :attr:`release`, as a keyring waiting for an unlock."""

    priority = 1

    def __init__(self) -> None:
        super().__init__()
        self.started = threading.Event()
        self.release = threading.Event()
        self.released_in_time: bool | None = None
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.started.set()
        self.released_in_time = self.release.wait(HOLD)
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


@pytest.fixture
def waiting_keyring() -> Iterator[WaitingKeyring]:
    before = keyring.get_keyring()
    backend = WaitingKeyring()
    keyring.set_keyring(backend)
    yield backend
    backend.release.set()
    keyring.set_keyring(before)


def _alices_node() -> ThreadedSimNode:
    return ThreadedSimNode(wallet_interval=None, auth="basic", username="alice", password="s3cret")


def _editor(qtbot: QtBot, node: ThreadedSimNode) -> NodeEditor:
    editor = NodeEditor(NodeEntry(url=node.url, auth="basic", user="alice"))
    qtbot.addWidget(editor)
    editor.password.setText("s3cret")
    return editor


def test_the_loop_runs_while_the_keyring_waits_for_an_unlock(
    qtbot: QtBot, qapp: QApplication, waiting_keyring: WaitingKeyring
) -> None:
    async def body() -> None:
        checking = editor.run_checks()
        assert checking is not None
        await until(waiting_keyring.started.is_set, message="the keyring asked")
        # Only a loop that still runs gets here before the keyring gives up waiting.
        waiting_keyring.release.set()
        await checking

    with _alices_node() as node:
        editor = _editor(qtbot, node)
        in_loop(qapp, body)
    assert waiting_keyring.released_in_time, "the keyring call held the loop"
    assert editor.password_kept and editor.keyring_note.isHidden()


def test_a_keyring_that_does_not_answer_in_time_counts_as_none(
    qtbot: QtBot,
    qapp: QApplication,
    waiting_keyring: WaitingKeyring,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(secrets, "KEYRING_DEADLINE", 0.5)

    async def body() -> None:
        checking = editor.run_checks()
        assert checking is not None
        await checking

    with _alices_node() as node:
        editor = _editor(qtbot, node)
        in_loop(qapp, body)
    assert waiting_keyring.released_in_time is None, "given up on while it still waits"
    assert not editor.password_kept
    assert "password was not saved" in editor.keyring_note.text()
