"""The one settings window of the run, built when first asked for.

Its dialog and the settings reader load with the first ask: an idle tray does without them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from obnotify.ui.messages import tell_soon

if TYPE_CHECKING:
    from pathlib import Path

    from obnotify.settings.values import Settings
    from obnotify.ui.settings_window import SettingsWindow

__all__ = ["SettingsSlot"]


class SettingsSlot:
    """The one settings window, built when first asked for; saving hands the new settings on."""

    def __init__(self, path: Path | None, on_saved: Callable[[Settings], None]) -> None:
        self._path = path
        self._on_saved = on_saved
        self._window: SettingsWindow | None = None

    def show(self) -> None:
        """Bring the window forward, reading the file the first time."""
        if self._window is None:
            from obnotify.node.config import ConfigError
            from obnotify.settings.reading import load_settings
            from obnotify.ui.settings_window import SettingsWindow

            try:
                settings = load_settings(self._path)
            except ConfigError as exc:
                # A file broken by hand: the message says what to fix; the tray goes on.
                tell_soon(str(exc), problem=True)
                return
            self._window = SettingsWindow(settings)
            self._window.saved.connect(self._on_saved)
        self._window.show()
        self._window.raise_()
        self._window.activateWindow()
