"""The records that flow between the stages: plain, immutable values.

fetch -> FetchResult; parse -> ParsedFeed; clean -> Post / Comment; store keeps them and hands back
StoredPost / StoredComment; select and publish read those.  No stage passes anything else along.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from enum import Enum
from typing import Iterable, Literal, Mapping, NamedTuple, Sequence
from urllib.parse import urlsplit

from .urls import comment_key

Kind = Literal["corporate", "employee"]
# "external": a blog that never joined, standing in for its parade contributions (parades/external.py)
BlogKind = Literal["corporate", "employee", "external"]
Display = Literal["excerpt", "full"]
CommentKind = Literal["comment", "pingback", "trackback"]
# A stored comment on the site: shown; hidden because its blog no longer has it (comments.py's
# gone_at_source); or as the editors left it (hidden with `hide`, or shown again with `unhide`
# after its blog deleted it).
CommentShown = Literal["shown", "gone", "editors"]
LoginKind = Literal["basic", "bearer", "header"]

# How far after it was read a feed's or a page's date may be and still be believed: time-zone
# mistakes and clock skew, not scheduled posts.
FUTURE_TOLERANCE = timedelta(days=2)


@dataclass(frozen=True)
class LoginSpec:
    """How to log in to a blog, as its participant file says: never the secret itself, only
    where it is (an environment variable or a file outside the site's repository).  Reading the
    secret and sending it is feeds/logins.py's job."""

    kind: LoginKind
    user: str = ""  # basic
    header: str = ""  # header: the header's name ("Cookie")
    secret_env: str = ""
    secret_file: str = ""

    @property
    def secret_source(self) -> str:
        """Where the secret is, for messages: never the secret."""
        if self.secret_env:
            return f"the environment variable {self.secret_env}"
        return f"the file {self.secret_file}"


@dataclass(frozen=True)
class Participant:
    """One blog, as written in content/participants/<slug>.toml."""

    slug: str
    name: str
    feed: str
    home: str
    author: str = ""
    kind: BlogKind = "employee"
    language: str = ""  # what the blog writes in where its feed does not say; "": the site's
    display: Display = "excerpt"
    active: bool = True
    # Only posts carrying one of these categories are taken (case-insensitive); empty = all.
    categories: tuple[str, ...] = ()
    # Told when the feed keeps failing and when it recovers (editors/notify.py); never published.
    contact: str = ""  # "mailto:owner@example.org"
    department: str = ""  # an internal blog roll's department ("Vertrieb"): its page and feed
    login: LoginSpec | None = None  # feeds behind a login (feeds/logins.py)

    def takes(self, categories: tuple[str, ...]) -> bool:
        """Whether a post with these categories belongs on the site (say, a personal blog
        whose owner wants only their posts about work there)."""
        if not self.categories:
            return True
        chosen = {category.casefold() for category in self.categories}
        return any(category.casefold() in chosen for category in categories)


class ErrorKind(str, Enum):
    """Why a feed could not be updated; the words `status` shows."""

    INVALID_URL = "invalid-url"
    NOT_ALLOWED = "address not allowed"  # by the network policy (feeds/policy.py)
    PROXY = "proxy"  # the forward proxy failed or refused (feeds/proxies.py)
    TLS = "tls"  # the certificate or the TLS handshake (feeds/trust.py)
    LOGIN = "login refused"  # 401/403 with the blog's login (feeds/logins.py)
    NO_LOGIN = "no login"  # its secret cannot be had here: nothing was sent
    DNS = "dns"
    CONNECTION = "connection"
    TIMEOUT = "timeout"
    TOO_LARGE = "too-large"
    REDIRECTS = "redirects"
    HTTP = "http"
    GONE = "gone"
    DECODING = "decoding"  # a broken gzip/deflate stream
    NOT_A_FEED = "not-a-feed"
    ENTITIES = "entities"  # a document declaring entities: bomb or XXE
    EMPTY = "empty"

    def __str__(self) -> str:
        return self.value


@dataclass(frozen=True)
class FetchError:
    kind: ErrorKind
    message: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.message}"


