"""Render the sample blogs into the files their blog software would serve.

Each engine imitates what its software really emits, quirks included, because the aggregator
meets those quirks in the wild:

- wordpress: RSS 2.0 at /feed/ with wfw:commentRss and slash:comments; per-post comment feeds
  in RSS (/<post>/feed/, no threading element) and Atom (/<post>/feed/atom/, threading via
  thr:in-reply-to, top-level comments pointing at the post's guid); site-wide comment feeds of
  the newest 10 comments; dates in +0000; pingbacks as comments titled "Von: <page title>" with
  "[…] excerpt […]" as text; /?p=<id> shortlinks redirecting to the post, which are also the
  posts' guids unless the manifest says `guid_form = "permalink"`.  In every comment feed a
  reply's text starts with "<p>Als Antwort auf <a href=…#comment-N>Name</a>.</p>" in the blog's
  language (get_comment_text() when is_comment_feed()); the post's page threads replies instead.
  With `atom_comment_feeds = false` the Atom comment feeds answer 404, so that paragraph is all
  that threads the blog's replies.
- hugo: Atom at /atom.xml served as application/xml, entries with link rel="replies"
  thr:count="N" to /posts/<slug>/comments.atom; content carries xml:base because bodies use
  page-relative links and images.
- blogger: Atom at /feeds/posts/default with thr:total and two rel="replies" links (Atom and
  HTML), per-post comment feeds at /feeds/<post id>/comments/default, tag: ids, millisecond dates,
  noreply@blogger.com as every author's e-mail (which must never be stored), two comment levels.
- plain: a hand-made site in ISO-8859-1 (declared in the prolog and Content-Type) whose home page
  announces no feed; RSS at /rss.xml with an e-mail in <author>, descriptions holding the full
  escaped HTML, and flat RSS comment feeds.

Every absolute URL is written with the placeholder {{BASE}} (or {{HOST}} where a link spells its
own scheme); the server substitutes them once it knows its port.  Run
`python -m aggregator.demo.render DIR` to write all files into DIR for reading.
"""

from __future__ import annotations

import hashlib
import html
import mimetypes
import sys
from dataclasses import dataclass
from datetime import datetime, timezone
from email.utils import format_datetime
from pathlib import Path
from typing import Callable, Iterable

from .content import SourceBlog, SourceComment, SourcePost, excerpt, load_sources, page_title, plain_text
from .manifest import DemoBlog, load_blogs

BASE = "{{BASE}}"
HOST = "{{HOST}}"
TEXT_TYPES = ("text/", "application/xml", "application/rss+xml", "application/atom+xml", "image/svg+xml")

WP_VERSION = "6.8.3"
WP_COMMENT_LIMIT = 10  # WordPress's posts_per_rss: comment feeds show the newest 10
BLOGGER_LIMIT = 25
THR = "http://purl.org/syndication/thread/1.0"
MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
          "Oktober", "November", "Dezember")


@dataclass(frozen=True)
class Resource:
    """One answer of the server: a body (still holding placeholders) or a redirect."""

    body: bytes
    content_type: str
    modified: datetime
    status: int = 200
    location: str | None = None

    @property
    def is_text(self) -> bool:
        return self.content_type.startswith(TEXT_TYPES)


Files = dict[str, Resource]  # URL path (with "?query" for the few routes that need one) -> answer


# --- small helpers -------------------------------------------------------------------------------

def esc(text: str) -> str:
    return html.escape(text, quote=True)


def cdata(text: str) -> str:
    return "<![CDATA[" + text.replace("]]>", "]]]]><![CDATA[>") + "]]>"


def utc(moment: datetime) -> datetime:
    return moment.astimezone(timezone.utc)


def rfc822(moment: datetime) -> str:
    return format_datetime(moment)


def iso_z(moment: datetime) -> str:
    return utc(moment).strftime("%Y-%m-%dT%H:%M:%SZ")


def german_date(moment: datetime) -> str:
    return f"{moment.day}. {MONTHS[moment.month - 1]} {moment.year}"


def latest(moments: Iterable[datetime], fallback: datetime) -> datetime:
    return max(moments, default=fallback)


def text_file(body: str, content_type: str, modified: datetime, encoding: str = "utf-8") -> Resource:
    # Characters the encoding lacks (€, „ in ISO-8859-1) become numeric references, as old PHP did.
    return Resource(body.encode(encoding, "xmlcharrefreplace"), content_type, modified)


def redirect(location: str, modified: datetime) -> Resource:
    return Resource(b"", "text/html; charset=UTF-8", modified, status=301, location=location)


def newest_first(comments: list[SourceComment]) -> list[SourceComment]:
    return sorted(comments, key=lambda c: c.date, reverse=True)


def html_page(title: str, head: str, body: str, *, lang: str = "de", charset: str = "UTF-8",
              body_class: str = "") -> str:
    return f"""<!DOCTYPE html>
<html lang="{lang}">
<head>
<meta charset="{charset}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(title)}</title>
{head}
</head>
<body class="{body_class}">
{body}
</body>
</html>
"""


def comment_tree(post: SourcePost, anchor: Callable[[SourceComment], str],
                 parent: SourceComment | None = None) -> str:
    """The comments as the page shows them: threads of replies, oldest first."""
    items = []
    for comment in post.comments:
        if comment.parent is not parent:
            continue
        who = esc(comment.author)
        if comment.author_url:
            who = f'<a href="{esc(comment.author_url)}" rel="external nofollow ugc">{who}</a>'
        label = "Pingback: " if comment.kind == "pingback" else ""
        children = comment_tree(post, anchor, comment)
        items.append(
            f'<li id="{anchor(comment)}" class="{comment.kind} depth-{comment.depth + 1}">\n'
            f'<p class="comment-meta">{label}<b class="fn">{who}</b> '
            f'<time datetime="{comment.date.isoformat()}">{german_date(comment.date)}, '
            f'{comment.date:%H:%M} Uhr</time></p>\n'
            f'<div class="comment-content">{comment.html}</div>\n{children}</li>'
        )
    if not items:
        return ""
    css = "comment-list" if parent is None else "children"
    return f'<ol class="{css}">\n' + "\n".join(items) + "\n</ol>\n"


