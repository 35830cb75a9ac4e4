"""The first start's window: watch a node found here, a node by its address, or the demo.

Shown instead of an error when no node is configured. It does not save anything
itself: it emits what the user chose, and the app writes the settings and the
keyring (a password only once the node accepted it).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from obnotify.core.text import printable
from obnotify.node.checks import Check, check_config
from obnotify.node.discover import Candidate
from obnotify.settings import NodeEntry

__all__ = ["Tester", "WelcomeWindow", "candidate_entry", "check_lines"]

Tester = Callable[[Candidate, str], Awaitable[list[Check]]]
"""Runs the checks of a node and its password (``check_config`` of its entry by default)."""


def check_lines(checks: Sequence[Check]) -> list[str]:
    """One line per check, a failure with what to do."""
    lines = []
    for check in checks:
        mark = "–" if check.skipped else "✓" if check.ok else "✗"
        fix = f" — {check.fix}" if not check.ok and check.fix else ""
        lines.append(f"{mark} {check.name}: {printable(check.message, 300)}{fix}")
    return lines


def candidate_entry(candidate: Candidate) -> NodeEntry:
    """The settings entry of a node found here or typed in: what is saved, and what is opened."""
    return NodeEntry(
        url=candidate.url,
        name=candidate.name,
        user=candidate.user,
        cookie_file=candidate.cookie_file,
        ca=candidate.ca,
        pin=candidate.pin,
        kind=candidate.kind,
    )


async def _default_tester(candidate: Candidate, password: str) -> list[Check]:
    """The checks of the node as the app will open it once chosen."""
    return await check_config(functools.partial(candidate_entry(candidate).node_config, password))


class WelcomeWindow(QWidget):
    """Non-modal. ``chosen(Candidate, password)`` when the user picks a node to watch
    (the password is ``""`` without basic auth); ``demo_requested()`` for the demo."""

    chosen = Signal(object, str)
    demo_requested = Signal()
    closed = Signal()
    """The user closed the window without choosing."""

    def __init__(
        self,
        found: Sequence[Candidate] = (),
        *,
        tester: Tester = _default_tester,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Welcome to obnotify")
        self.setMinimumWidth(560)
        self._tester = tester
        self._task: asyncio.Task[None] | None = None
        layout = QVBoxLayout(self)
        intro = QLabel(
            "obnotify shows your OpenBazaar node's orders, chat and payments as desktop "
            "notifications. Choose the node to watch."
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)

        local = QGroupBox("On this computer")
        local_layout = QVBoxLayout(local)
        self.found_list = QListWidget()
        for candidate in found:
            item = QListWidgetItem(
                f"{candidate.name} at {candidate.url} (found in {candidate.source})"
            )
            item.setData(Qt.ItemDataRole.UserRole, candidate)
            self.found_list.addItem(item)
        self.found_list.setMaximumHeight(self.found_list.sizeHintForRow(0) * 4 + 8)
        if found:
            self.found_list.setCurrentRow(0)
        self.watch_found = QPushButton("Watch this node")
        self.watch_found.clicked.connect(self._choose_found)
        nothing = QLabel("No node found on this computer (its data folder or port 4002).")
        local_layout.addWidget(self.found_list if found else nothing)
        local_layout.addWidget(self.watch_found)
        self.watch_found.setVisible(bool(found))
        # Return or a double click on what was found here watches it, as the button does.
        self.found_list.itemActivated.connect(lambda _item: self._choose_found())
        self.found_list.setFocus()
        layout.addWidget(local)

        remote = QGroupBox("A node by its address")
        form = QFormLayout(remote)
        self.url = QLineEdit()
        self.url.setPlaceholderText("http://127.0.0.1:4002")
        self.user = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.cookie_file = QLineEdit()
        self.cookie_file.setPlaceholderText("~/.openbazaar/.cookie")
        form.addRow("Address", self.url)
        form.addRow("User", self.user)
        form.addRow("Password", self.password)
        form.addRow("Cookie file", self.cookie_file)
        buttons = QHBoxLayout()
        self.test_button = QPushButton("Test connection")
        self.test_button.clicked.connect(self._test)
        self.watch_typed = QPushButton("Watch")
        self.watch_typed.clicked.connect(self._choose_typed)
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.watch_typed)
        form.addRow(buttons)
        self.results = QLabel()
        self.results.setTextFormat(Qt.TextFormat.PlainText)
        self.results.setWordWrap(True)
        form.addRow(self.results)
        layout.addWidget(remote)

        self.demo_button = QPushButton("Try the demo")
        self.demo_button.clicked.connect(self.demo_requested.emit)
        layout.addWidget(self.demo_button)

    def typed(self) -> Candidate:
        """The node as typed in the address form."""
        return Candidate(
            url=self.url.text().strip(),
            name="",
            source="typed",
            user=self.user.text().strip(),
            cookie_file=self.cookie_file.text().strip(),
        )

    def show_problem(self, text: str) -> None:
        """Say why the chosen node cannot be watched (a wrong address), so it can be fixed here."""
        self.results.setText(printable(text))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.emit()
        super().closeEvent(event)

    def _choose_found(self) -> None:
        item = self.found_list.currentItem()
        if item is not None:
            self.chosen.emit(item.data(Qt.ItemDataRole.UserRole), "")

    def _choose_typed(self) -> None:
        self.chosen.emit(self.typed(), self.password.text())

    def _test(self) -> None:
        if self._task is not None and not self._task.done():
            return
        self.results.setText("Testing…")
        self.test_button.setEnabled(False)
        self._task = asyncio.ensure_future(self._run_test(self.typed(), self.password.text()))

    async def _run_test(self, candidate: Candidate, password: str) -> None:
        try:
            checks = await self._tester(candidate, password)
        finally:
            self.test_button.setEnabled(True)
        self.results.setText("\n".join(check_lines(checks)))
