"""A real HTTP server on 127.0.0.1 that misbehaves on request, for tests of anything that fetches.

It speaks raw HTTP/1.1 over asyncio streams in a background thread, so a route can do what real
servers do and well-behaved frameworks never would: reset the connection, send less body than it
announced, trickle a byte a second, never answer, stream 500 MB, send a gzip bomb or junk.

    from tests.servers import FeedServer, feed_server  # importing the fixture makes it usable

    def test_something(feed_server):
        url = feed_server.url("/feed.xml")           # a normal RSS feed with ETag/Last-Modified
        feed_server.route("/feed.xml", status=500)   # ... now it fails (keyword form: respond())
        feed_server.route("/feed.xml", random_body(2000))  # ... now it answers junk
        feed_server.route("/x", sequence(respond(RSS), respond(status=500)))  # one per request
        assert feed_server.hits("/feed.xml") == 3
        assert feed_server.requests[-1].headers["user-agent"].startswith("blogparade/")

A route is an async callable taking a `Request` (see the behaviour factories below, or write one:
`async def handler(request): await request.send(200, {"Content-Type": "text/plain"}, b"hi")`).
`DEFAULT_ROUTES` lists the paths every server starts with; an unknown path answers 404.
The server can also run outside pytest: `with FeedServer() as server: ...`.
"""

from __future__ import annotations

import asyncio
import email.utils
import random
import socket
import struct
import threading
import zlib
from collections.abc import Awaitable, Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from http import HTTPStatus

import pytest

from aggregator.feeds.policy import NetworkPolicy

Handler = Callable[["Request"], Awaitable[None]]

KB = 1024
MB = 1024 * KB
GB = 1024 * MB

# ------------------------------------------------------------------------------ sample content

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:wfw="http://wellformedweb.org/CommentAPI/"
     xmlns:slash="http://purl.org/rss/1.0/modules/slash/">
<channel>
  <title>Testblog</title>
  <link>http://127.0.0.1/</link>
  <description>A blog for tests</description>
  <language>de</language>
  <item>
    <title>Erster Beitrag</title>
    <link>http://127.0.0.1/2024/erster-beitrag/</link>
    <guid isPermaLink="false">post-1</guid>
    <pubDate>Mon, 01 Jan 2024 10:00:00 +0000</pubDate>
    <description>&lt;p&gt;Hallo &lt;a href="/about"&gt;Welt&lt;/a&gt;&lt;/p&gt;</description>
    <wfw:commentRss>http://127.0.0.1/2024/erster-beitrag/feed/</wfw:commentRss>
    <slash:comments>2</slash:comments>
  </item>
  <item>
    <title>Zweiter Beitrag</title>
    <link>http://127.0.0.1/2024/zweiter-beitrag/</link>
    <guid isPermaLink="false">post-2</guid>
    <pubDate>Tue, 02 Jan 2024 10:00:00 +0000</pubDate>
    <description>Noch ein Beitrag.</description>
  </item>
</channel>
</rss>
"""

ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Atomblog</title>
  <id>urn:test:atomblog</id>
  <updated>2024-01-02T10:00:00Z</updated>
  <link href="http://127.0.0.1/"/>
  <entry>
    <title>Ein Eintrag</title>
    <id>urn:test:entry-1</id>
    <link href="http://127.0.0.1/eintrag-1"/>
    <updated>2024-01-02T10:00:00Z</updated>
    <content type="html">&lt;p&gt;Inhalt&lt;/p&gt;</content>
  </entry>
</feed>
"""

HTML = b"""<!doctype html>
<html lang="de"><head><meta charset="utf-8"><title>Testblog</title>
<link rel="alternate" type="application/rss+xml" title="Testblog" href="/feed.xml">
<link rel="alternate" type="application/atom+xml" title="Atom" href="/atom.xml">
</head><body><h1>Testblog</h1><p>Willkommen.</p></body></html>
"""

ETAG = '"v1"'
LAST_MODIFIED = "Mon, 01 Jan 2024 10:00:00 GMT"
RSS_TYPE = "application/rss+xml; charset=utf-8"
ATOM_TYPE = "application/atom+xml; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"

# ---------------------------------------------------------------------------------- requests


