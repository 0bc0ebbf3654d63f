"""What an update reports: one FeedReport per feed asked (or not), summed up in an UpdateSummary.

Apart from the pipeline (update.py) so that the command line can print a summary without
importing the HTTP client.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Callable, Mapping, NamedTuple

from ..models import FetchError, Participant
from ..store import FeedKind


class Outcome(str, Enum):
    UPDATED = "updated"  # fetched and parsed
    UNCHANGED = "unchanged"  # 304, or the same body as last time
    ERROR = "error"
    RETIRED = "retired"  # answered 410 Gone before: not asked again
    WAITING = "waiting"  # not asked before its next try (Retry-After, or failing again and again)
    DEFERRED = "deferred"  # not asked: its blog's comment feeds had taken their time this run

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class FeedReport:
    participant: Participant
    url: str  # what was requested
    outcome: Outcome
    new: int = 0  # posts, or comments for a comment feed
    changed: int = 0
    moved: int = 0  # not in `new`: posts stored before, brought again by a blog that moved
    error: FetchError | None = None  # this run's, or for a waiting feed the last one
    kind: FeedKind = "posts"
    next_try: datetime | None = None  # when a failed or waiting feed is asked again
    held: int = 0  # the records a changed feed's body gave (new, changed or as stored)
    left_out: int = 0  # a post feed's entries beyond BLOGPARADE_MAX_ITEMS_PER_FEED, the oldest
    pages: int | None = None  # of a list answered page by page, as it says (None: it does not)
    # A comment feed's: the guids of the comments its body gave, by post id (comments.whole_threads).
    comment_guids: Mapping[str, frozenset[str]] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        """Failed this run (or for good); a feed waiting for its next try has not."""
        return self.outcome in (Outcome.ERROR, Outcome.RETIRED)

    @property
    def answered(self) -> bool:
        return self.outcome in (Outcome.UPDATED, Outcome.UNCHANGED)


class SourceChange(NamedTuple):
    """A stored comment hidden because its blog deleted it, or shown again (`shown`)."""

    blog: str  # the participant's name
    post: str  # its post's title
    url: str  # the comment's link, or ""
    shown: bool


@dataclass(repr=False)
class UpdateSummary:
    reports: list[FeedReport] = field(default_factory=list)
    # Stored comments hidden because their blog no longer has them, or shown again because it
    # has them again (comments.gone_at_source).
    at_source: list[SourceChange] = field(default_factory=list)

    def __repr__(self) -> str:
        # Short: asyncio.run, returning a summary, formats its repr when it ends (Runner.run
        # asks signal.getsignal, whose failed Handlers(...) lookup formats the main task and
        # its result): every report written out took 15 ms of a run of 1,000 blogs.
        return f"<UpdateSummary of {len(self.reports)} reports>"

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
        """Every feed that failed this run, post and comment feeds alike (a failed guess is no
        error; a retired one was not asked: `retired`)."""
        return [report for report in self.reports if report.outcome is Outcome.ERROR and report.kind != "probe"]

    @property
    def retired(self) -> list[FeedReport]:
        """Feeds not asked because they answered 410 Gone before: no error of this run, and not
        of every run after it (`--strict` would fail for good); `--all` asks them again."""
        return [report for report in self.reports if report.outcome is Outcome.RETIRED and report.kind != "probe"]

    @property
    def waiting(self) -> list[FeedReport]:
        """Feeds not asked this run because they wait for their next try: no error of this run."""
        return [
            report for report in self.reports
            if report.outcome is Outcome.WAITING and report.kind != "probe"
        ]  # fmt: skip

    @property
    def deferred(self) -> list[FeedReport]:
        """Comment feeds left for the next run: their blog's had taken their time this run."""
        return [report for report in self.reports if report.outcome is Outcome.DEFERRED]

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

    @property
    def moved_posts(self) -> int:
        return sum(report.moved for report in self.of("posts"))


Progress = Callable[[FeedReport], None]
