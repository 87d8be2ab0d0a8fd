"""The catalogue's public life: events and search entries as datasets are published and withdrawn, the DCAT-AP
documents served and parsed back, and SQL search — refused unless offered, and then only one read-only SELECT."""

from __future__ import annotations

import pytest_asyncio
from rdflib import Graph, namespace

from services.opendata.main import create_app
from services.opendata.tests.support import API, open_dataset, publisher
from shared.testing import EventLog, Tokens, running


async def test_publishing_tells_the_platform_and_the_group_search(api, sites, tokens: Tokens, events: EventLog) -> None:
    dataset, _ = await open_dataset(api, tokens)
    published = (await events.wait_for("opendata.dataset.published.v1"))[0].data["dataset"]
    assert published["name"] == "hefei-population" and published["resources"][0]["rows"] == 90
    entry = (await events.wait_for("search.entry.updated.v1"))[0].data["entry"]
    assert entry["kind"] == "dataset" and entry["url_path"] == "/sjkf/hefei-population.html"
    assert "常住人口（万人）" in entry["text"] and entry["category"] == "数据开放·人口"
    withdrawn = await api.post(f"{API}/sites/hefei/desk/datasets/{dataset['name']}/withdraw", headers=publisher(tokens))
    assert withdrawn.status_code == 200
    await events.wait_for("search.entry.removed.v1")
    await events.wait_for("opendata.dataset.withdrawn.v1")
    gone = await api.get("/api/action/package_show", params={"id": "hefei-population"})
    assert gone.status_code == 404


async def test_the_catalogue_as_dcat(api, sites, tokens: Tokens) -> None:
    await open_dataset(api, tokens)
    for ext, fmt in (("ttl", "turtle"), ("jsonld", "json-ld"), ("rdf", "xml")):
        answer = await api.get(f"/catalog.{ext}")
        assert answer.status_code == 200, answer.text
        graph = Graph().parse(data=answer.content, format=fmt)
        [dataset] = list(graph.subjects(namespace.RDF.type, namespace.DCAT.Dataset))
        assert str(graph.value(dataset, namespace.DCTERMS.title)) == "合肥市各区县年末常住人口"
        assert len(list(graph.subjects(namespace.RDF.type, namespace.DCAT.Catalog))) == 1
        assert graph.value(graph.value(dataset, namespace.DCAT.distribution), namespace.DCAT.accessURL) is not None
    one = Graph().parse(data=(await api.get("/dataset/hefei-population.ttl")).content, format="turtle")
    assert len(list(one.subjects(namespace.RDF.type, namespace.DCAT.Dataset))) == 1
    assert (await api.get("/dataset/no-such-set.ttl")).status_code == 404
    assert (await api.get("/catalog.ttl", params={"page": 9})).status_code == 422


@pytest_asyncio.fixture
async def sql_api(settings, keys, sites, api):  # noqa: ANN001 - the same database, a second app that offers SQL
    app = create_app(settings.model_copy(update={"sql_enabled": True, "sql_timeout_ms": 300}), key_verifier=keys.verify)
    async with running(app) as http:
        yield http


async def test_sql_search_is_one_read_only_select(api, sites, tokens: Tokens, sql_api) -> None:
    _, resource = await open_dataset(api, tokens)
    rid = resource["id"]
    query = (
        f'SELECT "地区", max("常住人口（万人）") AS "人口" FROM "{rid}" GROUP BY "地区" ORDER BY "人口" DESC LIMIT 3'
    )
    answer = await sql_api.post("/api/action/datastore_search_sql", json={"sql": query})
    assert answer.status_code == 200, answer.text
    assert [r["地区"] for r in answer.json()["result"]["records"]] == ["巢湖市", "庐江县", "肥西县"]
    refused = {
        f'DELETE FROM "{rid}"': "只允许查询",
        f'SELECT * FROM "{rid}"; DROP TABLE "{rid}"': "只能提交一条",
        'SELECT * FROM "datasets"': "没有可查询的资源",
        f'SELECT pg_sleep(5) FROM "{rid}"': "不允许调用函数",
        f'SELECT * FROM "{rid}" FOR UPDATE': "只读",
        "SELEC 1": "语法错误",
    }
    for statement, reason in refused.items():
        answer = await sql_api.post("/api/action/datastore_search_sql", json={"sql": statement})
        assert answer.status_code == 409 and reason in str(answer.json()["error"]), (statement, answer.text)
    slow = f'SELECT count(*) FROM "{rid}" a, "{rid}" b, "{rid}" c, "{rid}" d'  # 90⁴ rows to count
    answer = await sql_api.post("/api/action/datastore_search_sql", json={"sql": slow})
    assert answer.status_code == 409 and "毫秒" in str(answer.json()["error"])
    assert (await sql_api.post(f"{API}/sites/hefei/desk/datasets", json={})).status_code == 401
