"""Feeds as blog engines write them, fetched, stored and built: what a reader sees on the site.

Each feed below follows its engine's own template (named at each); it is served on loopback,
read by `blogparade fetch` and built, and the post pages are read back as HTML.  Where both of
parse.py's readers read a feed, their records must be the same (`both_paths`).
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from lxml import etree

from aggregator.feeds import xmlreader
from aggregator.feeds.clean import clean_post
from aggregator.feeds.parse import parse_feed
from aggregator.models import Participant
from tests.acceptance_helpers import (
    invoke,
    new_site,
    ok,
    parse_html,
    post_pages,
    write_participant,
)
from tests.servers import RSS_TYPE, respond
from tests.test_images import png

NOW = datetime(2026, 11, 22, tzinfo=UTC)


def both_paths(body: bytes, url: str):
    """The feed's records as the default path reads it; feedparser's must be the same."""
    ours = parse_feed(body, {}, url, now=NOW)
    assert parse_feed(body, {}, url, now=NOW, engine="feedparser") == ours
    return ours


def lxml_reads(body: bytes, url: str) -> bool:
    try:
        parse_feed(body, {}, url, now=NOW, engine="lxml")
    except xmlreader.Unsupported:
        return False
    return True


def built_site(tmp_path: Path, feed_server, path: str, body: bytes, content_type: str) -> Path:
    """A site with one blog, shown in full, whose feed is `body` at `path`, fetched and built:
    its output."""
    site = new_site(tmp_path / "site")
    url = feed_server.route(path, respond(body, content_type=content_type))
    write_participant(site, "blog", "Ein Blog", url, display="full")
    ok(invoke(site, "fetch"))
    ok(invoke(site, "build"))
    return site / "output"


# --- Mastodon: a profile's RSS (app/serializers/rss/account_serializer.rb) -----------------------

MASTODON = """<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:webfeeds="http://webfeeds.org/rss/1.0" xmlns:media="http://search.yahoo.com/mrss/">
  <channel>
    <title>Ottilie Nguyen</title>
    <description>Öffentliche Beiträge von @ottilie@chaos.social</description>
    <link>https://chaos.social/@ottilie</link>
    <lastBuildDate>Sat, 14 Nov 2026 19:21:05 +0000</lastBuildDate>
    <generator>Mastodon v4.3.1</generator>
    <item>
      <guid isPermaLink="true">https://chaos.social/@ottilie/113434045678901234</guid>
      <link>https://chaos.social/@ottilie/113434045678901234</link>
      <pubDate>Sat, 14 Nov 2026 19:21:05 +0000</pubDate>
      <description>&lt;p&gt;Fotos vom Wochenende an der Ostsee &lt;a href="https://chaos.social/tags/Ostsee" class="mention hashtag" rel="tag"&gt;#&lt;span&gt;Ostsee&lt;/span&gt;&lt;/a&gt;&lt;/p&gt;</description>
      <media:content url="https://assets.chaos.social/media_attachments/files/113/434/045/original/212f28cb.jpeg" type="image/jpeg" fileSize="211106" medium="image">
        <media:rating scheme="urn:simple">nonadult</media:rating>
        <media:description type="plain">Möwen auf einer Buhne im Abendlicht.</media:description>
      </media:content>
      <media:content url="https://assets.chaos.social/media_attachments/files/113/434/046/original/8e1eaa04.jpeg" type="image/jpeg" fileSize="198311" medium="image">
        <media:rating scheme="urn:simple">nonadult</media:rating>
        <media:description type="plain">Ein Strandkorb im Regen.</media:description>
      </media:content>
      <category>Ostsee</category>
    </item>
  </channel>
