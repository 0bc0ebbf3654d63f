"""search: the site's Pagefind index, written into the freshly built tree before it is served.

Pagefind (pagefind.app) reads the built pages and writes a static search bundle; the search page
queries it in the reader's browser, with no server.  It indexes only what the theme marks
`data-pagefind-body` (posts, parades and pages, not listings), takes the result's title, blog and
date from `data-pagefind-meta`, and stems each page's words in the language of its `<html lang>`,
German and English alike: one index per language.

The index is sharded so that a build costs what changed here too: the searchable pages (those the
writer rendered from a template that marks a search body, see plugin/incremental.py) fall into
buckets by a digest of their names, one bundle each, `pagefind/<group>-<n>/`, listed in
`pagefind/bundles.json`; the search page loads the first and merges the others (Pagefind's
`mergeIndex`).  A bundle whose pages all have the keys they had in the previous build (and the
same indexer) is that build's bundle, hard-linked, not indexed again; the others are indexed by
a Pagefind process each, told exactly their pages.  Pagefind writes the same bytes for the same
pages, so a site built from nothing and one that reused bundles are identical.  A group has as
many buckets as `BLOGPARADE_SEARCH_PAGES` (pages per bundle) asks for, rounded up to a power of
two, so that they change only when the site doubles: after one new post on a 20,000-post site
one of 16 bundles is indexed again, and no Pagefind process holds more than a sixteenth of the
site.  The groups are the pages written with the articles ("posts", indexed while Pelican still
renders the listings: plugin/search_page.py) and the others ("pages").

The indexer is a binary, the optional extra `blogparade[search]`; without it the build skips
the index and says so in one warning.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Mapping

from ..hashing import digest
from .output import ends_with_build, link_or_copy

INDEX_FOLDER = "pagefind"  # in the output; the search page loads pagefind/bundles.json
BUNDLES_FILE = "bundles.json"
ENTRY = "pagefind-entry.json"  # Pagefind's entry file, in each bundle
BUNDLES_FORMAT = "blogparade-search/1"
MISSING = "no search index: Pagefind is not installed (pip install 'blogparade[search]')"
# Pagefind indexes thousands of pages a second; a binary that hangs must not hold the nightly
# build forever.
TIMEOUT_SECONDS = 900
PAGES_SETTING = "BLOGPARADE_SEARCH_PAGES"
PAGES_PER_BUNDLE = 1500  # the default: some 100 MB for Pagefind, a second to index
# Pagefind processes at a time: each uses more than one core for a while, less on average.
PARALLEL = 2
# Characters Pagefind's globs (the wax crate) take for syntax: escaped in a page's name.  A
# backslash cannot be (wax refuses "\\\\"): it stands as "?", any one character.
_GLOB_SYNTAX = re.compile(r"([?*$:<>()\[\]{},])")


@dataclass(frozen=True)
class SearchIndex:
    pages: int  # how many pages were indexed; 0 with `warning` when none could be
    warning: str | None = None
    indexed: int = 0  # bundles indexed by Pagefind in this build
    reused: int = 0  # bundles carried over from the previous build


@dataclass(frozen=True)
class Bundle:
    name: str  # its folder in pagefind/
    pages: tuple[str, ...] | None  # the output names it indexes; None: every page of the site
    key: str | None  # what it is made of; None: never reused


def enabled(settings: dict) -> bool:
    """Whether the site has a search page (the `search` direct template) to index for."""
    return "search" in settings.get("DIRECT_TEMPLATES", ()) and bool(
        settings.get("SEARCH_SAVE_AS", "search.html")
    )


def indexer() -> Path | None:
    """The Pagefind binary, if installed: the `pagefind` package finds the extended one first,
    then the plain one, then one on PATH (PAGEFIND_BINARY_PATH names another)."""
    try:
        from pagefind.service import get_executable
    except ImportError:
        return None
    path = get_executable()
    return path if path is not None and path.is_file() else None


def bundles(group: str, pages: Mapping[str, str | None] | None, binary: Path,
            per_bundle: int) -> list[Bundle]:  # fmt: skip
    """The bundles `group`-0, -1… for the searchable pages `pages` (output name -> key; None when
    the writer did not say: then one bundle of the whole site, as Pagefind finds it)."""
    if pages is None:
        return [Bundle(f"{group}-0", None, None)]
    count = bundle_count(len(pages), per_bundle)
    buckets: list[list[str]] = [[] for _ in range(count)]
    for name in sorted(pages):
        buckets[bucket(name, count)].append(name)
    stat = binary.stat()
    found = []
    for number, names in enumerate(buckets):
        if not names:
            continue
        keys = [pages[name] for name in names]
        key = None if None in keys else digest(
            "pagefind", str(binary), str(stat.st_size), str(stat.st_mtime_ns), str(count), group,
            str(number), *(f"{name}={key}" for name, key in zip(names, keys)))  # fmt: skip
        found.append(Bundle(f"{group}-{number}", tuple(names), key))
    return found


def bundle_count(pages: int, per_bundle: int) -> int:
    """A power of two: buckets are dealt anew only when the site doubles."""
    count = 1
    while count * max(1, per_bundle) < pages:
        count *= 2
    return count


def bucket(name: str, count: int) -> int:
    return int.from_bytes(hashlib.blake2b(name.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big") % count


class Indexing:
    """One build's search index, bundle by bundle: `add` plans a group of pages' bundles and
    starts indexing those that changed (in worker threads, each running a Pagefind process:
    Pelican may still be writing other pages meanwhile), `finish` waits for them and lists the
    bundles.  Never raises: a search index that cannot be built is a warning, and the posts are
    published all the same.

    `previous` is the tree the previous build wrote and `old_keys` its bundles' keys: a bundle
    whose key is the same there is linked from there.  `kept_keys` are those of the bundles
    already in `tree` (a recycled one, see output.py): a bundle whose key is the same is kept
    where it is; any other is removed before it is written (its files may be links into the
    site being served)."""

    def __init__(self, tree: Path, *, previous: Path | None = None,
                 old_keys: Mapping[str, Any] | None = None,
                 kept_keys: Mapping[str, Any] | None = None,
                 settings: Mapping[str, Any] | None = None) -> None:  # fmt: skip
        self.tree = tree
        self.previous = previous
        self.old_keys = old_keys or {}
        self.kept_keys = kept_keys or {}
        self.per_bundle = int((settings or {}).get(PAGES_SETTING) or PAGES_PER_BUNDLE)
        self.binary = indexer()
        self.planned: list[Bundle] = []
        self.reused = 0
        self._running: list[Any] = []
        self._pool = ThreadPoolExecutor(max_workers=PARALLEL) if self.binary else None

    def add(self, group: str, pages: Mapping[str, str | None] | None) -> None:
        """Index the searchable `pages` (output name -> key; None: every page of the tree) as
        the bundles of `group`, all written by now."""
        if self._pool is None or (pages is not None and not pages):
            return
        for bundle in bundles(group, pages, self.binary, self.per_bundle):
            self.planned.append(bundle)
            here = self.tree / INDEX_FOLDER / bundle.name
            if bundle.key is not None and self.kept_keys.get(bundle.name) == bundle.key and (here / ENTRY).is_file():
                self.reused += 1
                continue
            old = self.previous / INDEX_FOLDER / bundle.name if self.previous is not None else None
            if bundle.key is not None and self.old_keys.get(bundle.name) == bundle.key and old.is_dir():
                # The previous build's bundle: its files hard-linked (else copied) here.
                if here.exists():
                    shutil.rmtree(here)
                shutil.copytree(old, self.tree / INDEX_FOLDER / bundle.name, dirs_exist_ok=True,
                                copy_function=link_or_copy)  # fmt: skip
                self.reused += 1
            else:
                self._running.append(self._pool.submit(run_pagefind, self.binary, self.tree, bundle))

    def finish(self) -> tuple[SearchIndex, dict[str, str]]:
        """The index once every bundle is written, and the bundles' keys (for the next build)."""
        if self._pool is None:
            return SearchIndex(0, MISSING), {}
        failures = [failure for failure in (job.result() for job in self._running) if failure]
        self._pool.shutdown()
        folder = self.tree / INDEX_FOLDER
        if failures:
            shutil.rmtree(folder, ignore_errors=True)  # the search page says there is no index
            return SearchIndex(0, failures[0]), {}
        listing = {"format": BUNDLES_FORMAT, "bundles": [f"{bundle.name}/" for bundle in self.planned]}
        folder.mkdir(exist_ok=True)
        planned = {bundle.name for bundle in self.planned}
        for path in folder.iterdir():  # a recycled tree's bundles this build has no pages for
            if path.name in planned:
                continue
            if path.is_dir() and not path.is_symlink():
                shutil.rmtree(path)
            else:
                path.unlink()
        (folder / BUNDLES_FILE).write_text(json.dumps(listing) + "\n", encoding="utf-8")
        count = sum(indexed_pages(folder / bundle.name) for bundle in self.planned)
        keys = {bundle.name: bundle.key for bundle in self.planned if bundle.key is not None}
        return SearchIndex(count, None, len(self._running), self.reused), keys

    def cancel(self) -> None:
        """Wait for what was started (the tree is about to be removed), index nothing more."""
        if self._pool is not None:
            self._pool.shutdown(cancel_futures=True)


