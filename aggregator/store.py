"""The store: the only module that speaks SQL.

SQLite in WAL mode; the schema is versioned by ``PRAGMA user_version`` and migrated forward.
Posts and comments are upserted and never deleted because a feed stopped listing them.  Whatever
goes wrong with the file itself (damaged, read-only, disk full) is a StoreError that says so.
"""

from __future__ import annotations

import html
import json
import os
import shutil
import sqlite3
import threading
import time
from collections import Counter
from contextlib import closing, contextmanager, suppress
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any, Callable, Collection, Iterable, Iterator, Literal, Mapping, NoReturn, Sequence

from .hashing import address_digest, address_digests, commenter_digest
from .models import post_id as post_id_of  # (many a loop here names a row's post_id)
from .models import (
    FUTURE_TOLERANCE,
    Attachment,
    CandidatePage,
    Comment,
    CommentShown,
    CommentTally,
    ErrorKind,
    ExternalBlog,
    FeedState,
    FetchError,
    LinkTarget,
    NamedCandidate,
    PageLookup,
    PageReading,
    ParadeCandidate,
    Post,
    PostHead,
    Seen,
    StoredComment,
    StoredPost,
    comment_id,
    first_comment_guids,
    first_guids,
    moved_copies,
    version_base,
)
from .replies import names_erased, reply_marker, without_marker, without_naming
from .urls import feed_key, page_key, same_comment, same_host, thread_key

TIMEOUT = 30.0  # seconds to wait for another process's write to end
# The meta key of when `blogparade restore` put this store in place (ISO, UTC): posts published
# before then that it does not know were lost with the old store, not unpublished.
RESTORED_AT = "restored_at"
EMPTIED_AT = "emptied_at"  # meta: the editors erased the last posts (`remove --purge`)
# Meta: comment retention erased comments that no build has published since; that build saves
# Pelican's reader cache again, which still holds them (website/build.py).
COMMENTS_ERASED = "comments_erased"
# Set where the site may have published topics at the addresses they had before 2026-12 (23).
FORMER_TAG_ADDRESSES = "former_tag_addresses"
# A comment's `hidden` where its blog no longer has it (mark_gone_at_source), followed by when;
# the editors' take-downs write the time alone.
GONE_AT_SOURCE = "gone at source "

# "probe": a comment feed we guessed at (WordPress's Atom twin, a site-wide comment feed);
# "parade": a parade's own channel (its Mentions or Comments feed; participant "parade:<slug>").
FeedKind = Literal["posts", "comments", "probe", "parade"]


# While a job writes many transactions (many_transactions): seconds between two copies of the
# log into the database, and at most between two commits; the page cache meanwhile (KiB).
CHECKPOINT_EVERY = 0.5
COMMIT_EVERY = 0.1
GROUPED_CACHE_KIB = 32768


# json.dumps with any argument but the object builds a new encoder per call: two per post.
_json_list = json.JSONEncoder(ensure_ascii=False).encode


# Meta keys kept per blog (the key + its slug), deleted with the blog (purge_participant).
API_ROOT = "wp-api:"  # where its WordPress API is (feeds/wpapi.py); "" where it names none
NO_ATOM_TWINS = "no-atom-twins:"  # when one of its Atom twins was last found missing (feeds/comments.py)
PARTICIPANT_META = (API_ROOT, NO_ATOM_TWINS)


class StoreError(Exception):
    """The store cannot be opened or written; the message says why, for a person."""


class StoreDamaged(StoreError):
    """The store's file is damaged, or no SQLite file at all: only a backup helps."""


class StoreBusy(StoreError):
    """Another process kept the store locked longer than TIMEOUT."""


# A look at a candidate's page over the last (put_candidate_page): its own answer, and the last
# reading (with its entry and feed), and the post, of any look that had one.
_PUT_PAGE = (
    "INSERT INTO candidate_pages (key, url, checked_at, problem, error, reading, entry, "
    "feed_title, feed_home, post_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
    "ON CONFLICT (key) DO UPDATE SET url = excluded.url, checked_at = excluded.checked_at, "
    "problem = excluded.problem, error = excluded.error, "
    "reading = coalesce(excluded.reading, reading), entry = CASE WHEN excluded.reading "
    "IS NULL THEN entry ELSE excluded.entry END, feed_title = CASE WHEN excluded.reading "
    "IS NULL THEN feed_title ELSE excluded.feed_title END, feed_home = CASE WHEN "
    "excluded.reading IS NULL THEN feed_home ELSE excluded.feed_home END, "
    "post_id = coalesce(excluded.post_id, post_id)"
)  # fmt: skip
_PAGE_COLUMNS = "key, url, checked_at, problem, error, reading, entry, feed_title, feed_home, post_id"


# A post's columns, its text last.  A row is one record: a column after an 11 KB text is read
# through the text's overflow pages, and an UPDATE of any column writes all of them again.  With
# the text last, the columns every run reads for every post (post_heads, `hidden`) are on the
# row's first page; and the comment counts the update writes for every post it read comments of
# live in `comment_checks`: a first run of 300 blogs wrote each post's pages twice.
_POSTS = """
CREATE TABLE posts (
    id TEXT PRIMARY KEY,
    participant TEXT NOT NULL,
    guid TEXT NOT NULL,
    url TEXT NOT NULL,
    published TEXT NOT NULL,
    updated TEXT,
    first_seen TEXT NOT NULL,
    changed TEXT NOT NULL,
    hidden TEXT,
    comment_feed TEXT,
    comment_count INTEGER,
    language TEXT,
    title TEXT NOT NULL,
    author TEXT NOT NULL,
    categories TEXT NOT NULL,
    excerpt TEXT NOT NULL,
    links TEXT NOT NULL,
    attachments TEXT NOT NULL DEFAULT '[]',
    content_html TEXT NOT NULL
)"""


def _posts_text_last(db: sqlite3.Connection) -> None:
    """Migration 15: `posts` made again in the order of _POSTS, the comment counts moved into
    `comment_checks` (SQLite's recipe for a table's new shape: foreign keys are off while
    stores migrate, and checked before the migration commits)."""
    columns = [line.split()[0] for line in _POSTS.splitlines()[2:-1]]
    db.execute(_POSTS.replace("CREATE TABLE posts", "CREATE TABLE posts_new"))
    names = ", ".join(columns)
    db.execute(f"INSERT INTO posts_new ({names}) SELECT {names} FROM posts")
    db.execute(
        "CREATE TABLE comment_checks (post_id TEXT PRIMARY KEY REFERENCES posts (id) "
        "ON DELETE CASCADE, count INTEGER, stored INTEGER) WITHOUT ROWID"
    )
    db.execute(
        "INSERT INTO comment_checks SELECT id, comments_checked, comments_checked_stored "
        "FROM posts WHERE comments_checked IS NOT NULL OR comments_checked_stored IS NOT NULL"
    )
    db.execute("DROP TABLE posts")
    db.execute("ALTER TABLE posts_new RENAME TO posts")
    db.execute("CREATE INDEX posts_participant ON posts (participant, published)")
    db.execute("CREATE INDEX posts_published ON posts (published)")
    if db.execute("PRAGMA foreign_key_check").fetchone() is not None:
        raise StoreError("cannot migrate the store: a comment names a post it does not hold")


def _addresses_as_digests(db: sqlite3.Connection) -> None:
    """The tombstones of commenters forgotten by web address held the address (its thread_key):
    personal data the erasure was to remove.  They hold its digest now (hashing.address_digest),
    and the pages they were on are zeroed (secure_delete, while this step deletes)."""
    rows = db.execute("SELECT key, created FROM tombstones WHERE kind = 'commenter-url'").fetchall()
    if not rows:  # most stores, and every new one
        return
    db.execute("PRAGMA secure_delete = ON")
    try:
        db.execute("DELETE FROM tombstones WHERE kind = 'commenter-url'")
        db.executemany("INSERT OR IGNORE INTO tombstones (kind, key, created) VALUES ('commenter-url', ?, ?)",
                       [(address_digest(key), created) for key, created in rows if address_digest(key)])  # fmt: skip
    finally:
        db.execute("PRAGMA secure_delete = OFF")  # a run's writes would zero every page they free


def _rekey_parade_rows(db: sqlite3.Connection) -> None:
    """Parade candidates and the looks at their pages, each under today's `page_key` of its
    address; the parades' Mentions and Comments feeds read and parsed once more (migration 12)."""
    _rekey_candidates(db)
    _rekey_candidate_pages(db)
    db.execute("UPDATE feeds SET etag = NULL, last_modified = NULL, body_hash = NULL WHERE kind = 'parade'")


def _rekey_candidates(db: sqlite3.Connection) -> None:
    """Rows that now share a key become one, as add_candidates merges a page named again: the
    first seen (its address), every channel in the order they came, the earliest date."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for row in db.execute("SELECT * FROM parade_candidates ORDER BY first_seen, key").fetchall():
        found = merged.setdefault((row["parade"], page_key(row["url"])), dict(row, channels=[]))
        found["channels"] = list(dict.fromkeys(found["channels"] + json.loads(row["channels"])))
        found["date"] = min(filter(None, (found["date"], row["date"])), default=None)
    db.execute("DELETE FROM parade_candidates")
    db.executemany(
        "INSERT INTO parade_candidates (parade, key, url, channels, first_seen, date) VALUES (?, ?, ?, ?, ?, ?)",
        [(parade, key, row["url"], json.dumps(row["channels"]), row["first_seen"], row["date"])
         for (parade, key), row in merged.items()],
    )  # fmt: skip


def _rekey_candidate_pages(db: sqlite3.Connection) -> None:
    """Looks that now share a key are put over each other in the order they were made, as
    put_candidate_page does: the last look's answer, the last reading, any post."""
    rows = db.execute(f"SELECT {_PAGE_COLUMNS} FROM candidate_pages ORDER BY checked_at, key").fetchall()
    db.execute("DELETE FROM candidate_pages")
    db.executemany(_PUT_PAGE, [(page_key(row["url"]), *tuple(row)[1:]) for row in rows])


Migration = str | Callable[[sqlite3.Connection], None]

