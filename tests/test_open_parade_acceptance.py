"""Acceptance for issue 10: an open blog parade finds every contribution, from any blog.

Tried as a new user would: a site made by `blogparade init`, blogs served over real HTTP on
127.0.0.1 (WordPress-shaped feeds from tests/wordpress.py, post pages as WordPress themes write
them), participant files written by hand, the real `blogparade` command, and the built HTML, feed
and JSON read back.

The host's call is a post of a joined WordPress blog.  The call post received pingbacks from pages
of blogs that never joined: two link to the call within the window, one links elsewhere, one is
older than the window, one is on a server that does not answer.  A JF2 mention feed names two
more pages (one of them also pinged), and a like; two posts are handed in with `submit`; one
joined blog contributes by tag.  After `run`, the parade's page lists exactly the contributions
(title, blog and date from their pages), `parade status` gives the rejected ones with reasons,
the parade's Atom feed and JSON list the same set, the snippet for the call holds no script, no
external blog is on the blog roll, the home page or in the site's feeds, and a contribution's
comments (from its blog's comment feed) show on its page.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from babel.dates import format_date

from aggregator.parades.files import local_today
from aggregator.site import Site
from aggregator.store import Store
from aggregator.urls import page_key
from tests.acceptance_helpers import dangers, fragment_dangers, invoke, new_site, ok, parse_html, post_pages, write_participant
from tests.feedmaker import Item, rss
from tests.servers import HTML_TYPE, FeedServer, respond, route_documents
from tests.wordpress import Blog, Comment, Post, pingback

pytestmark = pytest.mark.slow

ZONE = "Europe/Berlin"
NOW = datetime.now(UTC).replace(microsecond=0)
TODAY = local_today(ZONE, NOW)
START, END = TODAY - timedelta(days=20), TODAY + timedelta(days=10)
IN = NOW - timedelta(days=6)  # within the window
OLD = datetime.combine(START - timedelta(days=30), datetime.min.time(), tzinfo=UTC)
ATOM = "{http://www.w3.org/2005/Atom}"


@dataclass
class Page:
    """A post's page as a blog's theme writes it; `dating` says where its date is."""

    path: str  # on the test server, e.g. /anna/2026/10/beitrag/
    title: str
    blog: str
    published: datetime
    links: list[str]
    dating: str = "json-ld"  # "json-ld", "h-entry", "meta", "time", "none"
    feed: str | None = None  # the blog's feed, announced in the page's head
    comment_feed: str | None = None
    sidebar: list[str] = field(default_factory=list)  # links in a widget: they never count

    def html(self, base: str) -> bytes:
        iso = self.published.isoformat()
        head = [f"<title>{escape(self.title)} – {escape(self.blog)}</title>",
                f'<meta property="og:site_name" content="{escape(self.blog)}">']  # fmt: skip
        if self.feed:
            head.append(f'<link rel="alternate" type="application/rss+xml" title="{escape(self.blog)} » Feed" href="{base}{self.feed}">')
        if self.comment_feed:
            head.append(f'<link rel="alternate" type="application/rss+xml" title="{escape(self.blog)} » '
                        f'{escape(self.title)} Kommentar-Feed" href="{base}{self.comment_feed}">')  # fmt: skip
        if self.dating == "json-ld":
            head.append('<script type="application/ld+json">' + json.dumps({"@context": "https://schema.org",
                        "@type": "BlogPosting", "headline": self.title, "datePublished": iso}) + "</script>")  # fmt: skip
        if self.dating == "meta":
            head.append(f'<meta property="article:published_time" content="{iso}">')
        anchors = " ".join(f'<a href="{link}">hier</a>' for link in self.links)
        date = {
            "h-entry": f'<time class="dt-published" datetime="{iso}">{self.published:%d.%m.%Y}</time>',
            "time": f'<p>Veröffentlicht am <time datetime="{self.published:%Y-%m-%d}">{self.published:%d.%m.}</time></p>',
        }.get(self.dating, "")
        widget = "".join(f'<a href="{link}">Tipp</a>' for link in self.sidebar)
        body = (f'<header><a href="{base}/{self.path.split("/")[1]}/" rel="home">{escape(self.blog)}</a></header>'
                f'<article class="h-entry"><h1 class="p-name entry-title">{escape(self.title)}</h1>{date}'
                f'<div class="entry-content e-content"><p>Mein Beitrag zur Blogparade. {anchors}</p>'
                "<p>Dokumentation ist wichtig, und so machen wir das.</p></div></article>"
                f'<aside class="widget-area">{widget}</aside>')  # fmt: skip
        return (f'<!doctype html><html lang="de"><head><meta charset="utf-8">{"".join(head)}</head>'
                f"<body>{body}</body></html>").encode()  # fmt: skip


def closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class World:
    site: object
    server: FeedServer
    base: str
    call: str
    accepted: dict[str, Page]  # title -> page, the contributions from blogs that never joined
    rejected: dict[str, str]  # url -> the words of its reason
    tagged: str  # the joined blog's post that carries the tag
    bernd_comments: list[str]


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    with FeedServer() as server:
        yield build_world(server, tmp_path_factory.mktemp("open-parade"))


def build_world(server: FeedServer, tmp) -> World:  # noqa: PLR0915 - one story, told in order
    base = server.base_url
    # The host: a joined WordPress blog whose call post received pingbacks.
    call_post = Post(40, "blogparade-doku", "Blogparade: Wie dokumentieren wir?", IN - timedelta(days=10),
                     content="<p>Schreibt über eure Dokumentation!</p>")  # fmt: skip
    host = Blog(f"{base}/host", "Hafenkante Digital", [call_post], guid="p")
    call = host.permalink(call_post)
    gone = f"http://127.0.0.1:{closed_port()}/eva/2026/beitrag/"

    anna = Page("/anna/2026/10/doku-im-team/", "Doku im Team", "Annas Notizen", IN, [call], "json-ld",
                sidebar=["https://werbung.example/"])  # fmt: skip
    bernd_blog = Blog(f"{base}/bernd", "Bernds Werkstatt", [
        Post(7, "doku-in-der-werkstatt", "Doku in der Werkstatt", IN + timedelta(hours=3),
             content=f'<p>Zur <a href="{call}">Blogparade</a>: so dokumentiere ich.</p>', comments=[
                 Comment(71, "Clara Weiß", "Schöner Beitrag, danke!", IN + timedelta(days=1)),
                 Comment(72, "Bernd", "Danke dir, Clara!", IN + timedelta(days=1, hours=2), parent=71),
             ]),
    ])  # fmt: skip
    bernd_post = bernd_blog.posts[0]
    bernd = Page(bernd_blog.permalink(bernd_post).removeprefix(base), "Doku in der Werkstatt", "Bernds Werkstatt",
                 bernd_post.published, [call], "h-entry", feed="/bernd/feed/",
                 comment_feed=bernd_blog.post_comments_rss_url(bernd_post).removeprefix(base))  # fmt: skip
    cara = Page("/cara/2026/rezepte/", "Rezepte ohne Bezug", "Caras Küche", IN, [f"{base}/host/impressum/"],
                sidebar=[call])  # the call only in the sidebar: no link from the article
    dora = Page("/dora/2025/doku/", "Doku, lange her", "Doras Archiv", OLD, [call], "meta")
    fritz = Page("/fritz/blogparade-doku/", "Fritz dokumentiert", "Fritz' Blog", IN - timedelta(days=1),
                 [call + "?utm_source=mastodon"], "meta")  # fmt: skip
    gina = Page("/gina/doku/", "Ginas Doku-Regeln", "Gina schreibt", IN + timedelta(days=2), [call], "time")
    hans_feed = rss([Item("hans-1", "Hans über Doku (Feed-Titel)", f"{base}/hans/doku/", IN - timedelta(days=2),
                          f'<p><a href="{call}">Aufruf</a></p>')], title="Hans' Logbuch", link=f"{base}/hans/")  # fmt: skip
    hans = Page("/hans/doku/", "Hans über Doku", "Hans' Logbuch", IN - timedelta(days=2), [call], "none",
                feed="/hans/feed/")  # only its blog's feed dates it
    pages = (anna, bernd, cara, dora, fritz, gina, hans)
    for page in pages:
        server.route(page.path, respond(page.html(base), content_type=HTML_TYPE))
    server.route("/hans/feed/", respond(hans_feed.encode(), content_type="application/rss+xml; charset=utf-8"))
    route_documents(server, bernd_blog.documents())

    for n, (page, url) in enumerate(((anna, None), (bernd, None), (cara, None), (dora, None), (None, gone))):
        url = url or f"{base}{page.path}"
        title = page.title if page else "Evas Beitrag"
        call_post.comments.append(pingback(900 + n, title, url, "zur Blogparade", IN + timedelta(hours=n)))
    call_post.comments.append(Comment(950, "Leserin", "Tolle Idee!", IN))
    route_documents(server, host.documents())
    server.route(call.removeprefix(base), respond(b"<html><body><article>Aufruf</article></body></html>",
                                                  content_type=HTML_TYPE))  # fmt: skip

    mentions = {"type": "feed", "name": "Webmentions", "children": [
        {"type": "entry", "url": f"{base}{fritz.path}", "wm-property": "mention-of",
         "published": fritz.published.isoformat()},
        {"type": "entry", "url": f"{base}{anna.path}", "wm-property": "mention-of"},  # pinged as well
        {"type": "entry", "url": "https://social.example/likes/1", "wm-property": "like-of"},
    ]}  # fmt: skip
    server.route("/webmention/mentions.jf2", respond(json.dumps(mentions).encode(),
                                                     content_type="application/json", etag='"m1"'))  # fmt: skip

    # The joined blog that contributes by its tag, without linking.
    tagged = "Unser Doku-Stapel"
    team_feed = rss([
        Item("team-1", tagged, f"{base}/team/doku-stapel/", IN, "<p>" + "Wie wir dokumentieren. " * 40 + "</p>",
             ["BlogparadeDoku"]),
        Item("team-2", "Betriebsausflug", f"{base}/team/ausflug/", IN, "<p>" + "Ausflug. " * 80 + "</p>"),
    ], title="Team-Blog", link=f"{base}/team/")  # fmt: skip
    server.route("/team/feed/", respond(team_feed.encode(), content_type="application/rss+xml; charset=utf-8"))

    site = new_site(tmp / "site", f"TIMEZONE = {ZONE!r}\n")
    write_participant(site, "hafenkante", host.name, host.posts_rss_url(), home=host.home + "/")
    write_participant(site, "team", "Team-Blog", f"{base}/team/feed/", home=f"{base}/team/")
    (site / "content" / "parades").mkdir(exist_ok=True)
    (site / "content" / "parades" / "doku.md").write_text(
        f"Title: Wie dokumentieren wir?\nCall: {call}\nStart: {START}\nEnd: {END}\nTag: BlogparadeDoku\n"
        f"Mentions: {base}/webmention/mentions.jf2\n\nSchreibt über eure Dokumentation.\n", encoding="utf-8")

    ok(invoke(site, "check"))
    handed_in = ok(invoke(site, "submit", f"{base}{gina.path}"))
    assert "Accepted for parade doku: “Ginas Doku-Regeln” (Gina schreibt)" in handed_in.output
    ok(invoke(site, "submit", f"{base}{hans.path}", "--parade", "doku"))
    ok(invoke(site, "run"))
    accepted = {page.title: page for page in (anna, bernd, fritz, gina, hans)}
    rejected = {
        f"{base}{cara.path}": "doesn't link to the call",
        f"{base}{dora.path}": "out of the window",
        gone: "can't be fetched: connection: connection refused",
    }
    return World(site, server, base, call, accepted, rejected, tagged,
                 ["Schöner Beitrag, danke!", "Danke dir, Clara!"])


# --------------------------------------------------------------------------------------------------


def parade_page(world: World):
    return parse_html(world.site / "output" / "parades" / "doku" / "index.html")


def listed(world: World) -> dict[str, str]:
    """The parade page's contributions: title -> the text of its entry."""
    [section] = parade_page(world).xpath("//section[@id='contributions']")
    return {" ".join(article.xpath(".//h3")[0].text_content().split()): " ".join(article.text_content().split())
            for article in section.xpath(".//article")}  # fmt: skip


