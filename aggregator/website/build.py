"""build: export the store, then run Pelican with errors fatal; and know when a build is needless.

Pelican writes into a fresh folder that replaces output/ only when the build succeeded (see
output.py): a failed, killed or disk-full build leaves yesterday's site served, whole.  The
search index is built into that folder too, after Pelican (see search.py).

A build renders only the pages and feeds whose inputs changed and links the others from the
current output/ (plugin/incremental.py: `build_stamp` is what every output is made of besides its
template's values).  A build that would change nothing is skipped: `blogparade run` asks
`needs_build` first: the store's fingerprint, content/ (without the export), the theme, the
settings files, which of them builds, and blogparade's own code, compared with what the last
successful build recorded.  The fingerprint is taken before exporting, in the same read of the
store as the export: a post a concurrent fetch stores meanwhile is not counted as built, so the
next run builds it.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import logging
import os
import shutil
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any, Iterator, NamedTuple
from urllib.parse import urlsplit

from .. import __version__
from ..editors.participants import kept_blogs, load_participants
from ..heap import fewer_collections
from ..models import Participant
from ..parades.membership import calendar_matters, select, today
from ..parades.roundup_html import FOLDER as ROUNDUPS_FOLDER
from ..site import DEFAULTS, PUBLISH_SETTINGS_FILE, SETTINGS_FILE, Site, with_language_tag
from ..backups import site_store
from ..i18n import without_words_for
from ..store import COMMENTS_ERASED, FORMER_TAG_ADDRESSES, Store
from . import output as tree
from . import search
from .export import ExportRefused, ExportResult, export, read_on, site_status

LAST_BUILD = "last_build"  # the store's meta key: the fingerprint of what output/ shows
# The store's meta key set by a take-down (cli.taking_down) until a build has published it: that
# build keeps no spare tree (website/output.py), which would hold the pages as they were.
TAKEN_DOWN = "taken_down"
# Loggers of the fetch stage: a `run` fetches and builds in one process, and an unclosed
# connection garbage-collected during the build must not fail it.
UNRELATED_LOGGERS = ("asyncio", "aiohttp")
# blogparade's files whose change changes the site: the stages after the store, globbed so that
# a module added to them counts without a change here.
PACKAGE = Path(__file__).resolve().parent.parent
CODE = tuple(
    sorted(str(module.relative_to(PACKAGE)) for folder in ("website", "parades", "editors")
           for module in (PACKAGE / folder).rglob("*.py"))
) + ("i18n.py",)


class BuildError(Exception):
    """Pelican reported errors, or the disk failed; `messages` lists them, the message says
    them all.  output/ is as it was before the build."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


class BuildRefused(Exception):
    """The build was not started: the message says why and what to do, for a person."""


@dataclass(frozen=True)
class BuildResult:
    exported: ExportResult
    articles: int
    pages: int
    seconds: float
    output: Path
    warnings: tuple[str, ...] = field(default=())
    fingerprint: str = ""  # of what was exported, taken before exporting; recorded on success
    searchable: int | None = None  # pages in the search index; None: no index was built
    rendered: int = 0  # pages and feeds written afresh
    reused: int = 0  # unchanged pages and feeds carried over from the previous output
    bundles: tuple[int, int] = (0, 0)  # the search index's bundles: indexed, carried over

    def __str__(self) -> str:
        posts = f"{self.articles} post{'' if self.articles == 1 else 's'}"
        pages = f"{self.pages} page{'' if self.pages == 1 else 's'}"
        searchable = f"{self.searchable} page{'' if self.searchable == 1 else 's'} searchable"
        index = f", {searchable}" if self.searchable is not None else ""
        return f"{posts} and {pages} in {self.seconds:.1f} s{index}"


class Built(NamedTuple):
    """What one Pelican run wrote into output/."""

    articles: int
    pages: int
    warnings: tuple[str, ...]
    searchable: int | None  # pages in the search index; None: no index was built
    rendered: int = 0  # pages and feeds written afresh (plugin/incremental.py)
    reused: int = 0  # unchanged pages and feeds carried over from the previous output
    bundles: tuple[int, int] = (0, 0)  # the search index's bundles: indexed, carried over


