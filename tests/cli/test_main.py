"""The ``obnotify`` command line: help, version, and clear words where it cannot run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from obnotify import __version__
from obnotify.demo.threaded import ThreadedSimNode
from obnotify.node.config import ConfigError


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


@pytest.mark.parametrize(
    ("value", "says"), [("0", "between 0.1 and 3600"), ("soon", "not a number")]
)
def test_watch_retry_max_must_be_a_sensible_wait(value: str, says: str) -> None:
    result = obnotify("watch", "http://127.0.0.1:9", "--retry-max", value)
    assert result.returncode == 2
    assert says in result.stderr


def imported_modules(
    *args: str, stdin: str = "", env: dict[str, str] | None = None
) -> tuple[int, set[str]]:
    """Run ``obnotify ARGS`` and return its exit status and the top-level modules it imported."""
    result = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "obnotify", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={**os.environ, **(env or {})},
    )
    names = set()
    for line in result.stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            names.add(line.rsplit("|", 1)[1].strip().split(".")[0])
    assert names, result.stderr
    return result.returncode, names


QT = {"PySide6", "shiboken6", "qasync"}


def test_help_version_and_the_tools_never_load_qt(tmp_path: Path) -> None:
    """They run on machines without a desktop, and start fast because Qt stays unloaded."""
    for args in (("--help",), ("--version",), ("watch", "--help")):
        status, modules = imported_modules(*args)
        assert status == 0
        assert not modules & QT, args
    status, modules = imported_modules("render", stdin='{"status": "x"}\n')
    assert status == 0 and "msgspec" in modules
    assert not modules & QT
    with ThreadedSimNode(
        auth="basic", username="u", password="right", wallet_interval=None
    ) as node:
        status, modules = imported_modules(
            "watch",
            node.url,
            "--user",
            "u",
            "--password-env",
            "OBN_TEST_PASSWORD",
            "--data-dir",
            str(tmp_path),
            env={"OBN_TEST_PASSWORD": "wrong"},
        )
    assert status == 3
    assert {"websockets", "httpx", "sqlite3"} <= modules
    assert not modules & QT
    assert "keyring" not in modules, "a password from the environment needs no keyring"


def test_the_app_never_prompts_for_a_password(monkeypatch: pytest.MonkeyPatch) -> None:
    """The tray app's rule: the variable, else the keyring, else none (a dialog asks later)."""
    import keyring
    from keyring.backends import null

    from obnotify.cli.app_nodes import node_configs
    from obnotify.cli.options import parse_app
    from obnotify.settings.values import NodeEntry, Settings

    before = keyring.get_keyring()
    keyring.set_keyring(null.Keyring())
    try:
        settings = Settings(nodes=(NodeEntry(url="http://127.0.0.1:4002", user="u"),))
        [config] = node_configs(parse_app([]), settings, "")
        assert (config.username, config.password) == ("u", "")
        [config] = node_configs(
            parse_app(["--node", "127.0.0.1:4003", "--user", "v"]), settings, ""
        )
        assert (config.username, config.password) == ("v", "")
        monkeypatch.setenv("OBN_TEST_PASSWORD", "from-env")
        options = parse_app(["--password-env", "OBN_TEST_PASSWORD"])
        [config] = node_configs(options, settings, "")
        assert config.password == "from-env"
        monkeypatch.delenv("OBN_TEST_PASSWORD")
        with pytest.raises(ConfigError, match="OBN_TEST_PASSWORD"):
            node_configs(options, settings, "")
    finally:
        keyring.set_keyring(before)
