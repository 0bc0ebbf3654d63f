"""The update pipeline against a real HTTP server: every feed alone, nothing stored ever lost."""

import asyncio
import hashlib
import json
import os
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from aggregator.feeds import update as updater
from aggregator.feeds.decide import EARLY, Politeness
from aggregator.feeds.fetch import FetchSettings
from aggregator.feeds.update import FeedOptions, Outcome, update
from aggregator.models import ErrorKind, Participant
from aggregator.store import Store
from tests.feedmaker import Item, atom, rss
from tests.servers import (
    ATOM_TYPE,
    LOOPBACK_POLICY,
    random_body,
    redirect,
    respond,
    status,
)


def serve(server, path: str, body: str, **options) -> str:
    """A feed with an ETag derived from its body, as most servers do."""
    data = body.encode("utf-8")
    etag = options.pop("etag", f'"{hashlib.sha1(data).hexdigest()[:12]}"')
    return server.route(path, respond(data, etag=etag, **options))

DAY = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)
SETTINGS = FetchSettings(user_agent="blogparade-tests", policy=LOOPBACK_POLICY, timeout=5, connect_timeout=2)


def items(first: int, last: int, blog: str = "anna") -> list[Item]:
    return [
        Item(f"{blog}-{n}", f"Beitrag {n} über Größe", f"https://{blog}.example/{n}/",
             DAY + timedelta(days=n), f"<p>Text {n} mit Umlauten: äöü</p>")
        for n in range(first, last + 1)
    ]  # fmt: skip


def person(slug: str, feed: str, **changes) -> Participant:
    return Participant(slug=slug, name=slug.title(), feed=feed, home=feed, **changes)


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "store.sqlite") as store:
        yield store


def run(store, participants, *, now=None, ask_all=False):
    """One run; `now` is the time it decides against (another hour, another day)."""
    feeds = FeedOptions(Politeness(ask_all=ask_all))
    return asyncio.run(update(store, participants, SETTINGS, feeds=feeds, now=now))


def titles(store, participant=None):
    return sorted(p.title for p in store.posts(participant))


def test_healthy_feeds_are_stored_and_a_broken_one_is_reported(feed_server, store):
    anna = person("anna", serve(feed_server, "/anna.xml", rss(items(1, 3))))
    bert = person("bert", serve(feed_server, "/bert.xml", atom(items(1, 2, "bert")),
                                content_type=ATOM_TYPE))
    carl = person("carl", feed_server.route("/carl.xml", status(500)))
    summary = run(store, [anna, bert, carl])
    assert summary.count(Outcome.UPDATED) == 2 and summary.new_posts == 5
    [error] = summary.errors
    assert error.participant == carl and error.error.kind is ErrorKind.HTTP
    assert titles(store, "anna") == ["Beitrag 1 über Größe", "Beitrag 2 über Größe",
                                     "Beitrag 3 über Größe"]
    assert store.feed_state(carl.feed).consecutive_errors == 1


def test_a_json_feed_with_an_emoji_cut_in_half_is_read_whole(feed_server, store):
    # "\ud83c" alone (a blog's software cut "🏖" in half) in one item's title or attachment
    # failed the whole feed every night: "unexpected UnicodeEncodeError … surrogates not allowed".
    feed = {"version": "https://jsonfeed.org/version/1.1", "title": "Anna", "items": [
        {"id": "1", "url": "https://anna.example/1/", "title": "Urlaub \ud83c", "content_html": "<p>Meer</p>",
         "date_published": "2026-11-02T10:00:00Z"},
        {"id": "2", "url": "https://anna.example/2/", "title": "Folge 2", "content_html": "<p>Hören</p>",
         "date_published": "2026-11-03T10:00:00Z", "attachments": [
             {"url": "https://anna.example/2.mp3", "mime_type": "audio/mpeg", "title": "Folge \ud83c 2"}]},
    ]}  # fmt: skip
    body = json.dumps(feed).encode()  # ASCII, the surrogate as an escape
    anna = person("anna", feed_server.route("/anna.json", respond(body, content_type="application/feed+json")))
    summary = run(store, [anna])
    assert not summary.errors and titles(store, "anna") == ["Folge 2", "Urlaub \ufffd"]
    [episode] = [p for p in store.posts("anna") if p.title == "Folge 2"]
    assert [a.title for a in episode.attachments] == ["Folge \ufffd 2"]


