"""Use cases for channels: the basic-channel template, a site's channel tree, workflows, subscriptions."""

from __future__ import annotations

from services.content.events import channel_snapshot, site_snapshot
from services.content.models import BasicChannel, Channel, ChannelSubscription, Workflow
from services.content.schemas.channels import (
    BasicChannelItem,
    BasicChannelTemplate,
    ChannelCreate,
    ChannelRead,
    ChannelUpdate,
    SubscriptionCreate,
    SubscriptionRead,
    WorkflowRead,
    WorkflowUpdate,
)
from services.content.service.context import Actor, ContentDeps, ContentUnitOfWork, audit
from services.content.service.lookups import channel_or_404
from services.content.service.permissions import require_operator, require_site_admin, require_staff
from shared.errors import Conflict, InvalidInput, NotFound
from shared.events.content import ChannelCreated, ChannelDeleted, ChannelEvent, ChannelUpdated

DEFAULT_STEPS = [{"name": n, "role": f"reviewer:{n}"} for n in ("初审", "审核", "审发")]
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
            raise InvalidInput("basic_channels", "the template has a cycle or a missing parent")
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
            raise NotFound(f"site {site_id} does not exist")
        return [ChannelRead.model_validate(c) for c in await uow.repo.channels(site_id)]


async def create_channel(deps: ContentDeps, actor: Actor, site_id: str, data: ChannelCreate) -> ChannelRead:
    require_site_admin(actor, site_id)
    async with deps.site_uow(site_id) as uow:
        if await uow.repo.site(site_id) is None:
            raise NotFound(f"site {site_id} does not exist")
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
            raise Conflict(f"version: channel is at version {channel.version}, not {expected}")
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
        raise InvalidInput("parent_id", "a channel cannot move under itself")
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
            raise Conflict(f"channel {channel.name} is a basic channel (基本栏目) and cannot be deleted")
        if await uow.repo.channel_in_use(channel_id):
            raise Conflict(f"channel {channel.name} still has sub-channels or documents")
        channel.version += 1
        await _emit(uow, ChannelDeleted, channel)
        await uow.session.delete(channel)
        audit(uow, actor, site_id, "channel.deleted", "channel", channel_id, path=channel.path)
        await uow.commit()


async def get_workflow(deps: ContentDeps, actor: Actor, site_id: str, channel_id: int | None) -> WorkflowRead:
    require_staff(actor, site_id, channel_id)
    async with deps.site_uow(site_id) as uow:
        if channel_id is not None:
            await channel_or_404(uow, channel_id)
        steps, inherited = await effective_steps(uow, site_id, channel_id)
        return WorkflowRead(site_id=site_id, channel_id=channel_id, steps=steps, inherited=inherited)


async def effective_steps(uow: ContentUnitOfWork, site_id: str, channel_id: int | None) -> tuple[list[dict], bool]:
    """A channel's own workflow, else the site's, else the platform default (初审 → 审核 → 审发)."""
    if channel_id is None:
        site_default = await uow.repo.workflow(site_id, None)
        return (site_default.steps, False) if site_default else (DEFAULT_STEPS, True)
    found = {w.channel_id: w for w in await uow.repo.workflows_for(site_id, channel_id)}
    if channel_id in found:
        return found[channel_id].steps, False
    if None in found:
        return found[None].steps, True
    return DEFAULT_STEPS, True


async def set_workflow(deps: ContentDeps, actor: Actor, site_id: str, data: WorkflowUpdate) -> WorkflowRead:
    require_site_admin(actor, site_id)
    steps = [{"name": s.name, "role": s.role or f"reviewer:{s.name}"} for s in data.steps]
    async with deps.site_uow(site_id) as uow:
        if data.channel_id is not None:
            await channel_or_404(uow, data.channel_id)
        workflow = await uow.repo.workflow(site_id, data.channel_id)
        if workflow is None:
            uow.session.add(Workflow(site_id=site_id, channel_id=data.channel_id, steps=steps))
        else:
            workflow.steps = steps
        audit(
            uow,
            actor,
            site_id,
            "workflow.set",
            "channel" if data.channel_id else "site",
            data.channel_id or site_id,
            steps=steps,
        )
        await uow.commit()
    return WorkflowRead(site_id=site_id, channel_id=data.channel_id, steps=steps)


async def add_subscription(
    deps: ContentDeps, actor: Actor, site_id: str, channel_id: int, data: SubscriptionCreate
) -> SubscriptionRead:
    """This channel will take in every document the source channel (of any site) publishes from now on."""
    require_site_admin(actor, site_id)
    async with deps.site_uow(site_id) as uow:
        channel = await channel_or_404(uow, channel_id)
        source = await uow.repo.channel(data.source_channel_id, site_id=data.source_site_id)
        if source is None:
            raise InvalidInput(
                "source_channel_id", f"site {data.source_site_id} has no channel {data.source_channel_id}"
            )
        if source.id == channel.id:
            raise InvalidInput("source_channel_id", "a channel cannot subscribe to itself")
        if any(s.source_channel_id == source.id for s in await uow.repo.subscriptions(site_id, channel_id)):
            raise Conflict(f"channel {channel_id} already subscribes to channel {source.id}")
        sub = ChannelSubscription(
            site_id=site_id,
            channel_id=channel_id,
            source_site_id=source.site_id,
            source_channel_id=source.id,
            created_by=actor.id,
        )
        uow.session.add(sub)
        await uow.session.flush()
        audit(uow, actor, site_id, "channel.subscribed", "channel", channel_id, source_channel_id=source.id)
        await uow.commit()
        return SubscriptionRead.model_validate(sub)


async def list_subscriptions(deps: ContentDeps, actor: Actor, site_id: str, channel_id: int) -> list[SubscriptionRead]:
    require_staff(actor, site_id, channel_id)
    async with deps.site_uow(site_id) as uow:
        await channel_or_404(uow, channel_id)
        return [SubscriptionRead.model_validate(s) for s in await uow.repo.subscriptions(site_id, channel_id)]


async def remove_subscription(deps: ContentDeps, actor: Actor, site_id: str, channel_id: int, sub_id: int) -> None:
    require_site_admin(actor, site_id)
    async with deps.site_uow(site_id) as uow:
        sub = next((s for s in await uow.repo.subscriptions(site_id, channel_id) if s.id == sub_id), None)
        if sub is None:
            raise NotFound(f"channel {channel_id} has no subscription {sub_id}")
        await uow.session.delete(sub)
        audit(
            uow, actor, site_id, "channel.unsubscribed", "channel", channel_id, source_channel_id=sub.source_channel_id
        )
        await uow.commit()


async def _parent(uow: ContentUnitOfWork, site_id: str, parent_id: int | None) -> Channel | None:
    if parent_id is None:
        return None
    parent = await uow.repo.channel(parent_id)
    if parent is None:
        raise InvalidInput("parent_id", f"site {site_id} has no channel {parent_id}")
    if parent.kind == "link":
        raise InvalidInput("parent_id", "a link channel cannot have sub-channels")
    return parent


def _path(parent: Channel | None, slug: str) -> str:
    if parent is None and slug in RESERVED_SLUGS:
        raise InvalidInput("slug", f"{slug} is reserved at the top level")
    return f"{parent.path}/{slug}" if parent else slug


async def _check_path_free(uow: ContentUnitOfWork, site_id: str, path: str) -> None:
    if await uow.repo.channel_by_path(site_id, path) is not None:
        raise Conflict(f"slug: the site already has a channel at /{path}/")


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