def day(page: Page) -> str:
    """The day the site shows for a page: a moment in the site's time zone; a date without a
    time (`<time datetime="2026-11-25">`) as written, whatever the hour in Berlin."""
    if page.dating == "time":
        return format_date(page.published.date(), "long", locale="de")
    return format_date(page.published.astimezone(ZoneInfo(ZONE)).date(), "long", locale="de")


def test_the_parade_page_lists_exactly_the_contributions(world):
    entries = listed(world)
    assert set(entries) == set(world.accepted) | {world.tagged}
    for title, page in world.accepted.items():
        assert page.blog in entries[title], title  # the blog's name from its page
        assert day(page) in entries[title], title  # the date from its page (or feed)


def test_rejected_candidates_are_in_parade_status_with_their_reasons(world):
    status = ok(invoke(world.site, "parade", "status", "doku")).output
    assert "6 contributions:" in status
    for title in world.accepted:
        assert title in status
    assert "5 rejected:" not in status  # the like is no candidate, the duplicate mention one page
    assert "3 rejected:" in status
    for url, reason in world.rejected.items():
        [line] = [line for line in status.splitlines() if line.strip().startswith(url)]
        assert reason in line, line
    assert "Mentions feed:" in status and ": ok" in status


def test_the_parades_feed_and_json_list_the_same_set(world):
    output = world.site / "output" / "parades" / "doku"
    feed = ET.parse(output / "feed.atom.xml").getroot()
    titles = {entry.findtext(f"{ATOM}title") for entry in feed.iter(f"{ATOM}entry")}
    data = json.loads((output / "contributions.json").read_text(encoding="utf-8"))
    assert titles == {item["title"] for item in data["contributions"]} == set(listed(world))
    anna = next(item for item in data["contributions"] if item["title"] == "Doku im Team")
    assert anna["url"] == world.base + world.accepted["Doku im Team"].path
    assert anna["blog"] == "Annas Notizen" and anna["external"] is True


