"""Elasticsearch 8.x by URL, with the official async client over httpx: the same tokens, the same query shape.

Indexes are `<alias>-<generation>` behind one alias; a rebuild fills a new index while the alias answers, then
moves the alias in one atomic action. Only what a minimal 8.19 node has is used (no _delete_by_query,
_reindex or scripts): deletions are a search for the key's placements, then a bulk delete.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from typing import Any

from elasticsearch import AsyncElasticsearch, NotFoundError

from services.search.engines.base import (
    KEYWORDS,
    PINYIN_FIELDS,
    STORED,
    STORED_ONLY,
    TEXT_FIELDS,
    WHOLE_WORD_BONUS,
    Alternative,
    Clause,
    EngineHits,
    EngineQuery,
    Filters,
    Hit,
    IndexDoc,
)

FILTER_FIELDS = {
    "sites": "site_id",
    "levels": "site_level",
    "channel_paths": "channel_path",
    "doc_types": "doc_type",
    "topics": "topic",
    "validity": "validity",
    "kinds": "kind",
    "states": "state",
}
# The built-in `whitespace` analyzer: the tokens come segmented and lowercased from our analyzer (the minimal
# 8.19 distribution has no analysis-common module, so no custom analyzer with a lowercase filter either).
INDEX_SETTINGS = {"number_of_shards": 1, "number_of_replicas": 0}
MAPPINGS = {
    "dynamic": "strict",
    "properties": {
        **{name: {"type": "keyword"} for name in KEYWORDS},
        **{name: {"type": "text", "analyzer": "whitespace"} for name in (*TEXT_FIELDS, *PINYIN_FIELDS)},
        **{name: {"type": "keyword", "index": False, "doc_values": False} for name in STORED_ONLY},
        "primary": {"type": "boolean"},
        "published_ts": {"type": "long"},
        "sort_key": {"type": "long"},
        "popularity": {"type": "float"},
    },
}


class ElasticEngine:
    name = "elasticsearch"

    def __init__(self, url: str, alias: str) -> None:
        self.alias = alias
        self.client = AsyncElasticsearch(url, node_class="httpxasync", request_timeout=30)

    async def open(self) -> bool:
        fresh = False
        if not await self.client.indices.exists_alias(name=self.alias):
            index = self._generation_name()
            await self.client.indices.create(index=index, settings=INDEX_SETTINGS, mappings=MAPPINGS)
            await self.client.indices.put_alias(index=index, name=self.alias)
            fresh = True
        await self.client.cluster.health(index=self.alias, wait_for_status="yellow", timeout="30s")
        return fresh or await self._add_new_fields()

    async def _add_new_fields(self) -> bool:
        """Fields this version maps that the live index lacks are added (its documents must be indexed again)."""
        found = await self.client.indices.get_mapping(index=self.alias)
        known = {name for index in found.values() for name in index["mappings"].get("properties", {})}
        missing = {name: spec for name, spec in MAPPINGS["properties"].items() if name not in known}
        if missing:
            await self.client.indices.put_mapping(index=self.alias, properties=missing)
        return bool(missing)

    async def close(self) -> None:
        await self.client.close()

    def _generation_name(self) -> str:
        return f"{self.alias}-{time.time_ns()}"

    async def write(self, docs: list[IndexDoc], removed_keys: list[str], *, commit: bool = True) -> None:
        # Refreshed every time: the next write finds the placements to replace by a search (Elasticsearch merges
        # its segments itself).
        keys = sorted({*removed_keys, *(doc.key for doc in docs)})
        stale = await self._placements_of(keys)
        operations: list[dict[str, Any]] = [{"delete": {"_index": self.alias, "_id": doc_id}} for doc_id in stale]
        for doc in docs:
            operations += [{"index": {"_index": self.alias, "_id": doc.id}}, _source(doc)]
        if operations:
            result = await self.client.bulk(operations=operations, refresh=True)
            _raise_for_items(result)

    async def _placements_of(self, keys: list[str]) -> list[str]:
        if not keys:
            return []
        found = await self.client.search(
            index=self.alias,
            query={"terms": {"key": keys}},
            size=10_000,
            source=False,
        )
        return [hit["_id"] for hit in found["hits"]["hits"]]

    async def search(self, query: EngineQuery) -> EngineHits:
        body: dict[str, Any] = {
            "query": build_query(query),
            "size": query.limit,
            "track_total_hits": True,
            "_source": False,
            "docvalue_fields": ["sort_key", "popularity"],
        }
        if query.sort == "date":
            body["sort"] = [{"sort_key": "desc"}]
            if query.after is not None:
                body["search_after"] = [query.after]
            else:
                body["from"] = query.offset
        else:
            body["from"] = query.offset
        if query.facets:
            body["aggs"] = {name: {"terms": {"field": name, "size": 200}} for name in query.facets}
        found = await self.client.search(index=self.alias, **body)
        hits = [
            Hit(
                id=h["_id"],
                score=float(h.get("_score") or 0.0),
                sort_key=int(h["fields"]["sort_key"][0]),
                ref=h["_id"],
                popularity=float(h["fields"].get("popularity", [0.0])[0]),
            )
            for h in found["hits"]["hits"]
        ]
        facets = {
            name: [(b["key"], b["doc_count"]) for b in found["aggregations"][name]["buckets"]] for name in query.facets
        }
        return EngineHits(total=found["hits"]["total"]["value"], hits=hits, facets=facets)

    async def stored(self, hits: list[Hit]) -> list[dict[str, Any]]:
        if not hits:
            return []
        found = await self.client.mget(index=self.alias, ids=[h.ref for h in hits], source_includes=list(STORED))
        return [doc["_source"] for doc in found["docs"] if doc.get("found")]

    async def doc_freqs(self, tokens: list[str]) -> dict[str, int]:
        if not tokens:
            return {}
        searches: list[dict[str, Any]] = []
        for token in tokens:
            searches += [
                {"index": self.alias},
                {"size": 0, "track_total_hits": True, "query": _any_field(token, TEXT_FIELDS)},
            ]
        found = await self.client.msearch(searches=searches)
        return {token: r["hits"]["total"]["value"] for token, r in zip(tokens, found["responses"], strict=True)}

    async def title_prefix(self, prefix: str, filters: Filters, limit: int) -> list[str]:
        query = {"bool": {"must": [{"match_phrase_prefix": {"title_t": prefix}}], "filter": _filters(filters)}}
        found = await self.client.search(index=self.alias, query=query, size=limit, source_includes=["title"])
        return [hit["_source"]["title"] for hit in found["hits"]["hits"]]

    async def vocabulary(self, limit: int) -> list[str]:
        """Text fields' terms cannot be listed cheaply here: the speller learns the words indexed from now on."""
        return []

    async def count(self) -> int:
        return (await self.client.count(index=self.alias))["count"]

    async def rebuild(self, docs: AsyncIterator[list[IndexDoc]]) -> int:
        index = self._generation_name()
        await self.client.indices.create(index=index, settings=INDEX_SETTINGS, mappings=MAPPINGS)
        written = 0
        async for batch in docs:
            operations: list[dict[str, Any]] = []
            for doc in batch:
                operations += [{"index": {"_index": index, "_id": doc.id}}, _source(doc)]
            if operations:
                _raise_for_items(await self.client.bulk(operations=operations))
            written += len(batch)
        await self.client.indices.refresh(index=index)
        try:
            old = list(await self.client.indices.get_alias(name=self.alias))
        except NotFoundError:
            old = []
        actions = [{"remove": {"index": name, "alias": self.alias}} for name in old]
        await self.client.indices.update_aliases(actions=[*actions, {"add": {"index": index, "alias": self.alias}}])
        for name in old:
            await self.client.indices.delete(index=name)
        return written

    async def drop(self) -> None:
        """Delete every index behind the alias (tests)."""
        await self.client.indices.delete(index=f"{self.alias}-*", ignore_unavailable=True)