</rss>
""".encode()


def test_a_toot_with_photos_reads_as_the_toot_not_as_their_alt_text():
    feed = both_paths(MASTODON, "https://chaos.social/@ottilie.rss")
    (toot,) = feed.entries
    assert "Fotos vom Wochenende an der Ostsee" in toot.content_html
    assert "Möwen" not in toot.content_html + toot.summary_html


@pytest.mark.slow
def test_a_toot_with_photos_is_shown_with_its_own_text(tmp_path, feed_server):
    output = built_site(tmp_path, feed_server, "/@ottilie.rss", MASTODON, RSS_TYPE)
    (page,) = post_pages(output).values()
    assert page.title.startswith("Fotos vom Wochenende an der Ostsee")
    # Its words are the toot's; the photos (not copied here: the test's server has none) leave
    # their alt text in their place, in the body only, marked as theirs.
    doc = parse_html(page.path)
    assert "Möwen" not in doc.xpath("string(//meta[@name='description']/@content)")
    body = doc.xpath("//div[contains(@class, 'post-body')]")[0]
    assert body.text_content().index("Fotos vom Wochenende") < body.text_content().index("Möwen")
    assert [" ".join(span.text_content().split()) for span in body.xpath(".//span[@class='image-alt']")] == \
        ["Möwen auf einer Buhne im Abendlicht.", "Ein Strandkorb im Regen."]


# --- TYPO3 news (EXT:news's Rss.xml) and Smarty templates under a German locale --------------------

def typo3_news(dates: list[str]) -> bytes:
    """EXT:news's RSS with <pubDate> from strftime's "%a, %d %b %Y %H:%M:%S %z", which a server
    whose locale is German writes with German names of days and months."""
    items = "".join(
        f"""<item><guid isPermaLink="false">news-{1287 - n}</guid><pubDate>{date}</pubDate>
        <title>Meldung {n}</title>
        <link>https://www.stadtbibliothek-neustadt.de/aktuelles/detail/meldung-{n}</link>
        <description>Neues aus der Bibliothek.</description></item>"""
        for n, date in enumerate(dates)
    )
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom">
  <channel><title>Stadtbibliothek Neustadt</title><link>https://www.stadtbibliothek-neustadt.de/</link>
    <description>Aktuelles aus der Stadtbibliothek</description><language>de-DE</language>
    <lastBuildDate>{dates[0]}</lastBuildDate><generator>TYPO3 EXT:news</generator>{items}
  </channel>
</rss>""".encode()


GERMAN_DATES = {  # as written -> the moment in UTC
    "Fr, 20 Nov 2026 10:15:00 +0100": datetime(2026, 11, 20, 9, 15, tzinfo=UTC),
    "Di, 13 Okt 2026 08:00:00 +0200": datetime(2026, 10, 13, 6, 0, tzinfo=UTC),
    "Mo, 18 Mai 2026 09:30:00 +0200": datetime(2026, 5, 18, 7, 30, tzinfo=UTC),
    "Mi, 18 Mär 2026 09:30:00 +0100": datetime(2026, 3, 18, 8, 30, tzinfo=UTC),
    "Do, 31 Dez 2025 23:59:00 MEZ": datetime(2025, 12, 31, 22, 59, tzinfo=UTC),
    "Thu, 30 Jul 2026 12:00:00 CEST": datetime(2026, 7, 30, 10, 0, tzinfo=UTC),
    "Wed, 29 Jul 2026 12:00:00": datetime(2026, 7, 29, 12, 0, tzinfo=UTC),  # no zone: UTC
}


def test_dates_as_german_servers_write_them_are_read_on_both_paths():
    feed = both_paths(typo3_news(list(GERMAN_DATES)), "https://www.stadtbibliothek-neustadt.de/aktuelles/rss.xml")
    assert [e.published for e in feed.entries] == list(GERMAN_DATES.values())


# Dates written without a zone, as templates and hand-made feeds write them (RSS and Atom ask for
# one): the time on the writer's clock, a moment wherever the site is.  -> (Y, M, D, h, m)
ZONELESS_DATES = {
    "Fr, 20 Nov 2026 23:30:00": (2026, 11, 20, 23, 30),  # a German locale's strftime, no %z
    "Fri, 20 Nov 2026 23:30:00": (2026, 11, 20, 23, 30),
    "20 Nov 2026 23:30": (2026, 11, 20, 23, 30),
    "2026-11-20T23:30:00": (2026, 11, 20, 23, 30),
    "2026-11-20T23:30:00.250": (2026, 11, 20, 23, 30),
    "2026-11-20 23:30:00": (2026, 11, 20, 23, 30),
    "2026-11-20T23:30": (2026, 11, 20, 23, 30),
    "2026/11/20 23:30:00": (2026, 11, 20, 23, 30),  # feedparser alone: December 1st, midnight
    "2026-11-20": (2026, 11, 20, 0, 0),  # a day alone: its start
    "20.11.2026 23:30": (2026, 11, 20, 23, 30),  # the German way, which feedparser does not read
    "Fr., 20.11.2026, 23:30 Uhr": (2026, 11, 20, 23, 30),
    "20.11.2026": (2026, 11, 20, 0, 0),
    "Mi, 29 Jul 2026 23:30:00": (2026, 7, 29, 23, 30),  # summer time in Berlin
}
BERLIN, NEW_YORK = ZoneInfo("Europe/Berlin"), ZoneInfo("America/New_York")