# Each entry migrates from version i to i+1: SQL, or a function where rows need Python (URL keys).
# Never edit one that has shipped: append.
MIGRATIONS: tuple[Migration, ...] = (
    """
    CREATE TABLE feeds (
        url TEXT PRIMARY KEY,
        participant TEXT NOT NULL,
        etag TEXT,
        last_modified TEXT,
        body_hash TEXT,
        last_attempt TEXT,
        last_success TEXT,
        error_kind TEXT,
        error_message TEXT,
        consecutive_errors INTEGER NOT NULL DEFAULT 0,
        moved_to TEXT,
        gone INTEGER NOT NULL DEFAULT 0
    );
    CREATE TABLE posts (
        id TEXT PRIMARY KEY,
        participant TEXT NOT NULL,
        guid TEXT NOT NULL,
        url TEXT NOT NULL,
        title TEXT NOT NULL,
        author TEXT NOT NULL,
        published TEXT NOT NULL,
        updated TEXT,
        first_seen TEXT NOT NULL,
        changed TEXT NOT NULL,
        excerpt TEXT NOT NULL,
        content_html TEXT NOT NULL,
        categories TEXT NOT NULL,
        language TEXT,
        links TEXT NOT NULL,
        comment_feed TEXT,
        comment_count INTEGER
    );
    CREATE INDEX posts_participant ON posts (participant, published);
    CREATE INDEX posts_published ON posts (published);
    CREATE TABLE comments (
        id TEXT PRIMARY KEY,
        post_id TEXT NOT NULL REFERENCES posts (id),
        guid TEXT NOT NULL,
        url TEXT,
        parent_guid TEXT,
        author TEXT NOT NULL,
        author_url TEXT,
        published TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        changed TEXT NOT NULL,
        content_html TEXT NOT NULL,
        kind TEXT NOT NULL
    );
    CREATE INDEX comments_post ON comments (post_id, published);
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    """,
    # 2: comment feeds beside post feeds, and per post the comment count last read.
    """
    ALTER TABLE feeds ADD COLUMN kind TEXT NOT NULL DEFAULT 'posts';
    ALTER TABLE posts ADD COLUMN comments_checked INTEGER;
    """,
    # 3: what a post's own page linked to (pages.py), for parades of summary-only feeds.
    """
    CREATE TABLE page_links (
        url TEXT PRIMARY KEY,
        fetched_at TEXT NOT NULL,
        links TEXT NOT NULL DEFAULT '[]',
        error TEXT
    );
    """,
    # 4: when a feed is asked again: its server's Retry-After, or backing off a failing feed.
    """
    ALTER TABLE feeds ADD COLUMN next_try TEXT;
    """,
    # 5 (issue 10): open parades.  Candidates from every channel, once per page and parade;
    # what each candidate's page said (the last good reading survives a failed look); blogs that
    # contributed without joining (their posts are posts of participant `slug`).
    """
    CREATE TABLE parade_candidates (
        parade TEXT NOT NULL,
        key TEXT NOT NULL,
        url TEXT NOT NULL,
        channels TEXT NOT NULL,
        first_seen TEXT NOT NULL,
        date TEXT,
        PRIMARY KEY (parade, key)
    );
    CREATE TABLE candidate_pages (
        key TEXT PRIMARY KEY,
        url TEXT NOT NULL,
        checked_at TEXT NOT NULL,
        problem TEXT,
        error TEXT,
        reading TEXT,
        entry TEXT,
        feed_title TEXT NOT NULL DEFAULT '',
        feed_home TEXT,
        post_id TEXT
    );
    CREATE TABLE external_blogs (
        slug TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        home TEXT NOT NULL,
        feed TEXT,
        first_seen TEXT NOT NULL
    );
    """,
    # 6 (issue 11): take-downs.  Hidden posts and comments stay, marked with when; tombstones
    # remember what was erased (ids, URLs, a commenter's name as a digest) so no fetch brings it
    # back.  `kind`: post, comment, url (thread_key of a post's or comment's link), feed
    # (feed_key), commenter (name digest), commenter-url (thread_key; its digest since 17).
    """
    ALTER TABLE posts ADD COLUMN hidden TEXT;
    ALTER TABLE comments ADD COLUMN hidden TEXT;
    CREATE TABLE tombstones (
        kind TEXT NOT NULL,
        key TEXT NOT NULL,
        created TEXT NOT NULL,
        PRIMARY KEY (kind, key)
    );
    """,
    # 7 (issue 11): feed health that reaches people.  Since when a feed fails (cleared by a
    # success), and per blog the failure notice that went out (deleted when "recovered" goes).
    """
    ALTER TABLE feeds ADD COLUMN failing_since TEXT;
    CREATE TABLE alerts (
        participant TEXT PRIMARY KEY,
        feed TEXT NOT NULL,
        failing_since TEXT,
        notified TEXT NOT NULL
    );
    """,
    # 8 (issue 11): images of posts, downloaded once: the file served from the site, or why not.
    """
    CREATE TABLE media (
        url TEXT PRIMARY KEY,
        file TEXT,
        content_type TEXT,
        size INTEGER,
        fetched_at TEXT NOT NULL,
        error TEXT
    );
    """,
    # 9 (issue 13): a post feed's own description (Atom <subtitle>, RSS channel <description>),
    # shown on its blog's page.  Post feeds forget their cache validators once, so the next fetch
    # reads and parses each of them and every blog's description arrives (an unchanged feed is
    # not parsed).
    """
    ALTER TABLE feeds ADD COLUMN description TEXT;
    UPDATE feeds SET etag = NULL, last_modified = NULL, body_hash = NULL WHERE kind = 'posts';
    """,
    # 10: per post the comments stored when its count was last checked, beside that count: a
    # count that rises by more than the comments stored since is read, whatever is stored
    # (comments deleted on the blog stay here, and would hide as many new ones).
    """
    ALTER TABLE posts ADD COLUMN comments_checked_stored INTEGER;
    """,
    # 11: the shortlink a parade's call page names (WordPress's `/?p=42`, parades/shortlinks.py)
    # where the call is no joined blog's post, by the call's address as the parade file writes
    # it; NULL where the page names none.  `checked_at`: the last read, which is repeated weekly.
    """
    CREATE TABLE call_shortlinks (
        call TEXT PRIMARY KEY,
        shortlink TEXT,
        checked_at TEXT NOT NULL
    );
    """,
    # 12: parade candidates and their pages re-keyed by today's page_key (since 1c374e7 `?p=42`
    # names a post in a sub-folder too).  Rows under an old key met their twins, stored under the
    # new one, only when read (membership.stored_*), where a failed look under the new key hid
    # the reading kept under the old one.  A page the old key had merged into another (/blog/?p=8
    # into /blog/?p=7: its address was not kept) comes back when a channel names it again: the
    # parades' own feeds are read and parsed once more.
    _rekey_parade_rows,
    # 13: where links of joined blogs' posts led that may redirect to a parade's call (an old slug,
    # a shortener: parades/redirects.py), by the link as written; `target` NULL where it led
    # nowhere else, `error` where it could not be followed.
    """
    CREATE TABLE link_targets (
        link TEXT PRIMARY KEY,
        fetched_at TEXT NOT NULL,
        target TEXT,
        error TEXT
    );
    """,
    # 14: posts' attachments (an episode's audio, a toot's photos: models.Attachment), as JSON.
    # Post feeds forget their cache validators once, as in 9, so the next fetch reads and parses
    # each of them and the posts they still list get theirs (an unchanged feed is not parsed).
    """
    ALTER TABLE posts ADD COLUMN attachments TEXT NOT NULL DEFAULT '[]';
    UPDATE feeds SET etag = NULL, last_modified = NULL, body_hash = NULL WHERE kind = 'posts';
    """,
    # 15: posts' small columns before their text, and the comment counts last checked in a table
    # of their own (see _posts_text_last).
    _posts_text_last,
    # 16: a post feed's entries as its last parse saw them, each a digest (clean.source_digests),
    # space-separated: entries still the same are not cleaned again (work.parse_posts).  A later
    # migration that has post feeds read again for their posts to be made again (as 9 and 14
    # do) clears these too: an entry that did not change would be left as it is stored.
    "ALTER TABLE feeds ADD COLUMN entry_digests TEXT;",
    # 17: a forgotten commenter's web address kept as a digest, as their name is (see
    # _addresses_as_digests).
    _addresses_as_digests,
    # 18: none (an index of posts by address that a development version made, asked for by no
    # query since: dropped where it was made).
    "DROP INDEX IF EXISTS posts_address;",
    # 19: the comment counts of contributions from blogs that never joined, their feeds' when the
    # pages were found, forgotten: nothing refreshes them, and a count of 0 kept their comment
    # feeds from being asked again (parades/external.contribution_post).
    "UPDATE posts SET comment_count = NULL WHERE substr(participant, 1, 4) = 'ext_';",
    # 20: the date a post was first stored with, where its feed re-dated it since: the site's
    # feeds name its entry by it (an Atom id must never change; Pelican's tag: URIs hold a date).
    """
    CREATE TABLE IF NOT EXISTS post_first_dates (
        post_id TEXT PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
        published TEXT NOT NULL
    ) WITHOUT ROWID;
    """,
    # 21: a post's place among its blog's posts of the same date, as its feed last listed them,
    # where it is not the first (most posts share their date with none): the site orders those
    # as the feed did (StoredPost.feed_rank).  A table of its own: the posts' columns after
    # their text would be read through it (see _posts_text_last).
    """
    CREATE TABLE IF NOT EXISTS post_ranks (
        post_id TEXT PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
        rank INTEGER NOT NULL
    ) WITHOUT ROWID;
    """,
    # 22: indexes for what every build asks of all posts and comments, so that it need not read
    # every row (each post's with its text): the hidden ones (few: indexes of those alone), the
    # newest change (Store.fingerprint, also asked after every fetch), every post's index entry
    # newest first (post_index: the posts' index by date holds what it reads), and what the
    # export and the status page read of every post (moved_posts, last_new_posts,
    # duplicate_post_ids, comment_counts_by_participant: the posts' index by blog holds it).  Both
    # replace narrower indexes with the same first columns, which every query using those uses
    # alike: a stored post costs no further index entry.  A build after one new post on 20,000
    # posts: 0.42 s in the store's queries before, 0.15 s after; and where the file is out of
    # the page cache, a few MB of indexes read instead of the 90 MB of posts, four times.
    """
    DROP INDEX IF EXISTS posts_published;
    CREATE INDEX IF NOT EXISTS posts_published ON posts (published, id, participant, categories, changed);
    DROP INDEX IF EXISTS posts_participant;
    CREATE INDEX IF NOT EXISTS posts_participant
        ON posts (participant, published, id, first_seen, title, url, guid, hidden);
    CREATE INDEX IF NOT EXISTS posts_hidden ON posts (hidden) WHERE hidden IS NOT NULL;
    CREATE INDEX IF NOT EXISTS comments_hidden ON comments (hidden) WHERE hidden IS NOT NULL;
    CREATE INDEX IF NOT EXISTS posts_changed ON posts (changed);
    CREATE INDEX IF NOT EXISTS comments_changed ON comments (changed);
    """,
    # 23: whether the site may have published its topics at their former addresses (before
    # 2026-12, website/plugin/renamed.py): a store holding posts as it comes here may have; a
    # new store never did, and its site has no pages leading from former addresses.
    f"INSERT OR IGNORE INTO meta (key, value) SELECT '{FORMER_TAG_ADDRESSES}', '1' WHERE EXISTS (SELECT 1 FROM posts);",
)

# Posts with their places (post_ranks; 0 where it has none), and stored posts read so.
_POSTS_RANKED = "posts LEFT JOIN post_ranks ON post_ranks.post_id = posts.id"
_FEED_RANK = "coalesce(post_ranks.rank, 0)"
_SELECT_POSTS = f"SELECT posts.*, {_FEED_RANK} AS feed_rank FROM {_POSTS_RANKED}"

# "hidden": a post or comment (id, or thread_key of its link) to hide as it arrives (hide_on_arrival).
# "shown": a comment (id) the editors showed again after its blog deleted it: not hidden again.
TombstoneKind = Literal["post", "comment", "url", "feed", "commenter", "commenter-url", "hidden", "shown"]

_POST_FIELDS = (
    "url", "title", "author", "updated", "excerpt", "content_html", "categories", "language",
    "links", "comment_feed", "comment_count", "attachments",
)  # fmt: skip
_COMMENT_FIELDS = (
    "url", "parent_guid", "author", "author_url", "published", "content_html", "kind",
)  # fmt: skip


