"""The settings window: nodes, notifications and general choices, saved to the settings file.

Non-modal: the tray and the activity window keep working while it is open. It edits a
:class:`obnotify.settings.Settings` and, on Save, writes it with
:func:`obnotify.settings.save_settings` (the user's comments and order stay) and emits
:attr:`SettingsWindow.saved`; the app applies the new value live.

"Test connection" runs the doctor's checks in a thread of its own (each check makes its
own short-lived connections), so the window never waits on a slow or unreachable node.
A password typed here goes to the keyring only once the node has accepted it.
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Callable, Coroutine
from pathlib import Path
from typing import Any, Final

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QPushButton,
    QSpinBox,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from obnotify.core.policy import Delivery, NotificationSettings, delivery
from obnotify.core.render import Category
from obnotify.desktop.secrets import keep_password, save_password
from obnotify.desktop.tokens import TOKEN_USER
from obnotify.node.checks import CREDENTIALS, Check, check_node
from obnotify.node.config import ConfigError, NodeConfig, parse_node_url
from obnotify.node.reach import fetch_fingerprint
from obnotify.settings import (
    BURST_LIMITS,
    HISTORY_LIMITS,
    TRAY_STYLES,
    NodeEntry,
    Settings,
    parse_quiet_hours,
    save_settings,
)
from obnotify.ui.form_parts import (
    TLS_CHOICES,
    check_lines,
    choose,
    combo,
    error_label,
    grow_to_fit,
    say,
)

__all__ = ["Checker", "NodeEditor", "SettingsWindow"]

Checker = Callable[[NodeConfig], Coroutine[Any, Any, list[Check]]]
"""Runs the doctor's checks for one node: :func:`obnotify.node.checks.check_node`."""

_KINDS: Final = (
    ("ob", "OB Go server (OpenBazaar)"),
    ("mobazha", "Mobazha"),
    ("auto", "Find out when connecting"),
)
_AUTH: Final = (("none", "No login"), ("basic", "User and password"), ("cookie", "Cookie file"))
_DELIVERY: Final = (
    (Delivery.TOAST, "Toast"),
    (Delivery.HISTORY, "History only"),
    (Delivery.OFF, "Off"),
)
_CATEGORY_LABELS: Final = {
    Category.ORDERS: "Orders",
    Category.DISPUTES: "Disputes",
    Category.CHAT: "Chat",
    Category.ORDER_CHAT: "Order chat",
    Category.FOLLOWERS: "Followers",
    Category.FUNDS: "Funds",
    Category.OTHER: "Other",
}
_TRAY_LABELS: Final = {
    "colour": "Colour",
    "mono-light": "Monochrome, for light panels",
    "mono-dark": "Monochrome, for dark panels",
}


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
        for label in (self.url_error, self.auth_error, self.tls_error, self.proxy_error):
            say(label, "")
        entry = self.entry().in_use()
        ok = True
        try:
            parse_node_url(entry.url)
        except ConfigError as exc:
            say(self.url_error, str(exc))
            ok = False
        if entry.auth == "basic" and not entry.user:
            say(self.auth_error, "Give the user name of the node's API (its config: Username).")
            ok = False
        if entry.auth == "cookie" and not Path(entry.cookie_file).expanduser().is_file():
            say(self.auth_error, "Choose the node's .cookie file (in its data folder).")
            ok = False
        if entry.tls == "ca" and not Path(entry.ca).expanduser().is_file():
            say(self.tls_error, "Choose the CA certificate file; this one does not exist.")
            ok = False
        if entry.tls == "pin" and not entry.pin:
            say(self.tls_error, "Press Fetch certificate, and compare the SHA-256 with the node's.")
            ok = False
        if entry.proxy and not entry.proxy.startswith(("socks5://", "socks5h://")):
            say(self.proxy_error, "A proxy looks like socks5://127.0.0.1:9050.")
            ok = False
        if not ok:
            grow_to_fit(self)
            return None
        try:
            token = self.token.text().strip() if entry.kind != "ob" else ""
            return entry.node_config(self.password.text(), token)
        except ConfigError as exc:
            if "proxy" in str(exc).lower():
                say(self.proxy_error, str(exc))
            else:
                say(self.auth_error if entry.auth == "cookie" else self.tls_error, str(exc))
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


