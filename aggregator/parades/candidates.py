"""Candidates: the pages each of a parade's channels names as a possible contribution.  Pure.

A host hears of contributions in several ways, and each becomes a `NamedCandidate`:

- pingbacks and trackbacks the call received: stored as "mentions" of the call post where the
  call is on a joined blog (`from_call_mentions`), read from the parade's ``Comments`` feed
  (`from_comment_feed`), and from the comment list of the call's own page (`from_call_page`);
  the candidate is the linking page (the comment's author URL);
- readers' comments on the call that name a post ("Hier mein Beitrag: https://…", the usual way
  where pingbacks are off), from the same three sources: every page the comment's text links or
  writes out, except on the call's own site (the host's replies, links within the thread); not
  the commenter's website, which is a blog's home;
- webmentions: the parade's ``Mentions`` feed in JF2, as webmention.io serves it at
  ``/api/mentions.jf2?target=…`` (`from_jf2`): ``children[]`` with ``url``, ``author``,
  ``published``, ``wm-property``;
- `blogparade submit URL`, and the parade file's ``Include``.

Posts of joined blogs are no candidates: select.py judges them as they come in.  Whatever a
channel names, verify.py decides the same way whether it is a contribution.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from datetime import datetime, tzinfo
from typing import TYPE_CHECKING

from ..feeds.clean import comment_kind, outbound_links, plain_text
from ..models import Channel, ErrorKind, FetchError, NamedCandidate, ParsedEntry, StoredComment
from ..urls import absolute_http_url, is_http_url, page_key, same_host
from .files import plausible

if TYPE_CHECKING:
    from .page_reading import CallComments

MAX_MENTIONS = 2000  # per feed and run: a mention feed is one target's, this is plenty
# Webmentions that name a page about the call; likes, reposts and RSVPs are not posts about it.
NOT_POSTS = frozenset({"like-of", "repost-of", "rsvp"})
PING_KINDS = ("pingback", "trackback")
MAX_COMMENT_LINKS = 5  # a comment naming more pages is no "here is my post"
# An address written out in a comment's text (RSS comment feeds carry the text as written; Atom's
# have WordPress's make_clickable links), without the punctuation that ends its sentence.
_WRITTEN_URL = re.compile(r"https?://[^\s<>\"'\[\]]+", re.I)
_SENTENCE_END = ".,;:!?)»“\"'"


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


def from_call_mentions(comments: Iterable[StoredComment], call_url: str) -> list[NamedCandidate]:
    """The linking pages of the pingbacks and trackbacks stored for the call post, and the pages
    its readers' comments name."""
    found = []
    for comment in comments:
        if comment.kind in PING_KINDS:
            if is_http_url(comment.author_url):
                found.append(NamedCandidate(comment.author_url, "pingback", comment.published))  # type: ignore[arg-type]
        else:
            found += named(comment_links(comment.content_html, comment.url or call_url, call_url),
                           "comment", comment.published)  # fmt: skip
    return found


def from_comment_feed(entries: Iterable[ParsedEntry], call_url: str) -> list[NamedCandidate]:
    """The linking pages of the pingbacks and trackbacks in the call's comment feed, and the
    pages its readers' comments name.

    WordPress names the linking page as the comment's author URL (Atom ``<author><uri>``); its
    RSS comment feeds carry no author URL, which is why the Atom twin is asked first."""
    found = []
    for entry in entries:
        when = entry.published or entry.updated
        if comment_kind(entry) not in PING_KINDS:
            text = entry.content_html or entry.summary_html
            found += named(comment_links(text, entry.base_url or call_url, call_url), "comment", when)
            continue
        url = absolute_http_url(entry.author_url)
        if url and is_http_url(url):
            found.append(NamedCandidate(url, "comments", when))
    return found


def from_call_page(found: CallComments, call_url: str) -> list[NamedCandidate]:
    """The linking pages of the pingbacks and trackbacks the call's page lists, and the pages
    its readers' comments there name: all of them, where its comment feed has the newest 10."""
    pages = named(found.pings, "pingback")
    for text in found.comments:
        pages += named(comment_links(text, call_url, call_url), "comment")
    return pages


def comment_links(html: str, base: str, call_url: str) -> list[str]:
    """The pages a comment on the call names: its links, then the addresses written out in its
    text, at most MAX_COMMENT_LINKS, none on the call's site."""
    written = (url.rstrip(_SENTENCE_END) for url in _WRITTEN_URL.findall(plain_text(html)))
    found: dict[str, str] = {}
    for url in (*outbound_links(html, base), *written):
        if is_http_url(url) and not same_host(url, call_url):
            found.setdefault(page_key(url), url)
    return list(found.values())[:MAX_COMMENT_LINKS]


def named(urls: Iterable[str], channel: Channel, when: datetime | None = None) -> list[NamedCandidate]:
    return [NamedCandidate(url, channel, when) for url in urls if is_http_url(url)]
