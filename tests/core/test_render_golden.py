"""What the user sees: a reviewed rendering of every notification type in both generations.

Each golden line was read as the user would read it, for the role the user
plays in that order. A change of wording must come with a change here, so
toast texts never shift by accident.
"""

from __future__ import annotations

import json

import pytest

from obnotify.core.decode import decode_frame
from obnotify.core.events import (
    ChatMessage,
    DecodeError,
    Notification,
    Profile,
    Thumbnail,
    WalletTx,
)
from obnotify.core.events import (
    NotificationType as T,
)
from obnotify.core.ids import is_ipfs_hash
from obnotify.core.money import Amount
from obnotify.core.render import (
    BODY_LIMIT,
    TITLE_LIMIT,
    Category,
    RenderContext,
    Toast,
    away_summary,
    burst_summary,
    category,
    render,
    render_record,
)
from obnotify.core.render import (
    Urgency as U,
)

from .frames import (
    ALICE,
    ALL_FRAMES,
    BUYER,
    GUIDE,
    NOTIFICATION_TYPES,
    ORDER_A,
    ORDER_C,
    OTHER_FRAMES,
    THUMB_SMALL,
    THUMB_TINY,
    V013,
    V014,
    VENDOR,
    capture_frames,
    go_json,
    notification_frame,
)

SALES_A = f"ob://transactions/sales?orderId={ORDER_A}"
SALES_C = f"ob://transactions/sales?orderId={ORDER_C}"
PURCHASES_B = "ob://transactions/purchases?orderId=QmTCTBF57ujtZDd7KzHodZdsiHp7zwnzL798s2CB8uftKC"
PURCHASES_C = f"ob://transactions/purchases?orderId={ORDER_C}"
PURCHASES_D = "ob://transactions/purchases?orderId=QmcoKERsaetjQX3cF5YySXQHabh5bthvsrk9WxyuooRsH3"
CASE_C = f"ob://transactions/cases?caseId={ORDER_C}"
CASE_A = "ob://transactions/cases?caseId=QmPgRCqyHq3KRQf7nKkqA5m6gyNyBU6gtZ4tx787csgGpG"
DMV4 = THUMB_SMALL
XYTP = "zb2rhXytP3KvSpk2w8uMNi8ApM6cEBkcSmAcEp4xuzJ3HXH8W"
NJZC = "zb2rhnjzCRVpJKqNvVSmWGG9yJW5vN6kb7x3pLt6mhTpoCiSP"
CMCA = "zb2rhcmCAkJSDmmC2B7vQ2bWdKsNzuuuJny5aMV47KiKEhYxB"
REF_A = "order QmbMY8sG…kWFAZ"
REF_B = "order QmTCTBF5…uftKC"
REF_C = "order Qmbxj8B1…wQ7gf"
REF_D = "order QmcoKERs…oRsH3"
V_SHORT = "QmeVMcgX…KhNnT"
B_SHORT = "Qmdy44rw…GNYbh"
A_SHORT = "QmVQzkdi…64UFy"

Golden = tuple[str, str, str, U, str]
"""(title, body, image, urgency, route)."""

