"""The append-only migrations: applied in order, once, all or nothing, keeping old rows."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from obnotify.store import schema
from obnotify.store.database import Store
from obnotify.store.errors import StoreError
from obnotify.store.schema import SCHEMA_VERSION

from .samples import by_key, record, user_version


def test_migrations_apply_in_order_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "n.sqlite3"
    with Store(path) as store:
        record(store, "n:1")
    v2 = """
        ALTER TABLE history ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;
        CREATE TABLE added_in_v2 (a TEXT);
        INSERT INTO added_in_v2 (a) VALUES ('migrated; once');
    """
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, v2))
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
        patch.setattr(schema, "MIGRATIONS", schema.MIGRATIONS[:1])
        with sqlite3.connect(path) as db:
            for statement in schema.statements(schema.MIGRATIONS[0]):
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
        row = by_key(store).get("n:old")
        assert row is not None and row.title == "Old" and not row.pending
        assert store.pending_rows() == []
        assert [r.title for r in store.recent(search="OLD")] == ["Old"], "its search text kept"
    assert user_version(path) == SCHEMA_VERSION


def _version_2_row(db: sqlite3.Connection, key: str) -> int:
    """A row as a version 2 file holds it, written with that version's columns; its id."""
    columns = {name: kind for _, name, kind, *_ in db.execute("PRAGMA table_info(history)")}
    del columns["id"]
    values = {name: 0 if kind in ("INTEGER", "REAL") else "" for name, kind in columns.items()}
    values |= {"key": key, "kind": "notification", "event_id": key, "category": "orders"}
    values["received_at"] = 1.0  # the seen row's time, by which a key finds its row
    names = ", ".join(values)
    cursor = db.execute(
        f"INSERT INTO history ({names}) VALUES ({', '.join('?' * len(values))})",
        tuple(values.values()),
    )
    db.execute("INSERT INTO seen (key, at) VALUES (?, 1.0)", (key,))
    assert cursor.lastrowid is not None
    return cursor.lastrowid


def test_a_version_2_file_keeps_its_rows_ids_and_read_marks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The key's second index goes; rows, their ids and lookups by key stay."""
    path = tmp_path / "n.sqlite3"
    with sqlite3.connect(path) as db:
        for script in schema.MIGRATIONS[:2]:
            for statement in schema.statements(script):
                db.execute(statement)
        first, _middle, last = (_version_2_row(db, f"n:{i}") for i in range(3))
        db.execute("UPDATE history SET read = 1 WHERE key = 'n:0'")
        # The newest row removed: its id must still never be given again.
        db.execute("DELETE FROM history WHERE id = ?", (last,))
        db.execute("PRAGMA user_version = 2")
    with Store(path) as store:
        assert user_version(path) == SCHEMA_VERSION
        old = by_key(store).get("n:0")
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
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, broken))
    with pytest.raises(StoreError, match=r"n\.sqlite3"):
        Store(path)
    assert user_version(path) == SCHEMA_VERSION
    with sqlite3.connect(path) as db:
        tables = {name for (name,) in db.execute("SELECT name FROM sqlite_master")}
    assert "half_done" not in tables
    assert "history" in tables
