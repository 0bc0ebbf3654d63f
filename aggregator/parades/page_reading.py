"""Reading a post's page: what verify.py needs to judge a parade candidate.  Pure: bytes in,
a `PageReading` out, no network.

Of a page we read, each from the first place that has it:

- canonical URL: ``<link rel="canonical">``;
- title: ``og:title``, the h-entry's ``p-name``, JSON-LD ``headline``, the article's ``<h1>``,
  ``<title>`` (without a " – Blog name" tail);
- author: the h-entry's ``p-author``, JSON-LD ``author``, ``<meta name="author">``, a
  ``rel="author"`` link in the article, hAtom's ``author vcard`` ``fn``, microdata's ``author``;
- publication date, in the order the parade rules name (the blog's own feed entry comes first,
  but that is verify.py's to weigh): h-entry ``dt-published``, JSON-LD ``datePublished``,
  ``article:published_time``, microdata's ``datePublished``, a ``<time>`` in the article;
- the blog: its name (``og:site_name``, JSON-LD WebSite or publisher), its home (``rel="home"``,
  JSON-LD WebSite), its feed (``<link rel="alternate">`` autodiscovery, comment feeds apart) and
  this post's own comment feed (WordPress announces ``<permalink>feed/``);
- the links of the article (the post's text where the theme marks it: ``.entry-content``,
  ``.e-content``, ``<article>``…), never of navigation, sidebars, share buttons or comments: a link
  to the call in a widget or in a reader's comment does not make a post a contribution;
- an excerpt: ``og:description``, the meta description, else the article's first words.

Of a parade's call page we read its ``<link rel="shortlink">`` (`head_shortlink`), and its
comment list (`read_call_comments`): the pingbacks and trackbacks it shows, each reader's comment's
text, and its other comment pages.

lxml's own tree and XPath, not BeautifulSoup: on a 20 KB WordPress-shaped page, reading all of
this takes 2 ms, BeautifulSoup (with lxml underneath and its CSS selectors) 15-20 ms for the
article's links alone (benchmarks/bench_page_read.py, 7-8x).  The fetch stage reads every
candidate's page, and a submitted URL is read while the contributor waits.
"""

from __future__ import annotations

import copy
import html as html_lib
import json
import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Iterable, Iterator
from urllib.parse import parse_qs

import lxml.etree

from ..feeds.clean import excerpt as text_excerpt
from ..feeds.clean import safe_url
from ..feeds.dates import read_date  # a page's date is read as a feed's
from ..feeds.discover import FEED_TYPES, is_comment_feed_link
from ..feeds.encoding import decode
from ..models import PageReading
from ..urls import is_comment_page, same_host, without_fragment
from ..xmltext import xml_text
from .files import plausible

MAX_LINKS = 1000  # a page with more is a link farm; what matters is near the top anyway
MAX_JSON_LD = 200_000  # characters of one JSON-LD block; more is no blog post's metadata
TITLE_LIMIT = 300
AUTHOR_LIMIT = 120
NAME_LIMIT = 200
HTML_TYPES = re.compile(r"^\s*(text/html|application/xhtml\+xml)\b|^\s*$", re.I)
# JSON-LD types a post's page uses for the post.
ARTICLE_TYPES = frozenset({
    "article", "blogposting", "newsarticle", "techarticle", "report", "socialmediaposting",
    "scholarlyarticle", "posting", "liveblogposting",
})  # fmt: skip


def _class(name: str) -> str:
    return f"contains(concat(' ', normalize-space(@class), ' '), ' {name} ')"