GOLDEN: dict[str, Golden] = {
    "0.13/order": (
        f"New order from {V_SHORT}",
        "test digital for 2.3.1: 0.00023422 LTC paid. Fulfil it from your sales.",
        XYTP,
        U.NORMAL,
        SALES_A,
    ),
    "0.13/payment": (
        "Payment sent",
        f"0.00023366 LTC sent for {REF_B}. The seller's node will confirm it.",
        "",
        U.NORMAL,
        PURCHASES_B,
    ),
    "0.13/orderConfirmation": (
        "Order accepted",
        f"{V_SHORT} accepted order QmRmMj5A…pFW6G. You'll be told when it's fulfilled.",
        DMV4,
        U.NORMAL,
        "ob://transactions/purchases?orderId=QmRmMj5A3drnnnxBbA5zs2i9PYTw6osQdfxAdJ5cWpFW6G",
    ),
    "0.13/orderDeclined": (
        "Order declined",
        f"{V_SHORT} declined order QmV27u6a…V1wAY. Your payment goes back to your wallet.",
        DMV4,
        U.NORMAL,
        "ob://transactions/purchases?orderId=QmV27u6aXm6bBu9oLSxnQG1k4Zta3q8iB2BpCA65LV1wAY",
    ),
    "0.13/cancel": (
        "Order cancelled",
        f"{B_SHORT} cancelled {REF_A}. Nothing to ship.",
        DMV4,
        U.NORMAL,
        SALES_A,
    ),
    "0.13/refund": (
        "Refund received",
        f"{V_SHORT} refunded {REF_B}. Check your wallet.",
        DMV4,
        U.NORMAL,
        PURCHASES_B,
    ),
    "0.13/fulfillment": (
        "Order fulfilled",
        f"{B_SHORT} fulfilled order QmPDrJEz…7CmUa. Complete the order once it arrives.",
        XYTP,
        U.NORMAL,
        "ob://transactions/purchases?orderId=QmPDrJEzzz7XgKqgJoJfRis32T7uGpRK3EqTURCwB7CmUa",
    ),
    "0.13/orderComplete": (
        "Order completed",
        f"{V_SHORT} completed {REF_A} and left a rating.",
        XYTP,
        U.NORMAL,
        SALES_A,
    ),
    "0.13/processingError": (
        "Order could not be processed",
        f"{V_SHORT}'s store could not process {REF_B}. Open the order to see what to do.",
        DMV4,
        U.CRITICAL,
        PURCHASES_B,
    ),
    # The guide's dispute: the vendor opened it and the buyer receives it, so the user bought.
    "0.13/disputeOpen": (
        "Dispute opened",
        f"{V_SHORT} opened a dispute on {REF_C}. Give the moderator your side of the story.",
        DMV4,
        U.CRITICAL,
        PURCHASES_C,
    ),
    "0.13/disputeUpdate": (
        "Dispute case updated",
        f"{B_SHORT} sent new details on {REF_C}. Review the case before you decide.",
        DMV4,
        U.CRITICAL,
        CASE_C,
    ),
    "0.13/disputeClose": (
        "Dispute closed",
        f"The moderator decided the dispute on {REF_D}. Accept the payout to receive your share.",
        NJZC,
        U.NORMAL,
        PURCHASES_D,
    ),
    "0.13/disputeAccepted": (
        "Dispute payout accepted",
        f"{V_SHORT} accepted the payout for {REF_C}. The funds are released.",
        DMV4,
        U.NORMAL,
        PURCHASES_C,
    ),
    "0.13/vendorFinalizedPayment": (
        "Seller claimed the payment",
        f"The seller claimed the payment for {REF_B} from escrow.",
        "",
        U.NORMAL,
        PURCHASES_B,
    ),
    "0.13/buyerDisputeTimeout": (
        "Dispute window closed",
        f"You can no longer open a dispute on {REF_D}.",
        DMV4,
        U.NORMAL,
        PURCHASES_D,
    ),
    "0.13/buyerDisputeExpiry": (
        "Dispute window closing",
        f"30 days left to open a dispute on {REF_D}. Complete the order if all is well.",
        NJZC,
        U.NORMAL,
        PURCHASES_D,
    ),
    "0.13/vendorDisputeTimeout": (
        "Payment on hold",
        f"5 days until you can claim the payment for {REF_A}.",
        DMV4,
        U.NORMAL,
        SALES_A,
    ),
    "0.13/moderatorDisputeExpiry": (
        "Dispute case expiring",
        "30 days left to decide case QmPgRCqy…sgGpG.",
        CMCA,
        U.NORMAL,
        CASE_A,
    ),
    "0.13/follow": (
        "New follower",
        "QmX29bG4…aV8dt followed you.",
        "",
        U.LOW,
        "ob://QmX29bG4vhFhj9FzVt1wYovqFRJS4xcvwruwcYPevaV8dt",
    ),
    "0.13/unfollow": (
        "Follower left",
        "QmX29bG4…aV8dt unfollowed you.",
        "",
        U.LOW,
        "ob://QmX29bG4vhFhj9FzVt1wYovqFRJS4xcvwruwcYPevaV8dt",
    ),
    "0.13/moderatorAdd": (
        "Added as a moderator",
        f"{V_SHORT} added you as a moderator.",
        "",
        U.NORMAL,
        f"ob://{VENDOR}",
    ),
    "0.13/moderatorRemove": (
        "Removed as a moderator",
        f"{V_SHORT} removed you as a moderator.",
        "",
        U.NORMAL,
        f"ob://{VENDOR}",
    ),
    "0.14/order": (
        "New order from @mugfan",
        "Handmade mug & saucer <b>blue</b>: 1.5 TETH paid. Fulfil it from your sales.",
        DMV4,
        U.NORMAL,
        SALES_A,
    ),
    "0.14/payment": (
        "Payment sent",
        f"0.001 TBTC sent for {REF_B}. The seller's node will confirm it.",
        "",
        U.NORMAL,
        PURCHASES_B,
    ),
    "0.14/orderConfirmation": (
        "Order accepted",
        f"@potter accepted {REF_B}. You'll be told when it's fulfilled.",
        DMV4,
        U.NORMAL,
        PURCHASES_B,
    ),
    "0.14/orderDeclined": (
        "Order declined",
        f"{V_SHORT} declined {REF_B}. Your payment goes back to your wallet.",
        DMV4,
        U.NORMAL,
        PURCHASES_B,
    ),
    "0.14/cancel": (
        "Order cancelled",
        f"@tom&amp;jerry cancelled {REF_A}. Nothing to ship.",
        THUMB_TINY,
        U.NORMAL,
        SALES_A,
    ),
    "0.14/refund": (
        "Refund received",
        f"@potter refunded {REF_B}. Check your wallet.",
        DMV4,
        U.NORMAL,
        PURCHASES_B,
    ),
    "0.14/fulfillment": (
        "Order fulfilled",
        f"{V_SHORT} fulfilled {REF_B}. Complete the order once it arrives.",
        DMV4,
        U.NORMAL,
        PURCHASES_B,
    ),
    "0.14/orderComplete": (
        "Order completed",
        f"{B_SHORT} completed {REF_A} and left a rating.",
        DMV4,
        U.NORMAL,
        SALES_A,
    ),
    "0.14/processingError": (
        "Order could not be processed",
        f"@potter's store could not process {REF_B}. Open the order to see what to do.",
        DMV4,
        U.CRITICAL,
        PURCHASES_B,
    ),
    # The buyer opened this one, so the user who receives it sold.
    "0.14/disputeOpen": (
        "Dispute opened",
        f"@mugfan opened a dispute on {REF_C}. Give the moderator your side of the story.",
        DMV4,
        U.CRITICAL,
        SALES_C,
    ),
    "0.14/disputeUpdate": (
        "Dispute case updated",
        f"@potter sent new details on {REF_C}. Review the case before you decide.",
        DMV4,
        U.CRITICAL,
        CASE_C,
    ),
    # The other party is the vendor, so the user bought.
    "0.14/disputeClose": (
        "Dispute closed",
        f"The moderator decided the dispute on {REF_C}. Accept the payout to receive your share.",
        DMV4,
        U.NORMAL,
        PURCHASES_C,
    ),
    # The other party is the buyer, so the user sold.
    "0.14/disputeAccepted": (
        "Dispute payout accepted",
        f"{B_SHORT} accepted the payout for {REF_C}. The funds are released.",
        DMV4,
        U.NORMAL,
        SALES_C,
    ),
    "0.14/vendorFinalizedPayment": (
        "Seller claimed the payment",
        f"The seller claimed the payment for {REF_B} from escrow.",
        "",
        U.NORMAL,
        PURCHASES_B,
    ),
    "0.14/buyerDisputeTimeout": (
        "Dispute window closing",
        f"1 hour left to open a dispute on {REF_D}. Complete the order if all is well.",
        DMV4,
        U.CRITICAL,
        PURCHASES_D,
    ),
    "0.14/buyerDisputeExpiry": (
        "Dispute window closing",
        f"7 days left to open a dispute on {REF_D}. Complete the order if all is well.",
        DMV4,
        U.NORMAL,
        PURCHASES_D,
    ),
    "0.14/vendorDisputeTimeout": (
        "Claim your payment",
        f"The buyer can no longer dispute {REF_A}. Claim the payment now.",
        DMV4,
        U.CRITICAL,
        SALES_A,
    ),
    "0.14/moderatorDisputeExpiry": (
        "Dispute case expired",
        "The time to decide case QmPgRCqy…sgGpG has run out.",
        DMV4,
        U.NORMAL,
        CASE_A,
    ),
    "0.14/follow": ("New follower", f"{A_SHORT} followed you.", "", U.LOW, f"ob://{ALICE}"),
    "0.14/unfollow": ("Follower left", f"{A_SHORT} unfollowed you.", "", U.LOW, f"ob://{ALICE}"),
    "0.14/moderatorAdd": (
        "Added as a moderator",
        f"{A_SHORT} added you as a moderator.",
        "",
        U.NORMAL,
        f"ob://{ALICE}",
    ),
    "0.14/moderatorRemove": (
        "Removed as a moderator",
        f"{A_SHORT} removed you as a moderator.",
        "",
        U.NORMAL,
        f"ob://{ALICE}",
    ),
    "0.13/message": (V_SHORT, "Example message.", "", U.NORMAL, f"ob://chat/{VENDOR}"),
    "0.13/message-order": (
        f"{V_SHORT} · {REF_A}",
        "Example order message.",
        "",
        U.NORMAL,
        f"ob://chat/{VENDOR}?subject={ORDER_A}",
    ),
    "0.14/message": (
        A_SHORT,
        "hello bold & 'quotes' null",
        "",
        U.NORMAL,
        f"ob://chat/{ALICE}",
    ),
    "0.14/message-order": (
        f"{V_SHORT} · {REF_B}",
        "Shipped today \u2013 tracking to follow.",
        "",
        U.NORMAL,
        f"ob://chat/{VENDOR}?subject=QmTCTBF57ujtZDd7KzHodZdsiHp7zwnzL798s2CB8uftKC",
    ),
    "0.13/wallet-incoming": (
        "Funds received",
        "+0.00021756 LTC arrived in your LTC wallet (unconfirmed).",
        "",
        U.NORMAL,
        "ob://wallet?coin=LTC&txid=410374604d58fe9840004d3377e36f3aaf1994d154a8ca4c557c3d10fa32aa5c",
    ),
    "0.13/wallet-order-payment": (
        "Payment received",
        "+0.00007801 LTC for “Test Issue v2” (1 confirmation).",
        "zb2rhcAvGem3fPs8bA2G3qe6LJWhEf7dTjzaBTuXxbSbq9W2a",
        U.NORMAL,
        "ob://wallet?coin=LTC&txid=380b8cac2ceb7bc5c706a88be05519ac111b255048c493fdbd52ea11b451543f",
    ),
    "0.14/wallet-incoming": (
        "Funds received",
        "+0.00021756 TLTC arrived in your TLTC wallet (unconfirmed).",
        "",
        U.NORMAL,
        "ob://wallet?coin=TLTC&txid=a1c3f0e2b4d6a8c0e2f4a6b8c0d2e4f6a8b0c2d4e6f8a0b2c4d6e8f0a2b4c6d8",
    ),
    "0.14/wallet-order-payment": (
        "Payment received",
        "+0.000000000000000001 TETH for “Handmade mug & saucer” (2 confirmations).",
        DMV4,
        U.NORMAL,
        "ob://wallet?coin=TETH&txid=0x5e1d3a4c7b9f2e8d6c0a1b3f5e7d9c2a4b6f8e0d1c3a5b7f9e2d4c6a8b0f1e3d",
    ),
    "0.14/wallet-huge": (
        "Funds received",
        "+123456789012.34567890123456789 TETH arrived in your TETH wallet (6 confirmations).",
        "",
        U.NORMAL,
        "ob://wallet?coin=TETH&txid=0x9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0",
    ),
    "unknown/listingReview": (
        "Node notification: listingReview",
        "Great mug & fast (type “listingReview”)",
        DMV4,
        U.NORMAL,
        f"ob://transactions?orderId={ORDER_A}",
    ),
    "unknown/bare": (
        "Node notification: loyaltyPoints",
        "points: 12; reason: streak & bonus (type “loyaltyPoints”)",
        "",
        U.NORMAL,
        "",
    ),
}

