"""Finding a node on this computer, for the first start: its data folder, or its default port.

The OB server keeps a JSON ``config`` in its data folder: ``Addresses.Gateway``
(``/ip4/127.0.0.1/tcp/4002``) is where its API listens, and the ``JSON-API`` table
says whether it needs credentials (``Authenticated``, ``Username``; the password is
only there as a hash, so the user must type it) and whether it has SSL on. With
auth on and no user name, the node takes the cookie in the folder's ``.cookie``.
Reading is pure (:func:`candidate_from_config`); the I/O is :func:`discover`.

A Mobazha node keeps ``mobazha.conf`` (go-flags INI) in its own data folder
(``~/.mobazha``; ``internal/repo/config.go`` and ``appdata.go`` of mobazha/mobazha):
``gatewayaddr`` overrides the API's default ``/ip4/127.0.0.1/tcp/5102``, ``ssl`` turns
TLS on. Its credentials are an API token the user makes in Mobazha, never in a file.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final

from obnotify.local_file import read_small_file
from obnotify.node.config import DEFAULT_PORT

__all__ = [
    "MOBAZHA_PORT",
    "Candidate",
    "candidate_from_config",
    "candidate_from_mobazha_conf",
    "data_dirs",
    "discover",
    "mobazha_data_dirs",
]

COOKIE_FILE: Final = ".cookie"
CONFIG_FILE: Final = "config"
MOBAZHA_CONFIG_FILE: Final = "mobazha.conf"
MOBAZHA_PORT: Final = 5102
"""A Mobazha node's API port (``DefaultGatewayPort``)."""
PROBE_TIMEOUT: Final = 1.0
_GATEWAY: Final = re.compile(r"/ip([46])/([^/]+)/tcp/(\d+)")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A node found here, as the fields of a settings ``[[node]]`` entry (``NodeEntry``)."""

    url: str
    name: str
    source: str
    """Where it was found, for the welcome window: a data folder or "the default port"."""
    user: str = ""
    """The basic-auth user from the node's config: the password must still be typed."""
    cookie_file: str = ""
    ca: str = ""
    pin: str = ""
    kind: str = "ob"
    """``ob`` or ``mobazha``: which server it is."""

    @property
    def needs_password(self) -> bool:
        return bool(self.user)


def data_dirs(platform: str, home: Path, environ: Mapping[str, str]) -> list[Path]:
    """The OB server's data folders on ``platform`` (``sys.platform``), mainnet first."""
    if platform.startswith("win"):
        base = Path(environ.get("APPDATA") or home / "AppData" / "Roaming") / "OpenBazaar2.0"
    elif platform == "darwin":
        base = home / "Library" / "Application Support" / "OpenBazaar2.0"
    else:
        base = home / ".openbazaar"
    return [base, base.with_name(base.name + "-testnet")]


def mobazha_data_dirs(platform: str, home: Path, environ: Mapping[str, str]) -> list[Path]:
    """A Mobazha node's data folders on ``platform``, mainnet first (``AppDataDir("mobazha")``)."""
    if platform.startswith("win"):
        base = environ.get("LOCALAPPDATA") or environ.get("APPDATA")
        folder = Path(base) / "Mobazha" if base else home / "AppData" / "Local" / "Mobazha"
    elif platform == "darwin":
        folder = home / "Library" / "Application Support" / "Mobazha"
    else:
        folder = home / ".mobazha"
    return [folder, folder.with_name(folder.name + "-testnet")]


def _flag_true(value: str) -> bool:
    return value.strip().lower() in ("1", "true", "t", "yes")


