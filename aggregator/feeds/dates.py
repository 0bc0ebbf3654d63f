"""dates: what a date written in a feed (or on a page) says.  Pure: no I/O, no clock.

`parse_date` is feedparser's `_parse_date` (a UTC time tuple, or None), quick for the common
forms; `wall_clock` reads the common forms that name no zone, whose time is on the writer's clock
(parse.py and page_reading.py put it in the site's zone).  Both readers of parse.py read dates
here, so a feed's dates are the same whichever reads it.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

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


# RFC 822 as a German locale's strftime writes it ("Di, 13 Okt 2026 08:00:00 +0200": Smarty's
# and TYPO3 Fluid's "%a, %d %b %Y %H:%M:%S %z"), with a European zone's name, or with none (as
# UTC here, as feedparser reads such a date without its day name; parse.py then reads it in the
# site's zone: `wall_clock`).  feedparser reads none of these, and every post of such a feed had
# the time it was first seen, the old ones as new as the newest.
_LOCAL_RFC822 = re.compile(
    r"\s*(?:[a-zäö]{2,10}\.?,?\s+)?(\d{1,2})\.?\s+([a-zä]{3,9})\.?\s+(\d{4})\s+(\d{1,2}):(\d{2})"
    r"(?::(\d{2}))?(?:\s+(?:([+-])(\d{2}):?(\d{2})|(gmt|ut|utc|z|[a-z]{3,5})))?\s*"
)
_LOCAL_MONTHS = {**_MONTHS, "mär": 3, "mrz": 3, "mai": 5, "okt": 10, "dez": 12}
# The zones feedparser does not know by name (it knows North America's), which it reads as UTC.
_LOCAL_ZONES = {"cet": 60, "mez": 60, "cest": 120, "mesz": 120, "wet": 0, "west": 60, "bst": 60,
                "eet": 120, "eest": 180, "msk": 180, "jst": 540, "kst": 540, "aest": 600,
                "aedt": 660, "nzst": 720, "nzdt": 780}  # fmt: skip


def _local_rfc822(value: str) -> Any:
    match = _LOCAL_RFC822.fullmatch(value.lower())
    month = _LOCAL_MONTHS.get(match.group(2)[:3]) if match else None
    if match is None or month is None:
        return None
    day, _, year, hour, minute, second, sign, tzh, tzm, named = match.groups()
    if named and named not in _LOCAL_ZONES and named not in ("gmt", "ut", "utc", "z"):
        return None  # another zone's name ("EST"): feedparser's handlers know it
    offset = int(tzh) * 60 + int(tzm) if sign else _LOCAL_ZONES.get(named or "", 0)
    return _utc(int(year), month, int(day), int(hour), int(minute), int(second or 0),
                -offset if sign == "-" else offset)  # fmt: skip


# A date and time written without a zone: W3C's forms ("2026-11-29T20:00:00", "2026-11-29 20:00",
# a day alone; with slashes too, "2026/11/29 20:00:00", which feedparser reads as December 1st),
# RFC 822's, in English or German ("So, 29 Nov 2026 20:00:00", `_LOCAL_RFC822`), and the German
# way, day first ("29.11.2026 20:00", "So., 29.11.2026, 20:00 Uhr", "29.11.2026": a CMS's
# "d.m.Y H:i"), which feedparser does not read at all: every post of such a feed had the time
# it was first seen, a blog's whole feed the newest posts on the day it joined.
_W3C_ZONELESS = re.compile(
    r"\s*(\d{4})([-/])(\d{2})\2(\d{2})(?:[t ]+(\d{2}):(\d{2})(?::(\d{2})(?:[.,]\d+)?)?)?\s*"
)
_GERMAN_NUMERIC = re.compile(
    r"\s*(?:[a-zäö]{2,10}\.?,?\s+)?(\d{1,2})\.\s?(\d{1,2})\.\s?(\d{4})"
    r"(?:,?\s+(?:um\s+)?(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?(?:\s*uhr)?)?\s*"
)


@lru_cache(maxsize=1024)
def wall_clock(value: str) -> datetime | None:
    """The date and time `value` writes, naive, where it is a common form that names no zone;
    None for any other (one naming its zone, a form not known here, a day that is none).
    feedparser reads such a time as UTC; it is the time on the writer's clock (parse.py)."""
    lower = value.lower()
    if match := _W3C_ZONELESS.fullmatch(lower):
        year, _, month, day, hour, minute, second = match.groups()
        fields = (int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    elif match := _GERMAN_NUMERIC.fullmatch(lower):
        day, month, year, hour, minute, second = match.groups()
        fields = (int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
    elif (match := _LOCAL_RFC822.fullmatch(lower)) and not match.group(7) and not match.group(10):
        month = _LOCAL_MONTHS.get(match.group(2)[:3])
        if month is None:
            return None
        day, _, year, hour, minute, second = match.groups()[:6]
        fields = (int(year), month, int(day), int(hour), int(minute), int(second or 0))
    else:
        return None
    try:
        return datetime(*fields[:5], min(fields[5], 59))
    except ValueError:
        return None


def _utc(year: int, month: int, day: int, hour: int, minute: int, second: int, offset: int) -> Any:
    try:
        stamp = datetime(year, month, day, hour, minute, second)
        return (stamp - timedelta(minutes=offset)).utctimetuple()
    except (ValueError, OverflowError):
        return None
