"""parse_feed on small hand-written feeds (tests/feeds/): formats, fields, encodings, refusals."""

from __future__ import annotations

import json
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest

from aggregator.feeds.clean import parent_guid
from aggregator.feeds.parse import ParseError, parse_feed
from aggregator.models import ErrorKind, ParsedAttachment

FEEDS = Path(__file__).resolve().parent / "feeds"
FEED_URL = "https://blog.gruenfink.example/feed/"
NOW = datetime(2024, 6, 1, tzinfo=timezone.utc)


def parse(name: str, headers: dict[str, str] | None = None, url: str = FEED_URL, **kw):
    return parse_feed((FEEDS / name).read_bytes(), headers or {}, url, now=kw.pop("now", NOW), **kw)


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def refused(body: bytes, kind: ErrorKind, headers: dict[str, str] | None = None) -> ParseError:
    with pytest.raises(ParseError) as caught:
        parse_feed(body, headers or {}, FEED_URL, now=NOW)
    assert caught.value.kind == kind, caught.value.message
    return caught.value


# --- RSS 2.0 as WordPress writes it ----------------------------------------------------------------


def test_wordpress_rss_post_fields():
    feed = parse("wordpress-rss2.xml")
    assert feed.title == "Gärtnerei Grünfink – Das Firmenblog"
    assert feed.home_url == "https://blog.gruenfink.example"
    assert feed.language == "de"
    post = feed.entries[0]
    assert post.guid == "https://blog.gruenfink.example/?p=123"
    assert post.url == "https://blog.gruenfink.example/2024/05/blogparade-lieblingswerkzeug/"
    # The title is HTML: RSS titles are plain text, so "&" comes out escaped for clean.
    assert post.title == "Blogparade: Mein „Lieblingswerkzeug“ &amp; warum"
    assert post.author == "Jürgen Müller"
    assert post.published == utc(2024, 5, 13, 10, 0)
    assert post.updated is None
    assert post.categories == ("Blogparade", "Werkzeuge")  # "blogparade" again is a duplicate
    assert post.language == "de"
    assert post.comment_feed == "https://blog.gruenfink.example/2024/05/blogparade-lieblingswerkzeug/feed/"
    assert post.comment_count == 3
    assert post.base_url == post.url
    assert post.content_html.startswith("<p>Zur <a href=\"https://anna.example.net/")
    assert 'src="/wp-content/uploads/2024/05/gabel-1024x768.jpg"' in post.content_html  # raw here
    assert post.summary_html.startswith("Zur Blogparade von Anna")


def test_dates_are_utc_and_zero_counts_are_kept():
    second = parse("wordpress-rss2.xml").entries[1]
    assert second.published == utc(2024, 5, 10, 7, 30)  # +0200 in the feed
    assert second.published.tzinfo is timezone.utc
    assert second.comment_count == 0
    assert second.content_html == second.summary_html == "Über Pfingsten haben wir geschlossen."


def test_an_author_that_is_only_an_email_address_is_dropped():
    assert parse("wordpress-rss2.xml").entries[1].author == ""


# --- Atom ------------------------------------------------------------------------------------------


def test_atom_xml_base_and_replies():
    feed = parse("atom-replies.xml")
    assert feed.title == "Notizen & Skizzen"
    assert feed.home_url == "https://notizen.example.org/blog/"
    entry = feed.entries[0]
    assert entry.guid == "tag:notizen.example.org,2024:werkzeug"  # whitespace stripped
    assert entry.url == "https://notizen.example.org/blog/2024/05/werkzeug/"
    assert entry.base_url == "https://notizen.example.org/blog/2024/05/werkzeug/"
    # Relative URLs stay in the HTML; clean resolves them against base_url.
    assert 'src="bleistift.jpg"' in entry.content_html
    assert entry.comment_feed == "https://notizen.example.org/blog/2024/05/werkzeug/kommentare.atom"
    assert entry.comment_count == 2  # thr:count on the replies link
    assert entry.published == utc(2024, 5, 13, 10, 0)
    assert entry.updated == utc(2024, 5, 14, 10, 0)
    assert entry.categories == ("Blogparade", "werkzeug")  # label over term, duplicates once
    assert entry.title == "Mein <em>liebstes</em> Werkzeug"  # type="html" stays HTML
    assert entry.author == feed.author == "Erika Mustermann"  # RFC 4287 4.2.1: the feed's author
    assert entry.language == "de"


def test_atom_text_constructs_and_thr_total():
    entry = parse("atom-replies.xml").entries[1]
    assert entry.title == "A plain &lt;title&gt; in Atom"  # type="text" is escaped into HTML
    assert entry.content_html == "<p>First paragraph &amp; more.</p><p>Second paragraph.</p>"
    assert entry.comment_count == 5  # thr:total
    assert entry.language == "en"  # xml:lang on the entry
    assert entry.published == entry.updated == utc(2024, 4, 1, 8, 0)  # only <updated> given
    assert entry.base_url == "https://notizen.example.org/blog/"  # the feed's xml:base


