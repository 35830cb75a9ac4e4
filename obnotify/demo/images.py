"""Small, distinct, deterministic JPEG pictures for the simulated node.

Listings carry thumbnails and profiles carry avatars; the node serves them at
``/ob/images/HASH``. The pictures are drawn with Pillow from a seed, so the
same seed gives the same bytes (and the same hash) on every run, and a client
cache keyed by hash behaves as it would against a real node.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final

from PIL import Image, ImageDraw, ImageFont

from obnotify.demo.cid import cid_v0

__all__ = [
    "AVATAR_SIZES",
    "THUMBNAIL_SIZES",
    "Picture",
    "PictureSet",
    "avatar_set",
    "draw_picture",
    "thumbnail_set",
]

THUMBNAIL_SIZES: Final = {"tiny": 120, "small": 240}
"""Pixel sizes of the two thumbnail variants notifications refer to."""

AVATAR_SIZES: Final = {"tiny": 60, "small": 120, "medium": 240}
"""Pixel sizes of the avatar variants a profile lists in ``avatarHashes``."""

_JPEG_QUALITY: Final = 85
_SHAPES: Final = ("circle", "diamond", "square", "triangle")


@dataclass(frozen=True, slots=True)
class Picture:
    """One encoded image and its content id."""

    data: bytes
    """JPEG bytes."""
    hash: str
    """CIDv0 of ``data``; the name the node serves it under."""


@dataclass(frozen=True, slots=True)
class PictureSet:
    """The same picture in several sizes, keyed like ``thumbnail`` / ``avatarHashes``."""

    pictures: dict[str, Picture]

    def hashes(self) -> dict[str, str]:
        """``{"tiny": "Qm...", "small": "Qm...", ...}`` for a frame or a profile."""
        return {size: picture.hash for size, picture in self.pictures.items()}

    def __iter__(self) -> Iterator[Picture]:
        return iter(self.pictures.values())


def _colour(seed: str, salt: str) -> tuple[int, int, int]:
    digest = hashlib.sha256(f"{salt}:{seed}".encode()).digest()
    return digest[0], digest[1], digest[2]


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except (OSError, TypeError):
        return ImageFont.load_default()


def draw_picture(seed: str, size: int, label: str = "", *, round_avatar: bool = False) -> bytes:
    """A ``size`` px square JPEG: background and shape coloured from ``seed``, ``label`` on top.

    Args:
        seed: Anything; equal seeds give equal pictures.
        size: Edge length in pixels.
        label: One or two characters drawn in the middle (an initial).
        round_avatar: Draw a disc filling the picture instead of a small shape,
            so avatars and listing pictures look different.
    """
    background = _colour(seed, "bg")
    foreground = _colour(seed, "fg")
    image = Image.new("RGB", (size, size), background)
    draw = ImageDraw.Draw(image)
    margin = size // 8
    box = (margin, margin, size - margin, size - margin)
    shape = _SHAPES[hashlib.sha256(seed.encode()).digest()[3] % len(_SHAPES)]
    if round_avatar or shape == "circle":
        draw.ellipse(box, fill=foreground)
    elif shape == "square":
        draw.rectangle(box, fill=foreground)
    elif shape == "diamond":
        mid = size // 2
        draw.polygon(
            [(mid, margin), (size - margin, mid), (mid, size - margin), (margin, mid)],
            fill=foreground,
        )
    else:
        draw.polygon(
            [(size // 2, margin), (size - margin, size - margin), (margin, size - margin)],
            fill=foreground,
        )
    if label:
        luminance = sum(foreground) / 3
        ink = (20, 20, 20) if luminance > 140 else (245, 245, 245)
        draw.text((size / 2, size / 2), label, fill=ink, font=_font(size // 3), anchor="mm")
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=_JPEG_QUALITY)
    return buffer.getvalue()


def _picture(data: bytes) -> Picture:
    return Picture(data=data, hash=cid_v0(data))


def thumbnail_set(seed: str, label: str = "") -> PictureSet:
    """A listing picture as ``tiny`` (120 px) and ``small`` (240 px) thumbnails."""
    return PictureSet(
        {name: _picture(draw_picture(seed, px, label)) for name, px in THUMBNAIL_SIZES.items()}
    )


def avatar_set(seed: str, initial: str) -> PictureSet:
    """A round avatar with an initial, in the sizes a profile's ``avatarHashes`` lists."""
    return PictureSet(
        {
            name: _picture(draw_picture(seed, px, initial, round_avatar=True))
            for name, px in AVATAR_SIZES.items()
        }
    )
