"""Blogs that never joined: which blog a page is on, their slugs, the post an accepted page becomes."""

from __future__ import annotations

from datetime import UTC, datetime

from aggregator.models import CandidatePage, ExternalBlog, PageReading, Participant, Post
from aggregator.parades.external import blog_of, contribution_post, joined_blog, new_slug
from aggregator.parades.verify import Contribution

NOW = datetime(2026, 10, 20, tzinfo=UTC)


def person(slug: str, home: str) -> Participant:
    return Participant(slug, slug.title(), home + "feed/", home)


def test_a_page_is_on_the_joined_blog_whose_home_it_is_under():
    people = [person("firma", "https://firma.example/"), person("team", "https://firma.example/team/"),
              person("lokal", "http://127.0.0.1:8080/lokal/")]  # fmt: skip
    assert joined_blog("https://www.firma.example/2026/post/", people).slug == "firma"
    assert joined_blog("https://firma.example/team/2026/post/", people).slug == "team"  # the longest home
    assert joined_blog("http://127.0.0.1:8080/lokal/post/", people).slug == "lokal"
    assert joined_blog("http://127.0.0.1:9090/lokal/post/", people) is None  # another port, another site
    assert joined_blog("https://anders.example/post/", people) is None


def test_external_slugs_are_stable_readable_and_never_a_participant_files():
    assert new_slug("https://Anna.example/blog/", ()) == "ext_anna-example-blog"
    assert new_slug("https://anna.example/blog/", ["ext_anna-example-blog"]) == "ext_anna-example-blog-2"
    assert "_" in new_slug("http://127.0.0.1:8080/", ())  # a participant's file name has none


def found(home: str = "https://anna.example/") -> Contribution:
    return Contribution("https://anna.example/beitrag/", "Mein Beitrag", "Anna", NOW, "json-ld",
                        "Annas Blog", home, "https://anna.example/feed/", False)  # fmt: skip


def test_a_known_blog_keeps_its_slug_and_first_seen():
    known = [ExternalBlog("ext_anna", "Alter Name", "https://anna.example", None, datetime(2026, 1, 1, tzinfo=UTC))]
    blog = blog_of(found(), known, NOW)
    assert (blog.slug, blog.name, blog.first_seen) == ("ext_anna", "Annas Blog", datetime(2026, 1, 1, tzinfo=UTC))
    assert blog_of(found("https://bernd.example/"), known, NOW).slug == "ext_bernd-example"


def test_the_post_takes_the_pages_words_and_the_feed_entrys_body_and_comment_feed():
    reading = PageReading("https://anna.example/beitrag/", title="Mein Beitrag", excerpt="Von der Seite.",
                          links=("https://host.example/aufruf/",), comment_feed="https://anna.example/beitrag/feed/")
    entry = Post("-", "https://anna.example/?p=3", "https://anna.example/beitrag/", "T", "A", NOW, None,
                 "Aus dem Feed.", "<p>Aus dem Feed.</p>", comment_feed="https://anna.example/?p=3&feed=rss2",
                 comment_count=4)  # fmt: skip
    page = CandidatePage("k", "https://anna.example/beitrag/", NOW, reading=reading, entry=entry)
    post = contribution_post(found(), page, "ext_anna")
    assert (post.participant, post.guid, post.title, post.published) == ("ext_anna", "https://anna.example/?p=3", "Mein Beitrag", NOW)
    assert (post.excerpt, post.content_html) == ("Aus dem Feed.", "<p>Aus dem Feed.</p>")
    assert post.comment_count is None  # the feed's count then, which nothing refreshes: unknown
    assert post.comment_feed == "https://anna.example/?p=3&feed=rss2"  # the feed's own word first
    bare = contribution_post(found(), CandidatePage("k", "u", NOW, reading=reading), "ext_anna")
    assert (bare.guid, bare.excerpt, bare.comment_feed) == ("https://anna.example/beitrag/", "Von der Seite.",
                                                            "https://anna.example/beitrag/feed/")


def test_a_page_that_names_neither_blog_nor_home_is_the_known_blog_whose_site_it_is_on():
    # A plainer template's page (no og:site_name, no feed link, no rel=home) is given its host
    # for a name and its site's root for a home: guesses that must not rename or move a blog.
    first = datetime(2026, 1, 1, tzinfo=UTC)
    known = [ExternalBlog("ext_dora", "Doras Notizen", "https://dora.example/blog/", "https://dora.example/blog/feed/", first),
             ExternalBlog("ext_root", "Wurzel", "https://dora.example/", None, first)]  # fmt: skip
    bare = Contribution("https://dora.example/blog/tee/", "Tee", "", NOW, "time", "dora.example",
                        "https://dora.example/", None, False, blog_named=False, home_named=False)  # fmt: skip
    assert blog_of(bare, known, NOW) == known[0]  # under its home's path: the longest wins
    assert blog_of(bare, known[1:], NOW) == known[1]  # the root's blog: its name stays
    assert blog_of(bare, [], NOW).name == "dora.example"  # nothing known: the guess is all there is
    renamed = Contribution("https://dora.example/blog/tee/", "Tee", "", NOW, "time", "Doras Teeblog",
                           "https://dora.example/", None, False, blog_named=True, home_named=False)  # fmt: skip
    assert (blog_of(renamed, known, NOW).name, blog_of(renamed, known, NOW).home) == ("Doras Teeblog", "https://dora.example/blog/")