def test_wordpress_atom_comment_feed_threading():
    entries = parse("wordpress-comments-atom.xml").entries
    top, reply, pingback = entries
    assert top.in_reply_to == "https://blog.gruenfink.example/?p=123"
    assert top.in_reply_to_url == "https://blog.gruenfink.example/2024/05/blogparade-lieblingswerkzeug/"
    assert top.author_url == "https://anna.example.net"
    assert reply.in_reply_to == "https://blog.gruenfink.example/?p=123#comment-45"
    assert reply.in_reply_to_url.endswith("/#comment-45")
    assert reply.author == "Jürgen Müller"  # "address (name)" -> name
    assert "@" not in reply.author
    assert reply.base_url.endswith("/blogparade-lieblingswerkzeug/#comment-46")
    assert pingback.title == "Von: Pingback: Werkzeugblog"


# A post's comment feed as Blogger serves it (/feeds/<post>/comments/default, public, shortened):
# every thr:in-reply-to names the post; a reply names its parent only in <link rel='related'>.
BLOG, POST = "7365941023458871234", "2945817365823401178"
TOP, REPLY, REPLY_TO_REPLY = "6301946283749215501", "4410376928104726602", "1873650293847561003"
BLOGGER_COMMENTS = f"""<?xml version='1.0' encoding='UTF-8'?><?xml-stylesheet href="http://www.blogger.com/styles/atom.css" type="text/css"?><feed xmlns='http://www.w3.org/2005/Atom' xmlns:openSearch='http://a9.com/-/spec/opensearchrss/1.0/' xmlns:blogger='http://schemas.google.com/blogger/2008' xmlns:georss='http://www.georss.org/georss' xmlns:gd="http://schemas.google.com/g/2005" xmlns:thr='http://purl.org/syndication/thread/1.0'><id>tag:blogger.com,1999:blog-{BLOG}.post{POST}..comments</id><updated>2024-05-14T21:07:12.345+02:00</updated><title type='text'>Kommentare zu Zug und Zuhause: Mit dem Nachtzug nach Wien</title><link rel='http://schemas.google.com/g/2005#feed' type='application/atom+xml' href='https://zugundzuhause.blogspot.com/feeds/{POST}/comments/default'/><link rel='self' type='application/atom+xml' href='https://www.blogger.com/feeds/{BLOG}/{POST}/comments/default'/><link rel='alternate' type='text/html' href='https://zugundzuhause.blogspot.com/2024/05/nachtzug-wien.html'/><author><name>Miriam</name><uri>https://www.blogger.com/profile/04711234567890123456</uri><email>noreply@blogger.com</email></author><generator version='7.00' uri='http://www.blogger.com'>Blogger</generator><openSearch:totalResults>3</openSearch:totalResults><openSearch:startIndex>1</openSearch:startIndex><openSearch:itemsPerPage>25</openSearch:itemsPerPage>
<entry><id>tag:blogger.com,1999:blog-{BLOG}.post-{REPLY_TO_REPLY}</id><published>2024-05-14T21:07:12.345+02:00</published><updated>2024-05-14T21:07:12.345+02:00</updated><title type='text'>Gern geschehen!</title><content type='html'>Gern geschehen!</content><link rel='self' type='application/atom+xml' href='https://www.blogger.com/feeds/{BLOG}/{POST}/comments/default/{REPLY_TO_REPLY}'/><link rel='alternate' type='text/html' href='https://zugundzuhause.blogspot.com/2024/05/nachtzug-wien.html?showComment=1715713632345#c{REPLY_TO_REPLY}' title=''/><link rel='related' type='application/atom+xml' href='http://blogger.com/feeds/{BLOG}/{POST}/comments/default/{REPLY}'/><author><name>Jonas</name><email>noreply@blogger.com</email></author><thr:in-reply-to href='https://zugundzuhause.blogspot.com/2024/05/nachtzug-wien.html' ref='tag:blogger.com,1999:blog-{BLOG}.post-{POST}' source='http://www.blogger.com/feeds/{BLOG}/posts/default/{POST}' type='text/html'/><gd:extendedProperty name='blogger.itemClass' value='pid-1309457821'/><gd:extendedProperty name='blogger.displayTime' value='14. Mai 2024 um 21:07'/></entry>
<entry><id>tag:blogger.com,1999:blog-{BLOG}.post-{REPLY}</id><published>2024-05-14T19:30:01.002+02:00</published><updated>2024-05-14T19:30:01.002+02:00</updated><title type='text'>Danke für den Tipp mit dem Liegewagen!</title><content type='html'>Danke f&#252;r den Tipp mit dem Liegewagen!</content><link rel='self' type='application/atom+xml' href='https://www.blogger.com/feeds/{BLOG}/{POST}/comments/default/{REPLY}'/><link rel='alternate' type='text/html' href='https://zugundzuhause.blogspot.com/2024/05/nachtzug-wien.html?showComment=1715707801002#c{REPLY}' title=''/><link rel='related' type='application/atom+xml' href='https://www.blogger.com/feeds/{BLOG}/{POST}/comments/default/{TOP}'/><author><name>Miriam</name><uri>https://www.blogger.com/profile/04711234567890123456</uri><email>noreply@blogger.com</email></author><thr:in-reply-to href='https://zugundzuhause.blogspot.com/2024/05/nachtzug-wien.html' ref='tag:blogger.com,1999:blog-{BLOG}.post-{POST}' source='http://www.blogger.com/feeds/{BLOG}/posts/default/{POST}' type='text/html'/><gd:extendedProperty name='blogger.itemClass' value='pid-1801836842'/><gd:extendedProperty name='blogger.displayTime' value='14. Mai 2024 um 19:30'/></entry>
<entry><id>tag:blogger.com,1999:blog-{BLOG}.post-{TOP}</id><published>2024-05-14T08:15:44.870+02:00</published><updated>2024-05-14T08:15:44.870+02:00</updated><title type='text'>Nimm den Liegewagen, der Schlafwagen ist...</title><content type='html'>Nimm den Liegewagen, der Schlafwagen ist immer ausgebucht.</content><link rel='self' type='application/atom+xml' href='https://www.blogger.com/feeds/{BLOG}/{POST}/comments/default/{TOP}'/><link rel='alternate' type='text/html' href='https://zugundzuhause.blogspot.com/2024/05/nachtzug-wien.html?showComment=1715667344870#c{TOP}' title=''/><author><name>Jonas</name><email>noreply@blogger.com</email></author><thr:in-reply-to href='https://zugundzuhause.blogspot.com/2024/05/nachtzug-wien.html' ref='tag:blogger.com,1999:blog-{BLOG}.post-{POST}' source='http://www.blogger.com/feeds/{BLOG}/posts/default/{POST}' type='text/html'/><gd:extendedProperty name='blogger.itemClass' value='pid-1309457821'/><gd:extendedProperty name='blogger.displayTime' value='14. Mai 2024 um 08:15'/></entry></feed>"""


