"""Finding a node on this computer: the OB data folder's config and cookie, or the default port."""

from __future__ import annotations

import asyncio
import functools
import json
from pathlib import Path
from typing import Any

from obnotify.demo.node import SimNode
from obnotify.node.checks import check_config
from obnotify.node.config import make_config
from obnotify.node.discover import Candidate, candidate_from_config, data_dirs, discover


def _config(**api: Any) -> str:
    return json.dumps(
        {"Addresses": {"Gateway": "/ip4/127.0.0.1/tcp/4002"}, "JSON-API": {"Enabled": True, **api}}
    )


def test_the_data_folder_per_platform() -> None:
    home = Path("/home/u")
    assert data_dirs("linux", home, {})[0] == home / ".openbazaar"
    assert data_dirs("linux", home, {})[1] == home / ".openbazaar-testnet"
    assert data_dirs("darwin", home, {})[0] == home / "Library/Application Support/OpenBazaar2.0"
    assert data_dirs("win32", home, {"APPDATA": "C:/Users/u/AppData/Roaming"})[0] == Path(
        "C:/Users/u/AppData/Roaming/OpenBazaar2.0"
    )


def test_the_config_says_the_address_and_the_auth() -> None:
    folder = Path("/home/u/.openbazaar")
    open_node = candidate_from_config(folder, _config(Authenticated=False), cookie_present=True)
    assert open_node == Candidate(
        url="http://127.0.0.1:4002", name="OpenBazaar", source=str(folder)
    )
    cookie = candidate_from_config(folder, _config(Authenticated=True), cookie_present=True)
    assert cookie is not None and cookie.cookie_file == str(folder / ".cookie")
    basic = candidate_from_config(
        folder, _config(Authenticated=True, Username="alice", Password="ab" * 32, SSL=True),
        cookie_present=True,
    )  # fmt: skip
    assert basic is not None
    assert (basic.url, basic.user, basic.cookie_file) == ("https://127.0.0.1:4002", "alice", "")
    assert basic.needs_password
    assert candidate_from_config(folder, "not json", cookie_present=False) is None
    assert candidate_from_config(folder, "{}", cookie_present=False) is None
    anywhere = _config().replace("127.0.0.1", "0.0.0.0")
    assert candidate_from_config(folder, anywhere, cookie_present=False).url == (  # type: ignore[union-attr]
        "http://127.0.0.1:4002"
    )


def test_a_node_found_in_its_data_folder_passes_the_checks(tmp_path: Path) -> None:
    async def scenario() -> tuple[list[Candidate], bool]:
        async with SimNode(auth="cookie", wallet_interval=None) as node:
            folder = tmp_path / ".openbazaar"
            folder.mkdir()
            node.write_cookie_file(folder / ".cookie")
            (folder / "config").write_text(
                _config(Authenticated=True).replace("4002", str(node.port))
            )
            found = await discover(tmp_path, port=1)
            checks = await check_config(
                functools.partial(make_config, found[0].url, cookie_file=found[0].cookie_file)
            )
            return found, all(c.ok for c in checks)

    found, ok = asyncio.run(scenario())
    assert [c.source for c in found] == [str(tmp_path / ".openbazaar")]
    assert ok


def test_without_a_data_folder_the_default_port_is_tried(tmp_path: Path) -> None:
    async def scenario() -> tuple[list[Candidate], list[Candidate]]:
        async with SimNode(wallet_interval=None) as node:
            port = node.port
            found = await discover(tmp_path, port=port)
        return found, await discover(tmp_path, port=port)

    found, after = asyncio.run(scenario())
    assert [c.source for c in found] == ["the default port"]
    assert after == []
