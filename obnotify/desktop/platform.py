"""What the app asks of the platform before and beside Qt: a display, its app id, ``ob://`` links.

No Qt here: these run before the QApplication exists, or on a worker thread.
"""

from __future__ import annotations

import os
import sys

from obnotify import APP_ID

__all__ = ["claim_app_id", "has_display", "has_ob_handler"]


def has_display() -> bool:
    """Whether Qt can open a window here; on Linux that needs X11 or Wayland (or a chosen platform)."""
    if not sys.platform.startswith("linux"):
        return True
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def claim_app_id() -> None:
    """Give the process the app id that the installer's Start-menu shortcut declares (Windows).

    Windows files the taskbar button and the toasts under a process's AppUserModelID, and shows
    toasts only for an id that a shortcut declares; without this call the process would have one
    derived from the executable's path, and its toasts would be dropped.
    """
    if sys.platform == "win32":
        import ctypes

        ctypes.windll.shell32.SetCurrentProcessExplicitAppUserModelID(APP_ID)


def has_ob_handler() -> bool:
    """Whether the system opens ``ob://`` links (the OpenBazaar app registers that scheme)."""
    import shutil
    import subprocess

    if sys.platform != "linux" or shutil.which("xdg-mime") is None:
        return False
    try:
        out = subprocess.run(
            ["xdg-mime", "query", "default", "x-scheme-handler/ob"],
            capture_output=True,
            text=True,
            timeout=3,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(out.stdout.strip())
