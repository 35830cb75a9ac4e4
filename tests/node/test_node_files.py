"""Files a node leaves: none for an address that never answered, one history for the demo."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path

import pytest
from waiting import until

from obnotify.core.connection import ConnState
from obnotify.demo.node import SimNode
from obnotify.node.config import ConfigError, make_config, parse_node_url
from obnotify.node.factory import open_node, store_path
from obnotify.store.database import Store

from .test_session import Recorder, run


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def test_a_bare_word_is_refused_naming_the_host() -> None:
    with pytest.raises(ConfigError, match="'notaurl' is not a node address"):
        parse_node_url("notaurl")
    # What a user means by an address is still taken as it is.
    assert parse_node_url("localhost")[0] == "http://localhost:4002"
    assert parse_node_url("node.example.org")[0] == "http://node.example.org:4002"
    assert parse_node_url("nas:4002")[0] == "http://nas:4002"
    assert parse_node_url("http://nas")[0] == "http://nas:4002"


def test_the_demo_keeps_one_history_whatever_its_port() -> None:
    first = make_config("http://127.0.0.1:40001", store_key="demo")
    second = make_config("http://127.0.0.1:40002", store_key="demo")
    assert first.key == second.key == "demo"
    assert make_config("http://127.0.0.1:40001").key == "127.0.0.1-40001"


async def _open_and_close(config_url: str, data: Path, *, connect: bool) -> Path:
    config = make_config(config_url)
    rec = Recorder()
    parts = open_node(config, rec, data_dir=data, cache_dir=data / "cache", history_cap=100)
    task = asyncio.create_task(parts.session.run())
    want = ConnState.CONNECTED if connect else ConnState.UNREACHABLE
    await until(lambda: rec.state is want, timeout=10, message=want.value)
    parts.session.stop()
    await asyncio.wait_for(task, 10)
    await parts.close()
    return store_path(data, config)


def test_a_node_that_never_connected_leaves_no_history_file(tmp_path: Path) -> None:
    path = run(_open_and_close(f"http://127.0.0.1:{_free_port()}", tmp_path, connect=False))
    assert not path.exists()
    assert list((tmp_path / "nodes").iterdir()) == []


def test_a_node_that_connected_keeps_its_history_file(tmp_path: Path) -> None:
    async def scenario() -> Path:
        async with SimNode(wallet_interval=None) as node:
            return await _open_and_close(node.url, tmp_path, connect=True)

    assert run(scenario()).is_file()


def test_an_existing_history_is_kept_even_while_the_node_is_down(tmp_path: Path) -> None:
    url = f"http://127.0.0.1:{_free_port()}"
    path = store_path(tmp_path, make_config(url))
    path.parent.mkdir(parents=True)
    Store(path).close()
    run(_open_and_close(url, tmp_path, connect=False))
    assert path.is_file()
