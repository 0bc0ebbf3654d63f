"""Which comment feeds to read, and which post each comment belongs to: pure logic, no I/O.

The common WordPress case costs about one request per blog per run: its site-wide Atom comment feed
(``/comments/feed/atom/``, ``?feed=comments-atom`` without pretty permalinks) carries the latest
comments of every post, threaded.  Per-post feeds are read only for posts whose known comment
count says that feed missed some, or whose count nobody tells us; never for posts whose count is known and unchanged since their comments were last read,
and only while a post is young enough to be followed (or belongs to an open parade).  Where the
blog names its REST API, the posts the site-wide feed missed are asked there first, all in one
request (update.py, wpapi.py), and only those still missing some have their own feed read; where
more are missing than that feed shows (a blog's first read), the API is asked before it
(`api_first`).

A comment the blog deleted (or took back as spam) leaves the site: a post whose count fell, or
rose by less than the comments that came since (`surplus`), has its feed read, and where this run's reads held a post's whole thread (as many comments as its
count says), its stored comments that they lack are hidden, and shown again should the blog
approve them again (`whole_threads`, `gone_at_source`).  A feed that shows part of a thread says
nothing of the rest: what it lacks stays.

WordPress puts threading (``thr:in-reply-to``) only into its Atom comment feeds, so a WordPress
RSS comment feed ``…/feed/`` is read as its Atom twin ``…/feed/atom/``; the RSS feed stays the
fallback where the twin does not exist.
"""

from __future__ import annotations

import html as html_lib
import re
from collections import Counter
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import AbstractSet, Callable, Iterable, Mapping, Sequence
from urllib.parse import urlsplit, urlunsplit

from ..models import Comment, CommentShown, ParsedEntry, Participant, PostHead
from ..urls import thread_key, without_fragment

PROBE_RETRY = timedelta(days=7)  # a guessed feed that was missing is guessed again after this


@dataclass(frozen=True)
class CommentFeed:
    """One comment feed to read: its URLs in order of preference, and the posts it may serve."""

    participant: Participant
    urls: tuple[str, ...]  # the first that answers is used (Atom twin first)
    posts: tuple[PostHead, ...]
    sitewide: bool = False
    announced: str | None = None  # the URL the blog itself named; the others are guesses

    def is_probe(self, url: str) -> bool:
        """A URL we guessed at: when it fails, that is no error, only a reason not to guess."""
        return url != self.announced


def _with_path(url: str, path: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, path, parts.query, ""))


def atom_twin(url: str) -> str | None:
    """WordPress's Atom comment feed beside its RSS one: `…/feed/` -> `…/feed/atom/`, and
    without pretty permalinks `?feed=rss2&p=12` -> `?feed=atom&p=12` (a post's comments in
    either: WordPress's feed of a single post is its comment feed), `?feed=comments-rss2` ->
    `?feed=comments-atom`."""
    parts = urlsplit(url)
    if parts.path.endswith("/feed/") or parts.path.endswith("/feed"):
        return _with_path(url, parts.path.rstrip("/") + "/atom/")
    query, found = _RSS2_QUERY.subn(r"\1feed=\2atom", parts.query)
    if found == 1:
        return urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
    return None


# The `feed` parameter of WordPress's RSS 2.0 comment feeds without pretty permalinks.
_RSS2_QUERY = re.compile(r"(^|&)feed=(comments-)?rss2(?=&|$)")


# Blogger's comment feeds: a post's, `/feeds/<post>/comments/default` at its blog or
# `/feeds/<blog>/<post>/comments/default` at www.blogger.com (anywhere below a path); group 1 is
# what comes before the last number.  They list 25 comments unless asked for more (GData's
# max-results, 500 at most): a longer thread lost the rest.
_BLOGGER_COMMENTS = re.compile(r"(.*/feeds/(?:\d+/)?)\d+/comments/default/?")
BLOGGER_MAX_RESULTS = 500


def whole_thread(url: str) -> str:
    """A Blogger comment feed's address asking for the whole thread; any other as it is."""
    parts = urlsplit(url)
    if not _BLOGGER_COMMENTS.fullmatch(parts.path) or "max-results=" in parts.query:
        return url
    asked = f"max-results={BLOGGER_MAX_RESULTS}"
    return urlunsplit(parts._replace(query=f"{parts.query}&{asked}" if parts.query else asked))


