"""Shared helpers for the simulated-node tests: running coroutines with a deadline."""

from __future__ import annotations

import asyncio
import functools
import json
import os
from collections.abc import Callable, Coroutine
from typing import Any, Final, TypeVar

from websockets.asyncio.client import ClientConnection

__all__ = ["DEADLINE", "TIME_SCALE", "async_test", "recv_json", "recv_text"]

T = TypeVar("T")

TIME_SCALE: Final = float(os.environ.get("OBNOTIFY_TEST_TIME_SCALE", "1"))
"""Stretches every deadline on slow machines."""

DEADLINE: Final = 5.0 * TIME_SCALE
"""Seconds any single wait in these tests may take before it counts as a failure."""

_TEST_DEADLINE: Final = 30.0 * TIME_SCALE


def async_test(fn: Callable[..., Coroutine[Any, Any, T]]) -> Callable[..., T]:
    """Run an ``async def`` test on a fresh loop with an overall deadline (no pytest-asyncio)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        return asyncio.run(asyncio.wait_for(fn(*args, **kwargs), _TEST_DEADLINE))

    return wrapper


async def recv_text(ws: ClientConnection) -> str:
    """The next text frame, or fail after :data:`DEADLINE`."""
    message = await asyncio.wait_for(ws.recv(), DEADLINE)
    assert isinstance(message, str)
    return message


async def recv_json(ws: ClientConnection) -> Any:
    """The next frame parsed as JSON."""
    return json.loads(await recv_text(ws))
