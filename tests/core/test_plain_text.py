"""Node text to readable plain text: entities once, one line, clipped at a word; ids checked."""

from __future__ import annotations

import re
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from obnotify.core import plain_text
from obnotify.core.ids import is_ipfs_hash, is_peer_id, safe_id, short_id
from obnotify.core.plain_text import clip, one_line, printable, strip_markup, unescape

IGNORABLE_OR_BIDI = [
    (0x00AD, 0x00AD),
    (0x034F, 0x034F),
    (0x061C, 0x061C),
    (0x115F, 0x1160),
    (0x17B4, 0x17B5),
    (0x180B, 0x180F),
    (0x200B, 0x200F),
    (0x202A, 0x202E),
    (0x2060, 0x206F),
    (0x3164, 0x3164),
    (0xFE00, 0xFE0F),
    (0xFEFF, 0xFEFF),
    (0xFFA0, 0xFFA0),
    (0xFFF0, 0xFFF8),
    (0x1BCA0, 0x1BCA3),
    (0x1D173, 0x1D17A),
    (0xE0000, 0xE0FFF),
]
"""Unicode's Default_Ignorable_Code_Point property with every Bidi_Control (Unicode 15)."""


def reference_one_line(value: str) -> str:
    """``one_line`` without its fast path: what it must always equal."""
    return plain_text._SPACE.sub(
        " ", plain_text._INVISIBLE.sub(plain_text._keep_in_emoji, value)
    ).strip()


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
    ("raw", "plain"),
    [
        ('<a href="http://x" rel="nofollow">link</a>', "link"),
        ('see <a href="http://x" rel="nofollow">link</a> now', "see link now"),
        ("<b><i>nested</i> bold</b>", "nested bold"),
        ("<script>alert(1)</script>hi", "hi"),
        ("<style>b{}</style><SCRIPT>x()</SCRIPT>ok", "ok"),
        ("1 &lt; 2", "1 < 2"),
        ("1 < 2", "1 < 2"),
        ("I <3 you, a<b", "I <3 you, a<b"),
        ("ends in <", "ends in <"),
        ("&lt;b&gt;typed&lt;/b&gt;", "<b>typed</b>"),
        ("&amp;amp; <i>x</i> &#39;q&#39;", "&amp; x 'q'"),
        ("line<br>two<p>three</p>", "line\ntwo\nthree\n"),
        ("<!-- hidden -->shown", "shown"),
        ("AT&T", "AT&T"),
        ("", ""),
    ],
)
def test_strip_markup_keeps_the_text_and_decodes_entities_once(raw: str, plain: str) -> None:
    assert strip_markup(raw) == plain


@settings(max_examples=500)
@given(
    st.lists(
        st.sampled_from(
            [
                "a",
                " ",
                ">",
                "b",
                "/",
                "=",
                '"',
                "!",
                "-",
                "<b>",
                "</i>",
                "<br/>",
                "<script>x</script>",
            ]
        )
    )
)
def test_strip_markup_leaves_no_tag(parts: list[str]) -> None:
    """Text between tags is kept as it was, and no part of a tag is left."""
    value = "".join(parts)
    plain = strip_markup(value)
    assert "<" not in plain, plain
    assert plain.replace("\n", "") == re.sub(r"<[^>]*>|x(?=</script>)", "", value)


