"""The text of an HTML fragment: what :func:`obnotify.core.plain_text.strip_markup` uses once
node text holds a tag. Apart, so that Python's HTML parser is loaded with the first such text
rather than by every app at start."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Final

__all__ = ["text_of"]

_BREAKS: Final = frozenset(
    {
        "br",
        "p",
        "div",
        "li",
        "ul",
        "ol",
        "blockquote",
        "pre",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "tr",
        "td",
        "th",
        "table",
        "hr",
        "dd",
        "dt",
    }
)
"""Elements that end a line or a cell: their tags become a line break, so words stay apart."""
_HIDDEN: Final = frozenset({"script", "style"})
"""Elements whose content is code, never text for a person."""


class _TextOnly(HTMLParser):
    """Collects the text of an HTML fragment; tags, comments and code are dropped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._hidden += 1
        elif tag in _BREAKS:
            self.pieces.append("\n")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BREAKS:
            self.pieces.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN:
            self._hidden = max(0, self._hidden - 1)
        elif tag in _BREAKS:
            self.pieces.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.pieces.append(data)


def text_of(fragment: str) -> str:
    """The text of ``fragment``, entities decoded; see :func:`obnotify.core.plain_text.strip_markup`."""
    parser = _TextOnly()
    parser.feed(fragment)
    parser.close()
    return "".join(parser.pieces)
