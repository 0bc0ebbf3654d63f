"""Blog parades on the built site: parade pages, the list of all parades, the current parade on
the home page, contributions marked on their pages, the join page and the published blog roll.

Real Pelican builds of sites made by `create_site` (see test_build.make_site); which post belongs
to which parade is given to `publish.export` as select.py would decide it.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from bs4 import BeautifulSoup

from aggregator.editors.opml import read_opml
from aggregator.editors.participants import load_participants
from aggregator.site import Site, SiteError
from aggregator.store import Store
from aggregator.website.build import BuildError, build_output, pelican_settings
from aggregator.website.export import export
from tests.test_build import ACME, ANNA, BERND, COMMENTS, T, make_site, post

REMOTE = """\
Title: Wie arbeiten wir remote?
Call: https://hafenkante.example/blogparade-remote/
Start: 2026-11-01
End: 2026-11-30
Tag: BlogparadeRemote

Erzählt uns, wie ihr **remote** arbeitet.
"""
AUTUMN = """\
Title: Herbst & Zukunft
Call: https://hafenkante.example/blogparade-herbst/
Start: 2026-09-20
End: 2026-10-15

Was bringt der Herbst?
"""
WINTER = """\
Title: Winterprojekte
Call: https://dora.example/aufruf-winter/
Start: 2026-12-01
End: 2026-12-31

Woran arbeitet ihr im Winter?
"""
ROUNDUP = """\
Title: Rückschau: Herbst & Zukunft
Date: 2026-10-20 10:00
Slug: herbst-rueckschau
Parade: herbst
Summary: Drei Wochen Herbst, ein Beitrag.

Danke an alle.
"""
DRAFT_ROUNDUP = """\
Title: Rückschau: Wie arbeiten wir remote?
Date: 2026-11-16 10:00
Slug: remote-rueckschau
Status: draft
Parade: remote

