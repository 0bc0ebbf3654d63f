"""Which stored posts belong to which parade: select.py's and verify.py's rules over the store and
the parade files.

The build, the fetch stage (comments of contributions are followed longer; summary-only posts get
their pages looked at), the roundup and `parade status` all ask the same question; this module
answers it once.  A parade's contributions are the joined blogs' posts select.py accepts and the
candidate pages verify.py accepts (stored as posts of their external blog, or of the joined blog
whose site they are on), once each.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property
from typing import Sequence

from ..editors.participants import kept_blogs
from ..models import CandidatePage, ParadeCandidate, Participant, Seen, StoredPost, moved_copies, other_copies
from ..site import Site, pinned_day
from ..store import Store
from ..urls import page_key
from .external import joined_blog, participants_of
from .files import Parade, load_site_parades, local_today, read_file_metadata, site_timezone, state, takes_contributions
from .pages import remembered_page_links
from .redirects import with_link_targets
from .roundup import existing_roundup
from .roundup_html import html_roundup_day
from .select import contributions, followed_parades, followed_posts
from .shortlinks import on_call_site, stored_shortlinks
from .verify import Verdict, judge_post, verify


@dataclass(frozen=True)
class Judged:
    """A candidate of a parade with its verdict, and the post it is where it is one."""

    candidate: ParadeCandidate
    verdict: Verdict
    page: CandidatePage | None
    post: StoredPost | None = None
    joined: bool = False  # a joined blog's post, judged by select.py's rule


@dataclass(frozen=True)
class Selection:
    parades: list[Parade]
    participants: list[Participant]  # the joined blogs
    posts: list[StoredPost]  # the joined blogs' posts any parade could claim
    page_links: dict[str, tuple[str, ...]]  # per post id, its page's links and where its links led
    candidates: dict[str, list[ParadeCandidate]] = field(default_factory=dict)  # per parade slug
    pages: dict[str, CandidatePage] = field(default_factory=dict)  # per candidate key
    external: list[Participant] = field(default_factory=list)  # blogs that never joined
    external_posts: dict[str, StoredPost] = field(default_factory=dict)  # by id
    # Per copy of a post a moved blog brought again, the id of the copy that stands for it
    # (models.moved_copies): `current` and `copies` are both worked out from it.
    superseded: dict[str, str] = field(default_factory=dict)
    # The build asks for memberships and marks, both per parade: each is worked out once.
    _found: dict[str, list[StoredPost]] = field(default_factory=dict, repr=False, compare=False)

    def contributions(self, parade: Parade) -> list[StoredPost]:
        """The joined blogs' contributions and the accepted candidates', once each, oldest first."""
        if parade.slug not in self._found:
            self._found[parade.slug] = self._contributions(parade)
        return list(self._found[parade.slug])

    def _contributions(self, parade: Parade) -> list[StoredPost]:
        # A moved blog's copies of a post, the one it has today first: to https (one address to
        # the dedupe, but for the scheme), the copy seen first was kept, which the site no
        # longer shows.
        joined = contributions(parade, self.current, page_links=self.page_links,
                               participants=self.participants, copies=self.copies)  # fmt: skip
        # A moved copy's old address and id count as known: its pingback brings in no copy.
        keys = {page_key(address) for post in joined for address in (post.url, *self.copies.get(post.id, ()))}
        ids = {post.id for post in joined}
        found = list(joined)
        for judged in self.judged(parade):
            post = judged.post
            if post is None or not judged.verdict.accepted or post.id in ids:
                continue
            if page_key(post.url) in keys:
                continue  # the same post came in through a joined blog's feed: that one counts
            keys.add(page_key(post.url))
            ids.add(post.id)
            found.append(post)
        return sorted(found, key=lambda post: (post.published, post.id))

    @cached_property  # worked out once (a frozen dataclass's __dict__ takes it)
    def current(self) -> list[StoredPost]:
        """The posts but the copies a moved blog's later copies stand for: the copy seen last,
        at the blog's address of today, as the site publishes it (Store.superseded_post_ids).
        select.py's dedupe knows only one guid or one address."""
        return [post for post in self.posts if post.id not in self.superseded]

    @cached_property
    def copies(self) -> dict[str, tuple[str, ...]]:
        """Per post id with copies, the addresses of its other copies (models.other_copies)."""
        return other_copies(map(seen, self.posts), self.superseded)

    def judged(self, parade: Parade) -> list[Judged]:
        """Every candidate of the parade with its verdict (for `parade status`)."""
        joined = {page_key(post.url): post for post in self.posts}
        found = []
        for candidate in self.candidates.get(parade.slug, ()):
            post = joined.get(candidate.key)
            if post is not None:
                verdict = judge_post(parade, post, self.page_links.get(post.id, ()))
                found.append(Judged(candidate, verdict, self.pages.get(candidate.key), post, True))
                continue
            page = self.pages.get(candidate.key)
            verdict = verify(candidate, page, parade)
            post = self.external_posts.get(page.post_id) if page and page.post_id else None
            found.append(Judged(candidate, verdict, page, post))
        return found

    def memberships(self) -> dict[str, list[str]]:
        """Per post id, the slugs of the parades it contributes to."""
        found: dict[str, list[str]] = {}
        for parade in self.parades:
            for post in self.contributions(parade):
                found.setdefault(post.id, []).append(parade.slug)
        return found

    def marks(self) -> dict[str, dict[str, list[str]]]:
        """Per post id, what its page says besides its parades: `late` (the parades it came late
        to) and `calls` (the parades it is the call of)."""
        found: dict[str, dict[str, list[str]]] = {}
        for parade in self.parades:
            for post in self.contributions(parade):
                if parade.is_late(post.published):
                    found.setdefault(post.id, {}).setdefault("late", []).append(parade.slug)
            for post in call_posts(parade, self.posts):
                found.setdefault(post.id, {}).setdefault("calls", []).append(parade.slug)
        return found

    @property
    def blogs(self) -> list[Participant]:
        """Joined and external blogs: whom a contribution may be from."""
        return self.participants + self.external


