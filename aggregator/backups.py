"""The store's backups, what to do when the store is lost or damaged, and opening it for a job.

The store is the only copy of the site's history.  Each job that fetches (fetch, run) makes a
dated copy of the store as it was when the job began, into backups/ in the site folder, with
SQLite's online backup, written while the job goes on; the newest BLOGPARADE_BACKUPS are kept.  A store that is damaged, or new or empty while the site has
published posts, is refused with the newest backup named; `restore` puts one back and keeps the
store it replaces aside, renamed.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Callable, Iterator

from .site import Site
from .store import (
    EMPTIED_AT,
    MIGRATIONS,
    RESTORED_AT,
    Store,
    StoreDamaged,
    StoreError,
    check_copy,
    journal_files,
    quick_check,
    raise_if_damaged,
)

FOLDER = "backups"  # in the site folder
STAMP = "%Y-%m-%dT%H%M%SZ"  # UTC: names sort as times do, across summer time
POST_PAGES = "blogs/{participant}/{id}/index.html"  # the plugin's BLOGPARADE_POST_SAVE_AS


class StoreLost(StoreError):
    """The store is new or empty while the site has published posts."""


class RestoreError(StoreError):
    """No backup can be restored as asked; the message says why, for a person.  `usage`: the
    command named no backup at all (a name that is not there, the store itself)."""

    def __init__(self, message: str, *, usage: bool = False):
        super().__init__(message)
        self.usage = usage


@dataclass(frozen=True)
class Restored:
    backup: Path | None  # None: an empty store, started again on purpose
    posts: int
    aside: Path | None  # the store that was there, renamed; None if there was none


def folder(site: Site) -> Path:
    return site.root / FOLDER


def site_store(site: Site) -> Store:
    """The site's store, opened; one an older blogparade wrote is kept in backups/ as it was,
    before it is migrated (Store._copy_before_migrating)."""
    return Store(site.store_path, copy_before_migrating=folder(site))


def backups(site: Site) -> list[Path]:
    """The store's backups, newest first (their names sort as their times do)."""
    pattern = re.compile(rf"^{re.escape(site.store_path.stem)}-\d{{4}}-\d\d-\d\dT\d{{6}}Z\.sqlite$")
    return sorted((p for p in folder(site).glob("*.sqlite") if pattern.match(p.name) and p.is_file()),
                  reverse=True)  # fmt: skip


def back_up(site: Site, store: Store, now: datetime | None = None) -> Path | None:
    """A dated backup of the store; then only the newest BLOGPARADE_BACKUPS are kept (0: none is
    made, and those there are left alone: the editors' to delete)."""
    with backed_up(site, store, now) as target:
        return target


@contextmanager
def backed_up(site: Site, store: Store, now: datetime | None = None) -> Iterator[Path | None]:
    """back_up, of the store as it is when the block begins, written while the block runs.

    The job in the block writes the store meanwhile (SQLite's WAL keeps the backup's view as it
    was; see Store.backup_of_now), so a fetch does not wait for a copy of a 100 MB store before
    its first request.  A backup that fails (a full disk) is raised when the block ends; the
    job's own writes are as safe as ever, and the older backups are kept.
    """
    keep = int(site["BLOGPARADE_BACKUPS"])
    if keep <= 0:
        yield None
        return
    when = (now or datetime.now(UTC)).astimezone(UTC)
    existing = backups(site)
    if existing:  # one backup per fetch: one within the same second is named a second later
        newest = datetime.strptime(existing[0].stem.removeprefix(f"{site.store_path.stem}-"), STAMP)
        when = max(when, newest.replace(tzinfo=UTC) + timedelta(seconds=1))
    target = folder(site) / f"{site.store_path.stem}-{when.strftime(STAMP)}.sqlite"
    try:
        target.parent.mkdir(exist_ok=True)
    except FileExistsError as error:  # "File exists" would not say which, nor that it is in the way
        raise StoreError(f"cannot back up store {store.path}: {target.parent} is a file, where its "
                         "backups go into a folder") from error  # fmt: skip
    except OSError as error:
        raise StoreError(f"cannot back up store {store.path} into {target}: {error.strerror}") from error
    with ThreadPoolExecutor(1, thread_name_prefix="backup") as thread:
        written = thread.submit(store.backup_of_now(target))
        try:
            yield target
        finally:
            failed = written.exception()
    if failed is not None:
        raise failed
    for old in backups(site)[keep:]:
        old.unlink()