def blogger_sitewide(url: str) -> str | None:
    """The feed of all a Blogger blog's comments beside one of its posts' comment feeds (`url`),
    asking for as many as Blogger gives (its newest 500); None for any other address."""
    parts = urlsplit(url)
    found = _BLOGGER_COMMENTS.fullmatch(parts.path)
    if found is None or (parts.hostname == "www.blogger.com" and found.group(1) == "/feeds/"):
        return None  # www.blogger.com/feeds/<blog>/comments/default is a blog's own already
    path = found.group(1) + "comments/default"
    return urlunsplit((parts.scheme, parts.netloc, path, f"max-results={BLOGGER_MAX_RESULTS}", ""))


def is_wordpress_comment_feed(post: PostHead) -> bool:
    """WordPress names a post's comment feed `<permalink>feed/` (or `?feed=rss2&p=N`)."""
    feed = post.comment_feed or ""
    return bool(feed) and (feed.rstrip("/") == post.url.rstrip("/") + "/feed" or "feed=rss2" in feed)


# A WordPress post feed's `feed` parameter without pretty permalinks (`?feed=rss2`, `?feed=atom`).
_FEED_QUERY = re.compile(r"(?:^|&)feed=(?:rss2|atom|rss|rdf)?(?=&|$)")

# A WordPress archive's feed (`…/category/garten/feed/`, its tags' and authors' likewise): the blog
# is what comes before the archive.  (`…/category/garten/comments/feed/` would ask for the
# category "garten/comments": a 404.)
_ARCHIVE = re.compile(r"(.*)/(?:category|tag|author)/[^/]+(?:/[^/]+)*")


def sitewide_feeds(participant: Participant) -> tuple[str, ...]:
    """A WordPress blog's site-wide comment feeds, from its post feed's URL: the Atom one first
    (threaded), the RSS one where Atom feeds are switched off.  Without pretty permalinks (its
    feed `?feed=rss2`, an archive's `?cat=3&feed=rss2`): `?feed=comments-atom` and
    `?feed=comments-rss2` on the blog's home."""
    parts = urlsplit(participant.feed)
    path = parts.path
    if _FEED_QUERY.search(parts.query):
        return tuple(urlunsplit((parts.scheme, parts.netloc, path, f"feed={kind}", ""))
                     for kind in ("comments-atom", "comments-rss2"))  # fmt: skip
    for suffix in ("/feed/atom/", "/feed/atom", "/feed/", "/feed"):
        if path.endswith(suffix):
            base = path[: -len(suffix)]
            archive = _ARCHIVE.fullmatch(base)
            if archive:
                base = archive.group(1)
            return tuple(_with_path(participant.feed, base + tail)
                         for tail in ("/comments/feed/atom/", "/comments/feed/"))
    return ()


def followed(post: PostHead, now: datetime, days: int, always: frozenset[str]) -> bool:
    """Comments are followed while a post is young (`days`; 0: never), and always for posts in
    open parades."""
    return post.id in always or (days > 0 and post.published >= now - timedelta(days=days))


def may_want_comments(post: PostHead) -> bool:
    """Whether a post's own comment feed may be worth a request, whatever is stored of it: it
    has one, and its count is not 0 (unknown, or some), or has fallen to 0 (`fell`)."""
    return bool(post.comment_feed) and (post.comment_count != 0 or fell(post))


def wants_comments(post: PostHead, stored: int) -> bool:
    """Whether a post's own comment feed is worth a request this run (`stored`: its comments
    stored now)."""
    if not may_want_comments(post):
        return False
    if post.comment_count is None:
        return True  # nobody tells us: ask (a conditional request, cheap when unchanged)
    if post.comment_count == post.comments_checked and not surplus(post, stored):
        return False  # as when its comments were last read: what they lack, its feed lacks too
    return missing(post, stored) > 0 or fell(post) or surplus(post, stored)


def fell(post: PostHead) -> bool:
    """Whether a post's count is lower than when its comments were last read: the blog deleted
    some, and its feed, read whole, says which (`whole_threads`)."""
    count, checked = post.comment_count, post.comments_checked
    return count is not None and checked is not None and count < checked


def surplus(post: PostHead, stored: int) -> bool:
    """Whether more comments were stored since a post's comments were last read than its count
    rose by: the blog deleted some meanwhile, while new ones came (the count stayed, or rose by
    less), and its feed, read whole, says which.  A deleted comment stayed on the site for good
    where a new one came the same night: the count never fell."""
    count, checked, then = post.comment_count, post.comments_checked, post.comments_checked_stored
    if count is None or checked is None or then is None:
        return False
    return count - checked < stored - then


