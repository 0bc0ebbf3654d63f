"""The lxml reader (feeds/xmlreader.py) gives the same records as feedparser, record for record.

Every feed is parsed twice, with `engine="feedparser"` and with the default (lxml where it can),
and the ParsedFeeds (or ParseErrors) must be equal: the test feeds, WordPress's feeds as
tests/wordpress.py writes them, thousands of generated feeds that vary what feedparser has rules
for, and the shared corpus where it is present.  The tables copied from feedparser are checked
against feedparser itself, and the reader must actually be used where it is meant to be.
"""

from __future__ import annotations

import html
import random
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import feedparser
import pytest
from feedparser.datetimes import _parse_date

from aggregator.feeds import dates, xmlreader
from aggregator.feeds.parse import ParseError, parse_feed
from tests import wordpress

FEEDS = Path(__file__).resolve().parent / "feeds"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
URL = "https://blog.example.de/feed/"
NOW = datetime(2026, 11, 22, tzinfo=timezone.utc)
HEADER = re.compile(rb"^Header:\s*([\w-]+):\s*(.+?)\s*$", re.M)


def both(body: bytes, headers: dict[str, str] | None = None, url: str = URL):
    """(feedparser's records, the default path's records, whether lxml read it)."""

    def one(engine: str):
        try:
            return parse_feed(body, headers or {}, url, now=NOW, engine=engine)
        except ParseError as error:
            return ("ParseError", error.kind, error.message)

    try:
        parse_feed(body, headers or {}, url, now=NOW, engine="lxml")
        used = True
    except (xmlreader.Unsupported, ParseError):
        used = False
    return one("feedparser"), one("auto"), used


def differences(cases) -> list[str]:
    """Every case whose two results differ, described; and how many lxml read."""
    found = []
    for name, body, headers in cases:
        theirs, ours, _ = both(body, headers)
        if theirs != ours:
            found.append(f"{name}: {describe(theirs, ours)}")
    return found


def describe(theirs, ours) -> str:
    if isinstance(theirs, tuple) or isinstance(ours, tuple):
        return f"{theirs!r:.300} != {ours!r:.300}"
    for field in ("title", "home_url", "language", "author", "subtitle"):
        if getattr(theirs, field) != getattr(ours, field):
            return f"feed.{field}: {getattr(theirs, field)!r} != {getattr(ours, field)!r}"
    if len(theirs.entries) != len(ours.entries):
        return f"{len(theirs.entries)} entries != {len(ours.entries)}"
    for a, b in zip(theirs.entries, ours.entries):
        for field in a.__dataclass_fields__:
            if getattr(a, field) != getattr(b, field):
                return f"entry {a.guid!r}: {field}: {getattr(a, field)!r:.200} != {getattr(b, field)!r:.200}"
    return "?"


# --- the tables copied from feedparser ----------------------------------------------------------


def test_tables_are_feedparsers():
    mixin = feedparser.mixin._FeedParserMixin
    assert xmlreader.NAMESPACES == {k.lower(): v for k, v in mixin.namespaces.items()}
    handlers = {name[len(p):].lower() for name in dir(mixin) for p in ("_start_", "_end_")
                if name.startswith(p)}  # fmt: skip
    assert xmlreader.HANDLERS == handlers
    from feedparser.html import _cp1252
    from feedparser.sanitizer import _HTMLSanitizer
    from feedparser.urls import ACCEPTABLE_URI_SCHEMES

    assert xmlreader.ACCEPTABLE_ELEMENTS == _HTMLSanitizer.acceptable_elements
    assert xmlreader.CP1252 == _cp1252
    assert xmlreader.ACCEPTABLE_URI_SCHEMES == ACCEPTABLE_URI_SCHEMES
    parse_feed(b"<rss version='2.0'><channel><item><title>x</title></item></channel></rss>", {}, URL,
               engine="feedparser")  # patches feedparser  # fmt: skip
    assert xmlreader._RESOLVED == set(mixin.can_be_relative_uri)
    assert xmlreader.looks_like_html("a &amp; <b>b</b>") == mixin.looks_like_html("a &amp; <b>b</b>")


