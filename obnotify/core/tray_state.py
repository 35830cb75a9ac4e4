"""What the tray shows: one state derived from the link, the unread count and a pause.

Pure, so the rule that decides between "the node is down", "you paused
notifications" and "you have unread events" is a table a test can read, and the
tray only draws what this module says.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Final

from obnotify.core.connection import ConnState

__all__ = [
    "NodeStatus",
    "PauseChoice",
    "TrayState",
    "TrayStyle",
    "connection_text",
    "derive_tray_state",
    "next_attempt_text",
    "node_line",
    "overall_state",
    "overall_tooltip",
    "pause_deadline",
    "pause_end_text",
    "tooltip",
    "total_unread",
    "window_connection",
    "worst_node",
]


class TrayState(enum.StrEnum):
    """The tray icon's state; each value names an icon file ``tray-<value>.svg``."""

    CONNECTED = "connected"
    UNREAD = "unread"
    """Connected, with events the user has not read yet."""
    CONNECTING = "connecting"
    UNREACHABLE = "unreachable"
    AUTH_FAILED = "auth-failed"
    TLS_FAILED = "tls-failed"
    PAUSED = "paused"


class TrayStyle(enum.StrEnum):
    """How the tray icon is drawn; the values are those of the settings' ``tray_style``.

    Monochrome icons suit panels whose other icons are monochrome. They tell the
    states apart by shape alone, as the coloured ones already do besides colour.
    """

    COLOUR = "colour"
    MONO_LIGHT = "mono-light"
    """A dark glyph, for a light panel."""
    MONO_DARK = "mono-dark"
    """A light glyph, for a dark panel."""


class PauseChoice(enum.StrEnum):
    """The entries of the tray's pause menu."""

    HOUR = "hour"
    TOMORROW = "tomorrow"
    RESUME = "resume"


_BY_CONNECTION: Final[dict[ConnState, TrayState]] = {
    ConnState.CONNECTED: TrayState.CONNECTED,
    ConnState.CONNECTING: TrayState.CONNECTING,
    ConnState.UNREACHABLE: TrayState.UNREACHABLE,
    ConnState.AUTH_FAILED: TrayState.AUTH_FAILED,
    ConnState.TLS_FAILED: TrayState.TLS_FAILED,
    ConnState.STOPPED: TrayState.UNREACHABLE,
}

_NEEDS_USER: Final = frozenset({TrayState.AUTH_FAILED, TrayState.TLS_FAILED})
"""Failures that never heal by retrying: they outrank a pause, which the user chose."""

_CONNECTION_TEXTS: Final[dict[ConnState, str]] = {
    ConnState.CONNECTED: "Connected",
    ConnState.CONNECTING: "Connecting…",
    ConnState.UNREACHABLE: "Can't reach the node",
    ConnState.AUTH_FAILED: "The node refused the API credentials",
    ConnState.TLS_FAILED: "The node's TLS certificate is not trusted",
    ConnState.STOPPED: "Not connected",
}

_WORST_FIRST: Final = (
    TrayState.AUTH_FAILED,
    TrayState.TLS_FAILED,
    TrayState.UNREACHABLE,
    TrayState.CONNECTING,
    TrayState.UNREAD,
    TrayState.CONNECTED,
)
"""One icon for every node shows the node that most needs the user."""

TOMORROW_AT: Final = time(8, 0)
""""Until tomorrow" ends at this local time on the next day."""

TOOLTIP_LINE_LIMIT: Final = 60
"""Tray tooltips are small (Windows cuts them at 127 characters in all)."""