def comments_section(post: SourcePost, anchor: Callable[[SourceComment], str]) -> str:
    count = len(post.comments)
    heading = {0: "Noch keine Kommentare", 1: "Ein Kommentar"}.get(count, f"{count} Kommentare")
    return (f'<section id="comments" class="comments-area">\n<h2>{heading}</h2>\n'
            f"{comment_tree(post, anchor)}</section>")


def post_list(blog: SourceBlog) -> str:
    items = []
    for post in blog.posts:
        items.append(
            f'<article class="post">\n<h2><a href="{esc(blog.post_url(post))}">{esc(post.title)}</a></h2>\n'
            f'<p class="meta"><time datetime="{post.date.isoformat()}">{german_date(post.date)}</time>'
            f" · {esc(post.author)}</p>\n<p>{esc(excerpt(post.html, 40))}</p>\n</article>"
        )
    return "\n".join(items)


# --- WordPress -------------------------------------------------------------------------------

def wp_shortlink(blog: SourceBlog, post: SourcePost) -> str:
    return blog.meta.url(f"?p={post.number}")


def wp_guid(blog: SourceBlog, post: SourcePost) -> str:
    """the_guid(): the shortlink WordPress gave the post, or its permalink where an import set
    that.  WordPress writes isPermaLink="false" in either case."""
    return blog.post_url(post) if blog.meta.guid_form == "permalink" else wp_shortlink(blog, post)


def wp_comment_link(blog: SourceBlog, comment: SourceComment) -> str:
    return f"{blog.post_url(comment.post)}#comment-{comment.number}"


def wp_comment_guid(blog: SourceBlog, comment: SourceComment) -> str:
    return f"{wp_guid(blog, comment.post)}#comment-{comment.number}"


# get_comment_text() in a comment feed: __( 'In reply to %s.' ), as the blog's language has it.
WP_IN_REPLY_TO = {"de": "Als Antwort auf {}.", "en": "In reply to {}."}


def wp_in_reply_to(blog: SourceBlog, comment: SourceComment, *, plain: bool = False) -> str:
    """The sentence a reply starts with in comment feeds ("" for a top-level comment)."""
    parent = comment.parent
    if parent is None:
        return ""
    sentence = WP_IN_REPLY_TO.get(blog.meta.language.split("-")[0], WP_IN_REPLY_TO["en"])
    if plain:
        return sentence.format(parent.author)
    return sentence.format(f'<a href="{esc(wp_comment_link(blog, parent))}">{esc(parent.author)}</a>')


def wp_feed_text(blog: SourceBlog, comment: SourceComment) -> str:
    """A comment's HTML as WordPress's comment feeds (RSS and Atom) write it: a reply first names
    and links its parent, in a paragraph of its own (wpautop makes one of the line WordPress
    puts before the text).  The post's page shows the thread instead, so its HTML is
    `comment.html` alone."""
    sentence = wp_in_reply_to(blog, comment)
    return f"<p>{sentence}</p>\n{comment.html}" if sentence else comment.html


def wp_feed_plain(blog: SourceBlog, comment: SourceComment) -> str:
    """The same as plain text, for RSS <description>."""
    text = plain_text(comment.html).replace("…", "&#8230;")
    sentence = wp_in_reply_to(blog, comment, plain=True)
    return f"{sentence} {text}" if sentence else text


def wp_head(blog: SourceBlog, post: SourcePost | None = None) -> str:
    meta = blog.meta
    links = [
        f'<link rel="alternate" type="application/rss+xml" title="{esc(meta.name)} &raquo; Feed" '
        f'href="{esc(meta.feed_url)}" />',
        f'<link rel="alternate" type="application/rss+xml" title="{esc(meta.name)} &raquo; '
        f'Kommentar-Feed" href="{esc(meta.comments_feed_url or "")}" />',
    ]
    if post is not None:
        url = blog.post_url(post)
        links += [
            f'<link rel="alternate" type="application/rss+xml" title="{esc(meta.name)} &raquo; '
            f'{esc(post.title)}-Kommentar-Feed" href="{esc(url)}feed/" />',
            f'<link rel="canonical" href="{esc(url)}" />',
            f"<link rel='shortlink' href='{esc(wp_shortlink(blog, post))}' />",
        ]
    links.append(f'<meta name="generator" content="WordPress {WP_VERSION}" />')
    return "\n".join(links)


def wp_header(meta: DemoBlog) -> str:
    return (f'<header class="site-header"><p class="site-title"><a href="{esc(meta.home_url)}" rel="home">'
            f'{esc(meta.name)}</a></p>\n<p class="site-description">{esc(meta.description)}</p></header>')


def wp_home(blog: SourceBlog) -> str:
    meta = blog.meta
    body = f'{wp_header(meta)}\n<main id="main">\n{post_list(blog)}\n</main>'
    return html_page(f"{meta.name} – {meta.description}", wp_head(blog), body, lang="de-DE",
                     body_class="home blog")


