"""The desktop files install where desktops look for them, and uninstall cleanly."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from obnotify import APP_ID

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "packaging" / "install-desktop-files"


def _run(tmp_path: Path, *args: str) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "share")}
    env.pop("PREFIX", None)
    subprocess.run([str(SCRIPT), *args], check=True, env=env, capture_output=True, timeout=60)


def test_install_and_uninstall(tmp_path: Path) -> None:
    _run(tmp_path)
    share = tmp_path / "share"
    assert (share / "applications" / f"{APP_ID}.desktop").is_file()
    assert (share / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    assert (share / "icons" / "hicolor" / "128x128" / "apps" / f"{APP_ID}.png").is_file()
    _run(tmp_path, "--uninstall")
    left = [p for p in share.rglob("*") if p.is_file() and APP_ID in p.name]
    assert left == []
