"""Take-downs that survive the next fetch (issue 11): hide a post and a comment, remove a blog
with --purge, forget a commenter; then the feeds serve everything again and `run` brings none of
it back: not on the site, in its feeds, its OPML or the store (tombstones aside)."""

from __future__ import annotations

import shutil
import sqlite3
from contextlib import closing
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aggregator.editors.takedown import replay
from aggregator.hashing import address_digest
from aggregator.site import Site
from aggregator.store import Store
from tests.acceptance_helpers import (files_under, invoke, new_site, ok, parse_html, post_pages,
                                     write_participant)
from tests.feedmaker import Item, Reply, rss, threaded_comments_atom, wordpress_comments_rss
from tests.servers import RSS_TYPE, FeedServer, respond
from tests.test_store import comment, post

# A week ago, whenever the tests run: the site reads comments of posts of its last 60 days
# (BLOGPARADE_COMMENT_DAYS); a fixed date here stopped these tests' comments 60 days after it.
DAY = datetime.now(UTC).replace(hour=10, minute=0, second=0, microsecond=0) - timedelta(days=7)


def serve_blogs(server: FeedServer) -> dict[str, str]:
    """Anna's blog (a post with comments by Bernd and Clara, and a second post) and Toms Blog."""
    anna, tom = server.url("/anna/"), server.url("/tom/")
    comments = server.url("/anna/kommentare/feed/")
    server.route("/anna/feed/", respond(rss([
        Item("a1", "Annas Kommentarbeitrag", anna + "kommentare/", DAY, comments_feed=comments,
             comment_count=3),
        Item("a2", "Annas Peinlicher Beitrag", anna + "peinlich/", DAY + timedelta(days=1)),
    ], "Annas Blog", anna).encode(), content_type=RSS_TYPE))
    server.route("/anna/kommentare/feed/", respond(wordpress_comments_rss("a1", anna + "kommentare/", [
        Reply(1, "Bernd Beispiel", "Bernds erster Kommentar", published=DAY.replace(hour=11)),
        Reply(2, "Clara Muster", "Claras Kommentar", published=DAY.replace(hour=12)),
        Reply(3, "bernd beispiel", "Bernds zweiter Kommentar", published=DAY.replace(hour=13)),
    ]).encode(), content_type=RSS_TYPE))
    server.route("/tom/feed/", respond(rss([
        Item("t1", "Toms Werkstattbericht", tom + "werkstatt/", DAY),
    ], "Toms Blog", tom).encode(), content_type=RSS_TYPE))
    return {"anna": anna, "tom": tom}


def all_output_text(site: Path) -> str:
    return "\n".join(path.read_text(encoding="utf-8", errors="replace")
                     for path in files_under(site / "output") if path.suffix in (".html", ".xml", ".opml"))


def store_bytes(site: Path) -> bytes:
    return b"".join(path.read_bytes() for path in site.glob("blogparade.sqlite*"))


def cached(site: Path) -> bytes:
    """Pelican's reader cache as saved (website/build.py reader_cache)."""
    return b"".join(path.read_bytes() for path in (site / "cache").rglob("*-Readers"))


