"""A loopback HTTP server for the sample blogs, as a context manager.

    with DemoServer() as server:
        for blog in server.blogs:
            print(blog.name, blog.home_url, blog.feed_url)

All blogs share one server, each under its own path prefix /<slug>/ (so one host: per-host
limits of the fetcher apply to them together).  It behaves like a well-configured web server,
because the aggregator's fetch stage relies on that: ETag and Last-Modified on every answer,
304 for a matching If-None-Match or a not-older If-Modified-Since, gzip when asked for, 301 from
a directory path without its slash (and from WordPress's /?p=<id>), 404 otherwise.  It logs
nothing to stderr; `requests` records what clients asked, for tests.

`python -m aggregator.demo.server [PORT]` serves the blogs until Ctrl-C.
"""

from __future__ import annotations

import gzip
import hashlib
import sys
import threading
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from email.utils import format_datetime, parsedate_to_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

from .manifest import DemoBlog, DemoParade, load_blogs, load_parade, rebased
from .render import Files, Resource, render_site, substitute

NOT_FOUND = "<!DOCTYPE html>\n<title>404 Nicht gefunden</title>\n<h1>Nicht gefunden</h1>\n".encode()


@dataclass(frozen=True)
class Served:
    """A resource as sent: placeholders substituted, validators computed once."""

    resource: Resource
    body: bytes
    etag: str  # quoted, strong; weakened (W/) when the body goes out gzipped
    last_modified: str
    gzipped: bytes | None = None

    @classmethod
    def make(cls, resource: Resource, base_url: str) -> Served:
        body = substitute(resource.body, base_url) if resource.is_text else resource.body
        etag = '"' + hashlib.sha1(body).hexdigest()[:20] + '"'
        # mtime=0: the same bytes on every run, so the gzipped answer is reproducible too.
        packed = gzip.compress(body, mtime=0) if resource.is_text and body else None
        stamp = format_datetime(resource.modified.astimezone(timezone.utc), usegmt=True)
        return cls(resource, body, etag, stamp, packed)


@dataclass(frozen=True)
class RequestRecord:
    method: str
    path: str  # with the query string
    status: int
    headers: dict[str, str] = field(default_factory=dict)  # header names in lower case


def accepts_gzip(header: str | None) -> bool:
    """Accept-Encoding allows gzip (explicitly or by *) with a non-zero quality."""
    for part in (header or "").split(","):
        coding, _, params = part.strip().partition(";")
        if coding.strip().lower() not in ("gzip", "x-gzip", "*"):
            continue
        quality = params.strip().lower().removeprefix("q=")
        try:
            return not params.strip() or float(quality) > 0
        except ValueError:
            return False
    return False


def etag_matches(header: str, etag: str) -> bool:
    """If-None-Match uses the weak comparison: W/"x" matches "x" (RFC 9110 13.1.2)."""
    if header.strip() == "*":
        return True
    wanted = {tag.strip().removeprefix("W/") for tag in header.split(",")}
    return etag.removeprefix("W/") in wanted


def not_modified(headers, served: Served) -> bool:
    if (tags := headers.get("If-None-Match")) is not None:
        return etag_matches(tags, served.etag)  # when present, If-Modified-Since is ignored
    if (since := headers.get("If-Modified-Since")) is not None:
        try:
            moment = parsedate_to_datetime(since)
        except (TypeError, ValueError):
            return False
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=timezone.utc)
        return served.resource.modified.replace(microsecond=0) <= moment
    return False


class _Handler(BaseHTTPRequestHandler):
    server_version = "blogparade-demo/1.0"
    sys_version = ""
    protocol_version = "HTTP/1.1"  # keep-alive, as real servers; every answer has a length
    timeout = 15  # an idle keep-alive connection must not hold a thread forever
    demo: DemoServer  # set on the subclass each server makes

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the base's name
        pass  # quiet: tests and `blogparade demo` should not print access logs

    def do_GET(self) -> None:  # noqa: N802 - http.server's naming
        self._answer(send_body=True)

    def do_HEAD(self) -> None:  # noqa: N802
        self._answer(send_body=False)

    def _answer(self, send_body: bool) -> None:
        self._respond(send_body)

    def send_response(self, code: int, message: str | None = None) -> None:
        # Recorded before the answer leaves: a client that has its answer finds its request here.
        headers = {name.lower(): value for name, value in (self.headers or {}).items()}
        self.demo.requests.append(RequestRecord(self.command or "", self.path or "", code, headers))
        super().send_response(code, message)

    def _respond(self, send_body: bool) -> int:
        served, redirect_to = self.demo.lookup(self.path)
        if redirect_to is not None:
            self._send(301, b"", "text/html; charset=UTF-8", {"Location": redirect_to}, send_body)
            return 301
        if served is None:
            self._send(404, NOT_FOUND, "text/html; charset=UTF-8", {}, send_body)
            return 404
        validators = {"Last-Modified": served.last_modified}
        use_gzip = served.gzipped is not None and accepts_gzip(self.headers.get("Accept-Encoding"))
        # A gzipped body is a different representation: its ETag is the weak one, as nginx does.
        validators["ETag"] = "W/" + served.etag if use_gzip else served.etag
        if served.gzipped is not None:
            validators["Vary"] = "Accept-Encoding"
        if not_modified(self.headers, served):
            self.send_response(304)
            for name, value in validators.items():
                self.send_header(name, value)
            self.end_headers()
            return 304
        body = served.gzipped if use_gzip else served.body
        if use_gzip:
            validators["Content-Encoding"] = "gzip"
        self._send(200, body or b"", served.resource.content_type, validators, send_body)
        return 200

    def _send(self, status: int, body: bytes, content_type: str, headers: dict[str, str],
              send_body: bool) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            self.send_header(name, value)
        self.end_headers()
        if send_body:
            self.wfile.write(body)


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        # Clients that hang up (resets, timeouts of pooled connections) are normal, not news;
        # anything else is a bug in this module and still gets its traceback.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)


