"""Acceptance: the checks the product owner runs, end to end through the real `blogparade` CLI.

Every test makes a site with `blogparade init` in a temporary folder, serves blogs from the
misbehaving loopback server (tests/servers.py), runs `join`/`fetch`/`build`/`run`/`status` through
Click's CliRunner (or as a real subprocess where time and memory are measured), and reads what a
visitor would get: the HTML in output/, parsed with lxml.
"""

from __future__ import annotations

import asyncio
import json
import os
import re
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
from click.testing import CliRunner

from aggregator.cli import cli
from aggregator.feeds.update import INLINE
from tests.acceptance_helpers import (
    BILLION_LAUGHS,
    THEME_TEMPLATES,
    XXE_PROBE,
    Answers,
    HostileEntry,
    dangers,
    explain,
    files_under,
    fragment_dangers,
    hostile_atom,
    hostile_rss,
    html_files,
    invoke,
    listing_titles,
    new_site,
    no_traceback,
    ok,
    parse_html,
    participant_files,
    participants_dir,
    passwd_needles,
    post_pages,
    run_measured,
    status_lines,
    status_rows,
    visible_text,
    write_participant,
)
from tests.feedmaker import Item, atom, rss
from tests.servers import (
    ATOM_TYPE,
    GB,
    HTML_TYPE,
    MB,
    RSS_TYPE,
    Blackhole,
    FeedServer,
    gzip_bomb,
    huge,
    random_body,
    redirect,
    reset,
    respond,
    stall,
    status,
    trickle,
    truncated,
)

LAST_MODIFIED = "Mon, 02 Mar 2026 10:00:00 GMT"
SUMMARY = re.compile(
    r"(\d+) feeds?: (\d+) fetched, (\d+) unchanged, (\d+) errors?; (\d+) new posts?, (\d+) updated"
)
MOJIBAKE = ("Ã¤", "Ã¶", "Ã¼", "ÃŸ", "Ã„", "Ã–", "Ãœ", "â€", "\ufffd")


def summary_numbers(output: str) -> dict[str, int]:
    match = SUMMARY.search(output)
    assert match, f"no fetch summary in:\n{output}"
    names = ("feeds", "fetched", "unchanged", "errors", "new", "updated")
    return dict(zip(names, map(int, match.groups())))


def html_page(title: str, head: str = "", body: str = "") -> bytes:
    return (
        f'<!doctype html><html lang="de"><head><meta charset="utf-8"><title>{title}</title>'
        f"{head}</head><body><h1>{title}</h1>{body}<p>Willkommen!</p></body></html>"
    ).encode("utf-8")


# ============================================================ 1. a dozen blogs join and publish


@dataclass(frozen=True)
class Blog:
    """One of the twelve blogs: how its home page announces its feed, how the feed is made."""

    number: int
    name: str
    format: str  # "rss" | "atom"
    feed_path: str  # where the feed is served
    link_href: str | None  # the home page's <link rel=alternate href>; None: no link tag
    encoding: str = "utf-8"  # the bytes on the wire and the XML declaration
    etag: bool = True
    last_modified: bool = True
    extra_head: str = ""  # more <head> content (a <base>, a comment feed announced first)
    home_path: str = ""  # default /bNN/
    relative_links: bool = False  # entry links relative, resolved by xml:base
    content_type: str | None = None  # default: the feed's type, without a charset
    bom: bool = False  # a UTF-8 byte order mark before the XML declaration

    @property
    def home(self) -> str:
        return self.home_path or f"/b{self.number:02d}/"


# Titles: umlauts, ß, German quotes, dashes; the Latin-1 blog only what Latin-1 can carry.
PHRASES = (
    "Größenwahn im Büro: „Schöne Grüße“ aus Köln",
    "Über Straßenbahnen, Fähren und Flüsse",
    "Äpfel, Birnen & Öfen – ein Vergleich",
    "Warum „Blogparaden“ Spaß machen",
    "Müßiggang für Fortgeschrittene",
    "Zwölf Boxkämpfer jagen Viktor quer über den großen Sylter Deich",
)
LATIN1_PHRASES = ("Grüße aus Überlingen: Spaß mit Öl", "Äußerst süße Größen, nein: «Maße»")


def blogs() -> list[Blog]:
    return [
        Blog(1, "Jörgs Werkstattblog", "rss", "/b01/feed.xml", "ABSOLUTE"),
        Blog(2, "Grünzeug & Gärten", "atom", "/b02/atom.xml", "atom.xml", last_modified=False),
        Blog(3, "Straßenfeger", "rss", "/b03/feed.xml", "/b03/feed.xml", etag=False),
        Blog(4, "Überlinger Seeblick", "rss", "/b04/rss.xml", "./rss.xml", encoding="iso-8859-1"),
        Blog(5, "Büchereule", "rss", "/b05/rss.xml", "rss.xml", encoding="windows-1252"),
        Blog(6, "Käsekuchen-Kolumne", "atom", "/b06/feeds/atom.xml", "../feeds/atom.xml",
             home_path="/b06/blog/"),
        Blog(7, "Mäuse & Männer", "rss", "/b07/posts.xml", "posts.xml",
             extra_head='<link rel="alternate" type="application/rss+xml" title="Kommentare" '
                        'href="/b07/comments.xml">'),
        Blog(8, "Löwenzahn", "atom", "/b08/x/atom.xml", "atom.xml",
             extra_head='<base href="/b08/x/">'),
        Blog(9, "Fußnoten", "rss", "/b09/feed.rss", "/b09/feed.rss", last_modified=False,
             content_type="text/html; charset=ISO-8859-1"),  # old Apache default, UTF-8 body
        Blog(10, "Ölmühle", "atom", "/b10/feeds/atom.xml", "feeds/atom.xml", relative_links=True),
        Blog(11, "Spätlese", "rss", "/b11/index.xml", "index.xml", home_path="/b11/index.html",
             bom=True, content_type="text/xml"),
        Blog(12, "Querköpfe ohne Link", "rss", "/b12/feed/", None),
    ]  # fmt: skip


