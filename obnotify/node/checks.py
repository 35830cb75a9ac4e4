"""Checks of one node, step by step, each with what to do when it fails.

Used by ``obnotify doctor`` and by "Test connection" in the app: a connection that
fails in the tray says only *that* it failed; these say *where* (the address, the
host, TLS, the credentials, the API) so the user knows what to change.
"""

from __future__ import annotations

import asyncio
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from typing import Final

from obnotify.node.api import ApiError, AuthFailed, NodeApi, UnprovenNode
from obnotify.node.config import DEFAULT_PORT, ConfigError, NodeConfig
from obnotify.node.mobazha import MobazhaApi, api_for, detect_kind
from obnotify.node.reach import CONNECT_TIMEOUT, open_stream, port_of
from obnotify.node.tls import describe_tls_error

__all__ = ["CONNECT_TIMEOUT", "Check", "check_config", "check_node"]

ADDRESS: Final = "address"
HOST: Final = "host answers"
TLS: Final = "TLS"
CREDENTIALS: Final = "credentials"
API: Final = "notifications API"


@dataclass(frozen=True, slots=True)
class Check:
    """One check's verdict: ``message`` says what was found, ``fix`` what to do if it failed."""

    name: str
    ok: bool
    message: str
    fix: str = ""
    skipped: bool = False
    """Not run (not applicable, or an earlier step failed); ``ok`` is True so it never fails."""
    warning: bool = False
    """Passed with a reservation worth reading, ``fix`` saying what would lift it; ``ok`` is
    True so it never fails (no keyring, while no node needs one)."""


def _passed(name: str, message: str) -> Check:
    return Check(name, True, message)


def _failed(name: str, message: str, fix: str) -> Check:
    return Check(name, False, message, fix)


def _skipped(name: str, message: str) -> Check:
    return Check(name, True, message, skipped=True)


async def _check_host(config: NodeConfig) -> Check:
    host, port = config.host, port_of(config)
    where = f"{host}:{port}" + (f" through {config.proxy}" if config.proxy else "")
    try:
        _, writer = await asyncio.wait_for(open_stream(config), CONNECT_TIMEOUT * 2)
    except TimeoutError:
        return _failed(
            HOST,
            f"{where} did not answer within {CONNECT_TIMEOUT:g} s",
            "check the address, that the node is running, and that no firewall drops the "
            "connection",
        )
    except socket.gaierror:
        return _failed(
            HOST, f"the host name {host} is not known", "check the spelling of the address"
        )
    except ConnectionRefusedError as exc:
        return _failed(
            HOST,
            # The system's words ("[Errno 111] Connect call failed") add nothing to these;
            # a proxy's refusal says why it refused.
            f"nothing listens on {where}" + (f" ({exc})" if exc.errno is None and exc.args else ""),
            f"start the node, or check the port (the node's API port is {DEFAULT_PORT} unless "
            "its config says otherwise)",
        )
    except OSError as exc:
        return _failed(
            HOST,
            f"cannot reach {where}: {exc.strerror or exc}",
            "check the address and this computer's network",
        )
    writer.close()
    await _closed(writer)
    return _passed(HOST, f"{where} accepts connections")


async def _closed(writer: asyncio.StreamWriter) -> None:
    try:
        await asyncio.wait_for(writer.wait_closed(), CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ssl.SSLError):
        pass  # Closing a connection that proved its point: how it ends does not matter.


def _split_advice(text: str) -> tuple[str, str]:
    """``describe_tls_error`` says "what: what to do"; the check shows the two apart."""
    what, sep, fix = text.rpartition(": ")
    return (what, fix) if sep else (text, "")


async def _check_tls(config: NodeConfig) -> Check:
    if not config.tls:
        return _skipped(TLS, "not used (http://): the node's SSL is off")
    try:
        ctx = config.ssl_context()
    except ConfigError as exc:
        return _failed(TLS, str(exc), "point the CA file at the node's PEM certificate authority")
    try:
        _, writer = await asyncio.wait_for(open_stream(config, ctx), CONNECT_TIMEOUT * 3)
    except ssl.SSLError as exc:
        what, fix = _split_advice(describe_tls_error(exc))
        return _failed(TLS, what, fix or "check the node's certificate and SSL settings")
    except (TimeoutError, OSError) as exc:
        return _failed(
            TLS,
            f"the TLS handshake did not finish: {getattr(exc, 'strerror', None) or 'timed out'}",
            "if the node's SSL is off, use an http:// address",
        )
    writer.close()
    await _closed(writer)
    how = "the pinned certificate" if config.pin_sha256 else "a trusted certificate"
    return _passed(TLS, f"the node shows {how}")


