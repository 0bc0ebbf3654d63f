"""The roundup of a parade on a real site: WordPress blogs served on 127.0.0.1, joined by hand,
fetched by the real `blogparade` command, and the draft read back.  What the host publishes must
list exactly what the site lists: every contribution once, none that was taken down."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

from aggregator.parades.files import local_today
from tests.acceptance_helpers import invoke, new_site, ok, write_participant
from tests.servers import HTML_TYPE, FeedServer, respond, route_documents
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
    assert "1 contribution" in status and "Werkstatt-Heimat" not in status
