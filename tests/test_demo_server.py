"""The bundled sample blogs and their loopback server: real HTTP, real feedparser, real assertions."""

from __future__ import annotations

import gzip
import html
import http.client
import re
import socket
import struct
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import urljoin, urlsplit
from zoneinfo import ZoneInfo

import feedparser
import pytest
from bs4 import BeautifulSoup

from aggregator.demo import DemoServer, load_blogs, load_parade
from aggregator.demo.content import load_sources
from aggregator.demo.render import BASE, write_tree

BERLIN = ZoneInfo("Europe/Berlin")
# What the data holds; a change here is a change to the demo that other tests may rely on.
POSTS = {"hafenkante": 5, "brueckner": 5, "kaffeeundcode": 5, "lenas-notizen": 5, "zugundzuhause": 5,
         "werkstatt": 4}
COMMENTS = {"hafenkante": 18, "brueckner": 11, "kaffeeundcode": 14, "lenas-notizen": 15,
            "zugundzuhause": 12, "werkstatt": 7}


class Answer:
    def __init__(self, status: int, headers: http.client.HTTPMessage, body: bytes) -> None:
        self.status, self.headers, self.body = status, headers, body

    def header(self, name: str) -> str | None:
        return self.headers.get(name)


@pytest.fixture(scope="module")
def server():
    with DemoServer() as running:
        yield running


def get(server: DemoServer, target: str, headers: dict[str, str] | None = None,
        method: str = "GET") -> Answer:
    """One request, no redirects followed, no decompression: what is on the wire."""
    parts = urlsplit(target)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "") if parts.scheme else target
    connection = http.client.HTTPConnection(server.host, server.port, timeout=10)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        return Answer(response.status, response.headers, response.read())
    finally:
        connection.close()


def parse(answer: Answer, url: str) -> feedparser.FeedParserDict:
    headers = {"content-type": answer.header("Content-Type") or "", "content-location": url}
    return feedparser.parse(answer.body, response_headers=headers)


def feed_of(server: DemoServer, url: str) -> feedparser.FeedParserDict:
    answer = get(server, url)
    assert answer.status == 200, url
    parsed = parse(answer, url)
    assert not parsed.bozo, f"{url}: {parsed.get('bozo_exception')}"
    return parsed


def comment_feed_url(entry: feedparser.FeedParserDict) -> str:
    """wfw:commentRss, else the Atom rel="replies" link of type Atom (Blogger also has an HTML one)."""
    if "wfw_commentrss" in entry:
        return entry.wfw_commentrss
    return next(link.href for link in entry.links
                if link.rel == "replies" and link.get("type") == "application/atom+xml")


def announced_count(entry: feedparser.FeedParserDict) -> int:
    if "slash_comments" in entry:
        return int(entry.slash_comments)
    if "thr_total" in entry:
        return int(entry.thr_total)
    return int(next(link["thr:count"] for link in entry.links if link.rel == "replies" and "thr:count" in link))


def links_in(html_text: str, base: str) -> list[str]:
    found = re.findall(r'(?:href|src)="([^"]+)"', html_text)
    return [urljoin(base, html.unescape(url)) for url in found]


def same_page(url: str, other: str) -> bool:
    """Equal apart from scheme, query, fragment and a trailing slash: how spellings of a call differ."""
    a, b = urlsplit(url), urlsplit(other)
    return a.netloc == b.netloc and a.path.rstrip("/") == b.path.rstrip("/")


def all_entries(server: DemoServer) -> dict[str, feedparser.FeedParserDict]:
    """Every post of every blog as its feed gives it, by its page URL."""
    entries = {}
    for blog in server.blogs:
        for entry in feed_of(server, blog.feed_url).entries:
            entries[entry.link] = entry
    return entries


# --- the blogs and their feeds ------------------------------------------------------------------

