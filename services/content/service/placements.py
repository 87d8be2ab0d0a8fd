"""One document, many channels: reposting (转载/引用) from the library, pushing down to lower sites,
channel subscriptions, and interpretation links — all without copying the document."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Row

from services.content.events import document_event
from services.content.lifecycle import is_live
from services.content.models import DocumentLink, Placement
from services.content.schemas.common import Page
from services.content.schemas.documents import (
    DocumentRead,
    InterpretsUpdate,
    LibraryItem,
    PlacementRead,
    PushRequest,
    PushResult,
)
from services.content.service.context import SYSTEM, Actor, ContentDeps, ContentUnitOfWork, audit
from services.content.service.links import announce_links
from services.content.service.permissions import require_editor, require_site_admin
from shared.clock import china_time
from shared.errors import Conflict, Forbidden, InvalidInput, NotFound
from shared.events.content import DocumentPublished, DocumentUpdated
from shared.events.content import Placement as PlacementSnapshot
from shared.messaging.consumer import Delivery


def placement_path(channel_path: str, first_published_at: datetime, doc_id: int) -> str:
    local = china_time(first_published_at)
    return f"/{channel_path}/{local:%Y%m}/t{local:%Y%m%d}_{doc_id}.html"


async def repost(deps: ContentDeps, actor: Actor, site_id: str, channel_id: int, document_id: int) -> PlacementRead:
    """Place a live document of the library (any site) in one of this site's channels."""
    require_editor(actor, site_id, channel_id)
    async with deps.platform_uow() as uow:
        doc = await _live_document(uow, document_id)
        placement = await _place(uow, actor, doc, site_id, channel_id, "repost")
        await _announce_placements(uow, doc)
        audit(
            uow,
            actor,
            site_id,
            "document.reposted",
            "placement",
            placement.id,
            document_id=doc.id,
            channel_id=channel_id,
            source_site_id=doc.site_id,
        )
        await uow.commit()
        return PlacementRead.model_validate(placement)


async def push(deps: ContentDeps, actor: Actor, site_id: str, document_id: int, request: PushRequest) -> PushResult:
    """A higher-level site places its live document in channels of the sites below it."""
    require_site_admin(actor, site_id)
    async with deps.platform_uow() as uow:
        doc = await _live_document(uow, document_id)
        if doc.site_id != site_id:
            raise NotFound(f"本站点不存在稿件 {document_id}")
        below = await _descendants(uow, site_id)
        placed, present = [], []
        existing = {p.channel_id for p in await uow.repo.placements_of(doc.id)}
        for target in request.targets:
            if target.site_id not in below:
                raise InvalidInput("targets", f"站点 {target.site_id} 不是站点 {site_id} 的下级站点")
            if target.channel_id in existing:
                present.append(target)
                continue
            placed.append(await _place(uow, actor, doc, target.site_id, target.channel_id, "push"))
            existing.add(target.channel_id)
        if placed:
            await _announce_placements(uow, doc)
        audit(
            uow,
            actor,
            site_id,
            "document.pushed",
            "document",
            doc.id,
            targets=[t.model_dump() for t in request.targets],
        )
        await uow.commit()
        return PushResult(placed=[PlacementRead.model_validate(p) for p in placed], already_present=present)


