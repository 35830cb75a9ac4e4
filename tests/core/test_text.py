"""Node text to readable plain text: entities once, one line, clipped at a word; ids checked."""

from __future__ import annotations

import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from obnotify.core import text
from obnotify.core.ids import is_ipfs_hash, is_peer_id, safe_id, short_id
from obnotify.core.text import clip, one_line, unescape


def reference_one_line(value: str) -> str:
    """``one_line`` without its fast path: what it must always equal."""
    return text._SPACE.sub(" ", text._CONTROL.sub("", value)).strip()


@pytest.mark.parametrize(
    ("raw", "plain"),
    [
        ("&amp;amp;", "&amp;"),
        ("Price &amp; shipping to &#39;Berlin&#39;?", "Price & shipping to 'Berlin'?"),
        ("&lt;b&gt;", "<b>"),
        ("<b>kept</b>", "<b>kept</b>"),
        ("&#x110000;", "\ufffd"),
        ("&#0;", "\ufffd"),
        ("&nosuch;", "&nosuch;"),
        ("AT&T", "AT&T"),
        ("", ""),
    ],
)
def test_unescape_once(raw: str, plain: str) -> None:
    assert unescape(raw) == plain


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        ("a\nb", "a b"),
        ("  a \t\r\n b  ", "a b"),
        ("a\u2028b\u00a0c", "a b c"),
        ("\u202eevil\u202c", "evil"),
        ("zero\u200bwidth", "zerowidth"),
        ("bell\x07", "bell"),
        ("clean text", "clean text"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_one_line(raw: str, line: str) -> None:
    assert one_line(raw) == line


def test_one_line_fast_path_is_exact_for_every_character() -> None:
    """The fast path skips the patterns for printable text; no character they touch may be printable."""
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if text._SPACE.match(char) or text._CONTROL.match(char):
            assert char == " " or not char.isprintable(), hex(code)


@settings(max_examples=300)
@given(st.text(max_size=60))
def test_one_line_equals_reference(value: str) -> None:
    assert one_line(value) == reference_one_line(value)


@pytest.mark.parametrize(
    ("value", "limit", "clipped"),
    [
        ("short", 10, "short"),
        ("exactly ten", 11, "exactly ten"),
        ("one two three four five six", 15, "one two three…"),
        ("one two three, four", 16, "one two three…"),
        ("x" * 30, 10, "x" * 9 + "…"),
        ("a " + "b" * 30, 10, "a " + "b" * 7 + "…"),
    ],
)
def test_clip(value: str, limit: int, clipped: str) -> None:
    assert clip(value, limit) == clipped
    assert len(clip(value, limit)) <= limit


def test_ids() -> None:
    assert is_ipfs_hash("QmYuSCXrR1Bk46VVjzVwE3aw9JcTLPKReYGv6pVHPzCJET")
    assert is_ipfs_hash("zb2rhdmv4SqzsxFzZK6tPeYkant6rRyFHDfJx3saUZLQsf6VT")
    assert is_ipfs_hash("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi")
    for bad in (
        "",
        "../x",
        "Qm" + "0" * 44,
        "Qm" + "a" * 43,
        "zb2rh",
        "QmYuSCXrR1Bk46VVjzVwE3aw9JcTLPKReYGv6pVHPzCJET\n",
    ):
        assert not is_ipfs_hash(bad)
    assert is_peer_id("QmeVMcgXsy9xyXshREU5avCYYPyrz5bgMZyTZjv44KhNnT")
    assert not is_peer_id("QmeVMcgX")
    assert safe_id("0xabc-1.2:3_") == "0xabc-1.2:3_"
    for bad in ("", "a b", "a/b", "a?b", "a&b", "a\nb", "x" * 201):
        assert safe_id(bad) == ""
    assert short_id("QmeVMcgXsy9xyXshREU5avCYYPyrz5bgMZyTZjv44KhNnT") == "QmeVMcgX…KhNnT"
    assert short_id("Qmo") == "Qmo"
