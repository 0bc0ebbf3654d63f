"""Privacy by default for a German site (issue 11): how commenters are named, how long comments
are kept, the privacy notice, and a blog's contact that is never published."""

from __future__ import annotations

import gzip
import sqlite3
from datetime import UTC, datetime, timedelta

import pytest

from aggregator.editors.participants import ParticipantError, read_participant
from aggregator.editors.privacy import apply_retention, shown_name
from aggregator.site import Site
from aggregator.store import Store
from tests.acceptance_helpers import files_under, invoke, new_site, ok, parse_html, post_pages, write_participant
from tests.feedmaker import Item, Reply, rss, wordpress_comments_rss
from tests.servers import RSS_TYPE, FeedServer, respond
from tests.test_takedown import cached

NOW = datetime.now(UTC).replace(microsecond=0)


def serve(server: FeedServer) -> None:
    home = server.url("/anna/")
    comments = server.url("/anna/post/feed/")
    server.route("/anna/feed/", respond(rss([
        Item("p1", "Ein kommentierter Beitrag", home + "post/", NOW - timedelta(days=10),
             comments_feed=comments, comment_count=2),
    ], "Annas Blog", home).encode(), content_type=RSS_TYPE))
    server.route("/anna/post/feed/", respond(wordpress_comments_rss("p1", home + "post/", [
        Reply(1, "Bernd Beispiel", "Ein alter Kommentar", published=NOW - timedelta(days=9)),
        Reply(2, "Clara Muster", "Ein neuer Kommentar", published=NOW - timedelta(days=1)),
    ]).encode(), content_type=RSS_TYPE))


def site_with(tmp_path, server: FeedServer, settings: str = ""):
    serve(server)
    site = new_site(tmp_path / "site", settings)
    write_participant(site, "anna", "Annas Blog", server.url("/anna/feed/"), server.url("/anna/"),
                      contact="mailto:anna@example.org")
    return site


def page_text(site) -> str:
    return post_pages(site / "output")["Ein kommentierter Beitrag"].text


@pytest.mark.parametrize("naming, shown, not_shown", [
    ("full", ["Bernd Beispiel", "Clara Muster"], []),
    ("initials", ["B. B.", "C. M."], ["Bernd", "Clara"]),
    ("hidden", ["Anonym"], ["Bernd", "Clara", "B. B."]),
])  # fmt: skip
def test_commenters_are_named_as_the_site_says(tmp_path, feed_server, naming, shown, not_shown):
    site = site_with(tmp_path, feed_server, f'BLOGPARADE_COMMENT_AUTHORS = "{naming}"')
    ok(invoke(site, "run"))
    text = page_text(site)
    assert "Ein alter Kommentar" in text and "Ein neuer Kommentar" in text
    for name in shown:
        assert name in text, (name, text)
    for name in not_shown:
        assert name not in text, (name, text)


@pytest.mark.parametrize("naming, shown", [("initials", "B. B."), ("hidden", None)])
def test_a_reply_to_a_comment_not_stored_names_it_as_the_site_says(tmp_path, feed_server, naming, shown):
    # WordPress's comment feeds hold the newest 10: comment 3, which Clara answers, is not in it.
    post = feed_server.url("/anna/post/")
    feed_server.route("/anna/feed/", respond(rss([
        Item("p1", "Ein kommentierter Beitrag", post, NOW - timedelta(days=3), comments_feed=post + "feed/",
             comment_count=12),
    ], "Annas Blog", feed_server.url("/anna/")).encode(), content_type=RSS_TYPE))
    feed_server.route("/anna/post/feed/", respond(wordpress_comments_rss("p1", post, [
        Reply(12, "Clara Muster", f'In reply to <a href="{post}#comment-3">Bernd Beispiel</a>.</p><p>Da hast du recht.',
              published=NOW - timedelta(days=1)),
    ]).encode(), content_type=RSS_TYPE))
    site = new_site(tmp_path / "site", f'BLOGPARADE_COMMENT_AUTHORS = "{naming}"')
    write_participant(site, "anna", "Annas Blog", feed_server.url("/anna/feed/"), feed_server.url("/anna/"))
    ok(invoke(site, "run"))
    text = page_text(site)
    assert "Da hast du recht." in text and "Bernd" not in text
    assert (shown in text) if shown else ("In reply to" not in text)


