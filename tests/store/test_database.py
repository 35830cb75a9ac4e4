"""The store's writes and queries on real SQLite files: dedupe, delivery, state, search."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from obnotify.core.events import Profile, Thumbnail
from obnotify.store.database import Store
from obnotify.store.errors import StoreUnavailable

from .samples import by_key, record


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
        assert store.recent() == [row]


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
        rows = by_key(store)
        first, second = rows.get("n:1"), rows.get("n:2")
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


def test_a_frame_text_that_cannot_be_read_is_the_store_s_own_error(tmp_path: Path) -> None:
    """The detail pane catches the store's error, not SQLite's, and shows the row without it."""
    store = Store(tmp_path / "n.sqlite3")
    rowid = record(store, "n:1")
    assert rowid is not None
    store.close()
    with pytest.raises(StoreUnavailable, match="closed"):
        store.raw(rowid)
