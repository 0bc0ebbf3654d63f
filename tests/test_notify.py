"""Feed health that reaches people: a blog failing night after night, told once, and once again
when it recovers (issue 11).  A real SMTP server (aiosmtpd) and a webhook on loopback; each
"night" is a `fetch --all` (so backoff does not skip the failing feed)."""

from __future__ import annotations

import dataclasses
import json
from datetime import UTC, datetime
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from aggregator.editors.notify import Notice, NotifyReport, deliver, message_text
from aggregator.editors.participants import read_participant
from aggregator.editors.webhook import WebhookError, check_url
from aggregator.feeds.policy import NetworkPolicy
from aggregator.models import ErrorKind, FetchError, Participant
from aggregator.site import Site
from tests.acceptance_helpers import invoke, new_site, ok, parse_html, write_participant
from tests.feedmaker import Item, Reply, rss, wordpress_comments_rss
from tests.servers import RSS_TYPE, FeedServer, hang_up, redirect, respond, status
from tests.test_mail import free_port, smtp  # noqa: F401  (the fixture)

EDITORS = "redaktion@example.org"
OWNER = "anna@example.org"


def anna_feed(server: FeedServer) -> bytes:
    home = server.url("/anna/")
    return rss([Item("a1", "Erster Beitrag", home + "erster/")], "Annas Blog", home).encode()


@pytest.fixture
def failing_site(tmp_path, feed_server, smtp):  # noqa: F811
    controller, inbox = smtp
    feed_server.route("/anna/feed/", respond(anna_feed(feed_server), content_type=RSS_TYPE))
    feed_server.route("/hook", respond(b"ok", content_type="text/plain"))
    site = new_site(tmp_path / "site", f"""
BLOGPARADE_SMTP = "smtp://127.0.0.1:{controller.port}"
BLOGPARADE_MAIL_FROM = "blogparade@example.org"
BLOGPARADE_NOTIFY = ["mailto:{EDITORS}", "{feed_server.url('/hook')}"]
""")
    write_participant(site, "anna", "Annas Blog", feed_server.url("/anna/feed/"),
                      feed_server.url("/anna/"), contact=f"mailto:{OWNER}")
    return site, feed_server, inbox


def mails_to(inbox, address: str) -> list[tuple[str, str]]:
    found = []
    for _, recipients, content in inbox.messages:
        if address in recipients:
            message = message_from_bytes(content)
            found.append((str(make_header(decode_header(message["Subject"]))),
                          message.get_payload(decode=True).decode()))
    return found


def posts_to_hook(server: FeedServer) -> list[dict]:
    return [json.loads(seen.body) for seen in server.requests if seen.path == "/hook"]


def night(site: Path) -> str:
    return ok(invoke(site, "fetch", "--all")).output


