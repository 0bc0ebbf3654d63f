"""clean: sanitising, URLs, plain text, and the Post / Comment records built from parsed samples."""

from __future__ import annotations

import time
from dataclasses import replace
from datetime import datetime, timezone
from pathlib import Path

import lxml.html
import pytest
from bs4 import BeautifulSoup

from aggregator.feeds.clean import (
    in_page_mark,
    TITLE_LIMIT,
    _too_deep,
    behind_password,
    clean_comment,
    clean_post,
    comment_kind,
    excerpt,
    outbound_links,
    parent_guid,
    plain_text,
    safe_url,
    sanitize_html,
    strip_email,
)
from aggregator.feeds.parse import parse_feed
from aggregator.models import Attachment, ParsedAttachment, ParsedEntry, Participant

FEEDS = Path(__file__).resolve().parent / "feeds"
BASE = "https://blog.example.de/2024/05/post/"
NOW = datetime(2024, 6, 1, tzinfo=timezone.utc)
PARTICIPANT = Participant(
    slug="gruenfink", name="Gärtnerei Grünfink", feed="https://blog.gruenfink.example/feed/",
    home="https://blog.gruenfink.example/", author="", language="de",
)


def entries(name: str) -> tuple[ParsedEntry, ...]:
    return parse_feed((FEEDS / name).read_bytes(), {}, "https://blog.gruenfink.example/feed/", now=NOW).entries


def entry(**fields) -> ParsedEntry:
    defaults = dict(guid="g", url="", title="", author="", published=None, updated=None,
                    summary_html="", content_html="", categories=(), base_url=BASE)
    return ParsedEntry(**{**defaults, **fields})


def soup(html: str) -> BeautifulSoup:
    return BeautifulSoup(html, "html.parser")


# --- safe_url --------------------------------------------------------------------------------------


@pytest.mark.parametrize("url, expected", [
    ("https://example.org/a?b=1#c", "https://example.org/a?b=1#c"),
    ("HTTP://Example.org", "http://Example.org/"),
    ("bild.png", "https://blog.example.de/2024/05/post/bild.png"),
    ("../../../impressum", "https://blog.example.de/impressum"),
    ("/impressum", "https://blog.example.de/impressum"),
    ("//cdn.example.net/x.js", "https://cdn.example.net/x.js"),
    ("  https://example.org/leer zeichen  ", "https://example.org/leer%20zeichen"),
    ("mailto:info@example.org", "mailto:info@example.org"),
    ("MAILTO:info@example.org", "mailto:info@example.org"),
    ("#fussnote", "https://blog.example.de/2024/05/post/#fussnote"),
    ("/\\evil.example/x", "https://evil.example/x"),  # as a browser reads it
])
def test_safe_url_resolves(url, expected):
    assert safe_url(url, BASE) == expected


@pytest.mark.parametrize("url", [
    None, "", "   ", "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)",
    "java\tscript:alert(1)", "java\nscript:alert(1)", "\x01javascript:alert(1)",
    "vbscript:msgbox(1)", "data:text/html;base64,PHNjcmlwdD4=", "file:///etc/passwd",
    "ftp://example.org/", "https://example.org:99999/", "http://", "mailto:", "mailto:a b@c.de",
])
def test_safe_url_refuses(url):
    assert safe_url(url, BASE) is None


def test_safe_url_without_a_usable_base_needs_an_absolute_url():
    assert safe_url("/relative", "") is None
    assert safe_url("/relative", "javascript:alert(1)") is None
    assert safe_url("https://example.org/x", "") == "https://example.org/x"


# --- sanitize_html ---------------------------------------------------------------------------------


def test_sanitize_keeps_blog_markup():
    html = ("<h2>Titel</h2><p>Ein <em>kurzer</em> <strong>Text</strong> mit <code>code</code>.</p>"
            "<blockquote><p>Zitat</p></blockquote><ul><li>eins</li></ul>"
            "<figure><img src='a.jpg' alt='A' width='10' height='20'><figcaption>Bild</figcaption></figure>"
            "<table><tr><th scope='col'>K</th></tr><tr><td colspan='2'>Z</td></tr></table><pre>x</pre><hr>")
    out = soup(sanitize_html(html, BASE))
    for tag in ("h2", "em", "strong", "code", "blockquote", "ul", "li", "figure", "img", "figcaption",
                "table", "th", "td", "pre", "hr"):
        assert out.find(tag) is not None, tag
    assert out.img["src"] == BASE + "a.jpg"
    assert (out.img["width"], out.img["height"], out.img["alt"]) == ("10", "20", "A")
    assert out.th["scope"] == "col" and out.td["colspan"] == "2"


@pytest.mark.parametrize("html", [
    "<script>alert(1)</script>Text",
    "<style>body{display:none}</style>Text",
    "<iframe>fallback</iframe>Text",
    "<iframe src='javascript:alert(1)'>fallback</iframe><video src='data:video/mp4,x'></video>Text",
    "<object data='x.swf'>o</object><embed src='x.swf'>Text",
    "<form action='https://evil.example'><input name=pw><button>Los</button></form>Text",
    "<svg onload=alert(1)><circle/></svg><math><mi>x</mi></math>Text",
])
def test_sanitize_drops_active_content(html):
    out = sanitize_html(html, BASE)
    assert out == "Text"


@pytest.mark.parametrize("embedded, link", [
    ('<iframe src="https://www.youtube-nocookie.com/embed/abc?rel=0&amp;t=4" allowfullscreen>x</iframe>',
     "https://www.youtube-nocookie.com/embed/abc?rel=0&amp;t=4"),
    ("<video controls poster='/p.jpg'><source src='/v/clip.mp4' type='video/mp4'>Kein Video</video>",
     "https://blog.example/v/clip.mp4"),
    ('<audio src="folge-12.mp3" controls></audio>', "https://blog.example/post/folge-12.mp3"),
    ('<iframe data-src="https://player.vimeo.com/video/76979871" class="lazy"></iframe>',
     "https://player.vimeo.com/video/76979871"),
])  # fmt: skip
def test_an_embedded_player_is_a_link_to_what_it_plays(embedded, link):
    # No player here (it would ask its host for the file as the page loads), but the post said
    # something stood there: a link to it, where it stood, not nothing.
    out = sanitize_html(f"<p>Vorher</p>{embedded}<p>Nachher</p>", "https://blog.example/post/")
    assert out == f'<p>Vorher</p><p><a href="{link}" rel="noopener">{link}</a></p><p>Nachher</p>'
    assert sanitize_html(embedded, "https://blog.example/post/", comment=True) == ""  # not in comments


