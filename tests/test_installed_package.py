"""The .deb as a user gets it: built from the PyInstaller bundle, installed with apt, run from
the launcher it puts on PATH in a real desktop, and removed without a trace.

A bundle that imports fine in the build tree can still lack a plugin, a data file or a system
library the package forgot to depend on; only the installed program, started the way a menu
starts it, shows that. Installing touches the machine's own /opt, /usr/bin and /usr/share, so the
test needs root; it skips without it, but fails on CI, which runs as root and must not hide a
broken package behind a skip.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import tomllib
from collections.abc import Iterator
from pathlib import Path

import pytest
from desktop_session import DesktopSession, on_ci, wait_until

from obnotify import APP_NAME

pytestmark = [pytest.mark.slow, pytest.mark.desktop, pytest.mark.timeout(420)]

ROOT = Path(__file__).resolve().parents[1]
SPEC = ROOT / "packaging" / "obnotify.spec"
BUILD_DEB = ROOT / "packaging" / "build-deb"
PACKAGE = "obnotify"
BUNDLE_DIR = Path("/opt/obnotify")
SHARE = Path("/usr/share")
SHARE_DIRS = ("applications", "icons/hicolor", "metainfo", "doc")
SYSTEM_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
BUILD_TIMEOUT = 300
APT_TIMEOUT = 180
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


def _requirements() -> list[str]:
    """What the bundle is built from besides obnotify's source: its dependencies and
    PyInstaller (the `packaging` extra). obnotify itself comes from this tree through
    PYTHONPATH, so the build leaves no build/ or egg-info in it."""
    with (ROOT / "pyproject.toml").open("rb") as file:
        project = tomllib.load(file)["project"]
    return [*project["dependencies"], *project["optional-dependencies"]["packaging"]]


def _build_deb(work: Path) -> Path:
    """The .deb of this tree, built in a throwaway virtualenv under `work`."""
    venv = work / "venv"
    _check([sys.executable, "-m", "venv", str(venv)], BUILD_TIMEOUT)
    _check([str(venv / "bin" / "pip"), "install", "-q", *_requirements()], BUILD_TIMEOUT)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "PYINSTALLER_CONFIG_DIR": str(work / "cache")}
    dist = work / "dist"
    _check(
        [
            str(venv / "bin" / "pyinstaller"),
            "--noconfirm",
            "--clean",
            "--log-level",
            "WARN",
            "--distpath",
            str(dist),
            "--workpath",
            str(work / "build"),
            str(SPEC),
        ],
        BUILD_TIMEOUT,
        env=env,
        cwd=work,
    )
    bundle = dist / PACKAGE
    deb = Path(_check([str(BUILD_DEB), str(bundle), str(dist)], BUILD_TIMEOUT).strip())
    bundle_bytes = int(_check(["du", "-sb", str(bundle)], 60).split()[0])
    print(f"bundle {bundle_bytes / 1e6:.1f} MB, {deb.name} {deb.stat().st_size / 1e6:.1f} MB")
    return deb


def _apt(*args: str) -> str:
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    return _check(["apt-get", *args], APT_TIMEOUT, env=env)


@pytest.fixture
def deb(tmp_path: Path) -> Path:
    """The built package; skips unless this user may install it (CI must be able to)."""
    reason = ""
    if os.geteuid() != 0:
        reason = "installing the .deb needs root"
    elif _installed():
        reason = f"{PACKAGE} is installed already; the test would remove it"
    for tool in ("apt-get", "dpkg-deb", "dpkg-query"):
        if not reason and shutil.which(tool) is None:
            reason = f"{tool} is missing (not a Debian or Ubuntu system)"
    if reason:
        if on_ci():
            pytest.fail(reason, pytrace=False)
        pytest.skip(reason)
    return _build_deb(tmp_path / "package")


@pytest.fixture
def installed(deb: Path) -> Iterator[float]:
    """Installs the package, yields the moment the install ended; purges it again even when the
    test fails, so a failure never leaves it on the machine."""
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


def test_the_installed_package_shows_a_toast_and_a_tray_icon_and_leaves_nothing(
    fresh_desktop: DesktopSession, installed: float, tmp_path: Path
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
    wait_until(
        lambda: alive() and any(desktop.window_pid(c) == proc.pid for c in desktop.tray_clients()),
        30,
        message="obnotify's icon in the tray",
    )

    # What the running program loads from the system, the package must depend on.
    closure = _depends_closure()
    undeclared = {
        str(library): owner
        for library in sorted(_system_libraries(proc.pid))
        if (owner := _owner(library)) not in closure
    }
    assert undeclared == {}, "libraries the .deb's Depends do not bring"

    desktop.kill_spawned()
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