def blogger_tag(number: str) -> str:
    return f"tag:blogger.com,1999:blog-{BLOG}.post-{number}"


def reply_to_reply_linking(related: str):
    """The reply to a reply, with its rel='related' link replaced by `related`."""
    body = BLOGGER_COMMENTS.replace(f"http://blogger.com/feeds/{BLOG}/{POST}/comments/default/{REPLY}", related)
    return parse_feed(body.encode(), {}, FEED_URL, now=NOW).entries[0]


def test_blogger_replies_name_their_parent_comment():
    url = f"https://zugundzuhause.blogspot.com/feeds/{POST}/comments/default"
    feed = parse_feed(BLOGGER_COMMENTS.encode(), {}, url, now=NOW)
    reply_to_reply, reply, top = feed.entries
    assert top.guid == blogger_tag(TOP)
    assert top.in_reply_to == blogger_tag(POST)  # the post: a top-level comment
    assert top.in_reply_to_url == "https://zugundzuhause.blogspot.com/2024/05/nachtzug-wien.html"
    # The post's page as href would make a reply top-level: a reply keeps only its parent's id.
    assert (reply.in_reply_to, reply.in_reply_to_url) == (blogger_tag(TOP), None)
    assert (reply_to_reply.in_reply_to, reply_to_reply.in_reply_to_url) == (blogger_tag(REPLY), None)
    # the top-level comment names the post, which comments.top_level_if_reply_to_post makes top-level
    assert [parent_guid(e) for e in feed.entries] == [blogger_tag(REPLY), blogger_tag(TOP), blogger_tag(POST)]


@pytest.mark.parametrize("related", [
    f"https://www.blogger.com/feeds/{BLOG}/{POST}/comments/default/{TOP}",
    f"http://www.blogger.com/feeds/{BLOG}/{POST}/comments/default/{TOP}",
    f"https://blogger.com/feeds/{BLOG}/{POST}/comments/default/{TOP}",
])
def test_blogger_parent_links_with_or_without_https_and_www(related):
    assert reply_to_reply_linking(related).in_reply_to == blogger_tag(TOP)


@pytest.mark.parametrize("related", [
    f"https://www.blogger.com/feeds/1234567890/{POST}/comments/default/{TOP}",  # another blog's comment
    f"https://www.blogger.com/feeds/{BLOG}/posts/default/{TOP}",  # a post, not a comment
    f"https://www.blogger.com/feeds/{BLOG}/{POST}/comments/default/{TOP}/x",
    f"https://notblogger.com/feeds/{BLOG}/{POST}/comments/default/{TOP}",
    "https://de.wikipedia.org/wiki/Nachtzug",  # a post's "title link", also rel='related'
])
def test_only_blogger_comment_links_name_a_parent(related):
    entry = reply_to_reply_linking(related)
    assert (entry.in_reply_to, parent_guid(entry)) == (blogger_tag(POST), blogger_tag(POST))