Noch nicht fertig.
"""
OTHER = post("anna", "kuchen", "Apfelkuchen", T + timedelta(days=1), excerpt="Ein Rezept.")
DORA = post("dora", "notiz", "Doras Notiz", T + timedelta(days=4), excerpt="Nicht zur Parade.")
# What select.py would have decided; ACME's post is older in the list than ANNA's on purpose.
MEMBERSHIPS = {ACME.id: ["remote"], ANNA.id: ["remote"], BERND.id: ["herbst"]}


def build(site: Site, memberships=MEMBERSHIPS) -> Site:
    """Export the store with parade memberships, then build output/ with Pelican (errors fatal)."""
    participants, _ = load_participants(site.participants_dir)
    with Store(site.store_path) as store:
        export(store, site, participants, parades=memberships)
    build_output(pelican_settings(site), "pelicanconf.py")
    return site


def parade_site(root: Path, *, lang: str = "de", today: str | None = "2026-11-15",
                parades: dict[str, str] | None = None, extra: str = "") -> Site:  # fmt: skip
    settings = (f'BLOGPARADE_TODAY = "{today}"\n' if today else "") + extra
    site = make_site(root, lang=lang, extra_settings=settings)
    for slug, text in (parades if parades is not None else
                       {"remote": REMOTE, "herbst": AUTUMN, "winter": WINTER}).items():  # fmt: skip
        (site.parades_dir / f"{slug}.md").write_text(text, encoding="utf-8")
    articles = site.content / "articles"
    (articles / "herbst-rueckschau.md").write_text(ROUNDUP, encoding="utf-8")
    (articles / "remote-rueckschau.md").write_text(DRAFT_ROUNDUP, encoding="utf-8")
    with Store(site.store_path) as store:
        for participant, posts, comments in (
            ("anna", [ANNA, OTHER], COMMENTS), ("acme", [ACME], ()), ("bernd", [BERND], ()),
            ("dora", [DORA], ()),
        ):  # fmt: skip
            store.record_success(participant, f"https://{participant}.example/feed/", etag=None,
                                 last_modified=None, body_hash=participant, posts=posts,
                                 comments=comments, now=T)  # fmt: skip
    return site


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    return build(parade_site(tmp_path_factory.mktemp("parades")))


@pytest.fixture(scope="module")
def english(tmp_path_factory):
    return build(parade_site(tmp_path_factory.mktemp("parades-en"), lang="en"))


def page(site: Site, path: str) -> BeautifulSoup:
    file = site.output / path / "index.html" if not path.endswith((".html", ".opml")) else site.output / path
    return BeautifulSoup(file.read_text(encoding="utf-8"), "html.parser")


def text(node) -> str:
    """The text a reader sees, whitespace collapsed."""
    return " ".join(node.get_text().split())


def post_path(p) -> str:
    return f"blogs/{p.participant}/{p.id}/"


# -- the parade's page -----------------------------------------------------------------------------


def test_a_parade_page_lives_under_its_file_name_with_the_call(site):
    soup = page(site, "parades/remote")
    assert soup.h1.get_text() == "Wie arbeiten wir remote?"
    assert soup.title.get_text().startswith("Wie arbeiten wir remote? – ")
    assert "Erzählt uns, wie ihr" in text(soup.find(class_="page-body"))
    assert soup.find("a", href="https://hafenkante.example/blogparade-remote/").get_text() == "Zum Aufruf"
    facts = soup.find("dl", class_="parade-facts")
    assert [dt.get_text() for dt in facts.find_all("dt")] == ["Stand", "Zeitraum", "Ausgerichtet von", "Aufruf",
                                                              "Schlagwort", "Beiträge"]  # fmt: skip
    assert text(facts.find("dt", string="Ausgerichtet von").find_next("dd")) == "hafenkante.example"
    assert [t["datetime"] for t in facts.find_all("time")] == ["2026-11-01", "2026-11-30"]
    assert "1. November 2026 bis 30. November 2026" in text(facts)
    assert "BlogparadeRemote" in text(facts)
    assert not (site.output / "wie-arbeiten-wir-remote").exists()  # not under its title's slug


def test_the_parade_page_lists_exactly_its_contributions_oldest_first(site):
    soup = page(site, "parades/remote")
    section = soup.find("section", id="contributions")
    titles = [text(h) for h in section.find_all("h3")]
    assert titles == [ANNA.title, ACME.title]  # by date, not in the order they were given
    assert "2 Beiträge aus 2 Blogs" in text(section)
    assert "Apfelkuchen" not in text(soup) and "Doras Notiz" not in text(soup)
    assert "1 Beitrag" in text(page(site, "parades/herbst").find("section", id="contributions"))


def test_each_contribution_shows_its_details_and_links(site):
    first = page(site, "parades/remote").find("section", id="contributions").find("article")
    assert first.find("h3").a["href"] == "../../" + post_path(ANNA)
    assert first.find("a", class_="blog")["href"] == "../../blogs/anna/"
    assert first.find("a", class_="blog").get_text() == "Annas Blög"
    assert "von Anna Ärger" in text(first)
    assert first.find("time")["datetime"].startswith("2026-11-02T10:30")
    assert "Warum ich gern zu Hause arbeite." in text(first)
    assert "4 Kommentare" in text(first)  # the stored comments, mentions apart
    assert first.find("a", href=ANNA.url).get_text() == "Original bei Annas Blög"


@pytest.mark.parametrize(("slug", "state"), [
    ("remote", "Läuft: noch 16 Tage"), ("herbst", "Beendet"), ("winter", "Demnächst: beginnt in 16 Tagen"),
])  # fmt: skip
def test_the_state_is_said_in_words(site, slug, state):
    soup = page(site, f"parades/{slug}")
    assert text(soup.find(class_="parade-state")) == state


def test_blogs_not_yet_contributed_are_listed_while_open_only(site):
    waiting = page(site, "parades/remote").find("section", class_="waiting")
    assert waiting.h2.get_text() == "Noch nicht dabei"
    # Dora has posts, but none for this parade; Bernd's blog is paused.
    assert [a.get_text() for a in waiting.find_all("a")] == ["Dora denkt"]
    assert waiting.a["href"] == "../../blogs/dora/"
    for slug in ("herbst", "winter"):
        assert not page(site, f"parades/{slug}").find("section", class_="waiting"), slug


def test_an_upcoming_parade_says_it_has_not_started(site):
    soup = page(site, "parades/winter")
    assert text(soup.find("section", id="contributions")).endswith("Die Blogparade hat noch nicht begonnen.")
    assert "Zum Mitmachen" in text(soup.find(class_="parade-howto"))
    assert not page(site, "parades/herbst").find(class_="parade-howto")


def test_the_howto_speaks_of_webmentions_only_where_a_mentions_feed_hears_them(tmp_path):
    # The call's page is read every run, joined or not: its pingbacks always count. Webmentions
    # reach the site only through a parade's Mentions feed.
    mentioned = WINTER.replace("End: 2026-12-31\n", "End: 2026-12-31\nMentions: https://webmention.io/api/mentions.jf2?target=x\n")
    site = build(parade_site(tmp_path, parades={"winter": WINTER, "mentioned": mentioned.replace(
        "aufruf-winter", "aufruf-mentioned")}))  # fmt: skip
    howto = " ".join(text(p) for p in page(site, "parades/winter").find_all(class_="parade-howto"))
    assert "Über den Pingback, den euer Link zum Aufruf auslöst, finden wir euren Beitrag" in howto
    assert "Webmention" not in howto
    howto = " ".join(text(p) for p in page(site, "parades/mentioned").find_all(class_="parade-howto"))
    assert "Über den Pingback oder die Webmention, die euer Link zum Aufruf auslöst" in howto


def test_a_published_roundup_is_shown_and_linked_both_ways(site):
    soup = page(site, "parades/herbst")
    roundup = soup.find("section", class_="roundup")
    assert roundup.h2.get_text() == "Rückschau"
    assert roundup.a["href"] == "../../2026/herbst-rueckschau/"
    assert "Drei Wochen Herbst" in text(roundup)
    article = page(site, "2026/herbst-rueckschau")
    mark = article.find(class_="parade-mark")
    assert text(mark) == "Rückschau auf die Blogparade „Herbst & Zukunft“"
    assert mark.a["href"] == "../../parades/herbst/"
    # A draft roundup stays off the parade's page.
    assert not page(site, "parades/remote").find("section", class_="roundup")


# A roundup as `blogparade roundup` drafts it: no Summary, its headings within the first 50 words.
DRAFTED_ROUNDUP = """\
Title: Rückschau: Herbst & Zukunft
Date: 2026-10-20 10:00
Slug: herbst-rueckschau
Parade: herbst

