"""What each channel names: webmentions in JF2, pingbacks and trackbacks of the call."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from aggregator.feeds.parse import parse_feed
from aggregator.models import StoredComment
from aggregator.parades.candidates import NotAMentionFeed, from_call_mentions, from_comment_feed, from_jf2
from tests.wordpress import Blog, Comment, Post, pingback

WHEN = datetime(2026, 10, 12, 9, tzinfo=UTC)


def jf2(*children: dict) -> bytes:
    return json.dumps({"type": "feed", "name": "Webmentions", "children": list(children)}).encode()


def test_a_jf2_feed_names_its_mentions_not_likes_or_reposts():
    body = jf2(
        {"type": "entry", "url": "https://anna.example/beitrag/", "published": "2026-10-12T09:00:00+00:00",
         "wm-property": "mention-of", "author": {"type": "card", "name": "Anna"}},
        {"type": "entry", "url": "https://bernd.example/antwort/", "wm-received": "2026-10-13T10:00:00Z",
         "wm-property": "in-reply-to"},
        {"type": "entry", "url": "https://social.example/like/1", "wm-property": "like-of"},
        {"type": "entry", "url": "https://social.example/repost/1", "wm-property": "repost-of"},
        {"type": "entry", "wm-source": "https://cara.example/post/", "wm-property": "mention-of"},
        {"type": "entry", "url": "javascript:alert(1)", "wm-property": "mention-of"},
        "not an entry",
    )  # fmt: skip
    found = from_jf2(body, UTC)
    assert [(c.url, c.channel) for c in found] == [
        ("https://anna.example/beitrag/", "mention"), ("https://bernd.example/antwort/", "mention"),
        ("https://cara.example/post/", "mention"),
    ]  # fmt: skip
    assert found[0].date == WHEN
    assert found[1].date == datetime(2026, 10, 13, 10, tzinfo=UTC)  # when it was received
    assert found[2].date is None


def test_a_mention_dated_in_no_plausible_year_takes_when_it_was_received():
    body = jf2({"url": "https://anna.example/beitrag/", "published": "0001-01-01T00:00:00+05:00",
                "wm-received": "2026-10-12T09:00:00Z", "wm-property": "mention-of"},
               {"url": "https://bernd.example/post/", "published": "9999-12-31", "wm-property": "mention-of"})
    assert [c.date for c in from_jf2(body, UTC)] == [WHEN, None]


def test_a_mention_that_cannot_be_a_candidate_is_passed_over():
    # Anyone can send a webmention: what JSON can hold but no page can be stays out.
    body = (b'{"children": [{"url": "https://spam.example/a\\udcff", "wm-property": "mention-of"},'
            b'{"url": "https://spam.example/b", "wm-property": ["like-of"]},'
            b'{"url": "https://anna.example/beitrag/", "wm-property": "mention-of"}]}')
    assert [c.url for c in from_jf2(body, UTC)] == ["https://spam.example/b", "https://anna.example/beitrag/"]


@pytest.mark.parametrize("body, why", [
    (b"<html>Not found</html>", "not JSON"),
    (b'{"type": "feed"}', "no \"children\" list"),
    (b'["a", "b"]', "no \"children\" list"),
])  # fmt: skip
def test_anything_else_is_no_mention_feed(body, why):
    with pytest.raises(NotAMentionFeed, match=why) as caught:
        from_jf2(body, UTC)
    assert str(caught.value.error).startswith("not-a-feed: not a JF2 mention feed")


def stored(kind: str, author_url: str | None) -> StoredComment:
    return StoredComment("c", "p", "g", None, None, "Titel", author_url, WHEN, WHEN, "<p>[…] x […]</p>", kind)  # type: ignore[arg-type]


def test_the_call_posts_pingbacks_and_trackbacks_name_their_pages():
    found = from_call_mentions([
        stored("pingback", "https://anna.example/beitrag/"), stored("trackback", "https://bernd.example/tb/"),
        stored("comment", "https://spam.example/"), stored("pingback", None),
    ], CALL)  # fmt: skip
    assert [(c.url, c.channel, c.date) for c in found] == [
        ("https://anna.example/beitrag/", "pingback", WHEN), ("https://bernd.example/tb/", "pingback", WHEN),
    ]  # fmt: skip


def test_pingbacks_in_a_wordpress_comment_feed():
    call = Post(7, "aufruf", "Aufruf", datetime(2026, 10, 1, tzinfo=UTC), comments=[
        pingback(101, "Annas Beitrag", "https://anna.example/beitrag/", "bei der Blogparade", WHEN),
        Comment(102, "Bernd", "Schöner Aufruf!", WHEN, author_url="https://bernd.example/"),
    ])  # fmt: skip
    blog = Blog("https://host.example", "Host", [call])
    feed = parse_feed(blog.post_comments_atom(call), {"content-type": "application/atom+xml"},
                      blog.post_comments_atom_url(call))  # fmt: skip
    assert [(c.url, c.channel) for c in from_comment_feed(feed.entries, blog.permalink(call))] == [
        ("https://anna.example/beitrag/", "comments")
    ]


# Where pingbacks are off (or the contributor's blog sends none: Blogger, Jimdo, Medium), a
# contributor says so in a comment on the call, the way German Blogparaden ask for it.
CALL = "https://host.example/2026/10/aufruf/"
HANDED_IN = [
    Comment(102, "Otto", "Hier mein Beitrag: https://otto.blogspot.com/2026/11/buecher.html.", WHEN,
            author_url="https://otto.blogspot.com/"),
    Comment(103, "Paula", 'Ich bin dabei: <a href="https://paula.jimdofree.com/blogparade/">mein Beitrag</a>',
            WHEN, author_url="https://paula.jimdofree.com/"),
    Comment(104, "Host", "Danke! Alle Beiträge stehen unter https://host.example/2026/10/aufruf/#beitraege",
            WHEN, parent=102),
    Comment(105, "Bernd", "Schöner Aufruf!", WHEN, author_url="https://bernd.example/"),
]


@pytest.mark.parametrize("kind", ["atom", "rss"])
def test_comments_on_the_call_that_name_a_post_name_it(kind):
    call = Post(7, "aufruf", "Aufruf", datetime(2026, 10, 1, tzinfo=UTC), comments=HANDED_IN)
    blog = Blog("https://host.example", "Host", [call])
    body, url = ((blog.post_comments_atom(call), blog.post_comments_atom_url(call)) if kind == "atom"
                 else (blog.post_comments_rss(call), blog.post_comments_rss_url(call)))  # fmt: skip
    feed = parse_feed(body, {"content-type": f"application/{kind}+xml"}, url)
    assert sorted((c.url, c.channel, c.date) for c in from_comment_feed(feed.entries, CALL)) == [
        ("https://otto.blogspot.com/2026/11/buecher.html", "comment", WHEN),
        ("https://paula.jimdofree.com/blogparade/", "comment", WHEN),
    ]  # the commenters' websites are their blogs' homes; the host's own site is the call's


def test_comments_on_a_joined_call_that_name_a_post_name_it():
    found = from_call_mentions([
        StoredComment("c1", "p", "g1", None, None, "Otto", "https://otto.blogspot.com/", WHEN, WHEN,
                      '<p>Hier mein Beitrag: <a href="https://otto.blogspot.com/2026/11/buecher.html" '
                      'rel="nofollow">otto.blogspot.com/…</a></p>', "comment"),
        StoredComment("c2", "p", "g2", None, None, "Host", None, WHEN, WHEN,
                      f'<p>Danke, <a href="{CALL}#comment-1">Otto</a>!</p>', "comment"),
    ], CALL)  # fmt: skip
    assert [(c.url, c.channel) for c in found] == [("https://otto.blogspot.com/2026/11/buecher.html", "comment")]
