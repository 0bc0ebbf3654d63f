"""WordPress's REST API: many posts' comments in one request (aggregator/feeds/wpapi.py).

WordPress blogs on loopback (tests/wordpress.py), their feeds holding a post's newest 10
comments and naming the API in a Link header, as WordPress's do; `fetch` and `build` through the
command line; the pages read as HTML.
"""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from aggregator.feeds import wpapi
from aggregator.feeds import comments as plan
from aggregator.feeds.fetch import Fetcher, FetchSettings
from aggregator.feeds.parse import parse_feed
from aggregator.feeds.report import Outcome
from aggregator.feeds.update import CommentOptions, Updater, update
from aggregator.feeds.work import PostRef, parse_api_comments, parse_comments
from aggregator.models import ErrorKind, Participant, PostHead
from aggregator.site import Site
from aggregator.store import Store
from tests import wordpress
from tests.acceptance_helpers import invoke, new_site, ok, parse_html, post_pages, write_participant
from tests.test_comments import parent_article
from tests.servers import LOOPBACK_POLICY, FeedServer, respond, route_documents, stall

NOW = datetime.now(UTC).replace(microsecond=0)
JSON_TYPE = "application/json; charset=UTF-8"
QUICK = FetchSettings(user_agent="blogparade-tests", policy=LOOPBACK_POLICY, timeout=0.5, connect_timeout=2)


SHAPES = ((1, 25, 0), (2, 3, 0), (3, 12, 2))  # (post ID, comments, pingbacks)


def make_blog(home: str, shapes=SHAPES) -> wordpress.Blog:
    """Post 1: 25 comments, every third answering the one before (15 of them in no feed);
    post 2: 3 comments (all in its feed); post 3: 12 comments and 2 pingbacks, the pingbacks
    the oldest (the API lists no pingbacks: those 2 stay missing)."""
    posts = []
    number = 1000
    for post_id, comments, pings in shapes:
        post = wordpress.Post(post_id, f"beitrag-{post_id}", f"Faden {post_id}",
                              NOW - timedelta(days=post_id + 1))  # fmt: skip
        for n in range(pings):
            number += 1
            post.comments.append(wordpress.pingback(
                number, f"Ein Blog {n}", f"https://ping{n}.example/x/", "wie hier steht",
                NOW - timedelta(days=post_id, hours=1 - n)))  # fmt: skip
        for n in range(1, comments + 1):
            number += 1
            post.comments.append(wordpress.Comment(
                number, f"Leserin {n}", f"Kommentar {post_id}-{n} zum Faden.",
                NOW - timedelta(days=post_id, minutes=-n), parent=number - 1 if n % 3 == 0 else 0,
                author_url=f"https://leserin{n}.example/"))  # fmt: skip
        posts.append(post)
    return wordpress.Blog(home, "Gartenblog", posts)


def serve(server: FeedServer, slug: str, *, shapes=SHAPES, **how) -> wordpress.Blog:  # noqa: ANN003
    """make_blog at /`slug`, served as `serve_blog` says."""
    return serve_blog(server, make_blog(server.url(f"/{slug}"), shapes), **how)


def serve_blog(server: FeedServer, blog: wordpress.Blog, *, api: str = "on", link: str | None = None,
               atom: bool = True) -> wordpress.Blog:  # fmt: skip
    """The blog's feeds (its Atom feeds too unless not `atom`), each answered with WordPress's
    Link header (`link` instead where given); its API: "on", "off" (401, as a security plugin
    answers), "junk" (no list), "unpaged" (on, but without the header that says how many pages:
    a proxy dropped it)."""
    route_feeds(server, blog, link if link is not None else blog.api_link(), atom)

    async def comments(request) -> None:
        if api == "off":
            body = b'{"code":"rest_disabled","message":"REST API disabled.","data":{"status":401}}'
            await request.send(401, {"Content-Type": JSON_TYPE}, body)
            return
        if api == "junk":
            await request.send(200, {"Content-Type": JSON_TYPE}, b'{"comments": "none"}')
            return
        status, headers, body = blog.api_query(urlsplit(request.target).query)
        if api == "unpaged":
            del headers["X-WP-TotalPages"]
        await request.send(status, headers, body)

    server.route(api_path(blog), comments)
    return blog


def api_path(blog: wordpress.Blog) -> str:
    return urlsplit(blog.api_root()).path + "wp/v2/comments"


def participant_of(blog: wordpress.Blog) -> Participant:
    return Participant("wp", "Gartenblog", blog.posts_rss_url(), blog.home + "/")


def read(store: Store, blog: wordpress.Blog):
    return asyncio.run(update(store, [participant_of(blog)], QUICK))


def add_comments(server: FeedServer, blog: wordpress.Blog, numbers: range) -> None:
    """New comments on the blog's first post, and its feeds served again."""
    for n in numbers:
        blog.posts[0].comments.append(wordpress.Comment(
            5000 + n, f"Leserin {n}", f"Kommentar 1-{n} zum Faden.", NOW + timedelta(minutes=n)))  # fmt: skip
    route_feeds(server, blog, blog.api_link())


ATOM = ("posts.atom", "comments.atom", "post-comments.atom")


def route_feeds(server: FeedServer, blog: wordpress.Blog, link: str, atom: bool = True) -> None:
    """Every feed of the blog (without `atom`, its RSS feeds only: a blog that switched Atom
    off; the others are 404s), answered with `link` as its Link header."""
    documents = blog.documents()
    if not atom:
        for kind in ATOM:
            for path in documents.pop(kind):
                server.routes.pop(path, None)
    route_documents(server, documents, headers={"Link": link}, etags=True)