def test_comments_older_than_the_retention_leave_store_and_site(tmp_path, feed_server):
    site = site_with(tmp_path, feed_server)
    ok(invoke(site, "run"))
    assert "Ein alter Kommentar" in page_text(site)
    with open(site / "pelicanconf.py", "a", encoding="utf-8") as conf:
        conf.write("\nBLOGPARADE_COMMENT_RETENTION_DAYS = 5\n")
    result = ok(invoke(site, "run", "--all"))
    assert "1 comments older than BLOGPARADE_COMMENT_RETENTION_DAYS erased" in result.output
    assert "Ein alter Kommentar" not in page_text(site) and "Ein neuer Kommentar" in page_text(site)
    again = ok(invoke(site, "run", "--all"))  # the comment feed still lists it: it stays out
    assert "erased" not in again.output
    db = sqlite3.connect(site / "blogparade.sqlite")
    assert db.execute("SELECT author FROM comments").fetchall() == [("Clara Muster",)]


def test_comments_erased_by_retention_leave_pelicans_reader_cache(tmp_path, feed_server):
    site = site_with(tmp_path, feed_server, "BLOGPARADE_COMMENT_RETENTION_DAYS = 30")
    ok(invoke(site, "run"))
    assert b"Ein alter Kommentar" in cached(site)
    with Store(site / "blogparade.sqlite") as store:  # 25 days on, as that night's run erases it
        assert apply_retention(Site.load(site), store, now=NOW + timedelta(days=25)) == 1
    ok(invoke(site, "build"))
    assert "Ein alter Kommentar" not in page_text(site)
    assert b"Ein neuer Kommentar" in cached(site) and b"Ein alter Kommentar" not in cached(site)


def unpacked(path) -> bytes:
    """A file's bytes, gunzipped where gzipped (the search index's files are)."""
    data = path.read_bytes()
    return gzip.decompress(data) if data.startswith(b"\x1f\x8b") else data


def test_a_comment_erased_by_retention_is_nowhere_on_disk_after_the_next_build(tmp_path, feed_server):
    site = site_with(tmp_path, feed_server, "BLOGPARADE_COMMENT_RETENTION_DAYS = 30")
    ok(invoke(site, "run"))
    ok(invoke(site, "build"))  # the first tree, with the comment, is now the spare one
    spare = [unpacked(path) for path in files_under(site / ".output.spare")]
    assert [text for text in spare if b"Ein alter Kommentar" in text]
    with Store(site / "blogparade.sqlite") as store:  # 25 days on, as that night's run erases it
        assert apply_retention(Site.load(site), store, now=NOW + timedelta(days=25)) == 1
    ok(invoke(site, "build"))
    assert "Ein neuer Kommentar" in page_text(site)
    # The store's backups, taken before that night's erasure, keep it as long as they are kept.
    left = [path for path in files_under(site) if "backups" not in path.relative_to(site).parts
            and b"Ein alter Kommentar" in unpacked(path)]  # fmt: skip
    assert left == []
    assert (site / ".output.spare").is_dir()  # kept, for the next build to write over


def test_the_privacy_notice_states_what_the_site_knows(tmp_path, feed_server):
    site = site_with(tmp_path, feed_server, '''
BLOGPARADE_PRIVACY_CONTACT = "mailto:redaktion@example.org"
BLOGPARADE_COMMENT_AUTHORS = "initials"
BLOGPARADE_COMMENT_RETENTION_DAYS = 365
''')
    ok(invoke(site, "run"))
    page = site / "output" / "datenschutz" / "index.html"
    text = " ".join(parse_html(page).text_content().split())
    assert "Datenschutzhinweise" in text and "Initialen" in text and "365 Tagen" in text
    assert feed_server.url("/anna/feed/") in text and feed_server.url("/anna/post/feed/") in text
    assert "redaktion@example.org" in text
    home = parse_html(site / "output" / "index.html")
    assert home.xpath("//footer//a[contains(@href, 'datenschutz/')]")