def blog_items(blog: Blog, base: str) -> list[Item]:
    phrases = LATIN1_PHRASES if blog.encoding == "iso-8859-1" else PHRASES
    items = []
    for i in (1, 2):
        phrase = phrases[(blog.number + i) % len(phrases)]
        path = f"2026/beitrag-{i}/"
        link = path if blog.relative_links else f"{base}/b{blog.number:02d}/{path}"
        items.append(Item(
            guid=f"urn:blog{blog.number}:post{i}",
            title=f"{phrase} Nr. {blog.number}.{i}",
            link=link,
            published=datetime(2026, 3, blog.number, 8 + i, 0, tzinfo=UTC),
            body=f"<p>Körpergröße-{blog.number}-{i}: Straße, Öl und Übermut.</p>"
                 f'<p><a href="/b{blog.number:02d}/about/">Über mich</a></p>',
            author="Jürgen Weiß",
        ))  # fmt: skip
    return items


def feed_bytes(blog: Blog, base: str) -> bytes:
    items = blog_items(blog, base)
    home = f"{base}{blog.home}"
    if blog.format == "rss":
        text = rss(items, title=blog.name, link=home)
        declaration = '<?xml version="1.0" encoding="UTF-8"?>'
    else:
        text = atom(items, title=blog.name, link=home)
        declaration = '<?xml version="1.0" encoding="utf-8"?>'
        if blog.relative_links:  # entry links relative to the blog's folder, as xml:base says
            text = text.replace("<feed ", f'<feed xml:base="/b{blog.number:02d}/" ', 1)
    assert text.startswith(declaration)
    text = text.replace(declaration, f'<?xml version="1.0" encoding="{blog.encoding}"?>', 1)
    return (b"\xef\xbb\xbf" if blog.bom else b"") + text.encode(blog.encoding)


def serve_blogs(server: FeedServer, answers: Answers) -> list[Blog]:
    base = server.base_url
    every = blogs()
    for blog in every:
        head = blog.extra_head
        if blog.link_href is not None:
            href = f"{base}{blog.feed_path}" if blog.link_href == "ABSOLUTE" else blog.link_href
            kind = "application/rss+xml" if blog.format == "rss" else "application/atom+xml"
            head += f'<link rel="alternate" type="{kind}" title="{blog.name}" href="{href}">'
        server.route(blog.home, respond(html_page(blog.name, head), content_type=HTML_TYPE))
        # Labelled without a charset: the XML declaration has to decide (Latin-1, windows-1252).
        content_type = blog.content_type or (
            "application/rss+xml" if blog.format == "rss" else "application/atom+xml"
        )
        server.route(blog.feed_path, answers.record(respond(
            feed_bytes(blog, base), content_type=content_type,
            etag=f'"blog{blog.number}-v1"' if blog.etag else None,
            last_modified=LAST_MODIFIED if blog.last_modified else None,
        )))  # fmt: skip
    comments = rss([Item("c1", "Kommentar von Anna", f"{base}/b07/c1")], title="Kommentare")
    server.route("/b07/comments.xml", respond(comments.encode()))
    return every


def expected_posts(blog: Blog, base: str) -> dict[str, str]:
    """title -> the original post's absolute URL."""
    return {
        item.title: f"{base}/b{blog.number:02d}/2026/beitrag-{i}/"
        for i, item in enumerate(blog_items(blog, base), start=1)
    }