def test_take_downs_survive_the_next_fetch(tmp_path, feed_server):
    homes = serve_blogs(feed_server)
    site = new_site(tmp_path / "site")
    for url in (feed_server.url("/anna/feed/"), feed_server.url("/tom/feed/")):
        ok(invoke(site, "join", url))
    ok(invoke(site, "run"))
    text = all_output_text(site)
    for needle in ("Annas Peinlicher Beitrag", "Claras Kommentar", "Bernd Beispiel", "Toms Werkstattbericht"):
        assert needle in text, needle
    page = post_pages(site / "output")["Annas Kommentarbeitrag"].path
    [clara] = parse_html(page).xpath("//article[contains(@class, 'comment')][.//text()[contains(., 'Claras')]]/@id")
    our_comment_page = "https://blogparade.example/" + page.relative_to(site / "output").parent.as_posix() + f"/#{clara}"
    # A mistyped or stale comment anchor names nothing: never the whole post it was on.
    for wrong in ("#comment-nonexist", "#comment-0123456789abcdef", "#comments"):
        typo = invoke(site, "hide", our_comment_page.split("#")[0] + wrong)
        assert typo.exit_code == 2 and "no stored post or comment" in typo.output, typo.output

    hidden = ok(invoke(site, "hide", homes["anna"] + "peinlich/", "--reason", "Wunsch der Autorin"))
    assert "Hidden: post 'Annas Peinlicher Beitrag'" in hidden.output
    ok(invoke(site, "hide", our_comment_page))
    removed = ok(invoke(site, "remove", "toms-blog", "--purge", "--reason", "Blog eingestellt"))
    assert "Erased 1 post and 0 comments" in removed.output
    forgotten = ok(invoke(site, "forget", "--commenter", "Bernd Beispiel", "--reason", "Art. 17"))
    assert "Erased 2 comments of Bernd Beispiel" in forgotten.output
    assert forgotten.output.count("erased comment ") == 2

    # The feeds serve everything again; the nightly job runs.
    serve_blogs(feed_server)
    run = ok(invoke(site, "run", "--all"))
    assert "Built" in run.output
    text = all_output_text(site)
    for gone in ("Annas Peinlicher Beitrag", "Claras Kommentar", "Bernd", "Toms Werkstattbericht",
                 "Toms Blog", "/tom/"):
        assert gone not in text, gone
    assert "Annas Kommentarbeitrag" in text  # the rest stays
    assert "toms-blog" not in (site / "output" / "blogroll.opml").read_text(encoding="utf-8")
    # Nor does the tree a build keeps beside output/ to write over (website/output.py) hold them:
    # the build that published the take-downs kept none; the next one keeps that build's.
    assert not (site / ".output.spare").exists()
    ok(invoke(site, "build"))
    spare = "".join(p.read_text(encoding="utf-8", errors="replace")
                    for p in (site / ".output.spare").rglob("*.html"))  # fmt: skip
    assert "Annas Kommentarbeitrag" in spare and "Annas Peinlicher Beitrag" not in spare and "Bernd" not in spare
    assert not (site / "content" / "participants" / "toms-blog.toml").exists()

    db = sqlite3.connect(site / "blogparade.sqlite")
    assert db.execute("SELECT count(*) FROM posts WHERE participant = 'toms-blog'").fetchone() == (0,)
    assert db.execute("SELECT count(*) FROM comments WHERE author LIKE '%bernd%'").fetchone() == (0,)
    assert db.execute("SELECT hidden IS NOT NULL FROM posts WHERE title = 'Annas Peinlicher Beitrag'"
                      ).fetchone() == (1,)  # hidden stays in the store, marked
    assert db.execute("SELECT hidden IS NOT NULL FROM comments WHERE author = 'Clara Muster'"
                      ).fetchone() == (1,)
    db.close()
    raw = store_bytes(site)
    assert b"Bernd" not in raw and b"bernd" not in raw  # not in freed pages or the WAL either
    assert b"Toms Werkstattbericht" not in raw

    # Nor by joining or importing the blog again.
    join = invoke(site, "join", feed_server.url("/tom/feed/"))
    assert join.exit_code == 1 and "removed from this site for good" in join.output
    opml = tmp_path / "blogs.opml"
    opml.write_text(f'<opml version="2.0"><body><outline type="rss" text="Tom" '
                    f'xmlUrl="{feed_server.url("/tom/feed/")}"/></body></opml>', encoding="utf-8")
    imported = invoke(site, "opml", "import", str(opml))
    assert imported.exit_code == 1 and "removed from this site for good" in imported.output

    # A pull request bringing its file back: check refuses it, fetch does not read it.
    (site / "content" / "participants" / "tom.toml").write_text(
        f'name = "Tom"\nfeed = "{feed_server.url("/tom/feed/")}"\nhome = "{homes["tom"]}"\n', encoding="utf-8")
    check = invoke(site, "check")
    assert check.exit_code == 2 and "removed from this site for good" in check.output
    fetched = ok(invoke(site, "fetch"))
    assert "Not read: tom was removed for good" in fetched.output
    (site / "content" / "participants" / "tom.toml").unlink()

    log = (site / "takedowns.log").read_text(encoding="utf-8")
    assert "\thide\tpost\t" in log and "Wunsch der Autorin" in log and "\thide\tcomment\t" in log
    assert all(line.split("\t")[5].strip() for line in log.splitlines()[1:]), log  # what was done, each
    assert "\tremove\tblog (purged)\ttoms-blog" in log and "Blog eingestellt" in log
    assert "\tforget\tcommenter\tname sha256:" in log and "Bernd" not in log and "2 comments erased" in log

    shown = ok(invoke(site, "unhide", homes["anna"] + "peinlich/"))
    assert "Shown again" in shown.output
    ok(invoke(site, "build"))
    assert "Annas Peinlicher Beitrag" in all_output_text(site)


