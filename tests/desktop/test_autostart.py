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


def test_the_login_start_uses_the_same_settings_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    autostart.set_enabled(True, ["--config", '/home/a b/my "shop" 100%.toml'])
    text = autostart.autostart_path().read_text(encoding="utf-8")
    exec_line = next(line for line in text.splitlines() if line.startswith("Exec="))
    assert exec_line == (
        f'Exec="{sys.executable}" -m obnotify "--config" "/home/a b/my \\"shop\\" 100%%.toml"'
    )
