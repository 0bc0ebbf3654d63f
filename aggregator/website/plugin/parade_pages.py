"""Parade pages, after everything is read (see `attach_parades`).

Each page from content/parades/ is published at `BLOGPARADE_PARADE_URL` with the `parade`
template and carries `page.parade` (a ParadeView: window, state, host, contributions, blogs
still missing, roundup, where its feed, JSON and snippet are); the context gets `parades` (newest
first) and `current_parades`; a contribution carries `contributes_to` (and `late_to`), the call's
own post `call_of`, a published roundup (an article with `Parade: <slug>`) `roundup_of`.
Contributions of blogs that never joined are hidden articles: found here all the same.  Reading
and validating parades is aggregator.parades.files' job; this is their pages'.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import date
from itertools import chain
from pathlib import Path
from typing import Any, Iterable
from urllib.parse import urlsplit

from ...parades.files import (
    Parade, ParadeError, days_left, load_parades, local_today, read_parade, state, takes_contributions,
)
from ...parades.roundup_html import html_roundup_day
from ...site import pinned_day, timezone_name
from ...urls import host_key
from .blogs import BlogEntry
from .ordering import by_date
from .settings import listing_url, setting

logger = logging.getLogger(__name__)

PARADE_TEMPLATE = "parade"


@dataclass(frozen=True)
class Host:
    """Who called the parade: the joined blog the call is on (its page here), else the call's site."""

    name: str
    url: str  # its page on this site (relative, like every site URL), or its home elsewhere
    here: bool  # `url` is on this site


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
    host: Host | None = None
    late: bool = False  # takes contributions after End, marked late
    late_welcome: bool = False  # takes late ones: after End, or still today (until its roundup's day)
    webmentions: bool = False  # a Mentions feed tells of posts linking the call (besides its pingbacks)
    feed_url: str | None = None  # its contributions as Atom, as JSON, as an HTML snippet
    json_url: str | None = None
    snippet_url: str | None = None

    @property
    def blogs(self) -> int:
        """How many blogs contributed."""
        return len({article.blog.slug for article in self.contributions})


def build_today(settings: dict[str, Any]) -> date:
    """The day the parades' state is judged on: BLOGPARADE_TODAY, else today in TIMEZONE."""
    pinned = setting(settings, "BLOGPARADE_TODAY")
    try:
        day = pinned_day(pinned)
    except ValueError:
        logger.error("BLOGPARADE_TODAY must be a date like 2026-11-15, not %r", pinned)
        day = None
    return day or local_today(timezone_name(settings))


def is_parade_page(page: Any, folder: Path) -> bool:
    source = Path(page.source_path).resolve()
    return source.is_relative_to(folder) or getattr(page, "template", None) == PARADE_TEMPLATE


def read_parades(pages: Iterable[Any], settings: dict[str, Any]) -> list[tuple[Any, Parade]]:
    """The parade pages with their parades, read and validated by parades.py; every problem is
    an ERROR naming the file (a build with errors fatal fails on it)."""
    timezone = timezone_name(settings)
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


def host_of(parade: Parade, call: Any | None) -> Host:
    """The joined blog whose post the call is, else the call's site by its host name."""
    if call is not None:
        return Host(call.author.name, call.author.url, True)
    parts = urlsplit(parade.call_url)
    return Host(host_key(parts.hostname or "") or parade.call_url, f"{parts.scheme}://{parts.netloc}/", False)


def parade_files(parade: Parade, settings: dict[str, Any]) -> dict[str, str | None]:
    """Where the parade's Atom feed, JSON and HTML snippet are published ("" publishes none)."""
    names = {"slug": parade.slug}
    found: dict[str, str | None] = {}
    for field, key in (("feed_url", "BLOGPARADE_PARADE_FEED"), ("json_url", "BLOGPARADE_PARADE_JSON"),
                       ("snippet_url", "BLOGPARADE_PARADE_SNIPPET")):  # fmt: skip
        value = setting(settings, key)
        found[field] = value.format(**names) if value else None
    return found


def parade_view(
    parade: Parade,
    today: date,
    url: str,
    contributions: list[Any],
    blogs: list[BlogEntry],
    roundup: Any | None,
    page: Any,
    call: Any | None = None,
    files: dict[str, str | None] | None = None,
    roundup_day: date | None = None,
) -> ParadeView:
    """`roundup_day`: the day late contributions end (membership.with_roundup_dates: the published
    roundup's Date, else the day its HTML roundup was written)."""
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
        host=host_of(parade, call),
        late=parade.late,
        late_welcome=parade.late and (
            where != "closed" or takes_contributions(replace(parade, roundup_date=roundup_day), today)
        ),
        webmentions=bool(parade.mentions),
        **(files or {}),
    )


def roundup_day(parade: Parade, roundup: Any | None, settings: dict[str, Any]) -> date | None:
    """The day a parade taking late contributions stops: its roundup's here, else the day its
    HTML roundup for the host's blog was written (roundup --format html), as select.py reads it."""
    if not parade.late:
        return None
    if roundup is not None:
        return parade.local_date(roundup.date)
    return html_roundup_day(Path(settings["PATH"]).parent, parade, str(settings.get("DEFAULT_LANG", "de")))


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
    # Hidden articles too: the contributions of blogs that never joined.
    articles = list(chain(articles_gen.articles, articles_gen.hidden_articles)) if articles_gen else []
    contributions: dict[str, list[Any]] = defaultdict(list)
    calls: dict[str, Any] = {}
    roundups: dict[str, Any] = {}
    for article in articles:
        if getattr(article, "aggregated", False):
            for slug in article.parades:
                contributions[slug].append(article)
            for slug in getattr(article, "calls", ()):
                calls.setdefault(slug, article)
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
        posts = sorted(contributions.get(parade.slug, ()), key=lambda a: (*by_date(a), a.post_id))
        roundup = roundups.get(parade.slug)
        view = parade_view(parade, today, page.url, posts, context.get("blogs", []),
                           roundup, page, calls.get(parade.slug),
                           parade_files(parade, settings) if not draft else None,
                           roundup_day(parade, roundup, settings))  # fmt: skip
        page.parade = view
        if not draft:
            listed.append(view)
            views[parade.slug] = view
    for article in articles:
        aggregated = getattr(article, "aggregated", False)
        slugs = article.parades if aggregated else ()
        article.contributes_to = tuple(views[slug] for slug in slugs if slug in views)
        article.late_to = frozenset(getattr(article, "late_for", ())) if aggregated else frozenset()
        article.call_of = tuple(views[slug] for slug in getattr(article, "calls", ()) if slug in views)
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
    return listing_url(settings, "parades")
