"""The fetch stage's parade step over real HTTP on 127.0.0.1 and a real store: channels read like
feeds, pages looked at politely and remembered, nothing accepted lost."""

from __future__ import annotations

import asyncio
import json
import sqlite3
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

import pytest

from aggregator.feeds.fetch import FetchSettings
from aggregator.models import NamedCandidate, Participant
from aggregator.parades.collect import Context, SubmitRefused, choose_parade, follow_parades
from aggregator.parades.files import Parade
from aggregator.parades.membership import stored_candidates, stored_pages
from aggregator.parades.report import channel_errors
from aggregator.parades.shortlinks import on_call_site
from aggregator.parades.verify import verify
from aggregator.store import Store
from aggregator.urls import page_key
from tests.feedmaker import Item, rss
from tests.servers import HTML_TYPE, LOOPBACK_POLICY, FeedServer, redirect, respond, route_documents, status
from tests.wordpress import Blog, Post, pingback

NOW = datetime(2026, 10, 20, 12, tzinfo=UTC)
TODAY = date(2026, 10, 20)
SETTINGS = FetchSettings(user_agent="blogparade-test", policy=LOOPBACK_POLICY)


def page(title: str, published: str, *links: str) -> bytes:
    anchors = "".join(f'<a href="{link}">Link</a>' for link in links)
    return (f'<html><head><meta property="og:site_name" content="Blog {title}">'
            f'<meta property="article:published_time" content="{published}"></head>'
            f"<body><article><h1>{title}</h1><p>Text {anchors}</p></article></body></html>").encode()  # fmt: skip


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "store.sqlite") as store:
        yield store


def parade(server, **changes) -> Parade:
    values = dict(slug="doku", title="Doku", call_url=server.url("/host/aufruf/"), start=date(2026, 10, 1),
                  end=date(2026, 10, 31), timezone="Europe/Berlin")  # fmt: skip
    return Parade(**{**values, **changes})


def run(store, parades, now=NOW, today=TODAY, participants=()):
    context = Context(parades, list(participants), today, 14)
    return asyncio.run(follow_parades(store, SETTINGS, context, now=now))


def feeds(run) -> list:
    """The reports of a parade's own feeds (not of its call's pages, read every run too)."""
    return [report for report in run.channels if report.channel != "call"]


def test_a_rejected_page_is_asked_again_once_a_day_while_the_parade_is_open(feed_server, store):
    call = feed_server.url("/host/aufruf/")
    feed_server.route("/anna/p/", respond(page("Anna", "2026-10-10T10:00:00Z"), content_type=HTML_TYPE))
    doku = parade(feed_server)
    store.add_candidates("doku", [NamedCandidate(feed_server.url("/anna/p/"), "submit")], NOW)
    first = run(store, [doku])
    assert (first.looked_at, first.accepted) == (1, 0)
    assert run(store, [doku], NOW + timedelta(hours=20)).looked_at == 0  # not within a day
    feed_server.route("/anna/p/", respond(page("Anna", "2026-10-10T10:00:00Z", call), content_type=HTML_TYPE))
    later = run(store, [doku], NOW + timedelta(days=1))
    assert (later.looked_at, later.accepted) == (1, 1)
    assert run(store, [doku], NOW + timedelta(days=3)).looked_at == 0  # accepted: never asked again
    assert feed_server.hits("/anna/p/") == 2
    [blog] = store.external_blogs()
    assert blog.name == "Blog Anna" and blog.slug.startswith("ext_")
    [post] = store.posts(blog.slug)
    assert post.title == "Anna" and post.published == datetime(2026, 10, 10, 10, tzinfo=UTC)


def test_a_page_dated_in_year_one_is_looked_at_and_stored_like_any_other(feed_server, store):
    call = feed_server.url("/host/aufruf/")
    feed_server.route("/anna/p/", respond(page("Anna", "0001-01-01T00:00:00+05:00", call), content_type=HTML_TYPE))
    store.add_candidates("doku", [NamedCandidate(feed_server.url("/anna/p/"), "pingback")], NOW)
    assert run(store, [parade(feed_server)]).accepted == 1  # no OverflowError, every night again
    [looked] = store.candidate_pages().values()
    assert looked.reading.published is None and looked.post_id
    [post] = store.posts(store.external_blogs()[0].slug)
    assert post.published == NOW  # when it was first seen


