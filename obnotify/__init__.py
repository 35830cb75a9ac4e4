"""obnotify: native desktop notifications for OpenBazaar (OB Go server) nodes."""

from __future__ import annotations

__all__ = ["APP_ID", "APP_NAME", "__version__"]

__version__ = "0.1.0"

APP_ID = "org.obnotify.ObNotify"
"""One reverse-DNS id for the desktop file, the notifier's app name, the icons and Qt."""

APP_NAME = "obnotify"
