"""The store as an update found it at its start: what the update reads of every blog, in three
queries instead of four a blog.

For every blog the update reads its post feed's state, its comment feeds' states, its posts'
heads and their comments' counts: 4,000 queries in a run of 1,000 blogs where nothing changed,
0.35 s of its 2.3 s of CPU.  Read at the start in three queries, each value serves the first
read of it, unless the run has written it meanwhile; from then on it is read from the store, as
before.  The update is the store's only writer while it runs (the site's lock).

A store of years of many blogs' posts would hold all of them in memory at once (half a million
posts' heads, 200 MB): beyond PRELOAD_POSTS, heads and counts are read a blog at a time, as
before; the feeds' states, a row a feed, are read at the start whatever the store's size.
"""

from __future__ import annotations

from ..models import FeedState, PostHead
from ..store import Store


PRELOAD_POSTS = 50_000  # posts' heads (about 500 bytes each) read at the start at most


class RunStart:
    """Feed states, post heads and comment counts as the run found them (see the module); with
    `preload` False, none: everything is read from the store when asked (an Updater of its own,
    as tests make)."""

    def __init__(self, store: Store, *, preload: bool = True):
        self.store = store
        self.preloaded = preload
        self._states = store.feed_states() if preload else {}
        self._stored = frozenset(self._states)
        few = preload and not store.holds_more_posts_than(PRELOAD_POSTS)
        self._heads = store.all_post_heads() if few else {}
        self._counts = store.comment_counts() if few else {}
        self._read: set[str] = set()  # feed URLs read or written since the start
        self._served: set[str] = set()  # participants whose heads came from the start

    def has_state(self, url: str) -> bool:
        """Whether the feed at `url` had been read before this run (a state was stored)."""
        return url in self._stored if self.preloaded else self.store.feed_state(url) is not None

    def feed_state(self, url: str) -> FeedState | None:
        """Store.feed_state: as found at the start the first time, as stored after that."""
        if not self.preloaded or url in self._read:
            return self.store.feed_state(url)
        self._read.add(url)
        return self._states.pop(url, None)

    def wrote_feed(self, url: str) -> None:
        """The run has written the state of the feed at `url`: it is read from the store now."""
        self._read.add(url)
        self._states.pop(url, None)

    def post_heads(self, participant: str) -> list[PostHead]:
        """Store.post_heads: as found at the start, unless the run has stored posts of the
        participant (`wrote_posts`); served once."""
        heads = self._heads.pop(participant, None)
        if heads is None:
            return self.store.post_heads(participant)
        self._served.add(participant)
        return heads

    def comment_counts(self, participant: str, heads: list[PostHead]) -> dict[str, int]:
        """Store.comment_counts of the participant whose `heads` post_heads has just given: as
        found at the start where the heads were, before the run has stored any of its
        comments."""
        if participant not in self._served:
            return self.store.comment_counts(participant)
        self._served.discard(participant)
        return {post.id: self._counts[post.id] for post in heads if post.id in self._counts}

    def wrote_posts(self, participant: str) -> None:
        """The run has stored posts of the participant: a blog's move carries its comments over
        to their new copies, so its heads and counts are read from the store now."""
        self._heads.pop(participant, None)
        self._served.discard(participant)
