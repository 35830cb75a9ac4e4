"""Frames to events: every documented and captured frame, field by field, and every way to fail.

Whole events are compared for equality, so a field decoded wrong, dropped or
left over fails the test, not only a wrong type.
"""

from __future__ import annotations

import json

import pytest

from obnotify.core.decode import (
    MAX_FRAME_BYTES,
    NotificationPage,
    decode_balances,
    decode_frame,
    decode_notification_page,
    decode_profile,
)
from obnotify.core.events import (
    ChatMessage,
    ChatRead,
    CoinBalance,
    DecodeError,
    Notification,
    Profile,
    ProfileReply,
    PublishStatus,
    Thumbnail,
    Typing,
    UnknownFrame,
    WalletBalances,
    WalletTx,
    event_id,
    event_key,
    event_kind,
)
from obnotify.core.events import (
    NotificationType as T,
)
from obnotify.core.mobazha import MOBAZHA_TYPES
from obnotify.core.money import Amount
from obnotify.core.plain_text import printable

from .frames import (
    ALICE,
    ALL_FRAMES,
    BUYER,
    CAPTURES_DIR,
    CASE_A,
    FOLLOWER,
    GUIDE,
    GUIDE_FILE,
    MODERATED_BUYER,
    NOTIFICATION_TYPES,
    ORDER_A,
    ORDER_B,
    ORDER_C,
    ORDER_D,
    OTHER_FRAMES,
    OTHER_PARTY,
    THUMB_SMALL,
    THUMB_TINY,
    V013,
    V014,
    VENDOR,
    capture_frames,
    go_json,
    notification_frame,
)

REST = CAPTURES_DIR / "rest"

# The guide's thumbnails, by the first letters of their small hash.
T_DMV4 = Thumbnail(small=THUMB_SMALL, tiny=THUMB_TINY)
T_XYTP = Thumbnail(
    small="zb2rhXytP3KvSpk2w8uMNi8ApM6cEBkcSmAcEp4xuzJ3HXH8W",
    tiny="zb2rhimYUmqHiXmPJ1FaAaZse8GvXC9mKSoHAPfbJpninVvqw",
)
T_NJZC = Thumbnail(
    small="zb2rhnjzCRVpJKqNvVSmWGG9yJW5vN6kb7x3pLt6mhTpoCiSP",
    tiny="zb2rhWtVHeuGumL5u11E7DDqwXMtHinPiAfKmh7kwJv17B5vz",
)
T_CMCA = Thumbnail(
    small="zb2rhcmCAkJSDmmC2B7vQ2bWdKsNzuuuJny5aMV47KiKEhYxB",
    tiny="zb2rhfrfJrssPwMKxxxjJeiA1k2XuQ3p26hjAJtbmwhqufME3",
)


def n(nid: str, kind: T, raw_type: str | None = None, **fields: object) -> Notification:
    """An expected notification; ``raw_type`` defaults to the type's own name."""
    raw = kind.value if raw_type is None else raw_type
    return Notification(id=nid, type=kind, raw_type=raw, **fields)  # type: ignore[arg-type]


EXPECTED_013: dict[str, Notification] = {
    "order": n(
        "Qmbe1AVhpsbdnMnNjEeq44N6L3ujTXVEtEeLcVje3Mk3uE",
        T.ORDER,
        order_id=ORDER_A,
        peer_id=VENDOR,
        title="test digital for 2.3.1",
        slug="test-digital-for-2.3",
        listing_type="DIGITAL_GOOD",
        amount=Amount(23422, 8, "LTC"),
        thumbnail=T_XYTP,
    ),
    "payment": n(
        "QmYuSCXrR1Bk46VVjzVwE3aw9JcTLPKReYGv6pVHPzCJET",
        T.PAYMENT,
        order_id=ORDER_B,
        amount=Amount(23366, 8, "LTC"),
    ),
    "orderConfirmation": n(
        "QmNirzKXfDySd9qAfH1JjPtLxp9hDqmtcZr9ANccdU3kRW",
        T.ORDER_CONFIRMATION,
        order_id="QmRmMj5A3drnnnxBbA5zs2i9PYTw6osQdfxAdJ5cWpFW6G",
        peer_id=VENDOR,
        thumbnail=T_DMV4,
    ),
    "orderDeclined": n(
        "QmRVdHai627YZ9GcTvWNsGAhvEkndJVbSct1MkUrbH6665",
        T.ORDER_DECLINED,
        "declined",
        order_id="QmV27u6aXm6bBu9oLSxnQG1k4Zta3q8iB2BpCA65LV1wAY",
        peer_id=VENDOR,
        thumbnail=T_DMV4,
    ),
    "cancel": n(
        "QmMASi45ub7Qe4ZE36UT5G6cU4ud8Fhhe4deS4F3cw9KTA",
        T.CANCEL,
        order_id=ORDER_A,
        peer_id=BUYER,
        thumbnail=T_DMV4,
    ),
    "refund": n(
        "QmWURc2PX3ho67vHy1gW83kDBHTf3piz7AXVgorXvuLBMU",
        T.REFUND,
        order_id=ORDER_B,
        peer_id=VENDOR,
        thumbnail=T_DMV4,
    ),
    "fulfillment": n(
        "QmT2LkRZHEZ8Sw7nPys35i5eKtBL4aZR34wiZSirTeemhi",
        T.FULFILLMENT,
        order_id="QmPDrJEzzz7XgKqgJoJfRis32T7uGpRK3EqTURCwB7CmUa",
        peer_id=BUYER,
        thumbnail=T_XYTP,
    ),
    "orderComplete": n(
        "Qmde61M777DpehxhckTBJbEwpNSzC4PqXhsevesw6BgJPi",
        T.ORDER_COMPLETE,
        order_id=ORDER_A,
        peer_id=VENDOR,
        thumbnail=T_XYTP,
    ),
    "processingError": n(
        "Qmb8dLcukC7edhDQ7cn5d4gEYkbUrMWeWQLGsCmrG6dLaY",
        T.PROCESSING_ERROR,
        order_id=ORDER_B,
        peer_id=VENDOR,
        thumbnail=T_DMV4,
    ),
    "disputeOpen": n(
        "QmY9tD3fhZDDSs4NjUtKfYKU7JiP2S1vgx8eF3qKg7Ppgb",
        T.DISPUTE_OPEN,
        order_id=ORDER_C,
        peer_id=VENDOR,
        thumbnail=T_DMV4,
        buyer_id=BUYER,
        disputee_id=BUYER,
    ),
    "disputeUpdate": n(
        "QmyNoVKf58ZTBqNAYT3j5qcdsyuMNmPfYetW5v6JXmj54o",
        T.DISPUTE_UPDATE,
        order_id=ORDER_C,
        peer_id=BUYER,
        thumbnail=T_DMV4,
        buyer_id=BUYER,
        disputee_id=VENDOR,
    ),
    "disputeClose": n(
        "QmSvTTKgcKj9AwQ4zqnnNPQewy9dJrBfpAL8c1XqeoucfX",
        T.DISPUTE_CLOSE,
        order_id=ORDER_D,
        peer_id=OTHER_PARTY,
        thumbnail=T_NJZC,
        buyer_id=MODERATED_BUYER,
    ),
    "disputeAccepted": n(
        "QmeFmw8UWQbXyqRCMfLg99u73wN6rgc8BCQ4YN4bQqxw76",
        T.DISPUTE_ACCEPTED,
        order_id=ORDER_C,
        peer_id=VENDOR,
        thumbnail=T_DMV4,
        buyer_id=BUYER,
    ),
    "vendorFinalizedPayment": n(
        "QmmLidkuVKnRyjP2WPBg8Y4ErK9pGSSxY6BVScJy9uUxcJ",
        T.VENDOR_FINALIZED_PAYMENT,
        order_id=ORDER_B,
    ),
    "buyerDisputeTimeout": n(
        "QmnTPkyRFA6CAFjF1YveCHK1ATbQgdM9mwZgikp4Wzxrxk",
        T.BUYER_DISPUTE_TIMEOUT,
        order_id=ORDER_D,
        expires_in=0,
        thumbnail=T_DMV4,
    ),
    "buyerDisputeExpiry": n(
        "QmU9F8nhiDQ88oAR4eFiyH3iJKUYzfNkK1KuvJGoVujZBp",
        T.BUYER_DISPUTE_EXPIRY,
        order_id=ORDER_D,
        expires_in=2592000,
        thumbnail=T_NJZC,
    ),
    "vendorDisputeTimeout": n(
        "QmtcSSSS7XhS4D5EVB8Nf471dAb7Qg25xEgRAhHPfQX88w",
        T.VENDOR_DISPUTE_TIMEOUT,
        order_id=ORDER_A,
        expires_in=432000,
        thumbnail=T_DMV4,
    ),
    "moderatorDisputeExpiry": n(
        "QmVFtZH85xEnWqEKDimJSLY7uMSAhY6X9MHzsSo4jhcPJt",
        T.MODERATOR_DISPUTE_EXPIRY,
        order_id=CASE_A,
        expires_in=2592000,
        thumbnail=T_CMCA,
    ),
    "follow": n("QmQYebg3egh4TaMrmKrxezgbMNngHPY3cpsh3uEnz6wJPZ", T.FOLLOW, peer_id=FOLLOWER),
    "unfollow": n("QmQYebg3egh4TaMrmKrxezgbMNngHPY3cpsh3uEnz6wJPZ", T.UNFOLLOW, peer_id=FOLLOWER),
    "moderatorAdd": n(
        "QmYWXXL6A7pNpHXvmBa2EaQAmb2qaLix6mwHaQBPrFbbrZ", T.MODERATOR_ADD, peer_id=VENDOR
    ),
    "moderatorRemove": n(
        "QmNhFgtsqwDtGuSptFDaYPo22sJXHDmfPVtoPQ6F7FXDNE", T.MODERATOR_REMOVE, peer_id=VENDOR
    ),
}

