"""An OB node and a Mobazha node in one tray, and the Mobazha demo: what a user would see."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from desktop_session import DesktopSession
from file_keyring import stored_entries
from waiting import scaled, wait_until

from obnotify import APP_NAME
from obnotify.demo.mobazha import MobazhaSimNode
from obnotify.demo.threaded import ThreadedSimNode
from obnotify.desktop.tokens import TOKEN_USER

from .test_app import (
    BUYER,
    _alive,
    _app_env,
    _launch,
    _polled,
    _tray_icon_of,
    _wait_toast,
    _welcome_of,
    answer_dialog,
    file_keyring_env,
)

pytestmark = pytest.mark.desktop

TOKEN = "mbz_e2e_" + "q" * 32
ALICE = "12D3KooWQp7vHj3a2Mz1Fh8wT4sXy9cRkLmNbVdGe6uPq5Ai7Ce1"


def _asked(node: ThreadedSimNode) -> bool:
    """Whether the app has asked the Mobazha node for its notifications."""
    return any(path.startswith("/v1/notifications") for _, path in node.journal.requests)


def test_an_ob_node_and_a_mobazha_node_in_one_tray(
    fresh_desktop: DesktopSession, tmp_path: Path
) -> None:
    desktop = fresh_desktop
    with (
        ThreadedSimNode(wallet_interval=None) as shop,
        ThreadedSimNode(node_type=MobazhaSimNode, token=TOKEN, wallet_interval=None) as store,
    ):
        env = {**_app_env(tmp_path), "MBZ_TOKEN": TOKEN}
        config = Path(env["XDG_CONFIG_HOME"]) / "obnotify" / "config.toml"
        config.write_text(
            config.read_text()
            + f'[[node]]\nname = "Shop"\nurl = "{shop.url}"\n'
            + f'[[node]]\nname = "Mobazha"\nurl = "{store.url}"\nkind = "mobazha"\n',
            encoding="utf-8",
        )
        proc = desktop.spawn(
            [sys.executable, "-m", "obnotify", "--token-env", "MBZ_TOKEN"], env=env, name="obnotify"
        )
        wait_until(
            lambda: _alive(desktop, proc) and _tray_icon_of(desktop, proc), 30, message="the icon"
        )
        shop.wait_until(lambda: _polled(shop), scaled(20))
        store.wait_until(lambda: _asked(store), scaled(20))
        shop.notify(
            shop.frames.order(buyer_id=BUYER, buyer_handle="ann", title="Shop mug", price=5)
        )
        store.emit(
            "order.funded",
            orderID="QmbMY8sGzmGiCTCqw7G6JfBQGkXaCm3jeBo9KA1MYkWFAZ",
            buyerName="Alice",
            buyerID=ALICE,
            title="Hand-bound notebook",
            price={"amount": "250000", "currencyCode": "BTC", "priceModifier": 0},
        )
        _wait_toast(desktop, proc, "Shop · New order from @ann")
        toast = _wait_toast(desktop, proc, "Mobazha · Order funded by Alice")
        assert "0.0025 BTC in escrow" in toast["body"]
        assert len(_tray_icon_of(desktop, proc)) == 1, "one tray icon for both nodes"


def test_the_mobazha_demo(fresh_desktop: DesktopSession, tmp_path: Path) -> None:
    desktop = fresh_desktop
    proc = _launch(desktop, tmp_path, "--demo", "--kind", "mobazha", "--demo-delay", "0.3")
    wait_until(lambda: _alive(desktop, proc) and _tray_icon_of(desktop, proc), 30, message="icon")
    for summary in ("New order from Alice", "Partial payment", "@alice", "Order needs attention"):
        _wait_toast(desktop, proc, summary)


def test_first_run_finds_the_mobazha_node_here_and_one_key_watches_it(
    fresh_desktop: DesktopSession, tmp_path: Path
) -> None:
    desktop = fresh_desktop
    home = tmp_path / "home"
    (home / ".mobazha").mkdir(parents=True)
    env = {**_app_env(tmp_path), "HOME": str(home)}
    config = Path(env["XDG_CONFIG_HOME"]) / "obnotify" / "config.toml"
    config.unlink()
    with ThreadedSimNode(node_type=MobazhaSimNode, wallet_interval=None) as node:
        (home / ".mobazha" / "mobazha.conf").write_text(
            f"[Application Options]\ngatewayaddr = /ip4/127.0.0.1/tcp/{node.port}\n",
            encoding="utf-8",
        )
        proc = desktop.spawn([sys.executable, "-m", "obnotify"], env=env, name="obnotify")
        welcome = _welcome_of(desktop, proc)
        desktop.run(["xdotool", "windowfocus", "--sync", str(welcome)])
        desktop.run(["xdotool", "key", "Return"])
        node.wait_until(lambda: _asked(node), scaled(20))
        node.emit("order.funded", orderID="QmOrder1", buyerName="Alice", buyerID=ALICE)
        _wait_toast(desktop, proc, "Order funded by Alice")
        assert 'kind = "mobazha"' in config.read_text(encoding="utf-8"), "the next start knows it"


def test_a_refused_token_is_asked_for_and_kept_in_the_keyring(
    fresh_desktop: DesktopSession, tmp_path: Path
) -> None:
    """A Mobazha node without its token: the app asks, and keeps the accepted one in the keyring."""
    desktop = fresh_desktop
    keyring_file = tmp_path / "keyring" / "entries.json"
    keyring_file.parent.mkdir()
    env = _app_env(tmp_path)
    settings = Path(env["XDG_CONFIG_HOME"]) / "obnotify" / "config.toml"
    with ThreadedSimNode(node_type=MobazhaSimNode, token=TOKEN, wallet_interval=None) as node:
        settings.write_text(
            settings.read_text(encoding="utf-8")
            + f'[[node]]\nname = "Mobazha"\nurl = "{node.url}"\nkind = "mobazha"\n',
            encoding="utf-8",
        )
        env |= file_keyring_env(desktop, keyring_file)
        proc = desktop.spawn([sys.executable, "-m", "obnotify"], env=env, name="obnotify")
        answer_dialog(desktop, proc, TOKEN, "the token dialog")
        node.wait_until(lambda: _asked(node), scaled(20))
        kept = wait_until(
            lambda: _alive(desktop, proc) and stored_entries(keyring_file),
            10,
            message="the accepted token in the keyring",
        )
        assert kept == {APP_NAME: {f"{TOKEN_USER}@{node.url}": TOKEN}}
        assert TOKEN not in settings.read_text(encoding="utf-8")