SILENT = [
    "0.13/messageTyping",
    "0.13/messageRead",
    "0.13/wallet-outgoing",
    "0.13/walletUpdate",
    "0.13/profile",
    "0.13/profile-error",
    "0.13/status-publishing",
    "0.13/status-publish-complete",
    "0.14/message-outgoing",
    "0.14/messageTyping",
    "0.14/messageRead",
    "0.14/wallet-outgoing",
    "0.14/walletUpdate",
    "0.14/status-publishing",
    "0.14/status-publish-complete",
    "0.14/status-error-publishing",
    "0.14/profile",
    "0.14/profile-error",
    "echo/client",
]
"""Frames that only change state (or go out from the user): never a toast."""


def toast_of(frame: str, ctx: RenderContext | None = None) -> Toast:
    toast = render(decode_frame(frame), ctx)
    assert toast is not None
    return toast


def test_golden_and_silent_cover_every_example() -> None:
    assert set(GOLDEN) | set(SILENT) == set(ALL_FRAMES)
    assert not set(GOLDEN) & set(SILENT)
    for kind in NOTIFICATION_TYPES:
        assert f"0.13/{kind}" in GOLDEN and f"0.14/{kind}" in GOLDEN


@pytest.mark.parametrize("name", sorted(GOLDEN))
def test_golden(name: str) -> None:
    toast = toast_of(ALL_FRAMES[name])
    assert (toast.title, toast.body, toast.image, toast.urgency, toast.route) == GOLDEN[name]