EXPECTED_014: dict[str, Notification] = {
    "order": n(
        "QmXgzgv1XiPti6vj8RsnqDXyCUshN6toSWSp6oBB92AezW",
        T.ORDER,
        order_id=ORDER_A,
        peer_id=BUYER,
        peer_handle="mugfan",
        title="Handmade mug & saucer <b>blue</b>",
        slug="handmade-mug",
        listing_type="PHYSICAL_GOOD",
        amount=Amount(1500000000000000000, 18, "TETH"),
        thumbnail=T_DMV4,
    ),
    "payment": n(
        "QmtiAgufXjPAcc921toi7ap9UxDuxE2HEKZGqeMHbTv94p",
        T.PAYMENT,
        order_id=ORDER_B,
        amount=Amount(100000, 8, "TBTC"),
    ),
    "orderConfirmation": n(
        "QmPzWjeuzaTuyZ9bAaZ2xVrCf1rtACAXgo8c4MkaacXsr7",
        T.ORDER_CONFIRMATION,
        order_id=ORDER_B,
        peer_id=VENDOR,
        peer_handle="@potter",
        thumbnail=T_DMV4,
    ),
    "orderDeclined": n(
        "Qmyc4GDJ3r7ZVc2qz5VMgZfZDmJVZbtXZGmayyHczDvV9T",
        T.ORDER_DECLINED,
        order_id=ORDER_B,
        peer_id=VENDOR,
        thumbnail=T_DMV4,
    ),
    "cancel": n(
        "Qm8SVM5jGU5EjLs8zrAnijQAHy9WFp7SyYBjvFBnUZSNTD",
        T.CANCEL,
        order_id=ORDER_A,
        peer_id=BUYER,
        peer_handle="tom&amp;jerry",
        thumbnail=Thumbnail(tiny=THUMB_TINY),
    ),
    "refund": n(
        "QmPM6oQ2NcWVn2RNagKZ58sFy76HJ3zrCJq9uUwkuHSAbZ",
        T.REFUND,
        order_id=ORDER_B,
        peer_id=VENDOR,
        peer_handle="potter",
        thumbnail=T_DMV4,
    ),
    "fulfillment": n(
        "QmdYmM6J4tmCUz5J2h6tH6fwF5Hx8W1NcTJg93anG8BH4C",
        T.FULFILLMENT,
        order_id=ORDER_B,
        peer_id=VENDOR,
        thumbnail=T_DMV4,
    ),
    "orderComplete": n(
        "QmDLhLaqEKVZkCJPt2H312oZcDZXGV7juiUjYbvySZLmEF",
        T.ORDER_COMPLETE,
        order_id=ORDER_A,
        peer_id=BUYER,
        thumbnail=T_DMV4,
    ),
    "processingError": n(
        "QmNDvynoh9SP4v915hpyHUB46jvRxZjKfGmK3WCBJV1HQN",
        T.PROCESSING_ERROR,
        order_id=ORDER_B,
        peer_id=VENDOR,
        peer_handle="potter",
        thumbnail=T_DMV4,
    ),
    "disputeOpen": n(
        "QmcMG3yLEPC1NR6XJZiDGZr16Hu6ASe3S2LLhF6eawqAjz",
        T.DISPUTE_OPEN,
        order_id=ORDER_C,
        peer_id=BUYER,
        peer_handle="mugfan",
        thumbnail=T_DMV4,
        buyer_id=BUYER,
        disputee_id=VENDOR,
        disputee_handle="potter",
    ),
    "disputeUpdate": n(
        "QmnsyfRqMoYAKogiA3uvnzZhUomtZ9aqZdvut2uketznkm",
        T.DISPUTE_UPDATE,
        order_id=ORDER_C,
        peer_id=VENDOR,
        peer_handle="potter",
        thumbnail=T_DMV4,
        buyer_id=BUYER,
        disputee_id=BUYER,
    ),
    "disputeClose": n(
        "QmiF6239hQ7RvVc4h2hbkGYH1Wt5pZzb6ja5ppXHt5wHGo",
        T.DISPUTE_CLOSE,
        order_id=ORDER_C,
        peer_id=VENDOR,
        peer_handle="potter",
        thumbnail=T_DMV4,
        buyer_id=BUYER,
    ),
    "disputeAccepted": n(
        "QmqEFpiWYwR5XkKr3ghiD5fANHipmLgd91X4YJk7mEkYKn",
        T.DISPUTE_ACCEPTED,
        order_id=ORDER_C,
        peer_id=BUYER,
        thumbnail=T_DMV4,
        buyer_id=BUYER,
    ),
    "vendorFinalizedPayment": n(
        "QmaKWWWr8zcDL6X2KW5uZVJREE5e6ApaHQ9fuhZJy8nQFY",
        T.VENDOR_FINALIZED_PAYMENT,
        order_id=ORDER_B,
    ),
    "buyerDisputeTimeout": n(
        "QmzyYS2B1YkVSLoATPRM8vN1MqNvS8Dn1zpKHQ5SRxe5QU",
        T.BUYER_DISPUTE_TIMEOUT,
        order_id=ORDER_D,
        expires_in=3600,
        thumbnail=T_DMV4,
    ),
    "buyerDisputeExpiry": n(
        "QmqJw4J74vjKhAGJUZMDrQsUy2tqhSyccEo64oTVgq9ixK",
        T.BUYER_DISPUTE_EXPIRY,
        order_id=ORDER_D,
        expires_in=604800,
        thumbnail=T_DMV4,
    ),
    "vendorDisputeTimeout": n(
        "QmY4c9BXTNKLHppiHSiGLXcjS8BiB5EZztYcFVNqVU9cDG",
        T.VENDOR_DISPUTE_TIMEOUT,
        order_id=ORDER_A,
        expires_in=0,
        thumbnail=T_DMV4,
    ),
    "moderatorDisputeExpiry": n(
        "Qm6CNc6MGQHtdDy2pxTRTpaERJNq4YJdQ9kZahsxwE6JzG",
        T.MODERATOR_DISPUTE_EXPIRY,
        order_id=CASE_A,
        expires_in=-60,
        thumbnail=T_DMV4,
    ),
    "follow": n("QmYQ9z78Qcuwnb2dghcx4n6KBpvW9efmxydAmCtggFHYo2", T.FOLLOW, peer_id=ALICE),
    "unfollow": n("QmYFvdaoTnFfFZbiQGBajxQx51EiMCNqDTRNa9mYvufFuD", T.UNFOLLOW, peer_id=ALICE),
    "moderatorAdd": n(
        "QmRSiVULwux293UnqztXeY15SuawWVGs7FAAak7uomiwqz", T.MODERATOR_ADD, peer_id=ALICE
    ),
    "moderatorRemove": n(
        "QmW6cr31s9Fd3inL9hHahUmq875LaeDRHFsf11bLWJMivy", T.MODERATOR_REMOVE, peer_id=ALICE
    ),
}


