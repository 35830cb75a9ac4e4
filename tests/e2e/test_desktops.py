"""The app on the desktops its users run: GNOME Shell, xfce, KDE Plasma (tests/real_desktops.py).

Each test starts the real shell, runs the app as a process against the simulated node, and
asserts what a user of that desktop sees, read through the shell's own interfaces: the tray item
its host registered, the toast the shell holds (source name, title, picture, buttons), and the
node and the window reached when the shell invokes the toast's actions.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import pytest
from desktop_session import on_ci
from PIL import Image
from real_desktops import (
    NOTIFICATIONS,
    GnomeShell,
    PlasmaDesktop,
    RealDesktop,
    XfceDesktop,
    gnome_missing,
    plasma_missing,
    xfce_missing,
)
from waiting import scaled, wait_until

from e2e.test_app import _alive, _app_env, _polled, _thumbnail_is
from obnotify import APP_NAME
from obnotify.demo.images import draw_picture
from obnotify.demo.scenario import PEERS
from obnotify.demo.threaded import ThreadedSimNode

pytestmark = pytest.mark.desktop

Desktop = TypeVar("Desktop", bound=RealDesktop)

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "resources" / "screenshots"
BUYER = PEERS["dmitri"].peer_id
ALICE = PEERS["alice"]
ORDER_TITLE = "New order from @dvolkov"
BANNER_AREA = (340, 0, 600, 170)
"""The top centre of the screen, where GNOME Shell draws a banner under the top bar."""


def _session(
    start: Callable[[Path], Desktop], missing: list[str], name: str, root: Path
) -> Iterator[Desktop]:
    """Start a desktop for one test, skipping (failing on CI) when its packages are not here."""
    if missing:
        reason = f"{name} is not installed: {', '.join(missing)} (tests/run installs it)"
        if on_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    session = start(root)
    print(f"{name} started in {session.start_seconds:.2f} s")
    try:
        yield session
    finally:
        session.stop()


@pytest.fixture
def gnome(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GnomeShell]:
    """A fresh GNOME Shell for each test: its message tray holds toasts of earlier apps."""
    yield from _session(
        GnomeShell.start, gnome_missing(), "GNOME Shell", tmp_path_factory.mktemp("gnome")
    )


@pytest.fixture
def xfce(tmp_path_factory: pytest.TempPathFactory) -> Iterator[XfceDesktop]:
    """xfce4-notifyd and xfce4-panel on a fresh Xvfb for each test."""
    yield from _session(XfceDesktop.start, xfce_missing(), "xfce", tmp_path_factory.mktemp("xfce"))


@pytest.fixture
def plasma(tmp_path_factory: pytest.TempPathFactory) -> Iterator[PlasmaDesktop]:
    """A fresh KDE Plasma session for each test."""
    yield from _session(
        PlasmaDesktop.start, plasma_missing(), "KDE Plasma", tmp_path_factory.mktemp("plasma")
    )


def _start_app(
    desktop: RealDesktop, tmp_path: Path, node: ThreadedSimNode
) -> subprocess.Popen[bytes]:
    """The app watching `node`, started as a user of the desktop starts it."""
    proc = desktop.spawn(
        [sys.executable, "-m", "obnotify", "--node", node.url],
        env=_app_env(tmp_path),
        name="obnotify",
    )
    node.wait_until(lambda: _alive(desktop, proc) and _polled(node), scaled(30))
    return proc


def _order(
    node: ThreadedSimNode, title: str, picture: str | None = None, buyer: str = BUYER
) -> str:
    thumbnail = {"tiny": picture, "small": picture} if picture else None
    return node.notify(
        node.frames.order(
            buyer_id=buyer,
            buyer_handle="dvolkov",
            title=title,
            price=2_500_000,
            thumbnail=thumbnail,
        )
    )


def _notifications_of(gnome: GnomeShell, source: str) -> list[dict[str, Any]]:
    return [n for s in gnome.message_tray() if s["title"] == source for n in s["notifications"]]


def _history_rows(tmp_path: Path) -> list[tuple[str, int]]:
    """(title, read) of every history row, read from the app's file as another process would."""
    path = next((tmp_path / "data").glob("obnotify/nodes/*.sqlite3"), None)
    if path is None:
        return []
    with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
        return [
            (str(t), int(r)) for t, r in db.execute("SELECT title, read FROM history ORDER BY id")
        ]


