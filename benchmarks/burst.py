"""A burst of 10,000 frames: how long the app takes to record them, how its loop holds up, what
reaches the screen and what memory it keeps.

The tray app runs as a real process in a private desktop with its default settings
(coalescing on) against a simulated node on loopback. The node sends 10,000 frames as fast as
it can: chat messages from one peer interleaved with order notifications from one buyer.
Recorded means a row in the app's SQLite history (read from the file, read-only); toasts are the
``Notify`` calls dbus-monitor saw; the loop's lag comes from the app's opt-in probe
(``OBNOTIFY_LAG_PROBE``: a wake-up asked every 10 ms, and how late it came); memory is the
process's resident set from ``/proc`` before the burst and once it is over.
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from harness import (
    App,
    NotifyMonitor,
    desktop,
    emit,
    figure,
    method,
    percentile,
    say,
    wait_for_catch_up,
)

from obnotify.demo.node import SimNode
from obnotify.demo.threaded import ThreadedSimNode

PEER = "QmeVMcgXsy9xyXshREU5avCYYPyrz5bgMZyTZjv44KhNnT"
BUYER = "QmVQzkdi3Fq6LRFG9UNqDZfSry67weCZV6ZL26QVx64UFy"
FRAMES = 10_000
GOAL_LAG_P99_MS = 50.0
GOAL_SUMMARY_S = 2.0
GOAL_TOASTS = 5
GOAL_GROWTH_MIB = 20.0
RECORD_TIMEOUT = 240.0
"""Seconds the burst may take to be recorded before the benchmark reports what it got."""
QUIET_AFTER = 15.0
"""Seconds toasts are still counted after the last frame was recorded: a burst summary comes
once the app's folding window has passed."""
SETTLE = 3.0
"""Seconds after the catch-up before the burst, so start-up work is not counted in it."""
RAW_TOASTS = 20
"""Toasts listed one by one in the raw results."""
SUMMARY = re.compile(r"^\d+ new events?$")


def frames(node: ThreadedSimNode) -> list[dict[str, Any]]:
    out = []
    for i in range(FRAMES):
        if i % 2:
            out.append(
                node.frames.notification_frame(
                    node.frames.order(
                        buyer_id=BUYER, buyer_handle="buyer", title=f"Burst item {i}", price=i
                    )
                )
            )
        else:
            out.append(node.frames.message(peer_id=PEER, text=f"burst chat {i}"))
    return out


async def send(node: SimNode, burst: Sequence[dict[str, Any]]) -> tuple[float, float]:
    """Send the burst as fast as the node can; Unix times of its first and last frame."""
    start = time.time()
    for frame in burst:
        await node.deliver(frame)
    return start, time.time()


