"""Comments, end to end: WordPress-style and Atom blogs on loopback, threads on the built pages."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from aggregator.feeds import comments as plan
from aggregator.feeds.fetch import FetchSettings
from aggregator.feeds.update import FeedOptions, update
from aggregator.models import Participant, PostHead
from aggregator.store import Store
from tests import wordpress
from tests.acceptance_helpers import (
    invoke,
    new_site,
    ok,
    parse_html,
    post_pages,
    write_participant,
)
from tests.feedmaker import (
    Item,
    Reply,
    atom,
    rss,
    threaded_comments_atom,
    wordpress_comments_rss,
)
from tests.servers import ATOM_TYPE, LOOPBACK_POLICY, respond, route_documents, status

NOW = datetime.now(UTC).replace(microsecond=0)
BLOG = Participant(slug="b", name="B", feed="https://b.example/feed/", home="https://b.example/")
QUICK = FetchSettings(user_agent="blogparade-tests", policy=LOOPBACK_POLICY, timeout=2, connect_timeout=2)
THREAD = [  # (number, author, parent): two levels of replies and a second top-level comment
    (1, "Anna", None), (2, "Bert", 1), (3, "Cleo", None), (4, "Dora", 2), (5, "Emil", 3),
]  # fmt: skip


def replies(blog: str, post: int) -> list[Reply]:
    return [
        Reply(n, author, f"Kommentar {blog}-{post}-{n} von {author}, grüß dich!", parent,
              author_url=f"https://{author.lower()}.example/" if n % 2 else None,
              published=NOW - timedelta(days=3, hours=-n))
        for n, author, parent in THREAD
    ]  # fmt: skip


def marker(blog: str, post: int, number: int) -> str:
    return f"Kommentar {blog}-{post}-{number} "


@dataclass
class Blog:
    slug: str
    feed: str
    wordpress: bool


def serve_wordpress(server, slug: str, *, twins: bool = True, sitewide: bool = False) -> Blog:
    """Posts in RSS with wfw:commentRss + slash:comments; per-post RSS comment feeds and (with
    `twins`) their threaded Atom twins; with `sitewide`, the latest 3 comments of the blog."""
    items, latest = [], []
    for post in (1, 2):
        url, guid = server.url(f"/{slug}/post-{post}/"), server.url(f"/{slug}/?p={post}")
        thread = replies(slug, post)
        items.append(Item(guid, f"{slug} Beitrag {post}", url, NOW - timedelta(days=5),
                          comments_feed=url + "feed/", comment_count=len(thread)))
        server.route(f"/{slug}/post-{post}/feed/", respond(wordpress_comments_rss(guid, url, thread).encode()))
        if twins:
            server.route(f"/{slug}/post-{post}/feed/atom/",
                         respond(threaded_comments_atom(guid, url, thread).encode(), content_type=ATOM_TYPE))
        latest.append((guid, url, thread[-3:]))
    if sitewide:
        entries = "".join(
            threaded_comments_atom(guid, url, thread).split("<updated>2026-11-20T10:00:00Z</updated>")[1]
            .removesuffix("</feed>") for guid, url, thread in latest[-1:]
        )  # fmt: skip
        feed = threaded_comments_atom("x", "x", []).replace("</feed>", entries + "</feed>")
        server.route(f"/{slug}/comments/feed/atom/", respond(feed.encode(), content_type=ATOM_TYPE))
    server.route(f"/{slug}/feed/", respond(rss(items, title=f"Blog {slug}").encode(), etag=f'"{slug}"'))
    return Blog(slug, server.url(f"/{slug}/feed/"), True)


def atom_comment_id(post_guid: str, number: int) -> str:
    return f"{post_guid}.comment-{number}"


def serve_atom(server, slug: str) -> Blog:
    """Atom posts with rel="replies" links (RFC 4685) to threaded Atom comment feeds."""
    items = []
    for post in (1, 2):
        url, guid = server.url(f"/{slug}/{post}.html"), f"tag:{slug}.example,2026:post-{post}"
        thread = replies(slug, post)
        comments_url = server.url(f"/{slug}/{post}/comments.atom")
        items.append(Item(guid, f"{slug} Beitrag {post}", url, NOW - timedelta(days=5),
                          comments_feed=comments_url, comment_count=len(thread)))
        server.route(f"/{slug}/{post}/comments.atom", respond(
            threaded_comments_atom(guid, url, thread, atom_comment_id).encode(), content_type=ATOM_TYPE))
    server.route(f"/{slug}/atom.xml", respond(atom(items, title=f"Blog {slug}").encode(),
                                              content_type=ATOM_TYPE, etag=f'"{slug}"'))
    return Blog(slug, server.url(f"/{slug}/atom.xml"), False)


def site_with(tmp_path, blogs: list[Blog]):
    site = new_site(tmp_path / "site")
    for blog in blogs:
        write_participant(site, blog.slug, f"Blog {blog.slug}", blog.feed)
    return site


def comment_article(page, blog: str, post: int, number: int):
    [body] = [b for b in page.xpath("//div[contains(@class, 'comment-body')]")
              if marker(blog, post, number) in " ".join(b.text_content().split()) + " "]
    return body.xpath("ancestor::article[1]")[0]


def parent_article(article):
    """The comment a reply is nested under: the article of the enclosing list item's item."""
    outer = article.xpath("ancestor::li[2]")
    return outer[0].xpath("./article")[0] if outer else None