# --- dates ------------------------------------------------------------------------------------------

DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun", "Monday", "THU", "sat"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
          "January", "sept", "MAY", "Okt"]  # fmt: skip
ZONES = ["+0000", "-0000", "+0200", "-0530", "+1400", "GMT", "UT", "UTC", "Z", "EST", "CEST",
         "+02:00", "gmt+2", "+020", ""]  # fmt: skip


def date_strings(rng: random.Random, n: int) -> list[str]:
    out = []
    for _ in range(n):
        day, month = rng.randint(0, 32), rng.choice(MONTHS)
        year = rng.choice([1969, 1970, 1999, 2024, 2026, 26, 99, 10000])
        h, m, s = rng.randint(0, 25), rng.randint(0, 61), rng.randint(0, 61)
        zone = rng.choice(ZONES)
        lead = rng.choice(["", f"{rng.choice(DAYS)}, ", f"{rng.choice(DAYS)} ", f"{rng.choice(DAYS)},"])
        out.append(f"{lead}{day:02d} {month} {year} {h:02d}:{m:02d}:{s:02d} {zone}".strip())
        out.append(f"{lead}{day} {month} {year} {h}:{m}".strip())
        sep = rng.choice(["T", "t", " "])
        frac = rng.choice(["", ".5", ".123456"])
        tz = rng.choice(["Z", "z", "+02:00", "-05:30", "+0200", "", " GMT"])
        out.append(f"{year:04d}-{rng.randint(0, 13):02d}-{day:02d}{sep}{h:02d}:{m:02d}:{s:02d}{frac}{tz}")
        out.append(f"{year:04d}-{rng.randint(1, 12):02d}-{day:02d}{sep}{h:02d}:{m:02d}{tz}")
    return out + ["", " ", "gestern", "2024-05-13", "13 May 2024", "Mon, 13 May 2024 10:00:00 +0000 (UTC)"]


def test_dates_are_read_as_feedparser_reads_them():
    rng = random.Random(14)
    for value in date_strings(rng, 2500):
        assert dates.parse_date(value) == _parse_date(value), value


# --- feeds ------------------------------------------------------------------------------------------


def test_feeds():
    cases = [(str(p.relative_to(FEEDS)), p.read_bytes(), {}) for p in sorted(FEEDS.rglob("*"))
             if p.is_file()]  # fmt: skip
    cases += [(f"{name} with Content-Language", body, {"Content-Language": "fr"})
              for name, body, _ in cases]  # fmt: skip
    assert differences(cases) == []


@pytest.mark.parametrize("element", ["author", "dc:creator", "itunes:author"])
def test_a_long_author_is_cut_alike_and_quickly_on_both_paths(element):
    # feedparser's address pattern is quadratic in a run of letters: 80,000 took 26 s per item.
    body = ("<?xml version='1.0' encoding='utf-8'?><rss version='2.0' xmlns:dc='http://purl.org/dc/elements/1.1/' "
            "xmlns:itunes='http://www.itunes.com/dtds/podcast-1.0.dtd'><channel><title>T</title><item><title>x</title>"
            f"<link>https://b.example/p/</link><{element}>{'a' * 80_000} (Anna)</{element}></item></channel></rss>")
    started = time.process_time()
    theirs, ours, used = both(body.encode())
    assert time.process_time() - started < 2.0
    assert used and theirs == ours
    assert ours.entries[0].author == "a" * 1000


