"""The nightly job is polite and follows moved blogs home: the real CLI, real sites, loopback blogs.

A server that answers 429 with Retry-After is left alone for as long as it asked; a feed that keeps
failing waits longer and longer; a feed that moved is read where it moved while that works, and
where the editors configured it when the new address fails.  Days pass by moving the store's
"next try" times, as a day would.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from tests.acceptance_helpers import (
    invoke,
    listing_titles,
    new_site,
    ok,
    post_pages,
    run_measured,
    status_lines,
    write_participant,
)
from tests.feedmaker import Item, rss
from tests.servers import FeedServer, redirect, respond, status

STORE = "blogparade.sqlite"


def posts(server: FeedServer, blog: str, first: int, last: int) -> bytes:
    items = [
        Item(f"{blog}-{n}", f"{blog.title()}s Beitrag {n}: Grüße", f"{server.base_url}/{blog}/{n}/",
             datetime(2026, 10, n, 9, tzinfo=UTC))
        for n in range(first, last + 1)
    ]  # fmt: skip
    return rss(items, title=blog.title()).encode()


def busy(retry_after: str):
    return respond(b"Zu viele Anfragen\n", 429, {"Retry-After": retry_after},
                   content_type="text/plain")  # fmt: skip


def next_try(site: Path, url: str) -> datetime | None:
    with sqlite3.connect(site / STORE) as db:
        [value] = db.execute("SELECT next_try FROM feeds WHERE url = ?", (url,)).fetchone()
    return datetime.fromisoformat(value) if value else None


def let_time_pass(site: Path, hours: float) -> None:
    """As if `hours` had passed: every feed's next try comes that much closer."""
    with sqlite3.connect(site / STORE) as db:
        rows = db.execute("SELECT url, next_try FROM feeds WHERE next_try IS NOT NULL").fetchall()
        for url, value in rows:
            moved = datetime.fromisoformat(value) - timedelta(hours=hours)
            db.execute("UPDATE feeds SET next_try = ? WHERE url = ?", (moved.isoformat(), url))


@pytest.fixture
def site(tmp_path) -> Path:
    return new_site(tmp_path / "site")


def test_retry_after_86400_leaves_the_feed_alone_for_the_day(feed_server, site):
    healthy = feed_server.route("/heil/feed/", respond(posts(feed_server, "heil", 1, 2)))
    waits = feed_server.route("/geduld/feed/", busy("86400"))
    write_participant(site, "heil", "Heil", healthy)
    write_participant(site, "geduld", "Geduld", waits)

    # Two real nightly runs, as cron starts them: the second does not ask the busy feed.
    first = run_measured(site, "run")
    assert first.returncode == 0, first.stdout + first.stderr
    assert "2 feeds: 1 fetched, 0 unchanged, 1 error; 2 new posts" in first.stdout, first.stdout
    assert f"Geduld ({waits}): error: http: 429 Too Many Requests; next try " in first.stdout
    asked_at = datetime.now(UTC)
    second = run_measured(site, "run", "--strict")
    assert second.returncode == 0, second.stdout + second.stderr  # waiting is no failure
    assert "2 feeds: 0 fetched, 1 unchanged, 0 errors, 1 waiting; 0 new posts" in second.stdout
    assert f"Geduld ({waits}): waiting, next try " in second.stdout, second.stdout
    assert feed_server.hits("/geduld/feed/") == 1

    when = next_try(site, waits)
    assert timedelta(hours=23, minutes=55) < when - asked_at <= timedelta(days=1)
    line = status_lines(ok(invoke(site, "status")).output)["Geduld"]
    shown = when.astimezone(ZoneInfo("Europe/Berlin")).strftime("%Y-%m-%d %H:%M")  # the site's zone
    assert f"\terror: http: 429 Too Many Requests; next try {shown}\t" in line, line
    # The run's summary says the same time as status, in the site's zone, not the machine's.
    assert f"Geduld ({waits}): error: http: 429 Too Many Requests; next try {shown}" in first.stdout

    for hours in (6, 12, 5):  # the rest of that day: three more runs, none asks
        let_time_pass(site, hours)
        assert "1 waiting" in ok(invoke(site, "fetch", "--strict")).output
    assert feed_server.hits("/geduld/feed/") == 1

    feed_server.route("/geduld/feed/", respond(posts(feed_server, "geduld", 1, 3)))
    let_time_pass(site, 1)  # the next night
    fetched = ok(invoke(site, "fetch"))
    assert "2 feeds: 1 fetched, 1 unchanged, 0 errors; 3 new posts" in fetched.output
    assert feed_server.hits("/geduld/feed/") == 2
    assert "\tok\t" in status_lines(ok(invoke(site, "status")).output)["Geduld"]


