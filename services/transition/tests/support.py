"""The migration tests' kit: a stand-in for the content library that answers staged documents as it would
(imported at a URL of the channel, or refused), and waiting for a job to reach a state."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

import httpx

from shared.bus import EventBus, Message
from shared.events.envelope import decode_event, parse_envelope
from shared.events.samples import Feeder
from shared.events.transition import DocumentImported, ImportRefused, LegacyDocumentStaged

API = "/api/v1/transition"


@dataclass
class ContentStandIn:
    """Keeps what it was asked, once per legacy key (as the content library's upsert does)."""

    feeder: Feeder
    refuse: set[str] = field(default_factory=set)  # legacy keys it refuses
    documents: dict[str, int] = field(default_factory=dict)
    staged: int = 0
    answering: asyncio.Event | None = None  # when given, nothing is answered until it is set (a slow import)

    def attach(self, bus: EventBus) -> None:
        bus.subscribe("tests.content", ["transition.documents"], self.handle)

    async def handle(self, message: Message) -> None:
        event = decode_event(parse_envelope(message.value))
        if not isinstance(event, LegacyDocumentStaged):
            return
        self.staged += 1
        if self.answering is not None:
            await self.answering.wait()
        doc = event.document
        common = {"site_id": event.site_id, "aggregate_id": event.aggregate_id, "job_id": event.job_id}
        common["aggregate_version"] = event.aggregate_version
        if doc.legacy_key in self.refuse:
            await self.feeder.send(ImportRefused(**common, legacy_key=doc.legacy_key, reason="标题过长"))
            return
        number = self.documents.setdefault(doc.legacy_key, len(self.documents) + 1)
        day = doc.published_at.astimezone().strftime("%Y%m%d") if doc.published_at else "20260101"
        files = {f.legacy_url: f"/files/p{number}/{f.filename}" for f in doc.files}
        await self.feeder.send(
            DocumentImported(
                **common, legacy_key=doc.legacy_key, document_id=number, title=doc.title,
                url_path=f"/zwdt/tzgg/{day[:6]}/t{day}_{number}.html", published_at=doc.published_at,
                changed=True, files=files,
            )
        )  # fmt: skip


async def job_in(api: httpx.AsyncClient, headers: dict, site: str, job_id: int, *states: str, timeout=60.0) -> dict:  # noqa: ANN001
    async with asyncio.timeout(timeout):
        while True:
            job = (await api.get(f"{API}/sites/{site}/jobs/{job_id}", headers=headers)).json()
            if job["state"] in states:
                return job
            await asyncio.sleep(0.05)
