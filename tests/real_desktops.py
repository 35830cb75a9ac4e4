"""The desktops users live in, private and headless: GNOME Shell, xfce, KDE Plasma.

`desktop_session.DesktopSession` runs dunst and an XEmbed tray, which prove the protocol but are
not where users are. These sessions run the real shells, each with its own runtime folder, home,
session bus and a second bus standing in for the system bus (there is no logind here), and read
back what a user of each would see through the shells' own D-Bus interfaces: the message tray
of GNOME Shell (through `org.gnome.Shell.Eval`, opened by a three-line extension of ours that
turns on its unsafe mode), the StatusNotifierItem hosts, the Notify calls on the bus.

Each start needs something a plain desktop start does not (found by running them headless on
Debian 12, as root, without systemd):
- GNOME Shell 43: gjs runs its notification service (nothing pulls it in); a second bus as
  `DBUS_SYSTEM_BUS_ADDRESS` or the shell aborts; an idle user makes banners queue, so a virtual
  pointer of the shell's own moves now and then; as root it first posts a "privileged user"
  notification, which is dropped.
- xfce: xfce4-panel waits 5 s for a window manager unless told not to, and asks which layout to
  use unless it finds one: it gets one panel holding only its systray, a StatusNotifierItem host.
- KDE Plasma 5.27: `/usr/bin/kwin_wayland` carries a file capability that a container refuses
  (a plain copy has none), plasmashell aborts without qtwayland5 and unless kactivitymanagerd is
  already on the bus.
"""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Self

from desktop_session import REQUIRED_TOOLS, SCREEN_HEIGHT, SCREEN_WIDTH, DesktopSession, _tail
from waiting import wait_until

NOTIFICATIONS = "org.freedesktop.Notifications"
WATCHER = "org.kde.StatusNotifierWatcher"

# The programs each desktop runs, and the Debian package that brings each (packaging/prepare
# installs them); the buses, screenshots and clicks are those of the dunst desktop.
_SHARED_TOOLS = {name: REQUIRED_TOOLS[name] for name in ("busctl", "dbus-daemon")}
_X_TOOLS = {name: REQUIRED_TOOLS[name] for name in ("Xvfb", "import", "xdotool")}
GNOME_TOOLS: Mapping[str, str] = {
    "gnome-shell": "gnome-shell",
    "gjs": "gjs",
    "Xwayland": "xwayland",
    "gsettings": "libglib2.0-bin",
    **_SHARED_TOOLS,
}
APPINDICATOR_EXTENSION = Path(
    "/usr/share/gnome-shell/extensions/ubuntu-appindicators@ubuntu.com/metadata.json"
)
XFCE_NOTIFYD = Path("/usr/lib/x86_64-linux-gnu/xfce4/notifyd/xfce4-notifyd")
XFCE_TOOLS: Mapping[str, str] = {"xfce4-panel": "xfce4-panel", **_X_TOOLS, **_SHARED_TOOLS}
ACTIVITY_MANAGER = Path("/usr/lib/x86_64-linux-gnu/libexec/kactivitymanagerd")
QT5_WAYLAND = Path("/usr/lib/x86_64-linux-gnu/qt5/plugins/platforms/libqwayland-generic.so")
PLASMA_TOOLS: Mapping[str, str] = {
    "kwin_wayland": "kwin-wayland",
    "plasmashell": "plasma-workspace",
    "kded5": "kded5",
    **_X_TOOLS,
    **_SHARED_TOOLS,
}

UNSAFE_EXTENSION = "unsafe-mode@obnotify.tests"
_UNSAFE_METADATA = {
    "uuid": UNSAFE_EXTENSION,
    "name": "unsafe mode",
    "description": "Opens org.gnome.Shell.Eval and Screenshot to the tests",
    "shell-version": ["43"],
}
_UNSAFE_SCRIPT = (
    "function init() {\n"
    "    return { enable() { global.context.unsafe_mode = true; }, disable() {} };\n"
    "}\n"
)