def site_of(tmp_path, slug: str, blog: wordpress.Blog):
    site = new_site(tmp_path / "site")
    write_participant(site, slug, "Gartenblog", blog.posts_rss_url(), home=blog.home + "/")
    return site


def api_requests(server: FeedServer) -> list[str]:
    return [seen.target for seen in server.requests if "/wp-json/" in seen.path]


def comment_bodies(page) -> list[str]:
    return [" ".join(b.text_content().split())
            for b in page.xpath("//section[@id='comments']//div[contains(@class, 'comment-body')]")]  # fmt: skip


def article_of(page, text: str):
    [body] = [b for b in page.xpath("//section[@id='comments']//div[contains(@class, 'comment-body')]")
              if text in " ".join(b.text_content().split())]  # fmt: skip
    return body.xpath("ancestor::article[1]")[0]


# -- end to end ------------------------------------------------------------------------------------


def feed_requests(server: FeedServer) -> list[str]:
    return [seen.path for seen in server.requests if "/wp-json/" not in seen.path]


def test_the_posts_the_sitewide_feed_missed_come_from_one_api_request(tmp_path, feed_server):
    blog = serve(feed_server, "wp")
    site = site_of(tmp_path, "wp", blog)
    fetched = ok(invoke(site, "fetch"))
    # 42 comments missing, more than the site-wide feed's 10: the API lists all three posts'
    # comments in one request first (post 1's 25, post 2's 3, post 3's 12), then the site-wide
    # feed is read.  Post 3 counts 14 (its 2 pingbacks, which the API does not list): its own
    # feed is read too; the others' are not.
    [asked] = api_requests(feed_server)
    assert parse_qs(urlsplit(asked).query)["post"] == ["1,2,3"], asked
    assert parse_qs(urlsplit(asked).query)["per_page"] == ["100"]
    assert sorted(feed_requests(feed_server)) == sorted([
        urlsplit(blog.posts_rss_url()).path, urlsplit(blog.comments_atom_url()).path,
        urlsplit(blog.post_comments_atom_url(blog.posts[2])).path,
    ])  # fmt: skip
    assert fetched.output.count(" 0 errors") == 2, fetched.output
    ok(invoke(site, "build"))
    pages = post_pages(site / "output")

    page = parse_html(pages["Faden 1"].path)
    bodies = comment_bodies(page)
    assert len(bodies) == 25 and len(set(bodies)) == 25, bodies
    assert not page.xpath("//p[@class='more-comments']")
    # Threads hold across the two sources: an old reply (API only) under its old parent, and
    # the newest comments (feed and API) once each.
    reply = article_of(page, "Kommentar 1-3 zum Faden.")
    assert parent_article(reply) is article_of(page, "Kommentar 1-2 zum Faden.")
    newest = article_of(page, "Kommentar 1-24 zum Faden.")
    assert parent_article(newest) is article_of(page, "Kommentar 1-23 zum Faden.")
    assert "Leserin 5" in article_of(page, "Kommentar 1-5 zum Faden.").text_content()

    # Post 3: all 12 comments; its 2 oldest pingbacks are in no feed and not in the API.
    page = parse_html(pages["Faden 3"].path)
    assert len(comment_bodies(page)) == 12
    [notice] = page.xpath("//p[@class='more-comments']")
    assert "12 von 14" in " ".join(notice.text_content().split())  # the blog counts its pingbacks
    assert len(parse_html(pages["Faden 2"].path).xpath("//section[@id='comments']//article")) == 3


@pytest.mark.parametrize("api", ["on", "unpaged"])
def test_hundreds_of_comments_come_page_by_page(tmp_path, feed_server, api):
    blog = serve(feed_server, "wp", shapes=((1, 250, 0),), api=api)
    site = site_of(tmp_path, "wp", blog)
    ok(invoke(site, "fetch"))
    pages = [parse_qs(urlsplit(a).query).get("page", ["1"])[0] for a in api_requests(feed_server)]
    assert pages == ["1", "2", "3"]  # 100, 100, 50: the last is not full
    ok(invoke(site, "build"))
    page = parse_html(post_pages(site / "output")["Faden 1"].path)
    bodies = comment_bodies(page)
    assert len(bodies) == len(set(bodies)) == 250
    assert not page.xpath("//p[@class='more-comments']")
    reply = article_of(page, "Kommentar 1-6 zum Faden.")  # on the last page, as is its parent
    assert parent_article(reply) is article_of(page, "Kommentar 1-5 zum Faden.")

    # 12 new comments, more than the site-wide feed shows: the API's first page brings them
    # (before that feed), and the count says none is missing: its other pages are not asked.
    add_comments(feed_server, blog, range(251, 263))
    before = len(api_requests(feed_server))
    ok(invoke(site, "fetch"))
    assert [parse_qs(urlsplit(a).query).get("page", ["1"])[0]
            for a in api_requests(feed_server)[before:]] == ["1"]  # fmt: skip
    ok(invoke(site, "build"))
    page = parse_html(post_pages(site / "output")["Faden 1"].path)
    assert len(comment_bodies(page)) == 262 and not page.xpath("//p[@class='more-comments']")
    # Three more: the site-wide feed brings all three, and the API is not asked.
    add_comments(feed_server, blog, range(263, 266))
    before = len(api_requests(feed_server))
    ok(invoke(site, "fetch"))
    assert api_requests(feed_server)[before:] == []


class CountingStore(Store):
    """A store that counts its reads of a blog's comment counts (a GROUP BY over its comments;
    not the one read of all at the run's start, feeds/run_start.py)."""

    counts_read = 0

    def comment_counts(self, participant: str | None = None) -> dict[str, int]:
        self.counts_read += participant is not None
        return super().comment_counts(participant)


