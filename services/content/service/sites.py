"""Use cases for sites (tenants): open one with its basic channels, change it, resolve hosts, list them."""

from __future__ import annotations

from services.content.events import channel_snapshot, site_snapshot
from services.content.models import Site, SiteDomain, Workflow
from services.content.schemas.sites import (
    DomainsUpdate,
    HostResolution,
    SiteCreate,
    SiteDirectoryEntry,
    SiteRead,
    SiteUpdate,
)
from services.content.service.channels import instantiate_basic_channels
from services.content.service.context import Actor, ContentDeps, ContentUnitOfWork, audit
from services.content.service.permissions import is_operator, require_operator, require_site_admin, require_staff
from services.content.service.review_steps import DEFAULT_STEPS
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from shared.events.content import ChannelCreated, SiteCreated, SiteUpdated

_PARENT_LEVELS = {
    "province": set(),
    "city": {"province"},
    "county": {"city"},
    "department": {"province", "city", "county"},
}
_ADMIN_FIELDS = {"contact_phone", "contact_email", "contact_address", "theme", "lang", "abbreviation", "version"}


async def create_site(deps: ContentDeps, actor: Actor, data: SiteCreate) -> SiteRead:
    """Open a site: its row, domains, the basic channels from the platform template, the default workflow."""
    require_operator(actor)
    if deps.settings.site_changes_need_approval and data.status != "building":
        raise Conflict("新开网站须先以 building 状态建立，再提交开通申请经审批上线", code="needs_approval")
    async with deps.platform_uow() as uow:
        await _check_new_site(uow, data)
        site = Site(**data.model_dump(exclude={"main_domain", "domains", "theme"}), theme=data.chosen_theme)
        uow.session.add(site)
        hosts = [data.main_domain, *data.domains]
        await _check_hosts_free(uow, hosts, site_id=data.id)
        uow.session.add_all(SiteDomain(site_id=site.id, host=h, is_main=h == data.main_domain) for h in hosts)
        channels = await instantiate_basic_channels(uow, site.id)
        uow.session.add(Workflow(site_id=site.id, channel_id=None, steps=DEFAULT_STEPS))
        await uow.session.flush()
        snapshot = await site_snapshot(uow.repo, site)
        uow.emit(SiteCreated(site_id=site.id, aggregate_id=site.id, aggregate_version=site.version, site=snapshot))
        for channel in channels:
            uow.emit(
                ChannelCreated(
                    site_id=site.id,
                    aggregate_id=str(channel.id),
                    aggregate_version=1,
                    channel=channel_snapshot(channel),
                    site=snapshot,
                )
            )
        audit(uow, actor, site.id, "site.created", "site", site.id, name=site.name, channels=len(channels))
        await uow.commit()
        return _read(site, snapshot.domains, snapshot.main_domain)


async def _check_new_site(uow: ContentUnitOfWork, data: SiteCreate) -> None:
    if await uow.repo.site(data.id) is not None:
        raise Conflict(f"id: 站点 {data.id} 已存在")
    if await uow.repo.site_has(Site, Site.site_code == data.site_code):
        raise Conflict(f"site_code: 网站标识码 {data.site_code} 已被其他站点使用")
    await _check_parent(uow, data.level, data.parent_id)


async def _check_parent(uow: ContentUnitOfWork, level: str, parent_id: str | None) -> None:
    allowed = _PARENT_LEVELS[level]
    if not allowed:
        if parent_id is not None:
            raise InvalidInput("parent_id", "省级（province）站点不能有上级站点")
        return
    parent = await uow.repo.site(parent_id) if parent_id else None
    if parent is None:
        raise InvalidInput("parent_id", f"{level} 级站点须有已存在的上级站点")
    if parent.level not in allowed:
        raise InvalidInput("parent_id", f"{level} 级站点不能隶属于 {parent.level} 级站点")


async def _check_hosts_free(uow: ContentUnitOfWork, hosts: list[str], *, site_id: str) -> None:
    if len(set(hosts)) != len(hosts):
        raise InvalidInput("domains", "域名不能重复，也不能与 main_domain 相同")
    for host in hosts:
        owner = await uow.repo.domain(host)
        if owner is not None and owner.site_id != site_id:
            raise Conflict(f"domains: {host} 已属于站点 {owner.site_id}")


async def update_site(deps: ContentDeps, actor: Actor, site_id: str, data: SiteUpdate) -> SiteRead:
    """Site admins change contacts and theme; identity, codes, status and parent are for operators."""
    require_site_admin(actor, site_id)
    changes = data.model_dump(exclude_unset=True)
    restricted = sorted(set(changes) - _ADMIN_FIELDS)
    if restricted and not is_operator(actor):
        raise Forbidden(f"仅平台运维人员（platform_operator）可修改 {', '.join(restricted)}", code="needs_role")
    async with deps.site_uow(site_id) as uow:
        site = await _site_or_404(uow, site_id)
        expected = changes.pop("version", None)
        if expected is not None and expected != site.version:
            raise Conflict(f"version: 站点当前版本为 {site.version}，不是 {expected}，请刷新后重试")
        if (
            "site_code" in changes
            and changes["site_code"] != site.site_code
            and await uow.repo.site_has(Site, Site.site_code == changes["site_code"])
        ):
            raise Conflict(f"site_code: 网站标识码 {changes['site_code']} 已被其他站点使用")
        if "parent_id" in changes:
            await _check_parent(uow, site.level, changes["parent_id"])
        if "status" in changes and changes["status"] != site.status:
            _check_status_change(deps, site, changes["status"])
        for name, value in changes.items():
            setattr(site, name, value)
        site.version += 1
        return await commit_site_update(uow, actor, site, "site.updated", changes)


