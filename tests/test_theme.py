"""The built site, read as HTML: what a reader (and a screen reader) gets.

One German and one English sample site are built per module (see test_build.make_site).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup

from aggregator.i18n import catalog_path, extract_messages, untranslated
from aggregator.models import ErrorKind, FetchError
from aggregator.store import Alert, Store
from aggregator.website.build import build_site
from aggregator.website.sitetemplate import theme_path
from tests.test_build import (
    ACME,
    ANNA,
    BERND,
    T,
    build_sample,
    fill_store,
    make_site,
    post,
)
from tests.test_incremental import PAGINATION, more_posts

ATOM = "{http://www.w3.org/2005/Atom}"
DORA = post("dora", "hello", "Hello from Dora", T, language="en", categories=("Remote",),
            excerpt="An English excerpt.", content_html="<p>Plain English.</p>")  # fmt: skip


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build_sample(tmp_path_factory.mktemp("de"))


@pytest.fixture(scope="module")
def english(tmp_path_factory):
    return build_sample(tmp_path_factory.mktemp("en"), lang="en")


@pytest.fixture(scope="module")
def mixed(tmp_path_factory):
    """The German sample with one English post, from Dora's blog."""
    site = make_site(tmp_path_factory.mktemp("mixed"))
    with Store(site.store_path) as store:
        fill_store(store)
        store.record_success("dora", "https://dora.example/feed/", etag=None, last_modified=None,
                             body_hash="dora", posts=[DORA], comments=(), now=T)  # fmt: skip
        build_site(site, store)
    return site


def page(site, path: str) -> BeautifulSoup:
    file = site.output / path / "index.html" if not path.endswith(".html") else site.output / path
    return BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")


def post_path(p) -> str:
    return f"blogs/{p.participant}/{p.id}"


def comment_node(soup: BeautifulSoup, guid: str):
    from aggregator.models import comment_id

    return soup.find("article", id=f"comment-{comment_id(ANNA.id, guid)}")


# -- lists ---------------------------------------------------------------------------------------


def test_home_lists_posts_newest_first_with_umlauts_intact(site):
    home = page(site, "index.html")
    titles = [h2.get_text(strip=True) for h2 in home.select("main .post-summary h2")]
    assert titles == ["Willkommen zur Blogparade", "Neues Rechenzentrum in Köln",
                      "Über Remote & <Büros>", "Grüße aus dem Süden"]  # fmt: skip


def test_home_entries_link_here_and_to_the_original(site):
    home = page(site, "index.html")
    entry = home.find("a", string="Über Remote & <Büros>").find_parent("article")
    assert entry.h2.a["href"] == f"./{post_path(ANNA)}/"
    assert entry.select_one(".blog").get_text() == "Annas Blög"
    assert entry.select_one(".writer").get_text() == "von Anna Ärger"
    assert entry.time["datetime"] == "2026-11-02T10:30+01:00"
    assert entry.time.get_text() == "2. November 2026"
    assert "Warum ich gern zu Hause arbeite." in entry.get_text()
    assert entry.find("a", href=f"./{post_path(ANNA)}/#comments").get_text(strip=True) == "4 Kommentare, 2 Erwähnungen"
    assert " ".join(entry.find("a", href=ANNA.url).get_text().split()) == "Original bei Annas Blög"
    assert entry.find("a", href=ANNA.url).bdi.get_text() == "Annas Blög"  # isolated: a name in Arabic keeps its place


def test_titles_are_text_never_markup(site):
    assert "<Büros>" not in (site.output / post_path(ANNA) / "index.html").read_text(encoding="utf-8")
    assert page(site, post_path(ANNA)).h1.get_text() == "Über Remote & <Büros>"


def test_blog_pages_list_their_posts_and_link_home(site):
    for p in (ANNA, ACME, BERND):
        blog = page(site, f"blogs/{p.participant}")
        assert blog.find("a", href=f"../../{post_path(p)}/")
    anna = page(site, "blogs/anna")
    assert anna.h1.get_text() == "Annas Blög"
    assert anna.select_one(".badge").get_text() == "Persönliches Blog"
    assert page(site, "blogs/acme").select_one(".badge").get_text() == "Unternehmensblog"
    assert anna.find("a", href="https://anna.example/")
    assert anna.find("a", href="../../feeds/blogs/anna.atom.xml")
    assert not (site.output / "blogs" / "dora").exists()  # no posts, no page


