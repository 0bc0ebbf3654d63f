"""How fast `aggregator.feeds.fetch.Fetcher` gets many feeds, against baselines measured in the same run.

    .venv/bin/python benchmarks/bench_fetch.py [--feeds 300] [--hosts 30] [--latency 0.05]

A server in a child process (so it does not share the GIL with the client) serves N feeds of
~10 KB each, every answer delayed by `latency` to stand in for the network, spread over `hosts`
loopback addresses (127.0.0.2, 127.0.0.3, ...), because the per-host limit is part of what is
measured.
It answers If-None-Match with 304, as a well-behaved blog does.

Measured, all in this run:
  1. Fetcher, cold: every feed 200 (default settings: 256 connections, 8 per host)
  2. Fetcher, warm: every feed sent its ETag, every answer 304
  3. baseline: a 20-thread urllib.request pool over all feeds (what rawdog-style tools do)
  4. baseline: a sequential urllib.request loop over a subset, extrapolated to all feeds
  5. Fetcher with every feed on ONE host: shows what the per-host limit costs (and protects)
"""

from __future__ import annotations

import argparse
import asyncio
import json
import subprocess
import sys
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from aggregator.feeds.fetch import Fetcher, FetchSettings  # noqa: E402
from aggregator.models import Conditional, FetchResult  # noqa: E402

USER_AGENT = "blogparade-bench/0 (+http://127.0.0.1/)"


# ---------------------------------------------------------------------------------- server


def feed_body(i: int) -> bytes:
    """A well-formed RSS document of about 10 KB (10 items)."""
    text = "Lorem ipsum dolor sit amet. " * 30
    items = "".join(
        f"<item><title>Post {n} of feed {i}</title><link>http://127.0.0.1/{i}/{n}</link>"
        f"<guid>feed-{i}-post-{n}</guid><description>{text}</description></item>\n"
        for n in range(10)
    )
    channel = f"<channel><title>Feed {i}</title>{items}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()


async def serve(hosts: list[str], feeds: int, latency: float) -> None:
    from aiohttp import web

    bodies = {i: feed_body(i) for i in range(feeds)}

    async def handle(request: web.Request) -> web.Response:
        await asyncio.sleep(latency)
        i = int(request.match_info["i"])
        etag = f'"{i}"'
        if request.headers.get("If-None-Match") == etag:
            return web.Response(status=304, headers={"ETag": etag})
        return web.Response(
            body=bodies[i], content_type="application/rss+xml", headers={"ETag": etag}
        )

    app = web.Application()
    app.router.add_get("/feed/{i}.xml", handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    ports = {}
    for host in hosts:
        site = web.TCPSite(runner, host, 0)
        await site.start()
        ports[host] = runner.addresses[-1][1]
    print(json.dumps(ports), flush=True)
    await asyncio.Event().wait()


def start_server(
    hosts: list[str], feeds: int, latency: float
) -> tuple[subprocess.Popen[str], dict[str, int]]:
    child = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--serve",
            json.dumps(hosts),
            "--feeds",
            str(feeds),
            "--latency",
            str(latency),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None
    return child, json.loads(child.stdout.readline())


# ---------------------------------------------------------------------------------- clients


async def with_fetcher(
    urls: list[str], settings: FetchSettings, etags: dict[str, str] | None = None
) -> list[FetchResult]:
    async with Fetcher(settings) as fetcher:
        return await asyncio.gather(
            *(
                fetcher.fetch(url, Conditional(etag=etags.get(url)) if etags else None)
                for url in urls
            )
        )


def urllib_get(url: str) -> int:
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT})
    with urllib.request.urlopen(request, timeout=60) as response:
        return len(response.read())


def timed(call, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = call(*args)
    return result, time.perf_counter() - start


# ------------------------------------------------------------------------------------- main


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--hosts", type=int, default=30)
    parser.add_argument("--latency", type=float, default=0.05)
    parser.add_argument(
        "--sequential", type=int, default=40, help="feeds in the sequential baseline"
    )
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(json.loads(args.serve), args.feeds, args.latency))
        return

    hosts = [f"127.0.0.{2 + n}" for n in range(args.hosts)]
    child, ports = start_server(hosts, args.feeds, args.latency)
    try:
        run(args, hosts, ports)
    finally:
        child.terminate()
        child.wait()


def run(args: argparse.Namespace, hosts: list[str], ports: dict[str, int]) -> None:
    urls = [
        f"http://{hosts[i % len(hosts)]}:{ports[hosts[i % len(hosts)]]}/feed/{i}.xml"
        for i in range(args.feeds)
    ]
    settings = FetchSettings(user_agent=USER_AGENT)
    size = len(feed_body(0))
    print(
        f"{args.feeds} feeds of {size / 1000:.1f} KB, {args.latency * 1000:.0f} ms latency, "
        f"{len(hosts)} loopback hosts; Fetcher: {settings.max_connections} connections, "
        f"{settings.per_host} per host\n"
    )

    asyncio.run(with_fetcher(urls[:10], settings))  # warm-up: imports, first connections
    cold, t_cold = timed(asyncio.run, with_fetcher(urls, settings))
    assert all(r.ok for r in cold), [r.error for r in cold if not r.ok][:3]
    etags = {r.url: r.headers["etag"] for r in cold}
    warm, t_warm = timed(asyncio.run, with_fetcher(urls, settings, etags))
    assert all(r.not_modified for r in warm)

    with ThreadPoolExecutor(20) as pool:
        sizes, t_pool = timed(lambda: list(pool.map(urllib_get, urls)))
    assert sum(sizes) == sum(len(r.body or b"") for r in cold)
    subset = urls[: args.sequential]
    _, t_seq_subset = timed(lambda: [urllib_get(u) for u in subset])
    t_seq = t_seq_subset * len(urls) / len(subset)

    one_host = [f"http://{hosts[0]}:{ports[hosts[0]]}/feed/{i}.xml" for i in range(args.feeds)]
    single, t_single = timed(asyncio.run, with_fetcher(one_host, settings))
    assert all(r.ok for r in single)

    rows = [
        ("Fetcher, cold (all 200)", t_cold),
        ("Fetcher, warm (all 304, ETag)", t_warm),
        ("urllib, 20-thread pool (baseline)", t_pool),
        (f"urllib, sequential ({len(subset)} measured, x{len(urls) / len(subset):g})", t_seq),
        (f"Fetcher, all feeds on one host ({settings.per_host} per host)", t_single),
    ]
    for name, seconds in rows:
        print(f"  {name:<48} {seconds:6.2f} s   {len(urls) / seconds:7.0f} feeds/s")
    print(f"\n  Fetcher cold vs 20-thread urllib pool: {t_pool / t_cold:.1f}x faster")
    print(f"  Fetcher cold vs sequential urllib:     {t_seq / t_cold:.1f}x faster")


if __name__ == "__main__":
    main()
