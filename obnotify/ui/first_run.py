"""The first run: with no node to watch yet, the welcome window's answer becomes the first one.

The window (:mod:`obnotify.ui.welcome`) offers the nodes found here, one by address, or the
demo. Imported only when there is no node, with the welcome and tomlkit behind it.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from typing import TYPE_CHECKING

from obnotify.cli.app_nodes import entry_config
from obnotify.node.config import ConfigError
from obnotify.node.discover import Candidate, discover
from obnotify.settings.example import EXAMPLE
from obnotify.settings.writing import save_settings
from obnotify.ui.welcome import WelcomeWindow, candidate_entry

if TYPE_CHECKING:
    from obnotify.node.config import NodeConfig
    from obnotify.settings.values import Settings

__all__ = ["first_run"]

log = logging.getLogger(__name__)


async def first_run(settings: Settings, password_env: str) -> tuple[NodeConfig, str] | str | None:
    """No node yet: the welcome window offers what runs here, a node by address, or the demo.

    A settings file that is not there yet is written first, the example with every key
    commented. The chosen node is added to it, so the next start watches it too. Returns that node and the password typed for it ("" for none), ``"demo"``, or
    None once the window is closed without a choice.
    """
    path = settings.path
    if path is not None and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(EXAMPLE, encoding="utf-8")
    log.info("no node to watch yet: showing the welcome window (settings: %s)", path)
    window = WelcomeWindow(await discover())
    answers: asyncio.Queue[tuple[Candidate, str] | str] = asyncio.Queue()
    window.chosen.connect(lambda candidate, password: answers.put_nowait((candidate, password)))
    window.demo_requested.connect(lambda: answers.put_nowait("demo"))
    window.closed.connect(lambda: answers.put_nowait("closed"))
    window.show()
    try:
        while True:
            answer = await answers.get()
            if isinstance(answer, str):
                return None if answer == "closed" else answer
            candidate, password = answer
            entry = candidate_entry(candidate)
            try:
                config = await asyncio.to_thread(entry_config, entry, password_env, password)
                await asyncio.to_thread(
                    save_settings,
                    dataclasses.replace(settings, nodes=(*settings.nodes, entry)),
                    settings.path,
                )
            except ConfigError as exc:
                window.show_problem(str(exc))
                continue
            except OSError as exc:
                window.show_problem(f"Cannot save the settings to {settings.path}: {exc.strerror}.")
                continue
            return config, password
    finally:
        window.hide()
        window.deleteLater()
