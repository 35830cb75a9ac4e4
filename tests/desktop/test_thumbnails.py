"""The thumbnail cache against a real HTTP server on loopback playing the node's image endpoint."""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import os
import zlib
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Coroutine
from pathlib import Path
from typing import Any, TypeVar

import httpx
import pytest
from aiohttp import web
from PIL import EpsImagePlugin, Image
from waiting import scaled

from obnotify.core.ids import is_ipfs_hash
from obnotify.demo.cid import cid_v0
from obnotify.demo.node import SimNode
from obnotify.desktop.thumbnails import PRUNE_EVERY, ThumbnailCache, ThumbnailCounters
from obnotify.node.api import NodeApi
from obnotify.node.config import make_config

T = TypeVar("T")
Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

_B58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"


def fake_hash(seed: int) -> str:
    value = "Qm" + "".join(_B58[(seed * 7 + i * 13 + seed * i) % 58] for i in range(44))
    assert is_ipfs_hash(value)
    return value


GOOD, PNG, GIF, BIG, BIG_CHUNKED, HTML, TRUNCATED, SLOW, ERROR, MISSING = (
    fake_hash(n) for n in range(1, 11)
)


def picture(fmt: str, size: int = 240) -> bytes:
    buffer = io.BytesIO()
    image = Image.new("RGB", (size, size), (200, 80, 40))
    for x in range(0, size, 7):
        image.putpixel((x, x), (0, 0, 255))
    (image.convert("P") if fmt == "GIF" else image).save(buffer, format=fmt)
    return buffer.getvalue()


JPEG_BYTES = picture("JPEG")


class FakeNode:
    """``GET /ob/images/{hash}``, one behaviour per hash, counting requests."""

    def __init__(self) -> None:
        self.requests: Counter[str] = Counter()
        self.arrived = asyncio.Event()
        """Set when the slow endpoint has a request waiting."""
        self.release = asyncio.Event()
        """The slow endpoint answers once this is set."""
        self.auth: list[str] = []
        self.routes: dict[str, Handler] = {
            GOOD: self.image(JPEG_BYTES, "image/jpeg"),
            PNG: self.image(picture("PNG"), "image/png"),
            GIF: self.image(picture("GIF"), "image/gif"),
            BIG: self.image(b"\xff" * (6 * 1024 * 1024), "image/jpeg"),
            BIG_CHUNKED: self.chunked,
            HTML: self.image(b"<html><body>Log in first</body></html>" * 20, "image/jpeg"),
            TRUNCATED: self.image(JPEG_BYTES[: len(JPEG_BYTES) // 2], "image/jpeg"),
            SLOW: self.slow,
            ERROR: self.error,
        }

    @property
    def total(self) -> int:
        return sum(self.requests.values())

    async def handle(self, request: web.Request) -> web.StreamResponse:
        image_hash = request.match_info["hash"]
        self.requests[image_hash] += 1
        self.auth.append(request.headers.get("Authorization", ""))
        route = self.routes.get(image_hash)
        if route is None:
            return web.Response(status=404, text="not found")
        return await route(request)

    @staticmethod
    def image(body: bytes, content_type: str) -> Handler:
        async def handler(request: web.Request) -> web.StreamResponse:
            return web.Response(body=body, content_type=content_type)

        return handler

    async def chunked(self, request: web.Request) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "image/jpeg"})
        response.enable_chunked_encoding()
        await response.prepare(request)
        with contextlib.suppress(ConnectionError):
            for _ in range(6 * 16):
                await response.write(b"\xff" * 65536)
        return response

    async def slow(self, request: web.Request) -> web.StreamResponse:
        self.arrived.set()
        await self.release.wait()
        return web.Response(body=JPEG_BYTES, content_type="image/jpeg")

    async def error(self, request: web.Request) -> web.StreamResponse:
        return web.Response(status=500, text="ipfs: context deadline exceeded")


