"""gotify-tray, the closest peer, beside obnotify: its install, a stand-in server and its process.

gotify-tray (PyQt6) watches one gotify server: a websocket at ``/stream`` and a few REST
calls (``/application``, ``/message``, ``/version``). The stand-in here answers those with an
empty server, enough for it to connect and sit idle, as obnotify sits idle on a quiet node.
gotify-tray is installed from PyPI into a virtualenv under the user's cache folder, outside
the project, the first time a benchmark asks for it.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final, Self

from aiohttp import WSMsgType, web
from harness import TrayProcess

if TYPE_CHECKING:
    from desktop_session import DesktopSession

__all__ = ["GOTIFY_TRAY", "GotifyServer", "GotifyTray", "install_gotify_tray"]

GOTIFY_TRAY: Final = "gotify-tray==0.5.3"
"""The release measured: the newest on PyPI."""
TOKEN: Final = "benchmark-client-token"
EMPTY_PAGE: Final = {"messages": [], "paging": {"size": 0, "since": 0, "limit": 100}}
INSTALL_TIMEOUT: Final = 600.0


def install_gotify_tray() -> Path:
    """The Python of a virtualenv with gotify-tray in it, made on first use.

    Raises:
        RuntimeError: pip could not install it (the message says why).
    """
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    venv = cache / "obnotify-bench" / GOTIFY_TRAY.replace("==", "-")
    python = venv / "bin" / "python"
    if python.exists() and (venv / "installed").exists():
        return python
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    pip = subprocess.run(
        [
            str(python),
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            GOTIFY_TRAY,
        ],
        capture_output=True,
        text=True,
        timeout=INSTALL_TIMEOUT,
        check=False,
    )
    if pip.returncode != 0:
        raise RuntimeError(f"pip install {GOTIFY_TRAY} failed: {pip.stderr.strip()[-500:]}")
    (venv / "installed").touch()
    return python


class GotifyServer:
    """An empty gotify server on loopback, in a thread of its own; a context manager.

    Attributes:
        url: Where it listens (``http://127.0.0.1:PORT``).
        streams: Websockets open on ``/stream`` now.
        requests: The paths asked for so far.
    """

    def __init__(self) -> None:
        self.url = ""
        self.streams = 0
        self.requests: list[str] = []
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, name="gotify-stand-in", daemon=True)

    def __enter__(self) -> Self:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("the gotify stand-in did not start")
        return self

    def __exit__(self, *exc: object) -> None:
        if self._runner is not None:
            asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._start())
        self._ready.set()
        self._loop.run_forever()

    async def _start(self) -> None:
        app = web.Application(middlewares=[self._authorized])
        app.router.add_get("/stream", self._stream)
        app.router.add_get(
            "/version", self._json({"version": "2.6.3", "commit": "", "buildDate": ""})
        )
        app.router.add_get("/health", self._json({"health": "green", "database": "green"}))
        app.router.add_get("/application", self._json([]))
        app.router.add_get("/message", self._json(EMPTY_PAGE))
        app.router.add_get("/application/{id}/message", self._json(EMPTY_PAGE))
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"

    @web.middleware
    async def _authorized(self, request: web.Request, handler: Any) -> web.StreamResponse:
        self.requests.append(request.path)
        token = request.query.get("token") or request.headers.get("X-Gotify-Key", "")
        if token != TOKEN:
            return web.json_response({"error": "Unauthorized", "errorCode": 401}, status=401)
        return await handler(request)

    @staticmethod
    def _json(body: object) -> Any:
        async def answer(request: web.Request) -> web.Response:
            return web.json_response(body)

        return answer

    async def _stream(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(heartbeat=45.0)
        await ws.prepare(request)
        self.streams += 1
        try:
            async for message in ws:
                if message.type == WSMsgType.ERROR:
                    break
        finally:
            self.streams -= 1
        return ws


class GotifyTray(TrayProcess):
    """gotify-tray watching ``server``, with its settings and temp folders under ``root``."""

    def __init__(self, session: DesktopSession, python: Path, root: Path, server: GotifyServer):
        config = root / "config"
        config.mkdir(parents=True, exist_ok=True)
        # QSettings("gotify-tray") with no application name: $XDG_CONFIG_HOME/gotify-tray.conf.
        (config / "gotify-tray.conf").write_text(
            f"[Server]\nurl={server.url}\nclient_token={TOKEN}\n", encoding="utf-8"
        )
        for folder in ("tmp", "data", "cache"):
            (root / folder).mkdir(exist_ok=True)
        env = {
            "XDG_CONFIG_HOME": str(config),
            "XDG_DATA_HOME": str(root / "data"),
            "XDG_CACHE_HOME": str(root / "cache"),
            "TMPDIR": str(root / "tmp"),
        }
        super().__init__(session, [str(python), "-m", "gotify_tray"], name="gotify-tray", env=env)
