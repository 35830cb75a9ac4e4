"""Keyring lag: how long the app's loop stalls while a slow keyring keeps a password.

A keyring backend that takes ``--hold`` seconds to answer (a locked keyring waiting for its
unlock) is installed through keyring's own API. The loop's lag is sampled by the app's own
probe (``obnotify/lag_probe.py``, a wake-up every 10 ms) while a password is kept twice: once by
calling ``save_password`` on the loop, as the settings window and the node's controller did,
and once by awaiting ``keep_password``, which they do now. The figure is the largest lag seen
in each case.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import keyring
from harness import emit, figure, method, say
from keyring.backend import KeyringBackend

from obnotify import lag_probe
from obnotify.desktop.secrets import keep_password, save_password

HOLD = 2.0
"""Seconds the keyring takes to answer; a real one waited 20 s for an unlock."""
GOAL_MS = 50.0


class SlowKeyring(KeyringBackend):
    """Answers every call after ``hold`` seconds."""

    priority = 1

    def __init__(self, hold: float) -> None:
        super().__init__()
        self.hold = hold

    def get_password(self, service: str, username: str) -> str | None:
        time.sleep(self.hold)
        return None

    def set_password(self, service: str, username: str, password: str) -> None:
        time.sleep(self.hold)

    def delete_password(self, service: str, username: str) -> None:
        time.sleep(self.hold)


async def _largest_lag(path: Path, keep: bool) -> float:
    """The largest loop lag, in ms, around keeping one password one way or the other."""
    path.unlink(missing_ok=True)
    os.environ[lag_probe.ENV_VAR] = str(path)
    probe = lag_probe.start_from_env()
    assert probe is not None
    await asyncio.sleep(0.2)
    if keep:
        await keep_password("http://127.0.0.1:4002", "alice", "s3cret")
    else:
        save_password("http://127.0.0.1:4002", "alice", "s3cret")
    await asyncio.sleep(0.2)
    probe.cancel()
    await asyncio.gather(probe, return_exceptions=True)
    lags = [float(line.split()[1]) for line in path.read_text(encoding="utf-8").splitlines()]
    return max(lags)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--hold", type=float, default=HOLD, help="seconds the keyring takes")
    args = parser.parse_args(argv)
    keyring.set_keyring(SlowKeyring(args.hold))
    with tempfile.TemporaryDirectory(prefix="obnotify-bench-") as tmp:
        samples = Path(tmp) / "lag.txt"
        on_loop = asyncio.run(_largest_lag(samples, keep=False))
        say(f"save_password on the loop: largest lag {on_loop:.0f} ms")
        off_loop = asyncio.run(_largest_lag(samples, keep=True))
        say(f"keep_password off the loop: largest lag {off_loop:.0f} ms")
    emit(
        "keyring_lag",
        [
            figure(
                f"loop lag while a {args.hold:g} s keyring keeps a password",
                round(off_loop, 1),
                "ms",
                goal=f"< {GOAL_MS:g} ms",
                met=off_loop < GOAL_MS,
                note=f"{on_loop:.0f} ms when the keyring was called on the loop",
            )
        ],
        method=method(__doc__),
        hold=args.hold,
        on_loop_ms=on_loop,
        off_loop_ms=off_loop,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