def serve_a_reply(server: FeedServer) -> str:
    """Anna's post with Bernd's comment and Clara's reply to it, WordPress's "In reply to" first."""
    post = server.url("/anna/kommentare/")
    server.route("/anna/feed/", respond(rss([
        Item("a1", "Annas Kommentarbeitrag", post, DAY, comments_feed=post + "feed/", comment_count=2),
    ], "Annas Blog", server.url("/anna/")).encode(), content_type=RSS_TYPE))
    server.route("/anna/kommentare/feed/", respond(wordpress_comments_rss("a1", post, [
        Reply(3, "Bernd Beispiel", "Bernds Kommentar", published=DAY.replace(hour=11)),
        Reply(4, "Clara Muster", f'In reply to <a href="{post}#comment-3">Bernd Beispiel</a>.</p><p>Claras Antwort',
              published=DAY.replace(hour=12)),
    ]).encode(), content_type=RSS_TYPE))
    return post


def test_a_hidden_comment_is_not_named_by_the_replies_to_it(tmp_path, feed_server):
    post = serve_a_reply(feed_server)
    site = new_site(tmp_path / "site")
    ok(invoke(site, "join", feed_server.url("/anna/feed/")))
    ok(invoke(site, "run"))
    ok(invoke(site, "hide", post + "#comment-3"))
    ok(invoke(site, "build"))
    text = post_pages(site / "output")["Annas Kommentarbeitrag"].text
    assert "Claras Antwort" in text and "Bernd" not in text


def test_a_forgotten_commenter_is_not_named_by_the_replies_to_them(tmp_path, feed_server):
    serve_a_reply(feed_server)
    site = new_site(tmp_path / "site")
    ok(invoke(site, "join", feed_server.url("/anna/feed/")))
    ok(invoke(site, "run"))
    ok(invoke(site, "forget", "--commenter", "Bernd Beispiel"))
    ok(invoke(site, "build"))
    assert "Claras Antwort" in all_output_text(site) and "Bernd" not in all_output_text(site)
    for path in files_under(site / "content" / "aggregated"):
        assert b"Bernd" not in path.read_bytes(), path
    assert b"Bernd" not in store_bytes(site)  # Clara's reply lost its paragraph, in freed pages too
    ok(invoke(site, "run", "--all"))  # the feed still writes the paragraph: it does not come back
    assert "Claras Antwort" in all_output_text(site) and "Bernd" not in all_output_text(site)
    assert b"Bernd" not in store_bytes(site)


def test_a_take_down_leaves_nothing_in_pelicans_reader_cache(tmp_path, feed_server):
    homes = serve_blogs(feed_server)
    site = new_site(tmp_path / "site")
    ok(invoke(site, "join", feed_server.url("/anna/feed/")))
    ok(invoke(site, "run"))

    assert b"Annas Peinlicher Beitrag" in cached(site) and b"Bernds erster Kommentar" in cached(site)
    ok(invoke(site, "hide", homes["anna"] + "peinlich/"))
    ok(invoke(site, "forget", "--commenter", "Bernd Beispiel"))
    ok(invoke(site, "build"))
    assert b"Annas Kommentarbeitrag" in cached(site)  # saved again, of the posts as they are now
    assert b"Peinlicher" not in cached(site) and b"Bernd" not in cached(site)


