"""Hand the heap's free pages back to the system now and then; collect cycles less often in long-lived processes.

glibc keeps what a thread frees for that thread's arena to reuse: after the search index's writer or a merge let go
of tens of megabytes, the process's heap stays as large as it ever was, and a long import looks like it grows with
the site. `malloc_trim(0)` returns the free pages of every arena (measured in bench/README.md, "Fifth round").
Elsewhere than glibc (musl, macOS) there is no such call and nothing to do.
"""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
import gc
from collections.abc import Callable

from shared.tasks import Periodic

# The cyclic collector's thresholds for a serving process (Python's are 700, 10, 10). A bulk import allocates
# millions of short-lived objects: at 700, young collections promoted enough of them for a full collection every
# ~2.5 s, each walking the whole heap (~90 ms); with the young ones that made 9.5 s of the platform's ~100 CPU s
# for 30,000 migrated documents, and 2.5 s at these (bench/README.md, "Eighth round"). Cycles are rare in the hot
# paths (reference counting frees the rest at once): the heap ended 30 MB smaller, not larger.
GC_THRESHOLDS = (20_000, 20, 20)

# Measured: a trim that gives back 100 MB takes ~8 ms (in a thread), one with nothing to give back ~0.01 ms; pages it
# gave back fault in again only when used.
TRIM_SECONDS = 10.0


def _malloc_trim() -> Callable[[int], int] | None:
    name = ctypes.util.find_library("c")
    try:
        return ctypes.CDLL(name).malloc_trim if name else None
    except (OSError, AttributeError):  # not glibc
        return None


_TRIM = _malloc_trim()


def collect_less_often() -> None:
    """For processes that live long and allocate much (servers, the migration runner); not for tests."""
    gc.set_threshold(*GC_THRESHOLDS)


def release_free_memory() -> bool:
    """Return the heap's free pages to the system; False where the C library cannot."""
    return bool(_TRIM is not None and _TRIM(0))


class FreeMemoryReleaser(Periodic):
    """The process's one releaser, started by whoever owns the process (a service alone, or the consolidated
    runner), never by each service in it."""

    def __init__(self, interval: float = TRIM_SECONDS) -> None:
        super().__init__("release-free-memory", interval, self._release)

    async def _release(self) -> None:
        await asyncio.to_thread(release_free_memory)  # ctypes lets go of the GIL: the loop goes on meanwhile