def test_retry_after_as_a_date_and_all_asks_anyway(feed_server, site):
    date = "Fri, 01 Jan 2100 00:00:00 GMT"  # far beyond the longest wait: a week it is
    waits = feed_server.route("/geduld/feed/", respond(b"", 503, {"Retry-After": date}))
    write_participant(site, "geduld", "Geduld", waits)
    ok(invoke(site, "fetch"))
    assert timedelta(days=6, hours=23) < next_try(site, waits) - datetime.now(UTC) <= timedelta(days=7)
    assert "1 waiting" in ok(invoke(site, "fetch")).output
    assert feed_server.hits("/geduld/feed/") == 1

    feed_server.route("/geduld/feed/", respond(posts(feed_server, "geduld", 1, 1)))
    fetched = ok(invoke(site, "fetch", "--all"))
    assert "1 new post" in fetched.output and "waiting" not in fetched.output
    assert feed_server.hits("/geduld/feed/") == 2 and next_try(site, waits) is None


def test_a_wait_a_clock_set_back_left_too_long_ends_and_status_agrees(feed_server, site):
    """A clock that ran a year ahead set the next try a year off; corrected, the feed would wait
    that year, far past the longest wait (a week): the next run asks it, and status says so."""
    waits = feed_server.route("/geduld/feed/", busy("3600"))
    write_participant(site, "geduld", "Geduld", waits)
    ok(invoke(site, "fetch"))
    let_time_pass(site, -365 * 24)  # the next try as the fast clock set it
    line = status_lines(ok(invoke(site, "status")).output)["Geduld"]
    assert "429 Too Many Requests" in line and "next try" not in line, line
    feed_server.route("/geduld/feed/", respond(posts(feed_server, "geduld", 1, 1)))
    fetched = ok(invoke(site, "fetch"))
    assert "1 new post" in fetched.output and "waiting" not in fetched.output, fetched.output
    assert feed_server.hits("/geduld/feed/") == 2


def test_a_feed_that_keeps_failing_waits_longer_each_time_and_strict_fails_only_when_asked(
    feed_server, site
):
    dead = feed_server.route("/tot/feed/", status(500))
    write_participant(site, "tot", "Tot", dead)
    assert invoke(site, "fetch", "--strict").exit_code == 1  # 1st failure: asked next run
    assert next_try(site, dead) is None
    assert invoke(site, "fetch", "--strict").exit_code == 1  # 2nd: an hour
    waited = []
    for _ in range(4):
        waiting = ok(invoke(site, "fetch", "--strict"))  # not asked: no failure of this run
        assert "0 errors, 1 waiting" in waiting.output, waiting.output
        waited.append(round((next_try(site, dead) - datetime.now(UTC)) / timedelta(hours=1)))
        let_time_pass(site, waited[-1])
        assert invoke(site, "fetch", "--strict").exit_code == 1  # due: asked, failed again
    assert waited == [1, 2, 4, 8]
    assert feed_server.hits("/tot/feed/") == 6


def test_a_gone_feed_is_retired_without_failing_every_strict_run_and_all_asks_it_again(feed_server, site):
    # A retired feed was an error of every run after it ("next try" in the past): a --strict
    # nightly job failed for good, and --all, which asks every feed, did not ask it.
    gone = feed_server.route("/weg/feed/", status(410))
    write_participant(site, "weg", "Weg", gone)
    first = invoke(site, "fetch", "--strict")
    assert first.exit_code == 1 and "error: gone: 410 Gone" in first.output and "next try" not in first.output
    later = ok(invoke(site, "fetch", "--strict"))  # not asked: no failure of this run
    assert "0 errors" in later.output and "retired, it answered 410 Gone" in later.output, later.output
    assert feed_server.hits("/weg/feed/") == 1
    feed_server.route("/weg/feed/", respond(posts(feed_server, "weg", 1, 1)))  # back after all
    back = ok(invoke(site, "fetch", "--all"))
    assert "1 new post" in back.output and "retired" not in back.output
    assert "retired" not in ok(invoke(site, "fetch")).output and feed_server.hits("/weg/feed/") == 3


