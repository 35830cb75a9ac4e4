"""What the packages carry: desktop files, package data, and installer recipes that agree.

Software centres and menus drop an entry that their validators reject, so the desktop entry and
the AppStream metainfo are checked with Debian's own tools (desktop-file-utils, appstream), which
packaging/prepare installs. A wheel without its icons still imports, so the package-data globs
are checked against the files they must carry. Windows and macOS file a program's toasts under
its app id, so every recipe must name the one in obnotify.APP_ID.
"""

from __future__ import annotations

import os
import plistlib
import re
import shutil
import subprocess
import tomllib
from pathlib import Path

import pytest
from desktop_session import on_ci

from obnotify import APP_ID, __version__

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "packaging" / "install-desktop-files"
DESKTOP_FILE = ROOT / "resources" / f"{APP_ID}.desktop"
METAINFO = ROOT / "resources" / f"{APP_ID}.metainfo.xml"
PACKAGE = ROOT / "obnotify"
PACKAGING = ROOT / "packaging"
SPEC = PACKAGING / "obnotify.spec"
INNO_SETUP = PACKAGING / "windows" / "obnotify.iss"
INFO_PLIST = PACKAGING / "macos" / "Info.plist"
RECIPES = (
    SPEC,
    INNO_SETUP,
    INFO_PLIST,
    PACKAGING / "build-deb",
    PACKAGING / "install-desktop-files",
    METAINFO,
)
APP_ID_LIKE = re.compile(r"\borg\.obnotify\.\w+")
"""Anything that looks like the app id, to catch a recipe that spells it differently."""
REPOSITORY_PATH = re.compile(
    r"(?<![\w/\\.$-])(?:(?:obnotify|resources|packaging)(?:[/\\][\w.*-]+)+|LICENSE\b)"
)
"""A path into the repository as the recipes write it, once their variables are expanded."""
RECIPE_VARIABLES = {
    **dict.fromkeys(("${APP_ID}", "$APP_ID", "{APP_ID}", "{#AppId}"), APP_ID),
    "{#Root}\\": "",
}
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


def test_every_recipe_names_the_one_app_id() -> None:
    ids = {
        path.name: set(APP_ID_LIKE.findall(path.read_text(encoding="utf-8"))) for path in RECIPES
    }
    ids.pop(SPEC.name)
    assert ids == {name: {APP_ID} for name in ids}
    assert plistlib.loads(INFO_PLIST.read_bytes())["CFBundleIdentifier"] == APP_ID
    assert f'#define AppId "{APP_ID}"' in INNO_SETUP.read_text(encoding="utf-8").splitlines()
    assert DESKTOP_FILE.name == f"{APP_ID}.desktop"


def test_the_pyinstaller_recipe_takes_the_app_id_from_obnotify() -> None:
    """The bundle's id is obnotify's own, never a copy that could drift."""
    spec = SPEC.read_text(encoding="utf-8")
    assert "from obnotify import APP_ID" in spec
    assert "bundle_identifier=APP_ID" in spec
    assert APP_ID_LIKE.findall(spec) == []


def test_the_recipes_carry_the_version() -> None:
    plist = plistlib.loads(INFO_PLIST.read_bytes())
    assert plist["CFBundleShortVersionString"] == plist["CFBundleVersion"] == __version__
    assert f'#define AppVersion "{__version__}"' in INNO_SETUP.read_text(encoding="utf-8")


def test_the_macos_bundle_is_a_tray_app() -> None:
    """Without LSUIElement a tray-only app would sit in the Dock with no window to show."""
    assert plistlib.loads(INFO_PLIST.read_bytes())["LSUIElement"] is True


def test_every_path_the_recipes_name_exists() -> None:
    named: dict[str, str] = {}
    for recipe in RECIPES[:-1]:
        text = recipe.read_text(encoding="utf-8")
        for variable, value in RECIPE_VARIABLES.items():
            text = text.replace(variable, value)
        for path in REPOSITORY_PATH.findall(text):
            named[path.replace("\\", "/")] = recipe.name
    missing = {path: recipe for path, recipe in named.items() if not any(ROOT.glob(path))}
    assert named and missing == {}
    assert {"obnotify/__main__.py", "LICENSE"} <= set(named)
