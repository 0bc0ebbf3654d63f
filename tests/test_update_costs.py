"""What an update costs: no request that cannot bring anything, no parse of an unchanged body.

WordPress blogs as tests/wordpress.py renders them, on loopback: every request the server gets
is counted, and every body the update parses (aggregator.feeds.parse.parse_feed, which the jobs
look up when they run).
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import pytest

from aggregator.feeds import parse as parse_module
from aggregator.feeds.decide import Politeness
from aggregator.feeds.fetch import FetchSettings
from aggregator.feeds.update import FeedOptions, Outcome, update
from aggregator.models import ErrorKind, Participant
from aggregator.store import Store
from tests import wordpress
from tests.servers import LOOPBACK_POLICY, respond, route_documents

SETTINGS = FetchSettings(user_agent="blogparade-tests", policy=LOOPBACK_POLICY, timeout=5, connect_timeout=2)
QUICK_TIMEOUT = replace(SETTINGS, timeout=0.5)  # for servers that stop answering
NOW = datetime.now(UTC).replace(microsecond=0)


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "store.sqlite") as store:
        yield store


@pytest.fixture
def parsed(monkeypatch):
    """The URLs of the bodies parsed, in order."""
    urls: list[str] = []
    real = parse_module.parse_feed

    def counting(body, headers, url, **options):  # noqa: ANN001, ANN202
        urls.append(url)
        return real(body, headers, url, **options)

    monkeypatch.setattr(parse_module, "parse_feed", counting)
    return urls


def serve_blog(server, slug: str, comments: int) -> Participant:
    """A WordPress blog of 3 recent posts with `comments` comments each, all its feeds served
    with ETags (the 304s a real WordPress sends)."""
    return serve_wordpress(server, slug, comments)[0]


def serve_wordpress(
    server, slug: str, comments: int, per_post_delay: float = 0.0, posts: int = 3
) -> tuple[Participant, wordpress.Blog]:
    """serve_blog (of `posts` posts), and the blog as tests/wordpress.py models it; the posts'
    own comment feeds answer after `per_post_delay` seconds."""
    home = server.url(f"/{slug}").rstrip("/")
    written = []
    for n in range(posts):
        post = wordpress.Post(n + 1, f"beitrag-{n}", f"Beitrag {n}", NOW - timedelta(days=n + 1))
        for c in range(comments):
            post.comments.append(wordpress.Comment(100 * n + c, f"Leser {c}", f"Kommentar {c}",
                                                   NOW - timedelta(days=n, hours=c)))  # fmt: skip
        written.append(post)
    blog = wordpress.Blog(home, f"Blog {slug}", written)
    per_post = {urlsplit(blog.post_comments_atom_url(post)).path for post in written}
    for documents in blog.documents().values():
        for path, (body, kind) in documents.items():
            delay = per_post_delay if path in per_post else 0.0
            server.route(path, respond(body, content_type=kind, etag=f'"{hash(body)}"', delay=delay))
    return Participant(slug, f"Blog {slug}", blog.posts_rss_url(), home + "/"), blog


def run(store, participants):
    return asyncio.run(update(store, participants, SETTINGS))


def asked(server) -> list[str]:
    return [request.path for request in server.requests]


def test_no_comment_feed_is_asked_while_every_post_says_it_has_none(feed_server, store, parsed):
    blog = serve_blog(feed_server, "ohne", comments=0)
    first = run(store, [blog])
    assert first.new_posts == 3 and first.comment_feeds == []
    again = run(store, [blog])
    assert [r.outcome for r in again.reports] == [Outcome.UNCHANGED]
    assert asked(feed_server) == ["/ohne/feed/", "/ohne/feed/"]  # no site-wide, no per-post feed
    assert parsed == [blog.feed]  # the 304 parsed nothing


def test_with_comments_an_unchanged_run_asks_the_site_wide_feed_only_and_parses_nothing(
    feed_server, store, parsed
):
    blog = serve_blog(feed_server, "mit", comments=2)
    first = run(store, [blog])
    assert first.new("comments") == 6
    parsed_first, asked_first = len(parsed), len(feed_server.requests)
    again = run(store, [blog])
    assert {r.outcome for r in again.reports} == {Outcome.UNCHANGED}
    # The post feed and the site-wide comment feed, both conditional; per-post feeds whose
    # count is known and unchanged are not asked.
    assert asked(feed_server)[asked_first:] == ["/mit/feed/", "/mit/comments/feed/atom/"]
    assert all("if-none-match" in r.headers for r in feed_server.requests[asked_first:])
    assert len(parsed) == parsed_first


def test_a_body_identical_to_the_last_one_is_not_parsed(feed_server, store, parsed):
    body = wordpress.Blog(feed_server.url("/gleich").rstrip("/"), "Gleich", [
        wordpress.Post(1, "eins", "Eins", NOW - timedelta(days=1))]).posts_rss()  # fmt: skip
    url = feed_server.route("/gleich/feed/", respond(body, etag=None))  # no validators at all
    blog = Participant("gleich", "Gleich", url, url)
    run(store, [blog])
    assert [r.outcome for r in run(store, [blog]).reports] == [Outcome.UNCHANGED]
    assert parsed == [url]


def test_a_blogs_own_comment_feeds_are_read_one_after_another_over_one_connection(
    feed_server, store
):
    # 8 comments a post: the site-wide feed (10) covers the newest post and part of the next
    blog, wp = serve_wordpress(feed_server, "viele", 8, per_post_delay=0.2)
    first = run(store, [blog])
    assert first.new("comments") == 24
    per_post = {urlsplit(wp.post_comments_atom_url(post)).path for post in wp.posts}
    read = [r for r in feed_server.requests if r.path in per_post]
    assert len(read) == 2  # the posts the site-wide feed did not cover
    # One after another, on the connection the post feed and the site-wide feed used: kept
    # alive, not a new one each (read at the same time, each answer taking 0.2 s, they would
    # have needed two).
    assert {r.client for r in feed_server.requests} == {read[0].client}


def test_a_blog_whose_comment_feeds_answer_slowly_holds_the_run_no_longer_than_a_timeout(
    feed_server, store
):
    """Each post's own feed answers in 0.3 s, inside the timeout (0.5 s): read one after
    another, the blog's may take one timeout a run; those left are read by the next runs, and
    none is asked twice."""
    blog, wp = serve_wordpress(feed_server, "zaeh", 8, per_post_delay=0.3, posts=6)
    per_post = {urlsplit(wp.post_comments_atom_url(post)).path for post in wp.posts}

    def read_per_post() -> list[str]:
        return [r.path for r in feed_server.requests if r.path in per_post]

    first = asyncio.run(update(store, [blog], QUICK_TIMEOUT))
    read = len(read_per_post())
    # The site-wide feed brings the 10 newest (of 48): 5 posts miss comments.
    assert 1 <= read < 5 and len(first.deferred) == 5 - read
    deferred = {urlsplit(r.url).path + "atom/" for r in first.deferred}  # reported as announced (RSS)
    assert deferred.isdisjoint(read_per_post()) and len(deferred | set(read_per_post())) == 5
    for _ in range(4):
        if len(read_per_post()) == 5:
            break
        asyncio.run(update(store, [blog], QUICK_TIMEOUT))
    assert len(read_per_post()) == len(set(read_per_post())) == 5
    assert len(list(store.comments())) == 48


def test_a_waiting_guess_does_not_hold_back_the_sitewide_rss_feed(feed_server, store):
    """The site-wide Atom feed (a guess) answered 503 with Retry-After: 20 days, which a site
    with BLOGPARADE_MAX_WAIT_DAYS = 30 grants.  The next day the RSS feed beside it is read; a
    week later the guess is due to be tried again but still waits: the RSS feed is read again,
    not a post's own feed instead."""
    blog, wp = serve_wordpress(feed_server, "warte", 1)
    atom = urlsplit(wp.comments_atom_url()).path
    busy = respond(b"", 503, {"Retry-After": str(20 * 86400)}, content_type="text/plain")
    feed_server.route(atom, busy)
    patient = FeedOptions(Politeness.from_days(30))

    def day(n: int):
        return asyncio.run(update(store, [blog], SETTINGS, feeds=patient, now=NOW + timedelta(days=n)))

    day(0)
    assert day(1).new("comments") == 3
    asked_before = len(feed_server.requests)
    late = NOW + timedelta(days=8)
    wp.posts[0].comments.append(wordpress.Comment(999, "Spät", "Eine Woche später.", late))
    route_documents(feed_server, wp.documents(), etags=True)
    feed_server.route(atom, busy)  # still
    later = day(8)
    assert later.new("comments") == 1
    assert asked(feed_server)[asked_before:] == ["/warte/feed/", "/warte/comments/feed/"]


