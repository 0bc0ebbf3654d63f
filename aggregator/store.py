"""The store: the only module that speaks SQL.

SQLite in WAL mode; the schema is versioned by ``PRAGMA user_version`` and migrated forward.
Posts and comments are upserted and never deleted because a feed stopped listing them.
"""

from __future__ import annotations

import json
import sqlite3
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Iterator, Literal, Sequence

from .models import (
    Comment,
    ErrorKind,
    FeedState,
    FetchError,
    PageLookup,
    Post,
    StoredComment,
    StoredPost,
)

# "probe": a comment feed we guessed at (WordPress's Atom twin, a site-wide comment feed).
FeedKind = Literal["posts", "comments", "probe"]


class StoreError(Exception):
    """The store cannot be opened or written; the message says why, for a person."""


# Each entry migrates from version i to i+1.  Never edit one that has shipped: append.
MIGRATIONS: tuple[str, ...] = (
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
    # 4: a post feed's own description (Atom <subtitle>, RSS channel <description>), shown on its
    # blog's page.  Post feeds forget their cache validators once, so the next fetch reads and
    # parses each of them and every blog's description arrives (an unchanged feed is not parsed).
    """
    ALTER TABLE feeds ADD COLUMN description TEXT;
    UPDATE feeds SET etag = NULL, last_modified = NULL, body_hash = NULL WHERE kind = 'posts';
    """,
)

_POST_FIELDS = (
    "url", "title", "author", "updated", "excerpt", "content_html", "categories", "language",
    "links", "comment_feed", "comment_count",
)  # fmt: skip
_COMMENT_FIELDS = (
    "url", "parent_guid", "author", "author_url", "published", "content_html", "kind",
)  # fmt: skip


@dataclass
class SaveCounts:
    new: int = 0
    changed: int = 0


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat(timespec="seconds") if value else None


