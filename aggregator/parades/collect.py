"""The fetch stage's parade step: candidates from every channel, their pages looked at, accepted
ones stored with their blog, and their comments followed.  All I/O is here; what is a candidate
(candidates.py), what a page says (page_reading.py) and what is a contribution (verify.py) is
decided by pure modules.

For each parade still followed (open, closed less than BLOGPARADE_PARADE_GRACE_DAYS ago, or taking
late contributions until its roundup):

1. its channels: the pingbacks the call post received (where the call is on a joined blog they
   are stored with its comments already), the ``Comments`` and ``Mentions`` feeds, the call's own
   page and its other comment pages (its comment list: every pingback and comment, where a
   comment feed gives the newest 10), each fetched like a feed (conditional, its state and
   errors in the store's feeds table, as participant ``parade:<slug>``, waiting after a
   Retry-After or repeated failures as decide.py says), and the parade file's Include;
2. the pages of candidates that need a look: never looked at; or still rejected while the parade
   takes contributions, and last looked at a day ago or more.  An accepted page is not asked
   again, and a failed look keeps what an earlier one read: nothing accepted is lost.  One look
   is one request for the page and, where it names one, one for its blog's feed (for the entry
   of that page: the first source of its date), each feed once per run; where no link of it
   leads to a call as written, up to redirects.MAX_FOLLOWED of its links that may redirect to
   one (an old slug on the call's site, a shortener's address) are followed.  Pages of one
   host are asked one after another; a joined blog's post that links no call as written has
   such links followed once (redirects.follow_joined_links);
3. accepted pages become posts (external.py), whose comments are then read through the comment
   pipeline of update.py, as a joined blog's are.

`submit` is the same look for one URL a person hands in, while they wait.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta, tzinfo
from functools import partial
from http import HTTPStatus
from typing import TYPE_CHECKING, Literal
from urllib.parse import urlsplit

from ..feeds import comments as comment_plan
from ..feeds import decide
from ..feeds.fetch import FEED_ACCEPT, HTML_ACCEPT, Fetcher, FetchSettings
from ..feeds.update import CommentOptions, FeedReport, Updater, body_hash
from ..models import (
    CandidatePage,
    ErrorKind,
    FeedState,
    FetchError,
    FetchResult,
    NamedCandidate,
    ParadeCandidate,
    ParsedFeed,
    Participant,
    Post,
    StoredPost,
)  # fmt: skip
from ..store import Store, utcnow
from ..urls import is_http_url, page_key, same_host
from . import candidates as channels
from .external import blog_of, contribution_post, joined_blog, participants_of
from .files import CHANNEL_LABELS, ChannelName, Parade, state, takes_contributions
from .membership import call_posts, candidate_posts, stored_candidates, stored_pages, with_call_aliases
from .pages import remembered_page_links
from .redirects import follow_joined_links, with_redirects
from .select import followed_parade
from .shortlinks import learn_shortlinks, named_shortlink, stored_shortlinks
from .verify import Reason, Verdict, judge_post, verify

if TYPE_CHECKING:
    from .page_reading import CallComments

# feeds.parse, feeds.clean and page_reading (lxml, nh3, feedparser's dates) are imported where a
# parade has something to read: a fetch of a site without parades never needs them.
RETRY_AFTER = timedelta(days=1)  # a rejected page is looked at again at most this often
CHANNEL_PROBE_RETRY = comment_plan.PROBE_RETRY

MAX_CALL_PAGES = 20  # of a call's comment pages read in one run (WordPress shows 50 comments a page)

@dataclass(frozen=True)
class ChannelReport:
    """One read of a parade's Mentions or Comments feed."""

    parade: str
    channel: ChannelName
    url: str
    outcome: Literal["updated", "unchanged", "error", "waiting"]
    named: int = 0  # candidates it named (this read)
    error: FetchError | None = None  # this read's; for a feed waiting for its next try, the last

    @property
    def label(self) -> str:
        return CHANNEL_LABELS[self.channel]


@dataclass
class ParadeRun:
    """What the parade step did, for the fetch summary."""

    channels: list[ChannelReport] = field(default_factory=list)
    new_candidates: int = 0
    looked_at: int = 0  # pages asked for
    accepted: int = 0  # pages that became contributions in this run
    comments: list[FeedReport] = field(default_factory=list)  # external contributions' comment feeds

    @property
    def errors(self) -> list[ChannelReport]:
        return [report for report in self.channels if report.outcome == "error"]


