"""Native notifications: a small interface, the desktop-notifier implementation, a recorder.

The app shows toasts through :class:`Notifier` only, so tests record toasts
with :class:`RecordingNotifier` and the real backend stays a thin mapping onto
desktop-notifier. Four things that library leaves to its callers are done
here: it is created inside the running loop (its D-Bus connection binds to
that loop), callbacks are plain functions (it never awaits one), the body is
escaped for Linux notification servers that read a markup subset in it, and
toasts shown at once reach the server in the order they were given, each
written before the server has answered the one before.

What the user does with a toast comes back as desktop-notifier reports it: by
the toast's id, to one listener (:class:`ToastAnswers`) set once, so no toast
carries callbacks of its own.
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable, Collection
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Protocol

from obnotify import notifier_app_name
from obnotify.core.render import Toast, Urgency
from obnotify.resources import APP_ICON_PNG

__all__ = [
    "DesktopNotifierBackend",
    "Notifier",
    "RecordingNotifier",
    "ShownToast",
    "ToastAnswers",
    "escape_body",
    "escape_for",
    "freedesktop_capabilities",
    "uses_body_markup",
]

log = logging.getLogger(__name__)

BODY_MARKUP: Final = "body-markup"
"""The freedesktop capability of servers that parse markup in the body."""

REPLY_ACTION: Final = "reply"
"""The toast action that becomes an inline reply field where the server has one."""


class ToastAnswers(Protocol):
    """Where what the user does with a toast goes, named by the id :meth:`Notifier.show` gave."""

    def clicked(self, toast_id: str) -> None:
        """The toast itself was clicked."""
        ...

    def pressed(self, toast_id: str, action: str) -> None:
        """A button was pressed: an action id of its ``toast.actions``; ``"reply"`` when
        there is no inline reply and the user pressed "Reply" to open the window."""
        ...

    def replied(self, toast_id: str, text: str) -> None:
        """Text was typed in the toast's inline reply field."""
        ...


class Notifier(Protocol):
    """Shows toasts and takes them down again."""

    def listen(self, answers: ToastAnswers) -> None:
        """Send what the user does with every toast to ``answers`` from now on."""
        ...

    async def show(
        self, toast: Toast, *, image_path: Path | None, inline_reply: bool = False
    ) -> str | None:
        """Show a toast.

        Calls made one after the other, without waiting for each to return,
        reach the screen in the order they were made.

        Args:
            toast: What to show.
            image_path: A local picture (listing thumbnail or avatar), or None.
            inline_reply: Offer its ``"reply"`` action as a field to type in, where
                the server has one; else it is a button.

        Returns:
            The toast's id (for the answers and :meth:`clear`), or None when the
            toast could not be shown.
        """
        ...

    async def clear(self, notification_id: str) -> None:
        """Take a shown toast down; unknown ids are ignored."""
        ...

    async def prepare(self) -> None:
        """Get ready before the first toast is due, so that one goes out without delay."""
        ...


def uses_body_markup(platform: str = sys.platform) -> bool:
    """Whether notification servers on ``platform`` may read markup in the body.

    Linux and BSD servers (the freedesktop D-Bus protocol) may: dunst, GNOME
    and KDE render ``<b>``, ``<i>``, ``<a>``, ``<img>`` there, each server
    saying so with its ``body-markup`` capability. The summary is plain text in
    that protocol and those servers escape it themselves, so it is never escaped
    here: an entity would show literally. Windows builds toast XML with escaping
    and macOS shows plain text.
    """
    return not (platform.startswith("win") or platform == "darwin")


def escape_for(server_capabilities: Collection[str] | None) -> bool:
    """Whether to escape the body for a server with these freedesktop capabilities.

    A server with ``body-markup`` parses the body, so node text must be escaped;
    one without it (dunst with ``markup = no``) shows the body as sent, and an
    escaped body would show its entities. When the server could not be asked
    (None), escaping is the safe side.
    """
    return server_capabilities is None or BODY_MARKUP in server_capabilities


async def freedesktop_capabilities() -> tuple[str, ...] | None:
    """The capabilities the session's notification server reports, or None if it cannot be asked.

    desktop-notifier keeps the raw list to itself, so this asks the server once
    over a short-lived D-Bus connection of its own.
    """
    try:
        from dbus_fast import Message, MessageType
        from dbus_fast.aio import MessageBus

        bus = await MessageBus().connect()
    except Exception:
        log.debug("no session bus to ask the notification server", exc_info=True)
        return None
    try:
        reply = await bus.call(
            Message(
                destination="org.freedesktop.Notifications",
                path="/org/freedesktop/Notifications",
                interface="org.freedesktop.Notifications",
                member="GetCapabilities",
            )
        )
    except Exception:
        log.debug("the notification server did not answer GetCapabilities", exc_info=True)
        return None
    finally:
        bus.disconnect()
    if reply is None or reply.message_type != MessageType.METHOD_RETURN or not reply.body:
        return None
    return tuple(str(name) for name in reply.body[0])


