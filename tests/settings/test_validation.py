"""What a user types in the settings window, checked without a window: each problem by the
part of the form it is about, with words that say what to fix."""

from __future__ import annotations

from datetime import time
from pathlib import Path

import pytest

from obnotify.core.policy import QuietHours
from obnotify.node.config import ConfigError
from obnotify.settings.validation import (
    EntryField,
    EntryProblems,
    entry_config,
    format_quiet_hours,
    parse_quiet_hours,
)
from obnotify.settings.values import NodeEntry


def _problems(entry: NodeEntry, password: str = "", token: str = "") -> dict[EntryField, str]:
    with pytest.raises(EntryProblems) as raised:
        entry_config(entry, password, token)
    return raised.value.problems


def test_each_problem_is_told_by_its_field(tmp_path: Path) -> None:
    problems = _problems(
        NodeEntry(url="notaurl:xx", tls="ca", ca=str(tmp_path / "none.crt"), proxy="tor")
    )
    assert set(problems) == {EntryField.URL, EntryField.TLS, EntryField.PROXY}
    assert "CA certificate file" in problems[EntryField.TLS]
    assert "socks5://127.0.0.1:9050" in problems[EntryField.PROXY]


@pytest.mark.parametrize(
    ("entry", "part", "says"),
    [
        (NodeEntry(url="http://n:4002", auth="basic"), EntryField.AUTH, "user name"),
        (NodeEntry(url="http://n:4002", auth="cookie", cookie_file="/no/such"), EntryField.AUTH,
         ".cookie file"),
        (NodeEntry(url="http://n:4002", tls="pin"), EntryField.TLS, "Fetch certificate"),
        (NodeEntry(url="http://n:4002", proxy="http://p:8080"), EntryField.PROXY, "socks5://"),
    ],
)  # fmt: skip
def test_what_a_choice_needs_is_asked_for(entry: NodeEntry, part: EntryField, says: str) -> None:
    problems = _problems(entry)
    assert list(problems) == [part] and says in problems[part]


def test_only_the_chosen_auth_and_tls_are_checked() -> None:
    """A cookie file typed before the user switched to no login is kept, not checked."""
    entry = NodeEntry(url="http://127.0.0.1:4002", auth="none", cookie_file="/no/such", pin="")
    config = entry_config(entry, "")
    assert config.base_url == "http://127.0.0.1:4002" and not config.username


def test_a_token_goes_only_to_a_node_that_takes_one() -> None:
    assert entry_config(NodeEntry(url="http://127.0.0.1:4002"), "", "mbz_x").token == ""
    mobazha = NodeEntry(url="http://127.0.0.1:4002", kind="mobazha")
    assert entry_config(mobazha, "", "mbz_x").token == "mbz_x"


def test_what_the_connection_refuses_is_told_by_its_field() -> None:
    """A password over plain http to another computer: refused where the login is chosen."""
    problems = _problems(NodeEntry(url="http://192.0.2.7:4002", user="alice"), "s3cret")
    assert list(problems) == [EntryField.TLS], problems


@pytest.mark.parametrize("text", ["22:00-07:00", "7:05 - 9:30", ""])
def test_quiet_hours_read_back_as_written(text: str) -> None:
    hours = parse_quiet_hours(text, "Quiet hours")
    assert parse_quiet_hours(format_quiet_hours(hours), "Quiet hours") == hours
    if text == "7:05 - 9:30":
        assert hours == QuietHours(time(7, 5), time(9, 30))
        assert format_quiet_hours(hours) == "07:05-09:30"


@pytest.mark.parametrize("text", ["late", "22:00Z-07:00Z", "22:00+05:00-07:00", "25:00-07:00"])
def test_quiet_hours_that_are_not_a_local_span_say_what_to_type(text: str) -> None:
    with pytest.raises(ConfigError) as raised:
        parse_quiet_hours(text, "Quiet hours")
    assert str(raised.value) == (
        'Quiet hours: give the start and the end as "22:00-07:00" (local time, no time zone), '
        f"not {text!r}."
    )