@dataclass(frozen=True)
class Context:
    """What the step knows before it asks anything."""

    parades: Sequence[Parade]  # every parade of the site
    participants: Sequence[Participant]  # the joined blogs
    today: date
    grace_days: int
    politeness: decide.Politeness = decide.Politeness()  # for the parades' own feeds (`--all`)
    zone: tzinfo = UTC  # the site's: of a date a feed writes without one


# --- which pages need a look ----------------------------------------------------------------------


def due(
    candidate: ParadeCandidate, page: CandidatePage | None, parade: Parade, today: date,
    now: datetime,
) -> bool:  # fmt: skip
    """Whether the candidate's page is worth a request now (see the module's step 2)."""
    if page is None:
        return True
    verdict = verify(candidate, page, parade)
    if verdict.accepted or verdict.reason in (Reason.IS_CALL, Reason.EXCLUDED):
        return False
    return takes_contributions(parade, today) and now - page.checked_at >= RETRY_AFTER


# --- looking at one page --------------------------------------------------------------------------


class FeedCache:
    """A blog's feed, fetched and parsed once per run however many of its pages are looked at."""

    def __init__(self, fetcher: Fetcher, zone: tzinfo = UTC):
        self.fetcher = fetcher
        self.zone = zone  # the site's: of a date written without one
        self._feeds: dict[str, asyncio.Task[ParsedFeed | None]] = {}

    def get(self, url: str) -> asyncio.Task[ParsedFeed | None]:
        if url not in self._feeds:
            self._feeds[url] = asyncio.ensure_future(self._read(url))
        return self._feeds[url]

    async def _read(self, url: str) -> ParsedFeed | None:
        from ..feeds.parse import ParseError, parse_feed

        result = await self.fetcher.fetch(url)
        if not result.ok:
            return None
        try:
            body, headers = result.body or b"", dict(result.headers)
            read = partial(parse_feed, zone=self.zone)
            return await asyncio.to_thread(read, body, headers, result.final_url)
        except ParseError:
            return None


async def look(
    url: str, fetcher: Fetcher, feeds: FeedCache, now: datetime, parades: Sequence[Parade] = ()
) -> CandidatePage:
    """One look at a candidate's page: fetched, read, its links that may redirect to a call of
    `parades` followed, and its entry found in its blog's feed."""
    from .page_reading import is_html, read_page

    key = page_key(url)
    result = await fetcher.fetch(url, accept=HTML_ACCEPT)
    if result.error is not None or not result.ok:
        return CandidatePage(key, url, now, "unfetchable", str(page_error(result)))
    content_type = result.headers.get("content-type", "")
    if not is_html(content_type):
        kind = content_type.split(";")[0].strip()
        return CandidatePage(key, url, now, "not-html", f"{kind}, not a web page")
    reading = await asyncio.to_thread(read_page, result.body or b"", result.final_url, content_type)
    feed = await feeds.get(reading.feed) if reading.feed else None
    entry = own_entry(feed, (url, result.final_url, reading.canonical or ""), reading.url) if feed else None
    reading = await with_redirects(reading, entry, fetcher, parades)
    home = feed.home_url if feed and is_http_url(feed.home_url) else None
    return CandidatePage(key, url, now, reading=reading, entry=entry,
                         feed_title=feed.title if feed else "", feed_home=home)  # fmt: skip


def page_error(result: FetchResult) -> FetchError:
    """Why a page could not be read, in a page's words: an HTTP error by its status alone (the
    fetch layer explains them for feeds: "410 Gone: the feed was removed for good")."""
    if result.status is not None and result.status >= 400:
        kind = result.error.kind if result.error else ErrorKind.HTTP
        return FetchError(kind, f"{result.status} {_phrase(result.status)}".strip())
    return result.error or FetchError(ErrorKind.HTTP, f"status {result.status}")


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def own_entry(feed: ParsedFeed, urls: Iterable[str], page_url: str) -> Post | None:
    """The feed's entry for the page read at `page_url`, by any of its addresses on that site,
    cleaned as a post would be.  An address on another site (a canonical naming another blog's
    post, a redirect's start) would let a page borrow that blog's entry, and the links in it."""
    from ..feeds.clean import clean_post

    keys = {page_key(url) for url in urls if url and same_host(url, page_url)}
    for entry in feed.entries:
        if entry.url and page_key(entry.url) in keys:
            # No name or author: clean_post would take them for the post's author.
            stand_in = Participant("-", "", page_url, feed.home_url or page_url)
            return clean_post(entry, stand_in)
    return None


