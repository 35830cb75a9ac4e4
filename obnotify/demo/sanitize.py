"""The node's HTML sanitiser, applied to every string it sends.

openbazaar-go runs each string value of a response or frame through
bluemonday's user-content policy before writing it: tags the policy allows are
kept, other tags are dropped (``script``, ``style``, ``iframe`` and friends
with their content), and the text between tags is entity-escaped, so
``'`` arrives as ``&#39;`` and ``&`` as ``&amp;``. Clients must undo that
exactly once; the simulated node reproduces it so they can be tested on it.

Text is parsed first (entities decoded) and then escaped again, which makes
the function idempotent: text that is already escaped comes out unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from html.parser import HTMLParser
from typing import Any, Final
from urllib.parse import urlsplit

__all__ = ["ALLOWED_TAGS", "escape_text", "sanitize_html", "sanitize_value"]

ALLOWED_TAGS: Final = frozenset(
    {
        "a", "abbr", "acronym", "b", "bdi", "blockquote", "br", "caption", "cite", "code",
        "col", "colgroup", "dd", "del", "dfn", "div", "dl", "dt", "em", "figcaption",
        "figure", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "ins", "kbd", "li",
        "mark", "ol", "p", "pre", "q", "rp", "rt", "ruby", "s", "samp", "small", "span",
        "strike", "strong", "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead",
        "tr", "tt", "u", "ul", "var", "wbr",
    }
)  # fmt: skip
"""Tags kept (without attributes, except a link's ``href``)."""

_SKIP_CONTENT: Final = frozenset(
    {
        "frame", "frameset", "iframe", "noembed", "noframes", "noscript", "nostyle",
        "object", "script", "style", "title",
    }
)  # fmt: skip
"""Tags dropped together with everything inside them."""

_LINK_SCHEMES: Final = frozenset({"", "http", "https", "mailto"})

_ESCAPES: Final = str.maketrans(
    {"&": "&amp;", "'": "&#39;", "<": "&lt;", ">": "&gt;", '"': "&#34;"}
)


def escape_text(text: str) -> str:
    """Go's ``html.EscapeString``: ``& ' < > "`` as entities."""
    return text.translate(_ESCAPES)


class _Sanitiser(HTMLParser):
    """Rebuilds the input from parser events, keeping only what the policy allows."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        """Pieces of the sanitised text, joined at the end."""
        self.skip_depth = 0
        """How many skip-content elements we are inside; their text is dropped."""
        self.open_links: list[bool] = []
        """For each open ``<a>``, whether it was kept (so its ``</a>`` is kept too)."""

    def _start(self, tag: str, attrs: list[tuple[str, str | None]], self_closing: bool) -> None:
        if tag in _SKIP_CONTENT:
            if not self_closing:
                self.skip_depth += 1
            return
        if self.skip_depth or tag not in ALLOWED_TAGS:
            return
        close = "/>" if self_closing else ">"
        if tag != "a":
            self.out.append(f"<{tag}{close}")
            return
        href = next((v for k, v in attrs if k == "href" and v), None)
        kept = href is not None and urlsplit(href.strip()).scheme.lower() in _LINK_SCHEMES
        if not self_closing:
            self.open_links.append(kept)
        if kept and href is not None:
            self.out.append(f'<a href="{escape_text(href.strip())}" rel="nofollow"{close}')

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, self_closing=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._start(tag, attrs, self_closing=True)

    def handle_endtag(self, tag: str) -> None:
        if tag in _SKIP_CONTENT:
            self.skip_depth = max(0, self.skip_depth - 1)
            return
        if self.skip_depth or tag not in ALLOWED_TAGS:
            return
        if tag == "a" and not (self.open_links and self.open_links.pop()):
            return
        self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        if not self.skip_depth:
            self.out.append(escape_text(data))


def sanitize_html(text: str) -> str:
    """One string as the node sends it.

    ``hello <b>bold</b> & 'quotes' null`` becomes
    ``hello <b>bold</b> &amp; &#39;quotes&#39; null``; ``<script>`` and
    ``<img>`` disappear. Comments, doctypes and attributes other than a safe
    link target are dropped.
    """
    if not any(c in text for c in "<>&'\""):
        return text
    parser = _Sanitiser()
    parser.feed(text)
    parser.close()
    return "".join(parser.out)


def sanitize_value(value: Any) -> Any:
    """A copy of JSON-like ``value`` with every string sanitised and null-valued keys dropped.

    Keys are left alone, as the node does; only values are rewritten.
    """
    if isinstance(value, str):
        return sanitize_html(value)
    if isinstance(value, Mapping):
        return {str(k): sanitize_value(v) for k, v in value.items() if v is not None}
    if isinstance(value, list | tuple):
        return [sanitize_value(v) for v in value]
    return value