@dataclass
class Request:
    """One request as the server read it, and the means to answer it."""

    method: str
    target: str  # path and query as sent
    headers: dict[str, str]  # lower-cased names
    reader: asyncio.StreamReader = field(repr=False)
    writer: asyncio.StreamWriter = field(repr=False)
    keep_alive: bool = True  # handlers set False when they leave the connection unusable

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]

    async def send_head(self, status: int, headers: Mapping[str, str] | None = None) -> None:
        """Status line and headers; a reason phrase is made up from the status."""
        try:
            reason = HTTPStatus(status).phrase
        except ValueError:
            reason = "Whatever"
        lines = [f"HTTP/1.1 {status} {reason}"]
        lines += [f"{name}: {value}" for name, value in (headers or {}).items()]
        if not self.keep_alive:
            lines.append("Connection: close")
        self.writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        await self.writer.drain()

    async def send(
        self, status: int, headers: Mapping[str, str] | None = None, body: bytes = b""
    ) -> None:
        """A complete response with Content-Length (no body on HEAD and 1xx/204/304)."""
        headers = {**(headers or {})}
        if status not in (204, 304):
            headers.setdefault("Content-Length", str(len(body)))
        await self.send_head(status, headers)
        if self.method != "HEAD" and status not in (204, 304):
            self.writer.write(body)
            await self.writer.drain()

    async def stream(self, chunks: Iterable[bytes]) -> None:
        """Write chunks one by one, so a lazily generated body is never held whole."""
        for chunk in chunks:
            if self.writer.is_closing():
                return
            self.writer.write(chunk)
            await self.writer.drain()  # raises once the client has gone

    async def wait_for_client_to_leave(self) -> None:
        """Block until the client closes the connection (or the server stops)."""
        while await self.reader.read(64 * KB):
            pass
        self.keep_alive = False

    def reset(self) -> None:
        """Abort the connection with a TCP RST (SO_LINGER 0), as a crashing server does."""
        sock = self.writer.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.writer.transport.abort()
        self.keep_alive = False


@dataclass(frozen=True)
class Seen:
    """A request as recorded in `FeedServer.requests`."""

    method: str
    target: str
    headers: Mapping[str, str]
    body: bytes = b""  # what a POST sent (webhooks)
    client: str = ""  # the client's address and port: one per connection

    @property
    def path(self) -> str:
        return self.target.split("?", 1)[0]


# ------------------------------------------------------------------------------- behaviours


def respond(
    body: bytes = b"",
    status: int = 200,
    headers: Mapping[str, str] | None = None,
    *,
    content_type: str | None = RSS_TYPE,
    etag: str | None = None,
    last_modified: str | None = None,
    delay: float = 0.0,
) -> Handler:
    """A well-formed response; with `etag`/`last_modified` it answers a matching
    If-None-Match / If-Modified-Since with 304.  `delay` waits before answering."""

    async def handler(request: Request) -> None:
        if delay:
            await asyncio.sleep(delay)
        head = {"Content-Type": content_type} if content_type and body else {}
        head.update(headers or {})
        if etag:
            head["ETag"] = etag
        if last_modified:
            head["Last-Modified"] = last_modified
        if status == 200 and _not_modified(request, etag, last_modified):
            await request.send(304, {k: v for k, v in head.items() if k != "Content-Type"})
        else:
            await request.send(status, head, body)

    return handler


def route_documents(
    server: FeedServer, documents: Mapping[str, Mapping[str, tuple[bytes, str]]], *,
    kinds: Iterable[str] | None = None, headers: Mapping[str, str] | None = None,
    etags: bool = False,
) -> None:  # fmt: skip
    """Route a blog's feeds as tests/wordpress.py's Blog.documents() gives them ({kind: {path:
    (body, content type)}}): all, or those of `kinds`; each with `headers`, and with `etags` an
    ETag of its body (a matching If-None-Match gets 304).  A route set again replaces the old."""
    wanted = set(kinds) if kinds is not None else None
    for kind, paths in documents.items():
        if wanted is None or kind in wanted:
            for path, (body, content_type) in paths.items():
                server.route(path, respond(body, headers=headers, content_type=content_type,
                                           etag=f'"{hash(body)}"' if etags else None))  # fmt: skip


def _not_modified(request: Request, etag: str | None, last_modified: str | None) -> bool:
    if etag and "if-none-match" in request.headers:
        tags = [t.strip().removeprefix("W/") for t in request.headers["if-none-match"].split(",")]
        return etag.removeprefix("W/") in tags or "*" in tags
    since = request.headers.get("if-modified-since")
    if last_modified and since:
        try:
            changed = email.utils.parsedate_to_datetime(last_modified)
            return changed <= email.utils.parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
    return False


