"""Idle: the app's memory and CPU over a minute of a quiet node, beside a bare tray and its peer.

The tray app runs as a real process in a private desktop, watching a simulated node on
loopback that sends a ``walletUpdate`` every few seconds and nothing else. Beside it, in the
same desktop and over the same minute, run ``benchmarks/bare_tray.py`` (a PySide6 tray icon
on a qasync loop that imports the libraries the app uses and does nothing) and gotify-tray
0.5.3, the closest peer (PyQt6, installed from PyPI into a virtualenv of its own), watching an
empty stand-in gotify server on loopback (``benchmarks/gotify.py``). Memory is each process's
resident set from ``/proc`` at the end of the minute, CPU the user plus system time ``/proc``
counted over it.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from gotify import GotifyServer, GotifyTray, install_gotify_tray
from harness import App, BareTray, desktop, emit, figure, method, say, settle, wait_for_catch_up

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
    try:
        gotify_python = install_gotify_tray()
        gotify_missing = ""
    except (OSError, RuntimeError, subprocess.SubprocessError) as exc:
        gotify_python, gotify_missing = None, str(exc)
        say(f"gotify-tray left out: {exc}")
    with (
        tempfile.TemporaryDirectory(prefix="obnotify-bench-") as tmp,
        desktop() as session,
        ThreadedSimNode(wallet_interval=WALLET_INTERVAL) as node,
        GotifyServer() as server,
    ):
        bare = BareTray(session)
        bare.wait_for_icons()
        peer = None
        if gotify_python is not None:
            peer = GotifyTray(session, gotify_python, Path(tmp) / "gotify", server)
            peer.wait_for_icons()
            settle(lambda: server.streams > 0, 30, "gotify-tray's stream")
        app = App(session, Path(tmp) / "app", [node.url])
        app.wait_for_icons()
        wait_for_catch_up(node)
        time.sleep(SETTLE)
        say(f"idle for {args.seconds:g} s")
        frames_before = node.journal.frames_written
        wall_before = time.monotonic()
        app_cpu, bare_cpu = app.cpu_seconds(), bare.cpu_seconds()
        peer_cpu = peer.cpu_seconds() if peer else 0.0
        time.sleep(args.seconds)
        app.alive()
        bare.alive()
        wall = time.monotonic() - wall_before
        app_cpu, bare_cpu = app.cpu_seconds() - app_cpu, bare.cpu_seconds() - bare_cpu
        frames = node.journal.frames_written - frames_before
        app_rss, bare_rss = app.rss_mib(), bare.rss_mib()
        peer_rss = peer_connected = None
        if peer is not None:
            peer.alive()
            peer_cpu = peer.cpu_seconds() - peer_cpu
            peer_rss, peer_connected = peer.rss_mib(), server.streams > 0
            peer.stop()
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
        figure(
            "idle: app memory below gotify-tray's",
            None if peer_rss is None else round(peer_rss - app_rss, 1),
            "MiB",
            goal="> 0 MiB",
            met=None if peer_rss is None else app_rss < peer_rss,
            note=(
                f"gotify-tray not measured: {gotify_missing}"
                if peer_rss is None
                else f"RSS gotify-tray {peer_rss:.1f} MiB (its stream "
                f"{'connected' if peer_connected else 'not connected'} at the end, "
                f"{peer_cpu / wall * 100:.3f} % CPU), app {app_rss:.1f} MiB"
            ),
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
        gotify_tray_rss_mib=None if peer_rss is None else round(peer_rss, 1),
        gotify_tray_cpu_s=None if peer_rss is None else round(peer_cpu, 3),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
