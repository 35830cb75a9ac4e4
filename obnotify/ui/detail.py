"""The pane under the activity list: the selected event in full, its conversation, a reply box.

What it shows comes from :func:`obnotify.core.details.detail_of`; the pane only
lays it out, as plain text. With nothing selected it is one line high, so the
list has the room; a selected event asks for the height it reads best at
(:meth:`DetailPane.wanted_height`), and the window gives it that once and then
keeps the height the user drags it to: long content scrolls inside it.

The reply goes to the peer and order named in the row's route, checked again
by ``chat_target``; the pane only says what the user typed and where it goes.
The conversation is asked for (:attr:`DetailPane.conversation_requested`) and
shown when it comes (:meth:`DetailPane.show_conversation`), so a slow node
never holds up a selection.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Final

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QGuiApplication, QPixmap
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from obnotify.core.conversation import ChatLine
from obnotify.core.details import Detail, DetailField, detail_of
from obnotify.core.ids import short_id
from obnotify.core.routes import ChatTarget
from obnotify.ui.icons import category_icon
from obnotify.ui.listing import HistoryRowLike, row_category

__all__ = ["CHAT_LINES", "PANE_LINES", "PICTURE_SIZE", "DetailPane", "FieldGrid"]

PICTURE_SIZE: Final = 56
PANE_LINES: Final = 15
"""The height an event asks for, in lines of text: room for an order's fields."""
CHAT_LINES: Final = 21
"""The height a chat message asks for, in lines: its ids, a reply box and some ten lines of
the conversation."""
QWIDGETSIZE_MAX: Final = (1 << 24) - 1
"""Qt's "no maximum" for a widget's size, which PySide6 does not export."""
MIN_LINES: Final = 7
"""The least a shown event may be squeezed to: its heading and a few lines under it."""
PANE_MARGINS: Final = (10, 8, 10, 8)
EMPTY_TEXT: Final = "Select an event to see it in full."
LOADING_TEXT: Final = "Loading the conversation…"
REPLY_LIMIT: Final = 4000
"""Longest reply accepted in the box; chat messages are short."""
OPEN_TEXT: Final = "Open in OpenBazaar"
ID_FONT_SCALE: Final = 0.88


def _plain_label(parent: QWidget, *, wrap: bool = True, selectable: bool = True) -> QLabel:
    label = QLabel(parent)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setWordWrap(wrap)
    if selectable:
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


def _stamp(at: float, fmt: str = "%a %d %b %Y, %H:%M") -> str:
    return time.strftime(fmt, time.localtime(at))


class FieldGrid(QWidget):
    """Labelled lines of plain text; ids in a read-only box with a copy button beside them.

    Args:
        parent: The owning widget.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(0, 0, 0, 0)
        self._grid.setHorizontalSpacing(10)
        self._grid.setVerticalSpacing(2)
        self._grid.setColumnStretch(1, 1)
        self._cells: list[QWidget] = []
        self.values: dict[str, str] = {}
        """Each field's text by its label, as shown."""
        self.copy_buttons: dict[str, QToolButton] = {}
        """The copy button of each copyable field, by its label."""
        self.id_boxes: dict[str, QLineEdit] = {}
        """The read-only box of each copyable field, by its label."""

    def set_fields(self, fields: Sequence[DetailField]) -> None:
        """Show these fields in place of the ones before."""
        for cell in self._cells:
            self._grid.removeWidget(cell)
            cell.deleteLater()
        self._cells.clear()
        self.values.clear()
        self.copy_buttons.clear()
        self.id_boxes.clear()
        for line, field in enumerate(fields):
            label = _plain_label(self, wrap=False, selectable=False)
            label.setText(field.label)
            label.setEnabled(False)
            # An id's box is a line edit, taller than a label: its label is centred beside it.
            beside = Qt.AlignmentFlag.AlignVCenter if field.copyable else Qt.AlignmentFlag.AlignTop
            self._grid.addWidget(label, line, 0, beside)
            self._cells.append(label)
            if field.copyable:
                box = self._id_box(field.text)
                self.id_boxes[field.label] = box
                value: QWidget = box
                copy = QToolButton(self)
                copy.setText("Copy")
                copy.setToolTip(f"Copy the full {field.label.lower()}")
                copy.clicked.connect(lambda _checked=False, text=field.text: self._copy(text))
                self._grid.addWidget(copy, line, 2)
                self._cells.append(copy)
                self.copy_buttons[field.label] = copy
            else:
                text = _plain_label(self)
                text.setText(field.text)
                value = text
            self._grid.addWidget(value, line, 1)
            self._cells.append(value)
            self.values[field.label] = field.text

    def _id_box(self, text: str) -> QLineEdit:
        """A frameless read-only line: an id of any length fits, scrolls and selects whole."""
        box = QLineEdit(self)
        box.setReadOnly(True)
        box.setFrame(False)
        box.setTextMargins(0, 0, 0, 0)
        box.setText(text)
        box.setCursorPosition(0)
        box.setMinimumWidth(80)
        box.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        box.setStyleSheet("QLineEdit { background: transparent; border: none; padding: 0; }")
        # A little smaller than the text around it, so a full peer id fits at the window's
        # minimum width; the box scrolls for anything longer.
        font = box.font()
        font.setPointSizeF(font.pointSizeF() * ID_FONT_SCALE)
        box.setFont(font)
        return box

    @staticmethod
    def _copy(text: str) -> None:
        QGuiApplication.clipboard().setText(text)