def build_site(
    site: Site,
    store: Store | None = None,
    *,
    settings_file: str | Path | None = None,
    quiet: bool = True,
) -> BuildResult:
    """Export the store's posts into content/, build them with Pelican into a fresh folder, and
    make that output/; then record the build's fingerprint in the store.

    `settings_file` builds with another settings file (publishconf.py); `quiet` keeps Pelican's
    console summary out of the caller's output.  Raises BuildRefused before doing anything
    (see `settings_path`), BuildError when anything logged an error or a write failed.
    """
    path = settings_path(site, settings_file)
    if store is None:
        with site_store(site) as own:
            return build_site(site, own, settings_file=path, quiet=quiet)
    started = time.perf_counter()
    participants, problems = load_participants(site.participants_dir)
    keep = kept_blogs(site.participants_dir, participants)
    settings = pelican_settings(site, path)
    settings["BLOGPARADE_FORMER_TAG_ADDRESSES"] = bool(store.get_meta(FORMER_TAG_ADDRESSES))
    refuse_mounted_output(Path(settings["OUTPUT_PATH"]))
    taken_down = bool(store.get_meta(TAKEN_DOWN))  # then the spare tree is removed, not used
    comments_erased = bool(store.get_meta(COMMENTS_ERASED))  # by retention: the reader cache has them
    # On the other core, while we export.
    listing = None if taken_down else tree.spare_listing(settings["OUTPUT_PATH"])
    try:
        with fewer_collections():  # 20,000 posts: each full collection walked them all again
            with disk_errors("cannot export the posts"), store.snapshot():
                fingerprint = build_fingerprint(site, store, path)
                try:
                    exported = export_site(site, store, participants, keep)
                except ExportRefused as error:
                    raise BuildRefused(str(error)) from None
            stamp = build_stamp(site, path, settings)
            with disk_errors("cannot write the site"):
                built = build_output(settings, path.name, quiet=quiet, stamp=stamp,
                                     file_times=exported.times, spare=not taken_down, listing=listing,
                                     comments_erased=comments_erased)  # fmt: skip
    finally:
        if listing is not None:
            listing.cancel()
    store.set_meta(LAST_BUILD, fingerprint)
    if taken_down:  # published now
        store.set_meta(TAKEN_DOWN, "")
    if comments_erased:
        store.set_meta(COMMENTS_ERASED, "")
    warnings = tuple(str(problem) for problem in problems) + built.warnings
    warnings += address_warnings(settings, path) + language_warnings(settings)
    return BuildResult(exported, built.articles, built.pages, time.perf_counter() - started,
                       Path(settings["OUTPUT_PATH"]), warnings, fingerprint,
                       built.searchable, built.rendered, built.reused, built.bundles)  # fmt: skip


def settings_path(site: Site, settings_file: str | Path | None = None) -> Path:
    """The settings file a build reads.  BuildRefused when it is missing, or when it would
    silently turn a published output/ into a development build."""
    path = Path(settings_file) if settings_file else Path(SETTINGS_FILE)
    if not path.is_absolute():
        path = site.root / path
    if not path.is_file():
        if path.name == PUBLISH_SETTINGS_FILE:
            raise BuildRefused(
                f"{site.root} has no {PUBLISH_SETTINGS_FILE} to publish with: write one with the "
                f"site's address (SITEURL) beside {SETTINGS_FILE}, as `blogparade init` does"
            )
        raise BuildRefused(f"{path} does not exist")
    if path.name != PUBLISH_SETTINGS_FILE and tree.built_with(site.output) == PUBLISH_SETTINGS_FILE:
        raise BuildRefused(
            f"{site.output} holds the published site (built with {PUBLISH_SETTINGS_FILE}): "
            f"build it with --publish, or remove {site.output} first for a development build"
        )
    return path


