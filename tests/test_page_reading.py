"""Reading a candidate's page: canonical, title, author, date in the parade rules' order, the blog,
its feeds, and the article's links without navigation, sidebars and comments."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta, timezone

import pytest

from aggregator.parades.page_reading import is_html, read_page
from aggregator.parades.pages import extract_links

URL = "https://anna.example/2026/10/mein-beitrag/"
CALL = "https://host.example/aufruf/"


def page(head: str = "", body: str = "", lang: str = "de") -> bytes:
    return (f'<!doctype html><html lang="{lang}"><head><meta charset="utf-8">{head}</head>'
            f"<body>{body}</body></html>").encode()  # fmt: skip


WORDPRESS = page(
    head="""<title>Mein Beitrag zur Blogparade &#8211; Annas Blog</title>
<link rel="canonical" href="https://anna.example/2026/10/mein-beitrag/">
<link rel="alternate" type="application/rss+xml" title="Annas Blog &raquo; Feed" href="https://anna.example/feed/">
<link rel="alternate" type="application/rss+xml" title="Annas Blog &raquo; Kommentar-Feed" href="https://anna.example/comments/feed/">
<link rel="alternate" type="application/rss+xml" title="Annas Blog &raquo; Mein Beitrag-Kommentar-Feed" href="https://anna.example/2026/10/mein-beitrag/feed/">
<meta property="og:site_name" content="Annas Blog">
<meta property="og:title" content="Mein Beitrag zur Blogparade">
<meta property="og:description" content="Wie ich remote arbeite, und warum.">
<meta property="article:published_time" content="2026-10-12T07:00:00+00:00">
<script type="application/ld+json">{"@context":"https://schema.org","@graph":[
 {"@type":"WebSite","@id":"https://anna.example/#website","url":"https://anna.example/","name":"Annas Blog"},
 {"@type":"Article","headline":"Mein Beitrag zur Blogparade","datePublished":"2026-10-12T09:00:00+02:00",
  "author":{"@type":"Person","name":"Anna Ärger"}}]}</script>""",
    body=f"""<header><a href="https://anna.example/" rel="home">Annas Blog</a>
