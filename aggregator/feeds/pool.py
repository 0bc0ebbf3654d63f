"""The parser pool: worker processes that parse bodies for the update, driven from its event loop.

Each worker is a process from multiprocessing's fork server with one pipe to this process; a job
(a function of `work` and its arguments) is pickled down the pipe of an idle worker from the
event loop's own thread, and the loop reads the answer when the pipe becomes readable
(`add_reader`).  No threads and no queues in between: concurrent.futures' ProcessPoolExecutor
moved every job through a feeder thread and every answer through a manager thread, each taking
the GIL from the loop that fetches and stores (0.5 ms of the main process's CPU per body of a
first run, and 0.3 ms of the workers', measured).

A worker ends when its pipe does: when this process closes it, or dies however it dies
(`kill -9`, the OOM killer), since no other process holds its other end.  A worker that dies
fails the job it had (the update records that feed's error and goes on); the others go on.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
from collections import deque
from multiprocessing.connection import Connection
from typing import Any, Callable

from . import poolmain, work

# What the fork server imports once, for every worker: the jobs and the worker's loop (`work`),
# and `poolmain`, which spares each worker importing the main script again (see there).
PRELOAD = [poolmain.__name__, work.__name__, *work.PARSING]


class WorkerDied(Exception):
    """A parser worker ended while it had a job (killed, or crashed in a C library)."""


class _Worker:
    def __init__(self, process: multiprocessing.process.BaseProcess, connection: Connection):
        self.process = process
        self.connection = connection
        self.job: asyncio.Future[Any] | None = None  # the answer it owes, while busy


class WorkerPool:
    """`size` parser processes; `start` blocks (the fork server starts them), `run` is async."""

    def __init__(self, size: int):
        self.size = size
        self.workers: list[_Worker] = []
        self.waiting: deque[tuple[Callable[..., Any], tuple[Any, ...], asyncio.Future[Any]]] = deque()
        self.loop: asyncio.AbstractEventLoop | None = None

    def start(self) -> None:
        """Start the workers, each waiting for its first job (blocking: run it in a thread)."""
        # Read by the fork server when it starts; set here, before any thread of ours reads the
        # environment (the caller sets it too: see update.Parsers.start).
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
        job = self.loop.create_future()
        idle = next((w for w in self.workers if w.job is None), None)
        if idle is not None:
            self._send(idle, function, args, job)
        else:
            self.waiting.append((function, args, job))
        return await job

    def _send(self, worker: _Worker, function: Callable[..., Any], args: tuple[Any, ...],
              job: asyncio.Future[Any]) -> None:  # fmt: skip
        worker.job = job
        try:
            worker.connection.send((function, args))  # an idle worker reads it at once
        except (OSError, ValueError):  # its pipe is gone: it died idle
            self._lost(worker)

    def _answered(self, worker: _Worker) -> None:
        try:
            answer = worker.connection.recv()  # written whole by the worker: ready or nearly
        except (EOFError, OSError):
            self._lost(worker)
            return
        job, worker.job = worker.job, None
        if job is not None and not job.done():
            job.set_result(answer)
        self._next(worker)

    def _next(self, worker: _Worker) -> None:
        while self.waiting:
            function, args, job = self.waiting.popleft()
            if not job.cancelled():
                self._send(worker, function, args, job)
                return

    def _lost(self, worker: _Worker) -> None:
        """A worker whose pipe broke: its job fails; the rest go to the others (or fail too)."""
        if self.loop is not None:
            self.loop.remove_reader(worker.connection.fileno())
        worker.connection.close()
        self.workers.remove(worker)
        job, worker.job = worker.job, None
        worker.process.join(timeout=1)  # its pipe ended with it: it is gone or nearly
        code = worker.process.exitcode
        how = "still running" if code is None else (f"killed by signal {-code}" if code < 0 else f"exit code {code}")
        died = WorkerDied(f"a parser process ended ({how}) while it parsed")
        if job is not None and not job.done():
            job.set_exception(died)
        if not self.workers:
            while self.waiting:
                _, _, waiting = self.waiting.popleft()
                if not waiting.done():
                    waiting.set_exception(died)

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