def test_a_site_of_one_kind_of_blog_names_no_kind(tmp_path):
    # A parade's site of strangers' blogs (every file `join` writes says "employee"): its blogs
    # page was headed "Blogs von Mitarbeitenden", and each blog's page called it "Persönliches
    # Blog" of a company there is none of.
    site = make_site(tmp_path)
    (site.participants_dir / "acme.toml").unlink()  # the one company blog
    with Store(site.store_path) as store:
        fill_store(store)
        build_site(site, store)
    blogs = page(site, "blogs")
    assert blogs.select("section.blog-group h2") == []
    assert [h3.get_text(strip=True) for h3 in blogs.select("section.blog-group h3")] == \
        ["Annas Blög", "Bernds Notizen", "Dora denkt"]
    assert page(site, "blogs/anna").select(".badge") == []
    assert "Mitarbeitende" not in blogs.get_text() and "Persönliches" not in page(site, "blogs/anna").get_text()
    for feed in ("feeds/all.atom.xml", "feeds/blogs/anna.atom.xml"):  # nor in its feeds
        assert "Mitarbeitenden" not in (site.output / feed).read_text(encoding="utf-8"), feed


def test_the_blogs_page_lists_every_participant_by_kind(site):
    blogs = page(site, "blogs")
    groups = {s.h2.get_text(): [h3.get_text(strip=True) for h3 in s.select("h3")]
              for s in blogs.select("section.blog-group")}  # fmt: skip
    assert groups == {"Unternehmensblogs": ["ACME Technik"],
                      "Blogs von Mitarbeitenden": ["Annas Blög", "Bernds Notizen", "Dora denkt"]}  # fmt: skip
    anna = blogs.find("a", string="Annas Blög").find_parent("li")
    assert anna.h3.a["href"] == "../blogs/anna/"
    assert "1 Beitrag" in anna.get_text()
    dora = blogs.find("h3", string="Dora denkt").find_parent("li")
    assert dora.h3.a is None and "0 Beiträge" in dora.get_text()
    assert "pausiert" in blogs.find("a", string="Bernds Notizen").find_parent("li").get_text()


def test_archives_and_topics(site):
    archive = page(site, "archives")
    assert [a.get_text() for a in archive.select("main ol a")][:2] == [
        "Willkommen zur Blogparade", "Neues Rechenzentrum in Köln"
    ]
    topics = page(site, "tags")
    assert {a.get_text() for a in topics.select("main li a")} == {"Arbeit", "News", "Reisen", "Remote"}
    remote = page(site, "tag/remote")
    assert remote.h1.get_text() == "Thema: Remote"
    assert remote.find("a", string="Über Remote & <Büros>").find_next_sibling(class_="blog").get_text() == "Annas Blög"


@pytest.mark.parametrize("lang, count", [("de", "12.345 Kommentare"), ("en", "12,345 comments")])
def test_large_numbers_are_written_as_the_sites_language_writes_them(tmp_path, lang, count):
    site = make_site(tmp_path / "site", lang=lang)
    popular = post("acme", "beliebt", "Beliebt", T, comment_count=12345)
    with Store(site.store_path) as store:
        store.record_success("acme", "https://acme.example/feed/", etag=None, last_modified=None,
                             body_hash="acme", posts=[popular], comments=(), now=T)  # fmt: skip
        build_site(site, store)
    entry = page(site, "index.html").find("a", string="Beliebt").find_parent("article")
    assert entry.select_one(".post-links a").get_text(strip=True) == count


# -- one post ------------------------------------------------------------------------------------