KEEP_USER_ACTIVE = """(() => {
    const Clutter = imports.gi.Clutter, GLib = imports.gi.GLib;
    if (global._obnotifyPointer) return true;
    const seat = Clutter.get_default_backend().get_default_seat();
    const pointer = seat.create_virtual_device(Clutter.InputDeviceType.POINTER_DEVICE);
    pointer.notify_absolute_motion(GLib.get_monotonic_time(), 1000, 700);
    global._obnotifyPointer = pointer;
    let step = 1;
    GLib.timeout_add(GLib.PRIORITY_DEFAULT, 500, () => {
        pointer.notify_relative_motion(GLib.get_monotonic_time(), step, 0);
        step = -step;
        return true;
    });
    return true;
})()"""
"""A virtual pointer (`global._obnotifyPointer`) that moves a pixel every 500 ms: with an idle
user GNOME keeps the first banner up and queues the rest, as no user at work sees them."""

_NOTIFICATION_FIELDS = """n => ({
    title: n.title,
    body: n.bannerBodyText,
    icon: n.gicon ? n.gicon.to_string() : null,
    actions: n.actions.map(a => a.label),
})"""

MESSAGE_TRAY = f"""Main.messageTray.getSources().map(s => ({{
    title: s.title,
    notifications: s.notifications.map({_NOTIFICATION_FIELDS}),
}}))"""
"""Every source in GNOME's message tray with the notifications it holds, oldest first."""

BANNER = f"""(() => {{
    const n = Main.messageTray._notification;
    return n ? {{ source: n.source.title, ...({_NOTIFICATION_FIELDS})(n) }} : null;
}})()"""
"""The banner on screen (source name, title, body, picture, buttons), or null."""


def missing_programs(tools: Mapping[str, str], files: Sequence[tuple[Path, str]] = ()) -> list[str]:
    """The programs (and files) a desktop needs that are not here, each with its Debian package."""
    missing = [f"{tool} ({package})" for tool, package in tools.items() if not shutil.which(tool)]
    missing += [f"{path} ({package})" for path, package in files if not path.exists()]
    return missing


def gnome_missing() -> list[str]:
    """What GNOME Shell's session lacks here."""
    return missing_programs(
        GNOME_TOOLS, [(APPINDICATOR_EXTENSION, "gnome-shell-extension-appindicator")]
    )


def xfce_missing() -> list[str]:
    """What the xfce session lacks here."""
    return missing_programs(XFCE_TOOLS, [(XFCE_NOTIFYD, "xfce4-notifyd")])


def plasma_missing() -> list[str]:
    """What the KDE Plasma session lacks here."""
    return missing_programs(
        PLASMA_TOOLS,
        [(ACTIVITY_MANAGER, "kactivitymanagerd"), (QT5_WAYLAND, "qtwayland5")],
    )


