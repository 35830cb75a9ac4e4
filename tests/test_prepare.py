"""packaging/prepare on a busy machine, as packaging/demo sources it: another apt holds the
lock for a while, then a package cannot be had.

The machine's own apt lock is shared with everyone on it, so this test never takes it: apt-get
and dpkg-query are stand-ins on PATH that answer as apt does while another apt runs ("Could not
get lock") and then as a mirror without the package does. Everything else prepare runs is real,
the checkout's prepared .venv included (left as it is, as its stamp says).
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PREPARE = ROOT / "packaging" / "prepare"
BUSY_ANSWERS = 2
"""How many times apt says another apt holds the lock before it lets go."""

APT_GET = f"""#!/bin/sh
echo "$*" >>"$STAND_IN_LOG"
count=$(grep -c . "$STAND_IN_LOG")
if [ "$count" -le {BUSY_ANSWERS} ]; then
    echo "E: Could not get lock /var/lib/apt/lists/lock. It is held by process 4242 (apt-get)" >&2
    exit 100
fi
case "$*" in
    *install*) echo "E: Unable to locate package xvfb" >&2; exit 100 ;;
esac
exit 0
"""


@pytest.fixture
def stand_ins(tmp_path: Path) -> dict[str, str]:
    if not (ROOT / ".venv" / ".prepared").exists():
        pytest.skip("the checkout's .venv is not prepared (tests/run prepares it)")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for name, text in (("apt-get", APT_GET), ("dpkg-query", "#!/bin/sh\nexit 0\n")):
        (bin_dir / name).write_text(text, encoding="utf-8")
        (bin_dir / name).chmod(0o755)
    return {
        **os.environ,
        "PATH": f"{bin_dir}:{os.environ['PATH']}",
        "STAND_IN_LOG": str(tmp_path / "apt-get.log"),
        "APT_LOCK_WAIT": "60",
        "PREPARED_FOR": "the demo",
    }


def test_the_demo_waits_for_another_apt_then_says_what_to_install(
    stand_ins: dict[str, str], tmp_path: Path
) -> None:
    result = subprocess.run(
        ["bash", "-c", f'source "{PREPARE}"; echo "missing: $OBNOTIFY_MISSING_DEBS"'],
        env=stand_ins,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    calls = (tmp_path / "apt-get.log").read_text(encoding="utf-8").splitlines()
    assert [call.split()[-1] for call in calls[: BUSY_ANSWERS + 1]] == ["update"] * 3
    assert all("DPkg::Lock::Timeout=60" in call for call in calls), "dpkg's lock waited for too"
    assert result.stderr.count("another apt or dpkg is at work; waiting") == 1
    assert "the demo may not start without: xvfb" in result.stderr
    assert "to install them: sudo apt-get install xvfb" in result.stderr
    assert "desktop tests" not in result.stderr, "this is the demo"
    assert "missing: xvfb " in result.stdout
