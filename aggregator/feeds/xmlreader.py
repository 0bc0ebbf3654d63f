"""xmlreader: well-formed RSS 2.0 and Atom 1.0 read with lxml into what feedparser makes of them.

feedparser reads a feed through SAX callbacks into Python per element and per chunk of text; for a
WordPress feed of 10 posts of ~11 KB that is 9 ms, most of a first run's parse.  lxml builds the
tree in C (0.4 ms); this module walks it and produces the dictionaries feedparser's strict parser
(the one it uses for well-formed XML) would produce, for the keys `parse.py` reads: the same
records either way, `parse.py` does everything after.

It reads only what it understands exactly and raises `Unsupported` for everything else, so that
feedparser reads it: a document lxml refuses (not well-formed, an undefined entity, too deep or
too large without huge_tree), a DOCTYPE, a root that is not `<rss version="2.x">` with one
`<channel>` or an Atom 1.0 `<feed>`, no entries at all (feedparser may call such a document
bozo), markup inside a text element (feedparser's inline-XHTML mode), Atom `type="xhtml"` or
base64 content, any element feedparser gives a meaning that matters here and this reader does not
model (RSS 1.0's `rdf:about`, iTunes and Media RSS titles, summaries and categories, GeoRSS,
`<source>` with children, images inside entries…), a relevant element nested deeper than feedparser
would read it here, the same element twice where feedparser's order rules decide, and namespace
prefixes bound in ways that make feedparser rename elements.

Rules kept exactly as feedparser 6 applies them (`mixin.py`, `namespaces/_base.py`): text
stripped, then URLs (links, comment feeds, author URIs) resolved against xml:base, then in RSS a
plain-text title that "looks like HTML" typed as HTML, then UTF-8-read-as-Latin-1 repaired and
C1 controls mapped as windows-1252; an RSS `<guid>` that is a permalink (and an Atom `<id>`)
is the link unless a link comes; `&amp;` in an entry's link unescaped; `content:encoded` also the
summary unless there is one; authors as `_sync_author_detail` splits "address (Name)"; categories
deduplicated as dictionaries; `xml:lang` and `xml:base` (also unprefixed `lang`, `base`)
inherited, the HTTP Content-Language below the root; namespaces matched as feedparser matches
them (case-insensitive URIs, its table of prefixes, an unknown namespace's first prefix).
tests/test_xmlreader.py compares both readers record for record on every test feed and the
shared corpus.

The parser never resolves entities, never touches the network, keeps libxml2's limits on depth
and size (huge_tree off), and parse.py refuses entity declarations before either reader runs.
"""

from __future__ import annotations

import html.entities
import io
import re
import urllib.parse
from functools import lru_cache
from typing import Any

from lxml import etree

from .dates import parse_date

__all__ = ["Unsupported", "read"]


class Unsupported(Exception):
    """This reader does not model the document (or lxml refuses it): feedparser reads it."""


# --- feedparser's tables, copied (tests/test_xmlreader.py checks them against feedparser) ---------

# Namespace URIs (lowercased) -> feedparser's prefix ("" for the RSS/Atom family).
NAMESPACES: dict[str, str] = {
    "": "",
    "http://backend.userland.com/rss": "",
    "http://blogs.law.harvard.edu/tech/rss": "",
    "http://purl.org/rss/1.0/": "",
    "http://my.netscape.com/rdf/simple/0.9/": "",
    "http://example.com/newformat#": "",
    "http://example.com/necho": "",
    "http://purl.org/echo/": "",
    "uri/of/echo/namespace#": "",
    "http://purl.org/pie/": "",
    "http://purl.org/atom/ns#": "",
    "http://www.w3.org/2005/atom": "",
    "http://purl.org/rss/1.0/modules/rss091#": "",
    "http://webns.net/mvcb/": "admin",
    "http://purl.org/rss/1.0/modules/aggregation/": "ag",
    "http://purl.org/rss/1.0/modules/annotate/": "annotate",
    "http://media.tangent.org/rss/1.0/": "audio",
    "http://backend.userland.com/blogchannelmodule": "blogChannel",
    "http://creativecommons.org/ns#license": "cc",
    "http://web.resource.org/cc/": "cc",
    "http://cyber.law.harvard.edu/rss/creativecommonsrssmodule.html": "creativeCommons",
    "http://backend.userland.com/creativecommonsrssmodule": "creativeCommons",
    "http://purl.org/rss/1.0/modules/company": "co",
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://my.theinfo.org/changed/1.0/rss/": "cp",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://purl.org/dc/terms/": "dcterms",
    "http://purl.org/rss/1.0/modules/email/": "email",
    "http://purl.org/rss/1.0/modules/event/": "ev",
    "http://rssnamespace.org/feedburner/ext/1.0": "feedburner",
    "http://freshmeat.net/rss/fm/": "fm",
    "http://xmlns.com/foaf/0.1/": "foaf",
    "http://www.w3.org/2003/01/geo/wgs84_pos#": "geo",
    "http://www.georss.org/georss": "georss",
    "http://www.opengis.net/gml": "gml",
    "http://postneo.com/icbm/": "icbm",
    "http://purl.org/rss/1.0/modules/image/": "image",
    "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes",
    "http://example.com/dtds/podcast-1.0.dtd": "itunes",
    "http://purl.org/rss/1.0/modules/link/": "l",
    "http://search.yahoo.com/mrss": "media",
    "http://search.yahoo.com/mrss/": "media",
    "http://madskills.com/public/xml/rss/module/pingback/": "pingback",
    "http://prismstandard.org/namespaces/1.2/basic/": "prism",
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
    "http://www.w3.org/2000/01/rdf-schema#": "rdfs",
    "http://purl.org/rss/1.0/modules/reference/": "ref",
    "http://purl.org/rss/1.0/modules/richequiv/": "reqv",
    "http://purl.org/rss/1.0/modules/search/": "search",
    "http://purl.org/rss/1.0/modules/slash/": "slash",
    "http://schemas.xmlsoap.org/soap/envelope/": "soap",
    "http://purl.org/rss/1.0/modules/servicestatus/": "ss",
    "http://hacks.benhammersley.com/rss/streaming/": "str",
    "http://purl.org/rss/1.0/modules/subscription/": "sub",
    "http://purl.org/rss/1.0/modules/syndication/": "sy",
    "http://schemas.pocketsoap.com/rss/mydescmodule/": "szf",
    "http://purl.org/rss/1.0/modules/taxonomy/": "taxo",
    "http://purl.org/rss/1.0/modules/threading/": "thr",
    "http://purl.org/rss/1.0/modules/textinput/": "ti",
    "http://madskills.com/public/xml/rss/module/trackback/": "trackback",
    "http://wellformedweb.org/commentapi/": "wfw",
    "http://purl.org/rss/1.0/modules/wiki/": "wiki",
    "http://www.w3.org/1999/xhtml": "xhtml",
    "http://www.w3.org/1999/xlink": "xlink",
    "http://www.w3.org/xml/1998/namespace": "xml",
    "http://podlove.org/simple-chapters": "psc",
}
_STANDARD_PREFIXES = frozenset(p for p in NAMESPACES.values() if p)
_ATOM = "http://www.w3.org/2005/atom"
_RSS10 = "http://purl.org/rss/1.0/"
_RSS090 = "http://my.netscape.com/rdf/simple/0.9/"
_XML = "http://www.w3.org/XML/1998/namespace"

