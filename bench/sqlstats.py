"""Counting SQL per API call: a before/after_cursor_execute listener that charges each statement to the
asyncio task that ran it (a benchmark worker labels its task with the call it is making; the relay and
the bus consumers are recognised by their task names)."""

from __future__ import annotations

import asyncio
import functools
import re
import time
from collections import Counter, defaultdict
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Engine

_SPACES = re.compile(r"\s+")
_SELECT = re.compile(r"^SELECT (.*?) FROM ", re.S)
_INSERT = re.compile(r"^INSERT INTO (\S+) \(.*", re.S)
_UPDATE = re.compile(r"^UPDATE (\S+) SET (.*?) WHERE ", re.S)
_IN_LIST = re.compile(r"IN \((?:__\[POSTCOMPILE_\w+\]|[?$%][^)]*)\)")


@functools.lru_cache(maxsize=4096)
def normalize(statement: str) -> str:
    """One line per statement shape: column lists and VALUES elided, IN lists folded."""
    s = _SPACES.sub(" ", statement).strip()
    s = _SELECT.sub("SELECT … FROM ", s, count=1)
    s = _INSERT.sub(r"INSERT INTO \1 …", s, count=1)
    s = _UPDATE.sub(lambda m: f"UPDATE {m.group(1)} SET {_columns(m.group(2))} WHERE ", s, count=1)
    s = _IN_LIST.sub("IN (…)", s)
    return s if len(s) <= 150 else s[:149] + "…"


def _columns(assignments: str) -> str:
    names = [a.split("=", 1)[0].strip() for a in assignments.split(",")]
    return ",".join(names) + "=…"


class SqlStats:
    def __init__(self, sync_engine: Engine) -> None:
        self.engine = sync_engine
        self.labels: dict[asyncio.Task, str] = {}
        self.count: Counter[str] = Counter()
        self.commits: Counter[str] = Counter()
        self.seconds: defaultdict[str, float] = defaultdict(float)
        self.shapes: defaultdict[str, Counter[str]] = defaultdict(Counter)
        self.held: defaultdict[str, float] = defaultdict(float)
        self.checkouts: Counter[str] = Counter()
        self._open: dict[int, tuple[str, float]] = {}
        self.active = True
        self.pool = sync_engine.pool  # engine.dispose() swaps the pool; the listeners stay on this one
        event.listen(self.pool, "checkout", self._checkout)
        event.listen(self.pool, "checkin", self._checkin)
        event.listen(sync_engine, "before_cursor_execute", self._before)
        event.listen(sync_engine, "after_cursor_execute", self._after)
        event.listen(sync_engine, "commit", self._commit)

    def close(self) -> None:
        event.remove(self.pool, "checkout", self._checkout)
        event.remove(self.pool, "checkin", self._checkin)
        event.remove(self.engine, "before_cursor_execute", self._before)
        event.remove(self.engine, "after_cursor_execute", self._after)
        event.remove(self.engine, "commit", self._commit)

    def reset(self) -> None:
        self.count.clear()
        self.commits.clear()
        self.seconds.clear()
        self.shapes.clear()
        self.held.clear()
        self.checkouts.clear()

    def label(self, name: str | None) -> None:
        """Charge what the current task runs from now on to `name` (None: stop charging it)."""
        task = asyncio.current_task()
        assert task is not None
        if name is None:
            self.labels.pop(task, None)
        else:
            self.labels[task] = name

    def _current(self) -> str:
        try:
            task = asyncio.current_task()
        except RuntimeError:
            return "other"
        if task is None:
            return "other"
        if (label := self.labels.get(task)) is not None:
            return label
        name = task.get_name()
        if name.startswith("relay:"):
            return "outbox relay"
        if name.startswith(("bus:", "kafka:")):
            return f"consumer {name.split(':', 1)[1]}"
        if "scheduler" in name:
            return "scheduler"
        return "other"

    def _before(self, _conn: Any, _cursor: Any, _statement: str, _params: Any, context: Any, _many: bool) -> None:
        if context is not None:
            context._bench_sql = (self._current(), time.perf_counter())

    def _after(self, _conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, _many: bool) -> None:
        if not self.active:
            return
        label, started = getattr(context, "_bench_sql", (self._current(), None))
        self.count[label] += 1
        if started is not None:
            self.seconds[label] += time.perf_counter() - started
        self.shapes[label][normalize(statement)] += 1

    def _commit(self, _conn: Any) -> None:
        if self.active:
            self.commits[self._current()] += 1

    # How long each caller holds a pooled connection: with SQLite's one-connection pool the sum of
    # these is the serial part of the whole workload.
    def _checkout(self, _dbapi: Any, record: Any, _proxy: Any) -> None:
        self._open[id(record)] = (self._current(), time.perf_counter())

    def _checkin(self, _dbapi: Any, record: Any) -> None:
        opened = self._open.pop(id(record), None)
        if opened is not None and self.active:
            label, started = opened
            self.held[label] += time.perf_counter() - started
            self.checkouts[label] += 1
