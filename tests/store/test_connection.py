"""Opening a node's file: a new one in WAL mode, and a clear error for one that cannot be used."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from obnotify.store.database import Store
from obnotify.store.errors import StoreError
from obnotify.store.schema import SCHEMA_VERSION

from .samples import user_version


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
    assert user_version(path) == SCHEMA_VERSION == 4
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
