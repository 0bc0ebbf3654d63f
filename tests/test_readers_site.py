"""The readers' site, read as files (issue 13): blogs' descriptions, freshness, sharing tags, the
search index, sitemap and robots.txt, the archive by month, "Mitmachen"'s contact links.

The browser's view of the same (search typed in, axe, vnu) is tests/test_readers_browser.py.
"""

from __future__ import annotations

import json
import re
import sqlite3
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup

from aggregator.feeds.update import parse_posts
from aggregator.models import Participant
from aggregator.site import Site
from aggregator.store import MIGRATIONS, Store
from aggregator.website.build import build_site, needs_build
from aggregator.website.export import FEEDS_FILE, FeedFacts
from aggregator.website.search import MISSING, indexer
from tests.acceptance_helpers import invoke, new_site, ok, write_participant
from tests.servers import ATOM_TYPE, redirect, respond
from tests.test_build import ACME, ANNA, OWN_ARTICLE, T, fill_store, make_site, post

SITEMAP_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ANNAS_WORDS = "Gedanken aus dem Homeoffice, seit 2023."
ATOM = "{http://www.w3.org/2005/Atom}"
ATOM_WITH_SUBTITLE = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>Annas Blog</title>
<subtitle type="html">Gedanken aus dem &lt;em&gt;Homeoffice&lt;/em&gt;, seit 2023.</subtitle>
<link href="https://anna.example/"/><id>https://anna.example/</id><updated>2026-11-02T09:30:00Z</updated>
<entry><title>Hallo</title><link href="https://anna.example/hallo/"/><id>https://anna.example/hallo/</id>
<updated>2026-11-02T09:30:00Z</updated><content type="html">&lt;p&gt;Hallo.&lt;/p&gt;</content></entry></feed>"""


def soup(site: Site, path: str) -> BeautifulSoup:
    file = site.output / path if path.endswith((".html", ".xml")) else site.output / path / "index.html"
    return BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")


def with_description(store: Store) -> None:
    store.record_success("anna", "https://anna.example/feed/", etag=None, last_modified=None,
                         body_hash="anna", now=T, description=ANNAS_WORDS)  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Site:
    site = make_site(tmp_path_factory.mktemp("readers"), extra_settings=(
        'BLOGPARADE_REPOSITORY = "https://git.example/unsere-blogs"\n'
        'BLOGPARADE_CONTACT = "redaktion@unsere-blogs.example"'))  # fmt: skip
    (site.content / "articles" / "code.md").write_text(
        "Title: Mit Code\nDate: 2026-10-20 10:00\n\n    :::toml\n    name = \"Ein langer Wert\"\n",
        encoding="utf-8")  # fmt: skip
    with Store(site.store_path) as store:
        fill_store(store)
        with_description(store)
        build_site(site, store)
    return site


@pytest.fixture(scope="module")
def published(tmp_path_factory) -> Site:
    site = make_site(tmp_path_factory.mktemp("published"))
    with Store(site.store_path) as store:
        fill_store(store)
        build_site(site, store, settings_file="publishconf.py")
    return site


# -- blogs' descriptions ---------------------------------------------------------------------------


def test_a_post_feed_says_what_its_blog_is():
    participant = Participant(slug="anna", name="Anna", feed="https://anna.example/feed/",
                              home="https://anna.example/")  # fmt: skip
    parsed = parse_posts(ATOM_WITH_SUBTITLE, {}, participant.feed, participant)
    assert parsed.error is None and len(parsed.records) == 1
    assert parsed.description == "Gedanken aus dem Homeoffice, seit 2023."


def test_the_store_keeps_a_feeds_description_until_the_feed_changes_it(tmp_path):
    with Store(tmp_path / "s.sqlite") as store:
        with_description(store)
        store.record_success("anna", "https://anna.example/feed/", etag=None, last_modified=None,
                             body_hash="b", kind="posts")  # fmt: skip
        assert store.feed_descriptions() == {"https://anna.example/feed/": ANNAS_WORDS}
        store.record_success("anna", "https://anna.example/feed/", etag=None, last_modified=None,
                             body_hash="c", description="")  # fmt: skip
        assert store.feed_descriptions() == {}
        assert store.last_read() is not None


def test_the_migration_has_every_post_feed_parsed_once_more(tmp_path):
    # The descriptions came with migration 9 (after 4: next_try, 5: open parades, 6-8: take-downs,
    # feed health, media): a store of version 8 is one from before.
    before = 8
    assert "description" in MIGRATIONS[before] and not any("description" in m for m in MIGRATIONS[:before])
    path = tmp_path / "old.sqlite"
    db = sqlite3.connect(path)
    for script in MIGRATIONS[:before]:
        db.executescript(script)
    db.execute("INSERT INTO feeds (url, participant, etag, body_hash, kind, next_try) VALUES "
               "('https://a.example/feed/', 'a', '\"e\"', 'h', 'posts', '2026-11-03T00:00:00+00:00'), "
               "('https://a.example/comments/', 'a', '\"e\"', 'h', 'comments', NULL)")  # fmt: skip
    db.execute(f"PRAGMA user_version = {before}")
    db.commit()
    db.close()
    with Store(path) as store:
        assert store.version == len(MIGRATIONS)
        posts, comments = store.feed_state("https://a.example/feed/"), store.feed_state("https://a.example/comments/")
    assert (posts.etag, posts.body_hash) == (None, None)
    assert posts.next_try is not None  # a waiting feed still waits: only its validators go
    assert (comments.etag, comments.body_hash) == ('"e"', "h")


def test_a_moved_feeds_description_arrives_with_the_nightly_run(feed_server, tmp_path):
    """Through `blogparade run` as it is: the feed answers where it moved (301), and the
    description is kept under the configured address; an unchanged feed keeps it."""
    site = new_site(tmp_path / "site")
    moved = feed_server.route("/neu/feed/", respond(ATOM_WITH_SUBTITLE, content_type=ATOM_TYPE))
    configured = feed_server.route("/alt/feed/", redirect(moved, 301))
    write_participant(site, "anna", "Annas Blog", configured)
    ok(invoke(site, "run"))
    ok(invoke(site, "run"))  # unchanged: nothing parsed, nothing forgotten
    with Store(site / "blogparade.sqlite") as store:
        assert store.feed_descriptions() == {configured: "Gedanken aus dem Homeoffice, seit 2023."}
        assert store.feed_state(configured).moved_to == moved
    page = BeautifulSoup((site / "output" / "blogs" / "index.html").read_text(encoding="utf-8"),
                         "html.parser")  # fmt: skip
    assert page.select_one(".blog-description").get_text() == "Gedanken aus dem Homeoffice, seit 2023."


@pytest.mark.parametrize("tagline", ["Just another WordPress site", "Eine weitere WordPress-Website",
                                     "Thoughts, stories and ideas.", "Stories by Hans Meier on Medium",
                                     "Recent content on Annas Blog", "Confluence Syndication Feed"])
def test_a_platforms_default_tagline_is_no_blogs_description(feed_server, tmp_path, tagline):
    # WordPress's, Ghost's, Medium's words for every blog nobody described stood under the
    # blog's name on the blogs page and its own page, as if the blog had said them.
    site = new_site(tmp_path / "site")
    feed = ATOM_WITH_SUBTITLE.replace(b"Gedanken aus dem &lt;em&gt;Homeoffice&lt;/em&gt;, seit 2023.", tagline.encode())
    write_participant(site, "anna", "Annas Blog", feed_server.route("/feed/", respond(feed, content_type=ATOM_TYPE)))
    ok(invoke(site, "run"))
    page = BeautifulSoup((site / "output" / "blogs" / "index.html").read_text(encoding="utf-8"), "html.parser")
    assert page.select_one(".blog-description") is None and tagline not in page.get_text()


def test_the_export_writes_what_the_feeds_said_of_themselves(site):
    facts = FeedFacts.read(site.export_dir)
    assert facts.descriptions == {"anna": ANNAS_WORDS}
    assert facts.last_read == T
    assert FeedFacts.read(site.root / "nowhere") == FeedFacts()


def test_the_blog_page_and_the_blogs_page_show_the_description(site):
    anna = soup(site, "blogs/anna")
    assert anna.select_one(".blog-description").get_text() == ANNAS_WORDS
    assert anna.find("meta", attrs={"name": "description"})["content"] == ANNAS_WORDS
    entry = soup(site, "blogs").find("a", string="Annas Blög").find_parent("li")
    assert entry.select_one(".blog-description").get_text() == ANNAS_WORDS


def test_on_an_english_site_a_german_blogs_description_is_marked_german(tmp_path):
    site = make_site(tmp_path / "site", lang="en")
    with Store(site.store_path) as store:
        fill_store(store)
        with_description(store)
        build_site(site, store)
    blog_page, blogs_page = soup(site, "blogs/anna"), soup(site, "blogs")
    assert blog_page.html["lang"] == "en"
    for description in (blog_page.select_one(".blog-description"), blogs_page.select_one(".blog-description")):
        assert description.get_text() == ANNAS_WORDS and description["lang"] == "de"


def test_a_blog_page_does_not_link_its_posts_back_to_itself(site):
    anna = soup(site, "blogs/anna")
    assert not anna.select("main a[href='./'], main a[href='../../blogs/anna/']")
    assert "Annas Blög" not in anna.select_one(".post-summary .byline").get_text()


def test_a_blog_named_like_the_editors_keeps_its_page_and_feed_to_itself(tmp_path):
    site = make_site(tmp_path / "site")  # German: AUTHOR = "Redaktion", slug "redaktion"
    (site.participants_dir / "redaktion.toml").write_text(
        'name = "Die Redaktion der Lokalzeitung"\nfeed = "https://zeitung.example/feed/"\n'
        'home = "https://zeitung.example/"\n', encoding="utf-8")  # fmt: skip
    with Store(site.store_path) as store:
        store.record_success("redaktion", "https://zeitung.example/feed/", etag=None, last_modified=None,
                             body_hash="r", posts=[post("redaktion", "z1", "Zeitungsartikel", T)], now=T)
        for _ in range(2):  # the second from Pelican's reader cache
            build_site(site, store)
            blog = soup(site, "blogs/redaktion")
            assert blog.h1.get_text(strip=True) == "Die Redaktion der Lokalzeitung"
            assert [a.get_text(strip=True) for a in blog.select(".post-title a")] == ["Zeitungsartikel"]
            feed = (site.output / "feeds" / "blogs" / "redaktion.atom.xml").read_text(encoding="utf-8")
            assert "Zeitungsartikel" in feed and "Willkommen zur Blogparade" not in feed
            editors = soup(site, "blogs/redaktion_")
            assert [a.get_text(strip=True) for a in editors.select(".post-title a")] == ["Willkommen zur Blogparade"]


# -- freshness ----------------------------------------------------------------------------------------


def test_the_home_page_and_the_blogs_page_say_when_the_feeds_were_last_read(site):
    for path in ("index.html", "blogs"):
        note = soup(site, path).select_one("main .last-read")
        assert " ".join(note.get_text().split()) == (
            "Aktualisiert am 2. November 2026, als die Feeds der Blogs zuletzt gelesen wurden."
        )
        assert note.time["datetime"] == "2026-11-02"  # the day: later reads that day build nothing
    # Only there: a run that read the feeds changes those pages, not every page of the site.
    for path in ("archives", "blogs/anna", "tags"):
        assert soup(site, path).select_one(".last-read") is None, path


def test_a_days_first_fetch_rebuilds_and_a_new_description_too(tmp_path):
    site = make_site(tmp_path)
    with Store(site.store_path) as store:
        fill_store(store)
        build_site(site, store)
        store.record_unchanged("anna", "https://anna.example/feed/", now=T + timedelta(hours=3))
        assert not needs_build(site, store)  # the same day: the day the home page shows is still right
        store.record_unchanged("anna", "https://anna.example/feed/", now=T + timedelta(days=1))
        assert needs_build(site, store)
        build_site(site, store)
        store.record_success("anna", "https://anna.example/feed/", etag=None, last_modified=None,
                             body_hash="x", now=T + timedelta(days=1), description="Neu hier.")  # fmt: skip
        assert needs_build(site, store)


# -- sharing and orientation ------------------------------------------------------------------------


def meta(page: BeautifulSoup, name: str) -> str | None:
    found = page.find("meta", attrs={"property": name}) or page.find("meta", attrs={"name": name})
    return found["content"] if found else None


def test_a_post_shares_its_title_excerpt_and_original(published):
    post = soup(published, f"blogs/anna/{ANNA.id}")
    assert meta(post, "og:type") == "article"
    assert meta(post, "og:title") == ANNA.title
    assert meta(post, "og:description") == meta(post, "description") == ANNA.excerpt
    assert meta(post, "og:url") == ANNA.url == post.find("link", rel="canonical")["href"]
    assert meta(post, "og:site_name") == "Blogparade Süd"
    assert meta(post, "og:locale") == "de_DE"
    assert meta(post, "og:image") == "https://blogparade.example/theme/images/card.png"
    assert meta(post, "twitter:card") == "summary_large_image"
    assert meta(post, "article:published_time") == "2026-11-02T10:30+01:00"


@pytest.mark.parametrize("path", ["index.html", "blogs", "blogs/acme", "archives", "tags", "tag/remote",
                                  "parades", "mitmachen", "search", "404.html",
                                  "2026/willkommen-zur-blogparade"])  # fmt: skip
def test_every_page_type_has_a_description_and_its_own_address(published, path):
    page = soup(published, path)
    assert len(meta(page, "description")) > 20
    assert meta(page, "og:title") and meta(page, "twitter:title")
    if path != "404.html":
        assert meta(page, "og:url").startswith("https://blogparade.example/")


def test_the_home_page_says_what_the_site_is(site):
    home = soup(site, "index.html")
    text = "Beiträge und Kommentare vieler Blogs an einem Ort – und ihre Blogparaden."
    assert home.select_one("main .site-description").get_text() == text == meta(home, "description")


# -- the basics --------------------------------------------------------------------------------------


def test_a_development_build_has_robots_txt_but_no_sitemap(site):
    assert not (site.output / "sitemap.xml").exists()
    assert "Sitemap" not in (site.output / "robots.txt").read_text()
    assert (site.output / "favicon.ico").read_bytes()[:4] == b"\x00\x00\x01\x00"
    assert soup(site, "404.html").h1.get_text() == "Seite nicht gefunden"


def test_a_published_sitemap_lists_this_sites_own_pages_by_absolute_address(published):
    root = ET.parse(published.output / "sitemap.xml").getroot()
    locations = [url.findtext(f"{SITEMAP_NS}loc") for url in root.iter(f"{SITEMAP_NS}url")]
    base = "https://blogparade.example/"
    assert {base, base + "blogs/", base + "archives/", base + "mitmachen/", base + "blogs/anna/",
            base + "tag/remote/", base + "2026/willkommen-zur-blogparade/", base + "datenschutz/"} <= set(locations)  # fmt: skip
    assert not any(ANNA.id in location or ACME.id in location for location in locations)  # canonical elsewhere
    assert not any(location.endswith(("search/", "404.html")) for location in locations)
    assert len(locations) == len(set(locations))
    robots = (published.output / "robots.txt").read_text()
    assert "Sitemap: https://blogparade.example/sitemap.xml" in robots.splitlines()


def test_the_privacy_notice_names_itself_to_search_engines_not_the_home_page(published):
    # Its canonical address, og:url, og:title and description were the home page's: a duplicate
    # of the home page to a search engine.
    notice = soup(published, "datenschutz")
    assert notice.find("link", rel="canonical")["href"] == "https://blogparade.example/datenschutz/"
    assert notice.find("meta", property="og:url")["content"] == "https://blogparade.example/datenschutz/"
    assert notice.find("meta", property="og:title")["content"] == "Datenschutzhinweise"
    assert notice.find("meta", attrs={"name": "description"})["content"].startswith("Was Blogparade Süd von den")


def test_a_site_on_github_pages_keeps_its_images(site):
    # GitHub Pages runs Jekyll over a site without .nojekyll, which leaves out every folder
    # starting with "_": every post's image (aggregated/_media/) was missing there.
    assert (site.output / ".nojekyll").is_file()


def test_a_feeds_title_keeps_what_looks_like_a_tag(tmp_path):
    # "Tom & Jerry's <Team> Blog" had "<Team>" eaten from its feed's title (Pelican strips tags).
    site = make_site(tmp_path)
    anna = site.participants_dir / "anna.toml"
    anna.write_text(anna.read_text(encoding="utf-8").replace('name = "Annas Blög"', 'name = "Annas <Team> & Blög"'),
                    encoding="utf-8")  # fmt: skip
    with open(site.root / "pelicanconf.py", "a", encoding="utf-8") as settings:
        settings.write('\nSITENAME = "Unsere <Blogs> & Freunde"\n')
    with Store(site.store_path) as store:
        fill_store(store)
        build_site(site, store)
    assert ET.parse(site.output / "feeds" / "all.atom.xml").getroot().findtext(f"{ATOM}title") == \
        "Unsere <Blogs> & Freunde"
    assert ET.parse(site.output / "feeds" / "blogs" / "anna.atom.xml").getroot().findtext(f"{ATOM}title") == \
        "Unsere <Blogs> & Freunde - Annas <Team> & Blög"


def test_the_sites_own_robots_txt_wins(tmp_path):
    site = make_site(tmp_path)
    (site.content / "extra").mkdir()
    (site.content / "extra" / "robots.txt").write_text("User-agent: *\nDisallow: /\n")
    build_site(site)
    assert (site.output / "robots.txt").read_text() == "User-agent: *\nDisallow: /\n"


# -- the archive, comments, code ---------------------------------------------------------------------


def test_the_archive_is_grouped_by_month_with_dates_in_a_column(site):
    archive = soup(site, "archives")
    assert [h2.get_text() for h2 in archive.select("main h2")] == ["November 2026", "Oktober 2026"]
    november = archive.select_one("main section").select("li time")
    assert [t.get_text() for t in november] == ["10. Nov.", "5. Nov.", "2. Nov."]


PERIOD_ARCHIVES = """
YEAR_ARCHIVE_SAVE_AS = "{date:%Y}/index.html"
YEAR_ARCHIVE_URL = "{date:%Y}/"
MONTH_ARCHIVE_SAVE_AS = "{date:%Y}/{date:%m}/index.html"
MONTH_ARCHIVE_URL = "{date:%Y}/{date:%m}/"
DAY_ARCHIVE_SAVE_AS = "{date:%Y}/{date:%m}/{date:%d}/index.html"
DAY_ARCHIVE_URL = "{date:%Y}/{date:%m}/{date:%d}/"
"""


@pytest.mark.parametrize(("lang", "periods", "settings"), [
    ("de", {"2026": "2026", "2026/11": "November 2026", "2026/11/02": "2. November 2026"}, PERIOD_ARCHIVES),
    ("en", {"2026": "2026", "2026/11": "November 2026", "2026/11/02": "November 2, 2026"}, PERIOD_ARCHIVES),
    # Only where to write them, as many sites set it: the address is where they are written.
    ("de", {"2026": "2026", "2026/11": "November 2026"},
     "\n".join(line for line in PERIOD_ARCHIVES.splitlines() if "_URL" not in line and "DAY" not in line)),
])  # fmt: skip
def test_a_year_month_or_day_archive_is_named_and_addressed_as_that_period(tmp_path, lang, periods, settings):
    # Found with the archive by month switched on (Pelican's MONTH_ARCHIVE_SAVE_AS): every
    # year's and month's page was titled "Archiv" and named the whole archive as its canonical
    # address, so search engines took them for copies of it.
    site = make_site(tmp_path, lang=lang, extra_settings=settings)
    with Store(site.store_path) as store:
        fill_store(store)
        build_site(site, store, settings_file="publishconf.py")
    word = {"de": "Archiv", "en": "Archive"}[lang]
    for path, period in periods.items():
        page = soup(site, path)
        assert page.h1.get_text() == f"{word}: {period}", path
        assert page.title.get_text() == f"{word}: {period} – Blogparade Süd"
        assert page.find("link", rel="canonical")["href"] == f"https://blogparade.example/{path}/"
        assert period in page.find("meta", attrs={"name": "description"})["content"]
        assert page.find("a", href=re.compile(ANNA.id))  # Anna's post of November 2, 2026
    assert soup(site, "archives").h1.get_text() == word


def test_every_comment_is_named_by_a_heading(site):
    post = soup(site, f"blogs/anna/{ANNA.id}")
    for comment in post.select("article.comment"):
        heading = comment.find("h3")
        assert heading and comment["aria-labelledby"] == heading["id"]


def test_code_blocks_can_be_reached_by_keyboard(site):
    code = soup(site, "2026/mit-code").select("main pre")
    assert code and all(pre["tabindex"] == "0" for pre in code)
    assert all(pre.get("tabindex") == "0" for pre in soup(site, "mitmachen").select("main pre"))
    # A tab stop has a name (a region named in the site's language), not "group" or its text.
    assert all((pre["role"], pre["aria-label"]) == ("region", "Codeblock") for pre in code)


def test_several_scroll_boxes_on_a_page_are_named_apart():
    # Two regions named "Codeblock" on one page: a screen reader's list of landmarks could not
    # tell them apart (axe's landmark-unique).
    from aggregator.website.plugin.content import focusable_code, scrollable_tables

    code = BeautifulSoup(focusable_code("<pre>a</pre><p>x</p><pre>b</pre>", "Codeblock"), "html.parser")
    assert [pre["aria-label"] for pre in code.find_all("pre")] == ["Codeblock 1", "Codeblock 2"]
    tables = BeautifulSoup(scrollable_tables(f"<table></table>{WIDE_TABLE}", "Tabelle"), "html.parser")
    assert [box["aria-label"] for box in tables.select("div.table-scroll")] == ["Tabelle 1", "Tabelle 2"]
    assert BeautifulSoup(focusable_code("<pre>a</pre>", "Codeblock"), "html.parser").pre["aria-label"] == "Codeblock"


WIDE_TABLE = ("<table><thead><tr><th>Monat</th><th>Stunden im Stehen</th><th>Stunden im Sitzen</th>"
              "<th>Bemerkungen zum Monat</th></tr></thead><tbody><tr><td>September</td><td>12</td>"
              "<td>140</td><td><table><tr><td>innen</td></tr></table></td></tr></tbody></table>")


def test_a_wide_table_scrolls_in_a_box_of_its_own_reached_by_keyboard(tmp_path):
    # Found at 360 pixels wide: a blog's table of six columns made the whole post page (and
    # the editors' status page) scroll sideways, cutting every line of text off at the right.
    site = make_site(tmp_path, extra_settings='BLOGPARADE_STATUS_PAGE = "status/index.html"')
    (site.content / "articles" / "tabelle.md").write_text(
        "Title: Mit Tabelle\nDate: 2026-10-20 10:00\n\n| Blog | Beiträge |\n|---|---|\n| Anna | 3 |\n",
        encoding="utf-8")  # fmt: skip
    table_post = post("anna", "tabelle", "Zahlen", T, content_html=f"<p>Vorher.</p>{WIDE_TABLE}<p>Nachher.</p>")
    with Store(site.store_path) as store:
        store.record_success("anna", "https://anna.example/feed/", etag=None, last_modified=None,
                             body_hash="anna", posts=[table_post], comments=(), now=T)  # fmt: skip
        build_site(site, store)
    for path in (f"blogs/anna/{table_post.id}", "2026/mit-tabelle", "status"):
        tables = soup(site, path).select("main table")
        outer = [table for table in tables if not table.find_parent("table")]
        assert outer, path
        for table in outer:
            box = table.parent
            assert box.name == "div" and box["class"] == ["table-scroll"] and box["tabindex"] == "0", path
            label = "Zustand der Feeds" if path == "status" else "Tabelle"
            assert (box["role"], box["aria-label"]) == ("region", label), path
            assert [child.name for child in box.find_all(recursive=False)] == ["table"]
        assert not [table for table in tables if table.find_parent("table") and table.parent.name == "div"]
    body = soup(site, f"blogs/anna/{table_post.id}").select_one(".post-body")
    assert [child.name for child in body.find_all(recursive=False)] == ["p", "div", "p"]
    style = (site.output / "theme" / "css" / "style.css").read_text(encoding="utf-8")
    assert ".table-scroll { overflow-x: auto;" in style
    # The status table's eight columns get the page's width, not a column of text's.
    assert soup(site, "status").find("main")["class"] == ["wrap", "wide"] and ".wrap.wide { max-width: 90rem; }" in style


# -- Mitmachen ----------------------------------------------------------------------------------------


def test_mitmachen_names_the_repository_and_the_contact(site):
    join = soup(site, "mitmachen")
    assert join.find("a", string="Repository dieser Seite")["href"] == "https://git.example/unsere-blogs"
    assert join.find("a", string="sagt der Redaktion Bescheid")["href"] == "mailto:redaktion@unsere-blogs.example"
    assert "{repository}" not in str(join) and "{contact}" not in str(join)


def test_mitmachen_says_plainly_when_they_are_unset(tmp_path):
    site = make_site(tmp_path)
    result = build_site(site)
    join = soup(site, "mitmachen")
    text = " ".join(join.get_text().split())
    assert "Repository dieser Seite (die Redaktion hat seine Adresse noch nicht angegeben)" in text
    assert not join.find("a", href="{contact}")
    assert any("BLOGPARADE_REPOSITORY is not set" in warning for warning in result.warnings)


# -- search --------------------------------------------------------------------------------------------


def test_the_search_index_holds_posts_and_pages_but_no_listings(site):
    if indexer() is None:
        pytest.skip("Pagefind is not installed (pip install -e '.[search]')")
    listing = json.loads((site.output / "pagefind" / "bundles.json").read_text())
    # A small site: one bundle of the articles' pages, one of the others.
    assert listing["bundles"] == ["posts-0/", "pages-0/"]
    counts = {}
    for bundle in listing["bundles"]:
        entry = json.loads((site.output / "pagefind" / bundle / "pagefind-entry.json").read_text())
        assert list(entry["languages"]) == ["de"]  # the site's language: German stemming
        counts[bundle] = entry["languages"]["de"]["page_count"]
    # 4 posts and the editors' article with code; the Mitmachen page and the privacy notice: nothing else.
    assert counts == {"posts-0/": 5, "pages-0/": 2}
    search = soup(site, "search")
    assert search.find("form", class_="search-page-form")["data-bundle"] == "../pagefind/"
    assert soup(site, "index.html").find("form", class_="site-search")["action"] == "./search/"


def test_without_pagefind_the_build_skips_the_index_with_one_warning(tmp_path, monkeypatch):
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(tmp_path / "no-such-binary"))
    site = make_site(tmp_path / "site")
    with Store(site.store_path) as store:
        fill_store(store)
        result = build_site(site, store)
    assert [w for w in result.warnings if "Pagefind" in w] == [MISSING]
    assert not (site.output / "pagefind").exists()
    assert result.searchable is None and "searchable" not in str(result)
    assert "noch keinen Suchindex" in soup(site, "search").get_text()
    assert not soup(site, "search").find("script")
    assert not soup(site, "index.html").find("form", class_="site-search")  # no field to nowhere


def test_feeds_file_is_no_post(site):
    assert (site.export_dir / FEEDS_FILE).is_file()
    assert OWN_ARTICLE  # the editors' article is read as before, the feeds file is not
    assert not soup(site, "index.html").find(string=lambda s: s and "feeds.toml" in s)


# -- feeds -----------------------------------------------------------------------------------------


def test_every_published_feed_is_named_by_its_own_address_in_the_sites_language(published):
    feeds = [ET.parse(path).getroot() for path in sorted(published.output.rglob("*.atom.xml"))]
    assert len(feeds) > 3  # all posts, each blog's, a department's or parade's where there are
    ids = [feed.findtext(f"{ATOM}id") for feed in feeds]
    selves = [next(link.get("href") for link in feed.iter(f"{ATOM}link") if link.get("rel") == "self")
              for feed in feeds]  # fmt: skip
    assert ids == selves and all(i.startswith("https://blogparade.example/") for i in ids)
    assert {feed.get("{http://www.w3.org/XML/1998/namespace}lang") for feed in feeds} == {"de"}


def test_a_posts_footnotes_lead_to_its_notes_on_its_page_and_from_the_sites_feed(feed_server, tmp_path):
    """A footnote's link led to the original post (the post's ids were dropped)."""
    from tests.feedmaker import Item, rss

    home = feed_server.url("/hugo/")
    body = ('<p>Behauptung<sup id="fnref:1"><a href="#fn:1" class="footnote-ref">1</a></sup>.</p>'
            '<div class="footnotes"><ol><li id="fn:1"><p>Die Quelle. <a href="#fnref:1">↩</a></p></li></ol></div>')
    post = Item(f"{home}fussnoten/", "Mit Fußnoten", f"{home}fussnoten/", T, body=body)
    feed = feed_server.route("/hugo/index.xml", respond(rss([post], "Hugo", home).encode()))
    root = new_site(tmp_path / "site")
    write_participant(root, "hugo", "Hugo", feed, home, display="full")
    ok(invoke(root, "run", "--publish"))
    [page] = (root / "output" / "blogs" / "hugo").glob("*/index.html")
    article = BeautifulSoup(page.read_text(encoding="utf-8"), "html.parser").find("article")
    note = article.find(href=re.compile("fn:1$"))
    assert note["href"].startswith("#") and article.find(id=note["href"][1:]).name == "li"
    back = article.find(id=note["href"][1:]).find("a")
    assert article.find(id=back["href"][1:]).name == "sup"
    # In the site's feed the link leads to the note on the post's page here, not into the feed.
    atom = (root / "output" / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    page_address = f"https://blogparade.example/blogs/hugo/{page.parent.name}/"
    assert f'href="{page_address}{note["href"]}"' in ET.fromstring(atom).find(
        ".//{http://www.w3.org/2005/Atom}content").text


def test_a_post_two_blogs_feeds_bring_is_on_the_site_once(feed_server, tmp_path):
    """A blog's category feed joined beside its main one (a file written by hand: `join` refuses
    it), or a planet republishing its members: every post of both was listed twice, under two
    blogs, in the lists and the site's feeds.  The first blog's stays (first seen; then by name)."""
    from tests.feedmaker import Item, rss

    home = feed_server.url("/anna/")
    items = [Item(f"{home}?p={n}", f"Beitrag {n}", f"{home}{n}/", T + timedelta(days=n)) for n in (1, 2)]
    main = feed_server.route("/anna/feed/", respond(rss(items, "Anna", home).encode()))
    category = feed_server.route("/anna/category/garten/feed/", respond(rss(items[:1], "Anna: Garten", home).encode()))
    root = new_site(tmp_path / "site")
    write_participant(root, "anna", "Anna", main, home)
    write_participant(root, "anna-garten", "Annas Garten", category, home)
    ok(invoke(root, "run"))
    pages = sorted(path.parent.parent.name for path in (root / "output" / "blogs").glob("*/*/index.html"))
    assert pages == ["anna", "anna"], pages
    atom = (root / "output" / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert atom.count("<title>Beitrag 1</title>") == 1
    home_page = (root / "output" / "index.html").read_text(encoding="utf-8")
    assert home_page.count(">Beitrag 1<") == 1
    assert ok(invoke(root, "digest", "--dry-run", "--since", "5200w")).output.count("\nBeitrag 1\n") == 1
