"""The writer Pelican uses for pages and feeds: its own, with entries that say whose they are.

An aggregated post's entry names its writer (the person) as author and its blog as Atom
`<source>`, keeps its plain-text title, and carries what the post's page shows: the whole post
for blogs whose `display` is "full", else the excerpt.
"""

from __future__ import annotations

from typing import Any

from feedgenerator import Atom1Feed
from pelican.writers import Writer


class SourcedAtomFeed(Atom1Feed):
    """Atom with `<source>` on entries that came from another blog (RFC 4287, 4.2.11)."""

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, item)
        source = item.get("source")
        if source:
            handler.startElement("source", {})
            handler.addQuickElement("id", source["home"])
            handler.addQuickElement("title", source["name"])
            handler.addQuickElement("link", "", {"href": source["home"], "rel": "alternate"})
            handler.endElement("source")


class PlainTitleWriter(Writer):
    """Pelican's writer, with aggregated entries as described above."""

    def _create_new_feed(self, feed_type: str, feed_title: str, context: dict[str, Any]) -> Any:
        feed = super()._create_new_feed(feed_type, feed_title, context)
        if type(feed) is Atom1Feed:
            feed.__class__ = SourcedAtomFeed  # the same feed, writing one element more per entry
        return feed

    def _add_item_to_the_feed(self, feed: Any, item: Any) -> None:
        super()._add_item_to_the_feed(feed, item)
        if not getattr(item, "aggregated", False):
            return
        entry = feed.items[-1]
        # Pelican strips tags from titles, which eats "<div>" from a plain-text title such as
        # "Why <div> soup hurts"; aggregated titles are plain text, and the feed escapes them.
        entry["title"] = item.title
        entry["author_name"] = item.writer or item.blog.name
        entry["source"] = {"name": item.blog.name, "home": item.blog.home}


def writer(pelican: Any) -> type:
    return PlainTitleWriter
