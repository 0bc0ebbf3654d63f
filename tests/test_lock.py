"""The site lock: one job at a time, who holds it said truthfully, never blocked by the dead."""

import os
import signal
import subprocess
import sys
import threading
import time
from datetime import datetime
from pathlib import Path

import pytest

from aggregator.lock import LOCK_FILE, Holder, LockError, SiteBusy, site_lock

HOLD = """
import sys, time
from pathlib import Path
from aggregator.lock import site_lock
with site_lock(Path(sys.argv[1]), sys.argv[2]):
    print("holding", flush=True)
    time.sleep(float(sys.argv[3]))
"""


def hold_in_a_process(folder, command: str = "run", seconds: float = 60) -> subprocess.Popen:
    process = subprocess.Popen([sys.executable, "-c", HOLD, str(folder), command, str(seconds)],
                               stdout=subprocess.PIPE, text=True)  # fmt: skip
    assert process.stdout.readline() == "holding\n"
    return process


def test_a_second_job_is_told_who_holds_the_site(tmp_path):
    holder = hold_in_a_process(tmp_path, "run")
    try:
        with pytest.raises(SiteBusy) as busy, site_lock(tmp_path, "fetch"):
            pass
    finally:
        holder.kill()
        holder.wait()
    assert busy.value.holder.pid == holder.pid and busy.value.holder.command == "run"
    since = datetime.now().astimezone().strftime("%H:%M")
    assert str(busy.value) == (f"another blogparade `run` (pid {holder.pid}) has been working "
                               f"on this site since {since}")  # fmt: skip


def test_the_holders_start_is_said_in_the_sites_zone():
    # A cron machine on UTC, a site in Berlin: every other time the commands print is the site's.
    from datetime import UTC, timedelta, timezone

    holder = Holder(4242, "run", datetime(2026, 1, 1, 2, 17, tzinfo=UTC))
    berlin = timezone(timedelta(hours=1))
    assert holder.describe(berlin).endswith("since 2026-01-01 03:17")
    assert SiteBusy(Path("x"), holder).describe(berlin) == holder.describe(berlin)
    now = datetime.now(UTC)
    assert Holder(1, "run", now).describe(berlin).endswith(f"since {now.astimezone(berlin):%H:%M}")


def test_the_lock_of_a_killed_job_blocks_nobody_and_its_name_is_not_repeated(tmp_path):
    killed = hold_in_a_process(tmp_path, "run")
    os.kill(killed.pid, signal.SIGKILL)
    killed.wait()
    assert f"pid: {killed.pid}" in (tmp_path / LOCK_FILE).read_text()  # it had no time to clear
    with site_lock(tmp_path, "build") as holder:
        assert holder.pid == os.getpid()
        text = (tmp_path / LOCK_FILE).read_text()
        assert f"pid: {os.getpid()}" in text and "command: build" in text
    assert (tmp_path / LOCK_FILE).read_text() == ""  # emptied before it was let go


def test_a_holder_whose_name_cannot_be_read_is_still_a_holder(tmp_path):
    """Between taking the lock and writing its name, a holder is nameless (or the file still
    names a dead one): the second job waits a moment for the name, then says what it knows."""
    holder = hold_in_a_process(tmp_path)
    (tmp_path / LOCK_FILE).write_text("pid: 999999999\ncommand: run\nsince: 2026-01-01T03:17:00+01:00\n")
    try:
        started = time.monotonic()
        with pytest.raises(SiteBusy) as busy, site_lock(tmp_path, "fetch"):
            pass
        assert time.monotonic() - started < 5
    finally:
        holder.kill()
        holder.wait()
    assert busy.value.holder is None
    assert "999999999" not in str(busy.value) and LOCK_FILE in str(busy.value)


def test_wait_waits_for_the_holder_and_says_for_whom(tmp_path):
    holder = hold_in_a_process(tmp_path, "run", seconds=0.5)
    waited_for: list[SiteBusy] = []
    started = time.monotonic()
    with site_lock(tmp_path, "build", wait=True, waiting=waited_for.append):
        assert time.monotonic() - started > 0.4  # the holder's half second, less its start
    holder.wait()
    assert [busy.holder.pid for busy in waited_for] == [holder.pid]


def test_one_process_cannot_take_its_own_site_twice(tmp_path):
    """flock belongs to the open file: two jobs in one process (threads) exclude each other too."""
    inside = threading.Event()
    leave = threading.Event()

    def hold() -> None:
        with site_lock(tmp_path, "run"):
            inside.set()
            leave.wait(10)

    thread = threading.Thread(target=hold)
    thread.start()
    inside.wait(10)
    try:
        with pytest.raises(SiteBusy), site_lock(tmp_path, "fetch"):
            pass
    finally:
        leave.set()
        thread.join()


def test_a_folder_that_cannot_hold_the_lock_file_is_a_sentence(tmp_path):
    with pytest.raises(LockError, match=r"^cannot lock the site: cannot open .*: No such file"):
        with site_lock(tmp_path / "missing", "run"):
            pass


def test_holder_text_round_trips():
    holder = Holder(1234, "opml import", datetime(2026, 11, 29, 3, 17).astimezone())
    assert Holder.parse(holder.text()) == holder
    assert Holder.parse("") is None and Holder.parse("pid: x\n") is None


def test_a_forked_child_that_outlives_the_job_does_not_keep_the_site_locked(tmp_path):
    """flock is inherited by fork(): the build's reader-cache saver, stuck, once held the site."""
    read_end, write_end = os.pipe()
    with site_lock(tmp_path, "build"):
        child = os.fork()
        if child == 0:  # like the cache saver: lives on after the job, until told to go
            os.close(write_end)
            os.read(read_end, 1)
            os._exit(0)
        with pytest.raises(SiteBusy), site_lock(tmp_path, "fetch"):
            pass  # the job itself still holds it: the child's closing left the parent's lock alone
    os.close(read_end)
    try:
        with site_lock(tmp_path, "fetch"):
            pass
    finally:
        os.close(write_end)
        os.waitpid(child, 0)