def status(code: int, body: bytes | None = None) -> Handler:
    """An error page with the given status (a short text body)."""
    text = body if body is not None else f"{code} {HTTPStatus(code).phrase}\n".encode()
    return respond(text, code, content_type="text/plain; charset=utf-8")


def redirect(location: str, code: int = 302) -> Handler:
    """A redirect; `location` may be relative, and need not be http."""
    return respond(b"", code, {"Location": location}, content_type=None)


def encoded(body: bytes, encoding: str = "gzip", content_type: str = RSS_TYPE) -> Handler:
    """`body` compressed: "gzip", "deflate" (zlib-wrapped), "raw-deflate" (sent as "deflate")."""
    wbits = {"gzip": 31, "deflate": 15, "raw-deflate": -15}[encoding]
    compressor = zlib.compressobj(6, zlib.DEFLATED, wbits)
    data = compressor.compress(body) + compressor.flush()
    name = "deflate" if encoding == "raw-deflate" else encoding
    return respond(data, headers={"Content-Encoding": name}, content_type=content_type)


def corrupt_gzip(body: bytes = RSS) -> Handler:
    """A gzip body with its compressed data garbled: no decoder can read it."""
    data = bytearray(_gzip(body * 4))
    for i in range(12, len(data) - 8, 7):
        data[i] ^= 0x5A
    return respond(bytes(data), headers={"Content-Encoding": "gzip"})


def _gzip(data: bytes) -> bytes:
    compressor = zlib.compressobj(6, zlib.DEFLATED, 31)
    return compressor.compress(data) + compressor.flush()


def reset(after: bytes = b"") -> Handler:
    """Write `after` (e.g. a status line and half the headers), then reset the connection."""

    async def handler(request: Request) -> None:
        if after:
            request.writer.write(after)
            await request.writer.drain()
            await asyncio.sleep(0.05)  # let the bytes leave before the RST overtakes them
        request.reset()

    return handler


def hang_up() -> Handler:
    """Close the connection cleanly without answering (a server that drops the request)."""

    async def handler(request: Request) -> None:
        request.keep_alive = False

    return handler


def truncated(body: bytes = RSS, declared: int | None = None) -> Handler:
    """Announce `declared` bytes (default: twice the body), send `body`, close."""

    async def handler(request: Request) -> None:
        request.keep_alive = False
        length = declared if declared is not None else 2 * len(body)
        await request.send_head(200, {"Content-Type": RSS_TYPE, "Content-Length": str(length)})
        await request.stream([body])

    return handler


def trickle(body: bytes = RSS, interval: float = 1.0, chunk: int = 1) -> Handler:
    """Send `chunk` bytes every `interval` seconds (Content-Length announced honestly)."""

    async def handler(request: Request) -> None:
        await request.send_head(200, {"Content-Type": RSS_TYPE, "Content-Length": str(len(body))})
        for start in range(0, len(body), chunk):
            await request.stream([body[start : start + chunk]])
            await asyncio.sleep(interval)

    return handler


def stall(headers: bool = False, content_length: int = 10_000) -> Handler:
    """Never answer; with `headers=True`, send the headers and then never the body."""

    async def handler(request: Request) -> None:
        if headers:
            head = {"Content-Type": RSS_TYPE, "Content-Length": str(content_length)}
            await request.send_head(200, head)
        await request.wait_for_client_to_leave()

    return handler


