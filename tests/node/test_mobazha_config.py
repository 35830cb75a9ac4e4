"""A Mobazha node in the settings file and on the command line: its kind and its token."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from obnotify.desktop.tokens import TOKEN_USER, resolve_token
from obnotify.node.config import ConfigError, make_config
from obnotify.settings.reading import load_settings
from obnotify.settings.writing import save_settings

TOKEN = "mbz_abc_" + "x" * 32


def test_the_kind_is_read_checked_and_written_back(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text(
        '[[node]]\nurl = "http://127.0.0.1:4002"\n'
        '[[node]]\nurl = "http://127.0.0.1:5102"\nkind = "mobazha"\n',
        encoding="utf-8",
    )
    settings = load_settings(path)
    assert [n.kind for n in settings.nodes] == ["ob", "mobazha"]
    config = settings.nodes[1].node_config("", TOKEN)
    assert (config.kind, config.auth_headers()) == ("mobazha", {"Authorization": f"Bearer {TOKEN}"})
    auto = dataclasses.replace(settings.nodes[0], kind="auto")
    save_settings(dataclasses.replace(settings, nodes=(auto, settings.nodes[1])), path)
    text = path.read_text(encoding="utf-8")
    assert text.count('kind = "auto"') == 1 and text.count('kind = "mobazha"') == 1
    assert TOKEN not in text, "a token never goes into the file"
    path.write_text('[[node]]\nurl = "http://127.0.0.1:5102"\nkind = "haven"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="kind"):
        load_settings(path)


def test_a_token_goes_first_and_never_unencrypted_to_another_host() -> None:
    config = make_config(
        "http://127.0.0.1:5102", kind="mobazha", token=TOKEN, username="u", password="p"
    )
    assert config.auth_headers() == {"Authorization": f"Bearer {TOKEN}"}
    assert TOKEN not in repr(config)
    with pytest.raises(ConfigError, match="API token unencrypted"):
        make_config("http://192.168.1.20:5102", kind="mobazha", token=TOKEN)
    with pytest.raises(ConfigError, match="control characters"):
        make_config("http://127.0.0.1:5102", kind="mobazha", token="mbz_a\nb")
    cookie = make_config("http://127.0.0.1:5102", kind="mobazha", cookie="c00k1e")
    assert cookie.auth_headers() == {"Cookie": "Mobazha_Auth_Cookie=c00k1e"}


def test_the_token_comes_from_the_variable_else_the_keyring() -> None:
    asked: list[tuple[str, str]] = []

    def load(url: str, user: str) -> str:
        asked.append((url, user))
        return "mbz_from_keyring"

    url = "http://127.0.0.1:5102"
    assert resolve_token(url, env_var="T", environ={"T": f" {TOKEN}\n"}, load=load) == TOKEN
    assert asked == []
    assert resolve_token(url, environ={}, load=load) == "mbz_from_keyring"
    assert asked == [(url, TOKEN_USER)]
    with pytest.raises(ConfigError, match="--token-env names T"):
        resolve_token(url, env_var="T", environ={}, load=load)