@dataclass
class SaveCounts:
    new: int = 0
    changed: int = 0
    moved: int = 0  # of the new: copies of stored posts, brought again by a blog that moved
    # Comments a feed brought under a new guid, stored under their first: {(post id, new): first}
    renamed: dict[tuple[str, str], str] = field(default_factory=dict)


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat(timespec="seconds") if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class Store:
    """A connection to one store file.  Use as a context manager, or call close()."""

    def __init__(self, path: str | Path, *, copy_before_migrating: Path | None = None):
        """`copy_before_migrating`: the folder (the site's backups/) where a store an older
        blogparade wrote is copied as it is before it is migrated (_copy_before_migrating)."""
        self.path = Path(path)
        # Comments published before this are not stored (the site's retention); None: all.
        self.keep_comments_since: datetime | None = None
        if not self.path.parent.is_dir():
            problem = "is not a folder" if self.path.parent.exists() else "does not exist"
            raise StoreError(f"cannot open store {self.path}: {self.path.parent} {problem}")
        if self.path.is_dir():
            raise StoreError(f"cannot use store {self.path}: it is a folder, not a file")
        try:
            self._db = sqlite3.connect(
                self.path, isolation_level=None, timeout=TIMEOUT, factory=_Connection
            )
        except sqlite3.Error as error:
            raise storage_error(self.path, error) or StoreError(
                f"cannot open store {self.path}: {error}"
            ) from error
        self._db.store_path = self.path
        # Held by every transaction: a lock between this process's own threads, not SQLite's.
        self._writing = threading.Lock()
        self._grouping = False  # inside many_transactions
        self._group_began = 0.0  # when its open group began (time.monotonic)
        self._copy_rest = False  # the checkpoint thread copied the log: commit, copy the rest
        # Why this store takes no more writes: SQLite undid a whole group itself (_in_group).
        self._broken: str | None = None
        self._with_posts: set[str] | None = None  # the blogs that have posts stored (_has_posts)
        # moved_posts' answer, with the store's version it was read at (_version).
        self._moved: tuple[tuple[int, int], dict[str, tuple[str, str]]] | None = None
        # Where this opening upgraded a store an older blogparade wrote: its schema before, and
        # the copy of it kept (_copy_before_migrating), for the command to say so.
        self.upgraded_from: int | None = None
        self.kept_before_upgrade: Path | None = None
        try:
            self._db.row_factory = sqlite3.Row
            self._use_wal()
            self._db.execute("PRAGMA synchronous = NORMAL")
            if copy_before_migrating is not None:
                self._copy_before_migrating(copy_before_migrating)
            self._migrate()  # with foreign keys off: a table made again is dropped (15)
            self._db.execute("PRAGMA foreign_keys = ON")
        except BaseException as error:
            self._db.close()
            if isinstance(error, sqlite3.DatabaseError):
                raise StoreError(f"cannot use store {self.path}: {error}") from error
            raise

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    def _use_wal(self) -> None:
        # WAL is a property of the file, set once.  Switching needs the file to itself, and
        # SQLite does not wait for that: two processes opening a new store try again.
        deadline = time.monotonic() + TIMEOUT
        while self._db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            try:
                self._db.execute("PRAGMA journal_mode = WAL")
            except StoreBusy:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.01)

    # -- schema ---------------------------------------------------------------------------------

    @property
    def version(self) -> int:
        return self._db.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        before = self._check_version()
        if 0 < before < len(MIGRATIONS):
            self.upgraded_from = before
        while self._check_version() < len(MIGRATIONS):
            with self.transaction():
                # Read again under the write lock: another process opening the same new store
                # may have migrated it since, and must not be migrated over.
                version = self._check_version()
                if version == len(MIGRATIONS):
                    break
                step = MIGRATIONS[version]
                if callable(step):
                    step(self._db)
                else:
                    for statement in step.split(";"):
                        if statement.strip():
                            self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {version + 1}")

    def _copy_before_migrating(self, folder: Path) -> None:
        """Keep the store as an older blogparade wrote it, in `folder`, before it is migrated:
        the older one cannot open it again (nor any backup made after), so this copy is the way
        back should the upgrade be undone.  Named by its schema, made once, never rotated away
        (the editors' to delete).  A new store, or one of this schema, is not copied."""
        version = self._check_version()
        if version in (0, len(MIGRATIONS)):
            return
        target = folder / f"{self.path.stem}-schema-{version}.sqlite"
        if target.exists():
            self.kept_before_upgrade = target
            return
        try:
            folder.mkdir(exist_ok=True)
        except OSError as error:
            raise StoreError(f"cannot keep store {self.path} as it is before it is upgraded to this "
                             f"blogparade's schema: {folder}: {error.strerror}") from error  # fmt: skip
        self.backup(target)
        with closing(sqlite3.connect(target)) as copy:  # another process migrated it meanwhile
            copied = copy.execute("PRAGMA user_version").fetchone()[0]
        if copied != version:
            target.unlink(missing_ok=True)
        else:
            self.kept_before_upgrade = target

    def _check_version(self) -> int:
        current = self.version
        if current > len(MIGRATIONS):
            raise StoreError(
                f"store {self.path} has schema version {current}, newer than this blogparade "
                f"knows ({len(MIGRATIONS)}): upgrade blogparade"
            )
        return current

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One transaction: all of it is stored, or none of it.  Inside `many_transactions` it is
        a savepoint of the open group, and the group commits when it is due."""
        with self._writing:
            if self._broken is not None:
                raise StoreError(self._broken)
            if self._grouping:
                with self._in_group() as db:
                    yield db
                return
            self._begin()
            try:
                yield self._db
                self._commit()
            except BaseException:
                if self._db.in_transaction:  # SQLite may have rolled back itself (disk full)
                    self._db.execute("ROLLBACK")
                raise

    def _begin(self) -> None:
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise StoreError(f"cannot write store {self.path}: {error}") from error

    def _commit(self) -> None:
        try:
            self._db.execute("COMMIT")
        except sqlite3.OperationalError as error:
            raise StoreError(f"cannot write store {self.path}: {error}") from error

    @contextmanager
    def _in_group(self) -> Iterator[sqlite3.Connection]:
        """A transaction of many_transactions' group (with `_writing` held): a savepoint, undone
        alone where its body fails; the group commits after it where it is due."""
        if not self._db.in_transaction:
            self._begin()
            self._group_began = time.monotonic()
        self._db.execute("SAVEPOINT one")
        try:
            yield self._db
        except BaseException as error:
            if not self._db.in_transaction:  # SQLite rolled back the whole group itself (disk full)
                self._lose_group(error)
                raise
            self._db.execute("ROLLBACK TO one")
            self._db.execute("RELEASE one")
            raise
        self._db.execute("RELEASE one")
        if self._copy_rest or time.monotonic() - self._group_began >= COMMIT_EVERY:
            try:
                self._commit()
            except StoreError as error:  # the disk full: the group is lost
                self._lose_group(error)
                raise
            if self._copy_rest:
                # What was written since the checkpoint thread's copy: the log starts over
                # at the next transaction (see _checkpoint_until).
                self._copy_rest = False
                self._db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()

    def _lose_group(self, error: BaseException) -> None:
        """The group could not be stored (a full disk): it is undone whole, the transactions of
        other feeds in it too, and nothing more is written through this store.  What a later
        transaction would record (a post's comments read: comment_checks) would claim what is no
        longer stored, and the next run would not ask for it again."""
        if self._db.in_transaction:
            with suppress(sqlite3.Error, StoreError):
                self._db.execute("ROLLBACK")
        self._broken = f"{error}; what this run read since its last commit was not stored, nor anything after"

    @contextmanager
    def many_transactions(self) -> Iterator[None]:
        """Many transactions in a row (an update: a few per feed), stored in groups: one commit
        for all those of COMMIT_EVERY, each still whole or not at all (a savepoint), and the
        write-ahead log copied into the database in a thread of its own every CHECKPOINT_EVERY
        instead of every 1000 pages by the job, waiting for the disk.

        A commit writes every page its transactions changed: those of the indexes again for
        each transaction (a first run of 300 blogs with comments: 1,500 commits, 37,000 pages
        written for a store of 10,000; grouped, 13,000).  What a crash can lose is the group
        not yet committed, 0.1 s of feeds, whole: their state with it, so the next run asks
        them again.  Ctrl-C commits what was whole.  Nothing is less durable otherwise: a commit
        is in the log either way."""
        self._db.execute("PRAGMA wal_autocheckpoint = 0")
        # A group's pages stay in the cache until its commit: SQLite's 2 MB would spill them
        # into the log (written twice), and savepoints keep their journal in memory.
        cache = self._db.execute("PRAGMA cache_size").fetchone()[0]
        temp = self._db.execute("PRAGMA temp_store").fetchone()[0]
        self._db.execute(f"PRAGMA cache_size = -{GROUPED_CACHE_KIB}")
        self._db.execute("PRAGMA temp_store = MEMORY")
        done = threading.Event()
        copier = threading.Thread(target=self._checkpoint_until, args=(done,), daemon=True,
                                  name="checkpoints")  # fmt: skip
        copier.start()
        self._grouping = True
        try:
            yield
        finally:
            with self._writing:
                self._grouping = False
                if self._db.in_transaction:
                    try:
                        self._commit()
                    except StoreError as error:
                        self._lose_group(error)
                        raise
            done.set()
            copier.join()
            self._db.execute(f"PRAGMA cache_size = {int(cache)}")
            self._db.execute(f"PRAGMA temp_store = {int(temp)}")
            self._db.execute("PRAGMA wal_autocheckpoint = 1000")
            self._db.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def _checkpoint_until(self, done: threading.Event) -> None:
        """The log copied into the database every half second, from a connection of its own in
        a thread (sqlite3 lets go of the GIL): the job does not wait for the disk, and the copy
        left for the end of a first run of 1,000 blogs is small (it was 0.3 s, after the last
        body was parsed).

        The log starts over from its beginning only at a write that finds all of it copied,
        which a copy made while the job writes never is: a first run of 1,000 blogs grew it to
        237 MB (for a 125 MB store), written once and deleted at the end (57 ms).  So after
        each copy the job commits its group at the end of its next transaction and copies the
        little written meanwhile itself (`_copy_rest`), before it begins the next."""
        try:
            copier = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
        except sqlite3.Error:
            return
        try:
            while not done.wait(CHECKPOINT_EVERY):
                copier.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                self._copy_rest = True
        except sqlite3.Error:
            pass  # the end's checkpoint, in the job's own connection, says what is wrong
        finally:
            copier.close()

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """Reads meanwhile see one state of the store, whatever other connections write then
        (a read transaction: WAL mode lets writers go on).  Nothing may be written inside."""
        if self._db.in_transaction:
            yield
            return
        self._db.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            self._db.execute("COMMIT")  # it only read: nothing to keep or undo

    # -- the file -------------------------------------------------------------------------------

    def check(self) -> None:
        """SQLite's quick_check of the whole file; StoreDamaged if it finds anything wrong.

        It reads every page: for a store of 20,000 posts (90 MB) 0.07 s from the page cache,
        1.4 s from a cold disk (which the export's reading of every post then finds warm).
        """
        raise_if_damaged(self.path, _findings(self._db))

    def check_writable(self) -> None:
        """StoreError now, rather than after an hour of fetching, if the store cannot be written."""
        with self.transaction():
            pass

    def backup(self, target: Path) -> None:
        """A consistent copy of the whole store into `target`, one file without -wal or -shm.

        SQLite's online backup: readers and writers elsewhere may go on meanwhile.
        """
        self.backup_of_now(target)()

    def backup_of_now(self, target: Path) -> Callable[[], None]:
        """The copy `backup` makes, of the store as it is at this call, written by the function
        returned, which may run in another thread while this store is written meanwhile.

        The copy reads through a connection of its own whose read transaction starts here: in
        WAL mode, what is written after this call is not in that transaction's view, and the
        writer is not held up by it.  sqlite3 lets go of the GIL while it copies pages.

        Where the log is all copied into the database file at this snapshot (`_all_in_file`: the
        usual case, as the last job ended with a checkpoint), the copy is of the file, by the
        kernel (copy_file_range): SQLite copies nothing of the log past a reader's snapshot into
        the file while the reader lasts, so the file is this snapshot until `write` ends.  That
        costs a quarter of SQLite's page-by-page backup's CPU (0.15 against 0.54 s for a store of
        275 MB); that backup was a tenth of the CPU of a no-change run of 1,000 blogs.
        Otherwise, SQLite's backup.
        """
        try:
            source = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            source.execute("BEGIN")
            source.execute("SELECT count(*) FROM sqlite_master").fetchone()  # the snapshot, now
            whole_file = self._all_in_file()
        except sqlite3.Error as error:
            raise StoreError(f"cannot back up store {self.path} into {target}: {error}") from error

        def write() -> None:
            temporary = target.with_name(f".{target.name}.tmp")
            try:
                for leftover in (temporary, *journal_files(temporary)):
                    leftover.unlink(missing_ok=True)
                if whole_file:
                    shutil.copyfile(self.path, temporary)
                copy = sqlite3.connect(temporary, isolation_level=None)
                try:
                    if not whole_file:
                        source.backup(copy)
                    copy.execute("PRAGMA journal_mode = DELETE")  # one file (the log, if any, folded in)
                finally:
                    copy.close()
                os.replace(temporary, target)
            except (sqlite3.Error, OSError) as error:
                with suppress(OSError):
                    temporary.unlink(missing_ok=True)
                reason = error.strerror if isinstance(error, OSError) else error
                raise StoreError(f"cannot back up store {self.path} into {target}: {reason}") from error
            finally:
                source.close()

        return write

    def _all_in_file(self) -> bool:
        """Whether every page the log holds is in the database file too (a passive checkpoint
        copies what it may, waiting for no one): then the file is the snapshot a reader has just
        taken, unless something was written since.  False where this cannot be told (inside a
        transaction, or a checkpoint that fails): SQLite's backup is never wrong."""
        if self._db.in_transaction:
            return False
        try:
            busy, logged, copied = self._db.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error:
            return False
        return busy == 0 and logged >= 0 and copied == logged

    # -- feeds ----------------------------------------------------------------------------------

    def feed_state(self, url: str) -> FeedState | None:
        row = self._db.execute("SELECT * FROM feeds WHERE url = ?", (url,)).fetchone()
        return _feed_state(row) if row else None

    def feed_states(self, *, failing: bool = False) -> dict[str, FeedState]:
        """Every feed's state by URL; with `failing`, only those whose last try failed."""
        rows = self._db.execute(
            "SELECT * FROM feeds WHERE consecutive_errors > 0" if failing else "SELECT * FROM feeds"
        )
        return {row["url"]: _feed_state(row) for row in rows}

    def post_feeds(self, participant: str) -> list[str]:
        """The URLs of the post feeds stored for a participant (as configured)."""
        rows = self._db.execute("SELECT url FROM feeds WHERE kind = 'posts' AND participant = ?",
                                (participant,))  # fmt: skip
        return [url for (url,) in rows]

    def feed_descriptions(self) -> dict[str, str]:
        """Each post feed's own description, by the feed's URL as configured; none if empty."""
        rows = self._db.execute(
            "SELECT url, description FROM feeds WHERE kind = 'posts' AND description != ''"
        )
        return {url: description for url, description in rows}

    def last_read(self) -> datetime | None:
        """When a post feed was last read successfully (unchanged counts): the site's freshness."""
        row = self._db.execute("SELECT max(last_success) FROM feeds WHERE kind = 'posts'").fetchone()
        return _dt(row[0])

    def _touch_feed(
        self, db: sqlite3.Connection, participant: str, url: str, now: datetime, kind: FeedKind
    ) -> None:
        db.execute(
            "INSERT INTO feeds (url, participant, last_attempt, kind) VALUES (?, ?, ?, ?) "
            "ON CONFLICT (url) DO UPDATE SET participant = excluded.participant, "
            "last_attempt = excluded.last_attempt, kind = excluded.kind",
            (url, participant, _iso(now), kind),
        )

    def record_success(
        self,
        participant: str,
        url: str,
        *,
        etag: str | None,
        last_modified: str | None,
        body_hash: str | None,
        moved_to: str | None = None,
        posts: Sequence[Post] = (),
        comments: Sequence[Comment] = (),
        kind: FeedKind = "posts",
        now: datetime | None = None,
        description: str | None = None,
        entries: Sequence[str] | None = None,
        ranks: Sequence[tuple[str, int]] = (),
    ) -> SaveCounts:
        """One feed fetched and parsed: its state and everything it carried, in one transaction.

        `moved_to` is where the feed answered when not at `url` (a permanent redirect's target);
        None: it answered at `url` itself.  `description` is the feed's own ("" when it has none);
        None leaves the stored one.  `entries`: a post feed's entries' digests (work.Parsed), for
        its next parse; `posts` are those of them new or changed since its last.  `ranks`: its
        entries that share a date, by guid, with their places among them (work.Parsed), those
        unchanged included: a post whose place changed has changed.
        """
        now = now or utcnow()
        with self.transaction() as db:
            stamp = _iso(now)
            db.execute(_SUCCEEDED, (url, participant, stamp, kind, stamp, moved_to, etag, last_modified,
                                    body_hash, description, None if entries is None else " ".join(entries)))  # fmt: skip
            counts = SaveCounts()
            buried = _Buried(db)
            # A blog's first read (every blog of a first run) has no post to keep a guid of.
            first = _under_first_guids(db, participant, posts) if posts and self._has_posts(participant) else posts
            saved = [post for post in first if not buried.post(post)]  # taken down for good: never again
            _upsert_posts(db, saved, stamp, counts)
            if ranks:
                renamed = {post.guid: kept.guid for post, kept in zip(posts, first) if post.guid != kept.guid}
                _rank_posts(db, {post_id_of(participant, renamed.get(guid, guid)): rank for guid, rank in ranks},
                            stamp)  # fmt: skip
            if saved and self._with_posts is not None:
                self._with_posts.add(participant)
            if counts.new:
                dates = {_iso(post.published) for post in saved if post.published is not None}
                counts.moved = _carry_over_to_new_copies(db, participant, stamp, dates)
                counts.new -= counts.moved
            kept = [
                comment for comment in comments
                if not buried.comment(comment)
                # older than the site keeps comments (BLOGPARADE_COMMENT_RETENTION_DAYS): not stored
                and not (self.keep_comments_since and comment.published
                         and comment.published < self.keep_comments_since)
            ]  # fmt: skip
            # A reply whose parent a later feed no longer names keeps the parent it had, and a
            # comment keeps its author's link where a feed does not give one (WordPress's RSS
            # comment feeds never do; its Atom feeds and its API do).
            counts.renamed = _first_comment_guids(db, kept)
            if counts.renamed:
                kept = [replace(comment, guid=counts.renamed.get((comment.post_id, comment.guid), comment.guid),
                                parent_guid=counts.renamed.get((comment.post_id, comment.parent_guid or ""),
                                                               comment.parent_guid))
                        for comment in kept]  # fmt: skip
            _upsert(db, "comments", [_comment_row(comment, stamp) for comment in kept],
                    _COMMENT_FIELDS, ("published", "parent_guid", "author_url"), counts,
                    same=_SAME_COMMENT)  # fmt: skip
            buried.hide_arrived(saved, kept, stamp)
            return counts

    def record_unchanged(
        self, participant: str, url: str, *, etag: str | None = None, last_modified: str | None = None,
        moved_to: str | None = None, kind: FeedKind = "posts", now: datetime | None = None,
    ) -> None:  # fmt: skip
        """304, or a body identical to the last one: a success that costs no parsing.

        `moved_to` as for record_success: where the feed answered, None for `url` itself.
        """
        now = now or utcnow()
        stamp = _iso(now)
        with self.transaction() as db:  # the update's: a savepoint of its group (many_transactions)
            db.execute(_UNCHANGED, (url, participant, stamp, kind, stamp, moved_to, etag, last_modified))

    def record_error(
        self, participant: str, url: str, error: FetchError, *, kind: FeedKind = "posts",
        next_try: datetime | None = None, now: datetime | None = None,
    ) -> None:  # fmt: skip
        """A failed update: remembered, and nothing stored before it is touched.

        `next_try`: not asked before then (decide.next_try); None: asked by the next run.
        """
        now = now or utcnow()
        with self.transaction() as db:
            self._touch_feed(db, participant, url, now, kind)
            db.execute(
                "UPDATE feeds SET error_kind = ?, error_message = ?, next_try = ?, "
                "consecutive_errors = consecutive_errors + 1, gone = ?, "
                "failing_since = coalesce(failing_since, ?) WHERE url = ?",
                (error.kind.value, error.message, _iso(next_try),
                 int(error.kind is ErrorKind.GONE), _iso(now), url),
            )  # fmt: skip

    def _has_posts(self, participant: str) -> bool:
        """Whether the blog has posts stored: read once for all blogs (one job at a time)."""
        if self._with_posts is None:
            self._with_posts = {row[0] for row in self._db.execute("SELECT DISTINCT participant FROM posts")}
        return participant in self._with_posts

    def not_counted(self, urls: Sequence[str]) -> None:
        """The failure this run recorded for each of `urls` does not count: a run that reached
        no server (this machine's network down) or was allowed none is ours to fix, not the
        blogs'.  Their streaks were one longer each such night, and once the network was back
        every feed was waiting out its backoff, no run asked one, and every blog was told its
        feed fails.  Each is asked by the next run; one that was fine before is fine again."""
        if not urls:
            return
        with self.transaction() as db:
            for chunk, marks in _in_chunks(list(urls)):
                db.execute(  # SQLite's SET reads the row as it was: "= 1" is "was the first"
                    "UPDATE feeds SET consecutive_errors = consecutive_errors - 1, next_try = NULL, "
                    "failing_since = CASE WHEN consecutive_errors = 1 THEN NULL ELSE failing_since END, "
                    "error_kind = CASE WHEN consecutive_errors = 1 THEN NULL ELSE error_kind END, "
                    "error_message = CASE WHEN consecutive_errors = 1 THEN NULL ELSE error_message END "
                    f"WHERE consecutive_errors > 0 AND url IN ({marks})", chunk)  # fmt: skip

    # -- posts ----------------------------------------------------------------------------------

    def posts(
        self, participant: str | None = None, since: datetime | None = None, *,
        hidden: bool = True,
    ) -> Iterator[StoredPost]:  # fmt: skip
        """Posts, newest first; `hidden=False` leaves out those taken down with `hide`."""
        query, args = f"{_SELECT_POSTS} WHERE 1", []
        if not hidden:
            query += " AND hidden IS NULL"
        if participant is not None:
            query, args = query + " AND participant = ?", args + [participant]
        if since is not None:
            query, args = query + " AND published >= ?", args + [_iso(since)]
        for row in self._db.execute(query + " ORDER BY published DESC, id", args):
            yield _stored_post(row)

    def post_heads(self, participant: str) -> list[PostHead]:
        """A participant's posts without their text (to plan comment feeds), newest first."""
        query = f"{_POST_HEADS} WHERE p.participant = ? ORDER BY p.published DESC, p.id"
        # fetchall: one call, not a Python __next__ per row (every run, every blog)
        return [_post_head(row) for row in self._db.execute(query, (participant,)).fetchall()]

    def all_post_heads(self) -> dict[str, list[PostHead]]:
        """post_heads of every participant, by slug, in one query."""
        heads: dict[str, list[PostHead]] = {}
        query = f"{_POST_HEADS} ORDER BY p.participant, p.published DESC, p.id"
        for row in self._db.execute(query).fetchall():
            heads.setdefault(row[1], []).append(_post_head(row))
        return heads

    def post_index(self) -> Iterator[tuple[str, str, tuple[str, ...], str, int]]:
        """Every post, newest first (as `posts`), without its text: id, participant, categories,
        its version (changes whenever the post or any of its comments is stored changed) and
        its number of comments.  Publishing reads whole posts only where the version moved."""
        rows = self._db.execute(
            "SELECT p.id, p.participant, p.categories, p.changed, c.n, c.last FROM posts p "
            "LEFT JOIN (SELECT post_id, count(*) AS n, max(changed) AS last FROM comments "
            "GROUP BY post_id) c ON c.post_id = p.id ORDER BY p.published DESC, p.id"
        )
        for post_id, participant, categories, changed, count, last in rows:
            yield (post_id, participant, tuple(json.loads(categories)), f"{changed}|{last or ''}|{count or 0}",
                   count or 0)  # fmt: skip

    def save_posts(self, posts: Sequence[Post], now: datetime | None = None) -> SaveCounts:
        """Posts that came from no feed of theirs (parade contributions read from their page)."""
        now = now or utcnow()
        counts = SaveCounts()
        with self.transaction() as db:
            _upsert_posts(db, posts, _iso(now), counts)
        return counts

    def posts_by_id(self, ids: Sequence[str]) -> dict[str, StoredPost]:
        found: dict[str, StoredPost] = {}
        ids = list(dict.fromkeys(ids))
        for chunk, marks in _in_chunks(ids):
            query = f"{_SELECT_POSTS} WHERE id IN ({marks})"
            found.update((row["id"], _stored_post(row)) for row in self._db.execute(query, chunk))
        return found

    def first_fetched(self) -> dict[str, datetime]:
        """Per participant: when its first post was stored (its blog's first fetch, mostly)."""
        rows = self._db.execute("SELECT participant, min(first_seen) FROM posts GROUP BY participant")
        return {participant: _dt(first) for participant, first in rows}  # type: ignore[misc]

    def holds_more_posts_than(self, limit: int) -> bool:
        """Whether more than `limit` posts are stored (counting no further)."""
        query = "SELECT count(*) FROM (SELECT 1 FROM posts LIMIT ?)"
        return self._db.execute(query, (limit + 1,)).fetchone()[0] > limit

    def post_counts(self) -> dict[str, int]:
        """Posts stored per blog (a moved blog's old copies too: see moved_posts)."""
        rows = self._db.execute("SELECT participant, count(*) FROM posts GROUP BY participant")
        return {participant: count for participant, count in rows}

    # -- comments -------------------------------------------------------------------------------

    def comments(
        self, post_id: str | None = None, *, hidden: bool = True
    ) -> Iterator[StoredComment]:
        """Comments, oldest first, each with the parent reference its feed gave; `hidden=False`
        leaves out those taken down with `hide`.

        Which comment a reference names is decided when the thread is built (website/threads.py),
        in one pass over a post's comments: a join here cost 35 s for 20,000 comments.
        """
        query, args = "SELECT * FROM comments WHERE 1", ()
        if post_id is not None:
            query, args = query + " AND post_id = ?", (post_id,)
        if not hidden:
            query += " AND hidden IS NULL"
        for row in self._db.execute(query + " ORDER BY published, id", args):
            yield _stored_comment(row)

    def mark_comments_checked(self, checked: dict[str, tuple[int | None, int]]) -> None:
        """Remember, by post id, its comment count as of reading its comments and the comments
        then stored."""
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO comment_checks (post_id, count, stored) VALUES (?, ?, ?) "
                "ON CONFLICT (post_id) DO UPDATE SET count = excluded.count, stored = excluded.stored",
                [(post_id, count, stored) for post_id, (count, stored) in checked.items()],
            )

    def comment_feed_health(self) -> dict[str, tuple[int, int]]:
        """Per participant: how many comment feeds are known, and how many failed last time."""
        rows = self._db.execute(
            "SELECT participant, count(*), count(error_kind) FROM feeds WHERE kind = 'comments' "
            "OR (kind = 'probe' AND error_kind IS NULL) GROUP BY participant"
        )
        return {participant: (total, failed) for participant, total, failed in rows}

    def comment_feed_errors(self) -> dict[str, tuple[str, FetchError]]:
        """Per participant: the comment feed that failed most recently, and why (a guessed
        feed that is missing is no error)."""
        rows = self._db.execute(
            "SELECT participant, url, error_kind, error_message, max(last_attempt) FROM feeds "
            "WHERE kind = 'comments' AND error_kind IS NOT NULL GROUP BY participant"
        )
        return {
            participant: (url, FetchError(ErrorKind(kind), message or ""))
            for participant, url, kind, message, _ in rows
        }

    def comment_feed_urls(self) -> dict[str, list[str]]:
        """Per participant: the comment feeds it reads (announced, or guessed that answered); not
        those of a hidden post, whose address the privacy notice would give away."""
        rows = self._db.execute(
            "SELECT participant, coalesce(moved_to, url) FROM feeds WHERE (kind = 'comments' OR "
            "(kind = 'probe' AND last_success IS NOT NULL)) ORDER BY participant, url"
        )
        hidden = self._db.execute("SELECT url, comment_feed FROM posts WHERE hidden IS NOT NULL").fetchall()
        found: dict[str, list[str]] = {}
        for participant, url in rows:
            if not any(_of_post(url, post_url, feed) for post_url, feed in hidden):
                found.setdefault(participant, []).append(url)
        return found

    def comment_counts_by_participant(self) -> dict[str, int]:
        rows = self._db.execute(
            "SELECT p.participant, count(*) FROM comments c JOIN posts p ON p.id = c.post_id "
            "GROUP BY p.participant"
        )
        return {participant: count for participant, count in rows}

    def comment_guids(self, post_ids: Sequence[str]) -> frozenset[str]:
        """The guids of the comments stored for these posts."""
        found: set[str] = set()
        for chunk, marks in _in_chunks(post_ids):
            query = f"SELECT guid FROM comments WHERE post_id IN ({marks})"
            found.update(guid for (guid,) in self._db.execute(query, chunk))
        return frozenset(found)

    def comment_counts(self, participant: str | None = None) -> dict[str, int]:
        """Comments stored per post id: of every post, or of one participant's posts."""
        if participant is None:
            rows = self._db.execute("SELECT post_id, count(*) FROM comments GROUP BY post_id")
        else:
            rows = self._db.execute(
                "SELECT c.post_id, count(*) FROM comments c JOIN posts p ON p.id = c.post_id "
                "WHERE p.participant = ? GROUP BY c.post_id",
                (participant,),
            )
        return {post_id: count for post_id, count in rows}

    def comment_tallies(self) -> dict[str, CommentTally]:
        """Per post id, the comments readers see (not hidden), as the site counts them."""
        rows = self._db.execute(
            "SELECT post_id, sum(kind = 'comment'), sum(kind != 'comment') FROM comments "
            "WHERE hidden IS NULL GROUP BY post_id"
        )
        return {post_id: CommentTally(comments, mentions) for post_id, comments, mentions in rows}

    # -- page look-ups (pages.py) ---------------------------------------------------------------

    def get_page_lookup(self, url: str) -> PageLookup | None:
        row = self._db.execute("SELECT * FROM page_links WHERE url = ?", (url,)).fetchone()
        if row is None:
            return None
        return PageLookup(row["url"], _dt(row["fetched_at"]), tuple(json.loads(row["links"])),  # type: ignore[arg-type]
                          row["error"])  # fmt: skip

    def put_page_lookup(self, lookup: PageLookup) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO page_links (url, fetched_at, links, error) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (url) DO UPDATE SET fetched_at = excluded.fetched_at, "
                "links = excluded.links, error = excluded.error",
                (lookup.url, _iso(lookup.fetched_at),
                 _json_list(lookup.links), lookup.error),
            )  # fmt: skip

    def link_targets(self) -> dict[str, LinkTarget]:
        """Where followed links led, by the link (parades/redirects.py)."""
        return {
            row["link"]: LinkTarget(row["link"], _dt(row["fetched_at"]), row["target"], row["error"])  # type: ignore[arg-type]
            for row in self._db.execute("SELECT * FROM link_targets")
        }

    def put_link_targets(self, found: Iterable[LinkTarget]) -> None:
        with self.transaction() as db:
            db.executemany(
                "INSERT INTO link_targets (link, fetched_at, target, error) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (link) DO UPDATE SET fetched_at = excluded.fetched_at, "
                "target = excluded.target, error = excluded.error",
                [(t.link, _iso(t.fetched_at), t.target, t.error) for t in found],
            )

    # -- take-downs (editors/takedown.py) -------------------------------------------------------

    def find_posts(self, *, ids: Sequence[str] = (), url_key: str | None = None) -> list[TakenItem]:
        """Posts by id, or whose link is `url_key` (urls.thread_key), with whether hidden."""
        rows = self._db.execute(
            f"SELECT id, participant, url, title, hidden FROM posts WHERE id IN "
            f"({', '.join('?' * len(ids))})", tuple(ids)
        ).fetchall() if ids else []
        if url_key is not None:
            rows += [row for row in self._db.execute(
                "SELECT id, participant, url, title, hidden FROM posts") if thread_key(row["url"]) == url_key]
        return [TakenItem("post", row["id"], row["url"], row["title"], row["participant"],
                          bool(row["hidden"])) for row in _unique(rows)]  # fmt: skip

    def find_comments(self, *, ids: Sequence[str] = (), url_key: str | None = None) -> list[TakenItem]:
        """Comments by id, or whose link is `url_key` (urls.thread_key), with whether hidden."""
        select = ("SELECT c.id, c.url, c.author, c.hidden, p.participant, p.title FROM comments c "
                  "JOIN posts p ON p.id = c.post_id")
        rows = self._db.execute(
            f"{select} WHERE c.id IN ({', '.join('?' * len(ids))})", tuple(ids)
        ).fetchall() if ids else []
        if url_key is not None:
            rows += [row for row in self._db.execute(f"{select} WHERE c.url IS NOT NULL")
                     if thread_key(row["url"]) == url_key]
        return [TakenItem("comment", row["id"], row["url"] or "", f"{row['author']} on {row['title']}",
                          row["participant"], bool(row["hidden"])) for row in _unique(rows)]  # fmt: skip

    def hidden_comments(self) -> dict[str, list[StoredComment]]:
        """The comments taken down with `hide`, by post id, oldest first (one query for a whole
        export, not one per post)."""
        found: dict[str, list[StoredComment]] = {}
        rows = self._db.execute("SELECT * FROM comments WHERE hidden IS NOT NULL ORDER BY published, id")
        for row in rows:
            found.setdefault(row["post_id"], []).append(_stored_comment(row))
        return found

    def superseded_post_ids(self) -> set[str]:
        """Posts a later copy of theirs stands for (a moved blog's; models.moved_copies): the
        site publishes the copy seen last, at the blog's address of today."""
        return set(self.moved_posts())

    def published_dates(self, ids: Sequence[str]) -> dict[str, datetime]:
        """The stored date of each of the posts `ids` (their rows' date alone, not their text)."""
        found: dict[str, datetime] = {}
        for chunk, marks in _in_chunks(list(dict.fromkeys(ids))):
            found.update((post_id, datetime.fromisoformat(published)) for post_id, published in
                         self._db.execute(f"SELECT id, published FROM posts WHERE id IN ({marks})", chunk))  # fmt: skip
        return found

    def first_dates(self) -> dict[str, datetime]:
        """The date each post its feed re-dated was first stored with, by post id (migration 20)."""
        return {post_id: datetime.fromisoformat(published)
                for post_id, published in self._db.execute("SELECT post_id, published FROM post_first_dates")}  # fmt: skip

    def moved_posts(self) -> dict[str, tuple[str, str]]:
        """superseded_post_ids, each with its blog and the id of the copy that stands for it.
        Read again only once the store changed: a build's export and its status page both ask
        (a third of a second each at 20,000 posts)."""
        version = self._version()
        if self._moved is None or self._moved[0] != version:
            rows = self._db.execute("SELECT id, participant, published, first_seen, title, url, guid FROM posts")
            seen = {row[0]: Seen(row[0], row[1], _dt(row[2]), _dt(row[3]), row[4], row[5], row[6]) for row in rows}
            moved = {old: (seen[old].participant, new) for old, new in moved_copies(seen.values()).items()}
            self._moved = (version, moved)
        return dict(self._moved[1])

    def _version(self) -> tuple[int, int]:
        """Changes by this connection, and SQLite's count of commits by others: both the same,
        the store holds what it held."""
        return self._db.total_changes, self._db.execute("PRAGMA data_version").fetchone()[0]

    def duplicate_post_ids(self, homes: Mapping[str, str]) -> set[str]:
        """Posts another blog's feed brought too, at the same address (as a person would say:
        page_key), where it lives on one of the blogs' own host (`homes`: each blog's home by
        slug, the blogs the site shows): a blog's category feed joined beside its main one, a
        planet that republishes its members.  The site shows such a post once, a blog's on its
        host (a joined blog before one that never did, a parade contribution read from its page,
        `ext_…`; then first seen, by blog and id).  An address on none of their hosts is the
        article two blogs' link posts point to: two posts.  A blog no longer shown (removed) has
        no copy to stand; a post the editors hid leaves the next one shown.

        Read: the posts that share an address, or a title and date, with another blog's."""
        rows = self._db.execute(
            "SELECT id, participant, url, first_seen FROM posts WHERE hidden IS NULL AND url != '' AND "
            "(url IN (SELECT url FROM posts WHERE hidden IS NULL AND url != '' GROUP BY url "
            "HAVING count(DISTINCT participant) > 1) OR (title, published) IN (SELECT title, published "
            "FROM posts WHERE hidden IS NULL GROUP BY title, published HAVING count(DISTINCT participant) > 1))"
        ).fetchall()  # fmt: skip
        by_page: dict[str, list[tuple[bool, str, str, str]]] = {}
        for post_id, participant, url, first_seen in rows:
            home = homes.get(participant)
            if home is not None and same_host(url, home):  # on its own blog's host: it may stand
                by_page.setdefault(page_key(url), []).append(
                    (participant.startswith("ext_"), first_seen, participant, post_id))
        own = {key: min(posts) for key, posts in by_page.items()}
        # One blog's copies of a post (a move) are moved_copies', not another blog's.
        return {post_id for post_id, participant, url, _ in rows
                if participant in homes and (key := page_key(url)) in own and own[key][2] != participant}

    def hidden_post_ids(self) -> set[str]:
        return {row[0] for row in self._db.execute("SELECT id FROM posts WHERE hidden IS NOT NULL")}

    def set_hidden(self, kind: Literal["post", "comment"], ids: Sequence[str], hidden: bool,
                   now: datetime | None = None) -> int:  # fmt: skip
        """Mark posts or comments hidden (or shown again); `changed` moves so the site rebuilds.
        A comment shown again that was hidden because its blog deleted it stays shown: the
        editors decided (mark_gone_at_source leaves it)."""
        table = "posts" if kind == "post" else "comments"
        now_text = _iso(now or utcnow())
        with self.transaction() as db:
            if kind == "comment":
                db.executemany("DELETE FROM tombstones WHERE kind = 'shown' AND key = ?", [(i,) for i in ids])
                if not hidden:
                    gone = [row[0] for chunk, marks in _in_chunks(list(ids)) for row in db.execute(
                        f"SELECT id FROM comments WHERE id IN ({marks}) AND hidden LIKE '{GONE_AT_SOURCE}%'", chunk)]  # fmt: skip
                    self._bury(db, [("shown", item) for item in gone], now or utcnow())
            return db.executemany(
                f"UPDATE {table} SET hidden = ?, changed = ? WHERE id = ?",
                [(now_text if hidden else None, now_text, item) for item in ids],
            ).rowcount

    def comments_shown(self, post_ids: Sequence[str]) -> dict[str, dict[str, CommentShown]]:
        """Per post id, its stored comments by guid: shown, hidden because their blog no longer
        has them (`mark_gone_at_source`), or as the editors left them (hidden; or shown again
        after their blog deleted them: `set_hidden`)."""
        found: dict[str, dict[str, CommentShown]] = {}
        for chunk, marks in _in_chunks(list(post_ids)):
            rows = self._db.execute(
                "SELECT post_id, guid, CASE WHEN hidden IS NULL AND NOT EXISTS (SELECT 1 FROM tombstones "
                "WHERE kind = 'shown' AND key = comments.id) THEN 'shown' WHEN hidden LIKE "
                f"'{GONE_AT_SOURCE}%' THEN 'gone' ELSE 'editors' END FROM comments WHERE post_id IN ({marks})",
                chunk,
            )  # fmt: skip
            for post_id, guid, shown in rows:
                found.setdefault(post_id, {})[guid] = shown
        return found

    def mark_gone_at_source(
        self, gone: Sequence[tuple[str, str]], back: Sequence[tuple[str, str]] = (),
        now: datetime | None = None,
    ) -> list[tuple[str, str, bool]]:  # fmt: skip
        """Hide the comments (post id, guid) that their blog no longer has, and show again those
        so hidden that it has again, as `comments_shown` said they stand (gone_at_source never
        names one the editors left); they stay stored: a blog that approves one again brings it
        back.  `changed` moves: the site rebuilds.  Returns each comment's link (or ""), its
        post's title, and whether it is shown now."""
        stamp = _iso(now or utcnow())
        shown = {comment_id(*pair): False for pair in gone} | {comment_id(*pair): True for pair in back}
        with self.transaction() as db:
            db.executemany("UPDATE comments SET hidden = ?, changed = ? WHERE id = ?",
                           [(None if now_shown else GONE_AT_SOURCE + stamp, stamp, item)
                            for item, now_shown in shown.items()])  # fmt: skip
            changed: list[tuple[str, str, bool]] = []
            for chunk, marks in _in_chunks(list(shown)):
                changed += [(url or "", title, shown[item]) for item, url, title in db.execute(
                    "SELECT c.id, c.url, p.title FROM comments c JOIN posts p ON p.id = c.post_id "
                    f"WHERE c.id IN ({marks}) ORDER BY p.published, c.published", chunk)]  # fmt: skip
        return changed

    def hide_on_arrival(self, key: str, hidden: bool = True, now: datetime | None = None) -> None:
        """Hide the post or comment whose id or link (thread_key) is `key` once a feed brings it:
        a replayed `hide` (takedown.replay) of what the restored backup, older, does not hold
        yet.  `hidden=False` (a replayed `unhide`) forgets that."""
        with self.transaction() as db:
            db.execute("DELETE FROM tombstones WHERE kind = 'hidden' AND key = ?", (key,))
            if hidden:
                self._bury(db, [("hidden", key)], now or utcnow())

    def hides_on_arrival(self, key: str) -> bool:
        """Whether the post or comment whose id or link (thread_key) is `key` is hidden as it
        arrives (hide_on_arrival)."""
        return self._db.execute("SELECT 1 FROM tombstones WHERE kind = 'hidden' AND key = ?", (key,)).fetchone() is not None

    def bury(self, tombstones: Iterable[tuple[TombstoneKind, str]], now: datetime | None = None) -> None:
        with self.transaction() as db:
            self._bury(db, tombstones, now or utcnow())

    @staticmethod
    def _bury(db: sqlite3.Connection, tombstones: Iterable[tuple[TombstoneKind, str]],
              now: datetime) -> None:  # fmt: skip
        db.executemany(
            "INSERT OR IGNORE INTO tombstones (kind, key, created) VALUES (?, ?, ?)",
            [(kind, key, _iso(now)) for kind, key in tombstones if key],
        )

    def buried(self, kind: TombstoneKind) -> frozenset[str]:
        """The keys of the tombstones of one kind (a blog's feed removed for good: its feed_key)."""
        return frozenset(key for (key,) in self._db.execute("SELECT key FROM tombstones WHERE kind = ?", (kind,)))

    def tombstones(self) -> list[tuple[str, str, datetime]]:
        rows = self._db.execute("SELECT kind, key, created FROM tombstones ORDER BY created, kind, key")
        return [(kind, key, _dt(created)) for kind, key, created in rows]  # type: ignore[misc]

    @contextmanager
    def erasing(self) -> Iterator[sqlite3.Connection]:
        """A transaction whose deletions leave no trace in the file: freed pages are zeroed
        (secure_delete) and the write-ahead log, which still holds the old pages, is emptied."""
        self._db.execute("PRAGMA secure_delete = ON")
        try:
            with self.transaction() as db:
                yield db
            self._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        finally:
            self._db.execute("PRAGMA secure_delete = OFF")

    def purge_participant(self, participant: str, feeds: Sequence[str] = (),
                          now: datetime | None = None) -> tuple[int, int]:  # fmt: skip
        """Delete a blog's posts, their comments and its feeds' state; tombstones for each post
        and comment (id and link) and for `feeds` (feed_key).  Other blogs' comments' "In reply
        to" paragraphs naming one of its comments go too, as with `forget_commenter`.  Returns
        (posts, comments)."""
        now = now or utcnow()
        with self.erasing() as db:
            posts = db.execute("SELECT id, url FROM posts WHERE participant = ?", (participant,)).fetchall()
            ids = [row["id"] for row in posts]
            comments = db.execute(
                "SELECT c.id, c.url FROM comments c JOIN posts p ON p.id = c.post_id "
                "WHERE p.participant = ?", (participant,)
            ).fetchall()
            graves: list[tuple[TombstoneKind, str]] = [("feed", feed_key(url)) for url in feeds]
            for row in posts:
                graves += [("post", row["id"]), ("url", thread_key(row["url"]))]
            for row in comments:
                graves += [("comment", row["id"])]
                if row["url"]:
                    graves.append(("url", thread_key(row["url"])))
            self._bury(db, graves, now)
            db.executemany("DELETE FROM comments WHERE post_id = ?", [(i,) for i in ids])
            links = {thread_key(row["url"]) for row in comments if row["url"]}
            if links:  # another blog's reply may name one (replies.py); read row by row
                _unname(db, db.execute("SELECT id, content_html FROM comments"), links, set(), now)
            db.execute("DELETE FROM posts WHERE participant = ?", (participant,))
            db.executemany("DELETE FROM page_links WHERE url = ?", [(row["url"],) for row in posts])
            db.execute("DELETE FROM feeds WHERE participant = ?", (participant,))
            db.execute("DELETE FROM alerts WHERE participant = ?", (participant,))
            db.executemany("DELETE FROM meta WHERE key = ?", [(key + participant,) for key in PARTICIPANT_META])
            return len(posts), len(comments)

    def forget_commenter(self, *, name_digest: str | None = None, address: str | None = None,
                         now: datetime | None = None) -> tuple[list[TakenItem], dict[str, int]]:  # fmt: skip
        """Delete every comment whose author's name digest (`commenter_digest`) or web address
        digest (`address_digest` of its thread_key, or of an address above it) matches; tombstones
        for the person and each comment.  The other comments' "In reply to" paragraphs naming
        one of them, or the person, go too (replies.py): they would show the name.  Returns what
        went, and, given `address`, per name signed on the comments (not pingbacks: theirs is
        the linking post's title) that went, how many of those left carry it and no web address
        (where a feed gives none: WordPress's RSS comment feeds)."""
        now = now or utcnow()
        with self.erasing() as db:
            rows = db.execute(
                "SELECT c.id, c.url, c.author, c.author_url, c.content_html, c.kind, p.participant, p.title "
                "FROM comments c JOIN posts p ON p.id = c.post_id"
            ).fetchall()
            gone = [
                row for row in rows
                if (name_digest and commenter_digest(row["author"]) == name_digest)
                or (address and row["author_url"] and address in address_digests(thread_key(row["author_url"])))
            ]  # fmt: skip
            graves: list[tuple[TombstoneKind, str]] = []
            if name_digest:
                graves.append(("commenter", name_digest))
            if address:
                graves.append(("commenter-url", address))
            for row in gone:
                graves.append(("comment", row["id"]))
                if row["url"]:
                    graves.append(("url", thread_key(row["url"])))
            self._bury(db, graves, now)
            db.executemany("DELETE FROM comments WHERE id = ?", [(row["id"],) for row in gone])
            links, ids = {thread_key(row["url"]) for row in gone if row["url"]}, {row["id"] for row in gone}
            left = [row for row in rows if row["id"] not in ids]
            _unname(db, left, links, {name_digest} if name_digest else set(), now)
        names = {row["author"] for row in gone if row["kind"] == "comment" and row["author"]} if address else set()
        namesakes = Counter(row["author"] for row in left if row["author"] in names and row["kind"] == "comment"
                            and not row["author_url"])  # fmt: skip
        return [TakenItem("comment", row["id"], row["url"] or "", row["title"], row["participant"])
                for row in gone], dict(namesakes)  # fmt: skip

    def drop_comments_before(self, cutoff: datetime) -> int:
        """Delete comments published before `cutoff` (the site's retention); how many went."""
        if self._db.execute("SELECT 1 FROM comments WHERE published < ? LIMIT 1",
                            (_iso(cutoff),)).fetchone() is None:  # fmt: skip
            return 0
        with self.erasing() as db:
            _put_meta(db, COMMENTS_ERASED, "yes")
            return db.execute("DELETE FROM comments WHERE published < ?", (_iso(cutoff),)).rowcount

    # -- feed health (editors/notify.py, editors/status.py) --------------------------------------

    def failing_since(self) -> dict[str, datetime]:
        """Per feed URL that fails now: the time of the first failure in a row."""
        rows = self._db.execute("SELECT url, failing_since FROM feeds WHERE failing_since IS NOT NULL")
        return {url: _dt(since) for url, since in rows}  # type: ignore[misc]

    def last_new_posts(self, moves: Mapping[str, tuple[str, str]]) -> dict[str, datetime]:
        """Per participant: when its newest post was first seen here; a post a moved blog
        brought again was new when its first copy came (`moves`: moved_posts)."""
        first = first_copies(moves)
        later = first.keys() | (moves.keys() - set(first.values()))  # copies, but not the first
        newest: dict[str, str] = {}
        for participant, post_id, seen in self._db.execute("SELECT participant, id, first_seen FROM posts"):
            if post_id not in later and seen > newest.get(participant, ""):
                newest[participant] = seen
        return {participant: _dt(seen) for participant, seen in newest.items()}  # type: ignore[misc]

    def alerts(self) -> dict[str, Alert]:
        """Per participant: the failure notice that went out and has not been followed by
        "recovered" yet."""
        rows = self._db.execute("SELECT * FROM alerts")
        return {row["participant"]: Alert(row["participant"], row["feed"], _dt(row["failing_since"]),
                                          _dt(row["notified"])) for row in rows}  # type: ignore[arg-type]

    def set_alert(self, alert: Alert) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO alerts (participant, feed, failing_since, notified) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (participant) DO UPDATE SET feed = excluded.feed, "
                "failing_since = excluded.failing_since, notified = excluded.notified",
                (alert.participant, alert.feed, _iso(alert.failing_since), _iso(alert.notified)),
            )

    def clear_alert(self, participant: str) -> None:
        with self.transaction() as db:
            db.execute("DELETE FROM alerts WHERE participant = ?", (participant,))

    # -- media (feeds/images.py) -----------------------------------------------------------------

    def media(self) -> dict[str, MediaRecord]:
        rows = self._db.execute("SELECT * FROM media")
        return {row["url"]: MediaRecord(row["url"], row["file"], row["content_type"], row["size"],
                                        _dt(row["fetched_at"]), row["error"]) for row in rows}  # type: ignore[arg-type]

    def put_media(self, record: MediaRecord) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO media (url, file, content_type, size, fetched_at, error) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (url) DO UPDATE SET file = excluded.file, "
                "content_type = excluded.content_type, size = excluded.size, "
                "fetched_at = excluded.fetched_at, error = excluded.error",
                (record.url, record.file, record.content_type, record.size,
                 _iso(record.fetched_at), record.error),
            )  # fmt: skip

    def forget_media(self, urls: Iterable[str]) -> list[str]:
        """Forget the images at `urls`; the names of their files no other image uses, for the
        caller to delete (files are named by their content: another blog's copy of the same
        picture, at another address, is the same file)."""
        urls = list(urls)
        with self.erasing() as db:
            files = {row[0] for url in urls for row in db.execute(
                "SELECT file FROM media WHERE url = ? AND file IS NOT NULL", (url,))}  # fmt: skip
            db.executemany("DELETE FROM media WHERE url = ?", [(url,) for url in urls])
            used = {row[0] for row in db.execute("SELECT DISTINCT file FROM media WHERE file IS NOT NULL")}
        return sorted(files - used)

    def posts_changed_since(
        self, since: datetime | None, participants: Sequence[str] | None = None
    ) -> Iterator[StoredPost]:
        """Posts stored or changed after `since` (all when None), visible ones only; of
        `participants` only, where given."""
        query, args = f"{_SELECT_POSTS} WHERE hidden IS NULL", []
        if since is not None:
            query, args = query + " AND changed > ?", [_iso(since)]
        if participants is not None:
            query += f" AND participant IN ({', '.join('?' * len(participants))})"
            args += list(participants)
        for row in self._db.execute(query, args):
            yield _stored_post(row)


    # -- parade candidates (parades/candidates.py, verify.py) ------------------------------------

    def add_candidates(
        self, parade: str, named: Sequence[NamedCandidate], now: datetime | None = None
    ) -> int:
        """Remember what channels named for a parade; a page already known gains the channel.
        Returns how many pages are new.  Nothing is ever removed: a channel that fails or
        forgets a page later takes no contribution away."""
        now = now or utcnow()
        new = 0
        with self.transaction() as db:
            for candidate in named:
                key = page_key(candidate.url)
                row = db.execute("SELECT channels, date FROM parade_candidates WHERE parade = ? "
                                 "AND key = ?", (parade, key)).fetchone()  # fmt: skip
                date = _iso(candidate.date)
                if row is None:
                    db.execute(
                        "INSERT INTO parade_candidates (parade, key, url, channels, first_seen, date) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        (parade, key, candidate.url, json.dumps([candidate.channel]), _iso(now), date),
                    )
                    new += 1
                    continue
                channels = json.loads(row["channels"])
                earliest = min(filter(None, (row["date"], date)), default=None)
                if candidate.channel not in channels or earliest != row["date"]:
                    channels = list(dict.fromkeys(channels + [candidate.channel]))
                    db.execute("UPDATE parade_candidates SET channels = ?, date = ? WHERE parade = ? "
                               "AND key = ?", (json.dumps(channels), earliest, parade, key))  # fmt: skip
        return new

    def candidates(self, parade: str | None = None) -> list[ParadeCandidate]:
        query, args = "SELECT * FROM parade_candidates", ()
        if parade is not None:
            query, args = query + " WHERE parade = ?", (parade,)
        return [
            ParadeCandidate(row["parade"], row["key"], row["url"], tuple(json.loads(row["channels"])),
                            _dt(row["first_seen"]), _dt(row["date"]))  # type: ignore[arg-type]
            for row in self._db.execute(query + " ORDER BY first_seen, key", args)
        ]  # fmt: skip

    def candidate_pages(self, keys: Sequence[str] | None = None) -> dict[str, CandidatePage]:
        rows = self._db.execute("SELECT * FROM candidate_pages")
        wanted = None if keys is None else set(keys)
        return {row["key"]: _candidate_page(row) for row in rows if wanted is None or row["key"] in wanted}

    def put_candidate_page(self, page: CandidatePage) -> None:
        """The last look at a candidate's page.  One without a reading keeps the reading (and
        the entry, and the post) an earlier look made."""
        reading = _reading_json(page.reading) if page.reading else None
        entry = _post_json(page.entry) if page.entry else None
        with self.transaction() as db:
            db.execute(_PUT_PAGE, (page.key, page.url, _iso(page.checked_at), page.problem, page.error,
                                   reading, entry, page.feed_title, page.feed_home, page.post_id))  # fmt: skip

    def call_shortlinks(self) -> dict[str, tuple[str | None, datetime]]:
        """Per call address, the shortlink its page named (None: none) and when it was read."""
        rows = self._db.execute("SELECT call, shortlink, checked_at FROM call_shortlinks")
        return {row["call"]: (row["shortlink"], _dt(row["checked_at"])) for row in rows}  # type: ignore[misc]

    def put_call_shortlink(self, call: str, shortlink: str | None, checked_at: datetime) -> None:
        """A read of a call's page.  One that names no shortlink keeps the one an earlier read
        found: contributions that link to it stay contributions."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO call_shortlinks (call, shortlink, checked_at) VALUES (?, ?, ?) "
                "ON CONFLICT (call) DO UPDATE SET shortlink = coalesce(excluded.shortlink, shortlink), "
                "checked_at = excluded.checked_at",
                (call, shortlink, _iso(checked_at)),
            )

    def external_blogs(self) -> list[ExternalBlog]:
        return [
            ExternalBlog(row["slug"], row["name"], row["home"], row["feed"], _dt(row["first_seen"]))  # type: ignore[arg-type]
            for row in self._db.execute("SELECT * FROM external_blogs ORDER BY slug")
        ]

    def put_external_blog(self, blog: ExternalBlog) -> None:
        """A blog that contributed without joining; its name and feed follow what it says now."""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO external_blogs (slug, name, home, feed, first_seen) VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (slug) DO UPDATE SET name = excluded.name, home = excluded.home, "
                "feed = coalesce(excluded.feed, feed)",
                (blog.slug, blog.name, blog.home, blog.feed, _iso(blog.first_seen)),
            )

    # -- bookkeeping ----------------------------------------------------------------------------

    def fingerprint(self) -> str:
        """Changes whenever anything publish reads changes (for skipping needless builds).

        Hiding and unhiding touch `changed`; erasing changes the counts; a blog's failure notice
        (alerts) is what its page's note follows."""
        # Page look-ups count: a link found on a post's page can make it a parade contribution;
        # so do parade candidates, what their pages said, and the shortlinks of calls.
        row = self._db.execute(
            "SELECT (SELECT count(*) FROM posts), (SELECT max(changed) FROM posts), "
            "(SELECT count(*) FROM comments), (SELECT max(changed) FROM comments), "
            "(SELECT count(*) FROM page_links), (SELECT max(fetched_at) FROM page_links), "
            "(SELECT count(*) FROM parade_candidates), (SELECT group_concat(channels) FROM "
            "parade_candidates), (SELECT max(checked_at) FROM candidate_pages), "
            "(SELECT group_concat(name || feed) FROM external_blogs), "
            "(SELECT group_concat(call || coalesce(shortlink, '')) FROM call_shortlinks), "
            "(SELECT group_concat(link || target) FROM link_targets WHERE target IS NOT NULL), "
            "(SELECT count(*) FROM tombstones), (SELECT count(*) FROM media), "
            "(SELECT max(fetched_at) FROM media), (SELECT count(file) FROM media), "
            "(SELECT group_concat(participant || notified) FROM alerts)"
        ).fetchone()
        return "|".join(str(value) for value in row)

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as db:
            _put_meta(db, key, value)


