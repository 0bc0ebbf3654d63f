"""The sample blogs' posts and comments, read from blogs/<slug>/posts.toml.

The source is compact on purpose: Markdown bodies, dates with their offsets, comments as a flat
list where a reply names the comment it answers (`reply_to = "<key>"`).  Pingbacks name the sample
post that sent them (`source = "<blog>/<post slug>"`); author and URL are taken from that post,
as WordPress takes them from the linking page.  Numbers (WordPress post and comment ids) are
given out in date order, so they look like a real blog's and stay stable between runs.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import datetime
from html import unescape
from pathlib import Path
from typing import Literal

import markdown

from .manifest import BLOGS_DIR, DemoBlog


@dataclass(eq=False)
class SourceComment:
    key: str
    author: str
    author_url: str | None
    date: datetime
    html: str
    kind: Literal["comment", "pingback"] = "comment"
    parent: SourceComment | None = field(default=None, repr=False)
    post: SourcePost | None = field(default=None, repr=False)
    number: int = 0  # per blog, in date order
    index: int = 0  # per post, 1-based, in date order
    source: str | None = None  # pingbacks: "<blog>/<post slug>"

    @property
    def depth(self) -> int:
        return 0 if self.parent is None else self.parent.depth + 1


@dataclass(eq=False)
class SourcePost:
    slug: str
    title: str
    date: datetime
    updated: datetime
    author: str
    categories: tuple[str, ...]
    html: str
    comments: list[SourceComment] = field(default_factory=list)  # in date order
    number: int = 0  # per blog, in date order
    path: str = ""  # inside the blog, e.g. "remote-seit-2020/"

    @property
    def modified(self) -> datetime:
        """When the post or its newest comment last changed: its pages' Last-Modified."""
        return max([self.updated, *(c.date for c in self.comments)])


@dataclass(eq=False)
class SourceBlog:
    meta: DemoBlog
    posts: list[SourcePost]  # newest first, as feeds list them
    directory: Path

    @property
    def comments(self) -> list[SourceComment]:
        """All comments of the blog, newest first (site-wide comment feeds)."""
        every = [c for post in self.posts for c in post.comments]
        return sorted(every, key=lambda c: c.date, reverse=True)

    @property
    def modified(self) -> datetime:
        return max(post.modified for post in self.posts)

    def post(self, slug: str) -> SourcePost:
        for post in self.posts:
            if post.slug == slug:
                return post
        raise KeyError(f"{self.meta.slug} has no post {slug!r}")

    def post_url(self, post: SourcePost) -> str:
        return self.meta.url(post.path)


# Where each engine puts a post, and how it titles the post's page (a pingback's author is the
# linking page's <title>).
POST_PATHS = {
    "wordpress": lambda p: f"{p.slug}/",
    "hugo": lambda p: f"posts/{p.slug}/",
    "blogger": lambda p: f"{p.date:%Y/%m}/{p.slug}.html",
    "plain": lambda p: f"eintraege/{p.slug}.html",
}
PAGE_TITLES = {
    "wordpress": "{post} – {blog}",
    "hugo": "{post} | {blog}",
    "blogger": "{blog}: {post}",
    "plain": "{blog} - {post}",
}


def page_title(blog: DemoBlog, post: SourcePost) -> str:
    return PAGE_TITLES[blog.engine].format(post=post.title, blog=blog.name)


def to_html(text: str) -> str:
    return markdown.markdown(text.strip(), output_format="html")


def plain_text(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def excerpt(html: str, words: int = 55) -> str:
    """WordPress's automatic excerpt: the first 55 words, then [&hellip;]."""
    parts = plain_text(html).split()
    return " ".join(parts[:words]) + (" […]" if len(parts) > words else "")


def _comment(raw: dict) -> SourceComment:
    known = {"key", "author", "url", "date", "body", "reply_to", "kind", "source"}
    if unknown := set(raw) - known:
        raise ValueError(f"unknown comment fields {sorted(unknown)}")
    if raw.get("kind") == "pingback":
        # WordPress stores the linking page's excerpt between [&#8230;] marks.
        body = f"<p>[&#8230;] {raw['body'].strip()} [&#8230;]</p>"
        return SourceComment(key=raw.get("key", ""), author="", author_url=None, date=raw["date"],
                             html=body, kind="pingback", source=raw["source"])
    return SourceComment(key=raw.get("key", ""), author=raw["author"], author_url=raw.get("url"),
                         date=raw["date"], html=to_html(raw["body"]))


def _post(raw: dict, blog: DemoBlog) -> SourcePost:
    for name in ("date", "updated"):
        if name in raw and raw[name].tzinfo is None:
            raise ValueError(f"{blog.slug}/{raw['slug']}: {name} needs a UTC offset")
    post = SourcePost(
        slug=raw["slug"], title=raw["title"], date=raw["date"],
        updated=raw.get("updated", raw["date"]), author=raw.get("author", blog.author),
        categories=tuple(raw.get("categories", ())), html=to_html(raw["body"]),
    )
    post.path = POST_PATHS[blog.engine](post)
    keyed: dict[str, SourceComment] = {}
    for item in raw.get("comment", []):
        comment = _comment(item)
        comment.post = post
        if parent_key := item.get("reply_to"):
            comment.parent = keyed[parent_key]  # KeyError: a reply to an unknown or later comment
            if comment.parent.date >= comment.date:
                raise ValueError(f"{blog.slug}/{post.slug}: reply {comment.key!r} predates its parent")
        if comment.key:
            keyed[comment.key] = comment
        post.comments.append(comment)
    post.comments.sort(key=lambda c: c.date)
    for index, comment in enumerate(post.comments, 1):
        comment.index = index
        if comment.date < post.date:
            raise ValueError(f"{blog.slug}/{post.slug}: comment {index} predates the post")
    return post


def load_blog(meta: DemoBlog) -> SourceBlog:
    directory = BLOGS_DIR / meta.slug
    with (directory / "posts.toml").open("rb") as file:
        raw = tomllib.load(file)
    posts = sorted((_post(p, meta) for p in raw["post"]), key=lambda p: p.date)
    for number, post in enumerate(posts):
        post.number = 10 + 7 * number  # gaps, as drafts and attachments leave them in WordPress
    comments = sorted((c for p in posts for c in p.comments), key=lambda c: c.date)
    for number, comment in enumerate(comments):
        comment.number = 2 + 3 * number
    return SourceBlog(meta=meta, posts=posts[::-1], directory=directory)


def load_sources(blogs: list[DemoBlog]) -> dict[str, SourceBlog]:
    """Every blog's posts, with pingbacks filled in from the posts that sent them."""
    sources = {meta.slug: load_blog(meta) for meta in blogs}
    for blog in sources.values():
        for post in blog.posts:
            for comment in post.comments:
                if comment.kind == "pingback":
                    slug, post_slug = comment.source.split("/", 1)
                    linking = sources[slug]
                    origin = linking.post(post_slug)
                    comment.author = page_title(linking.meta, origin)
                    comment.author_url = linking.post_url(origin)
    return sources