def whole_threads(
    posts: Iterable[PostHead], held: Mapping[str, AbstractSet[str]]
) -> dict[str, AbstractSet[str]]:
    """The posts whose whole thread this run's reads held, by id, with the guids of its
    comments: the comments of a post that the reads of its blog (its own feed, the site-wide
    one, the API's list) gave (`held`, their guids by post id: none at all where a post's own
    feed was read and was empty) are as many as its count says it has.  Only of these is it
    known which of the stored comments the blog no longer has (`gone_at_source`): a feed that
    shows part of a thread (a page, its newest 10, a bad day) says nothing of the rest."""
    return {
        post.id: held[post.id] for post in posts
        if post.comment_count is not None and post.id in held and len(held[post.id]) == post.comment_count
    }  # fmt: skip


def gone_at_source(
    threads: Mapping[str, AbstractSet[str]], stored: Mapping[str, Mapping[str, CommentShown]]
) -> tuple[list[tuple[str, str]], list[tuple[str, str]]]:
    """Of the posts whose whole `threads` were read (whole_threads), the stored comments the blog
    no longer has (deleted, or taken back as spam): to hide; and those hidden so that are there
    again (approved again): to show; each as (post id, guid).  `stored`: per post, each stored
    comment's state by its guid.  A comment the editors hid, or showed again after its blog
    deleted it, stays as they left it."""
    gone: list[tuple[str, str]] = []
    back: list[tuple[str, str]] = []
    for post_id, guids in threads.items():
        for guid, shown in stored.get(post_id, {}).items():
            if shown == "shown" and guid not in guids:
                gone.append((post_id, guid))
            elif shown == "gone" and guid in guids:
                back.append((post_id, guid))
    return gone, back


def missing(post: PostHead, stored: int) -> int:
    """How many comments a post's count says are not stored yet (`stored`: its comments stored).

    Comments deleted on the blog stay stored (hidden where a read held the whole thread
    without them: gone_at_source), so what is stored may count comments the blog no longer
    has, and as many new ones would look stored.
    So where the post was checked before, the rise of its count since is compared with the
    comments stored since."""
    count = post.comment_count
    if count is None:
        return 0
    if post.comments_checked is None or post.comments_checked_stored is None:
        return max(count - stored, 0)  # never checked (or before the store kept what it held)
    return max((count - post.comments_checked) - (stored - post.comments_checked_stored), 0)


def unchecked(post: PostHead) -> bool:
    """Whether a post's count moved since it was last checked, or it was checked before the
    store kept what it held.  A post never checked whose count is 0 (or unknown) is not: its
    count alone says what is missing once it rises (`missing`)."""
    if post.comments_checked is None:
        return bool(post.comment_count)
    return post.comment_count != post.comments_checked or post.comments_checked_stored is None


def checked_now(
    posts: Sequence[PostHead], stored: dict[str, int], read: AbstractSet[str]
) -> dict[str, tuple[int | None, int]]:
    """What to remember of the posts whose comments a run has checked, by id: their count and
    the comments stored now (`stored`, by id).  Checked: the posts whose comments were read
    (`read`: their own feed, the API answered, or the reads held the whole thread), and those
    whose count moved but wants no read (the site-wide feed brought what it rose by).  A post
    still missing comments, or whose count fell and was not read, is not (its read failed, or
    its server was not asked): it is asked again."""
    return {
        post.id: (post.comment_count, stored.get(post.id, 0)) for post in posts
        if post.id in read or (unchecked(post) and not wants_comments(post, stored.get(post.id, 0)))
    }  # fmt: skip


def per_post_feed(
    participant: Participant, post: PostHead, twins: bool = True, sharing: Sequence[PostHead] = ()
) -> CommentFeed:
    """A post's own comment feed: its Atom twin first where `twins` says the blog has them.

    A feed other posts name as theirs too (`sharing`: the followed posts naming it, see
    `shared_feeds`) is read once for them all, as a site-wide feed: each comment goes to the
    post it names (PostIndex), and one naming none of them to none."""
    announced = whole_thread(post.comment_feed or "")  # the blog's own, asked for all it has
    twin = atom_twin(announced) if twins and is_wordpress_comment_feed(post) else None
    urls = (twin, announced) if twin else (announced,)
    if sharing:
        return CommentFeed(participant, urls, tuple(sharing), sitewide=True, announced=announced)
    return CommentFeed(participant, urls, (post,), announced=announced)