@pytest.mark.slow
def test_a_dozen_blogs_join_by_their_home_pages_and_publish_intact(feed_server, tmp_path):
    answers = Answers()
    every = serve_blogs(feed_server, answers)
    base = feed_server.base_url
    site = new_site(tmp_path / "site")

    for blog in every:
        result = ok(invoke(site, "join", f"{base}{blog.home}"))
        written = re.search(r"^Wrote (.+)$", result.output, re.M)
        assert written, explain(result)
        document = Path(written.group(1)).read_text(encoding="utf-8")
        assert f'feed = "{base}{blog.feed_path}"' in document, (blog.name, document)
        assert f'name = "{blog.name}"' in document, (blog.name, document)
    assert len(list(participants_dir(site).glob("*.toml"))) == 12

    result = ok(invoke(site, "fetch"))
    assert summary_numbers(result.output) == dict(
        feeds=12, fetched=12, unchanged=0, errors=0, new=24, updated=0
    ), result.output
    ok(invoke(site, "build"))

    output = site / "output"
    posts = {t: u for blog in every for t, u in expected_posts(blog, base).items()}
    assert len(posts) == 24
    pages = post_pages(output)
    for title, original in posts.items():
        assert title in pages, f"no page for {title!r}; pages: {sorted(pages)}"
        page = pages[title]
        assert original in page.original_links, (title, page.original_links)
    assert set(posts) == set(pages), "pages for posts that were never published"
    for blog in every:  # byline with the blog's name and the body's text, umlauts intact
        for i, title in enumerate(expected_posts(blog, base), start=1):
            assert blog.name in pages[title].text
            assert f"Körpergröße-{blog.number}-{i}: Straße, Öl und Übermut." in pages[title].text
    assert set(posts) <= listing_titles(output, "archives/index.html")
    assert set(posts) <= listing_titles(output, "index.html")
    for path in html_files(output):
        text = visible_text(parse_html(path))
        assert not [m for m in MOJIBAKE if m in text], (path, [m for m in MOJIBAKE if m in text])

    # A second fetch: every feed asked conditionally, every one answered 304, nothing parsed;
    # and a third, to see that a 304 keeps the caching state for the next night.
    for _ in ("second", "third"):
        mark = len(answers.log)
        result = ok(invoke(site, "fetch"))
        assert summary_numbers(result.output) == dict(
            feeds=12, fetched=0, unchanged=12, errors=0, new=0, updated=0
        ), result.output
        asked = answers.since(mark)
        assert sorted(path for path, _, _ in asked) == sorted(b.feed_path for b in every)
        by_path = {path: (code, headers) for path, code, headers in asked}
        for blog in every:
            code, headers = by_path[blog.feed_path]
            if blog.etag:
                etag = f'"blog{blog.number}-v1"'
                assert headers.get("if-none-match") == etag, (blog.name, headers)
            if blog.last_modified:
                assert headers.get("if-modified-since") == LAST_MODIFIED, (blog.name, headers)
            assert code == 304, (blog.name, code, headers)


# ====================================================================== 2. join refuses clearly


@pytest.fixture
def joinable(tmp_path):
    """A site, a blog that can join (feed at /dup/feed/, also answering without the slash),
    and a page that has no feed at all, on a host with no other feeds anywhere."""
    with FeedServer({"/500": status(500)}, defaults=False) as feed_server:
        yield _joinable(feed_server, tmp_path)


def _joinable(feed_server: FeedServer, tmp_path: Path) -> tuple[Path, str]:
    base = feed_server.base_url
    item = Item("d1", "Doppelt gemoppelt", f"{base}/dup/1/", datetime(2026, 3, 1, tzinfo=UTC))
    feed = rss([item], title="Doppelblog", link=f"{base}/dup/").encode()
    feed_server.route("/dup/feed/", respond(feed, etag='"d1"'))
    feed_server.route("/dup/feed", respond(feed, etag='"d1"'))
    head = f'<link rel="alternate" type="application/rss+xml" href="{base}/dup/feed/">'
    feed_server.route("/dup/", respond(html_page("Doppelblog", head), content_type=HTML_TYPE))
    feed_server.route("/ohne/", respond(html_page("Kein Feed hier"), content_type=HTML_TYPE))
    quick = "BLOGPARADE_TIMEOUT = 3\nBLOGPARADE_CONNECT_TIMEOUT = 2"
    return new_site(tmp_path / "site", quick), base


def refused(site: Path, url: str, *, message: str) -> str:
    before = participant_files(site)
    result = invoke(site, "join", url)
    assert result.exit_code != 0, explain(result)
    no_traceback(result)
    assert re.search(message, result.output, re.I), explain(result)
    assert participant_files(site) == before, "join wrote or changed a participant file"
    return result.output


def test_join_refuses_a_page_without_a_feed(joinable):
    site, base = joinable
    refused(site, f"{base}/ohne/", message=r"no usable feed found at .*/ohne/")
    refused(site, f"{base}/gibt-es-nicht/", message=r"no usable feed|cannot fetch")
    refused(site, f"{base}/500", message=r"500")


@pytest.mark.parametrize(
    "url",
    [
        "kein-url", "", "ftp://127.0.0.1/feed.xml", "http://", "javascript:alert(1)",
        "//127.0.0.1/x", "http://exa mple.de/", "http://127.0.0.1:99999/", "http://[::1/",
        "file:///etc/passwd",
    ],  # fmt: skip
)
def test_join_refuses_an_invalid_url(joinable, url):
    site, _ = joinable
    refused(site, url, message=r"not an http\(s\) URL")


def test_join_refuses_a_blog_that_is_already_on_the_site(joinable):
    site, base = joinable
    ok(invoke(site, "join", f"{base}/dup/feed/"))
    [(name, first)] = [(n, b) for n, b in participant_files(site).items() if n.endswith(".toml")]

    for spelling in (
        f"{base}/dup/feed/",  # the same URL again
        f"{base}/dup/feed",  # without the trailing slash
        f"{base}/dup/",  # by its home page
        f"  {base}/dup/feed/  ",  # pasted with blanks
    ):
        refused(site, spelling, message=r"already on the site")

    # Joined earlier under its https address (as the real blog announces it): the http spelling
    # is the same blog.
    path = participants_dir(site) / name
    path.write_text(first.decode().replace(f"{base}", base.replace("http:", "https:")))
    refused(site, f"{base}/dup/feed/", message=r"already on the site")


