"""One blogparade job at a time per site: a lock file in the site folder.

The lock is `flock` on `.blogparade.lock`: the kernel releases it when its holder ends, however it
ends, so a crashed or killed run never blocks the next one.  The file's text says who holds it
(pid, command, start), for the message a second job shows; its holder empties it before letting
go, and a reader checks that the pid it names is alive, so that message is never stale.
"""

from __future__ import annotations

import fcntl
import os
import time
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from datetime import datetime, tzinfo
from pathlib import Path
from typing import Callable, Iterator

LOCK_FILE = ".blogparade.lock"
# The descriptors of the locks this process holds.  A fork() child inherits them, and flock
# belongs to the open file, not the process: a child that outlives the job (the build's
# reader-cache saver, stuck) would keep the site locked.  So every child closes them at once:
# closing only drops its share, the parent's lock stays (flock(LOCK_UN) would release both).
_HELD: set[int] = set()


def _close_held_in_child() -> None:
    for descriptor in _HELD:
        with suppress(OSError):
            os.close(descriptor)
    _HELD.clear()


os.register_at_fork(after_in_child=_close_held_in_child)
# How long a job that found the site locked looks for its holder's name: the holder writes it
# right after taking the lock.
READ_HOLDER_SECONDS = 1.0


@dataclass(frozen=True)
class Holder:
    pid: int
    command: str
    since: datetime

    def text(self) -> str:
        return f"pid: {self.pid}\ncommand: {self.command}\nsince: {self.since.isoformat()}\n"

    @classmethod
    def parse(cls, text: str) -> Holder | None:
        fields = dict(line.split(": ", 1) for line in text.splitlines() if ": " in line)
        try:
            return cls(int(fields["pid"]), fields["command"], datetime.fromisoformat(fields["since"]))
        except (KeyError, ValueError):
            return None  # empty (between two holders) or half written

    def describe(self, zone: tzinfo | None = None) -> str:
        """Who holds the lock, since when in `zone` (the site's; None: the machine's)."""
        since = self.since.astimezone(zone)
        today = since.date() == datetime.now(since.tzinfo).date()
        when = since.strftime("%H:%M" if today else "%Y-%m-%d %H:%M")
        return (
            f"another blogparade `{self.command}` (pid {self.pid}) has been working on this site "
            f"since {when}"
        )

    def __str__(self) -> str:
        return self.describe()


class SiteBusy(Exception):
    """Another job holds the site's lock; `holder` says which (None when it cannot be told)."""

    def __init__(self, path: Path, holder: Holder | None):
        self.path = path
        self.holder = holder
        super().__init__(self.describe())

    def describe(self, zone: tzinfo | None = None) -> str:
        return self.holder.describe(zone) if self.holder else f"another blogparade job holds {self.path}"


class LockError(Exception):
    """The lock file cannot be made or locked; the message says why, for a person."""


@contextmanager
def site_lock(
    folder: Path,
    command: str,
    *,
    wait: bool = False,
    waiting: Callable[[SiteBusy], None] | None = None,
) -> Iterator[Holder]:
    """Hold the lock of the site in `folder` for `command`; SiteBusy if another job holds it.

    With `wait`, wait for it instead, calling `waiting` once with whom we wait for.
    """
    path = Path(folder) / LOCK_FILE
    descriptor = _open(path)
    try:
        if not _try_lock(descriptor):
            busy = SiteBusy(path, _read_holder(path, descriptor))
            if busy.holder is None and _try_lock(descriptor):
                busy = None  # it ended while we looked
            elif not wait:
                raise busy
            else:
                if waiting is not None:
                    waiting(busy)
                fcntl.flock(descriptor, fcntl.LOCK_EX)
        _HELD.add(descriptor)
        holder = Holder(os.getpid(), command, datetime.now().astimezone().replace(microsecond=0))
        try:
            _write(descriptor, holder.text())
        except OSError as error:
            raise LockError(f"cannot write {path}: {error.strerror}") from error
        try:
            yield holder
        finally:
            # Emptied while still held: nobody reads the name of a holder that has gone.
            with suppress(OSError):
                _write(descriptor, "")
    finally:
        _HELD.discard(descriptor)
        os.close(descriptor)  # releases the lock


def _open(path: Path) -> int:
    try:
        return os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError as error:
        raise LockError(f"cannot lock the site: cannot open {path}: {error.strerror}") from error


def _try_lock(descriptor: int) -> bool:
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        return False
    return True


def _read_holder(path: Path, descriptor: int) -> Holder | None:
    """Whoever holds the lock, as its file says; None if that stays unclear for a second."""
    deadline = time.monotonic() + READ_HOLDER_SECONDS
    while True:
        holder = Holder.parse(os.pread(descriptor, 4096, 0).decode("utf-8", "replace"))
        if holder is not None and _alive(holder.pid):
            return holder
        if time.monotonic() > deadline:
            return None
        time.sleep(0.02)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    return True


def _write(descriptor: int, text: str) -> None:
    os.ftruncate(descriptor, 0)
    os.pwrite(descriptor, text.encode("utf-8"), 0)
