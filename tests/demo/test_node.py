"""The simulated node against real clients (httpx, websockets) on loopback."""

from __future__ import annotations

import asyncio
import base64
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed, ConnectionClosedError, InvalidStatus

from obnotify.demo import Balance, FrameFactory, SimNode
from obnotify.demo.images import thumbnail_set
from obnotify.demo.node import COOKIE_NAME
from obnotify.demo.rest import IMAGE_CACHE_CONTROL

from .helpers import DEADLINE, async_test, recv_json, recv_text

PEER = "QmVQzkdi3Fq6LRFG9UNqDZfSry67weCZV6ZL26QVx64UFy"
OTHER_PEER = "QmYwAPJzv5CZsnA625s3Xf2nemtYgPpHdWEz79ojWnPbdG"


@asynccontextmanager
async def running(**kwargs: Any) -> AsyncIterator[SimNode]:
    kwargs.setdefault("wallet_interval", None)
    node = SimNode(**kwargs)
    await node.start()
    try:
        yield node
    finally:
        await node.stop()


@asynccontextmanager
async def client(node: SimNode, **kwargs: Any) -> AsyncIterator[ClientConnection]:
    """A socket the node has registered, so a push right after reaches it."""
    before = node.clients
    async with connect(node.ws_url, open_timeout=DEADLINE, **kwargs) as ws:
        await node.wait_until(lambda: node.clients > before, DEADLINE)
        yield ws


def rest(node: SimNode, **kwargs: Any) -> httpx.AsyncClient:
    return httpx.AsyncClient(base_url=node.url, timeout=DEADLINE, **kwargs)


@async_test
async def test_frames_are_go_pretty_json_with_sorted_keys_and_html_escapes() -> None:
    async with running() as node, client(node) as ws:
        await node.push({"zeta": 1, "alpha": {"b": "x > y", "a": None, "c": []}, "gone": None})
        assert await recv_text(ws) == (
            "{\n"
            '    "alpha": {\n'
            '        "b": "x \\u0026gt; y",\n'
            '        "c": []\n'
            "    },\n"
            '    "zeta": 1\n'
            "}"
        )


@async_test
async def test_strings_are_sanitised_like_the_captured_chat_message() -> None:
    async with running() as node, client(node) as ws:
        await node.push(
            FrameFactory().message(
                peer_id=PEER,
                text="hello <b>bold</b> & 'quotes' null <script>alert(1)</script>",
                message_id="QmUXZgeQhbY8RYnD7h19xA7CxSnfHMECJjS5AMRGx4iUTn",
            )
        )
        text = await recv_text(ws)
    assert (
        '"message": "hello \\u003cb\\u003ebold\\u003c/b\\u003e \\u0026amp; '
        '\\u0026#39;quotes\\u0026#39; null ",' in text
    )
    assert json.loads(text)["message"]["peerId"] == PEER


@async_test
async def test_already_escaped_text_is_not_escaped_twice() -> None:
    async with running() as node, client(node) as ws:
        await node.push({"status": "Price &amp; shipping to &#39;Berlin&#39;?"})
        assert (await recv_json(ws))["status"] == "Price &amp; shipping to &#39;Berlin&#39;?"


@async_test
async def test_push_raw_sends_text_verbatim_even_huge_or_broken() -> None:
    huge = '{"message": "' + "x" * 2_000_000 + '"}'
    async with running() as node, client(node, max_size=None) as ws:
        await node.push_raw("not json {")
        await node.push_raw(huge.encode())
        assert await recv_text(ws) == "not json {"
        assert await recv_text(ws) == huge


@async_test
async def test_whatever_a_client_sends_is_echoed_to_every_client() -> None:
    async with running() as node, client(node) as first, client(node) as second:
        await first.send('{"clientSays":"hello-echo-test"}')
        assert await recv_text(first) == '{"clientSays":"hello-echo-test"}'
        assert await recv_text(second) == '{"clientSays":"hello-echo-test"}'
        assert node.journal.client_messages == [b'{"clientSays":"hello-echo-test"}']


async def assert_socket_refused(node: SimNode, **kwargs: Any) -> None:
    with pytest.raises(InvalidStatus) as refused:
        async with connect(node.ws_url, open_timeout=DEADLINE, **kwargs):
            pass
    assert refused.value.response.status_code == 403
    assert refused.value.response.body == b"403 - Forbidden"


