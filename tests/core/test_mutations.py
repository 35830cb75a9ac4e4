"""Real frames, damaged in every way a network, a buggy node or a hostile peer could, by the 100,000.

Each family of damage runs from its own seeded ``random.Random``, so a failure
names a family and an index that reproduce it exactly. Every result must be an
event or a :class:`DecodeError`; every toast must be readable and safe to hand
to the desktop (an image id that cannot escape the cache, a route that cannot
break out of its URL); and every record must encode as the render command
writes it.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any, Final, get_args

import msgspec
import pytest

from obnotify.core.decode import decode_frame
from obnotify.core.events import DecodeError, Event, Profile, Thumbnail
from obnotify.core.ids import is_ipfs_hash
from obnotify.core.render import (
    BODY_LIMIT,
    TITLE_LIMIT,
    RenderContext,
    Toast,
    render,
    render_record,
)

from .frames import ALICE, ALL_FRAMES, BUYER, NOTIFICATION_TYPES, VENDOR, capture_frames, go_json

EVENT_TYPES: Final = get_args(Event)
ROUTE_FORBIDDEN: Final = frozenset(" \t\r\n\f\v\"'<>`\\\x00")
B58: Final = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"

SEEDS: Final[list[str]] = list(ALL_FRAMES.values()) + [frame for _, frame in capture_frames()]
PARSED: Final[list[Any]] = [json.loads(s) for s in SEEDS]

CONTEXTS: Final = (
    RenderContext(),
    RenderContext(
        peers={
            ALICE: Profile(
                peer_id=ALICE,
                name="Alice <b>&amp;</b>\n",
                avatar=Thumbnail(small="../../x", tiny="Qm" + "0" * 44),
            ),
            VENDOR: Profile(
                peer_id=VENDOR, handle="@@\u202epotter", avatar=Thumbnail(small="zb2rh" + "a" * 44)
            ),
            BUYER: Profile(peer_id=BUYER, name=" " * 50),
        },
        known_txids={"410374604d58fe9840004d3377e36f3aaf1994d154a8ca4c557c3d10fa32aa5c", ""},
        own_peer_id=BUYER,
    ),
)

SNIPPETS: Final = (
    "<script>alert(1)</script>",
    "<b>bold</b>",
    "<img src=x onerror=alert(1)>",
    "&amp;amp;",
    "&amp;",
    "&lt;i&gt;",
    "&#39;",
    "&#0;",
    "&#xD800;",
    "&#x110000;",
    "&#99999999999;",
    "&nosuchentity;",
    "&",
    "\u202e",
    "\u200b",
    "\x00",
    "\x1b[31m",
    "\n\n",
    "\t",
    "\r",
    "\u2028",
    "\ufeff",
    '"',
    "'",
    "\\",
    "\U0001f600",
    "e\u0301",
    " ",
    "null",
    "%00",
    "../../",
    "?x=1&y=2",
    "ob://wallet",
    "javascript:alert(1)",
)

ODD_HASHES: Final = (
    "",
    " ",
    "../x",
    "../../../../etc/passwd",
    "..%2f..%2fetc",
    "Qm" + "0" * 44,
    "Qm" + "l" * 44,
    "Qm" + "O" * 44,
    "Qm" + "a" * 43,
    "Qm" + "a" * 45,
    "Qm" + "a" * 43 + "/",
    "Qm" + "a" * 43 + "?",
    "Qm" + "a" * 44 + "\n",
    " Qm" + "a" * 44,
    "zb2rh" + "I" * 45,
    "z" + "a" * 500,
    "bafy" + "A" * 55,
    "/ipfs/Qm" + "a" * 44,
    "http://evil.example/x.png",
    "file:///etc/passwd",
    "\uff31\uff4d" + "a" * 44,
    "Qm" + "a" * 20 + "\u0430" * 24,
    "zb2rhdmv4SqzsxFzZK6tPeYkant6rRyFHDfJx3saUZLQsf6VT",
    "Qm" + "1" * 44,
)

TYPES: Final = (*NOTIFICATION_TYPES, "declined", "", "ORDER", "future")
"""Every type, the older name, and names no node sends."""

_encoder = msgspec.json.Encoder()


# --- Walking JSON values --------------------------------------------------------------------------


def slots(value: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) inside ``value``: the places a mutation can land."""
    out: list[tuple[Any, Any]] = []
    stack = [value]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for key, child in node.items():
                out.append((node, key))
                stack.append(child)
        elif isinstance(node, list):
            for index, child in enumerate(node):
                out.append((node, index))
                stack.append(child)
    return out