# Most specific first: the post's text where the theme marks it (Jimdo's in "j-blog-content": its
# pages mark no article nor main part), then the page's main part.
BODY = tuple(f"//*[{_class(name)}]" for name in (
    "entry-content", "post-content", "post-body", "article-content", "e-content", "j-blog-content",
)) + ("//*[@itemprop='articleBody']", "//article", "//main", "//*[@role='main']")  # fmt: skip
# The post as a whole (its header with title and date, and its text).
ARTICLE = (f"//*[{_class('h-entry')}]", "//article", "//main", "//*[@role='main']")
# What is not the author's text, wherever it is: by element, id or class (one pass over the tree;
# an XPath union of class tests took four times as long as all the rest of reading a page).
JUNK_TAGS = frozenset({"nav", "aside", "form", "script", "style", "noscript", "template", "iframe", "footer"})
# Themes older than HTML5's <aside> and <footer> say "sidebar" and "footer" by id or class
# (WordPress's classic themes: #sidebar, #secondary, #footer; Jimdo: .jtpl-sidebar, .j-comment), or by
# their ARIA role.
JUNK_IDS = frozenset({"comments", "respond", "sidebar", "secondary", "footer"})
JUNK_CLASSES = frozenset({
    "comments", "comments-area", "comment-list", "commentlist", "sharedaddy", "share", "social-share",
    "related", "related-posts", "jp-relatedposts", "widget", "widget-area", "sidebar", "jtpl-sidebar", "site-footer",
    "j-comment",
})  # fmt: skip
# Blogger's posts are a widget too (`<div class="widget Blog" id="Blog1">`), beside its sidebar's
# gadgets (`widget PopularPosts`): that one holds the article.
ARTICLE_WIDGET = "Blog"
JUNK_ROLES = frozenset({"complementary", "navigation", "contentinfo"})
BLOCKS = frozenset({
    "p", "div", "br", "li", "ul", "ol", "dl", "dt", "dd", "h1", "h2", "h3", "h4", "h5", "h6",
    "blockquote", "pre", "table", "tr", "td", "th", "section", "article", "header", "figure",
    "figcaption", "hr", "main", "body",
})  # fmt: skip
# Platforms send their posts' links to other sites through a redirector of their own, the target in
# its query: Tumblr (`t.umblr.com/redirect?z=…`, `href.li/?…`), LinkedIn (`/redir/redirect?url=…`,
# `/safety/go?url=…`), Facebook (`l.facebook.com/l.php?u=…`).  The post links the target.
_REDIRECTOR = re.compile(r"^https?://(?:[a-z0-9-]+\.)?(?:t\.umblr\.com/redirect\?(?P<z>)|href\.li/\?(?P<raw>)"
                         r"|linkedin\.com/(?:redir/redirect|safety/go)\?(?P<url>)|facebook\.com/l\.php\?(?P<u>))", re.I)
_TITLE_TAIL = re.compile(r"\s+[-–—|·:»]\s+[^-–—|·:»]{1,120}$")


def is_html(content_type: str) -> bool:
    """HTML, or no type at all (many small servers send none)."""
    return bool(HTML_TYPES.match(content_type or ""))


def read_page(body: bytes | str, url: str, content_type: str = "") -> PageReading:
    """Read an HTML page fetched from `url` (after redirects)."""
    doc = _parse(body, content_type)
    if doc is None:
        return PageReading(url)
    base = _base(doc, url)
    meta = _meta(doc)
    objects = list(_json_ld(doc))
    article = _json_ld_article(objects)
    website = next((o for o in objects if _types(o) & {"website", "blog"}), {})
    home = _home(doc, base, website)
    feed, comment_feed = _feeds(doc, base, url)
    canonical = _link(doc, "canonical", base)
    entry, body = _article(doc)
    publisher = _name(_mapping(article.get("publisher")))
    site_name = _bounded(meta.get("og:site_name") or _name(website) or publisher
                         or meta.get("application-name", ""), NAME_LIMIT)  # fmt: skip
    published, source = _published(doc, entry, meta, article)
    return PageReading(
        url=url,
        canonical=canonical,
        title=_bounded(_title(doc, entry, meta, article, site_name), TITLE_LIMIT),
        author=_bounded(_author(entry, meta, article, base), AUTHOR_LIMIT),
        published=published,
        date_source=source,
        site_name=site_name,
        home=home,
        feed=feed,
        comment_feed=comment_feed,
        links=_links(body, base),
        excerpt=_excerpt(meta, body),
        language=(doc.get("lang") or "").strip() or None,  # <html lang>
    )


