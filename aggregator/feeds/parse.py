"""parse: the bytes of a feed -> ParsedFeed.  Pure: no network, no files, no clock unless `now` is omitted.

What happens to a body, in order:

1. Empty or whitespace only -> ParseError(EMPTY).
2. Decode it ourselves (`encoding.decode`: the HTTP charset and the XML declaration are often
   wrong, and feedparser trusts them), repairing double-encoded UTF-8.
3. Refuse any entity declaration (`<!ENTITY` outside comments and CDATA) -> ParseError(ENTITIES):
   billion laughs, quadratic blow-up and XXE never reach a parser.  Even a harmless internal entity
   is refused: blog software does not declare entities, so the rule can stay this simple.
4. JSON: a JSON Feed (https://jsonfeed.org, versions 1 and 1.1) is read here, because feedparser 6
   does not read JSON; any other JSON -> NOT_A_FEED.  An HTML root element -> NOT_A_FEED.
5. Well-formed RSS 2.0 and Atom 1.0: our own reader (`xmlreader`: lxml, no entities, no network,
   libxml2's size and depth limits), which gives what feedparser would give, ten times faster.
   Whatever it does not model exactly (RSS 1.0, podcasts' iTunes elements, inline XHTML, broken
   XML…): feedparser on the re-encoded UTF-8 bytes, wrapped in BytesIO (feedparser opens a *bytes*
   argument as a file name first!), with sanitising and URL resolution off (clean does both,
   faster), the feed's URL as Content-Location (for xml:base) and the HTTP Content-Language.
   feedparser reads a body with more than `MAX_FEEDPARSER_TAGS` tags only up to the entry that
   reaches them (its cost is per tag: a hostile body would take minutes); lxml, one with more than
   `MAX_LXML_TAGS` (its tree's memory is per element: 20 MB of "<x/>" took 600 MB).  An element
   with more than `xmlreader.MAX_ATTRIBUTES` attributes ends the body the same way (both take time
   growing with their square).
   Where lxml refused the document, Atom's `type="xhtml"` text constructs become `type="html"`
   ones holding the same markup as text (`_xhtml_as_html`; the wrapping <div> goes, as feedparser
   drops it, and so do prefixes: "<xhtml:p>"), and both readers try that: feedparser spends
   20-45 µs on every element inside one, and its tag budget cut a legitimate feed of 200 rich
   entries (600,000 tags) down to its newest 16.  Now lxml reads that feed in under a second,
   feedparser (broken XML) in under 1.5 s.
   `engine="feedparser"` (or `"lxml"`, which raises `xmlreader.Unsupported`) picks one: tests
   compare the two.
6. No version and no entries -> NOT_A_FEED; a recognised feed without entries is a valid, empty feed;
   an ill-formed feed that still yields entries is accepted.

Field rules (the contract with clean):

- ``title`` is HTML: a plain-text title is HTML-escaped here, so clean always treats it as HTML.
  ``ParsedFeed.title`` is already plain text (the name a participant file gets).
- ``guid``: the entry's id/guid, else its link, else ``sha1:`` of title + date (+ summary when
  there is no date), whitespace stripped, so the same entry gets the same guid on every run.  A guid
  listed twice in one feed yields one entry: the first (feeds list newest first).
- Dates are timezone-aware UTC; missing or unparseable -> None (the store uses first-seen).  A
  time written without its zone ("2026-11-29T23:30:00", "So, 29 Nov 2026 23:30:00") is one on
  its writer's clock, read in `zone`, the site's TIMEZONE (`_entry_date`).
  Without a published date, the updated date is the published date (Atom requires only
  <updated>; RSS 1.0 has only dc:date): closer to the truth than the first-seen time.  A date
  more than `FUTURE_TOLERANCE` after `now`, or before 1971 (epoch-zero artefacts), is also None: a
  wrong clock or time zone must not pin a post above all others for months, and None keeps the guid
  and the stored date stable (the first-seen time) instead of clamping to a moving "now".  Such a
  published date gives way to a plausible updated date, as a missing one does.  Beyond what
  feedparser reads: RFC 822 dates with German names of days and months, as German servers'
  strftime writes them, with CET/CEST, and without a zone (`dates._local_rfc822`).
- ``author`` and ``categories`` are plain text (entities decoded: WordPress escapes them even in
  CDATA); ``author`` is a name, never an e-mail address ("a@b.de (Name)" -> "Name", a bare
  address -> "").  ``author_url`` is Atom's ``<author><uri>``; a Dotclear ping ("[ping] …" title)
  has none, and gets the page that linked, which its text starts with.
- ``in_reply_to`` / ``in_reply_to_url``: the ref and href of RFC 4685 ``thr:in-reply-to``, except
  for a Blogger reply: Blogger points thr:in-reply-to at the post and names the parent comment only
  in ``<link rel="related" href="…blogger.com/feeds/<blog>/<post>/comments/default/<comment>">``,
  so its in_reply_to is the parent's id ``tag:blogger.com,1999:blog-<blog>.post-<comment>`` and
  in_reply_to_url is None (the post's page, which names no comment).
  Without threading (WordPress's RSS comment feeds), a reply's first paragraph "In reply to
  <a href=…#comment-N>Name</a>." in any language gives in_reply_to_url (see
  aggregator/replies.py); the paragraph stays in the body (the site drops it where the reply is
  nested under its parent).
- ``comment_feed``: RSS ``wfw:commentRss``, else Atom's ``<link rel="replies">`` to a feed; a Blogger
  post that names none but counts its comments (Blogger's RSS) has its own at
  ``/feeds/<post>/comments/default``.
- ``base_url``: the entry's xml:base where the document declares one, else the entry link, else the
  feed URL; clean resolves relative URLs in the entry's HTML against it.
"""

