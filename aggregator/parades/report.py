"""What a parade's host wants to know (`blogparade parade status SLUG`): every contribution and
where it came from, every rejected candidate with its reason, and how the parade's own feeds
fare.  Assembled from a membership.Selection and the store's feed states; no network."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import AbstractSet

from ..feeds.comments import atom_twin
from ..models import FeedState, Participant, StoredPost
from ..urls import page_key
from .files import CHANNEL_LABELS, ChannelName, Parade, state
from .membership import Selection
from .verify import Verdict


@dataclass(frozen=True)
class ContributionRow:
    post: StoredPost
    blog: str  # its name
    external: bool  # from a blog that never joined
    late: bool
    channels: tuple[str, ...]  # where it was heard of; () for a joined blog's post found in its feed


@dataclass(frozen=True)
class RejectedRow:
    url: str
    channels: tuple[str, ...]
    verdict: Verdict
    checked_at: datetime | None  # the last look at its page; None: not looked at


@dataclass(frozen=True)
class ChannelRow:
    name: str  # "Mentions feed", "Comments feed" or "Call page"
    url: str
    state: FeedState | None

    @property
    def health(self) -> str:
        if self.state is None or self.state.last_attempt is None:
            return "never fetched"
        return f"error: {self.state.last_error}" if self.state.last_error else "ok"


@dataclass(frozen=True)
class ParadeStatus:
    parade: Parade
    state: str  # "upcoming", "open", "closed"
    contributions: list[ContributionRow]
    rejected: list[RejectedRow]
    channels: list[ChannelRow]
    # Pages the parade's file accepts since it was edited (an Include, Late), which the next fetch
    # makes contributions (it reads them, or makes their posts): url, and why they wait.
    waiting: list[tuple[str, str]] = field(default_factory=list)


def parade_status(
    selection: Selection, parade: Parade, feed_states: dict[str, FeedState], today: date,
    taken_down: AbstractSet[str] = frozenset(),
) -> ParadeStatus:  # fmt: skip
    """`taken_down`: the ids and page keys of the posts the editors hid, which are none of it."""
    blogs: dict[str, Participant] = {blog.slug: blog for blog in selection.blogs}
    judged = selection.judged(parade)
    # Where each contribution was heard of: by its post (a candidate's address may differ from
    # the canonical one its post has), else by its address.
    heard: dict[str, tuple[str, ...]] = {}
    for j in judged:
        for key in ([j.post.id] if j.post else []) + [j.candidate.key]:
            heard[key] = tuple(dict.fromkeys(heard.get(key, ()) + j.candidate.channels))
    rows = []
    for post in selection.contributions(parade):
        blog = blogs.get(post.participant)
        rows.append(ContributionRow(
            post, blog.name if blog else post.participant, bool(blog and blog.kind == "external"),
            parade.is_late(post.published), heard.get(post.id) or heard.get(page_key(post.url), ()),
        ))  # fmt: skip
    accepted = {page_key(row.post.url) for row in rows} | {row.post.id for row in rows}
    rejected = [
        RejectedRow(j.candidate.url, j.candidate.channels, j.verdict, j.page.checked_at if j.page else None)
        for j in judged
        if not j.verdict.accepted and j.candidate.key not in accepted
        and not (j.post and j.post.id in accepted)
    ]  # fmt: skip
    channels = [ChannelRow(name, url, _state(feed_states, url, name))
                for name, url in _channels(parade, feed_states)]  # fmt: skip
    # Accepted now, by the parade's file as it is, but not a contribution yet: they were in
    # neither list until the next fetch (a host's edit seemed to lose them).
    waiting = [(j.candidate.url, "accepted, a contribution after the next fetch") for j in judged
               if j.verdict.accepted and j.candidate.key not in accepted
               and not (j.post and j.post.id in accepted)
               and not {j.candidate.key, j.page and j.page.post_id, j.post and j.post.id} & taken_down]  # fmt: skip
    known = accepted | taken_down | {j.candidate.key for j in judged}
    waiting += [(url, "included, read at the next fetch") for url in parade.include
                if page_key(url) not in known]  # fmt: skip
    return ParadeStatus(parade, state(parade, today), rows, rejected, channels, waiting)


def _channels(parade: Parade, feed_states: dict[str, FeedState]) -> list[tuple[str, str]]:
    """A parade's own feeds, and its call's page (read for its comment list), by name; and the
    call's other comment pages whose last read failed (read as the call's page is)."""
    named = [("mentions", parade.mentions), ("comments", parade.comments), ("call", parade.call_url)]
    failed = [("call", url) for url in parade.failed_comment_pages(feed_states)]
    return [(_name(channel), url) for channel, url in named + failed if url]


def _name(channel: ChannelName) -> str:
    return CHANNEL_LABELS[channel].capitalize()


def _state(states: dict[str, FeedState], url: str, name: str) -> FeedState | None:
    """The Comments feed is read through its Atom twin where it has one: the twin's state then."""
    twin = atom_twin(url) if name == _name("comments") else None
    if twin and twin in states and states[twin].last_error is None:
        return states[twin]
    return states.get(url)


def channel_errors(
    parades: list[Parade], feed_states: dict[str, FeedState]
) -> list[tuple[Parade, ChannelRow]]:
    """The parades' own feeds that failed when last read (for `blogparade status`)."""
    found = []
    for parade in parades:
        for name, url in _channels(parade, feed_states):
            row = ChannelRow(name, url, _state(feed_states, url, name))
            if row.state and row.state.last_error:
                found.append((parade, row))
    return found
