"""Real servers an intranet has, on loopback, for the tests of issue 12: an HTTPS blog signed by
a throw-away company CA (trustme), one that wants a client certificate, and a forward proxy that
speaks HTTP and CONNECT and remembers every request it carried.

    with CompanyCA() as ca, TLSFeedServer(ca.server_context()) as blog, ForwardProxy() as proxy:
        os.environ["HTTPS_PROXY"] = proxy.url
        ... fetch blog.url("/feed.xml") ...
        assert proxy.saw("CONNECT", f"127.0.0.1:{blog.port}")
"""

from __future__ import annotations

import asyncio
import base64
import ssl
import threading
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import trustme

from tests.servers import FeedServer, Handler


class CompanyCA:
    """A throw-away CA with a server certificate for loopback names, written to `folder`."""

    def __init__(self, folder: Path, hosts: tuple[str, ...] = ("localhost", "127.0.0.1", "::1")):
        self.ca = trustme.CA(organization_name="Beispiel AG Intranet CA")
        self.folder = folder
        self.hosts = hosts
        self.server_cert = self.ca.issue_cert(*hosts)
        self.bundle = folder / "company-ca.pem"  # what BLOGPARADE_CA_BUNDLE names
        self.ca.cert_pem.write_to_path(str(self.bundle))

    def server_context(self, *, client_ca: CompanyCA | None = None) -> ssl.SSLContext:
        """The server's side; with `client_ca`, it asks for a certificate that CA signed."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self.server_cert.configure_cert(context)
        if client_ca is not None:
            context.verify_mode = ssl.CERT_REQUIRED
            client_ca.ca.configure_trust(context)
        return context

    def client_certificate(self, name: str = "blogparade@beispiel.example") -> tuple[Path, Path]:
        """A client certificate signed by this CA: (certificate file, key file)."""
        issued = self.ca.issue_cert(name)
        cert, key = self.folder / "client.pem", self.folder / "client.key"
        for blob in issued.cert_chain_pems:
            blob.write_to_path(str(cert), append=cert.exists())
        issued.private_key_pem.write_to_path(str(key))
        return cert, key


class WatchedFeedServer(FeedServer):
    """The FeedServer, remembering where each connection came from (`peers`): a connection
    through the proxy comes from one of the proxy's own sockets (`ForwardProxy.upstream`)."""

    def __init__(self, routes: Mapping[str, Handler] | None = None, *, host: str = "127.0.0.1",
                 defaults: bool = True, name: str | None = None) -> None:
        super().__init__(routes, host=host, defaults=defaults)
        self.peers: list[tuple[str, int]] = []
        self.name = name or host  # the host name URLs use

    @property
    def base_url(self) -> str:
        host = f"[{self.name}]" if ":" in self.name else self.name
        return f"{self.scheme}://{host}:{self.port}"

    scheme = "http"

    async def _on_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        peer = writer.get_extra_info("peername")
        if peer:
            self.peers.append((peer[0], peer[1]))
        await super()._on_connection(reader, writer)


class TLSFeedServer(WatchedFeedServer):
    """The misbehaving FeedServer, over TLS with the given server context."""

    scheme = "https"

    def __init__(self, context: ssl.SSLContext, routes: Mapping[str, Handler] | None = None, *,
                 host: str = "127.0.0.1", defaults: bool = True, name: str | None = None) -> None:
        super().__init__(routes, host=host, defaults=defaults, name=name)
        self.context = context

    async def _listen(self) -> asyncio.AbstractServer:
        return await asyncio.start_server(self._on_connection, self.host, 0, ssl=self.context)


@dataclass(frozen=True)
class Carried:
    """A request as the proxy got it: CONNECT host:port, or GET http://host:port/path."""

    method: str
    target: str
    headers: Mapping[str, str] = field(default_factory=dict)


