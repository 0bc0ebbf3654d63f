"""Posts of one date keep their feed's order on the site: a blog whose feed gives days, not times
(Jekyll's and Hugo's date-only posts), and undated entries (dated when first seen), were listed
in the order of their ids ("Beitrag zwei, Beitrag drei, Beitrag eins")."""

from __future__ import annotations

from datetime import UTC, datetime

from aggregator.site import Site
from aggregator.store import Store
from aggregator.website.build import build_site
from tests.acceptance_helpers import invoke, new_site, ok, parse_html, write_participant
from tests.feedmaker import Item, rss
from tests.servers import respond
from tests.test_incremental import differing, full_build

DAY = datetime(2026, 11, 12, tzinfo=UTC)
RSS_TYPE = "application/rss+xml"


def titles(page) -> list[str]:  # noqa: ANN001  a path
    return [" ".join(h.text_content().split()) for h in parse_html(page).xpath("//ol[@class='post-list']/li//h2")]


def serve(feed_server, home: str, names: list[str], published: datetime | None = DAY) -> None:  # noqa: ANN001
    # "privat": a category the site leaves out (the participant file's `categories`).
    items = [Item(f"{home}{name}/", f"Beitrag {name}", f"{home}{name}/", published,
                  categories=["Privat" if name == "privat" else "Notizen"]) for name in names]  # fmt: skip
    feed_server.route("/jana/feed.xml", respond(rss(items, title="Jana", link=home).encode(), content_type=RSS_TYPE))


def test_posts_of_one_date_are_listed_as_their_feed_lists_them(tmp_path, feed_server):
    home = feed_server.url("/jana/")
    serve(feed_server, home, ["drei", "zwei", "eins"])  # newest first, as feeds list them
    site = new_site(tmp_path / "site")
    write_participant(site, "jana", "Janas Blog", feed_server.url("/jana/feed.xml"), home)
    ok(invoke(site, "fetch"))
    ok(invoke(site, "build"))
    expected = ["Beitrag drei", "Beitrag zwei", "Beitrag eins"]
    assert titles(site / "output" / "index.html") == expected
    assert titles(site / "output" / "blogs" / "jana" / "index.html") == expected
    # A fourth of that day, on top: the next night's build (over the last one) and one from
    # nothing agree.
    serve(feed_server, home, ["vier", "drei", "zwei", "eins"])
    ok(invoke(site, "fetch"))
    ok(invoke(site, "build"))
    assert titles(site / "output" / "blogs" / "jana" / "index.html") == ["Beitrag vier", *expected]
    loaded = Site.load(site)
    with Store(loaded.store_path) as store:
        full_build(loaded, store, tmp_path / "incremental")
    assert differing(tmp_path / "incremental", loaded.output) == []


def test_undated_entries_are_listed_as_their_feed_lists_them(tmp_path, feed_server):
    home = feed_server.url("/jana/")
    serve(feed_server, home, ["c", "b", "privat", "a", "d"], published=None)
    site = new_site(tmp_path / "site")
    write_participant(site, "jana", "Janas Blog", feed_server.url("/jana/feed.xml"), home, categories=["Notizen"])
    ok(invoke(site, "fetch"))
    ok(invoke(site, "build"))
    assert titles(site / "output" / "blogs" / "jana" / "index.html") == ["Beitrag c", "Beitrag b", "Beitrag a", "Beitrag d"]
    with Store(Site.load(site).store_path) as store:
        build_site(Site.load(site), store)  # nothing changed: the same
    assert titles(site / "output" / "blogs" / "jana" / "index.html") == ["Beitrag c", "Beitrag b", "Beitrag a", "Beitrag d"]
