"""The tray icon's style, read from the settings file before anything else loads."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from obnotify.core.tray_state import TrayStyle
from obnotify.settings.location import tray_style_of


@pytest.mark.parametrize(
    ("text", "style"),
    [
        ('[general]\ntray_style = "mono-dark"\n', TrayStyle.MONO_DARK),
        ('# mine\n[[node]]\nurl = "http://x:4002"\n[general]\ntray_style = "mono-light"\n',
         TrayStyle.MONO_LIGHT),
        ("[general]\nstart_at_login = true\n", TrayStyle.COLOUR),
        ('[general]\ntray_style = "neon"\n', TrayStyle.COLOUR),
        ("[general]\ntray_style = 3\n", TrayStyle.COLOUR),
        ("general = 3\n", TrayStyle.COLOUR),
        ("[general\n", TrayStyle.COLOUR),
        ("[general]\ntray_style = " + "[" * 5000 + "]" * 5000 + "\n", TrayStyle.COLOUR),
    ],
)  # fmt: skip
def test_the_style_of_the_file_and_colour_for_anything_else(
    tmp_path: Path, text: str, style: TrayStyle
) -> None:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    assert tray_style_of(path) is style


def test_no_file_or_an_unreadable_one_is_colour(tmp_path: Path) -> None:
    assert tray_style_of(tmp_path / "missing.toml") is TrayStyle.COLOUR
    binary = tmp_path / "binary.toml"
    binary.write_bytes(b"\xff\xfe\x00")
    assert tray_style_of(binary) is TrayStyle.COLOUR


def test_a_fifo_or_a_huge_file_is_colour_at_once(tmp_path: Path) -> None:
    """A named pipe in the file's place would block the app before its icon shows."""
    fifo = tmp_path / "fifo.toml"
    os.mkfifo(fifo)
    assert tray_style_of(fifo) is TrayStyle.COLOUR
    huge = tmp_path / "huge.toml"
    huge.write_text('[general]\ntray_style = "mono-dark"\n' + "# pad\n" * 400_000)
    assert tray_style_of(huge) is TrayStyle.COLOUR