def build_output(settings: dict[str, Any], settings_name: str, *, quiet: bool = True,
                 stamp: str | None = None, file_times: dict[str, float] | None = None,
                 spare: bool = True, listing: tree.Listing | None = None,
                 comments_erased: bool = False) -> Built:  # fmt: skip
    """Pelican, then the search index, into a fresh folder beside OUTPUT_PATH, which replaces
    it only on success; `settings_name` is stamped into it.

    With a `stamp` (see `build_stamp`), pages and feeds that are as in the current output/
    (built with the same settings file) are hard links to its files, not rendered again
    (plugin/incremental.py): output/ itself is never written to, and stays whole until the swap.
    `file_times` are the exported files' modification times (ExportResult.times).  Without
    `spare` no spare tree is used or kept (after a take-down: it holds the pages as they were).
    `listing`: the spare tree's files, listed beforehand (see `recycle`).  `comments_erased`
    (by retention, since the last build): the reader cache is saved again, however few posts
    were read afresh, since it holds those posts as they were; and the replaced tree is kept as
    the spare only with the files output/ shares (tree.scrub), the others showed them.
    """
    from .plugin import incremental
    from .plugin.feeds import SESSIONS
    from .plugin.reader import KNOWN_TIMES, SAVE_CACHE_SETTING, wait_for_cache
    from .plugin.search_page import finish_index

    output = tree.real_output(settings["OUTPUT_PATH"])
    tree.remove_leftovers(output)
    if not spare:
        tree.remove_spare(output)
    building, kept, emptied = recycle(output, stamp, settings_name, listing)
    session = str(building.resolve())  # how the writer (plugin/feeds.py) names this build
    incremental.KEPT[session] = kept
    settings = {**settings, "OUTPUT_PATH": str(building)}
    if stamp:
        settings[incremental.STAMP_SETTING] = stamp
        if tree.built_with(output) == settings_name:
            settings[incremental.REUSE_SETTING] = str(output)
        cache = reader_cache(settings, stamp, taken_down=not spare)
        if cache and comments_erased:  # the posts that lost them were read afresh
            cache[SAVE_CACHE_SETTING] = True
        settings.update(cache)
    reuse = None
    outputs = incremental.output_names(output) if stamp else []
    in_tree = kept.get("files", {})
    folders = tree.Folders(building, [name for name in chain(outputs, post_pages(settings)) if name not in in_tree])
    try:
        try:
            KNOWN_TIMES.update(file_times or {})
            articles, pages, warnings = run_pelican(settings, quiet=quiet)
        except BaseException:
            reuse = SESSIONS.pop(session, None)
            if reuse is not None and reuse.indexing is not None:
                reuse.indexing.cancel()
            raise
        reuse = SESSIONS.pop(session, None)
        if reuse is not None:
            emptied += tree.remove_files(building, reuse.stale())
        folders.tidy(reuse.new if reuse is not None else ())
        index = None
        if search.enabled(settings):
            index, keys = finish_index(reuse, building, settings).finish()
            if reuse is not None:
                reuse.search = keys
        tree.remove_empty(building, emptied)
        if reuse is not None:
            reuse.write_manifest()
        tree.write_stamp(building, settings_name)  # before carry_over: never into a hard link
        tree.carry_over(output, building, settings.get("OUTPUT_RETENTION", ()))
        old = tree.replace_output(building, output)
    except BaseException:
        if folders.process is not None:
            folders.process.wait()
        wait_for_cache()
        shutil.rmtree(building, ignore_errors=True)
        raise
    finally:
        incremental.KEPT.pop(session, None)
        KNOWN_TIMES.clear()
    if old is not None and spare and comments_erased:  # the replaced tree's pages still show them
        spare = tree.scrub(old, output, (tree.STAMP, incremental.MANIFEST))  # only shared files stay
    if old is not None and spare:
        tree.keep_as_spare(old, output)
    elif old is not None:
        tree.remove_old(old, tree.REMOVE_INLINE_BELOW)
    warnings += tuple(wait_for_cache())
    counts = (reuse.rendered, reuse.reused) if reuse is not None else (0, 0)
    if index is None:
        return Built(articles, pages, warnings, None, *counts)
    if index.warning:
        return Built(articles, pages, warnings + (index.warning,), None, *counts)
    return Built(articles, pages, warnings, index.pages, *counts, (index.indexed, index.reused))


