"""Every publishing endpoint against another site's publisher, a reader, and no one; 有条件开放 decided only by
the owning site; keys counted apart; drafts invisible to the public."""

from __future__ import annotations

from services.opendata.tests.support import API, DEVELOPER_KEY, OTHER_KEY, POPULATION, open_dataset, publisher
from shared.testing import Tokens

CONDITIONAL = POPULATION | {"name": "hefei-enterprises", "title": "合肥市企业登记信息", "access": "conditional"}
ENTERPRISES = (
    "统一社会信用代码,企业名称,成立日期,注册资本（万元）\n91340100MA2RMLXP3C,合肥市某科技有限公司,2019-03-15,500\n"
)


async def test_another_sites_publisher_touches_nothing(api, sites, tokens: Tokens) -> None:
    dataset, resource = await open_dataset(api, tokens, publish=False)
    name, rid = dataset["name"], resource["id"]
    feixi = publisher(tokens, "feixi", "fx-tjj")
    attempts = [
        ("GET", f"{API}/sites/hefei/desk/datasets", None),
        ("GET", f"{API}/sites/hefei/desk/datasets/{name}", None),
        ("POST", f"{API}/sites/hefei/desk/datasets", POPULATION | {"name": "stolen"}),
        ("PUT", f"{API}/sites/hefei/desk/datasets/{name}", POPULATION),
        ("POST", f"{API}/sites/hefei/desk/datasets/{name}/publish", None),
        ("PUT", f"{API}/sites/hefei/desk/datasets/{name}/resources/{rid}/dictionary", {"columns": []}),
        ("GET", f"{API}/sites/hefei/desk/access-requests", None),
        ("GET", f"{API}/sites/hefei/desk/usage", None),
    ]
    for method, url, body in attempts:
        answer = await api.request(method, url, json=body, headers=feixi)
        assert answer.status_code == 403, (method, url, answer.text)
        assert (await api.request(method, url, json=body)).status_code == 401, (method, url)
    own = await api.get(f"{API}/sites/feixi/desk/datasets", headers=feixi)
    assert own.status_code == 200 and own.json() == []
    # with its own site in the path, another site's dataset is not there at all
    for url in (f"{API}/sites/feixi/desk/datasets/{name}/publish", f"{API}/sites/feixi/desk/datasets/{name}/withdraw"):
        assert (await api.post(url, headers=feixi)).status_code == 404
    assert (await api.get(f"{API}/datasets/{name}")).status_code == 404  # a draft is nobody's but its site's
    assert (await api.get(f"{API}/datasets/{name}", headers=publisher(tokens))).status_code == 200
    search = await api.post("/api/action/datastore_search", json={"resource_id": rid})
    assert search.status_code == 404


async def test_only_the_owning_site_decides_applications(api, sites, tokens: Tokens) -> None:
    _, resource = await open_dataset(api, tokens, CONDITIONAL, csv=ENTERPRISES, filename="企业登记.csv")
    body = {
        "dataset": "hefei-enterprises",
        "applicant": "安徽某征信服务有限公司",
        "purpose": "用于企业信用核验服务，核对企业名称与成立日期。",
    }
    asked = await api.post(f"{API}/access-requests", json=body, headers={"x-api-key": DEVELOPER_KEY})
    assert asked.status_code == 201, asked.text
    again = await api.post(f"{API}/access-requests", json=body, headers={"x-api-key": DEVELOPER_KEY})
    assert again.status_code == 409
    url = f"{API}/sites/feixi/desk/access-requests/{asked.json()['id']}"
    assert (await api.post(url, json={"approve": True}, headers=publisher(tokens, "feixi", "fx"))).status_code == 404
    data = f"{API}/resources/{resource['id']}/data"
    whole = f"{API}/resources/{resource['id']}/export.csv"  # served from the file kept at load: checked the same
    assert (await api.get(data)).status_code == 401 and (await api.get(whole)).status_code == 401
    assert (await api.get(data, headers={"x-api-key": DEVELOPER_KEY})).status_code == 403
    assert (await api.get(whole, headers={"x-api-key": DEVELOPER_KEY})).status_code == 403
    own = f"{API}/sites/hefei/desk/access-requests/{asked.json()['id']}"
    assert (await api.post(own, json={"approve": True}, headers=publisher(tokens))).status_code == 200
    assert (await api.get(data, headers={"x-api-key": DEVELOPER_KEY})).status_code == 200
    assert (await api.get(whole, headers={"x-api-key": DEVELOPER_KEY})).text.startswith("_id,")
    assert (await api.get(data, headers={"x-api-key": OTHER_KEY})).status_code == 403  # another application
    revoked = await api.post(own, json={"approve": False, "reason": "超出申请用途使用"}, headers=publisher(tokens))
    assert revoked.status_code == 200 and revoked.json()["status"] == "revoked"
    assert (await api.get(data, headers={"x-api-key": DEVELOPER_KEY})).status_code == 403
    mine = await api.get(f"{API}/my/access-requests", headers={"x-api-key": DEVELOPER_KEY})
    assert [r["status"] for r in mine.json()] == ["revoked"]
    signed_in = await api.get(f"{API}/my/access-requests", headers=tokens.bearer("dev-zhang"))
    assert [r["applicant"] for r in signed_in.json()] == ["安徽某征信服务有限公司"]
    assert (await api.get(f"{API}/my/access-requests", headers=tokens.bearer("dev-wang"))).json() == []
    assert (await api.get(f"{API}/my/access-requests")).status_code == 401
    forged = await api.get(data, headers={"x-api-key": "sgk_cccccccccccc_" + "x" * 43})
    assert forged.status_code == 403 and "API 密钥无效" in forged.text


async def test_calls_and_downloads_are_counted_per_key(api, sites, tokens: Tokens, runtime) -> None:
    dataset, resource = await open_dataset(api, tokens)
    for _ in range(3):
        await api.get(f"{API}/resources/{resource['id']}/data", headers={"x-api-key": DEVELOPER_KEY})
    await api.get(f"{API}/resources/{resource['id']}/data")
    await api.get(f"{API}/resources/{resource['id']}/export.csv")
    await runtime.workers[-1].flush()
    shown = (await api.get(f"{API}/datasets/{dataset['name']}")).json()
    assert shown["api_calls"] == 4 and shown["downloads"] == 1
    mine = (await api.get(f"{API}/my/usage", headers={"x-api-key": DEVELOPER_KEY})).json()
    assert [(r["kind"], r["count"], r["key_id"]) for r in mine] == [("api", 3, "aaaaaaaaaaaa")]
    site = (await api.get(f"{API}/sites/hefei/desk/usage", headers=publisher(tokens))).json()
    assert sorted((r["kind"], r["count"]) for r in site) == [("api", 4), ("download", 1)]
    await api.get(f"{API}/resources/{resource['id']}/data", headers={"x-api-key": OTHER_KEY})
    await runtime.workers[-1].flush()
    signed_in = (await api.get(f"{API}/my/usage", headers=tokens.bearer("dev-zhang"))).json()  # every key of theirs
    assert [(r["key_id"], r["count"]) for r in signed_in] == [("aaaaaaaaaaaa", 3)]
    other = (await api.get(f"{API}/my/usage", headers=tokens.bearer("dev-wang"))).json()
    assert [(r["key_id"], r["count"]) for r in other] == [("bbbbbbbbbbbb", 1)]
    assert (await api.get(f"{API}/my/usage")).status_code == 401
