"""Writing the settings file: the user's comments, order, links and mode kept, and a file
broken by hand or a failed write left as it was."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from obnotify.core.render import Category
from obnotify.core.tray_state import TrayStyle
from obnotify.node.config import ConfigError
from obnotify.settings.reading import load_settings
from obnotify.settings.values import NodeEntry, Settings
from obnotify.settings.writing import save_settings


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


USER_FILE = """\
# My shops. Do not lose this comment.

[[node]]
name = "Shop"   # the main one
url = "http://127.0.0.1:4002"
colour_hint = "blue"

[notifications]
# keep it calm at night
quiet_hours = "22:00-07:00"
"""


def test_saving_keeps_comments_order_and_unknown_keys(tmp_path: Path) -> None:
    path = _write(tmp_path, USER_FILE)
    settings = load_settings(path)
    shop = dataclasses.replace(settings.nodes[0], auth="basic", user="alice")
    second = NodeEntry(url="https://b:4002", name="Second", tls="pin", pin="ab" * 32)
    n = dataclasses.replace(
        settings.notifications, off=frozenset({Category.FOLLOWERS}), privacy=True
    )
    save_settings(dataclasses.replace(settings, nodes=(shop, second), notifications=n), path)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# My shops. Do not lose this comment.\n")
    assert 'name = "Shop"   # the main one' in text
    assert "# keep it calm at night" in text and 'colour_hint = "blue"' in text
    assert text.index('"Shop"') < text.index('"Second"') < text.index("[notifications]")
    again = load_settings(path)
    assert again.nodes == (shop, second)
    assert again.notifications == n
    assert "password" not in text


def test_saving_without_a_file_writes_the_example_with_the_choices(tmp_path: Path) -> None:
    path = tmp_path / "new" / "config.toml"
    settings = Settings(
        nodes=(NodeEntry(url="http://127.0.0.1:4002", name="Local"),),
        start_at_login=True,
        tray_style=TrayStyle.MONO_LIGHT,
    )
    save_settings(settings, path)
    text = path.read_text(encoding="utf-8")
    assert "# obnotify settings." in text
    again = load_settings(path)
    assert again.nodes == settings.nodes
    assert (again.start_at_login, again.tray_style, again.warnings) == (True, "mono-light", ())


def test_saving_through_a_link_writes_the_file_it_points_to(tmp_path: Path) -> None:
    """A settings file kept with the user's dotfiles stays a link to them."""
    dotfiles = tmp_path / "dotfiles" / "obnotify.toml"
    dotfiles.parent.mkdir()
    dotfiles.write_text(USER_FILE, encoding="utf-8")
    dotfiles.chmod(0o600)
    link = tmp_path / "config" / "config.toml"
    link.parent.mkdir()
    link.symlink_to(dotfiles)
    settings = load_settings(link)
    save_settings(dataclasses.replace(settings, tray_style=TrayStyle.MONO_DARK), link)
    assert link.is_symlink() and link.resolve() == dotfiles
    assert load_settings(dotfiles).tray_style == "mono-dark"
    assert oct(dotfiles.stat().st_mode & 0o777) == oct(0o600), "the file keeps its mode"
    assert sorted(p.name for p in dotfiles.parent.iterdir()) == ["obnotify.toml"]


def test_saving_keeps_the_mode_of_the_file(tmp_path: Path) -> None:
    path = _write(tmp_path, USER_FILE)
    path.chmod(0o600)
    save_settings(dataclasses.replace(load_settings(path), start_at_login=True), path)
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)


def test_saving_over_a_file_broken_by_hand_says_so_and_leaves_it(tmp_path: Path) -> None:
    path = _write(tmp_path, USER_FILE)
    settings = load_settings(path)
    broken = USER_FILE + 'name = "Shop\n'
    path.write_text(broken, encoding="utf-8")
    with pytest.raises(ConfigError, match="a quote is not closed"):
        save_settings(dataclasses.replace(settings, start_at_login=True), path)
    assert path.read_text(encoding="utf-8") == broken


def test_a_failed_write_leaves_the_file_and_nothing_beside_it(tmp_path: Path) -> None:
    """A full disk, as a file size limit: the write fails half way, for real."""
    path = _write(tmp_path, USER_FILE)
    code = (
        "import resource, signal, sys, dataclasses\n"
        "from pathlib import Path\n"
        "from obnotify.settings.reading import load_settings\n"
        "from obnotify.settings.writing import save_settings\n"
        "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
        "path = Path(sys.argv[1])\n"
        "settings = load_settings(path)\n"
        "resource.setrlimit(resource.RLIMIT_FSIZE, (64, 64))\n"
        "try:\n"
        "    save_settings(dataclasses.replace(settings, start_at_login=True), path)\n"
        "except OSError as exc:\n"
        "    print('failed:', exc.strerror)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.stdout.startswith("failed:"), result.stdout + result.stderr
    assert path.read_text(encoding="utf-8") == USER_FILE
    assert [p.name for p in tmp_path.iterdir()] == ["config.toml"]
