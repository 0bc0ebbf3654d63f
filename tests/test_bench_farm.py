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
