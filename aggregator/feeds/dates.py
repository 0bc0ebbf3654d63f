"""dates: what a date written in a feed (or on a page) says.  Pure: no I/O, no clock.

`read_date` is the rule for a feed's date, in this order:

1. `wall_clock`: the common forms that name no zone (W3C's, RFC 822's in English or a European
   locale's, the German "29.11.2026, 20:00 Uhr"): a time on the writer's clock, read in the
   site's zone;
2. a Unix time ("1520932969"), which feedparser reads as a day in 2015;
3. `parse_date`, feedparser's `_parse_date` (quick for the common forms), except where it is
   known to be wrong: a time with "PM" (feedparser drops it: 19:02 became 07:02) or a zone named
   as the tz database names it ("Europe/Brussels", taken for UTC);
4. `loose_date`, dateutil's parser, for those and for the forms feedparser reads not at all,
   as engines and templates write them (Drupal's "Friday, December 22, 2017 - 3:09pm", Django's
   "Nov. 16, 2020, 10:57 a.m.", "Thu, June 22, 2023 at 01:11 PM EDT", "Fri, 23rd Jun 2023"):
   a date without a year is none, one without a zone the site's time.

Both readers of parse.py read dates here, so a feed's dates are the same whichever reads it.
"""

from __future__ import annotations

import re
import warnings
from datetime import UTC, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

_RFC822 = re.compile(
    r"(?:(mon|tue|wed|thu|fri|sat|sun)[a-z]*,?\s+)?(\d{1,2})\s+"
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s+(\d{4})\s+"
    r"(\d{1,2}):(\d{1,2})(?::(\d{1,2}))?\s+(?:([+-])(\d{2})(\d{2})|(gmt|ut|utc|z))",
    re.I,
)
_W3DTF = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})t(\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:(z)|([+-])(\d{2}):(\d{2}))"
)
_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}


@lru_cache(maxsize=1024)  # an Atom entry's published and updated are mostly one time
def parse_date(value: str) -> Any:
    """feedparser's _parse_date (a UTC time tuple, or None), quick for RFC 822 and W3C dates:
    forms its first two handlers (W3DTF, then RFC 822) read, computed as they compute them;
    anything else, and an impossible date, goes to feedparser itself (`feedparser_dates`)."""
    if not value:
        return None
    lower = value.lower()
    found = None
    if match := _RFC822.fullmatch(lower):
        _, day, month, year, hour, minute, second, sign, tzh, tzm, _named = match.groups()
        offset = int(tzh) * 60 + int(tzm) if sign else 0
        found = _utc(int(year), _MONTHS[month[:3]], int(day), int(hour), int(minute),
                     int(second or 0), -offset if sign == "-" else offset)  # fmt: skip
    elif match := _W3DTF.fullmatch(lower):
        year, month, day, hour, minute, second, _z, sign, tzh, tzm = match.groups()
        offset = int(tzh) * 60 + int(tzm) if sign else 0
        found = _utc(int(year), int(month), int(day), int(hour), int(minute), int(second or 0),
                     -offset if sign == "-" else offset)  # fmt: skip
    if found is not None:
        return found
    return feedparser_dates()(value)  # the rare forms: feedparser's own rules


@lru_cache(maxsize=1)
def feedparser_dates() -> Any:
    """feedparser's _parse_date, which now tries `_local_rfc822` before its own handlers (both
    readers call this before feedparser reads a date)."""
    from feedparser import datetimes

    datetimes.registerDateHandler(_local_rfc822)
    return datetimes._parse_date


