"""The app's one toast dispatcher on the Qt loop: its timer, the shared pause, the routing.

Every decision is :class:`~obnotify.core.dispatch.Dispatcher`'s. This object
feeds it what the node controllers hear, arms one timer for when it next needs
the time, and hands each output to the controller of the node it concerns.
"""

from __future__ import annotations

import logging
import math
import time
from collections.abc import Iterable
from datetime import datetime
from typing import Final, Protocol

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from obnotify.core.dispatch import Clock, Delivered, Dispatcher, Moment, Output, PauseChanged, Show
from obnotify.core.folds import fold_of
from obnotify.core.policy import NotificationSettings, hushed
from obnotify.core.render import Urgency, category
from obnotify.core.tray_state import pause_end_text
from obnotify.node.session import NewEvent

__all__ = ["MAX_TIMER_MS", "ToastCarrier", "ToastRouter", "system_clock"]

log = logging.getLogger(__name__)

MAX_TIMER_MS: Final = 60_000
"""The timer is armed for at most this long and then asks again.

Qt's timers run on a clock that stops while the machine sleeps; a pause that
ended during the sleep still ends on screen within this long of waking.
"""


def system_clock() -> Moment:
    """The machine's clocks: local wall time and monotonic seconds."""
    return Moment(wall=datetime.now().astimezone(), mono=time.monotonic())


class ToastCarrier(Protocol):
    """What a node's controller does for the dispatcher."""

    def show_toast(self, show: Show[NewEvent]) -> None:
        """Put a toast on screen, then report with :meth:`ToastRouter.shown`; must not block."""
        ...

    def deliver(self, rowids: tuple[int, ...]) -> None:
        """Mark rows delivered: each id comes here once."""
        ...


class ToastRouter(QObject):
    """Feeds one :class:`Dispatcher` for every node and carries its outputs to the nodes.

    Args:
        settings: The user's notification settings, shared by every node.
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
        self._carriers: dict[str, ToastCarrier] = {}

    def now(self) -> Moment:
        """The router's clock: wall time for the pause, monotonic time for spans."""
        return self._clock()

    def hushed(self, urgency: Urgency, node: str = "") -> bool:
        """Whether a toast of this urgency, not from an event, must stay off the screen now
        (of ``node``, which may be paused on its own)."""
        ends = [end for end in (self.paused_until, self.node_paused_until(node)) if end]
        return hushed(
            self.settings,
            urgency,
            now=self._clock().wall,
            paused_until=max(ends) if ends else None,
        )

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

    def apply_settings(self, settings: NotificationSettings) -> None:
        """Put newly saved notification settings in force, and tell whoever draws from them."""
        self.dispatcher.settings = settings
        self.settings_changed.emit()

    @property
    def paused_until(self) -> datetime | None:
        """When the app-wide pause ends; None when toasts are on."""
        return self.dispatcher.paused_until

    def pause_end_text(self) -> str | None:
        """When the pause ends, as the tray's tooltip says it; None when not paused."""
        until = self.paused_until
        return pause_end_text(until, self._clock().wall) if until is not None else None

    def attach(self, node: str, carrier: ToastCarrier) -> None:
        """Send the toasts and deliveries of ``node`` to ``carrier``."""
        self._carriers[node] = carrier

    def detach(self, node: str) -> None:
        """``node`` is no longer watched."""
        self._carriers.pop(node, None)

    @property
    def names_nodes(self) -> bool:
        """Whether toasts must say which node they come from: more than one is watched."""
        return len(self._carriers) > 1

    def new_event(self, node: str, new: NewEvent) -> None:
        self._carry_out(
            self.dispatcher.event(
                node,
                new.row.rowid,
                new.toast,
                category(new.event),
                new.source,
                new,
                fold_of(new.event),
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
                carrier = self._carriers.get(output.node)
                if carrier is None:
                    log.warning("a toast for %s, which nobody shows", output.node)
                else:
                    carrier.show_toast(output)
            elif isinstance(output, Delivered):
                carrier = self._carriers.get(output.node)
                if carrier is not None:
                    carrier.deliver(output.rowids)
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
