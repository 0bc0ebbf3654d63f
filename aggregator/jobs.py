"""The site-level jobs the command line and the demo run, as plain library calls.

Each takes a Site and returns values; printing and exit codes are the caller's business.
"""

from __future__ import annotations

import asyncio
import difflib
import json
import os
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import yarl

from .backups import folder as backups_folder
from .backups import open_store
from .editors.participants import Problem, department_typos, language_problem, load_participants, secret_problems
from .editors.privacy import apply_retention, retention_cutoff
from .editors.takedown import digest_log_addresses, log_path
from .feeds.decide import unreachable
from .feeds.fetch import Fetcher, FetchSettings
from .feeds.images import media_folder
from .feeds.logins import Login, Secrets, login_for, logins_for, shared_secret_problems
from .feeds.policy import SETTING as POLICY_SETTING
from .feeds.policy import (
    AddressNotAllowed,
    NetworkPolicy,
    PolicyError,
    literal_address,
    resolve_and_check,
)
from .feeds.proxies import SETTING as PROXY_SETTING
from .feeds.proxies import Proxies, ProxyError
from .feeds.report import FeedReport, Outcome
from .feeds.update import CommentOptions, FeedOptions, Progress, UpdateSummary, update
from .models import ErrorKind, Participant
from .parades.collect import Context, ParadeRun, Submitted, SubmitRefused, follow_parades, submit
from .parades.files import Parade, State, find_parade, load_site_parades, no_parade, read_file_metadata, state
from .parades.membership import Selection, followed, load_parades, roundup_date, select, today
from .parades.pages import parade_page_links
from .parades.report import ParadeStatus, channel_errors, parade_status
from .parades.roundup import existing_roundup, roundup_text, write_roundup
from .parades.roundup_html import roundup_html, write_roundup_html
from .lock import LOCK_FILE
from .site import DEFAULTS as SITE_DEFAULTS
from .site import SETTINGS_FILE, Site
from .store import Store
from .urls import feed_key, page_key
from .website.output import spare_tree

if TYPE_CHECKING:
    from .editors.notify import NotifyReport
    from .feeds.images import ImageReport


@dataclass(frozen=True)
class FetchRun:
    summary: UpdateSummary
    problems: list[Problem]  # participant files that could not be read (their blogs were skipped)
    pages: int = 0  # pages of posts from summary-only feeds asked in this run for links to a call
    removed: list[str] = field(default_factory=list)  # participants removed for good: not read
    comments_dropped: int = 0  # erased for being older than BLOGPARADE_COMMENT_RETENTION_DAYS
    notified: NotifyReport | None = None  # failure and recovery notices (editors/notify.py)
    images: ImageReport | None = None  # images of posts downloaded (website/media.py)
    parades: ParadeRun = field(default_factory=ParadeRun)  # candidates from the parades' channels
    contributions: dict[str, ParadeNews] = field(default_factory=dict)  # see new_contributions

    @property
    def reached_none(self) -> bool:
        return reached_none(self.summary)

    @property
    def allowed_none(self) -> bool:
        return allowed_none(self.summary)


def _asked(summary: UpdateSummary) -> list[FeedReport]:
    return [report for report in summary.of("posts")
            if report.outcome in (Outcome.UPDATED, Outcome.UNCHANGED, Outcome.ERROR)]  # fmt: skip


def reached_none(summary: UpdateSummary) -> bool:
    """Several post feeds were asked and not one server could be reached (DNS, connection,
    timeout, TLS, proxy): this machine's network is down, most likely, not every blog at once.
    A server that answered, if only with an error, is reached; one the network policy refused
    was not asked (allowed_none)."""
    asked = [report for report in _asked(summary) if not _refused(report)]
    return len(asked) > 1 and all(unreachable(report.error) for report in asked)


def allowed_none(summary: UpdateSummary) -> bool:
    """Several post feeds were to be asked and the network policy refused every one: the site's
    settings (BLOGPARADE_ALLOWED_NETWORKS), most likely, not every blog's address at once; a
    site made before the policy, whose blogs are on the intranet, is so after an upgrade."""
    asked = _asked(summary)
    return len(asked) > 1 and all(_refused(report) for report in asked)


