"""The welcome finds a Mobazha node on this computer: its data folder, else its default port."""

from __future__ import annotations

import asyncio
from pathlib import Path

from obnotify.demo.mobazha import MobazhaSimNode
from obnotify.node.discover import (
    Candidate,
    candidate_from_mobazha_conf,
    discover,
    mobazha_data_dirs,
)
from obnotify.ui.welcome import candidate_entry


def test_the_data_folder_per_platform() -> None:
    home = Path("/home/ann")
    assert mobazha_data_dirs("linux", home, {}) == [home / ".mobazha", home / ".mobazha-testnet"]
    assert mobazha_data_dirs("darwin", home, {})[0] == (
        home / "Library" / "Application Support" / "Mobazha"
    )
    win = mobazha_data_dirs("win32", home, {"LOCALAPPDATA": "C:/Users/ann/AppData/Local"})
    assert win[0] == Path("C:/Users/ann/AppData/Local/Mobazha")


def test_the_conf_says_the_address_and_tls() -> None:
    folder = Path("/home/ann/.mobazha")
    default = candidate_from_mobazha_conf(folder, "[Application Options]\n; nothing set\n")
    assert (default.url, default.kind, default.name) == (
        "http://127.0.0.1:5102",
        "mobazha",
        "Mobazha",
    )
    text = "[Application Options]\ngatewayaddr = /ip4/0.0.0.0/tcp/6102\nssl = 1\n"
    assert candidate_from_mobazha_conf(folder, text).url == "https://127.0.0.1:6102"


def test_a_node_found_here_becomes_a_mobazha_entry(tmp_path: Path) -> None:
    async def scenario() -> tuple[list[Candidate], list[Candidate]]:
        async with MobazhaSimNode(wallet_interval=None) as node:
            port = node.port
            by_port = await discover(tmp_path, port=1, mobazha_port=port)
        folder = tmp_path / ".mobazha"
        folder.mkdir()
        (folder / "mobazha.conf").write_text(f"gatewayaddr=/ip4/127.0.0.1/tcp/{port}\n")
        return by_port, await discover(tmp_path, port=1, mobazha_port=1)

    by_port, by_folder = asyncio.run(scenario())
    assert [c.source for c in by_port] == ["the default Mobazha port"]
    assert [c.source for c in by_folder] == [str(tmp_path / ".mobazha")]
    entry = candidate_entry(by_folder[0])
    assert (entry.kind, entry.url) == ("mobazha", by_port[0].url)
