"""publish: the store's posts as one JSON file per post, for Pelican to read.

content/aggregated/<participant>/<post-id>.json holds the post's safe HTML body, its plain-text
metadata and its comment thread; content/aggregated/feeds.toml what the feeds say of themselves
(each blog's description) and when they were last read, for the blog pages and the home page.  A
file is rewritten only when its bytes change (so Pelican's cache and autoreload see only real
changes) and removed when its post is no longer published: posts of participants removed from
content/participants/ leave the site but stay in the store.  Inactive participants' posts stay:
they are the site's history.  So do the posts a restored store does not know (restored from an
older backup, or started again empty): they were exported before the restore, and a store that
forgot them did not unpublish them.

The site's limits per participant (`Limits`) apply here, not in the store: a participant's
oldest posts beyond the limit, surplus categories and the ends of overlong names are not
published, and come back when a limit is raised.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import secrets
import time
import tomllib
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import partial
from pathlib import Path
from typing import Any, Iterable, Iterator, Mapping, Sequence
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo

import tomli_w

from ..editors.privacy import shown_name
from ..editors.status import participant_statuses, status_document
from ..feeds.clean import bounded, one_line
from ..feeds.decide import Politeness
from ..feeds.images import media_folder
from ..hashing import digest
from ..languages import language_tag
from ..models import Attachment, CommentTally, Participant, StoredComment, StoredPost
from ..replies import names_erased
from ..site import DEFAULTS, Naming, Site, comment_naming, timezone_name
from ..store import RESTORED_AT, MediaRecord, Store, first_copies
from ..urls import is_http_url
from ..xmltext import xml_text
from .media import FOLDER as MEDIA
from .media import Dimensions, file_dimensions, local_images, publish_media
from .threads import Gone, Lookup, comment_tree, nothing_gone

FORMAT = "blogparade-post/1"  # the reader refuses files without it: they are not ours
# The blogs' feed health for the site's pages (plugin/editorial.py).
STATUS_FILE = ".status"  # JSON; no .json suffix: the reader would take it for a post
# Beside the posts, and no post: no reader of Pelican's takes .toml files.
FEEDS_FILE = "feeds.toml"

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|<\s*>|\[\s*\]")
# A temporary file older than this was left by a killed export (a write takes milliseconds):
# younger ones may be another process's, still being written.
STALE_TEMPORARY_SECONDS = 3600


@dataclass(frozen=True)
class Limits:
    """What one participant may put on the site (the BLOGPARADE_MAX_* settings)."""

    posts: int = DEFAULTS["BLOGPARADE_MAX_POSTS_PER_BLOG"]  # the newest, and every contribution
    categories: int = DEFAULTS["BLOGPARADE_MAX_CATEGORIES"]  # per post
    title: int = DEFAULTS["BLOGPARADE_MAX_TITLE"]  # characters
    name: int = DEFAULTS["BLOGPARADE_MAX_NAME"]  # characters of an author or a category

    @classmethod
    def from_site(cls, site: Site) -> Limits:
        def setting(name: str, least: int = 0) -> int:
            return max(int(site[f"BLOGPARADE_MAX_{name}"]), least)

        # A name needs room for a character and the ellipsis.
        return cls(setting("POSTS_PER_BLOG"), setting("CATEGORIES"), setting("TITLE", 2),
                   setting("NAME", 2))  # fmt: skip


class ExportRefused(Exception):
    """Blogs whose participant file cannot be read today and whose posts' exported files are
    gone or changed (content/aggregated/ removed, or copied without its times): exported
    without them, the site would unpublish them for a typo.  Nothing was written."""

    def __init__(self, lost: Mapping[str, int]):
        self.lost = dict(lost)
        blogs = ", ".join(f"{slug} ({count} post{'s' * (count != 1)})" for slug, count in sorted(self.lost.items()))
        super().__init__(f"the participant files of {blogs} cannot be read, and their posts as last "
                         "published are gone from the export folder: mend the files (`blogparade "
                         "check` names what is wrong), then build again")


@dataclass(frozen=True)
class ExportResult:
    written: int  # new or changed files
    unchanged: int
    removed: int
    # Each exported file's modification time (by absolute path), as the export saw it: Pelican's
    # reader cache compares it instead of looking at every file again (plugin/reader.py).
    times: dict[str, float] = field(default_factory=dict, compare=False, repr=False)

    @property
    def posts(self) -> int:
        return self.written + self.unchanged

    def __str__(self) -> str:
        return f"{self.posts} posts exported ({self.written} written, {self.removed} removed)"


def read_on(last_read: datetime | None, settings: Mapping[str, Any]) -> date | None:
    """The day the feeds were last read, in the site's time zone: what the home page says
    (plugin/blogs.py), and what makes `run` build (build.py: feed_stamp); one rule for both, or a
    run would skip a build that changes the page."""
    if last_read is None:
        return None
    return last_read.astimezone(ZoneInfo(timezone_name(settings))).date()


@dataclass(frozen=True)
class FeedFacts:
    """What the feeds said of themselves, as of one export."""

    last_read: datetime | None = None  # when a post feed was last read successfully
    descriptions: dict[str, str] = field(default_factory=dict)  # participant slug: its feed's

    @classmethod
    def of(cls, store: Store, participants: Iterable[Participant]) -> FeedFacts:
        by_url = store.feed_descriptions()
        descriptions = {p.slug: by_url[p.feed] for p in participants
                        if by_url.get(p.feed) and not is_boilerplate(by_url[p.feed])}  # fmt: skip
        return cls(store.last_read(), descriptions)

    @classmethod
    def read(cls, folder: Path) -> FeedFacts:
        """The facts an export wrote into `folder`; none where it wrote none (or they are broken:
        a missing description must not fail a build)."""
        try:
            data = tomllib.loads((folder / FEEDS_FILE).read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return cls()
        last_read = data.get("last_read")
        blogs = data.get("blogs") if isinstance(data.get("blogs"), dict) else {}
        return cls(
            last_read if isinstance(last_read, datetime) else None,
            {slug: str(blog.get("description") or "") for slug, blog in blogs.items()
             if isinstance(blog, dict) and blog.get("description")},
        )  # fmt: skip

    def encode(self) -> bytes:
        document: dict[str, Any] = {}
        if self.last_read:
            document["last_read"] = self.last_read.astimezone(UTC)
        document["blogs"] = {slug: {"description": xml_safe(text)}
                             for slug, text in sorted(self.descriptions.items())}  # fmt: skip
        return tomli_w.dumps(document).encode("utf-8")


# What a blogging platform says of every blog nobody described: not the blog's words.
_BOILERPLATE = re.compile(
    r"just another wordpress (?:site|weblog|blog)|(?:eine weitere|noch eine) wordpress-website|"
    r"ein weiterer wordpress-blog|un autre site utilisant wordpress|otro sitio más de wordpress|"
    r"thoughts, stories and ideas\.?|stories by .{1,120} on medium|recent content on .{1,200}|"
    r"confluence syndication feed|"
    r"write an awesome description for your new site here\..*",
    re.IGNORECASE | re.DOTALL,
)


def is_boilerplate(description: str) -> bool:
    """A platform's default tagline (WordPress's, Ghost's, Jekyll's theme's, Hugo's "Recent
    content on …", Confluence's) or Medium's "Stories by … on Medium": shown under a blog's
    name, it said nothing of the blog."""
    return _BOILERPLATE.fullmatch(description.strip()) is not None


def export(
    store: Store,
    site: Site,
    participants: Iterable[Participant],
    *,
    keep: Iterable[str] = (),
    parades: Mapping[str, Sequence[str]] | None = None,
    marks: Mapping[str, Mapping[str, Any]] | None = None,
    limits: Limits | None = None,
) -> ExportResult:
    """Write every published post under `site.export_dir`; remove the files of the others.

    `keep` names participants whose posts stay published as this export last wrote them (say,
    their participant file is broken today: a typo must not unpublish a blog), images and all; a
    file in their folder of a post the store does not have as theirs or hides goes as any other
    (a pull request's own).  Where a post of theirs is no longer as written (its file gone or
    changed), ExportRefused: nothing is written, rather than a site without it.
    `parades` maps a post id to the slugs of the parades it contributes to (select.py decides;
    the plugin only groups by them); `marks` to more fields of its file (membership.Selection.marks:
    late, calls).  A blog of kind "external" publishes its contributions only.  `limits` default
    to the site's.
    """
    memberships = parades or {}
    extra = marks or {}
    limits = limits or Limits.from_site(site)
    folder = site.export_dir
    by_slug = {participant.slug: participant for participant in participants}
    kept = set(keep)
    # Images are served from the site (media.py), commenters named as the site says (privacy.py).
    media = store.media()
    images = Images(media, "{static}/" + (folder / MEDIA).relative_to(site.content).as_posix() + "/",
                    dimensions=file_dimensions(media_folder(site)))  # fmt: skip
    naming = comment_naming(site.settings)
    erased = Erased.of(store)
    hidden_comments = store.hidden_comments()
    state = ExportState.load(folder, str(naming))
    published: Counter[str] = Counter()
    lost: Counter[str] = Counter()  # posts of a blog in `keep` whose files cannot be kept
    expected: set[str] = set()  # the files' names in the folder ("<participant>/<id>.json")
    facts = {slug: repr(participant) for slug, participant in by_slug.items()}  # once, not per post
    limits_text = repr(limits)
    known: set[str] = set()
    todo: list[tuple[str, Path, str, bool]] = []  # posts whose file may have to change
    unchanged = 0
    moves = store.moved_posts()  # a moved blog's old copies: the new copy stands for each
    # Taken down; moved (the old copy); brought first by another blog's feed.
    homes = {slug: participant.home for slug, participant in by_slug.items()}
    hidden = store.hidden_post_ids() | set(moves) | store.duplicate_post_ids(homes)
    # The feeds keep naming a moved post by its first copy's address (plugin/feeds.py).
    firsts = first_copies(moves)
    extra = {**extra, **{new: {**extra.get(new, {}), "first_id": old} for new, old in firsts.items()}}
    # ... and by the date it was first stored with, where its feed re-dated it (a copy: its first's).
    first_dates = store.first_dates()
    if firsts:
        dated = store.published_dates(list(firsts.values()))
        first_dates |= {new: first_dates.get(old) or dated[old] for new, old in firsts.items() if old in dated}
    for post_id, first_date in first_dates.items():
        extra[post_id] = {**extra.get(post_id, {}), "id_date": iso(first_date)}
    for post_id, slug, categories, version, comment_count in store.post_index():  # newest first
        known.add(post_id)  # a hidden post is known: the store did not lose it
        if post_id in hidden:  # taken down by the editors (`blogparade hide`), a copy, or another's
            continue
        participant = by_slug.get(slug)
        if participant is None and slug in kept:  # its file broke today: its post stays as written
            if state.as_written(f"{slug}/{post_id}.json", media, images.used):
                expected.add(f"{slug}/{post_id}.json")
            else:
                lost[slug] += 1
            continue
        # The participant file as it is today decides (its category filter may be new).
        if participant is None or not participant.takes(categories):
            continue
        if participant.kind == "external" and post_id not in memberships:
            continue  # a page it was once accepted for, excluded since, or of no parade now
        # Beyond the limit only the older posts stay unpublished: a parade needs all of its own.
        if published[slug] >= limits.posts and post_id not in memberships:
            continue
        published[slug] += 1
        name = f"{slug}/{post_id}.json"
        expected.add(name)
        key = document_key(version, facts[slug], memberships.get(post_id, ()), extra.get(post_id),
                           limits_text)  # fmt: skip
        if state.fresh(name, key, version, media, images.used):
            unchanged += 1  # its file is as this export wrote it, from the same post and images
        else:
            todo.append((post_id, folder / name, key, comment_count > 0))
    if lost:  # before anything is written or removed
        raise ExportRefused(lost)
    written = 0
    for post_id, path, key, has_comments, post in _with_posts(store, todo):
        participant = by_slug[post.participant]
        comments = list(store.comments(post_id, hidden=False)) if has_comments else []
        hidden = hidden_comments.get(post_id, [])
        own = Images(_Recording(media), images.prefix, dimensions=images.dimensions)  # the images it looks up
        gone = erased.or_hidden(hidden, post)
        document = post_document(post, participant, comments, memberships.get(post_id, ()), limits,
                                 images=own, naming=naming, gone=gone)  # fmt: skip
        document.update(extra.get(post_id, {}))
        images.used |= own.used
        if write_if_changed(path, encode(document)):
            written += 1
        else:
            unchanged += 1
        state.record(path, key, own.media.asked, media, own.used)
    written += _write_moves(store, folder, moves, expected)
    status = folder / STATUS_FILE
    # A blog that never joined is named (status page, privacy notice) while a post of it is shown:
    # its contribution hidden, or its writer forgotten, it is not named either.
    named = [p for p in by_slug.values() if p.kind != "external" or published[p.slug]]
    write_if_changed(status, encode(site_status(store, site, named)))
    expected.add(STATUS_FILE)
    restored = store.get_meta(RESTORED_AT)
    removed = remove_stale(
        folder, expected, current=set(by_slug) | kept, known=known,
        restored=datetime.fromisoformat(restored) if restored else None,
    )
    publish_media(media_folder(site), folder / MEDIA, images.used)
    write_if_changed(folder / FEEDS_FILE, FeedFacts.of(store, by_slug.values()).encode())
    state.keep(expected)
    state.save()
    return ExportResult(written, unchanged, removed, state.times)


# Posts read from the store at a time: a first export of 20,000 posts of ~11 KB held them all
# at once (about 300 MB), and the build that follows found the process that much bigger.
EXPORT_BATCH = 500


def _with_posts(
    store: Store, todo: list[tuple[str, Path, str, bool]]
) -> Iterator[tuple[str, Path, str, bool, StoredPost]]:
    """Each of `todo` with its post, read from the store `EXPORT_BATCH` at a time."""
    for start in range(0, len(todo), EXPORT_BATCH):
        batch = todo[start:start + EXPORT_BATCH]
        posts = store.posts_by_id([post_id for post_id, _, _, _ in batch])
        for post_id, path, key, has_comments in batch:
            yield post_id, path, key, has_comments, posts[post_id]


def _write_moves(store: Store, folder: Path, moves: Mapping[str, tuple[str, str]],
                 expected: set[str]) -> int:  # fmt: skip
    """At a moved post's old address (its old copy's name), where its new copy is published: a
    document that sends readers there (the reader makes it a hidden page of the theme's
    `moved` template).  Links and bookmarks to the old page keep working when a blog moves."""
    shown = {old: (slug, new) for old, (slug, new) in moves.items() if f"{slug}/{new}.json" in expected}
    posts = store.posts_by_id(sorted({new for _, new in shown.values()}))
    written = 0
    for old, (slug, new) in sorted(shown.items()):
        post = posts[new]
        name = f"{slug}/{old}.json"
        document = {"format": FORMAT, "moved_to": new, "participant": slug, "id": old,
                    "title": post.title, "url": post.url, "published": post.published.isoformat()}  # fmt: skip
        written += write_if_changed(folder / name, encode(document))
        expected.add(name)
    return written


@dataclass(frozen=True)
class Erased:
    """What take-downs erased that other comments' "In reply to" paragraphs may still name:
    comments' links and forgotten commenters' names (as digests), from the store's tombstones.

    A take-down changes the comments that name what it took down (hide: the hidden comment,
    forget: the paragraphs it strips in the store), so their posts are exported again."""

    links: frozenset[str] = frozenset()  # thread_key
    commenters: frozenset[str] = frozenset()  # commenter_digest

    @classmethod
    def of(cls, store: Store) -> Erased:
        tombstones = store.tombstones()
        return cls(frozenset(key for kind, key, _ in tombstones if kind == "url"),
                   frozenset(key for kind, key, _ in tombstones if kind == "commenter"))  # fmt: skip

    def or_hidden(self, hidden: Sequence[StoredComment], post: StoredPost) -> Gone:
        """Whether a paragraph names a comment erased, a commenter forgotten or one of the
        post's `hidden` comments."""
        hidden_one = Lookup(hidden, (post.url, post.guid)) if hidden else None

        def gone(reference: str, name: str) -> bool:
            return (names_erased(reference, name, self.links, self.commenters)
                    or (hidden_one is not None and hidden_one(reference) is not None))  # fmt: skip

        return gone


