"""Splitting a text stream into frames, as ``obnotify render`` reads them.

Accepts one JSON document per line, the ``{"t", "frame"}`` lines of recorded
captures, and documents pretty-printed over many lines as the server sends them.
A broken document becomes one bad frame; the documents after it still come out.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Final

import msgspec

__all__ = ["split_documents", "unwrap_capture"]

MAX_DOCUMENT_CHARS: Final = 4 * 1024 * 1024


class _Capture(msgspec.Struct, forbid_unknown_fields=True):
    frame: str
    t: float | None = None


_capture_decoder = msgspec.json.Decoder(_Capture)


def unwrap_capture(document: str) -> str:
    """The frame text of a capture line, or the document itself when it is a frame."""
    if '"frame"' not in document:
        return document
    try:
        return _capture_decoder.decode(document).frame
    except (msgspec.DecodeError, msgspec.ValidationError):
        return document


def _depth_change(line: str, depth: int) -> int:
    """Nesting depth after ``line``, counting brackets outside strings."""
    if '"' not in line and "\\" not in line:
        return depth + line.count("{") + line.count("[") - line.count("}") - line.count("]")
    in_string = escaped = False
    for ch in line:
        if in_string:
            if escaped:
                escaped = False
            elif ch == "\\":
                escaped = True
            elif ch == '"':
                in_string = False
        elif ch == '"':
            in_string = True
        elif ch in "{[":
            depth += 1
        elif ch in "}]":
            depth -= 1
    # JSON strings never span lines: an open one is broken, and must not swallow what follows.
    return depth


def split_documents(lines: Iterable[str]) -> Iterator[str]:
    """Yield each document of the stream as text (bad ones too, for the decoder to reject)."""
    buffer: list[str] = []
    size = 0
    depth = 0
    for line in lines:
        if not buffer and not line.strip():
            continue
        if buffer and line[:1] in "{[":
            # A new top-level document starts while the last one never closed.
            yield "".join(buffer)
            buffer, size, depth = [], 0, 0
        buffer.append(line)
        size += len(line)
        depth = _depth_change(line, depth)
        if depth <= 0 or size > MAX_DOCUMENT_CHARS:
            yield "".join(buffer)
            buffer, size, depth = [], 0, 0
    if buffer and "".join(buffer).strip():
        yield "".join(buffer)
