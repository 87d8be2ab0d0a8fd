"""SQLite alone, on the same file, from the load generator's core before either server starts: what the SELECTs
of (a) and of the keyset walk by 监测时间 cost as both servers write them, next to the plan that walks the
监测时间 index instead (ties broken by _id in the same direction, so the index gives the whole order)."""

from __future__ import annotations

import sqlite3
import time
from pathlib import Path
from typing import Any

from bench.opendata import PAGE, SORT_COLUMN, TABLE
from bench.opendata.data import COLUMNS, quote
from bench.opendata.verify import Plan

TIME_INDEX = quote(f"{TABLE}_i{[name for name, _ in COLUMNS].index(SORT_COLUMN)}")
T = quote(SORT_COLUMN)
FILTERS = '"区县" = ? AND "等级" = ?'
STATEMENTS = {
    "a as written": f"SELECT * FROM {TABLE} WHERE {FILTERS} ORDER BY {T} DESC, _id ASC LIMIT {PAGE}",
    "a walking the 监测时间 index": (
        f"SELECT * FROM {TABLE} INDEXED BY {TIME_INDEX} WHERE {FILTERS} ORDER BY {T} DESC, _id DESC LIMIT {PAGE}"
    ),
    "keyset by 监测时间 as written": (
        f"SELECT * FROM {TABLE} WHERE ({T} < ?) OR ({T} = ? AND _id > ?) ORDER BY {T} DESC, _id ASC LIMIT {PAGE}"
    ),
    "keyset by 监测时间, row values, ties by _id desc": (
        f"SELECT * FROM {TABLE} WHERE ({T}, _id) < (?, ?) ORDER BY {T} DESC, _id DESC LIMIT {PAGE}"
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


def floor(database: Path, plan: Plan) -> dict[str, dict[str, Any]]:
    """The four statements on the file (read-only), after one untimed round of the first (the page cache)."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    pairs = [(district, grade) for district, grade, _ in plan.combos]
    after = [plan.around[("time", start)][PAGE - 1] for start in plan.starts]
    params = {
        "a as written": pairs,
        "a walking the 监测时间 index": pairs,
        "keyset by 监测时间 as written": [(t, t, i) for t, i in after],
        "keyset by 监测时间, row values, ties by _id desc": [(t, i) for t, i in after],
    }
    try:
        timed(connection, STATEMENTS["a as written"], pairs)
        return {name: timed(connection, statement, params[name]) for name, statement in STATEMENTS.items()}
    finally:
        connection.close()