def test_a_blog_failing_three_nights_is_told_once_and_once_when_it_recovers(failing_site):
    site, server, inbox = failing_site
    night(site)  # it works: nothing to tell
    assert inbox.messages == [] and posts_to_hook(server) == []

    server.route("/anna/feed/", status(500))
    for _ in range(2):
        night(site)
    assert inbox.messages == [] and posts_to_hook(server) == []  # two failures: no message yet

    third = night(site)
    [(subject, text)] = mails_to(inbox, EDITORS)
    assert "Annas Blog" in subject and "dreimal in Folge" in text and "500" in text
    assert len(mails_to(inbox, OWNER)) == 1  # the blog's own contact is told too
    [body] = posts_to_hook(server)
    assert body["event"] == "failing" and body["failures"] == 3
    assert body["blog"]["slug"] == "anna" and body["blog"]["name"] == "Annas Blog"
    assert body["failing_since"] and "500" in body["error"] and body["text"]
    # The failure's kind apart, as in `status --json`.
    assert body["error_kind"] == "http" and body["error"] == f"http: {body['error_message']}"
    assert body["site_url"] == "https://blogparade.example"  # publishconf.py's: the published site
    assert "Notice: Annas Blog failing (3 failed runs in a row)" in third
    [hook] = [seen for seen in server.requests if seen.path == "/hook"]
    assert hook.method == "POST" and hook.headers["user-agent"].startswith("blogparade/")
    assert hook.headers["content-type"].startswith("application/json")

    night(site)  # the fourth night: nobody is told again
    assert len(mails_to(inbox, EDITORS)) == 1 and len(posts_to_hook(server)) == 1

    document = json.loads(ok(invoke(site, "status", "--json")).output)
    [anna] = document["blogs"]
    assert anna["streak"] == 4 and anna["ok"] is False and anna["notified"]
    # The failure's kind apart, for a monitoring script: it need not take "http: 500 …" apart.
    assert anna["error"] == f"{anna['error_kind']}: {anna['error_message']}"
    assert anna["error_kind"] == "http" and anna["error_message"].startswith("500 ")
    assert anna["failing_since"] and document["timezone"] == "Europe/Berlin"
    plain = ok(invoke(site, "status")).output
    assert plain.startswith("# ") and "(Europe/Berlin; all times in this zone)" in plain
    [line] = [line for line in plain.splitlines() if line.startswith("Annas Blog\t")]
    assert "\tfailed 4 runs in a row since " in line and "(notice sent " in line
    assert "\tlast new post: 20" in line

    server.route("/anna/feed/", respond(anna_feed(server), content_type=RSS_TYPE))
    night(site)
    recovered = mails_to(inbox, EDITORS)
    assert len(recovered) == 2 and "antwortet wieder" in recovered[1][0]
    hooks = posts_to_hook(server)
    assert len(hooks) == 2 and hooks[1]["event"] == "recovered" and hooks[1]["failures"] == 0
    night(site)
    assert len(mails_to(inbox, EDITORS)) == 2 and len(posts_to_hook(server)) == 2
    [anna] = json.loads(ok(invoke(site, "status", "--json")).output)["blogs"]
    assert anna["streak"] == 0 and anna["ok"] and anna["notified"] is None


def test_a_failing_notifier_is_in_the_summary_and_never_fails_the_run(tmp_path, feed_server):
    feed_server.route("/anna/feed/", status(500))
    feed_server.route("/hook", status(502))
    site = new_site(tmp_path / "site", f"""
BLOGPARADE_NOTIFY_AFTER = 1
BLOGPARADE_SMTP = "smtp://127.0.0.1:9"
BLOGPARADE_NOTIFY = ["mailto:{EDITORS}", "{feed_server.url('/hook')}"]
""")
    write_participant(site, "anna", "Annas Blog", feed_server.url("/anna/feed/"))
    result = ok(invoke(site, "run"))
    assert "notifier failed: failing: Annas Blog -> mailto:redaktion@example.org: cannot send" in result.output
    [line] = [line for line in result.output.splitlines() if "answered 502" in line]
    assert line.rstrip().endswith(f"-> http://{urlsplit(feed_server.url('/hook')).netloc}/…: answered 502 Bad Gateway"), repr(line)
    assert "Built" in result.output
    # It reached no one: `status` said "notice sent", and it was never tried again.
    [anna] = json.loads(ok(invoke(site, "status", "--json")).output)["blogs"]
    assert anna["notified"] is None
    feed_server.route("/hook", respond(b"ok", content_type="text/plain"))
    again = ok(invoke(site, "run"))
    assert "notifier failed: failing: Annas Blog -> mailto:" in again.output
    assert len(posts_to_hook(feed_server)) == 2  # the 502's, and now the one that got through
    third = ok(invoke(site, "run"))
    assert "notifier failed" not in third.output  # it reached someone: not every night
    assert len(posts_to_hook(feed_server)) == 2