def test_the_comment_counts_are_read_again_only_after_comments_were_stored(tmp_path, feed_server):
    """The list pages on while the counts say comments are missing: read before it, and after
    each page that stored new ones, never twice in a row (15 ms each on a blog of 2,000 posts
    of 25 comments)."""
    blog = serve(feed_server, "wp", shapes=((1, 250, 0),))
    with CountingStore(tmp_path / "store.sqlite") as store:
        read(store, blog)
        assert len(api_requests(feed_server)) == 3
        assert store.counts_read == 1 + 3  # before the list; after each of its pages
        add_comments(feed_server, blog, range(251, 263))  # the list's first page brings them
        store.counts_read = 0
        assert read(store, blog).new("comments") == 12
        assert len(api_requests(feed_server)) == 4
        assert store.counts_read == 1 + 1
        store.counts_read = 0
        assert read(store, blog).new("comments") == 0
        assert store.counts_read == 0  # nothing changed: the counts read at the run's start serve


def test_a_comment_approved_late_is_found_below_the_first_page(tmp_path, feed_server):
    """WordPress holds a first-time commenter's comment for moderation; approved days later, it
    keeps its date, below the 100 newer ones of the list's first page and the site-wide feed's
    10.  The count says one is missing: the list is read on until it comes."""
    blog = serve(feed_server, "wp", shapes=((1, 250, 0),))
    site = site_of(tmp_path, "wp", blog)
    ok(invoke(site, "fetch"))
    late = wordpress.Comment(9001, "Erstkommentatorin", "Endlich freigeschaltet.",
                             blog.posts[0].comments[120].published - timedelta(seconds=30))  # fmt: skip
    blog.posts[0].comments.append(late)
    route_feeds(feed_server, blog, blog.api_link())
    before = len(api_requests(feed_server))
    assert "1 new comment" in ok(invoke(site, "fetch")).output
    assert [parse_qs(urlsplit(a).query).get("page", ["1"])[0]
            for a in api_requests(feed_server)[before:]] == ["1", "2"]  # fmt: skip
    ok(invoke(site, "build"))
    page = parse_html(post_pages(site / "output")["Faden 1"].path)
    assert article_of(page, "Endlich freigeschaltet.") is not None


def test_the_list_of_several_posts_comments_comes_page_by_page(tmp_path, feed_server):
    blog = serve(feed_server, "wp", shapes=((1, 120, 0), (2, 90, 0), (3, 0, 0)))
    site = site_of(tmp_path, "wp", blog)
    ok(invoke(site, "fetch"))
    # The list asks for posts 1 and 2 (post 3 says it has none) and gets the 210 comments on
    # three pages, newest first across both posts; then the site-wide feed, which holds none
    # it did not bring.
    asked = [parse_qs(urlsplit(a).query) for a in api_requests(feed_server)]
    assert [(q["post"], q.get("page", ["1"])) for q in asked] == [(["1,2"], [p]) for p in "123"]
    assert feed_requests(feed_server) == [urlsplit(blog.posts_rss_url()).path,
                                          urlsplit(blog.comments_atom_url()).path]  # fmt: skip
    ok(invoke(site, "build"))
    pages = post_pages(site / "output")
    for title, count in (("Faden 1", 120), ("Faden 2", 90)):
        page = parse_html(pages[title].path)
        bodies = comment_bodies(page)
        assert len(bodies) == len(set(bodies)) == count, title
        assert not page.xpath("//p[@class='more-comments']")
    page = parse_html(pages["Faden 2"].path)  # a reply and its parent on the list's last page
    reply, parent = (article_of(page, f"Kommentar 2-{n} zum Faden.") for n in (3, 2))
    assert parent_article(reply) is parent


def test_a_full_last_page_ends_the_list_as_the_api_says(tmp_path, feed_server):
    """100 comments and 2 pingbacks: the list's one page is full and the post still counts 2
    more, but WordPress says there is one page, and refuses a second (400): not asked."""
    blog = serve(feed_server, "wp", shapes=((1, 100, 2),))
    site = site_of(tmp_path, "wp", blog)
    fetched = ok(invoke(site, "fetch"))
    [asked] = api_requests(feed_server)
    assert "page" not in parse_qs(urlsplit(asked).query)
    assert fetched.output.count(" 0 errors") == 2, fetched.output
    with Store(Site.load(site).store_path) as store:  # no failure: asked again the next night
        assert store.feed_state(wpapi.comments_url(blog.api_root())).last_error is None
    # Its own feed was read for the pingbacks; 12 more comments the next night: the list's
    # first page brings them, and the count, 12 up, says none is missing: its second page (112
    # make two) is not asked.
    assert urlsplit(blog.post_comments_atom_url(blog.posts[0])).path in feed_requests(feed_server)
    add_comments(feed_server, blog, range(101, 113))
    again = ok(invoke(site, "fetch"))
    pages = [parse_qs(urlsplit(a).query).get("page", ["1"])[0] for a in api_requests(feed_server)]
    assert pages == ["1", "1"]
    assert again.output.count(" 0 errors") == 2, again.output
    ok(invoke(site, "build"))
    page = parse_html(post_pages(site / "output")["Faden 1"].path)
    assert len(comment_bodies(page)) == 112


