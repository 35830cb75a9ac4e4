"""What the benchmarks share: the private desktop, the app as a process, what it sends on the bus.

A benchmark counts what happened: toasts are the ``Notify`` calls ``dbus-monitor`` saw on the
session bus, events are the rows in the app's SQLite history, memory and CPU are what
``/proc`` says about the process. Nothing is taken from the app's own account or computed from
its settings. Each benchmark prints one JSON line (:func:`emit`) that ``benchmarks/report.py``
turns into a row of ``docs/performance.md``.
"""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

ROOT: Final = Path(__file__).resolve().parents[1]
for _path in (ROOT, ROOT / "tests"):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from desktop_session import DesktopSession, missing_tools, wait_until

from obnotify.demo.threaded import ThreadedSimNode

__all__ = [
    "ROOT",
    "App",
    "BareTray",
    "NotifyCall",
    "NotifyMonitor",
    "TrayProcess",
    "cpu_seconds",
    "desktop",
    "emit",
    "figure",
    "method",
    "percentile",
    "rss_mib",
    "wait_for_catch_up",
    "wait_until",
]

NOTIFY_MATCH: Final = "interface='org.freedesktop.Notifications',member='Notify'"
_CALL_HEADER: Final = re.compile(
    r"^method call time=(?P<time>\d+\.\d+) sender=(?P<sender>\S+) -> .*member=Notify$"
)
_TOP_LEVEL_STRING: Final = re.compile(r'^   string "(?P<text>.*)"$')
DUNST_SHOWN: Final = 5
"""Toasts dunst draws at once; more wait in its queue (dunst's default is no limit)."""
DUNST_TIMEOUT: Final = 10
"""Seconds a low or normal toast stays on screen: dunst's default."""
POLL: Final = 0.005
"""Seconds between looks at a condition that is timed."""


def figure(
    name: str,
    value: float | None,
    unit: str,
    *,
    goal: str = "",
    met: bool | None = None,
    note: str = "",
) -> dict[str, Any]:
    """One row of the results table: a measured value, its goal and whether it met it."""
    return {"name": name, "value": value, "unit": unit, "goal": goal, "met": met, "note": note}


def emit(benchmark: str, figures: list[dict[str, Any]], **raw: Any) -> None:
    """Print the benchmark's one JSON line: its figures and the raw numbers behind them."""
    print(json.dumps({"benchmark": benchmark, "figures": figures, "raw": raw}), flush=True)


def method(doc: str | None) -> str:
    """A benchmark's second docstring paragraph, which says what it measures and how, as one line."""
    paragraphs = (doc or "").split("\n\n")
    return " ".join(paragraphs[1].split()) if len(paragraphs) > 1 else ""


def say(text: str) -> None:
    """Progress for the person watching, on stderr (stdout carries only the JSON line)."""
    print(f"  {text}", file=sys.stderr, flush=True)


def percentile(values: Sequence[float], p: float) -> float:
    """The nearest-rank percentile: a value that was really measured, never interpolated."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    rank = max(1, min(len(ordered), round(p / 100 * len(ordered) + 0.5)))
    return ordered[rank - 1]


def rss_mib(pid: int) -> float:
    """Resident memory of a process, from ``/proc/PID/status``."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmRSS for process {pid}")


def cpu_seconds(pid: int) -> float:
    """CPU time a process's threads have used, from the scheduler's nanosecond counts.

    ``/proc/PID/stat`` counts in clock ticks (10 ms), too coarse for an idle minute; each
    thread's ``schedstat`` counts nanoseconds. A thread that ended is no longer counted, so
    this is for processes whose threads live on (an idle app), not for bursts.
    """
    total = 0
    for schedstat in Path(f"/proc/{pid}/task").glob("*/schedstat"):
        with suppress(FileNotFoundError):
            total += int(schedstat.read_text().split()[0])
    return total / 1e9


class BenchDesktop(DesktopSession):
    """The tests' private desktop, with dunst set up as on a user's desktop instead of for
    inspection: toasts expire, only a few are drawn at once, and no script runs per toast.

    The tests keep every toast on screen and start a logging script for each; flooded with 20
    toasts a second that makes dunst itself (and the Python start-ups) the slowest part, and
    the app waits for dunst's answer to each ``Notify``. Toasts are counted off the bus here.
    """

    def _dunst_config(self) -> str:
        text = super()._dunst_config()
        changed = text.split("[obnotify_test_log]", 1)[0]
        changed = changed.replace(
            "notification_limit = 0", f"notification_limit = {DUNST_SHOWN}", 1
        )
        changed = re.sub(
            r"(\[urgency_(?:low|normal)\]\s+timeout = )0\b",
            rf"\g<1>{DUNST_TIMEOUT}",
            changed,
        )
        if changed.count(f"timeout = {DUNST_TIMEOUT}") != 2 or "[obnotify_test_log]" in changed:
            raise RuntimeError("the tests' dunstrc changed: adapt BenchDesktop._dunst_config")
        return changed


