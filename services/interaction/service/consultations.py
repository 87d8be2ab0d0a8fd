"""意见征集: a draft opened for comment over a period (on each article or the whole), comments moderated, and at
the close a published feedback report — each comment adopted or not, with the reason."""

from __future__ import annotations

from services.interaction.lifecycle import phase
from services.interaction.models import Comment, Consultation
from services.interaction.schemas import (
    AdoptionWrite,
    CommentCreate,
    CommentRead,
    ConsultationRead,
    ConsultationWrite,
    FeedbackReport,
)
from services.interaction.service.context import Desk, InteractionDeps, InteractionUnitOfWork
from services.interaction.service.participation import admit, flagged
from services.interaction.service.publicity import announce
from services.interaction.service.setup import require_office
from shared.errors import Conflict, NotFound

PATH = "/hdjl/zj/{id}.html"


def view(item: Consultation, deps: InteractionDeps, comments: int) -> ConsultationRead:
    status, label, accepting = phase(item.status, item.opens_at, item.closes_at, deps.now())
    return ConsultationRead(
        id=item.id, site_id=item.site_id, title=item.title, summary=item.summary, document_id=item.document_id,
        sections=list(item.sections), opens_at=item.opens_at, closes_at=item.closes_at, status=status,
        status_label=label, accepting=accepting, report=item.report, reported_at=item.reported_at, comments=comments,
    )  # fmt: skip


async def _get(uow: InteractionUnitOfWork, item_id: int, *, public: bool, lock: bool = False) -> Consultation:
    item = await uow.repo.consultation(item_id, for_update=lock)
    if item is None or (public and item.status == "draft"):
        raise NotFound(f"没有第 {item_id} 号意见征集")
    return item


async def create_consultation(deps: InteractionDeps, desk: Desk, data: ConsultationWrite) -> ConsultationRead:
    require_office(desk)
    async with deps.site_uow(desk.site_id) as uow:
        item = Consultation(site_id=desk.site_id, created_by=desk.actor, **data.model_dump())
        uow.session.add(item)
        await uow.session.flush()
        await uow.commit()
        return view(item, deps, 0)


async def open_consultation(deps: InteractionDeps, desk: Desk, item_id: int) -> ConsultationRead:
    require_office(desk)
    async with deps.site_uow(desk.site_id) as uow:
        item = await _get(uow, item_id, public=False, lock=True)
        if item.status != "draft":
            raise Conflict("意见征集已发布", code="already_open")
        item.status, item.version = "open", item.version + 1
        await announce(uow, deps, "consultation", item, PATH)
        await uow.commit()
        return view(item, deps, 0)


async def consultations(deps: InteractionDeps, site_id: str, *, public: bool) -> list[ConsultationRead]:
    async with deps.site_uow(site_id) as uow:
        found = await uow.repo.consultations(public=public)
        counts = await uow.repo.comment_counts([c.id for c in found], visible_only=public)
        return [view(c, deps, counts.get(c.id, 0)) for c in found]


async def consultation(deps: InteractionDeps, site_id: str, item_id: int) -> tuple[ConsultationRead, list[CommentRead]]:
    """A published consultation with its visible comments."""
    async with deps.site_uow(site_id) as uow:
        item = await _get(uow, item_id, public=True)
        comments = await uow.repo.comments(item.id, visible_only=True)
        return view(item, deps, len(comments)), [CommentRead.model_validate(c) for c in comments]


async def add_comment(
    deps: InteractionDeps, site_id: str, item_id: int, data: CommentCreate, address: str
) -> CommentRead:
    async with deps.site_uow(site_id) as uow:
        item = await _get(uow, item_id, public=True)
        if not phase(item.status, item.opens_at, item.closes_at, deps.now())[2]:
            raise Conflict("本次意见征集不在征集期内", code="not_open")
        if data.section is not None and data.section >= len(item.sections):
            raise Conflict(f"征求意见稿没有第 {data.section + 1} 条", code="no_such_section")
        hashed = await admit(uow, deps, site_id, address, data.website)
        hidden = await flagged(uow, site_id, data.name, data.body)
        comment = Comment(
            site_id=site_id, consultation_id=item.id, section=data.section, name=data.name, contact=data.contact,
            body=data.body, status="hidden" if hidden else "visible", client_hash=hashed, created_at=deps.now(),
        )  # fmt: skip
        uow.session.add(comment)
        await uow.session.flush()
        await uow.commit()
        return CommentRead.model_validate(comment)


async def adopt(deps: InteractionDeps, desk: Desk, item_id: int, comment_id: int, data: AdoptionWrite) -> CommentRead:
    require_office(desk)
    async with deps.site_uow(desk.site_id) as uow:
        await _get(uow, item_id, public=False)
        comment = await uow.repo.comment(comment_id)
        if comment is None or comment.consultation_id != item_id:
            raise NotFound(f"第 {item_id} 号意见征集没有第 {comment_id} 条意见")
        comment.adopted, comment.response = data.adopted, data.response
        await uow.commit()
        return CommentRead.model_validate(comment)


async def publish_report(deps: InteractionDeps, desk: Desk, item_id: int, data: FeedbackReport) -> ConsultationRead:
    """The feedback report, once the period is over: what was adopted and why (published with the comments)."""
    require_office(desk)
    async with deps.site_uow(desk.site_id) as uow:
        item = await _get(uow, item_id, public=False, lock=True)
        if phase(item.status, item.opens_at, item.closes_at, deps.now())[0] != "closed":
            raise Conflict("征集结束后才能发布意见采纳情况", code="still_open")
        item.report, item.reported_at, item.status = data.report, deps.now(), "reported"
        item.version += 1
        await announce(uow, deps, "consultation", item, PATH)
        comments = await uow.repo.comment_counts([item.id], visible_only=True)
        await uow.commit()
        return view(item, deps, comments.get(item.id, 0))


async def desk_comments(deps: InteractionDeps, desk: Desk, item_id: int) -> list[dict]:
    """Every comment with its contact and moderation state, for the office."""
    require_office(desk)
    async with deps.site_uow(desk.site_id) as uow:
        await _get(uow, item_id, public=False)
        return [
            CommentRead.model_validate(c).model_dump()
            | {"status": c.status, "contact": c.contact, "reports": c.reports}
            for c in await uow.repo.comments(item_id, visible_only=False)
        ]
