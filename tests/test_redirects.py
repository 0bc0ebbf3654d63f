"""Joined blogs' links that redirect to a parade's call (the call's old slug, a shortener): which
are followed, once, and a post whose link leads to the call is a contribution on the built site."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from aggregator.models import LinkTarget, StoredPost
from aggregator.parades.files import Parade
from aggregator.parades.redirects import joined_links_to_follow, with_link_targets
from aggregator.parades.select import contributions
from tests.acceptance_helpers import invoke, new_site, ok, parse_html, write_participant
from tests.feedmaker import Item, rss
from tests.servers import HTML_TYPE, redirect, respond

CALL = "https://host.example/2026/10/aufruf/"
NOW = datetime(2026, 10, 20, 12, tzinfo=UTC)
PARADE = Parade(slug="doku", title="Doku", call_url=CALL, start=date(2026, 10, 1), end=date(2026, 10, 31),
                timezone="Europe/Berlin")  # fmt: skip


def post(n: int, *links: str, published: datetime = NOW - timedelta(days=3), url: str = "") -> StoredPost:
    return StoredPost(id=f"p{n}", participant="team", guid=f"g{n}", url=url or f"https://team.example/{n}/",
                      title=f"Beitrag {n}", author="Team", published=published, updated=None,
                      excerpt="", content_html="", categories=(), language="de", links=links,
                      first_seen=published, comment_feed=None, comment_count=None)  # fmt: skip


def test_the_links_that_may_lead_to_the_call_are_followed_once():
    posts = [
        post(1, "https://host.example/2026/10/alter-aufruf/", "https://www.youtube.com/watch?v=x1",
             "https://github.com/team", "https://bit.ly/3xY7abc", "https://t1p.de/doku"),
        post(2, CALL, "https://bit.ly/schon-drin"),  # belongs as written: nothing to follow
        post(3, "https://bit.ly/zu-frueh", published=datetime(2026, 9, 1, tzinfo=UTC)),  # before the window
        post(4, "https://host.example/"),  # the call's front page leads nowhere in particular
        post(5, "https://host.example/2026/10/tipps/"),  # the host's other post: no old slug
    ]  # fmt: skip
    posts.append(post(6, published=NOW - timedelta(days=2), url="https://host.example/2026/10/tipps/"))
    assert joined_links_to_follow([PARADE], posts, {}, {}, NOW) == [
        "https://host.example/2026/10/alter-aufruf/", "https://bit.ly/3xY7abc", "https://t1p.de/doku"]
    known = {
        "https://host.example/2026/10/alter-aufruf/": LinkTarget("…", NOW - timedelta(days=9), target=CALL),
        "https://bit.ly/3xY7abc": LinkTarget("…", NOW - timedelta(hours=2), error="timeout"),
        "https://t1p.de/doku": LinkTarget("…", NOW - timedelta(days=2), error="timeout"),
    }  # fmt: skip
    # The post belongs now (its old slug led to the call): none of its links is asked again.
    assert joined_links_to_follow([PARADE], posts, {}, known, NOW) == []
    del known["https://host.example/2026/10/alter-aufruf/"]
    assert joined_links_to_follow([PARADE], posts, {}, known, NOW) == [
        "https://host.example/2026/10/alter-aufruf/", "https://t1p.de/doku"]  # a failure: a day later


def test_where_a_link_led_makes_its_post_a_contribution():
    old_slug = post(1, "https://host.example/2026/10/alter-aufruf/")
    elsewhere = post(2, "https://bit.ly/anderswo")
    known = {
        "https://host.example/2026/10/alter-aufruf/": LinkTarget("…", NOW, target=CALL + "#respond"),
        "https://bit.ly/anderswo": LinkTarget("…", NOW, target="https://example.org/"),
    }  # fmt: skip
    assert contributions(PARADE, [old_slug, elsewhere]) == []
    links = with_link_targets({}, [old_slug, elsewhere], known)
    assert contributions(PARADE, [old_slug, elsewhere], page_links=links) == [old_slug]


@pytest.mark.slow
def test_a_joined_post_linking_the_calls_old_slug_is_on_the_parades_page(tmp_path, feed_server):
    # The host renamed the call's slug after early contributions linked it; WordPress redirects
    # the old one.  A blog that never joined was counted (its page's links were followed); a
    # joined blog's post was not.
    base = feed_server.base_url
    call = f"{base}/host/aufruf/"
    feed_server.route("/host/alter-aufruf/", redirect(call, 301))
    feed_server.route("/host/aufruf/", respond(b"<html><body><h1>Aufruf</h1></body></html>", content_type=HTML_TYPE))
    when = datetime(2026, 10, 12, 9, tzinfo=UTC)
    items = [Item("team-1", "Doku beim Team", f"{base}/team/1/", when,
                  f'<p>Unser Beitrag zur <a href="{base}/host/alter-aufruf/">Blogparade</a>.</p>' * 3)]
    feed = feed_server.route("/team/feed/", respond(rss(items, title="Team", link=f"{base}/team/").encode()))
    site = new_site(tmp_path / "site", "BLOGPARADE_TODAY = '2026-10-20'\n")
    write_participant(site, "team", "Team", feed, f"{base}/team/")
    (site / "content" / "parades" / "doku.md").write_text(
        f"Title: Doku\nCall: {call}\nStart: 2026-10-01\nEnd: 2026-10-31\n\nSchreibt!\n", encoding="utf-8")
    ok(invoke(site, "run"))
    page = parse_html(site / "output" / "parades" / "doku" / "index.html")
    assert [" ".join(h.text_content().split()) for h in page.xpath("//section[@id='contributions']//h3")] == [
        "Doku beim Team"]
    ok(invoke(site, "run"))
    assert feed_server.hits("/host/alter-aufruf/") == 1  # followed once, remembered
