"""Facet labels and pinned results: what the engine's raw values mean to a reader."""

from __future__ import annotations

from urllib.parse import urlsplit

from markupsafe import escape

from services.search.schemas import FacetValue, SearchResult
from services.search.service.context import SearchDeps
from shared.events.searchable import KIND_LABELS

DOC_TYPE_LABELS = {
    "article": "文章",
    "policy": "政策文件",
    "interpretation": "政策解读",
    "disclosure": "信息公开",
    **KIND_LABELS,
}
FACET_NAMES = {
    "site_id": "site",
    "channel": "channel",
    "doc_type": "doc_type",
    "topic": "topic",
    "validity": "validity",
    "year": "year",
}


def facets(deps: SearchDeps, raw: dict[str, list[tuple[str, int]]]) -> dict[str, list[FacetValue]]:
    shown: dict[str, list[FacetValue]] = {}
    for field, buckets in raw.items():
        values = [_value(deps, field, value, count) for value, count in buckets if value]
        if field == "year":
            values.sort(key=lambda v: v.value, reverse=True)
        shown[FACET_NAMES.get(field, field)] = values
    return shown


def _value(deps: SearchDeps, field: str, value: str, count: int) -> FacetValue:
    if field == "site_id":
        return FacetValue(value=value, label=deps.sites.get(value, {}).get("name", value), count=count)
    if field == "channel":
        path, _, name = value.partition("|")
        return FacetValue(value=path, label=name or path, count=count)
    if field == "doc_type":
        return FacetValue(value=value, label=DOC_TYPE_LABELS.get(value, value), count=count)
    return FacetValue(value=value, label=value, count=count)


def pin(results: list[SearchResult], bets: list[tuple[str, str, str]]) -> list[SearchResult]:
    """The editors' pinned pages first (in their order), each once; then the results."""
    by_url = {result.url: result for result in results}
    pinned = []
    for title, url, site_id in bets:
        found = by_url.pop(url, None)
        pinned.append(
            (
                found
                or SearchResult(
                    title=title,
                    title_html=str(escape(title)),
                    snippet_html="",
                    url=url,
                    url_path=urlsplit(url).path or "/",
                    site_id=site_id,
                    site_name="",
                    channel_name="",
                    doc_type="article",
                )
            ).model_copy(update={"pinned": True})
        )
    return [*pinned, *(r for r in results if r.url in by_url)]
