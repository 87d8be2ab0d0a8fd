"""Use cases for channels: the basic-channel template, a site's channel tree, workflows, subscriptions."""

from __future__ import annotations

from services.content.events import channel_snapshot, site_snapshot
from services.content.models import BasicChannel, Channel
from services.content.schemas.channels import (
    BasicChannelItem,
    BasicChannelTemplate,
    ChannelCreate,
    ChannelRead,
    ChannelUpdate,
)
from services.content.service.context import PLATFORM_AUDIT, Actor, ContentDeps, ContentUnitOfWork, audit
from services.content.service.lookups import channel_or_404
from services.content.service.permissions import require_operator, require_site_admin
from shared.errors import Conflict, InvalidInput, NotFound
from shared.events.content import ChannelCreated, ChannelDeleted, ChannelEvent, ChannelUpdated

RESERVED_SLUGS = frozenset(
    {
        "api",
        "static",
        "assets",
        "files",
        "search",
        "sitemap.xml",
        "robots.txt",
        "rss",
        "healthz",
        "readyz",
        "metrics",
        "interaction",
        "opendata",
        "_",
    }
)


async def basic_template(deps: ContentDeps) -> list[BasicChannelItem]:
    async with deps.platform_uow() as uow:
        return [BasicChannelItem.model_validate(row, from_attributes=True) for row in await uow.repo.basic_channels()]


async def replace_basic_template(deps: ContentDeps, actor: Actor, data: BasicChannelTemplate) -> list[BasicChannelItem]:
    """Operators edit the 基本栏目 every new site gets; existing sites keep what they have."""
    require_operator(actor)
    async with deps.platform_uow() as uow:
        for row in await uow.repo.basic_channels():
            await uow.session.delete(row)
        await uow.session.flush()
        uow.session.add_all(BasicChannel(**item.model_dump()) for item in data.items)
        audit(
            uow,
            actor,
            PLATFORM_AUDIT,
            "basic_channels.replaced",
            "basic_channels",
            "template",
            keys=[item.key for item in data.items],
        )
        await uow.commit()
    return list(data.items)


async def instantiate_basic_channels(uow: ContentUnitOfWork, site_id: str) -> list[Channel]:
    """Create the template's channel tree for a new site, parents before children."""
    template = await uow.repo.basic_channels()
    by_key: dict[str, Channel] = {}
    pending = list(template)
    while pending:
        ready = [t for t in pending if t.parent_key is None or t.parent_key in by_key]
        if not ready:
            raise InvalidInput("basic_channels", "基本栏目模板存在循环引用或缺少上级栏目")
        for item in ready:
            parent = by_key.get(item.parent_key) if item.parent_key else None
            channel = Channel(
                site_id=site_id,
                parent_id=parent.id if parent else None,
                slug=item.slug,
                path=f"{parent.path}/{item.slug}" if parent else item.slug,
                name=item.name,
                kind=item.kind,
                description=item.description,
                keywords=[],
                position=item.position,
                basic_key=item.key,
            )
            uow.session.add(channel)
            by_key[item.key] = channel
        await uow.session.flush()
        pending = [t for t in pending if t.key not in by_key]
    return list(by_key.values())


async def list_channels(deps: ContentDeps, site_id: str) -> list[ChannelRead]:
    """The channel tree is public (it is the site's navigation)."""
    async with deps.site_uow(site_id) as uow:
        if await uow.repo.site(site_id) is None:
            raise NotFound(f"站点 {site_id} 不存在")
        return [ChannelRead.model_validate(c) for c in await uow.repo.channels(site_id)]


async def create_channel(deps: ContentDeps, actor: Actor, site_id: str, data: ChannelCreate) -> ChannelRead:
    require_site_admin(actor, site_id)
    async with deps.site_uow(site_id) as uow:
        if await uow.repo.site(site_id) is None:
            raise NotFound(f"站点 {site_id} 不存在")
        parent = await _parent(uow, site_id, data.parent_id)
        path = _path(parent, data.slug)
        await _check_path_free(uow, site_id, path)
        channel = Channel(site_id=site_id, path=path, **data.model_dump(exclude_none=True))
        channel.keywords = data.keywords or []
        uow.session.add(channel)
        await uow.session.flush()
        await _emit(uow, ChannelCreated, channel)
        audit(uow, actor, site_id, "channel.created", "channel", channel.id, path=path, name=channel.name)
        await uow.commit()
        return ChannelRead.model_validate(channel)


