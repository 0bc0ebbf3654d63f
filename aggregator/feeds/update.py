"""The update pipeline: for every active participant, fetch -> parse -> clean -> store.

Each feed is updated on its own and in its own transaction: a broken feed is recorded as an error
and never stops the others or touches what was stored before.  Fetching is concurrent (asyncio);
parsing, the CPU-bound part, runs in a process pool so that two cores parse in parallel.  A 304 or
a body identical to the last one costs no parsing at all.

Posts come first; then the comments of the posts still followed (see comments.py for which feeds).
"""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from functools import partial
from typing import Callable, Iterator, Sequence

from ..models import Comment, ErrorKind, FetchError, FetchResult, Participant, Post
from ..store import FeedKind, Store, utcnow
from . import comments as plan
from .clean import clean_comment, clean_post
from .fetch import Fetcher, FetchSettings
from .parse import ParseError, parse_feed


class Outcome(str, Enum):
    UPDATED = "updated"  # fetched and parsed
    UNCHANGED = "unchanged"  # 304, or the same body as last time
    ERROR = "error"
    RETIRED = "retired"  # answered 410 Gone before: not asked again

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class FeedReport:
    participant: Participant
    url: str  # what was requested
    outcome: Outcome
    new: int = 0  # posts, or comments for a comment feed
    changed: int = 0
    error: FetchError | None = None
    kind: FeedKind = "posts"

    @property
    def failed(self) -> bool:
        return self.outcome in (Outcome.ERROR, Outcome.RETIRED)


@dataclass
class UpdateSummary:
    reports: list[FeedReport] = field(default_factory=list)

    def of(self, kind: FeedKind) -> list[FeedReport]:
        return [report for report in self.reports if report.kind == kind]

    def count(self, outcome: Outcome, kind: FeedKind = "posts") -> int:
        reports = self.comment_feeds if kind == "comments" else self.of(kind)
        return sum(1 for report in reports if report.outcome is outcome)

    def new(self, kind: FeedKind = "posts") -> int:
        reports = self.comment_feeds if kind == "comments" else self.of(kind)
        return sum(report.new for report in reports)

    @property
    def errors(self) -> list[FeedReport]:
        """Every feed that failed, post and comment feeds alike (a failed guess is no error)."""
        return [report for report in self.reports if report.failed and report.kind != "probe"]

    @property
    def comment_feeds(self) -> list[FeedReport]:
        """Comment feeds read: the announced ones, and the guesses that worked."""
        probes = [report for report in self.of("probe") if not report.failed]
        return self.of("comments") + probes

    @property
    def new_posts(self) -> int:
        return self.new("posts")

    @property
    def changed_posts(self) -> int:
        return sum(report.changed for report in self.of("posts"))


Progress = Callable[[FeedReport], None]
# What a worker makes of a body: records for the store, or the error that made it unusable; and
# for a post feed its own description (None for comment feeds: nothing to store).
Parsed = tuple[list[Post] | list[Comment], FetchError | None, str | None]


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def parse_posts(body: bytes, headers: dict[str, str], url: str, participant: Participant) -> Parsed:
    """Bytes to clean posts.  Runs in a worker process, so it returns errors instead of raising."""
    try:
        feed = parse_feed(body, headers, url)
    except ParseError as error:
        return [], FetchError(error.kind, error.message), None
    posts = [clean_post(entry, participant) for entry in feed.entries]
    return [post for post in posts if participant.takes(post.categories)], None, feed.subtitle


def parse_comments(body: bytes, headers: dict[str, str], url: str, feed: plan.CommentFeed) -> Parsed:
    try:
        parsed = parse_feed(body, headers, url)
    except ParseError as error:
        return [], FetchError(error.kind, error.message), None
    return plan.for_posts(parsed.entries, feed, clean_comment), None, None


@dataclass(frozen=True)
class CommentOptions:
    days: int = 60  # comments of posts younger than this are followed
    always: frozenset[str] = frozenset()  # post ids followed regardless (open parades)


