"""The parser pool's processes end with the main process, however it ends: here, `kill -9`.

A real `blogparade fetch` runs as its own process against loopback blogs, some quick (so that
parsing starts the pool) and some that never answer (so that the fetch is still running).  Every
process it starts carries a mark in its environment, so that those left behind are found even
after their parent died and they were handed to init.
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.acceptance_helpers import blogparade_command, new_site, write_participant
from tests.feedmaker import Item, rss
from tests.servers import respond, stall

MARK = "BLOGPARADE_TEST_RUN"


@dataclass(frozen=True)
class Process:
    pid: int
    state: str  # "Z": a zombie, dead already
    command: str


def marked(mark: str) -> list[Process]:
    """Every living process whose environment carries `MARK=mark`."""
    found = []
    needle = f"{MARK}={mark}".encode()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle not in (entry / "environ").read_bytes().split(b"\0"):
                continue
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:  # ended meanwhile, or not ours to read
            continue
        if state != "Z":
            found.append(Process(int(entry.name), state, command))
    return found


def pool_processes(processes: list[Process]) -> list[Process]:
    return [p for p in processes if "multiprocessing" in p.command]


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="needs Linux's /proc")
@pytest.mark.skipif((os.cpu_count() or 1) < 2, reason="one core: parsing runs without a pool")
def test_kill_9_of_the_main_process_leaves_no_process_behind(feed_server, tmp_path):
    site = new_site(tmp_path / "site", "BLOGPARADE_TIMEOUT = 30\n")
    for n in range(6):
        items = [Item(f"q{n}-{i}", f"Schnell {n}.{i}", f"https://q{n}.example/{i}/")
                 for i in range(30)]  # fmt: skip
        url = feed_server.route(f"/schnell-{n}/feed/", respond(rss(items).encode()))
        write_participant(site, f"schnell-{n}", f"Schnell {n}", url)
    for n in range(3):
        write_participant(site, f"langsam-{n}", f"Langsam {n}",
                          feed_server.route(f"/langsam-{n}/feed/", stall()))  # fmt: skip

    mark = uuid.uuid4().hex
    with open(tmp_path / "fetch.out", "wb") as out:
        main = subprocess.Popen(
            blogparade_command() + ["--site", str(site), "fetch"],
            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, MARK: mark},
        )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            running = marked(mark)
            waiting = all(feed_server.hits(f"/langsam-{n}/feed/") for n in range(3))
            # The fork server and at least one worker, while the slow feeds are still asked.
            if waiting and len(pool_processes(running)) >= 2:
                break
            assert main.poll() is None, (tmp_path / "fetch.out").read_text()
            time.sleep(0.05)
        else:
            pytest.fail(f"the pool never came up: {marked(mark)}")
        time.sleep(0.5)  # the quick feeds' parsing under way or done: the workers sit idle
        before = marked(mark)
        assert main.pid in {p.pid for p in before}

        main.send_signal(signal.SIGKILL)
        main.wait(5)
        killed = time.monotonic()
        left = marked(mark)
        while left and time.monotonic() - killed < 5:
            time.sleep(0.05)
            left = marked(mark)
        assert left == [], f"left {time.monotonic() - killed:.1f} s after kill -9: {left}"
        assert pool_processes(before), before
    finally:
        for process in marked(mark):  # never leave them to the next test, whatever happened
            os.kill(process.pid, signal.SIGKILL)
        if main.poll() is None:
            main.kill()
            main.wait()
