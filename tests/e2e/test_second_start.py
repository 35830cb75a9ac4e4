"""``obnotify`` typed while obnotify runs: what the later start hands on, and what it says.

And the socket that keeps obnotify to one app, where another user of the computer got to
its name first.
"""

from __future__ import annotations

import getpass
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from desktop_session import DesktopSession
from waiting import scaled, wait_until

from obnotify.demo.threaded import ThreadedSimNode

from .test_app import _alive, _app_env, _polled, _tray_icon_of, _visible_windows

pytestmark = pytest.mark.desktop

NOBODY = 65534
"""Another user of this computer; the tests run as root, who can act as it."""
SYSTEM_PYTHON = "/usr/bin/python3"
"""A Python that user can run (the project's own is in root's folders)."""


class Starts:
    """``obnotify`` started in one desktop with one set of folders, as one user would."""

    def __init__(self, desktop: DesktopSession, tmp_path: Path, **env: str) -> None:
        self.desktop = desktop
        self.env = _app_env(tmp_path) | env
        self.settings = Path(self.env["XDG_CONFIG_HOME"]) / "obnotify" / "config.toml"

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        return self.desktop.spawn(
            [sys.executable, "-m", "obnotify", *args], env=self.env, name="obnotify"
        )

    def running(self, *args: str) -> subprocess.Popen[bytes]:
        """A start that becomes the running app: once its tray icon shows."""
        proc = self.start(*args)
        wait_until(
            lambda: _alive(self.desktop, proc) and _tray_icon_of(self.desktop, proc),
            30,
            message="icon",
        )
        return proc

    def later(self, *args: str) -> tuple[int, str]:
        """A later start, to its end: its exit status and what it printed."""
        proc = self.start(*args)
        status = proc.wait(timeout=scaled(20))
        return status, self.desktop.output_of(proc)


def test_a_later_start_hands_its_node_on_and_says_what_happened(
    fresh_desktop: DesktopSession, tmp_path: Path
) -> None:
    desktop = fresh_desktop
    starts = Starts(desktop, tmp_path)
    settings = starts.settings
    with ThreadedSimNode(wallet_interval=None) as node:
        settings.write_text(
            settings.read_text(encoding="utf-8") + f'[[node]]\nname = "Shop"\nurl = "{node.url}"\n',
            encoding="utf-8",
        )
        first = starts.running()
        node.wait_until(lambda: _polled(node), scaled(20))

        # A wrong address: the message and status 2, as for a start alone; nothing handed on.
        status, said = starts.later("--node", "notaurl")
        assert status == 2, said
        assert "'notaurl' is not a node address" in said

        # A node to add: the running app asks, and the later start says so.
        status, said = starts.later("--node", "http://127.0.0.1:1")
        assert status == 0, said
        assert "asks whether to watch http://127.0.0.1:1 too" in said
        question = wait_until(
            lambda: _alive(desktop, first) and _visible_windows(desktop, first.pid, "^obnotify$"),
            20,
            message="the question in the running app",
        )
        desktop.run(["xdotool", "windowfocus", "--sync", str(question[0])])
        desktop.run(["xdotool", "key", "Return"])
        wait_until(
            lambda: "http://127.0.0.1:1" in settings.read_text(encoding="utf-8"),
            10,
            message="the node added to the settings",
        )
        assert 'name = "Shop"' in settings.read_text(encoding="utf-8")

        # A node already watched: said, and the window shows.
        status, said = starts.later("--node", node.url, "--config", str(settings))
        assert status == 0, said
        assert f"already running and watches {node.url} (as Shop)" in said
        assert "not taken by the running app: --config" in said
        wait_until(
            lambda: _alive(desktop, first) and _visible_windows(desktop, first.pid, "obnotify —"),
            10,
            message="the running app's window",
        )


def test_an_app_started_for_one_node_says_it_adds_none(
    fresh_desktop: DesktopSession, tmp_path: Path
) -> None:
    starts = Starts(fresh_desktop, tmp_path)
    with ThreadedSimNode(wallet_interval=None) as node:
        first = starts.running("--node", node.url)
        node.wait_until(lambda: _polled(node), scaled(20))
        before = starts.settings.read_text(encoding="utf-8")
        status, said = starts.later("--node", "http://127.0.0.1:1")
        assert status == 0, said
        assert f"started with --node {node.url}, and watches only that" in said
        assert starts.settings.read_text(encoding="utf-8") == before
        assert _alive(fresh_desktop, first)


@pytest.fixture
def shared() -> Iterator[Path]:
    """A temporary folder every user can write in, as /tmp is."""
    folder = Path(tempfile.mkdtemp(prefix="obnotify-tmp-", dir="/tmp"))
    folder.chmod(0o1777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.mark.skipif(
    os.getuid() != 0 or not os.access(SYSTEM_PYTHON, os.X_OK),
    reason="acting as another user needs root and a system Python",
)
def test_another_user_who_takes_the_name_first_stops_nothing(
    fresh_desktop: DesktopSession, tmp_path: Path, shared: Path
) -> None:
    """No runtime folder: another user listens where the name would be, and holds the folder
    it would be made in. obnotify starts all the same, and tells that user nothing."""
    desktop = fresh_desktop
    heard = shared / "heard"
    squatter = subprocess.Popen(
        [
            SYSTEM_PYTHON,
            "-c",
            (
                "import os, socket, sys\n"
                f"os.mkdir({str(shared / f'obnotify-{os.getuid()}')!r}, 0o777)\n"
                "s = socket.socket(socket.AF_UNIX)\n"
                f"s.bind({str(shared / f'obnotify-{getpass.getuser()}')!r})\n"
                "s.listen()\n"
                "print('listening', flush=True)\n"
                "while True:\n"
                "    c, _ = s.accept()\n"
                f"    open({str(heard)!r}, 'ab').write(c.recv(100) or b'connected')\n"
            ),
        ],
        user=NOBODY,
        group=NOBODY,
        extra_groups=[],
        stdout=subprocess.PIPE,
        text=True,
    )
    starts = Starts(desktop, tmp_path, XDG_RUNTIME_DIR="", TMPDIR=str(shared))
    try:
        assert squatter.stdout is not None
        assert squatter.stdout.readline().strip() == "listening"
        with ThreadedSimNode(wallet_interval=None) as node:
            first = starts.running("--node", node.url)
            node.wait_until(lambda: _polled(node), scaled(20))
            # Still one app per user.
            status, said = starts.later()
            assert status == 0, said
            assert "already running" in said
            assert _alive(desktop, first)
    finally:
        squatter.kill()
        squatter.wait()
    assert not heard.exists(), heard.read_bytes()
