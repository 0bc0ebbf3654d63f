"""Comments their blog deleted leave the site: where a run reads a post's whole thread (as many
comments as its count says) without a stored one, that one is hidden, and shown again once the
blog approves it again.  A feed showing part of a thread hides nothing.

WordPress blogs on loopback (tests/wordpress.py), with and without their REST API; `fetch` and
`build` through the command line, the pages read as HTML.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
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
    bodies = thread(site, "Faden 1")
    assert len(bodies) == 3 and "Kommentar 1-2 zum Faden." not in " ".join(bodies)
    assert stored_comments(site) == stored  # hidden, not erased: a blog may approve it again

    # The next night, nothing changed: nothing more is asked of the post, nothing moves.
    before = len(feed_server.requests)
    again = ok(invoke(site, "fetch"))
    assert "deleted" not in again.output and "back at" not in again.output
    assert [r.path for r in feed_server.requests[before:]] == ["/wp/feed/", "/wp/comments/feed/atom/"]

    set_approved(feed_server, blog, 1, 2, True)
    assert "1 back at their source (shown again)" in ok(invoke(site, "fetch")).output
    assert "Kommentar 1-2 zum Faden." in " ".join(thread(site, "Faden 1"))


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
        "whole": {"a": "shown", "x": "shown", "b": "gone", "y": "hidden", "z": "gone"},
        "empty": {"e": "shown", "f": "hidden"},
        "part": {"q": "shown"},  # not read whole: never judged
    }  # fmt: skip
    gone, back = plan.gone_at_source(threads, stored)
    assert sorted(gone) == [("empty", "e"), ("whole", "x")]
    assert back == [("whole", "b")]