def test_the_blog_page_notes_a_failing_feed_quietly(failing_site):
    site, server, _ = failing_site
    ok(invoke(site, "run"))
    page = site / "output" / "blogs" / "anna" / "index.html"
    assert "nicht erreichbar" not in page.read_text(encoding="utf-8")
    server.route("/anna/feed/", status(500))
    for _ in range(3):
        ok(invoke(site, "run", "--all"))
    note = parse_html(page).xpath("//*[contains(@class, 'feed-note')]")
    assert note and "Der Feed ist seit " in note[0].text_content()
    assert "nicht erreichbar" in note[0].text_content()


def test_a_status_page_for_the_editors_when_asked_for(tmp_path, feed_server):
    feed_server.route("/anna/feed/", status(500))
    site = new_site(tmp_path / "site", 'BLOGPARADE_STATUS_PAGE = "status/index.html"')
    write_participant(site, "anna", "Annas Blog", feed_server.url("/anna/feed/"))
    ok(invoke(site, "run"))
    page = parse_html(site / "output" / "status" / "index.html")
    text = " ".join(page.text_content().split())
    assert "Annas Blog" in text and "500" in text
    assert page.xpath("//meta[@name='robots' and contains(@content, 'noindex')]")


def test_the_status_page_speaks_the_sites_language_and_lists_joined_blogs_only(tmp_path, feed_server):
    # "never fetched", "inactive, not fetched" and "error: …" on a German page; and a parade's
    # contributor that never joined was a red "never fetched" row.
    feed_server.route("/kaputt/feed/", status(500))
    site = new_site(tmp_path / "site", 'BLOGPARADE_STATUS_PAGE = "status/index.html"')
    write_participant(site, "kaputt", "Kaputt", feed_server.url("/kaputt/feed/"))
    write_participant(site, "pause", "Pause", feed_server.url("/pause/feed/"), active=False)
    ok(invoke(site, "run"))
    rows = parse_html(site / "output" / "status" / "index.html").xpath("//table[@class='feed-status']/tbody/tr")
    states = {row[0].text_content().strip(): " ".join(row[2].text_content().split()) for row in rows}
    assert states["Pause"] == "pausiert, wird nicht abgerufen"
    # What failed in the site's language; what the server said as the command line says it,
    # marked English ("http: 500 Internal Server Error" was all of it).
    assert states["Kaputt"].startswith("Fehler: der Server hat mit einem Fehler geantwortet (500 "), states
    [detail] = rows[[row[0].text_content().strip() for row in rows].index("Kaputt")][2].xpath(".//span[@lang='en']")
    assert detail.text_content().startswith("500 ")


def test_the_status_page_shows_what_status_shows(tmp_path, feed_server):
    """The page lacked the feed's new address, the counts, the notice and the failing comment
    feeds that `status` names: an editor without a shell saw "ok" and no more."""
    home = feed_server.url("/anna/")
    items = [Item(f"{home}?p={n}", f"Beitrag {n}", f"{home}{n}/", datetime(2026, 11, n, tzinfo=UTC),
                  comments_feed=f"{home}{n}/feed/", comment_count=1) for n in (1, 2)]
    feed_server.route("/anna/feed/", redirect(feed_server.url("/anna/neu/feed/"), 301))
    feed_server.route("/anna/neu/feed/", respond(rss(items, "Anna", home).encode(), content_type=RSS_TYPE))
    feed_server.route("/anna/1/feed/", respond(wordpress_comments_rss(
        f"{home}?p=1", f"{home}1/", [Reply(1, "Jan", "Schön!", published=datetime(2026, 11, 3, tzinfo=UTC))]
    ).encode(), content_type=RSS_TYPE))
    feed_server.route("/anna/2/feed/", status(500))
    site = new_site(tmp_path / "site", 'BLOGPARADE_STATUS_PAGE = "status/index.html"')
    write_participant(site, "anna", "Annas Blog", feed_server.url("/anna/feed/"))
    ok(invoke(site, "run"))
    [row] = parse_html(site / "output" / "status" / "index.html").xpath("//table[@class='feed-status']/tbody/tr")
    cells = [" ".join(cell.text_content().split()) for cell in row]
    assert cells[0] == "Annas Blog"
    assert cells[1] == f"{feed_server.url('/anna/feed/')} (umgezogen nach {feed_server.url('/anna/neu/feed/')})"
    assert cells[2] == "in Ordnung" and cells[6] == "2"
    assert cells[7].startswith("1 (aus 2 Kommentar-Feeds, 1 davon gestört: "
                               f"{feed_server.url('/anna/2/feed/')}: der Server hat mit einem Fehler "
                               "geantwortet (500 "), cells[7]
    [anna] = json.loads(ok(invoke(site, "status", "--json")).output)["blogs"]
    assert anna["error"] is anna["error_kind"] is anna["error_message"] is None
    failing = anna["comment_feed_error"]
    assert failing["url"] == feed_server.url("/anna/2/feed/") and failing["error_kind"] == "http"
    assert failing["error"] == f"http: {failing['error_message']}"


