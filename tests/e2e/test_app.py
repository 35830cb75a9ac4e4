"""The tray app as a real process in a real desktop session: what a user would see.

Xvfb, a private session bus, dunst and trayer come from the `desktop` fixture; the
app runs with its own config, data and cache folders, against the simulated node.
"""

from __future__ import annotations

import base64
import html
import json
import os
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from desktop_session import DesktopSession, png_size
from file_keyring import KEYRING_FILE_VARIABLE, stored_entries
from waiting import scaled, wait_until

from obnotify import APP_NAME
from obnotify.core.decode import decode_frame
from obnotify.core.events import DecodeError, Profile, ProfileReply
from obnotify.core.node_colours import colour_for
from obnotify.core.pairing import PAIRING_WAIT, Pairing, Part, pairing_of, sale_toast
from obnotify.core.render import RenderContext, render
from obnotify.demo import gojson
from obnotify.demo.cid import cid_v0
from obnotify.demo.images import draw_picture
from obnotify.demo.sanitize import sanitize_value
from obnotify.demo.scenario import PEERS, build_scenario
from obnotify.demo.threaded import ThreadedSimNode

pytestmark = pytest.mark.desktop

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "resources" / "screenshots"
BUYER = PEERS["dmitri"].peer_id
ALICE = PEERS["alice"]
XDG_FOLDERS = ("CONFIG", "DATA", "CACHE", "STATE")
DEMO_DELAY = 0.3
"""Seconds between the demo's events in the run that shows them all."""
FIFO = "<a named pipe in the settings file's place>"
SHORT_ID = re.compile(r"Qm[1-9A-HJ-NP-Za-km-z]{6}…[1-9A-HJ-NP-Za-km-z]{5}")


def _app_env(tmp_path: Path, *, burst_limit: int = 1000) -> dict[str, str]:
    """Folders of the app's own under ``tmp_path``, and settings that show every toast."""
    env = {
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),
        "XDG_STATE_HOME": str(tmp_path / "state"),
        "PYTHONUNBUFFERED": "1",
    }
    config = tmp_path / "config" / "obnotify" / "config.toml"
    config.parent.mkdir(parents=True, exist_ok=True)
    config.write_text(f"[notifications]\nburst_limit = {burst_limit}\n", encoding="utf-8")
    return env


def _launch(
    desktop: DesktopSession, tmp_path: Path, *args: str, **env_extra: str
) -> subprocess.Popen[bytes]:
    env = {**_app_env(tmp_path), **env_extra}
    return desktop.spawn([sys.executable, "-m", "obnotify", *args], env=env, name="obnotify")


def _polled(node: ThreadedSimNode) -> bool:
    """Whether the app has asked the node for its notifications (it is watching it)."""
    return any(path.startswith("/ob/notifications") for _, path in node.journal.requests)


def _alive(desktop: DesktopSession, proc: subprocess.Popen[bytes]) -> bool:
    if proc.poll() is not None:
        raise AssertionError(
            f"obnotify exited with {proc.returncode}:\n{desktop.output_of(proc)[-4000:]}"
        )
    return True


def _profiles() -> dict[str, Profile]:
    peers: dict[str, Profile] = {}
    for peer in PEERS.values():
        frame = gojson.dumps(
            {"id": "x", "peerId": peer.peer_id, "profile": sanitize_value(peer.profile())}
        )
        reply = decode_frame(frame)
        assert isinstance(reply, ProfileReply) and reply.profile is not None
        peers[peer.peer_id] = reply.profile
    return peers


def _masked(text: str) -> str:
    return SHORT_ID.sub("ID", text)


def _expected_scenario_toasts() -> list[tuple[str, str, str]]:
    """(title, body with ids masked, image hash) of every scenario step that toasts.

    A dispute warning that the next step repeats for its order, sooner than the
    pairing waits, is not shown: the newer one is. An order is shown at once; its
    payment, when it follows, has no toast, and when it came first (as soon as
    the pairing waits) rides on the order's toast.
    """
    ctx = RenderContext(peers=_profiles())
    events = [decode_frame(gojson.dumps(sanitize_value(step.frame))) for step in build_scenario()]
    pairings = [pairing_of(e) if not isinstance(e, DecodeError) else None for e in events]
    expected = []
    paid_by: dict[int, str] = {}
    """Orders whose payment came first: the payment's words."""

    def same_sale(i: int, pairing: Pairing, part: Part) -> bool:
        other = pairings[i]
        return other is not None and other.key == pairing.key and other.part is part

    for index, event in enumerate(events):
        toast = render(event, ctx)
        pairing = pairings[index]
        soon = range(index + 1, min(len(events), index + 1 + int(PAIRING_WAIT / DEMO_DELAY)))
        if (
            pairing is not None
            and pairing.part is Part.WARNING
            and any(pairings[i] == pairing for i in soon)
        ):
            continue
        if pairing is not None and pairing.part is Part.PAYMENT:
            if any(same_sale(i, pairing, Part.ORDER) for i in range(index)):
                continue
            order = next((i for i in soon if same_sale(i, pairing, Part.ORDER)), None)
            if order is not None:
                paid_by[order] = pairing.words
                continue
        if pairing is not None and index in paid_by and toast is not None:
            toast = sale_toast(toast, pairing.words, paid_by[index])
        if toast is not None:
            expected.append((_masked(toast.title), _masked(toast.body), toast.image))
    return expected


