"""The simulated Mobazha node against real clients (httpx, websockets) on loopback."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import InvalidStatus

from obnotify.core.decode import NotificationPage
from obnotify.core.events import Notification
from obnotify.core.mobazha import decode_mobazha_frame, decode_mobazha_page, stable_id
from obnotify.demo.mobazha import MobazhaSimNode, play, scenario

from .helpers import DEADLINE, async_test, recv_text
from .test_node import client, rest

TOKEN = "mbz_demo1_" + "s" * 32
BEARER = {"Authorization": f"Bearer {TOKEN}"}
ORDER = "QmbMY8sGzmGiCTCqw7G6JfBQGkXaCm3jeBo9KA1MYkWFAZ"
NOW = datetime(2026, 7, 24, 10, 0, 0, tzinfo=UTC)


@asynccontextmanager
async def running(**kwargs: Any) -> AsyncIterator[MobazhaSimNode]:
    kwargs.setdefault("wallet_interval", None)
    node = MobazhaSimNode(**kwargs)
    await node.start()
    try:
        yield node
    finally:
        await node.stop()


@async_test
async def test_a_token_opens_the_socket_and_a_wrong_one_gets_401() -> None:
    async with running(token=TOKEN) as node:
        with pytest.raises(InvalidStatus) as refused:
            async with connect(
                node.ws_url,
                open_timeout=DEADLINE,
                additional_headers={"Authorization": "Bearer mbz_x_y"},
            ):
                pass
        assert refused.value.response.status_code == 401
        async with rest(node) as http:
            answer = await http.get("/v1/notifications/count")
        assert answer.status_code == 401
        assert answer.json() == {
            "error": {"code": "UNAUTHORIZED", "message": "Authentication required"}
        }
        async with client(node, additional_headers=BEARER) as ws:
            await node.emit("order.created", orderID=ORDER, buyerName="Alice", buyerID="12D3Koo")
            frame = await recv_text(ws)
        event = decode_mobazha_frame(frame)
        assert isinstance(event, Notification) and event.id == stable_id("order.created", ORDER)
        assert json.loads(frame)["data"]["unread"] == 1


@async_test
async def test_basic_auth_works_too() -> None:
    async with (
        running(username="admin", password="pw") as node,
        rest(node, auth=("admin", "pw")) as http,
    ):
        answer = await http.get("/v1/notifications/count")
        assert answer.json() == {"data": {"total": 0, "unread": 0}}


@async_test
async def test_a_repeat_of_a_stable_id_is_neither_stored_nor_pushed() -> None:
    async with running() as node, client(node) as ws:
        first = await node.emit("order.funded", orderID=ORDER)
        assert await node.emit("order.funded", orderID=ORDER) == ""
        await node.emit("order.shipped", orderID=ORDER)
        frames = [json.loads(await recv_text(ws)) for _ in range(2)]
        assert [f["data"]["notification"]["type"] for f in frames] == [
            "order.funded",
            "order.shipped",
        ]
        assert len(node.events) == 2 and first.startswith("stable:")


@async_test
async def test_the_list_pages_by_timestamp_and_drops_ties_at_a_page_edge() -> None:
    async with running() as node, rest(node) as http:
        node.set_faults(whole_seconds=True)
        for minute, order in enumerate(("A", "B", "C")):
            node.store_event(
                "order.created", orderID=order, timestamp=NOW + timedelta(minutes=minute)
            )
        # A follow in the same second as C: a page of one ends on it, and C, its tie,
        # is on neither page.
        node.store_event(
            "social.follow", peerID="P1", timestamp=NOW + timedelta(minutes=2, microseconds=5)
        )
        first = decode_mobazha_page(
            (await http.get("/v1/notifications", params={"limit": 1})).content
        )
        assert isinstance(first, NotificationPage)
        assert [i.notification.raw_type for i in first.items] == ["social.follow"]
        last = first.items[-1].notification.id
        rest_page = decode_mobazha_page(
            (await http.get("/v1/notifications", params={"limit": 10, "offsetID": last})).content
        )
        assert isinstance(rest_page, NotificationPage)
        assert [i.notification.order_id for i in rest_page.items] == ["B", "A"]
        unknown = decode_mobazha_page(
            (await http.get("/v1/notifications", params={"offsetID": "nope"})).content
        )
        assert isinstance(unknown, NotificationPage) and unknown.items == ()
        filtered = (await http.get("/v1/notifications", params={"filter": "social.follow"})).json()
        assert [n["type"] for n in filtered["data"]["notifications"]] == ["social.follow"]
        assert "notificationID" not in json.dumps(
            node.store_event("order.auto_completed", orderID="D", timestamp=NOW)  # type: ignore[arg-type]
        )


@async_test
async def test_marking_read() -> None:
    async with running() as node, rest(node) as http:
        record = await node.emit("order.created", orderID=ORDER)
        await http.post(f"/v1/notifications/{record}/read")
        assert node.journal.read_ids == [record] and node.events[0].read
        await http.post("/v1/notifications/read")
        assert node.journal.mark_all_read_calls == 1


@async_test
async def test_the_demo_scenario_plays_every_step_as_a_decodable_frame() -> None:
    async with running() as node, client(node) as ws:
        steps = scenario()
        await play(node, 0, steps)
        for _ in steps:
            event = decode_mobazha_frame(await recv_text(ws))
            assert type(event).__name__ in ("Notification", "ChatMessage", "WalletTx")