def test_every_blog_has_a_home_page_and_a_feed_with_its_posts(server):
    assert {b.slug for b in server.blogs} == set(POSTS)
    assert sorted(b.kind for b in server.blogs) == ["corporate"] * 2 + ["employee"] * 4
    for blog in server.blogs:
        home = get(server, blog.home_url)
        assert home.status == 200 and home.header("Content-Type").startswith("text/html"), blog.slug
        feed = feed_of(server, blog.feed_url)
        assert feed.version == {"rss": "rss20", "atom": "atom10"}[blog.feed_format]
        assert feed.feed.title == blog.name
        assert len(feed.entries) == POSTS[blog.slug]
        for entry in feed.entries:
            assert entry.title and entry.link.startswith(blog.home_url)
            assert entry.tags, f"{entry.link} has no categories"
            assert get(server, entry.link).status == 200
            published = datetime(*entry.published_parsed[:6], tzinfo=timezone.utc)
            assert datetime(2026, 10, 1, tzinfo=timezone.utc) <= published < datetime(2026, 12, 1, tzinfo=timezone.utc)


def test_home_pages_announce_their_feeds_except_the_hand_made_one(server):
    for blog in server.blogs:
        soup = BeautifulSoup(get(server, blog.home_url).body, "html.parser")
        alternates = [(link.get("title") or "", urljoin(blog.home_url, link["href"]))
                      for link in soup.find_all("link", rel="alternate")]
        if not blog.discoverable:
            assert alternates == [] and blog.feed_path.endswith("/rss.xml")
            assert soup.find("a", href=re.compile(r"rss|feed|atom")) is None
            continue
        assert alternates[0][1] == blog.feed_url, blog.slug
        if blog.engine == "wordpress":
            assert alternates[1] == (f"{blog.name} » Kommentar-Feed", blog.comments_feed_url)


def test_each_post_has_a_comment_feed_with_as_many_comments_as_announced(server):
    sources = load_sources(load_blogs(server.base_url))
    for blog in server.blogs:
        total = 0
        for entry in feed_of(server, blog.feed_url).entries:
            comments = feed_of(server, comment_feed_url(entry))
            assert len(comments.entries) == announced_count(entry), entry.link
            total += len(comments.entries)
            if blog.engine == "wordpress" and blog.atom_comment_feeds:  # the Atom twin lists the same
                twin = feed_of(server, comment_feed_url(entry) + "atom/")
                assert [e.id for e in twin.entries] == [e.id for e in comments.entries]
            elif blog.engine == "wordpress":  # switched off
                assert get(server, comment_feed_url(entry) + "atom/").status == 404
        assert total == COMMENTS[blog.slug] == len(sources[blog.slug].comments), blog.slug
    some_posts_without_comments = [b for b in sources.values() if any(not p.comments for p in b.posts)]
    assert len(some_posts_without_comments) >= 4


def test_site_wide_comment_feeds_show_the_newest_comments(server):
    for blog in server.blogs:
        if blog.comments_feed_url is None:
            continue
        feed = feed_of(server, blog.comments_feed_url)
        limit = 10 if blog.engine == "wordpress" else 25  # WordPress's posts_per_rss; Blogger's default
        assert len(feed.entries) == min(limit, COMMENTS[blog.slug])
        dates = [e.published_parsed for e in feed.entries]
        assert dates == sorted(dates, reverse=True)
        if blog.engine == "wordpress":
            assert feed.entries[0].title.startswith("Kommentar zu ")
            if not blog.atom_comment_feeds:
                assert get(server, blog.comments_feed_url + "atom/").status == 404
                continue
            twin = feed_of(server, blog.comments_feed_url + "atom/")
            assert [e.id for e in twin.entries] == [e.id for e in feed.entries]


