"""Threads: every form a parent reference takes nests the reply under its parent (library level).

End to end, through WordPress-shaped blogs on loopback, see test_threads_acceptance.py.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from aggregator.feeds import comments as plan
from aggregator.feeds.clean import clean_comment
from aggregator.feeds.parse import parse_feed
from aggregator.models import Participant, StoredComment, StoredPost
from aggregator.replies import reply_marker
from aggregator.urls import thread_key
from aggregator.website.export import comment_node
from aggregator.website.threads import MAX_DEPTH, comment_tree

T = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
BLOG = Participant(slug="b", name="B", feed="https://blog.example/feed/", home="https://blog.example/")
PERMALINK = "https://blog.example/2026/11/remote/"


def post(guid: str = "https://blog.example/?p=5", url: str = PERMALINK) -> StoredPost:
    return StoredPost(id="p", participant="b", guid=guid, url=url, title="T", author="A",
                      published=T, updated=None, first_seen=T, excerpt="", content_html="",
                      categories=(), language=None, links=(), comment_feed=url + "feed/",
                      comment_count=None)  # fmt: skip


def stored(n: int, guid: str, url: str | None, parent: str | None, body: str = "") -> StoredComment:
    return StoredComment(id=f"c{n}", post_id="p", guid=guid, url=url, parent_ref=parent, author=f"P{n}",
                         author_url=None, published=T + timedelta(minutes=n), first_seen=T,
                         content_html=body or f"<p>Text {n}</p>", kind="comment")  # fmt: skip


def shape(tree: list[dict]) -> dict[str, list]:
    """{id: [reply ids…]} for every node, and "" for the top level."""
    result = {"": [node["id"] for node in tree]}
    stack = list(tree)
    while stack:
        node = stack.pop()
        result[node["id"]] = [reply["id"] for reply in node["replies"]]
        stack += node["replies"]
    return result


def tree(comments: list[StoredComment]) -> list[dict]:
    return comment_tree(comments, comment_node, post())


# --- the forms of a parent reference ---------------------------------------------------------------


def wp(n: int, form: str) -> tuple[str, str]:
    """A WordPress comment's (guid, link): guid `<post guid>#comment-N`, link permalink#comment-N."""
    guid = f"https://blog.example/?p=5#comment-{n}" if form == "?p=" else f"{PERMALINK}#comment-{n}"
    return guid, f"{PERMALINK}#comment-{n}"


@pytest.mark.parametrize("form", ["?p=", "permalink"])
@pytest.mark.parametrize("by", ["ref", "href"])
def test_wordpress_replies_nest_by_ref_or_href(form: str, by: str):
    g1, l1 = wp(1, form)
    g2, l2 = wp(2, form)
    g3, l3 = wp(3, form)
    parent_of_2 = g1 if by == "ref" else l1
    parent_of_3 = g2 if by == "ref" else l2
    comments = [stored(1, g1, l1, None), stored(2, g2, l2, parent_of_2), stored(3, g3, l3, parent_of_3)]
    assert shape(tree(comments)) == {"": ["c1"], "c1": ["c2"], "c2": ["c3"], "c3": []}


def test_paginated_comment_links_and_cpage_name_the_same_comment():
    comments = [
        stored(1, "https://blog.example/?p=5#comment-1", f"{PERMALINK}comment-page-2/#comment-1", None),
        stored(2, "https://blog.example/?p=5#comment-2", f"{PERMALINK}#comment-2",
               f"{PERMALINK}comment-page-1/#comment-1"),
        stored(3, "https://blog.example/?p=5#comment-3", None, "https://blog.example/?p=5&cpage=3#comment-2"),
    ]
    assert shape(tree(comments)) == {"": ["c1"], "c1": ["c2"], "c2": ["c3"], "c3": []}


