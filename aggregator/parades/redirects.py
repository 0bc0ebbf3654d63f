"""Where links lead: a link to a call's old slug (WordPress redirects it to the new one) or through
a URL shortener (bit.ly, Jetpack's wp.me) is a link to the call for its readers.  The pages of
candidates follow such links when none of theirs leads to a call as written (`with_redirects`)."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import replace
from urllib.parse import urlsplit

from ..feeds.fetch import HTML_ACCEPT, Fetcher
from ..models import PageReading, Post
from ..urls import leads_to, page_key, same_host
from .files import Parade
from .shortlinks import on_call_site
from .verify import links_to_call

MAX_FOLLOWED = 5  # links of one page followed to where they redirect


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
    results = await asyncio.gather(*(fetcher.fetch(link, accept=HTML_ACCEPT) for link in links))
    targets = tuple(dict.fromkeys(
        result.final_url for link, result in zip(links, results)
        if result.final_url and page_key(result.final_url) != page_key(link)
    ))  # fmt: skip
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
