"""The activity model over a real store: roles, bold unread, filters, paging, live rows."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QFont, QIcon
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from obnotify.core.render import Category
from obnotify.store.database import Store
from obnotify.store.row import HistoryRow
from obnotify.ui.activity_model import ROW_ROLE, ActivityModel, Column
from obnotify.ui.listing import ListedRow, RowKey, row_category
from obnotify.ui.store_listing import StoreListing

from .samples import NOW, SAMPLES, find_row, record_many

Display = Qt.ItemDataRole.DisplayRole


def column_texts(model: ActivityModel, column: Column) -> list[str]:
    return [model.index(r, column).data(Display) for r in range(model.rowCount())]


def record_one(store: Store, key: str, *, category: str, title: str, body: str, at: float) -> int:
    rowid = store.record(
        HistoryRow(
            key=key,
            kind="notification",
            event_id=key,
            category=category,
            title=title,
            body=body,
            image="",
            route="",
            urgency="normal",
            received_at=at,
        ),
        raw="{}",
    )
    assert rowid is not None
    return rowid


def test_passes_qt_model_checks_with_a_thousand_rows(
    qtmodeltester: ModelTester, store: Store, clock: Callable[[], float]
) -> None:
    record_many(store, 1000)
    model = ActivityModel(StoreListing(store), now=clock)
    qtmodeltester.check(model)
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    assert model.rowCount() == 1000
    model.set_filter({Category.CHAT}, "")
    qtmodeltester.check(model)


def test_columns_roles_newest_first(sample_store: Store, clock: Callable[[], float]) -> None:
    model = ActivityModel(StoreListing(sample_store), now=clock)
    assert model.columnCount() == 4
    headers = [model.headerData(c, Qt.Orientation.Horizontal) for c in Column]
    assert headers == ["Event", "Details", "Node", "When"]
    assert model.index(0, Column.NODE).data() == "", "one node: no name to give"
    assert column_texts(model, Column.EVENT) == [s[2] for s in SAMPLES]
    assert column_texts(model, Column.WHEN)[:5] == [
        "just now",
        "2 min ago",
        "2 min ago",
        "3 h ago",
        "yesterday",
    ]
    first = model.index(0, Column.EVENT)
    assert isinstance(first.data(Qt.ItemDataRole.DecorationRole), QIcon)
    assert model.index(0, Column.DETAILS).data(Qt.ItemDataRole.DecorationRole) is None
    row = first.data(ROW_ROLE)
    assert row.title == SAMPLES[0][2] and row.category == "chat"
    assert model.index(0, Column.WHEN).data(ROW_ROLE) is row


def test_unread_rows_are_bold_until_marked_read(
    qtbot: QtBot, sample_store: Store, clock: Callable[[], float]
) -> None:
    model = ActivityModel(StoreListing(sample_store), now=clock)
    fonts = [model.index(r, Column.EVENT).data(Qt.ItemDataRole.FontRole) for r in range(4)]
    assert [isinstance(f, QFont) and f.bold() for f in fonts] == [True, True, True, False]
    rowid = model.index(1, 0).data(ROW_ROLE).rowid
    with qtbot.waitSignal(model.dataChanged):
        assert model.mark_read(RowKey(0, rowid))
    assert model.index(1, Column.WHEN).data(Qt.ItemDataRole.FontRole) is None
    assert model.index(0, Column.WHEN).data(Qt.ItemDataRole.FontRole).bold()
    assert model.index(0, Column.DETAILS).data(Qt.ItemDataRole.FontRole) is None
    model.mark_all_read()
    assert all(
        model.index(r, 0).data(Qt.ItemDataRole.FontRole) is None for r in range(model.rowCount())
    )


def test_tooltips_show_node_text_literally(sample_store: Store, clock: Callable[[], float]) -> None:
    model = ActivityModel(StoreListing(sample_store), now=clock)
    texts = column_texts(model, Column.DETAILS)
    position = next(i for i, t in enumerate(texts) if "<script>" in t)
    assert texts[position] == SAMPLES[position][3]
    tip = model.index(position, Column.DETAILS).data(Qt.ItemDataRole.ToolTipRole)
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; all good." in tip
    assert "<script>" not in tip


def test_rows_read_their_category_as_the_enum_and_an_unknown_one_as_other(store: Store) -> None:
    known = find_row(store, record_one(store, "a", category="funds", title="A", body="", at=NOW))
    newer = find_row(store, record_one(store, "b", category="auctions", title="B", body="", at=NOW))
    assert row_category(known) is Category.FUNDS
    assert row_category(newer) is Category.OTHER
    model = ActivityModel(StoreListing(store), now=lambda: NOW)
    model.set_filter({Category.OTHER}, "")
    assert model.rowCount() == 0, "the store's filter, by the stored name"
    model.prepend(ListedRow(0, newer))
    assert model.rowCount() == 0, "a row going in live is filtered the same way"


def test_filter_by_category_and_search(sample_store: Store, clock: Callable[[], float]) -> None:
    model = ActivityModel(StoreListing(sample_store), now=clock)
    model.set_filter({Category.CHAT}, "")
    assert column_texts(model, Column.EVENT) == ["Alice · order QmYhUkWH…dTJnk", "Bob"]
    model.set_filter({Category.CHAT}, "FRIDAY")
    assert column_texts(model, Column.EVENT) == ["Alice · order QmYhUkWH…dTJnk"]
    model.set_filter(None, "walnut")
    assert len(column_texts(model, Column.EVENT)) == 2
    model.set_filter({Category.ORDERS, Category.DISPUTES}, "")
    assert {model.index(r, 0).data(ROW_ROLE).category for r in range(model.rowCount())} == {
        "orders",
        "disputes",
    }
    model.set_filter(None, "")
    assert model.rowCount() == len(SAMPLES)


def test_live_rows_land_in_order_and_respect_the_filter(
    store: Store, clock: Callable[[], float]
) -> None:
    record_many(store, 450)
    model = ActivityModel(StoreListing(store), now=clock, page_size=200)
    assert model.rowCount() == 200 and model.canFetchMore(QModelIndex())

    live = record_one(store, "live", category="chat", title="Live", body="hello", at=NOW + 5)
    assert model.prepend(ListedRow(0, find_row(store, live)))
    assert model.index(0, 0).data(Display) == "Live"

    # Caught up: older than every loaded row, so it waits for its page.
    old = record_one(store, "old", category="orders", title="Old", body="x", at=NOW - 10_000)
    assert not model.prepend(ListedRow(0, find_row(store, old)))
    while model.canFetchMore(QModelIndex()):
        model.fetchMore(QModelIndex())
    titles = column_texts(model, Column.EVENT)
    assert len(titles) == 452 == len(set(titles))
    assert titles[-1] == "Old"

    model.set_filter({Category.ORDERS}, "")
    other = record_one(store, "other", category="chat", title="Chat", body="", at=NOW + 6)
    assert not model.prepend(ListedRow(0, find_row(store, other)))
    model.set_filter(None, "hello")
    assert not model.prepend(ListedRow(0, find_row(store, other)))
    again = find_row(store, live)
    assert model.prepend(ListedRow(0, again))
    assert model.rowCount() == 1


def test_index_of_reads_pages_until_the_row(store: Store, clock: Callable[[], float]) -> None:
    record_many(store, 1000)
    model = ActivityModel(StoreListing(store), now=clock, page_size=100)
    oldest = store.recent(limit=1, offset=999)[0]
    index = model.index_of(RowKey(0, oldest.rowid))
    assert index.isValid() and index.data(ROW_ROLE).rowid == oldest.rowid
    assert not model.index_of(RowKey(0, 10**9)).isValid()


@pytest.mark.slow
def test_a_hundred_thousand_rows_stay_fast(clock: Callable[[], float]) -> None:
    """Reports timings (not asserted): first page, filter switch, search, paging deep."""
    with Store(":memory:", history_cap=200_000) as big:
        started = time.perf_counter()
        record_many(big, 100_000)
        filled = time.perf_counter() - started

        started = time.perf_counter()
        model = ActivityModel(StoreListing(big), now=clock)
        first_page = time.perf_counter() - started
        assert model.rowCount() == 200

        timings: dict[str, float] = {}
        for name, categories, search in [
            ("filter chat", {Category.CHAT}, ""),
            ("filter orders+disputes", {Category.ORDERS, Category.DISPUTES}, ""),
            ("search 'bowl #42'", None, "bowl #42"),
            ("search no match", None, "zzzz-no-match"),
            ("back to all", None, ""),
        ]:
            started = time.perf_counter()
            model.set_filter(categories, search)
            model.index(0, 0).data(Display)
            timings[name] = time.perf_counter() - started

        started = time.perf_counter()
        pages = 0
        while model.canFetchMore(QModelIndex()) and pages < 100:
            model.fetchMore(QModelIndex())
            pages += 1
        deep = time.perf_counter() - started
        assert model.rowCount() == 200 * 101

        started = time.perf_counter()
        model.refresh()
        reset = time.perf_counter() - started

        started = time.perf_counter()
        deepest = big.recent(limit=200, offset=99_800)
        last_page = time.perf_counter() - started
        assert len(deepest) == 200

    report = [
        f"fill 100,000 rows (in-memory store): {filled * 1000:.0f} ms",
        f"first page: {first_page * 1000:.1f} ms",
        *(f"{name}: {seconds * 1000:.1f} ms" for name, seconds in timings.items()),
        (
            f"100 more pages (to row 20,200): {deep * 1000:.0f} ms, "
            f"{deep * 1000 / pages:.1f} ms per page"
        ),
        f"refresh after paging deep: {reset * 1000:.1f} ms",
        f"the last page (offset 99,800) from the store: {last_page * 1000:.1f} ms",
    ]
    print("\n" + "\n".join(report))
