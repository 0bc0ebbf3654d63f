"""The Pelican plugin: exported posts become articles, the theme gets translations and dates.

- A reader for content/aggregated/<participant>/<post-id>.json (written by `publish.export`): each
  file becomes an Article whose author is the *blog* (an Author with the participant's slug, so
  author pages are blog pages with their own feeds), whose `writer` is the person, whose category
  is the blog's kind and whose tags are the post's categories.
- On every generator: `jinja2.ext.i18n` with the theme's catalog for DEFAULT_LANG, date filters
  in that language and TIMEZONE, and autoescaping (the theme relies on it: titles and names are
  plain text; only sanitised HTML bodies are marked safe).
- After the articles are read: `blogs` and `blog_groups` in the template context, the list of
  every participant with its post count, for the `blogs` page.
- After a successful run: stale pages removed from output/ (see OutputLedger).

Register with PLUGINS = ["aggregator.pelican_plugin"] and also import this module in
pelicanconf.py: Pelican only logs a plugin that fails to import.
"""

from __future__ import annotations

import html
import json
import logging
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from jinja2.ext import InternationalizationExtension
from pelican import signals
from pelican.contents import Author, Category, Tag
from pelican.readers import BaseReader
from pelican.utils import slugify
from pelican.writers import Writer

from .i18n import N_, date_filters, translations
from .participants import is_http_url, load_participants
from .publish import FORMAT

logger = logging.getLogger(__name__)

EXTENSION = "json"
DEFAULTS = {
    "BLOGPARADE_PARTICIPANTS": "participants",
    "BLOGPARADE_PRUNE_OUTPUT": True,
    "BLOGPARADE_POST_URL": "blogs/{participant}/{id}/",
    "BLOGPARADE_POST_SAVE_AS": "blogs/{participant}/{id}/index.html",
}
KINDS = {"corporate": N_("Company blogs"), "employee": N_("Employee blogs")}  # groups
KIND = {"corporate": N_("Company blog"), "employee": N_("Employee blog")}  # one blog
MENTION_KINDS = ("pingback", "trackback")


class ExportError(ValueError):
    """An exported file Pelican cannot use; the message names the file."""


@dataclass(frozen=True)
class Blog:
    """What the templates know about a participating blog."""

    slug: str
    name: str
    home: str
    kind: str
    kind_label: str  # "Company blog", in the site's language


@dataclass(frozen=True)
class ThreadComment:
    """One comment, pingback or trackback, with its replies (nested, oldest first)."""

    id: str
    kind: str
    author: str
    author_url: str | None
    url: str | None
    published: datetime
    body: str  # sanitised HTML
    replies: tuple[ThreadComment, ...]


@dataclass(frozen=True)
class BlogEntry:
    """A line of the blogs page: the blog, its page here (when it has posts) and its count."""

    blog: Blog
    url: str | None
    posts: int
    latest: datetime | None
    active: bool
    author: str


def setting(settings: dict[str, Any], key: str) -> Any:
    return settings.get(key, DEFAULTS.get(key))


def gettext(settings: dict[str, Any]):  # noqa: ANN201  a bound gettext
    return translations(settings["THEME"], settings.get("DEFAULT_LANG", "en")).gettext