def test_a_post_page_shows_title_blog_author_date_and_the_original(site):
    post = page(site, post_path(ANNA))
    article = post.select_one("main article.post")
    assert article.h1.get_text() == "Über Remote & <Büros>"
    assert article.select_one(".blog")["href"] == "../../../blogs/anna/"
    assert article.select_one(".writer").get_text() == "von Anna Ärger"
    assert article.time["datetime"] == "2026-11-02T10:30+01:00"
    original = article.find("a", class_="button")
    assert (original["href"], original.get_text()) == (ANNA.url, "Zum Originalbeitrag")
    assert post.find("link", rel="canonical")["href"] == ANNA.url
    assert [a.get_text() for a in article.select(".tags a")] == ["Remote", "Arbeit"]


def test_full_display_shows_the_body_and_excerpt_display_only_the_excerpt(site):
    full = page(site, post_path(ANNA)).select_one(".post-body")
    assert full.strong.get_text() == "drei Jahre"
    excerpt = page(site, post_path(ACME))
    assert excerpt.select_one(".post-body").get_text(strip=True) == "Wir eröffnen ein Rechenzentrum."
    assert "Geheimer voller Text" not in str(excerpt)
    assert "Den ganzen Beitrag gibt es auf ACME Technik." in excerpt.select_one(".original").get_text()
    feed = (site.output / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert "Geheimer voller Text" not in feed  # not through the back door either


def test_comments_nest_replies_under_their_parent(site):
    post = page(site, post_path(ANNA))
    thread = post.select_one("#comments > ol.thread")
    top = [li.article.select_one(".comment-author").get_text(strip=True) for li in thread.find_all("li", recursive=False)]
    assert top == ["Bernd", "Person c4"]  # c4 replies to an unknown comment: on top, not lost
    reply = comment_node(post, "c2")
    assert reply.find_parent("li").find_parent("li").article is comment_node(post, "c1")
    deeper = comment_node(post, "c3")
    assert deeper.find_parent("li").find_parent("li").article is reply
    assert deeper.find("time")["datetime"] == "2026-11-02T13:30+01:00"
    assert deeper.time.get_text() == "2. November 2026, 13:30"
    assert comment_node(post, "c1").select_one(".comment-body").get_text(strip=True) == "Kommentar c1."


def test_pingbacks_and_trackbacks_are_mentions_apart_from_comments(site):
    post = page(site, post_path(ANNA))
    mentions = post.select_one("section#mentions")
    assert mentions.h2.get_text() == "Erwähnungen"
    assert {a.get_text(strip=True) for a in mentions.select(".comment-author")} == {"Ein anderes Blog", "Ein Trackback"}
    assert not post.select_one("#comments").find(string=re.compile("Ein anderes Blog"))


def test_comment_author_links_are_nofollow_ugc(site):
    post = page(site, post_path(ANNA))
    links = post.select(".comment-author a")
    assert {a["href"] for a in links} == {"https://bernd.example/", "https://other.example/x/"}
    for link in links:
        assert {"nofollow", "ugc"} <= set(link["rel"])


def test_a_reply_link_leads_to_the_original_blog(site):
    reply = page(site, post_path(ANNA)).select_one("#comments .reply a")
    # Not a WordPress guid: the original's comments, not WordPress's form anchor.
    assert (reply["href"], reply.get_text()) == (ANNA.url + "#comments", "Auf dem Originalblog antworten")


def test_a_reply_link_leads_to_wordpress_s_comment_form_on_a_wordpress_post():
    from aggregator.website.plugin.reader import reply_url

    url = "https://blog.example/2026/11/beitrag/"
    assert reply_url(url, "https://blog.example/?p=42") == url + "#respond"
    assert reply_url(url + "#more-42", "http://blog.example/wp/?p=42") == url + "#respond"
    for guid in ("", "tag:blogger.com,1999:blog-1.post-2", url, "https://blog.example/?page_id=2"):
        assert reply_url(url, guid) == url + "#comments", guid


def test_a_post_without_stored_comments_says_how_many_the_original_has(site):
    comments = page(site, post_path(ACME)).select_one("#comments")
    assert "Der Originalbeitrag hat 7 Kommentare." in comments.get_text()


def test_no_e_mail_address_anywhere(site):
    address = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
    for file in site.output.rglob("*"):
        if file.suffix in (".html", ".xml"):
            assert not address.search(file.read_text(encoding="utf-8")), file


def test_the_editors_article_is_marked_as_their_own(site):
    own = page(site, "2026/willkommen-zur-blogparade")
    article = own.select_one("main article.post.own")
    assert article.select_one(".badge").get_text() == "Beitrag der Redaktion"
    assert article.strong.get_text() == "unser"
    assert own.find("link", rel="canonical")["href"] == "../../2026/willkommen-zur-blogparade/"  # its own
    assert not own.select_one("#comments")
    home_entry = page(site, "index.html").find("a", string="Willkommen zur Blogparade").find_parent("article")
    assert home_entry.select_one(".badge").get_text() == "Beitrag der Redaktion"
    # Their page describes them as the authors they are, not as "the blog Redaktion".
    for folder in site.output.joinpath("blogs").iterdir():
        described = page(site, f"blogs/{folder.name}").find("meta", attrs={"name": "description"})["content"]
        assert ("des Blogs" in described) == (folder.name in ("anna", "acme", "bernd")), (folder.name, described)


# -- feeds -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang, since", [("de-at", "seit dem 2. November 2026 nicht"),
                                         ("en", "since November 2, 2026.")])  # fmt: skip
