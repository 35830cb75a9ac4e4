"""The settings file: what it accepts, and messages that say what to fix."""

from __future__ import annotations

import dataclasses
import re
import subprocess
import sys
from datetime import time
from pathlib import Path

import pytest

from obnotify.core.policy import Delivery, delivery
from obnotify.core.render import Category
from obnotify.node.config import ConfigError
from obnotify.settings import (
    EXAMPLE,
    NodeEntry,
    Settings,
    load_settings,
    save_settings,
    unknown_keys,
)


def _write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_missing_file_means_defaults(tmp_path: Path) -> None:
    settings = load_settings(tmp_path / "none.toml")
    assert settings.nodes == () and settings.history_limit == 100_000


def test_the_example_is_valid_and_watches_nothing_until_the_user_chooses(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, EXAMPLE))
    assert settings.nodes == () and settings.warnings == ()


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
        ("[[node]\n", "line 1 ([[node]): a bracket is not closed"),
        ("[[node]]\nname = 'x'\n", "needs a url"),
        ("[[node]]\nurl = 4002\n", "node 1, url must be text in quotes"),
        ("[notifications]\nmuted = ['everything']\n", "unknown category 'everything'"),
        ("[notifications]\nquiet_hours = 'late'\n", 'quiet_hours must look like "22:00-07:00"'),
        ("[history]\nlimit = 0\n", "[history] limit must be a whole number from 1 to 10000000"),
        ("[notifications]\nburst_limit = true\n", "burst_limit must be a whole number"),
        (
            "[[node]]\nurl = 'http://n'\nauth = 'password'\n",
            "auth must be one of 'basic', 'cookie', 'none', not 'password'",
        ),
        ("[[node]]\nurl = 'http://n'\nenabled = 'yes'\n", "enabled must be true or false"),
        (
            "[notifications.delivery]\nchat = 'loud'\n",
            "delivery] chat must be one of 'toast', 'history', 'off', not 'loud'",
        ),
        ("[notifications.sound]\nchat = 'yes'\n", "sound] chat must be true or false"),
        ("[general]\ntray_style = 'pink'\n", "tray_style must be one of 'colour'"),
        # Of the wrong type: each a message with the key and what it should be, not a crash.
        ("notifications = 5\n", "[notifications] must be a table, not 5"),
        ("general = 'x'\n", "[general] must be a table, not 'x'"),
        ("[notifications]\ndelivery = 'x'\n", "[notifications] delivery must be a table"),
        ("[notifications]\nsound = 5\n", "[notifications] sound must be a table"),
        ("[notifications]\nmuted = 5\n", "[notifications] muted must be a list"),
        ("history = 5\n", "[history] must be a table, not 5"),
        ("node = 5\n", "[node] must be one or more [[node]] tables (two brackets each), not 5"),
        ("[[node]]\nurl = 'http://n'\nname = " + "[" * 50 + "]" * 50 + "\n", "name must be text"),
        ("[general]\ntray_style = " + "[" * 5000 + "]" * 5000 + "\n", "nested more than"),
        # Out of range: the same ranges as the settings window's.
        ("[general]\nhistory_limit = 1000000000000\n", "from 1 to 10000000, not 1000000000000"),
        (
            "[notifications]\nburst_limit = 3e9\n",
            "burst_limit must be a whole number from 1 to 100000",
        ),
        ("[notifications]\nburst_limit = 3000000000\n", "from 1 to 100000, not 3000000000"),
        # A time zone cannot be compared with the computer's clock.
        ("[notifications]\nquiet_hours = '22:00Z-07:00Z'\n", "local time, no time zone"),
        ("[notifications]\nquiet_hours = '22:00+05:00-07:00'\n", "local time, no time zone"),
        # A syntax error: the file, the line, the likely cause, and that nothing changed.
        (
            '[[node]]\nname = "Shop\nurl = "http://n"\n',
            'line 2 (name = "Shop): a quote is not closed',
        ),
        ("[notifications]\nmuted = ['chat',\nprivacy = true\n", "a bracket is not closed"),
        ("[general]\nstart_at_login = yes\n", "line 2 (start_at_login = yes): this is not valid"),
    ],
)
def test_mistakes_say_what_to_fix(tmp_path: Path, text: str, message: str) -> None:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError, match=re.escape(message)) as raised:
        load_settings(path)
    assert str(path) in str(raised.value), "the message names the file"
    if "line" in message:
        assert "has not changed the file" in str(raised.value)
    assert path.read_text(encoding="utf-8") == text