def recycle(output: Path, stamp: str | None, settings_name: str,
            listing: tree.Listing | None = None) -> tuple[Path, dict[str, Any], list[str]]:  # fmt: skip
    """The tree to build into: the spare one where there is one (website/output.py), cleared but
    for its pages, feeds and search bundles of this stamp (which the writer and the search index
    keep where they are unchanged), else a new one.  Also what it kept (its manifest, see
    incremental.load_manifest) and the folders files were removed from.  `listing`: the spare
    tree's files, listed while the posts were exported (else it is walked now)."""
    from .plugin import incremental

    if listing is not None:
        listing.wait()  # done before the tree is renamed
    building = tree.recycled_tree(output)
    if building is None:
        return tree.new_tree(output), {}, []
    kept: dict[str, dict[str, Any]] = {}
    if stamp and tree.built_with(building) == settings_name:
        kept = incremental.load_manifest(building, stamp)
    bundles = [f"{search.INDEX_FOLDER}/{name}" for name in kept.get("search", {})]
    listed = listing.names(building) if listing is not None else None
    if listed is None:
        listed = tree.list_files(building)
    if "files" in kept:  # only outputs that are there are kept: the writer need not look again
        present = set(listed)
        kept["files"] = {name: key for name, key in kept["files"].items() if name in present}
    emptied = tree.clear_tree(building, kept.get("files", {}), bundles, listed)
    return building, kept, emptied


def post_pages(settings: dict[str, Any]) -> list[str]:
    """The pages the exported posts will have (BLOGPARADE_POST_SAVE_AS), from the export's
    file names alone: their folders are made while Pelican reads the posts (output.Folders),
    even where no build was served before."""
    from .plugin.settings import setting

    pattern = setting(settings, "BLOGPARADE_POST_SAVE_AS")
    export = Path(str(settings.get("PATH") or "content")) / setting(settings, "BLOGPARADE_EXPORT")
    pages = []
    try:
        with os.scandir(export) as blogs:
            for blog in blogs:
                if not blog.is_dir(follow_symlinks=False):
                    continue
                with os.scandir(blog.path) as posts:
                    pages.extend(pattern.format(participant=blog.name, id=post.name[: -len(".json")])
                                 for post in posts if post.name.endswith(".json"))  # fmt: skip
    except (OSError, KeyError, IndexError, ValueError):  # no export yet, or a pattern of its own
        pass
    return pages


CACHE_FOLDER = Path("cache") / "blogparade"  # beside content/ (the site's cache/, ignored by git)


def reader_cache(settings: dict[str, Any], stamp: str, *, taken_down: bool = False) -> dict[str, Any]:
    """Pelican's cache of what its readers read (each file's content and metadata, by file and
    modification time), in a folder of this build's stamp: reading 20,000 exported posts is a
    fifth of a build, and a cache made with other code, theme or settings is never read (the
    cache of another stamp is removed).  CACHE_CONTENT = False in the settings keeps it off.

    After a take-down the stamp's own cache goes too, and the build reads every post afresh:
    Pelican keeps a deleted file's entry for ever, and saves the cache again only after many
    fresh reads (plugin/reader.py), so a hidden post or an erased comment would stay in it."""
    if settings.get("BLOGPARADE_READER_CACHE") is False:
        return {}
    root = Path(str(settings.get("PATH") or "content")).resolve().parent / CACHE_FOLDER
    folder = root / stamp[:16]
    if root.is_dir():
        for other in root.iterdir():
            if other != folder or taken_down:
                shutil.rmtree(other, ignore_errors=True)
    return {"CACHE_CONTENT": True, "LOAD_CONTENT_CACHE": True, "CONTENT_CACHING_LAYER": "reader",
            "CACHE_PATH": str(folder), "GZIP_CACHE": False, "CHECK_MODIFIED_METHOD": "mtime"}


