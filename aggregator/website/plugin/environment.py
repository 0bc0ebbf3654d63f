"""The theme's Jinja environment, on every generator: `jinja2.ext.i18n` with the theme's catalog
for DEFAULT_LANG (its sentences write their numbers as that language does, as the `number` filter
does, and `file_size` the sizes of posts' files), date filters in that language and TIMEZONE,
the `months` filter (the archive's grouping), `headings_as_paragraphs` (excerpts in lists,
content.py), `language_name` and `right_to_left` (texts in other languages) and the globals
`lang_dir(tag)` and `lang_attr(post)` (their `lang` and `dir` attributes), and autoescaping (the theme relies on it: titles and names are plain text; only
sanitised HTML bodies are marked safe).  The templates are compiled once per build stamp and kept (`template_cache`)."""

from __future__ import annotations

import functools
import os
from collections.abc import Callable
from itertools import groupby
from typing import Any

from babel import Locale, UnknownLocaleError
from babel.numbers import format_decimal
from jinja2 import FileSystemBytecodeCache, pass_context
from jinja2.ext import InternationalizationExtension
from jinja2.runtime import Context
from markupsafe import Markup

from ...i18n import babel_locale, date_filters, translations
from ...site import timezone_name
from .content import headings_as_paragraphs
from .incremental import stamp_folder

TEMPLATE_CACHE = "templates"  # in the reader cache's folder (website/build.py: reader_cache)


def prepare_environment(generator: Any) -> None:
    """Translations, date filters and autoescaping for the theme (Pelican core does none)."""
    settings, env = generator.settings, generator.env
    env.autoescape = True  # before any template is compiled: the theme is written for it
    if not any(isinstance(ext, InternationalizationExtension) for ext in env.extensions.values()):
        env.add_extension("jinja2.ext.i18n")
    env.policies["ext.i18n.trimmed"] = True
    lang = settings.get("DEFAULT_LANG", "en")
    env.install_gettext_translations(translations(generator.theme, lang), newstyle=True)
    number = number_filter(lang)
    env.filters["number"] = number
    env.filters["file_size"] = file_size_filter(lang)
    env.filters["language_name"] = language_name
    env.filters["right_to_left"] = right_to_left
    env.filters["bdi"] = isolated
    env.globals["lang_dir"] = language_attributes
    env.globals["lang_attr"] = post_language_attributes
    for name in ("gettext", "ngettext"):
        env.globals[name] = numbers_in_words(env.globals[name], number)
    # `_` straight to it: the extension's `_` looks `gettext` up in the context on every call.
    env.globals["_"] = env.globals["gettext"]
    env.filters.update(date_filters(lang, timezone_name(settings)))
    env.filters["months"] = months
    env.filters["headings_as_paragraphs"] = headings_as_paragraphs
    cache = template_cache(settings)
    if cache is not None:
        env.bytecode_cache = cache


def isolated(text: Any) -> Markup:
    """A name in running text, isolated from it (`<bdi>`): an Arabic or Hebrew name took the
    count after it along ("von 3 · ليلى حداد Beiträge")."""
    return Markup("<bdi>%s</bdi>") % text


def number_filter(lang: str) -> Callable[[int], str]:
    """A count as `lang` writes it: "12.345" in German, "12,345" in English."""
    locale = babel_locale(lang)
    if format_decimal(-999, locale=locale) != "-999":  # digits of its own, or a sign elsewhere
        return lambda value: format_decimal(value, locale=locale)
    # Most counts are under 1,000, written as str() writes them: babel takes 5 µs a count, on
    # every listing of a 20,000-post build.
    return lambda value: str(value) if -1000 < value < 1000 else format_decimal(value, locale=locale)


def language_name(tag: str) -> str:
    """A language by its own name ("English", "Deutsch"): a reader finds theirs whatever the
    page's; the tag itself where babel knows none."""
    try:
        locale = Locale.parse(tag.replace("-", "_"))  # not babel_locale: it falls back to English
        name = locale.get_display_name(locale)
    except (ValueError, TypeError, UnknownLocaleError):
        name = None
    return name[:1].upper() + name[1:] if name else tag