def test_a_related_link_outside_blogger_comments_changes_nothing():
    # thr:in-reply-to stays as written where the entry is no Blogger comment (WordPress here).
    related = "<link rel='related' href='https://www.blogger.com/feeds/1/2/comments/default/3'/>"
    body = (FEEDS / "wordpress-comments-atom.xml").read_text("utf-8").replace("<thr:in-reply-to", related + "<thr:in-reply-to")
    reply = parse_feed(body.encode(), {}, FEED_URL, now=NOW).entries[1]
    assert reply.in_reply_to == "https://blog.gruenfink.example/?p=123#comment-45"


def test_wordpress_rss_comment_feed():
    entries = parse("wordpress-comments-rss2.xml").entries
    assert [e.author for e in entries] == [
        "Anna Schmidt",
        "Werkzeugblog » Blogparade: Werkzeuge im Garten – die Zusammenfassung",
        "Gartenfreund",
    ]
    assert entries[0].guid == "https://blog.gruenfink.example/?p=123#comment-45"
    assert entries[1].content_html.startswith("<p>[&#8230;] Jürgen")


# --- RSS 0.91 and 1.0 ------------------------------------------------------------------------------


def test_rss091_with_netscape_doctype_and_html_entities():
    feed = parse("rss091.xml")
    entry = feed.entries[0]
    assert entry.title == "Erster Eintrag mit ä, ö und ü"
    assert entry.summary_html == "Schöne Grüße\xa0aus dem Jahr 1999."
    assert entry.guid == entry.url == "http://altes-weblog.example/archiv/1.html"
    assert entry.published is None


def test_rss10_rdf():
    feed = parse("rss10.rdf")
    assert feed.language == "de"  # de-AT -> primary subtag
    entry = feed.entries[0]
    assert entry.title == "Grüße aus Wien"
    assert entry.author == "Franz Huber"
    assert entry.categories == ("Wien",)
    assert entry.published == utc(2024, 5, 13, 8, 0)  # dc:date
    assert entry.content_html.startswith("<p>Lang gesagt")  # content:encoded over description


# --- guids and dates -------------------------------------------------------------------------------


def test_guids_without_guid_or_link_are_stable_hashes():
    first = parse("nodates.xml").entries
    again = parse("nodates.xml", url="http://elsewhere.example/feed").entries
    assert [e.guid for e in first] == [e.guid for e in again]
    hashed = [e for e in first if e.guid.startswith("sha1:")]
    assert len(hashed) == 2  # same title, no date: the summary tells them apart
    assert hashed[0].guid != hashed[1].guid
    assert all(e.url == "" for e in hashed)


def test_link_is_the_guid_when_there_is_none():
    entry = next(e for e in parse("nodates.xml").entries if e.title == "Mit Link")
    assert entry.guid == entry.url == "https://ohne-datum.example/mit-link"


def test_a_guid_is_not_resolved_against_the_feed_url():
    # feedparser would make "kaputt-1" into "<feed URL>/kaputt-1": a guid that changes when the
    # feed moves from http to https.
    http = parse("nodates.xml", url="http://ohne-datum.example/feed").entries
    https = parse("nodates.xml", url="https://ohne-datum.example/feed").entries
    assert [e.guid for e in http] == [e.guid for e in https]
    assert "kaputt-1" in [e.guid for e in http]


def test_a_guid_listed_twice_yields_the_first_entry():
    entries = parse("nodates.xml").entries
    assert [e.title for e in entries if e.guid == "kaputt-1"] == ["Kaputtes Datum"]


def test_two_posts_their_blog_gave_one_guid_are_both_kept():
    # A template's bug: two items, two addresses, one guid. The second was dropped silently.
    rss = ("<?xml version='1.0'?><rss version='2.0'><channel><title>T</title>"
           "<item><title>A</title><link>https://eve.example/a/</link><guid>dup</guid></item>"
           "<item><title>B</title><link>https://eve.example/b/</link><guid>dup</guid></item>"
           "<item><title>A again</title><link>https://eve.example/a/</link><guid>dup</guid></item>"
           "</channel></rss>").encode()  # fmt: skip
    entries = parse_feed(rss, {}, "https://eve.example/feed/").entries
    assert [(e.title, e.guid) for e in entries] == [("A", "dup"), ("B", "https://eve.example/b/")]


def test_unparseable_and_far_future_dates_are_none():
    entries = {e.title: e for e in parse("nodates.xml").entries}
    assert entries["Kaputtes Datum"].published is None
    assert entries["Aus der Zukunft"].published is None  # 2100: a broken clock
    later = {e.title: e for e in parse("nodates.xml", now=utc(2099, 12, 30)).entries}
    assert later["Aus der Zukunft"].published == utc(2100, 1, 1)  # within two days of "now"


@pytest.mark.parametrize("published", ["Thu, 01 Jan 1970 00:00:00 +0000", "Fri, 20 Nov 2126 10:00:00 +0000"])
def test_an_implausible_published_date_gives_way_to_the_updated_date(published):
    now = utc(2026, 11, 22)
    rss = ("<?xml version='1.0'?><rss version='2.0' xmlns:atom='http://www.w3.org/2005/Atom'><channel><title>T</title>"
           f"<item><title>x</title><guid>g1</guid><pubDate>{published}</pubDate>"
           "<atom:updated>2026-11-20T10:00:00Z</atom:updated></item></channel></rss>")
    [entry] = parse_feed(rss.encode(), {}, FEED_URL, now=now).entries
    assert entry.published == entry.updated == utc(2026, 11, 20, 10)
    item = {"id": "g1", "content_text": "x", "date_published": "2126-11-20T10:00:00Z",
            "date_modified": "2026-11-20T10:00:00Z"}
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": [item]})
    [entry] = parse_feed(body.encode(), {"Content-Type": "application/feed+json"}, FEED_URL, now=now).entries
    assert entry.published == utc(2026, 11, 20, 10)


