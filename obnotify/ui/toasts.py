"""The app's one toast dispatcher on the Qt loop: its timer, the shared pause, the routing.

Every decision is :class:`~obnotify.core.dispatch.Dispatcher`'s. This object
feeds it what the node controllers hear, arms one timer for when it next needs
the time, hands each toast to the one :class:`~obnotify.ui.toast_sender.ToastSender`
and each delivery to the node it concerns.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterable
from datetime import datetime
from typing import Final

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from obnotify.core.dispatch import Clock, Delivered, Dispatcher, Moment, Output, PauseChanged, Show
from obnotify.core.pairing import pairing_of
from obnotify.core.policy import NotificationSettings
from obnotify.core.render import Toast, category
from obnotify.core.tray_state import pause_end_text
from obnotify.desktop.notifier import Notifier
from obnotify.node.session import NewEvent
from obnotify.ui.toast_sender import Outgoing, ToastSender, ToastTarget

__all__ = ["MAX_TIMER_MS", "ToastRouter", "system_clock"]

log = logging.getLogger(__name__)

MAX_TIMER_MS: Final = 60_000
"""The timer is armed for at most this long and then asks again.

Qt's timers run on a clock that stops while the machine sleeps; a pause that
ended during the sleep still ends on screen within this long of waking.
"""


def system_clock() -> Moment:
    """The machine's clocks: local wall time and monotonic seconds."""
    return Moment(wall=datetime.now().astimezone(), mono=time.monotonic())


class ToastRouter(QObject):
    """Feeds one :class:`Dispatcher` for every node and carries its outputs to the nodes.

    Args:
        settings: The user's notification settings, shared by every node.
        notifier: Shows every node's toasts.
        clock: Reads the time; the system clocks by default.
        parent: The owning QObject.
    """

    pause_changed = Signal()
    """The app-wide pause began, moved or ended: read :attr:`paused_until` and redraw."""
    settings_changed = Signal()
    """New notification settings are in force: what counts as unread may have changed."""

    def __init__(
        self,
        settings: NotificationSettings,
        notifier: Notifier,
        *,
        clock: Clock = system_clock,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.dispatcher: Dispatcher[NewEvent] = Dispatcher(settings, clock)
        self._clock = clock
        self.timer = QTimer(self)
        """Armed for the dispatcher's next deadline (a summary, the end of the pause)."""
        self.timer.setSingleShot(True)
        # A coarse timer may fire a little early, and a summary would then wait a round more.
        self.timer.setTimerType(Qt.TimerType.PreciseTimer)
        self.timer.timeout.connect(self.on_timer_timeout)
        self._targets: dict[str, ToastTarget] = {}
        self.toast_sender = ToastSender(notifier, self._targets, self.shown)
        """Puts every toast on screen and brings the answers back to their node."""

    def now(self) -> Moment:
        """The router's clock: wall time for the pause, monotonic time for spans."""
        return self._clock()

    def node_paused_until(self, node: str) -> datetime | None:
        """When the pause of ``node`` alone ends; None when it has none."""
        return self.dispatcher.node_paused_until(node) if node else None

    def node_pause_end_text(self, node: str) -> str | None:
        """When the pause of ``node`` alone ends, as the tray says it; None when it has none."""
        until = self.node_paused_until(node)
        return pause_end_text(until, self._clock().wall) if until is not None else None

    @property
    def settings(self) -> NotificationSettings:
        """The user's notification settings now in force."""
        return self.dispatcher.settings

    @property
    def paused_until(self) -> datetime | None:
        """When the app-wide pause ends; None when toasts are on."""
        return self.dispatcher.paused_until

    def pause_end_text(self) -> str | None:
        """When the pause ends, as the tray's tooltip says it; None when not paused."""
        until = self.paused_until
        return pause_end_text(until, self._clock().wall) if until is not None else None

    def apply(self, settings: NotificationSettings) -> None:
        """The user saved new notification settings: every toast from now on follows them,
        and whoever draws from them (the badge) is told."""
        self.dispatcher.settings = settings
        self._arm()
        self.settings_changed.emit()

    def attach(self, node: str, target: ToastTarget) -> None:
        """Send the deliveries of ``node`` and the answers to its toasts to ``target``."""
        self._targets[node] = target

    def detach(self, node: str) -> None:
        """``node`` is no longer watched."""
        self._targets.pop(node, None)
        self.toast_sender.forget(node)

    def news(self, node: str, toast: Toast) -> None:
        """A toast not about an event (a node down for minutes, or back): shown unless
        a pause or quiet hours keep it off the screen; it delivers nothing."""
        if not self.dispatcher.hushes(toast.urgency, node):
            self.toast_sender.send(Outgoing(node, toast))

    def new_event(self, node: str, new: NewEvent) -> None:
        self._carry_out(
            self.dispatcher.event(
                node,
                new.row.rowid,
                new.toast,
                category(new.event),
                new.source,
                new,
                pairing_of(new.event),
            )
        )

    def catch_up_finished(self, node: str, missed: int) -> None:
        self._carry_out(self.dispatcher.catch_up_finished(node, missed))

    def pause(self, until: datetime | None, node: str = "") -> None:
        """Pause every node's toasts, or ``node``'s alone, until ``until`` (aware local
        time); None resumes."""
        self._carry_out(self.dispatcher.pause(until, node))

    def shown(self, ticket: int, ok: bool) -> None:
        """A controller's report on a toast it was given."""
        self._carry_out(self.dispatcher.shown(ticket, ok))

    def on_timer_timeout(self) -> None:
        self._carry_out(self.dispatcher.tick())

    def _carry_out(self, outputs: Iterable[Output[NewEvent]]) -> None:
        paused = False
        for output in outputs:
            if isinstance(output, Show):
                if output.node not in self._targets:
                    log.warning("a toast for %s, which is no longer watched", output.node)
                    continue
                new = output.payload
                self.toast_sender.send(
                    Outgoing(
                        output.node,
                        output.toast,
                        image_path=new.image_path if new is not None else None,
                        row=new.row if new is not None else None,
                        rowids=output.rowids,
                        ticket=output.ticket,
                    )
                )
            elif isinstance(output, Delivered):
                target = self._targets.get(output.node)
                if target is not None:
                    target.deliver(output.rowids)
            elif isinstance(output, PauseChanged):
                paused = True
        if paused:
            self.pause_changed.emit()
        self._arm()

    def _arm(self) -> None:
        wait = self.dispatcher.next_tick()
        if wait is None:
            self.timer.stop()
            return
        self.timer.start(min(MAX_TIMER_MS, math.ceil(wait * 1000)))