def _thumbnail_is(path: str, image_hash: str) -> bool:
    """Whether a file is the picture the node served under that IPFS hash."""
    data = Path(path).read_bytes()
    return cid_v0(data) == image_hash


def test_every_scenario_event_reaches_dunst(
    fresh_desktop: DesktopSession, tmp_path: Path, artifacts_dir: Path
) -> None:
    desktop = fresh_desktop
    expected = _expected_scenario_toasts()
    started = time.monotonic()
    proc = _launch(desktop, tmp_path, "--demo", "--demo-delay", str(DEMO_DELAY))
    clients = wait_until(
        lambda: _alive(desktop, proc) and desktop.tray_clients(), 30, message="tray icon"
    )
    tray_seconds = time.monotonic() - started
    assert any(desktop.window_pid(c) == proc.pid for c in clients)

    # The first toasts of the scenario (new orders with their pictures) make the screenshot.
    wait_until(
        lambda: _alive(desktop, proc) and len(desktop.history()) >= 5, 30, message="first toasts"
    )
    desktop.screenshot(artifacts_dir / "toasts.png")

    def all_shown() -> list[dict[str, Any]] | None:
        _alive(desktop, proc)
        shown = [t for t in desktop.history() if t["appname"] == APP_NAME]
        return shown if len(shown) >= len(expected) else None

    shown = wait_until(
        all_shown, 60, message=lambda: f"{len(desktop.history())} of {len(expected)} toasts"
    )
    got = Counter((_masked(t["summary"]), _masked(html.unescape(t["body"]))) for t in shown)
    want = Counter((title, body) for title, body, _ in expected)
    assert got == want
    by_title = {_masked(t["summary"]): t for t in shown}
    with_images = [(title, image) for title, _, image in expected if image]
    assert len(with_images) >= 10
    for title, image in with_images:
        toast = by_title[title]
        assert toast["icon_path"], f"{title!r} came without its picture"
        assert _thumbnail_is(toast["icon_path"], image), (
            f"{title!r} shows a picture the node did not serve"
        )
    for title, _, image in expected:
        if not image:
            assert by_title[title]["icon_path"].endswith("obnotify-128.png")

    # A left click on the tray icon opens the window.
    icon = next(c for c in clients if desktop.window_pid(c) == proc.pid)
    desktop.run(["xdotool", "mousemove", "--window", str(icon), "8", "8", "click", "1"])
    window = wait_until(
        lambda: _alive(desktop, proc) and desktop.find_windows("obnotify —"), 10, message="window"
    )
    shot = desktop.screenshot(artifacts_dir / "window.png", window[0])
    if os.environ.get("OBNOTIFY_UPDATE_SCREENSHOTS"):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, SCREENSHOTS / "window.png")
        shutil.copy(artifacts_dir / "toasts.png", SCREENSHOTS / "toasts.png")
    (artifacts_dir / "timings.json").write_text(json.dumps({"start_to_tray_s": tray_seconds}))
    print(f"start to tray icon: {tray_seconds:.2f} s")


def _wait_toast(
    desktop: DesktopSession, proc: subprocess.Popen[bytes], summary: str
) -> dict[str, Any]:
    return wait_until(
        lambda: (
            _alive(desktop, proc)
            and next((t for t in desktop.history() if t["summary"] == summary), None)
        ),
        20,
        message=lambda: f"toast {summary!r}; have {[t['summary'] for t in desktop.history()]}",
    )