# RFC 822 as a European locale's strftime writes it ("Di, 13 Okt 2026 08:00:00 +0200": Smarty's
# and TYPO3 Fluid's "%a, %d %b %Y %H:%M:%S %z"; French "mar. 13 oct. 2026 08:00", Dutch, Spanish,
# Italian), the month written out too ("13 octobre 2026 à 08h00", "Lundi, 16. Novembre 2020 -
# 15:54", "13. Oktober 2026, 08:00"), the time left out too ("26 Sep 2022 GMT"),
# with a European zone's name, or with none (as UTC here, as feedparser reads such a date without
# its day name; parse.py then reads it in the site's zone: `wall_clock`).  feedparser reads none
# of these, and every post of such a feed had the time it was first seen, the old ones as new as
# the newest.
_LOCAL_RFC822 = re.compile(
    r"\s*(?:[^\W\d_]{2,10}\.?,?\s+)?(\d{1,2})(?:\.|er)?\s+([^\W\d_]{3,10})\.?,?\s+(\d{4})"
    r"(?:(?:,|\s+-)?\s+(?:(?:à|a|um|at|om|alle|kl\.)\s+)?(\d{1,2})[:h](\d{2})(?::(\d{2}))?(?:\s*uhr)?)?"
    r"(?:\s+(?:([+-])(\d{2}):?(\d{2})|(gmt|ut|utc|z|[a-z]{3,5})))?\s*"
)
# Months as those locales name them, in full or cut short (`_month`): what the English ones'
# first three letters do not tell.
_LOCAL_MONTHS = {
    **_MONTHS,
    "jän": 1, "mär": 3, "mrz": 3, "mai": 5, "okt": 10, "dez": 12,  # German (Austria's "Jänner")
    "janv": 1, "fév": 2, "fev": 2, "mars": 3, "avr": 4, "juin": 6, "juil": 7, "aoû": 8, "aou": 8,
    "déc": 12,  # French ("mai", "sept", "oct", "nov" as above)
    "maa": 3, "mrt": 3, "mei": 5,  # Dutch ("okt" as German)
    "ene": 1, "abr": 4, "ago": 8, "dic": 12,  # Spanish
    "gen": 1, "mag": 5, "giu": 6, "lug": 7, "set": 9, "ott": 10,  # Italian ("ago", "dic" as Spanish)
}  # fmt: skip


def _month(name: str) -> int | None:
    """The month a locale's name for it names ("oct", "octobre", "juil.", "Jänner"), lower case."""
    name = name.rstrip(".")
    return _LOCAL_MONTHS.get(name[:4]) or _LOCAL_MONTHS.get(name[:3])


# The zones feedparser does not know by name (it knows North America's), which it reads as UTC.
_LOCAL_ZONES = {"cet": 60, "mez": 60, "cest": 120, "mesz": 120, "wet": 0, "west": 60, "bst": 60,
                "eet": 120, "eest": 180, "msk": 180, "jst": 540, "kst": 540, "aest": 600,
                "aedt": 660, "nzst": 720, "nzdt": 780}  # fmt: skip


def _local_rfc822(value: str) -> Any:
    match = _LOCAL_RFC822.fullmatch(value.lower())
    month = _month(match.group(2)) if match else None
    if match is None or month is None:
        return None
    day, _, year, hour, minute, second, sign, tzh, tzm, named = match.groups()
    if named and named not in _LOCAL_ZONES and named not in ("gmt", "ut", "utc", "z"):
        return None  # another zone's name ("EST"): feedparser's handlers know it
    offset = int(tzh) * 60 + int(tzm) if sign else _LOCAL_ZONES.get(named or "", 0)
    return _utc(int(year), month, int(day), int(hour or 0), int(minute or 0), int(second or 0),
                -offset if sign == "-" else offset)  # fmt: skip


# A date and time written without a zone: W3C's forms ("2026-11-29T20:00:00", "2026-11-29 20:00",
# a day alone; with slashes too, "2026/11/29 20:00:00", which feedparser reads as December 1st),
# RFC 822's, in English or a European locale's ("So, 29 Nov 2026 20:00:00", `_LOCAL_RFC822`),
# and the German way, day first ("29.11.2026 20:00", "So., 29.11.2026, 20:00 Uhr",
# "29.11.2026": a CMS's "d.m.Y H:i"), which feedparser does not read at all: every post of such a
# feed had the time it was first seen, a blog's whole feed the newest posts on the day it joined.
_W3C_ZONELESS = re.compile(
    r"\s*(\d{4})([-/])(\d{2})\2(\d{2})(?:[t ]+(\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*"
)
_GERMAN_NUMERIC = re.compile(
    r"\s*(?:[a-zäö]{2,10}\.?,?\s+)?(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4}|\d{2})"
    r"(?:,?\s+(?:um\s+)?(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?:\s*uhr)?)?\s*"
)


