"""The update pipeline against a real HTTP server: every feed alone, nothing stored ever lost."""

import asyncio
import hashlib
from datetime import UTC, datetime, timedelta

import pytest

from aggregator.feeds.fetch import FetchSettings
from aggregator.feeds.update import Outcome, update
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


def run(store, participants):
    return asyncio.run(update(store, participants, SETTINGS))


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


def test_many_feeds_use_the_parser_pool(feed_server, store):
    participants = [person(f"p{n}", serve(feed_server, f"/p{n}.xml", rss(items(1, 2, f"p{n}"))))
                    for n in range(12)]
    summary = run(store, participants)
    assert summary.count(Outcome.UPDATED) == 12 and summary.new_posts == 24
