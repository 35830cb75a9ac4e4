"""Measures the tray app as a user meets it: start to tray icon, frame to toast, idle memory.

Runs the app as a real process in a private virtual desktop (Xvfb, session bus, dunst,
trayer) against the simulated node, and prints the figures. A benchmark, not a test.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from desktop_session import DesktopSession, missing_tools, wait_until

from obnotify.demo.threaded import ThreadedSimNode

BUYER = "QmeVMcgXsy9xyXshREU5avCYYPyrz5bgMZyTZjv44KhNnT"
TOASTS = 20
IDLE_SECONDS = 60.0


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    if missing_tools():
        print(f"missing: {', '.join(missing_tools())}", file=sys.stderr)
        return 1
    with (
        tempfile.TemporaryDirectory(prefix="obnotify-bench-") as tmp,
        ThreadedSimNode(wallet_interval=15.0) as node,
    ):
        desktop = DesktopSession.start(Path(tmp) / "desktop")
        try:
            env = {
                k: str(Path(tmp) / k.lower())
                for k in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME", "XDG_STATE_HOME")
            }
            config = Path(env["XDG_CONFIG_HOME"]) / "obnotify" / "config.toml"
            config.parent.mkdir(parents=True)
            config.write_text("[notifications]\nburst_limit = 1000\n")
            started = time.monotonic()
            proc = desktop.spawn(
                [sys.executable, "-m", "obnotify", "--node", node.url], env=env, name="obnotify"
            )
            wait_until(
                lambda: any(desktop.window_pid(c) == proc.pid for c in desktop.tray_clients()),
                60,
                message="tray",
            )
            tray = time.monotonic() - started
            node.wait_until(
                lambda: any(p.startswith("/ob/notifications") for _, p in node.requests), 30
            )

            latencies = []
            for i in range(TOASTS):
                title = f"Bench listing {i}"
                pushed = time.monotonic()
                node.notify(
                    node.frames.order(buyer_id=BUYER, buyer_handle="bench", title=title, price=1000)
                )
                wait_until(
                    lambda title=title: any(title in t["body"] for t in desktop.history()),
                    20,
                    interval=0.005,
                    message=title,
                )
                latencies.append(time.monotonic() - pushed)
            idle_from = time.monotonic()
            rss_start = rss_mib(proc.pid)
            time.sleep(IDLE_SECONDS)
            rss_idle = rss_mib(proc.pid)
            print(f"start to tray icon:        {tray:.2f} s")
            print(
                f"frame to toast in dunst:   median {statistics.median(latencies) * 1000:.0f} ms, "
                f"max {max(latencies) * 1000:.0f} ms over {TOASTS} toasts"
            )
            print(f"memory after {TOASTS} toasts:   {rss_start:.0f} MiB RSS")
            print(
                f"memory after {time.monotonic() - idle_from:.0f} s idle:    {rss_idle:.0f} MiB RSS"
            )
        finally:
            desktop.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
