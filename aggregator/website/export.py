"""publish: the store's posts as one JSON file per post, for Pelican to read.

content/aggregated/<participant>/<post-id>.json holds the post's safe HTML body, its plain-text
metadata and its comment thread.  A file is rewritten only when its bytes change (so Pelican's
cache and autoreload see only real changes) and removed when its post is no longer published:
posts of participants removed from content/participants/ leave the site but stay in the store.
Inactive participants' posts stay: they are the site's history.  So do the posts a restored store
does not know (restored from an older backup, or started again empty): they were exported before
the restore, and a store that forgot them did not unpublish them.

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
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, Iterable, Mapping, Sequence

from ..feeds.clean import bounded
from ..models import Participant, StoredComment, StoredPost
from ..site import DEFAULTS, Site
from ..store import RESTORED_AT, Store
from ..urls import is_http_url
from .threads import comment_tree

FORMAT = "blogparade-post/1"  # the reader refuses files without it: they are not ours

_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_EMPTY_BRACKETS = re.compile(r"\(\s*\)|<\s*>|\[\s*\]")
_LANGUAGE = re.compile(r"^[A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{1,8})*$")
# A temporary file older than this was left by a killed export (a write takes milliseconds):
# younger ones may be another process's, still being written.
STALE_TEMPORARY_SECONDS = 3600
# Characters XML 1.0 forbids (and HTML calls parse errors): one raw ESC from a post about shell
# colours would make Pelican's Atom writer fail the whole build; a lone surrogate cannot even
# be written as UTF-8.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


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


@dataclass(frozen=True)
class ExportResult:
    written: int  # new or changed files
    unchanged: int
    removed: int

    @property
    def posts(self) -> int:
        return self.written + self.unchanged

    def __str__(self) -> str:
        return f"{self.posts} posts exported ({self.written} written, {self.removed} removed)"


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

    `keep` names participants whose files stay as they are (say, their participant file is
    broken today: a typo must not unpublish a blog).  `parades` maps a post id to the slugs of
    the parades it contributes to (select.py decides; the plugin only groups by them); `marks`
    to more fields of its file (membership.Selection.marks: late, calls).  A blog of kind
    "external" publishes its contributions only.  `limits` default to the site's.
    """
    memberships = parades or {}
    extra = marks or {}
    limits = limits or Limits.from_site(site)
    folder = site.export_dir
    by_slug = {participant.slug: participant for participant in participants}
    state = ExportState.load(folder)
    published: Counter[str] = Counter()
    expected: set[Path] = set()
    known: set[str] = set()
    todo: list[tuple[str, Path, str, bool]] = []  # posts whose file may have to change
    unchanged = 0
    for post_id, slug, categories, version, comment_count in store.post_index():  # newest first
        known.add(post_id)
        participant = by_slug.get(slug)
        # The participant file as it is today decides (its category filter may be new).
        if participant is None or not participant.takes(categories):
            continue
        if participant.kind == "external" and post_id not in memberships:
            continue  # a page it was once accepted for, excluded since, or of no parade now
        # Beyond the limit only the older posts stay unpublished: a parade needs all of its own.
        if published[slug] >= limits.posts and post_id not in memberships:
            continue
        published[slug] += 1
        path = folder / slug / f"{post_id}.json"
        expected.add(path)
        key = document_key(version, participant, memberships.get(post_id, ()), extra.get(post_id),
                           limits)  # fmt: skip
        if state.fresh(path, key, version):
            unchanged += 1  # its file is as this export wrote it, from the same post
        else:
            todo.append((post_id, path, key, comment_count > 0))
    written = 0
    posts = store.posts_by_id([post_id for post_id, _, _, _ in todo])
    for post_id, path, key, has_comments in todo:
        post = posts[post_id]
        participant = by_slug[post.participant]
        comments = list(store.comments(post_id)) if has_comments else []
        document = post_document(post, participant, comments, memberships.get(post_id, ()), limits)
        document.update(extra.get(post_id, {}))
        if write_if_changed(path, encode(document)):
            written += 1
        else:
            unchanged += 1
        state.record(path, key)
    restored = store.get_meta(RESTORED_AT)
    removed = remove_stale(
        folder, expected, keep=set(keep) - set(by_slug), current=set(by_slug), known=known,
        restored=datetime.fromisoformat(restored) if restored else None,
    )
    state.keep(expected)
    state.save()
    return ExportResult(written, unchanged, removed)


# -- exporting only what moved ------------------------------------------------------------------

STATE = ".blogparade-export.state"  # in the export folder; no reader reads this extension
STATE_FORMAT = "blogparade-export-state/1"
# What makes a document besides the store: this module and the thread builder.
_CODE = tuple(Path(__file__).with_name(name) for name in ("export.py", "threads.py"))


def code_stamp() -> str:
    digest = hashlib.blake2b(FORMAT.encode(), digest_size=16)
    for path in _CODE:
        digest.update(path.read_bytes())
    return digest.hexdigest()


