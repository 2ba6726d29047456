"""Forked worker processes whose results come back in order, and that stop the run with an
error when one of them dies, instead of leaving it waiting for ever.

Each worker has a pipe of its own for tasks and one for results; no lock is shared between
processes. multiprocessing.Pool shares one queue of results among its workers, guarded by a
lock: a worker ended by Pool.terminate() part way through sending a result (Ctrl-C while
keyness tables were made ahead) left that lock taken, and the pool's own thread waited for
it for ever (2 hangs in 20 tries of a test script). It also starts a new worker in place of
one that was killed and never hands the lost task on, so its callers had to watch the
workers. Here a worker's end is its results pipe's end (EOF), seen at once.
"""

from __future__ import annotations

import ctypes
import math
import multiprocessing
import os
import pickle
import signal
import sys
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import Any, TypeVar, cast

from framing.errors import WorkerError

Task = TypeVar("Task")
Result = TypeVar("Result")


def usable_cpus() -> int:
    """The CPUs this process may use: --jobs 0 starts one worker each. os.cpu_count() is
    the machine's: a cluster job given 2 of a node's 64 cores (an affinity mask), or a
    container limited to 2 CPUs (a cgroup quota), would start 64 workers, no faster than
    2 and each holding its own dictionaries and memos."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on macOS or Windows
        cpus = os.cpu_count() or 1
    quota = _cgroup_cpu_quota()
    return max(1, min(cpus, quota) if quota else cpus)


_CGROUP_V2 = Path("/sys/fs/cgroup/cpu.max")  # "max 100000", or "200000 100000": 2 CPUs
_CGROUP_V1 = (Path("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"), Path("/sys/fs/cgroup/cpu/cpu.cfs_period_us"))


def _cgroup_cpu_quota() -> int | None:
    """The CPUs the process's cgroup may use in a period, rounded up; None if unlimited
    or unknown."""
    try:
        if _CGROUP_V2.exists():
            quota, period = _CGROUP_V2.read_text().split()[:2]
        else:
            quota, period = (p.read_text().strip() for p in _CGROUP_V1)
        if quota in ("max", "-1"):
            return None
        return math.ceil(int(quota) / int(period))
    except (OSError, ValueError, ZeroDivisionError):
        return None


def can_fork() -> bool:
    """Forked workers inherit what the parent loaded; where fork is not offered (Windows),
    the work stays in this process."""
    return "fork" in multiprocessing.get_all_start_methods()


# Signals that end a run as Ctrl-C does: SIGTERM (a scheduler's time limit, `kill`,
# `timeout`, `docker stop`) and SIGHUP (the terminal or SSH connection closed).
TERMINATING = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))
_STOPPING = (signal.SIGINT, *TERMINATING)


@contextmanager
def signals_deferred() -> Iterator[None]:
    """Ctrl-C and the TERMINATING signals wait until the block ends, then act as they would
    have. For the steps that must happen together: a temporary file made and recorded for
    removal (a signal in between left it behind), a report's two renames (in between, a
    Markdown report stood beside the JSON of the run before)."""
    received: list[int] = []
    try:
        previous = {s: signal.signal(s, lambda n, _frame: received.append(n)) for s in _STOPPING}
    except ValueError:  # not the main thread, where Python runs signal handlers
        yield
        return
    try:
        yield
    finally:
        for s, handler in previous.items():
            signal.signal(s, signal.SIG_DFL if handler is None else handler)
        for number in dict.fromkeys(received):
            signal.raise_signal(number)


def as_worker() -> None:
    """For a worker's initializer: the parent handles Ctrl-C and stops the pool; workers
    must not print tracebacks. Pool.terminate() stops them with SIGTERM, which must end
    them at once, whatever the parent made of it (the CLI raises an exception); so must
    SIGHUP, when the terminal closes. And a worker ends with its parent (_end_with_parent)."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # always: Pool.terminate() would wait for ever
    # A SIGHUP the parent ignores (under nohup) the workers ignore too: a hang-up must not
    # end them while the run goes on.
    if hasattr(signal, "SIGHUP") and signal.getsignal(signal.SIGHUP) != signal.SIG_IGN:
        signal.signal(signal.SIGHUP, signal.SIG_DFL)
    _end_with_parent()  # last: by SIGTERM, which must end it at once


