"""A changed post feed costs its changed entries: those its last parse saw are not cleaned again.

Each test reads feeds from a real server on loopback into a real SQLite store.  Whether an entry
was cleaned again shows in the store: a stored post altered behind the update's back (its title
set to STALE) stays altered where its entry was left alone, and is made again where it was not.
"""

import dataclasses
import json
import os
import sqlite3
import subprocess
import sys
from datetime import UTC, datetime, timedelta
from xml.sax.saxutils import escape

import pytest

from aggregator.feeds import update as updater
from aggregator.feeds.clean import source_digests
from aggregator.feeds.work import parse_posts
from aggregator.models import ParsedAttachment, ParsedEntry, Participant
from tests.feedmaker import atom, rss
from tests.test_update import items, person, run, serve, store  # noqa: F401  (a fixture)

STALE = "altered in the store"


def alter_titles(store, titles: dict[str, str]) -> None:
    """Set stored posts' titles (by their post id) behind the update's back."""
    with sqlite3.connect(store.path) as db:
        db.executemany("UPDATE posts SET title = ? WHERE id = ?", [(v, k) for k, v in titles.items()])
    db.close()


def by_guid(store, slug: str) -> dict[str, object]:
    return {post.guid: post for post in store.posts(slug)}


def json_feed(entries: list) -> str:
    return json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Ein Blog", "items": [
        {"id": item.guid, "url": item.link, "title": item.title, "content_html": item.body,
         "date_published": item.published.isoformat()} for item in entries]})  # fmt: skip


def rdf(entries: list) -> str:
    """RSS 1.0, which the feedparser path reads."""
    listed = "".join(f'<rdf:li rdf:resource="{item.link}"/>' for item in entries)
    body = "".join(
        f'<item rdf:about="{item.link}"><title>{escape(item.title)}</title><link>{item.link}</link>'
        f"<description>{escape(item.body)}</description><dc:date>{item.published.isoformat()}</dc:date></item>"
        for item in entries
    )
    return ('<?xml version="1.0" encoding="utf-8"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            'xmlns="http://purl.org/rss/1.0/" xmlns:dc="http://purl.org/dc/elements/1.1/">'
            '<channel rdf:about="https://anna.example/"><title>Ein Blog</title><link>https://anna.example/</link>'
            f"<description>x</description><items><rdf:Seq>{listed}</rdf:Seq></items></channel>{body}</rdf:RDF>")  # fmt: skip


SHAPES = {"rss": rss, "atom": atom, "json": json_feed, "rdf": rdf}


@pytest.mark.parametrize("shape", SHAPES)
def test_a_changed_feed_cleans_only_its_new_and_changed_entries(feed_server, store, shape):
    write = SHAPES[shape]
    anna = person("anna", serve(feed_server, "/anna.xml", write(items(1, 3))))
    run(store, [anna])
    posts = {post.title: post for post in store.posts("anna")}
    alter_titles(store, {posts["Beitrag 1 über Größe"].id: STALE, posts["Beitrag 2 über Größe"].id: STALE})
    changed = items(1, 4)
    changed[1].body = "<p>Text 2, later edited</p>"  # anna-2 edited, anna-4 new, anna-1 and 3 as they were
    serve(feed_server, "/anna.xml", write(changed))
    summary = run(store, [anna])
    assert summary.new_posts == 1 and summary.changed_posts == 1
    posts = {post.url: post for post in store.posts("anna")}
    assert posts["https://anna.example/1/"].title == STALE  # not cleaned again, not written again
    assert posts["https://anna.example/2/"].title == "Beitrag 2 über Größe"  # edited: made again, whole
    assert posts["https://anna.example/2/"].content_html == "<p>Text 2, later edited</p>"
    assert posts["https://anna.example/4/"].title == "Beitrag 4 über Größe"
    assert len(set(store.feed_state(anna.feed).entry_digests.split())) == 4


def test_an_entry_left_out_of_the_feed_and_back_is_not_cleaned_again(feed_server, store):
    anna = person("anna", serve(feed_server, "/anna.xml", rss(items(1, 3))))
    run(store, [anna])
    serve(feed_server, "/anna.xml", rss(items(2, 3)))  # anna-1 left out: its digest is forgotten
    run(store, [anna])
    alter_titles(store, {by_guid(store, "anna")["anna-1"].id: STALE})
    serve(feed_server, "/anna.xml", rss(items(1, 3)))
    run(store, [anna])
    # Forgotten, so cleaned and written again: the stored post is what its entry makes.
    assert by_guid(store, "anna")["anna-1"].title == "Beitrag 1 über Größe"


def test_a_participant_edited_has_every_entry_cleaned_again(feed_server, store):
    feed = serve(feed_server, "/anna.xml", rss(items(1, 2)))
    run(store, [person("anna", feed)])
    posts = by_guid(store, "anna")
    alter_titles(store, {post.id: STALE for post in posts.values()})
    serve(feed_server, "/anna.xml", rss(items(1, 3)))
    run(store, [person("anna", feed, author="Anna Beispiel")])  # clean_post may read any of it
    assert {post.title for post in store.posts("anna")} == {f"Beitrag {n} über Größe" for n in (1, 2, 3)}
    assert {post.author for post in store.posts("anna")} == {"Anna Beispiel"}


