"""Forked worker processes whose results come back in order, and that stop the run with an
error when one of them dies, instead of leaving it waiting for ever.

multiprocessing.Pool starts a new worker in place of one that was killed (by the kernel
when memory runs out, say) but never hands the lost task to anyone, so `imap` would wait
for its result for ever. Every WATCH_EVERY seconds without a result, the workers started
with the pool are checked: none of them ends while the pool is open, so one that has is
a lost task.
"""

from __future__ import annotations

import ctypes
import math
import multiprocessing
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from framing.errors import WorkerError

Task = TypeVar("Task")
Result = TypeVar("Result")

WATCH_EVERY = 1.0  # seconds without a result between checks that every worker lives


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
# The process and thread that started the pool, as its workers know them.
_parent: tuple[int, int] | None = None


def _end_with_parent() -> None:
    """On Linux, have the kernel send this worker SIGTERM when its parent ends. A parent
    killed outright (SIGKILL, the kernel's out-of-memory killer) left its workers scoring
    on, each printing a BrokenPipeError traceback to the terminal when it sent a result.

    The kernel sends it when the parent's thread that forked the worker ends. A worker the
    pool starts in place of a dead one is forked by the pool's own thread, which ends as
    the pool is terminated: that worker, killed then while it held the task queue's lock,
    left Pool.terminate() waiting for the lock for ever (8 hangs in 10 runs of the test of
    a killed worker). Such a worker is left as before; the run is ending with WorkerError."""
    if not sys.platform.startswith("linux") or _parent is None:
        return
    process, thread = _parent
    if threading.get_ident() != thread:  # forked by another thread than the pool's maker
        return
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    except (OSError, AttributeError):
        return
    if os.getppid() != process:  # it ended before the request was made
        os.kill(os.getpid(), signal.SIGTERM)


class Pool:
    def __init__(self, jobs: int, initializer: Callable[..., None], initargs: tuple[Any, ...]) -> None:
        global _parent
        _parent = (os.getpid(), threading.get_ident())  # read by the workers it forks
        before = set(multiprocessing.active_children())
        self._pool = multiprocessing.get_context("fork").Pool(jobs, initializer, initargs)
        # Pool starts its workers before it returns.
        self._workers = [p for p in multiprocessing.active_children() if p not in before]

    def imap(self, work: Callable[[Task], Result], tasks: Iterable[Task]) -> Iterator[Result]:
        """work(task) for every task, in order, computed by the workers. The tasks are sent
        now, not when the first result is asked for: the caller has other work meanwhile."""
        return self._watched(self._pool.imap(work, tasks))  # one task a message: next() has a timeout

    def _watched(self, results: Any) -> Iterator[Result]:
        while True:
            try:
                yield results.next(WATCH_EVERY)
            except StopIteration:
                return
            except multiprocessing.TimeoutError:
                self._check()

    def _check(self) -> None:
        for worker in self._workers:
            if worker.is_alive():
                continue
            code = worker.exitcode or 0
            how = f"was killed by signal {-code}{_named(-code)}" if code < 0 else f"exited with status {code}"
            raise WorkerError(f"a worker process {how}; if memory ran out, run again with fewer --jobs")

    def close(self) -> None:
        """Wait for the workers to finish and end."""
        self._pool.close()
        self._pool.join()

    def terminate(self) -> None:
        """Stop the workers now."""
        self._pool.terminate()
        self._pool.join()


def _named(number: int) -> str:
    try:
        return f" ({signal.Signals(number).name})"
    except ValueError:
        return ""
