"""Which stored posts belong to which parade: select.py's rules over the store and parade files.

The build, the fetch stage (comments of contributions are followed longer; summary-only posts get
their pages looked at) and the roundup all ask the same question; this module answers it once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Sequence

from ..models import Participant, StoredPost
from ..site import Site
from ..store import Store
from .files import Parade, load_site_parades, local_today, site_timezone, state
from .pages import remembered_page_links
from .select import contributions, followed_posts


@dataclass(frozen=True)
class Selection:
    parades: list[Parade]
    participants: list[Participant]
    posts: list[StoredPost]  # the posts any parade could claim
    page_links: dict[str, tuple[str, ...]]  # per post id, links remembered from its page

    def contributions(self, parade: Parade) -> list[StoredPost]:
        return contributions(
            parade, self.posts, page_links=self.page_links, participants=self.participants
        )

    def memberships(self) -> dict[str, list[str]]:
        """Per post id, the slugs of the parades it contributes to."""
        found: dict[str, list[str]] = {}
        for parade in self.parades:
            for post in self.contributions(parade):
                found.setdefault(post.id, []).append(parade.slug)
        return found


def candidate_posts(store: Store, parades: Sequence[Parade]) -> list[StoredPost]:
    """Posts from the earliest window on: the others cannot be contributions.

    A parade that includes posts by hand may name any post, so then every post is a candidate.
    """
    if not parades:
        return []
    # Hidden posts (`blogparade hide`) are taken down: no contribution, in no roundup.
    if any(parade.include for parade in parades):
        return list(store.posts(hidden=False))
    return list(store.posts(since=min(parade.window_start for parade in parades), hidden=False))


def select(site: Site, store: Store, participants: Sequence[Participant]) -> Selection:
    parades, _ = load_site_parades(site)  # broken parade files are `check`'s to report
    posts = candidate_posts(store, parades)
    return Selection(parades, list(participants), posts, remembered_page_links(posts, store))


def today(site: Site) -> date:
    """The site's date, or BLOGPARADE_TODAY where a build must be reproducible."""
    pinned = site.settings.get("BLOGPARADE_TODAY")
    return date.fromisoformat(str(pinned)) if pinned else local_today(site_timezone(site))


def followed(site: Site, selection: Selection) -> frozenset[str]:
    """Contributions whose comments are followed beyond the usual age limit."""
    return followed_posts(
        selection.parades, selection.posts, today(site), int(site["BLOGPARADE_PARADE_GRACE_DAYS"]),
        page_links=selection.page_links, participants=selection.participants,
    )  # fmt: skip


def calendar_matters(site: Site) -> bool:
    """Whether the site's pages change with the date alone (a parade's days left, its state)."""
    parades, _ = load_site_parades(site)
    return any(state(parade, today(site)) != "closed" for parade in parades)
