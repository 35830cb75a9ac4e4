"""Using an app's tray icon menu in the private desktop as a user does: a right click, then
an entry's key, and what that opens."""

from __future__ import annotations

from desktop_session import DesktopSession
from waiting import wait_until

__all__ = ["opened_window", "pick_from_tray_menu", "shown_windows"]

MENU_ATTEMPTS = 3


def shown_windows(desktop: DesktopSession, pid: int) -> set[int]:
    """The windows of a process on screen, menus included; its tray icon is not one."""
    result = desktop.run(
        ["xdotool", "search", "--all", "--onlyvisible", "--pid", str(pid)], check=False
    )
    shown = {int(word) for word in result.stdout.split() if word.isdigit()}
    return shown - set(desktop.tray_clients())


def pick_from_tray_menu(desktop: DesktopSession, pid: int, icon: int, *keys: str) -> set[int]:
    """Open the icon's menu with a right click and pick an entry with its keys, as a user does;
    returns the windows that were on screen before, to tell what the entry opens."""
    before = shown_windows(desktop, pid)
    for attempt in range(1, MENU_ATTEMPTS + 1):
        desktop.run(["xdotool", "mousemove", "--window", str(icon), "4", "4", "click", "3"])
        try:
            menu = wait_until(lambda: shown_windows(desktop, pid) - before, 5, message="menu")
            break
        except AssertionError:
            if attempt == MENU_ATTEMPTS:
                raise
    desktop.run(["xdotool", "key", "--delay", "100", *keys])
    wait_until(lambda: not menu & shown_windows(desktop, pid), 10, message="the menu to close")
    return before


def opened_window(desktop: DesktopSession, pid: int, before: set[int], what: str) -> int:
    """The window that came on screen since `before`."""
    return wait_until(
        lambda: next(iter(shown_windows(desktop, pid) - before), None), 10, message=what
    )