@pytest.mark.slow
def test_the_status_page_says_how_the_feeds_fared_in_the_last_run_not_in_the_last_build(tmp_path, feed_server):
    """A run that only read the feeds builds when a status page shows how they fared (found by
    a differential check: the page said "ok" for a feed failing since, a full build "500")."""
    items = [Item("p1", "Erster Beitrag", "https://anna.example/1", datetime(2026, 11, 2, tzinfo=UTC))]
    feed_server.route("/anna/feed/", body=rss(items).encode())
    site = new_site(tmp_path / "site", 'BLOGPARADE_STATUS_PAGE = "status/index.html"')
    write_participant(site, "anna", "Annas Blog", feed_server.url("/anna/feed/"))
    ok(invoke(site, "run"))
    feed_server.route("/anna/feed/", status(500))
    ok(invoke(site, "run"))
    text = " ".join(parse_html(site / "output" / "status" / "index.html").text_content().split())
    assert "500" in text


def test_webhooks_are_https_except_on_networks_the_site_allows():
    public = NetworkPolicy()
    check_url("https://chat.example.org/hooks/abc", public)
    with pytest.raises(WebhookError, match="https"):
        check_url("http://93.184.216.34/hook", public)
    with pytest.raises(WebhookError, match="https"):
        check_url("ftp://chat.example.org/hook", public)
    check_url("http://127.0.0.1:8080/hook", NetworkPolicy.from_setting(["127.0.0.0/8"]))
    with pytest.raises(WebhookError):
        check_url("http://127.0.0.1:8080/hook", public)


def test_a_feed_that_is_gone_is_told_at_once(tmp_path, feed_server, smtp):  # noqa: F811
    controller, inbox = smtp
    feed_server.route("/anna/feed/", status(410))
    site = new_site(tmp_path / "site", f"""
BLOGPARADE_SMTP = "smtp://127.0.0.1:{controller.port}"
BLOGPARADE_NOTIFY = ["mailto:{EDITORS}"]
""")
    write_participant(site, "anna", "Annas Blog", feed_server.url("/anna/feed/"))
    night(site)
    [(subject, text)] = mails_to(inbox, EDITORS)
    assert "entfernt" in subject and "410 Gone" in text
    night(site)
    assert len(mails_to(inbox, EDITORS)) == 1


def test_a_target_that_cannot_be_used_is_a_failed_line_and_a_problem_for_check(tmp_path, feed_server):
    # A port out of range makes the webhook raise ValueError: once a whole run died of it.
    feed_server.route("/anna/feed/", status(500))
    feed_server.route("/hook", respond(b"ok", content_type="text/plain"))
    site = new_site(tmp_path / "site", f"""
BLOGPARADE_NOTIFY_AFTER = 1
BLOGPARADE_NOTIFY = ["https://chat.example.org:99999/hook", "{feed_server.url('/hook')}"]
""")
    write_participant(site, "anna", "Annas Blog", feed_server.url("/anna/feed/"))
    checked = invoke(site, "check")
    assert checked.exit_code == 2
    assert "'https://chat.example.org:99999/hook' is neither one address" in checked.output
    result = ok(invoke(site, "run"))
    # A webhook's path is its secret (Slack's, Mattermost's): the summary, which goes to the
    # nightly log and cron's mail, names its host alone.
    assert "notifier failed: failing: Annas Blog -> https://chat.example.org:99999/…: " in result.output
    assert f"told failing: Annas Blog -> http://{urlsplit(feed_server.url('/hook')).netloc}/…" in result.output
    assert "/hook" not in result.output
    assert len(posts_to_hook(feed_server)) == 1 and "Built" in result.output


