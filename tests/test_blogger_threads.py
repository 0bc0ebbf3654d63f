"""Blogger comment threads, end to end: a Blogger-style blog on loopback, replies nested on the post page.

Blogger's thr:in-reply-to names the post for every comment; a reply names its parent only in
<link rel='related'> to the parent's entry at www.blogger.com (see aggregator/parse.py).
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from xml.sax.saxutils import escape

import pytest

from aggregator.feeds.parse import parse_feed
from tests.acceptance_helpers import (
    invoke,
    new_site,
    ok,
    parse_html,
    post_pages,
    write_participant,
)
from tests.servers import ATOM_TYPE, RSS_TYPE, Request, respond, status

NOW = datetime.now(UTC).replace(microsecond=0)
BLOG, POST = "7365941023458871234", "2945817365823401178"
NAMESPACES = ("xmlns='http://www.w3.org/2005/Atom' xmlns:openSearch='http://a9.com/-/spec/opensearchrss/1.0/' "
              "xmlns:blogger='http://schemas.google.com/blogger/2008' xmlns:gd='http://schemas.google.com/g/2005' "
              "xmlns:thr='http://purl.org/syndication/thread/1.0'")
THREAD = [  # (comment number, author, text, the number it replies to)
    ("6301946283749215501", "Jonas", "Nimm den Liegewagen, der Schlafwagen ist immer ausgebucht.", None),
    ("4410376928104726602", "Miriam", "Danke für den Tipp mit dem Liegewagen!", "6301946283749215501"),
    ("1873650293847561003", "Jonas", "Gern geschehen, gute Fahrt!", "4410376928104726602"),
    ("9023817465029384756", "Ute", "Wie war das Frühstück im Zug?", None),
]  # fmt: skip


def tag(number: str) -> str:
    return f"tag:blogger.com,1999:blog-{BLOG}.post-{number}"


def timestamp(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds")  # Blogger writes milliseconds


def posts_feed(post_url: str, comments_url: str, thread: list[tuple[str, str, str, str | None]] = THREAD,
               *more: str) -> str:
    """/feeds/posts/default with the post's two rel='replies' links, as Blogger has them (and
    the entries `more`, from post_entry)."""
    return (f"<?xml version='1.0' encoding='UTF-8'?><feed {NAMESPACES}><id>tag:blogger.com,1999:blog-{BLOG}</id>"
            f"<updated>{timestamp(NOW)}</updated><title type='text'>Zug und Zuhause</title>"
            + post_entry(POST, "Mit dem Nachtzug nach Wien", post_url, comments_url, len(thread))
            + "".join(more) + "</feed>")


def post_entry(post: str, title: str, post_url: str, comments_url: str, count: int) -> str:
    return (f"<entry><id>{tag(post)}</id><published>{timestamp(NOW - timedelta(days=2))}</published>"
            f"<updated>{timestamp(NOW - timedelta(days=2))}</updated><title type='text'>{escape(title)}</title>"
            "<content type='html'>&lt;p&gt;Zwölf Stunden, ein Liegewagen.&lt;/p&gt;</content>"
            f"<link rel='replies' type='application/atom+xml' href='{escape(comments_url)}' title='Kommentare zum Post'/>"
            f"<link rel='replies' type='text/html' href='{escape(post_url)}#comment-form' title='{count} Kommentare'/>"
            f"<link rel='alternate' type='text/html' href='{escape(post_url)}' title='{escape(title)}'/>"
            "<author><name>Miriam</name><email>noreply@blogger.com</email></author>"
            f"<thr:total>{count}</thr:total></entry>")


def comment_entry(post_url: str, index: int, number: str, author: str, text: str, parent: str | None,
                  post: str = POST) -> str:
    """One comment, newest first as Blogger lists them; thr:in-reply-to always names the post."""
    own = f"https://www.blogger.com/feeds/{BLOG}/{post}/comments/default/{number}"
    related = (f"<link rel='related' type='application/atom+xml' "
               f"href='https://www.blogger.com/feeds/{BLOG}/{post}/comments/default/{parent}'/>" if parent else "")
    when = timestamp(NOW - timedelta(days=1, hours=-index))
    return (f"<entry><id>{tag(number)}</id><published>{when}</published><updated>{when}</updated>"
            f"<title type='text'>{escape(text[:40])}</title><content type='html'>{escape(text)}</content>"
            f"<link rel='self' type='application/atom+xml' href='{own}'/>"
            f"<link rel='alternate' type='text/html' href='{escape(post_url)}?showComment={index}#c{number}' title=''/>"
            f"{related}<author><name>{escape(author)}</name><email>noreply@blogger.com</email></author>"
            f"<thr:in-reply-to href='{escape(post_url)}' ref='{tag(post)}' "
            f"source='http://www.blogger.com/feeds/{BLOG}/posts/default/{post}' type='text/html'/></entry>")


def comments_feed(post_url: str, thread: list[tuple[str, str, str, str | None]] = THREAD, post: str = POST,
                  *more: str) -> str:
    """A post's comment feed (and the entries `more`, as the blog's feed of all comments has them)."""
    entries = [comment_entry(post_url, index, *comment, post=post) for index, comment in enumerate(thread)]
    return (f"<?xml version='1.0' encoding='UTF-8'?><feed {NAMESPACES}>"
            f"<id>tag:blogger.com,1999:blog-{BLOG}.post{post}..comments</id><updated>{timestamp(NOW)}</updated>"
            "<title type='text'>Kommentare zu Zug und Zuhause: Mit dem Nachtzug nach Wien</title>"
            + "".join(more) + "".join(reversed(entries)) + "</feed>")


def comment_article(page, text: str):
    [body] = page.xpath("//div[@class='comment-body'][contains(., $text)]", text=text)
    return body.getparent()


def nested_under(article):
    """The comment whose list item holds this comment's list item, or None at the top level."""
    outer = article.xpath("ancestor::li[2]/article")
    return outer[0] if outer else None


