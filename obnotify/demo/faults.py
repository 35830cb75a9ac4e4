"""How the simulated node misbehaves on purpose: one frozen value the tests set.

A node is not to be trusted, so tests make it slow, hostile or broken. Each way
is a field here with "behave" as its default, so one value says all a node does
wrong. A test changes it through :meth:`obnotify.demo.node.SimNode.set_faults`,
which runs on the node's loop (a threaded node carries the call there) and
wakes whatever waits on a fault, such as a held image request.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

__all__ = ["Faults", "MobazhaFaults"]


@dataclass(frozen=True, slots=True)
class Faults:
    """The fault modes of an OB node; the defaults are a node that behaves."""

    refuse_all: bool = False
    """Answer every request, socket or REST, with 403 (wrong credentials, IP not allowed)."""
    accept_and_drop: bool = False
    """Accept socket handshakes and close the connection at once, sending nothing."""
    rest_broken: bool = False
    """Answer every REST request with 500 and a body that is not JSON (the socket works)."""
    redirect_to: str = ""
    """A base URL (``http://host:port``) every request, socket or REST, is redirected to
    with a 302 to the same path there (``ws://`` for the socket)."""
    greeting: tuple[Mapping[str, Any], ...] = ()
    """Frames pushed to each client as soon as its socket is open."""
    profile_delay: float = 0.02
    """Seconds before async profile answers go out on the socket."""
    image_delay: float = 0.0
    """Seconds each image request waits before answering (a slow IPFS fetch)."""
    hold_images: bool = False
    """Image requests wait while this holds (a node stuck fetching from IPFS); see
    :meth:`obnotify.demo.node.SimNode.release_images`."""
    image_fail: frozenset[str] = frozenset()
    """Image hashes answered with 500."""
    failing_subjects: frozenset[str] = frozenset()
    """Order ids whose chat (``GET /ob/chatmessages/PEER?subject=ID``) is answered with 500."""
    padding: int = 0
    """Bytes of JSON whitespace streamed inside every JSON answer of the REST API: the
    same content, as large as a node gone wrong could make it. 0 sends answers as they are."""
    ignore_limit: bool = False
    """``GET /ob/notifications`` answers every stored notification, whatever ``limit`` says."""
    endless_pages: bool = False
    """Every ``GET /ob/notifications`` page holds ``limit`` new notifications, each older
    than the last: paging never reaches the end, nor a client's cursor."""
    endless_chat_pages: bool = False
    """Every ``GET /ob/chatmessages`` page holds ``limit`` new unread messages, each older
    than the last: paging never reaches the conversation's start, nor a client's anchor."""
    drip_interval: float = 0.0
    """Seconds between the bytes of every REST answer, which are spaces and never end
    while this is set: a node (or a path to it) that keeps a request alive forever.
    0 answers as usual."""


@dataclass(frozen=True, slots=True)
class MobazhaFaults(Faults):
    """A Mobazha node's fault modes: those of an OB node and two of its own."""

    chat_off: bool = False
    """The chat routes answer 503, as a node whose Matrix service is off."""
    whole_seconds: bool = False
    """Store timestamps in whole seconds, so events of one second tie (and fall
    between pages, as the node's ``timestamp <`` paging drops them)."""