Vom 20. September bis zum 15. Oktober lief die Blogparade. Danke an alle!

## Die Beiträge

### [Grüße aus dem Süden, ein Beitrag mit einem sehr langen Titel über den Herbst und noch viel mehr](https://bernd.example/gruss/)

Bernds Blog · 1. Oktober 2026
"""


def test_a_roundups_excerpt_brings_no_headings_into_the_lists_that_show_it(tmp_path):
    # Found with axe and a heading outline of the demo: the parade's page read "Rückschau", then
    # the roundup's "Die Beiträge" and a cut-off "Grüße aus dem Süden, …" as headings of its own.
    site = parade_site(tmp_path)
    (site.content / "articles" / "herbst-rueckschau.md").write_text(DRAFTED_ROUNDUP, encoding="utf-8")
    build(site)
    for path, container in (("parades/herbst", "section.roundup"), ("index.html", "main")):
        listing = page(site, path).select_one(container)
        excerpt = listing.find("a", string=re.compile("Rückschau")).find_next(class_="excerpt")
        assert "Die Beiträge" in text(excerpt), path
        assert not excerpt.find(re.compile(r"^h[1-6]$")), (path, str(excerpt))
    # The roundup's own page keeps its headings, under its title.
    own = page(site, "2026/herbst-rueckschau").select_one(".post-body")
    assert [h.name for h in own.find_all(re.compile(r"^h[1-6]$"))] == ["h2", "h3"]


# -- the parades list, the home page, the navigation ------------------------------------------------


def test_the_parades_page_lists_every_parade_newest_first(site):
    soup = page(site, "parades")
    assert soup.h1.get_text() == "Blogparaden"
    entries = soup.find("ol", class_="parade-list").find_all("li", recursive=False)
    assert [text(e.h2) for e in entries] == ["Winterprojekte", "Wie arbeiten wir remote?", "Herbst & Zukunft"]
    assert [e.h2.a["href"] for e in entries] == ["../parades/winter/", "../parades/remote/", "../parades/herbst/"]
    remote = text(entries[1])
    assert "Läuft: noch 16 Tage" in remote and "2 Beiträge" in remote
    assert "1. November 2026 bis 30. November 2026" in remote
    assert "Beendet" in text(entries[2]) and "1 Beitrag" in text(entries[2])
    assert "0 Beiträge" in text(entries[0])


def test_the_navigation_leads_to_the_parades_but_not_to_each(site):
    soup = page(site, "index.html")
    nav = [a.get_text() for a in soup.find("nav").find_all("a")]
    assert nav == ["Beiträge", "Blogparaden", "Blogs", "Archiv", "Themen", "Mitmachen"]
    assert page(site, "parades").select_one('nav a[aria-current="page"]').get_text() == "Blogparaden"


def test_the_home_page_shows_the_open_parade_above_the_posts(site):
    soup = page(site, "index.html")
    box = soup.find("aside", class_="current-parade")
    assert box.find_next("h1") is soup.h1  # before the list of posts
    assert soup.find(id=box["aria-labelledby"]).get_text(strip=True) == "Aktuelle Blogparade"
    assert box.find(class_="current-parade-title").a["href"] == "./parades/remote/"
    assert "Läuft: noch 16 Tage" in text(box)
    assert box.find("a", href="https://hafenkante.example/blogparade-remote/").get_text() == "Zum Aufruf"
    assert "2 Beiträge" in text(box)
    assert "Winterprojekte" not in text(box)


def test_without_an_open_parade_the_home_page_announces_the_next(tmp_path):
    site = build(parade_site(tmp_path, today="2026-10-20"))
    box = page(site, "index.html").find("aside", class_="current-parade")
    assert text(box.find(class_="current-parade-title")) == "Wie arbeiten wir remote?"
    assert "Demnächst: beginnt in 12 Tagen" in text(box)
    assert not page(site, "parades/remote").find("section", class_="waiting")


def test_with_no_parade_at_all_the_site_still_builds(tmp_path):
    site = build(parade_site(tmp_path, parades={}), memberships={})
    assert not page(site, "index.html").find("aside")
    assert page(site, "parades").find("p", class_="empty").get_text() == "Noch keine Blogparaden."
    assert "Gerade läuft keine Blogparade" in text(page(site, "mitmachen"))


@pytest.mark.parametrize(("today", "state"), [
    ("2026-10-31", "Demnächst: beginnt morgen"), ("2026-11-01", "Läuft: noch 30 Tage"),
    ("2026-11-29", "Läuft: noch 2 Tage"), ("2026-11-30", "Läuft: heute ist der letzte Tag"),
    ("2026-12-01", "Beendet"),
])  # fmt: skip
def test_the_state_follows_the_day_of_the_build(tmp_path, today, state):
    site = build(parade_site(tmp_path, today=today, parades={"remote": REMOTE}), memberships={})
    assert text(page(site, "parades/remote").find(class_="parade-state")) == state


def test_without_a_pinned_day_the_state_is_todays(tmp_path):
    from aggregator.parades.files import local_today

    today = local_today("Europe/Berlin")
    window = (f"Title: Heute\nCall: https://host.example/heute/\nStart: {today - timedelta(days=1)}\n"
              f"End: {today + timedelta(days=1)}\n\nText.\n")  # fmt: skip
    site = build(parade_site(tmp_path, today=None, parades={"heute": window}), memberships={})
    assert text(page(site, "parades/heute").find(class_="parade-state")) == "Läuft: noch 2 Tage"


# -- posts ------------------------------------------------------------------------------------------


def test_a_contribution_is_marked_on_its_page(site):
    soup = page(site, post_path(ANNA))
    mark = soup.find("header", class_="post-header").find(class_="parade-mark")
    assert text(mark) == "Beitrag zur Blogparade „Wie arbeiten wir remote?“"
    assert mark.a["href"] == "../../../parades/remote/"
    for other in (OTHER, DORA):
        assert not page(site, post_path(other)).find(class_="parade-mark")


# -- joining and the blog roll ----------------------------------------------------------------------


def test_the_join_page_explains_joining_and_lists_the_parades_to_write_for(site):
    soup = page(site, "mitmachen")
    body = text(soup)
    assert "blogparade join https://euer-blog.example/" in body
    assert "content/participants/euer-blog.toml" in body
    for field in ("name =", "feed =", "home =", "author =", "kind =", "display ="):
        assert field in body, field
    assert "Die Regeln einer Blogparade" in body and "Kommentiert wird bei euch" in body
    listed = soup.find("section", class_="join-parades")
    # What a post written today counts for, first; then what is announced (a post written for
    # it today would be refused), apart.
    assert [text(h) for h in listed.find_all("h3")] == ["Wie arbeiten wir remote?", "Angekündigt"]
    assert [text(h) for h in listed.find_all("h4")] == ["Winterprojekte"]
    assert listed.find("a", href="https://dora.example/aufruf-winter/")
    assert listed.find("a", href="../parades/").get_text() == "Alle Blogparaden"
    assert listed.find("a", href="../blogroll.opml")


def test_the_blog_roll_is_published_as_opml_with_every_active_blog(site):
    data = (site.output / "blogroll.opml").read_bytes()
    root = ET.fromstring(data)
    assert root.tag == "opml" and root.get("version") == "2.0"
    assert root.find("head/title").text == "Blogparade Süd"
    feeds = read_opml(data)
    assert sorted(f.xml_url for f in feeds) == [
        "https://acme.example/feed/", "https://anna.example/feed/", "https://dora.example/feed/",
    ]  # Bernd's blog is paused
    assert {f.title: f.kind for f in feeds}["ACME Technik"] == "corporate"


def test_the_blog_roll_is_linked_from_the_blogs_page_the_footer_and_the_head(site):
    blogs = page(site, "blogs")
    link = blogs.find("main").find("a", href="../blogroll.opml")
    assert link.get_text() == "Alle Blogs als OPML-Datei für euren Feedreader"
    assert link["type"] == "text/x-opml"
    for path, prefix in (("index.html", "./"), ("parades/remote", "../../")):
        soup = page(site, path)
        assert soup.find("footer").find("a", href=f"{prefix}blogroll.opml")
        link = soup.find("link", rel="outline")
        assert link["type"] == "text/x-opml" and link["href"] == f"{prefix}blogroll.opml"


def test_the_blog_roll_is_in_every_build_and_leaves_when_switched_off(tmp_path):
    site = build(parade_site(tmp_path))
    build(site)  # a second build, into a fresh folder, writes it again
    assert (site.output / "blogroll.opml").is_file()
    with open(site.root / "pelicanconf.py", "a", encoding="utf-8") as settings:
        settings.write('\nBLOGPARADE_BLOGROLL = ""\n')
    build(site)
    assert not (site.output / "blogroll.opml").exists()
    assert not page(site, "index.html").find("link", rel="outline")


# -- feeds of a development build ------------------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
# What a feed reader takes for an Atom id (RFC 4287: an absolute IRI): a web address, a tag: URI
# with its authority (RFC 4151), a UUID URN.
ATOM_ID = re.compile(r"https?://[^/\s]+/\S*|tag:[a-z0-9.-]+\.[a-z]+,\d{4}(-\d\d){0,2}:\S+"
                     r"|urn:uuid:[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")


def atom_ids(site: Site) -> dict[str, list[str]]:
    """Every feed's own id and its entries', by the feed's path."""
    ids = {}
    for path in sorted(site.output.rglob("*.atom.xml")):
        feed = ET.parse(path).getroot()
        entries = [entry.findtext(f"{ATOM}id") for entry in feed.iter(f"{ATOM}entry")]
        ids[path.relative_to(site.output).as_posix()] = [feed.findtext(f"{ATOM}id"), *entries]
    return ids