def article_links(body: bytes | str, url: str, content_type: str = "") -> tuple[str, ...]:
    """The links of a page's article alone, as `read_page` finds them (pages.py asks this of a
    summary's page: one rule for what is the post's text, whoever reads the page)."""
    doc = _parse(body, content_type)
    return _links(_article(doc)[1], _base(doc, url)) if doc is not None else ()


def head_shortlink(body: bytes | str, url: str, content_type: str = "") -> str | None:
    """The page's `<link rel="shortlink">` (WordPress's `…/?p=42`), absolute; None where it names
    none."""
    doc = _parse(body, content_type)
    return _link(doc, "shortlink", _base(doc, url)) if doc is not None else None


@dataclass(frozen=True)
class CallComments:
    """What a call's page shows of its comments (`read_call_comments`)."""

    pings: tuple[str, ...] = ()  # the pages that pinged or trackbacked it, as its list links them
    comments: tuple[str, ...] = ()  # each reader's comment's text, as HTML
    pages: tuple[str, ...] = ()  # its other comment pages (WordPress's paged comments)
    shortlink: str | None = None  # its <link rel="shortlink"> (head_shortlink)


# How WordPress marks a comment by its type (get_comment_class), in classic and block themes alike.
PING_CLASSES = frozenset({"pingback", "trackback"})
# Themes that list pings apart from the comments print them with a callback of their own, often
# without get_comment_class: then only the list says what its items are (Elegant Themes' Divi
# and the codex's list_pings: `<ol class="pinglist"><li id="comment-4"><a class="url" …>`).
PING_LIST_CLASSES = PING_CLASSES | {"pinglist"}
LISTS = frozenset({"ol", "ul"})
# A comment's own text: WordPress's classic themes (Walker_Comment) and its comment template
# block, Blogger; Astra's comment callback, wpDiscuz's comment list.
COMMENT_TEXT_CLASSES = frozenset({"comment-content", "wp-block-comment-content", "ast-comment-content",
                                  "wpd-comment-text"})  # fmt: skip
# Older themes print the text in the comment's body: Twenty Ten's callback (and its many copies)
# alone there, Walker_Comment's xhtml format (themes without html5 comment lists) with the
# comment's author and date before it.  A body is read where it holds no text of the above.
COMMENT_BODY = "comment-body"
# What of a comment is not its text: its author's link (comment_author_link writes class "url")
# and what holds it, its date and reply link.  The commenter's website is a blog's home, no post.
NOT_TEXT_CLASSES = frozenset({"url", "fn", "vcard", "comment-author", "comment-meta", "commentmetadata",
                              "comment-metadata", "reply"})  # fmt: skip
# A pingback's link to the page that pinged: its author's link (WordPress's comment_author_link
# writes class "url"; the comment template block puts it in the author name).
PING_LINK = ("url", "wp-block-comment-author-name", "comment-author")
MAX_CALL_COMMENTS = 2000  # per page: WordPress shows 50 a page where it pages them


def read_call_comments(body: bytes | str, url: str, content_type: str = "") -> CallComments:
    """The comment list of a parade's call page, fetched from `url` (a page without one: empty).

    A reply nested under a comment is a comment of its own; a pingback's excerpt is no reader's
    text.  Links of the other comment pages are those `urls.is_comment_page` takes."""
    doc = _parse(body, content_type)
    if doc is None:
        return CallComments()
    base = _base(doc, url)
    pings: dict[str, None] = {}
    texts: list[str] = []
    for element in doc.iter():
        if len(pings) + len(texts) >= MAX_CALL_COMMENTS:
            break
        classes = _classes(element)
        if _is_ping(element, classes):
            link = _ping_link(element, base, url)
            if link:
                pings[link] = None
        elif _is_comment_text(element, classes) and not any(
            _is_ping(above, _classes(above)) for above in element.iterancestors()
        ):  # fmt: skip
            texts.append(_comment_text(element))
    pages: dict[str, None] = {}
    for anchor in doc.iter("a"):
        link = _http(anchor.get("href"), base)
        if link and is_comment_page(link, url):
            pages[without_fragment(link)] = None
    return CallComments(tuple(pings), tuple(texts), tuple(pages), _link(doc, "shortlink", base))