def test_toasts_actions_tray_and_window(
    fresh_desktop: DesktopSession, tmp_path: Path, artifacts_dir: Path
) -> None:
    desktop = fresh_desktop
    with ThreadedSimNode(wallet_interval=None) as node:
        node.add_profile(ALICE.peer_id, ALICE.profile())
        for picture in ALICE.avatar:
            node.add_image(picture.data)
        node.set_balance("BTC", 265_700, 1_000, 870_123)
        node.set_balance("ETH", 1, 0, 19_000_000)
        proc = _launch(desktop, tmp_path, "--node", node.url)
        clients = wait_until(
            lambda: _alive(desktop, proc) and desktop.tray_clients(), 30, message="tray icon"
        )
        node.wait_until(lambda: _polled(node), scaled(20))

        picture = node.add_image(_jpeg())
        frame = node.frames.order(
            buyer_id=BUYER,
            buyer_handle="dvolkov",
            title="Walnut <b>chess</b> set & board",
            price=2_500_000,
            code="BTC",
            thumbnail={"small": picture, "tiny": ""},
        )
        pushed = time.monotonic()
        nid = node.notify(frame)
        toast = _wait_toast(desktop, proc, "New order from @dvolkov")
        latency = time.monotonic() - pushed
        assert toast["body"] == html.escape(
            "Walnut <b>chess</b> set & board: 0.025 BTC paid. Fulfil it from your sales.",
            quote=False,
        )
        assert _thumbnail_is(toast["icon_path"], picture)

        desktop.action(toast["id"], "mark-read")
        node.wait_until(lambda: nid in node.journal.read_ids, scaled(10))

        node.push(
            node.frames.message(
                peer_id=ALICE.peer_id, text="Is the <i>walnut</i> set still available?"
            )
        )
        chat = _wait_toast(desktop, proc, "Alice Moreau")
        assert chat["body"] == "Is the walnut set still available?"
        assert desktop.toast_actions(chat["id"]).get("mark-read") == "Mark as read"
        desktop.action(chat["id"])
        window = wait_until(
            lambda: _alive(desktop, proc) and desktop.find_windows("obnotify —"),
            10,
            message="window",
        )
        assert desktop.window_pid(window[0]) == proc.pid
        shot = desktop.screenshot(artifacts_dir / "window.png", window[0])
        assert png_size(shot)[0] >= 500

        icon = clients[-1]
        before = desktop.screenshot(artifacts_dir / "tray-connected.png", icon).read_bytes()
        node.stop()
        wait_until(
            lambda: (
                desktop.screenshot(artifacts_dir / "tray-unreachable.png", icon).read_bytes()
                != before
            ),
            15,
            message="the tray icon to change when the node went away",
        )
        desktop.screenshot(artifacts_dir / "desktop.png")
        (artifacts_dir / "timings.json").write_text(json.dumps({"frame_to_toast_s": latency}))
        print(f"frame to toast in dunst: {latency * 1000:.0f} ms")


def _jpeg() -> bytes:
    from obnotify.demo.images import draw_picture

    return draw_picture("walnut chess set", 240, "W")


def _has_colour(png: Path, colour: str, tolerance: int = 24) -> bool:
    """Whether a screenshot holds a pixel of this colour (hex), give or take antialiasing."""
    from PIL import Image

    want = tuple(int(colour[i : i + 2], 16) for i in (1, 3, 5))
    with Image.open(png) as image:
        rgb = image.convert("RGB")
        colours = rgb.getcolors(rgb.width * rgb.height) or []
        return any(
            all(abs(pixel[i] - want[i]) <= tolerance for i in range(3)) for _count, pixel in colours
        )


def test_two_nodes_from_the_settings_file(
    fresh_desktop: DesktopSession, tmp_path: Path, artifacts_dir: Path
) -> None:
    desktop = fresh_desktop
    with (
        ThreadedSimNode(wallet_interval=None) as shop,
        ThreadedSimNode(wallet_interval=None) as home,
    ):
        shop.set_balance("BTC", 265_700, 1_000, 870_123)
        home.set_balance("BTC", 100_000, 0, 870_123)
        env = _app_env(tmp_path)
        config = Path(env["XDG_CONFIG_HOME"]) / "obnotify" / "config.toml"
        config.write_text(
            config.read_text()
            + f'[[node]]\nname = "Shop"\nurl = "{shop.url}"\n[[node]]\nname = "Home"\nurl = "{home.url}"\n',
            encoding="utf-8",
        )
        proc = desktop.spawn([sys.executable, "-m", "obnotify"], env=env, name="obnotify")
        wait_until(
            lambda: _alive(desktop, proc) and _tray_icon_of(desktop, proc),
            30,
            message="the tray icon",
        )
        for node in (shop, home):
            node.wait_until(lambda n=node: _polled(n), scaled(20))
        # Both nodes are open now, and they share the one icon.
        assert len(_tray_icon_of(desktop, proc)) == 1, "one tray icon for every node"
        shop.notify(
            shop.frames.order(buyer_id=BUYER, buyer_handle="ann", title="Shop mug", price=5)
        )
        home.notify(home.frames.follow(peer_id=ALICE.peer_id))
        # Two nodes: each toast says which one it comes from.
        _wait_toast(desktop, proc, "Shop · New order from @ann")
        _wait_toast(desktop, proc, "Home · New follower")
        assert len(_tray_icon_of(desktop, proc)) == 1, "still one tray icon"

        # One window for both: the node list, and rows in each node's colour.
        icon = _tray_icon_of(desktop, proc)[0]
        desktop.run(["xdotool", "mousemove", "--window", str(icon), "8", "8", "click", "1"])
        window = wait_until(
            lambda: _alive(desktop, proc) and desktop.find_windows("obnotify — All nodes"),
            10,
            message="the window of every node",
        )
        assert len(desktop.find_windows("obnotify —")) == 1, "one window, not one per node"
        title = desktop.run(["xdotool", "getwindowname", str(window[0])]).stdout.strip()
        assert title == "obnotify — All nodes", "the title said once"
        shot = desktop.screenshot(artifacts_dir / "window-two-nodes.png", window[0])
        for colour in (colour_for(0), colour_for(1)):
            assert _has_colour(shot, colour), f"no {colour} on screen: the node is not told apart"
        if os.environ.get("OBNOTIFY_UPDATE_SCREENSHOTS"):
            shutil.copy(shot, ROOT / "docs" / "screenshots" / "window-two-nodes.png")


