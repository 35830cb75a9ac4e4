"""A session on a simulated Mobazha node: real sockets and SQLite, caught up exactly once."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from waiting import until

from obnotify.core.connection import ConnState
from obnotify.core.policy import Source
from obnotify.demo.mobazha import MobazhaSimNode
from obnotify.demo.node import SimNode
from obnotify.node.config import make_config
from obnotify.node.session import NodeSession
from obnotify.store.database import Store

from .test_session import FAST, Recorder, _connections, _stop, run

TOKEN = "mbz_t1_" + "k" * 32
BUYER = "12D3KooWQp7vHj3a2Mz1Fh8wT4sXy9cRkLmNbVdGe6uPq5Ai7Ce1"


def _session(
    node: SimNode, tmp_path: Path, rec: Recorder, *, kind: str = "mobazha", token: str = TOKEN
) -> tuple[NodeSession, Store]:
    store = Store(tmp_path / "node.sqlite3")
    config = make_config(node.url, kind=kind, token=token)
    return NodeSession(config, store, rec, link_options=dict(FAST)), store


def _order(index: int) -> dict[str, str]:
    return {"orderID": f"order-{index}", "buyerName": f"Buyer {index}", "buyerID": BUYER}


def test_restarts_and_missed_events_are_each_delivered_once(tmp_path: Path) -> None:
    """Stored while the node was down, pushed before the client is back, pushed live:
    every event once, over ten restarts."""

    async def scenario() -> tuple[list[str], Recorder, Store]:
        node = MobazhaSimNode(token=TOKEN, wallet_interval=None)
        await node.start()
        rec = Recorder()
        session, store = _session(node, tmp_path, rec)
        task = asyncio.create_task(session.run())
        await until(lambda: rec.catch_ups, message="first catch-up")
        sent: list[str] = []
        for i in range(200):
            if i % 20 == 19:
                connected = _connections(rec)
                await node.stop()
                stored = node.store_event("order.created", **_order(i))
                assert stored is not None
                sent.append(stored[0])
                await node.start()
                sent.append(await node.emit("order.funded", **_order(i)))
                await until(lambda before=connected: _connections(rec) > before, message="back")
            else:
                sent.append(await node.emit("order.created", **_order(i)))
        await until(lambda: len(rec.new) >= 210, timeout=60, message="all delivered")
        await _stop(session, task)
        await node.stop()
        return sent, rec, store

    sent, rec, store = run(scenario())
    assert len(set(sent)) == 210
    delivered = Counter(n.row.event_id for n in rec.new)
    assert set(delivered) == set(sent)
    assert max(delivered.values()) == 1, "an event was delivered (and would be toasted) twice"
    assert all(n.toast is not None for n in rec.new)
    assert store.count() == 210
    store.close()


def test_ties_at_a_page_edge_are_caught_up(tmp_path: Path) -> None:
    """The node pages by strictly older timestamps: 20 events of one second across the
    edge of a 50-item page would fall between pages."""

    async def scenario() -> tuple[Recorder, list[str]]:
        node = MobazhaSimNode(wallet_interval=None)
        node.set_faults(whole_seconds=True)
        await node.start()
        node.store_event("social.follow", peerID=BUYER, read=True)
        rec = Recorder()
        session, store = _session(node, tmp_path, rec, token="")
        task = asyncio.create_task(session.run())
        await until(lambda: rec.catch_ups, message="first catch-up")
        await node.stop()
        start = datetime.now(UTC) + timedelta(minutes=5)
        missed = []
        for i in range(80):
            # Orders 20 to 39 share one second; newest first, the page of 50 ends among them.
            moment = start + timedelta(seconds=30 if 20 <= i < 40 else i)
            stored = node.store_event("order.created", timestamp=moment, **_order(i))
            assert stored is not None
            missed.append(stored[0])
        await node.start()
        await until(lambda: len(rec.catch_ups) == 2, timeout=20, message="second catch-up")
        await until(lambda: len(rec.new) == 81, message="missed delivered")
        await _stop(session, task)
        await node.stop()
        store.close()
        return rec, missed

    rec, missed = run(scenario())
    assert rec.catch_ups[1] == 80
    assert sorted(n.row.event_id for n in rec.new[1:]) == sorted(missed)
    assert all(n.source is Source.CATCH_UP for n in rec.new[1:])


def test_the_kind_is_found_at_connect(tmp_path: Path) -> None:
    async def scenario() -> tuple[str, str, Recorder]:
        mobazha = MobazhaSimNode(token=TOKEN, wallet_interval=None)
        ob = SimNode(wallet_interval=None)
        await mobazha.start()
        await ob.start()
        mobazha.store_event("order.funded", **_order(1))
        rec, other = Recorder(), Recorder()
        session, store = _session(mobazha, tmp_path, rec, kind="auto")
        (tmp_path / "ob").mkdir()
        ob_session, ob_store = _session(ob, tmp_path / "ob", other, kind="auto", token="")
        tasks = [asyncio.create_task(s.run()) for s in (session, ob_session)]
        await until(lambda: rec.catch_ups and other.catch_ups, message="both caught up")
        await mobazha.emit("order.shipped", orderID="order-1", vendorName="Bob", vendorID=BUYER)
        await until(lambda: len(rec.new) == 2, message="live event")
        for s, t in zip((session, ob_session), tasks, strict=True):
            await _stop(s, t)
        await mobazha.stop()
        await ob.stop()
        store.close()
        ob_store.close()
        return session.kind, ob_session.kind, rec

    mobazha_kind, ob_kind, rec = run(scenario())
    assert (mobazha_kind, ob_kind) == ("mobazha", "ob")
    assert [n.event.type.value for n in rec.new] == ["order.funded", "fulfillment"]  # type: ignore[union-attr]
    assert rec.new[1].toast is not None and rec.new[1].toast.title == "Order fulfilled"


def test_a_wrong_token_stops_at_auth_failed(tmp_path: Path) -> None:
    async def scenario() -> Recorder:
        node = MobazhaSimNode(token=TOKEN, wallet_interval=None)
        await node.start()
        rec = Recorder()
        session, store = _session(node, tmp_path, rec, token="mbz_wrong_token")
        task = asyncio.create_task(session.run())
        await until(lambda: rec.state is ConnState.AUTH_FAILED, message="auth failed")
        await _stop(session, task)
        await node.stop()
        store.close()
        return rec

    rec = run(scenario())
    assert _connections(rec) == 0


def test_partial_payments_and_chat_arrive_once(tmp_path: Path) -> None:
    from obnotify.demo.mobazha_frames import chat_frame, partial_payment_frame

    async def scenario() -> Recorder:
        node = MobazhaSimNode(wallet_interval=None)
        await node.start()
        rec = Recorder()
        session, store = _session(node, tmp_path, rec, token="")
        task = asyncio.create_task(session.run())
        await until(lambda: rec.catch_ups, message="caught up")
        partial = partial_payment_frame("order-9", paid=1000, expected=5000, coin="BTC")
        await node.push(partial)
        await node.push(partial)
        when = datetime.now(UTC)
        await node.push(
            chat_frame("$m1", "@alice:m.org", "Hi", when=when, msg_type="m.bad.encrypted")
        )
        await node.push(
            chat_frame("$m1", "@alice:m.org", "Hi", when=when, kind="chat.message.decrypted")
        )
        await until(lambda: len(rec.new) == 2, message="partial and chat")
        await node.push({"status": "publishing"})
        await until(lambda: rec.signals, message="the status after them")
        await _stop(session, task)
        await node.stop()
        store.close()
        return rec

    rec = run(scenario())
    titles = [n.toast.title for n in rec.new if n.toast]
    assert titles == ["Partial payment", "@alice"]


def test_chat_sent_while_away_is_caught_up_once_and_named(tmp_path: Path) -> None:
    """Two unread messages among older read ones and our own reply: the two, once, by name."""
    room = "!r1:mobazha.local"
    alice = "@alice:mobazha.org"

    async def scenario() -> tuple[Recorder, list[str], int]:
        node = MobazhaSimNode(wallet_interval=None)
        node.add_room(room, {alice: "Alice Liddell"})
        await node.start()
        rec = Recorder()
        session, store = _session(node, tmp_path, rec, token="")
        task = asyncio.create_task(session.run())
        await until(lambda: rec.catch_ups, message="first catch-up")
        await node.stop()
        for text in ("old one", "old two"):
            node.add_room_message(room, alice, text)
        node.rooms[room]["unread"] = 0  # read in Mobazha itself
        node.add_room_message(room, node.matrix_user, "our reply")
        missed = [node.add_room_message(room, alice, t)["id"] for t in ("Still there?", "Hello?")]
        await node.start()
        await until(lambda: len(rec.catch_ups) == 2, message="second catch-up")
        await until(lambda: len(rec.new) == 2, message="unread chat delivered")
        # Back again: nothing new, nothing twice.
        await node.stop()
        await node.start()
        await until(lambda: len(rec.catch_ups) == 3, message="third catch-up")
        await node.say(room, alice, "Live now")
        await until(lambda: len(rec.new) == 3, message="live chat")
        await _stop(session, task)
        await node.stop()
        store.close()
        return rec, missed, rec.catch_ups[2]

    rec, missed, third = run(scenario())
    assert [n.row.event_id for n in rec.new[:2]] == missed
    assert all(n.source is Source.CATCH_UP for n in rec.new[:2])
    assert [(n.toast.title, n.toast.body) for n in rec.new if n.toast] == [
        ("Alice Liddell", "Still there?"),
        ("Alice Liddell", "Hello?"),
        ("Alice Liddell", "Live now"),
    ]
    assert third == 0


def test_a_node_without_chat_is_caught_up_all_the_same(tmp_path: Path) -> None:
    async def scenario() -> Recorder:
        node = MobazhaSimNode(wallet_interval=None)
        node.set_faults(chat_off=True)
        await node.start()
        rec = Recorder()
        session, store = _session(node, tmp_path, rec, token="")
        task = asyncio.create_task(session.run())
        await until(lambda: rec.catch_ups, message="caught up without chat")
        await _stop(session, task)
        await node.stop()
        store.close()
        return rec

    rec = run(scenario())
    assert rec.catch_ups == [0]