def assert_forbidden(response: httpx.Response) -> None:
    assert response.status_code == 403
    assert response.text == "403 - Forbidden"
    assert response.headers["content-type"].startswith("text/plain")


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@async_test
async def test_basic_auth_refuses_wrong_credentials_on_socket_and_rest() -> None:
    async with running(auth="basic", username="alice", password="s3cret", cookie="c") as node:
        await assert_socket_refused(node)
        await assert_socket_refused(
            node, additional_headers={"Authorization": basic("alice", "no")}
        )
        await assert_socket_refused(node, additional_headers={"Cookie": f"{COOKIE_NAME}=c"})
        async with rest(node) as http:
            assert_forbidden(await http.get("/ob/healthcheck"))
            assert_forbidden(
                await http.get("/ob/healthcheck", headers={"Authorization": basic("bob", "s3cret")})
            )
            ok = await http.get(
                "/ob/healthcheck", headers={"Authorization": basic("alice", "s3cret")}
            )
            assert (ok.status_code, ok.text) == (200, "{}")
        async with client(node, additional_headers={"Authorization": basic("alice", "s3cret")}):
            assert node.clients == 1
        assert node.journal.handshake_attempts == 4
        assert node.journal.connections_accepted == 1


@async_test
async def test_cookie_auth_refuses_wrong_cookie_and_writes_the_cookie_file(tmp_path: Path) -> None:
    async with running(auth="cookie", cookie="Secret123") as node:
        path = node.write_cookie_file(tmp_path)
        assert path == tmp_path / ".cookie"
        assert path.read_bytes() == b"OpenBazaar_Auth_Cookie=Secret123"
        await assert_socket_refused(node)
        await assert_socket_refused(node, additional_headers={"Cookie": f"{COOKIE_NAME}=wrong"})
        async with rest(node) as http:
            assert_forbidden(await http.get("/ob/config"))
            assert_forbidden(await http.get("/ob/config", headers={"Cookie": f"{COOKIE_NAME}=x"}))
            good = {"Cookie": path.read_text()}
            assert (await http.get("/ob/config", headers=good)).status_code == 200
        async with client(node, additional_headers={"Cookie": path.read_text()}):
            assert node.clients == 1
        assert ("GET", "/ob/config") in node.journal.requests


@async_test
async def test_refuse_all_answers_403_to_everything() -> None:
    async with running() as node:
        node.set_faults(refuse_all=True)
        await assert_socket_refused(node)
        async with rest(node) as http:
            assert_forbidden(await http.get("/ob/notifications"))
        assert node.journal.handshake_attempts == 1
        assert node.journal.connections_accepted == 0


@async_test
async def test_unknown_path_is_a_json_404_like_the_node() -> None:
    async with running() as node, rest(node) as http:
        response = await http.get("/ob/nothing")
    assert response.status_code == 404
    assert response.text == '{\n    "success": false,\n    "reason": "Not Found"\n}'


def follow(notification_id: str) -> dict[str, Any]:
    return FrameFactory().follow(peer_id=PEER, notification_id=notification_id)


@async_test
async def test_notifications_page_newest_first_and_offset_id_goes_older() -> None:
    ids = [f"Qm{str(n) * 44}" for n in range(1, 6)]
    async with running() as node, rest(node) as http:
        start = datetime(2026, 11, 23, 23, 35, 39, tzinfo=UTC)
        for n, notification_id in enumerate(ids):
            node.store_notification(follow(notification_id), timestamp=start + timedelta(seconds=n))
        first = (await http.get("/ob/notifications", params={"limit": 2})).json()
        assert [i["notification"]["notificationId"] for i in first["notifications"]] == [
            ids[4],
            ids[3],
        ]
        assert (first["total"], first["unread"]) == (5, 5)
        assert first["notifications"][0] == {
            "notification": {"notificationId": ids[4], "peerId": PEER, "type": "follow"},
            "read": False,
            "timestamp": "2026-11-23T23:35:43Z",
            "type": "follow",
        }
        older = (
            await http.get("/ob/notifications", params={"limit": 2, "offsetId": ids[3]})
        ).json()
        assert [i["notification"]["notificationId"] for i in older["notifications"]] == [
            ids[2],
            ids[1],
        ]
        assert older["total"] == 3
        unknown = (await http.get("/ob/notifications", params={"offsetId": "QmUnknown"})).json()
        assert unknown == {"notifications": [], "total": 0, "unread": 5}

        assert (await http.post(f"/ob/marknotificationasread/{ids[0]}")).text == "{}"
        assert (await http.post("/ob/marknotificationasread/QmNope")).text == "{}"
        assert node.journal.read_ids == [ids[0], "QmNope"]
        assert (await http.get("/ob/notifications")).json()["unread"] == 4
        assert (await http.post("/ob/marknotificationsasread")).text == "{}"
        assert (await http.get("/ob/notifications")).json()["unread"] == 0