<nav><a href="{CALL}">Die Blogparade im Menü</a></nav></header>
<article class="post"><h1 class="entry-title">Mein Beitrag zur Blogparade</h1>
<time class="entry-date" datetime="2026-10-11T09:00:00+02:00">11. Oktober</time>
<div class="entry-content"><p>Ich mache mit bei der <a href="{CALL}?utm_source=x">Blogparade</a>.</p>
<p>Mehr <a href="/ueber-mich/">über mich</a>.</p>
<div class="sharedaddy"><a href="https://share.example/?u=1">Teilen</a></div></div></article>
<aside class="widget-area"><a href="https://werbung.example/">Werbung</a></aside>
<div id="comments" class="comments-area"><ol class="comment-list"><li>
<a href="https://spam.example/">spam</a><time datetime="2026-11-20T00:00:00Z">20.11.</time></li></ol></div>""",
)


def test_a_wordpress_page_is_read_in_full():
    found = read_page(WORDPRESS, URL, "text/html; charset=UTF-8")
    assert found.url == URL
    assert found.canonical == URL
    assert found.title == "Mein Beitrag zur Blogparade"
    assert found.author == "Anna Ärger"
    # JSON-LD comes before article:published_time and the article's <time>.
    assert (found.published, found.date_source) == (datetime(2026, 10, 12, 9, tzinfo=timezone(timedelta(hours=2))), "json-ld")
    assert found.site_name == "Annas Blog"
    assert found.home == "https://anna.example/"
    assert found.feed == "https://anna.example/feed/"  # not a comment feed
    assert found.comment_feed == "https://anna.example/2026/10/mein-beitrag/feed/"  # this post's own
    assert found.excerpt == "Wie ich remote arbeite, und warum."
    assert found.language == "de"


def test_only_the_articles_own_links_count():
    found = read_page(WORDPRESS, URL, "text/html")
    assert found.links == (f"{CALL}?utm_source=x", "https://anna.example/ueber-mich/")


# A theme that marks no article: the call's link only in a sidebar widget (a <div>, not an
# <aside>), the footer and a search form.
NO_ARTICLE = page(body=f"""<div class="content"><p>Mein Beitrag, <a href="/ueber-mich/">über mich</a>.</p></div>
<div class="sidebar"><div class="widget"><a href="{CALL}">Zur Blogparade</a></div></div>
<form action="/suche/"><a href="{CALL}?form">Aufruf</a></form><footer><a href="{CALL}#footer">Aufruf</a></footer>""")


@pytest.mark.parametrize("html", [WORDPRESS, NO_ARTICLE])
def test_a_summarys_page_and_a_candidates_page_have_the_same_links(html):
    # pages.py (a summary's page) and read_page (a candidate's page) judge what is the post's
    # text by one rule: they once differed on sidebars, widgets and footers.
    assert extract_links(html, URL, "text/html") == read_page(html, URL, "text/html").links
    assert extract_links(NO_ARTICLE, URL) == ("https://anna.example/ueber-mich/",)


# Themes that mark no article and name their sidebar and footer the way HTML 4 themes did: by
# id (WordPress's Kubrick and its heirs: #sidebar, #footer; Twenty Ten to Twenty Fourteen:
# #secondary), by ARIA role, or by Jimdo's classes.
CLASSIC = [
    f"""<div id="content"><div class="post"><h2>Mein Beitrag</h2><div class="entry"><p>Text,
    <a href="/ueber-mich/">über mich</a>.</p></div></div></div><div id="sidebar"><ul><li><h2>Blogparaden</h2>
    <ul><li><a href="{CALL}">Über Bücher</a></li></ul></li></ul></div>
    <div id="footer"><p><a href="{CALL}#footer">Aufruf</a></p></div>""",
    f"""<div id="primary"><div class="post"><p>Text, <a href="/ueber-mich/">über mich</a>.</p></div></div>
    <div id="secondary" class="widget-area"><div id="text-2"><a href="{CALL}">Blogparade</a></div></div>
    <div role="complementary"><a href="{CALL}?x">Aufruf</a></div>
    <div role="contentinfo"><a href="{CALL}?y">Aufruf</a></div>""",
    f"""<div class="jtpl-content"><div class="j-module n j-text"><p>Text, <a href="/ueber-mich/">über
    mich</a>.</p></div></div><div class="jtpl-sidebar"><div class="j-module n j-text">
    <a href="{CALL}">Blogparade</a></div></div>""",
]


@pytest.mark.parametrize("body", CLASSIC)
def test_a_classic_themes_sidebar_and_footer_are_no_article(body):
    assert read_page(page(body=body), URL, "text/html").links == ("https://anna.example/ueber-mich/",)


def test_a_jimdo_posts_text_is_its_article_not_the_comments_under_it():
    # Jimdo (Creator) marks no article: its content area holds the post's header, text and comments.
    body = f"""<div id="content_area" data-container="content"><div class="n j-blog-meta j-blog-post--header">