def document_key(version: str, participant: Participant, parades: Sequence[str],
                 marks: Mapping[str, Any] | None, limits: Limits) -> str:  # fmt: skip
    """What a post's document is made of: the post and its comments as stored (`version`, see
    Store.post_index), its participant's fields, its parades and marks, and the limits."""
    parts = [version, repr(participant), repr(sorted(parades)),
             json.dumps(marks or {}, sort_keys=True, default=str), repr(limits)]  # fmt: skip
    return hashlib.blake2b("\x1f".join(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


class ExportState:
    """Per exported file, the key of the document it holds and the file's size and time as
    written: a file whose key is unchanged and whose stat is as recorded is not exported again
    (neither its post nor its comments are read).  Made with another version of this code, or
    lost, or unreadable, every file is compared by its bytes, as without it."""

    def __init__(self, folder: Path, code: str, files: dict[str, list[Any]], since: str = "") -> None:
        self.folder = folder
        self.code = code
        self.files = files
        self.since = since  # when the export that wrote `files` began (UTC, ISO, seconds)
        self.started = datetime.now(UTC).isoformat(timespec="seconds")

    @classmethod
    def load(cls, folder: Path) -> ExportState:
        code = code_stamp()
        try:
            document = json.loads((folder / STATE).read_text(encoding="utf-8"))
            if document.get("format") == STATE_FORMAT and document.get("code") == code:
                return cls(folder, code, dict(document["files"]), str(document["since"]))
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            pass
        return cls(folder, code, {})

    def _name(self, path: Path) -> str:
        return path.relative_to(self.folder).as_posix()

    def fresh(self, path: Path, key: str, version: str) -> bool:
        """Whether `path` holds the document of `key`.  The store's times have seconds: a post
        (or comment) stored in the second the last export began, or later, is compared by its
        bytes all the same."""
        known = self.files.get(self._name(path))
        if not known or known[0] != key:
            return False
        if max(version.split("|")[:2]) >= self.since:  # its changed time, its comments' latest
            return False
        try:
            stat = path.stat()
        except OSError:
            return False
        return [stat.st_size, stat.st_mtime_ns] == known[1:]

    def record(self, path: Path, key: str) -> None:
        stat = path.stat()
        self.files[self._name(path)] = [key, stat.st_size, stat.st_mtime_ns]

    def keep(self, paths: set[Path]) -> None:
        names = {self._name(path) for path in paths}
        self.files = {name: value for name, value in self.files.items() if name in names}

    def save(self) -> None:
        if not self.files and not self.folder.is_dir():
            return
        document = {"format": STATE_FORMAT, "code": self.code, "since": self.started,
                    "files": self.files}  # fmt: skip
        write_if_changed(self.folder / STATE, (json.dumps(document, separators=(",", ":")) + "\n").encode())


def post_document(
    post: StoredPost,
    participant: Participant,
    comments: Sequence[StoredComment],
    parades: Sequence[str] = (),
    limits: Limits = Limits(),
) -> dict[str, Any]:
    stored = sum(1 for comment in comments if comment.kind == "comment")
    mentions = len(comments) - stored  # pingbacks and trackbacks: shown apart
    categories = [c for c in dict.fromkeys(c.strip() for c in post.categories) if c]
    return {
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
        "body": post.content_html,
        "categories": [bounded(c, limits.name) for c in categories[: limits.categories]],
        "language": language_tag(post.language or participant.language),
        # What the original shows: WordPress's count (slash:comments) includes pingbacks and
        # trackbacks, and a comment feed may hold fewer than the post has.
        "comment_count": max(stored, (post.comment_count or 0) - mentions),
        "mention_count": mentions,
        "comments": comment_tree(comments, partial(comment_node, name_limit=limits.name), post),
        "parades": sorted(parades),
    }


def comment_node(
    comment: StoredComment, name_limit: int = DEFAULTS["BLOGPARADE_MAX_NAME"]
) -> dict[str, Any]:
    return {
        "id": comment.id,
        "kind": comment.kind,
        "author": bounded(person(comment.author), name_limit),
        # Only web links: a mailto: here would show a commenter's address.
        "author_url": comment.author_url if is_http_url(comment.author_url) else None,
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


def language_tag(value: str | None) -> str | None:
    """A BCP 47-looking tag for the `lang` attribute, or nothing."""
    return value.replace("_", "-") if value and _LANGUAGE.match(value) else None


def iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat(timespec="seconds") if value else None


def encode(document: dict[str, Any]) -> bytes:
    """Deterministic bytes: the same post always gives the same file."""
    text = json.dumps(xml_safe(document), sort_keys=True, ensure_ascii=False, indent=1)
    return (text + "\n").encode("utf-8")


def xml_safe(value: Any) -> Any:
    """`value` with every string stripped of characters that XML and HTML cannot carry."""
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
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
    folder: Path, expected: set[Path], keep: set[str] = frozenset(), *,
    current: set[str] = frozenset(), known: set[str] = frozenset(), restored: datetime | None = None,
) -> int:  # fmt: skip
    """Remove exported files not in `expected` (outside `keep`); then empty folders.

    A store `restored` then lost the posts it does not know (not `known`): their exports from
    before that moment stay, if of a `current` participant.  Anything else unknown goes: a JSON
    file slipped into the folder later (say, by a pull request) is never published.
    """
    if not folder.is_dir():
        return 0
    removed = 0
    for path in sorted(folder.rglob("*")):
        if not path.is_file() or path in expected:
            continue
        relative = path.relative_to(folder)
        if len(relative.parts) > 1 and relative.parts[0] in keep:
            continue
        if restored and len(relative.parts) == 2 and relative.parts[0] in current:
            if path.stem not in known and lost_with_the_store(path, restored):
                continue
        if path.suffix == ".json":
            path.unlink(missing_ok=True)
            removed += 1
        elif is_stale_temporary(path):
            path.unlink(missing_ok=True)
    for directory in sorted((p for p in folder.rglob("*") if p.is_dir()), reverse=True):
        try:
            directory.rmdir()
        except OSError:  # not empty (or just removed by another export): it stays
            pass
    return removed
