"""One job at a time per site, through the real `blogparade` processes: overlapping nightly runs
(cron, CI, an editor by hand) never crash, never lose a post, and say who is working."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.acceptance_helpers import (
    blogparade_command,
    invoke,
    new_site,
    ok,
    post_pages,
    status_lines,
    write_participant,
)
from tests.feedmaker import Item, rss
from tests.servers import FeedServer, respond

BUSY = re.compile(
    r"^Error: another blogparade `(?P<command>[a-z ]+)` \(pid (?P<pid>\d+)\) has been working on "
    r"this site since \d\d:\d\d; nothing was done: try again when it has finished", re.M
)
EXIT_BUSY = 3


@dataclass
class Finished:
    pid: int
    returncode: int
    stdout: str
    stderr: str


# A test run started in the background by a shell without job control (`… &`, as a CI runner
# may start it) has SIGINT ignored, as has every process it starts, and Python keeps it so: each
# run the Ctrl-C tests interrupted ran to its end and exited 0.  Jobs start as from a terminal:
# SIGINT at its default, and then the command itself (the same process: exec).
FROM_A_TERMINAL = ("import os, signal, sys; signal.signal(signal.SIGINT, signal.SIG_DFL); "
                   "os.execv(sys.argv[1], sys.argv[1:])")  # fmt: skip


def start(site: Path, *args: str) -> subprocess.Popen:
    """`blogparade --site SITE ARGS` as its own process, as from a terminal, not waited for."""
    return subprocess.Popen([sys.executable, "-c", FROM_A_TERMINAL, *blogparade_command(), "--site", str(site),
                             *args], cwd=site, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)  # fmt: skip


def finish(process: subprocess.Popen, timeout: float = 120) -> Finished:
    stdout, stderr = process.communicate(timeout=timeout)
    return Finished(process.pid, process.returncode, stdout, stderr)


def titles(night: int) -> list[str]:
    return [f"Nacht {n}: Neuigkeiten" for n in range(1, night + 1)]


def serve_nights(server: FeedServer, night: int, delay: float) -> str:
    """The blog as it is on `night`: one post more each night; each answer takes `delay` s."""
    items = [Item(f"nacht-{n}", title, f"{server.base_url}/nacht/{n}/",
                  datetime(2026, 3, 1, tzinfo=UTC) + timedelta(days=n))
             for n, title in enumerate(titles(night), start=1)]  # fmt: skip
    body = rss(items, title="Nachtblog").encode()
    return server.route("/nacht/feed", respond(body, etag=f'"{night}"', delay=delay))


@pytest.mark.slow
def test_two_runs_started_together_ten_times_one_runs_the_other_says_so(feed_server, tmp_path):
    site = new_site(tmp_path / "site")
    write_participant(site, "nacht", "Nachtblog", serve_nights(feed_server, 1, delay=0.5))
    for night in range(1, 11):
        serve_nights(feed_server, night, delay=0.5)  # each run holds the site a second or more
        both = [finish(process) for process in [start(site, "run"), start(site, "run")]]
        for finished in both:
            assert "Traceback" not in finished.stderr, finished
        worked = [f for f in both if f.returncode == 0]
        refused = [f for f in both if f.returncode != 0]
        assert len(worked) == 1 and len(refused) == 1, (night, both)
        [worker], [other] = worked, refused
        said = BUSY.search(other.stderr)
        assert said and said["command"] == "run" and int(said["pid"]) == worker.pid, other
        assert other.returncode == EXIT_BUSY and other.stdout == "", other
        assert "1 new post" in worker.stdout, worker  # the night's post, every night
    assert set(titles(10)) <= set(post_pages(site / "output"))
    assert "\t10 posts" in status_lines(ok(invoke(site, "status")).output)["Nachtblog"]


def test_wait_runs_after_the_job_it_waited_for(feed_server, tmp_path):
    site = new_site(tmp_path / "site")
    write_participant(site, "nacht", "Nachtblog", serve_nights(feed_server, 2, delay=2.0))
    first = start(site, "run")
    wait_for_lock(site, first.pid)
    second = finish(start(site, "run", "--wait"))
    first = finish(first)
    assert first.returncode == 0 and second.returncode == 0, (first, second)
    assert f"Waiting: another blogparade `run` (pid {first.pid}) has been working" in second.stderr
    assert "2 new posts" in first.stdout and "0 new posts" in second.stdout, (first, second)
    assert set(titles(2)) <= set(post_pages(site / "output"))


def wait_for_lock(site: Path, pid: int) -> None:
    """Until the process `pid` holds the site (its name is in the lock file)."""
    deadline = time.monotonic() + 30
    lock = site / ".blogparade.lock"
    while not (lock.is_file() and f"pid: {pid}\n" in lock.read_text()):
        assert time.monotonic() < deadline, "the first job never took the lock"
        time.sleep(0.02)


HOLD = """
import sys, time
from pathlib import Path
from aggregator.lock import site_lock
with site_lock(Path(sys.argv[1]), "run"):
    print("holding", flush=True)
    time.sleep(60)
