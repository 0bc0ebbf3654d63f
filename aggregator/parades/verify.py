"""verify: is a candidate page a contribution to a parade?  Pure: the same evidence and parade give
the same verdict, whatever the day, so it is recomputed wherever it is needed (fetch, build,
`parade status`) and an edited parade file (an Exclude, a later End) counts at once, without
fetching again.

The evidence is what the fetch stage stored about the page (`CandidatePage`): its reading
(page_reading.py), the blog's own feed entry for it where the feed has one, or why the page
could not be read.  The rules, in order:

1. the call itself, by its URL or its page's canonical URL, never contributes;
2. Exclude rejects, Include accepts whatever else holds (a page that cannot be read is still
   rejected: there is nothing to show of it);
3. the page must have been read: not fetched, or not HTML, is a rejection with the reason;
4. its publication date, from (in this order) the blog's own feed entry, the h-entry's
   ``dt-published``, JSON-LD ``datePublished``, ``article:published_time``, microdata's
   ``datePublished``, a ``<time>`` in the article, else the date the channel gave (a pingback's arrival), else when it was first seen,
   must be within the window (or after it, marked late, where the parade takes late ones); a
   date more than FUTURE_TOLERANCE after the look that read the page is not believed;
5. its article (or its feed entry) must link to the call, as select.py compares links.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from urllib.parse import urlsplit

from ..models import FUTURE_TOLERANCE, CandidatePage, PageReading, ParadeCandidate, Post, StoredPost
from ..urls import host_key, leads_to, page_address, page_key
from .files import Parade, plausible
from .select import carries_tag, links_to



class Reason(str, Enum):
    """A verdict's reason, in the words `parade status` shows."""

    ACCEPTED = "accepted"
    LATE = "accepted, late"
    INCLUDED = "included by the parade file"
    NO_LINK = "doesn't link to the call"
    OUT_OF_WINDOW = "out of the window"
    UNFETCHABLE = "can't be fetched"
    NOT_HTML = "not HTML"
    IS_CALL = "is the call itself"
    EXCLUDED = "excluded by the parade file"
    PENDING = "not checked yet"

    def __str__(self) -> str:
        return self.value


ACCEPTING = frozenset({Reason.ACCEPTED, Reason.LATE, Reason.INCLUDED})


@dataclass(frozen=True)
class Contribution:
    """An accepted page: what the parade's page, feed and roundup show of it."""

    url: str  # the page's canonical address
    title: str
    author: str
    published: datetime  # aware
    # Where the date came from: "feed", "h-entry", "json-ld", "article:published_time", "time",
    # "channel" (a pingback's or webmention's), "first seen".
    date_source: str
    blog_name: str
    blog_home: str
    blog_feed: str | None
    late: bool
    # Whether the page or its feed named the blog, and its home: a page saying nothing of them
    # (no og:site_name, no feed link, no rel=home) is given its host for a name and its site's
    # root for a home, guesses that must not rename or move a blog known better.
    blog_named: bool = True
    home_named: bool = True


@dataclass(frozen=True)
class Verdict:
    reason: Reason
    detail: str = ""  # the fetch error, the date and window, the content type
    contribution: Contribution | None = None

    @property
    def accepted(self) -> bool:
        return self.reason in ACCEPTING

    def __str__(self) -> str:
        return f"{self.reason}: {self.detail}" if self.detail else str(self.reason)