@dataclass(frozen=True)
class TakenItem:
    """A post or comment as the take-down commands name it."""

    kind: Literal["post", "comment"]
    id: str
    url: str
    title: str  # a post's title; for a comment "<author> on <post title>"
    participant: str
    hidden: bool = False


@dataclass(frozen=True)
class Alert:
    """A blog's failure notice that went out (editors/notify.py)."""

    participant: str
    feed: str
    failing_since: datetime | None
    notified: datetime


@dataclass(frozen=True)
class MediaRecord:
    """An image of a post: downloaded once, served from the site as `file`, or why not."""

    url: str
    file: str | None  # the file's name in the media folder; None: failed (`error`)
    content_type: str | None
    size: int | None
    fetched_at: datetime
    error: str | None = None


def _put_meta(db: sqlite3.Connection, key: str, value: str) -> None:
    db.execute("INSERT INTO meta (key, value) VALUES (?, ?) "
               "ON CONFLICT (key) DO UPDATE SET value = excluded.value", (key, value))  # fmt: skip


def _unname(db: sqlite3.Connection, rows: Iterable[sqlite3.Row], links: set[str], commenters: set[str],
            now: datetime) -> None:  # fmt: skip
    """The "In reply to" paragraphs of `rows` (comments: id, content_html) that name what was
    erased go from their bodies: they would show it.  Their changed time moves, so that their
    posts are exported again, as a full export would write them (export.Erased)."""
    # Read whole before writing: `rows` may be a cursor over the comments themselves.
    unnamed = [(row["id"], body) for row in rows
               if (body := _without_reply_naming(row["content_html"], links, commenters)) is not None]
    db.executemany("UPDATE comments SET content_html = ?, changed = ? WHERE id = ?",
                   [(body, _iso(now), id_) for id_, body in unnamed])


