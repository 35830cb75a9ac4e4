"""How late the event loop wakes up, sampled for benchmarks when ``OBNOTIFY_LAG_PROBE`` is set.

Everything the tray app does runs on one qasync loop: a callback that holds it
delays toasts and freezes the window. The probe asks to wake every
:data:`INTERVAL` and writes how much later than asked each wake-up came, so a
benchmark outside the process can read the lag off the file. Unset, nothing runs.
"""

from __future__ import annotations

import asyncio
import os
import time
from pathlib import Path
from typing import Final

__all__ = ["ENV_VAR", "INTERVAL", "start_from_env"]

ENV_VAR: Final = "OBNOTIFY_LAG_PROBE"
"""Names the file samples are appended to, one ``<unix time> <lag in ms>`` line each."""
INTERVAL: Final = 0.010
"""Seconds asked between wake-ups."""
FLUSH_INTERVAL: Final = 1.0
"""Seconds samples are kept before they are appended, so the probe costs one write a second."""


async def _probe(path: Path) -> None:
    loop = asyncio.get_running_loop()
    pending: list[str] = []
    flushed = loop.time()
    try:
        while True:
            asked = loop.time()
            await asyncio.sleep(INTERVAL)
            woke = loop.time()
            pending.append(f"{time.time():.6f} {(woke - asked - INTERVAL) * 1000:.3f}\n")
            if woke - flushed >= FLUSH_INTERVAL:
                _append(path, pending)
                pending.clear()
                flushed = woke
    finally:
        _append(path, pending)


def _append(path: Path, lines: list[str]) -> None:
    with path.open("a", encoding="utf-8") as out:
        out.writelines(lines)


def start_from_env() -> asyncio.Task[None] | None:
    """Start sampling on the running loop if ``OBNOTIFY_LAG_PROBE`` names a file; keep the task."""
    target = os.environ.get(ENV_VAR, "")
    if not target:
        return None
    return asyncio.create_task(_probe(Path(target)))