from __future__ import annotations

import functools
import hashlib
import html
import io
import json
import re
from collections.abc import Mapping
from dataclasses import replace
from datetime import datetime, timezone, tzinfo
from typing import Any, Literal
from urllib.parse import urljoin, urlsplit
from xml.parsers import expat

from ..models import FUTURE_TOLERANCE, ErrorKind, ParsedAttachment, ParsedEntry, ParsedFeed
from ..replies import reply_marker
from ..urls import absolute_http_url, host_key
from . import dates, xmlreader
from .clean import plain_text, strip_email
from .dates import parse_date as _parse_date
from .encoding import decode_checked

Engine = Literal["auto", "lxml", "feedparser"]


def _feedparser() -> Any:
    """feedparser, imported where it is needed (a fetch of unchanged feeds never needs it).

    feedparser resolves an RSS <guid> (unless isPermaLink="false") and an Atom <id> against the
    feed's URL, so a guid "42" becomes "https://blog/feed/42" and changes when the feed moves (say,
    from http to https): every post would come back as a new one.  A guid is an identifier, not a
    link; this keeps it as written (the only use of the set is that resolution; links are resolved
    in _entry instead).  xmlreader resolves the same elements (`xmlreader._RESOLVED`).

    Its author text is cut as xmlreader cuts it, before the quadratic address pattern.

    feedparser reads a Media RSS <media:description> and an <itunes:summary> as a second
    summary, which makes them the entry's content where the entry has a summary already: a
    Mastodon toot with a photo became the photo's alt text, a podcast episode's show notes lost
    their links to the plain text of its iTunes summary.  They are kept apart instead
    (`_second_summary`), the text of an entry that has no other.

    Of a <media:group>'s <media:content> versions it keeps one (`xmlreader.one_of_group`), and a
    <media:description> inside a <media:content> describes that one too (a toot's photo: its alt
    text), as "media_description" among its attributes (an XML attribute's key has a colon).
    """
    import feedparser

    mixin = feedparser.mixin._FeedParserMixin
    if "id" in mixin.can_be_relative_uri:
        mixin.can_be_relative_uri = set(mixin.can_be_relative_uri) - {"id"}
    if not hasattr(mixin._sync_author_detail, "__wrapped__"):
        mixin._sync_author_detail = _with_author_cut(mixin._sync_author_detail)
    for name in SECOND_SUMMARIES:
        setattr(mixin, f"_start_{name}", functools.partialmethod(_push, name))
        setattr(mixin, f"_end_{name}", functools.partialmethod(_pop, name))
    for name in ("media_content", "media_group"):
        setattr(mixin, f"_start_{name}", globals()[f"_start_{name}"])
        setattr(mixin, f"_end_{name}", globals()[f"_end_{name}"])
    dates.feedparser_dates()  # the dates feedparser does not read, read alike on both paths
    return feedparser


# Elements feedparser would read as the entry's summary, or as its content after one.
SECOND_SUMMARIES = ("media_description", "itunes_summary")


def _push(self: Any, name: str, attrs_d: dict[str, str]) -> None:
    self.push(name, 1)


def _pop(self: Any, name: str) -> None:
    value = self.pop(name)
    described = getattr(self, "_open_media_content", None)
    if name == "media_description" and described is not None and isinstance(value, str):
        described.setdefault("media_description", value)


def _start_media_content(self: Any, attrs_d: dict[str, str]) -> None:
    self._get_context().setdefault("media_content", []).append(attrs_d)
    self._open_media_content = attrs_d


def _end_media_content(self: Any) -> None:
    self._open_media_content = None


def _start_media_group(self: Any, attrs_d: dict[str, str]) -> None:
    self._media_group_from = len(self._get_context().get("media_content", ()))


def _end_media_group(self: Any) -> None:
    versions = self._get_context().get("media_content") or []
    start, self._media_group_from = getattr(self, "_media_group_from", None), None
    if start is not None and len(versions) > start:
        versions[start:] = [xmlreader.one_of_group(versions[start:])]


def _with_author_cut(sync_author_detail: Any) -> Any:
    @functools.wraps(sync_author_detail)
    def cut_then_sync(self: Any, key: str = "author") -> None:
        context = self._get_context()
        if isinstance(context.get(key), str):
            context[key] = context[key][:xmlreader.MAX_AUTHOR_TEXT]
        sync_author_detail(self, key)

    return cut_then_sync

_OLDEST = datetime(1971, 1, 1, tzinfo=timezone.utc)
_MAX_GUID = 1024  # longer "guids" are hashed: a store key, not a document

__all__ = ["ParseError", "parse_feed"]


class ParseError(Exception):
    """The body is not a usable feed.  `kind` is NOT_A_FEED, ENTITIES or EMPTY."""

    def __init__(self, kind: ErrorKind, message: str):
        super().__init__(f"{kind}: {message}")
        self.kind = kind
        self.message = message