def _is_ping(element: Any, classes: frozenset[str]) -> bool:
    """A pingback or trackback of a comment list: marked by its class, or an item of a list of
    pings (a list marked "pingback" is the list, not one ping)."""
    if element.tag in LISTS:
        return False
    if classes & PING_CLASSES:
        return True
    parent = element.getparent()
    return element.tag == "li" and parent is not None and parent.tag in LISTS and bool(
        _classes(parent) & PING_LIST_CLASSES
    )  # fmt: skip


def _is_comment_text(element: Any, classes: frozenset[str]) -> bool:
    if classes & COMMENT_TEXT_CLASSES:
        return True
    return COMMENT_BODY in classes and not any(
        _classes(inner) & COMMENT_TEXT_CLASSES for inner in element.iterdescendants()
    )  # fmt: skip


def _comment_text(element: Any) -> str:
    """A comment's text as HTML, without its author's link and what else is not its text."""
    text = copy.deepcopy(element)
    for part in [inner for inner in text.iterdescendants() if _classes(inner) & NOT_TEXT_CLASSES]:
        _drop(part)  # one inside a part dropped before goes with it: harmless
    # As XML: libxml2's HTML serializer percent-encodes a link's non-ASCII characters, the host's
    # too (`https://d%C3%B6rte.example/`: no address to fetch, where IDNA makes one of dörte.example).
    return lxml.etree.tostring(text, method="xml", encoding="unicode", with_tail=False)


def _classes(element: Any) -> frozenset[str]:
    classes = element.get("class") if isinstance(element.tag, str) else None
    return frozenset(classes.split()) if classes else frozenset()


def _ping_link(element: Any, base: str, page: str) -> str | None:
    """The page a pingback or trackback in a comment list came from: its author's link (by the
    classes of the link and of what holds it within the comment), else its first link off the
    call's site."""
    links: list[tuple[str, frozenset[str]]] = []
    for anchor in element.iter("a"):
        link = _http(anchor.get("href"), base)
        if link:
            marks = set(_classes(anchor))
            for above in anchor.iterancestors():
                if above is element:
                    break
                marks |= _classes(above)
            links.append((link, frozenset(marks)))
    for name in PING_LINK:
        found = next((link for link, marks in links if name in marks), None)
        if found:
            return found
    return next((link for link, _ in links if not same_host(link, page)), None)


# --- pieces -------------------------------------------------------------------------------------


def _parse(body: bytes | str, content_type: str) -> Any:
    """The page's tree, or None where there is no HTML to read."""
    text = body if isinstance(body, str) else decode(body, content_type)
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)  # lxml refuses a declaration in a str
    try:
        return lxml.etree.fromstring(text, _parser()) if text.strip() else None
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):
        return None


def _article(doc: Any) -> tuple[Any, Any]:
    """The post as a whole (None where the page marks none) and its text (else the whole page),
    once what is not the author's text (menus, sidebars, forms, comments…) is dropped."""
    # Everything that is not the post's text goes before anything is looked for in the article.
    for junk in [element for element in doc.iter() if _is_junk(element)]:
        _drop(junk)  # one inside a junk element dropped before goes with it: harmless
    entry = _first(doc, ARTICLE)
    body = _first(doc, BODY)
    return entry, body if body is not None else entry if entry is not None else doc


def _parser() -> lxml.etree.HTMLParser:
    """Plain elements (lxml.html's classes cost a lookup on every element visited), no network.
    One per page: an lxml parser must not be shared between threads (pages are read in some)."""
    return lxml.etree.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)


def _drop(element: Any) -> None:
    """Remove an element and its content, keeping the text that follows it."""
    parent = element.getparent()
    if parent is None:
        return
    if element.tail:
        previous = element.getprevious()
        if previous is not None:
            previous.tail = (previous.tail or "") + element.tail
        else:
            parent.text = (parent.text or "") + element.tail
    parent.remove(element)


