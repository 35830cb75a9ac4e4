"""The composition root: the tray app wired up on the qasync loop.

What is built, in which order, and how the parts are connected is decided here: the
tray icon, the loop, the settings, the toast router and the nodes' room
(:mod:`obnotify.ui.node_room`), and what a saved change of the settings reaches. The
parts do not know each other; they are connected here.

The tray icon comes first. Before the loop runs only Qt's widgets and the tray
are loaded and the icon is shown; settings, passwords, stores, links, the
notifier and the windows are built once the loop runs, behind the icon. That is
why the imports of those parts sit in the functions that build them.
"""

from __future__ import annotations

import logging
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Final

from obnotify import APP_ID, APP_NAME
from obnotify.cli.options import AppOptions

if TYPE_CHECKING:
    import asyncio

    from PySide6.QtWidgets import QApplication

    from obnotify.settings.values import Settings
    from obnotify.ui.front import Front
    from obnotify.ui.tray import Tray

__all__ = ["EXIT_BAD_SETTINGS", "EXIT_NO_DESKTOP", "EXIT_NO_NODE", "run_app", "watch_nodes"]

log = logging.getLogger("obnotify")

EXIT_NO_NODE: Final = 1
EXIT_BAD_SETTINGS: Final = 2
EXIT_NO_DESKTOP: Final = 2
_WANTS_DEMO: Final = -1
"""What the first run returns when the user chose the demo: start it, then watch it."""


async def _main(
    app: QApplication, options: AppOptions, first_tray: Tray | None, front: Front
) -> int:
    import asyncio
    import dataclasses

    from obnotify import lag_probe

    quit_event = asyncio.Event()
    app.aboutToQuit.connect(quit_event.set)
    _quit_on_signals(quit_event)
    probe = lag_probe.start_from_env()
    kind = options.connection.kind
    demo = None
    if options.demo:
        from obnotify.demo.tray_demo import start_demo

        demo = await start_demo(options.demo_delay, kind)
    try:
        result = await watch_nodes(
            app, options, first_tray, demo[0].url if demo else "", quit_event, front
        )
        if result == _WANTS_DEMO:
            from obnotify.demo.tray_demo import start_demo

            demo = await start_demo(options.demo_delay)
            demo_options = dataclasses.replace(options, demo=True)
            result = await watch_nodes(
                app, demo_options, first_tray, demo[0].url, quit_event, front
            )
        return result
    finally:
        if probe is not None:
            probe.cancel()
        if demo is not None:
            demo[1].cancel()
            await demo[0].stop()


def _quit_on_signals(quit_event: asyncio.Event) -> None:
    """SIGTERM (a logout, ``kill``, a service manager) and Ctrl-C quit as the menu's Quit does:
    each socket closed with a goodbye, then the stores. Not app.quit: that stops the loop
    under the coroutine that closes them."""
    import asyncio
    import contextlib
    import signal

    loop = asyncio.get_running_loop()
    for signum in (signal.SIGTERM, signal.SIGINT):
        # Windows' loops take no signal handlers; there the session ends the process.
        with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
            loop.add_signal_handler(signum, quit_event.set)


async def watch_nodes(
    app: QApplication,
    options: AppOptions,
    first_tray: Tray | None,
    demo_url: str,
    quit_event: asyncio.Event,
    front: Front | None = None,
) -> int:
    """Build every node's parts behind the tray icon that is already shown, run until quit.

    ``front`` answers later starts of the app; without one (no single-instance socket) a
    private one stands in. Returns the exit status once the app is to quit.

    Settings saved in the settings window apply at once: new notification rules go to
    the router, and a changed list of nodes closes the nodes watched and opens the new ones.
    """
    import asyncio

    from obnotify.cli.app_nodes import node_configs
    from obnotify.desktop.notifier import DesktopNotifierBackend
    from obnotify.desktop.platform import has_ob_handler
    from obnotify.node.config import ConfigError
    from obnotify.settings.location import default_config_path
    from obnotify.settings.reading import load_settings
    from obnotify.store.errors import StoreError
    from obnotify.ui.front import Front
    from obnotify.ui.main_thread_gc import settle
    from obnotify.ui.messages import tell, tell_soon
    from obnotify.ui.node_offer import NodeOffer
    from obnotify.ui.node_room import NodeRoom
    from obnotify.ui.settings_slot import SettingsSlot
    from obnotify.ui.toasts import ToastRouter

    try:
        settings = load_settings(Path(options.config) if options.config else None)
        configs = await asyncio.to_thread(node_configs, options, settings, demo_url)
    except ConfigError as exc:
        if first_tray is not None:
            first_tray.hide()
        await tell(str(exc), problem=True)
        return EXIT_BAD_SETTINGS
    typed_password = ""
    if not configs:
        if first_tray is not None:
            first_tray.hide()
        from obnotify.ui.first_run import first_run

        chosen = await first_run(settings, options.connection.password_env)
        if chosen is None:
            return EXIT_NO_NODE
        if isinstance(chosen, str):
            return _WANTS_DEMO
        config, typed_password = chosen
        configs = [config]
        settings = load_settings(settings.path)
        if first_tray is not None:
            first_tray.show()
    if settings.warnings:
        tell_soon("\n".join(settings.warnings), problem=False)

    # One dispatcher (one pause) and one notifier for every node: they share the screen.
    toasts = ToastRouter(settings.notifications, DesktopNotifierBackend())
    ob_handler = await asyncio.to_thread(has_ob_handler)
    if first_tray is None:
        log.warning("no system tray here: showing the window instead")
    changes: asyncio.Queue[Settings] = asyncio.Queue()
    settings_window = SettingsSlot(settings.path, changes.put_nowait)
    front = front or Front()
    room = NodeRoom(options, toasts, ob_handler, quit_event, settings_window, front)
    front.offer_nodes(
        NodeOffer(
            settings.path or default_config_path(),
            "--demo" if options.demo else f"--node {options.node}" if options.node else "",
            changes.put_nowait,
            front.bring_forward,
        )
    )
    tray_available = first_tray is not None
    window_shown = False
    while True:
        try:
            nodes = await room.open(configs, settings, first_tray, tray_available, typed_password)
        except StoreError as exc:
            await tell(str(exc), problem=True)
            return EXIT_BAD_SETTINGS
        first_tray, typed_password = None, ""
        # What exists now lives as long as the nodes: later collections need not walk it.
        settle()
        if window_shown and nodes:
            # The window the user had open comes back with the nodes now watched.
            nodes[0].controller.show_window()
        try:
            while True:
                new = await _next_settings(quit_event, changes)
                if new is None:
                    break
                toasts.apply(new.notifications)
                if new.start_at_login != settings.start_at_login:
                    room.set_autostart(new.start_at_login)
                room.set_tray_style(new.tray_style)
                reopen = not (options.demo or options.node) and (
                    new.enabled_nodes != settings.enabled_nodes
                    or new.history_limit != settings.history_limit
                )
                settings = new
                if reopen:
                    break
        finally:
            window_shown = bool(nodes) and nodes[0].controller.window.is_visible()
            await room.shut_down(nodes)
        if new is None:
            return 0
        log.info("the settings changed the nodes to watch: opening them again")
        try:
            configs = await asyncio.to_thread(node_configs, options, settings, demo_url)
        except ConfigError as exc:
            await tell(str(exc), problem=True)
            configs = []


