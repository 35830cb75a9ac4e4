"""The tray menu emits its signals; the icon follows the state and the badge."""

from __future__ import annotations

import json
import runpy
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from PySide6.QtCore import QSize
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QSystemTrayIcon
from pytestqt.qtbot import QtBot
from waiting import wait_until

from obnotify.core.render import Category
from obnotify.core.tray_state import PauseChoice, TrayState, pause_deadline
from obnotify.ui.icons import category_icon
from obnotify.ui.tray import Tray
from obnotify.ui.tray_icons import TRAY_ICON_FILES, badge_text, tray_icon

ARTIFACTS = Path(__file__).resolve().parent.parent / "artifacts"
ZONE = timezone(timedelta(hours=1))
NOW = datetime(2025, 6, 1, 21, 15, tzinfo=ZONE)


def make_tray() -> Tray:
    return Tray(now=lambda: NOW)


def test_menu_entries_emit_their_signals(qtbot: QtBot) -> None:
    tray = make_tray()
    tray.set_state(TrayState.UNREAD, "obnotify", 2)
    cases = [
        (tray.open_action, tray.open_requested),
        (tray.mark_all_read_action, tray.mark_all_read_requested),
        (tray.reconnect_action, tray.reconnect_requested),
        (tray.settings_action, tray.settings_requested),
        (tray.help_action, tray.help_requested),
        (tray.about_action, tray.about_requested),
        (tray.quit_action, tray.quit_requested),
    ]
    for action, signal in cases:
        with qtbot.waitSignal(signal, timeout=1000):
            action.trigger()
    labels = [a.text() for a in tray.menu.actions() if not a.isSeparator()]
    assert labels == [
        "&Open obnotify",
        "&Mark all as read",
        "&Pause notifications",
        "&Reconnect",
        "&Settings…",
        "&Help",
        "&About obnotify",
        "Start at &login",
        "&Quit",
    ], "each with its own key, for the keyboard"
    assert tray.menu.defaultAction() is tray.open_action


def test_several_nodes_get_a_submenu_each_and_quit_stays_last(qtbot: QtBot) -> None:
    tray = make_tray()
    tray.set_nodes([("#2f80ed", "Shop: Connected")])
    assert tray.node_menus == [], "a lone node keeps the plain menu"
    tray.set_nodes([("#2f80ed", "Shop: Connected"), ("#eb5757", "Tom & Jerry: Connecting…")])
    labels = [a.text() for a in tray.menu.actions() if not a.isSeparator()]
    assert labels[:4] == [
        "&Open obnotify",
        "Shop: Connected",
        "Tom && Jerry: Connecting…",
        "&Mark all as read (all nodes)",
    ], "an & in a name is shown, not taken for a shortcut"
    assert labels[-1] == "&Quit"
    assert not tray.node_menus[1].icon().isNull(), "a coloured marker"
    home_open, home_reconnect, home_pause, home_tomorrow, home_resume = (
        action for action in tray.node_menus[1].actions() if not action.isSeparator()
    )
    with qtbot.waitSignal(tray.node_open_requested, timeout=1000) as opened:
        home_open.trigger()
    assert opened.args == [1]
    with qtbot.waitSignal(tray.node_reconnect_requested, timeout=1000) as reconnected:
        home_reconnect.trigger()
    assert reconnected.args == [1]
    with qtbot.waitSignal(tray.node_pause_requested, timeout=1000) as paused:
        home_pause.trigger()
    assert paused.args[0] == 1 and paused.args[1] == pause_deadline(PauseChoice.HOUR, NOW)
    with qtbot.waitSignal(tray.node_pause_requested, timeout=1000) as paused:
        home_tomorrow.trigger()
    assert paused.args == [1, pause_deadline(PauseChoice.TOMORROW, NOW)]
    with qtbot.waitSignal(tray.node_pause_requested, timeout=1000) as resumed:
        home_resume.trigger()
    assert resumed.args == [1, None]
    tray.set_nodes([("#2f80ed", "Shop: Unreachable"), ("#eb5757", "Home: Connected")])
    assert [menu.title() for menu in tray.node_menus] == ["Shop: Unreachable", "Home: Connected"]
    tray.set_nodes([("#2f80ed", "Shop: Connected")])
    labels = [a.text() for a in tray.menu.actions() if not a.isSeparator()]
    assert labels[:2] == ["&Open obnotify", "&Mark all as read"]