def refuse_mounted_output(output: Path) -> None:
    """BuildRefused where output/ (or where its link points) is a mount point: a build puts a
    whole new tree in its place by renaming, which a mount point cannot be (every build failed
    with "Device or resource busy", naming a temporary folder)."""
    real = tree.real_output(output)
    if os.path.ismount(real):
        raise BuildRefused(f"{real} is a mount point, and a build replaces the output folder whole, by "
                           "renaming; mount the disk elsewhere and make the output folder a symbolic link "
                           f"to a folder on it (ln -s /mnt/site/www {output})")  # fmt: skip


@contextmanager
def disk_errors(doing: str) -> Iterator[None]:
    """A failed write (a full disk, a read-only folder) as the build's error, in a sentence."""
    try:
        yield
    except OSError as error:
        raise BuildError([f"{doing}: {describe(error)}"]) from error


def describe(error: BaseException) -> str:
    if isinstance(error, OSError) and error.strerror:
        return f"{error.strerror} ({error.filename})" if error.filename else error.strerror
    return f"{type(error).__name__}: {error}"


def language_warnings(settings: dict[str, Any]) -> tuple[str, ...]:
    """A site in a language the theme has no words for: its pages say so in English, with dates
    and numbers in that language ("by Zoe · 18 novembre 2026"), and nothing said why."""
    lang = str(settings.get("DEFAULT_LANG") or "en")
    if not without_words_for(settings["THEME"], lang):
        return ()
    return (f"DEFAULT_LANG = {lang!r}: the theme has no translation for it (theme/translations/), so "
            "its pages' words are English, their dates and numbers in that language; use \"de\" or "
            "\"en\"",)


def address_warnings(settings: dict[str, Any], path: Path) -> tuple[str, ...]:
    """A published site whose address is missing or still the example: its feeds would lie."""
    if path.name != PUBLISH_SETTINGS_FILE:
        return ()
    url = str(settings.get("SITEURL") or "")
    if not url:
        return (f"{path.name} sets no SITEURL: the feeds' links are not absolute",)
    if (urlsplit(url).hostname or "").endswith(".example"):
        return (f"{path.name} still has the example address {url}: set SITEURL to the real one",)
    return ()


def export_site(
    site: Site, store: Store, participants: list[Participant], keep: set[str]
) -> ExportResult:
    """The store's posts as files for Pelican, each naming the parades it contributes to; the
    contributions of blogs that never joined too (as hidden posts: see parades/external.py)."""
    selection = select(site, store, participants)
    return export(store, site, selection.blogs, keep=keep, parades=selection.memberships(),
                  marks=selection.marks())  # fmt: skip


def pelican_settings(site: Site, settings_file: str | Path | None = None) -> dict[str, Any]:
    """Fresh settings for one Pelican run (Pelican changes the dict it is given)."""
    from pelican.settings import read_settings

    path = Path(settings_file) if settings_file else site.root / SETTINGS_FILE
    if not path.is_absolute():
        path = site.root / path
    settings = {**DEFAULTS, **read_settings(str(path))}
    # Pelican takes a folder the file does not name (PATH ".", OUTPUT_PATH "output") in the
    # working directory; blogparade, run with --site from anywhere, in the site's folder, as
    # site.py reads it: the export and the build must meet there.  So are the theme's overrides,
    # which Pelican leaves relative (found in the working directory, or silently not at all).
    for key in ("PATH", "OUTPUT_PATH"):
        settings[key] = os.path.abspath(os.path.join(path.parent, settings[key]))
    settings["THEME_TEMPLATES_OVERRIDES"] = [os.path.abspath(os.path.join(path.parent, folder))
                                             for folder in settings["THEME_TEMPLATES_OVERRIDES"]]
    if path.name == PUBLISH_SETTINGS_FILE:
        # A published site has no drafts (a roundup being written), whatever publishconf.py says:
        # one written before it said so published them, and nothing told its editors.
        settings.update(dict.fromkeys(_DRAFT_OUTPUTS, ""))
    with_language_tag(settings)
    return settings


