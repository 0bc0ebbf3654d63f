"""The update pipeline: for every active participant, fetch -> parse -> clean -> store.

Each feed is updated on its own and in its own transaction: a broken feed is recorded as an error
and never stops the others or touches what was stored before.  Fetching is concurrent (asyncio);
parsing, the CPU-bound part, runs in a process pool so that two cores parse in parallel.  A 304 or
a body identical to the last one costs no parsing at all.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from concurrent.futures import Executor, ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import Enum
from typing import Callable, Iterator, Sequence

from .clean import clean_post
from .fetch import Fetcher, FetchSettings
from .models import ErrorKind, FeedState, FetchError, FetchResult, Participant, Post
from .parse import ParseError, parse_feed
from .store import Store


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
    new_posts: int = 0
    changed_posts: int = 0
    error: FetchError | None = None


@dataclass
class UpdateSummary:
    reports: list[FeedReport] = field(default_factory=list)

    def count(self, outcome: Outcome) -> int:
        return sum(1 for report in self.reports if report.outcome is outcome)

    @property
    def new_posts(self) -> int:
        return sum(report.new_posts for report in self.reports)

    @property
    def changed_posts(self) -> int:
        return sum(report.changed_posts for report in self.reports)

    @property
    def errors(self) -> list[FeedReport]:
        return [r for r in self.reports if r.outcome in (Outcome.ERROR, Outcome.RETIRED)]


Progress = Callable[[FeedReport], None]


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def parse_posts(
    body: bytes, headers: dict[str, str], url: str, participant: Participant
) -> tuple[list[Post], FetchError | None]:
    """Bytes to clean posts.  Runs in a worker process, so it returns errors instead of raising."""
    try:
        feed = parse_feed(body, headers, url)
    except ParseError as error:
        return [], FetchError(error.kind, error.message)
    posts = [clean_post(entry, participant) for entry in feed.entries]
    return [post for post in posts if wanted(post, participant)], None


def wanted(post: Post, participant: Participant) -> bool:
    """A participant may limit the site to posts of some categories (say, a personal blog)."""
    if not participant.categories:
        return True
    chosen = {c.casefold() for c in participant.categories}
    return any(category.casefold() in chosen for category in post.categories)


class Updater:
    """Updates the posts of many participants with one fetcher, one store and one parser pool."""

    def __init__(self, store: Store, fetcher: Fetcher, parser: Executor | None):
        self.store = store
        self.fetcher = fetcher
        self.parser = parser

    async def update_all(
        self, participants: Sequence[Participant], progress: Progress | None = None
    ) -> UpdateSummary:
        states = self.store.feed_states()
        summary = UpdateSummary()

        async def one(participant: Participant) -> None:
            report = await self.update_one(participant, states.get(participant.feed))
            summary.reports.append(report)
            if progress:
                progress(report)

        await asyncio.gather(*(one(p) for p in participants if p.active))
        return summary

    async def update_one(self, participant: Participant, state: FeedState | None) -> FeedReport:
        if state and state.gone:
            return FeedReport(participant, participant.feed, Outcome.RETIRED, error=state.last_error)
        url = (state and state.moved_to) or participant.feed
        result = await self.fetcher.fetch(url, state.conditional if state else None)
        try:
            return await self._store_result(participant, state, url, result)
        except Exception as error:  # a bug must cost one feed, not the run: record and go on
            failure = FetchError(ErrorKind.NOT_A_FEED, f"unexpected {type(error).__name__}: {error}")
            self.store.record_error(participant.slug, participant.feed, failure)
            return FeedReport(participant, url, Outcome.ERROR, error=failure)

    async def _store_result(
        self, participant: Participant, state: FeedState | None, url: str, result: FetchResult
    ) -> FeedReport:
        key, slug = participant.feed, participant.slug
        if result.error:
            self.store.record_error(slug, key, result.error)
            return FeedReport(participant, url, Outcome.ERROR, error=result.error)
        cache = result.conditional
        if result.not_modified:
            self.store.record_unchanged(slug, key)
            return FeedReport(participant, url, Outcome.UNCHANGED)
        assert result.body is not None  # fetch guarantees a body with a 200
        digest = body_hash(result.body)
        if state and state.body_hash == digest:
            self.store.record_unchanged(slug, key, etag=cache.etag, last_modified=cache.last_modified)
            return FeedReport(participant, url, Outcome.UNCHANGED)
        posts, error = await self._parse(result, participant)
        if error:
            self.store.record_error(slug, key, error)
            return FeedReport(participant, url, Outcome.ERROR, error=error)
        counts = self.store.record_success(
            slug, key, etag=cache.etag, last_modified=cache.last_modified, body_hash=digest,
            moved_to=result.permanent_redirect, posts=posts,
        )  # fmt: skip
        return FeedReport(participant, url, Outcome.UPDATED, counts.new, counts.changed)

    async def _parse(
        self, result: FetchResult, participant: Participant
    ) -> tuple[list[Post], FetchError | None]:
        args = (result.body, dict(result.headers), result.final_url, participant)
        if self.parser is None:
            return parse_posts(*args)  # type: ignore[arg-type]
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self.parser, parse_posts, *args)


@contextmanager
def parser_pool(jobs: int) -> Iterator[Executor | None]:
    """A process pool for parsing, or None (parse inline) when there is one core or one job."""
    workers = min(os.cpu_count() or 1, 4)
    if workers < 2 or jobs < 4:
        yield None
        return
    with ProcessPoolExecutor(max_workers=workers) as pool:
        yield pool


async def update(
    store: Store,
    participants: Sequence[Participant],
    settings: FetchSettings,
    progress: Progress | None = None,
) -> UpdateSummary:
    """Update every active participant's posts.  Feeds fail one by one, never all together."""
    active = [p for p in participants if p.active]
    with parser_pool(len(active)) as pool:
        async with Fetcher(settings) as fetcher:
            return await Updater(store, fetcher, pool).update_all(active, progress)