class Updater:
    """Updates many participants with one fetcher, one store and one parser pool."""

    def __init__(self, store: Store, fetcher: Fetcher, parser: Executor | None):
        self.store = store
        self.fetcher = fetcher
        self.parser = parser

    # -- one feed, posts or comments --------------------------------------------------------------

    async def read(
        self, participant: Participant, key: str, parse: Callable[..., Parsed],
        kind: FeedKind = "posts",
    ) -> FeedReport:  # fmt: skip
        """Fetch the feed at `key` (or where it moved), parse it with `parse`, store the result.

        The store keeps the feed's state under `key`, the URL as configured or announced.
        """
        state = self.store.feed_state(key)
        if state and state.gone:
            return FeedReport(participant, key, Outcome.RETIRED, error=state.last_error, kind=kind)
        url = (state and state.moved_to) or key
        result = await self.fetcher.fetch(url, state.conditional if state else None)
        try:
            return await self._store(participant, key, result, parse, kind, state and state.body_hash)
        except Exception as error:  # a bug must cost one feed, not the run: record and go on
            failure = FetchError(ErrorKind.NOT_A_FEED, f"unexpected {type(error).__name__}: {error}")
            self.store.record_error(participant.slug, key, failure, kind=kind)
            return FeedReport(participant, url, Outcome.ERROR, error=failure, kind=kind)

    async def _store(
        self, participant: Participant, key: str, result: FetchResult,
        parse: Callable[..., Parsed], kind: FeedKind, last_hash: str | None,
    ) -> FeedReport:  # fmt: skip
        report = partial(FeedReport, participant, result.url, kind=kind)
        if result.error:
            self.store.record_error(participant.slug, key, result.error, kind=kind)
            return report(Outcome.ERROR, error=result.error)
        cache = result.conditional
        if result.not_modified or (result.body and body_hash(result.body) == last_hash):
            self.store.record_unchanged(
                participant.slug, key, etag=cache.etag, last_modified=cache.last_modified, kind=kind
            )
            return report(Outcome.UNCHANGED)
        assert result.body is not None  # fetch guarantees a body with a 200
        records, error, description = await self._parse(parse, result)
        if error:
            self.store.record_error(participant.slug, key, error, kind=kind)
            return report(Outcome.ERROR, error=error)
        posts, comments = (records, []) if kind == "posts" else ([], records)
        counts = self.store.record_success(
            participant.slug, key, etag=cache.etag, last_modified=cache.last_modified,
            body_hash=body_hash(result.body), moved_to=result.permanent_redirect,
            posts=posts, comments=comments, kind=kind, description=description,  # type: ignore[arg-type]
        )  # fmt: skip
        return report(Outcome.UPDATED, counts.new, counts.changed)

    async def _parse(self, parse: Callable[..., Parsed], result: FetchResult) -> Parsed:
        args = (result.body, dict(result.headers), result.final_url)
        if self.parser is None:
            return parse(*args)
        return await asyncio.get_running_loop().run_in_executor(self.parser, parse, *args)

    # -- posts ------------------------------------------------------------------------------------

    async def update_posts(self, participant: Participant) -> FeedReport:
        parse = partial(parse_posts, participant=participant)
        return await self.read(participant, participant.feed, parse)

    # -- comments ---------------------------------------------------------------------------------

    async def read_comments(self, feed: plan.CommentFeed, now: datetime) -> FeedReport | None:
        """The first of a feed's URLs that answers (a missing Atom twin falls back to RSS).

        None when there was nothing to read: only guessed URLs, recently found missing.
        """
        parse = partial(parse_comments, feed=feed)
        report = None
        for url in feed.urls:
            probe = feed.is_probe(url)
            state = self.store.feed_state(url)
            if probe and state and not plan.worth_probing(
                state.last_error is not None, state.last_attempt, now
            ):
                continue
            report = await self.read(feed.participant, url, parse, "probe" if probe else "comments")
            if not report.failed:
                return report
        return report

    async def update_comments(
        self, participant: Participant, options: CommentOptions, now: datetime
    ) -> list[FeedReport]:
        posts = [
            post for post in self.store.posts(participant.slug)
            if plan.followed(post, now, options.days, options.always)
        ]  # fmt: skip
        sitewide = plan.plan_sitewide(participant, posts)
        first = [await self.read_comments(sitewide, now)] if sitewide else []
        stored = self.store.comment_counts(participant.slug)  # fresh: after the site-wide feed
        per_post = plan.plan_per_post(participant, posts, stored)
        then = await asyncio.gather(*(self.read_comments(feed, now) for feed in per_post))
        checked = {
            feed.posts[0].id: feed.posts[0].comment_count
            for feed, report in zip(per_post, then)
            if report and not report.failed
        }
        if checked:
            self.store.mark_comments_checked(checked)
        return [report for report in first + list(then) if report]

    # -- everything -------------------------------------------------------------------------------

    async def update_all(
        self, participants: Sequence[Participant], options: CommentOptions,
        progress: Progress | None = None,
    ) -> UpdateSummary:  # fmt: skip
        summary = UpdateSummary()

        async def one(participant: Participant) -> None:
            report = await self.update_posts(participant)
            summary.reports.append(report)
            if progress:
                progress(report)
            for report in await self.update_comments(participant, options, utcnow()):
                summary.reports.append(report)
                if progress:
                    progress(report)

        await asyncio.gather(*(one(p) for p in participants if p.active))
        return summary


@contextmanager
def parser_pool(jobs: int) -> Iterator[Executor | None]:
    """A process pool for parsing, or None (parse inline) when there is one core or few jobs.

    Workers come from a fork server, not a fork of this process: a forked worker would inherit
    every open socket (a reset connection would then look like a timeout) and every thread (the
    demo serves its blogs from one; forking a threaded process can deadlock).
    """
    workers = min(os.cpu_count() or 1, 4)
    if workers < 2 or jobs < 4:
        yield None
        return
    context = multiprocessing.get_context("forkserver")
    with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
        yield pool


async def update(
    store: Store,
    participants: Sequence[Participant],
    settings: FetchSettings,
    progress: Progress | None = None,
    comments: CommentOptions = CommentOptions(),
) -> UpdateSummary:
    """Update every active participant's posts and comments.  Feeds fail one by one."""
    active = [p for p in participants if p.active]
    with parser_pool(len(active)) as pool:
        async with Fetcher(settings) as fetcher:
            return await Updater(store, fetcher, pool).update_all(active, comments, progress)