def test_a_fragment_names_the_comment_whatever_form_the_url_before_it_has():
    # ids in ?p= form, no links stored; the reply names its parent by permalink (http, www).
    comments = [
        stored(1, "https://blog.example/?p=5#comment-1", None, None),
        stored(2, "https://blog.example/?p=5#comment-2", None, "http://www.blog.example/2026/11/remote#comment-1"),
    ]
    assert shape(tree(comments))["c1"] == ["c2"]


def test_a_fragment_names_a_comment_only_on_this_posts_pages():
    # Engines that number comments per post have a #c2 on every post.
    comments = [
        stored(1, "https://blog.example/p/#c1", "https://blog.example/p/#c1", None),
        stored(2, "https://blog.example/p/#c2", "https://blog.example/p/#c2", "https://blog.example/other/#c1"),
    ]
    assert shape(tree(comments))[""] == ["c1", "c2"]


def test_a_fragment_two_comments_share_names_neither():
    comments = [
        stored(1, "https://a.example/x#c1", None, None),
        stored(2, "https://b.example/y#c1", None, None),
        stored(3, "https://c.example/z#c3", None, "https://elsewhere.example/#c1"),
    ]
    assert shape(tree(comments))[""] == ["c1", "c2", "c3"]


def test_tag_uris_and_plain_ids():
    comments = [
        stored(1, "tag:blog.example,2026:comment-1", None, None),
        stored(2, "tag:blog.example,2026:comment-2", None, "tag:blog.example,2026:comment-1"),
        stored(3, "42", None, "tag:blog.example,2026:comment-2"),
        stored(4, "43", None, "42"),
    ]
    assert shape(tree(comments)) == {"": ["c1"], "c1": ["c2"], "c2": ["c3"], "c3": ["c4"], "c4": []}


# A parent named in another shape than its own id: (the parent's guid, its link, the reply's
# reference).  Engines and plugins write these; each must nest.
P = PERMALINK
UUID = "0f3c7b1e-5a2d-4c1e-8f00-00000000002a"
OTHER_SHAPES = {
    "WordPress ids, a bare comment-N": (f"{P}#comment-12", f"{P}#comment-12", "comment-12"),
    "WordPress ids, an anchor alone": ("https://blog.example/?p=5#comment-12", f"{P}#comment-12", "#comment-12"),
    "WordPress ids, the bare number": ("https://blog.example/?p=5#comment-12", f"{P}#comment-12", "12"),
    "WordPress, a reply link": ("https://blog.example/?p=5#comment-12", f"{P}#comment-12",
                                f"{P}?replytocom=12#respond"),
    "WordPress, a reply link in ?p= form": ("https://blog.example/?p=5#comment-12", None,
                                            "https://blog.example/?p=5&replytocom=12#respond"),
    "WordPress ids, c-number": (f"{P}#comment-12", f"{P}#comment-12", "c12"),
    "bare-number ids, a permalink reference": ("12", None, f"{P}#comment-12"),
    "comment-N ids, a permalink reference": ("comment-12", None, f"{P}#comment-12"),
    "comment-N ids, a ?p= reference": ("comment-12", None, "https://blog.example/?p=5#comment-12"),
    "Serendipity/Dotclear #cN, an anchor alone": (f"{P}#c12", f"{P}#c12", "#c12"),
    "Serendipity/Dotclear #cN, a comment-N reference": (f"{P}#c12", f"{P}#c12", f"{P}#comment-12"),
    "Textpattern zero-padded": (f"{P}#c000012", f"{P}#c000012", "12"),
    "Drupal RSS guid, its comment page": ("12 at https://blog.example", "https://blog.example/comment/12#comment-12",
                                         "https://blog.example/comment/12"),
    "Drupal RSS guid, an anchor on the post": ("12 at https://blog.example",
                                               "https://blog.example/comment/12#comment-12", f"{P}#comment-12"),
    "tag URI ids, a bare comment-N": ("tag:blog.example,2026:comment-12", None, "comment-12"),
    "tag URI ids, a permalink reference": ("tag:blog.example,2026:comment-12", None, f"{P}#comment-12"),
    "Isso ids, its link": ("tag:blog.example,2018:/isso/4/12", f"{P}#isso-12", f"{P}#isso-12"),
    "Isso ids, a bare number": ("tag:blog.example,2018:/isso/4/12", f"{P}#isso-12", "12"),
    "urn:uuid ids, the bare uuid": (f"urn:uuid:{UUID}", None, UUID),
    "bare uuid ids, a urn:uuid": (UUID, None, f"urn:uuid:{UUID.upper()}"),
    "Remark42 links, the bare uuid": (UUID, f"{P}#remark42__comment-{UUID}", UUID),
    "Disqus ids, a permalink reference": ("https://disqus.com/home/discussion/blog/remote/#comment-123",
                                          "https://disqus.com/home/discussion/blog/remote/#comment-123",
                                          f"{P}#comment-123"),
    "Blogger links, the comment's number": ("tag:blogger.com,1999:blog-48.post-7001", f"{P}?showComment=1#c7001",
                                            f"{P}#c7001"),
}  # fmt: skip


