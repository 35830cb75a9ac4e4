"""The balances table shows exact decimals, right-aligned in a fixed-pitch font."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetricsF
from pytestqt.qtbot import QtBot

from obnotify.core.events import CoinBalance, WalletBalances
from obnotify.core.money import Amount
from obnotify.ui.balances import EMPTY_TEXT, WAITING_TEXT, BalanceColumn, BalancesView

from .samples import sample_balances


def test_exact_decimals_for_one_wei_and_2657_sats(qtbot: QtBot) -> None:
    view = BalancesView()
    qtbot.addWidget(view)
    view.set_balances(sample_balances())
    assert view.table.rowCount() == 3
    assert view.amount_text(0, BalanceColumn.COIN) == "BTC · Bitcoin"
    assert view.amount_text(0, BalanceColumn.CONFIRMED) == "0.00002657"
    assert view.amount_text(0, BalanceColumn.UNCONFIRMED) == "0.0015"
    assert view.amount_text(0, BalanceColumn.HEIGHT) == "871,234"
    assert view.amount_text(1, BalanceColumn.CONFIRMED) == "0.000000000000000001"
    assert view.amount_text(1, BalanceColumn.UNCONFIRMED) == "0"
    assert view.amount_text(2, BalanceColumn.UNCONFIRMED) == "-0.42"
    assert view.amount_text(2, BalanceColumn.HEIGHT) == "—"


def test_numbers_are_right_aligned_monospace_with_exact_tooltips(qtbot: QtBot) -> None:
    view = BalancesView()
    qtbot.addWidget(view)
    view.set_balances(sample_balances())
    item = view.table.item(1, BalanceColumn.CONFIRMED)
    assert item is not None
    assert Qt.AlignmentFlag(item.textAlignment()) & Qt.AlignmentFlag.AlignRight
    metrics = QFontMetricsF(item.font())
    assert metrics.horizontalAdvance("1111.1111") == metrics.horizontalAdvance("0000.0000")
    assert "0.000000000000000001 ETH" in item.toolTip()
    assert "1 base units" in item.toolTip()


def test_waiting_note_until_the_first_update(qtbot: QtBot) -> None:
    view = BalancesView()
    qtbot.addWidget(view)
    view.show()
    assert view.waiting.isVisible() and not view.table.isVisible()
    view.set_balances(sample_balances())
    assert view.table.isVisible()
    view.set_balances(WalletBalances(coins=()))
    assert view.waiting.isVisible()


def _empty(code: str) -> CoinBalance:
    return CoinBalance(code=code, confirmed=Amount(0, 8, code), unconfirmed=Amount(0, 8, code))


def test_empty_wallets_are_left_out(qtbot: QtBot) -> None:
    view = BalancesView()
    qtbot.addWidget(view)
    view.show()
    coins = (_empty("BCH"), *sample_balances().coins, _empty("ZEC"))
    view.set_balances(WalletBalances(coins=coins))
    shown = [view.amount_text(row, BalanceColumn.COIN) for row in range(view.table.rowCount())]
    assert shown == ["BTC · Bitcoin", "ETH · Ethereum", "TLTC · Litecoin testnet"]
    one_row_less = view.height()
    view.set_balances(WalletBalances(coins=(_empty("BCH"), sample_balances().coins[0])))
    assert view.table.rowCount() == 1 and view.height() < one_row_less

    view.set_balances(WalletBalances(coins=(_empty("BCH"), _empty("BTC"))))
    assert view.waiting.isVisible() and view.waiting.text() == EMPTY_TEXT
    view.set_balances(WalletBalances(coins=()))
    assert view.waiting.text() == WAITING_TEXT