def test_a_blog_page_says_since_when_its_feed_fails_with_the_year(tmp_path, lang, since):
    site = make_site(tmp_path / "site", lang=lang)
    with Store(site.store_path) as store:
        fill_store(store)
        store.record_error("anna", "https://anna.example/feed/", FetchError(ErrorKind.HTTP, "500"), now=T)
        store.set_alert(Alert("anna", "https://anna.example/feed/", T, T))
        build_site(site, store)
    assert since in page(site, "blogs/anna").select_one(".feed-note").get_text()


def test_the_atom_feeds_are_valid_xml_with_entries(site):
    feed = ET.parse(site.output / "feeds" / "all.atom.xml").getroot()
    titles = [entry.find(f"{ATOM}title").text for entry in feed.iter(f"{ATOM}entry")]
    assert titles[:3] == ["Willkommen zur Blogparade", "Neues Rechenzentrum in Köln", "Über Remote & <Büros>"]
    anna = ET.parse(site.output / "feeds" / "blogs" / "anna.atom.xml").getroot()
    [entry] = anna.iter(f"{ATOM}entry")
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "Anna Ärger"  # the writer, not the blog
    assert entry.find(f"{ATOM}source/{ATOM}title").text == "Annas Blög"
    assert entry.find(f"{ATOM}source/{ATOM}link").get("href") == "https://anna.example/"
    assert "<strong>drei Jahre</strong>" in entry.find(f"{ATOM}content").text  # display = "full"


# -- accessibility and language --------------------------------------------------------------------


@pytest.mark.parametrize("path", ["index.html", "blogs", "blogs/anna", "archives", "tags", "mitmachen",
                                  "blogs/anna/" + ANNA.id, "2026/willkommen-zur-blogparade"])  # fmt: skip
def test_every_page_has_language_landmarks_skip_link_and_one_h1(site, path):
    soup = page(site, path)
    assert soup.html["lang"] == "de"
    skip = soup.find("a", class_="skip-link")
    assert skip["href"] == "#main" and soup.find(id="main").name == "main"
    assert soup.find("header") and soup.find("nav")["aria-label"] and soup.find("footer")
    assert len(soup.find_all("h1")) == 1
    levels = [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]
    assert all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels  # no skipped levels
    assert soup.find("link", rel="stylesheet")
    assert not soup.find("script")


