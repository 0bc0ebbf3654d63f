"""Which feeds a run asks, at which address, and when a failed one is asked again.

Pure decisions from what the store remembers and what the last answer said; no I/O, no clock
(the run's `now` is an argument).  The pipeline (update.py) asks, records, and follows them; the
shape is lemon24/reader's update decider.

- A feed that answered 410 Gone is retired: never asked again.
- A feed is asked unless it waits for its "next try":
  - its server answered 429 or 503 with `Retry-After` (seconds, or an HTTP date): not before then;
  - it keeps failing: the first failure costs nothing (most are one night's hiccup), from the
    second failure in a row it waits an hour, then twice as long after each further failure.
  Both waits end after `Politeness.longest` at most (a week by default): a server's absurd
  Retry-After, or a blog dead for months, is still asked once a week.  Our own waits end a few
  minutes early (`EARLY`), so that the run at the same hour a week later counts.
- `ask_all` (`fetch --all`) asks every feed that is not retired, waiting or not.
- A feed that moved (permanent redirect) is asked where it moved; when that address fails, its
  configured address is asked again in the same run (see `falls_back`).
- A blog's comment feeds are asked one after another; once its post feed or one of them could
  not reach its server at all (`unreachable`), the comment feeds on that server wait for the next
  run instead of each waiting for its own timeout.  Once any feed on a server answered 429 or
  503 (`asks_for_patience`), no comment feed on it is asked for the rest of the run.
"""

from __future__ import annotations

import email.utils
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING, Iterable

from ..models import ErrorKind, FeedState, FetchError, FetchResult

if TYPE_CHECKING:
    from ..site import Site

FIRST_BACKOFF = timedelta(hours=1)
# Our own waits end this much early: a week's wait that starts with tonight's run at 03:17:05
# must be over for the run a week later, which cron may start at 03:17:01.  A time a server
# named in Retry-After is kept to the second.
EARLY = timedelta(minutes=5)
# A server asks for patience with these; any other failure of a moved feed is the new address's.
PATIENCE = frozenset({429, 503})
_SECONDS = re.compile(r"^\s*(\d+)\s*$")


class Verdict(str, Enum):
    ASK = "ask"
    WAIT = "wait"  # not before its next try
    RETIRED = "retired"  # answered 410 Gone

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class Politeness:
    """How long failing and busy feeds are left alone (site setting BLOGPARADE_MAX_WAIT_DAYS)."""

    longest: timedelta = timedelta(days=7)
    ask_all: bool = False  # `--all`: ask waiting feeds too

    @classmethod
    def from_days(cls, days: float, *, ask_all: bool = False) -> Politeness:
        return cls(timedelta(days=max(float(days), 0.0)), ask_all)

    @classmethod
    def of_site(cls, site: Site, *, ask_all: bool = False) -> Politeness:
        return cls.from_days(float(site["BLOGPARADE_MAX_WAIT_DAYS"]), ask_all=ask_all)


def verdict(
    state: FeedState | None, now: datetime, politeness: Politeness = Politeness()
) -> Verdict:
    """Whether this run asks the feed whose stored state is `state` (None: never asked)."""
    if state is None:
        return Verdict.ASK
    if state.gone and not politeness.ask_all:  # `--all`: the editors ask whether it came back
        return Verdict.RETIRED
    if politeness.ask_all or is_due(state.next_try, now, politeness):
        return Verdict.ASK
    return Verdict.WAIT


def is_due(next_try: datetime | None, now: datetime, politeness: Politeness = Politeness()) -> bool:
    """Whether a feed's wait is over.  A next try further off than the longest wait we ever set
    was set by a clock that ran ahead and has been set back (or before the editor shortened
    BLOGPARADE_MAX_WAIT_DAYS): over too, or the feed would wait for months."""
    return next_try is None or now >= next_try or next_try - now > politeness.longest


def addresses(configured: str, state: FeedState | None) -> tuple[str, ...]:
    """Where to ask, in order: where the feed moved, then where it is configured."""
    moved = state.moved_to if state else None
    return (moved, configured) if moved and moved != configured else (configured,)


def falls_back(failed: FetchResult) -> bool:
    """Whether the configured address is asked after the moved-to one failed like this.

    Not when the server asked for patience: the configured address usually redirects to the
    same server, and asking it again at once is exactly what 429 and 503 ask us not to do.
    """
    return failed.status not in PATIENCE


def asks_for_patience(answers: Iterable[FetchResult]) -> bool:
    """Whether a failed feed's server asked us to slow down (429, 503): then more requests in
    the same run, a comment feed after the post feed, are what it asked us not to send."""
    return any(answer.status in PATIENCE for answer in answers)


# Failures of the blog's server or the way to it, not of one feed: its other feeds would fail
# the same way (a timeout costing BLOGPARADE_TIMEOUT each).
_UNREACHABLE = frozenset({ErrorKind.DNS, ErrorKind.CONNECTION, ErrorKind.TIMEOUT, ErrorKind.TLS,
                          ErrorKind.PROXY, ErrorKind.NOT_ALLOWED})  # fmt: skip


def unreachable(error: FetchError | None) -> bool:
    """Whether a feed's failure says that its server could not be reached at all this run."""
    return error is not None and error.kind in _UNREACHABLE


def next_try(
    failures: int, answers: Iterable[FetchResult], now: datetime,
    politeness: Politeness = Politeness(),
) -> datetime | None:  # fmt: skip
    """When to ask again a feed that has just failed for the `failures`-th time in a row.

    `answers` are this run's failed answers (two when a moved feed fell back); None: next run.
    """
    waits = [_ours(backoff(failures, politeness))]
    for answer in answers:
        asked = retry_after(answer.headers.get("retry-after"), now)
        if asked and answer.status in PATIENCE:
            waits.append(asked - now)
    wait = min(max(waits), _ours(politeness.longest))
    return now + wait if wait else None


def _ours(wait: timedelta) -> timedelta:
    """A wait of our own making, ending `EARLY`."""
    return max(wait - EARLY, timedelta(0))


def backoff(failures: int, politeness: Politeness = Politeness()) -> timedelta:
    """The wait after `failures` failures in a row: none after the first, then 1 h, 2 h, 4 h…"""
    if failures < 2:
        return timedelta(0)
    return min(FIRST_BACKOFF * 2 ** min(failures - 2, 32), politeness.longest)


def retry_after(value: str | None, now: datetime) -> datetime | None:
    """The time a `Retry-After` value names: delta-seconds or an HTTP date (RFC 9110 10.2.3).

    None for a missing or unreadable value, or a time already past.
    """
    if not value:
        return None
    seconds = _SECONDS.match(value)
    if seconds:
        until = now + timedelta(seconds=min(int(seconds.group(1)), 10**9))
    else:
        try:
            until = email.utils.parsedate_to_datetime(value.strip())
        except (TypeError, ValueError, IndexError):
            return None
        if until.tzinfo is None:  # "-0000": UTC without saying so
            until = until.replace(tzinfo=UTC)
    return until if until > now else None