<h1 class="j-blog-header j-blog-headline j-blog-post--headline">Herbstkurs</h1></div>
<div class="post j-blog-content"><div id="cc-matrix-1"><div id="cc-m-1" class="j-module n j-text">
<p>Der Kurs beginnt. <a href="/kurse/">Kurse</a></p></div></div></div>
<div class="j-module n j-comment"><ul class="com-list-noava"><li id="commentsModule123"><div class="com-meta">Kulturblog</div>
<p>Magst du bei meiner <a href="{CALL}">Blogparade</a> mitmachen?</p></li></ul></div></div>"""
    found = read_page(page(body=body), URL)
    assert found.links == ("https://anna.example/kurse/",)
    assert found.excerpt == "Der Kurs beginnt. Kurse"


# Blogger's themes put the posts in a widget, as they put the sidebar's gadgets (Contempo's markup).
BLOGGER = page(body=f"""<main class="centered-bottom" id="main" role="main"><div class="main section" id="page_body">
<div class="widget Blog" data-version="2" id="Blog1"><div class="blog-posts hfeed container">
<article class="post-outer-container"><div class="post-outer"><div class="post">
<h3 class="post-title entry-title">Mein Lieblingsbuch</h3><div class="post-header"><span class="byline post-timestamp">
<a class="timestamp-link" href="{URL}" rel="bookmark"><time class="published" datetime="2026-10-12T10:00:00+02:00">
Oktober 12, 2026</time></a></span></div>
<div class="post-body entry-content float-container" id="post-body-42">Mein Beitrag zur <a href="{CALL}">Blogparade</a>.</div>
</div></div><section class="comments threaded" id="comments"><div class="comment-content">Toll!</div></section>
</article></div></div></div></main><aside class="sidebar-container"><div class="widget PopularPosts" id="PopularPosts1">
<a href="{CALL}">Beliebt</a></div></aside>""")


def test_a_blogger_post_is_its_posts_widget_not_a_sidebar_gadget():
    found = read_page(BLOGGER, URL, "text/html")
    assert found.links == (CALL,)
    assert (found.published, found.date_source) == (datetime(2026, 10, 12, 8, tzinfo=UTC), "time")
    assert found.excerpt == "Mein Beitrag zur Blogparade."


@pytest.mark.parametrize("href", [
    "https://t.umblr.com/redirect?z=https%3A%2F%2Fhost.example%2Faufruf%2F&amp;t=MmY4Zj&amp;b=t%3AaBc&amp;m=1",
    f"https://href.li/?{CALL}",  # Tumblr's newer posts
    "https://www.linkedin.com/redir/redirect?url=https%3A%2F%2Fhost%2Eexample%2Faufruf%2F&amp;urlhash=x1Y2"
    "&amp;trk=article-ssr-frontend-pulse_little-text-block",
])  # fmt: skip
def test_a_link_through_a_platforms_redirector_is_a_link_to_its_target(href):
    body = f'<article><p>Mein Beitrag zur <a href="{href}">Blogparade</a>, <a href="/ueber-mich/">ich</a>.</p></article>'
    assert read_page(page(body=body), URL).links == (CALL, "https://anna.example/ueber-mich/")


def test_an_h_entry_date_comes_first():
    body = f"""<div class="h-entry"><h1 class="p-name">Notiz zur Parade</h1>
<a class="p-author h-card" href="/"><span class="p-name">Bernd</span></a>
<time class="dt-published" datetime="2026-10-14 18:30:00+02:00">14.10.</time>
<div class="e-content"><p><a href="{CALL}">Aufruf</a></p></div></div>"""
    head = '<script type="application/ld+json">{"@type":"BlogPosting","datePublished":"2026-01-01"}</script>'
    found = read_page(page(head, body), URL)
    assert found.date_source == "h-entry"
    assert found.published == datetime(2026, 10, 14, 16, 30, tzinfo=UTC)
    assert found.title == "Notiz zur Parade" and found.author == "Bernd"
    assert found.links == (CALL,)


def test_article_published_time_then_a_time_in_the_article():
    meta = '<meta property="article:published_time" content="2026-10-15T10:00:00Z">'
    assert read_page(page(meta), URL).date_source == "article:published_time"
    body = ('<div id="comments"><time datetime="2026-11-01">x</time></div>'
            '<article><h1>T</h1><p>Veröffentlicht am <time datetime="2026-10-16">16.10.</time></p></article>')
    found = read_page(page(body=body), URL)
    assert (found.published, found.date_source) == (datetime(2026, 10, 16), "time")  # a day: naive
    assert found.published.tzinfo is None


def test_a_time_in_the_articles_own_footer_dates_it_not_one_in_the_pages():
    # WordPress's Twenty Sixteen without an SEO plugin: the date is in the article's footer.
    body = f"""<main id="main" class="site-main" role="main"><article class="post hentry">
<header class="entry-header"><h1 class="entry-title">Mein Lieblingsbuch</h1></header>
<div class="entry-content"><p>Zur <a href="{CALL}">Blogparade</a>.</p></div><footer class="entry-footer">
<span class="posted-on"><a href="{URL}" rel="bookmark"><time class="entry-date published" datetime="2026-10-12T09:00:00+02:00">
12. Oktober</time><time class="updated" datetime="2026-11-20T10:00:00+01:00">20. November</time></a></span>
<div class="sharedaddy"><a href="{CALL}#teilen">Teilen</a></div></footer></article></main>"""
    found = read_page(page(body=body + '<footer class="site-footer"><time datetime="2026-12-01">1.12.</time></footer>'), URL)
    assert (found.published, found.date_source) == (datetime(2026, 10, 12, 7, tzinfo=UTC), "time")
    assert found.links == (CALL,)
    # Without the article, a footer is the page's.
    found = read_page(page(body=body.replace("article", "div") + f'<footer><a href="{CALL}">x</a></footer>'), URL)
    assert found.published is None and found.links == (CALL,)


def test_a_classic_blogger_post_dated_only_by_microdata_keeps_its_date():
    # Blogger's classic templates date a post only with schema.org microdata on an <abbr>, the
    # page's <time>s (an archive widget's) being others'.
    body = f"""<div class="blog-posts"><div class="post hentry" itemprop="blogPost" itemscope