# --- storing what was found -----------------------------------------------------------------------


def accept(store: Store, page: CandidatePage, verdict: Verdict, participants: Sequence[Participant],
           now: datetime) -> str:  # fmt: skip
    """Store an accepted page as a post (of the joined blog whose site it is on, else of its
    external blog); returns the post's id."""
    found = verdict.contribution
    assert found is not None and page.reading is not None
    joined = joined_blog(found.url, participants)
    if joined is not None:
        slug = joined.slug
    else:
        blog = blog_of(found, store.external_blogs(), now)
        store.put_external_blog(blog)
        slug = blog.slug
    post = contribution_post(found, page, slug)
    store.save_posts([post], now)
    return post.id


def settle(
    store: Store, page: CandidatePage, judged: Sequence[tuple[ParadeCandidate, Parade]],
    context: Context, now: datetime,
) -> bool:  # fmt: skip
    """Store a look and, where any parade accepts the page, its post.  True when accepted."""
    for candidate, parade in judged:
        verdict = verify(candidate, page, parade)
        if verdict.accepted and page.reading is not None:
            page = replace(page, post_id=accept(store, page, verdict, context.participants, now))
            break
    store.put_candidate_page(page)
    return page.post_id is not None


def remembered(store: Store, context: Context, now: datetime) -> int:
    """Accepted pages without a post (the parade file changed since: an Include, Late, a later
    End): stored from what their page said, without asking again.  Returns how many."""
    stored = 0
    pages = stored_pages(store)
    for parade in context.parades:
        for candidate in stored_candidates(store, parade.slug):
            page = pages.get(candidate.key)
            if page is None or page.post_id or page.reading is None:
                continue
            verdict = verify(candidate, page, parade)
            if verdict.accepted:
                post = accept(store, page, verdict, context.participants, now)
                pages[candidate.key] = replace(page, post_id=post)
                store.put_candidate_page(pages[candidate.key])
                stored += 1
    return stored


# --- channels -------------------------------------------------------------------------------------


async def read_channel(
    fetcher: Fetcher, store: Store, parade: Parade, channel: ChannelName, url: str, now: datetime,
    politeness: decide.Politeness = decide.Politeness(),
) -> tuple[ChannelReport, int, CallComments | None]:  # fmt: skip
    """A parade's Mentions or Comments feed, or a page of its call, conditionally, its
    candidates stored; returns how many of them are new, and what a page of the call that
    changed says (its other comment pages, its shortlink).  What did not change names nothing
    new (what it named before is stored)."""
    owner = parade.channel_owner
    twin = comment_plan.atom_twin(url) if channel == "comments" else None
    for address in ([twin] if twin else []) + [url]:
        state = store.feed_state(address)
        probe = address != url
        if probe and state and not comment_plan.worth_probing(state.last_error is not None,
                                                              state.last_attempt, now):  # fmt: skip
            continue
        verdict = decide.verdict(state, now, politeness)
        if verdict is not decide.Verdict.ASK:
            if probe:
                continue  # a guessed twin gone or waiting: the configured feed is asked instead
            assert state is not None  # a feed never asked is always asked
            outcome = "waiting" if verdict is decide.Verdict.WAIT else "error"  # 410: for good
            return ChannelReport(parade.slug, channel, address, outcome, error=state.last_error), 0, None
        accept = HTML_ACCEPT if channel == "call" else FEED_ACCEPT
        result = await fetcher.fetch(address, state.conditional if state else None, accept=accept)
        report, new, page = await _channel_answer(store, parade, channel, owner, address, result,
                                                  state, now, politeness)  # fmt: skip
        if report.error is None or not probe:
            return report, new, page
    raise AssertionError("unreachable: the configured address is always asked")


