"""The pane under the activity list: the selected event in full, and a reply box for chat.

The reply goes to the peer and order named in the row's route, checked again
by ``chat_target``; the pane only says what the user typed and where it goes.
"""

from __future__ import annotations

import time
from typing import Final

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from obnotify.core.ids import short_id
from obnotify.core.routes import ChatTarget, chat_target
from obnotify.ui.history import HistoryRowLike, row_category
from obnotify.ui.icons import category_icon

__all__ = ["DetailPane"]

ICON_SIZE: Final = 32
EMPTY_TEXT: Final = "Select an event to see it in full."
REPLY_LIMIT: Final = 4000
"""Longest reply accepted in the box; chat messages are short."""


def _plain_label(parent: QWidget, *, wrap: bool = True, selectable: bool = True) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class DetailPane(QFrame):
    """The selected event: icon, title, body, time; Open and Mark read; a reply box for chat.

    Args:
        parent: The owning widget.
    """

    open_requested = Signal(object)
    """Open the shown row's route (the row is passed)."""
    mark_read_requested = Signal(object)
    """Mark the shown row as read (the row is passed)."""
    reply_requested = Signal(str, str, str)
    """Send a chat reply: peer id, subject (an order id, or empty) and the text."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._row: HistoryRowLike | None = None
        self._target: ChatTarget | None = None
        self._stack = QStackedWidget(self)
        self.empty = QLabel(EMPTY_TEXT, self)
        """Shown while no row is selected."""
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setEnabled(False)
        self._stack.addWidget(self.empty)

        page = QWidget(self)
        self.icon = QLabel(page)
        self.icon.setFixedSize(ICON_SIZE, ICON_SIZE)
        self.icon.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.title = _plain_label(page)
        """The event's title, plain text."""
        title_font = self.title.font()
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.08)
        self.title.setFont(title_font)
        self.body = _plain_label(page)
        """The event's body, plain text, in full."""
        self.meta = _plain_label(page, selectable=False)
        """When it came, and the chat or order it belongs to."""
        self.meta.setEnabled(False)
        self.open_button = QPushButton("Open", page)
        self.open_button.setToolTip("Open in the OpenBazaar app")
        self.open_button.clicked.connect(self.on_open_clicked)
        self.mark_read_button = QPushButton("Mark as read", page)
        self.mark_read_button.clicked.connect(self.on_mark_read_clicked)

        self.reply = QLineEdit(page)
        """The reply text; Enter sends it."""
        self.reply.setMaxLength(REPLY_LIMIT)
        self.reply.setClearButtonEnabled(True)
        self.reply.textChanged.connect(self.on_reply_text_changed)
        self.reply.returnPressed.connect(self.on_send_clicked)
        self.send_button = QPushButton("Send", page)
        self.send_button.setDefault(False)
        self.send_button.setEnabled(False)
        self.send_button.clicked.connect(self.on_send_clicked)
        self.reply_row = QWidget(page)
        """The reply box and its button, shown for chat rows only."""
        reply_layout = QHBoxLayout(self.reply_row)
        reply_layout.setContentsMargins(0, 4, 0, 0)
        reply_layout.addWidget(self.reply, 1)
        reply_layout.addWidget(self.send_button)

        text_column = QVBoxLayout()
        text_column.setSpacing(3)
        text_column.addWidget(self.title)
        text_column.addWidget(self.body)
        text_column.addWidget(self.meta)
        top = QHBoxLayout()
        top.setSpacing(10)
        top.addWidget(self.icon, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(text_column, 1)
        buttons = QVBoxLayout()
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.mark_read_button)
        buttons.addStretch(1)
        top.addLayout(buttons)
        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.addLayout(top)
        page_layout.addWidget(self.reply_row)
        self._stack.addWidget(page)
        self._page = page

        outer = QVBoxLayout(self)
        outer.setContentsMargins(10, 8, 10, 8)
        outer.addWidget(self._stack)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)
        self.show_row(None)

    @property
    def row(self) -> HistoryRowLike | None:
        """The row shown, or None."""
        return self._row

    @property
    def chat(self) -> ChatTarget | None:
        """Where a reply would go, when the shown row is a chat message."""
        return self._target

    def show_row(self, row: HistoryRowLike | None, *, unread: bool = False) -> None:
        """Show a row in full, or the hint to select one.

        Args:
            row: The selected row, or None.
            unread: Whether to offer "Mark as read".
        """
        previous = self._target
        self._row = row
        self._target = chat_target(row.route) if row is not None else None
        if row is None:
            self._stack.setCurrentWidget(self.empty)
            return
        self._stack.setCurrentWidget(self._page)
        self.icon.setPixmap(category_icon(row_category(row)).pixmap(ICON_SIZE, ICON_SIZE))
        self.title.setText(row.title)
        self.body.setText(row.body)
        self.body.setVisible(bool(row.body))
        self.meta.setText(self._meta_text(row))
        self.open_button.setEnabled(bool(row.route))
        self.mark_read_button.setVisible(unread)
        self.reply_row.setVisible(self._target is not None)
        if self._target != previous:
            self.reply.clear()
        if self._target is not None:
            self.reply.setPlaceholderText(self._reply_placeholder(self._target))

    def set_unread(self, unread: bool) -> None:
        """Offer "Mark as read" or not, for the row shown."""
        self.mark_read_button.setVisible(unread and self._row is not None)

    def on_open_clicked(self) -> None:
        if self._row is not None:
            self.open_requested.emit(self._row)

    def on_mark_read_clicked(self) -> None:
        if self._row is not None:
            self.mark_read_requested.emit(self._row)

    def on_reply_text_changed(self, text: str) -> None:
        self.send_button.setEnabled(bool(text.strip()) and self._target is not None)

    def on_send_clicked(self) -> None:
        text = self.reply.text().strip()
        if not text or self._target is None:
            return
        self.reply_requested.emit(self._target.peer_id, self._target.subject, text)
        self.reply.clear()

    @staticmethod
    def _meta_text(row: HistoryRowLike) -> str:
        stamp = time.strftime("%a %d %b %Y, %H:%M", time.localtime(row.received_at))
        return stamp

    @staticmethod
    def _reply_placeholder(target: ChatTarget) -> str:
        if target.subject:
            return f"Reply in the chat of order {short_id(target.subject)}"
        return "Reply"