@dataclass(frozen=True)
class Conditional:
    """HTTP caching state sent with a request (from the store)."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class FetchResult:
    """What fetching one URL produced.  Never an exception: `error` says what went wrong."""

    url: str  # as requested
    final_url: str  # after redirects
    status: int | None = None
    body: bytes | None = None  # decoded from gzip/deflate, at most the byte cap
    headers: Mapping[str, str] = field(default_factory=dict)
    # Set when every redirect on the way was permanent (301/308): the feed has moved.
    permanent_redirect: str | None = None
    error: FetchError | None = None

    @property
    def not_modified(self) -> bool:
        return self.status == 304

    @property
    def ok(self) -> bool:
        return self.error is None and self.status == 200 and self.body is not None

    @property
    def conditional(self) -> Conditional:
        return Conditional(self.headers.get("etag"), self.headers.get("last-modified"))


@dataclass(frozen=True)
class ParsedAttachment:
    """A file an entry comes with, as its feed names it (raw, untrusted): an RSS <enclosure>, an
    Atom <link rel="enclosure">, a Media RSS <media:content> (a podcast's episode, a toot's photo)."""

    url: str
    type: str = ""  # the MIME type as written
    length: str = ""  # bytes, as written
    medium: str = ""  # Media RSS: "image", "audio", "video"…
    title: str = ""  # an Atom link's title, a <media:description> (a photo's alt text)


@dataclass(frozen=True)
class ParsedEntry:
    """One feed entry as feedparser read it: raw, untrusted HTML, dates already UTC."""

    guid: str  # stable: guid/id, else link, else hash of title+date
    url: str
    title: str
    author: str
    published: datetime | None
    updated: datetime | None
    summary_html: str
    content_html: str
    categories: tuple[str, ...]
    base_url: str  # what relative URLs in the entry resolve against
    language: str | None = None
    comment_feed: str | None = None  # wfw:commentRss or Atom link rel="replies"
    comment_count: int | None = None  # slash:comments or thr:total
    # For comments (entries of a comment feed):
    in_reply_to: str | None = None  # the parent: thr:in-reply-to ref (Blogger: its related link)
    in_reply_to_url: str | None = None  # thr:in-reply-to href
    author_url: str | None = None
    attachments: tuple[ParsedAttachment, ...] = ()


@dataclass(frozen=True)
class ParsedFeed:
    title: str
    home_url: str | None
    language: str | None
    entries: tuple[ParsedEntry, ...]
    # The feed's own author (Atom <feed><author>, RSS channel dc:creator / itunes:author): the
    # blog's writer where entries name none.
    author: str = ""
    subtitle: str = ""  # plain text: Atom <subtitle>, RSS channel <description>


AttachmentKind = Literal["audio", "video", "image", "file"]


@dataclass(frozen=True)
class Attachment:
    """A post's attachment, cleaned (feeds/clean.py): an absolute http(s) URL, a MIME type that
    looks like one, a size in bytes, a plain-text title or alt text (None, "": unknown)."""

    url: str
    kind: AttachmentKind = "file"  # by its type, else its Media RSS medium
    type: str | None = None
    length: int | None = None
    title: str = ""


@dataclass(frozen=True)
class Post:
    """A cleaned post, ready to store: safe HTML, absolute URLs, plain-text title and excerpt."""

    participant: str  # slug
    guid: str
    url: str
    title: str
    author: str
    published: datetime | None  # None: the store uses the first-seen time
    updated: datetime | None
    excerpt: str
    content_html: str
    categories: tuple[str, ...] = ()
    language: str | None = None
    links: tuple[str, ...] = ()  # absolute outbound links in the body (parades need them)
    comment_feed: str | None = None
    comment_count: int | None = None
    # Its images are in content_html too, as the blog's own: shown, downloaded, served alike.
    attachments: tuple[Attachment, ...] = ()

    @property
    def id(self) -> str:
        return post_id(self.participant, self.guid)


@dataclass(frozen=True)
class Comment:
    """A cleaned comment. Never carries an e-mail address."""

    post_id: str
    guid: str
    url: str | None
    # The parent comment as the feed names it (an id or a link), None for a top-level comment;
    # resolved against the post's other comments when its thread is built (website/threads.py).
    parent_guid: str | None
    author: str
    author_url: str | None
    published: datetime | None
    content_html: str
    kind: CommentKind = "comment"

    @property
    def id(self) -> str:
        return comment_id(self.post_id, self.guid)


@dataclass(frozen=True)
class FeedState:
    """What the store remembers about one feed between runs."""

    url: str
    participant: str
    etag: str | None = None
    last_modified: str | None = None
    body_hash: str | None = None  # an unchanged body is not parsed again
    last_attempt: datetime | None = None
    last_success: datetime | None = None
    last_error: FetchError | None = None
    consecutive_errors: int = 0
    moved_to: str | None = None  # target of a permanent redirect, while it works
    gone: bool = False  # answered 410: not asked again
    next_try: datetime | None = None  # not asked before (Retry-After, or failing again and again)
    # A post feed's entries as its last parse saw them (clean.source_digests), space-separated:
    # not cleaned again.  Split by the parse (work.parse_posts), not by every reader of states.
    entry_digests: str = ""

    @property
    def conditional(self) -> Conditional:
        return Conditional(self.etag, self.last_modified)


@dataclass(frozen=True)
class StoredPost:
    """A post as the store holds it: what publish and select read."""

    id: str
    participant: str
    guid: str
    url: str
    title: str
    author: str
    published: datetime  # the feed's date, else first seen
    updated: datetime | None
    first_seen: datetime
    excerpt: str
    content_html: str
    categories: tuple[str, ...]
    language: str | None
    links: tuple[str, ...]
    comment_feed: str | None
    comment_count: int | None
    attachments: tuple[Attachment, ...] = ()  # Post.attachments
    # Its place among its blog's posts of the same date, as its feed listed them (0: first, and
    # for a post no other shares its date with): the site's tie-break (store.MIGRATIONS, 21).
    feed_rank: int = 0


class Seen(NamedTuple):
    """A stored post as `moved_copies` compares it with the blog's others."""

    id: str
    participant: str
    published: datetime
    first_seen: datetime
    title: str
    url: str
    guid: str = ""