def test_a_node_added_in_the_settings_window_shares_the_icon_and_names_its_toasts(
    fresh_desktop: DesktopSession, tmp_path: Path
) -> None:
    """As a user adds a second node: Settings… from the tray menu, Add…, a name and an
    address typed in, Save; no restart, still one icon, and the new node's toasts name it."""
    desktop = fresh_desktop
    with (
        ThreadedSimNode(wallet_interval=None) as shop,
        ThreadedSimNode(wallet_interval=None) as home,
    ):
        env = _app_env(tmp_path)
        config = Path(env["XDG_CONFIG_HOME"]) / "obnotify" / "config.toml"
        config.write_text(
            config.read_text() + f'[[node]]\nname = "Shop"\nurl = "{shop.url}"\n',
            encoding="utf-8",
        )
        proc = desktop.spawn([sys.executable, "-m", "obnotify"], env=env, name="obnotify")
        icon = wait_until(
            lambda: _alive(desktop, proc) and _tray_icon_of(desktop, proc), 30, message="tray icon"
        )[0]
        shop.wait_until(lambda: _polled(shop), scaled(20))

        def open_settings() -> list[int]:
            desktop.run(["xdotool", "mousemove", "--window", str(icon), "4", "4", "click", "3"])
            desktop.run(["xdotool", "key", "--delay", "300", "s"])
            return _visible_windows(desktop, proc.pid, "obnotify — Settings")

        settings = wait_until(open_settings, 30, message="the settings window from the tray menu")
        desktop.run(["xdotool", "windowfocus", "--sync", str(settings[0])])
        desktop.run(["xdotool", "key", "alt+a"])
        editor = wait_until(
            lambda: _visible_windows(desktop, proc.pid, "Node$"),
            10,
            message="the node editor",
        )
        desktop.run(["xdotool", "windowfocus", "--sync", str(editor[0])])
        desktop.run(["xdotool", "type", "--delay", "20", "Home"])
        desktop.run(["xdotool", "key", "Tab"])
        desktop.run(["xdotool", "type", "--delay", "10", home.url])
        desktop.run(["xdotool", "key", "Return"])
        wait_until(
            lambda: not _visible_windows(desktop, proc.pid, "Node$"),
            10,
            message="the editor to close",
        )
        desktop.run(["xdotool", "windowfocus", "--sync", str(settings[0])])
        desktop.run(["xdotool", "key", "ctrl+s"])
        home.wait_until(lambda: _polled(home), scaled(20))
        assert home.url in config.read_text(encoding="utf-8"), "saved to the settings file"

        home.notify(home.frames.follow(peer_id=ALICE.peer_id))
        _wait_toast(desktop, proc, "Home · New follower")
        shop.notify(
            shop.frames.order(buyer_id=BUYER, buyer_handle="ann", title="Shop mug", price=5)
        )
        _wait_toast(desktop, proc, "Shop · New order from @ann")
        assert len(_tray_icon_of(desktop, proc)) == 1, "one tray icon for both nodes"
        assert proc.poll() is None, "no restart"


def test_a_refused_password_is_asked_for_without_blocking(
    fresh_desktop: DesktopSession, tmp_path: Path
) -> None:
    """No password at hand (no variable, no keyring): the app starts, and asks once refused."""
    desktop = fresh_desktop
    with ThreadedSimNode(
        auth="basic", username="u", password="s3cret-pw", wallet_interval=None
    ) as node:
        proc = _launch(
            desktop,
            tmp_path,
            "--node",
            node.url,
            "--user",
            "u",
            PYTHON_KEYRING_BACKEND="keyring.backends.fail.Keyring",
        )
        wait_until(
            lambda: _alive(desktop, proc) and _tray_icon_of(desktop, proc),
            30,
            message="tray icon",
        )

        def shown_dialogs() -> list[int]:
            # Mapped windows only: the main window exists unmapped under a similar name.
            found = desktop.run(
                ["xdotool", "search", "--onlyvisible", "--name", "^obnotify$"], check=False
            ).stdout.split()
            return [int(w) for w in found if desktop.window_pid(int(w)) == proc.pid]

        dialog = wait_until(
            lambda: _alive(desktop, proc) and shown_dialogs(), 20, message="the password dialog"
        )
        # Each connection asks without the credentials first, then with them.
        assert node.journal.handshake_attempts == 2
        desktop.run(["xdotool", "windowfocus", "--sync", str(dialog[0])])
        desktop.run(["xdotool", "type", "--delay", "20", "s3cret-pw"])
        desktop.run(["xdotool", "key", "Return"])
        node.wait_until(lambda: _polled(node), scaled(20))
        assert node.journal.handshake_attempts == 4
        wait_until(
            lambda: "kept for this run only" in desktop.output_of(proc),
            10,
            message="the log saying there is no keyring to keep it in",
        )
        assert "s3cret-pw" not in desktop.output_of(proc)


