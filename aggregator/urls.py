"""URLs: what counts as one, and when two are the same.  One named rule per use, no I/O.

Comparing URLs has no single right answer: a feed, a page and a comment's parent are compared
by different rules, because each use tolerates different differences.  Every comparison in the
package goes through one of these:

- `is_http_url`: a URL a person wrote in a file (participant, parade) or a channel named is usable:
  http(s), a host, a valid port, no whitespace, text that encodes (no lone surrogate).
- `is_valid_host` and `is_fetchable_url`: a host name DNS allows (after IDNA) or an IP literal;
  an `is_http_url` with such a host (fetch asks no server for any other, and `check` says so).
- `absolute_http_url`: a link a feed gave is absolute http(s) as written, else None (parse only
  selects; clean makes links safe).
- `feed_key`: two spellings of one feed (join, OPML import, duplicate participants): scheme,
  host case, `www.` and a trailing slash do not matter; the query does.
- `feed_identity`: `feed_key` of the address fetch requests: a Unicode host and its IDNA spelling,
  a path and its percent-encoding, a default port written out are one feed too (participants
  and `join` refuse a blog twice by it; tombstones keep `feed_key`).
- `page_key`: two spellings of one page as a person would see them (parades): a query counts on
  a script's path (index.php, the site's root) and where it names a post (`?p=42`, also in a
  sub-folder); `host_key` for its host alone.
- `leads_to`: a link leads to a page (a contribution links to a parade's call): its `page_key`
  (or one of its keys: a WordPress post's shortlink `/?p=42` is the post too), or the page's AMP
  version (`…/post/amp/`, as WordPress's AMP plugins write it).
- `page_address`: not a comparison but the address to publish a page by (a contribution's,
  where its page names no canonical one): as given, without the fragment and the parameters
  `page_key` calls tracking (`?utm_source=…` from a share button stays off the parade's page).
- `thread_key`: the same post or comment in a comment thread (which comment a reply answers):
  like `feed_key`, but the fragment (`#comment-7`) counts and WordPress's comment pages do not.
- `server_key`: the same server to connect to (a blog that could not be reached is not asked
  again in the same run): host case and a trailing dot do not matter; the port does.
- `same_host`: an address a response names is on the responding site (WordPress's API root in
  its feeds' Link header; a post's guid on the API's host): `host_key` of both (`url_host_key`);
  scheme and port do not matter.
- `is_comment_page`: a link to another of a post's comment pages (WordPress's paged comments,
  `…/post/comment-page-2/` or `?cpage=2`), by `thread_key`: a parade's call page lists its
  pingbacks and comments over them.
- `same_comment`: one WordPress comment as a reply names its parent (the store keeps the name
  it had): by its `#comment-<ID>` fragment, whatever address comes before it.
- `comment_key` and `comment_page`: one comment among a post's comments, named in another shape
  than its own id (a reply's parent reference): by the comment's number or id, whatever engine
  wrote the name around it (`#comment-12`, `#c12`, `comment-12`, `12`, `?replytocom=12`,
  `/comment/12`, `tag:…:comment-12`, `urn:uuid:…`), on the page the name is on.
"""

from __future__ import annotations

import ipaddress
import re
import unicodedata
from functools import lru_cache
from urllib.parse import parse_qsl, quote, unquote_to_bytes, urlencode, urljoin, urlsplit

import yarl

