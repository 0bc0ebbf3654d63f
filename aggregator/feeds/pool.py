"""The parser pool: worker processes that parse bodies for the update, driven from its event loop.

Each worker is a process from multiprocessing's fork server with one pipe to this process; a job
(a function of `work` and its arguments) is pickled down the pipe of a worker from the event
loop's own thread, and the loop reads the answer when the pipe becomes readable (`add_reader`).
No threads and no queues in between: concurrent.futures' ProcessPoolExecutor moved every job
through a feeder thread and every answer through a manager thread, each taking the GIL from the
loop that fetches and stores (0.5 ms of the main process's CPU per body of a first run, and
0.3 ms of the workers', measured).

A busy worker gets its next job before it answers (`DEPTH`): it reads that job from its pipe as
soon as it has written its answer, instead of waiting for this process to read the answer and
send another, which waits while the loop fetches or stores; small jobs (comment feeds) wait
there by the dozen (`SMALL_QUEUE`).

A worker ends when its pipe does: when this process closes it, or dies however it dies
(`kill -9`, the OOM killer), since no other process holds its other end.  A worker that dies
fails the job it had (the update records that feed's error and goes on); a job waiting behind
it goes to another worker; the others go on.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import socket
from collections import deque
from multiprocessing.connection import Connection
from multiprocessing.reduction import ForkingPickler
from pathlib import Path
from typing import Any, Callable

from . import poolmain, work

# What the fork server imports once, for every worker: the jobs and the worker's loop (`work`),
# and `poolmain`, which spares each worker importing the main script again (see there).
PRELOAD = [poolmain.__name__, work.__name__, *work.PARSING]


def start_fork_server() -> None:
    """Start the fork server the workers come from, with the environment it needs: changed for
    that moment only (a command run later, a login's, must not see it), and from the main
    thread (the environment is not safe to change from another).

    It is told the main module (poolmain) and imports this package from where this process did.
    It runs `python -c`, whose sys.path begins with the working directory (CPython 3.11's fork
    server ignores the sys.path handed to it): in a folder holding another copy of the package,
    a checkout of another version beside a `pip install .` of this one, its workers ran that
    copy's jobs, whose answers this process could not read.  Where the package is not the
    working directory's, the server starts without it on its path (PYTHONSAFEPATH)."""
    from multiprocessing import forkserver  # not imported by a run that parses little

    multiprocessing.get_context("forkserver").set_forkserver_preload(PRELOAD)
    changes = {poolmain.VARIABLE: poolmain.describe_main()}
    if not _package_in_working_directory():
        changes["PYTHONSAFEPATH"] = "1"
    before = {name: os.environ.get(name) for name in changes}
    os.environ.update(changes)
    try:
        forkserver.ensure_running()  # spawned (and exec'd) when it returns
    finally:
        for name, value in before.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def _package_in_working_directory() -> bool:
    try:
        return Path(__file__).resolve().parents[2] == Path.cwd().resolve()
    except OSError:  # the working directory is gone
        return False


class WorkerDied(Exception):
    """A parser worker ended while it had a job (killed, or crashed in a C library)."""


# Jobs a worker has at most: the one it works on, and the next, waiting in its pipe.  A first
# run of 1,000 blogs on 2 cores: 3-4 % less time than one job at a time (A/B, 5 runs each; the
# same CPU), and no more with 3.
DEPTH = 2

# Small jobs a worker has waiting in its pipe, by their bytes (_size) and their number.  A comment
# feed of a few comments parses in 0.3 ms: with DEPTH alone a worker went idle after each until
# this process, busy fetching and storing, read its answer and sent another.  A first run of 300
# blogs whose ten posts have a comment feed each (benchmarks' --serves announced, 4,200 requests):
# 3.5 s instead of 4.1, and 0.6 s less CPU (A/B, 4 runs each); with WordPress's API the same.
SMALL_QUEUE = 128 * 1024
MAX_QUEUED = 32

# Jobs this small (a blog's comments from its API, a post's comment feed) wait in a line of their
# own, served before the big ones (post feeds), as soon as a worker answers.  A blog's comments
# come after its posts, each answer making its next request: behind a first run's post feeds
# (hundreds wait), the comments of 300 blogs were all stored after the last post feed was parsed,
# this process's part of them left to the end, with the workers idle meanwhile.
SMALL_JOB = 32 * 1024

_Job = tuple[Callable[..., Any], tuple[Any, ...], "asyncio.Future[Any]"]


class _Worker:
    def __init__(self, process: multiprocessing.process.BaseProcess, connection: Connection):
        self.process = process
        self.connection = connection
        self.jobs: deque[_Job] = deque()  # sent, not answered yet: the oldest is being parsed
        self.room = _room(connection)
        self.queued = 0  # bytes of the jobs sent and not answered (_size)


def _room(connection: Connection) -> int:
    """The bytes a job may have to wait in the pipe of a busy worker: half its send buffer,
    made as big as the system lets it (net.core.wmem_max).  A bigger job would block this
    process's send until the worker reads it; it waits for an idle worker instead."""
    with socket.socket(fileno=connection.fileno()) as sock:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 1 << 20)
            size = sock.getsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF)
        finally:
            sock.detach()  # the connection keeps its descriptor
    return size // 2


def _size(args: tuple[Any, ...]) -> int:
    """About what a job pickles to: its bodies and texts (the rest is small)."""
    return sum(len(arg) for arg in args if isinstance(arg, (bytes, str)))


