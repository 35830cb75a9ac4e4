"""The desktop harness itself, checked against the real programs it drives.

Every end-to-end test of the app trusts these readings: that a toast dunst shows appears in
`history()` with its text and icon, that `action()` reaches the app that sent the toast, that a Qt
tray icon is seen embedded, and that screenshots are real. Each check here can also fail, so a
harness that sees nothing is caught rather than passing everything.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from desktop_session import SCREEN_HEIGHT, SCREEN_WIDTH, DesktopSession, png_size
from waiting import wait_until

pytestmark = pytest.mark.desktop

# Sends one toast through desktop-notifier (the library the app uses) and reports, one JSON line
# each, what becomes of it; it stays up until the toast is clicked, pressed or dismissed.
NOTIFIER_PROGRAM = r"""
import asyncio
import json
import sys
from pathlib import Path

from desktop_notifier import Button, DesktopNotifier, Icon

report, icon, title, body = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4]


def note(event, **data):
    with report.open("a") as stream:
        stream.write(json.dumps({"event": event, **data}) + "\n")


async def main():
    finished = asyncio.Event()

    def final(event):
        def handler():
            note(event)
            finished.set()
        return handler

    notifier = DesktopNotifier(app_name="obnotify-smoke")
    identifier = await notifier.send(
        title=title,
        message=body,
        icon=Icon(path=icon),
        buttons=[Button(title="Open order", identifier="open-order", on_pressed=final("pressed"))],
        on_dispatched=lambda: note("dispatched"),
        on_clicked=final("clicked"),
        on_dismissed=final("dismissed"),
    )
    note("sent", identifier=identifier)
    await asyncio.wait_for(finished.wait(), 120)


asyncio.run(main())
"""

# A bare Qt tray icon; it reports whether Qt found a tray, then runs until it is ended.
TRAY_PROGRAM = r"""
import json
import sys
from pathlib import Path

from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import QApplication, QSystemTrayIcon

report = Path(sys.argv[1])
app = QApplication(sys.argv[:1])
app.setApplicationName("obnotify-smoke-tray")
app.setQuitOnLastWindowClosed(False)
available = QSystemTrayIcon.isSystemTrayAvailable()
pixmap = QPixmap(64, 64)
pixmap.fill(QColor("#2e7d32"))
tray = QSystemTrayIcon(QIcon(pixmap))
tray.setToolTip("obnotify smoke")
tray.show()
partial = report.with_name(report.name + ".partial")
partial.write_text(json.dumps({"tray_available": available, "visible": tray.isVisible()}))
partial.replace(report)
sys.exit(app.exec())
"""


def make_icon(path: Path, colour: str = "#c62828") -> Path:
    """A small PNG made by ImageMagick, as the app's cached thumbnails will be."""
    subprocess.run(["convert", "-size", "96x96", f"xc:{colour}", str(path)], check=True)
    return path


def read_events(report: Path) -> list[dict[str, Any]]:
    """The JSON lines the notifier program wrote so far (a line being written is skipped)."""
    if not report.exists():
        return []
    events = []
    for line in report.read_text().splitlines():
        try:
            events.append(json.loads(line))
        except json.JSONDecodeError:
            continue
    return events


def send_toast(
    desktop: DesktopSession, tmp_path: Path, title: str, body: str, icon: Path
) -> tuple[subprocess.Popen[bytes], Path]:
    """Start the notifier program and return it with the file it reports to."""
    program = tmp_path / "notifier.py"
    program.write_text(NOTIFIER_PROGRAM)
    report = tmp_path / f"events-{uuid.uuid4().hex}.jsonl"
    process = desktop.spawn(
        [sys.executable, str(program), str(report), str(icon), title, body], name="notifier"
    )
    return process, report


def wait_for_event(
    desktop: DesktopSession, process: subprocess.Popen[bytes], report: Path, event: str
) -> dict[str, Any]:
    """The first `event` the notifier program reports; its output is shown on timeout."""
    return wait_until(
        lambda: next((item for item in read_events(report) if item["event"] == event), None),
        message=lambda: (
            f"the notifier to report {event!r}; it reported {read_events(report)} "
            f"and printed:\n{desktop.output_of(process)}"
        ),
    )


def test_session_environment_is_private(desktop: DesktopSession) -> None:
    """Programs under test must reach only this session's X server and bus, and no XDG
    directory of the person running the tests."""
    env = desktop.env
    assert env["DISPLAY"] == desktop.display
    assert env["DBUS_SESSION_BUS_ADDRESS"] == desktop.dbus_address
    assert env["QT_QPA_PLATFORM"] == "xcb"
    assert desktop.dbus_address != os.environ.get("DBUS_SESSION_BUS_ADDRESS")
    for key, value in env.items():
        if key.startswith("XDG_"):
            assert value.startswith(str(desktop.root)), (key, value)
    assert "WAYLAND_DISPLAY" not in env


