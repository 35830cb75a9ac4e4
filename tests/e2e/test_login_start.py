"""Start at login from a virtualenv, as a user ticks it: the entry the tray menu writes, started
the way GNOME's session starts it, runs this interpreter on the same node again."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from desktop_entry import exec_argv
from desktop_session import DesktopSession, on_ci
from tray_menu import pick_from_tray_menu
from waiting import scaled, wait_until

from obnotify import APP_ID
from obnotify.demo.threaded import ThreadedSimNode

pytestmark = pytest.mark.desktop


def _polled(node: ThreadedSimNode) -> int:
    """How many times the app has asked the node for its notifications."""
    return sum(path.startswith("/ob/notifications") for _, path in node.journal.requests)


def _icon_of(desktop: DesktopSession, pids: set[int]) -> int | None:
    return next((c for c in desktop.tray_clients() if desktop.window_pid(c) in pids), None)


def _pids_running(program: str) -> set[int]:
    """The processes whose command line starts with ``program -m obnotify``."""
    found = set()
    for proc_dir in Path("/proc").iterdir():
        try:
            argv = (proc_dir / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if proc_dir.name.isdigit() and argv[:3] == [program.encode(), b"-m", b"obnotify"]:
            found.add(int(proc_dir.name))
    return found


def test_the_entry_ticked_in_the_menu_starts_this_interpreter_on_the_same_node(
    fresh_desktop: DesktopSession, tmp_path: Path
) -> None:
    if shutil.which("gio") is None:
        reason = "gio is missing (libglib2.0-bin; packaging/prepare installs it)"
        if on_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    desktop = fresh_desktop
    env = {
        f"XDG_{name}_HOME": str(tmp_path / name.lower())
        for name in ("CONFIG", "DATA", "CACHE", "STATE")
    }
    entry = tmp_path / "config" / "autostart" / f"{APP_ID}.desktop"
    with ThreadedSimNode(wallet_interval=None) as node:
        proc = desktop.spawn(
            [sys.executable, "-m", "obnotify", "--node", node.url], env=env, name="obnotify"
        )
        icon = wait_until(lambda: _icon_of(desktop, {proc.pid}), 30, message="the tray icon")
        node.wait_until(lambda: _polled(node) > 0, scaled(20))
        pick_from_tray_menu(desktop, proc.pid, icon, "l")
        wait_until(entry.exists, 10, message="the entry of Start at login")
        argv = exec_argv(entry.read_text(encoding="utf-8"))
        assert argv == [sys.executable, "-m", "obnotify", "--node", node.url]

        pick_from_tray_menu(desktop, proc.pid, icon, "Up", "Return")
        assert proc.wait(timeout=scaled(20)) == 0, desktop.output_of(proc)[-4000:]
        polled = _polled(node)
        login = desktop.spawn(["gio", "launch", str(entry)], env=env, name="login")
        assert login.wait(timeout=scaled(30)) == 0, desktop.output_of(login)
        wait_until(
            lambda: _icon_of(desktop, _pids_running(sys.executable)),
            30,
            message=lambda: f"the login start's icon; it printed:\n{desktop.output_of(login)}",
        )
        node.wait_until(lambda: _polled(node) > polled, scaled(20))
