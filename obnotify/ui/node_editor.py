"""The editor of one node's settings, with "Test connection" and "Trust this certificate".

Non-modal, opened from the settings window. What it checks before a test or OK is
:func:`obnotify.settings.validation.entry_config`; the widgets only show each message by
the field it is about. "Test connection" runs the doctor's checks on the app's loop (each
check makes its own short-lived connections), so the editor never waits on a slow or
unreachable node. A password typed here goes to the keyring only once the node has
accepted it.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, Final

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from obnotify.desktop.secrets import keep_password, save_password
from obnotify.desktop.tokens import TOKEN_USER
from obnotify.node.checks import CREDENTIALS, Check, check_node
from obnotify.node.config import ConfigError, NodeConfig
from obnotify.node.reach import fetch_fingerprint
from obnotify.settings.validation import EntryField, EntryProblems, entry_config
from obnotify.settings.values import NodeEntry
from obnotify.ui.form_parts import (
    TLS_CHOICES,
    check_lines,
    choose,
    combo,
    error_label,
    grow_to_fit,
    say,
)

__all__ = ["Checker", "NodeEditor"]

Checker = Callable[[NodeConfig], Coroutine[Any, Any, list[Check]]]
"""Runs the doctor's checks for one node: :func:`obnotify.node.checks.check_node`."""

_KINDS: Final = (
    ("ob", "OB Go server (OpenBazaar)"),
    ("mobazha", "Mobazha"),
    ("auto", "Find out when connecting"),
)
_AUTH: Final = (("none", "No login"), ("basic", "User and password"), ("cookie", "Cookie file"))


