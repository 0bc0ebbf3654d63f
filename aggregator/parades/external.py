"""Contributions from blogs that never joined: their blog, and their post as the store keeps it.

An accepted page becomes a post like any other, so the publish stage gives it a page (excerpt,
link to the original) and the comment stage follows its comments through the blog's comment feeds
while the parade is followed.  Its blog is an `ExternalBlog` (name, home, feed), standing in as a
participant of kind "external": the site lists it nowhere but on the parade's page and the post's
own, not on the blog roll, the home page, the site's feeds or the OPML.

A page on a joined blog's site (host and home path) is that blog's post, whichever channel named
it: it is stored under the blog's participant, as if its feed had carried it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol, TypeVar
from urllib.parse import urlsplit

from ..editors.participants import slugify
from ..models import CandidatePage, ExternalBlog, Participant, Post
from ..urls import feed_key, host_key
from .verify import Contribution

PREFIX = "ext_"  # participant file names are [a-z0-9-]: an "_" keeps the two apart for good


class _Blog(Protocol):
    @property
    def home(self) -> str: ...


Blog = TypeVar("Blog", bound=_Blog)


def joined_blog(url: str, participants: Iterable[Participant]) -> Participant | None:
    """The joined blog whose site `url` is on: same host, under its home's path (the longest)."""
    return blog_at(url, participants)


def blog_at(url: str, blogs: Iterable[Blog]) -> Blog | None:
    """The blog whose site `url` is on: same host, under its home's path (the longest)."""
    try:
        page = urlsplit(url)
    except ValueError:
        return None
    best: tuple[int, Blog] | None = None
    for blog in blogs:
        home = urlsplit(blog.home)
        if host_key(home.hostname or "") != host_key(page.hostname or "") or home.port != page.port:
            continue
        prefix = home.path.rstrip("/") + "/"
        if (page.path.rstrip("/") + "/").startswith(prefix) and (best is None or len(prefix) > best[0]):
            best = (len(prefix), blog)
    return best[1] if best else None


def find_blog(home: str, blogs: Iterable[ExternalBlog]) -> ExternalBlog | None:
    key = feed_key(home)
    return next((blog for blog in blogs if feed_key(blog.home) == key), None)


def new_slug(home: str, taken: Iterable[str]) -> str:
    """`ext_` and the home's host and path: stable, readable, unique among `taken`."""
    parts = urlsplit(home)
    base = PREFIX + slugify(f"{host_key(parts.hostname or '')} {parts.port or ''} {parts.path}")[:50]
    taken = set(taken)
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


def blog_of(found: Contribution, known: Sequence[ExternalBlog], now: datetime) -> ExternalBlog:
    """The external blog of an accepted page: known by its home, or new.  A page that names no
    home (no feed, no rel=home: a plainer template's) is of the known blog whose site it is on,
    if any; a known blog keeps its name, home and feed where the page names none."""
    blog = find_blog(found.blog_home, known) if found.home_named else blog_at(found.url, known)
    if blog is None:
        slug = new_slug(found.blog_home, (b.slug for b in known))
        return ExternalBlog(slug, found.blog_name, found.blog_home, found.blog_feed, now)
    return ExternalBlog(
        blog.slug, found.blog_name if found.blog_named else blog.name,
        found.blog_home if found.home_named else blog.home, found.blog_feed or blog.feed, blog.first_seen,
    )  # fmt: skip


def contribution_post(found: Contribution, page: CandidatePage, participant: str) -> Post:
    """The post an accepted page becomes: its page's words, its feed entry's body and comment
    feed where the blog's feed had the entry, and no count of its comments."""
    reading, entry = page.reading, page.entry
    assert reading is not None  # only a read page is accepted
    return Post(
        participant=participant,
        guid=entry.guid if entry else found.url,
        url=found.url,
        title=found.title,
        author=found.author,
        published=found.published,
        updated=None,
        excerpt=(entry.excerpt if entry else "") or reading.excerpt,
        content_html=entry.content_html if entry else "",
        categories=entry.categories if entry else (),
        language=reading.language or (entry.language if entry else None),
        links=reading.links,
        comment_feed=(entry.comment_feed if entry else None) or reading.comment_feed,
        # Its feed's count when the page was found, which no later read of the blog refreshes
        # (its feed is not followed): a count of 0 kept its comment feed from being asked again,
        # and the comments its readers wrote later never came.  Unknown: asked each run while
        # its parade is followed (a conditional request).
        comment_count=None,
    )


def participants_of(blogs: Iterable[ExternalBlog]) -> list[Participant]:
    """The external blogs as participants.  One that joined since stays too: what it contributed
    before keeps its page (select.dedupe prefers its joined twin where the feed has the post)."""
    return [blog.as_participant() for blog in blogs]
