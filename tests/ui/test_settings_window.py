"""The settings window: what it shows, what it writes, and what it says to fix."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import keyring
import keyring.backends.fail
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from obnotify.core.policy import Delivery, delivery
from obnotify.core.render import Category
from obnotify.core.tray_state import TrayStyle
from obnotify.demo import ThreadedSimNode
from obnotify.node.checks import CREDENTIALS, Check, check_node
from obnotify.node.config import NodeConfig
from obnotify.settings.reading import load_settings
from obnotify.settings.values import NodeEntry, Settings
from obnotify.ui.node_editor import NodeEditor
from obnotify.ui.settings_window import SettingsWindow

DEADLINE_MS = 15_000
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"

from .loop import in_loop


@pytest.fixture
def node() -> Iterator[ThreadedSimNode]:
    with ThreadedSimNode(
        wallet_interval=None, auth="basic", username="alice", password="s3cret"
    ) as sim:
        yield sim


@pytest.fixture
def no_keyring() -> Iterator[None]:
    before = keyring.get_keyring()
    keyring.set_keyring(keyring.backends.fail.Keyring())
    yield
    keyring.set_keyring(before)


def _editor(qtbot: QtBot, url: str, **kwargs: object) -> NodeEditor:
    editor = NodeEditor(NodeEntry(url=url, auth="basic", user="alice"), **kwargs)  # type: ignore[arg-type]
    qtbot.addWidget(editor)
    return editor


async def _checked(editor: NodeEditor) -> None:
    """Run the editor's checks on the loop, as a click on Test connection does, to the end."""
    checking = editor.run_checks()
    assert checking is not None, editor.results.text()
    await checking


def test_bad_input_says_what_to_fix_next_to_the_field(qtbot: QtBot, tmp_path: Path) -> None:
    editor = NodeEditor(NodeEntry(url="notaurl:xx", tls="ca", ca=str(tmp_path / "none.crt")))
    qtbot.addWidget(editor)
    assert editor.validate() is None
    assert editor.url_error.text() and not editor.url_error.isHidden()
    assert "CA certificate file" in editor.tls_error.text()
    editor.proxy.setText("tor")
    editor.validate()
    assert "socks5://127.0.0.1:9050" in editor.proxy_error.text()


def test_a_password_goes_to_the_keyring_only_once_the_node_accepted_it(
    qtbot: QtBot, qapp: QApplication, node: ThreadedSimNode
) -> None:
    kept: list[tuple[str, str, str]] = []

    def keep(url: str, user: str, password: str) -> bool:
        kept.append((url, user, password))
        return True

    editor = _editor(qtbot, node.url, checker=check_node, keep_password=keep)
    editor.password.setText("wrong")
    in_loop(qapp, lambda: _checked(editor))
    refused = next(c for c in editor.checks if c.name == CREDENTIALS)
    assert not refused.ok and "Fix:" in editor.results.text()
    assert kept == []
    editor.checks = []
    editor.password.setText("s3cret")
    in_loop(qapp, lambda: _checked(editor))
    assert all(c.ok or c.skipped for c in editor.checks), editor.results.text()
    assert kept == [(node.url, "alice", "s3cret")] and editor.keyring_note.isHidden()


def test_without_a_keyring_the_window_says_so(
    qtbot: QtBot, qapp: QApplication, node: ThreadedSimNode, no_keyring: None
) -> None:
    editor = _editor(qtbot, node.url)
    editor.password.setText("s3cret")
    in_loop(qapp, lambda: _checked(editor))
    assert not editor.password_kept
    assert "No keyring is available" in editor.keyring_note.text()
    assert not editor.keyring_note.isHidden()


def test_the_checker_is_injected_and_its_lines_are_shown(qtbot: QtBot, qapp: QApplication) -> None:
    seen: list[NodeConfig] = []

    async def checker(config: NodeConfig) -> list[Check]:
        seen.append(config)
        return [Check("host", False, "no answer", "start the node")]

    editor = NodeEditor(NodeEntry(url="http://127.0.0.1:1"), checker=checker)
    qtbot.addWidget(editor)
    in_loop(qapp, lambda: _checked(editor))
    assert editor.results.text() == "✗ host: no answer\n    Fix: start the node"
    assert seen[0].base_url == "http://127.0.0.1:1"


USER_FILE = """\
# my notes
[[node]]
name = "Shop"
url = "http://127.0.0.1:4002"

[notifications]
quiet_hours = "22:00-07:00"  # sleep
"""


def _window(qtbot: QtBot, path: Path) -> SettingsWindow:
    window = SettingsWindow(load_settings(path))
    qtbot.addWidget(window)
    return window


