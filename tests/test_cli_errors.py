"""Bad input of every kind through the real command line, one table: each row one sentence after
`Error:`, the exit code the README promises (2: bad usage, nothing was done; 1: the job failed),
no traceback and no Click usage block, and the store and participant files as they were."""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pytest

from tests.acceptance_helpers import (
    blogparade_command,
    explain,
    invoke,
    new_site,
    no_traceback,
    ok,
    participant_files,
    write_participant,
)
from tests.servers import FeedServer
from tests.test_store_safety import (
    blogparade,
    damage,
    one_sentence,
    serve_blog,
    unprivileged,
)

POSTS = 3


@dataclass(frozen=True)
class Case:
    args: tuple[str, ...]  # after `--site SITE`; "{site}" and "{tmp}" are filled in
    code: int
    sentence: str  # a pattern for the whole line after "Error: ", with the same fields
    setup: Callable[[Path, Path], object] | None = None  # (site, tmp): what makes the input bad
    # Run as a process of its own, behind this prefix (unprivileged, within_memory).
    prefix: Callable[[], list[str]] | None = None


def within_memory() -> list[str]:
    """A prefix that lets a command have 1.5 GB of memory: reading an endless file fails fast."""
    prlimit = shutil.which("prlimit")
    if prlimit is None:
        pytest.skip("no prlimit to limit the command's memory with")
    return [prlimit, f"--as={1500 * 1024 * 1024}", "--"]


def a_folder(site: Path, tmp: Path) -> None:
    (tmp / "ordner").mkdir()


def a_file(site: Path, tmp: Path) -> None:
    (tmp / "datei").write_text("kein Ordner")


def unreadable(site: Path, tmp: Path) -> None:
    (tmp / "geheim.opml").write_text("<opml/>")
    (tmp / "geheim.opml").chmod(0)


def damaged(site: Path, tmp: Path) -> None:
    damage(site / "blogparade.sqlite", "random bytes")


def a_newer_backup(site: Path, tmp: Path) -> None:
    """A backup a newer blogparade made: the site's own, its schema version in the future."""
    [backup] = (site / "backups").glob("*.sqlite")
    shutil.copyfile(backup, tmp / "neuer.sqlite")
    with closing(sqlite3.connect(tmp / "neuer.sqlite")) as db:
        db.execute("PRAGMA user_version = 999")
        db.commit()


def log_in_the_way(site: Path, tmp: Path) -> None:
    (site / "takedowns.log").mkdir()


def participants_read_only(site: Path, tmp: Path) -> None:
    (site / "content" / "participants").chmod(0o555)


def read_only(site: Path, tmp: Path) -> None:
    site.chmod(0o555)


# A store in WAL mode is read through its -wal and -shm files, made beside it when missing.
READ_ONLY_FOLDER = (r"cannot read store {site}/blogparade\.sqlite: its folder {site} is read-only, and "
                    r"SQLite makes the store's -wal and -shm files there even to read it; run this as a "
                    r"user who may write there")

CASES = {
    "opml import of a missing file": Case(
        ("opml", "import", "{tmp}/fehlt.opml"), 2,
        r"cannot read {tmp}/fehlt\.opml: No such file or directory; nothing was done"),
    "opml import of a folder": Case(
        ("opml", "import", "{tmp}/ordner"), 2, r"cannot read {tmp}/ordner: Is a directory; nothing was done",
        a_folder),
    "opml import of an unreadable file": Case(
        ("opml", "import", "{tmp}/geheim.opml"), 2,
        r"cannot read {tmp}/geheim\.opml: Permission denied; nothing was done", unreadable, prefix=unprivileged),
    "opml import of an endless file": Case(
        ("opml", "import", "/dev/zero"), 2, r"/dev/zero: not read: more than an OPML file of \d+ bytes has",
        prefix=within_memory),
    "opml export into a folder": Case(
        ("opml", "export", "{tmp}/ordner"), 2, r"cannot write {tmp}/ordner: Is a directory; nothing was done",
        a_folder),
    "opml export into a missing folder": Case(
        ("opml", "export", "{tmp}/fehlt/roll.opml"), 2,
        r"cannot write {tmp}/fehlt/roll\.opml: No such file or directory; nothing was done"),
    "--site naming a file": Case(
        ("--site", "{tmp}/datei", "status"), 2, r"{tmp}/datei is not a blogparade site: it has no "
        r"pelicanconf\.py \(create one with `blogparade init DIR`, or point --site at one\)", a_file),
    "--site naming no folder": Case(
        ("--site", "{tmp}/fehlt", "status"), 2, r"{tmp}/fehlt is not a blogparade site: there is no such "
        r"folder \(point --site at one, or create one with `blogparade init DIR`\)"),
    "init into a file": Case(("init", "{tmp}/datei"), 2, r"{tmp}/datei is a file, not a folder; nothing was done",
                             a_file),
    "demo into a file": Case(("demo", "{tmp}/datei"), 2, r"{tmp}/datei is a file, not a folder; nothing was done",
                             a_file),
    "restore of a backup a newer blogparade made": Case(
        ("restore", "{tmp}/neuer.sqlite"), 1, r"{tmp}/neuer\.sqlite has schema version 999, newer than this "
        r"blogparade knows \(\d+\): upgrade blogparade, or choose an older backup", a_newer_backup),
    **{f"{' '.join(args)} with a folder in the take-down log's place": Case(
        args, 1, r"{site}/takedowns\.log: Is a directory", log_in_the_way)
       for args in (("forget", "--commenter", "Anna"), ("remove", "chronik"), ("remove", "chronik", "--purge"))},
    "remove --purge of a blog whose file cannot be deleted": Case(
        ("remove", "chronik", "--purge"), 1, r"{site}/content/participants/chronik\.toml: Permission denied",
        participants_read_only, unprivileged),
    "check of a damaged store": Case(
        ("check",), 1, r"cannot use store {site}/blogparade\.sqlite: it is damaged \(.*\); restore its "
                       r"backup, {site}/backups/blogparade-.*\.sqlite, with `blogparade restore`", damaged),
    **{f"{' '.join(args)} in a read-only site folder": Case(args, 1, READ_ONLY_FOLDER, read_only, unprivileged)
       for args in (("status",), ("status", "--json"), ("check",), ("digest", "--dry-run"))},
}


