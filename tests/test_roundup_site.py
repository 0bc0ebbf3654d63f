"""The roundup of a parade on a real site: WordPress blogs served on 127.0.0.1, joined by hand,
fetched by the real `blogparade` command, and the draft read back.  What the host publishes must
list exactly what the site lists: every contribution once, none that was taken down."""

from __future__ import annotations

import json
import time
import xml.etree.ElementTree as ET
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from aggregator.parades.files import local_today
from tests.acceptance_helpers import invoke, new_site, ok, write_participant
from tests.feedmaker import Item, rss
from tests.servers import HTML_TYPE, FeedServer, redirect, respond, route_documents
from tests.wordpress import Blog, Post

ZONE = "Europe/Berlin"
TODAY = local_today(ZONE)
START, END = TODAY - timedelta(days=20), TODAY - timedelta(days=2)
IN = datetime.combine(START + timedelta(days=3), datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)


def serve(server: FeedServer, blog: Blog) -> None:
    route_documents(server, blog.documents(), kinds=["posts.rss"])
    for post in blog.posts:
        server.route(blog.permalink(post).removeprefix(server.base_url),
                     respond(blog.post_page(post), content_type=HTML_TYPE))  # fmt: skip


def parade_site(tmp_path: Path, server: FeedServer, blogs: dict[str, Blog], call: str) -> Path:
    site = new_site(tmp_path / "site", f"TIMEZONE = {ZONE!r}\n")
    for slug, blog in blogs.items():
        serve(server, blog)
        write_participant(site, slug, blog.name, blog.posts_rss_url(), home=blog.home + "/")
    (site / "content" / "parades").mkdir(exist_ok=True)
    (site / "content" / "parades" / "heimat.md").write_text(
        f"Title: Was bedeutet Heimat?\nCall: {call}\nStart: {START}\nEnd: {END}\n\nSchreibt.\n", encoding="utf-8")
    return site


def contribution(number: int, title: str, call: str, when: datetime = IN) -> Post:
    text = f'<p>Mein Beitrag zur <a href="{call}">Blogparade</a>. Heimat ist, wo das Herz ist.</p>'
    return Post(number, f"beitrag-{number}", title, when, content=text + "<p>Mehr dazu.</p>" * 60)


def headings(site: Path) -> list[str]:
    draft = (site / "content" / "heimat-rueckschau.md").read_text(encoding="utf-8")
    return [line for line in draft.splitlines() if line.startswith("### ")]


def test_a_blog_removed_since_is_in_neither_the_roundup_nor_parade_status(feed_server, tmp_path):
    """`remove` takes a blog's posts off the site, its parade page included: the roundup the host
    publishes and `parade status` leave them out too (they listed them, named by their host)."""
    base = feed_server.base_url
    call = f"{base}/host/aufruf/"
    anna = Blog(f"{base}/anna", "Annas Notizen", [contribution(1, "Heimat ist ein Gefühl", call)])
    tom = Blog(f"{base}/tom", "Toms Werkstatt", [contribution(2, "Werkstatt-Heimat", call)])
    site = parade_site(tmp_path, feed_server, {"anna": anna, "tom": tom}, call)
    ok(invoke(site, "fetch"))
    assert "2 contributions" in ok(invoke(site, "parade", "status", "heimat")).output

    ok(invoke(site, "remove", "tom"))
    ok(invoke(site, "roundup", "heimat"))
    assert headings(site) == [f"### [Heimat ist ein Gefühl]({anna.permalink(anna.posts[0])})"]
    status = ok(invoke(site, "parade", "status", "heimat")).output
    assert "Heimat ist ein Gefühl" in status and "Werkstatt-Heimat" not in status


def hugo_contribution(home: str, slug: str, title: str, call: str) -> bytes:
    """A Hugo blog's feed at `home` (its guids are its permalinks) with one post linking `call`."""
    url = f"{home}/posts/{slug}/"
    body = f'<p>Zur <a href="{call}">Blogparade</a>: {title}.</p>' + "<p>Text.</p>" * 80
    return rss([Item(url, title, url, IN + timedelta(days=2), body)], "Hugos Blog", home + "/").encode()