def parse_feed(
    body: bytes, headers: Mapping[str, str], url: str, *, now: datetime | None = None,
    engine: Engine = "auto", zone: tzinfo = timezone.utc,
) -> ParsedFeed:
    """The feed in `body` (fetched from `url` with response `headers`) as records; a date that
    names no zone is a time in `zone` (the site's)."""
    if not body or not body.strip():
        raise ParseError(ErrorKind.EMPTY, "the response body is empty")
    lower = {k.lower(): v for k, v in headers.items()}
    decoded, utf8 = decode_checked(body, lower.get("content-type", ""))
    text = decoded.lstrip("\ufeff \t\r\n")
    if not text:
        raise ParseError(ErrorKind.EMPTY, "the response body is only whitespace")
    # The UTF-8 a parser reads: the body itself where it was UTF-8 and nothing was repaired
    # (encoding 100 KB again costs more than the XML parse).
    data = None
    if utf8:
        data = body[len(decoded[: len(decoded) - len(text)].encode("utf-8")) :]
    _refuse_entities(text)
    base = _document_base(url, lower.get("content-location"))
    now = now or datetime.now(timezone.utc)
    now = now if now.tzinfo else now.replace(tzinfo=timezone.utc)
    if text[0] in "{[":
        return _parse_json_feed(text, base, now, zone)
    root = _root_element(text)
    if root is not None and root.split(":")[-1].lower() == "html":
        raise ParseError(ErrorKind.NOT_A_FEED, "an HTML page, not a feed")
    return _parse_xml(text, base, lower.get("content-language"), now, root, engine, data, zone)


# --- refusing what is not a feed -------------------------------------------------------------------

# r"<!\s*entity" with re.I, spelled out (what IGNORECASE matches, dotted and dotless i
# included): without the flag the pattern starts with a literal "<!" that re finds fast.
_ENTITY = re.compile("<![\\s\x1c-\x1f\x85\xa0]*[Ee][Nn][Tt][Ii\u0130\u0131][Tt][Yy]")


class _RootReached(Exception):
    pass


def _refuse_entities(text: str) -> None:
    """ParseError(ENTITIES) when the prolog declares an entity (see the module docstring).

    Only an XML parser can say where the prolog ends (literals and comments may hold anything), so
    when "<!ENTITY" occurs at all, expat reads the prolog alone: it reports each declaration before
    expanding anything, and stops at the root element.  A prolog expat cannot read counts as
    declaring entities when "<!ENTITY" occurs anywhere: refusing a broken document costs nothing.
    """
    if not _ENTITY.search(text):  # the fast path for every normal feed
        return
    data = text.encode("utf-8", "replace")
    root_at = _prolog_length(data)
    if root_at is None or _ENTITY.search(text, 0, root_at):
        raise ParseError(
            ErrorKind.ENTITIES,
            "the document declares XML entities (<!ENTITY): refused as an entity bomb or XXE",
        )


def _prolog_length(data: bytes) -> int | None:
    """Characters before the root element as expat sees them; None if it declares an entity or
    expat fails before the root element."""
    parser = expat.ParserCreate("utf-8")

    def entity(*_: Any) -> None:
        raise _RootReached("entity")

    def start(*_: Any) -> None:
        raise _RootReached("root")

    parser.EntityDeclHandler = entity
    parser.StartElementHandler = start
    try:
        parser.Parse(data, True)
    except _RootReached as reached:
        if str(reached) == "entity":
            return None
        return len(data[: parser.CurrentByteIndex].decode("utf-8", "replace"))
    except expat.ExpatError:
        return None
    return None


# Possessive quantifiers: "<!DOCTYPE [][][]..." without ">" must fail in linear time.
_SKIP_PROLOG = re.compile(r"\s++|<\?.*?\?>|<!--.*?-->|<!DOCTYPE(?:[^\[>]++|\[[^\]]*+\])*+>", re.S | re.I)
_START_TAG = re.compile(r"<([A-Za-z_][\w.:-]*)")


def _root_element(text: str) -> str | None:
    """The name of the root element, or None when the text does not start like XML."""
    pos = 0
    while match := _SKIP_PROLOG.match(text, pos):
        if match.end() == pos:
            break
        pos = match.end()
    tag = _START_TAG.match(text, pos)
    return tag.group(1) if tag else None


def _not_a_feed(text: str, root: str | None, parsed: Any) -> ParseError:
    if root is None:
        what = "not XML" if text[:1] != "<" else "no root element found"
    elif parsed.get("version"):
        what = "a malformed feed without readable entries"
    else:
        what = f"an XML document with root element <{root}>, not RSS, Atom or RDF"
    problem = parsed.get("bozo_exception")
    detail = f" ({_first_line(str(problem))})" if problem else ""
    return ParseError(ErrorKind.NOT_A_FEED, f"not a feed: {what}{detail}")


def _first_line(text: str, limit: int = 200) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    return line[:limit]


# --- XML feeds via feedparser ----------------------------------------------------------------------


def _document_base(url: str, content_location: str | None) -> str:
    joined = _join(url, content_location.strip()) if content_location else None
    return joined if absolute_http_url(joined) else url


def _join(base: str, url: str) -> str | None:
    """urljoin, or None where either URL is malformed (urljoin raises on "http://[::1")."""
    try:
        return urljoin(base, url)
    except ValueError:
        return None


