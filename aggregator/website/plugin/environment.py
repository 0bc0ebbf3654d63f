"""The theme's Jinja environment, on every generator: `jinja2.ext.i18n` with the theme's catalog
for DEFAULT_LANG, date filters in that language and TIMEZONE, the `months` filter (the archive's
grouping), and autoescaping (the theme relies on it: titles and names are plain text; only
sanitised HTML bodies are marked safe)."""

from __future__ import annotations

from itertools import groupby
from typing import Any

from jinja2.ext import InternationalizationExtension

from ...i18n import date_filters, translations


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
    env.filters["months"] = months


def months(articles: Any) -> list[tuple[Any, list[Any]]]:
    """Articles in the order given, in runs of one calendar month (their dates are in the site's
    time zone already): (the first one's date, the month's articles)."""
    runs = groupby(articles, key=lambda article: (article.date.year, article.date.month))
    return [(posts[0].date, posts) for posts in (list(run) for _, run in runs)]
