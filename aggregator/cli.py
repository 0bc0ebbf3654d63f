"""The `blogparade` command: a thin Click layer over the library.

It parses options, calls the library, shows progress and summaries, and turns the library's
errors into messages and exit codes: 0 done (some feeds may have failed), 1 the job failed
(or, with --strict, a feed failed), 2 bad usage or configuration, 3 another job holds the site,
130 interrupted (Ctrl-C), 141 the reader of its output went away (`status | head`), quietly.
"""

from __future__ import annotations

import asyncio
import atexit
import gc
import os
import shlex
import sys
import traceback
from collections import Counter
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, tzinfo
from pathlib import Path
from typing import IO, Callable, Iterator, NoReturn
from zoneinfo import ZoneInfo

import click

from . import __version__, interruption
from .backups import check_begun
from .backups import open_store as open_checked_store
from .backups import published_posts
from .editors.participants import Problem, load_participants
from .feeds.report import FeedReport, Outcome, UpdateSummary
from .languages import name_order
from .lock import LockError, SiteBusy, site_lock
from .models import ErrorKind
from .site import PUBLISH_SETTINGS_FILE, Site, SiteError, checked_settings, timezone_name
from .store import Store, StoreError

EXIT_FAILED = 1
EXIT_CONFIG = 2
EXIT_BUSY = 3
# stdout's reader went away (`status | head`): what a tool killed by SIGPIPE gives, 128 + 13.  Not
# 0: the command stopped at that line, and `run | head` has not built the site.
EXIT_READER_GONE = 141
# EXIT_INTERRUPTED (130): in __init__.py, which ends a command that Ctrl-C met while this loads.


def fail(message: str, code: int = EXIT_FAILED) -> NoReturn:
    click.secho(f"Error: {message}", fg="red", err=True)
    sys.exit(code)


def load_site(ctx: click.Context, *, unpublishes_nothing: bool = False) -> Site:
    try:
        site = Site.load(ctx.obj["site"])
    except SiteError as error:
        if ctx.find_root().params.get("debug") and error.__cause__ is not None:
            traceback.print_exception(error.__cause__)  # the settings file's own error
        fail(str(error), EXIT_CONFIG)
    refuse_lost_participants(site, unpublishes_nothing=unpublishes_nothing)
    return site


def refuse_lost_participants(site: Site, *, unpublishes_nothing: bool = False) -> None:
    """Without the participants' folder (a typo in BLOGPARADE_PARTICIPANTS, a folder renamed)
    every blog would seem to have left: `run` would unpublish all their posts and `check` pass.
    A site that has published nothing may lack it (this repository has none until one joins).
    The same for a folder left without any file (a checkout or a script that lost them): only
    blogs taken off with `remove` may be gone, and a take-down is how the others are.  The
    commands that `unpublishes_nothing` by it (the take-downs, `restore`) may run either way."""
    folder = site.participants_dir
    if folder.exists() and not folder.is_dir():
        fail(f"{folder} is not a folder: the participants' files are read from there "
             "(BLOGPARADE_PARTICIPANTS), so nothing was done", EXIT_CONFIG)  # fmt: skip
    if unpublishes_nothing:
        return
    if folder.is_dir():
        if not any(folder.glob("*.toml")):
            refuse_emptied_participants(site)
        return
    posts, where = published_posts(site)
    if posts:
        fail(f"{folder} does not exist, but the site has published {_count(posts, 'post')} ({where}): the "
             "participants' files are read from there (BLOGPARADE_PARTICIPANTS), so nothing was done",
             EXIT_CONFIG)  # fmt: skip


def refuse_emptied_participants(site: Site) -> None:
    from .editors.takedown import not_removed

    left = not_removed(site)
    if left:
        fail(f"{site.participants_dir} holds no participant file, but the site has published "
             f"posts of {_count(len(left), 'blog')} ({_listed(left, 3)}): a run would "
             "unpublish them, so nothing was done; restore their files, or take a blog off with "
             "`blogparade remove SLUG`", EXIT_CONFIG)  # fmt: skip


@contextmanager
def open_store(
    site: Site, *, writes: bool = False, backup: bool = False,
    checked: Callable[[], list[str] | None] | None = None,
) -> Iterator[Store]:  # fmt: skip
    """The site's store (backups.open_store), saying on stderr where this command upgraded it:
    the editors learn that an older blogparade cannot open it any more, and where the way back
    is kept."""
    with open_checked_store(site, writes=writes, backup=backup, checked=checked) as store:
        if store.upgraded_from is not None:
            kept = f"; the store as it was is kept in {store.kept_before_upgrade}" if store.kept_before_upgrade else ""
            click.echo(f"Store {store.path} upgraded from schema {store.upgraded_from} to {store.version}: older "
                       f"blogparade versions cannot open it any more{kept}.", err=True)  # fmt: skip
        yield store


@contextmanager
def working_on(ctx: click.Context, site: Site, *, wait: bool | None = None) -> Iterator[None]:
    """The site's lock, for the whole command: one job that writes at a time.

    `wait` is the command's --wait (None: the command has no such option).
    """
    command = ctx.command_path.split(" ", 1)[-1]  # "run", "opml import"

    zone = site_zone(site)  # the holder's start, as every time the commands say

    def waiting(busy: SiteBusy) -> None:
        click.echo(f"Waiting: {busy.describe(zone)}.", err=True)

    try:
        with site_lock(site.root, command, wait=bool(wait), waiting=waiting):
            yield
    except SiteBusy as busy:
        hint = ", or add --wait to wait for it" if wait is not None else ""
        fail(f"{busy.describe(zone)}; nothing was done: try again when it has finished{hint}.", EXIT_BUSY)


WAIT = click.option("--wait", is_flag=True, help="Wait for another job on this site to finish.")


# What the library raises when a job cannot be done: each says why in one sentence.
LIBRARY_ERRORS = (StoreError, LockError, OSError)


def sentence(error: Exception) -> str:
    if isinstance(error, OSError) and error.filename:
        return f"{error.filename}: {error.strerror}"  # a disk error: which file, and what went wrong
    return str(error)