def test_a_development_builds_feeds_and_entries_have_valid_ids(site, english):
    ids = atom_ids(site)
    assert {"feeds/all.atom.xml", "feeds/blogs/anna.atom.xml", "parades/remote/feed.atom.xml"} <= set(ids)
    every = [name for names in ids.values() for name in names]
    assert [name for name in every if not ATOM_ID.fullmatch(name) or "None" in name] == []
    assert len({names[0] for names in ids.values()}) == len(ids)  # each feed its own
    # Stable: another build of the same site (in English, elsewhere) names them alike.
    again = atom_ids(english)
    both = set(again) & set(ids)
    assert len(both) >= len(ids) - 1  # all but the editors' feed, named in the site's language
    assert {path: again[path] for path in both} == {path: ids[path] for path in both}


# -- language, accessibility, errors ----------------------------------------------------------------


def english_contribution(site: Site) -> Site:
    """ACME's contribution to "remote" as a post in English (Anna's stays in her blog's German)."""
    with Store(site.store_path) as store:
        store.record_success("acme", "https://acme.example/feed/", etag=None, last_modified=None,
                             body_hash="acme-en", posts=[replace(ACME, language="en")], now=T)  # fmt: skip
    return site


def test_the_join_page_lists_a_closed_parade_still_taking_late_contributions(tmp_path):
    late = {"herbst": AUTUMN.replace("End: 2026-10-15\n", "End: 2026-10-15\nLate: yes\n"),
            "remote": REMOTE, "later": WINTER.replace("Title: Winterprojekte", "Title: Später").replace(
                "2026-12-01", "2026-12-20").replace("aufruf-winter", "aufruf-spaeter"), "winter": WINTER}  # fmt: skip
    site = build(parade_site(tmp_path, parades=late))
    (site.content / "articles" / "herbst-rueckschau.md").unlink()  # its roundup not written yet
    build(site)
    listed = page(site, "mitmachen").find("section", class_="join-parades")
    assert [text(h) for h in listed.find_all("h3")] == ["Wie arbeiten wir remote?", "Herbst & Zukunft", "Angekündigt"]
    assert "(verspätete Beiträge willkommen)" in text(listed.find("h3", string="Herbst & Zukunft").find_next("p"))
    assert [text(h) for h in listed.find_all("h4")] == ["Winterprojekte", "Später"]  # the nearest start first
    # An HTML roundup for the host's blog, written today, ends them with today: still welcome
    # today; written a day before, not any more (select.py reads its day alike).
    import os

    html = site.root / "roundups" / "herbst-rueckschau.html"
    html.parent.mkdir()
    html.write_text("<p>Rückschau</p>", encoding="utf-8")
    yesterday = datetime(2026, 11, 13, 12, 0, tzinfo=UTC).timestamp()
    for written, welcome in ((None, True), (yesterday, False)):
        if written:
            os.utime(html, (written, written))
        build(site)
        facts = text(page(site, "parades/herbst").find("dl", class_="parade-facts"))
        assert ("willkommen" in facts) == welcome, (written, facts)
        listed = page(site, "mitmachen").find("section", class_="join-parades")
        assert ("Herbst & Zukunft" in [text(h) for h in listed.find_all("h3")]) == welcome


