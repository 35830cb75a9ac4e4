"""Reading ``ob://`` routes back: which chat a row belongs to, for the reply box. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from obnotify.core.ids import safe_id

__all__ = ["ChatTarget", "chat_target"]


@dataclass(frozen=True, slots=True)
class ChatTarget:
    """Where a reply goes: a peer, and the order id for order chat (empty for direct chat)."""

    peer_id: str
    subject: str = ""


def chat_target(route: str) -> ChatTarget | None:
    """The chat of a route ``ob://chat/PEER?subject=S``, or None for any other route.

    Routes are built from node data, so the parts are checked again here before
    they go back to the node as a reply's address.
    """
    parts = urlsplit(route)
    if parts.scheme != "ob" or parts.netloc != "chat":
        return None
    peer = parts.path.strip("/")
    if "/" in peer or not safe_id(peer):
        return None
    subjects = parse_qs(parts.query).get("subject", [])
    subject = subjects[0] if subjects else ""
    if subject and not safe_id(subject):
        return None
    return ChatTarget(peer_id=peer, subject=subject)
