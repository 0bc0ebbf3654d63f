"""Where links lead: a link to a call's old slug (WordPress redirects it to the new one) or through
a URL shortener (bit.ly, Jetpack's wp.me) is a link to the call for its readers.

- A candidate's page follows such links when none of its own leads to a call as written
  (`with_redirects`), as it is looked at.
- A joined blog's post in a parade's window that does not belong to it as written has such
  links followed once by the fetch stage (`follow_joined_links`: links on a call's site, and
  those of the well-known shorteners; a failed one again a day later), and where they led is
  stored (the store's link_targets); select.py then counts them with the post's links
  (`with_link_targets`), for the build, the roundup and `parade status` alike.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from ..models import FetchResult, LinkTarget, PageReading, Post, StoredPost
from ..urls import host_key, leads_to, page_key, same_host
from .files import Parade
from .select import links_to
from .shortlinks import on_call_site
from .verify import links_to_call

if TYPE_CHECKING:  # the build reads where links led, and never needs the HTTP client
    from ..feeds.fetch import Fetcher
    from ..store import Store

MAX_FOLLOWED = 5  # links of one page or post followed to where they redirect
MAX_JOINED_LINKS = 200  # links of joined blogs' posts followed in one run (the next run goes on)
RETRY_AFTER = timedelta(days=1)  # a link that could not be followed is tried again after this
# Shorteners people paste into posts: the joined blogs' links to other hosts are followed only
# through these (a generic "short path" would send a request to every YouTube and GitHub link).
SHORTENERS = frozenset({
    "bit.ly", "bitly.com", "buff.ly", "cutt.ly", "dlvr.it", "ift.tt", "is.gd", "lnkd.in", "ow.ly",
    "rb.gy", "rebrand.ly", "s.id", "shorturl.at", "t.co", "t1p.de", "tiny.cc", "tinyurl.com",
    "v.gd", "wp.me", "0cn.de", "kurzelinks.de", "kurzlink.de",
})  # fmt: skip


async def with_redirects(
    reading: PageReading, entry: Post | None, fetcher: Fetcher, parades: Sequence[Parade]
) -> PageReading:
    """The reading with, among its links, where those that may redirect to a call lead, when
    none of the page's or its feed entry's leads to a call as written: a link to the call's old
    slug (WordPress redirects it) or through a URL shortener (bit.ly, Jetpack's wp.me) is a link
    to the call for its readers."""
    if not parades or any(links_to_call(reading, entry, parade.call_keys) for parade in parades):
        return reading
    on_call_sites = [link for link in reading.links if on_a_call_site(link, parades)]
    shortened = [link for link in reading.links if shortened_link(link, reading.url, parades)]
    links = (on_call_sites + shortened)[:MAX_FOLLOWED]
    from ..feeds.fetch import HTML_ACCEPT

    results = await asyncio.gather(*(fetcher.fetch(link, accept=HTML_ACCEPT) for link in links))
    led = (_led_to(link, result) for link, result in zip(links, results))
    targets = tuple(dict.fromkeys(target for target in led if target))
    return replace(reading, links=reading.links + targets) if targets else reading


def on_a_call_site(link: str, parades: Sequence[Parade]) -> bool:
    """Another address than a call's on its site, not the front page: an old slug, maybe."""
    return any(on_call_site(link, parade.call_url) for parade in parades) and not any(
        leads_to(link, parade.call_keys) for parade in parades
    )


def shortened_link(link: str, page_url: str, parades: Sequence[Parade]) -> bool:
    """A short address on another site than the page's and the calls', a shortener's
    (`https://bit.ly/3xY7abc`, Jetpack's `https://wp.me/p9abc-1x`): one short path segment, no
    file name."""
    if same_host(link, page_url) or any(same_host(link, parade.call_url) for parade in parades):
        return False
    path = urlsplit(link).path.strip("/")
    return 0 < len(path) <= 24 and not ({"/", "."} & set(path))


# --- joined blogs' posts ---------------------------------------------------------------------------


def joined_links_to_follow(
    parades: Sequence[Parade], posts: Iterable[StoredPost], page_links: Mapping[str, tuple[str, ...]],
    known: Mapping[str, LinkTarget], now: datetime,
) -> list[str]:  # fmt: skip
    """The links of `posts` to follow: of a post in a parade's window that does not belong to it
    as written (nor through where its links are known to lead), those on a call's site and those
    of a shortener, not followed yet or failed a day ago or more; MAX_FOLLOWED a post."""
    posts = list(posts)
    # A link to a post we know is that post, no old slug of a call: a host's own posts link its
    # site's other posts all the time.
    ours = {page_key(post.url) for post in posts}
    found: dict[str, None] = {}
    for post in posts:
        extra = page_links.get(post.id, ())
        written = (*post.links, *extra)
        led_to = tuple(_targets(written, known))
        waiting = [parade for parade in parades if parade.admits(post.published)
                   and page_key(post.url) not in parade.call_keys
                   and not links_to(post, parade.call_keys, (*extra, *led_to))]  # fmt: skip
        if not waiting:
            continue
        due = [link for link in dict.fromkeys(written)
               if _worth_following(link, post.url, waiting) and _due(known.get(link), now)
               and page_key(link) not in ours]  # fmt: skip
        found.update(dict.fromkeys(due[:MAX_FOLLOWED]))
    return list(found)[:MAX_JOINED_LINKS]


def _worth_following(link: str, post_url: str, parades: Sequence[Parade]) -> bool:
    if on_a_call_site(link, parades):
        return True
    host = host_key(urlsplit(link).hostname or "") if link.startswith(("http://", "https://")) else ""
    return host in SHORTENERS and shortened_link(link, post_url, parades)


def _due(target: LinkTarget | None, now: datetime) -> bool:
    return target is None or (target.error is not None and now - target.fetched_at >= RETRY_AFTER)


def _targets(links: Iterable[str], known: Mapping[str, LinkTarget]) -> Iterable[str]:
    for link in links:
        target = known.get(link)
        if target is not None and target.target:
            yield target.target


async def follow_joined_links(
    fetcher: Fetcher, store: Store, parades: Sequence[Parade], posts: Sequence[StoredPost],
    page_links: Mapping[str, tuple[str, ...]], now: datetime,
) -> int:  # fmt: skip
    """Follow the joined blogs' links that may redirect to a call (`joined_links_to_follow`)
    and store where they led; returns how many were followed."""
    links = joined_links_to_follow(parades, posts, page_links, store.link_targets(), now)
    if not links:
        return 0
    from ..feeds.fetch import HTML_ACCEPT

    results = await asyncio.gather(*(fetcher.fetch(link, accept=HTML_ACCEPT) for link in links))
    store.put_link_targets(_target_of(link, result, now) for link, result in zip(links, results))
    return len(links)


def _target_of(link: str, result: FetchResult, now: datetime) -> LinkTarget:
    target = _led_to(link, result)
    if target:
        return LinkTarget(link, now, target=target)  # where it led, whatever it answered
    return LinkTarget(link, now, error=str(result.error) if result.error else None)


def _led_to(link: str, result: FetchResult) -> str | None:
    """Where following `link` ended, if that is another page than the link's own."""
    return result.final_url if result.final_url and page_key(result.final_url) != page_key(link) else None


def with_link_targets(
    page_links: Mapping[str, tuple[str, ...]], posts: Iterable[StoredPost], known: Mapping[str, LinkTarget]
) -> dict[str, tuple[str, ...]]:
    """Per post id, the links of its page (pages.py) and where its followed links led."""
    found = dict(page_links)
    if not any(target.target for target in known.values()):
        return found
    for post in posts:
        extra = found.get(post.id, ())
        led_to = tuple(_targets((*post.links, *extra), known))
        if led_to:
            found[post.id] = extra + led_to
    return found
