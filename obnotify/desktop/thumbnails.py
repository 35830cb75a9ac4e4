"""The on-disk cache of node images, so every toast can carry a local picture file.

Notification servers take a thumbnail as a local file path (remote URLs are not
reliable anywhere), and the node can take minutes to fetch an image from the
network. So images are downloaded once, checked to really be images, written
atomically under their content hash, and reused forever: an IPFS hash names
immutable content.

The bytes come from a node, which is not trusted: only four raster formats are
ever parsed (Pillow would hand an EPS to Ghostscript), the pixel count is checked
before anything is decoded, and a few downloads at a time share a bounded queue,
so a flood of slow pictures cannot take the connections the API needs.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Final

import httpx

from obnotify.core.ids import is_ipfs_hash
from obnotify.core.plain_text import printable

if TYPE_CHECKING:
    import PIL.Image

__all__ = [
    "DOWNLOAD_TIMEOUT",
    "FORMATS",
    "MAX_CACHE_BYTES",
    "MAX_DOWNLOADS",
    "MAX_IMAGE_BYTES",
    "MAX_PENDING",
    "MAX_PIXELS",
    "PRUNE_EVERY",
    "RETRY_AFTER",
    "ThumbnailCache",
    "ThumbnailCounters",
]

log = logging.getLogger(__name__)

MAX_IMAGE_BYTES: Final = 5 * 1024 * 1024
"""Thumbnails are about 120 or 240 px; anything this big is not one."""

MAX_PIXELS: Final = 1024 * 1024
"""Thumbnails are about 120 or 240 px square. Decoding happens in full to catch truncated
files: this bound, checked on the header before any decoding, caps what that takes."""

FORMATS: Final = ("JPEG", "PNG", "GIF", "WEBP")
"""The only formats Pillow is allowed to parse. Left to itself it also opens EPS and PostScript
by running Ghostscript on the bytes, and dozens of rarer decoders."""

MAX_DOWNLOADS: Final = 4
"""Downloads under way at once; the rest wait their turn."""
MAX_PENDING: Final = 256
"""Downloads under way or waiting; an image asked for beyond that is not fetched this time."""

RETRY_AFTER: Final = 60.0
"""Seconds a failed hash is left alone, so a burst of toasts does not hammer the node."""

DOWNLOAD_TIMEOUT: Final = 150.0
"""The node may take up to two minutes to fetch an image from the network."""

MAX_CACHE_BYTES: Final = 200 * 1024 * 1024
"""The oldest images go until the cache is within this size."""
PRUNE_EVERY: Final = 100
"""Downloads between two prunings of a cache that stays open."""

_KEPT_FORMATS: Final = {"JPEG": ".jpg", "PNG": ".png"}
"""Formats every notification server shows; any other image is stored converted to PNG."""

_SUFFIXES: Final = tuple(_KEPT_FORMATS.values())
_PARTIAL_PREFIX: Final = ".part-"
_CHUNK: Final = 64 * 1024
_LOCATION_CHARS: Final = 200


class _Rejected(Exception):
    """The node answered, but not with an acceptable image; the message says why."""


class _Unavailable(Exception):
    """The node has no image to give now (404, or 500 when the network fetch failed)."""


@dataclass
class ThumbnailCounters:
    """What became of the downloads, for the log and the tests."""

    stored: int = 0
    rejected: int = 0
    """The node answered with something that is not an acceptable thumbnail."""
    unavailable: int = 0
    failed: int = 0
    """Network errors, timeouts, a full disk."""
    dropped: int = 0
    """Asked for while ``max_pending`` downloads were already queued."""


class ThumbnailCache:
    """Images from ``GET /ob/images/HASH`` as local files, downloaded at most once at a time.

    Args:
        directory: Where the files live, ``<hash>.jpg`` or ``<hash>.png``; created if missing.
        client: Carries the node's base URL, authentication and TLS settings: best a client
            of its own (``NodeApi.pictures``), as downloads can hold connections for minutes.
            Or what makes it, called at the first download, so a node that sends no
            picture never builds one.
        max_bytes: Larger responses are refused without being read to the end.
        max_cache_bytes: The size the folder is pruned to when the cache is created, and
            again after every ``PRUNE_EVERY`` downloads.
        timeout: Seconds one download may take once started, whoever is still waiting.
        retry_after: Seconds a failed hash is not asked for again.
        max_downloads: Downloads under way at once.
        max_pending: Downloads under way or waiting; more get None at once.
        clock: Monotonic seconds, injectable so tests can pass time.
    """

    def __init__(
        self,
        directory: Path,
        client: httpx.AsyncClient | Callable[[], httpx.AsyncClient],
        *,
        max_bytes: int = MAX_IMAGE_BYTES,
        max_cache_bytes: int = MAX_CACHE_BYTES,
        timeout: float = DOWNLOAD_TIMEOUT,
        retry_after: float = RETRY_AFTER,
        max_downloads: int = MAX_DOWNLOADS,
        max_pending: int = MAX_PENDING,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.directory = Path(directory)
        self._client = client
        self._max_bytes = max_bytes
        self._timeout = timeout
        self._retry_after = retry_after
        self._clock = clock
        self._slots = asyncio.Semaphore(max_downloads)
        self._max_pending = max_pending
        self.counters = ThumbnailCounters()
        self._inflight: dict[str, asyncio.Task[Path | None]] = {}
        """One download per hash; holding the task here also keeps it from being collected."""
        self._failed: dict[str, float] = {}
        """Hash to the clock time after which it may be tried again."""
        self._max_cache_bytes = max_cache_bytes
        self._stored = 0
        self.directory.mkdir(parents=True, exist_ok=True)
        self._prune(max_cache_bytes)

    def cached(self, image_hash: str) -> Path | None:
        """The local file of an image already downloaded, without any network access."""
        if not is_ipfs_hash(image_hash):
            return None
        for suffix in _SUFFIXES:
            path = self.directory / f"{image_hash}{suffix}"
            if path.is_file():
                return path
        return None

    async def get(self, image_hash: str) -> Path | None:
        """The local file of an image, downloading it when missing.

        Returns None for a malformed hash (before it reaches a path or URL), for a
        hash that failed within ``retry_after``, and when the download fails. A
        caller that stops waiting (``asyncio.wait_for``) does not stop the download:
        others share it, and the image lands in the cache for the next toast.
        """
        if not is_ipfs_hash(image_hash):
            return None
        path = self.cached(image_hash)
        if path is not None:
            _touch(path)
            return path
        retry_at = self._failed.get(image_hash)
        if retry_at is not None:
            if self._clock() < retry_at:
                return None
            del self._failed[image_hash]
        task = self._inflight.get(image_hash)
        if task is None:
            if len(self._inflight) >= self._max_pending:
                # Not a failure of this image: a later toast may ask again.
                self.counters.dropped += 1
                log.debug(
                    "Image %s not fetched: %d downloads pending", image_hash, len(self._inflight)
                )
                return None
            task = asyncio.create_task(self._fetch(image_hash), name=f"thumbnail {image_hash}")
            self._inflight[image_hash] = task
            task.add_done_callback(lambda done: self._forget(image_hash, done))
        try:
            return await asyncio.shield(task)
        except asyncio.CancelledError:
            current = asyncio.current_task()
            if task.cancelled() and current is not None and not current.cancelling():
                return None
            raise

    def _forget(self, image_hash: str, task: asyncio.Task[Path | None]) -> None:
        if self._inflight.get(image_hash) is task:
            del self._inflight[image_hash]

    async def aclose(self) -> None:
        """Stop the downloads under way, for a clean shutdown of the loop."""
        tasks = list(self._inflight.values())
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    async def _fetch(self, image_hash: str) -> Path | None:
        """Download, check and store one image; never raises except when cancelled."""
        async with self._slots:
            try:
                async with asyncio.timeout(self._timeout):
                    data = await self._download(image_hash)
                    path = await asyncio.to_thread(self._store, image_hash, data)
                self.counters.stored += 1
                return path
            except _Rejected as exc:
                self.counters.rejected += 1
                log.warning("Image %s from the node is not used: %s", image_hash, exc)
            except _Unavailable as exc:
                self.counters.unavailable += 1
                log.debug("Image %s is not available from the node: %s", image_hash, exc)
            except (httpx.HTTPError, TimeoutError) as exc:
                # The exception's text can hold the URL; its type is enough to tell what happened.
                self.counters.failed += 1
                log.debug("Image %s could not be downloaded: %s", image_hash, type(exc).__name__)
            except OSError as exc:
                self.counters.failed += 1
                log.warning(
                    "Image %s could not be cached in %s: %s", image_hash, self.directory, exc
                )
            except Exception:
                self.counters.failed += 1
                log.exception("Image %s: unexpected failure", image_hash)
        self._remember_failure(image_hash)
        return None

    def _remember_failure(self, image_hash: str) -> None:
        now = self._clock()
        if len(self._failed) > 1000:
            self._failed = {h: t for h, t in self._failed.items() if t > now}
        self._failed[image_hash] = now + self._retry_after

    async def _download(self, image_hash: str) -> bytes:
        """The response body, refused as soon as it is known to be wrong or too large."""
        client = self._client if isinstance(self._client, httpx.AsyncClient) else self._client()
        async with client.stream(
            "GET",
            f"/ob/images/{image_hash}",
            # Raw bytes only: a compressed body could expand far past the size limit.
            headers={"Accept-Encoding": "identity"},
            timeout=httpx.Timeout(self._timeout),
            follow_redirects=False,
        ) as response:
            code = response.status_code
            if 300 <= code < 400:
                location = printable(response.headers.get("Location", ""), _LOCATION_CHARS)
                raise _Rejected(
                    f"a redirect (HTTP {code}) to {location or 'nowhere'}, not followed"
                )
            if code != 200:
                raise _Unavailable(f"HTTP {code}")
            encoding = response.headers.get("Content-Encoding", "identity").strip().lower()
            if encoding not in ("", "identity"):
                raise _Rejected(
                    f"unexpected Content-Encoding {printable(encoding, _LOCATION_CHARS)}"
                )
            length = response.headers.get("Content-Length", "")
            if length.isdigit() and int(length) > self._max_bytes:
                raise _Rejected(f"{int(length)} bytes is over the {self._max_bytes} byte limit")
            body = bytearray()
            async for chunk in response.aiter_raw(_CHUNK):
                body += chunk
                if len(body) > self._max_bytes:
                    raise _Rejected(f"more than the {self._max_bytes} byte limit")
            return bytes(body)

    def _store(self, image_hash: str, data: bytes) -> Path:
        """Check that ``data`` is a whole image and write it atomically; runs in a thread."""
        suffix, payload = _checked_image(data)
        path = self.directory / f"{image_hash}{suffix}"
        fd, partial = tempfile.mkstemp(prefix=_PARTIAL_PREFIX, suffix=suffix, dir=self.directory)
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(payload)
                file.flush()
                os.fsync(file.fileno())
            os.replace(partial, path)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
        self._stored += 1
        if self._stored % PRUNE_EVERY == 0:
            # An app left running for months prunes as it goes, not only when it starts.
            self._prune(self._max_cache_bytes)
        return path

    def _prune(self, max_cache_bytes: int) -> None:
        """Drop leftovers of interrupted writes, then the oldest images beyond the size bound.

        Only files this cache writes are touched, whatever else the folder holds.
        """
        images: list[tuple[float, int, Path]] = []
        try:
            entries = list(os.scandir(self.directory))
        except OSError as exc:
            log.warning("Cannot list the image cache %s: %s", self.directory, exc)
            return
        for entry in entries:
            path = Path(entry.path)
            try:
                if entry.name.startswith(_PARTIAL_PREFIX):
                    path.unlink(missing_ok=True)
                elif path.suffix in _SUFFIXES and is_ipfs_hash(path.stem) and entry.is_file():
                    stat = entry.stat()
                    images.append((stat.st_mtime, stat.st_size, path))
            except OSError as exc:
                log.debug("Image cache entry %s: %s", path, exc)
        total = sum(size for _, size, _ in images)
        for _, size, path in sorted(images, key=lambda item: item[0]):
            if total <= max_cache_bytes:
                break
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:
                log.debug("Cannot prune %s: %s", path, exc)
                continue
            total -= size


def _checked_image(data: bytes) -> tuple[str, bytes]:
    """The file suffix and bytes to store, or :class:`_Rejected` when ``data`` is no whole image.

    Only :data:`FORMATS` are parsed, and the size in the header is checked before
    anything is decoded. ``verify()`` checks structure but not that a JPEG is
    complete, so the image is also decoded in full; JPEG and PNG are kept as sent,
    GIF and WebP become PNG. Pillow is loaded with the first picture: an app that
    shows none never pays for it.
    """
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data), formats=FORMATS) as probe:
            image_format = probe.format or ""
            _check_size(probe)
            probe.verify()
        with Image.open(io.BytesIO(data), formats=FORMATS) as image:
            _check_size(image)
            image.load()
            suffix = _KEPT_FORMATS.get(image_format)
            if suffix is not None:
                return suffix, data
            converted = io.BytesIO()
            image.save(converted, format="PNG")
            return ".png", converted.getvalue()
    except _Rejected:
        raise
    except UnidentifiedImageError as exc:
        raise _Rejected(f"not a {', '.join(FORMATS)} image") from exc
    except (OSError, SyntaxError, ValueError, Image.DecompressionBombError) as exc:
        raise _Rejected(f"not a readable image ({type(exc).__name__})") from exc


def _check_size(image: PIL.Image.Image) -> None:
    width, height = image.size
    if width * height > MAX_PIXELS:
        raise _Rejected(f"{width}x{height} pixels is too large for a thumbnail")


def _touch(path: Path) -> None:
    """Mark a cache hit as recent, so pruning drops the least recently used images first."""
    with contextlib.suppress(OSError):
        os.utime(path)