def _refused(report: FeedReport) -> bool:
    return report.error is not None and report.error.kind is ErrorKind.NOT_ALLOWED


@dataclass(frozen=True)
class CheckResult:
    participants: int
    parades: int
    problems: list[Problem] = field(default_factory=list)
    # Not the files' fault, but the nightly job would fail: a login's secret missing here.
    warnings: list[Problem] = field(default_factory=list)
    logins: frozenset[str] = frozenset()  # the slugs of the participants with a login
    joined: tuple[Participant, ...] = ()  # the participants the files name


class JobError(Exception):
    """A job cannot be done as asked; the message says why, for a person."""


def fetch_site(
    site: Site, store: Store, progress: Progress | None = None, *, ask_all: bool = False,
    loaded: tuple[list[Participant], list[Problem]] | None = None,
) -> FetchRun:
    """Update the store from every active participant; then look at summary-only parade posts.

    Feeds waiting for their next try are not asked, unless `ask_all`.  `loaded`: the
    participants (and problems) the caller has just read with load_participants.
    """
    participants, problems = loaded or load_participants(site.participants_dir)
    digest_log_addresses(site)
    # A blog removed with --purge whose file came back (say, in a pull request) is not read.
    removed = removed_for_good(participants, store.buried("feed"))
    participants = [p for p in participants if p not in removed]
    selection = select(site, store, participants)
    comments = CommentOptions(days=int(site["BLOGPARADE_COMMENT_DAYS"]), always=followed(site, selection))
    settings = FetchSettings.from_site(site)
    feeds = FeedOptions.from_site(site, ask_all=ask_all)
    store.keep_comments_since = retention_cutoff(site)  # older comments are not stored at all
    logins = logins_for(participants, Secrets.for_site(site.root, site.settings))
    summary = asyncio.run(update(store, participants, settings, progress, comments, feeds,
                                 logins=logins))  # fmt: skip
    pages = asyncio.run(look_at_pages(site, store, participants, settings, logins))
    # Parade candidates are public pages of blogs that never joined: no login goes with them.
    context = parade_context(site, participants, feeds)
    parades = asyncio.run(follow_parades(store, settings, context))
    grown = new_contributions(store, select(site, store, participants)) if selection.parades else {}
    # A night no server was reached, or none allowed, is ours to fix: it must not tell every blog
    # its feed fails, tonight or once the feeds are read again.
    ours = reached_none(summary) or allowed_none(summary)
    if ours:
        store.not_counted([report.participant.feed for report in _asked(summary) if report.error is not None])
    after = after_fetch(site, store, participants, settings, notify=not ours)
    return FetchRun(summary, problems, pages, parades=parades, removed=[p.slug for p in removed],
                    contributions=grown, **after)  # fmt: skip


SEEN_CONTRIBUTIONS = "parade-contributions:"  # meta: the contributions a fetch last saw, by parade


@dataclass(frozen=True)
class ParadeNews:
    """A parade's contributions the last fetch did not see (new_contributions)."""

    new: list[tuple[str, str, str]]  # each one's title, blog and address, oldest first
    total: int  # its contributions in all


def new_contributions(store: Store, selection: Selection) -> dict[str, ParadeNews]:
    """Per parade with contributions the last fetch did not see: which, and how many in all;
    whatever made them (a joined blog's new post, a candidate's page, a parade file's Include or
    Late edited since), as the site will list them.  Each fetch keeps what it saw (meta).  They
    are named: a host sees a spam page that linked the call the morning after, not on the site."""
    names = {blog.slug: blog.name for blog in [*selection.participants, *selection.external]}
    earlier: dict[str, set[str]] = {}  # a moved blog's post: the ids of its copies before
    for old, standing in selection.superseded.items():
        earlier.setdefault(standing, set()).add(old)
    grown = {}
    for parade in selection.parades:
        posts = selection.contributions(parade)
        now = sorted(post.id for post in posts)
        seen = _seen_contributions(store, parade.slug)
        new = [(post.title, names.get(post.participant, post.participant), post.url)
               for post in posts if post.id not in seen and not earlier.get(post.id, set()) & seen]  # fmt: skip
        if new:
            grown[parade.slug] = ParadeNews(new, len(now))
        if sorted(seen) != now:
            _keep_seen_contributions(store, parade.slug, now)
    return grown