"""


def files(site: Path) -> dict[Path, tuple[int, int]]:
    return {p: (p.stat().st_size, p.stat().st_mtime_ns) for p in site.rglob("*")
            if p.is_file() and p.name != ".blogparade.lock"}  # fmt: skip


@pytest.mark.parametrize(
    "command", [["fetch"], ["build"], ["run"], ["join", "http://127.0.0.1:9/"], ["roundup", "x"],
                ["opml", "import", "-"], ["restore"]]
)  # fmt: skip
def test_every_job_that_writes_refuses_while_another_works(feed_server, tmp_path, command):
    site = new_site(tmp_path / "site")
    write_participant(site, "nacht", "Nachtblog", serve_nights(feed_server, 1, delay=0))
    ok(invoke(site, "run"))
    before = files(site)
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(site)], stdout=subprocess.PIPE,
                              text=True)  # fmt: skip
    try:
        assert holder.stdout.readline() == "holding\n"
        refused = invoke(site, *command)
    finally:
        holder.kill()
        holder.wait()
    assert refused.exit_code == EXIT_BUSY, refused.output
    said = BUSY.search(refused.output)
    assert said and said["command"] == "run" and int(said["pid"]) == holder.pid, refused.output
    assert files(site) == before  # touched nothing


def test_a_killed_run_blocks_nobody_and_is_not_named_later(feed_server, tmp_path):
    site = new_site(tmp_path / "site")
    write_participant(site, "nacht", "Nachtblog", serve_nights(feed_server, 1, delay=3.0))
    killed = start(site, "run")
    wait_for_lock(site, killed.pid)
    os.kill(killed.pid, signal.SIGKILL)
    finish(killed)
    holder = start(site, "run")  # not blocked by the dead
    wait_for_lock(site, holder.pid)
    refused = invoke(site, "fetch")
    said = BUSY.search(refused.output)
    assert said and int(said["pid"]) == holder.pid, refused.output  # the living one
    assert f"pid {killed.pid}" not in refused.output
    assert finish(holder).returncode == 0
    assert "Nacht 1: Neuigkeiten" in post_pages(site / "output")


def interrupt_a_run(site: Path, after: float = 0) -> Finished:
    """Ctrl-C `after` seconds after a run took the site, while its feed takes 3 s to answer."""
    interrupted = start(site, "run")
    wait_for_lock(site, interrupted.pid)
    time.sleep(after)
    os.kill(interrupted.pid, signal.SIGINT)
    return finish(interrupted)


def test_ctrl_c_ends_a_run_with_130_and_leaves_the_site_to_the_next(feed_server, tmp_path):
    # Click said "Aborted!" and exited 1: a script could not tell an interrupted job from a failed one.
    site = new_site(tmp_path / "site")
    write_participant(site, "nacht", "Nachtblog", serve_nights(feed_server, 1, delay=0))
    ok(invoke(site, "run"))
    serve_nights(feed_server, 2, delay=3.0)
    finished = interrupt_a_run(site)
    assert finished.returncode == 130, finished
    assert finished.stderr.strip().endswith("Error: interrupted; nothing more was done."), finished
    assert "Traceback" not in finished.stderr and "Aborted!" not in finished.stderr, finished
    serve_nights(feed_server, 2, delay=0)
    assert "1 new post" in ok(invoke(site, "run")).output  # the lock is free, the store whole
    assert "\t2 posts" in status_lines(ok(invoke(site, "status")).output)["Nachtblog"]


def test_sigterm_ends_a_run_as_ctrl_c_does_saying_so_with_143(feed_server, tmp_path):
    # systemd stopping the job (or `timeout`) ended it without a word: exit 143, and the log's
    # last line "Fetch started …".
    site = new_site(tmp_path / "site")
    write_participant(site, "nacht", "Nachtblog", serve_nights(feed_server, 1, delay=0))
    ok(invoke(site, "run"))
    serve_nights(feed_server, 2, delay=3.0)
    running = start(site, "run")
    wait_for_lock(site, running.pid)
    os.kill(running.pid, signal.SIGTERM)
    finished = finish(running)
    assert finished.returncode == 143, finished
    assert finished.stderr.strip().endswith("Error: terminated (SIGTERM); nothing more was done."), finished
    assert "Traceback" not in finished.stderr, finished
    serve_nights(feed_server, 2, delay=0)
    assert "1 new post" in ok(invoke(site, "run")).output  # the lock is free, the store whole


@pytest.mark.slow
def test_ctrl_c_in_a_runs_first_tenth_of_a_second_ends_it_with_130_every_time(feed_server, tmp_path):
    """The start-up imported aiohttp in a thread meanwhile: interrupted then, the run died of a
    segmentation fault (OpenSSL freed at exit under the thread reading certificates), 9 times
    in 100, or (once in 1,000) hung for good, its Ctrl-C swallowed inside an import."""
    site = new_site(tmp_path / "site")
    write_participant(site, "nacht", "Nachtblog", serve_nights(feed_server, 1, delay=3.0))
    for after in (0, 0.02, 0.05, 0.08, 0.1, 0.15):
        finished = interrupt_a_run(site, after)
        assert finished.returncode == 130, (after, finished)


# Ctrl-C striking while the command's modules load, before the command handles it: the import
# of the store's module is interrupted, as a real Ctrl-C in that tenth of a second would be.
INTERRUPTED_LOADING = """
import sys

