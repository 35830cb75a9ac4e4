"""Files on this computer the app reads for a node: only regular files, of a sane size, and
for a secret, only the user's own."""

from __future__ import annotations

import asyncio
import json
import os
from pathlib import Path

import pytest

from obnotify.node.config import ConfigError, make_config
from obnotify.node.discover import candidate_from_config, discover

GATEWAY = {"Addresses": {"Gateway": "/ip4/127.0.0.1/tcp/4002"}}


def test_a_cookie_file_that_links_to_another_file_is_not_sent(tmp_path: Path) -> None:
    secret = tmp_path / "ssh-key"
    secret.write_text("OpenBazaar_Auth_Cookie=not-a-cookie", encoding="utf-8")
    link = tmp_path / ".cookie"
    link.symlink_to(secret)
    with pytest.raises(ConfigError, match="is a link to another file"):
        make_config("http://127.0.0.1:4002", cookie_file=str(link))


@pytest.mark.skipif(os.geteuid() != 0, reason="giving a file to another user needs root")
def test_a_cookie_file_of_another_user_is_not_sent(tmp_path: Path) -> None:
    planted = tmp_path / ".cookie"
    planted.write_text("OpenBazaar_Auth_Cookie=c0ffee", encoding="utf-8")
    os.chown(planted, 12345, 12345)
    with pytest.raises(ConfigError, match="belongs to another user"):
        make_config("http://127.0.0.1:4002", cookie_file=str(planted))


def test_a_cookie_fifo_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / ".cookie"
    os.mkfifo(fifo)
    with pytest.raises(ConfigError, match="not a regular file"):
        make_config("http://127.0.0.1:4002", cookie_file=str(fifo))


@pytest.mark.parametrize(
    "url", ["http://u:secret@127.0.0.1:4002", "https://alice@shop.example:4002", "u:p@host:4002"]
)
def test_a_url_with_a_user_or_password_is_refused_saying_where_they_go(url: str) -> None:
    with pytest.raises(ConfigError) as raised:
        make_config(url)
    message = str(raised.value)
    assert "keyring" in message and "user setting" in message
    assert "secret" not in message, "the message does not repeat the password"


@pytest.mark.timeout(30)
def test_a_fifo_or_deep_json_as_the_nodes_config_is_skipped(tmp_path: Path) -> None:
    """The first start looks for a node in ~/.openbazaar: what it finds there must not
    hang it or end it."""
    os.mkfifo((tmp_path / ".openbazaar").mkdir() or tmp_path / ".openbazaar" / "config")
    testnet = tmp_path / ".openbazaar-testnet"
    testnet.mkdir()
    (testnet / "config").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    assert asyncio.run(discover(tmp_path, port=1)) == []
    deep = "[" * 100_000 + json.dumps(GATEWAY) + "]" * 100_000
    assert candidate_from_config(tmp_path, deep, cookie_present=False) is None