# -- exporting only what moved ------------------------------------------------------------------

STATE = ".blogparade-export.state"  # in the export folder; no reader reads this extension
STATE_FORMAT = "blogparade-export-state/2"
# What makes a document besides the store: these modules.
_CODE = tuple(Path(__file__).with_name(name) for name in ("export.py", "threads.py", "media.py"))


def code_stamp(naming: str) -> str:
    stamp = hashlib.blake2b(f"{FORMAT}|{naming}".encode(), digest_size=16)
    for path in _CODE:
        stamp.update(path.read_bytes())
    return stamp.hexdigest()


def document_key(version: str, participant: str, parades: Sequence[str],
                 marks: Mapping[str, Any] | None, limits: str) -> str:  # fmt: skip
    """What a post's document is made of besides its images: the post and its comments as
    stored (`version`, see Store.post_index), its participant, its parades and marks, the limits
    (the participant and the limits by their repr)."""
    parts = [version, participant, repr(sorted(parades)) if parades else "[]",
             json.dumps(marks, sort_keys=True, default=str) if marks else "{}", limits]  # fmt: skip
    return digest(*parts)


def _images_digest(urls: Iterable[str], media: Mapping[str, MediaRecord]) -> str:
    return digest(*(f"{url}={media.get(url)!r}" for url in urls))


