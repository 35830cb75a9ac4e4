"""What the one window shows of each node, and above its list: no Qt here.

The window is built the first time it is opened, so what it shows of each node
(its last report, its balances, its publishing news) is kept here until then.
What the title, status line and balances show for the node picked, or for
"All nodes", is derived here as a value the window is handed.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from typing import Final

from obnotify.core.connection import ConnState
from obnotify.core.events import WalletBalances
from obnotify.core.tray_state import NodeStatus, window_connection, worst_node
from obnotify.core.wallet import combined

__all__ = ["ALL_NODES", "Header", "NodeShown", "header"]

ALL_NODES: Final = "All nodes"
"""The title while the window lists every node."""


@dataclasses.dataclass(slots=True)
class NodeShown:
    """What the window shows of one node."""

    status: NodeStatus
    """The node's last report, as the tray icon has it too."""
    note: str = ""
    """A line the window alone shows in place of the status detail, until the state changes."""
    publishing: str = ""
    balances: WalletBalances | None = None

    def line(self) -> NodeStatus:
        """The node's status as the window shows it: with the note, if there is one."""
        return dataclasses.replace(self.status, detail=self.note) if self.note else self.status

    def report(self, status: NodeStatus) -> bool:
        """Take the node's latest report; a note lasts until the state or its detail changes.

        Returns:
            Whether the report differs from the last one.
        """
        if status == self.status:
            return False
        if (status.conn_state, status.detail) != (self.status.conn_state, self.status.detail):
            self.note = ""
        self.status = status
        return True


@dataclasses.dataclass(frozen=True, slots=True)
class Header:
    """What the window shows above its list for the node picked, or for every node."""

    title: str
    state: ConnState
    detail: str
    retry_node: int | None
    """The node whose next try the status line counts down to."""
    publishing: str
    """The picked node's publishing news; none while every node is listed."""
    balances: WalletBalances | None
    """The balances to show (every node's added up), or None to leave them as they are."""


def header(nodes: Sequence[NodeShown], picked: int | None) -> Header:
    """The header for the node picked (by place), or for every node (None).

    A lone node is shown as itself: "All nodes" would say nothing.
    """
    if picked is None and len(nodes) > 1:
        statuses = [node.line() for node in nodes]
        state, detail = window_connection(statuses)
        known = [node.balances for node in nodes if node.balances is not None]
        return Header(
            ALL_NODES, state, detail, worst_node(statuses), "", combined(known) if known else None
        )
    place = picked if picked is not None else 0
    node = nodes[place]
    line = node.line()
    return Header(line.name, line.conn_state, line.detail, place, node.publishing, node.balances)
