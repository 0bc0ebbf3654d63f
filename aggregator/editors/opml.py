"""OPML: the blog roll out (for feed readers, and published on the site) and blog rolls in.

Export writes OPML 2.0: one ``<outline type="rss">`` per active participant, its kind as the
outline's category ("corporate" / "employee"), so an export read back keeps the kinds.

Reading takes bytes from anywhere and trusts none of them: a document with a DOCTYPE is refused
before anything in it is expanded (entity bombs, XXE: expat reports the DOCTYPE first), and a
file that is not OPML gets an `OpmlError` saying why.  Outlines may nest (folders); every outline
with an ``xmlUrl`` is a feed, and one with only a home page (an ``htmlUrl``, or a ``type="link"``
outline's ``url``: WordPress's link manager exports its blog roll so, with an empty xmlUrl) is a
blog whose feed is discovered there.  Importing joins each as `blogparade join` would (discovered,
fetched, validated), so one bad entry is reported and the others still join.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, replace
from datetime import datetime
from email.utils import format_datetime
from typing import TYPE_CHECKING, Iterable
from urllib.parse import urlsplit, urlunsplit
from xml.parsers import expat

from ..languages import language_tag
from ..models import Kind, Participant
from ..urls import feed_key
from ..xmltext import xml_text
from .participants import DISPLAYS, KINDS, LIMITS, clean_text, has_login, write_participant

if TYPE_CHECKING:
    from ..feeds.fetch import Fetcher
    from ..site import Site
    from .join import JoinError

MAX_BYTES = 10 * 1024 * 1024  # a blog roll of 10 MB would be a hundred thousand blogs


class OpmlError(Exception):
    """The file is not a usable OPML file; the message says why, for a person."""


@dataclass(frozen=True)
class OpmlFeed:
    xml_url: str  # "" for an outline that names only the blog's home page
    html_url: str | None = None
    title: str = ""
    kind: Kind | None = None  # from the outline's category, as export writes it
    department: str = ""  # as export writes it (an attribute of its own)
    display: str = ""  # "full" or "excerpt", where the outline says (export's own attribute)
    language: str = ""  # the outline's, for a feed that names none
    # The same feed (or home page) listed again further down, as written there: joined once.
    repeats: tuple[str, ...] = ()

    @property
    def address(self) -> str:
        """What is joined: the feed, else the home page its feed is discovered on."""
        return self.xml_url or self.html_url or ""


# --- export -------------------------------------------------------------------------------------


def export_opml(
    participants: Iterable[Participant], *, title: str, created: datetime | None = None
) -> str:
    """OPML 2.0 of the active participants.  Without `created` the output depends only on the
    participants, so a published copy changes only when the blog roll does."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = xml_text(title)
    if created is not None:
        ET.SubElement(head, "dateCreated").text = format_datetime(created)
    ET.SubElement(head, "docs").text = "http://opml.org/spec2.opml"
    body = ET.SubElement(root, "body")
    for participant in participants:
        if participant.active:
            ET.SubElement(body, "outline", _outline(participant))
    ET.indent(root, space="  ")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _outline(participant: Participant) -> dict[str, str]:
    attributes = {
        "type": "rss",
        "text": participant.name,
        "title": participant.name,
        "xmlUrl": participant.feed,
        "htmlUrl": participant.home,
        "language": participant.language,
        "category": participant.kind,  # no slash: a tag, in OPML 2.0's words
        # Not OPML's (2.0 lets an outline carry attributes of its own), for a site that imports
        # it: a department as written (a category path would split "Forschung, Entwicklung").
        "department": participant.department,
        "display": participant.display if participant.display != "excerpt" else None,
    }
    return {key: xml_text(value) for key, value in attributes.items() if value}


# --- reading ------------------------------------------------------------------------------------


class _Refused(Exception):
    pass


def read_opml(data: bytes) -> list[OpmlFeed]:
    """The feeds of an OPML file, in document order, each feed once.  OpmlError if unusable."""
    if len(data) > MAX_BYTES:
        raise OpmlError(f"not read: more than an OPML file of {MAX_BYTES} bytes has")
    reader = _Reader()
    parser = expat.ParserCreate()
    parser.StartDoctypeDeclHandler = reader.doctype
    parser.EntityDeclHandler = reader.doctype  # there is no entity without a DOCTYPE; belt and braces
    parser.ExternalEntityRefHandler = reader.external
    parser.StartElementHandler = reader.start
    parser.EndElementHandler = reader.end
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(data, True)
    except _Refused as refused:
        raise OpmlError(str(refused)) from None
    except expat.ExpatError as error:
        raise OpmlError(f"not an OPML file: not well-formed XML ({expat.errors.messages[error.code]}, "
                        f"line {error.lineno})") from None
    return reader.feeds()


