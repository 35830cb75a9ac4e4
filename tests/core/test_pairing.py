"""A sale announced once, and a repeated dispute warning shown once, on the dispatcher's fake clock.

The events are real frames (the demo node's factory), decoded and rendered as
the session does; :func:`pairing_of` says how each may pair, and the dispatcher is
driven by the same small screen as ``test_dispatch.py``.
"""

from __future__ import annotations

import json
from collections import Counter
from typing import Any, Final

import pytest

from obnotify.core.decode import decode_frame
from obnotify.core.dispatch import Delivered, Show
from obnotify.core.events import Event, Notification, NotificationType
from obnotify.core.pairing import (
    PAIRING_WAIT,
    SALE,
    SALE_MEMORY,
    Pairing,
    PairKey,
    Part,
    pairing_of,
)
from obnotify.core.policy import NotificationSettings, Source
from obnotify.core.render import Category, Toast, Urgency, category, render
from obnotify.demo.frames import FrameFactory

from .frames import ALICE, ORDER_A, ORDER_B
from .test_dispatch import CHAT, NOON, Screen

DAY: Final = 86400
F: Final = FrameFactory("0.14")
ORDER_TITLE: Final = "New order from @alice"
ORDER_BODY: Final = "Stoneware mug: 0.0005 BTC paid. Fulfil it from your sales."
SALE_BODY: Final = (
    "Stoneware mug is paid: 0.0005 BTC received (unconfirmed). Fulfil it from your sales."
)


def _decoded(frame: dict[str, Any]) -> Event:
    event = decode_frame(json.dumps(frame))
    assert not isinstance(event, Exception)
    return event  # type: ignore[return-value]


def order(order_id: str = ORDER_A) -> Event:
    return _decoded(
        F.notification_frame(
            F.order(
                buyer_id=ALICE,
                buyer_handle="alice",
                title="Stoneware mug",
                price=50_000,
                order_id=order_id,
            )
        )
    )


def payment(order_id: str = ORDER_A, confirmations: int = 0, txid: str | None = None) -> Event:
    return _decoded(
        F.wallet(
            code="BTC",
            value=50_000,
            memo="Stoneware mug",
            order_id=order_id,
            confirmations=confirmations,
            txid=txid,
        )
    )


def warning(expires_in: int, order_id: str = ORDER_A) -> Event:
    return _decoded(
        F.notification_frame(F.buyer_dispute_expiry(expires_in=expires_in, order_id=order_id))
    )


def hand_in(
    screen: Screen, event: Event, source: Source = Source.SOCKET, *, node: str = "shop"
) -> int:
    """Hand an event to the dispatcher as the router does: its toast, category and pairing."""
    rowid = screen.new_row(node)
    toast = render(event)
    out = screen.dispatcher.event(
        node, rowid, toast, category(event), source, f"row {rowid}", pairing_of(event)
    )
    screen.carry_out(out)
    return rowid


def delivered_with(screen: Screen, show: Show[str]) -> tuple[int, ...]:
    """The rows a toast carries: what reporting it shown delivers."""
    [delivered] = screen.dispatcher.shown(show.ticket, True)
    assert isinstance(delivered, Delivered)
    return delivered.rowids


# What pairs up -----------------------------------------------------------------------------


def test_an_order_its_payment_and_dispute_warnings_name_their_fold() -> None:
    sale = PairKey(SALE, ORDER_A)
    assert pairing_of(order()) == Pairing(sale, Part.ORDER, "Stoneware mug")
    assert pairing_of(payment()) == Pairing(sale, Part.PAYMENT, "0.0005 BTC received (unconfirmed)")
    assert pairing_of(payment(confirmations=2)) == Pairing(
        sale, Part.PAYMENT, "0.0005 BTC received (2 confirmations)"
    )
    expiry = pairing_of(warning(DAY))
    assert expiry == Pairing(PairKey("buyerDisputeExpiry", ORDER_A), Part.WARNING)
    seller = _decoded(
        F.notification_frame(F.vendor_dispute_timeout(expires_in=DAY, purchase_order_id=ORDER_A))
    )
    assert pairing_of(seller) == Pairing(PairKey("vendorDisputeTimeout", ORDER_A), Part.WARNING)


