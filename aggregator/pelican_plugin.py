"""The Pelican plugin: exported posts become articles, the theme gets translations and dates.

- A reader for content/aggregated/<participant>/<post-id>.json (written by `publish.export`): each
  file becomes an Article whose author is the *blog* (an Author with the participant's slug, so
  author pages are blog pages with their own feeds), whose `writer` is the person, whose category
  is the blog's kind and whose tags are the post's categories.
- On every generator: `jinja2.ext.i18n` with the theme's catalog for DEFAULT_LANG, date filters
  in that language and TIMEZONE, and autoescaping (the theme relies on it: titles and names are
  plain text; only sanitised HTML bodies are marked safe).
- After the articles are read: `blogs` and `blog_groups` in the template context, the list of
  every participant with its post count, for the `blogs` page; `blogroll_url`, where the blog
  roll is published as OPML (written with the articles, `BLOGPARADE_BLOGROLL`).
- After everything is read: the parades (see `attach_parades`).  Each page from content/parades/
  is published at `BLOGPARADE_PARADE_URL` with the `parade` template and carries `page.parade`
  (a ParadeView: window, state, contributions, blogs still missing, roundup); the context gets
  `parades` (newest first) and `current_parades`; a contribution carries `contributes_to`, a
  published roundup (an article with `Parade: <slug>`) `roundup_of`.
- After a successful run: stale pages removed from output/ (see OutputLedger).

Register with PLUGINS = ["aggregator.pelican_plugin"] and also import this module in
pelicanconf.py: Pelican only logs a plugin that fails to import.
"""

from __future__ import annotations

import html
import json
import logging
import os
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from itertools import chain
from pathlib import Path
from typing import Any, Iterable
from zoneinfo import ZoneInfo

from jinja2.ext import InternationalizationExtension
from pelican import signals
from pelican.contents import Author, Category, Tag
from pelican.readers import BaseReader
from pelican.utils import slugify
from pelican.writers import Writer

from .i18n import N_, date_filters, translations
from .parades import Parade, ParadeError, days_left, load_parades, local_today, read_parade, state
from .participants import is_http_url, load_participants
from .publish import FORMAT, write_if_changed

logger = logging.getLogger(__name__)

EXTENSION = "json"
DEFAULTS = {
    "BLOGPARADE_PARTICIPANTS": "participants",
    "BLOGPARADE_PRUNE_OUTPUT": True,
    "BLOGPARADE_POST_URL": "blogs/{participant}/{id}/",
    "BLOGPARADE_POST_SAVE_AS": "blogs/{participant}/{id}/index.html",
    "BLOGPARADE_PARADES": "parades",  # relative to PATH
    "BLOGPARADE_PARADE_URL": "parades/{slug}/",
    "BLOGPARADE_PARADE_SAVE_AS": "parades/{slug}/index.html",
    "BLOGPARADE_BLOGROLL": "blogroll.opml",  # relative to OUTPUT_PATH; "" publishes none
    "BLOGPARADE_TODAY": None,  # an ISO date pinning "today" for the parades' state
}
PARADE_TEMPLATE = "parade"
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


@dataclass(frozen=True)
class ParadeView:
    """What the templates know about a parade: its definition, where it stands on the day of
    the build, and what came in."""

    slug: str
    title: str
    call_url: str
    start: date  # inclusive, site time zone
    end: date  # inclusive, site time zone
    tag: str | None
    state: str  # "upcoming" | "open" | "closed"
    days_left: int  # days one can still contribute, today included (1 on the last day)
    days_to_start: int  # 0 unless upcoming
    url: str
    contributions: tuple[Any, ...]  # aggregated Articles, oldest first
    waiting: tuple[BlogEntry, ...]  # active blogs without a contribution yet; while open only
    roundup: Any | None  # the published roundup Article
    page: Any = None

    @property
    def blogs(self) -> int:
        """How many blogs contributed."""
        return len({article.blog.slug for article in self.contributions})


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
            # The slugs of the parades it contributes to (select.py decided; older files lack it).
            "parades": tuple(data.get("parades") or ()),
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
    here, and the site is empty meanwhile), stale .html, .xml and .opml files are removed after
    a successful run: the pages of a removed blog or post.  Static files are left alone.
    """

    SUFFIXES = (".html", ".xml", ".opml")

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
    """Remove .html/.xml/.opml files not in `written` (absolute paths), then empty folders;
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
    generator.context["blogparade_participants"] = participants  # for the blog roll
    generator.context["blogroll_url"] = setting(settings, "BLOGPARADE_BLOGROLL") or None
    generator.context["blogs"] = entries
    generator.context["blog_groups"] = [
        (label(title), [entry for entry in entries if entry.blog.kind == kind])
        for kind, title in KINDS.items()
        if any(entry.blog.kind == kind for entry in entries)
    ]


