"""Headless Chromium through the DevTools protocol: which requests a page makes.

No browser download and no new dependency: Debian's `chromium` (`apt-get install chromium`, as
.ci/run does), started with a fresh profile and no background networking, driven over its
DevTools websocket with aiohttp (already a dependency).  Tests skip with the reason where there
is no Chromium.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from typing import Any

import aiohttp

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "chrome")
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--no-first-run", "--no-default-browser-check",
         "--disable-dev-shm-usage", "--mute-audio")  # fmt: skip


def chromium_path() -> str | None:
    return next((path for name in CANDIDATES if (path := shutil.which(name))), None)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class PageLoad:
    url: str
    requests: list[str] = field(default_factory=list)  # every URL the page asked for
    statuses: dict[str, int] = field(default_factory=dict)  # URL -> HTTP status


class Chromium:
    """One headless browser for a test: `with Chromium() as browser: browser.load(url)`."""

    def __init__(self) -> None:
        path = chromium_path()
        if path is None:
            raise FileNotFoundError("no chromium on PATH")
        self.port = _free_port()
        # Chromium's helper processes may still write there as it exits: cleaning up is best effort.
        self.profile = tempfile.TemporaryDirectory(prefix="blogparade-chromium-", ignore_cleanup_errors=True)
        self.process = subprocess.Popen(
            [path, *FLAGS, f"--user-data-dir={self.profile.name}",
             f"--remote-debugging-port={self.port}", "about:blank"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip

    def __enter__(self) -> Chromium:
        return self

    def __exit__(self, *exc: object) -> None:
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
        self.profile.cleanup()

    def load_all(self, urls: list[str], settle: float = 0.3, timeout: float = 30.0) -> list[PageLoad]:
        return asyncio.run(self._load_all(urls, settle, timeout))

    async def _load_all(self, urls: list[str], settle: float, timeout: float) -> list[PageLoad]:
        async with aiohttp.ClientSession() as session:
            socket_url = await self._browser_socket(session)
            async with session.ws_connect(socket_url, max_msg_size=0) as ws:
                client = _Client(ws)
                reader = asyncio.create_task(client.read())
                try:
                    return [await client.load(url, settle, timeout) for url in urls]
                finally:
                    reader.cancel()

    async def _browser_socket(self, session: aiohttp.ClientSession) -> str:
        deadline = time.monotonic() + 30
        while True:
            try:
                async with session.get(f"http://127.0.0.1:{self.port}/json/version") as response:
                    return (await response.json())["webSocketDebuggerUrl"]
            except (aiohttp.ClientError, OSError):
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError("chromium did not open its DevTools port") from None
                await asyncio.sleep(0.1)


class _Client:
    def __init__(self, ws: aiohttp.ClientWebSocketResponse) -> None:
        self.ws = ws
        self.next_id = 0
        self.waiting: dict[int, asyncio.Future[dict[str, Any]]] = {}
        self.events: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def read(self) -> None:
        async for message in self.ws:
            data = json.loads(message.data)
            if "id" in data and data["id"] in self.waiting:
                self.waiting.pop(data["id"]).set_result(data)
            else:
                await self.events.put(data)

    async def call(self, method: str, params: dict[str, Any] | None = None,
                   session: str | None = None) -> dict[str, Any]:  # fmt: skip
        self.next_id += 1
        future = asyncio.get_running_loop().create_future()
        self.waiting[self.next_id] = future
        message: dict[str, Any] = {"id": self.next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        await self.ws.send_str(json.dumps(message))
        answer = await asyncio.wait_for(future, 30)
        if "error" in answer:
            raise RuntimeError(f"{method}: {answer['error']}")
        return answer.get("result", {})

    async def load(self, url: str, settle: float, timeout: float) -> PageLoad:
        target = (await self.call("Target.createTarget", {"url": "about:blank"}))["targetId"]
        session = (await self.call("Target.attachToTarget", {"targetId": target, "flatten": True}))["sessionId"]
        while not self.events.empty():
            self.events.get_nowait()
        await self.call("Network.enable", session=session)
        await self.call("Page.enable", session=session)
        await self.call("Page.navigate", {"url": url}, session=session)
        load = PageLoad(url)
        loaded_at: float | None = None
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if loaded_at is not None and time.monotonic() - loaded_at > settle:
                break
            try:
                event = await asyncio.wait_for(self.events.get(), 0.1)
            except TimeoutError:
                continue
            if event.get("sessionId") != session:
                continue
            method, params = event.get("method"), event.get("params", {})
            if method == "Network.requestWillBeSent":
                load.requests.append(params["request"]["url"])
            elif method == "Network.responseReceived":
                load.statuses[params["response"]["url"]] = params["response"]["status"]
            elif method == "Page.loadEventFired":
                loaded_at = time.monotonic()
        await self.call("Target.closeTarget", {"targetId": target})
        return load