def test_start_at_login_shows_where_it_works_and_emits_when_toggled(qtbot: QtBot) -> None:
    tray = make_tray()
    assert not tray.autostart_action.isVisible()
    with qtbot.assertNotEmitted(tray.autostart_toggled):
        tray.set_autostart(True, True)
    assert tray.autostart_action.isVisible() and tray.autostart_action.isChecked()
    with qtbot.waitSignal(tray.autostart_toggled, timeout=1000) as blocker:
        tray.autostart_action.trigger()
    assert blocker.args == [False]


def test_pause_entries_emit_deadlines(qtbot: QtBot) -> None:
    tray = make_tray()
    with qtbot.waitSignal(tray.pause_requested) as hour:
        tray.pause_hour_action.trigger()
    assert hour.args == [NOW + timedelta(hours=1)]
    with qtbot.waitSignal(tray.pause_requested) as tomorrow:
        tray.pause_tomorrow_action.trigger()
    assert tomorrow.args == [datetime(2025, 6, 2, 8, 0, tzinfo=ZONE)]
    assert not tray.resume_action.isEnabled()
    tray.set_paused(True)
    with qtbot.waitSignal(tray.pause_requested) as resume:
        tray.resume_action.trigger()
    assert resume.args == [None]


def test_left_click_opens_the_window(qtbot: QtBot) -> None:
    tray = make_tray()
    with qtbot.waitSignal(tray.open_requested):
        tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Trigger)
    with qtbot.assertNotEmitted(tray.open_requested):
        tray.icon.activated.emit(QSystemTrayIcon.ActivationReason.Context)


def test_state_icon_tooltip_and_badge() -> None:
    tray = make_tray()
    assert not tray.mark_all_read_action.isEnabled()
    tray.set_state(TrayState.UNREAD, "obnotify\nConnected\n3 unread", 3)
    assert tray.state is TrayState.UNREAD and tray.unread == 3
    assert tray.icon.toolTip().endswith("3 unread")
    assert tray.mark_all_read_action.isEnabled()
    assert not tray.icon.icon().isNull()
    assert tray_icon(TrayState.UNREAD, 3) is tray_icon(TrayState.UNREAD, 3)
    assert tray_icon(TrayState.UNREAD, 250) is tray_icon(TrayState.UNREAD, 100)
    assert badge_text(7) == "7" and badge_text(100) == "99+"


def test_every_state_and_category_has_an_icon_that_loads() -> None:
    for state in TrayState:
        assert TRAY_ICON_FILES[state] == f"tray-{state.value}.svg"
        pixmap = tray_icon(state).pixmap(22, 22)
        assert not pixmap.isNull() and pixmap.toImage().pixelColor(11, 11).alpha() > 0
        badged = tray_icon(state, 5).pixmap(22, 22)
        assert badged.toImage() != pixmap.toImage()
    for category in Category:
        assert not category_icon(category).pixmap(16, 16).isNull()


def test_tray_availability_is_asked_not_assumed() -> None:
    assert Tray.available() is False


# Our Tray in a real tray host; reports what Qt saw, then runs until it is ended.
TRAY_PROGRAM = r"""
import json
import sys
from pathlib import Path

from PySide6.QtWidgets import QApplication

from obnotify.core.connection import ConnState
from obnotify.core.tray_state import TrayState, tooltip
from obnotify.ui.tray import Tray

report = Path(sys.argv[1])
app = QApplication(sys.argv[:1])
app.setQuitOnLastWindowClosed(False)
tray = Tray()
tray.set_state(TrayState.UNREAD, tooltip("Alice", ConnState.CONNECTED, 5, "New order", None), 5)
tray.show()
partial = report.with_name(report.name + ".partial")
partial.write_text(json.dumps({"available": Tray.available(), "visible": tray.icon.isVisible()}))
partial.replace(report)
sys.exit(app.exec())
"""


