"""The first start's window: watch a node found here, a node by its address, or the demo.

Shown instead of an error when no node is configured. It does not save anything
itself: it emits what the user chose, and the app writes the settings and the
keyring (a password only once the node accepted it).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QFileDialog,
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

from obnotify.core.plain_text import printable
from obnotify.node.checks import Check, check_config
from obnotify.node.config import ConfigError, parse_node_url
from obnotify.node.discover import Candidate
from obnotify.node.reach import fetch_fingerprint
from obnotify.settings.values import NodeEntry
from obnotify.ui.form_parts import (
    TLS_CHOICES,
    check_lines,
    combo,
    error_label,
    grow_to_fit,
    say,
)

__all__ = ["Tester", "WelcomeWindow", "candidate_entry"]

Tester = Callable[[Candidate, str], Awaitable[list[Check]]]
"""Runs the checks of a node and its password (``check_config`` of its entry by default)."""


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
    (the password is ``""`` without basic auth); ``demo_requested()`` for the demo.

    Quit, Escape and the window's close button all mean the same: no node, no app.
    """

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
        """The test or the certificate fetch running now; kept so it is not collected."""
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
        self.url_error = error_label()
        self.user = QLineEdit()
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.cookie_file = QLineEdit()
        self.cookie_file.setPlaceholderText("~/.openbazaar/.cookie")
        form.addRow("Address", self.url)
        form.addRow("", self.url_error)
        form.addRow("User", self.user)
        form.addRow("Password", self.password)
        form.addRow("Cookie file", self.cookie_file)
        self.cookie_error = error_label()
        form.addRow("", self.cookie_error)

        self.tls = combo(TLS_CHOICES)
        """How an https:// node's certificate is trusted: the system's, a CA file, or a pin."""
        self.ca = QLineEdit()
        self.ca.setPlaceholderText("~/.openbazaar/ssl/rootCA.crt")
        browse = QPushButton("Browse…")
        browse.clicked.connect(self._browse_ca)
        self._ca_row = _row(self.ca, browse)
        self.pin = QLineEdit()
        self.pin.setPlaceholderText("the certificate's SHA-256")
        self.fetch = QPushButton("Fetch certificate")
        self.fetch.clicked.connect(self._fetch_certificate)
        self._pin_row = _row(self.pin, self.fetch)
        self.tls_error = error_label()
        form.addRow("TLS", self.tls)
        form.addRow("CA file", self._ca_row)
        form.addRow("SHA-256", self._pin_row)
        form.addRow("", self.tls_error)
        self._form = form
        self.tls.currentIndexChanged.connect(self._show_tls_fields)
        self._show_tls_fields()

        buttons = QHBoxLayout()
        self.test_button = QPushButton("Test connection")
        self.test_button.clicked.connect(self._test)
        self.watch_typed = QPushButton("Watch")
        self.watch_typed.clicked.connect(self._choose_typed)
        buttons.addWidget(self.test_button)
        buttons.addWidget(self.watch_typed)
        form.addRow(buttons)
        layout.addWidget(remote)
        self.results = QLabel()
        """What the test found, a line per check; the window grows to show all of it."""
        self.results.setTextFormat(Qt.TextFormat.PlainText)
        self.results.setWordWrap(True)
        self.results.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.results.hide()
        layout.addWidget(self.results)

        bottom = QHBoxLayout()
        self.demo_button = QPushButton("Try the demo")
        self.demo_button.clicked.connect(self.demo_requested.emit)
        self.quit_button = QPushButton("Quit")
        self.quit_button.setToolTip("Close obnotify without watching a node (Escape)")
        self.quit_button.clicked.connect(self.close)
        bottom.addWidget(self.demo_button, 1)
        bottom.addWidget(self.quit_button)
        layout.addLayout(bottom)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)

    def typed(self) -> Candidate:
        """The node as typed in the address form, with the TLS fields its choice uses."""
        tls = str(self.tls.currentData())
        return Candidate(
            url=self.url.text().strip(),
            name="",
            source="typed",
            user=self.user.text().strip(),
            cookie_file=self.cookie_file.text().strip(),
            ca=self.ca.text().strip() if tls == "ca" else "",
            pin=self.pin.text().strip() if tls == "pin" else "",
        )

    def show_problem(self, text: str) -> None:
        """Say why the chosen node cannot be watched (a wrong address), so it can be fixed here."""
        self._show_results(printable(text))

    def closeEvent(self, event: QCloseEvent) -> None:
        self.closed.emit()
        super().closeEvent(event)

    def _show_results(self, text: str) -> None:
        """Show the results whole: the window grows to the height their lines need."""
        self.results.setText(text)
        self.results.setVisible(bool(text))
        grow_to_fit(self)

    def _show_tls_fields(self) -> None:
        tls = self.tls.currentData()
        self._form.setRowVisible(self._ca_row, tls == "ca")
        self._form.setRowVisible(self._pin_row, tls == "pin")
        say(self.tls_error, "")

    def _browse_ca(self) -> None:
        chosen, _ = QFileDialog.getOpenFileName(
            self, "The node's CA certificate", str(Path(self.ca.text()).expanduser())
        )
        if chosen:
            self.ca.setText(chosen)

    def _valid(self) -> bool:
        """Whether the form can be tested or watched; if not, each field says what to fix."""
        for label in (self.url_error, self.cookie_error, self.tls_error):
            say(label, "")
        candidate = self.typed()
        try:
            parse_node_url(candidate.url)
        except ConfigError as exc:
            say(self.url_error, str(exc))
            return False
        if candidate.cookie_file and not Path(candidate.cookie_file).expanduser().is_file():
            say(self.cookie_error, "Choose the node's .cookie file (in its data folder).")
            return False
        tls = self.tls.currentData()
        if tls == "ca" and not Path(candidate.ca).expanduser().is_file():
            say(self.tls_error, "Choose the node's CA certificate file; this one does not exist.")
            return False
        if tls == "pin" and not candidate.pin:
            say(self.tls_error, "Press Fetch certificate and compare the SHA-256 with the node's.")
            return False
        return True

    def _choose_found(self) -> None:
        item = self.found_list.currentItem()
        if item is not None:
            self.chosen.emit(item.data(Qt.ItemDataRole.UserRole), "")

    def _choose_typed(self) -> None:
        if self._valid():
            self.chosen.emit(self.typed(), self.password.text())

    def _busy(self) -> bool:
        return self._task is not None and not self._task.done()

    def _test(self) -> None:
        if self._busy() or not self._valid():
            return
        self._show_results("Testing…")
        self.test_button.setEnabled(False)
        self._task = asyncio.ensure_future(self._run_test(self.typed(), self.password.text()))

    async def _run_test(self, candidate: Candidate, password: str) -> None:
        try:
            checks = await self._tester(candidate, password)
        finally:
            self.test_button.setEnabled(True)
        self._show_results("\n".join(check_lines(checks)))

    def _fetch_certificate(self) -> None:
        if self._busy():
            return
        say(self.url_error, "")
        self.fetch.setEnabled(False)
        self._task = asyncio.ensure_future(self._run_fetch(self.url.text().strip()))

    async def _run_fetch(self, url: str) -> None:
        try:
            pin = await fetch_fingerprint(url)
        except (OSError, ConfigError, ValueError) as exc:
            say(self.tls_error, f"Could not fetch the certificate: {exc}")
            return
        finally:
            self.fetch.setEnabled(True)
        self.pin.setText(pin)
        say(self.tls_error, "")


def _row(line: QLineEdit, button: QPushButton) -> QWidget:
    """A field with its button beside it, as one row of a form."""
    row = QHBoxLayout()
    row.setContentsMargins(0, 0, 0, 0)
    row.addWidget(line, 1)
    row.addWidget(button)
    box = QWidget()
    box.setLayout(row)
    return box
