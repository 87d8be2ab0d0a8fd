"""Migrations that change data, tried on rows written under the schema before them."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text

from services.render.main import SCHEMA
from shared.db.engine import create_engine


@pytest.mark.embedded_only
async def test_document_views_take_the_contract_s_public_state_names(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'render.db'}"
    await SCHEMA.upgrade(url, revision="0001")
    engine = create_engine(url)
    insert = text(
        "INSERT INTO document_views (id, site_id, version, state, snapshot) VALUES (:id, 'hefei', 1, :state, '{}')"
    )
    async with engine.begin() as conn:
        await conn.execute(insert, [{"id": 1, "state": "redirect"}, {"id": 2, "state": "withdrawn"}])
    await SCHEMA.upgrade(url)
    async with engine.connect() as conn:
        states = dict((await conn.execute(text("SELECT id, state FROM document_views"))).all())
    await engine.dispose()
    assert states == {1: "redirected", 2: "withdrawn"}


@pytest.mark.embedded_only
async def test_a_sites_entries_of_given_documents_are_found_by_site_and_document(tmp_path: Path) -> None:
    """The tenant guard's site_id beside document_id IN (…) must not walk the whole site (the site_id index)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'render.db'}"
    await SCHEMA.upgrade(url)
    engine = create_engine(url)
    asked = "SELECT url_path FROM page_entries WHERE site_id = 'feixi' AND document_id IN (1, 2, 3)"
    async with engine.connect() as conn:
        plan = " ".join(str(row[-1]) for row in (await conn.execute(text(f"EXPLAIN QUERY PLAN {asked}"))).all())
    await engine.dispose()
    assert "ix_page_entries_site_document (site_id=? AND document_id=?)" in plan, plan
