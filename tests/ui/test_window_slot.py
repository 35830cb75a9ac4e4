"""The window is built on first show, with everything it was told while it did not exist."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtWidgets import QApplication

from obnotify.core.connection import ConnState
from obnotify.store import Store
from obnotify.ui.window import MainWindow
from obnotify.ui.window_slot import WindowSlot

from .samples import find_row, record_samples, sample_balances


def test_nothing_is_built_until_shown_then_it_shows_what_it_was_told(
    qapp: QApplication, store: Store, clock: Callable[[], float]
) -> None:
    built: list[MainWindow] = []

    def make() -> MainWindow:
        built.append(MainWindow(store, now=clock))
        return built[-1]

    slot = WindowSlot(make, node_name="Shop")
    opened: list[object] = []
    slot.open_route.connect(opened.append)
    rowids = record_samples(store, now=clock())
    slot.set_connection(ConnState.CONNECTED, "history unavailable: disk full")
    slot.set_balances(sample_balances())
    for rowid in rowids:
        slot.add_event(find_row(store, rowid))
    slot.refresh()
    slot.mark_all_read()
    assert built == [] and not slot.isVisible() and slot.rows_held() == 0

    slot.show()
    window = slot.window
    assert built == [window] and window is not None and slot.isVisible()
    assert window.windowTitle() == "obnotify — Shop"
    assert "disk full" in window.status_line.connection.text()
    assert window.rows_held() == len(rowids), "the rows come from the store"
    row = find_row(store, rowids[0])
    window.open_route.emit(row)
    assert opened == [row], "the window's requests reach whoever listens to the slot"
    slot.set_connection(ConnState.UNREACHABLE, "")
    assert "disk full" not in window.status_line.connection.text()
    slot.show()
    assert built == [window], "built once"
    window.close()
