"""Small changes to every article's and page's HTML, as Pelican creates them.

- A code block wider than the screen scrolls: `tabindex="0"` lets a keyboard reach and scroll it
  (WCAG 2.1.1; axe's scrollable-region-focusable).  So does a table, in a box of its own
  (`.table-scroll`): a wide one made the whole page scroll sideways on a phone (WCAG 1.4.10).
  Each is a region named for what it holds: a tab stop without a name was read as nothing but
  "group" or its whole text by screen readers.
- A post's body from its blog has its headings ranked under the page's title, the post's h1
  (`headings_under_title`, by the reader): a body's own h1 or skipped levels broke the outline.
- In a list, an article's excerpt has no headings of its own (`headings_as_paragraphs`, a
  filter of the theme's): the list's heading of each article is its title.
- A page's links to `{repository}` and `{contact}` lead to BLOGPARADE_REPOSITORY and
  BLOGPARADE_CONTACT, so "Mitmachen" names where to send a pull request and whom to ask; where
  one is unset, its link becomes its text and a plain note saying so (and the build warns).

A post's long body comes from the reader compressed (`packed`), and these changes are made each
time it is unpacked for its page or a feed (`prepare_content`): the build holds no body whole.
"""

from __future__ import annotations

import logging
import re
import zlib
from functools import partial
from typing import Any, Iterator

from markupsafe import escape

from ...i18n import N_
from .settings import gettext, setting

logger = logging.getLogger(__name__)

_PRE = re.compile(r"<pre(?=[\s>])(?![^>]*\btabindex=)")
_TABLE_TAG = re.compile(r"<(/?)table(?=[\s>])[^>]*>", re.IGNORECASE)
# The scroll boxes' names, in the site's language (N_: marked for the theme's catalog).
CODE_LABEL, TABLE_LABEL = N_("Code block"), N_("Table")
_HEADING_TAG = re.compile(r"<(/?)h([1-6])(?=[\s>])", re.IGNORECASE)
_PLACEHOLDER = re.compile(r'<a\s+href="\{(repository|contact)\}"\s*>(.*?)</a>', re.DOTALL)
PLACEHOLDERS = {
    # N_() marks these for the theme's catalog: aggregator.i18n.PYTHON_SOURCES names this file.
    "repository": ("BLOGPARADE_REPOSITORY", N_("the editors have not given its address yet")),
    "contact": ("BLOGPARADE_CONTACT", N_("the editors have not given an address yet")),
}


def focusable_code(html: str, label: str = CODE_LABEL) -> str:
    names = _names(label, len(_PRE.findall(html)))
    return _PRE.sub(lambda _: f'<pre tabindex="0" role="region" aria-label="{escape(next(names))}"', html)


def _names(label: str, count: int) -> Iterator[str]:
    """A region's name, numbered where a page has several: landmarks of one name cannot be told
    apart (axe's landmark-unique)."""
    return iter([label] if count == 1 else [f"{label} {number}" for number in range(1, count + 1)])


def scroll_box(label: str) -> str:
    return f'<div class="table-scroll" tabindex="0" role="region" aria-label="{escape(label)}">'


def scrollable_tables(html: str, label: str = TABLE_LABEL) -> str:
    """Each table (not one inside another) in a box of its own that scrolls sideways.  Tags in
    lower case, as the sanitiser and Markdown write them (as `focusable_code` reads them too):
    lower-casing every body to look for one took 0.2 s of a 20,000-post build."""
    if "<table" not in html:
        return html
    spans, depth, start = [], 0, 0  # the tables not inside another: each a box, named apart
    for match in _TABLE_TAG.finditer(html):
        if not match[1]:
            if depth == 0:
                start = match.start()
            depth += 1
        elif depth:
            depth -= 1
            if depth == 0:
                spans.append((start, match.end()))
    if depth:  # a table left open: the box's end would land inside it
        return html
    parts, done = [], 0
    for (begin, end), name in zip(spans, _names(label, len(spans))):
        parts += [html[done:begin], scroll_box(name), html[begin:end], "</div>"]
        done = end
    return "".join(parts) + html[done:]


def headings_under_title(html: str) -> str:
    """A blog's post body with its heading levels ranked under the title: the highest one it
    uses becomes h2, the next h3, and so on (h6 at most).  Blogs write an h1 of their own (often
    the title again), or jump from h1 to h4 for the look; on this page that made a second title
    and an outline with gaps for screen readers moving from heading to heading."""
    levels = sorted({int(match[2]) for match in _HEADING_TAG.finditer(html)})
    rank = {level: min(2 + index, 6) for index, level in enumerate(levels)}  # the title is h1
    if all(rank[level] == level for level in levels):
        return html
    return _HEADING_TAG.sub(lambda match: f"<{match[1]}h{rank[int(match[2])]}", html)


def headings_as_paragraphs(html: str) -> str:
    """An excerpt's headings as paragraphs.  A roundup's excerpt starts with its headings ("Die
    Beiträge", then a contribution's title cut off after a few words): in a list of posts, or
    under the parade's "Roundup", they would pose as posts or sections of the page's own to a
    screen reader moving from heading to heading."""
    return _HEADING_TAG.sub(r"<\1p", html)