def string_slots(value: Any) -> list[tuple[Any, Any]]:
    return [(c, k) for c, k in slots(value) if isinstance(c[k], str)]


def copy_seed(rng: random.Random) -> Any:
    return json.loads(json.dumps(rng.choice(PARSED)))


def dump(rng: random.Random, value: Any) -> str:
    """Compact, as a client writes, or the Go server's style."""
    return go_json(value) if rng.random() < 0.5 else json.dumps(value, separators=(",", ":"))


def random_value(rng: random.Random, depth: int = 0) -> Any:
    """A JSON value of any type, biased to the types and edge values frames carry."""
    pick = rng.randrange(14 if depth < 2 else 10)
    if pick == 0:
        return None
    if pick == 1:
        return rng.random() < 0.5
    if pick == 2:
        return rng.choice(
            (
                0,
                1,
                -1,
                7,
                2592000,
                -60,
                2**31,
                2**53 + 1,
                2**63 - 1,
                -(2**63),
                2**64,
                10**30,
                10**59,
            )
        )
    if pick == 3:
        return rng.choice((0.5, -1.5, 1e300, -0.0, 1e-300, 100000000.0))
    if pick == 4:
        return rng.choice(
            ("", "0", "-0", "00", "1.5", "1e5", " 1", "+1", "0x1f", "9" * 61, "-" + "9" * 60, "１")
        )
    if pick == 5:
        return rng.choice(TYPES)
    if pick == 6:
        return rng.choice(ODD_HASHES)
    if pick == 7:
        return rng.choice(SNIPPETS) * rng.randrange(1, 4)
    if pick in (8, 9):
        return "".join(rng.choice(B58) for _ in range(rng.randrange(0, 60)))
    if pick in (10, 11):
        keys = (
            "amount",
            "currency",
            "code",
            "divisibility",
            "small",
            "tiny",
            "type",
            "orderId",
            "x",
        )
        return {rng.choice(keys): random_value(rng, depth + 1) for _ in range(rng.randrange(0, 4))}
    return [random_value(rng, depth + 1) for _ in range(rng.randrange(0, 4))]


def type_of(value: Any) -> str:
    return type(value).__name__


# --- Mutations -------------------------------------------------------------------------------------------


def byte_flips(rng: random.Random) -> bytes | str:
    data = bytearray(rng.choice(SEEDS).encode("utf-8"))
    for _ in range(rng.randrange(1, 5)):
        data[rng.randrange(len(data))] ^= rng.randrange(1, 256)
    if rng.random() < 0.2:
        return bytes(data).decode("utf-8", "surrogateescape")
    return bytes(data)


def truncation(rng: random.Random) -> bytes | str:
    seed = rng.choice(SEEDS)
    cut = rng.randrange(len(seed) + 1)
    if rng.random() < 0.5:
        return seed[:cut]
    return seed.encode("utf-8")[:cut]


def duplicate_or_delete(rng: random.Random) -> str:
    text = rng.choice(SEEDS)
    for _ in range(rng.randrange(1, 4)):
        start = rng.randrange(len(text))
        end = min(len(text), start + rng.choice((1, 1, 1, 2, 5, 20)))
        if rng.random() < 0.5:
            text = text[:end] + text[start:end] + text[end:]
        else:
            text = text[:start] + text[end:]
    return text


def junk_insert(rng: random.Random) -> str:
    text = rng.choice(SEEDS)
    for _ in range(rng.randrange(1, 4)):
        at = rng.randrange(len(text) + 1)
        junk = rng.choice(
            (
                '"',
                "{",
                "}",
                "[",
                "]",
                ",",
                ":",
                "\\",
                "\\u",
                "\\ud800",
                "null",
                "-",
                "0",
                "\x00",
                "\n",
                "/*",
            )
        )
        text = text[:at] + junk + text[at:]
    return text


def type_swaps(rng: random.Random) -> str:
    value = copy_seed(rng)
    for _ in range(rng.randrange(1, 4)):
        places = slots(value)
        if not places:
            return dump(rng, random_value(rng))
        container, key = rng.choice(places)
        old = container[key]
        new = random_value(rng)
        while type_of(new) == type_of(old):
            new = random_value(rng)
        container[key] = new
    return dump(rng, value)


def top_level_swaps(rng: random.Random) -> str:
    """The kind key kept, its whole value replaced: ``{"notification": []}``, ``{"wallet": "x"}``..."""
    value = copy_seed(rng)
    if isinstance(value, dict) and value:
        key = rng.choice(list(value))
        value[key] = random_value(rng)
    return dump(rng, value)