itemtype="http://schema.org/BlogPosting"><h3 class="post-title entry-title" itemprop="name">Zug</h3>
<div class="post-header"><span class="post-timestamp"><a class="timestamp-link" href="{URL}" rel="bookmark">
<abbr class="published" itemprop="datePublished" title="2026-10-13T08:15:00+02:00">08:15</abbr></a></span></div>
<div class="post-body entry-content" itemprop="description articleBody"><p><a href="{CALL}">Aufruf</a></p></div>
</div></div><div class="sidebar"><time datetime="2026-11-30">Archiv</time></div>"""
    found = read_page(page(body=body), URL)
    assert (found.published, found.date_source) == (datetime(2026, 10, 13, 6, 15, tzinfo=UTC), "microdata")
    meta = '<meta itemprop="datePublished" content="2026-10-15">'
    assert read_page(page(body=f"<article>{meta}<p>Text</p></article>"), URL).published == datetime(2026, 10, 15)


def test_a_page_without_any_date_says_so():
    found = read_page(page("<title>Ohne Datum | Cafe</title>", "<main><p>Text</p></main>"), URL)
    assert found.published is None and found.date_source == ""
    assert found.title == "Ohne Datum | Cafe"  # no site name known: the title stays whole
    assert read_page(page('<title>Ohne Datum | Cafe</title><meta property="og:site_name" content="Cafe">'), URL).title == "Ohne Datum"


@pytest.mark.parametrize("placeholder", ["0001-01-01T00:00:00+05:00", "0001-01-01", "9999-12-31T23:00:00-05:00",
                                         "Sat, 01 Jan 1800 00:00:00 +0000"])  # fmt: skip
def test_a_date_in_no_plausible_year_is_no_date(placeholder):
    # A placeholder is passed over for the next source, as if the page had not given it.
    head = (f'<meta property="article:published_time" content="{placeholder}">'
            f'<script type="application/ld+json">{{"@type":"BlogPosting","datePublished":"{placeholder}"}}</script>')
    body = (f'<div class="h-entry"><time class="dt-published" datetime="{placeholder}">x</time>'
            '<p>Vom <time datetime="2026-10-16">16.10.</time></p></div>')
    found = read_page(page(head, body), URL)
    assert (found.published, found.date_source) == (datetime(2026, 10, 16), "time")
    assert read_page(page(head), URL).published is None


PAGE_DATES = {  # article:published_time as written -> the date read (naive: the site's local time)
    "Mon, 30 Nov 2026 23:30:00 CET": datetime(2026, 11, 30, 22, 30, tzinfo=UTC),
    "Mo, 30 Nov 2026 23:30:00 MEZ": datetime(2026, 11, 30, 22, 30, tzinfo=UTC),
    "Di, 13 Okt 2026 08:00:00 MESZ": datetime(2026, 10, 13, 6, 0, tzinfo=UTC),
    "Mon, 30 Nov 2026 23:30:00 BST": datetime(2026, 11, 30, 22, 30, tzinfo=UTC),
    "Mon, 30 Nov 2026 23:30:00 JST": datetime(2026, 11, 30, 14, 30, tzinfo=UTC),
    "Mon, 30 Nov 2026 23:30:00 EST": datetime(2026, 12, 1, 4, 30, tzinfo=UTC),
    "Mon, 30 Nov 2026 23:30:00 +0100": datetime(2026, 11, 30, 22, 30, tzinfo=UTC),
    "Mon, 30 Nov 2026 23:30:00 GMT": datetime(2026, 11, 30, 23, 30, tzinfo=UTC),
    "Mon, 30 Nov 2026 23:30:00": datetime(2026, 11, 30, 23, 30),  # no zone: the site's time
    "Mo, 30 Nov 2026 23:30": datetime(2026, 11, 30, 23, 30),
    "2026-11-30T23:30:00": datetime(2026, 11, 30, 23, 30),
    "30.11.2026, 23:30 Uhr": datetime(2026, 11, 30, 23, 30),  # the German way: a name at its end, no zone
    "Mo., 30.11.2026 23:30": datetime(2026, 11, 30, 23, 30),
    "2026/11/30 23:30:00": datetime(2026, 11, 30, 23, 30),  # feedparser alone: December 1st
}


@pytest.mark.parametrize("written", list(PAGE_DATES))
def test_a_pages_date_is_read_as_a_feeds_and_without_a_zone_in_the_sites_time(written):
    # The README: "a date without a time zone, the page's …, is the site's local time"; a
    # European zone's name, as German servers write it, as in feeds (tests/test_engines.py).
    found = read_page(page(f'<meta property="article:published_time" content="{written}">'), URL)
    assert found.published == PAGE_DATES[written]


def test_a_pages_date_does_not_depend_on_what_else_the_process_read():
    # The CET and MEZ reader was registered with feedparser only once a feed needed it: in a
    # process that read none, "23:30 CET" was read as 23:30 UTC (an hour after a parade's end)
    # and a date without a zone as none, so one page's verdict depended on the other feeds.
    code = ("from aggregator.parades.page_reading import read_page\n"
            "for date in ('Mon, 30 Nov 2026 23:30:00 CET', 'Mon, 30 Nov 2026 23:30:00'):\n"
            "    page = f'<html><head><meta property=\"article:published_time\" content=\"{date}\">'\n"
            "    print(read_page(page.encode(), 'https://anna.example/p/').published.isoformat())\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.stdout.split() == ["2026-11-30T22:30:00+00:00", "2026-11-30T23:30:00"], done.stderr


@pytest.mark.parametrize("impossible", ["2026-11-31T10:00", "2026-02-30", "2026-13-01T10:00:00Z",
                                        "2026-11-30T25:00", "2026-11-30T10:61:00+01:00"])  # fmt: skip
def test_a_day_or_time_there_is_not_is_no_date(impossible):
    # A hand-typed "31 November" must not become December 1st (feedparser's date reader rolls
    # it over): it is passed over for the next source, as if the page had not given it.
    head = f'<meta property="article:published_time" content="{impossible}">'
    body = f'<article><p>Vom <time datetime="{impossible}">x</time> <time datetime="2026-10-16">16.10.</time></p></article>'
    found = read_page(page(head, body), URL)
    assert (found.published, found.date_source) == (datetime(2026, 10, 16), "time")
    assert read_page(page(head), URL).published is None
    leap = read_page(page('<meta property="article:published_time" content="2024-02-29T10:00:00Z">'), URL)
    assert leap.published == datetime(2024, 2, 29, 10, tzinfo=UTC)


def test_a_base_href_and_relative_links():
    body = '<base href="https://anna.example/blog/"><article><a href="eins/">1</a> <a href="mailto:a@b.de">m</a></article>'
    assert read_page(page(body=body), URL).links == ("https://anna.example/blog/eins/",)


def test_latin1_by_its_header():
    body = "<article><h1>Grüße</h1></article>".encode("latin-1")
    assert read_page(b"<html><body>" + body + b"</body></html>", URL, "text/html; charset=ISO-8859-1").title == "Grüße"


@pytest.mark.parametrize("junk", [b"", b"   ", b"\x00\x01\x02", b"<?xml version='1.0'?><rss/>", b"no markup at all"])
def test_junk_is_an_empty_reading_never_an_exception(junk):
    found = read_page(junk, URL)
    assert found.url == URL and found.links == ()


def test_broken_json_ld_is_skipped():
    head = ('<script type="application/ld+json">{broken</script>'
            '<script type="application/ld+json">[{"@type":"NewsArticle","datePublished":"2026-10-20T12:00:00Z","headline":"H"}]</script>')
    found = read_page(page(head), URL)
    assert found.date_source == "json-ld" and found.title == "H"


@pytest.mark.parametrize("content_type, html", [
    ("text/html; charset=utf-8", True), ("application/xhtml+xml", True), ("", True),
    ("application/pdf", False), ("image/png", False), ("application/rss+xml", False),
])  # fmt: skip
def test_what_counts_as_html(content_type, html):
    assert is_html(content_type) is html


def test_the_excerpt_keeps_paragraphs_apart_and_words_whole():
    body = "<article><p>Erster Absatz mit <a href='/x'>Link</a></p><p>Zwei<b>ter</b> Absatz.</p></article>"
    assert read_page(page(body=body), URL).excerpt == "Erster Absatz mit Link Zweiter Absatz."


def test_the_excerpt_is_the_articles_words_not_its_title_or_date():
    # "Emil über Remote 26.11. Zur Blogparade.": the parade's page shows title and date apart.
    body = ('<article><h1>Emil über Remote</h1><time datetime="2026-11-26">26.11.</time>'
            '<header><span class="byline">von Emil</span></header>'
            '<p>Zur Blogparade: am <time datetime="2026-11-20">20.11.</time> ging es los.</p>'
            '<figure><img src="/a.png" alt=""><figcaption>Mein Schreibtisch</figcaption></figure>'
            '<p>Mehr.</p><footer>Teilen</footer></article>')  # fmt: skip
    assert read_page(page(body=body), URL).excerpt == "Zur Blogparade: am 20.11. ging es los. Mehr."


# --- a call's comment list -------------------------------------------------------------------------


def call_with_comments():
    """A call with two pingbacks, a trackback, a reader's comment naming their post (and their
    own blog as the commenter's website), a reply under it, and one more comment."""
    from tests.wordpress import Blog, Comment, Post, pingback

    t = datetime(2026, 10, 2, 10, tzinfo=UTC)
    comments = [
        pingback(11, "Annas Beitrag", "https://anna.example/2026/10/beitrag/", "zur Parade", t),
        pingback(12, "Berts Beitrag", "https://bert.example/beitrag/", "zur Parade", t + timedelta(hours=1)),
        Comment(13, "Carlas Blog", "<strong>Mein Beitrag</strong> Ausschnitt …", t + timedelta(hours=2),
                type="trackback", author_url="https://carla.example/p/"),
        Comment(14, "Dora", 'Hier mein Beitrag: <a href="https://dora.example/parade/">Die Parade</a>',
                t + timedelta(hours=3), author_url="https://dora.example/"),
        Comment(15, "Host", 'Danke! Siehe auch <a href="https://host.example/2026/09/regeln/">Regeln</a>',
                t + timedelta(hours=4), parent=14, author_url="https://host.example/"),
        Comment(16, "Emil", "Schöne Idee, ich schreibe bis Freitag: https://emil.example/entwurf/",
                t + timedelta(hours=5), author_url="https://emil.example/"),
    ]  # fmt: skip
    call = Post(5, "aufruf", "Aufruf zur Blogparade", datetime(2026, 9, 30, tzinfo=UTC), comments=comments)
    return Blog("https://host.example", "Host", [call]), call


