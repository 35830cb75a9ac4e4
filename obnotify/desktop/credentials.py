"""The one rule that finds a node's password and token, for the app, ``watch`` and ``doctor``.

A password comes from the variable named by ``--password-env``, else the keyring,
else (``watch`` in a terminal) a prompt; a Mobazha node's API token from
``--token-env``, else the keyring; an OB node takes no token. Every command asks
here, so none can honour an option that another ignores.
"""

from __future__ import annotations

from dataclasses import dataclass

from obnotify.desktop.secrets import PasswordPrompt, resolve_password
from obnotify.desktop.tokens import token_for
from obnotify.node.config import parse_node_url

__all__ = ["Credentials", "credentials_for"]


@dataclass(frozen=True, slots=True)
class Credentials:
    """What a node is opened with; empty strings for what it does not need."""

    password: str = ""
    token: str = ""


def credentials_for(
    url: str,
    user: str,
    kind: str,
    *,
    password_env: str = "",
    token_env: str = "",
    prompt: PasswordPrompt | None = None,
) -> Credentials:
    """The password and token of the node at ``url`` for ``user``.

    Blocking (the keyring may wait): call it from a thread in the app.

    Raises:
        ConfigError: ``url`` is not a node's address, or a named variable is not set.
    """
    base_url = parse_node_url(url)[0]
    return Credentials(
        resolve_password(base_url, user, env_var=password_env, prompt=prompt),
        token_for(base_url, kind, token_env),
    )
