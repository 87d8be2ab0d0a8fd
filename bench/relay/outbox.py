"""The events the relay moves: real content.document.published.v1 rows, made by publishing demo documents
through the content service's use cases, copied into a fresh outbox with new event ids."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, insert, select, update

from bench.common import demo_sites, document_body, site_articles, site_body
from bench.relay import PUBLISHED


@dataclass(frozen=True, slots=True)
class Template:
    """One published event as the outbox held it, copied into each filled row."""

    topic: str
    key: str
    site_id: str
    type: str
    event_id: str
    payload: bytes


async def real_templates(workdir: Path, per_site: int, sites: int) -> tuple[list[Template], Path]:
    """Publish demo documents through the content use cases; their published events, and the database."""
    database = workdir / "templates.db"
    runtime = await template_runtime(workdir, database)
    try:
        await publish_demo_documents(runtime.deps, per_site, sites)
        rows = await published_rows(runtime.database.engine)
    finally:
        await runtime.database.dispose()
    return [Template(r.topic, r.key, r.site_id, r.type, r.event_id, bytes(r.payload)) for r in rows], database


async def template_runtime(workdir: Path, database: Path):
    """The content runtime on a migrated SQLite file with relay, consumers and scheduler off: nothing leaves."""
    from services.content import SCHEMA, ContentRuntime, ContentSettings

    url = f"sqlite+aiosqlite:///{database}"
    await SCHEMA.upgrade(url)
    settings = ContentSettings(
        database_url=url,
        blob_url=f"file://{workdir / 'blobs'}",
        relay_enabled=False,
        consumers_enabled=False,
        scheduler_enabled=False,
        log_json=False,
    )
    return ContentRuntime(settings)


async def publish_demo_documents(deps, per_site: int, sites: int) -> None:
    """Open the first `sites` demo sites and publish `per_site` documents of each through the three reviews."""
    from services.content import (
        DocumentCreate,
        ReviewDecision,
        SiteCreate,
        approve_document,
        create_document,
        create_site,
        list_channels,
    )
    from sitegroup.demo.seed import REVIEWERS, SEEDER

    for site in demo_sites(sites):
        await create_site(deps, SEEDER, SiteCreate(**site_body(site)))
        channels = {c.path: c.id for c in await list_channels(deps, site.id)}
        for article in site_articles(site)[:per_site]:
            doc = await create_document(deps, SEEDER, site.id, DocumentCreate(**document_body(article, channels)))
            for reviewer in REVIEWERS:
                await approve_document(deps, reviewer, site.id, doc.id, ReviewDecision(comment="同意发布"))


async def published_rows(engine) -> list:
    """The outbox's published events, every row then marked relayed."""
    from services.content import Outbox

    t = Outbox.__table__
    async with engine.begin() as conn:
        rows = (await conn.execute(select(t).where(t.c.type == PUBLISHED).order_by(t.c.id))).all()
        # the copies made of this database start with an empty queue: only the filled rows are relayed
        await conn.execute(update(t).values(published_at=func.now()))
    return rows


def choose(templates: list[Template], low: int, high: int) -> list[Template]:
    """Events of 3–5 KB as the issue asks; the largest real ones when too few fall in that range."""
    inside = [t for t in templates if low <= len(t.payload) <= high]
    if len(inside) >= 20:
        return inside
    return sorted(templates, key=lambda t: len(t.payload), reverse=True)[: max(20, len(templates) // 3)]


async def fill(engine, templates: list[Template], count: int, chunk: int = 2000) -> float:
    """Insert `count` outbox rows (fresh event ids in row and payload) in transactions of `chunk` rows."""
    from services.content import Outbox
    from shared.clock import utcnow

    table = Outbox.__table__
    began = time.perf_counter()
    for start in range(0, count, chunk):
        rows = []
        for i in range(start, min(count, start + chunk)):
            tpl = templates[i % len(templates)]
            event_id = str(uuid.uuid4())
            rows.append(
                {
                    "event_id": event_id,
                    "topic": tpl.topic,
                    "key": tpl.key,
                    "site_id": tpl.site_id,
                    "type": tpl.type,
                    "payload": tpl.payload.replace(tpl.event_id.encode(), event_id.encode(), 1),
                    "created_at": utcnow(),
                }
            )
        async with engine.begin() as conn:
            await conn.execute(insert(table), rows)
    return time.perf_counter() - began
