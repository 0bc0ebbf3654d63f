"""After a successful run, stale pages are removed from output/ (see OutputLedger)."""

from __future__ import annotations

import logging
import os
from pathlib import Path
from typing import Any

from .settings import setting

logger = logging.getLogger(__name__)


class OutputLedger:
    """The files one Pelican run writes; after it, other pages in output/ are stale.

    Instead of DELETE_OUTPUT_DIRECTORY (recreating thousands of folders costs a fifth of a build
    here, and the site is empty meanwhile), stale .html, .xml and .opml files are removed after
    a successful run: the pages of a removed blog or post.  Static files are left alone.
    """

    SUFFIXES = (".html", ".xml", ".opml")

    def __init__(self) -> None:
        self.written: set[str] = set()

    def start(self, pelican: Any) -> None:  # get_generators: sent at the start of every run
        self.written.clear()

    def add(self, path: str, **_: Any) -> None:  # content_written, feed_written
        self.written.add(os.path.abspath(path))

    def add_static(self, generator: Any) -> None:
        for static in generator.staticfiles:
            self.add(os.path.join(generator.output_path, static.save_as))

    def prune(self, pelican: Any) -> None:  # finalized: only after a run that succeeded
        settings = pelican.settings
        if settings.get("DELETE_OUTPUT_DIRECTORY") or not setting(settings, "BLOGPARADE_PRUNE_OUTPUT"):
            return
        keep = set(settings.get("OUTPUT_RETENTION", ())) | {settings.get("THEME_STATIC_DIR", "theme")}
        removed = prune_output(Path(pelican.output_path), self.written, keep)
        if removed:
            logger.info("Removed %d stale files from %s", removed, pelican.output_path)


def prune_output(output: Path, written: set[str], keep: set[str]) -> int:
    """Remove .html/.xml/.opml files not in `written` (absolute paths), then empty folders;
    top-level names in `keep` are not touched."""
    removed = 0
    for directory, folders, files in os.walk(output):
        top = Path(directory) == output
        if top:
            folders[:] = [name for name in folders if name not in keep]
        for name in files:
            path = os.path.join(directory, name)
            if name.endswith(OutputLedger.SUFFIXES) and path not in written and not (top and name in keep):
                os.remove(path)
                removed += 1
    for directory, _, _ in sorted(os.walk(output), key=lambda entry: -len(entry[0])):
        if Path(directory) != output and Path(directory).name not in keep and not os.listdir(directory):
            os.rmdir(directory)
    return removed


# One ledger for the process: the signals that fill it and the one that prunes share it.
LEDGER = OutputLedger()
