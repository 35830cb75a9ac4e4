"""A node that is not to be trusted: huge, slow, endless or redirected answers, hostile text.

Each test plays one fault of the simulated node against the real client code
and checks what reaches memory, the log, the store and the user.
"""

from __future__ import annotations

import asyncio
import io
import logging
import tracemalloc
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
from waiting import scaled, until

from obnotify.core.backoff import Backoff
from obnotify.core.catchup import MAX_CHAT_PAGES, MAX_PAGES, PAGE_SIZE, ChatAnchors
from obnotify.core.connection import ConnState
from obnotify.demo.cid import random_cid
from obnotify.demo.node import DEFAULT_PEER_ID, SimNode
from obnotify.desktop.thumbnails import MAX_DOWNLOADS, MAX_PENDING, ThumbnailCache
from obnotify.node.api import MAX_PAGE_BYTES, ApiError, NodeApi, ResponseTooLarge
from obnotify.node.catchup import CHAT_ANCHORS_STATE
from obnotify.node.config import make_config
from obnotify.node.link import MAX_MESSAGE_BYTES
from obnotify.node.session import FIRST_START_DONE, NodeSession
from obnotify.store.database import Store

from .test_session import BUYER, FAST, Recorder, run

PEER = "QmVQzkdi3Fq6LRFG9UNqDZfSry67weCZV6ZL26QVx64UFy"


def _session(node: SimNode, tmp_path: Path, rec: Recorder, **config: str) -> NodeSession:
    store = Store(tmp_path / f"{node.port}.sqlite3")
    return NodeSession(make_config(node.url, **config), store, rec, link_options=dict(FAST))


async def _stop(session: NodeSession, task: asyncio.Task[None]) -> None:
    session.stop()
    await asyncio.wait_for(task, 10)
    session.store.close()


@pytest.fixture
def log_text() -> Iterator[io.StringIO]:
    """Everything obnotify logs, formatted as ``obnotify watch`` writes it to stderr."""
    out = io.StringIO()
    handler = logging.StreamHandler(out)
    handler.setFormatter(logging.Formatter("obnotify: %(message)s"))
    logger = logging.getLogger("obnotify")
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield out
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_oversized_answers_are_refused_while_they_stream() -> None:
    """A page four times the limit is dropped at the limit: memory stays near it."""

    async def scenario() -> tuple[int, list[str]]:
        node = SimNode(wallet_interval=None)
        node.add_profile(PEER, {"name": "Alice"})
        node.add_chat_message({"peerId": PEER, "message": "hi", "messageId": random_cid()})
        node.store_notification(node.frames.follow(peer_id=PEER))
        node.set_faults(padding=4 * MAX_PAGE_BYTES)
        node.set_faults(ignore_limit=True)
        await node.start()
        api = NodeApi(make_config(node.url))
        try:
            tracemalloc.start()
            try:
                with pytest.raises(ResponseTooLarge) as page:
                    await api.notifications(limit=50)
                _, peak = tracemalloc.get_traced_memory()
            finally:
                tracemalloc.stop()
            reasons = [str(page.value)]
            for call in (
                api.balances(),
                api.profile(PEER),
                api.chat_conversations(),
                api.chat_messages(PEER, limit=5),
            ):
                with pytest.raises(ResponseTooLarge) as refused:
                    await call
                reasons.append(str(refused.value))
            return peak, reasons
        finally:
            await api.aclose()
            await node.stop()

    peak, reasons = run(scenario())
    assert peak < 2 * MAX_PAGE_BYTES, f"peak {peak / 2**20:.1f} MiB"
    assert reasons[0] == (
        "GET /ob/notifications: the node's answer is over the 8 MiB limit, far more than a "
        "node sends: refused"
    )
    assert [r.split(":")[0] for r in reasons[1:]] == [
        "GET /wallet/balance",
        f"GET /ob/profile/{PEER}",
        "GET /ob/chatconversations",
        f"GET /ob/chatmessages/{PEER}",
    ]
    assert all("1 MiB limit" in r for r in reasons[1:3])


def test_a_refused_catch_up_is_logged_and_the_socket_stays(
    tmp_path: Path, log_text: io.StringIO
) -> None:
    async def scenario() -> Recorder:
        node = SimNode(wallet_interval=None)
        node.store_notification(node.frames.follow(peer_id=PEER))
        node.set_faults(padding=2 * MAX_PAGE_BYTES)
        await node.start()
        rec = Recorder()
        session = _session(node, tmp_path, rec)
        task = asyncio.create_task(session.run())
        await until(lambda: "catch-up failed" in log_text.getvalue(), message="the failure logged")
        await _stop(session, task)
        await node.stop()
        return rec

    rec = run(scenario())
    assert [state for state, _ in rec.states][:2] == [ConnState.CONNECTING, ConnState.CONNECTED]
    assert rec.catch_ups == [0], "the summary of what the other parts found is not held back"
    assert "GET /ob/notifications: the node's answer is over the 8 MiB limit" in log_text.getvalue()
    assert any(
        "catch-up failed" in detail and "over the 8 MiB limit" in detail for _, detail in rec.states
    )


