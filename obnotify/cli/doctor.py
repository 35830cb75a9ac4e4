"""``obnotify doctor``: every configured node and the desktop, one line per check.

For the user whose tray shows a red icon, or no icon, or no toasts: each line
says what was checked and, when it failed, what to do. The exit status is 1 when
any check failed, so a script (or a support request) can tell at once.
"""

from __future__ import annotations

import asyncio
import functools
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import IO, Final

from obnotify.cli.options import EXIT_BAD_OPTIONS, DoctorOptions
from obnotify.core.text import printable
from obnotify.node.checks import Check, check_config
from obnotify.node.config import ConfigError

__all__ = ["EXIT_CHECK_FAILED", "doctor_exit_status", "format_check", "run_doctor"]

EXIT_CHECK_FAILED: Final = 1
"""At least one check failed."""
_NO_NODES: Final = (
    "no node is configured: add a [[node]] to {path}, or run obnotify doctor --node URL"
)


def format_check(section: str, check: Check) -> str:
    """One line: the verdict, where, what was found and, for a failure, what to do."""
    verdict = "skip" if check.skipped else "ok" if check.ok else "FAIL"
    line = f"{verdict:<4}  {section}: {check.name}: {printable(check.message, 500)}"
    if not check.ok and check.fix:
        line += f" -> {check.fix}"
    return line


def doctor_exit_status(checks: Iterable[Check]) -> int:
    """0 when every check passed or was skipped, else :data:`EXIT_CHECK_FAILED`."""
    return 0 if all(check.ok for check in checks) else EXIT_CHECK_FAILED


async def _node_checks(options: DoctorOptions) -> list[tuple[str, list[Check]]]:
    from obnotify.desktop.secrets import load_password, resolve_password
    from obnotify.desktop.tokens import token_for
    from obnotify.node.config import parse_node_url
    from obnotify.settings import load_settings

    if options.node:
        conn = options.connection
        base_url = parse_node_url(options.node)[0]
        password = resolve_password(base_url, conn.user, env_var=conn.password_env)
        token = token_for(base_url, conn.kind, conn.token_env)
        node = options.node
        return [
            (f"node {node}", await check_config(lambda: conn.node_config(node, password, token)))
        ]
    settings = load_settings(Path(options.config).expanduser() if options.config else None)
    results = []
    for entry in settings.enabled_nodes:
        user = entry.in_use().user
        try:
            base_url = parse_node_url(entry.url)[0]
        except ConfigError:
            base_url = ""
        password = load_password(base_url, user) if base_url and user else ""
        token = token_for(base_url, entry.kind, options.connection.token_env) if base_url else ""
        checks = await check_config(functools.partial(entry.node_config, password, token))
        results.append((f"node {entry.name or entry.url}", checks))
    if not results:
        missing = Check("settings", False, "no node", _NO_NODES.format(path=settings.path))
        results.append(("settings", [missing]))
    return results


async def _all_checks(options: DoctorOptions) -> list[tuple[str, list[Check]]]:
    from obnotify.desktop.probe import check_desktop

    return [*await _node_checks(options), ("desktop", await check_desktop())]


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
