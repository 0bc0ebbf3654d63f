"""What the site says about its own feeds: a quiet note on a failing blog's page, the editors'
status page (`BLOGPARADE_STATUS_PAGE`) and the privacy notice (`BLOGPARADE_PRIVACY_PAGE`).

All three read the export's status file (`export.STATUS_FILE`, written from the store with the
posts): a blog whose failure notice went out (editors/notify.py) gets
`author.feed_failing_since`, the date its feed began to fail; the pages get `feed_status`, one
`BlogHealth` per blog, and `comment_naming`, how the export names commenters (privacy.py).
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from ...site import comment_naming
from ..export import STATUS_FILE
from .content import contact_href
from .settings import setting

logger = logging.getLogger(__name__)

STATUS_TEMPLATE = "status"
PRIVACY_TEMPLATE = "privacy"


class Failure(NamedTuple):
    """Why a feed failed, as the status file says it: the sentence, and its two parts."""

    text: str  # as `status` says it: "http: 500 Internal Server Error"
    kind: str | None  # ErrorKind's words ("http"); None in a status file written without them
    message: str  # what was seen: "500 Internal Server Error"


def _failure(document: dict[str, Any] | None) -> Failure | None:
    if not document or not document.get("error"):
        return None
    return Failure(str(document["error"]), document.get("error_kind"), str(document.get("error_message") or ""))


@dataclass(frozen=True)
class BlogHealth:
    """One blog's feed as the status and privacy pages show it (times aware, or None)."""

    slug: str
    name: str
    feed: str
    moved_to: str | None  # where the feed is read while it moved (a permanent redirect)
    ok: bool
    health: str  # as `status` says it, in English
    active: bool
    external: bool  # a blog that never joined, named for a parade's contribution: no feed read
    gone: bool  # answered 410 Gone: not read any more
    error: Failure | None
    streak: int
    failing_since: datetime | None
    notified: datetime | None
    next_try: datetime | None
    last_success: datetime | None
    last_new_post: datetime | None
    posts: int
    comments: int
    comment_feeds: int
    comment_feed_errors: int
    comment_feed_error: tuple[str, Failure] | None  # the latest failing one, and why
    comment_feed_urls: tuple[str, ...]


def read_status(settings: dict[str, Any]) -> list[BlogHealth]:
    path = Path(settings["PATH"]) / setting(settings, "BLOGPARADE_EXPORT") / STATUS_FILE
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
        return [_health(blog) for blog in document["blogs"]]
    except FileNotFoundError:
        return []  # a site built by `pelican` alone, before any export
    except (OSError, ValueError, KeyError, TypeError) as error:
        logger.warning("%s: unreadable, no feed status on the site (%s)", path, error)
        return []


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _health(blog: dict[str, Any]) -> BlogHealth:
    failing = blog.get("comment_feed_error") or None
    moved = blog.get("moved_to")
    return BlogHealth(
        slug=blog["slug"], name=blog["name"], feed=blog["feed"],
        moved_to=moved if moved and moved != blog["feed"] else None, ok=bool(blog["ok"]),
        health=blog["health"], active=bool(blog.get("active", True)), external=blog.get("kind") == "external",
        gone=bool(blog.get("gone")), error=_failure(blog), streak=int(blog["streak"]),
        failing_since=_time(blog.get("failing_since")), notified=_time(blog.get("notified")),
        next_try=_time(blog.get("next_try")), last_success=_time(blog.get("last_success")),
        last_new_post=_time(blog.get("last_new_post")), posts=int(blog.get("posts") or 0),
        comments=int(blog.get("comments") or 0), comment_feeds=int(blog.get("comment_feeds") or 0),
        comment_feed_errors=int(blog.get("comment_feed_errors") or 0),
        comment_feed_error=(str(failing["url"]), failure) if failing and (failure := _failure(failing)) else None,
        comment_feed_urls=tuple(blog.get("comment_feed_urls") or ()),
    )  # fmt: skip


def note_failing_blogs(generator: Any) -> None:
    """Blog pages of feeds that have failed for a while (a notice went out) carry the date."""
    blogs = read_status(generator.settings)
    generator.context["feed_status"] = blogs
    failing = {blog.slug: blog.failing_since for blog in blogs
               if blog.notified and blog.failing_since and not blog.ok}  # fmt: skip
    for author, _ in generator.authors:
        author.feed_failing_since = failing.get(author.slug)


def write_editorial_pages(generator: Any, writer: Any = None) -> None:
    """The editors' status page and the privacy notice, where the settings name them."""
    if writer is None:
        return
    settings = generator.settings
    pages = ((setting(settings, "BLOGPARADE_STATUS_PAGE"), STATUS_TEMPLATE),
             (setting(settings, "BLOGPARADE_PRIVACY_PAGE"), PRIVACY_TEMPLATE))  # fmt: skip
    for save_as, template in pages:
        if not save_as:
            continue
        context = dict(generator.context)
        context.setdefault("feed_status", read_status(settings))
        # As the export reads the setting ("Hidden" is "hidden"): the notice says what the pages do.
        context["comment_naming"] = comment_naming(settings)
        if template == PRIVACY_TEMPLATE:
            context["privacy_contact"] = privacy_contact(settings)
        context["active_page"] = template
        url = save_as.removesuffix("index.html")
        writer.write_file(save_as, generator.get_template(template), context,
                          relative_urls=settings.get("RELATIVE_URLS", False), url=url,
                          template_name=template)  # fmt: skip


def privacy_contact(settings: dict[str, Any]) -> str:
    """Whom readers ask for a removal: BLOGPARADE_PRIVACY_CONTACT, else the editors' contact
    (BLOGPARADE_CONTACT), as a link's address; "" (and a warning) where neither is set: the
    notice says removals can be asked for, and a reader must learn where."""
    value = str(setting(settings, "BLOGPARADE_PRIVACY_CONTACT") or setting(settings, "BLOGPARADE_CONTACT") or "").strip()
    if not value:
        logger.warning("%s: the privacy notice names no one to ask for a removal: set "
                       "BLOGPARADE_PRIVACY_CONTACT or BLOGPARADE_CONTACT",
                       Path(settings["PATH"]).parent / "pelicanconf.py")  # fmt: skip
    return contact_href(value) if value else ""

