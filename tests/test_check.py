"""`blogparade check` as CI runs it on a stranger's pull request (issue 9)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from aggregator.editors.participants import load_participants
from aggregator.website.export import FORMAT
from tests.acceptance_helpers import (
    explain,
    invoke,
    new_site,
    no_traceback,
    ok,
    write_participant,
)

ONLY_ONE_LOOPBACK = 'BLOGPARADE_ALLOWED_NETWORKS = ["127.0.0.1/32"]'


@pytest.fixture
def site(tmp_path) -> Path:
    root = new_site(tmp_path / "site", ONLY_ONE_LOOPBACK)
    write_participant(root, "fine", "Ein Blog", "http://127.0.0.1:8080/feed/", "http://127.0.0.1:8080/")
    return root


def check(site: Path) -> str:
    result = invoke(site, "check")
    no_traceback(result) if result.exit_code else None
    return result.output if result.exit_code == 0 else "FAILED\n" + result.output


def test_a_clean_site_passes(site):
    result = invoke(site, "check")
    assert result.exit_code == 0, explain(result)
    assert "1 participant and 0 parades OK" in result.output


@pytest.mark.parametrize("feed, address", [
    ("http://169.254.169.254/latest/meta-data/", "169.254.169.254"),
    ("http://10.0.0.5/feed/", "10.0.0.5"),
    ("http://127.0.0.2:8080/feed/", "127.0.0.2"),
    ("http://[::1]:8080/feed/", "::1"),
    ("http://0.0.0.0/feed/", "0.0.0.0"),
    ("http://[::ffff:10.0.0.5]/feed/", "::ffff:10.0.0.5"),
])  # fmt: skip
def test_a_participant_naming_a_refused_address_fails(site, feed: str, address: str):
    write_participant(site, "inside", "Innen", feed, "https://blog.example.org/")
    output = check(site)
    assert output.startswith("FAILED"), output
    assert f"inside.toml: 'feed' {feed}: address not allowed: {address}" in output
    assert "set BLOGPARADE_ALLOWED_NETWORKS in pelicanconf.py to allow it); a pull request cannot change " \
           "that: the editors decide which networks the site reads" in output


def test_a_feed_and_home_on_one_refused_host_are_one_problem(site):
    write_participant(site, "fritz", "Fritz", "http://10.0.0.5/feed/", "http://10.0.0.5/")
    output = check(site)
    assert output.count("fritz.toml") == 1 and "'feed' http://10.0.0.5/feed/ and 'home' http://10.0.0.5/: " \
        "address not allowed: 10.0.0.5" in output, output


def test_localhost_is_refused_by_default(tmp_path):
    root = new_site(tmp_path / "site", "BLOGPARADE_ALLOWED_NETWORKS = []")
    write_participant(root, "local", "Lokal", "http://localhost:8080/feed/", "https://blog.example.org/")
    output = check(root)
    assert "local.toml: 'feed' http://localhost:8080/feed/: address not allowed" in output


def test_a_unicode_host_is_resolved_as_fetch_resolves_it(tmp_path):
    """"locᴬlhost" is "localhost" to fetch (UTS 46, as yarl writes hosts); Python's IDNA 2003
    codec makes "xn--loclhost-s67c" of it, a name that resolves nowhere: check must ask the
    name fetch connects to."""
    root = new_site(tmp_path / "site", "BLOGPARADE_ALLOWED_NETWORKS = []")
    feed = "http://loc\u1d2clhost:8080/feed/"
    write_participant(root, "local", "Lokal", feed, "https://blog.example.org/")
    output = check(root)
    assert f"local.toml: 'feed' {feed}: address not allowed: 127.0.0.1" in output, output


def test_a_name_that_does_not_resolve_is_no_problem_of_the_file(site):
    write_participant(site, "gone", "Weg", "http://no-such-host.invalid/feed/", "http://no-such-host.invalid/")
    result = invoke(site, "check")
    assert result.exit_code == 0, explain(result)


@pytest.mark.parametrize("name, message", [
    ("A" * 100_000, "'name' is 100,000 characters long; at most 200 are allowed"),
    ("Anna \u202egnp.exe", "'name' holds the invisible character U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    ("Anna\x07", "'name' holds the invisible character U+0007: remove it"),
    ("Anna\tBlog", "'name' holds the invisible character U+0009 (a tab): remove it"),
    ("Anna \u2066x\u2069", "U+2066"),
    ("Anna\u2028Blog", "U+2028 (LINE SEPARATOR)"),  # email refuses it in a notice's Subject
    ("Anna\u2029Blog", "U+2029 (PARAGRAPH SEPARATOR)"),
])  # fmt: skip
def test_names_that_would_deface_the_site_fail(site, name: str, message: str):
    write_participant(site, "bad", name, "http://127.0.0.1:8080/bad/feed/", "http://127.0.0.1:8080/bad/")
    output = check(site)
    assert output.startswith("FAILED") and message in output, output[:2000]
    assert len(output) < 5_000  # the 100 KB name is not repeated back


def test_a_megabyte_where_a_url_or_a_key_belongs_is_not_repeated_back(site):
    # A pull request's file: CI prints one line per problem, not the megabytes it quotes.
    (site / "content" / "participants" / "huge.toml").write_text(
        f'name = "Huge"\nfeed = "{"x" * 1_000_000}"\nhome = "http://127.0.0.1:8080/{"h" * 3000}"\n'
        f'"{"k" * 1_000_000}" = 1\n', encoding="utf-8")
    output = check(site)
    for message in ("'feed' is 1,000,000 characters long", "'feed' must be an http(s) URL, not 'xxx",
                    "'home' is 3,022 characters long", "unknown key 'kkk"):
        assert message in output, output[:2000]
    assert len(output) < 5_000


def test_check_quotes_a_huge_login_value_cut_short(site):
    # A contributor's login table names its secret's variable and file: megabytes there were
    # quoted whole into the CI log.
    (site / "content" / "participants" / "huge-login.toml").write_text(
        'name = "Huge"\nfeed = "http://127.0.0.1:8080/f/"\nhome = "http://127.0.0.1:8080/"\n'
        f'login = {{ kind = "header", name = "{"n" * 100_000}", secret_env = "{"E" * 100_000}", '
        f'"{"k" * 100_000}" = "x" }}\n', encoding="utf-8")
    output = check(site)
    for message in ("unknown key 'kkk", "header's name, like \"Cookie\" (not 'nnn", "not 'EEE"):
        assert message in output, output[:2000]
    assert len(output) < 5_000


def test_emoji_with_joiners_are_fine(site):
    write_participant(site, "coder", "👩‍💻 Anna", "http://127.0.0.1:8080/c/feed/", "http://127.0.0.1:8080/c/")
    assert invoke(site, "check").exit_code == 0


PARADE = """Title: Wie arbeiten wir remote?
Call: https://host.example/aufruf/
Start: 2026-11-01
End: 2026-11-30
{extra}
Der Aufruf.
"""


@pytest.mark.parametrize("extra, message", [
    ("Save_as: index.html", "'Save_as' is Pelican's metadata, which would change where or how the parade's page is built"),
    ("Template: ../../etc/passwd", "'Template' is Pelican's metadata, which would change where or how the parade's page is built"),
    ("Url: https://elsewhere.example/", "'Url' is Pelican's metadata, which would change where or how the parade's page is built"),
    ("Status: hidden", "'Status' is Pelican's metadata, which would change where or how the parade's page is built"),
    ("Edn: 2026-12-01", "unknown key 'Edn': did you mean 'End'?"),
    ("Tga: Remote", "did you mean 'Tag'?"),
])  # fmt: skip
def test_parade_files_take_only_their_own_keys(site, extra: str, message: str):
    parades = site / "content" / "parades"
    parades.mkdir(exist_ok=True)
    (parades / "remote.md").write_text(PARADE.format(extra=extra), encoding="utf-8")
    output = check(site)
    assert output.startswith("FAILED") and message in output, output


def test_aggregated_data_outside_the_export_folder_fails(site):
    notes = site / "content" / "notes"
    notes.mkdir()
    (notes / "post.json").write_text(json.dumps({"format": FORMAT, "body": "<script>alert(1)</script>"}))
    output = check(site)
    assert output.startswith("FAILED") and "notes/post.json: a JSON file outside content/aggregated/" in output


def test_an_unusable_network_setting_is_named(tmp_path):
    root = new_site(tmp_path / "site", 'BLOGPARADE_ALLOWED_NETWORKS = ["intranet"]')
    write_participant(root, "fine", "Ein Blog", "https://blog.example.org/feed/", "https://blog.example.org/")
    output = check(root)
    assert output.startswith("FAILED") and "BLOGPARADE_ALLOWED_NETWORKS: 'intranet' is not a network" in output


def test_a_file_nested_too_deeply_is_its_own_problem(site):
    # tomllib recurses per level: a 3 KB file once stopped every command with RecursionError.
    write_participant(site, "anna", "Anna", "http://127.0.0.1:8080/a/feed/", "http://127.0.0.1:8080/a/")
    (site / "content" / "participants" / "deep.toml").write_text("x = " + "[" * 1500 + "]" * 1500 + "\n")
    output = check(site)
    assert output.startswith("FAILED") and "deep.toml: invalid TOML: nested too deeply" in output, output
    assert "RecursionError" not in output


@pytest.mark.parametrize("contact", [
    "mailto:root(x@example.org",  # the To header reads <root> and a comment: RCPT TO:<root>
    "mailto:a)b@example.org", "mailto:a[b@example.org", "mailto:a\\b@example.org",
    "mailto:a.@example.org", "mailto:a@example.org(",
])  # fmt: skip
def test_a_contact_the_mail_header_would_read_otherwise_fails(site, contact: str):
    write_participant(site, "anna", "Anna", "http://127.0.0.1:8080/a/feed/", "http://127.0.0.1:8080/a/",
                      contact=contact)
    output = check(site)
    assert output.startswith("FAILED") and "'contact' must be one address like" in output, output


def test_a_plain_contact_passes(site):
    write_participant(site, "anna", "Anna", "http://127.0.0.1:8080/a/feed/", "http://127.0.0.1:8080/a/",
                      contact="mailto:anna.beispiel+blog@example.org")
    assert invoke(site, "check").exit_code == 0


@pytest.mark.parametrize("name", ["anna.yaml", "anna.yml", "anna.json", "anna.TOML", "anna.Toml"])
def test_a_participant_file_that_is_not_read_is_named(site, name: str):
    # A pull request adding it would add a blog that never appears, and nobody would be told.
    (site / "content" / "participants" / name).write_text('name = "Anna"\n', encoding="utf-8")
    output = check(site)
    assert output.startswith("FAILED"), output
    assert f"{name}: participant files are TOML and end in .toml; this one is ignored" in output
    assert "JSON file outside" not in output  # one sentence for one file


@pytest.mark.parametrize("language, said", [
    ("English", "'language' must be a language tag: \"en\", not 'English'"),
    ("Deutsch", "'language' must be a language tag: \"de\", not 'Deutsch'"),
    ("EN/DE", "'language' must be a language tag like \"en\" or \"de-AT\", not 'EN/DE'"),
])  # fmt: skip
def test_a_language_named_not_tagged_fails_check_and_is_read_without_it(site, language, said):
    # "English" passed check and was dropped without a word: the blog's English posts marked as
    # the site's German, and the OPML published language="English".
    write_participant(site, "lena", "Lena", "http://127.0.0.1:8080/lena/feed/", "http://127.0.0.1:8080/lena/",
                      language=language)  # fmt: skip
    output = check(site)
    assert output.startswith("FAILED") and f"lena.toml: {said}" in output, output
    participants, problems = load_participants(site / "content" / "participants")  # the night's read
    assert problems == [] and {p.slug: p.language for p in participants}["lena"] == language


def test_a_misspelt_key_is_named_with_the_key_it_may_be(site):
    (site / "content" / "participants" / "lena.toml").write_text(
        'name = "Lena"\nfeeed = "http://127.0.0.1:8080/lena/feed/"\nhome = "http://127.0.0.1:8080/lena/"\n'
        'lang = "en"\nKind = "corporate"\n', encoding="utf-8")  # fmt: skip
    output = check(site)
    for said in ("unknown key 'feeed' (did you mean 'feed'?)", "unknown key 'lang' (did you mean 'language'?)",
                 "unknown key 'Kind' (did you mean 'kind'?)", "missing key 'feed'"):
        assert said in output, output


def test_other_files_beside_the_participants_are_no_problem(site):
    folder = site / "content" / "participants"
    (folder / "notes.txt").write_text("Wer noch fehlt.\n", encoding="utf-8")
    (folder / "fine.toml~").write_text("", encoding="utf-8")  # an editor's backup
    assert (folder / "README.md").is_file()  # as `blogparade init` writes it
    result = invoke(site, "check")
    assert result.exit_code == 0, explain(result)


@pytest.mark.parametrize("key", ["feed", "home"])
@pytest.mark.parametrize("login", ["svc:geheim@", "svc@", ":geheim@"])
def test_an_address_with_a_login_in_it_fails_without_repeating_it(site, key: str, login: str):
    # It would be published (the blogs page, the OPML) and sent to wherever the address leads.
    urls = {"feed": "http://127.0.0.1:8080/w/feed/", "home": "http://127.0.0.1:8080/w/"}
    urls[key] = urls[key].replace("http://", f"http://{login}")
    write_participant(site, "wiki", "Wiki", urls["feed"], urls["home"])
    output = check(site)
    assert output.startswith("FAILED"), output
    assert f"wiki.toml: '{key}' holds a user name or password (user:password@); a login goes in a " \
           "'login' table that names where its secret is (README: \"Logins per blog\")" in output
    assert login not in output


# --- check --base: a pull request judged before anything of it runs ---------------------------


def git(where: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "T", "GIT_AUTHOR_EMAIL": "t@example.org",
           "GIT_COMMITTER_NAME": "T", "GIT_COMMITTER_EMAIL": "t@example.org"}  # fmt: skip
    return subprocess.run(["git", "-C", str(where), *args], check=True, capture_output=True,
                          text=True, env=env).stdout  # fmt: skip


def repository(root: Path) -> Path:
    """`root` as the editors keep it (a git repository, branch main) and a contributor's branch."""
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "the site")
    git(root, "checkout", "-q", "-b", "pull-request")
    return root


