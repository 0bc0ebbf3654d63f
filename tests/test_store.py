"""The store keeps everything it was given: upserts, first-seen dates, errors, migrations."""

import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import time
from contextlib import closing
from datetime import UTC, datetime, timedelta
from functools import partial

import pytest

from aggregator.models import (
    Attachment,
    Comment,
    CommentTally,
    ErrorKind,
    FetchError,
    Post,
)
from aggregator.store import MIGRATIONS, Store, StoreDamaged, StoreError, check_copy, quick_check, raise_if_damaged

NOW = datetime(2026, 11, 20, 8, 0, tzinfo=UTC)


def post(guid: str = "g1", **changes) -> Post:
    values = dict(
        participant="anna", guid=guid, url=f"https://anna.example/{guid}", title="Über Remote",
        author="Anna", published=datetime(2026, 11, 2, 9, 30, tzinfo=UTC), updated=None,
        excerpt="Kurz", content_html="<p>Größer</p>", categories=("Remote",),
        links=("https://host.example/aufruf/",),
    )  # fmt: skip
    return Post(**{**values, **changes})


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "store.sqlite") as store:
        yield store


def test_new_store_is_migrated_to_latest_version_in_wal_mode(store):
    assert store.version == len(MIGRATIONS)
    assert store._db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_saves_and_reads_back_a_post_unchanged(store):
    counts = store.record_success("anna", "https://anna.example/feed", etag='"e1"',
                                  last_modified=None, body_hash="h", posts=[post()], now=NOW)
    assert (counts.new, counts.changed) == (1, 0)
    [stored] = store.posts()
    assert stored.title == "Über Remote"
    assert stored.categories == ("Remote",)
    assert stored.links == ("https://host.example/aufruf/",)
    assert stored.published == datetime(2026, 11, 2, 9, 30, tzinfo=UTC)
    assert stored.first_seen == NOW


def test_same_post_again_is_neither_new_nor_changed(store):
    store.record_success("anna", "f", etag=None, last_modified=None, body_hash="a", posts=[post()])
    counts = store.record_success("anna", "f", etag=None, last_modified=None, body_hash="b",
                                  posts=[post()])
    assert (counts.new, counts.changed) == (0, 0)


def test_a_feed_of_new_stored_and_edited_posts_is_saved_in_one_go(store):
    # 1,200 posts: more than one look-up query's worth of ids.
    first = [post(f"g{n}") for n in range(600)]
    assert store.record_success("anna", "f", etag=None, last_modified=None, body_hash="a",
                                posts=first, now=NOW).new == 600  # fmt: skip
    later = NOW + timedelta(days=1)
    edited = [post(f"g{n}", title="Neu") if n % 100 == 0 else post(f"g{n}") for n in range(600)]
    counts = store.record_success("anna", "f", etag=None, last_modified=None, body_hash="b",
                                  posts=edited + [post(f"g{n}") for n in range(600, 1200)],
                                  now=later)  # fmt: skip
    assert (counts.new, counts.changed) == (600, 6)
    stored = {p.guid: p for p in store.posts()}
    assert len(stored) == 1200 and stored["g100"].title == "Neu" and stored["g101"].title == "Über Remote"
    changed = dict(store._db.execute("SELECT guid, changed FROM posts WHERE guid IN ('g100', 'g101')"))
    assert changed == {"g100": later.isoformat(), "g101": NOW.isoformat()}  # the rest untouched
    assert stored["g700"].first_seen == later


def test_the_same_post_twice_in_one_feed_is_stored_once_as_it_last_reads(store):
    counts = store.record_success("anna", "f", etag=None, last_modified=None, body_hash="a",
                                  posts=[post(), post(title="Zweite Fassung")], now=NOW)  # fmt: skip
    assert (counts.new, counts.changed) == (1, 1)
    [stored] = store.posts()
    assert stored.title == "Zweite Fassung"


def test_edited_post_is_updated_in_place(store):
    store.record_success("anna", "f", etag=None, last_modified=None, body_hash="a", posts=[post()])
    counts = store.record_success("anna", "f", etag=None, last_modified=None, body_hash="b",
                                  posts=[post(title="Über Remote (aktualisiert)")])
    assert counts.changed == 1
    assert [p.title for p in store.posts()] == ["Über Remote (aktualisiert)"]


def test_post_without_date_keeps_its_first_seen_time_across_runs(store):
    undated = post(published=None)
    store.record_success("anna", "f", etag=None, last_modified=None, body_hash="a",
                         posts=[undated], now=NOW)
    store.record_success("anna", "f", etag=None, last_modified=None, body_hash="b",
                         posts=[undated], now=NOW + timedelta(days=3))
    [stored] = store.posts()
    assert stored.published == NOW


def test_a_post_is_not_dated_after_it_was_first_seen(store):
    # Dated a week ahead, it was stored with the time it was first seen (parse believes no such
    # date: None); six days later parse believed it, and the post moved, out of a parade's window
    # and into a second digest.  A date up to FUTURE_TOLERANCE after it was first seen (clock
    # skew), or before, is believed.
    ahead = NOW + timedelta(days=7)
    store.record_success("anna", "f", etag=None, last_modified=None, body_hash="a",
                         posts=[post(published=None)], now=NOW)
    counts = store.record_success("anna", "f", etag=None, last_modified=None, body_hash="b",
                                  posts=[post(published=ahead)], now=NOW + timedelta(days=6))
    assert counts.changed == 0 and [p.published for p in store.posts()] == [NOW]
    for believed in (NOW + timedelta(days=1), NOW - timedelta(days=30)):
        store.record_success("anna", "f", etag=None, last_modified=None, body_hash="c",
                             posts=[post(published=believed)], now=NOW + timedelta(days=6))
        assert [p.published for p in store.posts()] == [believed]


