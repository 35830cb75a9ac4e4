"""The settings window: nodes, notifications and general choices, saved to the settings file.

Non-modal: the tray and the activity window keep working while it is open. It edits a
:class:`obnotify.settings.values.Settings` and, on Save, writes it with
:func:`obnotify.settings.writing.save_settings` (the user's comments and order stay) and
emits :attr:`SettingsWindow.saved`; the app applies the new value live. A node is edited in
a :class:`obnotify.ui.node_editor.NodeEditor`; what a field may hold is checked by
:mod:`obnotify.settings.validation`, with the same words as for the file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from pathlib import Path
from typing import Final

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialogButtonBox,
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
from obnotify.core.tray_state import TrayStyle
from obnotify.desktop.secrets import save_password
from obnotify.node.checks import check_node
from obnotify.node.config import ConfigError
from obnotify.settings.validation import format_quiet_hours, parse_quiet_hours
from obnotify.settings.values import BURST_LIMITS, HISTORY_LIMITS, Settings
from obnotify.settings.writing import save_settings
from obnotify.ui.form_parts import choose, combo, error_label, say
from obnotify.ui.node_editor import Checker, NodeEditor

__all__ = ["SettingsWindow"]

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
    TrayStyle.COLOUR: "Colour",
    TrayStyle.MONO_LIGHT: "Monochrome, for light panels",
    TrayStyle.MONO_DARK: "Monochrome, for dark panels",
}


class SettingsWindow(QWidget):
    """Nodes, Notifications and General, as in the settings file; Save writes it."""

    saved = Signal(object)
    """The new :class:`obnotify.settings.values.Settings`, after it was written."""

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
        self.quiet_hours = QLineEdit(format_quiet_hours(n.quiet_hours))
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
        self.tray_style = combo(tuple((s.value, _TRAY_LABELS[s]) for s in TrayStyle))
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
        except ConfigError as exc:
            if report:
                say(self.quiet_error, str(exc))
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
            tray_style=TrayStyle(self.tray_style.currentData()),
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
