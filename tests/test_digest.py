"""`blogparade digest`: the period's new posts as an e-mail, sent to a real SMTP server on
loopback (aiosmtpd), or printed."""

from __future__ import annotations

import email
import email.policy
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from aggregator.editors.digest import Digest, DigestError, DigestPost, parse_period, render_html, render_text
from tests.acceptance_helpers import invoke, new_site, ok, write_participant
from tests.feedmaker import Item, rss
from tests.servers import FeedServer, respond
from tests.test_mail import smtp  # noqa: F401 - the fixture

NOW = datetime.now(UTC)


@pytest.fixture
def site(tmp_path: Path, feed_server: FeedServer) -> Path:
    items = [
        Item("n1", "Neu & frisch", feed_server.url("/n1"), NOW - timedelta(hours=30),
             body="<p>" + "Wort " * 200 + "</p>", author="Jörg", comment_count=0),
        Item("n2", "Vor drei Tagen", feed_server.url("/n2"), NOW - timedelta(days=3)),
        Item("o1", "Vor zwei Wochen", feed_server.url("/o1"), NOW - timedelta(days=14)),
    ]
    feed_server.route("/feed/", respond(rss(items, "Werkstatt").encode()))
    root = new_site(tmp_path / "site")
    write_participant(root, "werkstatt", "Werkstatt", feed_server.url("/feed/"), department="Technik")
    ok(invoke(root, "fetch"))
    return root


def test_periods() -> None:
    assert parse_period("7d") == timedelta(days=7)
    assert parse_period("24h") == timedelta(hours=24)
    assert parse_period("2w") == timedelta(weeks=2)
    for bad in ("", "7", "0d", "week", "-1d", "２０d", "٧d", "２０２６-11-01"):  # once 20 and 7 days
        with pytest.raises(DigestError):
            parse_period(bad)
    assert parse_period("5200w") == timedelta(weeks=5200)
    for too_long in ("6000w", "99999999999d"):  # once "unexpected error: OverflowError"
        with pytest.raises(DigestError, match="more than 100 years"):
            parse_period(too_long)


def test_the_digest_is_sent_as_html_with_a_plain_text_part(site: Path, smtp) -> None:  # noqa: F811
    controller, inbox = smtp
    with open(site / "pelicanconf.py", "a", encoding="utf-8") as conf:
        conf.write(f'\nBLOGPARADE_SMTP = "smtp://{controller.hostname}:{controller.port}"\n'
                   'BLOGPARADE_MAIL_FROM = "blogs@beispiel.example"\n'
                   'BLOGPARADE_DIGEST_TO = ["alle@beispiel.example"]\n')
    result = ok(invoke(site, "digest", "--since", "2d"))
    assert "Sent the digest of 1 post to alle@beispiel.example" in result.output
    sender, recipients, data = inbox.messages[-1]
    assert (sender, recipients) == ("blogs@beispiel.example", ["alle@beispiel.example"])
    mail = email.message_from_bytes(data, policy=email.policy.default)
    assert mail["Subject"].startswith("Blogparade Test: ein neuer Beitrag seit")
    assert str(mail["Date"]).endswith("+0000")  # "-0000" says the zone is unknown
    text = mail.get_body(("plain",)).get_content()
    markup = mail.get_body(("html",)).get_content()
    assert "Neu & frisch" in text and "Vor drei Tagen" not in text
    assert "Neu &amp; frisch" in markup and "Neu & frisch" not in markup  # escaped in HTML
    assert "von Jörg" in text and "noch keine Kommentare" in text
    assert "https://blogparade.example/blogs/werkstatt/" in text  # publishconf.py's SITEURL
    # ... still the example a new site has: its links lead nowhere, as `run --publish` warns.
    assert ("warning: the digest links to the site, but publishconf.py still has the example address "
            "https://blogparade.example: set SITEURL to the real one") in result.output
    assert len(text.split("Neu & frisch")[1].splitlines()[2]) <= 310  # the excerpt is short
    # Sent again (a cron line run twice, a daily "7d"): its readers get no post a second time.
    again = ok(invoke(site, "digest", "--since", "2d"))
    assert "nothing sent" in again.output and len(inbox.messages) == 1, again.output
    ok(invoke(site, "digest", "--to", "a@x.example", "--to", "b@x.example"))  # other readers: theirs
    assert inbox.messages[-1][1] == ["a@x.example", "b@x.example"]
    # A display name, as mail programs and company lists write one, is one address too.
    ok(invoke(site, "digest", "--to", '"Alle, Redaktion" <alle@x.example>'))
    assert inbox.messages[-1][1] == ["alle@x.example"]