def test_gnome_shell_shows_the_toast_and_its_buttons_reach_the_node_and_the_window(
    gnome: GnomeShell, tmp_path: Path, artifacts_dir: Path
) -> None:
    monitor = gnome.monitor()
    with ThreadedSimNode(wallet_interval=None) as node:
        node.add_profile(ALICE.peer_id, ALICE.profile())
        started = time.monotonic()
        proc = _start_app(gnome, tmp_path, node)
        item = wait_until(
            lambda: _alive(gnome, proc) and gnome.tray_item_of(proc.pid),
            30,
            message=lambda: f"the app's tray item; registered: {gnome.tray_items()}",
        )
        print(f"start to tray item: {time.monotonic() - started:.2f} s")
        assert "obnotify" in gnome.tray_tooltip(item)

        service, path = item
        assert f"{service}@{path}" in gnome.top_bar_icons(), "the icon is in the top bar"

        picture = node.add_image(draw_picture("walnut chess set", 240, "W"))
        nid = _order(node, "Walnut chess set", picture)
        sources = wait_until(
            lambda: _alive(gnome, proc) and [s for s in gnome.message_tray() if s["notifications"]],
            30,
            message="a notification in GNOME's message tray",
        )
        assert [source["title"] for source in sources] == [APP_NAME], "the name GNOME shows"
        (toast,) = sources[0]["notifications"]
        assert toast["title"] == ORDER_TITLE
        assert toast["body"].startswith("Walnut chess set: 0.025 BTC")
        assert toast["icon"] and _thumbnail_is(toast["icon"], picture), toast
        assert "Mark as read" in toast["actions"]
        (call,) = monitor.notify_calls()
        assert call["app_name"] == APP_NAME

        wait_until(
            lambda: (banner := gnome.banner()) and banner["title"] == ORDER_TITLE,
            10,
            message="the order's banner",
        )
        # The pointer rests on its button, as a person's before the click: GNOME shows the
        # buttons of a hovered banner.
        wait_until(
            lambda: gnome.point_at_banner(ORDER_TITLE, "Mark as read"),
            10,
            message=lambda: f"the pointer on the banner's button; banner: {gnome.banner()}",
        )
        shot = gnome.shell_screenshot(artifacts_dir / "gnome-banner.png", BANNER_AREA)
        if os.environ.get("OBNOTIFY_UPDATE_SCREENSHOTS"):
            shutil.copy(shot, SCREENSHOTS / "toast-gnome.png")

        # "Mark as read" pressed on the banner reaches the node.
        wait_until(lambda: monitor.answered(ORDER_TITLE), 10, message="the toast's id")
        wait_until(
            lambda: _alive(gnome, proc) and gnome.click_banner(ORDER_TITLE, "Mark as read"),
            15,
            message=lambda: f"the banner's Mark as read button; banner: {gnome.banner()}",
        )
        node.wait_until(lambda: nid in node.journal.read_ids, scaled(10))
        # dbus-monitor may print the signal after the node has already heard of it.
        wait_until(
            lambda: [action for _id, action in monitor.signals("ActionInvoked")] == ["mark-read"],
            10,
            message=lambda: f"ActionInvoked on the bus: {monitor.signals('ActionInvoked')}",
        )

        # A click on a chat's banner opens the window.
        node.push(
            node.frames.message(peer_id=ALICE.peer_id, text="Is the walnut set still available?")
        )
        wait_until(lambda: monitor.answered("Alice Moreau"), 30, message="the chat's toast id")
        wait_until(
            lambda: (
                _alive(gnome, proc)
                and (gnome.point_at_banner("Alice Moreau") and gnome.click_banner("Alice Moreau"))
            ),
            30,
            message=lambda: f"the chat's banner; banner: {gnome.banner()}",
        )
        wait_until(
            lambda: (
                _alive(gnome, proc)
                and any(
                    pid == proc.pid and title.startswith("obnotify —")
                    for pid, title in gnome.windows()
                )
            ),
            15,
            message=lambda: (
                f"the window; the shell shows {gnome.windows()}, app {proc.pid}; "
                f"actions invoked: {monitor.signals('ActionInvoked')}\n{gnome.output_of(proc)[-3000:]}"
            ),
        )