def test_replies_point_at_the_post_or_another_comment(server):
    """In Atom comment feeds by thr:in-reply-to; in a WordPress blog's RSS comment feeds, where its
    Atom ones are switched off, only by the "Als Antwort auf <a href=…>" paragraph."""
    depths: dict[str, int] = {}
    for blog in server.blogs:
        if blog.engine == "plain":  # RSS comment feeds without even a paragraph: no threads
            continue
        rss_only = blog.engine == "wordpress" and not blog.atom_comment_feeds
        for post in feed_of(server, blog.feed_url).entries:
            url = comment_feed_url(post) + ("atom/" if blog.engine == "wordpress" and not rss_only else "")
            comments = feed_of(server, url).entries
            parents = {}
            by_link = {c.link: c.id for c in comments}
            for comment in comments:
                if rss_only:
                    marker = re.match(r'<p>Als Antwort auf <a href="([^"]+)">', comment.content[0].value)
                    ref = by_link[html.unescape(marker[1])] if marker else post.id
                else:
                    ref = comment["thr_in-reply-to"]["ref"]
                assert ref == post.id or ref in {c.id for c in comments}, f"{comment.id} -> {ref}"
                parents[comment.id] = ref
            for comment_id in parents:
                depth, ref = 1, parents[comment_id]
                while ref != post.id:
                    depth, ref = depth + 1, parents[ref]
                depths[blog.slug] = max(depths.get(blog.slug, 0), depth)
    # Three levels where the software allows it; Blogger threads two.
    assert depths == {"hafenkante": 3, "brueckner": 3, "kaffeeundcode": 3, "lenas-notizen": 3,
                      "zugundzuhause": 2}
    assert [b.slug for b in server.blogs if b.engine == "wordpress" and not b.atom_comment_feeds] == ["brueckner"]


def test_wordpress_guids_are_shortlinks_or_permalinks(server):
    """WordPress's own guid is /?p=N; a blog moved from elsewhere keeps permalinks as guids.  Comment
    ids are "<post guid>#comment-N" either way, comment links "<permalink>#comment-N"."""
    forms = {}
    for blog in (b for b in server.blogs if b.engine == "wordpress"):
        answer = get(server, blog.feed_url)
        assert b'isPermaLink="true"' not in answer.body  # WordPress writes "false" whatever the guid
        for post in parse(answer, blog.feed_url).entries:
            permalink = post.id == post.link
            assert permalink or re.fullmatch(re.escape(blog.home_url) + r"\?p=\d+", post.id), post.id
            forms.setdefault(blog.slug, set()).add("permalink" if permalink else "shortlink")
            for url in (comment_feed_url(post), comment_feed_url(post) + "atom/")[:1 + blog.atom_comment_feeds]:
                for comment in feed_of(server, url).entries:
                    number = comment.link.rpartition("#comment-")[2]
                    assert comment.link == f"{post.link}#comment-{number}" and number.isdigit()
                    assert comment.id == f"{post.id}#comment-{number}"
    assert forms == {"hafenkante": {"shortlink"}, "brueckner": {"shortlink"}, "kaffeeundcode": {"permalink"}}


def test_wordpress_comment_feeds_name_a_replys_parent_first(server):
    """get_comment_text() in a comment feed: "<p>Als Antwort auf <a href=parent>Name</a>.</p>" before
    a reply's text, in RSS and Atom, per post and site-wide; the post's page threads instead."""
    sources = load_sources(load_blogs(server.base_url))
    replies = 0
    for blog in (b for b in server.blogs if b.engine == "wordpress"):
        source = sources[blog.slug]
        by_link = {f"{source.post_url(c.post)}#comment-{c.number}": c for c in source.comments}
        feeds = [blog.comments_feed_url] + [comment_feed_url(e) for e in feed_of(server, blog.feed_url).entries]
        for url in feeds + [url + "atom/" for url in feeds if blog.atom_comment_feeds]:
            for entry in feed_of(server, url).entries:
                comment = by_link[entry.link]
                body = entry.content[0].value
                if comment.parent is None:
                    assert "Als Antwort auf" not in body, entry.link
                    continue
                parent = comment.parent
                link = f"{source.post_url(parent.post)}#comment-{parent.number}"
                marker = f'<p>Als Antwort auf <a href="{link}">{html.escape(parent.author)}</a>.</p>\n'
                assert body == marker + comment.html, entry.link
                if "description" in entry and "atom" not in url:  # RSS: the same as plain text
                    assert entry.description.startswith(f"Als Antwort auf {parent.author}. "), entry.link
                replies += 1
        for post in source.posts:
            page = get(server, source.post_url(post)).body.decode()
            assert "Als Antwort auf" not in page
    assert replies > 20


