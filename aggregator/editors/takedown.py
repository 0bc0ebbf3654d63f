"""Take-downs: hide and unhide a post or a comment, remove a blog, forget a commenter.

What an editor takes down stays down: hidden items stay in the store, marked, and are left out of
the export (so out of the site, its feeds and search); erased ones are deleted and remembered as
tombstones (ids, links, a commenter's name as a digest), which the store consults for every
record a feed brings (store.record_success) and `join` and `opml import` consult for feeds.
Every take-down is a line in the site's take-down log (`takedowns.log`, beside the store), so the
editors can answer a request: when, what, which, and why where `--reason` said.
"""

from __future__ import annotations

import json
import os
import re
import shutil
from collections.abc import Iterator
from contextlib import suppress
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit

from ..backups import site_store
from ..editors.participants import ParticipantError, is_slug, read_participant
from ..hashing import address_digest, commenter_digest
from ..site import Site
from ..store import EMPTIED_AT, Store, TakenItem, utcnow
from ..urls import feed_key, is_http_url, thread_key

LOG_NAME = "takedowns.log"
LOG_TIME = "%Y-%m-%d %H:%M:%S"
LOG_HEADER = "# when (UTC)\taction\twhat\twhich\treason\tdone\n"
_POST_ID = re.compile(r"^[0-9a-f]{16}$")
_COMMENT_ANCHOR = re.compile(r"^comment-([0-9a-f]{16})$")


class TakedownError(Exception):
    """A take-down cannot be done as asked; the message says why, for a person."""


@dataclass(frozen=True)
class Removal:
    slug: str
    name: str
    file: Path | None  # the participant file deleted, if there was one
    posts: int = 0  # erased from the store (--purge)
    comments: int = 0


# -- finding what a URL names -------------------------------------------------------------------


def find(store: Store, target: str) -> list[TakenItem]:
    """The posts and comments `target` names: its page here (…/blogs/<blog>/<post-id>/, with
    #comment-<id> for a comment), or its original link."""
    target = target.strip()
    ours = _our_page(target)
    if ours is not None:
        post_id, comment = ours
        if urlsplit(target).fragment.startswith("comment"):
            # A comment's link names that comment alone: mistyped or stale, it names nothing,
            # never its whole post.
            return store.find_comments(ids=[comment]) if comment else []
        if post_id:
            # A moved post's old page sends readers to its new copy: both are the post.
            standing = store.moved_posts().get(post_id)
            found = store.find_posts(ids=[post_id] + ([standing[1]] if standing else []))
            if found:
                return found
    if not is_http_url(target):
        return []
    key = thread_key(target)
    return store.find_comments(url_key=key) or store.find_posts(url_key=key)


def _our_page(target: str) -> tuple[str | None, str | None] | None:
    """(post id, comment id) when `target` looks like a page of this site, else None."""
    parts = urlsplit(target)
    segments = [segment for segment in parts.path.split("/") if segment and segment != "index.html"]
    post_id = next((s for s in reversed(segments) if _POST_ID.match(s)), None)
    anchor = _COMMENT_ANCHOR.match(parts.fragment or "")
    comment = anchor.group(1) if anchor else None
    if post_id is None and comment is None:
        return None
    return post_id, comment


# -- hide and unhide ----------------------------------------------------------------------------


def hide(site: Site, store: Store, target: str, *, reason: str = "", shown: bool = False
         ) -> list[TakenItem]:  # fmt: skip
    """Hide what `target` names from the site (or show it again with `shown`); logged.

    TakedownError when it names nothing stored."""
    items = find(store, target)
    if not items and not shown and (published := published_only(site, target)):
        return _hide_published_only(site, store, published, reason)
    if not items and shown and (waiting := _hidden_on_arrival(store, target)):
        ready_log(site)
        for key in waiting:
            store.hide_on_arrival(key, hidden=False)
        log(site, "unhide", "post", target, reason, done="shown when its feed brings it again")
        return [TakenItem("post", waiting[0], target, "not stored: shown when its feed brings it again", "")]
    if not items:
        raise TakedownError(f"no stored post or comment at {target} (give its original link, or "
                            "its page here; a comment's page link ends in #comment-…)")
    ready_log(site)
    for kind in ("post", "comment"):
        ids = [item.id for item in items if item.kind == kind]
        if ids:
            store.set_hidden(kind, ids, hidden=not shown)  # type: ignore[arg-type]
    for item in items:
        log(site, "unhide" if shown else "hide", item.kind, item.url or item.id, reason,
            done="shown again" if shown else "hidden")  # fmt: skip
    return items