def _seen_contributions(store: Store, parade: str) -> set[str]:
    return set(json.loads(store.get_meta(f"{SEEN_CONTRIBUTIONS}{parade}") or "[]"))


def _keep_seen_contributions(store: Store, parade: str, ids: list[str]) -> None:
    store.set_meta(f"{SEEN_CONTRIBUTIONS}{parade}", json.dumps(ids))


def told_already(store: Store, selection: Selection, parade: Parade, key: str) -> None:
    """The contribution at `key` (its page_key) counted as seen by the fetches: the host who
    handed it in was told it is accepted, and the next night's log does not name it as new."""
    seen = _seen_contributions(store, parade.slug)
    ids = {post.id for post in selection.contributions(parade) if post.url and page_key(post.url) == key}
    if ids - seen:
        _keep_seen_contributions(store, parade.slug, sorted(seen | ids))


def after_fetch(
    site: Site, store: Store, participants: list[Participant], settings: FetchSettings,
    *, notify: bool = True,
) -> dict[str, object]:  # fmt: skip
    """What a run does once the feeds are read: erase comments past their retention, tell
    people about failing feeds (unless not `notify`), download the images of new posts."""
    from .editors.notify import notify_site
    from .feeds.images import download_images

    dropped = apply_retention(site, store)
    notified = notify_site(site, store, participants) if notify else None
    images = asyncio.run(download_images(site, store, participants, settings))
    return {"comments_dropped": dropped, "notified": notified, "images": images}


def parade_context(
    site: Site, participants: list[Participant], feeds: FeedOptions | None = None
) -> Context:
    """What the parade step knows: the parades (with their roundups' dates), the joined blogs,
    the site's day, and how politely its own feeds are asked (`feeds`: as every feed this run)."""
    feeds = feeds or FeedOptions.from_site(site)
    return Context(load_parades(site), participants, today(site),
                   int(site["BLOGPARADE_PARADE_GRACE_DAYS"]), feeds.politeness, feeds.zone)  # fmt: skip


def submit_url(site: Site, store: Store, url: str, slug: str | None = None) -> Submitted:
    """Hand a post in to a parade (the one open, or `slug`); collect.SubmitRefused says why not."""
    participants, _ = load_participants(site.participants_dir)
    settings = FetchSettings.from_site(site)
    context = parade_context(site, participants)
    if slug is not None and find_parade(list(context.parades), slug) is None:
        raise SubmitRefused(no_parade(site, slug, context.parades), usage=True)
    done = asyncio.run(submit(store, settings, context, url, slug))
    if done.verdict.accepted:
        selection = select(site, store, participants)
        parade = find_parade(selection.parades, done.parade.slug)
        if parade is not None:
            told_already(store, selection, parade, done.candidate.key)
    return done


def find_site_parade(site: Site, parades: list[Parade], slug: str) -> Parade:
    parade = find_parade(parades, slug)
    if parade is None:
        raise JobError(no_parade(site, slug, parades))
    return parade


def parade_report(site: Site, store: Store, slug: str) -> ParadeStatus:
    """Contributions, rejected candidates and the parade's own feeds, for its host."""
    participants, _ = load_participants(site.participants_dir)
    selection = select(site, store, participants)
    parade = find_site_parade(site, selection.parades, slug)
    hidden = store.hidden_post_ids()
    taken_down = hidden | {page_key(post.url) for post in store.posts_by_id(list(hidden)).values() if post.url}
    return parade_status(selection, parade, store.feed_states(), today(site), taken_down)


