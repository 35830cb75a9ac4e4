"""The composition root: the tray app wired up on the qasync loop.

Everything is built here and nowhere else: settings, store, session, notifier,
tray and window. The parts do not know each other; they are connected here.

The tray icon comes first. Before the loop runs only Qt's widgets and the tray
are loaded and the icon is shown; settings, passwords, stores, links, the
notifier and the windows are built once the loop runs, behind the icon. That is
why the imports of those parts sit in the functions that build them.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from obnotify import APP_ID, APP_NAME, __version__
from obnotify.cli.options import AppOptions

if TYPE_CHECKING:
    import asyncio

    from PySide6.QtWidgets import QApplication, QMessageBox

    from obnotify.demo.node import SimNode
    from obnotify.node.config import NodeConfig
    from obnotify.node.factory import NodeParts
    from obnotify.settings.values import NodeEntry, Settings
    from obnotify.ui.front import Front
    from obnotify.ui.help import HelpWindow
    from obnotify.ui.node_controller import NodeController
    from obnotify.ui.settings_window import SettingsWindow
    from obnotify.ui.toasts import ToastRouter
    from obnotify.ui.tray import Tray
    from obnotify.ui.tray_board import TrayBoard

__all__ = ["run_app"]

log = logging.getLogger("obnotify")

SHUTDOWN_TIMEOUT: Final = 5.0
LOG_FILE_BYTES: Final = 2_000_000
LOG_FILE_BACKUPS: Final = 3
EXIT_NO_NODE: Final = 1
EXIT_BAD_SETTINGS: Final = 2
EXIT_NO_DESKTOP: Final = 2
_WANTS_DEMO: Final = -1
"""What the first run returns when the user chose the demo: start it, then watch it."""


def _setup_logging(verbose: bool) -> Path:
    import platformdirs

    from obnotify.log_file import RotatingLog

    log_dir = Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "obnotify.log"
    handlers: list[logging.Handler] = [RotatingLog(path, LOG_FILE_BYTES, LOG_FILE_BACKUPS)]
    # A windowed build may have no stdout or stderr at all.
    if sys.stderr is not None:
        handlers.append(logging.StreamHandler(sys.stderr))
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        handlers=handlers,
    )
    # Request lines carry nothing secret, but at INFO they would drown the app's own log.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    # At DEBUG websockets logs every handshake header, the password's Authorization among them.
    logging.getLogger("websockets").setLevel(logging.INFO)
    # At DEBUG qasync logs every call handed to a thread with its arguments and result: a
    # password typed in the welcome, one read from the keyring, whole thumbnails.
    logging.getLogger("qasync").setLevel(logging.INFO)
    return path


def _entry_config(
    entry: NodeEntry, password_env: str, password: str = "", token_env: str = ""
) -> NodeConfig:
    """A settings entry as a node to open; ``password`` is one just typed, else it is looked up.

    No prompt: the app must not block its loop. A user without a password found starts
    without one; the node refuses it and the node's controller asks in a non-modal dialog.
    """
    from obnotify.desktop.credentials import credentials_for

    found = credentials_for(
        entry.url,
        entry.in_use().user,
        entry.kind,
        password_env="" if password else password_env,
        token_env=token_env,
    )
    return entry.node_config(password or found.password, found.token)


def _node_configs(options: AppOptions, settings: Settings, demo_url: str) -> list[NodeConfig]:
    """The nodes to watch: the demo, ``--node`` with its options, else the settings file's.

    Looks passwords up in the keyring, which may block: run it in a thread.
    """
    from obnotify.node.config import make_config

    if demo_url:
        kind = options.connection.kind
        if kind == "mobazha":
            return [make_config(demo_url, name="Demo store", store_key="demo-mobazha", kind=kind)]
        return [make_config(demo_url, name="Demo store", store_key="demo")]
    connection = options.connection
    if options.node:
        found = connection.credentials(options.node)
        return [connection.node_config(options.node, found.password, found.token)]
    return [
        _entry_config(entry, connection.password_env, token_env=connection.token_env)
        for entry in settings.enabled_nodes
    ]


async def _start_demo(delay: float, kind: str = "ob") -> tuple[SimNode, asyncio.Task[None]]:
    import asyncio

    from obnotify.demo import scenario
    from obnotify.demo.node import SimNode

    if kind == "mobazha":
        from obnotify.demo import mobazha

        mobazha_node = mobazha.MobazhaSimNode(wallet_interval=15.0)
        mobazha.seed(mobazha_node)
        await mobazha_node.start()
        return mobazha_node, asyncio.create_task(mobazha.play_when_watched(mobazha_node, delay))
    node = SimNode(wallet_interval=15.0)
    scenario.seed(node)
    await node.start()

    async def play() -> None:
        await node.wait_for_clients(1, timeout=3600)
        await scenario.play(node, delay)

    return node, asyncio.create_task(play())


_TELLING: Final[set[asyncio.Future[None]]] = set()
"""The messages on screen that nothing waits for: held here until the user closes each,
or the task showing it (and the box with it) would be collected."""


def _tell_soon(text: str, *, problem: bool) -> None:
    """Show a message and go on; it stays on screen until the user closes it."""
    import asyncio

    telling = asyncio.ensure_future(_tell(text, problem=problem))
    _TELLING.add(telling)
    telling.add_done_callback(_TELLING.discard)


async def _tell(text: str, *, problem: bool) -> None:
    """Show a message and wait until it is closed, without re-entering the loop (no exec())."""
    import asyncio

    from PySide6.QtWidgets import QMessageBox

    (log.error if problem else log.warning)("%s", text)
    icon = QMessageBox.Icon.Critical if problem else QMessageBox.Icon.Information
    box = QMessageBox(icon, "obnotify", text)
    closed = asyncio.Event()
    box.finished.connect(closed.set)
    box.open()
    await closed.wait()


@dataclass(frozen=True, slots=True)
class _Watched:
    """One node while the app runs: its parts, its controller and the task running its session."""

    parts: NodeParts
    controller: NodeController
    run: asyncio.Task[None]


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
    demo = await _start_demo(options.demo_delay, kind) if options.demo else None
    try:
        result = await _watch_nodes(
            app, options, first_tray, demo[0].url if demo else "", quit_event, front
        )
        if result == _WANTS_DEMO:
            demo = await _start_demo(options.demo_delay)
            demo_options = dataclasses.replace(options, demo=True)
            result = await _watch_nodes(
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


async def _watch_nodes(
    app: QApplication,
    options: AppOptions,
    first_tray: Tray | None,
    demo_url: str,
    quit_event: asyncio.Event,
    front: Front | None = None,
) -> int:
    """Build every node's parts behind the tray icon that is already shown, run until quit.

    ``front`` answers later starts of the app; without one (no single-instance socket) a
    private one stands in.

    Settings saved in the settings window apply at once: new notification rules go to
    the router, and a changed list of nodes closes the nodes watched and opens the new ones.
    """
    import asyncio

    from obnotify.desktop.notifier import DesktopNotifierBackend
    from obnotify.desktop.platform import has_ob_handler
    from obnotify.node.config import ConfigError
    from obnotify.settings.example import EXAMPLE
    from obnotify.settings.location import default_config_path
    from obnotify.settings.reading import load_settings
    from obnotify.store.errors import StoreError
    from obnotify.ui.front import Front
    from obnotify.ui.node_offer import NodeOffer
    from obnotify.ui.toasts import ToastRouter

    try:
        settings = load_settings(Path(options.config) if options.config else None)
        configs = await asyncio.to_thread(_node_configs, options, settings, demo_url)
    except ConfigError as exc:
        if first_tray is not None:
            first_tray.hide()
        await _tell(str(exc), problem=True)
        return EXIT_BAD_SETTINGS
    typed_password = ""
    if not configs:
        if first_tray is not None:
            first_tray.hide()
        path = settings.path
        if path is not None and not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(EXAMPLE, encoding="utf-8")
        log.info("no node to watch yet: showing the welcome window (settings: %s)", path)
        chosen = await _first_run(settings, options.connection.password_env)
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
        _tell_soon("\n".join(settings.warnings), problem=False)

    # One dispatcher (one pause) and one notifier for every node: they share the screen.
    toasts = ToastRouter(settings.notifications, DesktopNotifierBackend())
    ob_handler = await asyncio.to_thread(has_ob_handler)
    if first_tray is None:
        log.warning("no system tray here: showing the window instead")
    changes: asyncio.Queue[Settings] = asyncio.Queue()
    settings_window = _SettingsSlot(settings.path, changes.put_nowait)
    front = front or Front()
    room = _Room(options, toasts, ob_handler, quit_event, settings_window, front)
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
            await _tell(str(exc), problem=True)
            return EXIT_BAD_SETTINGS
        first_tray, typed_password = None, ""
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
            await _shut_down(nodes, front)
        if new is None:
            return 0
        log.info("the settings changed the nodes to watch: opening them again")
        try:
            configs = await asyncio.to_thread(_node_configs, options, settings, demo_url)
        except ConfigError as exc:
            await _tell(str(exc), problem=True)
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


class _SettingsSlot:
    """The one settings window, built when first asked for; saving hands the new settings on."""

    def __init__(self, path: Path | None, on_saved: Callable[[Settings], None]) -> None:
        self._path = path
        self._on_saved = on_saved
        self._window: SettingsWindow | None = None

    def show(self) -> None:
        if self._window is None:
            from obnotify.node.config import ConfigError
            from obnotify.settings.reading import load_settings
            from obnotify.ui.settings_window import SettingsWindow

            try:
                settings = load_settings(self._path)
            except ConfigError as exc:
                # A file broken by hand: the message says what to fix; the tray goes on.
                _tell_soon(str(exc), problem=True)
                return
            self._window = SettingsWindow(settings)
            self._window.saved.connect(self._on_saved)
        self._window.show()
        self._window.raise_()
        self._window.activateWindow()


class _Room:
    """What every node shares while the app runs, and the opening of the nodes in it."""

    def __init__(
        self,
        options: AppOptions,
        toasts: ToastRouter,
        ob_handler: bool,
        quit_event: asyncio.Event,
        settings_window: _SettingsSlot,
        front: Front,
    ) -> None:
        self.options = options
        self.front = front
        self.toasts = toasts
        self.ob_handler = ob_handler
        self.quit_event = quit_event
        self.settings_window = settings_window
        self._board: TrayBoard | None = None
        """The one tray icon of every node; it stays while the nodes are opened again,
        and with no node enabled it keeps the settings in reach."""
        self._help: HelpWindow | None = None
        """The guide's window once opened; closing it only hides it."""
        self._about: QMessageBox | None = None
        """The About box once opened; closing it only hides it."""

    def show_help(self) -> None:
        """One help window for the run: asking again brings it forward."""
        from obnotify.ui.help import show_help

        self._help = show_help(self._help)

    def set_tray_style(self, style: str) -> None:
        """Draw the tray icon as the settings' ``tray_style`` says."""
        if self._board is not None:
            self._board.tray.set_style(style)

    def show_about(self) -> None:
        """One About box for the run: asking again brings it forward."""
        import platformdirs

        from obnotify.settings.location import default_config_path
        from obnotify.ui.about import show_about

        config = Path(self.options.config) if self.options.config else default_config_path()
        log_dir = Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
        self._about = show_about(
            config, self.options.connection.data_path(), log_dir / "obnotify.log", self._about
        )

    def set_autostart(self, enabled: bool) -> None:
        """Start at login as the settings now say, and tick the tray menus to match."""
        from obnotify.desktop import autostart

        if not autostart.supported():
            return
        # The login start watches what this start does, the same way.
        autostart.set_enabled(enabled, autostart.login_args(self.options))
        if self._board is not None:
            self._board.tray.set_autostart(True, autostart.is_enabled())

    async def open(
        self,
        configs: list[NodeConfig],
        settings: Settings,
        first_tray: Tray | None,
        tray_available: bool,
        typed_password: str,
    ) -> list[_Watched]:
        """Open each node behind the one tray icon (``first_tray`` on the first call) and start it."""
        import asyncio

        from obnotify.node.factory import open_node
        from obnotify.ui.node_controller import NodeController
        from obnotify.ui.shared_window import SharedWindow

        if tray_available and self._board is None:
            self._board = self._make_board(first_tray)
        self.set_tray_style(settings.tray_style)
        connection = self.options.connection
        data_dir = connection.data_path()
        if self.options.demo and not connection.data_dir:
            data_dir = data_dir / "demo"
        opened: list[NodeParts] = []
        for config in configs:
            try:
                opened.append(
                    open_node(
                        config,
                        data_dir=data_dir,
                        cache_dir=connection.cache_path(),
                        history_cap=settings.history_limit,
                    )
                )
            except BaseException:
                for parts in opened:
                    await parts.close()
                raise
        # One window for every node, built when first opened.
        window = SharedWindow(
            [parts.store for parts in opened],
            [parts.session.config.display_name for parts in opened],
            ob_handler=self.ob_handler,
        )
        nodes: list[_Watched] = []
        for index, parts in enumerate(opened):
            config = parts.session.config
            controller = NodeController(
                parts.session,
                window,
                self._board,
                self.toasts,
                place=index,
                ob_handler=self.ob_handler,
            )
            parts.session.listener = controller
            if index == 0 and typed_password:
                controller.keep_password_when_accepted(typed_password)
            controller.start()
            nodes.append(_Watched(parts, controller, asyncio.create_task(parts.session.run())))
            log.info("obnotify %s watching %s", __version__, config.display_name)
        if self._board is None and nodes:
            window.show()
        self.front.watching([node.controller for node in nodes])
        if self._board is not None:
            self._board.redraw()
            self._board.tray.show()
        return nodes

    def _make_board(self, first_tray: Tray | None) -> TrayBoard:
        """The one tray icon, its global entries wired once for the whole run."""
        from obnotify.desktop import autostart
        from obnotify.ui.tray import Tray
        from obnotify.ui.tray_board import TrayBoard

        tray = first_tray if first_tray is not None else Tray()
        board = TrayBoard(tray, self.toasts, on_idle_open=self.settings_window.show)
        # Not app.quit: that stops the loop under this coroutine, so the
        # sessions and stores would never be closed.
        tray.quit_requested.connect(self.quit_event.set)
        tray.settings_requested.connect(self.settings_window.show)
        tray.about_requested.connect(self.show_about)
        tray.help_requested.connect(self.show_help)
        tray.set_autostart(autostart.supported(), autostart.is_enabled())
        tray.autostart_toggled.connect(self.set_autostart)
        return board


