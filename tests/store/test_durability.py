"""A killed process loses nothing that was committed (real processes, real SIGKILL)."""

from __future__ import annotations

import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest
from waiting import scaled

from obnotify.store.database import Store

from .samples import by_key

REPO = Path(__file__).resolve().parents[2]


CHILD = r"""
import sys
from obnotify.store.database import Store
from obnotify.store.row import HistoryRow

path, prefix, start = sys.argv[1], sys.argv[2], float(sys.argv[3])
with Store(path, history_cap=200) as store:
    i = 0
    while True:
        key = f"{prefix}:{i}"
        row = HistoryRow(
            key=key, kind="notification", event_id=str(i), category="orders", title=f"t{i}",
            body="b" * (i % 300), urgency="normal", received_at=start + i, pending=True,
        )
        rowid = store.record(row, raw="x" * (i * 97 % 6000), cursor=key)
        if rowid is None:
            raise SystemExit(f"{key} recorded twice")
        store.mark_delivered(rowid)
        store.flush()
        print(key, flush=True)
        i += 1
"""


class LineReader:
    """Whole lines from a child's stdout, each read bounded by a deadline (never a sleep)."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        assert proc.stdout is not None
        self.proc = proc
        self.fd = proc.stdout.fileno()
        self.buffer = b""
        self.lines: list[str] = []
        self.eof = False

    def _fill(self, deadline: float) -> None:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise AssertionError("the child process stopped producing output")
        ready, _, _ = select.select([self.fd], [], [], remaining)
        if not ready:
            return
        chunk = os.read(self.fd, 65536)
        if not chunk:
            self.eof = True
            return
        self.buffer += chunk
        *complete, self.buffer = self.buffer.split(b"\n")
        self.lines.extend(line.decode() for line in complete)

    def wait_for(self, count: int, timeout: float) -> None:
        deadline = time.monotonic() + scaled(timeout)
        while len(self.lines) < count:
            if self.eof:
                raise AssertionError(f"child exited early: {self.proc.wait()}")
            self._fill(deadline)

    def close(self) -> None:
        assert self.proc.stdout is not None
        self.proc.stdout.close()

    def drain(self, timeout: float) -> None:
        """Read to end of file: lines already in the pipe were committed before the kill."""
        deadline = time.monotonic() + scaled(timeout)
        while not self.eof:
            self._fill(deadline)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="needs POSIX signals")
def test_kill_9_loses_nothing_that_was_committed(tmp_path: Path) -> None:
    path = tmp_path / "n.sqlite3"
    seed = random.randrange(2**32)
    rng = random.Random(seed)
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(REPO), os.environ.get("PYTHONPATH", "")]),
    }
    committed: list[str] = []
    # At most 6 x 250 keys: below the 2,000 seen keys a history cap of 200 keeps.
    for round_ in range(6):
        proc = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(path), f"r{round_}", str(round_ * 1e6)],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        reader = LineReader(proc)
        try:
            reader.wait_for(rng.randint(1, 250), timeout=60)
        finally:
            proc.send_signal(signal.SIGKILL)
            proc.wait()
        reader.drain(timeout=10)
        reader.close()
        assert proc.returncode == -signal.SIGKILL, f"seed {seed}"
        committed.extend(reader.lines)

        with sqlite3.connect(path) as db:
            assert db.execute("PRAGMA integrity_check").fetchall() == [("ok",)], f"seed {seed}"
        with Store(path, history_cap=200) as store:
            missing = [key for key in committed if not store.seen(key)]
            assert missing == [], f"seed {seed}"
            last = reader.lines[-1]
            assert store.cursor() in (last, f"r{round_}:{int(last.split(':')[1]) + 1}")
            rows = by_key(store)
            row = rows.get(last)
            assert row is not None and not row.pending, f"seed {seed}"
            assert store.count() <= 200
            for key in reader.lines[-40:]:
                assert key in rows, f"seed {seed}: {key}"