class WorkerPool:
    """`size` parser processes; `start` blocks (the fork server starts them), `run` is async."""

    def __init__(self, size: int):
        self.size = size
        self.workers: list[_Worker] = []
        self.waiting: deque[_Job] = deque()  # big jobs, in their order
        self.waiting_small: deque[_Job] = deque()  # jobs of SMALL_JOB bytes at most, first
        self.loop: asyncio.AbstractEventLoop | None = None

    def start(self) -> None:
        """Start the workers, each waiting for its first job (blocking: run it in a thread)."""
        # What the fork server imports, where it is not running yet (the update starts it before:
        # start_fork_server).
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(PRELOAD)
        for _ in range(self.size):
            ours, theirs = context.Pipe()
            process = context.Process(target=work.serve, args=(theirs,), daemon=True,
                                      name="blogparade-parser")  # fmt: skip
            process.start()
            theirs.close()  # the worker holds the only other end: it sees EOF when we are gone
            self.workers.append(_Worker(process, ours))

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Serve jobs from `loop` (after `start`, in the loop's thread)."""
        self.loop = loop
        for worker in self.workers:
            loop.add_reader(worker.connection.fileno(), self._answered, worker)

    async def run(self, function: Callable[..., Any], *args: Any) -> Any:
        assert self.loop is not None, "attach the pool to the loop first"
        job: _Job = (function, args, self.loop.create_future())
        line = self.waiting_small if _size(args) <= SMALL_JOB else self.waiting
        worker = min(self.workers, key=lambda w: len(w.jobs), default=None)
        if worker is not None and not line and self._takes(worker, args):  # in their order
            self._send(worker, job)
        else:
            line.append(job)
        return await job[2]

    @staticmethod
    def _takes(worker: _Worker, args: tuple[Any, ...]) -> bool:
        if not worker.jobs:
            return True
        size = _size(args)
        if worker.queued + size <= SMALL_QUEUE and len(worker.jobs) < MAX_QUEUED:
            return True  # small jobs (comment feeds): many wait in the pipe, see SMALL_QUEUE
        return len(worker.jobs) < DEPTH and size < worker.room

    def _send(self, worker: _Worker, job: _Job) -> None:
        try:
            message = ForkingPickler.dumps(job[:2])  # as Connection.send pickles
        except Exception as error:  # noqa: BLE001  a job that cannot be sent fails alone
            if not job[2].done():
                job[2].set_exception(error)
            return
        worker.jobs.append(job)
        worker.queued += _size(job[1])
        try:
            worker.connection.send_bytes(message)  # into the pipe's buffer: no waiting for the worker
        except (OSError, ValueError):  # its pipe is gone: it died
            self._lost(worker)

    def _answered(self, worker: _Worker) -> None:
        try:
            answer = worker.connection.recv()  # written whole by the worker: ready or nearly
        except (EOFError, OSError):
            self._lost(worker)
            return
        except Exception as error:  # noqa: BLE001  read whole, but not to be unpickled here
            # Its job fails, not the pool: an answer left unmatched would leave every later one
            # matched with the job before it, and the last job waiting for ever.
            answer = (False, f"its answer could not be read here: {type(error).__name__}: {error}")
        if worker.jobs:
            _, args, answered = worker.jobs.popleft()
            worker.queued -= _size(args)
            if not answered.done():
                answered.set_result(answer)
        self._next(worker)

    def _next(self, worker: _Worker) -> None:
        """Waiting jobs sent to `worker`, as many as it takes now: the small ones first, each
        line in its order."""
        for line in (self.waiting_small, self.waiting):
            while line and worker in self.workers:
                _, args, future = job = line[0]
                if future.cancelled():
                    line.popleft()
                elif self._takes(worker, args):
                    line.popleft()
                    self._send(worker, job)
                else:
                    break

    def _lost(self, worker: _Worker) -> None:
        """A worker whose pipe broke: the job it was parsing fails (the oldest it had not
        answered: it works in order); the one waiting behind it, never started, goes to the
        others first, as the rest do (or fails too, with no worker left)."""
        if self.loop is not None:
            self.loop.remove_reader(worker.connection.fileno())
        worker.connection.close()
        self.workers.remove(worker)
        jobs, worker.jobs = worker.jobs, deque()
        worker.process.join(timeout=1)  # its pipe ended with it: it is gone or nearly
        code = worker.process.exitcode
        how = "still running" if code is None else (f"killed by signal {-code}" if code < 0 else f"exit code {code}")
        died = WorkerDied(f"a parser process ended ({how}) while it parsed")
        if jobs:
            _, _, parsing = jobs.popleft()
            if not parsing.done():
                parsing.set_exception(died)
        self.waiting.extendleft(reversed(jobs))
        if not self.workers:
            for line in (self.waiting_small, self.waiting):
                while line:
                    _, _, waiting = line.popleft()
                    if not waiting.done():
                        waiting.set_exception(died)
        for other in list(self.workers):
            self._next(other)

    def detach(self) -> None:
        """Stop serving jobs and close this end of every pipe: the workers see it end and exit.
        In the loop's thread (the loop's readers are not for other threads to change)."""
        for worker in self.workers:
            if self.loop is not None and not self.loop.is_closed():
                self.loop.remove_reader(worker.connection.fileno())
            worker.connection.close()
        self.loop = None

    def close(self) -> None:
        """End the workers: detached (if not yet), then waited for briefly, then killed.
        Blocks: an event loop calls `detach` itself and this in a thread."""
        self.detach()
        for worker in self.workers:
            worker.process.join(timeout=5)
            if worker.process.exitcode is None:
                os.kill(worker.process.pid, 9)  # type: ignore[arg-type]
                worker.process.join()
        self.workers = []