class Interrupt:
    def find_spec(self, name, path=None, target=None):
        if name == "aggregator.store":
            raise KeyboardInterrupt
        return None

sys.meta_path.insert(0, Interrupt())
sys.argv = ["blogparade", "status"]
from aggregator import main  # the console script's entry point (pyproject.toml)
main()
"""


def test_ctrl_c_while_the_command_loads_ends_it_with_130_and_no_traceback(tmp_path):
    loading = subprocess.run([sys.executable, "-c", INTERRUPTED_LOADING], cwd=tmp_path,
                             capture_output=True, text=True, timeout=60, check=False)  # fmt: skip
    assert loading.returncode == 130, loading
    assert loading.stderr == "Error: interrupted; nothing more was done.\n", loading


def test_a_demo_refuses_a_folder_another_demo_works_in(tmp_path):
    folder = tmp_path / "demo-site"
    folder.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(folder)], stdout=subprocess.PIPE,
                              text=True)  # fmt: skip
    try:
        assert holder.stdout.readline() == "holding\n"
        refused = invoke(None, "demo", str(folder))
    finally:
        holder.kill()
        holder.wait()
    assert refused.exit_code == EXIT_BUSY and BUSY.search(refused.output), refused.output
    assert [p.name for p in folder.iterdir()] == [".blogparade.lock"]  # nothing deleted or made