SECRET_PASSWORD = "pw-7f3a-unique-secret"


def file_keyring_env(desktop: DesktopSession, keyring_file: Path) -> dict[str, str]:
    """Variables that give the app a keyring kept in one file, outside every folder it writes."""
    return {
        "PYTHON_KEYRING_BACKEND": "file_keyring.FileKeyring",
        KEYRING_FILE_VARIABLE: str(keyring_file),
        "PYTHONPATH": os.pathsep.join(
            part for part in (str(ROOT / "tests"), desktop.env.get("PYTHONPATH")) if part
        ),
    }


def answer_dialog(
    desktop: DesktopSession, proc: subprocess.Popen[bytes], text: str, what: str
) -> None:
    """Type ``text`` into the app's dialog once it shows, and press Return."""
    dialog = wait_until(
        lambda: _alive(desktop, proc) and _visible_windows(desktop, proc.pid, "^obnotify$"),
        20,
        message=what,
    )
    desktop.run(["xdotool", "windowfocus", "--sync", str(dialog[0])])
    desktop.run(["xdotool", "type", "--delay", "20", text])
    desktop.run(["xdotool", "key", "Return"])


def _secret_forms(user: str, password: str) -> dict[str, bytes]:
    """The password as it could land in a file: as typed, as the Authorization header's token,
    and as UTF-16 (Qt's own strings)."""
    return {
        "plain": password.encode(),
        "basic-auth token": base64.b64encode(f"{user}:{password}".encode()),
        "UTF-16": password.encode("utf-16-le"),
    }


def _files_holding(roots: list[Path], forms: dict[str, bytes]) -> tuple[list[str], int]:
    """Every file under ``roots`` that holds one of ``forms`` (as "path: form"), and how many
    files were read."""
    found: list[str] = []
    read = 0
    for root in roots:
        for path in sorted(root.rglob("*")):
            if path.is_symlink() or not path.is_file():
                continue
            data = path.read_bytes()
            read += 1
            found += [f"{path}: {name}" for name, form in forms.items() if form in data]
    return found, read


def test_a_typed_password_goes_to_the_keyring_and_into_no_file(
    fresh_desktop: DesktopSession, tmp_path: Path
) -> None:
    """The password typed in the refusal dialog is in the keyring after a run, and in no file
    the app wrote under its home and XDG folders (settings, history, thumbnails, log).

    The app runs with its debug log on, the most it ever writes (a user may be asked for that
    log in a bug report). The keyring is `file_keyring.FileKeyring`, whose one file is outside
    every folder scanned, so nothing needs excluding from the scan.
    """
    desktop = fresh_desktop
    user = "u"
    home, runtime = tmp_path / "home", tmp_path / "runtime"
    home.mkdir()
    runtime.mkdir(mode=0o700)
    keyring_file = tmp_path / "keyring" / "entries.json"
    keyring_file.parent.mkdir()
    env = _app_env(tmp_path)
    settings = Path(env["XDG_CONFIG_HOME"]) / "obnotify" / "config.toml"
    with ThreadedSimNode(
        auth="basic", username=user, password=SECRET_PASSWORD, wallet_interval=None
    ) as node:
        settings.write_text(
            settings.read_text(encoding="utf-8")
            + f'[[node]]\nname = "Shop"\nurl = "{node.url}"\nuser = "{user}"\n',
            encoding="utf-8",
        )
        env |= {
            "HOME": str(home),
            "XDG_RUNTIME_DIR": str(runtime),
            "OBNOTIFY_DEBUG": "1",
            **file_keyring_env(desktop, keyring_file),
        }
        proc = desktop.spawn([sys.executable, "-m", "obnotify"], env=env, name="obnotify")
        icon = wait_until(
            lambda: _alive(desktop, proc) and _tray_icon_of(desktop, proc), 30, message="icon"
        )[0]
        answer_dialog(desktop, proc, SECRET_PASSWORD, "the password dialog")
        node.wait_until(lambda: _polled(node), scaled(20))
        kept = wait_until(
            lambda: _alive(desktop, proc) and stored_entries(keyring_file),
            10,
            message="the accepted password in the keyring",
        )
        assert kept == {APP_NAME: {f"{user}@{node.url}": SECRET_PASSWORD}}

        picture = node.add_image(draw_picture("brass lamp", 96))
        node.notify(
            node.frames.order(
                buyer_id=BUYER,
                buyer_handle="ann",
                title="Brass lamp",
                price=5,
                thumbnail={"tiny": picture, "small": picture},
            )
        )
        toast = _wait_toast(desktop, proc, "New order from @ann")
        assert _thumbnail_is(toast["icon_path"], picture)
        _quit_from_tray_menu(desktop, proc, icon)
    output = desktop.output_of(proc)
    assert proc.returncode == 0, output[-4000:]

    forms = _secret_forms(user, SECRET_PASSWORD)
    log_file = Path(env["XDG_STATE_HOME"]) / "obnotify" / "log" / "obnotify.log"
    assert "DEBUG" in log_file.read_text(encoding="utf-8"), "the debug log was written"
    assert f'user = "{user}"' in settings.read_text(encoding="utf-8")
    assert list((tmp_path / "data").rglob("*.sqlite3")), "the history was written"
    roots = [home, runtime, *(Path(env[f"XDG_{name}_HOME"]) for name in XDG_FOLDERS)]
    found, read = _files_holding(roots, forms)
    assert not found, f"the password is in files the app wrote: {found}"
    assert read >= 4, "settings, log, history and thumbnail at least"
    assert SECRET_PASSWORD not in output and forms["basic-auth token"].decode() not in output


