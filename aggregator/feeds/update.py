"""The update pipeline: for every active participant, fetch -> parse -> clean -> store.

Each feed is updated on its own and in its own transaction (a savepoint: the store commits them
in groups, Store.many_transactions): a broken feed is recorded as an error and never stops the
others or touches what was stored before.  Fetching is concurrent (asyncio).
Parsing, the CPU-bound part, runs in this process while a run has few bodies to parse (every
run where little changed), and in a pool of processes once it has many (a first run): two cores
parse in parallel, and the pool's workers import the parsing code once, in their fork server
(see `Parsers`).  A 304 or a body identical to the last one costs no parsing at all.

Posts come first; then the comments of the posts still followed (see comments.py for which feeds):
a WordPress blog's site-wide comment feed, then, where the blog names its API (wpapi.py), the
comments of the posts that feed did not cover from the API in one request, and the posts' own
feeds for what is still missing.  Where more are missing than the site-wide feed shows (a
blog's first read), the API comes first, and that feed is parsed only if it holds a comment the
API did not bring.
Which feeds a run asks, and where, decide.py decides: a feed waits after its server's Retry-After
or while it keeps failing, and a moved feed whose new address fails is asked where it was.
"""

from __future__ import annotations

import asyncio
import hashlib
import os
from concurrent.futures import Executor
from contextlib import asynccontextmanager, suppress
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, tzinfo
from functools import partial
from typing import TYPE_CHECKING, AbstractSet, Any, AsyncIterator, Callable, Mapping, Sequence
from zoneinfo import ZoneInfo

from ..heap import fewer_collections
from ..models import (
    Comment,
    Conditional,
    ErrorKind,
    FeedState,
    FetchError,
    FetchResult,
    Participant,
    Post,
    PostHead,
)
from ..site import timezone_name
from ..store import API_ROOT, NO_ATOM_TWINS, FeedKind, Store, StoreError, utcnow
from ..urls import server_key
from . import comments as plan
from . import decide, wpapi
from .decide import Politeness, Verdict
from .fetch import Fetcher, FetchSettings
from .logins import Login
from .pool import WorkerPool, start_fork_server
from .report import FeedReport, Outcome, Progress, SourceChange, UpdateSummary
from .run_start import RunStart
from .work import (
    MAX_ITEMS,
    Parsed,
    PostRef,
    newest,
    parse_api_comments,
    parse_comments,
    parse_posts,
    without_parsing,
)

if TYPE_CHECKING:
    from ..site import Site



__all__ = [
    "MAX_ITEMS", "CommentOptions", "FeedOptions", "FeedReport", "Outcome", "Parsed", "Parsers",
    "Progress", "UpdateSummary", "Updater", "body_hash", "newest", "parse_comments", "parse_posts",
    "update",
]  # fmt: skip


