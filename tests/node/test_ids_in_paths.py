"""Ids from the node go into request paths: percent-encoded, and refused when they are not ids."""

from __future__ import annotations

from obnotify.demo.mobazha import MobazhaSimNode
from obnotify.demo.node import SimNode
from obnotify.node.api import NodeApi
from obnotify.node.config import make_config
from obnotify.node.mobazha import api_for

from .test_session import run

PEER = "QmeVMcgXsy9xyXshREU5avCYYPyrz5bgMZyTZjv44KhNnT"


def test_an_id_of_dots_never_moves_a_request_to_another_endpoint() -> None:
    async def scenario() -> tuple[list[tuple[str, str]], list[str]]:
        async with SimNode(wallet_interval=None) as node:
            api = NodeApi(make_config(node.url))
            try:
                for bad in ("..", ".", "...", "../ob", "a/b", "x?y=1"):
                    await api.mark_notification_read(bad)
                    await api.mark_chat_read(bad)
                    assert await api.profile(bad) is None
                    assert await api.chat_messages(bad, limit=1) == []
                await api.mark_notification_read("QmNote:1")
                await api.mark_chat_read(PEER)
            finally:
                await api.aclose()
            return node.journal.requests, node.journal.read_ids

    requests, read_ids = run(scenario())
    assert requests == [
        ("POST", "/ob/marknotificationasread/QmNote%3A1"),
        ("POST", f"/ob/markchatasread/{PEER}"),
    ]
    assert read_ids == ["QmNote:1"]


def test_a_mobazha_room_named_in_dots_is_never_read_and_a_real_one_is_encoded() -> None:
    """Room ids are the node's own text (Matrix's ``!abc:server``): encoded whole, and
    one of dots alone, which a URL reads as a step up, is not asked for."""
    good = "!abc/def?x:shop.example"

    async def scenario() -> list[tuple[str, str]]:
        async with MobazhaSimNode(wallet_interval=None) as node:
            for room in ("..", ".", good):
                node.add_room(room, {"@buyer:shop.example": "Buyer"})
            api = api_for(make_config(node.url, kind="mobazha"))
            try:
                rooms = [room for room, _unread in await api.chat_conversations()]
                assert rooms == ["..", ".", good]
                node.journal.requests.clear()
                for room in rooms:
                    await api.chat_messages(room, limit=5)
            finally:
                await api.aclose()
            return node.journal.requests

    assert run(scenario()) == [
        ("GET", "/v1/chat/rooms/%21abc%2Fdef%3Fx%3Ashop.example/messages?limit=5")
    ]