def test_entries_a_category_filter_left_out_are_taken_once_it_lets_them_in(feed_server, store):
    mixed = items(1, 2)
    mixed[0].categories = ["Remote"]
    feed = serve(feed_server, "/anna.xml", rss(mixed))
    run(store, [person("anna", feed, categories=("remote",))])
    assert [post.guid for post in store.posts("anna")] == ["anna-1"]
    mixed.append(items(3, 3)[0])
    serve(feed_server, "/anna.xml", rss(mixed))
    run(store, [person("anna", feed)])  # the filter dropped
    assert sorted(post.guid for post in store.posts("anna")) == ["anna-1", "anna-2", "anna-3"]


def test_a_feed_whose_only_change_is_its_date_stores_nothing(feed_server, store):
    anna = person("anna", serve(feed_server, "/anna.xml", rss(items(1, 3))))
    run(store, [anna])
    serve(feed_server, "/anna.xml", rss(items(1, 3), title="Ein Blog, neu betitelt"))
    summary = run(store, [anna])
    assert [report.outcome for report in summary.reports] == [updater.Outcome.UPDATED]
    assert summary.new_posts == 0 and summary.changed_posts == 0


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: parsing runs without a pool")
def test_the_parser_pool_leaves_unchanged_entries_alone_too(feed_server, store):
    count = updater.INLINE + 8
    participants = [person(f"p{n}", serve(feed_server, f"/p{n}.xml", rss(items(1, 2, f"p{n}"))))
                    for n in range(count)]  # fmt: skip
    run(store, participants)
    alter_titles(store, {by_guid(store, p.slug)[f"{p.slug}-1"].id: STALE for p in participants})
    for n in range(count):  # every blog has written a post since: a run the pool parses
        serve(feed_server, f"/p{n}.xml", rss(items(1, 3, f"p{n}")))
    assert run(store, participants).new_posts == count
    for p in participants:
        posts = by_guid(store, p.slug)
        assert posts[f"{p.slug}-1"].title == STALE and posts[f"{p.slug}-3"].title == "Beitrag 3 über Größe"


# -- the digest: every field of an entry, and the same in every process ----------------------------

ANNA = Participant("anna", "Anna", "https://anna.example/feed/", "https://anna.example/")
ENTRY = ParsedEntry(
    guid="g1", url="https://anna.example/1/", title="Titel", author="Anna",
    published=datetime(2026, 11, 1, 9, tzinfo=UTC), updated=None, summary_html="<p>Kurz</p>",
    content_html="<p>Lang</p>", categories=("Garten",), base_url="https://anna.example/",
    language="de", comment_feed="https://anna.example/1/feed/", comment_count=2,
    attachments=(ParsedAttachment("https://anna.example/a.mp3", "audio/mpeg", "100", ""),),
)  # fmt: skip


def _another(value: object) -> object:
    """A different value of the same kind."""
    if isinstance(value, str):
        return value + "x"
    if isinstance(value, datetime):
        return value + timedelta(seconds=1)
    if isinstance(value, int):
        return value + 1
    if isinstance(value, tuple):
        return value[:-1] if value else ("x",)
    return "x"  # None


@pytest.mark.parametrize("field", [f.name for f in dataclasses.fields(ParsedEntry)])
def test_a_change_to_any_field_of_an_entry_changes_its_digest(field):
    digest = source_digests(ANNA)
    changed = dataclasses.replace(ENTRY, **{field: _another(getattr(ENTRY, field))})
    assert digest(changed) != digest(ENTRY)


def test_text_moved_between_summary_and_content_changes_the_digest():
    digest = source_digests(ANNA)
    one = dataclasses.replace(ENTRY, summary_html="ab", content_html="c")
    other = dataclasses.replace(ENTRY, summary_html="a", content_html="bc")
    assert digest(one) != digest(other)


@pytest.mark.parametrize("field", ["slug", "name", "home", "author", "language", "categories"])
def test_a_change_to_the_participant_changes_every_digest(field):
    changed = dataclasses.replace(ANNA, **{field: _another(getattr(ANNA, field))})
    assert source_digests(changed)(ENTRY) != source_digests(ANNA)(ENTRY)


def test_the_digest_is_the_same_in_every_process():
    """Workers and later runs compare digests made elsewhere: nothing may depend on a process's
    hash seed (a set's order) or on its memory."""
    code = ("from tests.test_unchanged_entries import ANNA, ENTRY;"
            "from aggregator.feeds.clean import source_digests; print(source_digests(ANNA)(ENTRY))")  # fmt: skip
    found = set()
    for seed in ("1", "2", "3"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
        found.add(done.stdout.strip())
    assert found == {source_digests(ANNA)(ENTRY)}


def test_parse_posts_returns_the_digests_of_the_entries_it_took():
    body = rss(items(1, 3)).encode()
    first = parse_posts(body, {}, ANNA.feed, ANNA)
    assert len(first.records) == 3 and len(set(first.entries)) == 3
    again = parse_posts(body, {}, ANNA.feed, ANNA, seen=" ".join(first.entries))
    assert again.records == [] and again.entries == first.entries
    filtered = dataclasses.replace(ANNA, categories=("nichts davon",))
    assert parse_posts(body, {}, ANNA.feed, filtered) == ([], None, "", (), 0, ())
