"""``obnotify watch``: the node link without a GUI, printing events and states as JSON lines.

It runs until stopped, except on a state only the user can fix (refused
credentials, a certificate that fails the check): then it prints that state and
exits with its own status, so a script can tell.
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import logging
import signal
import sys
from collections.abc import Callable
from typing import IO, Final

import msgspec

from obnotify.cli.options import (
    EXIT_AUTH_FAILED,
    EXIT_BAD_OPTIONS,
    EXIT_TLS_FAILED,
    WatchOptions,
)
from obnotify.core.connection import ConnState
from obnotify.core.events import ChatRead, PublishStatus, Typing, WalletBalances
from obnotify.core.render import toast_record
from obnotify.node.config import ConfigError, NodeConfig
from obnotify.node.factory import open_node
from obnotify.node.session import NewEvent
from obnotify.settings.values import HISTORY_LIMIT
from obnotify.store.errors import StoreError

__all__ = ["GIVE_UP", "JsonLinePrinter", "run_watch", "terminal_prompt"]

GIVE_UP: Final[dict[ConnState, int]] = {
    ConnState.AUTH_FAILED: EXIT_AUTH_FAILED,
    ConnState.TLS_FAILED: EXIT_TLS_FAILED,
}
"""States that waiting cannot end, and the exit status of each.

The link would wait for new credentials after ``auth-failed`` and retry the same
certificate after ``tls-failed``; without a user to ask, neither can succeed.
"""

EXIT_INTERRUPTED: Final = 130
"""Ctrl-C before the link runs (at the password prompt): the shell's own status for SIGINT."""
EXIT_STORE: Final = 1


class JsonLinePrinter:
    """A session listener that prints what scripts consume: new events and state changes.

    It also notes the first state in :data:`GIVE_UP`, for :func:`run_watch` to end on.
    """

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self._encoder = msgspec.json.Encoder()
        self.on_printed: Callable[[int], None] = _ignore
        """Told the row id of each event once its line is out (the session marks it delivered)."""
        self.gave_up = asyncio.Event()
        """Set once a state in :data:`GIVE_UP` has been printed."""
        self.final_state: ConnState | None = None
        """That state."""

    def _print(self, record: dict[str, object]) -> None:
        self._out.write(self._encoder.encode(record) + b"\n")
        self._out.flush()

    def on_state(self, state: ConnState, detail: str) -> None:
        if state is ConnState.STOPPED:
            return
        record: dict[str, object] = {"state": state.value}
        if detail:
            record["detail"] = detail
        self._print(record)
        if state in GIVE_UP and self.final_state is None:
            self.final_state = state
            self.gave_up.set()

    def on_new_event(self, new: NewEvent) -> None:
        record = toast_record(new.event, new.toast)
        if new.toast is None:
            # No toast (a first start's history, a quiet event): its words are still the
            # row's, as the window shows them, so every line says what happened.
            row = new.row
            record |= {
                "title": row.title,
                "body": row.body,
                "image": row.image,
                "urgency": row.urgency,
                "route": row.route,
            }
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


def _ignore(_rowid: int) -> None:
    """Nobody to tell."""


def terminal_prompt(base_url: str, user: str) -> str:
    """Ask on the terminal; without one, say how else to give the password."""
    if sys.stdin is None or not sys.stdin.isatty():
        raise ConfigError(
            f"A password is needed for user {user!r}: set it in an environment variable and "
            "name it with --password-env, or run in a terminal to be asked."
        )
    return getpass.getpass(f"Password for {user} at {base_url}: ")


def _config(options: WatchOptions) -> NodeConfig:
    connection = options.connection
    found = connection.credentials(options.url, terminal_prompt)
    return connection.node_config(options.url, found.password, found.token)


async def _watch(options: WatchOptions, config: NodeConfig) -> int:
    printer = JsonLinePrinter(sys.stdout.buffer)
    parts = open_node(
        config,
        printer,
        data_dir=options.connection.data_path(),
        cache_dir=options.connection.cache_path(),
        history_cap=HISTORY_LIMIT,
        retry_max=options.retry_max,
    )
    session = parts.session
    printer.on_printed = session.mark_delivered
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, session.stop)
    run = asyncio.create_task(session.run())
    gave_up = asyncio.create_task(printer.gave_up.wait())
    try:
        await asyncio.wait({run, gave_up}, return_when=asyncio.FIRST_COMPLETED)
        session.stop()
        await run
    finally:
        gave_up.cancel()
        await parts.close()
    if printer.final_state is None:
        return 0
    status = GIVE_UP[printer.final_state]
    print(
        f"obnotify watch: stopped on {printer.final_state.value}: the same options cannot "
        f"succeed (exit status {status})",
        file=sys.stderr,
    )
    return status


def run_watch(options: WatchOptions) -> int:
    """Entry point of the subcommand; returns the exit status (``watch --help`` lists them)."""
    logging.basicConfig(level=logging.WARNING, stream=sys.stderr, format="obnotify: %(message)s")
    try:
        config = _config(options)
        return asyncio.run(_watch(options, config))
    except ConfigError as exc:
        print(f"obnotify watch: {exc}", file=sys.stderr)
        return EXIT_BAD_OPTIONS
    except StoreError as exc:
        print(f"obnotify watch: {exc}", file=sys.stderr)
        return EXIT_STORE
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        return 0
