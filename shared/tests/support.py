"""Models, events and fakes of the shared library tests: a tiny service of our own (a tenant table, a
plain table, the outbox and inbox) declared on its own metadata, so nothing depends on a real service."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import datetime
from pathlib import Path

from sqlalchemy import ForeignKey, Integer, MetaData, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from shared.bus import BusUnavailable, EventBus, Message
from shared.config import sqlite_url
from shared.db.engine import Database
from shared.db.types import UtcDateTime
from shared.events.envelope import Event
from shared.messaging.tables import InboxBase, OutboxBase
from shared.tenancy import TenantScoped


class Base(DeclarativeBase):
    pass


@contextlib.asynccontextmanager
async def sqlite_database(path: Path, metadata: MetaData) -> AsyncIterator[Database]:
    """A SQLite database of the embedded driver holding a test module's own tables, disposed of afterwards."""
    database = Database(sqlite_url(path))
    async with database.engine.begin() as conn:
        await conn.run_sync(metadata.create_all)
    try:
        yield database
    finally:
        await database.dispose()


class Category(Base):
    """Not tenant data: shared by every site (like a national classification)."""

    __tablename__ = "t_category"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    documents: Mapped[list[Document]] = relationship(back_populates="category", order_by="Document.id")


class Document(TenantScoped, Base):
    __tablename__ = "t_document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    category_id: Mapped[int | None] = mapped_column(ForeignKey("t_category.id"))
    category: Mapped[Category | None] = relationship(back_populates="documents")


class Stamp(Base):
    __tablename__ = "t_stamp"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class Effect(Base):
    """What a consumer's handler does: one row per handled event (so duplicates would show)."""

    __tablename__ = "t_effect"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    event_id: Mapped[str] = mapped_column(String(36))
    note: Mapped[str] = mapped_column(String(200))


class Outbox(OutboxBase, Base):
    pass


class Inbox(InboxBase, Base):
    pass


NOTES_TOPIC = "tests.notes"


class NoteWritten(Event):
    """A test event; registering it once per process is part of what is tested."""

    type = "tests.shared.note.written.v1"
    topic = NOTES_TOPIC
    text: str


def note(site_id: str, aggregate_id: str, text: str, version: int = 1) -> NoteWritten:
    return NoteWritten(site_id=site_id, aggregate_id=aggregate_id, aggregate_version=version, text=text)


class Collector:
    """A bus handler that keeps what it got, and lets tests wait for a count."""

    def __init__(self, handle: Callable[[Message], Awaitable[None]] | None = None) -> None:
        self.messages: list[Message] = []
        self._changed = asyncio.Condition()
        self._handle = handle

    async def __call__(self, message: Message) -> None:
        if self._handle is not None:
            await self._handle(message)
        async with self._changed:
            self.messages.append(message)
            self._changed.notify_all()

    async def wait_for(self, count: int, timeout: float = 10.0) -> list[Message]:  # noqa: ASYNC109
        async def enough() -> list[Message]:
            async with self._changed:
                await self._changed.wait_for(lambda: len(self.messages) >= count)
                return list(self.messages)

        return await asyncio.wait_for(enough(), timeout)


class FlakyBus(EventBus):
    """Refuses the first `failures` publishes with BusUnavailable, then hands batches to `inner`."""

    def __init__(self, inner: EventBus, failures: int) -> None:
        super().__init__()
        self.inner = inner
        self.failures = failures
        self.attempts = 0

    async def start(self) -> None:
        await self.inner.start()

    async def stop(self) -> None:
        await self.inner.stop()

    async def ping(self) -> bool:
        return self.attempts >= self.failures

    async def publish_batch(self, messages: Sequence[Message]) -> None:
        self.attempts += 1
        if self.attempts <= self.failures:
            raise BusUnavailable(f"broker down (attempt {self.attempts})")
        await self.inner.publish_batch(messages)


async def eventually(
    check: Callable[[], Awaitable[bool]],
    timeout: float = 10.0,  # noqa: ASYNC109 - a deadline for polling, not for one call
    every: float = 0.02,
) -> None:
    """Wait until `check()` is true, or fail after `timeout` seconds."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not await check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"condition not met within {timeout}s")
        await asyncio.sleep(every)
