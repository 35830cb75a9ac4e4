"""The ``obnotify`` command line: help, version, and clear words where it cannot run."""

from __future__ import annotations

import os
import subprocess
import sys

from obnotify import __version__


def obnotify(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "obnotify", *args],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env=env,
    )


def test_version_and_help() -> None:
    assert obnotify("--version").stdout.strip() == f"obnotify {__version__}"
    app_help = obnotify("--help").stdout
    for option in (
        "--demo",
        "--node",
        "--user",
        "--password-env",
        "--cookie-file",
        "--ca",
        "--pin",
    ):
        assert option in app_help
    for option in ("--allow-insecure-auth", "--data-dir"):
        assert option in app_help
    watch_help = obnotify("watch", "--help").stdout
    for option in (
        "URL",
        "--user",
        "--password-env",
        "--cookie-file",
        "--ca",
        "--pin",
        "--data-dir",
    ):
        assert option in watch_help
    assert "render" in obnotify("render", "--help").stdout


def test_no_desktop_session_says_what_to_do() -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    result = obnotify("--demo", env=env)
    assert result.returncode == 2
    assert "obnotify watch" in result.stderr


def test_render_reads_a_missing_file_with_a_clear_error(tmp_path: object) -> None:
    result = obnotify("render", "/nonexistent/frames.jsonl")
    assert result.returncode == 2
    assert "cannot read /nonexistent/frames.jsonl" in result.stderr