# Query parameters that only say where a reader came from: never part of a page's identity.
_TRACKING = re.compile(
    r"^(utm_\w*|mtm_\w*|pk_\w*|piwik_\w*|at_\w*|wt_\w*|fbclid|gclid|dclid|gbraid|wbraid|msclkid|"
    r"yclid|igshid|mc_cid|mc_eid|_hsenc|_hsmi|ref|ref_src|referrer|source|share|amp|"
    r"replytocom|shared|from|via)$",
    re.I,
)
_INDEX_FILES = ("index.html", "index.htm", "index.php")
# Paths whose whole query names the page: the site's root (/?p=123, /?lang=de), old CMSes
# (/index.php?option=com_content&id=5, /article.php?id=5).
_SCRIPT = re.compile(r"(^|/)[^/]*\.(php\d?|aspx?|cgi|jsp|pl)$|^/?$", re.I)
# Query parameters that name a page on any path: WordPress's plain permalinks in a sub-folder
# (/blog/?p=42, ?page_id=, ?cat=, ?tag=, ?author=…), other engines' post ids.  Any other query
# on a post's address (?lang=de, ?amp=1, a share button's) never changes which post it is.
_IDENTITY = frozenset({
    "p", "page_id", "post", "post_type", "name", "pagename", "attachment_id", "cat", "tag", "author",
    "id", "postid",
})  # fmt: skip
_PERCENT = re.compile(r"%([0-9A-Fa-f]{2})")
# Encoded non-ASCII bytes (after _percent: upper-case hex), with the letter before them, which a
# combining mark that follows belongs to.
_NON_ASCII = re.compile(r"[A-Za-z]?(?:%[89A-F][0-9A-F])+")
_UNRESERVED = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
_ABSOLUTE = re.compile(r"^https?://", re.I)
_DEFAULT_PORTS = (None, 80, 443)  # http or https: the scheme does not matter, so neither does

def page_key(url: str, base: str | None = None) -> str:
    """Same page, as a person would say (parades: links to the call, Include/Exclude, one post
    reached through two feeds).

    http and https, host case, a leading "www.", default ports, a trailing slash, index.html /
    index.htm / index.php, tracking parameters, fragments, percent-encoding and letter case in
    the path (umlauts' too, and whether they are composed) do not matter; nor does any other
    query on a post's path, except the parameters that name a page there (`_IDENTITY`: /blog/?p=42 is a post, /blog/ its blog).  Relative URLs
    are resolved against `base`.  The key is not a URL: it is for comparing, never for linking.
    Anything that is not an http(s) URL comes back stripped, as it is.
    """
    url = url.strip() if isinstance(url, str) else ""
    # An absolute link needs no base: without one, its key is cached once for every post.
    return _normalise(url, "" if _ABSOLUTE.match(url) else (base or "").strip())


@lru_cache(maxsize=65536)  # the same call, hosts and links are compared again and again
def _normalise(url: str, base: str) -> str:
    try:
        parts = urlsplit(urljoin(base, url) if base else url)
        port = parts.port
    except ValueError:
        return url
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return url
    host = host_key(parts.hostname)
    host = f"[{host}]" if ":" in host else host  # an IPv6 literal keeps its brackets
    netloc = host if port in _DEFAULT_PORTS else f"{host}:{port}"
    path = _path(parts.path)
    query = _query(parts.query, script=_SCRIPT.search(parts.path) is not None) if parts.query else ""
    return f"{netloc}{path}" + (f"?{query}" if query else "")


def leads_to(link: str, keys: str | frozenset[str], base: str | None = None) -> bool:
    """Whether `link` (relative to `base`) leads to the page whose `page_key` is `keys` (or one
    of them: a WordPress post is also its shortlink `/?p=42`): that page, or its AMP version,
    which a reader on a phone copies from the address bar.  (`?amp=1` is a tracking parameter to
    page_key already.)"""
    keys = frozenset((keys,)) if isinstance(keys, str) else keys  # a str is one key, not letters
    found = page_key(link, base)
    return found in keys or (found.endswith("/amp") and found[: -len("/amp")] in keys)


def host_key(hostname: str) -> str:
    """Same host: case, a trailing dot, `www.` and IDNA spelling do not matter."""
    return ascii_host(hostname.lower().rstrip(".").removeprefix("www."))


def ascii_host(host: str) -> str:
    """A host name as fetch connects to it: a Unicode one in IDNA 2008, as yarl writes it (faß.de
    is xn--fa-hia.de, not fass.de, as DENIC registers them); as it is where no IDNA writes it."""
    if host.isascii():
        return host
    import idna  # yarl's IDNA (a Unicode host is rare: not imported before one comes)

    try:  # müller.de and xn--mller-kva.de are one host; faß.de and fass.de two
        return idna.encode(host, uts46=True).decode("ascii")
    except idna.IDNAError:
        try:
            return host.encode("idna").decode("ascii")
        except UnicodeError:
            return host