def test_join_names_a_duplicate_even_when_its_other_spelling_cannot_be_fetched(joinable):
    site, base = joinable
    ok(invoke(site, "join", f"{base}/dup/feed/"))
    # Loopback has no TLS: only a check before fetching can tell this is the same feed.
    refused(site, base.replace("http:", "https:") + "/dup/feed/", message=r"already on the site")


# ============================================================== 3. nothing stored disappears


def window_title(n: int) -> str:
    return f"Fensterbeitrag {n}: Grüße aus Übersee"


def window(first: int, last: int, base: str) -> bytes:
    items = [
        Item(f"fenster-{n}", window_title(n), f"{base}/fenster/{n}/",
             datetime(2026, 2, 1, tzinfo=UTC) + timedelta(days=n), f"<p>Inhalt {n}, äöüß.</p>")
        for n in range(first, last + 1)
    ]  # fmt: skip
    return rss(items, title="Schiebefenster", link=f"{base}/fenster/").encode()


def published_titles(site: Path) -> set[str]:
    """Titles of the posts on the site: each with its own page, each in the archive."""
    pages = set(post_pages(site / "output"))
    assert listing_titles(site / "output", "archives/index.html") == pages
    return pages


@pytest.mark.slow
def test_nothing_stored_disappears_when_a_feed_moves_on_breaks_and_turns_to_junk(
    feed_server, tmp_path
):
    base = feed_server.base_url
    site = new_site(tmp_path / "site")
    feed = feed_server.route("/fenster/feed/", respond(window(1, 5, base), etag='"w1"'))
    write_participant(site, "fenster", "Schiebefenster", feed, f"{base}/fenster/")
    expected = {window_title(n) for n in range(1, 9)}

    def fetch_build_status() -> str:
        # Nights in quick succession: --all asks the feed that, failing again, would wait.
        ok(invoke(site, "fetch", "--all"))
        ok(invoke(site, "build"))
        return ok(invoke(site, "status")).output

    line = fetch_build_status()
    assert published_titles(site) == {window_title(n) for n in range(1, 6)}
    assert "\tok\t" in line and "5 posts" in line, line

    feed_server.route("/fenster/feed/", respond(window(4, 8, base), etag='"w2"'))
    line = fetch_build_status()
    assert published_titles(site) == expected
    assert "\tok\t" in line and "8 posts" in line, line

    # A valid feed that lists nothing any more: nothing goes.
    feed_server.route("/fenster/feed/", respond(window(9, 8, base), etag='"w3"'))
    line = fetch_build_status()
    assert published_titles(site) == expected
    assert "\tok\t" in line and "8 posts" in line, line

    for broken, kind in (
        (status(500), "http: 500"),
        (random_body(3000, seed=7), "not-a-feed"),
        (status(410), "gone"),  # retired for good: still the site's history
    ):
        feed_server.route("/fenster/feed/", broken)
        line = fetch_build_status()
        assert published_titles(site) == expected, kind
        assert f"error: {kind}" in line and "8 posts" in line, line

    # The editors switch the blog off: its posts stay.
    path = participants_dir(site) / "fenster.toml"
    path.write_text(path.read_text(encoding="utf-8") + "active = false\n", encoding="utf-8")
    line = fetch_build_status()
    assert published_titles(site) == expected
    # Not read any more: status says so, not the last read's error and a next try it never gets.
    assert "\tinactive, not fetched (its last read: error: gone" in line and "next try" not in line, line


# ================================================================ 4. broken servers among healthy

QUICK = """
BLOGPARADE_TIMEOUT = 3
BLOGPARADE_CONNECT_TIMEOUT = 2
BLOGPARADE_MAX_BYTES = 5 * 1024 * 1024
"""

HTML_NOT_A_FEED = html_page(
    "Nur eine Seite", '<link rel="stylesheet" href="/style.css">', "<p>Kein Feed, nur HTML.</p>"
)

# name -> (route on the broken server, what `status` must say about it)
BROKEN = {
    "Kaputt 500": (status(500), "error: http: 500"),
    "Kaputt 404": (status(404), "error: http: 404"),
    "Kaputt 410": (status(410), "error: gone: "),
    "Kaputt Reset": (reset(), "error: connection: "),
    "Kaputt abgeschnitten": (truncated(), "error: connection: "),
    "Kaputt tröpfelt": (trickle(), "error: timeout: "),
    "Kaputt schweigt": (stall(), "error: timeout: "),
    "Kaputt riesig": (huge(500 * MB), "error: too-large: "),
    "Kaputt riesig angesagt": (huge(500 * MB, content_length=True), "error: too-large: "),
    "Kaputt Gzip-Bombe": (gzip_bomb(1 * GB), "error: too-large: "),
    "Kaputt Schleife": (redirect("/kaputt-schleife", 302), "error: redirects: "),
    "Kaputt HTML": (respond(HTML_NOT_A_FEED, content_type=HTML_TYPE), "error: not-a-feed: "),
    "Kaputt leer": (respond(b""), "error: empty: "),
    "Kaputt Zufall": (random_body(8000, seed=3), "error: not-a-feed: "),
    "Kaputt Lachsalve": (respond(BILLION_LAUGHS), "error: entities: "),
    "Kaputt XXE": (respond(XXE_PROBE), "error: entities: "),
    "Kaputt Firewall": (None, "error: timeout: "),  # a host whose port never accepts (Blackhole)
}