def test_examples_cover_every_type_in_both_generations() -> None:
    """The server-facts table has 22 types; each needs an example in each generation."""
    assert len(NOTIFICATION_TYPES) == 22
    assert (
        set(V013) == set(V014) == set(EXPECTED_013) == set(EXPECTED_014) == set(NOTIFICATION_TYPES)
    )
    assert {t.value for t in T} - {"unknown"} - MOBAZHA_TYPES == set(NOTIFICATION_TYPES)


@pytest.mark.parametrize("kind", NOTIFICATION_TYPES)
def test_notification_013(kind: str) -> None:
    assert decode_frame(V013[kind]) == EXPECTED_013[kind]


def test_prices_as_text() -> None:
    """The amounts the guide and the 0.14 server send, as the user reads them."""
    texts = {}
    for name, frame in (("0.13", V013["order"]), ("0.14", V014["order"]), ("pay", V013["payment"])):
        event = decode_frame(frame)
        assert isinstance(event, Notification) and event.amount is not None
        texts[name] = event.amount.format()
    assert texts == {"0.13": "0.00023422 LTC", "0.14": "1.5 TETH", "pay": "0.00023366 LTC"}


@pytest.mark.parametrize("kind", NOTIFICATION_TYPES)
def test_notification_014(kind: str) -> None:
    assert decode_frame(V014[kind]) == EXPECTED_014[kind]


@pytest.mark.parametrize("kind", NOTIFICATION_TYPES)
def test_bytes_and_text_decode_alike(kind: str) -> None:
    """The socket hands over text or bytes depending on the library; both must agree."""
    for frame in (V013[kind], V014[kind]):
        assert decode_frame(frame.encode("utf-8")) == decode_frame(frame)


def test_guide_examples_are_verbatim() -> None:
    """A sample of the guide's text, so the examples cannot drift into a tidier shape."""
    assert GUIDE["payment"] == (
        "{\n"
        '  "notification": {\n'
        '    "coinType": "LTC",\n'
        '    "fundingTotal": 23366,\n'
        '    "notificationId": "QmYuSCXrR1Bk46VVjzVwE3aw9JcTLPKReYGv6pVHPzCJET",\n'
        '    "orderId": "QmTCTBF57ujtZDd7KzHodZdsiHp7zwnzL798s2CB8uftKC",\n'
        '    "type": "payment"\n'
        "  }\n"
        "}"
    )
    assert GUIDE["status-publishing"] == '{\n  "status": "publishing"\n}'
    text = GUIDE_FILE.read_text(encoding="utf-8")
    for example in GUIDE.values():
        assert example in text


def test_guide_wallet_update() -> None:
    assert decode_frame(GUIDE["walletUpdate"]) == WalletBalances(
        coins=(
            CoinBalance(
                code="BCH",
                confirmed=Amount(0, 8, "BCH"),
                unconfirmed=Amount(0, 8, "BCH"),
                height=569437,
            ),
            CoinBalance(
                code="BTC",
                confirmed=Amount(2657, 8, "BTC"),
                unconfirmed=Amount(0, 8, "BTC"),
                height=562734,
            ),
            CoinBalance(
                code="LTC",
                confirmed=Amount(83591, 8, "LTC"),
                unconfirmed=Amount(0, 8, "LTC"),
                height=1578370,
            ),
            CoinBalance(
                code="ZEC",
                confirmed=Amount(0, 8, "ZEC"),
                unconfirmed=Amount(0, 8, "ZEC"),
                height=480276,
            ),
        )
    )