def _without_reply_naming(body: str, links: set[str], commenters: set[str]) -> str | None:
    """`body` without its "In reply to" paragraph where that names one of `links` (thread_key)
    or `commenters` (commenter_digest, replies.names_erased); None where it has no such paragraph."""
    marker = reply_marker(body)
    if marker is None:
        return None
    if names_erased(html.unescape(marker.href), html.unescape(marker.name), links, commenters):
        return without_naming(body, marker)
    return None


class _Buried:
    """Within one transaction: whether a record from a feed was taken down for good."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db
        self.any = db.execute("SELECT 1 FROM tombstones LIMIT 1").fetchone() is not None

    def _has(self, kind: str, key: str | None) -> bool:
        return bool(key) and self.db.execute(
            "SELECT 1 FROM tombstones WHERE kind = ? AND key = ?", (kind, key)
        ).fetchone() is not None

    def post(self, post: Post) -> bool:
        return self.any and (self._has("post", post.id) or self._has("url", thread_key(post.url)))

    def comment(self, comment: Comment) -> bool:
        if not self.any:
            return False
        return (
            self._has("comment", comment.id) or self._has("post", comment.post_id)
            or (comment.url is not None and self._has("url", thread_key(comment.url)))
            or self._has("commenter", commenter_digest(comment.author))
            or (bool(self.addresses) and comment.author_url is not None
                and not self.addresses.isdisjoint(address_digests(thread_key(comment.author_url))))
        )  # fmt: skip

    @cached_property
    def addresses(self) -> frozenset[str]:
        """The web addresses of commenters forgotten by them (address_digest)."""
        return frozenset(row[0] for row in self.db.execute("SELECT key FROM tombstones WHERE kind = 'commenter-url'"))

    def hide_arrived(self, posts: Sequence[Post], comments: Sequence[Comment], now: str) -> None:
        """Hide the records just saved that a replayed `hide` named before the store had them
        (Store.hide_on_arrival); from now on their rows say so."""
        if not self.any:
            return
        for table, records in (("posts", posts), ("comments", comments)):
            for record in records:
                keys = [key for key in (record.id, record.url and thread_key(record.url))
                        if key and self._has("hidden", key)]  # fmt: skip
                if keys:
                    self.db.execute(f"UPDATE {table} SET hidden = ?, changed = ? WHERE id = ?",
                                    (now, now, record.id))  # fmt: skip
                    self.db.executemany("DELETE FROM tombstones WHERE kind = 'hidden' AND key = ?",
                                        [(key,) for key in keys])  # fmt: skip


def _of_post(feed: str, post_url: str | None, announced: str | None) -> bool:
    """Whether a comment feed is a post's own: the one it named, or one under its address
    (WordPress's `<permalink>feed/atom/`, a Hugo post's `comments.xml`); asked with a query of
    ours or not (Blogger's max-results)."""
    if announced and feed.split("?", 1)[0] == announced.split("?", 1)[0]:
        return True
    return bool(post_url) and feed.startswith(post_url.rstrip("/") + "/")  # type: ignore[union-attr]


def _unique(rows: list[sqlite3.Row]) -> list[sqlite3.Row]:
    seen: dict[str, sqlite3.Row] = {}
    for row in rows:
        seen.setdefault(row["id"], row)
    return list(seen.values())


def check_copy(path: Path) -> int:
    """How many posts the store file at `path` (a backup) holds; StoreDamaged if it is damaged.

    Read-only: a backup is neither migrated nor changed by looking at it.
    """
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, factory=_Connection)
    except sqlite3.Error as error:
        raise storage_error(path, error) or StoreError(f"cannot open {path}: {error}") from error
    db.store_path = path
    try:
        raise_if_damaged(path, _findings(db))
        return db.execute("SELECT count(*) FROM posts").fetchone()[0]
    except sqlite3.Error as error:  # no posts table: some other SQLite file
        raise StoreDamaged(f"cannot use store {path}: it is no blogparade store ({error})") from error
    finally:
        db.close()