def test_an_entry_with_nothing_to_show_is_dropped():
    assert len(parse("nodates.xml").entries) == 5  # the seventh item has only an author


def test_a_very_long_guid_is_hashed():
    body = (FEEDS / "nodates.xml").read_bytes().replace(b"kaputt-1", b"x" * 5000, 1)
    guid = parse_feed(body, {}, FEED_URL, now=NOW).entries[3].guid
    assert guid.startswith("sha1:") and len(guid) < 100


# --- encodings (the rules are encoding.decode's: tests/test_encoding.py) ---------------------------

UMLAUTS = "Schöne Grüße aus Köln: Ärger über Öl und Übermut"


def test_latin1_feed():
    feed = parse("latin1.xml")
    assert feed.entries[0].title == UMLAUTS
    assert feed.entries[0].summary_html == "Straße, Maß, Fuß - äöüÄÖÜß"


def test_the_http_charset_is_used_to_decode():
    body = '<rss version="2.0"><channel><item><title>5 \u20ac</title><guid>1</guid></item></channel></rss>'
    entry = parse_feed(body.encode("iso-8859-15"), {"Content-Type": "text/xml; charset=ISO-8859-15"}, FEED_URL)
    assert entry.entries[0].title == "5 €"


@pytest.mark.parametrize("headers", [{}, {"Content-Type": "text/html; charset=ISO-8859-1"}])
def test_a_declaration_that_no_longer_fits_the_text_is_ignored(headers):
    # feedparser gets the decoded text as UTF-8, whatever the body's declaration or label said.
    entry = parse("mislabelled-utf8-as-latin1.xml", headers).entries[0]
    assert entry.title == UMLAUTS
    assert entry.summary_html == "Straße, Maß, Fuß – äöüÄÖÜß"


def test_double_encoded_utf8_is_repaired():
    feed = parse("double-encoded.xml")
    assert feed.title == feed.entries[0].title == "Für „Sie“ – ein Café"


@pytest.mark.parametrize("codec", ["utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_utf16_and_utf32(codec):
    text = (FEEDS / "wordpress-rss2.xml").read_text("utf-8").replace('encoding="UTF-8"', f'encoding="{codec}"')
    feed = parse_feed(text.encode(codec), {}, FEED_URL, now=NOW)
    assert feed.title == "Gärtnerei Grünfink – Das Firmenblog"
    assert feed.entries[0].author == "Jürgen Müller"


# --- JSON Feed (feedparser 6 reads no JSON; parse does) ----------------------------------------------


def test_json_feed():
    feed = parse("jsonfeed.json", url="https://mikro.example.de/feed.json")
    assert (feed.title, feed.home_url, feed.language) == ("Mikroblog & Notizen", "https://mikro.example.de/", "de")
    note, other = feed.entries
    assert note.guid == "https://mikro.example.de/2024/05/13/notiz"
    assert note.url == "https://mikro.example.de/2024/05/13/notiz"
    assert note.title == ""
    assert note.author == "Mia Mikro"  # the feed's authors
    assert note.author_url == "https://mikro.example.de/about/"
    assert note.published == utc(2024, 5, 13, 8, 0)
    assert note.categories == ("Blogparade", "notiz")
    assert other.guid == "42"
    assert other.title == "Ein &lt;Titel&gt; &amp; mehr"
    assert other.author == "Gast"
    assert other.published is None
    assert other.content_html == "<p>Erster Absatz.</p><p>Zweiter Absatz.</p>"


def test_a_json_feed_items_attachments_are_read():
    # micro.blog's episodes: an attachment with its size as a number, another with none.
    item = {"id": "e1", "url": "https://mikro.example.de/folge-3", "content_text": "Folge 3",
            "attachments": [{"url": "https://mikro.example.de/uploads/folge-3.mp3", "mime_type": "audio/mpeg",
                             "size_in_bytes": 23456789, "title": "Folge 3"},
                            {"url": "/uploads/folge-3.m4a"}, {"mime_type": "audio/mpeg"}, "x"]}  # fmt: skip
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "T", "items": [item]})
    [entry] = parse_feed(body.encode(), {}, FEED_URL, now=NOW).entries
    assert entry.attachments == (
        ParsedAttachment("https://mikro.example.de/uploads/folge-3.mp3", "audio/mpeg", "23456789", "", "Folge 3"),
        ParsedAttachment("/uploads/folge-3.m4a"),
    )


