"""Fixtures of the shared library tests: a fresh database per test (SQLite by default, a new
PostgreSQL database when SG_TEST_DATABASE_URL is set) holding the tables of tests/support.py."""

from __future__ import annotations

import subprocess
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine

from shared.config import sqlite_url
from shared.db.engine import Database
from shared.testing import Backends
from shared.tests.support import Base

BACKENDS = Backends.from_env()

needs_kafka = pytest.mark.skipif(BACKENDS.bus_url is None, reason="SG_TEST_BUS_URL names no Kafka broker")
needs_s3 = pytest.mark.skipif(BACKENDS.blob_url is None, reason="SG_TEST_BLOB_URL names no S3 bucket")
needs_kafka_ctl = pytest.mark.skipif(
    BACKENDS.bus_url is None or BACKENDS.kafka_ctl is None, reason="SG_TEST_BUS_URL / SG_TEST_KAFKA_CTL not set"
)


def broker(action: str) -> None:
    """Stop or start the real Kafka broker (an outage for the tests); start waits until it takes produces."""
    subprocess.run([BACKENDS.kafka_ctl, action], check=True, capture_output=True, timeout=180)


@pytest.fixture(scope="session")
def backends() -> Backends:
    return BACKENDS


async def _admin(statement: str) -> None:
    engine = create_async_engine(BACKENDS.database_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as conn:
            await conn.execute(text(statement))
    finally:
        await engine.dispose()


@pytest_asyncio.fixture
async def db_url(tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of its own for the test."""
    if BACKENDS.database_url is None:
        yield sqlite_url(tmp_path / "db" / "shared.db")
        return
    name = f"sgt_shared_{uuid.uuid4().hex[:10]}"
    await _admin(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(BACKENDS.database_url).set(database=name).render_as_string(hide_password=False)
    finally:
        await _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest_asyncio.fixture
async def database(db_url: str) -> AsyncIterator[Database]:
    """The test's database opened as a service opens its own, holding the tables of tests/support.py."""
    database = Database(db_url)
    async with database.engine.begin() as conn:
        await conn.run_sync(Base.metadata.create_all)
    try:
        yield database
    finally:
        await database.dispose()


@pytest.fixture
def engine(database: Database) -> AsyncEngine:
    return database.engine


@pytest.fixture
def sessions(database: Database) -> async_sessionmaker:
    return database.sessions