def assert_threads(output, blogs: list[Blog], nested: bool = True) -> None:
    pages = post_pages(output)
    for blog in blogs:
        for post in (1, 2):
            page = parse_html(pages[f"{blog.slug} Beitrag {post}"].path)
            for number, author, parent in THREAD:
                article = comment_article(page, blog.slug, post, number)
                assert author in article.text_content()
                if nested:
                    expected = comment_article(page, blog.slug, post, parent) if parent else None
                    assert parent_article(article) is expected, (blog.slug, post, number)


@pytest.fixture
def six_blogs(feed_server):
    return [
        serve_wordpress(feed_server, "wp-eins"),
        serve_wordpress(feed_server, "wp-zwei"),
        serve_wordpress(feed_server, "wp-drei", sitewide=True),
        serve_atom(feed_server, "atom-eins"),
        serve_atom(feed_server, "atom-zwei"),
        serve_atom(feed_server, "atom-drei"),
    ]


def test_every_comment_on_its_post_page_and_every_reply_under_its_parent(tmp_path, six_blogs):
    site = site_with(tmp_path, six_blogs)
    fetched = ok(invoke(site, "fetch"))
    assert "60 new comments" in fetched.output
    ok(invoke(site, "build"))
    assert_threads(site / "output", six_blogs)


def test_author_links_are_nofollow_ugc_and_listings_show_counts(tmp_path, six_blogs):
    site = site_with(tmp_path, six_blogs[:1])
    ok(invoke(site, "fetch"))
    ok(invoke(site, "build"))
    page = parse_html(post_pages(site / "output")["wp-eins Beitrag 1"].path)
    anna = comment_article(page, "wp-eins", 1, 1).xpath(".//a[@href='https://anna.example/']")[0]
    assert set(anna.get("rel").split()) >= {"nofollow", "ugc"}
    reply = page.xpath("//a[contains(@href, '#respond')]")
    assert reply, "a link to reply on the original blog"
    home = parse_html(site / "output" / "index.html")
    assert "5 Kommentare" in " ".join(home.text_content().split())


def test_a_thread_shorter_than_the_originals_says_so_and_links_there(tmp_path, feed_server):
    """WordPress's comment feeds hold a post's newest 10 comments (posts_per_rss): of a post
    with 14, the page shows the 10 and says where the rest are; a whole thread says nothing."""
    items = []
    for post, count in ((1, 14), (2, 3)):
        url, guid = feed_server.url(f"/lang/post-{post}/"), feed_server.url(f"/lang/?p={post}")
        thread = [Reply(n, f"Person {n}", f"Kommentar lang-{post}-{n} dazu.", None,
                        published=NOW - timedelta(days=3, hours=-n)) for n in range(1, count + 1)]
        newest = thread[-10:]
        items.append(Item(guid, f"Langer Faden {post}", url, NOW - timedelta(days=5),
                          comments_feed=url + "feed/", comment_count=count))
        feed_server.route(f"/lang/post-{post}/feed/", respond(wordpress_comments_rss(guid, url, newest).encode()))
        feed_server.route(f"/lang/post-{post}/feed/atom/", respond(
            threaded_comments_atom(guid, url, newest).encode(), content_type=ATOM_TYPE))
    feed_server.route("/lang/feed/", respond(rss(items, title="Blog lang").encode()))
    site = site_with(tmp_path, [Blog("lang", feed_server.url("/lang/feed/"), True)])
    ok(invoke(site, "fetch"))
    ok(invoke(site, "build"))
    pages = post_pages(site / "output")
    page = parse_html(pages["Langer Faden 1"].path)
    assert len(page.xpath("//section[@id='comments']//article")) == 10
    [notice] = page.xpath("//p[@class='more-comments']")
    assert " ".join(notice.text_content().split()) == (
        "Hier zu lesen: 10 von 14 Kommentaren des Originalbeitrags. Alle auf dem Originalblog lesen")
    assert notice.xpath(".//a/@href") == [feed_server.url("/lang/post-1/") + "#comments"]
    whole = parse_html(pages["Langer Faden 2"].path)
    assert len(whole.xpath("//section[@id='comments']//article")) == 3
    assert not whole.xpath("//p[@class='more-comments']")
    # In English on request.
    conf = site / "pelicanconf.py"
    conf.write_text(conf.read_text().replace("DEFAULT_LANG = 'de'", "DEFAULT_LANG = 'en'"))
    ok(invoke(site, "build"))
    [notice] = parse_html(post_pages(site / "output")["Langer Faden 1"].path).xpath("//p[@class='more-comments']")
    assert " ".join(notice.text_content().split()) == (
        "Shown here: 10 of the original post's 14 comments. Read them all on the original blog")


def test_second_run_asks_only_what_may_have_changed(tmp_path, feed_server, six_blogs):
    site = site_with(tmp_path, six_blogs)
    ok(invoke(site, "fetch"))
    before = len(feed_server.requests)
    again = ok(invoke(site, "fetch"))
    asked = [seen.path for seen in feed_server.requests[before:]]
    # Counts known and unchanged: no per-post comment feed of a WordPress blog is asked again;
    # the site-wide feed is one conditional request.
    assert not [path for path in asked if path.startswith("/wp-") and "/post-" in path], asked
    assert asked.count("/wp-drei/comments/feed/atom/") == 1
    assert "0 new comments" in again.output