def test_late_contributions_are_welcome_until_the_roundup_is_published(tmp_path):
    # Late contributions end on the roundup's day: its page still said "welcome" after it.
    late = {"herbst": AUTUMN.replace("End: 2026-10-15\n", "End: 2026-10-15\nLate: yes\n"),
            "remote": REMOTE.replace("End: 2026-11-30\n", "End: 2026-11-30\nLate: yes\n")}  # fmt: skip
    site = build(parade_site(tmp_path, parades=late))
    facts = {slug: text(page(site, f"parades/{slug}").find("dl", class_="parade-facts")) for slug in late}
    assert "(verspätete Beiträge willkommen)" in facts["remote"]  # its roundup a draft yet
    assert "willkommen" not in facts["herbst"]  # its roundup published


def test_a_roundups_category_and_topic_of_one_name_are_one_in_the_feeds(tmp_path):
    # A roundup draft's Category "Blog parade" and Tags "blog parade": a feed reader showed both.
    site = parade_site(tmp_path)
    roundup = site.content / "articles" / "herbst-rueckschau.md"
    roundup.write_text(ROUNDUP.replace("Parade: herbst\n", "Parade: herbst\nCategory: Blogparade\n"
                                       "Tags: Herbst, blogparade\n"), encoding="utf-8")  # fmt: skip
    build(site)
    feed = ET.parse(site.output / "feeds" / "all.atom.xml").getroot()
    [entry] = [e for e in feed.iter(f"{ATOM}entry") if e.findtext(f"{ATOM}title") == "Rückschau: Herbst & Zukunft"]
    assert [c.get("term") for c in entry.iter(f"{ATOM}category")] == ["Blogparade", "Herbst"]


