"""The node in a background thread, driven by blocking code as end-to-end tests do."""

from __future__ import annotations

import json

import httpx
import pytest
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from obnotify.demo import FrameFactory, ThreadedSimNode

from .helpers import DEADLINE

PEER = "QmVQzkdi3Fq6LRFG9UNqDZfSry67weCZV6ZL26QVx64UFy"


def test_threaded_node_serves_while_the_caller_blocks() -> None:
    with ThreadedSimNode(wallet_interval=None) as node:
        assert httpx.get(f"{node.url}/ob/healthcheck", timeout=DEADLINE).text == "{}"
        with connect(node.ws_url, open_timeout=DEADLINE) as ws:
            node.wait_for_clients(1, DEADLINE)
            notification_id = node.notify(FrameFactory().follow(peer_id=PEER))
            frame = json.loads(ws.recv(timeout=DEADLINE))
            assert frame["notification"]["notificationId"] == notification_id
        node.wait_for_clients(0, DEADLINE)
        assert node.journal.connections_accepted == 1
        assert [row.id for row in node.notifications] == [notification_id]


def test_threaded_node_forwards_faults_and_restarts_on_the_same_port() -> None:
    with ThreadedSimNode(wallet_interval=None, auth="basic", username="u", password="p") as node:
        port = node.port
        node.set_faults(refuse_all=True)
        assert node.node.faults.refuse_all is True
        with pytest.raises(InvalidStatus):
            connect(node.ws_url, open_timeout=DEADLINE, additional_headers={"Authorization": "x"})
        assert node.journal.handshake_attempts == 1
        node.set_faults(refuse_all=False)
        node.stop()
        node.store_notification(FrameFactory().follow(peer_id=PEER, notification_id="QmKept"))
        node.start()
        assert node.port == port
        answer = httpx.get(f"{node.url}/ob/notifications", auth=("u", "p"), timeout=DEADLINE)
        assert answer.json()["notifications"][0]["notification"]["notificationId"] == "QmKept"
        node.wait_until(
            lambda: ("GET", "/ob/notifications") in node.node.journal.requests, DEADLINE
        )


def test_threaded_node_ends_its_thread_when_the_port_is_taken() -> None:
    with ThreadedSimNode(wallet_interval=None) as first:
        second = ThreadedSimNode(wallet_interval=None, port=first.port, host="127.0.0.1")
        with pytest.raises(OSError), second:
            pass
        assert not second.thread_alive
