"""IPFS-style identifiers: base58btc, CIDv0 content hashes and random ids.

The node names images, notifications, messages and orders with CIDv0 strings
(``Qm`` + 44 base58 characters). Clients check that shape before an id goes
into a URL or a file name, so everything the simulated node invents must have
it too.
"""

from __future__ import annotations

import hashlib
import os
from typing import Final

__all__ = [
    "DEFAULT_PEER_ID",
    "b58encode",
    "cid_v0",
    "random_cid",
    "random_request_id",
    "random_token",
    "random_txid",
]

_ALPHABET: Final = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
_SHA2_256: Final = b"\x12\x20"
"""Multihash prefix: function sha2-256 (0x12), digest length 32 (0x20)."""

_REQUEST_ID_BYTES: Final = 16
"""The node's own async request ids are base58 of 16 random bytes."""


def b58encode(data: bytes) -> str:
    """Encode ``data`` in Bitcoin's base58 alphabet, keeping leading zero bytes as ``1``."""
    number = int.from_bytes(data, "big")
    digits: list[str] = []
    while number:
        number, rest = divmod(number, 58)
        digits.append(_ALPHABET[rest])
    zeros = len(data) - len(data.lstrip(b"\0"))
    return "1" * zeros + "".join(reversed(digits))


def cid_v0(data: bytes) -> str:
    """The CIDv0 of ``data``: base58 of the sha2-256 multihash (46 chars, ``Qm...``).

    Real IPFS hashes a UnixFS DAG node rather than the raw bytes; a client can
    not tell the difference and only the shape matters to it.
    """
    return b58encode(_SHA2_256 + hashlib.sha256(data).digest())


def random_cid() -> str:
    """A fresh, unique CIDv0-shaped id for notifications, messages and orders."""
    return b58encode(_SHA2_256 + os.urandom(32))


def random_request_id() -> str:
    """An async request id like the node generates when the client gives none."""
    return b58encode(os.urandom(_REQUEST_ID_BYTES))


def random_token(nbytes: int = 32) -> str:
    """A base58 secret, like the auth cookie value a node makes at start."""
    return b58encode(os.urandom(nbytes))


def random_txid() -> str:
    """A 64-hex-digit transaction id."""
    return os.urandom(32).hex()


DEFAULT_PEER_ID: Final = cid_v0(b"obnotify simulated node")
"""The simulated node's own peer id unless one is given."""
