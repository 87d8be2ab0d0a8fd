"""The datastore through the API: filters (equality, lists, ranges, OR), q, fields, sort, offset and keyset
paging, totals, distinct, the output formats, streamed exports; uploads in GBK, broken uploads reported with
nothing served half-loaded, and a re-upload that replaces the data in one switch."""

from __future__ import annotations

import csv
import io
import json

from services.opendata.tests.support import API, DISTRICTS, open_dataset, population_csv, publisher
from shared.testing import Tokens

ACTION = "/api/action/datastore_search"


async def search(api, resource: dict, **params) -> dict:
    answer = await api.post(ACTION, json={"resource_id": resource["id"], **params})
    assert answer.status_code == 200, answer.text
    return answer.json()["result"]


async def test_filters_q_fields_and_sort(api, sites, tokens: Tokens) -> None:
    _, resource = await open_dataset(api, tokens)
    assert resource["row_count"] == 90 and [c["type"] for c in resource["columns"]] == [
        "text", "integer", "numeric", "numeric", "date",
    ]  # fmt: skip
    some = await search(api, resource, filters={"地区": ["肥西县", "巢湖市"], "年份": {"gte": 2023, "lt": 2025}})
    assert some["total"] == 4 and {r["地区"] for r in some["records"]} == {"肥西县", "巢湖市"}
    either = await search(api, resource, filters={"$or": [{"地区": "瑶海区"}, {"年份": 2016}]}, limit=0)
    assert either["total"] == 10 + 9 - 1 and either["records"] == []
    found = await search(api, resource, q="长丰", fields=["地区", "年份"], sort="年份 desc", limit=2)
    assert found["records"] == [{"地区": "长丰县", "年份": 2025}, {"地区": "长丰县", "年份": 2024}]
    dated = await search(api, resource, filters={"统计日期": "2020-12-31"}, fields="地区,统计日期", limit=1)
    assert dated["records"][0]["统计日期"] == "2020-12-31"
    distinct = await search(api, resource, fields=["地区"], distinct=True, sort="地区", limit=100)
    assert sorted(r["地区"] for r in distinct["records"]) == sorted(DISTRICTS) and distinct["total"] == 9
    lists = await search(api, resource, filters={"地区": "庐阳区", "年份": 2025}, records_format="lists")
    assert lists["records"][0][1:3] == ["庐阳区", 2025]
    as_csv = await search(api, resource, filters={"地区": "庐阳区"}, sort="年份", records_format="csv", limit=2)
    assert as_csv["records"].splitlines()[0].split(",")[1:3] == ["庐阳区", "2016"]


async def test_bad_parameters_are_named(api, sites, tokens: Tokens) -> None:
    _, resource = await open_dataset(api, tokens)
    cases = {
        "filters": {"filters": {"年份": "去年"}},
        "sort": {"sort": "人口 desc"},
        "fields": {"fields": ["地区", "面积"]},
        "limit": {"limit": 100_000},
        "next_page": {"next_page": "not-a-cursor"},
    }
    for field, params in cases.items():
        answer = await api.post(ACTION, json={"resource_id": resource["id"], **params})
        assert answer.status_code == 409, (field, answer.text)
        assert field in answer.json()["error"], (field, answer.json())
    missing = await api.post(ACTION, json={"resource_id": "00000000-0000-0000-0000-000000000000"})
    assert missing.status_code == 404


async def test_keyset_paging_walks_the_table_exactly_once(api, sites, tokens: Tokens) -> None:
    _, resource = await open_dataset(api, tokens)
    by_offset = await search(api, resource, sort="常住人口（万人） desc, 地区", limit=90)
    seen, page = [], await search(api, resource, sort="常住人口（万人） desc, 地区", limit=7)
    while page["records"]:
        seen += page["records"]
        if "next_page" not in page:
            break
        page = await search(api, resource, sort="常住人口（万人） desc, 地区", limit=7, next_page=page["next_page"])
    assert [r["_id"] for r in seen] == [r["_id"] for r in by_offset["records"]] and len(seen) == 90


async def test_keyset_paging_on_a_time_column_with_ties(api, sites, tokens: Tokens) -> None:
    lines = ["监测站点,监测时间,AQI"] + [
        f"{station},2025-01-{1 + hour // 24:02d} {hour % 24:02d}:00:00,{(hour * 7 + i) % 150}"
        for hour in range(48)
        for i, station in enumerate(["琥珀山庄", "董铺水库", "长江中路"])
    ]
    _, resource = await open_dataset(api, tokens, csv="\n".join(lines) + "\n", filename="空气质量小时数据.csv")
    assert [c["type"] for c in resource["columns"]] == ["text", "timestamp", "integer"]
    whole = await search(api, resource, sort="监测时间 desc", limit=1000)
    seen, page = [], await search(api, resource, sort="监测时间 desc", limit=10)
    while True:
        seen += page["records"]
        if "next_page" not in page:
            break
        page = await search(api, resource, sort="监测时间 desc", limit=10, next_page=page["next_page"])
    assert [r["_id"] for r in seen] == [r["_id"] for r in whole["records"]] and len(seen) == 144
    ranged = await search(api, resource, filters={"监测时间": {"gte": "2025-01-02T00:00:00"}}, limit=0)
    assert ranged["total"] == 72