def test_a_post_of_a_blog_that_moved_is_listed_once_at_its_new_address(feed_server, tmp_path):
    """A Hugo or Jekyll blog's guids are its permalinks: moved to another domain (its feed
    redirecting there), it brings every post again under new addresses and new guids, and the
    store keeps the old copy.  The roundup lists the contribution once, where it lives now."""
    base = feed_server.base_url
    moved = base.replace("127.0.0.1", "localhost") + "/neu"  # the blog's new domain
    call = f"{base}/host/aufruf/"

    def hugo(home: str) -> bytes:
        return hugo_contribution(home, "heimat-umzug", "Heimat nach dem Umzug", call)

    feed_server.route("/alt/index.xml", respond(hugo(f"{base}/alt")))
    site = parade_site(tmp_path, feed_server, {}, call)
    write_participant(site, "hugo", "Hugos Blog", f"{base}/alt/index.xml", home=f"{base}/alt/")
    ok(invoke(site, "fetch"))
    time.sleep(1)  # the store's times are whole seconds: the move is seen later (a night, really)
    feed_server.route("/alt/index.xml", redirect(f"{moved}/index.xml", 301))
    feed_server.route("/neu/index.xml", respond(hugo(moved)))
    ok(invoke(site, "fetch"))

    ok(invoke(site, "roundup", "heimat"))
    assert headings(site) == [f"### [Heimat nach dem Umzug]({moved}/posts/heimat-umzug/)"]
    assert ok(invoke(site, "parade", "status", "heimat")).output.count("/posts/heimat-umzug/") == 1


def parade_feed_ids(site, slug: str) -> list[str]:
    root = ET.parse(site / "output" / "parades" / slug / "feed.atom.xml").getroot()
    return [entry.findtext("{http://www.w3.org/2005/Atom}id") for entry in root.iter("{http://www.w3.org/2005/Atom}entry")]


def test_a_contribution_of_a_blog_that_moved_to_https_stays_on_the_parades_page(feed_server, tmp_path):
    """Moved to https, the blog's posts keep their address but for the scheme: the contribution's
    two copies were one to the parade (one address), and the first seen, the old copy, was
    kept, which the site no longer shows: gone from the parade's page, its feed and JSON, its
    blog listed as "not yet contributed", while `parade status` and the roundup counted it."""
    base = feed_server.base_url
    call = f"{base}/host/aufruf/"

    def hugo(home: str) -> bytes:
        return hugo_contribution(home, "heimat", "Heimat sicher", call)

    feed_server.route("/hugo/index.xml", respond(hugo(f"{base}/hugo")))
    site = parade_site(tmp_path, feed_server, {}, call)
    write_participant(site, "hugo", "Hugos Blog", f"{base}/hugo/index.xml", home=f"{base}/hugo/")
    ok(invoke(site, "run"))
    feed_ids = parade_feed_ids(site, "heimat")
    time.sleep(1)  # the store's times are whole seconds: the move is seen later (a night, really)
    secure = base.replace("http://", "https://") + "/hugo"
    feed_server.route("/hugo/index.xml", respond(hugo(secure)))
    moved = ok(invoke(site, "run")).output
    assert "seen again at their blog's new address" in moved
    # Not news: the parade's feed names it as before (a reader does not show it again), and the
    # run does not count it as a new contribution.
    assert parade_feed_ids(site, "heimat") == feed_ids and len(feed_ids) == 1
    assert "new contribution" not in moved, moved
    page = (site / "output" / "parades" / "heimat" / "index.html").read_text(encoding="utf-8")
    assert "Heimat sicher" in page and f"{secure}/posts/heimat/" not in page.split("Heimat sicher")[0][-50:]
    contributions = json.loads((site / "output" / "parades" / "heimat" / "contributions.json").read_text())
    assert [c["url"] for c in contributions["contributions"]] == [f"{secure}/posts/heimat/"]
    status = ok(invoke(site, "parade", "status", "heimat")).output
    assert "1 contribution:" in status and f"{secure}/posts/heimat/" in status, status
    ok(invoke(site, "roundup", "heimat"))
    assert headings(site) == [f"### [Heimat sicher]({secure}/posts/heimat/)"]