def healthy_title(blog: int, post: int) -> str:
    return f"Gesunder Beitrag {blog}.{post} – Grüße von „Heile Welt“"


def serve_healthy(server: FeedServer, count: int) -> dict[str, str]:
    """`count` healthy feeds (RSS and Atom), 3 posts each; name -> feed URL."""
    feeds = {}
    for blog in range(1, count + 1):
        items = [
            Item(f"heil-{blog}-{n}", healthy_title(blog, n), f"{server.base_url}/heil{blog}/{n}/",
                 datetime(2026, 4, blog, n, tzinfo=UTC), f"<p>Alles heil in Blog {blog}.{n}.</p>")
            for n in (1, 2, 3)
        ]  # fmt: skip
        if blog % 2:
            body, kind = rss(items, title=f"Heil {blog}"), RSS_TYPE
        else:
            body, kind = atom(items, title=f"Heil {blog}"), ATOM_TYPE
        path = f"/heil{blog}/feed"
        server.route(path, respond(body.encode(), content_type=kind, etag=f'"heil{blog}"'))
        feeds[f"Heil {blog}"] = server.url(path)
    return feeds


@pytest.mark.slow
def test_broken_servers_among_healthy_feeds_cost_one_feed_each(feed_server, tmp_path, capsys):
    site = new_site(tmp_path / "site", QUICK)
    healthy = serve_healthy(feed_server, 6)
    for number, (name, url) in enumerate(healthy.items(), start=1):
        write_participant(site, f"heil-{number}", name, url)
    routes = {f"/kaputt-{n}": h for n, (h, _) in enumerate(BROKEN.values()) if h is not None}
    routes["/kaputt-schleife"] = redirect(f"/kaputt-{list(BROKEN).index('Kaputt Schleife')}", 302)
    with FeedServer(routes, defaults=False) as broken, Blackhole() as firewalled:
        for n, name in enumerate(BROKEN):
            url = firewalled if name == "Kaputt Firewall" else broken.url(f"/kaputt-{n}")
            write_participant(site, f"kaputt-{n}", name, url)

        fetched = run_measured(site, "fetch")
        built = run_measured(site, "build")
        with capsys.disabled():
            print(
                f"\n[broken servers] fetch {fetched.seconds:.1f} s, "
                f"peak {fetched.max_rss_mb:.0f} MB; "
                f"build {built.seconds:.1f} s, peak {built.max_rss_mb:.0f} MB"
            )
        assert fetched.returncode == 0, (fetched.stdout, fetched.stderr)
        assert "Traceback" not in fetched.stderr + fetched.stdout, fetched.stderr
        assert summary_numbers(fetched.stdout) == dict(
            feeds=6 + len(BROKEN), fetched=6, unchanged=0, errors=len(BROKEN), new=18, updated=0
        ), fetched.stdout
        assert built.returncode == 0, (built.stdout, built.stderr)
        assert fetched.seconds < 30, "a broken server held the run far beyond its timeouts"
        assert fetched.seconds + built.seconds < 60
        assert fetched.max_rss_mb < 512 and built.max_rss_mb < 512

        # Every healthy post is on the site: its own page and the archive.
        output = site / "output"
        titles = {healthy_title(b, n) for b in range(1, 7) for n in (1, 2, 3)}
        assert titles <= set(post_pages(output))
        assert titles <= listing_titles(output, "archives/index.html")
        assert len(post_pages(output)) == 18

        # Nothing of /etc/passwd anywhere: not in the site, the export or the store.
        for path in files_under(output, site / "content", *site.glob("*.sqlite*")):
            data = path.read_bytes()
            for needle in passwd_needles():
                assert needle not in data, f"{needle!r} in {path}"

        # status: one line per participant, naming each error.
        check_status(site, healthy)

        # --strict turns the same run into a failure; without it a run with failures is fine.
        strict = run_measured(site, "fetch", "--strict")
        assert strict.returncode == 1, (strict.stdout, strict.stderr)
        assert "Traceback" not in strict.stderr + strict.stdout, strict.stderr
        # The 410 feed is retired: not asked, and no error of this run (it would fail every
        # --strict run after it for good); the summary names it apart.
        assert summary_numbers(strict.stdout) == dict(
            feeds=6 + len(BROKEN), fetched=0, unchanged=6, errors=len(BROKEN) - 1, new=0, updated=0
        ), strict.stdout
        for name in BROKEN:
            assert f"  {name} (" in strict.stdout, (name, strict.stdout)
        assert "Kaputt 410" in strict.stdout.split("retired, it answered 410 Gone")[0].splitlines()[-1]
        check_status(site, healthy)  # the second run's errors are the same ones


