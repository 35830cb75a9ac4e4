"""A node's password and cookie go only to a node that asked for them and is the user's own.

Whatever listens on 127.0.0.1:4002 while the node is down, or a server that checks
nothing, must never be sent the credentials, nor be said to have accepted them.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from waiting import until

from obnotify.core.connection import ConnState
from obnotify.demo.node import SimNode
from obnotify.node.checks import CREDENTIALS, check_node
from obnotify.node.config import make_config
from obnotify.node.guard import listener_uids, loopback_owner_problem
from obnotify.node.session import NodeSession
from obnotify.store.database import Store

from .test_session import FAST, Recorder, attempts, run

NOBODY = 65534

PROC_NET_TCP = """\
  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:0FA2 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 1 1
   1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1001        0 2 1
   2: 0100007F:0FA2 0100007F:C350 01 00000000:00000000 00:00000000 00000000  1002        0 3 1
   3: 0101A8C0:1F91 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1003        0 4 1
"""
PROC_NET_TCP6 = """\
  sl  local_address                         remote_address                        st tx_queue
   0: 00000000000000000000000001000000:0FA2 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1004        0 5 1
   1: 0000000000000000FFFF00000100007F:1F91 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1005        0 6 1
"""


@pytest.mark.skipif(sys.byteorder != "little", reason="the sample is a little-endian kernel's")
def test_the_owners_of_a_loopback_port_are_read_from_the_kernels_tables() -> None:
    texts = [PROC_NET_TCP, PROC_NET_TCP6]
    assert listener_uids(texts, 4002) == {1000, 1004}, "127.0.0.1 and ::1; not a connection"
    assert listener_uids(texts, 8080) == {1001}, "0.0.0.0 reaches loopback too"
    assert listener_uids(texts, 8081) == {1005}, "::ffff:127.0.0.1; not 192.168.1.1"
    own = make_config("http://127.0.0.1:4002", username="u", password="p")
    alone = make_config("http://127.0.0.1:8080", username="u", password="p")
    assert loopback_owner_problem(alone, read=lambda: texts, uid=1001) == ""
    assert "uid 1004" in loopback_owner_problem(own, read=lambda: texts, uid=1000)
    trusted = make_config("http://127.0.0.1:4002", username="u", password="p",
                          allow_insecure_auth=True)  # fmt: skip
    assert loopback_owner_problem(trusted, read=lambda: texts, uid=1000) == ""
    assert loopback_owner_problem(own, read=list, uid=1000) == "", "no /proc: no verdict"


def test_a_server_that_checks_nothing_gets_no_credentials_and_no_praise(tmp_path: Path) -> None:
    async def scenario() -> tuple[list[tuple[str, bool, str]], Recorder, int]:
        async with SimNode(wallet_interval=None) as node:
            config = make_config(node.url, username="alice", password="s3cret")
            checks = await check_node(config)
            rec = Recorder()
            store = Store(tmp_path / "node.sqlite3")
            session = NodeSession(config, store, rec, link_options=dict(FAST))
            task = asyncio.create_task(session.run())
            await until(lambda: rec.catch_ups, message="connected and caught up")
            session.stop()
            await asyncio.wait_for(task, 10)
            store.close()
            return [(c.name, c.ok, c.message) for c in checks], rec, node.journal.credentials_seen

    checks, rec, seen = run(scenario())
    assert seen == 0, "the password went to a server that never asked for it"
    _, ok, message = next(c for c in checks if c[0] == CREDENTIALS)
    assert not ok and "did not ask for credentials" in message and "accepted" not in message
    assert ConnState.CONNECTED in [s for s, _ in rec.states]


def test_a_node_that_asks_gets_the_credentials_and_is_said_to_accept_them(
    tmp_path: Path,
) -> None:
    async def scenario() -> tuple[str, int, int]:
        async with SimNode(wallet_interval=None, auth="cookie", cookie="c00kie") as node:
            checks = await check_node(make_config(node.url, cookie="c00kie"))
            credentials = next(c for c in checks if c.name == CREDENTIALS)
            assert credentials.ok, credentials
            return credentials.message, node.journal.credentials_seen, len(node.journal.requests)

    message, seen, requests = run(scenario())
    assert message == "the node accepted the auth cookie"
    assert (seen, requests) == (1, 2), "refused without the cookie, then answered with it"


_SQUATTER = textwrap.dedent(
    """
    import encodings.idna, http.server, os
    os.setgid({uid}); os.setuid({uid})
    class Refuse(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        def do_GET(self):
            print("AUTH" if "Authorization" in self.headers else "NOAUTH", flush=True)
            self.send_response(403); self.send_header("Content-Length", "0"); self.end_headers()
        do_POST = do_GET
        def log_message(self, *args): pass
    server = http.server.HTTPServer(("127.0.0.1", 0), Refuse)
    print(server.server_address[1], flush=True)
    server.serve_forever()
    """
)


@pytest.mark.skipif(os.getuid() != 0, reason="listening as another user needs root")
def test_another_users_listener_on_the_node_port_never_gets_the_password(
    tmp_path: Path,
) -> None:
    squatter = subprocess.Popen(
        [sys.executable, "-c", _SQUATTER.format(uid=NOBODY)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert squatter.stdout is not None
        port = int(squatter.stdout.readline())
        config = make_config(f"http://127.0.0.1:{port}", username="alice", password="s3cret")

        async def scenario() -> tuple[list[tuple[str, bool, str]], Recorder]:
            checks = await check_node(config)
            rec = await attempts(config, tmp_path, 3)
            return [(c.name, c.ok, c.message) for c in checks], rec

        checks, rec = run(scenario())
    finally:
        squatter.terminate()
        out, _ = squatter.communicate(timeout=10)
    assert "AUTH" not in out.split(), "the password reached another user's program"
    _, ok, message = next(c for c in checks if c[0] == CREDENTIALS)
    assert not ok and f"uid {NOBODY}" in message
    assert any(f"uid {NOBODY}" in detail for _, detail in rec.states), rec.states
