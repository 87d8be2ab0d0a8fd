"""The releaser hands freed heap pages back: what a long import's heap looked like it kept was glibc's free list."""

from __future__ import annotations

import asyncio
import ctypes
import ctypes.util
from pathlib import Path

import pytest

from shared.memory import FreeMemoryReleaser, release_free_memory

LIBC = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
LIBC.malloc.restype, LIBC.free.argtypes = ctypes.c_void_p, [ctypes.c_void_p]
glibc_only = pytest.mark.skipif(not hasattr(LIBC, "malloc_trim"), reason="malloc_trim is glibc's")
CHUNK = 64 * 1024  # under the mmap threshold: from the heap, as the index's and the parsers' allocations are


def _heap_mb() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("RssAnon:"):
            return int(line.split()[1]) / 1024
    raise AssertionError("no RssAnon in /proc/self/status")


def _allocate_and_free_all_but_the_last(count: int) -> int:
    chunks = [LIBC.malloc(CHUNK) for _ in range(count)]
    for chunk in chunks:
        ctypes.memset(chunk, 1, CHUNK)
    for chunk in chunks[:-1]:  # the last one pins the heap's top: free() alone cannot give the rest back
        LIBC.free(chunk)
    return chunks[-1]


@glibc_only
def test_freed_pages_go_back_to_the_system() -> None:
    kept = _allocate_and_free_all_but_the_last(1600)  # 100 MB
    try:
        freed_but_held = _heap_mb()
        assert release_free_memory()
        assert freed_but_held - _heap_mb() > 60
    finally:
        LIBC.free(kept)


@glibc_only
async def test_the_releaser_runs_off_the_event_loop_and_stops() -> None:
    kept = await asyncio.to_thread(_allocate_and_free_all_but_the_last, 1600)  # in a thread's own arena
    try:
        before = _heap_mb()
        releaser = FreeMemoryReleaser(interval=60)
        await releaser.start()
        for _ in range(100):
            await asyncio.sleep(0.02)
            if before - _heap_mb() > 60:
                break
        await releaser.stop()
        assert before - _heap_mb() > 60
    finally:
        LIBC.free(kept)