class NodeEditor(QDialog):
    """One node's settings, with "Test connection" and "Trust this certificate"."""

    def __init__(
        self,
        entry: NodeEntry | None = None,
        *,
        checker: Checker = check_node,
        keep_password: Callable[[str, str, str], bool] = save_password,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("obnotify — Node")
        self.setModal(False)
        self._checker = checker
        self._keep_password = keep_password
        self.checks: list[Check] = []
        """The last test's results."""
        self._checking: asyncio.Task[None] | None = None
        self._fetching: asyncio.Task[None] | None = None
        """The test running now; kept so it is not collected before it ends."""
        self.password_kept = False
        entry = entry or NodeEntry(url="")
        self._enabled = entry.enabled

        form = QFormLayout()
        self.name = QLineEdit(entry.name)
        self.name.setPlaceholderText("My store")
        self.url = QLineEdit(entry.url)
        self.url.setPlaceholderText("http://127.0.0.1:4002")
        self.url_error = error_label()
        form.addRow("Name", self.name)
        form.addRow("Address", self.url)
        form.addRow("", self.url_error)
        self.kind = combo(_KINDS)
        choose(self.kind, entry.kind)
        self.token = QLineEdit()
        self.token.setEchoMode(QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText("mbz_… — kept in the keyring once the node accepts it")
        form.addRow("Server", self.kind)
        form.addRow("API token", self.token)

        self.auth = combo(_AUTH)
        choose(self.auth, entry.auth)
        self.user = QLineEdit(entry.user)
        self.password = QLineEdit()
        self.password.setEchoMode(QLineEdit.EchoMode.Password)
        self.password.setPlaceholderText("kept in the keyring")
        self.password.setToolTip("Kept in the keyring once the node accepts it, never in a file")
        self.cookie_file = QLineEdit(entry.cookie_file)
        cookie_row = self._with_browse(self.cookie_file, "Cookie file")
        self.auth_error = error_label()
        form.addRow("Login", self.auth)
        form.addRow("User", self.user)
        form.addRow("Password", self.password)
        form.addRow("Cookie file", cookie_row)
        form.addRow("", self.auth_error)

        self.tls = combo(TLS_CHOICES)
        choose(self.tls, entry.tls)
        self.ca = QLineEdit(entry.ca)
        ca_row = self._with_browse(self.ca, "CA certificate")
        self.pin = QLineEdit(entry.pin)
        self.fetch = QPushButton("Fetch certificate")
        self.fetch.clicked.connect(self._fetch_certificate)
        pin_row = QHBoxLayout()
        pin_row.addWidget(self.pin, 1)
        pin_row.addWidget(self.fetch)
        pin_box = QWidget()
        pin_box.setLayout(pin_row)
        pin_row.setContentsMargins(0, 0, 0, 0)
        self.tls_error = error_label()
        form.addRow("TLS", self.tls)
        form.addRow("CA file", ca_row)
        form.addRow("SHA-256", pin_box)
        form.addRow("", self.tls_error)

        self.proxy = QLineEdit(entry.proxy)
        self.proxy.setPlaceholderText("socks5://127.0.0.1:9050")
        self.proxy.setToolTip("A SOCKS5 proxy such as Tor, which a .onion node needs")
        self.proxy_error = error_label()
        form.addRow("Proxy", self.proxy)
        form.addRow("", self.proxy_error)

        self.test = QPushButton("Test connection")
        self.test.clicked.connect(self.run_checks)
        self.results = QLabel()
        self.results.setTextFormat(Qt.TextFormat.PlainText)
        self.results.setWordWrap(True)
        self.keyring_note = error_label()
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.test, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addWidget(self.results)
        layout.addWidget(self.keyring_note)
        layout.addWidget(buttons)
        self.auth.currentIndexChanged.connect(self._show_fields)
        self.tls.currentIndexChanged.connect(self._show_fields)
        self.kind.currentIndexChanged.connect(self._show_fields)
        self._form = form
        self._rows = {
            "basic": (form, (self.user, self.password)),
            "cookie": (form, (cookie_row,)),
            "ca": (form, (ca_row,)),
            "pin": (form, (pin_box,)),
        }
        self._show_fields()
        # A new node starts with its name; one being edited, most often, with its address.
        (self.url if entry.url else self.name).setFocus(Qt.FocusReason.OtherFocusReason)

    def _with_browse(self, line: QLineEdit, what: str) -> QWidget:
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(line, 1)
        browse = QPushButton("Browse…")
        browse.clicked.connect(lambda: self._browse(line, what))
        row.addWidget(browse)
        box = QWidget()
        box.setLayout(row)
        return box

    def _browse(self, line: QLineEdit, what: str) -> None:
        chosen, _ = QFileDialog.getOpenFileName(self, what, str(Path(line.text()).expanduser()))
        if chosen:
            line.setText(chosen)

    def _show_fields(self) -> None:
        auth, tls = self.auth.currentData(), self.tls.currentData()
        self._form.setRowVisible(self.token, self.kind.currentData() != "ob")
        for key, (form, widgets) in self._rows.items():
            for widget in widgets:
                form.setRowVisible(widget, key in (auth, tls))

    def entry(self) -> NodeEntry:
        """The node as typed (not validated: :meth:`validate` says what to fix)."""
        return NodeEntry(
            url=self.url.text().strip(),
            name=self.name.text().strip(),
            enabled=self._enabled,
            auth=str(self.auth.currentData()),
            user=self.user.text().strip(),
            cookie_file=self.cookie_file.text().strip(),
            tls=str(self.tls.currentData()),
            ca=self.ca.text().strip(),
            pin=self.pin.text().strip(),
            proxy=self.proxy.text().strip(),
            kind=str(self.kind.currentData()),
        )

    def validate(self) -> NodeConfig | None:
        """The node's connection settings, or None with a message by each field to fix."""
        labels = {
            EntryField.URL: self.url_error,
            EntryField.AUTH: self.auth_error,
            EntryField.TLS: self.tls_error,
            EntryField.PROXY: self.proxy_error,
        }
        for label in labels.values():
            say(label, "")
        try:
            return entry_config(self.entry(), self.password.text(), self.token.text().strip())
        except EntryProblems as exc:
            for part, message in exc.problems.items():
                say(labels[part], message)
            grow_to_fit(self)
            return None

    def run_checks(self) -> asyncio.Task[None] | None:
        """Run the checks on the app's loop; the results come back as a line each.

        Returns the running checks, or None when the form has an error to fix first.
        """
        config = self.validate()
        if config is None:
            return None
        self.test.setEnabled(False)
        self.results.setText("Testing…")

        async def work() -> None:
            checks: list[Check]
            try:
                checks = await self._checker(config)
            except (OSError, ValueError, RuntimeError) as exc:
                checks = [Check("test", False, f"could not run: {exc}", "see the log")]
            self._show_checks(checks)
            await self._keep_accepted_password(config, checks)

        self._checking = asyncio.ensure_future(work())
        return self._checking

    def _show_checks(self, checks: list[Check]) -> None:
        self.checks = checks
        self.test.setEnabled(True)
        self.results.setText("\n".join(check_lines(checks)))
        grow_to_fit(self)

    async def _keep_accepted_password(self, config: NodeConfig, checks: list[Check]) -> None:
        """The keyring may wait for an unlock, or never answer: the window does not wait."""
        accepted = any(c.name == CREDENTIALS and c.ok for c in checks)
        if accepted and config.token:
            await keep_password(config.base_url, TOKEN_USER, config.token, save=self._keep_password)
        if accepted and config.username and config.password:
            self.password_kept = await keep_password(
                config.base_url, config.username, config.password, save=self._keep_password
            )
            say(
                self.keyring_note,
                ""
                if self.password_kept
                else "No keyring is available, so the password was not saved: obnotify will "
                "ask for it at each start. Install a keyring (GNOME Keyring, KWallet) to keep it.",
            )

    def _fetch_certificate(self) -> asyncio.Task[None]:
        """Fetch on the app's loop, through the node's proxy as every connection to it."""
        url, proxy = self.url.text().strip(), self.proxy.text().strip()

        async def work() -> None:
            try:
                self._show_fingerprint(await fetch_fingerprint(url, proxy), "")
            except (OSError, ConfigError, ValueError) as exc:
                self._show_fingerprint("", f"Could not fetch the certificate: {exc}")

        self.fetch.setEnabled(False)
        self._fetching = asyncio.ensure_future(work())
        return self._fetching

    def _show_fingerprint(self, pin: str, problem: str) -> None:
        self.fetch.setEnabled(True)
        if pin:
            self.pin.setText(pin)
            say(self.tls_error, "")
        else:
            say(self.tls_error, problem)

    def _accept(self) -> None:
        if self.validate() is not None:
            self.accept()