@pytest.mark.parametrize("theme", ["classic", "block"])
def test_a_calls_comment_list_names_its_pings_and_its_comments_texts(theme):
    from aggregator.parades.candidates import from_call_page
    from aggregator.parades.page_reading import read_call_comments

    blog, call = call_with_comments()
    url = blog.permalink(call)
    found = read_call_comments(blog.post_page(call, theme=theme), url, "text/html; charset=UTF-8")
    assert found.pings == ("https://anna.example/2026/10/beitrag/", "https://bert.example/beitrag/",
                           "https://carla.example/p/")  # fmt: skip
    assert len(found.comments) == 3  # Dora's, the host's reply, Emil's: not the pings' excerpts
    assert found.pages == () and found.shortlink == "https://host.example/?p=5"
    named = [(c.url, c.channel) for c in from_call_page(found, url)]
    assert named == [
        ("https://anna.example/2026/10/beitrag/", "pingback"), ("https://bert.example/beitrag/", "pingback"),
        ("https://carla.example/p/", "pingback"), ("https://dora.example/parade/", "comment"),
        ("https://emil.example/entwurf/", "comment"),
    ]  # fmt: skip  (not the commenters' websites, not the host's own page)


@pytest.mark.parametrize("theme", ["classic", "block"])
def test_a_calls_paged_comments_name_their_other_pages(theme):
    from aggregator.parades.page_reading import read_call_comments

    blog, call = call_with_comments()
    newest = read_call_comments(blog.post_page(call, theme=theme, per_page=2), blog.permalink(call))
    assert newest.pings == () and len(newest.comments) == 1  # Emil's: page 3 of 3
    assert blog.post_page_url(call, 2) in newest.pages
    first = read_call_comments(blog.post_page(call, theme=theme, per_page=2, page=1), blog.post_page_url(call, 1))
    assert first.pings == ("https://anna.example/2026/10/beitrag/", "https://bert.example/beitrag/")
    assert blog.post_page_url(call, 2) in first.pages and blog.post_page_url(call, 1) not in first.pages