def test_old_keys_still_work_and_imply_auth_and_tls(tmp_path: Path) -> None:
    settings = load_settings(
        _write(
            tmp_path,
            '[[node]]\nurl = "https://a:4002"\nuser = "alice"\npin = "ab"\n'
            '[[node]]\nurl = "http://b:4002"\ncookie_file = "/c"\nca = "/ca.crt"\n'
            '[notifications]\nmuted = ["chat"]\n[history]\nlimit = 7\n',
        )
    )
    a, b = settings.nodes
    assert (a.auth, a.tls, b.auth, b.tls) == ("basic", "pin", "cookie", "ca")
    assert delivery(settings.notifications, Category.CHAT) is Delivery.HISTORY
    assert settings.history_limit == 7 and settings.warnings == ()


def test_new_schema(tmp_path: Path) -> None:
    settings = load_settings(
        _write(
            tmp_path,
            '[[node]]\nurl = "http://x.onion:4002"\nenabled = false\nproxy = "socks5://127.0.0.1:9050"\n'
            "[notifications]\nprivacy = true\ncritical_sticky = true\n"
            '[notifications.delivery]\nfunds = "off"\norder-chat = "history"\n'
            "[notifications.sound]\nchat = false\n"
            '[general]\nstart_at_login = true\nhistory_limit = 50\ntray_style = "mono-dark"\n',
        )
    )
    (node,) = settings.nodes
    assert (node.enabled, node.proxy) == (False, "socks5://127.0.0.1:9050")
    assert settings.enabled_nodes == ()
    n = settings.notifications
    assert delivery(n, Category.FUNDS) is Delivery.OFF
    assert delivery(n, Category.ORDER_CHAT) is Delivery.HISTORY
    assert n.silent == {Category.CHAT} and n.privacy and n.critical_sticky
    assert (settings.start_at_login, settings.history_limit, settings.tray_style) == (
        True,
        50,
        "mono-dark",
    )


@pytest.mark.parametrize(
    ("text", "warning"),
    [
        (
            "[[node]]\nurll = 'http://n'\nurl = 'http://n'\n",
            "unknown key 'urll' is ignored; did you mean 'url'?",
        ),
        ("[[nodes]]\nurl = 'http://n'\n", "unknown key 'nodes' is ignored; did you mean 'node'?"),
        ("[node]\nurl = 'http://n'\n", "[node] is one table; write [[node]]"),
        ("[notifications]\nquiet_hour = '22:00-07:00'\n", "did you mean 'quiet_hours'?"),
        ("[notifications.delivery]\nfollower = 'off'\n", "did you mean 'followers'?"),
        ("[notifications.sound]\nrobots = true\n", "known keys: orders, disputes"),
    ],
)
def test_unknown_keys_warn_with_the_nearest_known_one(
    tmp_path: Path, text: str, warning: str
) -> None:
    settings = load_settings(_write(tmp_path, text))
    assert any(warning in w for w in settings.warnings), settings.warnings


def test_a_single_node_table_is_still_watched(tmp_path: Path) -> None:
    settings = load_settings(_write(tmp_path, "[node]\nurl = 'http://n:4002'\n"))
    assert [n.url for n in settings.nodes] == ["http://n:4002"]


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
        tray_style="mono-light",
    )
    save_settings(settings, path)
    text = path.read_text(encoding="utf-8")
    assert "# obnotify settings." in text
    again = load_settings(path)
    assert again.nodes == settings.nodes
    assert (again.start_at_login, again.tray_style, again.warnings) == (True, "mono-light", ())


def test_only_the_chosen_auth_and_tls_reach_the_connection() -> None:
    entry = NodeEntry(
        url="http://n", auth="cookie", user="alice", cookie_file="/c", tls="system", pin="ab"
    )
    assert entry.in_use() == NodeEntry(url="http://n", auth="cookie", cookie_file="/c")


def test_unknown_keys_are_listed_with_their_place(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "colour = 1\n[[node]]\nurl = 'http://n'\nurll = 'x'\n[general]\nx = 1\n"
    )
    assert [(k.place, k.key) for k in unknown_keys(path)] == [
        ("the top level", "colour"),
        ("node 1", "urll"),
        ("[general]", "x"),
    ]
    assert "did you mean 'url'?" in str(unknown_keys(path)[1])
    assert unknown_keys(tmp_path / "missing.toml") == ()


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
    save_settings(dataclasses.replace(settings, tray_style="mono-dark"), link)
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
        "from obnotify.settings import load_settings, save_settings\n"
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
