"""WAL checkpoints of the embedded SQLite files on a thread of their own.

SQLite checkpoints a WAL file inside the commit that grows it past `wal_autocheckpoint` pages: that commit
copies every page changed since the last one into the database file, and syncs it. On the in-loop driver
(shared.db.sqlite_inloop) that commit runs on the event loop, so every site's requests waited for the copy:
during a bulk import, commits took 8% of the loop. Here a daemon thread checkpoints each file the process
writes once a second (PASSIVE: it never waits for, nor blocks, a reader or the writer; SQLite's C code runs
without the GIL), and the commits' own threshold is raised far enough to act only if this thread falls behind.
"""

from __future__ import annotations

import sqlite3
import threading
from contextlib import closing
from pathlib import Path

from shared.logs import get_logger

log = get_logger("db.checkpoints")

INTERVAL_S = 1.0
# The commits' own checkpoint, kept as a bound on the WAL (pages of 4 KiB: 40 MiB) should this thread stall.
FALLBACK_PAGES = 10_000


class WalCheckpointer:
    """One thread per process for every SQLite file it writes: a file is named once, by its first connection."""

    def __init__(self, interval_s: float = INTERVAL_S) -> None:
        self.interval_s = interval_s
        self._paths: set[str] = set()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def watch(self, path: str) -> None:
        with self._lock:
            self._paths.add(str(Path(path).resolve()))
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="sqlite-checkpoints", daemon=True)
                self._thread.start()

    def forget(self, path: str) -> None:
        with self._lock:
            self._paths.discard(str(Path(path).resolve()))

    def watching(self, path: str) -> bool:
        with self._lock:
            return str(Path(path).resolve()) in self._paths

    def checkpoint_all(self) -> None:
        """One pass: a file gone (a test's directory removed) is forgotten; a busy one waits for the next pass."""
        with self._lock:
            paths = sorted(self._paths)
        for path in paths:
            if not Path(path).exists():
                with self._lock:
                    self._paths.discard(path)
                continue
            try:
                with closing(sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=0)) as connection:
                    connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.Error as error:
                log.debug("checkpoint_skipped", path=path, error=str(error))

    def _run(self) -> None:
        stopped = threading.Event()  # never set: the daemon thread ends with the process
        while not stopped.wait(self.interval_s):
            self.checkpoint_all()


CHECKPOINTS = WalCheckpointer()