class Blogparade(click.Group):
    """The `blogparade` group: a library error is one `Error:` line and exit 1, anything
    unexpected one line too; the traceback only with --debug."""

    def make_context(self, *args, **kwargs) -> click.Context:  # noqa: ANN002, ANN003  Click's
        try:  # --help and --version write while the command line is read, before invoke
            return super().make_context(*args, **kwargs)
        except BrokenPipeError:
            reader_gone()

    def invoke(self, ctx: click.Context) -> object:
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except BrokenPipeError:
            reader_gone()
        except KeyboardInterrupt:  # Click would say "Aborted!" and exit 1
            said, status = interruption()
            click.secho(said, fg="red", err=True)
            sys.exit(status)
        except LIBRARY_ERRORS as error:
            give_up(ctx, sentence(error))
        except Exception as error:  # noqa: BLE001  the last resort: a sentence, not a traceback
            give_up(ctx, unexpected(error))


def reader_gone() -> NoReturn:
    """End quietly: no "Broken pipe" error, and none from Python flushing stdout at exit."""
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, sys.stdout.fileno())
    sys.exit(EXIT_READER_GONE)


def unexpected(error: BaseException) -> str:
    return f"unexpected error: {type(error).__name__}: {error}; run with --debug for details"


def give_up(ctx: click.Context, message: str) -> NoReturn:
    if ctx.params.get("debug"):
        traceback.print_exc()
    fail(message)


def report_problems(problems: list[Problem], of: str = "") -> None:
    """Each problem on its own line, under a count (nothing when there are none)."""
    if problems:
        click.secho(f"{_count(len(problems), 'problem')}{of}:", fg="red", err=True)
    for problem in problems:
        click.secho(f"  {problem}", fg="red", err=True)


# A folder argument is checked by the command, not by Click, whose error for a file in its place
# is a usage block (for --site, Site.load says it has no pelicanconf.py).
FOLDER = click.Path(path_type=Path)


def refuse_a_file(directory: Path) -> None:
    if directory.exists() and not directory.is_dir():
        fail(f"{directory} is a file, not a folder; nothing was done", EXIT_CONFIG)


@click.group(cls=Blogparade, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="blogparade")
@click.option(
    "--site",
    type=FOLDER,
    default=".",
    show_default=True,
    help="The site folder (with pelicanconf.py).",
)
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
@click.pass_context
def cli(ctx: click.Context, site: Path, debug: bool) -> None:
    """Collect many people's blogs, their comments and blog parades into one static site."""
    ctx.obj = {"site": site}  # --debug is read where errors are reported (Blogparade.invoke)


@cli.command()
@click.argument("directory", type=FOLDER)
@click.option("--title", default="Blogparade", show_default=True, help="The site's name.")
@click.option("--lang", type=click.Choice(["de", "en"]), default="de", show_default=True,
              help="The site's language: its pages, dates and e-mails (DEFAULT_LANG).")
def init(directory: Path, title: str, lang: str) -> None:
    """Create a new site in DIRECTORY, with no participants, that builds."""
    from .website.sitetemplate import create_site

    refuse_a_file(directory)
    if directory.exists() and any(directory.iterdir()):
        fail(f"{directory} exists and is not empty", EXIT_CONFIG)
    create_site(directory, title=title, lang=lang)
    click.echo(f"Created a new site in {directory}.")
    folder = shlex.quote(str(directory))
    click.echo(f"Next: cd {folder} && blogparade join URL-OF-A-BLOG && blogparade run")


@cli.command()
@click.argument("url")
@click.option("--name", help="The blog's name (default: the feed's title).")
@click.option(
    "--author",
    help="Who writes it (default: the entries' most frequent author, else the feed's own).",
)
@click.option(
    "--kind",
    type=click.Choice(["corporate", "employee"]),
    default="employee",
    show_default=True,
    help="A company's blog, or one of its people's.",
)
@click.option("--department", default="", help='Its department on an internal blog roll ("Vertrieb").')
@click.pass_context
def join(ctx: click.Context, url: str, name: str | None, author: str | None, kind: str,
         department: str) -> None:  # fmt: skip
    """Add the blog at URL (its home page or its feed) as a participant."""
    from .editors.join import JoinError
    from .editors.join import join as join_blog
    from .feeds.fetch import SettingError

    site = load_site(ctx)
    try:
        with working_on(ctx, site):
            participant, path, others = asyncio.run(
                join_blog(site, url, name=name, author=author, kind=kind,  # type: ignore[arg-type]
                          department=department)  # fmt: skip
            )
    except JoinError as error:
        fail(str(error), EXIT_CONFIG if error.usage else EXIT_FAILED)
    except SettingError as error:
        fail(str(error), EXIT_CONFIG)
    click.echo(f"Joined {participant.name}, as detected:")
    for label, value in (
        ("name", participant.name),
        ("feed", participant.feed),
        ("home", participant.home),
        ("author", participant.author or "(none found)"),
        ("kind", participant.kind),
        ("language", participant.language or "the site's (the feed names none)"),
        *((("department", participant.department),) if participant.department else ()),
    ):
        click.echo(f"  {label + ':':<12}{value}")  # "department:" is the longest label
    click.echo(f"Wrote {path}")
    if others:  # a podcast's feed named first, the posts' second: the first was taken
        click.echo(f"The page names {_count(len(others), 'other feed')} too: {_listed(others)}. To take "
                   f"one of those instead, delete {path} and join it by its address.")  # fmt: skip
    click.echo("Not right? Edit that file, or delete it and join again with --name, --author, --kind "
               "or --department.")


def run_fetch(site: Site, ask_all: bool = False):  # noqa: ANN201  a jobs.FetchRun, imported late
    """Fetch every active participant, and say what came of it."""
    # The store's check reads all of it: begun first, it runs while the participant files are
    # read and the fetch's modules imported (at 1,000 blogs, 0.1 s of the 0.6 s before the first
    # request).
    checked = check_begun(site)
    loaded = load_participants(site.participants_dir)
    from .feeds.fetch import SettingError
    from .jobs import fetch_site

    with open_store(site, backup=True, checked=checked) as store:
        # Dated: the nightly log (the README's cron line appends to it) says which night is which.
        click.echo(f"Fetch started {_when(datetime.now(UTC), site_zone(site))} ({_zone_name(site)}).")

        active = sum(1 for participant in loaded[0] if participant.active)
        with progress_bar(active, "Fetching") as advance:
            try:
                run = fetch_site(site, store, lambda report: report.kind == "posts" and advance(),
                                 ask_all=ask_all, loaded=loaded)  # fmt: skip
            except SettingError as error:  # a proxy, trust or network setting that is unusable
                fail(str(error), EXIT_CONFIG)
        # Said before the backup is waited for: one that failed must not hide what was fetched.
        report_fetch(run, site_zone(site))
    return run


