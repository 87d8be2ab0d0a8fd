"""WAL checkpoints off the loop: a commit no longer copies pages into the database file, the checkpointer's
thread does, and a file gone (a test's directory) is forgotten, never created."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from shared.config import sqlite_url
from shared.db.checkpoints import CHECKPOINTS, FALLBACK_PAGES, WalCheckpointer
from shared.db.engine import create_engine

pytestmark = pytest.mark.embedded_only  # SQLite's write-ahead log

BODY = "关于印发《政府网站与政务新媒体检查指标》的通知" * 100


def _pages_in_file(path: Path) -> int:
    return path.stat().st_size // 4096


async def test_commits_leave_the_checkpoint_to_the_checkpointer(tmp_path: Path) -> None:
    path = tmp_path / "公文.db"
    engine = create_engine(sqlite_url(path))
    try:
        async with engine.begin() as connection:
            assert (await connection.execute(text("PRAGMA wal_autocheckpoint"))).scalar() == FALLBACK_PAGES
            await connection.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
        assert CHECKPOINTS.watching(str(path))  # named by its first connection
        CHECKPOINTS.forget(str(path))  # from here this test checkpoints it, when it says so
        for _ in range(3):  # ~1,500 pages: past SQLite's own threshold of 1,000, which would have copied them
            async with engine.begin() as connection:
                await connection.execute(text("INSERT INTO notes (body) VALUES (:body)"), [{"body": BODY}] * 200)
        assert _pages_in_file(path) < 10 and _pages_in_file(path.with_name("公文.db-wal")) > 1000

        checkpointer = WalCheckpointer()
        checkpointer.watch(str(path))
        checkpointer.checkpoint_all()
        assert _pages_in_file(path) > 1000
        async with engine.connect() as connection:
            assert (await connection.execute(text("SELECT count(*) FROM notes"))).scalar() == 600
    finally:
        await engine.dispose()


def test_a_file_gone_is_forgotten_and_never_created(tmp_path: Path) -> None:
    gone = tmp_path / "gone.db"
    checkpointer = WalCheckpointer(interval_s=3600)
    checkpointer.watch(str(gone))
    checkpointer.checkpoint_all()
    assert not checkpointer.watching(str(gone)) and not gone.exists()