class RealDesktop(DesktopSession):
    """A shell's session: its own home and runtime folder, a session bus with service activation
    (the shells start parts of themselves that way), and a second bus as the system bus.

    `start_seconds` is how long the shell took from its start until it owned the notification
    and StatusNotifierWatcher names and was ready for the app. `spawn`, `run`, `output_of` and
    `stop` are those of `DesktopSession`.
    """

    start_seconds = 0.0

    @classmethod
    def start(cls, root: Path | None = None) -> Self:
        """Start the desktop, its files (logs included) kept in `root`."""
        assert root is not None, "a desktop keeps its files in a folder given to it"
        root.mkdir(parents=True, exist_ok=True)
        session = cls(root, remove_root=False)
        try:
            session._start_desktop()
        except BaseException:
            session.stop()
            raise
        return session

    def _start_desktop(self) -> None:
        """Start every part, each ready before the next, and set `start_seconds`."""
        raise NotImplementedError

    def _private_env(self) -> dict[str, str]:
        """The developer's environment without their desktop, with a home of this session's."""
        self.display = ""
        env = self._base_env()
        for variable in ("DISPLAY", "QT_QPA_PLATFORM"):
            env.pop(variable, None)
        home = self.root / "home"
        home.mkdir(exist_ok=True)
        env["HOME"] = str(home)
        Path(env["XDG_RUNTIME_DIR"]).chmod(0o700)
        return env

    def _start_bus(self, name: str) -> str:
        """A bus with the standard session configuration, activation included; its address."""
        _service, address = self._launch_reporting(
            name,
            lambda fd: [
                "dbus-daemon",
                "--session",
                "--nofork",
                "--nopidfile",
                f"--print-address={fd}",
            ],
        )
        return address

    def _start_buses(self) -> None:
        self.dbus_address = self._start_bus("dbus")
        self.env["DBUS_SESSION_BUS_ADDRESS"] = self.dbus_address
        self.env["DBUS_SYSTEM_BUS_ADDRESS"] = self._start_bus("system-bus")

    # D-Bus, through busctl's JSON

    def bus_call(
        self,
        destination: str,
        path: str,
        interface: str,
        member: str,
        signature: str = "",
        *args: str,
    ) -> list[Any]:
        """Call a method on the session bus and return its reply's values."""
        typed = [signature, *args] if signature else []
        answer = self._busctl("call", destination, path, interface, member, *typed)
        return list(answer) if answer is not None else []

    def bus_property(self, destination: str, path: str, interface: str, name: str) -> Any:
        """A D-Bus property's value (as busctl's JSON gives it)."""
        return self._busctl("get-property", destination, path, interface, name)

    def _busctl(self, *args: str) -> Any:
        """busctl on the session bus: the data of its JSON answer, None when it printed none."""
        output = self.run(["busctl", f"--address={self.dbus_address}", "--json=short", *args])
        return json.loads(output.stdout)["data"] if output.stdout.strip() else None

    def name_owner_pid(self, name: str) -> int | None:
        """The process that owns a bus name, or None when nobody does."""
        if not self._name_has_owner(name):
            return None
        (pid,) = self.bus_call(
            "org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus",
            "GetConnectionUnixProcessID",
            "s",
            name,
        )
        return int(pid)

    def tray_items(self) -> list[str]:
        """The StatusNotifierItems the desktop's watcher has registered ("bus name/path")."""
        if not self._name_has_owner(WATCHER):
            return []
        return list(
            self.bus_property(
                WATCHER, "/StatusNotifierWatcher", WATCHER, "RegisteredStatusNotifierItems"
            )
        )

    def tray_item_of(self, pid: int) -> tuple[str, str] | None:
        """The (bus name, object path) of the tray item that process `pid` registered.

        Watchers list an item as "name/path" (KDE's, xfce's) or "name@/path" (GNOME's
        AppIndicator extension).
        """
        for item in self.tray_items():
            path_at = min(
                (i for i in (item.find("/"), item.find("@/")) if i >= 0), default=len(item)
            )
            service, path = item[:path_at], item[path_at:].lstrip("@") or "/StatusNotifierItem"
            if self.name_owner_pid(service) == pid:
                return service, path
        return None

    def tray_tooltip(self, item: tuple[str, str]) -> str:
        """The title and text of a tray item's tooltip, as a host shows it on hover."""
        _icon, _pixmaps, title, text = self.bus_property(
            item[0], item[1], "org.kde.StatusNotifierItem", "ToolTip"
        )
        return f"{title}\n{text}".strip()

    def monitor(self) -> BusMonitor:
        """Start recording the notification traffic on the session bus."""
        return BusMonitor(self)

    def _wait_for_names(self, service: Any, names: Sequence[str], timeout: float) -> None:
        wait_until(
            lambda: self._alive(service) and all(self._name_has_owner(n) for n in names),
            timeout=timeout,
            message=lambda: f"{service.name} to own {', '.join(names)}\n{_tail(service.log_path)}",
        )


