"""The tray's state table, tooltip and pause deadlines: pure, no Qt."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone

import pytest

from obnotify.core.connection import ConnState
from obnotify.core.tray_state import (
    PauseChoice,
    TrayState,
    connection_text,
    derive_tray_state,
    pause_deadline,
    pause_end_text,
    tooltip,
)

S = TrayState
C = ConnState

# (connection, unread, paused) -> state
TABLE = [
    (C.CONNECTED, 0, False, S.CONNECTED),
    (C.CONNECTED, 3, False, S.UNREAD),
    (C.CONNECTED, 0, True, S.PAUSED),
    (C.CONNECTED, 3, True, S.PAUSED),
    (C.CONNECTING, 0, False, S.CONNECTING),
    (C.CONNECTING, 5, False, S.CONNECTING),
    (C.CONNECTING, 5, True, S.PAUSED),
    (C.UNREACHABLE, 0, False, S.UNREACHABLE),
    (C.UNREACHABLE, 2, True, S.UNREACHABLE),
    (C.AUTH_FAILED, 0, False, S.AUTH_FAILED),
    (C.AUTH_FAILED, 9, True, S.AUTH_FAILED),
    (C.TLS_FAILED, 0, False, S.TLS_FAILED),
    (C.TLS_FAILED, 1, True, S.TLS_FAILED),
    (C.STOPPED, 4, False, S.UNREACHABLE),
    (C.STOPPED, 0, True, S.UNREACHABLE),
]


@pytest.mark.parametrize(("conn", "unread", "paused", "expected"), TABLE)
def test_derivation_table(conn: ConnState, unread: int, paused: bool, expected: TrayState) -> None:
    assert derive_tray_state(conn, unread, paused) is expected


def test_every_state_is_reachable_from_every_connection_state() -> None:
    assert {row[3] for row in TABLE} == set(TrayState)
    assert {row[0] for row in TABLE} == set(ConnState)
    assert all(connection_text(state) for state in ConnState)


def test_tooltip_lists_node_state_pause_unread_and_last_event() -> None:
    text = tooltip("Alice's store", C.CONNECTED, 1234, "New order from Bob", "14:30")
    assert text.splitlines() == [
        "obnotify — Alice's store",
        "Connected",
        "Notifications paused until 14:30",
        "1,234 unread",
        "Last: New order from Bob",
    ]


def test_tooltip_leaves_out_what_is_not_there() -> None:
    assert tooltip("Shop", C.CONNECTED, 0, "", None, "history unavailable: disk full").splitlines()[
        2
    ] == ("history unavailable: disk full")
    assert tooltip("", C.UNREACHABLE, 0, "", None).splitlines() == [
        "obnotify",
        connection_text(C.UNREACHABLE),
    ]


def test_tooltip_never_carries_markup_or_long_lines() -> None:
    text = tooltip("<b>Mallory</b>", C.AUTH_FAILED, 1, "<img src=x> &amp; " + "x" * 500, None)
    assert "<" not in text and ">" not in text and "&" not in text
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "Mallory" in text


def test_pause_for_an_hour_and_until_tomorrow_morning() -> None:
    zone = timezone(timedelta(hours=2))
    now = datetime(2025, 3, 31, 23, 30, tzinfo=zone)
    assert pause_deadline(PauseChoice.HOUR, now) == datetime(2025, 4, 1, 0, 30, tzinfo=zone)
    assert pause_deadline(PauseChoice.TOMORROW, now) == datetime(2025, 4, 1, 8, 0, tzinfo=zone)
    assert pause_deadline(PauseChoice.RESUME, now) is None


def test_when_a_pause_ends_in_words() -> None:
    zone = timezone(timedelta(hours=2))
    now = datetime(2025, 3, 31, 23, 30, tzinfo=zone)
    assert pause_end_text(now + timedelta(minutes=20), now) == "23:50"
    assert pause_end_text(datetime(2025, 4, 1, 8, 0, tzinfo=zone), now) == "tomorrow 08:00"
    assert pause_end_text(datetime(2025, 4, 3, 8, 0, tzinfo=zone), now) == "3 Apr 08:00"


def test_tray_state_needs_no_qt() -> None:
    assert "obnotify.core.tray_state" in sys.modules
    source = sys.modules["obnotify.core.tray_state"].__file__
    assert source is not None
    with open(source, encoding="utf-8") as stream:
        assert "PySide6" not in stream.read()
