"""Per parade, its contributions for the host, published with the site: an Atom feed, a JSON file,
and an HTML snippet to paste into the call post on the host's own blog.

The snippet is self-contained and inline-safe: a list of links in plain markup (no script, no
style, no images, no class the host's theme could trip over), every text escaped, so it shows the
same wherever it is pasted and makes no request of its own.  All three list the same
contributions as the parade's page, oldest first; an item links to the original post.  The snippet
says its own language (the site's, which its words and dates are in) and a title in another one.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from html import escape
from pathlib import Path
from typing import Any

from ...i18n import N_, date_filters
from ...languages import language_tag, other_language
from ...site import timezone_name
from ...urls import is_http_url
from ..export import write_if_changed, xml_safe
from .feeds import SourcedAtomFeed, atom_id, first_page, id_date
from .parade_pages import ParadeView
from .settings import gettext

JSON_FORMAT = "blogparade-parade/1"

# N_() marks these for the theme's catalog (aggregator.i18n.PYTHON_SOURCES names this file).
SNIPPET_TITLE = N_("Contributions to the blog parade “%(title)s”")
SNIPPET_NONE = N_("No contributions yet.")
SNIPPET_LATE = N_("late")
SNIPPET_MORE = N_("All contributions at %(site)s")
FEED_TITLE = N_("Blog parade “%(title)s”: contributions")


def absolute(site_url: str, url: str) -> str:
    """A URL of this site as published (absolute with publishconf.py's SITEURL)."""
    return f"{site_url.rstrip('/')}/{url}" if site_url else url


def contribution(article: Any, view: ParadeView, site_url: str) -> dict[str, Any]:
    """One contribution as the JSON file and the feed describe it."""
    page = absolute(site_url, article.url)
    return {
        "title": article.title,
        "url": article.original_url or page,  # the post itself, on its blog
        "page": page,  # its page here (excerpt, comments)
        "blog": article.author.name,
        "blog_home": article.blog.home if is_http_url(article.blog.home) else None,
        "author": article.writer or "",
        "published": article.date.astimezone(UTC).isoformat(timespec="seconds"),
        "late": view.slug in getattr(article, "late_to", ()),
        "external": bool(getattr(article, "external", False)),
        "excerpt": article.excerpt or "",
        "language": getattr(article, "language", None),  # a BCP 47 tag, or null where unknown
    }


def parade_json(view: ParadeView, items: list[dict[str, Any]], site_url: str) -> bytes:
    document = {
        "format": JSON_FORMAT,
        "slug": view.slug,
        "title": view.title,
        "call": view.call_url,
        "page": absolute(site_url, view.url),
        "start": view.start.isoformat(),
        "end": view.end.isoformat(),
        "state": view.state,
        "contributions": items,
    }
    return (json.dumps(xml_safe(document), ensure_ascii=False, indent=1) + "\n").encode("utf-8")


def parade_feed(
    view: ParadeView, items: list[dict[str, Any]], settings: dict[str, Any], site_url: str
) -> bytes:
    _ = gettext(settings)
    site_name = settings.get("SITENAME", "")
    # Each entry named by its first page and date (feeds.py), the date's day in UTC, as this feed
    # named its entries before (the site's feeds name them by the site's day).
    ids = [atom_id(absolute(site_url, first_page(article)), site_name, id_date(article).astimezone(UTC))
           for article in view.contributions]  # fmt: skip
    page = absolute(site_url, view.url)
    feed = SourcedAtomFeed(
        title=_(FEED_TITLE) % {"title": view.title},
        link=page,
        feed_url=absolute(site_url, view.feed_url or ""),
        description="",
        language=settings.get("DEFAULT_LANG"),
        feed_guid=atom_id(page, site_name),  # named by the parade's page
    )
    if not items:  # feedgenerator would say "updated" now: the same build gives the same bytes
        start = datetime(view.start.year, view.start.month, view.start.day, tzinfo=UTC)
        feed.latest_post_date = lambda: start  # type: ignore[method-assign]
    own = language_tag(settings.get("DEFAULT_LANG")) or "en"
    for item, entry_id in reversed(list(zip(items, ids, strict=True))):  # newest first, as feeds go
        published = datetime.fromisoformat(item["published"])
        feed.add_item(
            # The excerpt is plain text, Atom's summary here HTML (feedgenerator's type="html").
            title=item["title"], link=item["url"], description=escape(item["excerpt"] or item["title"]),
            unique_id=entry_id, pubdate=published,
            updateddate=published, author_name=item["author"] or item["blog"],
            language=other_language(item.get("language"), own),
        )  # fmt: skip
    return feed.writeString("utf-8").encode("utf-8")


def lang_attribute(item: dict[str, Any], own: str) -> str:
    """` lang="…"` for a title in another language than the snippet's own ("de-AT" is German)."""
    tag = other_language(item.get("language"), own)
    return f' lang="{escape(tag)}"' if tag else ""


def parade_snippet(
    view: ParadeView, items: list[dict[str, Any]], settings: dict[str, Any], site_url: str
) -> str:
    """The HTML for the call post: a heading line, the list, a link to the parade's page here."""
    _ = gettext(settings)
    day = date_filters(settings.get("DEFAULT_LANG", "en"), timezone_name(settings))["localdate"]
    own = language_tag(settings.get("DEFAULT_LANG")) or "en"
    # The host's post may be in another language than the snippet's words: the snippet says its own.
    lines = [f"<!-- {escape(_(SNIPPET_TITLE) % {'title': view.title}).replace('--', '- -')} -->",
             f'<div lang="{escape(own)}">',
             f"<p><strong>{escape(_(SNIPPET_TITLE) % {'title': view.title})}</strong></p>"]  # fmt: skip
    if items:
        lines.append("<ul>")
        for item in items:
            late = f" ({escape(_(SNIPPET_LATE))})" if item["late"] else ""
            when = escape(day(datetime.fromisoformat(item["published"])))
            link = f'<a href="{escape(item["url"])}"{lang_attribute(item, own)}>{escape(item["title"])}</a>'
            lines.append(f"<li>{link} – {escape(item['blog'])}, {when}{late}</li>")
        lines.append("</ul>")
    else:
        lines.append(f"<p>{escape(_(SNIPPET_NONE))}</p>")
    page = absolute(site_url, view.url)
    if is_http_url(page):  # a development build has no address to link to
        more = escape(_(SNIPPET_MORE) % {"site": settings.get("SITENAME", "")})
        lines.append(f'<p><a href="{escape(page)}">{more}</a></p>')
    lines.append("</div>")
    return "\n".join(lines) + "\n"


def write_parade_files(generator: Any, writer: Any = None) -> None:
    """Every published parade's feed, JSON and snippet, where the settings name a path."""
    settings, context = generator.settings, generator.context
    site_url = settings.get("SITEURL") or ""
    output = Path(generator.output_path)
    for view in context.get("parades", []):
        items = [contribution(article, view, site_url) for article in view.contributions]
        if view.json_url:
            write_if_changed(output / view.json_url, parade_json(view, items, site_url))
        if view.feed_url:
            write_if_changed(output / view.feed_url, parade_feed(view, items, settings, site_url))
        if view.snippet_url:
            text = parade_snippet(view, items, settings, site_url)
            write_if_changed(output / view.snippet_url, text.encode("utf-8"))