def shared_feeds(heads: Sequence[PostHead], posts: Sequence[PostHead]) -> dict[str, list[PostHead]]:
    """The comment feeds more than one of a blog's posts (`heads`, all of them) names as its
    own, e.g. its site-wide feed behind every post's `wfw:commentRss`, each with the `posts`
    (those followed) naming it.  Such a feed is not any one post's: see `per_post_feed`."""
    named = [post.comment_feed for post in heads if post.comment_feed]
    if len(set(named)) == len(named):
        return {}  # the common case: a feed of its own for every post
    shared = {feed for feed, count in Counter(named).items() if count > 1}
    sharing: dict[str, list[PostHead]] = {}
    for post in posts:
        if post.comment_feed in shared:
            sharing.setdefault(post.comment_feed, []).append(post)
    return sharing


def guess_twins(missing_since: datetime | None, now: datetime) -> bool:
    """Whether to guess a blog's per-post Atom twins: not for PROBE_RETRY after one was found
    missing.  A blog that has one has them all (WordPress serves both kinds of every post's
    comment feed, or, with Atom switched off, no Atom at all), so one twin found missing spares
    the blog a failed request for every other post."""
    return missing_since is None or now - missing_since >= PROBE_RETRY


def twin_missing(feed: CommentFeed, announced_answered: bool) -> bool:
    """Whether a per-post feed read says its Atom twin is missing: the address the blog
    announced answered where the twin did not (it failed, or was found missing before).  Where
    both fail (a server in trouble), or the twin's server could not be reached (which ends the
    read there), nothing is known."""
    return len(feed.urls) > 1 and announced_answered


def plan_sitewide(
    participant: Participant, posts: Sequence[PostHead], asking: Sequence[PostHead] = ()
) -> CommentFeed | None:
    """One request for all of a blog's recent comments, where it has such a feed and it pays.

    WordPress's site-wide comment feed, if any of the blog's followed posts may have comments (a
    count of 0 everywhere needs no request): asked every run, it is also what tells a new comment
    (its post feed stays unchanged).  Blogger's feed of all a blog's comments (its newest 500)
    where more than one of the posts `asking` for comments (plan_per_post) names a comment feed
    beside it and none of them was read before (a blog's first read): one request for them all.
    Later, a new comment changes a Blogger post feed's count, and the posts it rose for have
    their own feeds read, smaller answers than a blog's 500 newest comments."""
    if any(is_wordpress_comment_feed(post) for post in posts):
        if all(post.comment_count == 0 for post in posts):
            return None
        urls = sitewide_feeds(participant)
        return CommentFeed(participant, urls, tuple(posts), sitewide=True) if urls else None
    blogger = {blogger_sitewide(post.comment_feed or "") for post in asking}
    first_read = all(post.comments_checked is None for post in asking)
    if len(asking) > 1 and first_read and len(blogger) == 1 and None not in blogger:
        return CommentFeed(participant, (blogger.pop() or "",), tuple(posts), sitewide=True)
    return None


def plan_per_post(posts: Sequence[PostHead], stored: dict[str, int]) -> list[PostHead]:
    """The posts whose own comment feed is worth a request this run (`stored`: their comments
    stored, by post id)."""
    return [p for p in posts if wants_comments(p, stored.get(p.id, 0))]


# WordPress's comment feeds show its newest `posts_per_rss` comments: 10 unless changed.
FEED_SHOWS = 10


def api_first(asking: Sequence[PostHead], stored: dict[str, int]) -> bool:
    """Whether a blog's API (wpapi.py) is asked before its site-wide comment feed: where the
    counts of the posts `asking` for comments say more are missing than that feed shows (a
    blog's first read, a busy night), the feed cannot bring them and the API must list them
    anyway.  Asked first, it lists them all, and the feed, read after it for its validators, is
    parsed only where it holds a comment the list did not bring (`known_only`): a pingback,
    which the API does not list, or one written meanwhile."""
    return sum(missing(post, stored.get(post.id, 0)) for post in asking) > FEED_SHOWS


_ENTRY_START = re.compile(rb"<(?:item|entry)[\s>]")
# An entry's id as WordPress writes it, on its own and plain: no CDATA section, no markup.
_ENTRY_ID = re.compile(rb"<(guid|id)(?:\s[^<>]*)?>\s*([^<>\s]+)\s*</\1>")


