"""WordPress's REST API, for comments with fewer requests than its feeds need.  Pure: no I/O.

WordPress's comment feeds, site-wide and per post alike, hold the newest `posts_per_rss` (10)
comments, and have no pages: a blog of 10 posts with 2 comments each costs its site-wide feed
and five posts' own feeds, and of a post with 14 comments 4 are in no feed.  Its REST API lists
the comments of many posts at once (`/wp/v2/comments?post=<ID>,<ID>,…`, 100 a page, newest
first, each with its post and its parent), and every WordPress response to a feed names where
the API is, in a header it sends anyway:

    Link: <https://blog.example/wp-json/>; rel="https://api.w.org/"

(rest_output_link_header, on template_redirect, which runs before the feed is written; a 304
is answered earlier and names nothing).  So where a blog names it, the posts the site-wide feed
did not cover are asked in one request (and one for every further hundred comments), not a
feed each.  Without a login the API lists comments only, not pingbacks and trackbacks: a post
that counts more comments than the API gave still has its own feed read (a parade's pingbacks
are how it finds contributions).

A comment from the API is the comment its feeds show: its guid is its post's guid and
"#comment-<ID>" (get_comment_guid), its parent's likewise, so reading a comment both ways stores
it once.  The API's address comes from the blog: it is asked only on the feed's own host, as any
address is, through the network policy.
"""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any, Mapping, Sequence
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

from ..headers import header_link
from ..models import ParsedEntry
from ..urls import host_key, is_http_url, same_host, url_host_key

REL = "https://api.w.org/"
PER_PAGE = 100  # the API's most
# What a comment needs, and no more: avatars, meta and links would be most of the answer.
FIELDS = "id,post,parent,author_name,author_url,date_gmt,content,link"

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})")


def api_root(headers: Mapping[str, str], feed_url: str) -> str | None:
    """The API's root a feed's response names (lower-cased header names), where it is an http(s)
    address on the feed's own host; else None."""
    root = header_link(headers, REL, feed_url)
    return root if root and is_http_url(root) and same_host(root, feed_url) else None


def post_number(guid: str, comment_feed: str | None, root: str) -> int | None:
    """A WordPress post's ID on the blog whose API is at `root`: its guid is `<home>/?p=<ID>`
    (written at publication), or its comment feed `?p=<ID>&feed=rss2` (plain permalinks), on
    the API's host.  None for a guid of another kind (a blog moved to WordPress keeps its old
    ones), and for one on another host: a post imported from another blog keeps that blog's
    guid, and its ID there, which here may be another post's."""
    for url in (guid, comment_feed or ""):
        if "p=" not in url and "%" not in url:  # most guids of other engines: nothing to parse
            continue
        if plain := _PLAIN_GUID.fullmatch(url):  # as WordPress writes it: what the parse gives
            host, number = plain.groups()
        else:
            try:
                parts = urlsplit(url)
                values, host = parse_qs(parts.query).get("p", []), parts.hostname
            except ValueError:
                continue
            number = values[0] if len(values) == 1 else ""
        if number.isdecimal() and len(number) < 19 and host and host_key(host) == url_host_key(root):
            return int(number)
    return None


# `http(s)://<host>[:port]/<path>?p=<ID>`: a host without user or brackets, a query of only p.
_PLAIN_GUID = re.compile(r"https?://([A-Za-z0-9.-]+)(?::[0-9]{1,5})?/[^?#]*\?p=([0-9]{1,18})")


def is_wordpress_guid(guid: str) -> bool:
    """Whether `guid` is as WordPress writes every post's when it publishes it: its home and
    "?p=<ID>"."""
    return _PLAIN_GUID.fullmatch(guid) is not None


def comments_url(root: str, posts: Sequence[int] = (), page: int = 1) -> str:
    """The API's list of the comments of `posts` (their WordPress IDs), newest first,
    `PER_PAGE` a page: at the root's path, or (a blog without pretty permalinks names
    `<home>/?rest_route=/`) in its `rest_route` parameter.  Without posts: the list itself,
    under which the update keeps what it learnt of it (its query changes from run to run)."""
    parts = urlsplit(root)
    query = []
    if posts:
        query = [("post", ",".join(map(str, sorted(set(posts))))), ("per_page", str(PER_PAGE)),
                 ("_fields", FIELDS)]  # fmt: skip
        if page > 1:
            query.append(("page", str(page)))
    route = parse_qs(parts.query).get("rest_route")
    if route:
        query = [("rest_route", route[0].rstrip("/") + "/wp/v2/comments"), *query]
        return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query, safe=",/"), ""))
    path = parts.path.rstrip("/") + "/wp/v2/comments"
    return urlunsplit((parts.scheme, parts.netloc, path, urlencode(query, safe=",/"), ""))


def total_pages(headers: Mapping[str, str]) -> int | None:
    """How many pages a list has, as the API says (X-WP-TotalPages; lower-cased header names);
    None where it does not."""
    value = headers.get("x-wp-totalpages", "").strip()
    return int(value) if value.isdecimal() and len(value) < 10 else None


def entries(body: bytes, guids: Mapping[int, str]) -> list[tuple[int, ParsedEntry]]:
    """The API's comments of the posts whose guids `guids` holds by WordPress ID, each with its
    post's ID, as a comment feed's entries would give them: raw, untrusted, for
    clean.clean_comment.  ValueError where the answer is no list of comments; a comment missing
    what it needs, or naming a post not asked for (a cache that ignores the query), is left out."""
    try:
        items = json.loads(body)
    except (ValueError, RecursionError) as error:
        raise ValueError(f"not JSON ({error.__class__.__name__})") from None
    if not isinstance(items, list):
        raise ValueError("not a list of comments")
    # A list of one post's comments that leaves out their post's ID still is that post's.
    only = next(iter(guids)) if len(guids) == 1 else None
    found = []
    for item in items:
        if not isinstance(item, dict):
            continue
        post = item.get("post", only)
        guid = guids.get(post) if type(post) is int else None
        entry = _entry(item, guid) if guid is not None else None
        if entry is not None:
            found.append((post, entry))
    return found


def _entry(item: dict[str, Any], post_guid: str) -> ParsedEntry | None:
    number, parent = item.get("id"), item.get("parent", 0)
    content = item.get("content")
    html = content.get("rendered") if isinstance(content, dict) else None
    if not _number(number) or not (parent == 0 or _number(parent)) or not isinstance(html, str):
        return None
    link = _text(item.get("link"))
    guid = f"{post_guid}#comment-{number}"
    return ParsedEntry(
        guid=guid, url=link, title="", author=_text(item.get("author_name")),
        published=_date(item.get("date_gmt")), updated=None, summary_html="", content_html=html,
        categories=(), base_url=link if is_http_url(link) else "",
        # As a threaded feed names a reply's parent: by its guid.
        in_reply_to=f"{post_guid}#comment-{parent}" if parent else None,
        author_url=_text(item.get("author_url")) or None,
    )  # fmt: skip


def _number(value: object) -> bool:
    return type(value) is int and 0 < value < 1 << 63


def _text(value: object) -> str:
    return value if isinstance(value, str) else ""


def _date(value: object) -> datetime | None:
    """date_gmt: "2026-11-20T10:00:00", UTC without saying so."""
    match = _DATE.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return None
    try:
        return datetime(*map(int, match.groups()), tzinfo=UTC)  # type: ignore[misc]
    except ValueError:
        return None