def moved_copies(posts: Iterable[Seen]) -> dict[str, str]:
    """The posts a later copy of theirs stands for, each with that copy's id.

    A blog whose guids are its permalinks (Hugo, Jekyll) brings every post again when it moves
    (to https, to another domain, out of a sub-folder, to another engine), and the store keeps
    the old copy.  Copies of one post share their blog, their date and their title; the copy
    seen last (by first_seen, then id) stands for the others, at the blog's address of today.
    Of the blog's posts of one date and title, those with the same slug (the last step of their
    path, and their query: what most moves keep) are one post.  Where a move changed the slugs
    too, posts of one date and title are one post as long as no address (host) has two of them:
    two posts of one day and title at one address are two posts (a series), and so are their
    copies wherever they went.  A post its feed gave no date (dated the moment it was first
    seen), or no title, is never taken for another: a post taken for a copy is hidden.  The
    copies of one post come newest first (store.first_copies takes the last for the first).

    A blog's posts under one versioned guid in its versions (`version_base`: Confluence's) are
    one post, stored each apart before first_guids knew them: the one seen last stands for the
    others.  And a blog's posts of one date and slug at two addresses (the scheme's or the
    host's), seen on different nights, are one post retitled the night its blog moved."""
    groups: dict[tuple[str, datetime, str], list[Seen]] = {}
    versions: dict[tuple[str, str], list[Seen]] = {}
    retitled: dict[tuple[str, datetime, str], list[Seen]] = {}
    posts = list(posts)
    # Copies by title or by slug share their blog and their date: a post alone on its blog's
    # date (most are) is no such copy, and its title and address are not read (an address is
    # parsed: most of the time of a pass over 20,000 posts, in every build).
    dated = Counter((post.participant, post.published) for post in posts)
    for post in posts:
        if (base := version_base(post.guid)) is not None:
            versions.setdefault((post.participant, base), []).append(post)
        if dated[(post.participant, post.published)] < 2:
            continue
        title = title_key(post.title)
        if post.published != post.first_seen and title:
            groups.setdefault((post.participant, post.published, title), []).append(post)
        if post.published != post.first_seen and (address := _address(post.url)) is not None and address[1] != "?":
            retitled.setdefault((post.participant, post.published, address[1]), []).append(post)
    standing_for: dict[str, str] = {}
    for group in retitled.values():
        urls, nights = {post.url for post in group}, {post.first_seen for post in group}
        if len(group) == 2 and len(urls) == 2 and len(nights) == 2:
            old, new = sorted(group, key=lambda post: post.first_seen)
            if title_key(old.title) != title_key(new.title):  # one title: the rules below decide
                standing_for[old.id] = new.id
    for group in versions.values():
        if len(group) > 1:
            group.sort(key=lambda post: (post.first_seen, post.id), reverse=True)
            standing_for.update((post.id, group[0].id) for post in group[1:])
    for group in groups.values():
        if len(group) < 2:
            continue
        group.sort(key=lambda post: (post.first_seen, post.id), reverse=True)
        # One post per slug: the newest of each stands, with the addresses its copies had.
        by_slug: dict[str, tuple[str, set[str]]] = {}
        slug_of: dict[str, str] = {}
        for post in group:
            address = _address(post.url)
            if address is not None:
                host, slug_of[post.id] = address
                by_slug.setdefault(slug_of[post.id], (post.id, set()))[1].add(host)
        # Slugs changed too: one post, the group's newest, where no host has two of them, and
        # they came on different nights (a move brings its copies later: a link blog's two
        # "Lesenswert" items of one day, to two sites, come in one read and are two posts).
        hosts_of = [hosts for _, hosts in by_slug.values()]
        one_post = (sum(map(len, hosts_of)) == len(set().union(*hosts_of))
                    and len({post.first_seen for post in group}) > 1)  # fmt: skip
        for post in group:  # newest first: each standing copy's first copy comes last
            if post.id in slug_of:
                standing = next(iter(by_slug.values()))[0] if one_post else by_slug[slug_of[post.id]][0]
                if standing != post.id:
                    standing_for[post.id] = standing
    # A version's standing copy moved on: the copy standing for that one (newer every step).
    for old, standing in standing_for.items():
        while standing in standing_for:
            standing = standing_for[standing]
        standing_for[old] = standing
    return standing_for