class _Recording(dict):
    """The store's images, noting which addresses a post's body looked up."""

    def __init__(self, media: Mapping[str, MediaRecord]) -> None:
        super().__init__()
        self._media = media
        self.asked: list[str] = []

    def get(self, url: str, default: Any = None) -> Any:  # type: ignore[override]
        self.asked.append(url)
        return self._media.get(url, default)


class ExportState:
    """Per exported file: the key of the document it holds (`document_key`), the file's size and
    time as written, the image addresses its body looked up (with a digest of what the store
    said of them) and the image files it uses.  A file whose key, stat and images are as
    recorded is not exported again: neither its post nor its comments are read.  Made by other
    code or another comment naming, lost or unreadable: every file is compared by its bytes,
    as without it."""

    def __init__(self, folder: Path, code: str, files: dict[str, list[Any]], since: str = "") -> None:
        self.folder = folder
        self.code = code
        self.files = files
        self.since = since  # when the export that wrote `files` began (UTC, ISO, seconds)
        self.root = os.path.abspath(folder)
        self.times: dict[str, float] = {}  # absolute path -> st_mtime, of the files looked at
        self.started = datetime.now(UTC).isoformat(timespec="seconds")

    @classmethod
    def load(cls, folder: Path, naming: str = "full") -> ExportState:
        code = code_stamp(naming)
        try:
            document = json.loads((folder / STATE).read_text(encoding="utf-8"))
            if document.get("format") == STATE_FORMAT and document.get("code") == code:
                return cls(folder, code, dict(document["files"]), str(document["since"]))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
        return cls(folder, code, {})

    def _name(self, path: Path) -> str:
        # By string, not Path.relative_to: called for every post of every export.
        text, prefix = str(path), os.path.join(str(self.folder), "")
        if text.startswith(prefix):
            return text[len(prefix):].replace(os.sep, "/")
        return path.relative_to(self.folder).as_posix()

    def fresh(self, name: str, key: str, version: str, media: Mapping[str, MediaRecord],
              used: set[str]) -> bool:  # fmt: skip
        """Whether the file `name` (in the folder) holds the document of `key` with today's
        images (then its image files are added to `used`).  The store's times have seconds: a
        post or comment stored in the second the last export began, or later, is compared by
        its bytes all the same."""
        known = self.files.get(name)
        if not known or known[0] != key:
            return False
        if max(version.split("|")[:2]) >= self.since:  # its changed time, its comments' latest
            return False
        return self.as_written(name, media, used)

    def as_written(self, name: str, media: Mapping[str, MediaRecord], used: set[str]) -> bool:
        """Whether the file `name` is as this export last wrote it (its size and time), with
        today's images (then its image files are added to `used`)."""
        known = self.files.get(name)
        if not known or len(known) != 6:
            return False
        path = os.path.join(self.root, name)
        try:
            stat = os.stat(path)
        except OSError:
            return False
        if [stat.st_size, stat.st_mtime_ns] != known[1:3] or _images_digest(known[3], media) != known[4]:
            return False
        used.update(known[5])
        self.times[path] = stat.st_mtime
        return True

    def record(self, path: Path, key: str, urls: list[str], media: Mapping[str, MediaRecord],
               used: set[str]) -> None:  # fmt: skip
        stat, name = path.stat(), self._name(path)
        self.times[os.path.join(self.root, name)] = stat.st_mtime
        urls = sorted(set(urls))
        self.files[name] = [key, stat.st_size, stat.st_mtime_ns, urls,
                                        _images_digest(urls, media), sorted(used)]  # fmt: skip

    def keep(self, names: set[str]) -> None:
        self.files = {name: value for name, value in self.files.items() if name in names}

    def save(self) -> None:
        if not self.files and not self.folder.is_dir():
            return
        document = {"format": STATE_FORMAT, "code": self.code, "since": self.started,
                    "files": self.files}  # fmt: skip
        write_if_changed(self.folder / STATE, (json.dumps(document, separators=(",", ":")) + "\n").encode())