def test_wallet_update_014_with_eth_decimals() -> None:
    event = decode_frame(OTHER_FRAMES["0.14/walletUpdate"])
    assert isinstance(event, WalletBalances)
    assert [c.code for c in event.coins] == ["TBTC", "TETH", "TLTC"]
    btc, eth, ltc = event.coins
    assert btc == CoinBalance(
        code="TBTC",
        confirmed=Amount(2657, 8, "TBTC"),
        unconfirmed=Amount(0, 8, "TBTC"),
        height=2540001,
        name="Testnet Bitcoin",
    )
    assert eth.confirmed.format() == "1.000000000000000001 TETH"
    assert eth.unconfirmed.format() == "0.000000000000000001 TETH"
    assert eth.name == "Testnet Ethereum"
    assert ltc.unconfirmed.format() == "-0.000005 TLTC"


def test_guide_wallet_transactions() -> None:
    incoming = decode_frame(GUIDE["wallet-incoming"])
    assert incoming == WalletTx(
        txid="410374604d58fe9840004d3377e36f3aaf1994d154a8ca4c557c3d10fa32aa5c",
        value=Amount(21756, 8, "LTC"),
        confirmations=0,
        height=0,
        status="UNCONFIRMED",
        timestamp="2019-02-12T13:23:43.599771-05:00",
    )
    assert incoming.incoming and incoming.value.format() == "0.00021756 LTC"

    payment = decode_frame(GUIDE["wallet-order-payment"])
    assert payment == WalletTx(
        txid="380b8cac2ceb7bc5c706a88be05519ac111b255048c493fdbd52ea11b451543f",
        value=Amount(7801, 8, "LTC"),
        confirmations=1,
        height=1578522,
        status="PENDING",
        memo="Test Issue v2",
        order_id="QmaAeFMH6Ny8XFVZVYXNHfJtyjgyYLxxA4xUc1yvRaBadB",
        thumbnail="zb2rhcAvGem3fPs8bA2G3qe6LJWhEf7dTjzaBTuXxbSbq9W2a",
        timestamp="2019-02-12T15:22:45-05:00",
    )

    outgoing = decode_frame(GUIDE["wallet-outgoing"])
    assert isinstance(outgoing, WalletTx)
    assert outgoing.value == Amount(-27236, 8, "LTC")
    assert outgoing.value.format() == "-0.00027236 LTC"
    assert not outgoing.incoming
    assert outgoing.address == "ltc1qrrrqtazefwln9en5zhex4elswgj7qfupwrc7z4eydh5mv5frwauqhlpnmj"
    assert outgoing.memo == "test ltc 2.3"
    assert outgoing.order_id == ORDER_B


def test_wallet_transactions_014() -> None:
    incoming = decode_frame(OTHER_FRAMES["0.14/wallet-incoming"])
    assert isinstance(incoming, WalletTx)
    assert incoming.value == Amount(21756, 8, "TLTC")
    assert incoming.status == "UNCONFIRMED"

    wei = decode_frame(OTHER_FRAMES["0.14/wallet-order-payment"])
    assert isinstance(wei, WalletTx)
    assert wei.value.format() == "0.000000000000000001 TETH"
    assert wei.memo == "Handmade mug & saucer"
    assert (wei.order_id, wei.thumbnail, wei.confirmations) == (ORDER_A, THUMB_SMALL, 2)

    outgoing = decode_frame(OTHER_FRAMES["0.14/wallet-outgoing"])
    assert isinstance(outgoing, WalletTx)
    assert outgoing.value.format() == "-0.00027236 TLTC"
    assert not outgoing.incoming

    huge = decode_frame(OTHER_FRAMES["0.14/wallet-huge"])
    assert isinstance(huge, WalletTx)
    assert huge.value.units == 123456789012345678901234567890
    assert huge.value.format() == "123456789012.34567890123456789 TETH"


def test_wallet_thumbnail_as_object_takes_the_valid_hash() -> None:
    """0.14 may send a thumbnail object where 0.13 sent a string; an invalid small loses to tiny."""
    frame = json.dumps(
        {
            "wallet": {
                "txid": "t",
                "value": 5,
                "wallet": "BTC",
                "thumbnail": {"small": "../x", "tiny": THUMB_TINY},
            }
        }
    )
    event = decode_frame(frame)
    assert isinstance(event, WalletTx) and event.thumbnail == THUMB_TINY


def test_guide_chat_frames() -> None:
    assert decode_frame(GUIDE["message"]) == ChatMessage(
        id="QmSzWn8fM8bnnwrnUphovDagSqj4ShQwbQMr5ScEUAoxJZ",
        peer_id=VENDOR,
        text="Example message.",
        subject="",
        outgoing=False,
        read=False,
        timestamp="2019-02-12T10:17:23.410576-05:00",
    )
    order_chat = decode_frame(GUIDE["message-order"])
    assert isinstance(order_chat, ChatMessage)
    assert (order_chat.subject, order_chat.text) == (ORDER_A, "Example order message.")
    assert decode_frame(GUIDE["messageTyping"]) == Typing(
        message_id="QmRuBDknbF1Fpw9kZFccNtLWJQ8t4YcMaouHnMNz9pwg1i", peer_id=VENDOR, subject=""
    )
    assert decode_frame(OTHER_FRAMES["0.14/messageRead"]) == ChatRead(
        message_id="QmUXZgeQhbY8RYnD7h19xA7CxSnfHMECJjS5AMRGx4iUTn", peer_id=ALICE, subject=ORDER_B
    )


def test_chat_014_entities_and_markup() -> None:
    """Entities are undone once; tags the node let through are read as markup and dropped."""
    event = decode_frame(OTHER_FRAMES["0.14/message"])
    assert isinstance(event, ChatMessage)
    assert event.text == "hello bold & 'quotes' null"
    order_chat = decode_frame(OTHER_FRAMES["0.14/message-order"])
    assert isinstance(order_chat, ChatMessage)
    assert order_chat.text == "Shipped today \u2013 tracking to follow."
    outgoing = decode_frame(OTHER_FRAMES["0.14/message-outgoing"])
    assert isinstance(outgoing, ChatMessage) and outgoing.outgoing and outgoing.read


def test_guide_status_and_profiles() -> None:
    assert decode_frame(GUIDE["status-publishing"]) == PublishStatus(status="publishing")
    assert decode_frame(GUIDE["status-publish-complete"]) == PublishStatus(
        status="publish complete"
    )
    assert decode_frame(OTHER_FRAMES["0.14/status-error-publishing"]) == PublishStatus(
        status="error publishing"
    )
    assert decode_frame(GUIDE["profile"]) == ProfileReply(
        request_id="cd29c03d-2736-1ad3-2cc9-88e1407041d0",
        peer_id="QmdAJqBxLhYCMyfsaTR3rTWPAW8D1gBX5VET9dr25jXzQg",
        profile=Profile(
            peer_id="QmdAJqBxLhYCMyfsaTR3rTWPAW8D1gBX5VET9dr25jXzQg",
            name="tester2",
            handle="",
            avatar=Thumbnail(
                tiny="zb2rhhS44cknMFb2qZFmiCcTU4mH7mk76ug3VDj3K54u6Hk14",
                small="zb2rhYDJtfaLSTQFdATtFEeUQV4fjH1D8sFQYV5rFAVJiWR7y",
            ),
            vendor=True,
            moderator=False,
        ),
    )
    assert decode_frame(GUIDE["profile-error"]) == ProfileReply(
        request_id="7863b9a5-118f-c1ed-0f34-c0b6a3e02edd",
        peer_id=VENDOR,
        profile=None,
        error="Not found",
    )