# Every element name feedparser has a _start_/_end_ handler for.
HANDLERS = frozenset("""
abstract author body category cc_license channel cloud content content_encoded contributor
copyright created creativecommons_license dc_author dc_contributor dc_creator dc_date
dc_description dc_language dc_publisher dc_rights dc_subject dc_title dcterms_created
dcterms_issued dcterms_modified dcterms_valid description email enclosure entry expirationdate
feed feedburner_browserfriendly fullitem generator geom georss_box georss_line georss_point
georss_polygon georss_where georssgeom gml_exterior gml_linearring gml_linestring gml_point
gml_polygon gml_pos gml_poslist guid height homepage id image info issued item itunes_author
itunes_block itunes_category itunes_email itunes_explicit itunes_image itunes_keywords itunes_link
itunes_name itunes_owner itunes_subtitle itunes_summary keywords language lastbuilddate link
managingeditor media_category media_content media_credit media_description media_group
media_keywords media_license media_player media_rating media_restriction media_thumbnail
media_title modified name newlocation psc_chapter psc_chapters pubdate published rights rss
source subtitle summary tagline tags textinput title updated uri url webmaster where width
xhtml_body
""".split())  # fmt: skip

# Element names without a handler that would still write a key parse.py reads (feedparser stores
# an unknown element under its name, some names through FeedParserDict's key map).
_RELEVANT_KEYS = frozenset("""
title title_detail content summary summary_detail link links published published_parsed updated
updated_parsed author author_detail authors tags id language subtitle subtitle_detail
wfw_commentrss slash_comments thr_total thr_in-reply-to date date_parsed description_detail
modified_parsed issued_parsed copyright_detail tagline_detail items channel version bozo
entries feed href
""".split())  # fmt: skip

# Handlers that leave every key parse.py reads alone (their content is checked all the same).
_HARMLESS = frozenset("""
enclosure created dcterms_created expirationdate rights copyright dc_rights media_content
media_thumbnail media_group media_credit media_rating media_restriction media_license
media_player georss_point georss_line georss_polygon georss_box cc_license creativecommons_license
itunes_explicit itunes_block itunes_image
""".split())  # fmt: skip
# An entry's attachments are read (`attachment`, `media_group`), not passed over.
_ATTACHMENTS = frozenset({"enclosure", "media_content"})
_HARMLESS_IN_ENTRY = (_HARMLESS - _ATTACHMENTS) | {"source", "itunes_subtitle"}
_HARMLESS_IN_FEED = _HARMLESS | frozenset("""
generator cloud webmaster dc_publisher pubdate published issued dcterms_issued updated modified
lastbuilddate dc_date dcterms_modified category keywords dc_subject newlocation itunes_category
itunes_keywords itunes_summary
""".split())  # fmt: skip
_IMAGE_CHILDREN = frozenset({"url", "title", "link", "width", "height", "description"})
_TEXTINPUT_CHILDREN = frozenset({"title", "link", "description", "name"})
_AUTHOR_CHILDREN = frozenset({"name", "email", "uri", "url", "homepage"})

