"""Fixtures shared by the whole suite, above all the private desktop that `desktop` tests use.

Desktop tests run the app (or any Qt program) as a subprocess inside `desktop`; Qt in the pytest
process itself is for widget tests and is kept off every real display.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from desktop_session import DesktopSession, missing_tools, on_ci
from real_desktops import gnome_missing, plasma_missing, xfce_missing

# Qt widgets made in this process (pytest-qt) never need a screen; without a display Qt would
# abort the whole run, and on a developer's desktop test windows would pop up.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"


def pytest_report_header(config: pytest.Config) -> list[str]:
    """Say up front whether desktop tests can run, so a skip is never a surprise."""
    verdict = "their tests will FAIL (CI)" if on_ci() else "their tests will be skipped"
    lines = []
    for name, missing in (
        ("desktop session", missing_tools()),
        ("GNOME Shell", gnome_missing()),
        ("xfce", xfce_missing()),
        ("KDE Plasma", plasma_missing()),
    ):
        state = f"missing {', '.join(missing)}; {verdict}" if missing else "all tools present"
        lines.append(f"{name}: {state}")
    return lines


@pytest.fixture(scope="session")
def desktop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DesktopSession]:
    """One private desktop (Xvfb, session bus, dunst, trayer) for the whole run.

    Starting it costs a few seconds, so tests share it; `fresh_desktop` gives a test a clean
    screen. Missing tools skip the tests on a developer's machine, but fail them on CI, where
    tests/run must have installed everything and a skip would hide that it did not. Its files and
    logs stay in pytest's temporary directory for a look after a failure.
    """
    missing = missing_tools()
    if missing:
        reason = f"desktop tools missing: {', '.join(missing)} (tests/run installs them)"
        if on_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    session = DesktopSession.start(tmp_path_factory.mktemp("desktop"))
    try:
        yield session
    finally:
        session.stop()


@pytest.fixture
def fresh_desktop(desktop: DesktopSession) -> Iterator[DesktopSession]:
    """The shared desktop with no toast on screen or in `history()` at the start of the test,
    and with every program the test started through `spawn` ended after it."""
    desktop.clear_history()
    try:
        yield desktop
    finally:
        desktop.kill_spawned()


@pytest.fixture
def artifacts_dir(request: pytest.FixtureRequest) -> Path:
    """tests/artifacts/<test>/ for screenshots and other files a person may want to look at
    after the run; ignored by git."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "_", request.node.nodeid).strip("_")
    path = ARTIFACTS / name
    path.mkdir(parents=True, exist_ok=True)
    return path
