"""``obnotify render``: frames in, the toast each would become out, one JSON line each."""

from __future__ import annotations

import io
import sys
from typing import IO

import msgspec

from obnotify.core.decode import decode_frame
from obnotify.core.events import Profile, ProfileReply, WalletTx
from obnotify.core.render import RenderContext, render_record
from obnotify.core.stream import split_documents, unwrap_capture

__all__ = ["render_stream", "run_render"]


def render_stream(source: IO[str], out: IO[bytes], *, own_peer_id: str = "") -> int:
    """Render every frame of ``source`` to ``out``; returns how many frames were bad.

    Profile replies and transactions seen earlier in the stream inform later
    toasts, as they would in the running app.
    """
    peers: dict[str, Profile] = {}
    known_txids: set[str] = set()
    ctx = RenderContext(peers=peers, known_txids=known_txids, own_peer_id=own_peer_id)
    encoder = msgspec.json.Encoder()
    bad = 0
    for document in split_documents(source):
        event = decode_frame(unwrap_capture(document))
        record = render_record(event, ctx)
        if record["kind"] == "error":
            bad += 1
        out.write(encoder.encode(record) + b"\n")
        if isinstance(event, ProfileReply) and event.profile is not None:
            peers[event.peer_id] = event.profile
        elif isinstance(event, WalletTx) and event.txid:
            known_txids.add(event.txid)
    out.flush()
    return bad


def run_render(path: str, *, own_peer_id: str = "") -> int:
    """Entry point of the subcommand; exit status 0 even when some frames were bad."""
    try:
        if path == "-":
            source: IO[str] = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")
        else:
            source = open(path, encoding="utf-8", errors="replace")  # noqa: SIM115
    except OSError as exc:
        print(f"obnotify render: cannot read {path}: {exc.strerror}", file=sys.stderr)
        return 2
    with source:
        try:
            render_stream(source, sys.stdout.buffer, own_peer_id=own_peer_id)
        except BrokenPipeError:
            return 0
    return 0
