"""The command line through CliRunner on real sites, real files and a real loopback server."""

import hashlib
import json
import os
import re
import shutil
import subprocess
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner

from aggregator.cli import cli
from tests.acceptance_helpers import blogparade_command, status_rows
from tests.feedmaker import Item, rss
from tests.servers import HTML_TYPE, LOOPBACK_NETWORKS, respond, status


def invoke(site: Path, *args: str):
    return CliRunner().invoke(cli, ["--site", str(site), *args], catch_exceptions=False)


@pytest.fixture
def site(tmp_path) -> Path:
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "site"), "--title", "Unsere Blogs"])
    assert result.exit_code == 0, result.output
    with open(tmp_path / "site" / "pelicanconf.py", "a") as settings:
        settings.write(f"\nBLOGPARADE_ALLOWED_NETWORKS = {LOOPBACK_NETWORKS!r}\n")
    return tmp_path / "site"


def blog(server, slug: str, *titles: str) -> str:
    """A blog with a home page that announces its feed; returns the home page URL."""
    items = [Item(f"{slug}-{n}", t, f"https://{slug}.example/{n}/") for n, t in enumerate(titles)]
    body = rss(items, title=f"Blog {slug}").encode()
    server.route(f"/{slug}/feed/", respond(body, etag=f'"{hashlib.sha1(body).hexdigest()}"'))
    page = f'<html><head><link rel="alternate" type="application/rss+xml" href="/{slug}/feed/"></head></html>'
    return server.route(f"/{slug}/", respond(page.encode(), content_type=HTML_TYPE))


def test_init_makes_a_site_that_checks_and_builds(site):
    assert (site / "pelicanconf.py").is_file()
    assert invoke(site, "check").output.strip() == "0 participants and 0 parades OK."
    result = invoke(site, "build")
    assert result.exit_code == 0, result.output
    assert (site / "output" / "index.html").is_file()
    assert "1 pages" not in result.output  # "Built 0 posts and 1 page in 0.5 s, 1 pages searchable"


def test_counts_of_one_say_one_thing(site):
    folder = site / "content" / "participants"
    (folder / "eins.toml").write_text('name = "E"\nfeed = "https://e.example/feed"\nhome = "https://e.example/"\n')
    (site / "content" / "parades" / "remote.md").write_text(
        "Title: Remote\nCall: https://host.example/aufruf/\nStart: 2026-11-01\nEnd: 2026-11-30\n\nText\n")
    assert invoke(site, "check").output == "1 participant and 1 parade OK.\n"
    (folder / "kaputt.toml").write_text("name = ")  # one problem: invalid TOML
    assert "\n1 problem:\n" in "\n" + invoke(site, "check").output


def test_init_names_a_folder_with_spaces_as_a_shell_takes_it(tmp_path):
    # "Next: cd /tmp/x/unsere blogs && …" pasted into a shell went to /tmp/x/unsere.
    folder = tmp_path / "unsere Blögs"
    result = CliRunner().invoke(cli, ["init", str(folder)])
    assert result.exit_code == 0, result.output
    [command] = [line.removeprefix("Next: ") for line in result.output.splitlines() if line.startswith("Next:")]
    shell = subprocess.run(["sh", "-c", command.split(" && ")[0] + " && pwd"], capture_output=True, text=True)
    assert shell.returncode == 0 and shell.stdout.strip() == str(folder), (command, shell.stderr)


def test_init_refuses_a_non_empty_folder(tmp_path):
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "keep.txt").write_text("mine")
    result = CliRunner().invoke(cli, ["init", str(tmp_path / "x")])
    assert result.exit_code == 2 and "not empty" in result.output


def test_commands_outside_a_site_say_so(tmp_path):
    for command in ("fetch", "build", "status", "check", "run"):
        result = CliRunner().invoke(cli, ["--site", str(tmp_path), command])
        assert result.exit_code == 2, command
        assert "is not a blogparade site" in result.output