def run_pagefind(binary: Path, tree: Path, bundle: Bundle) -> str | None:
    """One bundle by one Pagefind process, over what a recycled tree had there; the warning
    when it failed."""
    output = tree / INDEX_FOLDER / bundle.name
    # Removed here, beside the build, not by it: a bundle is some 1,500 files (0.1 s).
    shutil.rmtree(output, ignore_errors=True)
    # The command line, not the package's service API: that one polls, and hangs for good
    # when the binary dies; this one has an exit code and a time limit.  The pages are named
    # in a configuration file (pagefind.json in its working folder): a command line would be
    # too long for them.  Its folder is in the tree, not in the system's temporary folder: a
    # build killed meanwhile left one there each time, while the next build removes its tree.
    config: dict[str, Any] = {"site": str(tree), "output_path": str(output), "quiet": True}
    if bundle.pages is not None:
        config["glob"] = "{" + ",".join(glob_of(name) for name in bundle.pages) + "}"
    with tempfile.TemporaryDirectory(prefix=".pagefind-", dir=tree) as work:
        Path(work, "pagefind.json").write_text(json.dumps(config), encoding="utf-8")
        try:
            done = subprocess.run([str(binary)], cwd=work, capture_output=True, text=True,
                                  timeout=TIMEOUT_SECONDS, preexec_fn=ends_with_build())  # fmt: skip
        except (OSError, subprocess.TimeoutExpired) as error:
            return f"no search index: Pagefind failed: {error}"
    if done.returncode != 0:
        said = " ".join((done.stderr or done.stdout).split())[-300:]
        return f"no search index: Pagefind exited with {done.returncode}: {said}"
    return None


def glob_of(name: str) -> str:
    """A Pagefind glob that matches the page `name` (relative to the site)."""
    return "?".join(_GLOB_SYNTAX.sub(r"\\\1", piece) for piece in name.split("\\"))


def indexed_pages(bundle: Path) -> int:
    """Pages in the bundle, over all its languages (from Pagefind's own entry file)."""
    try:
        entry = json.loads((bundle / ENTRY).read_text(encoding="utf-8"))
        return sum(int(language.get("page_count", 0)) for language in entry["languages"].values())
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return 0
