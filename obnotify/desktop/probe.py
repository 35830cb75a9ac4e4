"""What the desktop offers obnotify: a notification server, a tray host, a keyring.

Each probe returns a :class:`~obnotify.node.checks.Check`, for ``obnotify doctor``:
without a notification server toasts go nowhere, without a tray host the icon is
invisible, and without a keyring backend no password can be kept.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import os
import sys
from typing import TYPE_CHECKING, Any, Final

from obnotify.node.checks import Check

if TYPE_CHECKING:
    from dbus_fast.aio import MessageBus

__all__ = ["check_desktop", "check_keyring", "check_notification_server", "check_tray_host"]

NOTIFICATIONS: Final = "notification server"
TRAY: Final = "tray host"
KEYRING: Final = "keyring"
_BUS_TIMEOUT: Final = 5.0
_SNI_WATCHER: Final = "org.kde.StatusNotifierWatcher"


async def _bus_call(bus: MessageBus, member: str, **fields: Any) -> list[Any]:
    """The body of a method call's answer; raises ``DBusError`` for an error answer."""
    from dbus_fast import Message, MessageType
    from dbus_fast.errors import DBusError

    reply = await asyncio.wait_for(bus.call(Message(member=member, **fields)), _BUS_TIMEOUT)
    assert reply is not None
    if reply.message_type is MessageType.ERROR:
        raise DBusError(reply.error_name or "error", str(reply.body[0] if reply.body else ""))
    return list(reply.body)


async def check_notification_server() -> Check:
    """The server on the session bus that shows toasts, by name, with its capabilities."""
    if not sys.platform.startswith("linux"):
        return Check(NOTIFICATIONS, True, f"not checked on {sys.platform}", skipped=True)
    from dbus_fast.aio import MessageBus
    from dbus_fast.errors import DBusError

    where = {
        "destination": "org.freedesktop.Notifications",
        "path": "/org/freedesktop/Notifications",
        "interface": "org.freedesktop.Notifications",
    }
    try:
        bus = await MessageBus().connect()
    except (OSError, ValueError, DBusError) as exc:
        return Check(
            NOTIFICATIONS,
            False,
            f"no session bus ({exc})",
            "run obnotify inside a desktop session (DBUS_SESSION_BUS_ADDRESS is not usable)",
        )
    try:
        info = await _bus_call(bus, "GetServerInformation", **where)
        capabilities = await _bus_call(bus, "GetCapabilities", **where)
    except (DBusError, TimeoutError) as exc:
        return Check(
            NOTIFICATIONS,
            False,
            f"no notification server answers on the session bus ({exc})",
            "start your desktop's notification daemon (for example dunst, mako or xfce4-notifyd)",
        )
    finally:
        bus.disconnect()
    name, vendor, version = (str(part) for part in info[:3])
    caps = ", ".join(str(c) for c in capabilities[0]) if capabilities else ""
    return Check(NOTIFICATIONS, True, f"{name} {version} by {vendor} ({caps or 'no capabilities'})")


def _xembed_owner() -> bool:
    """Whether an X11 tray (``_NET_SYSTEM_TRAY_S0``) is on the display, asked through libX11."""
    if not os.environ.get("DISPLAY"):
        return False
    name = ctypes.util.find_library("X11")
    if not name:
        return False
    x11 = ctypes.CDLL(name)
    x11.XOpenDisplay.restype = ctypes.c_void_p
    x11.XOpenDisplay.argtypes = [ctypes.c_char_p]
    x11.XInternAtom.restype = ctypes.c_ulong
    x11.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    x11.XGetSelectionOwner.restype = ctypes.c_ulong
    x11.XGetSelectionOwner.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    x11.XCloseDisplay.argtypes = [ctypes.c_void_p]
    display = x11.XOpenDisplay(None)
    if not display:
        return False
    try:
        atom = x11.XInternAtom(display, b"_NET_SYSTEM_TRAY_S0", 0)
        return bool(x11.XGetSelectionOwner(display, atom))
    finally:
        x11.XCloseDisplay(display)


async def _sni_watcher() -> bool:
    from dbus_fast.aio import MessageBus
    from dbus_fast.errors import DBusError

    try:
        bus = await MessageBus().connect()
    except (OSError, ValueError, DBusError):
        return False
    try:
        body = await _bus_call(
            bus,
            "NameHasOwner",
            destination="org.freedesktop.DBus",
            path="/org/freedesktop/DBus",
            interface="org.freedesktop.DBus",
            signature="s",
            body=[_SNI_WATCHER],
        )
    except (DBusError, TimeoutError):
        return False
    finally:
        bus.disconnect()
    return bool(body and body[0])


async def check_tray_host() -> Check:
    """A panel that shows tray icons: an XEmbed system tray or a StatusNotifier watcher."""
    if not sys.platform.startswith("linux"):
        return Check(TRAY, True, f"not checked on {sys.platform}", skipped=True)
    if not any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY")):
        return Check(
            TRAY,
            False,
            "no display (DISPLAY and WAYLAND_DISPLAY are unset): no window or icon can be shown",
            "run obnotify doctor inside your desktop session",
        )
    found = [
        what
        for what, present in (
            ("StatusNotifierWatcher on the session bus", await _sni_watcher()),
            ("XEmbed system tray on the display", _xembed_owner()),
        )
        if present
    ]
    if found:
        return Check(TRAY, True, " and ".join(found))
    return Check(
        TRAY,
        False,
        "no system tray: the icon will not be seen",
        "add a system tray to your panel (on GNOME the AppIndicator extension)",
    )


def check_keyring(needed: bool) -> Check:
    """The backend passwords are kept in; the fail and null backends keep none.

    Having none fails only when ``needed`` (a node logs in with a password the keyring is to
    hold); otherwise it is a warning, for the day a node with a password is added.
    """
    import keyring
    from keyring.backends import fail, null

    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    if isinstance(backend, fail.Keyring | null.Keyring):
        return Check(
            KEYRING,
            not needed,
            "no keyring backend: passwords cannot be kept"
            + ("" if needed else " (no node checked here needs one)"),
            "install and unlock a keyring (GNOME Keyring, KWallet or KeePassXC's Secret Service), "
            "or pass the password with --password-env",
            warning=not needed,
        )
    return Check(KEYRING, True, name)


async def check_desktop(*, keyring_needed: bool) -> list[Check]:
    """Every desktop check, in order; ``keyring_needed`` as :func:`check_keyring` takes it."""
    return [
        await check_notification_server(),
        await check_tray_host(),
        check_keyring(keyring_needed),
    ]
