"""The demo on a machine with no screen: a private virtual desktop, the app, screenshots.

Starts Xvfb, a session bus, dunst and trayer (the same private desktop the tests use), runs
``obnotify --demo`` in it, opens its window from the tray icon as a user would, then prints
every notification dunst showed and saves a screenshot of the screen and of the window. When
the app stops early the demo stops at once and prints the app's last lines and what to install.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Final

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from desktop_session import DesktopSession, DesktopStartError, missing_tools, wait_until

ICON_TIMEOUT: Final = 30.0
WINDOW_TIMEOUT: Final = 15.0
LAST_LINES: Final = 30
"""How much of the app's output to print when it stops early."""
WINDOW_TITLE: Final = "obnotify —"
"""The start of the window's title (the node's name follows)."""


class AppStopped(Exception):
    """The app ended while the demo waited on it."""


def _running(proc: subprocess.Popen[bytes]) -> bool:
    if proc.poll() is not None:
        raise AppStopped
    return True


def _icon_of(desktop: DesktopSession, pid: int) -> int | None:
    return next((c for c in desktop.tray_clients() if desktop.window_pid(c) == pid), None)


def _window_of(desktop: DesktopSession, pid: int, icon: int) -> int | None:
    """The app's window, by its title; its tray icon is not one."""
    return next(
        (
            window
            for window in desktop.find_windows(WINDOW_TITLE)
            if window != icon and desktop.window_pid(window) == pid
        ),
        None,
    )


def _open_window(desktop: DesktopSession, proc: subprocess.Popen[bytes], icon: int) -> int | None:
    """A left click on the icon, as a user opens the window; the icon shows before the app is
    ready for it, so a click that came too early is made again."""
    window = _window_of(desktop, proc.pid, icon)
    if window is None and _running(proc):
        desktop.run(["xdotool", "mousemove", "--window", str(icon), "8", "8", "click", "1"])
    return window


def _what_to_install(output: str) -> list[str]:
    """Advice for an app that stopped: the Debian packages prepare could not install, and
    Qt's own hint when its X11 plugin failed to load."""
    advice = []
    missing = os.environ.get("OBNOTIFY_MISSING_DEBS", "").split()
    if missing:
        advice.append(f"Debian packages still missing: sudo apt-get install {' '.join(missing)}")
    if "platform plugin" in output and "xcb" in output:
        advice.append(
            "Qt could not load its X11 plugin: packaging/prepare lists the libraries it needs; "
            "QT_DEBUG_PLUGINS=1 packaging/demo names the one that fails"
        )
    return advice


def _report_stop(desktop: DesktopSession, proc: subprocess.Popen[bytes], why: str) -> int:
    """Say why the demo ends early, with the app's last lines and what to install."""
    output = desktop.output_of(proc)
    print(f"the demo stopped: {why}. obnotify's last lines:", file=sys.stderr)
    for line in output.splitlines()[-LAST_LINES:]:
        print(f"  {line}", file=sys.stderr)
    for advice in _what_to_install(output):
        print(advice, file=sys.stderr)
    return 1


def _run(desktop: DesktopSession, tmp: Path, out: Path, seconds: float, app_args: list[str]) -> int:
    env = {
        key: str(tmp / key.lower())
        for key in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")
    }
    proc = desktop.spawn(
        [sys.executable, "-m", "obnotify", "--demo", "--demo-delay", "1", *app_args],
        env=env,
        name="obnotify",
    )
    try:
        icon = wait_until(
            lambda: _running(proc) and _icon_of(desktop, proc.pid),
            ICON_TIMEOUT,
            message="the tray icon",
        )
        print("obnotify is running in a virtual desktop; its tray icon is up.")
        window = wait_until(
            lambda: _open_window(desktop, proc, icon),
            WINDOW_TIMEOUT,
            interval=1.0,
            message="the window, opened from the tray icon",
        )
    except AppStopped:
        return _report_stop(desktop, proc, f"obnotify exited with status {proc.returncode}")
    except AssertionError as error:
        return _report_stop(desktop, proc, str(error))
    try:
        # The app stopping ends the wait, and the demo, at once.
        status = proc.wait(timeout=seconds)
    except subprocess.TimeoutExpired:
        status = None
    if status is not None:
        return _report_stop(desktop, proc, f"obnotify exited with status {status}")
    desktop.screenshot(out / "screen.png")
    desktop.screenshot(out / "window.png", window)
    for toast in reversed(desktop.history()):
        print(f"- {toast['summary']}: {toast['body']}")
    print(f"screenshots: {out / 'screen.png'}, {out / 'window.png'}")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=40.0, help="how long to let the demo run")
    parser.add_argument("--out", default="demo-screenshots", help="where the screenshots go")
    args, app_args = parser.parse_known_args()
    missing = missing_tools()
    if missing:
        print(f"cannot start a virtual desktop: missing {', '.join(missing)}", file=sys.stderr)
        return 1
    out = Path(args.out).resolve()
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="obnotify-demo-") as tmp:
        try:
            desktop = DesktopSession.start(Path(tmp) / "desktop")
        except DesktopStartError as error:
            print(f"cannot start a virtual desktop: {error}", file=sys.stderr)
            return 1
        try:
            return _run(desktop, Path(tmp), out, args.seconds, app_args)
        finally:
            desktop.stop()


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