@pytest.mark.parametrize("name", [
    "wordpress-rss2.xml", "wordpress-comments-rss2.xml", "wordpress-comments-atom.xml",
    "atom-replies.xml", "platforms/wordpress-org-rss2.xml", "platforms/wordpress-com-rss2.xml",
    "platforms/wordpress-atom.xml", "platforms/blogger-atom.xml", "platforms/blogger-rss.xml",
    "platforms/medium-rss.xml", "platforms/substack-rss.xml", "platforms/ghost-rss.xml",
    "platforms/jekyll-feed-atom.xml", "platforms/hugo-rss.xml", "platforms/feedburner-rss.xml",
    "platforms/squarespace-rss.xml", "platforms/tumblr-rss.xml", "latin1.xml", "windows-1252.xml",
])  # fmt: skip
def test_lxml_reads_the_feeds_blogs_write(name):
    parse_feed((FEEDS / name).read_bytes(), {}, URL, now=NOW, engine="lxml")


def wordpress_blogs() -> list[wordpress.Blog]:
    blogs = []
    start = datetime(2026, 11, 1, tzinfo=UTC)
    for n, language in enumerate(wordpress.LOCALES):
        for guid in ("p", "permalink"):
            posts = []
            cid = 100
            for i in range(3):
                post = wordpress.Post(i + 1, f"beitrag-{i}", f"Beitrag „{i}“ & mehr <b>", start + timedelta(days=i),
                                      content=f"<p>Text {i} mit <a href=\"/rel/{i}\">Link</a> &amp; Ümlaut.</p>",
                                      categories=("Garten", "garten", "Blogparade & Co"))  # fmt: skip
                for c in range(3):
                    cid += 1
                    post.comments.append(wordpress.Comment(
                        cid, f"Leser {c} <l{c}@example.org>", f"Kommentar {c}...\n\nZweiter Absatz & so",
                        start + timedelta(days=i, hours=c + 1), parent=cid - 1 if c else 0,
                        author_url=f"https://l{c}.example/", page=c % 2,
                    ))  # fmt: skip
                post.comments.append(wordpress.pingback(cid + 50, "Ein anderes Blog", "https://x.example/p/",
                                                        "… erwähnt …", start + timedelta(days=i, hours=9)))  # fmt: skip
                posts.append(post)
            blogs.append(wordpress.Blog(f"https://blog{n}.example/wp", f"Blog {n} & Co", posts,
                                        language=language, guid=guid))  # fmt: skip
    return blogs


def test_wordpress_feeds():
    cases = []
    for blog in wordpress_blogs():
        for kind, documents in blog.documents().items():
            for path, (body, content_type) in documents.items():
                cases.append((f"{blog.home}{path}", body, {"Content-Type": content_type}))
                _, _, used = both(body, {"Content-Type": content_type})
                assert used, f"{blog.home}{path} ({kind}) was not read by lxml"
    assert differences(cases) == []


# --- generated feeds: what feedparser has rules for, in many combinations ----------------------------

TEXTS = [
    "Plain title", "Tom &amp; Jerry", "  spaced  \n title ", "&lt;b&gt;bold&lt;/b&gt; text",
    "<![CDATA[<b>bold</b> &amp; more]]>", "<![CDATA[Fisch & Chips]]>", "A &amp;amp; B",
    "&amp;eacute;t&amp;eacute;", "FÃ¼r Sie", "Gr&#252;&#223;e", "dash &#150; C1", "€ &#8364; €",
    "<![CDATA[<script>x</script> &unknown; </em>]]>", "&lt;dialog&gt; element", "", "   ",
    "&amp;#39;quoted&amp;#39;", "<![CDATA[&lt;p&gt;escaped&lt;/p&gt;]]>", "ends with &amp;amp",
]  # fmt: skip
URLS = ["https://blog.example.de/2024/05/post/", "/relative/path/", "relative/x.html",
        "https://blog.example.de/?p=1&amp;q=2", "https://blog.example.de/?a=1&amp;b;=2",
        "  https://blog.example.de/spaced/  ", "", "javascript:alert(1)", "//other.example/x",
        "http://[::1", "tag:blog.example.de,2024:1", "?p=42", "#frag", "https:///nohost"]  # fmt: skip