def escape_body(text: str) -> str:
    """The body with ``&``, ``<`` and ``>`` turned into entities, quotes left alone."""
    # Loaded with the first toast: ``html`` brings its table of entity names, 0.2 MiB.
    import html

    return html.escape(text, quote=False)


def _guarded(callback: Callable[..., None], what: str) -> Callable[..., None]:
    """A callback that logs its own failure, since desktop-notifier calls it from D-Bus code."""

    def call(*args: Any) -> None:
        try:
            callback(*args)
        except Exception:
            log.exception("toast %s handler failed", what)

    return call


class DesktopNotifierBackend:
    """:class:`Notifier` over desktop-notifier's ``DesktopNotifier``.

    Args:
        app_name: The name for the notification centre; by default the platform's
            (:func:`obnotify.notifier_app_name`).
        app_icon: The icon file shown with every toast.
        escape_markup: Escape the body, or not; by default it is escaped when the
            platform's servers may read markup (:func:`uses_body_markup`) and
            the server in use says it does (:func:`escape_for`).
        factory: Makes the notifier from ``app_name`` and ``app_icon`` keywords;
            ``desktop_notifier.DesktopNotifier`` by default (tests pass a fake).
    """

    def __init__(
        self,
        *,
        app_name: str | None = None,
        app_icon: Path | None = APP_ICON_PNG,
        escape_markup: bool | None = None,
        factory: Callable[..., Any] | None = None,
    ) -> None:
        self.app_name = app_name or notifier_app_name()
        self.app_icon = app_icon
        self.escape_markup = escape_markup
        """Whether the body is escaped; None until the server has been asked."""
        if escape_markup is None and not uses_body_markup():
            self.escape_markup = False
        self._factory = factory
        self._notifier: Any = None
        self._capabilities: frozenset[Any] | None = None
        self._ready = False
        self._turn = asyncio.Lock()
        """Held from a toast's start until its request is written: toasts go out in call order."""
        self._answers: ToastAnswers | None = None

    def listen(self, answers: ToastAnswers) -> None:
        self._answers = answers

    def _clicked(self, toast_id: str) -> None:
        if self._answers is not None:
            self._answers.clicked(toast_id)

    def _pressed(self, toast_id: str, action: str) -> None:
        if self._answers is not None:
            self._answers.pressed(toast_id, action)

    def _replied(self, toast_id: str, text: str) -> None:
        if self._answers is not None:
            self._answers.replied(toast_id, text)

    def _desktop_notifier(self) -> Any:
        """The DesktopNotifier, made on first use, inside the running loop."""
        if self._notifier is None:
            asyncio.get_running_loop()
            from desktop_notifier import DesktopNotifier, Icon

            icon = Icon(path=self.app_icon) if self.app_icon is not None else None
            factory = self._factory or DesktopNotifier
            if self._factory is None and sys.platform.startswith("linux"):
                from obnotify.desktop.desktop_entry import desktop_entry_notifier

                factory = desktop_entry_notifier
            notifier = factory(app_name=self.app_name, app_icon=icon)
            # One handler each for every toast: the answers name the toast by its id.
            notifier.on_clicked = _guarded(self._clicked, "click")
            notifier.on_button_pressed = _guarded(self._pressed, "button")
            notifier.on_replied = _guarded(self._replied, "reply")
            self._notifier = notifier
        return self._notifier

    async def capabilities(self) -> frozenset[Any]:
        """What the notification server can do (``desktop_notifier.Capability``), asked once."""
        if self._capabilities is None:
            try:
                self._capabilities = await self._desktop_notifier().get_capabilities()
            except Exception:
                log.warning("could not ask the notification server what it supports", exc_info=True)
                return frozenset()
        return self._capabilities

    async def show(
        self, toast: Toast, *, image_path: Path | None, inline_reply: bool = False
    ) -> str | None:
        async with self._turn:
            capabilities = await self._prepare()
            dispatched: list[bool] = []
            # As a task, the request is written on the task's first step, which comes
            # before the next toast's turn; the server's answer is awaited outside the
            # lock, so a slow server never holds up the toasts behind this one.
            sending = asyncio.ensure_future(
                self._desktop_notifier().send(
                    **self._send_arguments(toast, image_path, inline_reply, capabilities),
                    on_dispatched=lambda: dispatched.append(True),
                )
            )
        try:
            identifier: str = await sending
        except Exception:
            log.warning("could not show a notification", exc_info=True)
            return None
        # desktop-notifier logs a failed send and returns all the same; only the
        # dispatch callback tells that the server took the toast.
        return identifier if dispatched else None

    async def prepare(self) -> None:
        # Asking the server takes round trips, which a busy loop (a burst coming in)
        # stretches to seconds: done at start, the first toast of a burst never waits.
        async with self._turn:
            await self._prepare()

    async def _prepare(self) -> frozenset[Any]:
        """Ask the server once what it can do, so later sends only write their request."""
        capabilities = await self.capabilities()
        if self.escape_markup is None:
            self.escape_markup = escape_for(await freedesktop_capabilities())
        if not self._ready:
            try:
                await self._desktop_notifier().request_authorisation()
            except Exception:
                log.warning("could not ask for permission to notify", exc_info=True)
            self._ready = True
        return capabilities

    def _send_arguments(
        self,
        toast: Toast,
        image_path: Path | None,
        inline_reply: bool,
        capabilities: frozenset[Any],
    ) -> dict[str, Any]:
        """desktop-notifier's ``send`` keywords for a toast; its answers go to the handlers."""
        from desktop_notifier import DEFAULT_SOUND, Attachment, Button, Capability, ReplyField
        from desktop_notifier import Urgency as NativeUrgency

        urgency = {
            Urgency.LOW: NativeUrgency.Low,
            Urgency.NORMAL: NativeUrgency.Normal,
            Urgency.CRITICAL: NativeUrgency.Critical,
        }[toast.urgency]
        buttons: list[Any] = []
        reply_field: Any = None
        for action_id, label in toast.actions:
            if (
                action_id == REPLY_ACTION
                and inline_reply
                and Capability.REPLY_FIELD in capabilities
            ):
                reply_field = ReplyField(title=label, button_title="Send")
                continue
            buttons.append(Button(title=label, identifier=action_id))
        return {
            "title": toast.title,
            "message": escape_body(toast.body) if self.escape_markup else toast.body,
            "urgency": urgency,
            "buttons": buttons,
            "reply_field": reply_field,
            "attachment": Attachment(path=image_path) if image_path is not None else None,
            "thread": toast.group or None,
            "sound": DEFAULT_SOUND if toast.sound else None,
            # 0: the server keeps it until dismissed; -1: the server's own timeout.
            "timeout": 0 if toast.sticky else -1,
        }

    async def clear(self, notification_id: str) -> None:
        if self._notifier is None:
            return
        try:
            await self._notifier.clear(notification_id)
        except Exception:
            log.debug("notification %s was already gone", notification_id, exc_info=True)


