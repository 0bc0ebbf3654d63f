"""Participant files of an internal blog roll: `department`, and `login` without a secret."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest

from aggregator.editors.participants import ParticipantError, read_participant
from aggregator.models import LoginSpec
from tests.acceptance_helpers import (
    ALLOW_LOOPBACK,
    invoke,
    new_site,
    ok,
    status_lines,
    write_participant,
)
from tests.servers import FeedServer


def participant_file(tmp_path: Path, **extra: object) -> Path:
    site = tmp_path / "site"
    (site / "content" / "participants").mkdir(parents=True, exist_ok=True)
    return write_participant(site, "wiki", "Wiki", "https://wiki.example/feed/", **extra)


def test_a_login_names_where_its_secret_is(tmp_path: Path) -> None:
    path = participant_file(tmp_path, department=" Vertrieb  Nord ", login={
        "kind": "basic", "user": "svc", "secret_env": "BLOGPARADE_LOGIN_WIKI"})
    participant = read_participant(path)
    assert participant.department == "Vertrieb Nord"
    assert participant.login == LoginSpec("basic", user="svc", secret_env="BLOGPARADE_LOGIN_WIKI")


@pytest.mark.parametrize("login, words", [
    ({"kind": "basic", "secret_env": "BLOGPARADE_LOGIN_X"}, "needs a user"),
    ({"kind": "bearer", "secret_env": "HOME"}, "named BLOGPARADE_LOGIN_"),
    ({"kind": "bearer", "secret_env": "BLOGPARADE_LOGIN_X", "secret_file": "/etc/blogparade/x"},
     "exactly one of"),
    ({"kind": "bearer", "password": "hunter2"}, "unknown key 'password'"),
    ({"kind": "bearer", "secret_file": "x.secret"}, "absolute path"),
    ({"kind": "header", "name": "Host", "secret_env": "BLOGPARADE_LOGIN_X"}, "header's name"),
    ({"kind": "ntlm", "secret_env": "BLOGPARADE_LOGIN_X"}, "kind must be one of"),
    ("hunter2", "must be a table"),
])  # fmt: skip
def test_unusable_logins_are_named(tmp_path: Path, login: object, words: str) -> None:
    with pytest.raises(ParticipantError) as error:
        read_participant(participant_file(tmp_path, login=login))
    assert words in str(error.value)


def test_one_secret_for_two_origins_is_a_problem(tmp_path: Path) -> None:
    site = new_site(tmp_path / "site")
    login = {"kind": "bearer", "secret_env": "BLOGPARADE_LOGIN_WIKI"}
    write_participant(site, "wiki", "Wiki", "http://127.0.0.1:9/feed/", login=login)
    write_participant(site, "wiki-news", "Wiki News", "http://127.0.0.1:9/news/feed/", login=login)
    assert invoke(site, "check").exit_code == 0  # the same origin: the same server has it already
    write_participant(site, "fremd", "Fremd", "http://127.0.0.2:9/feed/", login=login)
    result = invoke(site, "check")
    assert result.exit_code == 2 and "another origin" in result.output
    # Every file involved: which one is the blog's and which the stranger's, a person decides.
    problems = [line for line in result.output.splitlines() if "another origin" in line]
    assert [line.split(":", 1)[0].rsplit("/", 1)[-1] for line in problems] == [
        "fremd.toml", "wiki-news.toml", "wiki.toml"], result.output
    assert "wiki-news.toml and wiki.toml also name it" in problems[0]
    assert "fremd.toml also names it" in problems[1] and "fremd.toml also names it" in problems[2]


def test_one_secret_for_two_origins_is_sent_to_neither(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BLOGPARADE_LOGIN_WIKI", "Sommer2026!")
    login = {"kind": "basic", "user": "svc-blogroll", "secret_env": "BLOGPARADE_LOGIN_WIKI"}
    with FeedServer() as wiki, FeedServer() as stranger:
        site = new_site(tmp_path / "site", ALLOW_LOOPBACK)
        write_participant(site, "wiki", "Wiki", wiki.url("/feed.xml"), login=login)
        write_participant(site, "attacker", "Attacker", stranger.url("/feed.xml"), login=login)
        invoke(site, "fetch")
        assert wiki.requests == [] and stranger.requests == []
    lines = status_lines(ok(invoke(site, "status")).output)
    for name, other in (("Wiki", "attacker.toml"), ("Attacker", "wiki.toml")):
        assert "cannot log in with the basic login as 'svc-blogroll'" in lines[name]
        assert f"{other} also names it for a feed on another origin" in lines[name]
        assert "Sommer2026!" not in lines[name]


@pytest.mark.parametrize("spelling", ["{folder}/./kantine.secret", "{folder}//kantine.secret",
                                      "{folder}/../secrets/kantine.secret", "{folder}/alias.secret"])  # fmt: skip
def test_one_secret_file_however_written_goes_to_one_origin(tmp_path: Path, spelling: str) -> None:
    # The file a second participant file names for its own server is the blog's secret however
    # its path is written: another spelling, or a link beside it, is no other secret.
    folder = tmp_path / "secrets"
    folder.mkdir()
    (folder / "kantine.secret").write_text("session=KANTINE-123\n")
    (folder / "alias.secret").symlink_to(folder / "kantine.secret")
    with FeedServer() as kantine, FeedServer() as stranger:
        site = new_site(tmp_path / "site", f"{ALLOW_LOOPBACK}\nBLOGPARADE_SECRETS_DIR = {str(folder)!r}\n")
        write_participant(site, "kantine", "Kantine", kantine.url("/feed.xml"),
                          login={"kind": "header", "name": "Cookie", "secret_file": str(folder / "kantine.secret")})
        write_participant(site, "fremd", "Fremd", stranger.url("/feed.xml"),
                          login={"kind": "header", "name": "X-Token", "secret_file": spelling.format(folder=folder)})
        result = invoke(site, "check")
        assert result.exit_code == 2 and "also names it for a feed on another origin" in result.output
        invoke(site, "fetch")
        assert kantine.requests == [] and stranger.requests == []


def test_join_with_a_department(tmp_path: Path, feed_server: FeedServer) -> None:
    site = new_site(tmp_path / "site")
    result = ok(invoke(site, "join", feed_server.url("/feed.xml"), "--department", "Vertrieb"))
    assert re.search(r"department:\s*Vertrieb", result.output)
    written = tomllib.loads((site / "content" / "participants" / "testblog.toml").read_text())
    assert written["department"] == "Vertrieb" and "login" not in written


def departments_site(tmp_path: Path, feed_server: FeedServer, departments: dict[str, str]) -> Path:
    """A site of one blog a department ({slug: department}), each with one post, fetched and built."""
    from datetime import UTC, datetime

    from tests.feedmaker import Item, rss
    from tests.servers import respond

    site = new_site(tmp_path / "site")
    for slug, department in departments.items():
        home = f"{feed_server.base_url}/{slug}/"
        item = Item(f"{slug}-1", f"Beitrag aus {slug}", f"{home}1/", datetime(2026, 11, 2, tzinfo=UTC), "<p>Text</p>")
        feed = feed_server.route(f"/{slug}/feed/", respond(rss([item], title=slug, link=home).encode(),
                                                           content_type="application/rss+xml"))
        write_participant(site, slug, f"Blog {slug}", feed, home, department=department)
    ok(invoke(site, "fetch"))
    ok(invoke(site, "build"))
    return site


@pytest.mark.slow
def test_departments_named_in_other_scripts_have_a_page_each(tmp_path: Path, feed_server: FeedServer) -> None:
    """Cyrillic names made the same slug ("blog") before: two departments on one page."""
    from tests.acceptance_helpers import parse_html

    site = departments_site(tmp_path, feed_server, {"prodazhi": "Продажи", "marketing": "Маркетинг"})
    for slug, department in (("prodazhi", "продажи"), ("marketing", "маркетинг")):
        page = parse_html(site / "output" / "departments" / department / "index.html")
        titles = {" ".join(h.text_content().split()) for h in page.xpath("//article//h2 | //article//h3")}
        assert titles == {f"Beitrag aus {slug}"}, (department, titles)
    blogs = parse_html(site / "output" / "blogs" / "index.html")
    links = set(blogs.xpath("//h2/a/@href"))
    assert any(link.endswith("/departments/%D0%BF%D1%80%D0%BE%D0%B4%D0%B0%D0%B6%D0%B8/") for link in links), links


@pytest.mark.slow
def test_one_blogs_spelling_does_not_rename_its_colleagues_department(tmp_path: Path, feed_server: FeedServer) -> None:
    from tests.acceptance_helpers import parse_html

    site = departments_site(tmp_path, feed_server, {"anna": "Vertrieb", "bert": "Vertrieb", "aaa": "Vertrieb!", "it": "IT"})
    page = parse_html(site / "output" / "departments" / "vertrieb" / "index.html")
    assert " ".join(page.xpath("//h1")[0].text_content().split()) == "Vertrieb"  # most blogs' spelling
    digest = invoke(site, "digest", "--department", "Einkauf", "--dry-run")
    assert digest.exit_code != 0 and "(departments: IT, Vertrieb)" in digest.output, digest.output


def test_names_with_umlauts_are_listed_where_a_reader_looks_them_up(tmp_path: Path, feed_server: FeedServer) -> None:
    """By code points "Ärzteschaft" and "Öffentlichkeitsarbeit" came after "Zentrale", on the
    blogs page, in `status` and on the status page."""
    from tests.acceptance_helpers import parse_html

    site = departments_site(tmp_path, feed_server, {"zentrale": "Zentrale", "aussen": "Außendienst",
                                                    "aerzte": "Ärzteschaft", "oeffentlich": "Öffentlichkeitsarbeit"})
    blogs = parse_html(site / "output" / "blogs" / "index.html")
    headings = [" ".join(h.text_content().split()) for h in blogs.xpath("//main//h2")]
    assert headings == ["Ärzteschaft", "Außendienst", "Öffentlichkeitsarbeit", "Zentrale"], headings
    for slug, name in (("aerzte", "Ärztinnen im Dienst"), ("zentrale", "Zebra-Blog"), ("aussen", "Apfelbaum")):
        path = site / "content" / "participants" / f"{slug}.toml"
        path.write_text(re.sub(r'name = "[^"]*"', f'name = "{name}"', path.read_text(encoding="utf-8")), encoding="utf-8")
    rows = [line.split("\t")[0] for line in ok(invoke(site, "status")).output.splitlines() if not line.startswith("#")]
    assert rows == ["Apfelbaum", "Ärztinnen im Dienst", "Blog oeffentlich", "Zebra-Blog"], rows