def test_what_does_not_fold() -> None:
    outgoing = _decoded(F.wallet(code="BTC", value=-50_000, order_id=ORDER_A))
    funds = _decoded(F.wallet(code="BTC", value=50_000))
    chat = _decoded(F.message(peer_id=ALICE, text="hi", subject=ORDER_A))
    dispute = _decoded(F.notification_frame(F.dispute_open(
        disputer_id=ALICE, disputee_id=ALICE, buyer=ALICE, order_id=ORDER_A)))  # fmt: skip
    for event in (outgoing, funds, chat, dispute):
        assert pairing_of(event) is None, event


def test_an_order_without_a_title_names_the_order() -> None:
    event = order()
    assert isinstance(event, Notification)
    untitled = Notification(
        id=event.id, type=NotificationType.ORDER, raw_type="order", order_id=ORDER_A
    )
    pairing = pairing_of(untitled)
    assert pairing is not None and pairing.words == "Order QmbMY8sG…kWFAZ"


# A sale -------------------------------------------------------------------------------------


def test_an_order_goes_out_at_once_and_its_payment_joins_the_history_quietly() -> None:
    screen = Screen(answer=False)
    first = hand_in(screen, order())
    [shown] = screen.shown
    assert shown.at == 0, "an order toast is never held"
    assert (shown.toast.title, shown.toast.body) == (ORDER_TITLE, ORDER_BODY)
    assert shown.payload == f"row {first}", "a click opens the order"
    assert screen.dispatcher.next_tick() is None, "nothing waits on the payment"
    screen.wait(1.0)
    second = hand_in(screen, payment())
    assert len(screen.shown) == 1, "the payment has no toast of its own"
    assert screen.delivered == Counter({("shop", second): 1}), "it goes straight to history"
    [ticket] = screen.unanswered
    [delivered] = screen.dispatcher.shown(ticket, True)
    assert delivered == Delivered("shop", (first,))
    assert screen.dispatcher.next_tick() is None


def test_a_payment_and_then_its_order_make_one_toast_carrying_both_rows() -> None:
    screen = Screen(answer=False)
    first = hand_in(screen, payment())
    assert screen.shown == [], "the payment waits for its order"
    assert screen.dispatcher.next_tick() == PAIRING_WAIT
    screen.wait(1.0)
    second = hand_in(screen, order())
    [shown] = screen.shown
    assert shown.at == 1.0, "out the moment the order is in"
    assert (shown.toast.title, shown.toast.body) == (ORDER_TITLE, SALE_BODY)
    assert shown.payload == f"row {second}", "a click opens the order"
    [ticket] = screen.unanswered
    [delivered] = screen.dispatcher.shown(ticket, True)
    assert delivered == Delivered("shop", (first, second))
    assert screen.dispatcher.next_tick() is None


def test_a_payment_that_comes_first_waits_for_its_order() -> None:
    screen = Screen()
    hand_in(screen, payment())
    screen.wait(PAIRING_WAIT - 0.5)
    hand_in(screen, order())
    assert [(s.toast.title, s.toast.body) for s in screen.shown] == [(ORDER_TITLE, SALE_BODY)]
    screen.assert_each_delivered_once()


def test_the_sale_toast_is_the_orders_toast_with_the_payments_news() -> None:
    screen = Screen()
    hand_in(screen, payment())
    hand_in(screen, order())
    own = render(order())
    assert own is not None
    assert screen.shown[0].toast == Toast(
        title=ORDER_TITLE,
        body=SALE_BODY,
        urgency=Urgency.NORMAL,
        route=own.route,
        image=own.image,
        image_kind=own.image_kind,
        actions=own.actions,
        group=own.group,
        sound=True,
    )