def published_posts(site: Site) -> tuple[int, Path]:
    """How many posts the site has published, and where it says so (the export, or output/)."""
    exported = sum(1 for _ in site.export_dir.rglob("*.json")) if site.export_dir.is_dir() else 0
    if exported:
        return exported, site.export_dir
    pattern = re.sub(r"\{[^}]*\}", "*", str(site.settings.get("BLOGPARADE_POST_SAVE_AS", POST_PAGES)))
    pages = sum(1 for _ in site.output.glob(pattern)) if site.output.is_dir() else 0
    return pages, site.output


def refuse_lost_store(site: Site, store: Store | None) -> None:
    """StoreLost if the store is new (None: no file yet) or empty while the site has published
    posts: a run on it would unpublish them, and fetching again brings back only what the
    feeds still list.  An empty store an editor restored on purpose is no loss."""
    if store is not None and (store.post_counts() or store.get_meta(RESTORED_AT)
                              or store.get_meta(EMPTIED_AT)):  # erased on purpose: no loss
        return
    count, where = published_posts(site)
    if not count:
        return
    state = "holds no posts" if store is not None or site.store_path.exists() else "does not exist"
    raise StoreLost(
        f"the store {site.store_path} {state}, but the site has published {count} post{'s' * (count != 1)} "
        f"({where}): it was lost or replaced, and nothing was done; {advice(site)}"
    )


def advice(site: Site) -> str:
    """What to do about a lost or damaged store: the backup to restore, and how."""
    found = backups(site)
    if not found:
        return (
            f"there is no backup in {folder(site)}; to start again from the feeds, keeping the "
            "posts published so far, run `blogparade restore --empty`"
        )
    if len(found) == 1:
        return f"restore its backup, {found[0]}, with `blogparade restore`"
    return (
        f"restore the newest of its {len(found)} backups, {found[0]}, with `blogparade restore` "
        "(or another with `blogparade restore BACKUP`)"
    )


def restore(site: Site, backup: str | Path | None = None, *, empty: bool = False) -> Restored:
    """Put a backup in place of the store: `backup` (a path, or a name in backups/), else the
    newest that passes SQLite's check; with `empty`, an empty store that knows it started again.

    The store there before (with its -wal and -shm) is renamed, never deleted.
    """
    chosen, posts = (None, 0) if empty else _choose(site, backup)
    temporary = site.store_path.with_name(f".{site.store_path.name}.restoring")
    if chosen is not None:
        # Copied before the store moves aside: a copy that fails leaves the site its store.
        try:
            shutil.copyfile(chosen, temporary)
        except OSError as error:  # a full disk: it named the backup, as if that were the trouble
            temporary.unlink(missing_ok=True)
            raise RestoreError(f"cannot copy {chosen} into {temporary.parent}: {error.strerror}; the "
                               "store is as it was") from error  # fmt: skip
    aside = _put_aside(site.store_path)
    if chosen is not None:
        os.replace(temporary, site.store_path)
    with Store(site.store_path) as store:  # migrated, if the backup is older than this blogparade
        store.set_meta(RESTORED_AT, datetime.now(UTC).isoformat())
        posts = sum(store.post_counts().values())
    return Restored(chosen, posts, aside)


def _choose(site: Site, backup: str | Path | None) -> tuple[Path, int]:
    found = backups(site)
    if backup is not None:
        path = Path(backup)
        if not path.is_file() and (folder(site) / path).is_file():
            path = folder(site) / path
        if not path.is_file():
            names = ", ".join(p.name for p in found) or "none"
            raise RestoreError(f"there is no backup {backup} (in {folder(site)}: {names})", usage=True)
        if site.store_path.is_file() and path.samefile(site.store_path):
            raise RestoreError(f"{backup} is the store itself, not a backup of it; choose a backup "
                               f"in {folder(site)}", usage=True)  # fmt: skip
        try:
            return path, checked(path)
        except StoreDamaged as error:
            raise RestoreError(f"{error}; choose another backup") from error
    for path in found:
        try:
            return path, checked(path)
        except StoreDamaged:
            continue  # an older one may be whole
    if found:
        raise RestoreError(f"none of the {len(found)} backups in {folder(site)} is whole")
    raise RestoreError(f"there is no backup in {folder(site)} to restore")


