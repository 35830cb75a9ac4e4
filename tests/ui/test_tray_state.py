"""The tray's state table, tooltip and pause deadlines: pure, no Qt."""

from __future__ import annotations

import sys
from datetime import datetime, timedelta, timezone

import pytest

from obnotify.core.tray_state import (
    PauseChoice,
    TrayState,
    connection_text,
    derive_tray_state,
    pause_deadline,
    tooltip,
)

S = TrayState

# (connection, unread, paused) -> state
TABLE = [
    ("connected", 0, False, S.CONNECTED),
    ("connected", 3, False, S.UNREAD),
    ("connected", 0, True, S.PAUSED),
    ("connected", 3, True, S.PAUSED),
    ("connecting", 0, False, S.CONNECTING),
    ("connecting", 5, False, S.CONNECTING),
    ("connecting", 5, True, S.PAUSED),
    ("unreachable", 0, False, S.UNREACHABLE),
    ("unreachable", 2, True, S.UNREACHABLE),
    ("auth-failed", 0, False, S.AUTH_FAILED),
    ("auth-failed", 9, True, S.AUTH_FAILED),
    ("tls-failed", 0, False, S.TLS_FAILED),
    ("tls-failed", 1, True, S.TLS_FAILED),
    ("something-new", 0, False, S.UNREACHABLE),
    ("", 4, False, S.UNREACHABLE),
]


@pytest.mark.parametrize(("conn", "unread", "paused", "expected"), TABLE)
def test_derivation_table(conn: str, unread: int, paused: bool, expected: TrayState) -> None:
    assert derive_tray_state(conn, unread, paused) is expected


def test_every_state_is_reachable() -> None:
    assert {row[3] for row in TABLE} == set(TrayState)


def test_tooltip_lists_node_state_pause_unread_and_last_event() -> None:
    text = tooltip("Alice's store", "connected", 1234, "New order from Bob", "14:30")
    assert text.splitlines() == [
        "obnotify — Alice's store",
        "Connected",
        "Notifications paused until 14:30",
        "1,234 unread",
        "Last: New order from Bob",
    ]


def test_tooltip_leaves_out_what_is_not_there() -> None:
    assert tooltip("", "unreachable", 0, "", None).splitlines() == [
        "obnotify",
        connection_text("unreachable"),
    ]


def test_tooltip_never_carries_markup_or_long_lines() -> None:
    text = tooltip("<b>Mallory</b>", "auth-failed", 1, "<img src=x> &amp; " + "x" * 500, None)
    assert "<" not in text and ">" not in text and "&" not in text
    assert all(len(line) <= 80 for line in text.splitlines())
    assert "Mallory" in text


def test_pause_for_an_hour_and_until_tomorrow_morning() -> None:
    zone = timezone(timedelta(hours=2))
    now = datetime(2025, 3, 31, 23, 30, tzinfo=zone)
    assert pause_deadline(PauseChoice.HOUR, now) == datetime(2025, 4, 1, 0, 30, tzinfo=zone)
    assert pause_deadline(PauseChoice.TOMORROW, now) == datetime(2025, 4, 1, 8, 0, tzinfo=zone)
    assert pause_deadline(PauseChoice.RESUME, now) is None


def test_tray_state_needs_no_qt() -> None:
    assert "obnotify.core.tray_state" in sys.modules
    source = sys.modules["obnotify.core.tray_state"].__file__
    assert source is not None
    with open(source, encoding="utf-8") as stream:
        assert "PySide6" not in stream.read()
