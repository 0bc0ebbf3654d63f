"""fetch against a real, misbehaving HTTP server on 127.0.0.1 (tests/servers.py); no mocks."""

from __future__ import annotations

import asyncio
import gc
import itertools
import resource
import socket
import subprocess
import sys
import time
import tracemalloc
import zlib
from pathlib import Path

import pytest

from aggregator.feeds.fetch import (
    ACCEPT_ENCODING,
    FEED_ACCEPT,
    HTML_ACCEPT,
    Fetcher,
    FetchSettings,
    fetch_one,
)
from aggregator.models import Conditional, ErrorKind, FetchResult
from aggregator.site import DEFAULTS, Site
from tests.servers import (
    ETAG,
    HTML,
    LAST_MODIFIED,
    LOOPBACK_POLICY,
    MB,
    RSS,
    RSS_TYPE,
    Blackhole,
    FeedServer,
    Request,
    encoded,
    feed_server,  # noqa: F401 - the fixture
    gzip_bomb,
    huge,
    random_body,
    redirect,
    respond,
    sequence,
    status,
    trickle,
)


def settings(**overrides: object) -> FetchSettings:
    """Small limits so that broken servers cost a second, not a minute."""
    values: dict[str, object] = {
        "user_agent": "blogparade/test (+http://example.org/)",
        "timeout": 2.0,
        "connect_timeout": 1.0,
        "max_bytes": 1 * MB,
        "per_host": 16,
        "policy": LOOPBACK_POLICY,
    }
    return FetchSettings(**{**values, **overrides})  # type: ignore[arg-type]


def fetch(
    url: str, conditional: Conditional | None = None, *, accept: str = FEED_ACCEPT, **limits: object
) -> FetchResult:
    return fetch_one(url, settings(**limits), conditional, accept=accept)


def fetch_many(urls: list[str], **limits: object) -> list[FetchResult]:
    async def run() -> list[FetchResult]:
        async with Fetcher(settings(**limits)) as fetcher:
            return await asyncio.gather(*(fetcher.fetch(url) for url in urls))

    return asyncio.run(run())


def timed(call, *args, **kwargs):  # type: ignore[no-untyped-def]
    start = time.monotonic()
    result = call(*args, **kwargs)
    return result, time.monotonic() - start


def kind(result: FetchResult) -> ErrorKind | None:
    return result.error.kind if result.error else None


# ------------------------------------------------------------------------------- settings


def test_settings_from_site_reads_blogparade_settings() -> None:
    site = Site(
        Path("."),
        {
            **DEFAULTS,
            "SITEURL": "https://parade.example",
            "BLOGPARADE_PER_HOST": 2,
            "BLOGPARADE_TIMEOUT": 30,
        },
    )
    s = FetchSettings.from_site(site)
    assert s.user_agent.startswith("blogparade/") and "https://parade.example" in s.user_agent
    assert (s.per_host, s.timeout, s.max_connections) == (2, 30.0, 256)
    assert (s.connect_timeout, s.max_bytes, s.max_redirects) == (10.0, 20 * MB, 5)


def test_the_user_agent_names_the_published_site(tmp_path):
    # A site made by `init` has SITEURL "" in pelicanconf.py (a development build's): every
    # request named the project's address, not the site a blog's owner could look at.
    from aggregator.website.sitetemplate import create_site

    create_site(tmp_path / "site", title="Unsere Blogs")
    site = Site.load(tmp_path / "site")
    assert site.user_agent.endswith("(+https://github.com/blogparade/blogparade)")  # the example address
    publishconf = tmp_path / "site" / "publishconf.py"
    publishconf.write_text(publishconf.read_text().replace("https://blogparade.example", "https://blogs.firma.de"))
    assert Site.load(tmp_path / "site").user_agent.endswith("(+https://blogs.firma.de)")


# ------------------------------------------------------------------------------- success


def test_feed_is_fetched_with_lower_cased_headers(feed_server: FeedServer) -> None:
    url = feed_server.url("/feed.xml")
    result = fetch(url)
    assert result.ok and result.status == 200 and result.error is None
    assert result.body == RSS
    assert result.url == result.final_url == url
    assert result.permanent_redirect is None
    assert result.headers["content-type"].startswith("application/rss+xml")
    assert result.headers["etag"] == ETAG
    assert result.conditional == Conditional(ETAG, LAST_MODIFIED)
    assert all(name == name.lower() for name in result.headers)


