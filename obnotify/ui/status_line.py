"""The line under the balances: connection state, store publishing, who is typing.

Typing and a finished publish are passing news: they fade out by themselves.
Every text here may come from the node, so every label is plain text.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Final

from PySide6.QtCore import QEasingCurve, QPropertyAnimation, Qt, QTimer
from PySide6.QtWidgets import QGraphicsOpacityEffect, QHBoxLayout, QLabel, QWidget

from obnotify.core.connection import ConnState
from obnotify.core.tray_state import connection_text, derive_tray_state, next_attempt_text
from obnotify.ui.tray_icons import tray_icon

__all__ = ["FadingLabel", "StatusLine", "publishing_text"]

TYPING_VISIBLE_MS: Final = 5000
PUBLISHED_VISIBLE_MS: Final = 5000
FADE_MS: Final = 400
NAME_LIMIT: Final = 40
DOT_SIZE: Final = 16
COUNTDOWN_MS: Final = 1000

RetrySource = Callable[[], float | None]
"""The Unix time of a node's next attempt, or None while none is waiting."""

_PUBLISHING: Final[dict[str, tuple[str, bool]]] = {
    "publishing": ("Publishing your store…", False),
    "publish complete": ("Store published", True),
    "error publishing": ("Publishing your store failed", False),
}
"""Status text and whether it passes by itself, by the node's status string."""


def publishing_text(status: str) -> tuple[str, bool]:
    """What to show for a publishing status, and whether it fades out by itself.

    An unknown status is shown as sent (plain text), cut short, and fades.
    """
    key = " ".join(status.lower().split())
    if key in _PUBLISHING:
        return _PUBLISHING[key]
    flat = " ".join(status.split())[:60]
    return (f"Store: {flat}" if flat else "", True)


class FadingLabel(QLabel):
    """A plain-text label that can show a text for a while, then fade out and hide.

    Args:
        parent: The owning widget.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setTextFormat(Qt.TextFormat.PlainText)
        self._effect = QGraphicsOpacityEffect(self)
        self._effect.setOpacity(1.0)
        self.setGraphicsEffect(self._effect)
        self.timer = QTimer(self)
        """Runs while the text is shown; when it fires, the fade starts."""
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self.on_timer_timeout)
        self._fade = QPropertyAnimation(self._effect, b"opacity", self)
        self._fade.setDuration(FADE_MS)
        self._fade.setStartValue(1.0)
        self._fade.setEndValue(0.0)
        self._fade.setEasingCurve(QEasingCurve.Type.InOutQuad)
        self._fade.finished.connect(self.on_fade_finished)
        self.hide()

    def show_text(self, text: str, visible_ms: int | None) -> None:
        """Show ``text``; with ``visible_ms``, fade it out after that long."""
        self._fade.stop()
        self._effect.setOpacity(1.0)
        self.setText(text)
        self.setVisible(bool(text))
        if visible_ms is None or not text:
            self.timer.stop()
        else:
            self.timer.start(visible_ms)

    def on_timer_timeout(self) -> None:
        self._fade.start()

    def on_fade_finished(self) -> None:
        self.hide()
        self.clear()
        self._effect.setOpacity(1.0)


class StatusLine(QWidget):
    """Connection state with a coloured icon, publishing progress and typing news.

    While a node that is down waits to be tried again, the line counts down to it.

    Args:
        now: The clock, Unix seconds.
        parent: The owning widget.
    """

    def __init__(
        self, parent: QWidget | None = None, *, now: Callable[[], float] = time.time
    ) -> None:
        super().__init__(parent)
        self._now = now
        self._text = ""
        self._state = ConnState.CONNECTING
        self._retry: RetrySource | None = None
        self.countdown = QTimer(self)
        """Moves "next attempt in 12 s" on while a node waits to be tried again."""
        self.countdown.setInterval(COUNTDOWN_MS)
        self.countdown.timeout.connect(self._show_connection)
        self.dot = QLabel(self)
        """The tray icon of the connection state, small."""
        self.dot.setFixedSize(DOT_SIZE, DOT_SIZE)
        self.connection = QLabel(self)
        """The connection state, with the link's detail."""
        self.connection.setTextFormat(Qt.TextFormat.PlainText)
        self.connection.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.publishing = FadingLabel(self)
        self.typing = FadingLabel(self)
        font = self.typing.font()
        font.setItalic(True)
        self.typing.setFont(font)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(2, 0, 2, 0)
        layout.setSpacing(6)
        layout.addWidget(self.dot)
        layout.addWidget(self.connection, 1)
        layout.addWidget(self.typing)
        layout.addSpacing(12)
        layout.addWidget(self.publishing)
        self.set_connection(ConnState.CONNECTING, "")

    def set_connection(self, state: ConnState, detail: str) -> None:
        """Show a link state and what the link says of it."""
        text = connection_text(state)
        flat = " ".join(detail.split())
        self._text = f"{text} — {flat}" if flat else text
        self._state = state
        self._show_connection()
        icon = tray_icon(derive_tray_state(state, 0, False))
        self.dot.setPixmap(icon.pixmap(DOT_SIZE, DOT_SIZE))

    def set_retry_source(self, source: RetrySource | None) -> None:
        """Where the line reads when the node shown is tried again (None: nowhere)."""
        self._retry = source
        self._show_connection()

    def _show_connection(self) -> None:
        # The link picks its next attempt just after it says it is down: keep looking.
        waiting = self._retry is not None and self._state is not ConnState.CONNECTED
        if waiting and not self.countdown.isActive():
            self.countdown.start()
        elif not waiting:
            self.countdown.stop()
        retry_at = self._retry() if self._retry is not None and waiting else None
        if retry_at is None:
            self.connection.setText(self._text)
        else:
            self.connection.setText(f"{self._text} · {next_attempt_text(retry_at - self._now())}")

    def set_publishing(self, status: str) -> None:
        """Show the node's publishing status; a finished publish fades after a few seconds."""
        text, passing = publishing_text(status)
        self.publishing.show_text(text, PUBLISHED_VISIBLE_MS if passing else None)

    def show_typing(self, name: str) -> None:
        """Show "<name> is typing…" for a few seconds; each new call starts them again."""
        flat = " ".join(name.split())
        if len(flat) > NAME_LIMIT:
            flat = flat[: NAME_LIMIT - 1] + "…"
        self.typing.show_text(f"{flat or 'Someone'} is typing…", TYPING_VISIBLE_MS)
