"""The autostart entry: written where the desktop looks for it, starting this installation."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from desktop_entry import entry_value, exec_argv

from obnotify import APP_ID
from obnotify.cli.options import AppOptions, ConnectionOptions, parse_app
from obnotify.desktop import autostart

GENERATOR = Path("/usr/lib/systemd/user-generators/systemd-xdg-autostart-generator")
AWKWARD = '/home/a b/my "shop" $HOME `x` 100%.toml'


def test_on_and_off(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    path = tmp_path / "autostart" / f"{APP_ID}.desktop"
    assert autostart.autostart_path() == path
    assert not autostart.is_enabled()
    autostart.set_enabled(True)
    assert autostart.is_enabled()
    text = path.read_text(encoding="utf-8")
    assert exec_argv(text) == [sys.executable, "-m", "obnotify"]
    assert entry_value(text, "TryExec") == sys.executable
    assert entry_value(text, "Icon") == APP_ID
    assert entry_value(text, "X-GNOME-Autostart-enabled") == "true"
    autostart.set_enabled(False)
    assert not path.exists() and not autostart.is_enabled()
    autostart.set_enabled(False)


def test_a_bundle_is_started_alone_and_an_interpreter_runs_the_package() -> None:
    assert autostart.launch_command("/opt/obnotify/obnotify", frozen=True) == [
        "/opt/obnotify/obnotify"
    ]
    assert autostart.launch_command("/v/bin/python3", frozen=False) == [
        "/v/bin/python3",
        "-m",
        "obnotify",
    ]
    assert autostart.launch_command() == [sys.executable, "-m", "obnotify"]


def test_platforms() -> None:
    assert autostart.supported("linux") and autostart.supported("freebsd14")
    assert not autostart.supported("win32") and not autostart.supported("darwin")


def test_the_login_start_watches_the_same_nodes_the_same_way(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    options = AppOptions(
        node="https://shop.example:4002",
        config="my.toml",
        connection=ConnectionOptions(
            user="me",
            password_env="SHOP_PW",
            ca="ca.pem",
            pin="ab" * 32,
            proxy="socks5://127.0.0.1:9050",
            data_dir="data",
            allow_insecure_auth=True,
        ),
    )
    args = autostart.login_args(options)
    again = parse_app(args)
    assert again == AppOptions(
        node=options.node,
        config=str(tmp_path / "my.toml"),
        connection=ConnectionOptions(
            user="me",
            password_env="SHOP_PW",
            ca=str(tmp_path / "ca.pem"),
            pin="ab" * 32,
            proxy="socks5://127.0.0.1:9050",
            data_dir=str(tmp_path / "data"),
            allow_insecure_auth=True,
        ),
    ), "absolute paths: a login start runs elsewhere"
    assert parse_app(autostart.login_args(AppOptions(demo=True, demo_delay=0.5))) == AppOptions(
        demo=True, demo_delay=0.5
    )
    assert autostart.login_args(AppOptions()) == []


def test_an_awkward_path_reads_back_as_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    autostart.set_enabled(True, ["--config", AWKWARD, "--data-dir", "C:\\data"])
    text = autostart.autostart_path().read_text(encoding="utf-8")
    assert exec_argv(text) == [
        sys.executable,
        "-m",
        "obnotify",
        "--config",
        AWKWARD,
        "--data-dir",
        "C:\\data",
    ]


def _generated_units(config_home: Path, out: Path) -> list[str]:
    """What systemd's autostart generator (the login start of a systemd session) makes of
    the user's autostart folder: the ExecStart lines of the units it writes."""
    out.mkdir()
    env = {**os.environ, "XDG_CONFIG_HOME": str(config_home), "XDG_CONFIG_DIRS": str(out / "none")}
    subprocess.run([str(GENERATOR), str(out), str(out), str(out)], env=env, check=True, timeout=30)
    return [
        line
        for unit in out.glob("*.service")
        for line in unit.read_text(encoding="utf-8").splitlines()
        if line.startswith("ExecStart=")
    ]


@pytest.mark.skipif(not GENERATOR.exists(), reason="systemd's autostart generator is missing")
def test_a_session_starts_the_entry_until_its_program_is_gone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    config_home = tmp_path / "config"
    monkeypatch.setenv("XDG_CONFIG_HOME", str(config_home))
    program = tmp_path / "venv" / "bin" / "python3"
    program.parent.mkdir(parents=True)
    shutil.copy(sys.executable, program)
    monkeypatch.setattr(sys, "executable", str(program))
    autostart.set_enabled(True, ["--config", AWKWARD])
    [start] = _generated_units(config_home, tmp_path / "units")
    assert start.startswith(f"ExecStart=:{program} -m obnotify --config "), start
    program.unlink()
    assert _generated_units(config_home, tmp_path / "after") == [], "the program is gone"