def test_a_first_read_lists_the_missing_comments_before_the_sitewide_feed(tmp_path, feed_server):
    """42 comments missing, the site-wide feed shows 10: the API lists them all first, and the
    feed, read after it for its validators, holds none the list did not bring: not parsed.
    The next night it answers 304."""
    blog = serve(feed_server, "wp")
    with Store(tmp_path / "store.sqlite") as store:
        summary = read(store, blog)
        paths = [seen.path for seen in feed_server.requests]
        assert paths.index(api_path(blog)) < paths.index(urlsplit(blog.comments_atom_url()).path)
        [sitewide] = [r for r in summary.reports if r.url == blog.comments_atom_url()]
        assert sitewide.outcome is Outcome.UPDATED and sitewide.held == 0 and sitewide.new == 0
        [listed] = [r for r in summary.reports if urlsplit(r.url).path == api_path(blog)]
        assert listed.held == listed.new == 25 + 3 + 12
        assert store.feed_state(blog.comments_atom_url()).conditional.etag
        # Post 3 still counts its 2 pingbacks: its own feed is read (their oldest are in none).
        assert summary.new("comments") == 40
        assert urlsplit(blog.post_comments_atom_url(blog.posts[2])).path in paths
        assert len({c.guid for c in store.comments()}) == 40

        again = read(store, blog)
        [sitewide] = [r for r in again.reports if r.url == blog.comments_atom_url()]
        assert sitewide.outcome is Outcome.UNCHANGED
        assert len(api_requests(feed_server)) == 1


class CountingExecutor(ThreadPoolExecutor):
    """The parsers, in a thread: the addresses whose bodies were sent to be parsed."""

    def __init__(self) -> None:
        super().__init__(1)
        self.parsed: list[str] = []

    def submit(self, fn, /, *args, **kwargs):  # noqa: ANN001, ANN201
        self.parsed.append(args[2])  # (body, headers, url)
        return super().submit(fn, *args, **kwargs)


def test_a_sitewide_feed_holding_only_listed_comments_never_goes_to_the_parsers(tmp_path, feed_server):
    """Decided here, at a glance, before the body's trip to a worker; a feed with a comment
    the list did not bring still goes, and is parsed there."""
    blog = serve(feed_server, "wp")
    participant = participant_of(blog)

    async def first_read(store: Store, parsers: CountingExecutor) -> None:
        async with Fetcher(QUICK) as fetcher:
            await Updater(store, fetcher, parsers).update_all([participant], CommentOptions())

    with Store(tmp_path / "store.sqlite") as store, CountingExecutor() as parsers:
        asyncio.run(first_read(store, parsers))
        assert blog.posts_rss_url() in parsers.parsed
        assert any(urlsplit(url).path == api_path(blog) for url in parsers.parsed)
        assert blog.comments_atom_url() not in parsers.parsed
        assert len(list(store.comments())) == 40
    add_comments(feed_server, blog, range(100, 101))  # not in the API's list the next time
    answer = feed_server.routes[api_path(blog)]

    async def listed_before_the_comment(request) -> None:
        if "5100" in blog.comments_atom().decode():  # the new one's ID: hide it from the list
            blog.posts[0].comments[-1].approved = False
            await answer(request)
            blog.posts[0].comments[-1].approved = True
        else:
            await answer(request)

    feed_server.route(api_path(blog), listed_before_the_comment)
    with Store(tmp_path / "other.sqlite") as store, CountingExecutor() as parsers:
        asyncio.run(first_read(store, parsers))
        assert blog.comments_atom_url() in parsers.parsed
        assert "Kommentar 1-100 zum Faden." in " ".join(c.content_html for c in store.comments())


def test_a_comment_written_after_the_list_comes_from_the_sitewide_feed(tmp_path, feed_server):
    """The site-wide feed is parsed where it holds a comment the list did not bring."""
    blog = serve(feed_server, "wp")
    answer = feed_server.routes[api_path(blog)]

    async def then_a_comment(request) -> None:
        await answer(request)
        add_comments(feed_server, blog, range(100, 101))  # written just after the list

    feed_server.route(api_path(blog), then_a_comment)
    site = site_of(tmp_path, "wp", blog)
    ok(invoke(site, "fetch"))
    ok(invoke(site, "build"))
    page = parse_html(post_pages(site / "output")["Faden 1"].path)
    bodies = comment_bodies(page)
    assert len(bodies) == len(set(bodies)) == 26 and "Kommentar 1-100 zum Faden." in bodies


def test_a_pingback_the_list_cannot_bring_comes_from_the_sitewide_feed(tmp_path, feed_server):
    """The API lists no pingbacks: a new one among the site-wide feed's 10 is read there, and
    the post's own feed is not needed."""
    blog = serve(feed_server, "wp", shapes=((1, 12, 0),))
    blog.posts[0].comments.append(wordpress.pingback(
        4000, "Ein Blog", "https://ping.example/x/", "wie hier steht", NOW + timedelta(hours=1)))  # fmt: skip
    route_feeds(feed_server, blog, blog.api_link())
    with Store(tmp_path / "store.sqlite") as store:
        summary = read(store, blog)
        assert len(api_requests(feed_server)) == 1
        [sitewide] = [r for r in summary.reports if r.url == blog.comments_atom_url()]
        assert sitewide.held == 10 and sitewide.new == 1
        assert [c.kind for c in store.comments()].count("pingback") == 1
        assert len(list(store.comments())) == 13
    assert urlsplit(blog.post_comments_atom_url(blog.posts[0])).path not in feed_requests(feed_server)


