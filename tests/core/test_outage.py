"""A node down for minutes is told once, its return once; a blip says nothing."""

from __future__ import annotations

from obnotify.core.outage import DOWN_AFTER, OutageNews, OutageWatch


def test_a_short_blip_says_nothing() -> None:
    watch = OutageWatch()
    assert watch.disconnected(0.0) is None
    assert watch.disconnected(DOWN_AFTER - 1) is None
    assert watch.connected() is None


def test_a_long_outage_is_told_once_and_its_end_once() -> None:
    watch = OutageWatch()
    watch.disconnected(100.0)
    assert watch.disconnected(100.0 + DOWN_AFTER) is OutageNews.DOWN
    assert watch.disconnected(100.0 + 2 * DOWN_AFTER) is None
    assert watch.connected() is OutageNews.BACK
    assert watch.connected() is None
    assert watch.disconnected(1000.0) is None