def wp_post_page(blog: SourceBlog, post: SourcePost) -> str:
    cats = ", ".join(f'<a href="{esc(blog.meta.url("category/" + c.lower() + "/"))}" rel="category tag">'
                     f"{esc(c)}</a>" for c in post.categories)
    body = (f'{wp_header(blog.meta)}\n<main id="main">\n<article id="post-{post.number}" class="post">\n'
            f'<h1 class="entry-title">{esc(post.title)}</h1>\n'
            f'<p class="entry-meta"><time datetime="{post.date.isoformat()}">{german_date(post.date)}</time>'
            f' von {esc(post.author)}</p>\n<div class="entry-content">\n{post.html}\n</div>\n'
            f'<footer class="entry-footer">Kategorien: {cats}</footer>\n</article>\n'
            f"{comments_section(post, lambda c: f'comment-{c.number}')}\n</main>")
    return html_page(page_title(blog.meta, post), wp_head(blog, post), body, lang="de-DE",
                     body_class=f"post-template-default single postid-{post.number}")


def wp_channel_open(title: str, self_url: str, link: str, description: str, built: datetime) -> str:
    return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"
	xmlns:content="http://purl.org/rss/1.0/modules/content/"
	xmlns:wfw="http://wellformedweb.org/CommentAPI/"
	xmlns:dc="http://purl.org/dc/elements/1.1/"
	xmlns:atom="http://www.w3.org/2005/Atom"
	xmlns:sy="http://purl.org/rss/1.0/modules/syndication/"
	xmlns:slash="http://purl.org/rss/1.0/modules/slash/"
	>

<channel>
	<title>{esc(title)}</title>
	<atom:link href="{esc(self_url)}" rel="self" type="application/rss+xml" />
	<link>{esc(link)}</link>
	<description>{esc(description)}</description>
	<lastBuildDate>{rfc822(utc(built))}</lastBuildDate>
	<language>de-DE</language>
	<sy:updatePeriod>
	hourly	</sy:updatePeriod>
	<sy:updateFrequency>
	1	</sy:updateFrequency>
	<generator>https://wordpress.org/?v={WP_VERSION}</generator>
