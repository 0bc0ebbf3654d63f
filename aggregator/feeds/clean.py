"""clean: untrusted entries -> safe Post and Comment records.  Pure functions, no I/O.

HTML goes through nh3 (Rust's ammonia, an html5ever-based allowlist sanitiser) with the allowlists
below; every href/src/srcset is made absolute against the entry's base URL while sanitising (nh3's
``attribute_filter``), and only http(s) links, mailto links in posts, and http(s) images survive.
Everything else -- script, style, iframe, object, embed, form, SVG, MathML, event handlers, style
and class attributes, ids (they could clobber the page's own), ``javascript:``/``data:``/
``vbscript:`` URLs in any spelling -- is dropped.

Plain-text fields (titles, authors, categories, excerpts) have tags stripped, entities decoded,
whitespace collapsed and a length bound.  They stay text: a title about the <dialog> element
keeps its "<"; the theme autoescapes every plain-text field (the plugin turns autoescape on).

Decisions:

- A post whose link is not a usable http(s) URL is kept and linked to the blog's home page: a
  post is never lost for a bad link.  (So the same URL can belong to several posts of one blog.)
- A post without a title gets the start of its text as title (micro-blogs have no titles).
- The author falls back to the participant's author, then the participant's name.
- A post's attachments (`clean_attachments`) keep only http(s) URLs, resolved against its base,
  a MIME type that looks like one, a length in bytes (0, junk or beyond 10 TB: unknown), each URL
  once and at most `MAX_ATTACHMENTS`.  Its images that its body does not show yet (a toot's
  photos) are added after the body as its own images, with their alt text: the site shows,
  downloads and serves them as it does the body's (feeds/images.py).  A Gravatar is the
  author's face, which WordPress.com names as a medium of every post: not the post's; a Flash
  player is what YouTube names as every video's medium, and no browser plays it: not a file.
- Posts get ``rel="noopener"`` on links (participants may see the parade site as referrer);
  comments get ``rel="nofollow ugc noopener"``, a smaller allowlist without images, no mailto
  links, and e-mail addresses in their text replaced by "[…]".
"""

from __future__ import annotations

import hashlib
import html as html_lib
import re
import sys
from dataclasses import fields
from functools import cache, lru_cache
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urljoin, urlsplit, urlunsplit

import nh3

from ..models import (
    Attachment,
    Comment,
    CommentKind,
    ParsedAttachment,
    ParsedEntry,
    Participant,
    Post,
)

TITLE_LIMIT = 1000  # some authors paste a paragraph into the title; keep it whole
NAME_INPUT_LIMIT = 1000  # a longer "name" is junk; bounding it bounds the work on it
EXCERPT_LIMIT = 300
AUTHOR_LIMIT = 120
CATEGORY_LIMIT = 100
MAX_CATEGORIES = 50
MAX_ATTACHMENTS = 10  # per post: an episode and its chapters' images, a toot's four photos
ALT_LIMIT = 1500  # characters of an attachment's title or alt text (Mastodon's limit for alt text)
MAX_ATTACHMENT_LENGTH = 10**13  # bytes: a longer "length" is a mistake, not a file
# html5ever checks the open-element stack on every tag, which makes 20,000 nested elements cost
# seconds; deeper than this, a body is flattened to its text instead (no blog nests this deep).
MAX_DEPTH = 512
# html5ever also compares each attribute with all the element's earlier ones: 100,000 of them on one
# element cost seconds.  With more than this, a body is flattened too (no blog writes that many).
MAX_ATTRIBUTES = 1000
# nh3 takes time growing with a text's length for each "&" and no-break space in it (both
# written as entities): 200,000 "&" in 1.4 MB of text cost 2 s.  Past this much (characters x
# such characters, in each stretch between tags), a body is flattened too: about half a second.
MAX_ESCAPE_COST = 50_000_000_000

POST_TAGS = {
    "a", "abbr", "b", "bdi", "bdo", "blockquote", "br", "caption", "cite", "code", "col",
    "colgroup", "dd", "del", "details", "dfn", "div", "dl", "dt", "em", "figcaption", "figure",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p",
    "picture", "pre", "q", "rp", "rt", "ruby", "s", "samp", "small", "source", "span", "strong",
    "sub", "summary", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u",
    "ul", "var", "wbr",
}
POST_ATTRIBUTES = {
    "*": {"lang", "dir", "title"},
    "a": {"href", "hreflang"},
    "img": {"src", "srcset", "sizes", "alt", "width", "height"},
    "source": {"srcset", "sizes", "type", "media"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
    "col": {"span"},
    "colgroup": {"span"},
    "ol": {"start", "reversed"},
    "li": {"value"},
    "time": {"datetime"},
    "del": {"datetime"},
    "ins": {"datetime"},
    "details": {"open"},
}
POST_ATTRIBUTE_VALUES = {
    "img": {"loading": {"lazy", "eager"}},
    "ol": {"type": {"1", "a", "A", "i", "I"}},
    "th": {"scope": {"row", "col", "rowgroup", "colgroup"}},
}
COMMENT_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "del", "em", "i", "ins", "li", "ol", "p", "pre",
    "q", "s", "strong", "sub", "sup", "u", "ul",
}
COMMENT_ATTRIBUTES = {"*": {"lang", "dir", "title"}, "a": {"href"}}
# Dropped together with their content: code, embeds, and text that is no text (SVG, MathML).
DROP_WITH_CONTENT = {
    "script", "style", "template", "iframe", "object", "applet", "noembed", "noframes", "frame",
    "frameset", "svg", "math", "textarea", "select", "option", "title", "xmp", "form", "button",
    "audio", "video", "canvas", "head",
}
_INT_ATTRIBUTES = {"width", "height", "colspan", "rowspan", "span", "start", "value"}

_C0 = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # not allowed in XML or HTML text
_C0_CHARS = tuple(map(chr, (*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F)))
# ... and in one-line fields and URLs also bidi overrides, which can make a name or link read
# backwards (HTML bodies keep them: right-to-left text needs them).
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
_URL_JUNK = re.compile(r"[\t\n\r]")  # browsers drop these anywhere in a URL
# The look-behinds make a match start only where a word starts: without them, a long run of
# letters without "@" is scanned again from every position (quadratic time on hostile input).
_EMAIL = re.compile(r"(?<![\w.!#$%&'*+/=?^`{|}~-])(?:mailto:)?[\w.!#$%&'*+/=?^`{|}~-]+@[\w-]+(?:\.[\w-]+)+", re.I)
_EMAIL_IN_TEXT = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[A-Za-z]{2,}")
# An element start tag as html5ever serialises it: attribute values are always double-quoted.
_ATTRS = r"((?:\s+[^\s\"'>/=]+(?:=\"[^\"]*\")?)*)\s*/?>"
_ANY_TAG = re.compile(r"</?[A-Za-z][^\s/>]*" + _ATTRS)
# WordPress turns emoji into 72x72 images from s.w.org in feeds; they are text again here.
# [^<>]: without "<", a tag that never closes costs one scan to the next tag, not to the end.
# The path is matched as WordPress writes it (a server's paths are case-sensitive): so every
# match holds _EMOJI_PATH, which a plain search finds in a tenth of the time.
_EMOJI_PATH = "/images/core/emoji/"
_EMOJI_IMG = re.compile(r"(?i:<img\b[^<>]*?\bsrc=[\"'][^\"'<>]*s\.w\.org)/images/core/emoji/[^<>]*>")
_ALT = re.compile(r"\balt=(?:\"([^\"]*)\"|'([^']*)')", re.I)
_NOSCRIPT = re.compile(r"</?noscript\b[^<>]*>", re.I)  # lazy-loading fallbacks hold the real <img>
_BLOCK = re.compile(
    r"<(?:/?(?:p|div|br|li|ul|ol|dd|dt|h[1-6]|tr|td|th|table|blockquote|pre|figure|figcaption|hr|"
    r"section|article|header|footer|aside)\b)", re.I)