class BusMonitor:
    """The org.freedesktop.Notifications traffic of a session bus, recorded by `busctl monitor`:
    the Notify calls an app made, and the NotificationClosed and ActionInvoked signals the
    server sent back.

    Only messages to and from the name's owner count: GNOME's gjs service, which owns it,
    passes each call on to the shell over the same interface.
    """

    def __init__(self, desktop: RealDesktop) -> None:
        self._desktop = desktop
        (self._server,) = desktop.bus_call(
            "org.freedesktop.DBus",
            "/org/freedesktop/DBus",
            "org.freedesktop.DBus",
            "GetNameOwner",
            "s",
            NOTIFICATIONS,
        )
        self._process = desktop.spawn(
            [
                "busctl",
                f"--address={desktop.dbus_address}",
                "--json=short",
                "monitor",
                f"--match=interface='{NOTIFICATIONS}'",
                f"--match=type='method_return',sender='{self._server}'",
            ],
            name="busctl-monitor",
        )
        wait_until(self._ready, 10, message="busctl monitor to start")

    def _ready(self) -> bool:
        # busctl prints nothing until the first message; a call of our own proves it listens.
        self._desktop.bus_call(
            NOTIFICATIONS, "/org/freedesktop/Notifications", NOTIFICATIONS, "GetServerInformation"
        )
        return any(m.get("member") == "GetServerInformation" for m in self.messages())

    def messages(self) -> list[dict[str, Any]]:
        """Every message seen so far, as busctl describes it (type, member, payload...)."""
        found = []
        for line in self._desktop.output_of(self._process).splitlines():
            if line.startswith("{"):
                try:
                    found.append(json.loads(line))
                except json.JSONDecodeError:
                    continue
        return found

    def notify_calls(self) -> list[dict[str, Any]]:
        """Every Notify call: app_name, summary, body, actions, hints, and the id the server
        answered with ("id", None until it has answered)."""
        calls = []
        messages = self.messages()
        answers = {
            message.get("reply_cookie"): message["payload"]["data"][0]
            for message in messages
            if message.get("type") == "method_return" and message["payload"]["data"]
        }
        for message in messages:
            if (
                message.get("type") == "method_call"
                and message.get("member") == "Notify"
                and message.get("destination") == NOTIFICATIONS
            ):
                app, _replaces, icon, summary, body, actions, hints, timeout = message["payload"][
                    "data"
                ]
                calls.append(
                    {
                        "app_name": app,
                        "icon": icon,
                        "summary": summary,
                        "body": body,
                        "actions": actions,
                        "hints": hints,
                        "timeout": timeout,
                        "id": answers.get(message.get("cookie")),
                    }
                )
        return calls

    def answered(self, summary: str) -> bool:
        """Whether the server has answered the Notify call of the toast titled `summary`.

        desktop-notifier learns the toast's id from that answer, and ignores an action on an
        id it does not know yet: a test that clicks sooner than a person could must wait.
        """
        return any(c["summary"] == summary and c["id"] is not None for c in self.notify_calls())

    def signals(self, member: str) -> list[list[Any]]:
        """The arguments of every signal `member` (NotificationClosed, ActionInvoked) seen."""
        return [
            message["payload"]["data"]
            for message in self.messages()
            if message.get("type") == "signal"
            and message.get("member") == member
            and message.get("sender") == self._server
        ]