def _check_status_change(deps: ContentDeps, site: Site, status: str) -> None:
    """Status by PATCH is the operators' shortcut where no approval is required; closing still names where the
    visitors go (the parent). With the approval rule, opening and closing go through POST …/changes."""
    if deps.settings.site_changes_need_approval:
        raise Conflict("开通、关停网站须经审批：请提交 POST /sites/{id}/changes", code="needs_approval")
    if status == "closed":
        if site.parent_id is None:
            raise InvalidInput("status", "没有上级站点的网站须通过变更申请关停，并在申请中指明 successor_id")
        site.successor_id = site.parent_id
    else:
        site.successor_id = None


async def set_domains(deps: ContentDeps, actor: Actor, site_id: str, data: DomainsUpdate) -> SiteRead:
    """Replace a site's host names; exactly one is the main (canonical) domain."""
    require_operator(actor)
    async with deps.platform_uow() as uow:
        site = await _site_or_404(uow, site_id)
        hosts = [data.main_domain, *data.domains]
        await _check_hosts_free(uow, hosts, site_id=site_id)
        for old in await uow.repo.domains([site_id]):
            await uow.session.delete(old)
        await uow.session.flush()
        uow.session.add_all(SiteDomain(site_id=site_id, host=h, is_main=h == data.main_domain) for h in hosts)
        site.version += 1
        return await commit_site_update(uow, actor, site, "site.domains_set", {"domains": hosts})


async def commit_site_update(uow: ContentUnitOfWork, actor: Actor, site: Site, action: str, changes: dict) -> SiteRead:
    """A changed site: its new version announced, audited, committed."""
    await uow.session.flush()
    snapshot = await site_snapshot(uow.repo, site)
    uow.emit(SiteUpdated(site_id=site.id, aggregate_id=site.id, aggregate_version=site.version, site=snapshot))
    audit(uow, actor, site.id, action, "site", site.id, changes=changes)
    await uow.commit()
    return _read(site, snapshot.domains, snapshot.main_domain)


async def get_site(deps: ContentDeps, actor: Actor, site_id: str) -> SiteRead:
    require_staff(actor, site_id)
    async with deps.site_uow(site_id) as uow:
        site = await _site_or_404(uow, site_id)
        domains = await uow.repo.domains([site_id])
        return _read(site, [d.host for d in domains], next((d.host for d in domains if d.is_main), ""))


async def has_sites(deps: ContentDeps) -> bool:
    """Whether any site was ever opened here (the demo province is seeded only into an empty platform)."""
    async with deps.platform_uow() as uow:
        return bool(await uow.repo.sites())


async def site_directory(deps: ContentDeps, *, level: str | None, parent_id: str | None) -> list[SiteDirectoryEntry]:
    """网站群导航: every online site, public."""
    async with deps.platform_uow() as uow:
        sites = await uow.repo.sites(status="online", level=level, parent_id=parent_id)
        domains = await uow.repo.domains([s.id for s in sites])
    by_site: dict[str, list[SiteDomain]] = {}
    for d in domains:
        by_site.setdefault(d.site_id, []).append(d)
    return [
        SiteDirectoryEntry(
            id=s.id,
            name=s.name,
            host_unit=s.host_unit,
            level=s.level,
            site_code=s.site_code,
            parent_id=s.parent_id,
            main_domain=next((d.host for d in by_site.get(s.id, []) if d.is_main), ""),
            domains=[d.host for d in by_site.get(s.id, [])],
        )
        for s in sites
    ]


async def resolve_host(deps: ContentDeps, host: str) -> HostResolution:
    """Which site answers on a host name (the gateway's and renderer's first question)."""
    name = host.split(":", 1)[0].strip().lower().rstrip(".")
    async with deps.platform_uow() as uow:
        domain = await uow.repo.domain(name)
        if domain is None:
            raise NotFound(f"host: 没有站点使用域名 {name}")
        site = await uow.repo.site(domain.site_id)
        main = (await uow.repo.main_domains([site.id])).get(site.id, name)
    return HostResolution(host=name, site_id=site.id, is_main=domain.is_main, main_domain=main, status=site.status)


async def _site_or_404(uow: ContentUnitOfWork, site_id: str) -> Site:
    site = await uow.repo.site(site_id)
    if site is None:
        raise NotFound(f"站点 {site_id} 不存在")
    return site


def _read(site: Site, domains: list[str], main: str) -> SiteRead:
    fields = {name: getattr(site, name) for name in SiteRead.model_fields if hasattr(site, name)}
    return SiteRead(**{**fields, "domains": [d for d in domains if d != main], "main_domain": main})


__all__ = ["create_site", "get_site", "resolve_host", "set_domains", "site_directory", "update_site"]