def test_request_identifies_itself_and_prefers_feeds(feed_server: FeedServer) -> None:
    fetch(feed_server.url("/feed.xml"))
    sent = feed_server.requests[-1].headers
    assert sent["user-agent"] == "blogparade/test (+http://example.org/)"
    assert sent["accept"] == FEED_ACCEPT and "application/atom+xml" in sent["accept"]
    # Only encodings we can inflate ourselves; no br without a brotli dependency.
    assert sent["accept-encoding"] == ACCEPT_ENCODING == "gzip, deflate"
    assert "if-none-match" not in sent and "if-modified-since" not in sent


def test_callers_can_ask_for_html(feed_server: FeedServer) -> None:
    result = fetch(feed_server.url("/page.html"), accept=HTML_ACCEPT)
    assert result.ok and result.body == HTML
    assert feed_server.requests[-1].headers["accept"] == HTML_ACCEPT


def test_repeated_headers_are_joined(feed_server: FeedServer) -> None:
    async def handler(request: Request) -> None:
        await request.send(200, {"Content-Type": "text/xml", "Link": "<a>", "LINK": "<b>"}, RSS)

    result = fetch(feed_server.route("/links", handler))
    assert result.headers["link"] == "<a>, <b>"


def test_route_can_change_between_requests(feed_server: FeedServer) -> None:
    url = feed_server.route("/feed", sequence(respond(RSS), status(500), random_body(300)))
    first, second, third = fetch(url), fetch(url), fetch(url)
    assert first.ok and first.body == RSS
    assert kind(second) is ErrorKind.HTTP
    assert third.ok and len(third.body or b"") == 300  # junk is parse's problem, not fetch's
    feed_server.route("/feed", status=503, body=b"down")
    assert fetch(url).error.message == "503 Service Unavailable"  # type: ignore[union-attr]
    assert feed_server.hits("/feed") == 4


# ----------------------------------------------------------------------------- conditional


@pytest.mark.parametrize(
    "conditional, header",
    [
        (Conditional(etag=ETAG), "if-none-match"),
        (Conditional(last_modified=LAST_MODIFIED), "if-modified-since"),
    ],
)
def test_conditional_get_answers_304_without_body(
    feed_server: FeedServer, conditional: Conditional, header: str
) -> None:
    result = fetch(feed_server.url("/feed.xml"), conditional)
    assert result.status == 304 and result.not_modified
    assert result.body is None and result.error is None and not result.ok
    assert feed_server.requests[-1].headers[header] in (ETAG, LAST_MODIFIED)


def test_conditional_get_with_a_stale_etag_gets_the_feed(feed_server: FeedServer) -> None:
    result = fetch(feed_server.url("/feed.xml"), Conditional(etag='"old"'))
    assert result.ok and result.body == RSS and result.conditional.etag == ETAG


# --------------------------------------------------------------------------------- status


@pytest.mark.parametrize(
    "path, expected, message",
    [
        ("/500", ErrorKind.HTTP, "500 Internal Server Error"),
        ("/404", ErrorKind.HTTP, "404 Not Found"),
        ("/429", ErrorKind.HTTP, "429 Too Many Requests"),
        ("/410", ErrorKind.GONE, "410 Gone"),
    ],
)
def test_error_statuses(
    feed_server: FeedServer, path: str, expected: ErrorKind, message: str
) -> None:
    result = fetch(feed_server.url(path))
    assert kind(result) is expected and result.error is not None
    assert result.error.message.startswith(message)
    assert result.body is None and not result.ok
    assert result.status == int(path[1:])  # kept, with the headers (Retry-After, say)


def test_error_keeps_headers_such_as_retry_after(feed_server: FeedServer) -> None:
    assert fetch(feed_server.url("/429")).headers["retry-after"] == "120"


@pytest.mark.parametrize("code", [200, 204])
def test_empty_body_is_an_error(feed_server: FeedServer, code: int) -> None:
    result = fetch(feed_server.route("/nothing", respond(b"", code)))
    assert kind(result) is ErrorKind.EMPTY and result.status == code and not result.ok


# ------------------------------------------------------------------------------- bad URLs