def _is_junk(element: Any) -> bool:
    tag = element.tag
    if not isinstance(tag, str):
        return False  # comments and processing instructions
    junk_tag = tag in JUNK_TAGS and not (tag == "footer" and _in_article(element))
    if junk_tag or element.get("id") in JUNK_IDS or element.get("role") in JUNK_ROLES:
        return True
    classes = element.get("class")
    names = classes.split() if classes else ()
    return not JUNK_CLASSES.isdisjoint(names) and ARTICLE_WIDGET not in names


def _in_article(footer: Any) -> bool:
    """An article's own footer holds its date and author (WordPress's Twenty Fifteen and Twenty
    Sixteen, Tumblr's themes), where the page's footer is no part of the post."""
    return any(above.tag == "article" for above in footer.iterancestors())


def _text(element: Any) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _bounded(text: str, limit: int) -> str:
    text = " ".join(xml_text(str(text)).split())
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


def _first(doc: Any, paths: Iterable[str]) -> Any:
    for path in paths:
        found = doc.xpath(path)
        if found:
            return found[0]
    return None


def _base(doc: Any, url: str) -> str:
    found = doc.xpath("//base[@href]/@href")
    return (safe_url(str(found[0]), url) if found else None) or url


def _http(value: object, base: str) -> str | None:
    url = safe_url(value, base) if isinstance(value, str) and value.strip() else None
    return url if url and url.startswith(("http://", "https://")) else None


def _meta(doc: Any) -> dict[str, str]:
    """<meta property|name=… content=…>, the first of each, names lower-cased."""
    found: dict[str, str] = {}
    for element in doc.xpath("//meta[@content]"):
        name = (element.get("property") or element.get("name") or "").strip().lower()
        value = " ".join((element.get("content") or "").split())
        if name and value and name not in found:
            found[name] = value
    return found


def _link(doc: Any, rel: str, base: str) -> str | None:
    for element in doc.xpath("//link[@href]"):
        if rel in (element.get("rel") or "").lower().split():
            return _http(element.get("href"), base)
    return None


def _home(doc: Any, base: str, website: dict[str, Any]) -> str | None:
    for element in doc.xpath("//link[@href] | //a[@href]"):
        if "home" in (element.get("rel") or "").lower().split():
            found = _http(element.get("href"), base)
            if found:
                return found
    return _http(website.get("url"), base)


def _feeds(doc: Any, base: str, page_url: str) -> tuple[str | None, str | None]:
    """The blog's post feed and this post's comment feed, as the page announces them."""
    feed = comments = None
    page = page_url.split("#", 1)[0].split("?", 1)[0].rstrip("/")
    for element in doc.xpath("//link[@href]"):
        rel = (element.get("rel") or "").lower().split()
        kind = (element.get("type") or "").split(";")[0].strip().lower()
        url = _http(element.get("href"), base)
        if "alternate" not in rel or kind not in FEED_TYPES or not url:
            continue
        if is_comment_feed_link(element.get("title") or "", url):
            if comments is None and url.startswith(page + "/"):  # WordPress: <permalink>feed/
                comments = url
        elif feed is None and not url.startswith(page + "/"):
            feed = url
        elif comments is None and url.startswith(page + "/") and "comment" in url.lower():
            comments = url
    return feed, comments


def _json_ld(doc: Any) -> Iterator[dict[str, Any]]:
    """Every JSON-LD object of the page, @graph members included; broken blocks are skipped."""
    for script in doc.xpath("//script[@type]"):
        if script.get("type", "").split(";")[0].strip().lower() != "application/ld+json":
            continue
        text = (script.text or "").strip()
        if not text or len(text) > MAX_JSON_LD:
            continue
        try:
            data = json.loads(text)
        except ValueError:
            continue
        yield from _objects(data, 0)


def _objects(data: Any, depth: int) -> Iterator[dict[str, Any]]:
    if depth > 4:
        return
    if isinstance(data, list):
        for item in data[:200]:
            yield from _objects(item, depth + 1)
    elif isinstance(data, dict):
        yield data
        if "@graph" in data:
            yield from _objects(data["@graph"], depth + 1)


def _types(obj: dict[str, Any]) -> set[str]:
    kinds = obj.get("@type")
    kinds = kinds if isinstance(kinds, list) else [kinds]
    return {str(kind).lower() for kind in kinds if isinstance(kind, str)}


