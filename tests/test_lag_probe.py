"""The opt-in event-loop lag probe the benchmarks read: off by default, and right when on."""

from __future__ import annotations

import asyncio
import contextlib
import time
from pathlib import Path

import pytest
from waiting import until

from obnotify.lag_probe import ENV_VAR, start_from_env

STALL = 0.2
"""Seconds the test holds the loop, so the probe's next wake-up must come that late."""


def _samples(path: Path) -> list[tuple[float, float]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        stamp, lag = line.split()
        rows.append((float(stamp), float(lag)))
    return rows


def test_a_held_loop_shows_as_a_late_wake_up(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "lag.txt"
    monkeypatch.setenv(ENV_VAR, str(path))

    async def hold_the_loop() -> None:
        probe = start_from_env()
        assert probe is not None
        await asyncio.sleep(0)  # the probe starts and asks to wake soon
        # A callback that blocks the loop, as a slow one would.
        asyncio.get_running_loop().call_soon(time.sleep, STALL)
        await until(path.exists, message=f"the probe to write {path}", interval=0.05)
        probe.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await probe

    started = time.time()
    asyncio.run(hold_the_loop())
    samples = _samples(path)
    assert samples
    assert all(started <= stamp <= time.time() for stamp, _ in samples)
    assert max(lag for _, lag in samples) >= STALL * 1000 * 0.9
    assert min(lag for _, lag in samples) < STALL * 1000 / 2


def test_nothing_runs_without_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(ENV_VAR, raising=False)

    async def start() -> asyncio.Task[None] | None:
        return start_from_env()

    assert asyncio.run(start()) is None