@dataclass
class Images:
    """The downloaded images (feeds/images.py), where the site links them, and which it uses."""

    media: Mapping[str, MediaRecord] = field(default_factory=dict)
    prefix: str = ""
    used: set[str] = field(default_factory=set)
    dimensions: Dimensions = lambda file: None  # media.file_dimensions


def site_status(store: Store, site: Site, participants: list[Participant]) -> dict[str, Any]:
    """The blogs' feed health for the site's pages (a blog's note, the editors' status page,
    the privacy notice's list of feeds read): `status --json`'s document, plus comment feeds.

    Dated by the last fetch, not the build: an unchanged store exports unchanged bytes."""
    rows = participant_statuses(store, participants, politeness=Politeness.of_site(site))
    attempts = [row.state.last_attempt for row in rows if row.state and row.state.last_attempt]
    document = status_document(
        rows, site_name=str(site.settings.get("SITENAME") or ""),
        timezone=timezone_name(site.settings),
        now=max(attempts) if attempts else datetime(1970, 1, 1, tzinfo=UTC),
    )  # fmt: skip
    feeds = store.comment_feed_urls()
    for blog in document["blogs"]:
        blog["comment_feed_urls"] = feeds.get(blog["slug"], [])
    return document


def post_document(
    post: StoredPost,
    participant: Participant,
    comments: Sequence[StoredComment],
    parades: Sequence[str] = (),
    limits: Limits = Limits(),
    *,
    images: Images | None = None,
    naming: Naming = "full",
    gone: Gone = nothing_gone,
) -> dict[str, Any]:
    stored = sum(1 for comment in comments if comment.kind == "comment")
    tally = CommentTally(stored, len(comments) - stored)  # pingbacks and trackbacks: shown apart
    categories = [c for c in dict.fromkeys(c.strip() for c in post.categories) if c]
    # Only where nothing says (CommentTally.counted) in the file: the others' stay as they were.
    unread = {"comments_unread": True} if tally.counted(post) is None else {}
    return {
        **unread,
        "format": FORMAT,
        "id": post.id,
        "guid": post.guid,
        "title": bounded(post.title, limits.title),
        "url": post.url,
        "participant": participant.slug,
        "blog": participant.name,
        "blog_home": participant.home,
        "kind": participant.kind,
        "display": participant.display,
        "author": bounded(person(post.author), limits.name) or person(participant.author),
        "published": iso(post.published),
        "updated": iso(post.updated),
        "excerpt": post.excerpt,
        # No image from another host: copies served here, or none (website/media.py).
        "body": local_images(post.content_html, images.media, images.prefix, images.used, images.dimensions)
        if images else local_images(post.content_html, {}, "", set()),
        "categories": [bounded(c, limits.name) for c in categories[: limits.categories]],
        "language": language_tag(post.language or participant.language),
        "comment_count": tally.as_shown(post.comment_count),  # what the original shows
        # Fewer than that where the comment feeds never held the older ones (WordPress's hold
        # its newest 10), retention dropped them, or editors hid some: the page says so.
        "shown_comment_count": stored,
        "mention_count": tally.mentions,
        "comments": comment_tree(comments, partial(comment_node, name_limit=limits.name, naming=naming),
                                 post, naming=naming, gone=gone),
        "parades": sorted(parades),
        # Its place among its blog's posts of its date (StoredPost.feed_rank); most have none.
        **({"feed_rank": post.feed_rank} if post.feed_rank else {}),
        # Its images are in its body; its other files are links (`attachment_link`).
        "attachments": [attachment_link(a) for a in post.attachments
                        if a.kind != "image" and is_http_url(a.url)],  # fmt: skip
    }


