"""What anyone may read: live documents and channel listings of online sites."""

from __future__ import annotations

from services.content.events import document_event, site_snapshot
from services.content.schemas.common import Page
from services.content.schemas.public import PublicDocument, PublicListItem, PublicSite
from services.content.service.context import ContentDeps
from shared.errors import Gone, NotFound
from shared.events.content import DocumentPublished, PublicState

_NOTICES = {
    PublicState.WITHDRAWN: "该信息已撤回",
    PublicState.EXPIRED: "该信息已过期下线",
    PublicState.REDIRECTED: "该信息已迁移",
}


async def channel_listing(
    deps: ContentDeps, site_id: str, channel_id: int, page: int, size: int, *, validity: str | None = None
) -> Page[PublicListItem]:
    async with deps.site_uow(site_id) as uow:
        if await uow.repo.channel(channel_id) is None:
            raise NotFound(f"站点 {site_id} 没有栏目 {channel_id}")
        rows, total = await uow.repo.listing(site_id, channel_id, page, size, validity=validity)
        items = [
            PublicListItem(
                id=d.id,
                title=d.live_title or d.title,
                url_path=p.url_path,
                published_at=p.published_at,
                kind=p.kind,
                source_site_id=d.site_id,
                validity=d.validity,
            )
            for p, d in rows
        ]
        return Page(items=items, total=total, page=page, size=size)


async def site_profile(deps: ContentDeps, site_id: str) -> PublicSite:
    """What a site shows about itself on every page (header and footer)."""
    async with deps.platform_uow() as uow:
        site = await uow.repo.site(site_id)
        if site is None or site.status == "closed":
            raise NotFound(f"站点 {site_id} 不存在")
        snapshot = await site_snapshot(uow.repo, site)
    return PublicSite(**snapshot.model_dump(), org_code=site.org_code)


async def document_at(deps: ContentDeps, site_id: str, path: str) -> PublicDocument:
    """The document a site shows at a URL path (its own, or a repost)."""
    async with deps.site_uow(site_id) as uow:
        doc_id = await uow.repo.document_at(site_id, path)
    if doc_id is None:
        raise NotFound(f"站点 {site_id} 的 {path} 处没有稿件")
    return await public_document(deps, site_id, doc_id)


async def public_document(deps: ContentDeps, site_id: str, doc_id: int) -> PublicDocument:
    """A live document as it appears on this site. Of one taken down only its notice (and the address it moved
    to) stays public, never its text; gone ones are 410."""
    async with deps.platform_uow() as uow:
        doc = (await uow.repo.document_rows([doc_id])).get(doc_id)
        placements = await uow.repo.placements_of(doc_id) if doc else []
        if doc is None or doc.public_state == PublicState.UNPUBLISHED or all(p.site_id != site_id for p in placements):
            raise NotFound(f"站点 {site_id} 未展示稿件 {doc_id}")
        if doc.public_state == PublicState.GONE:
            raise Gone(f"稿件 {doc_id} 已删除")
        state = PublicState(doc.public_state)
        if state != PublicState.LIVE:
            notice = _NOTICES.get(state)
            return PublicDocument(
                state=state,
                notice=notice,
                reason=doc.unpublish_reason,
                redirect_url=doc.redirect_url,
                title=doc.live_title,
            )
        event = await document_event(uow.repo, DocumentPublished, doc)
    return PublicDocument(state=state, title=event.document.title, document=event.document, placements=event.placements)