def test_posts_dropped_from_the_feed_stay(store):
    store.record_success("anna", "f", etag=None, last_modified=None, body_hash="a",
                         posts=[post("g1"), post("g2")])
    store.record_success("anna", "f", etag=None, last_modified=None, body_hash="b",
                         posts=[post("g3")])
    assert sorted(p.guid for p in store.posts()) == ["g1", "g2", "g3"]


def test_error_is_counted_and_keeps_posts_and_caching_state(store):
    store.record_success("anna", "f", etag='"e"', last_modified="Mon", body_hash="a",
                         posts=[post()])
    store.record_error("anna", "f", FetchError(ErrorKind.HTTP, "500 Internal Server Error"))
    store.record_error("anna", "f", FetchError(ErrorKind.TIMEOUT, "no response"))
    state = store.feed_state("f")
    assert state.consecutive_errors == 2
    assert state.last_error == FetchError(ErrorKind.TIMEOUT, "no response")
    assert (state.etag, state.last_modified) == ('"e"', "Mon")
    assert len(list(store.posts())) == 1


def test_success_clears_the_error(store):
    store.record_error("anna", "f", FetchError(ErrorKind.GONE, "410 Gone"))
    assert store.feed_state("f").gone
    store.record_unchanged("anna", "f", etag='"x"')
    state = store.feed_state("f")
    assert state.last_error is None and state.consecutive_errors == 0 and state.etag == '"x"'


def test_the_failing_feeds_states_alone(store):
    store.record_unchanged("anna", "ok", etag='"x"')
    store.record_error("anna", "down", FetchError(ErrorKind.TIMEOUT, "no response"))
    store.record_error("anna", "back", FetchError(ErrorKind.HTTP, "500 Internal Server Error"))
    store.record_unchanged("anna", "back")
    assert sorted(store.feed_states()) == ["back", "down", "ok"]
    assert list(store.feed_states(failing=True)) == ["down"]


def test_the_store_keeps_where_the_feed_answered_last(store):
    # The updater says where each success came from: the move target, or the feed's own URL.
    store.record_success("anna", "f", etag=None, last_modified=None, body_hash="a",
                         moved_to="https://new.example/feed")
    assert store.feed_state("f").moved_to == "https://new.example/feed"
    store.record_unchanged("anna", "f", moved_to="https://new.example/feed")
    store.record_error("anna", "f", FetchError(ErrorKind.HTTP, "404 Not Found"))
    assert store.feed_state("f").moved_to == "https://new.example/feed"  # a failure moves nothing
    store.record_success("anna", "f", etag=None, last_modified=None, body_hash="b")
    assert store.feed_state("f").moved_to is None


def test_next_try_is_kept_with_the_error_and_cleared_by_a_success(store):
    later = NOW + timedelta(days=1)
    store.record_error("anna", "f", FetchError(ErrorKind.HTTP, "429 Too Many Requests"),
                       next_try=later, now=NOW)
    assert store.feed_state("f").next_try == later
    store.record_error("anna", "f", FetchError(ErrorKind.HTTP, "500"), now=NOW)
    assert store.feed_state("f").next_try is None  # each failure says anew when to come back
    store.record_error("anna", "f", FetchError(ErrorKind.HTTP, "500"), next_try=later)
    store.record_unchanged("anna", "f")
    assert store.feed_state("f").next_try is None
    store.record_error("anna", "f", FetchError(ErrorKind.HTTP, "500"), next_try=later)
    store.record_success("anna", "f", etag=None, last_modified=None, body_hash="b")
    assert store.feed_state("f").next_try is None


def store_of_version(path, version: int, *rows: tuple[str, tuple]) -> None:
    """A store file as blogparade left it at schema `version`, holding `rows` (SQL, values)."""
    db = sqlite3.connect(path)
    db.row_factory = sqlite3.Row
    for migration in MIGRATIONS[:version]:
        migration(db) if callable(migration) else db.executescript(migration)
    for statement, values in rows:
        db.execute(statement, values)
    db.execute(f"PRAGMA user_version = {version}")
    db.commit()
    db.close()


def test_a_store_of_version_3_is_migrated_and_keeps_its_feeds(tmp_path):
    path = tmp_path / "store.sqlite"
    store_of_version(path, 3, ("INSERT INTO feeds (url, participant, moved_to, consecutive_errors) "
                               "VALUES ('f', 'anna', 'https://new.example/feed', 3)", ()))
    with Store(path) as store:
        assert store.version == len(MIGRATIONS)  # 4 and every migration appended since
        state = store.feed_state("f")
    assert (state.moved_to, state.consecutive_errors, state.next_try) == (
        "https://new.example/feed", 3, None)


def test_a_store_an_older_blogparade_wrote_is_kept_as_it_was_before_it_is_migrated(tmp_path):
    # The first command after an upgrade (even `status`) migrated the store in place: the older
    # version refuses it then, and every backup made after; its own backups rotate away in a week.
    from tests.acceptance_helpers import invoke, new_site, ok, write_participant

    site = new_site(tmp_path / "site")
    write_participant(site, "anna", "Anna", "http://127.0.0.1:9/feed/")  # nothing listens there
    store_of_version(site / "blogparade.sqlite", 14, (
        "INSERT INTO feeds (url, participant, consecutive_errors) VALUES ('f', 'anna', 2)", ()))
    said = ok(invoke(site, "status", "--json"))
    copy = site / "backups" / "blogparade-schema-14.sqlite"
    # Said, on stderr (the JSON stays whole): it went unnoticed that an older blogparade can no
    # longer open the store, and where the way back is.
    assert f"upgraded from schema 14 to {len(MIGRATIONS)}: older blogparade versions cannot open it any more; " \
           f"the store as it was is kept in {copy}." in said.stderr  # fmt: skip
    assert json.loads(said.stdout)["blogs"][0]["slug"] == "anna"
    assert "upgraded" not in ok(invoke(site, "status")).stderr  # once
    with sqlite3.connect(copy) as db:
        assert db.execute("PRAGMA user_version").fetchone() == (14,)
        assert db.execute("SELECT participant, consecutive_errors FROM feeds").fetchall() == [("anna", 2)]
    with sqlite3.connect(site / "blogparade.sqlite") as db:
        assert db.execute("PRAGMA user_version").fetchone() == (len(MIGRATIONS),)
    made = copy.stat().st_mtime_ns
    invoke(site, "fetch")  # migrated: nothing more to keep, and the copy is not rotated away
    assert copy.stat().st_mtime_ns == made and [p.name for p in (site / "backups").glob("*schema*")] == [copy.name]