def test_json_that_is_not_a_feed():
    error = refused(json.dumps({"hello": "world"}).encode(), ErrorKind.NOT_A_FEED)
    assert "JSON" in error.message
    refused(b"{not json", ErrorKind.NOT_A_FEED)
    refused(b"[" * 100000, ErrorKind.NOT_A_FEED)  # deeper than json's recursion limit


# --- refusals --------------------------------------------------------------------------------------

BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE rss [
  <!ENTITY a "lol">
  <!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">
  <!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">
]>
<rss version="2.0"><channel><title>&c;</title><item><title>&c;</title></item></channel></rss>
"""


@pytest.mark.parametrize("codec", ["utf-8", "utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_entity_declarations_are_refused_in_any_encoding(codec):
    body = BOMB.decode().replace('version="1.0"', f'version="1.0" encoding="{codec}"').encode(codec)
    error = refused(body, ErrorKind.ENTITIES)
    assert "ENTITY" in error.message


@pytest.mark.parametrize("prolog", [
    '<!DOCTYPE rss [<!entity x "y">]>',  # lower case: not XML, refused all the same
    '<!DOCTYPE rss SYSTEM "<!--" [<!ENTITY x "y">]><!-- -->',  # a "comment" inside a literal
    '<!DOCTYPE rss [<!-- a comment --><!ENTITY x SYSTEM "file:///etc/passwd">]>',
    '<!-- <!ENTITY x "y"> -->',  # in a comment before the root: refused, it costs nothing
])
def test_entity_declarations_are_found_wherever_they_hide(prolog):
    refused(f'<?xml version="1.0"?>{prolog}<rss version="2.0"><channel/></rss>'.encode(), ErrorKind.ENTITIES)


def test_entity_text_in_content_is_not_a_declaration():
    # A post about XXE quotes "<!ENTITY" in CDATA or escaped; that is not a declaration.
    body = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>Sicherheit</title>
    <item><title>XXE erkl\xc3\xa4rt</title><guid>xxe</guid>
    <description><![CDATA[<pre><!ENTITY xxe SYSTEM "file:///etc/passwd"></pre>]]></description>
    </item><!-- <!ENTITY in a comment after the root> --></channel></rss>"""
    entry = parse_feed(body, {}, FEED_URL, now=NOW).entries[0]
    assert "<!ENTITY xxe" in entry.summary_html


def test_an_external_dtd_is_never_read(tmp_path):
    dtd = tmp_path / "secret.dtd"
    dtd.write_text('<!ENTITY secret "TOPSECRET">')
    body = f"""<?xml version="1.0"?>
<!DOCTYPE rss SYSTEM "{dtd.as_uri()}">
<rss version="2.0"><channel><title>t &secret;</title>
<item><title>x &secret;</title><guid>1</guid></item></channel></rss>""".encode()
    feed = parse_feed(body, {}, FEED_URL, now=NOW)
    assert "TOPSECRET" not in repr(feed)


@pytest.mark.parametrize("body", [b"/etc/passwd", b"tests/feeds/wordpress-rss2.xml", b"https://example.org/feed"])
def test_a_body_that_looks_like_a_path_or_url_is_not_opened(body):
    # feedparser.parse(bytes) tries open(bytes) first; parse must never let it.
    error = refused(body, ErrorKind.NOT_A_FEED)
    assert "root:" not in error.message


def test_html_is_not_a_feed():
    page = b"<!DOCTYPE html>\n<html lang=de><head><title>Blog</title></head><body><p>Hallo</p></body></html>"
    assert "HTML page" in refused(page, ErrorKind.NOT_A_FEED).message
    assert "HTML page" in refused(b"  \n" + page.lower(), ErrorKind.NOT_A_FEED).message


@pytest.mark.parametrize("body", [b"plain text, not a feed", bytes(range(256)) * 4, b"<note><to>x</to></note>"])
def test_other_things_are_not_feeds(body):
    refused(body, ErrorKind.NOT_A_FEED)


def test_a_malformed_feed_without_entries_is_not_a_feed():
    error = refused(b'<rss version="2.0"><channel><title>abgeschnitten', ErrorKind.NOT_A_FEED)
    assert "malformed" in error.message


@pytest.mark.parametrize("body", [b"", b" \n\t ", b"\xef\xbb\xbf  \n"])
def test_empty_bodies(body):
    refused(body, ErrorKind.EMPTY)


def test_a_wellformed_feed_without_entries_is_an_empty_feed():
    feed = parse_feed(b'<rss version="2.0"><channel><title>Noch leer</title></channel></rss>', {}, FEED_URL)
    assert feed.title == "Noch leer" and feed.entries == ()


def test_an_illformed_feed_with_entries_is_accepted():
    body = b"""<rss version="2.0"><channel><title>Tom & Jerry</title>
    <item><title>Caf&eacute; &amp; Kuchen</title><link>https://x.example/1</link></item>
    <item><title>Zweiter</title><link>https://x.example/2</link></item></channel></rss>"""
    feed = parse_feed(body, {}, FEED_URL, now=NOW)
    assert [e.title for e in feed.entries] == ["Café &amp; Kuchen", "Zweiter"]


