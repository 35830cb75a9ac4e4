"""obnotify: native desktop notifications for OpenBazaar (OB Go server) nodes."""

from __future__ import annotations

import sys

__all__ = ["APP_ID", "APP_NAME", "__version__", "notifier_app_name"]

__version__ = "0.1.0"

APP_ID = "org.obnotify.ObNotify"
"""One reverse-DNS id: the desktop file, the icons, Qt, the Windows AppUserModelID and the
macOS bundle identifier."""

APP_NAME = "obnotify"
"""The name people read: in menus, window titles and the header of every toast."""


def notifier_app_name(platform: str = sys.platform) -> str:
    """The ``app_name`` toasts are sent with on ``platform``.

    Windows files toasts under the AppUserModelID, which must be the id its Start-menu
    shortcut declares, and macOS under the bundle identifier: both are :data:`APP_ID`.
    Freedesktop servers print ``app_name`` as it is (KDE Plasma in every popup's header,
    GNOME Shell as the source whenever it cannot resolve the ``desktop-entry`` hint), so
    there it is the human name; the hint still names the desktop file.
    """
    if platform in ("win32", "darwin"):
        return APP_ID
    return APP_NAME
