"""Keeps each benchmark's last results and writes ``docs/performance.md`` from them.

``report.py record NAME OUTPUT --status N --seconds S`` stores what one benchmark printed (its
JSON line), with the machine, the commit and the time, as ``benchmarks/results/NAME.json``;
``report.py write`` turns every stored result into the document. ``benchmarks/run`` calls both,
so a single benchmark run again with ``--only`` updates its rows and keeps the others.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import os
import platform
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"
DOCUMENT = ROOT / "docs" / "performance.md"
UNMET = ROOT / "benchmarks" / "unmet.md"
"""Notes, kept by hand, on where the time and memory of the goals not met go."""
MEMORY = ROOT / "benchmarks" / "memory.md"
"""Notes, kept by hand, on where the idle app's memory goes, beside the bare tray and its peer."""
ORDER = (
    "latency",
    "burst",
    "idle",
    "startup",
    "huge_settings",
    "many_nodes",
    "pipeline",
    "decode_render",
    "store_queries",
    "soak",
    "keyring_lag",
    "flap_soak",
)
"""The benchmarks in the order ``benchmarks/run`` runs them and the document lists them."""
LIBRARIES = (
    "PySide6-Essentials",
    "qasync",
    "websockets",
    "httpx",
    "msgspec",
    "desktop-notifier",
    "dbus-fast",
    "aiohttp",
)


def _first_line(path: str, prefix: str) -> str:
    try:
        for line in Path(path).read_text(encoding="utf-8", errors="replace").splitlines():
            if line.startswith(prefix):
                return line.split(":", 1)[1].strip() if ":" in line else line
    except OSError:
        pass
    return "unknown"


def _command(*args: str) -> str:
    try:
        result = subprocess.run(args, capture_output=True, text=True, timeout=10, check=False)
    except OSError:
        return "not found"
    lines = (result.stdout or result.stderr).strip().splitlines()
    return lines[0] if result.returncode == 0 and lines else ""


def machine() -> dict[str, str]:
    """What the figures were measured on."""
    memory_kib = _first_line("/proc/meminfo", "MemTotal").split()[0]
    os_name = _first_line("/etc/os-release", "PRETTY_NAME=")
    if os_name.startswith("PRETTY_NAME="):
        os_name = os_name.split("=", 1)[1].strip('"')
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            versions[name] = "not installed"
    try:
        from PySide6.QtCore import qVersion

        qt = qVersion()
    except ImportError:
        qt = "not installed"
    return {
        "cpu": _first_line("/proc/cpuinfo", "model name"),
        "cores": str(os.cpu_count()),
        "ram": f"{int(memory_kib) / 2**20:.1f} GiB" if memory_kib.isdigit() else "unknown",
        "os": f"{os_name}, Linux {platform.release()}",
        "python": platform.python_version(),
        "qt": qt,
        "libraries": ", ".join(f"{name} {version}" for name, version in versions.items()),
        "dunst": _command("dunst", "-v"),
    }


def _measured_paths(name: str) -> tuple[str, ...]:
    """What the figures of benchmark ``name`` measure: the app, what it depends on, and the
    benchmark's own code. A change there since a figure's commit makes it an older tree's."""
    return (
        "obnotify",
        "pyproject.toml",
        "benchmarks/harness.py",
        f"benchmarks/{name}.py" if name else "benchmarks/*.py",
    )


def _commit(name: str = "") -> str:
    """The tree a benchmark runs on; "with local changes" when what it measures is edited."""
    head = _command("git", "-C", str(ROOT), "rev-parse", "--short", "HEAD")
    dirty = _command(
        "git", "-C", str(ROOT), "status", "--porcelain", "--untracked-files=no", "--",
        *_measured_paths(name),
    )  # fmt: skip
    return f"{head}{' with local changes' if dirty else ''}"


