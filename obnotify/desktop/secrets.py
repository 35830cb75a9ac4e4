"""Passwords: where one is found, and keeping it in the OS keyring, never in a config file or a log.

``keyring`` is imported on first use: it costs more to load than the tray icon
does, and a password from ``--password-env`` never needs it.

A keyring can take its time: a locked one waits for the user to unlock it, a
broken one may never answer. Every keyring call runs on a thread of its own and
is given :data:`KEYRING_DEADLINE`; the app's loop awaits it (:func:`keep_password`)
and never waits on the keyring itself. The thread is a plain daemon thread, not the
loop's executor, which logs the arguments of what it runs.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import threading
from collections.abc import Callable, Mapping
from typing import Final, TypeVar

from obnotify import APP_NAME
from obnotify.node.config import ConfigError

__all__ = [
    "KEYRING_DEADLINE",
    "PasswordLoader",
    "PasswordPrompt",
    "delete_password",
    "keep_password",
    "load_password",
    "resolve_password",
    "save_password",
]

log = logging.getLogger(__name__)

T = TypeVar("T")

KEYRING_DEADLINE: Final = 10.0
"""Seconds a keyring call may take (long enough to type an unlock password) before it
counts as no keyring; the call itself is left to finish on its thread."""

PasswordLoader = Callable[[str, str], str]
"""``(base_url, user)`` to the stored password, ``""`` when none."""
PasswordPrompt = Callable[[str, str], str]
"""``(base_url, user)`` to the password the user typed; may raise ConfigError."""


def _account(base_url: str, user: str) -> str:
    """One keyring entry per node and user; ``base_url`` is the normalised ``http(s)://host:port``."""
    return f"{user}@{base_url}"


def _in_thread(call: Callable[[], T]) -> concurrent.futures.Future[T]:
    """``call()`` started on a daemon thread of its own; its outcome in the future."""
    future: concurrent.futures.Future[T] = concurrent.futures.Future()

    def work() -> None:
        if not future.set_running_or_notify_cancel():
            return
        try:
            future.set_result(call())
        except Exception as exc:  # noqa: BLE001 (handed to whoever waits, as raised)
            future.set_exception(exc)

    threading.Thread(target=work, name="keyring", daemon=True).start()
    return future


def load_password(url: str, user: str, *, deadline: float = KEYRING_DEADLINE) -> str:
    """The saved password for a node and user, or ``""`` when none (or no keyring) is there.

    Blocking for up to ``deadline`` seconds: call it from a thread, never from the loop.
    """
    import keyring
    from keyring.errors import KeyringError

    try:
        found = _in_thread(lambda: keyring.get_password(APP_NAME, _account(url, user)))
        return found.result(deadline) or ""
    except TimeoutError:
        log.warning("the keyring did not answer within %g s: going on without it", deadline)
        return ""
    except (KeyringError, RuntimeError) as exc:
        log.info("no keyring available: %s", type(exc).__name__)
        return ""


def save_password(url: str, user: str, password: str) -> bool:
    """Keep a password in the OS keyring; False when there is no keyring to keep it in."""
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.set_password(APP_NAME, _account(url, user), password)
    except (KeyringError, RuntimeError) as exc:
        log.warning("could not save the password in the keyring: %s", type(exc).__name__)
        return False
    return True


async def keep_password(
    url: str,
    user: str,
    password: str,
    *,
    save: Callable[[str, str, str], bool] = save_password,
    deadline: float | None = None,
) -> bool:
    """:func:`save_password` without holding the loop: False when there is no keyring, or it
    did not answer within ``deadline`` seconds (:data:`KEYRING_DEADLINE` when not given)."""
    deadline = KEYRING_DEADLINE if deadline is None else deadline
    try:
        saving = _in_thread(lambda: save(url, user, password))
        return await asyncio.wait_for(asyncio.wrap_future(saving), deadline)
    except TimeoutError:
        log.warning("the keyring did not answer within %g s: the password was not kept", deadline)
        return False


def delete_password(url: str, user: str) -> None:
    import keyring
    from keyring.errors import KeyringError

    try:
        keyring.delete_password(APP_NAME, _account(url, user))
    except (KeyringError, RuntimeError):
        pass


def resolve_password(
    base_url: str,
    user: str,
    *,
    env_var: str = "",
    prompt: PasswordPrompt | None = None,
    environ: Mapping[str, str] = os.environ,
    load: PasswordLoader = load_password,
) -> str:
    """The password for a node, from the first that has one: ``env_var``, the keyring, ``prompt``.

    The one rule of the tray app and ``obnotify watch``. Naming a variable that is
    not set is a mistake to report, not a reason to look elsewhere. Without a user
    no password is looked up (a variable still gives one: the node may want it alone).

    Args:
        base_url: The node's normalised ``http(s)://host:port``, the keyring's key.
        user: The basic-auth user; ``""`` for none.
        env_var: ``--password-env``: the variable's name, ``""`` for none.
        prompt: Asks the user; ``None`` gives ``""`` instead (the tray app asks in a
            dialog only once the node refuses the login, never blocking its loop).
        environ: Where ``env_var`` is read.
        load: The keyring lookup.

    Raises:
        ConfigError: ``env_var`` is not set, or ``prompt`` cannot ask.
    """
    if env_var:
        value = environ.get(env_var)
        if value is None:
            raise ConfigError(f"--password-env names {env_var}, but that variable is not set.")
        return value
    if not user:
        return ""
    stored = load(base_url, user)
    if stored:
        return stored
    return prompt(base_url, user) if prompt is not None else ""
