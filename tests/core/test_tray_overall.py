"""One tray icon for every node: the worst state wins, the badge counts them all."""

from __future__ import annotations

import pytest

from obnotify.core.connection import ConnState
from obnotify.core.tray_state import (
    NodeStatus,
    TrayState,
    derive_tray_state,
    next_attempt_text,
    node_line,
    overall_state,
    overall_tooltip,
    tooltip,
    total_unread,
    window_connection,
    worst_node,
)


def node(name: str, state: ConnState, unread: int = 0) -> NodeStatus:
    return NodeStatus(name, state, unread)


@pytest.mark.parametrize(
    ("states", "unread", "expected"),
    [
        ((ConnState.CONNECTED, ConnState.AUTH_FAILED), 0, TrayState.AUTH_FAILED),
        ((ConnState.TLS_FAILED, ConnState.UNREACHABLE), 0, TrayState.TLS_FAILED),
        ((ConnState.UNREACHABLE, ConnState.CONNECTING), 0, TrayState.UNREACHABLE),
        ((ConnState.CONNECTED, ConnState.STOPPED), 0, TrayState.UNREACHABLE),
        ((ConnState.CONNECTING, ConnState.CONNECTED), 3, TrayState.CONNECTING),
        ((ConnState.CONNECTED, ConnState.CONNECTED), 3, TrayState.UNREAD),
        ((ConnState.CONNECTED, ConnState.CONNECTED), 0, TrayState.CONNECTED),
    ],
)
def test_the_worst_node_decides_the_icon(
    states: tuple[ConnState, ConnState], unread: int, expected: TrayState
) -> None:
    nodes = [node("shop", states[0], unread), node("home", states[1])]
    assert overall_state(nodes, paused=False) is expected
    assert overall_state(list(reversed(nodes)), paused=False) is expected, "order does not matter"


def test_a_pause_ranks_as_it_does_for_one_node() -> None:
    assert overall_state([node("a", ConnState.CONNECTED, 2)], paused=True) is TrayState.PAUSED
    mixed = [node("a", ConnState.CONNECTED), node("b", ConnState.CONNECTING)]
    assert overall_state(mixed, paused=True) is TrayState.PAUSED
    down = [node("a", ConnState.CONNECTED), node("b", ConnState.UNREACHABLE)]
    assert overall_state(down, paused=True) is TrayState.UNREACHABLE
    refused = [node("a", ConnState.AUTH_FAILED)]
    assert overall_state(refused, paused=True) is TrayState.AUTH_FAILED


def test_one_node_ranks_exactly_as_before() -> None:
    for state in ConnState:
        for unread in (0, 4):
            for paused in (False, True):
                assert overall_state([node("a", state, unread)], paused) is derive_tray_state(
                    state, unread, paused
                )


def test_no_node_is_unreachable_and_says_what_to_do() -> None:
    assert overall_state([], paused=False) is TrayState.UNREACHABLE
    assert "choose one in Settings" in overall_tooltip([], None)


def test_the_badge_counts_every_node() -> None:
    nodes = [node("shop", ConnState.CONNECTED, 2), node("home", ConnState.UNREACHABLE, 5)]
    assert total_unread(nodes) == 7
    assert total_unread([node("x", ConnState.CONNECTED, -1)]) == 0


def test_the_tooltip_has_a_line_per_node_then_the_pause_and_the_total() -> None:
    nodes = [node("Shop", ConnState.CONNECTED, 2), node("Home", ConnState.UNREACHABLE)]
    assert overall_tooltip(nodes, "14:30").split("\n") == [
        "obnotify",
        "Shop: Connected, 2 unread",
        "Home: Can't reach the node",
        "Notifications paused until 14:30",
        "2 unread in all",
    ]


def test_a_lone_node_keeps_its_full_tooltip() -> None:
    lone = NodeStatus("Shop", ConnState.CONNECTED, 3, "New order", "")
    assert overall_tooltip([lone], None) == tooltip(
        "Shop", ConnState.CONNECTED, 3, "New order", None
    )


def test_a_node_name_cannot_bring_markup_or_length() -> None:
    line = node_line(node("<b>x</b>&" + "y" * 80, ConnState.CONNECTED))
    assert "<" not in line and "&" not in line
    assert len(line) < 60


def test_the_window_for_every_node_names_the_node_that_needs_the_user() -> None:
    down = NodeStatus("Home <b>node</b>", ConnState.UNREACHABLE, 0, "", "connection refused")
    nodes = [node("Shop", ConnState.CONNECTED), down, node("Spare", ConnState.CONNECTING)]
    assert worst_node(nodes) == 1
    assert window_connection(nodes) == (
        ConnState.UNREACHABLE,
        "Home <b>node</b>: connection refused",
    ), "plain text: the window's label never reads markup"
    both = [node("Shop", ConnState.CONNECTED), node("Home", ConnState.CONNECTED)]
    assert window_connection(both) == (ConnState.CONNECTED, "2 nodes")
    assert window_connection([]) == (ConnState.STOPPED, "")
    assert worst_node([]) is None


@pytest.mark.parametrize(
    ("seconds", "text"),
    [(0.2, "trying again now"), (12.4, "next attempt in 12 s"), (150, "next attempt in 2 min")],
)
def test_the_next_attempt_in_words(seconds: float, text: str) -> None:
    assert next_attempt_text(seconds) == text
