"""The store, the site's only history, through the real CLI: backed up before every fetch, a lost
or damaged store refused with the backup to restore named, `restore` bringing back every post,
no page deleted meanwhile; and every store or disk error one sentence, never a traceback."""

from __future__ import annotations

import os
import re
import resource
import shutil
import sqlite3
import subprocess
import sys
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from aggregator import cli as cli_module
from tests.acceptance_helpers import (
    blogparade_command,
    explain,
    invoke,
    new_site,
    no_traceback,
    ok,
    post_pages,
    run_measured,
    status_lines,
    write_participant,
)
from tests.feedmaker import Item, rss
from tests.servers import FeedServer, respond

BACKUP_NAME = re.compile(r"^blogparade-\d{4}-\d\d-\d\dT\d{6}Z\.sqlite$")


# ------------------------------------------------------------------------------- the sites


def serve_blog(server: FeedServer, posts: int, *, first: int = 1, body: str = "<p>Text</p>") -> str:
    items = [Item(f"beitrag-{n}", f"Beitrag {n}", f"{server.base_url}/blog/{n}/",
                  datetime(2026, 3, 1, tzinfo=UTC) + timedelta(days=n), body)
             for n in range(first, first + posts)]  # fmt: skip
    body_bytes = rss(items, title="Chronik").encode()
    return server.route("/blog/feed", respond(body_bytes, etag=f'"{first}-{posts}"'))


def titles(last: int, first: int = 1) -> set[str]:
    return {f"Beitrag {n}" for n in range(first, last + 1)}


def published_site(server: FeedServer, root: Path, settings: str = "", posts: int = 12) -> Path:
    """A site that has run twice: its posts are published, and the newest backup holds them."""
    site = new_site(root, settings)
    write_participant(site, "chronik", "Chronik", serve_blog(server, posts))
    ok(invoke(site, "run"))
    ok(invoke(site, "run"))
    assert titles(posts) == set(post_pages(site / "output"))
    return site


def backups(site: Path) -> list[Path]:
    folder = site / "backups"
    return sorted(folder.iterdir(), reverse=True) if folder.is_dir() else []


def pages(site: Path) -> dict[Path, bytes]:
    return {p: p.read_bytes() for p in (site / "output").rglob("*.html")}


def stored_posts(site: Path) -> str:
    return status_lines(ok(invoke(site, "status")).output)["Chronik"]


# ------------------------------------------------------------------------- ways to lose it


