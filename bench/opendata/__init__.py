"""bench.opendata — datastore_search and streamed CSV export on a 1,000,000-row table, next to Datasette.

The data: 合肥市空气质量监测小时数据, generated once (seeded) and cached under var/bench/opendata/. Our side:
the open-data portal (services.opendata) as `bench.opendata.server`, pinned to core 0, the CSV loaded through
its publishing API. The other side: Datasette 0.65.5 (its own virtualenv under var/bench/) serving a SQLite
file with the same table and indexes, pinned to core 0 after ours has stopped. The load generator, pinned to
core 1, drives both with the same logical queries over keep-alive HTTP/1.1 (bench.rawhttp):

    (a) filters + sort + limit 100     区县 = ? AND 等级 = ?, 监测时间 desc (the values cycle)
    (b) keyset paging deep in           pages of 100 by next_page / _next, from row 500,000 on; offset for ours
    (c) streamed CSV export             the whole table: MB/s, and the server's RSS every 100 ms

    .venv/bin/python -m bench.opendata [--rows 1000000] [--connections 16] [--seconds 10] [--json PATH]
"""

from dataclasses import dataclass

API = "/api/v1/opendata"
CKAN_SEARCH = "/api/action/datastore_search"
SITE_ID = "hefei"
DATASET = "hefei-air-quality-hourly"
TABLE = "aq_hourly"  # the table's name in Datasette's file (ours is the datastore's ds_<resource>_<n>)
DATABASE = "opendata"  # Datasette's name for the file opendata.db
DATASETTE_VERSION = "0.65.5"
PAGE = 100
SORT_COLUMN = "监测时间"


@dataclass(frozen=True, slots=True)
class Goal:
    """One of the issue's targets, stated as it states it (strict bounds)."""

    value: float
    higher_is_better: bool
    unit: str

    def met(self, measured: float) -> bool:
        return measured >= self.value if self.higher_is_better else measured < self.value

    def label(self) -> str:
        return f"{'≥' if self.higher_is_better else '<'} {self.value:,g} {self.unit}"


SEARCH_RATE = Goal(1000, True, "req/s")
SEARCH_P99 = Goal(50, False, "ms")
EXPORT_RATE = Goal(50, True, "MB/s")
