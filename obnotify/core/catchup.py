"""What a catch-up takes from the node: the cursor paging and the rules of what was missed.

Pure: pages and messages go in, decisions come out; the node package makes the
requests and records what these functions pick.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Final

import msgspec

from obnotify.core.decode import StoredNotification
from obnotify.core.events import ChatMessage, Event, Notification, NotificationType
from obnotify.core.policy import Source

__all__ = [
    "FIRST_START_ITEMS",
    "MAX_CHAT_ANCHORS",
    "MAX_CHAT_PAGES",
    "MAX_HOLES",
    "MAX_PAGES",
    "PAGE_SIZE",
    "ChatAnchors",
    "ChatEnd",
    "ChatScan",
    "CursorScan",
    "Hole",
    "Holes",
    "event_time",
    "moves_cursor",
]

PAGE_SIZE: Final = 50
"""Notifications asked for per page."""
MAX_PAGES: Final = 40
"""A catch-up reads at most this many pages at a time: after a long absence the newest
come first, and what lies beyond is read on in later rounds (:class:`Hole`)."""
MAX_HOLES: Final = 20
"""Stretches of notifications still to be read back that are kept, the newest: a node
whose pages never end leaves one on every connection, and cannot make them grow."""
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
    oldest: str = ""
    """The id of the last item of the last page read, which the next page is asked
    from; ``""`` when that page was empty: the node has no more."""

    def feed(self, items: Sequence[StoredNotification]) -> str | None:
        """Take one page; returns the ``offsetId`` of the next page to ask for, or None: done."""
        self.pages += 1
        self.oldest = items[-1].notification.id if items else ""
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

    @property
    def hole(self) -> Hole | None:
        """What this scan left unread when it stopped at its page limit, short of the cursor
        and of the node's last page; None when it read all there was."""
        if self.found or self.pages < self.max_pages or not self.oldest:
            return None
        return Hole(start=self.oldest, end=self.cursor)


@dataclass(frozen=True, slots=True)
class Hole:
    """Notifications a catch-up stopped short of: older than ``start``, newer than ``end``.

    Everything newer than ``start`` was recorded and the cursor moved past it; a
    later round pages on from ``start`` (a :class:`CursorScan` with ``end`` as its
    cursor) until it reaches ``end`` or the node's last page.
    """

    start: str
    """The oldest notification read: the next round asks for the page after it."""
    end: str
    """The cursor before the catch-up that left this hole, or ``""``: where reading stops."""


@dataclass
class Holes:
    """The :class:`Hole` s still to be read, newest first, at most ``limit``.

    A round reads the newest: what happened last matters most. When more than
    ``limit`` are left (only a node that never stops paging leaves that many), the
    oldest is given up.
    """

    limit: int = MAX_HOLES
    _holes: list[Hole] = field(default_factory=list)

    @property
    def newest(self) -> Hole | None:
        """The hole the next round reads, or None: nothing is left to read."""
        return self._holes[0] if self._holes else None

    def add(self, hole: Hole | None) -> bool:
        """Keep a hole a catch-up left (if any); whether anything changed."""
        if hole is None or hole in self._holes:
            return False
        self._holes.insert(0, hole)
        del self._holes[self.limit :]
        return True

    def read(self, hole: Hole, left: Hole | None) -> bool:
        """A round read on in ``hole``; ``left`` is what it left unread (its scan's
        :attr:`CursorScan.hole`). Whether anything changed.

        A round that ended where it began (a node that answers the same page for
        any offset) ends the hole: it would never get further.
        """
        if hole not in self._holes:
            return self.add(left)
        index = self._holes.index(hole)
        if left is None or left.start == hole.start:
            del self._holes[index]
        else:
            self._holes[index] = left
        return True

    def encode(self) -> str:
        """As kept in the store: ``[[start, end], ...]``, newest first."""
        return msgspec.json.encode([[h.start, h.end] for h in self._holes]).decode()

    @classmethod
    def decode(cls, text: str | None, limit: int = MAX_HOLES) -> Holes:
        """What :meth:`encode` made; anything else (a damaged value) as no holes."""
        try:
            entries = msgspec.json.decode(text or "[]", type=list[tuple[str, str]])
        except (msgspec.DecodeError, msgspec.ValidationError):
            entries = []
        holes = [Hole(start, end) for start, end in entries if start][:limit]
        return cls(limit, holes)


MAX_CHAT_PAGES: Final = 40
"""Pages of one conversation read back at most: 2,000 messages. A catch-up stops long
before, where the last one ended (its anchor); this bounds only a node whose pages
never end."""
MAX_CHAT_ANCHORS: Final = 200
"""Conversations whose anchor is kept, the most recently moved: more than the direct
conversations and recent orders a catch-up reads, and no more whatever a node lists."""