def test_gnome_closes_older_toasts_and_the_window_keeps_them_unread(
    gnome: GnomeShell, tmp_path: Path
) -> None:
    """GNOME Shell keeps three notifications per app and closes the older ones unseen
    (NotificationClosed, reason 1, "expired"). A toast the server closed was not read: its row
    stays unread in the window and the tray, and the app neither loses nor shows it again."""
    monitor = gnome.monitor()
    titles = [f"Lamp number {n}" for n in range(1, 6)]
    with ThreadedSimNode(wallet_interval=None) as node:
        proc = _start_app(gnome, tmp_path, node)
        item = wait_until(
            lambda: _alive(gnome, proc) and gnome.tray_item_of(proc.pid), 30, message="tray item"
        )
        for title in titles:
            _order(node, title, buyer=f"Qm{title.replace(' ', '')}")
        wait_until(
            lambda: _alive(gnome, proc) and len(monitor.signals("NotificationClosed")) >= 2,
            60,
            message=lambda: (
                f"GNOME to close the older toasts; Notify calls: {monitor.notify_calls()}"
            ),
        )
        closed = monitor.signals("NotificationClosed")
        assert [reason for _id, reason in closed] == [1, 1], "closed by the server, as expired"
        sent = monitor.notify_calls()
        assert [nid for nid, _reason in closed] == [call["id"] for call in sent[:2]], "the oldest"
        held = [toast["body"].split(":")[0] for toast in _notifications_of(gnome, APP_NAME)]
        assert held == titles[-3:], "GNOME holds the newest three"
        rows = wait_until(
            lambda: len(_history_rows(tmp_path)) == len(titles) and _history_rows(tmp_path),
            10,
            message="five rows",
        )
        assert [read for _title, read in rows] == [0] * len(titles), "closed is not read"
        assert f"{len(titles)} unread" in gnome.tray_tooltip(item)
        assert not node.journal.read_ids, "the node heard of no read"
        bodies = Counter(call["body"].split(":")[0] for call in monitor.notify_calls())
        assert bodies == Counter(titles), "each toast once: none lost, none shown again"


def test_xfce_shows_the_toast_and_its_button_and_tray_icon_reach_the_node_and_the_window(
    xfce: XfceDesktop, tmp_path: Path, artifacts_dir: Path
) -> None:
    """xfce4-notifyd draws no default action (a click on a toast closes it): the window opens
    from the tray icon, the second StatusNotifierItem host here."""
    monitor = xfce.monitor()
    with ThreadedSimNode(wallet_interval=None) as node:
        proc = _start_app(xfce, tmp_path, node)
        item = wait_until(
            lambda: _alive(xfce, proc) and xfce.tray_item_of(proc.pid),
            30,
            message=lambda: f"the app's tray item; registered: {xfce.tray_items()}",
        )
        picture = node.add_image(draw_picture("walnut chess set", 240, "W"))
        nid = _order(node, "Walnut chess set", picture)
        (toast,) = wait_until(
            lambda: _alive(xfce, proc) and xfce.shown(), 30, message="the order's toast"
        )
        assert toast["summary"] == ORDER_TITLE
        assert toast["body"].startswith("Walnut chess set: 0.025 BTC")
        assert _thumbnail_is(toast["app_icon"].removeprefix("file://"), picture), toast
        assert (toast["action-id-0"], toast["action-label-0"]) == ("mark-read", "Mark as read")
        assert "action-id-1" not in toast, "Mark as read is the toast's only button"
        assert [call["app_name"] for call in monitor.notify_calls()] == [APP_NAME]
        (window,) = wait_until(xfce.toast_windows, 10, message="the toast on screen")
        xfce.screenshot(artifacts_dir / "xfce-toast.png")

        wait_until(lambda: monitor.answered(ORDER_TITLE), 10, message="the toast's id")
        xfce.click_last_button(window)
        node.wait_until(lambda: nid in node.journal.read_ids, scaled(10))
        wait_until(
            lambda: "unread" not in xfce.tray_tooltip(item), 10, message="the tray to count it read"
        )

        xfce.click_tray_icon()
        wait_until(
            lambda: _alive(xfce, proc) and xfce.find_windows("obnotify —"), 15, message="the window"
        )