def test_missing_atom_twin_falls_back_to_rss_and_is_no_error(tmp_path, feed_server):
    blog = serve_wordpress(feed_server, "wp-alt", twins=False)
    site = site_with(tmp_path, [blog])
    fetched = ok(invoke(site, "fetch"))
    assert "10 new comments" in fetched.output and "error" not in fetched.output.split("comments.")[-1]
    ok(invoke(site, "build"))
    assert_threads(site / "output", [blog], nested=False)  # RSS carries no threading
    status_line = ok(invoke(site, "status")).output
    assert "failing" not in status_line


def serve_announced(server, blog: wordpress.Blog) -> None:
    """Only what the blog's post feed names: the post feed and each post's RSS comment feed; no
    Atom twins and no site-wide feeds (a farm written to the letter of the feeds)."""
    route_documents(server, blog.documents(), kinds=("posts.rss", "post-comments.rss"), etags=True)


def test_a_blog_without_atom_twins_is_asked_for_one_a_week_not_one_a_post(tmp_path, feed_server):
    posts = [wordpress.Post(n, f"beitrag-{n}", f"Beitrag {n}", NOW - timedelta(days=n)) for n in range(1, 7)]
    blog = wordpress.Blog(feed_server.url("/wp"), "Gartenblog", posts)

    def comment(post: wordpress.Post, number: int) -> None:
        post.comments.append(wordpress.Comment(number, f"Leserin {number}", f"Kommentar {number}.",
                                               post.published + timedelta(minutes=number)))  # fmt: skip

    def night(when: datetime) -> list[str]:
        """A new comment on every post, a run at `when`: the comment feed addresses asked."""
        for post in posts:
            comment(post, 100 * post.id + len(post.comments) + 1)
        serve_announced(feed_server, blog)
        before = len(feed_server.requests)
        with Store(tmp_path / "store.sqlite") as store:
            summary = asyncio.run(update(store, [participant], QUICK, now=when))
            assert summary.errors == []
            stored = store.comment_counts("wp")
        assert sorted(stored.values()) == [len(post.comments) for post in posts]
        return [seen.path for seen in feed_server.requests[before:] if seen.path != "/wp/feed/"]

    participant = Participant("wp", "Gartenblog", blog.posts_rss_url(), blog.home + "/")
    rss = sorted(urlsplit(blog.post_comments_rss_url(post)).path for post in posts)
    # The first night: the site-wide feeds and one Atom twin are guessed, found missing.
    asked = night(NOW)
    guessed = [path for path in asked if path.endswith("/atom/")]
    assert guessed in (["/wp/comments/feed/atom/", path] for path in (p + "atom/" for p in rss)), asked
    assert sorted(path for path in asked if path in rss) == rss
    assert len(asked) == 2 + 1 + len(rss)  # the site-wide RSS feed, guessed too
    # Within the week: the posts' own feeds, nothing guessed.
    assert sorted(night(NOW + timedelta(days=3))) == rss
    # A week on, one twin is guessed again (a blog may have switched its Atom feeds on).
    asked = night(NOW + timedelta(days=8))
    assert len([path for path in asked if path.endswith("/feed/atom/") and "/comments/" not in path]) == 1


def test_a_blog_with_atom_twins_reads_every_post_from_its_twin(tmp_path, feed_server):
    """Twins found where they are: no post falls back to RSS, so every thread nests."""
    posts = [wordpress.Post(n, f"beitrag-{n}", f"Beitrag {n}", NOW - timedelta(days=n)) for n in range(1, 4)]
    for post in posts:
        for n in range(1, 4):
            post.comments.append(wordpress.Comment(10 * post.id + n, f"Leser {n}", f"Kommentar {n}.",
                                                   post.published + timedelta(minutes=n),
                                                   parent=10 * post.id + n - 1 if n == 3 else 0))  # fmt: skip
    blog = wordpress.Blog(feed_server.url("/wp"), "Gartenblog", posts)
    route_documents(feed_server, blog.documents())
    participant = Participant("wp", "Gartenblog", blog.posts_rss_url(), blog.home + "/")
    with Store(tmp_path / "store.sqlite") as store:
        summary = asyncio.run(update(store, [participant], QUICK, now=NOW))
        assert summary.errors == []
        assert store.get_meta("no-atom-twins:wp") is None
    asked = [seen.path for seen in feed_server.requests]
    assert not [path for path in asked if "/beitrag-" in path and not path.endswith("/atom/")], asked


@pytest.mark.parametrize("since,guessed", [
    (None, True), (NOW - timedelta(days=3), False), (NOW - timedelta(days=7), True),
])  # fmt: skip
def test_atom_twins_are_guessed_again_a_week_after_one_was_missing(since, guessed):
    assert plan.guess_twins(since, NOW) is guessed


