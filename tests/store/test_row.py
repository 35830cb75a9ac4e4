"""The row type: what is recorded is what is read back, field for field."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from obnotify.store.database import Store
from obnotify.store.row import COLUMNS, WRITTEN, HistoryRow


def test_row_round_trips_every_field(tmp_path: Path) -> None:
    with Store(tmp_path / "n.sqlite3") as store:
        row = HistoryRow(
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
        rowid = store.record(row, raw='{"message": {"message": "hi"}}')
        assert rowid is not None
        recorded = row.recorded(rowid)
        assert recorded.rowid == rowid and recorded.key == "m:abc"
        assert store.row(rowid) == recorded
        assert store.recent() == [recorded]
        assert store.pending_rows() == [(recorded, '{"message": {"message": "hi"}}')]
        assert store.raw(rowid) == '{"message": {"message": "hi"}}'
        assert store.row(rowid + 1) is None


def test_every_field_is_a_column_of_the_current_schema(tmp_path: Path) -> None:
    """A field added to the row needs its migration: the file must have a column for it."""
    path = tmp_path / "n.sqlite3"
    Store(path).close()
    with sqlite3.connect(path) as db:
        columns = {name for (_cid, name, *_rest) in db.execute("PRAGMA table_info(history)")}
    assert columns == {*WRITTEN, "id", "search_text"}
    assert COLUMNS == (*WRITTEN, "rowid")


def test_the_row_and_the_errors_load_without_sqlite() -> None:
    """The window names rows and catches the store's errors without loading the database."""
    code = (
        "import sys, obnotify.store.row, obnotify.store.errors; "
        "print('sqlite3' in sys.modules, '_sqlite3' in sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.split() == ["False", "False"]