def test_the_snippet_for_the_call_holds_no_script_and_asks_for_nothing(world):
    snippet = (world.site / "output" / "parades" / "doku" / "snippet.html").read_text(encoding="utf-8")
    assert "<script" not in snippet.lower() and fragment_dangers(snippet) == []
    assert "src=" not in snippet and "style" not in snippet and "<link" not in snippet  # no request of its own
    for title in listed(world):
        assert escape(title, quote=False) in snippet


def test_no_external_blog_is_on_the_blog_roll_the_home_page_or_in_the_feeds(world):
    output = world.site / "output"
    external_blogs = {page.blog for page in world.accepted.values()}
    roll = (output / "blogs" / "index.html").read_text(encoding="utf-8")
    opml = (output / "blogroll.opml").read_text(encoding="utf-8")
    home = parse_html(output / "index.html").text_content()
    every_feed = "".join(p.read_text(encoding="utf-8") for p in (output / "feeds").rglob("*.xml"))
    for blog in external_blogs:
        for where, text in (("blog roll", roll), ("OPML", opml), ("home page", home), ("feeds", every_feed)):
            assert escape(blog, quote=False) not in text and blog not in text, f"{blog} on the {where}"
    for title in world.accepted:
        assert title not in home and title not in every_feed
    assert world.tagged in home  # a joined blog's contribution is a post of the site like any other
    assert not any("ext_" in p.name for p in (output / "blogs").iterdir() if (p / "index.html").is_file()
                   and not any(p.glob("*/index.html")))  # no blog page for an external blog