@async_test
async def test_notifications_filter_by_type() -> None:
    frames = FrameFactory()
    async with running() as node, rest(node) as http:
        node.store_notification(frames.follow(peer_id=PEER))
        order_id = node.store_notification(frames.order(buyer_id=PEER, title="Mug", price=5))
        answer = (await http.get("/ob/notifications", params={"filter": "order,cancel"})).json()
    assert [i["notification"]["notificationId"] for i in answer["notifications"]] == [order_id]
    assert answer["total"] == 1


@async_test
async def test_notifications_handler_turns_every_null_into_brackets() -> None:
    frames = FrameFactory()
    async with running() as node, client(node) as ws, rest(node) as http:
        await node.notify(frames.order(buyer_id=PEER, title="null and void", price=5))
        assert (await recv_json(ws))["notification"]["title"] == "null and void"
        listed = (await http.get("/ob/notifications")).json()
    assert listed["notifications"][0]["notification"]["title"] == "[] and void"


@async_test
async def test_notify_stores_but_unfollow_is_push_only() -> None:
    frames = FrameFactory()
    async with running() as node, client(node) as ws:
        kept = await node.notify(frames.follow(peer_id=PEER))
        await node.notify(frames.unfollow(peer_id=PEER))
        assert (await recv_json(ws))["notification"]["notificationId"] == kept
        assert (await recv_json(ws))["notification"]["type"] == "unfollow"
    assert [row.id for row in node.notifications] == [kept]


@async_test
async def test_fetchprofiles_answers_on_the_socket_with_the_nodes_key_casing() -> None:
    async with running() as node, client(node) as ws, rest(node) as http:
        node.add_profile(PEER, {"name": "Alice", "handle": "", "vendor": False, "about": None})
        answer = await http.post(
            "/ob/fetchprofiles",
            params={"async": "true", "asyncID": "obnotify-1", "usecache": "true"},
            json=[PEER, OTHER_PEER],
        )
        assert (answer.status_code, answer.json()) == (202, {"id": "obnotify-1"})
        replies = {frame.get("peerId") or frame.get("peerID"): frame for frame in
                   [await recv_json(ws), await recv_json(ws)]}  # fmt: skip
        assert set(replies[PEER]) == {"id", "peerId", "profile"}
        assert replies[PEER]["profile"] == {
            "handle": "",
            "name": "Alice",
            "peerID": PEER,
            "vendor": False,
        }
        assert replies[OTHER_PEER] == {
            "error": "not found",
            "id": "obnotify-1",
            "peerID": OTHER_PEER,
        }

        generated = await http.post("/ob/fetchprofiles", params={"async": "true"}, json=[PEER])
        request_id = generated.json()["id"]
        assert request_id and (await recv_json(ws))["id"] == request_id

        profile = await http.get(f"/ob/profile/{PEER}")
        assert profile.text.startswith('{\n    "peerID": ')
        assert (await http.get(f"/ob/profile/{OTHER_PEER}")).status_code == 404


@async_test
async def test_images_are_served_cacheable_and_can_be_slow_or_fail() -> None:
    pictures = thumbnail_set("test", "T")
    async with running() as node, rest(node) as http:
        tiny = node.add_image(pictures.pictures["tiny"].data)
        assert tiny == pictures.pictures["tiny"].hash
        response = await http.get(f"/ob/images/{tiny}")
        assert response.content == pictures.pictures["tiny"].data
        assert response.headers["content-type"] == "image/jpeg"
        assert response.headers["cache-control"] == IMAGE_CACHE_CONTROL
        assert (await http.get("/ob/images/QmUnknownImage")).status_code == 404
        node.set_faults(image_fail=frozenset({tiny}))
        assert (await http.get(f"/ob/images/{tiny}")).status_code == 500
        node.set_faults(image_fail=frozenset(), image_delay=2 * DEADLINE)
        with pytest.raises(httpx.ReadTimeout):
            await http.get(f"/ob/images/{tiny}", timeout=0.2)


