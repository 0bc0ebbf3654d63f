"""A parade end to end through the command line: the call, eight blogs, the parade's page, the
roundup draft, and the blog roll as OPML out and in."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime

import pytest

from aggregator.editors.opml import read_opml
from tests.acceptance_helpers import invoke, new_site, ok, parse_html, write_participant
from tests.feedmaker import Item, atom, rss
from tests.servers import ATOM_TYPE, HTML_TYPE, respond

pytestmark = pytest.mark.slow

IN = datetime(2026, 10, 12, 9, 0, tzinfo=UTC)
BEFORE = datetime(2026, 9, 28, 9, 0, tzinfo=UTC)
AFTER = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
PARADE = """Title: Wie dokumentieren wir?
Call: {call}
Start: 2026-10-01
End: 2026-10-31
Tag: BlogparadeDoku

Schreibt, wie ihr dokumentiert, und verlinkt diesen Aufruf.
"""


def body(*links: str) -> str:
    anchors = " ".join(f'<a href="{link}">hier</a>' for link in links)
    return f"<p>Ein langer Beitrag über Dokumentation mit Umlauten: äöü. {anchors}</p>" * 3


def serve(server, slug: str, items: list[Item], atom_feed: bool = False) -> str:
    home = f"{server.base_url}/{slug}/"  # each blog its own home: join refuses a blog twice
    make = atom if atom_feed else rss
    text = make(items, title=f"Blog {slug}", link=home)
    data = text.encode()
    etag = f'"{hashlib.sha1(data).hexdigest()[:10]}"'
    kind = ATOM_TYPE if atom_feed else "application/rss+xml; charset=utf-8"
    return server.route(f"/{slug}/feed/", respond(data, content_type=kind, etag=etag))


@pytest.fixture
def parade_site(tmp_path, feed_server):
    base = feed_server.base_url
    call = f"{base}/host/aufruf/"
    https_call = call.replace("http://", "https://")
    unrelated = Item("x", "Etwas ganz anderes", "", IN, body("https://example.org/"))

    def post(slug: str, n: int, title: str, when: datetime, *links: str, tags=()) -> Item:
        return Item(f"{slug}-{n}", title, f"{base}/{slug}/{n}/", when, body(*links), list(tags))

    blogs = {
        "host": [post("host", 1, "Aufruf: Wie dokumentieren wir?", BEFORE, tags=["BlogparadeDoku"])],
        "eins": [post("eins", 1, "Doku mit Schrägstrich", IN, call.rstrip("/"))],
        "zwei": [post("zwei", 1, "Doku über https", IN, https_call)],
        "drei": [post("drei", 1, "Doku mit Parametern", IN, call + "?utm_source=blog#kommentare")],
        "vier": [post("vier", 1, "Doku nur mit Schlagwort", IN, tags=["blogparadedoku"])],
        "fuenf": [post("fuenf", 1, "Ohne Bezug zur Parade", IN, "https://example.org/")],
        "sechs": [post("sechs", 1, "Zu früh verlinkt", BEFORE, call)],
        "sieben": [post("sieben", 1, "Zu spät verlinkt", AFTER, call)],
        "acht": [post("acht", 1, "Impressum des Gastgebers", IN, f"{base}/host/impressum/")],
    }
    site = new_site(tmp_path / "site", "BLOGPARADE_TODAY = '2026-11-05'\n")
    for number, (slug, items) in enumerate(blogs.items()):
        items.append(Item(f"{slug}-alt", f"Alter Beitrag von {slug}", f"{base}/{slug}/alt/", BEFORE,
                          body(), ["Allerlei"]))
        items.append(unrelated.__class__(**{**unrelated.__dict__, "guid": f"{slug}-x",
                                            "link": f"{base}/{slug}/x/"}))
        feed = serve(feed_server, slug, items, atom_feed=number % 2 == 1)
        write_participant(site, slug, f"Blog {slug}", feed, f"{base}/{slug}/")
    (site / "content" / "parades").mkdir(exist_ok=True)
    (site / "content" / "parades" / "doku.md").write_text(PARADE.format(call=call), encoding="utf-8")
    feed_server.route("/host/aufruf/", respond(b"<html><body>Aufruf</body></html>", content_type=HTML_TYPE))
    return site


RIGHT = {"Doku mit Schrägstrich", "Doku über https", "Doku mit Parametern", "Doku nur mit Schlagwort"}


def test_parade_page_lists_exactly_the_contributions_and_the_roundup_drafts_them(parade_site):
    assert "1 parade OK" in ok(invoke(parade_site, "check")).output
    ok(invoke(parade_site, "fetch"))
    ok(invoke(parade_site, "build"))
    page = parse_html(parade_site / "output" / "parades" / "doku" / "index.html")
    [section] = page.xpath("//section[@id='contributions']")
    listed = {" ".join(h.text_content().split()) for h in section.xpath(".//h3")}
    assert listed == RIGHT

    marked = parse_html(next((parade_site / "output" / "blogs").glob("vier/*/index.html")))
    assert "Wie dokumentieren wir?" in marked.text_content()

    drafted = ok(invoke(parade_site, "roundup", "doku"))
    [draft] = [p for p in (parade_site / "content").glob("*.md") if "doku" in p.name]
    assert str(draft) in drafted.output
    assert "then publish it with `blogparade build --publish`" in drafted.output  # a draft is never published
    text = draft.read_text(encoding="utf-8")
    assert "Status: draft" in text
    for title in RIGHT:
        assert title in text
    for wrong in ("Ohne Bezug", "Zu früh", "Zu spät", "Impressum", "Aufruf: Wie", "Alter Beitrag"):
        assert wrong not in text

    again = invoke(parade_site, "roundup", "doku")
    assert again.exit_code != 0 and "exists already" in again.output
    draft.write_text("bearbeitet", encoding="utf-8")
    assert draft.read_text(encoding="utf-8") == "bearbeitet"  # untouched without --force
    ok(invoke(parade_site, "roundup", "doku", "--force"))
    assert "Doku nur mit Schlagwort" in draft.read_text(encoding="utf-8")


def test_unknown_parade_and_broken_parade_files(parade_site):
    result = invoke(parade_site, "roundup", "gibt-es-nicht")
    assert result.exit_code == 2 and "no parade 'gibt-es-nicht'" in result.output
    (parade_site / "content" / "parades" / "kaputt.md").write_text(
        "Title: Kaputt\nCall: ftp://x.example/\nStart: 2026-10-10\nEnd: 2026-10-01\n", encoding="utf-8"
    )
    checked = invoke(parade_site, "check")
    assert checked.exit_code == 2
    assert "kaputt.md" in checked.output and "Call" in checked.output


def test_blog_roll_as_opml_out_and_in(parade_site, tmp_path, feed_server):
    exported = ok(invoke(parade_site, "opml", "export")).output
    feeds = read_opml(exported.encode())
    assert len(feeds) == 9 and all(f.xml_url.startswith(feed_server.base_url) for f in feeds)

    other = new_site(tmp_path / "other")
    roll = tmp_path / "roll.opml"
    extra = '<outline type="rss" text="Kaputt" xmlUrl="http://127.0.0.1:9/nowhere.xml"/>'
    roll.write_text(exported.replace("</body>", extra + "</body>"), encoding="utf-8")
    imported = invoke(other, "opml", "import", str(roll))
    assert imported.exit_code == 1
    assert "9 of 10 blogs joined" in imported.output and "nowhere.xml" in imported.output
    assert len(list((other / "content" / "participants").glob("*.toml"))) == 9

    garbage = tmp_path / "bomb.opml"
    garbage.write_text('<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa">]><opml/>')
    refused = invoke(other, "opml", "import", str(garbage))
    assert refused.exit_code == 2 and "bomb.opml" in refused.output


SHORTLINK_PARADE = PARADE.replace("Tag: BlogparadeDoku\n", "")


def test_a_link_to_the_calls_shortlink_is_a_link_to_the_call(tmp_path, feed_server):
    # The host's WordPress names its call by its permalink and by its guid, the shortlink
    # `<home>/?p=42` that contributors copy as often; the same number elsewhere is another page.
    base = feed_server.base_url
    call, shortlink = f"{base}/host/aufruf/", f"{base}/host/?p=42"
    call_post = Item(shortlink, "Aufruf: Wie dokumentieren wir?", call, BEFORE, body())
    links = {
        "eins": ("Kurzlink", shortlink),
        "zwei": ("Kurzlink über https", shortlink.replace("http://", "https://")),
        "drei": ("Kurzlink relativ", "/host/?p=42"),
        "vier": ("Ein anderer Beitrag", f"{base}/host/?p=43"),
        "fuenf": ("Ein anderer Blog", "https://anderswo.example/host/?p=42"),
    }
    site = new_site(tmp_path / "site", "BLOGPARADE_TODAY = '2026-11-05'\n")
    for slug, items in {"host": [call_post], **{
        slug: [Item(f"{slug}-1", title, f"{base}/{slug}/1/", IN, body(link))] for slug, (title, link) in links.items()
    }}.items():  # fmt: skip
        write_participant(site, slug, f"Blog {slug}", serve(feed_server, slug, items), f"{base}/{slug}/")
    (site / "content" / "parades" / "doku.md").write_text(SHORTLINK_PARADE.format(call=call), encoding="utf-8")
    page = ('<html><head><meta property="article:published_time" content="2026-10-12T09:00:00Z"></head>'
            f'<body><article><h1>Extern</h1>{body(shortlink)}</article></body></html>').encode()  # fmt: skip
    feed_server.route("/extern/beitrag/", respond(page, content_type=HTML_TYPE))

    ok(invoke(site, "fetch"))
    submitted = ok(invoke(site, "submit", f"{base}/extern/beitrag/", "--parade", "doku"))
    assert submitted.output.startswith("Accepted for parade doku")
    ok(invoke(site, "build"))
    [section] = parse_html(site / "output" / "parades" / "doku" / "index.html").xpath(
        "//section[@id='contributions']")
    listed = {" ".join(h.text_content().split()) for h in section.xpath(".//h3")}
    assert listed == {"Kurzlink", "Kurzlink über https", "Kurzlink relativ", "Extern"}


def call_page(link_element: str = "") -> bytes:
    return (f"<html><head><title>Aufruf</title>{link_element}</head>"
            f"<body><article><h1>Aufruf</h1>{body()}</article></body></html>").encode()  # fmt: skip


@pytest.mark.parametrize("names", ["element", "header", "another host"])
def test_the_shortlink_of_a_call_on_a_blog_that_never_joined_is_read_from_its_page(tmp_path, feed_server, names):
    # The host's blog never joined: the call's shortlink is what its WordPress page names, in its
    # head or in a Link header.  A page naming an address on another host cannot make it the call.
    base = feed_server.base_url
    call = f"{base}/host/aufruf/"
    shortlink = f"{base}/host/?p=42"
    if names == "another host":
        shortlink = shortlink.replace("127.0.0.1", "localhost")
    element = f'<link rel="shortlink" href="{shortlink}">' if names != "header" else ""
    headers = {"Link": f'<{base}/wp-json/>; rel="https://api.w.org/", <{shortlink}>; rel=shortlink'}
    feed_server.route("/host/aufruf/", respond(call_page(element), content_type=HTML_TYPE,
                                              headers=headers if names == "header" else None))  # fmt: skip
    site = new_site(tmp_path / "site", "BLOGPARADE_TODAY = '2026-11-05'\n")
    items = [Item("eins-1", "Kurzlink kopiert", f"{base}/eins/1/", IN, body(shortlink))]
    write_participant(site, "eins", "Blog eins", serve(feed_server, "eins", items), f"{base}/eins/")
    (site / "content" / "parades" / "doku.md").write_text(SHORTLINK_PARADE.format(call=call), encoding="utf-8")

    ok(invoke(site, "fetch"))
    ok(invoke(site, "roundup", "doku"))
    roundup = (site / "content" / "doku-rueckschau.md").read_text(encoding="utf-8")
    assert ("Kurzlink kopiert" in roundup) is (names != "another host")
    ok(invoke(site, "fetch"))
    assert feed_server.hits("/host/aufruf/") == 2  # with its comment list: once a fetch, no more


def test_every_spelling_of_the_calls_address_is_a_link_to_it_and_no_other_page_of_its_blog(tmp_path, feed_server):
    # The call, as the host's WordPress names it: a slug with an umlaut, written in the parade
    # file with index.html.  Contributors copy it from the address bar, a newsletter, a share
    # button, a Mac; the host's other pages are no call.
    base = feed_server.base_url
    blog = base.replace("127.0.0.1", "localhost") + "/host/2026/10/"
    call = f"{blog}blogparade-%C3%BCber-doku/index.html"
    spellings = {
        "Umlaut": f"{blog}blogparade-über-doku/",
        "klein kodiert": f"{blog}blogparade-%c3%bcber-doku",
        "Newsletter": f"{blog}blogparade-über-doku/?utm_source=newsletter&utm_medium=email",
        "Antworten": f"{blog}blogparade-%C3%BCber-doku/#respond",
        "https": f"{blog}blogparade-über-doku/".replace("http://", "https://"),
        "www": f"{blog}blogparade-über-doku/".replace("localhost", "www.localhost"),
        "Gross": f"{blog}Blogparade-%C3%9Cber-Doku/",
        "Mac": f"{blog}blogparade-u%CC%88ber-doku/",
        "alles": f"{blog}blogparade-über-doku/index.html?utm_campaign=x#respond".replace("localhost", "www.localhost"),
    }
    elsewhere = {
        "Archiv": blog, "Startseite": base.replace("127.0.0.1", "localhost") + "/host/",
        "anderer Beitrag": f"{blog}andere-seite/", "Fortsetzung": f"{blog}blogparade-über-doku-2/",
    }
    site = new_site(tmp_path / "site", "BLOGPARADE_TODAY = '2026-11-05'\n")
    for number, (title, link) in enumerate({**spellings, **elsewhere}.items()):
        slug = f"blog{number}"
        items = [Item(f"{slug}-1", f"Beitrag {title}", f"{base}/{slug}/1/", IN, body(link))]
        write_participant(site, slug, f"Blog {slug}", serve(feed_server, slug, items), f"{base}/{slug}/")
    (site / "content" / "parades" / "doku.md").write_text(SHORTLINK_PARADE.format(call=call), encoding="utf-8")

    ok(invoke(site, "fetch"))
    ok(invoke(site, "build"))
    [section] = parse_html(site / "output" / "parades" / "doku" / "index.html").xpath(
        "//section[@id='contributions']")
    listed = {" ".join(h.text_content().split()) for h in section.xpath(".//h3")}
    assert listed == {f"Beitrag {title}" for title in spellings}


def test_a_contribution_whose_feed_names_no_zone_is_judged_by_the_sites_clock(tmp_path, feed_server):
    # Atom dates without a zone (Atom asks for one; hand-made feeds write none): the time on the
    # blog's clock, read in the site's zone (init's, Europe/Berlin).  Taken for UTC, the post of
    # the window's last evening fell after it, and one of the evening before it into it.
    base = feed_server.base_url
    call = f"{base}/host/aufruf/"
    items = [
        Item("spaet", "Am letzten Abend", f"{base}/blog/spaet/", datetime(2026, 10, 31, 23, 30), body(call)),
        Item("frueh", "Am Abend davor", f"{base}/blog/frueh/", datetime(2026, 9, 30, 23, 30), body(call)),
    ]
    site = new_site(tmp_path / "site", "BLOGPARADE_TODAY = '2026-11-05'\n")
    write_participant(site, "blog", "Ein Blog", serve(feed_server, "blog", items, atom_feed=True), f"{base}/blog/")
    (site / "content" / "parades").mkdir(exist_ok=True)
    (site / "content" / "parades" / "doku.md").write_text(PARADE.format(call=call), encoding="utf-8")
    feed_server.route("/host/aufruf/", respond(b"<html><body>Aufruf</body></html>", content_type=HTML_TYPE))
    ok(invoke(site, "fetch"))
    ok(invoke(site, "build"))
    page = parse_html(site / "output" / "parades" / "doku" / "index.html")
    [section] = page.xpath("//section[@id='contributions']")
    assert {" ".join(h.text_content().split()) for h in section.xpath(".//h3")} == {"Am letzten Abend"}
    [late] = section.xpath(".//time/@datetime")
    assert late.startswith("2026-10-31T23:30")
