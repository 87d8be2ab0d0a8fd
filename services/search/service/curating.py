"""Editors' use cases: synonyms, best bets and Q&A pairs of a site (site admins and editors) or of the
whole platform (platform operators), and the site's search analytics."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError

from services.search.models import PLATFORM_WIDE, BestBet, Entry, QaPair, Synonym
from services.search.service.context import SearchDeps
from services.search.service.curation import forget
from shared.auth import Principal
from shared.clock import utcnow
from shared.errors import Conflict, Forbidden, NotFound

CURATORS = ("site_admin", "editor")
Curated = type[Synonym] | type[BestBet] | type[QaPair]


def check_curator(deps: SearchDeps, principal: Principal, site_id: str) -> None:
    """Site rows: the site's admins and editors (and operators); platform rows: platform operators only."""
    if site_id == PLATFORM_WIDE:
        if not principal.is_platform_operator():
            raise Forbidden("平台级的搜索词只有平台运营人员可以修改", code="needs_role")
        return
    if site_id not in deps.sites:
        raise NotFound(f"site: 平台上没有站点 {site_id}")
    if not (principal.is_platform_operator() or principal.has_role(site_id, CURATORS)):
        raise Forbidden(f"需要站点 {site_id} 的 site_admin 或 editor 角色", code="needs_role")


async def list_rows(deps: SearchDeps, principal: Principal, model: Curated, site_id: str) -> Sequence[Any]:
    check_curator(deps, principal, site_id)
    async with deps.platform_uow() as uow:
        query = select(model).where(model.site_id == site_id).order_by(model.id)
        return (await uow.session.scalars(query)).all()


async def add_row(deps: SearchDeps, principal: Principal, model: Curated, site_id: str, values: dict) -> Any:
    check_curator(deps, principal, site_id)
    async with deps.platform_uow() as uow:
        row = model(site_id=site_id, created_by=principal.subject, **values)
        uow.session.add(row)
        try:
            await uow.commit()
        except IntegrityError:
            raise Conflict("同一查询已置顶了这个页面 (query and url already pinned)") from None
    forget(deps, site_id)
    return row


async def delete_row(deps: SearchDeps, principal: Principal, model: Curated, site_id: str, row_id: int) -> None:
    check_curator(deps, principal, site_id)
    async with deps.platform_uow() as uow:
        row = await uow.session.get(model, row_id)
        if row is None or row.site_id != site_id:  # another site's row is as absent as a missing one
            raise NotFound(f"id: 站点 {site_id} 没有条目 {row_id}")
        await uow.session.delete(row)
        await uow.commit()
    forget(deps, site_id)


async def site_settings(deps: SearchDeps, principal: Principal, site_id: str) -> bool:
    check_curator(deps, principal, site_id)
    async with deps.platform_uow() as uow:
        site = await uow.repo.site(site_id)
        return bool(site and site.keep_withdrawn)


async def set_keep_withdrawn(deps: SearchDeps, principal: Principal, site_id: str, keep: bool) -> bool:
    """The site admin's choice; the site's documents are indexed again to follow it."""
    if not (principal.is_platform_operator() or principal.has_role(site_id, "site_admin")):
        check_curator(deps, principal, site_id)  # 404 for an unknown site before the 403
        raise Forbidden(f"需要站点 {site_id} 的 site_admin 角色", code="needs_role")
    async with deps.platform_uow() as uow:
        site = await uow.repo.site(site_id)
        if site is None:
            raise NotFound(f"site: 平台上没有站点 {site_id}")
        site.keep_withdrawn = keep
        marked = {"pending": True, "updated_at": utcnow()}
        await uow.session.execute(update(Entry).where(Entry.site_id == site_id).values(**marked))
        await uow.commit()
    deps.wake_indexer.set()
    return keep