_PUBLISHED = frozenset({"pubdate", "published", "issued", "dcterms_issued"})
_UPDATED = frozenset({"updated", "modified", "dc_date", "dcterms_modified", "lastbuilddate"})
_AUTHORS = frozenset({"author", "dc_creator", "dc_author", "managingeditor", "itunes_author"})
_OWNER_CHILDREN = frozenset({"itunes_name", "itunes_email"})
_CATEGORIES = frozenset({"category", "keywords", "dc_subject"})
_GENERIC_READ = frozenset({"wfw_commentrss", "slash_comments", "thr_total", "thr_in-reply-to"})
# feedparser's `can_be_relative_uri`, less "id" (parse.py removes it: a guid is no link).
_RESOLVED = frozenset({"comments", "docs", "href", "icon", "link", "logo", "url", "wfw_comment",
                       "wfw_commentrss"})  # fmt: skip

# feedparser.sanitizer._HTMLSanitizer.acceptable_elements, for `looks_like_html`.
ACCEPTABLE_ELEMENTS = frozenset("""
a abbr acronym address area article aside audio b big blockquote br button canvas caption center
cite code col colgroup command datagrid datalist dd del details dfn dialog dir div dl dt em
event-source fieldset figcaption figure font footer form h1 h2 h3 h4 h5 h6 header hr i img input
ins kbd keygen label legend li m map menu meter multicol nav nextid noscript ol optgroup option
output p pre progress q s samp section select small sound source spacer span strike strong sub sup
table tbody td textarea tfoot th thead time tr tt u ul var video
""".split())  # fmt: skip

# feedparser.html._cp1252: C1 controls as the windows-1252 characters they stand for.
CP1252 = {
    128: "\u20ac", 130: "\u201a", 131: "\u0192", 132: "\u201e", 133: "\u2026", 134: "\u2020",
    135: "\u2021", 136: "\u02c6", 137: "\u2030", 138: "\u0160", 139: "\u2039", 140: "\u0152",
    142: "\u017d", 145: "\u2018", 146: "\u2019", 147: "\u201c", 148: "\u201d", 149: "\u2022",
    150: "\u2013", 151: "\u2014", 152: "\u02dc", 153: "\u2122", 154: "\u0161", 155: "\u203a",
    156: "\u0153", 158: "\u017e", 159: "\u0178",
}  # fmt: skip

ACCEPTABLE_URI_SCHEMES = (
    "file", "ftp", "gopher", "h323", "hdl", "http", "https", "imap", "magnet", "mailto", "mms",
    "news", "nntp", "prospero", "rsync", "rtsp", "rtspu", "sftp", "shttp", "sip", "sips", "snews",
    "svn", "svn+ssh", "telnet", "wais", "aim", "callto", "cvs", "facetime", "feed", "git", "gtalk",
    "irc", "ircs", "irc6", "itms", "mms", "msnim", "skype", "ssh", "smb", "svn", "ymsg",
)  # fmt: skip
_URIFIXER = re.compile("^([A-Za-z][A-Za-z0-9+-.]*://)(/*)(.*?)")
_EMAIL_IN_AUTHOR = re.compile(
    r"""(([a-zA-Z0-9\_\-\.\+]+)@((\[[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}\.)|(([a-zA-Z0-9\-]+\.)+))([a-zA-Z]{2,4}|[0-9]{1,3})(\]?))(\?subject=\S+)?"""
)
_ENTITY_REF = re.compile(r"&(\w+);")
# _EMAIL_IN_AUTHOR takes time quadratic in a run of letters (80,000 took 26 s): author text is cut
# to this length before it, on both paths (parse.py cuts feedparser's the same way).
MAX_AUTHOR_TEXT = 1000
# lxml reads each attribute's value by a search of the element's list (and feedparser's handlers
# are no better): 40,000 attributes on one element cost 4 s here, 16 s in feedparser.
MAX_ATTRIBUTES = 1000


# --- feedparser's small functions ----------------------------------------------------------------


# An absolute http(s) URL urljoin gives back as it is, whatever the (parseable) base: a lower-case
# scheme, a plain host, printable ASCII without "\\", no empty query or fragment to drop.
_PLAIN_URL = re.compile(r"https?://[A-Za-z0-9.-]+(?::[0-9]*)?(?:[/?#][!-\[\]-~]*)?")


def _urljoin(base: str, uri: str) -> str:
    """feedparser.urls._urljoin."""
    if _PLAIN_URL.fullmatch(uri) and not uri.endswith(("?", "#")) and "?#" not in uri and _parses(base):
        return uri
    uri = _URIFIXER.sub(r"\1\3", uri)
    try:
        return urllib.parse.urljoin(base, uri)
    except ValueError:
        return ""


@lru_cache(maxsize=256)
def _parses(base: str) -> bool:
    try:
        urllib.parse.urlparse(base)
    except ValueError:
        return False
    return True


def _safe_absolute(base: str, rel: str | None = None) -> str:
    """feedparser.urls.make_safe_absolute_uri."""
    if not base:
        return rel or ""
    if not rel:
        try:
            scheme = urllib.parse.urlparse(base)[0]
        except ValueError:
            return ""
        return base if not scheme or scheme in ACCEPTABLE_URI_SCHEMES else ""
    uri = _urljoin(base, rel)
    if uri.strip().split(":", 1)[0] not in ACCEPTABLE_URI_SCHEMES:
        return ""
    return uri


