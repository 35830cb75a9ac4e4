"""``obnotify watch``: the node link without a GUI, printing events and states as JSON lines."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import signal
import sys
from collections.abc import Callable
from typing import IO

import msgspec

from obnotify.core.events import ChatRead, PublishStatus, Typing, WalletBalances
from obnotify.core.render import toast_record
from obnotify.node.config import ConfigError
from obnotify.node.link import ConnState
from obnotify.node.options import cache_dir_from_args, config_from_args, data_dir_from_args
from obnotify.node.session import NewEvent, NodeSession

__all__ = ["JsonLinePrinter", "run_watch"]

log = logging.getLogger(__name__)


class JsonLinePrinter:
    """A session listener that prints what scripts consume: new events and state changes."""

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self._encoder = msgspec.json.Encoder()
        self.on_printed: Callable[[int], None] = _ignore
        """Told the row id of each event once its line is out (the session marks it delivered)."""

    def _print(self, record: dict[str, object]) -> None:
        self._out.write(self._encoder.encode(record) + b"\n")
        self._out.flush()

    def on_state(self, state: ConnState, detail: str) -> None:
        if state is not ConnState.STOPPED:
            record: dict[str, object] = {"state": state.value}
            if detail:
                record["detail"] = detail
            self._print(record)

    def on_new_event(self, new: NewEvent) -> None:
        record = toast_record(new.event, new.toast)
        record["source"] = new.source.value
        record["imagePath"] = str(new.image_path) if new.image_path else ""
        self._print(record)
        self.on_printed(new.row.rowid)

    def on_balances(self, balances: WalletBalances) -> None:
        pass

    def on_signal(self, event: Typing | ChatRead | PublishStatus) -> None:
        pass

    def on_catch_up_done(self, missed: int) -> None:
        self._print({"caughtUp": missed})


async def _watch(args: argparse.Namespace) -> int:
    from obnotify.desktop.thumbnails import ThumbnailCache
    from obnotify.store import Store

    config = config_from_args(args)
    data_dir = data_dir_from_args(args)
    store = Store(data_dir / "nodes" / f"{config.key}.sqlite3")
    printer = JsonLinePrinter(sys.stdout.buffer)
    session = NodeSession(config, store, printer)
    printer.on_printed = session.mark_delivered
    session.thumbnails = ThumbnailCache(
        cache_dir_from_args(args) / "thumbnails", session.api.pictures
    )
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, session.stop)
    try:
        await session.run()
    finally:
        store.close()
    return 0


def _ignore(_rowid: int) -> None:
    """Nobody to tell."""


def run_watch(args: argparse.Namespace) -> int:
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="obnotify: %(message)s")
    try:
        return asyncio.run(_watch(args))
    except ConfigError as exc:
        print(f"obnotify watch: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        return 0