@pytest.mark.parametrize("name", SILENT)
def test_state_frames_do_not_toast(name: str) -> None:
    event = decode_frame(ALL_FRAMES[name])
    assert not isinstance(event, DecodeError)
    assert render(event) is None
    record = render_record(event)
    assert record["toast"] is False
    assert (
        record["title"],
        record["body"],
        record["image"],
        record["urgency"],
        record["route"],
    ) == ("",) * 5


def test_errors_do_not_toast() -> None:
    error = decode_frame("{")
    assert render(error) is None
    assert render_record(error)["reason"] == "Input data was truncated"


@pytest.mark.parametrize("kind", NOTIFICATION_TYPES)
def test_generations_render_alike(kind: str) -> None:
    """The two generations of one type differ in data, never in the kind of toast."""
    old, new = toast_of(V013[kind]), toast_of(V014[kind])
    assert old.group == new.group == f"notification:{kind}"
    assert old.actions == new.actions == (("mark-read", "Mark as read"),)
    if kind in ("disputeOpen", "disputeAccepted"):
        return
    assert route_kind(old.route) == route_kind(new.route)


def route_kind(route: str) -> str:
    """The page a route opens, without the id it opens it at."""
    return route.split("?")[0] if route.startswith("ob://transactions/") else route[:7]