def test_a_post_whose_feed_says_nothing_of_comments_is_not_said_to_have_none(site: Path) -> None:
    # "Vor drei Tagen" names no comment feed and no count (Medium, Substack, a toot): its page
    # says its comments are not shown here; the digest said "noch keine Kommentare".
    text = ok(invoke(site, "digest", "--since", "5d", "--dry-run")).output
    [byline] = text.split("\nVor drei Tagen\n", 1)[1].splitlines()[:1]
    assert byline.startswith("bei Werkstatt, ") and "Kommentar" not in byline, text
    assert "bei Werkstatt, von Jörg, " in text and " · noch keine Kommentare\n" in text  # its feed says 0


def test_a_post_by_its_blog_is_not_said_to_be_by_its_blog_again(tmp_path: Path, feed_server: FeedServer) -> None:
    # A feed naming the blog as the author: "bei Kantine, von Kantine".
    feed_server.route("/kantine/feed/", respond(rss([Item("k1", "Mittagstisch", feed_server.url("/k1"),
                                                           NOW - timedelta(hours=3), author="Kantine")],
                                                         "Kantine").encode()))  # fmt: skip
    root = new_site(tmp_path / "site")
    write_participant(root, "kantine", "Kantine", feed_server.url("/kantine/feed/"))
    ok(invoke(root, "fetch"))
    text = ok(invoke(root, "digest", "--since", "1d", "--dry-run")).output
    assert "bei Kantine, " in text and "von Kantine" not in text, text


def test_posts_of_one_date_are_in_the_order_their_feed_gives(tmp_path: Path, feed_server: FeedServer) -> None:
    # A feed of days, not times (Jekyll's date-only posts): the site lists them as the feed
    # does, and the digest did by their ids.
    day = (NOW - timedelta(hours=5)).replace(minute=0, second=0, microsecond=0)
    names = ["Drittens", "Zweitens", "Erstens"]  # newest first, as feeds list them
    feed_server.route("/tage/feed/", respond(rss([Item(f"t{n}", name, feed_server.url(f"/t{n}"), day)
                                                  for n, name in enumerate(names)], "Tage").encode()))  # fmt: skip
    root = new_site(tmp_path / "site")
    write_participant(root, "tage", "Tage", feed_server.url("/tage/feed/"))
    ok(invoke(root, "fetch"))
    text = ok(invoke(root, "digest", "--since", "1d", "--dry-run")).output
    assert [text.index(f"\n{name}\n") for name in names] == sorted(text.index(f"\n{name}\n") for name in names), text


def test_one_reader_is_one_whatever_name_their_address_is_given():
    # "Alle <alle@firma.intern>" in the settings, then --to alle@firma.intern: the same week went
    # out twice.
    from aggregator.editors.digest import sent_key

    assert sent_key(None, ["Alle <alle@firma.intern>"]) == sent_key(None, ["ALLE@firma.intern"])
    assert sent_key("Vertrieb", ["a@x.example", "b@x.example"]) == sent_key("vertrieb", ["B <b@x.example>", "a@x.example"])
    assert sent_key(None, ["a@x.example"]) != sent_key(None, ["b@x.example"])


def test_a_recipient_that_is_not_one_address_is_refused_before_any_mail(site: Path, smtp) -> None:  # noqa: F811
    # "not an address" went to the mail server as the local mailbox "not", "root(x@…" as "root".
    controller, inbox = smtp
    with open(site / "pelicanconf.py", "a", encoding="utf-8") as conf:
        conf.write(f'\nBLOGPARADE_SMTP = "smtp://{controller.hostname}:{controller.port}"\n')
    for bad in ("not an address", "a@x.example, b@x.example", "root(x@example.org"):
        refused = invoke(site, "digest", "--to", "a@x.example", "--to", bad)
        assert refused.exit_code == 2, refused.output
        assert f"--to: {bad!r} is not one e-mail address" in refused.output
        assert len(refused.output.strip().splitlines()) == 1 and "Traceback" not in refused.output
    with open(site / "pelicanconf.py", "a", encoding="utf-8") as conf:
        conf.write('BLOGPARADE_DIGEST_TO = ["alle@beispiel.example", "Redaktion"]\n')
    for command in (("digest",), ("digest", "--dry-run")):
        refused = invoke(site, *command)
        assert refused.exit_code == 2 and "BLOGPARADE_DIGEST_TO: 'Redaktion'" in refused.output
    assert inbox.messages == []


