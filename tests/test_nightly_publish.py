"""The nightly job publishes: `run --publish` builds with publishconf.py, output/ is replaced only
by a whole build, and what is stored while a build runs is built by the next run.

Real site folders made by `blogparade init`, blogs served on 127.0.0.1 (tests/servers.py), the
real CLI (CliRunner, or a subprocess where it must be killed or run out of disk), real Pelican.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import lxml.etree
import pytest

from aggregator.website import output as tree
from tests.acceptance_helpers import (
    blogparade_command,
    explain,
    invoke,
    new_site,
    no_traceback,
    ok,
    write_participant,
)
from tests.feedmaker import Item, Reply, rss, threaded_comments_atom, wordpress_comments_rss
from tests.servers import ATOM_TYPE, FeedServer, respond

SITEURL = "https://parade.example.org"
ATOM = "{http://www.w3.org/2005/Atom}"
DRAFT = """\
Title: Rückschau im Entwurf
Date: 2026-05-03 10:00
Status: draft

Noch nicht fertig.
"""
T = datetime(2026, 5, 1, 9, 0, tzinfo=UTC)


def items(server: FeedServer, count: int) -> list[Item]:
    return [Item(f"p{n}", f"Beitrag {n}", f"{server.base_url}/heil/{n}/", T + timedelta(days=n))
            for n in range(1, count + 1)]  # fmt: skip


def serve(server: FeedServer, count: int) -> str:
    """Heil's blog with `count` posts (its ETag changes with them)."""
    body = rss(items(server, count), title="Heil", link=f"{server.base_url}/heil/").encode()
    return server.route("/heil/feed", respond(body, etag=f'"{count}"'))


def publishing_site(root: Path, server: FeedServer, posts: int = 1) -> Path:
    """A new site whose publishconf.py has a real address, one blog, and a draft of our own."""
    site = new_site(root)
    publishconf = site / "publishconf.py"
    text = publishconf.read_text(encoding="utf-8").replace("https://blogparade.example", SITEURL)
    publishconf.write_text(text, encoding="utf-8")
    write_participant(site, "heil", "Heil", serve(server, posts), f"{server.base_url}/heil/")
    (site / "content" / "entwurf.md").write_text(DRAFT, encoding="utf-8")
    return site


def snapshot(output: Path) -> dict[str, str]:
    """Every file of a build with a digest of its bytes: two builds compare by content."""
    return {
        path.relative_to(output).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(output.rglob("*")) if path.is_file()
    }  # fmt: skip


def leftovers(site: Path) -> list[str]:
    """Trees a build left beside output/ but the spare one, kept on purpose (output.py)."""
    return sorted(p.name for p in site.iterdir() if p.name.startswith(".output.") and p.name != ".output.spare")


def atom_entries(output: Path) -> dict[str, list[lxml.etree._Element]]:
    feeds = sorted((output / "feeds").rglob("*.atom.xml"))
    return {f.relative_to(output).as_posix(): lxml.etree.parse(f).getroot().findall(f"{ATOM}entry")
            for f in feeds}  # fmt: skip


def assert_published(site: Path, posts: int) -> None:
    """What a feed reader and a visitor of the real site need: absolute links, no drafts."""
    output = site / "output"
    feeds = atom_entries(output)
    assert set(feeds) == {"feeds/all.atom.xml", "feeds/blogs/heil.atom.xml"}, feeds
    for name, entries in feeds.items():
        assert len(entries) == posts, name
        root = lxml.etree.parse(str(output / name)).getroot()
        assert root.find(f"{ATOM}link[@rel='self']").get("href") == f"{SITEURL}/{name}"
        for entry in entries:
            links = [link.get("href") for link in entry.findall(f"{ATOM}link")]
            assert links and all(link.startswith(f"{SITEURL}/") for link in links), (name, links)
            assert "None" not in entry.findtext(f"{ATOM}id"), name
    assert not (output / "drafts").exists()
    pages = "".join(p.read_text(encoding="utf-8") for p in output.rglob("*.html"))
    assert "Rückschau im Entwurf" not in pages
    assert 'href="/' not in pages and 'href="../' not in pages  # no relative addresses
    assert tree.built_with(output) == "publishconf.py"