def test_profile_014_unescapes_name_and_keeps_markup() -> None:
    event = decode_frame(OTHER_FRAMES["0.14/profile"])
    assert isinstance(event, ProfileReply) and event.profile is not None
    assert event.profile.name == "Pat & Co <i>Pottery</i>"
    assert (event.profile.handle, event.profile.vendor, event.profile.moderator) == (
        "potter",
        True,
        True,
    )
    assert event.request_id == "obnotify-7" and event.peer_id == VENDOR


def test_unknown_notification_keeps_its_scalar_fields() -> None:
    event = decode_frame(OTHER_FRAMES["unknown/listingReview"])
    assert event == Notification(
        id="QmPdqtC8MYY5Z2SQGFhMDP5B1ujjfc48Asc9GzNWejQUCt",
        type=T.UNKNOWN,
        raw_type="listingReview",
        order_id=ORDER_A,
        peer_id="",
        title="Great mug & fast",
        thumbnail=T_DMV4,
        fields=(
            ("notificationId", "QmPdqtC8MYY5Z2SQGFhMDP5B1ujjfc48Asc9GzNWejQUCt"),
            ("orderId", ORDER_A),
            ("rating", "5"),
            ("reviewerId", BUYER),
            ("title", "Great mug & fast"),
            ("type", "listingReview"),
        ),
    )
    bare = decode_frame(OTHER_FRAMES["unknown/bare"])
    assert isinstance(bare, Notification)
    assert bare.type is T.UNKNOWN and bare.raw_type == "loyaltyPoints"
    assert ("points", "12") in bare.fields and ("reason", "streak & bonus") in bare.fields


def test_unknown_notification_peer_and_thumbnail_of_wrong_type() -> None:
    frame = json.dumps(
        {
            "notification": {
                "type": "future",
                "notificationId": 7,
                "vendorId": "QmV",
                "thumbnail": {"tiny": 5, "small": "s"},
            }
        }
    )
    event = decode_frame(frame)
    assert isinstance(event, Notification)
    assert (event.id, event.peer_id, event.thumbnail) == ("", "QmV", Thumbnail(tiny="", small="s"))


def test_echoed_client_frame_is_unknown_not_an_error() -> None:
    assert decode_frame(OTHER_FRAMES["echo/client"]) == UnknownFrame(keys=("clientSays",))
    assert decode_frame("{}") == UnknownFrame(keys=())


def test_declined_keeps_raw_type() -> None:
    event = decode_frame(notification_frame({"type": "declined", "notificationId": "x"}))
    assert isinstance(event, Notification)
    assert (event.type, event.raw_type) == (T.ORDER_DECLINED, "declined")


# --- Captures -----------------------------------------------------------------------------------

ALICE_PROFILE = Profile(peer_id=ALICE, name="Alice", handle="", vendor=False, moderator=False)
ZERO_COINS = WalletBalances(
    coins=tuple(
        CoinBalance(
            code=code,
            confirmed=Amount(0, d, code),
            unconfirmed=Amount(0, d, code),
            height=0,
            name=name,
        )
        for code, d, name in (
            ("TBCH", 8, "Testnet Bitcoin Cash"),
            ("TBTC", 8, "Testnet Bitcoin"),
            ("TETH", 18, "Testnet Ethereum"),
            ("TLTC", 8, "Testnet Litecoin"),
            ("TZEC", 8, "Testnet Zcash"),
        )
    )
)
HELLO = "hello bold & 'quotes' null"
MUG = "Is the mug still available? Price & shipping to 'Berlin'?"
NOBODY = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"

EXPECTED_CAPTURES: dict[str, list[object]] = {
    "node-a-wallet-status.jsonl": [ZERO_COINS] * 6,
    "node-a.jsonl": [
        ChatRead(
            message_id="QmUXZgeQhbY8RYnD7h19xA7CxSnfHMECJjS5AMRGx4iUTn",
            peer_id="Qmd5qDpcYkHCmkj9pMXU9TKBqEDWgEmtoHD5xjdJgumaHg",
        ),
        PublishStatus(status="publishing"),
        PublishStatus(status="publish complete"),
        UnknownFrame(keys=("clientSays",)),
    ],
    "node-b-basic-auth-follow-chat.jsonl": [
        n("QmYFvdaoTnFfFZbiQGBajxQx51EiMCNqDTRNa9mYvufFuD", T.UNFOLLOW, peer_id=ALICE),
        n("QmYQ9z78Qcuwnb2dghcx4n6KBpvW9efmxydAmCtggFHYo2", T.FOLLOW, peer_id=ALICE),
        ChatMessage(
            id="QmaLtmhMg2QSsU1SD8me45266ZmQx1hUMeGtPJBRPxthKk",
            peer_id=ALICE,
            text=MUG,
            timestamp="2026-11-23T23:35:39.247425502Z",
        ),
        ProfileReply(request_id="obnotify-1", peer_id=ALICE, profile=ALICE_PROFILE),
        ProfileReply(request_id="obnotify-1", peer_id=NOBODY, error="not found"),
    ],
    "node-b-follow-chat-profiles.jsonl": [
        n("QmTR8wArQnGiVusUWmXidL6McnUQKroC9PSpz2Jnz6A8gq", T.FOLLOW, peer_id=ALICE),
        ChatMessage(
            id="QmUXZgeQhbY8RYnD7h19xA7CxSnfHMECJjS5AMRGx4iUTn",
            peer_id=ALICE,
            text=HELLO,
            timestamp="2026-11-23T22:46:38.01382947Z",
        ),
        Typing(message_id="QmU1WyQJaSvkQXP9dJFADe8HGPBsT8C39sXTwpSh6x58oi", peer_id=ALICE),
        n("QmUTVRYKpbaUC9Eabofmwn3MPqeq713QngVg5YshrWCexQ", T.UNFOLLOW, peer_id=ALICE),
        ProfileReply(
            request_id="7JDaJ6c6LdMjcsGSN8yJn1",
            peer_id="QmTR8wArQnGiVusUWmXidL6McnUQKroC9PSpz2Jnz6A8gq",
            error="not found",
        ),
        ProfileReply(request_id="7JDaJ6c6LdMjcsGSN8yJn1", peer_id=ALICE, profile=ALICE_PROFILE),
    ],
}


def test_captures_are_present() -> None:
    """The captures are fixtures of the suite; without them half of this file tests nothing."""
    assert sorted(p for p in EXPECTED_CAPTURES) == sorted(
        p.name for p in CAPTURES_DIR.glob("*.jsonl")
    ), f"captures missing or changed in {CAPTURES_DIR}"


