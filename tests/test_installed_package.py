"""The .deb as a user gets it: built as packaging/README.md says, installed with apt, run from
the launcher it puts on PATH in a real desktop, used from its tray menu (About, Help, Start at
login, whose entry then starts it as a desktop session does), and removed without a trace.

A bundle that imports fine in the build tree can still lack a plugin, a data file or a system
library the package forgot to depend on; only the installed program, started the way a menu
starts it, shows that. Installing touches the machine's own /opt, /usr/bin and /usr/share, so the
test needs root; it skips without it, but fails on CI, which runs as root and must not hide a
broken package behind a skip. Two runs on one machine take turns: each holds a lock file from
the install to the purge, so one never removes the package under the other.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO

import pytest
from desktop_entry import entry_value, exec_argv
from desktop_session import DesktopSession, on_ci
from tray_menu import opened_window, pick_from_tray_menu, shown_windows
from waiting import scaled, wait_until

from obnotify import APP_ID, APP_NAME
from obnotify.ui.help import USER_GUIDE

pytestmark = [pytest.mark.slow, pytest.mark.desktop, pytest.mark.timeout(1500)]

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "packaging" / "README.md"
BUNDLE_SECTION = "## The bundle"
README_VENV = "/tmp/pkgvenv"
"""The README's virtualenv, which the test puts in its own folder instead."""
NOT_COPIED = (
    ".git",
    ".venv",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    ".*_cache",
    "artifacts",
)
BUILD_DEB = ROOT / "packaging" / "build-deb"
PACKAGE = "obnotify"
BUNDLE_DIR = Path("/opt/obnotify")
SHARE = Path("/usr/share")
SHARE_DIRS = ("applications", "icons/hicolor", "metainfo", "doc")
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
BUILD_TIMEOUT = 600
APT_TIMEOUT = 300
DPKG_LOCK_WAIT = 240
"""Seconds apt waits for another apt or dpkg to let go of the dpkg lock."""
LOCK_FILE = Path("/run/lock/obnotify-installed-package-test.lock")
LOCK_WAIT = 900
"""Seconds to wait for another run of this test to purge the package: its whole run and more."""
TOOLS = ("apt-get", "dpkg-deb", "dpkg-query", "gio", "xclip")
"""gio starts an autostart entry as GNOME's session does; xclip reads what Help shows."""
DEPENDS_FIELD = re.compile(r"\s*([a-z0-9][a-z0-9+.-]*)")


def _check(
    command: list[str],
    timeout: float,
    env: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> str:
    """Runs a command; a non-zero exit fails the test with what it printed."""
    result = subprocess.run(
        command, capture_output=True, text=True, timeout=timeout, check=False, env=env, cwd=cwd
    )
    printed = result.stdout + result.stderr
    assert result.returncode == 0, f"{' '.join(command)} exited {result.returncode}:\n{printed}"
    return printed


def _installed() -> bool:
    result = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", PACKAGE], capture_output=True, text=True, check=False
    )
    return result.stdout.strip() == "install ok installed"


def _documented_build() -> str:
    """The commands packaging/README.md gives for the bundle: the first sh block of its section."""
    text = README.read_text(encoding="utf-8")
    block = re.search(r"```sh\n(.*?)```", text[text.index(BUNDLE_SECTION) :], re.DOTALL)
    assert block is not None, f"no sh block under {BUNDLE_SECTION!r} in {README}"
    return block[1]


def _build_deb(work: Path) -> Path:
    """The .deb of this tree, built by the commands packaging/README.md gives, as a user types
    them on Debian (its PATH, a copy of the checkout, the virtualenv under `work`)."""
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=shutil.ignore_patterns(*NOT_COPIED))
    script = _documented_build().replace(README_VENV, str(work / "venv"))
    env = {
        key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "VIRTUAL_ENV")
    }
    env |= {"PATH": SYSTEM_PATH, "PYINSTALLER_CONFIG_DIR": str(work / "cache")}
    _check(["bash", "-euo", "pipefail", "-c", script], BUILD_TIMEOUT, env=env, cwd=source)
    bundle = source / "dist" / PACKAGE
    deb = Path(_check([str(BUILD_DEB), str(bundle), str(work)], BUILD_TIMEOUT).strip())
    bundle_bytes = int(_check(["du", "-sb", str(bundle)], 60).split()[0])
    print(f"bundle {bundle_bytes / 1e6:.1f} MB, {deb.name} {deb.stat().st_size / 1e6:.1f} MB")
    return deb


def _apt(*args: str) -> str:
    """apt-get, waiting (bounded) while another apt or dpkg holds the dpkg lock."""
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return _check(
        ["apt-get", "-o", f"DPkg::Lock::Timeout={DPKG_LOCK_WAIT}", *args], APT_TIMEOUT, env=env
    )