@pytest.mark.parametrize("case", OTHER_SHAPES)
def test_a_parent_named_in_another_shape_than_its_id_nests_its_reply(case: str):
    guid, url, reference = OTHER_SHAPES[case]
    comments = [
        stored(1, guid, url, None),
        stored(2, f"{P}#comment-99", f"{P}#comment-99", None),
        stored(3, f"{P}#comment-100", f"{P}#comment-100", reference),
    ]
    assert shape(tree(comments)) == {"": ["c1", "c2"], "c1": ["c3"], "c2": [], "c3": []}


# References that carry a number but must not nest: (the candidates' (guid, link)s, the reference).
NOT_THE_PARENT = {
    "another post's anchor": ([(f"{P}#c12", f"{P}#c12")], "https://blog.example/2026/10/older/#c12"),
    "another post's reply link": ([(f"{P}#comment-12", None)], "https://blog.example/2026/10/older/?replytocom=12"),
    "a number two comments hold": ([(f"{P}#comment-12", None), ("tag:blog.example,2026:c12", None)], "12"),
    "a number no comment holds": ([(f"{P}#comment-12", None)], "comment-13"),
    "no number at all": ([(f"{P}#comment-12", None)], f"{P}#respond"),
    "the post's comments anchor": ([(f"{P}#comment-12", None)], "#comments"),
    "a Blogger id of another number": ([("tag:blogger.com,1999:blog-48.post-7001", None)],
                                       "tag:blogger.com,1999:blog-48.post-7002"),
}  # fmt: skip


@pytest.mark.parametrize("case", NOT_THE_PARENT)
def test_a_number_names_no_comment_elsewhere_or_where_two_hold_it(case: str):
    candidates, reference = NOT_THE_PARENT[case]
    comments = [stored(n, guid, url, None) for n, (guid, url) in enumerate(candidates, 1)]
    comments.append(stored(9, f"{P}#comment-99", f"{P}#comment-99", reference))
    assert shape(tree(comments))[""] == [c.id for c in comments]


def test_a_reply_whose_parent_is_not_stored_stays_on_top_until_it_comes():
    reply = stored(2, *wp(2, "?p="), f"{PERMALINK}#comment-1")
    assert shape(tree([reply]))[""] == ["c2"]
    assert shape(tree([stored(1, *wp(1, "?p="), None), reply]))["c1"] == ["c2"]


def test_a_cycle_is_cut_at_its_oldest_comment_and_loses_nothing():
    comments = [stored(1, "a", None, "c"), stored(2, "b", None, "a"), stored(3, "c", None, "b"),
                stored(4, "d", None, "d")]  # fmt: skip
    assert shape(tree(comments)) == {"": ["c1", "c4"], "c1": ["c2"], "c2": ["c3"], "c3": [], "c4": []}


# --- which post, and "top level" ------------------------------------------------------------------


def entry_from(xml_item: str, url: str = "https://blog.example/comments/feed/atom/"):
    body = ('<?xml version="1.0"?><feed xmlns="http://www.w3.org/2005/Atom" '
            'xmlns:thr="http://purl.org/syndication/thread/1.0"><title>Comments</title>'
            f"{xml_item}</feed>").encode()  # fmt: skip
    return parse_feed(body, {}, url).entries


