"""Comments their blog deleted leave the site: where a run reads a post's whole thread (as many
comments as its count says) without a stored one, that one is hidden, and shown again once the
blog approves it again.  A feed showing part of a thread hides nothing.

WordPress blogs on loopback (tests/wordpress.py), with and without their REST API; `fetch` and
`build` through the command line, the pages read as HTML.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, timedelta
from email.utils import format_datetime
from hashlib import md5
from urllib.parse import urlsplit

import pytest

from aggregator.feeds import comments as plan
from aggregator.models import PostHead
from aggregator.site import Site
from aggregator.store import Store
from tests import wordpress
from tests.acceptance_helpers import invoke, ok, parse_html, post_pages
from tests.servers import respond
from tests.test_wpapi import NOW, comment_bodies, route_feeds, serve, site_of

# Post 1: 4 comments (its count and every feed show them all); post 2: 14 comments, more than
# a comment feed shows (its newest 10).
SHAPES = ((1, 4, 0), (2, 14, 0))


def thread(site, title: str) -> list[str]:
    ok(invoke(site, "build"))
    return comment_bodies(parse_html(post_pages(site / "output")[title].path))


def stored_comments(site) -> int:
    with Store(Site.load(site).store_path) as store:
        return sum(1 for _ in store.comments())


def set_approved(server, blog: wordpress.Blog, post: int, number: int, approved: bool) -> None:
    """The blog's `number`th comment of its `post`th post deleted (or approved again), and its
    feeds served anew."""
    blog.posts[post - 1].comments[number - 1].approved = approved
    route_feeds(server, blog, blog.api_link())


@pytest.mark.parametrize("api", ["on", "off"])
def test_a_comment_its_blog_deleted_leaves_the_site_and_comes_back_when_approved_again(
    tmp_path, feed_server, api
):
    blog = serve(feed_server, "wp", shapes=SHAPES, api=api)
    site = site_of(tmp_path, "wp", blog)
    ok(invoke(site, "fetch"))
    assert len(thread(site, "Faden 1")) == 4
    assert "Kommentar 1-2 zum Faden." in " ".join(thread(site, "Faden 1"))
    stored = stored_comments(site)

    set_approved(feed_server, blog, 1, 2, False)
    fetched = ok(invoke(site, "fetch"))
    assert "1 deleted at their source (hidden here)" in fetched.output
    link = blog.comment_link(blog.posts[0].comments[1])
    assert f"  Gartenblog: a comment on 'Faden 1' ({link}) was deleted at its source: hidden here" in fetched.output
    bodies = thread(site, "Faden 1")
    assert len(bodies) == 3 and "Kommentar 1-2 zum Faden." not in " ".join(bodies)
    assert stored_comments(site) == stored  # hidden, not erased: a blog may approve it again

    # The next night, nothing changed: nothing more is asked of the post, nothing moves.
    before = len(feed_server.requests)
    again = ok(invoke(site, "fetch"))
    assert "deleted" not in again.output and "back at" not in again.output
    assert [r.path for r in feed_server.requests[before:]] == ["/wp/feed/", "/wp/comments/feed/atom/"]

    set_approved(feed_server, blog, 1, 2, True)
    fetched = ok(invoke(site, "fetch"))
    assert "1 back at their source (shown again)" in fetched.output
    assert f"  Gartenblog: a comment on 'Faden 1' ({link}) is back at its source: shown again" in fetched.output
    assert "Kommentar 1-2 zum Faden." in " ".join(thread(site, "Faden 1"))


def route_with_dated_validators(server, blog: wordpress.Blog, per_post: bool) -> None:
    """The blog's feeds with the validators their engine sends, which a deleted comment does
    not change.  WordPress (WP::send_headers): every feed's Last-Modified is the newest post's
    change, a comment feed's the newer of it and the newest comment anywhere on the blog, its
    ETag their md5: the post feed, whose counts change, answers 304 too.  `per_post`: an engine
    whose post feed has an ETag of its body (its counts change it) and whose comment feeds date
    themselves by their own newest comment (deleting an older one changes neither)."""
    newest_post = max(post.published for post in blog.posts)
    newest = {post.slug: max((c.published for c in post.approved), default=newest_post) for post in blog.posts}
    for kind, paths in blog.documents().items():
        for path, (body, content_type) in paths.items():
            if kind.startswith("posts"):
                dated = None if per_post else newest_post
            elif kind.startswith("post-comments") and per_post:
                dated = next(newest[p.slug] for p in blog.posts if f"/{p.slug}/" in path)
            else:
                dated = max(newest_post, *newest.values())
            last_modified = format_datetime(dated.astimezone(UTC), usegmt=True) if dated else None
            etag = f'"{md5((last_modified or "").encode()).hexdigest()}"' if dated else f'"{hash(body)}"'
            server.route(path, respond(body, content_type=content_type, etag=etag, last_modified=last_modified,
                                       headers={"Link": blog.api_link()}))  # fmt: skip


@pytest.mark.parametrize("per_post", [False, True], ids=["wordpress", "dated-per-post"])
def test_a_deletion_that_changes_no_validator_is_read_when_the_post_feed_says_the_count_fell(
    tmp_path, feed_server, per_post
):
    """A deleted comment that was not the newest changes no comment feed's validators: a post
    whose count fell has its own feed asked without them.  WordPress's post feed does not change
    either (its counts are not in its validators): the count is seen to fall when it next
    changes, a new post published.  (Post 2's three comments are older than post 1's ten: the
    site-wide feed, the newest ten, shows none of them.)"""
    blog = serve(feed_server, "wp", shapes=((1, 10, 0), (2, 3, 0)), api="off")
    route_with_dated_validators(feed_server, blog, per_post)
    site = site_of(tmp_path, "wp", blog)
    ok(invoke(site, "fetch"))
    blog.posts[1].comments[1].approved = False  # of post 2's three, the second
    route_with_dated_validators(feed_server, blog, per_post)
    if not per_post:
        assert "deleted" not in ok(invoke(site, "fetch")).output  # every answer a 304
        blog.posts.append(wordpress.Post(9, "neu", "Neu", NOW))
        route_with_dated_validators(feed_server, blog, per_post)
    before = len(feed_server.requests)
    assert "1 deleted at their source (hidden here)" in ok(invoke(site, "fetch")).output
    own = urlsplit(blog.post_comments_atom_url(blog.posts[1])).path
    [asked] = [r for r in feed_server.requests[before:] if r.path == own]
    assert "if-none-match" not in asked.headers and "if-modified-since" not in asked.headers
    bodies = " ".join(thread(site, "Faden 2"))
    assert "Kommentar 2-2 zum Faden." not in bodies and "Kommentar 2-3 zum Faden." in bodies
    # Read once: the next run asks the post's feed no more.
    before = len(feed_server.requests)
    ok(invoke(site, "fetch"))
    assert own not in [r.path for r in feed_server.requests[before:]]


def test_a_thread_longer_than_a_feed_shows_loses_only_what_a_whole_read_lacks(tmp_path, feed_server):
    """Post 2's 14 comments: its own feed shows the newest 10 (from the feeds alone, the oldest
    4 are never read).  The blog deletes the 5th: its feed now shows the 4th instead, and says
    nothing of the 5th, which stays; the API's list holds the whole thread, and says it is gone."""
    for api, before, after in (("off", 10, 11), ("on", 14, 13)):
        blog = serve(feed_server, f"wp-{api}", shapes=SHAPES, api=api)
        site = site_of(tmp_path / api, "wp", blog)
        ok(invoke(site, "fetch"))
        assert len(thread(site, "Faden 2")) == before, api
        set_approved(feed_server, blog, 2, 5, False)
        ok(invoke(site, "fetch"))
        bodies = " ".join(thread(site, "Faden 2"))
        assert len(thread(site, "Faden 2")) == after, api
        assert "Kommentar 2-4 zum Faden." in bodies
        assert ("Kommentar 2-5 zum Faden." in bodies) is (api == "off")


