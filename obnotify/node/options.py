"""Connection options shared by ``obnotify watch`` and the tray app, and how they become a config."""

from __future__ import annotations

import argparse
import getpass
import os
import sys
from pathlib import Path

import platformdirs

from obnotify import APP_NAME
from obnotify.node.config import ConfigError, NodeConfig, make_config, parse_node_url

__all__ = ["add_connection_options", "add_watch_parser", "config_from_args", "data_dir_from_args"]


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
        help="allow sending the password over plain ws:// to a host that is not loopback",
    )
    parser.add_argument(
        "--data-dir",
        default="",
        metavar="DIR",
        help="where history is kept (default: the user data dir)",
    )


def add_watch_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser(
        "watch",
        help="stay connected to a node and print one JSON line per new event",
        description="Run the node link without any GUI. Prints one JSON line per new event "
        '(the shape of `obnotify render`) and one line {"state": ...} per connection state change.',
    )
    p.add_argument("url", metavar="URL", help="http(s)://host:port or ws(s)://host:port[/ws]")
    add_connection_options(p)


def _password(args: argparse.Namespace, url: str) -> str:
    if args.password_env:
        value = os.environ.get(args.password_env)
        if value is None:
            raise ConfigError(
                f"--password-env names {args.password_env}, but that variable is not set."
            )
        return value
    if not args.user:
        return ""
    from obnotify.desktop.secrets import load_password

    stored = load_password(parse_node_url(url)[0], args.user)
    if stored:
        return stored
    if sys.stdin is None or not sys.stdin.isatty():
        raise ConfigError(
            f"A password is needed for user {args.user!r}: set it in an environment variable and "
            "name it with --password-env, or run in a terminal to be asked."
        )
    return getpass.getpass(f"Password for {args.user} at {url}: ")


def config_from_args(args: argparse.Namespace, *, url: str | None = None) -> NodeConfig:
    """A validated config from command-line options; raises ConfigError with what to fix."""
    url = url if url is not None else args.url
    return make_config(
        url,
        username=args.user,
        password=_password(args, url),
        cookie_file=args.cookie_file,
        ca_file=args.ca,
        pin=args.pin,
        allow_insecure_auth=args.allow_insecure_auth,
    )


def data_dir_from_args(args: argparse.Namespace) -> Path:
    """``--data-dir``, else the platform's user data dir (``$XDG_DATA_HOME/obnotify`` on Linux)."""
    if args.data_dir:
        return Path(args.data_dir).expanduser()
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def cache_dir_from_args(args: argparse.Namespace) -> Path:
    if args.data_dir:
        return Path(args.data_dir).expanduser() / "cache"
    return Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False))