@async_test
async def test_restart_on_the_same_port_keeps_state_and_cuts_clients() -> None:
    async with running() as node:
        port = node.port
        kept = node.store_notification(follow("QmRestart"))
        async with client(node) as ws:
            await node.stop()
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(ws.recv(), DEADLINE)
        with pytest.raises(OSError):
            async with connect(node.ws_url, open_timeout=DEADLINE):
                pass
        await node.start()
        assert node.port == port
        async with rest(node) as http:
            listed = (await http.get("/ob/notifications")).json()
        assert [n["notification"]["notificationId"] for n in listed["notifications"]] == [kept]


@async_test
async def test_accept_and_drop_closes_right_after_the_handshake() -> None:
    async with running() as node:
        node.set_faults(accept_and_drop=True)
        async with connect(node.ws_url, open_timeout=DEADLINE) as ws:
            with pytest.raises(ConnectionClosed):
                await asyncio.wait_for(ws.recv(), DEADLINE)
        assert (
            node.journal.handshake_attempts,
            node.journal.connections_accepted,
            node.clients,
        ) == (1, 1, 0)


@async_test
async def test_drop_connections_aborts_without_a_close_frame() -> None:
    async with running() as node, client(node) as ws:
        await node.drop_connections()
        assert node.clients == 0
        with pytest.raises(ConnectionClosedError):
            await asyncio.wait_for(ws.recv(), DEADLINE)
        assert ws.protocol.close_rcvd is None


@async_test
async def test_wallet_update_arrives_on_the_timer_in_both_generations() -> None:
    async with running(wallet_interval=0.05, wallets=["LTC", "ETH"]) as node, client(node) as ws:
        node.set_balance("ETH", 750_000_000_000_000_000, 0, 21)
        update = (await recv_json(ws))["walletUpdate"]
        assert update["ETH"] == {
            "confirmed": "750000000000000000",
            "currency": {
                "code": "ETH",
                "currencyType": "crypto",
                "divisibility": 18,
                "name": "Ethereum",
            },
            "height": 21,
            "unconfirmed": "0",
        }
    old = running(wallet_interval=0.05, generation="0.13", wallets=["LTC"])
    async with old as node, client(node) as ws:
        assert (await recv_json(ws))["walletUpdate"] == {
            "LTC": {"confirmed": 0, "height": 0, "unconfirmed": 0}
        }


@async_test
async def test_chat_and_wallet_endpoints() -> None:
    frames = FrameFactory()
    async with running() as node, rest(node) as http:
        await node.deliver(frames.message(peer_id=PEER, text="Price & 'shipping'?"))
        await node.deliver(frames.message(peer_id=PEER, text="order talk", subject="QmOrder"))
        sent = (
            await http.post("/ob/chat", json={"peerId": PEER, "subject": "", "message": "Yes"})
        ).json()
        assert node.journal.chat_sent == [
            {"peerId": PEER, "subject": "", "message": "Yes", "messageId": sent["messageId"]}
        ]
        conversations = (await http.get("/ob/chatconversations")).json()
        assert conversations == [
            {
                "lastMessage": "Yes",
                "outgoing": True,
                "peerId": PEER,
                "timestamp": conversations[0]["timestamp"],
                "unread": 1,
            }
        ]
        messages = (await http.get(f"/ob/chatmessages/{PEER}", params={"limit": 5})).json()
        assert [m["message"] for m in messages] == ["Yes", "Price &amp; &#39;shipping&#39;?"]
        assert (await http.post(f"/ob/markchatasread/{PEER}", params={"subject": ""})).text == "{}"
        assert node.journal.chat_read == [(PEER, "")]
        assert (await http.get("/ob/chatconversations")).json()[0]["unread"] == 0
        order_chat = (
            await http.get(f"/ob/chatmessages/{PEER}", params={"subject": "QmOrder"})
        ).json()
        assert [m["message"] for m in order_chat] == ["order talk"]

        assert (await http.get("/wallet/transactions/BTC")).json() == {"count": 0}
        await node.deliver(frames.wallet(code="BTC", value=-2500, txid="ab" * 32))
        txs = (await http.get("/wallet/transactions/BTC")).json()
        assert txs["count"] == 1 and txs["transactions"][0]["value"]["amount"] == "-2500"
        await node.deliver(frames.wallet_update({"BTC": Balance(confirmed=1000)}))
        assert (await http.get("/wallet/balance")).json()["BTC"]["confirmed"] == "1000"
        config = (await http.get("/ob/config")).json()
        assert config == {
            "peerID": node.peer_id,
            "testnet": False,
            "tor": False,
            "wallets": ["BTC", "BCH", "LTC", "ZEC", "ETH"],
        }