def commit(root: Path, message: str = "a change") -> None:
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", message)


def refused(site: Path) -> str:
    """What `check --base main` says of a pull request it refuses (exit 2, its own words)."""
    result = invoke(site, "check", "--base", "main")
    no_traceback(result)
    assert result.exit_code == 2, explain(result)
    return result.output


def test_a_pull_request_of_one_participant_file_passes(site):
    repository(site)
    write_participant(site, "neu", "Neuer Blog", "http://127.0.0.1:8080/neu/feed/")
    commit(site)
    result = invoke(site, "check", "--base", "main")
    assert result.exit_code == 0, explain(result)
    assert "2 participants and 0 parades OK; the pull request adds 1 participant file only." in result.output


@pytest.mark.parametrize("feed", ["http://127.0.0.1:8080/feed/atom/", "http://127.0.0.1:8080/?feed=rss2",
                                  "http://127.0.0.1:8080/feed/rss2/", "http://127.0.0.1:8080/feed/?utm_source=x"])
def test_a_pull_request_adding_a_blog_the_site_has_under_another_feed_is_refused(site, feed):
    # `join` refuses it (its home page is a participant's); a file in a pull request passed, and
    # the blog stood twice on the site, one of its files with no post.
    repository(site)
    write_participant(site, "annas-homeoffice", "Annas Homeoffice", feed, "https://127.0.0.1:8080")
    commit(site)
    output = refused(site)
    assert "annas-homeoffice.toml: its blog, https://127.0.0.1:8080, is on the site already as fine (Ein Blog, " \
           "http://127.0.0.1:8080/feed/): a second file would show its posts twice" in output, output