@contextlib.asynccontextmanager
async def serving(node: FakeNode) -> AsyncIterator[str]:
    """The fake node on a free loopback port; yields its base URL."""
    app = web.Application()
    app.router.add_get("/ob/images/{hash}", node.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        yield f"http://{host}:{port}"
    finally:
        node.release.set()
        await runner.cleanup()


@contextlib.asynccontextmanager
async def cache_for(
    node: FakeNode, directory: Path, **options: Any
) -> AsyncIterator[ThumbnailCache]:
    async with serving(node) as base_url:
        headers = {"Authorization": "Basic dXNlcjpzM2NyZXQ="}
        async with httpx.AsyncClient(base_url=base_url, headers=headers) as client:
            cache = ThumbnailCache(directory, client, **options)
            try:
                yield cache
            finally:
                await cache.aclose()


def run(coro: Coroutine[Any, Any, T]) -> T:
    """Run one scenario on a fresh loop, with an overall deadline."""

    async def bounded() -> T:
        return await asyncio.wait_for(coro, scaled(30))

    return asyncio.run(bounded())


def files(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


def test_good_jpeg_is_downloaded_once_and_kept(tmp_path: Path) -> None:
    async def scenario() -> None:
        node = FakeNode()
        async with cache_for(node, tmp_path) as cache:
            assert cache.cached(GOOD) is None
            path = await cache.get(GOOD)
            assert path == tmp_path / f"{GOOD}.jpg"
            assert path.read_bytes() == JPEG_BYTES
            with Image.open(path) as image:
                assert image.format == "JPEG"
            assert cache.cached(GOOD) == path
            assert await cache.get(GOOD) == path
            assert node.requests[GOOD] == 1
            assert node.auth == ["Basic dXNlcjpzM2NyZXQ="]
        async with cache_for(node, tmp_path) as fresh:
            assert await fresh.get(GOOD) == path
        assert node.requests[GOOD] == 1
        assert files(tmp_path) == [f"{GOOD}.jpg"]

    run(scenario())


def test_png_is_kept_and_other_formats_become_png(tmp_path: Path) -> None:
    async def scenario() -> None:
        node = FakeNode()
        async with cache_for(node, tmp_path) as cache:
            png = await cache.get(PNG)
            gif = await cache.get(GIF)
        assert png == tmp_path / f"{PNG}.png"
        assert gif == tmp_path / f"{GIF}.png"
        for path in (png, gif):
            with Image.open(path) as image:
                assert image.format == "PNG"
                assert image.size == (240, 240)

    run(scenario())


@pytest.mark.parametrize(
    "image_hash",
    [BIG, BIG_CHUNKED, HTML, TRUNCATED, ERROR, MISSING],
    ids=["6MB", "6MB-chunked", "html", "truncated-jpeg", "500", "404"],
)
def test_bad_answers_give_none_and_leave_nothing(tmp_path: Path, image_hash: str) -> None:
    async def scenario() -> None:
        node = FakeNode()
        async with cache_for(node, tmp_path) as cache:
            assert await cache.get(image_hash) is None
            assert cache.cached(image_hash) is None
            assert node.requests[image_hash] == 1
        assert files(tmp_path) == []

    run(scenario())


def test_a_declared_length_over_the_limit_is_refused_up_front(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="obnotify")

    async def scenario() -> None:
        node = FakeNode()
        async with cache_for(node, tmp_path) as cache:
            assert await cache.get(BIG) is None

    run(scenario())
    assert f"{6 * 1024 * 1024} bytes is over the" in caplog.text


def test_a_failed_hash_is_not_retried_for_a_while(tmp_path: Path) -> None:
    now = [1000.0]

    async def scenario() -> None:
        node = FakeNode()
        async with cache_for(node, tmp_path, retry_after=60.0, clock=lambda: now[0]) as cache:
            assert await cache.get(ERROR) is None
            for _ in range(5):
                assert await cache.get(ERROR) is None
            assert node.requests[ERROR] == 1
            now[0] += 59.0
            assert await cache.get(ERROR) is None
            assert node.requests[ERROR] == 1
            now[0] += 2.0
            assert await cache.get(ERROR) is None
            assert node.requests[ERROR] == 2
            assert await cache.get(GOOD) is not None

    run(scenario())


def test_concurrent_gets_share_one_download(tmp_path: Path) -> None:
    async def scenario() -> None:
        node = FakeNode()
        async with cache_for(node, tmp_path) as cache:
            waiters = [asyncio.create_task(cache.get(SLOW)) for _ in range(10)]
            await node.arrived.wait()
            node.release.set()
            paths = await asyncio.gather(*waiters)
            assert paths == [tmp_path / f"{SLOW}.jpg"] * 10
            assert node.requests[SLOW] == 1

    run(scenario())


def test_a_waiter_giving_up_does_not_stop_the_download(tmp_path: Path) -> None:
    async def scenario() -> None:
        node = FakeNode()
        async with cache_for(node, tmp_path) as cache:
            # The endpoint cannot answer before release, so the timeout always fires.
            with pytest.raises(TimeoutError):
                await asyncio.wait_for(cache.get(SLOW), 0.05)
            assert node.arrived.is_set()
            assert cache.cached(SLOW) is None
            node.release.set()
            assert await cache.get(SLOW) == tmp_path / f"{SLOW}.jpg"
            assert cache.cached(SLOW) == tmp_path / f"{SLOW}.jpg"
            assert node.requests[SLOW] == 1

    run(scenario())


def test_the_download_itself_has_a_deadline(tmp_path: Path) -> None:
    async def scenario() -> None:
        node = FakeNode()
        async with cache_for(node, tmp_path, timeout=scaled(0.2)) as cache:
            assert await cache.get(SLOW) is None
            assert await cache.get(SLOW) is None
            assert node.requests[SLOW] == 1
        assert files(tmp_path) == []

    run(scenario())


def test_closing_ends_downloads_under_way(tmp_path: Path) -> None:
    async def scenario() -> None:
        node = FakeNode()
        async with cache_for(node, tmp_path) as cache:
            waiter = asyncio.create_task(cache.get(SLOW))
            await node.arrived.wait()
            await cache.aclose()
            assert await waiter is None

    run(scenario())


@pytest.mark.parametrize(
    "bad",
    [
        "../etc/passwd",
        "Qm..?x",
        "",
        f"{GOOD}/../../x",
        f"{GOOD}?x=1",
        f"{GOOD}\n",
        f" {GOOD}",
        "%2e%2e%2fetc%2fpasswd",
        "Qm" + "0" * 44,
        GOOD[:-1],
    ],
)
def test_malformed_hashes_never_reach_the_server(tmp_path: Path, bad: str) -> None:
    async def scenario() -> None:
        node = FakeNode()
        async with cache_for(node, tmp_path) as cache:
            assert await cache.get(bad) is None
            assert cache.cached(bad) is None
        assert node.total == 0
        assert files(tmp_path) == []

    run(scenario())


def test_logs_carry_no_credentials(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG, logger="obnotify")

    async def scenario() -> None:
        node = FakeNode()
        async with serving(node) as base_url:
            url = base_url.replace("http://", "http://user:s3cret@")
            async with httpx.AsyncClient(base_url=url) as client:
                cache = ThumbnailCache(tmp_path, client, timeout=scaled(0.2))
                for image_hash in (ERROR, HTML, BIG, SLOW, MISSING):
                    assert await cache.get(image_hash) is None
                await cache.aclose()
            assert node.auth[0] == "Basic dXNlcjpzM2NyZXQ="

    run(scenario())
    ours = [r for r in caplog.records if r.name.startswith("obnotify")]
    assert len(ours) == 5
    text = "\n".join(r.getMessage() for r in ours)
    assert "s3cret" not in text
    assert "dXNlcjpzM2NyZXQ" not in text
    assert "127.0.0.1" not in text


def test_start_prunes_leftovers_and_the_oldest_images(tmp_path: Path) -> None:
    names = [f"{fake_hash(100 + i)}.jpg" for i in range(5)]
    for age, name in enumerate(names):
        path = tmp_path / name
        path.write_bytes(b"x" * 1000)
        os.utime(path, (1_000_000 + age, 1_000_000 + age))
    (tmp_path / ".part-abc.jpg").write_bytes(b"half")
    (tmp_path / "notes.txt").write_bytes(b"y" * 10_000)

    async def scenario() -> None:
        async with httpx.AsyncClient(base_url="http://127.0.0.1:9") as client:
            ThumbnailCache(tmp_path, client, max_cache_bytes=3000)

    run(scenario())
    assert files(tmp_path) == sorted([*names[2:], "notes.txt"])


def test_a_cache_left_open_prunes_as_it_goes(tmp_path: Path) -> None:
    node = FakeNode()
    hashes = [cid_v0(f"picture {i}".encode()) for i in range(PRUNE_EVERY)]
    for image_hash in hashes:
        node.routes[image_hash] = node.image(JPEG_BYTES, "image/jpeg")
    bound = len(JPEG_BYTES) * 10

    async def scenario() -> None:
        async with cache_for(node, tmp_path, max_cache_bytes=bound) as cache:
            for image_hash in hashes:
                assert await cache.get(image_hash) is not None

    run(scenario())
    kept = sum(p.stat().st_size for p in tmp_path.iterdir())
    assert kept <= bound
    assert (tmp_path / f"{hashes[-1]}.jpg").exists(), "the newest image stays"


EPS = (
    b"%!PS-Adobe-3.0 EPSF-3.0\n%%BoundingBox: 0 0 10 10\n%%EndComments\n"
    b"newpath 0 0 moveto 10 10 lineto stroke\nshowpage\n%%EOF\n"
)
"""A valid EPS: Pillow, left to guess the format, renders it by running Ghostscript."""


def png_header(width: int, height: int, rows: int) -> bytes:
    """A PNG claiming ``width`` x ``height`` pixels whose data holds ``rows`` rows of zeros:
    tiny on the wire, huge once decoded."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data).to_bytes(4, "big")
        return len(data).to_bytes(4, "big") + kind + data + crc

    ihdr = width.to_bytes(4, "big") + height.to_bytes(4, "big") + bytes([8, 2, 0, 0, 0])
    pixels = zlib.compress(b"\0" * ((width * 3 + 1) * rows), 9)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def test_pictures_that_are_not_thumbnails_start_no_program_and_are_not_decoded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """EPS is refused unparsed (no Ghostscript), oversized PNGs on their header alone."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    calls = tmp_path / "gs-calls"
    fake_gs = bin_dir / "gs"
    fake_gs.write_text(f'#!/bin/sh\necho "$@" >> {calls}\n')
    fake_gs.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    # Pillow looks for Ghostscript once per process; make it look again, and find the fake.
    monkeypatch.setattr(EpsImagePlugin, "gs_binary", None)
    caplog.set_level(logging.WARNING, logger="obnotify")

    async def scenario() -> tuple[list[str], list[Path | None], str, ThumbnailCounters]:
        node = SimNode(wallet_interval=None)
        hashes = [
            node.add_image(EPS),
            node.add_image(png_header(4000, 4000, 4000)),  # 16 Mpx, 48 MB decoded, 47 KB sent
            node.add_image(png_header(30000, 30000, 1)),
            node.add_image(png_header(1100, 1000, 1000)),  # just over the bound
        ]
        good = node.add_image(JPEG_BYTES)
        await node.start()
        api = NodeApi(make_config(node.url))
        cache = ThumbnailCache(tmp_path / "cache", api.pictures)
        try:
            got = [await cache.get(image_hash) for image_hash in hashes]
            assert await cache.get(good) == tmp_path / "cache" / f"{good}.jpg"
            return hashes, got, good, cache.counters
        finally:
            await cache.aclose()
            await api.aclose()
            await node.stop()

    hashes, got, good, counters = run(scenario())
    assert not calls.exists(), f"Ghostscript was run: {calls.read_text()}"
    assert got == [None] * len(hashes)
    assert counters == ThumbnailCounters(stored=1, rejected=len(hashes))
    assert files(tmp_path / "cache") == [f"{good}.jpg"]
    refused = {r.getMessage() for r in caplog.records if r.name.startswith("obnotify")}
    assert (
        f"Image {hashes[0]} from the node is not used: not a JPEG, PNG, GIF, WEBP image" in refused
    )
    assert (
        f"Image {hashes[1]} from the node is not used: 4000x4000 pixels is too large for a thumbnail"
        in refused
    )
    assert any(hashes[2] in message for message in refused)
    assert any(hashes[3] in message and "1100x1000" in message for message in refused)