@pytest.mark.parametrize(
    "url",
    [
        "",
        "not a url",
        "feed.xml",
        "ftp://127.0.0.1/feed.xml",
        "javascript:alert(1)",
        "http://",
        "http:///feed.xml",
        "http://exa mple.org/",
        "http://[::1/",
        "http://127.0.0.1:99999/",
        "file:///etc/passwd",
    ],
)
def test_invalid_urls_fail_without_a_request(url: str) -> None:
    result, took = timed(fetch, url)
    assert kind(result) is ErrorKind.INVALID_URL, result.error
    assert result.status is None and result.url == url and took < 0.5


def test_not_a_string_is_an_invalid_url() -> None:
    assert kind(fetch(None)) is ErrorKind.INVALID_URL  # type: ignore[arg-type]


def test_unknown_host_is_a_dns_error() -> None:
    result = fetch("http://no-such-host.invalid/feed.xml")
    assert kind(result) is ErrorKind.DNS and "no-such-host.invalid" in result.error.message  # type: ignore[union-attr]


# ----------------------------------------------------------------------------- connection


def test_connection_refused() -> None:
    with socket.socket() as sock:  # a port that was free a moment ago
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    result = fetch(f"http://127.0.0.1:{port}/feed.xml")
    assert kind(result) is ErrorKind.CONNECTION and result.error.message == "connection refused"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "path, message",
    [
        ("/reset", "reset"),
        ("/reset-mid-body", "broke off"),
        ("/hang-up", "closed the connection"),
        ("/truncated", "broke off"),
        ("/garbage", "not a valid HTTP response"),
    ],
)
def test_broken_connections(feed_server: FeedServer, path: str, message: str) -> None:
    result, took = timed(fetch, feed_server.url(path))
    assert kind(result) is ErrorKind.CONNECTION and message in result.error.message  # type: ignore[union-attr]
    assert result.body is None and took < 1.5


# -------------------------------------------------------------------------------- timeouts


def test_server_that_never_answers_ends_at_the_deadline(feed_server: FeedServer) -> None:
    result, took = timed(fetch, feed_server.url("/stall"), timeout=1.0)
    assert kind(result) is ErrorKind.TIMEOUT and result.error.message == "no response within 1 s"  # type: ignore[union-attr]
    assert 0.9 < took < 1.8


def test_server_that_never_sends_the_body_ends_at_the_deadline(feed_server: FeedServer) -> None:
    result, took = timed(fetch, feed_server.url("/stall-body"), timeout=1.0)
    assert kind(result) is ErrorKind.TIMEOUT and "not complete within 1 s" in result.error.message  # type: ignore[union-attr]
    assert 0.9 < took < 1.8


def test_trickling_server_ends_at_the_deadline(feed_server: FeedServer) -> None:
    # One byte a second: every read makes progress, so only a deadline for the whole body ends it.
    result, took = timed(fetch, feed_server.url("/trickle"), timeout=1.5)
    assert kind(result) is ErrorKind.TIMEOUT and took < 2.3


def test_faster_trickle_also_ends_at_the_deadline(feed_server: FeedServer) -> None:
    url = feed_server.route("/trickle-fast", trickle(RSS, interval=0.05, chunk=10))  # ~5 s in all
    result, took = timed(fetch, url, timeout=1.0)
    assert kind(result) is ErrorKind.TIMEOUT and took < 1.8


def test_connect_timeout() -> None:
    with Blackhole() as url:
        result, took = timed(fetch, url, connect_timeout=0.5, timeout=5.0)
    assert (
        kind(result) is ErrorKind.TIMEOUT
        and result.error.message == "could not connect within 0.5 s"
    )  # type: ignore[union-attr]
    assert took < 1.5


def test_cancellation_is_not_swallowed(feed_server: FeedServer) -> None:
    async def run() -> None:
        async with Fetcher(settings(timeout=10.0)) as fetcher:
            task = asyncio.create_task(fetcher.fetch(feed_server.url("/stall")))
            await asyncio.sleep(0.2)
            task.cancel()
            with pytest.raises(asyncio.CancelledError):
                await task

    asyncio.run(run())


# -------------------------------------------------------------------------------- redirects


def test_redirect_chain_is_followed(feed_server: FeedServer) -> None:
    result = fetch(feed_server.url("/redirect-chain"))  # 301, then 302
    assert result.ok and result.body == RSS
    assert result.url == feed_server.url("/redirect-chain")
    assert result.final_url == feed_server.url("/feed.xml")
    assert result.permanent_redirect is None  # one hop was temporary