@pytest.mark.parametrize("body", [b"", b"<html><body><p>Aufruf</p></body></html>", b"\x00\xff<<<",
                                  b'<li class="pingback"><a href="javascript:alert(1)">x</a></li>'])
def test_a_call_page_without_a_comment_list_names_nothing(body):
    from aggregator.parades.page_reading import CallComments, read_call_comments

    assert read_call_comments(body, "https://host.example/aufruf/") == CallComments()


@pytest.mark.parametrize("ping_list", ['<ol class="pinglist">', '<ol class="pingback">'])
def test_pings_a_theme_lists_apart_without_their_class_are_pings(ping_list):
    # Divi (and every Elegant Themes theme) lists the pings after the comments with a callback
    # of its own, et_list_pings: `<li id="comment-N">` and the author's link, no comment_class();
    # older themes mark the list itself.  Only the list says what its items are.
    from aggregator.parades.candidates import from_call_page
    from aggregator.parades.page_reading import read_call_comments

    url = "https://host.example/2026/10/aufruf/"
    body = (
        '<html><body><article><div class="entry-content"><p>Aufruf</p></div></article>'
        '<section id="comment-wrap"><ol class="commentlist clearfix">'
        '<li class="comment even thread-even depth-1" id="li-comment-3">'
        '<article id="comment-3" class="comment-body clearfix"><div class="comment_postinfo">'
        '<span class="fn"><a href="https://dora.example/" class="url" rel="ugc external nofollow">Dora</a></span></div>'
        '<div class="comment_area"><div class="comment-content clearfix"><p>Toll!</p></div></div></article></li></ol>'
        f'<div id="trackbacks"><h3 id="trackbacks-title">Trackbacks/Pingbacks</h3>{ping_list}\n'
        '<li id="comment-4"><a href="https://anna.example/beitrag/" rel="external nofollow ugc" class="url">Anna</a>'
        ' - [&#8230;] zur Blogparade [&#8230;]\n</li><!-- #comment-## -->\n'
        '<li id="comment-5"><a href="https://bert.example/beitrag/" rel="external nofollow ugc" class="url">Bert</a>'
        ' - [&#8230;] Blogparade [&#8230;]\n</li><!-- #comment-## -->\n</ol></div></section></body></html>'
    )  # fmt: skip
    found = read_call_comments(body, url)
    assert found.pings == ("https://anna.example/beitrag/", "https://bert.example/beitrag/")
    assert [c.url for c in from_call_page(found, url)] == list(found.pings)  # not Dora's website