def test_pingbacks_look_as_wordpress_sends_them(server):
    call = server.parade.call_url
    comments = feed_of(server, call + "feed/").entries
    # WordPress writes the ellipsis as the reference &#8230;, which feedparser leaves in plain text.
    assert any(c.description.startswith("[&#8230;]") for c in comments)
    pingbacks = [c for c in comments if html.unescape(c.description).startswith("[…]")]
    assert len(pingbacks) == 4
    atom = {e.id: e for e in feed_of(server, call + "feed/atom/").entries}
    for pingback in pingbacks:
        assert pingback.title == f"Von: {pingback.author}"
        assert html.unescape(pingback.description).endswith("[…]")
        assert html.unescape(pingback.content[0].value).startswith("<p>[…] ")
        # RSS comment feeds carry no author URL; the Atom twin names the linking page.
        source = atom[pingback.id].author_detail.href
        page = BeautifulSoup(get(server, source).body, "html.parser")
        assert page.title.string == pingback.author
        assert any(same_page(link, call) for link in links_in(str(page), source))
    humans = [c for c in comments if c not in pingbacks]
    assert any("author_detail" in atom[c.id] and "href" in atom[c.id].author_detail for c in humans)
    assert any("href" not in atom[c.id].get("author_detail", {}) for c in humans)


def test_umlauts_survive_in_every_encoding(server):
    brueckner = feed_of(server, server.blog("brueckner").feed_url)
    assert brueckner.feed.title == "Brückner Haustechnik"
    assert any("Wärmepumpe" in e.title for e in brueckner.entries)
    blogger = feed_of(server, server.blog("zugundzuhause").feed_url)
    assert blogger.feed.author_detail.name == "Miriam Özdemir"
    escaped = feed_of(server, server.blog("kaffeeundcode").feed_url)
    assert escaped.feed.title == "Kaffee & Code" and escaped.feed.subtitle.endswith("Werkzeuge & Tastaturen")


def test_the_hand_made_blog_is_really_iso_8859_1(server):
    blog = server.blog("werkstatt")
    answer = get(server, blog.feed_url)
    assert answer.header("Content-Type") == "application/rss+xml; charset=ISO-8859-1"
    assert answer.body.startswith(b'<?xml version="1.0" encoding="ISO-8859-1"?>')
    assert "Löten für Anfänger".encode("iso-8859-1") in answer.body
    with pytest.raises(UnicodeDecodeError):
        answer.body.decode("utf-8")
    feed = parse(answer, blog.feed_url)
    assert not feed.bozo and feed.encoding.lower() == "iso-8859-1"
    titles = {e.title for e in feed.entries}
    assert {"Löten für Anfänger: Meine Grundausstattung", "Grüße aus der Berufsschule"} <= titles
    # Characters ISO-8859-1 lacks travel as character references and come back intact.
    soldering = next(e for e in feed.entries if e.title.startswith("Löten"))
    assert "ungefähr 90 €" in soldering.description and b"&#8364;" in answer.body
    home = get(server, blog.home_url)
    assert home.header("Content-Type") == "text/html; charset=ISO-8859-1"
    assert "Werners Werkstatt-Tagebuch".encode("iso-8859-1") in home.body
    assert "Grüße".encode("iso-8859-1") in home.body
    comments = feed_of(server, comment_feed_url(next(e for e in feed.entries if e.title.startswith("Grüße"))))
    assert comments.encoding.lower() == "iso-8859-1"
    assert any("Zuhören ist das wichtigste Werkzeug" in c.description for c in comments.entries)