def test_join_fetch_status_and_run(site, feed_server):
    assert invoke(site, "join", blog(feed_server, "anna", "Grüße", "Tschüß"), "--kind", "corporate").exit_code == 0
    assert invoke(site, "join", blog(feed_server, "bert", "Hallo")).exit_code == 0
    written = (site / "content" / "participants" / "blog-anna.toml").read_text(encoding="utf-8")
    assert 'kind = "corporate"' in written and "/anna/feed/" in written

    fetched = invoke(site, "fetch")
    assert fetched.exit_code == 0
    assert "2 feeds: 2 fetched, 0 unchanged, 0 errors; 3 new posts" in fetched.output
    # The nightly log appends run after run: each says when it began, in the site's zone.
    started = re.match(r"Fetch started (\d{4}-\d\d-\d\d \d\d:\d\d) \(Europe/Berlin\)\.\n", fetched.output)
    assert started, fetched.output
    here = datetime.now(ZoneInfo("Europe/Berlin")).replace(tzinfo=None)
    assert abs(datetime.fromisoformat(started.group(1)) - here).total_seconds() < 120

    feed_server.route("/bert/feed/", status(500))
    again = invoke(site, "fetch")
    assert again.exit_code == 0
    assert "1 unchanged, 1 error" in again.output
    assert "Blog bert (" in again.output and "error: http: 500" in again.output
    assert invoke(site, "fetch", "--strict").exit_code == 1

    lines = status_rows(invoke(site, "status").output)
    assert len(lines) == 2
    anna, bert = lines
    assert "\tok\t" in anna and "2 posts" in anna
    # Failed twice in a row: it waits an hour before the next run asks it (feeds/decide.py).
    assert "\terror: http: 500 Internal Server Error; next try " in bert and "\t1 post\t" in bert

    first = invoke(site, "run")
    assert first.exit_code == 0 and "Built" in first.output
    index = site / "output" / "index.html"
    stamp = index.stat().st_mtime_ns
    second = invoke(site, "run")
    assert "up to date" in second.output and index.stat().st_mtime_ns == stamp
    index.unlink()
    assert "Built" in invoke(site, "run").output and index.is_file()


def test_join_without_feed_fails_clearly_and_writes_nothing(site, feed_server):
    feed_server.routes.clear()
    home = feed_server.route("/nothing/", respond(b"<html><body>hi</body></html>", content_type=HTML_TYPE))
    result = invoke(site, "join", home)
    assert result.exit_code == 1
    assert "no usable feed" in result.output
    assert list((site / "content" / "participants").glob("*.toml")) == []


def test_join_lines_up_what_it_detected_the_department_too(site, feed_server):
    # "  department:Vertrieb" ran label and value together, under "  name:     …".
    result = invoke(site, "join", blog(feed_server, "eva", "Eins"), "--department", "Vertrieb")
    assert result.exit_code == 0, result.output
    detected = [line for line in result.output.splitlines() if line.startswith("  ")]
    assert "  department: Vertrieb" in detected
    assert len({line.index(line.split(":", 1)[1].strip()) for line in detected}) == 1, detected
    assert "--department" in result.output.splitlines()[-1]


def test_an_address_not_allowed_says_where_to_allow_it(tmp_path, feed_server, monkeypatch):
    # The other BLOGPARADE_ settings may come from the environment: this one set there was
    # ignored, and the error said the same again, without saying where it has to be set.
    assert CliRunner().invoke(cli, ["init", str(tmp_path / "site")]).exit_code == 0
    monkeypatch.setenv("BLOGPARADE_ALLOWED_NETWORKS", "127.0.0.0/8")
    result = invoke(tmp_path / "site", "join", blog(feed_server, "anna", "Eins"))
    assert result.exit_code == 1
    assert "(set BLOGPARADE_ALLOWED_NETWORKS in pelicanconf.py to allow it)" in result.output


def test_join_twice_is_refused(site, feed_server):
    home = blog(feed_server, "anna", "Eins")
    assert invoke(site, "join", home).exit_code == 0
    result = invoke(site, "join", home.replace("/anna/", "/anna/feed/"))
    assert result.exit_code == 1 and "already on the site" in result.output


