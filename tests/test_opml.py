"""OPML: export, reading back, hostile files, and importing through `join` on a real server."""

from __future__ import annotations

import asyncio
import time
import xml.etree.ElementTree as ET
from datetime import UTC, datetime

import pytest

from aggregator.editors.join import JoinError
from aggregator.editors.opml import (
    MAX_BYTES,
    OpmlError,
    OpmlFeed,
    export_opml,
    import_opml,
    read_opml,
)
from aggregator.editors.participants import load_participants
from aggregator.feeds.fetch import Fetcher, FetchSettings
from aggregator.models import Participant
from aggregator.site import Site
from aggregator.website.sitetemplate import create_site
from tests.feedmaker import billion_laughs
from tests.servers import ATOM, ATOM_TYPE, LOOPBACK_NETWORKS, LOOPBACK_POLICY, respond

BLOGS = [
    Participant("hafenkante", 'Hafenkante <Digital> & "Söhne"', "https://hafenkante.example/feed/",
                "https://hafenkante.example/", kind="corporate"),
    Participant("lena", "Lenas Notizen\x01\x1f", "https://lena.example/atom.xml?a=1&b=2",
                "https://lena.example/", language="en"),
    Participant("alt", "Stillgelegt", "https://alt.example/feed/", "https://alt.example/", active=False),
]


def opml(body: str, head: str = "<head><title>T</title></head>") -> bytes:
    return f'<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">{head}<body>{body}</body></opml>'.encode()


# --- export -------------------------------------------------------------------------------------

def test_export_is_opml_2_with_one_rss_outline_per_active_blog():
    text = export_opml(BLOGS, title="Blogroll der <Parade>")
    root = ET.fromstring(text.encode("utf-8"))
    assert text.startswith('<?xml version="1.0" encoding="UTF-8"?>\n<opml version="2.0">')
    assert root.get("version") == "2.0" and root.findtext("head/title") == "Blogroll der <Parade>"
    assert root.find("head/dateCreated") is None  # unchanged blogs, unchanged file
    outlines = root.findall("body/outline")
    assert [o.attrib for o in outlines] == [
        {"type": "rss", "text": 'Hafenkante <Digital> & "Söhne"', "title": 'Hafenkante <Digital> & "Söhne"',
         "xmlUrl": "https://hafenkante.example/feed/", "htmlUrl": "https://hafenkante.example/",
         "category": "corporate"},  # no language of its own: the site's, which OPML need not say
        {"type": "rss", "text": "Lenas Notizen", "title": "Lenas Notizen",
         "xmlUrl": "https://lena.example/atom.xml?a=1&b=2", "htmlUrl": "https://lena.example/",
         "language": "en", "category": "employee"},
    ]
    assert "&amp;b=2" in text and "&lt;Digital&gt;" in text


def test_export_with_a_creation_date():
    text = export_opml([], title="Leer", created=datetime(2026, 11, 22, 10, 0, tzinfo=UTC))
    assert ET.fromstring(text).findtext("head/dateCreated") == "Sun, 22 Nov 2026 10:00:00 +0000"


def test_round_trip_keeps_urls_names_and_kinds():
    feeds = read_opml(export_opml(BLOGS, title="x").encode("utf-8"))
    assert feeds == [
        OpmlFeed("https://hafenkante.example/feed/", "https://hafenkante.example/",
                 'Hafenkante <Digital> & "Söhne"', "corporate"),
        OpmlFeed("https://lena.example/atom.xml?a=1&b=2", "https://lena.example/", "Lenas Notizen", "employee",
                 language="en"),
    ]


def test_round_trip_keeps_departments_and_how_a_blog_is_shown():
    # An intranet roll moved by OPML lost its departments (a feed reader's folders), and which
    # blogs it showed in full.
    blogs = [Participant(slug, slug.title(), f"https://{slug}.example/feed/", f"https://{slug}.example/",
                         department=department, display="full")
             for slug, department in (("vera", "Vertrieb"), ("fe", "Forschung, Entwicklung"),
                                      ("sm", "Sales/Marketing"), ("co", "Corporate"))]  # fmt: skip
    text = export_opml(blogs, title="x")
    assert ET.fromstring(text).find("body/outline").get("department") == "Vertrieb"
    feeds = read_opml(text.encode("utf-8"))
    assert [(feed.kind, feed.department, feed.display) for feed in feeds] == [
        ("employee", "Vertrieb", "full"), ("employee", "Forschung, Entwicklung", "full"),
        ("employee", "Sales/Marketing", "full"), ("employee", "Corporate", "full")]


# --- reading what others wrote ------------------------------------------------------------------

