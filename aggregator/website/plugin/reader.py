"""The reader for content/aggregated/<participant>/<post-id>.json (written by `publish.export`).

Each file becomes an Article whose author is the *blog* (see blogs.py), whose `writer` is the
person, whose category is the blog's kind and whose tags are the post's categories.
"""

from __future__ import annotations

import hashlib
import html
import json
import logging
import os
import pickle
import re
import signal
import time
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pelican.contents import Author, Category, Tag
from pelican import readers as pelican_readers
from pelican.readers import BaseReader
from pelican.utils import slugify

from ...languages import umlauts_spelled_out
from ...feeds.wpapi import is_wordpress_guid
from ...site import timezone_name
from ...urls import is_http_url
from ..export import FORMAT
from .blogs import KIND, KINDS, Blog, blog_author, kind_category
from .content import PACKED, headings_under_title, lists_repaired, nameless_links_unwrapped, packed
from .settings import gettext, setting

logger = logging.getLogger(__name__)

EXTENSION = "json"
MENTION_KINDS = ("pingback", "trackback")


class ExportError(ValueError):
    """An exported file Pelican cannot use; the message names the file."""


@dataclass(frozen=True)
class ThreadComment:
    """One comment, pingback or trackback, with its replies (nested, oldest first)."""

    id: str
    kind: str
    author: str
    author_url: str | None
    url: str | None
    published: datetime
    body: str  # sanitised HTML
    replies: tuple[ThreadComment, ...]
    answers: tuple[str, str] | None = None  # (id, author) of the comment it answers, where the page must say so
    answering: str | None = None  # the author of the comment it answers, where it hangs under another