def test_a_removed_blog_keeps_its_posts_in_the_store_without_purge(tmp_path, feed_server):
    serve_blogs(feed_server)
    site = new_site(tmp_path / "site")
    ok(invoke(site, "join", feed_server.url("/tom/feed/")))
    ok(invoke(site, "run"))
    result = ok(invoke(site, "remove", "toms-blog"))
    assert "stay in the store" in result.output
    ok(invoke(site, "build"))
    assert "Toms Werkstattbericht" not in all_output_text(site)
    db = sqlite3.connect(site / "blogparade.sqlite")
    assert db.execute("SELECT count(*) FROM posts").fetchone() == (1,)
    ok(invoke(site, "join", feed_server.url("/tom/feed/")))  # and it may join again


def test_a_blog_whose_file_was_deleted_by_hand_is_purged_with_its_feed(tmp_path, feed_server):
    # Its feed came from the file only: without it no tombstone, and `join` brought it back.
    serve_blogs(feed_server)
    site = new_site(tmp_path / "site")
    ok(invoke(site, "join", feed_server.url("/tom/feed/")))
    ok(invoke(site, "run"))
    (site / "content" / "participants" / "toms-blog.toml").unlink()
    result = ok(invoke(site, "remove", "toms-blog", "--purge"))
    assert "its participant file was gone already" in result.output
    assert f"\tremove\tblog (purged)\ttoms-blog {feed_server.url('/tom/feed/')}\t" in (site / "takedowns.log").read_text()
    again = invoke(site, "join", feed_server.url("/tom/feed/"))
    assert again.exit_code != 0 and "removed" in again.output, again.output


@pytest.mark.parametrize("command, said", [
    (["hide", "https://nirgends.example/post/"], "Error: no stored post or comment"),
    (["unhide", "https://nirgends.example/post/"], "Error: no stored post or comment"),
    (["remove", "niemand"], "Error: no blog 'niemand'"),
    (["forget", "--commenter", " "], "Error: say whose comments to forget"),
])  # fmt: skip
def test_a_take_down_of_nothing_says_so_as_bad_usage(tmp_path, command, said):
    # Exit 2, as `roundup` of a parade that does not exist: the command named nothing, and
    # nothing was done (it was 1, the code of a job that failed).
    site = new_site(tmp_path / "site")
    result = invoke(site, *command)
    assert result.exit_code == 2 and said in result.output, result.output


def test_a_restored_backup_does_not_bring_take_downs_back(tmp_path, feed_server):
    homes = serve_blogs(feed_server)
    site = new_site(tmp_path / "site")
    for url in (feed_server.url("/anna/feed/"), feed_server.url("/tom/feed/")):
        ok(invoke(site, "join", url))
    ok(invoke(site, "run"))
    ok(invoke(site, "fetch", "--all"))  # its backup holds everything
    [*_, full] = sorted((site / "backups").glob("*.sqlite"))
    ok(invoke(site, "hide", homes["anna"] + "peinlich/"))
    ok(invoke(site, "remove", "toms-blog", "--purge"))
    ok(invoke(site, "forget", "--commenter", "Clara Muster"))

    restored = ok(invoke(site, "restore", str(full)))
    assert "Applied the 3 take-downs of takedowns.log again" in restored.output
    ok(invoke(site, "run", "--all"))
    text = all_output_text(site)
    for gone in ("Annas Peinlicher Beitrag", "Claras Kommentar", "Toms Werkstattbericht"):
        assert gone not in text, gone
    assert b"Clara" not in store_bytes(site)
    db = sqlite3.connect(site / "blogparade.sqlite")
    assert db.execute("SELECT count(*) FROM posts WHERE participant = 'toms-blog'").fetchone() == (0,)


