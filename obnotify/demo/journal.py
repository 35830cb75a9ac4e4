"""What the simulated node was asked and what it sent: the record tests read.

Kept apart from the node's state (notifications, chat, wallet) because nothing
the node answers depends on it: it only counts and lists, so a test can check
what a client did to the node (how often it reconnected, which ids it marked
read, whether it sent credentials where none were wanted).
"""

from __future__ import annotations

from dataclasses import dataclass, field

__all__ = ["Journal"]


@dataclass(slots=True)
class Journal:
    """Counters and lists the node appends to as requests come and frames go."""

    handshake_attempts: int = 0
    """Requests to ``/ws``, refused or not."""
    connections_accepted: int = 0
    """Socket handshakes that succeeded (including ``accept_and_drop`` ones)."""
    credentials_seen: int = 0
    """Requests, REST or socket, that came with an ``Authorization`` header or the auth
    cookie, whether the node wanted them or not."""
    requests: list[tuple[str, str]] = field(default_factory=list)
    """Every HTTP request except ``/ws`` handshakes, refused or not: (method, path+query)."""
    client_messages: list[bytes] = field(default_factory=list)
    """Raw payloads clients sent on the socket (each was echoed to all clients)."""
    close_codes: list[int | None] = field(default_factory=list)
    """How each client's socket ended, in order: the code of the close frame it sent
    (1000 for a goodbye), or 1006 when it went without one, as the real node logs it."""
    frames_written: int = 0
    """Frames that reached an open socket: one broadcast to two clients counts two, one
    broadcast while no client is connected counts none."""
    read_ids: list[str] = field(default_factory=list)
    """Ids given to the mark-one-read route, in order, unknown ones too."""
    mark_all_read_calls: int = 0
    """How often the mark-all-read route was called."""
    chat_sent: list[dict[str, str]] = field(default_factory=list)
    """``POST /ob/chat`` bodies with the ``messageId`` the node gave each."""
    chat_read: list[tuple[str, str]] = field(default_factory=list)
    """(peer id, subject) of every ``POST /ob/markchatasread``."""
    profile_requests: list[tuple[str, list[str]]] = field(default_factory=list)
    """(request id, peer ids) of every ``POST /ob/fetchprofiles``."""
    images_in_flight: int = 0
    """Image requests being answered right now."""
    most_images_in_flight: int = 0
    """The highest ``images_in_flight`` has been."""
    endless_served: int = 0
    """Notifications and chat messages made up for endless pages (``Faults.endless_pages``,
    ``Faults.endless_chat_pages``) so far."""
