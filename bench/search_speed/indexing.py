"""The indexing phase, in-process: the search service built by `create_app` on a fresh SQLite file and the chosen
engine, its memory bus fed the 100 sites' `SiteCreated` then N `DocumentPublished` events in batches (as the
content service's relay does), timed until the indexer has drained; then the index's and the database's size."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import resource
import time
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.common import ROOT, console
from bench.processes import core_ticks, tree_cpu
from bench.search_speed import corpus
from services import search
from shared.config import sqlite_url
from shared.testing import running

ES_PID_FILE = ROOT / "var" / "backends" / "elasticsearch" / "node" / "elasticsearch.pid"
PUBLISH_BATCH = 500  # events per bus.publish_batch (the relay's default batch)
PROGRESS_EVERY = 50_000


@dataclass(frozen=True, slots=True)
class Built:
    """What a query phase needs to serve a built index: where its database and index are."""

    engine: str  # embedded | elasticsearch
    docs: int
    directory: Path
    database_url: str
    engine_url: str
    index_dir: Path
    index_name: str

    def env(self) -> dict[str, str]:
        return {
            "SEARCH_DATABASE_URL": self.database_url,
            "SEARCH_ENGINE_URL": self.engine_url,
            "SEARCH_INDEX_DIR": str(self.index_dir),
            "SEARCH_INDEX_NAME": self.index_name,
        }

    def settings(self, **extra: Any) -> search.SearchSettings:
        values = {
            "database_url": self.database_url,
            "engine_url": self.engine_url,
            "index_dir": self.index_dir,
            "index_name": self.index_name,
            "bus_url": "memory://",
        }
        return search.SearchSettings(**{**values, **extra})

    def save(self) -> None:
        record = {
            "engine": self.engine,
            "docs": self.docs,
            "database_url": self.database_url,
            "engine_url": self.engine_url,
            "index_dir": str(self.index_dir),
            "index_name": self.index_name,
        }
        (self.directory / "built.json").write_text(json.dumps(record, indent=1))

    @classmethod
    def load(cls, directory: Path) -> Built | None:
        marker = directory / "built.json"
        if not marker.exists():
            return None
        r = json.loads(marker.read_text())
        return cls(
            r["engine"], r["docs"], directory, r["database_url"], r["engine_url"], Path(r["index_dir"]), r["index_name"]
        )


def new_build(engine: str, docs: int, directory: Path, es_url: str) -> Built:
    directory.mkdir(parents=True, exist_ok=True)
    db = directory / "search.db"
    for stale in directory.glob("search.db*"):
        stale.unlink()
    return Built(
        engine,
        docs,
        directory,
        sqlite_url(db),
        "embedded" if engine == "embedded" else es_url,
        directory / "index",
        f"sgbench-{uuid.uuid4().hex[:8]}",
    )


async def build(built: Built) -> dict[str, Any]:
    """Feed the events, wait for the indexer; the figures of the indexing phase."""
    settings = built.settings(log_level="WARNING")
    await search.migrate(settings)
    app = search.create_app(settings, access_log=False)
    async with running(app):
        runtime = search.SearchRuntime.of(app)
        await runtime.bus.wait_ready()
        await runtime.bus.publish_batch(corpus.site_messages())
        events = corpus.events_file(built.docs, built.directory.parent)  # made before the clock starts
        began, cpu0, ticks0, es0 = time.perf_counter(), _cpu(), core_ticks()["cpu"], _es_cpu()
        sent = 0
        last = began
        for batch in corpus.read_events(events, PUBLISH_BATCH):
            await runtime.bus.publish_batch(batch)
            sent += len(batch)
            if sent % PROGRESS_EVERY == 0:
                now = time.perf_counter()
                indexed = await runtime.deps.engine.count()
                console.print(
                    f"[dim]  {sent:,} events handled, {indexed:,} indexed, {now - began:.0f} s "
                    f"({PROGRESS_EVERY / (now - last):.0f} events/s lately)[/]"
                )
                last = now
        handled = time.perf_counter()
        await until_indexed(runtime, built.docs, began)
        done, cpu1, ticks1, es1 = time.perf_counter(), _cpu(), core_ticks()["cpu"], _es_cpu()
        indexed = await runtime.deps.engine.count()
    elapsed = done - began
    figures = {
        "docs": built.docs,
        "indexed": indexed,
        "seconds": elapsed,
        "docs_per_s": built.docs / elapsed,
        "events_handled_s": handled - began,
        "drain_after_events_s": done - handled,
        "process_cpu_s": cpu1 - cpu0,
        "process_cpu_pct": 100 * (cpu1 - cpu0) / elapsed,
        "elasticsearch_cpu_pct": 100 * (es1 - es0) / elapsed,
        "others_pct": _busy_pct(ticks0, ticks1) - 100 * (cpu1 - cpu0 + es1 - es0) / elapsed,
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "database_bytes": sum(p.stat().st_size for p in built.directory.glob("search.db*")),
    }
    figures["index_bytes"] = await index_bytes(built)
    return figures


async def until_indexed(runtime: search.SearchRuntime, docs: int, began: float, limit: float = 7200.0) -> None:
    """Wait until the engine holds every document: the service's own indexer takes them, as it would in
    production (a second `indexer.drain()` would only wait for the indexer's lock)."""
    last = time.perf_counter()
    while (indexed := await runtime.deps.engine.count()) < docs:
        now = time.perf_counter()
        if now - began > limit:
            raise SystemExit(f"only {indexed:,} of {docs:,} documents indexed after {limit:.0f} s")
        if now - last > 60:
            console.print(f"[dim]  {indexed:,} indexed, {now - began:.0f} s[/]")
            last = now
        await asyncio.sleep(0.1)


def _busy_pct(a: tuple[int, int], b: tuple[int, int]) -> float:
    """How busy the whole machine was between two samples of /proc/stat (100 % = one core)."""
    return 100 * (os.cpu_count() or 1) * (b[0] - a[0]) / max(1, b[1] - a[1])


def es_pid() -> int | None:
    """The Elasticsearch node scripts/backends/elasticsearch.sh started, if it runs."""
    with contextlib.suppress(OSError, ValueError):
        pid = int(ES_PID_FILE.read_text().split()[0])
        if Path(f"/proc/{pid}").exists():
            return pid
    return None


def _es_cpu() -> float:
    pid = es_pid()
    return tree_cpu(pid) if pid else 0.0


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def index_bytes(built: Built) -> int:
    """The tantivy directory's size, or the Elasticsearch indexes' store size (after a refresh)."""
    if built.engine == "embedded":
        return sum(p.stat().st_size for p in built.index_dir.rglob("*") if p.is_file())
    async with httpx.AsyncClient(base_url=built.engine_url, timeout=60) as es:
        await es.post(f"/{built.index_name}/_refresh")
        found = await es.get(f"/_cat/indices/{built.index_name}", params={"bytes": "b", "format": "json"})
        found.raise_for_status()
        return sum(int(row["store.size"]) for row in found.json())


async def es_indexes(es_url: str, alias: str) -> list[str]:
    async with httpx.AsyncClient(base_url=es_url, timeout=30) as es:
        found = await es.get(f"/_alias/{alias}")
        return list(found.json()) if found.status_code == 200 else []


async def drop_es(es_url: str, alias: str) -> None:
    """Delete the indexes behind a run's alias (the node is shared: only ours)."""
    names = await es_indexes(es_url, alias)
    async with httpx.AsyncClient(base_url=es_url, timeout=60) as es:
        for name in names:
            await es.delete(f"/{name}")


def run_build(built: Built) -> dict[str, Any]:
    return asyncio.run(build(built))