def quick_check(path: Path) -> list[str] | None:
    """What SQLite's quick_check finds in the store file at `path`, read through a read-only
    connection of its own (["ok"]: nothing wrong); None where it cannot be read that way (no
    file, no SQLite database): Store.check, once the store is opened, says why."""
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
        try:
            return _findings(db)
        finally:
            db.close()
    except sqlite3.Error:
        return None


def _findings(db: sqlite3.Connection) -> list[str]:
    """SQLite's quick_check of a database, its first three findings at most (["ok"]: none)."""
    return [row[0] for row in db.execute("PRAGMA quick_check(3)")]


def raise_if_damaged(path: Path, problems: list[str]) -> None:
    """StoreDamaged unless quick_check said "ok"; its first finding, on one line."""
    if problems == ["ok"]:
        return
    lines = [line for problem in problems for line in problem.splitlines()]
    finding = next((line for line in lines if not line.startswith("***")), lines[0])
    raise StoreDamaged(f"cannot use store {path}: it is damaged (SQLite's check: {finding})")


# -- SQLite's errors about the file, for a person --------------------------------------------------


def storage_error(path: Path, error: sqlite3.Error) -> StoreError | None:
    """What is wrong with the store's file, or None when the error is about the SQL itself."""
    code = getattr(error, "sqlite_errorcode", None)
    primary = code & 0xFF if code is not None else None
    if primary in (sqlite3.SQLITE_CORRUPT, sqlite3.SQLITE_NOTADB):
        return StoreDamaged(f"cannot use store {path}: it is damaged ({error})")
    if primary == sqlite3.SQLITE_READONLY:
        return StoreError(f"cannot write store {path}: {_why_read_only(path)}")
    if primary == sqlite3.SQLITE_FULL or (primary == sqlite3.SQLITE_IOERR and _disk_full(path)):
        return StoreError(f"cannot write store {path}: the disk is full")
    if primary == sqlite3.SQLITE_IOERR:
        return StoreError(f"cannot read or write store {path}: {error}")
    if primary == sqlite3.SQLITE_CANTOPEN:
        return StoreError(f"cannot open store {path}: {error}")
    if primary in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED):
        return StoreBusy(
            f"cannot use store {path}: another process kept it locked for {TIMEOUT:.0f} s"
        )
    return None