class GnomeShell(RealDesktop):
    """GNOME Shell 43 on Wayland with no screen (`--headless --virtual-monitor`), the AppIndicator
    extension as the tray host, and Xwayland for X11 clients."""

    def _start_desktop(self) -> None:
        self.env = self._private_env()
        self._start_buses()
        extension = (
            Path(self.env["XDG_DATA_HOME"]) / "gnome-shell" / "extensions" / UNSAFE_EXTENSION
        )
        extension.mkdir(parents=True, exist_ok=True)
        (extension / "metadata.json").write_text(json.dumps(_UNSAFE_METADATA))
        (extension / "extension.js").write_text(_UNSAFE_SCRIPT)
        extensions = ["ubuntu-appindicators@ubuntu.com", UNSAFE_EXTENSION]
        self.run(
            [
                "gsettings",
                "set",
                "org.gnome.shell",
                "enabled-extensions",
                json.dumps(extensions).replace('"', "'"),
            ]
        )
        self.run(
            ["gsettings", "set", "org.gnome.shell", "welcome-dialog-last-shown-version", "'999'"]
        )
        started = time.monotonic()
        shell = self._launch(
            "gnome-shell",
            [
                "gnome-shell",
                "--wayland",
                "--headless",
                "--virtual-monitor",
                f"{SCREEN_WIDTH}x{SCREEN_HEIGHT}",
            ],
        )
        # gjs's notification service, activated by the shell, owns the freedesktop name.
        self._wait_for_names(shell, [NOTIFICATIONS, WATCHER, "org.gnome.Shell"], 60)
        wait_until(
            lambda: (
                self._alive(shell) and self._evaluates("Main.layoutManager._startingUp === false")
            ),
            30,
            message=lambda: f"GNOME Shell to finish starting\n{_tail(shell.log_path)}",
        )
        wait_until(
            lambda: self.shell_eval(
                "(() => { if (Main.overview.visible && !Main.overview.animationInProgress) Main.overview.hide();"
                " return !Main.overview.visible && !Main.overview.animationInProgress; })()"
            ),
            20,
            message="the overview to close",
        )
        # As root GNOME first says "Logged in as a privileged user": not the app's.
        self.shell_eval("Main.messageTray.getSources().forEach(s => s.destroy())")
        self.shell_eval(KEEP_USER_ACTIVE)
        self.start_seconds = time.monotonic() - started
        self.display = str(self.shell_eval("imports.gi.GLib.getenv('DISPLAY')") or "")
        # Qt picks Wayland, as on a user's GNOME; Xwayland is there for X11 clients.
        self.env |= {
            "WAYLAND_DISPLAY": "wayland-0",
            "XDG_SESSION_TYPE": "wayland",
            "XDG_CURRENT_DESKTOP": "GNOME",
        }
        if self.display:
            self.env["DISPLAY"] = self.display
            xauthority = self.shell_eval("imports.gi.GLib.getenv('XAUTHORITY')")
            if xauthority:
                self.env["XAUTHORITY"] = str(xauthority)

    def _evaluates(self, script: str) -> bool:
        try:
            return bool(self.shell_eval(script))
        except RuntimeError:
            return False

    def shell_eval(self, script: str) -> Any:
        """Run JavaScript in the shell and return its value (JSON-decoded)."""
        ok, value = self.bus_call(
            "org.gnome.Shell", "/org/gnome/Shell", "org.gnome.Shell", "Eval", "s", script
        )
        if not ok:
            raise RuntimeError(f"GNOME Shell could not evaluate {script!r}: {value}")
        return json.loads(value) if value else None

    def message_tray(self) -> list[dict[str, Any]]:
        """Every source of the message tray with its notifications, as `MESSAGE_TRAY` reads them."""
        return list(self.shell_eval(MESSAGE_TRAY))

    def banner(self) -> dict[str, Any] | None:
        """The banner on screen, as `BANNER` reads it."""
        value = self.shell_eval(BANNER)
        return dict(value) if value else None

    def point_at_banner(self, title: str, button: str | None = None) -> bool:
        """Rest the pointer on the banner titled `title` (on its button labelled `button`), as a
        person does before a click; True once it hovers there.

        GNOME keeps a hovered banner up, where it would take it down after 4 s, and shows its
        buttons only then.
        """
        return bool(self.shell_eval(self._on_banner(title, button, "false", "true")))

    def click_banner(self, title: str, button: str | None = None) -> bool:
        """Click the banner titled `title`, on its button labelled `button` or on its body (the
        default action), once the pointer rests there (`point_at_banner`); False until then."""
        return bool(
            self.shell_eval(
                self._on_banner(title, button, "false", "target.emit('clicked', 1) || true")
            )
        )

    @staticmethod
    def _on_banner(title: str, button: str | None, moving: str, hovered: str) -> str:
        """JavaScript that finds the banner's target (a button or the banner), moves the pointer
        onto it and yields `moving`, or yields `hovered` once the pointer is there."""
        target = (
            "(banner._buttonBox ? banner._buttonBox.get_children() : [])"
            f".find(c => c.label === {json.dumps(button)})"
            if button is not None
            else "banner"
        )
        return f"""(() => {{
            const banner = Main.messageTray._banner, shown = Main.messageTray._notification;
            if (!banner || !shown || shown.title !== {json.dumps(title)}) return false;
            const target = {target};
            if (!target) return false;
            if (target.hover) return {hovered};
            // A banner shows its buttons once hovered: the pointer goes to the banner first.
            const spot = target.mapped ? target : banner;
            const [x, y] = spot.get_transformed_position();
            const [width, height] = spot.get_transformed_size();
            global._obnotifyPointer.notify_absolute_motion(
                imports.gi.GLib.get_monotonic_time(), x + width / 2, y + height / 2);
            return {moving};
        }})()"""

    def top_bar_icons(self) -> list[str]:
        """The tray items the AppIndicator extension shows in the top bar ("name@path")."""
        prefix = "appindicator-"
        return [
            key.removeprefix(prefix)
            for key in self.shell_eval(
                "Object.entries(Main.panel.statusArea)"
                ".filter(([key, actor]) => actor.visible).map(([key]) => key)"
            )
            if key.startswith(prefix)
        ]

    def windows(self) -> list[tuple[int, str]]:
        """(process, title) of every window the shell shows."""
        return [
            (int(pid), str(title))
            for pid, title in self.shell_eval(
                "global.get_window_actors().map(a => a.meta_window)"
                ".filter(w => !w.minimized).map(w => [w.get_pid(), w.get_title()])"
            )
        ]

    def shell_screenshot(self, path: Path, area: tuple[int, int, int, int] | None = None) -> Path:
        """The screen as GNOME Shell draws it (org.gnome.Shell.Screenshot), or an area of it."""
        path.parent.mkdir(parents=True, exist_ok=True)
        dest, obj, iface = (
            "org.gnome.Shell.Screenshot",
            "/org/gnome/Shell/Screenshot",
            "org.gnome.Shell.Screenshot",
        )
        if area is None:
            ok, _ = self.bus_call(
                dest, obj, iface, "Screenshot", "bbs", "false", "false", str(path)
            )
        else:
            x, y, width, height = area
            ok, _ = self.bus_call(
                dest,
                obj,
                iface,
                "ScreenshotArea",
                "iiiibs",
                str(x),
                str(y),
                str(width),
                str(height),
                "false",
                str(path),
            )
        if not ok:
            raise RuntimeError(f"GNOME Shell took no screenshot to {path}")
        return path