_TAG = re.compile(r"<[^>]*>?")
_CODE = re.compile(r"<(script|style|template|svg|math)\b", re.I)
# A tag as an HTML parser reads it: "<" and ">" in a quoted value are part of the value.  Outside
# quotes [^<>]: linear on "<a<a<a"; possessive, so a failed tag is not tried again in other splits.
_TAG_TOKEN = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9]*)((?:[^<>\"']++|\"[^\"]*+\"|'[^']*+')*+)>")
# A tag as html5ever tokenises it, quotes only opening a value after "=", a tag without ">" running to
# the end: its attributes, one match each of _ATTRIBUTE.  Possessive: one pass, no backtracking.
_ATTRIBUTE = (r"[\t\n\f\r /]*+[^\t\n\f\r />][^\t\n\f\r />=]*+"
              r"(?:[\t\n\f\r ]*+=[\t\n\f\r ]*+(?:\"[^\"]*+\"?|'[^']*+'?|[^\t\n\f\r >]*+))?")
_ONE_ATTRIBUTE_TOKEN = re.compile(_ATTRIBUTE)
_TAG_WITH_ATTRIBUTES = re.compile(r"</?[A-Za-z][^\t\n\f\r />]*+(?:" + _ATTRIBUTE + r")*+")
_TEXT_RUN = re.compile(r"[^<]+")
# Void elements, and those an HTML parser closes by itself: they do not add depth.
_NOT_NESTING = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
                "track", "wbr", "p", "li", "dt", "dd", "tr", "td", "th", "option"}
# A self-closing "/" counts only in SVG and MathML; in HTML "<div/>" opens a div.  These HTML
# elements end SVG or MathML content (the HTML standard's "breakout" list).
_FOREIGN = {"svg", "math"}
_BREAKOUT = {"b", "big", "blockquote", "body", "br", "center", "code", "dd", "div", "dl", "dt", "em", "embed",
             "h1", "h2", "h3", "h4", "h5", "h6", "head", "hr", "i", "img", "li", "listing", "menu", "meta",
             "nobr", "ol", "p", "pre", "ruby", "s", "small", "span", "strong", "strike", "sub", "sup", "table",
             "tt", "u", "ul", "var"}


# --- records ---------------------------------------------------------------------------------------


def clean_post(entry: ParsedEntry, participant: Participant) -> Post:
    """A safe Post from a parsed entry (the participant's category filter is the pipeline's job).

    A post behind a password (`behind_password`) is published with the words its feed gives
    for its summary (WordPress: "There is no excerpt because this is a protected post."), and
    without its comment feed: its comments are behind the password too."""
    base = _base(entry.base_url, participant.home)
    protected = behind_password(entry)
    html = sharepoint_text(entry.content_html or entry.summary_html)
    if protected:
        html = "" if _is_password_form(entry.summary_html) else entry.summary_html
    content, links = _sanitized(html, base, False)
    text = _text_of_sanitized(content, EXCERPT_LIMIT)  # as much as the excerpt needs
    attachments = clean_attachments(entry.attachments, base) if entry.attachments and not protected else ()
    title = bounded(plain_text(entry.title), TITLE_LIMIT)
    title = title or bounded(text, 80)
    author = bounded(strip_email(plain_text(entry.author)), AUTHOR_LIMIT)
    return Post(
        participant=participant.slug,
        guid=entry.guid,
        url=_http_url(entry.url, base) or participant.home,
        title=title,
        author=author or participant.author or participant.name,
        published=entry.published,
        updated=entry.updated,
        excerpt=bounded(text, EXCERPT_LIMIT),
        content_html=content + _images_not_shown(attachments, content) if attachments else content,
        categories=_categories(entry.categories),
        language=entry.language or participant.language or None,  # None: the site's
        links=links,
        comment_feed=None if protected else _http_url(entry.comment_feed, base),
        comment_count=entry.comment_count if (entry.comment_count or 0) >= 0 else None,
        attachments=attachments,
    )


def source_digests(participant: Participant) -> Callable[[ParsedEntry], str]:
    """A digest of everything `clean_post` makes a post of: the entry, the participant, the
    cleaning itself (this module's code, nh3's and Python's versions).  An entry whose digest is
    the one its feed's last parse saw made the post stored then: it is not cleaned again (about
    70 % of a post feed's parse), so a changed feed costs its changed entries.  An upgrade that
    changes the cleaning cleans each entry again at its feed's next change, as before."""
    context = hashlib.sha256(f"{_cleaning_version()}\x00{participant!r}".encode())

    def digest(entry: ParsedEntry) -> str:
        # The small fields as a repr, the two long ones as they are (repr would escape 11 KB
        # for 40 µs an entry; this costs about 8): their lengths make the joined text unambiguous.
        small = [getattr(entry, name) for name in _SMALL_FIELDS]
        small += [len(entry.summary_html), len(entry.content_html)]
        text = f"{small!r}\x00{entry.summary_html}\x00{entry.content_html}"
        found = context.copy()
        found.update(text.encode("utf-8", "surrogatepass"))
        return found.hexdigest()[:32]

    return digest


_SMALL_FIELDS = tuple(f.name for f in fields(ParsedEntry) if f.name not in {"summary_html", "content_html"})


@cache
def _cleaning_version() -> str:
    try:
        code = Path(__file__).read_bytes()
    except OSError:  # no source beside the module: the package's version stands for it
        from .. import __version__

        code = __version__.encode()
    return hashlib.sha256(code + f"{nh3.__version__}\x00{sys.version}".encode()).hexdigest()


def clean_attachments(raw: tuple[ParsedAttachment, ...], base: str) -> tuple[Attachment, ...]:
    """An entry's attachments as the module docstring says.  Of two naming one URL (an episode's
    MP3 as enclosure and as media:content) the first stays, told what it left unknown."""
    found: dict[str, Attachment] = {}
    for item in raw:
        url = _http_url(item.url, base) if item.url.strip() else None  # "": the post, no file
        if url is None or _GRAVATAR.match(url):
            continue
        attachment, known = _attachment(url, item), found.get(url)
        if attachment.type == _FLASH:
            continue
        if known is not None:
            found[url] = _completed(known, attachment)
        elif len(found) < MAX_ATTACHMENTS:
            found[url] = attachment
    return tuple(found.values())


_GRAVATAR = re.compile(r"https?://(?:[\w-]+\.)?gravatar\.com/avatar/", re.I)
# type "/" subtype (RFC 6838's characters), any parameters ("; codecs=…") cut off first.
_MIME_TYPE = re.compile(r"[a-z]+/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}")
_KINDS = frozenset({"audio", "video", "image"})
_FLASH = "application/x-shockwave-flash"


def _attachment(url: str, item: ParsedAttachment) -> Attachment:
    mime_type = item.type.split(";", 1)[0].strip().lower()
    mime_type = mime_type if _MIME_TYPE.fullmatch(mime_type) else ""
    kind = mime_type.split("/", 1)[0] if mime_type else item.medium.strip().lower()
    # Text, not HTML (Media RSS's type="plain", an Atom link's title): a "<" in it stays.
    title = bounded(one_line(item.title), ALT_LIMIT) if item.title else ""
    return Attachment(url, kind if kind in _KINDS else "file", mime_type or None,  # type: ignore[arg-type]
                      _length(item.length), title)  # fmt: skip


def _length(value: str) -> int | None:
    """Bytes, where `value` is a plausible count of them; 0 is what RSS writes for "unknown"."""
    value = value.strip()
    if not (value.isascii() and value.isdigit() and len(value) <= 14):
        return None
    length = int(value)
    return length if 0 < length <= MAX_ATTACHMENT_LENGTH else None


def _completed(known: Attachment, other: Attachment) -> Attachment:
    return Attachment(known.url, known.kind if known.kind != "file" else other.kind,
                      known.type or other.type, known.length or other.length, known.title or other.title)  # fmt: skip


def image_urls(content_html: str) -> list[str]:
    """The http(s) sources of a sanitised body's images, in order, each once."""
    urls = (html_lib.unescape(src).strip() for src in _IMG_SRC.findall(content_html))
    return list(dict.fromkeys(url for url in urls if url.startswith(("http://", "https://"))))


# nh3 serialises attribute values in double quotes: this finds every <img>'s src.
_IMG_SRC = re.compile(r"<img\b[^<>]*?\ssrc=\"([^\"]*)\"", re.I)


def _images_not_shown(attachments: tuple[Attachment, ...], content: str) -> str:
    """The attached images the body does not show (the same file in another size counts as
    shown: `image_key`), as the body's images are written."""
    shown = {image_key(url) for url in image_urls(content)} if "<img" in content else set()
    return "".join(
        f'<p><img src="{html_lib.escape(a.url)}" alt="{html_lib.escape(a.title)}"></p>'
        for a in attachments if a.kind == "image" and image_key(a.url) not in shown
    )  # fmt: skip


def image_key(url: str) -> str:
    """One image file whatever size a blog's image service serves it in: its address without
    the query (WordPress.com's `?w=1024`), the scheme or WordPress's size suffix
    (`foto-1024x768.jpg`), and the original behind an image proxy that names it in its path
    (Substack's `substackcdn.com/image/fetch/w_1456,…/https%3A%2F%2F…`, which its feeds' cover
    enclosure gives plain; Cloudinary's fetch) or its host (Jetpack's `i0.wp.com/<host>/<path>`)."""
    address = url.split("?", 1)[0].split("#", 1)[0]
    if proxied := _PROXIED.search(address):
        address = unquote(proxied[1]).split("?", 1)[0]
    address = address.partition("://")[2] or address
    if jetpack := _JETPACK.match(address):
        address = jetpack[1]
    return _SIZE_SUFFIX.sub(r"\1", address)


_PROXIED = re.compile(r"/(https?(?:%3A|:)(?:%2F|/).*)$", re.I)
_JETPACK = re.compile(r"i[0-3]\.wp\.com/(.+)$", re.I)
_SIZE_SUFFIX = re.compile(r"-\d{2,5}x\d{2,5}(\.[A-Za-z0-9]{2,5})$")


# WordPress's password form (get_the_password_form), which its feeds give instead of a protected
# post's text and instead of each of its comments' text (the same in every language).
_PASSWORD_FORM = re.compile(r"<form\b[^<>]*\baction=[\"'][^\"'<>]*[?&]action=postpass\b", re.I)


def behind_password(entry: ParsedEntry) -> bool:
    """Whether a post's or a comment's text is behind a password: its feed gives the password
    form instead (WordPress's protected posts; their comments' text in every comment feed)."""
    return _is_password_form(entry.content_html or entry.summary_html)


def _is_password_form(html: str) -> bool:
    return "postpass" in html and _PASSWORD_FORM.search(html) is not None


# SharePoint's list feeds (listfeed.aspx: an on-premises SharePoint's blogs and announcements)
# write an item as its list's fields, each "<div><b>Label:</b> value</div>" in the site's
# language ("Body:"/"Text:", "Category:"/"Kategorie:", "Published:"), a rich-text field's value
# wrapped in <div class="ExternalClass…"> (SharePoint's own marker, a GUID's 32 hex digits).
_SHAREPOINT_FIELD = re.compile(r"\s*(<div>)<b>[^<>]{1,80}:</b>\s*")
_SHAREPOINT_RICH = re.compile(r"""<div class=["']?ExternalClass[0-9A-Fa-f]{32}["']?>""")
_DIV_TAG = re.compile(r"<(/?)div\b[^>]*>", re.I)


def sharepoint_text(html: str) -> str:
    """A SharePoint list item's post: its (longest) rich-text field, without the fields'
    labels nor the other fields (a category, dates, an author: the feed gives them apart); any
    other body as it is.  Only a body that is all fields, one of them rich text, is SharePoint's:
    an interview written as "<div><b>Frage:</b> …</div>" is a post like any other."""
    if "ExternalClass" not in html or not html.lstrip().startswith("<div><b>"):
        return html
    texts: list[str] = []
    at = 0
    while (field := _SHAREPOINT_FIELD.match(html, at)) is not None:
        closing = _closing_div(html, field.start(1))
        if closing is None:
            return html
        if (rich := _SHAREPOINT_RICH.match(html, field.end())) is not None:
            inner = _closing_div(html, rich.start())
            if inner is None or html[inner.end() : closing.start()].strip():
                return html  # more than the rich text in the field
            texts.append(html[rich.end() : inner.start()])
        at = closing.end()
    if not texts or html[at:].strip():
        return html
    return max(texts, key=len)


def _closing_div(html: str, start: int) -> re.Match[str] | None:
    """The end tag of the <div> that starts at `start`, None if it never ends."""
    depth = 0
    for tag in _DIV_TAG.finditer(html, start):
        depth += -1 if tag[1] else 1
        if depth == 0:
            return tag
    return None


def clean_comment(entry: ParsedEntry, post_id: str) -> Comment:
    """A safe Comment from an entry of a post's comment feed; never with an e-mail address."""
    base = entry.base_url
    content = sanitize_html(entry.content_html or entry.summary_html, base, comment=True)
    return Comment(
        post_id=post_id,
        guid=entry.guid,
        url=_http_url(entry.url, base),
        parent_guid=parent_guid(entry),
        author=bounded(strip_email(plain_text(entry.author)), AUTHOR_LIMIT),
        author_url=_http_url(entry.author_url, base),
        published=entry.published or entry.updated,
        content_html=content,
        kind=comment_kind(entry),
    )


def parent_guid(entry: ParsedEntry) -> str | None:
    """What a comment replies to, from Atom threading (RFC 4685 ``thr:in-reply-to``): the ref, or
    with only an href the href (the parent's link).  Neither needs a fragment: Mastodon-style
    replies and engines that give each comment its own URL or tag name a comment without one.  A
    reference to the post itself is made top-level where the post is known
    (comments.top_level_if_reply_to_post, and the thread's Lookup finds no comment by it).
    """
    return (entry.in_reply_to or "").strip() or (entry.in_reply_to_url or "").strip() or None


# "Pingback: …", "Von: Trackback: …"; Dotclear titles every ping (pingback, trackback, webmention)
# "[ping] <post> - <blog>".
_PINGBACK_TITLE = re.compile(r"^\s*(?:(?:(?:von|by|from)\s*:\s*)?(pingback|trackback)\s*:|\[ping\]\s)", re.I)
_ELLIPSIS_START = re.compile(r"^\s*\[(?:…|\.\.\.|&#8230;)\]")
_ELLIPSIS_END = re.compile(r"(?:\[(?:…|\.\.\.)\]|…|\.\.\.)\s*$")
_TRACKBACK_HTML = re.compile(r"^\s*(?:<p>\s*)?<strong>[^<]+</strong>", re.I)


def comment_kind(entry: ParsedEntry) -> CommentKind:
    """comment, pingback or trackback.  Feeds do not say which, so (WordPress being most blogs):

    1. a title or author starting with "Pingback:" / "Trackback:", also after "Von:" / "By:"
       (some themes and plugins write that) -> that kind; with "[ping]" (Dotclear) -> pingback;
    2. text that starts with "[…]" (or "[...]") and ends with "[…]" -> pingback: WordPress stores a
       received pingback as "[…] excerpt around the link […]" (wp_xmlrpc_server::pingback_ping);
    3. HTML that starts with "<strong>title</strong>" and text that ends with an ellipsis ("…",
       "...", "[…]") -> trackback: WordPress stores a trackback as "<strong>title</strong> excerpt"
       (wp-trackback.php) and senders cut the excerpt;
    4. anything else -> comment.  (The "Von: …" / "By: …" titles of WordPress comment feeds are
       the same for all three, so they decide nothing.)
    """
    for label in (plain_text(entry.title), plain_text(entry.author)):
        match = _PINGBACK_TITLE.match(label)
        if match:
            return "trackback" if (match.group(1) or "").lower() == "trackback" else "pingback"
    body = entry.content_html or entry.summary_html
    if not _TRACKBACK_HTML.match(body) and not _may_hold_bracket(body):
        return "comment"  # most comments: neither rule can match, and their text is not needed
    text = plain_text(body)
    if _ELLIPSIS_START.match(text) and _ELLIPSIS_END.search(text) and len(text) > 8:
        return "pingback"
    if _TRACKBACK_HTML.match(body) and _ELLIPSIS_END.search(text):
        return "trackback"
    return "comment"


def _may_hold_bracket(html: str) -> bool:
    """Whether the text of `html` may hold a "[": as written, or as any character reference
    (`&#91;`, `&lsqb;`, …: html.unescape decodes what the HTML parser decodes).  Cheaper than the
    text itself, which costs a parse of the comment."""
    return "[" in html or ("&" in html and "[" in html_lib.unescape(html))


# --- HTML ------------------------------------------------------------------------------------------


def sanitize_html(html: str, base_url: str, *, comment: bool = False) -> str:
    """Safe HTML from untrusted HTML: the allowlist, URLs absolute, only http(s)/mailto links."""
    return _sanitized(html, base_url, comment)[0]


def _sanitized(html: str, base_url: str, comment: bool) -> tuple[str, tuple[str, ...]]:
    """sanitize_html, and the absolute http(s) links of the result (see outbound_links)."""
    if not html or not html.strip():
        return "", ()
    html = _prepare(html)
    if not comment:
        html = _embeds_as_links(html, base_url)
    if _too_complex(html):
        return _flattened(html), ()
    fragments = frozenset() if comment else _in_page_fragments(html)
    out = (_COMMENT_CLEANER if comment else _POST_CLEANER_WITH_IDS if fragments else _POST_CLEANER).clean(html)
    out, links = _filter_attributes(out, base_url, comment)
    if fragments:
        out = _in_page_links(out, base_url, fragments)
    if comment and "@" in out:  # the pattern scans every word (12 µs a comment); most have none
        out = _EMAIL_IN_TEXT.sub("[…]", out)
    return out.strip(), links


def _prepare(html: str) -> str:
    # A substring search per character finds none 10x faster than the pattern does (str.find
    # is a memchr; a character class is matched position by position), and bodies have none.
    if any(char in html for char in _C0_CHARS):
        html = _C0.sub("", html)
    html = _NOSCRIPT.sub("", _lazy_images(html))
    return _emoji_as_text(html)



# Lazy-loading plugins (WordPress's a3 Lazy Load, Jetpack's, lazysizes) write an image's address
# into data-src (data-lazy-src) and a placeholder, or nothing, into src: the allowlist keeps
# neither, and the image was gone without a word.  The address the plugin would load is the
# image's.
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_LAZY_SRC = re.compile(r"""\sdata-(?:lazy-)?src\s*=\s*(?:"([^"<>]*)"|'([^'<>]*)'|([^\s>"'<]+))""", re.I)
_SRC = re.compile(r"""\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.I)


def _lazy_images(html: str) -> str:
    if "data-src" not in html and "data-lazy-src" not in html:
        return html

    def loaded(match: re.Match[str]) -> str:
        tag = match[0]
        lazy = _LAZY_SRC.search(tag)
        if lazy is None or html[match.end() : match.end() + 40].lstrip()[:9].lower() == "<noscript":
            return tag  # the <noscript> after it holds the image as it is (_NOSCRIPT keeps it)
        written = _SRC.search(tag)
        current = _value(written).strip()
        if current and not current.lower().startswith("data:"):
            return tag  # a real address: the plugin's is the same picture
        address = _value(lazy)
        if written is not None:
            tag = tag[: written.start()] + tag[written.end() :]
        return f'{tag[:4]} src="{address}"{tag[4:]}'

    return _IMG.sub(loaded, html)


# A player a post embeds (a video's iframe, <video>, <audio>): no player is shown here (it would
# ask its host for the file as the page loads), but a link to what it plays, where it stood.
_EMBED = re.compile(r"<(iframe|video|audio)(?=[\t\n\f\r />])([^>]*)>(.*?)</\1\s*>", re.I | re.S)
_MAY_EMBED = re.compile(r"<(?:iframe|video|audio)(?=[\t\n\f\r />])", re.I)  # 9 µs an 11 KB post
_EMBED_TITLE = re.compile(r"""(?<![-\w])title\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.I)  # not data-title
# What players call themselves, in every post that embeds them (YouTube's and Vimeo's embed codes).
_PLAYER_TITLES = frozenset({"youtube video player", "vimeo video player", "video player", "youtube", "vimeo",
                            "embedded content", "embed", "iframe"})  # fmt: skip
_EMBED_SOURCE = re.compile(r"""\b(?:data-)?src\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+))""", re.I)


def _embeds_as_links(html: str, base_url: str) -> str:
    if not _MAY_EMBED.search(html):  # most posts: one quick look
        return html

    def link(match: re.Match[str]) -> str:
        written = _value(_EMBED_SOURCE.search(match[2]) or _EMBED_SOURCE.search(match[3]))
        url = _http_url(html_lib.unescape(written).strip(), base_url) if written else None
        if url is None:  # none, or not http(s): nothing to link
            return ""
        # Its title names what it plays ("Our talk at the meetup"), where the address says nothing
        # to a reader (WCAG 2.4.4); a title of a player's own words only ("YouTube video player")
        # names nothing either.
        title = one_line(html_lib.unescape(_value(_EMBED_TITLE.search(match[2]))))
        named = title and title.casefold() not in _PLAYER_TITLES
        return f'<p><a href="{html_lib.escape(url)}">{html_lib.escape(bounded(title, 200) if named else url)}</a></p>'

    return _EMBED.sub(link, html)


def _value(attribute: re.Match[str] | None) -> str:
    """An attribute's value as one of the patterns above found it ("", '' or unquoted)."""
    return next((group for group in attribute.groups() if group is not None), "") if attribute else ""


def _emoji_as_text(html: str) -> str:
    if _EMOJI_PATH not in html:  # a post without any (most): one search, not the pattern
        return html
    return _EMOJI_IMG.sub(_emoji_text, html)


def _emoji_text(match: re.Match[str]) -> str:
    alt = _ALT.search(match.group(0))
    text = html_lib.unescape((alt.group(1) or alt.group(2)) if alt else "")
    return html_lib.escape(text[:8])


def _attribute(comment: bool, base: str, tag: str, name: str, value: str) -> str | None:
    """The attribute filter: URLs absolute and of a safe scheme, numbers numeric; None drops the
    attribute.  Never raises (an exception drops the attribute)."""
    try:
        if name == "href":
            return _http_url(value, base) if comment else safe_url(value, base)
        if name == "src":
            return _http_url(value, base)
        if name == "srcset":
            return _srcset(value, base)
        if name in _INT_ATTRIBUTES:
            return _integer(value)
        return value
    except Exception:
        return None


def _integer(value: str) -> str | None:
    """A number attribute (width, colspan, …): up to five digits, else dropped."""
    value = value.strip()
    return value if 1 <= len(value) <= 5 and value.isdecimal() else None  # \d{1,5}


_POST_CLEANER = nh3.Cleaner(
    tags=POST_TAGS,
    clean_content_tags=DROP_WITH_CONTENT,
    attributes=POST_ATTRIBUTES,
    tag_attribute_values=POST_ATTRIBUTE_VALUES,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener",
    strip_comments=True,
)
# A post that links into itself (footnotes, a table of contents) keeps the ids its links name.
_POST_CLEANER_WITH_IDS = nh3.Cleaner(
    tags=POST_TAGS,
    clean_content_tags=DROP_WITH_CONTENT,
    attributes={**POST_ATTRIBUTES, "*": POST_ATTRIBUTES["*"] | {"id"}},
    tag_attribute_values=POST_ATTRIBUTE_VALUES,
    url_schemes={"http", "https", "mailto"},
    link_rel="noopener",
    strip_comments=True,
)
_COMMENT_CLEANER = nh3.Cleaner(
    tags=COMMENT_TAGS,
    clean_content_tags=DROP_WITH_CONTENT,
    attributes=COMMENT_ATTRIBUTES,
    url_schemes={"http", "https"},
    link_rel="nofollow ugc noopener",
    strip_comments=True,
)

# --- the attribute filter, applied to nh3's output ---------------------------------------------
#
# nh3 can call a Python function for every attribute it keeps (attribute_filter), and did: ~70
# calls into Python per 11 KB post, more than a third of its time.  The same function is now
# applied after nh3, only to the attributes it changes, with ammonia's semantics: it runs on the
# attributes that survived the allowlist and the scheme check, in their order with `rel` last
# (link_rel is added before the filter runs), gets the value unescaped, and an attribute it
# drops is removed with Vec::swap_remove (the last attribute takes its place).  nh3's output is
# regular (html5ever's serialiser: every attribute as name="value" with & " < > and no-break
# spaces escaped, "<" escaped in text), so a tag found is always a whole tag.
# tests/test_clean.py compares this with nh3's own attribute_filter on the XSS corpus.
_FILTERED = frozenset({"href", "src", "srcset"}) | _INT_ATTRIBUTES
_FILTERED_TAG_FULL = re.compile(
    r"<(?:(a|img|source|td|th|col|colgroup|ol|li)((?:\s+[^\s\"'>/=]+(?:=\"[^\"]*\")?)*)(\s*/?>)"
    r"|/?[A-Za-z][^\s/>]*(?:\s+[^\s\"'>/=]+(?:=\"[^\"]*\")?)*\s*/?>)"
)
# A link of nh3's output as most are: an address (no character escaped) and the rel nh3 adds.
_PLAIN_LINK = re.compile(r' href="([^"&]*)"(?: rel="[^"]*")?')
_ONE_ATTRIBUTE = re.compile(r"\s+([^\s\"'>/=]+)(?:=\"([^\"]*)\")?")
# Where html5ever escapes ">" in attribute values as well (nh3 0.3), a tag ends at the first ">":
# a much cheaper pattern finds the few tags with attributes to filter.
_FILTERED_TAG_QUICK = re.compile(r"<(a|img|source|td|th|col|colgroup|ol|li)(\s[^>]*)(>)")
_GT_ESCAPED = "&gt;" in nh3.clean('<a title="&gt;">x</a>', tags={"a"}, attributes={"a": {"title"}})
_FILTERED_TAG = _FILTERED_TAG_QUICK if _GT_ESCAPED else _FILTERED_TAG_FULL
# Where "<" is escaped in attribute values too (as in text), every "<" of nh3's output starts a
# tag: _text_of_sanitized may cut the body anywhere and go on to the next "<".
_EVERY_LT_A_TAG = "&lt;" in nh3.clean('<a title="<">x</a>', tags={"a"}, attributes={"a": {"title"}})


def _filter_attributes(html: str, base_url: str, comment: bool) -> tuple[str, tuple[str, ...]]:
    """`_attribute` applied to the URL and number attributes of nh3's output, and images left
    without a source dropped, and tracking pixels; and, gathered on the way, the http(s) links
    (each once, in order).  A tracking pixel (Medium's "_/stat", FeedBurner's, WordPress.com's
    stats) is an image of 1 × 1 (or 0) pixels that counts who loads it: shown, it was downloaded
    from the tracker once a post, and kept in the post and the site's feeds, showing nothing.

    Every <a> and <img> with attributes passes here anyway: collecting the links and dropping
    the images in this pass saves two more scans of the body."""
    parts: list[str] = []
    links: dict[str, None] = {}
    pos = 0
    origin = _origin(base_url) if base_url else None
    for tag in _FILTERED_TAG.finditer(html):
        name, written_attributes = tag.group(1, 2)
        if name is None or not written_attributes:
            continue
        if name == "a" and (plain := _PLAIN_LINK.fullmatch(written_attributes)):
            url = plain.group(1)  # most links: nothing to change, a link to gather
            if _resolve_simple(url, origin) == url:
                links[url] = None
                continue
        attributes = _ONE_ATTRIBUTE.findall(written_attributes)
        kept: list[tuple[str, str]] | None = None  # a copy, made at the first change
        dropped: list[int] = []
        href = None
        has_src = False  # html5ever keeps one attribute of a name: one src at most
        tiny = 0  # sides (width, height) of at most one pixel
        for index, (attribute, value) in enumerate(attributes):
            if attribute not in _FILTERED:
                continue
            original = html_lib.unescape(value) if "&" in value else value
            if attribute in _URL_ATTRIBUTES:
                # The plainest forms without the general path: see _resolve_simple.
                fast = _resolve_simple(original, origin)
                new = (fast or None) if fast is not None else _attribute(comment, base_url, name, attribute, original)
                if attribute == "href":
                    if href is None:
                        href = new
                elif new is not None:
                    has_src = True
            elif attribute == "srcset":
                new = _srcset(original, base_url, origin)
            else:
                new = _integer(original)
                if new in ("0", "1") and attribute in ("width", "height"):
                    tiny += 1
            if new == original:
                continue
            if kept is None:
                kept = attributes.copy()
            if new is None:
                dropped.append(index)
            else:
                kept[index] = (attribute, _escape_attribute(new))
        if href is not None and name == "a" and href.startswith(("http://", "https://")):
            links[href] = None
        if name == "img" and (not has_src or tiny == 2):
            written = ""  # an image without a source is none; a tracking pixel shows none
        elif kept is not None:
            for index in reversed(dropped):  # Vec::swap_remove
                kept[index] = kept[-1]
                kept.pop()
            written = "".join([f"<{name}", *[f' {a}="{v}"' for a, v in kept], tag.group(3)])
        else:
            continue
        parts.append(html[pos : tag.start()])
        parts.append(written)
        pos = tag.end()
    if parts:
        parts.append(html[pos:])
        html = "".join(parts)
    if "<img>" in html:  # no attributes at all, so not met above
        html = html.replace("<img>", "")
    return html, tuple(links)


_URL_ATTRIBUTES = frozenset({"href", "src"})


# --- links into the post itself ------------------------------------------------------------------
#
# A footnote ("<a href="#fn1">") or a table of contents led to the original post: a post's ids are
# dropped (its "comments" or "main" would clobber the page's own).  Those its links name are kept,
# prefixed by the post's own mark (two posts on one page, one id each), and the links lead there.
# The site's feeds make them absolute again (website/plugin/feeds.py).
_FRAGMENT_HREF = re.compile(r"""\shref\s*=\s*(?:"#([^"]+)"|'#([^']+)'|#([^\s>"']+))""", re.I)
_TAG_WITH_ID = re.compile(r'<[A-Za-z][^\s/>]*(?:\s+[^\s"\'>/=]+(?:="[^"]*")?)*?\s+id="([^"]*)"')


def _in_page_fragments(html: str) -> frozenset[str]:
    """The fragments of the post's links to a place in itself ("#fn1"), unescaped."""
    # Most posts: a memchr for each "#" (few), none starting an attribute's value; the pattern
    # took 86 µs on an 11 KB post with a "#" anywhere (WordPress's "…/#more-123" links).
    at = html.find("#")
    while at != -1 and (at == 0 or html[at - 1] not in "\"'="):
        at = html.find("#", at + 1)
    if at == -1:
        return frozenset()
    return frozenset(html_lib.unescape(_value(match)) for match in _FRAGMENT_HREF.finditer(html))


def in_page_mark(base_url: str) -> str:
    """The prefix of a post's ids: its own, so that two posts' footnotes on one page differ."""
    return "p" + hashlib.sha256(base_url.encode("utf-8", "surrogatepass")).hexdigest()[:8] + "-"


def _in_page_links(html: str, base_url: str, fragments: frozenset[str]) -> str:
    """nh3's output with the ids the post's links name kept, prefixed, the others dropped, and
    those links (made absolute by the attribute filter, to the original) leading to them."""
    mark = in_page_mark(base_url)
    targets = fragments | {unquote(fragment) for fragment in fragments}  # "#Gr%C3%BCnde": "Gründe"
    kept: set[str] = set()

    def id_of(match: re.Match[str]) -> str:
        value = html_lib.unescape(match[1])
        start, end = match.span(1)
        start -= len(' id="')
        end += 1
        keep = value in targets and value not in kept  # a second element of one id: not it
        if keep:
            kept.add(value)
        written = f' id="{_escape_attribute(mark + value)}"' if keep else ""
        return match[0][: start - match.start()] + written + match[0][end - match.start() :]

    html = _TAG_WITH_ID.sub(id_of, html)
    for fragment in fragments:
        target = fragment if fragment in kept else unquote(fragment)
        resolved = safe_url("#" + fragment, base_url) if target in kept else None
        if resolved:
            html = html.replace(f' href="{_escape_attribute(resolved)}"',
                                f' href="#{_escape_attribute(mark + target)}"')  # fmt: skip
    return html


def _escape_attribute(value: str) -> str:
    """html5ever's escaping of an attribute value."""
    if not _TO_ESCAPE.search(value):
        return value
    value = value.replace("&", "&amp;").replace("\u00a0", "&nbsp;").replace('"', "&quot;")
    return value.replace("<", "&lt;").replace(">", "&gt;")


_TO_ESCAPE = re.compile('[&\u00a0"<>]')


_DESCRIPTOR = re.compile(r"^\d+(?:\.\d+)?[wx]$")


# A srcset as WordPress writes it: candidates of a plain URL (a path from the root, or an
# absolute http(s) URL without a port) and a width or density, nothing to clean or resolve
# but the origin before a path.  Each candidate's own pass (_srcset_candidates) gives the same.
# Its characters: printable ASCII but "#", ",", "?" and the backslash (as ranges: the negated class
# [^\x00-\x20\x7f-\U0010ffff#,?\\] took 5 ms of every run's start to compile).
_PLAIN_URL = r'(?:/(?![/\\])|https?://[A-Za-z0-9.-]+/)[!"$-+\-->@-\[\]-~]*'
_PLAIN_DESCRIPTOR = r"[0-9]+(?:\.[0-9]+)?[wx]"
_PLAIN_CANDIDATE = re.compile(f"({_PLAIN_URL})[ \t\n\r\f]+({_PLAIN_DESCRIPTOR})")
# The same, each candidate written "<url> <descriptor>" and joined with ", " (WordPress's
# wp_calculate_image_srcset): what the one pass writes, but the origin before each path.  A
# plain URL holds no ",", so ", /" begins a path only where a candidate begins.
_WRITTEN_SRCSET = re.compile(f"{_PLAIN_URL} {_PLAIN_DESCRIPTOR}(?:, {_PLAIN_URL} {_PLAIN_DESCRIPTOR})*")
_PLAIN_SRCSET = re.compile(
    f"[ \t\n\r\f]*{_PLAIN_URL}[ \t\n\r\f]+{_PLAIN_DESCRIPTOR}[ \t\n\r\f]*"
    f"(?:,[ \t\n\r\f]*{_PLAIN_URL}[ \t\n\r\f]+{_PLAIN_DESCRIPTOR}[ \t\n\r\f]*)*"
)


def _srcset(value: str, base: str, origin: str | None = None) -> str | None:
    """Each candidate's URL absolute http(s), descriptors checked; bad candidates are dropped.
    (`origin`: the base's, where the caller knows it: see _resolve_simple.)"""
    if origin is not None and "/." not in value:
        if _WRITTEN_SRCSET.fullmatch(value):  # as WordPress writes it: only the origin to add
            value = value.replace(", /", f", {origin}/")
            return origin + value if value[0] == "/" else value
        if _PLAIN_SRCSET.fullmatch(value):
            return ", ".join(f"{origin}{url} {descriptor}" if url[0] == "/" else f"{url} {descriptor}"
                         for url, descriptor in _PLAIN_CANDIDATE.findall(value))  # fmt: skip
    return _srcset_candidates(value, base, origin)


def _srcset_candidates(value: str, base: str, origin: str | None) -> str | None:
    candidates = []
    for candidate in value.split(","):
        parts = candidate.split()
        if not parts:
            continue
        fast = _resolve_simple(parts[0], origin)
        url = (fast or None) if fast is not None else _http_url(parts[0], base)
        descriptor = parts[1] if len(parts) == 2 else ""
        if url and len(parts) <= 2 and (not descriptor or _DESCRIPTOR.match(descriptor)):
            url = url.replace(",", "%2C")
            candidates.append(f"{url} {descriptor}".strip())
    return ", ".join(candidates) or None


def _too_complex(html: str) -> bool:
    """Whether html5ever would take seconds over `html` (MAX_DEPTH, MAX_ATTRIBUTES, MAX_ESCAPE_COST)."""
    return _too_deep(html) or _too_many_attributes(html) or _too_many_escapes(html)


def _too_many_escapes(html: str) -> bool:
    """Whether the text of `html` would cost nh3 more than MAX_ESCAPE_COST (an upper bound: a
    stretch between tags holds attributes too).  Short bodies cannot: their length squared is less."""
    if len(html) ** 2 <= MAX_ESCAPE_COST:
        return False
    if (html.count("&") + html.count("\xa0")) * len(html) <= MAX_ESCAPE_COST:
        return False
    cost = 0
    for run in _TEXT_RUN.finditer(html):
        text = run.group()
        cost += (text.count("&") + text.count("\xa0")) * len(text)
        if cost > MAX_ESCAPE_COST:
            return True
    return False


def _too_many_attributes(html: str) -> bool:
    """Whether an element of `html` has more than MAX_ATTRIBUTES attributes.  Each takes two
    characters at least, so a body under 40,000 characters cannot cost html5ever 0.1 s."""
    if len(html) < 40_000:
        return False
    for tag in _TAG_WITH_ATTRIBUTES.finditer(html):
        start, end = tag.span()
        if end - start > 2 * MAX_ATTRIBUTES:
            attributes = _ONE_ATTRIBUTE_TOKEN.finditer(html, start, end)
            if sum(1 for _ in attributes) > MAX_ATTRIBUTES:
                return True
    return False


def _too_deep(html: str) -> bool:
    """Whether `html` nests deeper than MAX_DEPTH as an HTML parser builds it."""
    if html.count("<") < MAX_DEPTH:
        return False
    depth = foreign = 0  # foreign: open svg and math elements
    for match in _TAG_TOKEN.finditer(html):
        closing, name, rest = match.groups()
        name = name.lower()
        if name in _BREAKOUT and not closing:
            foreign = 0
        if name in _NOT_NESTING or (rest.endswith("/") and (foreign or name in _FOREIGN)):
            continue
        if name in _FOREIGN:
            foreign = max(foreign + (-1 if closing else 1), 0)
        depth += -1 if closing else 1
        if depth > MAX_DEPTH:
            return True
    return False


def _flattened(html: str) -> str:
    """Escaped text in one paragraph: for bodies too deep to sanitise as HTML."""
    text = " ".join(html_lib.unescape(_TAG.sub(" ", _without_code(html))).split())
    return f"<p>{html_lib.escape(text, quote=False)}</p>" if text else ""


def _without_code(html: str) -> str:
    """`html` without script, style, SVG ... elements, in one pass (an unclosed one runs to the
    end), for the flattening path where html5ever is not used."""
    lowered, parts, pos = html.lower(), [], 0
    while match := _CODE.search(html, pos):
        parts.append(html[pos:match.start()])
        end = lowered.find("</" + match.group(1).lower(), match.end())
        if end < 0:
            return " ".join(parts)
        close = lowered.find(">", end)
        pos = len(html) if close < 0 else close + 1
    parts.append(html[pos:])
    return " ".join(parts)


def outbound_links(html: str, base_url: str) -> tuple[str, ...]:
    """The absolute http(s) hrefs of the links in `html`, deduplicated, in order."""
    return _sanitized(html, base_url, False)[1]


# --- URLs ------------------------------------------------------------------------------------------


def safe_url(url: str | None, base_url: str) -> str | None:
    """`url` made absolute against `base_url`; None unless it is http(s) with a host, or mailto."""
    if not isinstance(url, str):
        return None
    if url[:1].isascii() and (url[:1].isalnum() or url[:1] == "/") and url[:1] not in "mM":
        return _http_url(url, base_url)  # cleaning cannot make it start with "mailto:"
    cleaned = _INVISIBLE_EDGES.sub("", _CONTROL.sub("", _URL_JUNK.sub("", url)))
    if cleaned[:7].lower() == "mailto:":
        address = cleaned[7:]
        ok = address and not any(c.isspace() or c in "<>\"'" for c in address)
        return "mailto:" + address if ok else None
    return _http_url(url, base_url)


@lru_cache(maxsize=4096)  # feeds repeat their links (navigation, "first published on" footers)
def _http_url_cached(url: str, base_url: str) -> str | None:
    return _resolve_http(url, base_url)


# Spaces, controls and invisible format characters at either end: old browsers skipped some of
# them before a scheme ("\u180ejavascript:"), so they are gone before the scheme is judged.
_INVISIBLE_EDGES = re.compile(
    r"^[\s\x00-\x20\x7f-\xa0\u180e\u200b-\u200f\u2028-\u202f\u205f-\u206f\ufeff]+"
    r"|[\s\x00-\x20\x7f-\xa0\u180e\u200b-\u200f\u2028-\u202f\u205f-\u206f\ufeff]+$"
)
_PLAIN_ABSOLUTE = re.compile(r"^https?://[^\x00-\x20\x7f\\/?#@]+(?:[/?#][^\x00-\x20\x7f\\]*)?$", re.I)


def _http_url(url: str | None, base_url: str) -> str | None:
    """An absolute http(s) URL with a host, resolved against `base_url`, else None."""
    if not isinstance(url, str) or not isinstance(base_url, (str, type(None))):
        return None
    return _http_url_cached(url, base_url or "")


# URLs that need no cleaning and whose resolution is plain concatenation (see _resolve_http):
# printable ASCII without "\\", no empty query or fragment, and for a path no dot segments.
_ROOTED = re.compile(r"/(?![/\\])[!-\[\]-~]*")
_SIMPLE_ABSOLUTE = re.compile(r"(?i:(https?))://([A-Za-z0-9.-]+)(?::(\d{1,5}))?(/[!-\[\]-~]*)?")
_DOT_SEGMENT = re.compile(r"/\.\.?(?:[/?#]|$)")


def _resolve_http(url: str, base_url: str) -> str | None:
    fast = _resolve_simple(url, _origin(base_url) if url[:1] == "/" else None)
    if fast is not None:
        return fast or None
    return _resolve_general(url, base_url)


def _resolve_general(url: str, base_url: str) -> str | None:
    """Any URL: cleaned as browsers read it, joined with urllib, then judged."""
    if not _PLAIN_ABSOLUTE.match(url):  # the common case needs no cleaning and no resolving
        url = _INVISIBLE_EDGES.sub("", _CONTROL.sub("", _URL_JUNK.sub("", url)))
        if not url:
            return None
        # Browsers read "\\" as "/" in http(s) URLs; resolving the same way means the link we
        # check is the link they follow.
        url = url.replace("\\", "/").replace(" ", "%20")
        base = _base(base_url, "")
        try:
            url = urljoin(base, url) if base else url
        except ValueError:
            return None
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  raises ValueError on a malformed port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.hostname:
        return None
    # A user name or password in the address: not ours to send (an image's download would log in
    # with it) nor to publish, print or store; the address without it.
    netloc = parts.netloc.rpartition("@")[2] if "@" in parts.netloc else parts.netloc
    return urlunsplit((scheme, netloc, parts.path or "/", parts.query, parts.fragment))


def _resolve_simple(url: str, origin: str | None) -> str | None:
    """What the general path below gives, for the forms most links take, without urllib: an
    absolute http(s) URL with a plain host, or a path from the root resolved against a base
    whose `_origin` is `origin`.  None where the general path must decide ("" where the answer
    is None).  A post's 40-odd links and images take it straight from the attribute pass:
    through the general path and an LRU cache they never hit (their base is each post's own
    address), resolving them was a third of cleaning a post."""
    if url.endswith(("?", "#")) or "?#" in url:
        return None  # urlunsplit drops an empty query or fragment
    if url[:1] == "/":
        if origin is None or not _ROOTED.fullmatch(url):
            return None
        # A dot segment needs "/.": most paths have none, and need no look at their parts.
        if "/." in url and _DOT_SEGMENT.search(url.split("?", 1)[0].split("#", 1)[0]):
            return None
        return origin + url
    match = _SIMPLE_ABSOLUTE.fullmatch(url)
    if match is None:
        return None
    scheme, host, port, rest = match.groups()
    if port is None:
        if rest and scheme in ("http", "https"):
            return url  # already as the general path writes it
    elif int(port) > 65535:
        return ""
    return f"{scheme.lower()}://{host}{':' + port if port is not None else ''}{rest or '/'}"


@lru_cache(maxsize=1024)
def _origin(base_url: str) -> str | None:
    """ "scheme://host[:port]" of a base the general path joins by concatenation, else None."""
    base = _base(base_url, "")
    match = _SIMPLE_ABSOLUTE.match(base) if base else None
    if match is None or base != base_url or (match.group(3) and int(match.group(3)) > 65535):
        return None
    end = match.end(3) if match.group(3) is not None else match.end(2)
    if base[end : end + 1] not in ("", "/", "?", "#"):
        return None  # the host goes on with characters the pattern does not know
    return match.group(1).lower() + base[len(match.group(1)) : end]


@lru_cache(maxsize=1024)
def _base(base_url: str | None, fallback: str) -> str:
    """A usable base URL: an absolute http(s) URL, else `fallback`."""
    if isinstance(base_url, str):
        try:
            parts = urlsplit(base_url.strip())
        except ValueError:
            return fallback
        if parts.scheme.lower() in ("http", "https") and parts.netloc:
            return base_url.strip()
    return fallback


# --- plain text ------------------------------------------------------------------------------------

_TEXT_CLEANER = nh3.Cleaner(tags=set(), clean_content_tags=DROP_WITH_CONTENT | {"noscript"},
                            attributes={}, link_rel=None)


def plain_text(html: str) -> str:
    """The text of an HTML fragment: tags gone, entities decoded, whitespace collapsed.

    A "<" in the text stays a "<" (a title may be about the <dialog> element): the theme
    escapes every plain-text field, so it never becomes markup."""
    if not html or not isinstance(html, str):
        return ""
    html = _CONTROL.sub("", _emoji_as_text(html))
    if "<" in html:
        html = _BLOCK.sub(r" \g<0>", html)
        html = _TAG.sub(" ", _without_code(html)) if _too_complex(html) else _TEXT_CLEANER.clean(html)
    return " ".join(_CONTROL.sub("", html_lib.unescape(html)).split())


_BLOCK_NAMES = frozenset(
    "p div br li ul ol dd dt h1 h2 h3 h4 h5 h6 tr td th table blockquote pre figure figcaption hr "
    "section article header footer aside".split()
)


# html5ever writes tag names in lower case.
_BLOCK_TAG = re.compile(
    r"</?(?:" + "|".join(sorted(_BLOCK_NAMES, key=len, reverse=True)) + r")(?=[\s/>])" + _ATTRS
)


def _text_of_sanitized(sanitized: str, limit: int | None = None) -> str:
    """plain_text for our own sanitiser's output: its markup is regular, so a pattern will do.
    Block elements separate words; inline ones do not.

    With `limit`, the text may stop after more than `limit` characters: it is then the start of
    the whole text, which is all `bounded(text, limit)` reads.  (Sanitised HTML has every "<"
    of text and every "&" escaped, so text cut after a tag is the start of the text.)  The
    start read first is four times the limit, in markup and text; more only where
    its text was not enough.  An excerpt's text (`limit`) is without `_NO_EXCERPT_LINK`s."""
    length = 4 * limit + 256 if limit is not None and _EVERY_LT_A_TAG else len(sanitized)
    while True:
        end = len(sanitized)
        if length < end:  # cut after the tag that starts next (every "<" starts one)
            start = sanitized.find("<", length)
            tag = _ANY_TAG.match(sanitized, start) if start >= 0 else None
            end = tag.end() if tag else end
        head = sanitized[:end]
        if limit is not None and "<a " in head:
            head = _NO_EXCERPT_LINK.sub(" ", head)
        text = _ANY_TAG.sub("", _BLOCK_TAG.sub(" ", head))
        text = " ".join(html_lib.unescape(text).split())
        if end == len(sanitized) or (limit is not None and len(text) > limit):
            return text
        length *= 2


# What an excerpt leaves out (`limit`: it is one): links within the post (a footnote's number,
# its "↩", a table of contents) and a link that is its own address (an embedded player's, as
# _embeds_as_links writes it): "Fußnote1", "↩" and "https://www.youtube-nocookie.com/embed/…"
# in a post's excerpt said nothing.
_NO_EXCERPT_LINK = re.compile(r'<a\b[^>]*?\shref="(?:#[^"]*"[^>]*>.*?|([^"#][^"]*)"[^>]*>\1)</a>', re.S)


def excerpt(html: str, limit: int = EXCERPT_LIMIT) -> str:
    """Plain text of at most `limit` characters, cut at a word boundary and ended with "…"."""
    return bounded(plain_text(html), limit)


def one_line(text: str) -> str:
    """Plain text as one line: without control characters and bidi overrides (which would show
    "exe.jpg" for "\u202egpj.exe"), each run of white space one space."""
    return " ".join(_CONTROL.sub("", text).split())


def bounded(text: str, limit: int) -> str:
    """`text` in at most `limit` characters, cut at a word boundary and ended with "…"."""
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]  # room for the ellipsis
    if text[limit - 1] != " ":  # the cut fell inside a word: back to the last space
        space = cut.rfind(" ")
        if space > limit // 2:
            cut = cut[:space]
    return cut.rstrip(" ,;:.-–—([{„“\"'") + "…"


def strip_email(text: str) -> str:
    """A name without e-mail addresses: 'a@b.de (Anna)', 'Anna <a@b.de>' and
    'a@b.de (Anna) (a@b.de)' -> 'Anna'; an address alone -> ''."""
    if not text:
        return ""
    text = _EMAIL.sub("", text[:NAME_INPUT_LIMIT])
    previous = None
    while previous != text:  # brackets that held only an address
        previous, text = text, _EMPTY_BRACKETS.sub("", text)
    text = " ".join(text.split()).strip(" ,;:-")
    wrapped = re.fullmatch(r"\(([^()]*)\)", text)  # what is left of "address (Name)"
    return wrapped.group(1).strip() if wrapped else text


_EMPTY_BRACKETS = re.compile(r"\(\s*\)|<\s*>|‹\s*›|\[\s*\]")


def _categories(categories: tuple[str, ...]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for category in categories:
        name = bounded(plain_text(category), CATEGORY_LIMIT)
        if name and name.casefold() not in seen:
            seen[name.casefold()] = name
    return tuple(seen.values())[:MAX_CATEGORIES]
