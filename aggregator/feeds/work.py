"""The parsing jobs of an update: bytes in, clean records out.  Pure, and importable alone.

They run in this process or in a worker of the parser pool (update.Parsers).  The pool's fork
server imports this module once (multiprocessing's forkserver preload), so every worker starts
with parse, clean, lxml and nh3 loaded and nothing else: no aiohttp, no SQLite, no Click.
A job returns its error instead of raising, so that a worker never has to pickle an exception.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from datetime import UTC, datetime
from typing import NamedTuple, Sequence

from ..models import Comment, FetchError, ParsedEntry, Participant, Post
from . import comments as plan

# parse and clean (lxml, nh3 and a hundred patterns) are imported by the first job: a run that
# parses nothing (all 304) never needs them, and the pool's fork server preloads them.
PARSING = ("aggregator.feeds.parse", "aggregator.feeds.clean")

MAX_ITEMS = 1000  # entries taken per feed and run (the site's BLOGPARADE_MAX_ITEMS_PER_FEED)
_UNDATED = datetime.min.replace(tzinfo=UTC)

# What a job makes of a body: records for the store, or the error that made it unusable; and
# for a post feed its own description (None for comment feeds: nothing to store).
Parsed = tuple[list[Post] | list[Comment], FetchError | None, str | None]


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
    body: bytes, headers: dict[str, str], url: str, participant: Participant, limit: int = MAX_ITEMS
) -> Parsed:
    """Bytes to clean posts."""
    from .clean import clean_post
    from .parse import ParseError, parse_feed

    try:
        feed = parse_feed(body, headers, url)
    except ParseError as error:
        return [], FetchError(error.kind, error.message), None
    posts = [clean_post(entry, participant) for entry in newest(feed.entries, limit)]
    return [post for post in posts if participant.takes(post.categories)], None, feed.subtitle


def parse_comments(
    body: bytes, headers: dict[str, str], url: str, feed: plan.CommentFeed, limit: int = MAX_ITEMS
) -> Parsed:
    """Bytes to clean comments, each attached to its post (`feed.posts` may be PostRefs)."""
    from .clean import clean_comment
    from .parse import ParseError, parse_feed

    try:
        parsed = parse_feed(body, headers, url)
    except ParseError as error:
        return [], FetchError(error.kind, error.message), None
    return plan.for_posts(newest(parsed.entries, limit), feed, clean_comment), None, None


def ready() -> int:
    """A job that does nothing: started once per worker, so that workers exist before bodies
    wait for them."""
    return 0


def end_with_main_process() -> None:
    """Pool initializer: the worker exits as soon as the process that made the pool has ended.

    An idle worker waits on its task queue, whose write end it holds itself, so it never sees
    the main process die without a goodbye (`kill -9`, the OOM killer): every such night left
    the fork server and its workers behind, ~110 MB.  The parent sentinel multiprocessing
    gives a worker is a pipe only the main process writes to: it reads EOF when that process
    is gone, however it ended.  (PR_SET_PDEATHSIG would not do: a worker's parent is the fork
    server, and the fork server lives as long as any of its workers.)
    """
    main = multiprocessing.parent_process()
    if main is None:  # not started by multiprocessing: nothing to follow
        return

    def watch() -> None:
        main.join()
        os._exit(1)

    threading.Thread(target=watch, name="end-with-main-process", daemon=True).start()