def test_a_store_of_version_18_forgets_the_comment_counts_of_contributions_from_other_blogs(tmp_path):
    # A contribution from a blog that never joined kept its feed's count from when its page was
    # found: nothing refreshes it, and a count of 0 kept its comment feed from being asked again.
    path = tmp_path / "store.sqlite"
    row = ("INSERT INTO posts (id, participant, guid, url, title, author, published, first_seen, changed, "
           "excerpt, categories, links, comment_feed, comment_count, attachments, content_html) VALUES "
           "(?, ?, ?, ?, 'T', '', '2026-11-02T09:30:00+00:00', '2026-11-02T10:00:00+00:00', "
           "'2026-11-02T10:00:00+00:00', '', '[]', '[]', ?, 0, '[]', '')")  # fmt: skip
    store_of_version(path, 18, (row, ("p1", "ext_hanna", "g1", "https://hanna.example/1", "https://hanna.example/1/feed/")),
                     (row, ("p2", "anna", "g2", "https://anna.example/2", "https://anna.example/2/feed/")))
    with Store(path) as store:
        assert store.version == len(MIGRATIONS)
        assert [head.comment_count for head in store.post_heads("ext_hanna")] == [None]
        assert [head.comment_count for head in store.post_heads("anna")] == [0]  # its feed's, read each change


def test_a_store_of_version_14_gets_its_posts_text_last_and_keeps_everything(tmp_path):
    # Migration 15 makes `posts` again (SQLite's recipe: foreign keys off while stores migrate)
    # and moves the comment counts last checked into a table of their own.
    path = tmp_path / "store.sqlite"
    store_of_version(path, 14, (
        "INSERT INTO posts (id, participant, guid, url, title, author, published, first_seen, "
        "changed, excerpt, content_html, categories, links, comment_feed, comment_count, "
        "comments_checked, comments_checked_stored, hidden, attachments) VALUES ('p1', 'anna', "
        "'g1', 'https://anna.example/g1', 'Titel', 'Anna', '2026-11-02T09:30:00+00:00', "
        "'2026-11-02T10:00:00+00:00', '2026-11-02T10:00:00+00:00', 'Kurz', ?, '[]', '[]', "
        "'https://anna.example/g1/feed/', 3, 3, 2, NULL, '[]')", ("<p>" + "Text " * 3000 + "</p>",)
    ), (
        "INSERT INTO comments (id, post_id, guid, author, published, first_seen, changed, "
        "content_html, kind) VALUES ('c1', 'p1', '1', 'Bea', '2026-11-03T00:00:00+00:00', "
        "'2026-11-03T00:00:00+00:00', '2026-11-03T00:00:00+00:00', '<p>Ja</p>', 'comment')", ()
    ))  # fmt: skip
    with Store(path) as store:
        assert store.version == len(MIGRATIONS)
        [head] = store.post_heads("anna")
        assert (head.comment_count, head.comments_checked, head.comments_checked_stored) == (3, 3, 2)
        [stored] = store.posts()
        assert stored.content_html.startswith("<p>Text") and stored.title == "Titel"
        assert [c.guid for c in store.comments("p1")] == ["1"]
        columns = [row[1] for row in store._db.execute("PRAGMA table_info(posts)")]
        assert columns[-1] == "content_html" and "comments_checked" not in columns
        assert store._db.execute("PRAGMA foreign_keys").fetchone()[0] == 1  # on again
        store.purge_participant("anna")
        assert store._db.execute("SELECT count(*) FROM comment_checks").fetchone()[0] == 0


def test_the_comment_counts_checked_are_kept_and_overwritten(store):
    store.record_success("anna", "f", etag=None, last_modified=None, body_hash="a", posts=[post()])
    [head] = store.post_heads("anna")
    assert (head.comments_checked, head.comments_checked_stored) == (None, None)
    store.mark_comments_checked({head.id: (4, 3)})
    store.mark_comments_checked({head.id: (None, 5)})
    [head] = store.post_heads("anna")
    assert (head.comments_checked, head.comments_checked_stored) == (None, 5)


def test_failed_transaction_leaves_nothing_half_written(store):
    broken = post("g2", title=None)  # NOT NULL violation in the middle of a feed's posts
    with pytest.raises(sqlite3.IntegrityError):
        store.record_success("anna", "f", etag=None, last_modified=None, body_hash="a",
                             posts=[post("g1"), broken])
    assert list(store.posts()) == []
    assert store.feed_state("f") is None


def comment(guid: str, parent: str | None = None, **changes) -> Comment:
    values = dict(post_id=post().id, guid=guid, url=f"https://anna.example/g1#comment-{guid}",
                  parent_guid=parent, author="Bea", author_url=None,
                  published=datetime(2026, 11, 3, tzinfo=UTC), content_html="<p>Ja!</p>")
    return Comment(**{**values, **changes})


def test_comments_keep_the_parent_reference_their_feed_gave(store):
    # Which comment a reference names is the thread builder's question (website/threads.py).
    store.record_success("anna", "f", etag=None, last_modified=None, body_hash="a", posts=[post()])
    store.record_success("anna", "c", etag=None, last_modified=None, body_hash="a", comments=[
        comment("1"), comment("2", parent="1"),
        comment("3", parent="https://anna.example/g1#comment-2"), comment("4", parent="missing"),
    ])  # fmt: skip
    parents = {c.guid: c.parent_ref for c in store.comments(post().id)}
    assert parents == {"1": None, "2": "1", "3": "https://anna.example/g1#comment-2", "4": "missing"}