def test_toast_shows_summary_body_and_icon(fresh_desktop: DesktopSession, tmp_path: Path) -> None:
    """A toast sent over D-Bus is read back from dunst with its literal text and icon file."""
    icon = make_icon(tmp_path / "thumbnail.png")
    title = "Order <b>#42</b> & paid"
    body = "Buyer <i>alice</i> paid 0.01 BTC"
    process, report = send_toast(fresh_desktop, tmp_path, title, body, icon)
    wait_for_event(fresh_desktop, process, report, "dispatched")

    toast = fresh_desktop.wait_for_toast(lambda toast: toast["summary"] == title)

    assert toast["body"] == body
    assert toast["icon_path"] == str(icon)
    assert toast["appname"] == "obnotify-smoke"
    assert toast["urgency"] == "normal"
    assert toast["closed"] is False
    assert fresh_desktop.toast_actions(toast["id"]) == {"default": "", "open-order": "Open order"}

    fresh_desktop.close_all()
    closed = fresh_desktop.wait_for_toast(lambda seen: seen["id"] == toast["id"] and seen["closed"])
    assert closed["summary"] == title
    assert closed["icon_path"] == str(icon)
    wait_for_event(fresh_desktop, process, report, "dismissed")


def test_clicking_a_toast_reaches_the_sender(fresh_desktop: DesktopSession, tmp_path: Path) -> None:
    """`action()` without a name is a click on the toast's body: the sender's on_clicked runs."""
    icon = make_icon(tmp_path / "icon.png", "#1565c0")
    process, report = send_toast(fresh_desktop, tmp_path, "Click me", "body", icon)
    toast = fresh_desktop.wait_for_toast(lambda toast: toast["summary"] == "Click me")

    chosen = fresh_desktop.action(toast["id"])

    assert (chosen.notification_id, chosen.key) == (toast["id"], "default")
    wait_for_event(fresh_desktop, process, report, "clicked")
    assert "pressed" not in [event["event"] for event in read_events(report)]


def test_named_action_of_the_newest_toast_reaches_its_sender(
    fresh_desktop: DesktopSession, tmp_path: Path
) -> None:
    """With two toasts on screen, a named action goes to the newest one only."""
    icon = make_icon(tmp_path / "icon.png", "#6a1b9a")
    older, older_report = send_toast(fresh_desktop, tmp_path, "Older", "first", icon)
    fresh_desktop.wait_for_toast(lambda toast: toast["summary"] == "Older")
    newer, newer_report = send_toast(fresh_desktop, tmp_path, "Newer", "second", icon)
    toast = fresh_desktop.wait_for_toast(lambda toast: toast["summary"] == "Newer")

    chosen = fresh_desktop.action(action_name="open-order")

    assert (chosen.notification_id, chosen.label) == (toast["id"], "Open order")
    wait_for_event(fresh_desktop, newer, newer_report, "pressed")
    assert {event["event"] for event in read_events(older_report)} <= {"sent", "dispatched"}
    assert older.poll() is None


def test_missing_toast_or_action_fails_with_what_was_seen(fresh_desktop: DesktopSession) -> None:
    """The waits must be able to fail, and say what they saw when they do."""
    with pytest.raises(AssertionError, match="toasts seen"):
        fresh_desktop.wait_for_toast(lambda toast: toast["summary"] == "never sent", timeout=0.3)
    with pytest.raises(AssertionError, match="no toast on screen offers"):
        fresh_desktop.action(action_name="no-such-action", timeout=0.5)
    with pytest.raises(AssertionError, match="tray icon"):
        fresh_desktop.wait_for_tray_clients(1, timeout=0.3)


def test_qt_tray_icon_is_embedded_in_trayer(
    fresh_desktop: DesktopSession, tmp_path: Path, artifacts_dir: Path
) -> None:
    """A Qt app started in the session finds a tray and its icon is embedded; when it ends, the
    icon goes away."""
    program = tmp_path / "tray.py"
    program.write_text(TRAY_PROGRAM)
    report = tmp_path / "tray.json"
    process = fresh_desktop.spawn([sys.executable, str(program), str(report)], name="tray")

    facts = json.loads(
        wait_until(
            lambda: report.read_text() if report.exists() else None,
            message=lambda: (
                f"the tray program to report; it printed:\n{fresh_desktop.output_of(process)}"
            ),
        )
    )
    assert facts == {"tray_available": True, "visible": True}
    [client] = fresh_desktop.wait_for_tray_clients(1)
    assert fresh_desktop.window_pid(client) == process.pid
    icon_shot = fresh_desktop.screenshot(artifacts_dir / "tray-icon.png", window_id=client)
    width, height = png_size(icon_shot)
    assert 0 < width <= 64 and 0 < height <= 64

    process.terminate()
    process.wait(timeout=10)
    assert fresh_desktop.wait_for_tray_clients(0) == []


def test_screenshot_is_a_full_screen_png(
    fresh_desktop: DesktopSession, tmp_path: Path, artifacts_dir: Path
) -> None:
    """A screenshot of the root window is a PNG of the whole virtual screen, toast included."""
    icon = make_icon(tmp_path / "icon.png", "#ef6c00")
    send_toast(fresh_desktop, tmp_path, "Screenshot toast", "visible", icon)
    fresh_desktop.wait_for_toast(lambda toast: toast["summary"] == "Screenshot toast")
    assert fresh_desktop.find_windows("Dunst")

    shot = fresh_desktop.screenshot(artifacts_dir / "screen.png")

    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png_size(shot) == (SCREEN_WIDTH, SCREEN_HEIGHT)