async def read_call_pages(
    fetcher: Fetcher, store: Store, parade: Parade, now: datetime,
    politeness: decide.Politeness = decide.Politeness(),
) -> tuple[list[ChannelReport], int]:  # fmt: skip
    """The call's page, and the comment pages it links (WordPress pages a long thread, the
    newest page at the call's address), up to MAX_CALL_PAGES.  A page that did not change
    leads to no others: comments come in on the newest.  A page whose last read failed is asked
    again (as its wait allows) whether or not a page leads to it: what links it may not change
    for weeks.  The shortlink the call's page names is stored (shortlinks.py), as a read of it
    for that."""
    todo, seen = [parade.call_url, *parade.failed_comment_pages(store.feed_states(failing=True))], set()
    reports: list[ChannelReport] = []
    new = 0
    while todo and len(seen) < MAX_CALL_PAGES:
        url = todo.pop(0)
        if url in seen:
            continue
        seen.add(url)
        report, named, page = await read_channel(fetcher, store, parade, "call", url, now, politeness)
        reports.append(report)
        new += named
        if page is not None:
            todo += page.pages
            if url == parade.call_url:
                store.put_call_shortlink(url, page.shortlink, now)
    return reports, new


async def _channel_answer(
    store: Store, parade: Parade, channel: ChannelName, owner: str, url: str, result: FetchResult,
    state: FeedState | None, now: datetime, politeness: decide.Politeness,
) -> tuple[ChannelReport, int, CallComments | None]:  # fmt: skip
    def failed(error: FetchError) -> tuple[ChannelReport, int, CallComments | None]:
        failures = (state.consecutive_errors if state else 0) + 1
        later = decide.next_try(failures, [result], now, politeness)  # Retry-After, or backing off
        store.record_error(owner, url, error, kind="parade", next_try=later)
        return ChannelReport(parade.slug, channel, url, "error", error=error), 0, None

    from ..feeds.parse import ParseError

    if result.error is not None:
        return failed(result.error)
    cache = result.conditional
    if result.not_modified or (result.body and body_hash(result.body) == (state and state.body_hash)):
        store.record_unchanged(owner, url, etag=cache.etag, last_modified=cache.last_modified, kind="parade")
        return ChannelReport(parade.slug, channel, url, "unchanged"), 0, None
    try:
        # A call's page may be big (thousands of comments): read off the loop, as pages are.
        named, page = await asyncio.to_thread(_named, channel, result, parade)
    except channels.NotAMentionFeed as error:
        return failed(error.error)
    except ParseError as error:
        return failed(FetchError(error.kind, error.message))
    # Its candidates first: an answer recorded as read before them would be "unchanged" next
    # time, and what it named lost for good wherever storing them failed.
    new = store.add_candidates(parade.slug, named, now)
    store.record_success(owner, url, etag=cache.etag, last_modified=cache.last_modified,
                         body_hash=body_hash(result.body or b""), kind="parade")  # fmt: skip
    return ChannelReport(parade.slug, channel, url, "updated", len(named)), new, page


def _named(
    channel: ChannelName, result: FetchResult, parade: Parade
) -> tuple[list[NamedCandidate], CallComments | None]:
    from ..feeds.parse import ParseError, parse_feed

    if channel == "mentions":
        return channels.from_jf2(result.body or b"", parade.zone), None
    if channel == "call":
        from .page_reading import is_html, read_call_comments

        content_type = result.headers.get("content-type", "")
        if not is_html(content_type):
            raise ParseError(ErrorKind.NOT_A_FEED, f"not an HTML page ({content_type.split(';')[0]})")
        found = read_call_comments(result.body or b"", result.final_url, content_type)
        found = replace(found, shortlink=named_shortlink(result, found.shortlink, parade.call_url))
        return channels.from_call_page(found, parade.call_url), found
    feed = parse_feed(result.body or b"", dict(result.headers), result.final_url, zone=parade.zone)
    return channels.from_comment_feed(feed.entries, parade.call_url), None


async def gather_candidates(
    fetcher: Fetcher, store: Store, parades: Sequence[Parade], joined_posts: Sequence[StoredPost],
    run: ParadeRun, now: datetime, politeness: decide.Politeness = decide.Politeness(),
) -> None:  # fmt: skip
    async def one(parade: Parade) -> None:
        named = channels.named(parade.include, "include")
        for post in call_posts(parade, joined_posts):
            named += channels.from_call_mentions(store.comments(post.id), parade.call_url)
        run.new_candidates += store.add_candidates(parade.slug, named, now)
        for channel, url in (("mentions", parade.mentions), ("comments", parade.comments)):
            if url:
                report, new, _ = await read_channel(
                    fetcher, store, parade, channel, url, now, politeness  # type: ignore[arg-type]
                )
                run.channels.append(report)
                run.new_candidates += new
        reports, new = await read_call_pages(fetcher, store, parade, now, politeness)
        run.channels += reports
        run.new_candidates += new

    await asyncio.gather(*(one(parade) for parade in parades))


