"""Departments of an internal blog roll: a page and an Atom feed each, with exactly the posts of
the blogs whose participant file says `department = "…"`.

`department_views` is called by blogs.py once the articles are read (the blogs page groups the
blogs by department with it); `write_departments` writes the pages and feeds with the articles.
Addresses: ``BLOGPARADE_DEPARTMENT_URL``/``_SAVE_AS`` and ``BLOGPARADE_DEPARTMENT_FEED_ATOM``
(``{slug}``: the department's name made a slug, "Vertrieb & Marketing" -> vertrieb-marketing,
"Продажи" -> продажи, percent-encoded in addresses).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote

from ...editors.participants import department_names, department_slug
from ...languages import name_order
from .ordering import by_date
from .settings import setting

logger = logging.getLogger(__name__)

TEMPLATE = "department"


@dataclass
class DepartmentView:
    """What the templates know about a department."""

    name: str
    slug: str
    url: str
    save_as: str
    feed_url: str | None  # None: the site publishes no department feeds
    feed_save_as: str | None
    entries: list[Any] = field(default_factory=list)  # BlogEntry, by name
    articles: list[Any] = field(default_factory=list)  # newest first


def department_views(
    entries: list[Any], articles_by_blog: dict[str, list[Any]], settings: dict[str, Any]
) -> list[DepartmentView]:
    """One view per department named in a participant file, by name; blogs without one are in
    none.  Two spellings that make the same slug are one department, by the name most of its
    blogs give it (participants.department_names)."""
    names = department_names(entry.blog.department for entry in entries)
    views: dict[str, DepartmentView] = {}
    for entry in entries:
        name = entry.blog.department
        if not name:
            continue
        slug = department_slug(name)  # as `digest --department` compares them
        view = views.get(slug)
        if view is None:
            view = views[slug] = _view(names[slug], slug, settings)
        if view.name != name:
            logger.warning("Department %r is written %r elsewhere: one department, %r",
                           name, view.name, view.name)  # fmt: skip
        view.entries.append(entry)
        view.articles.extend(articles_by_blog.get(entry.blog.slug, ()))
    for view in views.values():
        view.articles.sort(key=lambda article: (*by_date(article), article.post_id), reverse=True)
    return sorted(views.values(), key=lambda view: name_order(view.name))


def _view(name: str, slug: str, settings: dict[str, Any]) -> DepartmentView:
    feed = setting(settings, "BLOGPARADE_DEPARTMENT_FEED_ATOM")
    written = quote(slug, safe="")  # a slug of other scripts' letters, as an address has it
    return DepartmentView(
        name=name,
        slug=slug,
        url=setting(settings, "BLOGPARADE_DEPARTMENT_URL").format(slug=written),
        save_as=setting(settings, "BLOGPARADE_DEPARTMENT_SAVE_AS").format(slug=slug),
        feed_url=feed.format(slug=written) if feed else None,
        feed_save_as=feed.format(slug=slug) if feed else None,
    )


def write_departments(generator: Any, writer: Any) -> None:
    """Each department's page (paginated as a blog's page is) and Atom feed."""
    views: list[DepartmentView] = generator.context.get("departments", [])
    if not views or not setting(generator.settings, "BLOGPARADE_DEPARTMENT_SAVE_AS"):
        return
    settings = generator.settings
    template = generator.get_template(TEMPLATE)
    # Paginated like a blog's page unless the site names "department" in PAGINATED_TEMPLATES.
    paginated_as = TEMPLATE if TEMPLATE in settings.get("PAGINATED_TEMPLATES", {}) else "author"
    for view in views:
        if view.feed_save_as:
            writer.write_feed(view.articles, generator.context, view.feed_save_as, view.feed_url,
                              feed_title=view.name)  # Pelican writes "SITENAME - name"
        writer.write_file(
            view.save_as, template, generator.context, settings.get("RELATIVE_URLS", False),
            template_name=paginated_as, url=view.url, department=view, articles=view.articles,
            dates=view.articles, page_name=view.url.rstrip("/") or view.slug,
            all_articles=generator.articles,
        )  # fmt: skip
