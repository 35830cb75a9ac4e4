"""A settings file of 50 MB: how long the app takes to settle over it, and its peak memory.

The app starts as a real process in a private desktop (Xvfb, session bus, dunst, trayer) over
a settings file holding one node (a simulated node on loopback) followed by 50 MB of comment
lines, as a file grown by a script gone wrong would be. It is timed from the start until it
has settled: it either watches the node (asks it for its notifications) or shows a window of
its own (the message saying what is wrong with the file). Its peak resident memory (VmHWM)
is read at that moment. A settings file is kilobytes: the goal is that such a file costs no
more than a short one.
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from harness import TrayProcess, desktop, emit, figure, method, say, wait_until

from obnotify.demo.threaded import ThreadedSimNode

SIZE_MB = 50
GOAL_SECONDS = 5.0
GOAL_MIB = 150.0
XDG = ("CONFIG", "DATA", "CACHE", "STATE")


def _peak_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError(f"no VmHWM for process {pid}")


def main() -> int:
    with (
        tempfile.TemporaryDirectory(prefix="obnotify-bench-") as tmp,
        desktop() as session,
        ThreadedSimNode(wallet_interval=None) as node,
    ):
        root = Path(tmp)
        config = root / "config.toml"
        padding = "# " + "x" * 97 + "\n"
        config.write_text(
            f'[[node]]\nname = "Bench"\nurl = "{node.url}"\n'
            + padding * (SIZE_MB * 1024 * 1024 // len(padding)),
            encoding="utf-8",
        )
        say(f"starting over a {config.stat().st_size / 2**20:.0f} MiB settings file")
        env = {f"XDG_{kind}_HOME": str(root / kind.lower()) for kind in XDG}
        app = TrayProcess(
            session,
            [sys.executable, "-m", "obnotify", "--config", str(config)],
            name="obnotify",
            env={**env, "PYTHONUNBUFFERED": "1"},
        )
        wait_until(
            lambda: (
                app.alive()
                and (
                    any(path.startswith("/ob/notifications") for _, path in node.journal.requests)
                    or any(
                        session.window_pid(w) == app.pid for w in session.find_windows("obnotify")
                    )
                )
            ),
            120,
            message="the app settled",
        )
        seconds = time.monotonic() - app.started
        peak = _peak_mib(app.pid)
        watched = any(path.startswith("/ob/notifications") for _, path in node.journal.requests)
        app.stop()
    outcome = "watched the node" if watched else "showed a message"
    emit(
        "huge_settings",
        [
            figure(
                f"{SIZE_MB} MB settings file: {what}",
                round(value, digits),
                unit,
                goal=f"<= {goal:.0f} {unit}",
                met=value <= goal,
                note=note,
            )
            for what, value, digits, unit, goal, note in (
                ("start until settled", seconds, 2, "s", GOAL_SECONDS, outcome),
                ("peak memory", peak, 1, "MiB", GOAL_MIB, "VmHWM when settled"),
            )
        ],
        method=method(__doc__),
        seconds=seconds,
        peak_mib=peak,
        outcome=outcome,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
