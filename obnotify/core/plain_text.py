"""Turning node text into plain text a person can read, and into log lines that stay one line."""

from __future__ import annotations

import re
import unicodedata
from typing import Final

__all__ = ["clip", "one_line", "printable", "strip_markup", "unescape"]

_SPACE: Final = re.compile(r"\s+")
_INVISIBLE: Final = re.compile(
    "["
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f"  # C0 and C1 controls (NEL is a line break)
    "\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180b-\u180f"
    "\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff0-\ufff8"
    "\U0001bca0-\U0001bca3\U0001d173-\U0001d17a\U000e0000-\U000e0fff"
    "]"
)
"""Controls, Unicode's Default_Ignorable_Code_Point set and every Bidi_Control: characters
that draw nothing, reorder what follows, or hide text inside a word."""

_SHOWN_INVISIBLE: Final = re.compile(
    "[\u034f\u115f\u1160\u17b4\u17b5\u180b-\u180d\u180f\u3164\ufe00-\ufe0f\uffa0"
    "\U000e0100-\U000e01ef]"
)
"""The members of that set that ``str.isprintable`` calls printable (marks and fillers)."""

_ZWJ: Final = "\u200d"
_PRESENTATION: Final = frozenset("\ufe0e\ufe0f")
"""Text and emoji presentation selectors."""
_KEYCAP_BASES: Final = frozenset("0123456789#*")
_KEYCAP: Final = "\u20e3"
_SKIN_TONES: Final = range(0x1F3FB, 0x1F400)


def unescape(value: str) -> str:
    """Undo the node's entity escaping, exactly once (``&amp;`` -> ``&``, ``&#39;`` -> ``'``).

    Tags that survived the node's sanitiser stay in the text as written: the
    result is plain text and must be escaped again by any renderer of markup.
    """
    if "&" not in value:
        return value
    # Loaded with the first entity: its table of names is a quarter of a megabyte.
    import html

    return html.unescape(value)


def strip_markup(value: str) -> str:
    """The plain text of node text that may still hold HTML, with entities decoded once.

    The node's sanitiser keeps the tags a user-content policy allows and even adds
    attributes (``<a href="http://x">`` arrives as ``<a href="http://x"
    rel="nofollow">``), but obnotify shows plain text only: tags go, the text
    inside them stays, ``<script>`` and ``<style>`` go with their content, and
    line-ending tags (``<br>``, ``<p>``) become line breaks so words stay apart.
    A ``<`` that opens no tag, as in ``1 &lt; 2``, stays. Pass the text as the
    node sent it, still escaped: this is its one unescaping.
    """
    if "<" not in value:
        return unescape(value)
    from obnotify.core.markup import text_of

    return text_of(value)


def one_line(value: str) -> str:
    """Collapse whitespace and drop controls, bidi controls and invisible characters.

    Emoji stay whole: a zero width joiner between two pictographs (👩‍💻) and a
    presentation selector after one (❤️, 1️⃣) are kept, as they only join or
    colour glyphs. Anywhere else they could hide text inside a word, so they go.
    """
    # Most text is already one clean line. ``isprintable`` is false for every
    # whitespace but the ASCII space and for nearly all invisible characters;
    # the few printable ones are looked for only in text beyond ASCII.
    if (
        value.isprintable()
        and (value.isascii() or not _SHOWN_INVISIBLE.search(value))
        and "  " not in value
        and value[:1] != " "
        and value[-1:] != " "
    ):
        return value
    return _SPACE.sub(" ", _INVISIBLE.sub(_keep_in_emoji, value)).strip()


def _keep_in_emoji(match: re.Match[str]) -> str:
    """The matched invisible character if it is part of an emoji sequence, else nothing."""
    char, text, at = match.group(), match.string, match.start()
    before = text[at - 1] if at > 0 else ""
    after = text[at + 1 : at + 2]
    if char in _PRESENTATION:
        if _is_pictograph(before) or (before in _KEYCAP_BASES and after == _KEYCAP):
            return char
    elif char == _ZWJ and _is_pictograph(after):
        if _is_pictograph(before) or ord(before or "\0") in _SKIN_TONES:
            return char
        if before in _PRESENTATION and at > 1 and _is_pictograph(text[at - 2]):
            return char
    return ""


def _is_pictograph(char: str) -> bool:
    return len(char) == 1 and unicodedata.category(char) == "So"


def printable(value: str, limit: int | None = None) -> str:
    """``value`` safe to write to a terminal or a log line: one line, nothing hidden.

    Every character ``str.isprintable`` rejects (C0 and C1 controls with ESC, CR
    and LF, bidi and other format characters, line separators, unassigned and
    private code points) and every invisible one becomes ``\\xNN``, ``\\uNNNN`` or
    ``\\UNNNNNNNN``, so node text can neither colour the terminal, move its cursor,
    reorder a line nor forge a new one.

    Args:
        value: Text from the node (or anywhere untrusted).
        limit: At most this many characters are returned; an escape is never cut.
    """
    if value.isprintable() and (value.isascii() or not _SHOWN_INVISIBLE.search(value)):
        return value if limit is None else value[:limit]
    pieces: list[str] = []
    size = 0
    for char in value:
        piece = char if char.isprintable() and not _SHOWN_INVISIBLE.match(char) else _escape(char)
        size += len(piece)
        if limit is not None and size > limit:
            break
        pieces.append(piece)
    return "".join(pieces)


def _escape(char: str) -> str:
    code = ord(char)
    if code <= 0xFF:
        return f"\\x{code:02x}"
    if code <= 0xFFFF:
        return f"\\u{code:04x}"
    return f"\\U{code:08x}"


def clip(value: str, limit: int) -> str:
    """Cut ``value`` to at most ``limit`` characters at a word boundary, with an ellipsis."""
    if len(value) <= limit:
        return value
    cut = value[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit * 2 // 3:
        cut = cut[:space]
    return cut.rstrip(" ,.;:-") + "…"