AUTHORS_FEED = ("anna", "Anna bei Ein Blog", "http://127.0.0.1:8080/author/anna/feed/", "http://127.0.0.1:8080/")
BLOGS_OWN_FEED = ("fine", "Ein Blog", "http://127.0.0.1:8080/feed/", "http://127.0.0.1:8080/")


@pytest.mark.parametrize(("there", "added"), [(BLOGS_OWN_FEED, AUTHORS_FEED), (AUTHORS_FEED, BLOGS_OWN_FEED)])
def test_a_blogs_own_feed_and_an_authors_feed_of_it_may_join_in_either_order(site, there, added):
    # A company's roll takes each employee's author feed beside the company blog's own.
    (site / "content" / "participants" / "fine.toml").unlink()
    write_participant(site, *there)
    repository(site)
    write_participant(site, *added)
    commit(site)
    result = invoke(site, "check", "--base", "main")
    assert result.exit_code == 0, explain(result)


def test_a_problem_the_base_has_already_is_not_the_pull_requests(site):
    # Two files for one feed merged onto main (two pull requests, each passing on its own): every
    # later contributor's check failed, naming files none of them had touched.
    write_participant(site, "zweite", "Noch einmal", "http://127.0.0.1:8080/feed/", "http://127.0.0.1:8080/")
    repository(site)
    write_participant(site, "neu", "Neuer Blog", "http://127.0.0.1:8080/neu/feed/", "http://127.0.0.1:8080/neu/")
    commit(site)
    result = invoke(site, "check", "--base", "main")
    assert result.exit_code == 0, explain(result)
    assert "zweite.toml: same feed as fine.toml: http://127.0.0.1:8080/feed/ (so on main already: not this " \
           "pull request's to mend)" in result.output
    # A pull request that adds a file for that feed brings its problem, whichever file is named.
    write_participant(site, "aaa", "Und noch einmal", "http://127.0.0.1:8080/feed/", "http://127.0.0.1:8080/")
    commit(site)
    assert "same feed as aaa.toml" in refused(site)