def derive_tray_state(conn_state: ConnState, unread: int, paused: bool) -> TrayState:
    """The one state the tray shows.

    Order of precedence: a failure only the user can fix (credentials, TLS), then
    an unreachable node, then the user's pause, then a connection in progress,
    then unread events. A stopped link counts as unreachable, so the icon never
    claims all is well for a node nobody is talking to.

    Args:
        conn_state: The link's state.
        unread: Events recorded and not read yet.
        paused: Whether notifications are paused.

    Returns:
        The state to draw; the unread badge is drawn on top of any of them.
    """
    link = _BY_CONNECTION[conn_state]
    if link in _NEEDS_USER or link is TrayState.UNREACHABLE:
        return link
    if paused:
        return TrayState.PAUSED
    if link is TrayState.CONNECTING:
        return link
    return TrayState.UNREAD if unread > 0 else TrayState.CONNECTED


def connection_text(conn_state: ConnState) -> str:
    """A short sentence for a connection state, for the tooltip and the window."""
    return _CONNECTION_TEXTS[conn_state]


def _clip(text: str, limit: int = TOOLTIP_LINE_LIMIT) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def _no_markup(text: str) -> str:
    """Text that no tooltip can take for markup.

    Qt decides whether a tooltip is rich text by looking for a tag in its first
    line, and some tray hosts render a markup subset. Angle brackets and
    ampersands are swapped for look-alikes rather than escaped, because the
    platforms that show plain text would display entities literally.
    """
    return text.replace("<", "‹").replace(">", "›").replace("&", "＆")


def tooltip(
    node_name: str,
    conn_state: ConnState,
    unread: int,
    last_event_title: str,
    paused_until: str | None,
    detail: str = "",
) -> str:
    """The tray tooltip: app and node, connection, pause, unread count, last event.

    Args:
        node_name: The node's display name; may be empty.
        conn_state: The link's state (see :func:`derive_tray_state`).
        unread: Events not read yet.
        last_event_title: Title of the newest event, untrusted text from the node.
        paused_until: Human time the pause ends (``"14:30"``, ``"tomorrow 08:00"``),
            or None when not paused.
        detail: What the link says of its state (``history unavailable: disk full``...).
    """
    head = "obnotify"
    if node_name.strip():
        head += f" — {_clip(node_name, 40)}"
    lines = [head, connection_text(conn_state)]
    if detail.strip():
        lines.append(_clip(detail, 80))
    if paused_until is not None:
        lines.append(f"Notifications paused until {_clip(paused_until, 30)}")
    if unread > 0:
        lines.append(f"{unread:,} unread")
    if last_event_title.strip():
        lines.append(f"Last: {_clip(last_event_title)}")
    return "\n".join(_no_markup(line) for line in lines)


def pause_deadline(choice: PauseChoice, now: datetime) -> datetime | None:
    """When a pause chosen at ``now`` ends; None for "resume".

    Args:
        choice: The menu entry.
        now: The current local time, timezone-aware, from the caller's clock.
    """
    if choice is PauseChoice.HOUR:
        return now + timedelta(hours=1)
    if choice is PauseChoice.TOMORROW:
        next_day = (now + timedelta(days=1)).date()
        return datetime.combine(next_day, TOMORROW_AT, tzinfo=now.tzinfo)
    return None


def pause_end_text(until: datetime, now: datetime) -> str:
    """When a pause ends, as the tooltip says it: ``14:30``, ``tomorrow 08:00``, ``3 Dec 08:00``.

    Args:
        until: The end of the pause.
        now: The current time, in the same kind (aware or naive) as ``until``.
    """
    clock = until.strftime("%H:%M")
    days = (until.date() - now.date()).days
    if days <= 0:
        return clock
    if days == 1:
        return f"tomorrow {clock}"
    return f"{until.day} {until.strftime('%b')} {clock}"


@dataclass(frozen=True, slots=True)
class NodeStatus:
    """What one node tells the shared tray icon: enough to rank it and to describe it."""

    name: str
    """The node's display name; untrusted when it came from the node."""
    conn_state: ConnState
    unread: int
    last_event_title: str = ""
    detail: str = ""
    paused_until: str = ""
    """When this node's own pause ends (``"14:30"``), or empty when it has none."""