class _Reader:
    """expat callbacks collecting the outlines that are feeds."""

    def __init__(self) -> None:
        self.root: str | None = None
        self.body = False
        self.depth = 0
        self.outlines: list[dict[str, str]] = []

    def doctype(self, *_: object) -> None:
        raise _Refused("refused: the file declares a DOCTYPE, which could hide an entity bomb or "
                       "XXE; OPML needs none")

    def external(self, *_: object) -> int:
        raise _Refused("refused: the file refers to an external entity")

    def start(self, name: str, attributes: dict[str, str]) -> None:
        self.depth += 1
        if self.root is None:
            self.root = name
            if name.lower() != "opml":
                raise _Refused(f"not an OPML file: the root element is <{name}>, not <opml>")
        elif name == "body" and self.depth == 2:
            self.body = True
        elif name == "outline" and self.body:
            # Exporters disagree on case (xmlUrl, xmlurl, XMLURL): attribute names are read without.
            self.outlines.append({key.lower(): value for key, value in attributes.items()})

    def end(self, name: str) -> None:
        self.depth -= 1

    def feeds(self) -> list[OpmlFeed]:
        if not self.body:
            raise OpmlError("not an OPML file: it has no <body>")
        feeds: dict[str, OpmlFeed] = {}
        for outline in self.outlines:
            feed = _feed(outline)
            if feed is None:
                continue
            key = feed_key(feed.address)
            if key in feeds:  # kept once; said, so that no one wonders where the second went
                first = feeds[key]
                feeds[key] = replace(first, repeats=(*first.repeats, feed.address))
            else:
                feeds[key] = feed
        if not feeds:
            raise OpmlError("no blogs in this OPML file: no <outline> has an xmlUrl, an htmlUrl "
                            "or, as a link, a url")
        return list(feeds.values())


def _feed(outline: dict[str, str]) -> OpmlFeed | None:
    xml_url = _http(outline.get("xmlurl", ""))
    link = outline.get("url", "") if outline.get("type", "").lower() == "link" else ""
    html_url = _http(outline.get("htmlurl", "") or link) or None
    if not xml_url and not html_url:
        return None  # a folder, or a link to another OPML file (type="include")
    # OPML 2.0: comma-separated, slash-delimited paths ("/Firmen/corporate"); any step may name it.
    steps = {step.strip().lower() for part in outline.get("category", "").split(",")
             for step in part.split("/")}
    kind = next((k for k in KINDS if k in steps), None)
    department = clean_text(outline.get("department", ""), LIMITS["department"])
    # Another program's export, not what the person typed: cleaned and cut to fit, as a feed's title is.
    title = clean_text(outline.get("title") or outline.get("text") or "", LIMITS["name"])
    display = outline.get("display", "").strip().lower()
    language = outline.get("language", "").strip()
    return OpmlFeed(xml_url, html_url, title, kind, department,  # type: ignore[arg-type]
                    display if display in DISPLAYS else "", language if language_tag(language) else "")


def _http(url: str) -> str:
    """feed:// and feed:https:// as the http(s) URLs they stand for; anything else as it is;
    either without a login in it."""
    url = url.strip()
    lowered = url.lower()
    if lowered.startswith("feed://"):
        url = "http://" + url[7:]
    elif lowered.startswith("feed:http"):
        url = url[5:]
    return _without_login(url)


def _without_login(url: str) -> str:
    """`url` without "user:password@": a feed reader's export may log in that way; here it would
    be published and sent along (a feed that needs the login says so when it is joined)."""
    try:
        if not has_login(url):
            return url
    except ValueError:
        return url  # join says it is no http(s) URL
    parts = urlsplit(url)
    return urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


# --- import -------------------------------------------------------------------------------------


async def import_opml(
    site: Site, data: bytes, fetcher: Fetcher | None = None
) -> list[tuple[OpmlFeed, Participant | JoinError]]:
    """Join every feed of an OPML file as `join` would; per feed, the participant or the error.

    One after another: each join sees the files the ones before it wrote, so a feed already on
    the site is reported, not joined twice.  The title in the file becomes the blog's name, its
    category the kind.  OpmlError for a file that is not usable at all (before any request).
    """
    feeds = read_opml(data)
    if fetcher is None:
        from ..feeds.fetch import Fetcher, FetchSettings

        async with Fetcher(FetchSettings.from_site(site)) as own:
            return await import_opml(site, data, own)
    return [(feed, await _join_one(site, feed, fetcher)) for feed in feeds]


async def _join_one(site: Site, feed: OpmlFeed, fetcher: Fetcher) -> Participant | JoinError:
    # Here, not at the top: exporting the blog roll (every build) needs none of the joining.
    from .join import JoinError, join

    # Exactly the feed listed: falling back to htmlUrl could join another feed of that blog
    # (all posts instead of one category), which is not what the file asked for.  Only an
    # outline without a feed is joined by its home page.
    try:
        participant, path, _ = await join(
            site, feed.address, name=feed.title or None, kind=feed.kind or "employee",
            fetcher=fetcher, department=feed.department,
        )  # fmt: skip
    except JoinError as error:
        return error
    # What the file says that the feed cannot: how the site shows the blog; its language where
    # the feed names none.
    kept = replace(participant, display=feed.display or participant.display,
                   language=participant.language or feed.language)  # fmt: skip
    if kept != participant:
        write_participant(path.parent, kept)
    return kept