def test_a_contributions_comments_from_its_blogs_comment_feed_show_on_its_page(world):
    pages = post_pages(world.site / "output")
    bernd = pages["Doku in der Werkstatt"]
    for comment in world.bernd_comments:
        assert comment in bernd.text
    assert world.base + world.accepted["Doku in der Werkstatt"].path in bernd.original_links
    assert "Beitrag zur Blogparade „Wie dokumentieren wir?“" in bernd.text
    doc = parse_html(bernd.path)
    assert dangers(doc) == []
    [blog_link] = doc.xpath("//p[@class='byline']/a[@class='blog']")
    assert blog_link.get("href").rstrip("/") == f"{world.base}/bernd"  # its home: it has no page here


def test_the_parade_page_names_the_host_and_the_call_post_links_the_parade(world):
    page = parade_page(world)
    [host] = page.xpath("//dl[@class='parade-facts']//dt[.='Ausgerichtet von']/following-sibling::dd[1]")
    assert " ".join(host.text_content().split()) == "Hafenkante Digital"
    assert host.xpath(".//a/@href") == ["../../blogs/hafenkante/"]  # its blog's page here
    assert page.xpath(f"//dl[@class='parade-facts']//a[@href='{world.call}']")
    call_page = post_pages(world.site / "output")["Blogparade: Wie dokumentieren wir?"]
    assert "Der Aufruf zur Blogparade „Wie dokumentieren wir?“" in call_page.text
    assert "Erwähnungen" in call_page.text  # its pingbacks, shown apart as before


