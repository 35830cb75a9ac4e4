"""What a plain start of the app loads, seen in a real process: the settings are read with the
standard library, and the writer (tomlkit) is left unloaded until the user changes something."""

from __future__ import annotations

import signal
import sys
from pathlib import Path

import pytest
from desktop_session import DesktopSession, scaled, wait_until

from obnotify.demo.threaded import ThreadedSimNode

pytestmark = pytest.mark.desktop

XDG_FOLDERS = ("CONFIG", "DATA", "CACHE", "STATE")
RUN_RECORDING_MODULES = (
    "import atexit, os, pathlib, runpy, sys\n"
    "out = pathlib.Path(os.environ.pop('MODULES_FILE'))\n"
    "atexit.register(lambda: out.write_text(' '.join(sys.modules)))\n"
    "sys.argv[0] = 'obnotify'\n"
    "runpy.run_module('obnotify', run_name='__main__', alter_sys=True)\n"
)
"""``python -m obnotify`` that writes the modules it had loaded, when it ends, to the file
``MODULES_FILE`` names."""


def test_a_start_that_only_reads_the_settings_never_loads_their_writer(
    fresh_desktop: DesktopSession, tmp_path: Path
) -> None:
    desktop = fresh_desktop
    env = {f"XDG_{kind}_HOME": str(tmp_path / kind.lower()) for kind in XDG_FOLDERS}
    config = tmp_path / "config" / "obnotify" / "config.toml"
    config.parent.mkdir(parents=True)
    modules = tmp_path / "modules.txt"
    with ThreadedSimNode(wallet_interval=None) as node:
        config.write_text(
            f'# mine\n[[node]]\nname = "Shop"\nurl = "{node.url}"\n'
            '[general]\ntray_style = "mono-dark"\n',
            encoding="utf-8",
        )
        proc = desktop.spawn(
            [sys.executable, "-c", RUN_RECORDING_MODULES],
            env={**env, "MODULES_FILE": str(modules)},
            name="obnotify",
        )

        def watching() -> bool:
            if proc.poll() is not None:
                raise AssertionError(f"obnotify exited:\n{desktop.output_of(proc)[-4000:]}")
            return any(path.startswith("/ob/notifications") for _, path in node.journal.requests)

        wait_until(watching, 30, message="obnotify watching the node of its settings")
        proc.send_signal(signal.SIGTERM)
        assert proc.wait(timeout=scaled(15)) == 0, desktop.output_of(proc)[-4000:]
    loaded = set(modules.read_text().split())
    assert "obnotify.settings.reading" in loaded, "the settings were read"
    assert "obnotify.ui.tray_board" in loaded, "the app ran to its tray"
    assert not {m for m in loaded if m == "tomlkit" or m.startswith("tomlkit.")}
    assert "obnotify.settings.writing" not in loaded