# --- HTTP behaviour -----------------------------------------------------------------------------

def test_every_answer_has_validators_and_a_second_fetch_gets_304(server):
    for path in server.paths:
        first = get(server, path)
        assert first.status == 200, path
        etag, modified = first.header("ETag"), first.header("Last-Modified")
        assert etag and etag.startswith('"') and modified, path
        assert "charset=" in first.header("Content-Type") or first.header("Content-Type").startswith("image/")
        again = get(server, path, {"If-None-Match": etag})
        assert (again.status, again.body, again.header("ETag")) == (304, b"", etag), path
        assert get(server, path, {"If-Modified-Since": modified}).status == 304, path
        earlier = format_datetime(parsedate_to_datetime(modified) - timedelta(seconds=1), usegmt=True)
        assert get(server, path, {"If-Modified-Since": earlier}).status == 200, path
        # If-None-Match decides when both are sent (RFC 9110 13.2.2).
        assert get(server, path, {"If-None-Match": '"other"', "If-Modified-Since": modified}).status == 200


def test_last_modified_is_the_newest_change_in_the_feed(server):
    feed = server.blog("hafenkante").feed_url
    answer = get(server, feed)
    newest = max(datetime(*e.published_parsed[:6], tzinfo=timezone.utc) for e in parse(answer, feed).entries)
    assert parsedate_to_datetime(answer.header("Last-Modified")) == newest


def test_gzip_when_asked_for(server):
    for path in (server.blog("hafenkante").feed_url, server.blog("werkstatt").feed_url,
                 server.blog("lenas-notizen").home_url):
        plain = get(server, path)
        packed = get(server, path, {"Accept-Encoding": "gzip, deflate"})
        assert packed.header("Content-Encoding") == "gzip" and packed.header("Vary") == "Accept-Encoding"
        assert gzip.decompress(packed.body) == plain.body and len(packed.body) < len(plain.body)
        assert int(packed.header("Content-Length")) == len(packed.body)
        assert plain.header("Content-Encoding") is None
        assert packed.header("ETag") == "W/" + plain.header("ETag")
        # Either validator revalidates either representation.
        assert get(server, path, {"If-None-Match": packed.header("ETag")}).status == 304
        again = get(server, path, {"Accept-Encoding": "gzip", "If-None-Match": plain.header("ETag")})
        assert again.status == 304
    refused = get(server, server.blog("hafenkante").feed_url, {"Accept-Encoding": "gzip;q=0, identity"})
    assert refused.header("Content-Encoding") is None


def test_placeholders_never_leak(server):
    for path in server.paths:
        body = get(server, path).body
        assert b"{{" not in body, path
    location = get(server, server.blog("hafenkante").url("?p=24")).header("Location")
    assert location is not None and location.startswith(server.base_url)


def test_unknown_paths_404_and_directories_redirect_to_their_slash(server):
    assert get(server, "/nicht-da/").status == 404
    assert get(server, "/hafenkante/feed/index.php").status == 404
    missing_slash = get(server, "/hafenkante")
    assert (missing_slash.status, missing_slash.header("Location")) == (301, server.url("/hafenkante/"))
    call = server.parade.call_url
    assert get(server, call.rstrip("/")).header("Location") == call
    # WordPress's shortlink (the post guid) redirects to the post; tracking parameters are ignored.
    call_entry = next(e for e in feed_of(server, server.blog("hafenkante").feed_url).entries if e.link == call)
    shortlink = get(server, call_entry.id)
    assert (shortlink.status, shortlink.header("Location")) == (301, call)
    assert get(server, call + "?utm_source=newsletter&utm_medium=email").status == 200
    head = get(server, call, method="HEAD")
    assert head.status == 200 and head.body == b"" and int(head.header("Content-Length")) > 1000