def test_a_second_run_asks_no_accepted_page_again(world):
    server = world.server
    before = {path: server.hits(path) for path in (p.path for p in world.accepted.values())}
    ok(invoke(world.site, "run"))
    assert {path: server.hits(path) for path in before} == before
    assert set(listed(world)) == set(world.accepted) | {world.tagged}


def test_a_broken_mention_feed_is_an_error_in_status_and_takes_nothing_away(world):
    world.server.route("/webmention/mentions.jf2", respond(b"<html>Wartung</html>", status=200,
                                                           content_type="text/html"))  # fmt: skip
    fetched = ok(invoke(world.site, "run"))
    assert "parade doku: mentions feed" in fetched.output and "not a JF2 mention feed" in fetched.output
    status = ok(invoke(world.site, "status"))
    assert "Mentions feed" in status.stderr and "Mentions feed" not in status.stdout  # one row a blog
    assert set(listed(world)) == set(world.accepted) | {world.tagged}  # Fritz's post is still there
    strict = invoke(world.site, "fetch", "--strict")
    assert strict.exit_code == 1


def test_roundup_as_html_for_wordpress_warns_while_open(world):
    result = ok(invoke(world.site, "roundup", "doku", "--format", "html"))
    assert "still open" in result.output
    path = world.site / "roundups" / "doku-rueckschau.html"
    text = path.read_text(encoding="utf-8")
    assert "<script" not in text and fragment_dangers(text) == []
    for title in world.accepted:
        assert escape(title, quote=False) in text
    assert not list((world.site / "content").glob("*.html"))  # Pelican would publish it


@pytest.mark.parametrize("url, code, words", [
    ("ftp://example.org/post", 2, "is not an http(s) URL"),
    ("http://127.0.0.1:{closed}/nirgends/", 1, "cannot be fetched: connection"),
    ("{base}/404", 1, "cannot be fetched: http: 404 Not Found"),
    ("{base}/feed.xml", 1, "is not a web page"),
])  # fmt: skip
def test_a_bad_submission_says_why_and_exits_non_zero(world, url, code, words):
    url = url.format(base=world.base, closed=closed_port())
    before = ok(invoke(world.site, "parade", "status", "doku")).output
    result = invoke(world.site, "submit", url)
    assert result.exit_code == code, result.output
    assert words in result.output and "Traceback" not in result.output
    assert ok(invoke(world.site, "parade", "status", "doku")).output == before  # nothing stored


def test_a_submission_refused_by_the_network_policy(world, tmp_path):
    strict = new_site(tmp_path / "strict", "BLOGPARADE_ALLOWED_NETWORKS = []\n")
    parade = (world.site / "content" / "parades" / "doku.md").read_text(encoding="utf-8")
    (strict / "content" / "parades").mkdir(exist_ok=True)
    (strict / "content" / "parades" / "doku.md").write_text(parade, encoding="utf-8")
    result = invoke(strict, "submit", world.base + world.accepted["Ginas Doku-Regeln"].path)
    assert result.exit_code == 1 and "address not allowed: 127.0.0.1" in result.output



def doku_site_with_mentions(tmp_path: Path, server: FeedServer, call: str, mentioned: list[str]) -> Path:
    """A site with the parade "doku" whose Mentions feed (jf2, as webmention.io serves it)
    names the `mentioned` pages."""
    mentions = {"children": [{"url": url, "wm-property": "mention-of"} for url in mentioned]}
    server.route("/jf2", respond(json.dumps(mentions).encode(), content_type="application/json"))
    site = new_site(tmp_path / "site", f"TIMEZONE = {ZONE!r}\n")
    (site / "content" / "parades").mkdir(exist_ok=True)
    (site / "content" / "parades" / "doku.md").write_text(
        f"Title: Doku\nCall: {call}\nStart: {START}\nEnd: {END}\nMentions: {server.base_url}/jf2\n\nText.\n",
        encoding="utf-8")
    return site


