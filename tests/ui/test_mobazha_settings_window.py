"""The settings window and the doctor with a Mobazha node: its kind, its token in the keyring."""

from __future__ import annotations

import asyncio
import io
from collections.abc import Iterator

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from obnotify.cli.doctor import run_doctor
from obnotify.cli.options import parse_tool
from obnotify.demo.mobazha import MobazhaSimNode
from obnotify.demo.threaded import ThreadedSimNode
from obnotify.desktop.tokens import TOKEN_USER
from obnotify.node.checks import API, CREDENTIALS, check_node
from obnotify.node.config import make_config
from obnotify.settings.values import NodeEntry
from obnotify.ui.node_editor import NodeEditor

from .loop import in_loop
from .test_settings_window import _checked

TOKEN = "mbz_ui_" + "w" * 32


@pytest.fixture
def node() -> Iterator[ThreadedSimNode]:
    with ThreadedSimNode(node_type=MobazhaSimNode, token=TOKEN, wallet_interval=None) as sim:
        yield sim


def test_the_kind_and_the_token_go_to_the_entry_and_the_keyring(
    qtbot: QtBot, qapp: QApplication, node: ThreadedSimNode
) -> None:
    kept: list[tuple[str, str, str]] = []

    def keep(url: str, user: str, secret: str) -> bool:
        kept.append((url, user, secret))
        return True

    editor = NodeEditor(NodeEntry(url=node.url), checker=check_node, keep_password=keep)
    qtbot.addWidget(editor)
    assert editor.token.isHidden(), "an OB node has no token to give"
    editor.kind.setCurrentIndex(editor.kind.findData("mobazha"))
    assert not editor.token.isHidden()
    editor.token.setText("mbz_wrong_one")
    in_loop(qapp, lambda: _checked(editor))
    assert not next(c for c in editor.checks if c.name == CREDENTIALS).ok
    assert kept == []
    editor.token.setText(TOKEN)
    in_loop(qapp, lambda: _checked(editor))
    assert all(c.ok for c in editor.checks if c.name in (CREDENTIALS, API)), editor.results.text()
    assert kept == [(node.url, TOKEN_USER, TOKEN)]
    assert editor.entry().kind == "mobazha"


def test_the_checks_find_a_mobazha_node_by_themselves(node: ThreadedSimNode) -> None:
    config = make_config(node.url, kind="auto", token=TOKEN)
    checks = asyncio.run(check_node(config))
    assert all(c.ok for c in checks), [c.message for c in checks]


def test_doctor_checks_a_mobazha_node(
    node: ThreadedSimNode, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("MBZ_TOKEN", TOKEN)
    options = parse_tool(
        ["doctor", "--node", node.url, "--kind", "mobazha", "--token-env", "MBZ_TOKEN"]
    )
    out = io.StringIO()
    run_doctor(options, out)
    lines = out.getvalue().splitlines()
    assert any("credentials" in line and "the API token" in line for line in lines), lines
    assert not any(line.startswith("FAIL  node") for line in lines), lines
    assert any(line.startswith("ok    node") and "notifications API" in line for line in lines)
