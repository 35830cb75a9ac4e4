"""The app's composition root run in-process over a settings file, as the tray app runs it."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QApplication

from obnotify.cli.options import AppOptions, ConnectionOptions
from obnotify.ui.settings_window import SettingsWindow


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