async def remove_placement(deps: ContentDeps, actor: Actor, site_id: str, channel_id: int, placement_id: int) -> None:
    """Take a reposted document out of a channel; its own channel it keeps (unpublish it instead)."""
    require_editor(actor, site_id, channel_id)
    async with deps.platform_uow() as uow:
        placement = await uow.repo.placement(placement_id)
        if placement is None or placement.site_id != site_id or placement.channel_id != channel_id:
            raise NotFound(f"栏目 {channel_id} 中没有发布位置 {placement_id}")
        if placement.kind == "primary":
            raise Conflict("稿件在所属栏目的发布位置不能移除，如需下线请撤稿（unpublish）")
        doc = await _locked_document(uow, placement.document_id)
        channel = await uow.repo.channel(channel_id, site_id=site_id)
        domains = await uow.repo.main_domains([site_id])
        removed = PlacementSnapshot(
            site_id=site_id,
            site_main_domain=domains.get(site_id, ""),
            channel_id=channel_id,
            channel_path=channel.path,
            channel_name=channel.name,
            kind=placement.kind,
            url_path=placement.url_path or "",
        )
        await uow.session.delete(placement)
        await uow.session.flush()
        await _announce_placements(uow, doc, removed=[removed])
        audit(uow, actor, site_id, "placement.removed", "placement", placement_id, document_id=doc.id)
        await uow.commit()


async def on_documents_published(uow: ContentUnitOfWork, deliveries: Sequence[Delivery]) -> list[bool]:
    """Consumer: place each newly published document in every channel subscribed to its channel (自动转载).
    A run's channels are asked for their subscribers once each: a migration publishes thousands into one."""
    subscribers: dict[int, list[Row]] = {}
    answers = []
    for delivery in deliveries:
        event: DocumentPublished = delivery.event
        channel_id = event.document.channel_id
        if channel_id not in subscribers:
            subscribers[channel_id] = await uow.repo.subscribers(channel_id)
        if not subscribers[channel_id]:
            answers.append(False)
            continue
        with delivery.correlated():
            answers.append(await _spread(uow, event, subscribers[channel_id]))
    return answers


async def _spread(uow: ContentUnitOfWork, event: DocumentPublished, subscribers: list[Row]) -> bool:
    doc = (await uow.repo.document_rows([event.document.id], for_update=True)).get(event.document.id)
    if doc is None or not is_live(doc):
        return False  # withdrawn again before this event arrived: nothing to spread
    existing = {p.channel_id for p in await uow.repo.placements_of(doc.id)}
    added = []
    for sub in subscribers:
        if sub.channel_id not in existing:
            placement = await _place(uow, SYSTEM, doc, sub.site_id, sub.channel_id, "subscription")
            added.append(placement)
            audit(
                uow,
                SYSTEM,
                sub.site_id,
                "document.subscribed_in",
                "placement",
                placement.id,
                document_id=doc.id,
                channel_id=sub.channel_id,
            )
    if added:
        await _announce_placements(uow, doc)
    return bool(added)


async def set_interprets(
    deps: ContentDeps, actor: Actor, site_id: str, doc_id: int, request: InterpretsUpdate
) -> DocumentRead:
    """Link an interpretation (解读) to the policies it explains; both pages show the link."""
    wanted = list(dict.fromkeys(request.policy_ids))
    if doc_id in wanted:
        raise InvalidInput("policy_ids", "稿件不能解读自身")
    async with deps.platform_uow() as uow:
        doc, current, others = await _lock_link_ends(uow, doc_id, wanted)
        if doc.site_id != site_id:
            raise NotFound(f"本站点不存在稿件 {doc_id}")
        require_editor(actor, site_id, doc.channel_id)
        for pid in wanted:
            policy = others.get(pid)
            if policy is None or (policy.site_id != site_id and not is_live(policy)):
                raise InvalidInput("policy_ids", f"稿件 {pid} 既未上线，也不属于本站点")
        for pid in set(current) - set(wanted):
            await uow.session.delete(current[pid])
        for pid in [p for p in wanted if p not in current]:
            link = DocumentLink(
                site_id=site_id, interpretation_id=doc_id, policy_id=pid, policy_site_id=others[pid].site_id
            )
            uow.session.add(link)
        await uow.session.flush()
        doc = await announce_links(uow, doc)
        for other_id in sorted(set(current) ^ set(wanted)):
            await announce_links(uow, others[other_id])
        audit(uow, actor, site_id, "document.interprets_set", "document", doc_id, policy_ids=wanted)
        await uow.commit()
        return DocumentRead.model_validate(doc)


