"""Reading the settings file: what it accepts, and messages that say what to fix."""

from __future__ import annotations

import re
from datetime import time
from pathlib import Path

import pytest

from obnotify.core.policy import Delivery, delivery
from obnotify.core.render import Category
from obnotify.node.config import ConfigError
from obnotify.settings.example import EXAMPLE
from obnotify.settings.reading import load_settings


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
        (
            "[notifications]\nquiet_hours = 'late'\n",
            'quiet_hours: give the start and the end as "22:00-07:00"',
        ),
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
        ("[general]\ntray_style = " + "[" * 5000 + "]" * 5000 + "\n", "line 2 (tray_style = [[[["),
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


def test_unknown_keys_are_listed_with_their_place(tmp_path: Path) -> None:
    path = _write(
        tmp_path, "colour = 1\n[[node]]\nurl = 'http://n'\nurll = 'x'\n[general]\nx = 1\n"
    )
    assert [w.split(": unknown key ")[0] for w in load_settings(path).warnings] == [
        f"{path}, the top level",
        f"{path}, node 1",
        f"{path}, [general]",
    ]
    assert "'urll' is ignored; did you mean 'url'?" in load_settings(path).warnings[1]
