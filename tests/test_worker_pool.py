"""The parser pool (feeds/pool.py): real worker processes from the fork server, driven from an
event loop; a job's bug, a worker's death and the end of the pool."""

from __future__ import annotations

import asyncio
import operator
import os
import time
from pathlib import Path

import pytest

from aggregator.feeds.pool import WorkerDied, WorkerPool


async def started(size: int) -> WorkerPool:
    pool = WorkerPool(size)
    await asyncio.get_running_loop().run_in_executor(None, pool.start)
    pool.attach(asyncio.get_running_loop())
    return pool


def test_jobs_are_answered_by_every_worker_and_more_jobs_than_workers_wait_their_turn():
    async def main() -> tuple[list, list[int]]:
        pool = await started(2)
        try:
            sums = await asyncio.gather(*(pool.run(operator.add, n, 1) for n in range(40)))
            pids = await asyncio.gather(*(pool.run(os.getpid) for _ in range(40)))
            return sums, [pid for ok, pid in pids if ok]
        finally:
            pool.close()

    sums, pids = asyncio.run(main())
    assert sums == [(True, n + 1) for n in range(40)]
    assert os.getpid() not in pids and len(pids) == 40
    assert len(set(pids)) == 2  # both workers took jobs


def test_a_job_that_raises_is_answered_with_its_words_and_the_worker_goes_on():
    async def main() -> list:
        pool = await started(1)
        try:
            return [await pool.run(operator.truediv, 1, 0), await pool.run(operator.neg, 3)]
        finally:
            pool.close()

    assert asyncio.run(main()) == [(False, "ZeroDivisionError: division by zero"), (True, -3)]


def test_a_worker_that_dies_fails_its_job_alone_and_the_others_go_on():
    async def main() -> tuple[BaseException | None, list, int]:
        pool = await started(2)
        try:
            dying = asyncio.ensure_future(pool.run(os._exit, 3))
            died = None
            try:
                await dying
            except WorkerDied as error:
                died = error
            after = await asyncio.gather(*(pool.run(operator.add, n, n) for n in range(10)))
            return died, after, len(pool.workers)
        finally:
            pool.close()

    died, after, left = asyncio.run(main())
    assert str(died) == "a parser process ended (exit code 3) while it parsed"
    assert after == [(True, 2 * n) for n in range(10)] and left == 1


def test_a_busy_worker_has_its_next_job_waiting_in_its_pipe_unless_that_job_is_too_big():
    from aggregator.feeds.pool import SMALL_JOB

    async def main() -> tuple:
        pool = await started(1)
        try:
            worker = pool.workers[0]
            big = b"x" * (worker.room + 1)  # would block this process until the worker read it
            medium = b"x" * (SMALL_JOB + 1)  # a post feed: in line behind the big one
            answered: list[int] = []
            jobs = [asyncio.ensure_future(pool.run(time.sleep, 0.3)),
                    asyncio.ensure_future(pool.run(len, b"x" * (SMALL_JOB + 2))),
                    asyncio.ensure_future(pool.run(len, big)),
                    asyncio.ensure_future(pool.run(len, medium)),
                    asyncio.ensure_future(pool.run(operator.neg, 7))]  # fmt: skip
            for number, job in enumerate(jobs):
                job.add_done_callback(lambda _, number=number: answered.append(number))
            await asyncio.sleep(0.1)
            queued = (len(worker.jobs), len(pool.waiting), len(pool.waiting_small))
            return queued, await asyncio.gather(*jobs), len(big), answered
        finally:
            pool.close()

    queued, answers, size, answered = asyncio.run(main())
    # The sleep and the next in the worker's pipe; the big one and the medium one behind it wait
    # in their line; the small job (a blog's comments) does not wait behind them.
    assert queued == (3, 2, 0)
    assert answers == [(True, None), (True, SMALL_JOB + 2), (True, size), (True, SMALL_JOB + 1), (True, -7)]
    assert answered == [0, 1, 4, 2, 3]