def _parse_xml(
    text: str, base: str, language: str | None, now: datetime, root: str | None,
    engine: Engine = "auto", data: bytes | None = None, zone: tzinfo = timezone.utc,
) -> ParsedFeed:  # fmt: skip
    data = data if data is not None else text.encode("utf-8", "replace")
    parsed: Any = None
    if engine != "feedparser":
        parsed = _read_with_lxml(data, base, language, strict=engine == "lxml")
    if parsed is None:  # only now: the look for XHTML costs every feed lxml reads 10-40 µs
        as_html = _xhtml_as_html(data)
        if engine == "auto" and as_html is not data:
            parsed = _read_with_lxml(as_html, base, language, strict=False)
        data = as_html
    if parsed is None:
        parsed = _read_with_feedparser(data, text, base, language, root)
    feed = parsed["feed"]
    feed_language = _language(feed.get("language")) or _language(language)
    feed_author = _author(feed)
    # Atom (RFC 4287 4.2.1): an entry without an author has the feed's.  RSS's channel-level
    # managingEditor is an editor, not the writer of every post.
    inherited = feed_author if str(parsed.get("version", "")).startswith("atom") else ""
    entries = _unique(_entry(e, base, feed_language, now, zone, inherited) for e in parsed["entries"])
    return ParsedFeed(
        title=plain_text(_html_of(feed.get("title_detail"), feed.get("title", ""))),
        home_url=absolute_http_url(feed.get("link")),
        language=feed_language,
        entries=entries,
        author=feed_author,
        subtitle=plain_text(_html_of(feed.get("subtitle_detail"), feed.get("subtitle", "")))[:1000],
    )


# More are left as they are, for feedparser and its tag budget: 1,000 entries with an XHTML title,
# summary and content fit, and rewriting as many costs ~0.1 s.
MAX_XHTML_CONSTRUCTS = 10_000
# An Atom text construct's type="xhtml" (feedparser takes the MIME type too), anywhere in a start tag.
_XHTML_TYPE = re.compile(rb"\stype\s*=\s*([\"'])(?:xhtml|application/xhtml\+xml)\1", re.I)
_ATTRIBUTES = rb"(?:[^<>\"']++|\"[^\"<]*+\"|'[^'<]*+')*+"  # possessive: linear on hostile tags
# The start or end tag of an Atom text construct (Atom's prefix, if any, in the name).
_TEXT_CONSTRUCT_TAG = re.compile(
    rb"<(/?)((?:[A-Za-z_][\w.-]*:)?(?:content|summary|title|subtitle|rights))(?=[\s/>])" + _ATTRIBUTES + rb">"
)
_DIV = re.compile(rb"<(/?)(?:[A-Za-z_][\w.-]*:)?div(?=[\s/>])" + _ATTRIBUTES + rb">")
_PREFIX = re.compile(rb"<(/?)[A-Za-z_][\w.-]*:")
_CDATA = re.compile(rb"<!\[CDATA\[(.*?)\]\]>", re.S)


def _xhtml_as_html(data: bytes) -> bytes:
    """`data` with its first `MAX_XHTML_CONSTRUCTS` type="xhtml" text constructs rewritten as
    type="html" holding their markup as text (CDATA), up to the first that never ends (the module
    docstring, step 5)."""
    if b"xhtml" not in data or not _XHTML_TYPE.search(data):  # a memchr-speed look: most feeds
        return data
    pieces: list[bytes] = []
    done = pos = 0
    while len(pieces) < 3 * MAX_XHTML_CONSTRUCTS and (typed := _XHTML_TYPE.search(data, pos)):
        start = data.rfind(b"<", pos, typed.start())  # the tag holding this type="xhtml"
        tag = _TEXT_CONSTRUCT_TAG.match(data, start) if start >= 0 else None
        if tag is None or tag[1] or tag.end() <= typed.end() or tag.group().endswith(b"/>"):
            pos = max(typed.end(), data.find(b">", typed.end()) + 1)  # past that tag
            continue
        end = _end_of(data, tag[2], tag.end())
        if end is None:
            break  # a search per unended element would cost quadratic time
        start_tag = tag.group()[: typed.start() - start] + _XHTML_TYPE.sub(
            rb" type=\1html\1", tag.group()[typed.start() - start :], count=1)
        pieces += [data[done:start], start_tag, _as_cdata(_html_of_xhtml(data[tag.end() : end]))]
        done = pos = end
    return b"".join(pieces) + data[done:] if pieces else data


def _end_of(data: bytes, name: bytes, pos: int) -> int | None:
    """Where the element `name` opened before `pos` ends (its end tag), None if it never does."""
    depth = 1
    for tag in _TEXT_CONSTRUCT_TAG.finditer(data, pos):
        if tag[2] == name and not tag.group().endswith(b"/>"):
            depth += -1 if tag[1] else 1
            if depth == 0:
                return tag.start()
    return None


def _html_of_xhtml(markup: bytes) -> bytes:
    """XHTML content as HTML: without the <div> that wraps all of it, prefixes and CDATA."""
    markup = _PREFIX.sub(rb"<\1", _unwrapped(markup.strip()))
    return _CDATA.sub(lambda m: _escaped(m[1]), markup) if b"<![CDATA[" in markup else markup


def _unwrapped(markup: bytes) -> bytes:
    first = _DIV.match(markup)
    if first is None or first[1] or first.group().endswith(b"/>"):
        return markup
    depth = 0
    for div in _DIV.finditer(markup):
        if not div.group().endswith(b"/>"):
            depth += -1 if div[1] else 1
        if depth == 0:
            return markup[first.end() : div.start()] if div.end() == len(markup) else markup
    return markup


def _escaped(markup: bytes) -> bytes:
    return markup.replace(b"&", b"&amp;").replace(b"<", b"&lt;").replace(b">", b"&gt;")


def _as_cdata(markup: bytes) -> bytes:
    """Text as one CDATA section: feedparser's loose parser calls Python for every "&lt;"."""
    return b"<![CDATA[" + markup.replace(b"]]>", b"]]]]><![CDATA[>") + b"]]>"


def _read_with_lxml(data: bytes, base: str, language: str | None, *, strict: bool) -> Any:
    """xmlreader's records, or None where feedparser must read the document (`strict`: raise)."""
    try:
        return xmlreader.read(_within_tag_budget(data, MAX_LXML_TAGS), base, language)
    except xmlreader.Unsupported:
        if strict:
            raise
    return None


