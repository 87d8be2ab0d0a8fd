"""Each site's 数据开放 pages on its own theme, without JavaScript: the catalogue (the provincial portal lists every
site's datasets, any other site its own) with search and filters, and a dataset's page — its metadata, files,
a preview of its rows, a chart of a numeric column, and how to call it (curl, Python with ckanapi)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlencode

import httpx

from services.render.service.charts import bar_chart
from services.render.service.listing import pager
from shared.logs import get_logger

log = get_logger("render.data")
CATALOGUE = "/sjkf/"
_ONE = re.compile(r"^/sjkf/([a-z0-9][a-z0-9_-]{1,99})\.html$")
PARAMS = {"q": 100, "theme": 40, "access": 12, "page": 5}
API = "/api/v1/opendata"
PAGE_SIZE = 10
PREVIEW_ROWS = 10
CHART_ROWS = 20
ACCESS = {"open": "无条件开放", "conditional": "有条件开放", "closed": "不予开放"}
UNAVAILABLE = "数据开放平台暂时无法访问，请稍后再试"


@dataclass(frozen=True, slots=True)
class DataView:
    template: str
    title: str
    status: int = 200
    context: dict[str, Any] = field(default_factory=dict)


class DataClient:
    """The open-data portal's public API as the page server asks it: over HTTP to the gateway, or in-process."""

    def __init__(self, base_url: str, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.base_url = base_url.rstrip("/")
        self.client = httpx.AsyncClient(base_url=base_url, transport=transport, timeout=10.0)

    async def get(self, path: str, params: dict[str, Any] | None = None) -> httpx.Response:
        return await self.client.get(path, params=params)

    async def close(self) -> None:
        await self.client.aclose()


def is_data_path(path: str) -> bool:
    return path == CATALOGUE or _ONE.match(path) is not None


async def data_view(
    client: DataClient, site: dict[str, Any], origin: str, path: str, params: dict[str, str]
) -> DataView:
    """`origin`: the site's own address, where its visitors call the API (the gateway answers it on every host)."""
    try:
        if path == CATALOGUE:
            return await _catalogue(client, site, params)
        match = _ONE.match(path)
        assert match is not None
        return await _dataset(client, origin, match[1])
    except httpx.HTTPError as exc:
        log.warning("opendata_unavailable", error=repr(exc))
        return DataView("engagement_done.html", "数据开放", 503, {"message": UNAVAILABLE, "back": "/"})


async def _catalogue(client: DataClient, site: dict[str, Any], params: dict[str, str]) -> DataView:
    number = int(params["page"]) if params.get("page", "").isdigit() and int(params["page"]) > 0 else 1
    query = {"q": params.get("q", ""), "page": number, "size": PAGE_SIZE}
    query |= {k: params[k] for k in ("theme", "access") if params.get(k)}
    if site.get("level") != "province":
        query["site"] = site["id"]  # the provincial portal is the whole province's catalogue
    answer = await client.get(f"{API}/datasets", params=query)
    if answer.status_code != 200:
        return DataView(
            "engagement_done.html", "数据开放", answer.status_code, {"message": _message(answer), "back": "/"}
        )
    found = answer.json()
    pages = max(1, -(-found["count"] // PAGE_SIZE))
    base = (
        CATALOGUE + "?" + urlencode({k: v for k, v in query.items() if k in ("q", "theme", "access") and v}) + "&page="
    )
    facets = {name: found["facets"].get(name, {}) for name in ("groups", "access", "res_format", "organization")}
    context = {
        "datasets": [_summary(p) for p in found["results"]], "total": found["count"], "facets": facets,
        "q": params.get("q", ""), "theme_filter": params.get("theme", ""), "access_filter": params.get("access", ""),
        "access_labels": ACCESS, "pager": pager(base, number, pages, found["count"], query=True),
    }  # fmt: skip
    return DataView("datasets.html", "数据开放", context=context)


def _summary(package: dict[str, Any]) -> dict[str, Any]:
    return {
        "name": package["name"], "title": package["title"], "notes": package["notes"], "publisher": package["author"],
        "theme": package["theme"], "access": ACCESS[package["access"]], "frequency": package["frequency"],
        "modified": (package["metadata_modified"] or "")[:10], "site": package["organization"]["title"],
        "formats": sorted({r["format"] for r in package["resources"]}),
    }  # fmt: skip


async def _dataset(client: DataClient, origin: str, name: str) -> DataView:
    answer = await client.get(f"{API}/datasets/{quote(name)}")
    if answer.status_code != 200:
        return DataView(
            "engagement_done.html", "数据开放", answer.status_code, {"message": _message(answer), "back": CATALOGUE}
        )
    dataset = answer.json()
    resource = next((r for r in dataset["resources"] if r["datastore_active"]), None)
    preview, (chart_title, chart) = ([], []), ("", "")
    if resource is not None and dataset["access"] == "open":
        preview = await _rows(client, resource, PREVIEW_ROWS)
        chart_title, chart = await _chart(client, resource, preview)
    context = {
        "dataset": dataset, "resource": resource, "fields": preview[0], "rows": preview[1], "chart": chart,
        "chart_title": chart_title,
        "examples": _examples(origin, dataset, resource), "access_label": ACCESS[dataset["access"]],
    }  # fmt: skip
    return DataView("dataset.html", dataset["title"], context=context)


async def _rows(client: DataClient, resource: dict[str, Any], limit: int, **params: Any) -> tuple[list, list]:
    query = {"limit": limit, "include_total": "false", **params}
    answer = await client.get(f"{API}/resources/{resource['id']}/data", params=query)
    if answer.status_code != 200:
        return [], []
    body = answer.json()
    fields = [f for f in body["fields"] if f != "_id"]
    return fields, [[record.get(f) for f in fields] for record in body["records"]]


async def _chart(client: DataClient, resource: dict[str, Any], preview: tuple[list, list]) -> tuple[str, str]:
    """A numeric column over the first date/time column (its latest values, for the first row's category when
    the rows have one), else over the first text column: its title (the figure's caption) and its SVG."""
    columns = resource["columns"]
    number = next((c for c in columns if c["type"] in ("numeric", "integer") and not _looks_like_year(c)), None)
    time = next((c for c in columns if c["type"] in ("date", "timestamp") or _looks_like_year(c)), None)
    category = next((c for c in columns if c["type"] == "text"), None)
    axis = time or category
    if number is None or axis is None:
        return "", ""
    params: dict[str, Any] = {"fields": f"{axis['id']},{number['id']}"}
    title = f"{number.get('label') or number['id']}（按{axis.get('label') or axis['id']}）"
    if time is not None:
        params["sort"] = f"{time['id']} desc"
        fields, rows = preview
        if category is not None and rows and category["id"] in fields:
            first = rows[0][fields.index(category["id"])]
            params["filters"] = json.dumps({category["id"]: first}, ensure_ascii=False)
            title = f"{number.get('label') or number['id']}（{first}，按{time.get('label') or time['id']}）"
    _, found = await _rows(client, resource, CHART_ROWS, **params)
    points = [(str(label)[:16], float(value)) for label, value in reversed(found) if value is not None]
    chart = bar_chart(title, points)
    return (title, chart) if chart else ("", "")


def _looks_like_year(column: dict[str, Any]) -> bool:
    return column["type"] == "integer" and ("年" in column["id"] or "year" in column["id"].lower())


def _examples(portal: str, dataset: dict[str, Any], resource: dict[str, Any] | None) -> dict[str, str]:
    """How to call this dataset from a shell and from Python (CKAN's own client works against the portal)."""
    if resource is None:
        return {}
    key = ' -H "X-API-Key: sgk_您的密钥"' if dataset["access"] == "conditional" else ""
    filters = json.dumps({}, ensure_ascii=False)
    curl = f"curl{key} '{portal}/api/action/datastore_search?resource_id={resource['id']}&limit=5'"
    python = "\n".join([
        "import ckanapi", "",
        f'portal = ckanapi.RemoteCKAN("{portal}"' + (', apikey="sgk_您的密钥")' if key else ")"),
        f'rows = portal.action.datastore_search(resource_id="{resource["id"]}", filters={filters}, limit=100)',
        'for record in rows["records"]:', "    print(record)",
    ])  # fmt: skip
    return {"curl": curl, "python": python}


def _message(answer: httpx.Response) -> str:
    try:
        return answer.json()["error"]["message"]
    except (ValueError, KeyError, TypeError):
        return UNAVAILABLE