_NO_SUCH_DAY = "no such day"  # a known form naming a day there is not ("2026-11-31")


@lru_cache(maxsize=1024)
def wall_clock(value: str) -> datetime | str | None:
    """The date and time `value` writes, naive, where it is a common form that names no zone;
    _NO_SUCH_DAY where such a form names a day there is not (feedparser would roll November 31st
    into December); None for any other (one naming its zone, a form not known here).  feedparser
    reads such a time as UTC; it is the time on the writer's clock (read_date)."""
    lower = value.lower()
    if match := _W3C_ZONELESS.fullmatch(lower):
        year, _, month, day, hour, minute, second = match.groups()
        fields = (int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    elif match := _GERMAN_NUMERIC.fullmatch(lower):
        day, month, year, hour, minute, second = match.groups()
        century = 2000 if len(year) == 2 else 0  # "30.10.23": this century's
        fields = (century + int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    elif (match := _LOCAL_RFC822.fullmatch(lower)) and not match.group(7) and not match.group(10):
        month = _month(match.group(2))
        if month is None:
            return None
        day, _, year, hour, minute, second = match.groups()[:6]
        fields = (int(year), month, int(day), int(hour or 0), int(minute or 0), int(second or 0))
    else:
        return None
    try:
        return datetime(*fields[:5], min(fields[5], 59))
    except ValueError:
        return _NO_SUCH_DAY


def _utc(year: int, month: int, day: int, hour: int, minute: int, second: int, offset: int) -> Any:
    try:
        stamp = datetime(year, month, day, hour, minute, second)
        return (stamp - timedelta(minutes=offset)).utctimetuple()
    except (ValueError, OverflowError):
        return None


# --- a feed's date: the rule ------------------------------------------------------------------------


def read_date(written: str, zone: tzinfo | None) -> datetime | None:
    """The moment a feed's date `written` names, aware in UTC; None where it names none.  A time
    that names no zone is read in `zone` (the site's); with `zone` None it stays naive."""
    text = written.strip()
    if len(text) > MAX_DATE_LENGTH or not _YEAR.search(text):
        return None  # feedparser would read "16:04" as today, dateutil "12 Monday" as 2012
    if (wall := wall_clock(text)) is not None:
        return _in(wall, zone) if isinstance(wall, datetime) else None
    if _UNIX_TIME.fullmatch(text):
        return datetime.fromtimestamp(int(text), UTC)
    feedparser_wrong = _AM_PM.search(text) or _TZ_NAME.search(text)
    if not feedparser_wrong and (parsed := parse_date(text)) is not None:
        moment = utc_datetime(parsed)
        if moment is not None and names_no_zone(text):  # feedparser's UTC: the time as written
            return _in(moment.replace(tzinfo=None), zone)
        return moment
    return _in(loose, zone) if (loose := loose_date(text)) is not None else None


def names_no_zone(text: str) -> bool:
    """Whether a date feedparser reads names no zone: no offset ("+0100", "+01:00") or zone's
    name ("CET", "MESZ", "GMT", "Z") at its end, no "GMT"/"UTC" within ("GMT+0000 (Coordinated
    Universal Time)"); "Sun Nov 29 20:00:00 2026" and "29 Nov 2026" name none.  Only ASCII: a
    Korean date names none and feedparser reads it in Korea's zone."""
    return text.isascii() and not _ZONE_AT_END.search(text) and not _UTC_WITHIN.search(text)


# A zone's name is letters after a digit too: "20:00:00Z".
_ZONE_AT_END = re.compile(r"(?:[+-]\d\d:?\d\d|(?<![a-z])[a-z]{1,5})\s*$", re.I)
_UTC_WITHIN = re.compile(r"\b(?:gmt|utc|ut)\b", re.I)


# No date anyone writes is longer (the longest above is 63 characters); a longer one is junk,
# which dateutil would take its time over.
MAX_DATE_LENGTH = 100
# A year, as dates write it: four digits ("2026", a Unix time too), or two after a day and a month
# ("29.11.26", "11/29/26", "Sun, 29 Nov 26 20:00 GMT": RFC 822 allowed them).
_YEAR = re.compile(r"\d{4}|\d{1,2}[./-]\s?\d{1,2}[./-]\s?\d{2}\b|\d{1,2}\.?\s+[^\W\d_]{3,10}\.?,?\s+\d{2}\b", re.I)
# 2001-09-09 to 2286: ten digits, the seconds since 1970.
_UNIX_TIME = re.compile(r"[1-9]\d{9}")
# What feedparser reads wrong: a time with "AM"/"PM" ("7:02 PM", "10:57 a.m."), and a zone as the
# tz database names it, at the end ("Europe/Brussels").
_AM_PM = re.compile(r"\d\s*[ap]\.?\s?m\.?(?![a-z])", re.I)
_TZ_NAME = re.compile(r"\s+([a-z]+(?:/[a-z0-9_+-]+)+)\s*$", re.I)


def _in(moment: datetime, zone: tzinfo | None) -> datetime | None:
    """`moment` in UTC, a naive one read in `zone` (naive still without one); None where the
    year 1 or 9999 leaves the calendar on the way."""
    try:
        if moment.tzinfo is None:
            return moment if zone is None else moment.replace(tzinfo=zone).astimezone(UTC)
        return moment.astimezone(UTC)
    except (OverflowError, ValueError):
        return None


def utc_datetime(parsed: Any) -> datetime | None:
    """feedparser's *_parsed time tuple (UTC) as an aware datetime; None where it makes none."""
    try:
        year, month, day, hour, minute, second = (int(v) for v in tuple(parsed)[:6])
        return datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None


# The zones a date may name, for dateutil (which knows only UTC's names): feedparser's, North
# America's, and those feedparser does not know (_LOCAL_ZONES), in seconds east of UTC.
_ZONE_OFFSETS = {
    **{name.upper(): minutes * 60 for name, minutes in _LOCAL_ZONES.items()},
    "UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "AST": -4 * 3600, "ADT": -3 * 3600, "EST": -5 * 3600,
    "EDT": -4 * 3600, "CST": -6 * 3600, "CDT": -5 * 3600, "MST": -7 * 3600, "MDT": -6 * 3600,
    "PST": -8 * 3600, "PDT": -7 * 3600,
}  # fmt: skip
_NO_YEAR = datetime(1, 1, 1)  # what dateutil fills in where a date leaves something out


@lru_cache(maxsize=256)
def loose_date(text: str) -> datetime | None:
    """`text` as dateutil reads it (not fuzzily: every word must be part of the date): aware
    where it names a zone dateutil or `_ZONE_OFFSETS` knows, or one of the tz database at its
    end; naive otherwise.  None where it reads no date, or one without a year."""
    zone: tzinfo | None = None
    if named := _TZ_NAME.search(text):
        try:
            zone = ZoneInfo(named.group(1))
        except (ValueError, KeyError, OSError):  # zoneinfo's ZoneInfoNotFoundError is a KeyError
            return None
        text = text[: named.start()]
    moment = _dateutil(text, dayfirst=False)
    if moment is None or moment.year == 1:
        return None
    # "Sat, 11 04 2020": a day's name says which number is the day (April 11th was a Saturday).
    day = _WEEKDAY.match(text)
    weekday = _WEEKDAYS.index(day.group(1).lower()) if day else moment.weekday()
    if moment.weekday() != weekday and (other := _dateutil(text, dayfirst=True)) and other.weekday() == weekday:
        moment = other
    if moment.tzinfo is not None and moment.utcoffset() is None:  # a name dateutil has no offset for
        moment = moment.replace(tzinfo=None)
    return moment.replace(tzinfo=zone) if zone is not None and moment.tzinfo is None else moment


_WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_WEEKDAY = re.compile(r"\s*(mon|tue|wed|thu|fri|sat|sun)", re.I)


def _dateutil(text: str, *, dayfirst: bool) -> datetime | None:
    from dateutil import parser

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # UnknownTimezoneWarning: a zone no table names
            return parser.parse(text, default=_NO_YEAR, tzinfos=_ZONE_OFFSETS, dayfirst=dayfirst)
    except (ValueError, OverflowError, TypeError):  # dateutil's ParserError is a ValueError
        return None