@pytest.mark.parametrize("form", ["?p=", "permalink"])
def test_sitewide_atom_comments_find_their_post_and_only_a_reference_to_the_post_is_top_level(form):
    the_post = post(guid="https://blog.example/?p=5" if form == "?p=" else PERMALINK)
    g1, l1 = wp(1, form)
    g2, l2 = wp(2, form)
    entries = entry_from(
        f'<entry><id>{g1}</id><title>Von: Anna</title><link href="{l1}"/>'
        f'<thr:in-reply-to ref="{the_post.guid}" href="{PERMALINK}" type="text/html"/>'
        "<content type='html'>&lt;p&gt;Erster&lt;/p&gt;</content><updated>2026-11-02T10:00:00Z</updated></entry>"
        f'<entry><id>{g2}</id><title>Von: Bea</title><link href="{l2}"/>'
        f'<thr:in-reply-to ref="{g1}" href="{l1}" type="text/html"/>'
        "<content type='html'>&lt;p&gt;Zweite&lt;/p&gt;</content><updated>2026-11-02T11:00:00Z</updated></entry>"
    )
    feed = plan.CommentFeed(BLOG, ("https://blog.example/comments/feed/atom/",), (the_post,), sitewide=True)
    first, second = plan.for_posts(entries, feed, clean_comment)
    assert first.post_id == second.post_id == "p"
    assert first.parent_guid is None
    assert second.parent_guid == g1  # permalink#comment-1 is comment 1, not the post


# --- RSS "In reply to" paragraphs ----------------------------------------------------------------


REPLY_PHRASES = {
    "en": "In reply to {link}.",
    "de": "Als Antwort auf {link}.",
    "fr": "En réponse à {link}.",
    "pl": "W odpowiedzi do {link}.",
    "es": "En respuesta a {link}",  # without the full stop
    "ja": "{link} への返信",  # the link first
}