# ----------------------------------------------------------------------- publishing settings


def test_run_publish_publishes_absolute_links_no_drafts_and_keeps_doing_so(feed_server, tmp_path):
    site = publishing_site(tmp_path / "site", feed_server)
    first = ok(invoke(site, "run", "--publish"))
    assert "Built " in first.output, first.output
    assert_published(site, posts=1)

    serve(feed_server, 2)  # news: the next nightly run must publish it the same way
    second = ok(invoke(site, "run", "--publish"))
    assert "1 new post" in second.output and "Built " in second.output, second.output
    assert_published(site, posts=2)
    assert leftovers(site) == []


def test_a_publishconf_written_before_it_named_drafts_publishes_none(feed_server, tmp_path):
    # A site made before publishconf.py said DRAFT_SAVE_AS = "" published its drafts (a roundup
    # being written) with every run --publish after an upgrade.
    site = publishing_site(tmp_path / "site", feed_server)
    publishconf = site / "publishconf.py"
    old = [line for line in publishconf.read_text(encoding="utf-8").splitlines() if not line.startswith("DRAFT_")]
    publishconf.write_text("\n".join(old) + "\n", encoding="utf-8")
    ok(invoke(site, "run", "--publish"))
    assert_published(site, posts=1)
    shutil.rmtree(site / "output")
    ok(invoke(site, "build"))  # a development build still shows them, to their writer
    assert (site / "output" / "drafts").is_dir()


def test_a_development_build_never_replaces_a_published_site(feed_server, tmp_path):
    site = publishing_site(tmp_path / "site", feed_server)
    ok(invoke(site, "run", "--publish"))
    published = snapshot(site / "output")
    for command in (["build"], ["run"], ["run", "--force-build"]):
        hits = feed_server.hits("/heil/feed")
        result = invoke(site, *command)
        assert result.exit_code == 1, (command, explain(result))
        no_traceback(result)
        [line] = result.output.strip().splitlines()  # one sentence, saying how to go on
        assert "published" in line and "--publish" in line and "remove" in line, line
        assert feed_server.hits("/heil/feed") == hits  # refused before fetching anything
        assert snapshot(site / "output") == published

    # As the sentence says: without output/, a development build is fine again.
    shutil.rmtree(site / "output")
    ok(invoke(site, "build"))
    assert (site / "output" / "drafts").is_dir()  # drafts are previewed in development


def test_a_publish_run_after_a_development_run_rebuilds_though_nothing_changed(
    feed_server, tmp_path
):
    site = publishing_site(tmp_path / "site", feed_server)
    ok(invoke(site, "run"))
    assert (site / "output" / "drafts").is_dir()
    assert tree.built_with(site / "output") == "pelicanconf.py"

    published = ok(invoke(site, "run", "--publish"))
    assert "0 new posts" in published.output and "Built " in published.output, published.output
    assert_published(site, posts=1)

    again = ok(invoke(site, "run", "--publish"))
    assert "up to date" in again.output and "Built " not in again.output, again.output


def test_publishing_without_publishconf_is_refused_before_anything_is_done(feed_server, tmp_path):
    site = publishing_site(tmp_path / "site", feed_server)
    (site / "publishconf.py").unlink()
    for command in (["build", "--publish"], ["run", "--publish"]):
        result = invoke(site, *command)
        assert result.exit_code == 1, (command, explain(result))
        no_traceback(result)
        [line] = result.output.strip().splitlines()
        assert "has no publishconf.py" in line and "SITEURL" in line, line
    assert feed_server.hits("/heil/feed") == 0
    assert not (site / "output").exists()


