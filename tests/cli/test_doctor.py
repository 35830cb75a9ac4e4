"""``obnotify doctor``: one line per check, with and without a desktop, against the simulated node."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from desktop_session import DesktopSession

from obnotify.cli.doctor import EXIT_CHECK_FAILED, doctor_exit_status, format_check
from obnotify.demo.threaded import ThreadedSimNode
from obnotify.node.checks import Check

ROOT = Path(__file__).resolve().parents[2]
KEYRING_MODULE = '''
from keyring.backend import KeyringBackend


class Memory(KeyringBackend):
    """A keyring that keeps passwords for the life of the process."""

    priority = 1

    def __init__(self):
        super().__init__()
        self.kept = {}

    def get_password(self, service, username):
        return self.kept.get((service, username))

    def set_password(self, service, username, password):
        self.kept[(service, username)] = password

    def delete_password(self, service, username):
        self.kept.pop((service, username), None)
'''


def test_a_line_says_the_verdict_and_the_fix_only_on_failure() -> None:
    assert format_check("node a", Check("TLS", True, "fine", "unused")) == "ok    node a: TLS: fine"
    assert (
        format_check("node a", Check("TLS", False, "bad", "do this"))
        == "FAIL  node a: TLS: bad -> do this"
    )
    skipped = Check("TLS", True, "not used", skipped=True)
    assert format_check("node a", skipped).startswith("skip  ")
    warned = Check("keyring", True, "none", "install one", warning=True)
    assert format_check("desktop", warned) == "warn  desktop: keyring: none -> install one"
    # A check named as its section says the label once.
    own = Check("settings", False, "no node is configured", "add one")
    assert format_check("settings", own) == "FAIL  settings: no node is configured -> add one"
    # Node text is escaped: no terminal control reaches the screen, no line is split.
    line = format_check("n", Check("x", False, "\x1b[31mred\nline", ""))
    assert line == "FAIL  n: x: \\x1b[31mred\\x0aline"


def test_the_exit_status_is_non_zero_when_any_check_failed() -> None:
    fine = Check("a", True, "")
    assert doctor_exit_status([fine, Check("b", True, "", skipped=True)]) == 0
    assert doctor_exit_status([fine, Check("b", True, "", warning=True)]) == 0
    assert doctor_exit_status([fine, Check("b", False, "", "")]) == EXIT_CHECK_FAILED


def _doctor(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    full = {**env, "PYTHONPATH": os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")])}
    return subprocess.run(
        [sys.executable, "-m", "obnotify", "doctor", *args],
        env=full,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def _bare_env(tmp_path: Path) -> dict[str, str]:
    keep = ("PATH", "LANG", "LC_ALL")
    env = {k: v for k, v in os.environ.items() if k in keep}
    env["HOME"] = str(tmp_path)
    env["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    env["XDG_DATA_HOME"] = str(tmp_path / "data")
    return env


def _lines(output: str) -> dict[str, str]:
    """The lines by "section: check", each as its verdict and the rest."""
    found = {}
    for line in output.splitlines():
        verdict, _, rest = line.partition("  ")
        section, _, tail = rest.strip().partition(": ")
        name, _, detail = tail.partition(": ")
        found[f"{section}: {name}"] = f"{verdict.strip()} {detail}"
    return found


NO_KEYRING = {"PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"}


def test_without_a_desktop_each_desktop_check_fails_with_a_fix(tmp_path: Path) -> None:
    env = _bare_env(tmp_path) | NO_KEYRING
    with ThreadedSimNode(wallet_interval=None) as node:
        result = _doctor(env, "--node", node.url)
    lines = _lines(result.stdout)
    assert result.returncode == EXIT_CHECK_FAILED, result
    for name in ("address", "host answers", "credentials", "notifications API"):
        assert lines[f"node {node.url}: {name}"].startswith("ok "), lines
    for name in ("notification server", "tray host"):
        assert lines[f"desktop: {name}"].startswith("FAIL "), lines
        assert " -> " in lines[f"desktop: {name}"]
    assert lines["desktop: tray host"].startswith("FAIL no display"), lines
    # The node logs in without a password: no keyring is worth knowing, not a failure.
    assert lines["desktop: keyring"].startswith("warn no keyring backend"), lines
    assert "--password-env" in lines["desktop: keyring"], "the advice stays"


def test_unknown_keys_of_the_settings_file_are_warnings(tmp_path: Path) -> None:
    config = tmp_path / "config.toml"
    with ThreadedSimNode(wallet_interval=None) as node:
        config.write_text(
            f'[general]\nhistory_limt = 5\n[[node]]\nname = "Shop"\nurl = "{node.url}"\n'
        )
        result = _doctor(_bare_env(tmp_path), "--config", str(config))
    warned = [line for line in result.stdout.splitlines() if line.startswith("warn  settings: ")]
    assert len(warned) == 1, result.stdout
    assert "unknown key 'history_limt'" in warned[0] and "history_limit" in warned[0]
    assert "ok    node Shop: notifications API" in result.stdout


def test_the_configured_nodes_are_checked_by_name(tmp_path: Path) -> None:
    env = _bare_env(tmp_path)
    config = tmp_path / "config.toml"
    with ThreadedSimNode(auth="basic", username="u", password="p", wallet_interval=None) as node:
        config.write_text(f'[[node]]\nname = "Shop"\nurl = "{node.url}"\nuser = "u"\n')
        result = _doctor(env, "--config", str(config))
    lines = _lines(result.stdout)
    assert lines["node Shop: credentials"].startswith("FAIL the node refused user u"), lines
    assert result.returncode == EXIT_CHECK_FAILED


def test_a_configured_user_needs_the_keyring_unless_the_password_comes_from_a_variable(
    tmp_path: Path,
) -> None:
    env = _bare_env(tmp_path) | NO_KEYRING | {"NODE_PASSWORD": "p"}
    config = tmp_path / "config.toml"
    with ThreadedSimNode(auth="basic", username="u", password="p", wallet_interval=None) as node:
        config.write_text(f'[[node]]\nname = "Shop"\nurl = "{node.url}"\nuser = "u"\n')
        kept = _lines(_doctor(env, "--config", str(config)).stdout)
        given = _lines(
            _doctor(env, "--config", str(config), "--password-env", "NODE_PASSWORD").stdout
        )
    assert kept["desktop: keyring"].startswith("FAIL no keyring backend"), kept
    assert given["desktop: keyring"].startswith("warn no keyring backend"), given
    assert given["node Shop: credentials"] == "ok the node accepted user u", given


def test_no_configured_node_says_how_to_add_one(tmp_path: Path) -> None:
    result = _doctor(_bare_env(tmp_path), "--config", str(tmp_path / "none.toml"))
    assert result.returncode == EXIT_CHECK_FAILED
    first = result.stdout.splitlines()[0]
    assert first.startswith("FAIL  settings: no node is configured -> add a [[node]] to"), first
    assert "none.toml" in first


def test_a_bad_password_variable_is_a_usage_error(tmp_path: Path) -> None:
    result = _doctor(
        _bare_env(tmp_path), "--node", "http://127.0.0.1:4002", "--user", "u",
        "--password-env", "NO_SUCH_VARIABLE",
    )  # fmt: skip
    assert result.returncode == 2
    assert "NO_SUCH_VARIABLE" in result.stderr


@pytest.mark.desktop
@pytest.mark.parametrize(
    ("login", "status", "keyring"),
    [
        ((), 0, "warn"),
        (("--user", "u", "--password-env", "NODE_PASSWORD"), 0, "warn"),
        (("--user", "u"), EXIT_CHECK_FAILED, "FAIL"),
    ],
)
def test_no_keyring_fails_only_where_a_password_is_to_be_kept(
    tmp_path: Path,
    desktop: DesktopSession,
    login: tuple[str, ...],
    status: int,
    keyring: str,
) -> None:
    env = desktop.env | NO_KEYRING | {"NODE_PASSWORD": "p"}
    auth = {"auth": "basic", "username": "u", "password": "p"} if login else {}
    with ThreadedSimNode(wallet_interval=None, **auth) as node:  # type: ignore[arg-type]
        result = _doctor(env, "--node", node.url, *login)
    lines = _lines(result.stdout)
    assert lines["desktop: keyring"].startswith(f"{keyring} no keyring backend"), lines
    assert result.returncode == status, result.stdout + result.stderr


@pytest.mark.desktop
def test_in_a_desktop_everything_passes(tmp_path: Path, desktop: DesktopSession) -> None:
    (tmp_path / "memkeyring.py").write_text(KEYRING_MODULE)
    env = desktop.env | {
        "PYTHONPATH": str(tmp_path),
        "PYTHON_KEYRING_BACKEND": "memkeyring.Memory",
    }
    with ThreadedSimNode(wallet_interval=None) as node:
        result = _doctor(env, "--node", node.url)
    lines = _lines(result.stdout)
    assert result.returncode == 0, result.stdout + result.stderr
    assert lines["desktop: notification server"].startswith("ok dunst"), lines
    assert "XEmbed system tray" in lines["desktop: tray host"]
    assert lines["desktop: keyring"] == "ok memkeyring.Memory"