def looks_like_html(text: str) -> bool:
    """feedparser's guess whether a nominally plain-text RSS element holds HTML."""
    if not (re.search(r"</(\w+)>", text) or re.search(r"&#?\w+;", text)):
        return False
    if any(t for t in re.findall(r"</?(\w+)", text) if t.lower() not in ACCEPTABLE_ELEMENTS):
        return False
    if any(e for e in _ENTITY_REF.findall(text) if e not in html.entities.entitydefs):
        return False
    return True


def _content_type(value: str) -> str:
    """feedparser's map_content_type."""
    value = value.lower()
    if value in ("text", "plain"):
        return "text/plain"
    if value == "html":
        return "text/html"
    if value == "xhtml":
        return "application/xhtml+xml"
    return value


def _repaired(value: str) -> str:
    """The end of feedparser's pop(): UTF-8 read as Latin-1 repaired, C1 as windows-1252."""
    if value.isascii():
        return value
    try:
        raw = value.encode("iso-8859-1")
    except UnicodeEncodeError:  # beyond Latin-1: no UTF-8 in disguise
        return value.translate(CP1252) if _has_c1(value) else value
    try:
        value = raw.decode("utf-8")
    except UnicodeDecodeError:  # Latin-1 text as it is (a C1 control is a byte 0x80-0x9f)
        return value.translate(CP1252) if _has_c1(value) else value
    return value.translate(CP1252) if _has_c1(value) else value


_C1_CHARS = tuple(map(chr, range(0x80, 0xA0)))
_C1 = re.compile("[\x80-\x9f]")


def _has_c1(value: str) -> bool:
    """Whether `value` holds a C1 control: over a 10 KB body 32 substring searches (memchr) cost
    a fifth of the character class matched position by position; over a name or a title, the
    class costs a third of the 32 searches."""
    if len(value) < 256:
        return _C1.search(value) is not None
    return any(char in value for char in _C1_CHARS)


# --- the reader -----------------------------------------------------------------------------------

_PARSER_OPTIONS: dict[str, Any] = dict(
    events=("start-ns",), resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False,
    dtd_validation=False, attribute_defaults=False, remove_comments=True, remove_pis=True,
    collect_ids=False,
)  # fmt: skip
_XML_DECLARATION = re.compile(rb"^<\?xml[^>]*\?>")


def read(data: bytes, base: str, language: str | None) -> dict[str, Any]:
    """The feed in `data` (UTF-8 XML whose declaration, if any, is ignored) as feedparser's
    strict parser would give it: {"version", "bozo", "feed", "entries"} with feedparser's keys.
    `base` is the document's URL (its Content-Location), `language` the HTTP Content-Language.
    Unsupported where feedparser must read it."""
    data = _XML_DECLARATION.sub(b"", data, count=1)  # already UTF-8, whatever it declares
    declarations: list[tuple[str, str]] = []
    try:
        events = etree.iterparse(io.BytesIO(data), **_PARSER_OPTIONS)
        for _, declaration in events:
            declarations.append(declaration)
        root = events.root
    except (etree.LxmlError, ValueError) as error:
        raise Unsupported(f"lxml: {error}") from None
    if root is None or root.getroottree().docinfo.doctype:
        raise Unsupported("a DOCTYPE")
    return _Document(declarations, base, language).read(root)