def other_copies(posts: Iterable[Seen], standing: Mapping[str, str]) -> dict[str, tuple[str, ...]]:
    """Per post with copies (`standing`: moved_copies of `posts`), the addresses of its other
    copies: an editor's Include or Exclude names a post by the address it had when they wrote it."""
    if not standing:
        return {}
    url = {post.id: post.url for post in posts}
    groups: dict[str, list[str]] = {}
    for old, new in standing.items():
        groups.setdefault(new, [new]).append(old)
    return {member: tuple(url[other] for other in group if other != member)
            for group in groups.values() for member in group}  # fmt: skip


def first_guids(posts: Sequence[Post], stored: Iterable[tuple[str, str, datetime, str]]) -> dict[str, str]:
    """The guid a post a feed brought under a new one was first stored under, by its new guid.

    Some feeds give their posts a new guid each time they are read (a template that puts the
    time or a session into it), others each time a post is edited (Confluence's carry its
    version): each such read stored every post again, a copy moved_copies took for a move, with
    a page and a redirect of its own.  A post whose guid is new is a stored post (`stored`: the
    blog's rows of the same dates, or of the same versioned guid, as (guid, url, published,
    title)) that this read does not bring under its own guid too, when
    - it is at that post's address and has its date and title (an address, date and title two
      posts of the read, or two stored ones, share are no one's; a post without a date or a
      title never matches, as in moved_copies), or
    - its guid is that post's in another version (`version_base`): the latest stored version.
    An address alone says nothing: a link blog's items share the article they link, a podcast's
    its show's page, a feed without its posts' addresses the blog's home."""
    read = {post.guid for post in posts}
    known: dict[tuple[str, datetime, str], list[str]] = {}
    versions: dict[str, list[tuple[datetime, str]]] = {}
    stored_guids: set[str] = set()
    for guid, url, published, title in stored:
        if guid in stored_guids:
            continue
        stored_guids.add(guid)
        known.setdefault((url, published, title_key(title)), []).append(guid)
        if (base := version_base(guid)) is not None:
            versions.setdefault(base, []).append((published, guid))
    keys = {post.guid: (post.url, post.published, title_key(post.title)) for post in posts
            if post.published is not None and post.url and title_key(post.title)}  # fmt: skip
    shared = Counter(keys.values())
    first: dict[str, str] = {}
    for post in posts:
        if post.guid in stored_guids:
            continue
        key = keys.get(post.guid)
        candidates = known.get(key, []) if key is not None and shared[key] == 1 else []
        base = version_base(post.guid)
        if len(candidates) == 1:
            found = candidates[0]
        elif base is not None and versions.get(base):
            found = max(versions[base])[1]  # the latest version stored (older ones: moved_copies)
        else:
            continue
        if found not in read:
            first[post.guid] = found
    return first


