"""Reads that must not grow with the size of a legacy site, checked in SQLite's query plans."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from services.transition.main import SCHEMA
from shared.db.engine import create_engine


@pytest.mark.embedded_only
async def test_a_jobs_progress_is_counted_from_an_index_alone(tmp_path: Path) -> None:
    """The tenant guard adds site_id to the count: the index must hold it, or every URL's row is read."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'transition.db'}"
    await SCHEMA.upgrade(url)
    engine = create_engine(url)
    counted = (
        "SELECT kind, state, count(*) FROM legacy_urls WHERE job_id = 1 AND site_id = 'feixi' GROUP BY state, kind"
    )
    async with engine.connect() as conn:
        plan = " ".join(str(row[-1]) for row in (await conn.execute(text(f"EXPLAIN QUERY PLAN {counted}"))).all())
    await engine.dispose()
    assert "COVERING INDEX ix_legacy_urls_job_state_kind_site" in plan, plan
