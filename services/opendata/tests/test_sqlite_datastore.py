"""The SQLite datastore's two ways to answer: short searches on the event loop, stopped after a budget of steps
and run again on a reader thread, with the same answer either way; keyset paging over a column with NULLs."""

from __future__ import annotations

from pathlib import Path

import pytest

from services.opendata.datastore import Search, SortKey
from services.opendata.datastore import sqlite as sqlite_store
from services.opendata.datastore.sqlite import SqliteDatastore

TABLE = "ds_" + "a" * 32 + "_1"
COLUMNS = [("监测站点", "text"), ("监测时间", "timestamp"), ("AQI", "integer")]
STATIONS = ["琥珀山庄", "董铺水库", "长江中路", "高新区", "包河区"]


def rows() -> list[tuple]:
    return [
        (STATIONS[i % 5], f"2025-01-{1 + i // 240:02d}T{i // 10 % 24:02d}:00:00", None if i % 7 == 0 else i % 300)
        for i in range(3000)
    ]


@pytest.fixture
async def store(tmp_path: Path):
    datastore = SqliteDatastore(tmp_path / "datastore.db")
    await datastore.start()
    await datastore.load(TABLE, COLUMNS, rows())
    yield datastore
    await datastore.stop()


def search(**given) -> Search:
    return Search(dict(COLUMNS), **given)


async def test_a_search_stopped_on_the_loop_is_answered_by_a_reader(store, monkeypatch) -> None:
    wanted = search(filters={"监测站点": "董铺水库"}, sort=[SortKey("AQI", True)], limit=50)
    inline = await store.search(TABLE, wanted, include_total=True)
    monkeypatch.setattr(sqlite_store, "INLINE_STEPS", 1)  # every search too long for the loop
    moved = await store.search(TABLE, wanted, include_total=True)
    assert moved == inline and inline.total == 600 and len(inline.rows) == 50
    scan = search(q="水库", limit=10)  # LIKE over every row: far beyond the budget at 1 step
    assert (await store.search(TABLE, scan, include_total=True)).total == 600


async def test_keyset_pages_over_a_column_with_nulls_walk_every_row_once(store) -> None:
    for descending in (True, False):
        order = [SortKey("AQI", descending)]
        whole = await store.search(TABLE, search(sort=order, limit=3000), include_total=False)
        seen, after = [], None
        while True:
            page = await store.search(TABLE, search(sort=order, limit=170, after=after), include_total=False)
            if not page.rows:
                break
            seen += page.rows
            after = [page.rows[-1][3], page.rows[-1][0]]  # AQI, _id
        assert seen == whole.rows and len(seen) == 3000
