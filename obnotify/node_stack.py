"""What every node runs on, imported behind the tray icon, and no source text kept from it.

The app shows its icon with only Qt's widgets and the tray loaded (:mod:`obnotify.app`);
this stack comes next, once the icon is in the tray host's hands.
"""

from __future__ import annotations

from typing import Any, Final

__all__ = ["NODE_STACK", "import_node_stack", "keep_no_source"]

NODE_STACK: Final = (
    "obnotify.node.factory",
    "obnotify.desktop.notifier",
    "obnotify.settings.reading",
    "desktop_notifier",
    "dbus_fast.aio",
    "websockets.asyncio.client",
)
"""What every node runs on: imported behind the icon."""


class _Forgetful(dict[str, Any]):
    """A ``linecache.cache`` that keeps no source: what is read is let go as soon as it is used.

    A lazy entry (one item: how to read the source, where there is no file, as in a bundle)
    is kept, since linecache reads it back at once; it holds no text.
    """

    def __setitem__(self, key: str, value: Any) -> None:
        if isinstance(value, tuple) and len(value) == 1:
            super().__setitem__(key, value)


def keep_no_source() -> None:
    """Keep no module's source text for the life of the app.

    PySide6 reads the source of every module imported after it, to see whether the module
    uses its ``__feature__`` switches, and ``linecache`` would keep every line it read for the
    life of the process: 13 MB for what the app imports, 0.8 MB of it for the HTTP stack it
    imports at its first request. Kept for a while, that text lies between the modules' code
    and stays resident even once dropped; let go as each module is read, its memory is reused
    by the next one. A traceback reads the few lines it prints from the file again.
    """
    import linecache

    linecache.clearcache()
    linecache.cache = _Forgetful()


def import_node_stack() -> None:
    """Import what the nodes run on, behind the icon."""
    import importlib

    for name in NODE_STACK:
        importlib.import_module(name)