def test_a_problem_a_pull_request_brings_is_its_own_whichever_file_is_named(site):
    # A request adding a parade with an existing one's call: the problem is named on the
    # existing file (it sorts second), and was called "so on main already".
    parades = site / "content" / "parades"
    parades.mkdir(exist_ok=True)
    parade = "Title: {}\nCall: https://host.example/aufruf/\nStart: 2026-11-01\nEnd: 2026-11-30\n\nText\n"
    (parades / "remote.md").write_text(parade.format("Remote"), encoding="utf-8")
    repository(site)
    (parades / "anders.md").write_text(parade.format("Anders"), encoding="utf-8")
    commit(site)
    output = refused(site)
    assert "remote.md: same call as anders.md" in output and "so on main already" not in output, output


def test_a_pull_request_changing_or_removing_a_blogs_file_needs_an_editor(site):
    # A stranger may add a blog; taking another off, or sending its posts elsewhere, is for the
    # blog's owner, whom an editor knows.
    repository(site)
    write_participant(site, "fine", "Ein Blog", "http://127.0.0.1:8080/anderswo/feed/")
    commit(site)
    assert "fine.toml: the pull request changes a participant file it did not add: an editor confirms " \
           "it is that blog's own" in refused(site)
    (site / "content" / "participants" / "fine.toml").unlink()
    write_participant(site, "neu", "Neuer Blog", "http://127.0.0.1:8080/neu/feed/")
    commit(site)
    output = refused(site)
    assert "fine.toml: the pull request removes a participant file it did not add" in output and "neu.toml" not in output