@pytest.mark.parametrize("name", sorted(EXPECTED_CAPTURES))
def test_capture_file(name: str) -> None:
    frames = [frame for where, frame in capture_frames() if where.startswith(name + ":")]
    assert [decode_frame(f) for f in frames] == EXPECTED_CAPTURES[name]


def test_every_capture_frame_decodes() -> None:
    frames = capture_frames()
    assert len(frames) == 21
    for where, frame in frames:
        assert not isinstance(decode_frame(frame), DecodeError), where


# --- Entities, markup, missing keys ----------------------------------------------------------------


def test_entities_are_undone_exactly_once() -> None:
    frame = go_json(
        {
            "message": {
                "message": "A &amp;amp; B &lt;script&gt; &#39;x&#39; &quot;q&quot; <i>kept</i>",
                "messageId": "m",
                "peerId": ALICE,
            }
        }
    )
    event = decode_frame(frame)
    assert isinstance(event, ChatMessage)
    assert event.text == "A &amp; B <script> 'x' \"q\" kept"


def test_entities_in_every_text_field() -> None:
    title = decode_frame(
        notification_frame(
            {"type": "order", "title": "Tea &amp;amp; cake", "buyerHandle": "a&amp;b"}
        )
    )
    assert isinstance(title, Notification)
    assert (title.title, title.peer_handle) == ("Tea &amp; cake", "a&b")
    memo = decode_frame(go_json({"wallet": {"txid": "t", "value": 1, "memo": "Mug &amp;amp; co"}}))
    assert isinstance(memo, WalletTx) and memo.memo == "Mug &amp; co"
    status = decode_frame(go_json({"status": "publish &amp; complete"}))
    assert status == PublishStatus(status="publish & complete")
    error = decode_frame(go_json({"id": "1", "peerID": "p", "error": "not &lt;found&gt;"}))
    assert error == ProfileReply(request_id="1", peer_id="p", error="not <found>")
    dispute = decode_frame(notification_frame({"type": "disputeOpen", "disputeeHandle": "x&amp;y"}))
    assert isinstance(dispute, Notification) and dispute.disputee_handle == "x&y"


def test_ids_are_not_unescaped() -> None:
    """Ids go into routes and lookups exactly as sent; only display text is unescaped."""
    event = decode_frame(
        notification_frame({"type": "order", "orderId": "a&amp;b", "buyerId": "c&amp;d"})
    )
    assert isinstance(event, Notification)
    assert (event.order_id, event.peer_id) == ("a&amp;b", "c&amp;d")


@pytest.mark.parametrize(
    ("frame", "expected"),
    [
        ('{"notification": {"type": "order"}}', n("", T.ORDER)),
        ('{"notification": {"type": "payment"}}', n("", T.PAYMENT)),
        ('{"notification": {"type": "buyerDisputeExpiry"}}', n("", T.BUYER_DISPUTE_EXPIRY)),
        ('{"notification": {}}', n("", T.UNKNOWN, "")),
        ('{"message": {}}', ChatMessage(id="", peer_id="", text="")),
        ('{"messageTyping": {}}', Typing()),
        ('{"messageRead": {}}', ChatRead()),
        ('{"wallet": {}}', WalletTx(txid="", value=Amount(0, 8, ""))),
        ('{"walletUpdate": {}}', WalletBalances(coins=())),
        (
            '{"walletUpdate": {"LTC": {}}}',
            WalletBalances(
                coins=(
                    CoinBalance(
                        code="LTC", confirmed=Amount(0, 8, "LTC"), unconfirmed=Amount(0, 8, "LTC")
                    ),
                )
            ),
        ),
        (
            '{"walletUpdate": {"ETH": {"confirmed": 1}}}',
            WalletBalances(
                coins=(
                    CoinBalance(
                        code="ETH", confirmed=Amount(1, 18, "ETH"), unconfirmed=Amount(0, 18, "ETH")
                    ),
                )
            ),
        ),
        (
            '{"id": "r", "profile": {}}',
            ProfileReply(request_id="r", peer_id="", profile=Profile(peer_id="")),
        ),
        (
            '{"id": "r", "peerID": "p", "error": ""}',
            ProfileReply(request_id="r", peer_id="p", error="error"),
        ),
        ('{"notification": {"type": "order", "thumbnail": {}}}', n("", T.ORDER)),
        (
            '{"notification": {"type": "order", "price": {}}}',
            n("", T.ORDER, amount=Amount(0, 8, "")),
        ),
    ],
)
def test_missing_keys_mean_empty(frame: str, expected: object) -> None:
    assert decode_frame(frame) == expected


def test_null_values_mean_empty() -> None:
    """The server drops null keys, but a null must not be worse than a missing key."""
    event = decode_frame(
        '{"notification": {"type": "order", "price": null, "thumbnail": null, "expiresIn": null}}'
    )
    assert event == n("", T.ORDER)


def test_amounts_of_both_generations() -> None:
    def price(p: object, **extra: object) -> Amount | None:
        event = decode_frame(notification_frame({"type": "order", "price": p, **extra}))
        assert isinstance(event, Notification), event
        return event.amount

    assert price({"amount": 23422, "coinDivisibility": 100000000, "currencyCode": "LTC"}) == Amount(
        23422, 8, "LTC"
    )
    assert price({"amount": 5, "coinDivisibility": 8, "currencyCode": "BTC"}) == Amount(5, 8, "BTC")
    assert price({"amount": 5, "coinDivisibility": 1, "currencyCode": "X"}) == Amount(5, 1, "X")
    assert price({"amount": 5, "currencyCode": "ETH"}) == Amount(5, 18, "ETH")
    assert price({"amount": 5, "currencyCode": "TETH"}) == Amount(5, 18, "TETH")
    assert price({"amount": "7", "currency": {"code": "TZEC", "divisibility": 8}}) == Amount(
        7, 8, "TZEC"
    )
    assert price({"amount": "7", "currency": {"code": "USD", "divisibility": 2}}) == Amount(
        7, 2, "USD"
    )
    assert price({"amount": "7", "currency": {"code": "TETH"}}) == Amount(7, 18, "TETH")
    assert price({"amount": "-7", "currency": {"code": "BTC", "divisibility": 0}}) == Amount(
        -7, 0, "BTC"
    )
    big = "9" * 60
    assert price({"amount": big, "currency": {"code": "TETH", "divisibility": 18}}) == Amount(
        int(big), 18, "TETH"
    )
    assert price({"amount": "1"}, coinType="LTC") == Amount(1, 8, "LTC")
    funding = decode_frame(
        notification_frame({"type": "payment", "fundingTotal": "42", "coinType": "TETH"})
    )
    assert isinstance(funding, Notification) and funding.amount == Amount(42, 18, "TETH")