def _credentials_used(config: NodeConfig) -> str:
    if config.token:
        return "the API token"
    if config.username or config.password:
        return f"user {config.username}"
    return "the auth cookie" if config.cookie else "no credentials"


def _credentials_verdict(config: NodeConfig, api: NodeApi) -> Check:
    """What the node made of the credentials, once it answered: "accepted" only when it
    had refused a request without them (they are sent only then)."""
    used = _credentials_used(config)
    if api.gate.asked:
        return _passed(CREDENTIALS, f"the node accepted {used}")
    if used == "no credentials":
        return _passed(CREDENTIALS, "the node asks for none")
    return _failed(
        CREDENTIALS,
        f"the node did not ask for credentials, so {used} was not sent: this may not be "
        "your node, or its authentication is off",
        "check the address; if your node runs without authentication, remove the credentials",
    )


async def _check_api(config: NodeConfig) -> tuple[Check, Check]:
    """The credentials and the notifications API, from one ``GET /ob/notifications?limit=1``."""
    used = _credentials_used(config)
    api = api_for(config)
    try:
        if config.kind == "auto" and await detect_kind(api) == "mobazha":
            api = MobazhaApi(config, shared=api)
        page = await api.notifications(limit=1)
    except UnprovenNode as exc:
        return (
            _failed(
                CREDENTIALS,
                str(exc).partition(": ")[2],
                "stop what else listens on that port and start your node there",
            ),
            _skipped(API, "not checked: the credentials were not sent"),
        )
    except AuthFailed:
        fix = (
            "check the user name and password (the node's config: JSON-API Username), or the "
            "cookie file (the .cookie in the node's data folder, which changes on every start)"
            if used != "no credentials"
            else "the node needs credentials: give a user name and password, or its cookie file"
        )
        return (
            _failed(CREDENTIALS, f"the node refused {used} (HTTP 403)", fix),
            _skipped(API, "not checked: the node refused the credentials"),
        )
    except ApiError as exc:
        if "HTTP " in str(exc) or "undecodable" in str(exc) or "redirect" in str(exc):
            return (
                _credentials_verdict(config, api),
                _failed(
                    API,
                    f"the node answered, but not as an OpenBazaar API: {exc}",
                    "check that the address is the node's API port, and the node's log",
                ),
            )
        return (
            _failed(
                CREDENTIALS,
                f"not checked: the node could not be asked ({exc})",
                "check the address and that the node is running",
            ),
            _skipped(API, "not checked: the node could not be asked"),
        )
    finally:
        await api.aclose()
    return (_credentials_verdict(config, api), _passed(API, f"answers (unread: {page.unread})"))


async def check_node(config: NodeConfig) -> list[Check]:
    """Every check of one node, in order; a step whose ground failed is skipped, not failed."""
    checks = [_passed(ADDRESS, config.base_url)]
    host = await _check_host(config)
    checks.append(host)
    if not host.ok:
        for name in (TLS, CREDENTIALS, API):
            checks.append(_skipped(name, "not checked: the host does not answer"))
        return checks
    tls = await _check_tls(config)
    checks.append(tls)
    if not tls.ok:
        for name in (CREDENTIALS, API):
            checks.append(_skipped(name, "not checked: TLS failed, nothing was sent"))
        return checks
    checks.extend(await _check_api(config))
    return checks


async def check_config(make: Callable[[], NodeConfig]) -> list[Check]:
    """:func:`check_node` of the node ``make`` builds from what was typed, which can itself
    be wrong: then the address check fails with what to fix."""
    try:
        config = make()
    except ConfigError as exc:
        return [_failed(ADDRESS, str(exc), "correct the node's settings")]
    return await check_node(config)