def test_a_pull_request_changing_settings_is_refused_before_any_of_it_runs(site, tmp_path):
    # pelicanconf.py is Python: `check` of the request executed it on the runner (inside the
    # intranet, for a blog roll's merge requests), and could allow itself any network too.
    repository(site)
    marker = tmp_path / "ran"
    with open(site / "pelicanconf.py", "a", encoding="utf-8") as settings:
        settings.write(f"\nopen({str(marker)!r}, 'w').write('ran')\nBLOGPARADE_ALLOWED_NETWORKS = ['0.0.0.0/0']\n")
    (site / "theme").mkdir(exist_ok=True)
    (site / "theme" / "base.html").write_text("{{ cycler.__init__.__globals__ }}", encoding="utf-8")
    write_participant(site, "neu", "Neuer Blog", "http://10.0.0.5/feed/")
    commit(site)
    output = refused(site)
    assert "this pull request changes pelicanconf.py, theme/base.html, outside content/" in output
    assert "nothing of it was run here" in output
    assert not marker.exists()
    assert "10.0.0.5" not in output  # not even read: the request is for an editor


def test_a_pull_request_changing_pages_needs_an_editor(site):
    repository(site)
    (site / "content" / "pages").mkdir(exist_ok=True)
    (site / "content" / "pages" / "impressum.md").write_text("Title: Impressum\n\nAnders\n", encoding="utf-8")
    (site / "content" / "participants" / "README.md").write_text("anders\n", encoding="utf-8")
    commit(site)
    output = refused(site)
    assert "content/pages/impressum.md: not a participant file: published as written, so an editor " \
           "reviews this pull request" in output
    assert "content/participants/README.md: not a participant file" in output
    assert invoke(site, "check").exit_code == 0  # without --base: the files as such are fine