def test_english_when_the_site_is(tmp_path: Path, site: Path) -> None:
    conf = site / "pelicanconf.py"
    conf.write_text(conf.read_text().replace("DEFAULT_LANG = 'de'", "DEFAULT_LANG = 'en'"))
    printed = ok(invoke(site, "digest", "--dry-run")).output
    assert "Subject: Blogparade Test: 2 new posts since" in printed
    assert "on Werkstatt, by Jörg" in printed


def test_nothing_new_sends_nothing_and_bad_requests_are_one_sentence(site: Path) -> None:
    assert "nothing sent" in ok(invoke(site, "digest", "--since", "1h")).output
    unknown = invoke(site, "digest", "--dry-run", "--department", "Vertrieb")
    assert unknown.exit_code == 2 and "departments: Technik" in unknown.output
    no_server = invoke(site, "digest", "--to", "a@x.example")
    assert no_server.exit_code == 2 and "BLOGPARADE_SMTP" in no_server.output
    assert "Traceback" not in unknown.output + no_server.output


def test_departments_named_in_other_scripts_stay_apart(tmp_path: Path, feed_server: FeedServer) -> None:
    # The slug that departments were compared by is "blog" for every Cyrillic or CJK name.
    root = new_site(tmp_path / "site")
    for slug, department in (("prodazhi", "Продажи"), ("marketing", "Маркетинг"), ("eigyo", "営業")):
        post = Item(slug, f"Neu bei {department}", feed_server.url(f"/{slug}/1"), NOW - timedelta(hours=3))
        feed = feed_server.route(f"/{slug}/feed/", respond(rss([post], department).encode()))
        write_participant(root, slug, department, feed, department=department)
    ok(invoke(root, "fetch"))
    for asked, department in (("Продажи", "Продажи"), ("продажи", "Продажи"), ("営業", "営業")):
        printed = ok(invoke(root, "digest", "--dry-run", "--department", asked)).output
        assert "ein neuer Beitrag seit" in printed and f"– {department}" in printed, printed
        titles = [line for line in printed.splitlines() if line.startswith("Neu bei")]
        assert titles == [f"Neu bei {department}"], printed
    unknown = invoke(root, "digest", "--dry-run", "--department", "開発")
    assert unknown.exit_code == 2 and "departments: Маркетинг, Продажи, 営業" in unknown.output


def test_counts_are_written_as_the_site_writes_them_and_other_languages_are_marked(
    tmp_path: Path, feed_server: FeedServer,
) -> None:  # fmt: skip
    # The site's pages say "1.234 Kommentare" and mark an English post's title with its
    # language; the digest, the same posts in a mail, must too.
    feed_server.route("/en/feed/", respond(rss([Item("e1", "Greening our office", feed_server.url("/e1"),
                                                     NOW - timedelta(hours=3))], "Green")
                                                 .replace("de-DE", "en-GB").encode()))  # fmt: skip
    root = new_site(tmp_path / "site")
    write_participant(root, "green", "Green", feed_server.url("/en/feed/"))
    ok(invoke(root, "fetch"))
    printed = ok(invoke(root, "digest", "--dry-run")).output
    assert '<h2 style="font-size:1.1em;margin:0" lang="en">' in printed
    digest = Digest("Blogs", "", NOW - timedelta(days=1), NOW, None, (
        DigestPost("Viel los", "Werkstatt", "", "", 1234, NOW, "https://x.example/p/", "https://x.example/b/"),
    ))  # fmt: skip
    assert "1.234 Kommentare" in render_text(digest) and "1.234 Kommentare" in render_html(digest)
    assert "1,234 comments" in render_text(replace(digest, lang="en"))