def parade_feed_errors(site: Site, store: Store) -> list[str]:
    """The parades' Mentions and Comments feeds that failed when last read, one line each."""
    return [
        f"parade {parade.slug}: {row.name} {row.url}: {row.health}"
        for parade, row in channel_errors(load_parades(site), store.feed_states())
    ]


async def look_at_pages(
    site: Site, store: Store, participants: list[Participant], settings: FetchSettings,
    logins: dict[str, Login] | None = None,
) -> int:  # fmt: skip
    """A feed of summaries may hide the link to a call: ask the post's page, once.  How many
    pages were asked in this run (those looked at before are remembered, not asked again)."""
    selection = select(site, store, participants)
    if not selection.parades:
        return 0
    asked = _CountedLookups(store)
    async with Fetcher(settings) as fetcher:
        await parade_page_links(
            selection.parades, selection.posts, fetcher, asked, today=today(site),
            grace_days=int(site["BLOGPARADE_PARADE_GRACE_DAYS"]), participants=participants,
            logins=logins,
        )  # fmt: skip
    return asked.count


class _CountedLookups:
    """The store's page look-ups, counting those made now (each is stored once made)."""

    def __init__(self, store: Store):
        self.store, self.count = store, 0

    def get_page_lookup(self, url: str):  # noqa: ANN201  a PageLookup | None
        return self.store.get_page_lookup(url)

    def put_page_lookup(self, lookup) -> None:  # noqa: ANN001  a PageLookup
        self.count += 1
        self.store.put_page_lookup(lookup)


def check_site(site: Site) -> CheckResult:
    """What a pull request can change, validated as CI runs it: participant and parade files,
    the addresses participants name (against the network policy), and no aggregated data
    outside the export folder; and the editors' notice targets, so that a typo fails `check`,
    not a night."""
    from .editors.notify import target_problems  # mail and webhooks: not for every fetch

    participants, problems = load_participants(site.participants_dir)
    parades, parade_problems = load_site_parades(site)
    problems += parade_problems + stray_exports(site)
    problems += address_problems(site, participants)
    problems += removed_problems(site, participants)
    problems += [Problem(participant_path(site, p), message,
                         others=tuple(site.participants_dir / f"{slug}.toml" for slug in others))
                 for p, message, others in shared_secret_problems(participants)]  # fmt: skip
    problems += [Problem(participant_path(site, p), why) for p in participants if (why := language_problem(p.language))]
    problems += [Problem(participant_path(site, p), why) for p in participants for why in secret_problems(p)]
    problems += [Problem(site.root / SETTINGS_FILE, message) for message in target_problems(site)]
    problems += [Problem(site.root / SETTINGS_FILE, message) for message in proxy_problems(site)]
    problems += [Problem(site.root / SETTINGS_FILE, message) for message in secrets_in_settings(site)]
    logins = frozenset(p.slug for p in participants if p.login is not None)
    warnings = missing_secrets(site, participants) + unignored_files(site) + roundup_date_problems(site, parades)
    warnings += [Problem(site.root / SETTINGS_FILE, message) for message in unknown_settings(site)]
    warnings += [Problem(site.root / SETTINGS_FILE, message) for message in trust_file_warnings(site)]
    warnings += [Problem(participant_path(site, p), f"department {spelled!r}: the site has {looks_like!r} "
                                                    f"({count} blogs), and shows {spelled!r} as another department; "
                                                    "a typo?")
                 for p, spelled, looks_like, count in department_typos(participants)]  # fmt: skip
    return CheckResult(len(participants), len(parades), problems, warnings, logins, tuple(participants))