@pytest.mark.parametrize("slug", ["../../pyproject", "../participants/../../pyproject", "/tmp/x", ".."])
def test_remove_takes_a_slug_not_a_path(tmp_path, slug):
    # `remove ../../pyproject` deleted the site repository's pyproject.toml and said "Removed".
    site = new_site(tmp_path / "site")
    (site / "pyproject.toml").write_text("[project]\n")
    result = invoke(site, "remove", slug)
    assert result.exit_code == 2 and "is not a blog's slug" in result.output
    assert (site / "pyproject.toml").read_text() == "[project]\n"


@pytest.mark.slow
def test_a_backup_older_than_a_hidden_post_does_not_bring_it_back(tmp_path, feed_server):
    # The post came and was hidden after the backup was made: the replayed `hide` found nothing
    # to mark, and the next fetch published the post and the comment again.
    homes = serve_blogs(feed_server)
    site = new_site(tmp_path / "site")
    ok(invoke(site, "join", feed_server.url("/anna/feed/")))
    ok(invoke(site, "run"))
    [before] = sorted((site / "backups").glob("*.sqlite"))  # the store as the first run found it
    page = post_pages(site / "output")["Annas Kommentarbeitrag"].path
    [clara] = parse_html(page).xpath("//article[contains(@class, 'comment')][.//text()[contains(., 'Claras')]]/@id")
    ok(invoke(site, "hide", homes["anna"] + "peinlich/"))
    ok(invoke(site, "hide", "https://blogparade.example/"
              + page.relative_to(site / "output").parent.as_posix() + f"/#{clara}"))  # fmt: skip
    ok(invoke(site, "hide", homes["anna"] + "kommentare/"))
    ok(invoke(site, "unhide", homes["anna"] + "kommentare/"))

    ok(invoke(site, "restore", str(before)))
    ok(invoke(site, "run", "--all"))
    text = all_output_text(site)
    for gone in ("Annas Peinlicher Beitrag", "Claras Kommentar"):
        assert gone not in text, gone
    assert "Annas Kommentarbeitrag" in text and "Bernds erster Kommentar" in text  # shown again
    ok(invoke(site, "unhide", homes["anna"] + "peinlich/"))
    ok(invoke(site, "build"))
    assert "Annas Peinlicher Beitrag" in all_output_text(site)


def test_a_post_a_restored_store_forgot_can_be_hidden(tmp_path, feed_server):
    # A bad night stored junk posts; the editors restored the night before. The site keeps what
    # the restored store does not know (a fetch brings it back), and `hide` said "no stored post":
    # only deleting files under content/aggregated/ by hand took the junk off the site.
    homes = serve_blogs(feed_server)
    site = new_site(tmp_path / "site")
    ok(invoke(site, "join", feed_server.url("/tom/feed/")))
    ok(invoke(site, "run"))
    [before] = sorted((site / "backups").glob("*.sqlite"))
    junk = [Item(f"j{n}", f"Müll {n}", homes["tom"] + f"muell-{n}/", DAY + timedelta(hours=n)) for n in (1, 2)]
    feed_server.route("/tom/feed/", respond(rss([Item("t1", "Toms Werkstattbericht", homes["tom"] + "werkstatt/", DAY),
                                                 *junk], "Toms Blog", homes["tom"]).encode(), content_type=RSS_TYPE))
    ok(invoke(site, "run"))
    ok(invoke(site, "restore", str(before)))
    ok(invoke(site, "build"))
    assert "Müll 1" in all_output_text(site) and "Müll 2" in all_output_text(site)
    ok(invoke(site, "hide", homes["tom"] + "muell-1/"))  # by its original link
    page = post_pages(site / "output")["Müll 2"].path.relative_to(site / "output").parent.as_posix()
    ok(invoke(site, "hide", f"https://blogparade.example/{page}/"))  # by its page here
    ok(invoke(site, "build"))
    assert "Müll" not in all_output_text(site) and "Toms Werkstattbericht" in all_output_text(site)
    ok(invoke(site, "run", "--all"))  # the feed brings them again: hidden as they arrive
    assert "Müll" not in all_output_text(site)