_DRAFT_OUTPUTS = ("DRAFT_SAVE_AS", "DRAFT_LANG_SAVE_AS", "DRAFT_PAGE_SAVE_AS", "DRAFT_PAGE_LANG_SAVE_AS")


def run_pelican(settings: dict[str, Any], *, quiet: bool = True) -> tuple[int, int, tuple[str, ...]]:
    """Pelican's `--fatal errors`, without its exception from inside a log call.

    Returns the number of articles and pages and the warnings logged; raises BuildError.
    """
    from pelican import signals
    from pelican.generators import ArticlesGenerator, PagesGenerator

    generators: list[Any] = []

    def keep(sender: list[Any]) -> None:
        generators.extend(sender)

    signals.all_generators_finalized.connect(keep)
    try:
        with recording_logs() as records, quiet_console(quiet):
            try:
                pelican_class(settings)(settings).run()
            except Exception as error:  # noqa: BLE001  whatever broke, it is the build's error
                raise BuildError(errors(records) + [describe(error)]) from error
    finally:
        signals.all_generators_finalized.disconnect(keep)
    if errors(records):
        raise BuildError(errors(records))
    articles = next((g for g in generators if isinstance(g, ArticlesGenerator)), None)
    pages = next((g for g in generators if isinstance(g, PagesGenerator)), None)
    return (
        len(articles.articles) if articles else 0,
        len(pages.pages) if pages else 0,
        tuple(r.getMessage() for r in records if r.levelno < logging.ERROR),
    )


def pelican_class(settings: dict[str, Any]) -> type:
    cls = settings.get("PELICAN_CLASS", "pelican.Pelican")
    if isinstance(cls, str):
        module, name = cls.rsplit(".", 1)
        cls = getattr(importlib.import_module(module), name)
    return cls


def errors(records: list[logging.LogRecord]) -> list[str]:
    return [record.getMessage() + (f": {record.reason}" if getattr(record, "reason", "") else "")
            for record in records if record.levelno >= logging.ERROR]