def test_save_writes_the_file_keeping_comments_and_emits_saved(
    qtbot: QtBot, tmp_path: Path
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(USER_FILE, encoding="utf-8")
    window = _window(qtbot, path)
    window.delivery[Category.FOLLOWERS].setCurrentIndex(2)
    window.sound[Category.CHAT].setChecked(False)
    window.privacy.setChecked(True)
    window.tray_style.setCurrentIndex(2)
    window.node_list.item(0).setCheckState(window.node_list.item(0).checkState().Unchecked)
    with qtbot.waitSignal(window.saved, timeout=DEADLINE_MS) as blocker:
        window.save()
    saved: Settings = blocker.args[0]
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# my notes\n") and "# sleep" in text
    again = load_settings(path)
    assert again == saved
    assert delivery(again.notifications, Category.FOLLOWERS) is Delivery.OFF
    assert again.notifications.silent == {Category.CHAT} and again.notifications.privacy
    assert again.tray_style == "mono-dark" and again.nodes[0].enabled is False


def test_every_tray_style_is_offered_and_saved(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    window = SettingsWindow(Settings(path=path))
    qtbot.addWidget(window)
    offered = [window.tray_style.itemData(i) for i in range(window.tray_style.count())]
    assert offered == list(TrayStyle)
    for i, style in enumerate(TrayStyle):
        window.tray_style.setCurrentIndex(i)
        assert window.save() is not None
        assert load_settings(path).tray_style is style


def test_bad_quiet_hours_are_not_saved(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(USER_FILE, encoding="utf-8")
    window = _window(qtbot, path)
    window.quiet_hours.setText("late")
    emitted: list[object] = []
    window.saved.connect(emitted.append)
    assert window.save() is None
    assert '"22:00-07:00"' in window.quiet_error.text() and emitted == []
    assert path.read_text(encoding="utf-8") == USER_FILE


def test_warnings_of_the_file_are_shown(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[[node]]\nurl = 'http://n:4002'\nurll = 'x'\n", encoding="utf-8")
    window = _window(qtbot, path)
    assert "did you mean 'url'?" in window.problem.text()


def test_add_edit_and_remove_nodes(qtbot: QtBot, tmp_path: Path) -> None:
    window = SettingsWindow(Settings(path=tmp_path / "config.toml"))
    qtbot.addWidget(window)
    editor = window.edit_node(new=True)
    assert editor is not None and not editor.isModal()
    editor.name.setText("Second")
    editor.url.setText("http://127.0.0.1:4003")
    qtbot.keyClick(editor.url, Qt.Key.Key_Return)  # Enter presses OK
    assert window.node_list.count() == 1
    window.node_list.setCurrentRow(0)
    editor = window.edit_node()
    assert editor is not None
    editor.proxy.setText("socks5://127.0.0.1:9050")
    qtbot.keyClick(editor.url, Qt.Key.Key_Return)  # Enter presses OK
    settings = window.save()
    assert settings is not None
    assert settings.nodes == (
        NodeEntry(url="http://127.0.0.1:4003", name="Second", proxy="socks5://127.0.0.1:9050"),
    )
    window.remove_node()
    assert window.node_list.count() == 0


def test_screenshot_of_the_nodes_tab(qtbot: QtBot, tmp_path: Path) -> None:
    settings = Settings(
        nodes=(
            NodeEntry(url="http://127.0.0.1:4002", name="My store", auth="basic", user="alice"),
            NodeEntry(
                url="http://shopxyz.onion:4002", name="Tor shop", proxy="socks5://127.0.0.1:9050"
            ),
        ),
        path=tmp_path / "config.toml",
    )
    window = SettingsWindow(settings)
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    assert window.node_list.count() == 2
    if os.environ.get("OBNOTIFY_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        assert window.grab().save(str(SCREENSHOTS / "settings.png"))


def test_quiet_hours_with_a_time_zone_are_refused(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(USER_FILE, encoding="utf-8")
    window = _window(qtbot, path)
    for text in ("22:00Z-07:00Z", "22:00+05:00-07:00"):
        window.quiet_hours.setText(text)
        assert window.save() is None
        assert "no time zone" in window.quiet_error.text()
        assert window.quiet_error.text().startswith("Quiet hours: give the start and the end")
    assert path.read_text(encoding="utf-8") == USER_FILE


@pytest.mark.parametrize(("history", "burst"), [(1, 1), (10_000_000, 100_000), (5, 50)])
def test_every_value_the_file_may_hold_is_shown_and_saved_unchanged(
    qtbot: QtBot, tmp_path: Path, history: int, burst: int
) -> None:
    """The file and the window take their ranges from one place: a Save rewrites nothing."""
    path = tmp_path / "config.toml"
    path.write_text(
        f"[notifications]\nburst_limit = {burst}\n[general]\nhistory_limit = {history}\n",
        encoding="utf-8",
    )
    window = _window(qtbot, path)
    assert (window.history_limit.value(), window.burst.value()) == (history, burst)
    assert window.save() is not None
    again = load_settings(path)
    assert (again.history_limit, again.notifications.burst_limit) == (history, burst)


def test_saving_over_a_file_broken_by_hand_says_what_is_wrong(qtbot: QtBot, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(USER_FILE, encoding="utf-8")
    window = _window(qtbot, path)
    broken = USER_FILE + "[general\n"
    path.write_text(broken, encoding="utf-8")
    window.privacy.setChecked(True)
    emitted: list[object] = []
    window.saved.connect(emitted.append)
    assert window.save() is None
    assert "a bracket is not closed" in window.problem.text() and not window.problem.isHidden()
    assert emitted == [] and path.read_text(encoding="utf-8") == broken
