"""The `blogparade` command: a thin Click layer over the library.

It parses options, calls the library, shows progress and summaries, and turns the library's
errors into messages and exit codes: 0 done (some feeds may have failed), 1 the job failed
(or, with --strict, a feed failed), 2 bad usage or configuration.
"""

from __future__ import annotations

import asyncio
import sys
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Callable, Iterator, NoReturn

import click

from . import __version__
from .editors.participants import Problem, load_participants
from .feeds.update import Outcome, UpdateSummary
from .site import Site, SiteError
from .store import Store, StoreError

EXIT_FAILED = 1
EXIT_CONFIG = 2


def fail(message: str, code: int = EXIT_FAILED) -> NoReturn:
    click.secho(f"Error: {message}", fg="red", err=True)
    sys.exit(code)


def load_site(ctx: click.Context) -> Site:
    try:
        return Site.load(ctx.obj["site"])
    except SiteError as error:
        fail(str(error), EXIT_CONFIG)


@contextmanager
def open_store(site: Site) -> Iterator[Store]:
    try:
        with Store(site.store_path) as store:
            yield store
    except StoreError as error:
        fail(str(error))


def report_problems(problems: list[Problem], of: str = "") -> None:
    """Each problem on its own line, under a count (nothing when there are none)."""
    if problems:
        click.secho(f"{len(problems)} problem(s){of}:", fg="red", err=True)
    for problem in problems:
        click.secho(f"  {problem}", fg="red", err=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="blogparade")
@click.option(
    "--site",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The site folder (with pelicanconf.py).",
)
@click.pass_context
def cli(ctx: click.Context, site: Path) -> None:
    """Collect many people's blogs, their comments and blog parades into one static site."""
    ctx.obj = {"site": site}


@cli.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--title", default="Blogparade", show_default=True, help="The site's name.")
@click.option("--lang", type=click.Choice(["de", "en"]), default="de", show_default=True)
def init(directory: Path, title: str, lang: str) -> None:
    """Create a new site in DIRECTORY, with no participants, that builds."""
    from .website.sitetemplate import create_site

    if directory.exists() and any(directory.iterdir()):
        fail(f"{directory} exists and is not empty", EXIT_CONFIG)
    create_site(directory, title=title, lang=lang)
    click.echo(f"Created a new site in {directory}.")
    click.echo(f"Next: cd {directory} && blogparade join URL-OF-A-BLOG && blogparade run")


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
@click.pass_context
def join(ctx: click.Context, url: str, name: str | None, author: str | None, kind: str) -> None:
    """Add the blog at URL (its home page or its feed) as a participant."""
    from .editors.join import JoinError
    from .editors.join import join as join_blog

    site = load_site(ctx)
    try:
        participant, path = asyncio.run(
            join_blog(site, url, name=name, author=author, kind=kind)  # type: ignore[arg-type]
        )
    except JoinError as error:
        fail(str(error))
    click.echo(f"Joined {participant.name}, as detected:")
    for label, value in (
        ("name", participant.name),
        ("feed", participant.feed),
        ("home", participant.home),
        ("author", participant.author or "(none found)"),
        ("kind", participant.kind),
        ("language", participant.language),
    ):
        click.echo(f"  {label + ':':<10}{value}")
    click.echo(f"Wrote {path}")
    click.echo(
        "Not right? Edit that file, or delete it and join again with --name, --author or --kind."
    )


def run_fetch(site: Site, strict: bool) -> bool:
    """Fetch every active participant; False when the run should exit non-zero."""
    from .jobs import fetch_site

    with open_store(site) as store:
        participants, _ = load_participants(site.participants_dir)
        active = sum(1 for participant in participants if participant.active)
        with progress_bar(active, "Fetching") as advance:
            run = fetch_site(site, store, lambda report: report.kind == "posts" and advance())
    report_problems(run.problems, " in participant files")
    click.echo(format_summary(run.summary))
    if run.pages:
        click.echo(f"{run.pages} posts of summary-only feeds: their own pages checked for parade links.")
    if run.parades.channels or run.parades.looked_at:
        click.echo(format_parade_run(run.parades))
    if run.problems:
        click.secho("Those blogs were skipped; run `blogparade check`.", fg="red", err=True)
    return not run.problems and not (strict and (run.summary.errors or run.parades.errors))


def format_parade_run(run) -> str:  # noqa: ANN001  a parades.collect.ParadeRun
    lines = [
        f"Parades: {run.new_candidates} new candidates, {run.looked_at} pages checked, "
        f"{run.accepted} new contributions from them."
    ]
    for report in run.errors:
        lines.append(f"  parade {report.parade}: {report.channel} feed ({report.url}): error: {report.error}")
    return "\n".join(lines)


@contextmanager
def progress_bar(length: int, label: str) -> Iterator[Callable[[], None]]:
    """A progress bar on a terminal; nothing in cron logs."""
    if not sys.stderr.isatty() or length == 0:
        yield lambda: None
        return
    with click.progressbar(length=length, label=label, file=sys.stderr) as bar:
        yield lambda: bar.update(1)


