"""A private X11 desktop for end-to-end tests: Xvfb, a session bus, dunst and trayer.

The tray app can only be judged by what a person would see: a toast with the right text and
icon, buttons that reach the app when clicked, an icon embedded in a real tray. This module starts
the real programs that show those things, each private to one test session, and reads back what
they show through their own interfaces (dunst's history and context menu, the X window tree,
ImageMagick screenshots), so tests never trust the app's own account of what it displayed.

It imports only the standard library and `waiting` beside it: dunst runs it as a script (see
`main`) to log every toast it shows and to answer its context menu, and those runs must not depend
on the test virtualenv. They run with -E -s rather than -I, which would keep this directory off
the path.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from xml.sax.saxutils import escape as xml_escape

from waiting import scaled, wait_until

SCREEN_WIDTH = 1280
SCREEN_HEIGHT = 800
TRAY_HEIGHT = 32

NOTIFICATIONS_NAME = "org.freedesktop.Notifications"
TRAY_SELECTION = "_NET_SYSTEM_TRAY_S0"

# The programs a session runs, and the Debian package that brings each (tests/run installs them).
REQUIRED_TOOLS: Mapping[str, str] = {
    "Xvfb": "xvfb",
    "xdpyinfo": "x11-utils",
    "xwininfo": "x11-utils",
    "xprop": "x11-utils",
    "xdotool": "xdotool",
    "import": "imagemagick",
    "dbus-daemon": "dbus-daemon",
    "dbus-send": "dbus-bin",
    "dunst": "dunst",
    "dunstctl": "dunst",
    "busctl": "systemd",
    "trayer": "trayer",
}

# Inherited variables that would point a test's programs at the developer's own desktop.
_LEAKY_VARIABLES = (
    "DISPLAY",
    "WAYLAND_DISPLAY",
    "DBUS_SESSION_BUS_ADDRESS",
    "SESSION_MANAGER",
    "QT_QPA_PLATFORM",
    "QT_QPA_PLATFORMTHEME",
    "QT_STYLE_OVERRIDE",
    "DESKTOP_SESSION",
    "GNOME_DESKTOP_SESSION_ID",
    "KDE_FULL_SESSION",
)

_WINDOW_LINE = re.compile(
    r"^(?P<indent> *)(?P<id>0x[0-9a-fA-F]+) "
    r"(?:\(has no name\)|\".*\"): \((?P<wm_class>.*)\)\s+\d+x\d+"
)
# How many times a window-tree walk is taken before a failure is reported: each one that fails
# lost a race with a window being destroyed, which at most a few windows are at any moment.
_TREE_ATTEMPTS = 5
_MENU_LINE = re.compile(r"^#(?P<text>.*) \[(?P<id>\d+),(?P<key>.*)\]$")


def missing_tools() -> list[str]:
    """The programs a desktop session needs that are not on PATH, each with its Debian package."""
    return [
        f"{tool} ({package})"
        for tool, package in REQUIRED_TOOLS.items()
        if shutil.which(tool) is None
    ]


def on_ci() -> bool:
    """Whether this run is CI's, where a desktop that cannot start must fail rather than skip."""
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes", "on"}


def png_size(path: Path) -> tuple[int, int]:
    """Width and height of a PNG file, read from its header; ValueError if it is not a PNG."""
    header = path.read_bytes()[:24]
    if len(header) < 24 or header[:8] != b"\x89PNG\r\n\x1a\n" or header[12:16] != b"IHDR":
        raise ValueError(f"{path} is not a PNG file")
    return int.from_bytes(header[16:20], "big"), int.from_bytes(header[20:24], "big")


class DesktopStartError(RuntimeError):
    """A part of the desktop session did not come up; the message carries its log."""


@dataclass(frozen=True)
class MenuEntry:
    """One line of dunst's context menu: an action a displayed toast offers.

    `text` is dunst's rendering, "<label> (<summary>)"; `label` is the button's title when the
    toast's summary is known, else the same as `text`.
    """

    notification_id: int
    key: str
    text: str
    label: str