# The formats podcasts and videos come in, by MIME type, as people name them.
FORMATS = {
    "audio/mpeg": "MP3", "audio/mp3": "MP3", "audio/mp4": "M4A", "audio/x-m4a": "M4A",
    "audio/aac": "AAC", "audio/ogg": "Ogg", "audio/opus": "Opus", "audio/flac": "FLAC",
    "audio/wav": "WAV", "audio/x-wav": "WAV", "video/mp4": "MP4", "video/webm": "WebM",
    "video/quicktime": "MOV", "video/x-m4v": "M4V", "application/pdf": "PDF", "application/epub+zip": "EPUB",
}  # fmt: skip
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{2,5})$")


def attachment_link(attachment: Attachment) -> dict[str, Any]:
    """An audio, video or other file as its post's page links it (no player: a browser would
    ask the blog's host for it before the reader does, feeds/images.py): its kind, the name it
    goes by, its format and size (None: unknown)."""
    name = attachment.title or file_name(attachment.url)
    extension = _EXTENSION.search(file_name(attachment.url))
    written = FORMATS.get(attachment.type or "") or (extension.group(1).upper() if extension else None)
    return {"url": attachment.url, "kind": attachment.kind, "name": bounded(name, 200),
            "format": written, "size": attachment.length, "type": attachment.type}  # fmt: skip


