"""How to reach one node: URL, credentials, TLS. Checked up front with messages that say what to fix."""

from __future__ import annotations

import base64
import ipaddress
import re
import ssl
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final
from urllib.parse import SplitResult, urlsplit

from obnotify.local_file import read_small_file
from obnotify.node.tls import pinned_context

__all__ = [
    "COOKIE_NAME",
    "ConfigError",
    "NodeConfig",
    "is_loopback",
    "parse_node_url",
    "parse_proxy",
    "read_cookie_file",
]

COOKIE_NAME: Final = "OpenBazaar_Auth_Cookie"
MOBAZHA_COOKIE_NAME: Final = "Mobazha_Auth_Cookie"
KINDS: Final = ("ob", "mobazha", "auto")
"""What a node is: an OB Go server, a Mobazha node, or to be found out at connect."""
DEFAULT_PORT: Final = 4002
_PIN: Final = re.compile(r"[0-9a-fA-F]{64}")


class ConfigError(ValueError):
    """A setting the user gave is wrong; the message says what to change."""


@dataclass(frozen=True, slots=True)
class NodeConfig:
    """Everything needed to talk to one node, after validation."""

    base_url: str
    """``http(s)://host:port`` for REST."""
    ws_url: str
    """``ws(s)://host:port/ws``."""
    username: str = ""
    password: str = field(default="", repr=False)
    cookie: str = field(default="", repr=False)
    """The auth cookie's value (without the ``OpenBazaar_Auth_Cookie=`` prefix)."""
    ca_file: str = ""
    pin_sha256: str = ""
    """Lower-case hex SHA-256 of the node's DER certificate, for self-signed nodes."""
    allow_insecure_auth: bool = False
    name: str = ""
    store_key: str = ""
    """Names the node's history instead of its host and port (the demo, whose port is random)."""
    proxy: str = ""
    """``socks5h://host:port`` every connection to the node goes through (Tor for a .onion)."""
    kind: str = "ob"
    """One of :data:`KINDS`: which protocol the node speaks."""
    token: str = field(default="", repr=False)
    """A Mobazha API token (``mbz_...``), sent as a Bearer before any other credential."""

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).hostname or ""

    @property
    def tls(self) -> bool:
        return self.base_url.startswith("https://")

    @property
    def key(self) -> str:
        """A file-name-safe key naming this node's store."""
        parts = urlsplit(self.base_url)
        name = self.store_key or f"{parts.hostname}-{parts.port or DEFAULT_PORT}"
        return re.sub(r"[^A-Za-z0-9.-]", "_", name)

    @property
    def display_name(self) -> str:
        parts = urlsplit(self.base_url)
        return self.name or f"{parts.hostname}:{parts.port}"

    def auth_headers(self) -> dict[str, str]:
        """Headers for the handshake and every REST call: a token, else basic auth, as on the node."""
        if self.token:
            return {"Authorization": f"Bearer {self.token}"}
        if self.username or self.password:
            token = base64.b64encode(f"{self.username}:{self.password}".encode()).decode()
            return {"Authorization": f"Basic {token}"}
        if self.cookie:
            name = MOBAZHA_COOKIE_NAME if self.kind == "mobazha" else COOKIE_NAME
            return {"Cookie": f"{name}={self.cookie}"}
        return {}

    def ssl_context(self) -> ssl.SSLContext | None:
        """The TLS context for wss/https: system store, a CA file, or the pinned certificate."""
        if not self.tls:
            return None
        if self.pin_sha256:
            # Self-signed nodes: trust is the pin, checked inside every TLS handshake.
            return pinned_context(self.pin_sha256)
        ctx = ssl.create_default_context()
        if self.ca_file:
            try:
                ctx.load_verify_locations(cafile=self.ca_file)
            except (OSError, ssl.SSLError) as exc:
                raise ConfigError(
                    f"Cannot use CA file {self.ca_file}: {getattr(exc, 'strerror', None) or exc}. "
                    "Point --ca at the node's PEM certificate authority (ssl/rootCA.crt from gencerts)."
                ) from exc
        return ctx


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this computer: ``localhost`` or a loopback address."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _looks_like_host(host: str) -> bool:
    """An IP address, ``localhost`` or a dotted name: what a bare address is expected to be."""
    if is_loopback(host) or "." in host:
        return True
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def parse_node_url(url: str) -> tuple[str, str]:
    """``(base_url, ws_url)`` from ``http(s)://host:port`` or ``ws(s)://host:port[/ws]``."""
    text = url.strip()
    if "://" not in text:
        text = "http://" + text
    parts = urlsplit(text)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https", "ws", "wss"):
        raise ConfigError(
            f"Unsupported URL scheme '{parts.scheme}' in {url!r}: use http://, https://, ws:// or wss://, "
            "for example http://127.0.0.1:4002"
        )
    try:
        port = parts.port or DEFAULT_PORT
    except ValueError as exc:
        raise ConfigError(f"Bad port in {url!r}: give a number from 1 to 65535.") from exc
    if parts.username is not None or parts.password is not None:
        raise ConfigError(
            f"Take the user name and password out of {_without_userinfo(parts)!r}: the user "
            "goes in the node's user setting (--user), and the password is asked for at the "
            "first connection and kept in the keyring."
        )
    host = parts.hostname
    if not host:
        raise ConfigError(
            f"No host in {url!r}: use http://HOST:PORT, for example http://127.0.0.1:4002"
        )
    if "://" not in url and parts.port is None and not _looks_like_host(host):
        # A bare word is a typo or a misplaced argument far more often than a LAN name.
        raise ConfigError(
            f"{host!r} is not a node address: give http://{host}:4002 if that is a host on "
            "your network, or the node's address, for example http://127.0.0.1:4002"
        )
    if parts.path not in ("", "/", "/ws", "/ws/"):
        raise ConfigError(
            f"Unexpected path {parts.path!r} in {url!r}: the node's socket is at /ws."
        )
    secure = scheme in ("https", "wss")
    netloc = f"[{host}]:{port}" if ":" in host else f"{host}:{port}"
    return (
        f"{'https' if secure else 'http'}://{netloc}",
        f"{'wss' if secure else 'ws'}://{netloc}/ws",
    )