def test_links_to_the_demo_server_resolve(server):
    """Every link and image in posts and comments that points at the server answers 200."""
    checked = 0
    for entry in all_entries(server).values():
        body = entry.content[0].value if "content" in entry else entry.description
        urls = links_in(body, entry.link)
        comments = feed_of(server, comment_feed_url(entry))
        for comment in comments.entries:
            urls += links_in(comment.get("description", ""), entry.link)
            if comment.get("author_detail", {}).get("href"):
                urls.append(comment.author_detail.href)
        for url in urls:
            if not url.startswith(server.base_url):
                continue
            answer = get(server, url.split("#")[0])
            if answer.status == 301:
                answer = get(server, answer.header("Location"))
            assert answer.status == 200, f"{entry.link} links to {url}"
            checked += 1
    assert checked > 25


# --- the parade ---------------------------------------------------------------------------------

def test_the_parade_answer_key_matches_the_feeds(server):
    parade = server.parade
    assert (parade.slug, parade.title, parade.tag) == ("remote-arbeiten", "Wie arbeiten wir remote?",
                                                        "BlogparadeRemote")
    assert parade.call_url == server.blog(parade.host).url("blogparade-wie-arbeiten-wir-remote/")
    assert (parade.start.isoformat(), parade.end.isoformat()) == ("2026-11-01", "2026-11-30")
    entries = all_entries(server)
    assert len(parade.contributions) == 6 and len(parade.decoys) == 4
    assert parade.call_url in parade.decoys

    def local_day(entry):
        return datetime(*entry.published_parsed[:6], tzinfo=timezone.utc).astimezone(BERLIN).date()

    def links_to_call(entry):
        body = entry.content[0].value if "content" in entry else entry.description
        return [url for url in links_in(body, entry.link) if same_page(url, parade.call_url)]

    spellings = set()
    for url in parade.contributions:
        entry = entries[url]
        assert parade.start <= local_day(entry) <= parade.end, url
        calls = links_to_call(entry)
        tags = [t.term for t in entry.tags]
        if not calls:
            assert tags == [parade.tag], url  # the one that joins by its tag alone
        spellings.update(calls)
    # The call is linked as published, without slash, over https with a fragment, with utm_*.
    assert len(spellings) == 4
    assert any(s.startswith("https://") and s.endswith("#mitmachen") for s in spellings)
    assert any("?utm_source=" in s for s in spellings)
    assert parade.call_url.rstrip("/") in spellings and parade.call_url in spellings
    # The edge of the window: 1 November in Berlin is still 31 October in UTC.
    lena = entries[server.url("/lenas-notizen/posts/schreibtisch-ueberall/")]
    assert lena.published_parsed[:3] == (2026, 10, 31)

    early = entries[server.url("/kaffeeundcode/vorfreude-auf-die-blogparade/")]
    assert links_to_call(early) and local_day(early) < parade.start
    home_only = entries[server.url("/brueckner/termin-app-mit-hafenkante/")]
    assert parade.start <= local_day(home_only) <= parade.end and not links_to_call(home_only)
    assert server.blog(parade.host).home_url in links_in(home_only.content[0].value, home_only.link)
    other_parade = entries[server.url("/lenas-notizen/posts/lesetipps-november/")]
    assert not links_to_call(other_parade) and "Blogparade" in [t.term for t in other_parade.tags]
    call = entries[parade.call_url]
    assert parade.tag in [t.term for t in call.tags] and local_day(call) < parade.start
    assert "2026-11-01" in call.content[0].value and "2026-11-30" in call.content[0].value


def test_source_dates_carry_the_berlin_offset_of_their_day():
    for blog in load_sources(load_blogs(BASE)).values():
        for post in blog.posts:
            for moment in [post.date, post.updated, *(c.date for c in post.comments)]:
                assert moment.utcoffset() == moment.astimezone(BERLIN).utcoffset(), f"{blog.meta.slug}: {moment}"
            assert datetime(2026, 10, 1, tzinfo=BERLIN) <= post.date < datetime(2026, 12, 1, tzinfo=BERLIN)