async def library(
    deps: ContentDeps, actor: Actor, *, q: str | None, site_id: str | None, page: int, size: int
) -> Page[LibraryItem]:
    """统一信息资源库: live documents of all sites that staff can repost or link ("先入库、后使用")."""
    if not actor.principal.grants:
        raise Forbidden("统一信息资源库仅供平台各站点的工作人员使用", code="needs_role")
    async with deps.platform_uow() as uow:
        rows, total = await uow.repo.library(q, site_id, page, size)
        return Page(items=[LibraryItem.model_validate(d) for d in rows], total=total, page=page, size=size)


async def _lock_link_ends(
    uow: ContentUnitOfWork, doc_id: int, wanted: list[int]
) -> tuple[Row, dict[int, DocumentLink], dict[int, Row]]:
    """The interpretation, its current links and every document at either end, all locked in one id order (so a
    publication announcing its linked documents meanwhile waits rather than deadlocks)."""
    while True:
        seen = {link.policy_id for link in await uow.repo.links_from(doc_id)}
        locked = await uow.repo.document_rows([doc_id, *wanted, *seen], for_update=True)
        current = {link.policy_id: link for link in await uow.repo.links_from(doc_id)}
        if set(current) == seen:  # nobody changed the links between the look and the locks
            break
    if doc_id not in locked:
        raise NotFound(f"稿件 {doc_id} 不存在")
    return locked.pop(doc_id), current, locked


async def _locked_document(uow: ContentUnitOfWork, document_id: int) -> Row:
    """A document of any site, locked for this transaction: what every change to it starts from."""
    doc = (await uow.repo.document_rows([document_id], for_update=True)).get(document_id)
    if doc is None:
        raise NotFound(f"稿件 {document_id} 不存在")
    return doc


async def _live_document(uow: ContentUnitOfWork, document_id: int) -> Row:
    doc = (await uow.repo.document_rows([document_id], for_update=True)).get(document_id)
    if doc is None or not is_live(doc):
        raise InvalidInput("document_id", f"稿件 {document_id} 不是资源库中已上线的稿件")
    return doc


async def _place(uow: ContentUnitOfWork, actor: Actor, doc: Row, site_id: str, channel_id: int, kind: str) -> Placement:
    channel = await uow.repo.channel(channel_id, site_id=site_id)
    if channel is None or channel.kind not in ("list", "topic"):
        raise InvalidInput("channel_id", f"站点 {site_id} 没有列表（list）或专题（topic）栏目 {channel_id}")
    if any(p.channel_id == channel_id for p in await uow.repo.placements_of(doc.id)):
        raise Conflict(f"稿件 {doc.id} 已在栏目 {channel_id} 中")
    placement = Placement(
        site_id=site_id,
        channel_id=channel_id,
        document_id=doc.id,
        source_site_id=doc.site_id,
        kind=kind,
        url_path=placement_path(channel.path, doc.first_published_at, doc.id),
        published_at=doc.published_at,
        created_by=actor.id,
    )
    uow.session.add(placement)
    await uow.session.flush()
    return placement


async def _announce_placements(uow: ContentUnitOfWork, doc: Row, removed: list[PlacementSnapshot] | None = None) -> Row:
    """Where a document appears changed: a new version of it, and the event that says where it is now."""
    doc = await uow.repo.change_document(doc, {})
    event = await document_event(uow.repo, DocumentUpdated, doc, change="placements", removed_placements=removed or [])
    uow.emit(event)
    return doc


async def _descendants(uow: ContentUnitOfWork, site_id: str) -> set[str]:
    below: set[str] = set()
    frontier = [site_id]
    while frontier:
        children = [s.id for parent in frontier for s in await uow.repo.sites(parent_id=parent)]
        frontier = [c for c in children if c not in below]
        below.update(frontier)
    return below