def _source(doc: IndexDoc) -> dict[str, Any]:
    return {name: getattr(doc, name) for name in MAPPINGS["properties"]}


def _raise_for_items(result: Any) -> None:
    if result.get("errors"):
        failed = [item for item in result["items"] if next(iter(item.values())).get("error")]
        raise RuntimeError(f"Elasticsearch refused {len(failed)} writes, e.g. {failed[:1]}")


def build_query(query: EngineQuery) -> dict[str, Any]:
    clauses = [_clause(clause) for clause in query.clauses] or [{"match_all": {}}]
    filters = _filters(query.filters)
    if query.after is not None and query.sort != "date":
        filters.append({"range": {"sort_key": {"lt": query.after}}})
    if query.match_any:
        return {"bool": {"should": clauses, "minimum_should_match": 1, "filter": filters}}
    return {"bool": {"must": clauses, "filter": filters}}


def _clause(clause: Clause) -> dict[str, Any]:
    alternatives = [_alternative(alt) for alt in clause.alternatives]
    if len(alternatives) == 1:
        return alternatives[0]
    return {"bool": {"should": alternatives, "minimum_should_match": 1}}


def _alternative(alt: Alternative) -> dict[str, Any]:
    if alt.pinyin:
        return {
            "dis_max": {"queries": _any_field(alt.atoms[0], PINYIN_FIELDS)["dis_max"]["queries"], "boost": alt.weight}
        }
    bool_query: dict[str, Any] = {"must": [_any_field(atom, TEXT_FIELDS) for atom in alt.atoms], "boost": alt.weight}
    if alt.whole and alt.atoms != (alt.whole,):
        whole = _any_field(alt.whole, TEXT_FIELDS)
        whole["dis_max"]["boost"] = WHOLE_WORD_BONUS
        bool_query["should"] = [whole]
    return {"bool": bool_query}


def _any_field(token: str, fields: dict[str, float]) -> dict[str, Any]:
    return {"dis_max": {"queries": [{"term": {name: {"value": token, "boost": w}}} for name, w in fields.items()]}}


def _filters(filters: Filters) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = [
        {"terms": {field: list(values)}} for name, field in FILTER_FIELDS.items() if (values := getattr(filters, name))
    ]
    if filters.primary_only:
        found.append({"term": {"primary": True}})
    if filters.published_from is not None or filters.published_to is not None:
        window = {k: v for k, v in (("gte", filters.published_from), ("lt", filters.published_to)) if v is not None}
        found.append({"range": {"published_ts": window}})
    return found