def test_second_run_is_conditional_and_parses_nothing(feed_server, store):
    anna = person("anna", serve(feed_server, "/anna.xml", rss(items(1, 3))))
    run(store, [anna])
    summary = run(store, [anna])
    assert [r.outcome for r in summary.reports] == [Outcome.UNCHANGED]
    assert "if-none-match" in feed_server.requests[-1].headers


def test_identical_body_without_caching_headers_is_unchanged(feed_server, store):
    anna = person("anna", serve(feed_server, "/anna.xml", rss(items(1, 2)), etag=None))
    run(store, [anna])
    assert [r.outcome for r in run(store, [anna]).reports] == [Outcome.UNCHANGED]


def test_window_moves_then_breaks_and_nothing_is_lost(feed_server, store):
    anna = person("anna", serve(feed_server, "/anna.xml", rss(items(1, 3))))
    run(store, [anna])
    serve(feed_server, "/anna.xml", rss(items(3, 5)))
    run(store, [anna])
    feed_server.route("/anna.xml", status(500))
    run(store, [anna])
    feed_server.route("/anna.xml", random_body(5000))
    summary = run(store, [anna])
    assert summary.errors[0].error.kind is ErrorKind.NOT_A_FEED
    assert len(titles(store)) == 5
    assert store.feed_state(anna.feed).consecutive_errors == 2


def test_gone_feed_is_retired_and_not_asked_again(feed_server, store):
    anna = person("anna", feed_server.route("/anna.xml", status(410)))
    assert run(store, [anna]).errors[0].error.kind is ErrorKind.GONE
    assert run(store, [anna]).reports[0].outcome is Outcome.RETIRED
    assert feed_server.hits("/anna.xml") == 1


def test_permanent_redirect_moves_the_feed(feed_server, store):
    new = serve(feed_server, "/new.xml", rss(items(1, 1)))
    anna = person("anna", feed_server.route("/old.xml", redirect(new, 301)))
    run(store, [anna])
    assert store.feed_state(anna.feed).moved_to == new
    run(store, [anna])
    assert feed_server.hits("/old.xml") == 1 and feed_server.hits("/new.xml") == 2


def test_category_filter_and_inactive_participants(feed_server, store):
    mixed = items(1, 2)
    mixed[0].categories = ["Remote"]
    anna = person("anna", serve(feed_server, "/anna.xml", rss(mixed)), categories=("remote",))
    bert = person("bert", serve(feed_server, "/bert.xml", rss(items(1, 1, "bert"))), active=False)
    summary = run(store, [anna, bert])
    assert titles(store) == ["Beitrag 1 über Größe"]
    assert [r.participant.slug for r in summary.reports] == ["anna"]


@pytest.fixture
def pool_starts(monkeypatch):
    """How many times an update started its parser pool."""
    started = []
    real = updater.Parsers._start

    def start(self):  # noqa: ANN001, ANN202
        started.append(self)
        return real(self)

    monkeypatch.setattr(updater.Parsers, "_start", start)
    return started


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: parsing runs without a pool")
def test_a_first_run_of_many_feeds_uses_the_parser_pool(feed_server, store, pool_starts, capfd):
    count = updater.INLINE + 8
    participants = [person(f"p{n}", serve(feed_server, f"/p{n}.xml", rss(items(1, 2, f"p{n}"))))
                    for n in range(count)]  # fmt: skip
    summary = run(store, participants)
    assert capfd.readouterr() == ("", "")  # the pool and its workers say nothing of their own
    assert summary.count(Outcome.UPDATED) == count and summary.new_posts == 2 * count
    assert len(pool_starts) == 1 and pool_starts[0].pooled > 0  # the workers parsed
    # Nothing changed: nothing to parse, and no pool started for it.
    summary = run(store, participants)
    assert summary.count(Outcome.UNCHANGED) == count
    assert len(pool_starts) == 1