def report_fetch(run, zone: tzinfo | None = None) -> None:  # noqa: ANN001  a jobs.FetchRun
    report_problems(run.problems, " in participant files")
    click.echo(format_summary(run.summary, zone))
    if run.pages:
        click.echo(f"{_count(run.pages, 'page')} of posts from summary-only feeds looked at for links to a "
                   "parade's call.")  # fmt: skip
    for line in after_fetch_lines(run):
        click.echo(line)
    if run.parades.channels or run.parades.looked_at:
        click.echo(format_parade_run(run.parades))
    for slug, news in run.contributions.items():
        click.echo(f"Parade {slug}: {_count(len(news.new), 'new contribution')} ({news.total} in all).")
        for title, blog, url in news.new[:CONTRIBUTIONS_NAMED]:
            click.echo(f"  {title} – {blog}: {url}")
        if len(news.new) > CONTRIBUTIONS_NAMED:
            click.echo(f"  … and {len(news.new) - CONTRIBUTIONS_NAMED} more: blogparade parade status {slug}")
    if run.problems:
        click.secho("Those blogs were skipped; run `blogparade check`.", fg="red", err=True)


def exit_if_failed(run, strict: bool) -> None:  # noqa: ANN001  a jobs.FetchRun
    """Exit 1 where the fetch failed: a participant file could not be read, no feed's server
    could be reached (said last, in one sentence: whatever the run printed after it would hide
    it), or with `strict` a feed failed.  A feed waiting for its next try is no failure: it was
    not asked."""
    if run.reached_none:
        fail("not one feed's server could be reached: this machine's network, DNS or proxy may be "
             "down; no blog was told that its feed fails")  # fmt: skip
    if run.allowed_none:
        fail("the network policy refused every feed's address, none was asked: allow the networks "
             "the blogs are on in pelicanconf.py (e.g. BLOGPARADE_ALLOWED_NETWORKS = [\"10.0.0.0/8\"] "
             "for an intranet's); no blog was told that its feed fails")  # fmt: skip
    if run.problems or (strict and (run.summary.errors or run.parades.errors)):
        sys.exit(EXIT_FAILED)


def format_parade_run(run) -> str:  # noqa: ANN001  a parades.collect.ParadeRun
    lines = [
        f"Parades: {_count(run.new_candidates, 'new candidate')}, {_count(run.looked_at, 'page')} checked."
    ]
    for report in run.errors:
        lines.append(f"  parade {report.parade}: {report.label} ({report.url}): error: {report.error}")
    return "\n".join(lines)


def after_fetch_lines(run) -> list[str]:  # noqa: ANN001  (a jobs.FetchRun)
    """Take-downs, privacy, notices and images: what the run did after reading the feeds."""
    lines = [f"Not read: {slug} was removed for good (`remove --purge`); delete its file."
             for slug in run.removed]  # fmt: skip
    if run.comments_dropped:
        lines.append(f"{run.comments_dropped} comments older than BLOGPARADE_COMMENT_RETENTION_DAYS "
                     "erased from the store (and from the site at this build).")
    if run.notified is not None:
        for notice in run.notified.notices:
            lines.append(f"Notice: {notice.participant.name} {notice.event}"
                         + (f" ({_count(notice.failures, 'failed run')} in a row)" if notice.failures else ""))
        lines += [f"  told {line}" for line in run.notified.delivered]
        lines += [f"  notifier failed: {line}" for line in run.notified.failed]
    if run.images is not None and (run.images.downloaded or run.images.failed or run.images.left):
        lines.append(f"Images: {run.images.downloaded} downloaded, {len(run.images.failed)} "
                     "dropped (failed or not an image)"
                     + (f", {run.images.left} left for the next runs" if run.images.left else ""))
        lines += [f"  dropped {_cut(url)}: {why}" for url, why in run.images.failed[:IMAGES_NAMED]]
        if len(run.images.failed) > IMAGES_NAMED:
            lines.append(f"  … and {len(run.images.failed) - IMAGES_NAMED} more")
    return lines


CONTRIBUTIONS_NAMED = 10  # a run's summary names this many of a parade's new contributions
IMAGES_NAMED = 10  # a run's summary names this many dropped images, with why (a refused address…)


def _cut(url: str, limit: int = 120) -> str:
    """A URL short enough for one line of a cron mail."""
    return url if len(url) <= limit else url[: limit - 1] + "…"


@contextmanager
def progress_bar(length: int, label: str) -> Iterator[Callable[[], None]]:
    """A progress bar on a terminal; nothing in cron logs."""
    if not sys.stderr.isatty() or length == 0:
        yield lambda: None
        return
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        yield lambda: bar.update(1)


def format_summary(summary: UpdateSummary, zone: tzinfo | None = None) -> str:
    """What a fetch did, one line a feed that needs a word; times in `zone` (the site's)."""
    posts, comments = summary.of("posts"), summary.comment_feeds
    lines = [
        f"{_count(len(posts), 'feed')}: {summary.count(Outcome.UPDATED)} fetched, "
        f"{summary.count(Outcome.UNCHANGED)} unchanged, "
        f"{_count(sum(r.outcome is Outcome.ERROR for r in posts), 'error')}{_waiting(posts)}; "
        f"{_count(summary.new_posts, 'new post')}, {summary.changed_posts} updated{_moved(summary)}.",
        f"{_count(len(comments), 'comment feed')}: {summary.count(Outcome.UPDATED, 'comments')} fetched, "
        f"{summary.count(Outcome.UNCHANGED, 'comments')} unchanged, "
        f"{_count(sum(r.outcome is Outcome.ERROR for r in comments), 'error')}{_waiting(comments)}{_deferred(comments)}; "
        f"{_count(summary.new('comments'), 'new comment')}{_gone_at_source(summary)}.",
    ]
    lines += _at_source(summary)
    for report in _by_blog(summary.errors):
        retiring = report.error is not None and report.error.kind is ErrorKind.GONE  # asked no more
        lines.append(f"  {_feed_name(report)} ({report.url}): error: {report.error}"
                     + (f"; next try {_when(report.next_try, zone)}" if report.next_try and not retiring else ""))
    for report in _by_blog(summary.waiting):
        lines.append(f"  {_feed_name(report)} ({report.url}): waiting, next try "
                     f"{_when(report.next_try, zone)} (last: {report.error}); --all asks it now")
    for report in _by_blog(summary.retired):
        lines.append(f"  {_feed_name(report)} ({report.url}): retired, it answered 410 Gone; not asked "
                     "any more (--all asks it whether it came back)")
    for report in _by_blog([report for report in posts if report.left_out]):
        lines.append(f"  {_feed_name(report)} ({report.url}): took its newest entries, {report.left_out} "
                     "older ones left out (BLOGPARADE_MAX_ITEMS_PER_FEED)")
    deferred = Counter(report.participant.name for report in summary.deferred)
    for name, feeds in sorted(deferred.items(), key=lambda item: name_order(item[0])):
        lines.append(f"  {name} comments: {feeds} comment feed{'s' * (feeds != 1)} left for the next run: "
                     "the blog's comment feeds answered slowly (each blog's may take "
                     "BLOGPARADE_TIMEOUT a run)")
    return "\n".join(lines)