def published_only(site: Site, target: str) -> list[tuple[Path, TakenItem]]:
    """The posts `target` names that the site publishes from their export files while the store
    does not know them (a store restored from an older backup keeps what it forgot published:
    export.py), each with its file."""
    ours = _our_page(target)
    key = None  # by its page here: the file its id names; by its link: every file, read for it
    if ours is not None and ours[0] and not urlsplit(target).fragment:
        files = site.export_dir.glob(f"*/{ours[0]}.json")
    elif is_http_url(target):
        key, files = thread_key(target), site.export_dir.glob("*/*.json")
    else:
        return []
    found = []
    for path in files:
        with suppress(OSError, ValueError):
            data = json.loads(path.read_bytes())
            url = str(data.get("url") or "")
            if key is None or thread_key(url) == key:
                found.append((path, TakenItem("post", str(data["id"]), url, str(data.get("title") or ""),
                                              path.parent.name)))  # fmt: skip
    return found


def _hidden_on_arrival(store: Store, target: str) -> list[str]:
    """The keys (its page's post id, its link) under which `target` is hidden as it arrives: a
    post hidden while the store did not know it (published_only)."""
    ours = _our_page(target)
    keys = [ours[0]] if ours is not None and ours[0] else []
    keys += [thread_key(target)] if is_http_url(target) else []
    return [key for key in keys if store.hides_on_arrival(key)]


def _hide_published_only(site: Site, store: Store, published: list[tuple[Path, TakenItem]],
                         reason: str) -> list[TakenItem]:  # fmt: skip
    """Take such posts off the site (their files go), and hide them when a feed brings them."""
    ready_log(site)
    for path, item in published:
        # By its link (as `unhide` is given it), else its id: one key, which `unhide` forgets.
        store.hide_on_arrival(thread_key(item.url) if item.url else item.id)
        path.unlink(missing_ok=True)
        log(site, "hide", item.kind, item.url or item.id, reason, done="hidden")
    return [item for _, item in published]


# -- remove a blog ------------------------------------------------------------------------------


def remove(site: Site, store: Store, slug: str, *, purge: bool = False, reason: str = "") -> Removal:
    """Take the blog `slug` off the roll: its participant file goes (its posts leave the site at
    the next build, and stay in the store).  With `purge` its posts and comments are erased from
    the store too, and its feed, posts and comments are tombstoned."""
    # `slug` names a file in the participants' folder: "../../pyproject" would delete another one.
    if Path(slug).name != slug or slug in ("", ".", ".."):
        raise TakedownError(f"{slug!r} is not a blog's slug: give the name of its participant file "
                            "without .toml")  # fmt: skip
    path = site.participants_dir / f"{slug}.toml"
    name, feeds = slug, store.post_feeds(slug)  # the file's feed where it has one; else the store's
    if path.is_file():
        try:
            participant = read_participant(path)
            name, feeds = participant.name, [participant.feed]
        except ParticipantError:
            pass  # a broken file is removed all the same
    known = store.post_counts().get(slug, 0) or any(
        state.participant == slug for state in store.feed_states().values()
    )
    # A file deleted by hand (or lost) leaves the blog known: it is taken off all the same, and
    # the log says so (the participants' folder emptied is refused until it does: cli.py).
    if not path.is_file() and not known:
        raise TakedownError(f"no blog {slug!r}: {path} does not exist, and the store holds nothing of it")
    # Where it moved counts too: joining the new address must not bring it back either.
    feeds += [state.moved_to for state in store.feed_states().values()
              if state.participant == slug and state.moved_to]  # fmt: skip
    ready_log(site)
    # The file goes first: one that cannot be deleted stops the removal before the store changes.
    removed = path if path.is_file() else None
    if removed:
        path.unlink()
    posts = comments = 0
    if purge:
        posts, comments = purge_blog(site, store, slug, feeds)
        # Its exported posts go now, not at the next build: the store no longer has them, and a
        # store with fewer posts than the site published would be taken for a lost one.
        shutil.rmtree(site.export_dir / slug, ignore_errors=True)
        if not store.post_counts():  # it was the last blog: an empty store, on purpose
            store.set_meta(EMPTIED_AT, utcnow().isoformat())
    what = "blog (purged)" if purge else "blog"
    log(site, "remove", what, " ".join([slug, *feeds]), reason,
        done=f"{posts} posts, {comments} comments erased" if purge
        else "file deleted" if removed else "no file left")
    return Removal(slug, name, removed, posts, comments)


