"""The node checks against the simulated node: each one passes, and each one can go red."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import socket
from pathlib import Path

from obnotify.demo.node import SimNode
from obnotify.node.checks import Check, check_config, check_node
from obnotify.node.config import make_config

from .conftest import ServerContext


def _by_name(checks: list[Check]) -> dict[str, Check]:
    return {check.name: check for check in checks}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def _with_node(node: SimNode, url: str = "", **options: str | bool) -> list[Check]:
    await node.start()
    try:
        return await check_config(functools.partial(make_config, url or node.url, **options))
    finally:
        await node.stop()


def test_a_healthy_node_passes_every_check() -> None:
    checks = asyncio.run(_with_node(SimNode(wallet_interval=None)))
    assert [c.name for c in checks] == [
        "address", "host answers", "TLS", "credentials", "notifications API"
    ]  # fmt: skip
    assert all(c.ok for c in checks), checks
    assert _by_name(checks)["TLS"].skipped
    assert not _by_name(checks)["notifications API"].skipped


def test_a_bad_address_fails_first() -> None:
    checks = asyncio.run(check_config(functools.partial(make_config, "ftp://127.0.0.1:4002")))
    assert [(c.name, c.ok) for c in checks] == [("address", False)]
    assert "ftp" in checks[0].message and checks[0].fix


def test_nothing_listening_fails_the_host_and_skips_the_rest() -> None:
    checks = _by_name(
        asyncio.run(
            check_config(functools.partial(make_config, f"http://127.0.0.1:{_free_port()}"))
        )
    )
    assert not checks["host answers"].ok
    assert "nothing listens" in checks["host answers"].message
    assert "start the node" in checks["host answers"].fix
    assert all(checks[n].skipped and checks[n].ok for n in ("TLS", "credentials"))


def test_an_unknown_host_name_is_said() -> None:
    checks = _by_name(
        asyncio.run(
            check_config(functools.partial(make_config, "http://no-such-host.invalid:4002"))
        )
    )
    assert not checks["host answers"].ok
    assert "not known" in checks["host answers"].message


def test_wrong_credentials_are_refused_not_unreachable() -> None:
    node = SimNode(auth="basic", username="u", password="right", wallet_interval=None)
    checks = _by_name(asyncio.run(_with_node(node, username="u", password="wrong")))
    assert checks["host answers"].ok
    assert not checks["credentials"].ok
    assert "refused user u" in checks["credentials"].message
    assert checks["notifications API"].skipped
    node = SimNode(auth="basic", username="u", password="right", wallet_interval=None)
    checks = _by_name(asyncio.run(_with_node(node)))
    assert "needs credentials" in checks["credentials"].fix


def test_the_right_credentials_and_cookie_are_accepted(tmp_path: Path) -> None:
    node = SimNode(auth="basic", username="u", password="right", wallet_interval=None)
    assert all(c.ok for c in asyncio.run(_with_node(node, username="u", password="right")))
    node = SimNode(auth="cookie", wallet_interval=None)
    cookie = node.write_cookie_file(tmp_path / ".cookie")
    assert all(c.ok for c in asyncio.run(_with_node(node, cookie_file=str(cookie))))


def test_a_broken_api_fails_only_the_api() -> None:
    node = SimNode(wallet_interval=None)
    node.set_faults(rest_broken=True)
    checks = _by_name(asyncio.run(_with_node(node)))
    assert checks["credentials"].ok
    assert not checks["notifications API"].ok
    assert "HTTP 500" in checks["notifications API"].message


def test_tls_verifies_with_the_ca_or_the_pin(
    certs: dict[str, Path], server_context: ServerContext
) -> None:
    pin = hashlib.sha256(certs["der"].read_bytes()).hexdigest()
    for options in ({"ca_file": str(certs["ca"])}, {"pin": pin}):
        checks = asyncio.run(_with_node(SimNode(ssl_context=server_context("node")), **options))
        assert all(c.ok and not c.skipped for c in checks), checks


def test_tls_says_why_it_does_not_verify(
    certs: dict[str, Path], server_context: ServerContext
) -> None:
    def tls(which: str, url_host: str = "", **options: str) -> Check:
        node = SimNode(wallet_interval=None, ssl_context=server_context(which))

        async def run() -> list[Check]:
            await node.start()
            try:
                url = node.url.replace("127.0.0.1", url_host) if url_host else node.url
                return await check_config(functools.partial(make_config, url, **options))
            finally:
                await node.stop()

        checks = _by_name(asyncio.run(run()))
        assert checks["credentials"].skipped
        return checks["TLS"]

    unknown = tls("impostor", ca_file=str(certs["ca"]))
    assert not unknown.ok and "not trusted" in unknown.message and "--ca" in unknown.fix
    system = tls("node")
    assert not system.ok and "not trusted" in system.message
    pinned = tls("node", pin="0" * 64)
    assert not pinned.ok and "pinned" in pinned.message and "--pin" in pinned.fix
    renamed = tls("node", url_host="localhost", ca_file=str(certs["ca"]))
    assert not renamed.ok and "another host name" in renamed.message


def test_tls_against_a_plain_node_says_so() -> None:
    node = SimNode(wallet_interval=None)

    async def run() -> list[Check]:
        await node.start()
        try:
            return await check_node(make_config(node.url.replace("http://", "https://")))
        finally:
            await node.stop()

    check = _by_name(asyncio.run(run()))["TLS"]
    assert not check.ok and "http://" in check.fix
