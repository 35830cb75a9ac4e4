"""What a catch-up takes from the node: the cursor paging and the rules of what was missed.

Pure: pages and messages go in, decisions come out; the node package makes the
requests and records what these functions pick.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

from obnotify.core.decode import StoredNotification
from obnotify.core.events import ChatMessage, Event, Notification, NotificationType
from obnotify.core.policy import Source

__all__ = [
    "FIRST_START_ITEMS",
    "MAX_PAGES",
    "PAGE_SIZE",
    "ChatScan",
    "CursorScan",
    "event_time",
    "moves_cursor",
    "unread_incoming",
]

PAGE_SIZE: Final = 50
"""Notifications asked for per page."""
MAX_PAGES: Final = 40
"""A catch-up reads at most this many pages: after a long absence the newest matter most."""
FIRST_START_ITEMS: Final = 20
"""A first start records this many of the newest notifications, for context, toasting none."""

_STORED_TYPES: Final = frozenset(NotificationType) - {
    NotificationType.UNFOLLOW,
    NotificationType.UNKNOWN,
    NotificationType.MODERATOR_ADD,
    NotificationType.MODERATOR_REMOVE,
    NotificationType.PARTIAL_PAYMENT,
}
"""Types the node keeps in ``/ob/notifications``: only these can serve as the catch-up cursor."""


def moves_cursor(event: Event) -> bool:
    """Whether a live event can be the catch-up cursor: only what the node's history lists."""
    return isinstance(event, Notification) and event.type in _STORED_TYPES and bool(event.id)


@dataclass
class CursorScan:
    """Reads pages of ``/ob/notifications`` (newest first) back to the saved cursor.

    Feed it each page; it says which page to ask for next. The node orders by
    whole seconds, so items sharing the cursor's second may sort after it and
    still be new: they are taken too, and the ones already seen are skipped when
    recorded.
    """

    cursor: str
    """The newest notification id caught up before, or ``""``."""
    max_pages: int = MAX_PAGES
    newer: list[StoredNotification] = field(default_factory=list)
    """What is newer than the cursor, newest first."""
    cursor_time: str | None = None
    """The cursor's timestamp once it was found on a page."""
    pages: int = 0

    def feed(self, items: Sequence[StoredNotification]) -> str | None:
        """Take one page; returns the ``offsetId`` of the next page to ask for, or None: done."""
        self.pages += 1
        for item in items:
            if self.cursor_time is not None:
                if item.timestamp != self.cursor_time:
                    return None
                self.newer.append(item)
            elif self.cursor and item.notification.id == self.cursor:
                self.cursor_time = item.timestamp
            else:
                self.newer.append(item)
        if self.cursor_time is not None or not items or self.pages >= self.max_pages:
            return None
        return items[-1].notification.id

    @property
    def found(self) -> bool:
        """Whether the cursor was reached: otherwise more may have been missed than was read."""
        return self.cursor_time is not None

    @property
    def oldest_first(self) -> list[StoredNotification]:
        """What to record, in the order it happened."""
        return self.newer[::-1]

    @property
    def next_cursor(self) -> str:
        """The cursor after this catch-up: the newest item read, or ``""`` when none."""
        return self.newer[0].notification.id if self.newer else ""


MAX_CHAT_PAGES: Final = 10
"""Pages of one conversation read back for its unread messages: 500 messages at most."""


@dataclass
class ChatScan:
    """Reads one conversation's messages (newest first) back until its unread ones are in.

    The node says how many are unread, not which: pages are read until that many
    unread incoming messages were seen, the conversation ends, or the page limit.
    """

    unread: int
    """How many the node counts as unread; for order chat, which it does not count, 0."""
    page_size: int = PAGE_SIZE
    max_pages: int = MAX_CHAT_PAGES
    messages: list[tuple[ChatMessage, str]] = field(default_factory=list)
    """Everything read, newest first."""
    pages: int = 0

    def feed(self, page: Sequence[tuple[ChatMessage, str]]) -> str | None:
        """Take one page; returns the ``offsetId`` of the next page to ask for, or None: done."""
        self.pages += 1
        self.messages.extend(page)
        found = len(unread_incoming(self.messages))
        if len(page) < self.page_size or found >= self.unread or self.pages >= self.max_pages:
            return None
        return page[-1][0].id


def unread_incoming(
    messages: Sequence[tuple[ChatMessage, str]],
) -> list[tuple[ChatMessage, str]]:
    """The chat messages (newest first, as the node lists them) that were missed, oldest first."""
    return [(m, raw) for m, raw in reversed(messages) if not (m.outgoing or m.read)]


def event_time(source: Source, node_time: str, received_at: float) -> float:
    """When an event happened, for the history's order and the window's "2 h ago".

    A live event happened as it arrived. A caught-up one happened when the node
    says, which can be a day ago; a time in the future or one that does not
    parse is taken as the arrival.
    """
    if source is Source.SOCKET or not node_time:
        return received_at
    try:
        moment = datetime.fromisoformat(node_time)
    except ValueError:
        return received_at
    if moment.tzinfo is None:
        return received_at
    stamp = moment.timestamp()
    return stamp if 0 < stamp <= received_at else received_at
