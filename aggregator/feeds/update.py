"""The update pipeline: for every active participant, fetch -> parse -> clean -> store.

Each feed is updated on its own and in its own transaction: a broken feed is recorded as an error
and never stops the others or touches what was stored before.  Fetching is concurrent (asyncio);
parsing, the CPU-bound part, runs in a process pool so that two cores parse in parallel.  A 304 or
a body identical to the last one costs no parsing at all.

Posts come first; then the comments of the posts still followed (see comments.py for which feeds).
Which feeds a run asks, and where, decide.py decides: a feed waits after its server's Retry-After
or while it keeps failing, and a moved feed whose new address fails is asked where it was.
"""

from __future__ import annotations

import asyncio
import hashlib
import multiprocessing
import os
import threading
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from enum import Enum
from functools import partial
from typing import TYPE_CHECKING, Callable, Iterator, Mapping, Sequence

from ..models import (
    Comment, Conditional, ErrorKind, FeedState, FetchError, FetchResult, ParsedEntry, Participant,
    Post,
)  # fmt: skip
from ..store import FeedKind, Store, utcnow
from . import comments as plan
from . import decide
from .clean import clean_comment, clean_post
from .decide import Politeness, Verdict
from .fetch import Fetcher, FetchSettings
from .logins import Login
from .parse import ParseError, parse_feed

if TYPE_CHECKING:
    from ..site import Site


class Outcome(str, Enum):
    UPDATED = "updated"  # fetched and parsed
    UNCHANGED = "unchanged"  # 304, or the same body as last time
    ERROR = "error"
    RETIRED = "retired"  # answered 410 Gone before: not asked again
    WAITING = "waiting"  # not asked before its next try (Retry-After, or failing again and again)

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class FeedReport:
    participant: Participant
    url: str  # what was requested
    outcome: Outcome
    new: int = 0  # posts, or comments for a comment feed
    changed: int = 0
    error: FetchError | None = None  # this run's, or for a waiting feed the last one
    kind: FeedKind = "posts"
    next_try: datetime | None = None  # when a failed or waiting feed is asked again

    @property
    def failed(self) -> bool:
        """Failed this run (or for good); a feed waiting for its next try has not."""
        return self.outcome in (Outcome.ERROR, Outcome.RETIRED)

    @property
    def answered(self) -> bool:
        return self.outcome in (Outcome.UPDATED, Outcome.UNCHANGED)


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
    def waiting(self) -> list[FeedReport]:
        """Feeds not asked this run because they wait for their next try: no error of this run."""
        return [
            report for report in self.reports
            if report.outcome is Outcome.WAITING and report.kind != "probe"
        ]  # fmt: skip

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


MAX_ITEMS = 1000  # entries taken per feed and run (the site's BLOGPARADE_MAX_ITEMS_PER_FEED)
_UNDATED = datetime.min.replace(tzinfo=UTC)


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


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
    """Bytes to clean posts.  Runs in a worker process, so it returns errors instead of raising."""
    try:
        feed = parse_feed(body, headers, url)
    except ParseError as error:
        return [], FetchError(error.kind, error.message), None
    posts = [clean_post(entry, participant) for entry in newest(feed.entries, limit)]
    return [post for post in posts if participant.takes(post.categories)], None, feed.subtitle


def parse_comments(
    body: bytes, headers: dict[str, str], url: str, feed: plan.CommentFeed, limit: int = MAX_ITEMS
) -> Parsed:
    try:
        parsed = parse_feed(body, headers, url)
    except ParseError as error:
        return [], FetchError(error.kind, error.message), None
    return plan.for_posts(newest(parsed.entries, limit), feed, clean_comment), None, None


@dataclass(frozen=True)
class CommentOptions:
    days: int = 60  # comments of posts younger than this are followed
    always: frozenset[str] = frozenset()  # post ids followed regardless (open parades)


@dataclass(frozen=True)
class FeedOptions:
    """What holds for every feed of a run, post and comment feeds alike."""

    politeness: Politeness = Politeness()  # who waits, and `--all`
    max_items: int = MAX_ITEMS  # entries taken per feed and run, newest first

    @classmethod
    def from_site(cls, site: Site, *, ask_all: bool = False) -> FeedOptions:
        days = float(site["BLOGPARADE_MAX_WAIT_DAYS"])
        return cls(Politeness.from_days(days, ask_all=ask_all),
                   int(site["BLOGPARADE_MAX_ITEMS_PER_FEED"]))  # fmt: skip


