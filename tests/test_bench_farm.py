"""The update benchmark's farm counts what it serves: the benchmark reports it per client."""

from __future__ import annotations

import json
import sys
import urllib.error
import urllib.request
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

import farm  # noqa: E402


def _get(url: str, etag: str | None = None) -> tuple[int, str | None]:
    request = urllib.request.Request(url, headers={"If-None-Match": etag} if etag else {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers["ETag"]
    except urllib.error.HTTPError as error:
        return error.code, None


def _stats(url: str) -> dict[str, int]:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def test_the_farm_counts_requests_and_304s_but_not_the_question():
    server, info = farm.start(blogs=2, comments=1, latency=0)
    try:
        assert _stats(info["stats"]) == {"requests": 0, "not_modified": 0}
        feed = info["feeds"][1]
        status, etag = _get(feed)
        assert status == 200 and etag
        assert _get(feed, etag)[0] == 304
        assert _get(feed.replace("/feed/", "/nothing-here/"))[0] == 404
        assert _stats(info["stats"]) == {"requests": 3, "not_modified": 1}
    finally:
        server.terminate()
        server.wait()


def test_a_farm_of_announced_feeds_serves_only_what_the_post_feed_names():
    server, info = farm.start(blogs=3, comments=1, latency=0, serves="announced", per_host=2)
    try:
        first, second, third = info["feeds"]
        # Blogs 0 and 1 share an address, blog 2 has the next one.
        assert first.split("/")[2] == second.split("/")[2] != third.split("/")[2]
        with urllib.request.urlopen(first, timeout=10) as response:
            body = response.read().decode()
        [comment_feed, *_] = [part.split("<")[0] for part in body.split("<wfw:commentRss>")[1:]]
        assert _get(comment_feed)[0] == 200
        assert _get(comment_feed + "atom/")[0] == 404  # no Atom twin
        assert _get(first.replace("/feed/", "/comments/feed/atom/"))[0] == 404  # no site-wide feed
        assert _get(first.replace("/feed/", "/comments/feed/"))[0] == 404
    finally:
        server.terminate()
        server.wait()


def _body(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode()


def test_the_next_night_every_blog_has_one_new_post_and_the_rest_stays_as_it_was():
    server, info = farm.start(blogs=2, comments=1, latency=0)
    try:
        feed = info["feeds"][1]
        before = _body(feed)
        status, etag = _get(feed)
        [*_, oldest_comments] = [part.split("<")[0] for part in before.split("<wfw:commentRss>")[1:]]
        _, comments_etag = _get(oldest_comments)
        farm.next_night(info["stats"])
        after = _body(feed)
        assert _get(feed, etag)[0] == 200  # changed: its ETag no longer matches
        assert "(1.10)" in after and "(1.10)" not in before  # blog 1's 11th post, on top
        assert "(1.0)" in before and "(1.0)" not in after  # its first, gone from the feed
        assert all(f"(1.{k})" in after for k in range(1, 10))
        assert _get(oldest_comments, comments_etag)[0] == 304  # an old post's comments: as they were
        farm.next_night(info["stats"])
        assert "(1.11)" in _body(feed)
    finally:
        server.terminate()
        server.wait()