class _Document:
    """One document's namespaces, and feedparser's rules over its tree."""

    def __init__(self, declarations: list[tuple[str, str]], base: str, language: str | None):
        self.base = base
        self.language = language
        self.version = ""
        self.names: dict[str, str] = {}
        self.joined: dict[str, str] = {}
        # track_namespace, in document order.  namespacemap (declared prefix -> feedparser's) renames
        # elements whose prefix feedparser's table gives another namespace: not modelled.  An
        # unknown namespace's elements get the first prefix declared for it.
        in_use: dict[str, str] = {}
        namespacemap: dict[str, str] = {}
        standards: set[str] = set()
        bound: dict[str, str] = {}
        for prefix, uri in declarations:
            if not uri:
                continue
            lower = uri.lower()
            if uri == "http://www.w3.org/1999/xlink":
                raise Unsupported("XLink (feedparser adds its declaration as an attribute)")
            if not self.version:
                if not prefix and lower == _RSS090:
                    self.version = "rss090"
                elif lower == _RSS10:
                    self.version = "rss10"
                elif lower == _ATOM:
                    self.version = "atom10"
            if "backend.userland.com/rss" in lower:
                uri = lower = "http://backend.userland.com/rss"
            if prefix and bound.setdefault(prefix, uri) != uri:  # a default namespace renames nothing
                raise Unsupported(f"prefix {prefix!r} bound to two namespaces")
            standard = NAMESPACES.get(lower)
            if standard is not None:
                if prefix:
                    namespacemap[prefix] = standard
                if standard:
                    standards.add(standard.lower())
                in_use.setdefault(standard, uri)
            else:
                in_use.setdefault(prefix, uri)
        self.unknown_prefix: dict[str, str] = {}
        for prefix, uri in in_use.items():
            if prefix and NAMESPACES.get(uri.lower()) is None and uri not in self.unknown_prefix:
                self.unknown_prefix[uri] = prefix
                standards.add(prefix.lower())
        for prefix in standards:
            if namespacemap.get(prefix, prefix).lower() != prefix:
                raise Unsupported(f"feedparser renames the elements of prefix {prefix!r}")

    # -- names, bases, languages, attributes -------------------------------------------------------

    def name(self, tag: Any) -> str:
        """The element's name as feedparser dispatches it: "title", "content_encoded", …"""
        if not isinstance(tag, str):
            return "#"  # an entity reference lxml kept (none: entities are resolved or refused)
        found = self.names.get(tag)
        if found is None:
            if tag[0] == "{":
                uri, local = tag[1:].split("}", 1)
                lower = uri.lower()
                if "backend.userland.com/rss" in lower:
                    lower = "http://backend.userland.com/rss"
                prefix = NAMESPACES.get(lower)
                if prefix is None:
                    prefix = self.unknown_prefix.get(uri, "")
                found = f"{prefix}_{local}".lower() if prefix else local.lower()
            else:
                found = tag.lower()
            self.names[tag] = found
        return found

    def base_of(self, element: Any, parent: str, attrs: dict[str, str] | None = None) -> str:
        """xml:base in effect at `element` (feedparser's rule: every element re-joins it);
        `attrs`: its attributes(), where the caller has them."""
        declared = None
        if element.attrib:
            attrs = attrs if attrs is not None else attributes(element)
            declared = attrs.get("xml:base", attrs.get("base"))
        if not declared:
            found = self.joined.get(parent)
            if found is None:
                found = self.joined[parent] = _safe_absolute(parent, parent) or parent
            return found
        return _safe_absolute(parent, declared) or parent

    def base_and_lang(
        self, element: Any, base: str, lang: str | None
    ) -> tuple[str, str | None, dict[str, str]]:
        """The xml:base and language in effect at `element`, and its attributes(), read once
        for both and for whoever reads the element next (a fresh dict: theirs to change)."""
        if not element.attrib:
            return self.base_of(element, base), lang, {}
        attrs = attributes(element)
        own = attrs.get("xml:lang", attrs.get("lang"))
        if own is not None:
            lang = own or None  # xml:lang="": no language
        return self.base_of(element, base, attrs), lang, attrs

    # -- the document ------------------------------------------------------------------------------

    def read(self, root: Any) -> dict[str, Any]:
        kind = self.name(root.tag)
        feed: dict[str, Any] = {}
        if self.language:
            feed["language"] = self.language.replace("_", "-")
        base, lang, root_attrs = self.base_and_lang(root, self.base, self.language)
        if lang:
            feed["language"] = lang.replace("_", "-")
        if kind == "rss":
            if not self.version or not self.version.startswith("rss"):
                version = root_attrs.get("version", "")
                self.version = {"0.91": "rss091u", "0.92": "rss092", "0.93": "rss093",
                                "0.94": "rss094"}.get(version) or (  # fmt: skip
                    "rss20" if version.startswith("2.") else "rss")
            if self.version != "rss20":
                raise Unsupported(f"RSS version {self.version}")
            channels = [child for child in root if self.name(child.tag) != "#"]
            if len(channels) != 1 or self.name(channels[0].tag) != "channel":
                raise Unsupported("<rss> without exactly one <channel>")
            channel = channels[0]
            base, lang, channel_attrs = self.base_and_lang(channel, base, lang)
            if {"lastmod", "href"} & channel_attrs.keys():
                raise Unsupported("a CDF channel")
            container = channel
            entry_name = "item"
        elif kind == "feed":
            if self.version != "atom10":
                raise Unsupported(f"Atom version {self.version or 'unknown'}")
            container, entry_name = root, "entry"
        else:
            raise Unsupported(f"root element <{kind}>")
        entries = self.feed_level(container, feed, base, lang, entry_name)
        if not entries:
            raise Unsupported("no entries")
        return {"version": self.version, "bozo": False, "feed": feed, "entries": entries}

    def feed_level(
        self, container: Any, feed: dict[str, Any], base: str, lang: str | None, entry_name: str
    ) -> list[dict[str, Any]]:
        entries: list[dict[str, Any]] = []
        seen: set[str] = set()
        rss = self.version == "rss20"
        for child in container:
            name = self.name(child.tag)
            if name == entry_name:
                entries.append(self.entry(child, base, lang))
                continue
            if name == "#":
                continue
            child_base, child_lang, attrs = self.base_and_lang(child, base, lang)
            if name in ("title", "subtitle", "tagline", "itunes_subtitle") or (
                rss and name == "description"
            ):  # fmt: skip
                key = "title" if name == "title" else "subtitle"
                self.once(seen, key)
                default = "text/html" if name == "description" else "text/plain"
                value, detail = self.text_construct(child, default, child_base, child_lang, attrs)
                feed[key] = value
                feed[key + "_detail"] = detail
            elif name == "link":
                self.link(child, feed, child_base, attrs, entry=False)
            elif name in ("id", "guid"):
                self.once(seen, "id")
                self.guid(child, feed, attrs)
            elif name in ("language", "dc_language"):
                self.once(seen, "language")
                feed["language"] = _repaired(self.text(child).strip())
            elif name in _AUTHORS:
                self.author(child, feed, child_base)
            elif name == "image":
                self.check_children(child, _IMAGE_CHILDREN)
            elif name == "textinput":
                self.check_children(child, _TEXTINPUT_CHILDREN)
            elif name == "contributor":
                self.check_children(child, _AUTHOR_CHILDREN)
            elif name == "itunes_owner":
                self.owner(child, feed)
            elif name in _HARMLESS_IN_FEED:
                self.check_inside(child, _HARMLESS_IN_FEED)
            elif name in HANDLERS or name in _RELEVANT_KEYS or name in ("item", "entry"):
                raise Unsupported(f"<{name}> in the feed")
            else:
                self.check_inside(child, _HARMLESS_IN_FEED)
        return entries

    # -- one entry ---------------------------------------------------------------------------------

    def entry(self, element: Any, base: str, lang: str | None) -> dict[str, Any]:
        base, lang, own = self.base_and_lang(element, base, lang)
        if {"lastmod", "href", "rdf:about"} & own.keys():
            raise Unsupported("a CDF or RDF item")
        rss = self.version == "rss20"
        e: dict[str, Any] = {}
        seen: set[str] = set()
        has_content = media_title = False
        for child in element:
            name = self.name(child.tag)
            if name == "#":
                continue
            child_base, child_lang, attrs = self.base_and_lang(child, base, lang)
            if name == "title":
                self.once(seen, "title")
                value, detail = self.text_construct(child, "text/plain", child_base, child_lang, attrs)
                e["title"], e["title_detail"] = value, detail
            elif name == "description" and rss or name == "summary":
                if "summary" in e and not has_content:
                    raise Unsupported("a second summary (feedparser reads it as content)")
                self.once(seen, "summary")
                default = "text/html" if name == "description" else "text/plain"
                value, detail = self.text_construct(child, default, child_base, child_lang, attrs)
                e["summary"], e["summary_detail"] = value, detail
            elif name in ("content_encoded", "fullitem", "content"):
                self.once(seen, "content")
                has_content = True
                default = "text/plain" if name == "content" else "text/html"
                value, detail = self.text_construct(child, default, child_base, child_lang, attrs,
                                                    content=True)  # fmt: skip
                e["content"] = [{**detail, "value": value}]
                if detail["type"] in ("text/plain", "text/html", "application/xhtml+xml"):
                    e.setdefault("summary", value)
            elif name == "link":
                self.link(child, e, child_base, attrs, entry=True)
            elif name in ("guid", "id"):
                self.once(seen, "id")
                self.guid(child, e, attrs)
            elif name in _PUBLISHED:
                self.once(seen, "published")
                e["published"] = _repaired(self.text(child).strip())  # as written, as feedparser keeps it
                e["published_parsed"] = parse_date(e["published"])
            elif name in _UPDATED:
                self.once(seen, "updated")
                e["updated"] = _repaired(self.text(child).strip())
                e["updated_parsed"] = parse_date(e["updated"])
            elif name in _AUTHORS:
                self.author(child, e, child_base)
            elif name in _CATEGORIES:
                self.category(child, e, attrs)
            elif name in ("language", "dc_language"):
                self.once(seen, "language")
                e["language"] = _repaired(self.text(child).strip())
            elif name in _GENERIC_READ:
                self.generic(child, e, name, child_base, attrs)
            elif name in _ATTACHMENTS:
                media_title |= self.check_inside(child, _HARMLESS_IN_ENTRY)
                self.attachment(name, e, attrs)
            elif name == "media_group":
                media_title |= self.media_group(child, e)
            elif name in _HARMLESS_IN_ENTRY:
                if name == "source" and len(child):
                    raise Unsupported("<source> with children")
                media_title |= self.check_inside(child, _HARMLESS_IN_ENTRY)
            elif name in HANDLERS or name in _RELEVANT_KEYS:
                raise Unsupported(f"<{name}> in an entry")
            else:
                media_title |= self.check_inside(child, _HARMLESS_IN_ENTRY)
        if media_title and not e.get("title"):
            # A Media RSS title deeper down is the entry's title only where the entry has none.
            raise Unsupported("<media:title> in an entry without a title")
        return e

    @staticmethod
    def attachment(name: str, context: dict[str, Any], attrs: dict[str, str]) -> None:
        """_start_enclosure (a link of rel "enclosure", its url as href) or _start_media_content
        (its attributes as they are)."""
        if name == "media_content":
            context.setdefault("media_content", []).append(attrs)
            return
        href = attrs.get("url", attrs.get("uri", attrs.get("href", None)))
        if href:
            attrs.pop("url", None)
            attrs.pop("uri", None)
            attrs["href"] = href
        attrs["rel"] = "enclosure"
        context.setdefault("links", []).append(attrs)

    def media_group(self, element: Any, context: dict[str, Any]) -> bool:
        """A <media:group>: its <media:content> children are one medium in several versions, of
        which the entry keeps one (`one_of_group`, as parse.py makes feedparser do); True where a
        <media:title> is in there."""
        versions: list[dict[str, str]] = []
        media_title = False
        for inner in element:
            name = self.name(inner.tag)
            if name == "media_content":
                media_title |= self.check_inside(inner, _HARMLESS_IN_ENTRY)
                versions.append(attributes(inner))
            elif name != "#":
                if name in HANDLERS or name in _RELEVANT_KEYS:
                    if name == "media_title":
                        media_title = True
                    elif name not in _HARMLESS_IN_ENTRY:
                        raise Unsupported(f"<{name}> in <media:group>")
                media_title |= self.check_inside(inner, _HARMLESS_IN_ENTRY)
        if versions:
            context.setdefault("media_content", []).append(one_of_group(versions))
        return media_title

    @staticmethod
    def once(seen: set[str], key: str) -> None:
        if key in seen:
            raise Unsupported(f"{key} twice in one element")
        seen.add(key)

    def check_inside(self, element: Any, harmless: frozenset[str]) -> bool:
        """Nothing feedparser would read as one of the keys that matter, at any depth; True where
        a <media:title> is in there (the caller decides)."""
        media_title = False
        for inner in element.iterdescendants():
            name = self.name(inner.tag)
            if name in HANDLERS or name in _RELEVANT_KEYS:
                if name == "media_title" and harmless is _HARMLESS_IN_ENTRY:
                    media_title = True
                elif name not in harmless:
                    raise Unsupported(f"<{name}> nested in another element")
        return media_title

    def check_children(self, element: Any, allowed: frozenset[str]) -> None:
        """An <image>, <textInput> or contributor: feedparser keeps their children to themselves
        while every child is one of `allowed` (its image and text-input hacks)."""
        for inner in element:
            name = self.name(inner.tag)
            if name != "#" and (name not in allowed or len(inner)):
                raise Unsupported(f"<{name}> in <{self.name(element.tag)}>")

    # -- text ----------------------------------------------------------------------------------

    def text(self, element: Any) -> str:
        """The element's text; markup inside it is feedparser's inline-XHTML mode: not here."""
        if len(element):
            raise Unsupported(f"markup inside <{self.name(element.tag)}>")
        return element.text or ""

    def text_construct(
        self, element: Any, default: str, base: str, lang: str | None, attrs: dict[str, str],
        content: bool = False,
    ) -> tuple[str, dict[str, Any]]:  # fmt: skip
        """feedparser's push_content … pop_content: the value and its detail (`attrs`: the
        element's attributes())."""
        kind = _content_type(attrs.get("type", default))
        if attrs.get("mode", "") == "base64" or not (
            kind.startswith("text/") or kind.endswith("+xml") or kind.endswith("/xml")
        ):
            raise Unsupported(f"base64 content ({kind})")
        if kind in ("application/xhtml+xml",) or kind.endswith("xml"):
            raise Unsupported(f"XML content ({kind})")
        value = self.text(element).strip()
        if self.version != "atom10" and kind == "text/plain" and looks_like_html(value):
            kind = "text/html"
        detail: dict[str, Any] = {
            "type": kind,
            "language": lang.replace("_", "-") if lang else lang,
            "base": base,
        }
        if content and attrs.get("src"):
            detail["src"] = attrs["src"]
        return _repaired(value), detail

    # -- links, ids, authors, categories -----------------------------------------------------------

    def link(
        self, element: Any, context: dict[str, Any], base: str, attrs: dict[str, str], *,
        entry: bool,
    ) -> None:  # fmt: skip
        """feedparser's _start_link and, for a link given as text, pop("link").  `attrs`: the
        element's attributes(), kept as the link's (changed)."""
        attrs.setdefault("rel", "alternate")
        attrs.setdefault("type", "application/atom+xml" if attrs["rel"] == "self" else "text/html")
        href = attrs.get("url", attrs.get("uri", attrs.get("href", None)))
        if href:
            attrs.pop("url", None)
            attrs.pop("uri", None)
            attrs["href"] = href
        if "href" in attrs:
            attrs["href"] = _urljoin(base or "", attrs["href"])
        links = context.setdefault("links", [])
        links.append(attrs)
        if "href" in attrs:
            if len(element):
                raise Unsupported("markup inside <link>")
            if attrs.get("rel") == "alternate" and _content_type(attrs.get("type") or "") in (
                "text/html", "application/xhtml+xml"
            ):  # fmt: skip
                context["link"] = attrs["href"]
            return
        value = self.text(element).strip()
        if value:
            value = _urljoin(base or "", value)
        value = _repaired(value)
        if entry:
            value = re.sub("&([A-Za-z0-9_]+);", r"&\g<1>", value.replace("&amp;", "&"))
            context["link"] = value
            if value:
                links[-1]["href"] = value
        else:
            context["link"] = value
            value = re.sub("&([A-Za-z0-9_]+);", r"&\g<1>", value)
            context["link"] = value
            links[-1]["href"] = value

    def guid(self, element: Any, context: dict[str, Any], attrs: dict[str, str]) -> None:
        is_link = attrs.get("ispermalink", "true") == "true"
        value = _repaired(self.text(element).strip())
        context["id"] = value
        if is_link:
            context.setdefault("link", value)

    def author(self, element: Any, context: dict[str, Any], base: str) -> None:
        """_start_author … _end_author, with the name, email and uri inside it."""
        context.setdefault("authors", []).append({})
        pieces = [element.text or ""]
        for child in element:
            name = self.name(child.tag)
            pieces.append(child.tail or "")
            if name == "#":
                continue
            if name not in _AUTHOR_CHILDREN:
                if name in HANDLERS or name in _RELEVANT_KEYS or len(child) or (
                    child.attrib and (child.text or "").strip()
                ):  # fmt: skip
                    raise Unsupported(f"<{name}> in an author")
                continue
            if child.attrib and {"xml:base", "base"} & set(attributes(child)):
                raise Unsupported("xml:base inside an author")
            if name in ("name", "email"):
                _save_author(context, name, self.text(child).strip())
            else:  # uri, url, homepage: resolved like a link
                value = self.text(child).strip()
                value = _urljoin(self.base_of(child, base) or "", value) if value else value
                _save_author(context, "href", _repaired(value))
        value = _repaired("".join(pieces).strip())
        context["author"] = value
        _sync_author_detail(context)

    def owner(self, element: Any, context: dict[str, Any]) -> None:
        """<itunes:owner>: feedparser saves its name and e-mail address as the publisher's, and
        through the same function into the last of the feed's authors."""
        for child in element:
            name = self.name(child.tag)
            if name == "#":
                continue
            if name not in _OWNER_CHILDREN or len(child):
                raise Unsupported(f"<{name}> in <itunes:owner>")
            _save_author(context, name[len("itunes_"):], (child.text or "").strip(), "publisher")

    @staticmethod
    def category(element: Any, context: dict[str, Any], attrs: dict[str, str]) -> None:
        """_start_category … _end_category (term, scheme or domain, label; the text a term)."""
        _add_tag(context, attrs.get("term"), attrs.get("scheme", attrs.get("domain")),
                 attrs.get("label"))  # fmt: skip
        if len(element):
            raise Unsupported("markup inside a category")
        value = _repaired((element.text or "").strip())
        if not value:
            return
        tags = context["tags"]
        if tags and not tags[-1]["term"]:
            tags[-1]["term"] = value
        else:
            _add_tag(context, value, None, None)

    def generic(
        self, element: Any, context: dict[str, Any], name: str, base: str, attrs: dict[str, str]
    ) -> None:
        """An element without a handler: its attributes if it has any, else its text."""
        if element.attrib:
            context[name] = attrs
            if self.check_inside(element, _HARMLESS_IN_ENTRY):
                raise Unsupported("<media:title> in a threading element")
            return
        value = self.text(element).strip()
        if name in _RESOLVED and value:
            value = _urljoin(base or "", value)
        context[name] = _repaired(value)


