"""The site-level jobs the command line and the demo run, as plain library calls.

Each takes a Site and returns values; printing and exit codes are the caller's business.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

from .fetch import FetchSettings
from .participants import Problem, load_participants
from .site import Site
from .store import Store
from .update import CommentOptions, Progress, UpdateSummary, update


@dataclass(frozen=True)
class FetchRun:
    summary: UpdateSummary
    problems: list[Problem]  # participant files that could not be read (their blogs were skipped)


def comment_options(site: Site, store: Store) -> CommentOptions:
    return CommentOptions(days=int(site["BLOGPARADE_COMMENT_DAYS"]))


def fetch_site(site: Site, store: Store, progress: Progress | None = None) -> FetchRun:
    """Update the store from every active participant of the site."""
    participants, problems = load_participants(site.participants_dir)
    summary = asyncio.run(
        update(store, participants, FetchSettings.from_site(site), progress,
               comment_options(site, store))
    )  # fmt: skip
    return FetchRun(summary, problems)