# --- headers ---------------------------------------------------------------------------------------


def test_content_location_is_the_base_of_relative_links():
    body = b'<rss version="2.0"><channel><link>/</link><item><title>t</title><link>/post/1</link></item></channel></rss>'
    feed = parse_feed(body, {"Content-Location": "https://moved.example/blog/feed"}, "https://old.example/feed", now=NOW)
    assert feed.entries[0].url == "https://moved.example/post/1"
    assert feed.home_url == "https://moved.example/"


def test_content_language_is_the_last_language_fallback():
    body = b'<rss version="2.0"><channel><item><title>t</title><link>https://x.example/1</link></item></channel></rss>'
    feed = parse_feed(body, {"Content-Language": "de-CH"}, FEED_URL, now=NOW)
    assert feed.language == "de" and feed.entries[0].language == "de"


@pytest.mark.parametrize("body", [
    b"<!DOCTYPE rss " + b"[]" * 20_000,  # no ">": a backtracking pattern would never finish
    b"<!--" * 50_000 + b"<!ENTITY x 'y'>",
    "Ã¤".encode() * 100_000,
])
def test_hostile_prologs_cost_linear_time(body):
    start = time.perf_counter()
    with pytest.raises(ParseError):
        parse_feed(body, {}, FEED_URL, now=NOW)
    assert time.perf_counter() - start < 3.0


# --- feedparser's cost per tag ---------------------------------------------------------------------


def rss_items(*items: bytes, version: str = "0.91") -> bytes:
    """RSS 0.91: read by feedparser, not by the lxml reader."""
    return b'<rss version="' + version.encode() + b'"><channel><title>t</title>' + b"".join(items)


def item(n: int, description: bytes = b"Text") -> bytes:
    return (b"<item><title>Post %d</title><link>https://x.example/%d</link>"
            b"<description>%s</description></item>" % (n, n, description))


@pytest.mark.parametrize("close", [b"</channel></rss>", b""], ids=["well-formed", "broken"])
def test_a_body_of_a_million_tags_costs_feedparser_seconds_not_minutes(close):
    body = rss_items(item(1), item(2), item(3, b"<p>" * 1_000_000), item(4)) + close
    start = time.perf_counter()
    feed = parse_feed(body, {}, FEED_URL, now=NOW)
    assert time.perf_counter() - start < 5.0
    assert [e.title for e in feed.entries] == ["Post 1", "Post 2"]  # the entry past the budget is gone


def test_tags_in_cdata_do_not_count_against_feedparsers_budget():
    html = b"<![CDATA[" + b"<p>Absatz</p>" * 200 + b"]]>"
    body = rss_items(*(item(n, html) for n in range(300))) + b"</channel></rss>"
    assert body.count(b"<") > 100_000
    assert len(parse_feed(body, {}, FEED_URL, now=NOW).entries) == 300


def test_five_million_elements_never_reach_the_lxml_reader():
    elements = b"Text</description>" + b"<x/>" * 5_000_000 + b"<description>"
    body = rss_items(item(1), item(2), item(3, elements), item(4), version="2.0") + b"</channel></rss>"
    start = time.perf_counter()
    feed = parse_feed(body, {}, FEED_URL, now=NOW)
    assert time.perf_counter() - start < 3.0
    assert [e.title for e in feed.entries] == ["Post 1", "Post 2"]


@pytest.mark.parametrize("version", ["2.0", "0.91"], ids=["lxml", "feedparser"])
@pytest.mark.parametrize("attribute", ["a{}='1'", 'a{}="1"', "a{}"], ids=["single", "double", "bare"])
def test_an_element_with_40000_attributes_ends_the_feed_quickly(version, attribute):
    crowded = " ".join(attribute.format(n) for n in range(40_000)).encode()
    third = b"<item><title>Post 3</title><category " + crowded + b">c</category></item>"
    body = rss_items(item(1), item(2), third, item(4), version=version) + b"</channel></rss>"
    start = time.perf_counter()
    feed = parse_feed(body, {}, FEED_URL, now=NOW)
    assert time.perf_counter() - start < 2.0
    assert [e.title for e in feed.entries] == ["Post 1", "Post 2"]


@pytest.mark.parametrize("version", ["2.0", "0.91"], ids=["lxml", "feedparser"])
def test_a_plain_text_post_that_reads_like_a_crowded_tag_costs_no_post(version):
    # "If a<b then" and a thousand words before the next ">": in CDATA, text, not an element; the
    # feedparser path cut the feed before it, losing it and every older post.
    words = " ".join(f"w{n}" for n in range(1_100))
    maths = b"<item><title>Post 2</title><description><![CDATA[If a<b then %s. Also: c > d.]]></description></item>" % words.encode()
    body = rss_items(item(1), maths, item(3), version=version) + b"</channel></rss>"
    feed = parse_feed(body, {}, FEED_URL, now=NOW)
    assert [e.title for e in feed.entries] == ["Post 1", "Post 2", "Post 3"]
    # A crowded element after such a section still ends the feed there.
    crowded = b"<item><title>Post 4</title><category " + " ".join(f"a{n}" for n in range(40_000)).encode() + b">c</category></item>"
    body = rss_items(item(1), maths, item(3), crowded, item(5), version=version) + b"</channel></rss>"
    assert [e.title for e in parse_feed(body, {}, FEED_URL, now=NOW).entries] == ["Post 1", "Post 2", "Post 3"]