"""


def wp_feed(blog: SourceBlog) -> str:
    meta = blog.meta
    items = []
    for post in blog.posts:
        url = blog.post_url(post)
        cats = "".join(f"\n\t\t<category>{cdata(c)}</category>" for c in post.categories)
        anchor = "#comments" if post.comments else "#respond"
        items.append(f"""	<item>
		<title>{esc(post.title)}</title>
		<link>{esc(url)}</link>
		<comments>{esc(url)}{anchor}</comments>
		<dc:creator>{cdata(post.author)}</dc:creator>
		<pubDate>{rfc822(utc(post.date))}</pubDate>{cats}
		<guid isPermaLink="false">{esc(wp_guid(blog, post))}</guid>

		<description>{cdata(excerpt(post.html).replace(" […]", " [&#8230;]"))}</description>
		<content:encoded>{cdata(post.html)}</content:encoded>
		<wfw:commentRss>{esc(url)}feed/</wfw:commentRss>
		<slash:comments>{len(post.comments)}</slash:comments>
	</item>""")
    built = max(p.updated for p in blog.posts)
    head = wp_channel_open(meta.name, meta.feed_url, meta.home_url.rstrip("/"), meta.description, built)
    return head + "\n".join(items) + "\n\t</channel>\n</rss>\n"


def wp_comments_rss(blog: SourceBlog, comments: list[SourceComment], post: SourcePost | None) -> str:
    meta = blog.meta
    if post is None:
        title, self_url, link = f"Kommentare für {meta.name}", meta.comments_feed_url, meta.home_url.rstrip("/")
    else:
        link = blog.post_url(post)
        title, self_url = f"Kommentare zu: {post.title}", link + "feed/"
    items = []
    for comment in comments:
        about = comment.post.title
        item_title = f"Von: {comment.author}" if post else f"Kommentar zu {about} von {comment.author}"
        items.append(f"""	<item>
		<title>{esc(item_title)}</title>
		<link>{esc(wp_comment_link(blog, comment))}</link>

		<dc:creator>{cdata(comment.author)}</dc:creator>
		<pubDate>{rfc822(utc(comment.date))}</pubDate>
		<guid isPermaLink="false">{esc(wp_comment_guid(blog, comment))}</guid>

					<description>{cdata(wp_feed_plain(blog, comment))}</description>
		<content:encoded>{cdata(wp_feed_text(blog, comment))}</content:encoded>

		</item>""")
    built = latest((c.date for c in comments), post.date if post else blog.modified)
    head = wp_channel_open(title, self_url or "", link, meta.description, built)
    return head + "\n".join(items) + "\n\t</channel>\n</rss>\n"


def wp_comments_atom(blog: SourceBlog, comments: list[SourceComment], post: SourcePost | None) -> str:
    meta = blog.meta
    if post is None:
        title, alternate = f"Kommentare für {meta.name}", meta.home_url.rstrip("/")
        self_url = (meta.comments_feed_url or "") + "atom/"
    else:
        alternate = blog.post_url(post)
        title, self_url = f"Kommentare zu: {post.title}", alternate + "feed/atom/"
    entries = []
    for comment in comments:
        parent = comment.parent
        if parent is None:  # top level: WordPress points at the post
            ref, href = wp_guid(blog, comment.post), blog.post_url(comment.post)
        else:
            ref, href = wp_comment_guid(blog, parent), wp_comment_link(blog, parent)
        who = f"\n\t\t\t<uri>{esc(comment.author_url)}</uri>" if comment.author_url else ""
        entry_title = (f"Von: {comment.author}" if post else
                       f"Kommentar zu {comment.post.title} von {comment.author}")
        link = wp_comment_link(blog, comment)
        entries.append(f"""	<entry>
		<title>{esc(entry_title)}</title>
		<link rel="alternate" href="{esc(link)}" type="text/html" />

		<author>
			<name>{esc(comment.author)}</name>{who}
		</author>

		<id>{esc(wp_comment_guid(blog, comment))}</id>
		<updated>{iso_z(comment.date)}</updated>
		<published>{iso_z(comment.date)}</published>

		<content type="html" xml:base="{esc(link)}">{cdata(wp_feed_text(blog, comment))}</content>

		<thr:in-reply-to ref="{esc(ref)}" href="{esc(href)}" type="text/html" />
	</entry>""")
    updated = latest((c.date for c in comments), post.date if post else blog.modified)
    return f"""<?xml version="1.0" encoding="UTF-8"?><feed
	xmlns="http://www.w3.org/2005/Atom"
	xml:lang="de-DE"
	xmlns:thr="{THR}"
	>
	<title type="text">{esc(title)}</title>
	<subtitle type="text">{esc(meta.description)}</subtitle>

	<updated>{iso_z(updated)}</updated>

	<link rel="alternate" type="text/html" href="{esc(alternate)}" />
	<link rel="self" type="application/atom+xml" href="{esc(self_url)}" />
	<id>{esc(self_url)}</id>
{chr(10).join(entries)}
</feed>
"""


def wordpress(blog: SourceBlog) -> Files:
    meta = blog.meta
    html_type, rss_type, atom_type = ("text/html; charset=UTF-8", "application/rss+xml; charset=UTF-8",
                                      "application/atom+xml; charset=UTF-8")
    newest = blog.comments[:WP_COMMENT_LIMIT]
    site_changed = latest((c.date for c in newest), blog.modified)
    files: Files = {
        meta.home_path: text_file(wp_home(blog), html_type, blog.modified),
        meta.feed_path: text_file(wp_feed(blog), rss_type, max(p.updated for p in blog.posts)),
        f"{meta.home_path}comments/feed/": text_file(wp_comments_rss(blog, newest, None), rss_type, site_changed),
    }
    if meta.atom_comment_feeds:
        files[f"{meta.home_path}comments/feed/atom/"] = text_file(wp_comments_atom(blog, newest, None), atom_type,
                                                                  site_changed)
    for post in blog.posts:
        path = meta.home_path + post.path
        shown = newest_first(post.comments)[:WP_COMMENT_LIMIT]
        files[path] = text_file(wp_post_page(blog, post), html_type, post.modified)
        files[path + "feed/"] = text_file(wp_comments_rss(blog, shown, post), rss_type, post.modified)
        if meta.atom_comment_feeds:
            files[path + "feed/atom/"] = text_file(wp_comments_atom(blog, shown, post), atom_type, post.modified)
        files[f"{meta.home_path}?p={post.number}"] = redirect(blog.post_url(post), post.modified)
    return files


# --- Hugo ------------------------------------------------------------------------------------

HUGO_VERSION = "0.152.2"
HUGO_TAG = "tag:{slug}.example,2026:"  # comment ids outlive the address the blog is served from


def hugo_comment_id(blog: SourceBlog, comment: SourceComment) -> str:
    return f"{HUGO_TAG.format(slug=blog.meta.slug)}{comment.post.path}c{comment.index}"


def hugo_head(blog: SourceBlog, post: SourcePost | None = None) -> str:
    meta = blog.meta
    links = [f'<link rel="alternate" type="application/atom+xml" href="{esc(meta.feed_url)}" '
             f'title="{esc(meta.name)}">',
             f'<meta name="generator" content="Hugo {HUGO_VERSION}">']
    if post is not None:
        # Relative, as the theme writes it: discovery must resolve it against the page.
        links += ['<link rel="alternate" type="application/atom+xml" href="comments.atom" '
                  f'title="Kommentare zu {esc(post.title)}">',
                  f'<link rel="canonical" href="{esc(blog.post_url(post))}">']
    return "\n".join(links)


def hugo_nav(meta: DemoBlog) -> str:
    return (f'<header><a class="brand" href="{esc(meta.home_url)}">{esc(meta.name)}</a>'
            f'<nav><a href="{esc(meta.home_path)}">Start</a> <a href="{esc(meta.feed_path)}">Atom</a></nav></header>')


def hugo_home(blog: SourceBlog) -> str:
    body = f"{hugo_nav(blog.meta)}\n<main>\n{post_list(blog)}\n</main>"
    return html_page(blog.meta.name, hugo_head(blog), body, body_class="list")


def hugo_post_page(blog: SourceBlog, post: SourcePost) -> str:
    tags = " ".join(f'<span class="tag">#{esc(c)}</span>' for c in post.categories)
    body = (f'{hugo_nav(blog.meta)}\n<main>\n<article>\n<h1>{esc(post.title)}</h1>\n'
            f'<p class="meta"><time datetime="{post.date.isoformat()}">{german_date(post.date)}</time></p>\n'
            f'{post.html}\n<p class="tags">{tags}</p>\n</article>\n'
            f"{comments_section(post, lambda c: f'c{c.index}')}\n</main>")
    return html_page(page_title(blog.meta, post), hugo_head(blog, post), body, body_class="single")


def hugo_feed(blog: SourceBlog) -> str:
    meta = blog.meta
    entries = []
    for post in blog.posts:
        url = blog.post_url(post)
        cats = "".join(f'\n    <category term="{esc(c)}"/>' for c in post.categories)
        entries.append(f"""  <entry>
    <title type="html">{esc(post.title)}</title>
    <link href="{esc(url)}" rel="alternate" type="text/html"/>
    <link href="{esc(url)}comments.atom" rel="replies" type="application/atom+xml" thr:count="{len(post.comments)}"/>
    <id>{esc(url)}</id>
    <published>{post.date.isoformat()}</published>
    <updated>{post.updated.isoformat()}</updated>{cats}
    <summary type="html">{esc(excerpt(post.html, 30))}</summary>
    <content type="html" xml:base="{esc(url)}">{esc(post.html)}</content>
  </entry>""")
    updated = max(p.updated for p in blog.posts)
    return f"""<?xml version="1.0" encoding="utf-8" standalone="yes"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="{THR}" xml:lang="de">
  <title>{esc(meta.name)}</title>
  <subtitle>{esc(meta.description)}</subtitle>
  <link href="{esc(meta.feed_url)}" rel="self" type="application/atom+xml"/>
  <link href="{esc(meta.home_url)}" rel="alternate" type="text/html"/>
  <updated>{updated.isoformat()}</updated>
  <id>{esc(meta.home_url)}</id>
  <author>
    <name>{esc(meta.author)}</name>
    <uri>{esc(meta.home_url)}</uri>
  </author>
  <generator uri="https://gohugo.io/" version="{HUGO_VERSION}">Hugo</generator>
{chr(10).join(entries)}
</feed>
"""


def hugo_comments(blog: SourceBlog, post: SourcePost) -> str:
    url = blog.post_url(post)
    entries = []
    for comment in newest_first(post.comments):
        if comment.parent is None:
            ref, href = url, url
        else:
            ref, href = hugo_comment_id(blog, comment.parent), f"{url}#c{comment.parent.index}"
        who = f"\n      <uri>{esc(comment.author_url)}</uri>" if comment.author_url else ""
        entries.append(f"""  <entry>
    <title>Kommentar von {esc(comment.author)}</title>
    <link href="{esc(url)}#c{comment.index}" rel="alternate" type="text/html"/>
    <id>{esc(hugo_comment_id(blog, comment))}</id>
    <published>{comment.date.isoformat()}</published>
    <updated>{comment.date.isoformat()}</updated>
    <author>
      <name>{esc(comment.author)}</name>{who}
    </author>
    <content type="html">{esc(comment.html)}</content>
    <thr:in-reply-to ref="{esc(ref)}" href="{esc(href)}" type="text/html"/>
  </entry>""")
    updated = latest((c.date for c in post.comments), post.date)
    feed_id = f"{HUGO_TAG.format(slug=blog.meta.slug)}{post.path}comments"
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:thr="{THR}" xml:lang="de">
  <title>Kommentare zu „{esc(post.title)}“</title>
  <link href="{esc(url)}comments.atom" rel="self" type="application/atom+xml"/>
  <link href="{esc(url)}" rel="alternate" type="text/html"/>
  <id>{esc(feed_id)}</id>
  <updated>{updated.isoformat()}</updated>
{chr(10).join(entries)}
</feed>
"""


