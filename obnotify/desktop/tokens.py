"""API tokens of Mobazha nodes: from a named variable, else the OS keyring, as passwords are.

A token opens the node as a password does, so it is kept the same way: never in
a settings file or a log. It lives in the keyring beside the node's passwords,
under a user name no basic-auth user can have (one with a colon).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import Final

from obnotify.desktop.secrets import PasswordLoader, load_password, save_password
from obnotify.node.config import ConfigError

__all__ = ["TOKEN_USER", "resolve_token", "save_token", "token_for"]

TOKEN_USER: Final = ":token"
"""The keyring user of a node's token: basic auth splits at the first colon, so no real
user is called this."""


def resolve_token(
    base_url: str,
    *,
    env_var: str = "",
    environ: Mapping[str, str] = os.environ,
    load: PasswordLoader = load_password,
) -> str:
    """The token for a node: ``env_var`` (``--token-env``) if named, else the keyring's.

    Raises:
        ConfigError: ``env_var`` names a variable that is not set.
    """
    if env_var:
        value = environ.get(env_var)
        if value is None:
            raise ConfigError(f"--token-env names {env_var}, but that variable is not set.")
        return value.strip()
    return load(base_url, TOKEN_USER)


def save_token(base_url: str, token: str) -> bool:
    """Keep a node's token in the OS keyring; False when there is no keyring."""
    return save_password(base_url, TOKEN_USER, token)


def token_for(base_url: str, kind: str, env_var: str = "") -> str:
    """The token a node of ``kind`` is opened with: none for an OB node, whose API has no
    tokens (so the keyring is not even asked); else :func:`resolve_token`."""
    if kind == "ob":
        return ""
    return resolve_token(base_url, env_var=env_var)
