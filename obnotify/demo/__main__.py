"""Run the simulated node by hand: ``python -m obnotify.demo --port 4002 --scenario``.

Useful to point the app (or curl, or a browser) at a node that behaves like a
real one without installing openbazaar-go. Prints its URL and serves until
Ctrl-C.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import signal
import sys
from collections.abc import Sequence
from typing import Final

from obnotify.demo import scenario
from obnotify.demo.frames import GENERATIONS
from obnotify.demo.node import AUTH_MODES, SimNode

__all__ = ["main", "parse_args", "serve"]

DEFAULT_PORT: Final = 4002
"""The real node's default API port."""


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m obnotify.demo",
        description="Serve a simulated OpenBazaar node (socket at /ws and REST on one port).",
    )
    parser.add_argument(
        "--host", default="127.0.0.1", help="interface to bind (default: %(default)s)"
    )
    parser.add_argument(
        "--port", type=int, default=DEFAULT_PORT, help="0 picks a free port (default: %(default)s)"
    )
    parser.add_argument("--auth", choices=AUTH_MODES, default="none", help="authentication mode")
    parser.add_argument("--user", default="", help="basic auth user name")
    parser.add_argument("--password", default="", help="basic auth password")
    parser.add_argument(
        "--cookie", default="", help="cookie value for --auth cookie (random if empty)"
    )
    parser.add_argument(
        "--cookie-file", default="", help="write the .cookie file here (a file or a folder)"
    )
    parser.add_argument(
        "--generation", choices=GENERATIONS, default="0.14", help="server generation to imitate"
    )
    parser.add_argument(
        "--wallet-interval",
        type=float,
        default=15.0,
        help="seconds between walletUpdate frames; 0 sends none",
    )
    parser.add_argument(
        "--scenario", action="store_true", help="seed demo data and play every event kind once"
    )
    parser.add_argument(
        "--delay",
        type=float,
        default=2.0,
        help="seconds between scenario events (default: %(default)s)",
    )
    parser.add_argument("--repeat", action="store_true", help="play the scenario again and again")
    return parser.parse_args(argv)  # fmt: skip


async def serve(args: argparse.Namespace) -> None:
    """Start the node described by ``args`` and serve until cancelled (Ctrl-C or SIGTERM)."""
    task = asyncio.current_task()
    if task is not None:
        with contextlib.suppress(NotImplementedError):
            asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, task.cancel)
    node = SimNode(
        host=args.host,
        port=args.port,
        auth=args.auth,
        username=args.user,
        password=args.password,
        cookie=args.cookie,
        generation=args.generation,
        wallet_interval=args.wallet_interval or None,
    )
    if args.scenario:
        scenario.seed(node)
    await node.start()
    print(f"obnotify demo node: {node.url}  (socket {node.ws_url}, generation {node.generation})")
    if node.auth == "basic":
        print(f"basic auth: user {node.username!r}")
    elif node.auth == "cookie":
        print(f"cookie: {node.cookie_line}")
        if args.cookie_file:
            print(f"cookie file: {node.write_cookie_file(args.cookie_file)}")
    print("Ctrl-C stops it.", flush=True)
    try:
        if args.scenario:
            while True:
                if node.clients == 0:
                    print("waiting for a client before playing the scenario", flush=True)
                    await node.wait_until(lambda: node.clients > 0, timeout=None)
                await scenario.play(node, args.delay)
                print("scenario played", flush=True)
                if not args.repeat:
                    break
                await asyncio.sleep(args.delay)
        await asyncio.Event().wait()
    finally:
        await node.stop()


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    with contextlib.suppress(KeyboardInterrupt, asyncio.CancelledError):
        asyncio.run(serve(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
