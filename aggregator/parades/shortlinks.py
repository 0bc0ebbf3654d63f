"""The shortlinks of parades' calls, learnt from the call's own page.

Contributors link a WordPress call by its permalink or by its shortlink `https://host/?p=42`
(the editor's "Copy shortlink"; also the post's guid).  Where the call is a joined blog's post,
its guid names the shortlink (membership.with_call_aliases).  Elsewhere the call's page says it:
WordPress writes ``<link rel="shortlink" href="…">`` in its head and sends
``Link: <…>; rel=shortlink`` with it.  The fetch stage reads the call's page on every run for
its comment list (collect.read_call_pages) and stores the shortlink it names; `submit` reads it
here where no read has succeeded yet or the last is a week old.  Through the fetch layer (the
network policy applies).  Only an address on the call's own site, and not its front page, is
taken: the page is not trusted to make another site's address count as the call.
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterable, Mapping
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from ..headers import header_link
from ..models import FetchResult
from ..store import Store
from ..urls import is_http_url, page_key, same_host
from .files import Parade

if TYPE_CHECKING:  # the build asks for the shortlinks stored, and never needs the HTTP client
    from ..feeds.fetch import Fetcher

REREAD = timedelta(days=7)  # a post's shortlink is its ID: it changes only if the call is moved
REL = "shortlink"


def on_call_site(shortlink: str, call_url: str) -> bool:
    """Whether `shortlink` may stand for the call: an http(s) address on the call's host that is
    not the site's front page (which every "home" link would then reach)."""
    if not (is_http_url(shortlink) and same_host(shortlink, call_url)):
        return False
    key = page_key(shortlink)
    return "/" in key or "?" in key


def due(call_url: str, known: Mapping[str, tuple[str | None, datetime]], now: datetime) -> bool:
    read = known.get(call_url)
    return read is None or now - read[1] >= REREAD


async def read_shortlink(fetcher: Fetcher, call_url: str) -> tuple[bool, str | None]:
    """One read of the call's page: whether it was read, and the shortlink on the call's site
    it names (the header first, then the page's head)."""
    from ..feeds.fetch import HTML_ACCEPT
    from .page_reading import head_shortlink, is_html

    result = await fetcher.fetch(call_url, accept=HTML_ACCEPT)
    if not result.ok:
        return False, None
    head = None
    content_type = result.headers.get("content-type", "")
    if is_html(content_type):
        body = result.body or b""
        head = await asyncio.to_thread(head_shortlink, body, result.final_url, content_type)
    return True, named_shortlink(result, head, call_url)


def named_shortlink(result: FetchResult, head: str | None, call_url: str) -> str | None:
    """The shortlink on the call's site an answer for its page names: its `Link` header first
    (WordPress sends it; a proxy may drop the page's head), then the page's head (`head`)."""
    found = (header_link(result.headers, REL, result.final_url), head)
    return next((url for url in found if url and on_call_site(url, call_url)), None)


async def learn_shortlinks(fetcher: Fetcher, store: Store, parades: Iterable[Parade], now: datetime) -> None:
    """Read the call pages whose shortlink is due, and store what they name.  A page that cannot
    be read is not recorded: the next run asks it again, and what an earlier read found stays."""
    known = store.call_shortlinks()
    calls = {parade.call_url for parade in parades if due(parade.call_url, known, now)}

    async def learn(call_url: str) -> None:
        read, shortlink = await read_shortlink(fetcher, call_url)
        if read:
            store.put_call_shortlink(call_url, shortlink, now)

    await asyncio.gather(*(learn(call) for call in sorted(calls)))


def stored_shortlinks(store: Store) -> dict[str, str]:
    """Per call address, the shortlink its page named."""
    return {call: shortlink for call, (shortlink, _) in store.call_shortlinks().items() if shortlink}
