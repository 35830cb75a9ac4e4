"""The wallet balances table: one row per coin, exact amounts in a monospace font.

Amounts are shown with ``Amount.decimal_text()``, never through a float, so one
wei and one satoshi show as exactly that. Wallets with nothing in them are left
out (a node lists every coin it supports); when all are empty, a note says so.
"""

from __future__ import annotations

import enum
from typing import Final

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFrame,
    QHeaderView,
    QLabel,
    QStackedLayout,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from obnotify.core.events import CoinBalance, WalletBalances
from obnotify.core.money import Amount
from obnotify.core.wallet import held_coins
from obnotify.ui.plain import tooltip_html

__all__ = ["BalanceColumn", "BalancesView"]

NO_HEIGHT: Final = "—"
WAITING_TEXT: Final = "Waiting for the node's wallet…"
EMPTY_TEXT: Final = "No funds in any of the node's wallets."
ROW_HEIGHT_FACTOR: Final = 1.6


class BalanceColumn(enum.IntEnum):
    """The table's columns, in order."""

    COIN = 0
    CONFIRMED = 1
    UNCONFIRMED = 2
    HEIGHT = 3


_HEADERS: Final = ("Coin", "Confirmed", "Unconfirmed", "Block height")
_NUMBER_ALIGN: Final = Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter
_TEXT_ALIGN: Final = Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter


def coin_label(coin: CoinBalance) -> str:
    """``BTC · Bitcoin``, or the bare code when the node sent no name."""
    name = " ".join(coin.name.split())
    return f"{coin.code} · {name}" if name and name != coin.code else coin.code


def _amount_tooltip(amount: Amount) -> str:
    return tooltip_html(amount.format(), f"{amount.units:,} base units")


class BalancesView(QWidget):
    """A compact table of per-coin balances, or a short note until the first update.

    Args:
        parent: The owning widget.
    """

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.table = QTableWidget(0, len(BalanceColumn), self)
        """The balances; one row per coin that holds anything, in the order the node sent them."""
        for column, label in zip(BalanceColumn, _HEADERS, strict=True):
            heading = QTableWidgetItem(label)
            heading.setTextAlignment(_TEXT_ALIGN if column is BalanceColumn.COIN else _NUMBER_ALIGN)
            self.table.setHorizontalHeaderItem(column, heading)
        self.table.verticalHeader().setVisible(False)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setShowGrid(False)
        self.table.setWordWrap(False)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setFrameShape(QFrame.Shape.StyledPanel)
        self.table.verticalHeader().setDefaultSectionSize(
            round(self.table.fontMetrics().height() * ROW_HEIGHT_FACTOR)
        )
        header = self.table.horizontalHeader()
        header.setHighlightSections(False)
        header.setSectionResizeMode(BalanceColumn.COIN, QHeaderView.ResizeMode.Stretch)
        for column in (BalanceColumn.CONFIRMED, BalanceColumn.UNCONFIRMED, BalanceColumn.HEIGHT):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.ResizeToContents)
        self.waiting = QLabel(WAITING_TEXT, self)
        """Shown instead of the table until the node reports its wallet, or when all are empty."""
        self.waiting.setTextFormat(Qt.TextFormat.PlainText)
        self.waiting.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.waiting.setEnabled(False)
        self._stack = QStackedLayout(self)
        self._stack.setContentsMargins(0, 0, 0, 0)
        self._stack.addWidget(self.waiting)
        self._stack.addWidget(self.table)
        self._mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        self._fit_height()

    def set_balances(self, balances: WalletBalances) -> None:
        """Show the balances of a ``walletUpdate`` frame or ``GET /wallet/balance``.

        Coins with nothing confirmed or unconfirmed are not shown.
        """
        coins = held_coins(balances)
        self.table.setRowCount(len(coins))
        for row, coin in enumerate(coins):
            name = QTableWidgetItem(coin_label(coin))
            name.setToolTip(tooltip_html(coin_label(coin)))
            self.table.setItem(row, BalanceColumn.COIN, name)
            self.table.setItem(row, BalanceColumn.CONFIRMED, self._amount_item(coin.confirmed))
            self.table.setItem(row, BalanceColumn.UNCONFIRMED, self._amount_item(coin.unconfirmed))
            height = f"{coin.height:,}" if coin.height > 0 else NO_HEIGHT
            self.table.setItem(row, BalanceColumn.HEIGHT, self._number_item(height))
        if not coins:
            self.waiting.setText(EMPTY_TEXT if balances.coins else WAITING_TEXT)
        self._stack.setCurrentWidget(self.table if coins else self.waiting)
        self._fit_height()

    def amount_text(self, row: int, column: BalanceColumn) -> str:
        """The text of one cell, for callers that check what is shown."""
        item = self.table.item(row, column)
        return item.text() if item is not None else ""

    def _number_item(self, text: str) -> QTableWidgetItem:
        item = QTableWidgetItem(text)
        item.setFont(self._mono)
        item.setTextAlignment(_NUMBER_ALIGN)
        return item

    def _amount_item(self, amount: Amount) -> QTableWidgetItem:
        item = self._number_item(amount.decimal_text())
        item.setToolTip(_amount_tooltip(amount))
        return item

    def _fit_height(self) -> None:
        """Size the table to its rows, so a few coins take no more room than they need."""
        rows = max(1, self.table.rowCount())
        height = (
            self.table.horizontalHeader().sizeHint().height()
            + rows * self.table.verticalHeader().defaultSectionSize()
            + 2 * self.table.frameWidth()
        )
        self.table.setFixedHeight(height)
        self.setFixedHeight(height)