def _gone_at_source(summary: UpdateSummary) -> str:
    """Stored comments their blogs deleted (hidden here), or approved again (shown again)."""
    gone = sum(not change.shown for change in summary.at_source)
    back = len(summary.at_source) - gone
    words = f", {gone} deleted at their source (hidden here)" if gone else ""
    return words + (f", {back} back at their source (shown again)" if back else "")


def _at_source(summary: UpdateSummary) -> list[str]:
    """A line for each comment hidden or shown again (the first COMMENTS_NAMED): the editors
    see what changed on the site without a take-down of theirs.  By link, not by name: the site
    may show no commenters' names (BLOGPARADE_COMMENT_AUTHORS)."""
    lines = [f"  {change.blog}: a comment on {change.post!r} ({_cut(change.url) or 'no link'}) "
             + ("is back at its source: shown again" if change.shown else "was deleted at its source: hidden here")
             for change in summary.at_source[:COMMENTS_NAMED]]  # fmt: skip
    if len(summary.at_source) > COMMENTS_NAMED:
        lines.append(f"  … and {len(summary.at_source) - COMMENTS_NAMED} more")
    return lines


COMMENTS_NAMED = 10  # a run's summary names this many comments hidden or shown again


def _moved(summary: UpdateSummary) -> str:
    """Posts a moved blog brought again at its new address: neither new nor lost."""
    moved = summary.moved_posts
    return f", {moved} seen again at their blog's new address" if moved else ""


def _deferred(reports: list[FeedReport]) -> str:
    deferred = sum(report.outcome is Outcome.DEFERRED for report in reports)
    return f", {deferred} left for the next run" if deferred else ""


def _waiting(reports: list[FeedReport]) -> str:
    waiting = sum(report.outcome is Outcome.WAITING for report in reports)
    return f", {waiting} waiting" if waiting else ""


def _by_blog(reports: list[FeedReport]) -> list[FeedReport]:
    return sorted(reports, key=lambda r: (r.kind != "posts", name_order(r.participant.name)))


def _feed_name(report: FeedReport) -> str:
    return report.participant.name + ("" if report.kind == "posts" else " comments")


ASK_ALL = click.option(
    "--all", "ask_all", is_flag=True,
    help="Ask every feed now, also those waiting for their next try.",
)  # fmt: skip


@cli.command()
@click.option("--strict", is_flag=True, help="Exit 1 when any feed failed.")
@ASK_ALL
@WAIT
@click.pass_context
def fetch(ctx: click.Context, strict: bool, ask_all: bool, wait: bool) -> None:
    """Update the store from all active participants."""
    site = load_site(ctx)
    with working_on(ctx, site, wait=wait):
        fetched = run_fetch(site, ask_all)
    exit_if_failed(fetched, strict)


PUBLISH_HELP = "Build with publishconf.py: the site's real address, no drafts."


def settings_file(site: Site, publish: bool) -> str | None:
    """The settings file to build with; refuses before anything is done if it cannot be."""
    from .website.build import BuildRefused, settings_path

    name = PUBLISH_SETTINGS_FILE if publish else None
    try:
        path = settings_path(site, name)
    except BuildRefused as error:
        fail(str(error))
    if publish:  # read now, so that `run --publish` does not fetch for a build that cannot be
        try:
            checked_settings(path)
        except SiteError as error:
            fail(str(error), EXIT_CONFIG)
    return name


def run_build(site: Site, force: bool, publish: bool = False, shown: list[Problem] | None = None) -> None:
    """Build the site if anything changed (`force`: anyway), and say so.  `shown`: the problems
    of participant files the fetch before has reported; the build's warnings repeat them."""
    from .website.build import BuildError, BuildRefused, build_site, needs_build

    settings = settings_file(site, publish)
    with open_store(site, writes=True) as store:
        try:
            if not force and not needs_build(site, store, settings):
                click.echo("Nothing changed since the last build; the site is up to date.")
                return
            result = build_site(site, store, settings_file=settings)
        except BuildRefused as error:
            fail(str(error))
        except BuildError as error:
            what = f" {error}" if len(error.messages) == 1 else f"\n{error}"
            fail(f"the build failed, {site.output} is unchanged:{what}")
    # Once each: a broken participant file is a warning of the export and of the site's plugin.
    shown_already = {str(problem) for problem in shown or []}
    for warning in dict.fromkeys(w for w in result.warnings if w not in shown_already):
        click.secho(f"  warning: {warning}", fg="yellow", err=True)
    click.echo(f"Built {result} into {result.output}")


@cli.command()
@click.option("--publish", is_flag=True, help=PUBLISH_HELP)
@WAIT
@click.pass_context
def build(ctx: click.Context, publish: bool, wait: bool) -> None:
    """Publish the store as the site in output/, without network."""
    site = load_site(ctx)
    with working_on(ctx, site, wait=wait):
        run_build(site, force=True, publish=publish)


@cli.command()
@click.option("--strict", is_flag=True, help="Exit 1 when any feed failed.")
@ASK_ALL
@click.option("--force-build", is_flag=True, help="Build even when nothing changed.")
@click.option("--publish", is_flag=True, help=PUBLISH_HELP)
@WAIT
@click.pass_context
def run(
    ctx: click.Context, strict: bool, ask_all: bool, force_build: bool, publish: bool, wait: bool
) -> None:
    """Fetch, then build when anything changed: the nightly job (with --publish)."""
    site = load_site(ctx)
    settings_file(site, publish)  # a build that will be refused must not wait for the fetch
    with working_on(ctx, site, wait=wait):
        fetched = run_fetch(site, ask_all)
        run_build(site, force=force_build, publish=publish, shown=fetched.problems)
    exit_if_failed(fetched, strict)


