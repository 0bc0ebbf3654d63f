"""Building a site: export + Pelican with errors fatal, skipping needless builds, new sites.

`make_site` and `fill_store` build the sample site test_theme.py reads too.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import shutil
import sqlite3
import sys
from datetime import UTC, datetime, timedelta
from pathlib import Path

import lxml.html
import pytest

from aggregator.editors.participants import load_participants, write_participant
from aggregator.models import Comment, Participant, Post
from aggregator.parades.membership import on_the_roll
from aggregator.site import Site
from aggregator.store import FORMER_TAG_ADDRESSES, Store
from aggregator.website.build import (
    BuildError,
    BuildRefused,
    build_site,
    needs_build,
    pelican_settings,
    run_pelican,
)
from aggregator.website.export import FORMAT
from aggregator.website.sitetemplate import create_site, pelicanconf_text, theme_path
from tests.acceptance_helpers import dead_links, parse_html

REPO = Path(__file__).resolve().parent.parent
T = datetime(2026, 11, 2, 9, 30, tzinfo=UTC)

PARTICIPANTS = (
    Participant(slug="anna", name="Annas Blög", feed="https://anna.example/feed/",
                home="https://anna.example/", author="Anna Ärger", display="full", language="de"),
    Participant(slug="acme", name="ACME Technik", feed="https://acme.example/feed/",
                home="https://acme.example/", kind="corporate"),
    Participant(slug="bernd", name="Bernds Notizen", feed="https://bernd.example/feed/",
                home="https://bernd.example/", author="Bernd", active=False),
    Participant(slug="dora", name="Dora denkt", feed="https://dora.example/feed/",
                home="https://dora.example/", author="Dora"),
)  # fmt: skip


def post(participant: str, guid: str, title: str, published: datetime, **changes) -> Post:
    values = dict(
        participant=participant, guid=guid, url=f"https://{participant}.example/{guid}/",
        title=title, author="", published=published, updated=None,
        excerpt=f"Auszug von {title}.", content_html=f"<p>Ganzer Text von {title}.</p>",
    )  # fmt: skip
    return Post(**{**values, **changes})


def comment(post_id: str, guid: str, minutes: int, parent: str | None = None, **changes) -> Comment:
    values = dict(
        post_id=post_id, guid=guid, url=None, parent_guid=parent, author=f"Person {guid}",
        author_url=None, published=T + timedelta(minutes=minutes),
        content_html=f"<p>Kommentar {guid}.</p>",
    )  # fmt: skip
    return Comment(**{**values, **changes})


ANNA = post("anna", "remote", "Über Remote & <Büros>", T, author="anna@example.org (Anna Ärger)",
            updated=T + timedelta(days=1), categories=("Remote", "Arbeit"),
            excerpt="Warum ich gern zu Hause arbeite.",
            content_html="<p>Größer als gedacht: <strong>drei Jahre</strong> Remote.</p>")  # fmt: skip
ACME = post("acme", "rz", "Neues Rechenzentrum in Köln", T + timedelta(days=3), author="Presse",
            excerpt="Wir eröffnen ein Rechenzentrum.",
            content_html="<p>Geheimer voller Text, nur auf dem Originalblog.</p>",
            categories=("News",), comment_count=7)  # fmt: skip
BERND = post("bernd", "gruss", "Grüße aus dem Süden", T - timedelta(days=32), categories=("Reisen",))
COMMENTS = (
    comment(ANNA.id, "c1", 60, author="Bernd", author_url="https://bernd.example/"),
    comment(ANNA.id, "c2", 120, parent="c1", author="Anna Ärger"),
    comment(ANNA.id, "c3", 180, parent="c2", author="Clara <clara@example.org>",
            author_url="mailto:clara@example.org"),
    comment(ANNA.id, "c4", 240, parent="https://anna.example/remote/#comment-999"),
    comment(ANNA.id, "p1", 300, author="Ein anderes Blog", author_url="https://other.example/x/",
            kind="pingback", content_html="<p>[…] wie Anna schreibt […]</p>"),
    comment(ANNA.id, "t1", 360, author="Ein Trackback", kind="trackback"),
)  # fmt: skip
OWN_ARTICLE = """\
Title: Willkommen zur Blogparade
Date: 2026-11-10 10:00
Summary: Unser eigener Beitrag zum Start.