# --- Names -------------------------------------------------------------------------------------------


def profile(
    peer_id: str, name: str = "", handle: str = "", small: str = "", tiny: str = ""
) -> Profile:
    return Profile(
        peer_id=peer_id, name=name, handle=handle, avatar=Thumbnail(small=small, tiny=tiny)
    )


def test_name_from_handle_in_the_frame_beats_the_profile() -> None:
    ctx = RenderContext(peers={VENDOR: profile(VENDOR, name="Pat")})
    assert toast_of(V014["refund"], ctx).body.startswith("@potter refunded")
    assert toast_of(V014["orderConfirmation"], ctx).body.startswith("@potter accepted")


def test_name_from_profile_when_the_frame_has_no_handle() -> None:
    ctx = RenderContext(
        peers={VENDOR: profile(VENDOR, name="Pat &amp; Co"), BUYER: profile(BUYER, handle="@bee")}
    )
    assert (
        toast_of(V013["refund"], ctx).body
        == "Pat &amp; Co refunded order QmTCTBF5…uftKC. Check your wallet."
    )
    assert toast_of(V013["cancel"], ctx).body.startswith("@bee cancelled")
    assert toast_of(GUIDE["message"], ctx).title == "Pat &amp; Co"


def test_name_falls_back_to_a_short_id() -> None:
    ctx = RenderContext(peers={VENDOR: profile(VENDOR, name="  \n ")})
    assert toast_of(V013["refund"], ctx).body.startswith(f"{V_SHORT} refunded")


def test_names_are_one_line_and_bounded() -> None:
    long_name = "Very " * 30 + "\nLong\tName\u202e"
    ctx = RenderContext(peers={VENDOR: profile(VENDOR, name=long_name)})
    title = toast_of(GUIDE["message"], ctx).title
    assert "\n" not in title and "\t" not in title and "\u202e" not in title
    assert len(title) <= 40 and title.endswith("…")
    handle = toast_of(
        notification_frame({"type": "refund", "vendorHandle": "a\nb" + "c" * 100, "orderId": "o"})
    )
    assert handle.body.startswith("@a bccc") and "…" in handle.body.split(" refunded")[0]


def test_someone_when_nothing_is_known() -> None:
    assert (
        toast_of(notification_frame({"type": "follow", "notificationId": "n"})).body
        == "Someone followed you."
    )
    assert (
        toast_of(notification_frame({"type": "refund"})).body
        == "The seller refunded an order. Check your wallet."
    )
    assert (
        toast_of(notification_frame({"type": "cancel"})).body
        == "The buyer cancelled an order. Nothing to ship."
    )
    chat = toast_of(go_json({"message": {"message": "hi", "messageId": "m"}}))
    assert (chat.title, chat.route) == ("Someone", "")


# --- Roles and routes -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "own", "route"),
    [
        ("disputeOpen", BUYER, PURCHASES_C),
        ("disputeOpen", VENDOR, SALES_C),
        ("disputeClose", BUYER, PURCHASES_C),
        ("disputeClose", VENDOR, SALES_C),
        ("disputeAccepted", BUYER, PURCHASES_C),
        ("disputeAccepted", VENDOR, SALES_C),
    ],
)
def test_own_peer_id_decides_the_dispute_role(kind: str, own: str, route: str) -> None:
    assert toast_of(V014[kind], RenderContext(own_peer_id=own)).route == route


def test_routes_by_role() -> None:
    routes = {kind: toast_of(V014[kind]).route.split("?")[0] for kind in NOTIFICATION_TYPES}
    for kind in ("order", "cancel", "orderComplete", "vendorDisputeTimeout"):
        assert routes[kind] == "ob://transactions/sales", kind
    for kind in (
        "payment",
        "orderConfirmation",
        "orderDeclined",
        "refund",
        "fulfillment",
        "processingError",
        "vendorFinalizedPayment",
        "buyerDisputeTimeout",
        "buyerDisputeExpiry",
    ):
        assert routes[kind] == "ob://transactions/purchases", kind
    for kind in ("disputeUpdate", "moderatorDisputeExpiry"):
        assert routes[kind] == "ob://transactions/cases", kind