def attributes(element: Any) -> dict[str, str]:
    """An element's attributes as feedparser names them: lowercased, with a known namespace's
    prefix ("xml:lang") and an unknown one's none, then again as written ("thr:count"); rel and
    type lowercased."""
    if len(element.attrib) > MAX_ATTRIBUTES:  # parse.py cuts the body before such an element
        raise Unsupported(f"more than {MAX_ATTRIBUTES} attributes on one element")
    found: dict[str, str] = {}
    written: list[tuple[str, str]] = []
    nsmap = None
    for key, value in element.attrib.items():
        if key[0] == "{":
            uri, local = key[1:].split("}", 1)
            prefix = NAMESPACES.get(uri.lower(), "")
            found[(f"{prefix}:{local}" if prefix else local).lower()] = value
            if uri == _XML:
                written.append((f"xml:{local}", value))
                continue
            if nsmap is None:
                nsmap = element.nsmap
            declared = [name for name, bound in nsmap.items() if name and bound == uri]
            if len(declared) != 1:
                raise Unsupported(f"which prefix names attribute {key}")
            written.append((f"{declared[0]}:{local}", value))
        else:
            found[key.lower()] = value
            written.append((key, value))
    for key, value in written:
        found[key.lower()] = value
    for key in ("rel", "type"):
        if key in found:
            found[key] = found[key].lower()
    return found