async def update_channel(
    deps: ContentDeps, actor: Actor, site_id: str, channel_id: int, data: ChannelUpdate
) -> ChannelRead:
    """Rename, describe, reorder or move a channel; moving renames the paths of its whole subtree."""
    require_site_admin(actor, site_id)
    async with deps.site_uow(site_id) as uow:
        channel = await channel_or_404(uow, channel_id)
        changes = data.model_dump(exclude_unset=True)
        expected = changes.pop("version", None)
        if expected is not None and expected != channel.version:
            raise Conflict(f"version: 栏目当前版本为 {channel.version}，不是 {expected}，请刷新后重试")
        moved = await _apply_move(uow, site_id, channel, changes)
        for name, value in changes.items():
            setattr(channel, name, value)
        channel.version += 1
        await uow.session.flush()
        for changed in moved or [channel]:
            await _emit(uow, ChannelUpdated, changed)
        audit(
            uow,
            actor,
            site_id,
            "channel.updated",
            "channel",
            channel.id,
            changes=data.model_dump(exclude_unset=True, mode="json"),
        )
        await uow.commit()
        return ChannelRead.model_validate(channel)


async def _apply_move(uow: ContentUnitOfWork, site_id: str, channel: Channel, changes: dict) -> list[Channel]:
    if "parent_id" not in changes and "slug" not in changes:
        return []
    parent_id = changes.pop("parent_id", channel.parent_id)
    slug = changes.pop("slug", channel.slug)
    parent = await _parent(uow, site_id, parent_id)
    if parent is not None and (parent.id == channel.id or parent.path.startswith(channel.path + "/")):
        raise InvalidInput("parent_id", "栏目不能移到自身或其下级栏目之下")
    new_path = _path(parent, slug)
    if new_path == channel.path:
        return []
    await _check_path_free(uow, site_id, new_path)
    old_prefix = channel.path
    subtree = [c for c in await uow.repo.channels(site_id) if c.path.startswith(old_prefix + "/")]
    channel.parent_id, channel.slug, channel.path = parent_id, slug, new_path
    for child in subtree:
        child.path = new_path + child.path[len(old_prefix) :]
        child.version += 1
    return [channel, *subtree]


async def delete_channel(deps: ContentDeps, actor: Actor, site_id: str, channel_id: int) -> None:
    """Only empty channels go; basic channels stay (every site must have them)."""
    require_site_admin(actor, site_id)
    async with deps.site_uow(site_id) as uow:
        channel = await channel_or_404(uow, channel_id)
        if channel.basic_key is not None:
            raise Conflict(f"栏目 {channel.name} 是基本栏目，不能删除")
        if await uow.repo.channel_in_use(channel_id):
            raise Conflict(f"栏目 {channel.name} 下仍有子栏目或稿件，不能删除")
        channel.version += 1
        await _emit(uow, ChannelDeleted, channel)
        await uow.session.delete(channel)
        audit(uow, actor, site_id, "channel.deleted", "channel", channel_id, path=channel.path)
        await uow.commit()


async def _parent(uow: ContentUnitOfWork, site_id: str, parent_id: int | None) -> Channel | None:
    if parent_id is None:
        return None
    parent = await uow.repo.channel(parent_id)
    if parent is None:
        raise InvalidInput("parent_id", f"站点 {site_id} 没有栏目 {parent_id}")
    if parent.kind == "link":
        raise InvalidInput("parent_id", "外链栏目（link）不能有子栏目")
    return parent


def _path(parent: Channel | None, slug: str) -> str:
    if parent is None and slug in RESERVED_SLUGS:
        raise InvalidInput("slug", f"{slug} 是保留路径，不能用作一级栏目")
    return f"{parent.path}/{slug}" if parent else slug


async def _check_path_free(uow: ContentUnitOfWork, site_id: str, path: str) -> None:
    if await uow.repo.channel_by_path(site_id, path) is not None:
        raise Conflict(f"slug: 本站点已有路径为 /{path}/ 的栏目")


async def _emit(uow: ContentUnitOfWork, event_type: type[ChannelEvent], channel: Channel) -> None:
    site = await uow.repo.site(channel.site_id)
    uow.emit(
        event_type(
            site_id=channel.site_id,
            aggregate_id=str(channel.id),
            aggregate_version=channel.version,
            channel=channel_snapshot(channel),
            site=await site_snapshot(uow.repo, site),
        )
    )