def test_a_feed_failing_at_this_machines_proxy_is_no_blogs_notice():
    # A weekend's proxy outage: every blog behind it was told its feed failed, its owner too.
    from aggregator.editors.notify import failing
    from aggregator.models import ErrorKind, FeedState, FetchError

    state = FeedState("https://blog.example/feed/", "b", consecutive_errors=5,
                      last_error=FetchError(ErrorKind.PROXY, "proxy: 407 Proxy Authentication Required"))  # fmt: skip
    assert not failing(state, 3)
    assert failing(dataclasses.replace(state, last_error=FetchError(ErrorKind.HTTP, "http: 500")), 3)


def test_the_notice_targets_may_come_from_the_environment(tmp_path, monkeypatch):
    from aggregator.editors.notify import notify_targets
    from aggregator.site import Site

    site = new_site(tmp_path / "site", 'BLOGPARADE_NOTIFY = ["mailto:redaktion@example.org"]')
    assert notify_targets(Site.load(site)) == ["mailto:redaktion@example.org"]
    monkeypatch.setenv("BLOGPARADE_NOTIFY", "https://chat.example.org/hooks/geheim  mailto:a@example.org")
    assert notify_targets(Site.load(site)) == ["https://chat.example.org/hooks/geheim", "mailto:a@example.org"]


def test_mail_notices_without_a_mail_server_are_a_problem_for_check(tmp_path):
    # `check` said OK, and the first notice failed three nights after the feed, in the log.
    site = new_site(tmp_path / "site", f'BLOGPARADE_NOTIFY = ["mailto:{EDITORS}"]')
    checked = invoke(site, "check")
    assert checked.exit_code == 2
    assert (f"BLOGPARADE_NOTIFY mails mailto:{EDITORS}, but no mail server: set BLOGPARADE_SMTP "
            "in pelicanconf.py") in checked.output
    with open(site / "pelicanconf.py", "a", encoding="utf-8") as settings:
        settings.write('\nBLOGPARADE_SMTP = "smtp://127.0.0.1:25"\n')
    ok(invoke(site, "check"))


def test_a_setting_that_breaks_during_the_run_is_a_failed_line_naming_it(tmp_path):
    # `run` refuses an unusable setting before any fetch; a CA file removed while it runs
    # reaches the notices: every target is still tried, and the line names the setting.
    root = new_site(tmp_path / "site", f'BLOGPARADE_CA_BUNDLE = "{tmp_path / "gone.pem"}"')
    anna = read_participant(write_participant(root, "anna", "Annas Blog", "https://anna.example/feed/"))
    report = NotifyReport()
    deliver(Site.load(root), Notice("failing", anna, anna.feed, 3, None, FetchError(ErrorKind.HTTP, "500")),
            ["https://chat.example.org/hook", "https://chat.example.org/other"], report)
    assert len(report.failed) == 2 and report.delivered == []
    assert f"BLOGPARADE_CA_BUNDLE: {tmp_path / 'gone.pem'} is not a file" in report.failed[0]