def huge_strings(rng: random.Random) -> str:
    value = copy_seed(rng)
    places = string_slots(value)
    unit = rng.choice(("word ", "x", "&amp;", "<b>", "9", "\u00e9", "\U0001f600", "a\n"))
    big = unit * rng.randrange(5_000, 40_000)
    if places:
        container, key = rng.choice(places)
        container[key] = big
    elif isinstance(value, dict):
        value["status"] = big
    return dump(rng, value)


def deep_nesting(rng: random.Random) -> str:
    value = copy_seed(rng)
    marker = "@@DEEP@@"
    places = slots(value)
    if places:
        container, key = rng.choice(places)
        container[key] = marker
    depth = rng.choice((100, 1_000, 10_000))
    nested = rng.choice(
        (
            "[" * depth + "]" * depth,
            '{"a":' * depth + "1" + "}" * depth,
            '{"notification":' * depth + "{}" + "}" * depth,
            "[" * depth,
            "[{" * depth,
        )
    )
    text = dump(rng, value)
    if marker in text:
        return text.replace(f'"{marker}"', nested, 1)
    return nested


def markup_and_entities(rng: random.Random) -> str:
    value = copy_seed(rng)
    places = string_slots(value)
    for _ in range(rng.randrange(1, 4)):
        if not places:
            break
        container, key = rng.choice(places)
        text = container[key]
        at = rng.randrange(len(text) + 1)
        container[key] = text[:at] + rng.choice(SNIPPETS) + text[at:]
    return dump(rng, value)


def odd_hashes(rng: random.Random) -> str:
    value = copy_seed(rng)
    inner = next(iter(value.values())) if isinstance(value, dict) and value else None
    if isinstance(inner, dict):
        if "avatarHashes" in inner or rng.random() < 0.2:
            inner["avatarHashes"] = {
                "small": rng.choice(ODD_HASHES),
                "tiny": rng.choice(ODD_HASHES),
            }
        if rng.random() < 0.3:
            inner["thumbnail"] = rng.choice(ODD_HASHES)
        else:
            inner["thumbnail"] = {"small": rng.choice(ODD_HASHES), "tiny": rng.choice(ODD_HASHES)}
        for id_key in (
            "orderId",
            "peerId",
            "txid",
            "subject",
            "vendorId",
            "buyerId",
            "purchaseOrderId",
        ):
            if id_key in inner and rng.random() < 0.3:
                inner[id_key] = rng.choice(ODD_HASHES + SNIPPETS)
    if isinstance(value, dict) and isinstance(value.get("profile"), dict):
        value["profile"]["avatarHashes"] = {
            "small": rng.choice(ODD_HASHES),
            "tiny": rng.choice(ODD_HASHES),
        }
    return dump(rng, value)


def key_changes(rng: random.Random) -> str:
    value = copy_seed(rng)
    for _ in range(rng.randrange(1, 4)):
        dicts = [c for c, _ in slots(value) if isinstance(c, dict)] + (
            [value] if isinstance(value, dict) else []
        )
        if not dicts:
            break
        target = rng.choice(dicts)
        if not target:
            continue
        key = rng.choice(list(target))
        action = rng.randrange(4)
        if action == 0:
            del target[key]
        elif action == 1:
            target[key.swapcase() if rng.random() < 0.5 else key.upper()] = target.pop(key)
        elif action == 2:
            target[
                rng.choice(("notification", "message", "wallet", "id", "error", "peerID", "type"))
            ] = random_value(rng)
        else:
            target["type"] = rng.choice(TYPES)
    return dump(rng, value)


