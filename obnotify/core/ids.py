"""Checks on identifiers that end up in URLs, file names and routes."""

from __future__ import annotations

import re
from typing import Final
from urllib.parse import quote

__all__ = ["is_ipfs_hash", "is_peer_id", "path_segment", "safe_id", "short_id"]

_B58 = "1-9A-HJ-NP-Za-km-z"
_IPFS: Final = re.compile(
    rf"Qm[{_B58}]{{44}}"  # CIDv0: base58btc sha2-256 multihash
    rf"|z[{_B58}]{{45,120}}"  # CIDv1, base58btc multibase (zb2rh..., zdj7...)
    r"|b[a-z2-7]{50,120}"  # CIDv1, base32 multibase (bafy..., bafk...)
)
_PEER: Final = re.compile(rf"Qm[{_B58}]{{44}}|12D3Koo[{_B58}]{{45}}|[{_B58}]{{46,60}}")
_SAFE: Final = re.compile(r"[A-Za-z0-9._:\-]{1,200}")


def is_ipfs_hash(value: str) -> bool:
    """Whether ``value`` is a well-formed IPFS content id.

    Image hashes become a URL path and a cache file name further down; anything
    else (``../``, ``?``, spaces, an empty string) must never get that far.
    """
    return bool(_IPFS.fullmatch(value))


def is_peer_id(value: str) -> bool:
    """Whether ``value`` looks like a libp2p peer id (base58)."""
    return bool(_PEER.fullmatch(value))


def safe_id(value: str) -> str:
    """``value`` if it can go into a route or URL query unquoted, else ``""``.

    Dots alone (``.``, ``..``) are refused: in a URL path they are not a name but a
    step up, and ``/ob/marknotificationasread/..`` would reach ``/ob``.
    """
    return value if _SAFE.fullmatch(value) and value.strip(".") else ""


def path_segment(value: str) -> str:
    """``value`` as one percent-encoded URL path segment, or ``""`` when none can carry it.

    For ids a node names itself in any characters (a Matrix room is ``!abc:server``):
    every character that could end the segment or start a query is encoded, and dots
    alone are refused, since a URL reads them as a step and not a name
    (``/v1/chat/rooms/../messages`` is ``/v1/chat/messages``).
    """
    return quote(value, safe="") if value.strip(".") else ""


def short_id(value: str, keep: int = 8) -> str:
    """A peer or order id shortened for reading: ``QmeVMcgX…Nh7nT``."""
    if len(value) <= keep + 6:
        return value
    return f"{value[:keep]}…{value[-5:]}"