def _when(value: datetime | None, zone: tzinfo | None = None) -> str:
    """A time for people: in `zone` (the site's, `site_zone`), else the machine's."""
    return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value else "never"


def _zone_name(site: Site) -> str:
    zone = site_zone(site)
    return str(zone) if zone is not None else datetime.now().astimezone().strftime("%Z")


def site_zone(site: Site) -> tzinfo | None:
    """The site's TIMEZONE, which its pages and `status` show times in (None: the machine's)."""
    try:
        return ZoneInfo(timezone_name(site.settings))
    except (ValueError, LookupError):  # `check` names a bad one; a summary still prints
        return None


@cli.command()
@click.option("--json", "as_json", is_flag=True,
              help="One JSON document for scripts (stable keys: see the README).")
@click.pass_context
def status(ctx: click.Context, as_json: bool) -> None:
    """One line per blog: feed, ok or error, failure streak, last success and new post, counts."""
    import json

    from .editors.status import participant_statuses, status_document
    from .feeds.decide import Politeness
    from .jobs import parade_feed_errors
    from .store import utcnow

    site = load_site(ctx)
    participants, problems = load_participants(site.participants_dir)
    report_problems(problems, " in participant files")
    timezone = timezone_name(site.settings)
    now = utcnow()
    rows, parade_errors = [], []
    if participants:
        with open_store(site) as store:
            rows = participant_statuses(store, participants, now, Politeness.of_site(site))
            parade_errors = parade_feed_errors(site, store)
    if as_json:
        document = status_document(rows, site_name=str(site.settings.get("SITENAME") or ""),
                                   timezone=timezone, now=now)  # fmt: skip
        document["parade_feed_errors"] = parade_errors
        # A blog whose file cannot be read is in no row: say so here too, not on stderr alone.
        document["participant_file_problems"] = [str(problem) for problem in problems]
        # JSON escapes what the output's encoding cannot carry (a non-UTF-8 locale): "?" would lose it.
        utf8 = (getattr(sys.stdout, "encoding", None) or "utf-8").lower().replace("-", "") == "utf8"
        click.echo(json.dumps(document, ensure_ascii=not utf8, indent=1))
        return
    zone = ZoneInfo(timezone)
    # Header lines start with "#", as comments in tab-separated data do.
    click.echo(f"# {site.settings.get('SITENAME') or site.root.name}: {_count(len(rows), 'blog')}, "
               f"{_when(now, zone)} ({timezone}; all times in this zone)")
    if not participants:
        click.echo("No participants yet: add one with `blogparade join URL`.")
        return
    click.echo("# blog\tfeed\thealth\tfailed runs in a row\tlast success\tlast new post\tposts\tcomments")
    for line in parade_errors:  # a parade's Mentions or Comments feed: it never stops the run
        click.secho(line, fg="red", err=True)  # not among the rows: the output stays one row a blog
    for row in rows:
        waiting = f"; next try {_when(row.next_try, zone)}" if row.next_try else ""
        health = click.style(row.health + waiting, fg="green" if row.health == "ok" else "red")
        errors = f", {row.comment_feed_errors} failing" if row.comment_feed_errors else ""
        if row.comment_feed_errors and row.comment_feed_error:
            url, error = row.comment_feed_error
            errors += f"; {url}: error: {error}"
        streak = f"failed {_count(row.streak, 'run')} in a row" if row.streak else "no failures"
        if row.failing_since:
            streak += f" since {_when(row.failing_since, zone)}"
        if row.notified:
            streak += f" (notice sent {_when(row.notified, zone)})"
        click.echo(
            f"{row.participant.name}\t{row.feed_url}\t{health}\t{streak}\t"
            f"last success: {_when(row.last_success, zone)}\t"
            f"last new post: {_when(row.last_new_post, zone)}\t{_count(row.posts, 'post')}\t"
            f"{_count(row.comments, 'comment')} ({_count(row.comment_feeds, 'comment feed')}{errors})"
        )


@cli.command()
@click.option("--base", metavar="REF", help="Judge a pull request: the git revision it is based on "
              "(origin/main). It may change participant files only; a change outside content/ "
              "stops the check before anything of it runs (pelicanconf.py is Python).")  # fmt: skip
@click.pass_context
def check(ctx: click.Context, base: str | None) -> None:
    """Validate participant and parade files (for pull requests); exit 2 on any problem."""
    from .editors import review
    from .jobs import check_site

    changed: list[review.Change] = []
    if base is not None and Path(ctx.obj["site"]).is_dir():  # else load_site says what is wrong
        try:
            changed = review.changes(Path(ctx.obj["site"]), base)
        except review.ReviewError as error:
            fail(str(error), EXIT_CONFIG)
        linked = review.links(changed)
        if linked:
            fail(f"this pull request adds the symbolic link {_listed(linked)}: git keeps links, and one "
                 "could make a command read files of this machine's; an editor reviews it, and nothing "
                 "of it was read here", EXIT_CONFIG)  # fmt: skip
        running = review.outside_content(changed)
        if running:
            moved = ("; a participant file goes in content/participants/"
                     if any(path.lower().endswith(".toml") and Path(path).name.lower() != "pyproject.toml"
                            for path in running) else "")  # fmt: skip
            fail(f"this pull request changes {_listed(running)}, outside content/: settings, code, "
                 "the theme or CI, which commands and the build run; an editor reviews it, and "
                 f"nothing of it was run here{moved}", EXIT_CONFIG)  # fmt: skip
    site = load_site(ctx)
    result = check_site(site)
    problems, warnings = result.problems, result.warnings
    if base is not None:
        # The pull request's problems fail it; its base's are named, not held against it.
        problems, on_base = review.split_problems(problems, changed, site.root)
        warnings = warnings + [replace(problem, message=f"{problem.message} (so on {base} already: not "
                                                        "this pull request's to mend)") for problem in on_base]  # fmt: skip
        for path, why in [*review.for_an_editor(changed, site.participants_dir, site.root, result.logins),
                          *review.blogs_joined_twice(changed, site.participants_dir, site.root, result.joined)]:
            problems.append(Problem(site.root / path, why))
    for warning in warnings:
        click.secho(f"warning: {warning}", fg="yellow", err=True)
    if problems:
        report_problems(problems)
        sys.exit(EXIT_CONFIG)
    changes = ""
    if base is not None:
        changes = f"; the pull request adds {_count(len(changed), 'participant file')} only" if changed else \
            f"; nothing changed since {base}"
    click.echo(f"{_count(result.participants, 'participant')} and {_count(result.parades, 'parade')} OK{changes}.")