def test_an_embedded_players_link_is_named_by_its_title():
    # WCAG 2.4.4: the link read only its address ("https://www.youtube.com/embed/abc"); the
    # player's title said what it plays.  A player's name for itself says nothing.
    named = sanitize_html('<iframe src="https://www.youtube.com/embed/abc" title="Unser Vortrag &amp; mehr"></iframe>',
                          "https://blog.example/post/")  # fmt: skip
    assert named == '<p><a href="https://www.youtube.com/embed/abc" rel="noopener">Unser Vortrag &amp; mehr</a></p>'
    player = sanitize_html('<iframe src="https://www.youtube.com/embed/abc" title="YouTube video player"></iframe>',
                           "https://blog.example/post/")  # fmt: skip
    assert ">https://www.youtube.com/embed/abc</a>" in player
    other = sanitize_html('<iframe data-title="Kein Titel" src="https://www.youtube.com/embed/abc"></iframe>',
                          "https://blog.example/post/")  # fmt: skip
    assert ">https://www.youtube.com/embed/abc</a>" in other  # a data- attribute is no title


@pytest.mark.parametrize("img, src", [
    ('<img data-src="/a/img/lazy.png" src="data:image/gif;base64,R0lGOD" class="lazyload" alt="L">',
     "https://blog.example/a/img/lazy.png"),  # lazysizes, a3 Lazy Load
    ("<img data-lazy-src='/x.jpg' alt='L'>", "https://blog.example/x.jpg"),  # WP Rocket, no src at all
    ('<img src="/real.png" data-src="/other.png" alt="L">', "https://blog.example/real.png"),  # a real src stays
])  # fmt: skip
def test_a_lazy_loaded_image_is_the_image_its_plugin_would_load(img, src):
    # Its address was in data-src, a placeholder in src: the image was gone without a word.
    assert sanitize_html(f"<p>{img}</p>", "https://blog.example/post/") == f'<p><img src="{src}" alt="L"></p>'
    assert sanitize_html('<p><img data-src="javascript:alert(1)"></p>', "https://blog.example/") == "<p></p>"


@pytest.mark.parametrize("pixel", [
    # Medium's, at the end of every post's content:encoded
    '<img src="https://medium.com/_/stat?event=post.clientViewed&amp;referrerSource=full_rss&amp;postId=1f2e" width="1" height="1" alt="">',
    '<img src="http://feeds.feedburner.com/~r/anna/~4/AbCdEf" height="1" width="1" alt=""/>',  # FeedBurner
    '<img alt="" border="0" src="https://pixel.wp.com/b.gif?host=anna.wordpress.com&blog=1&post=2" width=1 height=1 />',
    "<IMG SRC='https://stats.example/t.gif' WIDTH='0' HEIGHT='0'>",
])
def test_a_tracking_pixel_is_no_image(pixel):
    # Kept, it was downloaded from the tracker once a post, and shown (as nothing) in the post
    # and the site's feeds.  An image of one pixel's height (a rule) is an image.
    body = f"<p>Text</p><p>{pixel}</p>"
    assert sanitize_html(body, "https://anna.example/post/") == "<p>Text</p><p></p>"
    assert sanitize_html(body, "https://anna.example/post/", comment=True) == "<p>Text</p><p></p>"
    rule = '<p><img src="https://anna.example/linie.png" width="600" height="1" alt=""></p>'
    assert sanitize_html(rule, "https://anna.example/post/") == rule


def test_sanitize_drops_dangerous_attributes_and_urls():
    html = ('<p onclick="evil()" style="color:red" class="x" id="main">'
            '<a href="javascript:alert(1)" onmouseover="evil()">j</a>'
            '<a href="JaVaScRiPt&#58;alert(1)">k</a>'
            '<a href="jav&#x09;ascript:alert(1)">l</a>'
            '<a href="data:text/html,x">d</a>'
            '<a href="vbscript:x">v</a>'
            '<img src="data:image/png;base64,AAAA" alt="weg">'
            '<img src="javascript:alert(1)">'
            '<a href="/ok" target="_blank" rel="opener">ok</a></p>')
    out = sanitize_html(html, BASE)
    parsed = soup(out)
    assert parsed.find("img") is None  # an image without a usable source is removed
    for tag in parsed.find_all(True):
        assert not {"onclick", "onmouseover", "style", "class", "id", "target"} & set(tag.attrs)
    hrefs = [a.get("href") for a in parsed.find_all("a")]
    assert hrefs == [None, None, None, None, None, "https://blog.example.de/ok"]
    assert all(a["rel"] == ["noopener"] for a in parsed.find_all("a"))


def test_srcset_candidates_are_resolved_or_dropped():
    html = '<img src="a.jpg" srcset="a-300.jpg 300w, javascript:alert(1) 2x, //cdn.example/a.jpg 2x, b.jpg evil">'
    img = soup(sanitize_html(html, BASE)).img
    assert img["srcset"] == f"{BASE}a-300.jpg 300w, https://cdn.example/a.jpg 2x"


def test_picture_sources_are_kept_safe():
    html = '<picture><source srcset="a.webp" type="image/webp" onerror="x()"><img src="a.jpg" alt=""></picture>'
    out = soup(sanitize_html(html, BASE))
    assert out.source["srcset"] == BASE + "a.webp" and "onerror" not in out.source.attrs


