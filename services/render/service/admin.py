"""What site admins and operators change in the renderer: a site's look and its redirect table."""

from __future__ import annotations

from services.render.cache import site_tag
from services.render.models import ThemeSettings
from services.render.schemas import RedirectBatch, RedirectRead, RedirectsWritten, ThemeRead, ThemeUpdate
from services.render.service.context import RenderDeps, RenderUnitOfWork
from shared.auth import Principal
from shared.errors import Forbidden, InvalidInput, NotFound
from shared.events.transition import UrlMapChanged

SITE_ADMIN = "site_admin"


def require_site_admin(principal: Principal, site_id: str) -> None:
    if not (principal.is_platform_operator() or principal.has_role(site_id, (SITE_ADMIN,))):
        raise Forbidden(f"需要站点 {site_id} 的 site_admin 角色", code="needs_role")


def require_known_site(deps: RenderDeps, site_id: str) -> None:
    if deps.hosts.site(site_id) is None:
        raise NotFound(f"站点 {site_id} 不存在")


def _flush_site(deps: RenderDeps, uow: RenderUnitOfWork, site_id: str) -> None:
    """Look and redirects change every page of a site: rare, deliberate edits, so the whole site goes."""
    tags = {site_tag(site_id)}
    uow.after_commit(lambda: deps.changed(site_id, tags))


async def get_theme(deps: RenderDeps, principal: Principal, site_id: str) -> ThemeRead:
    require_site_admin(principal, site_id)
    require_known_site(deps, site_id)
    async with deps.site_uow(site_id) as uow:
        own = await uow.repo.theme()
        return ThemeRead(site_id=site_id, **(own.values if own else {}))


async def update_theme(deps: RenderDeps, principal: Principal, site_id: str, data: ThemeUpdate) -> ThemeRead:
    require_site_admin(principal, site_id)
    require_known_site(deps, site_id)
    async with deps.site_uow(site_id) as uow:
        check_block_channels(data, {c.path for c in await uow.repo.channels()})
        own = await uow.repo.theme()
        if own is None:
            uow.session.add(ThemeSettings(site_id=site_id, values=data.model_dump()))
        else:
            own.values = data.model_dump()
        _flush_site(deps, uow, site_id)
        await uow.commit()
    return ThemeRead(site_id=site_id, **data.model_dump())


def check_block_channels(data: ThemeUpdate, paths: set[str]) -> None:
    """A home block names columns the site has (a block left without its column later simply stays empty)."""
    for index, block in enumerate(data.home_blocks or []):
        named = [block.channel] if hasattr(block, "channel") else getattr(block, "channels", [])
        for path in named:
            if path not in paths:
                raise InvalidInput(f"home_blocks[{index}].channel", f"本网站没有路径为 {path} 的栏目")


async def list_redirects(deps: RenderDeps, principal: Principal, site_id: str) -> list[RedirectRead]:
    require_site_admin(principal, site_id)
    async with deps.site_uow(site_id) as uow:
        return [
            RedirectRead(old_path=r.old_path, target=r.target, status=410 if r.target is None else 301)
            for r in await uow.repo.redirects()
        ]


async def put_redirects(deps: RenderDeps, principal: Principal, site_id: str, batch: RedirectBatch) -> RedirectsWritten:
    """Add or replace entries; all of the batch or none of it."""
    require_site_admin(principal, site_id)
    require_known_site(deps, site_id)
    async with deps.site_uow(site_id) as uow:
        await uow.repo.keep_redirects(site_id, {i.old_path: i.target for i in batch.items})
        uow.after_commit(lambda: deps.redirect_shapes.written(site_id, (i.old_path for i in batch.items)))
        _flush_site(deps, uow, site_id)
        await uow.commit()
    return RedirectsWritten(site_id=site_id, written=len({i.old_path for i in batch.items}))


async def delete_redirect(deps: RenderDeps, principal: Principal, site_id: str, old_path: str) -> None:
    require_site_admin(principal, site_id)
    async with deps.site_uow(site_id) as uow:
        if not await uow.repo.delete_redirect(old_path):
            raise NotFound(f"路径 {old_path} 没有重定向规则")
        _flush_site(deps, uow, site_id)
        await uow.commit()


async def rebuild_mirror(deps: RenderDeps, mirror, principal: Principal, site_id: str) -> int:
    """Write every page of the site to the static mirror again (after a theme change, or a lost bucket)."""
    require_site_admin(principal, site_id)
    require_known_site(deps, site_id)
    return await mirror.rebuild_site(site_id)


async def on_url_map_changed(deps: RenderDeps, uow: RenderUnitOfWork, event: UrlMapChanged) -> bool:
    """A migration's URL map decided (imported documents, operators' choices): the redirect table keeps it."""
    if event.redirects:
        await uow.repo.keep_redirects(event.site_id, {r.legacy_key: r.target for r in event.redirects})
    if event.removed:
        await uow.repo.drop_redirects(event.site_id, event.removed)
    uow.after_commit(lambda: deps.redirects_changed(event.site_id, (r.legacy_key for r in event.redirects)))
    return True
