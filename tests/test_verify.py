"""verify: the same rules for every candidate, from what its page said; reasons for the host."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from aggregator.models import CandidatePage, PageReading, ParadeCandidate, Post, StoredPost
from aggregator.parades.files import Parade
from aggregator.parades.verify import Reason, judge_post, verify
from aggregator.urls import page_key

CALL = "https://host.example/2026/10/aufruf/"
PARADE = Parade("doku", "Wie dokumentieren wir?", CALL, date(2026, 10, 1), date(2026, 10, 31),
                timezone="Europe/Berlin")  # fmt: skip
URL = "https://anna.example/2026/10/beitrag/"
SEEN = datetime(2026, 10, 19, 3, tzinfo=UTC)
NOVEMBER = datetime(2026, 11, 5, tzinfo=UTC)  # a look after the end


def candidate(url: str = URL, date: datetime | None = None) -> ParadeCandidate:
    return ParadeCandidate("doku", page_key(url), url, ("pingback",), SEEN, date)


def reading(**changes) -> PageReading:
    values = dict(url=URL, canonical=URL, title="Mein Beitrag", author="Anna",
                  published=datetime(2026, 10, 12, 9, tzinfo=UTC), date_source="json-ld",
                  site_name="Annas Blog", home="https://anna.example/", feed="https://anna.example/feed/",
                  links=(CALL,), excerpt="So dokumentiere ich.")  # fmt: skip
    return PageReading(**{**values, **changes})


def looked(**changes) -> CandidatePage:
    return CandidatePage(page_key(URL), URL, SEEN, reading=reading(**changes))


def read_in_november(**changes) -> CandidatePage:
    return replace(looked(**changes), checked_at=NOVEMBER)


def entry(**changes) -> Post:
    values = dict(participant="-", guid="https://anna.example/?p=12", url=URL, title="Mein Beitrag (Feed)",
                  author="Anna A.", published=datetime(2026, 10, 11, 8, tzinfo=UTC), updated=None,
                  excerpt="Aus dem Feed.", content_html="<p>x</p>", links=())  # fmt: skip
    return Post(**{**values, **changes})


def test_a_page_in_the_window_that_links_to_the_call_is_accepted():
    verdict = verify(candidate(), looked(), PARADE)
    assert verdict.reason is Reason.ACCEPTED and verdict.accepted
    found = verdict.contribution
    assert (found.title, found.author, found.blog_name, found.blog_home, found.blog_feed) == (
        "Mein Beitrag", "Anna", "Annas Blog", "https://anna.example/", "https://anna.example/feed/")
    assert (found.published, found.date_source, found.late) == (datetime(2026, 10, 12, 9, tzinfo=UTC), "json-ld", False)


def test_the_blogs_own_feed_entry_dates_it_first():
    page = replace(looked(), entry=entry())
    found = verify(candidate(), page, PARADE).contribution
    assert (found.published, found.date_source) == (datetime(2026, 10, 11, 8, tzinfo=UTC), "feed")
    assert found.title == "Mein Beitrag"  # the page's own words come first for what is shown
    late_entry = replace(looked(), entry=entry(published=datetime(2026, 9, 1, tzinfo=UTC)))
    verdict = verify(candidate(), late_entry, PARADE)
    assert verdict.reason is Reason.OUT_OF_WINDOW
    assert str(verdict) == ("out of the window: published 2026-09-01 (its blog's feed), before the parade "
                            "started on 2026-10-01")


def test_a_link_only_in_the_feed_entry_counts():
    page = replace(looked(links=()), entry=entry(links=(CALL + "?utm_source=feed",)))
    assert verify(candidate(), page, PARADE).accepted


def test_a_link_to_the_calls_amp_version_counts():
    assert verify(candidate(), looked(links=(CALL + "amp/",)), PARADE).accepted
    # A page below the call whose last step is not "amp" is another page.
    assert not verify(candidate(), looked(links=(CALL + "amp-seite/", CALL + "kommentare/amp/")), PARADE).accepted


def test_no_link_to_the_call():
    verdict = verify(candidate(), looked(links=("https://host.example/impressum/",)), PARADE)
    assert (verdict.reason, str(verdict)) == (Reason.NO_LINK, "doesn't link to the call")


def test_out_of_the_window_on_either_side():
    early = verify(candidate(), looked(published=datetime(2026, 9, 30, 21, tzinfo=UTC)), PARADE)
    assert early.reason is Reason.OUT_OF_WINDOW and "before the parade started" in early.detail
    # 30 September 23:30 in Berlin is 1 October in the site's zone: inside.
    assert verify(candidate(), looked(published=datetime(2026, 9, 30, 22, 30, tzinfo=UTC)), PARADE).accepted
    after = verify(candidate(), read_in_november(published=datetime(2026, 11, 2, tzinfo=UTC)), PARADE)
    assert after.reason is Reason.OUT_OF_WINDOW and "after the parade ended on 2026-10-31" in after.detail


def test_late_contributions_where_the_parade_takes_them():
    late = replace(PARADE, late=True)
    published = datetime(2026, 11, 2, tzinfo=UTC)
    verdict = verify(candidate(), read_in_november(published=published), late)
    assert verdict.reason is Reason.LATE and verdict.contribution.late
    after_roundup = replace(late, roundup_date=date(2026, 11, 1))
    verdict = verify(candidate(), read_in_november(published=published), after_roundup)
    assert verdict.reason is Reason.OUT_OF_WINDOW and "after the roundup of 2026-11-01" in verdict.detail


def test_a_page_without_a_date_takes_its_channels_then_when_it_was_first_seen():
    undated = looked(published=None, date_source="")
    pinged = verify(candidate(date=datetime(2026, 10, 5, tzinfo=UTC)), undated, PARADE)
    assert (pinged.contribution.published, pinged.contribution.date_source) == (datetime(2026, 10, 5, tzinfo=UTC), "channel")
    seen = verify(candidate(), undated, PARADE).contribution
    assert (seen.published, seen.date_source) == (SEEN, "first seen")


def test_a_day_without_time_is_a_day_in_the_sites_zone():
    first = verify(candidate(), looked(published=datetime(2026, 10, 1)), PARADE)
    assert first.accepted and first.contribution.published.isoformat() == "2026-10-01T00:00:00+02:00"


def test_a_date_far_in_the_future_is_not_believed():
    wrong = looked(published=datetime(2027, 10, 12, tzinfo=UTC))
    found = verify(candidate(date=datetime(2026, 10, 13, tzinfo=UTC)), wrong, PARADE).contribution
    assert found.date_source == "channel"


def test_a_date_ahead_is_measured_against_the_look_that_read_the_page_whatever_the_day():
    # Read on 19 October, dated 10 November: wrong about its date then, and so it stays, also
    # when `parade status` or a build asks near or after 10 November.
    ahead = looked(published=datetime(2026, 11, 10, tzinfo=UTC))
    verdict = verify(candidate(date=datetime(2026, 10, 18, tzinfo=UTC)), ahead, PARADE)
    assert verdict.accepted and verdict.contribution.date_source == "channel"
    near = looked(published=datetime(2026, 10, 21, 2, tzinfo=UTC))  # within two days of the look
    assert verify(candidate(), near, PARADE).contribution.date_source == "json-ld"


def test_a_date_in_no_plausible_year_is_passed_over_without_overflowing():
    # Evidence stored before such dates were read as none: year 1, five hours east of UTC.
    year_one = datetime.fromisoformat("0001-01-01T00:00:00+05:00")
    page = replace(looked(published=year_one), entry=entry(published=year_one))
    found = verify(candidate(date=year_one), page, PARADE).contribution
    assert (found.published, found.date_source) == (SEEN, "first seen")


def test_the_call_itself_by_its_url_or_where_it_leads():
    assert verify(candidate(CALL.replace("https", "http")), None, PARADE).reason is Reason.IS_CALL
    redirected = CandidatePage(page_key(URL), URL, SEEN, reading=reading(url=CALL, canonical=CALL))
    assert verify(candidate(), redirected, PARADE).reason is Reason.IS_CALL


def test_include_and_exclude_override_everything_else():
    unlinked = looked(links=(), published=datetime(2025, 1, 1, tzinfo=UTC))
    included = verify(candidate(), unlinked, replace(PARADE, include=(URL,)))
    assert included.reason is Reason.INCLUDED and included.accepted
    excluded = replace(PARADE, exclude=(URL + "?x=1",))
    assert verify(candidate(), looked(), excluded).reason is Reason.EXCLUDED
    assert verify(candidate(), None, excluded).reason is Reason.EXCLUDED  # without a look


def test_pages_that_cannot_be_read():
    down = CandidatePage(page_key(URL), URL, SEEN, "unfetchable", "connection: connection refused")
    assert str(verify(candidate(), down, PARADE)) == "can't be fetched: connection: connection refused"
    pdf = CandidatePage(page_key(URL), URL, SEEN, "not-html", "application/pdf, not a web page")
    assert verify(candidate(), pdf, PARADE).reason is Reason.NOT_HTML
    assert verify(candidate(), None, PARADE).reason is Reason.PENDING


def test_a_failed_look_after_a_good_one_keeps_the_verdict():
    page = replace(looked(), checked_at=SEEN + timedelta(days=1), problem="unfetchable", error="timeout")
    assert verify(candidate(), page, PARADE).accepted


def test_the_blog_is_named_by_its_feed_where_the_page_does_not():
    page = replace(looked(site_name="", home=None), feed_title="Annas Feed", feed_home="https://anna.example/blog")
    found = verify(candidate(), page, PARADE).contribution
    assert (found.blog_name, found.blog_home) == ("Annas Feed", "https://anna.example/blog")
    bare = verify(candidate(), looked(site_name="", home=None), PARADE).contribution
    assert (bare.blog_name, bare.blog_home) == ("anna.example", "https://anna.example/")


@pytest.mark.parametrize("published, links, tag, reason", [
    (datetime(2026, 10, 12, tzinfo=UTC), (CALL,), (), Reason.ACCEPTED),
    (datetime(2026, 10, 12, tzinfo=UTC), (), ("BlogparadeDoku",), Reason.ACCEPTED),
    (datetime(2026, 10, 12, tzinfo=UTC), (), (), Reason.NO_LINK),
    (datetime(2026, 9, 12, tzinfo=UTC), (CALL,), (), Reason.OUT_OF_WINDOW),
])  # fmt: skip
def test_a_joined_blogs_post_is_judged_by_selects_rule(published, links, tag, reason):
    post = StoredPost("id", "anna", URL, URL, "T", "A", published, None, published, "", "<p>x</p>", tag,
                      "de", links, None, None)  # fmt: skip
    assert judge_post(replace(PARADE, tag="BlogparadeDoku"), post).reason is reason


def test_a_canonical_address_on_another_site_is_not_followed():
    elsewhere = looked(canonical="https://spam.example/anything/")
    assert verify(candidate(), elsewhere, PARADE).contribution.url == URL
    # A cross-post (dev.to, Medium, Hashnode) names its original on its author's blog: the blog
    # is the one it is shown on.
    cross_post = looked(canonical="https://spam.example/anything/", home=None, feed=None)
    assert verify(candidate(), cross_post, PARADE).contribution.blog_home == "https://anna.example/"
    moved = looked(url=URL + "?amp=1", canonical=URL)
    assert verify(candidate(), moved, PARADE).contribution.url == URL


@pytest.mark.parametrize("home, rel_home, feed_home", [
    ("https://www.anna.example", None, None),  # the site's root
    ("https://anna.example/blog/", "https://anna.example/blog/", None),  # the page's rel=home
    ("https://anna.example/blog/", None, "https://anna.example/blog"),  # its feed's home
])  # fmt: skip
def test_a_canonical_address_that_is_a_home_page_is_not_followed(home, rel_home, feed_home):
    # An SEO plugin set up wrong names the blog's home as every post's canonical address: each
    # post stays itself.
    other = URL.replace("beitrag", "zweiter")
    pages = [replace(looked(url=url, canonical=home, home=rel_home), feed_home=feed_home) for url in (URL, other)]
    assert [verify(candidate(), page, PARADE).contribution.url for page in pages] == [URL, other]


@pytest.mark.parametrize(("url", "home", "site"), [
    ("https://medium.com/@anna.schmidt/wie-ich-dokumentiere-3f2a9c", "https://medium.com/@anna.schmidt/", "Medium"),
    ("https://dev.to/anna/wie-ich-dokumentiere-4k2p", "https://dev.to/anna/", "DEV Community"),
    ("https://chaos.social/@anna/113434045123456789", "https://chaos.social/@anna/", "chaos.social"),
])  # fmt: skip
def test_on_a_site_of_many_writers_each_writers_path_is_a_blog(url, home, site):
    # Medium's and dev.to's pages name the whole site as their home and site name: every writer
    # there was one blog ("Medium"), counted once in the roundup's figures however many wrote.
    root = url.split("/")[0] + "//" + url.split("/")[2] + "/"
    found = verify(candidate(url), replace(looked(url=url, canonical=url, site_name=site, home=root, feed=None),
                                           url=url), PARADE).contribution  # fmt: skip
    assert (found.blog_home, found.blog_name) == (home, f"Anna ({site})")
    other = url.replace("anna", "bernd")
    by_bernd = verify(candidate(other), replace(looked(url=other, canonical=other, site_name=site, home=root,
                                                       feed=None, author="Bernd"), url=other), PARADE).contribution
    assert by_bernd.blog_home != found.blog_home and by_bernd.blog_name == f"Bernd ({site})"
    own = verify(candidate(), looked(), PARADE).contribution  # a blog of its own: as it names itself
    assert (own.blog_home, own.blog_name) == ("https://anna.example/", "Annas Blog")