@pytest.mark.parametrize("atom", [True, False])
def test_replies_read_from_the_api_and_from_the_feeds_do_not_change(tmp_path, feed_server, atom):
    """A night post 3 gets a comment and a pingback older than the site-wide feed's newest 10,
    it is read from the API (replies without WordPress's "In reply to" paragraph, their parents
    named by guid) and, for the pingback, which the API does not list, from its own feed
    (replies with it; the RSS feed, where Atom is off, names their parents by link and no
    commenter's link).  Its comments stay as first stored, that night and the next; an edited
    one changes."""
    blog = serve(feed_server, "wp", atom=atom)
    post = blog.posts[2]
    own_feed = blog.post_comments_atom_url(post) if atom else blog.post_comments_rss_url(post)

    def a_new_comment(number: int) -> None:  # and a pingback, both after post 3's others
        when = NOW - timedelta(days=3, minutes=2 * (6980 - number))
        post.comments.append(wordpress.Comment(number, "Neu", f"Neu {number}.", when))
        post.comments.append(wordpress.pingback(number + 100, "Ein Blog", "https://ping.example/neu/",
                                                "wie hier steht", when + timedelta(minutes=1)))  # fmt: skip
        route_feeds(feed_server, blog, blog.api_link(), atom)

    def comments_changed(summary) -> int:  # the post changes too: its count moved
        return sum(report.changed for report in summary.reports if report.kind != "posts")

    with Store(tmp_path / "store.sqlite") as store:
        first = read(store, blog)
        stored = {c.guid: (c.content_html, c.parent_ref, c.author_url) for c in store.comments()}
        assert first.new("comments") == 40 and comments_changed(first) == 0
        # The API listed them first; the post's own feed writes its replies with the paragraph.
        assert not any("Als Antwort auf" in text for text, _, _ in stored.values())
        assert "Als Antwort auf" in blog.post_comments_rss(post).decode()
        for night in (1, 2):
            a_new_comment(7000 + night)
            summary = read(store, blog)
            asked = {urlsplit(r.url).path for r in summary.reports if r.outcome is Outcome.UPDATED}
            assert {api_path(blog), urlsplit(own_feed).path} <= asked
            assert summary.new("comments") == 2 and comments_changed(summary) == 0
            now = {c.guid: (c.content_html, c.parent_ref, c.author_url) for c in store.comments()}
            assert {guid: now[guid] for guid in stored} == stored
        reply = next(c for c in post.comments if c.parent)
        reply.text = "Korrigiert: doch nicht."
        a_new_comment(7003)
        summary = read(store, blog)
        assert comments_changed(summary) == 1
        [edited] = [c for c in store.comments() if c.guid == blog.comment_guid(reply)]
        assert "Korrigiert: doch nicht." in edited.content_html


def test_an_unchanged_night_asks_the_api_nothing(tmp_path, feed_server):
    blog = serve(feed_server, "wp")
    site = site_of(tmp_path, "wp", blog)
    ok(invoke(site, "fetch"))
    before = len(api_requests(feed_server))
    again = ok(invoke(site, "fetch"))
    assert len(api_requests(feed_server)) == before
    assert "0 new comments" in again.output


def test_an_api_that_is_off_or_answers_junk_is_no_error_and_the_feeds_comments_stay(tmp_path, feed_server):
    for api in ("off", "junk"):
        server = FeedServer().start()
        try:
            blog = serve(server, "wp", api=api)
            site = site_of(tmp_path / api, "wp", blog)
            fetched = ok(invoke(site, "fetch"))
            assert len(api_requests(server)) == 1, api  # then each post's own feed
            assert fetched.output.count(" 0 errors") == 2, fetched.output
            ok(invoke(site, "build"))
            page = parse_html(post_pages(site / "output")["Faden 1"].path)
            assert len(comment_bodies(page)) == 10  # the feed's newest 10
            [notice] = page.xpath("//p[@class='more-comments']")
            assert "10 von 25" in " ".join(notice.text_content().split())
            # The next night: the counts are as checked, the API is not asked again.
            ok(invoke(site, "fetch"))
            assert len(api_requests(server)) == 1, api
        finally:
            server.stop()


def test_an_api_that_stops_answering_is_asked_once_a_run(tmp_path, feed_server):
    """Its server hangs: the next post's request would wait for its own timeout too."""
    blog = serve(feed_server, "wp")
    feed_server.route(api_path(blog), stall())
    with Store(tmp_path / "store.sqlite") as store:
        summary = read(store, blog)
    assert len(api_requests(feed_server)) == 1  # its first page, not the next
    [timed_out] = [r for r in summary.of("probe") if r.failed]
    assert timed_out.error.kind is ErrorKind.TIMEOUT and summary.errors == []
    # The feeds of its server still answer: every post's own feed is read this run.
    assert {r.url for r in summary.reports if r.answered} >= {  # (the Atom twins are guesses)
        blog.post_comments_atom_url(post) for post in blog.posts}


def test_a_post_imported_from_another_blog_is_not_asked_for_under_its_old_id(tmp_path, feed_server):
    """Post 1 came from another blog with its guid, `?p=2` there; here 2 is another post.  The
    API is asked for post 2's and post 3's comments, never for post 1's under 2: its comments
    come from its feeds, and no post shows another's comments."""
    blog = make_blog(feed_server.url("/wp"))
    blog.posts[0].imported_guid = "https://old-blog.example/?p=2"
    serve_blog(feed_server, blog)
    site = site_of(tmp_path, "wp", blog)
    ok(invoke(site, "fetch"))
    [asked] = api_requests(feed_server)
    assert parse_qs(urlsplit(asked).query)["post"] == ["2,3"], asked
    ok(invoke(site, "build"))
    pages = post_pages(site / "output")
    for title, post in (("Faden 1", "1"), ("Faden 2", "2"), ("Faden 3", "3")):
        bodies = comment_bodies(parse_html(pages[title].path))
        assert bodies and all(f"Kommentar {post}-" in body for body in bodies), (title, bodies)
        assert len(set(bodies)) == len(bodies)
    # Post 1's comments come from its feeds, which hold its newest 10 of 25: the page says how
    # many more the blog has.
    [notice] = parse_html(pages["Faden 1"].path).xpath("//p[@class='more-comments']")
    assert "von 25" in " ".join(notice.text_content().split())


