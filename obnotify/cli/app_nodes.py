"""The nodes the tray app watches: the demo, ``--node`` with its options, else the settings'.

Pure of Qt: the app runs :func:`node_configs` in a thread (it may ask the keyring), and the
first run turns the node the user picked into a config with :func:`entry_config`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from obnotify.cli.options import AppOptions
    from obnotify.node.config import NodeConfig
    from obnotify.settings.values import NodeEntry, Settings

__all__ = ["entry_config", "node_configs"]


def entry_config(
    entry: NodeEntry, password_env: str, password: str = "", token_env: str = ""
) -> NodeConfig:
    """A settings entry as a node to open; ``password`` is one just typed, else it is looked up.

    No prompt: the app must not block its loop. A user without a password found starts
    without one; the node refuses it and the node's controller asks in a non-modal dialog.
    """
    from obnotify.desktop.credentials import credentials_for

    found = credentials_for(
        entry.url,
        entry.in_use().user,
        entry.kind,
        password_env="" if password else password_env,
        token_env=token_env,
    )
    return entry.node_config(password or found.password, found.token)


def node_configs(options: AppOptions, settings: Settings, demo_url: str) -> list[NodeConfig]:
    """The nodes to watch: the demo, ``--node`` with its options, else the settings file's.

    Looks passwords up in the keyring, which may block: run it in a thread.
    """
    from obnotify.node.config import make_config

    if demo_url:
        kind = options.connection.kind
        if kind == "mobazha":
            return [make_config(demo_url, name="Demo store", store_key="demo-mobazha", kind=kind)]
        return [make_config(demo_url, name="Demo store", store_key="demo")]
    connection = options.connection
    if options.node:
        found = connection.credentials(options.node)
        return [connection.node_config(options.node, found.password, found.token)]
    return [
        entry_config(entry, connection.password_env, token_env=connection.token_env)
        for entry in settings.enabled_nodes
    ]
