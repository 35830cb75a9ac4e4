"""Toasts on their way to the notifier, and the user's answers on their way back to a node.

The dispatcher decides what goes out and when; this object does the going out,
once for every toast of every node (events, summaries and outage news alike):
it keeps the toasts in order and at most :data:`MAX_IN_FLIGHT` unanswered at
the server, names the node when more than one is watched, and remembers which
node and rows each toast on screen stands for. A click, a button or a reply
comes back from the notifier by the toast's id and goes to that node; a toast
whose row the user has read elsewhere is taken down.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict, deque
from collections.abc import Callable, Coroutine, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Final, Protocol

from obnotify.core.render import Toast, from_node
from obnotify.desktop.notifier import Notifier
from obnotify.store.row import HistoryRow

__all__ = ["MAX_IN_FLIGHT", "ON_SCREEN_LIMIT", "Outgoing", "ToastSender", "ToastTarget"]

log = logging.getLogger(__name__)

MAX_IN_FLIGHT: Final = 32
"""Toasts handed to the notifier and not answered yet, at most; more wait their turn.

The notifier is given the next toast without waiting for the server's answer
to the one before, so a server that answers slowly never builds a queue; this
only bounds what a server that stopped answering can pile up.
"""
ON_SCREEN_LIMIT: Final = 256
"""Toasts remembered for their answers, newest kept: no server keeps more on screen."""
EARLY_LIMIT: Final = 64
"""Answers kept for toasts whose id is not known yet, at most."""


class ToastTarget(Protocol):
    """What a node does with its toasts' outcomes and the user's answers to them."""

    @property
    def display_name(self) -> str:
        """The node's name, put on its toasts when more than one node is watched."""
        ...

    def deliver(self, rowids: tuple[int, ...]) -> None:
        """Rows that reached the user (or were muted): each id comes here once."""
        ...

    def toast_clicked(self, row: HistoryRow | None) -> None:
        """A toast was clicked: its event's row, or None for a summary or outage news."""
        ...

    def toast_pressed(self, action: str, row: HistoryRow, rowids: tuple[int, ...]) -> None:
        """A button of an event's toast, which stands for ``rowids`` (a sale: two)."""
        ...

    def toast_replied(self, text: str, row: HistoryRow) -> None:
        """Text typed in a chat toast's reply field."""
        ...


@dataclass(frozen=True, slots=True)
class Outgoing:
    """One toast to put on screen."""

    node: str
    toast: Toast
    image_path: Path | None = None
    row: HistoryRow | None = None
    """The event it shows; None for a summary or outage news."""
    rowids: tuple[int, ...] = ()
    """The rows it stands for."""
    ticket: int | None = None
    """The dispatcher's name for it, reported back with the outcome; None when not asked."""


@dataclass(frozen=True, slots=True)
class _OnScreen:
    node: str
    row: HistoryRow | None
    rowids: tuple[int, ...]


