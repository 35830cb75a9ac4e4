"""Every option of the ``obnotify`` command, parsed into plain values.

The tray app, ``render`` and ``watch`` are parsed here and only here. The names,
defaults and exit statuses are a public interface (README.md). This module stays
light: ``obnotify --help`` and the tray app's start read it before anything else.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

from obnotify import APP_NAME, __version__

if TYPE_CHECKING:
    from obnotify.desktop.credentials import Credentials
    from obnotify.desktop.secrets import PasswordPrompt
    from obnotify.node.config import NodeConfig

__all__ = [
    "DEMO_DELAY",
    "EXIT_AUTH_FAILED",
    "EXIT_BAD_OPTIONS",
    "EXIT_TLS_FAILED",
    "TOOLS",
    "AppOptions",
    "ConnectionOptions",
    "DoctorOptions",
    "RenderOptions",
    "WatchOptions",
    "add_connection_options",
    "build_app_parser",
    "build_tools_parser",
    "parse_app",
    "parse_tool",
]

TOOLS: Final = ("render", "watch", "doctor")
RETRY_MAX: Final = 60.0
"""Reconnect attempts back off up to this many seconds apart by default."""
RETRY_MIN: Final = 0.1
RETRY_MAX_LIMIT: Final = 3600.0
"""Subcommands; any other first argument belongs to the tray app."""

DEMO_DELAY: Final = 3.0
"""Seconds between the demo node's events, unless ``--demo-delay`` says otherwise."""

EXIT_BAD_OPTIONS: Final = 2
"""An option or setting is wrong; the message on stderr says what to change."""
EXIT_AUTH_FAILED: Final = 3
"""``watch``: the node refused the credentials; retrying with the same ones cannot help."""
EXIT_TLS_FAILED: Final = 4
"""``watch``: the node's certificate failed the ``--ca``/``--pin`` check (or it speaks no TLS)."""

WATCH_EPILOG: Final = f"""\
exit status:
  0  stopped by SIGINT or SIGTERM, or its output was closed
  {EXIT_BAD_OPTIONS}  an option is wrong (the message says what to change)
  {EXIT_AUTH_FAILED}  the node refused the credentials (after the line {{"state": "auth-failed"}})
  {EXIT_TLS_FAILED}  the TLS check failed: certificate not trusted, pin mismatch or no TLS
     (after the line {{"state": "tls-failed"}})
An unreachable node is retried for as long as watch runs.

The password for --user comes from the variable named by --password-env, else the
OS keyring, else a prompt on the terminal. A Mobazha node's API token (--kind mobazha
or auto) comes from the variable named by --token-env, else the OS keyring."""


@dataclass(frozen=True, slots=True)
class ConnectionOptions:
    """How to reach and authenticate to a node, as given on the command line."""

    user: str = ""
    password_env: str = ""
    """The name of the environment variable that holds the password, never the password."""
    cookie_file: str = ""
    ca: str = ""
    pin: str = ""
    allow_insecure_auth: bool = False
    data_dir: str = ""
    proxy: str = ""
    """``--proxy``: the SOCKS5 proxy to reach the node through."""
    kind: str = "ob"
    """``--kind``: ``ob``, ``mobazha``, or ``auto`` to ask the node at connect."""
    token_env: str = ""
    """``--token-env``: the variable that holds a Mobazha API token, never the token."""

    def credentials(self, url: str, prompt: PasswordPrompt | None = None) -> Credentials:
        """The password and token of the node at ``url`` under these options (blocking)."""
        from obnotify.desktop.credentials import credentials_for

        return credentials_for(
            url,
            self.user,
            self.kind,
            password_env=self.password_env,
            token_env=self.token_env,
            prompt=prompt,
        )

    def node_config(self, url: str, password: str, token: str = "") -> NodeConfig:
        """A validated config for ``url``; raises ConfigError with what to fix."""
        from obnotify.node.config import make_config

        return make_config(
            url,
            username=self.user,
            password=password,
            cookie_file=self.cookie_file,
            ca_file=self.ca,
            pin=self.pin,
            allow_insecure_auth=self.allow_insecure_auth,
            proxy=self.proxy,
            kind=self.kind,
            token=token,
        )

    def data_path(self) -> Path:
        """``--data-dir``, else the user data dir (``$XDG_DATA_HOME/obnotify`` on Linux)."""
        if self.data_dir:
            return Path(self.data_dir).expanduser()
        import platformdirs  # only once a command runs: --help and the tray icon do without

        return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))

    def cache_path(self) -> Path:
        """``--data-dir``/cache, else the user cache dir (``$XDG_CACHE_HOME/obnotify``)."""
        if self.data_dir:
            return Path(self.data_dir).expanduser() / "cache"
        import platformdirs

        return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))