Das ist **unser** eigener Beitrag, geschrieben von der Redaktion.
"""


def make_site(root: Path, *, lang: str = "de", extra_settings: str = "") -> Site:
    create_site(root, title="Blogparade Süd", lang=lang)
    for participant in PARTICIPANTS:
        write_participant(root / "content" / "participants", participant)
    (root / "content" / "articles").mkdir()
    (root / "content" / "articles" / "willkommen.md").write_text(OWN_ARTICLE, encoding="utf-8")
    if extra_settings:
        with open(root / "pelicanconf.py", "a", encoding="utf-8") as settings:
            settings.write("\n" + extra_settings + "\n")
    return Site.load(root)


def fill_store(store: Store) -> None:
    for participant, posts, comments in (
        ("anna", [ANNA], COMMENTS), ("acme", [ACME], ()), ("bernd", [BERND], ()),
    ):  # fmt: skip
        store.record_success(participant, f"https://{participant}.example/feed/", etag=None,
                             last_modified=None, body_hash=participant, posts=posts,
                             comments=comments, now=T)  # fmt: skip


def build_sample(root: Path, **options) -> Site:
    site = make_site(root, **options)
    with Store(site.store_path) as store:
        fill_store(store)
        build_site(site, store)
    return site


# -- tests ---------------------------------------------------------------------------------------


def test_a_new_site_builds_with_no_participants(tmp_path):
    create_site(tmp_path / "site", title="Neue Parade")
    site = Site.load(tmp_path / "site")
    result = build_site(site)
    assert (result.articles, result.exported.posts) == (0, 0)
    home = (site.output / "index.html").read_text(encoding="utf-8")
    assert "Noch keine Beiträge" in home
    assert (site.output / "blogs" / "index.html").is_file()
    assert (site.output / "mitmachen" / "index.html").is_file()


def test_folders_the_settings_do_not_name_are_the_sites_wherever_it_is_built_from(tmp_path, monkeypatch):
    # Pelican takes them in the working directory: `--site` from elsewhere built elsewhere.
    root = tmp_path / "site"
    make_site(root)
    conf = root / "pelicanconf.py"
    conf.write_text(conf.read_text(encoding="utf-8").replace('OUTPUT_PATH = "output"\n', ""), encoding="utf-8")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    site = Site.load(root)
    with Store(site.store_path) as store:
        fill_store(store)
        build_site(site, store)
    assert (root / "output" / "index.html").is_file() and not (elsewhere / "output").exists()


@pytest.mark.slow
def test_the_sites_own_template_overrides_count_wherever_it_is_built_from(tmp_path, monkeypatch):
    # THEME_TEMPLATES_OVERRIDES names the site's folder of templates: Pelican looked for it in
    # the working directory (none there: silently the theme's), and a change in it, outside
    # the theme and content/, was neither a reason to build nor in what a page is made of; nor
    # was a change in its own plugins (PLUGIN_PATHS).
    root = tmp_path / "site"
    site = make_site(root, extra_settings='THEME_TEMPLATES_OVERRIDES = ["overrides"]\nPLUGIN_PATHS = ["plugins"]')
    (root / "plugins").mkdir()
    plugin = root / "plugins" / "own.py"
    plugin.write_text("def register():\n    pass\n", encoding="utf-8")
    (root / "overrides").mkdir()
    override = root / "overrides" / "tags.html"
    lead = '{% extends "!theme/tags.html" %}{% block content %}<p class="lead">WORDS</p>{{ super() }}{% endblock %}'
    override.write_text(lead.replace("WORDS", "Unsere Themen"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with Store(site.store_path) as store:
        fill_store(store)
        build_site(site, store)
        assert "Unsere Themen" in (site.output / "tags" / "index.html").read_text(encoding="utf-8")
        assert not needs_build(site, store)
        override.write_text(lead.replace("WORDS", "Alle Themen"), encoding="utf-8")
        os.utime(override, ns=(1, 1))  # a different mtime even on a coarse clock
        assert needs_build(site, store)
        build_site(site, store)
        assert "Alle Themen" in (site.output / "tags" / "index.html").read_text(encoding="utf-8")
        plugin.write_text("def register():\n    print('changed')\n", encoding="utf-8")
        assert needs_build(site, store)  # so are its own plugins


def test_a_new_site_ignores_what_it_should_not_publish(tmp_path):
    create_site(tmp_path / "site", title="Neue Parade", lang="en")
    assert {p.name for p in (tmp_path / "site" / "content" / "participants").iterdir()} == {"README.md"}
    ignored = (tmp_path / "site" / ".gitignore").read_text()
    for name in ("*.sqlite", "output/", ".output.*/", "cache/", "content/aggregated/", "backups/",
                 ".blogparade.lock", "media/", "takedowns.log"):
        assert name in ignored.splitlines()
    # The log the README's cron line appends to, in the site folder, is no source either.
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    logs = set(re.findall(r"blogparade run --publish >> (\S+) 2>&1", readme))
    assert logs and all(log in ignored.splitlines() for log in logs), logs
    # So is the virtual environment in the site folder that the cron line runs blogparade from.
    venvs = set(re.findall(r"&& (\.\w+)/bin/blogparade run --publish >>", readme))
    assert venvs and all(f"{venv}/" in ignored.splitlines() for venv in venvs), venvs
    site = Site.load(tmp_path / "site")
    result = build_site(site)
    assert result.articles == 0  # the participants' README is not an article
    assert (site.output / "join" / "index.html").is_file()
    # An English site's privacy notice at an English address (it was datenschutz/ on every site).
    assert (site.output / "privacy" / "index.html").is_file() and not (site.output / "datenschutz").exists()


def test_create_site_refuses_to_overwrite_a_site(tmp_path):
    create_site(tmp_path, title="Eins")
    with pytest.raises(FileExistsError):
        create_site(tmp_path, title="Zwei")


def test_build_reports_what_it_did(tmp_path):
    site = make_site(tmp_path)
    with Store(site.store_path) as store:
        fill_store(store)
        result = build_site(site, store)
    assert (result.articles, result.pages, result.exported.posts) == (4, 1, 3)
    assert str(result).startswith("4 posts and 1 page in ")
    assert result.output == site.output


def test_needs_build_only_when_something_changed(tmp_path):
    site = make_site(tmp_path)
    with Store(site.store_path) as store:
        fill_store(store)
        assert needs_build(site, store)
        build_site(site, store)
        assert not needs_build(site, store)
        build_site(site, store)  # exporting again changes nothing that counts
        assert not needs_build(site, store)

        changed = post("acme", "rz", "Neues Rechenzentrum in Köln, eröffnet", ACME.published)
        store.record_success("acme", "https://acme.example/feed/", etag=None, last_modified=None,
                             body_hash="new", posts=[changed])  # fmt: skip
        assert needs_build(site, store)
        build_site(site, store)
        assert not needs_build(site, store)

        (site.output / "index.html").unlink()
        assert needs_build(site, store)
        build_site(site, store)
        assert not needs_build(site, store)

        page = site.content / "pages" / "mitmachen.md"
        page.write_text(page.read_text() + "\nNoch ein Satz.\n")
        os.utime(page, ns=(1, 1))  # a different mtime even on a coarse clock
        assert needs_build(site, store)


def test_a_comment_feed_first_read_makes_a_build_needed_for_the_privacy_notice(tmp_path):
    # The privacy notice lists the comment feeds read; one read for the first time (or moved)
    # with no comment of its own changed no post, and `run` skipped the build: the notice went
    # on without it while a full build of the same store listed it.
    site = make_site(tmp_path)
    with Store(site.store_path) as store:
        fill_store(store)
        build_site(site, store)
        assert not needs_build(site, store)
        store.record_success("acme", "https://acme.example/comments/feed/", etag=None, last_modified=None,
                             body_hash="leer", kind="comments")  # fmt: skip
        assert needs_build(site, store)
        build_site(site, store)
        privacy = (site.output / "datenschutz" / "index.html").read_text(encoding="utf-8")
        assert "https://acme.example/comments/feed/" in privacy
        assert not needs_build(site, store)


def test_a_post_stored_while_pelican_works_makes_the_next_build_needed(tmp_path):
    """The fingerprint is of what was exported: a concurrent fetch's post is not built yet."""
    from pelican import signals

    site = make_site(tmp_path)
    late = post("dora", "spaet", "Spät gespeichert", T + timedelta(days=5))

    def store_meanwhile(_: object) -> None:
        with Store(site.store_path) as other:  # another connection, as another process has
            other.record_success("dora", "https://dora.example/feed/", etag=None,
                                 last_modified=None, body_hash="neu", posts=[late])  # fmt: skip

    with Store(site.store_path) as store:
        fill_store(store)
        signals.all_generators_finalized.connect(store_meanwhile)
        try:
            build_site(site, store)
        finally:
            signals.all_generators_finalized.disconnect(store_meanwhile)
        assert not (site.output / "blogs" / "dora" / late.id).exists()
        assert needs_build(site, store)
        build_site(site, store)
        assert (site.output / "blogs" / "dora" / late.id / "index.html").is_file()
        assert not needs_build(site, store)