def test_a_notifier_that_gives_no_answer_is_asked_once_per_run(tmp_path, feed_server):
    # A hanging webhook or mail server once held the night for one timeout per failing blog.
    feed_server.route("/hook", hang_up())  # the request is dropped, unanswered
    site = new_site(tmp_path / "site", f"""
BLOGPARADE_NOTIFY_AFTER = 1
BLOGPARADE_SMTP = "smtp://127.0.0.1:9"
BLOGPARADE_NOTIFY = ["mailto:{EDITORS}", "{feed_server.url('/hook')}"]
""")
    for number in range(3):
        feed_server.route(f"/b{number}/feed/", status(500))
        write_participant(site, f"b{number}", f"Blog {number}", feed_server.url(f"/b{number}/feed/"))
    result = ok(invoke(site, "run"))
    assert feed_server.hits("/hook") == 1
    failed = [line for line in result.output.splitlines() if "notifier failed" in line]
    assert len(failed) == 6 and sum("(not tried again)" in line for line in failed) == 4, result.output
    assert "Built" in result.output


def test_a_night_no_feed_could_be_reached_tells_no_blog_and_fails(tmp_path, feed_server):
    # This machine's network down (nothing listens where the blogs are): every blog's contact and
    # the editors were told that its feed fails, and the run exited 0.
    feed_server.route("/hook", respond(b"ok", content_type="text/plain"))
    nowhere = f"http://127.0.0.1:{free_port()}"
    site = new_site(tmp_path / "site", f"""
BLOGPARADE_NOTIFY_AFTER = 1
BLOGPARADE_NOTIFY = ["{feed_server.url('/hook')}"]
""")
    for number in range(2):
        write_participant(site, f"b{number}", f"Blog {number}", f"{nowhere}/b{number}/feed/")
    result = invoke(site, "run")
    assert result.exit_code == 1, result.output
    assert "Built" in result.output and "Traceback" not in result.output
    last = result.output.rstrip("\n").splitlines()[-1]  # said last: what follows would hide it
    assert last.startswith("Error: not one feed's server could be reached: this machine's network"), result.output
    assert posts_to_hook(feed_server) == []

    # One blog answers: the other's failure is its own, and told.
    feed_server.route("/b0/feed/", respond(anna_feed(feed_server), content_type=RSS_TYPE))
    write_participant(site, "b0", "Blog 0", feed_server.url("/b0/feed/"))
    result = ok(invoke(site, "run"))
    assert "could be reached" not in result.output
    assert [body["blog"]["slug"] for body in posts_to_hook(feed_server)] == ["b1"]


def test_nights_no_feed_could_be_reached_do_not_count_once_the_network_is_back(tmp_path, feed_server):
    # Three nights behind a dead proxy each counted for every feed: once the proxy was mended,
    # every feed was waiting out its backoff, the run asked none and told every blog its feed
    # failed ("3 failed runs in a row").
    feed_server.route("/hook", respond(b"ok", content_type="text/plain"))
    site = new_site(tmp_path / "site", f"""
BLOGPARADE_NOTIFY_AFTER = 2
BLOGPARADE_NOTIFY = ["{feed_server.url('/hook')}"]
""")
    for number in range(2):
        feed_server.route(f"/b{number}/feed/", respond(anna_feed(feed_server), content_type=RSS_TYPE))
        write_participant(site, f"b{number}", f"Blog {number}", feed_server.url(f"/b{number}/feed/"))
    ok(invoke(site, "run"))
    settings = site / "pelicanconf.py"
    mended = settings.read_text(encoding="utf-8")
    settings.write_text(mended + f'BLOGPARADE_PROXY = "http://127.0.0.1:{free_port()}"\n', encoding="utf-8")
    for _ in range(3):
        result = invoke(site, "run")
        assert result.exit_code == 1 and "not one feed's server could be reached" in result.output, result.output
    settings.write_text(mended, encoding="utf-8")
    result = ok(invoke(site, "run"))
    assert "Notice" not in result.output and posts_to_hook(feed_server) == [], result.output
    assert feed_server.hits("/b0/feed/") == 2  # asked again at once, not after a backoff
    blogs = json.loads(ok(invoke(site, "status", "--json")).output)["blogs"]
    assert [(blog["health"], blog["streak"], blog["failing_since"]) for blog in blogs] == [("ok", 0, None)] * 2


