"""The "In reply to …" paragraph a comment may start with: which comment it answers.  Pure.

WordPress has no threading element in RSS.  In its comment feeds (RSS and Atom alike) a reply's
text starts with a paragraph that names and links its parent (`get_comment_text`, when
`is_comment_feed()`):

    <p>In reply to <a href="https://blog.example/post/#comment-12">Anna</a>.</p>

The sentence is translated with the blog's language ("Als Antwort auf %s.", "En réponse à %s.",
"W odpowiedzi do %s.", "%s への返信"), so it is recognised by its shape, not its words: the first
paragraph holds one link to a comment's anchor (a fragment with a digit, or `#comment…`) and at
most a few short words around it.  A paragraph that says more than that is the comment itself.
"""

from __future__ import annotations

import re
from collections.abc import Set
from dataclasses import dataclass

from .hashing import commenter_digest
from .urls import thread_key

# One link, alone in the first paragraph (or before the first <br> or blank line) but for a few
# words; possessive quantifiers keep a hostile body from making this slow, and so does the link's
# tag, which must end within 2,000 characters (else each "href=" in an unclosed "<a " is scanned
# to the end of the body: quadratic).
_MARKER = re.compile(
    r"""^\s*+(?P<open><p(?:\s[^>]*+)?>)?\s*+
    (?P<before>[^<]{0,80}?)
    <a\s(?=[^>]{0,2000}>)
    (?P<attrs_before>[^>]*?)\bhref\s*=\s*(?P<quote>["'])(?P<href>[^"'<>\s]*+)(?P=quote)[^>]*+>
    (?P<name>[^<]{1,200}?)</a>
    (?P<after>[^<]{0,40}?)
    (?P<close></p>\s*+|<br\s*/?>\s*+|\n\s*\n\s*|$)""",
    re.I | re.X,
)
_COMMENT_ANCHOR = re.compile(r"^(?:comment\S*|\D{0,12}\d+)$", re.I)
_WORD = re.compile(r"\w+")
_MAX_WORDS_BEFORE = 5  # "W odpowiedzi do", "Als Antwort auf", "In risposta a": three or four
_MAX_WORDS_AFTER = 2  # "への返信", "님에게 답글"
_SENTENCE_INSIDE = re.compile(r"[.!?;]\s+\w")


@dataclass(frozen=True)
class ReplyMarker:
    href: str  # the parent's link, as the body has it
    name: str  # the link's text: the parent's author, HTML-escaped as in the body
    start: int  # the marker's span in the body: remove it to drop the marker
    end: int
    href_start: int  # the href's span: replace it to point the link elsewhere
    href_end: int
    name_start: int  # the name's span: replace it to name the parent otherwise
    name_end: int
    link_start: int  # the link's span, <a …> to </a>: remove it to name no one
    link_end: int


def reply_marker(html: str | None) -> ReplyMarker | None:
    """The parent a comment body names in its first paragraph, or None."""
    if not html or "<a" not in html[:400].lower():
        return None
    match = _MARKER.match(html)
    if match is None:
        return None
    href = match["href"]
    _, _, anchor = href.partition("#")
    if not anchor or not _COMMENT_ANCHOR.match(anchor):
        return None
    close = match["close"].strip().lower()
    if match["open"] and not close.startswith(("</p", "<br")):
        return None  # the paragraph goes on after the link: the link is part of the comment
    before, after = _WORD.findall(match["before"]), _WORD.findall(match["after"])
    # The sentence leads to the link ("In reply to", "Als Antwort auf") or, in a few languages,
    # follows it ("への返信"); "@Jan ja, sie wird abgezogen" is a comment addressing Jan.
    if len(before) > _MAX_WORDS_BEFORE or len(after) > _MAX_WORDS_AFTER:
        return None
    if _SENTENCE_INSIDE.search(match["before"] + match["after"]):
        return None
    # A marker ended by <br> inside a paragraph leaves the paragraph's start for the rest.
    start = match.end("open") if match["open"] and close.startswith("<br") else match.start()
    name = match["name"].strip()
    name_start = match.start("name") + match["name"].index(name)
    return ReplyMarker(
        href=href,
        name=name,
        start=start,
        end=match.end(),
        href_start=match.start("href"),
        href_end=match.end("href"),
        name_start=name_start,
        name_end=name_start + len(name),
        link_start=match.end("before"),
        link_end=match.start("after"),
    )


def names_erased(href: str, name: str, links: Set[str], commenters: Set[str]) -> bool:
    """Whether a paragraph linking `href` and reading `name` (both unescaped) names something
    erased: a comment whose link is one of `links` (urls.thread_key), or a commenter whose name
    is one of `commenters` (hashing.commenter_digest).  What `forget` strips from stored bodies
    and what the export drops are one question."""
    return thread_key(href) in links or commenter_digest(name) in commenters


def without_marker(html: str, marker: ReplyMarker) -> str:
    """The body without its "In reply to" paragraph (the nesting says it)."""
    return html[: marker.start] + html[marker.end :]


def is_reply_sentence(html: str, marker: ReplyMarker) -> bool:
    """Whether the paragraph is WordPress's sentence ("In reply to Anna.") before the comment's
    own words, which the nesting can stand for; not a reader's short reply of the same shape
    ("@Anna danke!", "Hallo Bernd, stimmt!": an @-name, a comma or an exclamation), nor a
    paragraph that is the whole comment (an API's or another engine's body has no sentence)."""
    if marker.name.startswith("@"):
        return False
    around = _TAG.sub(" ", html[marker.start : marker.link_start] + " " + html[marker.link_end : marker.end])
    if _NOT_THE_SENTENCE.search(around):
        return False
    return bool(_TAG.sub("", html[marker.end :]).strip())


def without_naming(html: str, marker: ReplyMarker) -> str:
    """The body naming no one where the paragraph names what must not be shown (a commenter
    forgotten, a comment taken down, a name the site hides): WordPress's sentence goes whole;
    a reader's own words stay, the link alone goes."""
    if is_reply_sentence(html, marker):
        return without_marker(html, marker)
    return html[: marker.link_start] + html[marker.link_end :]


_TAG = re.compile(r"<[^>]*>")
_NOT_THE_SENTENCE = re.compile(r"[,!?;¡¿]")


def relinked(html: str, marker: ReplyMarker, href: str, name: str) -> str:
    """The body with its "In reply to" link pointing at `href` (say, the parent on our page) and
    reading `name` (say, the parent's name as the site shows it); both as HTML."""
    return (html[: marker.href_start] + href + html[marker.href_end : marker.name_start] + name
            + html[marker.name_end :])
