"""What the detail pane shows of a recorded event: every fact the toast had, and more. Pure.

The toast is cut to fit a bubble; the detail pane has room for the whole of
it: full order and peer ids (which the user may copy), exact amounts, the
listing, the time left in a dispute window, a chat message in full. Which
fields an event kind gets, their labels and their texts are decided here; the
widget only lays them out, as plain text.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Final, Protocol

from obnotify.core.conversation import chat_text
from obnotify.core.decode import decode_event
from obnotify.core.events import (
    ChatMessage,
    DecodeError,
    Notification,
    Profile,
    Role,
    WalletTx,
)
from obnotify.core.events import NotificationType as T
from obnotify.core.ids import is_ipfs_hash, short_id
from obnotify.core.plain_text import clip, one_line
from obnotify.core.render import role_of
from obnotify.core.routes import ChatTarget, chat_target
from obnotify.core.wording import humanize_duration, person, plural

__all__ = [
    "Detail",
    "DetailField",
    "Recorded",
    "RecordedRow",
    "detail_of",
    "recorded_event",
]

ID_LIMIT: Final = 200
"""Characters of an id shown; real ids are under 100, a hostile node's are cut."""
TEXT_LIMIT: Final = 300
"""Characters of a listing title, a name, a memo."""
UNKNOWN_FIELDS: Final = 12
"""Fields of a notification type this version does not know, shown as sent."""

Recorded = Notification | ChatMessage | WalletTx
"""The events the history keeps the decoded value of."""


class RecordedRow(Protocol):
    """The fields of a history row the detail reads (``obnotify.store.row.HistoryRow``)."""

    @property
    def kind(self) -> str: ...
    @property
    def title(self) -> str: ...
    @property
    def body(self) -> str: ...
    @property
    def image(self) -> str: ...
    @property
    def route(self) -> str: ...
    @property
    def peer_id(self) -> str:
        """The other person the event is about, or empty."""
        ...

    @property
    def order_id(self) -> str:
        """The order (or dispute case) it is about, or empty."""
        ...


@dataclass(frozen=True, slots=True)
class DetailField:
    """One labelled line of the detail pane."""

    label: str
    text: str
    """Plain text, never markup."""
    copyable: bool = False
    """An id the user may want elsewhere: the pane gives it a copy button."""


@dataclass(frozen=True, slots=True)
class Detail:
    """Everything the detail pane shows of one row."""

    title: str
    body: str
    """The toast's body, or for chat the whole message (line breaks kept)."""
    fields: tuple[DetailField, ...]
    picture: str = ""
    """IPFS hash of the listing picture or the avatar, checked; or empty."""
    picture_kind: str = ""
    """``thumbnail`` or ``avatar``."""
    chat: ChatTarget | None = None
    """The conversation the row belongs to, for the reply box and the chat history."""
    outgoing: bool = False
    """For chat: the message shown is the user's own."""
    peer_name: str = ""
    """For chat: how the other person is named, heading their lines (a short id if unknown)."""


def recorded_event(kind: str, raw: str) -> Recorded | None:
    """The event a history row was recorded from (``Store.raw``), or None when pruned or bad."""
    if not raw:
        return None
    event = decode_event(kind, raw)
    return None if isinstance(event, DecodeError) else event


def _id(value: str) -> str:
    return one_line(value)[:ID_LIMIT]


def _text(value: str) -> str:
    return clip(one_line(value), TEXT_LIMIT)


_PEER_LABELS: Final = {
    Role.SELLER: "Buyer",
    Role.BUYER: "Seller",
    Role.MODERATOR: "Party",
}
_FOLLOW_LABELS: Final = {
    T.FOLLOW: "Follower",
    T.UNFOLLOW: "Follower",
    T.MODERATOR_ADD: "Added by",
    T.MODERATOR_REMOVE: "Removed by",
}
_BY_TYPES: Final = frozenset({T.MODERATOR_ADD, T.MODERATOR_REMOVE})
"""Their person is labelled "Added by": "Added by id" would not read, so "Peer id"."""
_CASE_TYPES: Final = frozenset({T.MODERATOR_DISPUTE_EXPIRY})
_EXPIRY_TYPES: Final = frozenset(
    {
        T.BUYER_DISPUTE_TIMEOUT,
        T.BUYER_DISPUTE_EXPIRY,
        T.VENDOR_DISPUTE_TIMEOUT,
        T.MODERATOR_DISPUTE_EXPIRY,
    }
)


def _name(peer_id: str, handle: str, peers: Mapping[str, Profile]) -> str:
    """A person's handle or profile name, or ``""`` when only the id is known."""
    return person("", handle, peers) or (person(peer_id, "", peers) if peer_id in peers else "")


def _people(
    label: str, peer_id: str, handle: str, peers: Mapping[str, Profile], id_label: str = ""
) -> list[DetailField]:
    """A person by name (when one is known) and by full peer id, which can be copied."""
    if not peer_id and not handle:
        return []
    fields: list[DetailField] = []
    name = _name(peer_id, handle, peers)
    if name:
        fields.append(DetailField(label, name))
    if peer_id:
        shown = (id_label or f"{label} id") if name else label
        fields.append(DetailField(shown, _id(peer_id), True))
    return fields


