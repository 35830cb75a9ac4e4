"""Showing untrusted text in Qt without it ever being read as markup.

Labels are set to ``Qt.PlainText``; tooltips cannot be, since Qt guesses their
format, so they are given explicit, escaped HTML instead.
"""

from __future__ import annotations

import html

__all__ = ["tooltip_html"]


def tooltip_html(*lines: str, bold_first: bool = False) -> str:
    """A tooltip showing ``lines`` literally, one per line.

    Args:
        lines: Plain text; any markup in it is shown as typed.
        bold_first: Set the first line in bold, as a heading.
    """
    escaped = [html.escape(line).replace("\n", "<br>") for line in lines if line]
    if bold_first and escaped:
        escaped[0] = f"<b>{escaped[0]}</b>"
    return "<qt>" + "<br>".join(escaped) + "</qt>"