def _read_with_feedparser(data: bytes, text: str, base: str, language: str | None,
                          root: str | None) -> Any:  # fmt: skip
    headers = {"content-type": "application/xml; charset=utf-8", "content-location": base}
    if language:
        headers["content-language"] = language
    try:
        parsed = _feedparser().parse(
            io.BytesIO(_without_crowded_element(_within_tag_budget(data, MAX_FEEDPARSER_TAGS))),
            response_headers=headers, sanitize_html=False,
            resolve_relative_uris=False,
        )  # fmt: skip
    except Exception as error:  # feedparser's loose parser has crashed on odd input before
        raise ParseError(ErrorKind.NOT_A_FEED, f"feedparser failed: {type(error).__name__}") from error
    if not parsed.entries and (parsed.get("bozo") or not parsed.get("version")):
        # Not well-formed and nothing to read (a truncated download, an HTML page, random bytes):
        # an error the status shows, not a silently empty feed.
        raise _not_a_feed(text, root, parsed)
    return parsed


# feedparser spends 20-45 µs of Python on every tag (its loose parser on every tag of a broken
# body's HTML too): 1.5 MB of "<p>" cost it 13 s.  Past this many tags outside CDATA it reads the
# entries before the one that reaches it: under 2 s, and 1,000 podcast episodes fit.
MAX_FEEDPARSER_TAGS = 50_000
# lxml's tree takes some 120 bytes an element: 60 MB for this many, a second of the reader.
MAX_LXML_TAGS = 500_000
_TAG_OR_CDATA = re.compile(rb"<!\[CDATA\[.*?(?:\]\]>|\Z)|<", re.S)
_ENTRY_START = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:item|entry)[\s/>]")
# A start tag with more than xmlreader.MAX_ATTRIBUTES attributes, as feedparser's loose parser
# reads them too (values optional, unquoted, or right after a quoted one).  Possessive: linear.
_CROWDED_TAG = re.compile(
    rb"<[A-Za-z_][^\s/>]*+(?:[\s/]*+[^\s/>=]++(?:\s*+=\s*+(?:\"[^\"]*+\"|'[^']*+'|[^\s>]*+))?+){%d}"
    % (xmlreader.MAX_ATTRIBUTES + 1)
)


def _within_tag_budget(data: bytes, budget: int) -> bytes:
    """`data`, or its part before the entry holding its `budget`-th tag outside CDATA (all of it
    before that tag if no entry starts earlier: then it has no entries, and is an error).  Cut,
    it is no longer well-formed: the lxml reader leaves it to feedparser, with its own budget."""
    if data.count(b"<") <= budget:  # a memchr count: every ordinary feed
        return data
    tags = 0
    for match in _TAG_OR_CDATA.finditer(data):
        tags += match.end() - match.start() == 1  # a "<", not a CDATA section
        if tags > budget:
            cut = match.start()
            break
    else:
        return data
    return _before_entry_at(data, cut)


def _without_crowded_element(data: bytes) -> bytes:
    """`data` up to the entry holding an element with more than xmlreader.MAX_ATTRIBUTES
    attributes (or that element, outside any entry), if it has one.  Text in CDATA is no element:
    a plain-text post saying "if a<b then" and a thousand words before the next ">" cost it and
    every older post."""
    start = 0
    while crowded := _CROWDED_TAG.search(data, start):
        opened = data.rfind(b"<![CDATA[", start, crowded.start())
        closed = data.find(b"]]>", opened) if opened != -1 else -1
        if opened == -1 or -1 < closed < crowded.start():
            return _before_entry_at(data, crowded.start())
        if closed == -1:  # a CDATA section the body never closes: nothing after it is markup
            return data
        start = closed + 3
    return data


def _before_entry_at(data: bytes, cut: int) -> bytes:
    """`data` before the entry that holds position `cut`, or before `cut` if no entry starts earlier."""
    last_entry = None
    for last_entry in _ENTRY_START.finditer(data, 0, cut):
        pass
    return data[: last_entry.start() if last_entry else cut]


def _unique(entries: Any) -> tuple[ParsedEntry, ...]:
    """Each entry once.  Two entries with one guid are one post listed twice, but where their
    addresses differ, two posts whose blog gave them one guid (a template's bug): the first
    keeps it, the other is known by its address, not dropped."""
    seen: dict[str, ParsedEntry] = {}
    for entry in entries:
        if entry is None:
            continue
        if entry.guid in seen:
            if not entry.url or entry.url == seen[entry.guid].url or entry.url in seen:
                continue
            entry = replace(entry, guid=entry.url)
        seen[entry.guid] = entry
    return tuple(seen.values())