def test_a_parade_feeds_entry_is_named_by_its_day_in_utc_as_before():
    # 0261681 named entries by their first date in the site's zone: a contribution published at
    # 23:30 UTC (00:30 in Berlin) got a new id, and the host's feed reader showed it again.
    from types import SimpleNamespace
    from zoneinfo import ZoneInfo

    from aggregator.website.plugin.parade_files import contribution, parade_feed
    from aggregator.website.plugin.parade_pages import ParadeView

    published = datetime(2026, 11, 10, 23, 30, tzinfo=UTC).astimezone(ZoneInfo("Europe/Berlin"))
    article = SimpleNamespace(title="Spät", original_url="https://anna.example/spaet/", url="blogs/anna/x/",
                              author=SimpleNamespace(name="Anna"), blog=SimpleNamespace(home="https://anna.example/"),
                              writer="", date=published, late_to=(), external=False, excerpt="", language=None)  # fmt: skip
    view = ParadeView("remote", "Remote", "https://host.example/aufruf/", date(2026, 11, 1), date(2026, 11, 30), None,
                      "open", 3, 0, "parades/remote/", (article,), (), None, feed_url="parades/remote/feed.atom.xml")  # fmt: skip
    items = [contribution(article, view, "https://blogs.example")]
    from aggregator.website.sitetemplate import theme_path

    settings = {"SITENAME": "Blogs", "DEFAULT_LANG": "de", "THEME": str(theme_path())}
    feed = ET.fromstring(parade_feed(view, items, settings, "https://blogs.example"))
    assert feed.find(f"{ATOM}entry").findtext(f"{ATOM}id") == "tag:blogs.example,2026-11-10:/blogs/anna/x/"


