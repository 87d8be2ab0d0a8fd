"""What tantivy itself costs per query on a built index (no HTTP, no Python around the engine), per scope: the
floor under the queries/s the service can give. In-process; run it on a quiet machine after a build.

    .venv/bin/python -m bench.search_speed.floor /tmp/sitegroup-search-speed/embedded-1000000
"""

from __future__ import annotations

import argparse
import asyncio
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rich.table import Table

from bench.common import console
from bench.search_speed import corpus
from bench.search_speed.indexing import Built
from services import search
from services.search.engines import tantivy_engine
from services.search.engines.base import FACETS, EngineQuery
from services.search.schemas import SearchParams
from services.search.service import querying
from shared.testing import running

SECONDS = 3.0


def _ms_each(call: Callable[[Any], object], queries: list) -> str:
    """Milliseconds per call, the queries asked round and round for SECONDS."""
    began, calls = time.perf_counter(), 0
    while time.perf_counter() - began < SECONDS:
        for query in queries:
            call(query)
        calls += len(queries)
    return f"{(time.perf_counter() - began) / calls * 1000:.2f}"


async def _engine_queries(deps, params: list[SearchParams]) -> list[EngineQuery]:
    """The engine queries the use case builds for these searches (synonyms, corrections and all)."""
    seen: list[EngineQuery] = []
    engine = deps.engine
    asked = engine.search

    async def keep(query: EngineQuery):
        seen.append(query)
        return await asked(query)

    engine.search = keep
    try:
        for p in params:
            await querying.search(deps, p)
    finally:
        engine.search = asked
    return seen


async def measure(directory: Path) -> Table:
    built = Built.load(directory)
    if built is None or built.engine != "embedded":
        raise SystemExit(f"no embedded build in {directory}")
    table = Table(title=f"tantivy alone, {built.docs:,} documents, the 200 two-word queries (ms per query)")
    for name in ("scope", "matches", "match + count", "+ ranking bonuses", "six facets", "whole use case"):
        table.add_column(name, justify="left" if name == "scope" else "right")
    app = search.create_app(built.settings(consumers_enabled=False, log_level="WARNING"), access_log=False)
    async with running(app):
        deps = search.SearchRuntime.of(app).deps
        searcher = deps.engine.index.searcher()
        facets = {name: {"terms": {"field": name, "size": 200}} for name in FACETS}

        def top_100(query: Any) -> object:
            return searcher.search(query, limit=100, count=True)

        def bucketed(query: Any) -> object:
            return searcher.aggregate(query, facets)

        for scope in ("group", "site"):
            params = [SearchParams(q=q.q, site=q.site, scope=scope) for q in corpus.queries(200)]
            asked = await _engine_queries(deps, params)
            bare = [tantivy_engine.build_query(q, bonus=False) for q in asked]
            full = [tantivy_engine.build_query(q) for q in asked]
            matches = sum(searcher.search(q, limit=1, count=True).count for q in bare) / len(bare)
            bare_ms, full_ms, facets_ms = _ms_each(top_100, bare), _ms_each(top_100, full), _ms_each(bucketed, bare)
            started, calls = time.perf_counter(), 0
            while time.perf_counter() - started < SECONDS:
                for p in params:
                    await querying.search(deps, p)
                calls += len(params)
            whole_ms = f"{(time.perf_counter() - started) / calls * 1000:.2f}"
            table.add_row(scope, f"{matches:,.0f}", bare_ms, full_ms, facets_ms, whole_ms)
    return table


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.search_speed.floor", description=__doc__)
    parser.add_argument("directory", type=Path, help="a build of `bench.search_speed run` (embedded)")
    console.print(asyncio.run(measure(parser.parse_args().directory)))


if __name__ == "__main__":
    main()