def format_summary(summary: UpdateSummary) -> str:
    posts, comments = summary.of("posts"), summary.comment_feeds
    lines = [
        f"{len(posts)} feeds: {summary.count(Outcome.UPDATED)} fetched, "
        f"{summary.count(Outcome.UNCHANGED)} unchanged, "
        f"{sum(r.failed for r in posts)} errors; "
        f"{summary.new_posts} new posts, {summary.changed_posts} updated.",
        f"{len(comments)} comment feeds: {summary.count(Outcome.UPDATED, 'comments')} fetched, "
        f"{summary.count(Outcome.UNCHANGED, 'comments')} unchanged, "
        f"{sum(r.failed for r in comments)} errors; {summary.new('comments')} new comments.",
    ]
    for report in sorted(summary.errors, key=lambda r: (r.kind != "posts", r.participant.name.casefold())):
        what = "" if report.kind == "posts" else " comments"
        lines.append(f"  {report.participant.name}{what} ({report.url}): error: {report.error}")
    return "\n".join(lines)


@cli.command()
@click.option("--strict", is_flag=True, help="Exit 1 when any feed failed.")
@click.pass_context
def fetch(ctx: click.Context, strict: bool) -> None:
    """Update the store from all active participants."""
    if not run_fetch(load_site(ctx), strict):
        sys.exit(EXIT_FAILED)


PUBLISH_HELP = "Build with publishconf.py: the site's real address, no drafts."


def settings_file(site: Site, publish: bool) -> str | None:
    """The settings file to build with; refuses before anything is done if it cannot be."""
    from .website.build import PUBLISH_SETTINGS_FILE, BuildRefused, settings_path

    name = PUBLISH_SETTINGS_FILE if publish else None
    try:
        settings_path(site, name)
    except BuildRefused as error:
        fail(str(error))
    return name


def run_build(site: Site, force: bool, publish: bool = False) -> None:
    from .website.build import BuildError, BuildRefused, build_site, needs_build

    settings = settings_file(site, publish)
    with open_store(site) as store:
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
    for warning in result.warnings:
        click.secho(f"  warning: {warning}", fg="yellow", err=True)
    click.echo(f"Built {result} into {result.output}")


@cli.command()
@click.option("--publish", is_flag=True, help=PUBLISH_HELP)
@click.pass_context
def build(ctx: click.Context, publish: bool) -> None:
    """Publish the store as the site in output/, without network."""
    run_build(load_site(ctx), force=True, publish=publish)


@cli.command()
@click.option("--strict", is_flag=True, help="Exit 1 when any feed failed.")
@click.option("--force-build", is_flag=True, help="Build even when nothing changed.")
@click.option("--publish", is_flag=True, help=PUBLISH_HELP)
@click.pass_context
def run(ctx: click.Context, strict: bool, force_build: bool, publish: bool) -> None:
    """Fetch, then build when anything changed: the nightly job (with --publish)."""
    site = load_site(ctx)
    settings_file(site, publish)  # a build that will be refused must not wait for the fetch
    fetched = run_fetch(site, strict)
    run_build(site, force=force_build, publish=publish)
    if not fetched:
        sys.exit(EXIT_FAILED)


def _when(value: datetime | None) -> str:
    return value.astimezone().strftime("%Y-%m-%d %H:%M") if value else "never"


@cli.command()
@click.pass_context
def status(ctx: click.Context) -> None:
    """One line per participant: name, feed, ok or error, last success, posts stored."""
    from .editors.status import participant_statuses
    from .jobs import parade_feed_errors

    site = load_site(ctx)
    participants, problems = load_participants(site.participants_dir)
    report_problems(problems, " in participant files")
    if not participants:
        click.echo("No participants yet: add one with `blogparade join URL`.")
        return
    with open_store(site) as store:
        rows = participant_statuses(store, participants)
        parade_errors = parade_feed_errors(site, store)
    for line in parade_errors:  # a parade's Mentions or Comments feed: it never stops the run
        click.secho(line, fg="red")
    for row in rows:
        health = click.style(row.health, fg="green" if row.health == "ok" else "red")
        errors = f", {row.comment_feed_errors} failing" if row.comment_feed_errors else ""
        click.echo(
            f"{row.participant.name}\t{row.feed_url}\t{health}\t"
            f"last success: {_when(row.last_success)}\t{row.posts} posts\t"
            f"{row.comments} comments ({row.comment_feeds} comment feeds{errors})"
        )