def test_the_parade_feed_gives_an_excerpt_as_the_text_it_is(tmp_path):
    # An excerpt is plain text; the feed's summary is HTML: a post that wrote about "<div>" or
    # showed '<img src=…>' as text had it read as markup by the host's feed reader (an image
    # loaded from anywhere, "<Plätzchen>" gone).
    site = parade_site(tmp_path)
    words = 'Warum <div>-Suppe & <Plätzchen> schaden: <img src="https://track.example/p.png">'
    with Store(site.store_path) as store:
        store.record_success("acme", "https://acme.example/feed/", etag=None, last_modified=None,
                             body_hash="acme-tags", posts=[replace(ACME, excerpt=words)], now=T)  # fmt: skip
    build(site)
    feed = ET.parse(site.output / "parades" / "remote" / "feed.atom.xml").getroot()
    summaries = {entry.findtext(f"{ATOM}title"): entry.find(f"{ATOM}summary") for entry in feed.iter(f"{ATOM}entry")}
    summary = summaries[ACME.title]
    assert summary.get("type") == "html"
    assert BeautifulSoup(summary.text, "html.parser").get_text() == words
    assert not BeautifulSoup(summary.text, "html.parser").find(["img", "div"])


@pytest.mark.parametrize(("lang", "marked"), [("de", {ACME.title: "en"}), ("en", {ANNA.title: "de"})])
def test_the_snippet_and_json_say_each_contributions_language(tmp_path, lang, marked):
    site = build(english_contribution(parade_site(tmp_path, lang=lang)))
    folder = site.output / "parades" / "remote"
    data = json.loads((folder / "contributions.json").read_text(encoding="utf-8"))
    assert {item["title"]: item["language"] for item in data["contributions"]} == \
        {ANNA.title: "de", ACME.title: "en"}
    snippet = BeautifulSoup((folder / "snippet.html").read_text(encoding="utf-8"), "html.parser")
    assert snippet.div["lang"] == lang  # its own words and dates
    links = {link.get_text(): link.get("lang") for link in snippet.find_all("a")}
    assert {title: tag for title, tag in links.items() if tag} == marked
    assert set(links) >= {ANNA.title, ACME.title}


