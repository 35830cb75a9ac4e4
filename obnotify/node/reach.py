"""Raw connections to a node, always through its proxy when it has one.

A name given to the proxy is resolved there (``socks5h``): a ``.onion`` must never
reach the local resolver. Every connection a node's settings make that is not an
HTTP request (the doctor's host and TLS checks, fetching a certificate to pin)
is opened here, so none can forget the proxy.
"""

from __future__ import annotations

import asyncio
import ssl
from typing import Final
from urllib.parse import urlsplit

from obnotify.node.config import DEFAULT_PORT, ConfigError, NodeConfig, make_config
from obnotify.node.tls import fingerprint

__all__ = ["CONNECT_TIMEOUT", "fetch_fingerprint", "open_stream", "port_of"]

CONNECT_TIMEOUT: Final = 5.0
"""Seconds a TCP connect or TLS handshake may take before the host counts as not answering."""


def port_of(config: NodeConfig) -> int:
    """The node's port, the default one when its address names none."""
    return urlsplit(config.base_url).port or DEFAULT_PORT


async def open_stream(
    config: NodeConfig, ctx: ssl.SSLContext | None = None
) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    """A connection to the node, through its proxy if it has one, in TLS when ``ctx`` is given."""
    host, port = config.host, port_of(config)
    tls: dict[str, object] = (
        {"ssl": ctx, "server_hostname": host, "ssl_handshake_timeout": CONNECT_TIMEOUT}
        if ctx is not None
        else {}
    )
    if not config.proxy:
        return await asyncio.open_connection(host, port, **tls)  # type: ignore[arg-type]
    from python_socks import ProxyError, ProxyTimeoutError
    from python_socks.async_.asyncio import Proxy

    try:
        # python-socks names no socks5h; rdns=True is what the h means.
        proxy = Proxy.from_url(config.proxy.replace("socks5h://", "socks5://", 1), rdns=True)
        sock = await proxy.connect(host, port, timeout=CONNECT_TIMEOUT)
    except ProxyTimeoutError as exc:
        raise TimeoutError from exc
    except ProxyError as exc:
        raise ConnectionRefusedError(f"the proxy {config.proxy} says: {exc}") from exc
    return await asyncio.open_connection(sock=sock, **tls)  # type: ignore[arg-type]


async def fetch_fingerprint(url: str, proxy: str = "", timeout: float = 10.0) -> str:
    """The SHA-256 fingerprint of the certificate an ``https`` node presents, unverified.

    The user decides whether to trust what is shown. Through ``proxy`` when given,
    as every other connection to that node.

    Raises:
        ConfigError: The address or the proxy is wrong, or the node has no TLS.
        OSError: The node (or its proxy) cannot be reached or shows no certificate.
    """
    config = make_config(url, proxy=proxy)
    if not config.tls:
        raise ConfigError("Only an https:// node has a certificate to trust.")
    ctx = ssl.create_default_context()
    ctx.check_hostname = False
    ctx.verify_mode = ssl.CERT_NONE
    _, writer = await asyncio.wait_for(open_stream(config, ctx), timeout)
    try:
        tls = writer.get_extra_info("ssl_object")
        der = tls.getpeercert(binary_form=True) if tls is not None else None
    finally:
        writer.close()
    if not der:
        raise OSError("the node showed no certificate")
    return fingerprint(der)
