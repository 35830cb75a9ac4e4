"""``obnotify doctor``: every configured node and the desktop, one line per check.

For the user whose tray shows a red icon, or no icon, or no toasts: each line
says what was checked and, when it failed or warns, what to do. The exit status is
1 when any check failed (a warning does not count), so a script (or a support
request) can tell at once.
"""

from __future__ import annotations

import asyncio
import functools
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Final

from obnotify.cli.options import EXIT_BAD_OPTIONS, DoctorOptions
from obnotify.core.plain_text import printable
from obnotify.node.checks import Check, check_config
from obnotify.node.config import ConfigError

__all__ = ["EXIT_CHECK_FAILED", "doctor_exit_status", "format_check", "run_doctor"]

EXIT_CHECK_FAILED: Final = 1
"""At least one check failed (a warning does not count)."""
SETTINGS: Final = "settings"
_NO_NODES: Final = "add a [[node]] to {path}, or run obnotify doctor --node URL"


def format_check(section: str, check: Check) -> str:
    """One line: the level, where, what was found and, unless it passed, what to do.

    A check named as its section (the settings file's own lines) says that label once.
    """
    verdict = "skip" if check.skipped else "warn" if check.warning else "ok" if check.ok else "FAIL"
    where = section if check.name == section else f"{section}: {check.name}"
    line = f"{verdict:<4}  {where}: {printable(check.message, 500)}"
    if (check.warning or not check.ok) and check.fix:
        line += f" -> {check.fix}"
    return line


def doctor_exit_status(checks: Iterable[Check]) -> int:
    """0 when every check passed, was skipped or warned, else :data:`EXIT_CHECK_FAILED`."""
    return 0 if all(check.ok for check in checks) else EXIT_CHECK_FAILED


@dataclass(frozen=True, slots=True)
class _NodeReport:
    """The nodes' sections, and whether any of them keeps its password in the keyring."""

    sections: list[tuple[str, list[Check]]]
    keyring_needed: bool


async def _one_node(options: DoctorOptions) -> _NodeReport:
    conn = options.connection
    node = options.node
    found = conn.credentials(node)
    checks = await check_config(lambda: conn.node_config(node, found.password, found.token))
    return _NodeReport([(f"node {node}", checks)], bool(conn.user and not conn.password_env))


async def _settings_nodes(options: DoctorOptions) -> _NodeReport:
    from obnotify.desktop.credentials import Credentials, credentials_for
    from obnotify.settings.reading import load_settings

    settings = load_settings(Path(options.config).expanduser() if options.config else None)
    # The file's own lines first: an unknown key may be why a setting seems to do nothing.
    sections = [
        (SETTINGS, [Check(SETTINGS, True, warning, warning=True) for warning in settings.warnings])
    ]
    env_var = options.connection.password_env
    needed = False
    for entry in settings.enabled_nodes:
        user = entry.in_use().user
        # As the app does: --password-env gives every node its password, else the keyring.
        needed = needed or bool(user and not env_var)
        try:
            found = credentials_for(
                entry.url,
                user,
                entry.kind,
                password_env=env_var,
                token_env=options.connection.token_env,
            )
        except ConfigError:
            # The checks say what is wrong with the address.
            found = Credentials()
        checks = await check_config(
            functools.partial(entry.node_config, found.password, found.token)
        )
        sections.append((f"node {entry.name or entry.url}", checks))
    if not settings.enabled_nodes:
        missing = Check(
            SETTINGS, False, "no node is configured", _NO_NODES.format(path=settings.path)
        )
        sections[0][1].append(missing)
    return _NodeReport(sections, needed)


async def _all_checks(options: DoctorOptions) -> list[tuple[str, list[Check]]]:
    from obnotify.desktop.probe import check_desktop

    nodes = await (_one_node(options) if options.node else _settings_nodes(options))
    desktop = await check_desktop(keyring_needed=nodes.keyring_needed)
    return [*nodes.sections, ("desktop", desktop)]


def run_doctor(options: DoctorOptions, out: IO[str] | None = None) -> int:
    """Print one line per check; the exit status says whether any failed."""
    stream = out or sys.stdout
    try:
        sections = asyncio.run(_all_checks(options))
    except ConfigError as exc:
        print(f"obnotify doctor: {exc}", file=sys.stderr)
        return EXIT_BAD_OPTIONS
    lines: list[str] = []
    every: list[Check] = []
    for section, checks in sections:
        lines.extend(format_check(section, check) for check in checks)
        every.extend(checks)
    stream.write("\n".join(lines) + "\n")
    stream.flush()
    return doctor_exit_status(every)