# --- Errors -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("frame", "reason"),
    [
        ("", "truncated"),
        ("{", "truncated"),
        ('{"notification": {"type": "order"', "truncated"),
        ("{notification}", "malformed"),
        ("not json", "malformed"),
        ('{"a": 1} trailing', "malformed"),
        ("null", "Expected `object`, got `null`"),
        ("[]", "Expected `object`, got `array`"),
        ("42", "Expected `object`, got `int`"),
        ('"notification"', "Expected `object`, got `str`"),
        ("true", "Expected `object`, got `bool`"),
        ('{"notification": null}', "Expected `object`, got `null`"),
        ('{"notification": []}', "Expected `object`, got `array`"),
        ('{"notification": {"type": 5}}', "`$.type`"),
        ('{"notification": {"type": "buyerDisputeExpiry", "expiresIn": "30"}}', "`$.expiresIn`"),
        ('{"notification": {"type": "buyerDisputeExpiry", "expiresIn": 1.5}}', "`$.expiresIn`"),
        ('{"notification": {"type": "order", "price": "x"}}', "`$.price`"),
        (
            '{"notification": {"type": "order", "price": {"amount": "1.5"}}}',
            "'1.5' is not a whole number",
        ),
        (
            '{"notification": {"type": "order", "price": {"amount": "1e5"}}}',
            "is not a whole number",
        ),
        (
            '{"notification": {"type": "order", "price": {"amount": "0x10"}}}',
            "is not a whole number",
        ),
        ('{"notification": {"type": "order", "price": {"amount": ""}}}', "is not a whole number"),
        (
            '{"notification": {"type": "order", "price": {"amount": "' + "1" * 100 + '"}}}',
            "is not a whole number",
        ),
        (
            '{"notification": {"type": "order", "price": {"amount": ' + "1" * 100 + "}}}",
            "out of range",
        ),
        ('{"notification": {"type": "order", "price": {"amount": 1.5}}}', "`$.price.amount`"),
        ('{"notification": {"type": "order", "price": {"amount": true}}}', "`$.price.amount`"),
        (
            '{"notification": {"type": "order", "price": {"amount": 1, "coinDivisibility": 12345}}}',
            "not a power of ten",
        ),
        (
            '{"notification": {"type": "order", "price": {"amount": "1", "currency": {"divisibility": 99}}}}',
            "out of range",
        ),
        (
            '{"notification": {"type": "order", "price": {"amount": "1", "currency": {"divisibility": -1}}}}',
            "out of range",
        ),
        ('{"notification": {"type": "payment", "fundingTotal": false}}', "`$.fundingTotal`"),
        ('{"notification": {"type": "payment", "fundingTotal": "12.5"}}', "is not a whole number"),
        ('{"notification": {"type": "order", "thumbnail": "zb2rh"}}', "`$.thumbnail`"),
        ('{"notification": {"type": "order", "title": 7}}', "`$.title`"),
        ('{"message": {"message": 5}}', "`$.message.message`"),
        ('{"message": {"outgoing": "no"}}', "`$.message.outgoing`"),
        ('{"message": "hi"}', "`$.message`"),
        ('{"wallet": {"value": 1.5}}', "`$.wallet.value`"),
        ('{"wallet": {"value": "1.5"}}', "is not a whole number"),
        ('{"wallet": {"value": "' + "9" * 100 + '"}}', "is not a whole number"),
        ('{"wallet": {"confirmations": "3"}}', "`$.wallet.confirmations`"),
        ('{"walletUpdate": {"BTC": {"confirmed": 1e3}}}', "confirmed"),
        ('{"walletUpdate": {"BTC": {"confirmed": "abc"}}}', "is not a whole number"),
        ('{"walletUpdate": []}', "`$.walletUpdate`"),
        ('{"status": 1}', "`$.status`"),
        ('{"id": "x", "error": 5}', "`$.error`"),
        ('{"id": "x", "profile": {"name": 5}}', "`$.profile.name`"),
    ],
)
def test_bad_frames_become_decode_errors(frame: str, reason: str) -> None:
    event = decode_frame(frame)
    assert isinstance(event, DecodeError), event
    assert reason in event.reason
    assert event.excerpt == printable(frame[:120], 120)
    assert event_kind(event) == "error" and event_id(event) == "" and event_key(event) is None


def test_coin_divisibility_multiplier_that_is_a_power_of_ten() -> None:
    event = decode_frame(
        '{"notification": {"type": "order", "price": {"amount": 1, "coinDivisibility": 1000}}}'
    )
    assert isinstance(event, Notification) and event.amount == Amount(1, 3, "")


def test_invalid_utf8_and_surrogates() -> None:
    assert isinstance(decode_frame(b"\xff\xfe{}"), DecodeError)
    assert isinstance(decode_frame(b'{"status": "\xc3"}'), DecodeError)
    lone = decode_frame('{"status": "\ud800"}')
    assert isinstance(lone, DecodeError)
    escaped = decode_frame('{"status": "\\ud800"}')
    assert isinstance(escaped, (PublishStatus, DecodeError))


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    deep = "[" * 10_000 + "]" * 10_000
    for frame in (
        deep,
        '{"notification": ' + deep + "}",
        '{"notification": {"type": "zzz", "x": ' + deep + "}}",
        '{"x": ' + deep + "}",
    ):
        assert isinstance(decode_frame(frame), DecodeError)