def _without_userinfo(parts: SplitResult) -> str:
    """The URL with its ``user:password@`` cut out, so the message does not repeat a secret."""
    return parts._replace(netloc=parts.netloc.rpartition("@")[2]).geturl()


def parse_proxy(proxy: str) -> str:
    """``socks5h://host:port``, or ``""``: names always resolved by the proxy, so a ``.onion``
    works and no DNS query for the node leaves this computer."""
    text = proxy.strip()
    if not text:
        return ""
    parts = urlsplit(text if "://" in text else "socks5://" + text)
    try:
        port = parts.port
    except ValueError:
        port = None
    if parts.scheme.lower() not in ("socks5", "socks5h") or not parts.hostname or not port:
        raise ConfigError(
            f"Proxy {proxy!r} is not a SOCKS5 address: use socks5://HOST:PORT, for example "
            "socks5://127.0.0.1:9050 for Tor."
        )
    host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
    return f"socks5h://{host}:{port}"


def read_cookie_file(path: str | Path) -> str:
    """The cookie value from the node's ``.cookie`` file (``OpenBazaar_Auth_Cookie=VALUE``)."""
    try:
        # The cookie opens the node: read only the user's own file, never where a link
        # (which anyone could plant) points.
        raw = read_small_file(Path(path).expanduser(), follow_link=False, own=True)
        text = raw.decode("utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        reason = getattr(exc, "strerror", None) or "it is not text"
        raise ConfigError(
            f"Cannot read cookie file {path}: {reason}. It is the .cookie file in the "
            "node's data folder (~/.openbazaar by default)."
        ) from exc
    value = text.removeprefix(f"{COOKIE_NAME}=").strip()
    if not value or "\n" in value or ";" in value:
        raise ConfigError(f"Cookie file {path} does not hold an {COOKIE_NAME}=VALUE line.")
    return value


def make_config(
    url: str,
    *,
    username: str = "",
    password: str = "",
    cookie: str = "",
    cookie_file: str = "",
    ca_file: str = "",
    pin: str = "",
    allow_insecure_auth: bool = False,
    name: str = "",
    store_key: str = "",
    proxy: str = "",
    kind: str = "ob",
    token: str = "",
) -> NodeConfig:
    """Validate user settings into a :class:`NodeConfig`."""
    if kind not in KINDS:
        raise ConfigError(f"Unknown node kind {kind!r}: use one of {', '.join(KINDS)}.")
    token = token.strip()
    if token and (not token.isprintable() or " " in token):
        raise ConfigError("The API token has spaces or control characters: copy it again as shown.")
    base_url, ws_url = parse_node_url(url)
    if cookie_file and not cookie:
        cookie = read_cookie_file(cookie_file)
    pin_hex = pin.replace(":", "").strip().lower()
    if pin_hex and not _PIN.fullmatch(pin_hex):
        raise ConfigError(
            "--pin takes the SHA-256 fingerprint of the node's certificate: 64 hex digits "
            "(colons allowed), e.g. from `openssl x509 -noout -fingerprint -sha256 -in cert.pem`."
        )
    if ca_file and not Path(ca_file).expanduser().is_file():
        raise ConfigError(f"CA file {ca_file} does not exist or is not a file.")
    config = NodeConfig(
        base_url=base_url,
        ws_url=ws_url,
        username=username,
        password=password,
        cookie=cookie,
        ca_file=str(Path(ca_file).expanduser()) if ca_file else "",
        pin_sha256=pin_hex,
        allow_insecure_auth=allow_insecure_auth,
        name=name,
        store_key=store_key,
        proxy=parse_proxy(proxy),
        kind=kind,
        token=token,
    )
    if config.host.endswith(".onion") and not config.proxy:
        raise ConfigError(
            f"{config.host} is a Tor address: give a SOCKS5 proxy for it, for example "
            "socks5://127.0.0.1:9050 (Tor's own)."
        )
    secret = (
        "API token"
        if token
        else "password"
        if username or password
        else "auth cookie"
        if cookie
        else ""
    )
    if secret and not config.tls and not is_loopback(config.host) and not allow_insecure_auth:
        # The cookie opens the node as fully as the password does: the same rule for both.
        raise ConfigError(
            f"Refusing to send your {secret} unencrypted to {config.host}: use https:// with the "
            "node's SSL on, or pass --allow-insecure-auth if this network is trusted."
        )
    config.ssl_context()
    return config