def test_a_page_cannot_borrow_another_blogs_feed_entry(feed_server, store):
    # Anna's blog (as localhost) has a real contribution; a page on another site (127.0.0.1) names
    # it as its canonical and Anna's feed as its own, and links nowhere near the call.
    call = feed_server.url("/host/aufruf/")
    anna = feed_server.url("/anna/beitrag/").replace("127.0.0.1", "localhost")
    feed = rss([Item("a1", "Annas Beitrag", anna, datetime(2026, 10, 10, tzinfo=UTC), f'<p><a href="{call}">Aufruf</a></p>')],
               title="Anna", link=anna.removesuffix("beitrag/"))  # fmt: skip
    feed_server.route("/anna/feed/", respond(feed.encode(), content_type="application/rss+xml"))
    spam = (f'<html><head><link rel="canonical" href="{anna}"><link rel="alternate" type="application/rss+xml" '
            f'title="Feed" href="{anna.removesuffix("beitrag/")}feed/"><meta property="article:published_time" '
            'content="2026-10-12T10:00:00Z"></head><body><article><h1>Casino</h1>'
            '<p><a href="https://casino.example/">Jetzt spielen</a></p></article></body></html>').encode()  # fmt: skip
    feed_server.route("/casino/", respond(spam, content_type=HTML_TYPE))
    store.add_candidates("doku", [NamedCandidate(feed_server.url("/casino/"), "pingback")], NOW)
    assert run(store, [parade(feed_server)]).accepted == 0
    [looked] = store.candidate_pages().values()
    assert looked.entry is None and feed_server.hits("/anna/feed/") == 1  # asked, and not taken


def test_a_closed_parade_asks_rejected_pages_no_more(feed_server, store):
    feed_server.route("/anna/p/", respond(page("Anna", "2026-10-10T10:00:00Z"), content_type=HTML_TYPE))
    doku = parade(feed_server)
    store.add_candidates("doku", [NamedCandidate(feed_server.url("/anna/p/"), "submit")], NOW)
    run(store, [doku])
    after_end = run(store, [doku], datetime(2026, 11, 5, tzinfo=UTC), date(2026, 11, 5))
    assert after_end.looked_at == 0


def test_a_page_that_failed_is_asked_again_and_one_accepted_stays_when_it_fails(feed_server, store):
    call = feed_server.url("/host/aufruf/")
    feed_server.route("/anna/p/", status(503))
    doku = parade(feed_server)
    store.add_candidates("doku", [NamedCandidate(feed_server.url("/anna/p/"), "pingback")], NOW)
    assert run(store, [doku]).accepted == 0
    [looked] = store.candidate_pages().values()
    assert (looked.problem, looked.error) == ("unfetchable", "http: 503 Service Unavailable")
    feed_server.route("/anna/p/", respond(page("Anna", "2026-10-12T10:00:00Z", call), content_type=HTML_TYPE))
    assert run(store, [doku], NOW + timedelta(days=1)).accepted == 1
    feed_server.route("/anna/p/", status(500))
    run(store, [doku], NOW + timedelta(days=5))
    [looked] = store.candidate_pages().values()
    assert looked.reading is not None and looked.post_id  # kept


def pinged_call(feed_server) -> tuple[Post, Blog]:
    """A host's WordPress blog whose call has a pingback from Anna's page."""
    call_post = Post(5, "aufruf", "Aufruf", datetime(2026, 9, 30, tzinfo=UTC), comments=[
        pingback(11, "Annas Beitrag", feed_server.url("/anna/p/"), "zur Parade", NOW - timedelta(days=3)),
    ])  # fmt: skip
    return call_post, Blog(feed_server.url("/host"), "Host", [call_post])


