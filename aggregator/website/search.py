"""search: the site's Pagefind index, written into the freshly built tree before it is served.

Pagefind (pagefind.app) reads the built pages and writes a static search bundle into `pagefind/`;
the search page queries it in the reader's browser, with no server.  It indexes only what the
theme marks `data-pagefind-body` (posts, parades and pages, not listings), takes the result's
title, blog and date from `data-pagefind-meta`, and stems each page's words in the language of
its `<html lang>`, German and English alike: one index per language.

The indexer is a binary, the optional extra `blogparade[search]`; without it the build skips
the index and says so in one warning.
"""

from __future__ import annotations

import json
import subprocess
from dataclasses import dataclass
from pathlib import Path

INDEX_FOLDER = "pagefind"  # in the output; the search page loads pagefind/pagefind.js
MISSING = "no search index: Pagefind is not installed (pip install 'blogparade[search]')"
# Pagefind indexes thousands of pages a second; a binary that hangs must not hold the nightly
# build forever.
TIMEOUT_SECONDS = 900


@dataclass(frozen=True)
class SearchIndex:
    pages: int  # how many pages were indexed; 0 with `warning` when none could be
    warning: str | None = None


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


def index_site(tree: Path) -> SearchIndex:
    """Index the site built in `tree` into `tree/pagefind/`.  Never raises: a search index that
    cannot be built is a warning, and the posts are published all the same."""
    binary = indexer()
    if binary is None:
        return SearchIndex(0, MISSING)
    # The command line, not the package's service API: that one polls, and hangs for good
    # when the binary dies; this one has an exit code and a time limit.
    command = [str(binary), "--site", str(tree), "--output-subdir", INDEX_FOLDER, "--quiet"]
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=TIMEOUT_SECONDS)
    except (OSError, subprocess.TimeoutExpired) as error:
        return SearchIndex(0, f"no search index: Pagefind failed: {error}")
    if done.returncode != 0:
        said = " ".join((done.stderr or done.stdout).split())[-300:]
        return SearchIndex(0, f"no search index: Pagefind exited with {done.returncode}: {said}")
    return SearchIndex(indexed_pages(tree / INDEX_FOLDER))


def indexed_pages(bundle: Path) -> int:
    """Pages in the bundle, over all its languages (from Pagefind's own entry file)."""
    try:
        entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
        return sum(int(language.get("page_count", 0)) for language in entry["languages"].values())
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return 0