def test_check_names_file_line_and_unknown_keys(site):
    folder = site / "content" / "participants"
    (folder / "kaputt.toml").write_text('name = "x"\nfeed = "https://x.example/feed"\nhome = \n')
    (folder / "extra.toml").write_text(
        'name = "E"\nfeed = "https://e.example/feed"\nhome = "https://e.example/"\ncolor = "blau"\n'
    )
    result = invoke(site, "check")
    assert result.exit_code == 2
    assert f"{folder / 'kaputt.toml'}:3: invalid TOML" in result.output
    assert "extra.toml: unknown key 'color'" in result.output


def test_fetch_with_a_broken_participant_file_fetches_the_rest_and_fails(site, feed_server):
    assert invoke(site, "join", blog(feed_server, "anna", "Eins")).exit_code == 0
    (site / "content" / "participants" / "kaputt.toml").write_text("name = ")
    result = invoke(site, "fetch")
    assert result.exit_code == 1
    assert "kaputt.toml" in result.output and "1 new post" in result.output


@pytest.mark.slow
def test_a_broken_participant_file_is_said_once_by_build_and_by_run(site, feed_server):
    # The export and the site's plugin both warned of it, and `run` after the fetch's own report:
    # each line two or three times in a cron log.
    assert invoke(site, "join", blog(feed_server, "anna", "Eins")).exit_code == 0
    (site / "content" / "participants" / "kaputt.toml").write_text("name = ")
    built = invoke(site, "build")
    assert built.exit_code == 0 and built.output.count("kaputt.toml") == 1, built.output
    ran = invoke(site, "run", "--force-build")
    assert ran.exit_code == 1 and ran.output.count("kaputt.toml") == 1, ran.output
    assert "Built 1 post" in ran.output


def test_unusable_store_is_a_clear_error(site):
    with open(site / "pelicanconf.py", "a") as settings:
        settings.write('\nBLOGPARADE_STORE = "missing-folder/store.sqlite"\n')
    result = invoke(site, "fetch")
    assert result.exit_code == 1
    assert "cannot open store" in result.output and "does not exist" in result.output


def test_store_path_that_is_a_folder_is_a_clear_error(site):
    with open(site / "pelicanconf.py", "a") as settings:
        settings.write('\nBLOGPARADE_STORE = "content"\n')
    result = invoke(site, "fetch")
    assert result.exit_code == 1
    assert "cannot use store" in result.output and "Traceback" not in result.output


@pytest.mark.parametrize("args", [["status"], ["--help"], ["--version"]])
def test_a_reader_that_stops_reading_ends_the_command_quietly(site, args):
    # `status | head`: the pipe's reader is gone before blogparade writes.  `--help | head` exited
    # 1, Click's answer, as if a job had failed.
    read_end, write_end = os.pipe()
    os.close(read_end)
    try:
        result = subprocess.run(blogparade_command() + ["--site", str(site), *args], stdout=write_end,
                                stderr=subprocess.PIPE, text=True, timeout=60)  # fmt: skip
    finally:
        os.close(write_end)
    assert result.returncode == 141 and result.stderr == "", result.stderr