def test_blogger_replies_are_nested_under_their_parent_on_the_post_page(tmp_path, feed_server):
    post_url = feed_server.url("/2026/11/nachtzug-wien.html")
    comments_url = feed_server.url(f"/feeds/{POST}/comments/default")
    feed_server.route("/feeds/posts/default", respond(posts_feed(post_url, comments_url).encode(),
                                                      content_type=ATOM_TYPE))
    assert_thread_nested(tmp_path, feed_server, post_url, feed_server.url("/feeds/posts/default"))


def assert_thread_nested(tmp_path, feed_server, post_url: str, joined_feed: str) -> None:
    """The blog joined by `joined_feed` (routed by the caller), fetched and built: THREAD on the
    post's page, each comment under its parent."""
    feed_server.route(f"/feeds/{POST}/comments/default", respond(comments_feed(post_url).encode(),
                                                                 content_type=ATOM_TYPE))  # fmt: skip
    site = new_site(tmp_path / "site")
    write_participant(site, "zugundzuhause", "Zug und Zuhause", joined_feed, home=feed_server.url("/"))
    assert "4 new comments" in ok(invoke(site, "fetch")).output
    ok(invoke(site, "build"))
    page = parse_html(post_pages(site / "output")["Mit dem Nachtzug nach Wien"].path)
    articles = {number: comment_article(page, text) for number, _, text, _ in THREAD}
    for number, author, _, parent in THREAD:
        assert author in articles[number].text_content()
        assert nested_under(articles[number]) is (articles[parent] if parent else None), number


def test_a_comment_deleted_on_the_blog_does_not_hide_the_next_one(tmp_path, feed_server):
    """A comment deleted on the blog is hidden here (its post's feed, read whole, lacks it) and
    stays stored, so after one the store holds more comments than the blog's count says: a new
    comment that brings the count back to what is stored must still be read."""
    post_url = feed_server.url("/2026/11/nachtzug-wien.html")
    comments_url = feed_server.url(f"/feeds/{POST}/comments/default")

    def blog_with(thread: list[tuple[str, str, str, str | None]]) -> None:
        feed_server.route("/feeds/posts/default", respond(posts_feed(post_url, comments_url, thread).encode(),
                                                          content_type=ATOM_TYPE))  # fmt: skip
        feed_server.route(f"/feeds/{POST}/comments/default", respond(comments_feed(post_url, thread).encode(),
                                                                     content_type=ATOM_TYPE))  # fmt: skip

    site = new_site(tmp_path / "site")
    write_participant(site, "zugundzuhause", "Zug und Zuhause", feed_server.url("/feeds/posts/default"),
                      home=feed_server.url("/"))
    blog_with(THREAD)
    assert "4 new comments" in ok(invoke(site, "fetch")).output
    blog_with(THREAD[:3])  # Ute's comment deleted on the blog: 3 comments, 4 stored
    assert "1 deleted at their source (hidden here)" in ok(invoke(site, "fetch")).output
    asked = feed_server.hits(f"/feeds/{POST}/comments/default")
    blog_with([*THREAD[:3], ("5550123498765432100", "Pia", "Im Sommer fahre ich auch mit!", None)])
    assert "1 new comment" in ok(invoke(site, "fetch")).output
    assert feed_server.hits(f"/feeds/{POST}/comments/default") == asked + 1
    ok(invoke(site, "build"))
    page = parse_html(post_pages(site / "output")["Mit dem Nachtzug nach Wien"].path)
    assert "Pia" in comment_article(page, "Im Sommer fahre ich auch mit!").text_content()
    assert not page.xpath("//div[@class='comment-body'][contains(., 'Frühstück im Zug')]")