def _listed(names: list[str], most: int = 5) -> str:
    """The first `most` names, and how many more there are."""
    shown = ", ".join(names[:most])
    return shown + (f" and {len(names) - most} more" if len(names) > most else "")


@cli.command()
@click.argument("slug")
@click.option("--force", is_flag=True, help="Replace a draft that exists already.")
@click.option(
    "--format", "form", type=click.Choice(["markdown", "html"]), default="markdown", show_default=True,
    help="markdown: a draft article in content/; html: to paste into WordPress, in roundups/.",
)
@click.pass_context
def roundup(ctx: click.Context, slug: str, force: bool, form: str) -> None:
    """Write a draft roundup of parade SLUG's contributions."""
    from .jobs import JobError, draft_roundup
    from .parades.roundup import RoundupExists, RoundupPublished

    site = load_site(ctx)
    with working_on(ctx, site), open_store(site) as store:
        try:
            draft = draft_roundup(site, store, slug, force=force, html=form == "html")
        except JobError as error:
            fail(str(error), EXIT_CONFIG)
        except RoundupPublished as error:
            fail(str(error))
        except RoundupExists as error:
            fail(f"{error.path} exists already: edit it, or replace it with --force")
    if draft.state == "open":
        click.secho(f"warning: parade {slug} is still open; contributions may still come in.",
                    fg="yellow", err=True)  # fmt: skip
    elif draft.state == "upcoming":
        click.secho(f"warning: parade {slug} has not started yet (it opens on {draft.parade.start}); "
                    "contributions come in from then on.", fg="yellow", err=True)  # fmt: skip
    if form == "html":
        late = (" Keep the file: late contributions end on the day it was written (its time); --force "
                "writes it anew." if draft.parade.late else "")
        click.echo(f"Wrote {draft.path}: paste it into a new post (code editor or a Custom HTML block).{late}")
    else:
        late = (" and set 'Date' to the day you publish it (late contributions end on its Date: those "
                "that came after it would leave the site)" if draft.parade.late else "")
        click.echo(f"Wrote the draft {draft.path}: fill in the introduction, remove 'Status: draft'{late}, "
                   "then publish it with `blogparade build --publish`.")


@cli.command()
@click.argument("url")
@click.option("--parade", "slug", help="The parade's slug (default: the one that is open).")
@WAIT
@click.pass_context
def submit(ctx: click.Context, url: str, slug: str | None, wait: bool) -> None:
    """Hand in the post at URL as a contribution to a parade: it is checked now."""
    from .jobs import submit_url
    from .parades.collect import SubmitRefused

    site = load_site(ctx)
    with working_on(ctx, site, wait=wait), open_store(site, writes=True) as store:
        try:
            done = submit_url(site, store, url, slug)
        except SubmitRefused as error:
            fail(str(error), EXIT_CONFIG if error.usage else EXIT_FAILED)
    parade, verdict = done.parade, done.verdict
    if verdict.accepted:
        found, post = verdict.contribution, done.joined
        what = f"“{found.title}” ({found.blog_name})" if found else f"“{post.title}” ({done.joined_blog})" if post else url
        click.echo(f"Accepted for parade {parade.slug}: {what}; it is on the site after the next build.")
    elif done.looked_at_again:
        click.echo(f"Not a contribution to parade {parade.slug} (yet): {verdict}.")
        click.echo("It is remembered and checked again once a day while the parade takes contributions.")
    else:
        click.echo(f"Not a contribution to parade {parade.slug}: {verdict}.")
        click.echo(f"The parade ended on {parade.end} and takes no late contributions: it is not checked again.")


@cli.group()
def parade() -> None:
    """Blog parades: where each one stands, for its host."""


@parade.command("status")
@click.argument("slug")
@click.pass_context
def parade_status(ctx: click.Context, slug: str) -> None:
    """Contributions of parade SLUG, and rejected candidates with their reasons."""
    from .jobs import JobError, parade_report

    site = load_site(ctx)
    with open_store(site) as store:
        try:
            report = parade_report(site, store, slug)
        except JobError as error:
            fail(str(error), EXIT_CONFIG)
    click.echo(format_parade_status(report))


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" + ("" if number == 1 else "s")


def format_parade_status(report) -> str:  # noqa: ANN001  a parades.report.ParadeStatus
    parade = report.parade
    late = ""
    if parade.late and report.state != "upcoming":  # Late: yes
        late = (f"; late contributions until its roundup of {parade.roundup_date}" if parade.roundup_date
                else "; late contributions until its roundup is published")  # fmt: skip
    lines = [f"{parade.title} ({parade.slug}): {report.state}, {parade.start} to {parade.end}{late}",
             f"Call: {parade.call_url}"]  # fmt: skip
    for channel in report.channels:
        lines.append(f"{channel.name}: {channel.url}: {channel.health}")
    lines.append(_count(len(report.contributions), "contribution") + ":")
    for row in report.contributions:
        post = row.post
        marks = [m for m in ("late" if row.late else "", "external" if row.external else "") if m]
        heard = f" [{', '.join(row.channels)}]" if row.channels else ""
        extra = f" ({', '.join(marks)})" if marks else ""
        lines.append(f"  {parade.local_date(post.published)}  {post.title} – {row.blog}{extra}{heard}")
        lines.append(f"      {post.url}")
    if report.waiting:
        lines.append(f"{len(report.waiting)} waiting for the next fetch (the parade's file changed):")
        lines += [f"  {url}: {why}" for url, why in report.waiting]
    lines.append(f"{len(report.rejected)} rejected:")
    for row in report.rejected:
        checked = f", checked {_when(row.checked_at, parade.zone)}" if row.checked_at else ""
        lines.append(f"  {row.url} [{', '.join(row.channels)}]: {row.verdict}{checked}")
    return "\n".join(lines)


def warn_of_the_links_address(site: Site, site_url: str) -> None:
    """A digest links every post on the published site: as `run --publish` does, say when
    publishconf.py's address is missing or still the example, where those links lead nowhere."""
    from .website.build import address_warnings

    for warning in address_warnings({"SITEURL": site_url}, site.root / PUBLISH_SETTINGS_FILE):
        click.secho(f"warning: the digest links to the site, but {warning}", fg="yellow", err=True)


@cli.command()
@click.option("--since", "period", default="7d", show_default=True,
              help="The period: 7d, 24h, 2w.")