def test_a_blogs_own_headings_are_ranked_under_the_posts_title(tmp_path):
    # Found with axe (heading-order) on a site of an English blog whose post repeats its title
    # as <h1> and jumps to <h4>: two h1s on the page, and a gap from h1 to h4.
    site = make_site(tmp_path)
    body = ("<h1>Why I moved my desk</h1><p>It started with a sore back.</p><h4>Numbers</h4>"
            "<p>Twelve hours.</p><h6 lang=\"de\">Zahlen</h6><h4>Costs</h4><p>None.</p><hr>")
    full = post("anna", "desk", "Why I moved my desk to the window", T, content_html=body)
    usual = post("anna", "usual", "Zwischenstand", T, content_html="<h2>Eins</h2><h3>Zwei</h3><h2>Drei</h2>")
    with Store(site.store_path) as store:
        store.record_success("anna", "https://anna.example/feed/", etag=None, last_modified=None,
                             body_hash="anna", posts=[full, usual], comments=(), now=T)  # fmt: skip
        build_site(site, store)
    soup = page(site, post_path(full))
    assert len(soup.find_all("h1")) == 1
    headings = [(h.name, h.get_text()) for h in soup.select(".post-body")[0].find_all(re.compile(r"^h[1-6]$"))]
    assert headings == [("h2", "Why I moved my desk"), ("h3", "Numbers"), ("h4", "Zahlen"), ("h3", "Costs")]
    assert soup.find("h4", string="Zahlen")["lang"] == "de" and soup.select_one(".post-body hr")
    # A body whose headings start at h2 and skip nothing keeps them as they are.
    kept = page(site, post_path(usual)).select_one(".post-body")
    assert [h.name for h in kept.find_all(re.compile(r"^h[1-6]$"))] == ["h2", "h3", "h2"]


def language_of(element) -> str:
    """The language a screen reader speaks `element` in: its own or its nearest ancestor's lang."""
    return element["lang"] if element.has_attr("lang") else language_of(element.parent)


@pytest.mark.parametrize("path", ["index.html", "blogs/dora", "archives", "tag/remote"])
def test_an_english_posts_title_is_english_wherever_it_is_listed(mixed, path):
    listing = page(mixed, path)
    assert listing.html["lang"] == "de"
    assert language_of(listing.find("a", string="Hello from Dora")) == "en"


def test_on_an_english_site_a_german_post_is_german_and_the_sites_own_words_are_english(english):
    entry = page(english, "index.html").find("a", string="Über Remote & <Büros>").find_parent("article")
    assert language_of(entry.h2) == language_of(entry.select_one(".excerpt")) == "de"
    for own_words in (entry.select_one(".writer"), entry.select_one(".post-links a"), entry.time):
        assert language_of(own_words) == "en", own_words
    post = page(english, post_path(ANNA))
    assert language_of(post.h1) == language_of(post.select_one(".post-body")) == "de"
    assert language_of(post.select_one(".tags a")) == "de"  # the blog's own categories
    for own_words in (post.select_one(".post-header .writer"), post.find("a", class_="button"),
                      post.select_one(".tags span")):  # fmt: skip
        assert language_of(own_words) == "en", own_words
    reply = comment_node(post, "c3")  # a reply to a reply
    assert language_of(reply.select_one(".comment-body")) == "de"
    assert language_of(reply.time) == "en"


@pytest.mark.parametrize(("lang", "word"), [("de", "Seite"), ("en", "page")])
def test_each_page_of_a_listing_has_its_own_title_and_canonical_address(tmp_path, lang, word):
    site = make_site(tmp_path, lang=lang, extra_settings=PAGINATION)
    with Store(site.store_path) as store:
        fill_store(store)
        more_posts(store)
        build_site(site, store, settings_file="publishconf.py")
    seconds = [folder.relative_to(site.output).as_posix() + "/" for folder in site.output.rglob("page/2")]
    firsts = [second.removesuffix("page/2/") for second in seconds]
    assert set(firsts) >= {"", "archives/", "tag/arbeit/", "blogs/anna/"}
    titles = {}
    for path in firsts + seconds:
        soup = page(site, path)
        titles[path] = soup.title.get_text()
        assert soup.find("link", rel="canonical")["href"] == f"https://blogparade.example/{path}", path
    assert len(set(titles.values())) == len(titles), titles
    for path in seconds:
        # "Newer" leads to the first page's own address, the one its canonical link names.
        newer = page(site, path).find("a", rel="prev")["href"]
        assert newer == f"https://blogparade.example/{path.removesuffix('page/2/')}", (path, newer)
        assert f", {word} 2 – " in titles[path], titles[path]
        if path != "page/2/":  # the home page's first is the site's name alone
            assert titles[path].replace(f", {word} 2", "") == titles[path.removesuffix("page/2/")]
    # The menu's link to a list's section leads to its first page: on the second it marks the
    # section, not "this page".
    for path, current in (("", "page"), ("page/2/", "true"), ("archives/", "page"), ("archives/page/2/", "true")):
        marked = page(site, path).select("nav a[aria-current]")
        assert [link["aria-current"] for link in marked] == [current], path