async def _next_settings(
    quit_event: asyncio.Event, changes: asyncio.Queue[Settings]
) -> Settings | None:
    """The next settings saved in the settings window, or None once the app is to quit."""
    import asyncio

    quitting = asyncio.ensure_future(quit_event.wait())
    changed = asyncio.ensure_future(changes.get())
    await asyncio.wait((quitting, changed), return_when=asyncio.FIRST_COMPLETED)
    quitting.cancel()
    if changed.done() and not quit_event.is_set():
        return changed.result()
    changed.cancel()
    return None


def run_app(options: AppOptions) -> int:
    """Start the tray app; returns the exit status."""
    from obnotify.desktop.platform import claim_app_id, has_display

    if not has_display():
        print(
            "obnotify: no desktop session here (DISPLAY and WAYLAND_DISPLAY are unset). "
            "Run it in your desktop session, or use `obnotify watch URL` on a headless machine.",
            file=sys.stderr,
        )
        return EXIT_NO_DESKTOP
    claim_app_id()
    os.environ.setdefault("QT_API", "pyside6")
    from obnotify.node_stack import import_node_stack, keep_no_source

    keep_no_source()
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from obnotify.resources import APP_ICON_PNG
    from obnotify.settings.location import tray_style_of
    from obnotify.ui.front import Front, one_app
    from obnotify.ui.main_thread_gc import MainThreadCollector
    from obnotify.ui.tray import Tray

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else APP_NAME])
    assert isinstance(app, QApplication)
    # No display name: Qt would add it to every window's title ("obnotify — Shop — obnotify").
    app.setApplicationName(APP_NAME)
    app.setDesktopFileName(APP_ID)
    # A bitmap: an SVG would load Qt's SVG engine for good, for an icon the windows scale anyway.
    app.setWindowIcon(QIcon(str(APP_ICON_PNG)))
    app.setQuitOnLastWindowClosed(False)
    # Before any worker thread: a collection there could delete a Qt object off Qt's thread.
    MainThreadCollector(parent=app)
    # Before the icon: a later start hands its node on, or shows the running app's window,
    # and leaves no icon.
    front = Front()
    instance = one_app(options, front)
    if isinstance(instance, int):
        return instance
    # The icon before anything else: it is what tells the user the app has started.
    first_tray = Tray() if Tray.available() else None
    if first_tray is not None:
        # In the settings' style from the start: drawn in colour first, a monochrome one flashes.
        first_tray.set_style(tray_style_of(Path(options.config) if options.config else None))
        first_tray.show()
        # Hand the icon to the tray host now rather than after the imports below.
        app.processEvents()
    import_node_stack()
    from obnotify.app_log import setup_logging

    log_path = setup_logging(verbose=bool(os.environ.get("OBNOTIFY_DEBUG")))
    log.debug("logging to %s", log_path)
    # PySide6 before qasync, so qasync binds to it.
    import asyncio

    import qasync

    from obnotify.workers import IdleWorkers

    def new_loop() -> asyncio.AbstractEventLoop:
        loop: asyncio.AbstractEventLoop = qasync.QEventLoop(app)
        # Threads for blocking calls only while there are some: qasync's own keeps ten for good.
        loop.set_default_executor(IdleWorkers())
        return loop

    with asyncio.Runner(loop_factory=new_loop) as runner:
        try:
            result: int = runner.run(_main(app, options, first_tray, front))
        finally:
            if instance is not None:
                instance.close()
        return result