def test_unsafe_ids_never_reach_a_route() -> None:
    for bad in ("../x", "a b", 'a"b', "a<b", "a?x=1&y", "a\nb", ""):
        toast = toast_of(notification_frame({"type": "refund", "orderId": bad, "vendorId": bad}))
        assert toast.route == "ob://transactions/purchases"
        follow = toast_of(notification_frame({"type": "follow", "peerId": bad}))
        assert follow.route == ""
        chat = toast_of(go_json({"message": {"message": "x", "peerId": "p", "subject": bad}}))
        assert chat.route == "ob://chat/p"


# --- Dispute windows ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("seconds", "left"),
    [
        (2592000, "30 days"),
        (86400, "1 day"),
        (172799, "1 day"),
        (7200, "2 hours"),
        (60, "1 minute"),
        (59, "less than a minute"),
        (1, "less than a minute"),
    ],
)
def test_time_left(seconds: int, left: str) -> None:
    toast = toast_of(
        notification_frame({"type": "buyerDisputeExpiry", "expiresIn": seconds, "orderId": ORDER_A})
    )
    assert (
        toast.body
        == f"{left} left to open a dispute on {REF_A}. Complete the order if all is well."
    )
    assert toast.urgency is (U.CRITICAL if seconds <= 2 * 86400 else U.NORMAL)


@pytest.mark.parametrize("seconds", [0, -1, -86400, None])
@pytest.mark.parametrize(
    ("kind", "key", "title", "body"),
    [
        (
            "buyerDisputeTimeout",
            "orderId",
            "Dispute window closed",
            f"You can no longer open a dispute on {REF_A}.",
        ),
        (
            "buyerDisputeExpiry",
            "orderId",
            "Dispute window closed",
            f"You can no longer open a dispute on {REF_A}.",
        ),
        (
            "vendorDisputeTimeout",
            "purchaseOrderId",
            "Claim your payment",
            f"The buyer can no longer dispute {REF_A}. Claim the payment now.",
        ),
        (
            "moderatorDisputeExpiry",
            "disputeCaseId",
            "Dispute case expired",
            "The time to decide case QmbMY8sG…kWFAZ has run out.",
        ),
    ],
)
def test_expired_windows(kind: str, key: str, title: str, body: str, seconds: int | None) -> None:
    fields: dict[str, object] = {"type": kind, key: ORDER_A}
    if seconds is not None:
        fields["expiresIn"] = seconds
    toast = toast_of(notification_frame(fields))
    assert (toast.title, toast.body) == (title, body)
    assert "left" not in toast.body
    # Only a seller still has something to do once the window has closed: claim the payment.
    assert toast.urgency is (U.CRITICAL if kind == "vendorDisputeTimeout" else U.NORMAL)


# --- Chat ------------------------------------------------------------------------------------------------


def chat_frame(text: str, subject: str = "", outgoing: bool = False) -> str:
    return go_json(
        {
            "message": {
                "message": text,
                "messageId": "QmM",
                "peerId": ALICE,
                "subject": subject,
                "outgoing": outgoing,
            }
        }
    )


def test_long_chat_is_cut_at_a_word() -> None:
    words = " ".join(f"word{i}" for i in range(2000))
    body = toast_of(chat_frame(words)).body
    assert len(body) <= BODY_LIMIT and body.endswith("…")
    kept = body[:-1]
    assert words.startswith(kept) and words[len(kept)] == " "
    assert len(kept) > BODY_LIMIT * 2 // 3


def test_longest_chat_the_server_allows() -> None:
    text = ("Hello there, is this still for sale? " * 600)[:20000]
    body = toast_of(chat_frame(text)).body
    assert len(body) <= BODY_LIMIT and body.endswith("sale? Hello there, is…")
    assert text.startswith(body[:-1] + " ")


def test_chat_text_one_line_and_empty() -> None:
    assert toast_of(chat_frame("line one\n\nline\ttwo  ")).body == "line one line two"
    assert toast_of(chat_frame("   \n")).body == "(empty message)"
    assert toast_of(chat_frame("\u202eevil\u202c")).body == "evil"


@pytest.mark.parametrize(
    ("sent", "body"),
    [
        # What a real node made of `<a href="http://x">link</a>` typed in a chat.
        ('<a href="http://x" rel="nofollow">link</a>', "link"),
        ("<p>Hi <b>there, <i>friend</i></b></p><p>bye</p>", "Hi there, friend bye"),
        ("<script>alert(1)</script>hello", "hello"),
        ("1 &lt; 2 &amp;&amp; 3 &gt; 2", "1 < 2 && 3 > 2"),
        ("&lt;b&gt; is how you type bold", "<b> is how you type bold"),
    ],
)
def test_chat_markup_shows_as_its_text(sent: str, body: str) -> None:
    toast = toast_of(chat_frame(sent))
    assert toast.body == body
    assert toast.title == "QmVQzkdi…64UFy"