def test_the_parade_files_exclude_and_include_name_a_post_by_the_address_it_had_before_its_blog_moved(
    feed_server, tmp_path
):
    """The host excluded one post and included another by the addresses they had then: after
    the blog moved (every post again at a new address, the old copies kept), both hold."""
    base = feed_server.base_url
    moved = base.replace("127.0.0.1", "localhost") + "/neu"
    call = f"{base}/host/aufruf/"
    when = IN + timedelta(days=2)

    def hugo(home: str) -> bytes:
        linked = f'<p>Zur <a href="{call}">Blogparade</a>.</p>' + "<p>Text.</p>" * 80
        items = [Item(f"{home}/posts/{slug}/", title, f"{home}/posts/{slug}/", when + timedelta(hours=n), body)
                 for n, (slug, title, body) in enumerate([("verlinkt", "Verlinkt, aber ausgeschlossen", linked),
                                                          ("ohne", "Ohne Link, aber aufgenommen", "<p>Text.</p>" * 80),
                                                          ("bleibt", "Verlinkt und dabei", linked)])]  # fmt: skip
        return rss(items, "Hugos Blog", home + "/").encode()

    feed_server.route("/alt/index.xml", respond(hugo(f"{base}/alt")))
    site = parade_site(tmp_path, feed_server, {}, call)
    parade = site / "content" / "parades" / "heimat.md"
    parade.write_text(parade.read_text(encoding="utf-8").replace(
        "\n\n", f"\nExclude: {base}/alt/posts/verlinkt/\nInclude: {base}/alt/posts/ohne/\n\n", 1), encoding="utf-8")
    write_participant(site, "hugo", "Hugos Blog", f"{base}/alt/index.xml", home=f"{base}/alt/")
    ok(invoke(site, "fetch"))
    ok(invoke(site, "roundup", "heimat"))
    before = ["Ohne Link, aber aufgenommen", "Verlinkt und dabei"]
    assert [line.split("]")[0][5:] for line in headings(site)] == before
    time.sleep(1)
    feed_server.route("/alt/index.xml", redirect(f"{moved}/index.xml", 301))
    feed_server.route("/neu/index.xml", respond(hugo(moved)))
    assert "seen again at their blog's new address" in ok(invoke(site, "fetch")).output
    ok(invoke(site, "roundup", "heimat", "--force"))
    assert headings(site) == [f"### [Ohne Link, aber aufgenommen]({moved}/posts/ohne/)",
                              f"### [Verlinkt und dabei]({moved}/posts/bleibt/)"]  # fmt: skip
    status = ok(invoke(site, "parade", "status", "heimat")).output
    assert "2 contributions:" in status and "Verlinkt, aber ausgeschlossen" not in status
    ok(invoke(site, "build"))
    page = (site / "output" / "parades" / "heimat" / "index.html").read_text(encoding="utf-8")
    assert "Verlinkt, aber ausgeschlossen" not in page and "Ohne Link, aber aufgenommen" in page


def test_a_site_in_british_english_gets_its_roundup_in_english(feed_server, tmp_path):
    """The theme, the digest and the notices speak German where DEFAULT_LANG is German
    ("de", "de-AT", "de_CH") and English elsewhere; the roundup took only "en" and "en-…" for
    English, and wrote a site of "en_GB" its roundup in German."""
    site = parade_site(tmp_path, feed_server, {}, f"{feed_server.base_url}/host/aufruf/")
    with open(site / "pelicanconf.py", "a", encoding="utf-8") as settings:
        settings.write('DEFAULT_LANG = "en_GB"\n')
    written = ok(invoke(site, "roundup", "heimat"))
    draft = site / "content" / "heimat-roundup.md"
    assert str(draft) in written.output
    text = draft.read_text(encoding="utf-8")
    assert "Title: Roundup: Was bedeutet Heimat?" in text
    assert "No contributions came in for this blog parade." in text
    ok(invoke(site, "roundup", "heimat", "--format", "html"))
    html = (site / "roundups" / "heimat-roundup.html").read_text(encoding="utf-8")
    assert "we ran the blog parade" in html and "In figures" in html