def test_a_new_site_publishes_and_is_reminded_of_its_example_address(tmp_path):
    site = new_site(tmp_path / "site")
    result = ok(invoke(site, "build", "--publish"))
    example = "publishconf.py still has the example address https://blogparade.example"
    assert example in result.output
    home = (site / "output" / "index.html").read_text(encoding="utf-8")
    assert 'href="https://blogparade.example/blogs/"' in home
    feed = (site / "output" / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert 'href="https://blogparade.example/feeds/all.atom.xml" rel="self"' in feed


# ------------------------------------------------------------- a fetch while the site builds


def test_a_post_fetched_while_the_site_builds_is_on_the_site_after_the_next_run(
    feed_server, tmp_path
):
    """A fetch started while Pelican works waits for the run to finish (the site's lock): so the
    next run must build although its own fetch finds nothing new (the feed answers 304).
    test_build has the same with the post stored during the build itself."""
    from pelican import signals

    site = publishing_site(tmp_path / "site", feed_server)
    fetches: list[subprocess.Popen[str]] = []

    def concurrent_fetch(_: object) -> None:
        if not fetches:
            serve(feed_server, 2)
            fetches.append(subprocess.Popen(
                blogparade_command() + ["--site", str(site), "fetch", "--wait"],
                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
            ))  # fmt: skip

    signals.all_generators_finalized.connect(concurrent_fetch)
    try:
        first = ok(invoke(site, "run", "--publish"))
    finally:
        signals.all_generators_finalized.disconnect(concurrent_fetch)
    stdout, stderr = fetches[0].communicate(timeout=120)
    assert fetches[0].returncode == 0 and "1 new post" in stdout, (stdout, stderr)
    assert "Built " in first.output
    assert_published(site, posts=1)  # the build had exported before the post arrived

    second = ok(invoke(site, "run", "--publish"))
    assert "0 new posts" in second.output and "Built " in second.output, second.output
    assert_published(site, posts=2)
    assert "Beitrag 2" in (site / "output" / "index.html").read_text(encoding="utf-8")


# ----------------------------------------------------------------- builds that do not finish


def test_a_failing_build_leaves_the_published_site_whole(feed_server, tmp_path):
    site = publishing_site(tmp_path / "site", feed_server)
    ok(invoke(site, "run", "--publish"))
    published = snapshot(site / "output")
    serve(feed_server, 2)
    (site / "content" / "kaputt.md").write_text(
        "Title: Kaputt\nDate: 2026-05-04\nTemplate: gibt-es-nicht\n\nText.\n", encoding="utf-8"
    )
    result = invoke(site, "run", "--publish")
    assert result.exit_code == 1, explain(result)
    no_traceback(result)
    assert "the build failed" in result.output and "gibt-es-nicht" in result.output
    assert snapshot(site / "output") == published
    assert leftovers(site) == []

    (site / "content" / "kaputt.md").unlink()
    ok(invoke(site, "run", "--publish"))
    assert_published(site, posts=2)


def test_a_full_disk_during_the_build_leaves_the_published_site_whole(feed_server, tmp_path):
    """RLIMIT_FSIZE makes writes past a size fail as a full disk does (Python ignores SIGXFSZ,
    so the write raises EFBIG): here the page of a big article, in the middle of Pelican's work."""
    site = publishing_site(tmp_path / "site", feed_server)
    ok(invoke(site, "run", "--publish"))
    published = snapshot(site / "output")
    limit = 512 * 1024
    assert max(p.stat().st_size for p in site.rglob("*") if p.is_file()) < limit
    big = "Ein langer Absatz über das Warten auf Pelican. " * (2 * limit // 40)
    article = f"Title: Groß\nDate: 2026-05-04\n\n{big}\n"
    (site / "content" / "gross.md").write_text(article, encoding="utf-8")

    def limit_file_size() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    result = subprocess.run(blogparade_command() + ["--site", str(site), "build", "--publish"],
                            capture_output=True, text=True, timeout=120,
                            preexec_fn=limit_file_size)  # fmt: skip
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr + result.stdout, result.stderr
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Error: the build failed") and "File too large" in line, line
    assert snapshot(site / "output") == published
    assert leftovers(site) == []


@pytest.mark.slow
def test_builds_killed_at_random_moments_leave_one_whole_build_served(feed_server, tmp_path):
    """SIGKILL allows no clean-up: whatever moment it hits, output/ is the old build or the new
    one, never a mix; the next build removes what the killed ones left."""
    site = publishing_site(tmp_path / "site", feed_server, posts=40)
    output = site / "output"
    ok(invoke(site, "run", "--publish"))
    old = snapshot(output)
    shutil.copytree(output, tmp_path / "old-output", symlinks=True)
    serve(feed_server, 60)
    ok(invoke(site, "fetch"))  # news in the store: the builds below make a different site

    command = blogparade_command() + ["--site", str(site), "build", "--publish"]
    # Nothing a killed build made may outlive it where no later build looks: the system's
    # temporary folder (Pagefind's working folders were left there).
    temporary = tmp_path / "tmp"
    temporary.mkdir()
    env = {**os.environ, "TMPDIR": str(temporary)}
    started = time.monotonic()
    subprocess.run(command, check=True, capture_output=True, timeout=120, env=env)
    duration = time.monotonic() - started  # Python's start included
    new = snapshot(output)
    assert new != old

    def in_the_build(process: subprocess.Popen[bytes]) -> None:
        """Wait until the build's own tree is there: a moment load cannot move before or after."""
        deadline = time.monotonic() + 10 * duration
        while not leftovers(site) and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.005)

    rng = random.Random(8)
    seen, left = [], set()
    # Moments as fractions of one build's time (before it, in it, after it), and two observed
    # to be inside it: the fractions alone all missed its middle on a busy machine.
    for fraction in (0.1, 0.3, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0, 1.2, "in", "in"):
        shutil.rmtree(output)
        shutil.copytree(tmp_path / "old-output", output, symlinks=True)  # the old site again
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
        if fraction == "in":
            in_the_build(process)
            time.sleep(duration * rng.uniform(0, 0.1))
        else:
            time.sleep(duration * fraction * rng.uniform(0.9, 1.1))
        process.kill()
        process.wait(30)
        seen.append(snapshot(output))
        left.update(leftovers(site))
    assert all(state in (old, new) for state in seen), [sorted(set(s) ^ set(old)) for s in seen]
    assert old in seen
    assert left, "no kill hit a build in the middle: the test proved nothing"

    ok(invoke(site, "build", "--publish"))
    assert snapshot(output) == new
    assert leftovers(site) == []
    assert sorted(path.name for path in temporary.iterdir()) == []


# ------------------------------------------------------------------------- a blog that moves


RECENT = datetime.now(UTC).replace(hour=9, minute=0, second=0, microsecond=0) - timedelta(days=10)


def hugo_feed(server: FeedServer, scheme: str) -> str:
    """A Hugo blog's feed: its guids are its permalinks, so moving to https changes them all.
    Each post names its comment feed (an Isso or Remark42 thread), one comment in each."""
    home = f"{scheme}://{server.host}:{server.port}/hugo/"
    posts = []
    for n, (slug, title) in enumerate([("offen", "Ein offener Beitrag"), ("privat", "Ein Beitrag, der weg soll")]):
        comments = server.route(f"/hugo/{slug}/comments.xml", respond(wordpress_comments_rss(
            f"{home}{slug}/", f"{home}{slug}/", [Reply(1, "Jan", f"Jan kommentiert {slug}", published=RECENT)]).encode()))
        posts.append(Item(f"{home}{slug}/", title, f"{home}{slug}/", RECENT - timedelta(days=n),
                          comments_feed=comments, comment_count=1))
    return server.route("/hugo/index.xml", respond(rss(posts, title="Hugo", link=home).encode()))


def entry_ids(site: Path) -> dict[str, str]:
    """The site's Atom feed: each entry's id by its title."""
    root = lxml.etree.parse(str(site / "output" / "feeds" / "all.atom.xml")).getroot()
    return {entry.findtext(f"{ATOM}title"): entry.findtext(f"{ATOM}id") for entry in root.iter(f"{ATOM}entry")}


@pytest.mark.slow
def test_a_blog_that_moves_to_https_keeps_its_posts_comments_and_take_downs(feed_server, tmp_path):
    """A Hugo blog moving to https brings every post again under a new guid, and the site
    publishes the new copy: it showed none of the comments the store had of the old one (a post
    no longer followed for comments is not asked for them again), and a post taken down with
    `hide` was published again as if never taken down."""
    site = publishing_site(tmp_path / "site", feed_server)
    write_participant(site, "hugo", "Hugo", hugo_feed(feed_server, "http"), f"{feed_server.base_url}/hugo/")
    ok(invoke(site, "run", "--publish"))
    ok(invoke(site, "hide", f"{feed_server.base_url}/hugo/privat/", "--reason", "Bitte des Autors"))
    ok(invoke(site, "run", "--publish"))
    before = {path.parent.name for path in (site / "output" / "blogs" / "hugo").glob("*/index.html")}
    feed_ids = entry_ids(site)
    time.sleep(1)  # the store's times are whole seconds: the move is seen later (a night, really)

    with open(site / "pelicanconf.py", "a", encoding="utf-8") as settings:
        settings.write("BLOGPARADE_COMMENT_DAYS = 0\n")  # the posts are old by now: comments not read
    hugo_feed(feed_server, "https")
    moved = ok(invoke(site, "run", "--publish"))
    assert "Built " in moved.output, moved.output
    # Not news: the summary says where the posts came from (none is new, none lost); both, the
    # one taken down too.
    assert "0 new posts, 0 updated, 2 seen again at their blog's new address." in moved.output
    blogs = json.loads(ok(invoke(site, "status", "--json")).output)["blogs"]
    hugo = next(blog for blog in blogs if blog["slug"] == "hugo")
    assert hugo["posts"] == 2  # not both copies of each
    assert hugo["last_new_post"] < hugo["last_success"]  # the move brought nothing new
    published = b"".join(path.read_bytes() for path in (site / "output").rglob("*")
                         if path.suffix in (".html", ".xml", ".json") and path.is_file())  # fmt: skip
    assert b"Ein Beitrag, der weg soll" not in published and b'/hugo/privat/"' not in published
    page = next(page for page in (site / "output" / "blogs" / "hugo").glob("*/index.html")
                if "Ein offener Beitrag" in (text := page.read_text(encoding="utf-8"))
                and 'http-equiv="refresh"' not in text)  # not its old address, which sends there  # fmt: skip
    assert "https://" in page.read_text(encoding="utf-8")  # the new copy
    assert page.read_text(encoding="utf-8").count("Jan kommentiert offen") == 1
    # Its old address sends readers (and bookmarks, and search engines) to the new page, and is
    # listed nowhere; the one taken down has none.
    [old] = before
    assert old != page.parent.name
    moved_page = (site / "output" / "blogs" / "hugo" / old / "index.html").read_text(encoding="utf-8")
    new_address = f"/blogs/hugo/{page.parent.name}/"
    assert f'http-equiv="refresh" content="0; url={new_address}' in moved_page.replace(SITEURL, "")
    assert "Ein offener Beitrag" in moved_page and 'name="robots" content="noindex"' in moved_page
    listed = b"".join(path.read_bytes() for path in (site / "output").rglob("*")
                      if path.is_file() and path.suffix in (".xml", ".json") or path.name == "index.html"
                      and path.parent.parent.name != "hugo")  # fmt: skip
    assert f'/blogs/hugo/{old}/"'.encode() not in listed  # linked nowhere (the feed's ids name it)
    # The site's feed names it as before: feed readers do not show it again as new.
    assert entry_ids(site) == feed_ids and "Ein offener Beitrag" in feed_ids
    # Its old address names the post for `hide` too: both copies go, and the redirect with them.
    ok(invoke(site, "hide", f"{SITEURL}/blogs/hugo/{old}/"))
    ok(invoke(site, "run", "--publish", "--force-build"))
    assert not (site / "output" / "blogs" / "hugo" / old).exists()
    assert not page.exists()


def test_a_post_its_blog_re_dates_keeps_its_feed_entries_id(feed_server, tmp_path):
    """Pelican names an entry by a tag: URI of its address and date: a blog that corrected a
    post's date (a day earlier, its zone mended) had the post shown again, as new, in every
    feed reader that follows the site's feeds (RFC 4287: an entry's id never changes)."""
    site = publishing_site(tmp_path / "site", feed_server)
    home = f"{feed_server.base_url}/datum/"

    def feed(published: datetime) -> None:
        feed_server.route("/datum/feed/", respond(rss([
            Item(f"{home}?p=1", "Ein Beitrag mit neuem Datum", f"{home}neu/", published),
            Item(f"{home}?p=2", "Ein anderer Beitrag", f"{home}anderer/", RECENT - timedelta(days=3)),
        ], title="Datum", link=home).encode()))  # fmt: skip

    feed(RECENT)
    write_participant(site, "datum", "Datum", f"{feed_server.base_url}/datum/feed/", home)
    ok(invoke(site, "run", "--publish"))
    paths = ("feeds/all.atom.xml", "feeds/blogs/datum.atom.xml")

    def entries() -> dict[str, dict[str, tuple[str, str]]]:
        found = {}
        for path in paths:
            root = lxml.etree.parse(str(site / "output" / path)).getroot()
            found[path] = {entry.findtext(f"{ATOM}title"): (entry.findtext(f"{ATOM}id"), entry.findtext(f"{ATOM}published"))
                           for entry in root.iter(f"{ATOM}entry")}  # fmt: skip
        return found

    before = entries()
    time.sleep(1)  # the store's times are whole seconds: the next night is later
    feed(RECENT - timedelta(days=1))
    ok(invoke(site, "run", "--publish"))
    after = entries()
    for path in paths:
        assert after[path]["Ein Beitrag mit neuem Datum"][0] == before[path]["Ein Beitrag mit neuem Datum"][0], path
        # The date shown is the blog's new one.
        assert after[path]["Ein Beitrag mit neuem Datum"][1].startswith((RECENT - timedelta(days=1)).date().isoformat())
        assert after[path]["Ein anderer Beitrag"] == before[path]["Ein anderer Beitrag"]
    # Re-dated again: still named by the date it was first stored with.
    time.sleep(1)
    feed(RECENT - timedelta(days=2))
    ok(invoke(site, "run", "--publish"))
    assert entries()["feeds/all.atom.xml"]["Ein Beitrag mit neuem Datum"][0] == before["feeds/all.atom.xml"]["Ein Beitrag mit neuem Datum"][0]


def threaded_blog(server: FeedServer, scheme: str, comments: int) -> str:
    """A blog whose posts' and comments' guids are their addresses (Hugo with Isso or Remark42
    threads): moving to https renames the comment feeds and every comment.  Each post has
    `comments` comments, the second a reply to the first."""
    home = f"{scheme}://{server.host}:{server.port}/faden/"
    folder = "/faden/" if scheme == "http" else "/faden-https/"  # the move renamed them too
    posts = []
    for n, slug in enumerate(["erster", "zweiter"]):
        replies = [Reply(i, f"Leserin {i}", f"Kommentar {i} zum {slug}n", parent=1 if i == 2 else None,
                         published=RECENT + timedelta(hours=i)) for i in range(1, comments + 1)]  # fmt: skip
        feed = server.route(f"{folder}{slug}/comments.atom", respond(
            threaded_comments_atom(f"{home}{slug}/", f"{home}{slug}/", replies).encode(), content_type=ATOM_TYPE))
        posts.append(Item(f"{home}{slug}/", f"Der {slug} Beitrag", f"{home}{slug}/", RECENT - timedelta(days=n),
                          comments_feed=feed, comment_count=comments))
    return server.route("/faden/index.xml", respond(rss(posts, title="Faden", link=home).encode()))


def test_a_moved_blogs_comments_under_new_guids_are_its_stored_ones(feed_server, tmp_path):
    """A moved blog whose comment guids hold its posts' addresses brought every comment again
    under a new guid at the next read of its threads: each was counted new and stored twice,
    and its first copy reported "deleted at its source" and hidden."""
    site = new_site(tmp_path / "site")
    write_participant(site, "faden", "Faden", threaded_blog(feed_server, "http", 1), feed_server.url("/faden/"))
    ok(invoke(site, "run"))
    time.sleep(1)  # the store's times are whole seconds: the move is seen later (a night, really)
    threaded_blog(feed_server, "https", 1)
    moved = ok(invoke(site, "run"))
    assert "2 seen again at their blog's new address" in moved.output, moved.output
    time.sleep(1)
    threaded_blog(feed_server, "https", 2)  # a reply to each post's comment: its thread read again
    replied = ok(invoke(site, "run"))
    assert "2 new comments." in replied.output and "deleted" not in replied.output, replied.output
    with sqlite3.connect(site / "blogparade.sqlite") as db:
        assert db.execute("SELECT count(*), count(hidden) FROM comments").fetchone() == (4, 0)
        # The first comments keep their ids (and first-seen times) with their new addresses.
        assert {url.split(":")[0] for (url,) in db.execute("SELECT url FROM comments")} == {"https"}
    for page in (site / "output" / "blogs" / "faden").glob("*/index.html"):
        html = page.read_text(encoding="utf-8")
        if 'http-equiv="refresh"' in html:
            continue  # an old copy's address, sending readers to the new page
        slug = "erster" if "Der erster Beitrag" in html else "zweiter"
        assert html.count(f"Kommentar 1 zum {slug}n") == 1 and html.count(f"Kommentar 2 zum {slug}n") == 1
        first, reply = html.index(f"Kommentar 1 zum {slug}n"), html.index(f"Kommentar 2 zum {slug}n")
        assert first < reply and "<ol class=\"thread\">" in html[first:reply], "the reply nested under the first"


@pytest.mark.slow
def test_the_privacy_notice_gives_no_hidden_posts_comment_feed_away(tmp_path):
    # The notice lists the comment feeds the site reads: a post taken down with `hide` stayed
    # there by its address (…/privat/comments.xml).
    with FeedServer() as server:
        site = new_site(tmp_path / "site")
        write_participant(site, "hugo", "Hugo", hugo_feed(server, "http"), server.url("/hugo/"))
        ok(invoke(site, "run"))
        notice = site / "output" / "datenschutz" / "index.html"
        assert "/hugo/privat/comments.xml" in notice.read_text(encoding="utf-8")
        ok(invoke(site, "hide", server.url("/hugo/privat/")))
        ok(invoke(site, "run", "--force-build"))
        assert "/hugo/privat/" not in notice.read_text(encoding="utf-8")


# ------------------------------------------------------------- a feed whose guids change nightly


def churning_feed(server: FeedServer, night: int) -> str:
    """A template that puts the time of the request into its guids: new ones every night, the
    same posts; the first has a comment feed."""
    home = server.url("/churn/")
    posts = [Item(f"{home}{slug}/#{night}-{slug}", title, f"{home}{slug}/", RECENT - timedelta(days=n),
                  comments_feed=f"{home}{slug}/comments.xml" if n == 0 else None, comment_count=1 if n == 0 else None)
             for n, (slug, title) in enumerate([("eins", "Der erste Beitrag"), ("zwei", "Der zweite Beitrag")])]
    server.route("/churn/eins/comments.xml", respond(wordpress_comments_rss(
        f"{home}eins/", f"{home}eins/", [Reply(1, "Jan", "Gut so", published=RECENT)]).encode()))
    return server.route("/churn/feed/", respond(rss(posts, title="Churn", link=home).encode()))


def test_a_feed_that_gives_its_posts_new_guids_every_night_keeps_one_copy_of_each(feed_server, tmp_path):
    """Each night stored every post again, a copy taken for a move: the store grew by the whole
    feed a night, the output by a redirect page a post, and each run said "2 new posts"."""
    site = new_site(tmp_path / "site")
    write_participant(site, "churn", "Churn", churning_feed(feed_server, 1), feed_server.url("/churn/"))
    ok(invoke(site, "run"))
    pages = sorted(path.parent.name for path in (site / "output" / "blogs" / "churn").glob("*/index.html"))
    assert len(pages) == 2
    for night in (2, 3):
        churning_feed(feed_server, night)
        fetched = ok(invoke(site, "fetch"))
        assert "0 new posts" in fetched.output and "seen again" not in fetched.output, fetched.output
        ok(invoke(site, "build"))
    blogs = json.loads(ok(invoke(site, "status", "--json")).output)["blogs"]
    assert [(blog["posts"], blog["comments"]) for blog in blogs] == [(2, 1)]
    with sqlite3.connect(site / "blogparade.sqlite") as db:
        assert db.execute("SELECT count(*) FROM posts").fetchone() == (2,)
    assert sorted(path.parent.name for path in (site / "output" / "blogs" / "churn").glob("*/index.html")) == pages



def confluence_feed(server: FeedServer, version: int) -> str:
    """A Confluence space's blog as its feed builder writes it (Atom): each entry's id carries
    the post's version, its date is the version's, its link is the post's."""
    home = server.url("/confluence/display/TEAM/")
    entries = "".join(
        f"<entry><id>tag:{server.host},2009:blogpost-{number}-{version if number == 12345 else 1}</id>"
        f"<title>{title}</title><link rel=\"alternate\" href=\"{home}2026/11/26/{slug}\"/>"
        f"<published>{(RECENT + timedelta(days=version if number == 12345 else 0)).isoformat()}</published>"
        f"<updated>{(RECENT + timedelta(days=version if number == 12345 else 0)).isoformat()}</updated>"
        f"<author><name>Jana Team</name></author>"
        f"<content type=\"html\">&lt;p&gt;{body} (Version {version if number == 12345 else 1})&lt;/p&gt;</content></entry>"
        for number, slug, title, body in [(12345, "Teamupdate+KW+48", "Teamupdate KW 48", "Was diese Woche lief"),
                                          (12300, "Willkommen", "Willkommen im Team", "Hallo")])  # fmt: skip
    body = (f'<?xml version="1.0" encoding="UTF-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>Team-Blog</title><link href=\"{home}\"/><id>{home}</id>"
            f"<updated>{RECENT.isoformat()}</updated>{entries}</feed>")
    return server.route("/confluence/rss.xml", respond(body.encode(), content_type=ATOM_TYPE))


def test_a_post_edited_under_a_versioned_guid_is_updated_not_stored_again(feed_server, tmp_path):
    """Confluence's feed names each version of a post by an id of its own, dated by the edit: every
    edit stored the post again, twice on the site (the edit on top, as new), in its feeds and
    in the blog's count."""
    site = new_site(tmp_path / "site")
    write_participant(site, "team", "Team", confluence_feed(feed_server, 1), feed_server.url("/confluence/"))
    ok(invoke(site, "run"))
    for version in (2, 3):
        time.sleep(1)  # the store's times are whole seconds: the edit is seen later (a night, really)
        confluence_feed(feed_server, version)
        edited = ok(invoke(site, "run"))
        assert "0 new posts, 1 updated" in edited.output, edited.output
    blogs = json.loads(ok(invoke(site, "status", "--json")).output)["blogs"]
    assert [blog["posts"] for blog in blogs] == [2]
    pages = [page.read_text(encoding="utf-8") for page in (site / "output" / "blogs" / "team").glob("*/index.html")]
    shown = [page for page in pages if "Teamupdate KW 48" in page and 'http-equiv="refresh"' not in page]
    assert len(shown) == 1 and "lief (Version 3)" in shown[0] and "lief (Version 1)" not in shown[0]
    feed = (site / "output" / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert feed.count("<title>Teamupdate KW 48</title>") == 1