async def _first_run(settings: Settings, password_env: str) -> tuple[NodeConfig, str] | str | None:
    """No node yet: the welcome window offers what runs here, a node by address, or the demo.

    The chosen node is added to the settings file, so the next start watches it too.
    Returns that node and the password typed for it ("" for none), ``"demo"``, or
    None once the window is closed without a choice.
    """
    import asyncio
    import dataclasses

    from obnotify.node.config import ConfigError
    from obnotify.node.discover import Candidate, discover
    from obnotify.settings.writing import save_settings
    from obnotify.ui.welcome import WelcomeWindow, candidate_entry

    window = WelcomeWindow(await discover())
    answers: asyncio.Queue[tuple[Candidate, str] | str] = asyncio.Queue()
    window.chosen.connect(lambda candidate, password: answers.put_nowait((candidate, password)))
    window.demo_requested.connect(lambda: answers.put_nowait("demo"))
    window.closed.connect(lambda: answers.put_nowait("closed"))
    window.show()
    try:
        while True:
            answer = await answers.get()
            if isinstance(answer, str):
                return None if answer == "closed" else answer
            candidate, password = answer
            entry = candidate_entry(candidate)
            try:
                config = await asyncio.to_thread(_entry_config, entry, password_env, password)
                await asyncio.to_thread(
                    save_settings,
                    dataclasses.replace(settings, nodes=(*settings.nodes, entry)),
                    settings.path,
                )
            except ConfigError as exc:
                window.show_problem(str(exc))
                continue
            except OSError as exc:
                window.show_problem(f"Cannot save the settings to {settings.path}: {exc.strerror}.")
                continue
            return config, password
    finally:
        window.hide()
        window.deleteLater()