def known_only(body: bytes, known: AbstractSet[str]) -> bool:
    """Whether a comment feed's `body` holds comments, and only comments whose ids (RSS guid,
    Atom id) are `known`: then parsing it brings nothing new.  Found without parsing, so
    cautiously: no entry, an entry without a plain id of its own (its first, before the next
    entry), or bytes that are not UTF-8 make it False, and the body is parsed."""
    starts = [match.start() for match in _ENTRY_START.finditer(body)]
    if not starts:
        return False  # nothing, or no feed: the parse says which
    for start, end in zip(starts, starts[1:] + [len(body)]):
        found = _ENTRY_ID.search(body, start, end)
        if found is None:
            return False
        try:
            guid = found.group(2).decode("utf-8")
        except UnicodeDecodeError:
            return False
        if "&" in guid:
            guid = html_lib.unescape(guid)  # WordPress writes "&" in a guid as "&#038;"
        if guid not in known:
            return False
    return True


def worth_probing(last_error: bool, last_attempt: datetime | None, now: datetime) -> bool:
    return not last_error or last_attempt is None or now - last_attempt >= PROBE_RETRY


class PostIndex:
    """The posts a site-wide comment feed may serve, by guid and by link: made once a feed."""

    def __init__(self, posts: Sequence[PostHead]):
        self.by_guid = {p.guid: p for p in posts}
        self.by_url = {thread_key(p.url): p for p in posts}

    def post_of(self, entry: ParsedEntry) -> PostHead | None:
        """The post a comment of a site-wide feed belongs to.

        WordPress: a top-level comment's `thr:in-reply-to` names the post (ref = its guid, href =
        its permalink); a reply names its parent comment, whose id is `<post guid>#comment-N` and
        whose link is `<permalink>#comment-N`.  The comment's own link and id carry the same
        prefixes.
        """
        in_reply_to = entry.in_reply_to
        for guid in (in_reply_to, without_fragment(in_reply_to), without_fragment(entry.guid)):
            if guid and guid in self.by_guid:
                return self.by_guid[guid]
        for url in (entry.in_reply_to_url, entry.url, entry.guid):
            post = self.by_url.get(thread_key(without_fragment(url)))
            if post:
                return post
        return None


def is_reply_to_post(comment: Comment, post: PostHead) -> bool:
    """A parent reference that names the post itself, not one of its comments: only a reference
    without a fragment can (`…/post/#comment-12` is comment 12, not the post)."""
    parent = comment.parent_guid
    if not parent or "#" in parent:
        return False
    return parent == post.guid or thread_key(parent) in (thread_key(post.url), thread_key(post.guid))


def top_level_if_reply_to_post(comment: Comment, post: PostHead) -> Comment:
    """`thr:in-reply-to` naming the post itself means: no parent comment."""
    return replace(comment, parent_guid=None) if is_reply_to_post(comment, post) else comment


def for_posts(
    entries: Iterable[ParsedEntry], feed: CommentFeed, clean: Callable[[ParsedEntry, str], Comment]
) -> list[Comment]:
    """Comments of a feed, each attached to its post; entries of unknown posts are dropped."""
    entries = list(entries)
    posts = _posts_of(entries, PostIndex(feed.posts)) if feed.sitewide else [feed.posts[0]] * len(entries)
    return [
        top_level_if_reply_to_post(clean(entry, post.id), post)
        for entry, post in zip(entries, posts) if post is not None
    ]  # fmt: skip


def _posts_of(entries: list[ParsedEntry], index: PostIndex) -> list[PostHead | None]:
    """The post of each entry of a site-wide feed: as the entry names it (PostIndex.post_of),
    else its parent's, where it names only its parent comment, and that is in the same feed
    (some engines' replies; in a post's own feed the post needs no naming)."""
    found = [index.post_of(entry) for entry in entries]
    at = {entry.guid: n for n, entry in enumerate(entries) if entry.guid}
    waiting = [n for n, post in enumerate(found) if post is None and entries[n].in_reply_to]
    while waiting:
        still = []
        for n in waiting:
            parent = at.get(entries[n].in_reply_to or "")
            if parent is not None and found[parent] is not None:
                found[n] = found[parent]
            else:
                still.append(n)
        if len(still) == len(waiting):
            break  # the rest name no comment here, or one whose post is unknown too
        waiting = still
    return found