def test_a_moved_feed_whose_new_address_fails_is_read_where_it_was(feed_server, site):
    moved = feed_server.route("/neu/feed/", respond(posts(feed_server, "umzug", 1, 2)))
    configured = feed_server.route("/alt/feed/", redirect(moved, 301))
    write_participant(site, "umzug", "Umzug", configured)
    assert "2 new posts" in ok(invoke(site, "run")).output
    line = status_lines(ok(invoke(site, "status")).output)["Umzug"]
    assert line.split("\t")[1] == f"{configured} (moved to {moved})", line

    # The new address breaks; the blog is back at its old one, with two new posts.
    feed_server.route("/neu/feed/", status(404))
    feed_server.route("/alt/feed/", respond(posts(feed_server, "umzug", 1, 4)))
    result = ok(invoke(site, "run", "--strict"))
    assert "1 feed: 1 fetched, 0 unchanged, 0 errors; 2 new posts" in result.output, result.output
    expected = {f"Umzugs Beitrag {n}: Grüße" for n in range(1, 5)}
    assert set(post_pages(site / "output")) == expected
    assert listing_titles(site / "output", "index.html") == expected
    line = status_lines(ok(invoke(site, "status")).output)["Umzug"]
    assert line.split("\t")[1:3] == [configured, "ok"], line  # the move is forgotten

    ok(invoke(site, "fetch"))
    assert (feed_server.hits("/neu/feed/"), feed_server.hits("/alt/feed/")) == (2, 3)


def test_a_blog_whose_comment_feeds_answer_slowly_leaves_some_for_the_next_run(feed_server, site):
    """Five posts' comment feeds, each answering in 0.4 s, inside the timeout (1 s): the blog's
    may take one timeout a run, the summary says how many wait, and the next run reads them."""
    now = datetime.now(UTC).replace(microsecond=0)
    items = []
    for n in range(1, 6):
        comments = rss([Item(f"k{n}", f"Kommentar zu {n}", f"{feed_server.base_url}/zaeh/{n}/#k",
                             now - timedelta(hours=n), author="Leserin")])  # fmt: skip
        feed = feed_server.route(f"/zaeh/{n}/kommentare/", respond(comments.encode(), delay=0.4))
        items.append(Item(f"zaeh-{n}", f"Beitrag {n}", f"{feed_server.base_url}/zaeh/{n}/",
                          now - timedelta(days=n), comments_feed=feed, comment_count=1))  # fmt: skip
    write_participant(site, "zaeh", "Zäher Blog", feed_server.route("/zaeh/feed/", respond(rss(items).encode())))
    with open(site / "pelicanconf.py", "a", encoding="utf-8") as conf:
        conf.write("\nBLOGPARADE_TIMEOUT = 1\n")
    first = ok(invoke(site, "fetch")).output
    read = sum(feed_server.hits(f"/zaeh/{n}/kommentare/") for n in range(1, 6))
    assert 1 <= read < 5, first
    assert f"{5 - read} left for the next run; {read} new comments." in first, first
    assert f"  Zäher Blog comments: {5 - read} comment feed" in first, first
    for _ in range(4):  # each run reads at least one more, none twice
        if "left for the next run" not in first:
            break
        first = ok(invoke(site, "fetch")).output
        assert " 0 new comments." not in first, first
    assert "left for the next run" not in first, first
    assert [feed_server.hits(f"/zaeh/{n}/kommentare/") for n in range(1, 6)] == [1] * 5


def test_a_retired_feed_that_comes_back_unchanged_is_read_again(feed_server, site):
    # Back with the body it had (304, or the same bytes), it stayed retired: `status` said "gone
    # (410); not fetched any more" beside "no failures", and plain runs did not ask it.
    body = posts(feed_server, "weg", 1, 1)
    url = feed_server.route("/weg/feed/", respond(body, etag='"eins"'))
    write_participant(site, "weg", "Weg", url)
    ok(invoke(site, "fetch"))
    feed_server.route("/weg/feed/", status(410))
    invoke(site, "fetch")
    feed_server.route("/weg/feed/", respond(body, etag='"eins"'))  # back, unchanged
    back = ok(invoke(site, "fetch", "--all"))
    assert "1 unchanged" in back.output and "retired" not in back.output, back.output
    [blog] = json.loads(ok(invoke(site, "status", "--json")).output)["blogs"]
    assert (blog["health"], blog["gone"]) == ("ok", False), blog
    asked = feed_server.hits("/weg/feed/")
    assert "retired" not in ok(invoke(site, "fetch")).output and feed_server.hits("/weg/feed/") == asked + 1


def test_a_feed_sent_on_to_a_login_page_says_where(feed_server: FeedServer, tmp_path: Path) -> None:
    # An intranet's single sign-on answers an expired service login with its login page:
    # "not-a-feed: an HTML page, not a feed" said nothing of where the feed had been sent.
    login = feed_server.route("/sso/login", respond(b"<!doctype html><html><body><form>Anmelden</form></body></html>",
                                                    content_type="text/html"))  # fmt: skip
    feed_server.route("/wiki/feed", redirect(login))
    site = new_site(tmp_path / "site")
    write_participant(site, "wiki", "Wiki", feed_server.url("/wiki/feed"))
    result = invoke(site, "run")
    assert f"an HTML page, not a feed, where it was sent on to {login} (a login page?)" in result.output, result.output
