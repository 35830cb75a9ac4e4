""" "Fetch certificate" in the node editor goes through the node's proxy, as every connection."""

from __future__ import annotations

import socket

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot
from waiting import until

from obnotify.settings.values import NodeEntry
from obnotify.ui.node_editor import NodeEditor

from .loop import from_the_loop, in_loop

ONION = "https://" + "a" * 56 + ".onion:4002"


def test_fetching_an_onion_certificate_asks_the_proxy_not_local_dns(
    qtbot: QtBot, qapp: QApplication, monkeypatch: pytest.MonkeyPatch
) -> None:
    asked: list[object] = []
    real = socket.getaddrinfo

    def watched(host: object, *args: object, **kwargs: object) -> object:
        asked.append(host)
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", watched)
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        proxy = f"socks5://127.0.0.1:{closed.getsockname()[1]}"
    editor = NodeEditor(NodeEntry(url=ONION, tls="pin", proxy=proxy))
    qtbot.addWidget(editor)

    async def click() -> None:
        await from_the_loop(lambda: qtbot.mouseClick(editor.fetch, Qt.MouseButton.LeftButton))
        await until(lambda: editor.fetch.isEnabled(), message="the fetch to end")

    in_loop(qapp, click)
    assert "Could not fetch the certificate" in editor.tls_error.text()
    assert "proxy" in editor.tls_error.text(), editor.tls_error.text()
    assert not any("onion" in str(host) for host in asked), asked