def test_the_comments_channel_reads_the_atom_twin_conditionally(feed_server, store):
    call_post, host = pinged_call(feed_server)
    atom = host.post_comments_atom(call_post)
    feed_server.route(host.post_comments_atom_url(call_post).removeprefix(feed_server.base_url),
                      respond(atom, content_type="application/atom+xml", etag='"c1"'))  # fmt: skip
    feed_server.route("/anna/p/", respond(page("Anna", "2026-10-12T10:00:00Z", host.permalink(call_post)),
                                          content_type=HTML_TYPE))  # fmt: skip
    doku = parade(feed_server, call_url=host.permalink(call_post), comments=host.post_comments_rss_url(call_post))
    first = run(store, [doku])
    [report] = feeds(first)
    assert (report.channel, report.outcome, report.named) == ("comments", "updated", 1)
    assert report.url == host.post_comments_atom_url(call_post)  # the twin: it names the linking page
    assert first.accepted == 1
    [again] = feeds(run(store, [doku], NOW + timedelta(hours=1)))
    assert again.outcome == "unchanged"
    atom_path = host.post_comments_atom_url(call_post).removeprefix(feed_server.base_url)
    [*_, asked] = [seen for seen in feed_server.requests if seen.target == atom_path]
    assert asked.headers.get("if-none-match") == '"c1"'


def test_an_atom_twin_gone_for_good_leaves_the_configured_comment_feed_read(feed_server, store):
    call_post, host = pinged_call(feed_server)
    rss = host.post_comments_rss_url(call_post)
    route_documents(feed_server, host.documents(), kinds=["post-comments.rss"])
    feed_server.route(host.post_comments_atom_url(call_post).removeprefix(feed_server.base_url), status(410))
    now = datetime.now(UTC)  # the store dates its feeds' attempts by the clock
    doku = parade(feed_server, call_url=host.permalink(call_post), comments=rss, start=now.date(),
                  end=now.date() + timedelta(days=30))  # fmt: skip
    for days in (0, 8, 20):  # the twin is probed again after a week: gone, it is passed over
        [report] = feeds(run(store, [doku], now + timedelta(days=days), now.date()))
        assert (report.url, report.outcome, report.error) == (rss, "unchanged" if days else "updated", None)
    assert feed_server.hits(rss.removeprefix(feed_server.base_url)) == 3


def test_a_broken_mention_feed_is_reported_and_takes_nothing_away(feed_server, store):
    call = feed_server.url("/host/aufruf/")
    feed_server.route("/anna/p/", respond(page("Anna", "2026-10-12T10:00:00Z", call), content_type=HTML_TYPE))
    mentions = {"children": [{"url": feed_server.url("/anna/p/"), "wm-property": "mention-of"}]}
    feed_server.route("/jf2", respond(json.dumps(mentions).encode(), content_type="application/json"))
    doku = parade(feed_server, mentions=feed_server.url("/jf2"))
    assert run(store, [doku]).accepted == 1
    feed_server.route("/jf2", status(500))
    broken = run(store, [doku], NOW + timedelta(days=1))
    [report] = [report for report in broken.errors if report.channel == "mentions"]
    assert str(report.error) == "http: 500 Internal Server Error"
    assert store.feed_state(feed_server.url("/jf2")).last_error is not None
    assert len(store.candidates("doku")) == 1 and store.candidate_pages()[store.candidates("doku")[0].key].post_id


ODD_MENTIONS = (b'{"url": "https://spam.example/a\\udcff", "wm-property": "mention-of"}',
                b'{"url": "https://spam.example/b", "published": "0001-01-01T00:00:00+05:00"}')


def mention_feed(*urls: str, odd: tuple[bytes, ...] = ODD_MENTIONS) -> bytes:
    good = [json.dumps({"url": url, "wm-property": "mention-of"}).encode() for url in urls]
    return b'{"children": [' + b", ".join([*odd, *good]) + b"]}"


def test_odd_mentions_are_passed_over_and_the_others_stored(feed_server, store):
    anna, bernd = feed_server.url("/anna/p/"), feed_server.url("/bernd/p/")
    feed_server.route("/jf2", respond(mention_feed(anna), content_type="application/json"))
    doku = parade(feed_server, mentions=feed_server.url("/jf2"))
    [report] = feeds(run(store, [doku]))
    assert (report.outcome, report.named) == ("updated", 2)
    feed_server.route("/jf2", respond(mention_feed(anna, bernd), content_type="application/json"))
    assert run(store, [doku], NOW + timedelta(hours=1)).new_candidates == 1
    assert sorted(c.url for c in store.candidates("doku")) == sorted([anna, bernd, "https://spam.example/b"])
    [dated] = [c for c in store.candidates("doku") if c.url == "https://spam.example/b"]
    assert dated.date is None  # year 1 is no date


class FailingOnce(Store):
    """A store whose first storing of candidates fails, as a full disk would make it."""

    failed = False

    def add_candidates(self, parade, named, now=None):
        if named and not self.failed:
            self.failed = True
            raise sqlite3.OperationalError("database or disk is full")
        return super().add_candidates(parade, named, now)


