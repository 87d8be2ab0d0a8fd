"""Broken uploads through the API: a file in no readable encoding, ragged rows, a file over the size limit, values
that do not fit the data dictionary's types — each answered with a report naming the problem, and nothing half
loaded: no new resource, the old data still served whole."""

from __future__ import annotations

import pytest_asyncio

from services.opendata.main import create_app
from services.opendata.tests.support import API, open_dataset, population_csv, publisher
from shared.testing import Tokens, running

ACTION = "/api/action/datastore_search"


async def total(api, resource: dict) -> int:
    answer = await api.post(ACTION, json={"resource_id": resource["id"], "limit": 0})
    return answer.json()["result"]["total"]


async def test_bad_files_get_a_report_and_leave_nothing(api, sites, tokens: Tokens) -> None:
    headers = publisher(tokens)
    dataset, resource = await open_dataset(api, tokens)
    url = f"{API}/sites/hefei/desk/datasets/{dataset['name']}/resources"
    undecodable = ("地区,年份\n".encode() + bytes(range(0x80, 0x100)) * 40 + b"\n") * 3
    garbled = await api.post(url, headers=headers, files={"file": ("乱码.csv", undecodable, "text/csv")})
    assert garbled.status_code == 422 and "编码" in garbled.json()["error"]["message"], garbled.text
    ragged = population_csv().splitlines()
    ragged[12] += ",多余"
    ragged[40] = "蜀山区,2019"
    answer = await api.post(
        url, headers=headers, files={"file": ("常住人口.csv", "\n".join(ragged).encode(), "text/csv")}
    )
    assert answer.status_code == 422
    report = answer.json()["error"]["details"]
    assert report["total"] == 2 and [p["row"] for p in report["problems"]] == [13, 41]
    assert all("列" in p["message"] for p in report["problems"])
    shown = (await api.get(f"{API}/datasets/{dataset['name']}", headers=headers)).json()
    assert [r["id"] for r in shown["resources"]] == [resource["id"]]  # nothing half-stored
    assert await total(api, resource) == 90


async def test_values_that_do_not_fit_the_dictionary_are_named(api, sites, tokens: Tokens) -> None:
    headers = publisher(tokens)
    dataset, resource = await open_dataset(
        api, tokens, csv=population_csv().replace("庐阳区,2020,", "庐阳区,约2020,", 1)
    )
    assert [c["type"] for c in resource["columns"]][1] == "text"  # one 年份 is not a number: the column is text
    columns = [{"id": c["id"], "type": c["type"], "label": ""} for c in resource["columns"]]
    columns[1]["type"] = "integer"
    url = f"{API}/sites/hefei/desk/datasets/{dataset['name']}/resources/{resource['id']}/dictionary"
    refused = await api.put(url, json={"columns": columns}, headers=headers)
    assert refused.status_code == 422, refused.text
    problem = refused.json()["error"]["details"]["problems"][0]
    assert problem["column"] == "年份" and problem["value"] == "约2020" and problem["row"] is not None
    assert await total(api, resource) == 90
    columns[1] = {"id": "年份", "type": "text", "label": "统计年度", "notes": "公历年份"}
    labelled = await api.put(url, json={"columns": columns}, headers=headers)
    assert labelled.status_code == 200 and labelled.json()["columns"][1]["label"] == "统计年度"
    unknown = await api.put(url, json={"columns": columns[:2]}, headers=headers)
    assert unknown.status_code == 422 and "数据项应与文件的列一致" in unknown.text


@pytest_asyncio.fixture
async def small(settings, keys, sites, api):  # noqa: ANN001 - the same database, a portal that takes 64 KB files
    app = create_app(settings.model_copy(update={"max_upload_bytes": 64 * 1024}), key_verifier=keys.verify)
    async with running(app) as http:
        yield http


async def test_a_file_over_the_limit_is_refused_unread(api, sites, tokens: Tokens, small) -> None:
    dataset, _ = await open_dataset(api, tokens, publish=False)
    big = population_csv(range(1000, 2026)).encode()  # ~330 KB
    url = f"{API}/sites/hefei/desk/datasets/{dataset['name']}/resources"
    answer = await small.post(url, headers=publisher(tokens), files={"file": ("大文件.csv", big, "text/csv")})
    assert answer.status_code == 413 and "文件超过 64 KB" in answer.json()["error"]["message"], answer.text
    huge = b"x" * (64 * 1024 + 2**20 + 1)  # past the body limit itself: refused before it is read
    refused = await small.post(url, headers=publisher(tokens), files={"file": ("更大.csv", huge, "text/csv")})
    assert refused.status_code == 413
    shown = (await api.get(f"{API}/datasets/{dataset['name']}", headers=publisher(tokens))).json()
    assert len(shown["resources"]) == 1
