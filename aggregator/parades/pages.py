"""pages: the links on a post's own page, for posts whose feed carries only a summary.

A summary may have lost the link to the parade's call that the post itself has.  For those posts
(select.candidates_needing_page) we ask for the post's page, once: a successful look-up is
remembered for good and never repeated; a failed one is tried again at most once a day.  Requests
to one host go one after another (politeness), hosts in parallel within the Fetcher's limits.

The memory is a `PageLinkCache`: two methods the store implements (see the store proposal in the
parade work's notes); tests use a dict.  Only the fetch stage asks the network; the build reads
what is remembered (`remembered_page_links`) and never fetches.

Of a page we take the links of the article body where the page marks one (WordPress's
``.entry-content``, Blogger's ``.post-body``, ``<article>``, ``<main>``...), else of the whole
page, without navigation, sidebars, forms, footers and the comments: a link to the call in a
sidebar widget or in a reader's comment does not make a post a contribution.  What the article
is, page_reading.py decides (`article_links`), for a candidate's page and a summary's alike.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable, Mapping
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urlsplit

from ..models import FetchResult, PageLookup, Participant, StoredPost
from .files import Parade
from .select import candidates_needing_page, followed_parades

if TYPE_CHECKING:
    from ..feeds.fetch import Fetcher
    from ..feeds.logins import Login

RETRY_AFTER = timedelta(days=1)


class PageLinkCache(Protocol):
    """The memory of page look-ups (the store implements it)."""

    def get_page_lookup(self, url: str) -> PageLookup | None: ...

    def put_page_lookup(self, lookup: PageLookup) -> None: ...


def due(lookup: PageLookup | None, now: datetime) -> bool:
    """Whether a page must be asked for: never asked, or failed more than a day ago."""
    return lookup is None or (not lookup.ok and now - lookup.fetched_at >= RETRY_AFTER)


# --- extraction ---------------------------------------------------------------------------------


def extract_links(html: bytes | str, page_url: str, content_type: str = "") -> tuple[str, ...]:
    """The absolute http(s) links of a page's article body (or of the whole page), in order: as
    page_reading.py finds them for a candidate's page, so that a post's page and a candidate's
    are judged by one rule."""
    from .page_reading import article_links  # only for page look-ups: the build never reads pages

    return article_links(html, page_url, content_type)


def lookup_of(result: FetchResult, now: datetime) -> PageLookup:
    """A fetch result as a look-up: the links of an HTML page, or the error."""
    if result.error is not None:
        return PageLookup(result.url, now, error=str(result.error))
    if not result.ok or result.body is None:
        return PageLookup(result.url, now, error=f"http: status {result.status}")
    from .page_reading import is_html

    content_type = result.headers.get("content-type", "")
    if not is_html(content_type):  # a PDF or an image: an answer, without links
        return PageLookup(result.url, now)
    return PageLookup(result.url, now, extract_links(result.body, result.final_url, content_type))


# --- fetching -----------------------------------------------------------------------------------


async def page_links(
    urls: Iterable[str],
    fetcher: Fetcher,
    known: PageLinkCache,
    *,
    now: datetime | None = None,
    logins: Mapping[str, Login] | None = None,
) -> dict[str, tuple[str, ...]]:
    """Per URL, the links on its page: remembered, or looked up now and remembered.

    URLs whose look-up failed (now, or less than a day ago) are left out.  `logins`: the login
    of each URL's blog, by URL (sent only to that blog's feed's origin).
    """
    now = now or datetime.now(UTC)
    found: dict[str, tuple[str, ...]] = {}
    by_host: dict[str, list[str]] = defaultdict(list)
    for url in dict.fromkeys(urls):
        lookup = known.get_page_lookup(url)
        if lookup is not None and lookup.ok:
            found[url] = lookup.links
        elif due(lookup, now):
            by_host[(urlsplit(url).hostname or "").lower()].append(url)
    results = await asyncio.gather(
        *(_one_host(fetcher, batch, now, logins or {}) for batch in by_host.values())
    )
    for lookup in (lookup for batch in results for lookup in batch):
        known.put_page_lookup(lookup)
        if lookup.ok:
            found[lookup.url] = lookup.links
    return found


async def _one_host(
    fetcher: Fetcher, urls: list[str], now: datetime, logins: Mapping[str, Login]
) -> list[PageLookup]:
    """One host's pages, one request after another."""
    from ..feeds.fetch import HTML_ACCEPT  # here: the build, which reads only remembered links,
    # imports this module without the HTTP client

    lookups = []
    for url in urls:
        result = await fetcher.fetch(url, accept=HTML_ACCEPT, login=logins.get(url))
        # BeautifulSoup on a big page takes a while: off the loop, so other hosts go on.
        lookups.append(await asyncio.to_thread(lookup_of, result, now))
    return lookups


def by_post(posts: Iterable[StoredPost], links: Mapping[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Links per URL (page_links' answer) as links per post id (what select takes)."""
    return {post.id: links[post.url] for post in posts if post.url in links}


def remembered_page_links(
    posts: Iterable[StoredPost], known: PageLinkCache
) -> dict[str, tuple[str, ...]]:
    """Per post id, the links remembered from its page; no request (for the build)."""
    found = {}
    for post in posts:
        lookup = known.get_page_lookup(post.url)
        if lookup is not None and lookup.ok:
            found[post.id] = lookup.links
    return found


async def parade_page_links(
    parades: Iterable[Parade],
    posts: Iterable[StoredPost],
    fetcher: Fetcher,
    known: PageLinkCache,
    *,
    today: date,
    grace_days: int,
    participants: Mapping[str, Participant] | Iterable[Participant] = (),
    now: datetime | None = None,
    logins: Mapping[str, Login] | None = None,
) -> dict[str, tuple[str, ...]]:
    """The fetch stage's step: look at the pages of the candidates of the parades still followed
    (open, or closed less than `grace_days` ago), and return links per post id for select.

    Parades long closed ask nothing any more: what their posts' pages said is remembered.
    """
    posts = list(posts)
    participants = list(participants.values() if isinstance(participants, Mapping) else participants)
    wanted = {
        post.id: post
        for parade in followed_parades(parades, today, grace_days)
        for post in candidates_needing_page(parade, posts, participants=participants)
    }
    by_blog = logins or {}  # a post's page is asked with its blog's login (on its origin only)
    login_of = {post.url: by_blog[post.participant] for post in wanted.values()
                if post.participant in by_blog}  # fmt: skip
    links = await page_links([post.url for post in wanted.values()], fetcher, known, now=now,
                             logins=login_of)  # fmt: skip
    return by_post(wanted.values(), links)
