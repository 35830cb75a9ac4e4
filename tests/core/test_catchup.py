"""The catch-up rules as pure functions: cursor paging, same-second ties, what counts as missed."""

from __future__ import annotations

from obnotify.core.catchup import (
    MAX_CHAT_PAGES,
    ChatAnchors,
    ChatEnd,
    ChatScan,
    CursorScan,
    event_time,
    moves_cursor,
)
from obnotify.core.decode import StoredNotification
from obnotify.core.events import ChatMessage, Notification, NotificationType
from obnotify.core.policy import Source


def item(number: int, second: int) -> StoredNotification:
    notification = Notification(id=f"n{number}", type=NotificationType.ORDER, raw_type="order")
    stamp = f"2026-12-01T10:00:{second:02d}Z"
    return StoredNotification(notification=notification, read=False, timestamp=stamp, raw="{}")


def pages(items: list[StoredNotification], size: int) -> dict[str, list[StoredNotification]]:
    """The node's pages by the ``offsetId`` that asks for each, newest first."""
    result: dict[str, list[StoredNotification]] = {}
    offset = ""
    for start in range(0, len(items), size):
        page = items[start : start + size]
        result[offset] = page
        offset = page[-1].notification.id
    result.setdefault(offset, [])
    return result


def scan(cursor: str, items: list[StoredNotification], size: int = 3) -> CursorScan:
    book = pages(items, size)
    result = CursorScan(cursor)
    offset: str | None = ""
    while offset is not None:
        offset = result.feed(book[offset])
    return result


# Newest first, as the node lists them: n9 (second 9) down to n0 (second 0).
HISTORY = [item(n, n) for n in range(9, -1, -1)]


def test_pages_back_to_the_cursor_and_no_further() -> None:
    result = scan("n4", HISTORY)
    assert result.found
    assert [i.notification.id for i in result.oldest_first] == ["n5", "n6", "n7", "n8", "n9"]
    assert result.next_cursor == "n9"
    assert result.pages == 2


def test_items_sharing_the_cursors_second_are_taken() -> None:
    tied = [item(9, 9), item(8, 8), item(7, 7), item(6, 7), item(5, 5)]
    result = scan("n7", tied, size=10)
    assert [i.notification.id for i in result.newer] == ["n9", "n8", "n6"]


def test_a_cursor_the_node_forgot_takes_everything_up_to_the_page_limit() -> None:
    result = CursorScan("gone", max_pages=2)
    book = pages(HISTORY, 3)
    offset = result.feed(book[""])
    assert offset == "n7"
    assert result.feed(book[offset]) is None, "stops at the page limit"
    assert not result.found and len(result.newer) == 6


def test_nothing_new() -> None:
    result = scan("n9", HISTORY)
    assert result.found and result.newer == [] and result.next_cursor == ""
    assert scan("", []).newer == []


def test_only_what_the_node_lists_moves_the_cursor() -> None:
    order = Notification(id="a", type=NotificationType.ORDER, raw_type="order")
    unfollow = Notification(id="b", type=NotificationType.UNFOLLOW, raw_type="unfollow")
    assert moves_cursor(order) and not moves_cursor(unfollow)
    assert not moves_cursor(Notification(id="", type=NotificationType.ORDER, raw_type="order"))
    assert not moves_cursor(ChatMessage(id="c", peer_id="p", text="hi"))


def test_missed_chat_is_unread_incoming_oldest_first() -> None:
    newest_first = [
        (ChatMessage(id="4", peer_id="p", text="mine", outgoing=True), "4"),
        (ChatMessage(id="3", peer_id="p", text="new"), "3"),
        (ChatMessage(id="2", peer_id="p", text="seen", read=True), "2"),
        (ChatMessage(id="1", peer_id="p", text="older"), "1"),
    ]
    scan = ChatScan(unread=2)
    assert scan.feed(newest_first) is None
    assert [raw for _m, raw in scan.oldest_first] == ["1", "3"]
    assert scan.next_anchor == "4"


def test_a_caught_up_event_happened_when_the_node_says() -> None:
    arrival = 1_800_000_000.0
    yesterday = "2027-01-14T08:00:00.123456789Z"
    happened = event_time(Source.CATCH_UP, yesterday, arrival)
    assert arrival - happened > 3600
    assert event_time(Source.HISTORY, "2027-01-14T09:00:00+01:00", arrival) == happened - 0.123456
    assert event_time(Source.SOCKET, yesterday, arrival) == arrival, "live: as it arrived"
    assert event_time(Source.CATCH_UP, "not a time", arrival) == arrival
    assert event_time(Source.CATCH_UP, "2027-01-14T08:00:00", arrival) == arrival, "no zone"
    assert event_time(Source.CATCH_UP, "2099-01-01T00:00:00Z", arrival) == arrival, "future"


