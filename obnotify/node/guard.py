"""Who may be sent a node's password or cookie: only a node that proved itself and asked.

A node's credentials open it fully (its wallet too), so they go only where the node
is known to be and only once it has asked for them:

- In TLS, the handshake proves the node (its CA or its pinned certificate) before
  any byte of HTTP is written (:mod:`obnotify.node.tls`).
- In plain HTTP on this computer, anyone can listen on the node's port while the
  node is down. On Linux the kernel names the owner of every listening socket
  (``/proc/net/tcp`` and ``tcp6``): the credentials go only to a listener of the
  user's own, unless ``allow_insecure_auth`` says this setup is trusted (a node run
  by a service account).
- Every connection first asks without credentials. Only a node that refuses that
  (HTTP 401 or 403) is sent them, so a server that checks nothing never receives
  them, and "the node accepted the credentials" is said only of one that checked.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Final

from obnotify.node.config import NodeConfig, is_loopback
from obnotify.node.reach import port_of

__all__ = ["REFUSED", "SecretGate", "listener_uids", "loopback_owner_problem"]

PROC_NET: Final = (Path("/proc/net/tcp"), Path("/proc/net/tcp6"))
_LISTEN: Final = "0A"
"""The kernel's TCP_LISTEN state, as ``/proc/net/tcp`` writes it."""
REFUSED: Final = frozenset({401, 403})

ProcReader = Callable[[], list[str]]
"""The text of ``/proc/net/tcp`` and ``tcp6``; empty where the system has none."""


def _read_proc_net() -> list[str]:
    texts = []
    for path in PROC_NET:
        try:
            texts.append(path.read_text(encoding="ascii", errors="replace"))
        except OSError:
            continue
    return texts


def _address(hex_address: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    """The kernel writes each 32-bit word of an address in the machine's byte order."""
    raw = bytes.fromhex(hex_address)
    if sys.byteorder == "little":
        raw = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    return ipaddress.ip_address(raw)


def _reaches_loopback(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """Whether a socket bound here accepts connections made to a loopback address."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback or address.is_unspecified


def listener_uids(texts: list[str], port: int) -> set[int]:
    """The uids owning a listening socket on ``port`` that a loopback connection can reach."""
    uids: set[int] = set()
    for text in texts:
        for line in text.splitlines()[1:]:
            fields = line.split()
            if len(fields) < 8 or fields[3] != _LISTEN:
                continue
            hex_address, _, hex_port = fields[1].partition(":")
            try:
                if int(hex_port, 16) != port or not _reaches_loopback(_address(hex_address)):
                    continue
                uids.add(int(fields[7]))
            except ValueError:
                continue
    return uids


def loopback_owner_problem(
    config: NodeConfig, *, read: ProcReader = _read_proc_net, uid: int | None = None
) -> str:
    """Why the credentials must not go to what listens on the node's loopback port, or ``""``.

    Only plain HTTP to this computer is judged; TLS proves the node in its handshake,
    and a node elsewhere (or behind a proxy) is not this computer's to inspect.
    """
    if config.tls or config.proxy or config.allow_insecure_auth or not is_loopback(config.host):
        return ""
    texts = read()
    if not texts:
        return ""  # No /proc (not Linux): nothing to tell the owner by.
    port = port_of(config)
    own = os.getuid() if uid is None else uid
    others = sorted(u for u in listener_uids(texts, port) if u != own)
    if not others:
        return ""
    return (
        f"not sending the credentials: what listens on port {port} belongs to another user "
        f"(uid {others[0]}), not to you, so it may not be your node. Stop it and start your "
        "node, or, if the node runs under a service account on purpose, allow it with "
        "--allow-insecure-auth (allow_insecure_auth = true)"
    )


@dataclass
class SecretGate:
    """Whether the node has asked for credentials on the current connection.

    Shared by the socket and the REST clients of one node. The socket clears it
    at each new connection, so whatever answers after an outage is asked afresh.
    """

    asked: bool = False
    """The node refused a request made without credentials (HTTP 401 or 403)."""
    read: ProcReader = _read_proc_net

    def problem(self, config: NodeConfig) -> str:
        """Why the credentials may not be sent now, or ``""``."""
        return loopback_owner_problem(config, read=self.read)
