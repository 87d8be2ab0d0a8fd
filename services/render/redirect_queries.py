"""Queries over a site's redirect table (legacy URLs: 301 to their new place, or 410)."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from services.render.models import Redirect
from shared.clock import utcnow


def _upsert(insert) -> object:
    """Built once per dialect: given the rows as parameters, the driver sends them together (executemany)."""
    stmt = insert(Redirect.__table__)
    return stmt.on_conflict_do_update(index_elements=["site_id", "old_path"], set_={"target": stmt.excluded.target})


_UPSERT = {"postgresql": _upsert(postgresql.insert), "sqlite": _upsert(sqlite.insert)}


class RedirectQueries:
    """Part of RenderRepository: in a site scope the tenant guard filters these to the site."""

    session: AsyncSession

    async def redirect(self, old_path: str) -> Redirect | None:
        return await self.session.scalar(select(Redirect).where(Redirect.old_path == old_path))

    async def first_redirect(self, keys: tuple[str, ...]) -> Redirect | None:
        """The entry of the most specific key that has one (keys come most specific first)."""
        found = {r.old_path: r for r in await self.session.scalars(select(Redirect).where(Redirect.old_path.in_(keys)))}
        return next((found[k] for k in keys if k in found), None)

    async def keep_redirects(self, site_id: str, targets: dict[str, str | None]) -> None:
        """Add or replace entries (legacy key → target, None for 410) in one upsert, nothing read first (an entry
        replaced keeps its created_at)."""
        if not targets:
            return
        now = utcnow()
        rows = [{"site_id": site_id, "old_path": k, "target": t, "created_at": now} for k, t in targets.items()]
        await self.session.execute(_UPSERT[self.session.bind.dialect.name], rows)

    async def drop_redirects(self, site_id: str, keys: list[str]) -> int:
        result = await self.session.execute(
            delete(Redirect).where(Redirect.site_id == site_id, Redirect.old_path.in_(keys))
        )
        return result.rowcount or 0

    async def redirect_keys(self) -> list[str]:
        """Every key of this site's redirect table (read once per process, for its shape)."""
        return list(await self.session.scalars(select(Redirect.old_path)))

    async def redirects(self) -> list[Redirect]:
        return list(await self.session.scalars(select(Redirect).order_by(Redirect.old_path)))

    async def delete_redirect(self, old_path: str) -> int:
        result = await self.session.execute(delete(Redirect).where(Redirect.old_path == old_path))
        return result.rowcount or 0
