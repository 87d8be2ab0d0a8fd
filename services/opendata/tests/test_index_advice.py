"""The datastore indexes itself for the searches it is asked: a slow shape of search, seen three times, gets a
composite index (equality filters, then the sort), the answers stay the same, and one odd search builds nothing."""

from __future__ import annotations

from services.opendata.datastore import Search, SortKey
from services.opendata.datastore.advisor import IndexAdvisor, index_name, shape_of
from services.opendata.main import OpendataRuntime
from services.opendata.tests.support import open_dataset
from shared.events.samples import eventually
from shared.testing import Tokens

ACTION = "/api/action/datastore_search"
COLUMNS = {"地区": "text", "年份": "integer", "常住人口（万人）": "numeric", "统计日期": "date"}


def test_the_shape_is_the_equality_filters_then_the_sort_or_a_range() -> None:
    sorted_search = Search(COLUMNS, {"年份": 2024, "地区": "肥西县"}, sort=[SortKey("常住人口（万人）", True)])
    assert shape_of(sorted_search) == ("地区", "年份", "常住人口（万人）")
    ranged = Search(COLUMNS, {"地区": "肥西县", "统计日期": {"gte": "2020-01-01"}})
    assert shape_of(ranged) == ("地区", "统计日期")
    assert shape_of(Search(COLUMNS, {"地区": "肥西县"})) is None  # its own column's index serves it
    assert shape_of(Search(COLUMNS, {"年份": {"gt": 2020}}, sort=[SortKey("地区")])) is None  # no equality
    assert shape_of(Search(COLUMNS, {"地区": ["肥西县", "长丰县"]}, sort=[SortKey("年份")])) is None  # a list


def test_a_shape_earns_its_index_once_and_a_table_has_a_few_at_most() -> None:
    advisor = IndexAdvisor(slow_ms=10, times=2, most_per_table=1)
    search = Search(COLUMNS, {"地区": "肥西县"}, sort=[SortKey("年份")])
    assert advisor.observe("t", search, 5) is None  # fast: not counted
    assert advisor.observe("t", search, 50) is None
    assert advisor.observe("t", search, 50) == ("地区", "年份")
    assert advisor.observe("t", search, 50) is None  # built already
    other = Search(COLUMNS, {"年份": 2024}, sort=[SortKey("地区")])
    assert [advisor.observe("t", other, 50) for _ in range(3)] == [None] * 3  # the table has its one
    advisor.forget("t")  # a table dropped: a new one learns afresh
    assert [advisor.observe("t", other, 50) for _ in range(2)] == [None, ("年份", "地区")]


async def test_repeated_slow_searches_get_a_composite_index(api, sites, runtime: OpendataRuntime, tokens: Tokens):
    _, resource = await open_dataset(api, tokens)
    async with runtime.deps.platform_uow() as uow:
        table = (await uow.repo.resource(resource["id"])).table_name
    runtime.datastore.advisor.slow_ms = 0  # every search is "slow" on 90 rows
    body = {"resource_id": resource["id"], "filters": {"地区": "肥西县", "年份": {"gte": 2020}}}
    body["sort"] = "常住人口（万人） desc"
    wanted = index_name(table, ("地区", "常住人口（万人）"))
    answers = []
    for seen in range(1, 4):
        answer = await api.post(ACTION, json=body)
        assert answer.status_code == 200, answer.text
        answers.append(answer.json()["result"]["records"])
        if seen < 3:
            assert wanted not in await indexes(runtime, table)  # not before the third

    async def built() -> bool:
        return wanted in await indexes(runtime, table)

    await eventually(built)
    again = await api.post(ACTION, json=body)
    assert again.json()["result"]["records"] == answers[0] and len(answers[0]) == 6
    assert [r["年份"] for r in answers[0]] == [2025, 2024, 2023, 2022, 2021, 2020]


async def indexes(runtime: OpendataRuntime, table: str) -> list[str]:
    """The table's index names, as its database lists them."""
    store = runtime.datastore
    if store.dialect == "sqlite":
        statement = f"SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = '{table}'"
    else:
        statement = f"SELECT indexname FROM pg_indexes WHERE tablename = '{table}'"
    answer = await store.sql(statement, timeout_ms=5000, row_limit=100)
    return [row[0] for row in answer.rows]