def numbers(rng: random.Random) -> str:
    """Amounts, divisibilities and counts at and beyond their limits, in both generations."""
    amount = rng.choice(
        (
            0,
            -1,
            1,
            10**17,
            10**59,
            -(10**59),
            10**60,
            10**100,
            "1",
            "-1",
            "0" * 70,
            "9" * 60,
            "9" * 61,
        )
    )
    decimals = rng.choice((0, 8, 18, 30, 31, -1, 100000000, 10**18, 10**30, 10**31, 7, 1000, None))
    code = rng.choice(("BTC", "TETH", "ETH", "", "X" * 300, "<b>", "LTC"))
    if rng.random() < 0.5:
        price: dict[str, Any] = {
            "amount": amount,
            "coinDivisibility": decimals,
            "currencyCode": code,
        }
    else:
        price = {
            "amount": str(amount) if rng.random() < 0.7 else amount,
            "currency": {"code": code, "divisibility": decimals},
        }
    kind = rng.randrange(4)
    if kind == 0:
        frame: dict[str, Any] = {
            "notification": {"type": "order", "notificationId": "n", "price": price, "title": "t"}
        }
    elif kind == 1:
        frame = {
            "notification": {
                "type": "payment",
                "notificationId": "n",
                "fundingTotal": rng.choice((price, amount)),
                "coinType": code,
            }
        }
    elif kind == 2:
        frame = {
            "wallet": {
                "txid": "t",
                "value": rng.choice((price, amount)),
                "wallet": code,
                "confirmations": rng.choice((0, 1, -5, 2**62)),
            }
        }
    else:
        frame = {
            "walletUpdate": {
                code or "X": {
                    "confirmed": amount,
                    "unconfirmed": amount,
                    "currency": price.get("currency"),
                }
            }
        }
    expires = rng.choice((0, -1, 1, 59, 86400, 2**62, -(2**62)))
    if kind == 0 and rng.random() < 0.5:
        frame["notification"].update(type=rng.choice(TYPES), expiresIn=expires)
    return json.dumps(frame)


def stacked(rng: random.Random) -> bytes | str:
    """Two damages at once: a type swap, then damage to the text."""
    text = type_swaps(rng)
    if rng.random() < 0.5:
        text = text.replace("}", "", 1)
    at = rng.randrange(len(text) + 1)
    return text[:at] + rng.choice(SNIPPETS) + text[at:]


Mutator = Callable[[random.Random], "bytes | str"]

PLAN: Final[dict[str, tuple[Mutator, int, bool]]] = {
    # name: (mutation, how many, whether the family must also produce some valid events)
    "byte_flips": (byte_flips, 16_000, True),
    "truncation": (truncation, 8_000, False),
    "duplicate_or_delete": (duplicate_or_delete, 12_000, True),
    "junk_insert": (junk_insert, 8_000, True),
    "type_swaps": (type_swaps, 18_000, True),
    "top_level_swaps": (top_level_swaps, 6_000, True),
    "huge_strings": (huge_strings, 600, True),
    "deep_nesting": (deep_nesting, 600, False),
    "markup_and_entities": (markup_and_entities, 12_000, True),
    "odd_hashes": (odd_hashes, 10_000, True),
    "key_changes": (key_changes, 8_000, True),
    "numbers": (numbers, 6_000, True),
    "stacked": (stacked, 6_000, True),
}


def test_plan_runs_at_least_100000_frames() -> None:
    assert sum(count for _, count, _ in PLAN.values()) >= 100_000
    assert len(SEEDS) >= 90


def check(frame: bytes | str, ctx: RenderContext) -> tuple[bool, Toast | None]:
    """Decode and render one frame, asserting everything; whether it was an event, and its toast."""
    event = decode_frame(frame)
    if isinstance(event, DecodeError):
        assert len(event.reason) <= 300 and len(event.excerpt) <= 120
        assert event.reason
        assert render(event, ctx) is None
        _encoder.encode(render_record(event, ctx))
        return False, None
    assert isinstance(event, EVENT_TYPES), type(event)
    toast = render(event, ctx)
    if toast is not None:
        assert toast.title.strip() and toast.body.strip()
        assert len(toast.title) <= TITLE_LIMIT and len(toast.body) <= BODY_LIMIT
        assert "\n" not in toast.title and "\n" not in toast.body
        assert not toast.image or is_ipfs_hash(toast.image), toast.image
        assert not ROUTE_FORBIDDEN & set(toast.route), toast.route
        assert toast.route == "" or toast.route.startswith("ob://")
    _encoder.encode(render_record(event, ctx))
    return True, toast


@pytest.mark.parametrize("name", list(PLAN))
def test_mutated_frames(name: str) -> None:
    mutate, count, expect_events = PLAN[name]
    rng = random.Random(f"obnotify-mutations-{name}")
    events = errors = toasts = 0
    for index in range(count):
        frame = mutate(rng)
        ctx = CONTEXTS[index % len(CONTEXTS)]
        try:
            decoded, toast = check(frame, ctx)
        except AssertionError as exc:
            raise AssertionError(f"{name} #{index}: {str(frame)[:300]!r}") from exc
        events += decoded
        errors += not decoded
        toasts += toast is not None
    # A family whose every output failed to decode (or none did) would test one branch only.
    assert errors > 0, name
    if expect_events:
        assert events > count // 50 and toasts > 0, (name, events, toasts)