def test_reply_keeps_its_parent_when_a_later_feed_omits_it(store):
    store.record_success("anna", "f", etag=None, last_modified=None, body_hash="a", posts=[post()])
    store.record_success("anna", "c", etag=None, last_modified=None, body_hash="a",
                         comments=[comment("1"), comment("2", parent="1")])
    store.record_success("anna", "c", etag=None, last_modified=None, body_hash="b",
                         comments=[comment("2", parent=None)])
    assert {c.guid: c.parent_ref for c in store.comments()} == {"1": None, "2": "1"}


def test_an_edited_comment_keeps_the_date_it_was_written(store):
    # Isso's Atom feed dates a comment by its last edit (<updated> only): edited a day later, it
    # moved below its own replies.  An earlier date is taken (a feed that learnt better).
    store.record_success("anna", "f", etag=None, last_modified=None, body_hash="a", posts=[post()])
    written = datetime(2026, 11, 3, 9, tzinfo=UTC)
    store.record_success("anna", "c", etag=None, last_modified=None, body_hash="a",
                         comments=[comment("1", published=written)])
    store.record_success("anna", "c", etag=None, last_modified=None, body_hash="b", comments=[
        comment("1", published=written + timedelta(days=1), content_html="<p>Ja, wirklich!</p>")])  # fmt: skip
    [edited] = store.comments()
    assert (edited.published, edited.content_html) == (written, "<p>Ja, wirklich!</p>")
    store.record_success("anna", "c", etag=None, last_modified=None, body_hash="c", comments=[
        comment("1", published=written - timedelta(hours=1), content_html="<p>Ja, wirklich!</p>")])  # fmt: skip
    assert [c.published for c in store.comments()] == [written - timedelta(hours=1)]


MARKER = '<p>Als Antwort auf <a href="https://anna.example/g1/#comment-1" rel="nofollow ugc noopener">Bea</a>.</p>\n'


@pytest.mark.parametrize(
    "first, then, changed",
    [
        (MARKER + "<p>Ja!</p>", "<p>Ja!</p>", 0),  # the feed's reply, then the API's
        ("<p>Ja!</p>", MARKER + "<p>Ja!</p>", 0),  # the API's, then the feed's
        (MARKER + "<p>Ja!</p>", "<p>Nein!</p>", 1),  # edited
        ("<p>Ja!</p>", MARKER + "<p>Nein!</p>", 1),  # edited, read from the other side
        (MARKER + "<p>Ja!</p>", MARKER.replace("comment-1", "comment-3") + "<p>Ja!</p>", 1),  # moved
        ("<p>Ja!</p>", "<p>Ja! Ja!</p>", 1),
    ],
)
def test_a_reply_with_and_without_its_in_reply_to_paragraph_is_the_same_reply(store, first, then, changed):
    """WordPress's feeds start a reply with "In reply to …", its API does not: a post read
    both ways keeps its replies as first stored; any other difference is a change."""
    store.record_success("anna", "f", etag=None, last_modified=None, body_hash="a", posts=[post()])
    store.record_success("anna", "c", etag=None, last_modified=None, body_hash="a",
                         comments=[comment("2", parent="1", content_html=first)])
    counts = store.record_success("anna", "api", etag=None, last_modified=None, body_hash="b",
                                  comments=[comment("2", parent="1", content_html=then)])
    assert (counts.new, counts.changed) == (0, changed)
    [stored] = store.comments()
    assert stored.content_html == (then if changed else first)


def test_fingerprint_moves_only_when_content_changes(store):
    before = store.fingerprint()
    store.record_success("anna", "f", etag=None, last_modified=None, body_hash="a",
                         posts=[post()], now=NOW)
    after_insert = store.fingerprint()
    store.record_success("anna", "f", etag=None, last_modified=None, body_hash="b",
                         posts=[post()], now=NOW + timedelta(hours=1))
    assert before != after_insert == store.fingerprint()
    store.record_success("anna", "f", etag=None, last_modified=None, body_hash="c",
                         posts=[post(title="Neu")], now=NOW + timedelta(hours=2))
    assert store.fingerprint() != after_insert


def test_store_from_a_newer_blogparade_is_refused(tmp_path):
    path = tmp_path / "store.sqlite"
    sqlite3.connect(path).execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    with pytest.raises(StoreError, match="newer"):
        Store(path)


def test_missing_folder_and_garbage_file_are_clear_errors(tmp_path):
    with pytest.raises(StoreError, match="nowhere does not exist"):
        Store(tmp_path / "nowhere" / "store.sqlite")
    garbage = tmp_path / "garbage.sqlite"
    garbage.write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="cannot use store"):
        Store(garbage)


def test_comment_counts_of_one_participant(store):
    other = post("g9", participant="bert")
    store.record_success("anna", "f", etag=None, last_modified=None, body_hash="a",
                         posts=[post(), other])
    store.record_success("anna", "c", etag=None, last_modified=None, body_hash="a",
                         comments=[comment("1"), comment("2"), comment("3", post_id=other.id)])
    assert store.comment_counts("anna") == {post().id: 2}
    assert store.comment_counts() == {post().id: 2, other.id: 1}



def test_comment_tallies_count_what_readers_see(store):
    """Per post: its comments, and its pingbacks and trackbacks apart; hidden ones in neither."""
    store.record_success("anna", "f", etag=None, last_modified=None, body_hash="a", posts=[post()])
    ping = comment("3", kind="pingback")
    hidden = comment("4")
    store.record_success("anna", "c", etag=None, last_modified=None, body_hash="a",
                         comments=[comment("1"), comment("2"), ping, hidden])
    store.set_hidden("comment", [hidden.id], True)
    assert store.comment_tallies() == {post().id: CommentTally(comments=2, mentions=1)}
    assert store.comment_tallies()[post().id].as_shown(5) == 4  # the blog's 5 count the pingback


