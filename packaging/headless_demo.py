"""The demo on a machine with no screen: a private virtual desktop, the app, screenshots.

Starts Xvfb, a session bus, dunst and trayer (the same private desktop the tests use), runs
``obnotify --demo`` in it, then prints every notification dunst showed and saves a screenshot
of the screen and of the window.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from desktop_session import DesktopSession, missing_tools, wait_until


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
        desktop = DesktopSession.start(Path(tmp) / "desktop")
        try:
            env = {
                key: str(Path(tmp) / key.lower())
                for key in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")
            }
            proc = desktop.spawn(
                [sys.executable, "-m", "obnotify", "--demo", "--demo-delay", "1", *app_args],
                env=env,
                name="obnotify",
            )
            wait_until(lambda: desktop.tray_clients(), 30, message="the tray icon")
            print("obnotify is running in a virtual desktop; its tray icon is up.")
            deadline = time.monotonic() + args.seconds
            while time.monotonic() < deadline and proc.poll() is None:
                time.sleep(1)
            desktop.screenshot(out / "screen.png")
            for toast in reversed(desktop.history()):
                print(f"- {toast['summary']}: {toast['body']}")
            print(f"screenshot: {out / 'screen.png'}")
        finally:
            desktop.stop()
    return 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    sys.exit(main())
