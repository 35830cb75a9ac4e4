"""The app keeps no module's source text, yet a traceback still shows its lines."""

from __future__ import annotations

import importlib.util
import linecache
import traceback
from pathlib import Path

import pytest

from obnotify.node_stack import keep_no_source


def test_source_read_is_let_go_and_a_traceback_reads_it_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(linecache, "cache", dict(linecache.cache))
    keep_no_source()
    path = tmp_path / "kept_nowhere.py"
    path.write_text("def fail():\n    raise ValueError('from the file')\n", encoding="utf-8")
    spec = importlib.util.spec_from_file_location("kept_nowhere", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    # What PySide6 does with every module imported after it.
    assert "raise ValueError" in "".join(linecache.getlines(str(path)))
    assert not any(len(entry) > 1 for entry in linecache.cache.values()), "no text is kept"
    with pytest.raises(ValueError) as raised:
        module.fail()
    printed = "".join(traceback.format_exception(raised.value))
    assert "raise ValueError('from the file')" in printed
    assert not any(len(entry) > 1 for entry in linecache.cache.values())