def _why_read_only(path: Path) -> str:
    if path.exists() and not os.access(path, os.W_OK):
        return "the file is read-only"
    if not os.access(path.parent, os.W_OK):
        return f"its folder is read-only (SQLite keeps its journal beside it, in {path.parent})"
    return "it is read-only"


def _disk_full(path: Path) -> bool:
    try:
        return shutil.disk_usage(path.parent).free < 1024 * 1024
    except OSError:
        return False


class _Cursor(sqlite3.Cursor):
    """A cursor whose errors about the file are StoreErrors, whenever they happen: a damaged
    page may be met by the 10,000th row of a query."""

    def execute(self, *args):  # noqa: ANN002, ANN201  sqlite3.Cursor's signature
        try:
            return super().execute(*args)
        except sqlite3.Error as error:
            self._raise(error)

    def executemany(self, *args):  # noqa: ANN002, ANN201
        try:
            return super().executemany(*args)
        except sqlite3.Error as error:
            self._raise(error)

    def fetchone(self):  # noqa: ANN201
        try:
            return super().fetchone()
        except sqlite3.Error as error:
            self._raise(error)

    def fetchall(self):  # noqa: ANN201
        try:
            return super().fetchall()
        except sqlite3.Error as error:
            self._raise(error)

    def __next__(self):  # noqa: ANN204
        try:
            return super().__next__()
        except sqlite3.Error as error:
            self._raise(error)

    def _raise(self, error: sqlite3.Error) -> NoReturn:
        translated = storage_error(self.connection.store_path, error)
        if translated is None:
            raise error
        raise translated from error


class _Connection(sqlite3.Connection):
    """A connection whose cursors are _Cursors (sqlite3's own execute() would bypass them)."""

    store_path: Path

    def cursor(self, factory=_Cursor):  # noqa: ANN001, ANN201
        return super().cursor(factory)

    def execute(self, *args):  # noqa: ANN002, ANN201
        return self.cursor().execute(*args)

    def executemany(self, *args):  # noqa: ANN002, ANN201
        return self.cursor().executemany(*args)


def _answered(columns: tuple[str, ...], sets: str) -> str:
    """The upsert of a feed that answered (record_success, record_unchanged): its row made if it
    is new; asked and read now, without error, where it answered; and `sets` for `columns`.
    Its parameters: url, participant, now, kind, now, moved_to, then `columns`."""
    names = ("url", "participant", "last_attempt", "kind", "last_success", "moved_to") + columns
    return (
        f"INSERT INTO feeds ({', '.join(names)}) VALUES ({', '.join('?' * len(names))}) "
        "ON CONFLICT (url) DO UPDATE SET participant = excluded.participant, "
        "last_attempt = excluded.last_attempt, kind = excluded.kind, "
        "last_success = excluded.last_success, error_kind = NULL, error_message = NULL, "
        "consecutive_errors = 0, next_try = NULL, failing_since = NULL, "
        f"moved_to = excluded.moved_to, {sets}"
    )


_SUCCEEDED = _answered(
    ("etag", "last_modified", "body_hash", "description", "entry_digests"),
    "etag = excluded.etag, last_modified = excluded.last_modified, body_hash = excluded.body_hash, "
    "gone = 0, description = coalesce(excluded.description, description), "
    "entry_digests = excluded.entry_digests",
)
_UNCHANGED = _answered(
    ("etag", "last_modified"),
    "etag = coalesce(excluded.etag, etag), "
    "last_modified = coalesce(excluded.last_modified, last_modified), "
    "gone = 0",  # a feed retired by 410 that answers again (304, the same body) is read again
)


_POST_HEADS = (
    "SELECT p.id, p.participant, p.guid, p.url, p.published, p.comment_feed, p.comment_count, "
    "c.count, c.stored FROM posts p LEFT JOIN comment_checks c ON c.post_id = p.id"
)


def _post_head(row: tuple[Any, ...]) -> PostHead:
    return PostHead(row[0], row[1], row[2], row[3], _dt(row[4]), *row[5:])  # type: ignore[arg-type]


def _post_row(post: Post, now: str) -> dict[str, object]:
    return {
        "id": post.id,
        "participant": post.participant,
        "guid": post.guid,
        "url": post.url,
        "title": post.title,
        "author": post.author,
        "published": _iso(post.published),
        "updated": _iso(post.updated),
        "first_seen": now,
        "changed": now,
        "excerpt": post.excerpt,
        "content_html": post.content_html,
        "categories": _json_list(post.categories),
        "language": post.language,
        "links": _json_list(post.links),
        "comment_feed": post.comment_feed,
        "comment_count": post.comment_count,
        "attachments": _attachments_json(post.attachments),
    }


def _attachments_json(attachments: Iterable[Attachment]) -> str:
    return _json_list([asdict(attachment) for attachment in attachments])


def journal_files(path: Path) -> tuple[Path, ...]:
    """The log and index files SQLite keeps beside a database in WAL mode (-wal, -shm)."""
    return tuple(path.with_name(path.name + suffix) for suffix in ("-wal", "-shm"))


def _attachments(data: Iterable[dict[str, Any]]) -> tuple[Attachment, ...]:
    return tuple(Attachment(**item) for item in data)


def _upsert_posts(db: sqlite3.Connection, posts: Sequence[Post], now: str, counts: SaveCounts) -> None:
    # A post that lost its date keeps the one it had, as does one dated after it was first seen;
    # one its feed re-dated keeps the date it was first stored with for its feed entries' ids.
    redated: list[tuple[object, object]] = []

    def settle(values: dict[str, object], stored: sqlite3.Row) -> None:
        _not_after_first_sight(values, stored)
        if values["published"] and values["published"] != stored["published"]:
            redated.append((values["id"], stored["published"]))

    _upsert(db, "posts", [_post_row(post, now) for post in posts], ("published",) + _POST_FIELDS,
            ("published",), counts, settle=settle)  # fmt: skip
    if redated:  # the first date stays: a date changed twice keeps the one before both
        db.executemany("INSERT OR IGNORE INTO post_first_dates (post_id, published) VALUES (?, ?)", redated)


def _rank_posts(db: sqlite3.Connection, ranks: Mapping[str, int], stamp: str) -> None:
    """Posts' places among those of their date (work.places_among_equals), by post id: a post
    whose place changed has changed (the export writes it again); ids of posts not stored (left
    out by their blog's categories) are passed over."""
    stored: dict[str, int] = {}
    for chunk, marks in _in_chunks(list(ranks)):
        stored.update(db.execute(f"SELECT posts.id, {_FEED_RANK} FROM {_POSTS_RANKED} WHERE posts.id IN ({marks})",
                                 chunk))  # fmt: skip
    moved = [(post, rank) for post, rank in ranks.items() if post in stored and stored[post] != rank]
    db.executemany("INSERT INTO post_ranks (post_id, rank) VALUES (?, ?) ON CONFLICT (post_id) DO UPDATE "
                   "SET rank = excluded.rank", [(post, rank) for post, rank in moved if rank])  # fmt: skip
    db.executemany("DELETE FROM post_ranks WHERE post_id = ?", [(post,) for post, rank in moved if not rank])
    db.executemany("UPDATE posts SET changed = ? WHERE id = ?", [(stamp, post) for post, _ in moved])


def _not_after_first_sight(values: dict[str, object], stored: sqlite3.Row) -> None:
    """A post is not published after it was first seen here: a date later than that (beyond
    FUTURE_TOLERANCE, as parse's for a feed's dates) leaves the stored one.  A post a feed dated a
    week ahead was stored with the time it was first seen (parse believes no such date); days
    later its date was believed, and the post moved: out of a parade's window, without a word,
    and into a second digest.  (A date edited forward, to bump an old post, is not believed
    either: it stays where it was.)"""
    new = values["published"]
    if isinstance(new, str) and new > stored["first_seen"]:
        if new > _iso(_dt(stored["first_seen"]) + FUTURE_TOLERANCE):  # type: ignore[operator]
            values["published"] = stored["published"]