def test_permanent_redirects_are_reported(feed_server: FeedServer) -> None:
    result = fetch(feed_server.url("/moved"))  # 301, then 308
    assert result.ok and result.permanent_redirect == result.final_url == feed_server.url(
        "/feed.xml"
    )


@pytest.mark.parametrize(
    "location", ["feed.xml", "./sub/../feed.xml", "/feed.xml", "//{host}/feed.xml"]
)
def test_relative_location_is_resolved(feed_server: FeedServer, location: str) -> None:
    host = feed_server.base_url.removeprefix("http://")
    url = feed_server.route("/dir/old", redirect(location.format(host=host), 301))
    expected = feed_server.url("/dir/feed.xml" if not location.startswith("/") else "/feed.xml")
    feed_server.route("/dir/feed.xml", respond(RSS))
    result = fetch(url)
    assert result.ok and result.final_url == expected


@pytest.mark.parametrize("path", ["/loop", "/self-loop"])
def test_redirect_loop(feed_server: FeedServer, path: str) -> None:
    result = fetch(feed_server.url(path))
    assert kind(result) is ErrorKind.REDIRECTS and "loop" in result.error.message  # type: ignore[union-attr]
    assert len(feed_server.requests) == 6  # the first request and at most 5 redirects


def _chain(server: FeedServer, hops: int) -> str:
    for i in range(hops):
        server.route(f"/hop{i}", redirect(f"/hop{i + 1}", 302))
    server.route(f"/hop{hops}", respond(RSS))
    return server.url("/hop0")


def test_max_redirects_are_followed(feed_server: FeedServer) -> None:
    result = fetch(_chain(feed_server, 5))
    assert result.ok and result.final_url == feed_server.url("/hop5")


def test_one_redirect_too_many(feed_server: FeedServer) -> None:
    result = fetch(_chain(feed_server, 6))
    assert kind(result) is ErrorKind.REDIRECTS and result.error.message == "more than 5 redirects"  # type: ignore[union-attr]
    assert feed_server.hits("/hop6") == 0


def test_no_redirects_allowed(feed_server: FeedServer) -> None:
    assert kind(fetch(_chain(feed_server, 1), max_redirects=0)) is ErrorKind.REDIRECTS


def test_redirect_to_another_scheme_is_refused(feed_server: FeedServer) -> None:
    result = fetch(feed_server.url("/to-ftp"))
    assert kind(result) is ErrorKind.REDIRECTS and "ftp://" in result.error.message  # type: ignore[union-attr]


def test_redirect_without_location(feed_server: FeedServer) -> None:
    result = fetch(feed_server.route("/nowhere", respond(b"", 302)))
    assert kind(result) is ErrorKind.HTTP and result.error.message.startswith("302 Found")  # type: ignore[union-attr]


def test_conditional_headers_follow_redirects(feed_server: FeedServer) -> None:
    result = fetch(feed_server.url("/moved"), Conditional(etag=ETAG))
    assert result.not_modified and result.permanent_redirect == feed_server.url("/feed.xml")


# --------------------------------------------------------------------------- compression


@pytest.mark.parametrize("encoding", ["gzip", "deflate", "raw-deflate"])
def test_compressed_bodies_are_inflated(feed_server: FeedServer, encoding: str) -> None:
    result = fetch(feed_server.route("/c", encoded(RSS * 20, encoding)))
    assert result.ok and result.body == RSS * 20
    # The body handed on is no longer what these described.
    assert "content-encoding" not in result.headers and "content-length" not in result.headers


def test_concatenated_gzip_members(feed_server: FeedServer) -> None:
    two = zlib.compress(RSS, 6, 31) + zlib.compress(b"<!-- more -->", 6, 31)  # type: ignore[call-arg]
    url = feed_server.route("/two", respond(two, headers={"Content-Encoding": "gzip"}))
    assert fetch(url).body == RSS + b"<!-- more -->"


def test_corrupt_gzip_is_a_decoding_error(feed_server: FeedServer) -> None:
    assert kind(fetch(feed_server.url("/corrupt-gzip"))) is ErrorKind.DECODING


