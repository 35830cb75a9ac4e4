"""Start to tray icon: the app beside a bare tray program, started the same way.

Each program is started as a new process in a private desktop (Xvfb, session bus, dunst,
trayer) and timed until trayer has embedded an icon whose window belongs to that process
(``xwininfo -root -tree`` and the window's ``_NET_WM_PID``, looked at every few ms). The app
has one node in its settings (a simulated node on loopback) and its history from an earlier
start, as on a user's machine; the bare tray is ``benchmarks/bare_tray.py``. One untimed start
of each comes first, so both find their files in the page cache; then they alternate.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections.abc import Callable, Sequence
from pathlib import Path

from harness import App, BareTray, desktop, emit, figure, method, say

from obnotify.demo.threaded import ThreadedSimNode

ROUNDS = 9
GOAL_RATIO = 1.3


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="timed starts of each")
    args = parser.parse_args(argv)
    times: dict[str, list[float]] = {"app": [], "bare": []}
    with (
        tempfile.TemporaryDirectory(prefix="obnotify-bench-") as tmp,
        desktop() as session,
        ThreadedSimNode(wallet_interval=None) as node,
    ):
        starters: dict[str, Callable[[], App | BareTray]] = {
            "bare": lambda: BareTray(session),
            "app": lambda: App(session, Path(tmp) / "app", [node.url]),
        }
        for round_number in range(args.rounds + 1):
            for name, start in starters.items():
                program = start()
                seconds = program.wait_for_icons()
                program.stop()
                if round_number:
                    times[name].append(seconds)
            if round_number:
                say(
                    f"round {round_number}: app {times['app'][-1]:.3f} s, "
                    f"bare {times['bare'][-1]:.3f} s"
                )
    app_times, bare_times = times["app"], times["bare"]
    app_median = statistics.median(app_times)
    bare_median = statistics.median(bare_times)
    ratio = app_median / bare_median
    figures = [
        figure(
            "start to tray icon: app / bare tray",
            round(ratio, 2),
            "x",
            goal=f"<= {GOAL_RATIO:g}x",
            met=ratio <= GOAL_RATIO,
            note=f"medians of {args.rounds}: app {app_median:.3f} s, bare tray {bare_median:.3f} s",
        ),
    ]
    emit(
        "startup",
        figures,
        method=method(__doc__),
        app_s=[round(t, 3) for t in app_times],
        bare_s=[round(t, 3) for t in bare_times],
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