def first_copies(moves: Mapping[str, tuple[str, str]]) -> dict[str, str]:
    """For each post standing for copies a moved blog brought before, the id of its first copy
    (`moves`: Store.moved_posts, the newest copies first)."""
    first: dict[str, str] = {}
    for old, (_, new) in moves.items():
        first[new] = old
    return first


def _under_first_guids(db: sqlite3.Connection, participant: str, posts: Sequence[Post]) -> Sequence[Post]:
    """`posts`, those a feed brought under a new guid under the one they were first stored under
    (models.first_guids): a feed that gives its posts new guids each night, or each edit,
    updates its posts instead of storing them again."""
    dates = sorted({_iso(post.published) for post in posts if post.published is not None})
    rows: list[tuple[str, str, datetime, str]] = []
    for chunk, marks in _in_chunks(dates):
        rows += [(guid, url, _dt(published), title) for guid, url, published, title in db.execute(
            f"SELECT guid, url, published, title FROM posts WHERE participant = ? AND published IN ({marks})",
            (participant, *chunk))]  # fmt: skip
    # Versioned guids (Confluence's): the post's other versions, by the guid they share but for it.
    for base in sorted({base for post in posts if (base := version_base(post.guid)) is not None}):
        rows += [(guid, url, _dt(published), title) for guid, url, published, title in db.execute(
            "SELECT guid, url, published, title FROM posts WHERE participant = ? AND guid >= ? AND guid < ?",
            (participant, base + "-", base + "."))]  # fmt: skip  ("." follows "-")
    first = first_guids(posts, rows)
    if not first:
        return posts
    # A post stored under its own guid (at another date and address) is no one's copy.
    renamed = [post.id for post in posts if post.guid in first]
    for chunk, marks in _in_chunks(renamed):
        for (stored,) in db.execute(f"SELECT guid FROM posts WHERE id IN ({marks})", chunk):
            first.pop(stored, None)
    return [replace(post, guid=first[post.guid]) if post.guid in first else post for post in posts]


def _first_comment_guids(db: sqlite3.Connection, comments: Sequence[Comment]) -> dict[tuple[str, str], str]:
    """The first guids of `comments` a feed brought under new ones (models.first_comment_guids):
    a moved blog's comments are updated, not stored again.  Only the read's posts' comments are
    looked at (by the index)."""
    rows: list[tuple[str, str]] = []
    for chunk, marks in _in_chunks(sorted({comment.post_id for comment in comments})):
        rows += db.execute(f"SELECT post_id, guid FROM comments WHERE post_id IN ({marks})", chunk).fetchall()
    return first_comment_guids(comments, rows) if rows else {}


def _carry_over_to_new_copies(
    db: sqlite3.Connection, participant: str, now: str, dates: Collection[str]
) -> int:
    """A blog that moves (to https, to another domain) and whose guids are its permalinks
    brings every post again under a new guid; the copy stored `now` stands for the old ones
    (models.moved_copies).  It takes over what the old copies had: their comments (a post
    past BLOGPARADE_COMMENT_DAYS has its comments read no more, and a comment feed holds the
    newest ten), and a take-down with `hide`, for the site, its feeds, digests and parades.
    Returns how many of the posts stored `now` are such copies.

    `dates`: the publication dates (as stored) of the feed's posts: a copy has its old one's,
    so only the blog's posts of those dates are read (by the index), not all it ever had."""
    rows: list[tuple[str, str, str, str, str | None, str, str]] = []
    for chunk, marks in _in_chunks(sorted(dates)):
        rows += db.execute("SELECT id, published, first_seen, title, hidden, url, guid FROM posts "
                           f"WHERE participant = ? AND published IN ({marks})", (participant, *chunk))  # fmt: skip
    if all(row[2] == now for row in rows):
        return 0  # none of them stored before: no copies (every post of a blog's first read)
    seen = [Seen(row[0], participant, _dt(row[1]), _dt(row[2]), row[3], row[5], row[6]) for row in rows]
    stored_now = {row[0] for row in rows if row[2] == now}
    hidden = {row[0]: row[4] for row in rows}
    taking_over: set[str] = set()
    for old_id, post_id in sorted(moved_copies(seen).items()):
        if old_id in stored_now or post_id not in stored_now:
            continue  # a copy of this feed's, or carried over when its standing copy came
        taking_over.add(post_id)
        if hidden[old_id] is not None:
            db.execute("UPDATE posts SET hidden = ? WHERE id = ?", (hidden[old_id], post_id))
        moved = [(comment_id(post_id, guid), post_id, comment) for comment, guid in
                 db.execute("SELECT id, guid FROM comments WHERE post_id = ?", (old_id,))]  # fmt: skip
        db.executemany("UPDATE OR IGNORE comments SET id = ?, post_id = ? WHERE id = ?", moved)
    return len(taking_over)


def _comment_row(comment: Comment, now: str) -> dict[str, object]:
    return {
        "id": comment.id,
        "post_id": comment.post_id,
        "guid": comment.guid,
        "url": comment.url,
        "parent_guid": comment.parent_guid,
        "author": comment.author,
        "author_url": comment.author_url,
        "published": _iso(comment.published),
        "first_seen": now,
        "changed": now,
        "content_html": comment.content_html,
        "kind": comment.kind,
    }


_IDS_AT_ONCE = 500  # ids in one look-up query (SQLite allows 32,766 variables; old builds 999)


def _in_chunks(ids: Sequence[Any]) -> Iterator[tuple[Sequence[Any], str]]:
    """`ids` in chunks of at most _IDS_AT_ONCE, each with its placeholders for `IN (…)`."""
    for start in range(0, len(ids), _IDS_AT_ONCE):
        chunk = ids[start : start + _IDS_AT_ONCE]
        yield chunk, ", ".join("?" * len(chunk))


def _upsert(
    db: sqlite3.Connection, table: str, rows: list[dict[str, object]], fields: tuple[str, ...],
    sticky: tuple[str, ...], counts: SaveCounts, same: _Sameness | None = None,
    settle: Callable[[dict[str, object], sqlite3.Row], None] | None = None,
) -> None:  # fmt: skip
    """Insert a feed's records, or update each where any of `fields` changed.

    `sticky` fields keep their stored value when the feed no longer gives one; `same` names
    fields whose values may differ and still say the same (a function of the new value and
    the stored one): the stored value stays.  An unchanged record is not rewritten, so its
    `changed` time tells publish exactly what moved.  The stored ones are looked up together,
    the new ones inserted together (a first run's feed of ten posts: two statements, not twenty).
    `settle` may change a stored record's new values, seeing the stored ones (and its first_seen).
    """
    if not rows:
        return
    ids = [row["id"] for row in rows]
    if len(set(ids)) < len(ids):  # the same record twice in one feed (parse keeps one): in turn
        for row in rows:
            _upsert(db, table, [row], fields, sticky, counts, same, settle)
        return
    stored: dict[object, sqlite3.Row] = {}
    read = ", ".join(fields + (("first_seen",) if settle else ()))
    for chunk, marks in _in_chunks(ids):
        found = db.execute(f"SELECT id, {read} FROM {table} WHERE id IN ({marks})", chunk)
        stored.update((row["id"], row) for row in found)
    new = []
    for row in rows:
        existing = stored.get(row["id"])
        if existing is None:
            row["published"] = row["published"] or row["first_seen"]
            new.append(tuple(row.values()))
        else:
            if settle is not None:
                settle(row, existing)
            _update(db, table, row, existing, fields, sticky, counts, same or {})
    if new:
        db.executemany(
            f"INSERT INTO {table} ({', '.join(rows[0])}) VALUES ({', '.join('?' * len(rows[0]))})",
            new,
        )
        counts.new += len(new)


def _update(
    db: sqlite3.Connection, table: str, values: dict[str, object], existing: sqlite3.Row,
    fields: tuple[str, ...], sticky: tuple[str, ...], counts: SaveCounts, same: _Sameness,
) -> None:  # fmt: skip
    """One stored record rewritten where any of `fields` changed (see _upsert)."""
    for name in sticky:
        values[name] = values[name] or existing[name]
    for name, says_the_same in same.items():
        if values[name] != existing[name] and says_the_same(values[name], existing[name]):
            values[name] = existing[name]
    if all(values[name] == existing[name] for name in fields):
        return
    assignments = ", ".join(f"{name} = ?" for name in fields + ("changed",))
    db.execute(
        f"UPDATE {table} SET {assignments} WHERE id = ?",
        tuple(values[name] for name in fields + ("changed",)) + (values["id"],),
    )
    counts.changed += 1


_Sameness = dict[str, Callable[[Any, Any], bool]]


def _same_comment_text(new: str | None, stored: str | None) -> bool:
    """A reply's text with and without WordPress's "In reply to" paragraph (replies.py): the
    same text.  Its feeds write the paragraph, its API does not, and a post read both ways in
    a night (its count moved, and it has pingbacks only the feeds show) would otherwise change
    its replies back and forth, every such night: counted, rewritten, exported again."""
    if not new or not stored:
        return False
    new_marker, stored_marker = reply_marker(new), reply_marker(stored)
    if new_marker is not None and stored_marker is None:
        return without_marker(new, new_marker).strip() == stored.strip()
    if stored_marker is not None and new_marker is None:
        return without_marker(stored, stored_marker).strip() == new.strip()
    return False  # neither, or both, with the paragraph: compared as written


def _not_earlier(new: str | None, stored: str | None) -> bool:
    """A comment's date, later than the one stored: its edit's.  A feed that dates comments by
    their last edit only (Isso's Atom: <updated>) would move an edited comment below its own
    replies; a comment was written when it was first dated.  (ISO strings in UTC compare as
    times do.)"""
    return bool(new and stored and new > stored)


# A comment read from the API and from the feeds in one night: the same, however each writes
# its text and its parent (see _same_comment_text, urls.same_comment); and however late its
# feed dates it now.
_SAME_COMMENT: _Sameness = {"content_html": _same_comment_text, "parent_guid": same_comment,
                            "published": _not_earlier}  # fmt: skip


def _feed_state(row: sqlite3.Row) -> FeedState:
    error = (
        FetchError(ErrorKind(row["error_kind"]), row["error_message"] or "")
        if row["error_kind"]
        else None
    )
    return FeedState(
        url=row["url"],
        participant=row["participant"],
        etag=row["etag"],
        last_modified=row["last_modified"],
        body_hash=row["body_hash"],
        last_attempt=_dt(row["last_attempt"]),
        last_success=_dt(row["last_success"]),
        last_error=error,
        consecutive_errors=row["consecutive_errors"],
        moved_to=row["moved_to"],
        gone=bool(row["gone"]),
        next_try=_dt(row["next_try"]),
        entry_digests=row["entry_digests"] or "",
    )


def _stored_post(row: sqlite3.Row) -> StoredPost:
    return StoredPost(
        id=row["id"],
        participant=row["participant"],
        guid=row["guid"],
        url=row["url"],
        title=row["title"],
        author=row["author"],
        published=_dt(row["published"]),  # type: ignore[arg-type]  # NOT NULL
        updated=_dt(row["updated"]),
        first_seen=_dt(row["first_seen"]),  # type: ignore[arg-type]
        excerpt=row["excerpt"],
        content_html=row["content_html"],
        categories=tuple(json.loads(row["categories"])),
        language=row["language"],
        links=tuple(json.loads(row["links"])),
        comment_feed=row["comment_feed"],
        comment_count=row["comment_count"],
        attachments=_attachments(json.loads(row["attachments"])),
        feed_rank=row["feed_rank"],
    )


def _reading_json(reading: PageReading) -> str:
    data = asdict(reading)
    data["published"] = reading.published.isoformat() if reading.published else None
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _reading(text: str) -> PageReading:
    data = json.loads(text)
    known = {name: data[name] for name in PageReading.__dataclass_fields__ if name in data}
    known["published"] = datetime.fromisoformat(data["published"]) if data.get("published") else None
    known["links"] = tuple(known.get("links") or ())
    return PageReading(**known)


def _post_json(post: Post) -> str:
    data = asdict(post)
    for name in ("published", "updated"):
        data[name] = _iso(data[name])
    return json.dumps(data, ensure_ascii=False, sort_keys=True)


def _post(text: str) -> Post:
    data = json.loads(text)
    known = {name: data[name] for name in Post.__dataclass_fields__ if name in data}
    for name in ("published", "updated"):
        known[name] = _dt(known.get(name))
    for name in ("categories", "links"):
        known[name] = tuple(known.get(name) or ())
    known["attachments"] = _attachments(known.get("attachments") or ())
    return Post(**known)


def _candidate_page(row: sqlite3.Row) -> CandidatePage:
    return CandidatePage(
        key=row["key"],
        url=row["url"],
        checked_at=_dt(row["checked_at"]),  # type: ignore[arg-type]
        problem=row["problem"],
        error=row["error"],
        reading=_reading(row["reading"]) if row["reading"] else None,
        entry=_post(row["entry"]) if row["entry"] else None,
        feed_title=row["feed_title"] or "",
        feed_home=row["feed_home"],
        post_id=row["post_id"],
    )


def _stored_comment(row: sqlite3.Row) -> StoredComment:
    return StoredComment(
        id=row["id"],
        post_id=row["post_id"],
        guid=row["guid"],
        url=row["url"],
        parent_ref=row["parent_guid"],
        author=row["author"],
        author_url=row["author_url"],
        published=_dt(row["published"]),  # type: ignore[arg-type]
        first_seen=_dt(row["first_seen"]),  # type: ignore[arg-type]
        content_html=row["content_html"],
        kind=row["kind"],
    )