def test_a_payment_alone_goes_out_once_the_wait_is_over() -> None:
    screen = Screen()
    hand_in(screen, payment())
    screen.wait(PAIRING_WAIT - 0.1)
    assert screen.shown == []
    screen.wait(0.1)
    [shown] = screen.shown
    assert shown.at == PAIRING_WAIT
    assert shown.toast.title == "Payment received"
    screen.assert_each_delivered_once()


def test_a_payment_long_after_its_orders_toast_is_news_again() -> None:
    screen = Screen()
    hand_in(screen, order())
    screen.wait(SALE_MEMORY)
    hand_in(screen, payment())
    screen.wait(PAIRING_WAIT)
    assert [(s.at, s.toast.title) for s in screen.shown] == [
        (0, ORDER_TITLE),
        (SALE_MEMORY + PAIRING_WAIT, "Payment received"),
    ]
    screen.assert_each_delivered_once()


def test_an_order_toast_that_could_not_be_shown_leaves_its_payment_a_toast() -> None:
    screen = Screen(answer=False)
    hand_in(screen, order())
    [ticket] = screen.unanswered
    screen.carry_out(screen.dispatcher.shown(ticket, False))
    hand_in(screen, payment())
    screen.wait(PAIRING_WAIT)
    assert [s.toast.title for s in screen.shown] == [ORDER_TITLE, "Payment received"]


def test_orders_of_different_orders_or_nodes_do_not_fold() -> None:
    screen = Screen()
    hand_in(screen, order(ORDER_A))
    hand_in(screen, payment(ORDER_B))
    hand_in(screen, order(ORDER_B), node="home")
    hand_in(screen, payment(ORDER_A), node="home")
    assert [s.at for s in screen.shown] == [0, 0], "the orders at once"
    screen.wait(PAIRING_WAIT)
    assert Counter((s.node, s.toast.title) for s in screen.shown) == Counter(
        {
            ("shop", ORDER_TITLE): 1,
            ("shop", "Payment received"): 1,
            ("home", ORDER_TITLE): 1,
            ("home", "Payment received"): 1,
        }
    )
    assert all(s.toast.body != SALE_BODY for s in screen.shown)
    screen.assert_each_delivered_once()


def test_a_second_payment_of_one_order_is_news_of_its_own() -> None:
    screen = Screen()
    hand_in(screen, payment(txid="a" * 64))
    hand_in(screen, payment(txid="b" * 64))
    assert [s.toast.title for s in screen.shown] == ["Payment received"], "the second at once"
    hand_in(screen, order())
    assert [s.toast.body for s in screen.shown][-1] == SALE_BODY
    screen.assert_each_delivered_once()


def test_the_payment_takes_no_place_in_the_burst_window() -> None:
    screen = Screen(NotificationSettings(burst_limit=3))
    hand_in(screen, order())
    hand_in(screen, payment())
    screen.event(CHAT, Category.CHAT)
    screen.event(CHAT, Category.CHAT)
    assert [s.toast.title for s in screen.shown] == [ORDER_TITLE, "Alice", "Alice"]
    assert screen.summaries() == []
    screen.assert_each_delivered_once()


@pytest.mark.parametrize("payment_first", [False, True])
def test_catch_up_bringing_both_shows_one_toast(payment_first: bool) -> None:
    screen = Screen()
    events = [payment(), order()] if payment_first else [order(), payment()]
    for event in events:
        hand_in(screen, event, Source.CATCH_UP)
    screen.carry_out(screen.dispatcher.catch_up_finished("shop", 2))
    body = SALE_BODY if payment_first else ORDER_BODY
    assert [(s.toast.title, s.toast.body) for s in screen.shown] == [(ORDER_TITLE, body)]
    screen.wait(60)
    assert len(screen.shown) == 1, "no summary of what the toast carried"
    screen.assert_each_delivered_once()