def test_a_participant_file_in_the_wrong_folder_is_told_where_it_goes(site):
    # "not a participant file: published as written" told a contributor nothing of what to mend.
    repository(site)
    (site / "content" / "participant").mkdir()
    write_participant(site, "neu", "Neu", "http://127.0.0.1:8080/neu/feed/").rename(
        site / "content" / "participant" / "neu.toml")
    (site / "content" / "participants" / "anna.yaml").write_text("name: Anna\n", encoding="utf-8")
    commit(site)
    output = refused(site)
    assert "content/participant/neu.toml: a participant file is read only in content/participants/: move " \
           "it there (content/participants/neu.toml)" in output, output
    # A lookalike in the right folder is named once, as ignored, not as a page published as written.
    assert "anna.yaml: participant files are TOML and end in .toml; this one is ignored" in output
    assert "anna.yaml: not a participant file" not in output
    (site / "content" / "participant" / "neu.toml").rename(site / "neu.toml")
    (site / "content" / "participants" / "anna.yaml").unlink()
    commit(site)
    assert "outside content/: settings, code, the theme or CI, which commands and the build run; an editor " \
           "reviews it, and nothing of it was run here; a participant file goes in content/participants/" in refused(site)


def test_a_participant_file_that_is_a_link_is_refused(site, tmp_path):
    # git keeps symbolic links: one could have any command read a file of the machine's.
    secret = tmp_path / "nightly.env"
    secret.write_text('name = "BLOGPARADE_LOGIN_WIKI=geheim-123"\nfeed = "x"\nhome = "x"\n', encoding="utf-8")
    repository(site)
    (site / "content" / "participants" / "link.toml").symlink_to(secret)
    commit(site)
    for args, said in ((("check",), "link.toml: is a symbolic link, not a file of its own"),
                       (("check", "--base", "main"), "adds the symbolic link content/participants/link.toml")):
        result = invoke(site, *args)
        no_traceback(result)
        assert result.exit_code == 2, explain(result)
        assert said in result.output
        assert "geheim" not in result.output


def test_a_pull_request_adding_a_login_needs_an_editor(site):
    # The nightly job would send a secret of its machine (any file in the secrets folder, any
    # BLOGPARADE_LOGIN_ variable no other file names) to the feed the new file names.
    repository(site)
    write_participant(site, "neu", "Neuer Blog", "http://127.0.0.1:8080/neu/feed/",
                      login={"kind": "header", "name": "X-Token", "secret_file": "/etc/blogparade/env"})
    commit(site)
    assert "neu.toml: the pull request adds a participant file with a login: the nightly job would send " \
           "a secret of its machine to the feed it names, so an editor reviews it" in refused(site)
    assert invoke(site, "check").exit_code == 0  # the editors' own file, without --base: fine


