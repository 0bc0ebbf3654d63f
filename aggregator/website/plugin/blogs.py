"""Blogs in Pelican's terms, and the categories of articles.

A blog is an Author with the participant's slug, so author pages are blog pages with their own
feeds; its kind ("corporate", "employee") is the Category of its posts.  After the articles are
read, the template context gets `blogs` and `blog_groups` (every participant with its post
count and its feed's description, for the `blogs` page: by department where the participant
files name departments, else by kind), `departments` (departments.py), `blogroll_url`, where the
blog roll is published as OPML, and `last_read`, the day the feeds were last read (the export's
feeds.toml), in the site's time zone.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from itertools import chain
from pathlib import Path
from typing import Any, Iterable, NamedTuple

from pelican.contents import Author, Category

from ...editors.participants import load_participants
from ...i18n import N_
from ...languages import language_tag, name_order
from ..export import FeedFacts, read_on
from .departments import DepartmentView, department_views
from .settings import gettext, setting

logger = logging.getLogger(__name__)

# N_() marks these for the theme's catalog: aggregator.i18n.PYTHON_SOURCES names this file.
KINDS = {"corporate": N_("Company blogs"), "employee": N_("Employee blogs")}  # groups
# "external": a blog that contributed to a parade without joining (never in a group).
KIND = {"corporate": N_("Company blog"), "employee": N_("Employee blog"),
        "external": N_("Guest of a blog parade")}  # one blog  # fmt: skip
NO_DEPARTMENT = N_("Other blogs")  # the group of blogs without a department, where others have one


@dataclass(frozen=True)
class Blog:
    """What the templates know about a participating blog."""

    slug: str
    name: str
    home: str
    kind: str
    kind_label: str  # "Company blog", in the site's language
    department: str = ""  # as the participant file names it; "" for none


@dataclass(frozen=True)
class BlogEntry:
    """A line of the blogs page: the blog, its page here (when it has posts) and its count."""

    blog: Blog
    url: str | None
    posts: int
    latest: datetime | None
    active: bool
    author: str
    description: str = ""  # what the blog's feed says of it (plain text)
    language: str | None = None  # the blog's, which its description is in: its `lang` on the page


class BlogGroup(NamedTuple):
    """A heading of the blogs page and its blogs; `department` when it is one."""

    label: str
    entries: list[BlogEntry]
    department: DepartmentView | None = None


def blog_author(blog: Blog, settings: dict[str, Any]) -> Author:
    author = Author(blog.name, settings)
    author.slug = blog.slug  # the participant's slug, not one made from the name: it is stable
    author.blog = blog
    return author


def editors_apart(generator: Any) -> None:
    """An author that is no blog (the editors' AUTHOR, an editors' article's `Author:`) whose slug
    a blog has gets that slug with a "_", which no participant file's name has: Pelican groups
    authors by slug, and merged the blog "redaktion" with the German default AUTHOR "Redaktion"
    into one page and feed, under either name.  The blog keeps its address.

    The article gets new Author objects: the ones it has may be those of Pelican's reader cache,
    which must stay as read."""
    articles = list(chain(generator.articles, generator.translations, generator.hidden_articles,
                          generator.hidden_translations, generator.drafts, generator.drafts_translations))
    blogs = {author.slug for article in articles for author in getattr(article, "authors", ())
             if hasattr(author, "blog")}  # fmt: skip
    for article in articles:
        authors = getattr(article, "authors", ())
        apart = {id(author): _apart(author, generator.settings) for author in authors
                 if author.slug in blogs and not hasattr(author, "blog")}  # fmt: skip
        if not apart:
            continue
        article.authors = [apart.get(id(author), author) for author in authors]
        article.author = apart.get(id(article.author), article.author)


def _apart(author: Author, settings: dict[str, Any]) -> Author:
    moved = Author(author.name, settings)
    moved.slug = author.slug + "_"
    return moved


def kind_category(blog: Blog, label: str, settings: dict[str, Any]) -> Category:
    category = Category(label, settings)
    category.slug = blog.kind  # the label follows the site's language, the URL does not
    return category


def add_blogs(generator: Any) -> None:
    """Every participant, with its blog page and post count, for the `blogs` page."""
    settings = generator.settings
    folder = Path(settings["PATH"]) / setting(settings, "BLOGPARADE_PARTICIPANTS")
    participants, problems = load_participants(folder)
    for problem in problems:
        logger.warning("%s", problem)
    label = gettext(settings)
    pages = {author.slug: (author, articles) for author, articles in generator.authors}
    facts = FeedFacts.read(Path(settings["PATH"]) / setting(settings, "BLOGPARADE_EXPORT"))
    entries = []
    for participant in participants:
        author, articles = pages.get(participant.slug, (None, []))
        blog = Blog(participant.slug, participant.name, participant.home, participant.kind,
                    label(KIND.get(participant.kind, participant.kind)),
                    participant.department)  # fmt: skip
        entries.append(
            BlogEntry(
                blog=blog,
                url=author.url if author is not None else None,
                posts=len(articles),
                latest=articles[0].date if articles else None,
                active=participant.active,
                author=participant.author,
                description=facts.descriptions.get(participant.slug, ""),
                language=language_tag(participant.language),
            )
        )
        if author is not None:
            author.entry = entries[-1]  # the blog page shows what the blogs page knows
    entries.sort(key=lambda entry: (name_order(entry.blog.name), entry.blog.slug))
    generator.context["blogparade_participants"] = participants  # for the blog roll
    generator.context["blogroll_url"] = setting(settings, "BLOGPARADE_BLOGROLL") or None
    generator.context["blogs"] = entries
    # The day, not the hour: `run` builds after the day's first read of the feeds, not after
    # later ones the same day.
    generator.context["last_read"] = read_on(facts.last_read, settings)
    departments = department_views(entries, {a.slug: list(arts) for a, arts in pages.values()},
                                   settings)  # fmt: skip
    generator.context["departments"] = departments
    generator.context["blog_groups"] = blog_groups(entries, departments, label)
    # A blog's kind is said where the site has blogs of both: a parade's site of strangers'
    # blogs is no company's, whose "Employee blog" it would call each.
    generator.context["kinds_told"] = kinds_told(participant.kind for participant in participants)


def kinds_told(kinds: Iterable[str]) -> bool:
    """Whether blogs are named by their kind: where the site has blogs of both."""
    return len(set(kinds)) > 1


def blog_groups(entries: list[BlogEntry], departments: list[DepartmentView], label: Any) -> list[BlogGroup]:
    """By department where the participant files name any (the blogs without one last), else
    by kind where there are blogs of both (else one group without a heading)."""
    if departments:
        groups = [BlogGroup(view.name, view.entries, view) for view in departments]
        rest = [entry for entry in entries if not entry.blog.department]
        return groups + ([BlogGroup(label(NO_DEPARTMENT), rest)] if rest else [])
    if not kinds_told(entry.blog.kind for entry in entries):
        return [BlogGroup("", entries)] if entries else []
    return [
        BlogGroup(label(title), [entry for entry in entries if entry.blog.kind == kind])
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