def seen(post: StoredPost) -> Seen:
    return Seen(post.id, post.participant, post.published, post.first_seen, post.title, post.url, post.guid)


def call_posts(parade: Parade, posts: Iterable[StoredPost]) -> list[StoredPost]:
    call = page_key(parade.call_url)
    return [post for post in posts if page_key(post.url) == call]


def with_call_aliases(
    parades: Iterable[Parade], posts: Sequence[StoredPost], shortlinks: Mapping[str, str] | None = None
) -> list[Parade]:
    """Each parade knowing its call's shortlink (WordPress's `https://host/?p=42`, which
    contributions copy as often as its permalink): the guid of the call's stored post, and the
    shortlink the call's page named (`shortlinks`, by call address: shortlinks.py), where it is
    another address on the call's site.  A guid on another site, or no URL at all (`tag:` URIs),
    names no page a link could reach."""
    shortlinks = shortlinks or {}
    found = []
    for parade in parades:
        named = [post.guid for post in call_posts(parade, posts)] + [shortlinks.get(parade.call_url, "")]
        aliases = tuple(dict.fromkeys(url for url in named if on_call_site(url, parade.call_url)))
        found.append(replace(parade, call_aliases=aliases) if aliases else parade)
    return found


def stored_candidates(store: Store, parade: str | None = None) -> list[ParadeCandidate]:
    """The store's candidates (of one parade), each keyed by today's `page_key` of its address.

    The store keeps the key a candidate was named under, and page_key has changed since
    (`?p=42` now names a post in a sub-folder too): a row under an older key would never meet
    its page, stored under the new one, nor a parade's keys.  Rows that now share a key are one
    candidate: the first seen, with every channel and the earliest date."""
    found: dict[tuple[str, str], ParadeCandidate] = {}
    for candidate in store.candidates(parade):  # oldest first
        key = page_key(candidate.url)
        known = found.get((candidate.parade, key))
        if known is None:
            found[(candidate.parade, key)] = replace(candidate, key=key)
            continue
        dates = [date for date in (known.date, candidate.date) if date is not None]
        found[(candidate.parade, key)] = replace(
            known, channels=tuple(dict.fromkeys(known.channels + candidate.channels)),
            date=min(dates, default=None),
        )  # fmt: skip
    return list(found.values())


def stored_pages(store: Store) -> dict[str, CandidatePage]:
    """The looks at candidates' pages, by today's `page_key` of the address asked (see
    `stored_candidates`); of two under one key, the later look."""
    found: dict[str, CandidatePage] = {}
    for page in sorted(store.candidate_pages().values(), key=lambda page: page.checked_at):
        key = page_key(page.url)
        found[key] = replace(page, key=key)
    return found


def candidate_posts(
    store: Store, parades: Sequence[Parade], participants: Sequence[Participant] = ()
) -> list[StoredPost]:
    """Posts from the earliest window on: the others cannot be contributions.

    A parade that includes posts by hand may name any post, so then every post is a candidate.
    The calls' own posts are there too, however old (their pages link their parade).
    """
    if not parades:
        return []
    # Hidden posts (`blogparade hide`) are taken down: no contribution, in no roundup.
    if any(parade.include for parade in parades):
        return list(store.posts(hidden=False))
    posts = list(store.posts(since=min(parade.window_start for parade in parades), hidden=False))
    seen = {post.id for post in posts}
    for parade in parades:
        posts += [post for post in stored_calls(store, parade, participants) if post.id not in seen]
        seen |= {post.id for post in posts}
    return posts