def test_a_password_protected_post_keeps_its_comments_behind_its_password(tmp_path, feed_server):
    """Post 4 is protected: its feeds show the password form instead of its text and of its
    comments' text, and WordPress refuses a list of comments that asks for it (401).  It is
    published with WordPress's notice for its text; its comments are not followed, and the API
    lists the others' comments as ever."""
    blog = make_blog(feed_server.url("/wp"), SHAPES + ((4, 5, 0),))
    blog.posts[3].password = "geheim"
    serve_blog(feed_server, blog)
    site = site_of(tmp_path, "wp", blog)
    fetched = ok(invoke(site, "fetch"))
    assert " 0 errors" in fetched.output, fetched.output
    [asked] = api_requests(feed_server)
    assert parse_qs(urlsplit(asked).query)["post"] == ["1,2,3"], asked
    assert blog.post_comments_atom_url(blog.posts[3]) not in {r.target for r in feed_server.requests}
    ok(invoke(site, "build"))
    pages = post_pages(site / "output")
    assert len(comment_bodies(parse_html(pages["Faden 1"].path))) == 25
    protected = parse_html(pages["Faden 4"].path)
    text = " ".join(protected.text_content().split())
    assert "There is no excerpt because this is a protected post." in text
    assert "password below" not in text and "Password:" not in text
    assert comment_bodies(protected) == []
    assert "Protected Comments" not in text


@pytest.mark.parametrize("kind", ["atom", "rss"])
def test_a_sitewide_feed_lists_a_protected_posts_comments_without_their_text(kind):
    """WordPress's site-wide comment feeds list the newest comments of every published post,
    a protected one's with its password form for their text: those are left out."""
    blog = make_blog("https://blog.example", ((1, 2, 0), (2, 3, 0)))
    blog.posts[1].password = "geheim"
    body = blog.comments_atom() if kind == "atom" else blog.comments_rss()
    assert body.count(b"action=postpass") == 3
    refs = tuple(PostRef(f"id-{post.id}", blog.post_guid(post), blog.permalink(post)) for post in blog.posts)
    feed = plan.CommentFeed(participant_of(blog), (blog.comments_atom_url(),), refs, sitewide=True)
    comments, error, *_ = parse_comments(body, {}, blog.comments_atom_url(), feed=feed)
    assert error is None
    assert sorted(comment.post_id for comment in comments) == ["id-1", "id-1"]


def test_an_api_named_on_another_host_is_never_asked(tmp_path, feed_server):
    with FeedServer(host="127.0.0.2") as elsewhere:
        elsewhere.route("/wp-json/wp/v2/comments", respond(b"[]", content_type=JSON_TYPE, etag=f'"{hash(b"[]")}"'))
        link = f'<{elsewhere.url("/wp-json/")}>; rel="https://api.w.org/"'
        blog = serve(feed_server, "wp", link=link)
        site = site_of(tmp_path, "wp", blog)
        ok(invoke(site, "fetch"))
        assert elsewhere.requests == []
        assert api_requests(feed_server) == []


def test_a_blog_without_the_link_header_is_read_from_its_feeds_only(tmp_path, feed_server):
    blog = serve(feed_server, "wp", link="")
    site = site_of(tmp_path, "wp", blog)
    ok(invoke(site, "fetch"))
    assert api_requests(feed_server) == []


# -- the pieces ------------------------------------------------------------------------------------

FEED = "https://blog.example/feed/"


@pytest.mark.parametrize("header,root", [
    ('<https://blog.example/wp-json/>; rel="https://api.w.org/"', "https://blog.example/wp-json/"),
    # several links in one header, or in several headers joined; parameters in any order
    ('<https://blog.example/?p=3>; rel=shortlink, <https://blog.example/wp-json/>; rel="https://api.w.org/"',
     "https://blog.example/wp-json/"),
    ('<https://blog.example/wp-json/>; type="application/json"; rel="https://api.w.org/"',
     "https://blog.example/wp-json/"),
    ("<https://blog.example/wp-json/>; rel=https://api.w.org/", "https://blog.example/wp-json/"),
    ('</wp-json/>; rel="https://api.w.org/"', "https://blog.example/wp-json/"),  # relative
    ('<https://www.blog.example/?rest_route=/>; rel="https://api.w.org/"', "https://www.blog.example/?rest_route=/"),
    ('<http://blog.example:8080/wp-json/>; rel="https://api.w.org/"', "http://blog.example:8080/wp-json/"),
    # not this blog's, not the web, not the API
    ('<https://other.example/wp-json/>; rel="https://api.w.org/"', None),
    ('<https://blog.example.other.example/wp-json/>; rel="https://api.w.org/"', None),
    ('<http://127.0.0.1/wp-json/>; rel="https://api.w.org/"', None),
    ('<file:///etc/passwd>; rel="https://api.w.org/"', None),
    ('<javascript:alert(1)>; rel="https://api.w.org/"', None),
    ('<https://blog.example/wp-json/>; rel="alternate"', None),
    ('<https://blog.example/wp-json/>; rel="https://api.w.org/x"', None),
    ("", None),
    ("garbage <<>>;;,,", None),
])  # fmt: skip
def test_the_api_root_from_the_link_header(header, root):
    assert wpapi.api_root({"link": header}, FEED) == root


