"""Issue 14's pages through the gateway: a department publishes a dataset through the API; its site's 数据开放
catalogue lists it (filtered by theme and 开放属性, searched by words), its page shows the metadata, a preview of the
rows, a chart, downloads and how to call it; a 有条件开放 dataset shows no rows; CKAN's clients reach the portal on
any host; the group search finds the dataset."""

from __future__ import annotations

from tests.test_consolidated import bearer, open_hefei

DATA = "/api/v1/opendata"
HOST = {"host": "www.hefei.gov.cn"}
POPULATION = {
    "name": "hefei-population",
    "title": "合肥市各区县年末常住人口",
    "notes": "合肥市各县（市）区历年年末常住人口，来源于合肥统计年鉴。",
    "publisher": "合肥市统计局",
    "theme": "人口",
    "frequency": "每年",
    "tags": ["人口"],
}
ROWS = "地区,年份,常住人口（万人）\n" + "".join(
    f"{d},{y},{60 + i * 10 + (y - 2020) * 1.5:.1f}\n"
    for i, d in enumerate(["瑶海区", "庐阳区", "蜀山区"])
    for y in range(2020, 2026)
)


async def publish(http, platform, body: dict, rows: str) -> dict:
    publisher = bearer(platform, "hf-tjj", ("hefei", "data_publisher"))
    assert (await http.post(f"{DATA}/sites/hefei/desk/datasets", json=body, headers=publisher)).status_code == 201
    files = {"file": ("数据.csv", rows.encode(), "text/csv")}
    url = f"{DATA}/sites/hefei/desk/datasets/{body['name']}/resources"
    resource = await http.post(url, files=files, headers=publisher)
    assert resource.status_code == 201, resource.text
    done = await http.post(f"{DATA}/sites/hefei/desk/datasets/{body['name']}/publish", headers=publisher)
    assert done.status_code == 200, done.text
    return resource.json()


async def test_a_published_dataset_on_its_sites_pages(http, platform) -> None:
    await open_hefei(http, platform)
    await platform.settle()
    resource = await publish(http, platform, POPULATION, ROWS)
    secret = POPULATION | {
        "name": "hefei-enterprises",
        "title": "合肥市企业登记信息",
        "theme": "市场监管",
        "notes": "企业登记",
    }
    await publish(
        http, platform, secret | {"access": "conditional"}, "企业名称,成立日期\n合肥某科技有限公司,2019-03-15\n"
    )

    catalogue = await http.get("/sjkf/", headers=HOST)
    assert (
        catalogue.status_code == 200
        and "合肥市各区县年末常住人口" in catalogue.text
        and "共 2 个数据集" in catalogue.text
    )
    only = await http.get("/sjkf/", params={"access": "conditional"}, headers=HOST)
    assert "合肥市企业登记信息" in only.text and "合肥市各区县年末常住人口" not in only.text
    searched = await http.get("/sjkf/", params={"q": "常住人口"}, headers=HOST)
    assert "共 1 个数据集" in searched.text

    page = await http.get("/sjkf/hefei-population.html", headers=HOST)
    assert page.status_code == 200 and "合肥市统计局" in page.text and "无条件开放" in page.text
    assert "<td>庐阳区</td>" in page.text and 'class="chart"' in page.text  # a preview and a chart
    assert "<figcaption>常住人口（万人）（" in page.text and "按年份）</figcaption>" in page.text  # what it plots
    assert f"datastore_search?resource_id={resource['id']}" in page.text and "ckanapi.RemoteCKAN" in page.text
    assert f'href="/api/v1/opendata/resources/{resource["id"]}/file"' in page.text
    closed = await http.get("/sjkf/hefei-enterprises.html", headers=HOST)
    assert "有条件开放" in closed.text and "合肥某科技有限公司" not in closed.text
    assert (await http.get("/sjkf/no-such-data.html", headers=HOST)).status_code == 404

    ckan = await http.get("/api/3/action/package_show", params={"id": "hefei-population"}, headers=HOST)
    assert ckan.status_code == 200 and ckan.json()["result"]["title"] == POPULATION["title"]
    dcat = await http.get("/catalog.ttl", headers=HOST)
    assert dcat.status_code == 200 and "合肥市各区县年末常住人口" in dcat.text
    download = await http.get(f"/api/v1/opendata/resources/{resource['id']}/file", headers=HOST)
    assert download.status_code == 200 and download.content == ROWS.encode()
    await platform.settle()
    found = await http.get("/api/v1/search", params={"q": "常住人口", "site": "hefei", "doc_type": "dataset"})
    assert [r["title"] for r in found.json()["results"]] == ["合肥市各区县年末常住人口"]
