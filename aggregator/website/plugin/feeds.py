"""The writer Pelican uses for pages and feeds: its own, but keeping plain-text feed titles."""

from __future__ import annotations

from typing import Any

from pelican.writers import Writer


class PlainTitleWriter(Writer):
    """Pelican strips tags from feed titles, which eats "<div>" from a plain-text title such as
    "Why <div> soup hurts"; aggregated titles are plain text, and the feed escapes them."""

    def _add_item_to_the_feed(self, feed: Any, item: Any) -> None:
        super()._add_item_to_the_feed(feed, item)
        if getattr(item, "aggregated", False):
            feed.items[-1]["title"] = item.title


def writer(pelican: Any) -> type:
    return PlainTitleWriter
