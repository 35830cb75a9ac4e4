"""What the window shows of each node and above its list, checked without Qt."""

from __future__ import annotations

from obnotify.core.connection import ConnState
from obnotify.core.tray_state import NodeStatus
from obnotify.core.wallet import combined
from obnotify.ui.window_nodes import ALL_NODES, NodeShown, header

from .samples import sample_balances

SHOP, HOME = "Walnut shop", "Home node"


def two() -> list[NodeShown]:
    shop = NodeShown(NodeStatus(SHOP, ConnState.CONNECTED, 3), publishing="publishing")
    home = NodeShown(NodeStatus(HOME, ConnState.UNREACHABLE, 0, "", "connection refused"))
    return [shop, home]


def test_every_node_shows_the_one_that_needs_the_user_and_the_sum_of_balances() -> None:
    nodes = two()
    nodes[0].balances = nodes[1].balances = sample_balances()
    head = header(nodes, None)
    assert (head.title, head.state, head.retry_node) == (ALL_NODES, ConnState.UNREACHABLE, 1)
    assert HOME in head.detail and "connection refused" in head.detail
    assert head.publishing == "", "one node's publishing news is not every node's"
    assert head.balances == combined([sample_balances(), sample_balances()])


def test_a_node_picked_shows_itself() -> None:
    nodes = two()
    head = header(nodes, 0)
    assert (head.title, head.state, head.detail) == (SHOP, ConnState.CONNECTED, "")
    assert (head.retry_node, head.publishing, head.balances) == (0, "publishing", None)
    assert header(nodes[1:], None).title == HOME, "a lone node is shown as itself"


def test_a_note_stands_in_for_the_detail_until_the_state_changes() -> None:
    home = two()[1]
    home.note = "reply not sent: timed out"
    assert header([home], None).detail == "reply not sent: timed out"
    assert home.line().detail == "reply not sent: timed out"
    assert not home.report(home.status), "the same report again changes nothing"
    assert home.report(NodeStatus(HOME, ConnState.UNREACHABLE, 2, "", "connection refused"))
    assert home.note, "more unread is no change of state"
    assert home.report(NodeStatus(HOME, ConnState.CONNECTED, 2))
    assert home.note == "" and header([home], None).state is ConnState.CONNECTED
