"""The composition root: the tray app wired up on the qasync loop.

Everything is built here and nowhere else: settings, store, session, notifier,
tray and window. The parts do not know each other; they are connected here.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import logging
import logging.handlers
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Final

import platformdirs

from obnotify import APP_ID, APP_NAME, __version__
from obnotify.core.policy import ToastPolicy
from obnotify.node.config import ConfigError, NodeConfig, make_config, parse_node_url
from obnotify.node.options import (
    add_connection_options,
    cache_dir_from_args,
    config_from_args,
    data_dir_from_args,
)
from obnotify.settings import EXAMPLE, NodeEntry, Settings, load_settings

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from obnotify.demo.node import SimNode

__all__ = ["build_parser", "run_app"]

log = logging.getLogger("obnotify")

DEMO_DELAY: Final = 3.0
SHUTDOWN_TIMEOUT: Final = 5.0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="obnotify",
        description="Desktop notifications, balances and activity for OpenBazaar (OB Go server) nodes. "
        "Subcommands: `obnotify render` and `obnotify watch` (see their --help).",
    )
    parser.add_argument("--version", action="version", version=f"obnotify {__version__}")
    source = parser.add_mutually_exclusive_group()
    source.add_argument(
        "--demo", action="store_true", help="start the built-in simulated node and connect to it"
    )
    source.add_argument("--node", metavar="URL", default="", help="watch the node at this URL")
    parser.add_argument(
        "--demo-delay",
        type=float,
        default=DEMO_DELAY,
        metavar="SECONDS",
        help="seconds between the demo node's events",
    )
    parser.add_argument(
        "--config",
        default="",
        metavar="FILE",
        help="settings file (default: config.toml in the config dir)",
    )
    add_connection_options(parser)
    return parser


def _setup_logging(verbose: bool) -> Path:
    log_dir = Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))
    log_dir.mkdir(parents=True, exist_ok=True)
    path = log_dir / "obnotify.log"
    handlers: list[logging.Handler] = [
        logging.handlers.RotatingFileHandler(
            path, maxBytes=2_000_000, backupCount=3, encoding="utf-8"
        )
    ]
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
    return path


def _has_display() -> bool:
    """Whether Qt can open a window here; on Linux that needs X11 or Wayland (or a chosen platform)."""
    if not sys.platform.startswith("linux"):
        return True
    return any(os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))


def _has_ob_handler() -> bool:
    """Whether the system opens ``ob://`` links (the OpenBazaar app registers that scheme)."""
    if sys.platform != "linux" or shutil.which("xdg-mime") is None:
        return False
    try:
        out = subprocess.run(
            ["xdg-mime", "query", "default", "x-scheme-handler/ob"],
            capture_output=True,
            text=True,
            timeout=3,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return bool(out.stdout.strip())


def _node_configs(args: argparse.Namespace, settings: Settings) -> list[NodeConfig]:
    """The nodes to watch: ``--node`` with its options, else every node in the settings file."""
    if args.node:
        return [config_from_args(args, url=args.node)]
    return [_entry_config(entry, args) for entry in settings.nodes]


def _entry_config(entry: NodeEntry, args: argparse.Namespace) -> NodeConfig:
    password = ""
    if entry.user:
        from obnotify.desktop.secrets import load_password

        password = load_password(parse_node_url(entry.url)[0], entry.user)
        if not password and args.password_env:
            password = os.environ.get(args.password_env, "")
    return make_config(
        entry.url,
        username=entry.user,
        password=password,
        cookie_file=entry.cookie_file,
        ca_file=entry.ca,
        pin=entry.pin,
        allow_insecure_auth=entry.allow_insecure_auth,
        name=entry.name,
    )


async def _start_demo(delay: float) -> tuple[SimNode, asyncio.Task[None]]:
    from obnotify.demo import scenario
    from obnotify.demo.node import SimNode

    node = SimNode(wallet_interval=15.0)
    scenario.seed(node)
    await node.start()

    async def play() -> None:
        await node.wait_for_clients(1, timeout=3600)
        await scenario.play(node, delay)

    return node, asyncio.create_task(play())


async def _tell(text: str, *, problem: bool) -> None:
    """Show a message and wait until it is closed, without re-entering the loop (no exec())."""
    from PySide6.QtWidgets import QMessageBox

    (log.error if problem else log.warning)("%s", text)
    icon = QMessageBox.Icon.Critical if problem else QMessageBox.Icon.Information
    box = QMessageBox(icon, "obnotify", text)
    closed = asyncio.Event()
    box.finished.connect(closed.set)
    box.open()
    await closed.wait()


async def _main(app: QApplication, args: argparse.Namespace) -> int:
    from obnotify.desktop import autostart
    from obnotify.desktop.notifier import DesktopNotifierBackend
    from obnotify.desktop.thumbnails import ThumbnailCache
    from obnotify.node.session import NodeSession
    from obnotify.store import Store, StoreError
    from obnotify.ui.node_controller import NodeController
    from obnotify.ui.tray import Tray
    from obnotify.ui.window import MainWindow

    quit_event = asyncio.Event()
    app.aboutToQuit.connect(quit_event.set)

    demo: tuple[SimNode, asyncio.Task[None]] | None = None
    try:
        settings = load_settings(Path(args.config) if args.config else None)
        if args.demo:
            demo = await _start_demo(args.demo_delay)
            configs = [make_config(demo[0].url, name="Demo store")]
        else:
            configs = _node_configs(args, settings)
    except ConfigError as exc:
        await _tell(str(exc), problem=True)
        return 2
    if not configs:
        path = settings.path
        if path is not None and not path.exists():
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(EXAMPLE, encoding="utf-8")
        await _tell(
            f"No node to watch yet. Add one to {path} (an example is there now), "
            "start with --node URL, or try the demo with --demo.",
            problem=False,
        )
        return 1

    data_dir = data_dir_from_args(args)
    if args.demo and not args.data_dir:
        data_dir = data_dir / "demo"
    # One policy and one notifier for every node: they share the screen.
    policy = ToastPolicy(
        muted_categories=set(settings.muted),
        quiet_hours=settings.quiet_hours,
        burst_limit=settings.burst_limit,
    )
    notifier = DesktopNotifierBackend()
    ob_handler = await asyncio.to_thread(_has_ob_handler)
    has_tray = Tray.available()
    if not has_tray:
        log.warning("no system tray here: showing the window instead")
    nodes: list[tuple[NodeSession, NodeController, Store, asyncio.Task[None]]] = []
    for config in configs:
        try:
            store = Store(
                data_dir / "nodes" / f"{config.key}.sqlite3", history_cap=settings.history_limit
            )
        except StoreError as exc:
            await _tell(str(exc), problem=True)
            return 2
        window = MainWindow(store, node_name=config.display_name)
        tray = Tray() if has_tray else None
        session = NodeSession(config, store)
        session.thumbnails = ThumbnailCache(
            cache_dir_from_args(args) / "thumbnails", session.api.pictures
        )
        controller = NodeController(session, window, tray, notifier, policy, ob_handler=ob_handler)
        session.listener = controller
        if tray is not None:
            tray.open_requested.connect(controller.show_window)
            tray.quit_requested.connect(app.quit)
            tray.set_autostart(autostart.supported(), autostart.is_enabled())
            tray.autostart_toggled.connect(autostart.set_enabled)
            tray.show()
        else:
            window.show()
        controller.start()
        nodes.append((session, controller, store, asyncio.create_task(session.run())))
        log.info("obnotify %s watching %s", __version__, config.display_name)
    await quit_event.wait()

    for session, _controller, _store, _run in nodes:
        session.stop()
    with contextlib.suppress(asyncio.TimeoutError, asyncio.CancelledError):
        await asyncio.wait_for(asyncio.gather(*(run for *_, run in nodes)), SHUTDOWN_TIMEOUT)
    for _session, controller, store, _run in nodes:
        controller.stop()
        if controller.tray is not None:
            controller.tray.hide()
        store.close()
    if demo is not None:
        demo[1].cancel()
        await demo[0].stop()
    return 0


def run_app(argv: Sequence[str]) -> int:
    """Start the tray app; returns the exit status."""
    args = build_parser().parse_args(list(argv))
    if not _has_display():
        print(
            "obnotify: no desktop session here (DISPLAY and WAYLAND_DISPLAY are unset). "
            "Run it in your desktop session, or use `obnotify watch URL` on a headless machine.",
            file=sys.stderr,
        )
        return 2
    log_path = _setup_logging(verbose=bool(os.environ.get("OBNOTIFY_DEBUG")))
    log.debug("logging to %s", log_path)
    os.environ.setdefault("QT_API", "pyside6")
    # PySide6 before qasync, so qasync binds to it.
    import qasync
    from PySide6.QtGui import QIcon
    from PySide6.QtWidgets import QApplication

    from obnotify.resources import APP_ICON_SVG

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else APP_NAME])
    assert isinstance(app, QApplication)
    app.setApplicationName(APP_NAME)
    app.setApplicationDisplayName("obnotify")
    app.setDesktopFileName(APP_ID)
    app.setWindowIcon(QIcon(str(APP_ICON_SVG)))
    app.setQuitOnLastWindowClosed(False)
    with asyncio.Runner(loop_factory=lambda: qasync.QEventLoop(app)) as runner:
        return runner.run(_main(app, args))
