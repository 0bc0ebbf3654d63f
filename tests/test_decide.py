"""decide.py on its own: which feeds a run asks, where, and when a failed one is asked again."""

from datetime import UTC, datetime, timedelta

import pytest

from aggregator.feeds.decide import (
    EARLY,
    Politeness,
    Verdict,
    addresses,
    backoff,
    falls_back,
    next_try,
    retry_after,
    unreachable,
    verdict,
)
from aggregator.models import ErrorKind, FeedState, FetchError, FetchResult

NIGHT = datetime(2026, 11, 2, 3, 17, tzinfo=UTC)
HOUR, DAY, WEEK = timedelta(hours=1), timedelta(days=1), timedelta(days=7)


def state(**changes) -> FeedState:
    return FeedState(url="https://anna.example/feed", participant="anna", **changes)


def answer(status: int | None, retry: str | None = None) -> FetchResult:
    headers = {"retry-after": retry} if retry is not None else {}
    error = FetchError(ErrorKind.HTTP if status else ErrorKind.CONNECTION, str(status))
    return FetchResult("https://anna.example/feed", "https://anna.example/feed", status,
                       headers=headers, error=error)  # fmt: skip


# -- whether a run asks -------------------------------------------------------------------------


def test_a_feed_never_asked_or_not_waiting_is_asked():
    assert verdict(None, NIGHT) is Verdict.ASK
    assert verdict(state(), NIGHT) is Verdict.ASK
    assert verdict(state(next_try=NIGHT - HOUR), NIGHT) is Verdict.ASK


def test_a_waiting_feed_is_not_asked_before_its_next_try_unless_all_are_asked():
    waiting = state(next_try=NIGHT + HOUR)
    assert verdict(waiting, NIGHT) is Verdict.WAIT
    assert verdict(waiting, NIGHT, Politeness(ask_all=True)) is Verdict.ASK


def test_our_waits_end_a_little_early_a_servers_to_the_second():
    # A week's backoff from tonight's run is over for the run a week later, started 4 s earlier.
    week_later = next_try(10, [answer(500)], NIGHT)
    assert week_later == NIGHT + WEEK - EARLY
    assert verdict(state(next_try=week_later), NIGHT + WEEK - timedelta(seconds=4)) is Verdict.ASK
    # "Retry-After: 86400" means not a second before.
    asked = next_try(1, [answer(429, "86400")], NIGHT)
    assert verdict(state(next_try=asked), NIGHT + DAY - timedelta(seconds=1)) is Verdict.WAIT
    assert verdict(state(next_try=asked), NIGHT + DAY) is Verdict.ASK


def test_a_gone_feed_is_retired_until_the_editors_ask_every_feed():
    # `--all` asks every feed now (README): the way to learn that a retired feed came back.
    assert verdict(state(gone=True), NIGHT) is Verdict.RETIRED
    assert verdict(state(gone=True), NIGHT + 30 * DAY) is Verdict.RETIRED
    assert verdict(state(gone=True), NIGHT, Politeness(ask_all=True)) is Verdict.ASK


def test_a_day_of_runs_after_retry_after_86400():
    said = next_try(1, [answer(429, "86400")], NIGHT)
    assert said == NIGHT + DAY
    for hours in (0.1, 1, 6, 12, 23.5):  # every run of that day, say hourly from CI
        assert verdict(state(next_try=said), NIGHT + hours * HOUR) is Verdict.WAIT, hours
    assert verdict(state(next_try=said), NIGHT + DAY) is Verdict.ASK


# -- when a failed feed is asked again ----------------------------------------------------------


def test_the_first_failure_costs_nothing_then_the_wait_doubles_from_an_hour_up_to_a_week():
    waits = [backoff(failures) for failures in range(1, 13)]
    hours = [wait / HOUR if wait else None for wait in waits]
    assert hours == [None, 1, 2, 4, 8, 16, 32, 64, 128, 168, 168, 168]