@dataclass(frozen=True, slots=True)
class AppOptions:
    """The tray app's options."""

    demo: bool = False
    node: str = ""
    """``--node URL``; empty: the nodes of the settings file."""
    demo_delay: float = DEMO_DELAY
    config: str = ""
    """``--config FILE``; empty: config.toml in the config dir."""
    connection: ConnectionOptions = ConnectionOptions()


@dataclass(frozen=True, slots=True)
class WatchOptions:
    url: str
    connection: ConnectionOptions
    retry_max: float = RETRY_MAX
    """The longest wait, in seconds, between two attempts to reach the node."""


@dataclass(frozen=True, slots=True)
class DoctorOptions:
    node: str
    """``--node URL``; empty: the nodes of the settings file."""
    config: str
    """``--config FILE``; empty: config.toml in the config dir."""
    connection: ConnectionOptions


@dataclass(frozen=True, slots=True)
class RenderOptions:
    file: str
    """A path, or ``-`` for standard input."""
    own_peer_id: str


def add_connection_options(parser: argparse.ArgumentParser) -> None:
    """The options every command that talks to a node takes; their names are a public interface."""
    parser.add_argument("--user", default="", metavar="NAME", help="user name for HTTP basic auth")
    parser.add_argument(
        "--password-env",
        default="",
        metavar="VAR",
        help="environment variable holding the password (never pass it on the command line)",
    )
    parser.add_argument(
        "--cookie-file", default="", metavar="PATH", help="the node's .cookie file (cookie auth)"
    )
    parser.add_argument(
        "--ca", default="", metavar="FILE", help="CA certificate (PEM) of a TLS node"
    )
    parser.add_argument(
        "--pin",
        default="",
        metavar="SHA256",
        help="SHA-256 fingerprint of a self-signed node's certificate",
    )
    parser.add_argument(
        "--allow-insecure-auth",
        action="store_true",
        help="allow sending the password over plain ws:// to a host that is not loopback, "
        "or to a node on this computer that another user runs",
    )
    parser.add_argument(
        "--proxy",
        default="",
        metavar="URL",
        help="SOCKS5 proxy to reach the node through, e.g. socks5://127.0.0.1:9050 (Tor; "
        "needed for a .onion)",
    )
    parser.add_argument(
        "--kind",
        choices=("ob", "mobazha", "auto"),
        default="ob",
        help="what the node is: an OB Go server (default), a Mobazha node, or auto to ask it",
    )
    parser.add_argument(
        "--token-env",
        default="",
        metavar="VAR",
        help="environment variable holding a Mobazha API token (mbz_...), sent as a Bearer",
    )
    parser.add_argument(
        "--data-dir",
        default="",
        metavar="DIR",
        help="where history is kept (default: the user data dir)",
    )


def _connection(args: argparse.Namespace) -> ConnectionOptions:
    return ConnectionOptions(
        user=args.user,
        password_env=args.password_env,
        cookie_file=args.cookie_file,
        ca=args.ca,
        pin=args.pin,
        allow_insecure_auth=args.allow_insecure_auth,
        data_dir=args.data_dir,
        proxy=args.proxy,
        kind=args.kind,
        token_env=args.token_env,
    )