_PR_SET_PDEATHSIG = 1  # from <linux/prctl.h>
_parent: int | None = None  # the process that started the pool, as its workers know it


def _end_with_parent() -> None:
    """On Linux, have the kernel send this worker SIGTERM when its parent ends. A parent
    killed outright (SIGKILL, the kernel's out-of-memory killer) left its workers scoring
    on, each printing a BrokenPipeError traceback to the terminal when it sent a result.
    (The kernel sends it when the parent's thread that forked the worker ends: Pool forks
    every worker from the thread that makes it, before its own threads start.)"""
    if not sys.platform.startswith("linux") or _parent is None:
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return
    if os.getppid() != _parent:  # it ended before the request was made
        os.kill(os.getpid(), signal.SIGTERM)


_STOP = b""  # sent to a worker in place of a task: end


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    tasks: Connection  # written by this process
    results: Connection  # read by this process
    sent: deque[int] = field(default_factory=deque)  # indices of the tasks it has, in order
    ended: bool = False


class Pool:
    """`jobs` forked workers, each run `initializer(*initargs)` first. Tasks go to the worker
    with the fewest, `held` at most each; a thread sends them, another reads the results,
    so neither waits for the other. With short tasks, a second one held waits in the pipe
    while the first is worked on, and the worker never waits for this process to hand it
    the next; with long tasks of unequal length, one held at a time lets a worker that is
    free take the next, instead of its leaving it queued behind a long one."""

    def __init__(
        self, jobs: int, initializer: Callable[..., None], initargs: tuple[Any, ...], held: int = 2
    ) -> None:
        global _parent
        self._held = held
        _parent = os.getpid()  # read by the workers it forks
        context = multiprocessing.get_context("fork")
        self._workers: list[_Worker] = []
        try:
            for _ in range(jobs):
                task_end, tasks = context.Pipe(duplex=False)
                results, result_end = context.Pipe(duplex=False)
                # The ends this process keeps of the workers before it are closed in it, so
                # that each pipe ends when its two processes do.
                kept = [end for w in self._workers for end in (w.tasks, w.results)]
                process = context.Process(
                    target=_serve,
                    args=(task_end, result_end, [tasks, results, *kept], initializer, initargs),
                    daemon=True,
                )
                process.start()
                task_end.close()
                result_end.close()
                self._workers.append(_Worker(process, tasks, results))
        except BaseException:
            self._stop_workers()
            raise
        self._changed = threading.Condition()
        self._todo: deque[tuple[int, bytes]] = deque()  # (index, pickled (work, task))
        self._done: dict[int, bytes] = {}  # index -> pickled (ok, result or exception)
        self._count = 0
        self._failure: WorkerError | None = None
        self._closing = False
        self._stopping = False
        self._sender = threading.Thread(target=self._send, name="framing-pool-sender", daemon=True)
        self._reader = threading.Thread(target=self._read, name="framing-pool-reader", daemon=True)
        self._sender.start()
        self._reader.start()

    def imap(self, work: Callable[[Task], Result], tasks: Iterable[Task]) -> Iterator[Result]:
        """work(task) for every task, in order, computed by the workers. The tasks are sent
        now, not when the first result is asked for: the caller has other work meanwhile."""
        pickled = [pickle.dumps((work, task), pickle.HIGHEST_PROTOCOL) for task in tasks]
        with self._changed:
            first = self._count
            self._count += len(pickled)
            self._todo.extend(enumerate(pickled, first))
            self._changed.notify_all()
        return self._results(range(first, first + len(pickled)))

    def _results(self, indices: range) -> Iterator[Result]:
        for index in indices:
            with self._changed:
                while index not in self._done and self._failure is None:
                    self._changed.wait()
                if index not in self._done:
                    assert self._failure is not None
                    raise self._failure
                data = self._done.pop(index)
            ok, value = pickle.loads(data)
            if not ok:
                raise value
            yield value

    def _send(self) -> None:
        """Hand each task to the worker with the fewest, while one holds fewer than `held`;
        on close(), once every task is handed out, tell each worker to end."""
        while True:
            with self._changed:
                while not self._stopping and not (self._closing and not self._todo):
                    open_ = [w for w in self._workers if not w.ended and len(w.sent) < self._held]
                    if self._todo and open_:
                        break
                    self._changed.wait()
                if self._stopping:
                    return
                if not self._todo:  # closing, every task handed out
                    break
                worker = min(open_, key=lambda w: len(w.sent))
                index, payload = self._todo.popleft()
                worker.sent.append(index)
            with suppress(OSError):  # the worker has ended: _read says so
                worker.tasks.send_bytes(payload)
        for w in self._workers:
            with suppress(OSError):
                w.tasks.send_bytes(_STOP)

    def _read(self) -> None:
        """Take each result as it comes; a worker whose pipe ends while the pool runs has
        died, and takes its tasks with it: the run stops with WorkerError."""
        open_ = {w.results: w for w in self._workers}
        while open_:
            for ready in wait(list(open_)):
                results = cast(Connection, ready)
                worker = open_[results]
                try:
                    data = results.recv_bytes()
                except (EOFError, OSError):
                    del open_[results]
                    self._ended(worker)
                    continue
                with self._changed:
                    self._done[worker.sent.popleft()] = data
                    self._changed.notify_all()

    def _ended(self, worker: _Worker) -> None:
        with self._changed:
            worker.ended = True
            if not (self._stopping or (self._closing and not worker.sent)) and self._failure is None:
                worker.process.join(5)
                code = worker.process.exitcode or 0
                how = (
                    f"was killed by signal {-code}{_named(-code)}"
                    if code < 0
                    else f"exited with status {code}"
                )
                self._failure = WorkerError(
                    f"a worker process {how}; if memory ran out, run again with fewer --jobs"
                )
            self._changed.notify_all()

    def close(self) -> None:
        """Let the workers finish every task handed to them, then end them."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
        self._sender.join()
        for w in self._workers:
            w.process.join()
        self._reader.join()
        self._close_pipes()

    def terminate(self) -> None:
        """Stop the workers now (SIGTERM, which ends them at once: see as_worker)."""
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        self._stop_workers()
        self._sender.join()
        self._reader.join()
        self._close_pipes()

    def _stop_workers(self) -> None:
        for w in self._workers:
            if w.process.exitcode is None:
                w.process.terminate()
        for w in self._workers:
            w.process.join()

    def _close_pipes(self) -> None:
        for w in self._workers:
            w.tasks.close()
            w.results.close()


class PoolOwner:
    """Worker processes that may never be started: closed or stopped only if they were."""

    pool: Pool | None = None

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()

    def terminate(self) -> None:
        if self.pool is not None:
            self.pool.terminate()


def _serve(
    tasks: Connection,
    results: Connection,
    inherited: list[Connection],
    initializer: Callable[..., None],
    initargs: tuple[Any, ...],
) -> None:
    """A worker: each task's result sent back, or the exception it raised, until told to
    end or until the pool's process has ended."""
    for end in inherited:
        end.close()
    initializer(*initargs)
    while True:
        try:
            payload = tasks.recv_bytes()
        except (EOFError, OSError):
            return
        if payload == _STOP:
            return
        work, task = pickle.loads(payload)
        try:
            outcome: tuple[bool, Any] = (True, work(task))
        except Exception as e:
            outcome = (False, e)
        try:
            data = pickle.dumps(outcome, pickle.HIGHEST_PROTOCOL)
        except Exception as e:  # an exception that cannot be pickled
            data = pickle.dumps((False, RuntimeError(f"{type(outcome[1]).__name__}: {e}")))
        try:
            results.send_bytes(data)
        except OSError:  # the pool's process has ended
            return


def _named(number: int) -> str:
    try:
        return f" ({signal.Signals(number).name})"
    except ValueError:
        return ""
