"""The outbox relay: moves committed events to the bus in order, and resumes after any outage."""

from __future__ import annotations

import asyncio
import contextlib
import zlib
from datetime import timedelta

from sqlalchemy import bindparam, delete, func, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.bus import BusUnavailable, EventBus, Message
from shared.clock import utcnow
from shared.logs import get_logger
from shared.messaging.tables import OutboxBase
from shared.metrics import OUTBOX_PENDING, OUTBOX_PUBLISHED, RELAY_FAILURES

log = get_logger("shared.relay")

# A fixed advisory-lock id per service keeps one active relay per PostgreSQL database.
_ADVISORY_LOCK_BASE = 0x5167_0000


class OutboxRelay:
    """Reads pending outbox rows, publishes them, then marks them; a crash in between only re-sends."""

    def __init__(
        self,
        engine: AsyncEngine,
        outbox: type[OutboxBase],
        bus: EventBus,
        *,
        service: str,
        batch_size: int = 500,
        poll_seconds: float = 0.05,
        retention: timedelta = timedelta(days=3),
    ) -> None:
        self.engine = engine
        self.table = outbox.__table__
        self.bus = bus
        self.service = service
        self.batch_size = batch_size
        self.poll_seconds = poll_seconds
        self.retention = retention
        self._wake = asyncio.Event()
        self._task: asyncio.Task | None = None
        self._backoff = 0.1
        t = self.table  # the two statements of every batch, built once
        self._pending = (
            select(t.c.id, t.c.topic, t.c.key, t.c.type, t.c.payload)
            .where(t.c.published_at.is_(None))
            .order_by(t.c.id)
            .limit(bindparam("limit"))
        )
        self._mark_published = (
            update(t).where(t.c.id.in_(bindparam("ids", expanding=True))).values(published_at=bindparam("now"))
        )

    def wake(self) -> None:
        """Called after a commit that wrote events, so they leave without waiting for the next poll."""
        self._wake.set()

    async def start(self) -> None:
        self._task = asyncio.create_task(self.run(), name=f"relay:{self.service}")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None

    async def run(self) -> None:
        async with self._leadership():
            since_purge = 0
            while True:
                try:
                    moved = await self.relay_once()
                    self._backoff = 0.1
                except BusUnavailable as exc:
                    await self._back_off("bus unavailable; events stay in the outbox", exc)
                    continue
                except Exception as exc:  # a database hiccup must not end the relay
                    await self._back_off("relay attempt failed; retrying", exc)
                    continue
                since_purge += moved
                if since_purge >= 10_000:
                    await self.purge()
                    since_purge = 0
                if moved < self.batch_size:
                    # asyncio.timeout, not wait_for: 3.11's wait_for can lose a cancellation here.
                    with contextlib.suppress(TimeoutError):
                        async with asyncio.timeout(self.poll_seconds):
                            await self._wake.wait()
                    self._wake.clear()

    async def _back_off(self, message: str, exc: Exception) -> None:
        RELAY_FAILURES.labels(self.service).inc()
        log.warning(message, service=self.service, error=repr(exc))
        await asyncio.sleep(self._backoff)
        self._backoff = min(self._backoff * 2, 5.0)

    async def relay_once(self) -> int:
        """Publish one batch of pending events; return how many were moved."""
        async with self.engine.connect() as conn:
            rows = (await conn.execute(self._pending, {"limit": self.batch_size})).all()
        if not rows:
            return 0
        await self.bus.publish_batch(
            [Message(r.topic, r.key, r.payload, (("ce-type", r.type.encode()),)) for r in rows]
        )
        async with self.engine.begin() as conn:
            await conn.execute(self._mark_published, {"ids": [r.id for r in rows], "now": utcnow()})
        OUTBOX_PUBLISHED.labels(self.service).inc(len(rows))
        return len(rows)

    async def pending(self) -> int:
        t = self.table
        async with self.engine.connect() as conn:
            count = (await conn.execute(select(func.count()).where(t.c.published_at.is_(None)))).scalar_one()
        OUTBOX_PENDING.labels(self.service).set(count)
        return count

    async def purge(self) -> None:
        """Published rows are kept a few days for inspection, then dropped."""
        t = self.table
        async with self.engine.begin() as conn:
            await conn.execute(delete(t).where(t.c.published_at < utcnow() - self.retention))

    @contextlib.asynccontextmanager
    async def _leadership(self):
        """On PostgreSQL only one relay per database runs at a time; the others wait their turn."""
        if self.engine.dialect.name != "postgresql":
            yield
            return
        lock_id = _ADVISORY_LOCK_BASE + zlib.crc32(self.service.encode()) % 0xFFFF
        async with self.engine.connect() as conn:
            while not (await conn.execute(text("SELECT pg_try_advisory_lock(:id)"), {"id": lock_id})).scalar():
                await conn.commit()
                await asyncio.sleep(1)
            await conn.commit()
            try:
                yield
            finally:
                await conn.execute(text("SELECT pg_advisory_unlock(:id)"), {"id": lock_id})
                await conn.commit()