class ExportReader(BaseReader):
    """Reads the JSON files of `publish.export`."""

    enabled = True
    # Empty on purpose: Pelican registers every BaseReader subclass for its extensions just for
    # being imported; this one is registered in readers_init, only where the plugin is enabled.
    file_extensions: list[str] = []

    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__(settings)
        # Per build, not per file: a site has thousands of posts and a few hundred tags.
        self._zone = ZoneInfo(settings.get("TIMEZONE") or "UTC")
        self._gettext = gettext(settings)
        self._tag_slugs: dict[str, str] = {}

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        data = self._load(source_path)
        try:
            return content_html(data), self.post_metadata(data)
        except (KeyError, TypeError, ValueError) as error:
            raise self._error(source_path, f"unusable value: {error!r}") from error

    def _load(self, source_path: str) -> dict[str, Any]:
        try:
            data = json.loads(Path(source_path).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise self._error(source_path, f"cannot read it as JSON: {error}") from error
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise self._error(
                source_path, f"not a blogparade export (no \"format\": \"{FORMAT}\")"
            )
        return data

    @staticmethod
    def _error(source_path: str, reason: str) -> ExportError:
        # Pelican logs a failing file without the exception's message: say it here.
        message = f"{source_path}: {reason}"
        logger.error("%s", message)
        return ExportError(message)

    def post_metadata(self, data: dict[str, Any]) -> dict[str, Any]:
        settings = self.settings
        names = {"participant": data["participant"], "id": data["id"]}
        blog = Blog(
            slug=data["participant"],
            name=data["blog"],
            home=data["blog_home"],
            kind=data["kind"],
            kind_label=self._gettext(KIND.get(data["kind"], data["kind"])),
        )
        metadata: dict[str, Any] = {
            "title": data["title"].strip() or fallback_title(data),
            "date": self._date(data["published"]),
            "slug": f"{blog.slug}-{data['id']}",
            "url": setting(settings, "BLOGPARADE_POST_URL").format(**names),
            "save_as": setting(settings, "BLOGPARADE_POST_SAVE_AS").format(**names),
            "author": blog_author(blog, settings),
            "category": kind_category(blog, self._gettext(KINDS.get(blog.kind, blog.kind)), settings),
            "summary": paragraph(data["excerpt"]),
            "writer": data["author"],
            "blog": blog,
            # Links leave the site only to the web: clean.py promises it, the page checks it.
            "original_url": data["url"] if is_http_url(data["url"]) else None,
            "reply_url": reply_url(data["url"]) if is_http_url(data["url"]) else None,
            "excerpt": data["excerpt"],
            "display": data["display"],
            "language": data.get("language"),
            "comment_count": int(data["comment_count"]),
            "aggregated": True,
            "post_id": data["id"],
        }
        if data.get("updated"):
            metadata["modified"] = self._date(data["updated"])
        tags = post_tags(data["categories"], settings, self._tag_slugs)
        if tags:
            metadata["tags"] = tags
        thread = [thread_comment(node) for node in data["comments"]]
        metadata["comments"] = [c for c in thread if c.kind not in MENTION_KINDS]
        metadata["mentions"] = [c for c in thread if c.kind in MENTION_KINDS]
        return metadata

    def _date(self, value: str) -> datetime:
        # Our own ISO format: no need for Pelican's dateutil guessing (a third of reading time).
        return datetime.fromisoformat(value).astimezone(self._zone)


def content_html(data: dict[str, Any]) -> str:
    """What the post's page shows: the whole sanitised body only where the blog asked for it."""
    if data["display"] == "full" and data["body"].strip():
        return data["body"]
    return paragraph(data["excerpt"])


def paragraph(text: str) -> str:
    return f"<p>{html.escape(text, quote=False)}</p>" if text.strip() else ""


def reply_url(url: str) -> str:
    """Where to answer: the original's comment form (WordPress's anchor; elsewhere the page)."""
    return url.split("#", 1)[0] + "#respond"


def fallback_title(data: dict[str, Any]) -> str:
    words = data["excerpt"].split()
    return " ".join(words[:8]) + (" …" if len(words) > 8 else "") if words else data["url"]


def blog_author(blog: Blog, settings: dict[str, Any]) -> Author:
    author = Author(blog.name, settings)
    author.slug = blog.slug  # the participant's slug, not one made from the name: it is stable
    author.blog = blog
    return author


def kind_category(blog: Blog, label: str, settings: dict[str, Any]) -> Category:
    category = Category(label, settings)
    category.slug = blog.kind  # the label follows the site's language, the URL does not
    return category


def post_tags(names: list[str], settings: dict[str, Any], slugs: dict[str, str]) -> list[Tag]:
    """Tags with slugs made as Pelican makes them (`slugs` remembers them across posts)."""
    tags = []
    for name in names:
        if name not in slugs:
            slugs[name] = slugify(
                name,
                regex_subs=settings.get("TAG_REGEX_SUBSTITUTIONS", settings["SLUG_REGEX_SUBSTITUTIONS"]),
                preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
                use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
            )
        slug = slugs[name]
        if slug:  # a category of only punctuation would make an unwritable tag page
            tag = Tag(name, settings)
            tag.slug = slug
            tags.append(tag)
    return tags


def thread_comment(node: dict[str, Any]) -> ThreadComment:
    return ThreadComment(
        id=node["id"],
        kind=node["kind"],
        author=node["author"],
        author_url=node.get("author_url"),
        url=node.get("url"),
        published=datetime.fromisoformat(node["published"]),
        body=node["body"],
        replies=tuple(thread_comment(reply) for reply in node["replies"]),
    )


class PlainTitleWriter(Writer):
    """Pelican strips tags from feed titles, which eats "<div>" from a plain-text title such as
    "Why <div> soup hurts"; aggregated titles are plain text, and the feed escapes them."""

    def _add_item_to_the_feed(self, feed: Any, item: Any) -> None:
        super()._add_item_to_the_feed(feed, item)
        if getattr(item, "aggregated", False):
            feed.items[-1]["title"] = item.title


class OutputLedger:
    """The files one Pelican run writes; after it, other pages in output/ are stale.

    Instead of DELETE_OUTPUT_DIRECTORY (recreating thousands of folders costs a fifth of a build
    here, and the site is empty meanwhile), stale .html and .xml files are removed after a
    successful run: the pages of a removed blog or post.  Static files are left alone.
    """

    SUFFIXES = (".html", ".xml")

    def __init__(self) -> None:
        self.written: set[str] = set()

    def start(self, pelican: Any) -> None:  # get_generators: sent at the start of every run
        self.written.clear()

    def add(self, path: str, **_: Any) -> None:  # content_written, feed_written
        self.written.add(os.path.abspath(path))

    def add_static(self, generator: Any) -> None:
        for static in generator.staticfiles:
            self.add(os.path.join(generator.output_path, static.save_as))

    def prune(self, pelican: Any) -> None:  # finalized: only after a run that succeeded
        settings = pelican.settings
        if settings.get("DELETE_OUTPUT_DIRECTORY") or not setting(settings, "BLOGPARADE_PRUNE_OUTPUT"):
            return
        keep = set(settings.get("OUTPUT_RETENTION", ())) | {settings.get("THEME_STATIC_DIR", "theme")}
        removed = prune_output(Path(pelican.output_path), self.written, keep)
        if removed:
            logger.info("Removed %d stale files from %s", removed, pelican.output_path)


def prune_output(output: Path, written: set[str], keep: set[str]) -> int:
    """Remove .html/.xml files not in `written` (absolute paths), and then empty folders;
    top-level names in `keep` are not touched."""
    removed = 0
    for directory, folders, files in os.walk(output):
        top = Path(directory) == output
        if top:
            folders[:] = [name for name in folders if name not in keep]
        for name in files:
            path = os.path.join(directory, name)
            if name.endswith(OutputLedger.SUFFIXES) and path not in written and not (top and name in keep):
                os.remove(path)
                removed += 1
    for directory, _, _ in sorted(os.walk(output), key=lambda entry: -len(entry[0])):
        if Path(directory) != output and Path(directory).name not in keep and not os.listdir(directory):
            os.rmdir(directory)
    return removed


LEDGER = OutputLedger()


# -- signal handlers ----------------------------------------------------------------------------


def add_reader(readers: Any) -> None:
    readers.reader_classes[EXTENSION] = ExportReader


def prepare_environment(generator: Any) -> None:
    """Translations, date filters and autoescaping for the theme (Pelican core does none)."""
    settings, env = generator.settings, generator.env
    env.autoescape = True  # before any template is compiled: the theme is written for it
    if not any(isinstance(ext, InternationalizationExtension) for ext in env.extensions.values()):
        env.add_extension("jinja2.ext.i18n")
    env.policies["ext.i18n.trimmed"] = True
    lang = settings.get("DEFAULT_LANG", "en")
    env.install_gettext_translations(translations(generator.theme, lang), newstyle=True)
    env.filters.update(date_filters(lang, settings.get("TIMEZONE") or "UTC"))


def add_blogs(generator: Any) -> None:
    """Every participant, with its blog page and post count, for the `blogs` page."""
    settings = generator.settings
    folder = Path(settings["PATH"]) / setting(settings, "BLOGPARADE_PARTICIPANTS")
    participants, problems = load_participants(folder)
    for problem in problems:
        logger.warning("%s", problem)
    label = gettext(settings)
    pages = {author.slug: (author, articles) for author, articles in generator.authors}
    entries = []
    for participant in participants:
        author, articles = pages.get(participant.slug, (None, []))
        blog = Blog(participant.slug, participant.name, participant.home, participant.kind,
                    label(KIND.get(participant.kind, participant.kind)))  # fmt: skip
        entries.append(
            BlogEntry(
                blog=blog,
                url=author.url if author is not None else None,
                posts=len(articles),
                latest=articles[0].date if articles else None,
                active=participant.active,
                author=participant.author,
            )
        )
    entries.sort(key=lambda entry: (entry.blog.name.casefold(), entry.blog.slug))
    generator.context["blogs"] = entries
    generator.context["blog_groups"] = [
        (label(title), [entry for entry in entries if entry.blog.kind == kind])
        for kind, title in KINDS.items()
        if any(entry.blog.kind == kind for entry in entries)
    ]


def writer(pelican: Any) -> type:
    return PlainTitleWriter


def register() -> None:
    signals.get_generators.connect(LEDGER.start)
    signals.content_written.connect(LEDGER.add)
    signals.feed_written.connect(LEDGER.add)
    signals.static_generator_finalized.connect(LEDGER.add_static)
    signals.finalized.connect(LEDGER.prune)
    signals.get_writer.connect(writer)
    signals.readers_init.connect(add_reader)
    signals.generator_init.connect(prepare_environment)
    signals.article_generator_finalized.connect(add_blogs)