def _entry(
    e: Any, base: str, feed_language: str | None, now: datetime, zone: tzinfo, feed_author: str = ""
) -> ParsedEntry | None:
    title = _html_of(e.get("title_detail"), e.get("title", ""))
    content = _content(e)
    summary = _html_of(e.get("summary_detail"), e.get("summary", "")) or _second_summary(e)
    raw_link = _str(e.get("link"))  # a guid taken as link is not resolved yet: see the top
    link = (absolute_http_url(_join(base, raw_link)) if raw_link else None) or ""
    if not (title.strip() or content.strip() or summary.strip() or link):
        return None  # nothing to show and nothing to identify it by
    # dict.get: FeedParserDict answers "updated" with "published" (and a DeprecationWarning)
    published_raw = dates.utc_datetime(dict.get(e, "published_parsed"))  # as UTC: what a guid made of it holds
    updated_raw = dates.utc_datetime(dict.get(e, "updated_parsed"))
    published, updated = _entry_date(e, "published", zone), _entry_date(e, "updated", zone)
    in_reply_to, in_reply_to_url = _in_reply_to(e, content or summary, link)
    author = _mapping(e.get("author_detail"))
    comment_count = _comment_count(e)
    return ParsedEntry(
        guid=_guid(e, link, title, published_raw or updated_raw, summary or content),
        url=link,
        title=title,
        author=_author(e) or feed_author,
        published=_plausible(published, now) or _plausible(updated, now),
        updated=_plausible(updated, now),
        summary_html=summary,
        content_html=content or summary,
        categories=_categories(e.get("tags") or ()),
        base_url=_entry_base(e, link, base),
        language=_entry_language(e) or feed_language,
        comment_feed=_comment_feed(e) or _blogger_comment_feed(e, link, comment_count),
        comment_count=comment_count,
        in_reply_to=in_reply_to,
        in_reply_to_url=in_reply_to_url,
        author_url=_str(author.get("href")) or _ping_source(title, content or summary, link),
        attachments=_attachments(e),
    )


# Dotclear's comment feeds title a ping "[ping] <post> - <blog>" and give no author link: the page
# that linked is the one link of the first paragraph, `<p><a href="…">its title</a></p> excerpt`.
_PING_SOURCE = re.compile(r"""\s*<p>\s*<a\s+href=(["'])([^"'<>\s]+)\1\s*>[^<]*</a>\s*</p>""", re.I)


def _ping_source(title: str, body: str, link: str) -> str | None:
    """The page a Dotclear ping came from, named as its author's link (as WordPress does)."""
    if not title.lstrip().startswith("[ping]"):
        return None
    match = _PING_SOURCE.match(body)
    return absolute_http_url(_join(link, html.unescape(match.group(2)))) if match else None


def _attachments(e: Any) -> tuple[ParsedAttachment, ...]:
    """The entry's enclosures (links of rel "enclosure": RSS's, Atom's) and Media RSS contents,
    in that order, as written.  An Atom link without a type is "text/html" to both readers:
    unknown here."""
    found = [
        ParsedAttachment(_str(link.get("href")), _enclosure_type(link), _str(link.get("length")), "",
                         _str(link.get("title")))
        for link in e.get("links") or () if link.get("rel") == "enclosure" and _str(link.get("href"))
    ]  # fmt: skip
    found += [
        ParsedAttachment(_str(media.get("url")), _str(media.get("type")), _str(media.get("filesize")),
                         _str(media.get("medium")), _str(media.get("media_description")))
        for media in e.get("media_content") or () if isinstance(media, Mapping) and _str(media.get("url"))
    ]  # fmt: skip
    return tuple(found)


def _enclosure_type(link: Mapping[str, Any]) -> str:
    kind = _str(link.get("type"))
    return "" if kind == "text/html" else kind


