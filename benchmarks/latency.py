"""Frame to toast: from a frame leaving the simulated node to the app's ``Notify`` call on the bus.

The tray app runs as a real process in a private desktop, watching a simulated node on
loopback, with coalescing off (``burst_limit = 100000``). Order notifications go out at a
steady 2 and then 20 frames a second, all with the listing picture the app has already
cached and from a buyer it already knows. Each frame's send time is stamped on the node's own
loop just before it is written; the toast's time is dbus-monitor's stamp on the ``Notify``
call whose body carries the frame's listing title. dunst is set up as on a user's desktop
(toasts expire after 10 s, at most 5 drawn at once), since the app waits for its answer to
each call before it sends the next.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
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
    wait_until,
)

from obnotify.demo.images import draw_picture
from obnotify.demo.node import SimNode
from obnotify.demo.threaded import ThreadedSimNode

BUYER = "QmeVMcgXsy9xyXshREU5avCYYPyrz5bgMZyTZjv44KhNnT"
RATES = (2.0, 20.0)
"""Frames per second."""
FRAMES = 200
"""Frames sent at each rate."""
GOAL_P99_MS = 10.0
NO_COALESCING = 100_000
TOAST_TIMEOUT = 20.0
"""Seconds after the last frame of a rate within which its toasts must have come."""


def marker(rate: float, index: int) -> str:
    """The listing title that names one frame; the toast's body starts with it."""
    return f"bench {rate:g}/s #{index:04d}"


async def paced(node: SimNode, frames: Sequence[dict[str, Any]], rate: float) -> list[float]:
    """Send ``frames`` at ``rate`` on the node's loop; the Unix time each one went out."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    stamps = []
    for index, frame in enumerate(frames):
        delay = start + index / rate - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        stamps.append(time.time())
        await node.notify(frame)
    return stamps


def measure(
    node: ThreadedSimNode, monitor: NotifyMonitor, rate: float, image: str
) -> dict[str, Any]:
    frames = [
        node.frames.order(
            buyer_id=BUYER,
            buyer_handle="bench",
            title=marker(rate, i),
            price=1000 + i,
            thumbnail={"tiny": image, "small": image},
        )
        for i in range(FRAMES)
    ]
    say(f"{FRAMES} frames at {rate:g}/s")
    stamps = node.run(paced(node.node, frames, rate), timeout=FRAMES / rate + 30)
    pattern = re.compile(re.escape(f"bench {rate:g}/s #") + r"(\d{4}):")

    def arrived() -> dict[int, float]:
        seen: dict[int, float] = {}
        for call in monitor.calls():
            found = pattern.search(call.text)
            if found is not None:
                seen.setdefault(int(found[1]), call.time)
        return seen

    seen: dict[int, float] = {}
    deadline = time.monotonic() + TOAST_TIMEOUT
    while time.monotonic() < deadline:
        seen = arrived()
        if len(seen) == FRAMES:
            break
        time.sleep(0.1)
    latencies = [(seen[i] - stamps[i]) * 1000 for i in sorted(seen)]
    return {
        "rate": rate,
        "sent": FRAMES,
        "toasted": len(latencies),
        "p50_ms": round(percentile(latencies, 50), 2),
        "p99_ms": round(percentile(latencies, 99), 2),
        "max_ms": round(max(latencies), 2) if latencies else None,
        "mean_ms": round(statistics.fmean(latencies), 2) if latencies else None,
    }


def main(argv: Sequence[str] | None = None) -> int:
    argparse.ArgumentParser(description=__doc__).parse_args(argv)
    with (
        tempfile.TemporaryDirectory(prefix="obnotify-bench-") as tmp,
        desktop() as session,
        ThreadedSimNode(wallet_interval=None) as node,
    ):
        monitor = NotifyMonitor(session)
        image = node.add_image(draw_picture("bench listing", 240, "B"))
        node.add_profile(BUYER, {"handle": "bench", "name": "Bench Buyer"})
        app = App(session, Path(tmp) / "app", [node.url], burst_limit=NO_COALESCING)
        app.wait_for_icons()
        wait_for_catch_up(node)
        # One toast first, so the picture is in the app's cache and the buyer's name is known.
        node.notify(
            node.frames.order(
                buyer_id=BUYER,
                buyer_handle="bench",
                title="bench warm-up",
                price=1,
                thumbnail={"tiny": image, "small": image},
            )
        )
        wait_until(
            lambda: app.alive() and any("bench warm-up" in c.text for c in monitor.calls()),
            30,
            message="the warm-up toast",
        )
        runs = [measure(node, monitor, rate, image) for rate in RATES]
        app.stop()
        monitor.stop()
    figures = []
    for run in runs:
        label = f"{run['rate']:g} frames/s"
        complete = run["toasted"] == run["sent"]
        note = f"{run['toasted']} of {run['sent']} frames toasted"
        figures.append(figure(f"frame to Notify p50, {label}", run["p50_ms"], "ms", note=note))
        figures.append(
            figure(
                f"frame to Notify p99, {label}",
                run["p99_ms"],
                "ms",
                goal=f"<= {GOAL_P99_MS:g} ms",
                met=complete and run["p99_ms"] <= GOAL_P99_MS,
                note=f"max {run['max_ms']} ms; {note}",
            )
        )
    emit("latency", figures, method=method(__doc__), runs=runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