def test_a_post_hidden_while_its_store_forgot_it_can_be_shown_again(tmp_path, feed_server):
    homes = serve_blogs(feed_server)
    site = new_site(tmp_path / "site")
    ok(invoke(site, "join", feed_server.url("/tom/feed/")))
    ok(invoke(site, "run"))
    ok(invoke(site, "restore", "--empty"))
    ok(invoke(site, "hide", homes["tom"] + "werkstatt/"))  # only its exported file knew it
    ok(invoke(site, "build"))
    assert "Toms Werkstattbericht" not in all_output_text(site)
    shown = ok(invoke(site, "unhide", homes["tom"] + "werkstatt/"))
    assert "not stored: shown when its feed brings it again" in shown.output
    ok(invoke(site, "run", "--all"))
    assert "Toms Werkstattbericht" in all_output_text(site)


@pytest.mark.slow
def test_purging_a_blog_keeps_the_image_file_another_blog_shows(tmp_path, feed_server):
    # Both blogs show the parade's logo, each its own copy: one file here, named by its content.
    # `remove --purge` deleted it with the purged blog's image, and the other blog's page lost it.
    from tests.test_images import png

    site = new_site(tmp_path / "site")
    for slug in ("anna", "tom"):
        home = feed_server.url(f"/{slug}/")
        body = f'<p>Mein Beitrag zur Blogparade</p><p><img src="{home}logo.png" alt="Logo"></p>'
        feed_server.route(f"/{slug}/logo.png", respond(png(30, 20), content_type="image/png"))
        feed = rss([Item(f"{slug}1", f"Beitrag von {slug}", home + "p1/", DAY, body)], f"Blog {slug}", home)
        feed_server.route(f"/{slug}/feed/", respond(feed.encode(), content_type=RSS_TYPE))
        write_participant(site, slug, f"Blog {slug}", feed_server.url(f"/{slug}/feed/"), home, display="full")
    ok(invoke(site, "run"))
    ok(invoke(site, "remove", "tom", "--purge"))
    shutil.rmtree(site / "content" / "aggregated")  # a new checkout: the export is not in git
    ok(invoke(site, "build"))
    page = post_pages(site / "output")["Beitrag von anna"].path
    [image] = parse_html(page).xpath("//main//img")
    assert (page.parent / image.get("src")).resolve().is_file()
    assert (image.get("width"), image.get("height")) == ("30", "20")


def serve_bernds_pings(server: FeedServer, pings: int) -> str:
    """Anna's post whose Atom comment feed has Bernd's comment, signed with his site, and the
    pingbacks his blog's posts sent (their author link: his post)."""
    post, bernd = server.url("/anna/kommentare/"), "https://bernd-beispiel.example/"
    server.route("/anna/feed/", respond(rss([
        Item("a1", "Annas Kommentarbeitrag", post, DAY, comments_feed=post + "feed/", comment_count=1 + pings),
    ], "Annas Blog", server.url("/anna/")).encode(), content_type=RSS_TYPE))
    server.route("/anna/kommentare/feed/", respond(threaded_comments_atom("a1", post, [
        Reply(1, "Bernd Beispiel", "Bernds Kommentar", author_url=bernd, published=DAY.replace(hour=11)),
        *(Reply(1 + n, f"Bernds Blog » Teil {n} meiner Reihe", f"[…] wie Anna schreibt, Teil {n} […]",
                author_url=f"{bernd}2026/11/teil-{n}/", published=DAY.replace(hour=11 + n))
          for n in range(1, pings + 1)),
    ]).encode(), content_type="application/atom+xml"))
    return bernd


