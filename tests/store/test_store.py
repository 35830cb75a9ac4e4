"""The per-node store on real SQLite files: dedupe, durability, pruning, search, migrations."""

from __future__ import annotations

import os
import random
import re
import select
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from waiting import scaled

import obnotify.store as store_module
from obnotify.core.events import Profile, Thumbnail
from obnotify.store import SCHEMA_VERSION, HistoryRow, Store, StoreError

REPO = Path(__file__).resolve().parents[2]


def record(store: Store, key: str, **overrides: Any) -> int | None:
    fields: dict[str, Any] = {
        "kind": "notification",
        "event_id": key.split(":")[-1],
        "category": "orders",
        "title": f"Title {key}",
        "body": f"Body {key}",
        "image": "",
        "route": f"ob://order/{key}",
        "urgency": "normal",
        "raw": '{"notification": {}}',
        "received_at": 1000.0,
    }
    fields.update(overrides)
    return store.record(key, **fields)


def user_version(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return int(db.execute("PRAGMA user_version").fetchone()[0])


def test_record_dedupes_on_key(tmp_path: Path) -> None:
    with Store(tmp_path / "n.sqlite3") as store:
        first = record(store, "n:1")
        assert isinstance(first, int)
        assert record(store, "n:1", title="other") is None
        assert store.seen("n:1")
        assert not store.seen("n:2")
        assert store.count() == 1
        row = store.row(first)
        assert row is not None
        assert row.title == "Title n:1"
        assert store.by_key("n:1") == row


def test_row_round_trips_every_field(tmp_path: Path) -> None:
    with Store(tmp_path / "n.sqlite3") as store:
        rowid = store.record(
            "m:abc",
            kind="message",
            event_id="abc",
            category="chat",
            title="Alice",
            body="hi <b>there</b>",
            image="QmImage",
            route="ob://chat/peer",
            urgency="critical",
            raw='{"message": {"message": "hi"}}',
            received_at=1234.5,
            node_time="2024-01-02T03:04:05.123456789+01:00",
            read=True,
            peer_id="QmPeer",
            order_id="QmOrder",
            source="catch-up",
            pending=True,
        )
        assert rowid is not None
        assert store.row(rowid) == HistoryRow(
            rowid=rowid,
            key="m:abc",
            kind="message",
            event_id="abc",
            category="chat",
            title="Alice",
            body="hi <b>there</b>",
            image="QmImage",
            route="ob://chat/peer",
            urgency="critical",
            received_at=1234.5,
            node_time="2024-01-02T03:04:05.123456789+01:00",
            read=True,
            peer_id="QmPeer",
            order_id="QmOrder",
            source="catch-up",
            pending=True,
        )
        assert store.raw(rowid) == '{"message": {"message": "hi"}}'
        assert store.row(rowid + 1) is None
        assert store.by_key("m:nope") is None


def test_save_rendering_replaces_texts_and_search(tmp_path: Path) -> None:
    with Store(tmp_path / "n.sqlite3") as store:
        rowid = record(store, "n:1", title="QmeVMcgX…Nh7nT followed you", body="")
        assert rowid is not None
        store.save_rendering(
            rowid,
            title="Alice followed you",
            body="@alice",
            image="QmAvatar",
            route="ob://peer",
            urgency="low",
        )
        row = store.row(rowid)
        assert row is not None
        assert (row.title, row.body, row.image, row.route, row.urgency) == (
            "Alice followed you",
            "@alice",
            "QmAvatar",
            "ob://peer",
            "low",
        )
        assert [r.rowid for r in store.recent(search="ALICE")] == [rowid]
        assert store.recent(search="QmeVMcgX") == []


def test_everything_persists_across_reopen(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "dir" / "n.sqlite3"
    profile = Profile(
        peer_id="QmPeer", name="Alice", handle="@alice", avatar=Thumbnail(small="Qm1")
    )
    with Store(path) as store:
        rowid = record(store, "n:1", pending=True)
        assert rowid is not None
        record(store, "n:2", pending=True)
        store.mark_delivered(rowid)
        store.mark_read("n:2")
        store.set_cursor("notif-2")
        store.set_state("balances", '{"BTC": "1"}')
        store.put_profile(profile, expires_at=5000.0)
    with Store(path) as store:
        assert record(store, "n:1") is None
        assert record(store, "n:2") is None
        first = store.by_key("n:1")
        second = store.by_key("n:2")
        assert first is not None and not first.pending and not first.read
        assert second is not None and second.read and second.pending
        assert [row.key for row, _raw in store.pending_rows()] == ["n:2"]
        assert store.cursor() == "notif-2"
        assert store.get_state("balances") == '{"BTC": "1"}'
        assert store.profile("QmPeer", now=1.0) == profile


def test_cursor_and_state(tmp_path: Path) -> None:
    with Store(tmp_path / "n.sqlite3") as store:
        assert store.cursor() == ""
        assert store.get_state("own-peer-id") is None
        store.set_cursor("a")
        store.set_cursor("b")
        store.set_state("own-peer-id", "QmMe")
        store.set_state("own-peer-id", "QmMe2")
        assert store.cursor() == "b"
        assert store.get_state("own-peer-id") == "QmMe2"


def test_profile_expiry(tmp_path: Path) -> None:
    alice = Profile(peer_id="QmA", name="Alice")
    bob = Profile(peer_id="QmB", handle="@bob", vendor=True)
    with Store(tmp_path / "n.sqlite3") as store:
        store.put_profile(alice, expires_at=100.0)
        store.put_profile(bob, expires_at=200.0)
        assert store.profile("QmA", now=99.9) == alice
        assert store.profile("QmA", now=100.0) is None
        assert store.profile("QmC", now=0.0) is None
        assert store.profiles(now=50.0) == {"QmA": alice, "QmB": bob}
        assert store.profiles(now=150.0) == {"QmB": bob}
        renamed = Profile(peer_id="QmA", name="Alice B.")
        store.put_profile(renamed, expires_at=300.0)
        assert store.profile("QmA", now=250.0) == renamed


def test_read_flags_and_unread_count(tmp_path: Path) -> None:
    with Store(tmp_path / "n.sqlite3") as store:
        for i in range(5):
            record(store, f"n:{i}", read=i == 0)
        assert store.unread_count() == 4
        assert store.mark_read("n:1") is True
        assert store.mark_read("n:1") is False
        assert store.mark_read("n:missing") is False
        assert store.unread_count() == 3
        store.set_read("n:1", False)
        assert store.unread_count() == 4
        assert store.mark_all_read() == 4
        assert store.unread_count() == 0
        assert store.mark_all_read() == 0


def test_the_unread_count_can_leave_categories_out(tmp_path: Path) -> None:
    with Store(tmp_path / "n.sqlite3") as store:
        record(store, "n:1", category="orders")
        record(store, "n:2", category="followers")
        record(store, "n:3", category="followers", read=True)
        assert store.unread_count() == 2
        assert store.unread_count(["orders", "chat"]) == 1
        assert store.unread_count(["followers"]) == 1
        assert store.unread_count([]) == 0
        assert store.unread_count(["orders"]) == 1


def test_recent_orders_newest_first_and_pages(tmp_path: Path) -> None:
    with Store(tmp_path / "n.sqlite3") as store:
        record(store, "n:old", received_at=10.0)
        record(store, "n:new", received_at=30.0)
        record(store, "n:mid", received_at=20.0)
        record(store, "n:tie", received_at=20.0)
        keys = [row.key for row in store.recent()]
        assert keys == ["n:new", "n:tie", "n:mid", "n:old"]
        assert [row.key for row in store.recent(limit=2, offset=1)] == ["n:tie", "n:mid"]
        assert store.recent(limit=0) == []
        assert store.recent(offset=10) == []


def test_category_filter(tmp_path: Path) -> None:
    with Store(tmp_path / "n.sqlite3") as store:
        record(store, "n:1", category="orders", received_at=1.0)
        record(store, "m:2", category="chat", received_at=2.0)
        record(store, "t:x:0", category="funds", received_at=3.0)
        assert [r.key for r in store.recent(categories={"chat", "orders"})] == ["m:2", "n:1"]
        assert store.count(categories=["funds"]) == 1
        assert store.recent(categories=[]) == []
        assert store.count(categories=()) == 0
        assert store.count(categories=None) == 3


def test_search_is_literal_and_case_insensitive(tmp_path: Path) -> None:
    titles = ["50% off", "5000 off", "a_b", "axb", "ÄRGER im Laden", "plain"]
    with Store(tmp_path / "n.sqlite3") as store:
        for i, title in enumerate(titles):
            record(store, f"n:{i}", title=title, body="", received_at=float(i))
        record(store, "m:body", title="Bob", body="says 100%", category="chat", received_at=10.0)

        def found(query: str) -> list[str]:
            rows = store.recent(search=query)
            assert store.count(search=query) == len(rows)
            return [r.title for r in rows]

        assert found("%") == ["Bob", "50% off"]
        assert found("50%") == ["50% off"]
        assert found("_") == ["a_b"]
        assert found("a_b") == ["a_b"]
        assert found("ärger") == ["ÄRGER im Laden"]
        assert found("PLAIN") == ["plain"]
        assert found("\\") == []
        assert found("nothing like it") == []
        assert [r.title for r in store.recent(search="O", categories=["orders"])] == [
            "5000 off",
            "50% off",
        ]
        assert [r.title for r in store.recent(search="O", categories=["chat"])] == ["Bob"]


def test_cap_prunes_oldest_but_keeps_seen_keys(tmp_path: Path) -> None:
    with Store(tmp_path / "n.sqlite3", history_cap=10) as store:
        for i in range(25):
            assert record(store, f"n:{i}", received_at=float(i)) is not None
        assert store.count() == 10
        assert [r.key for r in store.recent()] == [f"n:{i}" for i in range(24, 14, -1)]
        assert store.by_key("n:0") is None
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
        assert store.by_key("n:0") is None


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


def test_garbage_file_raises_a_store_error_naming_it(tmp_path: Path) -> None:
    path = tmp_path / "node.sqlite3"
    path.write_bytes(b"<html>this is not a database</html>\n" * 200)
    with pytest.raises(StoreError) as info:
        Store(path)
    assert str(path) in str(info.value)
    assert isinstance(info.value.__cause__, sqlite3.DatabaseError)


def test_foreign_database_raises_a_store_error(tmp_path: Path) -> None:
    path = tmp_path / "other.sqlite3"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE history (whatever)")
    with pytest.raises(StoreError, match=r"other\.sqlite3"):
        Store(path)


def test_unwritable_location_raises_a_store_error(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    with pytest.raises(StoreError, match="file"):
        Store(blocker / "n.sqlite3")


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "n.sqlite3"
    Store(path).close()
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 5}")
    with pytest.raises(StoreError, match="newer") as info:
        Store(path)
    assert str(path) in str(info.value)


def test_new_file_is_at_the_current_version_in_wal_mode(tmp_path: Path) -> None:
    path = tmp_path / "n.sqlite3"
    Store(path).close()
    assert user_version(path) == SCHEMA_VERSION == 3
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_migrations_apply_in_order_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "n.sqlite3"
    with Store(path) as store:
        record(store, "n:1")
    v2 = """
        ALTER TABLE history ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE added_in_v2 (a TEXT);
        INSERT INTO added_in_v2 (a) VALUES ('migrated; once');
    """
    monkeypatch.setattr(store_module, "MIGRATIONS", (*store_module.MIGRATIONS, v2))
    with Store(path) as store:
        assert record(store, "n:1") is None
        assert record(store, "n:2") is not None
    assert user_version(path) == SCHEMA_VERSION + 1
    Store(path).close()
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT a FROM added_in_v2").fetchall() == [("migrated; once",)]
        assert db.execute("SELECT key, pinned FROM history ORDER BY id").fetchall() == [
            ("n:1", 0),
            ("n:2", 0),
        ]


def test_rows_of_a_version_1_file_are_kept_and_count_as_delivered(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An upgrade must not hand on again, as if never shown, what the old version showed."""
    path = tmp_path / "n.sqlite3"
    with monkeypatch.context() as patch:
        patch.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:1])
        with sqlite3.connect(path) as db:
            for statement in store_module._statements(store_module.MIGRATIONS[0]):
                db.execute(statement)
            db.execute(
                "INSERT INTO history (key, kind, event_id, category, title, body, image, route, "
                "urgency, received_at, node_time, read, toasted, folded) "
                "VALUES ('n:old', 'notification', 'old', 'orders', 'Old', '', '', '', 'normal', "
                "1.0, '', 0, 1, 'old')"
            )
            db.execute("INSERT INTO seen (key, at) VALUES ('n:old', 1.0)")
            db.execute("PRAGMA user_version = 1")
    with Store(path) as store:
        row = store.by_key("n:old")
        assert row is not None and row.title == "Old" and not row.pending
        assert store.pending_rows() == []
    assert user_version(path) == SCHEMA_VERSION


def test_a_version_2_file_keeps_its_rows_ids_and_read_marks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key's second index goes; rows, their ids and lookups by key stay."""
    path = tmp_path / "n.sqlite3"
    with monkeypatch.context() as patch:
        patch.setattr(store_module, "MIGRATIONS", store_module.MIGRATIONS[:2])
        with Store(path) as store:
            first, gone, last = (record(store, f"n:{i}") for i in range(3))
            assert first is not None and gone is not None and last is not None
            store.mark_read("n:0")
            # The newest row removed: its id must still never be given again.
            store._db.execute("DELETE FROM history WHERE id = ?", (last,))
        assert user_version(path) == 2
    with Store(path) as store:
        assert user_version(path) == SCHEMA_VERSION
        old = store.by_key("n:0")
        assert old is not None and old.rowid == first and old.read
        assert store.mark_read("n:1") and not store.mark_read("n:1")
        assert record(store, "n:1") is None
        new = record(store, "n:3")
        assert new is not None and new > last
    with sqlite3.connect(path) as db:
        indexed = db.execute(
            "SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'history' "
            "AND name LIKE 'sqlite_autoindex%'"
        ).fetchone()[0]
        triggers = db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger'").fetchall()
    assert indexed == 0
    assert triggers == [("history_raw_prune",)]


def test_a_failing_migration_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "n.sqlite3"
    Store(path).close()
    broken = "CREATE TABLE half_done (a); SELECT * FROM no_such_table;"
    monkeypatch.setattr(store_module, "MIGRATIONS", (*store_module.MIGRATIONS, broken))
    with pytest.raises(StoreError, match=r"n\.sqlite3"):
        Store(path)
    assert user_version(path) == SCHEMA_VERSION
    with sqlite3.connect(path) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    assert "half_done" not in tables
    assert "history" in tables


CHILD = r"""
import sys
from obnotify.store import Store

path, prefix, start = sys.argv[1], sys.argv[2], float(sys.argv[3])
with Store(path, history_cap=200) as store:
    i = 0
    while True:
        key = f"{prefix}:{i}"
        rowid = store.record(
            key, kind="notification", event_id=str(i), category="orders", title=f"t{i}",
            body="b" * (i % 300), image="", route="", urgency="normal",
            raw="x" * (i * 97 % 6000), received_at=start + i, pending=True, cursor=key,
        )
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
            row = store.by_key(last)
            assert row is not None and not row.pending, f"seed {seed}"
            assert store.count() <= 200
            for key in reader.lines[-40:]:
                assert store.by_key(key) is not None, f"seed {seed}: {key}"


def test_query_plans_use_indexes(tmp_path: Path) -> None:
    """The window's queries must never sort or scan the whole history table."""
    path = tmp_path / "n.sqlite3"
    statements: list[str] = []
    with Store(path) as store:
        record(store, "n:1")
        store._db.set_trace_callback(statements.append)
        store.recent(limit=200)
        store.recent(limit=200, categories=["chat"])
        store.count()
        store.count(categories=["chat"])
        store.unread_count()
        store.unread_count(["orders", "chat"])
        store.known_txids()
        store._db.set_trace_callback(None)
    assert len(statements) == 7
    with sqlite3.connect(path) as db:
        for sql in statements:
            plan = " | ".join(row[3] for row in db.execute(f"EXPLAIN QUERY PLAN {sql}"))
            print(sql, "->", plan)
            assert "TEMP B-TREE" not in plan, (sql, plan)
            assert not re.search(r"\bSCAN (?:history|h)\b(?! USING)", plan), (sql, plan)


def test_history_is_capped_in_bytes_as_well_as_rows(tmp_path: Path) -> None:
    path = tmp_path / "n.sqlite3"
    cap = 512 * 1024
    with Store(path, history_bytes=cap) as store:
        for i in range(3000):
            record(store, f"n:{i}", raw="x" * 2000, received_at=float(i))
        kept = store.count()
        page_size = store._scalar("PRAGMA page_size")
        used = store._scalar("PRAGMA page_count") - store._scalar("PRAGMA freelist_count")
        newest = store.recent(limit=1)[0].key
        oldest_kept = store.recent(limit=1, offset=kept - 1)[0].key
    print(f"3000 rows of 2 kB with a 512 kB cap: {kept} kept, {used * page_size} bytes in use")
    assert kept < 3000 and newest == "n:2999"
    assert int(oldest_kept[2:]) == 3000 - kept, "the oldest went first"
    assert used * page_size < cap * 1.5
    with Store(path, history_bytes=cap) as store:
        assert record(store, "n:5") is None, "a pruned event is still seen"