@pytest.mark.parametrize("setting, said", [
    ("BLOGPARADE_PER_HOST = -5", "BLOGPARADE_PER_HOST = -5: it must be at least 1"),
    ("BLOGPARADE_TIMEOUT = 'dreißig'", "BLOGPARADE_TIMEOUT = 'dreißig': it must be a number"),
    ("BLOGPARADE_TIMEOUT = '-30'", "BLOGPARADE_TIMEOUT = '-30': it must be more than 0 seconds"),
    ("BLOGPARADE_BACKUPS = None", "BLOGPARADE_BACKUPS = None: it must be a whole number"),
    ("BLOGPARADE_MAX_WAIT_DAYS = 10**15", "it must be at least 0 and at most 36500"),
    ("BLOGPARADE_STORE = ['a.sqlite']", "BLOGPARADE_STORE = ['a.sqlite']: it must be a file or folder name"),
    ('TIMEZONE = "Mars/Olympus"', 'TIMEZONE = \'Mars/Olympus\': it must be a time zone\'s name, like "Europe/Berlin"'),
    ('BLOGPARADE_COMMENT_AUTHORS = "anonym"', "it must be one of full, initials, hidden"),
    # Pelican's, which blogparade reads too: "unexpected error: AttributeError" after the fetch.
    ("DEFAULT_LANG = 5", "DEFAULT_LANG = 5: it must be text in quotes"),
    ("OUTPUT_PATH = 5", "OUTPUT_PATH = 5: it must be a folder's name in quotes"),
])  # fmt: skip
def test_a_setting_of_the_wrong_kind_is_refused_before_anything_is_done(site, feed_server, setting, said):
    # -5 connections per host failed every feed with a traceback each, recorded as the blogs'
    # errors, and exited 0; the others were an "unexpected error" halfway through the run (an
    # unknown time zone in status and digest, an unknown naming at the end of a build).
    assert invoke(site, "join", blog(feed_server, "anna", "Eins")).exit_code == 0
    with open(site / "pelicanconf.py", "a") as settings:
        settings.write(f"\n{setting}\n")
    for command in ("fetch", "status", "build"):
        result = CliRunner().invoke(cli, ["--site", str(site), command])
        assert result.exit_code == 2, result.output
        assert said in result.output and "Traceback" not in result.output and "unexpected" not in result.output
    assert feed_server.hits("/anna/feed/") == 1  # the join's
    assert not (site / "output").exists()


def test_a_publishconf_that_cannot_be_read_stops_run_publish_before_the_fetch(site, feed_server):
    # A syntax error in publishconf.py let `run --publish` fetch every feed, then end with
    # "unexpected error: SyntaxError", exit 1.
    assert invoke(site, "join", blog(feed_server, "anna", "Eins")).exit_code == 0
    with open(site / "publishconf.py", "a") as settings:
        settings.write('\nSITEURL = ("https://blogs.example"\n')
    result = CliRunner().invoke(cli, ["--site", str(site), "run", "--publish"])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"Error: cannot read {site / 'publishconf.py'}: '(' was never closed")
    assert feed_server.hits("/anna/feed/") == 1  # the join's
    assert not (site / "output").exists()


def test_a_pelicanconf_that_raises_names_its_line_and_debug_shows_the_traceback(site):
    with open(site / "pelicanconf.py", "a") as settings:
        settings.write("\nX = undefined_name + 1\n")
    line = (site / "pelicanconf.py").read_text().splitlines().index("X = undefined_name + 1") + 1
    result = CliRunner().invoke(cli, ["--site", str(site), "build"])
    assert result.exit_code == 2 and "Traceback" not in result.output, result.output
    assert result.output == (f"Error: cannot read {site / 'pelicanconf.py'}, line {line}: "
                             "name 'undefined_name' is not defined\n")
    debug = CliRunner().invoke(cli, ["--debug", "--site", str(site), "build"])
    assert debug.exit_code == 2 and "Traceback (most recent call last)" in debug.output
    assert f'pelicanconf.py", line {line}, in <module>' in debug.output


def test_a_file_named_backups_is_named_as_what_is_in_the_way(site, feed_server):
    # The fetch said "cannot back up store … into …/backups/blogparade-….sqlite: File exists".
    assert invoke(site, "join", blog(feed_server, "anna", "Eins")).exit_code == 0
    assert invoke(site, "fetch").exit_code == 0
    (site / "backups").rename(site / "backups.old")
    (site / "backups").write_text("notes")
    result = CliRunner().invoke(cli, ["--site", str(site), "fetch"])
    assert result.exit_code == 1, result.output
    assert f"{site / 'backups'} is a file, where its backups go into a folder" in result.output


def test_a_backup_that_fails_leaves_the_fetch_said(site, feed_server):
    # The fetch stored a new post and sent any notices, then said only "cannot back up store":
    # its summary, raised past by the backup's error, was never printed.
    assert invoke(site, "join", blog(feed_server, "anna", "Eins")).exit_code == 0
    assert invoke(site, "fetch").exit_code == 0
    backups = site / "backups"
    shutil.copy(next(backups.glob("*.sqlite")), backups / "blogparade-2099-01-01T000000Z.sqlite")
    (backups / ".blogparade-2099-01-01T000001Z.sqlite.tmp").mkdir()  # where the next copy goes
    blog(feed_server, "anna", "Eins", "Zwei")
    result = CliRunner().invoke(cli, ["--site", str(site), "fetch"])
    assert result.exit_code == 1, result.output
    assert "1 feed: 1 fetched, 0 unchanged, 0 errors; 1 new post" in result.output
    assert result.output.rstrip("\n").splitlines()[-1].startswith("Error: cannot back up store")


