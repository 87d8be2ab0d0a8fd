"""Channel subscriptions (自动转载): a channel takes in every document another site's channel publishes."""

from __future__ import annotations

from services.content.models import ChannelSubscription
from services.content.schemas.channels import SubscriptionCreate, SubscriptionRead
from services.content.service.context import Actor, ContentDeps, audit
from services.content.service.lookups import channel_or_404
from services.content.service.permissions import require_site_admin, require_staff
from shared.errors import Conflict, InvalidInput, NotFound


async def add_subscription(
    deps: ContentDeps, actor: Actor, site_id: str, channel_id: int, data: SubscriptionCreate
) -> SubscriptionRead:
    """This channel will take in every document the source channel (of any site) publishes from now on."""
    require_site_admin(actor, site_id)
    async with deps.site_uow(site_id) as uow:
        channel = await channel_or_404(uow, channel_id)
        source = await uow.repo.channel(data.source_channel_id, site_id=data.source_site_id)
        if source is None:
            raise InvalidInput("source_channel_id", f"站点 {data.source_site_id} 没有栏目 {data.source_channel_id}")
        if source.id == channel.id:
            raise InvalidInput("source_channel_id", "栏目不能订阅自身")
        if any(s.source_channel_id == source.id for s in await uow.repo.subscriptions(site_id, channel_id)):
            raise Conflict(f"栏目 {channel_id} 已订阅栏目 {source.id}")
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
            raise NotFound(f"栏目 {channel_id} 没有订阅 {sub_id}")
        await uow.session.delete(sub)
        audit(
            uow, actor, site_id, "channel.unsubscribed", "channel", channel_id, source_channel_id=sub.source_channel_id
        )
        await uow.commit()