def _json_ld_article(objects: list[dict[str, Any]]) -> dict[str, Any]:
    articles = [o for o in objects if _types(o) & ARTICLE_TYPES]
    if articles:
        return articles[0]
    return next((o for o in objects if o.get("datePublished")), {})


def _mapping(value: Any) -> dict[str, Any]:
    if isinstance(value, list):
        value = value[0] if value else {}
    return value if isinstance(value, dict) else {}


def _name(obj: dict[str, Any]) -> str:
    name = obj.get("name")
    return " ".join(name.split()) if isinstance(name, str) else ""


def _microformat(entry: Any, name: str) -> Any:
    if entry is None:
        return None
    found = entry.xpath(f".//*[{_class(name)}]")
    return found[0] if found else None


def _title(doc: Any, entry: Any, meta: dict[str, str], article: dict[str, Any], site: str) -> str:
    for value in (
        meta.get("og:title"),
        _text(_microformat(entry, "p-name")) if _class_of(entry, "h-entry") else "",
        article.get("headline") if isinstance(article.get("headline"), str) else "",
        _text(entry.find(".//h1")) if entry is not None else "",
    ):
        if value and value.strip():
            return html_lib.unescape(value.strip()) if "&" in value else value.strip()
    title = _text(doc.find(".//title"))
    tail = _TITLE_TAIL.search(title)
    if tail and site and site.casefold() in tail.group(0).casefold():
        title = title[: tail.start()]
    return title


def _class_of(element: Any, name: str) -> bool:
    return element is not None and name in (element.get("class") or "").split()


def _author(entry: Any, meta: dict[str, str], article: dict[str, Any], base: str) -> str:
    if _class_of(entry, "h-entry"):
        author = _microformat(entry, "p-author")
        if author is not None:
            name = _microformat(author, "p-name") if _class_of(author, "h-card") else None
            text = _text(name) or _text(author)
            if text:
                return text
    name = _name(_mapping(article.get("author")))
    if not name and isinstance(article.get("author"), str):
        name = article["author"]
    if name:
        return name
    if meta.get("author") and not meta["author"].startswith(("http://", "https://")):
        return meta["author"]
    for link in entry.xpath(".//a[@rel]") if entry is not None else ():
        if "author" in (link.get("rel") or "").lower().split() and _text(link):
            return _text(link)
    # hAtom's hCard (WordPress's classic themes: <span class="author vcard"><a class="fn">) and
    # schema.org microdata (itemprop="author", its name inside or its text: TYPO3's news).
    for found in entry.xpath(f".//*[{_class('author')}]//*[{_class('fn')}] | .//*[@itemprop='author']")\
            if entry is not None else ():  # fmt: skip
        names = found.xpath(".//*[@itemprop='name']")
        text = (names[0].get("content") or _text(names[0])) if names else (found.get("content") or _text(found))
        if text and not text.startswith(("http://", "https://")):
            return text
    return ""


def _published(
    doc: Any, entry: Any, meta: dict[str, str], article: dict[str, Any]
) -> tuple[datetime | None, str]:
    if _class_of(entry, "h-entry"):
        found = _date(_microformat_value(_microformat(entry, "dt-published")))
        if found:
            return found, "h-entry"
    else:  # an h-entry the article selectors did not pick (a theme with several)
        hentry = _first(doc, (f"//*[{_class('h-entry')}]",))
        found = _date(_microformat_value(_microformat(hentry, "dt-published")))
        if found:
            return found, "h-entry"
    value = article.get("datePublished")
    found = _date(value if isinstance(value, str) else None)
    if found:
        return found, "json-ld"
    found = _date(meta.get("article:published_time"))
    if found:
        return found, "article:published_time"
    where = entry if entry is not None else doc
    # Microdata (schema.org): classic Blogger themes date a post only so, on an <abbr title=…>.
    for element in where.xpath(".//*[@itemprop='datePublished']"):
        found = _date(element.get("content") or element.get("datetime") or element.get("title") or _text(element))
        if found:
            return found, "microdata"
    for time in where.xpath(".//time"):
        found = _date(time.get("datetime") or _text(time))
        if found:
            return found, "time"
    return None, ""


