"""The history store failing under a running session: locked by another program, disk full.

Events must still reach the listener, the state detail must say what is wrong, and
everything must be written once the store works again.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from desktop_session import on_ci
from waiting import until

from obnotify.core.connection import ConnState
from obnotify.demo.node import SimNode
from obnotify.store.database import Store
from obnotify.store.errors import StoreError

from .test_session import BUYER, Recorder, acking_session, run


def _problem(rec: Recorder) -> str:
    detail = rec.states[-1][1] if rec.states else ""
    return detail.partition("history unavailable: ")[2]


async def _flow(node: SimNode, rec: Recorder, store: Store, count: int, title: str) -> list[str]:
    sent = []
    for i in range(count):
        frame = node.frames.order(buyer_id=BUYER, title=f"{title} {i}", price=5)
        sent.append(await node.notify(frame))
    await until(
        lambda: {n.row.event_id for n in rec.new} >= set(sent), timeout=15, message="all delivered"
    )
    return sent


def test_a_locked_history_is_a_state_and_nothing_is_lost(tmp_path: Path) -> None:
    path = tmp_path / "node.sqlite3"

    async def scenario() -> tuple[Recorder, list[str], list[str]]:
        node = SimNode(wallet_interval=None)
        await node.start()
        session, store, rec = acking_session(node, path)
        task = asyncio.create_task(session.run())
        await until(lambda: rec.catch_ups, message="connected")
        other = sqlite3.connect(path, isolation_level=None, timeout=5)
        other.execute("BEGIN IMMEDIATE")
        locked = await _flow(node, rec, store, 20, "While locked")
        assert _problem(rec) == "locked by another program"
        assert rec.state is ConnState.CONNECTED, "the link keeps running"
        other.execute("COMMIT")
        other.close()
        await until(lambda: not _problem(rec), timeout=10, message="the problem cleared")
        after = await _flow(node, rec, store, 3, "After")
        await until(lambda: store.count() >= 23, message="all written")
        session.stop()
        await asyncio.wait_for(task, 10)
        store.close()
        await node.stop()
        return rec, locked, after

    rec, locked, after = run(scenario())
    with Store(path) as store:
        rows = store.recent(limit=100)
        assert sorted(r.event_id for r in rows) == sorted(locked + after), "each written once"
        assert store.pending_rows() == [], "each written as delivered"
    delivered = [n.row.event_id for n in rec.new]
    assert len(delivered) == len(set(delivered)) == 23


@contextlib.contextmanager
def _small_disk(where: Path, size: str) -> Iterator[Path]:
    """A tmpfs of ``size`` mounted at ``where`` (needs root), unmounted after."""
    if os.geteuid() != 0 or shutil.which("mount") is None:
        reason = "needs root to mount a small tmpfs"
        if on_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    where.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(where)], check=True)
    try:
        yield where
    finally:
        subprocess.run(["umount", "-l", str(where)], check=False)


def _fill(disk: Path) -> Path:
    """Fill the disk to the last byte; returns the filler to delete to free it."""
    filler = disk / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT)
    try:
        for chunk in (65536, 1):
            with contextlib.suppress(OSError):
                while os.write(fd, b"\0" * chunk):
                    pass
    finally:
        os.close(fd)
    return filler


def test_a_full_disk_is_a_state_and_nothing_is_lost(tmp_path: Path) -> None:
    with _small_disk(tmp_path / "disk", "2m") as disk:
        path = disk / "node.sqlite3"

        async def scenario() -> tuple[Recorder, list[str]]:
            node = SimNode(wallet_interval=None)
            await node.start()
            session, store, rec = acking_session(node, path)
            task = asyncio.create_task(session.run())
            await until(lambda: rec.catch_ups, message="connected")
            filler = _fill(disk)
            sent = await _flow(node, rec, store, 20, "Disk full")
            await until(lambda: _problem(rec) == "disk full", message="disk full said")
            filler.unlink()
            await until(lambda: not _problem(rec), timeout=10, message="the problem cleared")
            await until(lambda: store.count() >= 20, message="all written")
            session.stop()
            await asyncio.wait_for(task, 10)
            store.close()
            await node.stop()
            return rec, sent

        rec, sent = run(scenario())
        with Store(path) as store:
            assert sorted(r.event_id for r in store.recent(limit=100)) == sorted(sent)
            assert store.pending_rows() == []
        assert sorted(n.row.event_id for n in rec.new) == sorted(sent)


def test_a_read_only_history_is_reported_as_such(tmp_path: Path) -> None:
    with _small_disk(tmp_path / "disk", "1m") as disk:
        Store(disk / "node.sqlite3").close()
        subprocess.run(["mount", "-o", "remount,ro", str(disk)], check=True)
        with pytest.raises(StoreError) as info:
            Store(disk / "node.sqlite3")
    message = str(info.value)
    assert "read-only" in message or "cannot be opened" in message, message
    assert "damaged" not in message