# Confluence's feed names each version of a blog post or page by an id of its own:
# "tag:wiki.firma.example,2009:blogpost-12345-3" is version 3 of blog post 12345.
_VERSIONED_GUID = re.compile(r"(tag:[^,\s]+,\d{4}(?:-\d\d){0,2}:(?:blogpost|page)-\d+)-\d{1,6}")


def version_base(guid: str) -> str | None:
    """What a versioned guid names whatever the version (`_VERSIONED_GUID`), else None."""
    found = _VERSIONED_GUID.fullmatch(guid)
    return found[1] if found else None


def title_key(title: str | None) -> str:
    """A title as posts are told apart by it: white space and letter case aside."""
    return " ".join((title or "").split()).casefold()


def first_comment_guids(
    comments: Sequence[Comment], stored: Iterable[tuple[str, str]]
) -> dict[tuple[str, str], str]:
    """The guid a comment a feed brought under a new one was first stored under, by its post's
    id and its new guid.

    A blog that moves (to https, to another domain) whose comments' guids hold its posts'
    addresses (Hugo's and Jekyll's threads, Ghost's) brings every comment again under a new
    guid: each was stored a second time, counted as new, and its first copy reported deleted at
    its source.  A comment whose guid is new to its post is a stored comment of that post
    (`stored`: the read's posts' rows, as (post id, guid)) when both carry the same comment
    number or id (urls.comment_key: unique among one post's comments), and this read does not
    bring that comment under its own guid too.  A number two comments of the read, or two
    stored ones, share is no one's."""
    stored_guids = set(stored)
    # Only the posts with a comment new to them: most reads bring none (a comment feed read
    # again holds the comments stored from it), and the numbers are not worth reading then.
    posts = {comment.post_id for comment in comments if (comment.post_id, comment.guid) not in stored_guids}
    if not posts:
        return {}
    comments = [comment for comment in comments if comment.post_id in posts]
    stored_guids = {row for row in stored_guids if row[0] in posts}
    read = {(comment.post_id, comment.guid) for comment in comments}
    known: dict[tuple[str, str], list[str]] = {}
    for post, guid in stored_guids:
        key = comment_key(guid)
        if key is not None:
            known.setdefault((post, key), []).append(guid)
    keys = {(comment.post_id, comment.guid): (comment.post_id, key) for comment in comments
            if (key := comment_key(comment.guid)) is not None}  # fmt: skip
    shared = Counter(keys.values())
    first: dict[tuple[str, str], str] = {}
    for name, number in keys.items():
        if name in stored_guids or shared[number] > 1:
            continue
        candidates = known.get(number, [])
        if len(candidates) == 1 and (name[0], candidates[0]) not in read:
            first[name] = candidates[0]
    return first


def _address(url: str) -> tuple[str, str] | None:
    """A post's host and slug (see moved_copies); None where its address cannot be read."""
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        return None
    steps = [step for step in parts.path.split("/") if step and step.lower() not in _INDEX_FILES]
    return host, (steps[-1] if steps else "") + "?" + parts.query


_INDEX_FILES = frozenset({"index.html", "index.htm", "index.php"})


class PostHead(NamedTuple):
    """A stored post without its text: what deciding which comment feeds to read needs (the
    fields of StoredPost of the same names)."""

    id: str
    participant: str
    guid: str
    url: str
    published: datetime
    comment_feed: str | None
    comment_count: int | None
    # The feed's comment count when this post's comments were last read: unchanged, not asked;
    # and the comments stored then (comments.missing).
    comments_checked: int | None
    comments_checked_stored: int | None = None


class CommentTally(NamedTuple):
    """A post's comments as readers see them here (hidden ones not): its comments, and its
    pingbacks and trackbacks (`mentions`), which the site shows apart."""

    comments: int = 0
    mentions: int = 0

    def as_shown(self, announced: int | None) -> int:
        """The post's comment count as its blog shows it: WordPress's (slash:comments) counts
        pingbacks and trackbacks too, and a comment feed may hold fewer than the post has."""
        return max(self.comments, (announced or 0) - self.mentions)

    def counted(self, post: StoredPost) -> int | None:
        """`as_shown` for `post`, or None where nothing says where its comments are or how many
        (Medium, Substack, a toot, Confluence; a contribution from a blog that never joined): its
        page says so, and no list, roundup or digest says "0 comments"."""
        if post.comment_feed is None and post.comment_count is None and not (self.comments or self.mentions):
            return None
        return self.as_shown(post.comment_count)