@pytest.mark.desktop
def test_the_tray_icon_is_embedded_with_its_badge(fresh_desktop: Any, tmp_path: Path) -> None:
    program = tmp_path / "tray.py"
    program.write_text(TRAY_PROGRAM)
    report = tmp_path / "tray.json"
    process = fresh_desktop.spawn([sys.executable, str(program), str(report)], name="tray")
    facts = json.loads(
        wait_until(
            lambda: report.read_text() if report.exists() else None,
            message=lambda: f"the tray program to report:\n{fresh_desktop.output_of(process)}",
        )
    )
    assert facts == {"available": True, "visible": True}
    [client] = fresh_desktop.wait_for_tray_clients(1)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    shot = fresh_desktop.screenshot(ARTIFACTS / "tray-unread-5.png", window_id=client)
    image = QImage(str(shot))
    colours = {
        image.pixelColor(x, y).name() for x in range(image.width()) for y in range(image.height())
    }

    def near(target: str) -> bool:
        wanted = QColor(target)
        return any(
            abs(QColor(c).red() - wanted.red())
            + abs(QColor(c).green() - wanted.green())
            + abs(QColor(c).blue() - wanted.blue())
            < 40
            for c in colours
        )

    assert near("#2bad72"), "the green bell"
    assert near("#e8590c"), "the orange badge"
    process.terminate()
    process.wait(timeout=10)


def test_the_badge_fills_the_corner_at_device_pixel_ratio_two() -> None:
    from obnotify.ui.tray_icons import BADGE_COLOUR

    pixmap = tray_icon(TrayState.CONNECTED, 5).pixmap(QSize(32, 32), 2.0)
    image = pixmap.toImage()
    assert (image.width(), image.height()) == (64, 64)
    plain = tray_icon(TrayState.CONNECTED).pixmap(QSize(32, 32), 2.0).toImage()
    # The badge is the top-right corner, in device pixels: drawn at scale 1 it would
    # cover a quarter of that.
    changed = [
        (x, y)
        for x in range(64)
        for y in range(64)
        if image.pixelColor(x, y) != plain.pixelColor(x, y)
    ]
    assert max(x for x, _ in changed) >= 60 and max(y for _, y in changed) >= 30
    near = image.pixelColor(52, 14)
    assert (
        abs(near.red() - BADGE_COLOUR.red()) < 40 and abs(near.green() - BADGE_COLOUR.green()) < 40
    )


def _premultiplied(image: QImage) -> bytes:
    converted = image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
    return bytes(converted.constBits())[: converted.sizeInBytes()]


def test_the_shipped_strips_are_the_coloured_icons_drawn_at_each_side(qapp: Any) -> None:
    """The PNG strips the tray reads are the SVG files drawn at the tray's sides: after a change
    to an SVG, ``QT_QPA_PLATFORM=offscreen python resources/make_icons.py`` draws them again."""
    make_icons = Path(__file__).resolve().parents[2] / "resources" / "make_icons.py"
    render = runpy.run_path(str(make_icons))["render"]
    from obnotify.resources import icon_path
    from obnotify.ui.tray_icons import TRAY_SIDES, TRAY_STRIP_FILES

    for state in TrayState:
        strip = QImage(str(icon_path(TRAY_STRIP_FILES[state])))
        assert (strip.width(), strip.height()) == (sum(TRAY_SIDES), max(TRAY_SIDES))
        left = 0
        for side in TRAY_SIDES:
            shipped = _premultiplied(strip.copy(left, 0, side, side))
            fresh = _premultiplied(render(icon_path(TRAY_ICON_FILES[state]), side))
            worst = max(abs(a - b) for a, b in zip(shipped, fresh, strict=True))
            assert worst <= 2, f"{TRAY_STRIP_FILES[state]} at {side} px is not its SVG"
            left += side


def test_the_tray_icons_and_the_window_icon_load_no_svg_engine() -> None:
    """Qt's SVG engine, once loaded, stays for the life of the app: more than a megabyte that
    the coloured tray icons and the app's window icon do not need."""
    code = (
        "import os\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "from PySide6.QtGui import QIcon\n"
        "from PySide6.QtWidgets import QApplication\n"
        "from obnotify.core.tray_state import TrayState\n"
        "from obnotify.resources import APP_ICON_PNG\n"
        "from obnotify.ui.tray_icons import tray_icon\n"
        "app = QApplication([])\n"
        "app.setWindowIcon(QIcon(str(APP_ICON_PNG)))\n"
        "for state in TrayState:\n"
        "    assert not tray_icon(state).pixmap(22, 22).isNull()\n"
        "    assert not tray_icon(state, 3).pixmap(22, 22).isNull()\n"
        "with open('/proc/self/maps') as maps:\n"
        "    print(any('Svg' in line or 'qsvg' in line for line in maps))\n"
    )
    if not Path("/proc/self/maps").exists():
        pytest.skip("needs /proc")
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "False"