@pytest.mark.parametrize(
    ("raw", "line"),
    [
        ("a\nb", "a b"),
        ("  a \t\r\n b  ", "a b"),
        ("a\u2028b\u00a0c", "a b c"),
        ("\u202eevil\u202c", "evil"),
        ("zero\u200bwidth", "zerowidth"),
        ("bell\x07", "bell"),
        ("\ufeffBOM", "BOM"),
        ("arabic\u061cmark", "arabicmark"),
        ("\u2066isolate\u2069", "isolate"),
        ("soft\u00adhyphen", "softhyphen"),
        ("\u3164filler", "filler"),
        ("tag\U000e0041\U000e007fs", "tags"),
        ("csi\x9b31m", "csi31m"),
        ("next\x85line", "next line"),
        ("👩\u200d💻", "👩\u200d💻"),
        ("👩🏽\u200d💻", "👩🏽\u200d💻"),
        ("🏳\ufe0f\u200d🌈", "🏳\ufe0f\u200d🌈"),
        ("❤\ufe0f", "❤\ufe0f"),
        ("1\ufe0f\u20e3", "1\ufe0f\u20e3"),
        ("Al\u200dice", "Alice"),
        ("Al\ufe0fice", "Alice"),
        ("\u200d💻", "💻"),
        ("1\ufe0f", "1"),
        ("葛\U000e0100", "葛"),
        ("clean text", "clean text"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_one_line(raw: str, line: str) -> None:
    assert one_line(raw) == line


def test_every_ignorable_and_bidi_control_is_dropped_alone_and_in_a_word() -> None:
    for first, last in IGNORABLE_OR_BIDI:
        for code in range(first, last + 1):
            char = chr(code)
            assert one_line(f"a{char}b") == "ab", hex(code)
            assert one_line(char) == "", hex(code)


def test_one_line_fast_path_is_exact_for_every_character() -> None:
    """The fast path skips the patterns for printable text; what they touch must not pass it."""
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if plain_text._SPACE.match(char) or plain_text._INVISIBLE.match(char):
            fast = char.isprintable() and (
                char.isascii() or not plain_text._SHOWN_INVISIBLE.match(char)
            )
            assert char == " " or not fast, hex(code)


def test_printable_leaves_no_character_raw_that_a_terminal_would_act_on() -> None:
    for code in range(sys.maxunicode + 1):
        shown = printable(chr(code))
        assert shown.isprintable() and not plain_text._INVISIBLE.search(shown), hex(code)


@settings(max_examples=300)
@given(st.text(max_size=60))
def test_one_line_equals_reference(value: str) -> None:
    assert one_line(value) == reference_one_line(value)


@settings(max_examples=300)
@given(
    st.text(
        st.sampled_from(["a", " ", "👩", "❤", "1", "🏽", "\u200d", "\ufe0f", "\u20e3", "\u202e"]),
        max_size=12,
    )
)
def test_one_line_on_emoji_parts_equals_reference(value: str) -> None:
    assert one_line(value) == reference_one_line(value)
    assert "\u202e" not in one_line(value)


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("\x1b[31mred\x1b[0m", "\\x1b[31mred\\x1b[0m"),
        ("line\r\nobnotify: forged", "line\\x0d\\x0aobnotify: forged"),
        ("tab\there", "tab\\x09here"),
        ("csi\x9b2J", "csi\\x9b2J"),
        ("\u202eevil", "\\u202eevil"),
        ("zero\u200bwidth\ufeff", "zero\\u200bwidth\\ufeff"),
        ("sep\u2028arator", "sep\\u2028arator"),
        ("\U000e0041tag", "\\U000e0041tag"),
        ("\udcff surrogate", "\\udcff surrogate"),
        ("filler\u3164", "filler\\u3164"),
        ("plain text, ümlaut 😀", "plain text, ümlaut 😀"),
        ("", ""),
    ],
)
def test_printable_escapes_what_a_terminal_or_log_would_act_on(raw: str, shown: str) -> None:
    assert printable(raw) == shown


def test_printable_limit_never_cuts_an_escape() -> None:
    assert printable("ab\x1bcd", 3) == "ab"
    assert printable("ab\x1bcd", 6) == "ab\\x1b"
    assert printable("abcdef", 3) == "abc"


@settings(max_examples=300)
@given(st.text(max_size=60), st.integers(min_value=0, max_value=80))
def test_printable_output_is_one_visible_line(value: str, limit: int) -> None:
    shown = printable(value, limit)
    assert len(shown) <= limit
    assert shown.isprintable()
    assert not plain_text._INVISIBLE.search(shown)


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
    for bad in ("", ".", "..", "...", "a b", "a/b", "a?b", "a&b", "a\nb", "x" * 201):
        assert safe_id(bad) == ""
    assert short_id("QmeVMcgXsy9xyXshREU5avCYYPyrz5bgMZyTZjv44KhNnT") == "QmeVMcgX…KhNnT"
    assert short_id("Qmo") == "Qmo"