class _Recorder(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.name.startswith(UNRELATED_LOGGERS):
            return
        # Pelican logs "Could not process pages/x.md" from inside its `except`, leaving the
        # exception out but for its DEBUG setting: keep what went wrong for the build's error.
        handled = sys.exc_info()[1]
        if record.levelno >= logging.ERROR and not record.exc_info and handled is not None:
            record.reason = describe(handled)
        self.records.append(record)


@contextmanager
def recording_logs() -> Iterator[list[logging.LogRecord]]:
    """Warnings and errors logged meanwhile; on the root logger, which also keeps Python's
    last-resort handler from printing them (the caller decides what to show)."""
    recorder = _Recorder()
    root = logging.getLogger()
    root.addHandler(recorder)
    try:
        yield recorder.records
    finally:
        root.removeHandler(recorder)


@contextmanager
def quiet_console(quiet: bool) -> Iterator[None]:
    from pelican.log import console

    previous = console.quiet
    console.quiet = quiet or previous
    try:
        yield
    finally:
        console.quiet = previous


# -- skipping needless builds -------------------------------------------------------------------


def build_fingerprint(site: Site, store: Store, settings_file: str | Path | None = None) -> str:
    """Changes whenever anything a build reads changes (the exported files excepted: they
    follow from the store and the participants), or another settings file builds."""
    parts = {
        "store": store.fingerprint(),
        "content": tree_stamp(site.content, exclude=site.export_dir),
        # An HTML roundup written for the host's blog ends a parade's late contributions.
        "roundups": tree_stamp(site.root / ROUNDUPS_FOLDER),
        "theme": theme_stamp(site),
        "settings": [file_stamp(site.root / name) for name in (SETTINGS_FILE, PUBLISH_SETTINGS_FILE)],
        "built with": Path(settings_file or SETTINGS_FILE).name,
        "code": [__version__] + [file_stamp(PACKAGE / name) for name in CODE],
        # An open parade's page counts its days left: then a new day is a change.
        "today": today(site).isoformat() if calendar_matters(site) else None,
        "feeds": feed_stamp(site, store),
        "search": file_stamp(search.indexer() or Path("pagefind")),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def build_stamp(site: Site, settings_file: str | Path, settings: dict[str, Any]) -> str:
    """What every page and feed is made of besides the posts and the values its template reads
    (plugin/incremental.py): the fingerprint's parts but the store and the day, the libraries'
    versions, and the settings as read."""
    from .plugin.incremental import environment_stamp, settings_digest

    parts = {
        "content": tree_stamp(site.content, exclude=site.export_dir),
        "theme": theme_stamp(site),
        "settings": [file_stamp(site.root / name) for name in (SETTINGS_FILE, PUBLISH_SETTINGS_FILE)],
        "built with": Path(settings_file).name,
        "code": [__version__] + [file_stamp(PACKAGE / name) for name in CODE],
        "environment": environment_stamp(),
        "settings read": settings_digest(settings),
    }
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def theme_stamp(site: Site) -> list[str]:
    """The theme, and the site's own templates overriding it (THEME_TEMPLATES_OVERRIDES) and
    plugins (PLUGIN_PATHS): what makes the pages besides content/, the settings and our code."""
    settings = site.settings
    folders = [settings.get("THEME", ""), *(settings.get("THEME_TEMPLATES_OVERRIDES") or ()),
               *(settings.get("PLUGIN_PATHS") or ())]  # fmt: skip
    return [tree_stamp(Path(folder)) if Path(folder).is_dir() else str(folder) for folder in folders]


def feed_stamp(site: Site, store: Store) -> dict[str, Any]:
    """The feeds' descriptions, and the day they were last read: the home page says when, so a
    day's first fetch rebuilds even when no post changed (later ones the same day do not).
    Where the editors' status page is published, how every feed fared: it shows each run's.
    Where the privacy notice is, the comment feeds read: it lists them (a feed first read, or
    moved, brings no comment of its own; the status document holds them already)."""
    read_day = read_on(store.last_read(), site.settings)
    status = None
    if site.settings.get("BLOGPARADE_STATUS_PAGE"):
        status = site_status(store, site, load_participants(site.participants_dir)[0])
    listed = site["BLOGPARADE_PRIVACY_PAGE"] and status is None
    return {
        "descriptions": sorted(store.feed_descriptions().items()),
        "read on": read_day.isoformat() if read_day else None,
        "status": status,
        "comment feeds": store.comment_feed_urls() if listed else None,
    }


def needs_build(site: Site, store: Store, settings_file: str | Path | None = None) -> bool:
    """False when the output is intact, was built with the same settings file, and nothing
    changed since the last recorded build.  Raises BuildRefused as `settings_path` does."""
    path = settings_path(site, settings_file)
    output = Path(pelican_settings(site, path)["OUTPUT_PATH"])
    if not (output / "index.html").is_file() or tree.built_with(output) != path.name:
        return True
    return store.get_meta(LAST_BUILD) != build_fingerprint(site, store, path)


def file_stamp(path: Path) -> list[Any]:
    try:
        stat = path.stat()
    except OSError:  # missing (publishconf.py is optional) or a dangling link
        return [path.name, None]
    return [path.name, stat.st_size, stat.st_mtime_ns]


def tree_stamp(root: Path, exclude: Path | None = None) -> str:
    """Names, sizes and modification times of every file under `root`: cheap, and enough."""
    digest = hashlib.sha256()
    for directory, folders, files in os.walk(root):
        here = Path(directory)
        folders[:] = sorted(f for f in folders if exclude is None or here / f != exclude)
        for name in sorted(files):
            relative = (here / name).relative_to(root).as_posix()
            digest.update(json.dumps([relative] + file_stamp(here / name)[1:]).encode())
    return digest.hexdigest()
