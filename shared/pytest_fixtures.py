"""The session fixtures every service's tests share (registered for the whole tree by the root conftest):
which backends to run on, fresh databases from per-service templates, and tokens signed with a test key."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from shared.testing import Backends, TestDatabases, Tokens


@pytest.fixture(scope="session")
def backends() -> Backends:
    return Backends.from_env()


@pytest.fixture(scope="session")
def databases(backends: Backends, tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestDatabases]:
    dbs = TestDatabases(backends, tmp_path_factory.mktemp("databases"))
    yield dbs
    if backends.database_url:
        asyncio.run(dbs.drop_templates())


@pytest.fixture(scope="session")
def tokens(tmp_path_factory: pytest.TempPathFactory) -> Tokens:
    return Tokens(tmp_path_factory.mktemp("keys"))
