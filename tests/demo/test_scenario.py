"""The built-in scenario: every event kind, well-formed ids, pictures the node can serve."""

from __future__ import annotations

import re

import httpx
from websockets.asyncio.client import connect

from obnotify.demo import NOTIFICATION_TYPES, PUSH_ONLY_TYPES, SimNode
from obnotify.demo.scenario import PEERS, SCENARIO, SCENARIO_KINDS, Step, build_scenario, play, seed

from .helpers import DEADLINE, async_test, recv_json

CID = re.compile(r"Qm[1-9A-HJ-NP-Za-km-z]{44}")
OTHER_KINDS = {"message", "messageTyping", "messageRead", "status", "wallet", "walletUpdate"}


def test_scenario_covers_every_event_kind() -> None:
    sent_by_0145 = set(NOTIFICATION_TYPES) - {"moderatorRemove"}
    assert SCENARIO_KINDS == sent_by_0145 | OTHER_KINDS
    expiries = [
        s.frame["notification"]["expiresIn"] for s in SCENARIO if s.kind == "buyerDisputeExpiry"
    ]
    assert 0 in expiries
    chats = [s.frame["message"] for s in SCENARIO if s.kind == "message"]
    assert {bool(m["subject"]) for m in chats} == {True, False}
    assert any("<b>" in m["message"] and "&" in m["message"] and "'" in m["message"] for m in chats)
    directions = {
        s.frame["wallet"]["value"]["amount"].startswith("-") for s in SCENARIO if s.kind == "wallet"
    }
    assert directions == {True, False}


def test_scenario_ids_are_unique_ipfs_hashes_fresh_per_build() -> None:
    def ids(steps: list[Step]) -> list[str]:
        found = [
            s.frame["notification"]["notificationId"] for s in steps if "notification" in s.frame
        ]
        found += [s.frame["message"]["messageId"] for s in steps if "message" in s.frame]
        return found

    first, second = ids(build_scenario()), ids(build_scenario())
    assert all(CID.fullmatch(i) for i in first)
    assert len(set(first)) == len(first)
    assert not set(first) & set(second)
    txids = [s.frame["wallet"]["txid"] for s in build_scenario() if s.kind == "wallet"]
    assert len(set(txids)) == 2


def test_0_13_scenario_uses_integers_and_declined() -> None:
    steps = {s.kind: s.frame for s in build_scenario("0.13")}
    assert "declined" in steps and "orderDeclined" not in steps
    assert isinstance(steps["payment"]["notification"]["fundingTotal"], int)
    assert isinstance(steps["wallet"]["wallet"]["value"], int)
    assert steps["order"]["notification"]["price"]["coinDivisibility"] == 100_000_000


@async_test
async def test_seeded_node_plays_the_scenario_to_a_client() -> None:
    node = SimNode(wallet_interval=None)
    seed(node)
    steps = build_scenario()
    async with node:
        async with connect(node.ws_url, open_timeout=DEADLINE) as ws:
            await node.wait_for_clients(1, DEADLINE)
            await play(node, delay=0, steps=steps)
            received = [await recv_json(ws) for _ in steps]
        async with httpx.AsyncClient(base_url=node.url, timeout=DEADLINE) as http:
            alice = PEERS["alice"]
            avatar = alice.profile()["avatarHashes"]["small"]
            assert (await http.get(f"/ob/images/{avatar}")).status_code == 200
            thumb = steps[0].frame["notification"]["thumbnail"]["tiny"]
            assert (await http.get(f"/ob/images/{thumb}")).status_code == 200
            listed = (await http.get("/ob/notifications")).json()
            conversations = (await http.get("/ob/chatconversations")).json()
            balance = (await http.get("/wallet/balance")).json()

    assert [next(iter(frame)) for frame in received] == [next(iter(s.frame)) for s in steps]
    pushed = [s for s in steps if "notification" in s.frame]
    stored = [s for s in pushed if s.kind not in PUSH_ONLY_TYPES]
    assert len(listed["notifications"]) == len(stored) + 2
    assert {c["peerId"] for c in conversations} >= {alice.peer_id, PEERS["bob"].peer_id}
    assert balance["ETH"]["currency"]["divisibility"] == 18
    assert balance["LTC"] == {
        "confirmed": steps[-1].frame["walletUpdate"]["LTC"]["confirmed"],
        "currency": balance["LTC"]["currency"],
        "height": 2_790_121,
        "unconfirmed": "0",
    }