class SettingsWindow(QWidget):
    """Nodes, Notifications and General, as in the settings file; Save writes it."""

    saved = Signal(object)
    """The new :class:`obnotify.settings.Settings`, after it was written."""

    def __init__(
        self,
        settings: Settings,
        *,
        path: Path | None = None,
        checker: Checker = check_node,
        keep_password: Callable[[str, str, str], bool] = save_password,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("obnotify — Settings")
        self._settings = settings
        self._path = path or settings.path
        self._checker = checker
        self._keep_password = keep_password
        self._nodes = list(settings.nodes)
        self.editor: NodeEditor | None = None
        self.close_question: QMessageBox | None = None
        """Asks whether to save, while it is open."""
        self._closing = False
        """The user chose to close (saved or discarded): close without asking again."""
        self.tabs = QTabWidget()
        self.tabs.addTab(self._nodes_tab(), "Nodes")
        self.tabs.addTab(self._notifications_tab(settings.notifications), "Notifications")
        self.tabs.addTab(self._general_tab(settings), "General")
        self.problem = error_label()
        for warning in settings.warnings:
            say(self.problem, (self.problem.text() + "\n" + warning).strip())
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Close
        )
        buttons.accepted.connect(self.save)
        buttons.rejected.connect(self.close)
        QShortcut(QKeySequence(QKeySequence.StandardKey.Save), self, self.save)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs)
        layout.addWidget(self.problem)
        layout.addWidget(buttons)
        self.resize(560, 460)

    def _nodes_tab(self) -> QWidget:
        self.node_list = QListWidget()
        self.node_list.itemDoubleClicked.connect(lambda _item: self.edit_node())
        self.node_list.itemChanged.connect(self._enabled_changed)
        add = QPushButton("&Add…")
        add.clicked.connect(lambda: self.edit_node(new=True))
        edit = QPushButton("&Edit…")
        edit.clicked.connect(lambda: self.edit_node())
        remove = QPushButton("&Remove")
        remove.clicked.connect(self.remove_node)
        side = QVBoxLayout()
        for button in (add, edit, remove):
            side.addWidget(button)
        side.addStretch(1)
        row = QHBoxLayout()
        row.addWidget(self.node_list, 1)
        row.addLayout(side)
        hint = QLabel("Ticked nodes are watched. Passwords are kept in the keyring.")
        hint.setWordWrap(True)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(row)
        layout.addWidget(hint)
        self._fill_nodes()
        return tab

    def _fill_nodes(self) -> None:
        row = self.node_list.currentRow()
        self.node_list.blockSignals(True)
        self.node_list.clear()
        for entry in self._nodes:
            text = f"{entry.name or entry.url}  —  {entry.url}" if entry.name else entry.url
            item = QListWidgetItem(text)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            enabled = Qt.CheckState.Checked if entry.enabled else Qt.CheckState.Unchecked
            item.setCheckState(enabled)
            self.node_list.addItem(item)
        self.node_list.setCurrentRow(min(row, self.node_list.count() - 1))
        self.node_list.blockSignals(False)

    def _enabled_changed(self, item: QListWidgetItem) -> None:
        row = self.node_list.row(item)
        checked = item.checkState() == Qt.CheckState.Checked
        self._nodes[row] = dataclasses.replace(self._nodes[row], enabled=checked)

    def edit_node(self, *, new: bool = False) -> NodeEditor | None:
        """Open the node editor (non-modal) for the selected node, or a new one."""
        row = self.node_list.currentRow()
        if not new and row < 0:
            return None
        entry = None if new else self._nodes[row]
        editor = NodeEditor(
            entry, checker=self._checker, keep_password=self._keep_password, parent=self
        )
        editor.accepted.connect(lambda: self._edited(editor, None if new else row))
        editor.show()
        self.editor = editor
        return editor

    def _edited(self, editor: NodeEditor, row: int | None) -> None:
        entry = editor.entry()
        if row is None:
            self._nodes.append(entry)
        else:
            self._nodes[row] = entry
        self._fill_nodes()

    def remove_node(self) -> None:
        row = self.node_list.currentRow()
        if row >= 0:
            del self._nodes[row]
            self._fill_nodes()

    def _notifications_tab(self, n: NotificationSettings) -> QWidget:
        grid = QGridLayout()
        grid.addWidget(QLabel("<b>Category</b>"), 0, 0)
        grid.addWidget(QLabel("<b>Delivery</b>"), 0, 1)
        grid.addWidget(QLabel("<b>Sound</b>"), 0, 2)
        self.delivery: dict[Category, QComboBox] = {}
        self.sound: dict[Category, QCheckBox] = {}
        for i, category in enumerate(Category, start=1):
            box = combo(tuple((d.value, text) for d, text in _DELIVERY))
            choose(box, delivery(n, category).value)
            sound = QCheckBox()
            sound.setChecked(category not in n.silent)
            grid.addWidget(QLabel(_CATEGORY_LABELS[category]), i, 0)
            grid.addWidget(box, i, 1)
            grid.addWidget(sound, i, 2)
            self.delivery[category] = box
            self.sound[category] = sound
        self.privacy = QCheckBox(
            "Private toasts: who and what happened, no message text or amounts"
        )
        self.privacy.setChecked(n.privacy)
        self.sticky = QCheckBox("Critical toasts (disputes, failed payments) stay until dismissed")
        self.sticky.setChecked(n.critical_sticky)
        hours = n.quiet_hours
        self.quiet_hours = QLineEdit(
            f"{hours.start:%H:%M}-{hours.end:%H:%M}" if hours is not None else ""
        )
        self.quiet_hours.setPlaceholderText("22:00-07:00")
        self.quiet_hours.setToolTip("Only critical toasts show between these times")
        self.quiet_error = error_label()
        self.burst = QSpinBox()
        self.burst.setRange(*BURST_LIMITS)
        self.burst.setValue(n.burst_limit)
        form = QFormLayout()
        form.addRow("Quiet hours", self.quiet_hours)
        form.addRow("", self.quiet_error)
        form.addRow("Toasts one by one within 10 s", self.burst)
        tab = QWidget()
        layout = QVBoxLayout(tab)
        layout.addLayout(grid)
        layout.addWidget(self.privacy)
        layout.addWidget(self.sticky)
        layout.addLayout(form)
        layout.addStretch(1)
        return tab

    def _general_tab(self, settings: Settings) -> QWidget:
        self.start_at_login = QCheckBox("Start obnotify when I log in")
        self.start_at_login.setChecked(settings.start_at_login)
        self.history_limit = QSpinBox()
        self.history_limit.setRange(*HISTORY_LIMITS)
        self.history_limit.setSingleStep(1000)
        self.history_limit.setValue(settings.history_limit)
        self.tray_style = combo(tuple((s, _TRAY_LABELS[s]) for s in TRAY_STYLES))
        choose(self.tray_style, settings.tray_style)
        form = QFormLayout()
        form.addRow(self.start_at_login)
        form.addRow("Events kept per node", self.history_limit)
        form.addRow("Tray icon", self.tray_style)
        tab = QWidget()
        tab.setLayout(form)
        return tab

    def settings(self, *, report: bool = True) -> Settings | None:
        """The settings as shown, or None with a message by the field to fix
        (None alone when not ``report``)."""
        try:
            quiet = parse_quiet_hours(self.quiet_hours.text().strip(), "Quiet hours")
        except ConfigError:
            if report:
                say(
                    self.quiet_error,
                    'Quiet hours: give the start and the end as "22:00-07:00", in local '
                    f"time with no time zone, not {self.quiet_hours.text().strip()!r}.",
                )
                self.tabs.setCurrentIndex(1)
            return None
        if report:
            say(self.quiet_error, "")
        modes = {c: Delivery(str(box.currentData())) for c, box in self.delivery.items()}
        notifications = dataclasses.replace(
            self._settings.notifications,
            muted=frozenset(c for c, m in modes.items() if m is Delivery.HISTORY),
            off=frozenset(c for c, m in modes.items() if m is Delivery.OFF),
            silent=frozenset(c for c, box in self.sound.items() if not box.isChecked()),
            privacy=self.privacy.isChecked(),
            critical_sticky=self.sticky.isChecked(),
            quiet_hours=quiet,
            burst_limit=self.burst.value(),
        )
        return dataclasses.replace(
            self._settings,
            nodes=tuple(self._nodes),
            notifications=notifications,
            history_limit=self.history_limit.value(),
            start_at_login=self.start_at_login.isChecked(),
            tray_style=str(self.tray_style.currentData()),
            warnings=(),
            path=self._path,
        )

    def unsaved(self) -> bool:
        """Whether what is shown differs from what was last saved (or cannot be saved)."""
        shown = self.settings(report=False)
        saved = dataclasses.replace(self._settings, warnings=(), path=self._path)
        return shown is None or shown != saved

    def closeEvent(self, event: QCloseEvent) -> None:
        """Close, but ask first when there are changes not saved: Save, Discard or Cancel.

        The question is non-modal (``open()``): a nested event loop would stall the app's.
        """
        if self._closing or not self.unsaved():
            self._closing = False
            super().closeEvent(event)
            return
        event.ignore()
        if self.close_question is not None:
            self.close_question.raise_()
            return
        question = QMessageBox(
            QMessageBox.Icon.Question,
            "obnotify — Settings",
            "Save the changes to the settings before closing?",
            QMessageBox.StandardButton.Save
            | QMessageBox.StandardButton.Discard
            | QMessageBox.StandardButton.Cancel,
            self,
        )
        question.setDefaultButton(QMessageBox.StandardButton.Save)
        question.finished.connect(self.on_close_question_finished)
        self.close_question = question
        question.open()

    def on_close_question_finished(self, answer: int) -> None:
        question, self.close_question = self.close_question, None
        if question is not None:
            question.deleteLater()
        if answer == QMessageBox.StandardButton.Save and self.save() is None:
            return
        if answer in (QMessageBox.StandardButton.Save, QMessageBox.StandardButton.Discard):
            self._closing = True
            self.close()

    def save(self) -> Settings | None:
        """Write the file and emit :attr:`saved`; a problem is shown, nothing is written."""
        settings = self.settings()
        if settings is None:
            return None
        try:
            path = save_settings(settings, self._path)
        except ConfigError as exc:
            # The file was broken by hand since the window opened: it is left as it is.
            say(self.problem, str(exc))
            return None
        except OSError as exc:
            say(self.problem, f"Could not save {self._path}: {exc.strerror}. Check the folder.")
            return None
        say(self.problem, "")
        self._settings = dataclasses.replace(settings, path=path)
        self.saved.emit(self._settings)
        return self._settings