def test_a_feed_that_answers_with_fewer_comments_than_the_count_hides_none(tmp_path, feed_server):
    """A bad day: the count fell, and the post's feed holds fewer comments than the count says (a
    cache serving a truncated page): which comment the blog deleted is not known, none is hidden."""
    blog = serve(feed_server, "wp", shapes=SHAPES, api="off")
    site = site_of(tmp_path, "wp", blog)
    ok(invoke(site, "fetch"))
    set_approved(feed_server, blog, 1, 4, False)  # the count: 3
    post = blog.posts[0]
    cut = replace(blog, posts=[replace(post, comments=[c for c in post.comments if c.approved][:1])])
    for path, body in ((blog.post_comments_atom_url(post), cut.post_comments_atom(cut.posts[0])),
                       (blog.comments_atom_url(), cut.comments_atom())):  # the feeds: 1 comment
        feed_server.route(urlsplit(path).path, respond(body, content_type=wordpress.ATOM_TYPE))
    fetched = ok(invoke(site, "fetch"))
    assert "deleted" not in fetched.output
    assert len(thread(site, "Faden 1")) == 4


def test_a_comment_the_editors_hid_stays_hidden_whatever_its_blog_does(tmp_path, feed_server):
    blog = serve(feed_server, "wp", shapes=SHAPES, api="off")
    site = site_of(tmp_path, "wp", blog)
    ok(invoke(site, "fetch"))
    comment = blog.posts[0].comments[2]
    ok(invoke(site, "hide", blog.comment_link(comment)))
    set_approved(feed_server, blog, 1, 3, False)  # deleted on the blog too
    assert "deleted" not in ok(invoke(site, "fetch")).output  # hidden already
    set_approved(feed_server, blog, 1, 3, True)
    assert "back at" not in ok(invoke(site, "fetch")).output
    assert "Kommentar 1-3 zum Faden." not in " ".join(thread(site, "Faden 1"))
    ok(invoke(site, "unhide", blog.comment_link(comment)))
    assert "Kommentar 1-3 zum Faden." in " ".join(thread(site, "Faden 1"))