def test_a_contribution_taken_down_leaves_status_roundup_and_comment_following(feed_server, tmp_path):
    """`blogparade hide` reaches a contribution from a blog that never joined as it reaches a
    joined blog's post: not in `parade status`, not in the roundup draft, its comments no longer read."""
    base = feed_server.base_url
    call = f"{base}/host/aufruf/"
    blog = Blog(f"{base}/ida", "Idas Angebote", [Post(3, "angebot", "Werbung zur Parade", IN, comments=[
        Comment(31, "Leser", "Wo kann ich das kaufen?", IN + timedelta(hours=1))])])  # fmt: skip
    [advert] = blog.posts
    comments = blog.post_comments_rss_url(advert).removeprefix(base)
    page = Page(blog.permalink(advert).removeprefix(base), advert.title, blog.name, IN, [call], comment_feed=comments)
    feed_server.route(page.path, respond(page.html(base), content_type=HTML_TYPE))
    route_documents(feed_server, blog.documents(), kinds=["post-comments.rss"])
    site = doku_site_with_mentions(tmp_path, feed_server, call, [base + page.path])
    ok(invoke(site, "fetch"))
    assert advert.title in ok(invoke(site, "parade", "status", "doku")).output
    asked = feed_server.hits(comments)
    assert asked == 1

    ok(invoke(site, "hide", base + page.path, "--reason", "Werbung"))
    status = ok(invoke(site, "parade", "status", "doku")).output
    assert "0 contributions" in status and advert.title not in status
    ok(invoke(site, "roundup", "doku"))
    assert advert.title not in (site / "content" / "doku-rueckschau.md").read_text(encoding="utf-8")
    ok(invoke(site, "fetch"))
    assert feed_server.hits(comments) == asked


def test_a_store_of_the_old_page_key_is_rekeyed_once_and_the_roundup_lists_each_page_once(feed_server, tmp_path):
    """Before page_key kept `?p=` in a sub-folder, /blog/?p=7 and /blog/?p=8 were one candidate
    under the key of /blog/ (only the first address kept), and a look at ?p=7 since, under
    today's key, failed.  Opened by this version the store has each page once under its own key,
    the reading kept, and the roundup lists both posts, each once."""
    base = feed_server.base_url
    call = f"{base}/host/aufruf/"
    pages = {str(n): Page(f"/blog/?p={n}", f"Beitrag Nummer {n}", "Blog im Ordner", IN, [call]) for n in (7, 8)}

    async def blog(request):
        page = pages[request.target.rpartition("=")[2]]
        await request.send(200, {"Content-Type": HTML_TYPE}, page.html(base))

    feed_server.route("/blog/", blog)
    site = doku_site_with_mentions(tmp_path, feed_server, call, [base + page.path for page in pages.values()])
    ok(invoke(site, "fetch"))
    seven, eight = (base + page.path for page in pages.values())
    since = datetime.now(UTC).replace(microsecond=0).isoformat()  # after that fetch: its twin's first seen
    with sqlite3.connect(Site.load(site).store_path) as db:  # the old shape, written by hand
        db.execute("UPDATE parade_candidates SET key = ? WHERE url = ?", (page_key(f"{base}/blog/"), seven))
        db.execute("UPDATE candidate_pages SET key = ? WHERE url = ?", (page_key(f"{base}/blog/"), seven))
        for table in ("parade_candidates", "candidate_pages", "posts"):
            db.execute(f"DELETE FROM {table} WHERE url = ?", (eight,))  # merged: never looked at
        db.execute("INSERT INTO parade_candidates VALUES ('doku', ?, ?, '[\"pingback\"]', ?, NULL)",
                   (page_key(seven), seven, since))  # named again since, under today's key
        db.execute("INSERT INTO candidate_pages (key, url, checked_at, problem, error) VALUES (?, ?, ?, "
                   "'unfetchable', 'http: 503 Service Unavailable')", (page_key(seven), seven, since))
        db.execute("DROP TABLE link_targets")  # as version 11 had none (migration 13)
        db.execute("ALTER TABLE posts DROP COLUMN attachments")  # nor this (migration 14)
        db.execute("DROP TABLE comment_checks")  # nor these (migration 15)
        db.execute("ALTER TABLE posts ADD COLUMN comments_checked INTEGER")
        db.execute("ALTER TABLE posts ADD COLUMN comments_checked_stored INTEGER")
        db.execute("ALTER TABLE feeds DROP COLUMN entry_digests")  # nor this (migration 16)
        db.execute("PRAGMA user_version = 11")

    ok(invoke(site, "fetch"))
    with Store(Site.load(site).store_path) as store:
        candidates = {c.key: c.channels for c in store.candidates("doku")}
        assert candidates == {page_key(seven): ("mention", "pingback"), page_key(eight): ("mention",)}
        assert all(page.reading for page in store.candidate_pages().values())
    ok(invoke(site, "roundup", "doku"))
    roundup = (site / "content" / "doku-rueckschau.md").read_text(encoding="utf-8")
    headings = [line for line in roundup.splitlines() if line.startswith("### ")]
    assert sorted(headings) == [f"### [Beitrag Nummer {n}]({base}/blog/?p={n})" for n in (7, 8)]