def chat(count: int, unread: int = 0) -> list[tuple[ChatMessage, str]]:
    """``count`` messages, newest first (``m{count-1}`` down to ``m0``); the newest
    ``unread`` of them unread, the rest read."""
    return [
        (ChatMessage(id=f"m{n}", peer_id="p", text="", read=n < count - unread), f"m{n}")
        for n in range(count - 1, -1, -1)
    ]


def chat_pages(history: list[tuple[ChatMessage, str]]) -> dict[str, list[tuple[ChatMessage, str]]]:
    """The node's pages of 50 by the ``offsetId`` that asks for each."""
    book: dict[str, list[tuple[ChatMessage, str]]] = {}
    offset = ""
    for start in range(0, len(history), 50):
        book[offset] = history[start : start + 50]
        offset = book[offset][-1][0].id
    book.setdefault(offset, [])
    return book


def read_back(scan: ChatScan, book: dict[str, list[tuple[ChatMessage, str]]]) -> ChatScan:
    offset: str | None = ""
    while offset is not None:
        offset = scan.feed(book[offset])
    return scan


def test_without_an_anchor_a_conversation_is_read_back_until_its_unread_messages_are_in() -> None:
    history = chat(120, unread=70)
    scan = read_back(ChatScan(unread=70), chat_pages(history))
    assert scan.pages == 2 and scan.ended is ChatEnd.UNREAD, "stops once 70 unread were seen"
    assert len(scan.missed) == 70
    short = ChatScan(unread=500)
    assert short.feed(history[100:]) is None and short.ended is ChatEnd.START
    assert ChatScan(unread=0).feed(history[:50]) is None, "order chat: the newest page"


def test_a_conversation_is_read_back_to_its_anchor_past_any_number_of_unread() -> None:
    """Every message is unread on the node, and hundreds newer than the missed ones were
    already recorded live: the scan reads on to where the last one ended, not to a count."""
    history = chat(1_200, unread=1_200)
    anchor = "m100"
    scan = read_back(ChatScan(unread=1_200, anchor=anchor), chat_pages(history))
    assert scan.ended is ChatEnd.ANCHOR
    assert scan.pages == 22, "well past the ten pages of 50 a bound would stop at"
    assert [m.id for m, _raw in scan.oldest_first] == [f"m{n}" for n in range(101, 1_200)]
    assert scan.next_anchor == "m1199"


def test_an_anchor_on_the_newest_message_reads_one_page() -> None:
    history = chat(120, unread=120)
    scan = read_back(ChatScan(unread=120, anchor="m119"), chat_pages(history))
    assert scan.pages == 1 and scan.missed == [] and scan.next_anchor == "m119"


def test_a_node_that_repeats_its_page_is_read_once() -> None:
    page = chat(50, unread=50)
    scan = ChatScan(unread=10_000, anchor="gone")
    assert scan.feed(page) == "m0"
    assert scan.feed(page) is None and scan.ended is ChatEnd.REPEAT
    assert len(scan.missed) == 50, "each message once"


def test_a_node_whose_pages_never_end_is_read_to_the_page_limit() -> None:
    scan = ChatScan(unread=10_000_000, anchor="never listed")
    offset: str | None = ""
    served = 0
    while offset is not None:
        page = [
            (ChatMessage(id=f"e{served + i}", peer_id="p", text=""), f"e{served + i}")
            for i in range(50)
        ]
        served += 50
        offset = scan.feed(page)
    assert scan.ended is ChatEnd.LIMIT and scan.pages == MAX_CHAT_PAGES
    assert len(scan.missed) == MAX_CHAT_PAGES * 50


def test_anchors_keep_the_conversations_moved_last() -> None:
    anchors = ChatAnchors(limit=2)
    assert anchors.move("a", "", "1") and not anchors.move("a", "", "1")
    anchors.move("b", "order", "2")
    anchors.move("a", "", "3")
    anchors.move("c", "", "4")
    assert anchors.get("b", "order") == "", "the one moved longest ago is let go"
    again = ChatAnchors.decode(anchors.encode(), limit=2)
    assert (again.get("a"), again.get("c")) == ("3", "4")
    assert ChatAnchors.decode('{"not": "a list"}').get("a") == ""
    assert ChatAnchors.decode(None).get("a") == ""