def file_name(url: str) -> str:
    """The last part of a URL's path as a person reads it ("folge 7.mp3"), as plain text on one
    line (clean.one_line: a feed's "%E2%80%AEgpj.exe" would show as "exe.jpg"), else its host."""
    parts = urlsplit(url)
    return one_line(unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])) or parts.hostname or url


def comment_node(
    comment: StoredComment, name_limit: int = DEFAULTS["BLOGPARADE_MAX_NAME"],
    naming: Naming = "full",
) -> dict[str, Any]:
    # A pingback's "author" is a blog, not a person: named as it is.
    shown = "full" if comment.kind != "comment" else naming
    return {
        "id": comment.id,
        "kind": comment.kind,
        "author": bounded(shown_name(person(comment.author), shown), name_limit),
        # Only web links: a mailto: here would show a commenter's address.  A commenter's own
        # site is as telling as their name: shown only with the full name.
        "author_url": comment.author_url
        if is_http_url(comment.author_url) and shown == "full" else None,
        "url": comment.url if is_http_url(comment.url) else None,
        "published": iso(comment.published),
        "body": comment.content_html,
        "replies": [],
    }


def person(name: str | None) -> str:
    """A name without any e-mail address ("anna@example.org (Anna)" is common in RSS)."""
    if not name:
        return ""
    text = _EMPTY_BRACKETS.sub("", _EMAIL.sub("", name))
    text = " ".join(text.split())
    if len(text) > 1 and text[0] + text[-1] in ("()", "<>", "[]"):
        text = text[1:-1].strip()
    return text


def iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat(timespec="seconds") if value else None


def encode(document: dict[str, Any]) -> bytes:
    """Deterministic bytes: the same post always gives the same file."""
    text = json.dumps(xml_safe(document), sort_keys=True, ensure_ascii=False, indent=1)
    return (text + "\n").encode("utf-8")


def xml_safe(value: Any) -> Any:
    """`value` with every string stripped of characters that XML and HTML cannot carry."""
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, dict):
        return {key: xml_safe(item) for key, item in value.items()}
    if isinstance(value, list):
        return [xml_safe(item) for item in value]
    return value


def write_if_changed(path: Path, data: bytes) -> bool:
    """Write `data` unless the file already holds it; True when written."""
    try:
        if path.stat().st_size == len(data) and path.read_bytes() == data:
            return False
    except FileNotFoundError:
        pass
    # Atomic, so a Pelican running with --autoreload never reads half a file; the dot keeps
    # the temporary file out of Pelican's sight (IGNORE_FILES).  Its name is this write's own:
    # two processes exporting the same post must not rename each other's file away.
    temporary = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(temporary, "xb") as file:  # not mkstemp: the file gets the umask's mode
            file.write(data)
        os.replace(temporary, path)
    except OSError as error:  # a full disk: name the file (a failed write() names none)
        temporary.unlink(missing_ok=True)
        raise OSError(error.errno, error.strerror, str(path)) from error
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return True


