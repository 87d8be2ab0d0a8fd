"""The search use case: words → engine query (with synonyms), did-you-mean, re-ranking, snippets, answers."""

from __future__ import annotations

import math
import time
from dataclasses import replace
from datetime import UTC, datetime
from datetime import time as clock_time
from typing import Any

from services.search.analysis.segment import QueryWord
from services.search.analysis.snippets import highlight, snippet
from services.search.engines.base import FACETS, Alternative, Clause, EngineHits, EngineQuery, Filters
from services.search.schemas import SearchParams, SearchResponse, SearchResult
from services.search.service import cursors, presenting
from services.search.service.context import SearchDeps
from services.search.service.curation import Curation, curation_for
from services.search.service.spelling import correct
from shared.clock import CHINA
from shared.errors import InvalidInput, NotFound

SECONDS_PER_DAY = 86_400


async def search(deps: SearchDeps, params: SearchParams) -> SearchResponse:
    started = time.perf_counter()
    if params.site not in deps.sites:
        raise NotFound(f"site: 平台上没有站点 {params.site}")
    _check_paging(deps, params)
    curation = await curation_for(deps, params.site)
    filters = _filters(params)
    words = deps.analyzer.query_words(params.q)
    hits, query = await _find(deps, params, curation, filters, words)
    corrected = None
    if hits.total == 0:
        fixed = await correct(deps, params.q)
        if fixed is not None:
            fixed_words = deps.analyzer.query_words(fixed)
            fixed_hits, fixed_query = await _find(deps, params, curation, filters, fixed_words)
            if fixed_hits.total:
                hits, query, words, corrected = fixed_hits, fixed_query, fixed_words, fixed
    if hits.total == 0 and len(query.clauses) > 1:
        hits = await deps.engine.search(replace(query, match_any=True))
    page = hits.hits[: params.size]
    stored = await deps.engine.stored(page)
    terms = _highlight_terms(words, curation)
    results = [_result(deps, fields, terms) for fields in stored]
    deps.recorder.record(params.site, params.q, params.scope, hits.total, corrected)
    return SearchResponse(
        query=params.q,
        corrected=corrected,
        scope=params.scope,
        site=params.site,
        total=hits.total,
        page=params.page,
        size=params.size,
        took_ms=round((time.perf_counter() - started) * 1000, 2),
        next_cursor=cursors.next_cursor(params, page, hits.total),
        answer=curation.answer(params.q, deps.analyzer) if params.page == 1 and not params.cursor else None,
        results=presenting.pin(results, curation.best_bets(params.q)) if params.page == 1 else results,
        facets=presenting.facets(deps, hits.facets) if params.facets else {},
    )


def _check_paging(deps: SearchDeps, params: SearchParams) -> None:
    if params.cursor is not None and params.sort != "date":
        raise InvalidInput("cursor", "只有按时间排序（sort=date）时才能用游标翻页")
    if params.sort == "relevance" and params.page * params.size > deps.settings.max_offset:
        raise InvalidInput(
            "page", f"按相关度最多翻到第 {deps.settings.max_offset} 条；更深请按时间排序（sort=date）并用游标"
        )


async def _find(
    deps: SearchDeps, params: SearchParams, curation: Curation, filters: Filters, words: list[QueryWord]
) -> tuple[EngineHits, EngineQuery]:
    window = deps.settings.rescore_window
    offset = (params.page - 1) * params.size
    reranked = params.sort == "relevance" and offset + params.size <= window
    query = EngineQuery(
        clauses=tuple(_clause(word, curation, deps) for word in words),
        filters=filters,
        sort=params.sort,
        limit=window if reranked else params.size,
        offset=0 if reranked else offset,
        after=cursors.after(params),
        facets=FACETS if params.facets else (),
    )
    hits = await deps.engine.search(query)
    if reranked:
        hits.hits = _rerank(deps, hits)[offset : offset + params.size]
    return hits, query


def _clause(word: QueryWord, curation: Curation, deps: SearchDeps) -> Clause:
    own = Alternative(word.atoms, word.word, pinyin=word.pinyin)
    others = [
        Alternative(deps.analyzer.atoms(synonym), synonym, weight=0.8) for synonym in curation.synonyms_of(word.word)
    ]
    return Clause((own, *others))


def _filters(params: SearchParams) -> Filters:
    def day(value, end: bool = False) -> int | None:
        if value is None:
            return None
        moment = datetime.combine(value, clock_time.min, tzinfo=CHINA)
        return int(moment.timestamp()) + (SECONDS_PER_DAY if end else 0)

    one = lambda value: (value,) if value else ()  # noqa: E731
    group = params.scope == "group"
    return Filters(
        sites=tuple(params.sites) if group else (params.site,),
        levels=one(params.level) if group else (),
        channel_paths=() if group else one(params.channel),
        doc_types=one(params.doc_type),
        topics=one(params.topic),
        validity=one(params.validity),
        states=(),  # any: a withdrawn document is only in the index where its site keeps it (flagged)
        primary_only=group,
        published_from=day(params.date_from),
        published_to=day(params.date_to, end=True),
    )


def _rerank(deps: SearchDeps, hits: EngineHits) -> list:
    """Relevance times a recency boost that halves every half-life and a popularity boost on a log scale of the
    pages read (both tunable, the same for every engine)."""
    settings = deps.settings
    now = time.time()

    def final(hit) -> float:
        age_days = max(0.0, (now - (hit.sort_key >> 10)) / SECONDS_PER_DAY)
        fresh = 1 + settings.recency_weight * math.pow(0.5, age_days / settings.recency_half_life_days)
        return hit.score * fresh * (1 + settings.popularity_weight * math.log1p(hit.popularity))

    return sorted(hits.hits, key=final, reverse=True)


def _highlight_terms(words: list[QueryWord], curation: Curation) -> list[str]:
    terms: list[str] = []
    for word in words:
        if not word.pinyin:
            terms += [word.word, *word.atoms, *curation.synonyms_of(word.word)]
    return terms


def _result(deps: SearchDeps, fields: dict[str, Any], terms: list[str]) -> SearchResult:
    site = deps.sites.get(fields["site_id"], {})
    published = datetime.fromtimestamp(int(fields.get("published_ts", 0) or 0), UTC)
    return SearchResult(
        title=fields["title"],
        title_html=str(highlight(fields["title"], terms)),
        snippet_html=str(snippet(fields.get("body", ""), terms)),
        url=fields["url"],
        url_path=fields["url_path"],
        site_id=fields["site_id"],
        site_name=site.get("name", fields["site_id"]),
        channel_name=fields.get("channel_name", ""),
        doc_type=fields.get("doc_type", "article"),
        published_on=published.astimezone(CHINA).date(),
        validity=fields.get("validity") or None,
        withdrawn=fields.get("state") == "withdrawn",
    )
