"""What a date written in a feed says (aggregator/feeds/dates.py): the forms engines, templates and
hand-made feeds write, each read as the moment it names, on both of parse.py's readers."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from aggregator.feeds import dates
from aggregator.feeds.parse import parse_feed

BERLIN = ZoneInfo("Europe/Berlin")
NOW = datetime(2026, 12, 1, tzinfo=UTC)


# A moment given in UTC's own terms (a date naming its zone) and one on a clock in Berlin (a date
# naming none) compare equal; their tzinfo tells which a test expects.
UTC_NAMED = timezone(timedelta(0), "named")


def berlin(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=BERLIN).astimezone(UTC)


def utc(*fields: int) -> datetime:
    return datetime(*fields, tzinfo=UTC_NAMED)


WRITTEN = {  # as written -> the moment, on a site in Berlin
    # "PM": feedparser dropped it (19:02 became 07:02)
    "March 30 2020 07:02:38 PM": berlin(2020, 3, 30, 19, 2, 38),
    "Sat, Oct 28 2023 08:28:28 PM": berlin(2023, 10, 28, 20, 28, 28),
    "Sun, 17 Dec 2017 1:55 PM EST": utc(2017, 12, 17, 18, 55),
    "09/15/2014 4:20 pm PST": utc(2014, 9, 16, 0, 20),
    # a zone as the tz database names it: feedparser took it for UTC
    "Fri, 31 Mar 2023 20:19:00 America/Los_Angeles": utc(2023, 4, 1, 3, 19),
    "Thu, 25 Feb 2016 00:00:00 Europe/Brussels": utc(2016, 2, 24, 23, 0),
    # a Unix time: feedparser read a day in 2015
    "1520932969": utc(2018, 3, 13, 9, 22, 49),
    # forms feedparser reads not at all
    "Friday, December 22, 2017 - 3:09pm": berlin(2017, 12, 22, 15, 9),  # Drupal's default
    "Monday, October 6, 2025 - 16:29": berlin(2025, 10, 6, 16, 29),
    "Mon, 03/30/2020 - 19:19": berlin(2020, 3, 30, 19, 19),
    "Nov. 16, 2020, 10:57 a.m.": berlin(2020, 11, 16, 10, 57),  # Django's
    "Jan. 4, 2016, 12:37 p.m.": berlin(2016, 1, 4, 12, 37),
    "Thu, June 22, 2023 at 01:11 PM EDT": utc(2023, 6, 22, 17, 11),
    "Mon, 16th Nov 2020 13:16:28 GMT": utc(2020, 11, 16, 13, 16, 28),
    "Apr 16, 2023 08:01 GMT": utc(2023, 4, 16, 8, 1),
    "Mon, 09 Apr 2018, 16:04": berlin(2018, 4, 9, 16, 4),
    "Fri,24 Nov 2023 18:28:36 -0000": utc(2023, 11, 24, 18, 28, 36),
    "Sat, 11 04 2020 08:51:49 +0100": utc(2020, 4, 11, 7, 51, 49),  # April 11th was the Saturday
    "30.10.23": berlin(2023, 10, 30),  # German, the year in two digits
    # feedparser's reading of a time that names no zone is the time on the writer's clock
    "Sun Nov 29 20:00:00 2026": berlin(2026, 11, 29, 20, 0),
    # ... and of one that names its zone, the moment it names
    "Thu Nov 12 2020 17:00:00 GMT+0000 (Coordinated Universal Time)": utc(2020, 11, 12, 17, 0),
    "Tue, 16 Feb 2016 23:16:00 EDT": utc(2016, 2, 17, 3, 16),
    "Di, 23 Jan 2018 00:00:00 +0100": utc(2018, 1, 22, 23, 0),
    # W3C's (Atom's) with their zones: as written, wherever the site is
    "2026-11-29T20:00:00Z": utc(2026, 11, 29, 20, 0),
    "2026-11-29T20:00:00.000Z": utc(2026, 11, 29, 20, 0),
    "2026-11-29t20:00:00z": utc(2026, 11, 29, 20, 0),
    "2026-11-29T20:00:00+01:00": utc(2026, 11, 29, 19, 0),
    "2026-11-29T20:00:00.123-05:00": utc(2026, 11, 30, 1, 0),
    "2026-11-29T20:00:00+0100": utc(2026, 11, 29, 19, 0),
    "Sun, 29 Nov 2026 20:00:00Z": utc(2026, 11, 29, 20, 0),
    "Sun, 29 Nov 2026 20:00:00 -0000": utc(2026, 11, 29, 20, 0),
    # European locales' months and days, as their strftime or a template writes them: French,
    # Dutch, Spanish, Italian, German written out
    "mar. 13 oct. 2026 08:00:00 +0200": utc(2026, 10, 13, 6, 0),
    "mié, 28 ene 2026 10:00:00 +0100": utc(2026, 1, 28, 9, 0),
    "13 juillet 2026 20:00:00 CEST": utc(2026, 7, 13, 18, 0),
    "dim. 29 nov. 2026 20:00": berlin(2026, 11, 29, 20, 0),
    "13 octobre 2026 à 08h00": berlin(2026, 10, 13, 8, 0),
    "1er août 2026 à 10:30": berlin(2026, 8, 1, 10, 30),
    "29 novembre 2026": berlin(2026, 11, 29),
    "jeu. 12 févr. 2026 09:15": berlin(2026, 2, 12, 9, 15),
    "zo 29 mrt. 2026 10:00": berlin(2026, 3, 29, 10, 0),
    "29 mei 2026 10:00": berlin(2026, 5, 29, 10, 0),
    "lun 13 luglio 2026 08:00": berlin(2026, 7, 13, 8, 0),
    "29 dic 2025 10:00": berlin(2025, 12, 29, 10, 0),
    "13. Oktober 2026, 08:00 Uhr": berlin(2026, 10, 13, 8, 0),
    "29 Jänner 2026 10:00": berlin(2026, 1, 29, 10, 0),
    "Lundi, 16. Novembre 2020 - 15:54": berlin(2020, 11, 16, 15, 54),
    "26 Sep 2022 GMT": utc(2022, 9, 26),
}
NONE = ["", "   ", "invalid", "Friday", "Nov 16", "16:04", "x" * 200, "2026-11-31", "31.11.2026 10:00",
        "Mon, 16 Nov 2020 13:16:28 Mars/Olympus_Mons", "29 foo 2026 10:00", "31 juin 2026"]  # fmt: skip


@pytest.mark.parametrize("written", list(WRITTEN))
def test_a_written_date_is_the_moment_it_names(written):
    assert dates.read_date(written, BERLIN) == WRITTEN[written]


@pytest.mark.parametrize("written", NONE)
def test_what_names_no_date_is_none(written):
    assert dates.read_date(written, BERLIN) is None


# Those of WRITTEN that name their zone (or are a Unix time): the same moment on every site.
ZONED = [written for written, moment in WRITTEN.items() if moment.tzinfo is UTC_NAMED]


@pytest.mark.parametrize("zone", [UTC, BERLIN, ZoneInfo("America/New_York"), ZoneInfo("Asia/Tokyo")])
def test_a_date_naming_its_zone_is_the_same_moment_on_every_site(zone):
    assert len(ZONED) == 25
    for written in ZONED:
        assert dates.read_date(written, zone) == WRITTEN[written], written


def test_without_a_zone_for_it_a_date_that_names_none_stays_naive():
    # What a page's date needs: its parade's zone is applied later (parades/verify.py).
    assert dates.read_date("Friday, December 22, 2017 - 3:09pm", None) == datetime(2017, 12, 22, 15, 9)
    assert dates.read_date("Sun Nov 29 20:00:00 2026", None) == datetime(2026, 11, 29, 20, 0)
    assert dates.read_date("Sun, 17 Dec 2017 1:55 PM EST", None) == utc(2017, 12, 17, 18, 55)


def test_both_readers_read_every_form_alike():
    items = "".join(f"<item><title>{n}</title><guid>g{n}</guid><pubDate>{written}</pubDate></item>"
                    for n, written in enumerate(WRITTEN))  # fmt: skip
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>t</title>{items}</channel></rss>'.encode()
    read = {engine: parse_feed(body, {}, "https://blog.example/feed/", now=NOW, zone=BERLIN, engine=engine)
            for engine in ("lxml", "feedparser")}  # fmt: skip
    assert read["lxml"] == read["feedparser"]
    assert [entry.published for entry in read["lxml"].entries] == list(WRITTEN.values())


def test_junk_costs_no_time():
    # A feed may give every entry a date of junk as long as a date may be: each goes through
    # every rule, dateutil's too.
    started = time.perf_counter()
    for n in range(2000):
        written = f"{2000 + n % 30} " + "Monday, 12 PM GMT " * 5 + str(n)
        assert len(written) <= dates.MAX_DATE_LENGTH
        moment = dates.read_date(written, BERLIN)
        assert moment is None or moment.tzinfo == UTC
    assert time.perf_counter() - started < 2.0
