"""Feed discovery: from a URL a contributor gives (home page or feed) to a usable feed of posts.

Order: the URL itself if it is a feed; the page's ``<link rel="alternate">`` feeds (RSS, Atom,
JSON Feed) that are not comment feeds, the first ten; then the paths WordPress, Blogger and
static-site generators use (also where the page itself is refused, 403), at the page and, where it
is on another host than the URL given (a consent wall's), at that URL.  Every candidate is
fetched (a few at a time) and parsed: only a feed with entries or a title counts, and never a
comment feed (see `comment_feed_reason`).  A URL that is itself a comment feed raises
`CommentFeedError`, which names the blog's post feed when one is found from the blog's home page.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl, urljoin, urlsplit

from ..models import ErrorKind, FetchError, FetchResult, ParsedEntry, ParsedFeed
from ..urls import feed_key, is_http_url, page_key, same_host
from .fetch import HTML_ACCEPT, Fetcher
from .parse import ParseError, parse_feed

FEED_TYPES = (
    "application/rss+xml",
    "application/atom+xml",
    "application/feed+json",
    "application/json",
    "application/rdf+xml",
    "application/xml",
    "text/xml",
)
# Tried in this order when a page names no feed; relative to the page, then to the site root.
USUAL_PATHS = (
    "feed/",
    "feed",
    "rss.xml",
    "atom.xml",
    "index.xml",
    "feed.xml",
    "rss",
    "feeds/posts/default",
    "?feed=rss2",
)


# A page may announce thousands of feeds: a join of it must not become thousands of requests
# (to whatever hosts the page names) nor hold their bodies.  Real blogs announce one to three.
ANNOUNCED_TRIED = 10
AT_ONCE = 4  # candidates fetched together
# A page refused to us (a security plugin or firewall that answers an unknown user agent 403) may
# still let its feed be read, as feed readers need: the usual paths are tried all the same.
PAGE_REFUSED = 403


class DiscoveryError(Exception):
    """No usable feed at a URL; the message says what was tried, for a person."""


class CommentFeedError(DiscoveryError):
    """The URL is a blog's comment feed, not its feed of posts.

    `home` is the page the comment feed belongs to (the blog, or for a per-post feed the post),
    `post_feed` the blog's post feed discovered from there, or None when none was found.
    """

    def __init__(self, url: str, home: str, post_feed: str | None, reason: str) -> None:
        self.url, self.home, self.post_feed, self.reason = url, home, post_feed, reason
        instead = f"its post feed is {post_feed}" if post_feed else f"no post feed found at {home}"
        super().__init__(f"{url} is the comment feed of {home} ({reason}); {instead}")


@dataclass(frozen=True)
class Discovered:
    feed_url: str
    home_url: str
    feed: ParsedFeed
    page_language: str | None = None  # the page that named the feed: its <html lang>, primary tag
    others: tuple[str, ...] = ()  # the other feeds of posts the page names (a podcast's, a category's)


def page_language(body: bytes) -> str | None:
    """The language an HTML page says it is in (`<html lang="en-GB">`: "en"), or None."""
    found = _HTML_LANG.search(body[:4096])
    return found[1].decode("ascii").lower() if found else None


_HTML_LANG = re.compile(rb"""<html\b[^>]*?\slang\s*=\s*["']?([A-Za-z]{2,3})(?:[-_][A-Za-z0-9]{1,8})*["'\s/>]""", re.I)


# --- comment feeds ---------------------------------------------------------------------------------
#
# WordPress writes its comment feeds from feed-rss2-comments.php and feed-atom-comments.php:
#   channel title  "Comments on: %s" (RSS, one post)   "Comments on %s" (Atom, one post)
#                  "Comments for %s" (the whole site)
#   entry title    "By: %s" (one post)                 "Comment on %1$s by %2$s" (whole site)
#   entry link     <permalink>#comment-N;  Atom entries carry <thr:in-reply-to> (RFC 4685)
# translated with the blog's language: German "Kommentare zu: %s", "Kommentare für %s", "Von: %s",
# "Kommentar zu %1$s von %2$s"; French "Commentaires sur : %s", "Par : %s"; Polish "Komentarze
# do: %s", "Przez: %s", "Komentarz do %1$s autorstwa %2$s"; Japanese "%s へのコメント",
# "%s のコメント", "投稿者: %s", "%2$s より %1$s へのコメント".  The patterns take the word for
# "comments" in the languages below and any short preposition after it, so a translation's exact
# preposition does not matter.

_COMMENTS_WORD = (
    r"(?:comments|kommentare|commentaires|comentarios|coment[aá]rios|commenti|reacties|komentarze"
    r"|kommentarer|komment[aá]re|komentáře|kommentit)"
)
_COMMENT_WORD = (
    r"(?:comment|kommentar|commentaire|comentario|coment[aá]rio|commento|reactie|komentarz"
    r"|komentář|kommentti)"
)
_BY_WORD = r"(?:by|von|par|por|de|di|da|door|od|przez|autor|autorstwa|av|af|fra|投稿者)"
# "Comments on: Post" (RSS, one post), in any of those languages: a colon after the one short
# word following "Comments" is what no blog's own title looks like.
_STRONG_TITLE = re.compile(rf"^{_COMMENTS_WORD}\s+[^\s:]{{1,8}}\s*:\s*\S", re.I)
# "Comments for Blog", "Comments on Post" (Atom), "Post へのコメント": a blog might be named so
# ("Comments on Design"), so this counts only with entries that are comments, or no entries.
_WEAK_TITLE = re.compile(rf"^{_COMMENTS_WORD}\s+\S{{1,8}}\s+\S|^.*\S\s*へ?のコメント$", re.I)
# "By: Anna" (one post's feed), "Comment on Post by Anna" (the site's).
_COMMENT_ENTRY_TITLE = re.compile(
    rf"^(?:{_BY_WORD}\s*:\s*\S|{_COMMENT_WORD}\s+\S{{1,8}}\s+.+\s{_BY_WORD}\s+\S)"
    r"|^.+\sより\s.+へのコメント$",
    re.I,
)
_COMMENT_LINK_FRAGMENT = re.compile(r"^(?:comment|c\d)", re.I)  # WordPress #comment-N, Blogger #c123
# Addresses only comment feeds have: WordPress /comments/feed/ (and /comments/feed/atom/),
# ?feed=comments-rss2 (plain permalinks), Blogger /feeds/comments/default and
# /feeds/<post>/comments/default.
_COMMENT_PATH = re.compile(r"/comments/feed(?:/|$)|/feeds/comments/|/feeds/[^/]+/comments/", re.I)
_COMMENT_QUERY = re.compile(r"^comments-", re.I)
# How a page's <link rel=alternate title="…"> names a comment feed: WordPress "Blog » Comments
# Feed", "Blog » Kommentar-Feed", "Blog » Post Comments Feed", "ブログ » コメントフィード".
_COMMENT_LINK_TITLE = re.compile(rf"\b(?:{_COMMENTS_WORD}|{_COMMENT_WORD})\b|コメント", re.I)
_TAG = re.compile(r"<[^>]*>")
# A <meta http-equiv=refresh>'s content as browsers read it (WHATWG's declarative refresh):
# a delay, then the address, after "url=" or not, in quotes or not.
_REFRESH = re.compile(r"""\s*[\d.]*\s*[;,]?\s*(?:url\s*=\s*)?(?P<url>"[^"]*|'[^']*|.*)""", re.I | re.S)


def is_comment_feed_url(url: str) -> bool:
    """Whether `url` has the address of a comment feed (WordPress, Blogger)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    query = dict(parse_qsl(parts.query))
    return bool(_COMMENT_PATH.search(parts.path) or _COMMENT_QUERY.match(query.get("feed", "")))


def _is_comment(entry: ParsedEntry) -> bool:
    """An entry that is a comment: it replies to something, links to a comment, or is titled
    the way comment feeds title their entries."""
    if entry.in_reply_to or entry.in_reply_to_url:
        return True
    try:
        link = urlsplit(entry.url or "")
    except ValueError:
        link = urlsplit("")
    if _COMMENT_LINK_FRAGMENT.match(link.fragment) or "showComment=" in link.query:
        return True
    title = " ".join(html.unescape(_TAG.sub("", entry.title or "")).split())
    return bool(_COMMENT_ENTRY_TITLE.match(title))


def comment_feed_reason(url: str, feed: ParsedFeed) -> str | None:
    """Why the feed at `url` is a comment feed (a few words, for a person), or None if it is not.

    Any one of these: its address (/comments/feed, ?feed=comments-rss2, Blogger's comment
    feeds); a WordPress comment feed title ("Comments on: …", "Kommentare zu: …"); every entry a
    comment (thr:in-reply-to, a #comment-N link, "By: …"/"Von: …" titles); or a title like
    "Comments for …"/"Kommentare für …" with no entries or with entries that are comments.
    """
    if is_comment_feed_url(url):
        return "its address is a comment feed's"
    title = " ".join((feed.title or "").split())
    if _STRONG_TITLE.match(title):
        return f"its title is {title!r}"
    comments = [_is_comment(entry) for entry in feed.entries]
    if comments and all(comments):
        return "every entry in it is a comment"
    if _WEAK_TITLE.match(title) and (not comments or any(comments)):
        return f"its title is {title!r}"
    return None


# --- discovery -------------------------------------------------------------------------------------


def _soup(html_text: bytes | str) -> Any:
    """The page as BeautifulSoup reads it, without its warnings: an XML document that is no feed
    (a sitemap, an empty feed) is read as HTML on purpose, and a warning would be lines of
    Python on the editor's screen before the one sentence that says what is wrong."""
    import warnings

    from bs4 import BeautifulSoup  # only where a page is read: `fetch` starts without it

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return BeautifulSoup(html_text, "html.parser")


def feed_links(html_text: bytes | str, page_url: str) -> list[str]:
    """Feed URLs a page announces, without its comment feeds (by their title or address)."""
    soup = _soup(html_text)
    base = soup.find("base", href=True)
    base_url = urljoin(page_url, str(base["href"])) if base else page_url
    posts: list[str] = []
    for link in soup.find_all("link", href=True):
        rel = [value.lower() for value in link.get("rel") or []]
        kind = str(link.get("type") or "").split(";")[0].strip().lower()
        if "alternate" not in rel or kind not in FEED_TYPES:
            continue
        url = urljoin(base_url, str(link["href"]).strip())
        if not is_http_url(url):
            continue
        if is_comment_feed_link(str(link.get("title") or ""), url):
            continue
        posts.append(url)
    return list(dict.fromkeys(posts))


def refresh_target(html_text: bytes | str, page_url: str) -> str | None:
    """Where a page's <meta http-equiv=refresh> sends browsers on (a site's root forwarding to
    its blog); None where it sends them nowhere else."""
    for meta in _soup(html_text).find_all("meta", content=True):
        if str(meta.get("http-equiv") or "").strip().lower() != "refresh":
            continue
        match = _REFRESH.match(str(meta["content"]))
        address = match.group("url").lstrip("\"'").strip() if match else ""
        target = urljoin(page_url, address) if address else None
        return target if target and is_http_url(target) and target != page_url else None
    return None


def is_comment_feed_link(title: str, url: str) -> bool:
    """Whether a page's <link rel=alternate> names a comment feed, by its title or address."""
    return bool(_COMMENT_LINK_TITLE.search(title)) or is_comment_feed_url(url)


# The last step of a path that names a feed, not a page (USUAL_PATHS and their kin).
_FEED_ADDRESS = re.compile(r"/(?:feed|rss|atom|rss2|index\.xml|[^/]*\.(?:xml|rss|atom|rdf))/?$", re.I)


def looks_like_feed_address(url: str) -> bool:
    """Whether `url` is written as a feed's address (…/feed/, …/rss.xml, …/atom.xml)."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return bool(_FEED_ADDRESS.search(parts.path)) or parse_qsl(parts.query)[:1] in ([("feed", "rss2")], [("feed", "atom")])


def usual_feed_urls(page_url: str) -> list[str]:
    page = page_url if page_url.endswith("/") or "?" in page_url else page_url + "/"
    root = urljoin(page_url, "/")
    candidates = [urljoin(page, path) for path in USUAL_PATHS]
    candidates += [urljoin(root, path) for path in USUAL_PATHS]
    return [url for url in dict.fromkeys(candidates) if url != page_url]


def _as_feed(result: FetchResult) -> ParsedFeed | None:
    return _feed_or_why(result)[0]


def _feed_or_why(result: FetchResult) -> tuple[ParsedFeed | None, str | None]:
    """The feed in an answer, or why there is none: its fetch's error, the parser's refusal
    ("declares XML entities"), or None where it is simply no feed (an HTML page)."""
    if not result.ok:
        return None, str(result.error) if result.error else None
    try:
        feed = parse_feed(result.body or b"", dict(result.headers), result.final_url)
    except ParseError as error:
        return None, str(error) if error.kind is not ErrorKind.NOT_A_FEED else None
    return (feed, None) if (feed.entries or feed.title) else (None, None)


def _home(feed: ParsedFeed, feed_url: str) -> str:
    """The home of a blog joined by its feed's address: the feed's own link, else the site."""
    if feed.home_url and is_http_url(feed.home_url):
        return feed.home_url
    return urljoin(feed_url, "/")


def _blog_home(feed: ParsedFeed, page_url: str) -> str:
    """The blog's home page, for its feed found from the page at `page_url`.

    A page its posts are under is a home (the blog's, or a sub-folder blog's): that page.  Any
    other (a post's address, as a contributor copies it from the browser, tracking query and
    all) is not: the feed's own link is, where that is the page or a page above it.  Of two
    spellings of the one home, the one without a query (?utm_source=…, Medium's ?source=rss-…)."""
    home = feed.home_url
    if not home or not is_http_url(home):
        return page_url
    page, home_key = page_key(page_url), page_key(home)
    if page == home_key:
        return page_url if urlsplit(home).query and not urlsplit(page_url).query else home
    holds_posts = any(_is_below(page_key(entry.url), page) for entry in feed.entries if entry.url)
    return home if _is_below(page, home_key) and not holds_posts else page_url


def _is_below(key: str, above: str) -> bool:
    """The page whose `page_key` is `key` is under the one whose key is `above`, not it."""
    return "?" not in above and key.startswith((f"{above}/", f"{above}?"))


async def discover(url: str, fetcher: Fetcher) -> Discovered:
    """The post feed behind `url`, fetched and parsed; DiscoveryError says why there is none,
    CommentFeedError (a DiscoveryError) that `url` is a comment feed and what to join instead."""
    return await _discover(url, fetcher, follow_comment_feed=True)


async def _discover(url: str, fetcher: Fetcher, *, follow_comment_feed: bool) -> Discovered:
    if not is_http_url(url):
        raise DiscoveryError(f"not an http(s) URL: {url!r}")
    page = await fetcher.fetch(url, accept=HTML_ACCEPT)
    # A site's root that answers 404 (a blog whose home page is elsewhere, a bare static site) may
    # have its feed at a usual path; any other page that is missing may be a typo.
    missing_root = page.status == 404 and urlsplit(page.final_url).path in ("", "/")
    if page.error and page.status != PAGE_REFUSED and not missing_root:
        hint = ""
        if page.status in (404, 410):
            hint = (": check the address, or give the blog's home page to have its feed found"
                    if looks_like_feed_address(url) else ": check the address, or give the feed's own")  # fmt: skip
        raise DiscoveryError(f"cannot fetch {url}: {page.error}{hint}")
    feed, unreadable = _feed_or_why(page)
    if feed is not None:
        reason = comment_feed_reason(page.final_url, feed)
        if reason is None:
            return Discovered(page.final_url, _home(feed, page.final_url), feed)
        home = _comment_feed_home(feed, page.final_url)
        post_feed = await _post_feed(home, page.final_url, fetcher) if follow_comment_feed else None
        raise CommentFeedError(page.final_url, home, post_feed, reason)
    announced = feed_links(page.body or b"", page.final_url) if page.ok else []
    forwarded = refresh_target(page.body or b"", page.final_url) if page.ok and not announced else None
    if forwarded:  # the page only forwards browsers: the one it forwards them to counts
        onward = await fetcher.fetch(forwarded, accept=HTML_ACCEPT)
        if onward.ok:
            page, announced = onward, feed_links(onward.body or b"", onward.final_url)
    skipped: list[str] = []
    refused: list[str] = []  # "<url>: address not allowed: …": why a feed it names was not read
    failed: list[str] = []  # "<url>: http: 500 …": why a feed the page names is none
    places = [(announced[:ANNOUNCED_TRIED], page.final_url)]
    # A feed's address that is none (gone, broken) is not a page to guess from: the usual paths
    # beside it and at its site's root may be another blog's (a shared host's /~anna/feed.xml
    # and its root's /feed.xml).
    guessing = not looks_like_feed_address(url)
    if guessing:
        places.append((usual_feed_urls(page.final_url), page.final_url))
    if guessing and not same_host(url, page.final_url):
        # Another host's page answered (a consent wall, a login): feeds are often let through.
        places.append((usual_feed_urls(url), url))
    for batch, home_page in _batches(places):
        if failed:
            # The page names a feed that fails: its blog has one, broken for now.  A guess beside
            # the page may be it; one at the site's root may be another blog's (a shared host's).
            batch = [candidate for candidate in batch if _is_below(page_key(candidate), page_key(home_page))]
            if not batch:
                continue
        # Fetched together, chosen in order: the first usable candidate wins.
        fetched = await asyncio.gather(*(_fetch_feed(candidate, fetcher) for candidate in batch))
        for candidate, (found, feed, error, why) in zip(batch, fetched):
            if error is not None and error.kind is ErrorKind.NOT_ALLOWED:
                refused.append(f"{found}: {error}")
            elif feed is None and why and candidate in announced:  # a guess that fails says nothing
                failed.append(f"{found}: {why}")
            if feed is None:
                continue
            if comment_feed_reason(found, feed) is not None:
                skipped.append(found)
                continue
            others = tuple(other for other in announced if _another_feed(other, found, skipped, failed))
            return Discovered(found, _blog_home(feed, home_page), feed, page_language(page.body or b""), others)
    links = "its <link rel=alternate> feeds"
    if len(announced) > ANNOUNCED_TRIED:
        links = f"the first {ANNOUNCED_TRIED} of its {len(announced)} <link rel=alternate> feeds"
    tried = f"{links} and the usual feed paths" if guessing else links
    skipped = list(dict.fromkeys(skipped))
    also = ""
    if len(skipped) == 1:
        also = f"; {skipped[0]} is a comment feed, not a feed of posts"
    elif skipped:
        also = f"; {', '.join(skipped[:-1])} and {skipped[-1]} are comment feeds, not feeds of posts"
    # A feed the page names on an address the network policy refuses: the editor must hear that
    # (an intranet blog roll may need BLOGPARADE_ALLOWED_NETWORKS), not just "no usable feed".
    also += "".join(f"; {line}" for line in dict.fromkeys(refused))
    # A feed the page names that fails (a 500, entities refused): its reason, not just "none".
    also += "".join(f"; the feed it names, {line}" for line in dict.fromkeys(failed))
    if not guessing:
        why = (f"cannot fetch it: {page.error}" if page.error
               else f"it cannot be read as a feed: {unreadable}" if unreadable else "it is no feed")  # fmt: skip
        raise DiscoveryError(f"{url} has a feed's address, but {why}{also}: give the blog's home page "
                             "to have its feed found")  # fmt: skip
    if page.error:
        raise DiscoveryError(f"cannot fetch {url}: {page.error}, and no usable feed is at the usual "
                             f"feed paths{also}")
    raise DiscoveryError(f"no usable feed found at {url} (tried the page itself, {tried}){also}")


def _another_feed(url: str, taken: str, skipped: list[str], failed: list[str]) -> bool:
    """Whether a feed the page names is another than the one `taken`: not it in another format
    at the same path (Blogger's ?alt=rss beside its Atom), and not one that failed or turned
    out to be a comment feed."""
    if urlsplit(url)._replace(query="", fragment="") == urlsplit(taken)._replace(query="", fragment=""):
        return False
    return url not in skipped and not any(line.startswith(f"{url}: ") for line in failed)


def _batches(places: list[tuple[list[str], str]]) -> Iterator[tuple[list[str], str]]:
    """The candidates, a few at a time, place after place, each with the page they belong to."""
    for candidates, page in places:
        for start in range(0, len(candidates), AT_ONCE):
            yield candidates[start : start + AT_ONCE], page


async def _fetch_feed(
    url: str, fetcher: Fetcher
) -> tuple[str, ParsedFeed | None, FetchError | None, str | None]:
    """The candidate's final URL, its feed (None: not one), why it could not be fetched, and why
    it is no feed (_feed_or_why); its body is not kept."""
    result = await fetcher.fetch(url)
    feed, why = _feed_or_why(result)
    return result.final_url or url, feed, result.error, why


def _comment_feed_home(feed: ParsedFeed, feed_url: str) -> str:
    """The page a comment feed belongs to: its link (the blog's home page, or for one post's
    comments the post, without WordPress's "#comments"), else the site's root."""
    home = feed.home_url if feed.home_url and is_http_url(feed.home_url) else ""
    return home.split("#", 1)[0] or urljoin(feed_url, "/")


async def _post_feed(home: str, comment_feed: str, fetcher: Fetcher) -> str | None:
    """The blog's post feed, discovered from the comment feed's home page, or None.

    Only from there: the site's root may hold another blog (a blog in a sub-folder), and naming
    someone else's feed would be worse than naming none."""
    if feed_key(home) == feed_key(comment_feed):
        return None
    try:
        return (await _discover(home, fetcher, follow_comment_feed=False)).feed_url
    except DiscoveryError:
        return None
