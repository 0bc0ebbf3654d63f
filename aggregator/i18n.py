"""Translations and dates for the theme, with babel: never the system locale.

Source strings are English; each theme carries ``translations/<lang>/LC_MESSAGES/messages.po``,
read at build time (no compiled .mo files in git).  `python -m aggregator.i18n [THEME]` refreshes
the German catalog from the templates and the plugin's Python strings.
"""

from __future__ import annotations

import functools
import io
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Callable, Iterable
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_skeleton, format_time
from babel.messages.catalog import Catalog
from babel.messages.extract import extract, extract_from_file
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from babel.support import NullTranslations, Translations

DOMAIN = "messages"
HEADER_COMMENT = (
    "# Translations of blogparade's theme.\n"
    "# Refresh with `python -m aggregator.i18n` after changing templates; no .mo files in git."
)
# Python modules whose N_()-marked strings end up on pages (kind labels and the like).
PYTHON_SOURCES = (
    "website/plugin/blogs.py",
    "website/plugin/content.py",
    "website/plugin/parade_files.py",
)


def N_(message: str) -> str:  # noqa: N802  the gettext convention
    """Marks a string for extraction; it is translated where it is shown."""
    return message


def catalog_path(theme: Path, lang: str) -> Path:
    return theme / "translations" / lang / "LC_MESSAGES" / f"{DOMAIN}.po"


def translations(theme: str | Path, lang: str) -> NullTranslations:
    """The theme's translations for `lang` ("de", "de-AT"...); English needs none."""
    for candidate in dict.fromkeys((lang.replace("-", "_"), lang.split("-")[0].split("_")[0])):
        path = catalog_path(Path(theme), candidate)
        if path.is_file():
            return _load(str(path), path.stat().st_mtime)
    return NullTranslations()


def without_words_for(theme: str | Path, lang: str) -> bool:
    """Whether the theme has no catalogue for `lang` (not English): its pages' words are English
    then, while dates and numbers follow `lang`."""
    if lang.split("-")[0].split("_")[0].lower() == "en":
        return False
    return not isinstance(translations(theme, lang), Translations)


@functools.lru_cache(maxsize=8)
def _load(path: str, mtime: float) -> Translations:  # mtime: a changed file is read again
    with open(path, "rb") as po:
        catalog = read_po(po)
    mo = io.BytesIO()
    write_mo(mo, catalog)  # fuzzy entries stay out, as msgfmt does
    mo.seek(0)
    return Translations(mo, domain=DOMAIN)


def babel_locale(lang: str) -> Locale:
    try:
        return Locale.parse(lang.replace("-", "_"))
    except (ValueError, UnknownLocaleError):
        return Locale.parse("en")


def date_filters(lang: str, timezone: str) -> dict[str, Callable[[datetime | date], str]]:
    """Jinja filters that show dates in the site's language and time zone."""
    locale, zone = babel_locale(lang), ZoneInfo(timezone)

    def cache(function: Callable[..., str]) -> Callable[..., str]:
        """Every post's date is shown on several listing pages, and babel is not fast: kept, by
        the instant (UTC).  Two datetimes of one zone in the hour the clocks go back (02:30 in
        summer time, then in winter time) are equal and hash alike in Python, their fold left
        out: by themselves as the key, both were shown with the offset of the one shown first."""
        kept = functools.lru_cache(maxsize=65536)(function)

        @functools.wraps(function)
        def by_instant(value: datetime | date, *args: str) -> str:
            if isinstance(value, datetime) and value.tzinfo is not None:
                value = value.astimezone(UTC)
            return kept(value, *args)

        return by_instant

    def local(value: datetime) -> datetime:
        return value.astimezone(zone) if value.tzinfo else value.replace(tzinfo=zone)

    @cache
    def localdate(value: datetime | date, format: str = "long") -> str:
        if isinstance(value, datetime):
            value = local(value)
        return format_date(value, format=format, locale=locale)

    @cache
    def localdatetime(value: datetime) -> str:
        value = local(value)
        return f"{format_date(value, 'long', locale)}, {format_time(value, 'short', locale=locale)}"

    @cache
    def isodate(value: datetime) -> str:
        """For `<time datetime>`: machine-readable, with the offset."""
        return local(value).isoformat(timespec="minutes")

    @cache
    def monthname(value: datetime) -> str:
        """A month and its year, as a heading: "November 2026"."""
        return format_date(local(value), "LLLL yyyy", locale=locale)

    @cache
    def dayofmonth(value: datetime) -> str:
        """Day and month, short, under a month's heading: "29. Nov." ("Nov 29")."""
        return format_skeleton("MMMd", local(value), locale=locale)

    return {"localdate": localdate, "localdatetime": localdatetime, "isodate": isodate,
            "monthname": monthname, "dayofmonth": dayofmonth}  # fmt: skip


# -- keeping the catalogs up to date (a developer's tool, not used at build time) ---------------


def extract_messages(theme: Path) -> Catalog:
    """Every message the theme's templates and the plugin's Python code ask to translate."""
    from jinja2.ext import babel_extract

    catalog = Catalog(domain=DOMAIN)
    options = {"trimmed": "true", "newstyle_gettext": "true"}
    for template in sorted((theme / "templates").rglob("*.html")):
        with open(template, "rb") as source:
            for line, message, comments, context in extract(
                babel_extract, source, options=options
            ):
                catalog.add(message, locations=[(template.relative_to(theme).as_posix(), line)],
                            auto_comments=comments, context=context)  # fmt: skip
    package = Path(__file__).parent
    for name in PYTHON_SOURCES:
        for line, message, comments, context in extract_from_file(
            "python", str(package / name), keywords={"N_": None, "_": None}
        ):
            catalog.add(message, locations=[(f"aggregator/{name}", line)],
                        auto_comments=comments, context=context)  # fmt: skip
    return catalog


def update_catalog(theme: Path, lang: str) -> list[str]:
    """Merge new messages into the theme's catalog for `lang`; returns those still untranslated."""
    path = catalog_path(theme, lang)
    template = extract_messages(theme)
    if path.is_file():
        with open(path, "rb") as po:
            catalog = read_po(po, locale=lang)
    else:
        catalog = Catalog(locale=lang, domain=DOMAIN)
    created = catalog.creation_date  # no header churn in git when nothing else changed
    catalog.update(template, no_fuzzy_matching=True)
    catalog.creation_date = created
    catalog.project, catalog.version, catalog.fuzzy = "blogparade", "theme", False
    catalog.last_translator = catalog.language_team = "blogparade"
    catalog.msgid_bugs_address = "https://github.com/blogparade/blogparade/issues"
    catalog.header_comment = HEADER_COMMENT
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as po:
        write_po(po, catalog, width=100, omit_header=False, ignore_obsolete=True)
    return untranslated(catalog)


def untranslated(catalog: Iterable) -> list[str]:
    missing = []
    for message in catalog:
        if not message.id:
            continue  # the header
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if message.fuzzy or not all(strings):
            missing.append(message.id if isinstance(message.id, str) else message.id[0])
    return missing


def main(argv: list[str]) -> int:
    theme = Path(argv[0]) if argv else Path(__file__).resolve().parent.parent / "theme"
    missing = update_catalog(theme, "de")
    for message in missing:
        print(f"untranslated: {message!r}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
