"""Passwords: where one is found, and keeping it in the OS keyring, never in a config file or a log.

``keyring`` is imported on first use: it costs more to load than the tray icon
does, and a password from ``--password-env`` never needs it.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Mapping

from obnotify import APP_NAME
from obnotify.node.config import ConfigError

__all__ = [
    "PasswordLoader",
    "PasswordPrompt",
    "delete_password",
    "load_password",
    "resolve_password",
    "save_password",
]

log = logging.getLogger(__name__)

PasswordLoader = Callable[[str, str], str]
"""``(base_url, user)`` to the stored password, ``""`` when none."""
PasswordPrompt = Callable[[str, str], str]
"""``(base_url, user)`` to the password the user typed; may raise ConfigError."""


def _account(base_url: str, user: str) -> str:
    """One keyring entry per node and user; ``base_url`` is the normalised ``http(s)://host:port``."""
    return f"{user}@{base_url}"


def load_password(url: str, user: str) -> str:
    """The saved password for a node and user, or ``""`` when none (or no keyring) is there."""
    import keyring
    from keyring.errors import KeyringError

    try:
        return keyring.get_password(APP_NAME, _account(url, user)) or ""
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