def test_the_debug_log_holds_no_password_typed_in_the_welcome(
    fresh_desktop: DesktopSession, tmp_path: Path
) -> None:
    """A first start with the debug log on: the address, the user and the password typed in
    the welcome, then Watch. The password reaches the node and no line of the log."""
    desktop = fresh_desktop
    user = "u"
    home = tmp_path / "home"
    home.mkdir()
    env = _app_env(tmp_path)
    (Path(env["XDG_CONFIG_HOME"]) / "obnotify" / "config.toml").unlink()
    with ThreadedSimNode(
        auth="basic", username=user, password=SECRET_PASSWORD, wallet_interval=None
    ) as node:
        env |= {
            "HOME": str(home),
            "OBNOTIFY_DEBUG": "1",
            "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
        }
        proc = desktop.spawn([sys.executable, "-m", "obnotify"], env=env, name="obnotify")
        welcome = _welcome_of(desktop, proc)
        desktop.run(["xdotool", "windowfocus", "--sync", str(welcome)])
        # Address, user, password, then Watch (after the cookie file, the TLS choice and
        # Test connection).
        for text in (node.url, user, SECRET_PASSWORD):
            desktop.run(["xdotool", "type", "--delay", "20", text])
            desktop.run(["xdotool", "key", "Tab"])
        desktop.run(["xdotool", "key", "Tab", "Tab", "Tab", "space"])
        node.wait_until(lambda: _polled(node), scaled(20))
        wait_until(
            lambda: _alive(desktop, proc) and _tray_icon_of(desktop, proc), 20, message="icon"
        )
        proc.terminate()
        proc.wait(timeout=scaled(15))
    log_text = (Path(env["XDG_STATE_HOME"]) / "obnotify" / "log" / "obnotify.log").read_bytes()
    assert b"DEBUG" in log_text, "the debug log was written"
    for form, data in _secret_forms(user, SECRET_PASSWORD).items():
        assert data not in log_text, f"the password ({form}) is in the debug log"
    assert SECRET_PASSWORD not in desktop.output_of(proc)


@pytest.mark.parametrize(
    ("args", "config", "says"),
    [
        (("--node", "ftp://mynode"), "", "use http://, https://, ws:// or wss://"),
        (("--node", "https://127.0.0.1:4002", "--ca", "/nonexistent/ca.crt"), "", "does not exist"),
        ((), "[[node]]\nname = 'shop'\n", "needs a url"),
        ((), "", "showing the welcome window"),
        ((), "[general]\ntray_style = " + "[" * 5000 + "]" * 5000 + "\n", "nested far too deep"),
        ((), "[notifications]\nquiet_hours = '22:00Z-07:00Z'\n", "no time zone"),
        ((), FIFO, "not a regular file (a named pipe)"),
    ],
    ids=lambda value: str(value)[:30] if value != FIFO else "fifo",
)
def test_bad_settings_get_a_message_that_says_what_to_fix(
    fresh_desktop: DesktopSession, tmp_path: Path, args: tuple[str, ...], config: str, says: str
) -> None:
    desktop = fresh_desktop
    env = _app_env(tmp_path)
    path = Path(env["XDG_CONFIG_HOME"]) / "obnotify" / "config.toml"
    if config == FIFO:
        path.unlink()
        os.mkfifo(path)
    elif config:
        path.write_text(config, encoding="utf-8")
    else:
        path.unlink()
    proc = desktop.spawn([sys.executable, "-m", "obnotify", *args], env=env, name="obnotify")
    # Qt's client leader window carries the app's name too, but no process id.
    wait_until(
        lambda: (
            _alive(desktop, proc)
            and any(desktop.window_pid(w) == proc.pid for w in desktop.find_windows("obnotify"))
        ),
        20,
        message="dialog",
    )
    assert not _tray_icon_of(desktop, proc), "no tray icon before there is a node to watch"
    wait_until(lambda: says in desktop.output_of(proc), 10, message=f"the log saying {says!r}")
    if not config and not args:
        assert "[[node]]" in path.read_text(encoding="utf-8"), "an example to start from"


