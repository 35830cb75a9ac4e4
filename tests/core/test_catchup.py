"""The catch-up rules as pure functions: cursor paging, same-second ties, what counts as missed."""

from __future__ import annotations

from obnotify.core.catchup import ChatScan, CursorScan, event_time, moves_cursor, unread_incoming
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
    assert [raw for _m, raw in unread_incoming(newest_first)] == ["1", "3"]


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


def test_a_conversation_is_read_back_until_its_unread_messages_are_in() -> None:
    # 120 messages, newest first; the 70 newest are unread, the rest read.
    history = [
        (ChatMessage(id=f"m{n}", peer_id="p", text="", read=n < 50), f"m{n}")
        for n in range(119, -1, -1)
    ]
    pages = {"": history[:50], "m70": history[50:100], "m20": history[100:]}
    scan = ChatScan(unread=70)
    offset: str | None = ""
    while offset is not None:
        offset = scan.feed(pages[offset])
    assert scan.pages == 2, "stops once 70 unread were seen"
    assert len(unread_incoming(scan.messages)) == 70
    short = ChatScan(unread=500)
    assert short.feed(history[100:]) is None, "a short page is the end"
    assert ChatScan(unread=0).feed(history[:50]) is None, "order chat: the newest page"