class ExportReader(BaseReader):
    """Reads the JSON files of `publish.export`."""

    enabled = True
    # Empty on purpose: Pelican registers every BaseReader subclass for its extensions just for
    # being imported; this one is registered in readers_init, only where the plugin is enabled.
    file_extensions: list[str] = []

    def __init__(self, settings: dict[str, Any]) -> None:
        super().__init__(settings)
        # Per build, not per file: a site has thousands of posts and a few hundred tags.
        self._zone = ZoneInfo(timezone_name(settings))
        self._gettext = gettext(settings)
        # One Blog, Author, Category and Tag object per value, shared by the posts: Pelican
        # pickles its cache of 20,000 posts as one, and reading it back made 80,000 of them
        # (0.2 s of every build) for 1,000 blogs and 200 tags.  None of them is changed after
        # reading (Pelican groups posts by them).
        self._blogs: dict[Blog, Blog] = {}
        self._authors: dict[Blog, Author] = {}
        self._categories: dict[tuple[str, str], Category] = {}
        self._tags: dict[str, Tag | None] = {}
        self._resolved_export: Path | None = None
        self._folders: dict[Path, Path] = {}

    def read(self, source_path: str) -> tuple[str, dict[str, Any]]:
        data = self._load(source_path)
        try:
            if "moved_to" in data:
                return "", self.moved_metadata(data)
            html, metadata = content_html(data), self.post_metadata(data)
        except (KeyError, TypeError, ValueError) as error:
            raise self._error(source_path, f"unusable value: {error!r}") from error
        body = packed(html)
        if body is None:
            return html, metadata
        # Pelican keeps what a reader gives for the whole build, and its cache keeps it too:
        # a long body is kept compressed, and unpacked for its page (content.prepare_content).
        return "", {**metadata, PACKED: body}

    def _load(self, source_path: str) -> dict[str, Any]:
        if not self._exported(source_path):
            raise self._error(source_path, (
                f"a JSON file outside {self._export_dir} is never read as an aggregated post "
                "(blogparade writes those there alone): remove it, or move data elsewhere"
            ))
        try:
            raw = Path(source_path).read_bytes()
            data = json.loads(raw.decode("utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise self._error(source_path, f"cannot read it as JSON: {error}") from error
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise self._error(
                source_path, f"not a blogparade export (no \"format\": \"{FORMAT}\")"
            )
        # What the article is made of, for incremental.py: the file's bytes (and its path).
        data["source_digest"] = hashlib.blake2b(
            source_path.encode("utf-8", "surrogateescape") + b"\0" + raw, digest_size=16
        ).hexdigest()
        return data

    @property
    def _export_dir(self) -> Path:
        if self._resolved_export is None:
            content = Path(self.settings.get("PATH") or "content")
            self._resolved_export = (content / setting(self.settings, "BLOGPARADE_EXPORT")).resolve()
        return self._resolved_export

    def _exported(self, source_path: str) -> bool:
        """Only blogparade's own export is aggregated data: a file with the format marker
        anywhere else in content/ (say, from a pull request) would publish raw HTML."""
        path = Path(source_path)
        if path.is_symlink():
            return path.resolve().is_relative_to(self._export_dir)
        folder = self._folders.get(path.parent)  # resolved once per folder, not per file
        if folder is None:
            folder = self._folders[path.parent] = path.parent.resolve()
        return folder.is_relative_to(self._export_dir)

    @staticmethod
    def _error(source_path: str, reason: str) -> ExportError:
        # Pelican logs a failing file without the exception's message: say it here.
        message = f"{source_path}: {reason}"
        logger.error("%s", message)
        return ExportError(message)

    def moved_metadata(self, data: dict[str, Any]) -> dict[str, Any]:
        """The old address of a post a moved blog brought again (export._write_moves): a hidden
        page (in no list, feed, sitemap or search) of the `moved` template, sending readers to
        the page of its new copy."""
        settings = self.settings
        old = {"participant": data["participant"], "id": data["id"]}
        new = {"participant": data["participant"], "id": data["moved_to"]}
        return {
            "title": data["title"].strip() or data["url"],
            "date": self._date(data["published"]),
            "slug": f"moved-{data['participant']}-{data['id']}",
            "url": setting(settings, "BLOGPARADE_POST_URL").format(**old),
            "save_as": setting(settings, "BLOGPARADE_POST_SAVE_AS").format(**old),
            "status": "hidden",
            "template": "moved",
            "moved_url": setting(settings, "BLOGPARADE_POST_URL").format(**new),
            "source_digest": data.get("source_digest"),
        }

    def post_metadata(self, data: dict[str, Any]) -> dict[str, Any]:
        settings = self.settings
        names = {"participant": data["participant"], "id": data["id"]}
        blog = Blog(
            slug=data["participant"],
            name=data["blog"],
            home=data["blog_home"],
            kind=data["kind"],
            kind_label=self._gettext(KIND.get(data["kind"], data["kind"])),
        )
        blog = self._blogs.setdefault(blog, blog)
        author = self._authors.get(blog)
        if author is None:
            author = self._authors[blog] = blog_author(blog, settings)
        label = self._gettext(KINDS.get(blog.kind, blog.kind))
        category = self._categories.get((blog.kind, label))
        if category is None:
            category = self._categories[blog.kind, label] = kind_category(blog, label, settings)
        metadata: dict[str, Any] = {
            "title": data["title"].strip() or fallback_title(data),
            "date": self._date(data["published"]),
            "slug": f"{blog.slug}-{data['id']}",
            "url": setting(settings, "BLOGPARADE_POST_URL").format(**names),
            "save_as": setting(settings, "BLOGPARADE_POST_SAVE_AS").format(**names),
            "author": author,
            "category": category,
            "summary": paragraph(data["excerpt"]),
            "writer": data["author"],
            "blog": blog,
            # Links leave the site only to the web: clean.py promises it, the page checks it.
            "original_url": data["url"] if is_http_url(data["url"]) else None,
            "reply_url": reply_url(data["url"], data.get("guid", "")) if is_http_url(data["url"]) else None,
            "excerpt": data["excerpt"],
            "display": data["display"],
            "language": data.get("language"),
            "comment_count": int(data["comment_count"]),
            "shown_comment_count": int(data.get("shown_comment_count", data["comment_count"])),
            "mention_count": int(data.get("mention_count") or 0),  # older files lack it
            "comments_read": not data.get("comments_unread"),
            "aggregated": True,
            "post_id": data["id"],
            "feed_rank": int(data.get("feed_rank") or 0),  # see ordering.py
            # Where its blog moved: the address of its first copy, which names it in feeds.
            "first_url": setting(settings, "BLOGPARADE_POST_URL").format(
                participant=data["participant"], id=data["first_id"]) if data.get("first_id") else None,
            # The date it was first stored with, where its blog re-dated it: also names it in feeds.
            "id_date": self._date(data["id_date"]) if data.get("id_date") else None,
            "source_digest": data.get("source_digest"),
            # The slugs of the parades it contributes to (select.py decided; older files lack it),
            # it came late to, and it is the call of.
            "parades": tuple(data.get("parades") or ()),
            "late_for": tuple(data.get("late") or ()),
            "calls": tuple(data.get("calls") or ()),
            # A blog that never joined: its contribution has its own page, listed nowhere but
            # on its parade's page (Pelican leaves hidden articles out of lists and feeds).
            "external": blog.kind == "external",
            # An episode's audio, a video, a file: links (export.attachment_link); older files lack them.
            "attachments": [a for a in data.get("attachments") or () if is_http_url(a.get("url"))],
        }
        if blog.kind == "external":
            metadata["status"] = "hidden"
        if data.get("updated"):
            metadata["modified"] = self._date(data["updated"])
        tags = post_tags(data["categories"], settings, self._tags)
        if tags:
            metadata["tags"] = tags
        thread = [thread_comment(node) for node in data["comments"]]
        metadata["comments"] = [c for c in thread if c.kind not in MENTION_KINDS]
        metadata["mentions"] = [c for c in thread if c.kind in MENTION_KINDS]
        return metadata

    def _date(self, value: str) -> datetime:
        # Our own ISO format: no need for Pelican's dateutil guessing (a third of reading time).
        return datetime.fromisoformat(value).astimezone(self._zone)


def content_html(data: dict[str, Any]) -> str:
    """What the post's page shows: the whole sanitised body only where the blog asked for it."""
    if data["display"] == "full" and data["body"].strip():
        return lists_repaired(nameless_links_unwrapped(headings_under_title(data["body"])))
    return paragraph(data["excerpt"])


def paragraph(text: str) -> str:
    return f"<p>{html.escape(text, quote=False)}</p>" if text.strip() else ""


def reply_url(url: str, guid: str = "") -> str:
    """Where to answer: the original's comment form, `#respond` on WordPress (its guid says it);
    elsewhere its comments, which hold the form or lead to it (`#comments`: Blogger's section of
    them, and most themes'); a page without either opens at its top, as without an anchor."""
    anchor = "#respond" if is_wordpress_guid(guid) else "#comments"
    return url.split("#", 1)[0] + anchor


def fallback_title(data: dict[str, Any]) -> str:
    words = data["excerpt"].split()
    return " ".join(words[:8]) + (" …" if len(words) > 8 else "") if words else data["url"]


def post_tags(names: list[str], settings: dict[str, Any], known: dict[str, Tag | None]) -> list[Tag]:
    """Tags with slugs made as Pelican makes them; `known` keeps each name's tag (None: none)
    across posts."""
    tags: dict[str, Tag] = {}
    for name in names:
        if name not in known:
            slug = tag_slug(name, settings)
            # A category of only punctuation would make an unwritable tag page: no tag.
            known[name] = _tag(name, slug, settings) if slug else None
        tag = known[name]
        if tag is not None:
            tags.setdefault(tag.slug, tag)  # "Köln" and "koeln": one topic, listed once
    return list(tags.values())


def tag_slug(name: str, settings: dict[str, Any]) -> str:
    """A topic's name in its address: Pelican's slugify, its umlauts spelled out first, as the
    blogs' and departments' are ("Bär": "baer"), and a "+" or "#" after a letter as it is said
    ("C++": "c-plus-plus", "C#": "c-sharp").  Pelican writes the plain letter and drops the
    signs: "Bär" and "Bar" were one topic, "Öl" was "ol", and "C", "C++" and "C#" were one."""
    return former_tag_slug(_SIGNS.sub(_sign_said, umlauts_spelled_out(name)), settings)


_SIGNS = re.compile(r"(?<=\w)[+#]+")


def _sign_said(match: re.Match[str]) -> str:
    return "".join(" plus " if sign == "+" else " sharp " for sign in match[0])


def former_tag_slug(name: str, settings: dict[str, Any]) -> str:
    """A topic's name in its address as Pelican makes it (and blogparade did before 2026-12)."""
    return slugify(
        name,
        regex_subs=settings.get("TAG_REGEX_SUBSTITUTIONS", settings["SLUG_REGEX_SUBSTITUTIONS"]),
        preserve_case=settings.get("SLUGIFY_PRESERVE_CASE", False),
        use_unicode=settings.get("SLUGIFY_USE_UNICODE", False),
    )


def _tag(name: str, slug: str, settings: dict[str, Any]) -> Tag:
    tag = Tag(name, settings)
    tag.slug = slug
    return tag


def thread_comment(node: dict[str, Any]) -> ThreadComment:
    return ThreadComment(
        id=node["id"],
        kind=node["kind"],
        author=node["author"],
        author_url=node.get("author_url"),
        url=node.get("url"),
        published=datetime.fromisoformat(node["published"]),
        body=nameless_links_unwrapped(node["body"]),
        replies=tuple(thread_comment(reply) for reply in node["replies"]),
        answers=(node["answers"]["id"], node["answers"]["author"]) if node.get("answers") else None,
        answering=node.get("answering"),
    )


def add_reader(readers: Any) -> None:
    readers.reader_classes[EXTENSION] = ExportReader
    pelican_readers.find_empty_alt = _empty_alts_outside_our_posts
    if hasattr(os, "fork") and callable(getattr(readers, "save_cache", None)):
        readers.save_cache = partial(save_cache_aside, readers)
        readers.fresh_reads = 0
        cache_data = readers.cache_data

        def counted(filename: str, data: Any) -> None:  # called for each file read afresh
            readers.fresh_reads += 1
            cache_data(filename, data)

        readers.cache_data = counted
    if KNOWN_TIMES and readers.settings.get("CHECK_MODIFIED_METHOD") == "mtime":
        # Readers set up their cache after readers_init: its stamps are asked for through this.
        known, stamp = dict(KNOWN_TIMES), readers._get_file_stamp
        readers._get_file_stamp = lambda filename: known.get(filename) or stamp(filename)


def _empty_alts_outside_our_posts(content: str, path: str) -> None:
    """Pelican's warning of images with an empty alt, for the editors' own files only.  In a post
    of ours it is on purpose (its blog gave none, media.py made it decorative: a digest for a
    name would be read out), and it was said for every such image at every build, in the
    nightly log; the scan of every post's body is spared too."""
    if not path.endswith(f".{EXTENSION}"):
        _find_empty_alt(content, path)


_find_empty_alt = pelican_readers.find_empty_alt


# The exported files' modification times as the export just saw them (absolute path -> st_mtime),
# set by website/build.py while Pelican runs: the reader cache compares those instead of looking
# at 20,000 files once more (nothing else writes the export meanwhile: the site is locked).
KNOWN_TIMES: dict[str, float] = {}


def no_stamps_without_a_cache(generator: Any) -> None:
    """Pelican's article and page generators have a cache of their own, used only where
    CONTENT_CACHING_LAYER is "generator"; with the readers' layer (website/build.py) it stays
    empty, yet Pelican 4.11 and 4.12 stat every file to compare its time with a stamp that is
    not there (20,000 stats a build).  A generator that caches nothing and has nothing cached
    makes no stamps: a file's cached data is never there (None, as its stamp)."""
    if getattr(generator, "_cache_data_policy", True) or getattr(generator, "_cache", None) != {}:
        return
    generator._filestamp_func = _no_stamp


def _no_stamp(filename: str) -> None:
    return None


# Processes saving Pelican's reader cache: website/build.py waits for them before it returns.
SAVING: list[tuple[int, str]] = []
CACHE_SAVE_SECONDS = 300  # 20,000 posts take 1.5 s
# A cache that is there is saved again only once this many files were read afresh: the next
# builds read those few again (a millisecond each) rather than every build after a new post
# pickling all 20,000 posts again (in a fork, whose copy-on-write costs the build's own core).
CACHE_SAVE_AFTER = 50
# Set by website/build.py for the build after comment retention erased comments: their posts
# were read afresh, and the cache is saved however few they were, so that it holds them no more.
SAVE_CACHE_SETTING = "BLOGPARADE_SAVE_READER_CACHE"


def save_cache_aside(readers: Any) -> None:
    """Pelican's FileDataCacher.save_cache (4.11, 4.12) in a forked process: pickling 20,000
    posts' content and metadata takes a second and a half that the build goes on meanwhile on
    the other core.  The file is replaced whole (a temporary file renamed), so a reader never
    sees half of it; `wait_for_cache` collects the process."""
    if not getattr(readers, "_cache_data_policy", False):
        return
    path = readers._cache_path
    if (getattr(readers, "fresh_reads", CACHE_SAVE_AFTER) < CACHE_SAVE_AFTER and os.path.isfile(path)
            and not readers.settings.get(SAVE_CACHE_SETTING)):  # fmt: skip
        return
    pid = os.fork()
    if pid == 0:  # the copy: only pickles and writes, then leaves without running any cleanup
        code = 1
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            temporary = f"{path}.{os.getpid()}.tmp"
            with readers._cache_open(temporary, "wb") as file:
                pickle.dump(readers._cache, file)
            os.replace(temporary, path)
            code = 0
        finally:
            os._exit(code)
    SAVING.append((pid, path))


def wait_for_cache() -> list[str]:
    """Wait for the cache savers; a warning for each that failed (the next build reads the
    posts again, as without a cache)."""
    warnings = []
    while SAVING:
        pid, path = SAVING.pop()
        # A copy made by fork() while another thread held a lock it then needs could wait for
        # ever; the build does not wait for it longer than a save can take.
        deadline = time.monotonic() + CACHE_SAVE_SECONDS
        done, status = os.waitpid(pid, os.WNOHANG)
        while not done and time.monotonic() < deadline:
            time.sleep(0.05)
            done, status = os.waitpid(pid, os.WNOHANG)
        if not done:
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
        if os.waitstatus_to_exitcode(status) != 0:
            warnings.append(f"could not save Pelican's reader cache {path}")
    return warnings
