"""Ids from the node go into request paths: percent-encoded, and refused when they are not ids."""

from __future__ import annotations

from obnotify.demo.node import SimNode
from obnotify.node.api import NodeApi
from obnotify.node.config import make_config

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
