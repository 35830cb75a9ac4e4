"""Example frames of every kind the OB Go server sends, in both protocol generations.

The decode, render, mutation and benchmark code all draw on these, so one
reviewed set of inputs backs every check. ``GUIDE`` holds the examples of
``websocket-messages.md`` character for character (the 0.13 shapes);
``V013`` completes them with the types the guide leaves out, in the same
style; ``V014`` has the shapes the 0.14.5 server really sends (string amounts
with a currency object, ``orderDeclined``, ``purchaseOrderId``), written the
way Go writes them: four-space indent, sorted keys, ``<``, ``>`` and ``&``
escaped as ``\\u003c``... The captures recorded from real nodes, and the
guide they are checked against, are copies kept in ``tests/fixtures``.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Final

from obnotify.demo.frames import NOTIFICATION_TYPES as SERVER_NOTIFICATION_TYPES
from obnotify.demo.gojson import dumps as go_json

__all__ = [
    "ALL_FRAMES",
    "CAPTURES_DIR",
    "GUIDE",
    "GUIDE_FILE",
    "NOTIFICATION_TYPES",
    "OTHER_FRAMES",
    "V013",
    "V014",
    "capture_files",
    "capture_frames",
    "go_json",
    "notification_frame",
]


def guide_json(obj: Any) -> str:
    """``obj`` as the 0.13 guide prints it: indented by two, keys sorted."""
    return json.dumps(obj, indent=2, sort_keys=True)


def notification_frame(fields: dict[str, Any], *, go: bool = True) -> str:
    """A ``{"notification": fields}`` frame in the style of either generation."""
    wrapped = {"notification": fields}
    return go_json(wrapped) if go else guide_json(wrapped)


# Identifiers reused from the guide so the two generations speak of the same orders and people.
VENDOR: Final = "QmeVMcgXsy9xyXshREU5avCYYPyrz5bgMZyTZjv44KhNnT"
BUYER: Final = "Qmdy44rwpPQ2opSJi9LjKSzChMgHXgdC5vPq5zfVUGNYbh"
MODERATED_BUYER: Final = "QmShZpfoqTsdov6R7z46YgspWJxcvDmQNQuMMfMxUNBSFr"
OTHER_PARTY: Final = "QmaWkAWZ5ZS1dGmYkkJRBMVGMmAbjpRCPCNeGsxgYLCcx9"
FOLLOWER: Final = "QmX29bG4vhFhj9FzVt1wYovqFRJS4xcvwruwcYPevaV8dt"
ALICE: Final = "QmVQzkdi3Fq6LRFG9UNqDZfSry67weCZV6ZL26QVx64UFy"
ORDER_A: Final = "QmbMY8sGFeZ4cF9LGFmDRgT6Ao3sVRtGcYW5vuJ9ckWFAZ"
ORDER_B: Final = "QmTCTBF57ujtZDd7KzHodZdsiHp7zwnzL798s2CB8uftKC"
ORDER_C: Final = "Qmbxj8B1FaUSjQLZyG9u6yBNZ87HzdJuWkwRK6N2vwQ7gf"
ORDER_D: Final = "QmcoKERsaetjQX3cF5YySXQHabh5bthvsrk9WxyuooRsH3"
CASE_A: Final = "QmPgRCqyHq3KRQf7nKkqA5m6gyNyBU6gtZ4tx787csgGpG"
THUMB: Final = {
    "small": "zb2rhdmv4SqzsxFzZK6tPeYkant6rRyFHDfJx3saUZLQsf6VT",
    "tiny": "zb2rhjj2XQEJ4XrquY6C1ATdAvYN6HL1HzFcZg65Se9cMnBhk",
}
THUMB_SMALL: Final = THUMB["small"]
THUMB_TINY: Final = THUMB["tiny"]

GUIDE: Final[dict[str, str]] = {
    "walletUpdate": """\
{
  "walletUpdate": {
    "BCH": {
      "confirmed": 0,
      "height": 569437,
      "unconfirmed": 0
    },
    "BTC": {
      "confirmed": 2657,
      "height": 562734,
      "unconfirmed": 0
    },
    "LTC": {
      "confirmed": 83591,
      "height": 1578370,
      "unconfirmed": 0
    },
    "ZEC": {
      "confirmed": 0,
      "height": 480276,
      "unconfirmed": 0
    }
  }
}""",
    "wallet-incoming": """\
{
  "wallet": {
    "address": "",
    "canBumpFee": true,
    "confirmations": 0,
    "height": 0,
    "memo": "",
    "orderId": "",
    "status": "UNCONFIRMED",
    "thumbnail": "",
    "timestamp": "2019-02-12T13:23:43.599771-05:00",
    "txid": "410374604d58fe9840004d3377e36f3aaf1994d154a8ca4c557c3d10fa32aa5c",
    "value": 21756,
    "wallet": "LTC"
  }
}""",
    "wallet-order-payment": """\
{
  "wallet": {
    "address": "",
    "canBumpFee": true,
    "confirmations": 1,
    "height": 1578522,
    "memo": "Test Issue v2",
    "orderId": "QmaAeFMH6Ny8XFVZVYXNHfJtyjgyYLxxA4xUc1yvRaBadB",
    "status": "PENDING",
    "thumbnail": "zb2rhcAvGem3fPs8bA2G3qe6LJWhEf7dTjzaBTuXxbSbq9W2a",
    "timestamp": "2019-02-12T15:22:45-05:00",
    "txid": "380b8cac2ceb7bc5c706a88be05519ac111b255048c493fdbd52ea11b451543f",
    "value": 7801,
    "wallet": "LTC"
  }
}""",
    "wallet-outgoing": """\
{
  "wallet": {
    "address": "ltc1qrrrqtazefwln9en5zhex4elswgj7qfupwrc7z4eydh5mv5frwauqhlpnmj",
    "canBumpFee": false,
    "confirmations": 1,
    "height": 1578469,
    "memo": "test ltc 2.3",
    "orderId": "QmTCTBF57ujtZDd7KzHodZdsiHp7zwnzL798s2CB8uftKC",
    "status": "PENDING",
    "thumbnail": "zb2rhjj2XQEJ4XrquY6C1ATdAvYN6HL1HzFcZg65Se9cMnBhk",
    "timestamp": "2019-02-12T13:22:07-05:00",
    "txid": "cf0bd34a7934f4741a62b603cf557f79fc41c25480eba0beecb6ca6d1847001a",
    "value": -27236,
    "wallet": "LTC"
  }
}""",
    "payment": """\
{
  "notification": {
    "coinType": "LTC",
    "fundingTotal": 23366,
    "notificationId": "QmYuSCXrR1Bk46VVjzVwE3aw9JcTLPKReYGv6pVHPzCJET",
    "orderId": "QmTCTBF57ujtZDd7KzHodZdsiHp7zwnzL798s2CB8uftKC",
    "type": "payment"
  }
}""",
    "declined": """\
{
  "notification": {
    "notificationId": "QmRVdHai627YZ9GcTvWNsGAhvEkndJVbSct1MkUrbH6665",
    "orderId": "QmV27u6aXm6bBu9oLSxnQG1k4Zta3q8iB2BpCA65LV1wAY",
    "thumbnail": {
      "small": "zb2rhdmv4SqzsxFzZK6tPeYkant6rRyFHDfJx3saUZLQsf6VT",
      "tiny": "zb2rhjj2XQEJ4XrquY6C1ATdAvYN6HL1HzFcZg65Se9cMnBhk"
    },
    "type": "declined",
    "vendorHandle": "",
    "vendorId": "QmeVMcgXsy9xyXshREU5avCYYPyrz5bgMZyTZjv44KhNnT"
  }
}""",
    "orderConfirmation": """\
{
  "notification": {
    "notificationId": "QmNirzKXfDySd9qAfH1JjPtLxp9hDqmtcZr9ANccdU3kRW",
    "orderId": "QmRmMj5A3drnnnxBbA5zs2i9PYTw6osQdfxAdJ5cWpFW6G",
    "thumbnail": {
      "small": "zb2rhdmv4SqzsxFzZK6tPeYkant6rRyFHDfJx3saUZLQsf6VT",
      "tiny": "zb2rhjj2XQEJ4XrquY6C1ATdAvYN6HL1HzFcZg65Se9cMnBhk"
    },
    "type": "orderConfirmation",
    "vendorHandle": "",
    "vendorId": "QmeVMcgXsy9xyXshREU5avCYYPyrz5bgMZyTZjv44KhNnT"
  }
}""",
    "refund": """\
{
  "notification": {
    "notificationId": "QmWURc2PX3ho67vHy1gW83kDBHTf3piz7AXVgorXvuLBMU",
    "orderId": "QmTCTBF57ujtZDd7KzHodZdsiHp7zwnzL798s2CB8uftKC",
    "thumbnail": {
      "small": "zb2rhdmv4SqzsxFzZK6tPeYkant6rRyFHDfJx3saUZLQsf6VT",
      "tiny": "zb2rhjj2XQEJ4XrquY6C1ATdAvYN6HL1HzFcZg65Se9cMnBhk"
    },
    "type": "refund",
    "vendorHandle": "",
    "vendorId": "QmeVMcgXsy9xyXshREU5avCYYPyrz5bgMZyTZjv44KhNnT"
  }
}""",
    "fulfillment": """\
{
  "notification": {
    "notificationId": "QmT2LkRZHEZ8Sw7nPys35i5eKtBL4aZR34wiZSirTeemhi",
    "orderId": "QmPDrJEzzz7XgKqgJoJfRis32T7uGpRK3EqTURCwB7CmUa",
    "thumbnail": {
      "small": "zb2rhXytP3KvSpk2w8uMNi8ApM6cEBkcSmAcEp4xuzJ3HXH8W",
      "tiny": "zb2rhimYUmqHiXmPJ1FaAaZse8GvXC9mKSoHAPfbJpninVvqw"
    },
    "type": "fulfillment",
    "vendorHandle": "",
    "vendorId": "Qmdy44rwpPQ2opSJi9LjKSzChMgHXgdC5vPq5zfVUGNYbh"
  }
}""",
    "buyerDisputeExpiry": """\
{
  "notification": {
    "expiresIn": 2592000,
    "notificationId": "QmU9F8nhiDQ88oAR4eFiyH3iJKUYzfNkK1KuvJGoVujZBp",
    "orderId": "QmcoKERsaetjQX3cF5YySXQHabh5bthvsrk9WxyuooRsH3",
    "thumbnail": {
      "small": "zb2rhnjzCRVpJKqNvVSmWGG9yJW5vN6kb7x3pLt6mhTpoCiSP",
      "tiny": "zb2rhWtVHeuGumL5u11E7DDqwXMtHinPiAfKmh7kwJv17B5vz"
    },
    "type": "buyerDisputeExpiry"
  }
}""",
    "order": """\
{
  "notification": {
    "buyerHandle": "",
    "buyerId": "QmeVMcgXsy9xyXshREU5avCYYPyrz5bgMZyTZjv44KhNnT",
    "listingType": "DIGITAL_GOOD",
    "notificationId": "Qmbe1AVhpsbdnMnNjEeq44N6L3ujTXVEtEeLcVje3Mk3uE",
    "orderId": "QmbMY8sGFeZ4cF9LGFmDRgT6Ao3sVRtGcYW5vuJ9ckWFAZ",
    "price": {
      "amount": 23422,
      "coinDivisibility": 100000000,
      "currencyCode": "LTC",
      "priceModifier": 0
    },
    "slug": "test-digital-for-2.3",
    "thumbnail": {
      "small": "zb2rhXytP3KvSpk2w8uMNi8ApM6cEBkcSmAcEp4xuzJ3HXH8W",
      "tiny": "zb2rhimYUmqHiXmPJ1FaAaZse8GvXC9mKSoHAPfbJpninVvqw"
    },
    "title": "test digital for 2.3.1",
    "type": "order"
  }
}""",
    "orderComplete": """\
{
  "notification": {
    "buyerHandle": "",
    "buyerId": "QmeVMcgXsy9xyXshREU5avCYYPyrz5bgMZyTZjv44KhNnT",
    "notificationId": "Qmde61M777DpehxhckTBJbEwpNSzC4PqXhsevesw6BgJPi",
    "orderId": "QmbMY8sGFeZ4cF9LGFmDRgT6Ao3sVRtGcYW5vuJ9ckWFAZ",
    "thumbnail": {
      "small": "zb2rhXytP3KvSpk2w8uMNi8ApM6cEBkcSmAcEp4xuzJ3HXH8W",
      "tiny": "zb2rhimYUmqHiXmPJ1FaAaZse8GvXC9mKSoHAPfbJpninVvqw"
    },
    "type": "orderComplete"
  }
}""",
    "disputeOpen": """\
{
  "notification": {
    "buyer": "Qmdy44rwpPQ2opSJi9LjKSzChMgHXgdC5vPq5zfVUGNYbh",
    "disputeeHandle": "",
    "disputeeId": "Qmdy44rwpPQ2opSJi9LjKSzChMgHXgdC5vPq5zfVUGNYbh",
    "disputerHandle": "",
    "disputerId": "QmeVMcgXsy9xyXshREU5avCYYPyrz5bgMZyTZjv44KhNnT",
    "notificationId": "QmY9tD3fhZDDSs4NjUtKfYKU7JiP2S1vgx8eF3qKg7Ppgb",
    "orderId": "Qmbxj8B1FaUSjQLZyG9u6yBNZ87HzdJuWkwRK6N2vwQ7gf",
    "thumbnail": {
      "small": "zb2rhdmv4SqzsxFzZK6tPeYkant6rRyFHDfJx3saUZLQsf6VT",
      "tiny": "zb2rhjj2XQEJ4XrquY6C1ATdAvYN6HL1HzFcZg65Se9cMnBhk"
    },
    "type": "disputeOpen"
  }
}""",
    "disputeClose": """\
{
  "notification": {
    "buyer": "QmShZpfoqTsdov6R7z46YgspWJxcvDmQNQuMMfMxUNBSFr",
    "notificationId": "QmSvTTKgcKj9AwQ4zqnnNPQewy9dJrBfpAL8c1XqeoucfX",
    "orderId": "QmcoKERsaetjQX3cF5YySXQHabh5bthvsrk9WxyuooRsH3",
    "otherPartyHandle": "",
    "otherPartyId": "QmaWkAWZ5ZS1dGmYkkJRBMVGMmAbjpRCPCNeGsxgYLCcx9",
    "thumbnail": {
      "small": "zb2rhnjzCRVpJKqNvVSmWGG9yJW5vN6kb7x3pLt6mhTpoCiSP",
      "tiny": "zb2rhWtVHeuGumL5u11E7DDqwXMtHinPiAfKmh7kwJv17B5vz"
    },
    "type": "disputeClose"
  }
}""",
    "disputeAccepted": """\
{
  "notification": {
    "buyer": "Qmdy44rwpPQ2opSJi9LjKSzChMgHXgdC5vPq5zfVUGNYbh",
    "notificationId": "QmeFmw8UWQbXyqRCMfLg99u73wN6rgc8BCQ4YN4bQqxw76",
    "orderId": "Qmbxj8B1FaUSjQLZyG9u6yBNZ87HzdJuWkwRK6N2vwQ7gf",
    "otherPartyHandle": "",
    "otherPartyId": "QmeVMcgXsy9xyXshREU5avCYYPyrz5bgMZyTZjv44KhNnT",
    "thumbnail": {
      "small": "zb2rhdmv4SqzsxFzZK6tPeYkant6rRyFHDfJx3saUZLQsf6VT",
      "tiny": "zb2rhjj2XQEJ4XrquY6C1ATdAvYN6HL1HzFcZg65Se9cMnBhk"
    },
    "type": "disputeAccepted"
  }
}""",
    "moderatorDisputeExpiry": """\
{
  "notification": {
    "disputeCaseId": "QmPgRCqyHq3KRQf7nKkqA5m6gyNyBU6gtZ4tx787csgGpG",
    "expiresIn": 2592000,
    "notificationId": "QmVFtZH85xEnWqEKDimJSLY7uMSAhY6X9MHzsSo4jhcPJt",
    "thumbnail": {
      "small": "zb2rhcmCAkJSDmmC2B7vQ2bWdKsNzuuuJny5aMV47KiKEhYxB",
      "tiny": "zb2rhfrfJrssPwMKxxxjJeiA1k2XuQ3p26hjAJtbmwhqufME3"
    },
    "type": "moderatorDisputeExpiry"
  }
}""",
    "profile": """\
{
  "id": "cd29c03d-2736-1ad3-2cc9-88e1407041d0",
  "peerId": "QmdAJqBxLhYCMyfsaTR3rTWPAW8D1gBX5VET9dr25jXzQg",
  "profile": {
    "about": "",
    "avatarHashes": {
      "large": "zb2rhbCspUDPfmcWq9fEoTW3vbRAPiHhXxcViAidCt7uYndkG",
      "medium": "zb2rhf3fYMZ4gJkoBMT5H3aS71nPDYjmRHdJf4aBnudmtZfY6",
      "original": "zb2rhZTA5U1ysidVRd8iB28mLKPtaMQUFiasAKnidYFsXyVzc",
      "small": "zb2rhYDJtfaLSTQFdATtFEeUQV4fjH1D8sFQYV5rFAVJiWR7y",
      "tiny": "zb2rhhS44cknMFb2qZFmiCcTU4mH7mk76ug3VDj3K54u6Hk14"
    },
    "bitcoinPubkey": "0204345a9c686fc5bafbeb040c7cae6c8be2a61a862fcb0ba0c06ec839d0b58a39",
    "colors": {
      "highlight": "#2BAD23",
      "highlightText": "#252525",
      "primary": "#FFFFFF",
      "secondary": "#ECEEF2",
      "text": "#252525"
    },
    "contactInfo": {
      "email": "",
      "phoneNumber": "",
      "social": [],
      "website": ""
    },
    "currencies": [
      "BCH",
      "ZEC",
      "LTC",
      "BTC"
    ],
    "handle": "",
    "lastModified": "2019-01-21T21:20:41.058031Z",
    "location": "test location 1",
    "moderator": false,
    "name": "tester2",
    "nsfw": false,
    "peerID": "QmdAJqBxLhYCMyfsaTR3rTWPAW8D1gBX5VET9dr25jXzQg",
    "shortDescription": "",
    "stats": {
      "averageRating": 1,
      "followerCount": 6,
      "followingCount": 1,
      "listingCount": 3,
      "postCount": 0,
      "ratingCount": 2
    },
    "vendor": true
  }
}""",
    "profile-error": """\
{
  "error": "Not found",
  "id": "7863b9a5-118f-c1ed-0f34-c0b6a3e02edd",
  "peerID": "QmeVMcgXsy9xyXshREU5avCYYPyrz5bgMZyTZjv44KhNnT"
}""",
    "message": """\
{
  "message": {
    "message": "Example message.",
    "messageId": "QmSzWn8fM8bnnwrnUphovDagSqj4ShQwbQMr5ScEUAoxJZ",
    "outgoing": false,
    "peerId": "QmeVMcgXsy9xyXshREU5avCYYPyrz5bgMZyTZjv44KhNnT",
    "read": false,
    "subject": "",
    "timestamp": "2019-02-12T10:17:23.410576-05:00"
  }
}""",
    "message-order": """\
{
  "message": {
    "message": "Example order message.",
    "messageId": "QmNc3zQrXnGByravKMYsov8sxKiUV7mKPX1yWdoAUwdD7R",
    "outgoing": false,
    "peerId": "QmeVMcgXsy9xyXshREU5avCYYPyrz5bgMZyTZjv44KhNnT",
    "read": false,
    "subject": "QmbMY8sGFeZ4cF9LGFmDRgT6Ao3sVRtGcYW5vuJ9ckWFAZ",
    "timestamp": "2019-02-12T10:21:20.871564-05:00"
  }
}""",
    "messageTyping": """\
{
  "messageTyping": {
    "messageId": "QmRuBDknbF1Fpw9kZFccNtLWJQ8t4YcMaouHnMNz9pwg1i",
    "peerId": "QmeVMcgXsy9xyXshREU5avCYYPyrz5bgMZyTZjv44KhNnT",
    "subject": ""
  }
}""",
    "follow": """\
{
  "notification": {
    "notificationId": "QmQYebg3egh4TaMrmKrxezgbMNngHPY3cpsh3uEnz6wJPZ",
    "peerId": "QmX29bG4vhFhj9FzVt1wYovqFRJS4xcvwruwcYPevaV8dt",
    "type": "follow"
  }
}""",
    "unfollow": """\
{
  "notification": {
    "notificationId": "QmQYebg3egh4TaMrmKrxezgbMNngHPY3cpsh3uEnz6wJPZ",
    "peerId": "QmX29bG4vhFhj9FzVt1wYovqFRJS4xcvwruwcYPevaV8dt",
    "type": "unfollow"
  }
}""",
    "status-publishing": """\
{
  "status": "publishing"
}""",
    "status-publish-complete": """\
{
  "status": "publish complete"
}""",
}
"""The examples of ``websocket-messages.md``, verbatim: the 0.13 generation as documented."""

ETH_CURRENCY: Final = {
    "code": "TETH",
    "currencyType": "crypto",
    "divisibility": 18,
    "name": "Testnet Ethereum",
}
LTC_CURRENCY: Final = {
    "code": "TLTC",
    "currencyType": "crypto",
    "divisibility": 8,
    "name": "Testnet Litecoin",
}
BTC_CURRENCY: Final = {
    "code": "TBTC",
    "currencyType": "crypto",
    "divisibility": 8,
    "name": "Testnet Bitcoin",
}

NOTIFICATION_TYPES: Final = SERVER_NOTIFICATION_TYPES
"""Every type in the server-facts table, under its 0.14 name, as the simulated node knows them."""

V013: Final[dict[str, str]] = {
    "order": GUIDE["order"],
    "payment": GUIDE["payment"],
    "orderConfirmation": GUIDE["orderConfirmation"],
    "orderDeclined": GUIDE["declined"],
    "cancel": notification_frame(
        {
            "buyerHandle": "",
            "buyerId": BUYER,
            "notificationId": "QmMASi45ub7Qe4ZE36UT5G6cU4ud8Fhhe4deS4F3cw9KTA",
            "orderId": ORDER_A,
            "thumbnail": THUMB,
            "type": "cancel",
        },
        go=False,
    ),
    "refund": GUIDE["refund"],
    "fulfillment": GUIDE["fulfillment"],
    "orderComplete": GUIDE["orderComplete"],
    "processingError": notification_frame(
        {
            "notificationId": "Qmb8dLcukC7edhDQ7cn5d4gEYkbUrMWeWQLGsCmrG6dLaY",
            "orderId": ORDER_B,
            "thumbnail": THUMB,
            "type": "processingError",
            "vendorHandle": "",
            "vendorId": VENDOR,
        },
        go=False,
    ),
    "disputeOpen": GUIDE["disputeOpen"],
    "disputeUpdate": notification_frame(
        {
            "buyer": BUYER,
            "disputeeHandle": "",
            "disputeeId": VENDOR,
            "disputerHandle": "",
            "disputerId": BUYER,
            "notificationId": "QmyNoVKf58ZTBqNAYT3j5qcdsyuMNmPfYetW5v6JXmj54o",
            "orderId": ORDER_C,
            "thumbnail": THUMB,
            "type": "disputeUpdate",
        },
        go=False,
    ),
    "disputeClose": GUIDE["disputeClose"],
    "disputeAccepted": GUIDE["disputeAccepted"],
    "vendorFinalizedPayment": notification_frame(
        {
            "notificationId": "QmmLidkuVKnRyjP2WPBg8Y4ErK9pGSSxY6BVScJy9uUxcJ",
            "orderId": ORDER_B,
            "type": "vendorFinalizedPayment",
        },
        go=False,
    ),
    "buyerDisputeTimeout": notification_frame(
        {
            "expiresIn": 0,
            "notificationId": "QmnTPkyRFA6CAFjF1YveCHK1ATbQgdM9mwZgikp4Wzxrxk",
            "orderId": ORDER_D,
            "thumbnail": THUMB,
            "type": "buyerDisputeTimeout",
        },
        go=False,
    ),
    "buyerDisputeExpiry": GUIDE["buyerDisputeExpiry"],
    "vendorDisputeTimeout": notification_frame(
        {
            "expiresIn": 432000,
            "notificationId": "QmtcSSSS7XhS4D5EVB8Nf471dAb7Qg25xEgRAhHPfQX88w",
            "orderId": ORDER_A,
            "thumbnail": THUMB,
            "type": "vendorDisputeTimeout",
        },
        go=False,
    ),
    "moderatorDisputeExpiry": GUIDE["moderatorDisputeExpiry"],
    "follow": GUIDE["follow"],
    "unfollow": GUIDE["unfollow"],
    "moderatorAdd": notification_frame(
        {
            "notificationId": "QmYWXXL6A7pNpHXvmBa2EaQAmb2qaLix6mwHaQBPrFbbrZ",
            "peerId": VENDOR,
            "type": "moderatorAdd",
        },
        go=False,
    ),
    "moderatorRemove": notification_frame(
        {
            "notificationId": "QmNhFgtsqwDtGuSptFDaYPo22sJXHDmfPVtoPQ6F7FXDNE",
            "peerId": VENDOR,
            "type": "moderatorRemove",
        },
        go=False,
    ),
}
"""One notification per type, 0.13 style: the guide's where it has one; ``declined`` as the guide names it.