@dataclass
class ShownToast:
    """One call of :meth:`RecordingNotifier.show`, for a test to answer as a user would."""

    id: str
    toast: Toast
    image_path: Path | None
    inline_reply: bool
    notifier: RecordingNotifier
    cleared: bool = False

    def click(self) -> None:
        """Click the toast, as the server would report it."""
        if self.notifier.answers is not None:
            self.notifier.answers.clicked(self.id)

    def press(self, action: str) -> None:
        """Press one of its buttons."""
        if self.notifier.answers is not None:
            self.notifier.answers.pressed(self.id, action)

    def reply(self, text: str) -> None:
        """Type in its inline reply field."""
        if self.notifier.answers is not None:
            self.notifier.answers.replied(self.id, text)


@dataclass
class RecordingNotifier:
    """A :class:`Notifier` that shows nothing and remembers every toast.

    Args:
        fail: Make :meth:`show` report failure (return None), as a missing server would.
        answer: When given, :meth:`show` records the toast at once and returns only
            once this is set, as a server that answers late.
    """

    fail: bool = False
    answer: asyncio.Event | None = None
    shown: list[ShownToast] = field(default_factory=list)
    """Every toast shown, oldest first."""
    cleared: list[str] = field(default_factory=list)
    """Ids passed to :meth:`clear`, in order."""
    prepared: bool = False
    """Whether :meth:`prepare` was called."""
    answers: ToastAnswers | None = None
    """Where :class:`ShownToast`'s clicks go, as :meth:`listen` set it."""

    def listen(self, answers: ToastAnswers) -> None:
        self.answers = answers

    async def show(
        self, toast: Toast, *, image_path: Path | None, inline_reply: bool = False
    ) -> str | None:
        if self.fail:
            return None
        record = ShownToast(
            id=f"toast-{len(self.shown) + 1}",
            toast=toast,
            image_path=image_path,
            inline_reply=inline_reply,
            notifier=self,
        )
        self.shown.append(record)
        if self.answer is not None:
            await self.answer.wait()
        return record.id

    async def prepare(self) -> None:
        self.prepared = True

    async def clear(self, notification_id: str) -> None:
        self.cleared.append(notification_id)
        for record in self.shown:
            if record.id == notification_id:
                record.cleared = True

    @property
    def titles(self) -> list[str]:
        """The titles shown, oldest first."""
        return [record.toast.title for record in self.shown]
