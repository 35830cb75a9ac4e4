"""The settings as values: a node entry reaches its connection with only what it chose."""

from __future__ import annotations

from obnotify.settings.values import NodeEntry


def test_only_the_chosen_auth_and_tls_reach_the_connection() -> None:
    entry = NodeEntry(
        url="http://n", auth="cookie", user="alice", cookie_file="/c", tls="system", pin="ab"
    )
    assert entry.in_use() == NodeEntry(url="http://n", auth="cookie", cookie_file="/c")
