"""What the simulated node remembers: notifications and chat, with the node's paging rules.

Kept apart from the HTTP and socket code so the paging quirks (which order
the first page and later pages use, what ``total`` counts) are readable in
one place and can be checked without a server.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from obnotify.demo.cid import random_cid
from obnotify.demo.gojson import rfc3339_nano, rfc3339_seconds

__all__ = ["ChatRow", "ChatStore", "NotificationRow", "NotificationStore"]


@dataclass(slots=True)
class NotificationRow:
    """One row of the node's notifications table."""

    rowid: int
    """Insertion order; pages after the first are ordered by it."""
    notification: dict[str, Any]
    """The notification as it would appear on the socket (unescaped)."""
    read: bool
    timestamp: datetime

    @property
    def id(self) -> str:
        return str(self.notification.get("notificationId", ""))

    @property
    def type(self) -> str:
        return str(self.notification.get("type", ""))

    def as_item(self) -> dict[str, Any]:
        """The ``GET /ob/notifications`` entry: whole-second UTC timestamp, type repeated."""
        return {
            "notification": self.notification,
            "read": self.read,
            "timestamp": rfc3339_seconds(self.timestamp),
            "type": self.type,
        }


class NotificationStore:
    """The notifications table with the node's query rules."""

    def __init__(self) -> None:
        self._rows: list[NotificationRow] = []
        self._next_rowid = 1

    def __iter__(self) -> Iterator[NotificationRow]:
        return iter(list(self._rows))

    def add(
        self,
        notification: Mapping[str, Any],
        *,
        read: bool = False,
        timestamp: datetime | None = None,
    ) -> str:
        """Store ``notification`` (given an id if it has none) and return its id."""
        row = NotificationRow(
            rowid=self._next_rowid,
            notification=dict(notification),
            read=read,
            timestamp=timestamp or datetime.now(UTC),
        )
        row.notification.setdefault("notificationId", random_cid())
        self._next_rowid += 1
        self._rows.append(row)
        return row.id

    def get(self, notification_id: str) -> NotificationRow | None:
        return next((r for r in self._rows if r.id == notification_id), None)

    def page(
        self, limit: int = -1, offset_id: str = "", types: Iterable[str] = ()
    ) -> tuple[list[NotificationRow], int]:
        """Rows and ``total`` as the node's SQL returns them.

        Without ``offset_id`` rows are ordered by whole-second timestamp, newest
        first; with it, only rows inserted before that id, by insertion order,
        newest first (an unknown id gives nothing). ``total`` counts the matching
        rows before ``limit`` applies. A negative ``limit`` means all.
        """
        wanted = set(types)
        rows = [r for r in self._rows if not wanted or r.type in wanted]
        if offset_id:
            anchor = self.get(offset_id)
            if anchor is None:
                return [], 0
            rows = [r for r in rows if r.rowid < anchor.rowid]
            rows.sort(key=lambda r: r.rowid, reverse=True)
        else:
            rows.sort(key=lambda r: (int(r.timestamp.timestamp()), r.rowid), reverse=True)
        total = len(rows)
        return (rows if limit < 0 else rows[:limit]), total

    def unread(self) -> int:
        return sum(1 for r in self._rows if not r.read)

    def mark_read(self, notification_id: str) -> bool:
        """Mark one row read; False when no row has that id (the node still answers ``{}``)."""
        row = self.get(notification_id)
        if row is not None:
            row.read = True
        return row is not None

    def mark_all_read(self) -> None:
        for row in self._rows:
            row.read = True


@dataclass(slots=True)
class ChatRow:
    """One stored chat message."""

    peer_id: str
    message: str
    subject: str = ""
    """An order id for order chat; empty for direct chat."""
    outgoing: bool = False
    read: bool = False
    message_id: str = field(default_factory=random_cid)
    timestamp: str = field(default_factory=lambda: rfc3339_nano(datetime.now(UTC)))
    """RFC 3339 with nanoseconds, as the node writes it."""

    @classmethod
    def from_wire(cls, data: Mapping[str, Any]) -> ChatRow:
        """From the inner dict of a ``message`` frame."""
        return cls(
            peer_id=str(data.get("peerId", "")),
            message=str(data.get("message", "")),
            subject=str(data.get("subject", "")),
            outgoing=bool(data.get("outgoing", False)),
            read=bool(data.get("read", False)),
            message_id=str(data.get("messageId") or random_cid()),
            timestamp=str(data.get("timestamp") or rfc3339_nano(datetime.now(UTC))),
        )

    def as_wire(self) -> dict[str, Any]:
        """The shape of a ``message`` frame and of ``GET /ob/chatmessages`` entries."""
        return {
            "message": self.message,
            "messageId": self.message_id,
            "outgoing": self.outgoing,
            "peerId": self.peer_id,
            "read": self.read,
            "subject": self.subject,
            "timestamp": self.timestamp,
        }


class ChatStore:
    """Chat history per peer and subject, in arrival order."""

    def __init__(self) -> None:
        self._messages: list[ChatRow] = []

    def add(self, message: ChatRow) -> ChatRow:
        self._messages.append(message)
        return message

    def messages(
        self, peer_id: str, subject: str = "", limit: int = -1, offset_id: str = ""
    ) -> list[ChatRow]:
        """Newest first; ``offset_id`` pages to messages older than that one."""
        found = [m for m in self._messages if m.peer_id == peer_id and m.subject == subject]
        found.reverse()
        if offset_id:
            index = next((i for i, m in enumerate(found) if m.message_id == offset_id), None)
            found = [] if index is None else found[index + 1 :]
        return found if limit < 0 else found[:limit]

    def conversations(self) -> list[dict[str, Any]]:
        """``GET /ob/chatconversations``: one entry per peer with direct chat, newest first."""
        latest: dict[str, ChatRow] = {}
        unread: dict[str, int] = {}
        for message in self._messages:
            if message.subject:
                continue
            latest[message.peer_id] = message
            if not message.outgoing and not message.read:
                unread[message.peer_id] = unread.get(message.peer_id, 0) + 1
        order = sorted(latest, key=lambda p: self._messages.index(latest[p]), reverse=True)
        return [
            {
                "lastMessage": latest[peer].message,
                "outgoing": latest[peer].outgoing,
                "peerId": peer,
                "timestamp": latest[peer].timestamp,
                "unread": unread.get(peer, 0),
            }
            for peer in order
        ]

    def mark_read(self, peer_id: str, subject: str = "") -> int:
        """Mark incoming messages of one conversation read; returns how many changed."""
        changed = 0
        for message in self._messages:
            if (
                message.peer_id == peer_id
                and message.subject == subject
                and not message.outgoing
                and not message.read
            ):
                message.read = True
                changed += 1
        return changed