def test_comment_feeds_wait_for_the_next_run_where_their_server_cannot_be_reached(
    feed_server, store
):
    blog, wp = serve_wordpress(feed_server, "weg", 8)
    answers = dict(feed_server.routes)
    for path in answers:  # the server stops answering once the post feed is read
        if path.startswith("/weg/") and path != "/weg/feed/":
            feed_server.route(path, respond(b"", delay=30))
    first = asyncio.run(update(store, [blog], QUICK_TIMEOUT))
    assert first.new_posts == 3
    # The site-wide Atom feed timed out: neither its RSS twin nor a post's own feed was asked
    # (each would have waited for its own timeout).
    [failed] = first.of("probe")  # a guessed address: the site-wide feed
    assert failed.error.kind is ErrorKind.TIMEOUT and first.comment_feeds == []
    assert [r.path for r in feed_server.requests] == ["/weg/feed/", "/weg/comments/feed/atom/"]
    feed_server.routes.update(answers)  # back the next night
    again = asyncio.run(update(store, [blog], QUICK_TIMEOUT))
    assert again.new("comments") == 24
    per_post = {urlsplit(wp.post_comments_atom_url(post)).path for post in wp.posts}
    assert len([r for r in feed_server.requests if r.path in per_post]) == 2


def test_no_comment_feed_is_asked_of_a_server_the_post_feed_could_not_reach(feed_server, store):
    blog = serve_blog(feed_server, "still", 8)
    assert asyncio.run(update(store, [blog], QUICK_TIMEOUT)).new("comments") == 24
    asked_first = len(feed_server.requests)
    for path in list(feed_server.routes):  # the next night the whole server hangs
        if path.startswith("/still/"):
            feed_server.route(path, respond(b"", delay=30))
    again = asyncio.run(update(store, [blog], QUICK_TIMEOUT))
    [failed] = again.reports  # the post feed: its comment feeds were not asked after it
    assert failed.kind == "posts" and failed.error.kind is ErrorKind.TIMEOUT
    assert [r.path for r in feed_server.requests[asked_first:]] == ["/still/feed/"]