def test_only_an_answer_from_the_announced_feed_says_the_twin_is_missing():
    wordpress_post = post("https://b.example/a/", "https://b.example/a/feed/")
    with_twin = plan.per_post_feed(BLOG, wordpress_post)
    assert with_twin.urls == ("https://b.example/a/feed/atom/", "https://b.example/a/feed/")
    assert plan.twin_missing(with_twin, True)
    assert not plan.twin_missing(with_twin, False)  # both failed, or the read ended at the twin
    without = plan.per_post_feed(BLOG, wordpress_post, twins=False)
    assert without.urls == ("https://b.example/a/feed/",) and not plan.twin_missing(without, True)


def test_a_store_whose_twin_note_cannot_be_read_guesses_the_twins_again(tmp_path, feed_server):
    """The note is the update's own; one spoiled by hand costs a guess, not the run."""
    blog = serve_wordpress(feed_server, "wp-alt", twins=False)
    participant = Participant("wp-alt", "Blog", blog.feed, feed_server.url("/wp-alt/"))
    with Store(tmp_path / "store.sqlite") as store:
        store.set_meta("no-atom-twins:wp-alt", "gestern")
        summary = asyncio.run(update(store, [participant], QUICK, now=NOW))
        assert summary.errors == [] and len(store.comment_counts("wp-alt")) == 2
        assert store.get_meta("no-atom-twins:wp-alt") == NOW.isoformat()  # guessed, found missing
    assert len([seen for seen in feed_server.requests if seen.path.endswith("/feed/atom/") and "/post-" in seen.path]) == 1


def test_a_bug_in_one_blogs_comments_costs_that_blog_and_not_the_run(tmp_path, feed_server, monkeypatch):
    from aggregator.feeds.update import Updater

    blogs = [serve_wordpress(feed_server, "wp-eins"), serve_wordpress(feed_server, "wp-zwei")]
    participants = [Participant(b.slug, "Blog", b.feed, feed_server.url(f"/{b.slug}/")) for b in blogs]
    reading = Updater._read_per_post

    async def broken(self, participant, *args):
        if participant.slug == "wp-eins":
            raise KeyError("a bug")
        return await reading(self, participant, *args)

    monkeypatch.setattr(Updater, "_read_per_post", broken)
    with Store(tmp_path / "store.sqlite") as store:
        summary = asyncio.run(update(store, participants, QUICK, now=NOW))
        assert len(store.comment_counts("wp-zwei")) == 2 and store.comment_counts("wp-eins") == {}
        assert len(list(store.posts("wp-eins"))) == 2  # its posts were read before
    [failed] = summary.errors
    assert failed.participant.slug == "wp-eins" and failed.kind == "comments"
    assert failed.error.message == "unexpected KeyError: 'a bug'"


def test_a_twin_failing_with_its_feed_says_nothing_of_the_blogs_twins(tmp_path, feed_server):
    """A server in trouble (503 for both): the twins are guessed again next run."""
    blog = serve_wordpress(feed_server, "wp-krank")
    for post in (1, 2):
        feed_server.route(f"/wp-krank/post-{post}/feed/atom/", status(503))
        feed_server.route(f"/wp-krank/post-{post}/feed/", status(503))
    participant = Participant("wp-krank", "Blog", blog.feed, feed_server.url("/wp-krank/"))
    with Store(tmp_path / "store.sqlite") as store:
        asyncio.run(update(store, [participant], QUICK, now=NOW))
        assert store.get_meta("no-atom-twins:wp-krank") is None


def test_failing_or_shrinking_comment_feed_loses_nothing(tmp_path, feed_server):
    blogs = [serve_wordpress(feed_server, "wp-eins"), serve_atom(feed_server, "atom-eins")]
    site = site_with(tmp_path, blogs)
    ok(invoke(site, "fetch"))
    shrunk = replies("atom-eins", 1)[-1:]
    feed_server.route("/atom-eins/1/comments.atom", respond(threaded_comments_atom(
        "tag:atom-eins.example,2026:post-1", feed_server.url("/atom-eins/1.html"), shrunk,
        atom_comment_id).encode(), content_type=ATOM_TYPE))
    feed_server.route("/atom-eins/2/comments.atom", status(500))
    # A new comment count makes the WordPress post's comment feed worth asking again: it fails.
    wp = feed_server.routes["/wp-eins/feed/"]
    feed_server.route("/wp-eins/post-1/feed/atom/", status(500))
    feed_server.route("/wp-eins/post-1/feed/", status(500))
    feed_server.route("/wp-eins/feed/", respond(rss([
        Item(feed_server.url("/wp-eins/?p=1"), "wp-eins Beitrag 1", feed_server.url("/wp-eins/post-1/"),
             NOW - timedelta(days=5), comments_feed=feed_server.url("/wp-eins/post-1/feed/"),
             comment_count=6)], title="Blog wp-eins").encode()))
    assert wp is not feed_server.routes["/wp-eins/feed/"]
    fetched = ok(invoke(site, "fetch"))
    assert "comments (" in fetched.output and "error" in fetched.output
    ok(invoke(site, "build"))
    assert_threads(site / "output", blogs)
    assert "failing" in ok(invoke(site, "status")).output