class DemoServer:
    """The sample blogs on http://host:port; port 0 picks a free one."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        self.host = host
        self.port = port
        self.requests: list[RequestRecord] = []
        self._files: Files = render_site()
        self._served: dict[str, Served] = {}
        self._httpd: _QuietServer | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self.base_url = ""
        self.blogs: list[DemoBlog] = load_blogs()
        self.parade: DemoParade = load_parade()

    # -- lifecycle --

    def start(self) -> DemoServer:
        if self._httpd is not None:
            return self
        handler = type("DemoHandler", (_Handler,), {"demo": self})
        self._httpd = _QuietServer((self.host, self.port), handler)
        self.port = self._httpd.server_address[1]
        self.base_url = f"http://{self.host}:{self.port}"
        self.blogs = rebased(self.blogs, self.base_url)
        self.parade = replace(self.parade, base_url=self.base_url,
                              expectations=tuple(replace(e, base_url=self.base_url)
                                                 for e in self.parade.expectations))
        self._served = {path: Served.make(r, self.base_url) for path, r in self._files.items()}
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="demo-blogs", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd is None:
            return
        self._httpd.shutdown()
        self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
        self._httpd = self._thread = None

    def __enter__(self) -> DemoServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    # -- what it serves --

    def url(self, path: str) -> str:
        return self.base_url + path

    @property
    def paths(self) -> list[str]:
        """Every path that answers 200."""
        return sorted(p for p, r in self._files.items() if r.status == 200)

    def blog(self, slug: str) -> DemoBlog:
        return next(blog for blog in self.blogs if blog.slug == slug)

    def put(self, path: str, body: bytes | str, content_type: str = "application/rss+xml; charset=utf-8",
            modified: datetime | None = None) -> None:
        """Serve other bytes at `path` from now on (tests: a feed that changed or broke)."""
        data = body.encode("utf-8") if isinstance(body, str) else body
        resource = Resource(data, content_type, modified or datetime.now(timezone.utc))
        with self._lock:
            self._files[path] = resource
            if self.base_url:
                self._served[path] = Served.make(resource, self.base_url)

    def remove(self, path: str) -> None:
        with self._lock:
            self._files.pop(path, None)
            self._served.pop(path, None)

    def lookup(self, target: str) -> tuple[Served | None, str | None]:
        """The answer for a request target: (resource, None), (None, redirect) or (None, None)."""
        parts = urlsplit(target)
        path = unquote(parts.path)
        query = f"?{parts.query}" if parts.query else ""
        # A few routes include their query (WordPress's /?p=<id>); others ignore it, as
        # WordPress ignores ?utm_source=… and Blogger ?showComment=….
        served = self._served.get(path + query) if query else None
        served = served or self._served.get(path)
        if served is not None:
            location = served.resource.location
            return (None, self._absolute(location)) if location else (served, None)
        if not path.endswith("/") and path + "/" in self._served:
            return None, self.base_url + path + "/" + query
        return None, None

    def _absolute(self, location: str) -> str:
        return substitute(location.encode(), self.base_url).decode()


def main(argv: list[str]) -> int:
    port = int(argv[0]) if argv else 8000
    with DemoServer(port=port) as server:
        print(f"Sample blogs at {server.base_url}/ (Ctrl-C stops)", flush=True)
        for blog in server.blogs:
            print(f"  {blog.name:<28} {blog.home_url:<45} {blog.feed_format}: {blog.feed_url}", flush=True)
        print(f"  Parade „{server.parade.title}“: {server.parade.call_url} "
              f"({server.parade.start} – {server.parade.end}, tag {server.parade.tag})", flush=True)
        try:
            threading.Event().wait()
        except KeyboardInterrupt:
            print()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
