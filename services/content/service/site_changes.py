"""Opening, closing (关停) and merging (整合) sites. A closed site sends its visitors on (to the site it merged into,
or to its parent); where the platform requires it, each change waits for another platform operator's approval,
and every request is kept with who decided it."""

from __future__ import annotations

from sqlalchemy import Row

from services.content.models import Site, SiteChange
from services.content.schemas.sites import SiteChangeCreate, SiteChangeDecision, SiteChangeRead
from services.content.service.context import Actor, ContentDeps, ContentUnitOfWork, audit
from services.content.service.permissions import is_operator, require_operator, require_site_admin
from services.content.service.sites import commit_site_update
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound

_STATUS_AFTER = {"open": "online", "close": "closed", "merge": "closed"}


async def request_change(deps: ContentDeps, actor: Actor, site_id: str, data: SiteChangeCreate) -> SiteChangeRead:
    """A site admin or operator asks; without the approval rule an operator's request is carried out at once."""
    require_site_admin(actor, site_id)
    async with deps.platform_uow() as uow:
        site = await _site(uow, site_id)
        successor = await _successor(uow, site, data)
        change = SiteChange(
            site_id=site_id, kind=data.kind, successor_id=successor, reason=data.reason, requested_by=actor.id
        )
        uow.session.add(change)
        await uow.session.flush()
        audit(uow, actor, site_id, f"site.{data.kind}_requested", "site_change", change.id, successor=successor)
        if is_operator(actor) and not deps.settings.site_changes_need_approval:
            await _carry_out(uow, deps, actor, site, change, comment=None)
        await uow.commit()
        return SiteChangeRead.model_validate(change)


async def decide(
    deps: ContentDeps, actor: Actor, change_id: int, decision: SiteChangeDecision, *, approve: bool
) -> SiteChangeRead:
    """Another platform operator approves (the change is made) or rejects a pending request."""
    require_operator(actor)
    async with deps.platform_uow() as uow:
        change = await uow.repo.site_change(change_id, for_update=True)
        if change is None:
            raise NotFound(f"网站变更申请 {change_id} 不存在")
        if change.status != "pending":
            raise Conflict(f"申请 {change_id} 已处理（{change.status}）")
        if change.requested_by == actor.id:
            raise Forbidden("关停、整合、开通网站须由另一位平台运维人员审批", code="own_request")
        site = await _site(uow, change.site_id)
        if approve:
            await _successor(uow, site, change)  # still valid now?
            await _carry_out(uow, deps, actor, site, change, comment=decision.comment)
        else:
            _decided(deps, change, actor, "rejected", decision.comment)
            audit(
                uow, actor, site.id, f"site.{change.kind}_rejected", "site_change", change.id, comment=decision.comment
            )
        await uow.commit()
        return SiteChangeRead.model_validate(change)


async def list_changes(
    deps: ContentDeps, actor: Actor, *, site_id: str | None, status: str | None
) -> list[SiteChangeRead]:
    """Operators see every request; a site admin their site's."""
    if site_id is None:
        require_operator(actor)
    else:
        require_site_admin(actor, site_id)
    async with deps.platform_uow() as uow:
        return [SiteChangeRead.model_validate(c) for c in await uow.repo.site_changes(site_id=site_id, status=status)]


async def _carry_out(
    uow: ContentUnitOfWork, deps: ContentDeps, actor: Actor, site: Site, change: SiteChange, *, comment: str | None
) -> None:
    _decided(deps, change, actor, "approved", comment)
    site.status = _STATUS_AFTER[change.kind]
    site.successor_id = change.successor_id if change.kind != "open" else None
    site.version += 1
    details = {"status": site.status, "successor_id": site.successor_id, "request": change.id}
    await commit_site_update(uow, actor, site, _DONE[change.kind], details)


_DONE = {"open": "site.opened", "close": "site.closed", "merge": "site.merged"}


def _decided(deps: ContentDeps, change: SiteChange, actor: Actor, status: str, comment: str | None) -> None:
    change.status, change.decided_by, change.decided_at, change.comment = status, actor.id, deps.now(), comment


async def _site(uow: ContentUnitOfWork, site_id: str) -> Site:
    site = await uow.repo.site(site_id)
    if site is None:
        raise NotFound(f"站点 {site_id} 不存在")
    return site


async def _successor(uow: ContentUnitOfWork, site: Site, data: SiteChangeCreate | SiteChange | Row) -> str | None:
    """Where the closed site's visitors will go: another online site, its parent if none is named. Opening needs
    none."""
    if data.kind == "open":
        if site.status == "online":
            raise Conflict(f"站点 {site.id} 已开通")
        return None
    if site.status == "closed":
        raise Conflict(f"站点 {site.id} 已关停")
    successor_id = data.successor_id or site.parent_id
    if successor_id is None:
        raise InvalidInput("successor_id", "没有上级站点的网站须指明访问者转往的站点")
    successor = await uow.repo.site(successor_id) if successor_id != site.id else None
    if successor is None or successor.status != "online":  # an online site sends nobody on: no loops
        raise InvalidInput("successor_id", f"站点 {successor_id} 不是另一个已开通（online）的站点")
    return successor_id
