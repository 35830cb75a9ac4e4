"""What the app holds once its nodes are open is set aside from later full collections."""

from __future__ import annotations

import asyncio
import gc
import weakref
from pathlib import Path

from PySide6.QtWidgets import QApplication
from waiting import until

from obnotify import app
from obnotify.demo.threaded import ThreadedSimNode
from obnotify.ui.main_thread_gc import settle
from obnotify.ui.tray import Tray

from .loop import in_loop
from .running_app import APP_ON_OFFSCREEN, app_options, write_one_node


class _Part:
    """Something a node holds, in a cycle as callbacks make them."""

    def __init__(self) -> None:
        self.me = self


def test_a_full_collection_skips_what_was_settled_and_a_later_settle_frees_it() -> None:
    part = _Part()
    gone = weakref.ref(part)
    settle()
    del part
    gc.collect()
    assert gone() is not None, "walked by a full collection although settled"
    settle()
    assert gone() is None, "kept for good once the nodes that held it were closed"
    gc.unfreeze()


@APP_ON_OFFSCREEN
def test_the_app_settles_once_its_nodes_are_open(
    qapp: QApplication, tmp_path: Path, settings_file: Path
) -> None:
    gc.unfreeze()
    with ThreadedSimNode(wallet_interval=None) as shop:
        write_one_node(settings_file, shop.url)
        options = app_options(qapp, tmp_path, settings_file)

        async def body() -> int:
            quit_event = asyncio.Event()
            run = asyncio.ensure_future(app.watch_nodes(qapp, options, Tray(), "", quit_event))
            await until(lambda: gc.get_freeze_count() > 0, message="the start-up set aside")
            quit_event.set()
            return await run

        assert in_loop(qapp, body) == 0
    gc.unfreeze()
