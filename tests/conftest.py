"""Shared fixtures: a real HTTP server on 127.0.0.1 serving feeds that change between runs."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from werkzeug import Request, Response

CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


@dataclass
class Route:
    body: bytes = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    conditional: bool = True  # send an ETag and answer If-None-Match with 304


class FeedServer:
    """Paths of a real loopback server whose answers a test sets and changes between runs."""

    def __init__(self, httpserver):
        self.httpserver = httpserver
        self.routes: dict[str, Route] = {}
        self.requests: list[Request] = []
        httpserver.expect_request(re.compile(".*")).respond_with_handler(self._handle)

    def url(self, path: str) -> str:
        return self.httpserver.url_for(path)

    def set(self, path: str, body: str | bytes = b"", status: int = 200,
            content_type: str = "application/rss+xml; charset=utf-8", **options) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        headers = {"Content-Type": content_type, **options.pop("headers", {})}
        self.routes[path] = Route(data, status, headers, **options)
        return self.url(path)

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def _handle(self, request: Request) -> Response:
        self.requests.append(request)
        route = self.routes.get(request.path)
        if route is None:
            return Response("not found", status=404)
        headers = dict(route.headers)
        if route.conditional and route.status == 200:
            etag = '"' + hashlib.sha1(route.body).hexdigest()[:12] + '"'
            headers["ETag"] = etag
            if request.headers.get("If-None-Match") == etag:
                return Response(status=304, headers={"ETag": etag})
        return Response(route.body, status=route.status, headers=headers)


@pytest.fixture
def feeds(httpserver) -> FeedServer:
    return FeedServer(httpserver)


@pytest.fixture
def corpus() -> Path:
    if not CORPUS.is_dir():
        pytest.skip(f"the shared test corpus is not at {CORPUS} (only in the project's workspace)")
    return CORPUS