def test_a_mention_feed_counts_as_read_only_once_its_candidates_are_stored(feed_server, tmp_path):
    anna = feed_server.url("/anna/p/")
    feed_server.route("/jf2", respond(mention_feed(anna, odd=()), content_type="application/json"))
    doku = parade(feed_server, mentions=feed_server.url("/jf2"))
    with FailingOnce(tmp_path / "store.sqlite") as store:
        with pytest.raises(sqlite3.OperationalError):
            run(store, [doku])
        [report] = feeds(run(store, [doku], NOW + timedelta(hours=1)))
        assert report.outcome == "updated"  # not "unchanged": the same answer is read again
        assert [c.url for c in store.candidates("doku")] == [anna]


def test_a_page_on_a_joined_blogs_site_becomes_that_blogs_post(feed_server, store):
    call = feed_server.url("/host/aufruf/")
    feed_server.route("/team/alt/", respond(page("Team", "2026-10-12T10:00:00Z", call), content_type=HTML_TYPE))
    team = Participant("team", "Team", feed_server.url("/team/feed/"), feed_server.url("/team/"))
    store.add_candidates("doku", [NamedCandidate(feed_server.url("/team/alt/"), "pingback")], NOW)
    assert run(store, [parade(feed_server)], participants=[team]).accepted == 1
    assert [post.title for post in store.posts("team")] == ["Team"]
    assert store.external_blogs() == []


def test_a_link_that_redirects_to_the_call_is_a_link_to_it(feed_server, store):
    """A call whose slug changed (WordPress redirects the old one), and a shortener's address:
    readers reach the call through both, so the host counts both pages."""
    call = feed_server.url("/host/aufruf/")
    feed_server.route("/host/alter-aufruf/", redirect(call, 301))
    feed_server.route("/", respond(page("Host", "2026-10-01T10:00:00Z"), content_type=HTML_TYPE))
    with FeedServer(host="127.0.0.2") as shortener:
        shortener.route("/3xY7abc", redirect(call, 301))
        shortener.route("/9zzz", redirect(feed_server.url("/anderswo/"), 301))
        pages = {
            "/anna/p/": page("Anna", "2026-10-10T10:00:00Z", feed_server.url("/host/alter-aufruf/")),
            "/bernd/p/": page("Bernd", "2026-10-11T10:00:00Z", shortener.url("/3xY7abc")),
            "/carla/p/": page("Carla", "2026-10-12T10:00:00Z", shortener.url("/9zzz"), feed_server.url("/")),
            "/dora/p/": page("Dora", "2026-10-13T10:00:00Z", call, shortener.url("/3xY7abc")),
        }  # fmt: skip
        for path, body in pages.items():
            feed_server.route(path, respond(body, content_type=HTML_TYPE))
        store.add_candidates("doku", [NamedCandidate(feed_server.url(path), "pingback") for path in pages], NOW)
        assert run(store, [parade(feed_server)]).accepted == 3
        assert shortener.hits("/3xY7abc") == 1  # Dora links the call as it is: nothing followed
    assert sorted(post.title for blog in store.external_blogs() for post in store.posts(blog.slug)) == [
        "Anna", "Bernd", "Dora"]  # fmt: skip
    assert feed_server.hits("/") == 0  # the host's front page leads nowhere else


@pytest.mark.parametrize("code, said", [(410, "gone: 410 Gone"), (401, "http: 401 Unauthorized")])
def test_a_page_that_answers_an_error_is_rejected_in_a_pages_words(feed_server, store, code, said):
    feed_server.route("/anna/weg/", status(code))
    store.add_candidates("doku", [NamedCandidate(feed_server.url("/anna/weg/"), "pingback")], NOW)
    doku = parade(feed_server)
    run(store, [doku])
    [candidate] = stored_candidates(store, "doku")
    verdict = verify(candidate, stored_pages(store)[candidate.key], doku)
    assert str(verdict) == f"can't be fetched: {said}"  # not "the feed was removed for good"


