"""The archive's pages: whole months, counted from the oldest, so that a new post changes one page.

Pelican paginates the archive by count from the newest post: each new post moves every post of
every page one place on, and after one new post a 20,000-post site rendered its 101 archive pages
again (20,000 rows, the most expensive listing of a build after one new post).  Here a page holds
whole months: months are grouped from the oldest on, a group closing once it has
PAGINATED_TEMPLATES["archives"] posts or more; the newest group, still open, is added to the last
closed one, so that the first page (the archive's address) shows at least that many posts.  A new
post changes the first page (and the second's link to it); the older pages stay as they are until
the open group closes.  A site with fewer posts than that has one page, as before.

A month of more posts than that (60 busy blogs write 2,000 a month) is no single page: it is cut
into parts of that many posts, counted from its oldest (so that its parts stay as they are when
newer posts come), each part taken as a month is.
"""

from __future__ import annotations

from itertools import groupby
from typing import Any

from pelican.paginator import Page, Paginator


def month_groups(dates: list[Any], per_page: int) -> list[list[Any]]:
    """`dates` (newest first) in pages of whole months (a busy one in parts), the newest page first
    (see the module)."""
    months = [list(run) for _, run in groupby(reversed(dates), key=lambda a: (a.date.year, a.date.month))]
    parts = [part for month in months for part in month_parts(month, per_page)]
    groups: list[list[Any]] = []
    current: list[Any] = []
    for part in parts:  # the oldest first
        current.extend(part)
        if len(current) >= per_page:
            groups.append(current)
            current = []
    if current:
        if groups:
            groups[-1].extend(current)
        else:
            groups.append(current)
    return [list(reversed(group)) for group in reversed(groups)] or [[]]  # none: one empty page


def month_parts(month: list[Any], per_page: int) -> list[list[Any]]:
    """A month's posts (the oldest first) in parts of `per_page`, from its oldest (0: no parts)."""
    if per_page < 1:
        return [month]
    return [month[start:start + per_page] for start in range(0, len(month), per_page)]


class MonthPaginator(Paginator):
    """Pelican's paginator over pages of whole months (month_groups).  Digested (incremental.py)
    by what its pages show of it: its name, address and number of pages, not every post."""

    def __init__(self, name: str, url: str, groups: list[list[Any]], settings: dict[str, Any]) -> None:
        super().__init__(name, url, (), settings)
        self.groups = groups
        self._num_pages = len(groups)
        self._count = sum(len(group) for group in groups)

    def page(self, number: int) -> Page:
        return Page(self.name, self.url, self.groups[number - 1], number, self, self.settings)

    def made_of(self) -> tuple[str, ...]:
        return (type(self).__name__, self.name, str(self.url), str(self._num_pages))


def pages(name: str, url: str, articles: list[Any], dates: list[Any], settings: dict[str, Any],
          per_page: int) -> list[tuple[str, dict[str, Any]]]:  # fmt: skip
    """The archive's pages: each one's file and the variables Pelican's pagination gives a page
    (`dates_page`, `articles_previous_page`...), with `dates` and `articles` its own posts."""
    groups = month_groups(dates, per_page)
    rank = {id(article): n for n, article in enumerate(articles)}
    in_articles = [sorted(group, key=lambda a: rank.get(id(a), 0)) for group in groups]
    paginators = {"dates": MonthPaginator(name, url, groups, settings),
                  "articles": MonthPaginator(name, url, in_articles, settings)}  # fmt: skip
    found = []
    for number in range(1, len(groups) + 1):
        variables: dict[str, Any] = {}
        for key, paginator in paginators.items():
            page = paginator.page(number)
            variables[key] = page.object_list
            variables[f"{key}_paginator"] = paginator
            variables[f"{key}_page"] = page
            variables[f"{key}_previous_page"] = paginator.page(number - 1) if number > 1 else None
            variables[f"{key}_next_page"] = paginator.page(number + 1) if number < len(groups) else None
        found.append((variables["dates_page"].save_as, variables))
    return found