@pytest.mark.parametrize("missing", ["/gone", "/blogs/anna/gone/", "/2026/11/gone/deeper/"])
def test_the_error_page_finds_its_style_and_links_from_any_depth(site, missing):
    # The web server shows 404.html for any missing address (nginx: error_page 404 /404.html),
    # a development build's too: its links resolve against that address, not the file's.
    soup = page(site, "404.html")
    own = [tag.get(attr) for tag in soup.find_all(["a", "link", "script", "img", "form"])
           for attr in ("href", "src", "action") if tag.get(attr)]  # fmt: skip
    own = [url for url in own if not url.startswith(("#", "http:", "https:"))]
    assert any(url.endswith("style.css") for url in own)
    for url in own:
        target = urlsplit(urljoin(f"http://localhost:8000{missing}", url)).path.lstrip("/")
        found = site.output / target
        assert (found / "index.html" if target.endswith("/") or not target else found).is_file(), (url, target)


def test_a_blog_in_a_right_to_left_language_has_its_name_shown_so_on_its_page(tmp_path):
    site = make_site(tmp_path)
    dora = site.participants_dir / "dora.toml"
    dora.write_text(dora.read_text(encoding="utf-8").replace('name = "Dora denkt"', 'name = "مدونة دورا"')
                    + 'language = "ar"\n', encoding="utf-8")  # fmt: skip
    with Store(site.store_path) as store:
        fill_store(store)
        store.record_success("dora", "https://dora.example/feed/", etag=None, last_modified=None, body_hash="d",
                             posts=[post("dora", "eins", "مرحبا", T)], now=T)  # fmt: skip
        build_site(site, store)
    heading = page(site, "blogs/dora").h1
    assert (heading.get("lang"), heading.get("dir")) == ("ar", "rtl")


def test_names_in_running_text_are_isolated_and_comments_take_their_own_direction(site):
    # "von ليلى حداد · 3 Beiträge" showed as "von 3 · ليلى حداد Beiträge"; an Arabic comment on a
    # German post was laid out left to right.
    blogs = page(site, "blogs")
    assert [bdi.get_text() for bdi in blogs.select(".writer bdi")] == ["Anna Ärger", "Bernd", "Dora"]
    post = page(site, post_path(ANNA))
    assert all(body.get("dir") == "auto" for body in post.select(".comment-body")) and post.select(".comment-body")


def test_on_paper_wide_tables_and_code_wrap_and_the_original_is_named(site):
    # Printed, a 14-column table kept its first four columns and code was cut at the margin
    # (the scroll boxes scrolled on paper); "Zum Originalbeitrag" printed light grey, its
    # address nowhere.
    style = (site.output / "theme" / "css" / "style.css").read_text(encoding="utf-8")
    printed = style.split("@media print {", 1)[1].split("\n}", 1)[0]
    assert ".table-scroll, pre { overflow: visible; }" in printed and "white-space: pre-wrap" in printed
    assert '.original a.button[href]::after { content: " (" attr(href) ")"' in printed
    assert "a, .button { color: inherit; }" in printed


def test_the_current_page_is_marked_in_the_navigation(site):
    assert page(site, "blogs").select_one('nav a[aria-current="page"]').get_text() == "Blogs"


def test_german_by_default(site):
    home = page(site, "index.html")
    assert home.find("a", class_="skip-link").get_text() == "Zum Inhalt springen"
    assert home.h1.get_text(strip=True) == "Neueste Beiträge"


def test_english_on_request(english):
    home = page(english, "index.html")
    assert home.html["lang"] == "en"
    assert home.h1.get_text(strip=True) == "Newest posts"
    assert home.find("a", class_="skip-link").get_text() == "Skip to content"
    post = page(english, post_path(ANNA))
    assert post.find("a", class_="button").get_text() == "Read the original post"
    assert post.select_one("#mentions h2").get_text() == "Mentions"
    assert post.select_one(".post-header time").get_text() == "November 2, 2026"
    assert page(english, "blogs").find("h2", string="Company blogs")
    assert (english.output / "join" / "index.html").is_file()


