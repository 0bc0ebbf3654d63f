"""Small, readable RSS and Atom documents for tests (the helpers' sample feeds live in tests/feeds/)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from email.utils import format_datetime
from xml.sax.saxutils import escape


@dataclass
class Item:
    guid: str
    title: str
    link: str
    published: datetime | None = None
    body: str = "<p>Text</p>"
    categories: list[str] = field(default_factory=list)
    author: str = ""
    comments_feed: str | None = None
    comment_count: int | None = None


def rss(items: list[Item], title: str = "Ein Blog", link: str = "https://blog.example/") -> str:
    entries = []
    for item in items:
        parts = [
            f"<title>{escape(item.title)}</title>",
            f"<link>{escape(item.link)}</link>",
            f'<guid isPermaLink="false">{escape(item.guid)}</guid>',
            f"<description>{escape(item.body)}</description>",
        ]
        if item.published:
            parts.append(f"<pubDate>{format_datetime(item.published)}</pubDate>")
        if item.author:
            parts.append(f"<dc:creator>{escape(item.author)}</dc:creator>")
        parts += [f"<category>{escape(c)}</category>" for c in item.categories]
        if item.comments_feed:
            parts.append(f"<wfw:commentRss>{escape(item.comments_feed)}</wfw:commentRss>")
        if item.comment_count is not None:
            parts.append(f"<slash:comments>{item.comment_count}</slash:comments>")
        entries.append("<item>" + "".join(parts) + "</item>")
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" '
        'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
        'xmlns:slash="http://purl.org/rss/1.0/modules/slash/"><channel>'
        f"<title>{escape(title)}</title><link>{escape(link)}</link><language>de-DE</language>"
        + "".join(entries)
        + "</channel></rss>"
    )


def atom(items: list[Item], title: str = "Ein Atom-Blog", link: str = "https://atom.example/") -> str:
    entries = []
    for item in items:
        date = (item.published.isoformat() if item.published else "")
        parts = [
            f"<id>{escape(item.guid)}</id>",
            f"<title>{escape(item.title)}</title>",
            f'<link rel="alternate" href="{escape(item.link)}"/>',
            f'<content type="html">{escape(item.body)}</content>',
        ]
        if date:
            parts += [f"<published>{date}</published>", f"<updated>{date}</updated>"]
        if item.author:
            parts.append(f"<author><name>{escape(item.author)}</name></author>")
        parts += [f'<category term="{escape(c)}"/>' for c in item.categories]
        if item.comments_feed:
            count = f' thr:count="{item.comment_count}"' if item.comment_count is not None else ""
            parts.append(
                f'<link rel="replies" type="application/atom+xml" href="{escape(item.comments_feed)}"{count}/>'
            )
        entries.append("<entry>" + "".join(parts) + "</entry>")
    return (
        '<?xml version="1.0" encoding="utf-8"?>\n'
        '<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0">'
        f'<title>{escape(title)}</title><id>{escape(link)}</id><link rel="alternate" href="{escape(link)}"/>'
        "<updated>2026-11-20T10:00:00Z</updated>"
        + "".join(entries)
        + "</feed>"
    )


@dataclass
class Reply:
    """A comment in a blog's comment feed; `parent` is another Reply's number, or None."""

    number: int
    author: str
    text: str
    parent: int | None = None
    author_url: str | None = None
    published: datetime | None = None


def _wp_comment_id(post_guid: str, number: int) -> str:
    return f"{post_guid}#comment-{number}"


def wordpress_comments_rss(post_guid: str, post_url: str, replies: list[Reply]) -> str:
    """A WordPress per-post (or site-wide) RSS comment feed: no threading, as WordPress has it."""
    items = "".join(
        f"<item><title>Von: {escape(r.author)}</title>"
        f"<link>{escape(post_url)}#comment-{r.number}</link>"
        f"<dc:creator><![CDATA[{r.author}]]></dc:creator>"
        + (f"<pubDate>{format_datetime(r.published)}</pubDate>" if r.published else "")
        + f'<guid isPermaLink="false">{escape(_wp_comment_id(post_guid, r.number))}</guid>'
        f"<description>{escape(r.text)}</description>"
        f"<content:encoded><![CDATA[<p>{r.text}</p>]]></content:encoded></item>"
        for r in replies
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/"><channel>'
        f"<title>Kommentare zu: Beitrag</title><link>{escape(post_url)}</link>{items}</channel></rss>"
    )


def threaded_comments_atom(post_guid: str, post_url: str, replies: list[Reply],
                           comment_id=_wp_comment_id) -> str:  # noqa: ANN001
    """An Atom comment feed with RFC 4685 threading, as WordPress's feed/atom/ and Hugo/Blogger
    comment feeds write it: top-level comments reply to the post, replies to their parent."""
    entries = []
    for r in replies:
        own = comment_id(post_guid, r.number)
        if r.parent is None:
            reply_to = f'<thr:in-reply-to ref="{escape(post_guid)}" href="{escape(post_url)}" type="text/html"/>'
        else:
            parent = comment_id(post_guid, r.parent)
            reply_to = (f'<thr:in-reply-to ref="{escape(parent)}" '
                        f'href="{escape(post_url)}#comment-{r.parent}" type="text/html"/>')
        uri = f"<uri>{escape(r.author_url)}</uri>" if r.author_url else ""
        date = f"<published>{r.published.isoformat()}</published>" if r.published else ""
        entries.append(
            f"<entry><title>Von: {escape(r.author)}</title>"
            f'<link rel="alternate" href="{escape(post_url)}#comment-{r.number}" type="text/html"/>'
            f"<author><name>{escape(r.author)}</name>{uri}</author><id>{escape(own)}</id>{date}"
            f'<content type="html">{escape("<p>" + r.text + "</p>")}</content>{reply_to}</entry>'
        )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom" '
        'xmlns:thr="http://purl.org/syndication/thread/1.0">'
        f"<title>Kommentare</title><id>{escape(post_url)}comments</id>"
        "<updated>2026-11-20T10:00:00Z</updated>" + "".join(entries) + "</feed>"
    )


def billion_laughs(root: str, body: str) -> bytes:
    """A document whose DOCTYPE would expand `&lol9;` to a billion "lol"s: it must be refused,
    never expanded.  `body` is the document after the DOCTYPE and may use `&lol9;`."""
    levels = ['  <!ENTITY lol0 "lol">'] + [
        f'  <!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    ]
    doctype = f"<!DOCTYPE {root} [\n" + "\n".join(levels) + "\n]>\n"
    return ('<?xml version="1.0"?>\n' + doctype + body).encode()