def candidate_from_mobazha_conf(folder: Path, text: str) -> Candidate:
    """The node a ``mobazha.conf`` describes; its defaults where it says nothing."""
    settings: dict[str, str] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and not line.lstrip().startswith((";", "#", "[")):
            settings[key.strip().lower()] = value.strip()
    match = _GATEWAY.fullmatch(settings.get("gatewayaddr", ""))
    version, host, port = match.groups() if match else ("4", "127.0.0.1", str(MOBAZHA_PORT))
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1" if version == "4" else "::1"
    authority = f"[{host}]:{port}" if version == "6" else f"{host}:{port}"
    testnet = folder.name.endswith("-testnet") or _flag_true(settings.get("testnet", ""))
    return Candidate(
        url=f"{'https' if _flag_true(settings.get('ssl', '')) else 'http'}://{authority}",
        name="Mobazha (testnet)" if testnet else "Mobazha",
        source=str(folder),
        kind="mobazha",
    )


def _table(data: Mapping[str, Any], key: str) -> Mapping[str, Any]:
    value = data.get(key)
    return value if isinstance(value, Mapping) else {}


def candidate_from_config(
    folder: Path, config_text: str, *, cookie_present: bool
) -> Candidate | None:
    """The node a data folder's ``config`` describes, or None when it is not an OB config."""
    try:
        data = json.loads(config_text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(data, Mapping):
        return None
    gateway = _table(data, "Addresses").get("Gateway")
    match = _GATEWAY.fullmatch(gateway) if isinstance(gateway, str) else None
    if match is None:
        return None
    version, host, port = match.groups()
    if host in ("0.0.0.0", "::"):
        host = "127.0.0.1" if version == "4" else "::1"
    api = _table(data, "JSON-API")
    secure = api.get("SSL") is True
    authority = f"[{host}]:{port}" if version == "6" else f"{host}:{port}"
    user = api.get("Username") if isinstance(api.get("Username"), str) else ""
    authenticated = api.get("Authenticated") is True
    cookie = str(folder / COOKIE_FILE) if authenticated and not user and cookie_present else ""
    testnet = folder.name.endswith("-testnet")
    return Candidate(
        url=f"{'https' if secure else 'http'}://{authority}",
        name="OpenBazaar (testnet)" if testnet else "OpenBazaar",
        source=str(folder),
        user=str(user) if authenticated else "",
        cookie_file=cookie,
    )


async def _answers(host: str, port: int) -> bool:
    try:
        _, writer = await asyncio.wait_for(asyncio.open_connection(host, port), PROBE_TIMEOUT)
    except (OSError, TimeoutError):
        return False
    writer.close()
    return True


async def discover(
    home: Path | None = None, port: int = DEFAULT_PORT, mobazha_port: int = MOBAZHA_PORT
) -> list[Candidate]:
    """Nodes on this computer: each data folder with a config, else what answers on ``port``;
    then each Mobazha data folder, else what answers on ``mobazha_port``."""
    found = await _discover_ob(home or Path.home(), port)
    mobazha: list[Candidate] = []
    for folder in mobazha_data_dirs(sys.platform, home or Path.home(), os.environ):
        try:
            text = (folder / MOBAZHA_CONFIG_FILE).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        candidate = candidate_from_mobazha_conf(folder, text)
        if candidate.url not in {c.url for c in found + mobazha}:
            mobazha.append(candidate)
    if not mobazha and await _answers("127.0.0.1", mobazha_port):
        source = "the default Mobazha port"
        url = f"http://127.0.0.1:{mobazha_port}"
        mobazha.append(Candidate(url=url, name="Mobazha", source=source, kind="mobazha"))
    return found + mobazha


async def _discover_ob(home: Path, port: int) -> list[Candidate]:
    found: list[Candidate] = []
    for folder in data_dirs(sys.platform, home, os.environ):
        try:
            # Only a regular file of a sane size: a FIFO here would hang the first start.
            text = read_small_file(folder / CONFIG_FILE).decode("utf-8")
        except (OSError, UnicodeDecodeError):
            continue
        candidate = candidate_from_config(
            folder, text, cookie_present=(folder / COOKIE_FILE).is_file()
        )
        if candidate is not None and candidate.url not in {c.url for c in found}:
            found.append(candidate)
    default = f"http://127.0.0.1:{port}"
    if not found and await _answers("127.0.0.1", port):
        found.append(Candidate(url=default, name="OpenBazaar", source="the default port"))
    return found