def default_category(generator: Any, metadata: dict[str, Any]) -> None:
    """The editors' own articles without a `Category:` are filed under DEFAULT_CATEGORY.

    Pelican gives them none while CATEGORY_SAVE_AS is empty (no category pages here), and then
    fails on the first draft (a roundup before it is published, a future-dated article).
    """
    settings = generator.settings
    if "category" not in metadata and settings.get("DEFAULT_CATEGORY"):
        metadata["category"] = Category(settings["DEFAULT_CATEGORY"], settings)


def write_blogroll(generator: Any, writer: Any = None) -> None:
    """The participants as OPML at BLOGPARADE_BLOGROLL (rewritten only when it changed)."""
    from .opml import export_opml  # imports the joining machinery: only when building

    settings = generator.settings
    name = setting(settings, "BLOGPARADE_BLOGROLL")
    if not name:
        return
    participants = generator.context.get("blogparade_participants", [])
    text = export_opml(participants, title=settings.get("SITENAME") or "blogparade")
    path = Path(generator.output_path) / name
    write_if_changed(path, text.encode("utf-8"))
    LEDGER.add(str(path))


# -- parades ------------------------------------------------------------------------------------


def build_today(settings: dict[str, Any]) -> date:
    """The day the parades' state is judged on: BLOGPARADE_TODAY, else today in TIMEZONE."""
    pinned = setting(settings, "BLOGPARADE_TODAY")
    if isinstance(pinned, datetime):
        return pinned.date()
    if isinstance(pinned, date):
        return pinned
    if pinned:
        try:
            return date.fromisoformat(str(pinned).strip())
        except ValueError:
            logger.error("BLOGPARADE_TODAY must be a date like 2026-11-15, not %r", pinned)
    return local_today(settings.get("TIMEZONE") or "UTC")


def is_parade_page(page: Any, folder: Path) -> bool:
    source = Path(page.source_path).resolve()
    return source.is_relative_to(folder) or getattr(page, "template", None) == PARADE_TEMPLATE


def read_parades(pages: Iterable[Any], settings: dict[str, Any]) -> list[tuple[Any, Parade]]:
    """The parade pages with their parades, read and validated by parades.py; every problem is
    an ERROR naming the file (a build with errors fatal fails on it)."""
    timezone = settings.get("TIMEZONE") or "UTC"
    folder = (Path(settings["PATH"]) / setting(settings, "BLOGPARADE_PARADES")).resolve()
    # load_parades reads what select.py reads, and refuses two parades with one slug or call.
    loaded, problems = load_parades(folder, timezone)
    for problem in problems:
        logger.error("Blog parade: %s", problem)
    failed = {problem.path.resolve() for problem in problems}
    by_path = {parade.path.resolve(): parade for parade in loaded if parade.path}
    found = []
    for page in pages:
        if not is_parade_page(page, folder):
            continue
        source = Path(page.source_path).resolve()
        if source in failed:
            continue
        parade = by_path.get(source)
        if parade is None:  # a page elsewhere with the parade template, or in a subfolder
            logger.warning("%s: a parade outside %s, whose posts are not collected", source, folder)
            try:
                parade = read_parade(source, timezone)
            except ParadeError as error:
                for problem in error.problems:
                    logger.error("Blog parade: %s", problem)
                continue
        found.append((page, parade))
    return found


def parade_view(
    parade: Parade,
    today: date,
    url: str,
    contributions: list[Any],
    blogs: list[BlogEntry],
    roundup: Any | None,
    page: Any,
) -> ParadeView:
    where = state(parade, today)
    contributed = {article.blog.slug for article in contributions}
    waiting = (
        tuple(entry for entry in blogs if entry.active and entry.blog.slug not in contributed)
        if where == "open"
        else ()
    )
    return ParadeView(
        slug=parade.slug,
        title=parade.title,
        call_url=parade.call_url,
        start=parade.start,
        end=parade.end,
        tag=parade.tag,
        state=where,
        days_left=days_left(parade, today),
        days_to_start=(parade.start - today).days if where == "upcoming" else 0,
        url=url,
        contributions=tuple(contributions),
        waiting=waiting,
        roundup=roundup,
        page=page,
    )