def server_key(url: str) -> str:
    """Where a request to `url` connects: `host:port`, the scheme's port where none is written
    ("" for a URL without a host)."""
    try:
        parts = urlsplit(url)
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        return ""
    host = (parts.hostname or "").rstrip(".")
    return f"{host}:{port}" if host else ""


def same_host(url: str, other: str) -> bool:
    """Both URLs name one host (`host_key`), whatever their schemes and ports."""
    key = url_host_key(url)
    return key is not None and key == url_host_key(other)


@lru_cache(maxsize=1024)
def url_host_key(url: str) -> str | None:
    """`host_key` of the URL's host (what `same_host` compares); None where it has none or is
    malformed.  Kept for a blog's many posts (WordPress's API root, wpapi.post_number)."""
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    return host_key(host) if host else None


def _path(path: str) -> str:
    # Percent-encode what is not ASCII, then decode what needs no encoding: "/über", "/%C3%BCber"
    # and "/%c3%bcber" become one.  Case last: WordPress (MySQL) finds slugs case-insensitively,
    # and no blog has two posts whose addresses differ only in case, umlauts' case too.
    path = _PERCENT.sub(_percent, quote(path, safe="".join(map(chr, range(0x21, 0x7F)))))
    if "%" in path:
        path = _NON_ASCII.sub(_letters, path)
    path = path.lower()
    head, _, last = path.rpartition("/")
    if last in _INDEX_FILES:
        path = head
    return path.rstrip("/")


def _percent(match: re.Match[str]) -> str:
    char = chr(int(match[1], 16))
    return char if char in _UNRESERVED else f"%{match[1].upper()}"


def _letters(match: re.Match[str]) -> str:
    """Encoded letters as one spelling: composed (NFC: "u" and a combining diaeresis, as macOS
    writes "ü", is "ü") and lower-cased ("Ü" is "ü"), encoded again.  Bytes that are no UTF-8
    stay as they are."""
    try:
        text = unquote_to_bytes(match[0]).decode("utf-8")
    except UnicodeDecodeError:
        return match[0]
    return quote(unicodedata.normalize("NFC", text).lower(), safe="")


def _query(query: str, script: bool) -> str:
    """What of the query names the page: on a script's path all but tracking parameters, on any
    other only the identity parameters."""
    pairs = parse_qsl(query, keep_blank_values=True)
    if script:
        return urlencode(sorted((k, v) for k, v in pairs if not _TRACKING.match(k)))
    return urlencode(sorted((k, v) for k, v in pairs if k in _IDENTITY))


def is_http_url(url: object) -> bool:
    if not isinstance(url, str) or (url and url.split() != [url]):  # any white space in it
        return False
    if not (url.isascii() or _encodes(url)):
        return False  # a lone surrogate ("\udcff" in JSON): no request, key or store can hold it
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  raises on a malformed port
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.hostname)


# Host names as DNS allows them (after IDNA); yarl and urlsplit let spaces and other junk through.
_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
_HOSTNAME = re.compile(rf"^(?:{_LABEL}\.)*{_LABEL}\.?$")


def is_valid_host(host: str) -> bool:
    """`host` as yarl gives it (IDNA-encoded, an IPv6 literal without brackets) is one DNS or an
    IPv6 address allows: no empty label, none longer than 63 or starting or ending with "-"."""
    if ":" not in host:
        return _HOSTNAME.match(host) is not None
    try:  # an IPv6 literal, maybe with a zone
        ipaddress.IPv6Address(host.split("%", 1)[0])
    except ValueError:
        return False
    return True


def is_fetchable_url(url: object) -> bool:
    """An `is_http_url` whose host fetch would connect to (`is_valid_host` after IDNA)."""
    if not is_http_url(url):
        return False
    try:
        host = yarl.URL(str(url).strip()).raw_host
    except (ValueError, TypeError, UnicodeError):  # IDNA refuses the host ("xn--", "a..b")
        return False
    return bool(host) and is_valid_host(host)


