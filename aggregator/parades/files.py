"""Parade files: one Pelican Markdown page per parade in content/parades/.

The page's metadata defines the parade, in Pelican's (Python-Markdown's ``meta``) syntax::

    Title: Wie arbeiten wir remote?
    Call: https://hafenkante.example/blogparade-wie-arbeiten-wir-remote/
    Start: 2026-11-01
    End: 2026-11-30
    Tag: BlogparadeRemote
    Include: https://example.org/a-post/, https://example.org/another/
    Exclude:
        https://example.net/not-really-a-contribution/
    Mentions: https://webmention.io/api/mentions.jf2?target=https://hafenkante.example/blogparade-…/
    Comments: https://hafenkante.example/blogparade-wie-arbeiten-wir-remote/feed/
    Late: yes

    The call's text, as Markdown.

Start and End are inclusive dates in the site's time zone (Pelican's ``TIMEZONE``): the window runs
from 00:00 local time on Start to 24:00 local time on End.  Include and Exclude hold post URLs,
separated by commas or on indented continuation lines (as Python-Markdown reads them).  The slug
is the file name, or the page's ``Slug:`` where it sets one (Pelican publishes under that).

Where contributions come from besides the site's own blogs (see candidates.py): ``Mentions`` names
a JF2 mention feed of the call (webmention.io's ``/api/mentions.jf2?target=…``), ``Comments`` the
call's comment feed when the call is not on a joined blog (its pingbacks).  ``Late: yes`` accepts
contributions published after End, marked late, until the roundup is published.

Reading validates, like participants.py: every problem comes with the file and, where there is
one, the line, so `blogparade check` lists them all at once.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from ..editors.participants import Problem, is_slug
from ..site import timezone_name
from ..urls import is_comment_page, is_http_url, page_key

if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence

    from ..models import FeedState
    from ..site import Site

State = Literal["upcoming", "open", "closed"]

# The extensions Pelican's Markdown reader takes.
EXTENSIONS = (".md", ".markdown", ".mkd", ".mdown")
REQUIRED = ("title", "call", "start", "end")
# What a parade file may say: its own keys, and Pelican's harmless page metadata.  Anything else
# is a typo ("Edn:") or Pelican metadata that changes where and how the page is built (Template,
# Save_as, Url, Status…): a parade file must not redirect or break the build.
KEYS = (*REQUIRED, "tag", "include", "exclude", "slug", "summary", "lang", "mentions", "comments", "late")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
# Python-Markdown's meta extension, pattern for pattern, so we read what Pelican reads.
_BEGIN = re.compile(r"^-{3}(\s.*)?$")
_END = re.compile(r"^(-{3}|\.{3})(\s.*)?$")
_META = re.compile(r"^[ ]{0,3}(?P<key>[A-Za-z0-9_-]+):\s*(?P<value>.*)")
_MORE = re.compile(r"^[ ]{4,}(?P<value>.*)")
# A comma separates URLs only where another URL follows: a comma inside a URL is left alone.
_URL_SEPARATOR = re.compile(r"\s+|,(?=\s*https?:)|,\s*$", re.I)
_YES = ("yes", "ja", "true", "on", "1")
_NO = ("no", "nein", "false", "off", "0")

# A parade's own channels: where candidates come from besides the joined blogs (candidates.py).
ChannelName = Literal["mentions", "comments", "call"]
CHANNEL_LABELS = {"mentions": "mentions feed", "comments": "comments feed", "call": "call page"}


@dataclass(frozen=True)
class Parade:
    slug: str
    title: str
    call_url: str
    start: date  # inclusive, site time zone
    end: date  # inclusive, site time zone
    tag: str | None = None  # without a leading "#"
    include: tuple[str, ...] = ()  # post URLs that are contributions whatever select thinks
    exclude: tuple[str, ...] = ()  # post URLs that never are
    path: Path | None = None
    timezone: str = "UTC"  # the site's TIMEZONE: what Start and End are dates in
    mentions: str | None = None  # a JF2 mention feed of the call (webmention.io's shape)
    comments: str | None = None  # the call's comment feed, for its pingbacks
    late: bool = False  # contributions after End are taken (marked late) until the roundup
    # The published roundup's day (not in the parade file: membership.py finds the roundup);
    # late contributions published after it are not taken.
    roundup_date: date | None = None
    # The call's other addresses, as its stored post names them (not in the parade file:
    # membership.py adds them): WordPress's shortlink `/?p=42`, its guid.
    call_aliases: tuple[str, ...] = ()

    @cached_property
    def call_keys(self) -> frozenset[str]:
        """The `page_key`s a link to the call may have: its address and its aliases."""
        return frozenset(page_key(url) for url in (self.call_url, *self.call_aliases))

    @property
    def channel_owner(self) -> str:
        """Whom the store files the parade's own channels under (the feeds table's participant)."""
        return f"parade:{self.slug}"

    def failed_comment_pages(self, states: Mapping[str, FeedState]) -> list[str]:
        """The call's other comment pages whose last read (by this parade) failed: asked again
        (collect.py) and shown (report.py) as the call's page is."""
        return [url for url, state in states.items()
                if state.last_error and state.participant == self.channel_owner
                and is_comment_page(url, self.call_url)]  # fmt: skip

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property  # asked for every post: computed once (fine on a frozen dataclass)
    def window_start(self) -> datetime:
        """00:00 local time on Start, in UTC."""
        return _local_midnight(self.start, self.zone)

    @cached_property
    def window_end(self) -> datetime:
        """24:00 local time on End (= 00:00 on the day after), in UTC; not itself in the window."""
        return _local_midnight(self.end + timedelta(days=1), self.zone)

    def contains(self, moment: datetime) -> bool:
        """Whether an aware datetime falls within the window."""
        return self.window_start <= moment < self.window_end

    def admits(self, moment: datetime) -> bool:
        """Whether a post published at `moment` may contribute: within the window, or after it
        where the parade takes late contributions (until the day of its roundup)."""
        if self.contains(moment):
            return True
        return self.late and self.is_late(moment) and (
            self.roundup_date is None or self.local_date(moment) <= self.roundup_date
        )

    def is_late(self, moment: datetime) -> bool:
        """Published after the window (what a late contribution is marked as)."""
        return moment >= self.window_end

    def local_date(self, moment: datetime) -> date:
        """The day `moment` is in the site's time zone (what a reader of the site calls its date)."""
        return moment.astimezone(self.zone).date()


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    # zoneinfo resolves a midnight that a DST switch skips or repeats (fold=0: the first one).
    return datetime.combine(day, time(0), tzinfo=zone).astimezone(UTC)