class ForwardProxy:
    """A small real forward proxy on 127.0.0.1: absolute-form HTTP requests are forwarded (one
    per connection), CONNECT opens a tunnel.  With `login=("user", "password")` it answers 407
    to requests without that Proxy-Authorization.  `carried` lists what it got."""

    def __init__(self, login: tuple[str, str] | None = None) -> None:
        self.carried: list[Carried] = []
        self.upstream: list[tuple[str, int]] = []  # the proxy's own sockets towards the targets
        self.port = 0
        self._login = (
            "Basic " + base64.b64encode(f"{login[0]}:{login[1]}".encode()).decode() if login else None
        )
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, name="ForwardProxy",
                                        daemon=True)
        self._server: asyncio.AbstractServer | None = None
        self._tasks: set[asyncio.Task[None]] = set()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def saw(self, method: str, target_part: str) -> bool:
        return any(c.method == method and target_part in c.target for c in self.carried)

    def __enter__(self) -> ForwardProxy:
        self._thread.start()
        future = asyncio.run_coroutine_threadsafe(
            asyncio.start_server(self._on_connection, "127.0.0.1", 0), self._loop
        )
        self._server = future.result(10)
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc_info: object) -> None:
        async def shutdown() -> None:
            assert self._server is not None
            self._server.close()
            for task in list(self._tasks):
                task.cancel()
            await asyncio.gather(*self._tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def _remember(self, writer: asyncio.StreamWriter) -> None:
        own = writer.get_extra_info("sockname")
        self.upstream.append((own[0], own[1]))

    async def _on_connection(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        assert task is not None
        self._tasks.add(task)
        try:
            await self._serve(reader, writer)
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError, OSError):
            pass
        finally:
            self._tasks.discard(task)
            writer.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        head = await reader.readuntil(b"\r\n\r\n")
        request_line, *lines = head.decode("latin-1").split("\r\n")
        method, target, version = request_line.split(" ", 2)
        headers = {}
        for line in lines:
            if ":" in line:
                name, value = line.split(":", 1)
                headers[name.strip().lower()] = value.strip()
        self.carried.append(Carried(method, target, headers))
        if self._login and headers.get("proxy-authorization") != self._login:
            writer.write(b"HTTP/1.1 407 Proxy Authentication Required\r\n"
                         b'Proxy-Authenticate: Basic realm="proxy"\r\nContent-Length: 0\r\n'
                         b"Connection: close\r\n\r\n")
            await writer.drain()
            return
        if method == "CONNECT":
            await self._tunnel(target, reader, writer)
        else:
            await self._forward(method, target, headers, reader, writer)

    async def _tunnel(self, target: str, reader: asyncio.StreamReader,
                      writer: asyncio.StreamWriter) -> None:
        host, _, port = target.rpartition(":")
        try:
            up_reader, up_writer = await asyncio.open_connection(host.strip("[]"), int(port))
            self._remember(up_writer)
        except OSError:
            writer.write(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")
            await writer.drain()
            return
        writer.write(b"HTTP/1.1 200 Connection established\r\n\r\n")
        await writer.drain()
        await asyncio.gather(_pipe(reader, up_writer), _pipe(up_reader, writer),
                             return_exceptions=True)

    async def _forward(self, method: str, target: str, headers: dict[str, str],
                       reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if not target.startswith("http://"):
            writer.write(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
            await writer.drain()
            return
        rest = target[len("http://"):]
        authority, _, path = rest.partition("/")
        host, _, port = authority.rpartition(":") if authority.count(":") else (authority, "", "80")
        up_reader, up_writer = await asyncio.open_connection(host.strip("[]"), int(port or 80))
        self._remember(up_writer)
        forwarded = {k: v for k, v in headers.items()
                     if k not in ("proxy-authorization", "proxy-connection", "connection")}
        forwarded["connection"] = "close"
        lines = [f"{method} /{path} HTTP/1.1"] + [f"{k}: {v}" for k, v in forwarded.items()]
        up_writer.write(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1"))
        await up_writer.drain()
        answer = await up_reader.read()  # the origin closes: we asked it to
        up_writer.close()
        head, _, body = answer.partition(b"\r\n\r\n")
        kept = [line for line in head.split(b"\r\n")
                if not line.lower().startswith((b"connection:", b"keep-alive:"))]
        writer.write(b"\r\n".join(kept + [b"Connection: close"]) + b"\r\n\r\n" + body)
        await writer.drain()


async def _pipe(source: asyncio.StreamReader, sink: asyncio.StreamWriter) -> None:
    try:
        while data := await source.read(64 * 1024):
            sink.write(data)
            await sink.drain()
    finally:
        sink.close()
