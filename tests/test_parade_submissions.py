"""Handing posts in to a parade through the command line, as a host does it: the blog that never
joined keeps its name, a share button's tracking parameters stay off the parade's page, and what
`submit`, `roundup` and `parade status` say about parades that are closed, not started or whose
file cannot be read."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import lxml.etree
import pytest

from tests.acceptance_helpers import invoke, new_site, ok, write_participant
from tests.feedmaker import Item, rss
from tests.servers import HTML_TYPE, respond

pytestmark = pytest.mark.slow

PARADE = """Title: Wie dokumentieren wir?
Call: {call}
Start: {start}
End: {end}

Schreibt, wie ihr dokumentiert, und verlinkt diesen Aufruf.
"""


def page(title: str, call: str, *, site_name: str = "", feed: str = "") -> bytes:
    head = f'<meta property="article:published_time" content="2026-10-12T09:00:00Z"><title>{title}</title>'
    if site_name:
        head += f'<meta property="og:site_name" content="{site_name}">'
    if feed:
        head += f'<link rel="alternate" type="application/rss+xml" title="Doras Feed" href="{feed}">'
    text = f"<p>Mein Beitrag zur <a href=\"{call}\">Blogparade</a> über Dokumentation.</p>" * 3
    return f"<html><head>{head}</head><body><article><h1>{title}</h1>{text}</article></body></html>".encode()


def parade_site(tmp_path, feed_server, today: str = "2026-10-20", start: str = "2026-10-01",
                end: str = "2026-10-31"):  # fmt: skip
    call = feed_server.url("/host/aufruf/")
    feed_server.route("/host/aufruf/", respond(b"<html><body>Aufruf</body></html>", content_type=HTML_TYPE))
    site = new_site(tmp_path / "site", f"BLOGPARADE_TODAY = '{today}'\n")
    (site / "content" / "parades").mkdir(exist_ok=True)
    (site / "content" / "parades" / "doku.md").write_text(PARADE.format(call=call, start=start, end=end),
                                                          encoding="utf-8")  # fmt: skip
    return site, call


def contributions(site) -> list[dict]:
    ok(invoke(site, "build"))
    return json.loads((site / "output" / "parades" / "doku" / "contributions.json").read_text())["contributions"]


def test_a_blog_that_never_joined_keeps_its_name_when_a_page_of_it_names_none(tmp_path, feed_server):
    site, call = parade_site(tmp_path, feed_server)
    feed_server.route("/dora/feed/", respond(b"<rss version='2.0'><channel><title>Doras Notizen</title>"
                                             b"<link>/dora/</link><item><title>x</title></item></channel></rss>",
                                             content_type="application/rss+xml"))  # fmt: skip
    # The first page names its blog and its feed; the second, a page of a plainer template, neither.
    feed_server.route("/dora/remote/", respond(page("Remote arbeiten", call, site_name="Doras Notizen",
                                                    feed=feed_server.url("/dora/feed/")), content_type=HTML_TYPE))  # fmt: skip
    feed_server.route("/dora/tee/", respond(page("Kurz zum Tee", call), content_type=HTML_TYPE))
    first = ok(invoke(site, "submit", feed_server.url("/dora/remote/")))
    assert "“Remote arbeiten” (Doras Notizen)" in first.output
    ok(invoke(site, "submit", feed_server.url("/dora/tee/")))
    blogs = {entry["title"]: entry["blog"] for entry in contributions(site)}
    assert blogs == {"Remote arbeiten": "Doras Notizen", "Kurz zum Tee": "Doras Notizen"}  # not "127.0.0.1"
    status = ok(invoke(site, "parade", "status", "doku")).output
    assert "127.0.0.1 (external)" not in status and status.count("Doras Notizen") == 2


def test_tracking_parameters_of_a_submitted_address_stay_off_the_parades_page(tmp_path, feed_server):
    site, call = parade_site(tmp_path, feed_server)
    feed_server.route("/anna/beitrag/", respond(page("Annas Doku", call, site_name="Annas Blog"), content_type=HTML_TYPE))
    shared = feed_server.url("/anna/beitrag/") + "?utm_source=mastodon&utm_medium=social#kommentare"
    ok(invoke(site, "submit", shared))
    [entry] = contributions(site)
    assert entry["url"] == feed_server.url("/anna/beitrag/")
    # Handed in again, clean and tracked: still the one contribution at its clean address.
    ok(invoke(site, "submit", feed_server.url("/anna/beitrag/")))
    ok(invoke(site, "submit", feed_server.url("/anna/beitrag/") + "?fbclid=abc"))
    assert [entry["url"] for entry in contributions(site)] == [feed_server.url("/anna/beitrag/")]
    built = (site / "output" / "parades" / "doku" / "index.html").read_text(encoding="utf-8")
    assert "utm_source" not in built and "fbclid" not in built


def test_a_parade_file_that_cannot_be_read_is_named_with_its_problems(tmp_path, feed_server):
    site, _ = parade_site(tmp_path, feed_server)
    (site / "content" / "parades" / "tippfehler.md").write_text(
        "Title: Tippfehler\nCall: https://example.org/aufruf/\nStart: 2026-10-01\nEdn: 2026-10-31\n\nText\n",
        encoding="utf-8")  # fmt: skip
    for command in (["parade", "status", "tippfehler"], ["roundup", "tippfehler"],
                    ["submit", feed_server.url("/x/"), "--parade", "tippfehler"]):  # fmt: skip
        result = invoke(site, *command)
        assert result.exit_code == 2, result.output
        assert "parade 'tippfehler' is left out until" in result.output and "tippfehler.md is mended" in result.output
        assert "missing 'End'" in result.output and "line 4: unknown key 'Edn': did you mean 'End'?" in result.output
    unknown = invoke(site, "parade", "status", "gibt-es-nicht")
    assert unknown.exit_code == 2 and "no parade 'gibt-es-nicht'" in unknown.output and "(known: doku)" in unknown.output


def test_a_closed_parade_without_late_contributions_says_a_refused_page_is_not_looked_at_again(tmp_path, feed_server):
    site, call = parade_site(tmp_path, feed_server, today="2026-11-05")
    feed_server.route("/ohne/", respond(page("Ohne Link", "https://example.org/"), content_type=HTML_TYPE))
    refused = ok(invoke(site, "submit", feed_server.url("/ohne/"), "--parade", "doku"))
    assert "Not a contribution to parade doku:" in refused.output and "(yet)" not in refused.output
    assert "The parade ended on 2026-10-31 and takes no late contributions: it is not checked again." in refused.output
    # While it is open, the page is looked at again.
    (site / "pelicanconf.py").write_text((site / "pelicanconf.py").read_text().replace("2026-11-05", "2026-10-20"))
    again = ok(invoke(site, "submit", feed_server.url("/ohne/"), "--parade", "doku"))
    assert "Not a contribution to parade doku (yet):" in again.output and "checked again once a day" in again.output


def test_a_roundup_of_a_parade_not_started_says_so_not_that_it_is_still_open(tmp_path, feed_server):
    site, _ = parade_site(tmp_path, feed_server, today="2026-09-20")
    result = ok(invoke(site, "roundup", "doku"))
    assert "has not started yet (it opens on 2026-10-01)" in result.output and "still open" not in result.output
    site_open = parade_site(tmp_path / "offen", feed_server)[0]
    assert "is still open" in ok(invoke(site_open, "roundup", "doku")).output


def test_the_fetch_says_how_many_summaries_pages_it_looked_at_this_run(tmp_path, feed_server):
    # It said a running total ("36 posts of summary-only feeds: their own pages checked"),
    # every run, beside "0 pages checked".
    site, call = parade_site(tmp_path, feed_server)
    home = feed_server.url("/eva/")
    items = [Item(f"eva-{n}", f"Evas Notiz {n}", f"{home}{n}/", datetime(2026, 10, 10 + n, tzinfo=UTC),
                  "<p>Ein kurzer Anriss […]</p>") for n in range(2)]  # fmt: skip
    write_participant(site, "eva", "Evas Blog", feed_server.route("/eva/feed/", respond(
        rss(items, title="Evas Blog", link=home).encode(), content_type="application/rss+xml")), home)
    for n in range(2):
        feed_server.route(f"/eva/{n}/", respond(page(f"Evas Notiz {n}", call), content_type=HTML_TYPE))
    first = ok(invoke(site, "fetch")).output
    assert "2 pages of posts from summary-only feeds looked at for links to a parade's call." in first
    again = ok(invoke(site, "fetch")).output
    assert "summary-only feeds" not in again  # remembered: none asked again
    assert [entry["title"] for entry in contributions(site)] == ["Evas Notiz 0", "Evas Notiz 1"]


def test_the_fetch_counts_the_new_contributions_whatever_made_them(tmp_path, feed_server):
    # "3 new candidates, 0 pages checked, 1 new contribution" counted the candidates' pages
    # accepted, not a joined blog's post, nor what an Include or a Late made a contribution.
    site, call = parade_site(tmp_path, feed_server)
    home = feed_server.url("/finn/")
    linked = "<p>Mein Beitrag zur <a href=\"%s\">Blogparade</a> über Dokumentation, ausführlich.</p>" % call * 20
    items = [Item("finn-1", "Finn dokumentiert", f"{home}1/", datetime(2026, 10, 12, tzinfo=UTC), linked),
             Item("finn-2", "Finn ohne Link", f"{home}2/", datetime(2026, 10, 13, tzinfo=UTC), "<p>Text.</p>" * 60)]
    write_participant(site, "finn", "Finns Blog", feed_server.route("/finn/feed/", respond(
        rss(items, title="Finns Blog", link=home).encode(), content_type="application/rss+xml")), home)
    first = ok(invoke(site, "fetch")).output
    # Named, a spam page that linked the call is seen the morning after, not on the site.
    assert f"Parade doku: 1 new contribution (1 in all).\n  Finn dokumentiert – Finns Blog: {home}1/\n" in first
    handed_in = ok(invoke(site, "submit", f"{home}1/")).output  # a joined blog's post: named as one
    assert handed_in.startswith("Accepted for parade doku: “Finn dokumentiert” (Finns Blog);"), handed_in
    assert "Parade doku:" not in ok(invoke(site, "fetch")).output
    parade = site / "content" / "parades" / "doku.md"
    parade.write_text(parade.read_text(encoding="utf-8").replace("End:", f"Include: {home}2/\nEnd:"), encoding="utf-8")
    included = ok(invoke(site, "fetch")).output
    assert f"Parade doku: 1 new contribution (2 in all).\n  Finn ohne Link – Finns Blog: {home}2/\n" in included
    assert len(contributions(site)) == 2


def test_a_contribution_handed_in_is_not_named_again_by_the_next_fetch(tmp_path, feed_server):
    # The host handed Anna's post in, was told "Accepted", and the next night's log named it
    # as a new contribution all the same; one that came in another way meanwhile still is.
    site, call = parade_site(tmp_path, feed_server)
    ok(invoke(site, "fetch"))  # the parade's first night: nothing yet
    for path, title in (("/anna/beitrag/", "Annas Doku"), ("/anna/nachtrag/", "Annas Nachtrag")):
        feed_server.route(path, respond(page(title, call, site_name="Annas Blog"), content_type=HTML_TYPE))
    handed_in = ok(invoke(site, "submit", feed_server.url("/anna/beitrag/") + "?utm_source=mastodon")).output
    assert handed_in.startswith("Accepted for parade doku: “Annas Doku” (Annas Blog);"), handed_in
    parade = site / "content" / "parades" / "doku.md"
    included = feed_server.url("/anna/nachtrag/")
    parade.write_text(parade.read_text(encoding="utf-8").replace("End:", f"Include: {included}\nEnd:"),
                      encoding="utf-8")  # fmt: skip
    night = ok(invoke(site, "fetch")).output
    assert f"Parade doku: 1 new contribution (2 in all).\n  Annas Nachtrag – Annas Blog: {included}\n" in night, night
    assert "Annas Doku" not in night
    assert "Parade doku:" not in ok(invoke(site, "fetch")).output


@pytest.mark.parametrize("character", ["\x01", "\ufffe"], ids=["control", "non-character"])
def test_a_contributions_title_with_a_character_xml_cannot_carry_breaks_no_published_roundup(
    tmp_path, feed_server, character,
):  # fmt: skip
    # The page's title went into the roundup draft as it was: once the host published it, every
    # build failed (U+0001: Pelican's feed writer refuses it), or the site's main feed was not
    # well-formed and feed readers refused it whole (U+FFFE), the build saying nothing.
    site, call = parade_site(tmp_path, feed_server, today="2026-11-05")
    title = f"Mein Beitrag {character} zur Parade"
    feed_server.route("/dora/beitrag/", respond(page(title, call), content_type=HTML_TYPE))
    ok(invoke(site, "submit", feed_server.url("/dora/beitrag/"), "--parade", "doku"))
    ok(invoke(site, "roundup", "doku"))
    draft = site / "content" / "doku-rueckschau.md"
    text = draft.read_text(encoding="utf-8")
    assert "Mein Beitrag zur Parade" in text and character not in text
    draft.write_text(text.replace("Status: draft\n", ""), encoding="utf-8")  # the host publishes it
    ok(invoke(site, "build"))
    for feed in (site / "output" / "feeds").glob("*.xml"):
        lxml.etree.parse(str(feed))  # well-formed
    ok(invoke(site, "roundup", "doku", "--format", "html", "--force"))
    assert character not in "".join(p.read_text(encoding="utf-8") for p in (site / "roundups").glob("*"))