@contextmanager
def desktop() -> Iterator[DesktopSession]:
    """A private desktop (Xvfb, session bus, dunst, trayer) for one benchmark."""
    missing = missing_tools()
    if missing:
        raise SystemExit(f"desktop tools missing: {', '.join(missing)} (packaging/prepare)")
    session = BenchDesktop.start()
    try:
        yield session
    finally:
        session.stop()


def _end(process: subprocess.Popen[bytes]) -> None:
    """SIGTERM the process group a ``spawn`` made, SIGKILL it if it lingers."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        with suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=5.0)
            return
        except subprocess.TimeoutExpired:
            continue


@dataclass(frozen=True)
class NotifyCall:
    """One ``Notify`` method call as dbus-monitor printed it."""

    time: float
    """Unix time dbus-monitor received it."""
    sender: str
    summary: str
    text: str
    """Everything dbus-monitor printed of the call's arguments (body, actions, hints)."""


class NotifyMonitor:
    """Every ``Notify`` call on the desktop's session bus, read off ``dbus-monitor``.

    dbus-monitor stamps each message with the time it received it, so the figures do not
    depend on how soon this process reads its output. It runs as its own process: the
    benchmark's threads (a simulated node sending frames) cannot delay its clock.
    """

    def __init__(self, session: DesktopSession) -> None:
        self.process = subprocess.Popen(
            ["dbus-monitor", "--session", NOTIFY_MATCH],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            env=session.env,
            start_new_session=True,
        )
        self._lock = threading.Lock()
        self._blocks: list[list[str]] = []
        self._reader = threading.Thread(target=self._read, name="dbus-monitor", daemon=True)
        self._reader.start()
        # dbus-monitor prints the bus's NameLost once it has become a monitor.
        wait_until(self._ready, 10, message="dbus-monitor to start monitoring")

    def _ready(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(f"dbus-monitor exited with {self.process.returncode}")
        with self._lock:
            return any("member=NameLost" in block[0] for block in self._blocks)

    def _read(self) -> None:
        assert self.process.stdout is not None
        for raw in self.process.stdout:
            line = raw.decode("utf-8", "replace").rstrip("\n")
            with self._lock:
                if line.startswith(("method call ", "signal ", "method return ", "error ")):
                    self._blocks.append([line])
                elif self._blocks:
                    self._blocks[-1].append(line)

    def calls(self) -> list[NotifyCall]:
        """The Notify calls seen so far, oldest first."""
        with self._lock:
            blocks = [list(block) for block in self._blocks]
        found = []
        for block in blocks:
            header = _CALL_HEADER.match(block[0])
            if header is None:
                continue
            strings = [m["text"] for m in map(_TOP_LEVEL_STRING.match, block[1:5]) if m]
            summary = strings[2] if len(strings) > 2 else ""
            found.append(
                NotifyCall(float(header["time"]), header["sender"], summary, "\n".join(block[1:]))
            )
        return found

    def stop(self) -> None:
        _end(self.process)


def _node_table(url: str, name: str) -> str:
    return f'[[node]]\nname = "{name}"\nurl = "{url}"\n\n'


class TrayProcess:
    """A program started in the desktop whose tray icon is waited for."""

    def __init__(
        self,
        session: DesktopSession,
        args: Sequence[str],
        *,
        name: str,
        env: dict[str, str] | None = None,
    ) -> None:
        self.session = session
        self.started = time.monotonic()
        """When it was asked to start (before the fork): start-up times count from here."""
        self.process = session.spawn(args, env=env, name=name)

    @property
    def pid(self) -> int:
        return self.process.pid

    def alive(self) -> bool:
        if self.process.poll() is not None:
            raise RuntimeError(
                f"process {self.process.args!r} exited with {self.process.returncode}:\n"
                f"{self.session.output_of(self.process)[-4000:]}"
            )
        return True

    def exit_reason(self) -> str | None:
        """None while the process runs; else its exit status and the first fatal line it printed."""
        code = self.process.poll()
        if code is None:
            return None
        output = self.session.output_of(self.process).splitlines()
        fatal = next((line for line in output if line.startswith(("Fatal", "Traceback"))), "")
        return f"exit status {code}" + (f": {fatal}" if fatal else "")

    def icons(self) -> int:
        return sum(self.session.window_pid(c) == self.pid for c in self.session.tray_clients())

    def wait_for_icons(self, count: int = 1, timeout: float = 60.0) -> float:
        """Wait until this process has ``count`` icons in the tray; seconds since it started."""
        wait_until(
            lambda: self.alive() and self.icons() >= count,
            timeout,
            interval=POLL,
            message=f"{count} tray icon(s) of {self.process.args!r}",
        )
        return time.monotonic() - self.started

    def rss_mib(self) -> float:
        return rss_mib(self.pid)

    def cpu_seconds(self) -> float:
        return cpu_seconds(self.pid)

    def stop(self) -> None:
        _end(self.process)


class BareTray(TrayProcess):
    """``benchmarks/bare_tray.py``: the floor any PySide6 tray app with these libraries stands on."""

    def __init__(self, session: DesktopSession) -> None:
        super().__init__(
            session, [sys.executable, str(ROOT / "benchmarks" / "bare_tray.py")], name="bare-tray"
        )


class App(TrayProcess):
    """The tray app (``python -m obnotify --config FILE``) with folders of its own under ``root``.

    Args:
        session: The desktop it runs in.
        root: Its config, data, cache and state folders go here.
        urls: One ``[[node]]`` per URL.
        burst_limit: ``[notifications] burst_limit``; None keeps the default (coalescing on).
        lag_probe: Sample the event loop's lag into ``root/lag.txt`` (``OBNOTIFY_LAG_PROBE``).
    """

    def __init__(
        self,
        session: DesktopSession,
        root: Path,
        urls: Sequence[str],
        *,
        burst_limit: int | None = None,
        lag_probe: bool = False,
    ) -> None:
        env = {
            "XDG_CONFIG_HOME": str(root / "config"),
            "XDG_DATA_HOME": str(root / "data"),
            "XDG_CACHE_HOME": str(root / "cache"),
            "XDG_STATE_HOME": str(root / "state"),
            "PYTHONUNBUFFERED": "1",
        }
        self.lag_file = root / "lag.txt"
        if lag_probe:
            env["OBNOTIFY_LAG_PROBE"] = str(self.lag_file)
        self.data_dir = root / "data" / "obnotify"
        config = root / "config.toml"
        root.mkdir(parents=True, exist_ok=True)
        text = "".join(_node_table(url, f"Bench {i}") for i, url in enumerate(urls))
        if burst_limit is not None:
            text += f"[notifications]\nburst_limit = {burst_limit}\n"
        config.write_text(text, encoding="utf-8")
        super().__init__(
            session,
            [sys.executable, "-m", "obnotify", "--config", str(config)],
            name="obnotify",
            env=env,
        )

    def history_rows(self) -> int:
        """Rows in every node's history table, read from the files read-only."""
        total = 0
        for path in sorted((self.data_dir / "nodes").glob("*.sqlite3")):
            db = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5.0)
            try:
                total += int(db.execute("SELECT count(*) FROM history").fetchone()[0])
            finally:
                db.close()
        return total

    def lag_samples(self, since: float, until: float) -> list[float]:
        """Loop lag in ms sampled between two Unix times (see ``obnotify/lag_probe.py``)."""
        samples: list[float] = []
        if not self.lag_file.exists():
            return samples
        for line in self.lag_file.read_text(encoding="utf-8").splitlines():
            stamp, lag = line.split()
            if since <= float(stamp) <= until:
                samples.append(max(0.0, float(lag)))
        return samples


def settle(condition: Callable[[], bool], timeout: float, message: str) -> None:
    """Wait for a condition the benchmark needs before it measures (not itself measured)."""
    wait_until(condition, timeout, interval=0.05, message=message)


def wait_for_catch_up(node: ThreadedSimNode, timeout: float = 30.0) -> None:
    """Wait until the app has asked ``node`` for its chat list: the last step of its catch-up."""
    settle(
        lambda: any(path.startswith("/ob/chatconversations") for _, path in node.journal.requests),
        timeout,
        f"the app's catch-up with {node.url}",
    )
