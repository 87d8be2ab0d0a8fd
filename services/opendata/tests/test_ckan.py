"""The CKAN Action API driven by the real `ckanapi` package — as a library and as its command line — against the
portal served on loopback: what developers' CKAN tools do is what they get."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import ckanapi
import pytest

from services.opendata.tests.support import API, DEVELOPER_KEY, POPULATION, open_dataset, publisher, served
from shared.testing import Tokens

TRAFFIC = POPULATION | {
    "name": "hefei-bus-lines",
    "title": "合肥市公交线路信息",
    "notes": "合肥市公交线路的起讫站点、首末班时间与票价。",
    "publisher": "合肥市交通运输局",
    "theme": "交通",
    "access": "conditional",
    "frequency": "每月",
    "tags": ["公交", "交通出行"],
}
LINES = "线路,起点站,终点站,首班时间,票价（元）\n1路,火车站,大蜀山,06:00,1\n10路,明光路,科学岛,06:10,2\n"
CKANAPI = str(Path(sys.executable).parent / "ckanapi")
# `ckanapi dump` starts its workers as `ckanapi` by name: the virtualenv's bin must be on the PATH
CLI_ENV = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}


async def test_ckanapi_reads_the_catalogue_and_the_datastore(api, sites, tokens: Tokens, app) -> None:
    _, resource = await open_dataset(api, tokens)
    await open_dataset(api, tokens, TRAFFIC, csv=LINES, filename="公交线路.csv")
    async with served(app) as url:
        portal = ckanapi.RemoteCKAN(url, user_agent="sitegroup-tests")
        found = await asyncio.to_thread(portal.action.package_search, q="人口", rows=10, **{"facet.field": ["groups"]})
        assert found["count"] == 1 and found["results"][0]["title"] == "合肥市各区县年末常住人口"
        assert found["search_facets"]["groups"]["items"][0]["name"] == "人口"
        everything = await asyncio.to_thread(portal.action.package_search, fq="organization:hefei", sort="name asc")
        assert [p["name"] for p in everything["results"]] == ["hefei-bus-lines", "hefei-population"]
        package = await asyncio.to_thread(portal.action.package_show, id="hefei-population")
        assert package["organization"]["title"] == "合肥市人民政府" and package["resources"][0]["datastore_active"]
        assert {"key": "开放属性", "value": "无条件开放"} in package["extras"]
        assert await asyncio.to_thread(portal.action.package_list) == ["hefei-bus-lines", "hefei-population"]
        assert await asyncio.to_thread(portal.action.organization_list) == ["hefei"]
        rows = await asyncio.to_thread(
            portal.action.datastore_search, resource_id=resource["id"], filters={"地区": "肥西县"},
            sort="年份 desc", limit=3,
        )  # fmt: skip
        assert rows["total"] == 10 and [r["年份"] for r in rows["records"]] == [2025, 2024, 2023]
        assert [f["id"] for f in rows["fields"]][:3] == ["_id", "地区", "年份"] and rows["fields"][2]["type"] == "int"
        with pytest.raises(ckanapi.NotFound):
            await asyncio.to_thread(portal.action.package_show, id="no-such-dataset")
        with pytest.raises(ckanapi.ValidationError) as invalid:
            await asyncio.to_thread(portal.action.datastore_search, resource_id=resource["id"], filters={"人数": 1})
        assert "不是本表的列" in str(invalid.value.error_dict["filters"])


async def test_a_conditional_dataset_needs_an_approved_key(api, sites, tokens: Tokens, app) -> None:
    dataset, resource = await open_dataset(api, tokens, TRAFFIC, csv=LINES, filename="公交线路.csv")
    async with served(app) as url:
        anonymous = ckanapi.RemoteCKAN(url)
        with pytest.raises(ckanapi.NotAuthorized) as refused:
            await asyncio.to_thread(anonymous.action.datastore_search, resource_id=resource["id"])
        assert "有条件开放" in str(refused.value)
        developer = ckanapi.RemoteCKAN(url, apikey=DEVELOPER_KEY)
        with pytest.raises(ckanapi.NotAuthorized):
            await asyncio.to_thread(developer.action.datastore_search, resource_id=resource["id"])
        application = {
            "dataset": "hefei-bus-lines",
            "applicant": "合肥智行科技有限公司",
            "purpose": "开发公交到站查询小程序，为市民提供线路与票价信息。",
        }
        asked = await api.post(f"{API}/access-requests", json=application, headers={"x-api-key": DEVELOPER_KEY})
        assert asked.status_code == 201, asked.text
        decision = {"approve": True, "reason": "用途明确，同意开放"}
        url_ = f"{API}/sites/hefei/desk/access-requests/{asked.json()['id']}"
        assert (await api.post(url_, json=decision, headers=publisher(tokens))).status_code == 200
        rows = await asyncio.to_thread(developer.action.datastore_search, resource_id=resource["id"])
        assert [r["线路"] for r in rows["records"]] == ["1路", "10路"]
        assert dataset["access"] == "conditional"


async def test_the_ckanapi_command_line_searches_and_dumps(api, sites, tokens: Tokens, app, tmp_path: Path) -> None:
    await open_dataset(api, tokens)
    async with served(app) as url:
        searched = await asyncio.to_thread(
            subprocess.run, [CKANAPI, "action", "package_search", "q=人口", "-r", url, "-j"],
            capture_output=True, text=True, timeout=60, env=CLI_ENV,
        )  # fmt: skip
        assert searched.returncode == 0, searched.stderr
        assert json.loads(searched.stdout)["results"][0]["name"] == "hefei-population"
        dump = tmp_path / "datasets.jsonl"
        dumped = await asyncio.to_thread(
            subprocess.run, [CKANAPI, "dump", "datasets", "--all", "-r", url, "-O", str(dump), "-q"],
            capture_output=True, text=True, timeout=60, env=CLI_ENV,
        )  # fmt: skip
        assert dumped.returncode == 0, dumped.stderr
        packages = [json.loads(line) for line in dump.read_text(encoding="utf-8").splitlines()]
        assert [p["name"] for p in packages] == ["hefei-population"] and packages[0]["resources"]


async def test_unknown_actions_and_bad_bodies_answer_as_ckan_does(api, sites) -> None:
    unknown = await api.post("/api/3/action/package_create", json={"name": "x"})
    assert unknown.status_code == 400 and unknown.json() == "Bad request - Action name not known: package_create"
    bad = await api.post(
        "/api/action/package_search", content=b"{not json", headers={"content-type": "application/json"}
    )
    assert bad.status_code == 400 and bad.json().startswith("Bad request - JSON Error")
    wrong = await api.get("/api/action/package_search", params={"q": "人口", "colour": "red"})
    assert wrong.status_code == 409 and wrong.json()["error"]["__type"] == "Validation Error"
    missing = await api.get("/api/action/package_show")
    assert missing.status_code == 409 and missing.json()["error"]["id"] == ["缺少必填参数（Missing value）"]
    status = (await api.get("/api/3/action/status_show")).json()
    assert status["success"] and status["result"]["site_title"] == "安徽省公共数据开放平台"
    sql = await api.post("/api/action/datastore_search_sql", json={"sql": "SELECT 1"})
    assert sql.status_code == 400  # off unless the portal offers it: the action is not there, as in CKAN