@pytest.mark.parametrize("naming, before", [("full", "ihre Website."), ("initials", "die nicht gezeigt wird."),
                                            ("hidden", "Namen und Websites werden nicht gezeigt.")])  # fmt: skip
def test_the_retention_is_a_sentence_of_its_own_whatever_the_naming(tmp_path, feed_server, naming, before):
    site = site_with(tmp_path, feed_server, f'BLOGPARADE_COMMENT_AUTHORS = "{naming}"\n'
                                            "BLOGPARADE_COMMENT_RETENTION_DAYS = 365\n")
    ok(invoke(site, "build"))
    text = " ".join(parse_html(site / "output" / "datenschutz" / "index.html").text_content().split())
    assert f"{before} Kommentare werden nach 365 Tagen gelöscht." in text


@pytest.mark.parametrize("settings, said", [
    ("", "(die Redaktion hat noch keine Adresse angegeben)"),
    ('BLOGPARADE_CONTACT = "redaktion@example.org"', "Schreibt an: redaktion@example.org"),
])  # fmt: skip
def test_the_privacy_notice_says_whom_to_ask_for_a_removal(tmp_path, feed_server, settings, said):
    # It said removals could be asked for and named no one, without a word to the editors.
    site = site_with(tmp_path, feed_server, settings)
    result = ok(invoke(site, "build"))
    text = " ".join(parse_html(site / "output" / "datenschutz" / "index.html").text_content().split())
    assert said in text, text[-600:]
    warned = "the privacy notice names no one to ask for a removal" in result.output
    assert warned is (not settings)


def test_the_privacy_notice_reads_the_naming_as_the_pages_do(tmp_path, feed_server):
    site = site_with(tmp_path, feed_server, 'BLOGPARADE_COMMENT_AUTHORS = " Hidden "')
    ok(invoke(site, "run"))
    assert "Anonym" in page_text(site) and "Bernd" not in page_text(site)
    notice = " ".join(parse_html(site / "output" / "datenschutz" / "index.html").text_content().split())
    assert "Namen und Websites werden nicht gezeigt" in notice


@pytest.mark.parametrize("naming", ["hidden", "initials"])
def test_the_privacy_notice_says_what_is_stored_even_where_it_is_not_shown(tmp_path, feed_server, naming):
    # With names hidden or as initials, the store keeps the whole name and the website all the
    # same (the site can change its naming); the notice said only text, date and link.  Nor did
    # it name the attached files' links, or the addresses authors wrote into their posts.
    site = site_with(tmp_path, feed_server, f'BLOGPARADE_COMMENT_AUTHORS = "{naming}"')
    ok(invoke(site, "run"))
    notice = " ".join(parse_html(site / "output" / "datenschutz" / "index.html").text_content().split())
    assert "den Namen der Person, die ihn geschrieben hat" in notice and "ihre Website" in notice
    assert "die Links zu den Dateien, die er anhängt" in notice
    assert "selbst in ihre Beiträge geschrieben" in notice


def test_a_blogs_contact_is_never_published(tmp_path, feed_server):
    site = site_with(tmp_path, feed_server)
    ok(invoke(site, "run"))
    for path in files_under(site / "output", site / "content" / "aggregated"):
        assert b"anna@example.org" not in path.read_bytes(), path


def test_a_contact_is_one_mailto_address(tmp_path):
    path = tmp_path / "anna.toml"
    for good in ("mailto:anna@example.org", "mailto:anna.b+blog@mail.example.de"):
        path.write_text(f'name = "A"\nfeed = "https://a.example/feed/"\nhome = "https://a.example/"\ncontact = "{good}"\n')
        assert read_participant(path).contact == good
    for bad in ("anna@example.org", "mailto:anna@example.org,b@example.org", "https://a.example/"):
        path.write_text(f'name = "A"\nfeed = "https://a.example/feed/"\nhome = "https://a.example/"\ncontact = "{bad}"\n')
        with pytest.raises(ParticipantError, match="contact"):
            read_participant(path)


def test_initials():
    assert shown_name("Anna Beispiel", "initials") == "A. B."
    assert shown_name("jörg", "initials") == "J."
    assert shown_name("Anna", "hidden") == "" and shown_name("Anna", "full") == "Anna"
