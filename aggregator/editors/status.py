"""What an editor needs to know about each participant's feed, assembled from the store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from ..feeds.decide import Politeness, is_due
from ..languages import name_order
from ..models import FeedState, FetchError, Participant
from ..store import Store, utcnow


@dataclass(frozen=True)
class ParticipantStatus:
    participant: Participant
    state: FeedState | None
    posts: int
    comments: int = 0
    comment_feeds: int = 0
    comment_feed_errors: int = 0
    next_try: datetime | None = None  # the feed waits until then (Retry-After, or backoff)
    comment_feed_error: tuple[str, FetchError] | None = None  # the latest failing one, and why
    failing_since: datetime | None = None  # the first failure of the current streak
    last_new_post: datetime | None = None  # when its newest post was first seen here
    notified: datetime | None = None  # when the failure notice went out (editors/notify.py)

    @property
    def streak(self) -> int:
        """Runs in a row whose fetch of the post feed failed (0: the last one worked)."""
        return self.state.consecutive_errors if self.state else 0

    @property
    def feed_url(self) -> str:
        """The configured feed; where it moved too, while it is read there."""
        moved = self.state.moved_to if self.state else None
        if moved and moved != self.participant.feed:
            return f"{self.participant.feed} (moved to {moved})"
        return self.participant.feed

    @property
    def health(self) -> str:
        """`ok`, `error: <what>`, or why the feed is not read."""
        if not self.participant.active:  # not read, whatever its last read said
            last = self.state.last_error if self.state else None
            return f"inactive, not fetched (its last read: error: {last})" if last else "inactive, not fetched"
        if self.state is None or self.state.last_attempt is None:
            return "never fetched"
        if self.state.gone:
            return f"error: {self.state.last_error or 'gone (410)'}; not fetched any more"
        if self.state.last_error:
            return f"error: {self.state.last_error}"
        return "ok"

    @property
    def last_success(self) -> datetime | None:
        return self.state.last_success if self.state else None


def participant_statuses(
    store: Store, participants: list[Participant], now: datetime | None = None,
    politeness: Politeness = Politeness(),
) -> list[ParticipantStatus]:
    states = store.feed_states()
    moves = store.moved_posts()
    posts = store.post_counts()
    for participant, _ in moves.values():  # a moved blog's old copy: its post is counted once
        posts[participant] -= 1
    comments = store.comment_counts_by_participant()
    health = store.comment_feed_health()
    comment_errors = store.comment_feed_errors()
    failing, newest, alerts = store.failing_since(), store.last_new_posts(moves), store.alerts()
    now = now or utcnow()
    return [
        ParticipantStatus(
            p, states.get(p.feed), posts.get(p.slug, 0), comments.get(p.slug, 0),
            *health.get(p.slug, (0, 0)),
            next_try=waiting_until(states.get(p.feed), now, politeness) if p.active else None,
            comment_feed_error=comment_errors.get(p.slug), failing_since=failing.get(p.feed),
            last_new_post=newest.get(p.slug),
            notified=alerts[p.slug].notified if p.slug in alerts else None,
        )
        for p in sorted(participants, key=lambda p: name_order(p.name))
    ]


def waiting_until(state: FeedState | None, now: datetime,
                  politeness: Politeness = Politeness()) -> datetime | None:  # fmt: skip
    """When a feed waiting for its next try is asked again; None when the next run asks it."""
    if state is None or state.gone or is_due(state.next_try, now, politeness):
        return None
    return state.next_try


STATUS_FORMAT = "blogparade-status/1"


def status_document(
    rows: list[ParticipantStatus], *, site_name: str, timezone: str, now: datetime
) -> dict[str, Any]:
    """`status --json`, and what the site's status page and blog pages read: stable keys
    (README, "status --json"); times ISO 8601 in UTC, or null."""
    return {
        "format": STATUS_FORMAT,
        "site": site_name,
        "timezone": timezone,
        "generated": _iso(now),
        "blogs": [_blog_document(row) for row in rows],
    }


def _blog_document(row: ParticipantStatus) -> dict[str, Any]:
    failing = row.comment_feed_error if row.comment_feed_errors else None
    return {
        "slug": row.participant.slug,
        "name": row.participant.name,
        "feed": row.participant.feed,
        "moved_to": row.state.moved_to if row.state else None,
        "active": row.participant.active,
        "kind": row.participant.kind,
        "department": row.participant.department or None,
        "gone": bool(row.state and row.state.gone),
        "health": row.health,
        "ok": row.health == "ok",
        **error_fields(row.state.last_error if row.state else None),
        "streak": row.streak,
        "failing_since": _iso(row.failing_since),
        "notified": _iso(row.notified),
        "next_try": _iso(row.next_try),
        "last_success": _iso(row.last_success),
        "last_new_post": _iso(row.last_new_post),
        "posts": row.posts,
        "comments": row.comments,
        "comment_feeds": row.comment_feeds,
        "comment_feed_errors": row.comment_feed_errors,
        # The latest failing comment feed, and why: as `status` names it.
        "comment_feed_error": {"url": failing[0], **error_fields(failing[1])} if failing else None,
    }


def error_fields(error: FetchError | None) -> dict[str, str | None]:
    """`error` as `status` says it ("http: 500 Internal Server Error"), and its two parts apart:
    the kind of failure (ErrorKind's words: "http") and what was seen ("500 Internal Server
    Error"), so that a script or the status page need not take the sentence apart (the status
    document's keys and a notice's, notify.py)."""
    if error is None:
        return {"error": None, "error_kind": None, "error_message": None}
    return {"error": str(error), "error_kind": str(error.kind), "error_message": error.message}


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat(timespec="seconds") if value else None