def hugo(blog: SourceBlog) -> Files:
    meta = blog.meta
    html_type = "text/html; charset=utf-8"
    files: Files = {
        meta.home_path: text_file(hugo_home(blog), html_type, blog.modified),
        # Static hosts label .xml files by extension, not by what is inside.
        meta.feed_path: text_file(hugo_feed(blog), "application/xml; charset=utf-8",
                                  max(p.updated for p in blog.posts)),
    }
    for post in blog.posts:
        path = meta.home_path + post.path
        files[path] = text_file(hugo_post_page(blog, post), html_type, post.modified)
        files[path + "comments.atom"] = text_file(hugo_comments(blog, post),
                                                  "application/atom+xml; charset=utf-8", post.modified)
    return files


# --- Blogger ---------------------------------------------------------------------------------

BLOGGER_NS = ("xmlns='http://www.w3.org/2005/Atom' xmlns:openSearch='http://a9.com/-/spec/opensearchrss/1.0/' "
              "xmlns:blogger='http://schemas.google.com/blogger/2008' xmlns:georss='http://www.georss.org/georss' "
              f"xmlns:gd=\"http://schemas.google.com/g/2005\" xmlns:thr='{THR}'")
BLOGGER_IMAGE = ("<gd:image rel='http://schemas.google.com/g/2005#thumbnail' width='16' height='16' "
                 "src='https://img1.blogblog.com/img/b16-rounded.gif'/>")


def blogger_number(blog: SourceBlog, key: str) -> str:
    """A 19-digit id like Blogger's, the same on every run."""
    digest = int(hashlib.sha256(f"{blog.meta.blog_id}/{key}".encode()).hexdigest(), 16)
    return str(10**18 + digest % (9 * 10**18))


def blogger_post_id(blog: SourceBlog, post: SourcePost) -> str:
    return blogger_number(blog, post.slug)


def blogger_comment_id(blog: SourceBlog, comment: SourceComment) -> str:
    return blogger_number(blog, f"{comment.post.slug}#{comment.index}")


def blogger_tag(blog: SourceBlog, number: str) -> str:
    return f"tag:blogger.com,1999:blog-{blog.meta.blog_id}.post-{number}"


def blogger_time(moment: datetime) -> str:
    # Blogger writes milliseconds; a post saved at :00 shows .001 because of how it stores them.
    return moment.strftime("%Y-%m-%dT%H:%M:%S.001") + moment.strftime("%z")[:3] + ":" + moment.strftime("%z")[3:]


def blogger_comment_url(blog: SourceBlog, comment: SourceComment) -> str:
    millis = int(comment.date.timestamp() * 1000)
    return f"{blog.post_url(comment.post)}?showComment={millis}#c{blogger_comment_id(blog, comment)}"


def blogger_author(name: str, uri: str | None) -> str:
    uri_part = f"<uri>{esc(uri)}</uri>" if uri else ""
    return f"<author><name>{esc(name)}</name>{uri_part}<email>noreply@blogger.com</email>{BLOGGER_IMAGE}</author>"


# The blog owner's profile; her own comments in posts.toml carry the same URL, as on Blogger.
BLOGGER_PROFILE = "https://www.blogger.com/profile/04711234567890123456"