# --- the step -------------------------------------------------------------------------------------


async def verify_candidates(
    fetcher: Fetcher, store: Store, parades: Sequence[Parade], context: Context,
    joined_keys: set[str], run: ParadeRun, now: datetime,
) -> None:  # fmt: skip
    """Look at the pages that need it, host by host, and store what they said."""
    pages = stored_pages(store)
    wanted: dict[str, list[tuple[ParadeCandidate, Parade]]] = defaultdict(list)
    for parade in parades:
        for candidate in stored_candidates(store, parade.slug):
            if candidate.key in joined_keys:
                continue  # a joined blog's post: select.py judges it as it comes from its feed
            wanted[candidate.key].append((candidate, parade))
    looks = {
        key: judged for key, judged in wanted.items()
        if any(due(candidate, pages.get(key), parade, context.today, now) for candidate, parade in judged)
    }  # fmt: skip
    by_host: dict[str, list[str]] = defaultdict(list)
    for key, judged in looks.items():
        by_host[(urlsplit(judged[0][0].url).hostname or "").lower()].append(key)
    feeds = FeedCache(fetcher, context.zone)

    async def host(keys: list[str]) -> None:
        for key in keys:  # one after another: politeness towards one blog's server
            judged = looks[key]
            page = await look(judged[0][0].url, fetcher, feeds, now, [parade for _, parade in judged])
            run.looked_at += 1
            if settle(store, page, judged, context, now):
                run.accepted += 1

    await asyncio.gather(*(host(keys) for keys in by_host.values()))


async def follow_comments(
    store: Store, fetcher: Fetcher, context: Context, parades: Sequence[Parade], now: datetime
) -> list[FeedReport]:
    """Comments of the external contributions of followed parades, through update.py's pipeline."""
    ids: set[str] = set()
    pages = stored_pages(store)
    for parade in parades:
        for candidate in stored_candidates(store, parade.slug):
            page = pages.get(candidate.key)
            if page and page.post_id and verify(candidate, page, parade).accepted:
                ids.add(page.post_id)
    ids -= store.hidden_post_ids()  # a post taken down with `hide`: its comments are not wanted
    if not ids:
        return []
    posts = store.posts_by_id(list(ids))
    updater = Updater(store, fetcher, None)
    options = CommentOptions(days=0, always=frozenset(ids))
    reports: list[FeedReport] = []
    joined = {p.slug for p in context.participants}
    for blog in participants_of(store.external_blogs()):
        if blog.slug in joined or not any(post.participant == blog.slug for post in posts.values()):
            continue
        reports += await updater.update_comments(blog, options, now)
    return reports


def unstored_calls(parades: Iterable[Parade], joined_posts: Iterable[StoredPost]) -> list[Parade]:
    """The parades whose call is no stored post of a joined blog (one that is names its
    shortlink in its guid): their call pages are read for it."""
    joined_posts = list(joined_posts)
    return [parade for parade in parades if not call_posts(parade, joined_posts)]


async def follow_parades(
    store: Store, settings: FetchSettings, context: Context, *, now: datetime | None = None
) -> ParadeRun:
    """The whole step (see the module's docstring) for the parades still followed."""
    now = now or utcnow()
    run = ParadeRun()
    parades = [p for p in context.parades if followed_parade(p, context.today, context.grace_days)]
    if not parades:
        return run
    joined = {p.slug for p in context.participants}
    joined_posts = [post for post in candidate_posts(store, parades, context.participants)
                    if post.participant in joined]  # fmt: skip
    joined_keys = {page_key(post.url) for post in joined_posts}
    async with Fetcher(settings) as fetcher:
        # Gathering reads the call's page, and with it the shortlink it names.
        await gather_candidates(fetcher, store, parades, joined_posts, run, now, context.politeness)
        # From here on, a link to a call's shortlink is a link to the call.
        aliased = with_call_aliases(context.parades, joined_posts, stored_shortlinks(store))
        context = replace(context, parades=aliased)
        parades = [p for p in context.parades if followed_parade(p, context.today, context.grace_days)]
        await follow_joined_links(fetcher, store, parades, joined_posts,
                                  remembered_page_links(joined_posts, store), now)  # fmt: skip
        run.accepted += remembered(store, context, now)
        await verify_candidates(fetcher, store, parades, context, joined_keys, run, now)
        run.comments = await follow_comments(store, fetcher, context, parades, now)
    return run