def test_every_message_of_the_theme_has_a_german_translation():
    from babel.messages.pofile import read_po

    theme = theme_path()
    with open(catalog_path(theme, "de"), "rb") as po:
        catalog = read_po(po)
    wanted = {m.id if isinstance(m.id, str) else m.id[0] for m in extract_messages(theme) if m.id}
    have = {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}
    assert wanted <= have, "run `python -m aggregator.i18n` and translate"
    assert untranslated(catalog) == []


def test_the_theme_is_small_and_uses_no_webfonts():
    css = (theme_path() / "static" / "css" / "style.css").read_text()
    assert len(css) < 12_000
    assert "@import" not in css and "@font-face" not in css and "url(" not in css
    assert ":focus-visible" in css
    static = {p.relative_to(theme_path() / "static").as_posix(): p.stat().st_size
              for p in (theme_path() / "static").rglob("*") if p.is_file()}  # fmt: skip
    assert set(static) == {"css/style.css", "js/search.js", "favicon.ico", "images/card.png"}
    assert static["js/search.js"] < 8_000 and static["images/card.png"] < 60_000


def test_a_message_without_variables_is_looked_up_once_per_escaping():
    """numbers_in_words keeps a message's text once looked up: marked safe where the template
    autoescapes, plain text where it does not (`|e` escapes that one)."""
    from jinja2 import Environment

    from aggregator.website.plugin.environment import numbers_in_words

    asked: list[str] = []

    def gettext(message: str) -> str:
        asked.append(message)
        return {"Tom & Jerry": "Tom & Jerry (übersetzt)"}.get(message, message)

    env = Environment(extensions=["jinja2.ext.i18n"], autoescape=True)
    env.install_gettext_callables(gettext, lambda one, many, n: one if n == 1 else many, newstyle=True)
    env.globals["gettext"] = numbers_in_words(env.globals["gettext"], lambda n: f"{n:,}".replace(",", "."))
    template = env.from_string(
        '{{ _("Tom & Jerry")|e }}|{% autoescape false %}{{ _("Tom & Jerry")|e }}{% endautoescape %}'
        '|{{ _("%(count)s posts", count=12345) }}'
    )
    expected = "Tom & Jerry (übersetzt)|Tom &amp; Jerry (übersetzt)|12.345 posts"
    assert template.render() == expected
    assert template.render() == expected
    # Once for each escaping; the message with a variable each time.
    assert asked == ["Tom & Jerry", "Tom & Jerry", "%(count)s posts", "%(count)s posts"]


@pytest.mark.parametrize("first", ["summer", "winter"])
def test_two_posts_in_the_hour_the_clocks_go_back_keep_their_own_offsets(first):
    # 02:30 in Berlin on 25 October 2026 happens twice, in summer time (+02:00) and then in
    # winter time (+01:00); Python's datetimes of one zone compare and hash alike whichever
    # they are (fold is left out), and the filters' cache gave both posts the offset of the
    # one shown first: a page carried over from another build showed the other.
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from aggregator.i18n import date_filters

    berlin = ZoneInfo("Europe/Berlin")
    summer = datetime(2026, 10, 25, 0, 30, tzinfo=ZoneInfo("UTC")).astimezone(berlin)
    winter = datetime(2026, 10, 25, 1, 30, tzinfo=ZoneInfo("UTC")).astimezone(berlin)
    assert summer == winter and summer.utcoffset() != winter.utcoffset()  # the trap
    filters = date_filters("de", "Europe/Berlin")
    shown = {name: filters["isodate"](value) for name, value in
             sorted({"summer": summer, "winter": winter}.items(), key=lambda item: item[0] != first)}  # fmt: skip
    assert shown == {"summer": "2026-10-25T02:30+02:00", "winter": "2026-10-25T02:30+01:00"}
    assert filters["localdatetime"](summer) == filters["localdatetime"](winter) == "25. Oktober 2026, 02:30"