def test_a_pull_request_making_the_participants_folder_a_link_is_refused_unread(site, tmp_path):
    # A link where the folder was would have check read a folder of the runner's and quote its
    # files' values into the CI log.
    elsewhere = tmp_path / "runner" / "participants"
    elsewhere.mkdir(parents=True)
    (elsewhere / "conf.toml").write_text('api_token = "RUNNER-SECRET"\nfeed = "RUNNER-FEED"\n', encoding="utf-8")
    repository(site)
    folder = site / "content" / "participants"
    for path in folder.iterdir():
        path.unlink()
    folder.rmdir()
    folder.symlink_to(elsewhere)
    commit(site)
    output = refused(site)
    assert "this pull request adds the symbolic link content/participants: git keeps links" in output
    assert "nothing of it was read here" in output and "RUNNER" not in output


def test_check_base_says_in_one_sentence_what_git_cannot_tell(site, tmp_path):
    result = invoke(site, "check", "--base", "main")  # not a repository
    no_traceback(result)
    assert result.exit_code == 2 and "Error: git cannot say what changed since main: not a git repository" in result.output
    repository(site)
    for base in ("no-such-branch", "--output=/tmp/x"):
        result = invoke(site, "check", "--base", base)
        no_traceback(result)
        assert result.exit_code == 2, explain(result)
        assert result.output.startswith("Error: ") and result.output.count("\n") == 1, result.output


def test_a_site_in_a_folder_of_a_larger_repository_is_judged_whole(tmp_path):
    # The repository's own CI file is outside the site's folder, and runs too.
    root = tmp_path / "repo"
    site = new_site(root / "blogs", ONLY_ONE_LOOPBACK)
    write_participant(site, "fine", "Ein Blog", "http://127.0.0.1:8080/feed/")
    repository(root)
    write_participant(site, "neu", "Neuer Blog", "http://127.0.0.1:8080/neu/feed/")
    commit(root)
    assert invoke(site, "check", "--base", "main").exit_code == 0
    (root / ".gitlab-ci.yml").write_text("script: [curl http://10.0.0.5/]\n", encoding="utf-8")
    commit(root)
    assert "this pull request changes /.gitlab-ci.yml, outside content/" in refused(site)


def test_a_gitignore_from_before_the_files_blogparade_writes_is_named(tmp_path):
    # An upgraded site's .gitignore (the first day's: the store and output only) let `git add -A`
    # commit the take-down log, which names what was taken down, the images, the spare build.
    site = new_site(tmp_path / "site")
    subprocess.run(["git", "init", "-q", str(site)], check=True)
    result = invoke(site, "check")
    assert result.exit_code == 0 and "warning" not in result.output, result.output  # init's own
    (site / ".gitignore").write_text("*.sqlite\noutput/\n", encoding="utf-8")
    result = invoke(site, "check")
    assert result.exit_code == 0, result.output
    [warning] = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert warning.startswith(f"warning: {site / '.gitignore'}: git would take takedowns.log, "
                              ".blogparade.lock, media/, .output.spare/, content/aggregated/, which blogparade writes")
    subprocess.run(["rm", "-rf", str(site / ".git")], check=True)
    assert "warning" not in invoke(site, "check").output  # no git: nothing it would take


def test_check_warns_of_a_setting_no_part_of_blogparade_reads(tmp_path):
    # "BLOGPARADE_TIMOUT = 5": check said OK, and every fetch waited the default time.
    site = new_site(tmp_path / "site", "BLOGPARADE_TIMOUT = 5\n")
    checked = ok(invoke(site, "check"))
    assert "BLOGPARADE_TIMOUT is no setting blogparade reads (did you mean BLOGPARADE_TIMEOUT?): it is ignored" in checked.output


