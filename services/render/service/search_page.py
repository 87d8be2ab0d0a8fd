"""Each site's search page (/search/), on its own theme and without JavaScript: the search service's answer,
asked over HTTP, shown with the site's frame. Never cached with the pages: it depends on the words asked."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import httpx

from services.render.service.listing import pager
from services.render.service.search_client import SEARCH_API, SearchClient
from services.render.service.site_context import SiteContext
from shared.logs import get_logger

log = get_logger("render.search")
PATH = "/search/"
PAGE_SIZE = 10
MAX_PAGES = 50  # the search service answers 1,000 results deep by relevance
# What the page passes on to the API, and the longest value of each (the rest of a query string is ignored).
PARAMS = {"q": 100, "scope": 5, "page": 4, "sort": 9, "doc_type": 14, "channel": 200, "sites": 40, "year": 4}
FACETS = ("doc_type", "channel", "site", "year")


def search_params(raw: dict[str, str], site_id: str) -> dict[str, str]:
    """The API's parameters from the page's query string: year becomes a date range, the site is this one."""
    params = {k: v for k, v in raw.items() if k in PARAMS and k != "year"}
    if (year := raw.get("year", "")).isdigit():
        params |= {"date_from": f"{year}-01-01", "date_to": f"{year}-12-31"}
    return params | {"site": site_id, "size": str(PAGE_SIZE)}


async def search_context(client: SearchClient, ctx: SiteContext, raw: dict[str, str]) -> tuple[int, dict[str, Any]]:
    """The page's status and what its template shows: the form alone, the results, or why there are none."""
    chosen = {k: v for k, v in raw.items() if k in PARAMS}
    context: dict[str, Any] = {
        "chosen": chosen,
        "q": chosen.get("q", ""),
        "scope": chosen.get("scope", "site"),
        "problem": None,
        "result": None,
        "results": [],
        "facets": [],
        "pager": None,
    }
    if not context["q"].strip():
        return 200, context
    try:
        response = await client.search(search_params(raw, ctx.site_id))
    except httpx.HTTPError as exc:
        log.warning("search unavailable", problem=str(exc))
        return 503, context | {"problem": ctx.t["search_unavailable"]}
    if response.status_code >= 500:
        return 503, context | {"problem": ctx.t["search_unavailable"]}
    if response.status_code >= 400:
        return response.status_code, context | {"problem": _refusal(response)}
    result = response.json()
    return 200, context | {
        "result": result,
        "results": [_shown(ctx, r, result["query"], i) for i, r in enumerate(result["results"], 1)],
        "facets": _facet_links(result.get("facets", {}), chosen),
        "pager": _pager(result, chosen),
    }


def _refusal(response: httpx.Response) -> str:
    try:
        return response.json()["error"]["message"]
    except (ValueError, KeyError, TypeError):
        return response.text[:200]


def _shown(ctx: SiteContext, result: dict[str, Any], query: str, position: int) -> dict[str, Any]:
    href = ctx.ref_url({"site_id": result["site_id"], "url_path": result["url_path"]})
    click = {"site": ctx.site_id, "q": query, "url": result["url"], "position": position}
    # A ping must be an absolute http(s) address: the site's own canonical one.
    return result | {"href": href, "ping": ctx.url(f"{SEARCH_API}/clicks?{urlencode(click)}")}


def _facet_links(facets: dict[str, list[dict[str, Any]]], chosen: dict[str, str]) -> list[dict[str, Any]]:
    """Each facet as links that narrow the search (or, for the value chosen, widen it again)."""
    param = {"doc_type": "doc_type", "channel": "channel", "site": "sites", "year": "year"}
    groups = []
    for name in FACETS:
        values = facets.get(name) or []
        if len(values) < 2 and not chosen.get(param[name]):
            continue
        key = param[name]
        links = [
            {
                "label": v["label"],
                "count": v["count"],
                "current": chosen.get(key) == v["value"],
                "href": _href(chosen, {key: None if chosen.get(key) == v["value"] else v["value"], "page": None}),
            }
            for v in values[:12]
        ]
        groups.append({"name": name, "links": links})
    return groups


def _pager(result: dict[str, Any], chosen: dict[str, str]) -> dict[str, Any]:
    pages = min(MAX_PAGES, max(1, -(-result["total"] // PAGE_SIZE)))
    return pager(_href(chosen, {"page": None}) + "&page=", result["page"], pages, result["total"], query=True)


def _href(chosen: dict[str, str], changes: dict[str, str | None]) -> str:
    merged = {**chosen, **changes}
    return "/search/?" + urlencode({k: v for k, v in merged.items() if v})
