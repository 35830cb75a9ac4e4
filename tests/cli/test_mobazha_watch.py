"""``obnotify watch --kind mobazha`` as a real process: a token from the environment, SIGKILL."""

from __future__ import annotations

import signal
import threading
import time
from pathlib import Path

from waiting import wait_until

from obnotify.demo.mobazha import MobazhaSimNode
from obnotify.demo.threaded import ThreadedSimNode
from obnotify.store.database import Store

from .test_watch import Watch, recorded

TOKEN = "mbz_w1_" + "z" * 32
BUYER = "12D3KooWQp7vHj3a2Mz1Fh8wT4sXy9cRkLmNbVdGe6uPq5Ai7Ce1"


def test_sigkill_mid_stream_loses_nothing(tmp_path: Path) -> None:
    total = 200
    env = {"MBZ_TOKEN": TOKEN}
    args = ("--kind", "mobazha", "--token-env", "MBZ_TOKEN")
    with ThreadedSimNode(node_type=MobazhaSimNode, token=TOKEN, wallet_interval=None) as node:
        sent: list[str] = []
        done = threading.Event()

        def produce() -> None:
            for i in range(total):
                sent.append(
                    node.emit("order.created", orderID=f"o{i}", buyerName="A", buyerID=BUYER)
                )
                time.sleep(0.01)  # pacing the producer, so the kill lands mid-stream
            done.set()

        first = Watch(node.url, tmp_path, *args, env=env)
        first.until(lambda r: "caughtUp" in r)
        producer = threading.Thread(target=produce, daemon=True)
        producer.start()
        first.until(lambda r: r.get("kind") == "notification" and len(first.events()) >= 40)
        first.proc.send_signal(signal.SIGKILL)
        first.proc.wait(10)
        first.stop()

        second = Watch(node.url, tmp_path, *args, env=env)
        try:
            assert done.wait(60)
            wait_until(lambda: recorded(tmp_path) >= total, 30, message="every event recorded")
        finally:
            second.stop()
        with Store(next((tmp_path / "nodes").glob("*.sqlite3"))) as store:
            ids = [r.event_id for r in store.recent(limit=total + 10)]
        assert sorted(ids) == sorted(sent), "every event recorded exactly once"
        printed = [e["id"] for e in first.events() + second.events()]
        assert len(printed) - len(set(printed)) <= 1, "at most one event printed twice"
        assert {e["type"] for e in first.events() + second.events()} == {"order"}


def test_a_missing_token_variable_is_an_option_error(tmp_path: Path) -> None:
    watch = Watch("http://127.0.0.1:9", tmp_path, "--kind", "mobazha", "--token-env", "NOPE_UNSET")
    assert watch.proc.wait(15) == 2
    err = watch.stop()
    assert "--token-env names NOPE_UNSET" in err
