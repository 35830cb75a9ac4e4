"""Turning node text into plain text a person can read."""

from __future__ import annotations

import html
import re
from typing import Final

__all__ = ["clip", "one_line", "unescape"]

_SPACE: Final = re.compile(r"\s+")
_CONTROL: Final = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2066-\u2069]"
)


def unescape(value: str) -> str:
    """Undo the node's entity escaping, exactly once (``&amp;`` -> ``&``, ``&#39;`` -> ``'``).

    Tags that survived the node's sanitiser stay in the text as written: the
    result is plain text and must be escaped again by any renderer of markup.
    """
    if "&" not in value:
        return value
    return html.unescape(value)


def one_line(value: str) -> str:
    """Collapse whitespace and drop control and bidi-override characters."""
    # Most text is already one clean line. ``isprintable`` is false for every
    # character either pattern touches (controls, format characters, any
    # whitespace but the ASCII space), so such text comes back unchanged.
    if value.isprintable() and "  " not in value and value[:1] != " " and value[-1:] != " ":
        return value
    return _SPACE.sub(" ", _CONTROL.sub("", value)).strip()


def clip(value: str, limit: int) -> str:
    """Cut ``value`` to at most ``limit`` characters at a word boundary, with an ellipsis."""
    if len(value) <= limit:
        return value
    cut = value[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit * 2 // 3:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + "…"