def test_gzip_stream_cut_short_is_a_decoding_error(feed_server: FeedServer) -> None:
    whole = zlib.compress(RSS * 10, 6, 31)  # type: ignore[call-arg]
    url = feed_server.route(
        "/cut", respond(whole[: len(whole) // 2], headers={"Content-Encoding": "gzip"})
    )
    result = fetch(url)
    assert kind(result) is ErrorKind.DECODING and "cut short" in result.error.message  # type: ignore[union-attr]


def test_unsupported_encoding_is_a_decoding_error(feed_server: FeedServer) -> None:
    url = feed_server.route(
        "/br", respond(b"\x0b\x02\x80hello", headers={"Content-Encoding": "br"})
    )
    result = fetch(url)
    assert kind(result) is ErrorKind.DECODING and "br" in result.error.message  # type: ignore[union-attr]


def test_small_gzip_bomb_below_the_cap_inflates_completely(feed_server: FeedServer) -> None:
    # Also checks the bomb generator itself: a valid gzip stream, CRC and size included.
    result = fetch(feed_server.route("/small-bomb", gzip_bomb(1 * MB)), max_bytes=2 * MB)
    assert result.ok and result.body == bytes(MB)


# ------------------------------------------------------------------------------------ cap


def test_body_at_the_cap_is_fine_one_byte_more_is_not(feed_server: FeedServer) -> None:
    cap = 50_000
    assert fetch(feed_server.route("/at", respond(b"x" * cap)), max_bytes=cap).ok
    assert (
        kind(fetch(feed_server.route("/over", respond(b"x" * (cap + 1))), max_bytes=cap))
        is ErrorKind.TOO_LARGE
    )


def test_cap_holds_when_the_size_is_not_announced(feed_server: FeedServer) -> None:
    url = feed_server.route("/big", huge(200_001, chunk=1000))
    result = fetch(url, max_bytes=200_000)
    assert kind(result) is ErrorKind.TOO_LARGE and result.body is None


def test_announced_size_over_the_cap_is_refused_without_reading(feed_server: FeedServer) -> None:
    result, took = timed(fetch, feed_server.url("/huge-announced"))  # 500 MB announced
    assert kind(result) is ErrorKind.TOO_LARGE and "500.0 MB announced" in result.error.message  # type: ignore[union-attr]
    assert took < 1.0


def test_cap_holds_after_inflation(feed_server: FeedServer) -> None:
    # 200 MB of zeros, ~200 KB compressed: under the cap on the wire, far over it inflated.
    url = feed_server.route("/bomb", gzip_bomb(200 * MB))
    result = fetch(url, max_bytes=1 * MB)
    assert kind(result) is ErrorKind.TOO_LARGE and result.error.message == "more than 1.0 MB"  # type: ignore[union-attr]


def _peak_memory_while(url: str, cap: int) -> tuple[FetchResult, int]:
    gc.collect()
    tracemalloc.start()
    try:
        result = fetch(url, max_bytes=cap, timeout=20.0)
        return result, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.parametrize("path", ["/huge", "/gzip-bomb-unannounced"])
def test_memory_stays_bounded_for_500_mb_and_a_10_gb_bomb(
    feed_server: FeedServer, path: str
) -> None:
    cap = 2 * MB
    result, peak = _peak_memory_while(feed_server.url(path), cap)
    assert kind(result) is ErrorKind.TOO_LARGE
    # The body buffer (cap + 1) plus read buffers; nowhere near 500 MB or 10 GB.
    assert peak < 4 * cap, f"peak {peak / MB:.1f} MB"


@pytest.mark.parametrize("encoding, header", [
    ("deflate", b"\x78\x9c"),  # zlib's
    ("gzip", b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\x03"),
])  # fmt: skip
def test_a_stream_that_never_inflates_to_anything_ends_at_a_cap_of_its_own(
    feed_server: FeedServer, encoding: str, header: bytes
) -> None:
    """A compression header, then empty stored blocks without end: nothing comes out, so the cap
    after inflation never fills.  The compressed bytes are capped too, long before the deadline,
    and nothing of them is kept."""

    async def endless(request: Request) -> None:
        request.keep_alive = False
        await request.send_head(200, {"Content-Type": RSS_TYPE, "Content-Encoding": encoding})
        empty_blocks = b"\x00\x00\x00\xff\xff" * 13_107  # 64 KB, each block 5 bytes
        await request.stream(itertools.chain([header], itertools.repeat(empty_blocks)))

    cap = 2 * MB
    start = time.monotonic()
    result, peak = _peak_memory_while(feed_server.route("/nothing", endless), cap)
    assert kind(result) is ErrorKind.TOO_LARGE, result.error
    assert result.error.message == "more than 4.0 MB sent compressed, for a limit of 2.0 MB"  # type: ignore[union-attr]
    assert time.monotonic() - start < 10 and peak < 4 * cap, f"peak {peak / MB:.1f} MB"


# ---------------------------------------------------------------------------- concurrency


def test_many_broken_and_healthy_feeds_together_finish_quickly(feed_server: FeedServer) -> None:
    broken = {
        "/500": ErrorKind.HTTP,
        "/404": ErrorKind.HTTP,
        "/410": ErrorKind.GONE,
        "/reset": ErrorKind.CONNECTION,
        "/truncated": ErrorKind.CONNECTION,
        "/hang-up": ErrorKind.CONNECTION,
        "/garbage": ErrorKind.CONNECTION,
        "/stall": ErrorKind.TIMEOUT,
        "/stall-body": ErrorKind.TIMEOUT,
        "/trickle": ErrorKind.TIMEOUT,
        "/huge": ErrorKind.TOO_LARGE,
        "/huge-announced": ErrorKind.TOO_LARGE,
        "/gzip-bomb-unannounced": ErrorKind.TOO_LARGE,
        "/loop": ErrorKind.REDIRECTS,
        "/corrupt-gzip": ErrorKind.DECODING,
        "/empty": ErrorKind.EMPTY,
    }
    healthy = [
        "/feed.xml",
        "/atom.xml",
        "/gzip-feed.xml",
        "/deflate-feed.xml",
        "/redirect-chain",
        "/moved",
    ]
    paths = list(broken) + healthy + ["/feed.xml"] * 10
    results, took = timed(fetch_many, [feed_server.url(p) for p in paths], timeout=1.0)
    assert took < 2.5  # the slowest ones end at the 1 s deadline, all at the same time
    for path, result in zip(paths, results, strict=True):
        if path in broken:
            assert kind(result) is broken[path], (path, result.error)
        else:
            assert result.ok, (path, result.error)


def test_per_host_limit(feed_server: FeedServer) -> None:
    url = feed_server.route("/slow", respond(RSS, delay=0.2))
    results, took = timed(fetch_many, [url] * 6, per_host=2)
    assert all(r.ok for r in results)
    assert took >= 0.6  # three rounds of two


def test_global_limit(feed_server: FeedServer) -> None:
    url = feed_server.route("/slow", respond(RSS, delay=0.2))
    results, took = timed(fetch_many, [url] * 4, max_connections=1)
    assert all(r.ok for r in results) and took >= 0.8


def test_waiting_for_a_slot_does_not_count_against_the_deadline(feed_server: FeedServer) -> None:
    # Four requests one after another take 1.2 s, each well within its own 0.9 s (were the wait
    # counted, the fourth would time out).  The margin is wide: under `pytest -n auto` the
    # browser tests' Chromium shares the cores, and a response may come late by a tenth or two.
    url = feed_server.route("/slow", respond(RSS, delay=0.3))
    results, took = timed(fetch_many, [url] * 4, per_host=1, timeout=0.9)
    assert all(r.ok for r in results), [r.error for r in results]
    assert took >= 1.2


def test_fetch_needs_the_context_manager() -> None:
    async def run() -> None:
        with pytest.raises(RuntimeError):
            await Fetcher(settings()).fetch("http://127.0.0.1/")

    asyncio.run(run())


@pytest.mark.parametrize(
    ("limits", "expected"),
    [((64, 64), "32 (64, 64)"),  # a hard limit of 64: half of it
     ((64, 4096), "256 (512, 4096)"),  # the soft limit raised as far as needed
     ((8192, 8192), "256 (8192, 8192)")],  # fmt: skip
)
def test_connections_fit_the_files_the_process_may_open(limits, expected):
    """256 connections want 512 descriptors: the soft limit is raised where the hard one lets
    it, else fewer connections are made (macOS starts processes at 256 files)."""
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if hard != resource.RLIM_INFINITY and hard < limits[1]:
        pytest.skip(f"this process may not raise its hard limit to {limits[1]}")
    script = (
        "import resource\n"
        f"resource.setrlimit(resource.RLIMIT_NOFILE, {limits!r})\n"
        "from aggregator.feeds.fetch import usable_connections\n"
        "print(usable_connections(256), resource.getrlimit(resource.RLIMIT_NOFILE))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == expected