def test_late_contributions_are_taken_after_the_end(feed_server, store):
    call = feed_server.url("/host/aufruf/")
    feed_server.route("/anna/p/", respond(page("Anna", "2026-11-03T10:00:00Z", call), content_type=HTML_TYPE))
    store.add_candidates("doku", [NamedCandidate(feed_server.url("/anna/p/"), "submit")], NOW)
    nov = datetime(2026, 11, 5, tzinfo=UTC)
    assert run(store, [parade(feed_server)], nov, date(2026, 11, 5)).accepted == 0
    late = replace(parade(feed_server), late=True)
    taken = run(store, [late], nov + timedelta(hours=2), date(2026, 11, 5))
    assert (taken.accepted, taken.looked_at) == (1, 0)  # what the page said decides: not asked again
    assert feed_server.hits("/anna/p/") == 1


def test_a_mention_feed_that_asks_for_patience_waits_like_any_feed(feed_server, store):
    feed_server.route("/jf2", respond(b"busy", 503, {"Retry-After": "7200"}, content_type="text/plain"))
    doku = parade(feed_server, mentions=feed_server.url("/jf2"))
    [first] = feeds(run(store, [doku]))
    assert first.outcome == "error"
    [waiting] = feeds(run(store, [doku], NOW + timedelta(hours=1)))
    assert waiting.outcome == "waiting" and str(waiting.error) == "http: 503 Service Unavailable"
    assert feed_server.hits("/jf2") == 1
    feed_server.route("/jf2", respond(b'{"children": []}', content_type="application/json"))
    [later] = feeds(run(store, [doku], NOW + timedelta(hours=3)))
    assert later.outcome == "updated" and feed_server.hits("/jf2") == 2


def test_fetch_all_asks_a_waiting_mention_feed_too(feed_server, store):
    from aggregator.feeds.decide import Politeness

    feed_server.route("/jf2", respond(b"busy", 503, {"Retry-After": "7200"}, content_type="text/plain"))
    doku = parade(feed_server, mentions=feed_server.url("/jf2"))
    run(store, [doku])
    context = Context([doku], [], TODAY, 14, Politeness(ask_all=True))
    asyncio.run(follow_parades(store, SETTINGS, context, now=NOW + timedelta(hours=1)))
    assert feed_server.hits("/jf2") == 2


def test_a_mention_date_without_a_zone_is_the_sites_local_time(feed_server, store):
    # The page gives no date of its own; webmention.io passed on its dt-published as written:
    # half past eleven on the last evening in Berlin, in the window, not half past midnight after it.
    call = feed_server.url("/host/aufruf/")
    undated = b'<html><body><article><h1>Anna</h1><p><a href="%s">Aufruf</a></p></article></body></html>'
    feed_server.route("/anna/p/", respond(undated % call.encode(), content_type=HTML_TYPE))
    mentions = {"children": [{"url": feed_server.url("/anna/p/"), "published": "2026-10-31T23:30:00",
                              "wm-property": "mention-of"}]}  # fmt: skip
    feed_server.route("/jf2", respond(json.dumps(mentions).encode(), content_type="application/json"))
    after = datetime(2026, 11, 1, 12, tzinfo=UTC)
    assert run(store, [parade(feed_server, mentions=feed_server.url("/jf2"))], after, after.date()).accepted == 1
    [post] = store.posts(store.external_blogs()[0].slug)
    assert post.published == datetime(2026, 10, 31, 22, 30, tzinfo=UTC)


def test_a_candidate_stored_under_an_older_page_key_meets_its_page(feed_server, store):
    # Until page_key kept `?p=` in a sub-folder, /blog/?p=7 was stored as the key of /blog/; its
    # page is stored under today's key: read by the old one, it was never found, asked every
    # night and never a contribution.
    call = feed_server.url("/host/aufruf/")
    feed_server.route("/blog/", respond(page("Blog", "2026-10-12T10:00:00Z", call), content_type=HTML_TYPE))
    store.add_candidates("doku", [NamedCandidate(feed_server.url("/blog/?p=7"), "mention")], NOW)
    with sqlite3.connect(store.path) as db:
        db.execute("UPDATE parade_candidates SET key = ?", (page_key(feed_server.url("/blog/")),))
    doku = parade(feed_server)
    assert run(store, [doku]).accepted == 1
    assert run(store, [doku], NOW + timedelta(days=1)).looked_at == 0  # accepted: not asked again
    [candidate] = stored_candidates(store, "doku")
    assert verify(candidate, stored_pages(store).get(candidate.key), doku).accepted