def test_a_night_the_network_policy_refused_every_feed_says_so_and_tells_no_blog(tmp_path, feed_server):
    # A site made before the network policy, its blogs on the intranet, upgraded: every feed is
    # refused, and the run said the machine's network, DNS or proxy might be down.
    feed_server.route("/b0/feed/", respond(anna_feed(feed_server), content_type=RSS_TYPE))
    site = new_site(tmp_path / "site", f"""
BLOGPARADE_NOTIFY_AFTER = 1
BLOGPARADE_NOTIFY = ["{feed_server.url('/hook')}"]
BLOGPARADE_ALLOWED_NETWORKS = []
""")
    for number in range(2):
        write_participant(site, f"b{number}", f"Blog {number}", feed_server.url(f"/b{number}/feed/"))
    result = invoke(site, "run")
    assert result.exit_code == 1, result.output
    last = result.output.rstrip("\n").splitlines()[-1]
    assert last.startswith("Error: the network policy refused every feed's address, none was asked: "
                           "allow the networks the blogs are on in pelicanconf.py"), result.output
    assert "network, DNS or proxy" not in result.output
    assert feed_server.hits("/b0/feed/") == 0 and feed_server.hits("/hook") == 0


@pytest.mark.parametrize("lang, since", [("de", "seit dem 1. Dezember 2026"), ("en", "since December 1, 2026"),
                                         ("en-GB", "since 1 December 2026")])
def test_a_notice_dates_the_failure_by_the_sites_day(lang, since):
    # 23:30 UTC on November 30th is half past midnight on December 1st in Berlin.
    anna = Participant("anna", "Annas Blog", "https://anna.example/feed/", "https://anna.example/")
    notice = Notice("failing", anna, "https://anna.example/feed/", 3,
                    datetime(2026, 11, 30, 23, 30, tzinfo=UTC), FetchError(ErrorKind.HTTP, "500"))  # fmt: skip
    _, text = message_text(notice, "Blogs", lang, ZoneInfo("Europe/Berlin"))
    assert since in text
    # "3-mal", and "1 times" in English: a count a person would write.
    assert ("dreimal in Folge" if lang == "de" else "has failed 3 times in a row") in text
    once = message_text(dataclasses.replace(notice, failures=1), "Blogs", lang)[1]
    # Once is no series: "einmal in Folge" read as nonsense.
    assert ("war beim letzten Abruf nicht erreichbar." if lang == "de" else "could not be read at the last fetch.") in once
    assert "in Folge" not in once and "in a row" not in once


def test_a_notice_no_one_is_to_be_told_is_not_remembered_as_sent(tmp_path, feed_server, smtp):  # noqa: F811
    # Without BLOGPARADE_NOTIFY or a contact, `status` said "(notice sent …)"; and editors who
    # set up a target later never heard of a feed failing since before.
    controller, inbox = smtp
    feed_server.route("/anna/feed/", status(500))
    site = new_site(tmp_path / "site", f'BLOGPARADE_SMTP = "smtp://127.0.0.1:{controller.port}"\n')
    write_participant(site, "anna", "Annas Blog", feed_server.url("/anna/feed/"), feed_server.url("/anna/"))
    for _ in range(3):
        invoke(site, "fetch", "--all")
    [line] = [line for line in ok(invoke(site, "status")).output.splitlines() if line.startswith("Annas Blog\t")]
    assert "failed 3 runs in a row" in line and "notice sent" not in line
    with open(site / "pelicanconf.py", "a", encoding="utf-8") as settings:
        settings.write(f'\nBLOGPARADE_NOTIFY = ["mailto:{EDITORS}"]\n')
    invoke(site, "fetch", "--all")
    [(subject, text)] = mails_to(inbox, EDITORS)
    assert "Annas Blog" in subject and "4-mal in Folge" in text