MARK_AS_READ_ON_PLASMA = (1190, 701)
"""Where Plasma 5.27 draws the order toast's "Mark as read" button on a 1280x800 screen: its
popups stand at the bottom right, above the panel, their buttons right-aligned at the bottom."""
TITLE_ON_PLASMA = (1000, 634)
"""Where the same popup draws its title: a click there is a click on the toast."""


def _button_drawn(plasma: PlasmaDesktop, shot: Path) -> bool:
    """Whether Plasma's popup stands with its Mark as read button drawn (the wallpaper there is
    dark, the button light); the screen is kept in `shot`."""
    plasma.screenshot(shot)
    with Image.open(shot) as image:
        return min(image.convert("RGB").getpixel(MARK_AS_READ_ON_PLASMA)) > 200


def _click_on_popup(plasma: PlasmaDesktop, spot: tuple[int, int], shot: Path) -> None:
    """Click a spot of Plasma's popup once it stands, as a person would: the pointer moves onto
    it first (a surface that appears under a still pointer gets no pointer until it moves)."""
    x, y = spot
    nudge = [0]

    def pointed() -> bool:
        nudge[0] ^= 1
        plasma.run(["xdotool", "mousemove", str(x + nudge[0]), str(y)])
        return _button_drawn(plasma, shot)

    wait_until(pointed, 15, interval=0.3, message="Plasma's popup")
    plasma.run(["xdotool", "mousemove", str(x), str(y), "click", "1"])


@pytest.mark.slow
def test_kde_plasma_shows_the_toast_and_its_button_and_click_reach_the_node_and_the_window(
    plasma: PlasmaDesktop, tmp_path: Path, artifacts_dir: Path
) -> None:
    monitor = plasma.monitor()
    with ThreadedSimNode(wallet_interval=None) as node:
        proc = _start_app(plasma, tmp_path, node)
        wait_until(
            lambda: _alive(plasma, proc) and plasma.tray_item_of(proc.pid),
            30,
            message=lambda: f"the app's tray item; registered: {plasma.tray_items()}",
        )
        picture = node.add_image(draw_picture("walnut chess set", 240, "W"))
        nid = _order(node, "Walnut chess set", picture)
        (call,) = wait_until(
            lambda: _alive(plasma, proc) and monitor.notify_calls(), 30, message="the toast"
        )
        # Plasma prints app_name in every popup's header.
        assert call["app_name"] == APP_NAME
        assert call["summary"] == ORDER_TITLE
        image = call["hints"]["image-path"]["data"].removeprefix("file://")
        assert _thumbnail_is(image, picture)
        assert plasma.name_owner_pid(NOTIFICATIONS) == plasma.shell_pid

        wait_until(lambda: monitor.answered(ORDER_TITLE), 10, message="the toast's id")
        _click_on_popup(plasma, MARK_AS_READ_ON_PLASMA, artifacts_dir / "plasma-toast.png")
        node.wait_until(lambda: nid in node.journal.read_ids, scaled(10))
        # dbus-monitor may print the signal after the node has already heard of it.
        wait_until(
            lambda: [action for _id, action in monitor.signals("ActionInvoked")] == ["mark-read"],
            10,
            message=lambda: f"ActionInvoked on the bus: {monitor.signals('ActionInvoked')}",
        )

        # A second order, drawn alike once the first popup has gone; a click on it opens the window.
        later = artifacts_dir / "plasma-second-toast.png"
        wait_until(lambda: not _button_drawn(plasma, later), 10, message="the first popup gone")
        _order(node, "Walnut chess set", picture, buyer=f"{BUYER[:-1]}z")
        wait_until(
            lambda: len([c for c in monitor.notify_calls() if c["id"] is not None]) == 2,
            30,
            message="the second toast's id",
        )
        _click_on_popup(plasma, TITLE_ON_PLASMA, later)
        wait_until(
            lambda: (
                _alive(plasma, proc)
                and any(
                    title.startswith("obnotify —") for title in plasma.window_titles("obnotify")
                )
            ),
            15,
            message=lambda: f"the window; actions: {monitor.signals('ActionInvoked')}",
        )