def test_restore_passes_over_a_folder_named_like_a_backup(site, feed_server):
    # The newest "backup" a folder: restore said "…: disk I/O error" and restored none.
    assert invoke(site, "join", blog(feed_server, "anna", "Eins")).exit_code == 0
    assert invoke(site, "fetch").exit_code == 0
    assert invoke(site, "fetch").exit_code == 0
    *_, newest = sorted((site / "backups").glob("*.sqlite"))
    (site / "backups" / "blogparade-2099-01-01T000000Z.sqlite").mkdir()
    result = CliRunner().invoke(cli, ["--site", str(site), "restore"])
    assert result.exit_code == 0, result.output
    assert f"Restored {newest} (1 posts)" in result.output


@pytest.mark.parametrize("command", [["run"], ["build"], ["check"], ["status"]])
def test_a_participants_folder_that_is_not_there_unpublishes_nothing(site, feed_server, command):
    # BLOGPARADE_PARTICIPANTS = "teilnehmer" (a typo, or a renamed folder): `run` built "0 posts"
    # over the published site and exited 0, `check` said "0 participants and 0 parades OK."
    assert invoke(site, "join", blog(feed_server, "anna", "Eins")).exit_code == 0
    assert invoke(site, "run").exit_code == 0
    published = sorted(p.relative_to(site) for p in (site / "output" / "blogs").rglob("index.html"))
    with open(site / "pelicanconf.py", "a") as settings:
        settings.write('\nBLOGPARADE_PARTICIPANTS = "teilnehmer"\n')
    result = CliRunner().invoke(cli, ["--site", str(site), *command])
    assert result.exit_code == 2, result.output
    assert result.output.startswith(f"Error: {site / 'content' / 'teilnehmer'} does not exist, but the "
                                    "site has published 1 post"), result.output
    assert "\n" not in result.output.rstrip("\n")
    assert sorted(p.relative_to(site) for p in (site / "output" / "blogs").rglob("index.html")) == published


def test_the_take_downs_and_restore_work_without_the_participants_folder(site, feed_server):
    # They unpublish nothing by it (the README: "every command but the take-downs and restore"):
    # a take-down must not wait until the folder is found again.
    assert invoke(site, "join", blog(feed_server, "anna", "Eins")).exit_code == 0
    assert invoke(site, "run").exit_code == 0
    post = next(iter(json.loads(p.read_text())["url"] for p in (site / "content" / "aggregated").rglob("*.json")))
    (site / "content" / "participants").rename(site / "teilnehmer-alt")
    for command in (["hide", post], ["unhide", post], ["forget", "--commenter", "Niemand"],
                    ["remove", "blog-anna"], ["restore"]):  # fmt: skip
        result = CliRunner().invoke(cli, ["--site", str(site), *command])
        assert result.exit_code == 0, (command, result.output)
    assert CliRunner().invoke(cli, ["--site", str(site), "run"]).exit_code == 2  # still refused


def published_blogs(site: Path) -> list[str]:
    return sorted(p.parent.name for p in (site / "output" / "blogs").glob("*/index.html"))