def total_unread(nodes: Sequence[NodeStatus]) -> int:
    """Events not read yet on every node together: the one badge on the one icon."""
    return sum(max(0, node.unread) for node in nodes)


def overall_state(nodes: Sequence[NodeStatus], paused: bool) -> TrayState:
    """The one state the tray shows for every node: the worst of them.

    Each node is ranked as :func:`derive_tray_state` ranks a lone node, and the
    pause sits where it sits there: above a connection in progress and unread
    events, below a failure and an unreachable node. No node at all reads as
    unreachable, since nothing is being watched.
    """
    if not nodes:
        return TrayState.UNREACHABLE
    states = {derive_tray_state(node.conn_state, node.unread, False) for node in nodes}
    worst = next(state for state in _WORST_FIRST if state in states)
    if paused and worst not in _NEEDS_USER and worst is not TrayState.UNREACHABLE:
        return TrayState.PAUSED
    return worst


def node_line(node: NodeStatus) -> str:
    """A node's name, state and unread count on one line, for the tooltip and the menu."""
    line = f"{_clip(node.name, 30)}: {connection_text(node.conn_state)}"
    if node.unread > 0:
        line += f", {node.unread:,} unread"
    if node.paused_until:
        line += f", paused until {_clip(node.paused_until, 20)}"
    return _no_markup(line)


def overall_tooltip(nodes: Sequence[NodeStatus], paused_until: str | None) -> str:
    """The tooltip of the one tray icon.

    A lone node keeps the full tooltip of :func:`tooltip`; several get a line
    each, then the pause and the unread total.

    Args:
        nodes: Every node watched, in the order of the settings.
        paused_until: Human time the pause ends, or None when not paused.
    """
    if len(nodes) == 1:
        node = nodes[0]
        return tooltip(
            node.name,
            node.conn_state,
            node.unread,
            node.last_event_title,
            paused_until,
            node.detail,
        )
    lines = ["obnotify", *(node_line(node) for node in nodes)]
    if not nodes:
        lines.append("No node is enabled; choose one in Settings")
    if paused_until is not None:
        lines.append(_no_markup(f"Notifications paused until {_clip(paused_until, 30)}"))
    unread = total_unread(nodes)
    if unread > 0:
        lines.append(f"{unread:,} unread in all")
    return "\n".join(lines)


_LINK_WORST_FIRST: Final = (
    ConnState.AUTH_FAILED,
    ConnState.TLS_FAILED,
    ConnState.UNREACHABLE,
    ConnState.STOPPED,
    ConnState.CONNECTING,
    ConnState.CONNECTED,
)


def worst_node(nodes: Sequence[NodeStatus]) -> int | None:
    """The place of the node that most needs the user (the first of equals), or None for none."""
    if not nodes:
        return None
    return min(range(len(nodes)), key=lambda i: _LINK_WORST_FIRST.index(nodes[i].conn_state))


def window_connection(nodes: Sequence[NodeStatus]) -> tuple[ConnState, str]:
    """The status line of the window listing every node: the node that most needs the user.

    Its state, and its name with what its link says; every node connected reads
    as connected with how many there are.
    """
    place = worst_node(nodes)
    if place is None:
        return ConnState.STOPPED, ""
    worst = nodes[place]
    if worst.conn_state is ConnState.CONNECTED:
        return ConnState.CONNECTED, f"{len(nodes)} nodes" if len(nodes) > 1 else worst.detail
    flat = " ".join(worst.detail.split())
    name = _clip(worst.name, 30)
    return worst.conn_state, f"{name}: {flat}" if flat else name


def next_attempt_text(seconds_left: float) -> str:
    """When a node that is down will be tried again, for the window's status line."""
    if seconds_left < 1:
        return "trying again now"
    if seconds_left < 60:
        return f"next attempt in {seconds_left:.0f} s"
    return f"next attempt in {seconds_left / 60:.0f} min"