_XFCONF_CHANNEL = """<?xml version="1.0" encoding="UTF-8"?>
<channel name="{name}" version="1.0">
{properties}
</channel>
"""
_PANEL_PROPERTIES = """  <property name="configver" type="int" value="2"/>
  <property name="panels" type="array">
    <value type="int" value="1"/>
    <property name="panel-1" type="empty">
      <property name="position" type="string" value="p=6;x=0;y=0"/>
      <property name="length" type="uint" value="100"/>
      <property name="position-locked" type="bool" value="true"/>
      <property name="size" type="uint" value="32"/>
      <property name="plugin-ids" type="array">
        <value type="int" value="1"/>
      </property>
    </property>
  </property>
  <property name="plugins" type="empty">
    <property name="plugin-1" type="string" value="systray"/>
  </property>"""
"""One panel along the top holding only the systray, the StatusNotifierItem host."""
_NOTIFYD_PROPERTIES = """  <property name="notification-log" type="bool" value="true"/>
  <property name="log-level" type="uint" value="1"/>
  <property name="log-level-apps" type="uint" value="0"/>
  <property name="expire-timeout" type="int" value="60"/>"""
"""Every toast kept in xfce4-notifyd's log (what it showed), and on screen for a minute."""


class XfceDesktop(RealDesktop):
    """xfce4-notifyd and an xfce4-panel whose systray hosts StatusNotifierItems, on Xvfb, with no
    window manager (the panel is told not to wait for one)."""

    def _start_desktop(self) -> None:
        started = time.monotonic()
        self._start_xvfb()
        display = self.display
        self.env = self._private_env()
        self.display = display
        self.env |= {"DISPLAY": display, "QT_QPA_PLATFORM": "xcb", "XDG_CURRENT_DESKTOP": "XFCE"}
        channels = Path(self.env["XDG_CONFIG_HOME"]) / "xfce4" / "xfconf" / "xfce-perchannel-xml"
        channels.mkdir(parents=True, exist_ok=True)
        for name, properties in (
            ("xfce4-panel", _PANEL_PROPERTIES),
            ("xfce4-notifyd", _NOTIFYD_PROPERTIES),
        ):
            (channels / f"{name}.xml").write_text(
                _XFCONF_CHANNEL.format(name=name, properties=properties)
            )
        self._start_buses()
        notifyd = self._launch("xfce4-notifyd", [str(XFCE_NOTIFYD)])
        self._wait_for_names(notifyd, [NOTIFICATIONS], 30)
        panel = self._launch("xfce4-panel", ["xfce4-panel", "--disable-wm-check"])
        self._wait_for_names(panel, [WATCHER], 30)
        self.start_seconds = time.monotonic() - started

    def shown(self) -> list[dict[str, str]]:
        """Every toast xfce4-notifyd showed, from its log: app_name, summary, body, app_icon (the
        picture), action-id-N and action-label-N.

        xfce4-notifyd files a toast carrying the ``desktop-entry`` hint under that entry's id
        in its log (app_name there is not what the app sent); its toasts show no app name.
        """
        path = Path(self.env["XDG_CACHE_HOME"]) / "xfce4" / "notifyd" / "log"
        text = path.read_text(errors="replace") if path.exists() else ""
        entries: list[dict[str, str]] = []
        for line in text.splitlines():
            if line.startswith("["):
                entries.append({})
            elif "=" in line and entries:
                key, _, value = line.partition("=")
                entries[-1][key] = value
        return entries

    def toast_windows(self) -> list[int]:
        """The X windows of the toasts on screen."""
        found = self.run(
            ["xdotool", "search", "--onlyvisible", "--class", "xfce4-notifyd"], check=False
        )
        return [int(word) for word in found.stdout.split() if word.isdigit()]

    def click_last_button(self, window: int) -> None:
        """Click a toast's rightmost button, as a user does (xfce4-notifyd right-aligns them
        along the bottom, 31 pixels above the edge)."""
        geometry = self.run(["xdotool", "getwindowgeometry", "--shell", str(window)]).stdout
        size = dict(line.split("=", 1) for line in geometry.split())
        x, y = int(size["WIDTH"]) - 60, int(size["HEIGHT"]) - 31
        self.run(["xdotool", "mousemove", "--window", str(window), str(x), str(y), "click", "1"])

    def click_tray_icon(self) -> None:
        """Click the first icon of the panel's systray, at the panel's left end."""
        self.run(["xdotool", "mousemove", "12", "16", "click", "1"])


