"""packaging/demo on a machine with no screen (packaging/headless_demo.py), as a user runs it:
the window it promises is on screen and saved, and an app that stops ends the demo at once
with the app's own words and what to install."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from desktop_session import SCREEN_HEIGHT, SCREEN_WIDTH, DesktopSession, png_size
from waiting import scaled

pytestmark = [pytest.mark.desktop]

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "packaging" / "headless_demo.py"
RUN_SECONDS = 6
LONG_RUN_SECONDS = 600
"""Longer than the test waits: only the app stopping can end that demo in time."""


@pytest.fixture
def headless_env(desktop: DesktopSession) -> dict[str, str]:
    """The environment of a machine with no screen. Asks for the shared desktop only for its
    check of the tools the demo needs too (a skip without them, a failure on CI)."""
    hidden = ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "DBUS_SESSION_BUS_ADDRESS")
    return {key: value for key, value in os.environ.items() if key not in hidden}


def _demo(env: dict[str, str], *args: str, timeout: float) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(DEMO), *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=scaled(timeout),
        check=False,
        cwd=ROOT,
    )


def test_the_demo_saves_the_screen_and_the_window_it_opens(
    headless_env: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "shots"
    result = _demo(headless_env, "--seconds", str(RUN_SECONDS), "--out", str(out), timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert png_size(out / "screen.png") == (SCREEN_WIDTH, SCREEN_HEIGHT)
    width, height = png_size(out / "window.png")
    assert 300 < width < SCREEN_WIDTH and 200 < height < SCREEN_HEIGHT, "the window alone"
    assert "\n- " in result.stdout, "the toasts it showed"


def test_an_app_that_stops_ends_the_demo_with_its_words_and_what_to_install(
    headless_env: dict[str, str], tmp_path: Path
) -> None:
    env = {**headless_env, "OBNOTIFY_MISSING_DEBS": "libxcb-cursor0 libxkbcommon-x11-0"}
    # --node beside the demo's own --demo: the app refuses the options and exits at once.
    result = _demo(
        env,
        "--seconds",
        str(LONG_RUN_SECONDS),
        "--out",
        str(tmp_path),
        "--node",
        "http://127.0.0.1:1",
        timeout=90,
    )
    assert result.returncode == 1
    assert "the demo stopped: obnotify exited with status 2" in result.stderr
    assert "not allowed with argument" in result.stderr, "the app's own last lines"
    assert "sudo apt-get install libxcb-cursor0 libxkbcommon-x11-0" in result.stderr
    assert "Traceback" not in result.stderr
