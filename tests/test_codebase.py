"""Checks on the code itself: lint, types, and the boundaries between the rooms."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path
from typing import Final

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "obnotify"


def _imports(path: Path) -> set[str]:
    """Top-level module names a file imports, anywhere in it (lazy imports count too)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _offenders(files: list[Path], forbidden: tuple[str, ...]) -> list[str]:
    found = []
    for path in files:
        for name in _imports(path):
            if name.split(".")[0] in forbidden or any(name.startswith(f + ".") for f in forbidden):
                found.append(f"{path.relative_to(ROOT)} imports {name}")
    return found


def test_the_core_is_pure() -> None:
    """No Qt, no network, no notifier, no disk in the core: it is tested fast and alone."""
    core = sorted((PACKAGE / "core").glob("*.py"))
    forbidden = (
        "PySide6",
        "qasync",
        "desktop_notifier",
        "websockets",
        "httpx",
        "aiohttp",
        "sqlite3",
        "asyncio",
        "obnotify.node",
        "obnotify.ui",
        "obnotify.desktop",
        "obnotify.store",
    )
    assert core and not _offenders(core, forbidden)


def test_the_ui_does_not_import_sqlite() -> None:
    """The window speaks to the store through the store's own row and errors, never SQLite's."""
    ui = sorted((PACKAGE / "ui").rglob("*.py"))
    assert ui and not _offenders(ui, ("sqlite3",))


def test_only_the_ui_and_the_composition_root_import_qt() -> None:
    outside = [
        p
        for p in PACKAGE.rglob("*.py")
        if "ui" not in p.relative_to(PACKAGE).parts and p.name != "app.py"
    ]
    assert not _offenders(outside, ("PySide6", "qasync"))


def test_the_tray_icon_is_shown_before_the_rest_is_loaded() -> None:
    """The app shows its icon first: what it loads up to then stays what a bare tray needs.

    The node link, the store, the notifier, the keyring and the window load behind the icon.
    """
    code = "import sys, obnotify.cli, obnotify.app, obnotify.ui.tray; print(*sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = set(result.stdout.split())
    later = (
        "asyncio",
        "qasync",
        "msgspec",
        "tomlkit",
        "httpx",
        "websockets",
        "desktop_notifier",
        "keyring",
        "sqlite3",
        "platformdirs",
        "obnotify.core.render",
        "obnotify.node",
        "obnotify.store",
        "obnotify.settings",
        "obnotify.desktop",
        "obnotify.ui.window",
        "obnotify.ui.node_controller",
    )
    early = sorted(m for m in loaded if any(m == n or m.startswith(n + ".") for n in later))
    assert not early, f"loaded before the tray icon shows: {early}"


IDLE_MODULES: Final = (
    "obnotify.cli",
    "obnotify.app",
    "obnotify.app_log",
    "obnotify.cli.app_nodes",
    "obnotify.ui.tray",
    "obnotify.ui.front",
    "obnotify.ui.tray_board",
    "obnotify.ui.toasts",
    "obnotify.ui.node_controller",
    "obnotify.ui.node_offer",
    "obnotify.ui.shared_window",
    "obnotify.ui.node_room",
    "obnotify.ui.settings_slot",
    "obnotify.ui.messages",
    "obnotify.log_file",
)
"""What the app imports by the time it idles, beside its ``NODE_STACK``."""

IDLE_WITHOUT: Final = (
    # The single-instance socket is Python's own on Linux and macOS: 2 MiB of QtNetwork kept
    # for the life of the app only to hear a later start.
    "PySide6.QtNetwork",
    "getpass",
    # The log file turns over without logging.handlers, which loads pickle for its socket
    # handlers: 0.4 MiB.
    "logging.handlers",
    "pickle",
    # Node text is unescaped and stripped of tags, and toasts escaped, with the first that
    # needs it: html's table of entity names and its parser weigh 0.3 MiB.
    "html",
    "html.parser",
)
"""Modules an idle app does without until something asks for them."""

IDLE_WIDGETS: Final = frozenset({"QApplication", "QMenu", "QSystemTrayIcon", "QWidget"})
"""The only widget classes an idle app uses (the tray's menu); PySide6 loads a class on its
first use, and each one loaded costs memory for the life of the app. Dialogs, message boxes
and the windows' widgets are loaded when they are first shown."""


def test_an_idle_app_loads_only_what_idling_needs() -> None:
    """A dialog, a window or a channel the app may never use is not loaded until it is."""
    code = (
        "import importlib, sys\n"
        f"for name in {IDLE_MODULES!r}: importlib.import_module(name)\n"
        "from obnotify.node_stack import NODE_STACK\n"
        "for name in NODE_STACK: importlib.import_module(name)\n"
        "from obnotify.ui.single_instance import local_channel\n"
        "local_channel()\n"
        "import PySide6.QtWidgets as widgets\n"
        "print(*sys.modules)\n"
        "print(*(name for name in vars(widgets) if name.startswith('Q')))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    modules, widgets = result.stdout.splitlines()
    assert not sorted(set(modules.split()) & set(IDLE_WITHOUT))
    assert not sorted(set(widgets.split()) - IDLE_WIDGETS - {"QIntList"})


def _passes(module: str, *args: str) -> None:
    """Run a checker installed with the test extras; its output is the failure message."""
    try:
        __import__(module)
    except ImportError:
        pytest.skip(f"{module} is not installed (tests/run installs it)")
    result = subprocess.run(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_is_clean() -> None:
    _passes("ruff", "check", "obnotify", "tests", "packaging", "benchmarks")


def test_ruff_format_is_applied() -> None:
    _passes("ruff", "format", "--check", "obnotify", "tests", "packaging", "benchmarks")


def test_mypy_strict_is_clean() -> None:
    _passes("mypy")