def _encodes(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# Lower-case http(s), then a host that starts with none of what ends it, and nothing urlsplit
# removes or refuses ("[" may be a broken IPv6 address) anywhere.
_PLAIN_HTTP = re.compile(r"https?://[^/?#\[\]\t\r\n][^\[\]\t\r\n]*\Z")


def absolute_http_url(value: object) -> str | None:
    """An absolute http(s) URL as given, else None (clean makes URLs safe; this only selects)."""
    if not isinstance(value, str):
        return None
    value = value.strip()
    if _PLAIN_HTTP.match(value):  # what urlsplit would say, for the common form, without it
        return value
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    return value if parts.scheme in ("http", "https") and parts.netloc else None


def feed_key(url: str) -> str:
    """Two spellings of one feed URL compare equal (scheme, case, trailing slash)."""
    try:
        parts = urlsplit(url.strip())
        port = f":{parts.port}" if parts.port else ""
    except ValueError:  # not a URL at all: compare it as it is
        return url.strip()
    host = (parts.hostname or "").lower().removeprefix("www.")
    path = parts.path.rstrip("/") or "/"
    query = f"?{parts.query}" if parts.query else ""
    return f"{host}{port}{path}{query}"


# WordPress pages long comment threads: the same comment is `…/post/comment-page-2/#comment-7`
# or `…/?p=12&cpage=2#comment-7`, depending on where a link was made.
_COMMENT_PAGE = re.compile(r"/comment-page-\d+(?=/|$)")
_COMMENT_PAGE_QUERY = re.compile(r"(^|&)cpage=\d+(?=&|$)")


def feed_identity(url: str) -> str:
    """Two spellings of one feed compare equal: as `feed_key` says, and as the address fetch
    requests, so a Unicode host and its IDNA spelling ("müller.de", "xn--mller-kva.de"), a path
    and its percent-encoding, a default port written out are one feed too."""
    try:
        url = str(yarl.URL(url.strip()))
    except (ValueError, TypeError, UnicodeError):
        pass  # no address fetch would request: compared as written
    return feed_key(url)


def thread_key(url: str | None) -> str:
    """Same post or comment in a comment thread: scheme, host case, `www.`, a trailing slash and
    WordPress's comment pages do not matter; the query (`?p=12`) and the fragment
    (`#comment-7`, which comment) do.  Ids that are not http(s) URLs (`tag:` URIs) stay as they
    are, stripped."""
    if not url:
        return ""
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.scheme.lower() not in ("http", "https") or not parts.hostname:
        return url
    host = host_key(parts.hostname)
    path = _COMMENT_PAGE.sub("", parts.path).rstrip("/")
    query = _COMMENT_PAGE_QUERY.sub("", parts.query).strip("&")
    return f"{host}{path}" + (f"?{query}" if query else "") + (f"#{parts.fragment}" if parts.fragment else "")


def is_comment_page(link: str, page: str) -> bool:
    """Whether `link` is another of `page`'s comment pages (`…/comment-page-2/`, `?cpage=2`)."""
    link, page = without_fragment(link), without_fragment(page)
    number = _comment_page_number(link)
    return number is not None and number != _comment_page_number(page) and thread_key(link) == thread_key(page)


def _comment_page_number(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    found = _COMMENT_PAGE.search(parts.path) or _COMMENT_PAGE_QUERY.search(parts.query)
    return re.sub(r"\D", "", found.group(0)) if found else None


def page_address(url: str) -> str:
    """`url` without its fragment and its tracking parameters (`_TRACKING`), the rest as written."""
    url = without_fragment(url)
    address, mark, query = url.partition("?")
    if not mark:
        return url
    kept = [pair for pair in query.split("&") if pair and not _TRACKING.match(_parameter_name(pair))]
    return f"{address}?{'&'.join(kept)}" if kept else address


def _parameter_name(pair: str) -> str:
    name = pair.split("=", 1)[0]
    try:
        return unquote_to_bytes(name.replace("+", " ")).decode("utf-8")
    except UnicodeDecodeError:
        return name


def without_fragment(url: str | None) -> str:
    return (url or "").split("#", 1)[0]


def fragment(url: str | None) -> str:
    return (url or "").partition("#")[2]


_WORDPRESS_COMMENT = re.compile(r"comment-\d+")


def same_comment(url: str | None, other: str | None) -> bool:
    """One WordPress comment, named after its post's guid (`…/?p=5#comment-12`: its API and Atom
    feeds) or after its link (`…/2026/11/post/#comment-12`, `…/comment-page-2/#comment-12`: its
    RSS feeds' "In reply to" paragraph).  The comment IDs are the blog's, so within the
    comments of one post the fragment is enough."""
    anchor = fragment(url)
    return _WORDPRESS_COMMENT.fullmatch(anchor) is not None and anchor == fragment(other)


# How engines name one comment by its number or id, around which the rest of a name varies:
# an anchor (WordPress, Drupal, Disqus `comment-12`, Serendipity and Dotclear `c12`, Isso
# `isso-12`, Remark42 `remark42__comment-<uuid>`, WordPress themes `li-comment-12`), a query
# parameter (WordPress's reply links `?replytocom=12`), a path (Drupal's `/comment/12`, static
# engines' `/comments/12/`), a tag URI's last part, Drupal's RSS guid `12 at https://…`, or the
# bare id.  An id holds a digit: `#comments`, `#respond` name no comment.
_COMMENT_ID = r"(?=[-\w]*\d)[0-9A-Za-z][-0-9A-Za-z]{0,63}"
_COMMENT_ANCHOR = re.compile(
    rf"(?:(?:li|div|dsq)-)?(?:remark42__comment|comment|kommentar|isso|cmt|c)[-_]?({_COMMENT_ID})|({_COMMENT_ID})",
    re.I,
)
_COMMENT_PARAMETERS = frozenset({"replytocom", "comment_id", "commentid", "cid", "comment"})
_COMMENT_PATH = re.compile(r"/comments?/(\d{1,18})/?$", re.I)
_DRUPAL_GUID = re.compile(r"(\d{1,18}) at https?://\S+", re.I)
_UUID_URN = re.compile(r"urn:uuid:", re.I)


def comment_key(name: str | None) -> str | None:
    """The number or id of the comment a name points at, the same in every shape an engine gives
    it (`…/post/#comment-12`, `comment-12`, `12`, `#c12`, `?replytocom=12#respond`,
    `tag:blog,2026:comment-12`, `12 at https://blog`: "12"; `urn:uuid:X` and `X`: X in lower
    case); None for a name that carries none.  Only for names within one post's comments: their
    ids are unique there, not across a blog's posts (see `comment_page`)."""
    name = (name or "").strip()
    if not name or len(name) > 2048:
        return None
    drupal = _DRUPAL_GUID.fullmatch(name)
    if drupal:
        return _comment_id(drupal[1])
    if _ABSOLUTE.match(name):
        return _comment_key_of_url(name)
    name = _UUID_URN.sub("", name, count=1)
    return _comment_anchor(re.split(r"[:/#]", name)[-1])


def _comment_key_of_url(url: str) -> str | None:
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.fragment:
        anchor = _comment_anchor(parts.fragment)
        if anchor:
            return anchor
    for key, value in parse_qsl(parts.query):
        if key.lower() in _COMMENT_PARAMETERS and re.fullmatch(_COMMENT_ID, value):
            return _comment_id(value)
    path = _COMMENT_PATH.search(parts.path)
    return _comment_id(path[1]) if path else None


def _comment_anchor(text: str) -> str | None:
    match = _COMMENT_ANCHOR.fullmatch(text)
    return _comment_id(match[1] or match[2]) if match else None


def _comment_id(text: str) -> str:
    return str(int(text)) if text.isdecimal() else text.lower()  # `c000012` (Textpattern) is 12


def comment_page(url: str | None) -> str:
    """The page a comment's name is on, by `thread_key`: without the fragment and the query
    parameters that only name a comment (`?replytocom=12`).  A comment number names a comment
    only in a name on the post's own pages: engines that number comments per post have a
    `#c2` on every post."""
    url = without_fragment(url)
    if "=" not in url:  # no query parameter at all (most names): no urlsplit needed
        return thread_key(url)
    try:
        parts = urlsplit(url)
    except ValueError:
        return thread_key(url)
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if any(value and key.lower() in _COMMENT_PARAMETERS for key, value in pairs):
        kept = [(key, value) for key, value in pairs if key.lower() not in _COMMENT_PARAMETERS]
        url = parts._replace(query=urlencode(kept)).geturl()
    return thread_key(url)


def literal_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a URL's host names literally ("10.0.0.5", "[::1]"), else None."""
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None