def test_comments_of_old_posts_are_not_followed(tmp_path, feed_server):
    url = feed_server.url("/alt/post/")
    old = Item("alt-1", "Alter Beitrag", url, NOW - timedelta(days=90),
               comments_feed=feed_server.url("/alt/post/comments.atom"))
    feed_server.route("/alt/atom.xml", respond(atom([old]).encode(), content_type=ATOM_TYPE))
    feed_server.route("/alt/post/comments.atom", respond(threaded_comments_atom(
        "alt-1", url, replies("alt", 1)).encode(), content_type=ATOM_TYPE))
    site = site_with(tmp_path, [Blog("alt", feed_server.url("/alt/atom.xml"), False)])
    ok(invoke(site, "fetch"))
    assert feed_server.hits("/alt/post/comments.atom") == 0
    with open(site / "pelicanconf.py", "a") as settings:
        settings.write("\nBLOGPARADE_COMMENT_DAYS = 120\n")
    ok(invoke(site, "fetch"))
    assert feed_server.hits("/alt/post/comments.atom") == 1


@pytest.mark.corpus
def test_xss_in_comment_bodies_and_authors_is_neutralised(tmp_path, feed_server, corpus):
    from tests.acceptance_helpers import dangers, html_files

    vectors = json.loads((corpus / "xss-vectors" / "xss_vectors.json").read_text(encoding="utf-8"))
    vectors = [v if isinstance(v, str) else v.get("vector") or v.get("payload") for v in vectors]
    url, guid = feed_server.url("/x/post/"), "x-1"
    thread = [Reply(n, f"Autor-{n} {vector}", f"Harmlos-{n} {vector}", None,
                    author_url="javascript:alert(1)" if n % 2 else f"https://a{n}.example/")
              for n, vector in enumerate(vectors, 1)]  # fmt: skip
    post = Item(guid, "Beitrag mit bösen Kommentaren", url, NOW - timedelta(days=1),
                comments_feed=feed_server.url("/x/comments.atom"), comment_count=len(thread))
    feed_server.route("/x/atom.xml", respond(atom([post]).encode(), content_type=ATOM_TYPE))
    feed_server.route("/x/comments.atom", respond(
        threaded_comments_atom(guid, url, thread).encode(), content_type=ATOM_TYPE))
    site = site_with(tmp_path, [Blog("x", feed_server.url("/x/atom.xml"), False)])
    ok(invoke(site, "fetch"))
    ok(invoke(site, "build"))
    page = post_pages(site / "output")["Beitrag mit bösen Kommentaren"]
    found = [danger for path in html_files(site / "output") for danger in dangers(parse_html(path))]
    assert found == []
    kept = sum(f"Harmlos-{n} " in page.text + " " for n in range(1, len(thread) + 1))
    assert kept >= 0.95 * len(thread)  # a vector that opens an unclosed <script> eats what follows


def post(url: str, feed: str | None, count: int | None = None, checked: int | None = None,
         days: int = 1, guid: str = "g", checked_stored: int | None = None) -> PostHead:
    return PostHead(id="p", participant="b", guid=guid, url=url, published=NOW - timedelta(days=days),
                    comment_feed=feed, comment_count=count, comments_checked=checked,
                    comments_checked_stored=checked_stored)  # fmt: skip


def test_wordpress_feed_urls():
    assert plan.atom_twin("https://b.example/2026/post/feed/") == "https://b.example/2026/post/feed/atom/"
    assert plan.atom_twin("https://b.example/comments.atom") is None
    blog = Participant(slug="b", name="B", feed="https://b.example/blog/feed/", home="https://b.example/")
    assert plan.sitewide_feeds(blog) == (
        "https://b.example/blog/comments/feed/atom/", "https://b.example/blog/comments/feed/"
    )
    for feed, root in (
        ("https://b.example/category/garten/feed/", "https://b.example/"),
        ("https://b.example/blog/category/garten/beete/feed/atom/", "https://b.example/blog/"),
        ("https://b.example/tag/kompost/feed", "https://b.example/"),
        ("https://b.example/author/lena/feed/", "https://b.example/"),
        ("https://b.example/feed/", "https://b.example/"),
        ("https://b.example/categoryless/feed/", "https://b.example/categoryless/"),
    ):  # fmt: skip
        archive = Participant(slug="b", name="B", feed=feed, home="https://b.example/")
        assert plan.sitewide_feeds(archive)[0] == root + "comments/feed/atom/", feed
    # Plain permalinks: the same feeds by their queries.
    assert plan.atom_twin("https://b.example/?feed=rss2&p=12") == "https://b.example/?feed=atom&p=12"
    assert plan.atom_twin("https://b.example/blog/?p=12&feed=rss2") == "https://b.example/blog/?p=12&feed=atom"
    assert plan.atom_twin("https://b.example/?feed=comments-rss2") == "https://b.example/?feed=comments-atom"
    for other in ("https://b.example/?feed=rss2x&p=12", "https://b.example/?feed=atom&p=12",
                  "https://b.example/?feed=rss2&feed=rss2", "https://b.example/?xfeed=rss2"):  # fmt: skip
        assert plan.atom_twin(other) is None, other
    for feed in ("https://b.example/blog/?feed=rss2", "https://b.example/blog/?cat=3&feed=rss2",
                 "https://b.example/blog/?feed=atom"):  # fmt: skip
        plain = Participant(slug="b", name="B", feed=feed, home="https://b.example/blog/")
        assert plan.sitewide_feeds(plain) == (
            "https://b.example/blog/?feed=comments-atom", "https://b.example/blog/?feed=comments-rss2"), feed
    assert plan.sitewide_feeds(Participant(slug="b", name="B", feed="https://b.example/?page=feed",
                                           home="https://b.example/")) == ()  # fmt: skip
    assert plan.is_wordpress_comment_feed(post("https://b.example/?p=12", "https://b.example/?feed=rss2&p=12"))
    assert plan.is_wordpress_comment_feed(post("https://b.example/p/", "https://b.example/p/feed/"))
    assert not plan.is_wordpress_comment_feed(post("https://b.example/p/", "https://b.example/c.atom"))


