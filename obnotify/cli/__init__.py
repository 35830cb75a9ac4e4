"""The ``obnotify`` command: the tray app, and the ``render``, ``watch`` and ``doctor`` tools.

Options are parsed in :mod:`obnotify.cli.options`; each command is imported only
once it is chosen, so ``obnotify --help`` and the tools never load Qt, and the
tray app loads nothing of the tools.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from obnotify.cli.options import TOOLS, DoctorOptions, RenderOptions, parse_app, parse_tool

__all__ = ["main"]


def main(argv: Sequence[str] | None = None) -> int:
    """``obnotify render|watch|doctor ...`` run a tool; anything else the tray app.

    Returns the exit status (README.md lists them).
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] not in TOOLS:
        options = parse_app(args)
        from obnotify.app import run_app

        return run_app(options)
    tool = parse_tool(args)
    if isinstance(tool, RenderOptions):
        from obnotify.cli.render import run_render

        return run_render(tool.file, own_peer_id=tool.own_peer_id)
    if isinstance(tool, DoctorOptions):
        from obnotify.cli.doctor import run_doctor

        return run_doctor(tool)
    from obnotify.cli.watch import run_watch

    return run_watch(tool)
