"""The one-app-per-user socket: a later start tells the first one and steps back."""

from __future__ import annotations

import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from obnotify.ui import local_pipe, local_socket
from obnotify.ui.single_instance import (
    SHOW,
    Channel,
    SingleInstance,
    claim,
    instance_name,
    local_channel,
    node_request,
)

CHANNELS = {"unix socket": local_socket, "qt local socket": local_pipe}
"""Both ways the app listens: a Unix-domain socket (Linux, macOS) and QtNetwork's local
socket (Windows' named pipe; a Unix-domain socket here, so it is tested here too)."""

LATER_START = """
import importlib, json, sys
from PySide6.QtCore import QCoreApplication
app = QCoreApplication([])
from obnotify.ui.single_instance import SingleInstance, claim
request = sys.argv[2].encode()
channel = importlib.import_module(sys.argv[3])
claimed = claim(sys.argv[1], request if request != "-" else None, channel=channel)
if isinstance(claimed, SingleInstance):
    claimed.close()
    print(json.dumps(None))
else:
    print(json.dumps(claimed))
"""


@pytest.fixture(params=CHANNELS.values(), ids=CHANNELS.keys())
def channel(request: pytest.FixtureRequest) -> Channel:
    chosen: Channel = request.param
    return chosen


def later(
    qtbot: QtBot, name: str, request: bytes | None = SHOW, channel: Channel = local_socket
) -> SingleInstance | str:
    """What ``claim`` gives a later start, a process of its own as a second start is: the
    answer of the app running here (this test's), or None had it become the first."""
    said = "-" if request is None else request.decode()
    proc = subprocess.Popen(
        [sys.executable, "-c", LATER_START, name, said, channel.ask.__module__],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    # This app answers while the later start waits: keep its events flowing.
    qtbot.waitUntil(lambda: proc.poll() is not None, timeout=20_000)
    out, err = proc.communicate()
    assert proc.returncode == 0, err
    answer = json.loads(out)
    assert answer is not None, "the later start found no app running"
    return str(answer)


@pytest.fixture
def name(tmp_path: Path) -> str:
    """A socket path of this test's own (short: Unix socket paths are limited to ~100 bytes)."""
    return str(tmp_path / "s")


@pytest.fixture
def first(name: str, channel: Channel) -> Iterator[SingleInstance]:
    instance = claim(name, channel=channel)
    assert isinstance(instance, SingleInstance)
    yield instance
    instance.close()


def test_a_second_start_tells_the_first_and_steps_back(
    qtbot: QtBot, name: str, first: SingleInstance, channel: Channel
) -> None:
    with qtbot.waitSignal(first.activated, timeout=5000):
        assert (
            later(qtbot, name, channel=channel)
            == "obnotify is already running: its window is shown"
        )


def test_each_later_start_is_told_apart(
    qtbot: QtBot, name: str, first: SingleInstance, channel: Channel
) -> None:
    shown: list[None] = []
    first.activated.connect(lambda: shown.append(None))
    assert isinstance(later(qtbot, name, channel=channel), str)
    assert isinstance(later(qtbot, name, channel=channel), str)
    qtbot.waitUntil(lambda: len(shown) == 2, timeout=5000)


def test_other_bytes_on_the_socket_show_nothing(
    qtbot: QtBot, name: str, first: SingleInstance, channel: Channel
) -> None:
    shown: list[None] = []
    first.activated.connect(lambda: shown.append(None))
    with socket.socket(socket.AF_UNIX) as client:
        client.connect(name)
        client.sendall(b"hello\n")
    assert isinstance(later(qtbot, name, channel=channel), str)
    qtbot.waitUntil(lambda: len(shown) == 1, timeout=5000)
    assert len(shown) == 1


@pytest.fixture
def left_behind(name: str) -> str:
    """What a killed app leaves: the socket file, with nobody listening on it."""
    left = socket.socket(socket.AF_UNIX)
    left.bind(name)
    left.close()
    assert os.path.exists(name)
    return name


def test_a_socket_left_by_a_killed_app_is_taken_over(
    qtbot: QtBot, left_behind: str, first: SingleInstance, channel: Channel
) -> None:
    with qtbot.waitSignal(first.activated, timeout=5000):
        assert isinstance(later(qtbot, left_behind, channel=channel), str)


def test_a_closed_app_leaves_the_next_start_first(
    qtbot: QtBot, name: str, first: SingleInstance, channel: Channel
) -> None:
    first.close()
    again = claim(name, channel=channel)
    assert isinstance(again, SingleInstance)
    again.close()


def test_a_node_goes_to_the_running_app_which_says_what_it_did(
    qtbot: QtBot, name: str, first: SingleInstance, channel: Channel
) -> None:
    given: list[dict[str, str]] = []

    def on_node(fields: dict[str, str]) -> str:
        given.append(dict(fields))
        return "asked"

    # Until the app has its nodes open, a node is turned away with a reason.
    assert "still opening its nodes" in str(
        later(qtbot, name, node_request({"url": "http://h:1"}), channel)
    )
    first.on_node = on_node
    assert later(qtbot, name, node_request({"url": "http://h:1", "user": "u"}), channel) == "asked"
    assert given == [{"url": "http://h:1", "user": "u"}]
    assert later(qtbot, name, b"node [1]\n", channel) == "", "a line that is no node is ignored"
    assert later(qtbot, name, None, channel) == "", (
        "only asking whether one runs says nothing to it"
    )


@pytest.fixture
def private(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No runtime folder; the temporary folder and the cache are this test's own."""
    monkeypatch.delenv("XDG_RUNTIME_DIR", raising=False)
    monkeypatch.setenv("TMPDIR", str(tmp_path / "tmp"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    (tmp_path / "tmp").mkdir()
    tempfile.tempdir = None  # read TMPDIR again
    yield tmp_path
    tempfile.tempdir = None


def test_the_name_is_in_a_private_folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    runtime = tmp_path / "runtime"
    runtime.mkdir(mode=0o700)
    monkeypatch.setenv("XDG_RUNTIME_DIR", str(runtime))
    assert Path(str(instance_name())).parent == runtime
    runtime.chmod(0o755)
    assert Path(str(instance_name())).parent != runtime, "a runtime folder others can enter"


def test_without_a_runtime_folder_the_user_gets_a_folder_of_their_own(private: Path) -> None:
    folder = Path(str(instance_name())).parent
    assert folder == private / "tmp" / f"obnotify-{os.getuid()}"
    info = folder.lstat()
    assert stat.S_ISDIR(info.st_mode) and info.st_uid == os.getuid()
    assert stat.S_IMODE(info.st_mode) == 0o700


@pytest.mark.parametrize("taken_as", ["open folder", "other owner", "file", "symlink"])
def test_a_folder_name_taken_first_is_not_used(private: Path, taken_as: str) -> None:
    taken = private / "tmp" / f"obnotify-{os.getuid()}"
    if taken_as == "open folder":
        taken.mkdir(mode=0o777)
        taken.chmod(0o777)
    elif taken_as == "other owner":
        taken.mkdir(mode=0o700)
        os.chown(taken, NOBODY, NOBODY)
    elif taken_as == "file":
        taken.write_text("")
    else:
        (private / "elsewhere").mkdir(mode=0o700)
        taken.symlink_to(private / "elsewhere")
    name = Path(str(instance_name()))
    assert taken not in name.parents
    assert name.parent.is_relative_to(private / "cache")
    assert stat.S_IMODE(name.parent.lstat().st_mode) == 0o700


NOBODY = 65534
"""Another user of this computer (``nobody``); the tests run as root, who can act as it."""
SYSTEM_PYTHON = "/usr/bin/python3"
"""A Python that user can run (the project's own is in root's folders)."""
AS_ANOTHER_USER = pytest.mark.skipif(
    os.getuid() != 0 or not hasattr(socket, "SO_PEERCRED") or not os.access(SYSTEM_PYTHON, os.X_OK),
    reason="acting as another user needs root, Linux and a system Python",
)


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[Path]:
    """A folder every user can reach (pytest's own folders are root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="obnotify-shared-", dir="/tmp"))
    folder.chmod(0o1777)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


def _as_nobody(code: str, **popen: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [SYSTEM_PYTHON, "-c", code],
        user=NOBODY,
        group=NOBODY,
        extra_groups=[],
        text=True,
        stdout=subprocess.PIPE,
        **popen,  # type: ignore[call-overload]
    )


@AS_ANOTHER_USER
def test_another_user_is_not_heard(qtbot: QtBot, shared: Path, channel: Channel) -> None:
    """Even where another user can reach the socket, the app takes no request from them."""
    name = str(shared / "s")
    first = claim(name, channel=channel)
    assert isinstance(first, SingleInstance)
    try:
        os.chmod(name, 0o777)
        shown: list[None] = []
        first.activated.connect(lambda: shown.append(None))
        other = _as_nobody(
            "import socket\n"
            "s = socket.socket(socket.AF_UNIX)\n"
            f"s.connect({name!r})\n"
            "try:\n"
            "    s.sendall(b'show\\n')\n"
            "    print(repr(s.recv(100)))\n"
            "except OSError:\n"
            "    print(repr(b''))\n"
        )
        qtbot.waitUntil(lambda: other.poll() is not None, timeout=10_000)
        assert other.communicate()[0].strip() == "b''", "no answer to the other user"
        assert isinstance(later(qtbot, name, channel=channel), str)
        qtbot.waitUntil(lambda: len(shown) == 1, timeout=5000)
        assert len(shown) == 1, "the other user's show was ignored"
    finally:
        first.close()


@AS_ANOTHER_USER
def test_a_socket_of_another_user_is_not_told_anything(
    qtbot: QtBot, shared: Path, channel: Channel
) -> None:
    name = str(shared / "s")
    squatter = _as_nobody(
        "import os, socket\n"
        "s = socket.socket(socket.AF_UNIX)\n"
        f"s.bind({name!r})\n"
        f"os.chmod({name!r}, 0o777)\n"
        "s.listen()\n"
        "print('listening', flush=True)\n"
        "c, _ = s.accept()\n"
        "print(repr(c.recv(100)), flush=True)\n"
    )
    try:
        assert squatter.stdout is not None
        assert squatter.stdout.readline().strip() == "listening"
        claimed = claim(name, channel=channel)
        assert isinstance(claimed, SingleInstance), "this user's app runs"
        claimed.close()
        assert squatter.stdout.readline().strip() == "b''", "nothing was said to the other user"
    finally:
        squatter.kill()
        squatter.wait()


def test_a_unix_socket_is_used_where_python_has_one() -> None:
    """QtNetwork (2 MiB the app would keep for good) is loaded only where it is needed."""
    assert local_channel() is local_socket