DATES = ["Mon, 13 May 2024 10:00:00 +0000", "Mon, 13 May 2024 10:00:00 +0200", "2024-05-13T10:00:00Z",
         "2024-05-13T10:00:00+02:00", "2024-05-13T10:00:00.123-05:00", "13 May 2024", "2024-05-13",
         "gestern", "", "Mon, 31 Feb 2024 10:00:00 +0000", "Thu, 01 Jan 1970 00:00:00 GMT",
         "2030-01-01T00:00:00Z", "Sun, 13 May 2024 10:00 EST"]  # fmt: skip
AUTHORS = ["Jörg Beispiel", "joerg@example.de (Jörg Beispiel)", "Jörg &lt;joerg@example.de&gt;",
           "redaktion@blog.example", "", "Name &amp; Name", "<![CDATA[Anna (Gast)]]>"]  # fmt: skip
LANGS = [None, "de", "de-DE", "de_AT", "", "EN", "xx-yy-zz", "123"]
BASES = [None, "https://base.example/a/b/", "sub/", "/root/", "javascript:x", "",
         "https://base.example/a/b/index.html"]  # fmt: skip
COUNTS = ["3", " 4 ", "x", "0", "-1", "12345678901", ""]
TYPES = [None, "text", "html", "text/html", "text/plain", "TEXT", "HTML", "xhtml", "image/png",
         "text/xml", "application/octet-stream"]  # fmt: skip


def attr(name: str, value: str | None) -> str:
    return "" if value is None else f' {name}="{html.escape(value, quote=True)}"'


