"""``obnotify render``: one JSON line per frame, bad frames reported and skipped, never a stop."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from core.frames import ALICE, GUIDE, OTHER_FRAMES, V013, V014, capture_files

from obnotify.cli.render import render_stream

KINDS = {
    "node-a-wallet-status.jsonl": ["walletUpdate"] * 6,
    "node-a.jsonl": ["messageRead", "status", "status", "unknown"],
    "node-b-basic-auth-follow-chat.jsonl": [
        "notification",
        "notification",
        "message",
        "profile",
        "profile",
    ],
    "node-b-follow-chat-profiles.jsonl": [
        "notification",
        "message",
        "messageTyping",
        "notification",
        "profile",
        "profile",
    ],
}


def run(text: str, own_peer_id: str = "") -> tuple[int, list[dict[str, object]]]:
    out = io.BytesIO()
    bad = render_stream(io.StringIO(text), out, own_peer_id=own_peer_id)
    raw = out.getvalue()
    assert raw.endswith(b"\n") or raw == b""
    return bad, [json.loads(line) for line in raw.decode("utf-8").splitlines()]


@pytest.mark.parametrize("path", capture_files(), ids=lambda p: p.name)
def test_every_capture_file(path: Path) -> None:
    bad, records = run(path.read_text(encoding="utf-8"))
    assert bad == 0
    assert [r["kind"] for r in records] == KINDS[path.name]
    for record in records:
        assert {"kind", "id", "toast", "title", "body", "image", "urgency", "route"} <= set(record)


def test_capture_toasts() -> None:
    """The follow/chat capture as the user would have seen it."""
    path = next(p for p in capture_files() if p.name == "node-b-basic-auth-follow-chat.jsonl")
    _, records = run(path.read_text(encoding="utf-8"))
    shown = [(r["title"], r["body"]) for r in records if r["toast"]]
    assert shown == [
        ("Follower left", "QmVQzkdi…64UFy unfollowed you."),
        ("New follower", "QmVQzkdi…64UFy followed you."),
        ("QmVQzkdi…64UFy", "Is the mug still available? Price & shipping to 'Berlin'?"),
    ]


def test_profile_replies_name_later_toasts() -> None:
    path = next(p for p in capture_files() if p.name == "node-b-follow-chat-profiles.jsonl")
    text = (
        path.read_text(encoding="utf-8")
        + V014["follow"]
        + "\n"
        + OTHER_FRAMES["0.14/message"]
        + "\n"
    )
    _, records = run(text)
    assert records[1]["title"] == "QmVQzkdi…64UFy"
    assert records[-2]["body"] == "Alice followed you."
    assert records[-1]["title"] == "Alice"


def test_a_transaction_seen_once_does_not_toast_again() -> None:
    text = GUIDE["wallet-incoming"] + "\n" + GUIDE["wallet-incoming"] + "\n"
    _, records = run(text)
    assert [r["toast"] for r in records] == [True, False]
    assert records[0]["id"] == records[1]["id"]


def test_own_peer_id_sets_the_dispute_role() -> None:
    _, buyer = run(
        V014["disputeOpen"], own_peer_id="Qmdy44rwpPQ2opSJi9LjKSzChMgHXgdC5vPq5zfVUGNYbh"
    )
    _, seller = run(
        V014["disputeOpen"], own_peer_id="QmeVMcgXsy9xyXshREU5avCYYPyrz5bgMZyTZjv44KhNnT"
    )
    assert str(buyer[0]["route"]).startswith("ob://transactions/purchases?")
    assert str(seller[0]["route"]).startswith("ob://transactions/sales?")


def test_mix_with_malformed_frames() -> None:
    capture = next(p for p in capture_files() if p.name == "node-a.jsonl").read_text(
        encoding="utf-8"
    )
    parts = [
        GUIDE["order"],
        "garbage that is not json",
        '{"unclosed": [1,',
        '{"notification": {"type": "order", "price": "x"}}',
        "[1, 2, 3]",
        '{"notification": {"type": "buyerDisputeExpiry", "expiresIn": "30"}}',
        '{"wallet": {"value": "1.5", "txid": "t"}}',
        "null",
        capture.rstrip("\n"),
        V013["follow"],
        '{"t": 1, "frame": "{\\"status\\": "}',
        OTHER_FRAMES["echo/client"],
    ]
    bad, records = run("\n".join(parts) + "\n")
    kinds = [r["kind"] for r in records]
    assert kinds == [
        "notification",
        "error",
        "error",
        "error",
        "error",
        "error",
        "error",
        "error",
        "messageRead",
        "status",
        "status",
        "unknown",
        "notification",
        "error",
        "unknown",
    ]
    assert bad == 8
    for record in records:
        if record["kind"] == "error":
            assert record["reason"] and record["toast"] is False
        else:
            assert "reason" not in record
    assert records[0]["title"] == "New order from QmeVMcgX…KhNnT"
    assert records[12]["title"] == "New follower"
    assert "`$.price`" in str(records[3]["reason"])
    assert "whole number" in str(records[6]["reason"])


def test_empty_input() -> None:
    assert run("") == (0, [])
    assert run("\n\n") == (0, [])


def test_output_is_one_line_per_record_even_with_newlines_in_text() -> None:
    frame = json.dumps({"message": {"message": "a\nb\u2028c", "messageId": "m", "peerId": ALICE}})
    out = io.BytesIO()
    render_stream(io.StringIO(frame + "\n"), out)
    assert out.getvalue().count(b"\n") == 1


def cli(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "obnotify.cli", "render", *args],
        input=stdin,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=60,
        check=False,
    )


def test_cli_subprocess(tmp_path: Path) -> None:
    """The real command, as a user runs it, on a file and on standard input."""
    path = tmp_path / "frames.txt"
    path.write_text(GUIDE["order"] + "\nnot json\n" + GUIDE["message"] + "\n", encoding="utf-8")
    done = cli(str(path))
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines()]
    assert [r["kind"] for r in records] == ["notification", "error", "message"]
    assert (
        records[0]["route"]
        == "ob://transactions/sales?orderId=QmbMY8sGFeZ4cF9LGFmDRgT6Ao3sVRtGcYW5vuJ9ckWFAZ"
    )
    assert records[2]["body"] == "Example message."

    piped = cli("-", stdin=GUIDE["follow"] + "\n")
    assert piped.returncode == 0
    assert json.loads(piped.stdout)["title"] == "New follower"

    missing = cli(str(tmp_path / "absent.jsonl"))
    assert missing.returncode == 2
    assert missing.stdout == ""
    assert "cannot read" in missing.stderr
