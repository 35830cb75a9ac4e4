"""A node through a SOCKS5 proxy: the socket, the REST API and the checks all go through it."""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import socket
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Self

import pytest
from waiting import until

from obnotify.demo.node import SimNode
from obnotify.node.checks import check_node
from obnotify.node.config import ConfigError, NodeConfig, make_config
from obnotify.node.factory import open_node
from obnotify.node.reach import fetch_fingerprint

from .conftest import ServerContext
from .test_session import Recorder, run

ONION = "a" * 56 + ".onion"


class Socks5Server:
    """The smallest SOCKS5 proxy (no auth, CONNECT only) that notes where each connection went."""

    def __init__(self, aliases: dict[str, str] | None = None) -> None:
        self.destinations: list[tuple[str, int]] = []
        self.aliases = aliases or {}
        """Names the proxy resolves itself, as Tor does a ``.onion``: name to address."""
        self._server: asyncio.Server | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        assert self._server is not None
        port = self._server.sockets[0].getsockname()[1]
        return f"socks5://127.0.0.1:{port}"

    async def __aenter__(self) -> Self:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._server is not None
        self._server.close()
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            _, methods = await reader.readexactly(2)
            await reader.readexactly(methods)
            writer.write(b"\x05\x00")
            _, command, _, kind = await reader.readexactly(4)
            if kind == 1:
                host = str(ipaddress.IPv4Address(await reader.readexactly(4)))
            elif kind == 3:
                host = (await reader.readexactly((await reader.readexactly(1))[0])).decode()
            else:
                host = str(ipaddress.IPv6Address(await reader.readexactly(16)))
            (port,) = struct.unpack("!H", await reader.readexactly(2))
            assert command == 1
            self.destinations.append((host, port))
            up_reader, up_writer = await asyncio.open_connection(self.aliases.get(host, host), port)
            writer.write(b"\x05\x00\x00\x01" + bytes(4) + b"\x00\x00")
            await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer))
        except (OSError, asyncio.IncompleteReadError):
            pass
        finally:
            writer.close()
            self._tasks.discard(task)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(OSError):
        while data := await reader.read(65536):
            writer.write(data)
            await writer.drain()
    writer.close()


async def _watch_until_caught_up(config: NodeConfig, tmp_path: Path) -> None:
    """Open the node as the app does, and stop once its first catch-up is done."""
    rec = Recorder()
    parts = open_node(config, rec, data_dir=tmp_path, cache_dir=tmp_path / "cache", history_cap=100)
    task = asyncio.create_task(parts.session.run())
    await until(lambda: rec.catch_ups, timeout=10, message="catch-up over REST")
    parts.session.stop()
    await asyncio.wait_for(task, 10)
    await parts.close()


def test_the_socket_and_the_api_go_through_the_proxy(tmp_path: Path) -> None:
    async def scenario() -> tuple[list[tuple[str, int]], int]:
        async with SimNode(wallet_interval=None) as node, Socks5Server() as proxy:
            config = make_config(node.url, proxy=proxy.url)
            await _watch_until_caught_up(config, tmp_path)
            return proxy.destinations, node.port

    destinations, port = run(scenario())
    # One socket and at least one REST connection, each to the node, each through the proxy.
    assert len(destinations) >= 2
    assert set(destinations) == {("127.0.0.1", port)}


def test_the_checks_go_through_the_proxy() -> None:
    async def scenario() -> tuple[list[tuple[str, int]], bool]:
        async with SimNode(wallet_interval=None) as node, Socks5Server() as proxy:
            checks = await check_node(make_config(node.url, proxy=proxy.url))
            return proxy.destinations, all(c.ok for c in checks)

    destinations, ok = run(scenario())
    assert ok and len(destinations) >= 2


def test_a_dead_proxy_fails_the_host_check() -> None:
    async def scenario() -> str:
        async with Socks5Server() as proxy:
            url = proxy.url
        checks = await check_node(make_config("http://127.0.0.1:4002", proxy=url))
        host = next(c for c in checks if c.name == "host answers")
        assert not host.ok
        return host.message

    assert "through socks5h://" in run(scenario())


def test_an_onion_needs_a_proxy_and_a_proxy_must_be_socks5() -> None:
    onion = "http://" + "a" * 56 + ".onion:4002"
    with pytest.raises(ConfigError, match="Tor address"):
        make_config(onion)
    assert make_config(onion, proxy="127.0.0.1:9050").proxy == "socks5h://127.0.0.1:9050"
    with pytest.raises(ConfigError, match="not a SOCKS5 address"):
        make_config("http://127.0.0.1:4002", proxy="http://127.0.0.1:8080")


@pytest.fixture
def no_local_dns(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """``getaddrinfo`` fails for every name (addresses still pass); yields the names asked."""
    asked: list[str] = []
    real = socket.getaddrinfo

    def refuse(host: object, *args: object, **kwargs: object) -> object:
        name = host.decode() if isinstance(host, bytes) else str(host)
        try:
            ipaddress.ip_address(name)
        except ValueError:
            asked.append(name)
            raise socket.gaierror(socket.EAI_NONAME, "local DNS is not to be asked") from None
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", refuse)
    yield asked


def test_every_connection_to_an_onion_goes_through_its_proxy(
    tmp_path: Path, server_context: ServerContext, no_local_dns: list[str]
) -> None:
    async def scenario() -> tuple[str, list[str], list[tuple[str, int]], int]:
        async with (
            SimNode(wallet_interval=None, ssl_context=server_context("impostor")) as node,
            Socks5Server(aliases={ONION: "127.0.0.1"}) as proxy,
        ):
            url = f"https://{ONION}:{node.port}"
            pin = await fetch_fingerprint(url, proxy.url)
            config = make_config(url, proxy=proxy.url, pin=pin)
            checks = await check_node(config)
            await _watch_until_caught_up(config, tmp_path)
            failed = [f"{c.name}: {c.message}" for c in checks if not c.ok]
            return pin, failed, proxy.destinations, node.port

    pin, failed, destinations, port = run(scenario())
    assert pin and failed == []
    assert no_local_dns == [], "no name went to the local resolver"
    # The certificate, the host and TLS checks, the API check, the socket and REST.
    assert len(destinations) >= 5
    assert set(destinations) == {(ONION, port)}
