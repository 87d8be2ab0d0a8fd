"""SQLite alone, on the same file, from the load generator's core before either server starts: what the SELECTs
of (a) cost with one index per column and with the composite index our datastore builds for them, and what the
keyset walk by 监测时间 costs as Datasette writes it and as ours does."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from bench.opendata import PAGE, SORT_COLUMN, TABLE
from bench.opendata.data import quote
from bench.opendata.verify import Plan

T = quote(SORT_COLUMN)
FILTERS = '"区县" = ? AND "等级" = ?'
STATEMENTS = {  # name: (statement, on the file with the composite index)
    "a, one index per column": (
        f"SELECT * FROM {TABLE} WHERE {FILTERS} ORDER BY {T} DESC, _id ASC LIMIT {PAGE}",
        False,
    ),
    "a, with the index (区县, 等级, 监测时间)": (
        f"SELECT * FROM {TABLE} WHERE {FILTERS} ORDER BY {T} DESC, _id ASC LIMIT {PAGE}",
        True,
    ),
    "keyset by 监测时间, as Datasette writes it": (
        f"SELECT * FROM {TABLE} WHERE ({T} < ?) OR ({T} = ? AND _id > ?) ORDER BY {T} DESC, _id ASC LIMIT {PAGE}",
        False,
    ),
    "keyset by 监测时间, as ours writes it (a range first)": (
        f"SELECT * FROM {TABLE} WHERE {T} <= ? AND (({T} < ?) OR ({T} = ? AND _id > ?)) "
        f"ORDER BY {T} DESC, _id ASC LIMIT {PAGE}",
        False,
    ),
}


def timed(connection: sqlite3.Connection, statement: str, params: list[tuple]) -> dict[str, Any]:
    """Each parameter set once, in turn: ms per query (mean, max) and SQLite's plan."""
    plan = [row[3] for row in connection.execute(f"EXPLAIN QUERY PLAN {statement}", params[0])]
    took = []
    for values in params:
        began = time.perf_counter()
        connection.execute(statement, values).fetchall()
        took.append(1000 * (time.perf_counter() - began))
    return {"queries": len(took), "mean_ms": sum(took) / len(took), "max_ms": max(took), "plan": plan}


def floor(database: Path, indexed: Path, plan: Plan) -> dict[str, dict[str, Any]]:
    """The statements on the files (read-only), each after one untimed round of it (the page cache)."""
    files = {False: database, True: indexed}
    connections = {k: sqlite3.connect(f"file:{path}?mode=ro", uri=True) for k, path in files.items()}
    pairs = [(district, grade) for district, grade, _ in plan.combos]
    after = [plan.around[("time", start)][PAGE - 1] for start in plan.starts]
    params = [pairs, pairs, [(t, t, i) for t, i in after], [(t, t, t, i) for t, i in after]]
    try:
        found = {}
        for (name, (statement, composite)), values in zip(STATEMENTS.items(), params, strict=True):
            timed(connections[composite], statement, values)
            found[name] = timed(connections[composite], statement, values)
        return found
    finally:
        for connection in connections.values():
            connection.close()