def lost_with_the_store(path: Path, restored: datetime) -> bool:
    """An export of ours written before the store was restored."""
    try:
        if path.suffix != ".json" or path.stat().st_mtime >= restored.timestamp():
            return False
        return json.loads(path.read_bytes()).get("format") == FORMAT
    except (OSError, ValueError, AttributeError):  # unreadable, no JSON, no object
        return False


def is_stale_temporary(path: Path) -> bool:
    """A temporary file of `write_if_changed` that a killed process left behind."""
    if not (path.name.startswith(".") and path.name.endswith(".tmp")):
        return False
    try:
        return time.time() - path.stat().st_mtime > STALE_TEMPORARY_SECONDS
    except FileNotFoundError:  # its writer just renamed it
        return False


def remove_stale(
    folder: Path, expected: set[str], *, current: set[str] = frozenset(), known: set[str] = frozenset(),
    restored: datetime | None = None,
) -> int:  # fmt: skip
    """Remove exported files not in `expected` (names in `folder`, "/" between their parts);
    then empty folders.

    A store `restored` then lost the posts it does not know (not `known`): their exports from
    before that moment stay, if of a `current` participant.  Anything else unknown goes: a JSON
    file slipped into the folder later (say, by a pull request) is never published.
    """
    if not folder.is_dir():
        return 0
    removed = 0
    folders, found = [], []
    root = os.path.join(str(folder), "")
    for directory, subfolders, names in os.walk(folder):  # no stat per file: 20,000 of them
        folders.extend(os.path.join(directory, name) for name in subfolders)
        prefix = directory[len(root):].replace(os.sep, "/") + "/" if directory != str(folder) else ""
        found.extend(prefix + name for name in names if prefix + name not in expected)
    for name in sorted(found):
        path = folder / name
        if not path.is_file():
            continue
        relative = path.relative_to(folder)
        if restored and len(relative.parts) == 2 and relative.parts[0] in current:
            if path.stem not in known and lost_with_the_store(path, restored):
                continue
        if path.suffix == ".json":
            path.unlink(missing_ok=True)
            removed += 1
        elif is_stale_temporary(path):
            path.unlink(missing_ok=True)
    for directory in sorted(folders, reverse=True):
        try:
            os.rmdir(directory)
        except OSError:  # not empty (or just removed by another export): it stays
            pass
    return removed