def test_a_blogger_blogs_first_read_takes_all_its_comments_from_one_feed(tmp_path, feed_server):
    # Blogger has a feed of all a blog's comments (its newest 500 when asked): where more than one
    # post wants comments (a blog's first read), that one request serves them all; where it is
    # missing, each post's own feed is read, and that is no error.
    other, other_url = "5512340987654321009", feed_server.url("/2026/11/bahnstreik.html")
    other_thread = [("5100000000000000001", "Ute", "Wieder Streik, wieder Homeoffice.", None),
                    ("5100000000000000002", "Miriam", "Bei mir auch!", "5100000000000000001")]  # fmt: skip
    post_url = feed_server.url("/2026/11/nachtzug-wien.html")
    feed_server.route("/feeds/posts/default", respond(posts_feed(
        post_url, feed_server.url(f"/feeds/{POST}/comments/default"), THREAD,
        post_entry(other, "Bahnstreik", other_url, feed_server.url(f"/feeds/{other}/comments/default"), 2),
    ).encode(), content_type=ATOM_TYPE))  # fmt: skip
    feed_server.route(f"/feeds/{POST}/comments/default", respond(comments_feed(post_url).encode(), content_type=ATOM_TYPE))
    feed_server.route(f"/feeds/{other}/comments/default",
                      respond(comments_feed(other_url, other_thread, other).encode(), content_type=ATOM_TYPE))  # fmt: skip
    every = comments_feed(post_url, THREAD, POST, *reversed([
        comment_entry(other_url, index, *comment, post=other) for index, comment in enumerate(other_thread)]))

    async def all_comments(request: Request) -> None:
        assert "max-results=500" in request.target
        await request.send(200, {"Content-Type": ATOM_TYPE}, every.encode())

    feed_server.route("/feeds/comments/default", all_comments)
    site = new_site(tmp_path / "site")
    write_participant(site, "zugundzuhause", "Zug und Zuhause", feed_server.url("/feeds/posts/default"),
                      home=feed_server.url("/"))  # fmt: skip
    fetched = ok(invoke(site, "fetch")).output
    assert "1 comment feed: 1 fetched, 0 unchanged, 0 errors; 6 new comments." in fetched
    assert feed_server.hits("/feeds/comments/default") == 1
    assert feed_server.hits(f"/feeds/{POST}/comments/default") == feed_server.hits(f"/feeds/{other}/comments/default") == 0
    ok(invoke(site, "build"))
    page = parse_html(post_pages(site / "output")["Bahnstreik"].path)
    assert nested_under(comment_article(page, "Bei mir auch!")) is comment_article(page, "Wieder Streik")
    page = parse_html(post_pages(site / "output")["Mit dem Nachtzug nach Wien"].path)
    for number, _, text, parent in THREAD:
        parent_text = next((t for n, _, t, _ in THREAD if n == parent), None)
        assert nested_under(comment_article(page, text)) is (comment_article(page, parent_text) if parent_text else None)

    # Without that feed: each post's own, and no error.
    feed_server.route("/feeds/comments/default", status(404))
    second = new_site(tmp_path / "second")
    write_participant(second, "zugundzuhause", "Zug und Zuhause", feed_server.url("/feeds/posts/default"),
                      home=feed_server.url("/"))  # fmt: skip
    fetched = ok(invoke(second, "fetch")).output
    assert "comment feeds: 2 fetched, 0 unchanged, 0 errors; 6 new comments." in fetched  # the guess no error
    assert feed_server.hits(f"/feeds/{POST}/comments/default") == feed_server.hits(f"/feeds/{other}/comments/default") == 1