def current_parades(views: list[ParadeView]) -> list[ParadeView]:
    """The open parades, closing soonest first; else the next one to open; else none."""
    open_ = sorted((v for v in views if v.state == "open"), key=lambda v: (v.end, v.start, v.slug))
    if open_:
        return open_
    upcoming = sorted((v for v in views if v.state == "upcoming"), key=lambda v: (v.start, v.slug))
    return upcoming[:1]


def attach_parades(generators: list[Any]) -> None:
    """Parade pages get their address, template and ParadeView; contributions and roundups
    their parade; the context `parades` (newest first) and `current_parades`."""
    from pelican.generators import ArticlesGenerator, PagesGenerator

    articles_gen = next((g for g in generators if isinstance(g, ArticlesGenerator)), None)
    pages_gen = next((g for g in generators if isinstance(g, PagesGenerator)), None)
    if pages_gen is None:
        return
    settings, context = pages_gen.settings, pages_gen.context
    today = build_today(settings)
    articles = list(articles_gen.articles) if articles_gen else []
    contributions: dict[str, list[Any]] = defaultdict(list)
    roundups: dict[str, Any] = {}
    for article in articles:
        if getattr(article, "aggregated", False):
            for slug in article.parades:
                contributions[slug].append(article)
            continue
        # The editors' own article with `Parade: <slug>` is its roundup (the newest, if two).
        slug = str(getattr(article, "parade", "") or "").strip()
        if slug and (slug not in roundups or article.date > roundups[slug].date):
            roundups[slug] = article
    published = list(chain(pages_gen.pages, pages_gen.hidden_pages))
    drafts = {id(page) for page in pages_gen.draft_pages}  # they keep their draft address
    listed: list[ParadeView] = []
    views: dict[str, ParadeView] = {}
    for page, parade in read_parades(published + list(pages_gen.draft_pages), settings):
        draft = id(page) in drafts
        if not draft and parade.slug in views:
            logger.error("Blog parade: %s: same slug %r as %s", page.source_path, parade.slug,
                         views[parade.slug].page.source_path)  # fmt: skip
            continue
        names = {"slug": parade.slug}
        page.slug = parade.slug
        if page.template == "page":  # a page's own `Template:` wins
            page.template = PARADE_TEMPLATE
        if not draft:
            page.override_url = setting(settings, "BLOGPARADE_PARADE_URL").format(**names)
            page.override_save_as = setting(settings, "BLOGPARADE_PARADE_SAVE_AS").format(**names)
        posts = sorted(contributions.get(parade.slug, ()), key=lambda a: (a.date, a.post_id))
        view = parade_view(parade, today, page.url, posts, context.get("blogs", []),
                           roundups.get(parade.slug), page)  # fmt: skip
        page.parade = view
        if not draft:
            listed.append(view)
            views[parade.slug] = view
    for article in articles:
        slugs = article.parades if getattr(article, "aggregated", False) else ()
        article.contributes_to = tuple(views[slug] for slug in slugs if slug in views)
        article.roundup_of = None
    for slug, article in roundups.items():
        if slug in views:
            article.roundup_of = views[slug]
    listed.sort(key=lambda v: (v.start, v.end, v.slug), reverse=True)
    context["parades"] = listed
    context["current_parades"] = current_parades(listed)
    context["parades_url"] = parades_url(settings)


def parades_url(settings: dict[str, Any]) -> str | None:
    """Where the list of all parades is, if the site has one (the `parades` direct template)."""
    if "parades" not in settings.get("DIRECT_TEMPLATES", ()):
        return None
    if not settings.get("PARADES_SAVE_AS", "parades.html"):
        return None
    return settings.get("PARADES_URL", "parades.html")


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
    signals.article_generator_context.connect(default_category)
    signals.article_generator_finalized.connect(add_blogs)
    signals.all_generators_finalized.connect(attach_parades)
    signals.article_writer_finalized.connect(write_blogroll)