def test_order_chat_says_which_order() -> None:
    toast = toast_of(
        chat_frame("Shipped", subject=ORDER_A),
        RenderContext(peers={ALICE: profile(ALICE, name="Alice")}),
    )
    assert toast.title == f"Alice · {REF_A}"
    assert toast.route == f"ob://chat/{ALICE}?subject={ORDER_A}"
    assert toast.actions == (("reply", "Reply"), ("mark-read", "Mark as read"))
    assert toast.group == f"chat:{ALICE}:{ORDER_A}"


def test_chat_avatar_from_profile() -> None:
    ctx = RenderContext(
        peers={ALICE: profile(ALICE, name="Alice", small="../etc/passwd", tiny=THUMB_TINY)}
    )
    toast = toast_of(chat_frame("hi"), ctx)
    assert (toast.image, toast.image_kind) == (THUMB_TINY, "avatar")


def test_outgoing_chat_is_silent() -> None:
    assert render(decode_frame(chat_frame("mine", outgoing=True))) is None


# --- Funds ------------------------------------------------------------------------------------------------


def test_known_transactions_do_not_toast_again() -> None:
    frame = GUIDE["wallet-incoming"]
    txid = "410374604d58fe9840004d3377e36f3aaf1994d154a8ca4c557c3d10fa32aa5c"
    assert render(decode_frame(frame), RenderContext(known_txids={txid})) is None
    assert render(decode_frame(frame), RenderContext(known_txids={"other"})) is not None


def test_outgoing_and_zero_do_not_toast() -> None:
    assert render(decode_frame(GUIDE["wallet-outgoing"])) is None
    assert render(decode_frame(OTHER_FRAMES["0.14/wallet-outgoing"])) is None
    assert render(WalletTx(txid="t", value=Amount(0, 8, "BTC"))) is None


def test_funds_route_and_image_are_checked() -> None:
    tx = WalletTx(
        txid="a b", value=Amount(5, 8, "B<C"), thumbnail="../x", order_id="o", memo="Mug\n&"
    )
    toast = render(tx)
    assert toast is not None
    assert (toast.title, toast.body, toast.route, toast.image) == (
        "Payment received",
        "+0.00000005 B<C for “Mug &” (unconfirmed).",
        "ob://wallet",
        "",
    )


# --- Images -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("small", "tiny", "image"),
    [
        (THUMB_SMALL, THUMB_TINY, THUMB_SMALL),
        ("", THUMB_TINY, THUMB_TINY),
        ("../x", THUMB_TINY, THUMB_TINY),
        ("Qm" + "0" * 44, THUMB_TINY, THUMB_TINY),
        ("Qm" + "l" * 44, "", ""),
        ("Qm" + "a" * 43 + "/", "", ""),
        ("Qm" + "a" * 45, "", ""),
        (
            "QmYuSCXrR1Bk46VVjzVwE3aw9JcTLPKReYGv6pVHPzCJET",
            "",
            "QmYuSCXrR1Bk46VVjzVwE3aw9JcTLPKReYGv6pVHPzCJET",
        ),
        (
            "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
            "",
            "bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi",
        ),
        (" " + THUMB_SMALL, "", ""),
        (THUMB_SMALL + "\n", "", ""),
        ("http://evil/x.png", "file:///etc/passwd", ""),
        ("", "", ""),
    ],
)
def test_thumbnail_choice(small: str, tiny: str, image: str) -> None:
    frame = notification_frame(
        {"type": "refund", "orderId": "o", "thumbnail": {"small": small, "tiny": tiny}}
    )
    toast = toast_of(frame)
    assert toast.image == image
    assert toast.image_kind == ("thumbnail" if image else "")
    assert not image or is_ipfs_hash(image)


def test_follow_uses_the_follower_avatar() -> None:
    ctx = RenderContext(
        peers={ALICE: profile(ALICE, name="Alice", small=THUMB_SMALL, tiny=THUMB_TINY)}
    )
    toast = toast_of(V014["follow"], ctx)
    assert (toast.title, toast.body, toast.image, toast.image_kind) == (
        "New follower",
        "Alice followed you.",
        THUMB_SMALL,
        "avatar",
    )


# --- Unknown types ------------------------------------------------------------------------------------------


def test_unknown_types_are_generic_but_say_something() -> None:
    cases = {
        '{"notification": {}}': (
            "Node notification: unknown",
            "Open obnotify to see it. (type “unknown”)",
        ),
        notification_frame({"type": "x", "peerId": ALICE}): (
            "Node notification: x",
            f"From {A_SHORT}. (type “x”)",
        ),
        notification_frame({"type": "x", "orderId": ORDER_A, "buyerId": BUYER}): (
            "Node notification: x",
            f"About {REF_A}, from {B_SHORT}. (type “x”)",
        ),
        notification_frame({"type": "<b>x</b>\n&amp;"}): (
            "Node notification: <b>x</b> &",
            "Open obnotify to see it. (type “<b>x</b> &”)",
        ),
    }
    for frame, expected in cases.items():
        toast = toast_of(frame)
        assert (toast.title, toast.body) == expected
        assert toast.urgency is U.NORMAL