def test_only_posts_the_site_shows_are_news(tmp_path: Path, feed_server: FeedServer) -> None:
    # A Hugo blog moved to https brought its posts again under new guids, and the digest listed
    # each twice, once linking the old copy's page the site no longer has; a blog that takes
    # only its "Arbeit" posts since had its older other posts listed, linking pages never built.
    def hugo(scheme: str) -> None:
        home = f"{scheme}://{feed_server.host}:{feed_server.port}/hugo/"
        items = [Item(f"{home}{slug}/", title, f"{home}{slug}/", NOW - timedelta(days=days), categories=[topic])
                 for slug, title, days, topic in [("umzug", "Umgezogen", 2, "Arbeit"),
                                                  ("urlaub", "Urlaub", 3, "Privat")]]  # fmt: skip
        feed_server.route("/hugo/index.xml", respond(rss(items, "Hugo", home).encode()))

    hugo("http")
    root = new_site(tmp_path / "site")
    write_participant(root, "hugo", "Hugo", feed_server.url("/hugo/index.xml"))
    ok(invoke(root, "fetch"))
    time.sleep(1)  # the store's times are whole seconds: the move is seen later (a night, really)
    hugo("https")
    write_participant(root, "hugo", "Hugo", feed_server.url("/hugo/index.xml"), categories=["Arbeit"])
    ok(invoke(root, "run"))

    printed = ok(invoke(root, "digest", "--dry-run", "--since", "7d")).output
    titles = [line for line in printed.splitlines() if line in ("Umgezogen", "Urlaub")]
    assert titles == ["Umgezogen"], printed
    pages = {path.parent.name for path in (root / "output" / "blogs" / "hugo").glob("*/index.html")
             if 'http-equiv="refresh"' not in path.read_text(encoding="utf-8")}  # the old address: a redirect
    linked = {line.rstrip("/").rsplit("/", 1)[1] for line in printed.splitlines()
              if line.startswith("Weiterlesen: ")}  # fmt: skip
    assert linked == pages and len(pages) == 1, (linked, pages)


def test_every_post_is_in_one_weekly_digest_however_late_it_was_fetched(tmp_path: Path) -> None:
    # The README's cron lines fetch at 3:17 and send the digest on Mondays at 7:00: a post
    # published on a Monday at 5:00 was fetched on Tuesday, after that digest, and the next
    # one's period (published in the last 7 days) had passed it: in no digest at all.
    from aggregator.editors.digest import collect
    from aggregator.models import Post
    from aggregator.site import Site
    from aggregator.store import Store
    from aggregator.website.sitetemplate import create_site

    create_site(tmp_path, title="Test")
    write_participant(tmp_path, "anna", "Anna", "https://anna.example/feed/")
    write_participant(tmp_path, "neu", "Neu", "https://neu.example/feed/")
    site = Site.load(tmp_path)
    berlin = ZoneInfo("Europe/Berlin")

    def at(day: int, hour: int, minute: int = 0) -> datetime:  # November 2026, in Berlin
        return datetime(2026, 11, day, hour, minute, tzinfo=berlin).astimezone(UTC)

    def fetch(store: Store, blog: str, when: datetime, *posts: tuple[str, datetime]) -> None:
        store.record_success(blog, f"https://{blog}.example/feed/", etag=None, last_modified=None, body_hash=None,
                             posts=[Post(participant=blog, guid=guid, url=f"https://{blog}.example/{guid}/",
                                         title=guid, author="", published=published, updated=None,
                                         excerpt="", content_html="<p>x</p>", categories=())
                                    for guid, published in posts], now=when)  # fmt: skip

    def digest(store: Store, day: int) -> list[str]:
        return [post.title for post in collect(site, store, since=timedelta(days=7), now=at(day, 7)).posts]

    with Store(site.store_path) as store:
        fetch(store, "anna", at(2, 3, 17), ("alt", at(1, 12)))  # Monday the 2nd: the blog's first fetch
        fetch(store, "anna", at(9, 3, 17), ("sonntag", at(8, 20)))
        fetch(store, "anna", at(10, 3, 17), ("montag-frueh", at(9, 5)))  # after Monday 9th's digest
        fetch(store, "neu", at(12, 3, 17), ("neu-vorher", at(5, 9)), ("neu-diese-woche", at(11, 9)))
        fetch(store, "anna", at(16, 3, 17), ("montag-16", at(16, 1)))
        assert digest(store, 9) == ["sonntag"]
        # The post fetched late, once; a blog's first fetch brings the period's posts, not its past.
        assert sorted(digest(store, 16)) == ["montag-16", "montag-frueh", "neu-diese-woche"]
        assert digest(store, 23) == []


def test_a_period_of_days_starts_at_the_same_local_time_across_a_change_of_the_clocks() -> None:
    from aggregator.editors.digest import period_start

    berlin = ZoneInfo("Europe/Berlin")
    sunday = datetime(2026, 10, 25, 7, tzinfo=berlin).astimezone(UTC)  # the clocks went back at 3:00
    assert period_start(sunday, timedelta(days=1), "Europe/Berlin") == datetime(2026, 10, 24, 7, tzinfo=berlin)
    assert period_start(sunday, timedelta(days=7), "Europe/Berlin") == datetime(2026, 10, 18, 7, tzinfo=berlin)
    assert sunday - period_start(sunday, timedelta(days=1), "Europe/Berlin") == timedelta(hours=25)
    # "24h" is a day too (a daily digest's); hours that are no whole days are hours.
    assert sunday - period_start(sunday, timedelta(hours=12), "Europe/Berlin") == timedelta(hours=12)