def test_a_node_that_ignores_the_page_limit_still_gives_one_page() -> None:
    async def scenario() -> tuple[list[str], list[str]]:
        node = SimNode(wallet_interval=None)
        stored = [node.store_notification(node.frames.follow(peer_id=PEER)) for _ in range(120)]
        node.set_faults(ignore_limit=True)
        await node.start()
        api = NodeApi(make_config(node.url))
        try:
            page = await api.notifications(limit=PAGE_SIZE)
            return stored, [item.notification.id for item in page.items]
        finally:
            await api.aclose()
            await node.stop()

    stored, page = run(scenario())
    assert len(page) == PAGE_SIZE
    assert set(page) <= set(stored)


def test_endless_pages_are_read_in_bounded_rounds_a_pause_apart(tmp_path: Path) -> None:
    """A node whose notification pages never end is read a page limit at a time, each
    round after a pause, each notification recorded once, in bounded memory."""
    rounds = 4

    async def scenario() -> tuple[SimNode, Recorder, int, int, int]:
        node = SimNode(wallet_interval=None)
        node.set_faults(endless_pages=True)
        await node.start()
        rec = Recorder()
        retry = Backoff(initial=0.05, maximum=0.2)
        store = Store(tmp_path / f"{node.port}.sqlite3")
        session = NodeSession(
            make_config(node.url), store, rec, link_options=dict(FAST), retry=retry
        )
        session.store.set_state(FIRST_START_DONE, "1")
        session.store.set_cursor(random_cid())
        tracemalloc.start()
        try:
            task = asyncio.create_task(session.run())
            await until(lambda: len(rec.catch_ups) >= rounds, timeout=60, message="rounds")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        pauses = retry.attempt
        await _stop(session, task)
        with Store(tmp_path / f"{node.port}.sqlite3") as store:
            recorded = store.count()
        await node.stop()
        return node, rec, recorded, pauses, peak

    node, rec, recorded, pauses, peak = run(scenario())
    pages = [path for _, path in node.journal.requests if path.startswith("/ob/notifications")]
    done = len(rec.catch_ups)
    assert rec.catch_ups == [MAX_PAGES * PAGE_SIZE] * done, "each round a page limit"
    assert pauses >= done - 1, "a pause before each round after the first"
    assert done * MAX_PAGES <= len(pages) <= (done + 1) * MAX_PAGES
    assert done * MAX_PAGES * PAGE_SIZE <= recorded <= node.journal.endless_served
    assert max(Counter(n.row.key for n in rec.new).values()) == 1, "none handed on twice"
    assert peak < 64 * 2**20, f"peak {peak / 2**20:.1f} MiB"


def test_endless_chat_pages_end_the_chat_catch_up(tmp_path: Path) -> None:
    """A conversation whose pages never reach where the last catch-up ended is read to
    the page limit, each message recorded once, in bounded memory."""

    async def scenario() -> tuple[SimNode, Recorder, int, int]:
        node = SimNode(wallet_interval=None)
        node.add_chat_message({"peerId": PEER, "message": "listed", "read": False})
        node.set_faults(endless_chat_pages=True)
        await node.start()
        rec = Recorder()
        session = _session(node, tmp_path, rec)
        session.store.set_state(FIRST_START_DONE, "1")
        anchors = ChatAnchors()
        anchors.move(PEER, "", random_cid())
        session.store.set_state(CHAT_ANCHORS_STATE, anchors.encode())
        tracemalloc.start()
        try:
            task = asyncio.create_task(session.run())
            await until(lambda: rec.catch_ups, timeout=60, message="the catch-up to end")
            _, peak = tracemalloc.get_traced_memory()
        finally:
            tracemalloc.stop()
        recorded = session.store.count()
        await _stop(session, task)
        await node.stop()
        return node, rec, recorded, peak

    node, rec, recorded, peak = run(scenario())
    pages = [path for _, path in node.journal.requests if path.startswith("/ob/chatmessages")]
    assert len(pages) == MAX_CHAT_PAGES
    assert recorded == MAX_CHAT_PAGES * PAGE_SIZE
    assert rec.catch_ups == [MAX_CHAT_PAGES * PAGE_SIZE]
    assert peak < 64 * 2**20, f"peak {peak / 2**20:.1f} MiB"


@pytest.mark.parametrize("pool", ["pictures", "shared"])
def test_slow_pictures_never_hold_up_the_api(tmp_path: Path, pool: str) -> None:
    """300 pictures the node cannot deliver, and the balances still come at once.

    ``shared`` is a cache given the API's own client: its bounded queue alone keeps
    the API's connections free.
    """

    async def scenario() -> tuple[SimNode, ThumbnailCache, object]:
        node = SimNode(wallet_interval=None)
        node.set_faults(hold_images=True)
        hashes = [node.add_image(f"picture {i}".encode()) for i in range(300)]
        await node.start()
        api = NodeApi(make_config(node.url))
        client = api.pictures if pool == "pictures" else api.client
        cache = ThumbnailCache(tmp_path, client)
        waiters = [asyncio.create_task(cache.get(h)) for h in hashes]
        try:
            await node.wait_until(lambda: node.journal.images_in_flight >= MAX_DOWNLOADS, scaled(5))
            balances = await api.balances()
            node.release_images()
            await asyncio.gather(*waiters)
            return node, cache, balances
        finally:
            await cache.aclose()
            await api.aclose()
            await node.stop()

    node, cache, balances = run(scenario())
    assert balances is not None
    assert node.journal.most_images_in_flight == MAX_DOWNLOADS
    assert cache.counters.dropped == 300 - MAX_PENDING
    assert cache.counters.rejected == MAX_PENDING


