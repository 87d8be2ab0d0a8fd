"""What the right answers are, read from Datasette's SQLite file with the standard library before either
server runs: the filter values worth asking, each query's first page, the rows at depth in both orders."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from bench.opendata import PAGE, SORT_COLUMN, TABLE
from bench.opendata.data import COLUMNS, quote

ORDERS = {  # how each walk orders the table: ours and Datasette both break ties by _id ascending
    "id": '"_id" ASC',
    "time": f'{quote(SORT_COLUMN)} DESC, "_id" ASC',
}
COLUMN_NAMES = ["_id", *(name for name, _ in COLUMNS)]


class Truth:
    """Read-only queries on the same rows the servers hold."""

    def __init__(self, path: Path, rows: int) -> None:
        """Read-only, so the file Datasette serves cannot change under it."""
        self.rows = rows
        self.connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)

    def close(self) -> None:
        self.connection.close()

    def combos(self) -> list[tuple[str, str, int]]:
        """(区县, 等级, rows) pairs with at least a page of rows: the filter values query (a) cycles through."""
        return self.connection.execute(
            f'SELECT "区县", "等级", count(*) FROM {TABLE} GROUP BY 1, 2 HAVING count(*) >= {PAGE} ORDER BY 1, 2'
        ).fetchall()

    def first_page(self, district: str, grade: str) -> list[tuple]:
        """Query (a)'s answer: whole rows, _id first."""
        columns = ", ".join(quote(name) for name in COLUMN_NAMES)
        where = '"区县" = ? AND "等级" = ?'
        statement = f"SELECT {columns} FROM {TABLE} WHERE {where} ORDER BY {ORDERS['time']} LIMIT {PAGE}"
        return self.connection.execute(statement, (district, grade)).fetchall()

    def at(self, order: str, start: int, count: int) -> list[tuple]:
        """(监测时间, _id) of the rows at positions start … start+count-1 of a walk's order (0-based)."""
        statement = f'SELECT {quote(SORT_COLUMN)}, "_id" FROM {TABLE} ORDER BY {ORDERS[order]} LIMIT ? OFFSET ?'
        return self.connection.execute(statement, (count, start)).fetchall()


def starts(rows: int, walkers: int) -> list[int]:
    """Where each walker begins (rows before its first page): from the middle of the table on, spread out."""
    depth = rows // 2
    spacing = max(PAGE, (rows - depth) // 2 // max(1, walkers) // PAGE * PAGE)
    return [depth + k * spacing for k in range(walkers)]