# A text's language as attributes: Python, not macros, for a listing writes them for every post
# on it (a Jinja macro call costs a new context each: 3 % of a full build).
def language_attributes(tag: Any) -> Markup:
    """` lang="…"` for a text's language, with ` dir="rtl"` where it is written from right to
    left (Arabic, Hebrew, Persian: in the page's left-to-right its punctuation and mixed words
    would be out of order); nothing where `tag` is None or empty."""
    if not tag:
        return Markup("")
    return Markup(' lang="%s"%s') % (tag, Markup(' dir="rtl"') if right_to_left(str(tag)) else "")


def post_language_attributes(item: Any) -> Markup:
    """The language of a post, or of a blog's description (a BlogEntry), where it has one.  It
    marks what the post's blog wrote (title, excerpt, body, categories, comments), never the
    whole post: its byline, dates and links are in the site's language."""
    return language_attributes(getattr(item, "language", None))


@functools.lru_cache(maxsize=256)
def right_to_left(tag: str) -> bool:
    """Whether a language is written from right to left ("ar", "he-IL", "fa"); False where babel
    knows it not."""
    try:
        return Locale.parse(tag.replace("-", "_")).text_direction == "rtl"
    except (ValueError, TypeError, UnknownLocaleError):
        return False


def file_size_filter(lang: str) -> Callable[[int], str]:
    """A size in bytes as people read it, in `lang`: "45 MB", "1,2 GB" (units of 1,000)."""
    locale = babel_locale(lang)

    def file_size(value: int) -> str:
        for unit, size in (("GB", 10**9), ("MB", 10**6), ("KB", 10**3)):
            if value >= size:
                amount = value / size
                return f"{format_decimal(round(amount, 1 if amount < 10 else None), locale=locale)} {unit}"
        return f"{format_decimal(value, locale=locale)} B"

    return file_size


def numbers_in_words(translate: Any, number: Callable[[int], str]) -> Any:
    """`translate` (the i18n extension's gettext or ngettext) with its counts written by `number`
    ("12.345 Kommentare").  Only the words: ngettext still chooses the plural form by the count.

    A message without variables (`_("Read the original post")`) is one text in a language: it is
    looked up and made markup once per build, not on every page (a page asks for about thirty:
    5 % of a full build's time went into asking again)."""
    fixed: dict[tuple[Any, ...], Any] = {}

    @pass_context
    def translated(context: Context, *args: Any, **variables: Any) -> str:
        if not variables:
            key = (context.eval_ctx.autoescape, *args)
            try:
                return fixed[key]
            except KeyError:
                text = fixed[key] = translate(context, *args)
                return text
            except TypeError:  # an argument that cannot be a key: asked each time
                return translate(context, *args)
        written = {name: number(value) if is_count(value) else value for name, value in variables.items()}
        return translate(context, *args, **written)

    return translated


def is_count(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def template_cache(settings: dict[str, Any]) -> FileSystemBytecodeCache | None:
    """Where compiled templates are kept between builds: in the folder of the build's stamp
    (which names the code, Pelican's and Jinja's versions, the theme and the settings, all that
    compiling depends on; the folder of another stamp is removed), where the build has one.
    Every generator's environment is made the same way here, so they share it; Jinja checks each
    template's source and its own version before using what it finds.  Compiling the theme took
    0.1 s of every build, a fortieth of one after a new post."""
    folder = stamp_folder(settings)
    if folder is None:
        return None  # no stamp, or a cache folder the editors chose, which no stamp names
    path = os.path.join(folder, TEMPLATE_CACHE)
    try:
        os.makedirs(path, exist_ok=True)
    except OSError:
        return None  # compiled as without a cache; the build says what it cannot write
    return FileSystemBytecodeCache(path)


def months(articles: Any) -> list[tuple[Any, list[Any]]]:
    """Articles in the order given, in runs of one calendar month (their dates are in the site's
    time zone already): (the first one's date, the month's articles)."""
    runs = groupby(articles, key=lambda article: (article.date.year, article.date.month))
    return [(posts[0].date, posts) for posts in (list(run) for _, run in runs)]