# A link of a blog's HTML whose content may name nothing: only whitespace, breaks and images.
_MAYBE_NAMELESS = re.compile(r"<a\b[^>]*>((?:\s|&nbsp;|&#160;|<(?:img|br|/?picture|source)\b[^>]*>)*)</a>")
_NAMING_ALT = re.compile(r'<img\b[^>]*\balt="[^"]*[^"\s][^"]*"')


def nameless_links_unwrapped(html: str) -> str:
    """A blog's links that name nothing (empty, or around images without alt text: WordPress's
    "link to media file" on an image its author gave no description) would be read out as
    "link" alone (axe: link-name): the link goes, its images stay."""
    if "<a" not in html:
        return html

    def unwrap(match: re.Match[str]) -> str:
        return match[0] if _NAMING_ALT.search(match[1]) else match[1]

    return _MAYBE_NAMELESS.sub(unwrap, html)


# Content a list holds other than its items: <ul><p>…</p><li>…</ul> (pasted from a word
# processor), which screen readers announce wrongly (axe: list) and HTML forbids.
_STRAY_IN_LIST = re.compile(r"<(ul|ol)\b[^>]*>\s*(?!<li\b|</(?:ul|ol)>)|</li>\s*(?!<li\b|</(?:ul|ol)>)")


def lists_repaired(html: str) -> str:
    """Each list's stray content in an item of its own (the rare body that has any)."""
    if ("<ul" not in html and "<ol" not in html) or not _STRAY_IN_LIST.search(html):
        return html
    import lxml.html

    root = lxml.html.fragment_fromstring(html, create_parent="div")
    for listing in root.iter("ul", "ol"):
        if listing.text and listing.text.strip():
            item = lxml.html.Element("li")
            item.text, listing.text = listing.text, None
            listing.insert(0, item)
        for child in list(listing):
            if child.tag != "li" and isinstance(child.tag, str):
                item = lxml.html.Element("li")
                child.addprevious(item)
                item.append(child)  # its tail (text after it) goes with it
            elif child.tail and child.tail.strip():  # an item's tail: text between items
                item = lxml.html.Element("li")
                item.text, child.tail = child.tail, None
                child.addnext(item)
    return (root.text or "") + "".join(lxml.html.tostring(child, encoding="unicode") for child in root)


def contact_href(value: str) -> str:
    """An e-mail address as a mailto: link; anything else (a web page) as it is."""
    return f"mailto:{value}" if "@" in value and ":" not in value else value


def fill_placeholders(html: str, settings: dict[str, Any], source: str) -> str:
    translate = gettext(settings)

    def replace(match: re.Match[str]) -> str:
        name, text = match[1], match[2]
        key, unset = PLACEHOLDERS[name]
        value = str(setting(settings, key) or "").strip()
        if not value:
            logger.warning("%s links to {%s}, but %s is not set in pelicanconf.py", source, name, key)
            return f'{text} <span class="unset">({escape(translate(unset))})</span>'
        href = contact_href(value) if name == "contact" else value
        return f'<a href="{escape(href)}">{text}</a>'

    return _PLACEHOLDER.sub(replace, html)


def prepare_content(content: Any) -> None:
    """content_object_init: before Pelican resolves links (so it never sees the placeholders).
    A body the reader packed (`PACKED`) is prepared whenever it is unpacked instead."""
    if getattr(content, PACKED, None) is not None:
        # An attribute of the object shadows Pelican's memoized method, which would keep every
        # body unpacked once its page is written.
        content.get_content = partial(_unpacked, content)
        return
    html = getattr(content, "_content", None)
    if html:
        content._content = _prepared(html, content)


def _prepared(html: str, content: Any) -> str:
    if "<pre" in html or "<table" in html:  # most bodies have neither: no catalog asked (it checks its file)
        translate = gettext(content.settings)
        html = scrollable_tables(focusable_code(html, translate(CODE_LABEL)), translate(TABLE_LABEL))
    if "{repository}" in html or "{contact}" in html:
        html = fill_placeholders(html, content.settings, str(getattr(content, "source_path", "")))
    return html


# A post's body longer than this is kept compressed from its reading until its page or a feed
# is written, each time unpacked (some 40 µs for 12 KB): 20,000 posts of ~11 KB held 220 MB of
# bodies through a whole build, and Pelican's reader cache held the same.
PACK_ABOVE = 2048
PACKED = "packed_body"  # the metadata's key and the article's attribute: UTF-8, zlib-compressed


def packed(html: str) -> bytes | None:
    """`html` compressed, where it is long enough to be worth it (for the reader)."""
    return zlib.compress(html.encode("utf-8"), 1) if len(html) > PACK_ABOVE else None


def _unpacked(content: Any, siteurl: str) -> str:
    """Pelican's Content.get_content, for a packed body: prepared, links resolved, not kept."""
    html = zlib.decompress(getattr(content, PACKED)).decode("utf-8")
    return content._update_content(_prepared(html, content), siteurl)
