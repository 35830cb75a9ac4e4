"""The freedesktop ``desktop-entry`` hint on every toast, which desktop-notifier leaves out.

GNOME and KDE match a toast to its application by that hint: without it they
list obnotify's toasts under no application and do not keep them in the
notification history. desktop-notifier builds the hints inside one method with
no hook, so its D-Bus backend is subclassed to add the hint at the one place
every toast passes: the ``Notify`` call on the server's proxy. Linux and BSD
only; the module imports the D-Bus backend, so import it only there.
"""

from __future__ import annotations

from typing import Any

from dbus_fast.aio.proxy_object import ProxyInterface
from dbus_fast.signature import Variant
from desktop_notifier import DesktopNotifier, Icon
from desktop_notifier.backends.dbus import DBusDesktopNotifier, get_hints_signature

from obnotify import APP_ID

__all__ = ["DESKTOP_ENTRY_HINT", "DesktopEntryNotifier", "desktop_entry_notifier"]

DESKTOP_ENTRY_HINT = "desktop-entry"
"""The hint's name: the desktop file's name without ``.desktop``, here the app id."""


class DesktopEntryNotifier(DBusDesktopNotifier):
    """desktop-notifier's D-Bus backend, sending ``desktop-entry`` with every toast."""

    async def _init_dbus(self) -> ProxyInterface:
        interface = await super()._init_dbus()
        # The proxy's methods are made at run time from the server's introspection.
        signature = get_hints_signature(interface)
        if signature not in ("a{sv}", "a{ss}"):
            return interface  # a server desktop-notifier sends no hints at all
        entry: Variant | str = Variant("s", APP_ID) if signature == "a{sv}" else APP_ID
        notify = interface.call_notify  # type: ignore[attr-defined]

        async def call_notify(*args: Any) -> Any:
            # Notify(app_name, replaces_id, icon, summary, body, actions, hints, timeout)
            hints = {**args[6], DESKTOP_ENTRY_HINT: entry}
            return await notify(*args[:6], hints, *args[7:])

        interface.call_notify = call_notify  # type: ignore[attr-defined]
        return interface


def desktop_entry_notifier(*, app_name: str, app_icon: Icon | None) -> DesktopNotifier:
    """A ``DesktopNotifier`` whose toasts carry the ``desktop-entry`` hint."""
    notifier = DesktopNotifier(app_name=app_name, app_icon=app_icon)
    # DesktopNotifier picks its backend itself and offers no way to pass one in.
    notifier._backend = DesktopEntryNotifier(app_name, app_icon)
    return notifier