def _notification_fields(
    n: Notification, peers: Mapping[str, Profile], own_peer_id: str
) -> list[DetailField]:
    fields: list[DetailField] = []
    if n.title:
        fields.append(DetailField("Listing", _text(n.title)))
    if n.amount is not None:
        label = "Total paid" if n.type is T.PAYMENT else "Price"
        fields.append(DetailField(label, n.amount.format()))
    if n.order_id:
        label = "Case" if n.type in _CASE_TYPES else "Order"
        fields.append(DetailField(label, _id(n.order_id), True))
    if n.type in _EXPIRY_TYPES and n.expires_in is not None:
        left = humanize_duration(n.expires_in) if n.expires_in > 0 else "none, it has run out"
        fields.append(DetailField("Time left", left))
    label = _FOLLOW_LABELS.get(n.type) or _PEER_LABELS.get(role_of(n, own_peer_id), "From")
    fields += _people(
        label, n.peer_id, n.peer_handle, peers, id_label="Peer id" if n.type in _BY_TYPES else ""
    )
    if n.disputee_id and n.disputee_id != n.peer_id:
        fields += _people("Other party", n.disputee_id, n.disputee_handle, peers)
    if n.type is T.UNKNOWN:
        fields.append(DetailField("Type", _text(n.raw_type) or "unknown"))
        shown = [(k, v) for k, v in n.fields if k not in ("type", "notificationId") and v]
        fields += [DetailField(_text(k), _text(v)) for k, v in shown[:UNKNOWN_FIELDS]]
    return fields


def _chat_fields(m: ChatMessage, peers: Mapping[str, Profile]) -> list[DetailField]:
    fields = _people("Chat with", m.peer_id, "", peers, id_label="Peer id")
    if m.subject:
        fields.append(DetailField("Order", _id(m.subject), True))
    return fields


def _wallet_fields(tx: WalletTx) -> list[DetailField]:
    sign = "+" if tx.incoming else ""
    fields = [DetailField("Amount", sign + tx.value.format())]
    if tx.memo:
        fields.append(DetailField("Listing", _text(tx.memo)))
    if tx.order_id:
        fields.append(DetailField("Order", _id(tx.order_id), True))
    state = "unconfirmed" if tx.confirmations <= 0 else plural(tx.confirmations, "confirmation")
    fields.append(DetailField("Confirmations", state))
    if tx.height > 0:
        fields.append(DetailField("Block height", f"{tx.height:,}"))
    if tx.status:
        fields.append(DetailField("Status", _text(tx.status)))
    if tx.txid:
        fields.append(DetailField("Transaction id", _id(tx.txid), True))
    if tx.address:
        fields.append(DetailField("Address", _id(tx.address), True))
    return fields


def _row_fields(row: RecordedRow) -> list[DetailField]:
    """What the row itself kept, when its event is gone (pruned) or could not be read."""
    fields: list[DetailField] = []
    if row.order_id:
        fields.append(DetailField("Order", _id(row.order_id), True))
    if row.peer_id:
        fields.append(DetailField("Peer id", _id(row.peer_id), True))
    return fields


def _picture_kind(row: RecordedRow, event: Recorded | None) -> str:
    if isinstance(event, ChatMessage) or row.kind == "message":
        return "avatar"
    if isinstance(event, Notification) and event.type in _FOLLOW_LABELS:
        return "avatar"
    return "thumbnail"


def detail_of(
    row: RecordedRow,
    event: Recorded | None = None,
    *,
    peers: Mapping[str, Profile] | None = None,
    own_peer_id: str = "",
) -> Detail:
    """The detail of a history row, from its decoded event when the history still has it.

    Args:
        row: The recorded row: its title and body are what the toast said.
        event: The row's event (:func:`recorded_event`), or None.
        peers: Profiles by peer id, for names.
        own_peer_id: The node's own peer id, which tells the user's part in a dispute.
    """
    known = peers or {}
    body = row.body
    chat = chat_target(row.route)
    outgoing = False
    if isinstance(event, Notification):
        fields = _notification_fields(event, known, own_peer_id)
    elif isinstance(event, ChatMessage):
        fields = _chat_fields(event, known)
        body = chat_text(event.text) or row.body
        outgoing = event.outgoing
    elif isinstance(event, WalletTx):
        fields = _wallet_fields(event)
    else:
        fields = _row_fields(row)
    picture = row.image if is_ipfs_hash(row.image) else ""
    return Detail(
        title=row.title,
        body=body,
        fields=tuple(fields),
        picture=picture,
        picture_kind=_picture_kind(row, event) if picture else "",
        chat=chat,
        outgoing=outgoing,
        peer_name=(_name(chat.peer_id, "", known) or short_id(chat.peer_id)) if chat else "",
    )