def rss_and_atom(dates: list[str]) -> tuple[bytes, bytes]:
    """The dates as an RSS feed's pubDate and an Atom feed's published, one entry each."""
    rss = typo3_news(dates)
    entries = "".join(f"<entry><id>urn:entry:{n}</id><title>Eintrag {n}</title><published>{date}</published>"
                      f"<updated>{date}</updated><content>Text</content></entry>" for n, date in enumerate(dates))
    atom = f'''<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom"><title>Ein Blog</title>
<id>urn:feed</id><updated>2026-11-21T00:00:00Z</updated>{entries}</feed>'''.encode()
    return rss, atom


@pytest.mark.parametrize("zone", [BERLIN, NEW_YORK], ids=["Berlin", "New York"])
def test_a_date_without_a_zone_is_a_time_in_the_sites_zone_on_both_paths(zone):
    expected = [datetime(*fields, tzinfo=zone).astimezone(UTC) for fields in ZONELESS_DATES.values()]

    def read(body: bytes, engine: str = "auto"):
        return parse_feed(body, {}, "https://blog.example/feed/", now=NOW, zone=zone, engine=engine)

    rss, atom = rss_and_atom(list(ZONELESS_DATES))
    for body in (rss, atom):
        assert read(body, "feedparser") == read(body) == read(body, "lxml")
    assert [e.published for e in read(rss).entries] == [e.published for e in read(atom).entries] == expected
    assert [e.updated for e in read(atom).entries] == expected


def test_a_json_feeds_date_without_a_zone_is_a_time_in_the_sites_zone():
    items = [{"id": str(n), "content_text": "Text", "date_published": date, "date_modified": date}
             for n, date in enumerate(ZONELESS_DATES)]
    body = json.dumps({"version": "https://jsonfeed.org/version/1.1", "title": "Ein Blog", "items": items}).encode()
    feed = parse_feed(body, {}, "https://blog.example/feed.json", now=NOW, zone=BERLIN)
    assert [e.published for e in feed.entries] == [
        datetime(*fields, tzinfo=BERLIN).astimezone(UTC) for fields in ZONELESS_DATES.values()]


def test_a_date_naming_its_zone_is_that_moment_wherever_the_site_is():
    zoned = {date: moment for date, moment in GERMAN_DATES.items() if date[-1].isalpha() or date[-5] in "+-"}
    assert len(zoned) == len(GERMAN_DATES) - 1
    for zone in (BERLIN, NEW_YORK):
        feed = parse_feed(typo3_news(list(zoned)), {}, "https://blog.example/feed/", now=NOW, zone=zone)
        assert [e.published for e in feed.entries] == list(zoned.values())


def test_an_entry_known_by_its_date_keeps_its_guid_whatever_the_sites_zone():
    # No id, no link: its guid is made of its title and date, as they were read before dates
    # without a zone were the site's time; the post must stay the one stored then.
    body = b'''<?xml version="1.0"?><rss version="2.0"><channel><title>t</title><link>https://blog.example/</link>
<item><title>Ohne Adresse</title><description>Text</description><pubDate>Fr, 20 Nov 2026 23:30:00</pubDate></item>
</channel></rss>'''
    in_utc, in_berlin = (parse_feed(body, {}, "https://blog.example/feed/", now=NOW, zone=zone).entries[0]
                         for zone in (UTC, BERLIN))
    assert in_utc.guid == in_berlin.guid and in_utc.guid.startswith("sha1:")
    assert in_berlin.published == datetime(2026, 11, 20, 22, 30, tzinfo=UTC) != in_utc.published


@pytest.mark.slow
def test_a_post_written_late_without_a_zone_keeps_its_day_on_the_site(tmp_path, feed_server):
    # The site's zone is init's, Europe/Berlin: 23:30 there, not 00:30 the next day.
    output = built_site(tmp_path, feed_server, "/aktuelles/rss.xml", typo3_news(["Fr, 20 Nov 2026 23:30:00"]),
                        RSS_TYPE)  # fmt: skip
    (page,) = post_pages(output).values()
    assert 'datetime="2026-11-20T23:30+01:00"' in page.path.read_text(encoding="utf-8")