@pytest.mark.slow
@pytest.mark.parametrize(("lang", "marked"), [("de", {ACME.title: "en"}), ("en", {ANNA.title: "de"})])
def test_the_feeds_say_which_entries_are_in_another_language(tmp_path, lang, marked):
    """An English post on a German site: its entry in the site's feed, its blog's and the
    parade's says xml:lang="en" (a feed reader hyphenates and reads it aloud as English), as
    its page says lang="en"; the feed itself and the entries in its language say the site's."""
    site = build(english_contribution(parade_site(tmp_path, lang=lang)))
    for path in ("feeds/all.atom.xml", "parades/remote/feed.atom.xml",
                 f"feeds/blogs/{'acme' if lang == 'de' else 'anna'}.atom.xml"):  # fmt: skip
        feed = ET.parse(site.output / path).getroot()
        assert feed.get(XML_LANG) == lang, path
        entries = {entry.findtext(f"{ATOM}title"): entry.get(XML_LANG)
                   for entry in feed.iter(f"{ATOM}entry")}  # fmt: skip
        contributions = {title: entries[title] for title in (ANNA.title, ACME.title) if title in entries}
        assert {title: tag for title, tag in contributions.items() if tag} == marked, path
        assert set(contributions) >= set(marked), path



def test_english_on_request(english):
    soup = page(english, "parades/remote")
    assert text(soup.find(class_="parade-state")) == "Open: 16 days left"
    assert "November 1, 2026 to November 30, 2026" in text(soup.find("dl"))
    assert soup.find("section", class_="waiting").h2.get_text() == "Not yet contributed"
    assert text(page(english, post_path(ANNA)).find(class_="parade-mark")) == \
        "Contribution to the blog parade “Wie arbeiten wir remote?”"
    assert page(english, "parades").h1.get_text() == "Blog parades"
    home = page(english, "index.html")
    assert home.find(id="current-parade-label").get_text(strip=True) == "Current blog parade"
    join = page(english, "join")
    assert "blogparade join https://your-blog.example/" in text(join)
    assert join.find("section", class_="join-parades").h2.get_text() == "Blog parades to write for now"
    assert text(page(english, "parades/herbst").find(class_="parade-state")) == "Closed"


@pytest.mark.parametrize("path", ["parades", "parades/remote", "parades/herbst", "index.html",
                                  "mitmachen", post_path(ANNA)])  # fmt: skip
def test_parade_pages_are_accessible(site, path):
    soup = page(site, path)
    assert len(soup.find_all("h1")) == 1
    levels = [int(h.name[1]) for h in soup.find_all(re.compile(r"^h[1-6]$"))]
    assert levels[0] == 1 and all(b - a <= 1 for a, b in zip(levels, levels[1:])), levels
    assert not soup.find("script")
    for time in soup.find_all("time"):
        assert time["datetime"]
    for label in soup.find_all(attrs={"aria-labelledby": True}):
        assert soup.find(id=label["aria-labelledby"]), label["aria-labelledby"]


def test_a_parade_ending_before_it_starts_fails_the_build_naming_the_file(tmp_path):
    broken = REMOTE.replace("End: 2026-11-30", "End: 2026-10-30")
    site = parade_site(tmp_path, parades={"remote": broken})
    with pytest.raises(BuildError) as error:
        build(site, memberships={})
    assert "remote.md" in str(error.value)
    assert "'End' (2026-10-30) is before 'Start' (2026-11-01)" in str(error.value)


def test_a_bad_pinned_day_is_a_setting_error(tmp_path):
    # It once ended a CLI build as "unexpected error: ValueError", exit 1.
    with pytest.raises(SiteError, match=r"BLOGPARADE_TODAY = '15.11.2026': it must be a date like 2026-11-15"):
        parade_site(tmp_path, today="15.11.2026", parades={"remote": REMOTE})


def test_two_parades_with_one_call_fail_the_build_naming_the_second(tmp_path):
    twin = REMOTE.replace("Wie arbeiten wir remote?", "Noch einmal remote")
    site = parade_site(tmp_path, parades={"remote": REMOTE, "zwilling": twin})
    with pytest.raises(BuildError, match=r"zwilling\.md: same call as remote\.md"):
        build(site, memberships={})