The guide leaves some types out; those are written in its style, and
``vendorDisputeTimeout`` names its order ``orderId`` as every other 0.13 type does.
"""

V014: Final[dict[str, str]] = {
    "order": notification_frame(
        {
            "buyerHandle": "mugfan",
            "buyerId": BUYER,
            "listingType": "PHYSICAL_GOOD",
            "notificationId": "QmXgzgv1XiPti6vj8RsnqDXyCUshN6toSWSp6oBB92AezW",
            "orderId": ORDER_A,
            "price": {
                "amount": "1500000000000000000",
                "currency": ETH_CURRENCY,
                "priceModifier": 0,
            },
            "slug": "handmade-mug",
            "thumbnail": {"small": THUMB_SMALL, "tiny": THUMB_TINY},
            "title": "Handmade mug &amp; saucer <b>blue</b>",
            "type": "order",
        }
    ),
    "payment": notification_frame(
        {
            "coinType": "TBTC",
            "fundingTotal": {"amount": "100000", "currency": BTC_CURRENCY},
            "notificationId": "QmtiAgufXjPAcc921toi7ap9UxDuxE2HEKZGqeMHbTv94p",
            "orderId": ORDER_B,
            "type": "payment",
        }
    ),
    "orderConfirmation": notification_frame(
        {
            "notificationId": "QmPzWjeuzaTuyZ9bAaZ2xVrCf1rtACAXgo8c4MkaacXsr7",
            "orderId": ORDER_B,
            "thumbnail": THUMB,
            "type": "orderConfirmation",
            "vendorHandle": "@potter",
            "vendorId": VENDOR,
        }
    ),
    "orderDeclined": notification_frame(
        {
            "notificationId": "Qmyc4GDJ3r7ZVc2qz5VMgZfZDmJVZbtXZGmayyHczDvV9T",
            "orderId": ORDER_B,
            "thumbnail": THUMB,
            "type": "orderDeclined",
            "vendorId": VENDOR,
        }
    ),
    "cancel": notification_frame(
        {
            "buyerHandle": "tom&amp;amp;jerry",
            "buyerId": BUYER,
            "notificationId": "Qm8SVM5jGU5EjLs8zrAnijQAHy9WFp7SyYBjvFBnUZSNTD",
            "orderId": ORDER_A,
            "thumbnail": {"small": "", "tiny": THUMB_TINY},
            "type": "cancel",
        }
    ),
    "refund": notification_frame(
        {
            "notificationId": "QmPM6oQ2NcWVn2RNagKZ58sFy76HJ3zrCJq9uUwkuHSAbZ",
            "orderId": ORDER_B,
            "thumbnail": THUMB,
            "type": "refund",
            "vendorHandle": "potter",
            "vendorId": VENDOR,
        }
    ),
    "fulfillment": notification_frame(
        {
            "notificationId": "QmdYmM6J4tmCUz5J2h6tH6fwF5Hx8W1NcTJg93anG8BH4C",
            "orderId": ORDER_B,
            "thumbnail": THUMB,
            "type": "fulfillment",
            "vendorId": VENDOR,
        }
    ),
    "orderComplete": notification_frame(
        {
            "buyerId": BUYER,
            "notificationId": "QmDLhLaqEKVZkCJPt2H312oZcDZXGV7juiUjYbvySZLmEF",
            "orderId": ORDER_A,
            "thumbnail": THUMB,
            "type": "orderComplete",
        }
    ),
    "processingError": notification_frame(
        {
            "notificationId": "QmNDvynoh9SP4v915hpyHUB46jvRxZjKfGmK3WCBJV1HQN",
            "orderId": ORDER_B,
            "thumbnail": THUMB,
            "type": "processingError",
            "vendorHandle": "potter",
            "vendorId": VENDOR,
        }
    ),
    "disputeOpen": notification_frame(
        {
            "buyer": BUYER,
            "disputeeHandle": "potter",
            "disputeeId": VENDOR,
            "disputerHandle": "mugfan",
            "disputerId": BUYER,
            "notificationId": "QmcMG3yLEPC1NR6XJZiDGZr16Hu6ASe3S2LLhF6eawqAjz",
            "orderId": ORDER_C,
            "thumbnail": THUMB,
            "type": "disputeOpen",
        }
    ),
    "disputeUpdate": notification_frame(
        {
            "buyer": BUYER,
            "disputeeId": BUYER,
            "disputerHandle": "potter",
            "disputerId": VENDOR,
            "notificationId": "QmnsyfRqMoYAKogiA3uvnzZhUomtZ9aqZdvut2uketznkm",
            "orderId": ORDER_C,
            "thumbnail": THUMB,
            "type": "disputeUpdate",
        }
    ),
    "disputeClose": notification_frame(
        {
            "buyer": BUYER,
            "notificationId": "QmiF6239hQ7RvVc4h2hbkGYH1Wt5pZzb6ja5ppXHt5wHGo",
            "orderId": ORDER_C,
            "otherPartyHandle": "potter",
            "otherPartyId": VENDOR,
            "thumbnail": THUMB,
            "type": "disputeClose",
        }
    ),
    "disputeAccepted": notification_frame(
        {
            "buyer": BUYER,
            "notificationId": "QmqEFpiWYwR5XkKr3ghiD5fANHipmLgd91X4YJk7mEkYKn",
            "orderId": ORDER_C,
            "otherPartyId": BUYER,
            "thumbnail": THUMB,
            "type": "disputeAccepted",
        }
    ),
    "vendorFinalizedPayment": notification_frame(
        {
            "notificationId": "QmaKWWWr8zcDL6X2KW5uZVJREE5e6ApaHQ9fuhZJy8nQFY",
            "orderId": ORDER_B,
            "type": "vendorFinalizedPayment",
        }
    ),
    "buyerDisputeTimeout": notification_frame(
        {
            "expiresIn": 3600,
            "notificationId": "QmzyYS2B1YkVSLoATPRM8vN1MqNvS8Dn1zpKHQ5SRxe5QU",
            "orderId": ORDER_D,
            "thumbnail": THUMB,
            "type": "buyerDisputeTimeout",
        }
    ),
    "buyerDisputeExpiry": notification_frame(
        {
            "expiresIn": 604800,
            "notificationId": "QmqJw4J74vjKhAGJUZMDrQsUy2tqhSyccEo64oTVgq9ixK",
            "orderId": ORDER_D,
            "thumbnail": THUMB,
            "type": "buyerDisputeExpiry",
        }
    ),
    "vendorDisputeTimeout": notification_frame(
        {
            "expiresIn": 0,
            "notificationId": "QmY4c9BXTNKLHppiHSiGLXcjS8BiB5EZztYcFVNqVU9cDG",
            "purchaseOrderId": ORDER_A,
            "thumbnail": THUMB,
            "type": "vendorDisputeTimeout",
        }
    ),
    "moderatorDisputeExpiry": notification_frame(
        {
            "disputeCaseId": CASE_A,
            "expiresIn": -60,
            "notificationId": "Qm6CNc6MGQHtdDy2pxTRTpaERJNq4YJdQ9kZahsxwE6JzG",
            "thumbnail": THUMB,
            "type": "moderatorDisputeExpiry",
        }
    ),
    "follow": notification_frame(
        {
            "notificationId": "QmYQ9z78Qcuwnb2dghcx4n6KBpvW9efmxydAmCtggFHYo2",
            "peerId": ALICE,
            "type": "follow",
        }
    ),
    "unfollow": notification_frame(
        {
            "notificationId": "QmYFvdaoTnFfFZbiQGBajxQx51EiMCNqDTRNa9mYvufFuD",
            "peerId": ALICE,
            "type": "unfollow",
        }
    ),
    "moderatorAdd": notification_frame(
        {
            "notificationId": "QmRSiVULwux293UnqztXeY15SuawWVGs7FAAak7uomiwqz",
            "peerId": ALICE,
            "type": "moderatorAdd",
        }
    ),
    "moderatorRemove": notification_frame(
        {
            "notificationId": "QmW6cr31s9Fd3inL9hHahUmq875LaeDRHFsf11bLWJMivy",
            "peerId": ALICE,
            "type": "moderatorRemove",
        }
    ),
}
"""One notification per type as the 0.14.5 server sends it: testnet coins, handles, entities."""

OTHER_FRAMES: Final[dict[str, str]] = {
    "0.13/message": GUIDE["message"],
    "0.13/message-order": GUIDE["message-order"],
    "0.13/messageTyping": GUIDE["messageTyping"],
    "0.13/messageRead": guide_json(
        {
            "messageRead": {
                "messageId": "QmSzWn8fM8bnnwrnUphovDagSqj4ShQwbQMr5ScEUAoxJZ",
                "peerId": VENDOR,
                "subject": "",
            }
        }
    ),
    "0.13/wallet-incoming": GUIDE["wallet-incoming"],
    "0.13/wallet-order-payment": GUIDE["wallet-order-payment"],
    "0.13/wallet-outgoing": GUIDE["wallet-outgoing"],
    "0.13/walletUpdate": GUIDE["walletUpdate"],
    "0.13/profile": GUIDE["profile"],
    "0.13/profile-error": GUIDE["profile-error"],
    "0.13/status-publishing": GUIDE["status-publishing"],
    "0.13/status-publish-complete": GUIDE["status-publish-complete"],
    "0.14/message": go_json(
        {
            "message": {
                "message": "hello <b>bold</b> &amp; &#39;quotes&#39; null",
                "messageId": "QmUXZgeQhbY8RYnD7h19xA7CxSnfHMECJjS5AMRGx4iUTn",
                "outgoing": False,
                "peerId": ALICE,
                "read": False,
                "subject": "",
                "timestamp": "2026-11-23T22:46:38.01382947Z",
            }
        }
    ),
    "0.14/message-order": go_json(
        {
            "message": {
                "message": "Shipped today &#8211; tracking to follow.",
                "messageId": "QmGXaGcG2TniL42DYykiT6HFjUQFY3mNnTQkSD1tKpwZ5E",
                "outgoing": False,
                "peerId": VENDOR,
                "read": False,
                "subject": ORDER_B,
                "timestamp": "2026-11-24T08:00:01.5+01:00",
            }
        }
    ),
    "0.14/message-outgoing": go_json(
        {
            "message": {
                "message": "Thanks!",
                "messageId": "QmYDLruDFWFHqyK7gYgCzFYTj4fAS4E2fAT4n4CSVznyMo",
                "outgoing": True,
                "peerId": ALICE,
                "read": True,
                "subject": "",
                "timestamp": "2026-11-24T08:01:00Z",
            }
        }
    ),
    "0.14/messageTyping": go_json(
        {
            "messageTyping": {
                "messageId": "QmU1WyQJaSvkQXP9dJFADe8HGPBsT8C39sXTwpSh6x58oi",
                "peerId": ALICE,
                "subject": "",
            }
        }
    ),
    "0.14/messageRead": go_json(
        {
            "messageRead": {
                "messageId": "QmUXZgeQhbY8RYnD7h19xA7CxSnfHMECJjS5AMRGx4iUTn",
                "peerId": ALICE,
                "subject": ORDER_B,
            }
        }
    ),
    "0.14/wallet-incoming": go_json(
        {
            "wallet": {
                "address": "",
                "canBumpFee": True,
                "confirmations": 0,
                "height": 0,
                "memo": "",
                "status": "UNCONFIRMED",
                "timestamp": "2026-11-24T09:15:00.123456789Z",
                "txid": "a1c3f0e2b4d6a8c0e2f4a6b8c0d2e4f6a8b0c2d4e6f8a0b2c4d6e8f0a2b4c6d8",
                "value": {"amount": "21756", "currency": LTC_CURRENCY},
                "wallet": "TLTC",
            }
        }
    ),
    "0.14/wallet-order-payment": go_json(
        {
            "wallet": {
                "address": "",
                "canBumpFee": False,
                "confirmations": 2,
                "height": 4210071,
                "memo": "Handmade mug &amp; saucer",
                "orderId": ORDER_A,
                "status": "PENDING",
                "thumbnail": THUMB_SMALL,
                "timestamp": "2026-11-24T09:20:00Z",
                "txid": "0x5e1d3a4c7b9f2e8d6c0a1b3f5e7d9c2a4b6f8e0d1c3a5b7f9e2d4c6a8b0f1e3d",
                "value": {"amount": "1", "currency": ETH_CURRENCY},
                "wallet": "TETH",
            }
        }
    ),
    "0.14/wallet-outgoing": go_json(
        {
            "wallet": {
                "address": "tltc1qrrrqtazefwln9en5zhex4elswgj7qfupwrc7z4eydh5mv5frwauqhlpnmj",
                "canBumpFee": False,
                "confirmations": 1,
                "height": 2480112,
                "memo": "test ltc 2.3",
                "orderId": ORDER_B,
                "status": "PENDING",
                "thumbnail": THUMB_TINY,
                "timestamp": "2026-11-24T09:25:00Z",
                "txid": "cf0bd34a7934f4741a62b603cf557f79fc41c25480eba0beecb6ca6d1847001b",
                "value": {"amount": "-27236", "currency": LTC_CURRENCY},
                "wallet": "TLTC",
            }
        }
    ),
    "0.14/wallet-huge": go_json(
        {
            "wallet": {
                "confirmations": 6,
                "status": "CONFIRMED",
                "txid": "0x9f8e7d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706f5e4d3c2b1a0",
                "value": {"amount": "123456789012345678901234567890", "currency": ETH_CURRENCY},
                "wallet": "TETH",
            }
        }
    ),
    "0.14/walletUpdate": go_json(
        {
            "walletUpdate": {
                "TBTC": {
                    "confirmed": "2657",
                    "currency": BTC_CURRENCY,
                    "height": 2540001,
                    "unconfirmed": "0",
                },
                "TETH": {
                    "confirmed": "1000000000000000001",
                    "currency": ETH_CURRENCY,
                    "height": 9000000,
                    "unconfirmed": "1",
                },
                "TLTC": {
                    "confirmed": "83591",
                    "currency": LTC_CURRENCY,
                    "height": 2480112,
                    "unconfirmed": "-500",
                },
            }
        }
    ),
    "0.14/status-publishing": go_json({"status": "publishing"}),
    "0.14/status-publish-complete": go_json({"status": "publish complete"}),
    "0.14/status-error-publishing": go_json({"status": "error publishing"}),
    "0.14/profile": go_json(
        {
            "id": "obnotify-7",
            "peerId": VENDOR,
            "profile": {
                "about": "Pots &amp; mugs",
                "avatarHashes": {
                    "large": "zb2rhbCspUDPfmcWq9fEoTW3vbRAPiHhXxcViAidCt7uYndkG",
                    "medium": "zb2rhf3fYMZ4gJkoBMT5H3aS71nPDYjmRHdJf4aBnudmtZfY6",
                    "original": "zb2rhZTA5U1ysidVRd8iB28mLKPtaMQUFiasAKnidYFsXyVzc",
                    "small": "zb2rhYDJtfaLSTQFdATtFEeUQV4fjH1D8sFQYV5rFAVJiWR7y",
                    "tiny": "zb2rhhS44cknMFb2qZFmiCcTU4mH7mk76ug3VDj3K54u6Hk14",
                },
                "handle": "potter",
                "moderator": True,
                "name": "Pat &amp; Co <i>Pottery</i>",
                "peerID": VENDOR,
                "vendor": True,
                "version": 5,
            },
        }
    ),
    "0.14/profile-error": go_json(
        {
            "error": "not found",
            "id": "obnotify-1",
            "peerID": "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG",
        }
    ),
    "unknown/listingReview": go_json(
        {
            "notification": {
                "notificationId": "QmPdqtC8MYY5Z2SQGFhMDP5B1ujjfc48Asc9GzNWejQUCt",
                "orderId": ORDER_A,
                "rating": 5,
                "reviewerId": BUYER,
                "thumbnail": THUMB,
                "title": "Great mug &amp; fast",
                "type": "listingReview",
                "verified": True,
            }
        }
    ),
    "unknown/bare": go_json(
        {
            "notification": {
                "notificationId": "QmZ8Tx2Lq9Dh5iWwvXnXjE9Gy7WvF1nJ6aC4bK3dYtR2sP",
                "points": 12,
                "reason": "streak &amp; bonus",
                "type": "loyaltyPoints",
            }
        }
    ),
    "echo/client": '{"clientSays":"hello-echo-test"}',
}
"""Every other kind of frame, in both generations where they differ."""

ALL_FRAMES: Final[dict[str, str]] = (
    {f"0.13/{t}": V013[t] for t in NOTIFICATION_TYPES}
    | {f"0.14/{t}": V014[t] for t in NOTIFICATION_TYPES}
    | OTHER_FRAMES
)
"""Every example above under one name each: what the mutation test and the benchmark feed on."""


FIXTURES_DIR: Final = Path(__file__).resolve().parents[1] / "fixtures"

CAPTURES_DIR: Final = FIXTURES_DIR / "captures"
"""Frames recorded from real 0.14.5 nodes, and REST answers under ``rest/``."""

GUIDE_FILE: Final = FIXTURES_DIR / "websocket-messages.md"
"""The protocol guide whose examples ``GUIDE`` holds verbatim."""


def capture_files() -> list[Path]:
    """The ``.jsonl`` capture files, sorted by name."""
    return sorted(CAPTURES_DIR.glob("*.jsonl"))


def capture_frames() -> list[tuple[str, str]]:
    """Every captured frame as (``file:line``, frame text exactly as the server sent it)."""
    out: list[tuple[str, str]] = []
    for path in capture_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if line.strip():
                out.append((f"{path.name}:{number}", json.loads(line)["frame"]))
    return out
