"""The ``obnotify`` command: the tray app, and the ``render`` and ``watch`` tools."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from obnotify import __version__
from obnotify.node.options import add_watch_parser

__all__ = ["main"]

SUBCOMMANDS = ("render", "watch")


def _render_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
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


def build_parser() -> argparse.ArgumentParser:
    """The parser of the tools; the tray app's own options are in :mod:`obnotify.app`."""
    parser = argparse.ArgumentParser(prog="obnotify", description="Tools of obnotify.")
    parser.add_argument("--version", action="version", version=f"obnotify {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    _render_parser(sub)
    add_watch_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """``obnotify render ...`` and ``obnotify watch ...`` run a tool; anything else the tray app."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if not args_list or args_list[0] not in SUBCOMMANDS:
        from obnotify.app import run_app

        return run_app(args_list)
    args = build_parser().parse_args(args_list)
    if args.command == "render":
        from obnotify.render_command import run_render

        return run_render(args.file, own_peer_id=args.own_peer_id)
    from obnotify.watch_command import run_watch

    return run_watch(args)


if __name__ == "__main__":
    sys.exit(main())