def test_killed_while_toasts_wait_then_restarted_shows_each_event_once(
    fresh_desktop: DesktopSession, tmp_path: Path
) -> None:
    """SIGKILL while toasts still wait for names and pictures: after the restart every event
    is on screen once, singly or counted in the "while you were away" summary."""
    desktop = fresh_desktop
    total = 12
    away = re.compile(r"(\d+) events? while you were away")
    with ThreadedSimNode(wallet_interval=None) as node:
        node.set_faults(profile_delay=1.0, image_delay=1.5)
        picture = node.add_image(draw_picture("lamp", 64))
        first = _launch(desktop, tmp_path, "--node", node.url)
        node.wait_until(lambda: _polled(node), scaled(5))
        titles = [f"Killed lamp {i}" for i in range(total)]
        for title in titles:
            node.notify(
                node.frames.order(
                    buyer_id=cid_v0(title.encode()),
                    title=title,
                    price=5,
                    thumbnail={"tiny": picture, "small": picture},
                )
            )
        wait_until(
            lambda: _alive(desktop, first) and _rows(tmp_path) >= total, 20, message="recorded"
        )
        first.kill()
        first.wait(10)
        before = len(desktop.history())
        second = _launch(desktop, tmp_path, "--node", node.url)

        def accounted() -> list[dict[str, Any]] | None:
            _alive(desktop, second)
            shown = desktop.history()
            singles = sum(1 for t in shown for title in titles if title in t["body"])
            folded = sum(int(m[1]) for t in shown if (m := away.search(t["summary"])))
            return shown if singles + folded >= total else None

        shown = wait_until(accounted, 30, message=lambda: f"toasts {desktop.history()}")
    singles = Counter(title for t in shown for title in titles if title in t["body"])
    folded = sum(int(m[1]) for t in shown if (m := away.search(t["summary"])))
    print(
        f"{before} toasts before the kill; after it {sum(singles.values())} singly, {folded} folded"
    )
    assert max(singles.values(), default=1) == 1, f"an event shown twice: {singles}"
    assert sum(singles.values()) + folded == total, (singles, folded)


def _rows(tmp_path: Path) -> int:
    """History rows the app recorded, read from its file as another process would."""
    path = next((tmp_path / "data").glob("obnotify/nodes/*.sqlite3"), None)
    if path is None:
        return 0
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return int(db.execute("SELECT count(*) FROM history").fetchone()[0])


def _quit_from_tray_menu(desktop: DesktopSession, proc: subprocess.Popen[bytes], icon: int) -> None:
    """Quit as a user does: open the tray icon's context menu and pick its last entry, Quit
    (Up wraps to it); again if the menu was not up yet when the keys came."""

    def quit_from_menu() -> bool:
        desktop.run(["xdotool", "mousemove", "--window", str(icon), "4", "4", "click", "3"])
        desktop.run(["xdotool", "key", "--delay", "300", "Up", "Return"])
        try:
            proc.wait(timeout=scaled(3))
        except subprocess.TimeoutExpired:
            return False
        return True

    wait_until(quit_from_menu, 30, message="obnotify to quit from its tray menu")


def test_quit_from_the_tray_menu_closes_everything(
    fresh_desktop: DesktopSession, tmp_path: Path
) -> None:
    desktop = fresh_desktop
    with ThreadedSimNode(wallet_interval=None) as node:
        proc = _launch(desktop, tmp_path, "--node", node.url)
        icon = wait_until(
            lambda: _alive(desktop, proc) and _tray_icon_of(desktop, proc),
            30,
            message="tray icon",
        )[0]
        node.wait_until(lambda: _polled(node), scaled(20))

        _quit_from_tray_menu(desktop, proc, icon)
        _assert_clean_goodbye(desktop, proc, node, tmp_path)


def _assert_clean_goodbye(
    desktop: DesktopSession, proc: subprocess.Popen[bytes], node: ThreadedSimNode, tmp_path: Path
) -> None:
    """The app ended well: status 0, the socket closed with a close frame, the store closed."""
    status = proc.returncode
    output = desktop.output_of(proc)
    assert status == 0, output[-4000:]
    assert "no running event loop" not in output
    node.wait_until(lambda: node.journal.close_codes, scaled(10))
    assert node.journal.close_codes == [1000], "a goodbye, not an abnormal closure (1006)"
    data = tmp_path / "data"
    assert list(data.rglob("*.sqlite*")) or list(data.rglob("*.db*"))
    assert not list(data.rglob("*-wal")), "the store was left open"