def test_unknown_type_with_huge_fields_is_bounded() -> None:
    toast = toast_of(notification_frame({"type": "y" * 500, "note": "z" * 10000}))
    assert len(toast.title) <= TITLE_LIMIT and len(toast.body) <= BODY_LIMIT


# --- Records ---------------------------------------------------------------------------------------------------


def test_render_record_fields() -> None:
    record = render_record(decode_frame(V013["orderDeclined"]))
    assert record == {
        "kind": "notification",
        "id": "QmRVdHai627YZ9GcTvWNsGAhvEkndJVbSct1MkUrbH6665",
        "toast": True,
        "title": "Order declined",
        "body": f"{V_SHORT} declined order QmV27u6a…V1wAY. Your payment goes back to your wallet.",
        "image": DMV4,
        "urgency": "normal",
        "route": "ob://transactions/purchases?orderId=QmV27u6aXm6bBu9oLSxnQG1k4Zta3q8iB2BpCA65LV1wAY",
        "category": "orders",
        "type": "orderDeclined",
        "rawType": "declined",
    }
    chat = render_record(decode_frame(GUIDE["message"]))
    assert set(chat) == {
        "kind",
        "id",
        "toast",
        "title",
        "body",
        "image",
        "urgency",
        "route",
        "category",
    }
    assert (chat["kind"], chat["id"], chat["category"]) == (
        "message",
        "QmSzWn8fM8bnnwrnUphovDagSqj4ShQwbQMr5ScEUAoxJZ",
        "chat",
    )
    error = render_record(decode_frame("[]"))
    assert error == {
        "kind": "error",
        "id": "",
        "toast": False,
        "title": "",
        "body": "",
        "image": "",
        "urgency": "",
        "route": "",
        "category": "other",
        "reason": "Expected `object`, got `array`",
    }


def test_render_record_is_json() -> None:
    for _, frame in capture_frames():
        record = render_record(decode_frame(frame))
        assert json.loads(json.dumps(record)) == record


def test_categories() -> None:
    expected = {
        "order": Category.ORDERS,
        "vendorFinalizedPayment": Category.ORDERS,
        "disputeOpen": Category.DISPUTES,
        "buyerDisputeTimeout": Category.DISPUTES,
        "moderatorDisputeExpiry": Category.DISPUTES,
        "follow": Category.FOLLOWERS,
        "unfollow": Category.FOLLOWERS,
        "moderatorAdd": Category.OTHER,
    }
    for kind, cat in expected.items():
        assert category(decode_frame(V014[kind])) is cat
    assert category(decode_frame(GUIDE["message"])) is Category.CHAT
    assert category(decode_frame(GUIDE["wallet-incoming"])) is Category.FUNDS
    assert category(decode_frame(GUIDE["walletUpdate"])) is Category.OTHER


def test_summaries() -> None:
    away = away_summary(
        {Category.ORDERS: 3, Category.CHAT: 1, Category.FUNDS: 0, Category.DISPUTES: 2}
    )
    assert (away.title, away.body, away.route) == (
        "6 events while you were away",
        "3 order updates, 1 chat message, 2 dispute updates. Open obnotify to see them all.",
        "obnotify://activity",
    )
    burst = burst_summary({Category.FOLLOWERS: 2, Category.FUNDS: 1})
    assert (burst.title, burst.body) == (
        "3 new events",
        "2 follower updates, 1 payment. Open obnotify to see them all.",
    )


def test_render_does_not_depend_on_a_shared_context() -> None:
    event = decode_frame(V014["order"])
    assert render(event) == render(event, RenderContext())
    assert isinstance(event, Notification) and event.type is T.ORDER


def test_chat_message_without_id_still_toasts() -> None:
    event = ChatMessage(id="", peer_id=ALICE, text="hi")
    toast = render(event)
    assert toast is not None and toast.body == "hi"


def test_a_toast_from_one_of_several_nodes_names_it_in_plain_text() -> None:
    from obnotify.core.render import Toast, from_node

    toast = Toast(title="New follower", body="@ann follows you")
    assert from_node(toast, "Shop").title == "Shop · New follower"
    assert from_node(toast, "  ").title == "New follower"
    assert from_node(toast, "a\nb" + "x" * 100).title.startswith("a b")
    assert from_node(toast, "Shop").body == toast.body