def test_a_calls_shortlink_is_read_with_its_page_and_kept(feed_server, store):
    # The call is on no joined blog: its page names its shortlink, read with its comment list
    # every run (one request, not one more a week for the shortlink).  A failed read leaves
    # nothing; a later read that names none keeps what was known.
    doku = parade(feed_server)
    feed_server.route("/host/aufruf/", status(503))
    run(store, [doku])
    assert store.call_shortlinks() == {}
    named = b'<html><head><link rel="shortlink" href="/host/?p=42"></head><body>Aufruf</body></html>'
    feed_server.route("/host/aufruf/", respond(named, content_type=HTML_TYPE))
    run(store, [doku], NOW + timedelta(days=2))
    assert store.call_shortlinks()[doku.call_url] == (feed_server.url("/host/?p=42"), NOW + timedelta(days=2))
    feed_server.route("/host/aufruf/", respond(b"<html><body>Aufruf</body></html>", content_type=HTML_TYPE))
    run(store, [doku], NOW + timedelta(days=3))
    assert feed_server.hits("/host/aufruf/") == 3
    assert store.call_shortlinks()[doku.call_url] == (feed_server.url("/host/?p=42"), NOW + timedelta(days=3))
    # WordPress's Link header names it too (a proxy may have dropped the head's).
    header = {"Link": '<http://127.0.0.1/ignored>; rel="next", </host/?p=43>; rel=shortlink'}
    feed_server.route("/host/aufruf/", respond(b"<html><body>Aufruf!</body></html>", 200, header, content_type=HTML_TYPE))
    run(store, [doku], NOW + timedelta(days=4))
    assert store.call_shortlinks()[doku.call_url][0] == feed_server.url("/host/?p=43")


@pytest.mark.parametrize("shortlink, taken", [
    ("https://www.host.example/?p=42", True), ("http://host.example/blog/?p=42", True),
    ("https://host.example/", False),  # the front page: every link home would count as the call
    ("https://wp.me/p1-g", False), ("https://other.example/?p=42", False), ("mailto:a@host.example", False),
])  # fmt: skip
def test_only_a_page_of_the_calls_own_site_stands_for_it(shortlink, taken):
    assert on_call_site(shortlink, "https://host.example/aufruf/") is taken


@pytest.mark.parametrize("theme", ["classic", "block"])
def test_every_pingback_on_the_calls_pages_is_a_candidate_not_only_the_feeds_newest_10(
    feed_server, store, theme
):
    # A night of 14 pingbacks from blogs that never joined: the call's comment feed lists the
    # newest 10 (WordPress's posts_per_rss), so 4 contributions were never heard of.  Its page
    # lists them all, over three comment pages (5 a page, the newest at the call's address).
    pings = [pingback(20 + n, f"Beitrag {n}", feed_server.url(f"/blog{n}/p/"), "zur Parade",
                      NOW - timedelta(days=2, hours=-n)) for n in range(14)]  # fmt: skip
    call_post = Post(5, "aufruf", "Aufruf", datetime(2026, 9, 30, tzinfo=UTC), comments=pings)
    host = Blog(feed_server.url("/host"), "Host", [call_post])
    route_documents(feed_server, host.documents(), kinds=["post-comments.rss", "post-comments.atom"])

    def serve_pages() -> None:
        for number in range(0, host.comment_pages(call_post, 5) + 1):
            body = host.post_page(call_post, theme=theme, per_page=5, page=number)
            path = host.post_page_url(call_post, number).removeprefix(feed_server.base_url)
            feed_server.route(path, respond(body, content_type=HTML_TYPE))

    serve_pages()
    call = host.permalink(call_post)
    for n in range(15):
        feed_server.route(f"/blog{n}/p/", respond(page(f"Blog {n}", "2026-10-15T10:00:00Z", call),
                                                  content_type=HTML_TYPE))  # fmt: skip
    doku = parade(feed_server, call_url=call, comments=host.post_comments_rss_url(call_post))
    first = run(store, [doku])
    assert first.accepted == 14
    assert sorted(report.url for report in first.channels if report.channel == "call") == sorted(
        host.post_page_url(call_post, n) for n in (0, 1, 2))  # the newest page is the call's address
    # Nothing new: the call's page is the same, and leads to no other page.
    again = run(store, [doku], NOW + timedelta(hours=1))
    assert [(r.url, r.outcome) for r in again.channels if r.channel == "call"] == [(call, "unchanged")]
    # One more: the newest page changed, the older ones are read as it links them.
    call_post.comments.append(pingback(40, "Beitrag 14", feed_server.url("/blog14/p/"), "zur Parade",
                                       NOW - timedelta(hours=1)))  # fmt: skip
    serve_pages()
    later = run(store, [doku], NOW + timedelta(hours=2))
    assert later.accepted == 1 and later.new_candidates == 1


