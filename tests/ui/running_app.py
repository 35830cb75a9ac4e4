"""The app's composition root run in-process over a settings file, as the tray app runs it."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication

from obnotify import app
from obnotify.cli.options import AppOptions, ConnectionOptions
from obnotify.ui.settings_window import SettingsWindow
from obnotify.ui.tray import Tray

APP_ON_OFFSCREEN = pytest.mark.qt_log_ignore(
    r"systemTrayWindowChanged", r"does not support raise\(\)", r"propagateSizeHints"
)
"""The app's warnings of what the offscreen platform cannot do: a tray icon, raising a window."""


def app_options(qapp: QApplication, tmp_path: Path, config: Path) -> AppOptions:
    """Options that read ``config`` and keep the history under ``tmp_path``.

    As the app sets it: closing a window leaves the tray running.
    """
    qapp.setQuitOnLastWindowClosed(False)
    return AppOptions(
        config=str(config), connection=ConnectionOptions(data_dir=str(tmp_path / "data"))
    )


def shown_settings_window(qapp: QApplication) -> SettingsWindow:
    """The settings window on screen (earlier tests may have left hidden ones behind)."""
    return next(
        w for w in qapp.topLevelWidgets() if isinstance(w, SettingsWindow) and w.isVisible()
    )


def run_app(
    qapp: QApplication, tmp_path: Path, config: Path, tray: Tray, quit_event: asyncio.Event
) -> asyncio.Future[int]:
    """The app watching the nodes of ``config`` on the running loop, until ``quit_event``."""
    options = app_options(qapp, tmp_path, config)
    return asyncio.ensure_future(app.watch_nodes(qapp, options, tray, "", quit_event))


def write_one_node(settings_file: Path, url: str, more: str = "") -> None:
    """A settings file that watches one node, "Shop" at ``url``, with ``more`` TOML after."""
    settings_file.write_text(f'[[node]]\nname = "Shop"\nurl = "{url}"\n\n{more}', encoding="utf-8")