def stored_calls(store: Store, parade: Parade, participants: Sequence[Participant]) -> list[StoredPost]:
    """The call as a post of the joined blog whose site it is on (asking only that blog's posts)."""
    host = joined_blog(parade.call_url, participants)
    return call_posts(parade, store.posts(host.slug, hidden=False)) if host else []


def with_roundup_dates(parades: list[Parade], site: Site) -> list[Parade]:
    """Each parade with the day of its published roundup (late contributions end there): the
    Date of the roundup published on this site, else the day its HTML roundup was written for
    the host's own blog (`roundup --format html`: this site never learns when the host publishes
    it, and what comes later is in it no more)."""
    lang = str(site.settings.get("DEFAULT_LANG", "de"))
    dated = []
    for parade in parades:
        path = existing_roundup(site.content, parade, lang) if parade.late else None
        day = roundup_date(path) if path else None
        if parade.late and day is None:
            day = html_roundup_day(site.root, parade, lang)
        dated.append(replace(parade, roundup_date=day) if day else parade)
    return dated


def roundup_date(path) -> date | None:  # noqa: ANN001  a Path
    """The Date of a published roundup file; None for a draft or a file without one."""
    meta = read_file_metadata(path)
    if meta is None or meta.first("status").strip().lower() in ("draft", "hidden", "skip"):
        return None
    try:
        return date.fromisoformat(meta.first("date").strip()[:10])
    except ValueError:
        return None


def load_parades(site: Site) -> list[Parade]:
    parades, _ = load_site_parades(site)  # broken parade files are `check`'s to report
    return with_roundup_dates(parades, site)


def on_the_roll(site: Site, participants: Sequence[Participant]) -> Callable[[StoredPost], bool]:
    """Whether a stored post is one of the joined blogs' that the site publishes: a blog taken
    off the roll (`remove`) contributes no more, nor does a post its blog's categories leave out
    (website/export.py publishes neither); a blog whose file is not read today stays, as the
    build keeps its posts (participants.kept_blogs)."""
    joined = {participant.slug: participant for participant in participants}
    broken = kept_blogs(site.participants_dir, participants)

    def shown(post: StoredPost) -> bool:
        participant = joined.get(post.participant)
        if participant is None:
            return post.participant in broken
        return participant.takes(post.categories)

    return shown


def select(site: Site, store: Store, participants: Sequence[Participant]) -> Selection:
    parades = load_parades(site)
    external = participants_of(store.external_blogs())
    external_slugs = {blog.slug for blog in external}
    shown = on_the_roll(site, participants)
    posts = [post for post in candidate_posts(store, parades, participants) if shown(post)]
    parades = with_call_aliases(parades, posts, stored_shortlinks(store))
    candidates: dict[str, list[ParadeCandidate]] = {}
    for candidate in stored_candidates(store) if parades else ():
        candidates.setdefault(candidate.parade, []).append(candidate)
    pages = stored_pages(store) if candidates else {}
    ids = [page.post_id for page in pages.values() if page.post_id]
    hidden = store.hidden_post_ids() if ids else set()  # taken down, as the joined blogs' posts are
    external_posts = {
        post.id: post for post in store.posts_by_id(ids).values()
        if post.participant in external_slugs and post.id not in hidden
    }  # fmt: skip
    # A post's links count with those of its page, and with where its followed links led.
    page_links = with_link_targets(remembered_page_links(posts, store), posts, store.link_targets())
    return Selection(parades, list(participants), posts, page_links, candidates, pages, external,
                     external_posts, moved_copies(map(seen, posts)))  # fmt: skip


def today(site: Site) -> date:
    """The site's date, or BLOGPARADE_TODAY where a build must be reproducible."""
    return pinned_day(site.settings.get("BLOGPARADE_TODAY")) or local_today(site_timezone(site))


def followed(site: Site, selection: Selection) -> frozenset[str]:
    """Contributions whose comments are followed beyond the usual age limit, and the calls of
    followed parades (their pingbacks are candidates)."""
    grace = int(site["BLOGPARADE_PARADE_GRACE_DAYS"])
    posts = followed_posts(
        selection.parades, selection.posts, today(site), grace,
        page_links=selection.page_links, participants=selection.participants, copies=selection.copies,
    )  # fmt: skip
    calls = {
        post.id for parade in followed_parades(selection.parades, today(site), grace)
        for post in call_posts(parade, selection.posts)
    }  # fmt: skip
    return posts | calls


def calendar_matters(site: Site) -> bool:
    """Whether the site's pages change with the date alone (a parade's days left, its state,
    late contributions it takes until its roundup's day)."""
    day = today(site)
    return any(state(parade, day) != "closed" or takes_contributions(parade, day) for parade in load_parades(site))