@pytest.mark.slow
def test_an_atom_post_dated_in_utc_shows_its_time_in_the_sites_zone(tmp_path, feed_server):
    # "Z" names UTC: 22:30 there is 23:30 in Berlin, not 22:30 Berlin time.
    _, body = rss_and_atom(["2026-11-20T22:30:00Z"])
    output = built_site(tmp_path, feed_server, "/feed.atom", body, "application/atom+xml")
    (page,) = post_pages(output).values()
    assert 'datetime="2026-11-20T23:30+01:00"' in page.path.read_text(encoding="utf-8")


@pytest.mark.slow
def test_posts_a_cms_dated_the_german_way_keep_their_days(tmp_path, feed_server):
    # "d.m.Y H:i" in a template: unread, every post had the time it was first seen, the whole
    # feed the newest posts of the day the blog joined.
    output = built_site(tmp_path, feed_server, "/aktuelles/rss.xml",
                        typo3_news(["20.11.2026 10:15", "13.10.2026, 08:00 Uhr"]), RSS_TYPE)  # fmt: skip
    days = {page.title: page.path.read_text(encoding="utf-8") for page in post_pages(output).values()}
    assert 'datetime="2026-11-20T10:15+01:00"' in days["Meldung 0"]
    assert 'datetime="2026-10-13T08:00+02:00"' in days["Meldung 1"]


@pytest.mark.slow
def test_posts_dated_by_a_german_server_keep_their_days(tmp_path, feed_server):
    output = built_site(tmp_path, feed_server, "/aktuelles/rss.xml", typo3_news(list(GERMAN_DATES)), RSS_TYPE)
    days = {page.title: page.path.read_text(encoding="utf-8") for page in post_pages(output).values()}
    assert 'datetime="2026-11-20T10:15+01:00"' in days["Meldung 0"]
    assert 'datetime="2026-03-18T09:30+01:00"' in days["Meldung 3"]


# --- Spotify for Podcasters (Anchor): an episode's show notes and its <itunes:summary> --------------

PODCAST = """<?xml version="1.0" encoding="UTF-8"?><rss xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:atom="http://www.w3.org/2005/Atom" version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd" xmlns:anchor="https://anchor.fm/xmlns"><channel>
<title><![CDATA[Zwei am Deich]]></title><description><![CDATA[Ein Podcast über den Norden.]]></description>
<link>https://podcasters.spotify.com/pod/show/zweiamdeich</link><generator>Anchor Podcasts</generator>
<itunes:author>Maren &amp; Jost</itunes:author><itunes:summary>Ein Podcast über den Norden.</itunes:summary>
<item><title><![CDATA[Folge 12: Wattwandern]]></title><description><![CDATA[<p>Wir waren im Watt. Unser Beitrag zur <a href="https://blogparade.example/wattenmeer/">Blogparade Wattenmeer</a>.</p>]]></description>
<link>https://podcasters.spotify.com/pod/show/zweiamdeich/episodes/Folge-12-e2q0abc</link>
<guid isPermaLink="false">7c9c2d8e-5d0e-4b3e-9d3a-1a2b3c4d5e6f</guid><dc:creator><![CDATA[Maren & Jost]]></dc:creator>
<pubDate>Fri, 20 Nov 2026 06:00:00 GMT</pubDate>
<enclosure url="https://anchor.fm/s/12345678/podcast/play/98765432/abc.mp3" length="31234567" type="audio/mpeg"/>
<itunes:summary>Wir waren im Watt. Unser Beitrag zur Blogparade Wattenmeer.</itunes:summary>
<itunes:explicit>false</itunes:explicit><itunes:duration>00:31:12</itunes:duration><itunes:episodeType>full</itunes:episodeType></item>
</channel></rss>""".encode()


def test_an_episode_keeps_its_show_notes_not_their_plain_itunes_summary():
    (episode,) = both_paths(PODCAST, "https://anchor.fm/s/12345678/podcast/rss").entries
    assert '<a href="https://blogparade.example/wattenmeer/">' in episode.content_html