@pytest.mark.parametrize(("count", "checked", "checked_stored", "stored", "wanted"), [
    (None, None, None, 0, True),  # nobody tells the count: ask
    (0, None, None, 0, False),    # nothing to read
    (3, None, None, 3, False),    # everything is here (say, from the site-wide feed)
    (5, None, None, 3, True),     # some are missing
    (5, 5, None, 3, False),       # missing, but the count hasn't changed since the last read
    (6, 5, None, 3, True),        # a new comment
    (6, 5, None, 6, False),       # ... here already (checked before the store kept what it held)
    (6, 5, 5, 6, False),          # a new comment, here already (the site-wide feed brought it)
    (7, 5, 5, 6, True),           # two new comments, one here
    (4, 5, 5, 5, True),           # one deleted on the blog: its feed, read whole, says which
    (0, 2, 2, 2, True),           # ... every one
    (0, None, None, 2, False),    # 0, and never read (comments from the site-wide feed)
    (5, 4, 5, 5, True),           # ... then a new one: as many as stored, but new
    (5, 4, 5, 6, False),          # ... and here already
    (6, 5, 3, 4, False),          # two missing for good (pingbacks the API does not list), one new here
])  # fmt: skip
def test_when_a_posts_comment_feed_is_asked(count, checked, checked_stored, stored, wanted):
    assert plan.wants_comments(post("u", "f", count, checked, checked_stored=checked_stored), stored) is wanted


def test_what_a_run_remembers_of_the_posts_it_checked():
    def one(id_: str, count: int | None, checked: int | None, checked_stored: int | None,
            feed: str | None = "f") -> PostHead:  # fmt: skip
        return post("u", feed, count, checked, checked_stored=checked_stored)._replace(id=id_)

    posts = [
        one("read", 5, 3, 3, None),        # its own feed was read: remembered, whatever it brought
        one("failed", 6, 5, 5),            # its read failed (still missing one): asked again
        one("brought", 6, 5, 5),           # the site-wide feed brought its new comment
        one("deleted", 4, 5, 5),           # a comment deleted on the blog, its feed read
        one("all-deleted", 0, 2, 2),       # its count fell to 0, its feed not read (failed)
        one("as-before", 5, 5, 5),         # nothing moved: nothing to write
        one("upgraded", 5, 5, None),       # checked before the store kept what it held
        one("no-count", None, None, None, None),  # no count, no feed: nothing to remember
        one("none-yet", 0, None, None),    # never checked, no comments: its count says enough
    ]  # fmt: skip
    stored = {"read": 4, "failed": 5, "brought": 6, "deleted": 5, "all-deleted": 2, "as-before": 5,
              "upgraded": 5}  # fmt: skip
    assert plan.checked_now(posts, stored, {"read", "deleted"}) == {
        "read": (5, 4), "brought": (6, 6), "deleted": (4, 5), "upgraded": (5, 5),
    }  # fmt: skip


def test_sitewide_comments_find_their_post_by_reply_target_or_own_link():
    from aggregator.models import ParsedEntry

    posts = [post("https://b.example/a/", None, guid="https://b.example/?p=1"),
             post("https://b.example/b/", None, guid="https://b.example/?p=2")]

    def entry(guid: str, url: str, ref: str | None = None, href: str | None = None) -> ParsedEntry:
        return ParsedEntry(guid=guid, url=url, title="", author="", published=None, updated=None,
                           summary_html="", content_html="", categories=(), base_url=url,
                           in_reply_to=ref, in_reply_to_url=href)

    top = entry("https://b.example/?p=2#comment-7", "https://b.example/b/#comment-7",
                "https://b.example/?p=2", "https://b.example/b/")
    reply = entry("https://b.example/?p=1#comment-9", "https://b.example/a/#comment-9",
                  "https://b.example/?p=1#comment-8", "https://b.example/a/#comment-8")
    bare = entry("urn:x", "https://www.b.example/b#comment-3")
    index = plan.PostIndex(posts)
    assert [index.post_of(e).guid for e in (top, reply, bare)] == [
        "https://b.example/?p=2", "https://b.example/?p=1", "https://b.example/?p=2"]
    assert index.post_of(entry("urn:y", "https://elsewhere.example/")) is None