def test_mailto_links_in_posts_but_not_in_comments():
    html = '<p><a href="mailto:info@example.org">Schreib mir</a></p>'
    assert soup(sanitize_html(html, BASE)).a["href"] == "mailto:info@example.org"
    comment = sanitize_html(html, BASE, comment=True)
    assert "mailto" not in comment and "href" not in comment


def test_comment_html_is_smaller_and_nofollow():
    html = '<p>Danke! <img src="https://spam.example/pixel.gif"> <a href="https://anna.example.net/">Anna</a></p><h1>Groß</h1>'
    out = soup(sanitize_html(html, BASE, comment=True))
    assert out.find("img") is None and out.find("h1") is None
    assert out.a["rel"] == ["nofollow", "ugc", "noopener"]
    assert "Groß" in out.get_text()


def test_comments_never_show_an_email_address():
    out = sanitize_html("<p>Schreib an anna.schmidt@example.org oder ruf an.</p>", BASE, comment=True)
    assert "@" not in out and "[…]" in out
    # The "@" written as a character reference is one in the sanitiser's output (and in the page).
    for at in ("&#64;", "&#x40;", "&commat;"):
        out = sanitize_html(f"<p>Schreib an anna{at}example.org.</p>", BASE, comment=True)
        assert out == "<p>Schreib an […].</p>", at


def test_wordpress_emoji_images_become_text():
    html = '<p>Super <img src="https://s.w.org/images/core/emoji/15.0.3/72x72/1f642.png" alt="🙂" class="wp-smiley" style="height: 1em" /></p>'
    assert sanitize_html(html, BASE) == "<p>Super 🙂</p>"
    assert plain_text(html) == "Super 🙂"
    # The host in any case, the tag and attribute names too; the path as WordPress writes it.
    shouting = '<P>Super <IMG ALT="🙂" SRC="HTTPS://S.W.ORG/images/core/emoji/15.0.3/72x72/1f642.png"></P>'
    assert sanitize_html(shouting, BASE) == "<p>Super 🙂</p>"
    elsewhere = '<p><img src="https://s.w.org/IMAGES/CORE/EMOJI/1f642.png" alt="x"></p>'
    assert "<img" in sanitize_html(elsewhere, BASE)  # another path: an image like any other


def test_noscript_fallback_images_are_kept():
    html = '<img src="data:image/gif;base64,R0lGOD" data-src="real.jpg"><noscript><img src="real.jpg"></noscript>'
    out = soup(sanitize_html(html, BASE))
    assert [img["src"] for img in out.find_all("img")] == [BASE + "real.jpg"]


def test_html_comments_and_empty_input():
    assert sanitize_html("<!-- <script>x</script> -->Text", BASE) == "Text"
    assert sanitize_html("", BASE) == "" and sanitize_html("  \n", BASE) == ""


@pytest.mark.parametrize("opening", [
    "<div>",
    "<div/>",  # HTML ignores the slash on a div: it opens one
    '<div title="<">',  # "<" in a quoted value is part of the value
    "<span title='a<b'>",
])
def test_pathologically_deep_html_is_flattened_quickly(opening):
    html = opening * 20000 + "tief &amp; unten" + "</div>" * 20000 + "<script>x</script>"
    start = time.perf_counter()
    out = sanitize_html(html, BASE)
    text = plain_text(html)
    assert time.perf_counter() - start < 1.0
    assert out == "<p>tief &amp; unten</p>"
    assert text == "tief & unten"


NAMES = [f"a{n}" for n in range(100_000)]


@pytest.mark.parametrize("attributes", [
    " ".join(NAMES),
    " ".join(f'{name}="1"' for name in NAMES),
    "".join(f"{name}='>'" for name in NAMES),  # ">" in a quoted value does not end the tag
    "/".join(NAMES),
], ids=["names", "values", "quoted-gt", "slashes"])
@pytest.mark.parametrize("end", [">", ""], ids=["closed", "unclosed"])  # html5ever reads to the end
def test_an_element_with_100000_attributes_is_flattened_quickly(attributes, end):
    html = f"<p>Vorher</p><p {attributes}{end}Text</p>"
    start = time.perf_counter()
    out = sanitize_html(html, BASE)
    text = plain_text(html)
    assert time.perf_counter() - start < 1.0
    assert out.startswith("<p>Vorher") and "<p " not in out
    assert text.startswith("Vorher")


def test_a_long_post_with_ordinary_attributes_is_sanitised_as_html():
    html = '<p><a href="/x" title="t">Link</a> <img src="/i.png" alt="Bild" width="10"></p>' * 1000
    assert sanitize_html(html, BASE).count('<a href="https://blog.example.de/x"') == 1000


@pytest.mark.parametrize("unit", ["Fish & chips ", "Fish &amp; chips ", "Fish&nbsp;chips ",
                                  "Fish\xa0chips "])
def test_a_text_of_300000_ampersands_or_no_break_spaces_is_flattened_quickly(unit):
    html = f"<p>Vorher</p><p>{unit * 300_000}</p>"
    start = time.perf_counter()
    out = sanitize_html(html, BASE)
    text = plain_text(html)
    assert time.perf_counter() - start < 2.0
    assert out.startswith("<p>Vorher Fish") and text.startswith("Vorher Fish")


def test_a_long_post_with_entities_in_every_paragraph_is_sanitised_as_html():
    html = "<p>Fish &amp; chips&nbsp;today &#8211; <b>again</b></p>" * 30_000
    assert sanitize_html(html, BASE).count("<p>Fish &amp; chips&nbsp;today – <b>again</b></p>") == 30_000


def test_self_closed_svg_and_mathml_elements_do_not_count_as_depth():
    svg = "<svg>" + '<rect width="1" height="1"/>' * 600 + "</svg>"
    math = "<math>" + "<mi>x</mi><mo/>" * 600 + "</math>"
    assert not _too_deep(f"<p>Grafik:</p>{svg}{math}<div/><p>Ende</p>")
    # an HTML element ends SVG content: its slash is ignored again
    assert _too_deep("<svg>" + "<div/>" * 600)


# --- plain text, excerpt, links --------------------------------------------------------------------


