"""The public catalogue as CKAN's clients ask it: package_search (q, fq, sort, facets, paging), package_show,
the lists of packages, organisations (sites), groups (主题分类) and tags, resource_show.

The catalogue of a province holds thousands of datasets, not millions: it is read whole (a few seconds' memory)
and searched in memory, while the group search serves people's searches with its own index."""

from __future__ import annotations

import re
import shlex
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from services.opendata.models import Dataset, Resource, SiteEntry
from services.opendata.service.access import TtlCache
from services.opendata.service.context import OpendataDeps, Reader
from services.opendata.service.views import package_dict, resource_dict
from shared.errors import InvalidInput, NotFound

FACETS = {"organization", "groups", "tags", "res_format", "license_id", "access", "frequency"}
SORTS = {"score", "metadata_modified", "metadata_created", "title_string", "name"}
_FQ_TERM = re.compile(r"^\+?(?P<field>[a-z_]+):(?P<value>.+)$")


@dataclass(frozen=True, slots=True)
class Entry:
    dataset: Dataset
    resources: list[Resource]
    package: dict[str, Any]


@dataclass(slots=True)
class PackageQuery:
    q: str = ""
    fq: str = ""
    rows: int = 10
    start: int = 0
    sort: str = "score desc, metadata_modified desc"
    facet_fields: list[str] = field(default_factory=list)
    facet_limit: int = 50


class Catalogue:
    def __init__(self, deps: OpendataDeps) -> None:
        self.deps = deps
        self.cache = TtlCache()

    async def entries(self) -> list[Entry]:
        """Every published dataset with its resources, as CKAN dictionaries."""
        found = self.cache.get("published")
        if found is None:
            async with self.deps.platform_uow() as uow:
                datasets = await uow.repo.published()
                resources = await uow.repo.resources([d.id for d in datasets])
                sites = {s.id: s for s in await uow.repo.sites({d.site_id for d in datasets})}
            url = self.deps.settings.portal_url
            found = [
                Entry(d, resources[d.id], package_dict(d, resources[d.id], sites.get(d.site_id), url)) for d in datasets
            ]
            self.cache.put("published", found)
        return found

    async def sites(self) -> dict[str, SiteEntry]:
        found = self.cache.get("sites")
        if found is None:
            async with self.deps.platform_uow() as uow:
                found = self.cache.put("sites", {s.id: s for s in await uow.repo.sites()})
        return found

    async def search(self, query: PackageQuery) -> dict[str, Any]:
        if not 0 <= query.rows <= 1000:
            raise InvalidInput("rows", "rows 应在 0 到 1000 之间")
        unknown = set(query.facet_fields) - FACETS
        if unknown:
            raise InvalidInput("facet.field", f"不支持按 {'、'.join(sorted(unknown))} 分面")
        matching = [(score, e) for e in await self.entries() if (score := _score(e, query.q)) and _passes(e, query.fq)]
        matching.sort(key=_sort_key(query.sort))
        page = [e.package for _, e in matching[query.start : query.start + query.rows]]
        facets = {name: _facet([e for _, e in matching], name, query.facet_limit) for name in query.facet_fields}
        search_facets = {
            name: {"title": name, "items": [{"name": k, "display_name": k, "count": n} for k, n in counts.items()]}
            for name, counts in facets.items()
        }
        return {"count": len(matching), "results": page, "facets": facets, "search_facets": search_facets,
                "sort": query.sort}  # fmt: skip

    async def show(self, key: str, reader: Reader) -> dict[str, Any]:
        for entry in await self.entries():
            if key in (entry.dataset.id, entry.dataset.name):
                return entry.package
        async with self.deps.platform_uow() as uow:  # a draft, for its own publishers only
            dataset = await uow.repo.dataset(key)
            if dataset is None or not reader.publishes(dataset.site_id):
                raise NotFound(f"没有数据集 {key}")
            resources = (await uow.repo.resources([dataset.id]))[dataset.id]
            site = await uow.repo.site(dataset.site_id)
        return package_dict(dataset, resources, site, self.deps.settings.portal_url)

    async def resource(self, resource_id: str) -> dict[str, Any]:
        for entry in await self.entries():
            for resource in entry.resources:
                if resource.id == resource_id:
                    return resource_dict(resource, self.deps.settings.portal_url)
        raise NotFound(f"没有资源 {resource_id}")


def _words(text: str) -> list[str]:
    return [w.lower() for w in text.split() if w not in ("*:*", "*")]


def _score(entry: Entry, q: str) -> float:
    """Title matches count most, then tags and the department, then the description; every word must match."""
    words = _words(q)
    if not words:
        return 1.0
    d = entry.dataset
    fields = [(d.title.lower(), 3.0), (" ".join(d.tags).lower(), 2.0), (d.publisher.lower(), 2.0), (d.theme, 2.0)]
    fields += [(d.notes.lower(), 1.0), (d.name, 1.0)]
    total = 0.0
    for word in words:
        hit = sum(weight for text, weight in fields if word in text)
        if not hit:
            return 0.0
        total += hit
    return total


def _values(entry: Entry, name: str) -> list[str]:
    d = entry.dataset
    return {
        "organization": [d.site_id], "owner_org": [d.site_id], "groups": [d.theme], "tags": list(d.tags),
        "res_format": sorted({r.format for r in entry.resources}), "license_id": [d.license_id],
        "access": [d.access], "frequency": [d.frequency], "name": [d.name], "id": [d.id],
    }.get(name, [])  # fmt: skip


def _passes(entry: Entry, fq: str) -> bool:
    """fq as CKAN's clients write it: `organization:hefei tags:人口 res_format:"CSV"` (every term must hold)."""
    try:
        terms = shlex.split(fq.replace(" AND ", " "))
    except ValueError as exc:
        raise InvalidInput("fq", f"fq 格式错误：{exc}") from exc
    for term in terms:
        match = _FQ_TERM.match(term)
        if match is None:
            raise InvalidInput("fq", f"fq 的条件应写作 字段:值，而不是「{term}」")
        if match["field"] not in FACETS | {"owner_org", "name", "id"}:
            raise InvalidInput("fq", f"不支持按 {match['field']} 筛选")
        if match["value"].strip('"') not in _values(entry, match["field"]):
            return False
    return True


def _facet(entries: list[Entry], name: str, limit: int) -> dict[str, int]:
    counts = Counter(value for e in entries for value in _values(e, name))
    return dict(counts.most_common(limit))


def _sort_key(sort: str) -> Callable[[tuple[float, Entry]], tuple]:
    """'score desc, metadata_modified desc' → a key for list.sort (CKAN's own fields, in order)."""
    parts = []
    for item in sort.split(","):
        words = item.split()
        if not words:
            continue
        if words[0] not in SORTS:
            raise InvalidInput("sort", f"不支持按 {words[0]} 排序")
        parts.append((words[0], len(words) > 1 and words[1].lower() == "desc"))

    def key(pair: tuple[float, Entry]) -> tuple:
        score, entry = pair
        values = {"score": score, "metadata_modified": entry.dataset.modified_at.timestamp(),
                  "metadata_created": entry.dataset.created_at.timestamp(), "name": entry.dataset.name,
                  "title_string": entry.dataset.title}  # fmt: skip
        return tuple(_directed(values[name], descending) for name, descending in parts)

    return key


def _directed(value: Any, descending: bool) -> Any:
    if isinstance(value, str):
        return tuple(-ord(ch) for ch in value) if descending else value
    return -value if descending else value
