"""The colour that tells one node from another in the tray menu, the window and its rows.

A node keeps its colour for as long as it keeps its place in the settings, so
the palette is indexed by that place. The colours are far apart in hue and
readable on light and dark backgrounds.
"""

from __future__ import annotations

from typing import Final

__all__ = ["PALETTE", "colour_for"]

PALETTE: Final = (
    "#2f80ed",
    "#eb5757",
    "#27ae60",
    "#f2994a",
    "#9b51e0",
    "#00a3a3",
    "#d6409f",
    "#8d6e63",
)
"""Hex RGB colours, in the order nodes receive them."""


def colour_for(index: int) -> str:
    """The colour of the node at this place in the list (0 is the first); the palette repeats."""
    return PALETTE[index % len(PALETTE)]
