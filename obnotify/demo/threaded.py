"""The simulated node on its own event loop in a background thread, with blocking calls.

End-to-end tests drive an app that runs as a separate process (or on a Qt
loop) while the test body itself is plain synchronous code; they need a node
that keeps serving while the test blocks. Every call is carried over to the
node's loop, so the node is only ever touched from its own thread.
"""

from __future__ import annotations

import asyncio
import inspect
import threading
from collections.abc import Callable, Coroutine, Mapping
from concurrent.futures import Future
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self, TypeVar

from obnotify.demo.node import SimNode

__all__ = ["ThreadedSimNode"]

T = TypeVar("T")

DEFAULT_TIMEOUT: Final = 10.0
"""Seconds a blocking call waits for the node's loop before giving up."""

_OWN_ATTRIBUTES: Final = frozenset({"node", "timeout", "_loop", "_thread"})


class ThreadedSimNode:
    """A :class:`SimNode` running in a daemon thread; the same API, blocking.

    Takes the same arguments as :class:`SimNode`, and ``node_type`` to run a subclass
    (:class:`obnotify.demo.mobazha.MobazhaSimNode`). Attribute reads and writes
    that are not defined here go to the node (``faults``, ``journal``...), and its
    other methods (``set_faults``...) are carried over to its loop, async ones
    awaited there. Use it as a context manager:
    ``with ThreadedSimNode(auth="cookie") as node: ...``.
    """

    def __init__(
        self,
        *args: Any,
        timeout: float = DEFAULT_TIMEOUT,
        node_type: type[SimNode] = SimNode,
        **kwargs: Any,
    ) -> None:
        self.timeout = timeout
        """Seconds each blocking call may take."""
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._run_loop, name="obnotify-sim-node", daemon=True
        )
        self._thread.start()
        try:
            self.node: SimNode = self._call_sync(lambda: node_type(*args, **kwargs))
        except BaseException:
            self._end_thread()
            raise
        """The wrapped node; read from it freely, but mutate it only through this wrapper."""

    def _run_loop(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_forever()

    def run(self, coro: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        """Run ``coro`` on the node's loop and return its result."""
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        return future.result(self.timeout if timeout is None else timeout)

    def submit(self, coro: Coroutine[Any, Any, T]) -> Future[T]:
        """Start ``coro`` on the node's loop without waiting (a scenario playing in the background)."""
        return asyncio.run_coroutine_threadsafe(coro, self._loop)

    def _call_sync(self, fn: Callable[[], T]) -> T:
        async def call() -> T:
            return fn()

        return self.run(call())

    def __getattr__(self, name: str) -> Any:
        if name in _OWN_ATTRIBUTES:
            raise AttributeError(name)
        attribute = getattr(self.node, name)
        if inspect.iscoroutinefunction(attribute):
            return lambda *a, **k: self.run(attribute(*a, **k))
        if callable(attribute):
            return lambda *a, **k: self._call_sync(lambda: attribute(*a, **k))
        return attribute

    def __setattr__(self, name: str, value: Any) -> None:
        if name in _OWN_ATTRIBUTES:
            object.__setattr__(self, name, value)
        else:
            self._call_sync(lambda: setattr(self.node, name, value))

    @property
    def thread_alive(self) -> bool:
        """Whether the node's thread still runs (it ends with :meth:`close`)."""
        return self._thread.is_alive()

    @property
    def port(self) -> int:
        return self.node.port

    @property
    def url(self) -> str:
        return self.node.url

    @property
    def ws_url(self) -> str:
        return self.node.ws_url

    @property
    def clients(self) -> int:
        return self.node.clients

    def start(self) -> ThreadedSimNode:
        """Start serving (again, on the same port, after :meth:`stop`)."""
        self.run(self.node.start())
        return self

    def stop(self) -> None:
        """Stop serving; the thread and the node's state stay for a later :meth:`start`."""
        self.run(self.node.stop())

    def close(self) -> None:
        """Stop serving and end the thread."""
        if not self._thread.is_alive():
            return
        try:
            self.stop()
        finally:
            self._end_thread()

    def _end_thread(self) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(self.timeout)
        if not self._thread.is_alive():
            self._loop.close()

    def __enter__(self) -> Self:
        try:
            self.start()
        except BaseException:
            self.close()
            raise
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def push(self, frame: Mapping[str, Any]) -> None:
        """See :meth:`SimNode.push`."""
        self.run(self.node.push(frame))

    def push_raw(self, text: str | bytes) -> None:
        """See :meth:`SimNode.push_raw`."""
        self.run(self.node.push_raw(text))

    def notify(self, notification: Mapping[str, Any]) -> str:
        """See :meth:`SimNode.notify`."""
        return self.run(self.node.notify(notification))

    def deliver(self, frame: Mapping[str, Any]) -> None:
        """See :meth:`SimNode.deliver`."""
        self.run(self.node.deliver(frame))

    def store_notification(
        self,
        notification: Mapping[str, Any],
        *,
        read: bool = False,
        timestamp: datetime | None = None,
    ) -> str:
        """See :meth:`SimNode.store_notification`."""
        return self._call_sync(
            lambda: self.node.store_notification(notification, read=read, timestamp=timestamp)
        )

    def drop_connections(self) -> None:
        """See :meth:`SimNode.drop_connections`."""
        self.run(self.node.drop_connections())

    def push_wallet_update(self) -> None:
        """See :meth:`SimNode.push_wallet_update`."""
        self.run(self.node.push_wallet_update())

    def wait_until(self, predicate: Callable[[], bool], timeout: float = 5.0) -> None:
        """See :meth:`SimNode.wait_until`; ``predicate`` runs on the node's thread."""
        self.run(self.node.wait_until(predicate, timeout), timeout + self.timeout)

    def wait_for_clients(self, count: int = 1, timeout: float = 5.0) -> None:
        """See :meth:`SimNode.wait_for_clients`."""
        self.run(self.node.wait_for_clients(count, timeout), timeout + self.timeout)

    def add_profile(self, peer_id: str, profile: Mapping[str, Any]) -> None:
        """See :meth:`SimNode.add_profile`."""
        self._call_sync(lambda: self.node.add_profile(peer_id, profile))

    def add_image(self, data: bytes) -> str:
        """See :meth:`SimNode.add_image`."""
        return self._call_sync(lambda: self.node.add_image(data))

    def set_balance(self, code: str, confirmed: int, unconfirmed: int = 0, height: int = 0) -> None:
        """See :meth:`SimNode.set_balance`."""
        self._call_sync(lambda: self.node.set_balance(code, confirmed, unconfirmed, height))

    def write_cookie_file(self, path: str | Path) -> Path:
        """See :meth:`SimNode.write_cookie_file`."""
        return self.node.write_cookie_file(path)