def test_sigterm_quits_as_the_menu_does(fresh_desktop: DesktopSession, tmp_path: Path) -> None:
    """A logout or ``kill`` ends the app with the same goodbye as Quit."""
    desktop = fresh_desktop
    with ThreadedSimNode(wallet_interval=None) as node:
        proc = _launch(desktop, tmp_path, "--node", node.url)
        wait_until(
            lambda: _alive(desktop, proc) and _tray_icon_of(desktop, proc), 30, message="tray icon"
        )
        node.wait_until(lambda: _polled(node), scaled(20))
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=scaled(15))
        _assert_clean_goodbye(desktop, proc, node, tmp_path)


def test_first_run_offers_the_node_on_this_computer_and_one_key_watches_it(
    fresh_desktop: DesktopSession, tmp_path: Path
) -> None:
    """A fresh home with an OB data folder and a node on the default port: no file to edit."""
    desktop = fresh_desktop
    home = tmp_path / "home"
    (home / ".openbazaar").mkdir(parents=True)
    (home / ".openbazaar" / "config").write_text(
        json.dumps(
            {
                "Addresses": {"Gateway": "/ip4/127.0.0.1/tcp/4002"},
                "JSON-API": {"Enabled": True, "Authenticated": False},
            }
        ),
        encoding="utf-8",
    )
    env = {**_app_env(tmp_path), "HOME": str(home)}
    config = Path(env["XDG_CONFIG_HOME"]) / "obnotify" / "config.toml"
    config.unlink()
    with ThreadedSimNode(port=4002, wallet_interval=None) as node:
        proc = desktop.spawn([sys.executable, "-m", "obnotify"], env=env, name="obnotify")
        welcome = _welcome_of(desktop, proc)
        desktop.run(["xdotool", "windowfocus", "--sync", str(welcome)])
        desktop.run(["xdotool", "key", "Return"])
        node.wait_until(lambda: _polled(node), scaled(20))
        wait_until(
            lambda: _alive(desktop, proc) and _tray_icon_of(desktop, proc),
            20,
            message="the tray icon once a node is chosen",
        )
        node.notify(node.frames.order(buyer_id=BUYER, buyer_handle="ann", title="Mug", price=5))
        _wait_toast(desktop, proc, "New order from @ann")
        assert "127.0.0.1:4002" in config.read_text(encoding="utf-8"), "the next start watches it"


def _welcome_of(desktop: DesktopSession, proc: subprocess.Popen[bytes]) -> int:
    """The welcome window of a first start, once it is on screen."""
    found: list[int] = wait_until(
        lambda: (
            _alive(desktop, proc) and _visible_windows(desktop, proc.pid, "^Welcome to obnotify")
        ),
        20,
        message="the welcome window",
    )
    return found[0]


def _visible_windows(desktop: DesktopSession, pid: int, name: str) -> list[int]:
    """A process's windows on screen whose title matches ``name``; its tray icon is not one."""
    result = desktop.run(
        ["xdotool", "search", "--all", "--pid", str(pid), "--onlyvisible", "--name", name],
        check=False,
    )
    icons = set(desktop.tray_clients())
    return [
        int(line) for line in result.stdout.split() if line.isdigit() and int(line) not in icons
    ]


def _tray_icon_of(desktop: DesktopSession, proc: subprocess.Popen[bytes]) -> list[int]:
    return [c for c in desktop.tray_clients() if desktop.window_pid(c) == proc.pid]


def test_a_second_start_shows_the_running_apps_window_and_exits(
    fresh_desktop: DesktopSession, tmp_path: Path
) -> None:
    desktop = fresh_desktop
    with ThreadedSimNode(wallet_interval=None) as node:
        first = _launch(desktop, tmp_path, "--node", node.url)
        wait_until(
            lambda: _alive(desktop, first) and _tray_icon_of(desktop, first), 30, message="icon"
        )
        assert not _visible_windows(desktop, first.pid, "obnotify —")
        node.wait_until(lambda: _polled(node), scaled(20))

        second = _launch(desktop, tmp_path, "--node", node.url)
        assert second.wait(timeout=scaled(10)) == 0, desktop.output_of(second)[-4000:]
        wait_until(
            lambda: _alive(desktop, first) and _visible_windows(desktop, first.pid, "obnotify —"),
            10,
            message="the running app's window",
        )
        assert len(desktop.tray_clients()) == 1

        # A killed app leaves its socket behind: the next start is the first again.
        first.kill()
        first.wait(timeout=scaled(10))
        third = _launch(desktop, tmp_path, "--node", node.url)
        wait_until(
            lambda: _alive(desktop, third) and _tray_icon_of(desktop, third), 30, message="icon"
        )
