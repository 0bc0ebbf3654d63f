"""Candidates: the pages each of a parade's channels names as a possible contribution.  Pure.

A host hears of contributions in several ways, and each becomes a `NamedCandidate`:

- pingbacks and trackbacks the call received: stored as "mentions" of the call post where the
  call is on a joined blog (`from_call_mentions`), or read from the parade's ``Comments`` feed
  (`from_comment_feed`); the candidate is the linking page (the comment's author URL);
- webmentions: the parade's ``Mentions`` feed in JF2, as webmention.io serves it at
  ``/api/mentions.jf2?target=…`` (`from_jf2`): ``children[]`` with ``url``, ``author``,
  ``published``, ``wm-property``;
- `blogparade submit URL`, and the parade file's ``Include``.

Posts of joined blogs are no candidates: select.py judges them as they come in.  Whatever a
channel names, verify.py decides the same way whether it is a contribution.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime, tzinfo

from ..feeds.clean import comment_kind
from ..models import Channel, ErrorKind, FetchError, NamedCandidate, ParsedEntry, StoredComment
from ..urls import absolute_http_url, is_http_url
from .files import plausible

MAX_MENTIONS = 2000  # per feed and run: a mention feed is one target's, this is plenty
# Webmentions that name a page about the call; likes, reposts and RSVPs are not posts about it.
NOT_POSTS = frozenset({"like-of", "repost-of", "rsvp"})
PING_KINDS = ("pingback", "trackback")


class NotAMentionFeed(ValueError):
    """The body is no JF2 mention feed; the message says why, for `status`."""

    @property
    def error(self) -> FetchError:
        return FetchError(ErrorKind.NOT_A_FEED, str(self))


def from_jf2(body: bytes | str, zone: tzinfo) -> list[NamedCandidate]:
    """The pages a JF2 mention feed names (`url`, else `wm-source`), likes and reposts left out.

    A date without a time zone is read in `zone`, the site's: webmention.io passes on the
    source page's own `dt-published` as written, and verify.py reads that date from the page
    itself in the site's zone (a day alone, "2026-11-01", is that day there, not the day
    before it west of UTC).

    NotAMentionFeed when the body is not JF2 (not JSON, or no `children` list)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError) as error:
        raise NotAMentionFeed(f"not a JF2 mention feed: not JSON ({error})"[:200]) from None
    if not isinstance(data, dict) or not isinstance(data.get("children"), list):
        raise NotAMentionFeed("not a JF2 mention feed: no \"children\" list")
    found: list[NamedCandidate] = []
    for child in data["children"][:MAX_MENTIONS]:
        # Anyone can send a webmention: a child that cannot be a candidate is passed over.
        if not isinstance(child, dict) or str(child.get("wm-property")) in NOT_POSTS:
            continue
        url = next((value for name in ("url", "wm-source")
                    if is_http_url(value := child.get(name))), None)  # fmt: skip
        if url:
            when = _date(child.get("published"), zone) or _date(child.get("wm-received"), zone)
            found.append(NamedCandidate(url, "mention", when))
    return found


def _date(value: object, zone: tzinfo) -> datetime | None:
    if not isinstance(value, str) or not value.strip():
        return None
    try:
        moment = plausible(datetime.fromisoformat(value.strip()))
    except ValueError:
        return None
    return moment if moment is None or moment.tzinfo else moment.replace(tzinfo=zone)


def from_call_mentions(comments: Iterable[StoredComment]) -> list[NamedCandidate]:
    """The linking pages of the pingbacks and trackbacks stored for the call post."""
    return [
        NamedCandidate(comment.author_url, "pingback", comment.published)
        for comment in comments
        if comment.kind in PING_KINDS and is_http_url(comment.author_url)
    ]


def from_comment_feed(entries: Iterable[ParsedEntry]) -> list[NamedCandidate]:
    """The linking pages of the pingbacks and trackbacks in the call's comment feed.

    WordPress names the linking page as the comment's author URL (Atom ``<author><uri>``); its
    RSS comment feeds carry no author URL, which is why the Atom twin is asked first."""
    found = []
    for entry in entries:
        if comment_kind(entry) not in PING_KINDS:
            continue
        url = absolute_http_url(entry.author_url)
        if url and is_http_url(url):
            found.append(NamedCandidate(url, "comments", entry.published or entry.updated))
    return found


def named(urls: Iterable[str], channel: Channel) -> list[NamedCandidate]:
    return [NamedCandidate(url, channel) for url in urls if is_http_url(url)]