@pytest.mark.parametrize("command", [["run"], ["build"], ["check"], ["status"], ["fetch"]])
def test_a_participants_folder_emptied_unpublishes_nothing(site, feed_server, command):
    # A checkout or a script that lost the files (the folder still there): `run` built "0 posts"
    # over the published site and exited 0, `check` passed.
    for slug in ("anna", "bert"):
        assert invoke(site, "join", blog(feed_server, slug, "Eins")).exit_code == 0
    assert invoke(site, "run").exit_code == 0
    assert published_blogs(site) == ["blog-anna", "blog-bert"]
    before = sorted(p.relative_to(site) for p in (site / "output").rglob("*.html"))
    for path in (site / "content" / "participants").glob("*.toml"):
        path.unlink()
    result = CliRunner().invoke(cli, ["--site", str(site), *command])
    assert result.exit_code == 2, result.output
    assert result.output == (
        f"Error: {site / 'content' / 'participants'} holds no participant file, but the site has "
        "published posts of 2 blogs (blog-anna, blog-bert): a run would unpublish them, so nothing was done; "
        "restore their files, or take a blog off with `blogparade remove SLUG`\n")
    assert sorted(p.relative_to(site) for p in (site / "output").rglob("*.html")) == before


def test_blogs_taken_off_with_remove_may_leave_the_folder_empty(site, feed_server):
    # `remove` is how blogs go: the last one's removal is no accident, nor a file deleted by hand
    # and then removed (`remove` said "no blog 'bert': … does not exist").
    for slug in ("anna", "bert"):
        assert invoke(site, "join", blog(feed_server, slug, "Eins")).exit_code == 0
    assert invoke(site, "run").exit_code == 0
    assert invoke(site, "remove", "blog-anna").exit_code == 0
    (site / "content" / "participants" / "blog-bert.toml").unlink()
    assert CliRunner().invoke(cli, ["--site", str(site), "run"]).exit_code == 2  # blog-bert: by hand
    result = invoke(site, "remove", "blog-bert")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Removed blog-bert: its participant file was gone already\n")
    assert "\tremove\tblog\tblog-bert " in (site / "takedowns.log").read_text()
    assert invoke(site, "run").exit_code == 0
    assert published_blogs(site) == []
    # Nothing stored and no file: still no such blog.
    result = CliRunner().invoke(cli, ["--site", str(site), "remove", "carla"])
    assert result.exit_code == 2 and "no blog 'carla':" in result.output, result.output


def test_a_blog_that_joined_again_after_its_removal_is_not_taken_for_removed(site, feed_server):
    assert invoke(site, "join", blog(feed_server, "anna", "Eins")).exit_code == 0
    assert invoke(site, "run").exit_code == 0
    assert invoke(site, "remove", "blog-anna").exit_code == 0
    assert invoke(site, "run").exit_code == 0
    log = site / "takedowns.log"  # the removal a while ago, the new posts written since
    log.write_text(log.read_text().replace(log.read_text().splitlines()[-1][:19], "2020-01-01 00:00:00"))
    assert invoke(site, "join", blog(feed_server, "anna", "Eins", "Zwei")).exit_code == 0
    assert invoke(site, "run").exit_code == 0
    (site / "content" / "participants" / "blog-anna.toml").unlink()
    result = CliRunner().invoke(cli, ["--site", str(site), "build"])
    assert result.exit_code == 2 and "published posts of 1 blog (blog-anna)" in result.output, result.output
    assert published_blogs(site) == ["blog-anna"]


def test_a_parades_external_blogs_need_no_participant_file(site):
    # A host's site with contributions from blogs that never joined and no joined blog: their
    # exported posts are no participants'.
    exported = site / "content" / "aggregated" / "ext_blog-example"
    exported.mkdir(parents=True)
    (exported / "0123456789abcdef.json").write_text("{}")
    from aggregator.editors.takedown import not_removed
    from aggregator.site import Site

    assert not_removed(Site.load(site)) == []
    (site / "content" / "aggregated" / "anna").mkdir()
    (site / "content" / "aggregated" / "anna" / "0123456789abcdef.json").write_text("{}")
    assert not_removed(Site.load(site)) == ["anna"]