class ChatEnd(enum.Enum):
    """Why a :class:`ChatScan` stopped reading."""

    ANCHOR = "anchor"
    """It reached the newest message the last catch-up (or live chat) recorded."""
    START = "start"
    """The conversation has no older messages."""
    UNREAD = "unread"
    """With no anchor yet, it saw as many unread messages as the node counts."""
    REPEAT = "repeat"
    """A page held no message not already read: the node repeats itself."""
    LIMIT = "limit"
    """It read :data:`MAX_CHAT_PAGES` pages without reaching any of the above."""


@dataclass
class ChatScan:
    """Reads one conversation's messages (newest first) back to where its last catch-up ended.

    The anchor is the newest message known recorded with everything unread before
    it: reading back to it finds every message missed since, however much live
    chat (already recorded) came after them. Without an anchor, as for a
    conversation never caught up, pages are read until as many unread messages
    were seen as the node counts. Either way the conversation's end, a page that
    brings nothing new, or the page limit stops it.
    """

    unread: int
    """How many the node counts as unread; for order chat, which it does not count, 0."""
    anchor: str = ""
    """The message id where the last catch-up of this conversation ended, or ``""``."""
    page_size: int = PAGE_SIZE
    max_pages: int = MAX_CHAT_PAGES
    missed: list[tuple[ChatMessage, str]] = field(default_factory=list)
    """Unread incoming messages newer than the anchor, newest first, each once."""
    newest: str = ""
    """The id of the newest message read: the anchor once this catch-up is recorded."""
    ended: ChatEnd | None = None
    pages: int = 0
    _ids: set[str] = field(default_factory=set, repr=False)
    _unread_seen: int = 0

    def feed(self, page: Sequence[tuple[ChatMessage, str]]) -> str | None:
        """Take one page; returns the ``offsetId`` of the next page to ask for, or None: done."""
        self.pages += 1
        fresh = 0
        for message, raw in page:
            if message.id in self._ids:
                continue
            if self.anchor and message.id == self.anchor:
                self.ended = ChatEnd.ANCHOR
                return None
            self._ids.add(message.id)
            fresh += 1
            self.newest = self.newest or message.id
            if not (message.outgoing or message.read):
                self._unread_seen += 1
                self.missed.append((message, raw))
        self.ended = self._end(len(page), fresh)
        return None if self.ended else page[-1][0].id

    def _end(self, size: int, fresh: int) -> ChatEnd | None:
        if size < self.page_size:
            return ChatEnd.START
        if not self.anchor and self._unread_seen >= self.unread:
            return ChatEnd.UNREAD
        if not fresh:
            return ChatEnd.REPEAT
        if self.pages >= self.max_pages:
            return ChatEnd.LIMIT
        return None

    @property
    def oldest_first(self) -> list[tuple[ChatMessage, str]]:
        """What to record, in the order it was sent."""
        return self.missed[::-1]

    @property
    def next_anchor(self) -> str:
        """Where the next catch-up of this conversation stops: the newest message read."""
        return self.newest or self.anchor


@dataclass
class ChatAnchors:
    """Each conversation's anchor (see :class:`ChatScan`), by (peer or room, subject).

    At most ``limit`` are kept, those moved last: a node that lists new
    conversations on every connection cannot make them grow without end.
    """

    limit: int = MAX_CHAT_ANCHORS
    _anchors: dict[tuple[str, str], str] = field(default_factory=dict)

    def get(self, peer_id: str, subject: str = "") -> str:
        return self._anchors.get((peer_id, subject), "")

    def move(self, peer_id: str, subject: str, message_id: str) -> bool:
        """Set one conversation's anchor; whether anything changed."""
        key = (peer_id, subject)
        if not message_id or self._anchors.get(key) == message_id:
            return False
        self._anchors.pop(key, None)
        self._anchors[key] = message_id
        while len(self._anchors) > self.limit:
            del self._anchors[next(iter(self._anchors))]
        return True

    def encode(self) -> str:
        """As kept in the store: ``[[peer, subject, message id], ...]``, oldest move first."""
        return msgspec.json.encode(
            [[*key, anchor] for key, anchor in self._anchors.items()]
        ).decode()

    @classmethod
    def decode(cls, text: str | None, limit: int = MAX_CHAT_ANCHORS) -> ChatAnchors:
        """What :meth:`encode` made; anything else (a damaged value) as no anchors."""
        anchors = cls(limit)
        try:
            entries = msgspec.json.decode(text or "[]", type=list[tuple[str, str, str]])
        except (msgspec.DecodeError, msgspec.ValidationError):
            return anchors
        for peer_id, subject, message_id in entries:
            anchors.move(peer_id, subject, message_id)
        return anchors


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