def test_nested_outlines_as_feed_readers_write_them():
    data = opml("""
      <outline text="Technik" title="Technik">
        <outline text="Kaffee" type="rss" xmlUrl="https://kaffee.example/feed/" htmlUrl="https://kaffee.example/"/>
        <outline text="Tief"><outline text="Ganz tief" xmlurl="feed://tief.example/rss" category="/Firmen/corporate"/></outline>
      </outline>
      <outline text="Nur ein Link" type="link" url="https://link.example/"/>
      <outline title="Doppelt" xmlUrl="http://www.kaffee.example/feed"/>
      <outline XMLURL="feed:https://gross.example/atom" HTMLURL="https://gross.example/"/>""")
    assert read_opml(data) == [
        OpmlFeed("https://kaffee.example/feed/", "https://kaffee.example/", "Kaffee",
                 repeats=("http://www.kaffee.example/feed",)),
        OpmlFeed("http://tief.example/rss", None, "Ganz tief", "corporate"),
        OpmlFeed("", "https://link.example/", "Nur ein Link"),  # a home page: its feed is discovered
        OpmlFeed("https://gross.example/atom", "https://gross.example/", ""),
    ]


def test_other_encodings_are_read():
    text = '<?xml version="1.0" encoding="UTF-16"?><opml version="1.0"><body><outline text="Bäcker" xmlUrl="https://b.example/f"/></body></opml>'
    assert read_opml(text.encode("utf-16")) == [OpmlFeed("https://b.example/f", None, "Bäcker")]
    latin = '<?xml version="1.0" encoding="ISO-8859-1"?><opml><body><outline text="Bäcker" xmlUrl="https://b.example/f"/></body></opml>'
    assert read_opml(latin.encode("latin-1"))[0].title == "Bäcker"


BOMB = billion_laughs(
    "opml", '<opml version="2.0"><body><outline text="&lol9;" xmlUrl="https://x.example/feed"/></body></opml>'
)

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE opml [<!ENTITY secret SYSTEM "file:///etc/passwd">]>
<opml version="2.0"><body><outline text="&secret;" xmlUrl="https://x.example/feed"/></body></opml>"""

EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE opml SYSTEM "http://127.0.0.1:9/evil.dtd">
<opml version="2.0"><body><outline xmlUrl="https://x.example/feed"/></body></opml>"""


@pytest.mark.parametrize("data", [BOMB, XXE, EXTERNAL_DTD], ids=["bomb", "xxe", "external-dtd"])
def test_doctypes_are_refused_before_anything_is_expanded(data):
    started = time.monotonic()
    with pytest.raises(OpmlError, match="refused: the file declares a DOCTYPE"):
        read_opml(data)
    assert time.monotonic() - started < 0.5


@pytest.mark.parametrize("data, message", [
    (b"", "not an OPML file: not well-formed XML (no element found, line 1)"),
    (b"just some text", "not an OPML file: not well-formed XML (syntax error, line 1)"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "not an OPML file: not well-formed XML"),
    (b"<html><body><p>Hallo</p></body></html>", "not an OPML file: the root element is <html>, not <opml>"),
    (b'<rss version="2.0"><channel/></rss>', "not an OPML file: the root element is <rss>, not <opml>"),
    (b'<opml version="2.0"><head/></opml>', "not an OPML file: it has no <body>"),
    (opml('<outline text="Ordner"><outline text="leer"/></outline>'), "no blogs in this OPML file"),
    (opml(""), "no blogs in this OPML file"),
    (opml('<outline text="&unbekannt;" xmlUrl="https://x.example/"/>'),
     "not an OPML file: not well-formed XML (undefined entity, line 2)"),
    (opml('<outline xmlUrl="https://x.example/">'), "not an OPML file: not well-formed XML (mismatched tag"),
])
def test_bad_files_say_what_is_wrong(data, message):
    with pytest.raises(OpmlError) as caught:
        read_opml(data)
    assert str(caught.value).startswith(message)


def test_a_huge_file_is_not_read():
    with pytest.raises(OpmlError, match="more than an OPML file"):
        read_opml(b" " * (MAX_BYTES + 1))


# --- import: each feed joined as `join` would -----------------------------------------------------

FETCH = FetchSettings(user_agent="blogparade-tests", policy=LOOPBACK_POLICY, timeout=5, connect_timeout=2)


def import_into(site: Site, data: bytes):
    async def go():
        async with Fetcher(FETCH) as fetcher:
            return await import_opml(site, data, fetcher)
    return asyncio.run(go())