# A reader's comment naming their post, with their blog as the commenter's website, as themes
# print it (their comment callbacks, trimmed to the comment's parts).
AUTHOR = '<a href="https://dora.example/" class="url" rel="ugc external nofollow">Dora</a>'
TEXT = '<p>Hier mein Beitrag: <a href="https://dora.example/parade/" rel="nofollow ugc">Die Parade</a></p>'
DATE = '<a href="https://host.example/2026/10/aufruf/#comment-3">1. Oktober 2026 um 10:00</a>'
REPLY = '<a rel="nofollow" class="comment-reply-link" href="?replytocom=3#respond">Antworten</a>'
THEMES = {
    # twentyten_comment(), copied by many themes: the text alone in .comment-body
    "twenty-ten": f'<ol class="commentlist"><li class="comment even thread-even depth-1" id="li-comment-3">'
                  f'<div id="comment-3"><div class="comment-author vcard"><cite class="fn">{AUTHOR}</cite>'
                  f'<span class="says">sagt:</span></div><div class="comment-meta commentmetadata">{DATE}</div>'
                  f'<div class="comment-body">{TEXT}</div><div class="reply">{REPLY}</div></div></li></ol>',
    # Walker_Comment::comment(), for themes without html5 comment lists: all in .comment-body
    "walker-xhtml": f'<ol class="commentlist"><li class="comment even thread-even depth-1" id="comment-3">'
                    f'<div id="div-comment-3" class="comment-body"><div class="comment-author vcard">'
                    f'<img class="avatar"><cite class="fn">{AUTHOR}</cite> <span class="says">sagt:</span></div>'
                    f'<div class="comment-meta commentmetadata">{DATE}</div>{TEXT}<div class="reply">{REPLY}</div>'
                    f'</div></li></ol>',
    # Astra's astra_theme_comment()
    "astra": f'<ol class="ast-comment-list"><li class="comment even thread-even depth-1" id="li-comment-3">'
             f'<article id="comment-3" class="ast-comment"><div class="ast-comment-info"><header class="ast-comment-meta '
             f'ast-row ast-comment-author vcard capitalize"><div class="ast-comment-cite-wrap"><cite><b class="fn">{AUTHOR}'
             f'</b></cite></div><div class="ast-comment-time">{DATE}</div></header></div><section class="ast-comment-content '
             f'comment">{TEXT}<div class="ast-comment-edit-reply-wrap">{REPLY}</div></section></article></li></ol>',
    # wpDiscuz's WpdiscuzWalker
    "wpdiscuz": f"<div class=\"wpd-thread-list\"><div id='wpd-comm-3_0' class='comment even thread-even depth-1 "
                f"wpd-comment wpd_comment_level-1'><div class=\"wpd-comment-wrap wpd-blog-guest\"><div id=\"comment-3\" "
                f'class="wpd-comment-right"><div class="wpd-comment-header"><div class="wpd-comment-author">'
                f'<a href="https://dora.example/" rel="nofollow">Dora</a></div><div class="wpd-comment-date">vor 2 Wochen'
                f'</div></div><div class="wpd-comment-text">{TEXT}</div><div class="wpd-comment-footer"><div '
                f'class="wpd-reply-button">Antworten</div></div></div></div></div></div>',
}  # fmt: skip


