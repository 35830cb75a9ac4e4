"""Checks on the code itself: lint, types, and the boundaries between the rooms."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

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


IDLE_WITHOUT: tuple[str, ...] = (
    # The single-instance socket is Python's own on Linux and macOS: 2 MiB of QtNetwork kept
    # for the life of the app only to hear a later start.
    "PySide6.QtNetwork",
    "getpass",
)
"""Modules the app does without until something asks for them: none is loaded by the start
up to the tray icon, nor by what an idle app runs."""


def test_what_an_idle_app_does_without_is_not_loaded() -> None:
    code = (
        "import sys, obnotify.cli, obnotify.app, obnotify.ui.tray, obnotify.ui.front\n"
        "from obnotify.ui.single_instance import local_channel\n"
        "local_channel()\n"
        "print(*sys.modules)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    loaded = set(result.stdout.split())
    assert not sorted(loaded & set(IDLE_WITHOUT))


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