def test_a_deleted_comment_the_editors_showed_again_stays_shown(tmp_path, feed_server):
    blog = serve(feed_server, "wp", shapes=SHAPES, api="off")
    site = site_of(tmp_path, "wp", blog)
    ok(invoke(site, "fetch"))
    set_approved(feed_server, blog, 1, 2, False)
    assert "1 deleted at their source" in ok(invoke(site, "fetch")).output
    ok(invoke(site, "unhide", blog.comment_link(blog.posts[0].comments[1])))
    set_approved(feed_server, blog, 1, 4, False)  # another one: the thread is read whole again
    assert "1 deleted at their source" in ok(invoke(site, "fetch")).output
    bodies = " ".join(thread(site, "Faden 1"))
    assert "Kommentar 1-2 zum Faden." in bodies and "Kommentar 1-4 zum Faden." not in bodies
    ok(invoke(site, "hide", blog.comment_link(blog.posts[0].comments[1])))  # and hidden again
    assert "Kommentar 1-2 zum Faden." not in " ".join(thread(site, "Faden 1"))


def test_every_comment_of_a_post_deleted_leaves_the_site(tmp_path, feed_server):
    """The count fell to 0: the post's own feed is asked (no other would be), and is empty."""
    blog = serve(feed_server, "wp", shapes=((1, 2, 0),), api="off")
    site = site_of(tmp_path, "wp", blog)
    ok(invoke(site, "fetch"))
    for comment in blog.posts[0].comments:
        comment.approved = False
    route_feeds(feed_server, blog, blog.api_link())
    before = len(feed_server.requests)
    assert "2 deleted at their source (hidden here)" in ok(invoke(site, "fetch")).output
    asked = [r.path for r in feed_server.requests[before:]]
    assert urlsplit(blog.post_comments_atom_url(blog.posts[0])).path in asked
    assert "/wp/comments/feed/atom/" not in asked  # every count is 0: nothing else to ask
    assert thread(site, "Faden 1") == []