def test_a_removed_participant_leaves_the_site_but_not_the_store(tmp_path):
    site = build_sample(tmp_path)
    assert (site.output / "blogs" / "acme" / "index.html").is_file()
    (site.participants_dir / "acme.toml").unlink()
    with Store(site.store_path) as store:
        assert needs_build(site, store)
        result = build_site(site, store)
        assert result.exported.removed == 1
        assert len(list(store.posts(participant="acme"))) == 1
    assert not (site.output / "blogs" / "acme").exists()
    assert "Rechenzentrum" not in (site.output / "index.html").read_text(encoding="utf-8")


def test_each_build_is_a_fresh_output_keeping_only_what_output_retention_names(tmp_path):
    site = build_sample(tmp_path)
    planted = {
        "stale/index.html": False, "feeds/old.atom.xml": False, "humans.txt": False,
        "theme/extra.html": False, "CNAME": True, ".git/hooks/x.html": True, ".nojekyll": True,
    }  # fmt: skip
    for name in planted:
        (site.output / name).parent.mkdir(parents=True, exist_ok=True)
        (site.output / name).write_text(f"planted {name}")
    os.symlink("/nowhere", site.output / ".hg")  # retained as what it is, a link
    build_site(site)
    for name, kept in planted.items():
        assert (site.output / name).exists() == kept, name
    assert (site.output / "CNAME").read_text() == "planted CNAME"
    assert os.readlink(site.output / ".hg") == "/nowhere"
    assert not (site.output / "stale").exists()
    for built in ("index.html", "feeds/all.atom.xml", "theme/css/style.css", f"blogs/anna/{ANNA.id}/index.html"):
        assert (site.output / built).is_file(), built
    # The replaced tree is kept for the next build to write over (output.py)...
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".output")] == [".output.spare"]
    assert (tmp_path / ".output.spare" / "stale" / "index.html").is_file()
    before = {p.relative_to(site.output).as_posix() for p in site.output.rglob("*")}
    build_site(site)
    # ...which keeps nothing of what the spare had that the build did not write.
    assert {p.relative_to(site.output).as_posix() for p in site.output.rglob("*")} == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".output")] == [".output.spare"]


def test_a_broken_participant_file_keeps_its_blog_published(tmp_path):
    site = build_sample(tmp_path)
    (site.participants_dir / "acme.toml").write_text("name = [unclosed\n")
    with Store(site.store_path) as store:
        result = build_site(site, store)
    assert result.exported.removed == 0
    assert any("acme.toml" in warning for warning in result.warnings)
    assert "Rechenzentrum" in (site.output / "index.html").read_text(encoding="utf-8")


def test_an_unreadable_export_file_fails_the_build_naming_the_file(tmp_path):
    site = make_site(tmp_path)
    broken = site.export_dir / "anna" / "0123456789abcdef.json"
    broken.parent.mkdir(parents=True)
    broken.write_text('{"format": "blogparade-post/1", "title": ')
    with pytest.raises(BuildError) as error:
        run_pelican(pelican_settings(site))
    assert "0123456789abcdef.json" in str(error.value)
    assert "JSON" in str(error.value)


def test_stray_files_in_the_export_folder_are_removed_before_pelican_reads_it(tmp_path):
    site = make_site(tmp_path)
    (site.export_dir / "anna").mkdir(parents=True, exist_ok=True)
    (site.export_dir / "anna" / "data.json").write_text('{"some": "data"}')
    build_site(site)
    assert not (site.export_dir / "anna" / "data.json").exists()


def test_an_export_outside_the_export_folder_is_never_published(tmp_path):
    # A pull request adding content/notes/x.json with the format marker must not publish raw HTML.
    site = make_site(tmp_path)
    smuggled = {"format": FORMAT, "id": "x", "title": "Hi", "body": "<script>alert(1)</script>"}
    (site.content / "notes").mkdir()
    (site.content / "notes" / "x.json").write_text(json.dumps(smuggled))
    with pytest.raises(BuildError, match="x.json: a JSON file outside .* is never read as an aggregated post"):
        build_site(site)
    assert not list(site.output.rglob("*.html")) or "alert(1)" not in "".join(
        p.read_text(errors="replace") for p in site.output.rglob("*.html"))


def test_a_page_pelican_cannot_read_fails_the_build_saying_why(tmp_path):
    # An editor's Impressum dated "gestern" failed the build with "Could not process
    # pages/impressum.md" and no reason: Pelican leaves the exception out of its log.
    site = make_site(tmp_path)
    (site.content / "pages").mkdir(exist_ok=True)
    (site.content / "pages" / "impressum.md").write_text("Title: Impressum\nDate: gestern\n\nText\n")
    with pytest.raises(BuildError, match=r"Could not process pages/impressum.md: \w+Error: .*gestern"):
        build_site(site)


def test_template_errors_are_fatal(tmp_path):
    site = make_site(tmp_path)
    article = site.content / "articles" / "willkommen.md"
    article.write_text("Template: does-not-exist\n" + OWN_ARTICLE, encoding="utf-8")
    with pytest.raises(BuildError, match="does-not-exist"):
        build_site(site)