def checked(backup: Path) -> int:
    """check_copy, and RestoreError for a backup a newer blogparade made: found before the store
    is put aside, not once the backup is in its place and cannot be opened."""
    posts = check_copy(backup)
    with closing(sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)) as db:
        version = db.execute("PRAGMA user_version").fetchone()[0]
    if version > len(MIGRATIONS):
        raise RestoreError(f"{backup} has schema version {version}, newer than this blogparade knows "
                           f"({len(MIGRATIONS)}): upgrade blogparade, or choose an older backup")
    return posts


def _put_aside(store: Path) -> Path | None:
    """Rename the store and its -wal and -shm (a WAL beside a restored store would corrupt it)."""
    stamp = datetime.now(UTC).strftime(STAMP)
    aside = store.with_name(f"{store.stem}-before-restore-{stamp}{store.suffix}")
    number = 1
    while any(path.exists() for path in (*journal_files(aside), aside)):
        number += 1  # two restores in one second: the first one's store is kept too
        aside = store.with_name(f"{store.stem}-before-restore-{stamp}-{number}{store.suffix}")
    moved = None
    for current, there in zip((*journal_files(store), store), (*journal_files(aside), aside)):
        if current.exists() or current.is_symlink():
            moved = there
            os.replace(current, moved)
    return aside if moved is not None else None


def check_begun(site: Site) -> Callable[[], list[str] | None]:
    """SQLite's quick_check of the site's store (store.quick_check), begun now in a thread of
    its own; the function returned waits for its findings.  It reads every page of the store
    (0.1 s for a thousand blogs' posts and comments) while the job goes on with what needs no
    store, reading participant files and importing its modules: sqlite3 lets go of the GIL."""
    found: list[list[str] | None] = [None]

    def check() -> None:
        found[0] = quick_check(site.store_path)

    thread = threading.Thread(target=check, name="store-check", daemon=True)
    thread.start()

    def findings() -> list[str] | None:
        thread.join()
        return found[0]

    return findings


@contextmanager
def open_store(
    site: Site, *, writes: bool = False, backup: bool = False,
    checked: Callable[[], list[str] | None] | None = None,
) -> Iterator[Store]:  # fmt: skip
    """The site's store, checked before a job uses it.

    Refused when damaged (SQLite's quick_check) or lost (new or empty while the site has
    published posts), and when a job that `writes` cannot write it; with `backup` (a fetch)
    backed up first.  A damage met later, mid-job, names the backup to restore too.
    `checked`: the findings of a check begun before (check_begun); a store it could not read,
    or that this opening upgraded, is checked here.
    """
    if not site.store_path.exists() or site.store_path.stat().st_size == 0:
        refuse_lost_store(site, None)  # before opening would make a new store there
    elif not (writes or backup):
        refuse_unreadable_in_place(site.store_path)
    try:
        with site_store(site) as store:
            findings = checked() if checked is not None else None
            if findings is None or store.upgraded_from is not None:
                store.check()
            else:
                raise_if_damaged(store.path, findings)
            refuse_lost_store(site, store)
            if writes or backup:
                store.check_writable()
            if not backup:
                yield store
                return
            with backed_up(site, store):
                yield store
    except StoreDamaged as error:
        raise StoreDamaged(f"{error}; {advice(site)}") from error


def refuse_unreadable_in_place(store: Path) -> None:
    """StoreError where SQLite cannot read the store: a store in WAL mode is read through its
    -wal and -shm files, which SQLite makes beside it when they are not there, so a job that
    only reads (status) cannot open it in a folder it may not write to."""
    folder = store.parent
    journal = journal_files(store)
    if all(path.exists() for path in journal) or os.access(folder, os.W_OK):
        return
    raise StoreError(f"cannot read store {store}: its folder {folder} is read-only, and SQLite makes "
                     "the store's -wal and -shm files there even to read it; run this as a user who "
                     "may write there")  # fmt: skip