# --- a page handed in -----------------------------------------------------------------------------


class SubmitRefused(Exception):
    """A submitted URL cannot be taken; the message says why, for a person.  `usage`: the
    request itself is wrong (not a URL, no parade to hand it to)."""

    def __init__(self, message: str, *, usage: bool = False):
        super().__init__(message)
        self.usage = usage


@dataclass(frozen=True)
class Submitted:
    parade: Parade
    candidate: ParadeCandidate
    verdict: Verdict
    # A page turned down is looked at again once a day while the parade takes contributions:
    # whether it will (the parade is open, upcoming, or takes late ones still).
    looked_at_again: bool = True
    joined: StoredPost | None = None  # the joined blog's post the URL is, where it is one
    joined_blog: str = ""  # and that blog's name


def choose_parade(parades: Sequence[Parade], slug: str | None, today: date) -> Parade:
    """The parade named, or the one taking contributions today (open, or taking late ones);
    SubmitRefused(usage) says what to name."""
    known = ", ".join(parade.slug for parade in parades) or "none"
    if slug is not None:
        found = next((parade for parade in parades if parade.slug == slug), None)
        if found is None:
            raise SubmitRefused(f"no parade {slug!r} (known: {known})", usage=True)
        return found
    taking = [parade for parade in parades if takes_contributions(parade, today)]
    if len(taking) == 1:
        return taking[0]
    if not taking:
        raise SubmitRefused(f"no parade is open today, nor taking late contributions: name one with "
                            f"--parade (known: {known})", usage=True)  # fmt: skip
    names = ", ".join(parade.slug for parade in taking)
    raise SubmitRefused(f"{len(taking)} parades take contributions today ({names}): name one with --parade",
                        usage=True)  # fmt: skip


async def submit(
    store: Store, settings: FetchSettings, context: Context, url: str, slug: str | None = None,
    *, now: datetime | None = None,
) -> Submitted:  # fmt: skip
    """Hand in `url` as a candidate of a parade, look at its page now, and say the verdict.

    SubmitRefused, with nothing stored, when the URL is not http(s), or its page cannot be
    fetched (unreachable, refused by the network policy, an HTTP error) or is not HTML."""
    now = now or utcnow()
    url = url.strip()
    if not is_http_url(url):
        raise SubmitRefused(f"{url!r} is not an http(s) URL of a post", usage=True)
    parade = choose_parade(context.parades, slug, context.today)
    key = page_key(url)
    joined = {
        page_key(post.url): post for post in candidate_posts(store, [parade], context.participants)
        if post.participant in {p.slug for p in context.participants}
    }  # fmt: skip
    async with Fetcher(settings) as fetcher:
        await learn_shortlinks(fetcher, store, unstored_calls([parade], joined.values()), now)
        [parade] = with_call_aliases([parade], list(joined.values()), stored_shortlinks(store))
        feeds = FeedCache(fetcher, context.zone)
        page = None if key in joined else await look(url, fetcher, feeds, now, [parade])
    if page is not None and page.problem is not None:
        what = "is not a web page" if page.problem == "not-html" else "cannot be fetched"
        raise SubmitRefused(f"{url} {what}: {page.error}")
    store.add_candidates(parade.slug, [NamedCandidate(url, "submit")], now)
    candidate = next(c for c in stored_candidates(store, parade.slug) if c.key == key)
    post = joined.get(key)
    if post is not None:
        lookup = store.get_page_lookup(post.url)  # what pages.py saw of a summary's page
        verdict = judge_post(parade, post, lookup.links if lookup else ())
    else:
        assert page is not None
        settle(store, page, [(candidate, parade)], context, now)
        verdict = verify(candidate, page, parade)
    again = takes_contributions(parade, context.today) or state(parade, context.today) == "upcoming"
    blog = next((p.name for p in context.participants if post and p.slug == post.participant), "")
    return Submitted(parade, candidate, verdict, again, post, blog)