def test_plain_text():
    assert plain_text("<p>Eins</p><p>Zwei&nbsp;&amp; <b>drei</b></p>") == "Eins Zwei & drei"
    assert plain_text("<script>alert(1)</script><style>p{}</style>Text") == "Text"
    assert plain_text("A &lt;b&gt;bold&lt;/b&gt; title") == "A <b>bold</b> title"  # text, escaped on output
    assert plain_text("  viel\n\n  Platz\t ") == "viel Platz"
    assert plain_text("Li<br>ne") == "Li ne"
    assert plain_text("") == ""
    assert plain_text("Null\x00byte \u202eumgedreht") == "Nullbyte umgedreht"


def test_a_posts_excerpt_is_its_prose_without_footnote_marks_and_players():
    # Found on real engines' feeds: "Fußnote1", the footnote's "↩" and an embedded video's
    # address ("https://www.youtube-nocookie.com/embed/…") in the excerpt the lists show.
    body = ('<nav><ol><li><a href="#anfang">Anfang</a></li><li><a href="#ende">Ende</a></li></ol></nav>'
            '<h2 id="anfang">Anfang</h2><p>Ein Satz mit Fußnote<sup id="fnref:1"><a href="#fn:1">1</a></sup> '
            'und einem <a href="https://anna.example/link/">Link</a>.</p>'
            '<iframe src="https://www.youtube-nocookie.com/embed/abc123"></iframe>'
            '<p>Mehr unter <a href="https://x.example/">https://x.example/</a> und danach.</p>'
            '<h2 id="ende">Ende</h2><div class="footnotes"><ol><li id="fn:1"><p>Die Quelle. <a href="#fnref:1">↩</a></p></li></ol></div>')
    post = clean_post(entry(title="T", content_html=body, url="https://anna.example/p/"), PARTICIPANT)
    assert post.excerpt == "Anfang Ein Satz mit Fußnote und einem Link. Mehr unter und danach. Ende Die Quelle."
    # The post itself keeps them all.
    for kept in (">1</a>", "↩", "youtube-nocookie.com/embed/abc123", ">https://x.example/</a>", ">Anfang</a>"):
        assert kept in post.content_html, kept


def test_excerpt_cuts_at_a_word_boundary():
    text = "Wort " * 100
    short = excerpt(f"<p>{text}</p>", 32)
    assert short == "Wort Wort Wort Wort Wort Wort…"
    assert len(short) <= 32
    assert excerpt("<p>Kurz.</p>") == "Kurz."
    assert excerpt("Donaudampfschifffahrtsgesellschaftskapitän", 10) == "Donaudamp…"


def test_outbound_links_are_absolute_unique_and_ordered():
    html = ('<a href="https://anna.example.net/aufruf/">Aufruf</a> <a href="/intern">i</a> '
            '<a href="https://anna.example.net/aufruf/">wieder</a> <a href="mailto:a@b.de">m</a> '
            '<a href="javascript:x">j</a> <a href="https://x.example/?a=1&amp;b=2">q</a>')
    assert outbound_links(html, BASE) == (
        "https://anna.example.net/aufruf/", "https://blog.example.de/intern", "https://x.example/?a=1&b=2",
    )


def test_strip_email():
    assert strip_email("juergen@example.de (Jürgen Müller)") == "Jürgen Müller"
    assert strip_email("Jürgen Müller <juergen@example.de>") == "Jürgen Müller"
    assert strip_email("a@b.de (Anna) (a@b.de)") == "Anna"
    assert strip_email("mailto:a@b.de") == ""
    assert strip_email("Anna (Redaktion)") == "Anna (Redaktion)"


# --- clean_post ------------------------------------------------------------------------------------


def test_clean_post_from_a_wordpress_feed():
    post = clean_post(entries("wordpress-rss2.xml")[0], PARTICIPANT)
    assert post.participant == "gruenfink"
    assert post.guid == "https://blog.gruenfink.example/?p=123"
    assert post.title == "Blogparade: Mein „Lieblingswerkzeug“ & warum"
    assert post.author == "Jürgen Müller"
    assert post.published == datetime(2024, 5, 13, 10, tzinfo=timezone.utc)
    assert post.categories == ("Blogparade", "Werkzeuge")
    assert post.language == "de"
    assert post.comment_count == 3
    assert post.comment_feed == "https://blog.gruenfink.example/2024/05/blogparade-lieblingswerkzeug/feed/"
    assert post.links[0] == "https://anna.example.net/2024/05/aufruf-blogparade/"
    assert "https://blog.gruenfink.example/2023/09/herbstputz/" in post.links
    img = soup(post.content_html).img
    assert img["src"] == "https://blog.gruenfink.example/wp-content/uploads/2024/05/gabel-1024x768.jpg"
    assert "https://blog.gruenfink.example/wp-content/uploads/2024/05/gabel-300x225.jpg 300w" in img["srcset"]
    assert "class" not in img.attrs and "decoding" not in img.attrs
    assert post.excerpt.startswith("Zur Blogparade von Anna: Mein Lieblingswerkzeug ist die Grabegabel.")
    assert "<" not in post.excerpt


def test_author_falls_back_to_the_participant():
    bare = entries("wordpress-rss2.xml")[1]  # its only author was an e-mail address
    assert clean_post(bare, PARTICIPANT).author == "Gärtnerei Grünfink"
    assert clean_post(bare, replace(PARTICIPANT, author="Jana Jäger")).author == "Jana Jäger"


def test_a_post_without_a_usable_link_links_to_the_blog():
    post = clean_post(entry(url="", title="Ohne Link", content_html="<p>x</p>"), PARTICIPANT)
    assert post.url == "https://blog.gruenfink.example/"
    post = clean_post(entry(url="javascript:alert(1)", title="t"), PARTICIPANT)
    assert post.url == "https://blog.gruenfink.example/"


