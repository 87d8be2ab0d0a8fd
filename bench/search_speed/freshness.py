"""Freshness in-process (the consolidated shape: memory bus, consumer and indexer in the one process): on the built
database and index, one `DocumentPublished` at a time, from just before the bus takes it until the search API
(called in-process, as the consolidated gateway does) lists the document. The documents are the stream's next
ones (new ids, the same sites), dated now so that `sort=date` on their site shows them first."""

from __future__ import annotations

import asyncio
import dataclasses
import time
from datetime import UTC, datetime
from typing import Any

import httpx

from bench.common import summary_ms
from bench.search_speed import corpus
from bench.search_speed.indexing import Built
from services import search
from shared.testing import running

POLL_PAUSE = 0.002


async def measure(built: Built, count: int, pause: float = 0.2) -> dict[str, Any]:
    app = search.create_app(built.settings(log_level="WARNING"), access_log=False)
    seconds, polls, published = [], [], []
    async with running(app) as http:
        bus = search.SearchRuntime.of(app).bus
        await bus.wait_ready()
        await asyncio.sleep(1.0)  # the indexer's first idle poll
        for doc in corpus.documents(count, start=built.docs + 1000):
            doc = dataclasses.replace(doc, published=datetime.now(UTC))
            event = corpus.published_event(doc)
            message = corpus.message(event)
            params = {"q": _words(doc), "site": doc.site.id, "sort": "date"}
            began = time.perf_counter()
            publishing = asyncio.create_task(bus.publish_batch([message]))
            tries = await _until_listed(http, params, event.document.url_path)
            seconds.append(time.perf_counter() - began)
            await publishing
            published.append(time.perf_counter() - began)
            polls.append(tries)
            await asyncio.sleep(pause)
    return {
        "visible": summary_ms(seconds),
        "bus_accepted": summary_ms(published),
        "polls_mean": sum(polls) / len(polls),
        "documents": count,
    }


def _words(doc: corpus.GeneratedDoc) -> str:
    words = [w for w in doc.keywords if len(w) >= 2][:2]
    return " ".join(words) or doc.title[:4]


async def _until_listed(http: httpx.AsyncClient, params: dict[str, str], url_path: str, limit: float = 30.0) -> int:
    tries = 0
    deadline = time.perf_counter() + limit
    while time.perf_counter() < deadline:
        tries += 1
        answer = await http.get("/api/v1/search", params=params)
        if answer.status_code == 200 and any(r["url_path"] == url_path for r in answer.json()["results"]):
            return tries
        await asyncio.sleep(POLL_PAUSE)
    raise SystemExit(f"{url_path} not searchable after {limit:.0f} s")