def test_a_sitewide_reply_naming_only_its_parent_comment_goes_to_the_parents_post():
    # Some engines' replies name their parent comment, not the post (its id, and its page with a
    # query): in a site-wide feed they belonged to no post and were dropped.
    from aggregator.models import Comment, ParsedEntry

    posts = (post("https://b.example/a.html", None, guid="tag:b,1999:post-1"),)
    posts = (*posts, post("https://b.example/b.html", None, guid="tag:b,1999:post-2")._replace(id="p2"))

    def entry(guid: str, ref: str, href: str) -> ParsedEntry:
        return ParsedEntry(guid=guid, url=f"{href}?showComment=1#c{guid}", title="", author="", published=None,
                           updated=None, summary_html="", content_html="", categories=(), base_url=href,
                           in_reply_to=ref, in_reply_to_url=href)  # fmt: skip

    top = entry("tag:b,1999:post-11", "tag:b,1999:post-2", "https://b.example/b.html")
    reply = entry("tag:b,1999:post-12", "tag:b,1999:post-11", "https://b.example/b.html?showComment=1")
    deeper = entry("tag:b,1999:post-13", "tag:b,1999:post-12", "https://b.example/b.html?showComment=2")
    stray = entry("tag:b,1999:post-14", "tag:b,1999:post-99", "https://b.example/c.html?showComment=3")
    feed = plan.CommentFeed(Participant(slug="b", name="B", feed="https://b.example/feed", home="https://b.example/"),
                            ("https://b.example/feeds/comments/default",), posts, sitewide=True)  # fmt: skip

    def clean(entry: ParsedEntry, post_id: str) -> Comment:
        return Comment(post_id=post_id, guid=entry.guid, url=None, parent_guid=entry.in_reply_to, author="",
                       author_url=None, published=None, content_html="")  # fmt: skip

    found = plan.for_posts([deeper, reply, top, stray], feed, clean)  # newest first, as feeds list them
    assert [(c.guid, c.post_id) for c in found] == [
        ("tag:b,1999:post-13", "p2"), ("tag:b,1999:post-12", "p2"), ("tag:b,1999:post-11", "p2")]


def test_a_blogger_blog_has_a_feed_of_all_its_comments_asked_for_more_than_one_post():
    assert plan.blogger_sitewide("https://zug.blogspot.com/feeds/2945817365823401178/comments/default") == \
        "https://zug.blogspot.com/feeds/comments/default?max-results=500"
    assert plan.blogger_sitewide("https://www.blogger.com/feeds/7365/2945/comments/default") == \
        "https://www.blogger.com/feeds/7365/comments/default?max-results=500"
    for other in ("https://www.blogger.com/feeds/7365/comments/default", "https://b.example/2026/post/feed/",
                  "https://b.example/feeds/posts/default"):
        assert plan.blogger_sitewide(other) is None
    blog = Participant(slug="z", name="Z", feed="https://zug.blogspot.com/feeds/posts/default",
                       home="https://zug.blogspot.com/")  # fmt: skip
    one, two = (post(f"https://zug.blogspot.com/2026/11/{n}.html", f"https://zug.blogspot.com/feeds/{n}/comments/default",
                     count=2)._replace(id=n) for n in ("111", "222"))  # fmt: skip
    feed = plan.plan_sitewide(blog, [one, two], [one, two])
    assert feed is not None and feed.sitewide and feed.urls == ("https://zug.blogspot.com/feeds/comments/default?max-results=500",)
    assert feed.is_probe(feed.urls[0])  # a guess: missing, it is no error
    assert plan.plan_sitewide(blog, [one, two], [two]) is None  # one post: its own feed is the smaller answer
    assert plan.plan_sitewide(blog, [one, two], []) is None  # a new comment changes the post feed's count
    # Read before (a busy night, not a first read): the posts' own feeds, smaller than 500 comments.
    assert plan.plan_sitewide(blog, [one, two], [one, two._replace(comments_checked=1)]) is None


def test_a_comment_feed_named_by_several_posts_gives_each_post_its_own_comments(tmp_path, feed_server):
    """Posts whose `wfw:commentRss` all name the blog's site-wide comment feed: it is read once,
    and each comment goes to the post its link names; one that names no post goes nowhere."""
    shared = feed_server.url("/geteilt/comments/feed/")
    posts, threads = [], []
    for post in (1, 2, 3):
        url, guid = feed_server.url(f"/geteilt/post-{post}/"), feed_server.url(f"/geteilt/?p={post}")
        posts.append(Item(guid, f"Geteilt {post}", url, NOW - timedelta(days=5), comments_feed=shared))
        if post != 3:  # the third has no comments yet
            threads.append(wordpress_comments_rss(guid, url, replies("geteilt", post)))
    imprint = feed_server.url("/geteilt/impressum/")
    threads.append(wordpress_comments_rss(feed_server.url("/geteilt/?page_id=9"), imprint,
                                          [Reply(1, "Zoe", "Kommentar geteilt-impressum-1 zur Seite")]))
    items = "".join(thread.split("</link>", 1)[1].removesuffix("</channel></rss>") for thread in threads)
    sitewide = wordpress_comments_rss("", feed_server.url("/geteilt/"), [])
    sitewide = sitewide.replace("</channel>", items + "</channel>")
    feed_server.route("/geteilt/comments/feed/", respond(sitewide.encode()))
    feed_server.route("/geteilt/feed/", respond(rss(posts, title="Blog geteilt").encode()))
    site = site_with(tmp_path, [Blog("geteilt", feed_server.url("/geteilt/feed/"), True)])
    ok(invoke(site, "fetch"))
    hits = feed_server.hits("/geteilt/comments/feed/")
    ok(invoke(site, "build"))
    pages = post_pages(site / "output")
    for post in (1, 2, 3):
        text = pages[f"Geteilt {post}"].text + " "
        for other in (1, 2):
            shown = [number for number, _, _ in THREAD if marker("geteilt", other, number) in text]
            assert shown == ([number for number, _, _ in THREAD] if other == post else []), (post, other)
        assert "geteilt-impressum" not in text
    assert hits == 1


