"""Go-style JSON, the sanitiser, ids, pictures, frame shapes and the notification table."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest
from PIL import Image

from obnotify.demo import FrameFactory, currency_info, go_dumps, sanitize_html, sanitize_value
from obnotify.demo.cid import b58encode, cid_v0, random_cid
from obnotify.demo.gojson import rfc3339_nano, rfc3339_seconds
from obnotify.demo.images import avatar_set, thumbnail_set
from obnotify.demo.store import NotificationStore


def test_go_dumps_matches_go_marshal_indent() -> None:
    value = {"b": [1, {"y": True, "x": None}], "a": "<&>\u2028é\x08", "c": {}, "d": [], "e": 2.0}
    assert go_dumps(value) == (
        "{\n"
        '    "a": "\\u003c\\u0026\\u003e\\u2028é\\u0008",\n'
        '    "b": [\n'
        "        1,\n"
        "        {\n"
        '            "x": null,\n'
        '            "y": true\n'
        "        }\n"
        "    ],\n"
        '    "c": {},\n'
        '    "d": [],\n'
        '    "e": 2\n'
        "}"
    )
    assert json.loads(go_dumps(value)) == value
    assert go_dumps({"b": 1, "a": 2}, sort_keys=False) == '{\n    "b": 1,\n    "a": 2\n}'


@pytest.mark.parametrize(
    ("raw", "sent"),
    [
        ("hello <b>bold</b> & 'quotes' null", "hello <b>bold</b> &amp; &#39;quotes&#39; null"),
        ("a <script>x()</script>b<img src=x onerror=y>c<iframe>z</iframe>", "a bc"),
        (
            "<i>it</i> <em>e</em> <strong>s</strong> <p>p</p><br/>",
            "<i>it</i> <em>e</em> <strong>s</strong> <p>p</p><br/>",
        ),
        (
            '<a href="https://x.org/?a=1&b=2" onclick="y">l</a>',
            '<a href="https://x.org/?a=1&amp;b=2" rel="nofollow">l</a>',
        ),
        ('<a href="javascript:alert(1)">l</a>', "l"),
        ('1 < 2 > 0 "q"', "1 &lt; 2 &gt; 0 &#34;q&#34;"),
        (
            "QmVQzkdi3Fq6LRFG9UNqDZfSry67weCZV6ZL26QVx64UFy",
            "QmVQzkdi3Fq6LRFG9UNqDZfSry67weCZV6ZL26QVx64UFy",
        ),
    ],
)
def test_sanitiser_keeps_allowed_tags_and_escapes_text(raw: str, sent: str) -> None:
    assert sanitize_html(raw) == sent
    assert sanitize_html(sent) == sent


def test_sanitize_value_drops_nulls_and_leaves_keys_and_numbers() -> None:
    assert sanitize_value({"a&": "x&", "n": None, "l": ["'", 1, None], "d": {"z": None}}) == {
        "a&": "x&amp;",
        "l": ["&#39;", 1, None],
        "d": {},
    }


def test_ids_are_cidv0_shaped() -> None:
    assert b58encode(b"\0\0\x01") == "112"
    assert cid_v0(b"") == "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n"
    for _ in range(20):
        value = random_cid()
        assert len(value) == 46 and value.startswith("Qm")


def test_pictures_are_deterministic_small_jpegs() -> None:
    first, again = thumbnail_set("mug", "M"), thumbnail_set("mug", "M")
    assert first.hashes() == again.hashes()
    assert first.hashes() != thumbnail_set("cup", "C").hashes()
    sizes = {name: Image.open(io.BytesIO(p.data)).size for name, p in first.pictures.items()}
    assert sizes == {"tiny": (120, 120), "small": (240, 240)}
    assert all(Image.open(io.BytesIO(p.data)).format == "JPEG" for p in first)
    assert set(avatar_set("alice", "A").hashes()) == {"tiny", "small", "medium"}
    assert all(cid_v0(p.data) == p.hash for p in first)


def test_timestamps_are_written_like_go() -> None:
    moment = datetime(2026, 11, 23, 23, 35, 39, 247425, tzinfo=UTC)
    assert rfc3339_nano(moment) == "2026-11-23T23:35:39.247425Z"
    assert rfc3339_nano(moment.replace(microsecond=0)) == "2026-11-23T23:35:39Z"
    eastern = moment.astimezone(timezone(timedelta(hours=-5)))
    assert rfc3339_nano(eastern) == "2026-11-23T18:35:39.247425-05:00"
    assert rfc3339_seconds(eastern) == "2026-11-23T23:35:39Z"


def test_generations_shape_amounts_differently() -> None:
    modern, old = FrameFactory("0.14"), FrameFactory("0.13")
    assert modern.order(buyer_id="Qm", title="t", price=23422, code="LTC")["price"] == {
        "amount": "23422",
        "currency": {
            "code": "LTC",
            "currencyType": "crypto",
            "divisibility": 8,
            "name": "Litecoin",
        },
    }
    assert old.order(buyer_id="Qm", title="t", price=23422, code="LTC")["price"] == {
        "amount": 23422,
        "coinDivisibility": 100000000,
        "currencyCode": "LTC",
        "priceModifier": 0,
    }
    assert old.payment(funding_total=23366, code="LTC")["fundingTotal"] == 23366
    assert old.wallet(code="LTC", value=-5)["wallet"]["value"] == -5
    assert modern.order_declined(vendor_id="Qm")["type"] == "orderDeclined"
    assert old.order_declined(vendor_id="Qm")["type"] == "declined"
    assert currency_info("TETH") == {
        "code": "TETH", "currencyType": "crypto", "divisibility": 18, "name": "Testnet Ethereum",
    }  # fmt: skip
    assert set(modern.vendor_dispute_timeout(expires_in=5)) >= {"purchaseOrderId", "expiresIn"}
    assert set(modern.moderator_dispute_expiry(expires_in=5)) >= {"disputeCaseId", "thumbnail"}
    assert FrameFactory.profile_error("r", "QmX") == {
        "error": "not found",
        "id": "r",
        "peerID": "QmX",
    }


def test_first_page_orders_by_timestamp_later_pages_by_insertion() -> None:
    store = NotificationStore()
    now = datetime.now(UTC)
    newer = store.add({"type": "follow"}, timestamp=now)
    older = store.add({"type": "follow"}, timestamp=now - timedelta(days=1))
    newest = store.add({"type": "follow"}, timestamp=now + timedelta(seconds=5))
    rows, total = store.page()
    assert [r.id for r in rows] == [newest, newer, older] and total == 3
    rows, total = store.page(offset_id=newest)
    assert [r.id for r in rows] == [older, newer] and total == 2
    assert store.page(limit=0) == ([], 3)