def check_status(site: Path, healthy: dict[str, str]) -> None:
    report = ok(invoke(site, "status")).output
    lines = status_lines(report)
    assert len(status_rows(report)) == len(healthy) + len(BROKEN), report
    assert set(lines) == set(healthy) | set(BROKEN), report
    for name in healthy:
        assert lines[name].split("\t")[2] == "ok" and "\t3 posts" in lines[name], lines[name]
    for name, (_, says) in BROKEN.items():
        health = lines[name].split("\t")[2]
        assert health.startswith(says), (name, lines[name])
        assert "\t0 posts" in lines[name] and "last success: never" in lines[name], lines[name]


def test_a_reset_in_the_same_process_is_a_connection_error_even_with_the_parser_pool(
    feed_server, tmp_path
):
    # The servers run in threads of this process, as `blogparade demo` serves its blogs.
    site = new_site(tmp_path / "site", QUICK)
    for name, url in serve_healthy(feed_server, 4).items():
        write_participant(site, name.lower().replace(" ", "-"), name, url)
    # More feeds never fetched than update.INLINE: the pool is started at once.
    for n in range(INLINE):
        item = Item(f"mehr-{n}", f"Noch ein Blog {n}", f"{feed_server.base_url}/mehr{n}/1/")
        url = feed_server.route(f"/mehr{n}/feed", respond(rss([item]).encode()))
        write_participant(site, f"mehr-{n}", f"Mehr {n}", url)

    def later(handler):  # noqa: ANN001, ANN202  answer once the pool has started (at 1st parse)
        async def delayed(request):  # noqa: ANN001, ANN202
            await asyncio.sleep(0.5)
            await handler(request)

        return delayed

    with FeedServer({"/reset": later(reset()), "/cut": later(truncated())}, defaults=False) as other:
        write_participant(site, "reset", "Reset", other.url("/reset"))
        write_participant(site, "cut", "Abgeschnitten", other.url("/cut"))
        result = ok(invoke(site, "fetch"))
    for name in ("Reset", "Abgeschnitten"):
        said = rf"^  {name} \(.*\): error: connection: "
        assert re.search(said, result.output, re.M), result.output


# =========================================================================== 5. XSS end to end

XSS_FEEDS = 4


def xss_entries(vectors: list[str], feed: int, base: str) -> list[HostileEntry]:
    """Feed `feed` gets every XSS_FEEDS-th vector: in the body beside its marker, in the title
    beside its title marker, and as author, category and link (a third of the links with the
    vector in the query of a real URL, the rest the vector itself)."""
    start = datetime(2026, 1, 1, tzinfo=UTC)
    return [
        HostileEntry(
            guid=f"xss-{n}",
            title=f"[Harmlos-T{n}] {vector}",
            link=vector if n % 3 else f"{base}/xss/{n}/?{vector}",
            author=vector,
            category=vector,
            body=f"<p>[Harmlos-{n}]</p>{vector}",
            published=(start + timedelta(hours=n)).strftime("%Y-%m-%dT%H:%M:%SZ"),
        )
        for n, vector in enumerate(vectors)
        if n % XSS_FEEDS == feed
    ]


def markers(text: str, prefix: str) -> set[int]:
    """The numbers of the [<prefix><n>] markers in a text (brackets: a vector may start with
    digits)."""
    return {int(n) for n in re.findall(rf"\[{prefix}(\d+)\]", text)}


# The theme's own scripts, styles and forms: dangers() allows exactly these (THEME_OWN).
THEME_OWN_ELEMENTS = {"base.html": ["<style", "<form"], "search.html": ["<script", "<form"]}


def test_the_theme_brings_no_scripts_of_its_own():
    """The XSS check counts every <script> in output/ as injected, but the few the theme puts
    where dangers() knows them (THEME_OWN): none elsewhere."""
    templates = list(THEME_TEMPLATES.rglob("*.html"))
    assert templates
    for template in templates:
        text = template.read_text(encoding="utf-8").lower()
        found = [m[0] for m in re.finditer(r"<(script|style|iframe|object|embed|form|base)\b", text)]
        assert found == THEME_OWN_ELEMENTS.get(template.name, []), template
        assert not re.search(r"\son[a-z]+\s*=", text), template  # no event handlers
        assert "javascript:" not in text, template