@pytest.mark.parametrize("setting, said", [
    ("BLOGPARADE_HOME_PAGES = 'x'", "BLOGPARADE_HOME_PAGES = 'x': it must be a whole number"),
    ("BLOGPARADE_POST_SAVE_AS = None", "BLOGPARADE_POST_SAVE_AS = None: it must be a path like"),
    ("BLOGPARADE_STATUS_PAGE = 5", 'BLOGPARADE_STATUS_PAGE = 5: it must be a file name like "status/index.html"'),
    # A name the pattern is not filled in with failed every post with a bare KeyError('slug').
    ('BLOGPARADE_POST_URL = "blogs/{slug}/"', "BLOGPARADE_POST_URL = 'blogs/{slug}/': it may name only {participant} and {id}"),
    ('BLOGPARADE_PARADE_SAVE_AS = "p/{name}.html"', "it may name only {slug}"),
    # A name with more to it ended the build with "unexpected error: AttributeError", or wrote
    # each post under its id in quotes.
    ('BLOGPARADE_POST_URL = "blogs/{id.x}/"', "BLOGPARADE_POST_URL = 'blogs/{id.x}/': it may name only"),
    ('BLOGPARADE_POST_SAVE_AS = "b/{id!r}.html"', "it may name only {participant} and {id}"),
    ('BLOGPARADE_PARADE_URL = "p/{slug:>99999999999}/"', "it may name only {slug}"),
    # A leading "/" wrote the blog roll at the root of the disk, and linked it nowhere.
    ('BLOGPARADE_BLOGROLL = "/blogroll.opml"', "BLOGPARADE_BLOGROLL = '/blogroll.opml': it must be a path inside the site"),
    ('BLOGPARADE_STATUS_PAGE = "../status.html"', "it must be a path inside the site, with no leading / and no .."),
    ('BLOGPARADE_STATUS_PAGE = "status/"', 'it must name a file, like "status/index.html"'),
    # Pelican's pagination, read by the home page and the archive too: a bare TypeError.
    ('DEFAULT_PAGINATION = "20"', "DEFAULT_PAGINATION = '20': it must be a whole number of posts, or False"),
    ('PAGINATED_TEMPLATES = {"index": "10"}', "PAGINATED_TEMPLATES = {'index': '10'}: it must name templates"),
])  # fmt: skip
def test_a_build_setting_of_the_wrong_kind_is_refused_before_the_build(site, setting, said):
    # They ended a build with "unexpected error: AttributeError …" or "the build failed, …
    # ValueError …", exit 1.
    assert invoke(site, "build").exit_code == 0
    before = (site / "output" / "index.html").read_bytes()
    with open(site / "pelicanconf.py", "a") as settings:
        settings.write(f"\n{setting}\n")
    result = CliRunner().invoke(cli, ["--site", str(site), "build"])
    assert result.exit_code == 2 and said in result.output, result.output
    assert (site / "output" / "index.html").read_bytes() == before


def test_a_site_that_has_published_nothing_may_lack_the_participants_folder(site):
    # As this repository, a site with no participants yet: `check` in its pull requests passes.
    (site / "content" / "participants" / "README.md").unlink()
    (site / "content" / "participants").rmdir()
    assert invoke(site, "check").output == "0 participants and 0 parades OK.\n"


def test_a_number_setting_written_as_a_string_still_works(site):
    # BLOGPARADE_TIMEOUT = "30" has always worked (read with float()): a site's nightly job
    # must not start failing over it.
    with open(site / "pelicanconf.py", "a") as settings:
        settings.write('\nBLOGPARADE_TIMEOUT = "30"\nBLOGPARADE_BACKUPS = "3"\n')
    assert invoke(site, "fetch").exit_code == 0


def test_status_json_names_each_blogs_department(site):
    # An intranet's scripts group the blogs by department, which status --json did not name.
    folder = site / "content" / "participants"
    (folder / "vera.toml").write_text('name = "Vera"\nfeed = "https://vera.example/feed/"\n'
                                      'home = "https://vera.example/"\ndepartment = "Vertrieb"\n', encoding="utf-8")
    (folder / "ole.toml").write_text('name = "Ole"\nfeed = "https://ole.example/feed/"\nhome = "https://ole.example/"\n',
                                     encoding="utf-8")  # fmt: skip
    result = invoke(site, "status", "--json")
    assert result.exit_code == 0, result.output
    blogs = {blog["slug"]: blog["department"] for blog in json.loads(result.stdout)["blogs"]}
    assert blogs == {"vera": "Vertrieb", "ole": None}