def verify(candidate: ParadeCandidate, page: CandidatePage | None, parade: Parade) -> Verdict:
    """The verdict on one candidate of `parade`, from what is known about its page."""
    calls = parade.call_keys
    include = {page_key(url) for url in parade.include}
    exclude = {page_key(url) for url in parade.exclude}
    if candidate.key in calls:
        return Verdict(Reason.IS_CALL)
    if candidate.key in exclude:
        return Verdict(Reason.EXCLUDED)
    if page is None:
        return Verdict(Reason.PENDING)
    reading = page.reading
    if reading is None:
        reason = Reason.NOT_HTML if page.problem == "not-html" else Reason.UNFETCHABLE
        return Verdict(reason, page.error or "")
    keys = {page_key(reading.url), page_key(reading.canonical or reading.url)}
    if calls & keys:
        return Verdict(Reason.IS_CALL, f"{candidate.url} leads to it")
    if keys & exclude:
        return Verdict(Reason.EXCLUDED)
    published, source = publication(reading, page.entry, candidate, parade, page.checked_at)
    late = parade.is_late(published)
    found = contribution(reading, page, published, source, late)
    if candidate.key in include or keys & include:
        return Verdict(Reason.INCLUDED, contribution=found)
    if not parade.admits(published):
        return Verdict(Reason.OUT_OF_WINDOW, window_detail(parade, published, source))
    if not links_to_call(reading, page.entry, calls):
        return Verdict(Reason.NO_LINK)
    return Verdict(Reason.LATE if late else Reason.ACCEPTED, contribution=found)


def publication(
    reading: PageReading, entry: Post | None, candidate: ParadeCandidate, parade: Parade,
    looked_at: datetime,
) -> tuple[datetime, str]:  # fmt: skip
    """The page's publication date and where it was found (see the module's rule 4).

    A date too far ahead is measured against `looked_at`, the look that read the page, not
    today: otherwise a page dated weeks ahead would be accepted by its pingback's date first and
    dropped, from the same evidence, once its own date came near."""
    latest = looked_at + FUTURE_TOLERANCE
    for moment, source in (
        (entry.published if entry else None, "feed"),
        (reading.published, reading.date_source or "page"),
        (candidate.date, "channel"),
    ):
        moment = plausible(moment)  # evidence stored before such dates were left out, too
        if moment is not None:
            moment = _aware(moment, parade)
            if moment <= latest:
                return moment, source
    return candidate.first_seen, "first seen"


def _aware(moment: datetime, parade: Parade) -> datetime:
    """A naive date (a page that gives a day, no time) is a time in the site's zone."""
    return moment if moment.tzinfo else moment.replace(tzinfo=parade.zone)


def window_detail(parade: Parade, published: datetime, source: str) -> str:
    day = parade.local_date(published).isoformat()
    if published < parade.window_start:
        where = f"before the parade started on {parade.start}"
    elif parade.late and parade.roundup_date is not None and parade.is_late(published):
        where = f"after the roundup of {parade.roundup_date}"
    else:
        where = f"after the parade ended on {parade.end}"
    return f"published {day} ({_SOURCES.get(source, source)}), {where}"


_SOURCES = {
    "feed": "its blog's feed", "h-entry": "h-entry", "json-ld": "JSON-LD",
    "article:published_time": "article:published_time", "microdata": "microdata's datePublished",
    "time": "<time> in the article",
    "channel": "the date its channel gave", "first seen": "first seen",
}  # fmt: skip


def links_to_call(reading: PageReading, entry: Post | None, calls: frozenset[str]) -> bool:
    """The article, or the blog's feed entry of it, links to the call (as a person would see it;
    `calls`: the parade's `call_keys`)."""
    links = (*reading.links, *(entry.links if entry else ()))
    return any(leads_to(link, calls, reading.url) for link in links)


def contribution(
    reading: PageReading, page: CandidatePage, published: datetime, source: str, late: bool
) -> Contribution:
    """What is shown of an accepted page: the page's own words first, then its feed entry's."""
    entry = page.entry
    url = canonical(reading, page.feed_home)
    home, writer = blog_home(reading, page), writers_home(reading, page)
    author = reading.author or (entry.author if entry else "")
    named = reading.site_name or page.feed_title
    site = named or host_key(urlsplit(home).hostname or "")
    if home == writer:  # one writer of many: "Anna (Medium)"
        site, named = f"{author or urlsplit(home).path.strip('/@')} ({site})", site
    return Contribution(
        url=url,
        title=reading.title or (entry.title if entry else "") or url,
        author=author,
        published=published,
        date_source=source,
        blog_name=site,
        blog_named=bool(named),
        home_named=home == writer or named_home(reading, page) is not None,
        blog_home=home,
        blog_feed=reading.feed,
        late=late,
    )


