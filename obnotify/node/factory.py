"""One node opened for watching: its store, REST client, thumbnail cache and session.

The tray app and ``obnotify watch`` open a node the same way, here: the same
file names under the same folders, so both read and write one history.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from obnotify.core.backoff import Backoff
from obnotify.desktop.thumbnails import ThumbnailCache
from obnotify.node.api import NodeApi
from obnotify.node.config import NodeConfig
from obnotify.node.mobazha import api_for
from obnotify.node.session import NodeSession, SessionListener
from obnotify.store.database import Store

__all__ = ["NodeParts", "open_node", "store_path"]


def store_path(data_dir: Path, config: NodeConfig) -> Path:
    """The node's history database: one SQLite file per node under ``data_dir/nodes``."""
    return data_dir / "nodes" / f"{config.key}.sqlite3"


@dataclass(frozen=True, slots=True)
class NodeParts:
    """What :func:`open_node` made, to be closed together once the session has ended."""

    store: Store
    api: NodeApi
    thumbnails: ThumbnailCache
    session: NodeSession
    new_store: bool = False
    """The history file was made by :func:`open_node` (it did not exist before)."""

    async def close(self) -> None:
        """Stop downloads and close the client and the store; safe to call twice.

        A history file made for a node that never connected is removed: a mistyped
        address must not leave a database behind for every attempt.
        """
        await self.thumbnails.aclose()
        await self.api.aclose()
        self.store.close()
        path = self.store.path
        if self.new_store and path is not None and not self.session.link.ever_connected:
            for leftover in (
                path,
                path.with_name(path.name + "-wal"),
                path.with_name(path.name + "-shm"),
            ):
                leftover.unlink(missing_ok=True)


def open_node(
    config: NodeConfig,
    listener: SessionListener | None = None,
    *,
    data_dir: Path,
    cache_dir: Path,
    history_cap: int,
    retry_max: float | None = None,
) -> NodeParts:
    """Open the node's store and build its client, thumbnail cache and session.

    Nothing connects yet: that starts with ``parts.session.run()``. ``listener``
    may also be set on the session later, before it runs.

    Raises:
        StoreError: The history database cannot be opened.
        OSError: The thumbnail folder cannot be created.
    """
    path = store_path(data_dir, config)
    new_store = not path.exists()
    store = Store(path, history_cap=history_cap)
    try:
        api = api_for(config)
        thumbnails = ThumbnailCache(cache_dir / "thumbnails", lambda: api.pictures)
    except BaseException:
        store.close()
        raise
    link_options = (
        {"backoff": Backoff(initial=min(1.0, retry_max), maximum=retry_max)}
        if retry_max is not None
        else None
    )
    session = NodeSession(
        config, store, listener, api=api, thumbnails=thumbnails, link_options=link_options
    )
    return NodeParts(
        store=store, api=api, thumbnails=thumbnails, session=session, new_store=new_store
    )