@pytest.mark.corpus
@pytest.mark.slow
def test_xss_vectors_from_feeds_never_reach_a_page_as_code(corpus, feed_server, tmp_path, capsys):
    vectors = json.loads((corpus / "xss-vectors" / "xss_vectors.json").read_text(encoding="utf-8"))
    assert len(vectors) == 811 and all(isinstance(v, str) for v in vectors)
    # Controls XML cannot carry (`<scr\x00ipt>`, `java\x03script:`) go in as character
    # references, which the HTML parsers downstream decode (acceptance_helpers.xml_safe).
    base = feed_server.base_url
    site = new_site(tmp_path / "site", "FEED_MAX_ITEMS = 1000  # every vector in the Atom feeds")
    for feed in range(XSS_FEEDS):
        entries = xss_entries(vectors, feed, base)
        make = hostile_rss if feed % 2 else hostile_atom
        # The feed's own title is a vector too: `join` names the participant after it.
        body = make(f"Harmlos-Blog{feed} {vectors[feed]}", f"{base}/xss{feed}/", entries)
        url = feed_server.route(f"/xss{feed}/feed", respond(body, etag=f'"x{feed}"'))
        joined = ok(invoke(site, "join", url))
        path = Path(re.search(r"^Wrote (.+)$", joined.output, re.M).group(1))
        with open(path, "a", encoding="utf-8") as file:  # whole bodies on the post pages
            file.write('display = "full"\n')

    started = time.perf_counter()
    fetched = ok(invoke(site, "fetch"))
    assert summary_numbers(fetched.output)["new"] == 811, fetched.output
    fetch_seconds = time.perf_counter() - started
    ok(invoke(site, "build"))
    build_seconds = time.perf_counter() - started - fetch_seconds

    output = site / "output"
    pages = html_files(output)
    body_markers: set[int] = set()
    title_markers: set[int] = set()
    problems: dict[str, list[str]] = {}
    for path in pages:
        doc = parse_html(path)
        found = dangers(doc)
        if found:
            problems[str(path.relative_to(output))] = found
        text = visible_text(doc)
        body_markers |= markers(text, "Harmlos-")
        title_markers |= markers(text, "Harmlos-T")
    with capsys.disabled():
        print(f"\n[xss] {len(pages)} pages; fetch {fetch_seconds:.1f} s, "
              f"build {build_seconds:.1f} s")
    assert not problems, json.dumps(dict(list(problems.items())[:20]), indent=1, ensure_ascii=False)
    assert body_markers == set(range(811)), sorted(set(range(811)) - body_markers)[:50]
    assert title_markers == set(range(811)), sorted(set(range(811)) - title_markers)[:50]

    # The site's Atom feeds, read raw (feedparser's own sanitiser off): no script in any entry.
    feeds = sorted((output / "feeds").rglob("*.xml"))
    assert (output / "feeds" / "all.atom.xml") in feeds and len(feeds) > XSS_FEEDS, feeds
    in_feeds: set[int] = set()
    for path in feeds:
        parsed = feedparser.parse(str(path), sanitize_html=False, resolve_relative_uris=False)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        assert parsed.entries, path
        for entry in parsed.entries:
            # A plain-text title may spell "<script>": it is text, escaped, and never markup.
            # Only what the feed declares as HTML can carry code.
            details = [*entry.get("content", []), entry.get("summary_detail"), entry.get("title_detail")]
            fields = [d.value for d in details if d and d.type in ("text/html", "application/xhtml+xml")]
            assert entry.get("title_detail") and entry.title_detail.type == "text/plain", entry.get("id")
            in_feeds |= markers(entry.get("title", ""), "Harmlos-")
            for field in fields:
                assert "<script" not in field.lower(), (path, entry.get("id"), field[:200])
                assert not fragment_dangers(field), (path, entry.get("id"), fragment_dangers(field))
                in_feeds |= markers(field, "Harmlos-")
    assert in_feeds == set(range(811)), sorted(set(range(811)) - in_feeds)[:50]


# ============================================================ 6. status, strict, config errors


def one_blog(server: FeedServer, name: str = "Heil") -> str:
    items = [Item(f"{name}-1", f"{name}: Grüße", f"{server.base_url}/{name}/1/",
                  datetime(2026, 5, 1, tzinfo=UTC))]  # fmt: skip
    return server.route(f"/{name}/feed", respond(rss(items, title=name).encode(), etag='"1"'))


def test_fetch_with_an_invalid_participant_file_fetches_the_others_and_names_the_file(
    feed_server, tmp_path
):
    site = new_site(tmp_path / "site")
    write_participant(site, "heil", "Heil", one_blog(feed_server))
    folder = participants_dir(site)
    (folder / "kaputt.toml").write_text('name = "Kaputt\nfeed = ', encoding="utf-8")
    write_participant(site, "unbekannt", "X", "http://127.0.0.1:1/feed", farbe="rot")
    write_participant(site, "kein-http", "Y", "ftp://x/feed", "https://y/")

    result = invoke(site, "fetch")
    assert result.exit_code == 1, explain(result)
    no_traceback(result)
    for named in ("kaputt.toml", "unbekannt.toml", "kein-http.toml"):
        assert named in result.output, explain(result)
    assert "farbe" in result.output and "ftp://x/feed" in result.output, explain(result)
    assert feed_server.hits("/Heil/feed") == 1
    assert summary_numbers(result.output)["new"] == 1, result.output
    line = status_lines(ok(invoke(site, "status")).output)["Heil"]
    assert "\tok\t" in line and "\t1 post\t" in line, line
    # For scripts the JSON says which files were not read, not only stderr.
    document = json.loads(CliRunner().invoke(cli, ["--site", str(site), "status", "--json"]).stdout)
    assert [blog["slug"] for blog in document["blogs"]] == ["heil"]
    named = " ".join(document["participant_file_problems"])
    assert all(name in named for name in ("kaputt.toml", "unbekannt.toml", "kein-http.toml")), named

    check = invoke(site, "check")
    assert check.exit_code == 2 and "kaputt.toml" in check.output, explain(check)


