""" "Trust this certificate": the fingerprint fetched from a TLS node is the one it presents."""

from __future__ import annotations

from pathlib import Path

import pytest

from obnotify.demo import ThreadedSimNode
from obnotify.node.config import ConfigError, make_config
from obnotify.node.tls import fingerprint
from obnotify.ui.settings_window import fetch_fingerprint

from .conftest import ServerContext


def test_the_fetched_fingerprint_pins_the_node(
    certs: dict[str, Path], server_context: ServerContext
) -> None:
    with ThreadedSimNode(wallet_interval=None, ssl_context=server_context("impostor")) as node:
        pin = fetch_fingerprint(node.url)
        assert pin == fingerprint(certs["impostor-der"].read_bytes())
        assert make_config(node.url, pin=pin).pin_sha256


def test_a_plain_http_node_has_no_certificate() -> None:
    with pytest.raises(ConfigError, match="Only an https:// node"):
        fetch_fingerprint("http://127.0.0.1:4002")