def readable_again(folder: Path) -> None:
    """Permissions as they were, for the status that follows and for pytest, which removes it."""
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o755 if path.is_dir() else 0o644)


@pytest.fixture(scope="module")
def fetched_site(tmp_path_factory) -> Path:
    """A site that has fetched one blog's posts: made once, copied for each case."""
    root = tmp_path_factory.mktemp("fetched")
    with FeedServer() as server:
        site = new_site(root / "site")
        write_participant(site, "chronik", "Chronik", serve_blog(server, POSTS))
        ok(invoke(site, "fetch"))
    return site


@pytest.mark.parametrize("name", CASES)
def test_bad_input_is_one_sentence_and_its_exit_code(name, fetched_site, tmp_path):
    case = CASES[name]
    site = tmp_path / "site"
    shutil.copytree(fetched_site, site)
    if case.setup is not None:
        case.setup(site, tmp_path)
    stored, participants = (site / "blogparade.sqlite").read_bytes(), participant_files(site)
    fields = {"site": str(site), "tmp": str(tmp_path)}
    args = [arg.format(**fields) for arg in case.args]
    pattern = case.sentence.format(**{key: re.escape(value) for key, value in fields.items()}) + "$"
    if case.prefix is not None:
        one_sentence(blogparade(site, *args, prefix=case.prefix()), pattern, case.code)
    else:
        result = invoke(site, *args)
        no_traceback(result)
        assert result.exit_code == case.code, explain(result)
        [line] = [line for line in result.output.splitlines() if line.startswith(("Error", "Usage"))]
        assert re.match(f"Error: {pattern}", line), explain(result)
    readable_again(tmp_path)
    assert (site / "blogparade.sqlite").read_bytes() == stored  # refused: nothing stored changed
    assert participant_files(site) == participants


def test_a_terminal_that_cannot_show_a_blogs_name_shows_question_marks_not_an_error(tmp_path):
    # Under a non-UTF-8 locale `status` and the nightly run died of UnicodeEncodeError printing a
    # blog named "Продажи", before the build.
    site = new_site(tmp_path / "site")
    write_participant(site, "prodazhi", "Продажи Blog", "http://127.0.0.1:9/feed/")
    env = {**os.environ, "PYTHONIOENCODING": "latin-1", "PYTHONUTF8": "0"}
    for args, shown in ((["run"], "??????? Blog"), (["status"], "??????? Blog"),
                        (["status", "--json"], '"\\u041f\\u0440')):
        done = subprocess.run([*blogparade_command(), "--site", str(site), *args], env=env,
                              capture_output=True, text=True, encoding="latin-1", timeout=120, check=False)  # fmt: skip
        assert "UnicodeEncodeError" not in done.stdout + done.stderr, done
        assert shown in done.stdout + done.stderr, done
    assert (site / "output" / "index.html").is_file()  # the run built


def test_a_site_in_a_language_the_theme_has_no_words_for_is_warned_of(tmp_path):
    # DEFAULT_LANG = "fr" made pages in English with French dates ("by Zoe · 18 novembre 2026"),
    # marked lang="fr", and nothing said why.
    site = new_site(tmp_path / "site")
    for lang, warned in (("fr", True), ("de-AT", False), ("en-GB", False)):
        conf = site / "pelicanconf.py"
        conf.write_text(re.sub(r"DEFAULT_LANG = '[^']*'", f"DEFAULT_LANG = '{lang}'", conf.read_text()))
        result = ok(invoke(site, "build"))
        said = f"DEFAULT_LANG = '{lang.lower()}': the theme has no translation for it" in result.output
        assert said is warned, result.output
