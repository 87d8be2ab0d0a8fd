"""bench.search.relevance — nDCG@10 and recall@10 of our search, on both engines, next to a stock Elasticsearch index.

The relevance collection of ``bench.search`` (the demo documents, 236 labelled queries, graded judgements, the
synonym groups) run against three engines on the same documents:

- **embedded** and **elasticsearch** — ours: a throwaway consolidated platform (``sitegroup.consolidated``, a data
  directory under /tmp) seeded with the demo province as ``sitegroup serve`` seeds it, the search service on the
  embedded tantivy index or on Elasticsearch (``SEARCH_ENGINE_URL`` = the node, ``SEARCH_INDEX_NAME`` a fresh alias,
  deleted afterwards). Once indexed, ``synonyms.json`` is loaded as platform-wide synonym groups through the search
  API (``POST /api/v1/search/platform/synonyms`` with a platform operator's token), as an operator would enter it;
  then every query is asked in-process exactly as the search page asks it:
  ``GET /api/v1/search?q=…&site=<scope site, or ah>&scope=site|group&size=10&facets=false``. A result is the
  judgement key ``site_id|title`` (the group scope shows each document once, on the site that owns it; a site-scoped
  query may also return what the site reposts from the province — such a result is not in that site's judgements,
  so it counts as not relevant; their number is printed).
- **stock** — what most projects ship: the corpus dump (``bench.search.corpus``) in a plain Elasticsearch index,
  ``title`` and ``body`` analysed by the default ``standard`` analyzer (one token per Chinese character), queried
  with the raw query string in a ``multi_match`` ``best_fields`` over ``title^2`` and ``body`` (a ``site_id``
  keyword filter for site-scoped queries), 10 hits. No synonyms, no pinyin, no government terms.

Targets (the issue's): ours ≥ 0.15 nDCG@10 above stock over all queries; recall@10 ≥ 0.9 on the pinyin, typo and
synonym queries. The ten worst queries of each of our engines are printed with what came back, to guide tuning.

Elasticsearch is the one of ``--es-url`` (default ``SG_TEST_SEARCH_URL``, else http://127.0.0.1:19250); when that
default node does not answer, ``scripts/backends/elasticsearch.sh start`` starts it and it is stopped again at the
end. Without Elasticsearch, run ``--engines embedded``.

    .venv/bin/python -m bench.search.relevance [--engines embedded,elasticsearch,stock]
                                               [--json bench/results/search-relevance.json] [--runs PATH] [--worst 10]
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import subprocess
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from rich.table import Table
from rich.text import Text

from bench.common import ROOT, console, machine, portable, quiet_logs, write_json
from bench.search import corpus, judge, metrics

ENGINES = ("embedded", "elasticsearch", "stock")
OURS = ("embedded", "elasticsearch")
DESCRIPTIONS = {
    "embedded": "ours: search service on the embedded tantivy index (consolidated platform, demo seed)",
    "elasticsearch": "ours: search service on Elasticsearch (our mapping: pre-segmented tokens, whitespace analyzer)",
    "stock": "stock Elasticsearch: standard analyzer on title and body, multi_match best_fields title^2, raw query",
}
NDCG_MARGIN = 0.15  # ours − stock, nDCG@10 over all queries
RECALL_TARGET = 0.9
RECALL_KINDS = ("pinyin", "typo", "synonym")
DEFAULT_ES = "http://127.0.0.1:19250"
ES_SCRIPT = ROOT / "scripts" / "backends" / "elasticsearch.sh"
SEARCH_API = "/api/v1/search"
PORT = 8798  # the throwaway platform's address (never served: every call is in-process)
NDCG, RECALL = f"ndcg@{metrics.K}", f"recall@{metrics.K}"

Query = dict[str, Any]


@dataclass
class Returned:
    """What an engine answered for one query: the ranking as judgement keys, and what the page said."""

    keys: list[str]
    total: int
    corrected: str | None = None


@dataclass
class EngineRun:
    name: str
    answers: dict[str, Returned] = field(default_factory=dict)
    index_seconds: float = 0.0
    query_seconds: float = 0.0
    notes: dict[str, Any] = field(default_factory=dict)

    @property
    def run(self) -> dict[str, list[str]]:
        return {qid: answer.keys for qid, answer in self.answers.items()}


# our engines ---------------------------------------------------------------------------------------
@contextlib.contextmanager
def environment(values: dict[str, str]) -> Iterator[None]:
    """These environment variables (read by SearchSettings) for the duration; the old ones afterwards."""
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


async def run_ours(
    name: str, es_url: str | None, queries: list[Query], synonyms: list[list[str]], known: set[str]
) -> EngineRun:
    """Seed the demo province into a throwaway platform on this engine, load the synonyms, ask every query."""
    from shared.auth import Grant
    from sitegroup.consolidated import UNLIMITED, ConsolidatedApp, migrate_all
    from sitegroup.demo.seed import seed_province
    from sitegroup.settings import PlatformSettings

    result = EngineRun(name)
    env = {"SEARCH_ENGINE_URL": "embedded"}
    alias = None
    if name == "elasticsearch":
        assert es_url is not None
        alias = f"sgbench-relevance-{uuid.uuid4().hex[:10]}"
        env = {"SEARCH_ENGINE_URL": es_url, "SEARCH_INDEX_NAME": alias}
        result.notes["index_alias"] = alias
    try:
        with environment(env), tempfile.TemporaryDirectory(prefix="sg-search-relevance-") as tmp:
            settings = PlatformSettings(data_dir=Path(tmp) / "var", seed_demo=False, port=PORT, log_level="WARNING")
            await migrate_all(settings)
            app = ConsolidatedApp(settings, gateway=UNLIMITED)  # no rate limits: one client, ~300 calls
            async with app.lifespan():
                started = time.perf_counter()
                await seed_province(app.content.deps)
                await app.settle(timeout=300)  # every document through the events into the index
                result.index_seconds = time.perf_counter() - started
                result.notes["engine"] = app.search.deps.engine.name  # what SEARCH_ENGINE_URL chose
                token = app.signer.mint("bench-search", [Grant(site="*", role="platform_operator")], name="bench")
                async with httpx.AsyncClient(transport=httpx.ASGITransport(app), base_url=settings.base_url) as http:
                    await load_synonyms(http, token, synonyms)
                    started = time.perf_counter()
                    for query in queries:
                        result.answers[query["id"]] = await ask(http, query)
                    result.query_seconds = time.perf_counter() - started
                await app.settle(timeout=300)  # the render service's work before closing
    finally:
        if alias is not None:
            await drop_indices(es_url, alias)
    unknown = Counter(
        query["scope"] for query in queries for key in result.answers[query["id"]].keys if key not in known
    )
    result.notes["results_not_in_corpus"] = dict(unknown)  # reposts on a site; never expected in group scope
    return result


async def load_synonyms(http: httpx.AsyncClient, token: str, groups: list[list[str]]) -> None:
    """The synonym table as platform-wide groups, entered through the search API by a platform operator."""
    auth = {"authorization": f"Bearer {token}"}
    for words in groups:
        response = await http.post(f"{SEARCH_API}/platform/synonyms", json={"words": words}, headers=auth)
        if response.status_code in (404, 405):
            raise SystemExit(
                f"POST {SEARCH_API}/platform/synonyms answers {response.status_code}: the search service has no "
                "platform synonyms API in this checkout"
            )
        if response.status_code != 201:
            raise SystemExit(f"loading synonyms {words}: {response.status_code} {response.text[:300]}")


async def ask(http: httpx.AsyncClient, query: Query) -> Returned:
    group = query["scope"] == "group"
    params = {
        "q": query["q"],
        "site": "ah" if group else query["scope"],
        "scope": "group" if group else "site",
        "size": metrics.K,
        "facets": "false",
    }
    response = await http.get(SEARCH_API, params=params)
    if response.status_code != 200:
        raise SystemExit(f"{query['id']} {query['q']!r}: {response.status_code} {response.text[:300]}")
    body = response.json()
    keys = [f"{hit['site_id']}|{hit['title']}" for hit in body["results"]]
    return Returned(keys, body["total"], body.get("corrected"))


async def drop_indices(es_url: str | None, alias: str) -> None:
    """Every index our engine made behind the alias (by name: wildcard deletes may be refused)."""
    from elasticsearch import AsyncElasticsearch

    client = AsyncElasticsearch(es_url, node_class="httpxasync", request_timeout=60)
    try:
        names = list(await client.indices.get(index=f"{alias}-*", allow_no_indices=True, expand_wildcards="all"))
        for name in names:
            await client.indices.delete(index=name)
    except Exception as exc:  # cleanup only
        console.print(f"[yellow]could not delete the indices of {alias}: {exc!r}[/]")
    finally:
        await client.close()


# stock Elasticsearch -------------------------------------------------------------------------------
STOCK_MAPPINGS = {
    "properties": {
        "key": {"type": "keyword"},
        "site_id": {"type": "keyword"},
        "title": {"type": "text", "analyzer": "standard"},
        "body": {"type": "text", "analyzer": "standard"},
    }
}


def stock_query(query: Query) -> dict[str, Any]:
    match = {"multi_match": {"query": query["q"], "fields": ["title^2", "body"], "type": "best_fields"}}
    if query["scope"] == "group":
        return match
    return {"bool": {"must": [match], "filter": [{"term": {"site_id": query["scope"]}}]}}


async def run_stock(es_url: str, docs: list[corpus.Doc], queries: list[Query]) -> EngineRun:
    from elasticsearch import AsyncElasticsearch

    result = EngineRun("stock")
    index = f"sgbench-stock-{uuid.uuid4().hex[:10]}"
    client = AsyncElasticsearch(es_url, node_class="httpxasync", request_timeout=60)
    try:
        nodes = await client.nodes.info(node_id="_local", filter_path="nodes.*.version")  # no GET / on a minimal node
        result.notes["elasticsearch"] = next(iter(nodes["nodes"].values()))["version"]
        result.notes["index"] = index
        started = time.perf_counter()
        await client.indices.create(
            index=index, settings={"number_of_shards": 1, "number_of_replicas": 0}, mappings=STOCK_MAPPINGS
        )
        operations: list[dict[str, Any]] = []
        for doc in docs:
            source = {
                "key": corpus.key(doc),
                "site_id": doc["site_id"],
                "title": doc["title"],
                "body": doc["body_text"],
            }
            operations += [{"index": {"_index": index}}, source]
        written = await client.bulk(operations=operations, refresh=True)
        if written.get("errors"):
            raise SystemExit(f"the stock index refused documents: {written['items'][:1]}")
        result.index_seconds = time.perf_counter() - started
        started = time.perf_counter()
        for query in queries:
            found = await client.search(index=index, query=stock_query(query), size=metrics.K, source=["key"])
            keys = [hit["_source"]["key"] for hit in found["hits"]["hits"]]
            result.answers[query["id"]] = Returned(keys, found["hits"]["total"]["value"])
        result.query_seconds = time.perf_counter() - started
    finally:
        with contextlib.suppress(Exception):
            await client.indices.delete(index=index, ignore_unavailable=True)
        await client.close()
    return result


# Elasticsearch, started when needed ----------------------------------------------------------------
def es_answers(url: str) -> bool:
    try:
        return httpx.get(f"{url}/_cluster/health", timeout=3).status_code == 200
    except httpx.HTTPError:
        return False


@contextlib.contextmanager
def elasticsearch(url: str) -> Iterator[None]:
    """The node at `url`; the repository's own node started (and stopped afterwards) when it is the one asked
    for and does not answer."""
    if es_answers(url):
        yield
        return
    if url.rstrip("/") != DEFAULT_ES:
        raise SystemExit(f"Elasticsearch at {url} does not answer (or run --engines embedded)")
    console.print(f"[dim]starting Elasticsearch: {portable(str(ES_SCRIPT))} start[/]")
    subprocess.run([str(ES_SCRIPT), "start"], check=True)
    try:
        yield
    finally:
        subprocess.run([str(ES_SCRIPT), "stop"], check=False)


# output --------------------------------------------------------------------------------------------
def scores_by_engine(
    runs: dict[str, EngineRun], judgements: judge.Judgements, kinds: dict[str, str]
) -> tuple[dict[str, dict[str, dict[str, float]]], dict[str, dict[str, dict[str, float]]]]:
    by_kind = {name: metrics.evaluate(r.run, judgements, kinds) for name, r in runs.items()}
    by_query = {name: metrics.per_query(r.run, {q: judgements[q] for q in kinds}) for name, r in runs.items()}
    return by_kind, by_query


def kind_order(by_kind: dict[str, dict[str, dict[str, float]]]) -> list[str]:
    present = set().union(*(set(k) for k in by_kind.values())) if by_kind else set()
    return [*(k for k in judge.KINDS if k in present), "all"]


def figures_table(by_kind: dict[str, dict[str, dict[str, float]]], engines: Sequence[str]) -> Table:
    table = Table(title=f"nDCG@{metrics.K} and recall@{metrics.K} by kind of query", title_justify="left")
    table.add_column("kind")
    table.add_column("queries", justify="right")
    for name in engines:
        table.add_column(f"nDCG\n{name}", justify="right")
        table.add_column(f"R@{metrics.K}\n{name}", justify="right")
    ours = [name for name in engines if name in OURS]
    if "stock" in engines:
        for name in ours:
            table.add_column(f"Δ nDCG\n{name}−stock", justify="right")
    for kind in kind_order(by_kind):
        first = by_kind[engines[0]][kind]
        row: list[str | Text] = [Text(kind, style="bold" if kind == "all" else ""), str(first["queries"])]
        for name in engines:
            figures = by_kind[name][kind]
            recall_style = ""
            if name in OURS and kind in RECALL_KINDS:
                recall_style = "green" if figures[RECALL] >= RECALL_TARGET else "bold red"
            row += [f"{figures[NDCG]:.3f}", Text(f"{figures[RECALL]:.3f}", style=recall_style)]
        if "stock" in engines:
            for name in ours:
                delta = by_kind[name][kind][NDCG] - by_kind["stock"][kind][NDCG]
                style = ("green" if delta >= NDCG_MARGIN else "bold red") if kind == "all" else ""
                row.append(Text(f"{delta:+.3f}", style=style))
        table.add_row(*row, end_section=kind == kind_order(by_kind)[-2])
    return table


def targets(by_kind: dict[str, dict[str, dict[str, float]]]) -> dict[str, dict[str, dict[str, Any]]]:
    found: dict[str, dict[str, dict[str, Any]]] = {}
    for name in OURS:
        if name not in by_kind:
            continue
        checks: dict[str, dict[str, Any]] = {}
        if "stock" in by_kind:
            delta = by_kind[name]["all"][NDCG] - by_kind["stock"]["all"][NDCG]
            checks[f"{NDCG} − stock (all queries)"] = {
                "measured": delta,
                "target": f"≥ {NDCG_MARGIN}",
                "met": delta >= NDCG_MARGIN,
            }
        for kind in RECALL_KINDS:
            if kind in by_kind[name]:
                value = by_kind[name][kind][RECALL]
                checks[f"{RECALL} {kind}"] = {
                    "measured": value,
                    "target": f"≥ {RECALL_TARGET}",
                    "met": value >= RECALL_TARGET,
                }
        found[name] = checks
    return found


def targets_table(found: dict[str, dict[str, dict[str, Any]]]) -> Table:
    table = Table(title="Targets", title_justify="left")
    table.add_column("engine")
    table.add_column("measure")
    table.add_column("measured", justify="right")
    table.add_column("target")
    for name, checks in found.items():
        for label, check in checks.items():
            verdict = Text(
                f"{check['target']}  {'✓ met' if check['met'] else '✗ missed'}",
                style="green" if check["met"] else "bold red",
            )
            table.add_row(
                name, label, f"{check['measured']:+.3f}" if "stock" in label else f"{check['measured']:.3f}", verdict
            )
    return table


def worst(
    name: str,
    run: EngineRun,
    scores: dict[str, dict[str, float]],
    queries: list[Query],
    judgements: judge.Judgements,
    count: int,
) -> list[dict[str, Any]]:
    """The `count` queries this engine ranks worst (lowest nDCG, then recall), with what it returned."""
    ranked = sorted(queries, key=lambda q: (scores[q["id"]][NDCG], scores[q["id"]][RECALL], q["id"]))[:count]
    rows = []
    for query in ranked:
        answer = run.answers[query["id"]]
        judged = judgements[query["id"]]
        rows.append(
            {
                "id": query["id"],
                "q": query["q"],
                "kind": query["kind"],
                "scope": query["scope"],
                "intent": query["intent"],
                NDCG: scores[query["id"]][NDCG],
                RECALL: scores[query["id"]][RECALL],
                "relevant": len(judged),
                "total": answer.total,
                "corrected": answer.corrected,
                "returned": [[key, judged.get(key, 0)] for key in answer.keys],
            }
        )
    return rows


def worst_table(name: str, rows: list[dict[str, Any]]) -> Table:
    table = Table(title=f"The {len(rows)} worst queries on {name}", title_justify="left", show_lines=True)
    table.add_column("id")
    table.add_column("kind")
    table.add_column("query")
    table.add_column("nDCG", justify="right")
    table.add_column(f"R@{metrics.K}", justify="right")
    table.add_column("rel", justify="right")
    table.add_column("hits", justify="right")
    table.add_column("returned (grade · site|title), first five", overflow="fold")
    for row in rows:
        query = row["q"] + ("" if row["scope"] == "group" else f"  [{row['scope']}]")
        if row["corrected"]:
            query += f"\n→ {row['corrected']}"
        query += "\nintent: " + " + ".join(row["intent"])
        returned = "\n".join(f"{grade} · {key[:40]}" for key, grade in row["returned"][:5]) or "(nothing)"
        table.add_row(
            row["id"],
            row["kind"],
            query,
            f"{row[NDCG]:.2f}",
            f"{row[RECALL]:.2f}",
            str(row["relevant"]),
            str(row["total"]),
            returned,
        )
    return table


# main ----------------------------------------------------------------------------------------------
async def measure(engines: Sequence[str], es_url: str | None) -> dict[str, EngineRun]:
    docs = corpus.documents()
    queries = judge.load_queries()
    synonyms = judge.load_synonyms()
    known = {corpus.key(doc) for doc in docs}
    runs: dict[str, EngineRun] = {}
    for name in engines:
        console.print(f"[bold]{name}[/] — {DESCRIPTIONS[name]}")
        if name == "stock":
            assert es_url is not None
            runs[name] = await run_stock(es_url, docs, queries)
        else:
            runs[name] = await run_ours(name, es_url, queries, synonyms, known)
        r = runs[name]
        loaded = "seeded and indexed" if name in OURS else "indexed"
        outside = r.notes.get("results_not_in_corpus")
        console.print(
            f"[dim]  {loaded} in {r.index_seconds:.1f} s, {len(r.answers)} queries in {r.query_seconds:.1f} s"
            + (f"; results outside the corpus keys, by scope: {outside}" if name in OURS else "")
            + "[/]"
        )
    return runs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--engines", default=",".join(ENGINES), help=f"comma-separated, of {', '.join(ENGINES)}")
    parser.add_argument("--es-url", default=os.environ.get("SG_TEST_SEARCH_URL") or DEFAULT_ES)
    parser.add_argument("--json", type=Path, help="write the figures here (repository-relative paths inside)")
    parser.add_argument("--runs", type=Path, help="write every engine's full rankings here ({engine: {query: keys}})")
    parser.add_argument("--worst", type=int, default=10, help="worst queries shown per engine of ours")
    args = parser.parse_args()
    engines = [name.strip() for name in args.engines.split(",") if name.strip()]
    if unknown := [name for name in engines if name not in ENGINES]:
        raise SystemExit(f"unknown engines {unknown}: choose from {', '.join(ENGINES)}")
    engines = [name for name in ENGINES if name in engines]  # ours first, stock last
    quiet_logs()

    needs_es = any(name in ("elasticsearch", "stock") for name in engines)
    with elasticsearch(args.es_url) if needs_es else contextlib.nullcontext():
        runs = asyncio.run(measure(engines, args.es_url if needs_es else None))

    queries = judge.load_queries()
    judgements = json_judgements()
    kinds = {q["id"]: q["kind"] for q in queries}
    by_kind, by_query = scores_by_engine(runs, judgements, kinds)
    console.print()
    console.print(figures_table(by_kind, engines))
    found = targets(by_kind)
    if found:
        console.print(targets_table(found))
    worst_rows = {}
    for name in engines:
        if name in OURS and args.worst > 0:
            worst_rows[name] = worst(name, runs[name], by_query[name], queries, judgements, args.worst)
            console.print(worst_table(name, worst_rows[name]))

    payload = {
        "bench": "search.relevance",
        "machine": machine(),
        "collection": {
            "queries": len(queries),
            "documents": len(corpus.documents()),
            "judgements": portable(str(judge.JUDGEMENTS)),
            "synonym_groups": len(judge.load_synonyms()),
            "k": metrics.K,
        },
        "engines": {
            name: {
                "description": DESCRIPTIONS[name],
                "index_seconds": round(runs[name].index_seconds, 2),  # ours: seeding through the workflow too
                "query_seconds": round(runs[name].query_seconds, 2),
                **runs[name].notes,
                "by_kind": by_kind[name],
            }
            for name in engines
        },
        "ours_minus_stock_ndcg": {
            name: {kind: by_kind[name][kind][NDCG] - by_kind["stock"][kind][NDCG] for kind in kind_order(by_kind)}
            for name in engines
            if name in OURS and "stock" in by_kind
        },
        "targets": found,
        "worst": worst_rows,
        "per_query": {
            q["id"]: {name: [round(by_query[name][q["id"]][m], 3) for m in (NDCG, RECALL)] for name in engines}
            for q in queries
        },
        "per_query_fields": f"{{query id (queries.json): {{engine: [{NDCG}, {RECALL}]}}}}",
    }
    write_json(args.json, payload)
    if args.runs is not None:
        write_json(args.runs, {name: r.run for name, r in runs.items()})


def json_judgements() -> judge.Judgements:
    """The judgements file, checked against what ``judge`` computes from the current corpus and synonyms."""
    stored = json.loads(judge.JUDGEMENTS.read_text(encoding="utf-8"))
    fresh = judge.judge(corpus.documents(), judge.load_queries(), judge.load_synonyms())
    if fresh != stored:
        differ = [qid for qid in fresh if fresh[qid] != stored.get(qid)]
        console.print(
            f"[yellow]{portable(str(judge.JUDGEMENTS))} is out of date for {len(differ)} queries (e.g. {differ[:5]}): "
            "scoring with the judgements computed now; rerun python -m bench.search.judge[/]"
        )
    return fresh


if __name__ == "__main__":
    main()