def test_hostile_text_and_links_stay_harmless(tmp_path):
    """Titles, names and excerpts are text; only web links leave the site (defence in depth:
    clean.py sanitises bodies and URLs before anything is stored)."""
    site = make_site(tmp_path)
    evil = post("anna", "evil", '<script>alert("t")</script>', T, url="javascript:alert(1)",
                author='<img src=x onerror="alert(1)">', excerpt="<b>fett</b> & Co",
                categories=("<i>x</i>",), content_html="<p>sauber</p>")  # fmt: skip
    reply = comment(evil.id, "r", 1, author="<script>", author_url="javascript:alert(2)")
    with Store(site.store_path) as store:
        store.record_success("anna", "https://anna.example/feed/", etag=None, last_modified=None,
                             body_hash="h", posts=[evil], comments=[reply])  # fmt: skip
        build_site(site, store)
    for file in site.output.rglob("*.html"):
        text = re.sub(r'<script type="module" src="[^"]*/theme/js/search\.js"></script>', "",
                      file.read_text(encoding="utf-8"))  # the theme's own, on the search page
        assert "<script" not in text and "javascript:" not in text and "<img" not in text, file
    page = (site.output / "blogs" / "anna" / evil.id / "index.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;" in page
    assert "&lt;b&gt;fett&lt;/b&gt; &amp; Co" in page


def from_before_new_tag_addresses(path) -> None:
    """The store as an earlier version left it (schema 22): the next Store upgrades it, noting
    that its site may have published topics at their former addresses (migration 23)."""
    db = sqlite3.connect(path)
    with db:
        db.execute("DELETE FROM meta WHERE key = ?", (FORMER_TAG_ADDRESSES,))
        db.execute("PRAGMA user_version = 22")
    db.close()


def test_topics_with_umlauts_have_addresses_of_their_own_and_their_former_ones_lead_there(tmp_path):
    """Pelican writes an umlaut as its plain letter: "Bär" and "Bar" were one topic (tag/bar/,
    headed "Bar", listing both), "Äpfel" was tag/apfel/.  Spelled out as the blogs' and
    departments' addresses are, each has its own; a former address no topic has now sends
    readers to the page of today."""
    site = make_site(tmp_path)
    posts = [post("anna", "baer", "Über Bären", T, categories=("Bär", "Äpfel")),
             post("anna", "bar", "In der Bar", T + timedelta(hours=1), categories=("Bar",))]  # fmt: skip
    with Store(site.store_path) as store:
        store.record_success("anna", "https://anna.example/feed/", etag=None, last_modified=None,
                             body_hash="h", posts=posts)  # fmt: skip
    from_before_new_tag_addresses(site.store_path)
    with Store(site.store_path) as store:
        build_site(site, store)
    baer = (site.output / "tag" / "baer" / "index.html").read_text(encoding="utf-8")
    bar = (site.output / "tag" / "bar" / "index.html").read_text(encoding="utf-8")
    assert "Über Bären" in baer and "In der Bar" not in baer
    assert "In der Bar" in bar and "Über Bären" not in bar and "Thema: Bar" in bar
    assert "Über Bären" in (site.output / "tag" / "aepfel" / "index.html").read_text(encoding="utf-8")
    former = (site.output / "tag" / "apfel" / "index.html").read_text(encoding="utf-8")
    assert 'http-equiv="refresh" content="0; url=../../tag/aepfel/"' in former  # a development build's relative one
    assert 'name="robots" content="noindex"' in former and "Dieses Thema hat eine neue Adresse:" in former
    tags = (site.output / "tags" / "index.html").read_text(encoding="utf-8")
    assert "tag/apfel/" not in tags  # listed nowhere


def test_a_site_begun_after_topics_moved_has_no_pages_at_their_former_addresses(tmp_path):
    """Its store was new then: no "Äpfel" was ever published at tag/apfel/, and a page there
    leading to tag/aepfel/ was one more file for every such topic, for nothing.  A site whose
    store held posts before keeps them (the test above)."""
    site = make_site(tmp_path)
    with Store(site.store_path) as store:
        store.record_success("anna", "https://anna.example/feed/", etag=None, last_modified=None, body_hash="h",
                             posts=[post("anna", "baer", "Über Bären", T, categories=("Bär", "Äpfel", "C++"))])  # fmt: skip
        build_site(site, store)
        build_site(site, store)  # and none later either
    assert sorted(path.name for path in (site.output / "tag").iterdir()) == ["aepfel", "baer", "c-plus-plus"]


def test_topics_told_apart_by_a_sign_have_addresses_of_their_own_and_a_post_lists_each_once(tmp_path):
    """Pelican drops "+" and "#": "C", "C++" and "C#" were one topic (tag/c/, headed "C#",
    listing all three); a post tagged "Köln" and "koeln" (one topic) linked it twice and was
    listed twice on its page, counted twice in the topics."""
    site = make_site(tmp_path)
    posts = [post("anna", "c", "Über C", T, categories=("C",)),
             post("anna", "cpp", "Über C++", T + timedelta(hours=1), categories=("C++",)),
             post("anna", "cs", "Über C#", T + timedelta(hours=2), categories=("C#", "#blogparade")),
             post("anna", "koeln", "In Köln", T + timedelta(hours=3), categories=("Köln", "koeln"))]  # fmt: skip
    with Store(site.store_path) as store:
        store.record_success("anna", "https://anna.example/feed/", etag=None, last_modified=None,
                             body_hash="h", posts=posts)  # fmt: skip
        build_site(site, store)
    pages = {slug: (site.output / "tag" / slug / "index.html").read_text(encoding="utf-8")
             for slug in ("c", "c-plus-plus", "c-sharp", "blogparade", "koeln")}  # fmt: skip
    titles = {"c": "Über C<", "c-plus-plus": "Über C++", "c-sharp": "Über C#"}
    for slug, title in titles.items():
        assert [t for t in titles.values() if t in pages[slug]] == [title], slug
    assert "Über C#" in pages["blogparade"]  # a hashtag's sign is no part of its name
    assert pages["koeln"].count("In Köln</a>") == 1
    page = (site.output / "blogs" / "anna" / posts[3].id / "index.html").read_text(encoding="utf-8")
    assert page.count('tag/koeln/"') == 1
    assert 'Köln</a> <span class="count">(1)</span>' in (site.output / "tags" / "index.html").read_text(encoding="utf-8")


def test_a_topic_whose_posts_are_in_another_language_says_so_on_its_pages(tmp_path):
    # WCAG 3.1.2: "Bears" of English posts on a German site was read out as German on its page
    # and in the topics' list (a post's own page marked its topics already).
    site = make_site(tmp_path)
    posts = [post("anna", "b1", "About bears", T, categories=("Bears", "Natur"), language="en"),
             post("anna", "b2", "More bears", T + timedelta(hours=1), categories=("Bears",), language="en-GB"),
             post("anna", "n1", "Über Natur", T + timedelta(hours=2), categories=("Natur",)),
             post("anna", "w1", "Über Wald", T + timedelta(hours=3), categories=("Wald",), language="de-DE")]  # fmt: skip
    with Store(site.store_path) as store:
        store.record_success("anna", "https://anna.example/feed/", etag=None, last_modified=None,
                             body_hash="h", posts=posts)  # fmt: skip
        build_site(site, store)
    bears = (site.output / "tag" / "bears" / "index.html").read_text(encoding="utf-8")
    natur = (site.output / "tag" / "natur" / "index.html").read_text(encoding="utf-8")
    topics = (site.output / "tags" / "index.html").read_text(encoding="utf-8")
    assert '<h1>Thema: <span lang="en">Bears</span></h1>' in bears
    assert "<title>Thema: Bears – " in bears  # WCAG 2.4.2: "Bears – site" could be any page
    assert '<h1>Thema: <span>Natur</span></h1>' in natur  # English and German posts: the site's
    assert 'href="../tag/bears/" lang="en">Bears</a>' in topics and 'href="../tag/natur/">Natur</a>' in topics
    assert 'href="../tag/wald/">Wald</a>' in topics  # German posts' on a German site: no mark


def test_a_post_whose_feed_says_nothing_of_comments_shows_no_count_of_none(tmp_path):
    # Medium, Substack, a toot, Confluence: no comment feed, no count. Lists said "0 Kommentare"
    # and its page "Noch keine Kommentare", which nobody knew.
    site = make_site(tmp_path)
    posts = [post("anna", "m", "Von Medium", T),
             post("anna", "w", "Von WordPress", T + timedelta(hours=1), comment_count=0,
                  comment_feed="https://anna.example/w/feed/")]  # fmt: skip
    with Store(site.store_path) as store:
        store.record_success("anna", "https://anna.example/feed/", etag=None, last_modified=None,
                             body_hash="h", posts=posts)  # fmt: skip
        build_site(site, store)
    home = (site.output / "index.html").read_text(encoding="utf-8")
    medium, wordpress = (home[home.index(f">{title}</a>"):] for title in ("Von Medium", "Von WordPress"))
    assert "0 Kommentare" not in medium.split("</article>")[0]
    assert "0 Kommentare" in wordpress.split("</article>")[0]
    page = (site.output / "blogs" / "anna" / posts[0].id / "index.html").read_text(encoding="utf-8")
    assert "Kommentare zu diesem Beitrag erscheinen hier nicht" in page and "Noch keine Kommentare" not in page
    page = (site.output / "blogs" / "anna" / posts[1].id / "index.html").read_text(encoding="utf-8")
    assert "Noch keine Kommentare" in page


def test_pagination_never_collides_between_similar_tags(tmp_path):
    """Pelican's default pattern writes page 4 of tag3 where tag34 lives (pelican #2754)."""
    site = make_site(tmp_path, extra_settings='DEFAULT_PAGINATION = 1\n'
                                              'PAGINATED_TEMPLATES = {"index": None, "tag": None}')
    posts = [post("anna", f"p{i}", f"Beitrag {i}", T + timedelta(hours=i), categories=("tag3",))
             for i in range(4)] + [post("anna", "q", "Anderer", T, categories=("tag34",))]  # fmt: skip
    with Store(site.store_path) as store:
        store.record_success("anna", "https://anna.example/feed/", etag=None, last_modified=None,
                             body_hash="h", posts=posts)  # fmt: skip
        build_site(site, store)
    assert (site.output / "tag" / "tag3" / "page" / "4" / "index.html").is_file()
    assert "Anderer" in (site.output / "tag" / "tag34" / "index.html").read_text(encoding="utf-8")
    assert (site.output / "page" / "2" / "index.html").is_file()


def test_publishconf_makes_addresses_absolute(tmp_path):
    site = build_sample(tmp_path)
    settings = site.root / "publishconf.py"
    settings.write_text(settings.read_text().replace("https://blogparade.example", "https://parade.example"))
    build_site(site, settings_file="publishconf.py")
    home = (site.output / "index.html").read_text(encoding="utf-8")
    assert 'href="https://parade.example/blogs/anna/"' in home
    feed = (site.output / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
    assert "https://parade.example/blogs/anna/" in feed


def test_theme_path_finds_the_theme_next_to_the_package():
    assert theme_path() == REPO / "theme"


def test_the_repository_settings_are_the_new_site_settings(tmp_path):
    """pelicanconf.py of this repository and `blogparade init`'s must not drift apart."""
    from pelican.settings import read_settings

    repo = read_settings(str(REPO / "pelicanconf.py"))
    (tmp_path / "content").mkdir()
    generated = tmp_path / "generated_pelicanconf.py"
    generated.write_text(pelicanconf_text(title=repo["SITENAME"], theme="theme"))
    new = read_settings(str(generated))
    paths = {"THEME", "PATH", "OUTPUT_PATH", "CACHE_PATH"}  # absolute: they differ by folder
    own = {"BLOGPARADE_REPOSITORY", "BLOGPARADE_CONTACT"}  # each site's own; a new site has none
    assert {k: v for k, v in repo.items() if k not in paths | own} == {
        k: v for k, v in new.items() if k not in paths | own
    }
    assert (new["BLOGPARADE_REPOSITORY"], new["BLOGPARADE_CONTACT"]) == ("", "")
    assert repo["BLOGPARADE_REPOSITORY"] == "https://github.com/blogparade/blogparade"


def test_the_repository_publishconf_is_the_new_site_publishconf(tmp_path):
    """publishconf.py only adds to pelicanconf.py: the repository's is exactly `init`'s."""
    create_site(tmp_path / "site", title="Neu")
    assert (REPO / "publishconf.py").read_text() == (tmp_path / "site" / "publishconf.py").read_text()


@pytest.mark.slow
def test_pelican_alone_builds_the_repository_content(tmp_path):
    """`pelican content` works without blogparade's CLI once posts are exported."""
    output = tmp_path / "output"
    subprocess.run(
        [sys.executable, "-m", "pelican", "content", "-s", "pelicanconf.py", "-o", str(output),
         "--fatal", "errors"],
        cwd=REPO, check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    assert (output / "index.html").is_file()
    assert (output / "blogs" / "index.html").is_file()


@pytest.mark.parametrize("mishap", ["acme.yaml", "broken"])
def test_a_blog_whose_file_is_not_read_today_still_counts_for_parades(tmp_path, mishap):
    # A pull request broke acme.toml or renamed it acme.yaml: the build keeps ACME's posts
    # (a typo must not unpublish a blog), and the parades must count them as before.
    site = build_sample(tmp_path)
    acme_file = site.participants_dir / "acme.toml"
    if mishap == "broken":
        acme_file.write_text("name = [unclosed\n")
    else:
        acme_file.rename(site.participants_dir / mishap)
    participants, problems = load_participants(site.participants_dir)
    assert "acme" not in {p.slug for p in participants} and problems
    with Store(site.store_path) as store:
        result = build_site(site, store)
        shown = on_the_roll(site, participants)
        stored = store.posts_by_id([ACME.id, BERND.id])
    assert result.exported.removed == 0
    assert "Rechenzentrum" in (site.output / "index.html").read_text(encoding="utf-8")
    assert shown(stored[ACME.id]) and shown(stored[BERND.id])


@pytest.mark.parametrize("loss", ["export folder removed", "files copied anew"])
def test_a_blog_whose_file_is_not_read_and_whose_export_is_gone_is_not_unpublished(tmp_path, loss):
    # Its posts can no longer be kept as last published (the export folder removed, or copied
    # without its files' times): building without them would unpublish it for a typo.
    site = build_sample(tmp_path)
    (site.participants_dir / "acme.toml").write_text("kind = \"emploee\"\n")
    if loss == "export folder removed":
        shutil.rmtree(site.export_dir)
    else:
        for path in (site.export_dir / "acme").glob("*.json"):
            os.utime(path, (1_000_000_000, 1_000_000_000))
    before = (site.output / "index.html").read_bytes()
    with Store(site.store_path) as store, pytest.raises(BuildRefused) as refused:
        build_site(site, store)
    assert "the participant files of acme (1 post) cannot be read" in str(refused.value)
    assert "mend the files (`blogparade check` names what is wrong), then build again" in str(refused.value)
    assert (site.output / "index.html").read_bytes() == before  # the site as it was


@pytest.mark.slow
@pytest.mark.parametrize("mishap", ["acme.yaml", "broken"])
def test_a_blogs_folder_kept_for_a_file_not_read_today_publishes_no_post_the_store_lacks(tmp_path, mishap):
    # One pull request renamed (or broke) acme.toml and added an exported post beside ACME's: as
    # its blog's files were kept whole, the build published the pull request's own HTML.
    site = build_sample(tmp_path)
    kept = site.export_dir / "acme" / f"{ACME.id}.json"
    forged = dict(json.loads(kept.read_text(encoding="utf-8")), id="0123456789abcdef", title="Forged",
                  body="<script>alert(document.domain)</script>")  # fmt: skip
    (kept.parent / "0123456789abcdef.json").write_text(json.dumps(forged), encoding="utf-8")
    acme_file = site.participants_dir / "acme.toml"
    if mishap == "broken":
        acme_file.write_text("name = [unclosed\n")
    else:
        acme_file.rename(site.participants_dir / mishap)
    with Store(site.store_path) as store:
        build_site(site, store)
    assert sorted(path.name for path in kept.parent.iterdir()) == [kept.name]
    assert "Rechenzentrum" in (site.output / "index.html").read_text(encoding="utf-8")
    assert not any("alert(document.domain)" in page.read_text(encoding="utf-8")
                   for page in site.output.rglob("*.html"))  # fmt: skip


@pytest.mark.slow
def test_listings_the_settings_leave_out_or_address_as_pelican_does_are_linked_where_they_are(tmp_path):
    # No archive (DIRECT_TEMPLATES without it); the blogs and topics where Pelican puts a direct
    # template whose address the settings do not name: blogs.html, tags.html.
    site = build_sample(tmp_path / "site", extra_settings=(
        'DIRECT_TEMPLATES = ["index", "blogs", "parades", "tags", "search", "404"]\n'
        "del BLOGS_URL, BLOGS_SAVE_AS, TAGS_URL, TAGS_SAVE_AS\n"))  # fmt: skip
    assert not (site.output / "archives").exists()
    assert (site.output / "blogs.html").is_file() and (site.output / "tags.html").is_file()
    assert dead_links(site.output) == []
    nav = parse_html(site.output / "index.html").xpath("//nav[contains(@class, 'site-nav')]//a/@href")
    assert nav == ["./", "./parades/", "./blogs.html", "./tags.html", "./mitmachen/"]


def translated_page(site: Site, slug: str, german: str, translation: tuple[str, str]) -> None:
    """An editors' page `slug` titled `german`, and its translation (language, title)."""
    pages = site.content / "pages"
    pages.mkdir(exist_ok=True)
    for lang, title, extra in (("de", german, ""), (*translation, "Translation: true\n")):
        (pages / f"{slug}-{lang}.md").write_text(f"Title: {title}\nSlug: {slug}\nLang: {lang}\n{extra}\nText.\n",
                                                  encoding="utf-8")


@pytest.mark.slow
def test_the_editors_article_and_page_in_another_language_are_linked_both_ways(tmp_path):
    # Pelican wrote the translation (Translation: true) and no page linked to it: an orphan.
    site = make_site(tmp_path)
    articles = site.content / "articles"
    (articles / "welcome.md").write_text(
        "Title: Welcome to the blog parade\nDate: 2026-11-10 10:00\nSlug: willkommen-zur-blogparade\n"
        "Lang: en\nTranslation: true\n\nOur own post, in English.\n", encoding="utf-8")
    translated_page(site, "impressum", "Impressum", ("en", "Imprint"))
    build_site(site)
    translations = []
    for german, english in (("willkommen-zur-blogparade", "Welcome to the blog parade"), ("impressum", "Imprint")):
        [page] = [p for p in site.output.rglob("*.html") if german in p.as_posix() and "-en" not in p.name
                  and "/en/" not in p.as_posix() and f">{english}<" not in p.read_text(encoding="utf-8")]
        [link] = parse_html(page).xpath("//p[@class='translations']/a")
        assert (link.get("hreflang"), link.text) == ("en", "English"), page
        translated = (page.parent / link.get("href")).resolve()  # relative, as SITEURL is in development
        translated = translated if translated.suffix else translated / "index.html"
        [back] = parse_html(translated).xpath("//p[@class='translations']/a")
        assert (back.get("hreflang"), back.text) == ("de", "Deutsch")
        # In the site's German frame, the English title and text say so (a screen reader speaks
        # them in English), as does the sharing card; the German ones need not.
        for doc, lang, locale in ((parse_html(page), None, "de_DE"), (parse_html(translated), "en", "en_US")):
            assert [e.get("lang") for e in doc.xpath("//h1 | //div[contains(@class, '-body')]")] == [lang, lang]
            assert doc.xpath("string(//meta[@property='og:locale']/@content)") == locale
        translations.append(translated.relative_to(site.output).as_posix().removesuffix("index.html"))
    build_site(site, settings_file=site.root / "publishconf.py")  # the sitemap lists them too
    sitemap = (site.output / "sitemap.xml").read_text(encoding="utf-8")
    assert all(f"/{path}</loc>" in sitemap for path in translations), (translations, sitemap)


@pytest.mark.slow
def test_a_translation_in_a_language_babel_does_not_know_is_linked_by_its_tag(tmp_path):
    # Saterland Frisian, a language of Lower Saxony babel has no data for: its link said "English".
    site = make_site(tmp_path)
    translated_page(site, "ueber-uns", "Über uns", ("stq", "Uur uus"))
    build_site(site)
    [link] = parse_html(site.output / "ueber-uns" / "index.html").xpath("//p[@class='translations']/a")
    assert (link.get("hreflang"), link.get("lang"), link.text) == ("stq", "stq", "stq")


@pytest.mark.slow
def test_a_post_written_from_right_to_left_is_shown_so(tmp_path):
    # A Berlin neighbourhood blog in Arabic: in the German page's left-to-right, its title's "!"
    # stood at the wrong end and its sentence's words around "Berlin" were out of order.
    site = make_site(tmp_path / "site")
    arabic = post("dora", "ahlan", "مرحبا بكم في برلين!", T, language="ar", categories=("مجتمع",),
                  content_html="<p>نص عن الحي مع كلمة Berlin في الوسط.</p>")  # fmt: skip
    with Store(site.store_path) as store:
        fill_store(store)
        store.record_success("dora", "https://dora.example/feed/", etag=None, last_modified=None, body_hash="dora",
                             posts=[arabic], comments=[comment(arabic.id, "c1", 30)], now=T)  # fmt: skip
        build_site(site, store)
    [page] = [p for p in (site.output / "blogs" / "dora").glob("*/index.html")]
    marked = parse_html(page).xpath("//main//*[@lang='ar']")
    assert {e.tag for e in marked} == {"h1", "div", "a"}  # title, body and comment, topic
    # A comment takes its direction from its own text: its writer's script may be another.
    assert all(e.get("dir") == ("auto" if "comment-body" in (e.get("class") or "") else "rtl") for e in marked)
    assert parse_html(site.output / "index.html").xpath("//*[@dir][not(@lang='ar')]") == []


@pytest.mark.slow
def test_a_translation_whose_lang_is_written_as_a_locale_is_marked_with_a_valid_tag(tmp_path):
    # `Lang: en_GB` (as locales are written) gave lang="en_GB" and hreflang="en_GB": no language
    # tag, so screen readers fell back to the page's German and axe reported valid-lang.
    site = make_site(tmp_path)
    translated_page(site, "impressum", "Impressum", ("en_GB", "Imprint"))
    build_site(site)
    [link] = parse_html(site.output / "impressum" / "index.html").xpath("//p[@class='translations']/a")
    assert (link.get("hreflang"), link.get("lang"), link.text) == ("en-GB", "en-GB", "English (United Kingdom)")
    [english] = [p for p in site.output.rglob("*.html") if ">Imprint<" in p.read_text(encoding="utf-8")]
    assert parse_html(english).xpath("//h1/@lang") == ["en-GB"]


@pytest.mark.slow
def test_a_language_written_as_a_locale_is_a_language_tag_on_every_page(tmp_path):
    # DEFAULT_LANG = "de_DE", as locale settings are written, gave <html lang="de_de">, which no
    # browser or screen reader knows (axe: html-lang-valid).
    site = make_site(tmp_path, extra_settings='DEFAULT_LANG = "de_DE"')
    build_site(site)
    assert parse_html(site.output / "index.html").get("lang") == "de-de"
    assert "Mitmachen" in (site.output / "index.html").read_text(encoding="utf-8")  # still German


def test_a_blogs_messy_markup_is_made_readable_by_screen_readers(tmp_path):
    # Real posts: WordPress's "link to media file" around an image without a description, an
    # empty link, a paragraph pasted into a list. axe: link-name and list, both serious.
    messy = ('<p><a href="https://anna.example/wide.png"><img src="https://anna.example/wide.png"></a> '
             '<a href="https://anna.example/x"></a> <a href="https://anna.example/plan.png">'
             '<img src="https://anna.example/plan.png" alt="Der Plan"></a></p>'
             '<ul><p>Ein Absatz im Listenkopf</p><li>Ein Punkt</li></ul><ol><li>eins</li><li>zwei</li></ol>')  # fmt: skip
    site = make_site(tmp_path / "site")
    with Store(site.store_path) as store:
        store.record_success("anna", "https://anna.example/feed/", etag=None, last_modified=None, body_hash="a",
                             posts=[dataclasses.replace(ANNA, content_html=messy)],
                             comments=[comment(ANNA.id, "e1", 60, content_html='<p>Schau <a href="https://x.example/"></a>hier.</p>')],
                             now=T)  # fmt: skip
        build_site(site, store)
    page = parse_html(next(site.output.glob("blogs/anna/*/index.html")))
    for link in page.xpath("//main//a[@href]"):
        named = " ".join(link.text_content().split()) or "".join(link.xpath(".//img/@alt")).strip()
        assert named, lxml.html.tostring(link)
    for listing in page.xpath("//main//ul | //main//ol"):
        assert {child.tag for child in listing} <= {"li"}, lxml.html.tostring(listing)
    assert "Ein Absatz im Listenkopf" in page.text_content() and "Schau hier." in " ".join(page.text_content().split())


@pytest.mark.parametrize("html, shown", [
    ('<a href="/big.png"><img src="/big.png" alt=""></a>', '<img src="/big.png" alt="">'),
    ('<a href="/big.png">\n<img src="/big.png">\n</a>', '\n<img src="/big.png">\n'),
    ('<a href="/x">&nbsp;</a>', "&nbsp;"),
    ('<a href="/plan.png"><img src="/plan.png" alt="Der Plan"></a>', None),  # named by its image
    ('<a href="/x">Text</a>', None),
    ('<a href="/x"><strong>fett</strong></a>', None),
])  # fmt: skip
def test_a_link_that_names_nothing_goes_and_what_it_held_stays(html, shown):
    from aggregator.website.plugin.content import nameless_links_unwrapped

    assert nameless_links_unwrapped(html) == (html if shown is None else shown)


def test_a_replys_heading_says_whom_it_answers(tmp_path):
    # Someone moving from heading to heading does not hear the nesting: "Anna Ärger" after
    # "Bernd" could answer anyone.
    site = build_sample(tmp_path)
    page = parse_html(next(site.output.glob("blogs/anna/*/index.html")))
    headings = {" ".join(h.text_content().split()) for h in page.xpath("//article[contains(@class, 'comment')]//h3")}
    assert "Bernd" in headings  # a top-level comment answers no one
    assert "Anna Ärger, Antwort auf Bernd" in headings
    assert any(h.startswith("Clara") and h.endswith(", Antwort auf Anna Ärger") for h in headings), headings


def test_a_reply_hung_beside_its_parent_names_it_on_the_page(tmp_path):
    chain = [comment(ANNA.id, "k0", 10, author="Person 0")]
    chain += [comment(ANNA.id, f"k{n}", 10 + n, parent=f"k{n - 1}", author=f"Person {n}") for n in range(1, 8)]
    site = make_site(tmp_path / "site")
    with Store(site.store_path) as store:
        store.record_success("anna", "https://anna.example/feed/", etag=None, last_modified=None, body_hash="a",
                             posts=[ANNA], comments=chain, now=T)  # fmt: skip
        build_site(site, store)
    page = parse_html(next(site.output.glob("blogs/anna/*/index.html")))
    [answers] = [p for p in page.xpath("//p[@class='comment-answers']") if "Person 5" in p.text_content()]
    assert " ".join(answers.text_content().split()) == "Antwort auf Person 5"
    [link] = answers.xpath(".//a/@href")
    assert page.xpath(f"//article[@id='{link[1:]}']//h3[contains(., 'Person 5')]")  # leads to the parent
    assert len(page.xpath("//p[@class='comment-answers']")) == 2  # the two beyond the sixth level


def test_a_long_body_is_kept_packed_through_the_build_and_shown_as_written(tmp_path, monkeypatch):
    """A post's body longer than PACK_ABOVE stays compressed from its reading (Pelican and its
    reader cache hold 220 MB of bodies for 20,000 posts of ~11 KB otherwise); its page and the
    feeds show it as an unpacked body would be shown, byte for byte."""
    from pelican import signals

    from aggregator.website.plugin import content as content_module

    paragraphs = "".join(f"<p>Absatz {n}: Größe, Übersicht und Straße im Büro.</p>" for n in range(60))
    body = (f"<h1>Zwischentitel</h1>{paragraphs}<pre>print('breit')</pre>"
            "<table><tr><td>eins</td><td>zwei</td></tr></table>")  # fmt: skip
    assert len(body) > content_module.PACK_ABOVE
    long_post = post("anna", "lang", "Ein langer Beitrag", T + timedelta(days=2), content_html=body)
    held: dict[str, tuple[str, bool]] = {}

    def note(generator) -> None:  # noqa: ANN001
        for article in generator.articles:
            held[article.title] = (article._content, hasattr(article, content_module.PACKED))

    signals.article_generator_finalized.connect(note)
    try:
        outputs = {}
        for name, limit in (("unpacked", 10**9), ("packed", content_module.PACK_ABOVE)):
            monkeypatch.setattr(content_module, "PACK_ABOVE", limit)
            site = make_site(tmp_path / name)
            with Store(site.store_path) as store:
                fill_store(store)
                store.record_success("anna", "https://anna.example/feed/", etag=None, last_modified=None,
                                     body_hash="lang", posts=[ANNA, long_post], now=T)  # fmt: skip
                build_site(site, store)
            outputs[name] = site.output
            if name == "packed":
                assert held["Ein langer Beitrag"] == ("", True)  # no body held, a packed one instead
                assert held[ANNA.title] == (ANNA.content_html, False)  # short: as it is
    finally:
        signals.article_generator_finalized.disconnect(note)
    names = {tree: sorted(p.relative_to(tree).as_posix() for p in tree.rglob("*") if p.is_file())
             for tree in outputs.values()}  # fmt: skip
    assert names[outputs["packed"]] == names[outputs["unpacked"]]
    differing = [name for name in names[outputs["packed"]]
                 if (outputs["packed"] / name).read_bytes() != (outputs["unpacked"] / name).read_bytes()]  # fmt: skip
    assert differing == [".blogparade-manifest.json"]  # its build's stamp: each site's own folder
    pages = [p for p in outputs["packed"].rglob("*.html") if "Absatz 59" in p.read_text(encoding="utf-8")]
    assert len(pages) == 1  # the post's own page; the lists show its excerpt
    html = pages[0].read_text(encoding="utf-8")
    assert 'class="table-scroll"' in html and "<h2>Zwischentitel</h2>" in html and 'tabindex="0"' in html
    assert "Absatz 59" in (outputs["packed"] / "feeds" / "all.atom.xml").read_text(encoding="utf-8")