def _json_attachments(item: dict[str, Any]) -> tuple[ParsedAttachment, ...]:
    """A JSON Feed item's attachments (url, mime_type, title, size_in_bytes)."""
    def text(attachment: dict[str, Any], key: str) -> str:
        value = attachment.get(key)
        return value.strip() if isinstance(value, str) else str(value) if type(value) is int else ""

    attachments = item.get("attachments") if isinstance(item.get("attachments"), list) else ()
    return tuple(ParsedAttachment(text(a, "url"), text(a, "mime_type"), text(a, "size_in_bytes"), "",
                                  text(a, "title"))
                 for a in attachments if isinstance(a, dict) and text(a, "url"))  # fmt: skip


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _str(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _html_of(detail: Any, value: Any) -> str:
    """An element's value as HTML: plain text is escaped so that clean can always read HTML."""
    value = value if isinstance(value, str) else ""
    kind = (detail or {}).get("type") or "text/html"
    if "html" in kind:
        return value
    return html.escape(value, quote=False)


def _content(e: Any) -> str:
    """The longest of the entry's <content> values (Atom allows several, feeds repeat themselves)."""
    values = [_text_block(c) for c in e.get("content") or () if isinstance(c, Mapping)]
    return max(values, key=len, default="")


def _second_summary(e: Any) -> str:
    """The entry's <media:description> (a YouTube video's text, a photo's alt text) or its
    <itunes:summary>, as HTML: a text, unless it looks like HTML (as feedparser guesses)."""
    for name in SECOND_SUMMARIES:
        value = e.get(name)
        if isinstance(value, str) and value.strip():
            kind = "html" if xmlreader.looks_like_html(value) else "text"
            return _text_block({"value": value, "type": kind})
    return ""


def _text_block(detail: Mapping[str, Any]) -> str:
    value = detail.get("value") if isinstance(detail.get("value"), str) else ""
    if "html" in (detail.get("type") or "text/html"):
        return value
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", value) if p.strip()]
    return "".join(f"<p>{html.escape(p, quote=False).replace(chr(10), '<br>')}</p>" for p in paragraphs)


def _guid(e: Any, link: str, title: str, date: datetime | None, summary: str) -> str:
    guid = _str(e.get("id")) or link
    if not guid:
        parts = [title.strip(), date.isoformat() if date else ""]
        if date is None:
            parts.append(summary.strip())
        guid = "sha1:" + hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()
    if len(guid) > _MAX_GUID:
        guid = "sha1:" + hashlib.sha1(guid.encode("utf-8")).hexdigest()
    return guid


def _entry_date(e: Any, key: str, zone: tzinfo) -> datetime | None:
    """An entry's date (`key`: "published", "updated") as written, by dates.read_date.  A time
    written without its zone is one on the writer's clock, read in `zone`, the site's (where a
    Blogparade's or a company's blogs are), as the site reads a page's date or a webmention's:
    feedparser takes it for UTC, and a German post written at 23:30 showed the next day, and
    could fall out of a parade's window."""
    written = dict.get(e, key)
    if isinstance(written, str):
        return dates.read_date(written, zone)
    return dates.utc_datetime(dict.get(e, key + "_parsed"))


def _plausible(date: datetime | None, now: datetime) -> datetime | None:
    if date is None or date < _OLDEST or date > now + FUTURE_TOLERANCE:
        return None
    return date


def _author(e: Any) -> str:
    """The author's name.  feedparser cuts e-mail addresses out with a pattern that knows only
    two- to four-letter top-level domains ("redaktion@blog.example" leaves the name "ple"), so
    where its raw `author` holds an address, the name comes from that string alone."""
    raw = e.get("author") if isinstance(e.get("author"), str) else ""
    if "@" in raw:
        return _name(raw)
    detail = e.get("author_detail") or {}
    candidates = [raw, detail.get("name")]
    candidates += [a.get("name") for a in e.get("authors") or () if isinstance(a, Mapping)]
    for candidate in candidates:
        name = _name(candidate) if isinstance(candidate, str) else ""
        if name:
            return name
    return ""


def _name(raw: str) -> str:
    """Plain text without addresses; WordPress writes names HTML-escaped even inside CDATA."""
    return strip_email(plain_text(raw[:xmlreader.MAX_AUTHOR_TEXT]))


def _categories(tags: Any) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for tag in tags:
        if not isinstance(tag, Mapping):
            continue
        name = plain_text(_str(tag.get("label") or tag.get("term")))
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return tuple(seen.values())


def _entry_base(e: Any, link: str, document_base: str) -> str:
    """xml:base in effect for the entry's content where declared, else its link, else the feed URL."""
    for detail in [*(e.get("content") or ()), e.get("summary_detail"), e.get("title_detail")]:
        declared = absolute_http_url((detail or {}).get("base"))
        if declared and declared != document_base:
            return declared
    return link or document_base


_LANGUAGE = re.compile(r"^\s*([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*\s*$")


def _language(value: Any) -> str | None:
    """'de-DE', 'de_at', 'DE' -> 'de'; anything that is not a language tag -> None."""
    match = _LANGUAGE.match(value) if isinstance(value, str) else None
    return match.group(1).lower() if match else None


def _entry_language(e: Any) -> str | None:
    for detail in [*(e.get("content") or ()), e.get("summary_detail"), e.get("title_detail")]:
        language = _language((detail or {}).get("language"))
        if language:
            return language
    return _language(e.get("language"))


def _comment_feed(e: Any) -> str | None:
    """RSS wfw:commentRss, else an Atom <link rel="replies"> to a feed (Atom preferred)."""
    url = absolute_http_url(e.get("wfw_commentrss"))
    if url:
        return url
    replies = [link for link in e.get("links") or () if link.get("rel") == "replies"]
    for kind in ("application/atom+xml", "application/rss+xml"):
        for link in replies:
            if link.get("type") == kind and absolute_http_url(link.get("href")):
                return absolute_http_url(link.get("href"))
    return None


_BLOGGER_POST = re.compile(r"tag:blogger\.com,1999:blog-\d+\.post-(\d+)")


def _blogger_comment_feed(e: Any, link: str, count: int | None) -> str | None:
    """A Blogger post's comment feed where its entry names none: Blogger's RSS
    (`/feeds/posts/default?alt=rss`) has no link to it, its Atom a rel="replies" one; every post
    has it at `/feeds/<post>/comments/default` on the blog's host.  Only where the entry counts
    its comments (thr:total): Blogger counts none where comments are switched off."""
    post = _BLOGGER_POST.fullmatch(_str(e.get("id"))) if count is not None else None
    if post is None or not link:
        return None
    parts = urlsplit(link)
    return f"{parts.scheme}://{parts.netloc}/feeds/{post.group(1)}/comments/default"


def _comment_count(e: Any) -> int | None:
    """slash:comments, else thr:total, else thr:count on a replies link."""
    candidates = [e.get("slash_comments"), e.get("thr_total")]
    for link in e.get("links") or ():
        if link.get("rel") == "replies":
            candidates += [link.get("thr:count"), link.get("count")]
    for value in candidates:
        count = _count(value)
        if count is not None:
            return count
    return None


def _count(value: Any) -> int | None:
    if isinstance(value, str) and re.fullmatch(r"\s*\d{1,9}\s*", value):
        return int(value)
    return None


# Blogger's thr:in-reply-to names the post for every comment, replies included; a reply names its
# parent only in <link rel="related"> to the parent's entry in the post's comment feed.
_BLOGGER_COMMENT = re.compile(r"tag:blogger\.com,1999:blog-(\d+)\.post-\d+")
_BLOGGER_PARENT = re.compile(r"(?i:https?://(?:www\.)?blogger\.com)/feeds/(\d+)/\d+/comments/default/(\d+)")


def _in_reply_to(e: Any, body: str, link: str) -> tuple[str | None, str | None]:
    """The ref and href of thr:in-reply-to; for a Blogger reply, its parent comment's id and no
    href (Blogger's href is the post's page, which names no comment);
    without either, the parent linked by an "In reply to …" paragraph (WordPress's RSS)."""
    reply = _mapping(e.get("thr_in-reply-to"))
    ref, href = _str(reply.get("ref")) or None, _str(reply.get("href")) or None
    parent = _blogger_parent(e)
    if parent is not None and parent != ref:
        return parent, None
    if ref or href:
        return ref, href
    marker = reply_marker(body)
    if marker is None:
        return None, None
    parent_link = absolute_http_url(_join(link, html.unescape(marker.href))) if link else None
    parent_link = parent_link or absolute_http_url(html.unescape(marker.href))
    # A link to another site's comment is a comment that quotes it, not a reply.
    if parent_link and (not link or _host(parent_link) == _host(link)):
        return None, parent_link
    return None, None


def _host(url: str) -> str:
    return host_key(urlsplit(url).hostname or "")


def _blogger_parent(e: Any) -> str | None:
    """The id of the comment a Blogger comment replies to: its related link names the parent's
    feed entry, whose id is Blogger's tag (same blog id) with the parent's number."""
    own = _BLOGGER_COMMENT.fullmatch(_str(e.get("id")))
    if own is None:
        return None
    for link in e.get("links") or ():
        related = _BLOGGER_PARENT.fullmatch(_str(link.get("href"))) if link.get("rel") == "related" else None
        if related and related.group(1) == own.group(1):
            return f"tag:blogger.com,1999:blog-{related.group(1)}.post-{related.group(2)}"
    return None


# --- JSON Feed -------------------------------------------------------------------------------------


def _parse_json_feed(text: str, base: str, now: datetime, zone: tzinfo) -> ParsedFeed:
    try:
        data = json.loads(text, object_pairs_hook=_without_lone_surrogates)
    except (ValueError, RecursionError) as error:
        raise ParseError(ErrorKind.NOT_A_FEED, f"not a feed: malformed JSON ({error})") from None
    version = data.get("version") if isinstance(data, dict) else None
    if not isinstance(version, str) or not version.startswith("https://jsonfeed.org/version/"):
        raise ParseError(ErrorKind.NOT_A_FEED, "JSON, but not a JSON Feed")
    language = _language(data.get("language"))
    home = absolute_http_url(data.get("home_page_url"))
    authors = _json_authors(data)
    items = data.get("items") if isinstance(data.get("items"), list) else []
    entries = _unique(_json_entry(i, home or base, authors, language, now, zone) for i in items
                      if isinstance(i, dict))
    title = data.get("title") if isinstance(data.get("title"), str) else ""
    description = data.get("description") if isinstance(data.get("description"), str) else ""
    author = next((_name(a["name"]) for a in authors if isinstance(a.get("name"), str)), "")
    return ParsedFeed(plain_text(html.escape(title)), home, language, entries, author=author,
                      subtitle=plain_text(html.escape(description))[:1000])


def _without_lone_surrogates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """A JSON object, its texts (and its lists' texts: "tags") without lone surrogates: an emoji
    cut in half ("\\ud83c" alone) is one, which no store or page can hold, so the item failed
    the whole feed.  Each becomes U+FFFD, as a broken byte in UTF-8 does."""
    return {key: [_whole(item) for item in value] if isinstance(value, list) else _whole(value)
            for key, value in pairs}  # fmt: skip


def _whole(value: Any) -> Any:
    if not isinstance(value, str) or value.isascii():
        return value
    return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _json_date(written: str, zone: tzinfo) -> datetime | None:
    """An item's date: RFC 3339 as JSON Feed asks, or what a feed's date may be (_entry_date)."""
    return dates.read_date(written, zone) if written else None


def _as_utc(written: str) -> datetime | None:
    return dates.utc_datetime(_parse_date(written)) if written else None


def _json_authors(obj: dict[str, Any]) -> list[dict[str, Any]]:
    authors = obj.get("authors") if isinstance(obj.get("authors"), list) else [obj.get("author")]
    return [a for a in authors if isinstance(a, dict)]


def _json_entry(item: dict[str, Any], base: str, feed_authors: list[dict[str, Any]],
                feed_language: str | None, now: datetime, zone: tzinfo) -> ParsedEntry | None:
    def text(key: str) -> str:
        return item[key] if isinstance(item.get(key), str) else ""

    title = html.escape(text("title"), quote=False)
    content = text("content_html") or _text_block({"value": text("content_text"), "type": "text"})
    summary = html.escape(text("summary"), quote=False)
    link = absolute_http_url(_join(base, text("url"))) if text("url") else None
    link = link or absolute_http_url(text("external_url")) or ""
    if not (title or content or summary or link):
        return None
    published = _json_date(text("date_published"), zone)
    updated = _json_date(text("date_modified"), zone)
    authors = _json_authors(item) or feed_authors
    author = next((_name(a["name"]) for a in authors if isinstance(a.get("name"), str)), "")
    item_id = item.get("id")
    e = {"id": str(item_id) if isinstance(item_id, (str, int)) and item_id != "" else ""}
    tags = [{"term": t} for t in item.get("tags") or () if isinstance(t, str)]
    # A guid made of the date (no id, no link) stays the one first made: of the time read as UTC.
    dated = None if e["id"] or link else _as_utc(text("date_published")) or _as_utc(text("date_modified"))
    return ParsedEntry(
        guid=_guid(e, link, title, dated, summary or content),
        url=link,
        title=title,
        author=author,
        published=_plausible(published, now) or _plausible(updated, now),
        updated=_plausible(updated, now),
        summary_html=summary,
        content_html=content or summary,
        categories=_categories(tags),
        base_url=link or base,
        language=_language(item.get("language")) or feed_language,
        author_url=next((a["url"] for a in authors if isinstance(a.get("url"), str)), None),
        attachments=_json_attachments(item),
    )