def main(argv: Sequence[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__).parse_args(argv)
    with (
        tempfile.TemporaryDirectory(prefix="obnotify-bench-") as tmp,
        desktop() as session,
        ThreadedSimNode(wallet_interval=None) as node,
    ):
        monitor = NotifyMonitor(session)
        node.add_profile(PEER, {"handle": "chatty", "name": "Chatty Peer"})
        node.add_profile(BUYER, {"handle": "buyer", "name": "Busy Buyer"})
        app = App(session, Path(tmp) / "app", [node.url], lag_probe=True)
        app.wait_for_icons()
        wait_for_catch_up(node)
        burst = frames(node)
        time.sleep(SETTLE)
        baseline = app.history_rows()
        toasts_before = len(monitor.calls())
        rss_before = app.rss_mib()
        say(f"{FRAMES} frames")
        started, sent = node.run(send(node.node, burst), timeout=RECORD_TIMEOUT)
        recorded_at: float | None = None
        rows = baseline
        rss_peak = rss_after = rss_before
        crash: str | None = None
        died_at = 0.0

        def sample() -> bool:
            """Read rows and memory while the app runs; False once it has exited."""
            nonlocal rows, rss_peak, rss_after, crash, died_at
            crash = app.exit_reason()
            if crash is not None:
                died_at = time.time()
                return False
            rows = app.history_rows()
            try:
                rss = app.rss_mib()
            except (OSError, RuntimeError):
                # It died after the look above: a zombie has no memory left to read.
                app.process.wait(timeout=10)
                crash = app.exit_reason()
                died_at = time.time()
                return False
            rss_after = rss
            rss_peak = max(rss_peak, rss_after)
            return True

        while time.time() < started + RECORD_TIMEOUT and sample():
            if rows - baseline >= FRAMES:
                recorded_at = time.time()
                break
            time.sleep(0.02)
        end = recorded_at if recorded_at is not None else time.time()
        say(f"{rows - baseline} recorded; counting toasts for {QUIET_AFTER:g} s more")
        quiet_until = time.time() + QUIET_AFTER
        while crash is None and time.time() < quiet_until and sample():
            time.sleep(0.1)
        if crash is not None:
            say(f"the app died: {crash}")
            rows = app.history_rows()
        calls = [c for c in monitor.calls()[toasts_before:] if c.time >= started]
        lag = app.lag_samples(started, end)
        app.stop()
        monitor.stop()
    recorded = rows - baseline
    first_toast = calls[0].time - started if calls else None
    summaries = [c.time - started for c in calls if SUMMARY.match(c.summary)]
    first_summary = summaries[0] if summaries else None
    growth = rss_after - rss_before
    lag_p99 = percentile(lag, 99)
    seconds = end - started
    died = (
        f"; the app died, seen {died_at - started:.1f} s after the burst's start ({crash})"
        if crash
        else ""
    )
    figures = [
        figure(
            "burst of 10,000: time until all recorded",
            round(seconds, 2) if recorded_at is not None else None,
            "s",
            note=f"{recorded} of {FRAMES} recorded, {recorded / seconds:,.0f} events/s; "
            f"the node sent them in {sent - started:.2f} s{died}",
        ),
        figure(
            "burst: event-loop lag p99",
            round(lag_p99, 1),
            "ms",
            goal=f"< {GOAL_LAG_P99_MS:g} ms",
            met=lag_p99 < GOAL_LAG_P99_MS,
            note=f"max {max(lag, default=float('nan')):.0f} ms over {len(lag)} wake-ups "
            "(one asked every 10 ms) until the last row was recorded",
        ),
        figure(
            "burst: first summary toast after the burst's start",
            round(first_summary, 2) if first_summary is not None else None,
            "s",
            goal=f"<= {GOAL_SUMMARY_S:g} s",
            met=first_summary is not None and first_summary <= GOAL_SUMMARY_S,
            note=(
                f"first toast of any kind after {first_toast:.2f} s"
                if first_toast is not None
                else "no toast of any kind"
            ),
        ),
        figure(
            "burst: toasts shown in all",
            len(calls),
            "Notify calls",
            goal=f"<= {GOAL_TOASTS}",
            met=len(calls) <= GOAL_TOASTS and crash is None,
            note=f"{len(summaries)} of them summaries; counted until {QUIET_AFTER:g} s "
            "after the last row was recorded" + (" or the app died" if crash else ""),
        ),
        figure(
            "burst: memory growth of the app",
            round(growth, 1),
            "MiB",
            goal=f"< {GOAL_GROWTH_MIB:g} MiB",
            met=growth < GOAL_GROWTH_MIB and crash is None,
            note=f"RSS {rss_before:.0f} -> {rss_after:.0f} MiB, peak {rss_peak:.0f} MiB"
            + (" (last reading before it died)" if crash else ""),
        ),
    ]
    emit(
        "burst",
        figures,
        method=method(__doc__),
        frames=FRAMES,
        recorded=recorded,
        node_send_s=round(sent - started, 3),
        record_s=round(seconds, 3),
        lag_samples=len(lag),
        lag_p50_ms=round(percentile(lag, 50), 2),
        lag_p99_ms=round(lag_p99, 2),
        lag_max_ms=round(max(lag, default=float("nan")), 2),
        crash=crash,
        died_after_s=round(died_at - started, 2) if crash else None,
        first_toasts=[
            {"after_s": round(c.time - started, 3), "summary": c.summary}
            for c in calls[:RAW_TOASTS]
        ],
        rss_before_mib=round(rss_before, 1),
        rss_after_mib=round(rss_after, 1),
        rss_peak_mib=round(rss_peak, 1),
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