@dataclass
class _Service:
    """A program the session started, in its own process group, with its log file."""

    name: str
    process: subprocess.Popen[bytes]
    log_path: Path


class DesktopSession:
    """A running private desktop, and the means to look at it and act on it like a person.

    Build one with `DesktopSession.start`; `stop` ends every process it or `spawn` started.
    Programs under test get `env` (DISPLAY and DBUS_SESSION_BUS_ADDRESS of this session,
    QT_QPA_PLATFORM=xcb, XDG directories of its own) and are best started with `spawn`.
    """

    def __init__(self, root: Path, remove_root: bool) -> None:
        self.root = root
        self._remove_root = remove_root
        self.logs = root / "logs"
        self.logs.mkdir(parents=True, exist_ok=True)
        self._menu_dir = root / "menu"
        self._menu_dir.mkdir(exist_ok=True)
        self._toast_log = root / "toasts.jsonl"
        self._toast_log.touch()
        self._services: list[_Service] = []
        self._spawned: list[_Service] = []
        self._history_floor = 0
        self.display = ""
        self.dbus_address = ""
        self.env: dict[str, str] = {}

    @classmethod
    def start(cls, root: Path | None = None) -> DesktopSession:
        """Start Xvfb, a session bus, dunst and trayer, in that order, each ready before the next.

        The tray host must be up before any Qt app starts, because Qt looks for it only once per
        process. `root` is a private directory for the session's files; without one a temporary
        directory is made and removed by `stop` (a given one is kept, logs included, for
        inspection after a failure).
        """
        if root is None:
            session = cls(Path(tempfile.mkdtemp(prefix="obnotify-desktop-")), remove_root=True)
        else:
            root.mkdir(parents=True, exist_ok=True)
            session = cls(root, remove_root=False)
        try:
            session._start_xvfb()
            session._start_dbus()
            session._start_dunst()
            session._start_trayer()
        except BaseException:
            session.stop()
            raise
        return session

    # Starting the parts

    def _launch(self, name: str, args: Sequence[str], pass_fds: Sequence[int] = ()) -> _Service:
        log_path = self.logs / f"{name}.log"
        with open(log_path, "ab") as log:
            process = subprocess.Popen(
                list(args),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self.env or None,
                pass_fds=tuple(pass_fds),
                start_new_session=True,
            )
        service = _Service(name, process, log_path)
        self._services.append(service)
        return service

    def _launch_reporting(
        self, name: str, command: Callable[[int], Sequence[str]]
    ) -> tuple[_Service, str]:
        """Start a program that says it is ready by writing a line to a file descriptor it is
        handed (`command` makes its command line from the descriptor's number), and return it
        with that line: Xvfb's display number, dbus-daemon's address."""
        read_fd, write_fd = os.pipe()
        try:
            service = self._launch(name, command(write_fd), pass_fds=[write_fd])
            os.close(write_fd)
            write_fd = -1
            return service, _read_line(read_fd, service, scaled(20))
        finally:
            os.close(read_fd)
            if write_fd >= 0:
                os.close(write_fd)

    def _start_xvfb(self) -> None:
        service, number = self._launch_reporting(
            "xvfb",
            lambda fd: [
                "Xvfb",
                "-displayfd",
                str(fd),
                "-screen",
                "0",
                f"{SCREEN_WIDTH}x{SCREEN_HEIGHT}x24",
                "-nolisten",
                "tcp",
                "-noreset",
            ],
        )
        self.display = f":{number}"
        self.env = self._base_env()
        wait_until(
            lambda: self._alive(service) and self._succeeds(["xdpyinfo"]),
            timeout=20,
            message=lambda: (
                f"Xvfb on {self.display} to accept connections\n{_tail(service.log_path)}"
            ),
        )

    def _base_env(self) -> dict[str, str]:
        """os.environ without anything of the developer's own desktop, pointed at this one."""
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith("XDG_") and key not in _LEAKY_VARIABLES
        }
        xdg = self.root / "xdg"
        for variable, folder in (
            ("XDG_RUNTIME_DIR", "runtime"),
            ("XDG_CONFIG_HOME", "config"),
            ("XDG_DATA_HOME", "data"),
            ("XDG_CACHE_HOME", "cache"),
            ("XDG_STATE_HOME", "state"),
        ):
            path = xdg / folder
            path.mkdir(parents=True, exist_ok=True, mode=0o700)
            env[variable] = str(path)
        env["DISPLAY"] = self.display
        env["QT_QPA_PLATFORM"] = "xcb"
        env["NO_AT_BRIDGE"] = "1"
        return env

    def _start_dbus(self) -> None:
        socket_dir = self.root / "dbus"
        socket_dir.mkdir(exist_ok=True)
        config = self.root / "dbus-session.conf"
        # No <servicedir>: nothing may be activated on this bus, so a toast sent while our dunst
        # is down fails instead of reaching a dunst started with the system's configuration.
        config.write_text(
            '<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"\n'
            ' "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">\n'
            "<busconfig>\n"
            "  <type>session</type>\n"
            f"  <listen>unix:dir={xml_escape(str(socket_dir))}</listen>\n"
            "  <auth>EXTERNAL</auth>\n"
            '  <policy context="default">\n'
            '    <allow send_destination="*" eavesdrop="true"/>\n'
            '    <allow eavesdrop="true"/>\n'
            '    <allow own="*"/>\n'
            "  </policy>\n"
            "</busconfig>\n"
        )
        _service, self.dbus_address = self._launch_reporting(
            "dbus",
            lambda fd: [
                "dbus-daemon",
                f"--config-file={config}",
                "--nofork",
                "--nopidfile",
                f"--print-address={fd}",
            ],
        )
        self.env["DBUS_SESSION_BUS_ADDRESS"] = self.dbus_address

    def _start_dunst(self) -> None:
        config = self.root / "dunstrc"
        config.write_text(self._dunst_config())
        service = self._launch("dunst", ["dunst", "-config", str(config)])
        wait_until(
            lambda: self._alive(service) and self._name_has_owner(NOTIFICATIONS_NAME),
            timeout=20,
            message=lambda: f"dunst to own {NOTIFICATIONS_NAME}\n{_tail(service.log_path)}",
        )

    def _dunst_config(self) -> str:
        """dunst settings that make toasts testable: kept on screen and in history, markup
        read as dunst does by default (markup = full, so unescaped text would render), never stacked (a duplicate toast must be seen as one), and
        scripts of ours that log each toast and answer the context menu."""
        toast_log = self._helper_script("toast-log", str(self._toast_log))
        menu = self._helper_script("menu", str(self._menu_dir))
        return f"""[global]
    monitor = 0
    follow = none
    width = 420
    height = 300
    origin = top-right
    offset = 10x{TRAY_HEIGHT + 10}
    notification_limit = 0
    indicate_hidden = no
    font = DejaVu Sans 10
    markup = full
    format = "<b>%s</b>\\n%b"
    icon_position = left
    min_icon_size = 32
    max_icon_size = 128
    stack_duplicates = false
    hide_duplicate_count = false
    show_indicators = yes
    sticky_history = yes
    history_length = 200
    idle_threshold = 0
    show_age_threshold = -1
    ignore_dbusclose = false
    always_run_script = true
    dmenu = {menu}
    browser = /bin/true
    mouse_left_click = do_action, close_current
    mouse_middle_click = close_current
    mouse_right_click = close_all
    title = Dunst
    class = Dunst

[urgency_low]
    timeout = 0

[urgency_normal]
    timeout = 0

[urgency_critical]
    timeout = 0

[obnotify_test_log]
    script = {toast_log}
"""

    def _helper_script(self, command: str, argument: str) -> Path:
        """A shell script that runs `main` of this module; dunst takes a plain path for `script`
        and `dmenu`, so the interpreter and arguments live in the script."""
        script = self.root / f"{command}.sh"
        script.write_text(
            "#!/bin/sh\n"
            f"exec {shlex.quote(sys.executable)} -E -s {shlex.quote(str(Path(__file__).resolve()))} "
            f"{command} {shlex.quote(argument)}\n"
        )
        script.chmod(0o755)
        return script

    def _start_trayer(self) -> None:
        service = self._launch(
            "trayer",
            [
                "trayer",
                "--edge",
                "top",
                "--align",
                "right",
                "--widthtype",
                "request",
                "--height",
                str(TRAY_HEIGHT),
                "--transparent",
                "false",
                "--tint",
                "0x303030",
                "--SetDockType",
                "true",
                "--SetPartialStrut",
                "true",
                "--monitor",
                "0",
            ],
        )
        wait_until(
            lambda: self._alive(service) and self._tray_ready(),
            timeout=20,
            message=lambda: f"trayer to own {TRAY_SELECTION}\n{_tail(service.log_path)}",
        )

    def _tray_ready(self) -> bool:
        return self._selection_owner(TRAY_SELECTION) != 0 and bool(self._tray_panels())

    def _alive(self, service: _Service) -> bool:
        """True while `service` runs; a DesktopStartError with its log once it has exited."""
        code = service.process.poll()
        if code is not None:
            raise DesktopStartError(
                f"{service.name} exited with status {code}\n{_tail(service.log_path)}"
            )
        return True

    # Running commands in the session

    def run(
        self, args: Sequence[str], timeout: float = 30.0, check: bool = True
    ) -> subprocess.CompletedProcess[str]:
        """Run a command in this session's environment and capture its output; with `check`,
        a failure raises RuntimeError with what the command printed."""
        result = subprocess.run(  # noqa: PLW1510  (checked below, with the output in the message)
            list(args),
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=scaled(timeout),
        )
        if check and result.returncode != 0:
            raise RuntimeError(
                f"{shlex.join(args)} exited with status {result.returncode}\n"
                f"stdout: {result.stdout.strip()}\nstderr: {result.stderr.strip()}"
            )
        return result

    def _succeeds(self, args: Sequence[str]) -> bool:
        return self.run(args, check=False).returncode == 0

    def _name_has_owner(self, name: str) -> bool:
        result = self.run(
            [
                "dbus-send",
                f"--bus={self.dbus_address}",
                "--print-reply=literal",
                "--dest=org.freedesktop.DBus",
                "/org/freedesktop/DBus",
                "org.freedesktop.DBus.NameHasOwner",
                f"string:{name}",
            ],
            check=False,
        )
        return result.returncode == 0 and "true" in result.stdout

    def _selection_owner(self, selection: str) -> int:
        """The X window that owns `selection`, or 0; asked in a child process, because Xlib ends
        the process that holds a connection when the server goes away."""
        result = self.run(
            [
                sys.executable,
                "-E",
                "-s",
                str(Path(__file__).resolve()),
                "selection-owner",
                selection,
            ],
            check=False,
        )
        if result.returncode != 0:
            return 0
        return int(result.stdout.strip() or "0", 0)

    def spawn(
        self,
        args: Sequence[str],
        *,
        env: Mapping[str, str] | None = None,
        cwd: Path | str | None = None,
        name: str | None = None,
    ) -> subprocess.Popen[bytes]:
        """Start a program in this session, in its own process group, output to a log file.

        `env` entries are added to the session's `env`. The program is ended by `kill_spawned`
        or `stop` if it is still running; `output_of` reads what it printed.
        """
        label = name or Path(args[0]).name
        log_path = self.logs / f"spawn-{len(self._spawned)}-{label}.log"
        with open(log_path, "wb") as log:
            process = subprocess.Popen(
                list(args),
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env={**self.env, **(env or {})},
                cwd=cwd,
                start_new_session=True,
            )
        self._spawned.append(_Service(label, process, log_path))
        return process

    def output_of(self, process: subprocess.Popen[bytes]) -> str:
        """What a program started with `spawn` has printed so far (stdout and stderr)."""
        for service in self._spawned:
            if service.process is process:
                return service.log_path.read_text(errors="replace")
        raise ValueError(f"process {process.pid} was not started by this session's spawn()")

    def kill_spawned(self) -> None:
        """End every program started with `spawn` that still runs, process group and all."""
        for service in reversed(self._spawned):
            _terminate(service.process)

    # Toasts

    def history(self) -> list[dict[str, Any]]:
        """Every toast dunst has shown since the last `clear_history`, newest first.

        dunst's own history (`dunstctl history`) holds only toasts that were closed; the ones
        still on screen come from the log our dunst script writes as each toast is shown. Each
        dict has: id, appname, summary, body, icon_path (the file dunst resolved, "" if none),
        urgency ("low", "normal", "critical"; None if only known from the history), category,
        stack_tag, urls, desktop_entry, progress, closed (False while on screen), and, once
        closed, message (the rendered text) and default_action_name.
        """
        merged: dict[int, dict[str, Any]] = {}
        for record in self._shown_records():
            merged[record["id"]] = record
        for closed in self._dunst_history():
            shown = merged.get(closed["id"], {"urgency": None})
            merged[closed["id"]] = {**shown, **closed, "closed": True}
        return [merged[key] for key in sorted(merged, reverse=True) if key > self._history_floor]

    def _shown_records(self) -> list[dict[str, Any]]:
        records = []
        for line in self._toast_log.read_text(errors="replace").splitlines():
            try:
                raw = json.loads(line)
            except json.JSONDecodeError:
                continue
            records.append(
                {
                    "id": int(raw.get("id") or 0),
                    "appname": raw.get("app_name", ""),
                    "summary": raw.get("summary", ""),
                    "body": raw.get("body", ""),
                    "icon_path": raw.get("icon_path", ""),
                    "urgency": raw.get("urgency", "").lower() or None,
                    "category": raw.get("category", ""),
                    "stack_tag": raw.get("stack_tag", ""),
                    "urls": raw.get("urls", ""),
                    "desktop_entry": raw.get("desktop_entry", ""),
                    "progress": int(raw.get("progress") or -1),
                    "closed": False,
                }
            )
        return records

    def _dunst_history(self) -> list[dict[str, Any]]:
        output = self.run(["dunstctl", "history"]).stdout
        document = json.loads(output)
        entries = document["data"][0] if document.get("data") else []
        history = []
        for entry in entries:
            plain = {key: value.get("data") for key, value in entry.items()}
            plain["id"] = int(plain["id"])
            history.append(plain)
        return history

    def wait_for_toast(
        self, predicate: Callable[[dict[str, Any]], object], timeout: float = 10.0
    ) -> dict[str, Any]:
        """The newest toast for which `predicate` is true, once dunst has shown one.

        On timeout the AssertionError lists every toast seen, so a wrong summary or icon is
        visible in the failure itself.
        """
        seen: list[dict[str, Any]] = []

        def matching() -> dict[str, Any] | None:
            seen[:] = self.history()
            return next((toast for toast in seen if predicate(toast)), None)

        return wait_until(
            matching,
            timeout=timeout,
            message=lambda: (
                "a matching toast; toasts seen, newest first:\n"
                + json.dumps(seen, indent=1, ensure_ascii=False)
            ),
        )

    def close_all(self) -> None:
        """Close every toast on screen (they move to dunst's history)."""
        self.run(["dunstctl", "close-all"])

    def clear_history(self) -> None:
        """Close every toast and forget all toasts so far.

        dunst 1.9 has no `history-clear`; its ids only grow, so `history` just hides every id up
        to the newest one seen now.
        """
        self.close_all()
        ids = [toast["id"] for toast in self._shown_records()]
        ids += [toast["id"] for toast in self._dunst_history()]
        self._history_floor = max([self._history_floor, *ids])

    def menu(self, timeout: float = 2.0) -> list[MenuEntry]:
        """The actions that the toasts on screen offer, as dunst's context menu lists them.

        dunst opens no menu when no toast on screen has an action; that is told apart from a slow
        menu only by waiting `timeout` (scaled), after which the list is empty.
        """
        outcome = self._menu_request(None, timeout)
        if outcome is None:
            return []
        return self._parse_menu(outcome["lines"])

    def toast_actions(self, notification_id: int) -> dict[str, str]:
        """The actions of one toast on screen: action key -> button label ("" for a toast's
        default action, which has no button)."""
        return {
            entry.key: entry.label
            for entry in self.menu()
            if entry.notification_id == notification_id
        }

    def action(
        self,
        notification_id: int | None = None,
        action_name: str | None = None,
        timeout: float = 10.0,
    ) -> MenuEntry:
        """Invoke an action of a toast on screen, as a person choosing it in dunst would.

        dunst then emits ActionInvoked(notification_id, action key) to the app that sent the
        toast. Without `action_name`, the toast's default action (a click on its body) is
        invoked, or its only action if it has no default, as dunst does for a click. Without
        `notification_id`, the newest toast offering that action is used.

        How: `dunstctl action N` in dunst 1.9 only reaches the toast at position N of dunst's
        display order and opens a menu when it has several actions, so instead this asks dunst
        for its context menu (`dunstctl context`), whose dmenu is our script: it picks the line
        ending in "[<id>,<key>]", which dunst turns into exactly that ActionInvoked.
        Returns the menu entry chosen; AssertionError if no toast on screen offers the action.
        """
        entries = self._parse_menu(self._menu_lines_for_action(timeout))
        target = self._pick_action(entries, notification_id, action_name)
        outcome = self._menu_request((target.notification_id, target.key), timeout)
        if outcome is None or outcome["chosen"] is None:
            raise AssertionError(
                f"dunst's menu no longer offered {target}; it listed: "
                f"{outcome['lines'] if outcome else 'nothing'}"
            )
        return target

    def _menu_lines_for_action(self, timeout: float) -> list[str]:
        outcome = self._menu_request(None, min(timeout, 2.0))
        return outcome["lines"] if outcome else []

    def _pick_action(
        self, entries: list[MenuEntry], notification_id: int | None, action_name: str | None
    ) -> MenuEntry:
        candidates = [
            entry
            for entry in entries
            if notification_id is None or entry.notification_id == notification_id
        ]
        if action_name is not None:
            chosen = [entry for entry in candidates if entry.key == action_name]
        else:
            chosen = [entry for entry in candidates if entry.key == "default"]
            if not chosen and notification_id is not None and len(candidates) == 1:
                chosen = candidates
        if not chosen:
            raise AssertionError(
                f"no toast on screen offers action {action_name or 'default'!r}"
                f"{'' if notification_id is None else f' on toast {notification_id}'}; "
                f"dunst's menu lists: {entries}"
            )
        return max(chosen, key=lambda entry: entry.notification_id)

    def _parse_menu(self, lines: Iterable[str]) -> list[MenuEntry]:
        summaries = {toast["id"]: toast["summary"] for toast in self._shown_records()}
        entries = []
        for line in lines:
            match = _MENU_LINE.match(line)
            if match is None:
                continue
            notification_id = int(match["id"])
            text = match["text"]
            label = text
            suffix = f" ({summaries.get(notification_id)})"
            if notification_id in summaries and text.endswith(suffix):
                label = text[: -len(suffix)]
            entries.append(MenuEntry(notification_id, match["key"], text, label))
        return entries

    def _menu_request(self, want: tuple[int, str] | None, timeout: float) -> dict[str, Any] | None:
        """Open dunst's context menu with our script answering: pick `want` ("[id,key]") or
        nothing. Returns what the script saw and chose, or None if dunst opened no menu.

        dunst refuses a menu call while its previous menu still runs ("Context menu already
        running"), so the call is repeated until the script answers; the script answers once per
        request token, so a repeat can never invoke an action twice.
        """
        token = uuid.uuid4().hex
        request = self._menu_dir / "request.json"
        result = self._menu_dir / f"result-{token}.json"
        _write_atomically(
            request, json.dumps({"token": token, "want": list(want) if want else None})
        )
        deadline = time.monotonic() + scaled(timeout)
        try:
            while time.monotonic() < deadline:
                self.run(["dunstctl", "context"])
                retry_at = min(deadline, time.monotonic() + scaled(0.2))
                while time.monotonic() < retry_at:
                    if result.exists():
                        outcome: dict[str, Any] = json.loads(result.read_text())
                        return outcome
                    time.sleep(0.02)
            return None
        finally:
            request.unlink(missing_ok=True)
            result.unlink(missing_ok=True)

    # The tray

    def _window_tree(self) -> list[tuple[int, int | None, str]]:
        """(window, parent, WM_CLASS text) for every window, from `xwininfo -root -tree`.

        xwininfo walks the tree one request at a time, so a window destroyed during the walk
        (trayer's socket for an icon that is going away) fails the whole query with BadWindow;
        the walk is simply taken again, a bounded number of times.
        """
        for _attempt in range(_TREE_ATTEMPTS - 1):
            walk = self.run(["xwininfo", "-root", "-tree"], check=False)
            if walk.returncode == 0:
                output = walk.stdout
                break
        else:
            output = self.run(["xwininfo", "-root", "-tree"]).stdout
        windows: list[tuple[int, int | None, str]] = []
        stack: list[tuple[int, int]] = []
        for line in output.splitlines():
            match = _WINDOW_LINE.match(line)
            if match is None:
                continue
            indent = len(match["indent"])
            window = int(match["id"], 16)
            while stack and stack[-1][0] >= indent:
                stack.pop()
            windows.append((window, stack[-1][1] if stack else None, match["wm_class"]))
            stack.append((indent, window))
        return windows

    def _tray_panels(self) -> list[int]:
        return [
            window
            for window, _parent, wm_class in self._window_tree()
            if wm_class == '"panel" "trayer"'
        ]

    def tray_clients(self) -> list[int]:
        """X windows of tray icons that trayer has embedded.

        trayer reparents each icon's window into a socket window of its own inside its panel,
        so the icons are the panel's grandchildren.
        """
        tree = self._window_tree()
        parents = {window: parent for window, parent, _wm_class in tree}
        panels = {window for window, _parent, wm_class in tree if wm_class == '"panel" "trayer"'}
        return [
            window
            for window, parent, _wm_class in tree
            if parent is not None and parents.get(parent) in panels
        ]

    def wait_for_tray_clients(self, count: int, timeout: float = 10.0) -> list[int]:
        """Wait until exactly `count` tray icons are embedded, and return their windows."""
        clients: list[int] = []

        def settled() -> bool:
            clients[:] = self.tray_clients()
            return len(clients) == count

        wait_until(
            settled,
            timeout=timeout,
            message=lambda: (
                f"{count} tray icon(s) in trayer; embedded now: "
                f"{[hex(window) for window in clients]}"
            ),
        )
        return clients

    # Looking at the screen

    def screenshot(self, path: Path | str, window_id: int | None = None) -> Path:
        """Save the screen, or one window, as an image (format from the suffix) and return it."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        window = "root" if window_id is None else hex(window_id)
        self.run(["import", "-window", window, str(target)])
        return target

    def find_windows(self, name_substring: str) -> list[int]:
        """X windows whose name contains `name_substring` (literally, not as a pattern)."""
        pattern = re.sub(r"([.\[\]()*+?{}|^$\\])", r"\\\1", name_substring)
        result = self.run(["xdotool", "search", "--name", pattern], check=False)
        return [int(line) for line in result.stdout.split() if line.isdigit()]

    def window_pid(self, window_id: int) -> int | None:
        """The process that owns an X window, from its _NET_WM_PID (None if it sets none);
        tells whose icon is in the tray."""
        result = self.run(["xprop", "-id", hex(window_id), "_NET_WM_PID"], check=False)
        match = re.search(r"= (\d+)", result.stdout)
        return int(match.group(1)) if match else None

    # Ending

    def stop(self) -> None:
        """End every program of the session, process groups and all, newest first."""
        self.kill_spawned()
        for service in reversed(self._services):
            _terminate(service.process)
        self._services.clear()
        if self._remove_root:
            shutil.rmtree(self.root, ignore_errors=True)


def _terminate(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group, SIGKILL it if it lingers, and reap the leader."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=5.0)
        except subprocess.TimeoutExpired:
            continue
        # The leader is gone; children it left in the group go too.
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        return


def _read_line(fd: int, service: _Service, timeout: float) -> str:
    """The first line a starting program writes to `fd` (Xvfb's display, dbus-daemon's address),
    failing with the program's log if it exits or says nothing in time."""
    data = b""
    deadline = time.monotonic() + timeout
    while b"\n" not in data:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise DesktopStartError(
                f"{service.name} did not report readiness in {timeout:.0f}s\n"
                f"{_tail(service.log_path)}"
            )
        ready, _, _ = select.select([fd], [], [], min(remaining, 0.1))
        if ready:
            chunk = os.read(fd, 4096)
            if not chunk:
                break
            data += chunk
        elif service.process.poll() is not None:
            break
    line = data.split(b"\n", 1)[0].decode().strip()
    if not line:
        raise DesktopStartError(
            f"{service.name} exited (status {service.process.poll()}) before it was ready\n"
            f"{_tail(service.log_path)}"
        )
    return line