# Settings read where site.DEFAULTS and the plugin's do not name them (no default, or the
# environment's too), and the environment's own (logins' secrets, the pool's main module).
OTHER_SETTINGS = frozenset({
    "BLOGPARADE_ALLOWED_NETWORKS", "BLOGPARADE_CA_BUNDLE", "BLOGPARADE_CLIENT_CERT", "BLOGPARADE_CLIENT_KEY",
    "BLOGPARADE_DIGEST_TO", "BLOGPARADE_MAIL_FROM", "BLOGPARADE_PROXY", "BLOGPARADE_SEARCH_PAGES",
    "BLOGPARADE_SECRETS_DIR", "BLOGPARADE_SMTP", "BLOGPARADE_SMTP_PASSWORD", "BLOGPARADE_SMTP_PASSWORD_ENV",
    "BLOGPARADE_BUILD_STAMP", "BLOGPARADE_REUSE_FROM", "BLOGPARADE_READER_CACHE", "BLOGPARADE_SAVE_READER_CACHE",
    "BLOGPARADE_POOL_MAIN",
})  # fmt: skip
SETTING_FAMILIES = ("BLOGPARADE_LOGIN_",)  # logins' secrets: one name each


def unknown_settings(site: Site) -> list[str]:
    """pelicanconf.py's BLOGPARADE_ names that no part of blogparade reads: a misspelt one
    (BLOGPARADE_TIMOUT) was ignored without a word, its default used."""
    from .website.plugin.settings import DEFAULTS as PLUGIN_DEFAULTS  # check only: not every fetch

    known = set(SITE_DEFAULTS) | set(PLUGIN_DEFAULTS) | OTHER_SETTINGS
    found = []
    for name in sorted(site.settings):  # pelicanconf.py's names, and the defaults (known)
        if name.startswith("BLOGPARADE_") and name not in known and not name.startswith(SETTING_FAMILIES):
            close = difflib.get_close_matches(name, known, n=1, cutoff=0.8)
            hint = f" (did you mean {close[0]}?)" if close else ""
            found.append(f"{name} is no setting blogparade reads{hint}: it is ignored")
    return found


def secrets_in_settings(site: Site) -> list[str]:
    """Secrets written into pelicanconf.py, which is in git (and which blogparade never reads
    them from: each is ignored there, and the job fails without it).  No default names one: the
    site's settings hold them only where the file does."""
    return [f"{name} is a secret, and pelicanconf.py is in git: it is not read from there; set it in the "
            "job's environment (or a file in BLOGPARADE_SECRETS_DIR), and take it out of the file"
            for name in sorted(site.settings)
            if name == "BLOGPARADE_SMTP_PASSWORD" or name.startswith(SETTING_FAMILIES)]  # fmt: skip


def roundup_date_problems(site: Site, parades: list[Parade]) -> list[Problem]:
    """A roundup whose Date is not written as YYYY-MM-DD: the end of its parade's late
    contributions is read from it, and was not ("02.12.2026": they stayed welcome for good),
    while Pelican published the roundup dated 12 February 2026."""
    found = []
    for parade in parades:
        path = existing_roundup(site.content, parade, str(site.settings.get("DEFAULT_LANG", "de")))
        meta = read_file_metadata(path) if path is not None else None
        written = meta.first("date").strip() if meta is not None else ""
        published = meta is not None and meta.first("status").strip().lower() not in ("draft", "hidden", "skip")
        if path is not None and written and published and roundup_date(path) is None:
            found.append(Problem(path, f"Date {written!r} is not written as YYYY-MM-DD (e.g. 2026-12-02): "
                                       "the site may show another day, and late contributions to "
                                       f"{parade.slug!r} are taken with no end"))
    return found


def proxy_problems(site: Site) -> list[str]:
    """BLOGPARADE_PROXY in pelicanconf.py that names no usable proxy: every feed would fail each
    night, each blog blamed.  (The environment's proxies are the machine's: not judged here.)"""
    try:
        Proxies.from_environment({}, site.settings.get(PROXY_SETTING))
    except ProxyError as error:
        return [str(error)]
    return []


def trust_file_warnings(site: Site) -> list[str]:
    """The TLS files the settings name that are missing here: every fetch here would refuse to
    run.  A warning, not a problem: CI may check a site on another machine than its nightly
    job's, which has them."""
    from .feeds.trust import CA_BUNDLE, CLIENT_CERT, CLIENT_KEY, setting_or_env

    found = []
    for name in (CA_BUNDLE, CLIENT_CERT, CLIENT_KEY):
        path = setting_or_env(site.settings, name)
        if path and not Path(path).is_file():
            found.append(f"{name}: {path} is not a file here; a fetch on this machine would refuse to run")
    return found