@pytest.mark.slow
def test_a_commenter_forgotten_by_web_address_loses_the_pingbacks_of_their_site(tmp_path, feed_server):
    # A pingback's author link is the sender's post, not their site's address: forgetting
    # https://bernd-beispiel.example/ left his blog's pingbacks, title and links on the site.
    bernd = serve_bernds_pings(feed_server, pings=1)
    site = new_site(tmp_path / "site")
    ok(invoke(site, "join", feed_server.url("/anna/feed/")))
    ok(invoke(site, "run"))
    assert "Teil 1 meiner Reihe" in all_output_text(site)
    forgotten = ok(invoke(site, "forget", "--commenter", bernd))
    assert "Erased 2 comments" in forgotten.output
    serve_bernds_pings(feed_server, pings=2)  # his next post pings Anna's again
    ok(invoke(site, "run", "--all"))
    text = all_output_text(site)
    assert "Annas Kommentarbeitrag" in text
    for gone in ("Bernd", "bernd-beispiel", "meiner Reihe"):
        assert gone not in text, gone
    # Neither the store's tombstones nor the log keep his address: its digest does the work.
    assert b"bernd-beispiel" not in store_bytes(site)
    log = (site / "takedowns.log").read_text(encoding="utf-8")
    assert "bernd-beispiel" not in log and "\tforget\tcommenter\tweb address sha256:" in log


def test_a_store_and_a_log_that_kept_a_forgotten_address_keep_its_digest_instead(tmp_path):
    # Stores and logs of earlier versions held the address in clear (a tombstone's key, the
    # log's line): the store's migration and the next take-down keep its digest instead, and a
    # restore replays either line.
    site = new_site(tmp_path / "site")
    path = site / "blogparade.sqlite"
    with Store(path) as store:
        store.bury([("commenter-url", "bernd-beispiel.example")])
    with closing(sqlite3.connect(path)) as db:
        db.execute("PRAGMA user_version = 16")  # as version 16 left it: the key in clear
        db.commit()
    with Store(path) as store:
        assert [key for kind, key, _ in store.tombstones() if kind == "commenter-url"] == [
            address_digest("bernd-beispiel.example")]
        store.record_success("anna", "f", etag=None, last_modified=None, body_hash="a", posts=[post()])
        store.record_success("anna", "c", etag=None, last_modified=None, body_hash="a", comments=[
            comment("1", author="Bernd", author_url="https://bernd-beispiel.example/2026/reihe/"),
            comment("2", author="Bea", author_url="https://bernd-beispiel.example.org/")])  # fmt: skip
        assert [c.author for c in store.comments(post().id)] == ["Bea"]  # his site's pages stay forgotten
        store.set_meta("x", "y")
    raw = b"".join(p.read_bytes() for p in site.glob("blogparade.sqlite*")).replace(b"bernd-beispiel.example.org", b"")
    assert b"bernd-beispiel.example" not in raw

    line = "2026-11-01 10:00:00\tforget\tcommenter\tweb address https://tom.example/\tArt. 17\t3 comments erased\n"
    (site / "takedowns.log").write_text("# when (UTC)\taction\twhat\twhich\treason\tdone\n" + line, encoding="utf-8")
    with Store(path) as store:
        store.record_success("anna", "c", etag=None, last_modified=None, body_hash="b", comments=[
            comment("3", author="Tom", author_url="https://tom.example/")])  # fmt: skip
        assert replay(Site.load(site), store) == 1  # the old line, as a restore replays it
        assert [c.author for c in store.comments(post().id)] == ["Bea"]
    ok(invoke(site, "forget", "--commenter", "Niemand"))
    log = (site / "takedowns.log").read_text(encoding="utf-8")
    assert "tom.example" not in log
    assert f"web address sha256:{address_digest('tom.example')}\tArt. 17\t3 comments erased" in log
    # Without a take-down after the upgrade the address stayed in the log for good: the nightly
    # fetch digests it.
    (site / "takedowns.log").write_text("# when (UTC)\taction\twhat\twhich\treason\tdone\n" + line, encoding="utf-8")
    invoke(site, "fetch")
    assert "tom.example" not in (site / "takedowns.log").read_text(encoding="utf-8")


