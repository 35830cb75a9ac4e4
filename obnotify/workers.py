"""Worker threads that exist only while there is work: the event loop's default executor.

The loop hands blocking calls to threads (``asyncio.to_thread``: keyring lookups, the first
look at the settings, thumbnail writes; host-name lookups before each connection). qasync's
own default executor starts ten threads at the first such call and keeps them for the life of
the process, each with its stack and its C heap arena: a quarter of the idle app's memory for a
few calls at start-up. These workers start when a call is queued and no worker is free, and end
once they have waited ``linger`` seconds with nothing to do.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any, Final, ParamSpec, TypeVar

__all__ = ["IdleWorkers"]

P = ParamSpec("P")
T = TypeVar("T")

MAX_WORKERS: Final = 4
"""Calls run at once; more wait their turn (a keyring lookup per node at start-up is the most)."""
LINGER: Final = 5.0
"""Seconds a worker waits for the next call before it ends: a start-up's calls share a few."""

_Call = tuple[Future[Any], Callable[..., Any], tuple[Any, ...], dict[str, Any]]


class IdleWorkers(Executor):
    """A thread pool whose threads start on demand and end when idle.

    Args:
        max_workers: Most threads alive at once.
        linger: Seconds an idle thread waits for work before it ends.
    """

    def __init__(self, max_workers: int = MAX_WORKERS, linger: float = LINGER) -> None:
        self.max_workers = max_workers
        self.linger = linger
        self._calls: queue.SimpleQueue[_Call | None] = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._threads: set[threading.Thread] = set()
        self._idle = 0
        """Threads waiting for a call; a call queued while one waits starts no new thread."""
        self._shut_down = False

    @property
    def threads(self) -> int:
        """Worker threads alive now."""
        with self._lock:
            return len(self._threads)

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        future: Future[T] = Future()
        with self._lock:
            if self._shut_down:
                raise RuntimeError("cannot schedule new calls after shutdown")
            self._calls.put((future, fn, args, kwargs))
            if self._idle == 0 and len(self._threads) < self.max_workers:
                thread = threading.Thread(target=self._work, name="obnotify-worker", daemon=True)
                self._threads.add(thread)
                thread.start()
        return future

    def _work(self) -> None:
        me = threading.current_thread()
        while True:
            with self._lock:
                self._idle += 1
            try:
                call = self._calls.get(timeout=self.linger)
            except queue.Empty:
                with self._lock:
                    self._idle -= 1
                    # A call queued since the wait ended found this thread idle and started
                    # none: take it rather than leave it waiting.
                    if not self._calls.empty():
                        continue
                    self._threads.discard(me)
                    return
            with self._lock:
                self._idle -= 1
            if call is None:
                with self._lock:
                    self._threads.discard(me)
                return
            _run(call)
            # Drop the call's arguments now, not when the next call comes.
            del call

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._shut_down = True
            threads = list(self._threads)
        if cancel_futures:
            while True:
                try:
                    call = self._calls.get_nowait()
                except queue.Empty:
                    break
                if call is not None:
                    call[0].cancel()
        for _ in threads:
            self._calls.put(None)
        if wait:
            for thread in threads:
                thread.join()


def _run(call: _Call) -> None:
    future, fn, args, kwargs = call
    if not future.set_running_or_notify_cancel():
        return
    try:
        result = fn(*args, **kwargs)
    except BaseException as exc:  # noqa: BLE001 - handed to the caller, as concurrent.futures does
        future.set_exception(exc)
    else:
        future.set_result(result)