def test_a_kill_while_held_or_before_the_report_leaves_every_row_pending() -> None:
    waiting = Screen()
    hand_in(waiting, payment())
    hand_in(waiting, warning(DAY))
    assert waiting.delivered == Counter(), "held rows are not delivered"

    failing = Screen(ok=False)
    hand_in(failing, payment())
    hand_in(failing, order())
    assert len(failing.shown) == 1
    assert failing.delivered == Counter(), "a sale toast that failed delivers neither row"

    restarted = Screen()
    hand_in(restarted, payment(), Source.CATCH_UP)
    hand_in(restarted, order(), Source.CATCH_UP)
    assert [s.toast.body for s in restarted.shown] == [SALE_BODY], "the next start pairs them again"
    restarted.assert_each_delivered_once()


def test_privacy_hides_the_amount_of_the_sale() -> None:
    screen = Screen(NotificationSettings(privacy=True))
    hand_in(screen, payment())
    hand_in(screen, order())
    [shown] = screen.shown
    assert shown.toast.body == (
        "Stoneware mug is paid: (amount hidden) received (unconfirmed). Fulfil it from your sales."
    )


def test_a_muted_category_leaves_the_other_half_on_its_own() -> None:
    screen = Screen(NotificationSettings(muted=frozenset({Category.FUNDS})))
    hand_in(screen, order())
    hand_in(screen, payment())
    screen.wait(PAIRING_WAIT)
    assert [s.toast.body for s in screen.shown] == [ORDER_BODY]
    screen.assert_each_delivered_once()


def test_a_pause_begun_while_held_mutes_the_toast_and_delivers_its_rows() -> None:
    screen = Screen()
    hand_in(screen, payment())
    screen.carry_out(screen.dispatcher.pause(NOON.replace(hour=14)))
    screen.wait(PAIRING_WAIT)
    assert screen.shown == []
    screen.assert_each_delivered_once()


# Dispute warnings ---------------------------------------------------------------------------


def test_repeated_warnings_for_one_order_show_the_newest_once() -> None:
    screen = Screen(answer=False)
    rows = [hand_in(screen, warning(days * DAY)) for days in (3, 2)]
    screen.wait(1.0)
    rows.append(hand_in(screen, warning(0)))
    assert screen.shown == [], "warnings wait for the rest of their burst"
    screen.wait(PAIRING_WAIT - 1.0)
    [shown] = screen.shown
    assert shown.at == PAIRING_WAIT, "the wait runs from the first warning"
    assert shown.toast.title == "Dispute window closed"
    assert shown.payload == f"row {rows[-1]}"
    [ticket] = screen.unanswered
    [delivered] = screen.dispatcher.shown(ticket, True)
    assert delivered == Delivered("shop", tuple(rows))
    assert screen.dispatcher.next_tick() is None


def test_warnings_of_other_orders_or_kinds_keep_their_own_toasts() -> None:
    screen = Screen()
    hand_in(screen, warning(DAY, ORDER_A))
    hand_in(screen, warning(DAY, ORDER_B))
    timeout = F.buyer_dispute_timeout(expires_in=15 * DAY, order_id=ORDER_A)
    hand_in(screen, _decoded(F.notification_frame(timeout)))
    hand_in(screen, warning(DAY, ORDER_A), node="home")
    screen.wait(PAIRING_WAIT)
    assert len(screen.shown) == 4
    screen.assert_each_delivered_once()


def test_a_critical_warning_still_goes_out_through_a_pause() -> None:
    screen = Screen()
    screen.carry_out(screen.dispatcher.pause(NOON.replace(hour=14)))
    hand_in(screen, warning(5 * DAY))
    hand_in(screen, warning(DAY))
    screen.wait(PAIRING_WAIT)
    [shown] = screen.shown
    assert shown.toast.urgency is Urgency.CRITICAL
    assert shown.toast.title == "Dispute window closing"
    screen.assert_each_delivered_once()


def test_a_warning_after_the_window_is_shown_again() -> None:
    screen = Screen()
    hand_in(screen, warning(2 * DAY))
    screen.wait(PAIRING_WAIT)
    hand_in(screen, warning(DAY))
    screen.wait(PAIRING_WAIT)
    assert len(screen.shown) == 2
    screen.assert_each_delivered_once()