@pytest.mark.parametrize("status", [429, 503])
def test_no_comment_feed_is_asked_of_a_server_that_asked_to_slow_down(feed_server, store, status):
    """The post feed answers 429 or 503: its comment feeds, on the same server, are not asked
    after it in the same run (what the server asked us not to do); they are the next night."""
    blog = serve_blog(feed_server, "busy", 8)
    assert asyncio.run(update(store, [blog], SETTINGS)).new("comments") == 24
    answers = dict(feed_server.routes)
    asked_first = len(feed_server.requests)
    feed_server.route("/busy/feed/", respond(b"busy", status=status, headers={"Retry-After": "120"}))
    for path in list(feed_server.routes):  # new comments wait on the blog meanwhile
        if path != "/busy/feed/" and path.startswith("/busy/"):
            feed_server.route(path, respond(b"", status=500))
    again = asyncio.run(update(store, [blog], SETTINGS))
    [failed] = again.reports
    assert failed.kind == "posts" and failed.next_try is not None
    assert [r.path for r in feed_server.requests[asked_first:]] == ["/busy/feed/"]
    feed_server.routes.update(answers)
    later = asyncio.run(update(store, [blog], SETTINGS, now=datetime.now(UTC) + timedelta(minutes=5)))
    assert any(report.kind != "posts" and report.answered for report in later.reports), later.reports