def test_a_feed_is_shared_when_any_two_posts_name_it_followed_or_not():
    """A young post naming the feed its old posts name too does not own it: the old posts'
    comments in it are not the young one's."""
    young = post("https://b.example/neu/", "https://b.example/comments/feed/")._replace(id="neu")
    old = post("https://b.example/alt/", "https://b.example/comments/feed/", days=400)._replace(id="alt")
    own = post("https://b.example/x/", "https://b.example/x/feed/")._replace(id="x")
    assert plan.shared_feeds([young, old, own], [young, own]) == {young.comment_feed: [young]}
    assert plan.shared_feeds([young, own], [young, own]) == {}
    feed = plan.per_post_feed(BLOG, young, sharing=[young])
    assert feed.sitewide and feed.posts == (young,)


def test_comment_days_of_0_follow_no_post_by_its_age():
    # A post dated a little ahead (a blog's clock) was followed with 0, where none should be.
    ahead = post("https://b.example/p/", "https://b.example/p/feed/", days=-1)
    assert plan.followed(ahead, NOW, 60, frozenset())
    assert not plan.followed(ahead, NOW, 0, frozenset())
    assert plan.followed(ahead, NOW, 0, frozenset({ahead.id}))  # a parade's contribution: always


def test_a_comment_dated_without_a_zone_is_a_time_in_the_sites_zone(tmp_path, feed_server):
    # As a post's date (test_engines): the time on the blog's clock, in the site's zone.
    written = (NOW - timedelta(days=2)).replace(tzinfo=None, hour=23, minute=30, second=0)
    post_url = feed_server.url("/z/1/")
    thread = threaded_comments_atom("z-1", post_url, [Reply(1, "Anna", "Spät am Abend", published=written)])
    comments = feed_server.route("/z/1/comments.xml", respond(thread.encode(), content_type=ATOM_TYPE))
    post = Item("z-1", "Ein Beitrag", post_url, NOW - timedelta(days=3), comments_feed=comments, comment_count=1)
    feed = feed_server.route("/z/feed.xml", respond(atom([post]).encode(), content_type=ATOM_TYPE))
    berlin = ZoneInfo("Europe/Berlin")
    with Store(tmp_path / "store.sqlite") as store:
        asyncio.run(update(store, [Participant(slug="z", name="Z", feed=feed, home=feed_server.url("/z/"))],
                           QUICK, feeds=FeedOptions(zone=berlin)))  # fmt: skip
        [comment] = store.comments()
    assert comment.published == written.replace(tzinfo=berlin).astimezone(UTC)


@pytest.mark.parametrize(("count", "twins"), [(3, set()), (5, {"?feed=atom&p=3"})],
                         ids=["all in the site-wide feed", "some missing there"])
def test_a_blog_with_plain_permalinks_is_read_as_a_pretty_one(tmp_path, feed_server, count, twins):
    # WordPress without pretty permalinks names every feed by a query: a post's comments
    # `?feed=rss2&p=12` (their Atom twin `?feed=atom&p=12`, threaded), the blog's latest
    # `?feed=comments-atom`.  Read as its pretty twin would be: the site-wide feed first (one
    # request for most nights), the posts' Atom twins for what it missed; no API here.
    posts = [wordpress.Post(n, f"beitrag-{n}", f"Beitrag {n}", NOW - timedelta(days=n)) for n in range(1, 4)]
    for post in posts:
        for n in range(1, count + 1):  # the site-wide feed shows the newest 10: post 3's last
            post.comments.append(wordpress.Comment(10 * post.id + n, f"Leser {n}", f"Kommentar {n}.",
                                                   post.published + timedelta(minutes=n),
                                                   parent=10 * post.id + n - 1 if n == 3 else 0))  # fmt: skip
    blog = wordpress.Blog(feed_server.url("/wp"), "Gartenblog", posts, permalinks="plain")
    route_documents(feed_server, blog.documents())
    participant = Participant("wp", "Gartenblog", blog.posts_rss_url(), blog.home + "/")
    with Store(tmp_path / "store.sqlite") as store:
        summary = asyncio.run(update(store, [participant], QUICK, now=NOW))
        assert summary.errors == []
        stored = {comment.guid: comment for comment in store.comments()}
    assert len(stored) == sum(len(post.comments) for post in posts)
    for post in posts:
        reply = blog.comment(10 * post.id + 3)
        assert stored[blog.comment_guid(reply)].parent_ref == blog.comment_guid(blog.parent_of(reply))
    asked = [seen.target.removeprefix("/wp/") for seen in feed_server.requests]
    assert asked[:2] == ["?feed=rss2", "?feed=comments-atom"]
    assert not [target for target in asked if target.startswith("?feed=rss2&p=")], asked
    assert {target for target in asked if target.startswith("?feed=atom&p=")} == twins