def _older_tree(commit: str, name: str) -> str:
    """Why a figure of ``name`` measured at ``commit`` may not describe this tree; "" when
    it does."""
    if commit.endswith("with local changes"):
        return "measured with uncommitted changes"
    try:
        result = subprocess.run(
            [
                "git",
                "-C",
                str(ROOT),
                "diff",
                "--name-only",
                commit,
                "HEAD",
                "--",
                *_measured_paths(name),
            ],
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except OSError:
        return "commit unknown"
    if result.returncode != 0:
        return "commit unknown"
    changed = result.stdout.split()
    return f"older tree: {len(changed)} measured files changed since" if changed else ""


def older_note(commit: str, name: str) -> str:
    """What the run's line says of a figure that may not describe this tree."""
    older = _older_tree(commit, name)
    return f" (**{older}**: measure it again)" if older else ""


ERROR_LINES = 15
"""Lines of a failed benchmark's error output kept with its result."""


def record(
    name: str, output: Path, status: int, seconds: float, log: Path | None, commit: str = ""
) -> None:
    """Store one benchmark's JSON line, or what went wrong when it printed none."""
    lines = [line for line in output.read_text(encoding="utf-8").splitlines() if line.strip()]
    try:
        result: dict[str, Any] = json.loads(lines[-1])
    except (IndexError, json.JSONDecodeError):
        result = {"benchmark": name, "figures": [], "raw": {}}
        if log is not None and log.exists():
            tail = log.read_text(encoding="utf-8", errors="replace").splitlines()[-ERROR_LINES:]
            result["error"] = "\n".join(tail)
    result.update(
        status=status,
        seconds=round(seconds, 1),
        measured_at=time.strftime("%Y-%m-%d %H:%M %Z"),
        commit=commit or _commit(name),
        load_average=round(os.getloadavg()[0], 2),
        machine=machine(),
    )
    RESULTS.mkdir(parents=True, exist_ok=True)
    target = RESULTS / f"{name}.json"
    target.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def _value(fig: dict[str, Any]) -> str:
    value = fig["value"]
    if value is None:
        return "not measured"
    text = (
        f"{value:,}" if isinstance(value, int) else f"{value:,.3g}" if value < 1 else f"{value:,}"
    )
    return f"{text} {fig['unit']}"


def _met(fig: dict[str, Any]) -> str:
    if not fig["goal"]:
        return ""
    return "met" if fig["met"] else "**not met**"


def _title(name: str) -> str:
    path = ROOT / "benchmarks" / f"{name}.py"
    try:
        doc = path.read_text(encoding="utf-8").split('"""', 2)[1]
    except (OSError, IndexError):
        return name
    return " ".join(doc.split("\n\n", 1)[0].split())


def write() -> None:
    results = {
        path.stem: json.loads(path.read_text(encoding="utf-8"))
        for path in sorted(RESULTS.glob("*.json"))
    }
    names = [n for n in ORDER if n in results] + sorted(set(results) - set(ORDER))
    out = [
        "# Performance",
        "",
        "What obnotify costs and how fast it answers, measured by `benchmarks/run` on the machine",
        "below. Each figure counts what happened (toasts on the session bus, rows in the history",
        "file, `/proc` for memory and CPU); none is computed from settings. Benchmarks are not",
        "tests: a goal not met is a figure to work on, not a failure.",
        "",
        "Each figure names the commit it was measured at; one whose code (`obnotify/`,",
        "`benchmarks/`, `pyproject.toml`) changed since is flagged as an older tree's, to be",
        "measured again.",
        "",
        "| Figure | Measured | Goal | Met | At commit |",
        "|---|---|---|---|---|",
    ]
    for name in names:
        result = results[name]
        commit = str(result.get("commit", ""))
        at = commit.split()[0] if commit else "unknown"
        if _older_tree(commit, name):
            at += " (**older tree**)"
        if not result["figures"]:
            status = f"did not finish (exit status {result['status']})"
            out.append(f"| {name} | {status} | | | {at} |")
        for fig in result["figures"]:
            out.append(f"| {fig['name']} | {_value(fig)} | {fig['goal']} | {_met(fig)} | {at} |")
    for notes in (UNMET, MEMORY):
        if notes.is_file():
            out += ["", notes.read_text(encoding="utf-8").rstrip()]
    out += ["", "## What each benchmark does", ""]
    for name in names:
        result = results[name]
        raw = result.get("raw", {})
        out += [
            f"### `{name}`: {_title(name)}",
            "",
            raw.get("method", ""),
            "",
        ]
        for fig in result["figures"]:
            if fig["note"]:
                out.append(f"- {fig['name']}: {fig['note']}.")
        if result.get("error"):
            out += ["", "It did not finish:", "", "```", result["error"], "```"]
        out += [
            "",
            (
                f"Run {result['measured_at']} at commit {result['commit']}"
                f"{older_note(str(result.get('commit', '')), name)}, "
                f"{result['seconds']} s, load average {result['load_average']} at its end; "
                f"raw numbers in [`benchmarks/results/{name}.json`]"
                f"(../benchmarks/results/{name}.json)."
            ),
            "",
        ]
    machines = {json.dumps(r["machine"], sort_keys=True): r["machine"] for r in results.values()}
    out += ["## Machine", ""]
    for spec in machines.values():
        out += [
            f"- CPU: {spec['cpu']}, {spec['cores']} cores",
            f"- RAM: {spec['ram']}",
            f"- OS: {spec['os']}",
            f"- Python {spec['python']}, Qt {spec['qt']}",
            f"- {spec['libraries']}",
            f"- Notification server: {spec['dunst']}",
            "",
        ]
    if len(machines) > 1:
        out += [
            "The results above come from more than one machine; each result file names its own.",
            "",
        ]
    out += [
        "## How to reproduce",
        "",
        "```sh",
        "benchmarks/run                  # every benchmark, about 6 minutes; rewrites this file",
        "benchmarks/run --only latency   # one of them; the others keep their last results",
        "```",
        "",
        "`benchmarks/run` prepares the machine as `tests/run` does (`packaging/prepare`: Xvfb, a",
        "session bus, dunst, trayer and the virtualenv), runs each `benchmarks/NAME.py` (each prints",
        "one JSON line), keeps it in `benchmarks/results/NAME.json` and writes this file with",
        "`benchmarks/report.py`. Set `OBNOTIFY_PYTHON` to use another interpreter that has the",
        "project installed. The desktop benchmarks start their own private desktop (Xvfb, session",
        "bus, dunst, trayer) and never touch the user's. Figures move with the machine's other",
        "work: the load average of each run is given with it.",
        "",
    ]
    DOCUMENT.parent.mkdir(parents=True, exist_ok=True)
    DOCUMENT.write_text("\n".join(out), encoding="utf-8")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    rec = commands.add_parser("record", help="store one benchmark's output")
    rec.add_argument("name")
    rec.add_argument("output", type=Path)
    rec.add_argument("--status", type=int, default=0)
    rec.add_argument("--seconds", type=float, default=0.0)
    rec.add_argument("--log", type=Path, default=None, help="its error output")
    rec.add_argument("--commit", default="", help="the tree it ran on; this one's by default")
    at = commands.add_parser("commit", help="print the tree's commit, as a result names it")
    at.add_argument("name", nargs="?", default="", help="the benchmark about to run")
    commands.add_parser("write", help="write docs/performance.md")
    commands.add_parser("names", help="list the benchmarks in order")
    args = parser.parse_args(argv)
    if args.command == "record":
        record(args.name, args.output, args.status, args.seconds, args.log, args.commit)
    elif args.command == "commit":
        print(_commit(args.name))
    elif args.command == "write":
        write()
    else:
        print("\n".join(ORDER))
    return 0


if __name__ == "__main__":
    sys.exit(main())
