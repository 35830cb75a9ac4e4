"""The autostart entry: written where the desktop looks for it, starting this interpreter."""

from __future__ import annotations

import configparser
import sys
from pathlib import Path

import pytest

from obnotify import APP_ID
from obnotify.desktop import autostart


def test_on_and_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    path = tmp_path / "autostart" / f"{APP_ID}.desktop"
    assert autostart.autostart_path() == path
    assert not autostart.is_enabled()
    autostart.set_enabled(True)
    assert autostart.is_enabled()
    entry = configparser.ConfigParser(interpolation=None)
    entry.read(path, encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Exec"] == f'"{sys.executable}" -m obnotify'
    assert section["Icon"] == APP_ID
    assert section["X-GNOME-Autostart-enabled"] == "true"
    autostart.set_enabled(False)
    assert not path.exists() and not autostart.is_enabled()
    autostart.set_enabled(False)


def test_platforms() -> None:
    assert autostart.supported("linux") and autostart.supported("freebsd14")
    assert not autostart.supported("win32") and not autostart.supported("darwin")