@pytest.mark.slow
def test_an_episode_page_links_where_its_show_notes_link(tmp_path, feed_server):
    output = built_site(tmp_path, feed_server, "/s/12345678/podcast/rss", PODCAST, RSS_TYPE)
    (page,) = post_pages(output).values()
    assert "https://blogparade.example/wattenmeer/" in page.original_links


# --- attachments: an episode's audio, a toot's photos, as each engine names them --------------------

def test_a_toots_photos_come_with_their_alt_text_on_both_paths():
    (toot,) = both_paths(MASTODON, "https://chaos.social/@ottilie.rss").entries
    assert [(a.url.rsplit("/", 1)[1], a.type, a.length, a.medium, a.title) for a in toot.attachments] == [
        ("212f28cb.jpeg", "image/jpeg", "211106", "image", "Möwen auf einer Buhne im Abendlicht."),
        ("8e1eaa04.jpeg", "image/jpeg", "198311", "image", "Ein Strandkorb im Regen."),
    ]


def test_an_episodes_audio_is_read_on_both_paths():
    (episode,) = both_paths(PODCAST, "https://anchor.fm/s/12345678/podcast/rss").entries
    (audio,) = episode.attachments
    assert (audio.url, audio.type, audio.length) == (
        "https://anchor.fm/s/12345678/podcast/play/98765432/abc.mp3", "audio/mpeg", "31234567")


def wordpress_episode(kind: str) -> bytes:
    """WordPress's own feeds of a post that links an MP3 (rss_enclosure(), atom_enclosure())."""
    mp3 = "https://www.deichkinder-podcast.de/wp-content/uploads/2026/11/folge-7.mp3"
    if kind == "rss":
        return f"""<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom">
<channel><title>Deichkinder</title><link>https://www.deichkinder-podcast.de</link><description>Der Podcast</description>
<item><title>Folge 7: Der Deichgraf</title><link>https://www.deichkinder-podcast.de/folge-7/</link>
<dc:creator><![CDATA[Maren]]></dc:creator><pubDate>Fri, 20 Nov 2026 06:00:00 +0000</pubDate>
<guid isPermaLink="false">https://www.deichkinder-podcast.de/?p=77</guid>
<description><![CDATA[Wir lesen Storm.]]></description>
<content:encoded><![CDATA[<p>Wir lesen Storm. <a href="{mp3}">Folge herunterladen</a></p>]]></content:encoded>
<enclosure url="{mp3}" length="45123456" type="audio/mpeg" />
</item></channel></rss>""".encode()
    return f"""<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom" xml:lang="de-DE">
<title type="text">Deichkinder</title><id>https://www.deichkinder-podcast.de/feed/atom/</id><updated>2026-11-20T06:00:00Z</updated>
<entry><author><name>Maren</name></author><title type="html"><![CDATA[Folge 7: Der Deichgraf]]></title>
<link rel="alternate" type="text/html" href="https://www.deichkinder-podcast.de/folge-7/" />
<id>https://www.deichkinder-podcast.de/?p=77</id><updated>2026-11-20T06:00:00Z</updated><published>2026-11-20T06:00:00Z</published>
<summary type="html"><![CDATA[Wir lesen Storm.]]></summary>
<content type="html" xml:base="https://www.deichkinder-podcast.de/folge-7/"><![CDATA[<p>Wir lesen Storm.</p>]]></content>
<link rel="enclosure" type="audio/mpeg" length="45123456" href="{mp3}" />
</entry></feed>""".encode()


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_wordpress_enclosures_are_read_by_lxml_as_by_feedparser(kind):
    body = wordpress_episode(kind)
    assert lxml_reads(body, "https://www.deichkinder-podcast.de/feed/")  # no slower path for them
    (episode,) = both_paths(body, "https://www.deichkinder-podcast.de/feed/").entries
    (audio,) = episode.attachments
    assert (audio.url.rsplit("/", 1)[1], audio.type, audio.length) == ("folge-7.mp3", "audio/mpeg", "45123456")


