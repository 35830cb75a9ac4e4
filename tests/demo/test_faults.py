"""The simulated node's fault modes, seen from plain clients: what each one really sends."""

from __future__ import annotations

import asyncio
import json

import httpx
from websockets.asyncio.client import connect

from obnotify.demo import SimNode

from .helpers import DEADLINE, async_test, recv_json

PEER = "QmVQzkdi3Fq6LRFG9UNqDZfSry67weCZV6ZL26QVx64UFy"


@async_test
async def test_padding_makes_answers_huge_but_keeps_them_the_same_json() -> None:
    padding = 3 * 1024 * 1024 + 5
    async with SimNode(wallet_interval=None) as node:
        node.store_notification(node.frames.follow(peer_id=PEER))
        async with httpx.AsyncClient(base_url=node.url) as client:
            plain = await client.get("/ob/notifications")
            node.set_faults(padding=padding)
            padded = await client.get("/ob/notifications")
    assert len(padded.content) == len(plain.content) + padding
    assert padded.headers["Transfer-Encoding"] == "chunked"
    assert json.loads(padded.content) == plain.json()


@async_test
async def test_pages_that_ignore_the_limit_or_never_end() -> None:
    async with SimNode(wallet_interval=None) as node:
        stored = [node.store_notification(node.frames.follow(peer_id=PEER)) for _ in range(7)]
        async with httpx.AsyncClient(base_url=node.url) as client:
            node.set_faults(ignore_limit=True)
            unlimited = (await client.get("/ob/notifications?limit=2")).json()
            node.set_faults(ignore_limit=False)
            node.set_faults(endless_pages=True)
            first = (await client.get("/ob/notifications?limit=3")).json()
            offset = first["notifications"][-1]["notification"]["notificationId"]
            second = (await client.get(f"/ob/notifications?limit=3&offsetId={offset}")).json()
    assert len(unlimited["notifications"]) == len(stored)
    ids = [
        item["notification"]["notificationId"]
        for page in (first, second)
        for item in page["notifications"]
    ]
    assert len(ids) == len(set(ids)) == 6 and not set(ids) & set(stored)
    stamps = [item["timestamp"] for page in (first, second) for item in page["notifications"]]
    assert stamps == sorted(stamps, reverse=True)


@async_test
async def test_redirects_point_the_socket_and_rest_elsewhere() -> None:
    async with SimNode(wallet_interval=None) as node:
        node.set_faults(redirect_to="http://127.0.0.1:9")
        async with httpx.AsyncClient(base_url=node.url) as client:
            rest = await client.get("/wallet/balance?x=1")
            socket = await client.get("/ws")
    assert (rest.status_code, rest.headers["Location"]) == (
        302,
        "http://127.0.0.1:9/wallet/balance?x=1",
    )
    assert (socket.status_code, socket.headers["Location"]) == (302, "ws://127.0.0.1:9/ws")
    assert node.journal.handshake_attempts == 1 and len(node.journal.requests) == 1


@async_test
async def test_held_pictures_wait_for_release_and_greetings_come_first() -> None:
    async with SimNode(wallet_interval=None) as node:
        node.set_faults(
            greeting=(node.frames.notification_frame(node.frames.follow(peer_id=PEER)),)
        )
        picture = node.add_image(b"bytes")
        node.set_faults(hold_images=True)
        async with httpx.AsyncClient(base_url=node.url) as client:
            held = [asyncio.create_task(client.get(f"/ob/images/{picture}")) for _ in range(3)]
            await node.wait_until(lambda: node.journal.images_in_flight == 3, DEADLINE)
            assert not any(task.done() for task in held)
            node.release_images()
            answers = await asyncio.gather(*held)
        async with connect(node.ws_url) as ws:
            greeting = await recv_json(ws)
    assert [a.content for a in answers] == [b"bytes"] * 3
    assert node.journal.most_images_in_flight == 3 and node.journal.images_in_flight == 0
    assert greeting["notification"]["type"] == "follow"