def canonical(reading: PageReading, feed_home: str | None = None) -> str:
    """The page's canonical address where it is on the page's own site and is no home page,
    else the address it was read at; either without tracking parameters (`urls.page_address`).

    A page naming another site's page as its canonical one would send the parade's readers
    there; one naming its site's root or its blog's home (rel=home, its feed's home: an SEO
    plugin set up wrong) would make all of that blog's contributions one."""
    if reading.canonical and not _home_page(reading.canonical, (reading.home, feed_home)):
        here, there = urlsplit(reading.url), urlsplit(reading.canonical)
        if host_key(here.hostname or "") == host_key(there.hostname or "") and here.port == there.port:
            return page_address(reading.canonical)
    return page_address(reading.url)


def _home_page(url: str, homes: Iterable[str | None]) -> bool:
    key = page_key(url)
    root = "/" not in key and "?" not in key
    return root or key in {page_key(home) for home in homes if home}


def blog_home(reading: PageReading, page: CandidatePage) -> str:
    """The blog's home page: its feed's link, the page's rel=home, else the root of the site the
    contribution is shown at (a blog in a sub-folder names its home in one of the first two); on
    a site of many writers, the writer's own path (`writers_home`)."""
    named = named_home(reading, page)
    writer = writers_home(reading, page)
    if writer and (named is None or _home_page(named, ())):
        return writer
    parts = urlsplit(canonical(reading, page.feed_home))  # not another site's that it names canonical
    return named or f"{parts.scheme}://{parts.netloc}/"


def named_home(reading: PageReading, page: CandidatePage) -> str | None:
    """The home the blog's feed or the page names (http(s) only), else None."""
    return next((home for home in (page.feed_home, reading.home) if home and home.startswith(("http://", "https://"))),
                None)  # fmt: skip


# Sites of many writers, each under a path of their own, whose pages name the whole site as
# their home and site name: dev.to/anna/…, write.as/anna/…; and any /@anna/… (Medium, Mastodon).
_WRITERS_BY_PATH = frozenset({"dev.to", "write.as"})


def writers_home(reading: PageReading, page: CandidatePage) -> str | None:
    """The writer's own path where the contribution is on a site of many writers, else None."""
    parts = urlsplit(canonical(reading, page.feed_home))
    segments = parts.path.split("/")
    first = segments[1] if len(segments) > 2 and segments[2] else ""  # a post under it, not the path itself
    if (first.startswith("@") and len(first) > 1) or (first and host_key(parts.hostname or "") in _WRITERS_BY_PATH):
        return f"{parts.scheme}://{parts.netloc}/{first}/"
    return None


def judge_post(parade: Parade, post: StoredPost, page_links: tuple[str, ...] = ()) -> Verdict:
    """The verdict on a joined blog's post, as select.belongs decides it, with its reason (for
    `parade status`: a pingback from a joined blog is judged as that blog's post)."""
    key = page_key(post.url)
    if key in parade.call_keys:
        return Verdict(Reason.IS_CALL)
    if key in {page_key(url) for url in parade.exclude}:
        return Verdict(Reason.EXCLUDED)
    if key in {page_key(url) for url in parade.include}:
        return Verdict(Reason.INCLUDED)
    if not parade.admits(post.published):
        return Verdict(Reason.OUT_OF_WINDOW, window_detail(parade, post.published, "feed"))
    if not (links_to(post, parade.call_keys, page_links) or carries_tag(post, parade.tag)):
        return Verdict(Reason.NO_LINK, "nor carries the tag" if parade.tag else "")
    return Verdict(Reason.LATE if parade.is_late(post.published) else Reason.ACCEPTED)