def blogger_profile(blog: SourceBlog) -> str:
    return BLOGGER_PROFILE


def blogger_feeds(blog: SourceBlog) -> str:
    return blog.meta.url("feeds/")


def blogger_head(blog: SourceBlog, post: SourcePost | None = None) -> str:
    meta = blog.meta
    links = [f'<link rel="alternate" type="application/atom+xml" title="{esc(meta.name)} - Atom" '
             f'href="{esc(meta.feed_url)}" />',
             '<meta content="blogger" name="generator"/>']
    if post is not None:
        links += [f'<link rel="alternate" type="application/atom+xml" title="{esc(meta.name)} - Atom" '
                  f'href="{esc(blogger_feeds(blog))}{blogger_post_id(blog, post)}/comments/default" />',
                  f'<link href="{esc(blog.post_url(post))}" rel="canonical"/>']
    return "\n".join(links)


def blogger_home(blog: SourceBlog) -> str:
    body = (f'<div class="header"><h1><a href="{esc(blog.meta.home_url)}">{esc(blog.meta.name)}</a></h1>'
            f'<p class="description">{esc(blog.meta.description)}</p></div>\n<div class="blog-posts">\n'
            f"{post_list(blog)}\n</div>")
    return html_page(blog.meta.name, blogger_head(blog), body, body_class="variant-simple")


def blogger_post_page(blog: SourceBlog, post: SourcePost) -> str:
    labels = ", ".join(f'<a href="{esc(blog.meta.url("search/label/" + c))}" rel="tag">{esc(c)}</a>'
                       for c in post.categories)
    body = (f'<div class="header"><h1><a href="{esc(blog.meta.home_url)}">{esc(blog.meta.name)}</a></h1></div>\n'
            f'<div class="post hentry"><h3 class="post-title entry-title">{esc(post.title)}</h3>\n'
            f'<div class="post-body entry-content">\n{post.html}\n</div>\n'
            f'<div class="post-footer">Eingestellt von {esc(post.author)} um '
            f'<abbr class="published" title="{post.date.isoformat()}">{post.date:%H:%M}</abbr>'
            f" · Labels: {labels}</div></div>\n"
            f"{comments_section(post, lambda c: 'c' + blogger_comment_id(blog, c))}")
    return html_page(page_title(blog.meta, post), blogger_head(blog, post), body, body_class="item-view")


def blogger_post_entry(blog: SourceBlog, post: SourcePost) -> str:
    number = blogger_post_id(blog, post)
    url = blog.post_url(post)
    count = len(post.comments)
    cats = "".join(f"<category scheme='http://www.blogger.com/atom/ns#' term='{esc(c)}'/>" for c in post.categories)
    noun = "Kommentar" if count == 1 else "Kommentare"
    return (f"<entry><id>{blogger_tag(blog, number)}</id><published>{blogger_time(post.date)}</published>"
            f"<updated>{blogger_time(post.updated)}</updated>{cats}<title type='text'>{esc(post.title)}</title>"
            f"<content type='html'>{esc(post.html)}</content>"
            f"<link rel='replies' type='application/atom+xml' "
            f"href='{esc(blogger_feeds(blog))}{number}/comments/default' "
            f"title='Kommentare zum Post' thr:count='{count}'/>"
            f"<link rel='replies' type='text/html' href='{esc(url)}#comment-form' title='{count} {noun}'/>"
            f"<link rel='self' type='application/atom+xml' href='{esc(blog.meta.feed_url)}/{number}'/>"
            f"<link rel='alternate' type='text/html' href='{esc(url)}' title='{esc(post.title)}'/>"
            f"{blogger_author(post.author, blogger_profile(blog))}<thr:total>{count}</thr:total></entry>")


def blogger_comment_entry(blog: SourceBlog, comment: SourceComment) -> str:
    post = comment.post
    number = blogger_comment_id(blog, comment)
    post_number = blogger_post_id(blog, post)
    feed = f"{blogger_feeds(blog)}{post_number}/comments/default"
    title = plain_text(comment.html)
    title = title if len(title) <= 40 else title[:40].rsplit(" ", 1)[0] + "..."
    if comment.parent is None:
        thread = (f"<thr:in-reply-to href='{esc(blog.post_url(post))}' ref='{blogger_tag(blog, post_number)}' "
                  f"source='{esc(blog.meta.feed_url)}/{post_number}' type='text/html'/>")
    else:
        parent_number = blogger_comment_id(blog, comment.parent)
        thread = (f"<link rel='related' type='application/atom+xml' href='{esc(feed)}/{parent_number}'/>"
                  f"<thr:in-reply-to href='{esc(blogger_comment_url(blog, comment.parent))}' "
                  f"ref='{blogger_tag(blog, parent_number)}' source='{esc(feed)}/{parent_number}' type='text/html'/>")
    shown = f"{german_date(comment.date)} um {comment.date:%H:%M}"
    return (f"<entry><id>{blogger_tag(blog, number)}</id><published>{blogger_time(comment.date)}</published>"
            f"<updated>{blogger_time(comment.date)}</updated><title type='text'>{esc(title)}</title>"
            f"<content type='html'>{esc(comment.html)}</content>"
            f"<link rel='self' type='application/atom+xml' href='{esc(feed)}/{number}'/>"
            f"<link rel='alternate' type='text/html' href='{esc(blogger_comment_url(blog, comment))}' title=''/>"
            f"{blogger_author(comment.author, comment.author_url)}{thread}"
            f"<gd:extendedProperty name='blogger.itemClass' value='pid-{number[-9:]}'/>"
            f"<gd:extendedProperty name='blogger.displayTime' value='{esc(shown)}'/></entry>")