def one_of_group(versions: list[dict[str, str]]) -> dict[str, str]:
    """Of a <media:group>'s <media:content> versions (sizes, formats of one medium), the one its
    feed marks isDefault, else the widest (a newspaper's 90, 606 and 1024 pixels), else the
    first: our rule on both paths, not feedparser's (it keeps all)."""
    default = [version for version in versions if version.get("isdefault", "").strip() == "true"]
    if default:
        return default[0]
    return max(versions, key=lambda version: _width(version.get("width")))


def _width(value: str | None) -> int:
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 10 else 0


def _add_tag(context: dict[str, Any], term: Any, scheme: Any, label: Any) -> None:
    tags = context.setdefault("tags", [])
    if not term and not scheme and not label:
        return
    value = {"term": term, "scheme": scheme, "label": label}
    if value not in tags:
        tags.append(value)


def _save_author(context: dict[str, Any], key: str, value: str, prefix: str = "author") -> None:
    context.setdefault(prefix + "_detail", {})[key] = value
    _sync_author_detail(context)
    context.setdefault("authors", [{}])[-1][key] = value


def _sync_author_detail(context: dict[str, Any]) -> None:
    """feedparser's _sync_author_detail: "author" from the detail, or the detail from "author"
    (cut to MAX_AUTHOR_TEXT first)."""
    if isinstance(context.get("author"), str):
        context["author"] = context["author"][:MAX_AUTHOR_TEXT]
    detail = context.get("authors", [{}])[-1]
    if detail:
        name, email = detail.get("name"), detail.get("email")
        if name and email:
            context["author"] = f"{name} ({email})"
        elif name:
            context["author"] = name
        elif email:
            context["author"] = email
        return
    author, email = context.get("author"), None
    if not author:
        return
    match = _EMAIL_IN_AUTHOR.search(author)
    if match:
        email = match.group(0)
        author = author.replace(email, "").replace("()", "").replace("<>", "")
        author = author.replace("&lt;&gt;", "").strip()
        if author and author[0] == "(":
            author = author[1:]
        if author and author[-1] == ")":
            author = author[:-1]
        author = author.strip()
    if author or email:
        context.setdefault("author_detail", detail)
    if author:
        detail["name"] = author
    if email:
        detail["email"] = email
