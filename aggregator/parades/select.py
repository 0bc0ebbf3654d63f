"""select: which stored posts belong to which parade.  Pure logic over records, no I/O.

A post belongs to a parade when it was published within the window and either links to the call
or carries the parade's tag (a category, case-insensitive, or a ``#Tag`` in its text).  The
editor's Include and Exclude lists override that; the call itself never is its own contribution.

Links are compared the way a person would (`urls.page_key`).  The same post reached through two
feeds (a company blog and an employee's author feed, say) counts once.

Posts of feeds that carry only summaries may have lost the link to the call; for those
(`candidates_needing_page`) pages.py looks at the post's own page once, and the links it found
come back in here as `page_links`.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from functools import lru_cache
from urllib.parse import urlsplit

from ..feeds.clean import plain_text
from ..models import Participant, StoredPost, title_key
from ..urls import host_key, leads_to, page_key
from .files import Parade, state

# An excerpt or content that ends like this was cut short by the blog, not by its author.
_ABSOLUTE = re.compile(r"^https?://", re.I)
_TAG = re.compile(r"<[^>]*>")
MORE_MARKER = re.compile(
    r"(\[\s*(?:…|\.\.\.|&hellip;)\s*\]|…|\.\.\.|\b(?:weiterlesen|mehr lesen|(?:den )?"
    r"(?:ganzen|vollständigen) (?:artikel|beitrag) lesen|read more|continue reading|"
    r"read the full (?:post|article))\b)[\s.:»›>→\]]*$",
    re.I,
)
# Yoast and others end every feed item with this; it says nothing about the post's length.
_FEED_FOOTER = re.compile(
    r"\s*(?:der beitrag .{1,300}? erschien zuerst auf .{1,200}?|"
    r"the post .{1,300}? appeared first on .{1,200}?)\.?\s*$",
    re.I,
)
# Shorter than this, a post's text is taken for a feed summary (WordPress cuts at 55 words,
# about 400 characters; no post that links to a call and says something is that short).
SUMMARY_LIMIT = 500
_TAIL = 800  # a feed footer fits in this many characters at the end
_MARKER_ROOM = 80  # and a "more" marker in this many


def links_to(post: StoredPost, keys: frozenset[str], extra: Iterable[str] = ()) -> bool:
    """Whether the post's body (or `extra` links, found on its page) leads to the page whose
    `page_key`s are `keys` (a parade's `call_keys`: its address and its shortlink)."""
    hosts = _hosts(keys)
    links = (*post.links, *extra)
    return any(leads_to(link, keys, post.url) for link in links if _may_be_on(link, hosts))


@lru_cache(maxsize=64)
def _hosts(keys: frozenset[str]) -> tuple[str, ...]:
    return tuple({key.split("/", 1)[0].split("?", 1)[0] for key in keys})


def _may_be_on(link: str, hosts: tuple[str, ...]) -> bool:
    """False only where `link` cannot be on any of `hosts`: an absolute ASCII URL without their
    names in it.  Most links are that, and this spares normalising them (20,000 posts)."""
    if not (link.isascii() and _ABSOLUTE.match(link)):
        return True
    lowered = link.lower()
    return any(host in lowered for host in hosts)


# --- tags ---------------------------------------------------------------------------------------


def _tag_key(tag: str) -> str:
    return " ".join(tag.lstrip("#").split()).casefold()


@lru_cache(maxsize=64)
def _hashtag(tag: str) -> re.Pattern[str]:
    # A hashtag has no spaces: the tag "Blogparade Remote" is written #BlogparadeRemote.  Not
    # inside a word, a URL ("/#Tag"), an entity ("&#Tag") or a longer tag ("#TagTwo").
    compact = re.escape("".join(tag.lstrip("#").split()))
    return re.compile(rf"(?<![\w#&/])#{compact}(?![\w-])", re.I)


def carries_tag(post: StoredPost, tag: str | None) -> bool:
    """The tag as a category (case-insensitive, "#" or no "#") or as a #hashtag in the text."""
    if not tag:
        return False
    if _tag_key(tag) in {_tag_key(category) for category in post.categories}:
        return True
    compact = "".join(tag.lstrip("#").split()).casefold()
    if compact not in post.excerpt.casefold() and compact not in post.content_html.casefold():
        return False  # the tag's letters are nowhere: no need to read the text out of the HTML
    pattern = _hashtag(tag)
    return bool(pattern.search(post.excerpt) or pattern.search(plain_text(post.content_html)))


def rough_text(html: str) -> str:
    """The text of the store's HTML, by pattern: it is our sanitiser's output (regular markup,
    no scripts or comments), so this is exact enough to measure it and read its last words,
    at a fraction of plain_text's cost."""
    return " ".join(html_lib.unescape(_TAG.sub(" ", html)).split())


# --- contributions ------------------------------------------------------------------------------


def _by_slug(participants: Mapping[str, Participant] | Iterable[Participant]) -> dict[str, Participant]:
    if isinstance(participants, Mapping):
        return dict(participants)
    return {participant.slug: participant for participant in participants}


def home_like(posts: list[StoredPost], participants: Mapping[str, Participant]) -> frozenset[str]:
    """Ids of posts whose URL is no post's own address but a blog's home page.

    clean gives a post without a usable link its blog's home page; such URLs say nothing about
    which post it is.  Known: the participant's home, a site root, and an address several posts
    of one blog under different titles share (a podcast's episodes its show's page, a blog at
    /blog/ whose feed gives its posts none).  Posts of one blog that share any other URL under
    one title are one post (its copy after the blog moved to https, or changed its guids),
    counted once.
    """
    homes = {slug: page_key(p.home) for slug, p in participants.items() if p.home}
    ids = set()
    titles: dict[tuple[str, str], set[str]] = {}
    for post in posts:
        key = page_key(post.url)
        root = "/" not in key and "?" not in key
        if root or key == homes.get(post.participant):
            ids.add(post.id)
        titles.setdefault((post.participant, key), set()).add(title_key(post.title))
    shared = {place for place, named in titles.items() if len(named) > 1}
    ids |= {post.id for post in posts if (post.participant, page_key(post.url)) in shared}
    return frozenset(ids)


@lru_cache(maxsize=64)
def _keys(parade: Parade) -> tuple[frozenset[str], frozenset[str], frozenset[str]]:
    """The call's, the included and the excluded URLs' keys, computed once per parade."""
    include = frozenset(page_key(url) for url in parade.include)
    exclude = frozenset(page_key(url) for url in parade.exclude)
    return parade.call_keys, include, exclude


def belongs(parade: Parade, post: StoredPost, page_links: Iterable[str] = (), copies: Iterable[str] = ()) -> bool:
    """The rule itself, for one post: window and (link to the call or tag), overrides first.
    `copies`: the addresses of the post's other copies (a moved blog's), which the parade file
    may name it by."""
    calls, include, exclude = _keys(parade)
    in_window = parade.admits(post.published)  # late ones too, where the parade takes them
    if not in_window and not include:
        return False  # only Include takes a post from outside the window (most posts are)
    keys = {page_key(post.url), *map(page_key, copies)}
    if keys & calls:
        return False  # the call is not its own contribution, whatever else it says
    if keys & exclude:
        return False
    if keys & include:
        return True
    if not in_window:
        return False
    return links_to(post, calls, page_links) or carries_tag(post, parade.tag)


def contributions(
    parade: Parade,
    posts: Iterable[StoredPost],
    *,
    page_links: Mapping[str, tuple[str, ...]] | None = None,
    participants: Mapping[str, Participant] | Iterable[Participant] = (),
    copies: Mapping[str, tuple[str, ...]] | None = None,
) -> list[StoredPost]:
    """The parade's contributions among `posts`, once each, oldest first.

    `page_links`: per post id, the links found on the post's own page (pages.py).
    `copies`: per post id, the addresses of its other copies (models.other_copies).
    `participants`: lets a home-page URL be recognised as such and a post reached through two
    blogs' feeds be credited to the one it was published on; it works without, less surely.
    """
    posts = list(posts)
    people = _by_slug(participants)
    page_links, copies = page_links or {}, copies or {}
    found = [post for post in posts if belongs(parade, post, page_links.get(post.id, ()), copies.get(post.id, ()))]
    blogs = {post.participant for post in found}
    homes = home_like([post for post in posts if post.participant in blogs], people)
    return sorted(dedupe(found, people, homes), key=lambda post: (post.published, post.id))


def _global_guid(guid: str) -> bool:
    # Only ids meant to be unique everywhere (URLs, tag: and urn: URIs) tell that two feeds
    # carry one post; "post-1" or a hash of title and date may well repeat between blogs.
    return ":" in guid and len(guid) >= 12


def _credit(post: StoredPost, people: Mapping[str, Participant]) -> tuple[int, int]:
    """How well the post's URL matches its participant's home: host first, then path prefix."""
    participant = people.get(post.participant)
    if participant is None:
        return (0, 0)
    home, url = urlsplit(participant.home), urlsplit(post.url)
    if host_key(home.hostname or "") != host_key(url.hostname or ""):
        return (0, 0)
    prefix = home.path.rstrip("/") + "/"
    return (1, len(prefix) if url.path.startswith(prefix) else 0)


def dedupe(
    posts: Iterable[StoredPost],
    participants: Mapping[str, Participant] = {},  # noqa: B006 - read only
    homes: frozenset[str] = frozenset(),
) -> list[StoredPost]:
    """One post per guid / canonical link; from the blog it was published on, else the first seen.

    Posts whose URL is only a home page (`homes`) are never merged by link.
    """
    def preference(post: StoredPost) -> tuple[object, ...]:
        host, prefix = _credit(post, participants)
        return (-host, -prefix, post.first_seen, post.participant, post.id)

    seen: set[tuple[str, str]] = set()
    kept = []
    for post in sorted(posts, key=preference):
        keys = {("guid", post.guid)} if _global_guid(post.guid) else set()
        if post.id not in homes:
            keys.add(("link", page_key(post.url)))
        if keys & seen:
            continue
        seen |= keys
        kept.append(post)
    return kept


# --- what else needs doing ----------------------------------------------------------------------


def followed_parades(parades: Iterable[Parade], today: date, grace_days: int) -> list[Parade]:
    """Parades that are open, or closed no more than `grace_days` ago; one that takes late
    contributions until `grace_days` after its roundup (it may get some until then)."""
    return [parade for parade in parades if followed_parade(parade, today, grace_days)]


def followed_parade(parade: Parade, today: date, grace_days: int) -> bool:
    where = state(parade, today)
    if where != "closed":
        return where == "open"
    if parade.late:
        return parade.roundup_date is None or today <= parade.roundup_date + timedelta(days=grace_days)
    return today <= parade.end + timedelta(days=grace_days)


def followed_posts(
    parades: Iterable[Parade],
    posts: Iterable[StoredPost],
    today: date,
    grace_days: int,
    *,
    page_links: Mapping[str, tuple[str, ...]] | None = None,
    participants: Mapping[str, Participant] | Iterable[Participant] = (),
    copies: Mapping[str, tuple[str, ...]] | None = None,
) -> frozenset[str]:
    """Ids of the contributions whose comments are followed beyond the usual days: those of open
    parades and of parades closed less than `grace_days` ago (comments come in after the end)."""
    posts = list(posts)
    return frozenset(
        post.id
        for parade in followed_parades(parades, today, grace_days)
        for post in contributions(parade, posts, page_links=page_links, participants=participants, copies=copies)
    )


def looks_like_summary(post: StoredPost) -> bool:
    """Whether the feed seems to carry only a summary of the post, so its links may be missing.

    Rule: the text (without a "The post … appeared first on …" footer) is shorter than
    SUMMARY_LIMIT characters, or it ends in a "more" marker: "[…]", "…", "...", "Weiterlesen",
    "Read more", "Continue reading" and the like.
    """
    if len(post.content_html) < SUMMARY_LIMIT:  # the text is shorter than its HTML
        return True
    text = without_feed_footer(rough_text(post.content_html))
    # The marker is at the very end: searching all of a long text for it costs 100 times more.
    return len(text) < SUMMARY_LIMIT or bool(MORE_MARKER.search(text[-_MARKER_ROOM:]))


def without_feed_footer(text: str) -> str:
    """A post's text without the "… appeared first on …" line its feed adds (Yoast and others)."""
    tail = text[-_TAIL:]
    lowered = tail.lower()
    if "erschien zuerst auf" not in lowered and "appeared first on" not in lowered:
        return text  # the usual case, without running the pattern
    return text[: -len(tail)] + _FEED_FOOTER.sub("", tail)


def candidates_needing_page(
    parade: Parade,
    posts: Iterable[StoredPost],
    *,
    participants: Mapping[str, Participant] | Iterable[Participant] = (),
) -> list[StoredPost]:
    """Posts in the window that neither link to the call nor carry the tag, and whose feed seems
    to carry only a summary: whether they link to the call only their own page can tell."""
    posts = list(posts)
    homes = home_like(posts, _by_slug(participants))
    calls, include, exclude = _keys(parade)
    decided = calls | include | exclude
    return [
        post for post in posts
        if post.id not in homes
        and parade.admits(post.published)
        and page_key(post.url) not in decided
        and post.url.startswith(("http://", "https://"))
        and not links_to(post, calls)
        and not carries_tag(post, parade.tag)
        and looks_like_summary(post)
    ]  # fmt: skip
