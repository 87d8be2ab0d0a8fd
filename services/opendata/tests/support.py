"""The open-data tests' kit: sample sites, API keys, datasets written from real-looking government data."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import uvicorn

from shared.auth.apikeys import ApiKeyInfo
from shared.events.samples import site
from shared.testing import Tokens

HEFEI = site("hefei", "合肥市人民政府", "3401000001")
FEIXI = site("feixi", "肥西县人民政府", "3401230001", level="county", parent_id="hefei")
API = "/api/v1/opendata"
DEVELOPER_KEY = "sgk_aaaaaaaaaaaa_" + "d" * 43
OTHER_KEY = "sgk_bbbbbbbbbbbb_" + "o" * 43
KEYS = {
    DEVELOPER_KEY: ApiKeyInfo("aaaaaaaaaaaa", "app-traffic", 600, "dev-zhang"),
    OTHER_KEY: ApiKeyInfo("bbbbbbbbbbbb", "app-other", 600, "dev-wang"),
}
POPULATION = {
    "name": "hefei-population",
    "title": "合肥市各区县年末常住人口",
    "notes": "合肥市各县（市）区历年年末常住人口及城镇化率，数据来源于合肥市统计年鉴。",
    "publisher": "合肥市统计局",
    "theme": "人口",
    "access": "open",
    "frequency": "每年",
    "license_id": "cc-by-4.0",
    "tags": ["人口", "统计年鉴"],
    "contact_name": "综合统计处",
    "contact_email": "tjj@hefei.gov.cn",
}
DISTRICTS = ["瑶海区", "庐阳区", "蜀山区", "包河区", "长丰县", "肥东县", "肥西县", "庐江县", "巢湖市"]


def population_csv(years: range = range(2016, 2026)) -> str:
    """地区 × 年份: 常住人口（万人） and 城镇化率（%）, one row each."""
    lines = ["地区,年份,常住人口（万人）,城镇化率（%）,统计日期"]
    for i, district in enumerate(DISTRICTS):
        for year in years:
            people = 60 + i * 12.5 + (year - 2016) * 1.3
            lines.append(f"{district},{year},{people:.1f},{55 + i + (year - 2016) * 0.8:.1f},{year}-12-31")
    return "\n".join(lines) + "\n"


@dataclass
class Keys:
    """The identity service's key check, as the tests decide it (a revoked key is taken out)."""

    live: dict[str, ApiKeyInfo]

    async def verify(self, key: str) -> ApiKeyInfo | None:
        return self.live.get(key)


def publisher(tokens: Tokens, site_id: str = "hefei", subject: str = "hf-tjj") -> dict[str, str]:
    return tokens.bearer(subject, (site_id, "data_publisher"))


async def open_dataset(
    api: httpx.AsyncClient,
    tokens: Tokens,
    body: dict | None = None,
    *,
    csv: str | None = None,
    site_id: str = "hefei",
    publish: bool = True,
    filename: str = "常住人口.csv",
) -> tuple[dict, dict]:
    """A dataset described, its file uploaded (and loaded), published: (dataset, resource)."""
    headers = publisher(tokens, site_id)
    made = await api.post(f"{API}/sites/{site_id}/desk/datasets", json=body or POPULATION, headers=headers)
    assert made.status_code == 201, made.text
    name = made.json()["name"]
    content = (csv or population_csv()).encode()
    sent = await api.post(
        f"{API}/sites/{site_id}/desk/datasets/{name}/resources", headers=headers,
        files={"file": (filename, content, "text/csv")}, data={"title": "常住人口（2016—2025年）"},
    )  # fmt: skip
    assert sent.status_code == 201, sent.text
    if publish:
        done = await api.post(f"{API}/sites/{site_id}/desk/datasets/{name}/publish", headers=headers)
        assert done.status_code == 200, done.text
    return made.json(), sent.json()


@contextlib.asynccontextmanager
async def served(app) -> AsyncIterator[str]:  # noqa: ANN001 - an ASGI app already started by `running`
    """The app on a loopback port, in this event loop, for clients that speak real HTTP (ckanapi, its CLI):
    call them in a thread so the loop goes on serving."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, lifespan="off", log_level="warning", access_log=False)
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:
        if task.done():
            task.result()
        await asyncio.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task