def _tail(path: Path, lines: int = 30) -> str:
    try:
        text = path.read_text(errors="replace")
    except FileNotFoundError:
        return f"({path} does not exist)"
    return f"--- last lines of {path} ---\n" + "\n".join(text.splitlines()[-lines:])


def _write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    temporary.write_text(text)
    os.replace(temporary, path)


# What dunst runs (see DesktopSession._helper_script), and the X selection check.


def _log_toast(log_path: Path) -> int:
    """Append the toast dunst is showing (its DUNST_* variables) as one JSON line; one write
    with O_APPEND keeps lines whole when dunst runs several of these at once."""
    record = {
        key[len("DUNST_") :].lower(): value
        for key, value in os.environ.items()
        if key.startswith("DUNST_")
    }
    line = (json.dumps(record, ensure_ascii=False) + "\n").encode()
    fd = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, line)
    finally:
        os.close(fd)
    return 0


def _answer_menu(menu_dir: Path, stdin: IO[str], stdout: IO[str]) -> int:
    """Act as dunst's dmenu: read the menu, pick the requested line (or none), record both."""
    lines = [line for line in stdin.read().splitlines() if line]
    try:
        request = json.loads((menu_dir / "request.json").read_text())
    except (FileNotFoundError, json.JSONDecodeError):
        return 0
    result = menu_dir / f"result-{request['token']}.json"
    if result.exists():
        return 0
    chosen = None
    if request.get("want"):
        notification_id, key = request["want"]
        suffix = f"[{notification_id},{key}]"
        chosen = next((line for line in lines if line.endswith(suffix)), None)
    _write_atomically(result, json.dumps({"lines": lines, "chosen": chosen}))
    if chosen is not None:
        stdout.write(chosen + "\n")
    return 0