async def _shut_down(nodes: list[_Watched], front: Front) -> None:
    import asyncio
    import contextlib

    front.watching([])

    for node in nodes:
        node.parts.session.stop()
    with contextlib.suppress(TimeoutError, asyncio.CancelledError):
        await asyncio.wait_for(asyncio.gather(*(node.run for node in nodes)), SHUTDOWN_TIMEOUT)
    for node in nodes:
        node.controller.stop()
        await node.parts.close()
        node.controller.deleteLater()
    if nodes:
        nodes[0].controller.window.close()


NODE_STACK: Final = (
    "obnotify.node.factory",
    "obnotify.desktop.notifier",
    "obnotify.settings.reading",
    "desktop_notifier",
    "dbus_fast.aio",
    "websockets.asyncio.client",
)
"""What every node runs on: imported behind the icon."""


class _Forgetful(dict[str, Any]):
    """A ``linecache.cache`` that keeps no source: what is read is let go as soon as it is used.

    A lazy entry (one item: how to read the source, where there is no file, as in a bundle)
    is kept, since linecache reads it back at once; it holds no text.
    """

    def __setitem__(self, key: str, value: Any) -> None:
        if isinstance(value, tuple) and len(value) == 1:
            super().__setitem__(key, value)


def keep_no_source() -> None:
    """Keep no module's source text for the life of the app.

    PySide6 reads the source of every module imported after it, to see whether the module
    uses its ``__feature__`` switches, and ``linecache`` would keep every line it read for the
    life of the process: 13 MB for what the app imports, 0.8 MB of it for the HTTP stack it
    imports at its first request. Kept for a while, that text lies between the modules' code
    and stays resident even once dropped; let go as each module is read, its memory is reused
    by the next one. A traceback reads the few lines it prints from the file again.
    """
    import linecache

    linecache.clearcache()
    linecache.cache = _Forgetful()


def _import_node_stack() -> None:
    """Import what the nodes run on, behind the icon."""
    import importlib

    for name in NODE_STACK:
        importlib.import_module(name)


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
    _import_node_stack()
    log_path = _setup_logging(verbose=bool(os.environ.get("OBNOTIFY_DEBUG")))
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