def test_a_redirect_is_never_followed(tmp_path: Path) -> None:
    """Neither the socket nor REST nor a picture goes where the node redirects them."""

    async def scenario() -> tuple[SimNode, Recorder, int, list[str], ThumbnailCache]:
        elsewhere = SimNode(wallet_interval=None)
        elsewhere.set_faults(
            greeting=(elsewhere.frames.notification_frame(elsewhere.frames.follow(peer_id=BUYER)),)
        )
        elsewhere.store_notification(elsewhere.frames.follow(peer_id=BUYER))
        await elsewhere.start()
        node = SimNode(wallet_interval=None)
        picture = node.add_image(b"a picture")
        node.set_faults(redirect_to=elsewhere.url)
        await node.start()
        rec = Recorder()
        session = _session(node, tmp_path, rec, username="alice", password="s3cret")
        task = asyncio.create_task(session.run())
        await until(lambda: rec.state is not ConnState.CONNECTING, message="a verdict")
        api = NodeApi(make_config(node.url, username="alice", password="s3cret"))
        cache = ThumbnailCache(tmp_path / "thumbs", api.pictures)
        errors = []
        for call in (api.balances(), api.notifications(limit=5)):
            with pytest.raises(ApiError) as refused:
                await call
            errors.append(str(refused.value))
        assert await cache.get(picture) is None
        recorded = session.store.count()
        await cache.aclose()
        await api.aclose()
        await _stop(session, task)
        await node.stop()
        await elsewhere.stop()
        return elsewhere, rec, recorded, errors, cache

    elsewhere, rec, recorded, errors, cache = run(scenario())
    assert elsewhere.journal.handshake_attempts == 0
    assert elsewhere.journal.requests == []
    assert rec.new == [] and recorded == 0
    state, detail = rec.states[1]
    assert state is ConnState.UNREACHABLE
    assert detail.startswith(
        f"the node answered with a redirect (HTTP 302) to {elsewhere.ws_url}, which is not followed"
    )
    assert all("redirect (HTTP 302)" in error and "not followed" in error for error in errors)
    assert cache.counters.rejected == 1


def test_node_text_reaches_the_log_escaped(tmp_path: Path, log_text: io.StringIO) -> None:
    """Escape sequences and line breaks from the node cannot colour the terminal or forge
    a log line: every line of the log is one of ours."""

    async def scenario() -> None:
        node = SimNode(wallet_interval=None)
        await node.start()
        rec = Recorder()
        session = _session(node, tmp_path, rec)
        task = asyncio.create_task(session.run())
        await until(lambda: bool(rec.catch_ups), message="connected")
        await node.push_raw('{"notification": \x1b[31mRED\r\nobnotify: node forged: connected')
        await node.push_raw('{"\\u001b[2J\\r\\nobnotify: forged key": 1}')
        await node.push_raw(
            '{"error": "not found", "id": "\\u001b]0;title\\u0007\\r\\nobnotify: forged id", '
            f'"peerID": "{DEFAULT_PEER_ID}"}}'
        )
        await until(lambda: session.counters.frames >= 3, message="the frames read")
        await _stop(session, task)
        await node.stop()

    run(scenario())
    text = log_text.getvalue()
    assert "\x1b" not in text and "\r" not in text and "\x07" not in text
    assert all(line.startswith("obnotify: ") for line in text.splitlines())
    assert "forged" in text
    assert "\\x1b[31mRED\\x0d\\x0aobnotify: node forged: connected" in text
    assert "\\x1b[2J\\x0d\\x0aobnotify: forged key" in text
    assert "\\x1b]0;title\\x07\\x0d\\x0aobnotify: forged id" in text


def test_a_frame_over_the_socket_limit_says_why_the_connection_dropped(tmp_path: Path) -> None:
    async def scenario() -> Recorder:
        node = SimNode(wallet_interval=None)
        await node.start()
        rec = Recorder()
        session = _session(node, tmp_path, rec)
        task = asyncio.create_task(session.run())
        await until(lambda: rec.state is ConnState.CONNECTED, message="connected")
        await node.push_raw("x" * (MAX_MESSAGE_BYTES + 1))
        await until(lambda: rec.state is not ConnState.CONNECTED, message="the connection dropped")
        await _stop(session, task)
        await node.stop()
        return rec

    rec = run(scenario())
    assert (
        ConnState.UNREACHABLE,
        "the node sent a message larger than 16 MiB, so the connection was dropped",
    ) in rec.states