# --- Atom's XHTML content: markup that feedparser reads tag by tag ---------------------------------


def atom_feed(*entries: bytes, close: bytes = b"</feed>") -> bytes:
    return (b'<feed xmlns="http://www.w3.org/2005/Atom" xmlns:x="http://www.w3.org/1999/xhtml">'
            b"<title>Reich</title><id>tag:x.example,2024:feed</id>" + b"".join(entries) + close)


def xhtml_entry(n: int, content: bytes, kind: bytes = b"xhtml") -> bytes:
    return (b"<entry><title>Post %d</title><id>tag:x.example,2024:%d</id><link href='https://x.example/%d'/>"
            b"<updated>2024-01-%02dT10:00:00Z</updated><content type='%s'>%s</content></entry>"
            % (n, n, n, 1 + n % 28, kind, content))


def rich_xhtml(n: int) -> bytes:
    """~3,000 tags of an article: links, emphasis, line breaks."""
    paragraph = (b"<p>Absatz mit <a href='https://x.example/%d'>Link</a>, <em>Betonung</em>, "
                 b"<strong>stark</strong>, <code>code</code>.<br/>Zeile <span>zwei</span>.</p>" % n)
    return b"<div xmlns='http://www.w3.org/1999/xhtml'>" + paragraph * 230 + b"</div>"


@pytest.mark.parametrize("engine", ["auto", "feedparser"])
@pytest.mark.parametrize("close", [b"</feed>", b""], ids=["well-formed", "broken"])
def test_a_large_feed_of_rich_xhtml_entries_keeps_every_entry_quickly(engine, close):
    body = atom_feed(*(xhtml_entry(n, rich_xhtml(n)) for n in range(200, 0, -1)), close=close)
    assert body.count(b"<") > 500_000  # ten times feedparser's tag budget
    start = time.perf_counter()
    feed = parse_feed(body, {}, FEED_URL, now=NOW, engine=engine)
    assert time.perf_counter() - start < 5.0
    assert [e.title for e in feed.entries] == [f"Post {n}" for n in range(200, 0, -1)]
    oldest = feed.entries[-1].content_html
    assert oldest.startswith("<p>Absatz mit <a href='https://x.example/1'>Link</a>, <em>Betonung</em>")
    assert oldest.count("Zeile <span>zwei</span>") == 230 and "div" not in oldest


@pytest.mark.parametrize("engine", ["auto", "feedparser"])
def test_xhtml_content_is_its_markup_as_html(engine):
    contents = [
        b"<x:div><x:p>Ein <x:em>Absatz</x:em> &amp; &#8364;</x:p></x:div>",  # prefixed, wrapped
        b"<div xmlns='http://www.w3.org/1999/xhtml'><p>eins</p></div><div><p>zwei</p></div>",  # two divs
        b"<div xmlns='http://www.w3.org/1999/xhtml'><![CDATA[a < b]]> und ]]&gt;</div>",
        b"<div xmlns='http://www.w3.org/1999/xhtml'><details><summary>Mehr</summary>Text</details></div>",
    ]
    body = atom_feed(*(xhtml_entry(n, c) for n, c in enumerate(contents, 1)),
                     b"<entry><title type='xhtml'><div xmlns='http://www.w3.org/1999/xhtml'>A <b>B</b></div>"
                     b"</title><summary type='xhtml'><x:div><x:details><x:summary>S</x:summary></x:details>"
                     b"</x:div></summary><id>tag:x.example,2024:5</id></entry>")
    feed = parse_feed(body, {}, FEED_URL, now=NOW, engine=engine)
    assert [e.content_html for e in feed.entries] == [
        "<p>Ein <em>Absatz</em> &amp; &#8364;</p>",
        "<div xmlns='http://www.w3.org/1999/xhtml'><p>eins</p></div><div><p>zwei</p></div>",
        "a &lt; b und ]]&gt;",
        "<details><summary>Mehr</summary>Text</details>",
        "<details><summary>S</summary></details>",
    ]
    assert feed.entries[-1].title == "A <b>B</b>"


@pytest.mark.parametrize("close", [b"</div></content></entry></feed>", b""], ids=["ended", "unended"])
def test_a_million_tags_of_xhtml_content_cost_seconds_not_minutes(close):
    body = atom_feed(xhtml_entry(1, b"Text"), xhtml_entry(2, b"Text"),
                     b"<entry><title>Post 3</title><content type='xhtml'><div>" + b"<p>" * 1_000_000 + close,
                     close=b"")
    start = time.perf_counter()
    feed = parse_feed(body, {}, FEED_URL, now=NOW)
    assert time.perf_counter() - start < 3.0
    assert [e.title for e in feed.entries][:2] == ["Post 1", "Post 2"]
