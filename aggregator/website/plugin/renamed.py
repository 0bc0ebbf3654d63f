"""The former addresses of topics (tags) whose address changed: a page each, sending readers,
bookmarks and search engines to the topic's page of today.  A topic's umlauts, and its "+" and
"#", are spelled out in its address since 2026-12 ("Äpfel": tag/aepfel/, was tag/apfel/; "C++":
tag/c-plus-plus/, was tag/c/; reader.tag_slug).  A former address another topic has now ("Bär"
was tag/bar/, "Bar"'s) stays that topic's.  Hidden pages: in no list, feed, sitemap or search.
Only where the site may have published former addresses: where its store held posts before a
version with these pages first opened it (BLOGPARADE_FORMER_TAG_ADDRESSES: the store's migration 23).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .reader import former_tag_slug
from .settings import setting

TEMPLATE = "renamed"


@dataclass(frozen=True)
class Renamed:
    name: str  # the topic's name
    url: str  # its page of today, relative to SITEURL


def write_renamed_tags(generator: Any, writer: Any) -> None:
    """article_writer_finalized: a page at each topic's former address that no topic has now."""
    settings = generator.settings
    save_as, url = settings.get("TAG_SAVE_AS"), settings.get("TAG_URL")
    if not save_as or not url or not getattr(generator, "tags", None):
        return
    if not setting(settings, "BLOGPARADE_FORMER_TAG_ADDRESSES"):  # a site that never had them
        return
    tags = sorted(generator.tags, key=lambda tag: tag.slug)
    taken = {tag.slug for tag in tags}
    template = generator.get_template(TEMPLATE)
    for tag in tags:
        former = former_tag_slug(tag.name, settings)
        if not former or former in taken:
            continue
        taken.add(former)  # two topics of one former address ("Öl", "Ol"): the first keeps it
        writer.write_file(save_as.format(slug=former), template, generator.context,
                          settings.get("RELATIVE_URLS", False), url=url.format(slug=former),
                          renamed=Renamed(tag.name, tag.url), template_name=TEMPLATE)  # fmt: skip