def test_small_jobs_wait_in_a_busy_workers_pipe_up_to_a_budget_ahead_of_big_ones():
    # Comment feeds of 0.3 ms each: with one job waiting, the worker went idle after each until
    # the busy update sent the next (pool.SMALL_QUEUE).
    from aggregator.feeds.pool import MAX_QUEUED, SMALL_QUEUE

    async def main() -> tuple:
        pool = await started(1)
        try:
            worker = pool.workers[0]
            half = b"x" * (SMALL_QUEUE // 2 - 100)
            first = [asyncio.ensure_future(pool.run(time.sleep, 0.3))]
            first += [asyncio.ensure_future(pool.run(len, b"x" * 10)) for _ in range(MAX_QUEUED + 5)]
            await asyncio.sleep(0.1)
            by_number = (len(worker.jobs), len(pool.waiting_small))
            await asyncio.gather(*first)
            jobs = [asyncio.ensure_future(pool.run(time.sleep, 0.3))]
            jobs += [asyncio.ensure_future(pool.run(len, half)) for _ in range(3)]
            jobs.append(asyncio.ensure_future(pool.run(len, b"x" * 10)))  # small: not behind the third
            jobs.append(asyncio.ensure_future(pool.run(len, half)))  # behind the third half
            await asyncio.sleep(0.1)
            by_bytes = (len(worker.jobs), len(pool.waiting))
            return by_number, by_bytes, await asyncio.gather(*jobs)
        finally:
            pool.close()

    by_number, by_bytes, answers = asyncio.run(main())
    assert by_number == (MAX_QUEUED, 6)
    # The sleep, two halves and the small job after the third half (which, too big for the
    # pipe's budget, waits with the half behind it).
    assert by_bytes == (4, 2)
    assert answers[1:] == [(True, SMALL_QUEUE // 2 - 100)] * 3 + [(True, 10), (True, SMALL_QUEUE // 2 - 100)]


def test_a_job_waiting_behind_a_worker_that_dies_is_parsed_by_another():
    async def main() -> list:
        pool = await started(2)
        try:
            jobs = [asyncio.ensure_future(pool.run(os._exit, 3)),  # the first worker
                    asyncio.ensure_future(pool.run(time.sleep, 0.2)),  # the second
                    asyncio.ensure_future(pool.run(os.getpid))]  # behind the first  # fmt: skip
            return await asyncio.gather(*jobs, return_exceptions=True) + [pool.workers[0].process.pid]
        finally:
            pool.close()

    died, slept, pid, survivor = asyncio.run(main())
    assert isinstance(died, WorkerDied) and slept == (True, None)
    assert pid == (True, survivor)


def test_the_last_worker_dying_fails_the_jobs_still_waiting():
    async def main() -> list:
        pool = await started(1)
        try:
            jobs = [pool.run(os._exit, 1)] + [pool.run(operator.neg, n) for n in range(3)]
            return await asyncio.gather(*jobs, return_exceptions=True)
        finally:
            pool.close()

    answers = asyncio.run(main())
    assert all(isinstance(answer, WorkerDied) for answer in answers), answers


def test_an_answer_bigger_than_the_pipe_holds_is_read_whole():
    """The loop watches the pipes; an answer is then read whole, however long it is."""

    async def main() -> list:
        pool = await started(2)
        try:
            return await asyncio.gather(*(pool.run(bytes, 8_000_000 + n) for n in range(4)))
        finally:
            pool.close()

    answers = asyncio.run(main())
    assert [(ok, len(body), body.count(0)) for ok, body in answers] == [
        (True, 8_000_000 + n, 8_000_000 + n) for n in range(4)
    ]


# Made in the worker: a class of the operator module there, which the operator module here does
# not have.  Its instance pickles there and cannot be unpickled here, as an answer made by
# another version of a class this process has.
MADE_THERE = ("__import__('operator').__dict__.setdefault('MadeThere', type('MadeThere', (), "
              "{'__module__': 'operator', '__qualname__': 'MadeThere'}))()")  # fmt: skip


def test_an_answer_this_process_cannot_read_fails_its_job_alone():
    """It hung the update: the answer was read off the pipe, its job left waiting for it, and
    every later answer went to the job before it."""

    async def main() -> list:
        pool = await started(1)
        try:
            jobs = [pool.run(operator.neg, 1), pool.run(eval, MADE_THERE)]
            jobs += [pool.run(operator.neg, n) for n in range(2, 6)]
            return await asyncio.wait_for(asyncio.gather(*jobs), 30)
        finally:
            pool.close()

    first, unread, *later = asyncio.run(main())
    assert first == (True, -1) and later == [(True, -n) for n in range(2, 6)]
    assert unread == (False, "its answer could not be read here: AttributeError: "
                             "Can't get attribute 'MadeThere' on <module 'operator' from "
                             f"{operator.__file__!r}>")  # fmt: skip


def test_a_job_that_cannot_be_sent_fails_alone():
    async def main() -> list:
        pool = await started(1)
        try:
            jobs = [pool.run(operator.neg, 1), pool.run(operator.neg, lambda: 2)]
            jobs += [pool.run(operator.neg, n) for n in range(3, 6)]
            return await asyncio.wait_for(asyncio.gather(*jobs, return_exceptions=True), 30)
        finally:
            pool.close()

    first, unsent, *later = asyncio.run(main())
    assert first == (True, -1) and later == [(True, -n) for n in range(3, 6)]
    assert isinstance(unsent, AttributeError) and "Can't pickle local object" in str(unsent)


def test_closing_the_pool_ends_its_processes():
    async def main() -> list:
        pool = await started(2)
        processes = [worker.process for worker in pool.workers]
        await pool.run(operator.neg, 1)
        pool.close()
        return processes

    for process in asyncio.run(main()):
        assert process.exitcode == 0


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: parsing runs without a pool")
def test_a_job_of_the_update_runs_in_a_worker_as_it_runs_here(tmp_path):
    from functools import partial

    from aggregator.feeds.work import parse_posts
    from aggregator.models import Participant
    from tests.feedmaker import Item, rss

    body = rss([Item(f"g{n}", f"Beitrag {n}", f"https://anna.example/{n}/") for n in range(3)]).encode()
    job = partial(parse_posts, participant=Participant("anna", "Anna", "https://anna.example/feed/",
                                                       "https://anna.example/"))  # fmt: skip
    args = (body, {"content-type": "application/rss+xml"}, "https://anna.example/feed/")

    async def main():  # noqa: ANN202
        pool = await started(2)
        try:
            return await pool.run(job, *args)
        finally:
            pool.close()

    ok, there = asyncio.run(main())
    assert ok and there == job(*args) and len(there[0]) == 3


def site_of_many_feeds(feed_server, tmp_path: Path) -> tuple[Path, int]:  # noqa: ANN001
    """A site of more blogs (of 2 posts each) than a first run parses itself: the pool's."""
    from aggregator.feeds.update import INLINE
    from tests.acceptance_helpers import new_site, write_participant
    from tests.feedmaker import Item, rss
    from tests.servers import respond

    site = new_site(tmp_path / "site")
    count = INLINE + 10
    for n in range(count):
        items = [Item(f"p{n}-{i}", f"Beitrag {i}", f"https://p{n}.example/{i}/") for i in (1, 2)]
        write_participant(site, f"p{n}", f"Blog {n}", feed_server.route(f"/p{n}.xml", respond(rss(items).encode())))
    return site, count


def first_run_of(count: int) -> str:
    """What `fetch` says of a first run of site_of_many_feeds, every feed read."""
    return f"{count} feeds: {count} fetched, 0 unchanged, 0 errors; {2 * count} new posts"


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: parsing runs without a pool")
def test_a_run_in_a_folder_holding_another_copy_of_the_package_parses_with_its_own(feed_server, tmp_path):
    """The fork server runs `python -c` (the working directory first on its path): in a
    checkout of another version beside a `pip install .`, the workers ran the checkout's jobs."""
    import shutil
    import subprocess

    import aggregator
    from aggregator.store import Store
    from tests.acceptance_helpers import blogparade_command

    if not Path(blogparade_command()[0]).name == "blogparade":
        pytest.skip("no `blogparade` script beside this Python: `-m` would run the copy itself")
    site, count = site_of_many_feeds(feed_server, tmp_path)
    # Another version of the package, whose post feeds' job titles every post its own way.
    elsewhere = tmp_path / "checkout"
    shutil.copytree(Path(aggregator.__file__).parent, elsewhere / "aggregator",
                    ignore=shutil.ignore_patterns("__pycache__", "theme"))  # fmt: skip
    with open(elsewhere / "aggregator" / "feeds" / "work.py", "a", encoding="utf-8") as work:
        work.write(OTHER_VERSION)
    done = subprocess.run(blogparade_command() + ["--site", str(site), "fetch"], cwd=elsewhere,
                          capture_output=True, text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert first_run_of(count) in done.stdout
    with Store(site / "blogparade.sqlite") as store:
        assert {post.title for post in store.posts()} == {"Beitrag 1", "Beitrag 2"}


OTHER_VERSION = """
_parse_posts = parse_posts


def parse_posts(*args, **kwargs):
    import dataclasses

    parsed = _parse_posts(*args, **kwargs)
    return parsed._replace(records=[dataclasses.replace(post, title="from the other copy")
                                    for post in parsed.records])
"""


@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: parsing runs without a pool")
def test_a_run_whose_fork_server_cannot_start_parses_every_feed_itself(feed_server, tmp_path):
    """The update starts the fork server in its own thread now: where that fails (here, as it
    does where the process has no file descriptors left), the feeds are parsed here."""
    import subprocess
    import sys

    site, count = site_of_many_feeds(feed_server, tmp_path)
    script = ("import errno, sys; from multiprocessing import forkserver\n"
              "def refuse(): raise OSError(errno.EMFILE, 'Too many open files')\n"
              "forkserver.ensure_running = refuse\n"
              "from aggregator.cli import main; sys.argv = ['blogparade', '--site', sys.argv[1], 'fetch']; main()")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", script, str(site)], cwd=tmp_path, capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert first_run_of(count) in done.stdout
