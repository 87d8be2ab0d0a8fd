"""Freshness: on the built database and index, one `DocumentPublished` at a time, from just before the bus takes
it until the search API (called in-process, as the consolidated gateway does) lists the document. The documents
are further ones of the stream (new ids at positions picked by the clock, so a reused index has never seen them;
the same sites), dated now so that `sort=date` on their site shows them first.

Two shapes: the consolidated one (memory bus, consumer and indexer in the one process), and through Kafka (the
distributed one: the service consumes from a real broker; a producer of its own, as the content service's relay
is, publishes each event and the clock runs from just before the broker takes it)."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import time
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import httpx

from bench.common import summary_ms
from bench.search_speed import corpus
from bench.search_speed.indexing import Built
from services import search
from shared.bus import EventBus, create_bus
from shared.testing import running

POLL_PAUSE = 0.002


async def measure(built: Built, count: int, pause: float = 0.2, kafka_url: str | None = None) -> dict[str, Any]:
    """Through the memory bus, or through Kafka at `kafka_url` (topics of a namespace of this run's own)."""
    bus_url = f"{kafka_url}?namespace=sgbench{uuid.uuid4().hex[:8]}" if kafka_url else "memory://"
    app = search.create_app(built.settings(log_level="WARNING", bus_url=bus_url), access_log=False)
    seconds, polls, published = [], [], []
    async with running(app) as http, _producer(app, bus_url) as bus:
        await search.SearchRuntime.of(app).bus.wait_ready()
        await asyncio.sleep(1.0)  # the indexer's first idle poll
        # Documents never published before (a reused index holds those of earlier runs): positions by the clock.
        start = built.docs + 1_000 + 100 * (int(time.time()) % 10_000)
        for doc in corpus.documents(count, start=start):
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
        "bus": "kafka" if kafka_url else "memory",
    }


@contextlib.asynccontextmanager
async def _producer(app, bus_url: str) -> AsyncIterator[EventBus]:
    """The memory bus is the service's own; through Kafka, a producer of its own stands in for the relay."""
    if bus_url.startswith("memory://"):
        yield search.SearchRuntime.of(app).bus
        return
    producer = create_bus(bus_url, client_id="sgbench-content")
    await producer.start()
    try:
        yield producer
    finally:
        await producer.stop()


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