def _locked(file: IO[str]) -> bool:
    try:
        fcntl.flock(file, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


@contextlib.contextmanager
def _machine_lock() -> Iterator[None]:
    """This test's turn on the machine: the package is system-wide, so a second run waits
    (bounded) for the first to purge it. The kernel lets go of the lock when a run dies."""
    LOCK_FILE.parent.mkdir(parents=True, exist_ok=True)
    with LOCK_FILE.open("a") as file:
        wait_until(
            lambda: _locked(file),
            LOCK_WAIT,
            interval=1.0,
            message=f"another run of this test to let go of {LOCK_FILE}",
        )
        yield


def _cannot_install() -> str:
    """Why this user cannot install the package here, or ""."""
    if os.geteuid() != 0:
        return "installing the .deb needs root"
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if missing:
        return f"{', '.join(missing)} missing (packaging/prepare installs them on Debian)"
    return ""


def _skip_or_fail(reason: str) -> None:
    """Skip, except on CI, which must be able to run this test."""
    if on_ci():
        pytest.fail(reason, pytrace=False)
    pytest.skip(reason)


@pytest.fixture
def deb(tmp_path: Path) -> Path:
    """The built package; skips unless this user may install it (CI must be able to)."""
    reason = _cannot_install()
    if reason:
        _skip_or_fail(reason)
    return _build_deb(tmp_path / "package")


@pytest.fixture
def installed(deb: Path) -> Iterator[float]:
    """Installs the package, yields the moment the install ended; purges it again even when the
    test fails, so a failure never leaves it on the machine. Holds the machine's lock throughout."""
    with _machine_lock():
        if _installed():
            _skip_or_fail(f"{PACKAGE} is installed already; the test would remove it")
        _apt("install", "-y", "--no-install-recommends", str(deb))
        try:
            yield time.monotonic()
        finally:
            if _installed():
                _apt("remove", "--purge", "-y", PACKAGE)


def _files_of_package() -> list[str]:
    return _check(["dpkg-query", "-L", PACKAGE], 30).split()


def _depends_closure() -> set[str]:
    """Every installed package the obnotify package pulls in, itself included, following
    Depends and Pre-Depends (each alternative that is installed)."""
    table = _check(["dpkg-query", "-W", "-f=${Package}\t${Depends}, ${Pre-Depends}\n"], 60)
    depends: dict[str, set[str]] = {}
    provides_table = _check(["dpkg-query", "-W", "-f=${Package}\t${Provides}\n"], 60)
    providers: dict[str, set[str]] = {}
    for line in provides_table.splitlines():
        name, _, provided = line.partition("\t")
        for item in provided.split(","):
            if match := DEPENDS_FIELD.match(item):
                providers.setdefault(match[1], set()).add(name)
    for line in table.splitlines():
        name, _, fields = line.partition("\t")
        depends[name] = {
            match[1] for item in re.split(r"[,|]", fields) if (match := DEPENDS_FIELD.match(item))
        }
    closure: set[str] = set()
    todo = [PACKAGE]
    while todo:
        name = todo.pop()
        if name in closure:
            continue
        closure.add(name)
        for wanted in depends.get(name, set()):
            todo.extend(p for p in (wanted, *providers.get(wanted, ())) if p in depends)
    return closure


def _system_libraries(pid: int) -> set[Path]:
    """The shared libraries a process has mapped from outside the bundle."""
    maps = Path(f"/proc/{pid}/maps").read_text()
    fields = (line.split(maxsplit=5) for line in maps.splitlines())
    paths = {Path(field[5]) for field in fields if len(field) == 6}
    return {path for path in paths if ".so" in path.name and BUNDLE_DIR not in path.parents}


def _owner(library: Path) -> str:
    """The package that installed a library (dpkg -S), without the architecture. dpkg knows a
    file by the path its package shipped, which on a merged /usr may lack the /usr a process
    mapped it under, or be a link to it."""
    candidates = []
    for path in (library, library.resolve()):
        text = str(path)
        candidates += [text, text.removeprefix("/usr"), "/usr" + text]
    for candidate in candidates:
        result = subprocess.run(
            ["dpkg-query", "-S", candidate], capture_output=True, text=True, check=False
        )
        if result.returncode == 0:
            return result.stdout.partition(":")[0].strip()
    return "(no package)"


def _first_heading(markdown: str) -> str:
    return next(line[2:].strip() for line in markdown.splitlines() if line.startswith("# "))


def _copied_text(desktop: DesktopSession, window: int) -> str:
    """What a window shows, as a user copies it: select all, copy, and read the clipboard."""
    desktop.run(["xdotool", "windowfocus", "--sync", str(window)])
    desktop.run(["xdotool", "key", "--delay", "100", "ctrl+a", "ctrl+c"])
    return desktop.run(["xclip", "-o", "-selection", "clipboard"], check=False).stdout


def _bundle_pids() -> set[int]:
    """The running processes of the installed program."""
    pids = set()
    for proc_dir in Path("/proc").iterdir():
        with contextlib.suppress(OSError):
            if proc_dir.name.isdigit() and Path(os.readlink(proc_dir / "exe")).parent == BUNDLE_DIR:
                pids.add(int(proc_dir.name))
    return pids


def _log_tail(home: Path) -> str:
    log = home / "state" / PACKAGE / "log" / "obnotify.log"
    return log.read_text(errors="replace")[-3000:] if log.exists() else f"(no {log})"


def test_the_installed_package_shows_a_toast_and_a_tray_icon_and_leaves_nothing(
    fresh_desktop: DesktopSession, installed: float, tmp_path: Path, artifacts_dir: Path
) -> None:
    desktop = fresh_desktop
    files = _files_of_package()
    launchers = [f for f in files if Path(f).parent.name == "bin"]
    assert len(launchers) == 1, launchers
    launcher = launchers[0]
    assert shutil.which(PACKAGE, path=SYSTEM_PATH) == launcher

    home = tmp_path / "home"
    env = {
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_CACHE_HOME": str(home / "cache"),
        "XDG_STATE_HOME": str(home / "state"),
        "PATH": SYSTEM_PATH,
    }
    proc = desktop.spawn([launcher, "--demo", "--demo-delay", "0.3"], env=env, name=PACKAGE)

    def alive() -> bool:
        if proc.poll() is not None:
            raise AssertionError(
                f"{launcher} exited with {proc.returncode}:\n{desktop.output_of(proc)[-4000:]}"
            )
        return True

    desktop.wait_for_toast(lambda toast: alive() and toast["appname"] == APP_NAME, timeout=60)
    print(f"end of the install to the first toast: {time.monotonic() - installed:.2f} s")
    icon = wait_until(
        lambda: (
            alive() and [c for c in desktop.tray_clients() if desktop.window_pid(c) == proc.pid]
        ),
        30,
        message="obnotify's icon in the tray",
    )[0]

    # What the running program loads from the system, the package must depend on.
    closure = _depends_closure()
    undeclared = {
        str(library): owner
        for library in sorted(_system_libraries(proc.pid))
        if (owner := _owner(library)) not in closure
    }
    assert undeclared == {}, "libraries the .deb's Depends do not bring"

    before = pick_from_tray_menu(desktop, proc.pid, icon, "a")
    about = opened_window(desktop, proc.pid, before, "the About box from the tray menu")
    assert desktop.run(["xdotool", "getwindowname", str(about)]).stdout.strip() == "About obnotify"
    desktop.screenshot(artifacts_dir / "about.png", about)
    desktop.run(["xdotool", "windowfocus", "--sync", str(about), "key", "Escape"])
    wait_until(lambda: about not in shown_windows(desktop, proc.pid), 10, message="About closed")

    # The guide the bundle carries: the file beside the package, as in the source tree.
    guide = BUNDLE_DIR / "_internal" / USER_GUIDE.relative_to(ROOT)
    heading = _first_heading(guide.read_text(encoding="utf-8"))
    before = pick_from_tray_menu(desktop, proc.pid, icon, "h")
    help_window = opened_window(desktop, proc.pid, before, "the Help window from the tray menu")
    shown = wait_until(
        lambda: _copied_text(desktop, help_window).strip(), 10, message="Help's text copied"
    )
    assert shown.splitlines()[0] == heading, "Help shows the guide the package ships"
    desktop.screenshot(artifacts_dir / "help.png", help_window)

    entry = Path(env["XDG_CONFIG_HOME"]) / "autostart" / f"{APP_ID}.desktop"
    assert not entry.exists()

    pick_from_tray_menu(desktop, proc.pid, icon, "l")
    wait_until(entry.exists, 10, message="the entry of Start at login, ticked in the tray menu")
    text = entry.read_text(encoding="utf-8")
    assert exec_argv(text) == [str(BUNDLE_DIR / PACKAGE), "--demo", "--demo-delay", "0.3"]

    # Quit from the menu (its last entry), then start the entry as GNOME's session does.
    pick_from_tray_menu(desktop, proc.pid, icon, "Up", "Return")
    proc.wait(timeout=scaled(20))
    assert proc.returncode == 0, desktop.output_of(proc)[-4000:]
    login = desktop.spawn(["gio", "launch", str(entry)], env=env, name="login")
    assert login.wait(timeout=scaled(30)) == 0, desktop.output_of(login)
    wait_until(
        lambda: [c for c in desktop.tray_clients() if desktop.window_pid(c) in _bundle_pids()],
        60,
        message=lambda: (
            f"the login start's tray icon; it printed:\n{desktop.output_of(login)[-3000:]}\n"
            f"its log:\n{_log_tail(home)}"
        ),
    )

    desktop.kill_spawned()
    wait_until(lambda: not _bundle_pids(), 10, message="the login start to end")
    _apt("remove", "--purge", "-y", PACKAGE)
    assert not _installed()
    assert not BUNDLE_DIR.exists()
    assert not Path(launcher).exists()
    left = [
        str(path)
        for folder in SHARE_DIRS
        for path in (SHARE / folder).rglob("*")
        if PACKAGE in path.name.lower()
    ]
    assert left == []
    # The entry is the user's file; with its program gone the desktop no longer starts it.
    assert entry_value(text, "TryExec") == str(BUNDLE_DIR / PACKAGE)
    refused = desktop.run(["gio", "launch", str(entry)], check=False)
    assert refused.returncode != 0, "a session would start the removed program"
