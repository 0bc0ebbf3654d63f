"""The Pelican plugin: exported posts become articles, the theme gets translations and dates.

This module only connects Pelican's signals; each job has its module:

- reader.py: content/aggregated/<participant>/<post-id>.json (written by `publish.export`)
  becomes an Article whose author is the blog and whose `writer` is the person.
- blogs.py: blogs as Authors, their kinds as Categories; `blogs`, `blog_groups` and
  `blogroll_url` in the template context, for the `blogs` page.
- parade_pages.py: the parades' pages (a ParadeView each), `parades` and `current_parades`,
  contributions, calls and roundups marked.
- parade_files.py: per parade, its contributions as Atom, JSON and an HTML snippet for the host.
- environment.py: `jinja2.ext.i18n`, date filters and autoescaping for the theme.
- sharing.py: each page's description and locale, for meta descriptions and sharing cards.
- sitefiles.py: sitemap.xml, robots.txt and the default favicon.ico; where the listings are.
- search_page.py: where the search page is, for the header's search field; the search index's
  bundles of the articles, started once they are written.
- content.py: keyboard-reachable code blocks, and the "Mitmachen" page's contact links.
- feeds.py: the writer: entries name their writer and blog, titles stay plain text.
- blogroll.py: the participants as OPML at `BLOGPARADE_BLOGROLL`.
- editorial.py: a failing blog's quiet note, the editors' status page, the privacy notice.
- departments.py: a page and an Atom feed per department of an internal blog roll.
- renamed.py: a topic's former address, where it changed, sends readers to its page of today.
- lists.py: Pelican's quadratic list filters (tags, authors, categories, translations), linear.
- ordering.py: newest first, and posts of one date in the order their feed gave them.
- sourcepaths.py: Pelican's relative source paths without os.path.relpath.
- settings.py: the plugin's settings and their defaults.

Register with PLUGINS = ["aggregator.website.plugin"] and also import this package in
pelicanconf.py: Pelican only logs a plugin that fails to import.
"""

from __future__ import annotations

from typing import Any

from pelican import signals

from .blogroll import write_blogroll
from .blogs import Blog, BlogEntry, add_blogs, default_category, editors_apart
from .content import prepare_content
from .editorial import note_failing_blogs, write_editorial_pages
from .departments import write_departments
from .environment import prepare_environment
from .feeds import PlainTitleWriter, writer
from .lists import install as install_linear_lists
from .lists import taxonomy_pages
from .ordering import order_articles
from .parade_files import write_parade_files
from .parade_pages import ParadeView, attach_parades
from .renamed import write_renamed_tags
from .reader import ExportError, ExportReader, ThreadComment, add_reader, no_stamps_without_a_cache
from .search_page import add_search, index_with_articles
from .settings import DEFAULTS
from .sharing import describe_all
from .sourcepaths import install as install_source_paths
from .sitefiles import add_listing_urls, write_site_files

# The main names of the former single-module plugin, for code that imported them from it.
__all__ = [
    "DEFAULTS",
    "Blog",
    "BlogEntry",
    "ExportError",
    "ExportReader",
    "ParadeView",
    "PlainTitleWriter",
    "ThreadComment",
    "register",
]


def after_reading(generators: list[Any]) -> None:
    """Everything that needs all content read, in order: parades get their addresses first."""
    attach_parades(generators)
    describe_all(generators)
    add_search(generators)
    add_listing_urls(generators)
    write_site_files(generators)


def register() -> None:
    install_linear_lists()
    install_source_paths()
    signals.article_generator_init.connect(taxonomy_pages)
    signals.article_generator_init.connect(order_articles)
    signals.article_generator_init.connect(index_with_articles)
    signals.get_writer.connect(writer)
    signals.readers_init.connect(add_reader)
    signals.generator_init.connect(prepare_environment)
    signals.article_generator_init.connect(no_stamps_without_a_cache)  # once its caches are set up
    signals.page_generator_init.connect(no_stamps_without_a_cache)
    signals.content_object_init.connect(prepare_content)
    signals.article_generator_context.connect(default_category)
    signals.article_generator_pretaxonomy.connect(editors_apart)
    signals.article_generator_finalized.connect(add_blogs)
    signals.article_generator_finalized.connect(note_failing_blogs)
    signals.all_generators_finalized.connect(after_reading)
    signals.article_writer_finalized.connect(write_blogroll)
    signals.article_writer_finalized.connect(write_editorial_pages)
    signals.article_writer_finalized.connect(write_departments)
    signals.article_writer_finalized.connect(write_renamed_tags)
    signals.page_writer_finalized.connect(write_parade_files)