@cli.command()
@click.pass_context
def check(ctx: click.Context) -> None:
    """Validate participant and parade files (for pull requests); exit 2 on any problem."""
    from .jobs import check_site

    result = check_site(load_site(ctx))
    if result.problems:
        report_problems(result.problems)
        sys.exit(EXIT_CONFIG)
    click.echo(f"{result.participants} participants and {result.parades} parades OK.")


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
    from .parades.roundup import RoundupExists

    site = load_site(ctx)
    with open_store(site) as store:
        try:
            draft = draft_roundup(site, store, slug, force=force, html=form == "html")
        except JobError as error:
            fail(str(error), EXIT_CONFIG)
        except RoundupExists as error:
            fail(f"{error.path} exists already: edit it, or replace it with --force")
    if draft.still_open:
        click.secho(f"Warning: parade {slug} is still open; contributions may still come in.",
                    fg="yellow", err=True)  # fmt: skip
    if form == "html":
        click.echo(f"Wrote {draft.path}: paste it into a new post (code editor or a Custom HTML block).")
    else:
        click.echo(f"Wrote the draft {draft.path}: fill in the introduction, then remove 'Status: draft'.")


@cli.command()
@click.argument("url")
@click.option("--parade", "slug", help="The parade's slug (default: the one that is open).")
@click.pass_context
def submit(ctx: click.Context, url: str, slug: str | None) -> None:
    """Hand in the post at URL as a contribution to a parade: it is checked now."""
    from .jobs import submit_url
    from .parades.collect import SubmitRefused

    site = load_site(ctx)
    with open_store(site) as store:
        try:
            done = submit_url(site, store, url, slug)
        except SubmitRefused as error:
            fail(str(error), EXIT_CONFIG if error.usage else EXIT_FAILED)
    parade, verdict = done.parade, done.verdict
    if verdict.accepted:
        found = verdict.contribution
        what = f"“{found.title}” ({found.blog_name})" if found else url
        click.echo(f"Accepted for parade {parade.slug}: {what}; it is on the site after the next build.")
    else:
        click.echo(f"Not a contribution to parade {parade.slug} (yet): {verdict}.")
        click.echo("It is remembered and checked again once a day while the parade takes contributions.")


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


def format_parade_status(report) -> str:  # noqa: ANN001  a parades.report.ParadeStatus
    parade = report.parade
    lines = [f"{parade.title} ({parade.slug}): {report.state}, {parade.start} to {parade.end}",
             f"Call: {parade.call_url}"]  # fmt: skip
    for channel in report.channels:
        lines.append(f"{channel.name} feed: {channel.url}: {channel.health}")
    lines.append(f"{len(report.contributions)} contributions:")
    for row in report.contributions:
        post = row.post
        marks = [m for m in ("late" if row.late else "", "external" if row.external else "") if m]
        heard = f" [{', '.join(row.channels)}]" if row.channels else ""
        extra = f" ({', '.join(marks)})" if marks else ""
        lines.append(f"  {parade.local_date(post.published)}  {post.title} – {row.blog}{extra}{heard}")
        lines.append(f"      {post.url}")
    lines.append(f"{len(report.rejected)} rejected:")
    for row in report.rejected:
        checked = f", checked {_when(row.checked_at)}" if row.checked_at else ""
        lines.append(f"  {row.url} [{', '.join(row.channels)}]: {row.verdict}{checked}")
    return "\n".join(lines)


@cli.group()
def opml() -> None:
    """The blog roll as OPML: export it, or add the blogs of one."""


@opml.command("export")
@click.argument("output", type=click.File("w", encoding="utf-8"), default="-")
@click.pass_context
def opml_export(ctx: click.Context, output) -> None:  # noqa: ANN001  (a click.File)
    """Write the blog roll as OPML to OUTPUT (default: standard output)."""
    from .jobs import blogroll

    output.write(blogroll(load_site(ctx)))


@opml.command("import")
@click.argument("source", type=click.File("rb"))
@click.pass_context
def opml_import(ctx: click.Context, source) -> None:  # noqa: ANN001  (a click.File)
    """Join every blog of the OPML file SOURCE, each checked as `join` checks one."""
    from .editors.join import JoinError
    from .editors.opml import OpmlError, import_opml

    site = load_site(ctx)
    try:
        results = asyncio.run(import_opml(site, source.read()))
    except OpmlError as error:
        fail(f"{source.name}: {error}", EXIT_CONFIG)
    failed = 0
    for feed, outcome in results:
        if isinstance(outcome, JoinError):
            failed += 1
            click.secho(f"  not joined: {feed.xml_url}: {outcome}", fg="red", err=True)
        else:
            click.echo(f"  joined {outcome.name} <{outcome.feed}>")
    click.echo(f"{len(results) - failed} of {len(results)} blogs joined.")
    if failed:
        sys.exit(EXIT_FAILED)


@cli.command()
@click.argument(
    "directory", type=click.Path(file_okay=False, path_type=Path), default="demo-site"
)
def demo(directory: Path) -> None:
    """Serve the bundled sample blogs on 127.0.0.1, join, fetch and build them into DIRECTORY."""
    from .demo.site import DemoError, run_demo

    try:
        index = run_demo(directory, echo=click.echo)
    except DemoError as error:
        fail(str(error))
    click.echo(f"The demo site is ready: {index}")
    click.echo(f"Serve it with: cd {directory} && python -m http.server -d output 8000")


def main() -> None:
    cli(prog_name="blogparade")


if __name__ == "__main__":
    main()