def build_app_parser() -> argparse.ArgumentParser:
    """The tray app's parser: ``obnotify [--demo | --node URL] [options]``."""
    parser = argparse.ArgumentParser(
        prog="obnotify",
        description="Desktop notifications, balances and activity for OpenBazaar (OB Go server) nodes. "
        "Subcommands: `obnotify render`, `obnotify watch` and `obnotify doctor` (see their --help).",
        epilog="The password for --user comes from the variable named by --password-env, else "
        "the OS keyring; without either, the app asks for it in a dialog once the node refuses "
        "the login, and keeps it in the keyring.",
    )
    parser.add_argument("--version", action="version", version=f"obnotify {__version__}")
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--demo", action="store_true", help="start the built-in simulated node and connect to it"
    )
    source.add_argument("--node", metavar="URL", default="", help="watch the node at this URL")
    parser.add_argument(
        "--demo-delay",
        type=float,
        default=DEMO_DELAY,
        metavar="SECONDS",
        help="seconds between the demo node's events",
    )
    parser.add_argument(
        "--config",
        default="",
        metavar="FILE",
        help="settings file (default: config.toml in the config dir)",
    )
    add_connection_options(parser)
    return parser


def _add_render_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "render",
        help="show what frames would look like as toasts (one JSON line per frame)",
        description="Read socket frames (one JSON document per line, capture lines "
        '{"t", "frame"}, or pretty-printed documents) and print one JSON line per frame: '
        "kind, id, toast, title, body, image, urgency, route.",
    )
    p.add_argument("file", nargs="?", default="-", help="input file; - or nothing for stdin")
    p.add_argument(
        "--own-peer-id", default="", help="your node's peer id, to tell your role in disputes"
    )


def _add_watch_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "watch",
        help="stay connected to a node and print one JSON line per new event",
        description="Run the node link without any GUI. Prints one JSON line per new event "
        '(the shape of `obnotify render`) and one line {"state": ...} per connection state change.',
        epilog=WATCH_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("url", metavar="URL", help="http(s)://host:port or ws(s)://host:port[/ws]")
    add_connection_options(p)
    p.add_argument(
        "--retry-max",
        type=_retry_seconds,
        default=RETRY_MAX,
        metavar="SECONDS",
        help=f"longest wait between attempts to reach the node (default {RETRY_MAX:g})",
    )


def _add_doctor_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "doctor",
        help="check each configured node and the desktop, one line per check",
        description="Check every node of the settings file (or the one given with --node): the "
        "address, that the host answers, TLS, the credentials and the notifications API; then "
        "the desktop: a notification server, a tray host and a keyring. A failed check says "
        "what to do.",
        epilog="exit status: 0 when nothing failed (a warning does not count), 1 when a check "
        "failed, "
        f"{EXIT_BAD_OPTIONS} when an option is wrong",
    )
    p.add_argument("--node", metavar="URL", default="", help="check this node instead")
    p.add_argument(
        "--config",
        default="",
        metavar="FILE",
        help="settings file (default: config.toml in the config dir)",
    )
    add_connection_options(p)


def _retry_seconds(text: str) -> float:
    """A wait of at least :data:`RETRY_MIN` seconds: never a reconnect loop."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
    if not RETRY_MIN <= value <= RETRY_MAX_LIMIT:
        raise argparse.ArgumentTypeError(
            f"choose between {RETRY_MIN:g} and {RETRY_MAX_LIMIT:g} seconds, not {text}"
        )
    return value


def build_tools_parser() -> argparse.ArgumentParser:
    """The parser of ``obnotify render`` and ``obnotify watch``."""
    parser = argparse.ArgumentParser(prog="obnotify", description="Tools of obnotify.")
    parser.add_argument("--version", action="version", version=f"obnotify {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    _add_render_parser(sub)
    _add_watch_parser(sub)
    _add_doctor_parser(sub)
    return parser


def parse_app(argv: list[str]) -> AppOptions:
    """The tray app's options; exits with status 2 and a usage line when they are wrong."""
    args = build_app_parser().parse_args(argv)
    return AppOptions(
        demo=args.demo,
        node=args.node,
        demo_delay=args.demo_delay,
        config=args.config,
        connection=_connection(args),
    )


def parse_tool(argv: list[str]) -> RenderOptions | WatchOptions | DoctorOptions:
    """A tool's options (``argv`` starts with its name); exits with status 2 when wrong."""
    args = build_tools_parser().parse_args(argv)
    if args.command == "render":
        return RenderOptions(file=args.file, own_peer_id=args.own_peer_id)
    if args.command == "doctor":
        return DoctorOptions(node=args.node, config=args.config, connection=_connection(args))
    return WatchOptions(url=args.url, connection=_connection(args), retry_max=args.retry_max)