def unwritable_folder(tmp_path: Path) -> Path:
    """A folder nobody can create files in: /proc even for root (tests may run as root, who
    ignores permissions), else a folder without write permission."""
    probe = Path("/proc") / f"blogparade-probe-{os.getpid()}"
    try:
        probe.touch()
    except OSError:
        return probe.parent
    probe.unlink()
    if os.geteuid() == 0:
        pytest.skip("no folder this root user cannot write to")
    folder = tmp_path / "nur-lesen"
    folder.mkdir(mode=0o555)
    return folder


@pytest.mark.parametrize(
    "where", ["missing folder", "unwritable folder", "a file, not a folder", "not a database"]
)
def test_a_store_that_cannot_be_opened_is_a_message_not_a_traceback(tmp_path, where):
    blocker = tmp_path / "blocker"
    blocker.write_text("Kein Ordner und keine Datenbank, nur Text.\n" * 100)
    if where == "unwritable folder":
        store = unwritable_folder(tmp_path) / f"blogparade-{os.getpid()}.sqlite"
    else:
        store = {
            "missing folder": tmp_path / "gibt-es-nicht" / "store.sqlite",
            "a file, not a folder": blocker / "store.sqlite",
            "not a database": blocker,
        }[where]
    site = new_site(tmp_path / "site", f"BLOGPARADE_STORE = {str(store)!r}")
    write_participant(site, "x", "X", "http://127.0.0.1:9/feed")
    for command in (["fetch"], ["build"], ["status"], ["run"]):
        result = invoke(site, *command)
        assert result.exit_code == 1, (command, explain(result))
        no_traceback(result)
        said = rf"^Error: cannot \w+ store {re.escape(str(store))}: "
        assert re.search(said, result.output, re.M), (command, explain(result))
    assert blocker.read_text() == "Kein Ordner und keine Datenbank, nur Text.\n" * 100
    assert not (tmp_path / "gibt-es-nicht").exists()
    assert where == "not a database" or not store.exists()


@pytest.mark.parametrize("what", ["an empty folder", "a missing folder", "a file"])
def test_site_that_is_not_a_site_exits_2_with_a_clear_message(tmp_path, what):
    target = tmp_path / "nowhere"
    if what == "an empty folder":
        target.mkdir()
    elif what == "a file":
        target.write_text("x")
    for command in (["fetch"], ["build"], ["status"], ["run"], ["join", "http://127.0.0.1:9/"]):
        result = invoke(target, *command)
        assert result.exit_code == 2, (command, explain(result))
        assert isinstance(result.exception, SystemExit), explain(result)
        assert "Traceback" not in result.output
        if what != "a file":  # click itself refuses a file for --site, with its own message
            assert "is not a blogparade site" in result.output, explain(result)
            assert "blogparade init" in result.output, explain(result)
        else:
            assert "--site" in result.output, explain(result)


# =========================================================== 7. run does not rebuild needlessly


@pytest.mark.slow
def test_run_twice_builds_once_and_rebuilds_when_the_output_is_gone(feed_server, tmp_path):
    site = new_site(tmp_path / "site")
    write_participant(site, "heil", "Heil", one_blog(feed_server))
    index = site / "output" / "index.html"

    first = ok(invoke(site, "run"))
    assert "Built " in first.output and index.is_file(), first.output
    stamps = {p: p.stat().st_mtime_ns for p in (site / "output").rglob("*") if p.is_file()}
    time.sleep(0.05)  # a rebuild now would leave different mtimes even on a coarse clock

    second = ok(invoke(site, "run"))
    assert "up to date" in second.output and "Built " not in second.output, second.output
    assert summary_numbers(second.output)["unchanged"] == 1, second.output
    assert {p: p.stat().st_mtime_ns for p in stamps if p.exists()} == stamps

    index.unlink()
    third = ok(invoke(site, "run"))
    assert "Built " in third.output and "up to date" not in third.output, third.output
    assert index.is_file() and "Heil: Grüße" in index.read_text(encoding="utf-8")


def test_a_control_character_in_one_post_does_not_break_the_site_build(feed_server, tmp_path):
    """&#27; of an ANSI colour code decodes to a raw ESC, which Pelican's Atom writer refuses:
    one such post must not fail the whole site's build (fixed in publish.xml_safe)."""
    base = feed_server.base_url
    site = new_site(tmp_path / "site")  # default settings: the newest 50 posts in the feeds
    items = [
        Item("farben", "Bunte Shells", f"{base}/shell/farben/", datetime(2026, 6, 2, tzinfo=UTC),
             "<p>Rot wird es mit <code>&#27;[31m</code>, normal mit <code>&#x1b;[0m</code>.</p>"),
        Item("vorher", "Ein ganz normaler Beitrag", f"{base}/shell/vorher/",
             datetime(2026, 6, 1, tzinfo=UTC), "<p>Nichts Besonderes.</p>"),
    ]  # fmt: skip
    feed_server.route("/shell/feed", respond(rss(items, title="Shellkunde").encode()))
    ok(invoke(site, "join", f"{base}/shell/feed"))
    ok(invoke(site, "fetch"))
    built = invoke(site, "build")
    assert built.exit_code == 0, explain(built)
    assert {"Bunte Shells", "Ein ganz normaler Beitrag"} <= set(post_pages(site / "output"))
    parsed = feedparser.parse(str(site / "output" / "feeds" / "all.atom.xml"))
    assert not parsed.bozo and len(parsed.entries) == 2