# --- state --------------------------------------------------------------------------------------


def state(parade: Parade, today: date) -> State:
    """Where the parade stands on `today` (a date in the site's time zone)."""
    if today < parade.start:
        return "upcoming"
    return "open" if today <= parade.end else "closed"


def takes_contributions(parade: Parade, today: date) -> bool:
    """Open on `today`, or closed and taking late contributions (Late: yes) until its roundup."""
    now = state(parade, today)
    return now == "open" or (now == "closed" and parade.late
                             and (parade.roundup_date is None or today <= parade.roundup_date))  # fmt: skip


def days_left(parade: Parade, today: date) -> int:
    """The days on which one can still contribute, today included: on End that is 1.

    Before the start that is the whole window; after the end, 0."""
    first = max(today, parade.start)
    return max((parade.end - first).days + 1, 0)


def local_today(timezone: str | ZoneInfo = "UTC", now: datetime | None = None) -> date:
    """Today's date in a time zone (the site's), for state() and friends."""
    zone = ZoneInfo(timezone) if isinstance(timezone, str) else timezone
    return (now or datetime.now(UTC)).astimezone(zone).date()


# Years a date a page or a channel gives may be in: outside them it is a placeholder or a typo
# (0001-01-01, 9999-12-31) that no window holds, and moving it to another time zone overflows.
PLAUSIBLE_YEARS = range(1900, 2201)


def plausible(moment: datetime | None) -> datetime | None:
    """`moment`, or None where its year is no year a post is published in (see PLAUSIBLE_YEARS)."""
    return moment if moment is not None and moment.year in PLAUSIBLE_YEARS else None


# --- reading ------------------------------------------------------------------------------------


class ParadeError(Exception):
    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class _Meta:
    """A file's metadata: values per lower-cased key, and the line each key was first given on."""

    values: dict[str, list[str]] = field(default_factory=dict)
    lines: dict[str, int] = field(default_factory=dict)

    def first(self, key: str) -> str:
        return self.values[key][0] if key in self.values else ""


def read_file_metadata(path: Path) -> _Meta | None:
    """The metadata block of a Markdown file, from its head (a roundup's, an editor's page);
    None where the file cannot be read."""
    try:
        return read_metadata(path.read_text(encoding="utf-8-sig", errors="replace")[:4000])
    except OSError:
        return None


def read_metadata(text: str) -> _Meta:
    """The metadata block at the top of a Markdown file, read the way Python-Markdown does."""
    meta, key = _Meta(), None
    lines = text.splitlines()
    start = 1 if lines and _BEGIN.match(lines[0]) else 0
    for number, line in enumerate(lines[start:], start=start + 1):
        if not line.strip() or _END.match(line):
            break
        if match := _META.match(line):
            key = match["key"].lower().strip()
            meta.values.setdefault(key, []).append(match["value"].strip())
            meta.lines.setdefault(key, number)
        elif (more := _MORE.match(line)) and key:
            meta.values[key].append(more["value"].strip())
        else:
            break
    return meta


