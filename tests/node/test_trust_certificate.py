""" "Trust this certificate": the fingerprint fetched from a TLS node is the one it presents."""

from __future__ import annotations

from pathlib import Path

import pytest

from obnotify.demo.node import SimNode
from obnotify.node.config import ConfigError, make_config
from obnotify.node.reach import fetch_fingerprint
from obnotify.node.tls import fingerprint

from .conftest import ServerContext
from .test_session import run


def test_the_fetched_fingerprint_pins_the_node(
    certs: dict[str, Path], server_context: ServerContext
) -> None:
    async def scenario() -> tuple[str, str]:
        async with SimNode(wallet_interval=None, ssl_context=server_context("impostor")) as node:
            return await fetch_fingerprint(node.url), node.url

    pin, url = run(scenario())
    assert pin == fingerprint(certs["impostor-der"].read_bytes())
    assert make_config(url, pin=pin).pin_sha256


def test_a_plain_http_node_has_no_certificate() -> None:
    with pytest.raises(ConfigError, match="Only an https:// node"):
        run(fetch_fingerprint("http://127.0.0.1:4002"))