def blogger_feed_open(blog: SourceBlog, feed_id: str, title: str, self_url: str, updated: datetime,
                      total: int, categories: Iterable[str] = ()) -> str:
    cats = "".join(f"<category term='{esc(c)}'/>" for c in categories)
    return (f"<?xml version='1.0' encoding='UTF-8'?>"
            f"<?xml-stylesheet href=\"http://www.blogger.com/styles/atom.css\" type=\"text/css\"?>"
            f"<feed {BLOGGER_NS}><id>{feed_id}</id><updated>{blogger_time(updated)}</updated>{cats}"
            f"<title type='text'>{esc(title)}</title><subtitle type='html'>{esc(blog.meta.description)}</subtitle>"
            f"<link rel='http://schemas.google.com/g/2005#feed' type='application/atom+xml' href='{esc(self_url)}'/>"
            f"<link rel='self' type='application/atom+xml' href='{esc(self_url)}'/>"
            f"<link rel='alternate' type='text/html' href='{esc(blog.meta.home_url)}'/>"
            f"{blogger_author(blog.meta.author, blogger_profile(blog))}"
            f"<generator version='7.00' uri='http://www.blogger.com'>Blogger</generator>"
            f"<openSearch:totalResults>{total}</openSearch:totalResults>"
            f"<openSearch:startIndex>1</openSearch:startIndex>"
            f"<openSearch:itemsPerPage>{BLOGGER_LIMIT}</openSearch:itemsPerPage>")


def blogger(blog: SourceBlog) -> Files:
    meta = blog.meta
    html_type, atom_type = "text/html; charset=UTF-8", "application/atom+xml; charset=UTF-8"
    tag = f"tag:blogger.com,1999:blog-{meta.blog_id}"
    categories = sorted({c for p in blog.posts for c in p.categories})
    posts_updated = max(p.updated for p in blog.posts)
    posts_feed = (blogger_feed_open(blog, tag, meta.name, meta.feed_url, posts_updated, len(blog.posts), categories)
                  + "".join(blogger_post_entry(blog, p) for p in blog.posts[:BLOGGER_LIMIT]) + "</feed>")
    every = blog.comments
    comments_changed = latest((c.date for c in every), blog.modified)
    all_comments = (blogger_feed_open(blog, f"{tag}.comments", meta.name, meta.comments_feed_url or "",
                                      comments_changed, len(every))
                    + "".join(blogger_comment_entry(blog, c) for c in every[:BLOGGER_LIMIT]) + "</feed>")
    files: Files = {
        meta.home_path: text_file(blogger_home(blog), html_type, blog.modified),
        meta.feed_path: text_file(posts_feed, atom_type, posts_updated),
        meta.comments_feed_path or "": text_file(all_comments, atom_type, comments_changed),
    }
    for post in blog.posts:
        number = blogger_post_id(blog, post)
        feed_path = f"{meta.home_path}feeds/{number}/comments/default"
        comments = newest_first(post.comments)
        feed = (blogger_feed_open(blog, f"{tag}.post{number}..comments", f"{meta.name}: {post.title}",
                                  meta.base_url + feed_path, post.modified, len(comments))
                + "".join(blogger_comment_entry(blog, c) for c in comments) + "</feed>")
        files[meta.home_path + post.path] = text_file(blogger_post_page(blog, post), html_type, post.modified)
        files[feed_path] = text_file(feed, atom_type, post.modified)
    return files


# --- a hand-made site in ISO-8859-1 ------------------------------------------------------------

PLAIN_EMAIL = "werkstatt-tagebuch@example.net"  # RSS 2.0 <author> must hold an e-mail


def plain_page(blog: SourceBlog, title: str, content: str) -> str:
    meta = blog.meta
    # No <link rel="alternate">: the feed is only found by trying the usual paths.
    return f"""<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01 Transitional//EN">
<html lang="de">
<head>
<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">
<title>{esc(title)}</title>
<link rel="stylesheet" href="/{meta.slug}/stil.css" type="text/css">
</head>
<body>
<table width="760" align="center"><tr><td>
<h1><a href="{esc(meta.home_path)}">{esc(meta.name)}</a></h1>
<p><i>{esc(meta.description)}</i></p>
<hr>
{content}
<hr>
<p><small>&copy; 2026 {esc(meta.author)} &middot; Gebaut mit Notepad++ und viel Kaffee.</small></p>
</td></tr></table>
</body>
</html>
"""


def plain_home(blog: SourceBlog) -> str:
    items = "\n".join(
        f'<h2><a href="{esc(blog.meta.home_path + post.path)}">{esc(post.title)}</a></h2>\n'
        f"<p><small>{german_date(post.date)}</small></p>\n<p>{esc(excerpt(post.html, 35))}</p>"
        for post in blog.posts)
    return plain_page(blog, blog.meta.name, items)


def plain_post_page(blog: SourceBlog, post: SourcePost) -> str:
    comments = "\n".join(
        f'<div class="kommentar" id="k{c.index}"><p><b>{esc(c.author)}</b> schrieb am '
        f"{german_date(c.date)} um {c.date:%H:%M} Uhr:</p>\n{c.html}</div>" for c in post.comments)
    content = (f"<h2>{esc(post.title)}</h2>\n<p><small>{german_date(post.date)}, {post.date:%H:%M} Uhr</small></p>\n"
               f'{post.html}\n<h3 id="kommentare">Kommentare ({len(post.comments)})</h3>\n{comments}')
    return plain_page(blog, page_title(blog.meta, post), content)