def _dt(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class Store:
    """A connection to one store file.  Use as a context manager, or call close()."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not self.path.parent.is_dir():
            problem = "is not a folder" if self.path.parent.exists() else "does not exist"
            raise StoreError(f"cannot open store {self.path}: {self.path.parent} {problem}")
        try:
            self._db = sqlite3.connect(self.path, isolation_level=None, timeout=30)
            self._db.row_factory = sqlite3.Row
            self._db.execute("PRAGMA journal_mode = WAL")
            self._db.execute("PRAGMA foreign_keys = ON")
            self._db.execute("PRAGMA synchronous = NORMAL")
            self._migrate()
        except sqlite3.DatabaseError as error:
            raise StoreError(f"cannot use store {self.path}: {error}") from error

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._db.close()

    # -- schema ---------------------------------------------------------------------------------

    @property
    def version(self) -> int:
        return self._db.execute("PRAGMA user_version").fetchone()[0]

    def _migrate(self) -> None:
        current = self.version
        if current > len(MIGRATIONS):
            raise StoreError(
                f"store {self.path} has schema version {current}, newer than this blogparade "
                f"knows ({len(MIGRATIONS)}): upgrade blogparade"
            )
        for version in range(current, len(MIGRATIONS)):
            with self.transaction():
                for statement in MIGRATIONS[version].split(";"):
                    if statement.strip():
                        self._db.execute(statement)
                self._db.execute(f"PRAGMA user_version = {version + 1}")

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        try:
            self._db.execute("BEGIN IMMEDIATE")
        except sqlite3.OperationalError as error:
            raise StoreError(f"cannot write store {self.path}: {error}") from error
        try:
            yield self._db
        except BaseException:
            self._db.execute("ROLLBACK")
            raise
        try:
            self._db.execute("COMMIT")
        except sqlite3.OperationalError as error:
            raise StoreError(f"cannot write store {self.path}: {error}") from error

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

    # -- feeds ----------------------------------------------------------------------------------

    def feed_state(self, url: str) -> FeedState | None:
        row = self._db.execute("SELECT * FROM feeds WHERE url = ?", (url,)).fetchone()
        return _feed_state(row) if row else None

    def feed_states(self) -> dict[str, FeedState]:
        return {row["url"]: _feed_state(row) for row in self._db.execute("SELECT * FROM feeds")}

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
    ) -> SaveCounts:
        """One feed fetched and parsed: its state and everything it carried, in one transaction.

        `description` is the feed's own ("" when it has none); None leaves the stored one."""
        now = now or utcnow()
        with self.transaction() as db:
            self._touch_feed(db, participant, url, now, kind)
            db.execute(
                "UPDATE feeds SET etag = ?, last_modified = ?, body_hash = ?, last_success = ?, "
                "error_kind = NULL, error_message = NULL, consecutive_errors = 0, gone = 0, "
                "moved_to = coalesce(?, moved_to), description = coalesce(?, description) "
                "WHERE url = ?",
                (etag, last_modified, body_hash, _iso(now), moved_to, description, url),
            )
            counts = SaveCounts()
            for post in posts:
                self._upsert_post(db, post, now, counts)
            for comment in comments:
                self._upsert_comment(db, comment, now, counts)
            return counts

    def record_unchanged(
        self, participant: str, url: str, *, etag: str | None = None, last_modified: str | None = None,
        kind: FeedKind = "posts", now: datetime | None = None,
    ) -> None:  # fmt: skip
        """304, or a body identical to the last one: a success that costs no parsing."""
        now = now or utcnow()
        with self.transaction() as db:
            self._touch_feed(db, participant, url, now, kind)
            db.execute(
                "UPDATE feeds SET etag = coalesce(?, etag), last_modified = coalesce(?, last_modified), "
                "last_success = ?, error_kind = NULL, error_message = NULL, consecutive_errors = 0 "
                "WHERE url = ?",
                (etag, last_modified, _iso(now), url),
            )

    def record_error(
        self, participant: str, url: str, error: FetchError, *, kind: FeedKind = "posts",
        now: datetime | None = None,
    ) -> None:  # fmt: skip
        """A failed update: remembered, and nothing stored before it is touched."""
        now = now or utcnow()
        with self.transaction() as db:
            self._touch_feed(db, participant, url, now, kind)
            db.execute(
                "UPDATE feeds SET error_kind = ?, error_message = ?, "
                "consecutive_errors = consecutive_errors + 1, gone = ? WHERE url = ?",
                (error.kind.value, error.message, int(error.kind is ErrorKind.GONE), url),
            )

    # -- posts ----------------------------------------------------------------------------------

    def _upsert_post(
        self, db: sqlite3.Connection, post: Post, now: datetime, counts: SaveCounts
    ) -> None:
        values = {
            "id": post.id,
            "participant": post.participant,
            "guid": post.guid,
            "url": post.url,
            "title": post.title,
            "author": post.author,
            "published": _iso(post.published),
            "updated": _iso(post.updated),
            "first_seen": _iso(now),
            "changed": _iso(now),
            "excerpt": post.excerpt,
            "content_html": post.content_html,
            "categories": json.dumps(list(post.categories), ensure_ascii=False),
            "language": post.language,
            "links": json.dumps(list(post.links), ensure_ascii=False),
            "comment_feed": post.comment_feed,
            "comment_count": post.comment_count,
        }
        # A post that lost its date keeps the one it had.
        _upsert(db, "posts", values, ("published",) + _POST_FIELDS, ("published",), counts)

    def posts(
        self, participant: str | None = None, since: datetime | None = None
    ) -> Iterator[StoredPost]:
        """Posts, newest first."""
        query, args = "SELECT * FROM posts WHERE 1", []
        if participant is not None:
            query, args = query + " AND participant = ?", args + [participant]
        if since is not None:
            query, args = query + " AND published >= ?", args + [_iso(since)]
        for row in self._db.execute(query + " ORDER BY published DESC, id", args):
            yield _stored_post(row)

    def post_counts(self) -> dict[str, int]:
        rows = self._db.execute("SELECT participant, count(*) FROM posts GROUP BY participant")
        return {participant: count for participant, count in rows}

    # -- comments -------------------------------------------------------------------------------

    def _upsert_comment(
        self, db: sqlite3.Connection, comment: Comment, now: datetime, counts: SaveCounts
    ) -> None:
        values = {
            "id": comment.id,
            "post_id": comment.post_id,
            "guid": comment.guid,
            "url": comment.url,
            "parent_guid": comment.parent_guid,
            "author": comment.author,
            "author_url": comment.author_url,
            "published": _iso(comment.published),
            "first_seen": _iso(now),
            "changed": _iso(now),
            "content_html": comment.content_html,
            "kind": comment.kind,
        }
        # A reply whose parent a later feed no longer names keeps the parent it had.
        _upsert(db, "comments", values, _COMMENT_FIELDS, ("published", "parent_guid"), counts)

    def comments(self, post_id: str | None = None) -> Iterator[StoredComment]:
        """Comments, oldest first, each with the parent reference its feed gave.

        Which comment a reference names is decided when the thread is built (website/threads.py),
        in one pass over a post's comments: a join here cost 35 s for 20,000 comments.
        """
        query, args = "SELECT * FROM comments", ()
        if post_id is not None:
            query, args = query + " WHERE post_id = ?", (post_id,)
        for row in self._db.execute(query + " ORDER BY published, id", args):
            yield _stored_comment(row)

    def mark_comments_checked(self, counts: dict[str, int | None]) -> None:
        """Remember each post's comment count as of reading its comments."""
        with self.transaction() as db:
            db.executemany(
                "UPDATE posts SET comments_checked = ? WHERE id = ?",
                [(count, post_id) for post_id, count in counts.items()],
            )

    def comment_feed_health(self) -> dict[str, tuple[int, int]]:
        """Per participant: how many comment feeds are known, and how many failed last time."""
        rows = self._db.execute(
            "SELECT participant, count(*), count(error_kind) FROM feeds WHERE kind = 'comments' "
            "OR (kind = 'probe' AND error_kind IS NULL) GROUP BY participant"
        )
        return {participant: (total, failed) for participant, total, failed in rows}

    def comment_counts_by_participant(self) -> dict[str, int]:
        rows = self._db.execute(
            "SELECT p.participant, count(*) FROM comments c JOIN posts p ON p.id = c.post_id "
            "GROUP BY p.participant"
        )
        return {participant: count for participant, count in rows}

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
                 json.dumps(list(lookup.links), ensure_ascii=False), lookup.error),
            )  # fmt: skip

    # -- bookkeeping ----------------------------------------------------------------------------

    def fingerprint(self) -> str:
        """Changes whenever anything publish reads changes (for skipping needless builds)."""
        # Page look-ups count: a link found on a post's page can make it a parade contribution.
        row = self._db.execute(
            "SELECT (SELECT count(*) FROM posts), (SELECT max(changed) FROM posts), "
            "(SELECT count(*) FROM comments), (SELECT max(changed) FROM comments), "
            "(SELECT count(*) FROM page_links), (SELECT max(fetched_at) FROM page_links)"
        ).fetchone()
        return "|".join(str(value) for value in row)

    def get_meta(self, key: str) -> str | None:
        row = self._db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT INTO meta (key, value) VALUES (?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                (key, value),
            )


def _upsert(
    db: sqlite3.Connection, table: str, values: dict[str, object], fields: tuple[str, ...],
    sticky: tuple[str, ...], counts: SaveCounts,
) -> None:  # fmt: skip
    """Insert a record, or update it where any of `fields` changed.

    `sticky` fields keep their stored value when the feed no longer gives one.  An unchanged
    record is not rewritten, so its `changed` time tells publish exactly what moved.
    """
    existing = db.execute(
        f"SELECT {', '.join(fields)} FROM {table} WHERE id = ?", (values["id"],)
    ).fetchone()
    if existing is None:
        values["published"] = values["published"] or values["first_seen"]
        columns = ", ".join(values)
        db.execute(
            f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * len(values))})",
            tuple(values.values()),
        )
        counts.new += 1
        return
    for name in sticky:
        values[name] = values[name] or existing[name]
    if all(values[name] == existing[name] for name in fields):
        return
    assignments = ", ".join(f"{name} = ?" for name in fields + ("changed",))
    db.execute(
        f"UPDATE {table} SET {assignments} WHERE id = ?",
        tuple(values[name] for name in fields + ("changed",)) + (values["id"],),
    )
    counts.changed += 1


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
        comments_checked=row["comments_checked"],
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