def unignored_files(site: Site) -> list[Problem]:
    """What blogparade writes into the site's folder that the site's git would take, as one
    warning: a .gitignore from before those files existed (an upgraded site's; `init` writes
    today's) let `git add -A` commit the take-down log (it names what was taken down), the
    downloaded images, the spare build tree and the lock.  None where the site is in no git work
    tree, or git is missing."""
    # A file of each folder stands for the folder.
    files = [site.store_path, log_path(site), site.root / LOCK_FILE]
    folders = [backups_folder(site) / f"{site.store_path.stem}-x.sqlite", media_folder(site) / "x.jpg",
               site.output / "index.html", spare_tree(site.output) / "index.html",
               site.export_dir / "x.json"]  # fmt: skip
    names = {os.path.relpath(path, site.root): os.path.relpath(path, site.root) for path in files}
    names |= {os.path.relpath(path, site.root): os.path.relpath(path.parent, site.root) + "/" for path in folders}
    try:
        inside = subprocess.run(["git", "-C", str(site.root), "rev-parse", "--is-inside-work-tree"],
                                capture_output=True, text=True, check=False)  # fmt: skip
        if inside.returncode != 0 or inside.stdout.strip() != "true":
            return []
        ignored = subprocess.run(["git", "-C", str(site.root), "check-ignore", "--no-index", "--stdin"],
                                 input="\n".join(names), capture_output=True, text=True, check=False)  # fmt: skip
    except OSError:
        return []
    if ignored.returncode not in (0, 1):  # 1: none of them is ignored
        return []
    kept_out = set(ignored.stdout.splitlines())
    taken = [shown for name, shown in names.items() if name not in kept_out]
    if not taken:
        return []
    shown = ", ".join(taken)
    return [Problem(site.root / ".gitignore", f"git would take {shown}, which blogparade writes (the "
                    "store and its backups, the take-down log and the images belong to this machine, "
                    "not the repository): add the lines `blogparade init` writes for them")]  # fmt: skip


def participant_path(site: Site, participant: Participant) -> Path:
    return site.participants_dir / f"{participant.slug}.toml"


def missing_secrets(site: Site, participants: list[Participant]) -> list[Problem]:
    """Logins whose secret cannot be had here, named by where it should be (never its value).
    A warning, not a problem: CI checking a pull request has no secrets, the nightly job does."""
    secrets = Secrets.for_site(site.root, site.settings)
    warnings = []
    for participant in participants:
        login = login_for(participant, secrets)
        if login is not None and login.missing:
            warnings.append(Problem(participant_path(site, participant),
                                    f"login ({login.described}): {login.missing}"))
    return warnings


def removed_problems(site: Site, participants: list[Participant]) -> list[Problem]:
    """Participant files of blogs the editors removed for good (`remove --purge`): a pull request
    must not bring one back.  Only where the store is (CI checks without one)."""
    if not site.store_path.is_file():
        return []
    with open_store(site) as store:  # checked as every command that reads it checks it
        buried = store.buried("feed")
    return [
        Problem(site.participants_dir / f"{p.slug}.toml",
                f"{p.feed} was removed from this site for good (see takedowns.log)")
        for p in removed_for_good(participants, buried)
    ]  # fmt: skip


def removed_for_good(participants: list[Participant], buried: frozenset[str]) -> list[Participant]:
    """The participants whose feed was removed with `remove --purge` (`buried`: the feed_keys
    the store keeps of those feeds)."""
    return [p for p in participants if buried and feed_key(p.feed) in buried]


