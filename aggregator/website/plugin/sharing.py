"""What each page says of itself to search engines and social networks.

After everything is read (and parades have their addresses), every article, page and blog gets
`description`: plain text for `<meta name="description">`, og:description and the Twitter card;
and `og_locale`, its language as OpenGraph names it (de_DE).  The editors' own article or page in
another language than the site's (a translation, `Lang: en`) gets `language`, as an aggregated
post in one has: the theme marks its title and text with it, inside the site's German frame.  The context gets `og_locale` and
`card_image` (the sharing picture, relative to the site's address) for the rest.  The theme's
`head_meta` macro writes the tags.
"""

from __future__ import annotations

import functools
import html
import re
from itertools import chain
from typing import Any, Iterable, Mapping

from babel import Locale, UnknownLocaleError
from babel.core import get_global

from ...languages import language_tag, other_language
from .settings import setting

DESCRIPTION_LENGTH = 200  # characters: search engines show about 160, cards a little more
_TAG = re.compile(r"<[^>]*>")


def plain(markup: str) -> str:
    """Text of an HTML fragment, on one line."""
    return " ".join(html.unescape(_TAG.sub(" ", markup or "")).split())


def shorten(text: str, limit: int = DESCRIPTION_LENGTH) -> str:
    """`text`, cut at a word boundary to at most `limit` characters, with … where cut."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:–-")
    return cut + "…"


@functools.lru_cache(maxsize=64)
def og_locale(lang: str | None) -> str | None:
    """"de" → "de_DE", "en-GB" → "en_GB": a language with its likeliest territory."""
    if not lang:
        return None
    try:
        locale = Locale.parse(lang.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return None
    territory = locale.territory
    if not territory:
        likely = get_global("likely_subtags").get(locale.language, "")
        territory = Locale.parse(likely).territory if likely else None
    return f"{locale.language}_{territory}" if territory else locale.language


def article_description(article: Any) -> str:
    if getattr(article, "aggregated", False):
        return shorten(article.excerpt)  # the blog's own words, plain text already
    return shorten(plain(article.summary))


def describe(articles: Iterable[Any], pages: Iterable[Any], authors: Iterable[Any],
             settings: dict[str, Any], context: dict[str, Any]) -> None:  # fmt: skip
    """Descriptions and locales on every article, page and blog; site-wide ones in `context`."""
    site_lang = settings.get("DEFAULT_LANG", "en")
    site_locale = og_locale(site_lang)
    for article in articles:
        article.description = article_description(article)
        if not getattr(article, "aggregated", False):
            article.language = other_language(language_tag(article.lang), site_lang)
        article.og_locale = og_locale(getattr(article, "language", None)) or site_locale
    for page in pages:
        page.description = shorten(plain(page.summary))
        page.language = other_language(language_tag(page.lang), site_lang)
        page.og_locale = og_locale(page.language) or site_locale
    for author in authors:
        entry = getattr(author, "entry", None)
        author.description = shorten(entry.description) if entry else ""
    context["og_locale"] = site_locale
    context["card_image"] = setting(settings, "BLOGPARADE_CARD_IMAGE") or (
        f"{settings.get('THEME_STATIC_DIR', 'theme')}/images/card.png"
    )
    context["site_description"] = shorten(str(setting(settings, "BLOGPARADE_DESCRIPTION") or ""), 300)


def describe_all(generators: list[Any]) -> None:
    """`describe` over what Pelican's generators read (drafts too: they are previewed)."""
    from pelican.generators import ArticlesGenerator, PagesGenerator

    articles_gen = next((g for g in generators if isinstance(g, ArticlesGenerator)), None)
    pages_gen = next((g for g in generators if isinstance(g, PagesGenerator)), None)
    generator = articles_gen or pages_gen
    if generator is None:
        return
    articles = chain(articles_gen.articles, articles_gen.translations, articles_gen.drafts,
                     articles_gen.drafts_translations) if articles_gen else ()  # fmt: skip
    pages = chain(pages_gen.pages, pages_gen.hidden_pages, pages_gen.draft_pages,
                  pages_gen.translations) if pages_gen else ()  # fmt: skip
    authors = [author for author, _ in articles_gen.authors] if articles_gen else []
    describe(articles, pages, authors, generator.settings, generator.context)
    if articles_gen:
        name_tag_languages(articles_gen.tags, generator.settings.get("DEFAULT_LANG", "en"))


def name_tag_languages(tags: Mapping[Any, list[Any]], site_lang: str) -> None:
    """A topic's language, where every post of it is in one other than the site's ("Bears" of
    English posts on a German site): its name is marked so on the topic's page and in the list
    of topics, as a post's topics are on its page.  None: the site's, or more than one."""
    for tag, articles in tags.items():
        languages = {getattr(article, "language", None) for article in articles}
        primary = {language.split("-")[0].lower() if language else None for language in languages}
        if len(languages) == 1:
            language = languages.pop()
        else:  # en-GB and en-US: English (None among them: the site's, no mark)
            language = primary.pop() if len(primary) == 1 else None
        tag.language = other_language(language, site_lang)  # a German post's topic on a German site: none
