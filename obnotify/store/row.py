"""The history row: one recorded event, the one shape the store writes and reads.

The session builds a :class:`HistoryRow` and hands it to
:meth:`obnotify.store.database.Store.record`; the store reads rows back into the
same type. The columns the store writes and reads are the row's fields, so a field
added here is a column everywhere at once (with its migration in
:mod:`obnotify.store.schema`).
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Final

__all__ = ["COLUMNS", "SELECTED", "WRITTEN", "HistoryRow", "row_of", "written_values"]


@dataclass(frozen=True, slots=True)
class HistoryRow:
    """One recorded event, as the session records it and the window and ``watch`` show it."""

    key: str
    """The dedupe key from :func:`obnotify.core.events.event_key`."""
    kind: str
    """The frame kind by its wire name (``notification``, ``message``, ``wallet``...)."""
    event_id: str
    """The node's id: notificationId, messageId or txid."""
    category: str
    """A :class:`obnotify.core.render.Category` value, for filtering."""
    received_at: float
    """Unix time the app got the event (or the node's time for a caught-up one); orders the list."""
    node_time: str = ""
    """The node's own timestamp text, RFC 3339, when it sent one."""
    title: str = ""
    body: str = ""
    image: str = ""
    """IPFS hash of the picture, or empty."""
    route: str = ""
    """Where a click leads."""
    urgency: str = ""
    peer_id: str = ""
    """The other person the event is about (buyer, vendor, follower, chat peer), or empty."""
    order_id: str = ""
    """The order (or dispute case) it is about, or empty."""
    source: str = "socket"
    """A :class:`obnotify.core.policy.Source` value: how it reached us."""
    read: bool = False
    pending: bool = False
    """Recorded but not yet delivered to the screen; a restart hands it on again."""
    rowid: int = 0
    """Stable for the row's life; never reused after pruning. 0 until recorded.

    The last field: the others are what a new row is written with."""

    def recorded(self, rowid: int) -> HistoryRow:
        """This row as recorded under ``rowid`` (a copy; the row is frozen)."""
        return HistoryRow(*(*written_values(self), rowid))


COLUMNS: Final = tuple(field.name for field in dataclasses.fields(HistoryRow))
"""The row's fields, in order; each is a column of ``history`` (``rowid`` is its ``id``)."""

WRITTEN: Final = COLUMNS[:-1]
"""The columns a new row is inserted with: all but ``rowid``, which the table gives."""

written_values: Final[Callable[[HistoryRow], tuple[Any, ...]]] = operator.attrgetter(*WRITTEN)
"""The values of a row's :data:`WRITTEN` fields, in order."""

SELECTED: Final = ", ".join(f"h.{'id' if name == 'rowid' else name}" for name in COLUMNS)
"""What a page of history reads, in field order: never the frame text, which no list shows."""

_FLAGS: Final = tuple(
    index for index, field in enumerate(dataclasses.fields(HistoryRow)) if field.type == "bool"
)
"""The positions of the fields SQLite keeps as 0 or 1."""


def row_of(values: tuple[Any, ...]) -> HistoryRow:
    """A row from the values of :data:`SELECTED`, its flags as booleans again."""
    fields = list(values)
    for index in _FLAGS:
        fields[index] = bool(fields[index])
    return HistoryRow(*fields)