def body_hash(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


@dataclass(frozen=True)
class CommentOptions:
    days: int = 60  # comments of posts younger than this are followed
    always: frozenset[str] = frozenset()  # post ids followed regardless (open parades)


@dataclass(frozen=True)
class FeedOptions:
    """What holds for every feed of a run, post and comment feeds alike."""

    politeness: Politeness = Politeness()  # who waits, and `--all`
    max_items: int = MAX_ITEMS  # entries taken per feed and run, newest first
    zone: tzinfo = UTC  # the site's TIMEZONE: a feed's date written without a zone is in it

    @classmethod
    def from_site(cls, site: Site, *, ask_all: bool = False) -> FeedOptions:
        return cls(Politeness.of_site(site, ask_all=ask_all), int(site["BLOGPARADE_MAX_ITEMS_PER_FEED"]),
                   ZoneInfo(timezone_name(site.settings)))  # fmt: skip


@dataclass(frozen=True)
class Answer:
    """What asking one address gave: the response and, for a changed feed, its records."""

    result: FetchResult
    records: list[Post] | list[Comment] = field(default_factory=list)
    error: FetchError | None = None  # the fetch's, or the parse's
    unchanged: bool = False  # 304, or the same body as last time: nothing parsed
    moved_to: str | None = None  # where the feed answered when not at its configured address
    failed: tuple[FetchResult, ...] = ()  # this run's failed responses (Retry-After is in them)
    digest: str | None = None  # body_hash of the body parsed
    description: str | None = None  # a changed post feed's own description (None: keep stored)
    entries: tuple[str, ...] | None = None  # a changed post feed's entries' digests (Parsed)
    left_out: int = 0  # its entries beyond the limit (Parsed)
    ranks: tuple[tuple[str, int], ...] = ()  # its entries' places among those of their date (Parsed)


class Updater:
    """Updates many participants with one fetcher, one store and one parser pool.

    `now` is the run's time: decisions about waiting feeds are made against it (tests pass
    another day); the store records the real times.  `start`: the store as the run found it
    (run_start.py); without it, everything is read from the store when it is needed.
    """

    def __init__(
        self, store: Store, fetcher: Fetcher, parser: Parsers | Executor | None,
        options: FeedOptions = FeedOptions(), now: datetime | None = None,
        logins: Mapping[str, Login] | None = None, start: RunStart | None = None,
    ):  # fmt: skip
        self.store = store
        self.start = start or RunStart(store, preload=False)
        self.fetcher = fetcher
        self.parser = parser
        self.options = options
        self.now = now or utcnow()
        self.logins = logins or {}  # by participant slug: sent with its requests (logins.py)
        # Servers (urls.server_key) that answered 429 or 503 this run: asked for no comments.
        self.slowed_down: set[str] = set()
        self.at_source: list[SourceChange] = []  # comments hidden or shown (_mirror_deletions)

    # -- one feed, posts or comments --------------------------------------------------------------

    async def read(
        self, participant: Participant, key: str, state: FeedState | None,
        parse: Callable[..., Parsed], kind: FeedKind = "posts", ask: str | None = None,
    ) -> FeedReport:  # fmt: skip
        """Fetch the feed at `key` (or where it moved), parse it with `parse`, store the result.

        The store keeps the feed's state under `key`, the URL as configured or announced:
        `state` is that state as the caller has just read it.  `ask`: the address to ask instead,
        where its query changes from run to run (the API's list of some posts' comments), or
        `key` itself where its validators would not do (read_comments' `whole`): asked without
        validators, and never remembered as moved; its state is kept under `key`.
        """
        verdict = decide.verdict(state, self.now, self.options.politeness)
        if verdict is not Verdict.ASK:
            assert state is not None  # a feed never asked is always asked
            outcome = Outcome.RETIRED if verdict is Verdict.RETIRED else Outcome.WAITING
            return FeedReport(participant, key, outcome, error=state.last_error, kind=kind,
                              next_try=state.next_try)  # fmt: skip
        try:
            login = self.logins.get(participant.slug)
            if ask is not None:
                answer = await self._ask(ask, state, parse, None, login)
            else:
                answer = await self._answer(key, state, parse, login)
            return self._store(participant, key, answer, kind, state)
        except Exception as error:  # a bug must cost one feed, not the run: record and go on
            return self._failed(participant, key, key, _bug(error), (), kind, state)

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
        if result.not_modified:
            return Answer(result, unchanged=True)
        digest = body_hash(result.body or b"")  # once: compared here, stored by _store
        if result.body and state is not None and digest == state.body_hash:
            return Answer(result, unchanged=True)
        parsed = await self._parse(parse, result)
        error = parsed.error
        if error is not None and error.kind is ErrorKind.NOT_A_FEED and result.final_url != url:
            # An intranet's single sign-on answers an expired login with its login page.
            error = FetchError(error.kind, f"{error.message}, where it was sent on to {result.final_url} "
                                           "(a login page?)")  # fmt: skip
        return Answer(result, parsed.records, error, digest=digest, description=parsed.description,
                      entries=parsed.entries, left_out=parsed.left_out, ranks=parsed.ranks)  # fmt: skip

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
        self.start.wrote_feed(key)
        if kind == "posts" and result.status == 200:
            self._note_api(participant, result)
        if answer.unchanged:
            self.store.record_unchanged(
                participant.slug, key, etag=cache.etag, last_modified=cache.last_modified,
                moved_to=answer.moved_to, kind=kind,
            )  # fmt: skip
            return report(Outcome.UNCHANGED)
        posts, comments = (answer.records, []) if kind == "posts" else ([], answer.records)
        if posts:
            self.start.wrote_posts(participant.slug)
        counts = self.store.record_success(
            participant.slug, key, etag=cache.etag, last_modified=cache.last_modified,
            body_hash=answer.digest or body_hash(result.body or b""), moved_to=answer.moved_to,
            posts=posts, comments=comments, kind=kind,  # type: ignore[arg-type]
            description=answer.description, entries=answer.entries, ranks=answer.ranks,
        )  # fmt: skip
        return report(Outcome.UPDATED, counts.new, counts.changed, counts.moved, held=len(answer.records),
                      left_out=answer.left_out,
                      pages=wpapi.total_pages(result.headers), comment_guids=_guids_by_post(comments, counts.renamed))  # fmt: skip

    def _note_api(self, participant: Participant, result: FetchResult) -> None:
        """Where the blog's WordPress API is, as its post feed's answer names it (wpapi.py):
        kept for the runs whose post feed answers 304, which names nothing."""
        root = wpapi.api_root(result.headers, result.final_url) or ""
        key = API_ROOT + participant.slug
        if (self.store.get_meta(key) or "") != root:
            self.store.set_meta(key, root)

    def _failed(
        self, participant: Participant, key: str, url: str, error: FetchError,
        answers: tuple[FetchResult, ...], kind: FeedKind, state: FeedState | None,
    ) -> FeedReport:  # fmt: skip
        """Record a failure, and when the feed is asked again (its Retry-After, or backoff)."""
        failures = (state.consecutive_errors if state else 0) + 1
        when = decide.next_try(failures, answers, self.now, self.options.politeness)
        if decide.asks_for_patience(answers):
            self.slowed_down.update(server_key(answer.final_url) for answer in answers)
        self.start.wrote_feed(key)
        self.store.record_error(participant.slug, key, error, kind=kind, next_try=when)
        return FeedReport(participant, url, Outcome.ERROR, error=error, kind=kind, next_try=when)

    async def _parse(self, parse: Callable[..., Parsed], result: FetchResult) -> Parsed:
        args = (result.body, dict(result.headers), result.final_url)
        if self.parser is not None and (answer := without_parsing(parse, result.body or b"")) is not None:
            return answer  # not worth the pool's trip
        if self.parser is None:
            return parse(*args)
        if isinstance(self.parser, Parsers):
            return await self.parser.run(parse, *args)
        return await asyncio.get_running_loop().run_in_executor(self.parser, parse, *args)

    # -- posts ------------------------------------------------------------------------------------

    async def update_posts(self, participant: Participant) -> FeedReport:
        state = self.start.feed_state(participant.feed)
        parse = partial(parse_posts, participant=participant, limit=self.options.max_items,
                        seen=state.entry_digests if state else "", zone=self.options.zone)  # fmt: skip
        return await self.read(participant, participant.feed, state, parse)

    # -- comments ---------------------------------------------------------------------------------

    async def read_comments(
        self, feed: plan.CommentFeed, now: datetime, unreachable: set[str],
        known: frozenset[str] = frozenset(), whole: bool = False,
    ) -> FeedReport | None:  # fmt: skip
        """The first of a feed's URLs that answers (a missing Atom twin falls back to RSS).
        `known`: the ids of the comments just read from the blog's API: a body holding only those
        is not parsed, and not even sent to the pool (work.without_parsing).  `whole`: asked
        without validators (a post whose count fell: the validators of a comment feed need not
        change when a comment is deleted, WordPress's follow its newest comment).

        `unreachable`: the servers (urls.server_key) that could not be reached this run: not
        asked (each would wait for its own timeout), and added to where this feed finds one.
        None when there was nothing to read: only guessed URLs, recently found missing, or URLs
        on such servers.
        """
        # The job needs of the posts only what a comment names: not their content, pickled into
        # a worker with every job.
        posts = tuple(PostRef(post.id, post.guid, post.url) for post in feed.posts)
        parse = partial(parse_comments, feed=replace(feed, posts=posts), limit=self.options.max_items,
                        known=known, zone=self.options.zone)  # fmt: skip
        report = None
        for url in feed.urls:
            kind: FeedKind = "probe" if feed.is_probe(url) else "comments"
            asked = await self._read_comment_source(feed.participant, url, parse, kind, now, unreachable,
                                                    ask=url if whole else None)  # fmt: skip
            if asked is None:
                continue
            report = asked
            # Read, or the address the blog named waiting: not its other address meanwhile.  A
            # guess that waits (it failed, and BLOGPARADE_MAX_WAIT_DAYS may be longer than a
            # missing guess is left alone) holds nothing back.
            if not report.failed and not (kind == "probe" and report.outcome is Outcome.WAITING):
                break
        if report and report.outcome is Outcome.UPDATED and not feed.sitewide and len(feed.posts) == 1:
            # A post's own feed read whole: where it held none, that is said too (whole_threads).
            report = replace(report, comment_guids={feed.posts[0].id: frozenset(), **report.comment_guids})
        return report

    async def _read_comment_source(
        self, participant: Participant, url: str, parse: Callable[..., Parsed], kind: FeedKind,
        now: datetime, unreachable: set[str], ask: str | None = None,
    ) -> FeedReport | None:  # fmt: skip
        """One address comments come from (a feed, or WordPress's API), unless its server could
        not be reached this run (`unreachable`; each would wait for its own timeout) or asked us
        to slow down (`slowed_down`), or it is a guess (a probe) found missing less than
        PROBE_RETRY ago: then None.  A server it cannot reach joins `unreachable`.  `ask` as for
        `read`: its state is `url`'s."""
        if not self._asks(ask or url, unreachable):
            return None  # asked next run
        state = self.start.feed_state(url)
        if kind == "probe" and state and not plan.worth_probing(
            state.last_error is not None, state.last_attempt, now
        ):
            return None
        report = await self.read(participant, url, state, parse, kind, ask)
        if _could_not_reach(report):
            unreachable.add(server_key(report.url))  # where it was asked (a moved feed: there)
        return report

    def _asks(self, url: str, unreachable: set[str]) -> bool:
        """Whether `url`'s server is asked for comments: not where it could not be reached this
        run (`unreachable`), nor where it asked us to slow down (`slowed_down`)."""
        server = server_key(url)
        return server not in unreachable and server not in self.slowed_down

    def _budget(self) -> Callable[[], bool]:
        """Whether the time for a series of one blog's comment requests (its posts' own feeds,
        the API's pages) is spent: as long as one request may take (BLOGPARADE_TIMEOUT), from
        now.  They are asked one after another, and a server that answers each just in time
        would hold the run for a timeout per post; those left are asked by the next run (still
        missing their comments then, while those read are not asked again)."""
        loop = asyncio.get_running_loop()
        until = loop.time() + self.fetcher.settings.timeout
        return lambda: loop.time() > until

    async def update_comments(
        self, participant: Participant, options: CommentOptions, now: datetime,
        posts_read: FeedReport | None = None,
    ) -> list[FeedReport]:  # fmt: skip
        """Read the blog's comment feeds, one after another.  `posts_read`: this run's report of
        its post feed, where it was read just before (a server it could not reach is not asked
        for comments)."""
        heads = self.start.post_heads(participant.slug)
        posts = [
            post for post in heads
            if plan.followed(post, now, options.days, options.always)
        ]  # fmt: skip
        unreachable: set[str] = set()  # servers that could not be reached this run
        if posts_read is not None and _could_not_reach(posts_read):
            unreachable.add(server_key(posts_read.url))
        wanting = [post for post in posts if plan.may_want_comments(post)]
        counted = wanting or any(plan.unchecked(post) for post in posts)
        stored = self.start.comment_counts(participant.slug, heads) if counted else {}
        asking = plan.plan_per_post(wanting, stored)
        sitewide = plan.plan_sitewide(participant, posts, asking)
        root = self.store.get_meta(API_ROOT + participant.slug) if asking else None
        # More missing than the site-wide feed shows: the API lists them first, and the feed is
        # parsed only for what the list did not bring.  Otherwise the feed comes first, and the
        # API lists what it missed.
        api_first = bool(root and sitewide) and plan.api_first(asking, stored)
        listed: list[FeedReport] = []
        known: frozenset[str] = frozenset()
        if root and api_first:
            listed, stored = await self.read_api(participant, asking, root, now, unreachable, stored)
            if any(report.answered for report in listed):
                known = self.store.comment_guids([post.id for post in asking])
        first = await self.read_comments(sitewide, now, unreachable, known) if sitewide else None
        if first is not None and first.new:
            stored = self.store.comment_counts(participant.slug)  # fresh: what it brought
        # A post whose whole thread a read held wants no other (a count that fell, read whole).
        still = _without_whole_threads(plan.plan_per_post(asking, stored), [first, *listed])
        if root and still and not api_first:
            listed, stored = await self.read_api(participant, still, root, now, unreachable, stored)
            still = _without_whole_threads(plan.plan_per_post(still, stored), [first, *listed])
        covered: list[PostHead] = []
        if any(report.answered for report in listed):
            covered = [post for post in asking if post not in still]
        asking = still
        # One after another: over one kept-alive connection to the blog, not a new one for each
        # feed read at the same time (a TLS handshake each, on a real blog).  Other blogs are read
        # meanwhile.  A first run of 300 blogs with comments on the benchmark's farm (plain HTTP):
        # 3 % less CPU and 5 % less time (A/B, 4 runs each); at 1,000 blogs about the same.
        sharing = plan.shared_feeds(heads, posts) if asking else {}
        then = await self._read_per_post(participant, asking, now, unreachable, sharing)
        read = covered + [
            post for feed, report in then if report and report.answered for post in feed.posts
        ]  # fmt: skip
        reports = (listed + [first] if api_first else [first] + listed) + [report for _, report in then]
        reports = [report for report in reports if report]
        if any(report and report.new for _, report in then):
            stored = self.store.comment_counts(participant.slug)  # fresh: what they brought
        threads = plan.whole_threads(posts, _held(reports))
        if threads:
            self._mirror_deletions(participant, threads)
        checked = plan.checked_now(posts, stored, {post.id for post in read} | threads.keys())
        if checked:
            self.store.mark_comments_checked(checked)
        return reports

    def _mirror_deletions(self, participant: Participant, threads: Mapping[str, AbstractSet[str]]) -> None:
        """Hide the stored comments that their blog no longer has, of the posts whose whole
        `threads` this run read (plan.whole_threads), and show again those it has again."""
        gone, back = plan.gone_at_source(threads, self.store.comments_shown(list(threads)))
        if gone or back:
            self.at_source += [SourceChange(participant.name, title, url, shown)
                               for url, title, shown in self.store.mark_gone_at_source(gone, back)]  # fmt: skip

    async def _read_per_post(
        self, participant: Participant, posts: Sequence[PostHead], now: datetime,
        unreachable: set[str], sharing: Mapping[str, Sequence[PostHead]],
    ) -> list[tuple[plan.CommentFeed, FeedReport | None]]:  # fmt: skip
        """Each post's own comment feed, its Atom twin first until one twin is found missing
        (then none for a week: plan.guess_twins), for as long as one request may take (see
        `_budget`): those left then are deferred to the next run.  A feed several posts name
        (`sharing`, plan.shared_feeds) is read once, for all of them."""
        key = NO_ATOM_TWINS + participant.slug
        twins = plan.guess_twins(_moment(self.store.get_meta(key)) if posts else None, now)
        spent = self._budget()
        read: list[tuple[plan.CommentFeed, FeedReport | None]] = []
        read_together: set[str] = set()
        for post in posts:
            together = sharing.get(post.comment_feed or "", ())
            if together:
                if post.comment_feed in read_together:
                    continue  # read already, for all the posts naming it
                read_together.add(post.comment_feed or "")
            feed = plan.per_post_feed(participant, post, twins, together)
            if spent() and self._asks(feed.urls[-1], unreachable):
                deferred = FeedReport(participant, feed.urls[-1], Outcome.DEFERRED, kind="comments")
                read.append((feed, deferred))
                continue
            report = await self.read_comments(feed, now, unreachable, whole=plan.fell(post))
            announced = report is not None and report.kind == "comments" and report.answered
            if twins and plan.twin_missing(feed, announced):
                twins = False
                self.store.set_meta(key, now.isoformat())
            read.append((feed, report))
        return read

    async def read_api(
        self, participant: Participant, posts: Sequence[PostHead], root: str, now: datetime,
        unreachable: set[str], stored: dict[str, int],
    ) -> tuple[list[FeedReport], dict[str, int]]:  # fmt: skip
        """The comments of `posts` from their blog's WordPress API (at `root`, wpapi.py), in one
        list: page after page (newest first) while their counts say some are still missing and
        WordPress says more pages follow, up to the entries a feed may give (`max_items`), for as
        long as one request may take (`_budget`: the next run goes on).  Only posts with a
        WordPress ID and a count to compare with are asked: what the API gives is checked against
        the count.  A guess, as a probe is: a blog whose API is off, or answers no list, is no
        error, and not asked again for a week; a server that stops answering is not asked again
        this run.  `stored`: the blog's comments stored per post; returned as they stand after the
        list (read again where a page stored new ones: the next page, or the caller, needs them)."""
        numbered = tuple(
            (number, PostRef(post.id, post.guid, post.url)) for post in posts
            if post.comment_count is not None
            and (number := wpapi.post_number(post.guid, post.comment_feed, root)) is not None
        )  # fmt: skip
        if not numbered:
            return [], stored
        parse = partial(parse_api_comments, posts=numbered, limit=self.options.max_items)
        numbers = [number for number, _ in numbered]
        # An API that does not answer in time is slow where the feeds are not (PHP where they
        # come from a cache): its pages are not asked again this run, the feeds still are.
        unreachable = set(unreachable)
        key = wpapi.comments_url(root)  # the list's state, whichever posts it is asked for
        reports: list[FeedReport] = []
        spent = self._budget()
        for page in range(1, -(-self.options.max_items // wpapi.PER_PAGE) + 1):
            if reports and spent():
                break
            report = await self._read_comment_source(
                participant, key, parse, "probe", now, unreachable,
                ask=wpapi.comments_url(root, numbers, page),
            )  # fmt: skip
            if report is None:
                break
            reports.append(report)
            if report.new:
                stored = self.store.comment_counts(participant.slug)  # fresh: what it brought
            # WordPress says how many pages there are, and refuses one past the last (400); where
            # a proxy dropped its word, a page that is not full is the last.
            last = report.pages
            if last is None:
                last = page + 1 if report.held >= wpapi.PER_PAGE else page
            if report.outcome is not Outcome.UPDATED or page >= last:
                break
            # A page without a new comment does not say the older ones are known: one approved
            # late keeps its date, and sits below.  The counts say whether any is missing.
            missing = (plan.missing(post, stored.get(post.id, 0)) for post in posts)
            if not any(missing):
                break
        return reports, stored

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
            for report in await self._comments_of(participant, options, report):
                summary.reports.append(report)
                if progress:
                    progress(report)

        tasks = [asyncio.ensure_future(one(p)) for p in participants if p.active]
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            # A store that cannot be written ends the run: the other blogs' reads end with it,
            # here, not when the HTTP session they use is closed under them (which they logged
            # as unexpected errors, with tracebacks).
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        summary.at_source = self.at_source
        return summary

    async def _comments_of(
        self, participant: Participant, options: CommentOptions, posts_read: FeedReport
    ) -> list[FeedReport]:
        """update_comments, where a bug costs this blog's comments, not the run (read() does the
        same for one feed); a store that cannot be written ends the run."""
        try:
            return await self.update_comments(participant, options, self.now, posts_read)
        except StoreError:
            raise
        except Exception as error:  # noqa: BLE001
            return [FeedReport(participant, participant.feed, Outcome.ERROR, error=_bug(error), kind="comments")]


def _bug(error: Exception) -> FetchError:
    """A bug met while reading a feed (or a blog's comments), as that feed's error."""
    return FetchError(ErrorKind.NOT_A_FEED, f"unexpected {type(error).__name__}: {error}")


def _moment(value: str | None) -> datetime | None:
    """A time the update kept in the store's meta (ISO 8601, UTC); None where there is none or
    it cannot be read."""
    try:
        moment = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    return moment.replace(tzinfo=UTC) if moment and moment.tzinfo is None else moment


def _could_not_reach(report: FeedReport) -> bool:
    """Asked this run, and its server could not be reached (not: a feed still waiting after such
    a failure in an earlier run, which asked nothing)."""
    return report.outcome is Outcome.ERROR and decide.unreachable(report.error)


def _held(reports: Sequence[FeedReport | None]) -> dict[str, set[str]]:
    """The guids of the comments that `reports`' bodies gave, by post id (comments.whole_threads)."""
    held: dict[str, set[str]] = {}
    for report in reports:
        for post_id, guids in report.comment_guids.items() if report else ():
            held.setdefault(post_id, set()).update(guids)
    return held


def _without_whole_threads(posts: list[PostHead], reports: Sequence[FeedReport | None]) -> list[PostHead]:
    """`posts` but those whose whole thread `reports` held."""
    whole = plan.whole_threads(posts, _held(reports)) if posts else {}
    return [post for post in posts if post.id not in whole]


def _guids_by_post(
    comments: Sequence[Comment], renamed: Mapping[tuple[str, str], str]
) -> dict[str, frozenset[str]]:
    """The guids of `comments` by their post's id (FeedReport.comment_guids), as stored (`renamed`:
    those stored under their first guid, SaveCounts.renamed)."""
    found: dict[str, set[str]] = {}
    for comment in comments:
        name = (comment.post_id, comment.guid)
        found.setdefault(comment.post_id, set()).add(renamed.get(name, comment.guid))
    return {post_id: frozenset(guids) for post_id, guids in found.items()}


def _moved(result: FetchResult, asked: str, key: str) -> str | None:
    """Where a feed answered, when that is not its configured address `key`."""
    where = result.permanent_redirect or asked
    return None if where == key else where


# Bodies a run parses in this process before it starts the pool.  Measured with the benchmark's
# WordPress feeds (2 cores, a busy machine): parsing inline beat a pool in time up to 120 feeds
# and always cost 0.3 s less CPU and 100 MB less memory; from 300 feeds on the pool was faster.
INLINE = 100


class Parsers:
    """Where an update parses: in this process while it has few bodies to parse, in a pool of
    worker processes (pool.py) once it has many.

    A pool costs ~0.2 s of CPU to start (a fork server that imports the parsing code, then its
    workers) and ~100 MB while it lives; a run of unchanged feeds (all 304) parses nothing and
    should pay none of it.  So bodies are parsed inline, and once a run has more than `INLINE`
    to parse, or `expected` says it will (feeds never fetched before: a first run), the pool is
    started in a thread (the fork server's start blocks); bodies that come meanwhile wait for
    it, fetching goes on.  A first run starts it before its first request.

    Workers come from a fork server, not a fork of this process: a forked worker would inherit
    every open socket (a reset connection would then look like a timeout) and every thread (the
    demo serves its blogs from one; forking a threaded process can deadlock).  The fork server
    imports `pool.PRELOAD` (parse, clean, lxml, nh3), so no worker imports anything itself.
    """

    def __init__(self, expected: int = 0, workers: int | None = None):
        cores = os.cpu_count() or 1
        # A worker per core: each has its next job waiting in its pipe (pool.DEPTH), so none
        # waits for this process between two jobs.  (A spare worker did that job before: with
        # DEPTH, a first run of 1,000 blogs on 2 cores took the same time without it, and 1.5 %
        # less CPU; A/B, 4 runs each.)
        workers = min(cores, 4) if workers is None else workers
        self.workers = workers if workers >= 2 else 0  # one core: a pool would only add its cost
        self.parsed = 0
        self.pooled = 0  # of them, parsed by the pool
        self.pool: WorkerPool | None = None
        self.starting: asyncio.Future[WorkerPool] | None = None
        self.expected = expected

    async def run(self, parse: Callable[..., Parsed], *args: Any) -> Parsed:
        self.parsed += 1
        if self.pool is None and self.starting is not None:
            # Bodies wait for the pool (a tenth of a second) rather than being parsed here
            # meanwhile: parsing here holds the GIL that the pool's start and the fetching
            # need, and the pool's start took 0.5 s instead of 0.15 s.
            await self.ready()
        if self.pool is not None and self.pool.workers:
            self.pooled += 1
            ok, answer = await self.pool.run(parse, *args)
            if not ok:
                raise RuntimeError(answer)  # a bug in a job: that feed's error (Updater.read)
            return answer
        if self.workers and self.starting is None and max(self.parsed, self.expected) > INLINE:
            self.start()
        return parse(*args)

    def start(self) -> None:
        """Start the pool in a thread (the fork server's start blocks); bodies wait for it."""
        if self.workers and self.starting is None:
            try:
                start_fork_server()  # here, not in the thread: see there
            except Exception:  # noqa: BLE001  none can be started (no Python to run, no processes
                self.workers = 0  # left, no sockets): parsing stays here, as without cores
                return
            self.starting = asyncio.get_running_loop().run_in_executor(None, self._start)
            self.starting.add_done_callback(self._up)

    async def ready(self) -> None:
        """Wait until the pool that was started is up (or has failed to start: then parsing
        stays here)."""
        if self.starting is not None and self.pool is None:
            with suppress(Exception):
                await asyncio.shield(self.starting)
            await asyncio.sleep(0)  # _up has run

    def _start(self) -> WorkerPool:
        pool = WorkerPool(self.workers)
        try:
            pool.start()
        except BaseException:
            pool.close()
            raise
        return pool

    def _up(self, starting: asyncio.Future[WorkerPool]) -> None:
        if starting.cancelled() or starting.exception() is not None:
            return  # no pool: parsing goes on here
        pool = starting.result()
        pool.attach(asyncio.get_running_loop())
        self.pool = pool

    async def close(self) -> None:
        if self.starting is not None:
            try:
                await self.starting
            except Exception:  # noqa: BLE001  a pool that failed to start parsed nothing
                pass
            await asyncio.sleep(0)  # _up has run
        if self.pool is not None:
            pool, self.pool = self.pool, None
            pool.detach()  # here, in the loop's thread; the waiting for the workers in another
            await asyncio.get_running_loop().run_in_executor(None, pool.close)


@asynccontextmanager
async def parsers(expected: int = 0) -> AsyncIterator[Parsers]:
    """Parsers for one run; the pool's workers (if it was started) end with it."""
    found = Parsers(expected)
    try:
        yield found
    finally:
        await found.close()


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
    start = RunStart(store)
    # Feeds never fetched will all be parsed: a first run starts the pool at once.
    never = sum(1 for p in active if not start.has_state(p.feed))
    with store.many_transactions(), fewer_collections():
        async with parsers(never) as pool:
            if never > INLINE:
                # Started before the first request and not waited for: the fork server imports
                # the parsing code (0.1 s) while the first answers are on their way (the first
                # body of a first run came 0.1 s sooner), and bodies that come first wait for it.
                pool.start()
            async with Fetcher(settings) as fetcher:
                updater = Updater(store, fetcher, pool, feeds, now, logins, start)
                return await updater.update_all(active, comments, progress)