def huge(size: int = 500 * MB, *, content_length: bool = False, chunk: int = 64 * KB) -> Handler:
    """`size` bytes of an endless RSS-looking body, generated chunk by chunk, never held whole.
    Without `content_length` the size is not announced: the body ends when the connection does."""

    async def handler(request: Request) -> None:
        request.keep_alive = False
        head = {"Content-Type": RSS_TYPE}
        if content_length:
            head["Content-Length"] = str(size)
        await request.send_head(200, head)
        await request.stream(_repeat(b"<item><title>x</title></item>\n" * (chunk // 30), size))

    return handler


def _repeat(block: bytes, size: int) -> Iterator[bytes]:
    sent = 0
    while sent < size:
        piece = block[: size - sent]
        sent += len(piece)
        yield piece


def gzip_bomb(size: int = 10 * GB, *, content_length: bool = True) -> Handler:
    """A valid gzip stream of `size` zero bytes (rounded up to MB), about 1/1000 as large.

    One megabyte of zeros is compressed once and flushed with Z_FULL_FLUSH, which byte-aligns the
    stream and forgets the history, so that block can be repeated: the bomb is streamed from a 1 KB
    block and a running CRC, never built.  `content_length` announces the (small) compressed
    size; without it the body ends when the connection does."""
    blocks = -(-size // MB)
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(MB)) + compressor.flush(zlib.Z_FULL_FLUSH)
    end = compressor.flush()
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    total = len(header) + blocks * len(block) + len(end) + 8

    def chunks() -> Iterator[bytes]:
        yield header
        crc, zeros = 0, bytes(MB)
        for _ in range(blocks):
            crc = zlib.crc32(zeros, crc)
            yield block
        yield end + struct.pack("<II", crc, (blocks * MB) & 0xFFFFFFFF)

    async def handler(request: Request) -> None:
        head = {"Content-Type": RSS_TYPE, "Content-Encoding": "gzip"}
        if content_length:
            head["Content-Length"] = str(total)
        else:
            request.keep_alive = False
        await request.send_head(200, head)
        await request.stream(chunks())

    return handler


def raw(data: bytes) -> Handler:
    """Write `data` instead of a response (not HTTP at all), then close."""

    async def handler(request: Request) -> None:
        request.keep_alive = False
        await request.stream([data])

    return handler


def random_body(size: int = 4096, seed: int = 1) -> Handler:
    """200 with `size` random bytes, labelled as a feed."""
    return respond(random.Random(seed).randbytes(size))


def sequence(*handlers: Handler) -> Handler:
    """One handler per request in turn; the last one answers all later requests."""
    calls = iter(range(1 << 62))

    async def handler(request: Request) -> None:
        await handlers[min(next(calls), len(handlers) - 1)](request)

    return handler


def not_found() -> Handler:
    return status(404)


def default_routes() -> dict[str, Handler]:
    """What a fresh server answers (each call builds new handlers: sequences start afresh)."""
    return {
        "/feed.xml": respond(RSS, etag=ETAG, last_modified=LAST_MODIFIED),
        "/atom.xml": respond(ATOM, content_type=ATOM_TYPE, etag=ETAG),
        "/page.html": respond(HTML, content_type=HTML_TYPE),
        "/gzip-feed.xml": encoded(RSS, "gzip"),
        "/deflate-feed.xml": encoded(RSS, "deflate"),
        "/raw-deflate-feed.xml": encoded(RSS, "raw-deflate"),
        "/corrupt-gzip": corrupt_gzip(),
        "/500": status(500),
        "/404": status(404),
        "/410": status(410),
        "/429": respond(b"slow down\n", 429, {"Retry-After": "120"}, content_type="text/plain"),
        "/reset": reset(),
        "/reset-mid-body": reset(b"HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n<rss>"),
        "/hang-up": hang_up(),
        "/truncated": truncated(),
        "/trickle": trickle(),
        "/stall": stall(),
        "/stall-body": stall(headers=True),
        "/huge": huge(),
        "/huge-announced": huge(content_length=True),
        "/gzip-bomb": gzip_bomb(),
        "/gzip-bomb-unannounced": gzip_bomb(content_length=False),
        "/loop": redirect("/loop-2", 302),
        "/loop-2": redirect("/loop", 302),
        "/self-loop": redirect("/self-loop", 301),
        "/redirect-chain": redirect("/redirect-2", 301),
        "/redirect-2": redirect("/feed.xml", 302),
        "/moved": redirect("/moved-2", 301),
        "/moved-2": redirect("/feed.xml", 308),
        "/to-ftp": redirect("ftp://127.0.0.1/feed.xml", 301),
        "/empty": respond(b""),
        "/random": random_body(),
        "/garbage": raw(b"SSH-2.0-OpenSSH_9.6\r\n\x00\x01\x02 not http at all\r\n\r\n"),
    }


# ------------------------------------------------------------------------------------ server


class FeedServer:
    """The server: `start()`/`stop()` or `with`; routes can change while it runs."""

    def __init__(
        self, routes: Mapping[str, Handler] | None = None, *, defaults: bool = True,
        host: str = "127.0.0.1",
    ) -> None:  # fmt: skip
        self.host = host  # any loopback address: 127.0.0.2, ::1 (where hosts matter)
        self.routes: dict[str, Handler] = default_routes() if defaults else {}
        self.routes.update(routes or {})
        self.requests: list[Seen] = []
        self.port = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(
            target=self._loop.run_forever, name="FeedServer", daemon=True
        )
        self._server: asyncio.AbstractServer | None = None
        self._connections: set[asyncio.Task[None]] = set()

    # -- use

    def url(self, path: str = "/") -> str:
        return f"{self.base_url}{path}"

    @property
    def base_url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    def route(self, path: str, handler: Handler | None = None, /, **respond_args: object) -> str:
        """Set what `path` answers: a handler, or `respond(**respond_args)`.  Returns its URL."""
        if handler is None:
            handler = respond(**respond_args)  # type: ignore[arg-type]
        self.routes[path] = handler
        return self.url(path)

    def hits(self, path: str) -> int:
        return sum(1 for seen in self.requests if seen.path == path)

    # -- lifetime

    def start(self) -> FeedServer:
        self._thread.start()
        self._server = asyncio.run_coroutine_threadsafe(self._listen(), self._loop).result(10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        if self._server is not None:
            asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop).result(10)
            self._server = None
        if self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(10)
        self._loop.close()

    def __enter__(self) -> FeedServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    async def _listen(self) -> asyncio.AbstractServer:
        return await asyncio.start_server(self._on_connection, self.host, 0)

    async def _shutdown(self) -> None:
        assert self._server is not None
        self._server.close()
        for task in list(self._connections):
            task.cancel()
        await asyncio.gather(*self._connections, return_exceptions=True)
        await self._server.wait_closed()

    # -- serving

    async def _on_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._connections.add(task)
        try:
            while await self._serve_one(reader, writer):
                pass
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, OSError):
            pass  # the client went away: exactly what many of these routes provoke
        except asyncio.CancelledError:
            pass  # stop() ends connections still open; ending quietly is the point
        finally:
            self._connections.discard(task)
            writer.close()

    async def _serve_one(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> bool:
        """Read one request, let its route answer; whether the connection can carry another."""
        head = await reader.readuntil(b"\r\n\r\n")
        request_line, *header_lines = head.decode("latin-1").split("\r\n")
        method, target, _version = request_line.split(" ", 2)
        headers: dict[str, str] = {}
        for line in header_lines:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        body = b""
        if int(headers.get("content-length", "0") or 0):
            body = await reader.readexactly(int(headers["content-length"]))
        request = Request(method, target, headers, reader, writer)
        request.keep_alive = headers.get("connection", "").lower() != "close"
        peer = writer.get_extra_info("peername")
        client = f"{peer[0]}:{peer[1]}" if peer else ""
        self.requests.append(Seen(method, target, dict(headers), body, client))
        handler = self.routes.get(target) or self.routes.get(request.path) or not_found()
        await handler(request)
        return request.keep_alive and not writer.is_closing()


class Blackhole:
    """A port on 127.0.0.1 where TCP connects hang: a listening socket whose accept queue is full
    and never drained, so the kernel drops further SYNs (what a firewalled host looks like).

        with Blackhole() as url: ...  # fetching `url` must end by the connect timeout
    """

    def __init__(self) -> None:
        self._listener = socket.socket()
        self._fillers: list[socket.socket] = []

    def __enter__(self) -> str:
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(0)
        address = self._listener.getsockname()
        for _ in range(4):  # fill the queue (its length is backlog + 1 on Linux)
            filler = socket.socket()
            filler.setblocking(False)
            filler.connect_ex(address)
            self._fillers.append(filler)
        return f"http://{address[0]}:{address[1]}/feed.xml"

    def __exit__(self, *exc_info: object) -> None:
        for sock in [*self._fillers, self._listener]:
            sock.close()


@pytest.fixture
def feed_server() -> Iterator[FeedServer]:
    """A started `FeedServer` with the default routes, stopped after the test."""
    with FeedServer() as server:
        yield server


# These servers listen on loopback, which the network policy refuses unless allowed explicitly.
LOOPBACK_NETWORKS = ["127.0.0.0/8", "::1/128"]
LOOPBACK_POLICY = NetworkPolicy.from_setting(LOOPBACK_NETWORKS)