class DetailPane(QFrame):
    """The selected event: picture, title, its fields; for chat the conversation and a reply box.

    Args:
        parent: The owning widget.
        now: The clock for the time of a reply just sent; Unix seconds.
    """

    open_requested = Signal(object)
    """"Open in OpenBazaar" was clicked: open the shown row's route there (the row is passed)."""
    mark_read_requested = Signal(object)
    """Mark the shown row as read (the row is passed)."""
    reply_requested = Signal(str, str, str)
    """Send a chat reply: peer id, subject (an order id, or empty) and the text."""
    conversation_requested = Signal(str, str)
    """A chat row is shown: fetch its conversation (peer id, subject) for
    :meth:`show_conversation`."""

    def __init__(
        self, parent: QWidget | None = None, *, now: Callable[[], float] = time.time
    ) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._now = now
        self._row: HistoryRowLike | None = None
        self._detail: Detail | None = None
        self._lines: list[ChatLine] = []
        self._ob_handler = False
        self._stack = QStackedWidget(self)
        self.empty = QLabel(EMPTY_TEXT, self)
        """Shown while no row is selected."""
        self.empty.setTextFormat(Qt.TextFormat.PlainText)
        self.empty.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty.setEnabled(False)
        self._stack.addWidget(self.empty)

        page = QWidget(self)
        self.picture = QLabel(page)
        """The listing picture or avatar when the cache has it, else the category's icon."""
        self.picture.setFixedSize(PICTURE_SIZE, PICTURE_SIZE)
        self.picture.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = _plain_label(page)
        """The event's title, plain text."""
        title_font = self.title.font()
        title_font.setBold(True)
        title_font.setPointSizeF(title_font.pointSizeF() * 1.08)
        self.title.setFont(title_font)
        self.meta = _plain_label(page, selectable=False)
        """When it came."""
        self.meta.setEnabled(False)
        self.open_button = QPushButton(OPEN_TEXT, page)
        """Shown only when the system has an ``ob://`` handler and the row has a route."""
        self.open_button.clicked.connect(self.on_open_clicked)
        self.mark_read_button = QPushButton("Mark as read", page)
        self.mark_read_button.clicked.connect(self.on_mark_read_clicked)

        heading = QVBoxLayout()
        heading.setSpacing(2)
        heading.addWidget(self.title)
        heading.addWidget(self.meta)
        heading.addStretch(1)
        buttons = QVBoxLayout()
        buttons.setSpacing(4)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.mark_read_button)
        buttons.addStretch(1)
        top = QHBoxLayout()
        top.setSpacing(10)
        top.addWidget(self.picture, 0, Qt.AlignmentFlag.AlignTop)
        top.addLayout(heading, 1)
        top.addLayout(buttons)

        self.content = QStackedWidget(page)
        """The event's fields, or for chat its conversation."""
        self.content.addWidget(self._info_page(page))
        self.content.addWidget(self._chat_page(page))

        page_layout = QVBoxLayout(page)
        page_layout.setContentsMargins(0, 0, 0, 0)
        page_layout.setSpacing(6)
        page_layout.addLayout(top)
        page_layout.addWidget(self.content, 1)
        self._stack.addWidget(page)
        self._page = page

        outer = QVBoxLayout(self)
        outer.setContentsMargins(*PANE_MARGINS)
        outer.addWidget(self._stack)
        self.show_row(None)

    def _info_page(self, parent: QWidget) -> QWidget:
        scroll = QScrollArea(parent)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget(scroll)
        self.body = _plain_label(inner)
        """The event's body, plain text, in full."""
        self.fields = FieldGrid(inner)
        """The event's fields."""
        column = QVBoxLayout(inner)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(6)
        column.addWidget(self.body)
        column.addWidget(self.fields)
        column.addStretch(1)
        scroll.setWidget(inner)
        self._info = scroll
        return scroll

    def _chat_page(self, parent: QWidget) -> QWidget:
        page = QWidget(parent)
        self.chat_fields = FieldGrid(page)
        """Who the chat is with and the order it is about, with copy buttons."""
        self.conversation = QListWidget(page)
        """The conversation with the peer (of the order, for order chat), oldest first."""
        self.conversation.setWordWrap(True)
        self.conversation.setUniformItemSizes(False)
        self.conversation.setResizeMode(QListWidget.ResizeMode.Adjust)
        # By message, not by pixel: the top message shown is always whole, never a cut line.
        self.conversation.setVerticalScrollMode(QListWidget.ScrollMode.ScrollPerItem)
        self.conversation.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.conversation.setSelectionMode(QListWidget.SelectionMode.NoSelection)
        self.conversation.setFocusPolicy(Qt.FocusPolicy.NoFocus)

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
        reply_layout.setContentsMargins(0, 0, 0, 0)
        reply_layout.addWidget(self.reply, 1)
        reply_layout.addWidget(self.send_button)

        column = QVBoxLayout(page)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(4)
        column.addWidget(self.chat_fields)
        column.addWidget(self.conversation, 1)
        column.addWidget(self.reply_row)
        self._chat = page
        return page

    # What the window and the controller call.

    @property
    def row(self) -> HistoryRowLike | None:
        """The row shown, or None."""
        return self._row

    @property
    def detail(self) -> Detail | None:
        """What is shown of the row, or None."""
        return self._detail

    def wanted_height(self) -> int:
        """The height the shown event reads best at; with nothing shown, the hint's one line."""
        if self._row is None:
            return self._lines_high(1)
        return self._lines_high(CHAT_LINES if self.chat is not None else PANE_LINES)

    def _lines_high(self, lines: int) -> int:
        top, bottom = PANE_MARGINS[1], PANE_MARGINS[3]
        return self.fontMetrics().lineSpacing() * lines + top + bottom + 2 * self.frameWidth()

    @property
    def chat(self) -> ChatTarget | None:
        """Where a reply would go, when the shown row is a chat message."""
        return self._detail.chat if self._detail is not None else None

    def show_row(
        self,
        row: HistoryRowLike | None,
        *,
        unread: bool = False,
        detail: Detail | None = None,
        picture: Path | None = None,
    ) -> None:
        """Show a row in full, or the hint to select one.

        Args:
            row: The selected row, or None.
            unread: Whether to offer "Mark as read".
            detail: What to show of it (:func:`obnotify.core.details.detail_of` with the
                row's event and the known profiles); without it, what the row kept.
            picture: The cached file of ``detail.picture`` (``ThumbnailCache.cached``).
        """
        previous_row, previous_chat = self._row, self.chat
        self._row = row
        if row is None:
            self._detail = None
            self._stack.setCurrentWidget(self.empty)
            self.setFixedHeight(self.wanted_height())
            return
        shown = detail if detail is not None else detail_of(row)
        self._detail = shown
        self._stack.setCurrentWidget(self._page)
        self.setMinimumHeight(self._lines_high(MIN_LINES))
        self.setMaximumHeight(QWIDGETSIZE_MAX)
        self.title.setText(shown.title)
        self.meta.setText(_stamp(row.received_at))
        self._show_picture(picture)
        self._update_open_button()
        self.mark_read_button.setVisible(unread)
        target = shown.chat
        if target is None:
            self.body.setText(shown.body)
            self.body.setVisible(bool(shown.body))
            self.fields.set_fields(shown.fields)
            self._info.verticalScrollBar().setValue(0)
            self.content.setCurrentWidget(self._info)
            return
        self.chat_fields.set_fields(shown.fields)
        self.content.setCurrentWidget(self._chat)
        self.reply.setPlaceholderText(self._reply_placeholder(target))
        if target != previous_chat:
            self.reply.clear()
        same_row = previous_row is not None and previous_row.rowid == row.rowid
        if not (same_row and target == previous_chat):
            self._show_lines([], note=LOADING_TEXT)
            self.conversation_requested.emit(target.peer_id, target.subject)

    def set_unread(self, unread: bool) -> None:
        """Offer "Mark as read" or not, for the row shown."""
        self.mark_read_button.setVisible(unread and self._row is not None)

    def set_ob_handler(self, present: bool) -> None:
        """Whether the system opens ``ob://`` links: only then is "Open in OpenBazaar" offered."""
        self._ob_handler = present
        self._update_open_button()

    def set_picture(self, image_hash: str, path: Path) -> None:
        """A picture downloaded after the row was shown: used if it is the shown row's."""
        if self._detail is not None and image_hash and self._detail.picture == image_hash:
            self._show_picture(path)

    def focus_reply(self) -> bool:
        """Put the cursor in the reply box ("Reply" on a chat toast).

        Returns:
            Whether a chat row is shown, so there was a reply box to focus.
        """
        if self.chat is None:
            return False
        self.reply.setFocus(Qt.FocusReason.OtherFocusReason)
        return True

    def show_conversation(self, peer_id: str, subject: str, lines: Sequence[ChatLine]) -> None:
        """The conversation asked for by :attr:`conversation_requested`, oldest first.

        Ignored when another row is shown by the time it comes.
        """
        if self.chat == ChatTarget(peer_id, subject):
            self._show_lines(list(lines))

    def show_conversation_failed(self, peer_id: str, subject: str, reason: str) -> None:
        """The conversation could not be read: say so, and why, under what is known."""
        if self.chat == ChatTarget(peer_id, subject):
            self._show_lines(self._lines, note=f"The conversation could not be loaded: {reason}")

    def show_sent(self, peer_id: str, subject: str, text: str) -> None:
        """A reply the node accepted: added to the conversation if it is the one shown."""
        if self.chat == ChatTarget(peer_id, subject):
            line = ChatLine(outgoing=True, text=text, timestamp=self._now())
            self._show_lines([*self._lines, line])

    def conversation_texts(self) -> list[str]:
        """The conversation's lines as shown, for callers that check what is on screen."""
        items = (self.conversation.item(i) for i in range(self.conversation.count()))
        return [item.text() for item in items if item is not None]

    # Slots.

    def on_open_clicked(self) -> None:
        if self._row is not None:
            self.open_requested.emit(self._row)

    def on_mark_read_clicked(self) -> None:
        if self._row is not None:
            self.mark_read_requested.emit(self._row)

    def on_reply_text_changed(self, text: str) -> None:
        self.send_button.setEnabled(bool(text.strip()) and self.chat is not None)

    def on_send_clicked(self) -> None:
        text = self.reply.text().strip()
        target = self.chat
        if not text or target is None:
            return
        self.reply_requested.emit(target.peer_id, target.subject, text)
        self.reply.clear()

    # Helpers.

    def _update_open_button(self) -> None:
        route = self._row.route if self._row is not None else ""
        self.open_button.setVisible(self._ob_handler and route.startswith("ob://"))

    def _show_picture(self, path: Path | None) -> None:
        pixmap = QPixmap(str(path)) if path is not None else QPixmap()
        if pixmap.isNull():
            if self._row is not None:
                icon = category_icon(row_category(self._row))
                self.picture.setPixmap(icon.pixmap(PICTURE_SIZE, PICTURE_SIZE))
            return
        ratio = self.devicePixelRatioF()
        size = round(PICTURE_SIZE * ratio)
        scaled = pixmap.scaled(
            size,
            size,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        scaled.setDevicePixelRatio(ratio)
        self.picture.setPixmap(scaled)

    def _show_lines(self, lines: list[ChatLine], note: str = "") -> None:
        self._lines = lines
        self.conversation.clear()
        shown = lines or self._fallback_lines()
        peer = self._detail.peer_name if self._detail is not None else ""
        for line in shown:
            who = "You" if line.outgoing else peer
            when = f" · {_stamp(line.timestamp, '%d %b, %H:%M')}" if line.timestamp else ""
            item = QListWidgetItem(f"{who}{when}\n{line.text}")
            if line.outgoing:
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            self.conversation.addItem(item)
        if note:
            hint = QListWidgetItem(note)
            hint.setFlags(Qt.ItemFlag.NoItemFlags)
            self.conversation.addItem(hint)
        self.conversation.scrollToBottom()

    def _fallback_lines(self) -> list[ChatLine]:
        """The shown message itself, until the conversation comes (or when it cannot)."""
        if self._detail is None or self._row is None:
            return []
        return [ChatLine(self._detail.outgoing, self._detail.body, self._row.received_at)]

    @staticmethod
    def _reply_placeholder(target: ChatTarget) -> str:
        if target.subject:
            return f"Reply in the chat of order {short_id(target.subject)}"
        return "Reply"