def test_late_contributions_end_when_the_html_roundup_was_written(tmp_path):
    # A host who pastes the HTML roundup into their own WordPress never publishes it here: the
    # late window stayed open, and the parade followed (its call page read), for good.
    import os

    from aggregator.parades.membership import load_parades
    from aggregator.site import Site

    site = new_site(tmp_path / "site")
    (site / "content" / "parades" / "doku.md").write_text(
        "Title: Doku\nCall: https://host.example/aufruf/\nStart: 2026-10-01\nEnd: 2026-10-31\nLate: yes\n\nText\n",
        encoding="utf-8")  # fmt: skip
    [parade] = load_parades(Site.load(site))
    assert parade.roundup_date is None
    html = site / "roundups" / "doku-rueckschau.html"
    html.parent.mkdir()
    html.write_text("<p>Rückschau</p>", encoding="utf-8")
    written = datetime(2026, 11, 9, 23, 30, tzinfo=UTC)  # 10 November in Berlin
    os.utime(html, (written.timestamp(), written.timestamp()))
    [parade] = load_parades(Site.load(site))
    assert parade.roundup_date == date(2026, 11, 10)
    # `parade status` says so (it said "closed" alone, of a parade still taking contributions).
    assert "2026-10-01 to 2026-10-31; late contributions until its roundup of 2026-11-10" in \
        ok(invoke(site, "parade", "status", "doku")).output
    html.unlink()
    assert "late contributions until its roundup is published" in ok(invoke(site, "parade", "status", "doku")).output


def test_check_warns_of_a_roundup_dated_in_another_way_than_yyyy_mm_dd(tmp_path):
    # "Date: 02.12.2026": the late contributions' end is read from it, and was not (they stayed
    # welcome for good), while Pelican published the roundup dated 12 February 2026; check said OK.
    from aggregator.parades.files import find_parade, load_site_parades
    from aggregator.parades.roundup import roundup_path
    from aggregator.site import Site

    site = new_site(tmp_path / "site")
    (site / "content" / "parades" / "doku.md").write_text(
        "Title: Doku\nCall: https://host.example/aufruf/\nStart: 2026-10-01\nEnd: 2026-10-31\nLate: yes\n\nText\n",
        encoding="utf-8")  # fmt: skip
    parades, _ = load_site_parades(Site.load(site))
    path = roundup_path(site / "content", find_parade(parades, "doku"), "de")
    path.parent.mkdir(parents=True, exist_ok=True)
    for date_line, warned in (("Date: 02.12.2026", True), ("Date: 2026-12-02 10:00", False),
                              ("Date: 02.12.2026\nStatus: draft", False)):
        path.write_text(f"Title: Rückschau\n{date_line}\n\nText\n", encoding="utf-8")
        checked = ok(invoke(site, "check"))
        said = f"{path}: Date '02.12.2026' is not written as YYYY-MM-DD" in checked.output
        assert said == warned, (date_line, checked.output)


def test_the_draft_of_a_parade_with_late_contributions_says_to_date_it_when_published(tmp_path):
    # The draft is dated the day it is written; published days later with that Date, it ended
    # the late contributions then, and those that came meanwhile left the site without a word.
    site = new_site(tmp_path / "site")
    parade = site / "content" / "parades" / "doku.md"
    parade.write_text("Title: Doku\nCall: https://host.example/aufruf/\nStart: 2026-10-01\nEnd: 2026-10-31\n\nText\n",
                      encoding="utf-8")  # fmt: skip
    assert "set 'Date'" not in ok(invoke(site, "roundup", "doku")).output
    parade.write_text(parade.read_text(encoding="utf-8").replace("End:", "Late: yes\nEnd:"), encoding="utf-8")
    said = ok(invoke(site, "roundup", "doku", "--force")).output
    assert "remove 'Status: draft' and set 'Date' to the day you publish it" in said, said