def stray_exports(site: Site) -> list[Problem]:
    """JSON files in content/ outside the export folder: the site's reader would take them for
    aggregated posts (and refuses them), and only blogparade writes those."""
    export = site.export_dir.resolve()
    participants = site.participants_dir.resolve()  # named there already (participants.py)
    return [
        Problem(path, f"a JSON file outside {site.export_dir.relative_to(site.root)}/: aggregated "
                      "posts are written by blogparade alone; remove it")
        for path in sorted(site.content.rglob("*.json"))
        if not path.resolve().is_relative_to(export) and path.parent.resolve() != participants
    ]


def address_problems(site: Site, participants: list[Participant]) -> list[Problem]:
    """Participants whose feed or home resolves to an address the network policy refuses.

    A name that does not resolve here is no problem of the file (DNS may be down, or the blog
    may be on an intranet CI cannot see): fetch refuses it later if it resolves badly."""
    try:
        policy = NetworkPolicy.from_setting(site.settings.get(POLICY_SETTING))
    except PolicyError as error:
        return [Problem(site.root / SETTINGS_FILE, str(error))]
    problems = []
    hosts: dict[str, str | None] = {}
    for participant in participants:
        refused: dict[str, list[str]] = {}  # why, and the keys whose address it is
        for key in ("feed", "home"):
            host = _host(getattr(participant, key))
            if host not in hosts:
                hosts[host] = _refusal(host, policy)
            if why := hosts[host]:
                refused.setdefault(why, []).append(key)
        for why, keys in refused.items():  # a feed and home on one host: said once
            named = " and ".join(f"{key!r} {getattr(participant, key)}" for key in keys)
            problems.append(Problem(site.participants_dir / f"{participant.slug}.toml",
                                    f"{named}: {why}; a pull request cannot change that: the editors decide "
                                    "which networks the site reads"))  # fmt: skip
    return problems


def _host(url: str) -> str:
    """The host name fetch resolves: yarl's (IDNA 2008, UTS 46), not the one Python's IDNA 2003
    codec would make of a Unicode host ("faß.example" is xn--fa-hia.example, not fass.example).
    An address stays as written, for the message ("::ffff:10.0.0.5", not "::ffff:a00:5")."""
    written = urlsplit(url).hostname or ""
    if literal_address(written) is not None:
        return written
    try:
        return yarl.URL(url.strip()).raw_host or ""
    except (ValueError, TypeError, UnicodeError):
        return ""


def _refusal(host: str, policy: NetworkPolicy) -> str | None:
    try:
        resolve_and_check(host, policy)
    except AddressNotAllowed as error:
        return str(error)
    except (OSError, UnicodeError):
        return None
    return None


@dataclass(frozen=True)
class RoundupDraft:
    path: Path
    parade: Parade
    state: State  # the parade's today: before it is closed, the roundup may miss contributions


def draft_roundup(
    site: Site, store: Store, slug: str, *, force: bool = False, html: bool = False
) -> RoundupDraft:
    """Write the roundup draft of a parade into content/ (Markdown), or as HTML to paste into
    WordPress into roundups/ (`html`); JobError if there is no such parade."""
    participants, _ = load_participants(site.participants_dir)
    selection = select(site, store, participants)
    parade = find_site_parade(site, selection.parades, slug)
    lang = str(site.settings.get("DEFAULT_LANG", "de"))
    blogs = {p.slug: p for p in selection.blogs}
    posts, counts, day = selection.contributions(parade), store.comment_tallies(), today(site)
    if html:
        text = roundup_html(parade, posts, participants=blogs, comment_counts=counts, lang=lang)
        path = write_roundup_html(site.root, parade, text, force=force, lang=lang)
    else:
        text = roundup_text(parade, posts, participants=blogs, comment_counts=counts, today=day, lang=lang)
        path = write_roundup(site.content, parade, text, force=force, lang=lang)
    return RoundupDraft(path, parade, state(parade, day))


def blogroll(site: Site) -> str:
    from .editors.opml import export_opml  # with join and discovery: not for every fetch

    participants, _ = load_participants(site.participants_dir)
    return export_opml(participants, title=str(site.settings.get("SITENAME", "blogparade")))
