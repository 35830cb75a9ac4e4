"""Twenty nodes from one app, idle: its memory and CPU over a minute.

The tray app runs as a real process in a private desktop with twenty ``[[node]]`` entries,
each a simulated node of its own on loopback that sends a ``walletUpdate`` every 15 s, as a
real node does, and nothing else. Memory is the process's resident set from ``/proc`` at the
end of the minute, CPU the user plus system time ``/proc`` counted over it.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from collections.abc import Sequence
from contextlib import ExitStack
from pathlib import Path

from harness import App, desktop, emit, figure, method, say, wait_for_catch_up

from obnotify.demo.threaded import ThreadedSimNode

NODES = 20
WALLET_INTERVAL = 15.0
"""Seconds between each node's ``walletUpdate`` frames, as on a real node."""
SECONDS = 60.0
SETTLE = 5.0
"""Seconds after every catch-up before measuring, so start-up work is not counted."""
GOAL_RSS_MIB = 100.0
GOAL_CPU_PERCENT = 0.5


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=SECONDS, help="length of the idle run")
    args = parser.parse_args(argv)
    with ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(prefix="obnotify-bench-"))
        session = stack.enter_context(desktop())
        nodes = [
            stack.enter_context(ThreadedSimNode(wallet_interval=WALLET_INTERVAL))
            for _ in range(NODES)
        ]
        app = App(session, Path(tmp) / "app", [node.url for node in nodes])
        started = app.wait_for_icons(1, timeout=120)
        for node in nodes:
            wait_for_catch_up(node, 60)
        time.sleep(SETTLE)
        say(f"{NODES} nodes idle for {args.seconds:g} s")
        frames_before = sum(node.journal.frames_written for node in nodes)
        wall_before = time.monotonic()
        cpu = app.cpu_seconds()
        time.sleep(args.seconds)
        app.alive()
        wall = time.monotonic() - wall_before
        cpu = app.cpu_seconds() - cpu
        frames = sum(node.journal.frames_written for node in nodes) - frames_before
        rss = app.rss_mib()
        connected = sum(node.clients for node in nodes)
        app.stop()
    percent = cpu / wall * 100
    figures = [
        figure(
            f"{NODES} nodes idle: app memory",
            round(rss, 1),
            "MiB",
            goal=f"< {GOAL_RSS_MIB:g} MiB",
            met=rss < GOAL_RSS_MIB,
            note=f"{connected} of {NODES} connected at the end; the one tray icon up "
            f"{started:.1f} s after the start",
        ),
        figure(
            f"{NODES} nodes idle: app CPU",
            round(percent, 3),
            "% of one core",
            goal=f"< {GOAL_CPU_PERCENT:g} %",
            met=percent < GOAL_CPU_PERCENT,
            note=f"{cpu:.2f} s of CPU in {wall:.0f} s, {frames} walletUpdate frames received",
        ),
    ]
    emit(
        "many_nodes",
        figures,
        method=method(__doc__),
        nodes=NODES,
        connected=connected,
        seconds=round(wall, 1),
        frames_received=frames,
        rss_mib=round(rss, 1),
        cpu_s=round(cpu, 3),
        icons_after_s=round(started, 2),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