class ToastSender:
    """Sends every node's toasts through one notifier and routes the answers back by id.

    Args:
        notifier: Shows the toasts; its answers are routed here.
        targets: Each node's :class:`ToastTarget`, by node name (the router keeps it).
        report: Told each toast's outcome by its ticket: shown or not.
    """

    def __init__(
        self,
        notifier: Notifier,
        targets: dict[str, ToastTarget],
        report: Callable[[int, bool], None],
    ) -> None:
        self.notifier = notifier
        self._targets = targets
        self._report = report
        self._waiting: deque[Outgoing] = deque()
        self._in_flight = 0
        self._on_screen: OrderedDict[str, _OnScreen] = OrderedDict()
        """Toasts shown, by id, oldest first, for their answers."""
        self._by_row: dict[tuple[str, int], str] = {}
        """The toast on screen for a node's row, to take it down once the row is read."""
        self._early: OrderedDict[str, list[tuple[str, str]]] = OrderedDict()
        """Answers that came before the server's reply naming their toast was read:
        (kind, argument) by toast id, kept while toasts are in flight."""
        self._tasks: set[asyncio.Task[None]] = set()
        self.shown = 0
        """Toasts the server took, for the log and the tests."""
        notifier.listen(self)

    def prepare(self) -> None:
        """Get the notifier ready now, so the first toast goes out without waiting."""
        self._spawn(self.notifier.prepare())

    def send(self, outgoing: Outgoing) -> None:
        """Put a toast on screen after the ones before it; never waits."""
        self._waiting.append(outgoing)
        self._send_waiting()

    def forget(self, node: str) -> None:
        """``node`` is no longer watched: its toasts still waiting are dropped, its answers ignored."""
        self._waiting = deque(out for out in self._waiting if out.node != node)

    def take_down(self, node: str, rowids: Iterable[int] | None = None) -> None:
        """The user read these rows of ``node`` (every row when None) elsewhere, in the
        window or on the node: the toasts that stand for them go."""
        keys = (
            [key for key in self._by_row if key[0] == node]
            if rowids is None
            else [(node, rowid) for rowid in rowids]
        )
        for key in keys:
            toast_id = self._by_row.pop(key, None)
            if toast_id is not None and self._on_screen.pop(toast_id, None) is not None:
                self._spawn(self.notifier.clear(toast_id))

    def stop(self) -> None:
        """The app is quitting: nothing more goes out."""
        self._waiting.clear()
        for task in list(self._tasks):
            task.cancel()

    # ToastAnswers ------------------------------------------------------------------

    def clicked(self, toast_id: str) -> None:
        self._answer(toast_id, "clicked", "")

    def pressed(self, toast_id: str, action: str) -> None:
        self._answer(toast_id, "pressed", action)

    def replied(self, toast_id: str, text: str) -> None:
        self._answer(toast_id, "replied", text)

    def _answer(self, toast_id: str, kind: str, argument: str) -> None:
        """Hand an answer to the node of its toast.

        An id not known is another app's toast (some servers report every app's
        actions), a node no longer watched, or one of ours whose id the notifier
        has not handed back yet: the server's signal can be read before its reply
        to the call that showed the toast. While toasts are in flight it is kept,
        and handed on once the id is known.
        """
        shown = self._on_screen.get(toast_id)
        if shown is None:
            if self._in_flight:
                self._early.setdefault(toast_id, []).append((kind, argument))
                while len(self._early) > EARLY_LIMIT:
                    self._early.popitem(last=False)
            return
        target = self._targets.get(shown.node)
        if target is None:
            return
        if kind == "clicked":
            target.toast_clicked(shown.row)
        elif shown.row is None:
            return
        elif kind == "pressed":
            target.toast_pressed(argument, shown.row, shown.rowids)
        else:
            target.toast_replied(argument, shown.row)

    # Sending -----------------------------------------------------------------------

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        task = asyncio.ensure_future(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    def _send_waiting(self) -> None:
        while self._waiting and self._in_flight < MAX_IN_FLIGHT:
            self._in_flight += 1
            self._spawn(self._send(self._waiting.popleft()))

    async def _send(self, out: Outgoing) -> None:
        toast = out.toast
        target = self._targets.get(out.node)
        if target is not None and len(self._targets) > 1:
            toast = from_node(toast, target.display_name)
        try:
            # An event's "reply" may be a field to type in; it reaches the event's node.
            toast_id = await self.notifier.show(
                toast, image_path=out.image_path, inline_reply=out.row is not None
            )
        except Exception:
            log.exception("could not show a toast")
            toast_id = None
        finally:
            self._in_flight -= 1
        if toast_id is not None:
            self.shown += 1
            self._remember(toast_id, out)
        if out.ticket is not None:
            self._report(out.ticket, toast_id is not None)
        if toast_id is not None:
            for kind, argument in self._early.pop(toast_id, ()):
                self._answer(toast_id, kind, argument)
        if not self._in_flight:
            self._early.clear()
        self._send_waiting()

    def _remember(self, toast_id: str, out: Outgoing) -> None:
        self._on_screen[toast_id] = _OnScreen(out.node, out.row, out.rowids)
        for rowid in out.rowids:
            self._by_row[(out.node, rowid)] = toast_id
        while len(self._on_screen) > ON_SCREEN_LIMIT:
            _old_id, old = self._on_screen.popitem(last=False)
            for rowid in old.rowids:
                if self._by_row.get((old.node, rowid)) == _old_id:
                    del self._by_row[(old.node, rowid)]