def test_nothing_is_dated_in_the_future():
    """parse treats a date after "now" as missing, so the demo would lose its dates; the parade is
    meant to be running: its window ends 2026-11-30, its newest post is older than this clock."""
    newest = max(b.modified for b in load_sources(load_blogs(BASE)).values())
    assert newest <= datetime(2026, 11, 21, 12, tzinfo=BERLIN) <= datetime.now(timezone.utc)


def test_manifest_loads_without_a_server():
    blogs = load_blogs()
    assert [b.home_url for b in blogs] == [f"/{b.slug}/" for b in blogs]
    assert load_parade("http://example.test/").call_url == (
        "http://example.test/hafenkante/blogparade-wie-arbeiten-wir-remote/")
    participant = load_blogs("http://127.0.0.1:9")[0].participant()
    assert (participant.slug, participant.kind, participant.feed) == (
        "hafenkante", "corporate", "http://127.0.0.1:9/hafenkante/feed/")


# --- the server as an object --------------------------------------------------------------------

def test_servers_are_independent_and_stop_cleanly():
    with DemoServer() as one, DemoServer() as two:
        assert one.port != two.port and one.base_url != two.base_url
        assert one.blogs[0].home_url.startswith(one.base_url)
        assert get(one, one.blogs[0].feed_url).body.count(one.base_url.encode()) > 10
        two.put("/hafenkante/feed/", "<rss version='2.0'><channel><title>neu</title></channel></rss>")
        assert get(two, "/hafenkante/feed/").body != get(one, "/hafenkante/feed/").body
        assert [r.path for r in two.requests] == ["/hafenkante/feed/"]
        two.remove("/hafenkante/feed/")
        assert get(two, "/hafenkante/feed/").status == 404
        port = one.port
    with pytest.raises(OSError):
        http.client.HTTPConnection("127.0.0.1", port, timeout=2).connect()


def test_requests_are_recorded_with_their_headers(server):
    before = len(server.requests)
    get(server, server.blog("werkstatt").feed_url, {"If-None-Match": '"x"', "User-Agent": "test"})
    record = server.requests[before]
    assert (record.method, record.path, record.status) == ("GET", "/werkstatt/rss.xml", 200)
    assert record.headers["if-none-match"] == '"x"' and record.headers["user-agent"] == "test"


def test_rendered_tree_for_reading(tmp_path):
    written = write_tree(tmp_path, "http://127.0.0.1:8000")
    assert (tmp_path / "hafenkante/feed/index.xml").exists()
    assert (tmp_path / "zugundzuhause/feeds/posts/default").exists()
    assert (tmp_path / "werkstatt/rss.xml").read_bytes().startswith(b'<?xml version="1.0" encoding="ISO-8859-1"')
    assert all(b"{{BASE}}" not in path.read_bytes() for path in written)


def test_running_the_module_serves_until_stopped():
    process = subprocess.Popen([sys.executable, "-m", "aggregator.demo.server", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        first = process.stdout.readline()
        match = re.search(r"http://127\.0\.0\.1:(\d+)/", first)
        assert match, first
        lines = [process.stdout.readline() for _ in range(6)]
        assert any("Werners Werkstatt-Tagebuch" in line for line in lines)
        port = int(match.group(1))
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/werkstatt/rss.xml")
        assert connection.getresponse().status == 200
        connection.close()
        # A client that resets its connection mid-request is no reason to print a traceback.
        rude = socket.create_connection(("127.0.0.1", port))
        rude.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        rude.sendall(b"GET /werkstatt/ HTTP/1.1\r\nHost: x\r\n")
        rude.close()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
        connection.request("GET", "/werkstatt/")
        assert connection.getresponse().status == 200
        connection.close()
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert process.stderr.read() == ""  # quiet: no access log