@dataclass(frozen=True)
class Answer:
    """What asking one address gave: the response and, for a changed feed, its records."""

    result: FetchResult
    records: list[Post] | list[Comment] = field(default_factory=list)
    error: FetchError | None = None  # the fetch's, or the parse's
    unchanged: bool = False  # 304, or the same body as last time: nothing parsed
    moved_to: str | None = None  # where the feed answered when not at its configured address
    failed: tuple[FetchResult, ...] = ()  # this run's failed responses (Retry-After is in them)
    description: str | None = None  # a changed post feed's own description (None: keep stored)


class Updater:
    """Updates many participants with one fetcher, one store and one parser pool.

    `now` is the run's time: decisions about waiting feeds are made against it (tests pass
    another day); the store records the real times.
    """

    def __init__(
        self, store: Store, fetcher: Fetcher, parser: Executor | None,
        options: FeedOptions = FeedOptions(), now: datetime | None = None,
        logins: Mapping[str, Login] | None = None,
    ):  # fmt: skip
        self.store = store
        self.fetcher = fetcher
        self.parser = parser
        self.options = options
        self.now = now or utcnow()
        self.logins = logins or {}  # by participant slug: sent with its requests (logins.py)

    # -- one feed, posts or comments --------------------------------------------------------------

    async def read(
        self, participant: Participant, key: str, parse: Callable[..., Parsed],
        kind: FeedKind = "posts",
    ) -> FeedReport:  # fmt: skip
        """Fetch the feed at `key` (or where it moved), parse it with `parse`, store the result.

        The store keeps the feed's state under `key`, the URL as configured or announced.
        """
        state = self.store.feed_state(key)
        verdict = decide.verdict(state, self.now, self.options.politeness)
        if verdict is not Verdict.ASK:
            assert state is not None  # a feed never asked is always asked
            outcome = Outcome.RETIRED if verdict is Verdict.RETIRED else Outcome.WAITING
            return FeedReport(participant, key, outcome, error=state.last_error, kind=kind,
                              next_try=state.next_try)  # fmt: skip
        try:
            answer = await self._answer(key, state, parse, self.logins.get(participant.slug))
            return self._store(participant, key, answer, kind, state)
        except Exception as error:  # a bug must cost one feed, not the run: record and go on
            failure = FetchError(ErrorKind.NOT_A_FEED, f"unexpected {type(error).__name__}: {error}")
            return self._failed(participant, key, key, failure, (), kind, state)

    async def _answer(
        self, key: str, state: FeedState | None, parse: Callable[..., Parsed],
        login: Login | None = None,
    ) -> Answer:  # fmt: skip
        """The feed where it moved; when that fails, at its configured address in the same run."""
        first, *configured = decide.addresses(key, state)
        answer = await self._ask(first, state, parse, state.conditional if state else None, login)
        if not answer.error:
            return replace(answer, moved_to=_moved(answer.result, first, key))
        if not configured or not decide.falls_back(answer.result):
            return answer
        # Without the moved feed's validators: they belong to another resource.
        again = await self._ask(key, state, parse, None, login)
        if not again.error:
            # The move is forgotten, unless the configured address redirects permanently again:
            # the editors' address answers and the one it had moved to fails, and keeping the
            # move would cost a failed request before the real one in every run.
            return replace(again, moved_to=_moved(again.result, key, key))
        moved = f"where it had moved, {first}: {answer.error}"
        both = FetchError(again.error.kind, f"{again.error.message} (and {moved})")
        return replace(again, error=both, failed=answer.failed + again.failed)

    async def _ask(
        self, url: str, state: FeedState | None, parse: Callable[..., Parsed],
        conditional: Conditional | None, login: Login | None = None,
    ) -> Answer:  # fmt: skip
        """One address: fetched, and parsed unless unchanged.  A junk body is a failure too
        (a moved feed's expired domain serves a parking page)."""
        result = await self.fetcher.fetch(url, conditional, login=login)
        if result.error:
            return Answer(result, error=result.error, failed=(result,))
        last_hash = state.body_hash if state else None
        if result.not_modified or (result.body and body_hash(result.body) == last_hash):
            return Answer(result, unchanged=True)
        records, error, description = await self._parse(parse, result)
        return Answer(result, records, error, description=description)

    def _store(
        self, participant: Participant, key: str, answer: Answer, kind: FeedKind,
        state: FeedState | None,
    ) -> FeedReport:  # fmt: skip
        result = answer.result
        if answer.error:
            return self._failed(participant, key, result.url, answer.error, answer.failed, kind,
                                state)  # fmt: skip
        report = partial(FeedReport, participant, result.url, kind=kind)
        cache = result.conditional
        if answer.unchanged:
            self.store.record_unchanged(
                participant.slug, key, etag=cache.etag, last_modified=cache.last_modified,
                moved_to=answer.moved_to, kind=kind,
            )  # fmt: skip
            return report(Outcome.UNCHANGED)
        posts, comments = (answer.records, []) if kind == "posts" else ([], answer.records)
        counts = self.store.record_success(
            participant.slug, key, etag=cache.etag, last_modified=cache.last_modified,
            body_hash=body_hash(result.body or b""), moved_to=answer.moved_to,
            posts=posts, comments=comments, kind=kind,  # type: ignore[arg-type]
            description=answer.description,
        )  # fmt: skip
        return report(Outcome.UPDATED, counts.new, counts.changed)

    def _failed(
        self, participant: Participant, key: str, url: str, error: FetchError,
        answers: tuple[FetchResult, ...], kind: FeedKind, state: FeedState | None,
    ) -> FeedReport:  # fmt: skip
        """Record a failure, and when the feed is asked again (its Retry-After, or backoff)."""
        failures = (state.consecutive_errors if state else 0) + 1
        when = decide.next_try(failures, answers, self.now, self.options.politeness)
        self.store.record_error(participant.slug, key, error, kind=kind, next_try=when)
        return FeedReport(participant, url, Outcome.ERROR, error=error, kind=kind, next_try=when)

    async def _parse(self, parse: Callable[..., Parsed], result: FetchResult) -> Parsed:
        args = (result.body, dict(result.headers), result.final_url)
        if self.parser is None:
            return parse(*args)
        return await asyncio.get_running_loop().run_in_executor(self.parser, parse, *args)

    # -- posts ------------------------------------------------------------------------------------

    async def update_posts(self, participant: Participant) -> FeedReport:
        parse = partial(parse_posts, participant=participant, limit=self.options.max_items)
        return await self.read(participant, participant.feed, parse)

    # -- comments ---------------------------------------------------------------------------------

    async def read_comments(self, feed: plan.CommentFeed, now: datetime) -> FeedReport | None:
        """The first of a feed's URLs that answers (a missing Atom twin falls back to RSS).

        None when there was nothing to read: only guessed URLs, recently found missing.
        """
        parse = partial(parse_comments, feed=feed, limit=self.options.max_items)
        report = None
        for url in feed.urls:
            probe = feed.is_probe(url)
            state = self.store.feed_state(url)
            if probe and state and not plan.worth_probing(
                state.last_error is not None, state.last_attempt, now
            ):
                continue
            report = await self.read(feed.participant, url, parse, "probe" if probe else "comments")
            if not report.failed:  # read, or waiting: not its other address meanwhile
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
            if report and report.answered
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
            for report in await self.update_comments(participant, options, self.now):
                summary.reports.append(report)
                if progress:
                    progress(report)

        await asyncio.gather(*(one(p) for p in participants if p.active))
        return summary


def _moved(result: FetchResult, asked: str, key: str) -> str | None:
    """Where a feed answered, when that is not its configured address `key`."""
    where = result.permanent_redirect or asked
    return None if where == key else where


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
    with ProcessPoolExecutor(
        max_workers=workers, mp_context=context, initializer=end_with_main_process
    ) as pool:
        yield pool


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


async def update(
    store: Store,
    participants: Sequence[Participant],
    settings: FetchSettings,
    progress: Progress | None = None,
    comments: CommentOptions = CommentOptions(),
    feeds: FeedOptions = FeedOptions(),
    now: datetime | None = None,
    logins: Mapping[str, Login] | None = None,
) -> UpdateSummary:
    """Update every active participant's posts and comments.  Feeds fail one by one.

    `now` is the time the run decides against (default: the real time); `logins` are the
    participants' by slug.
    """
    active = [p for p in participants if p.active]
    with parser_pool(len(active)) as pool:
        async with Fetcher(settings) as fetcher:
            updater = Updater(store, fetcher, pool, feeds, now, logins)
            return await updater.update_all(active, comments, progress)