class PlasmaDesktop(RealDesktop):
    """KDE Plasma 5.27 on Wayland: kwin_wayland drawn in a window of an Xvfb (so screenshots
    and clicks reach it), plasmashell for the toasts and the tray, kded5 for the
    StatusNotifierWatcher. Apps started with `spawn` run on Wayland."""

    def _start_desktop(self) -> None:
        started = time.monotonic()
        self._start_xvfb()
        display = self.display
        self.env = self._private_env()
        self.display = display
        self.env |= {
            "DISPLAY": display,
            "XDG_CURRENT_DESKTOP": "KDE",
            "KDE_FULL_SESSION": "true",
            "KDE_SESSION_VERSION": "5",
            "XDG_SESSION_TYPE": "wayland",
        }
        self._start_buses()
        # The installed kwin_wayland carries a file capability a container refuses to exec.
        kwin = self.root / "bin" / "kwin_wayland"
        kwin.parent.mkdir(exist_ok=True)
        shutil.copyfile(shutil.which("kwin_wayland") or "/usr/bin/kwin_wayland", kwin)
        kwin.chmod(0o755)
        socket = "wayland-obnotify"
        compositor = self._launch(
            "kwin",
            [
                str(kwin),
                "--x11-display",
                display,
                "--width",
                str(SCREEN_WIDTH),
                "--height",
                str(SCREEN_HEIGHT),
                "--socket",
                socket,
                "--no-lockscreen",
            ],
        )
        runtime = Path(self.env["XDG_RUNTIME_DIR"])
        wait_until(
            lambda: self._alive(compositor) and (runtime / socket).exists(),
            30,
            message=lambda: f"kwin_wayland's socket\n{_tail(compositor.log_path)}",
        )
        # Plasma's programs and the app under test are Wayland clients of this kwin.
        self.env |= {"WAYLAND_DISPLAY": socket, "QT_QPA_PLATFORM": "wayland"}
        # plasmashell aborts unless kactivitymanagerd is already on the bus.
        activities = self._launch("kactivitymanagerd", [str(ACTIVITY_MANAGER)])
        self._launch("kded5", ["kded5"])
        self._wait_for_names(activities, ["org.kde.ActivityManager"], 30)
        shell = self._launch("plasmashell", ["plasmashell", "--no-respawn"])
        self.shell_pid = shell.process.pid
        self._wait_for_names(shell, [NOTIFICATIONS, WATCHER], 60)
        wait_until(
            lambda: (
                self._alive(shell)
                and self.bus_property(
                    WATCHER, "/StatusNotifierWatcher", WATCHER, "IsStatusNotifierHostRegistered"
                )
            ),
            30,
            message=lambda: f"plasmashell's tray to register\n{_tail(shell.log_path)}",
        )
        self.start_seconds = time.monotonic() - started

    def window_titles(self, query: str) -> list[str]:
        """Titles of the windows kwin shows whose title holds `query` (KWin's window search,
        the one KRunner offers)."""
        (matches,) = self.bus_call(
            "org.kde.KWin", "/WindowsRunner", "org.kde.krunner1", "Match", "s", query
        )
        return [str(match[1]) for match in matches]
