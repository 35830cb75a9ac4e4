"""The caps on history, in rows and in bytes, and the longer memory of seen keys."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from obnotify.store.database import Store

from .samples import by_key, record


def test_cap_prunes_oldest_but_keeps_seen_keys(tmp_path: Path) -> None:
    with Store(tmp_path / "n.sqlite3", history_cap=10) as store:
        for i in range(25):
            assert record(store, f"n:{i}", received_at=float(i)) is not None
        assert store.count() == 10
        assert [r.key for r in store.recent()] == [f"n:{i}" for i in range(24, 14, -1)]
        for i in range(25):
            assert store.seen(f"n:{i}")
            assert record(store, f"n:{i}", received_at=100.0) is None
        assert store.count() == 10


def test_cap_is_kept_across_reopen(tmp_path: Path) -> None:
    path = tmp_path / "n.sqlite3"
    with Store(path, history_cap=500) as store:
        for i in range(400):
            record(store, f"n:{i}", received_at=float(i))
    with Store(path, history_cap=500) as store:
        for i in range(400, 700):
            record(store, f"n:{i}", received_at=float(i))
        assert store.count() <= 500
        newest = store.recent(limit=1)[0]
        assert newest.key == "n:699"
        assert "n:0" not in by_key(store)


def test_seen_keys_are_pruned_only_far_beyond_the_cap(tmp_path: Path) -> None:
    with Store(tmp_path / "n.sqlite3", history_cap=3) as store:
        for i in range(29):
            record(store, f"n:{i}", received_at=float(i))
        assert store.count() == 3
        assert all(store.seen(f"n:{i}") for i in range(29))
        for i in range(29, 40):
            record(store, f"n:{i}", received_at=float(i))
        assert not store.seen("n:0")
        assert all(store.seen(f"n:{i}") for i in range(10, 40))


def test_known_txids_outlive_history(tmp_path: Path) -> None:
    with Store(tmp_path / "n.sqlite3", history_cap=2) as store:
        record(store, "t:aaa:0", kind="wallet", category="funds", received_at=1.0)
        record(store, "t:aaa:1", kind="wallet", category="funds", received_at=2.0)
        record(store, "t:b:c:0", kind="wallet", category="funds", received_at=3.0)
        record(store, "n:1", received_at=4.0)
        record(store, "m:2", kind="message", category="chat", received_at=5.0)
        assert store.count(categories=["funds"]) == 0
        assert store.known_txids() == {"aaa", "b:c"}


def test_history_is_capped_in_bytes_as_well_as_rows(tmp_path: Path) -> None:
    path = tmp_path / "n.sqlite3"
    cap = 512 * 1024
    with Store(path, history_bytes=cap) as store:
        for i in range(3000):
            record(store, f"n:{i}", raw="x" * 2000, received_at=float(i))
        kept = store.count()
        newest = store.recent(limit=1)[0].key
        oldest_kept = store.recent(limit=1, offset=kept - 1)[0].key
    with sqlite3.connect(path) as db:
        page_size = db.execute("PRAGMA page_size").fetchone()[0]
        used = db.execute("PRAGMA page_count").fetchone()[0]
        used -= db.execute("PRAGMA freelist_count").fetchone()[0]
    print(f"3000 rows of 2 kB with a 512 kB cap: {kept} kept, {used * page_size} bytes in use")
    assert kept < 3000 and newest == "n:2999"
    assert int(oldest_kept[2:]) == 3000 - kept, "the oldest went first"
    assert used * page_size < cap * 1.5
    with Store(path, history_bytes=cap) as store:
        assert record(store, "n:5") is None, "a pruned event is still seen"