@dataclass(frozen=True)
class StoredComment:
    id: str
    post_id: str
    guid: str
    url: str | None
    parent_ref: str | None  # Comment.parent_guid: resolved when the thread is built
    author: str
    author_url: str | None
    published: datetime
    first_seen: datetime
    content_html: str
    kind: CommentKind


@dataclass(frozen=True)
class PageLookup:
    """What looking at a post's own page found: its links, or why it failed (`error` set)."""

    url: str
    fetched_at: datetime
    links: tuple[str, ...] = ()
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


@dataclass(frozen=True)
class LinkTarget:
    """Where a link in a joined blog's post led when followed (parades/redirects.py): `target`,
    the address it redirected to (None: it led nowhere else), or why it failed (`error`)."""

    link: str
    fetched_at: datetime
    target: str | None = None
    error: str | None = None


# --- blog parades: candidates from every channel, and what their pages said -----------------------

# Where a parade candidate came from: a pingback or trackback the call received ("pingback": read
# with a joined host blog's comments; "comments": from the parade's Comments feed), a reader's
# comment on the call that names the page ("comment"), a webmention ("mention"), `blogparade
# submit` ("submit"), or the parade file's Include ("include").
Channel = Literal["pingback", "comments", "comment", "mention", "submit", "include"]


@dataclass(frozen=True)
class NamedCandidate:
    """A URL a channel names as a possible contribution."""

    url: str
    channel: Channel
    # When the channel says the page was published or the mention sent: the date of last resort.
    date: datetime | None = None


@dataclass(frozen=True)
class ParadeCandidate:
    """A possible contribution to a parade, as the store remembers it (once per page)."""

    parade: str  # slug
    key: str  # urls.page_key(url): the same page however channels spell it
    url: str  # as the first channel named it
    channels: tuple[Channel, ...]
    first_seen: datetime
    date: datetime | None = None  # NamedCandidate.date, the earliest any channel gave


@dataclass(frozen=True)
class PageReading:
    """What a post's page says about itself (parades/page_reading.py reads it).  `published`
    may be naive (a page giving only a day): verify.py reads it in the parade's time zone."""

    url: str  # where the page was read (after redirects)
    canonical: str | None = None
    title: str = ""
    author: str = ""
    published: datetime | None = None
    date_source: str = ""  # "h-entry", "json-ld", "article:published_time", "microdata", "time"
    site_name: str = ""
    home: str | None = None
    feed: str | None = None  # the blog's feed, by autodiscovery
    comment_feed: str | None = None  # this post's own comment feed, where the page names it
    links: tuple[str, ...] = ()  # absolute http(s) links of the article, in order
    excerpt: str = ""
    language: str | None = None


PageProblem = Literal["unfetchable", "not-html"]


@dataclass(frozen=True)
class CandidatePage:
    """The evidence about one candidate page: the last look at it, and the last good reading.

    A look that fails keeps the reading an earlier one made: a page that is down today does not
    undo a contribution accepted yesterday."""

    key: str  # urls.page_key of the candidate's URL
    url: str  # as asked
    checked_at: datetime  # the last look
    problem: PageProblem | None = None  # the last look's, None when it read the page
    error: str | None = None  # what went wrong (a fetch error, the content type)
    reading: PageReading | None = None
    entry: Post | None = None  # the blog's own feed entry for the page, where its feed has it
    feed_title: str = ""  # the blog's feed: its title and home link
    feed_home: str | None = None
    post_id: str | None = None  # the stored post an accepted page became


@dataclass(frozen=True)
class ExternalBlog:
    """A blog that contributed to a parade without joining the site."""

    slug: str  # "ext_…": participant file names cannot contain "_", so never one of theirs
    name: str
    home: str
    feed: str | None
    first_seen: datetime

    def as_participant(self) -> Participant:
        """The stand-in the publish and comment stages take it for: excerpts only."""
        return Participant(self.slug, self.name, self.feed or self.home, self.home,
                           kind="external", display="excerpt", language="")  # fmt: skip


def _digest(*parts: str) -> str:
    return hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


def post_id(participant: str, guid: str) -> str:
    """A short id that stays the same for the same entry of the same blog."""
    return _digest(participant, guid)


def comment_id(post: str, guid: str) -> str:
    return _digest(post, guid)
