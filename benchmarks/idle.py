"""Idle: the app's memory and CPU over a minute of a quiet node, beside a bare tray program.

The tray app runs as a real process in a private desktop, watching a simulated node on
loopback that sends a ``walletUpdate`` every few seconds and nothing else. Beside it, in the
same desktop and over the same minute, runs ``benchmarks/bare_tray.py``: a PySide6 tray icon
on a qasync loop that imports the libraries the app uses and does nothing. Memory is each
process's resident set from ``/proc`` at the end of the minute, CPU the user plus system time
``/proc`` counted over it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from harness import App, BareTray, desktop, emit, figure, method, say, wait_for_catch_up

from obnotify.demo.threaded import ThreadedSimNode

WALLET_INTERVAL = 5.0
"""Seconds between the node's ``walletUpdate`` frames (a real node sends one every 15 s)."""
SECONDS = 60.0
SETTLE = 5.0
"""Seconds after the catch-up before measuring, so start-up work is not counted."""
GOAL_ABOVE_BARE_MIB = 16.0
GOAL_CPU_PERCENT = 0.1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=SECONDS, help="length of the idle run")
    args = parser.parse_args(argv)
    with (
        tempfile.TemporaryDirectory(prefix="obnotify-bench-") as tmp,
        desktop() as session,
        ThreadedSimNode(wallet_interval=WALLET_INTERVAL) as node,
    ):
        bare = BareTray(session)
        bare.wait_for_icons()
        app = App(session, Path(tmp) / "app", [node.url])
        app.wait_for_icons()
        wait_for_catch_up(node)
        time.sleep(SETTLE)
        say(f"idle for {args.seconds:g} s")
        frames_before = node.frames_written
        wall_before = time.monotonic()
        app_cpu, bare_cpu = app.cpu_seconds(), bare.cpu_seconds()
        time.sleep(args.seconds)
        app.alive()
        bare.alive()
        wall = time.monotonic() - wall_before
        app_cpu, bare_cpu = app.cpu_seconds() - app_cpu, bare.cpu_seconds() - bare_cpu
        frames = node.frames_written - frames_before
        app_rss, bare_rss = app.rss_mib(), bare.rss_mib()
        app.stop()
        bare.stop()
    app_percent = app_cpu / wall * 100
    bare_percent = bare_cpu / wall * 100
    above = app_rss - bare_rss
    figures = [
        figure(
            "idle: app memory above the bare tray",
            round(above, 1),
            "MiB",
            goal=f"<= {GOAL_ABOVE_BARE_MIB:g} MiB",
            met=above <= GOAL_ABOVE_BARE_MIB,
            note=f"RSS app {app_rss:.1f} MiB, bare tray {bare_rss:.1f} MiB",
        ),
        figure(
            "idle: app CPU",
            round(app_percent, 3),
            "% of one core",
            goal=f"< {GOAL_CPU_PERCENT:g} %",
            met=app_percent < GOAL_CPU_PERCENT,
            note=f"{app_cpu:.2f} s of CPU in {wall:.0f} s, {frames} walletUpdate frames "
            f"received; bare tray {bare_percent:.3f} %",
        ),
    ]
    emit(
        "idle",
        figures,
        method=method(__doc__),
        seconds=round(wall, 1),
        wallet_interval_s=WALLET_INTERVAL,
        frames_received=frames,
        app_rss_mib=round(app_rss, 1),
        bare_rss_mib=round(bare_rss, 1),
        app_cpu_s=round(app_cpu, 3),
        bare_cpu_s=round(bare_cpu, 3),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