@pytest.mark.slow
def test_a_restored_backup_keeps_no_image_of_a_purged_blog(tmp_path, feed_server):
    # The replayed purge erased the blog's posts, not its images: the store put in place still
    # listed them (their addresses, on the purged blog's server).
    from tests.test_images import png

    home = feed_server.url("/tom/")
    feed_server.route("/tom/werkstatt.png", respond(png(), content_type="image/png"))
    feed = rss([Item("t1", "Toms Werkstattbericht", home + "werkstatt/", DAY,
                     f'<p><img src="{home}werkstatt.png" alt="Werkbank"></p>')], "Toms Blog", home)  # fmt: skip
    feed_server.route("/tom/feed/", respond(feed.encode(), content_type=RSS_TYPE))
    site = new_site(tmp_path / "site")
    write_participant(site, "tom", "Toms Blog", feed_server.url("/tom/feed/"), home, display="full")
    ok(invoke(site, "run"))
    ok(invoke(site, "fetch", "--all"))  # its backup holds the post and its image
    [*_, full] = sorted((site / "backups").glob("*.sqlite"))
    ok(invoke(site, "remove", "tom", "--purge"))
    ok(invoke(site, "restore", str(full)))
    db = sqlite3.connect(site / "blogparade.sqlite")
    assert db.execute("SELECT url FROM media").fetchall() == []
    db.close()
    assert not list((site / "media").iterdir())


@pytest.mark.slow
def test_forgetting_a_web_address_names_the_comments_signed_alike_that_carry_none(tmp_path, feed_server):
    """WordPress's RSS comment feeds give no commenter's address: forgetting Bernd's address
    erases what his address signs, and names the comments under his name that carry none, for
    the editors to erase by name (a name is no one's alone: they are not erased unasked)."""
    bernd = "https://bernd-beispiel.example/"
    one, two = feed_server.url("/anna/eins/"), feed_server.url("/anna/zwei/")
    feed_server.route("/anna/feed/", respond(rss([
        Item("a1", "Mit Atom-Kommentaren", one, DAY, comments_feed=one + "feed/", comment_count=1),
        Item("a2", "Mit RSS-Kommentaren", two, DAY, comments_feed=two + "feed/", comment_count=2),
    ], "Annas Blog", feed_server.url("/anna/")).encode(), content_type=RSS_TYPE))
    feed_server.route("/anna/eins/feed/", respond(threaded_comments_atom("a1", one, [
        Reply(1, "Bernd Beispiel", "Bernd mit Adresse", author_url=bernd, published=DAY.replace(hour=11)),
    ]).encode(), content_type="application/atom+xml"))
    feed_server.route("/anna/zwei/feed/", respond(wordpress_comments_rss("a2", two, [
        Reply(2, "Bernd Beispiel", "Bernd ohne Adresse", published=DAY.replace(hour=12)),
        Reply(3, "Clara Muster", "Clara ohne Adresse", published=DAY.replace(hour=13)),
    ]).encode(), content_type=RSS_TYPE))
    site = new_site(tmp_path / "site")
    ok(invoke(site, "join", feed_server.url("/anna/feed/")))
    ok(invoke(site, "run"))
    assert "Bernd ohne Adresse" in all_output_text(site)

    forgotten = ok(invoke(site, "forget", "--commenter", bernd))
    assert "Erased 1 comment of https://bernd-beispiel.example/" in forgotten.output
    assert ("1 comment signed 'Bernd Beispiel' carries no web address (feeds that give none): if it "
            "is this person's too, erase it with blogparade forget --commenter 'Bernd Beispiel'"
            ) in forgotten.output  # fmt: skip
    assert "Clara" not in forgotten.output
    ok(invoke(site, "build"))
    assert "Bernd ohne Adresse" in all_output_text(site)  # not erased unasked

    by_name = ok(invoke(site, "forget", "--commenter", "Bernd Beispiel"))
    assert "Erased 1 comment of Bernd Beispiel" in by_name.output and "carry no" not in by_name.output
    ok(invoke(site, "build"))
    text = all_output_text(site)
    assert "Bernd" not in text and "Clara ohne Adresse" in text