@dataclass
class Maker:
    rng: random.Random

    def pick(self, options, p: float = 1.0):
        return self.rng.choice(options) if self.rng.random() < p else None

    def lang_base(self) -> str:
        return attr("xml:lang", self.pick(LANGS, 0.2)) + attr("xml:base", self.pick(BASES, 0.2))

    def element(self, name: str, value, extra: str = "", base: bool = True) -> str:
        if value is None:
            return ""
        around = self.lang_base() if base else attr("xml:lang", self.pick(LANGS, 0.2))
        return f"<{name}{extra}{around}>{value}</{name}>"

    def rss_item(self) -> str:
        r, parts = self.rng, []
        parts.append(self.element("title", self.pick(TEXTS, 0.9)))
        if r.random() < 0.1:
            parts.append(self.element("title", self.pick(TEXTS)))  # twice: feedparser's order rules
        parts.append(self.element("link", self.pick(URLS, 0.8)))
        guid = self.pick(URLS + ["guid-42", " spaced-guid "], 0.8)
        permalink = self.pick(["true", "false", "True", None])
        parts.append(self.element("guid", guid, attr("isPermaLink", permalink)))
        parts.append(self.element("pubDate", self.pick(DATES, 0.8)))
        parts.append(self.element("dc:date", self.pick(DATES, 0.2)))
        parts.append(self.element("atom:updated", self.pick(DATES, 0.1)))
        for _ in range(r.choice([0, 0, 1, 2])):
            parts.append(self.element("dc:creator", self.pick(AUTHORS)))
        parts.append(self.element("author", self.pick(AUTHORS, 0.2)))
        if r.random() < 0.1:
            parts.append(f"<atom:author><atom:name>{self.pick(AUTHORS)}</atom:name>"
                         f"{self.element('atom:email', self.pick(['a@b.de', ''], 0.5))}"
                         f"{self.element('atom:uri', self.pick(URLS, 0.5))}</atom:author>")  # fmt: skip
        parts.append(self.element("itunes:author", self.pick(AUTHORS, 0.05)))
        for _ in range(r.choice([0, 1, 2, 3])):
            parts.append(self.element("category", self.pick(["Garten", "garten", "", "A &amp; B", "<![CDATA[Öl]]>"]),
                                      attr("domain", self.pick(["https://x/", ""], 0.3))))  # fmt: skip
        parts.append(self.element("dc:subject", self.pick(["Garten", "Thema"], 0.1)))
        order = [self.element("description", self.pick(TEXTS, 0.8), attr("type", self.pick(TYPES, 0.05))),
                 self.element("content:encoded", self.pick(TEXTS, 0.6))]  # fmt: skip
        r.shuffle(order)
        parts += order
        parts.append(self.element("atom:summary", self.pick(TEXTS, 0.05)))
        parts.append(self.element("wfw:commentRss", self.pick(URLS, 0.6), attr("x", self.pick(["1"], 0.05))))
        parts.append(self.element("slash:comments", self.pick(COUNTS, 0.6)))
        parts.append(self.element("comments", self.pick(URLS, 0.3)))
        parts.append(self.element("language", self.pick(LANGS[1:], 0.1)))
        parts.append(self.element("dc:language", self.pick(LANGS[1:], 0.05)))
        if r.random() < 0.2:
            parts.append(f'<atom:link rel="{self.pick(["alternate", "replies", "related", "ALTERNATE", ""])}"'
                         f'{attr("type", self.pick(["text/html", "application/atom+xml", "TEXT/HTML", "html"], 0.7))}'
                         f'{attr("href", self.pick(URLS))}{attr("thr:count", self.pick(COUNTS, 0.5))}/>')  # fmt: skip
        if r.random() < 0.15:
            parts.append('<enclosure url="https://x.example/a.mp3" length="1" type="audio/mpeg"/>')
        if r.random() < 0.1:  # attachments as podcasts write them, good and bad
            parts.append(f'<enclosure{attr(self.pick(["url", "URL", "href"]), self.pick(URLS))}'
                         f'{attr("length", self.pick(COUNTS, 0.7))}{attr("type", self.pick(TYPES, 0.7))}/>')
        if r.random() < 0.15:
            title = self.element("media:title", self.pick(TEXTS), attr("type", "html"))
            parts.append(f'<media:content url="https://x.example/i.jpg" medium="image">{title}</media:content>')
        if r.random() < 0.1:  # a toot's photo: its alt text inside (feedparser's path)
            alt = self.element("media:description", self.pick(TEXTS), attr("type", "plain"), base=False)
            parts.append(f'<media:content{attr("url", self.pick(URLS))}{attr("fileSize", self.pick(COUNTS))}'
                         f' type="image/jpeg" medium="image">{alt}</media:content>')
        if r.random() < 0.1:  # one medium in several sizes
            versions = [f'<media:content url="https://x.example/{w}.jpg"{attr("width", w)}'
                        f'{attr("isDefault", self.pick(["true", "false"], 0.2))}/>'
                        for w in r.sample(["90", "606", "1024", "x", ""], r.choice([1, 2, 3]))]
            parts.append(f"<media:group>{''.join(versions)}</media:group>")
        if r.random() < 0.1:
            parts.append(f'<thr:in-reply-to{attr("ref", self.pick(URLS))}{attr("href", self.pick(URLS, 0.5))}/>')
        if r.random() < 0.1:
            parts.append(f"<foo:bar>{self.pick(TEXTS)}</foo:bar><foo:baz a='1'><foo:q>x</foo:q></foo:baz>")
        if r.random() < 0.05:
            parts.append("<source url='https://src.example/feed'>Quelle</source>")
        if r.random() < 0.03:
            parts.append("<itunes:summary>Zusammenfassung</itunes:summary>")
        r.shuffle(parts) if r.random() < 0.2 else None
        return f"<item{self.lang_base()}>{''.join(parts)}</item>"

    def rss(self) -> bytes:
        r = self.rng
        channel = [
            self.element("title", self.pick(TEXTS, 0.9)),
            self.element("link", self.pick(URLS, 0.8)),
            self.element("description", self.pick(TEXTS, 0.7)),
            self.element("language", self.pick(LANGS[1:], 0.6)),
            self.element("managingEditor", self.pick(AUTHORS, 0.2)),
            self.element("dc:creator", self.pick(AUTHORS, 0.1)),
            self.element("itunes:author", self.pick(AUTHORS, 0.1)),
            self.element("webMaster", self.pick(AUTHORS, 0.1)),
            self.element("lastBuildDate", self.pick(DATES, 0.5)),
            self.element("itunes:subtitle", self.pick(TEXTS, 0.05)),
            '<atom:link href="https://blog.example.de/feed/" rel="self" type="application/rss+xml"/>',
        ]
        if r.random() < 0.2:
            channel.append("<image><url>https://x.example/l.png</url><title>Logo</title>"
                           "<link>https://blog.example.de/</link></image>")  # fmt: skip
        if r.random() < 0.1:
            channel.append("<itunes:owner><itunes:name>Owner</itunes:name>"
                           "<itunes:email>o@example.de</itunes:email></itunes:owner>")  # fmt: skip
        if r.random() < 0.1:
            channel.append('<atom:link rel="alternate" type="text/html" href="/home/"/>')
        r.shuffle(channel) if r.random() < 0.3 else None
        items = "".join(self.rss_item() for _ in range(r.randint(0, 4)))
        ns = ('xmlns:content="http://purl.org/rss/1.0/modules/content/" '
              'xmlns:wfw="http://wellformedweb.org/CommentAPI/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
              'xmlns:atom="http://www.w3.org/2005/Atom" xmlns:slash="http://purl.org/rss/1.0/modules/slash/" '
              'xmlns:media="http://search.yahoo.com/mrss/" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" '
              'xmlns:thr="http://purl.org/syndication/thread/1.0" xmlns:foo="http://foo.example/ns"')  # fmt: skip
        version = r.choice(["2.0", "2.0", "2.0", "2.01", "0.92", ""])
        decl = r.choice(['<?xml version="1.0" encoding="UTF-8"?>', '<?xml version="1.0" encoding="ISO-8859-1"?>', ""])
        return (f'{decl}<rss version="{version}" {ns}{self.lang_base()}><channel{self.lang_base()}>'
                f"{''.join(channel)}{items}</channel></rss>").encode()  # fmt: skip

    def atom_person(self, tag: str) -> str:
        name = self.element("name", self.pick(AUTHORS, 0.9), base=False)
        email = self.element("email", self.pick(["a@b.de", "x@blog.example", ""], 0.4), base=False)
        uri = self.element("uri", self.pick(URLS, 0.4), base=self.rng.random() < 0.1)
        extra = '<gd:image rel="x" src="https://x/i.png"/>' if self.rng.random() < 0.2 else ""
        return f"<{tag}{self.lang_base()}>{name}{email}{uri}{extra}</{tag}>"

    def text_construct(self, tag: str) -> str:
        kind = self.pick(TYPES[:7], 0.8)
        value = self.pick(TEXTS)
        if kind in ("html", "text/html") and self.rng.random() < 0.5:
            value = html.escape("<p>HTML <b>body</b> &amp; <a href='/rel/'>link</a></p>")
        return self.element(tag, value, attr("type", kind))

    def atom_entry(self) -> str:
        r, parts = self.rng, []
        parts.append(self.text_construct("title") if r.random() < 0.9 else "")
        parts.append(self.element("id", self.pick(URLS + ["urn:uuid:1", " tag:x,2024:1 "], 0.9)))
        for _ in range(r.choice([0, 1, 1, 2, 3])):
            rel = self.pick(["alternate", "replies", "related", "self", "enclosure", ""], 0.8)
            kind = self.pick(["text/html", "application/atom+xml", "application/rss+xml", "TEXT/HTML"], 0.7)
            parts.append(f"<link{attr('rel', rel)}{attr('type', kind)}{attr('href', self.pick(URLS))}"
                         f"{attr('thr:count', self.pick(COUNTS, 0.4))}{attr('count', self.pick(COUNTS, 0.1))}"
                         f"{attr('length', self.pick(COUNTS, 0.2))}{attr('title', self.pick(TEXTS, 0.1))}"
                         f"{self.lang_base()}/>")  # fmt: skip
        parts.append(self.element("published", self.pick(DATES, 0.7)))
        parts.append(self.element("updated", self.pick(DATES, 0.8)))
        for _ in range(r.choice([0, 0, 1, 2])):
            parts.append(self.atom_person("author"))
        for _ in range(r.choice([0, 1, 2])):
            parts.append(f"<category{attr('term', self.pick(['t', '', 'T']))}{attr('label', self.pick(['L', ''], 0.5))}"
                         f"{attr('scheme', self.pick(['s'], 0.3))}/>")  # fmt: skip
        summary, content = self.text_construct("summary") if r.random() < 0.5 else "", ""
        if r.random() < 0.6:
            content = self.text_construct("content")
            if r.random() < 0.1:
                content = content.replace("<content", '<content src="https://x/src"', 1)
        pair = [summary, content]
        r.shuffle(pair)
        parts += pair
        if r.random() < 0.3:
            parts.append(f'<thr:in-reply-to{attr("ref", self.pick(URLS))}{attr("href", self.pick(URLS, 0.6))}'
                         f'{attr("type", "text/html")}/>')  # fmt: skip
        parts.append(self.element("thr:total", self.pick(COUNTS, 0.3)))
        if r.random() < 0.1:
            parts.append('<georss:point>45.2 7.1</georss:point>')
        if r.random() < 0.1:
            parts.append('<media:thumbnail url="https://x/t.jpg" height="72" width="72"/>')
        return f"<entry{self.lang_base()}>{''.join(parts)}</entry>"

    def atom(self) -> bytes:
        r = self.rng
        head = [
            self.text_construct("title") if r.random() < 0.9 else "",
            self.text_construct("subtitle") if r.random() < 0.5 else "",
            f'<link rel="alternate" type="text/html" href="{html.escape(self.pick(URLS), quote=True)}"/>'
            if r.random() < 0.8 else "",
            self.element("id", self.pick(URLS, 0.8)),
            self.element("updated", self.pick(DATES, 0.8)),
            self.atom_person("author") if r.random() < 0.6 else "",
            self.atom_person("contributor") if r.random() < 0.1 else "",
            '<generator uri="https://wordpress.org/" version="6.6">WordPress</generator>',
        ]
        r.shuffle(head) if r.random() < 0.3 else None
        entries = "".join(self.atom_entry() for _ in range(r.randint(0, 4)))
        ns = ('xmlns="http://www.w3.org/2005/Atom" xmlns:thr="http://purl.org/syndication/thread/1.0" '
              'xmlns:gd="http://schemas.google.com/g/2005" xmlns:georss="http://www.georss.org/georss" '
              'xmlns:media="http://search.yahoo.com/mrss/"')  # fmt: skip
        return f"<?xml version='1.0'?><feed {ns}{self.lang_base()}>{''.join(head)}{entries}</feed>".encode()


def generated(seed: int, n: int):
    maker = Maker(random.Random(seed))
    for i in range(n):
        body = maker.rss() if i % 2 else maker.atom()
        headers = {"Content-Language": maker.pick(["de", "en-US", "fr_CA"])} if i % 3 == 0 else {}
        yield f"generated #{i} (seed {seed})", body, headers


@pytest.mark.parametrize("seed", range(4))
def test_generated_feeds(seed):
    cases = list(generated(seed, 400))
    assert differences(cases) == []
    used = sum(both(body, headers)[2] for _, body, headers in cases)
    assert used > len(cases) // 3  # the reader is not bypassed


# --- the shared corpus ------------------------------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.is_dir(), reason=f"the shared test corpus is not at {CORPUS}")
@pytest.mark.parametrize("folder", ["feedparser-tests", "hostile-xml"])
def test_corpus(folder):
    paths = sorted(p for p in (CORPUS / folder).rglob("*") if p.is_file() and p.name != "SOURCES.txt")
    cases = []
    for path in paths:
        body = path.read_bytes()
        headers = {k.decode().lower(): v.decode("latin-1") for k, v in HEADER.findall(body[:4000])}
        cases.append((str(path.relative_to(CORPUS)), body, headers))
    assert differences(cases) == []