PASSWORD_FORM = (
    '<form action="https://blog.gruenfink.example/wp-login.php?action=postpass" class="post-password-form" '
    'method="post"><p>Dieser Inhalt ist passwortgeschützt. Um ihn anzuschauen, gib dein Passwort bitte '
    'unten ein:</p><p><label for="pwbox-7">Passwort: <input name="post_password" id="pwbox-7" '
    'type="password" size="20" /></label> <input type="submit" name="Submit" value="Senden" /></p></form>'
)


def test_a_password_protected_post_is_its_notice_without_comments():
    """WordPress gives a protected post's password form for its text (in any language) and a
    notice for its summary: the post is the notice, and its comments are not followed."""
    notice = "Es gibt keinen Textauszug, da dies ein geschützter Beitrag ist."
    protected = entry(title="Nur für Freunde", summary_html=notice, content_html=PASSWORD_FORM,
                      comment_feed="https://blog.gruenfink.example/2024/05/post/feed/", comment_count=3)
    post = clean_post(protected, PARTICIPANT)
    assert post.content_html == notice and post.excerpt == notice
    assert post.comment_feed is None and post.comment_count == 3
    only_form = clean_post(replace(protected, summary_html=PASSWORD_FORM), PARTICIPANT)
    assert only_form.content_html == "" and "Passwort" not in only_form.excerpt
    # A post that only writes about the form, or links to it, is a post like any other.
    about = entry(content_html="<p>Das Formular schickt an <code>wp-login.php?action=postpass</code>.</p>",
                  comment_feed="https://blog.gruenfink.example/x/feed/")
    assert clean_post(about, PARTICIPANT).comment_feed == "https://blog.gruenfink.example/x/feed/"
    assert behind_password(protected) and not behind_password(about)


# SharePoint's list feed (listfeed.aspx) as an on-premises SharePoint writes its blog's Posts
# list: each item's fields as "<div><b>Label:</b> value</div>", in the site's language, the
# rich-text one wrapped in <div class="ExternalClass…">.
SHAREPOINT = """<?xml version="1.0" encoding="UTF-8"?>
<?xml-stylesheet type="text/xsl" href="/_layouts/15/RssXslt.aspx?List=8f2c" version="1.0"?>
<rss version="2.0"><channel>
<title>Vertriebsblog: Beiträge</title><link>https://intranet.example/sites/vertrieb/Lists/Posts/AllPosts.aspx</link>
<description>RSS-Feed für die Liste "Beiträge".</description>
<generator>Microsoft SharePoint Foundation RSS Generator</generator><language>de-DE</language>
<item><title>Messe in Hannover</title>
<link>https://intranet.example/sites/vertrieb/Lists/Posts/ViewPost.aspx?ID=7</link>
<description><![CDATA[<div><b>Text:</b> <div class="ExternalClass3B7C9E0D1F2A4B5C6D7E8F9012345678"><p>Wir waren auf der <strong>Messe</strong> und haben <a href="/sites/vertrieb/Lists/Photos/Forms/AllItems.aspx">Fotos</a> mitgebracht.</p><div>Zweiter Absatz.</div></div></div>
<div><b>Kategorie:</b> Veranstaltungen</div>
<div><b>Veröffentlicht:</b> 12.11.2026 09:00</div>
]]></description>
<author>Meier, Jana</author><category>Veranstaltungen</category>
<pubDate>Thu, 12 Nov 2026 08:00:00 GMT</pubDate>
<guid isPermaLink="true">https://intranet.example/sites/vertrieb/Lists/Posts/ViewPost.aspx?ID=7</guid>
</item></channel></rss>"""


@pytest.mark.parametrize("engine", ["lxml", "feedparser"])
def test_a_sharepoint_list_item_is_its_text_without_field_labels(engine):
    """The post was "Text: Wir waren auf der Messe … Kategorie: Veranstaltungen Veröffentlicht:
    12.11.2026 09:00", its excerpt too: the fields' labels, and fields the feed gives apart."""
    feed = parse_feed(SHAREPOINT.encode(), {}, "https://intranet.example/sites/vertrieb/_layouts/15/listfeed.aspx",
                      now=NOW, engine=engine)  # fmt: skip
    participant = Participant("vertrieb", "Vertriebsblog", "https://intranet.example/sites/vertrieb/_layouts/15/listfeed.aspx",
                              "https://intranet.example/sites/vertrieb/")  # fmt: skip
    post = clean_post(feed.entries[0], participant)
    assert post.excerpt == "Wir waren auf der Messe und haben Fotos mitgebracht. Zweiter Absatz."
    assert post.content_html.startswith("<p>Wir waren auf der <strong>Messe</strong> und haben <a href=")
    assert "Kategorie" not in post.content_html and "Text:" not in post.content_html
    assert 'href="https://intranet.example/sites/vertrieb/Lists/Photos/Forms/AllItems.aspx"' in post.content_html
    assert post.categories == ("Veranstaltungen",)


def test_a_post_of_bold_labels_in_divs_is_not_taken_for_sharepoints_fields():
    # An interview written as "<div><b>Frage:</b> …</div>" is a post like any other; so is one
    # whose fields name no rich text, which could be anything's.
    interview = ("<div><b>Frage:</b> Wie dokumentiert ihr?</div>\n<div><b>Antwort:</b> <div>Im Wiki, "
                 "<em>immer</em>.</div></div>")
    assert "Frage:" in clean_post(entry(content_html=interview), PARTICIPANT).content_html
    rich_elsewhere = '<p>Vorweg.</p><div><b>Text:</b> <div class="ExternalClass3B7C9E0D1F2A4B5C6D7E8F9012345678">Mitte</div></div>'
    assert "Vorweg" in clean_post(entry(content_html=rich_elsewhere), PARTICIPANT).content_html


def test_a_post_without_a_title_gets_the_start_of_its_text():
    text = "Heute im Garten: " + "sehr viel Unkraut " * 20
    post = clean_post(entry(content_html=f"<p>{text}</p>"), PARTICIPANT)
    assert post.title.startswith("Heute im Garten: sehr viel Unkraut") and post.title.endswith("…")
    assert len(post.title) <= 80