@pytest.mark.parametrize("root,url", [
    ("https://blog.example/wp-json/",
     "https://blog.example/wp-json/wp/v2/comments?post=12&per_page=100&_fields=" + wpapi.FIELDS),
    ("https://blog.example/blog/wp-json",
     "https://blog.example/blog/wp-json/wp/v2/comments?post=12&per_page=100&_fields=" + wpapi.FIELDS),
    ("https://blog.example/?rest_route=/",
     "https://blog.example/?rest_route=/wp/v2/comments&post=12&per_page=100&_fields=" + wpapi.FIELDS),
])  # fmt: skip
def test_the_comments_address(root, url):
    assert wpapi.comments_url(root, [12]) == url
    assert wpapi.comments_url(root, [12], 2) == url + "&page=2"
    # Several posts: their IDs in order, once each, separated by commas (WordPress's own lists)
    assert wpapi.comments_url(root, [40, 12, 7, 12]) == url.replace("post=12", "post=7,12,40")
    # The list itself, under which its state is kept
    assert wpapi.comments_url(root) == url.split("?post=")[0].split("&post=")[0]


@pytest.mark.parametrize("value,pages", [
    ("3", 3), (" 12 ", 12), ("0", 0), ("", None), ("drei", None), ("-1", None), ("1.5", None),
    ("9" * 40, None),
])  # fmt: skip
def test_the_number_of_pages_the_api_says(value, pages):
    assert wpapi.total_pages({"x-wp-totalpages": value}) == pages
    assert wpapi.total_pages({}) is None


@pytest.mark.parametrize("guid,feed,number", [
    ("https://blog.example/?p=12", None, 12),
    ("http://blog.example/blog/?p=7", "https://blog.example/blog/2026/11/x/feed/", 7),
    ("https://blog.example/2026/11/x/", "https://blog.example/?p=9&feed=rss2", 9),
    ("https://blog.example/2026/11/x/", "https://blog.example/2026/11/x/feed/", None),
    ("https://blog.example/?p=12&p=13", None, None),
    ("https://blog.example/?p=x", None, None),
    ("https://blog.example/?p=99999999999999999999999", None, None),
    ("tag:blogger.com,1999:blog-1.post-2", None, None),
    # The blog's host however written (it moved to https, or to www.): still its ID.
    ("http://www.Blog.example/?p=12", None, 12),
    # Imported from another blog (the WordPress importer, FeedWordPress): that blog's ID, which
    # here may be another post's.
    ("https://old-blog.example/?p=345", None, None),
    ("https://old-blog.example/?p=345", "https://old-blog.example/?p=345&feed=rss2", None),
    ("https://old-blog.example/?p=345", "https://blog.example/?p=17&feed=rss2", 17),
    ("https://blog.example/?%70=21", None, 21),  # the query's name percent-encoded
    ("https://BLOG.example:8443/blog/?p=22", None, 22),
    ("https://user@blog.example/?p=23", None, 23),
    ("https://blog.example/?p=24#x", None, 24),
    ("https://blog.example/?p=25&p=26", None, None),
    ("https://blog.example/?P=21", None, None),
])  # fmt: skip
def test_a_posts_wordpress_id(guid, feed, number):
    assert wpapi.post_number(guid, feed, "https://blog.example/wp-json/") == number


POST = PostRef("post-id", "https://blog.example/?p=12", "https://blog.example/2026/11/x/")


def parsed(items, posts=((12, POST),), limit=1000) -> tuple:
    body = items if isinstance(items, bytes) else json.dumps(items).encode()
    url = "https://blog.example/wp-json/wp/v2/comments?post=12"
    return parse_api_comments(body, {}, url, posts, limit)


def test_api_comments_are_the_feeds_comments_cleaned():
    records, error, *_ = parsed([
        {"id": 5, "post": 12, "parent": 0, "author_name": "Ada <ada@example.org>",
         "author_url": "javascript:alert(1)", "date_gmt": "2026-11-20T10:00:00",
         "content": {"rendered": "<p>Hallo<script>alert(1)</script> <a href='/x' onclick='y()'>da</a></p>"},
         "link": "https://blog.example/2026/11/x/#comment-5"},
        {"id": 6, "post": 12, "parent": 5, "author_name": "Bo", "author_url": "https://bo.example/",
         "date_gmt": "2026-11-20T11:00:00", "content": {"rendered": "<p>Ja.</p>"},
         "link": "https://blog.example/2026/11/x/#comment-6"},
    ])  # fmt: skip
    assert error is None
    first, second = sorted(records, key=lambda c: c.guid)
    assert first.guid == "https://blog.example/?p=12#comment-5" and first.parent_guid is None
    assert first.author == "Ada" and first.author_url is None
    assert first.content_html == '<p>Hallo <a href="https://blog.example/x" rel="nofollow ugc noopener">da</a></p>'
    assert first.published == datetime(2026, 11, 20, 10, tzinfo=UTC) and first.post_id == "post-id"
    assert second.parent_guid == "https://blog.example/?p=12#comment-5"


@pytest.mark.parametrize("body", [b"<html>Wartungsmodus</html>", b'{"code": "rest_forbidden"}', b"",
                                  b"[" * 100_000 + b"]" * 100_000, b'"a string"'])  # fmt: skip
def test_an_answer_that_is_no_list_of_comments_is_an_error_of_that_request(body):
    records, error, *_ = parsed(body)
    assert records == [] and error is not None and error.kind is ErrorKind.NOT_A_FEED
    assert error.message.startswith("WordPress's API answered ")


def test_comments_missing_what_they_need_are_left_out():
    good = {"id": 7, "parent": 0, "content": {"rendered": "<p>Gut.</p>"}, "date_gmt": "2026-11-20T10:00:00"}
    records, error, *_ = parsed([
        good, 1, None, "x", [], {},
        {**good, "id": "7"}, {**good, "id": -1}, {**good, "id": True}, {**good, "id": 2**70},
        {**good, "parent": "5"}, {**good, "parent": 1.5}, {**good, "content": "<p>flat</p>"},
        {**good, "content": {"rendered": 5}},
        {**good, "id": 8, "post": 13},  # another post's: a cache that ignored the query
    ])  # fmt: skip
    assert error is None and [c.guid for c in records] == ["https://blog.example/?p=12#comment-7"]
    odd, *_ = parsed([{**good, "date_gmt": "gestern", "author_name": ["x"], "link": 5}])
    assert odd[0].published is None and odd[0].author == "" and odd[0].url is None


