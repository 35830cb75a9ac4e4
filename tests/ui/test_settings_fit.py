"""The settings window and the node editor show their hints and errors whole, say what to fix
in the user's words, and Close asks before it drops changes."""

from __future__ import annotations

import asyncio
from pathlib import Path

from PySide6.QtWidgets import QApplication, QLabel, QLineEdit, QMessageBox, QWidget
from pytestqt.qtbot import QtBot
from waiting import until

from obnotify.demo.threaded import ThreadedSimNode
from obnotify.settings.values import NodeEntry, Settings
from obnotify.ui.node_editor import NodeEditor
from obnotify.ui.settings_window import SettingsWindow
from obnotify.ui.tray import Tray
from obnotify.ui.welcome import WelcomeWindow

from .loop import in_loop
from .running_app import APP_ON_OFFSCREEN, run_app, shown_settings_window, write_one_node


def _cut_placeholders(window: QWidget) -> list[str]:
    cut = []
    for line in window.findChildren(QLineEdit):
        hint = line.placeholderText()
        if hint and line.isVisible():
            room = line.contentsRect().width() - 8  # the line edit's own margins
            if line.fontMetrics().horizontalAdvance(hint) > room:
                cut.append(hint)
    return cut


def _clipped_labels(window: QWidget) -> list[str]:
    return [
        label.text()
        for label in window.findChildren(QLabel)
        if label.isVisible()
        and label.wordWrap()
        and label.text()
        and label.height() < label.heightForWidth(label.width())
    ]


def test_placeholders_fit_their_fields(qtbot: QtBot, tmp_path: Path) -> None:
    settings = Settings(nodes=(NodeEntry(url="http://127.0.0.1:4002"),), path=tmp_path / "c.toml")
    window = SettingsWindow(settings)
    editor = NodeEditor(NodeEntry(url=""))
    welcome = WelcomeWindow()
    for shown in (window, editor, welcome):
        qtbot.addWidget(shown)
        shown.show()
        qtbot.waitExposed(shown)
    for tab in range(window.tabs.count()):
        window.tabs.setCurrentIndex(tab)
        QApplication.processEvents()
        assert _cut_placeholders(window) == []
    assert _cut_placeholders(editor) == []
    assert _cut_placeholders(welcome) == []


def test_the_node_editors_errors_are_shown_whole(qtbot: QtBot) -> None:
    editor = NodeEditor(NodeEntry(url=""))
    qtbot.addWidget(editor)
    editor.show()
    qtbot.waitExposed(editor)
    editor.url.setText("ftp://a-rather-long-host-name.example.org:4002/and/a/path")
    editor.auth.setCurrentIndex(editor.auth.findData("cookie"))
    editor.tls.setCurrentIndex(editor.tls.findData("pin"))
    editor.proxy.setText("http://127.0.0.1:9050")
    assert editor.validate() is None
    QApplication.processEvents()
    shown = [e for e in (editor.url_error, editor.auth_error, editor.tls_error) if e.isVisible()]
    assert len(shown) >= 3
    assert _clipped_labels(editor) == []


def test_quiet_hours_say_what_to_type(qtbot: QtBot, tmp_path: Path) -> None:
    window = SettingsWindow(Settings(path=tmp_path / "c.toml"))
    qtbot.addWidget(window)
    window.quiet_hours.setText("10pm to 7")
    assert window.save() is None
    text = window.quiet_error.text()
    assert "quiet_hours" not in text and text.startswith("Quiet hours")
    assert '"22:00-07:00"' in text and "10pm to 7" in text


@APP_ON_OFFSCREEN
def test_close_asks_before_it_drops_unsaved_changes(
    qtbot: QtBot, qapp: QApplication, tmp_path: Path, settings_file: Path
) -> None:
    with ThreadedSimNode(wallet_interval=None) as shop:
        write_one_node(settings_file, shop.url)
        tray = Tray()

        async def body() -> int:
            quit_event = asyncio.Event()
            run = run_app(qapp, tmp_path, settings_file, tray, quit_event)
            await until(lambda: shop.clients >= 1, message="the node watched")
            tray.settings_requested.emit()
            window = shown_settings_window(qapp)
            window.close()
            assert not window.isVisible(), "nothing changed: Close just closes"
            tray.settings_requested.emit()
            window = shown_settings_window(qapp)
            window.burst.setValue(window.burst.value() + 2)
            window.close()
            assert window.isVisible(), "closed with a change not saved"
            question = window.close_question
            assert question is not None and question.isVisible()
            question.button(QMessageBox.StandardButton.Cancel).click()
            assert window.isVisible()
            window.close()
            question = window.close_question
            assert question is not None
            question.button(QMessageBox.StandardButton.Save).click()
            await until(lambda: not window.isVisible(), message="saved and closed")
            tray.settings_requested.emit()
            window = shown_settings_window(qapp)
            window.privacy.setChecked(not window.privacy.isChecked())
            window.close()
            question = window.close_question
            assert question is not None
            question.button(QMessageBox.StandardButton.Discard).click()
            await until(lambda: not window.isVisible(), message="closed, the change dropped")
            quit_event.set()
            return await run

        assert in_loop(qapp, body, timeout=30) == 0
    text = settings_file.read_text(encoding="utf-8")
    assert "burst_limit" in text and "privacy" not in text