def test_the_longest_wait_is_the_site_setting_and_huge_counts_do_not_overflow():
    assert backoff(10_000) == WEEK
    one_day = Politeness.from_days(1)
    assert [backoff(n, one_day) for n in (5, 6, 10_000)] == [8 * HOUR, 16 * HOUR, DAY]
    never = Politeness.from_days(0)  # 0: every feed asked every run
    assert next_try(50, [answer(429, "86400")], NIGHT, never) is None


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_in_seconds_on_429_and_503(status):
    assert next_try(1, [answer(status, "86400")], NIGHT) == NIGHT + DAY
    assert next_try(1, [answer(status, "120")], NIGHT) == NIGHT + timedelta(seconds=120)


def test_retry_after_as_an_http_date():
    date = "Wed, 04 Nov 2026 12:00:00 GMT"
    assert next_try(1, [answer(503, date)], NIGHT) == datetime(2026, 11, 4, 12, tzinfo=UTC)


def test_retry_after_is_capped_at_the_longest_wait():
    capped = NIGHT + WEEK - EARLY  # the cap is ours: it ends early too
    assert next_try(1, [answer(429, str(365 * 86400))], NIGHT) == capped
    assert next_try(1, [answer(429, "Fri, 01 Jan 2100 00:00:00 GMT")], NIGHT) == capped
    assert next_try(1, [answer(429, "99999999999999999999")], NIGHT) == capped


def test_retry_after_counts_only_with_429_and_503():
    assert next_try(1, [answer(500, "86400")], NIGHT) is None
    assert next_try(1, [answer(301, "86400")], NIGHT) is None


def test_the_longer_of_backoff_and_retry_after_wins():
    assert next_try(5, [answer(429, "60")], NIGHT) == NIGHT + 8 * HOUR - EARLY
    assert next_try(2, [answer(429, "86400")], NIGHT) == NIGHT + DAY
    # A moved feed that fell back: both answers count.
    assert next_try(1, [answer(404), answer(503, "7200")], NIGHT) == NIGHT + 2 * HOUR


@pytest.mark.parametrize("value", [None, "", "soon", "-5", "1.5", "32 Foo 2026", "0"])
def test_a_retry_after_that_names_no_future_time_is_none(value):
    assert retry_after(value, NIGHT) is None


def test_retry_after_values_as_servers_write_them():
    assert retry_after(" 120 ", NIGHT) == NIGHT + timedelta(seconds=120)
    assert retry_after("Mon, 02 Nov 2026 04:17:00 GMT", NIGHT) == NIGHT + HOUR
    assert retry_after("Mon, 02 Nov 2026 04:17:00 -0000", NIGHT) == NIGHT + HOUR
    assert retry_after("Mon, 02 Nov 2026 05:17:00 +0100", NIGHT) == NIGHT + HOUR
    assert retry_after("Mon, 02 Nov 2026 02:17:00 GMT", NIGHT) is None  # already past


# -- where a run asks ---------------------------------------------------------------------------


def test_a_moved_feed_is_asked_where_it_moved_then_where_it_was():
    configured = "https://anna.example/feed"
    assert addresses(configured, None) == (configured,)
    assert addresses(configured, state()) == (configured,)
    moved = state(moved_to="https://neu.example/feed")
    assert addresses(configured, moved) == ("https://neu.example/feed", configured)
    assert addresses(configured, state(moved_to=configured)) == (configured,)


def test_the_configured_address_is_asked_unless_the_server_asked_for_patience():
    assert falls_back(answer(404)) and falls_back(answer(410)) and falls_back(answer(500))
    assert falls_back(answer(None))  # DNS, refused, timeout
    assert not falls_back(answer(429, "60")) and not falls_back(answer(503))


@pytest.mark.parametrize("kind, expected", [
    (ErrorKind.TIMEOUT, True), (ErrorKind.CONNECTION, True), (ErrorKind.DNS, True),
    (ErrorKind.TLS, True), (ErrorKind.PROXY, True), (ErrorKind.NOT_ALLOWED, True),
    # one feed's failure: the server answered
    (ErrorKind.HTTP, False), (ErrorKind.GONE, False), (ErrorKind.NOT_A_FEED, False),
    (ErrorKind.TOO_LARGE, False), (ErrorKind.LOGIN, False), (ErrorKind.NO_LOGIN, False), (ErrorKind.EMPTY, False),
])  # fmt: skip
def test_a_failure_says_whether_the_server_could_be_reached(kind, expected):
    assert unreachable(FetchError(kind, "…")) is expected


def test_no_failure_is_not_unreachable():
    assert unreachable(None) is False