def test_an_address_with_a_password_in_its_query_fails_check_and_join(site):
    # Confluence's own URL login passed check: the password would be on the site, in the OPML.
    feed = "http://127.0.0.1:8080/wiki/feed?os_username=svc&os_password=W1ki-G3heim!"
    write_participant(site, "wiki", "Wiki", feed, "http://127.0.0.1:8080/wiki/")
    output = check(site)
    assert output.startswith("FAILED") and "wiki.toml: 'feed' carries a secret in its query (os_password=…)" in output
    assert "W1ki-G3heim" not in output
    (site / "content" / "participants" / "wiki.toml").unlink()
    joined = invoke(site, "join", feed)
    assert joined.exit_code == 2 and "the URL carries a secret in its query (os_password=…)" in joined.output
    assert "W1ki-G3heim" not in joined.output


def test_check_warns_of_a_ca_bundle_that_is_not_here(tmp_path):
    # check said OK, and every fetch on that machine refused to run ("is not a file").
    site = new_site(tmp_path / "site", 'BLOGPARADE_CA_BUNDLE = "/etc/ssl/firma-ca.pem"')
    checked = ok(invoke(site, "check"))  # a warning: CI may run on another machine
    assert "BLOGPARADE_CA_BUNDLE: /etc/ssl/firma-ca.pem is not a file here; a fetch on this machine " \
           "would refuse to run" in checked.output


def test_a_secret_written_into_pelicanconf_fails_check(tmp_path):
    # It is ignored there (secrets come from the environment), and pelicanconf.py is in git:
    # check said OK of a mail password and a wiki's login in it.
    site = new_site(tmp_path / "site", 'BLOGPARADE_SMTP_PASSWORD = "geheim"\nBLOGPARADE_LOGIN_WIKI = "svc:pw"')
    output = check(site)
    assert output.startswith("FAILED"), output
    for name in ("BLOGPARADE_SMTP_PASSWORD", "BLOGPARADE_LOGIN_WIKI"):
        assert f"{name} is a secret, and pelicanconf.py is in git: it is not read from there" in output
    assert "geheim" not in output and "svc:pw" not in output


def test_every_setting_blogparade_reads_is_known_to_check():
    # A new setting named in the code but not known to `check` would be called ignored.
    import re
    from pathlib import Path

    from aggregator.jobs import OTHER_SETTINGS, SETTING_FAMILIES
    from aggregator.site import DEFAULTS
    from aggregator.website.plugin.settings import DEFAULTS as PLUGIN_DEFAULTS

    known = set(DEFAULTS) | set(PLUGIN_DEFAULTS) | OTHER_SETTINGS
    package = Path(__file__).resolve().parents[1] / "aggregator"
    named = {name for path in package.rglob("*.py")
             for name in re.findall(r'"(BLOGPARADE_[A-Z_]*[A-Z])"', path.read_text(encoding="utf-8"))}  # fmt: skip
    assert {name for name in named if not name.startswith(SETTING_FAMILIES)} - known == set()


def test_a_department_one_letter_off_its_colleagues_is_named(tmp_path):
    # "Vetrieb" beside "Vertrieb" made a department page and feed of its own, silently.
    site = new_site(tmp_path / "site", ONLY_ONE_LOOPBACK)
    for slug, department in (("anna", "Vertrieb"), ("bernd", "vertrieb"), ("carla", "Vetrieb"),
                             ("dora", "Werk 1"), ("emil", "Werk 2"), ("fritz", "Werk 2")):
        write_participant(site, slug, slug.title(), f"http://127.0.0.1:8080/{slug}/feed/",
                          f"http://127.0.0.1:8080/{slug}/", department=department)
    result = invoke(site, "check")
    assert result.exit_code == 0, explain(result)
    warnings = [line for line in result.output.splitlines() if line.startswith("warning:")]
    assert warnings == [f"warning: {site / 'content' / 'participants' / 'carla.toml'}: department 'Vetrieb': "
                        "the site has 'Vertrieb' (2 blogs), and shows 'Vetrieb' as another department; a typo?"]