def test_a_comment_page_that_failed_is_asked_again_though_the_calls_page_did_not_change(feed_server, store):
    # Nine pingbacks over three comment pages; the older page linked from the call's fails
    # once.  The call's page then stays the same for weeks: the failed page (and the oldest,
    # which only it links) must still be read, or their pings are lost for good.
    pings = [pingback(20 + n, f"Beitrag {n}", feed_server.url(f"/blog{n}/p/"), "zur Parade",
                      NOW - timedelta(days=2, hours=-n)) for n in range(9)]  # fmt: skip
    call_post = Post(5, "aufruf", "Aufruf", datetime(2026, 9, 30, tzinfo=UTC), comments=pings)
    host = Blog(feed_server.url("/host"), "Host", [call_post])
    call = host.permalink(call_post)
    for number in range(0, 4):
        body = host.post_page(call_post, per_page=3, page=number)
        path = host.post_page_url(call_post, number).removeprefix(feed_server.base_url)
        feed_server.route(path, respond(body, content_type=HTML_TYPE, etag=f'"{number}"'))
    for n in range(9):
        feed_server.route(f"/blog{n}/p/", respond(page(f"Blog {n}", "2026-10-15T10:00:00Z", call),
                                                  content_type=HTML_TYPE))  # fmt: skip
    older = host.post_page_url(call_post, 2).removeprefix(feed_server.base_url)
    working = feed_server.routes[older]
    feed_server.route(older, status(503))
    doku = parade(feed_server, call_url=call)
    first = run(store, [doku])
    assert first.accepted == 3 and [r.url for r in first.errors] == [feed_server.url(older)]
    # `status` and `parade status` name it while it fails, as they do the call's page; under
    # the parade that reads it (asks it again), not under another parade of the same call.
    echo = parade(feed_server, slug="doku-echo", call_url=call)
    [(owner, row)] = channel_errors([doku, echo], store.feed_states())
    assert owner == doku
    assert (row.name, row.url, row.health) == ("Call page", feed_server.url(older), "error: http: 503 Service Unavailable")
    feed_server.route(older, working)
    later = run(store, [doku], NOW + timedelta(hours=2))
    assert [(r.url, r.outcome) for r in later.channels][0] == (call, "unchanged")
    assert later.accepted == 6 and not later.errors and channel_errors([doku], store.feed_states()) == []
    # Read, it is asked no more than any page an unchanged page leads to.
    again = run(store, [doku], NOW + timedelta(hours=3))
    assert [(r.url, r.outcome) for r in again.channels] == [(call, "unchanged")]


def test_a_submission_without_parade_goes_to_the_one_taking_late_contributions(feed_server):
    # The window has ended, the parade takes late contributions until its roundup: a host
    # handing one in must not be told that no parade is open.
    late = parade(feed_server, slug="doku", late=True)  # October
    ended = parade(feed_server, slug="herbst", call_url=feed_server.url("/host/herbst/"), start=date(2026, 9, 1),
                   end=date(2026, 9, 30))  # fmt: skip
    november = date(2026, 11, 10)
    assert choose_parade([ended, late], None, november) == late
    with pytest.raises(SubmitRefused, match="no parade is open today, nor taking late contributions"):
        choose_parade([ended, replace(late, roundup_date=date(2026, 11, 5))], None, november)
    # On the roundup's day late posts still count (Parade.admits): so does a submission.
    on_the_day = replace(late, roundup_date=november)
    assert choose_parade([ended, on_the_day], None, november) == on_the_day
    upcoming = parade(feed_server, slug="winter", start=date(2026, 12, 1), end=date(2026, 12, 31))
    assert choose_parade([late, upcoming, ended], None, november) == late
    with pytest.raises(SubmitRefused, match=r"2 parades take contributions today \(doku, neu\)"):
        choose_parade([late, replace(upcoming, slug="neu", start=date(2026, 11, 1))], None, november)
