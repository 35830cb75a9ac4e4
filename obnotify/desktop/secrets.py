"""Passwords in the OS keyring, never in a config file or a log."""

from __future__ import annotations

import logging

import keyring
from keyring.errors import KeyringError

from obnotify import APP_NAME

__all__ = ["delete_password", "load_password", "save_password"]

log = logging.getLogger(__name__)


def _account(base_url: str, user: str) -> str:
    """One keyring entry per node and user; ``base_url`` is the normalised ``http(s)://host:port``."""
    return f"{user}@{base_url}"


def load_password(url: str, user: str) -> str:
    """The saved password for a node and user, or ``""`` when none (or no keyring) is there."""
    try:
        return keyring.get_password(APP_NAME, _account(url, user)) or ""
    except (KeyringError, RuntimeError) as exc:
        log.info("no keyring available: %s", type(exc).__name__)
        return ""


def save_password(url: str, user: str, password: str) -> bool:
    """Keep a password in the OS keyring; False when there is no keyring to keep it in."""
    try:
        keyring.set_password(APP_NAME, _account(url, user), password)
    except (KeyringError, RuntimeError) as exc:
        log.warning("could not save the password in the keyring: %s", type(exc).__name__)
        return False
    return True


def delete_password(url: str, user: str) -> None:
    try:
        keyring.delete_password(APP_NAME, _account(url, user))
    except (KeyringError, RuntimeError):
        pass
