"""A node that a later start of obnotify was given: the running app offers to watch it too.

``obnotify --node URL`` while obnotify runs would otherwise be dropped without a word. The
running app answers the later start at once with what it does (which that start prints),
and asks the user, in a box of its own, whether to add the node to the settings; the
settings file then has it, and the app opens it as if it had been added in the settings
window.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from obnotify.cli.handover import entry_of
from obnotify.node.config import ConfigError, parse_node_url
from obnotify.settings.reading import load_settings
from obnotify.settings.values import NodeEntry, Settings

if TYPE_CHECKING:
    from PySide6.QtWidgets import QMessageBox

__all__ = ["NodeOffer"]

log = logging.getLogger(__name__)


def _base_url(url: str) -> str:
    try:
        return parse_node_url(url)[0]
    except ConfigError:
        return url


class NodeOffer:
    """Called with the fields a later start handed on; returns what that start is to print.

    Args:
        path: the settings file the node is added to.
        fixed: the one node this run was started with (``--node URL`` or ``--demo``), or ""
            when it watches the settings file's nodes; a fixed run adds none.
        on_saved: told the settings once the node is in the file, to open it.
        bring_forward: shows the app's window.
    """

    def __init__(
        self,
        path: Path,
        fixed: str,
        on_saved: Callable[[Settings], None],
        bring_forward: Callable[[], None],
    ) -> None:
        self._path = path
        self._fixed = fixed
        self._on_saved = on_saved
        self._bring_forward = bring_forward
        self._asking: set[asyncio.Task[None]] = set()
        """The questions on screen: a task with no reference could be collected mid-way."""

    def __call__(self, fields: Mapping[str, str]) -> str:
        entry = entry_of(fields)
        if self._fixed:
            self._bring_forward()
            return (
                f"obnotify is already running, started with {self._fixed}, and watches only "
                f"that: {entry.url} was not added. Quit it, then start obnotify --node again, "
                "or start obnotify without --node to watch the nodes of its settings."
            )
        try:
            settings = load_settings(self._path)
        except ConfigError as exc:
            return f"obnotify is already running, but its settings cannot be read: {exc}"
        base = _base_url(entry.url)
        known = next((n for n in settings.nodes if _base_url(n.url) == base), None)
        if known is not None:
            self._bring_forward()
            name = known.name or known.url
            if not known.enabled:
                return (
                    f"obnotify is already running; {entry.url} is in its settings as "
                    f"{name}, turned off: turn it on in Settings."
                )
            return f"obnotify is already running and watches {entry.url} (as {name})."
        task = asyncio.ensure_future(self._ask(entry))
        self._asking.add(task)
        task.add_done_callback(self._asking.discard)
        return f"obnotify is already running: it asks whether to watch {entry.url} too."

    async def _ask(self, entry: NodeEntry) -> None:
        # The box's classes are loaded when a later start brings a node, not by every app at idle.
        from PySide6.QtWidgets import QMessageBox

        box = QMessageBox(
            QMessageBox.Icon.Question,
            "obnotify",
            f"Watch the node at {entry.url} too?\n\nobnotify was started again with this "
            f"node; it is added to the settings ({self._path}).",
        )
        add = box.addButton("Add", QMessageBox.ButtonRole.AcceptRole)
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.setDefaultButton(add)
        await _until_closed(box)
        if box.clickedButton() is not add:
            log.info("not added: %s", entry.url)
            return
        # The writer (and tomlkit) loads once a node is added, not with the app.
        from obnotify.settings.writing import save_settings

        try:
            settings = load_settings(self._path)
            new = dataclasses.replace(settings, nodes=(*settings.nodes, entry))
            await asyncio.to_thread(save_settings, new, self._path)
        except (ConfigError, OSError) as exc:
            why = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            log.error("%s was not added: %s", entry.url, why)
            text = f"{entry.url} was not added to {self._path}: {why}"
            await _until_closed(QMessageBox(QMessageBox.Icon.Critical, "obnotify", text))
            return
        log.info("added from a later start: %s", entry.url)
        self._on_saved(new)


async def _until_closed(box: QMessageBox) -> None:
    """Show ``box`` in front, without re-entering the loop (no exec()), until it is closed."""
    closed = asyncio.Event()
    box.finished.connect(closed.set)
    box.open()
    box.raise_()
    box.activateWindow()
    await closed.wait()