def _print_selection_owner(selection: str) -> int:
    """Print the window owning an X selection (0 if none), through libX11 by ctypes."""
    import ctypes
    import ctypes.util

    library = ctypes.util.find_library("X11") or "libX11.so.6"
    xlib = ctypes.CDLL(library)
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    xlib.XInternAtom.restype = ctypes.c_ulong
    xlib.XInternAtom.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int]
    xlib.XGetSelectionOwner.restype = ctypes.c_ulong
    xlib.XGetSelectionOwner.argtypes = [ctypes.c_void_p, ctypes.c_ulong]
    xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    display = xlib.XOpenDisplay(None)
    if not display:
        print("cannot open the X display", file=sys.stderr)
        return 1
    try:
        atom = xlib.XInternAtom(display, selection.encode(), 0)
        print(hex(xlib.XGetSelectionOwner(display, atom)))
    finally:
        xlib.XCloseDisplay(display)
    return 0


def main(argv: Sequence[str]) -> int:
    """Entry point for the helpers dunst runs and for the selection check."""
    if len(argv) == 2 and argv[0] == "toast-log":
        return _log_toast(Path(argv[1]))
    if len(argv) == 2 and argv[0] == "menu":
        return _answer_menu(Path(argv[1]), sys.stdin, sys.stdout)
    if len(argv) == 2 and argv[0] == "selection-owner":
        return _print_selection_owner(argv[1])
    print(
        "usage: desktop_session.py toast-log FILE | menu DIR | selection-owner NAME",
        file=sys.stderr,
    )
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
