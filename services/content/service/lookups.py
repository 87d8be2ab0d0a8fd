"""Loading what a use case acts on, with the 404s and 422s that name what is missing."""

from __future__ import annotations

from sqlalchemy import Row

from services.content.models import Channel
from services.content.service.context import ContentDeps, ContentUnitOfWork
from shared.errors import InvalidInput, NotFound


async def site_of_host(uow: ContentUnitOfWork, deps: ContentDeps, host: str) -> str | None:
    """The online site answering on a Host header: one of its domains, or its preview host in development."""
    name = host.split(":", 1)[0].strip().lower().rstrip(".")
    suffix = deps.settings.preview_suffix
    if suffix and name.endswith(suffix):
        site = await uow.repo.site(name.removesuffix(suffix))
    else:
        domain = await uow.repo.domain(name)
        site = await uow.repo.site(domain.site_id) if domain is not None else None
    return site.id if site is not None and site.status == "online" else None


async def document_or_404(uow: ContentUnitOfWork, doc_id: int, *, for_update: bool = False) -> Row:
    """A document of the scope's site as a row: the use cases write it back with repo.change_document."""
    doc = await uow.repo.document_row(doc_id, for_update=for_update)
    if doc is None:
        raise NotFound(f"本站点不存在稿件 {doc_id}")
    return doc


async def channel_or_404(uow: ContentUnitOfWork, channel_id: int) -> Channel:
    channel = await uow.repo.channel(channel_id)
    if channel is None:
        raise NotFound(f"本站点不存在栏目 {channel_id}")
    return channel


async def writable_channel(uow: ContentUnitOfWork, channel_id: int) -> Row:
    """A channel of this site that can hold documents (not a link)."""
    channel = await uow.repo.channel_row(channel_id, uow.scope.site_id)
    if channel is None:
        raise InvalidInput("channel_id", f"本站点没有栏目 {channel_id}")
    if channel.kind == "link":
        raise InvalidInput(
            "channel_id",
            f"栏目 {channel.name} 是外链栏目（link），稿件只能放入列表（list）、单页（page）或专题（topic）栏目",
        )
    return channel