@click.option("--department", help="Only the blogs of this department.")
@click.option("--to", "recipients", multiple=True, metavar="ADDRESS",
              help="Send to ADDRESS (repeatable; default: BLOGPARADE_DIGEST_TO).")
@click.option("--dry-run", is_flag=True, help="Print the e-mail instead of sending it.")
@click.pass_context
def digest(ctx: click.Context, period: str, department: str | None, recipients: tuple[str, ...],
           dry_run: bool) -> None:  # fmt: skip
    """E-mail the period's new posts (HTML and plain text), or print them with --dry-run."""
    from .editors.digest import (
        DigestError,
        as_text,
        collect,
        digest_message,
        parse_period,
        recipients_from,
        sent_key,
    )
    from .editors.mail import MailError, SmtpSettings, send
    from .feeds.trust import CA_BUNDLE, setting_or_env

    site = load_site(ctx)
    try:
        since = parse_period(period)
        to = recipients_from(site.settings, recipients)
        with open_store(site) as store:
            mark = store.get_meta(sent_key(department, to))
            found = collect(site, store, since=since, department=department,
                            sent=datetime.fromisoformat(mark) if mark else None)  # fmt: skip
    except DigestError as error:
        fail(str(error), EXIT_CONFIG)
    if not found.posts and not dry_run:
        click.echo(f"No new posts since {_when(found.since, site_zone(site))}; nothing sent.")
        return
    warn_of_the_links_address(site, found.site_url)
    # The company's CA is the environment's or pelicanconf's, for the mail server as for feeds.
    mail_settings = {**site.settings, CA_BUNDLE: setting_or_env(site.settings, CA_BUNDLE)}
    try:
        smtp: SmtpSettings | None = SmtpSettings.from_settings(mail_settings)
    except MailError as error:
        if not dry_run:
            fail(str(error), EXIT_CONFIG)
        smtp = None
    sender = smtp.sender if smtp else str(site.settings.get("BLOGPARADE_MAIL_FROM") or "blogparade@localhost")
    message = digest_message(found, sender=sender, recipients=to)
    if dry_run:
        click.echo(as_text(message))
        return
    if not to:
        fail("no recipients: give --to ADDRESS, or set BLOGPARADE_DIGEST_TO in pelicanconf.py", EXIT_CONFIG)
    assert smtp is not None
    try:
        send(smtp, message)
    except MailError as error:
        fail(str(error))
    with open_store(site, writes=True) as store:  # the next digest to them starts here
        store.set_meta(sent_key(department, to), found.until.isoformat())
    click.echo(f"Sent the digest of {_count(len(found.posts), 'post')} to {', '.join(to)}.")


@cli.command()
@click.argument("backup", required=False)
@click.option("--empty", is_flag=True, help="Start again with an empty store instead.")
@click.pass_context
def restore(ctx: click.Context, backup: str | None, empty: bool) -> None:
    """Put BACKUP (default: the newest whole one in backups/) in place of the store.

    The store there now is kept aside, renamed.  With --empty, start again from the feeds with
    an empty store; the posts published so far stay on the site.
    """
    from .backups import RestoreError
    from .backups import restore as restore_store

    if backup and empty:
        fail("give a BACKUP or --empty, not both", EXIT_CONFIG)
    site = load_site(ctx, unpublishes_nothing=True)  # a store put back
    with working_on(ctx, site):
        try:
            restored = restore_store(site, backup, empty=empty)
        except RestoreError as error:
            fail(str(error), EXIT_CONFIG if error.usage else EXIT_FAILED)
        replayed = replay_takedowns(site)
    if restored.aside:
        click.echo(f"Kept the store that was there as {restored.aside}.")
    if restored.backup:
        click.echo(f"Restored {restored.backup} ({restored.posts} posts) as {site.store_path}.")
    else:
        click.echo(f"Started again with an empty store, {site.store_path}.")
    if replayed:
        click.echo(f"Applied the {replayed} take-downs of takedowns.log again: a backup may be "
                   "older than some of them.")
    click.echo("Next: `blogparade run --publish` fetches what the feeds have now, and builds.")


def replay_takedowns(site: Site) -> int:
    from .editors.takedown import replay

    with Store(site.store_path) as store:
        return replay(site, store)


@cli.group()
def opml() -> None:
    """The blog roll as OPML: export it, or add the blogs of one."""


# The files of `opml export` and `opml import` are opened by the commands, not by Click, whose
# error for a file it cannot open is a usage block, and `export` opens its file only once the blog
# roll is made: a site that cannot be read leaves it as it was.  "-": standard output or input.
OPML_FILE = click.Path(readable=False, allow_dash=True, path_type=Path)  # checked when opened


def opened(path: Path, mode: str) -> IO:
    """The file `path` names, opened; one sentence and exit 2 (nothing was done) if it cannot be."""
    try:
        return click.open_file(str(path), mode)
    except OSError as error:
        doing = "read" if "r" in mode else "write"
        fail(f"cannot {doing} {path}: {error.strerror}; nothing was done", EXIT_CONFIG)


@opml.command("export")
@click.argument("output", type=OPML_FILE, default="-")
@click.pass_context
def opml_export(ctx: click.Context, output: Path) -> None:
    """Write the blog roll as OPML to OUTPUT (default: standard output)."""
    from .jobs import blogroll

    roll = blogroll(load_site(ctx))
    with opened(output, "wb") as file:
        file.write(roll.encode("utf-8"))


@opml.command("import")
@click.argument("source", type=OPML_FILE)
@click.pass_context
def opml_import(ctx: click.Context, source: Path) -> None:
    """Join every blog of the OPML file SOURCE, each checked as `join` checks one."""
    from .editors.join import JoinError
    from .editors.opml import MAX_BYTES, OpmlError, import_opml
    from .feeds.fetch import SettingError

    with opened(source, "rb") as file:
        data = file.read(MAX_BYTES + 1)  # read_opml refuses more: /dev/zero is not read to the end
    name = "<stdin>" if str(source) == "-" else source
    site = load_site(ctx)
    try:
        with working_on(ctx, site):
            results = asyncio.run(import_opml(site, data))
    except OpmlError as error:
        fail(f"{name}: {error}", EXIT_CONFIG)
    except SettingError as error:
        fail(str(error), EXIT_CONFIG)
    failed = present = 0
    for feed, outcome in results:
        if isinstance(outcome, JoinError) and outcome.present:  # the file imported again: not a failure
            present += 1
            click.echo(f"  already here: {outcome}")
        elif isinstance(outcome, JoinError):
            failed += 1
            click.secho(f"  not joined: {feed.address}: {outcome}", fg="red", err=True)
        else:
            click.echo(f"  joined {outcome.name} <{outcome.feed}>")
        for repeat in feed.repeats:
            click.echo(f"  listed again: {repeat}: the same blog as {feed.address}, taken once")
    there = f", {present} already on the site" if present else ""
    click.echo(f"{len(results) - failed - present} of {len(results)} blogs joined{there}.")
    if failed:
        sys.exit(EXIT_FAILED)