def test_a_page_the_edited_parade_file_accepts_is_listed_as_waiting_until_the_next_fetch(feed_server, tmp_path):
    """The host adds `Include` for a page rejected as out of the window: until the next fetch
    `parade status` listed it neither as a contribution nor as rejected (it seemed lost)."""
    base = feed_server.base_url
    call = f"{base}/host/aufruf/"
    early = Page("/jo/2026/alt/", "Ein früher Beitrag", "Jos Blog", OLD, [call])
    feed_server.route(early.path, respond(early.html(base), content_type=HTML_TYPE))
    site = doku_site_with_mentions(tmp_path, feed_server, call, [base + early.path])
    ok(invoke(site, "fetch"))
    before = ok(invoke(site, "parade", "status", "doku")).output
    assert "1 rejected:" in before and base + early.path in before
    parade = site / "content" / "parades" / "doku.md"
    unseen = f"{base}/ute/nachgereicht/"
    parade.write_text(parade.read_text(encoding="utf-8").replace(
        "Mentions:", f"Include: {base + early.path}\nInclude: {unseen}\nMentions:"), encoding="utf-8")
    waiting = ok(invoke(site, "parade", "status", "doku")).output
    assert "2 waiting for the next fetch (the parade's file changed):" in waiting, waiting
    assert f"  {base + early.path}: accepted, a contribution after the next fetch" in waiting
    assert f"  {unseen}: included, read at the next fetch" in waiting
    assert "0 rejected:" in waiting
    unseen_page = Page("/ute/nachgereicht/", "Nachgereicht", "Utes Blog", IN, [call])
    feed_server.route(unseen_page.path, respond(unseen_page.html(base), content_type=HTML_TYPE))
    ok(invoke(site, "fetch"))
    after = ok(invoke(site, "parade", "status", "doku")).output
    assert "2 contributions:" in after and "waiting" not in after, after
    # One taken down with `hide` is none of it: not waiting for a fetch that never makes it one.
    ok(invoke(site, "hide", base + early.path))
    ok(invoke(site, "fetch"))
    hidden = ok(invoke(site, "parade", "status", "doku")).output
    assert "1 contribution:" in hidden and "waiting" not in hidden and early.path not in hidden, hidden


def test_comments_written_after_a_contribution_was_found_are_read(feed_server, tmp_path):
    """A blog that never joined: its post found (its feed's entry said 0 comments), its readers
    commented later, and its comment feed was never asked again (the count of 0 was never
    refreshed: that blog's feed is not followed), the site said "Noch keine Kommentare" for good."""
    base = feed_server.base_url
    call = f"{base}/host/aufruf/"
    blog = Blog(f"{base}/hanna", "Hannas Blog", [Post(5, "beitrag", "Hannas Beitrag", IN)])
    [post] = blog.posts
    comments = blog.post_comments_rss_url(post).removeprefix(base)
    # The page names its blog's feed, whose entry for it says 0 comments.
    page = Page(blog.permalink(post).removeprefix(base), post.title, blog.name, IN, [call],
                feed=blog.posts_rss_url().removeprefix(base), comment_feed=comments)
    feed_server.route(page.path, respond(page.html(base), content_type=HTML_TYPE))
    route_documents(feed_server, blog.documents(), kinds=["posts.rss", "post-comments.rss"])
    site = doku_site_with_mentions(tmp_path, feed_server, call, [base + page.path])
    ok(invoke(site, "run"))
    assert "Hannas Beitrag" in ok(invoke(site, "parade", "status", "doku")).output
    post.comments.append(Comment(51, "Leserin", "Schöner Beitrag!", IN + timedelta(days=1)))
    route_documents(feed_server, blog.documents(), kinds=["posts.rss", "post-comments.rss"])
    ok(invoke(site, "run"))
    pages = [p.read_text(encoding="utf-8") for p in (site / "output" / "blogs").rglob("index.html")]
    assert any("Hannas Beitrag" in html and "Schöner Beitrag!" in html for html in pages)
