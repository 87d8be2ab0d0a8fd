"""Pure CPU work beside the event loop: where the process may run on more than one core, worker processes take
it (a page's parsing, a batch's analysis), and the loop goes on taking events and answering requests."""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import os
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from functools import partial
from typing import Any, TypeVar

from shared.logs import get_logger

T = TypeVar("T")
log = get_logger("cpu")
PARENT_CHECK_SECONDS = 1.0


def usable_cores() -> int:
    """The cores this process may run on (a process pinned to one core has none to spare for a worker)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def spare_workers(most: int) -> int:
    """Workers for a pool: one per core beside the loop's own, at most `most` (none on one core)."""
    return max(0, min(most, usable_cores() - 1))


class WorkerPool:
    """`workers` processes, started at the first call that needs them; with none, the work runs in this process."""

    def __init__(self, name: str, workers: int) -> None:
        self.name, self.workers = name, workers
        self._pool: ProcessPoolExecutor | None = None

    async def run(self, function: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        """`function` (a module-level one: it is sent by name) in a worker; a lost worker's pool is replaced for
        the next call, and this one fails (BrokenProcessPool) for its caller to retry or report."""
        if self.workers == 0:
            return function(*args, **kwargs)
        try:
            return await asyncio.get_running_loop().run_in_executor(self._running(), partial(function, *args, **kwargs))
        except BrokenProcessPool:  # a worker died (killed, out of memory)
            log.warning("worker process lost; the next call starts a new pool", pool=self.name)
            self.close()
            raise

    def _running(self) -> ProcessPoolExecutor:
        if self._pool is None:
            # spawn, not fork: this process runs threads (an index writer, the loop's executors)
            self._pool = ProcessPoolExecutor(
                self.workers, mp_context=multiprocessing.get_context("spawn"), initializer=_exit_with_parent,
                initargs=(os.getpid(),),
            )  # fmt: skip
        return self._pool

    def pids(self) -> list[int]:
        """The worker processes running now (none until the first call that needs them)."""
        return [] if self._pool is None else [process.pid for process in self._pool._processes.values()]

    def close(self) -> None:
        if self._pool is not None:
            with contextlib.suppress(Exception):
                self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


def _exit_with_parent(parent: int) -> None:
    """In a worker: end when the process that started it is gone. A parent killed outright (SIGKILL, the OOM
    killer) left its workers waiting on their queue for ever, ~270 MB each, and one more at every restart."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_SECONDS)
        os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