def test_one_version_of_a_media_group_is_kept_on_both_paths():
    sizes = "".join(f'<media:content medium="image" type="image/jpeg" url="https://img.zeitung.example/{w}w/hafen.jpg" width="{w}"/>'
                    for w in (90, 1024, 606))  # fmt: skip
    body = f"""<rss version="2.0" xmlns:media="http://search.yahoo.com/mrss/"><channel><title>Zeitung</title>
<item><title>Hafen</title><link>https://zeitung.example/hafen</link><media:group>{sizes}</media:group></item>
<item><title>Deich</title><link>https://zeitung.example/deich</link><media:group>{sizes.replace('width="606"', 'width="606" isDefault="true"')}</media:group></item>
</channel></rss>""".encode()  # fmt: skip
    assert lxml_reads(body, "https://zeitung.example/feed")
    widest, default = both_paths(body, "https://zeitung.example/feed").entries
    assert [a.url for a in widest.attachments] == ["https://img.zeitung.example/1024w/hafen.jpg"]
    assert [a.url for a in default.attachments] == ["https://img.zeitung.example/606w/hafen.jpg"]


def toot_with_photos(photos: str) -> bytes:
    """MASTODON, its photos served at `photos` (the blog's file host)."""
    return MASTODON.replace(b"https://assets.chaos.social/media_attachments/files/113/434/", photos.encode())


def site_of(tmp_path: Path, feed_server, body: bytes, settings: str = "", **participant) -> Path:
    """A site with one blog whose feed is `body`, after `blogparade run`: its output."""
    site = new_site(tmp_path / "site", settings)
    write_participant(site, "blog", "Ein Blog", feed_server.route("/feed/", respond(body, content_type=RSS_TYPE)),
                      **participant)  # fmt: skip
    ok(invoke(site, "run"))
    return site / "output"


@pytest.mark.slow
def test_a_toots_photos_are_shown_from_the_site_with_their_alt_text(tmp_path, feed_server):
    for n, size in (("045", 2), ("046", 3)):
        feed_server.route(f"/files/{n}/original/x.jpeg", respond(png(size, size), content_type="image/jpeg"))
    body = toot_with_photos(feed_server.url("/files/")).replace(b"/212f28cb.jpeg", b"/x.jpeg").replace(
        b"/8e1eaa04.jpeg", b"/x.jpeg")
    output = site_of(tmp_path, feed_server, body, display="full")
    (page,) = post_pages(output).values()
    images = parse_html(page.path).xpath("//article//img")
    assert [image.get("alt") for image in images] == ["Möwen auf einer Buhne im Abendlicht.", "Ein Strandkorb im Regen."]
    assert all("/_media/" in image.get("src") for image in images)
    assert feed_server.url("/") not in page.path.read_text(encoding="utf-8").split("<article", 1)[1].split("</article>")[0]


@pytest.mark.slow
def test_a_blog_shown_as_excerpts_shows_no_photos_of_its_toots(tmp_path, feed_server):
    output = site_of(tmp_path, feed_server, toot_with_photos(feed_server.url("/files/")))
    (page,) = post_pages(output).values()
    assert parse_html(page.path).xpath("//article//img") == []
    assert feed_server.url("/files/") not in page.path.read_text(encoding="utf-8")


def episode_link(output: Path):
    (page,) = post_pages(output).values()
    doc = parse_html(page.path)
    assert doc.xpath("//audio | //video | //source | //iframe | //embed | //object") == []  # no player
    (link,) = doc.xpath("//article//ul[@class='attachments']//a")
    return link.get("href"), " ".join(link.text_content().split())


@pytest.mark.slow
@pytest.mark.parametrize("display", ["excerpt", "full"])
def test_an_episodes_audio_is_a_link_saying_what_it_is(tmp_path, feed_server, display):
    output = site_of(tmp_path, feed_server, PODCAST, display=display)
    assert episode_link(output) == ("https://anchor.fm/s/12345678/podcast/play/98765432/abc.mp3",
                                    "Anhören: abc.mp3 (MP3, 31 MB)")


@pytest.mark.slow
def test_an_episodes_audio_is_named_in_english_on_request(tmp_path, feed_server):
    body = wordpress_episode("rss").replace(b'length="45123456"', b'length="1234567890"')
    output = site_of(tmp_path, feed_server, body, "DEFAULT_LANG = 'en'")
    assert episode_link(output)[1] == "Listen: folge-7.mp3 (MP3, 1.2 GB)"