def test_few_feeds_are_parsed_without_a_pool(feed_server, store, pool_starts):
    participants = [person(f"p{n}", serve(feed_server, f"/p{n}.xml", rss(items(1, 2, f"p{n}"))))
                    for n in range(5)]  # fmt: skip
    assert run(store, participants).new_posts == 10
    assert pool_starts == []


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: parsing runs without a pool")
def test_a_run_that_turns_out_to_parse_many_bodies_starts_the_pool(feed_server, store, pool_starts):
    count = updater.INLINE + 8
    participants = [person(f"p{n}", serve(feed_server, f"/p{n}.xml", rss(items(1, 1, f"p{n}"))))
                    for n in range(count)]  # fmt: skip
    run(store, participants)
    pool_starts.clear()
    for n in range(count):  # every blog has written a post since
        serve(feed_server, f"/p{n}.xml", rss(items(1, 2, f"p{n}")))
    summary = run(store, participants)
    assert summary.new_posts == count
    assert len(pool_starts) == 1


# -- moved feeds: the new address while it works, the configured one when it fails -------------


def test_a_move_whose_target_fails_falls_back_to_the_configured_feed(feed_server, store):
    new = serve(feed_server, "/new.xml", rss(items(1, 2)))
    anna = person("anna", feed_server.route("/old.xml", redirect(new, 301)))
    run(store, [anna])
    assert store.feed_state(anna.feed).moved_to == new
    feed_server.route("/new.xml", status(404))
    serve(feed_server, "/old.xml", rss(items(1, 4)))  # the blog moved back, with new posts

    summary = run(store, [anna])
    assert summary.errors == [] and summary.new_posts == 2
    assert len(titles(store)) == 4
    assert store.feed_state(anna.feed).moved_to is None  # forgotten: the old address answers
    assert (feed_server.hits("/new.xml"), feed_server.hits("/old.xml")) == (2, 2)
    run(store, [anna])
    assert (feed_server.hits("/new.xml"), feed_server.hits("/old.xml")) == (2, 3)


def test_a_move_target_answering_junk_falls_back_too(feed_server, store):
    # The new domain expired: a parking page answers 200 where the feed was.
    new = serve(feed_server, "/new.xml", rss(items(1, 1)))
    anna = person("anna", feed_server.route("/old.xml", redirect(new, 301)))
    run(store, [anna])
    feed_server.route("/new.xml", respond(b"<html><body>Domain zu verkaufen</body></html>",
                                          content_type="text/html"))  # fmt: skip
    serve(feed_server, "/old.xml", rss(items(1, 2)))
    summary = run(store, [anna])
    assert summary.errors == [] and summary.new_posts == 1
    assert store.feed_state(anna.feed).moved_to is None


def test_the_configured_feed_moving_again_is_followed_there(feed_server, store):
    new = serve(feed_server, "/new.xml", rss(items(1, 1)))
    anna = person("anna", feed_server.route("/old.xml", redirect(new, 301)))
    run(store, [anna])
    feed_server.route("/new.xml", status(404))
    newer = serve(feed_server, "/newer.xml", rss(items(1, 3)))
    feed_server.route("/old.xml", redirect(newer, 308))
    assert run(store, [anna]).new_posts == 2
    assert store.feed_state(anna.feed).moved_to == newer


def test_when_both_addresses_fail_the_error_names_both_and_the_move_is_kept(feed_server, store):
    new = serve(feed_server, "/new.xml", rss(items(1, 1)))
    anna = person("anna", feed_server.route("/old.xml", redirect(new, 301)))
    run(store, [anna])
    feed_server.route("/new.xml", status(404))
    feed_server.route("/old.xml", status(500))
    [error] = run(store, [anna]).errors
    assert error.error.kind is ErrorKind.HTTP and error.url == anna.feed
    said = error.error.message
    assert "500" in said and new in said and "404" in said
    state = store.feed_state(anna.feed)
    assert state.moved_to == new and state.consecutive_errors == 1


