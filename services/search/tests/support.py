"""The search tests' kit: sample sites, publishing a document, asking the API."""

from __future__ import annotations

from shared.events.samples import Feeder, eventually, site

HEFEI = site("hefei", "合肥市人民政府", "3401000001")
MAS = site("mas", "马鞍山市人民政府", "3405000001")
FEIXI = site("feixi", "肥西县人民政府", "3401230001", level="county", parent_id="hefei")
TZGG = "zwdt/tzgg"


def body(*paragraphs: str) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


async def hits(api, q: str, site_id: str = "hefei", **params) -> dict:
    response = await api.get("/api/v1/search", params={"q": q, "site": site_id, **params})
    assert response.status_code == 200, response.text
    return response.json()


async def titles(api, q: str, site_id: str = "hefei", **params) -> list[str]:
    return [r["title"] for r in (await hits(api, q, site_id, **params))["results"]]


async def found(api, q: str, title: str, site_id: str = "hefei", **params) -> None:
    async def check() -> bool:
        return title in await titles(api, q, site_id, **params)

    await eventually(check)


async def publish(feeder: Feeder, province, owner, title: str, paragraphs: list[str], **fields):
    doc = feeder.document(owner, (province[owner.id][TZGG], TZGG), title, body_html=body(*paragraphs), **fields)
    await feeder.publish(doc)
    return doc