@pytest.mark.slow
def test_a_files_name_in_the_posts_language_says_so_in_the_sites_sentence(tmp_path, feed_server):
    # An English toot's video on a German site: "Ansehen" is German, its description English.
    body = MASTODON.replace(b'type="image/jpeg" fileSize="211106" medium="image"',
                            b'type="video/mp4" fileSize="2111060" medium="video"').replace(
        "Möwen auf einer Buhne im Abendlicht.".encode(), b"Seagulls on a groyne at dusk.")  # fmt: skip
    (page,) = post_pages(site_of(tmp_path, feed_server, body, language="en")).values()
    (link,) = parse_html(page.path).xpath("//article//ul[@class='attachments']//a")
    assert " ".join(link.text_content().split()) == "Ansehen: Seagulls on a groyne at dusk. (MP4, 2,1 MB)"
    assert link.get("lang") is None
    assert [(name.get("lang"), name.text) for name in link.iter("span")] == [("en", "Seagulls on a groyne at dusk.")]


# --- YouTube: a channel's feed (www.youtube.com/feeds/videos.xml) -----------------------------------

YOUTUBE = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns:yt="http://www.youtube.com/xml/schemas/2015" xmlns:media="http://search.yahoo.com/mrss/" xmlns="http://www.w3.org/2005/Atom">
 <link rel="self" href="http://www.youtube.com/feeds/videos.xml?channel_id=UCabc"/>
 <id>yt:channel:abc</id><yt:channelId>abc</yt:channelId><title>Stadtwerke</title>
 <link rel="alternate" href="https://www.youtube.com/channel/UCabc"/>
 <author><name>Stadtwerke</name><uri>https://www.youtube.com/channel/UCabc</uri></author>
 <published>2020-01-01T00:00:00+00:00</published>
 <entry>
  <id>yt:video:dQw4w9WgXcQ</id><yt:videoId>dQw4w9WgXcQ</yt:videoId><yt:channelId>UCabc</yt:channelId>
  <title>Rundgang durchs Wasserwerk</title>
  <link rel="alternate" href="https://www.youtube.com/watch?v=dQw4w9WgXcQ"/>
  <author><name>Stadtwerke</name><uri>https://www.youtube.com/channel/UCabc</uri></author>
  <published>2026-11-20T10:00:00+00:00</published><updated>2026-11-21T10:00:00+00:00</updated>
  <media:group>
   <media:title>Rundgang durchs Wasserwerk</media:title>
   <media:content url="https://www.youtube.com/v/dQw4w9WgXcQ?version=3" type="application/x-shockwave-flash" width="640" height="390"/>
   <media:thumbnail url="https://i2.ytimg.com/vi/dQw4w9WgXcQ/hqdefault.jpg" width="480" height="360"/>
   <media:description>Wir zeigen, wie Wasser sauber wird.</media:description>
   <media:community><media:starRating count="12" average="5.00" min="1" max="5"/><media:statistics views="345"/></media:community>
  </media:group>
 </entry>
</feed>"""


def test_a_youtube_videos_flash_player_is_no_attachment():
    """YouTube names its old Flash player as every video's <media:content>: a link to it
    ("Herunterladen: dQw4w9WgXcQ") would lead nowhere a browser can play."""
    (video,) = both_paths(YOUTUBE, "https://www.youtube.com/feeds/videos.xml?channel_id=UCabc").entries
    participant = Participant("stadtwerke", "Stadtwerke", "https://www.youtube.com/feeds/videos.xml?channel_id=UCabc",
                              "https://www.youtube.com/channel/UCabc")  # fmt: skip
    assert "Wir zeigen, wie Wasser sauber wird." in video.content_html
    assert clean_post(video, participant).attachments == ()


@pytest.mark.slow
def test_the_sites_feeds_carry_an_episodes_audio_as_an_enclosure(tmp_path, feed_server):
    # A podcast app following the site's feed finds the episode as it finds it in the blog's.
    output = site_of(tmp_path, feed_server, PODCAST, "FEED_ALL_RSS = 'feeds/all.rss.xml'\n")
    atom = etree.parse(str(output / "feeds" / "all.atom.xml"))
    links = atom.xpath("//a:entry/a:link[@rel='enclosure']", namespaces={"a": "http://www.w3.org/2005/Atom"})
    assert [(link.get("href"), link.get("type"), link.get("length")) for link in links] == [
        ("https://anchor.fm/s/12345678/podcast/play/98765432/abc.mp3", "audio/mpeg", "31234567")]
    (enclosure,) = etree.parse(str(output / "feeds" / "all.rss.xml")).xpath("//item/enclosure")
    assert enclosure.get("url") == links[0].get("href")
