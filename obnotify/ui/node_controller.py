"""One node's events reaching the user: toasts, the window, the tray.

It is the session's listener, and the node's end of the app's toasts
(:class:`~obnotify.ui.toast_sender.ToastTarget`). The decisions (what to show
and when, how it reads, what the tray draws) are made in the pure core; the
app's :class:`~obnotify.ui.toasts.ToastRouter` puts toasts on screen and brings
back their deliveries and the user's answers; this class carries them out on
the window, the tray and the session.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Coroutine
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from PySide6.QtCore import QObject, QTimer

from obnotify.core.connection import ConnState
from obnotify.core.details import Detail, detail_of, recorded_event
from obnotify.core.events import ChatRead, PublishStatus, Typing, WalletBalances
from obnotify.core.outage import OutageNews, OutageWatch, outage_toast
from obnotify.core.policy import counts_unread
from obnotify.core.render import Category
from obnotify.core.routes import chat_target
from obnotify.core.tray_state import NodeStatus
from obnotify.core.wording import person
from obnotify.desktop.secrets import keep_password
from obnotify.desktop.tokens import TOKEN_USER
from obnotify.node.api import ApiError
from obnotify.node.session import NewEvent, NodeSession
from obnotify.store.errors import StoreUnavailable
from obnotify.store.row import HistoryRow
from obnotify.ui.toasts import ToastRouter
from obnotify.ui.tray_board import TrayBoard

if TYPE_CHECKING:
    from PySide6.QtWidgets import QInputDialog

    from obnotify.ui.shared_window import SharedWindow

__all__ = ["NodeController"]

log = logging.getLogger(__name__)

OUTAGE_TICK_MS: Final = 15_000
"""How often a node that stays down is looked at again for the outage toast."""
CONVERSATION_MESSAGES: Final = 50
"""Messages of a conversation the detail pane shows, newest last."""


class NodeController(QObject):
    """Carries one node's session out to the shared tray icon, the window and the notifier."""

    def __init__(
        self,
        session: NodeSession,
        window: SharedWindow,
        board: TrayBoard | None,
        toasts: ToastRouter,
        *,
        place: int = 0,
        ob_handler: bool = False,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.session = session
        self.window = window
        """The one window of every node, told about this node by its place."""
        self.place = place
        """This node's place in the window's node list."""
        self.board = board
        """The one tray icon of every node, reported to; None where there is no tray."""
        self.toasts = toasts
        self.node = session.config.key
        """This node's name in the router."""
        self.ob_handler = ob_handler
        """Whether the system has a handler for ``ob://`` links (the OpenBazaar app)."""
        self.state = ConnState.CONNECTING
        self.detail = ""
        """What the link says of its state, for the tooltip."""
        self.last_title = ""
        self.password_dialog: QInputDialog | None = None
        self._untried_password = ""
        """A password typed in and not yet accepted by the node; it is not in the keyring yet."""
        self._tasks: set[asyncio.Task[None]] = set()
        self.tray_timer = QTimer(self)
        """Redraws the tray and the window's node line once the events waiting now are all
        in, not once per event."""
        self.tray_timer.setSingleShot(True)
        self.tray_timer.setInterval(0)
        self.tray_timer.timeout.connect(self._refresh_tray)
        self.outage = OutageWatch()
        """Whether this node has been down long enough to say so, and whether it was said."""
        self.outage_timer = QTimer(self)
        """Looks at a node that stays down, since a dead link may say nothing for minutes."""
        self.outage_timer.setInterval(OUTAGE_TICK_MS)
        self.outage_timer.timeout.connect(self.on_outage_tick)
        toasts.attach(self.node, self)
        toasts.settings_changed.connect(self._refresh_tray)
        window.attach(place, self)
        if board is not None:
            board.attach(self)

    @property
    def display_name(self) -> str:
        return self.session.config.display_name

    def start(self) -> None:
        self.toasts.toast_sender.prepare()
        self._refresh_tray()

    def stop(self) -> None:
        self.toasts.detach(self.node)
        self.toasts.settings_changed.disconnect(self._refresh_tray)
        if self.board is not None:
            self.board.detach(self)
        self.outage_timer.stop()
        for task in list(self._tasks):
            task.cancel()

    def _spawn(self, coro: Coroutine[Any, Any, None]) -> None:
        """Run an action in the background, keeping a reference so it is not collected."""
        task = asyncio.create_task(coro)
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def _then_refresh_tray(self, write: Coroutine[Any, Any, None]) -> None:
        """Count the unread rows once the store has marked them, not before: counted
        earlier, the tray kept the old number."""
        try:
            await write
        finally:
            self._refresh_tray()

    # SessionListener -----------------------------------------------------------

    def on_state(self, state: ConnState, detail: str) -> None:
        self.state = state
        self.detail = detail
        if state is ConnState.CONNECTED and self._untried_password:
            password, self._untried_password = self._untried_password, ""
            self._spawn(self._keep_accepted_password(password))
        if state is ConnState.CONNECTED:
            self.outage_timer.stop()
            self._tell_outage(self.outage.connected())
        elif state is not ConnState.STOPPED:
            if not self.outage_timer.isActive():
                self.outage_timer.start()
            self.on_outage_tick()
        self._refresh_tray()
        if state is ConnState.AUTH_FAILED and (self.session.config.username or self._wants_token):
            self.ask_password()

    def on_outage_tick(self) -> None:
        if self.state is not ConnState.CONNECTED:
            self._tell_outage(self.outage.disconnected(self.toasts.now().mono))

    def _tell_outage(self, news: OutageNews | None) -> None:
        """One toast when the node has been down for minutes, one when it is back."""
        if news is None:
            return
        self.toasts.news(self.node, outage_toast(news, self.display_name, self.detail))

    @property
    def _wants_token(self) -> bool:
        """A Mobazha node without a user logs in with an API token, asked for like a password."""
        config = self.session.config
        return "mobazha" in (config.kind, self.session.kind) and not config.username

    def ask_password(self) -> None:
        """Ask for the node's password, or a Mobazha node's API token (non-modal: the loop
        keeps running), and keep it in the keyring once the node accepts it."""
        if self.password_dialog is not None:
            return
        # The dialog's classes are loaded when a node first refuses, not by every app at idle.
        from PySide6.QtWidgets import QInputDialog, QLineEdit

        config = self.session.config
        dialog = QInputDialog(self.window.dialog_parent())
        dialog.setWindowTitle("obnotify")
        dialog.setLabelText(
            f"{config.display_name} refused its API token.\n"
            "Enter an API token made in Mobazha (mbz_…; notifications:read is enough):"
            if self._wants_token
            else f"{config.display_name} refused the password for {config.username}.\n"
            "Enter the password set in the node's config (API > Username/Password):"
        )
        dialog.setTextEchoMode(QLineEdit.EchoMode.Password)
        dialog.textValueSelected.connect(self.on_password_entered)
        dialog.finished.connect(self.on_password_dialog_finished)
        self.password_dialog = dialog
        dialog.open()

    def on_password_entered(self, password: str) -> None:
        if self._wants_token:
            password = password.strip()
        if not password:
            return
        self.keep_password_when_accepted(password)
        if self._wants_token:
            self.session.update_token(password)
        else:
            self.session.update_password(password)

    def keep_password_when_accepted(self, password: str) -> None:
        """Put a typed password in the keyring once the node accepts it, not before."""
        self._untried_password = password

    async def _keep_accepted_password(self, password: str) -> None:
        """In the keyring, off the loop: a keyring waiting for an unlock must not freeze the app."""
        config = self.session.config
        user = TOKEN_USER if self._wants_token else config.username
        if not await keep_password(config.base_url, user, password):
            log.warning("no keyring: the password is kept for this run only")
            self.window.tell(self.place, "no keyring here: the password is kept for this run only")

    def on_password_dialog_finished(self, _result: int) -> None:
        if self.password_dialog is not None:
            self.password_dialog.deleteLater()
        self.password_dialog = None

    def on_new_event(self, new: NewEvent) -> None:
        self.window.add_event(self.place, new.row)
        if new.toast is not None:
            self.last_title = new.toast.title
        self.toasts.new_event(self.node, new)
        if not self.tray_timer.isActive():
            # A burst of thousands would otherwise count the unread rows and draw a
            # new icon thousands of times, holding the loop and the X server up.
            self.tray_timer.start()

    def on_balances(self, balances: WalletBalances) -> None:
        self.window.set_balances(self.place, balances)

    def on_signal(self, event: Typing | ChatRead | PublishStatus) -> None:
        if isinstance(event, Typing):
            name = person(event.peer_id, "", self.session.profiles.known())
            self.window.show_typing(self.place, name)
        elif isinstance(event, PublishStatus):
            self.window.set_publishing(self.place, event.status)

    def on_catch_up_done(self, missed: int) -> None:
        # Read flags may have changed on the node while we were away.
        self.window.refresh(self.place)
        self._refresh_tray()
        self.toasts.catch_up_finished(self.node, missed)

    # ToastTarget -------------------------------------------------------------------

    def deliver(self, rowids: tuple[int, ...]) -> None:
        """Tell the session these rows reached the user; the router names each once.

        All in one write: a summary can stand for thousands of rows, and a commit each
        would hold the loop (and every window and toast) for as many commits.
        """
        self.session.mark_delivered(*rowids)

    def toast_clicked(self, row: HistoryRow | None) -> None:
        if row is not None:
            self.open_row(row)
        else:
            self.show_window()

    def toast_pressed(self, action: str, row: HistoryRow, rowids: tuple[int, ...]) -> None:
        """A button of a toast; "Mark as read" marks every row the toast stands for: a
        sale's order and its payment, the one it carried or one that joined it later."""
        if action == "mark-read":
            store = self.session.store
            others = [found for other in rowids if (found := store.row(other)) is not None]
            if row.category == Category.ORDERS and row.order_id:
                others.extend(store.unread_of_order(row.order_id, Category.FUNDS))
            self.mark_read(row)
            for other_row in {found.rowid: found for found in others}.values():
                if other_row.rowid != row.rowid:
                    self.mark_read(other_row)
        elif action == "reply":
            self.show_window(row.rowid)
            self.window.focus_reply()

    def toast_replied(self, text: str, row: HistoryRow) -> None:
        target = chat_target(row.route)
        if target is not None:
            self._send_reply(target.peer_id, target.subject, text)

    # Window and tray ----------------------------------------------------------

    def show_node(self) -> None:
        """The window on this node's activity (its entry in the tray menu)."""
        self.window.show(self.place)

    def show_window(self, rowid: int | None = None) -> None:
        """The window as it was, or on one of this node's rows."""
        if rowid is None:
            self.window.show()
        else:
            self.window.show(self.place, rowid)

    def retry_at(self) -> float | None:
        """When the link tries the node again, for the window's status line."""
        return self.session.link.retry_at

    def open_row(self, row: HistoryRow) -> None:
        """Where a click leads: the OpenBazaar app when it handles ``ob://``, else this window."""
        if self.ob_handler and row.route.startswith("ob://"):
            from PySide6.QtCore import QUrl
            from PySide6.QtGui import QDesktopServices

            QDesktopServices.openUrl(QUrl(row.route))
        else:
            self.show_window(row.rowid)

    def mark_read(self, row: HistoryRow) -> None:
        """Mark a row read everywhere: the window, the node, and its toast, taken down."""
        self.window.mark_read(self.place, row.rowid)
        self.toasts.toast_sender.take_down(self.node, (row.rowid,))
        self._spawn(self._then_refresh_tray(self.session.mark_read(row)))

    def on_window_reply_requested(self, peer: str, subject: str, text: str) -> None:
        self._send_reply(peer, subject, text)

    def describe(self, row: HistoryRow) -> tuple[Detail | None, Path | None]:
        """What the detail pane shows of a row: all its event says, and its picture once cached.

        A picture not cached yet is fetched and shown when it comes.
        """
        try:
            raw = self.session.store.raw(row.rowid)
        except StoreUnavailable as exc:
            log.warning("history unreadable: %s", exc)
            raw = ""
        detail = detail_of(row, recorded_event(row.kind, raw), peers=self.session.profiles.known())
        thumbnails = self.session.thumbnails
        if not detail.picture or thumbnails is None:
            return detail, None
        cached = thumbnails.cached(detail.picture)
        if cached is None:
            self._spawn(self._fetch_picture(detail.picture))
        return detail, cached

    async def _fetch_picture(self, image_hash: str) -> None:
        thumbnails = self.session.thumbnails
        path = await thumbnails.get(image_hash) if thumbnails is not None else None
        if path is not None and (pane := self.window.detail) is not None:
            pane.set_picture(image_hash, path)

    def on_conversation_requested(self, peer: str, subject: str) -> None:
        """The detail pane shows a chat row: read that conversation from the node."""

        async def read() -> None:
            try:
                lines = await self.session.api.chat_conversation(
                    peer, subject, limit=CONVERSATION_MESSAGES
                )
            except ApiError as exc:
                if (pane := self.window.detail) is not None:
                    pane.show_conversation_failed(peer, subject, str(exc))
                return
            if (pane := self.window.detail) is not None:
                pane.show_conversation(peer, subject, lines)

        self._spawn(read())

    def _send_reply(self, peer: str, subject: str, text: str) -> None:
        async def send() -> None:
            try:
                await self.session.api.send_chat(peer, text, subject)
            except ApiError as exc:
                log.warning("reply not sent: %s", exc)
                self.window.tell(self.place, f"reply not sent: {exc}")
                return
            if (pane := self.window.detail) is not None:
                pane.show_sent(peer, subject, text)
            try:
                await self.session.api.mark_chat_read(peer, subject)
            except ApiError as exc:
                log.warning("conversation not marked read: %s", exc)

        self._spawn(send())

    def on_tray_mark_all_read_requested(self) -> None:
        self.window.mark_all_read(self.place)
        self.toasts.toast_sender.take_down(self.node)
        self._spawn(self._then_refresh_tray(self.session.mark_all_read()))

    def pause(self, until: datetime | None) -> None:
        """Pause this node's toasts alone until ``until``; None resumes them."""
        self.toasts.pause(until, self.node)
        self._refresh_tray()

    def on_tray_reconnect_requested(self) -> None:
        self._spawn(self.session.link.reconnect())

    def _refresh_tray(self) -> None:
        """Tell the shared tray icon and the window what this node is doing now: one report."""
        settings = self.toasts.settings
        unread = self.session.store.unread_count(
            [category for category in Category if counts_unread(settings, category)]
        )
        status = NodeStatus(
            self.session.config.display_name, self.state, unread, self.last_title, self.detail
        )
        self.window.report(self.place, status)
        if self.board is not None:
            self.board.report(self, status)
