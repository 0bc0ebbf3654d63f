"""The whole update (fetch, parse, clean, store) against baselines measured in the same run.

    .venv/bin/python benchmarks/bench_update.py [--feeds 300] [--hosts 30] [--latency 0.05]

Uses bench_fetch's server (a child process, ~10 KB feeds, artificial latency, ETags honoured).
Measured, all in this run:
  1. blogparade update, first run: every feed fetched, parsed, cleaned, stored (SQLite file)
  2. blogparade update, second run: every feed answers 304, nothing parsed
  3. the first run again with parsing inline (no process pool): what the pool is worth
  4. baseline: a 20-thread loop of feedparser.parse(url), as planet/rawdog-style tools do
     (feedparser fetching and parsing, nothing cleaned or stored)
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import feedparser  # noqa: E402
from bench_fetch import start_server  # noqa: E402

from aggregator.feeds import update as updater  # noqa: E402
from aggregator.feeds.fetch import FetchSettings  # noqa: E402
from aggregator.feeds.update import Outcome, update  # noqa: E402
from aggregator.models import Participant  # noqa: E402
from aggregator.store import Store  # noqa: E402

USER_AGENT = "blogparade-bench/0 (+http://127.0.0.1/)"


def timed(call, *args):  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    result = call(*args)
    return result, time.perf_counter() - start


@contextlib.contextmanager
def inline_pool(jobs: int) -> Iterator[None]:
    yield None


def baseline(urls: list[str]) -> int:
    def one(url: str) -> int:
        return len(feedparser.parse(url, agent=USER_AGENT).entries)

    with ThreadPoolExecutor(20) as pool:
        return sum(pool.map(one, urls))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--hosts", type=int, default=30)
    parser.add_argument("--latency", type=float, default=0.05)
    args = parser.parse_args()
    hosts = [f"127.0.0.{2 + n}" for n in range(args.hosts)]
    child, ports = start_server(hosts, args.feeds, args.latency)
    try:
        urls = [
            f"http://{hosts[i % len(hosts)]}:{ports[hosts[i % len(hosts)]]}/feed/{i}.xml"
            for i in range(args.feeds)
        ]
        participants = [
            Participant(slug=f"blog-{i}", name=f"Blog {i}", feed=url, home=url)
            for i, url in enumerate(urls)
        ]
        settings = FetchSettings(user_agent=USER_AGENT)
        with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "bench.sqlite") as store:
            first, t_first = timed(asyncio.run, update(store, participants, settings))
            second, t_second = timed(asyncio.run, update(store, participants, settings))
        with tempfile.TemporaryDirectory() as folder, Store(Path(folder) / "bench.sqlite") as store:
            real_pool, updater.parser_pool = updater.parser_pool, inline_pool
            try:
                inline, t_inline = timed(asyncio.run, update(store, participants, settings))
            finally:
                updater.parser_pool = real_pool
        assert inline.new_posts == first.new_posts
        assert first.count(Outcome.UPDATED) == args.feeds, first.errors[:3]
        assert second.count(Outcome.UNCHANGED) == args.feeds
        entries, t_base = timed(baseline, urls)
        assert entries == first.new_posts, (entries, first.new_posts)
    finally:
        child.terminate()
        child.wait()

    print(f"{args.feeds} feeds x 10 posts, {args.latency * 1000:.0f} ms latency, {len(hosts)} hosts\n")
    for name, seconds in (
        ("blogparade update, first run (fetch+parse+clean+store)", t_first),
        ("blogparade update, nothing changed (all 304)", t_second),
        ("blogparade update, first run, parsing inline (no pool)", t_inline),
        ("baseline: 20-thread feedparser.parse(url) loop", t_base),
    ):
        print(f"  {name:<56} {seconds:6.2f} s")
    print(f"\n  first run vs baseline:      {t_base / t_first:.1f}x faster")
    print(f"  parser pool vs inline:      {t_inline / t_first:.1f}x faster")
    print(f"  unchanged run vs baseline:  {t_base / t_second:.1f}x faster")


if __name__ == "__main__":
    main()