def test_size_limit() -> None:
    small = GUIDE["follow"]
    limited = decode_frame(small, max_size=100)
    assert isinstance(limited, DecodeError)
    assert limited.reason == "frame larger than 100 bytes"
    assert limited.excerpt == printable(small[:120], 120)
    assert isinstance(decode_frame(small, max_size=len(small)), Notification)

    def chat(text: str) -> str:
        return json.dumps(
            {"message": {"message": text, "messageId": "m", "peerId": "p"}}, ensure_ascii=False
        )

    overhead = len(chat("").encode())
    exact = chat("a" * (MAX_FRAME_BYTES - overhead))
    assert len(exact.encode()) == MAX_FRAME_BYTES
    assert isinstance(decode_frame(exact), ChatMessage)
    assert isinstance(decode_frame(exact.encode()), ChatMessage)
    over = chat("a" * (MAX_FRAME_BYTES - overhead + 1))
    assert decode_frame(over) == DecodeError(
        reason=f"frame larger than {MAX_FRAME_BYTES} bytes", excerpt=over[:120]
    )
    assert isinstance(decode_frame(over.encode()), DecodeError)
    # Fewer characters than the limit, more bytes: measured in bytes, as the server sends them.
    wide = chat("\u00e9" * ((MAX_FRAME_BYTES - overhead) // 2 + 1))
    assert len(wide) < MAX_FRAME_BYTES < len(wide.encode())
    assert isinstance(decode_frame(wide), DecodeError)


def test_error_reason_and_excerpt_are_bounded() -> None:
    frame = '{"notification": {"type": "order", "price": {"amount": "' + "x" * 5000 + '"}}}'
    event = decode_frame(frame)
    assert isinstance(event, DecodeError)
    assert len(event.reason) <= 300 and len(event.excerpt) == 120


def test_what_a_bad_frame_puts_in_the_log_is_escaped() -> None:
    forged = '{"notification": \x1b[31mRED\r\nobnotify: node forged: connected'
    event = decode_frame(forged)
    assert isinstance(event, DecodeError)
    assert (
        event.excerpt == '{"notification": \\x1b[31mRED\\x0d\\x0aobnotify: node forged: connected'
    )
    assert printable(event.reason) == event.reason
    keys = decode_frame('{"\\u001b[2J\\r\\nforged": 1, "\\u202eevil": 2, "' + "k" * 500 + '": 3}')
    assert keys == UnknownFrame(keys=("\\u202eevil", "\\x1b[2J\\x0d\\x0aforged", "k" * 40))


def test_event_identity_helpers() -> None:
    order = decode_frame(V014["order"])
    assert (event_kind(order), event_id(order), event_key(order)) == (
        "notification",
        "QmXgzgv1XiPti6vj8RsnqDXyCUshN6toSWSp6oBB92AezW",
        "n:QmXgzgv1XiPti6vj8RsnqDXyCUshN6toSWSp6oBB92AezW",
    )
    tx = decode_frame(GUIDE["wallet-order-payment"])
    assert event_key(tx) == "t:380b8cac2ceb7bc5c706a88be05519ac111b255048c493fdbd52ea11b451543f:1"
    chat = decode_frame(GUIDE["message"])
    assert event_key(chat) == "m:QmSzWn8fM8bnnwrnUphovDagSqj4ShQwbQMr5ScEUAoxJZ"
    typing = decode_frame(GUIDE["messageTyping"])
    assert (event_kind(typing), event_id(typing), event_key(typing)) == (
        "messageTyping",
        "QmRuBDknbF1Fpw9kZFccNtLWJQ8t4YcMaouHnMNz9pwg1i",
        None,
    )
    assert event_key(decode_frame(GUIDE["walletUpdate"])) is None
    assert event_key(decode_frame('{"notification": {"type": "order"}}')) is None


def test_all_examples_decode() -> None:
    for name, frame in ALL_FRAMES.items():
        assert not isinstance(decode_frame(frame), DecodeError), name


# --- REST answers ---------------------------------------------------------------------------------


def test_notification_page_limit2() -> None:
    body = (REST / "notifications-limit2.json").read_bytes()
    page = decode_notification_page(body)
    assert isinstance(page, NotificationPage)
    assert (page.errors, page.unread, len(page.items)) == ((), 1, 1)
    item = page.items[0]
    assert item.notification == n(
        "QmYQ9z78Qcuwnb2dghcx4n6KBpvW9efmxydAmCtggFHYo2", T.FOLLOW, peer_id=ALICE
    )
    assert (item.read, item.timestamp) == (False, "2026-11-23T23:35:39Z")
    assert json.loads(item.raw) == json.loads(body)["notifications"][0]["notification"]


def test_stored_follow_is_the_one_seen_live() -> None:
    """Server facts: the same notificationId on the socket and in the REST history."""
    live = decode_frame(dict(capture_frames())["node-b-basic-auth-follow-chat.jsonl:2"])
    page = decode_notification_page((REST / "notifications-limit2.json").read_text())
    assert isinstance(page, NotificationPage)
    assert page.items[0].notification == live


def test_notification_page_empty() -> None:
    page = decode_notification_page((REST / "notifications-offset.json").read_text())
    assert page == NotificationPage(items=(), errors=(), unread=1)


def test_notification_page_with_broken_items() -> None:
    good = json.loads(V014["disputeOpen"])["notification"]
    broken = {"type": "buyerDisputeExpiry", "notificationId": "b", "expiresIn": "x"}
    mangled = dict(json.loads(V014["order"])["notification"], title="[]able mug")
    body = json.dumps(
        {
            "notifications": [
                {
                    "notification": good,
                    "read": True,
                    "timestamp": "2026-11-24T10:00:00Z",
                    "type": "disputeOpen",
                },
                {
                    "notification": broken,
                    "read": False,
                    "timestamp": "2026-11-24T09:00:00Z",
                    "type": "buyerDisputeExpiry",
                },
                {"read": False, "timestamp": "2026-11-24T08:00:00Z", "type": "order"},
                {
                    "notification": mangled,
                    "read": False,
                    "timestamp": "2026-11-24T07:00:00Z",
                    "type": "order",
                },
                {
                    "notification": {"type": "declined", "notificationId": "d"},
                    "read": True,
                    "timestamp": "",
                    "type": "declined",
                },
            ],
            "total": 99,
            "unread": 3,
        }
    )
    page = decode_notification_page(body)
    assert isinstance(page, NotificationPage)
    assert [(s.notification.id, s.read, s.timestamp) for s in page.items] == [
        ("QmcMG3yLEPC1NR6XJZiDGZr16Hu6ASe3S2LLhF6eawqAjz", True, "2026-11-24T10:00:00Z"),
        ("QmXgzgv1XiPti6vj8RsnqDXyCUshN6toSWSp6oBB92AezW", False, "2026-11-24T07:00:00Z"),
        ("d", True, ""),
    ]
    assert page.items[0].notification == EXPECTED_014["disputeOpen"]
    assert page.items[1].notification.title == "[]able mug"
    assert page.items[2].notification.type is T.ORDER_DECLINED
    assert len(page.errors) == 2
    assert "`$.expiresIn`" in page.errors[0].reason
    assert page.errors[1].reason == "item without notification"
    assert page.unread == 3


@pytest.mark.parametrize(
    "body", ["", "[]", '{"notifications": 5}', '{"notifications": [5]}', "nope", '{"unread": "3"}']
)
def test_notification_page_unusable(body: str) -> None:
    assert isinstance(decode_notification_page(body), DecodeError)


def test_notification_page_without_list() -> None:
    """``notifications`` missing (the node drops empty values) is an empty page, not an error."""
    assert decode_notification_page('{"unread": 0}') == NotificationPage(items=(), unread=0)


def test_balances_rest() -> None:
    balances = decode_balances((REST / "wallet-balance.json").read_bytes())
    assert balances == ZERO_COINS
    assert isinstance(balances, WalletBalances)
    assert balances.coins[2].confirmed.divisibility == 18


def test_balances_rest_bad() -> None:
    assert isinstance(decode_balances("[]"), DecodeError)
    assert isinstance(decode_balances('{"BTC": {"confirmed": "1.5"}}'), DecodeError)
    assert isinstance(
        decode_balances('{"BTC": {"confirmed": 1, "currency": {"divisibility": 40}}}'), DecodeError
    )


def test_profile_rest() -> None:
    text = (REST / "profile.json").read_text()
    assert decode_profile(text) == ALICE_PROFILE
    assert decode_profile(text, peer_id="QmOther") == Profile(peer_id="QmOther", name="Alice")
    assert isinstance(decode_profile("[]"), DecodeError)
    assert isinstance(decode_profile('{"name": 5}'), DecodeError)
    assert isinstance(decode_profile(""), DecodeError)