def read_parade(path: Path, timezone: str = "UTC") -> Parade:
    """One parade file, validated; ParadeError lists everything wrong with it."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise ParadeError([Problem(path, f"cannot read: {error}")]) from error
    meta = read_metadata(text)
    if not meta.values:
        message = "no metadata: a parade page starts with lines like 'Title: …', 'Call: …'"
        raise ParadeError([Problem(path, message, 1)])
    problems = _check_keys(path, meta)
    slug = meta.first("slug") or path.stem
    if not is_slug(slug):
        where = "'Slug'" if "slug" in meta.values else "the file name"
        problems.append(Problem(path, f"{where} must be a slug: lower-case letters, digits and "
                                      f"dashes, not {slug!r}", meta.lines.get("slug")))
    call = meta.first("call")
    if "call" in meta.values and not is_http_url(call):
        problems.append(_problem(path, meta, "call", f"'Call' must be an http(s) URL, not {call!r}"))
    start, end = _date(path, meta, "start", problems), _date(path, meta, "end", problems)
    if start and end and end < start:
        problems.append(_problem(path, meta, "end", f"'End' ({end}) is before 'Start' ({start})"))
    tag = meta.first("tag").strip().lstrip("#").strip() or None
    if "tag" in meta.values and not tag:
        problems.append(_problem(path, meta, "tag", "'Tag' is empty: leave it out, or name the tag"))
    include = _urls(path, meta, "include", problems)
    exclude = _urls(path, meta, "exclude", problems)
    problems += _contradictions(path, meta, include, exclude)
    mentions = _feed_url(path, meta, "mentions", problems)
    comments = _feed_url(path, meta, "comments", problems)
    late = _flag(path, meta, "late", problems)
    if problems:
        raise ParadeError(problems)
    assert start and end  # no problems: both were read
    return Parade(slug, meta.first("title"), call, start, end, tag, include, exclude, path, timezone,
                  mentions, comments, late)  # fmt: skip


def _problem(path: Path, meta: _Meta, key: str, message: str) -> Problem:
    return Problem(path, message, meta.lines.get(key))


def _check_keys(path: Path, meta: _Meta) -> list[Problem]:
    problems = [
        Problem(path, f"missing '{key.capitalize()}'") for key in REQUIRED if key not in meta.values
    ]
    if "title" in meta.values and not meta.first("title"):
        problems.append(_problem(path, meta, "title", "'Title' is empty"))
    for key in REQUIRED:
        if len(meta.values.get(key, ())) > 1 and key != "title":
            problems.append(_problem(path, meta, key, f"'{key.capitalize()}' takes one value"))
    # An unindented URL line reads as the key "http"/"https": it ends the value above it.
    for key in ("http", "https"):
        if key in meta.values:
            message = (f"line starts with '{key}:' - URLs continuing 'Include' or 'Exclude' on "
                       "their own lines must be indented by four spaces")
            problems.append(_problem(path, meta, key, message))
    for key in meta.values:
        if key not in KEYS and key not in ("http", "https"):
            problems.append(_problem(path, meta, key, _unknown_key(key)))
    return problems


# Pelican's metadata that would change where or how a parade's page is built.
_PELICAN_KEYS = frozenset({"template", "save_as", "url", "status", "category", "date", "modified",
                           "translation", "author", "authors", "tags", "override_url"})  # fmt: skip


def _unknown_key(key: str) -> str:
    if key in _PELICAN_KEYS:
        return (f"'{key.capitalize()}' is Pelican's metadata, which would change where or how the "
                "parade's page is built: a parade file does not take it")  # fmt: skip
    guess = difflib.get_close_matches(key, KEYS, n=1, cutoff=0.6)
    hint = f"did you mean '{guess[0].capitalize()}'?" if guess else (
        "a parade file takes " + ", ".join(f"'{k.capitalize()}'" for k in KEYS))
    return f"unknown key '{key.capitalize()}': {hint}"


def _date(path: Path, meta: _Meta, key: str, problems: list[Problem]) -> date | None:
    if key not in meta.values:
        return None
    value = meta.first(key)
    try:
        if _ISO_DATE.match(value):
            return date.fromisoformat(value)
    except ValueError:
        pass
    message = f"'{key.capitalize()}' must be a date like 2026-11-01, not {value!r}"
    problems.append(_problem(path, meta, key, message))
    return None


def split_urls(values: list[str]) -> tuple[str, ...]:
    """URLs given comma-separated and/or one per line, in order, without repeats."""
    urls = (part.strip() for value in values for part in _URL_SEPARATOR.split(value))
    return tuple(dict.fromkeys(url for url in urls if url))


def _urls(path: Path, meta: _Meta, key: str, problems: list[Problem]) -> tuple[str, ...]:
    urls = split_urls(meta.values.get(key, []))
    for url in urls:
        if not is_http_url(url):
            message = f"'{key.capitalize()}' holds {url!r}, which is not an http(s) URL"
            problems.append(_problem(path, meta, key, message))
    return urls


def _feed_url(path: Path, meta: _Meta, key: str, problems: list[Problem]) -> str | None:
    """One http(s) URL (a feed the fetch stage reads), or None where the key is not given."""
    if key not in meta.values:
        return None
    urls = split_urls(meta.values[key])
    name = key.capitalize()
    if len(urls) != 1:
        what = "is empty" if not urls else f"takes one URL, not {len(urls)}"
        problems.append(_problem(path, meta, key, f"'{name}' {what}"))
        return None
    if not is_http_url(urls[0]):
        problems.append(_problem(path, meta, key, f"'{name}' must be an http(s) URL, not {urls[0]!r}"))
        return None
    return urls[0]


def _flag(path: Path, meta: _Meta, key: str, problems: list[Problem]) -> bool:
    if key not in meta.values:
        return False
    value = meta.first(key).strip().lower()
    if value in _YES:
        return True
    if value not in _NO:
        message = f"'{key.capitalize()}' is 'yes' or 'no', not {meta.first(key)!r}"
        problems.append(_problem(path, meta, key, message))
    return False


def _contradictions(
    path: Path, meta: _Meta, include: tuple[str, ...], exclude: tuple[str, ...]
) -> list[Problem]:

    excluded = {page_key(url) for url in exclude}
    return [
        _problem(path, meta, "include", f"{url} is both included and excluded")
        for url in include
        if page_key(url) in excluded
    ]


def load_parades(folder: Path, timezone: str = "UTC") -> tuple[list[Parade], list[Problem]]:
    """Every parade in a folder, and the problems of the files that are not usable.

    Two parades with one slug would publish one page over the other; two with one call would
    collect the same posts twice: the second of each is a problem and left out.
    """
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        return [], [Problem(folder, f"unknown time zone {timezone!r} (Pelican's TIMEZONE setting)")]
    parades: list[Parade] = []
    problems: list[Problem] = []
    slugs: dict[str, Path] = {}
    calls: dict[str, Path] = {}
    for path in _parade_files(folder):
        try:
            parade = read_parade(path, timezone)
        except ParadeError as error:
            problems.extend(error.problems)
            continue
        problem = _duplicate(parade, slugs, calls)
        if problem:
            problems.append(problem)
            continue
        parades.append(parade)
    return parades, problems


def _parade_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if p.suffix.lower() in EXTENSIONS and p.is_file())


def _duplicate(parade: Parade, slugs: dict[str, Path], calls: dict[str, Path]) -> Problem | None:
    """A second parade of one slug or call: a problem of both files (`others`: check --base holds
    it against a request that adds either)."""
    assert parade.path is not None
    call = page_key(parade.call_url)
    if parade.slug in slugs:
        return Problem(parade.path, f"same slug {parade.slug!r} as {slugs[parade.slug].name}", others=(slugs[parade.slug],))
    if call in calls:
        return Problem(parade.path, f"same call as {calls[call].name}: {parade.call_url}", others=(calls[call],))
    slugs[parade.slug], calls[call] = parade.path, parade.path
    return None


def site_timezone(site: Site) -> str:
    return timezone_name(site.settings)


def load_site_parades(site: Site) -> tuple[list[Parade], list[Problem]]:
    """The site's parades, dated in its time zone."""
    return load_parades(site.parades_dir, site_timezone(site))


def find_parade(parades: list[Parade], slug: str) -> Parade | None:
    return next((parade for parade in parades if parade.slug == slug), None)


def no_parade(site: Site, slug: str, parades: Sequence[Parade]) -> str:
    """Why no parade is called `slug`, in one sentence: the problems of its file (named so),
    which leave it out of every command but `check`; else the slugs there are."""
    _, problems = load_site_parades(site)
    found = [problem for problem in problems if problem.path.stem == slug]
    if found:
        said = "; ".join(f"line {p.line}: {p.message}" if p.line else p.message for p in found)
        return f"parade {slug!r} is left out until {found[0].path} is mended: {said}"
    known = ", ".join(parade.slug for parade in parades) or "none"
    return f"no parade {slug!r} in {site.parades_dir} (known: {known})"
