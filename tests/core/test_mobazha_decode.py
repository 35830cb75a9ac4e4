"""A Mobazha node's frames and answers: every event of its registry decodes, and reads right.

Each golden line was read as the user would read it. The examples are built
field for field from the node's Go structs (``tests/core/mobazha_examples.py``);
the registry's list of events is a copy in ``tests/fixtures``.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from obnotify.core.decode import NotificationPage
from obnotify.core.events import (
    ChatMessage,
    DecodeError,
    Notification,
    PublishStatus,
    Typing,
    UnknownFrame,
    WalletBalances,
    WalletTx,
    event_key,
)
from obnotify.core.events import NotificationType as T
from obnotify.core.mobazha import (
    EVENT_TYPES,
    QUIET_EVENTS,
    decode_either_frame,
    decode_mobazha_frame,
    decode_mobazha_page,
    stable_id,
)
from obnotify.core.render import Category, category, render
from obnotify.core.render import Urgency as U
from obnotify.demo import gojson
from obnotify.demo.mobazha_frames import (
    FIELDS,
    chat_frame,
    event,
    partial_payment_frame,
    payment_readiness_frame,
    wallet_tx_frame,
    wallet_update_frame,
)

from .frames import V014
from .mobazha_examples import ALICE, EXAMPLES, ORDER, THUMB, frame_text, registry_events

WHEN = datetime(2026, 7, 24, 10, 0, 0, tzinfo=UTC)
SALES = f"ob://transactions/sales?orderId={ORDER}"
EITHER = f"ob://transactions?orderId={ORDER}"

Golden = tuple[str, str, U, str]
"""(title, body, urgency, route)."""

GOLDEN: dict[str, Golden] = {
    "order.created": (
        "New order from Alice",
        "Hand-bound notebook: 0.0025 BTC paid. Fulfil it from your sales.",
        U.NORMAL,
        "ob://transactions/sales?orderId=QmbMY8sGzmGiCTCqw7G6JfBQGkXaCm3jeBo9KA1MYkWFAZ",
    ),
    "order.funded": (
        "Order funded by Alice",
        "Hand-bound notebook: 0.0025 BTC in escrow. Ship it from your sales.",
        U.NORMAL,
        "ob://transactions/sales?orderId=QmbMY8sGzmGiCTCqw7G6JfBQGkXaCm3jeBo9KA1MYkWFAZ",
    ),
    "order.payment_received": (
        "Payment received",
        "Your payment of 0.0025 BTC for order QmbMY8sG…kWFAZ arrived. The seller can ship it now.",
        U.NORMAL,
        "ob://transactions/purchases?orderId=QmbMY8sGzmGiCTCqw7G6JfBQGkXaCm3jeBo9KA1MYkWFAZ",
    ),
    "order.confirmed": (
        "Order accepted",
        "Bob's Shop accepted order QmbMY8sG…kWFAZ. You'll be told when it's fulfilled.",
        U.NORMAL,
        "ob://transactions/purchases?orderId=QmbMY8sGzmGiCTCqw7G6JfBQGkXaCm3jeBo9KA1MYkWFAZ",
    ),
    "order.shipped": (
        "Order fulfilled",
        "Bob's Shop fulfilled order QmbMY8sG…kWFAZ. Complete the order once it arrives.",
        U.NORMAL,
        "ob://transactions/purchases?orderId=QmbMY8sGzmGiCTCqw7G6JfBQGkXaCm3jeBo9KA1MYkWFAZ",
    ),
    "order.completed": (
        "Order completed",
        "Alice completed order QmbMY8sG…kWFAZ and left a rating.",
        U.NORMAL,
        "ob://transactions/sales?orderId=QmbMY8sGzmGiCTCqw7G6JfBQGkXaCm3jeBo9KA1MYkWFAZ",
    ),
    "order.rated": (
        "Order rated",
        "Alice rated order QmbMY8sG…kWFAZ.",
        U.NORMAL,
        "ob://transactions/sales?orderId=QmbMY8sGzmGiCTCqw7G6JfBQGkXaCm3jeBo9KA1MYkWFAZ",
    ),
    "order.cancelled": (
        "Order cancelled",
        "Alice cancelled order QmbMY8sG…kWFAZ. Nothing to ship.",
        U.NORMAL,
        "ob://transactions/sales?orderId=QmbMY8sGzmGiCTCqw7G6JfBQGkXaCm3jeBo9KA1MYkWFAZ",
    ),
    "order.expired": (
        "Order expired",
        "Order QmbMY8sG…kWFAZ expired (payment timeout). Nothing more will happen on it.",
        U.NORMAL,
        "ob://transactions?orderId=QmbMY8sGzmGiCTCqw7G6JfBQGkXaCm3jeBo9KA1MYkWFAZ",
    ),
    "order.stale_warning": (
        "Order needs attention",
        "Order QmbMY8sG…kWFAZ has not moved in state awaiting shipment for 72h0m0s. Open it to move it on.",
        U.CRITICAL,
        "ob://transactions?orderId=QmbMY8sGzmGiCTCqw7G6JfBQGkXaCm3jeBo9KA1MYkWFAZ",
    ),
    "order.declined": (
        "Order declined",
        "Bob's Shop declined order QmbMY8sG…kWFAZ. Your payment goes back to your wallet.",
        U.NORMAL,
        "ob://transactions/purchases?orderId=QmbMY8sGzmGiCTCqw7G6JfBQGkXaCm3jeBo9KA1MYkWFAZ",
    ),
    "order.refunded": (
        "Refund received",
        "Bob's Shop refunded order QmbMY8sG…kWFAZ. Check your wallet.",
        U.NORMAL,
        "ob://transactions/purchases?orderId=QmbMY8sGzmGiCTCqw7G6JfBQGkXaCm3jeBo9KA1MYkWFAZ",
    ),
    "order.vendor_finalized": (
        "Seller claimed the payment",
        "The seller claimed the payment for order QmbMY8sG…kWFAZ from escrow.",
        U.NORMAL,
        "ob://transactions/purchases?orderId=QmbMY8sGzmGiCTCqw7G6JfBQGkXaCm3jeBo9KA1MYkWFAZ",
    ),
    "order.auto_completed": (
        "Order completed automatically",
        "Order QmbMY8sG…kWFAZ completed by itself: the buyer protection period ended.",
        U.NORMAL,
        "ob://transactions?orderId=QmbMY8sGzmGiCTCqw7G6JfBQGkXaCm3jeBo9KA1MYkWFAZ",
    ),
    "order.auto_cancelled": (
        "Order cancelled automatically",
        "Order QmbMY8sG…kWFAZ was cancelled: it was not shipped in time. The buyer is refunded.",
        U.NORMAL,
        "ob://transactions?orderId=QmbMY8sGzmGiCTCqw7G6JfBQGkXaCm3jeBo9KA1MYkWFAZ",
    ),
    "order.protection_reminder": (
        "Order completes soon",
        "Order QmbMY8sG…kWFAZ completes by itself in 3 days. Open a dispute before then if something is wrong.",
        U.NORMAL,
        "ob://transactions?orderId=QmbMY8sGzmGiCTCqw7G6JfBQGkXaCm3jeBo9KA1MYkWFAZ",
    ),
    "dispute.opened": (
        "Dispute opened",
        "Alice opened a dispute on order QmbMY8sG…kWFAZ. Give the moderator your side of the story.",
        U.CRITICAL,
        "ob://transactions?orderId=QmbMY8sGzmGiCTCqw7G6JfBQGkXaCm3jeBo9KA1MYkWFAZ",
    ),
    "dispute.closed": (
        "Dispute closed",
        "The moderator decided the dispute on order QmbMY8sG…kWFAZ. Accept the payout to receive your share.",
        U.NORMAL,
        "ob://transactions/sales?orderId=QmbMY8sGzmGiCTCqw7G6JfBQGkXaCm3jeBo9KA1MYkWFAZ",
    ),
    "dispute.accepted": (
        "Dispute payout accepted",
        "Alice accepted the payout for order QmbMY8sG…kWFAZ. The funds are released.",
        U.NORMAL,
        "ob://transactions/sales?orderId=QmbMY8sGzmGiCTCqw7G6JfBQGkXaCm3jeBo9KA1MYkWFAZ",
    ),
    "dispute.case_open": (
        "New dispute case",
        "Alice opened a dispute on order QmPgRCqy…sgGpG. Review the case and decide.",
        U.CRITICAL,
        "ob://transactions/cases?caseId=QmPgRCqyHq3KRQf7nKkqA5m6gyNyBU6gtZ4tx787csgGpG",
    ),
    "dispute.case_update": (
        "Dispute case updated",
        "Bob's Shop sent new details on order QmPgRCqy…sgGpG. Review the case before you decide.",
        U.CRITICAL,
        "ob://transactions/cases?caseId=QmPgRCqyHq3KRQf7nKkqA5m6gyNyBU6gtZ4tx787csgGpG",
    ),
    "dispute.after_sale_opened": (
        "After-sale dispute",
        "Alice disputed order QmbMY8sG…kWFAZ after it was completed (not as described). Reply or offer a refund.",
        U.CRITICAL,
        "ob://transactions?orderId=QmbMY8sGzmGiCTCqw7G6JfBQGkXaCm3jeBo9KA1MYkWFAZ",
    ),
    "dispute.after_sale_received": (
        "After-sale dispute",
        "Alice disputed order QmbMY8sG…kWFAZ after it was completed (not received). Reply or offer a refund.",
        U.CRITICAL,
        "ob://transactions?orderId=QmbMY8sGzmGiCTCqw7G6JfBQGkXaCm3jeBo9KA1MYkWFAZ",
    ),
    "social.follow": (
        "New follower",
        "12D3KooW…lice1 followed you.",
        U.LOW,
        "ob://12D3KooWAlicePeerIdAlicePeerIdAlicePeerIdAlice1",
    ),
    "social.unfollow": (
        "Follower left",
        "12D3KooW…lice1 unfollowed you.",
        U.LOW,
        "ob://12D3KooWAlicePeerIdAlicePeerIdAlicePeerIdAlice1",
    ),
    "social.moderator_add": (
        "Added as a moderator",
        "12D3KooW…lice1 added you as a moderator.",
        U.NORMAL,
        "ob://12D3KooWAlicePeerIdAlicePeerIdAlicePeerIdAlice1",
    ),
    "social.moderator_remove": (
        "Removed as a moderator",
        "12D3KooW…lice1 removed you as a moderator.",
        U.NORMAL,
        "ob://12D3KooWAlicePeerIdAlicePeerIdAlicePeerIdAlice1",
    ),
    "payment.locked": (
        "Payment locked in escrow",
        "Alice locked the payment for order QmbMY8sG…kWFAZ (0.0025 BTC).",
        U.NORMAL,
        "ob://transactions/sales?orderId=QmbMY8sGzmGiCTCqw7G6JfBQGkXaCm3jeBo9KA1MYkWFAZ",
    ),
    "payment.expired": (
        "Payment window expired",
        "The payment for order QmbMY8sG…kWFAZ (0.0025 BTC) was not made in time.",
        U.NORMAL,
        "ob://transactions?orderId=QmbMY8sGzmGiCTCqw7G6JfBQGkXaCm3jeBo9KA1MYkWFAZ",
    ),
    "payment.cancelled": (
        "Payment cancelled",
        "Alice cancelled the payment for order QmbMY8sG…kWFAZ (0.0025 BTC).",
        U.NORMAL,
        "ob://transactions/sales?orderId=QmbMY8sGzmGiCTCqw7G6JfBQGkXaCm3jeBo9KA1MYkWFAZ",
    ),
}

PUSH_ONLY_FRAMES = {
    "payment.partial": partial_payment_frame(ORDER, paid=100000, expected=250000, coin="BTC"),
    "payment.readiness": payment_readiness_frame(ORDER),
    "wallet.tx_received": wallet_tx_frame("ab" * 32, 150000, "BTC", when=WHEN),
    "wallet.spend_from_payment": wallet_tx_frame("cd" * 32, -150000, "BTC", when=WHEN),
    "wallet.block_received": {"wallet": {"block": {"height": 10, "CurrencyCode": "BTC"}}},
    "wallet.update": wallet_update_frame({"BTC": (5000, 100, 10)}),
    "publish.started": {"status": "publishing"},
    "publish.finished": {"status": "publish complete"},
    "publish.error": {"status": "error publishing"},
    "cart.updated": {"shoppingCart": {"itemsCount": 2}},
}
"""The frame each push-only event of the registry becomes (``wrapForWebSocket``)."""

NEVER_PUSHED = ("shipping.", "internal.", "netdb.")
"""Categories ``wrapForWebSocket`` answers nil for: they never reach a socket."""


def decoded(name: str) -> Notification:
    result = decode_mobazha_frame(frame_text(name))
    assert isinstance(result, Notification), result
    return result


def test_the_fixture_is_the_whole_registry() -> None:
    names = [name for name, _stored, _category in registry_events()]
    assert len(names) == len(set(names)) == 63
    assert sum(stored for _name, stored, _category in registry_events()) == 34


@pytest.mark.parametrize("name", [name for name, _s, _c in registry_events()])
def test_every_registry_event_decodes_to_a_known_event_or_a_counted_unknown(name: str) -> None:
    """A stored event is a notification; a pushed one its own frame; the rest never arrive."""
    if name.startswith(NEVER_PUSHED):
        return
    if name in PUSH_ONLY_FRAMES:
        result = decode_mobazha_frame(gojson.dumps(PUSH_ONLY_FRAMES[name]))
    else:
        assert name in FIELDS, f"{name} has no example struct"
        result = decode_mobazha_frame(frame_text(name))
    assert not isinstance(result, DecodeError), result
    if name in QUIET_EVENTS or name in (
        "payment.readiness",
        "wallet.block_received",
        "cart.updated",
    ):
        assert isinstance(result, UnknownFrame)
    elif name in EVENT_TYPES:
        assert isinstance(result, Notification)
        assert result.type is not T.UNKNOWN and result.id
        assert result.raw_type == name
    else:
        assert isinstance(result, (Notification, WalletTx, WalletBalances, PublishStatus))


def test_every_stored_event_a_user_sees_has_a_golden_text() -> None:
    stored = {name for name, persistent, _c in registry_events() if persistent}
    assert stored - QUIET_EVENTS == set(EVENT_TYPES) == set(GOLDEN)


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden(name: str) -> None:
    toast = render(decoded(name))
    assert toast is not None
    assert (toast.title, toast.body, toast.urgency, toast.route) == GOLDEN[name]


def test_new_kinds_fall_into_the_existing_categories() -> None:
    assert category(decoded("order.funded")) is Category.ORDERS
    assert category(decoded("order.stale_warning")) is Category.ORDERS
    assert category(decoded("order.auto_completed")) is Category.ORDERS
    assert category(decoded("dispute.case_update")) is Category.DISPUTES
    assert category(decoded("dispute.after_sale_received")) is Category.DISPUTES
    partial = decode_mobazha_frame(gojson.dumps(PUSH_ONLY_FRAMES["payment.partial"]))
    assert isinstance(partial, Notification)
    assert category(partial) is Category.ORDERS


def test_partial_payment_says_what_is_paid_and_due_and_is_recorded_once() -> None:
    text = gojson.dumps(PUSH_ONLY_FRAMES["payment.partial"])
    first, again = decode_mobazha_frame(text), decode_mobazha_frame(text)
    assert isinstance(first, Notification) and first.type is T.PARTIAL_PAYMENT
    assert event_key(first) == event_key(again) is not None
    toast = render(first)
    assert toast is not None
    assert (toast.title, toast.body) == (
        "Partial payment",
        "0.001 BTC paid for order QmbMY8sG…kWFAZ; 0.0015 BTC still due.",
    )


def test_ids_are_the_nodes_stable_ids_even_where_the_frame_has_none() -> None:
    """Three order events carry no id: the decoder makes the one the node stored them under."""
    for name in ("order.created", "order.auto_completed", "order.protection_reminder"):
        record, _obj = event(name, **EXAMPLES[name])
        assert decoded(name).id == record == stable_id(name, ORDER)
    _record, reminder = event("order.protection_reminder", **EXAMPLES["order.protection_reminder"])
    assert "notificationID" not in reminder and reminder["type"] == "auto_complete"


def test_the_protection_reminder_knows_an_auto_cancel() -> None:
    fields = {**EXAMPLES["order.protection_reminder"], "type": "auto_cancel", "daysRemaining": 1}
    _record, obj = event("order.protection_reminder", **fields)
    result = decode_mobazha_frame(
        gojson.dumps({"type": "notification", "data": {"notification": obj}})
    )
    toast = render(result)
    assert toast is not None
    assert (toast.title, toast.body) == (
        "Ship soon or the order is cancelled",
        "Order QmbMY8sG…kWFAZ is cancelled and refunded in 1 day unless it is shipped.",
    )


def test_an_auto_cancel_is_told_from_an_auto_complete_by_its_reason() -> None:
    assert decoded("order.auto_cancelled").type is T.AUTO_CANCELLED
    assert decoded("order.auto_completed").type is T.AUTO_COMPLETED


def test_a_future_event_is_kept_and_shown_generically() -> None:
    _record, obj = event("order.teleported", orderID=ORDER, title="Notebook", thumbnail=THUMB)
    result = decode_mobazha_frame(
        gojson.dumps({"type": "notification", "data": {"notification": obj}})
    )
    assert isinstance(result, Notification) and result.type is T.UNKNOWN
    assert result.raw_type == "order.teleported" and result.order_id == ORDER
    toast = render(result)
    assert toast is not None and toast.title == "Node notification: order.teleported"


def test_wallet_frames() -> None:
    received = decode_mobazha_frame(gojson.dumps(PUSH_ONLY_FRAMES["wallet.tx_received"]))
    assert isinstance(received, WalletTx) and received.incoming
    assert received.value.format() == "0.0015 BTC" and received.confirmations == 0
    toast = render(received)
    assert toast is not None and toast.title == "Funds received"
    spent = decode_mobazha_frame(gojson.dumps(PUSH_ONLY_FRAMES["wallet.spend_from_payment"]))
    assert isinstance(spent, WalletTx) and render(spent) is None
    confirmed = decode_mobazha_frame(
        gojson.dumps(wallet_tx_frame("ab" * 32, 150000, "BTC", when=WHEN, block=True, height=9))
    )
    assert isinstance(confirmed, WalletTx) and confirmed.confirmations == 1
    assert event_key(confirmed) != event_key(received)
    balances = decode_mobazha_frame(gojson.dumps(PUSH_ONLY_FRAMES["wallet.update"]))
    assert isinstance(balances, WalletBalances)
    assert [(c.code, c.confirmed.units, c.unconfirmed.units) for c in balances.coins] == [
        ("BTC", 5000, 100)
    ]


def test_chat_from_a_matrix_sender() -> None:
    frame = chat_frame("$ev1", "@alice:mobazha.org", "Is it <b>still</b> there?", when=WHEN)
    message = decode_mobazha_frame(gojson.dumps(frame))
    assert isinstance(message, ChatMessage)
    assert (message.id, message.peer_id, message.text) == (
        "$ev1",
        "@alice:mobazha.org",
        "Is it still there?",
    )
    toast = render(message)
    assert toast is not None and (toast.title, toast.body) == ("@alice", "Is it still there?")


def test_an_undecryptable_placeholder_waits_for_the_decrypted_message() -> None:
    """The node sends a placeholder, then the real message under the same id."""
    placeholder = chat_frame(
        "$ev2",
        "@bob:x.org",
        "Unable to decrypt this message",
        when=WHEN,
        msg_type="m.bad.encrypted",
    )
    assert isinstance(decode_mobazha_frame(gojson.dumps(placeholder)), UnknownFrame)
    real = chat_frame("$ev2", "@bob:x.org", "Hello", when=WHEN, kind="chat.message.decrypted")
    message = decode_mobazha_frame(gojson.dumps(real))
    assert isinstance(message, ChatMessage) and message.text == "Hello"


def test_typing_and_other_chat_signals() -> None:
    typing = {"type": "chat.typing", "data": {"roomId": "!r:x", "userIds": ["@a:x"]}}
    assert isinstance(decode_mobazha_frame(json.dumps(typing)), Typing)
    for kind in ("chat.reaction", "chat.message_redact", "pong"):
        assert isinstance(
            decode_mobazha_frame(json.dumps({"type": kind, "data": {}})), UnknownFrame
        )


def page_text(*names: str, read: bool = False) -> str:
    items = []
    for index, name in enumerate(names):
        _record, obj = event(name, **EXAMPLES[name])
        stamp = gojson.rfc3339_nano(WHEN.replace(second=59 - index))
        items.append({"timestamp": stamp, "read": read, "type": name, "notification": obj})
    return gojson.dumps({"data": {"unread": 3, "total": len(items), "notifications": items}})


def test_the_notification_list() -> None:
    page = decode_mobazha_page(
        page_text("order.funded", "collection.created", "order.auto_completed", "social.follow")
    )
    assert isinstance(page, NotificationPage)
    assert [item.notification.raw_type for item in page.items] == [
        "order.funded",
        "order.auto_completed",
        "social.follow",
    ]
    assert page.items[1].notification.id == stable_id("order.auto_completed", ORDER)
    assert page.items[0].timestamp == "2026-07-24T10:00:59Z"
    assert len(page.errors) == 1 and page.unread == 3


def test_the_list_names_the_protection_reminder_even_though_its_type_is_its_own() -> None:
    page = decode_mobazha_page(page_text("order.protection_reminder"))
    assert isinstance(page, NotificationPage)
    assert page.items[0].notification.type is T.PROTECTION_REMINDER


def test_a_bad_item_does_not_spoil_the_page() -> None:
    good = json.loads(page_text("order.created"))
    good["data"]["notifications"].append({"type": "order.created", "notification": {"orderID": 5}})
    page = decode_mobazha_page(json.dumps(good))
    assert isinstance(page, NotificationPage)
    assert len(page.items) == 1 and len(page.errors) == 1


@pytest.mark.parametrize("text", ["", "{", "[]", '{"data": 5}', '{"data": {"notifications": 3}}'])
def test_bad_pages_are_errors(text: str) -> None:
    assert isinstance(decode_mobazha_page(text), DecodeError)


def test_names_and_roles_come_from_the_frame() -> None:
    funded = decoded("order.funded")
    assert (funded.peer_id, funded.peer_name) == (ALICE, "Alice")
    toast = render(funded)
    assert toast is not None and toast.route == SALES and toast.image == THUMB["small"]
    assert render(decoded("order.auto_completed")).route == EITHER  # type: ignore[union-attr]


def test_a_node_of_unknown_kind_is_read_by_the_shape_of_its_frames() -> None:
    mobazha = decode_either_frame(frame_text("order.funded"))
    assert isinstance(mobazha, Notification) and mobazha.type is T.ORDER_FUNDED
    ob = decode_either_frame(V014["order"])
    assert isinstance(ob, Notification) and ob.type is T.ORDER
    received = decode_either_frame(gojson.dumps(PUSH_ONLY_FRAMES["wallet.tx_received"]))
    assert isinstance(received, WalletTx) and received.txid == "ab" * 32