def _microformat_value(element: Any) -> str | None:
    """A dt- property's value: datetime (time, ins, del), title (abbr), value (data), else text."""
    if element is None:
        return None
    for attribute in ("datetime", "title", "value"):
        if element.get(attribute):
            return element.get(attribute)
    inner = element.xpath(".//time[@datetime]")
    return inner[0].get("datetime") if inner else _text(element)


def _date(value: str | None) -> datetime | None:
    """ISO 8601 (a day alone too: naive), else what a feed's date is read as (dates.read_date:
    RFC 822 and friends, German ones too), naive where it names no zone (the site's local time,
    as the README says); a date in no plausible year (0001-01-01) is none."""
    if not value or not value.strip():
        return None
    value = value.strip()
    try:
        return plausible(datetime.fromisoformat(value))
    except ValueError:
        if _impossible(value):
            return None  # feedparser would roll "2026-11-31" over into December 1st
    return plausible(read_date(value, None))


# A W3C date and time as written by hand: its fields, for checking their ranges.
_W3C_FIELDS = re.compile(r"(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d):(\d\d)(?::(\d\d))?)?")


def _impossible(value: str) -> bool:
    """Whether a W3C date names no day or time there is (November 31st, 25 o'clock)."""
    match = _W3C_FIELDS.match(value)
    if match is None:
        return False
    year, month, day, hour, minute, second = (int(part or 0) for part in match.groups())
    try:
        date(year, month, day)
    except ValueError:
        return True
    return hour > 23 or minute > 59 or second > 60


def _links(body: Any, base: str) -> tuple[str, ...]:
    links: dict[str, None] = {}
    for anchor in body.iter("a"):
        url = _http(anchor.get("href"), base)
        redirector = _REDIRECTOR.match(url) if url else None
        if redirector:
            url = _redirect_target(url, redirector) or url
        if url:
            links[url] = None
            if len(links) >= MAX_LINKS:
                break
    return tuple(links)


def _redirect_target(url: str, redirector: re.Match[str]) -> str | None:
    """Where a platform's redirector (`_REDIRECTOR`) sends its reader."""
    query, name = url[redirector.end():], redirector.lastgroup or ""
    target = query if name == "raw" else next(iter(parse_qs(query).get(name, [])), "")
    return _http(target, url)


def _block_text(element: Any) -> str:
    """The text of an element with a space where a block (a paragraph, a list item…) begins or
    ends, so that paragraphs do not run into each other; iteratively: pages nest deep.  What
    `_not_the_text` names is left out, with all inside it (not the text after it)."""
    parts: list[str] = []
    walk = lxml.etree.iterwalk(element, events=("start", "end"))
    for event, node in walk:
        block = isinstance(node.tag, str) and node.tag in BLOCKS
        if event == "start":
            parts.append(" " if block else "")
            if node is not element and _not_the_text(node):
                walk.skip_subtree()
                continue
            parts.append(node.text or "")
        else:
            parts.append(" " if block else "")
            if node is not element:
                parts.append(node.tail or "")
    return " ".join("".join(parts).split())


def _excerpt(meta: dict[str, str], body: Any) -> str:
    described = meta.get("og:description") or meta.get("description") or meta.get("twitter:description")
    text = described or _block_text(body)
    return text_excerpt(html_lib.escape(xml_text(text), quote=False))


def _not_the_text(node: Any) -> bool:
    """What the article's first words are not: its title, its header and footer (bylines,
    dates, sharing), a date on a line of its own; the parade's page shows title and date apart.
    A date inside a sentence stays ("Am <time>3. Mai</time> war ich …")."""
    if node.tag in ("h1", "header", "footer", "nav", "figcaption"):
        return True
    parent = node.getparent()
    return node.tag == "time" and parent is not None and parent.tag not in _INLINE_PARENTS


_INLINE_PARENTS = frozenset({"p", "li", "td", "dd", "blockquote", "span", "a", "em", "strong", "b", "i", "q"})