def test_which_posts_threads_were_read_whole_and_what_they_lack():
    def head(id_: str, count: int | None) -> PostHead:
        return PostHead(id_, "b", id_, f"https://b.example/{id_}/", NOW - timedelta(days=1),
                             f"https://b.example/{id_}/feed/", count, None)  # fmt: skip

    posts = [head("whole", 2), head("part", 3), head("empty", 0), head("unread", 1), head("no-count", None)]
    held = {"whole": {"a", "b"}, "part": {"c"}, "empty": set(), "no-count": {"d"}}
    threads = plan.whole_threads(posts, held)
    assert threads == {"whole": {"a", "b"}, "empty": set()}
    stored = {
        "whole": {"a": "shown", "x": "shown", "b": "gone", "y": "editors", "z": "gone"},
        "empty": {"e": "shown", "f": "editors"},
        "part": {"q": "shown"},  # not read whole: never judged
    }  # fmt: skip
    gone, back = plan.gone_at_source(threads, stored)
    assert sorted(gone) == [("empty", "e"), ("whole", "x")]
    assert back == [("whole", "b")]


def test_more_comments_came_than_the_count_rose_by_wants_the_thread_read():
    def checked(count: int, then: int, stored_then: int) -> PostHead:
        return PostHead("p", "b", "p", "https://b.example/p/", NOW - timedelta(days=1),
                        "https://b.example/p/feed/", count, then, stored_then)  # fmt: skip

    # Checked at 5 with 5 stored; now the count says 5 and 6 are stored: one of them is gone.
    assert plan.surplus(checked(5, 5, 5), 6) and plan.wants_comments(checked(5, 5, 5), 6)
    # The count rose by as many as came, or more (some still missing): no deletion to look for.
    assert not plan.surplus(checked(6, 5, 5), 6) and not plan.wants_comments(checked(6, 5, 5), 6)
    assert not plan.surplus(checked(7, 5, 5), 6)
    # Read since (checked at 5 with 6 stored, one of them hidden as gone): nothing more to ask.
    assert not plan.surplus(checked(5, 5, 6), 6) and not plan.wants_comments(checked(5, 5, 6), 6)
    assert not plan.surplus(checked(5, 5, 5)._replace(comments_checked_stored=None), 6)


def test_a_comment_deleted_the_night_another_came_leaves_the_site_too(tmp_path, feed_server):
    """The blog deletes a comment and gets a new one the same night: the post's count stays, and
    the deleted one stayed on the site for good (no count fell; the site-wide feed, the blog's
    newest 10, holds no thread of 14 whole).  More came than the count rose by: the API's list
    of the thread says which is gone."""
    blog = serve(feed_server, "wp", shapes=SHAPES, api="on")
    site = site_of(tmp_path, "wp", blog)
    ok(invoke(site, "fetch"))
    assert "Kommentar 2-5 zum Faden." in " ".join(thread(site, "Faden 2"))
    post = blog.posts[1]
    newest = max(c.id for p in blog.posts for c in p.comments)
    post.comments[4].approved = False
    post.comments.append(wordpress.Comment(newest + 1, "Neu", "Ein neuer Kommentar.", NOW))
    route_feeds(feed_server, blog, blog.api_link())
    for _ in range(2):  # the new one comes; the next night the deleted one goes
        ok(invoke(site, "fetch"))
    bodies = " ".join(thread(site, "Faden 2"))
    assert "Ein neuer Kommentar." in bodies and "Kommentar 2-5 zum Faden." not in bodies
    assert len(thread(site, "Faden 2")) == 14
    before = len(feed_server.requests)
    ok(invoke(site, "fetch"))  # nothing changed: nothing more is asked of the post
    assert [r.path for r in feed_server.requests[before:]] == ["/wp/feed/", "/wp/comments/feed/atom/"]
