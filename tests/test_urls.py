"""urls: the named rules for comparing and selecting URLs."""

from __future__ import annotations

import random
from urllib.parse import urlsplit

from aggregator.urls import absolute_http_url


def test_absolute_http_url_says_what_urlsplit_says_for_any_string():
    """Its shortcut for the common form gives what the general path (urlsplit) gives."""

    def general(value: str) -> str | None:
        value = value.strip()
        try:
            parts = urlsplit(value)
        except ValueError:
            return None
        return value if parts.scheme in ("http", "https") and parts.netloc else None

    rng = random.Random(14)
    alphabet = list("htps:/?#[]\t\n a.@%\\HTP1;=") + ["ä", "\u200b"]
    cases = ["http://a/b", "https://x.example/?q#f", "http:///x", "http://", "http://[::1",
             "http://[::1]/", "HTTP://x/", " http://x ", "http://\tx/", "http://a b/"]  # fmt: skip
    cases += [rng.choice(["http://", "https://", ""]) + "".join(rng.choices(alphabet, k=rng.randint(0, 8)))
              for _ in range(20_000)]  # fmt: skip
    assert [c for c in cases if absolute_http_url(c) != general(c)] == []
    assert absolute_http_url(" https://blog.example/feed/ ") == "https://blog.example/feed/"
    assert absolute_http_url("ftp://blog.example/") is None
