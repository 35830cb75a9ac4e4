"""Properties over generated input: decoding and rendering never raise, money text is exact.

A node is a remote party: whatever it sends, the notifier must log a bad frame
and go on, never die on it.
"""

from __future__ import annotations

import json
from decimal import Decimal, localcontext
from typing import Any, get_args
from urllib.parse import unquote

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from obnotify.core.decode import (
    decode_balances,
    decode_frame,
    decode_notification_page,
    decode_profile,
)
from obnotify.core.events import DecodeError, Event
from obnotify.core.ids import is_ipfs_hash, path_segment
from obnotify.core.money import MAX_DIGITS, Amount, parse_base_units
from obnotify.core.render import RenderContext, render, render_record

from .frames import NOTIFICATION_TYPES

EVENT_TYPES = (*get_args(Event), DecodeError)

scalars = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=40)
)
json_values = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=15,
)

FRAME_KEYS = (
    "notification",
    "message",
    "messageTyping",
    "messageRead",
    "wallet",
    "walletUpdate",
    "status",
    "id",
    "peerId",
    "peerID",
    "profile",
    "error",
)
FIELD_KEYS = (
    "notificationId",
    "type",
    "orderId",
    "purchaseOrderId",
    "disputeCaseId",
    "buyerId",
    "buyerHandle",
    "vendorId",
    "vendorHandle",
    "title",
    "slug",
    "price",
    "fundingTotal",
    "coinType",
    "expiresIn",
    "thumbnail",
    "tiny",
    "small",
    "peerId",
    "buyer",
    "otherPartyId",
    "disputerId",
    "amount",
    "currency",
    "code",
    "divisibility",
    "coinDivisibility",
    "currencyCode",
    "message",
    "subject",
    "outgoing",
    "txid",
    "value",
    "wallet",
    "confirmations",
    "memo",
    "confirmed",
    "unconfirmed",
    "height",
    "name",
    "handle",
    "avatarHashes",
)
shaped_scalars = (
    scalars
    | st.sampled_from(NOTIFICATION_TYPES + ("declined", "", "unknownType"))
    | st.integers(min_value=-(10**20), max_value=10**20).map(str)
    | st.sampled_from(
        (
            "zb2rhdmv4SqzsxFzZK6tPeYkant6rRyFHDfJx3saUZLQsf6VT",
            "QmYuSCXrR1Bk46VVjzVwE3aw9JcTLPKReYGv6pVHPzCJET",
            "../etc/passwd",
            "a b",
            "&amp;amp;<b>x</b>",
            "TETH",
            "BTC",
            "100000000",
            "1.5",
        )
    )
)
shaped_values = st.recursive(
    shaped_scalars,
    lambda children: (
        st.lists(children, max_size=4)
        | st.dictionaries(st.sampled_from(FIELD_KEYS) | st.text(max_size=8), children, max_size=6)
    ),
    max_leaves=15,
)
frames = st.dictionaries(st.sampled_from(FRAME_KEYS), shaped_values, min_size=1, max_size=3)
"""Objects shaped like frames, so generated input gets past the first checks into every branch."""


def check_event(event: object) -> None:
    """What any decoded frame must satisfy, and what its toast must."""
    assert isinstance(event, EVENT_TYPES)
    toast = render(event, RenderContext(own_peer_id="QmOwn"))
    record = render_record(event)
    assert json.loads(json.dumps(record)) == record
    if toast is not None:
        assert toast.title.strip() and toast.body.strip()
        assert not toast.image or is_ipfs_hash(toast.image)
        assert not any(c in toast.route for c in " \t\n\"'<>")


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_decode_never_raises_on_json(value: Any) -> None:
    check_event(decode_frame(json.dumps(value)))


@settings(max_examples=250, suppress_health_check=[HealthCheck.too_slow])
@given(frames)
def test_decode_never_raises_on_frame_shaped_json(value: dict[str, Any]) -> None:
    text = json.dumps(value)
    check_event(decode_frame(text))
    check_event(decode_frame(text.encode("utf-8")))


@settings(max_examples=120)
@given(st.dictionaries(st.sampled_from(FIELD_KEYS), shaped_values, max_size=8))
def test_every_notification_type_survives_any_fields(fields: dict[str, Any]) -> None:
    for kind in NOTIFICATION_TYPES:
        check_event(decode_frame(json.dumps({"notification": {**fields, "type": kind}})))


@settings(max_examples=400)
@given(st.binary(max_size=300))
def test_decode_never_raises_on_bytes(data: bytes) -> None:
    check_event(decode_frame(data))


@settings(max_examples=400)
@given(st.text(max_size=300))
def test_decode_never_raises_on_text(data: str) -> None:
    check_event(decode_frame(data))


@settings(max_examples=200)
@given(
    st.text(
        alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF)
        | st.sampled_from('{}[]":,a'),
        max_size=40,
    )
)
def test_decode_never_raises_on_lone_surrogates(data: str) -> None:
    """Text decoded with ``surrogateescape`` or from a bad peer may hold lone surrogates."""
    check_event(decode_frame(data))


@settings(max_examples=200)
@given(json_values | shaped_values)
def test_rest_decoders_never_raise(value: Any) -> None:
    text = json.dumps(value)
    page = decode_notification_page(text)
    if not isinstance(page, DecodeError):
        for item in page.items:
            check_event(item.notification)
    assert decode_balances(text) is not None
    assert decode_profile(text) is not None
    wrapped = json.dumps({"notifications": [{"notification": value, "read": False}]})
    assert decode_notification_page(wrapped) is not None


@settings(max_examples=500)
@given(st.integers(min_value=-(10**40), max_value=10**40), st.integers(min_value=0, max_value=18))
def test_money_text_round_trips(units: int, decimals: int) -> None:
    amount = Amount(units, decimals, "X")
    text = amount.decimal_text()
    with localcontext() as ctx:
        ctx.prec = 200
        assert Decimal(text) * 10**decimals == units
    assert amount.format() == f"{text} X"
    if "." in text:
        assert not text.endswith("0") and not text.endswith(".")
    assert text.lstrip("-")[:1].isdigit()
    assert text.lstrip("-") == "0" or not text.lstrip("-").startswith("00")


@settings(max_examples=300)
@given(st.integers(min_value=-(10**MAX_DIGITS) + 1, max_value=10**MAX_DIGITS - 1))
def test_base_units_parse_back(units: int) -> None:
    assert parse_base_units(str(units)) == units
    assert parse_base_units(units) == units


@given(st.text())
def test_a_path_segment_stays_one_segment_and_means_its_id(value: str) -> None:
    """Whatever a node names an id, it becomes one segment of the path asked for, or none."""
    segment = path_segment(value)
    if not segment:
        assert not value.strip(".")
        return
    assert not set(segment) & set("/?#\\")
    assert segment.strip(".")
    assert unquote(segment, errors="surrogatepass") == value
