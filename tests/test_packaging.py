"""What the packages carry: desktop files that install, uninstall and validate, and package data.

Software centres and menus drop an entry that their validators reject, so the desktop entry and
the AppStream metainfo are checked with Debian's own tools (desktop-file-utils, appstream), which
packaging/prepare installs. A wheel without its icons still imports, so the package-data globs
are checked against the files they must carry.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from desktop_session import on_ci

from obnotify import APP_ID

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "packaging" / "install-desktop-files"
DESKTOP_FILE = ROOT / "resources" / f"{APP_ID}.desktop"
METAINFO = ROOT / "resources" / f"{APP_ID}.metainfo.xml"
PACKAGE = ROOT / "obnotify"
TIMEOUT = 60


def _run(tmp_path: Path, *args: str) -> None:
    env = {**os.environ, "XDG_DATA_HOME": str(tmp_path / "share")}
    env.pop("PREFIX", None)
    subprocess.run([str(SCRIPT), *args], check=True, env=env, capture_output=True, timeout=TIMEOUT)


def _tool(name: str, package: str) -> str:
    """The path of a validator; skips without it, but fails on CI, where prepare installs it."""
    path = shutil.which(name)
    if path is None:
        reason = f"{name} is missing (Debian package {package})"
        if on_ci():
            pytest.fail(reason)
        pytest.skip(reason)
    return path


def _validate(*command: str) -> str:
    """Runs a validator and returns what it printed; a non-zero exit fails the test with it."""
    result = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT, check=False)
    printed = result.stdout + result.stderr
    assert result.returncode == 0, printed
    return printed


def test_install_and_uninstall(tmp_path: Path) -> None:
    _run(tmp_path)
    share = tmp_path / "share"
    assert (share / "applications" / f"{APP_ID}.desktop").is_file()
    assert (share / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    assert (share / "icons" / "hicolor" / "128x128" / "apps" / f"{APP_ID}.png").is_file()
    _run(tmp_path, "--uninstall")
    left = [p for p in share.rglob("*") if p.is_file() and APP_ID in p.name]
    assert left == []


def test_the_desktop_entry_is_valid() -> None:
    """Not even a hint: a second main category, for one, lists the app twice in some menus."""
    validator = _tool("desktop-file-validate", "desktop-file-utils")
    assert _validate(validator, str(DESKTOP_FILE)).strip() == ""


def test_the_metainfo_is_valid() -> None:
    validator = _tool("appstreamcli", "appstream")
    _validate(validator, "validate", "--no-net", "--explain", str(METAINFO))


def test_the_installed_metainfo_finds_its_desktop_entry_and_icon(tmp_path: Path) -> None:
    """Validated as installed, the launchable and the icon must resolve to the files beside it."""
    validator = _tool("appstreamcli", "appstream")
    env = {**os.environ, "PREFIX": str(tmp_path / "usr")}
    subprocess.run([str(SCRIPT)], check=True, env=env, capture_output=True, timeout=TIMEOUT)
    _validate(validator, "validate-tree", "--no-net", "--explain", str(tmp_path))


def _package_data_globs() -> list[str]:
    with (ROOT / "pyproject.toml").open("rb") as file:
        pyproject = tomllib.load(file)
    globs: list[str] = pyproject["tool"]["setuptools"]["package-data"]["obnotify"]
    return globs


def test_every_package_data_glob_matches_files() -> None:
    """A glob that matches nothing is a renamed or moved file the wheel silently lost."""
    globs = _package_data_globs()
    assert globs
    assert [glob for glob in globs if not any(p.is_file() for p in PACKAGE.glob(glob))] == []


def test_the_package_data_globs_carry_every_data_file() -> None:
    """Every file in the package that is not Python source goes into the wheel."""
    carried = {p for glob in _package_data_globs() for p in PACKAGE.glob(glob) if p.is_file()}
    data = {
        p
        for p in PACKAGE.rglob("*")
        if p.is_file() and p.suffix not in {".py", ".pyc"} and "__pycache__" not in p.parts
    }
    assert sorted(str(p.relative_to(PACKAGE)) for p in data - carried) == []
    assert (PACKAGE / "resources" / "icons" / "obnotify.svg") in carried
