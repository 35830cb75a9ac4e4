"""What the detail pane shows for each kind of event, and the conversation lines of a chat."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from obnotify.core.conversation import ChatLine, chat_text, conversation, node_timestamp
from obnotify.core.decode import decode_frame, encode_event
from obnotify.core.details import Detail, DetailField, detail_of, recorded_event
from obnotify.core.events import ChatMessage, Notification, Profile, WalletTx
from obnotify.core.money import Amount
from obnotify.core.routes import ChatTarget

from .frames import BUYER, ORDER_A, OTHER_FRAMES, V014, VENDOR

ALICE = "QmVQzkdi3Fq6LRFG9UNqDZfSry67weCZV6ZL26QVx64UFy"


@dataclass(frozen=True)
class Row:
    """A history row's fields the detail reads."""

    kind: str = "notification"
    title: str = "A title"
    body: str = "A body"
    image: str = ""
    route: str = ""
    peer_id: str = ""
    order_id: str = ""


def _notification(name: str) -> Notification:
    event = decode_frame(V014[name])
    assert isinstance(event, Notification)
    return event


def _fields(detail: Detail) -> dict[str, DetailField]:
    return {f.label: f for f in detail.fields}


def test_an_order_shows_full_ids_the_price_and_the_listing() -> None:
    order = _notification("order")
    thumb = order.thumbnail.best()
    detail = detail_of(Row(title="New order from @mugfan", image=thumb), order)
    fields = _fields(detail)
    assert fields["Order"] == DetailField("Order", ORDER_A, copyable=True)
    assert fields["Price"].text == "1.5 TETH"
    assert fields["Listing"].text == "Handmade mug & saucer <b>blue</b>"
    assert fields["Buyer"] == DetailField("Buyer", "@mugfan")
    assert fields["Buyer id"] == DetailField("Buyer id", BUYER, copyable=True)
    assert (detail.picture, detail.picture_kind) == (thumb, "thumbnail")
    assert detail.chat is None


def test_a_dispute_names_both_parties_by_their_full_ids() -> None:
    detail = detail_of(Row(), _notification("disputeOpen"), own_peer_id=VENDOR)
    fields = _fields(detail)
    assert fields["Buyer id"].text == BUYER
    assert fields["Other party"].text == "@potter"
    assert fields["Other party id"] == DetailField("Other party id", VENDOR, copyable=True)


def test_an_expiry_says_how_long_is_left() -> None:
    event = _notification("buyerDisputeExpiry")
    assert event.expires_in is not None and event.expires_in > 0
    assert "Time left" in _fields(detail_of(Row(), event))


def test_a_follower_is_named_from_the_profile_and_pictured_by_the_avatar() -> None:
    follow = _notification("follow")
    avatar = "zb2rhjj2XQEJ4XrquY6C1ATdAvYN6HL1HzFcZg65Se9cMnBhk"
    peers = {follow.peer_id: Profile(peer_id=follow.peer_id, name="Carol")}
    detail = detail_of(Row(image=avatar), follow, peers=peers)
    assert detail.fields == (
        DetailField("Follower", "Carol"),
        DetailField("Follower id", follow.peer_id, copyable=True),
    )
    assert detail.picture_kind == "avatar"


def test_chat_shows_the_whole_message_without_the_tags_the_sanitiser_left() -> None:
    message = ChatMessage(
        id="m1",
        peer_id=ALICE,
        text='See <a href="http://x" rel="nofollow">link</a> & reply',
        subject=ORDER_A,
    )
    route = f"ob://chat/{ALICE}?subject={ORDER_A}"
    detail = detail_of(Row(kind="message", body="clipped…", route=route), message)
    assert detail.body == "See link & reply"
    assert detail.chat == ChatTarget(ALICE, ORDER_A)
    fields = _fields(detail)
    assert fields["Chat with"] == DetailField("Chat with", ALICE, copyable=True)
    assert (detail.peer_name, detail.outgoing) == ("QmVQzkdi…64UFy", False)
    assert fields["Order"] == DetailField("Order", ORDER_A, copyable=True)


def test_a_payment_shows_the_signed_amount_and_the_transaction() -> None:
    event = decode_frame(OTHER_FRAMES["0.14/wallet-order-payment"])
    assert isinstance(event, WalletTx)
    fields = _fields(detail_of(Row(kind="wallet"), event))
    assert fields["Amount"].text == "+" + event.value.format()
    assert fields["Transaction id"] == DetailField("Transaction id", event.txid, copyable=True)
    assert fields["Order"].text == event.order_id


def test_an_outgoing_payment_has_its_minus_sign_once() -> None:
    tx = WalletTx(txid="ab12", value=Amount(-2657, 8, "BTC"))
    assert _fields(detail_of(Row(kind="wallet"), tx))["Amount"].text == "-0.00002657 BTC"


def test_a_row_whose_event_is_gone_still_shows_what_it_kept() -> None:
    detail = detail_of(Row(peer_id=ALICE, order_id=ORDER_A, image="../etc/passwd"))
    assert detail.fields == (
        DetailField("Order", ORDER_A, copyable=True),
        DetailField("Peer id", ALICE, copyable=True),
    )
    assert detail.picture == ""


def test_hostile_ids_are_one_line_and_bounded() -> None:
    n = Notification(id="x", type=_notification("order").type, raw_type="order",
                     order_id="a\nb\u202e" + "z" * 5000)  # fmt: skip
    text = _fields(detail_of(Row(), n))["Order"].text
    assert "\n" not in text and "\u202e" not in text and len(text) <= 200


def test_the_recorded_event_comes_back_from_the_history_text() -> None:
    order = _notification("order")
    assert recorded_event("notification", encode_event(order)) == order
    assert recorded_event("notification", "") is None
    assert recorded_event("notification", "{not json") is None


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ('<a href="http://x" rel="nofollow">link</a>', "link"),
        ("a &amp; b <b>c</b>", "a &amp; b c"),
        ("1 < 2", "1 < 2"),
        ("line one<br>line two", "line one\nline two"),
        ("one\n\n\n\ntwo\n", "one\n\ntwo"),
        ("tab\there\u200b", "tab here"),
    ],
)
def test_chat_text_is_plain_lines(text: str, shown: str) -> None:
    assert chat_text(text) == shown


def test_node_timestamps_with_nanoseconds_parse() -> None:
    assert node_timestamp("2025-10-09T08:26:40.123456789Z") == pytest.approx(1759998400.123456)
    assert node_timestamp("2025-10-09T10:26:40+02:00") == 1759998400.0
    assert node_timestamp("") is None
    assert node_timestamp("yesterday") is None
    assert node_timestamp("2025-10-09T08:26:40") is None


def test_a_conversation_reads_oldest_first() -> None:
    newest_first = [
        ChatMessage(
            id="2", peer_id=ALICE, text="Tomorrow", outgoing=True, timestamp="2025-10-09T08:27:00Z"
        ),
        ChatMessage(
            id="1",
            peer_id=ALICE,
            text="<i>When</i> does it ship?",
            timestamp="2025-10-09T08:26:40Z",
        ),
    ]
    assert conversation(newest_first) == [
        ChatLine(outgoing=False, text="When does it ship?", timestamp=1759998400.0, message_id="1"),
        ChatLine(outgoing=True, text="Tomorrow", timestamp=1759998420.0, message_id="2"),
    ]
