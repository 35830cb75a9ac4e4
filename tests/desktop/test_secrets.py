"""Where a password comes from: the variable named by --password-env, the keyring, a prompt."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail, null

from obnotify.desktop.secrets import (
    PasswordLoader,
    load_password,
    resolve_password,
    save_password,
)
from obnotify.node.config import ConfigError

NODE = "https://mynode:4002"


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps its entries in a dict, behind keyring's own API."""

    def __init__(self) -> None:
        super().__init__()
        self.entries: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.entries.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.entries[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.entries.pop((service, username), None)


@pytest.fixture
def use_keyring() -> Iterator[None]:
    """Lets a test set the process's keyring backend, and puts the previous one back."""
    before = keyring.get_keyring()
    try:
        yield
    finally:
        keyring.set_keyring(before)


class Asked:
    """A prompt that records who was asked for and answers with ``answer``."""

    def __init__(self, answer: str) -> None:
        self.answer = answer
        self.calls: list[tuple[str, str]] = []

    def __call__(self, base_url: str, user: str) -> str:
        self.calls.append((base_url, user))
        return self.answer


def stored(value: str) -> tuple[list[tuple[str, str]], PasswordLoader]:
    """A keyring lookup that answers ``value``, and the list of what it was asked."""
    calls: list[tuple[str, str]] = []

    def load(base_url: str, user: str) -> str:
        calls.append((base_url, user))
        return value

    return calls, load


def test_the_variable_comes_first_and_nothing_else_is_asked() -> None:
    looked_up, load = stored("from-keyring")
    prompt = Asked("typed")
    password = resolve_password(
        NODE, "alice", env_var="OB_PW", environ={"OB_PW": "from-env"}, load=load, prompt=prompt
    )
    assert password == "from-env"
    assert looked_up == [] and prompt.calls == []


def test_a_variable_that_is_not_set_is_an_error_not_a_fallback() -> None:
    looked_up, load = stored("from-keyring")
    with pytest.raises(ConfigError, match="OB_PW"):
        resolve_password(NODE, "alice", env_var="OB_PW", environ={}, load=load)
    assert looked_up == []


def test_then_the_keyring_then_the_prompt() -> None:
    looked_up, load = stored("from-keyring")
    prompt = Asked("typed")
    assert resolve_password(NODE, "alice", environ={}, load=load, prompt=prompt) == "from-keyring"
    assert looked_up == [(NODE, "alice")] and prompt.calls == []

    _, empty = stored("")
    assert resolve_password(NODE, "alice", environ={}, load=empty, prompt=prompt) == "typed"
    assert prompt.calls == [(NODE, "alice")]


def test_without_a_prompt_a_missing_password_is_empty() -> None:
    """The tray app's case: it starts without one and asks once the node refuses."""
    _, empty = stored("")
    assert resolve_password(NODE, "alice", environ={}, load=empty) == ""


def test_no_user_no_lookup() -> None:
    looked_up, load = stored("from-keyring")
    prompt = Asked("typed")
    assert resolve_password(NODE, "", environ={}, load=load, prompt=prompt) == ""
    assert looked_up == [] and prompt.calls == []


def test_the_real_keyring_api(use_keyring: None) -> None:
    memory = MemoryKeyring()
    keyring.set_keyring(memory)
    assert resolve_password(NODE, "alice", environ={}) == ""
    assert save_password(NODE, "alice", "s3cret")
    assert list(memory.entries) == [("obnotify", f"alice@{NODE}")]
    assert resolve_password(NODE, "alice", environ={}) == "s3cret"
    assert resolve_password(NODE, "bob", environ={}) == ""
    assert resolve_password(NODE, "alice", env_var="OB_PW", environ={"OB_PW": "env"}) == "env"


@pytest.mark.parametrize("backend", [null.Keyring, fail.Keyring])
def test_no_keyring_is_no_password_not_a_crash(use_keyring: None, backend: type) -> None:
    keyring.set_keyring(backend())
    assert load_password(NODE, "alice") == ""
    prompt = Asked("typed")
    assert resolve_password(NODE, "alice", environ={}, prompt=prompt) == "typed"
    if backend is fail.Keyring:
        assert not save_password(NODE, "alice", "s3cret")


class SilentKeyring(MemoryKeyring):
    """A keyring whose look-ups wait for :attr:`release`, as one waiting for an unlock."""

    def __init__(self) -> None:
        super().__init__()
        self.release = threading.Event()

    def get_password(self, service: str, username: str) -> str | None:
        self.release.wait(10)
        return super().get_password(service, username)


def test_a_keyring_that_does_not_answer_in_time_gives_no_password(use_keyring: None) -> None:
    silent = SilentKeyring()
    silent.entries[("obnotify", f"alice@{NODE}")] = "s3cret"
    keyring.set_keyring(silent)
    try:
        assert load_password(NODE, "alice", deadline=0.2) == ""
    finally:
        silent.release.set()
    assert load_password(NODE, "alice", deadline=5) == "s3cret"