OPEN_AT_ONCE = """
import sys, time
from aggregator.store import Store
time.sleep(max(0.0, float(sys.argv[2]) - time.time()))
with Store(sys.argv[1]) as store:
    print(store.version)
"""


def test_processes_opening_a_new_store_at_once_migrate_it_once(tmp_path):
    """Each reads the schema version again inside its write transaction: before, the second
    process to migrate failed with "table feeds already exists"."""
    for attempt in range(5):
        path = tmp_path / f"store-{attempt}.sqlite"
        start = time.time() + 1.0  # every process imported and waiting
        processes = [
            subprocess.Popen([sys.executable, "-c", OPEN_AT_ONCE, str(path), str(start)],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(6)
        ]  # fmt: skip
        for process in processes:
            out, err = process.communicate(timeout=60)
            assert process.returncode == 0 and out.strip() == str(len(MIGRATIONS)), err


# --- the file: damage, backups, errors in sentences --------------------------------------------


def damage_a_page(path) -> None:
    """Overwrite one page of posts in the middle of the file with junk, as a failing disk would
    (a page of the posts' text: every query of whole posts meets it)."""
    data = path.read_bytes()
    pages = sorted({at // 4096 for at in _occurrences(data, b"<p>Text</p><p>Text</p>")})
    with open(path, "r+b") as file:
        file.seek(4096 * pages[len(pages) // 2])
        file.write(bytes(range(256)) * 16)


def _occurrences(data: bytes, needle: bytes) -> list[int]:
    found, at = [], data.find(needle)
    while at != -1:
        found.append(at)
        at = data.find(needle, at + 1)
    return found


def filled_store(path, posts: int = 300) -> None:
    with Store(path) as store:
        store.record_success("anna", "f", etag=None, last_modified=None, body_hash="a",
                             posts=[post(f"g{n}", content_html="<p>Text</p>" * 50)
                                    for n in range(posts)])  # fmt: skip


def test_what_every_build_asks_of_all_posts_and_comments_reads_indexes_not_their_rows(store):
    """A build asks these of every post and comment: read through the posts' rows, each with its
    text, they took 0.4 s of a build after one new post at 20,000 posts (5 s), and more where
    the file is not in the page cache."""
    store.record_success("anna", "f", etag=None, last_modified=None, body_hash="a",
                         posts=[post(f"g{n}") for n in range(30)])  # fmt: skip
    asked: list[str] = []
    store._db.set_trace_callback(asked.append)
    try:
        store.fingerprint()
        store.hidden_post_ids()
        store.hidden_comments()
        store.comment_feed_urls()
        list(store.post_index())
        store.last_new_posts(store.moved_posts())
        store.duplicate_post_ids({"anna": "https://anna.example/"})
        store.comment_counts_by_participant()
    finally:
        store._db.set_trace_callback(None)
    steps = {step for sql in asked if sql.lstrip().startswith("SELECT")
             for *_, step in store._db.execute("EXPLAIN QUERY PLAN " + sql)}  # fmt: skip
    plan = "\n".join(sorted(steps))
    for index in ("posts_hidden", "comments_hidden", "posts_changed", "comments_changed",
                  "COVERING INDEX posts_published", "COVERING INDEX posts_participant"):  # fmt: skip
        assert index in plan, plan
    assert not steps & {"SCAN posts", "SCAN comments", "SCAN posts AS p", "SCAN comments AS c"}, sorted(steps)


def test_a_whole_store_passes_its_check(store):
    store.record_success("anna", "f", etag=None, last_modified=None, body_hash="a", posts=[post()])
    store.check()


def test_a_damaged_page_fails_the_check_and_any_query_that_meets_it_in_one_line(tmp_path):
    path = tmp_path / "store.sqlite"
    filled_store(path)
    damage_a_page(path)
    with Store(path) as store, pytest.raises(StoreDamaged) as damaged:
        store.check()
    assert str(damaged.value).startswith(f"cannot use store {path}: it is damaged (")
    assert "\n" not in str(damaged.value)
    with Store(path) as store, pytest.raises(StoreDamaged, match="it is damaged"):
        list(store.posts())  # the page is met mid-iteration: a StoreError, not sqlite3's


def test_the_check_of_a_connection_of_its_own_finds_what_the_stores_finds(tmp_path):
    """quick_check: what a fetch's check begun in a thread (backups.check_begun) reads, before
    the store is opened; None where it cannot read the file, which the store's own check says."""
    path = tmp_path / "store.sqlite"
    filled_store(path)
    assert quick_check(path) == ["ok"]
    with pytest.raises(StoreDamaged, match=r"it is damaged \(SQLite's check: a finding\)$"):
        raise_if_damaged(path, ["*** in database main ***", "a finding"])
    damage_a_page(path)
    assert quick_check(path) is None  # SQLite's error, not a finding: the store's check words it
    with Store(path) as store, pytest.raises(StoreDamaged, match="it is damaged"):
        store.check()
    assert quick_check(tmp_path / "nothing.sqlite") is None
    (tmp_path / "text.sqlite").write_text("no database")
    assert quick_check(tmp_path / "text.sqlite") is None


@pytest.mark.parametrize("damage", ["random bytes", "truncated"])
def test_a_store_of_random_bytes_or_cut_short_is_damaged(tmp_path, damage):
    path = tmp_path / "store.sqlite"
    filled_store(path)
    size = path.stat().st_size
    if damage == "random bytes":
        path.write_bytes(random.Random(1).randbytes(size))
    else:
        os.truncate(path, size // 2)
    with pytest.raises(StoreDamaged, match=rf"^cannot use store {re.escape(str(path))}: it is damaged"):
        with Store(path) as store:
            store.check()


def test_errors_of_the_sql_itself_stay_what_they_are(store):
    with pytest.raises(sqlite3.OperationalError, match="no such table"):
        store._db.execute("SELECT * FROM nothing_here")


def test_a_backup_is_one_whole_file_with_everything(tmp_path):
    path = tmp_path / "store.sqlite"
    filled_store(path, posts=20)
    target = tmp_path / "backups" / "copy.sqlite"
    target.parent.mkdir()
    with Store(path) as store:
        store.backup(target)
    assert sorted(p.name for p in target.parent.iterdir()) == ["copy.sqlite"]  # no -wal, no .tmp
    assert check_copy(target) == 20
    assert sqlite3.connect(target).execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    assert check_copy(target) == 20  # looking changed nothing


@pytest.mark.parametrize("log_held_back", [False, True])
def test_a_backup_is_the_store_when_it_was_asked_for_whichever_way_it_is_copied(tmp_path, log_held_back):
    """The database file copied as a file (its log all copied into it, the usual case) or, where
    a reader holds part of the log back from the file, SQLite's backup: either way the posts
    written after the snapshot, and checkpointed meanwhile, are not in it."""
    path = tmp_path / "store.sqlite"
    filled_store(path, posts=20)
    target = tmp_path / "copy.sqlite"
    add = partial(post, content_html="<p>Text</p>" * 50)
    with Store(path) as store, closing(sqlite3.connect(path, isolation_level=None)) as reader:
        if log_held_back:  # an older snapshot: the log written after it stays out of the file
            reader.execute("BEGIN")
            reader.execute("SELECT count(*) FROM posts").fetchone()
            store.record_success("anna", "f", etag=None, last_modified=None, body_hash="b",
                                 posts=[add(f"h{n}") for n in range(5)])  # fmt: skip
        assert store._all_in_file() is not log_held_back
        write = store.backup_of_now(target)
        store.record_success("anna", "f", etag=None, last_modified=None, body_hash="c",
                             posts=[add(f"k{n}") for n in range(30)])  # fmt: skip
        store._db.execute("PRAGMA wal_checkpoint(PASSIVE)")
        write()
        written = 25 if log_held_back else 20
        assert check_copy(target) == written
        assert store._db.execute("SELECT count(*) FROM posts").fetchone()[0] == written + 30
    assert sorted(p.name for p in tmp_path.iterdir() if "copy" in p.name) == ["copy.sqlite"]
    assert sqlite3.connect(target).execute("PRAGMA journal_mode").fetchone()[0] == "delete"


def test_a_damaged_copy_is_told_apart(tmp_path):
    copy = tmp_path / "copy.sqlite"
    filled_store(copy)
    damage_a_page(copy)
    with pytest.raises(StoreDamaged):
        check_copy(copy)
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE x (y)")
    with pytest.raises(StoreDamaged, match="no blogparade store"):
        check_copy(other)


def test_a_folder_in_place_of_the_store_is_a_sentence(tmp_path):
    (tmp_path / "store.sqlite").mkdir()
    with pytest.raises(StoreError, match="it is a folder, not a file"):
        Store(tmp_path / "store.sqlite")
# --- parade candidates (issue 10) ---------------------------------------------------------------

from aggregator.models import CandidatePage, ExternalBlog, NamedCandidate, PageReading  # noqa: E402


def test_candidates_are_one_per_page_and_gather_their_channels(store):
    new = store.add_candidates("doku", [
        NamedCandidate("https://anna.example/beitrag/", "pingback", datetime(2026, 10, 12, tzinfo=UTC)),
        NamedCandidate("http://www.anna.example/beitrag?utm_source=x", "mention", datetime(2026, 10, 11, tzinfo=UTC)),
    ], NOW)  # fmt: skip
    assert new == 1
    assert store.add_candidates("doku", [NamedCandidate("https://anna.example/beitrag/", "submit")], NOW) == 0
    [candidate] = store.candidates("doku")
    assert candidate.url == "https://anna.example/beitrag/"  # as first named
    assert candidate.channels == ("pingback", "mention", "submit")
    assert candidate.date == datetime(2026, 10, 11, tzinfo=UTC)  # the earliest any channel gave
    assert store.candidates("andere") == []


def test_a_failed_look_keeps_the_reading_an_earlier_one_made(store):
    reading = PageReading("https://anna.example/beitrag/", title="Mein Beitrag",
                          published=datetime(2026, 10, 12), links=("https://host.example/aufruf/",))  # fmt: skip
    entry = post("beitrag", comment_feed="https://anna.example/beitrag/feed/")
    store.put_candidate_page(CandidatePage("k", "https://anna.example/beitrag/", NOW, reading=reading,
                                           entry=entry, feed_title="Annas Blog", post_id="p1"))  # fmt: skip
    later = NOW + timedelta(days=2)
    store.put_candidate_page(CandidatePage("k", "https://anna.example/beitrag/", later, "unfetchable",
                                           "connection: connection refused"))  # fmt: skip
    page = store.candidate_pages()["k"]
    assert (page.checked_at, page.problem, page.error) == (later, "unfetchable", "connection: connection refused")
    assert page.reading == reading  # a naive date stays naive
    assert page.entry == entry and page.feed_title == "Annas Blog" and page.post_id == "p1"


def test_external_blogs_and_their_posts(store):
    blog = ExternalBlog("ext_anna-example", "Annas Blog", "https://anna.example/", None, NOW)
    store.put_external_blog(blog)
    store.put_external_blog(ExternalBlog("ext_anna-example", "Annas neuer Name", "https://anna.example/",
                                         "https://anna.example/feed/", NOW + timedelta(days=1)))  # fmt: skip
    [stored] = store.external_blogs()
    assert (stored.name, stored.feed, stored.first_seen) == ("Annas neuer Name", "https://anna.example/feed/", NOW)
    counts = store.save_posts([post(participant="ext_anna-example")], NOW)
    assert counts.new == 1
    [saved] = store.posts("ext_anna-example")
    assert store.posts_by_id([saved.id, "missing"]) == {saved.id: saved}


def test_the_fingerprint_follows_candidates_and_their_pages(store):
    before = store.fingerprint()
    store.add_candidates("doku", [NamedCandidate("https://anna.example/beitrag/", "submit")], NOW)
    with_candidate = store.fingerprint()
    store.put_candidate_page(CandidatePage("k", "https://anna.example/beitrag/", NOW, "not-html", "application/pdf"))
    assert len({before, with_candidate, store.fingerprint()}) == 3


def test_the_log_starts_over_while_a_run_writes_feed_after_feed(store, monkeypatch):
    """A first run writes a transaction per feed without pause: each copy of the log into the
    database is finished between two of them, so the log is written from its beginning again
    and stays a fraction of what was written (it grew to twice the store's size before)."""
    monkeypatch.setattr("aggregator.store.CHECKPOINT_EVERY", 0.05)
    log = store.path.with_name(store.path.name + "-wal")
    written, largest, deadline = 0, 0, time.monotonic() + 1.0
    with store.many_transactions():
        feed = 0
        # 20 copies, each with feeds written meanwhile; on a busy machine (the suite runs in
        # parallel) as many feeds as an idle one writes in that time, however long they take.
        while time.monotonic() < deadline or feed < 60:
            feed += 1
            time.sleep(0.001)  # the run fetches and parses between two feeds
            posts = [post(f"f{feed}-{n}", content_html="<p>" + "Beet " * 2000 + "</p>")
                     for n in range(5)]  # fmt: skip
            store.record_success(f"b{feed}", f"https://b{feed}.example/feed", etag=None,
                                 last_modified=None, body_hash="h", posts=posts)  # fmt: skip
            written += 5 * 10_000
            largest = max(largest, log.stat().st_size)
    assert largest < written / 3, (largest, written, feed)
    assert len(list(store.posts())) == 5 * feed


def test_a_run_commits_its_transactions_in_groups_each_whole(store, monkeypatch):
    """many_transactions: a transaction that fails is undone alone, the group goes on; others
    (another process) see a group once it is committed, and everything whole at the end, an
    interrupted run's too."""
    monkeypatch.setattr("aggregator.store.COMMIT_EVERY", 0.2)

    def seen() -> set[str]:
        with Store(store.path) as other:
            return {p.guid for p in other.posts()}

    def feed(name: str, *posts: Post) -> None:
        store.record_success("anna", name, etag=None, last_modified=None, body_hash=name, posts=posts)

    with pytest.raises(KeyboardInterrupt), store.many_transactions():
        feed("f1", post("g1"))
        with pytest.raises(sqlite3.IntegrityError):
            feed("f2", post("g2"), post("g3", title=None))  # NOT NULL in the middle: all of f2 goes
        store.record_unchanged("anna", "f4")
        assert seen() == set()  # the group is not committed yet
        time.sleep(0.25)
        feed("f3", post("g4"))  # the group is due: committed with this one
        assert seen() == {"g1", "g4"}
        feed("f5", post("g5"))
        raise KeyboardInterrupt  # Ctrl-C: what was whole stays
    assert seen() == {"g1", "g4", "g5"}
    assert store.feed_state("f2") is None and store.feed_state("f4") is not None


def test_purging_a_blog_deletes_what_the_store_kept_about_it_and_nothing_of_others(store):
    from aggregator.store import PARTICIPANT_META

    for slug in ("anna", "annabel"):
        for key in PARTICIPANT_META:
            store.set_meta(key + slug, f"{key} of {slug}")
    store.purge_participant("anna")
    assert [store.get_meta(key + "anna") for key in PARTICIPANT_META] == [None] * len(PARTICIPANT_META)
    assert [store.get_meta(key + "annabel") for key in PARTICIPANT_META] == [
        f"{key} of annabel" for key in PARTICIPANT_META]


def test_parade_rows_under_an_old_page_key_are_merged_once_under_todays(tmp_path):
    # Version 11's shape: one page under the old key of /blog/ and, named again later, under
    # today's; the first seen keeps its address and date, the channels join, the earlier date wins.
    path = tmp_path / "store.sqlite"
    db = sqlite3.connect(path)
    for script in MIGRATIONS[:11]:
        db.executescript(script)
    rows = [("old.example/blog", "https://old.example/blog/?p=7", '["mention"]', "2026-10-02T00:00:00+00:00", None),
            ("old.example/blog?p=7", "http://www.old.example/blog/?p=7&utm_source=x", '["pingback", "mention"]',
             "2026-10-05T00:00:00+00:00", "2026-10-01T00:00:00+00:00")]  # fmt: skip
    db.executemany("INSERT INTO parade_candidates VALUES ('doku', ?, ?, ?, ?, ?)", rows)
    db.execute("PRAGMA user_version = 11")
    db.commit()
    db.close()
    with Store(path) as store:
        [candidate] = store.candidates("doku")
    assert (candidate.key, candidate.url, candidate.channels) == (
        "old.example/blog?p=7", "https://old.example/blog/?p=7", ("mention", "pingback"))
    assert (candidate.first_seen.day, candidate.date.day) == (2, 1)


# --- attachments (migration 14) ---------------------------------------------------------------------

EPISODE = Attachment("https://cdn.anna.example/folge-7.mp3", "audio", "audio/mpeg", 45123456, "Folge 7")
PHOTO = Attachment("https://files.anna.example/moewen.jpeg", "image", None, None, "Möwen im Abendlicht")


def test_a_posts_attachments_are_read_back_as_saved_and_a_new_one_changes_it(store):
    store.record_success("anna", "f", etag=None, last_modified=None, body_hash="a", posts=[post()])
    counts = store.record_success("anna", "f", etag=None, last_modified=None, body_hash="b",
                                  posts=[post(attachments=(EPISODE, PHOTO))])  # fmt: skip
    assert counts.changed == 1
    [stored] = store.posts()
    assert stored.attachments == (EPISODE, PHOTO)
    assert store.posts_by_id([stored.id])[stored.id].attachments == (EPISODE, PHOTO)


def test_a_store_of_version_13_gets_attachments_with_every_post_feed_parsed_once_more(tmp_path):
    path = tmp_path / "store.sqlite"
    store_of_version(path, 13, (
        "INSERT INTO feeds (url, participant, etag, body_hash, kind) VALUES "
        "('https://anna.example/feed/', 'anna', '\"e\"', 'h', 'posts'), "
        "('https://anna.example/comments/', 'anna', '\"e\"', 'h', 'comments')", ()
    ), (
        "INSERT INTO posts (id, participant, guid, url, title, author, published, first_seen, changed, "
        "excerpt, content_html, categories, language, links) VALUES ('p1', 'anna', 'g1', "
        "'https://anna.example/g1', 'Folge 7', 'Anna', '2026-11-02T09:30:00+00:00', "
        "'2026-11-02T09:30:00+00:00', '2026-11-02T09:30:00+00:00', 'Kurz', '<p>x</p>', '[]', 'de', '[]')", ()
    ))  # fmt: skip
    with Store(path) as store:
        assert store.version == len(MIGRATIONS)
        [old] = store.posts()
        posts, comments = store.feed_state("https://anna.example/feed/"), store.feed_state("https://anna.example/comments/")
    assert old.attachments == ()
    assert (posts.etag, posts.body_hash) == (None, None)  # read and parsed again: attachments arrive
    assert (comments.etag, comments.body_hash) == ('"e"', "h")


def test_a_post_two_blogs_bring_is_shown_under_the_first_and_a_joined_blog_before_one_that_never_did(tmp_path):
    from aggregator.models import Post

    def post(participant: str, guid: str) -> Post:
        return Post(participant=participant, guid=guid, url="https://anna.example/1/", title="Eins", author="",
                    published=NOW, updated=None, excerpt="", content_html="<p>x</p>")

    with Store(tmp_path / "s.sqlite") as store:
        external, garden, anna = post("ext_anna-example", "e"), post("anna-garten", "g"), post("anna", "a")
        store.record_success(external.participant, "https://anna.example/1/", etag=None, last_modified=None,
                             body_hash="e", posts=[external], now=NOW - timedelta(days=2))
        store.record_success("anna-garten", "https://anna.example/garten/feed/", etag=None, last_modified=None,
                             body_hash="g", posts=[garden], now=NOW - timedelta(days=1))
        store.record_success("anna", "https://anna.example/feed/", etag=None, last_modified=None,
                             body_hash="a", posts=[anna], now=NOW)
        homes = {"ext_anna-example": "https://anna.example/1/", "anna-garten": "https://anna.example/garten/",
                 "anna": "https://anna.example/"}  # fmt: skip
        # The contribution read from its page came first, but the blog joined since: a joined
        # blog's copy stands, the one first seen of those (its category feed's).
        assert store.duplicate_post_ids(homes) == {external.id, anna.id}
        # Its category feed removed (its file gone, its posts kept): the main feed's copy stands.
        assert store.duplicate_post_ids({k: v for k, v in homes.items() if k != "anna-garten"}) == {external.id}
        store.set_hidden("post", [garden.id], True)  # the editors hid that copy: the next stands
        assert store.duplicate_post_ids(homes) == {external.id}


def test_two_blogs_posts_at_another_sites_address_are_two_posts_and_spellings_of_one_address_one(tmp_path):
    # Link posts: Anna's and Ben's items both have the article they comment on as their address;
    # the site showed Anna's only.  And one post, its address spelled with http or a tracking
    # parameter in a planet's feed, was shown twice.
    from aggregator.models import Post

    def post(participant: str, guid: str, url: str, title: str = "Lesenswert") -> Post:
        return Post(participant=participant, guid=guid, url=url, title=title, author="", published=NOW,
                    updated=None, excerpt="", content_html="<p>x</p>")

    homes = {"anna": "https://anna.example/", "ben": "https://ben.example/", "planet": "https://planet.example/"}
    with Store(tmp_path / "s.sqlite") as store:
        article = "https://www.heise.de/news/artikel-123.html"
        own = post("anna", "a2", "https://anna.example/2026/eigener-beitrag/", "Eigener Beitrag")
        again = post("planet", "p2", "http://anna.example/2026/eigener-beitrag?utm_source=planet", "Eigener Beitrag")
        for blog, posts, days in (("anna", [post("anna", "a1", article), own], 2), ("ben", [post("ben", "b1", article)], 1),
                                  ("planet", [again], 0)):  # fmt: skip
            store.record_success(blog, f"https://{blog}.example/feed/", etag=None, last_modified=None,
                                 body_hash=blog, posts=posts, now=NOW - timedelta(days=days))
        assert store.duplicate_post_ids(homes) == {again.id}



def test_moved_copies_are_read_again_once_this_or_another_connection_changed_the_store(store):
    # A Hugo blog that moved to https brings its post again under a new guid, a night later.
    store.record_success("anna", "http://anna.example/index.xml", etag=None, last_modified=None,
                         body_hash="a", posts=[post("http://anna.example/p/", url="http://anna.example/p/")],
                         now=datetime(2026, 11, 3, tzinfo=UTC))  # fmt: skip
    assert store.moved_posts() == {}
    assert store.moved_posts() == {}  # asked again, unchanged: the same answer
    moved = post("https://anna.example/p/", url="https://anna.example/p/")
    store.record_success("anna", "https://anna.example/index.xml", etag=None, last_modified=None,
                         body_hash="b", posts=[moved], now=datetime(2026, 11, 4, tzinfo=UTC))  # fmt: skip
    [old] = store.moved_posts()
    assert store.moved_posts() == {old: ("anna", moved.id)}
    # Another process's change (a take-down from the command line while a build runs).
    with Store(store.path) as other:
        other._db.execute("DELETE FROM posts WHERE id = ?", (moved.id,))
    assert store.moved_posts() == {}
