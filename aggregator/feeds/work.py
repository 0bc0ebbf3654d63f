"""The parsing jobs of an update: bytes in, clean records out.  Pure, and importable alone.

They run in this process or in a worker of the parser pool (pool.py, whose workers run `serve`).
The pool's fork server imports this module once (multiprocessing's forkserver preload), so every
worker starts with parse, clean, lxml and nh3 loaded and nothing else: no aiohttp, no SQLite, no
Click.
A job returns its error instead of raising, so that a worker never has to pickle an exception.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, tzinfo
from functools import partial
from typing import TYPE_CHECKING, Any, Callable, NamedTuple, Sequence

from ..models import Comment, ErrorKind, FetchError, ParsedEntry, Participant, Post
from . import comments as plan

if TYPE_CHECKING:
    from multiprocessing.connection import Connection

# parse and clean (lxml, nh3 and a hundred patterns) are imported by the first job: a run that
# parses nothing (all 304) never needs them, and the pool's fork server preloads them.
PARSING = ("aggregator.feeds.parse", "aggregator.feeds.clean")

MAX_ITEMS = 1000  # entries taken per feed and run (the site's BLOGPARADE_MAX_ITEMS_PER_FEED)
_UNDATED = datetime.min.replace(tzinfo=UTC)


class Parsed(NamedTuple):
    """What a job makes of a body: records for the store, or the error that made it unusable."""

    records: list[Post] | list[Comment]
    error: FetchError | None = None
    description: str | None = None  # a post feed's own (None for comment feeds: nothing to store)
    # A post feed's entries, each as its digest (clean.source_digests): those it took, cleaned
    # now or unchanged since the last parse; None for comment feeds.
    entries: tuple[str, ...] | None = None
    left_out: int = 0  # a post feed's entries beyond the run's limit (the oldest): not taken
    # A post feed's entries that share their date with another (or, undated, with the other
    # undated ones), by guid: each one's place among them in the feed (0: listed first).
    ranks: tuple[tuple[str, int], ...] = ()


class PostRef(NamedTuple):
    """What a comment feed's job needs of a stored post: the whole StoredPost (its content
    among it) would be pickled into the worker with every job."""

    id: str
    guid: str
    url: str


def newest(entries: Sequence[ParsedEntry], limit: int) -> Sequence[ParsedEntry]:
    """At most `limit` entries, the newest by date; undated ones last, in feed order (feeds list
    newest first).  Taken before cleaning: a feed of 100,000 items costs the parse, no more."""
    if len(entries) <= limit:
        return entries
    by_date = sorted(entries, key=lambda e: e.published or e.updated or _UNDATED, reverse=True)
    return by_date[: max(limit, 0)]


def parse_posts(
    body: bytes, headers: dict[str, str], url: str, participant: Participant, limit: int = MAX_ITEMS,
    seen: str = "", zone: tzinfo = UTC,
) -> Parsed:  # fmt: skip
    """Bytes to clean posts: those of entries new or changed since the feed's last parse
    (`seen`: its entries' digests then, space-separated: FeedState.entry_digests); the others
    are stored already.  `zone`: the site's, of a date written without one (parse.py)."""
    from .clean import clean_post, source_digests
    from .parse import ParseError, parse_feed

    try:
        feed = parse_feed(body, headers, url, zone=zone)
    except ParseError as error:
        return Parsed([], FetchError(error.kind, error.message))
    digest = source_digests(participant)
    known = frozenset(seen.split())
    posts: list[Post] = []
    taken: list[str] = []
    entries = newest(feed.entries, limit)
    for entry in entries:
        entry_digest = digest(entry)
        if entry_digest in known:
            taken.append(entry_digest)
            continue
        post = clean_post(entry, participant)
        if participant.takes(post.categories):
            posts.append(post)
            taken.append(entry_digest)
    return Parsed(posts, None, feed.subtitle, tuple(taken), max(len(feed.entries) - limit, 0),
                  places_among_equals(entries))


def places_among_equals(entries: Sequence[ParsedEntry]) -> tuple[tuple[str, int], ...]:
    """Each entry that shares its date with another (undated ones share theirs), by guid, with
    its place among them in the feed: posts of one date (a blog whose feed gives days, not
    times) keep their feed's order on the site, which their dates cannot tell."""
    sharing = Counter(entry.published for entry in entries)
    if len(sharing) == len(entries):  # most feeds: no two alike
        return ()
    places: Counter[datetime | None] = Counter()
    found = []
    for entry in entries:
        if sharing[entry.published] > 1:
            found.append((entry.guid, places[entry.published]))
            places[entry.published] += 1
    return tuple(found)


def parse_comments(
    body: bytes, headers: dict[str, str], url: str, feed: plan.CommentFeed, limit: int = MAX_ITEMS,
    known: frozenset[str] = frozenset(), zone: tzinfo = UTC,
) -> Parsed:  # fmt: skip
    """Bytes to clean comments, each attached to its post (`feed.posts` may be PostRefs).
    `known`: the ids of comments just read from elsewhere; a body holding only those is not
    parsed (plan.known_only).  `zone`: as parse_posts'."""
    if (answer := answered_at_a_glance(body, known)) is not None:
        return answer
    from .clean import behind_password, clean_comment
    from .parse import ParseError, parse_feed

    try:
        parsed = parse_feed(body, headers, url, zone=zone)
    except ParseError as error:
        return Parsed([], FetchError(error.kind, error.message))
    # A protected post's comments are listed with its password form for their text: not ours.
    entries = [entry for entry in newest(parsed.entries, limit) if not behind_password(entry)]
    return Parsed(plan.for_posts(entries, feed, clean_comment))


def answered_at_a_glance(body: bytes, known: frozenset[str]) -> Parsed | None:
    """parse_comments' answer where the bytes give it without parsing: a feed holding only
    comments in `known` (plan.known_only) gives none."""
    if known and plan.known_only(body, known):
        return Parsed([])
    return None


def without_parsing(parse: Callable[..., Parsed], body: bytes) -> Parsed | None:
    """The answer of a job whose bytes give it at a glance (`answered_at_a_glance`), found by
    the update before it sends the job to the pool: for a blog's first read, its site-wide
    comment feed after the API listed every comment.  The check costs 14 µs; the trip through
    the pool (the body and the answer pickled and piped both ways) about 0.25 ms of CPU."""
    if isinstance(parse, partial) and parse.func is parse_comments:
        return answered_at_a_glance(body, parse.keywords.get("known", frozenset()))
    return None


def parse_api_comments(
    body: bytes, headers: dict[str, str], url: str, posts: tuple[tuple[int, PostRef], ...],
    limit: int = MAX_ITEMS,
) -> Parsed:  # fmt: skip
    """WordPress's API's answer (wpapi.py) to clean comments of `posts`, each given with its
    WordPress ID."""
    from .clean import clean_comment
    from .wpapi import entries

    by_number = dict(posts)
    try:
        found = entries(body, {number: post.guid for number, post in posts})
    except ValueError as error:
        return Parsed([], FetchError(ErrorKind.NOT_A_FEED, f"WordPress's API answered {error}"))
    if len(found) > limit:  # newest() looks at entries only; the post IDs ride along
        kept = {id(entry) for entry in newest([entry for _, entry in found], limit)}
        found = [(number, entry) for number, entry in found if id(entry) in kept]
    return Parsed([clean_comment(entry, by_number[number].id) for number, entry in found])


def serve(connection: Connection) -> None:
    """A parser worker's life (pool.py): a job from the pipe, its answer back, until the pipe
    ends (the update closed it, or its process is gone however it ended).

    An answer is (True, what the job returned) or (False, what went wrong): jobs return their
    errors, so only a bug raises, and its words travel, not the exception."""
    while True:
        try:
            function, args = connection.recv()
        except (EOFError, OSError):
            return
        try:
            answer: tuple[bool, Any] = (True, function(*args))
        except Exception as error:  # noqa: BLE001  a bug costs one feed, not the worker
            answer = (False, f"{type(error).__name__}: {error}")
        try:
            connection.send(answer)
        except (OSError, ValueError):
            return
