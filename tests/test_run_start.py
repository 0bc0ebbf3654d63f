"""The store as an update found it (feeds/run_start.py): the store's own answers, read in three
queries, and never a value the run has written since."""

from datetime import UTC, datetime, timedelta

import pytest

from aggregator.feeds.run_start import RunStart
from aggregator.models import Comment, Post
from aggregator.store import Store

DAY = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


def post(participant: str, n: int) -> Post:
    url = f"https://{participant}.example/{n}/"
    return Post(participant=participant, guid=f"{participant}-{n}", url=url, title=f"Beitrag {n}",
                author="A", published=DAY + timedelta(days=n), updated=None, excerpt="", content_html="<p>x</p>",
                comment_feed=f"{url}feed/", comment_count=n)  # fmt: skip


def comments(of: Post, count: int) -> list[Comment]:
    return [Comment(post_id=of.id, guid=f"{of.guid}-c{c}", url=None, parent_guid=None, author="Leserin",
                    author_url=None, published=of.published + timedelta(hours=c), content_html="<p>Danke</p>")
            for c in range(count)]  # fmt: skip


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "store.sqlite") as store:
        for blog in ("anna", "ben"):
            posts = [post(blog, n) for n in range(1, 4)]
            store.record_success(blog, f"https://{blog}.example/feed/", etag=f'"{blog}-1"', last_modified=None,
                                 body_hash="a", posts=posts, comments=[c for p in posts for c in comments(p, p.comment_count)])  # fmt: skip
            store.record_unchanged(blog, f"https://{blog}.example/comments/feed/", etag=f'"{blog}-c1"', kind="comments")
        store.mark_comments_checked({post("anna", 2).id: (2, 2)})
        yield store


def test_the_run_start_answers_as_the_store_does(store):
    start = RunStart(store)
    for blog in ("anna", "ben", "carla"):  # carla: nothing stored
        for url in (f"https://{blog}.example/feed/", f"https://{blog}.example/comments/feed/"):
            assert start.feed_state(url) == store.feed_state(url)
            assert start.has_state(url) == (blog != "carla")
        heads = start.post_heads(blog)
        assert heads == store.post_heads(blog)
        assert start.comment_counts(blog, heads) == store.comment_counts(blog)
    assert store.comment_counts("anna") == {post("anna", n).id: n for n in range(1, 4)}
    assert [head.comments_checked for head in store.post_heads("anna")] == [None, 2, None]


def test_what_the_run_wrote_or_read_before_is_read_from_the_store(store):
    start = RunStart(store)
    feed, comment_feed = "https://anna.example/feed/", "https://anna.example/comments/feed/"
    store.record_unchanged("anna", feed, etag='"anna-2"')
    start.wrote_feed(feed)
    assert start.feed_state(feed).etag == '"anna-2"'
    # A feed two blogs share (one WordPress, two category feeds): the second asks what the first stored.
    assert start.feed_state(comment_feed).etag == '"anna-c1"'
    store.record_unchanged("anna", comment_feed, etag='"anna-c2"', kind="comments")
    assert start.feed_state(comment_feed).etag == '"anna-c2"'

    newer = post("anna", 9)
    store.record_success("anna", feed, etag=None, last_modified=None, body_hash="b", posts=[newer],
                         comments=comments(newer, 1))  # fmt: skip
    start.wrote_posts("anna")
    heads = start.post_heads("anna")
    assert heads[0].id == newer.id and heads == store.post_heads("anna")
    assert start.comment_counts("anna", heads)[newer.id] == 1
    # Each value is served once: the next ask is the store's.
    heads = start.post_heads("ben")
    store.record_success("ben", "https://ben.example/feed/", etag=None, last_modified=None, body_hash="b",
                         posts=[post("ben", 9)])  # fmt: skip
    assert start.post_heads("ben") == store.post_heads("ben") != heads


def test_without_preloading_everything_is_the_stores(store):
    start = RunStart(store, preload=False)
    feed = "https://anna.example/feed/"
    store.record_unchanged("anna", feed, etag='"anna-3"')
    assert start.feed_state(feed).etag == '"anna-3"'
    assert start.has_state(feed) and not start.has_state("https://carla.example/feed/")
    heads = start.post_heads("anna")
    assert heads == store.post_heads("anna")
    assert start.comment_counts("anna", heads) == store.comment_counts("anna")


def test_a_big_store_has_its_heads_and_counts_read_a_blog_at_a_time(store, monkeypatch):
    """Half a million posts' heads would be 200 MB at once: beyond PRELOAD_POSTS, as before."""
    monkeypatch.setattr("aggregator.feeds.run_start.PRELOAD_POSTS", 5)  # the store holds 6
    reads: list[str] = []
    heads_of = store.post_heads
    monkeypatch.setattr(store, "post_heads", lambda participant: reads.append(participant) or heads_of(participant))
    start = RunStart(store)
    assert store.holds_more_posts_than(5) and not store.holds_more_posts_than(6)
    heads = start.post_heads("anna")
    assert reads == ["anna"] and heads == heads_of("anna")
    assert start.comment_counts("anna", heads) == store.comment_counts("anna")
    assert start.feed_state("https://anna.example/feed/").etag == '"anna-1"'
