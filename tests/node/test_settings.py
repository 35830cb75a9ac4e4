"""The settings file: what it accepts, and messages that say what to fix."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from obnotify.core.render import Category
from obnotify.node.config import ConfigError
from obnotify.settings import EXAMPLE, load_settings


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "none.toml")
    assert settings.nodes == () and settings.history_limit == 100_000


def test_the_example_is_valid_and_watches_the_local_node(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, EXAMPLE))
    assert [n.url for n in settings.nodes] == ["http://127.0.0.1:4002"]


def test_full_file(tmp_path: Path) -> None:
    settings = load_settings(
        _write(
            tmp_path,
            '[[node]]\nname = "Shop"\nurl = "https://n:4002"\nuser = "alice"\npin = "ab"\n'
            '[notifications]\nmuted = ["followers", "funds"]\nquiet_hours = "22:00-07:30"\nburst_limit = 9\n'
            "[history]\nlimit = 500\n",
        )
    )
    node = settings.nodes[0]
    assert (node.name, node.url, node.user, node.pin) == ("Shop", "https://n:4002", "alice", "ab")
    notifications = settings.notifications
    assert notifications.muted == {Category.FOLLOWERS, Category.FUNDS}
    assert notifications.quiet_hours is not None
    assert (notifications.quiet_hours.start, notifications.quiet_hours.end) == (
        time(22),
        time(7, 30),
    )
    assert (notifications.burst_limit, settings.history_limit) == (9, 500)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[[node]\n", "not valid TOML"),
        ("[[node]]\nname = 'x'\n", "needs a url"),
        ("[[node]]\nurl = 4002\n", "'url' must be a string"),
        ("[notifications]\nmuted = ['everything']\n", "unknown category 'everything'"),
        ("[notifications]\nquiet_hours = 'late'\n", 'quiet_hours must look like "22:00-07:00"'),
        ("[history]\nlimit = 0\n", "limit must be a whole number"),
        ("[notifications]\nburst_limit = true\n", "burst_limit must be a whole number"),
    ],
)
def test_mistakes_say_what_to_fix(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message.replace("(", r"\(")):
        load_settings(_write(tmp_path, text))
