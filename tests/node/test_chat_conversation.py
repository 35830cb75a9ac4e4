"""The conversation the detail pane shows, read from the simulated node's chat API."""

from __future__ import annotations

import json

from obnotify.core.conversation import ChatLine
from obnotify.demo.cid import random_cid
from obnotify.demo.node import SimNode
from obnotify.node.api import NodeApi
from obnotify.node.config import make_config

from .test_session import run

PEER = "QmVQzkdi3Fq6LRFG9UNqDZfSry67weCZV6ZL26QVx64UFy"
ORDER = "QmbMY8sGFeZ4cF9LGFmDRgT6Ao3sVRtGcYW5vuJ9ckWFAZ"


def test_the_conversation_of_an_order_both_ways_oldest_first_as_plain_text() -> None:
    async def scenario() -> tuple[list[ChatLine], list[ChatLine], str]:
        node = SimNode(wallet_interval=None)
        node.add_chat_message(
            {
                "peerId": PEER,
                "subject": ORDER,
                "messageId": random_cid(),
                "message": 'Photos: <a href="http://x">link</a>',
                "timestamp": "2025-10-09T08:26:40.123456789Z",
            }
        )
        node.add_chat_message(
            {"peerId": PEER, "messageId": random_cid(), "message": "Direct hello"}
        )
        await node.start()
        api = NodeApi(make_config(node.url))
        try:
            await api.send_chat(PEER, "Thanks & ships Friday", subject=ORDER)
            order_chat = await api.chat_conversation(PEER, ORDER, limit=20)
            newest = await api.chat_conversation(PEER, ORDER, limit=1)
            listed = await api.chat_messages(PEER, limit=20, subject=ORDER)
            return order_chat, newest, listed[-1][1]
        finally:
            await api.aclose()
            await node.stop()

    order_chat, newest, raw = run(scenario())
    # The node's sanitiser really did leave the link as HTML, with an attribute of its own.
    sent = json.loads(raw)["message"]
    assert sent == 'Photos: <a href="http://x" rel="nofollow">link</a>'
    assert [(line.outgoing, line.text) for line in order_chat] == [
        (False, "Photos: link"),
        (True, "Thanks & ships Friday"),
    ]
    assert order_chat[0].timestamp is not None
    assert newest == order_chat[-1:]


def test_no_conversation_for_a_peer_id_that_cannot_go_into_a_url() -> None:
    async def scenario() -> list[ChatLine]:
        node = SimNode(wallet_interval=None)
        await node.start()
        api = NodeApi(make_config(node.url))
        try:
            return await api.chat_conversation("../ob/config", limit=5)
        finally:
            await api.aclose()
            await node.stop()

    assert run(scenario()) == []