def test_language_and_category_filter_are_left_as_they_are():
    post = clean_post(entry(title="t", categories=("Privat", " Tipps &amp; Tricks ", "privat")),
                      replace(PARTICIPANT, language="en", categories=("Blogparade",)))
    assert post.language == "en"
    assert post.categories == ("Privat", "Tipps & Tricks")  # not filtered here: the pipeline does


def test_titles_and_categories_are_bounded_plain_text():
    post = clean_post(entry(title="<b>Fett</b> " + "lang " * 200, categories=("<i>x</i>" * 100,)), PARTICIPANT)
    assert post.title.startswith("Fett lang") and len(post.title) <= TITLE_LIMIT
    assert len(post.categories[0]) <= 100 and "<" not in post.categories[0]


def test_relative_urls_resolve_against_the_xml_base():
    post = clean_post(entries("atom-replies.xml")[0], PARTICIPANT)
    assert soup(post.content_html).img["src"] == "https://notizen.example.org/blog/2024/05/werkzeug/bleistift.jpg"
    assert post.links == (
        "https://notizen.example.org/blog/ueber/",
        "https://notizen.example.org/blog/2024/05/werkzeug/#fussnote",
    )
    assert post.title == "Mein liebstes Werkzeug"


# --- clean_comment ---------------------------------------------------------------------------------


def test_comments_from_a_wordpress_atom_feed():
    top, reply, pingback = (clean_comment(e, "post-1") for e in entries("wordpress-comments-atom.xml"))
    # the post's guid: comments.top_level_if_reply_to_post makes it top-level
    assert top.parent_guid == "https://blog.gruenfink.example/?p=123"
    assert (top.author, top.author_url) == ("Anna Schmidt", "https://anna.example.net/")
    assert top.kind == "comment" and top.post_id == "post-1"
    assert reply.parent_guid == "https://blog.gruenfink.example/?p=123#comment-45"
    assert reply.author == "Jürgen Müller"
    assert reply.author_url is None  # a mailto: "homepage" is an e-mail address
    a = soup(reply.content_html).a
    assert a["href"] == "https://blog.gruenfink.example/2023/09/herbstputz/"
    assert a["rel"] == ["nofollow", "ugc", "noopener"] and "onclick" not in a.attrs
    assert pingback.kind == "pingback"  # "Pingback:" in the title


def test_comments_from_a_wordpress_rss_feed():
    anna, ping, track = (clean_comment(e, "post-1") for e in entries("wordpress-comments-rss2.xml"))
    assert anna.kind == "comment"
    assert "@" not in anna.content_html
    assert ping.kind == "pingback"
    assert ping.author == "Werkzeugblog » Blogparade: Werkzeuge im Garten – die Zusammenfassung"
    assert track.kind == "trackback"
    assert anna.url == "https://blog.gruenfink.example/2024/05/blogparade-lieblingswerkzeug/#comment-45"
    assert anna.published == datetime(2024, 5, 14, 7, 15, tzinfo=timezone.utc)


@pytest.mark.parametrize("fields, kind", [
    ({"content_html": "<p>[&#8230;] kurz vor dem Link [&#8230;]</p>"}, "pingback"),
    ({"content_html": "<p>[...] Auszug [...]</p>"}, "pingback"),
    # the brackets as character references, as some engines escape them
    ({"content_html": "<p>&#91;&#8230;&#93; Auszug &#91;&#8230;&#93;</p>"}, "pingback"),
    ({"content_html": "<p>&#x5B;...&#x5D; Auszug &lsqb;...&rsqb;</p>"}, "pingback"),
    ({"content_html": "<p>&#91&#8230;&#93; ohne Semikolon &#91;&#8230;]</p>"}, "pingback"),
    ({"title": "Pingback: Anderes Blog", "content_html": "<p>x</p>"}, "pingback"),
    ({"title": "By: Trackback from Blog", "content_html": "<p>x</p>"}, "comment"),
    ({"author": "Trackback: Ein Blog", "content_html": "<p>x</p>"}, "trackback"),
    ({"content_html": "<strong>Spaten im Test</strong>\n\nWir haben zwölf Spaten ausprobiert [&#8230;]"}, "trackback"),
    ({"content_html": "<p><strong>Wichtig:</strong> das stimmt so nicht.</p>"}, "comment"),
    ({"content_html": "<p>[…] und dann habe ich noch etwas gesagt.</p>"}, "comment"),
    ({"content_html": "<p>Ganz normaler Kommentar …</p>"}, "comment"),
])
def test_comment_kind_heuristic(fields, kind):
    assert comment_kind(entry(**fields)) == kind


@pytest.mark.parametrize("ref, href, expected", [
    (None, None, None),
    # WordPress: a reply to the post names the post (made top-level by comments.top_level_if_reply_to_post)
    ("https://b.example/?p=1", "https://b.example/post/", "https://b.example/?p=1"),
    # Mastodon-style replies and comments with their own URL or tag: no fragment anywhere
    ("https://social.example/users/anna/statuses/100", "https://social.example/@anna/100",
     "https://social.example/users/anna/statuses/100"),
    ("tag:blog.example,2026:comment-6", "https://blog.example/post/comments/6/", "tag:blog.example,2026:comment-6"),
    (None, "https://blog.example/post/comments/6/", "https://blog.example/post/comments/6/"),
    ("https://b.example/?p=1#comment-5", "https://b.example/post/#comment-5", "https://b.example/?p=1#comment-5"),
    (None, "https://b.example/post/#comment-5", "https://b.example/post/#comment-5"),
    ("urn:uuid:1234", None, "urn:uuid:1234"),
])
def test_parent_guid(ref, href, expected):
    assert parent_guid(entry(in_reply_to=ref, in_reply_to_url=href)) == expected


def test_a_comment_author_that_is_an_address_is_dropped():
    comment = clean_comment(entry(author="spam@example.org", author_url="mailto:spam@example.org",
                                  content_html="<p>Hallo</p>"), "p")
    assert comment.author == "" and comment.author_url is None


