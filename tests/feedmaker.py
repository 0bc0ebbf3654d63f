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