def rss_comment_feed(items: list[tuple[int, str]]) -> bytes:
    out = []
    for n, html in items:
        out.append(
            f"<item><title>Von: P{n}</title><link>{PERMALINK}#comment-{n}</link>"
            f'<guid isPermaLink="false">https://blog.example/?p=5#comment-{n}</guid>'
            f"<pubDate>Mon, 02 Nov 2026 1{n}:00:00 +0000</pubDate>"
            f"<content:encoded><![CDATA[{html}]]></content:encoded></item>"
        )
    return ('<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            "<title>Kommentare zu: T</title>" + "".join(out) + "</channel></rss>").encode()  # fmt: skip


@pytest.mark.parametrize("language", REPLY_PHRASES)
def test_rss_in_reply_to_paragraph_in_any_language_nests_and_is_dropped(language: str):
    link = f'<a href="{PERMALINK}#comment-1">P1</a>'
    marker = REPLY_PHRASES[language].format(link=link)
    body = rss_comment_feed([
        (1, "<p>Erster Kommentar.</p>"),
        (2, f"<p>{marker}</p>\n<p>Ganz meine Meinung, danke.</p>"),
    ])  # fmt: skip
    entries = parse_feed(body, {}, PERMALINK + "feed/").entries
    assert entries[1].in_reply_to_url == f"{PERMALINK}#comment-1"
    feed = plan.per_post_feed(BLOG, post())
    comments = plan.for_posts(entries, feed, clean_comment)
    as_stored = [stored(n, c.guid, c.url, c.parent_guid, c.content_html) for n, c in enumerate(comments, 1)]
    nodes = tree(as_stored)
    assert shape(nodes)["c1"] == ["c2"]
    reply = nodes[0]["replies"][0]["body"]
    assert "Ganz meine Meinung, danke." in reply and "P1</a>" not in reply  # nested: marker gone


@pytest.mark.parametrize("reply, kept", [
    ('<p><a href="{url}#comment-1">@Anna</a> Danke dir!</p>', "Danke dir!"),  # an API's body, wpDiscuz's @-name
    ('<p>Hallo <a href="{url}#comment-1">Anna</a>, stimmt!</p>', "stimmt!"),
    ('<p><a href="{url}#comment-1">Anna</a> : merci beaucoup</p>', "merci beaucoup"),  # Dotclear
    ('<p>Hallo <a href="{url}#comment-1">Anna</a>, stimmt!</p><p>Und noch mehr.</p>', "stimmt!"),
])  # fmt: skip
def test_a_readers_short_reply_shaped_like_the_marker_keeps_its_words(reply: str, kept: str):
    # "In reply to Anna." goes where the nesting says it; a reader's "@Anna Danke dir!" is the
    # comment itself: nested under Anna's, it was shown with an empty body.
    body = reply.format(url=PERMALINK)
    nodes = tree([stored(1, "g1", f"{PERMALINK}#comment-1", None, "<p>Erster.</p>"),
                  stored(2, "g2", f"{PERMALINK}#comment-2", "g1", body)])  # fmt: skip
    [reply_node] = nodes[0]["replies"]
    assert kept in reply_node["body"] and 'href="#comment-c1"' in reply_node["body"], reply_node["body"]
    gone = comment_tree([stored(1, "g1", f"{PERMALINK}#comment-1", None, "<p>Erster.</p>"),
                         stored(2, "g2", f"{PERMALINK}#comment-2", "g1", body)], comment_node, post(),
                        gone=lambda reference, name: True)  # fmt: skip
    hidden = gone[0]["replies"][0]["body"]
    assert kept in hidden and "Anna" not in hidden  # taken down: the name goes, the words stay


def test_in_reply_to_paragraph_points_here_where_the_depth_cap_hides_the_parent():
    chain = [stored(0, "g0", f"{PERMALINK}#comment-0", None)]
    for n in range(1, MAX_DEPTH + 2):
        body = f'<p>In reply to <a href="{PERMALINK}#comment-{n - 1}">P{n - 1}</a>.</p><p>Nummer {n}</p>'
        chain.append(stored(n, f"g{n}", f"{PERMALINK}#comment-{n}", f"g{n - 1}", body))
    nodes = {c["id"]: c for c in _walk(tree(chain))}
    deepest = nodes[f"c{MAX_DEPTH + 1}"]["body"]
    assert f'href="#comment-c{MAX_DEPTH}"' in deepest and f"Nummer {MAX_DEPTH + 1}" in deepest
    assert "In reply to" not in nodes["c1"]["body"] and "Nummer 1" in nodes["c1"]["body"]


def test_in_reply_to_paragraph_stays_as_written_when_the_parent_is_unknown():
    body = f'<p>In reply to <a href="{PERMALINK}#comment-9">P9</a>.</p><p>Hallo</p>'
    nodes = tree([stored(2, "g2", None, f"{PERMALINK}#comment-9", body)])
    assert nodes[0]["body"] == body


def marker_chain(length: int) -> list[StoredComment]:
    """A thread `length` deep, each reply's paragraph naming its parent "Person <n>"."""
    chain = [stored(0, "g0", f"{PERMALINK}#comment-0", None)]
    for n in range(1, length + 1):
        body = f'<p>In reply to <a href="{PERMALINK}#comment-{n - 1}">Person {n - 1}</a>.</p><p>Nummer {n}</p>'
        chain.append(stored(n, f"g{n}", f"{PERMALINK}#comment-{n}", f"g{n - 1}", body))
    return chain


@pytest.mark.parametrize("naming, shown", [("initials", "P. 9"), ("hidden", None)])
def test_in_reply_to_paragraph_names_the_parent_as_the_site_names_commenters(naming: str, shown: str | None):
    # Beyond the depth cap, and where the parent is not stored (the oldest reply's, on top here).
    chain = marker_chain(MAX_DEPTH + 2)[2:] + [stored(20, "g20", None, f"{PERMALINK}#comment-9",
        f'<p>In reply to <a href="{PERMALINK}#comment-9">Person 9</a>.</p><p>Neu</p>')]  # fmt: skip
    nodes = list(_walk(comment_tree(chain, comment_node, post(), naming=naming)))  # type: ignore[arg-type]
    assert not any("Person" in node["body"] for node in nodes)
    top = nodes[-1]["body"]
    if shown:
        # "P. 9." and the sentence's stop: one stop ("Als Antwort auf C.." read as a typo).
        assert f'<a href="{PERMALINK}#comment-9">{shown}</a>.</p>' in top and "Neu" in top
    else:
        assert "In reply to" not in "".join(node["body"] for node in nodes) and "Neu" in top


def test_a_name_ending_in_a_stop_ends_the_in_reply_to_sentence_once():
    chain = marker_chain(MAX_DEPTH + 2)[2:] + [stored(20, "g20", None, f"{PERMALINK}#comment-9",
        f'<p>In reply to <a href="{PERMALINK}#comment-9">Dieter K.</a>.</p><p>Neu</p>')]  # fmt: skip
    top = list(_walk(comment_tree(chain, comment_node, post(), naming="full")))[-1]["body"]  # type: ignore[arg-type]
    assert f'<a href="{PERMALINK}#comment-9">Dieter K</a>.</p>' in top


def test_in_reply_to_paragraph_naming_a_comment_taken_down_goes_whatever_the_naming():
    chain = marker_chain(MAX_DEPTH + 4)[2:]  # comment 1 not stored: comment 2 on top
    beyond = MAX_DEPTH + 3  # the first reply hung beside its parent, at the depth cap
    taken_down = {f"{PERMALINK}#comment-1", f"{PERMALINK}#comment-{beyond - 1}"}
    nodes = {node["id"]: node["body"] for node in _walk(comment_tree(
        chain, comment_node, post(), gone=lambda reference, name: reference in taken_down))}  # fmt: skip
    assert nodes["c2"] == "<p>Nummer 2</p>"
    assert nodes[f"c{beyond}"] == f"<p>Nummer {beyond}</p>"
    assert f'href="#comment-c{beyond}">Person {beyond}</a>' in nodes[f"c{beyond + 1}"]


def test_replies_below_the_depth_cap_keep_each_conversation_together():
    # Two conversations below the deepest level shown: listed by date alone, a reply at depth 9
    # was followed by one to a comment at depth 7, each conversation cut into the other's.
    chain = [stored(n, f"g{n}", None, f"g{n - 1}" if n else None) for n in range(MAX_DEPTH)]  # 0…5
    a1 = stored(10, "a1", None, f"g{MAX_DEPTH - 1}")  # depth 6, hung at the cap: conversation a
    b1 = stored(11, "b1", None, f"g{MAX_DEPTH - 1}")  # conversation b starts
    a2 = stored(12, "a2", None, "a1")
    b2 = stored(13, "b2", None, "b1")
    a3 = stored(14, "a3", None, "a2")
    tree = comment_tree([*chain, a1, b1, a2, b2, a3], lambda c: {"id": c.id, "author": c.author,
                                                               "body": c.content_html, "replies": []}, post())
    # The deepest level shown, under c4: c5, then a1 a2 a3, then b1 b2 (replies beside their parent).
    assert shape(tree)[f"c{MAX_DEPTH - 2}"] == [f"c{MAX_DEPTH - 1}", "c10", "c12", "c14", "c11", "c13"]


def _walk(nodes: list[dict]):
    for node in nodes:
        yield node
        yield from _walk(node["replies"])


@pytest.mark.parametrize("html", [
    f'<p>Look at <a href="{PERMALINK}#comment-3">this one</a>, which says something else entirely.</p>',
    f'<p>In reply to <a href="{PERMALINK}#respond">P3</a>.</p>',
    f'<p>See <a href="{PERMALINK}#comment-3">P3</a>. I agree fully with all of it.</p>',
    "<p>No link at all.</p>",
    f'<p><a href="{PERMALINK}#c2">@Jan</a> ja, sie wird jeden Winter abgezogen.</p>',
])  # fmt: skip
def test_a_comment_that_merely_links_a_comment_is_no_reply_marker(html: str):
    assert reply_marker(html) is None


def test_a_reply_marker_to_another_site_is_not_a_parent():
    body = rss_comment_feed([(2, '<p>In reply to <a href="https://other.example/p/#comment-1">X</a>.</p><p>Hm</p>')])
    assert parse_feed(body, {}, PERMALINK + "feed/").entries[0].in_reply_to_url is None


def test_an_unclosed_link_tag_costs_no_quadratic_time():
    # Each "href=" of an unclosed "<a " was scanned to the end of the body: 400 KB took 4.4 s.
    body = rss_comment_feed([(2, "<p><a " + 'href="#comment-1" ' * 40_000)])
    started = time.process_time()
    assert parse_feed(body, {}, PERMALINK + "feed/").entries[0].in_reply_to_url is None
    assert time.process_time() - started < 0.5


def test_a_reply_marker_with_a_long_link_tag_is_still_found():
    attributes = 'data-x="y" ' * 150  # 1,650 characters
    marker = reply_marker(f'<p>In reply to <a {attributes}href="{PERMALINK}#comment-1">P1</a>.</p><p>Ja.</p>')
    assert marker is not None and marker.href == f"{PERMALINK}#comment-1"


def test_thread_key_rules():
    assert thread_key("https://www.Blog.example/p/comment-page-3/#comment-4") == thread_key("http://blog.example/p#comment-4")
    assert thread_key("https://blog.example/?p=5&cpage=2#comment-4") == thread_key("https://blog.example/?p=5#comment-4")
    assert thread_key("https://blog.example/p/#comment-4") != thread_key("https://blog.example/p/#comment-5")
    assert thread_key("tag:x,2026:1") == "tag:x,2026:1"


# --- cost -------------------------------------------------------------------------------------------


def _seconds(comments: list[StoredComment]) -> float:
    # CPU time of this process: other work on the machine barely moves it, unlike wall time.
    started = time.process_time()
    tree(comments)
    return time.process_time() - started


@pytest.mark.parametrize("kind", ["chain", "flat"])
def test_building_a_thread_is_linear(kind: str):
    def thread(n: int) -> list[StoredComment]:
        return [stored(i, f"https://blog.example/?p=5#comment-{i}", f"{PERMALINK}#comment-{i}",
                       f"{PERMALINK}#comment-{i - 1}" if kind == "chain" and i else None)
                for i in range(n)]  # fmt: skip

    small, big = thread(5_000), thread(20_000)
    _seconds(small)  # warm up
    # The least of several runs: other tests share the machine.
    ratio = min(_seconds(big) for _ in range(3)) / min(_seconds(small) for _ in range(5))
    assert ratio < 10, f"4x the comments cost {ratio:.1f}x the time (linear: 4x, quadratic: 16x)"


def test_a_reply_beyond_the_depth_cap_says_whom_it_answers_where_its_body_does_not():
    # Atom engines (Isso, Blogger, Mastodon) write no "In reply to" paragraph: hung beside its
    # parent, such a reply gave no hint of which comment it answers.
    chain = [stored(0, "g0", f"{PERMALINK}#comment-0", None)]
    for n in range(1, MAX_DEPTH + 2):
        chain.append(stored(n, f"g{n}", f"{PERMALINK}#comment-{n}", f"g{n - 1}", f"<p>Nummer {n}</p>"))
    nodes = {c["id"]: c for c in _walk(tree(chain))}
    assert nodes[f"c{MAX_DEPTH}"]["answers"] == {"id": f"c{MAX_DEPTH - 1}", "author": nodes[f"c{MAX_DEPTH - 1}"]["author"]}
    assert all("answers" not in nodes[f"c{n}"] for n in range(MAX_DEPTH))  # nested: the nesting says it
