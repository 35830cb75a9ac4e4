"""A chat as the detail pane shows it: who said what, oldest first, as plain text. Pure."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Final

from obnotify.core.events import ChatMessage
from obnotify.core.plain_text import one_line, strip_markup

__all__ = ["ChatLine", "chat_text", "conversation", "node_timestamp"]

LINE_LIMIT: Final = 2000
"""Characters of one chat message shown in the conversation; the detail shows it whole."""


@dataclass(frozen=True, slots=True)
class ChatLine:
    """One message of a conversation."""

    outgoing: bool
    """Sent by the user (from this app or any other client of the node)."""
    text: str
    """Plain text, tags left by the node's sanitiser removed; may hold line breaks."""
    timestamp: float | None
    """Unix seconds of the node's timestamp, or None when it sent none that parses."""
    message_id: str = ""


def chat_text(text: str) -> str:
    """Chat text as plain lines: tags removed, each line cleaned, blank runs folded.

    ``text`` is a decoded event's, entities already undone once, so an ``&``
    left in it is the user's own and must not be read as an entity again.
    """
    if "<" in text:
        text = strip_markup(text.replace("&", "&amp;"))
    lines: list[str] = []
    for raw in text.splitlines():
        line = one_line(raw)
        if line or (lines and lines[-1]):
            lines.append(line)
    while lines and not lines[-1]:
        lines.pop()
    return "\n".join(lines)


def node_timestamp(value: str) -> float | None:
    """Unix seconds of an RFC 3339 time from the node (Go writes up to nine decimals)."""
    text = value.strip()
    if not text:
        return None
    if text.endswith(("Z", "z")):
        text = text[:-1] + "+00:00"
    head, dot, rest = text.partition(".")
    if dot:
        digits = len(rest) - len(rest.lstrip("0123456789"))
        text = f"{head}.{rest[: min(digits, 6)]}{rest[digits:]}" if digits else head + rest
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return None
    return parsed.timestamp()


def conversation(messages: Iterable[ChatMessage]) -> list[ChatLine]:
    """The lines of messages the node lists newest first, in reading order (oldest first)."""
    lines = [
        ChatLine(
            outgoing=m.outgoing,
            text=chat_text(m.text[: LINE_LIMIT * 2])[:LINE_LIMIT],
            timestamp=node_timestamp(m.timestamp),
            message_id=m.id,
        )
        for m in messages
    ]
    lines.reverse()
    return lines