def plain_rss(title: str, link: str, description: str, built: datetime, items: list[str]) -> str:
    return f"""<?xml version="1.0" encoding="ISO-8859-1"?>
<rss version="2.0" xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:slash="http://purl.org/rss/1.0/modules/slash/" xmlns:dc="http://purl.org/dc/elements/1.1/">
<channel>
<title>{esc(title)}</title>
<link>{esc(link)}</link>
<description>{esc(description)}</description>
<language>de</language>
<lastBuildDate>{rfc822(built)}</lastBuildDate>
{chr(10).join(items)}
</channel>
</rss>
"""


def plain(blog: SourceBlog) -> Files:
    meta = blog.meta
    html_type, enc = "text/html; charset=ISO-8859-1", meta.encoding
    items = []
    files: Files = {meta.home_path: text_file(plain_home(blog), html_type, blog.modified, enc)}
    for post in blog.posts:
        url = blog.post_url(post)
        comments_url = meta.url(f"kommentare/{post.slug}.xml")
        cats = "".join(f"\n<category>{esc(c)}</category>" for c in post.categories)
        items.append(f"""<item>
<title>{esc(post.title)}</title>
<link>{esc(url)}</link>
<description>{esc(post.html)}</description>
<author>{PLAIN_EMAIL} ({esc(post.author)})</author>{cats}
<comments>{esc(url)}#kommentare</comments>
<wfw:commentRss>{esc(comments_url)}</wfw:commentRss>
<slash:comments>{len(post.comments)}</slash:comments>
<guid>{esc(url)}</guid>
<pubDate>{rfc822(post.date)}</pubDate>
</item>""")
        comment_items = [f"""<item>
<title>Kommentar von {esc(c.author)}</title>
<link>{esc(url)}#k{c.index}</link>
<dc:creator>{esc(c.author)}</dc:creator>
<description>{esc(c.html)}</description>
<guid isPermaLink="false">werkstatt-{post.slug}-k{c.index}</guid>
<pubDate>{rfc822(c.date)}</pubDate>
</item>""" for c in newest_first(post.comments)]
        comment_feed = plain_rss(f"Kommentare zu: {post.title}", url, meta.description, post.modified,
                                 comment_items)
        files[meta.home_path + post.path] = text_file(plain_post_page(blog, post), html_type, post.modified, enc)
        # Apache labels .xml by extension, so the comment feeds come as text/xml.
        files[f"{meta.home_path}kommentare/{post.slug}.xml"] = text_file(
            comment_feed, "text/xml; charset=ISO-8859-1", post.modified, enc)
    built = max(p.updated for p in blog.posts)
    feed = plain_rss(meta.name, meta.home_url, meta.description, built, items)
    files[meta.feed_path] = text_file(feed, "application/rss+xml; charset=ISO-8859-1", built, enc)
    return files


# --- the whole server ------------------------------------------------------------------------

ENGINES: dict[str, Callable[[SourceBlog], Files]] = {
    "wordpress": wordpress, "hugo": hugo, "blogger": blogger, "plain": plain,
}


def static_files(blog: SourceBlog) -> Files:
    """Everything in the blog's folder except its posts.toml, served as it is (images, CSS)."""
    files: Files = {}
    for file in sorted(blog.directory.rglob("*")):
        if not file.is_file() or file.name == "posts.toml":
            continue
        relative = file.relative_to(blog.directory).as_posix()
        kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
        if kind.startswith("text/"):
            kind += f"; charset={blog.meta.encoding.upper()}"
        resource = Resource(file.read_bytes(), kind, blog.modified)
        files[blog.meta.home_path + relative] = resource
        if file.name == "index.html":  # a directory's page answers at the directory's path too
            files[blog.meta.home_path + relative.removesuffix("index.html")] = resource
    return files


def index_page(blogs: list[SourceBlog]) -> str:
    rows = "\n".join(
        f'<li><a href="{esc(b.meta.home_url)}">{esc(b.meta.name)}</a> – {esc(b.meta.author)} '
        f"({b.meta.kind}, {b.meta.engine}, {b.meta.feed_format.upper()}: "
        f'<code>{esc(b.meta.feed_path)}</code>)</li>' for b in blogs)
    body = f"<h1>Beispiel-Blogs von blogparade</h1>\n<ul>\n{rows}\n</ul>"
    return html_page("Beispiel-Blogs", "", body)


def render_site(blogs: list[DemoBlog] | None = None) -> Files:
    """Every file of every sample blog, with {{BASE}} placeholders, keyed by URL path."""
    metas = blogs if blogs is not None else load_blogs(BASE)
    sources = load_sources(metas)
    files: Files = {}
    for blog in sources.values():
        files.update(static_files(blog))
        files.update(ENGINES[blog.meta.engine](blog))
    newest = max(b.modified for b in sources.values())
    files["/"] = text_file(index_page(list(sources.values())), "text/html; charset=utf-8", newest)
    return files


def substitute(body: bytes, base_url: str) -> bytes:
    host = base_url.split("://", 1)[-1]
    return body.replace(BASE.encode(), base_url.encode()).replace(HOST.encode(), host.encode())


def write_tree(directory: Path, base_url: str) -> list[Path]:
    """The files as a static tree: directory paths become index.html or index.xml."""
    written = []
    for path, resource in render_site().items():
        if resource.status != 200 or "?" in path:
            continue
        name = path.lstrip("/")
        if not name or name.endswith("/"):
            name += "index.xml" if "xml" in resource.content_type else "index.html"
        target = directory / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(substitute(resource.body, base_url) if resource.is_text else resource.body)
        written.append(target)
    return written


def main(argv: list[str]) -> int:
    if not argv:
        print("usage: python -m aggregator.demo.render DIR [BASE_URL]", file=sys.stderr)
        return 2
    base = argv[1] if len(argv) > 1 else "http://127.0.0.1:8000"
    written = write_tree(Path(argv[0]), base)
    print(f"wrote {len(written)} files under {argv[0]} for {base}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