def test_import_joins_the_good_feeds_and_reports_the_bad(tmp_path, feed_server):
    create_site(tmp_path / "site", title="Import")
    allow_loopback(tmp_path / "site")
    site = Site.load(tmp_path / "site")
    # The server's sample RSS and Atom feeds both link to http://127.0.0.1/, as one blog's two
    # feeds would, and join refuses a blog twice: here the Atom feed is another blog's.
    other_blog = ATOM.replace(b'<link href="http://127.0.0.1/"/>', b'<link href="https://atom-gmbh.example/"/>')
    feed_server.route("/atom.xml", respond(other_blog, content_type=ATOM_TYPE))
    data = opml(f"""
        <outline text="Testblog" title="Mein Testblog" xmlUrl="{feed_server.url('/feed.xml')}"/>
        <outline text="Ordner">
          <outline text="Atom GmbH" xmlUrl="{feed_server.url('/atom.xml')}" category="corporate"/>
        </outline>
        <outline text="Weg" xmlUrl="{feed_server.url('/404')}"/>
        <outline text="Kein Feed" xmlUrl="javascript:alert(1)"/>""")
    results = import_into(site, data)
    assert [feed.title for feed, _ in results] == ["Mein Testblog", "Atom GmbH", "Weg", "Kein Feed"]
    first, second, gone, bad = (outcome for _, outcome in results)
    assert isinstance(first, Participant) and (first.name, first.kind) == ("Mein Testblog", "employee")
    assert isinstance(second, Participant) and (second.name, second.kind) == ("Atom GmbH", "corporate")
    assert isinstance(gone, JoinError) and "404" in str(gone)
    assert isinstance(bad, JoinError) and "not an http(s) URL" in str(bad)
    written, problems = load_participants(site.participants_dir)
    assert problems == [] and sorted(p.slug for p in written) == sorted([first.slug, second.slug])
    assert {p.feed for p in written} == {feed_server.url("/feed.xml"), feed_server.url("/atom.xml")}

    # Again: nothing joins twice, and no request is made for a feed the site has.
    before = len(feed_server.requests)
    again = import_into(site, data)
    assert all(isinstance(outcome, JoinError) for _, outcome in again)
    assert "already on the site" in str(again[0][1]) and "already on the site" in str(again[1][1])
    assert again[0][1].present and not again[2][1].present  # not failures: the file imported again
    assert len(load_participants(site.participants_dir)[0]) == 2
    assert [r.path for r in feed_server.requests[before:]] == ["/404"]


def test_a_bad_file_imports_nothing_and_asks_nobody(tmp_path, feed_server):
    create_site(tmp_path / "site", title="Import")
    allow_loopback(tmp_path / "site")
    site = Site.load(tmp_path / "site")
    with pytest.raises(OpmlError):
        asyncio.run(import_opml(site, XXE))
    assert feed_server.requests == [] and load_participants(site.participants_dir) == ([], [])


def test_a_login_in_an_outlines_address_is_dropped_not_sent_or_written(tmp_path, feed_server):
    # A feed reader's export may log in with "user:password@"; here it would be published.
    create_site(tmp_path / "site", title="Import")
    allow_loopback(tmp_path / "site")
    site = Site.load(tmp_path / "site")
    url = feed_server.url("/feed.xml")
    with_login = url.replace("http://", "http://svc:geheim@")
    assert read_opml(opml(f'<outline text="F" xmlUrl="feed:{with_login}"/>'))[0].xml_url == url
    [(feed, participant)] = import_into(site, opml(f'<outline text="W" xmlUrl="{with_login}"/>'))
    assert isinstance(participant, Participant), participant
    assert feed.xml_url == participant.feed == url
    assert all("authorization" not in request.headers for request in feed_server.requests)
    assert "geheim" not in (site.participants_dir / f"{participant.slug}.toml").read_text()


def allow_loopback(root) -> None:  # noqa: ANN001
    with open(root / "pelicanconf.py", "a") as settings:
        settings.write(f"\nBLOGPARADE_ALLOWED_NETWORKS = {LOOPBACK_NETWORKS!r}\n")


def test_an_overlong_or_unsafe_title_is_cleaned_so_check_passes(tmp_path, feed_server):
    create_site(tmp_path / "site", title="Import")
    allow_loopback(tmp_path / "site")
    site = Site.load(tmp_path / "site")
    data = opml(f"""<outline text="{'L' * 250}" xmlUrl="{feed_server.url('/feed.xml')}"/>""")
    [(_, participant)] = import_into(site, data)
    assert isinstance(participant, Participant), participant
    assert participant.name == "L" * 199 + "…"
    assert load_participants(site.participants_dir)[1] == []
    assert read_opml(opml('<outline text="Zwei&#x2028;Zeilen" xmlUrl="https://z.example/feed"/>'))[0].title \
        == "Zwei Zeilen"