async def test_exports_stream_the_whole_table(api, sites, tokens: Tokens) -> None:
    _, resource = await open_dataset(api, tokens, csv=population_csv(range(1990, 2026)))
    exported = await api.get(f"{API}/resources/{resource['id']}/export.csv", params={"bom": "true"})
    assert exported.status_code == 200 and exported.content.startswith("\ufeff_id,地区".encode())
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][:2] == ["_id", "地区"] and len(rows) == 1 + 9 * 36
    chosen = await api.get(
        f"{API}/resources/{resource['id']}/export.json",
        params={"filters": json.dumps({"地区": "包河区"}, ensure_ascii=False), "fields": "年份,常住人口（万人）"},
    )
    records = chosen.json()
    assert len(records) == 36 and set(records[0]) == {"年份", "常住人口（万人）"}
    original = await api.get(f"{API}/resources/{resource['id']}/file")
    assert original.status_code == 200 and original.content.decode() == population_csv(range(1990, 2026))


MIXED = (
    "监测站点,监测时间,AQI,PM2.5浓度,是否超标,说明\n"
    '琥珀山庄,2025-01-05 08:00,117,88.5,是,"轻度污染，""建议""减少户外活动"\n'
    "董铺水库,2025-01-05 09:30:15,,12,否,\n"
    "长江中路,2025-01-05,42,0.1,否,优\n"
)


async def test_the_kept_whole_export_says_what_the_live_one_says(api, sites, tokens: Tokens) -> None:
    _, resource = await open_dataset(api, tokens, csv=MIXED, filename="空气质量.csv")
    assert [c["type"] for c in resource["columns"]] == ["text", "timestamp", "integer", "numeric", "boolean", "text"]
    url = f"{API}/resources/{resource['id']}/export.csv"
    kept = await api.get(url)
    every = ",".join(["_id", *(c["id"] for c in resource["columns"])])
    live = await api.get(url, params={"fields": every})  # chosen fields: formatted from the datastore
    assert kept.status_code == live.status_code == 200 and kept.content == live.content
    rows = list(csv.reader(io.StringIO(kept.text)))
    assert rows[1] == ["1", "琥珀山庄", "2025-01-05T08:00:00", "117", "88.5", "True", '轻度污染，"建议"减少户外活动']
    assert rows[2][3] == "" and rows[3][2] == "2025-01-05T00:00:00" and len(rows) == 4
    with_bom = await api.get(url, params={"bom": "true"})
    assert with_bom.content == "\ufeff".encode() + kept.content


async def test_gbk_files_are_read_as_gbk(api, sites, tokens: Tokens) -> None:
    headers = publisher(tokens)
    dataset, _ = await open_dataset(api, tokens, publish=False)
    gbk = "站点编号,站点名称,桩位数\n0012,合肥火车站东广场,30\n0107,天鹅湖公园北门,24\n".encode("gbk")
    sent = await api.post(
        f"{API}/sites/hefei/desk/datasets/{dataset['name']}/resources", headers=headers,
        files={"file": ("公共自行车站点.csv", gbk, "text/csv")},
    )  # fmt: skip
    assert sent.status_code == 201, sent.text
    assert sent.json()["encoding"] in ("gb18030", "gbk") and sent.json()["columns"][0]["type"] == "text"
    await api.post(f"{API}/sites/hefei/desk/datasets/{dataset['name']}/publish", headers=headers)
    rows = await search(api, sent.json(), sort="_id")
    assert [r["站点名称"] for r in rows["records"]] == ["合肥火车站东广场", "天鹅湖公园北门"]
    assert rows["records"][0]["站点编号"] == "0012"  # a code keeps its leading zeros


async def test_a_broken_file_is_reported_and_the_old_data_stays(api, sites, tokens: Tokens) -> None:
    headers = publisher(tokens)
    dataset, resource = await open_dataset(api, tokens)
    ragged = population_csv().replace("肥西县,2020,", "肥西县,2020,多出的一列,", 1)
    url = f"{API}/sites/hefei/desk/datasets/{dataset['name']}/resources/{resource['id']}"
    refused = await api.put(url, headers=headers, files={"file": ("常住人口.csv", ragged.encode(), "text/csv")})
    assert refused.status_code == 422, refused.text
    report = refused.json()["error"]["details"]
    assert report["total"] >= 1 and report["problems"][0]["row"] is not None
    still = await search(api, resource, limit=0)
    assert still["total"] == 90  # the old data, whole
    newer = population_csv(range(2016, 2027))
    replaced = await api.put(url, headers=headers, files={"file": ("常住人口.csv", newer.encode(), "text/csv")})
    assert replaced.status_code == 200 and replaced.json()["row_count"] == 99
    assert (await search(api, resource, limit=0))["total"] == 99
    bad = await api.post(
        f"{API}/sites/hefei/desk/datasets/{dataset['name']}/resources", headers=headers,
        files={"file": ("重复表头.csv", "地区,地区,年份\n合肥市,合肥市,2025\n".encode(), "text/csv")},
    )  # fmt: skip
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "bad_file"