# -- take-downs (editors/takedown.py) -------------------------------------------------------------

REASON = click.option("--reason", default="", help="Why: written to the take-down log.")


def _describe_item(item) -> str:  # noqa: ANN001  (a store.TakenItem)
    return f"{item.kind} {item.title!r} ({item.url or item.id})"


@cli.command()
@click.argument("url")
@REASON
@click.pass_context
def hide(ctx: click.Context, url: str, reason: str) -> None:
    """Hide a post or a comment (its original URL, or its page here) from the site and feeds."""
    _hide(ctx, url, reason, shown=False)


@cli.command()
@click.argument("url")
@REASON
@click.pass_context
def unhide(ctx: click.Context, url: str, reason: str) -> None:
    """Show a hidden post or comment again."""
    _hide(ctx, url, reason, shown=True)


@contextmanager
def taking_down(ctx: click.Context) -> Iterator[tuple[Site, Store]]:
    """The site and its store for a take-down (hide, remove, forget).  A take-down writes the
    store and the site's files: one job at a time.  Its TakedownError (the command named nothing
    stored, or no one) is bad usage: nothing was done."""
    from .editors.takedown import TakedownError
    from .website.build import TAKEN_DOWN
    from .website.output import remove_spare

    site = load_site(ctx, unpublishes_nothing=True)  # taking the blogs off is how they go
    with working_on(ctx, site), open_store(site, writes=True) as store:
        try:
            yield site, store
        except TakedownError as error:
            fail(str(error), EXIT_CONFIG)
        # The spare tree beside output/ (website/output.py) holds the pages as they were, and so
        # will output/ once the next build replaces it: neither is kept.
        store.set_meta(TAKEN_DOWN, "yes")
        remove_spare(site.output)


def _hide(ctx: click.Context, url: str, reason: str, shown: bool) -> None:
    from .editors.takedown import hide as hide_items

    with taking_down(ctx) as (site, store):
        items = hide_items(site, store, url, reason=reason, shown=shown)
    for item in items:
        click.echo(f"{'Shown again' if shown else 'Hidden'}: {_describe_item(item)}")
    click.echo("The next `blogparade run --publish` (or `build --publish`) "
               + ("puts it back on the site." if shown else "takes it off the site."))


@cli.command()
@click.argument("slug")
@click.option("--purge", is_flag=True,
              help="Also erase its posts and comments from the store, for good (tombstones).")
@REASON
@click.pass_context
def remove(ctx: click.Context, slug: str, purge: bool, reason: str) -> None:
    """Take the blog SLUG off the roll (its participant file goes)."""
    from .editors.takedown import remove as remove_blog

    with taking_down(ctx) as (site, store):
        removal = remove_blog(site, store, slug, purge=purge, reason=reason)
    if removal.file:
        click.echo(f"Removed {removal.name}: deleted {removal.file}")
    else:
        click.echo(f"Removed {removal.name}: its participant file was gone already")
    if purge:
        click.echo(f"Erased {_count(removal.posts, 'post')} and {_count(removal.comments, 'comment')} from the store; "
                   "no fetch, join or OPML import brings them back.")
    else:
        click.echo("Its posts leave the site at the next build and stay in the store "
                   "(--purge erases them).")


@cli.command()
@click.option("--commenter", "who", required=True, metavar="NAME|URL",
              help="The person: their name as shown with their comments, or their web address.")
@REASON
@click.pass_context
def forget(ctx: click.Context, who: str, reason: str) -> None:
    """Erase a person's comments and name from the store and the site (DSGVO Art. 17)."""
    from .editors.takedown import forget_commenter

    with taking_down(ctx) as (site, store):
        forgotten = forget_commenter(site, store, who, reason=reason)
    for item in forgotten.erased:
        click.echo(f"  erased comment {item.id} on {item.title!r} ({item.url or 'no link'})")
    click.echo(f"Erased {_count(len(forgotten.erased), 'comment')} of {who}; "
               "their comment feeds will not bring them back.")
    for name, count in sorted(forgotten.namesakes.items()):
        one = count == 1
        click.echo(f"{_count(count, 'comment')} signed {name!r} {'carries' if one else 'carry'} no web "
                   f"address (feeds that give none): if {'it is' if one else 'they are'} this person's "
                   f"too, erase {'it' if one else 'them'} with blogparade forget --commenter {shlex.quote(name)}")


@cli.command()
@click.argument(
    "directory", type=FOLDER, default="demo-site"
)
def demo(directory: Path) -> None:
    """Serve the bundled sample blogs on 127.0.0.1, join, fetch and build them into DIRECTORY."""
    from .demo.site import DemoError, run_demo

    refuse_a_file(directory)
    try:
        index = run_demo(directory, echo=click.echo)
    except DemoError as error:
        fail(str(error))
    except SiteBusy as busy:
        fail(f"{busy}; nothing was done: try again when it has finished.", EXIT_BUSY)
    click.echo(f"The demo site is ready: {index}")
    # python3: Debian and Ubuntu have no `python` command; 127.0.0.1: not for the whole network.
    serve = "python3 -m http.server -b 127.0.0.1 -d output 8000"
    click.echo(f"Serve it with: cd {shlex.quote(str(directory))} && {serve}")


def main() -> None:
    # The interpreter's teardown walks every object the job left, several times, looking for
    # cycles of garbage to collect: 0.1 s after a fetch of 300 blogs, 0.45 s after a build of
    # 3,000 posts (measured).  Frozen at exit, they are left out of those walks; a cycle left
    # then goes with the rest of the process's memory.
    atexit.register(gc.freeze)
    try:
        cli(prog_name="blogparade")
    except Exception as error:  # noqa: BLE001  whatever escaped Click: one line, not a traceback
        if "--debug" in sys.argv[1:]:
            raise
        click.secho(f"Error: {unexpected(error)}", fg="red", err=True)
        sys.exit(EXIT_FAILED)


if __name__ == "__main__":
    main()
