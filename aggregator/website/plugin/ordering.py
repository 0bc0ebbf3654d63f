"""Newest first, and posts of one date as their blog's feed listed them.

Pelican orders articles by date (ARTICLE_ORDER_BY "reversed-date"); posts that share a date (a
blog whose feed gives days, not times; undated entries, dated when first seen) then came in
the order their files were read, by id: "Beitrag zwei, Beitrag drei, Beitrag eins".  Each keeps
its place among them in its feed (`feed_rank`, reader.py), and that decides between them.
"""

from __future__ import annotations

from typing import Any

from pelican.generators import ArticlesGenerator


def newest_first(article: Any) -> tuple[float, int]:
    """ARTICLE_ORDER_BY's key: the newest first; of one date, the one its feed listed first.
    By the instant: two datetimes of one zone in the hour the clocks go back compare equal."""
    return (-article.date.timestamp(), getattr(article, "feed_rank", 0))


def by_date(article: Any) -> tuple[float, int]:
    """For sorting by date, oldest first (`reverse=True`: newest first), as `newest_first` does."""
    return (article.date.timestamp(), -getattr(article, "feed_rank", 0))


def order_articles(generator: Any) -> None:
    """Pelican's default order, newest first, keeping feeds' order within a date
    (article_generator_init); an order the site's settings chose stays theirs."""
    if isinstance(generator, ArticlesGenerator) and generator.settings.get("ARTICLE_ORDER_BY") == "reversed-date":
        generator.settings["ARTICLE_ORDER_BY"] = newest_first
