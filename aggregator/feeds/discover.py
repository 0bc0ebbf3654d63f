"""Feed discovery: from a URL a contributor gives (home page or feed) to a usable feed.

Order: the URL itself if it is a feed; the page's ``<link rel="alternate">`` feeds (RSS, Atom,
JSON Feed), post feeds before comment feeds; then the paths WordPress, Blogger and static-site
generators use.  Every candidate is fetched and parsed: only a feed with entries or a title counts.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from urllib.parse import urljoin

from bs4 import BeautifulSoup

from ..models import FetchResult, ParsedFeed
from ..urls import is_http_url
from .fetch import HTML_ACCEPT, Fetcher
from .parse import ParseError, parse_feed

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
)
# Tried in this order when a page names no feed; relative to the page, then to the site root.
USUAL_PATHS = (
    "feed/",
    "feed",
    "rss.xml",
    "atom.xml",
    "index.xml",
    "feed.xml",
    "rss",
    "feeds/posts/default",
    "?feed=rss2",
)


class DiscoveryError(Exception):
    """No usable feed at a URL; the message says what was tried, for a person."""


@dataclass(frozen=True)
class Discovered:
    feed_url: str
    home_url: str
    feed: ParsedFeed


def feed_links(html: bytes | str, page_url: str) -> list[str]:
    """Feed URLs a page announces, post feeds first, comment feeds last."""
    soup = BeautifulSoup(html, "html.parser")
    base = soup.find("base", href=True)
    base_url = urljoin(page_url, str(base["href"])) if base else page_url
    posts: list[str] = []
    comments: list[str] = []
    for link in soup.find_all("link", href=True):
        rel = [value.lower() for value in link.get("rel") or []]
        kind = str(link.get("type") or "").split(";")[0].strip().lower()
        if "alternate" not in rel or kind not in FEED_TYPES:
            continue
        url = urljoin(base_url, str(link["href"]).strip())
        if not is_http_url(url):
            continue
        described = f"{link.get('title') or ''} {url}".lower()
        is_comments = any(word in described for word in ("comment", "kommentar"))
        (comments if is_comments else posts).append(url)
    return list(dict.fromkeys(posts + comments))


def usual_feed_urls(page_url: str) -> list[str]:
    page = page_url if page_url.endswith("/") or "?" in page_url else page_url + "/"
    root = urljoin(page_url, "/")
    candidates = [urljoin(page, path) for path in USUAL_PATHS]
    candidates += [urljoin(root, path) for path in USUAL_PATHS]
    return [url for url in dict.fromkeys(candidates) if url != page_url]


def _as_feed(result: FetchResult) -> ParsedFeed | None:
    if not result.ok:
        return None
    try:
        feed = parse_feed(result.body or b"", dict(result.headers), result.final_url)
    except ParseError:
        return None
    return feed if (feed.entries or feed.title) else None


def _home(feed: ParsedFeed, page_url: str | None, feed_url: str) -> str:
    if page_url:
        return page_url
    if feed.home_url and is_http_url(feed.home_url):
        return feed.home_url
    return urljoin(feed_url, "/")


async def discover(url: str, fetcher: Fetcher) -> Discovered:
    """The feed behind `url`, fetched and parsed; DiscoveryError says why there is none."""
    if not is_http_url(url):
        raise DiscoveryError(f"not an http(s) URL: {url!r}")
    page = await fetcher.fetch(url, accept=HTML_ACCEPT)
    if page.error:
        raise DiscoveryError(f"cannot fetch {url}: {page.error}")
    feed = _as_feed(page)
    if feed is not None:
        return Discovered(page.final_url, _home(feed, None, page.final_url), feed)
    announced = feed_links(page.body or b"", page.final_url) if page.ok else []
    for candidates in (announced, usual_feed_urls(page.final_url)):
        # Fetched together, chosen in order: the first usable candidate wins.
        results = await asyncio.gather(*(fetcher.fetch(c) for c in candidates))
        for candidate, result in zip(candidates, results):
            feed = _as_feed(result)
            if feed is not None:
                return Discovered(result.final_url or candidate, page.final_url, feed)
    tried = "its <link rel=alternate> feeds and the usual feed paths"
    raise DiscoveryError(f"no usable feed found at {url} (tried the page itself, {tried})")