def purge_blog(site: Site, store: Store, slug: str, feeds: list[str]) -> tuple[int, int]:
    """Erase a blog's posts, comments and images from the store (and its images' files);
    (posts, comments) erased."""
    images = blog_images(store, slug)
    erased = store.purge_participant(slug, feeds)
    forget_images(site, store, images)
    return erased


def blog_images(store: Store, slug: str) -> set[str]:
    """The images of a blog's posts that no other blog's post shows."""
    from ..feeds.clean import image_urls

    mine: set[str] = set()
    others: set[str] = set()
    for post in store.posts():
        (mine if post.participant == slug else others).update(image_urls(post.content_html))
    return mine - others


def forget_images(site: Site, store: Store, urls: set[str]) -> None:
    """Erased posts' images leave the store and the media folder (the export drops its copy)."""
    from ..feeds.images import media_folder

    folder = media_folder(site)
    for name in store.forget_media(urls):
        (folder / name).unlink(missing_ok=True)


def is_removed_feed(site: Site, url: str) -> datetime | None:
    """When the feed at `url` was removed for good (`remove --purge`), else None."""
    if not site.store_path.is_file():
        return None
    key = feed_key(url)
    with site_store(site) as store:
        for kind, stored, created in store.tombstones():
            if kind == "feed" and stored == key:
                return created
    return None


# -- forget a commenter -------------------------------------------------------------------------


@dataclass(frozen=True)
class Forgotten:
    """What `forget_commenter` erased, and, forgetting a web address, the comments left that are
    signed with a name the person used with it but carry no address (`namesakes`: how many per
    name).  Those may be theirs, from feeds that give no commenter's address (WordPress's RSS
    comment feeds): the editors decide, a name being no one's alone."""

    erased: list[TakenItem]
    namesakes: dict[str, int]


def forget_commenter(site: Site, store: Store, who: str, *, reason: str = "") -> Forgotten:
    """Erase every comment of the person `who` (their name as shown, or their web address) from
    the store; tombstones keep their comments' ids and links and their name as a digest only."""
    who = who.strip()
    if not who:
        raise TakedownError("say whose comments to forget: --commenter NAME or --commenter URL")
    ready_log(site)
    if is_http_url(who):
        address = address_digest(thread_key(who))
        gone, namesakes = store.forget_commenter(address=address)
        which = f"web address sha256:{address}"  # the log keeps no address either
    else:
        digest = commenter_digest(who)
        gone, namesakes = store.forget_commenter(name_digest=digest)
        which = f"name sha256:{digest}"  # the log keeps no name
    log(site, "forget", "commenter", which, reason, done=f"{len(gone)} comments erased")
    return Forgotten(gone, namesakes)


# -- the log ------------------------------------------------------------------------------------


def log_path(site: Site) -> Path:
    return site.store_path.parent / LOG_NAME


def log(site: Site, action: str, what: str, which: str, reason: str = "", *, done: str = "",
        now: datetime | None = None) -> None:  # fmt: skip
    """One line in the take-down log: tab-separated, newest last."""
    when = (now or utcnow()).strftime(LOG_TIME)
    fields = [when, action, what, which, reason, done]
    with _open_log(site) as file:
        file.write("\t".join(" ".join(str(field).split()) for field in fields) + "\n")


def ready_log(site: Site) -> None:
    """The log opened before a take-down changes anything: one that cannot be written (a folder,
    read-only) stops it with the store untouched.  A take-down done but not logged would come
    back with the next restore, which replays the log.  Lines an older blogparade wrote with a
    forgotten commenter's web address keep its digest instead from now on."""
    _open_log(site).close()
    _digest_addresses(log_path(site))