def damage(store: Path, how: str) -> None:
    size = store.stat().st_size
    if how == "emptied":  # a 0-byte file, as a careless `> blogparade.sqlite` leaves it
        os.truncate(store, 0)
    elif how == "its posts deleted":
        db = sqlite3.connect(store, isolation_level=None)
        db.execute("DELETE FROM comments")
        db.execute("DELETE FROM posts")
        db.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # all of it in the file itself
        db.close()
    elif how == "truncated":
        os.truncate(store, size // 2)
    elif how == "random bytes":
        store.write_bytes(os.urandom(size))
    elif how == "a damaged page":
        with open(store, "r+b") as file:
            file.seek(4096 * (size // 4096 // 2))
            file.write(os.urandom(4096))
    elif how == "deleted":
        store.unlink()
    else:
        raise ValueError(how)


@pytest.mark.slow
@pytest.mark.parametrize(
    "how", ["emptied", "its posts deleted", "truncated", "random bytes", "a damaged page", "deleted"]
)
def test_a_lost_store_is_refused_and_restore_brings_back_every_post(feed_server, tmp_path, how):
    site = published_site(feed_server, tmp_path / "site")
    store = site / "blogparade.sqlite"
    newest = backups(site)[0]
    published = pages(site)
    damage(store, how)
    left = store.read_bytes() if store.exists() else None

    for command in ("run", "fetch", "build", "status"):
        refused = invoke(site, command)
        assert refused.exit_code == 1, (command, explain(refused))
        no_traceback(refused)
        [line] = refused.output.splitlines()
        assert line.startswith("Error: ") and str(newest) in line, (command, line)
        assert "`blogparade restore`" in line, line
    process = run_measured(site, "run")  # the real process, as cron runs it
    assert process.returncode == 1 and "Traceback" not in process.stderr, process
    assert len(process.stderr.splitlines()) == 1, process.stderr
    assert pages(site) == published  # not a page deleted, nor changed
    assert (store.read_bytes() if store.exists() else None) == left  # nor the store touched

    restored = ok(invoke(site, "restore"))
    assert f"Restored {newest} (12 posts)" in restored.output, restored.output
    if left is not None:
        [aside] = site.glob("blogparade-before-restore-*.sqlite")
        assert aside.read_bytes() == left  # kept aside, not deleted
        assert f"Kept the store that was there as {aside}." in restored.output
    assert "\t12 posts" in stored_posts(site)
    ok(invoke(site, "run"))
    assert titles(12) == set(post_pages(site / "output"))


def test_each_fetch_backs_up_the_store_first_and_the_newest_are_kept(feed_server, tmp_path):
    site = new_site(tmp_path / "site", "BLOGPARADE_BACKUPS = 3")
    write_participant(site, "chronik", "Chronik", serve_blog(feed_server, 1))
    for night in range(1, 6):
        serve_blog(feed_server, night)
        ok(invoke(site, "run" if night % 2 else "fetch"))  # five in about a second
    ok(invoke(site, "build"))  # builds do not write posts: no backup
    found = backups(site)
    assert len(found) == 3 and all(BACKUP_NAME.match(p.name) for p in found), found
    # Each is the store as it was before its fetch: nights 4, 3 and 2 stored so far.
    counts = [sqlite3.connect(p).execute("SELECT count(*) FROM posts").fetchone()[0] for p in found]
    assert counts == [4, 3, 2], (found, counts)
    with sqlite3.connect(found[0]) as newest:
        assert newest.execute("PRAGMA journal_mode").fetchone()[0] == "delete"  # one file
    assert [p.name for p in (site / "backups").iterdir() if not BACKUP_NAME.match(p.name)] == []


def test_no_backups_when_the_setting_says_none(feed_server, tmp_path):
    site = new_site(tmp_path / "site", "BLOGPARADE_BACKUPS = 0")
    write_participant(site, "chronik", "Chronik", serve_blog(feed_server, 2))
    ok(invoke(site, "run"))
    assert not (site / "backups").exists()


def test_restore_takes_the_newest_whole_backup_or_the_one_named(feed_server, tmp_path):
    site = published_site(feed_server, tmp_path / "site")
    serve_blog(feed_server, 13)
    ok(invoke(site, "run"))  # backs up 12 posts; now 13 stored
    newest, older, oldest = backups(site)[:3]
    damage(newest, "a damaged page")
    restored = ok(invoke(site, "restore"))
    assert f"Restored {older} (12 posts)" in restored.output, restored.output

    named = invoke(site, "restore", newest.name)
    assert named.exit_code == 1 and "it is damaged" in named.output, explain(named)
    assert "choose another backup" in named.output
    by_path = ok(invoke(site, "restore", str(older)))
    assert f"Restored {older} (12 posts)" in by_path.output, by_path.output
    # The first run's backup, from before anything was fetched: empty, and restored on purpose.
    published = pages(site)
    ok(invoke(site, "restore", oldest.name))
    assert "\t0 posts" in stored_posts(site)
    ok(invoke(site, "build"))
    assert pages(site).keys() == published.keys()  # what it lost stays published
    # Bad usage, nothing done: exit 2, as for any command that names nothing there.
    for name, said in (("gibt-es-nicht.sqlite", newest.name),
                       (str(site / "blogparade.sqlite"), "is the store itself")):  # fmt: skip
        missing = invoke(site, "restore", name)
        assert missing.exit_code == 2 and said in missing.output, explain(missing)
        assert "Traceback" not in missing.output and len(missing.output.splitlines()) == 1


def test_without_backups_restore_empty_starts_again_and_keeps_every_page(feed_server, tmp_path):
    site = published_site(feed_server, tmp_path / "site", "BLOGPARADE_BACKUPS = 0")
    (site / "blogparade.sqlite").unlink()
    refused = invoke(site, "run")
    assert refused.exit_code == 1 and "`blogparade restore --empty`" in refused.output, refused.output
    assert "has published 12 posts" in refused.output

    ok(invoke(site, "restore", "--empty"))
    serve_blog(feed_server, 3, first=12)  # the feed lists only the newest now, and one more
    ok(invoke(site, "run"))
    assert titles(14) == set(post_pages(site / "output"))  # the lost eleven's pages stayed
    assert "\t3 posts" in stored_posts(site)


# ------------------------------------------------------------------ every error, one sentence


@dataclass
class Finished:
    returncode: int
    stdout: str
    stderr: str


def unprivileged() -> list[str]:
    """A prefix that runs a command without root's power to ignore file permissions."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    prefix = [setpriv, "--bounding-set=-dac_override,-dac_read_search", "--"] if setpriv else []
    if not prefix or subprocess.run(prefix + ["true"]).returncode != 0:
        pytest.skip("running as root, and cannot drop the power to ignore permissions")
    return prefix  # type: ignore[return-value]


def blogparade(
    site: Path, *args: str, prefix: list[str] | None = None, max_file_size: int | None = None
) -> Finished:
    def limit() -> None:  # Python ignores SIGXFSZ: a write past the limit fails with EFBIG
        if max_file_size is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_size, max_file_size))

    process = subprocess.run([*(prefix or []), *blogparade_command(), "--site", str(site), *args],
                             capture_output=True, text=True, timeout=120, preexec_fn=limit)  # fmt: skip
    return Finished(process.returncode, process.stdout, process.stderr)


def one_sentence(finished: Finished, pattern: str, code: int = 1) -> str:
    assert finished.returncode == code, finished
    assert "Traceback" not in finished.stderr, finished.stderr
    [line] = finished.stderr.splitlines()
    assert re.match(f"^Error: {pattern}", line), line
    return line


def test_a_read_only_store_file(feed_server, tmp_path):
    """Was 74 lines of traceback from the first feed's transaction, after fetching."""
    site = published_site(feed_server, tmp_path / "site")
    store = site / "blogparade.sqlite"
    store.chmod(0o444)
    for command in ("fetch", "run", "build"):
        one_sentence(blogparade(site, command, prefix=unprivileged()),
                     rf"cannot write store {re.escape(str(store))}: the file is read-only$")  # fmt: skip
    assert ok(invoke(site, "status"))  # reading it is fine


def test_a_read_only_site_folder(feed_server, tmp_path):
    site = published_site(feed_server, tmp_path / "site")
    published = pages(site)
    store_folder = rf"cannot write store {re.escape(str(site))}/blogparade.sqlite: its folder is read-only"
    site.chmod(0o555)
    try:
        prefix = unprivileged()
        for command in ("fetch", "run", "build"):  # the lock file is there from before
            one_sentence(blogparade(site, command, prefix=prefix), store_folder)
        one_sentence(blogparade(site, "status", prefix=prefix),  # tests/test_cli_errors.py: why
                     rf"cannot read store {re.escape(str(site))}/blogparade.sqlite: its folder")
        site.chmod(0o755)
        (site / ".blogparade.lock").unlink()
        site.chmod(0o555)
        no_lock = r"cannot lock the site: cannot open .*\.blogparade\.lock: Permission denied$"
        for command in (["fetch"], ["run"], ["build"], ["roundup", "x"]):
            one_sentence(blogparade(site, *command, prefix=prefix), no_lock)
    finally:
        site.chmod(0o755)
    assert pages(site) == published


def test_a_store_in_a_read_only_folder(feed_server, tmp_path):
    elsewhere = tmp_path / "daten"
    elsewhere.mkdir()
    site = published_site(feed_server, tmp_path / "site",
                          f"BLOGPARADE_STORE = {str(elsewhere / 'blogparade.sqlite')!r}")  # fmt: skip
    elsewhere.chmod(0o555)
    try:
        said = rf"cannot write store {re.escape(str(elsewhere))}/blogparade.sqlite: its folder is read-only"
        one_sentence(blogparade(site, "fetch", prefix=unprivileged()), said)
    finally:
        elsewhere.chmod(0o755)


def test_a_full_disk_during_the_export(feed_server, tmp_path):
    """RLIMIT_FSIZE: any file written past 256 KB fails as on a full disk (EFBIG)."""
    site = new_site(tmp_path / "site")
    write_participant(site, "chronik", "Chronik", serve_blog(feed_server, 3))
    ok(invoke(site, "run"))
    published = pages(site)
    serve_blog(feed_server, 4, body="<p>" + "Sehr lang. " * 40_000 + "</p>")  # a 440 KB post
    ok(invoke(site, "fetch"))
    export = re.escape(str(site / "content" / "aggregated"))
    line = one_sentence(blogparade(site, "build", max_file_size=256 * 1024),
                        rf"the build failed, .* is unchanged: cannot export the posts: File too large "
                        rf"\({export}/chronik/\w+\.json\)$")  # fmt: skip
    assert pages(site) == published  # yesterday's site, whole
    assert not list((site / "content" / "aggregated").rglob("*.tmp")), line
    ok(invoke(site, "build"))  # space again: it builds
    assert "Beitrag 4" in post_pages(site / "output")


def test_a_read_only_export_folder(feed_server, tmp_path):
    site = published_site(feed_server, tmp_path / "site")
    folder = site / "content" / "aggregated" / "chronik"
    victim = next(folder.iterdir())
    victim.unlink()
    folder.chmod(0o555)
    try:
        one_sentence(blogparade(site, "build", prefix=unprivileged()),
                     rf"the build failed, .*: Permission denied \({re.escape(str(victim))}\)$")  # fmt: skip
    finally:
        folder.chmod(0o755)


def test_a_folder_in_place_of_the_store_and_a_missing_site(tmp_path):
    site = new_site(tmp_path / "site")
    write_participant(site, "chronik", "Chronik", "http://127.0.0.1:9/feed")
    (site / "blogparade.sqlite").mkdir()
    for command in ("fetch", "build", "run", "status"):
        one_sentence(blogparade(site, command), r"cannot use store .*: it is a folder, not a file$")
    one_sentence(blogparade(tmp_path / "nowhere", "run"), r".*nowhere is not a blogparade site", 2)


def test_debug_shows_the_traceback(feed_server, tmp_path):
    site = published_site(feed_server, tmp_path / "site")
    damage(site / "blogparade.sqlite", "a damaged page")
    plain = blogparade(site, "status")
    assert plain.returncode == 1 and "Traceback" not in plain.stderr
    debug = blogparade(site, "--debug", "status")
    assert debug.returncode == 1 and "Traceback (most recent call last)" in debug.stderr, debug
    assert debug.stderr.splitlines()[-1] == plain.stderr.strip()  # the same sentence, last


def test_an_unexpected_error_is_one_sentence_too(tmp_path, monkeypatch):
    site = new_site(tmp_path / "site")

    def broken(site):  # noqa: ANN001, ANN202
        raise RuntimeError("a bug in blogparade")

    monkeypatch.setattr("aggregator.jobs.check_site", broken)
    result = invoke(site, "check")
    assert result.exit_code == 1, explain(result)
    no_traceback(result)
    assert result.output == (
        "Error: unexpected error: RuntimeError: a bug in blogparade; run with --debug for details\n"
    )
    debug = invoke(site, "--debug", "check")
    assert debug.exit_code == 1 and "Traceback (most recent call last)" in debug.output


def test_main_is_the_last_resort(monkeypatch, capsys):
    def broken(**kwargs):  # noqa: ANN003, ANN202
        raise KeyError("outside any command")

    monkeypatch.setattr(cli_module, "cli", broken)
    monkeypatch.setattr("sys.argv", ["blogparade", "run"])
    with pytest.raises(SystemExit) as exit_:
        cli_module.main()
    assert exit_.value.code == 1
    assert capsys.readouterr().err == (
        "Error: unexpected error: KeyError: 'outside any command'; run with --debug for details\n"
    )


# A full disk (RLIMIT_FSIZE: writing past it fails as ENOSPC would) while an update's group of
# transactions is committed: the group is undone whole, the feeds before the failing one too.
GROUP_LOST = """
import resource, signal, sys, time
from aggregator import store as module
from aggregator.store import Store, StoreError
signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
module.COMMIT_EVERY = 0.2
store = Store(sys.argv[1])
store.set_meta("before", "1")
with store.many_transactions():
    store.set_meta("feed a", "x" * 100)  # in the group, not yet committed
    size = sum(p.stat().st_size for p in store.path.parent.iterdir())
    resource.setrlimit(resource.RLIMIT_FSIZE, (size + 20_000, resource.RLIM_INFINITY))
    time.sleep(0.3)
    try:
        store.set_meta("feed b", "y" * 400_000)  # the group commits after it: the disk is full
    except StoreError as error:
        print("lost:", error)
    resource.setrlimit(resource.RLIMIT_FSIZE, (resource.RLIM_INFINITY, resource.RLIM_INFINITY))
    try:
        store.set_meta("feed a read", "1")  # e.g. feed a's comments marked as read
    except StoreError as error:
        print("refused:", error)
"""


def test_a_group_the_disk_could_not_take_is_undone_whole_and_nothing_after_it_is_written(tmp_path):
    """After a full disk undid the group, a later transaction recorded a post's comments as
    read while they were no longer stored: they were never asked for again, not even by
    `fetch --all`."""
    path = tmp_path / "blogparade.sqlite"
    done = subprocess.run([sys.executable, "-c", GROUP_LOST, str(path)], capture_output=True, text=True,
                          cwd=Path(__file__).parents[1], timeout=60, check=False)  # fmt: skip
    assert "lost: " in done.stdout and "refused: " in done.stdout, done
    assert "nor anything after" in done.stdout.split("refused: ")[1], done.stdout
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT key FROM meta ORDER BY key").fetchall() == [("before",)]


def test_an_output_folder_that_is_a_mount_point_is_refused_saying_why(tmp_path):
    # Every build failed with "cannot write the site: Device or resource busy", naming a
    # temporary folder: a mount point cannot be replaced by renaming.
    site = new_site(tmp_path / "site")
    output = site / "output"
    output.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(output)],
                             capture_output=True, check=False)  # fmt: skip
    if mounted.returncode != 0:
        pytest.skip("mounting needs root")
    try:
        result = invoke(site, "build")
        assert result.exit_code == 1, result.output
        assert f"Error: {output} is a mount point, and a build replaces the output folder whole" in result.output
        assert list(output.iterdir()) == []
    finally:
        subprocess.run(["umount", str(output)], check=False)