OTHER = PostRef("other-id", "https://blog.example/?p=13", "https://blog.example/2026/11/y/")


def test_a_list_of_several_posts_comments_gives_each_to_its_post():
    item = {"parent": 0, "content": {"rendered": "<p>Gut.</p>"}, "date_gmt": "2026-11-20T10:00:00"}
    records, error, *_ = parsed([
        {**item, "id": 7, "post": 12}, {**item, "id": 8, "post": 13, "parent": 9},
        {**item, "id": 9, "post": 13}, {**item, "id": 10, "post": 14},  # not asked for: left out
        {**item, "id": 11},  # which post's? several were asked for: left out
    ], posts=((12, POST), (13, OTHER)))  # fmt: skip
    assert error is None
    assert [(c.post_id, c.guid, c.parent_guid) for c in records] == [
        ("post-id", "https://blog.example/?p=12#comment-7", None),
        ("other-id", "https://blog.example/?p=13#comment-8", "https://blog.example/?p=13#comment-9"),
        ("other-id", "https://blog.example/?p=13#comment-9", None),
    ]


def test_a_list_keeps_the_newest_comments_a_feed_may_give():
    records, *_ = parsed([
        {"id": n, "post": 12 + n % 2, "parent": 0, "content": {"rendered": f"<p>{n}</p>"},
         "date_gmt": f"2026-11-{n:02d}T10:00:00"} for n in range(1, 21)
    ], posts=((12, POST), (13, OTHER)), limit=5)  # fmt: skip
    assert sorted(int(c.guid.rsplit("-", 1)[1]) for c in records) == [16, 17, 18, 19, 20]
    assert {c.post_id for c in records} == {"post-id", "other-id"}


# -- which comes first, and what the site-wide feed may skip ---------------------------------------


def head(number: int, count: int | None, checked: int | None = None):
    return PostHead(id=f"p{number}", participant="wp", guid=f"https://blog.example/?p={number}",
                    url=f"https://blog.example/{number}/", published=NOW,
                    comment_feed=f"https://blog.example/{number}/feed/", comment_count=count,
                    comments_checked=checked)  # fmt: skip


@pytest.mark.parametrize("counts,stored,first", [
    ((11,), {}, True),  # more missing than the feed shows
    ((10,), {}, False),  # the feed shows them all
    ((6, 5), {}, True),  # summed over the posts
    ((30, 2), {"p1": 25}, False),  # 5 + 2 missing: a night's new comments
    ((30, None), {"p1": 25}, False),  # an unknown count is nothing to list
    ((3, 30), {"p2": 40}, False),  # more stored than counted (deleted since) is none missing
])  # fmt: skip
def test_the_api_comes_first_where_more_are_missing_than_the_feed_shows(counts, stored, first):
    asking = [head(n, count) for n, count in enumerate(counts, 1)]
    assert plan.api_first(asking, stored) is first


def sitewide_bodies():
    blog = make_blog("https://blog.example")
    documents = blog.documents()
    return [next(iter(documents[kind].values()))[0] for kind in ("comments.atom", "comments.rss")]


def guids_of(blog_body: bytes) -> frozenset[str]:
    return frozenset(e.guid for e in parse_feed(blog_body, {}, "https://blog.example/comments/feed/").entries)


@pytest.mark.parametrize("body", sitewide_bodies(), ids=["atom", "rss"])
def test_a_sitewide_feed_holding_only_known_comments_needs_no_parse(body):
    known = guids_of(body)
    assert len(known) == 10 and plan.known_only(body, known)
    assert plan.known_only(body, known | {"https://blog.example/?p=9#comment-1"})
    for guid in known:  # any one unknown: parsed
        assert not plan.known_only(body, known - {guid})
    assert not plan.known_only(body, frozenset())


@pytest.mark.parametrize("body,known", [
    (b"", {"x"}),
    (b"<html><body>Wartungsmodus</body></html>", {"x"}),
    (b'<rss version="2.0"><channel><title>Leer</title></channel></rss>', {"x"}),  # no comments
    (b"<rss><channel><item><title>x</title></item></channel></rss>", {"x"}),  # no id
    (b"<rss><channel><item><guid><![CDATA[x]]></guid></item></channel></rss>", {"x"}),
    (b"<rss><channel><item><guid>a</guid></item><item><guid>b</guid></item></channel></rss>", {"a"}),
    (b"<rss><channel><item><guid>a</guid></item><item><title>b</title></item></channel></rss>", {"a"}),
    (b"<rss><channel><item><guid>\xff\xfe</guid></item></channel></rss>", {"\xff\xfe"}),
])  # fmt: skip
def test_a_body_the_check_cannot_read_plainly_is_parsed(body, known):
    assert not plan.known_only(body, frozenset(known))


def test_an_id_is_compared_as_the_parser_reads_it():
    body = (b'<rss><channel><item><guid isPermaLink="false">\n https://b.example/?p=1&#038;lang=de'
            b"#comment-5 </guid></item></channel></rss>")  # fmt: skip
    assert plan.known_only(body, frozenset({"https://b.example/?p=1&lang=de#comment-5"}))
    atom = (b"<feed><id>https://b.example/comments</id><entry><id>https://b.example/?p=1#comment-5</id>"
            b"<source><id>elsewhere</id></source></entry></feed>")  # fmt: skip
    assert plan.known_only(atom, frozenset({"https://b.example/?p=1#comment-5"}))
    assert not plan.known_only(atom, frozenset({"https://b.example/comments"}))
