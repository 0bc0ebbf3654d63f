"""Limits per participant: loopback blogs, the real CLI, a real build, the HTML read back.

One blog must not cost every run or every build minutes: entries taken per feed and run, posts
published per participant, categories per post and the length of names all have a limit (the
BLOGPARADE_MAX_* settings).  The store keeps everything it took; a raised limit shows more.
"""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aggregator.feeds.update import newest
from aggregator.models import ParsedEntry
from tests.acceptance_helpers import (
    invoke,
    listing_titles,
    new_site,
    ok,
    parse_html,
    post_pages,
    status_lines,
    visible_text,
    write_participant,
)
from tests.feedmaker import Item, rss
from tests.servers import FeedServer, respond

pytestmark = pytest.mark.slow

FIRST = datetime(2026, 10, 1, 9, tzinfo=UTC)


def title(blog: str, n: int) -> str:
    return f"{blog} Nr. {n}: Größe"


def serve(
    server: FeedServer, blog: str, numbers: list[int], tags: dict[int, str] | None = None
) -> str:
    """The blog's feed with posts `numbers`, dated a day apart; `tags` gives some a category."""
    tags = tags or {}
    items = [Item(f"{blog}-{n}", title(blog, n), f"{server.base_url}/{blog}/{n}/",
                  FIRST + timedelta(days=n), categories=[tags[n]] if n in tags else [])
             for n in numbers]  # fmt: skip
    return server.route(f"/{blog}/feed/", respond(rss(items, title=blog).encode()))


def published(site: Path) -> set[str]:
    """Titles with their own page, each listed in the archive too."""
    pages = set(post_pages(site / "output"))
    assert listing_titles(site / "output", "archives/index.html") == pages
    return pages


def stored(site: Path) -> int:
    with sqlite3.connect(site / "blogparade.sqlite") as db:
        return db.execute("SELECT count(*) FROM posts").fetchone()[0]


def setting(site: Path, text: str) -> None:
    with open(site / "pelicanconf.py", "a", encoding="utf-8") as conf:
        conf.write("\n" + text + "\n")


def test_a_run_takes_the_newest_entries_of_a_feed_up_to_the_limit(feed_server, tmp_path):
    site = new_site(tmp_path / "site", "BLOGPARADE_MAX_ITEMS_PER_FEED = 5")
    numbers = list(range(1, 31))
    random.Random(8).shuffle(numbers)  # in no order: "newest" is by date, not by place
    write_participant(site, "viel", "Viel", serve(feed_server, "viel", numbers))
    first = ok(invoke(site, "run")).output
    assert "5 new posts" in first
    assert published(site) == {title("viel", n) for n in range(26, 31)}
    # Said, not done without a word: the editors may raise the limit.
    assert "): took its newest entries, 25 older ones left out (BLOGPARADE_MAX_ITEMS_PER_FEED)" in first, first

    serve(feed_server, "viel", numbers + [31, 32])
    assert "2 new posts" in ok(invoke(site, "run")).output
    assert published(site) == {title("viel", n) for n in range(26, 33)}
    assert stored(site) == 7


def test_newest_keeps_undated_entries_last_in_feed_order():
    def entry(guid: str, day: int | None) -> ParsedEntry:
        date = FIRST + timedelta(days=day) if day is not None else None
        return ParsedEntry(guid, "", guid, "", date, None, "", "", (), "")

    entries = [entry("a", None), entry("b", 1), entry("c", None), entry("d", 3), entry("e", 2)]
    assert [e.guid for e in newest(entries, 4)] == ["d", "e", "b", "a"]
    assert [e.guid for e in newest(entries, 9)] == ["a", "b", "c", "d", "e"]  # all: as they came


PARADE = """Title: Älteste zuerst
Call: https://host.example/aufruf/
Start: 2026-10-01
End: 2026-10-03
Tag: BlogparadeAlt

Der Aufruf.
"""


def test_only_the_newest_posts_of_a_blog_are_published_and_a_raised_limit_brings_back_the_rest(
    feed_server, tmp_path
):
    site = new_site(tmp_path / "site", "BLOGPARADE_MAX_POSTS_PER_BLOG = 3")
    (site / "content" / "parades" / "alt.md").write_text(PARADE, encoding="utf-8")
    # Anna's oldest post is a contribution to a parade: it stays published.
    anna = serve(feed_server, "anna", [1, 2, 3, 4, 5, 6], tags={1: "BlogparadeAlt"})
    write_participant(site, "anna", "Anna", anna)
    write_participant(site, "bert", "Bert", serve(feed_server, "bert", [1, 2]))

    ok(invoke(site, "run"))
    assert published(site) == {title("anna", n) for n in (1, 4, 5, 6)} | {
        title("bert", 1), title("bert", 2)}  # fmt: skip
    assert stored(site) == 8  # nothing hidden is deleted
    assert "\t6 posts\t" in status_lines(ok(invoke(site, "status")).output)["Anna"]

    setting(site, "BLOGPARADE_MAX_POSTS_PER_BLOG = 10")
    assert "Built" in ok(invoke(site, "run")).output  # a changed limit is a change
    assert published(site) == {title("anna", n) for n in range(1, 7)} | {
        title("bert", 1), title("bert", 2)}  # fmt: skip


def test_categories_per_post_and_the_length_of_titles_and_names_are_bounded(feed_server, tmp_path):
    site = new_site(tmp_path / "site", "BLOGPARADE_MAX_CATEGORIES = 2\n"
                                       "BLOGPARADE_MAX_TITLE = 40\nBLOGPARADE_MAX_NAME = 16")
    long_title = "Ein sehr langer Titel über Straßenbahnen, Fähren und Flüsse im Großraum Köln"
    items = [Item("lang-1", long_title, f"{feed_server.base_url}/lang/1/", FIRST,
                  categories=["Verkehr", "Köln", "Fähren", "Straßenbahn", "Flüsse"],
                  author="Maximiliane Großmann-Überlinger")]  # fmt: skip
    write_participant(site, "lang", "Lang", feed_server.route(
        "/lang/feed/", respond(rss(items, title="Lang").encode())))  # fmt: skip
    ok(invoke(site, "run"))

    [(shown, page)] = post_pages(site / "output").items()
    assert shown.endswith("…") and len(shown) <= 40 and long_title.startswith(shown[:-1].strip())
    doc = parse_html(page.path)
    assert [a.text_content() for a in doc.xpath("//p[@class='tags']/a")] == ["Verkehr", "Köln"]
    [writer] = [" ".join(w.text_content().split()) for w in doc.xpath("//span[@class='writer']")]
    assert "Maximiliane…" in writer and "Großmann" not in visible_text(doc)

    setting(site, "BLOGPARADE_MAX_CATEGORIES = 20\nBLOGPARADE_MAX_TITLE = 1000")
    ok(invoke(site, "run"))
    [(shown, page)] = post_pages(site / "output").items()
    assert shown == long_title  # the store kept it whole
    assert len(parse_html(page.path).xpath("//p[@class='tags']/a")) == 5