@pytest.mark.parametrize("hostile", [
    "<a" * 100_000,  # tags that never close
    "<div>" * 100_000,
    "a" * 500_000,  # a run of letters with no "@" (e-mail patterns)
    "<noscript" * 50_000,
    '<img src="https://s.w.org/images/core/emoji/x' * 20_000,
    "<div>" * 1000 + "<script>" * 20_000,
])
def test_hostile_markup_costs_linear_time(hostile):
    start = time.perf_counter()
    sanitize_html(hostile, BASE)
    sanitize_html(hostile, BASE, comment=True)
    plain_text(hostile)
    strip_email(hostile)
    assert time.perf_counter() - start < 3.0


# --- attachments -------------------------------------------------------------------------------------

MP3 = "https://cdn.deichkinder.example/folge-7.mp3"


def attached(*attachments: ParsedAttachment, **fields):
    return clean_post(entry(attachments=attachments, **fields), PARTICIPANT)


def test_an_episodes_audio_is_kept_with_its_type_and_size():
    (audio,) = attached(ParsedAttachment(MP3, "audio/mpeg", "45123456")).attachments
    assert audio == Attachment(MP3, "audio", "audio/mpeg", 45123456, "")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:audio/mpeg;base64,AAAA", "ftp://x.example/a.mp3",
                                 "file:///etc/passwd", "", "   "])
def test_an_attachment_that_is_no_http_url_is_dropped(url):
    assert attached(ParsedAttachment(url, "audio/mpeg", "1")).attachments == ()


def test_an_attachment_is_resolved_against_the_entrys_base():
    (audio,) = attached(ParsedAttachment("../../../media/folge.mp3", "audio/mpeg")).attachments
    assert audio.url == "https://blog.example.de/media/folge.mp3"


@pytest.mark.parametrize("length, expected", [
    ("45123456", 45123456), (" 12 ", 12), ("0", None), ("-1", None), ("4.5 MB", None), ("", None),
    ("99999999999999999999999", None), ("10000000000001", None), ("１２", None),
])  # fmt: skip
def test_a_length_is_a_plausible_count_of_bytes_or_unknown(length, expected):
    (audio,) = attached(ParsedAttachment(MP3, "audio/mpeg", length)).attachments
    assert audio.length == expected


@pytest.mark.parametrize("written, expected, kind", [
    ("audio/mpeg", "audio/mpeg", "audio"), ("Audio/MPEG", "audio/mpeg", "audio"),
    ('audio/mp4; codecs="mp4a.40.2"', "audio/mp4", "audio"), ("video/mp4", "video/mp4", "video"),
    ("application/pdf", "application/pdf", "file"), ("", None, "file"), ("mp3", None, "file"),
    ("audio/mpeg<script>", None, "file"), ("text/html", "text/html", "file"),
])  # fmt: skip
def test_a_type_is_kept_where_it_looks_like_a_mime_type(written, expected, kind):
    (item,) = attached(ParsedAttachment(MP3, written)).attachments
    assert (item.type, item.kind) == (expected, kind)


def test_without_a_type_the_media_rss_medium_says_what_it_is():
    (photo,) = attached(ParsedAttachment("https://img.example/a.jpg", "", "", "image")).attachments
    assert (photo.kind, photo.type) == ("image", None)


def test_the_same_file_named_twice_is_one_attachment_told_all_they_say():
    (audio,) = attached(ParsedAttachment(MP3, "audio/mpeg", "45123456"),
                        ParsedAttachment(MP3, "", "", "audio", "Folge 7: Der Deichgraf")).attachments  # fmt: skip
    assert audio == Attachment(MP3, "audio", "audio/mpeg", 45123456, "Folge 7: Der Deichgraf")


def test_a_post_keeps_at_most_ten_attachments():
    many = [ParsedAttachment(f"https://img.example/{n}.jpg", "image/jpeg") for n in range(25)]
    post = attached(*many)
    assert [a.url for a in post.attachments] == [f"https://img.example/{n}.jpg" for n in range(10)]
    assert post.content_html.count("<img") == 10


def test_a_toots_photos_are_shown_after_its_text_with_their_alt_text():
    post = attached(ParsedAttachment("https://files.example/a.jpeg", "image/jpeg", "211106", "image",
                                     'Möwen "im" <Abendlicht>'),
                    ParsedAttachment("https://files.example/b.jpeg", "image/jpeg"),
                    content_html="<p>Fotos vom Wochenende</p>")  # fmt: skip
    images = soup(post.content_html).find_all("img")
    assert post.content_html.startswith("<p>Fotos vom Wochenende</p>")
    assert [(img["src"], img["alt"]) for img in images] == [
        ("https://files.example/a.jpeg", 'Möwen "im" <Abendlicht>'), ("https://files.example/b.jpeg", "")]
    assert "Möwen" not in post.excerpt


def test_an_image_the_body_shows_already_is_not_shown_twice():
    # WordPress.com: the post's photo (in another size in the body) and the author's Gravatar.
    post = attached(ParsedAttachment("https://blog.files.wordpress.com/2024/05/foto.jpg", "", "", "image"),
                    ParsedAttachment("https://0.gravatar.com/avatar/3d7f?s=96&d=identicon&r=G", "", "", "image"),
                    content_html='<p><img src="https://blog.files.wordpress.com/2024/05/foto.jpg?w=1024"></p>')  # fmt: skip
    assert post.content_html.count("<img") == 1
    assert [a.url for a in post.attachments] == ["https://blog.files.wordpress.com/2024/05/foto.jpg"]


def test_a_substack_posts_cover_is_the_image_its_body_shows_through_the_image_service():
    # Substack's feed gives each post's cover as an enclosure at its storage address, and its
    # body shows the same file through substackcdn.com/image/fetch/<sizes>/<that address,
    # encoded>: the cover was shown a second time under the post.
    feed = (FEEDS / "platforms" / "substack-rss.xml").read_bytes()
    posts = [clean_post(item, PARTICIPANT) for item in parse_feed(feed, {}, "https://x.substack.com/feed", now=NOW).entries]
    covered = [post for post in posts if any(a.kind == "image" for a in post.attachments)]
    assert covered and all(post.content_html.count("<img") == 1 for post in covered)