def test_a_moved_feed_whose_server_asks_for_patience_is_not_asked_elsewhere(feed_server, store):
    new = serve(feed_server, "/new.xml", rss(items(1, 1)))
    anna = person("anna", feed_server.route("/old.xml", redirect(new, 301)))
    run(store, [anna])
    feed_server.route("/new.xml", respond(b"busy", 429, {"Retry-After": "3600"}))
    [error] = run(store, [anna], now=DAY).errors
    assert error.url == new and error.next_try == DAY + timedelta(hours=1)
    assert feed_server.hits("/old.xml") == 1  # only the first run's
    assert store.feed_state(anna.feed).moved_to == new


# -- waiting: Retry-After, and backing off a feed that keeps failing ----------------------------


def busy(server, path: str, retry_after: str, code: int = 429) -> str:
    return server.route(path, respond(b"later, please\n", code, {"Retry-After": retry_after},
                                      content_type="text/plain"))  # fmt: skip


def test_retry_after_86400_is_honoured_in_every_run_of_that_day(feed_server, store):
    anna = person("anna", busy(feed_server, "/anna.xml", "86400"))
    [error] = run(store, [anna], now=DAY).errors
    assert error.next_try == DAY + timedelta(days=1)
    for hours in (1, 6, 12, 23):
        summary = run(store, [anna], now=DAY + timedelta(hours=hours))
        assert summary.errors == [] and [r.outcome for r in summary.waiting] == [Outcome.WAITING]
        assert summary.waiting[0].next_try == DAY + timedelta(days=1)
    assert feed_server.hits("/anna.xml") == 1
    serve(feed_server, "/anna.xml", rss(items(1, 2)))
    assert run(store, [anna], now=DAY + timedelta(days=1)).new_posts == 2
    assert store.feed_state(anna.feed).next_try is None


def test_retry_after_as_an_http_date(feed_server, store):
    date = format_datetime(DAY + timedelta(days=2), usegmt=True)
    anna = person("anna", busy(feed_server, "/anna.xml", date, 503))
    run(store, [anna], now=DAY)
    assert run(store, [anna], now=DAY + timedelta(days=1)).waiting
    assert not run(store, [anna], now=DAY + timedelta(days=2)).waiting
    assert feed_server.hits("/anna.xml") == 2


def test_a_failing_feed_waits_twice_as_long_after_each_failure_up_to_a_week(feed_server, store):
    anna = person("anna", feed_server.route("/anna.xml", status(500)))
    now, waits = DAY, []
    for _ in range(11):
        [error] = run(store, [anna], now=now).errors
        wait = (error.next_try - now) if error.next_try else timedelta(0)
        waits.append(wait)
        if wait:  # half-way through the wait, a run leaves it alone
            assert run(store, [anna], now=now + wait / 2).waiting
        now += wait or timedelta(minutes=1)
    hours = [1, 2, 4, 8, 16, 32, 64, 128, 168, 168]  # each ends EARLY: see decide.py
    assert waits == [timedelta(0)] + [timedelta(hours=h) - EARLY for h in hours]
    assert feed_server.hits("/anna.xml") == 11
    assert store.feed_state(anna.feed).consecutive_errors == 11


def test_all_asks_the_waiting_feeds_too(feed_server, store):
    anna = person("anna", busy(feed_server, "/anna.xml", "86400"))
    run(store, [anna], now=DAY)
    serve(feed_server, "/anna.xml", rss(items(1, 1)))
    summary = run(store, [anna], now=DAY + timedelta(hours=1), ask_all=True)
    assert summary.new_posts == 1 and not summary.waiting


def test_comment_feeds_wait_as_post_feeds_do(feed_server, store):
    post = Item("anna-1", "Beitrag mit Kommentaren", "https://anna.example/1/",
                DAY - timedelta(days=1), comments_feed=feed_server.url("/anna/1/comments.xml"),
                comment_count=2)
    anna = person("anna", serve(feed_server, "/anna.xml", rss([post])))
    busy(feed_server, "/anna/1/comments.xml", "86400")
    first = run(store, [anna], now=DAY)
    assert [r.kind for r in first.errors] == ["comments"]
    later = run(store, [anna], now=DAY + timedelta(hours=2))
    assert later.errors == [] and [r.kind for r in later.waiting] == ["comments"]
    assert feed_server.hits("/anna/1/comments.xml") == 1 and feed_server.hits("/anna.xml") == 2