def test_a_big_week_lists_the_newest_hundred_and_counts_the_rest() -> None:
    # 500 posts made a mail of 700 KB: mail servers refuse or cut such mails, and no one reads them.
    posts = tuple(DigestPost(f"Beitrag {n}", "Werkstatt", "", "Wort " * 50, 0, NOW - timedelta(minutes=n),
                             f"https://x.example/p/{n}/", "https://x.example/b/") for n in range(1234))
    digest = Digest("Blogs", "https://x.example", NOW - timedelta(days=7), NOW, None, posts)
    text, markup = render_text(digest), render_html(digest)
    assert "Beitrag 99\n" in text and "Beitrag 100\n" not in text
    assert "… und 1.134 weitere Beiträge: https://x.example/\n" in text
    assert '<p><a href="https://x.example/">… und 1.134 weitere Beiträge</a></p>' in markup
    assert "Beitrag 100<" not in markup and len(text) + len(markup) < 150_000
    one_more = replace(digest, posts=posts[:101], site_url="", lang="en")
    assert "… and one more post\n" in render_text(one_more)
    assert "… and" not in render_text(replace(digest, posts=posts[:100]))


def test_a_posts_comments_are_counted_as_its_page_counts_them(tmp_path: Path, feed_server: FeedServer) -> None:
    # The page said "7 Kommentare" (its blog's count: the comment feed held 2), the digest "2".
    from tests.feedmaker import Reply, wordpress_comments_rss

    home = feed_server.url("/viel/")
    feed_server.route("/viel/1/feed/", respond(wordpress_comments_rss(f"{home}?p=1", f"{home}1/", [
        Reply(1, "Jan", "Eins", published=NOW - timedelta(hours=2)),
        Reply(2, "Eva", "Zwei", published=NOW - timedelta(hours=1))]).encode()))
    item = Item(f"{home}?p=1", "Viel los", f"{home}1/", NOW - timedelta(hours=3),
                comments_feed=f"{home}1/feed/", comment_count=7)
    root = new_site(tmp_path / "site")
    write_participant(root, "viel", "Viel", feed_server.route("/viel/feed/", respond(rss([item], "Viel").encode())))
    ok(invoke(root, "run"))
    [page] = (root / "output" / "blogs" / "viel").glob("*/index.html")
    assert "7 Kommentare" in page.read_text(encoding="utf-8")
    assert "7 Kommentare" in ok(invoke(root, "digest", "--dry-run")).output


def test_a_subject_in_two_scripts_arrives_with_every_space(tmp_path: Path, feed_server: FeedServer, smtp) -> None:  # noqa: F811
    # Python's folding of the header moved a space into the fold between two encoded words,
    # where readers drop it: "… 2026 –Отделпродаж".
    controller, inbox = smtp
    root = new_site(tmp_path / "site")
    post = Item("p1", "Neu im Vertrieb", feed_server.url("/p/1"), NOW - timedelta(hours=3))
    feed = feed_server.route("/feed/", respond(rss([post], "Vertrieb").encode()))
    write_participant(root, "vertrieb", "Vertrieb", feed, department="Отдел продаж")
    with open(root / "pelicanconf.py", "a", encoding="utf-8") as conf:
        conf.write('\nSITENAME = "Mitarbeiterblogs"\n'
                   f'BLOGPARADE_SMTP = "smtp://{controller.hostname}:{controller.port}"\n'
                   'BLOGPARADE_MAIL_FROM = "blogs@beispiel.example"\n')
    ok(invoke(root, "fetch"))
    printed = ok(invoke(root, "digest", "--dry-run", "--department", "Отдел продаж")).output
    [subject] = [line.removeprefix("Subject: ") for line in printed.splitlines() if line.startswith("Subject: ")]
    assert subject.startswith("Mitarbeiterblogs: ein neuer Beitrag seit") and subject.endswith(" – Отдел продаж")
    ok(invoke(root, "digest", "--department", "Отдел продаж", "--to", "vertrieb@beispiel.example"))
    mail = email.message_from_bytes(inbox.messages[-1][2], policy=email.policy.default)
    assert mail["Subject"] == subject
    assert all(len(line) <= 78 for line in inbox.messages[-1][2].split(b"\r\n\r\n")[0].split(b"\r\n"))
