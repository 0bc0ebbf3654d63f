"""`blogparade demo`: the whole job on the bundled sample blogs, served on 127.0.0.1.

It does what an editor does on a new site: init, join each blog by its home page, fetch, build.
The sample blogs' server lives only as long as the command, so the folder is rebuilt each time.
"""

from __future__ import annotations

import asyncio
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Callable

from ..editors.join import JoinError, join
from ..feeds.fetch import Fetcher, FetchSettings
from ..feeds.proxies import DIRECT, SETTING as PROXY_SETTING
from ..jobs import fetch_site
from ..lock import LOCK_FILE, site_lock
from ..site import SETTINGS_FILE, Site
from ..store import Store
from ..website.build import BuildError, build_site
from ..website.sitetemplate import create_site
from .manifest import DemoParade
from .server import DemoServer

MARKER = ".blogparade-demo"
DEMO_NETWORK = "127.0.0.1/32"  # where DemoServer listens


class DemoError(Exception):
    pass


def check_folder(directory: Path) -> None:
    """The demo only ever deletes a folder an earlier demo made."""
    if (directory.exists() and not (directory / MARKER).exists()
            and any(child.name != LOCK_FILE for child in directory.iterdir())):
        raise DemoError(f"{directory} exists and was not made by `blogparade demo`; choose another")


def prepare(directory: Path) -> None:
    """An empty folder for the demo, but for the lock file the running demo holds."""
    check_folder(directory)
    for child in directory.iterdir():
        if child.name == LOCK_FILE:
            continue
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child)
        else:
            child.unlink()
    create_site(directory, title="Blogparade-Demo")
    (directory / MARKER).write_text("made by `blogparade demo`; deleted by the next one\n")
    with open(directory / SETTINGS_FILE, "a", encoding="utf-8") as settings:
        settings.write(f"\n# The sample blogs are served on this machine: allow that, and nothing else.\n"
                       f"BLOGPARADE_ALLOWED_NETWORKS = [{DEMO_NETWORK!r}]\n"
                       "# A proxy from the environment could not reach this machine's loopback.\n"
                       'BLOGPARADE_PROXY = "direct"\n')


async def join_all(site: Site, server: DemoServer, echo: Callable[[str], None]) -> None:
    async with Fetcher(FetchSettings.from_site(site)) as fetcher:
        for blog in server.blogs:
            participant, *_ = await join(site, blog.home_url, kind=blog.kind, fetcher=fetcher)
            echo(f"  joined {participant.name} <{participant.feed}>")


def write_parade(site: Site, parade: DemoParade) -> Path:
    """The sample parade as an editor writes it: a Pelican page whose metadata defines it."""
    path = site.parades_dir / f"{parade.slug}.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        f"Title: {parade.title}\nCall: {parade.call_url}\nStart: {parade.start.isoformat()}\n"
        f"End: {parade.end.isoformat()}\nTag: {parade.tag}\n\n{parade.text.strip()}\n",
        encoding="utf-8",
    )
    return path


def run_demo(directory: Path, echo: Callable[[str], None] = print) -> Path:
    """Build the demo site in `directory`; returns the path of its home page.

    Two demos in one folder would delete each other's files: the second says so (SiteBusy).
    """
    check_folder(directory)
    directory.mkdir(parents=True, exist_ok=True)
    with site_lock(directory, "demo"), no_proxy_from_environment():
        return build_demo(directory, echo)


@contextmanager
def no_proxy_from_environment() -> Iterator[None]:
    """The sample blogs are on this machine's loopback, which no proxy reaches: an editor's
    BLOGPARADE_PROXY in the environment (which outranks pelicanconf.py's) must not send them there."""
    before = os.environ.get(PROXY_SETTING)
    os.environ[PROXY_SETTING] = DIRECT
    try:
        yield
    finally:
        if before is None:
            del os.environ[PROXY_SETTING]
        else:
            os.environ[PROXY_SETTING] = before


def build_demo(directory: Path, echo: Callable[[str], None]) -> Path:
    prepare(directory)
    site = Site.load(directory)
    with DemoServer() as server:
        echo(f"Sample blogs served at {server.base_url}")
        write_parade(site, server.parade)
        echo(f"  parade „{server.parade.title}“ from {server.parade.start} to {server.parade.end}")
        try:
            asyncio.run(join_all(site, server, echo))
        except JoinError as error:
            raise DemoError(f"a sample blog could not join: {error}") from error
        with Store(site.store_path) as store:
            summary = fetch_site(site, store).summary
            echo(f"Fetched {len(summary.of('posts'))} blogs: {summary.new_posts} posts, "
                 f"{summary.new('comments')} comments from {len(summary.comment_feeds)} comment feeds")
            if summary.errors:
                raise DemoError(f"a sample feed failed: {summary.errors[0].error}")
            try:
                build_site(site, store)
            except BuildError as error:
                raise DemoError(f"the demo site did not build: {error}") from error
    return site.output / "index.html"
