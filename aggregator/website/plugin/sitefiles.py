"""The files crawlers and browsers ask every site for: sitemap.xml, robots.txt, favicon.ico;
and .nojekyll, which GitHub Pages asks for.

Written after everything is read, straight into the output.  The sitemap lists the pages whose
home is this site (listings, blogs, departments, topics, parades, pages, the editors' own
articles) with absolute addresses, so only where SITEURL is one (publishconf.py); aggregated
posts are left out, since each names its original as canonical.  robots.txt names the sitemap.
A site's own static file of the same name (say content/extra/robots.txt mapped to robots.txt)
wins.  Also where the listings are, for the theme's links to them (`add_listing_urls`).
"""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path
from typing import Any, Iterable, Iterator
from xml.sax.saxutils import escape

from ..export import write_if_changed
from .settings import listing_url, setting

SITEMAP = "sitemap.xml"
ROBOTS = "robots.txt"
FAVICON = "favicon.ico"
NO_JEKYLL = ".nojekyll"
# Direct templates that are no destination of their own: the search page (its results are
# the other pages) and the error page.
UNLISTED_TEMPLATES = ("search", "404")


def absolute_siteurl(settings: dict[str, Any]) -> str | None:
    url = str(settings.get("SITEURL") or "").rstrip("/")
    return url if url.startswith(("https://", "http://")) else None


def listing_paths(settings: dict[str, Any]) -> Iterator[str]:
    """The direct templates' addresses (home, blogs, archive...), relative to SITEURL."""
    for name in settings.get("DIRECT_TEMPLATES", ()):
        url = listing_url(settings, name)
        if name not in UNLISTED_TEMPLATES and url is not None:
            yield url


def add_listing_urls(generators: list[Any]) -> None:
    """`blogs_url`, `archives_url` and `tags_url` in the template context: where those listings
    are, None where the settings leave them out (DIRECT_TEMPLATES), so that no page links to
    them then."""
    generator = next(iter(generators), None)
    if generator is not None:
        for name in ("blogs", "archives", "tags"):
            generator.context[f"{name}_url"] = listing_url(generator.settings, name)


def newest(dates: Iterable[datetime | None]) -> datetime | None:
    return max((d for d in dates if d is not None), default=None)


def sitemap_entries(generators: list[Any]) -> list[tuple[str, datetime | None]]:
    """(address relative to SITEURL, last change) of every page the sitemap lists."""
    from pelican.generators import ArticlesGenerator, PagesGenerator

    articles_gen = next((g for g in generators if isinstance(g, ArticlesGenerator)), None)
    pages_gen = next((g for g in generators if isinstance(g, PagesGenerator)), None)
    settings = (articles_gen or pages_gen).settings
    articles = list(articles_gen.articles) if articles_gen else []
    latest = newest(a.date for a in articles)
    entries: list[tuple[str, datetime | None]] = [(path, latest) for path in listing_paths(settings)]
    if privacy := setting(settings, "BLOGPARADE_PRIVACY_PAGE"):  # the privacy notice (editorial.py)
        entries.append((privacy.removesuffix("index.html"), latest))
    # The editors' own pages and articles, and their translations (Pelican lists those apart).
    pages = [*pages_gen.pages, *pages_gen.translations] if pages_gen else []
    for page in pages:
        entries.append((page.url, getattr(page, "modified", None) or getattr(page, "date", None)))
    own = [a for a in articles if not getattr(a, "aggregated", False)]
    for article in own + (list(articles_gen.translations) if articles_gen else []):
        entries.append((article.url, getattr(article, "modified", None) or article.date))
    if articles_gen:
        for author, posts in articles_gen.authors:
            if author.save_as:  # a site may publish no blog pages
                entries.append((author.url, newest(p.date for p in posts)))
        for tag, posts in articles_gen.tags.items():
            if tag.save_as:
                entries.append((tag.url, newest(p.date for p in posts)))
        if setting(settings, "BLOGPARADE_DEPARTMENT_SAVE_AS"):  # departments.py writes them
            for department in articles_gen.context.get("departments", ()):
                entries.append((department.url, newest(p.date for p in department.articles)))
    unique: dict[str, datetime | None] = {}
    for path, changed in entries:
        unique.setdefault(path, changed)  # each address once, as first named
    return list(unique.items())


def sitemap_xml(siteurl: str, entries: list[tuple[str, datetime | None]]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>',
             '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']  # fmt: skip
    for path, changed in entries:
        lastmod = f"<lastmod>{changed.isoformat(timespec='seconds')}</lastmod>" if changed else ""
        lines.append(f"<url><loc>{escape(f'{siteurl}/{path}')}</loc>{lastmod}</url>")
    return "\n".join(lines + ["</urlset>", ""])


def robots_txt(siteurl: str | None) -> str:
    text = "# Every page may be read.\nUser-agent: *\nDisallow:\n"
    return text + (f"\nSitemap: {siteurl}/{SITEMAP}\n" if siteurl else "")


def site_static_names(generators: list[Any]) -> set[str]:
    """Where the site's own static files are written (they win over blogparade's defaults)."""
    from pelican.generators import StaticGenerator

    names: set[str] = set()
    for generator in generators:
        if isinstance(generator, StaticGenerator):
            names.update(str(static.save_as) for static in generator.staticfiles)
    return names


def write_site_files(generators: list[Any]) -> None:
    from pelican.generators import ArticlesGenerator, PagesGenerator

    generator = next((g for g in generators if isinstance(g, (ArticlesGenerator, PagesGenerator))), None)
    if generator is None:
        return
    settings, output = generator.settings, Path(generator.output_path)
    own = site_static_names(generators)
    siteurl = absolute_siteurl(settings)
    output.mkdir(parents=True, exist_ok=True)
    if siteurl and SITEMAP not in own:
        write_if_changed(output / SITEMAP, sitemap_xml(siteurl, sitemap_entries(generators)).encode())
    if ROBOTS not in own:
        write_if_changed(output / ROBOTS, robots_txt(siteurl).encode())
    icon = Path(str(settings.get("THEME", ""))) / "static" / FAVICON
    if FAVICON not in own and icon.is_file():
        shutil.copyfile(icon, output / FAVICON)
    # GitHub Pages runs Jekyll over a site unless it holds this file, and Jekyll leaves out every
    # folder starting with "_": the posts' images (aggregated/_media/) were missing there.
    if not (output / NO_JEKYLL).exists():
        (output / NO_JEKYLL).touch()