@pytest.mark.parametrize("attached_url, shown_url", [
    ("https://substack-post-media.s3.amazonaws.com/public/images/ab12_1600x900.jpeg",
     "https://substackcdn.com/image/fetch/$s_!2549!,w_1456,c_limit,f_auto,q_auto:good/"
     "https%3A%2F%2Fsubstack-post-media.s3.amazonaws.com%2Fpublic%2Fimages%2Fab12_1600x900.jpeg"),
    ("https://blog.example/wp-content/uploads/2024/05/foto.jpg",
     "https://i0.wp.com/blog.example/wp-content/uploads/2024/05/foto-1024x768.jpg?resize=1024%2C768&ssl=1"),
    ("http://blog.example/wp-content/uploads/2024/05/foto-scaled.jpg",
     "https://blog.example/wp-content/uploads/2024/05/foto-scaled-300x200.jpg"),
    ("https://upload.example/a.png", "https://res.cloudinary.com/demo/image/fetch/w_300/https://upload.example/a.png"),
])  # fmt: skip
def test_an_attached_image_the_body_shows_in_another_size_is_not_shown_again(attached_url, shown_url):
    post = attached(ParsedAttachment(attached_url, "image/jpeg"), content_html=f'<p><img src="{shown_url}"></p>')
    assert post.content_html.count("<img") == 1


def test_another_image_of_the_same_name_elsewhere_is_shown():
    post = attached(ParsedAttachment("https://blog.example/2024/05/foto.jpg", "image/jpeg"),
                    content_html='<p><img src="https://blog.example/2023/01/foto.jpg"></p>')  # fmt: skip
    assert post.content_html.count("<img") == 2


def test_a_protected_post_has_no_attachments():
    form = '<form action="https://blog.example.de/wp-login.php?action=postpass" method="post"></form>'
    assert attached(ParsedAttachment(MP3, "audio/mpeg"), content_html=form).attachments == ()


# --- links into the post itself: footnotes, tables of contents ------------------------------------

POST = "https://blog.example/2026/fussnoten/"
MARK = in_page_mark(POST)


@pytest.mark.parametrize("html, targets", [
    # Markdown's footnotes (Hugo's Goldmark, Jekyll's kramdown, Python-Markdown)
    ('<p>Text<sup id="fnref:1"><a href="#fn:1" class="footnote-ref" role="doc-noteref">1</a></sup>.</p>'
     '<div class="footnotes" role="doc-endnotes"><hr><ol><li id="fn:1"><p>Die Quelle.&#160;'
     '<a href="#fnref:1" class="footnote-backref" role="doc-backlink">&#x21a9;&#xfe0e;</a></p></li></ol></div>',
     ["fnref:1", "fn:1"]),
    # Pandoc
    ('<p>Text<a href="#fn1" class="footnote-ref" id="fnref1" role="doc-noteref"><sup>1</sup></a>.</p>'
     '<section id="footnotes" class="footnotes" role="doc-endnotes"><hr><ol><li id="fn1"><p>Die Quelle.'
     '<a href="#fnref1" class="footnote-back" role="doc-backlink">↩︎</a></p></li></ol></section>',
     ["fnref1", "fn1"]),
    # WordPress's footnotes block (6.3): ids are UUIDs
    ('<p>Text<sup data-fn="5d2e" class="fn"><a href="#5d2e-1f" id="5d2e-1f-link">1</a></sup>.</p>'
     '<ol class="wp-block-footnotes"><li id="5d2e-1f">Die Quelle. <a href="#5d2e-1f-link" '
     'aria-label="Zur Fußnotenreferenz 1 navigieren">↩︎</a></li></ol>',
     ["5d2e-1f-link", "5d2e-1f"]),
    # A table of contents (Easy Table of Contents), ids with umlauts and quotes
    ('<nav><ul><li><a href="#Gr%C3%BCnde">Gründe</a></li><li><a href="#a&quot;b">Zitat</a></li></ul></nav>'
     '<h2 id="Gründe">Gründe</h2><h2 id="a&quot;b">Zitat</h2>', ["Gründe", 'a"b']),
])  # fmt: skip
def test_a_posts_links_into_itself_lead_to_its_own_places(html, targets):
    """Footnotes and tables of contents led to the original post: every id was dropped."""
    out = sanitize_html(html, POST)
    tree = lxml.html.fragment_fromstring(out, create_parent="div")
    ids = [element.get("id") for element in tree.iter() if element.get("id")]
    assert ids == [MARK + target for target in targets], out
    hrefs = [a.get("href") for a in tree.iter("a")]
    assert {href[1:] for href in hrefs} <= set(ids), out  # each leads to a place in the post


def test_ids_no_link_names_are_dropped_and_a_blogs_ids_never_clobber_the_pages():
    html = ('<p id="comments">Text<a href="#fn1">1</a> <a href="#fehlt">?</a> id="fn1" im Text.</p>'
            '<div id="main"><p id="fn1">Eins</p><p id="fn1">Doppelt</p></div>')
    out = sanitize_html(html, POST)
    assert out == (f'<p>Text<a href="#{MARK}fn1" rel="noopener">1</a> <a href="{POST}#fehlt" rel="noopener">?</a>'
                   f' id="fn1" im Text.</p><div><p id="{MARK}fn1">Eins</p><p>Doppelt</p></div>')
    assert in_page_mark("https://blog.example/anderer/") != MARK  # two posts on one page
    # A comment keeps none.
    assert "id=" not in sanitize_html('<p id="x"><a href="#x">x</a></p>', POST, comment=True)
    # A "#" before the link (a hashtag, "…/#more-12") is passed over, not taken for none.
    out = sanitize_html('<p>#Blogparade, <a href="https://b.example/#more-1">mehr</a>, <a href=\'#x\'>x</a></p>'
                        '<p id="x">Da</p>', POST)
    assert f'href="#{MARK}x"' in out and f'id="{MARK}x"' in out, out