def posts_rss(post_url: str, home: str, thread: list[tuple[str, str, str, str | None]] = THREAD) -> str:
    """/feeds/posts/default?alt=rss: the same post, with its comment count and no link to its comments."""
    published = NOW - timedelta(days=2)
    return (f"<?xml version='1.0' encoding='UTF-8'?><rss xmlns:atom='http://www.w3.org/2005/Atom' "
            "xmlns:openSearch='http://a9.com/-/spec/opensearchrss/1.0/' xmlns:blogger='http://schemas.google.com/blogger/2008' "
            "xmlns:gd='http://schemas.google.com/g/2005' xmlns:thr='http://purl.org/syndication/thread/1.0' version='2.0'>"
            f"<channel><atom:id>tag:blogger.com,1999:blog-{BLOG}</atom:id><lastBuildDate>{format_datetime(NOW)}</lastBuildDate>"
            f"<title>Zug und Zuhause</title><description></description><link>{escape(home)}</link>"
            "<managingEditor>noreply@blogger.com (Miriam)</managingEditor><generator>Blogger</generator>"
            f"<item><guid isPermaLink='false'>{tag(POST)}</guid><pubDate>{format_datetime(published)}</pubDate>"
            f"<atom:updated>{timestamp(published)}</atom:updated><title>Mit dem Nachtzug nach Wien</title>"
            "<description>&lt;p&gt;Zwölf Stunden, ein Liegewagen.&lt;/p&gt;</description>"
            f"<link>{escape(post_url)}</link><author>noreply@blogger.com (Miriam)</author>"
            f"<thr:total>{len(thread)}</thr:total></item></channel></rss>")


@pytest.mark.parametrize("engine", ["lxml", "feedparser"])
def test_a_blogger_post_read_from_rss_has_its_comment_feed(engine):
    post_url = "https://zugundzuhause.blogspot.com/2026/11/nachtzug-wien.html"
    [post] = parse_feed(posts_rss(post_url, "https://zugundzuhause.blogspot.com/").encode(), {},
                        "https://zugundzuhause.blogspot.com/feeds/posts/default?alt=rss", engine=engine).entries
    assert post.comment_feed == f"https://zugundzuhause.blogspot.com/feeds/{POST}/comments/default"
    assert post.comment_count == len(THREAD)
    # Comments switched off: Blogger counts none, and no feed is guessed.
    closed = posts_rss(post_url, "https://zugundzuhause.blogspot.com/").replace(f"<thr:total>{len(THREAD)}</thr:total>", "")
    [post] = parse_feed(closed.encode(), {}, "https://zugundzuhause.blogspot.com/feeds/posts/default?alt=rss",
                        engine=engine).entries
    assert post.comment_feed is None


@pytest.mark.slow
def test_a_blogger_blog_joined_by_its_rss_feed_shows_its_threads(tmp_path, feed_server):
    post_url = feed_server.url("/2026/11/nachtzug-wien.html")
    feed_server.route("/feeds/posts/default", respond(posts_rss(post_url, feed_server.url("/")).encode(),
                                                      content_type=RSS_TYPE))  # fmt: skip
    assert_thread_nested(tmp_path, feed_server, post_url, feed_server.url("/feeds/posts/default?alt=rss"))


@pytest.mark.slow
def test_a_blogger_thread_longer_than_its_feeds_page_is_read_whole(tmp_path, feed_server):
    # Blogger's comment feeds list 25 comments unless asked for more (max-results): a post with
    # 30 showed 25 ("Shown here: 25 of 30").
    thread = [(f"{7000000000000000000 + n}", f"Person {n}", f"Kommentar Nummer {n}.", None) for n in range(30)]
    post_url = feed_server.url("/2026/11/nachtzug-wien.html")
    comments_url = feed_server.url(f"/feeds/{POST}/comments/default")
    feed_server.route("/feeds/posts/default", respond(posts_feed(post_url, comments_url, thread).encode(),
                                                      content_type=ATOM_TYPE))  # fmt: skip
    whole, page = comments_feed(post_url, thread), comments_feed(post_url, thread[-25:])

    async def comments(request: Request) -> None:
        asked = "max-results=500" in request.target
        await request.send(200, {"Content-Type": ATOM_TYPE}, (whole if asked else page).encode())

    feed_server.route(f"/feeds/{POST}/comments/default", comments)
    site = new_site(tmp_path / "site")
    write_participant(site, "zugundzuhause", "Zug und Zuhause", feed_server.url("/feeds/posts/default"),
                      home=feed_server.url("/"))
    assert "30 new comments" in ok(invoke(site, "fetch")).output