_CLEAR_ADDRESS = re.compile(r"^([^\t]*\tforget\tcommenter\t)web address (?!sha256:)([^\t]*)", re.M)


def digest_log_addresses(site: Site) -> None:
    """The log's lines an older blogparade wrote with a forgotten commenter's web address keep
    its digest instead: each fetch sees to it, so that an upgraded site's log does not keep the
    address until its next take-down."""
    path = log_path(site)
    if path.is_file():
        _digest_addresses(path)


def _digest_addresses(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    if not _CLEAR_ADDRESS.search(text):
        return
    text = _CLEAR_ADDRESS.sub(
        lambda match: f"{match[1]}web address sha256:{address_digest(thread_key(match[2]))}", text)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_text(text, encoding="utf-8")
    os.replace(temporary, path)


def _open_log(site: Site) -> TextIO:
    file = open(log_path(site), "a", encoding="utf-8")  # noqa: SIM115  the caller closes it
    if file.tell() == 0:  # new, or left empty
        file.write(LOG_HEADER)
    return file


def removed_blogs(site: Site) -> dict[str, datetime]:
    """When each blog was last taken off the roll (`remove`), as the log says (UTC)."""
    path = log_path(site)
    removed: dict[str, datetime] = {}
    for when, action, what, which, _, _ in _entries(path):
        if action == "remove" and what.startswith("blog") and which:
            with suppress(ValueError):  # a line edited by hand
                removed[which.split()[0]] = datetime.strptime(when, LOG_TIME).replace(tzinfo=UTC)
    return removed


def not_removed(site: Site) -> list[str]:
    """The joined blogs the site has published (its export's folders; a parade's external blogs
    are no participants) that `remove` has not taken off since their newest post file was
    written (one that joined again after its removal has newer files)."""
    removed = removed_blogs(site)
    left = []
    folders = sorted(site.export_dir.iterdir()) if site.export_dir.is_dir() else []
    for folder in folders:
        if not is_slug(folder.name) or not folder.is_dir():
            continue
        written = max((file.stat().st_mtime for file in folder.glob("*.json")), default=None)
        if written is None:
            continue
        when = removed.get(folder.name)
        if when is None or when.timestamp() < int(written):  # the log says whole seconds
            left.append(folder.name)
    return left


def _entries(path: Path) -> Iterator[list[str]]:
    """The log's lines, each as its six fields."""
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            yield (line.split("\t") + [""] * 6)[:6]


# -- after a restore ----------------------------------------------------------------------------


def replay(site: Site, store: Store) -> int:
    """Apply every take-down of the log again, in order: a restored backup may be older than
    some of them, and must not bring back what the editors took down.  Returns how many."""
    applied = 0
    for _, action, what, which, _, _ in _entries(log_path(site)):
        applied += _apply(site, store, action, what, which)
    return applied


def _apply(site: Site, store: Store, action: str, what: str, which: str) -> int:
    if action in ("hide", "unhide") and what in ("post", "comment"):
        items = find(store, which) if is_http_url(which) else (
            store.find_posts(ids=[which]) if what == "post" else store.find_comments(ids=[which]))
        for item in items:
            store.set_hidden(item.kind, [item.id], hidden=action == "hide")
        if not items:  # a backup older than the item: hidden when the next fetch brings it
            store.hide_on_arrival(thread_key(which) if is_http_url(which) else which, action == "hide")
        return 1
    if action == "remove" and what == "blog (purged)" and which:
        slug, *feeds = which.split()
        purge_blog(site, store, slug, feeds)  # images too: the backup's media list still has them
        return 1
    if action == "forget" and what == "commenter":
        if which.startswith("name sha256:"):
            store.forget_commenter(name_digest=which.removeprefix("name sha256:"))
            return 1
        if which.startswith("web address sha256:"):
            store.forget_commenter(address=which.removeprefix("web address sha256:"))
            return 1
        if which.startswith("web address "):  # a log written before addresses were digests
            store.forget_commenter(address=address_digest(thread_key(which.removeprefix("web address "))))
            return 1
    return 0