@pytest.mark.parametrize("theme", THEMES)
def test_a_readers_comment_is_read_in_the_markup_of_older_and_popular_themes(theme):
    from aggregator.parades.candidates import from_call_page
    from aggregator.parades.page_reading import read_call_comments

    url = "https://host.example/2026/10/aufruf/"
    body = f'<html><body><article><div class="entry-content">Aufruf</div></article>{THEMES[theme]}</body></html>'
    found = read_call_comments(body, url)
    assert len(found.comments) == 1
    assert [c.url for c in from_call_page(found, url)] == ["https://dora.example/parade/"]  # not her home


def test_a_comment_naming_a_post_on_an_umlaut_domain_names_it_as_written():
    # German blogs live on IDN domains (müller-blog.de).  A call page in ISO-8859-1, as older
    # WordPress installs still serve them.
    from aggregator.parades.candidates import from_call_page
    from aggregator.parades.page_reading import read_call_comments
    from aggregator.urls import is_fetchable_url

    url = "https://host.example/2026/10/aufruf/"
    body = ('<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1"></head><body>'
            '<ol class="comment-list"><li class="comment"><div class="comment-content"><p>Grüße! Mein Beitrag: '
            '<a href="https://dörte.example/über-doku/">Über Doku</a></p></div></li></ol></body></html>')  # fmt: skip
    [named] = from_call_page(read_call_comments(body.encode("iso-8859-1"), url, "text/html"), url)
    assert named.url == "https://dörte.example/über-doku/" and is_fetchable_url(named.url)


@pytest.mark.parametrize("byline", [
    '<span class="byline"><span class="author vcard"><a class="url fn n" href="/author/bernd/">Bernd</a></span></span>',
    '<span itemprop="author" itemscope itemtype="http://schema.org/Person"><span itemprop="name">Bernd</span></span>',
    '<meta itemprop="author" content="Bernd">',
])  # fmt: skip
def test_an_author_named_by_hcard_or_microdata_is_read(byline):
    # Twenty Sixteen without an SEO plugin (hCard, no rel=author), TYPO3's news (microdata).
    body = f'<article><h1>Beitrag</h1><p>{byline}</p><p><a href="{CALL}">Aufruf</a></p></article>'
    assert read_page(page(body=body), URL).author == "Bernd"
