"""The files the desktop needs: the .desktop entry, AppStream metainfo, icons under one id."""

from __future__ import annotations

import configparser
import xml.etree.ElementTree as ET
from pathlib import Path

from obnotify import APP_ID
from obnotify.core.render import Category
from obnotify.core.tray_state import TrayState
from obnotify.resources import APP_ICON_PNG, APP_ICON_SVG, icon_path

ROOT = Path(__file__).resolve().parents[2]
RESOURCES = ROOT / "resources"


def test_desktop_entry_names_the_app_id_and_uses_notifications() -> None:
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # type: ignore[assignment,method-assign]
    entry.read(RESOURCES / f"{APP_ID}.desktop", encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Icon"] == APP_ID
    assert section["Exec"] == "obnotify"
    assert section["X-GNOME-UsesNotifications"] == "true"


def test_metainfo_launches_the_desktop_entry() -> None:
    root = ET.parse(RESOURCES / f"{APP_ID}.metainfo.xml").getroot()
    assert root.findtext("id") == APP_ID
    assert root.findtext("launchable") == f"{APP_ID}.desktop"
    assert root.findtext("icon") == APP_ID


def test_icons_exist_for_every_state_category_and_theme_size() -> None:
    for state in TrayState:
        assert icon_path(f"tray-{state.value}.svg").is_file()
    for category in Category:
        assert icon_path(f"category-{category.value}.svg").is_file()
    assert APP_ICON_SVG.is_file() and APP_ICON_PNG.read_bytes().startswith(b"\x89PNG")
    hicolor = RESOURCES / "icons" / "hicolor"
    assert (hicolor / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    for size in (16, 22, 24, 32, 48, 64, 128, 256):
        assert (hicolor / f"{size}x{size}" / "apps" / f"{APP_ID}.png").is_file()
