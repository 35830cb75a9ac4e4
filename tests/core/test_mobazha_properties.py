"""Whatever a Mobazha node sends, its decoder returns a value and the toast stays sane."""

from __future__ import annotations

import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from obnotify.core.decode import NotificationPage
from obnotify.core.events import DecodeError
from obnotify.core.mobazha import (
    EVENT_TYPES,
    decode_either_frame,
    decode_mobazha_frame,
    decode_mobazha_messages,
    decode_mobazha_page,
    decode_mobazha_rooms,
)

from .test_properties import check_event, json_values, scalars

TOP_KEYS = (
    "type", "data", "wallet", "walletUpdate", "partialPaymentReceived", "status", "shoppingCart",
    "notification", "transaction", "block",
)  # fmt: skip
FIELD_KEYS = (
    "notificationID", "type", "orderID", "caseID", "buyerID", "buyerName", "vendorID",
    "vendorName", "disputerID", "peerID", "title", "price", "amount", "currencyCode", "coin",
    "fundingTotal", "coinType", "thumbnail", "tiny", "small", "reason", "state", "stuckFor",
    "daysRemaining", "collectionID", "paidAmount", "remainingAmount", "transactionID", "value",
    "CurrencyCode", "blockInfo", "id", "sender", "content", "msgType", "timestamp", "roomId",
    "notifications", "read", "unread", "messages", "end", "roomId", "unreadCount", "members",
    "userId", "displayName", "metadata",
)  # fmt: skip
shaped_scalars = (
    scalars
    | st.sampled_from(
        (
            *EVENT_TYPES,
            "notification", "chat.message", "chat.message.decrypted", "chat.typing",
            "m.bad.encrypted", "auto_cancel", "shipment_overdue", "BTC", "250000", "-5", "1.5",
            "@a:b", "../x", "&amp;<b>x</b>",
        )
    )
    | st.integers(min_value=-(10**70), max_value=10**70)
)  # fmt: skip
shaped = st.recursive(
    shaped_scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(
            st.sampled_from(TOP_KEYS + FIELD_KEYS) | st.text(max_size=6), children, max_size=6
        )
    ),
    max_leaves=20,
)


@settings(max_examples=200, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(TOP_KEYS), shaped, min_size=1, max_size=3))
def test_frame_shaped_input_never_crashes(value: dict[str, Any]) -> None:
    text = json.dumps(value)
    check_event(decode_mobazha_frame(text))
    check_event(decode_mobazha_frame(text.encode()))
    check_event(decode_either_frame(text))


@settings(max_examples=150, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(FIELD_KEYS), shaped, max_size=10))
def test_any_fields_in_a_notification_never_crash(fields: dict[str, Any]) -> None:
    check_event(
        decode_mobazha_frame(json.dumps({"type": "notification", "data": {"notification": fields}}))
    )
    page = {"data": {"notifications": [{"type": fields.get("type", ""), "notification": fields}]}}
    decoded = decode_mobazha_page(json.dumps(page))
    if isinstance(decoded, NotificationPage):
        for item in decoded.items:
            check_event(item.notification)


@settings(max_examples=150)
@given(json_values | shaped)
def test_any_json_never_crashes(value: Any) -> None:
    text = json.dumps(value)
    check_event(decode_mobazha_frame(text))
    assert isinstance(decode_mobazha_page(text), NotificationPage | DecodeError)
    assert isinstance(decode_mobazha_rooms(text), list | DecodeError)
    messages = decode_mobazha_messages(
        json.dumps({"data": {"messages": [value]}}), own_user="", unread=1
    )
    if not isinstance(messages, DecodeError):
        for message, _raw in messages[0]:
            check_event(message)


@settings(max_examples=150)
@given(st.binary(max_size=200) | st.text(max_size=200))
def test_any_bytes_never_crash(data: bytes | str) -> None:
    check_event(decode_mobazha_frame(data))
    check_event(decode_either_frame(data))


def test_oversized_frames_are_refused_unread() -> None:
    assert isinstance(decode_mobazha_frame(b"{" + b" " * 100 + b"}", max_size=50), DecodeError)
