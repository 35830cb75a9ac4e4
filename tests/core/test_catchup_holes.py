"""Holes: what a notification catch-up stopped short of at its page limit, read on in rounds."""

from __future__ import annotations

from obnotify.core.catchup import CursorScan, Hole, Holes
from obnotify.core.decode import StoredNotification

from .test_catchup import item, pages

# Newest first: n29 (second 29) down to n0.
HISTORY = [item(n, n) for n in range(29, -1, -1)]


def read(cursor: str, offset: str, max_pages: int = 2, size: int = 3) -> CursorScan:
    """One round: a scan of at most ``max_pages`` pages from ``offset``."""
    book = pages(HISTORY, size)
    scan = CursorScan(cursor, max_pages=max_pages)
    following: str | None = offset
    while following is not None:
        following = scan.feed(book[following])
    return scan


def ids(items: list[StoredNotification]) -> list[str]:
    return [i.notification.id for i in items]


def test_a_scan_stopped_at_its_page_limit_leaves_a_hole_from_its_oldest_to_the_cursor() -> None:
    scan = read("n4", "")
    assert ids(scan.oldest_first) == ["n24", "n25", "n26", "n27", "n28", "n29"]
    assert scan.hole == Hole(start="n24", end="n4")


def test_a_scan_that_reaches_the_cursor_or_the_last_page_leaves_none() -> None:
    assert read("n27", "").hole is None
    assert read("", "n3").hole is None, "n2, n1, n0 and then an empty page"
    assert read("gone", "n6", max_pages=10).hole is None


def test_rounds_read_the_hole_to_its_end_each_notification_once() -> None:
    first = read("n4", "")
    holes = Holes()
    assert holes.add(first.hole)
    seen = ids(first.newer)
    rounds = 0
    while (hole := holes.newest) is not None:
        scan = read(hole.end, hole.start)
        seen += ids(scan.newer)
        holes.read(hole, scan.hole)
        rounds += 1
    assert rounds == 4, "n23..n18, n17..n12, n11..n6, n5 and the cursor"
    assert sorted(seen) == sorted(f"n{n}" for n in range(5, 30))
    assert len(seen) == len(set(seen))


def test_a_round_that_gets_no_further_ends_the_hole() -> None:
    holes = Holes()
    hole = Hole("n10", "n0")
    holes.add(hole)
    assert holes.read(hole, Hole("n10", "n0"))
    assert holes.newest is None


def test_holes_are_read_newest_first_and_only_so_many_kept() -> None:
    holes = Holes(limit=2)
    for n in range(3):
        holes.add(Hole(f"s{n}", f"e{n}"))
    assert holes.newest == Hole("s2", "e2")
    holes.read(Hole("s2", "e2"), None)
    assert holes.newest == Hole("s1", "e1")
    holes.read(Hole("s1", "e1"), None)
    assert holes.newest is None, "the oldest was given up for the limit"


def test_holes_survive_the_store_and_damage_reads_as_none() -> None:
    holes = Holes()
    holes.add(Hole("a", ""))
    holes.add(Hole("b", "a0"))
    again = Holes.decode(holes.encode())
    assert again.newest == Hole("b", "a0")
    again.read(Hole("b", "a0"), None)
    assert again.newest == Hole("a", "")
    assert Holes.decode("{not json").newest is None
    assert Holes.decode(None).newest is None
    assert Holes.decode('[["", "x"]]').newest is None
