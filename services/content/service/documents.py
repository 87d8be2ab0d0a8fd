"""Use cases for writing documents: create, edit, delete drafts, read them back with their history."""

from __future__ import annotations

import difflib
from typing import Any

from sqlalchemy import Row

from services.content import lifecycle
from services.content.lifecycle import WorkflowState
from services.content.models import CONTENT_FIELDS, DocumentRevision, document_content
from services.content.sanitize import sanitize_html
from services.content.schemas.common import Page
from services.content.schemas.documents import (
    DocumentCreate,
    DocumentRead,
    DocumentSummary,
    DocumentUpdate,
    FieldChange,
    ReviewActionRead,
    RevisionDiff,
    RevisionRead,
)
from services.content.service.context import Actor, ContentDeps, ContentUnitOfWork, audit
from services.content.service.lookups import document_or_404, writable_channel
from services.content.service.permissions import readable_channels, require_editor, require_staff
from services.content.service.workflow import record_submission, review_entry
from shared.errors import Conflict, InvalidInput, NotFound

_LIST_DEFAULTS = {"keywords": [], "attachment_ids": [], "subject_words": []}


async def create_document(deps: ContentDeps, actor: Actor, site_id: str, data: DocumentCreate) -> DocumentRead:
    require_editor(actor, site_id, data.channel_id)
    async with deps.site_uow(site_id) as uow:
        await writable_channel(uow, data.channel_id)
        await _check_files(uow, site_id, data.cover_id, data.attachment_ids)
        await _check_topic(uow, data.topic_category)
        values = {**_LIST_DEFAULTS, **data.model_dump(exclude={"submit"}, exclude_none=True)}
        values |= {"site_id": site_id, "created_by": actor.id, "updated_by": actor.id}
        values["body_html"] = sanitize_html(data.body_html)
        if data.submit:  # entered in review by the same INSERT: one statement, not an INSERT and an UPDATE
            values |= await review_entry(uow, actor, site_id, data.channel_id, WorkflowState.DRAFT)
        doc = await uow.repo.insert_document(values)
        add_revision(uow, doc, actor)
        audit(uow, actor, site_id, "document.created", "document", doc.id, title=doc.title, channel_id=doc.channel_id)
        if data.submit:
            record_submission(uow, actor, doc)
        await uow.commit()
        return DocumentRead.model_validate(doc)


async def update_document(
    deps: ContentDeps, actor: Actor, site_id: str, doc_id: int, data: DocumentUpdate
) -> DocumentRead:
    """Edit the working copy; a live document keeps showing its live revision until the edit is approved."""
    async with deps.site_uow(site_id) as uow:
        doc = await document_or_404(uow, doc_id, for_update=True)
        require_editor(actor, site_id, doc.channel_id)
        if data.version != doc.version:
            raise Conflict(f"version: 稿件当前版本为 {doc.version}，不是 {data.version}，请刷新后重试")
        back_to_draft = lifecycle.edit(doc)
        changes = data.model_dump(exclude_unset=True, exclude={"version"})
        if "channel_id" in changes and changes["channel_id"] != doc.channel_id:
            require_editor(actor, site_id, changes["channel_id"])
            await writable_channel(uow, changes["channel_id"])
        await _check_files(uow, site_id, changes.get("cover_id"), changes.get("attachment_ids"))
        await _check_topic(uow, changes.get("topic_category"))
        if "body_html" in changes:
            changes["body_html"] = sanitize_html(changes["body_html"])
        changed = {k: v for k, v in changes.items() if getattr(doc, k) != v}
        if not changed:
            return DocumentRead.model_validate(doc)
        new_revision = any(name in CONTENT_FIELDS for name in changed)
        extra = back_to_draft | {"updated_by": actor.id}
        if new_revision:
            extra["revision"] = doc.revision + 1
        doc = await uow.repo.change_document(doc, changed | extra)
        if new_revision:
            add_revision(uow, doc, actor)
        audit(uow, actor, site_id, "document.updated", "document", doc.id, fields=list(changed), revision=doc.revision)
        await uow.commit()
        return DocumentRead.model_validate(doc)


async def delete_document(deps: ContentDeps, actor: Actor, site_id: str, doc_id: int) -> None:
    """Only never-published documents can be deleted; published ones are withdrawn instead (they have URLs)."""
    async with deps.site_uow(site_id) as uow:
        doc = await document_or_404(uow, doc_id, for_update=True)
        require_editor(actor, site_id, doc.channel_id)
        lifecycle.check_deletable(doc)
        audit(uow, actor, site_id, "document.deleted", "document", doc.id, title=doc.title)
        await uow.repo.delete_document(doc)
        await uow.commit()


async def get_document(deps: ContentDeps, actor: Actor, site_id: str, doc_id: int) -> DocumentRead:
    async with deps.site_uow(site_id) as uow:
        doc = await document_or_404(uow, doc_id)
        require_staff(actor, site_id, doc.channel_id)
        return DocumentRead.model_validate(doc)


async def list_documents(
    deps: ContentDeps,
    actor: Actor,
    site_id: str,
    *,
    workflow_state: str | None,
    public_state: str | None,
    channel_id: int | None,
    validity: str | None = None,
    q: str | None,
    page: int,
    size: int,
) -> Page[DocumentSummary]:
    require_staff(actor, site_id, channel_id)
    channels = readable_channels(actor, site_id)
    async with deps.site_uow(site_id) as uow:
        rows, total = await uow.repo.documents_page(
            site_id,
            channels=channels,
            workflow_state=workflow_state,
            public_state=public_state,
            validity=validity,
            channel_id=channel_id,
            q=q,
            page=page,
            size=size,
        )
        return Page(items=[DocumentSummary.model_validate(d) for d in rows], total=total, page=page, size=size)


async def list_revisions(deps: ContentDeps, actor: Actor, site_id: str, doc_id: int) -> list[RevisionRead]:
    async with deps.site_uow(site_id) as uow:
        doc = await document_or_404(uow, doc_id)
        require_staff(actor, site_id, doc.channel_id)
        return [
            RevisionRead(
                number=r.number, created_by=r.created_by, created_at=r.created_at, live=r.number == doc.live_revision
            )
            for r in await uow.repo.revisions(doc_id)
        ]


async def diff_revisions(
    deps: ContentDeps, actor: Actor, site_id: str, doc_id: int, old: int, new: int
) -> RevisionDiff:
    """What changed between two revisions, field by field, with a line diff of the text fields."""
    async with deps.site_uow(site_id) as uow:
        doc = await document_or_404(uow, doc_id)
        require_staff(actor, site_id, doc.channel_id)
        before, after = await uow.repo.revision(doc_id, old), await uow.repo.revision(doc_id, new)
        if before is None or after is None:
            raise NotFound(f"稿件 {doc_id} 没有修订版 {old if before is None else new}")
        changes = [
            _field_change(f, before.content.get(f), after.content.get(f))
            for f in CONTENT_FIELDS
            if before.content.get(f) != after.content.get(f)
        ]
        return RevisionDiff(document_id=doc_id, from_revision=old, to_revision=new, changes=changes)


def _field_change(field: str, before: Any, after: Any) -> FieldChange:
    diff: list[str] = []
    if isinstance(before, str | None) and isinstance(after, str | None):
        diff = list(difflib.unified_diff(_lines(before), _lines(after), f"r.{field}", f"r.{field}", lineterm="", n=1))
    return FieldChange(field=field, before=_short(before), after=_short(after), diff=diff)


def _lines(value: str | None) -> list[str]:
    return (value or "").replace("</p>", "</p>\n").replace("<br>", "<br>\n").splitlines()


def _short(value: Any) -> Any:
    return value if not isinstance(value, str) or len(value) <= 500 else value[:500] + "…"


async def review_history(deps: ContentDeps, actor: Actor, site_id: str, doc_id: int) -> list[ReviewActionRead]:
    async with deps.site_uow(site_id) as uow:
        doc = await document_or_404(uow, doc_id)
        require_staff(actor, site_id, doc.channel_id)
        return [ReviewActionRead.model_validate(a) for a in await uow.repo.review_actions(doc_id)]


async def _check_topic(uow: ContentUnitOfWork, category: str | None) -> None:
    """主题分类 come from the platform's controlled vocabulary, never free text (the catalogue filters on them)."""
    if category is not None and category not in await uow.repo.topic_names():
        message = f"{category} 不在主题分类词表中（GET /api/v1/content/topic-categories 列出可选的分类）"
        raise InvalidInput("topic_category", message)


async def _check_files(
    uow: ContentUnitOfWork, site_id: str, cover_id: int | None, attachment_ids: list[int] | None
) -> None:
    wanted = {i for i in [cover_id, *(attachment_ids or [])] if i}
    if not wanted:
        return
    found = await uow.repo.attachments(sorted(wanted), site_id=site_id)
    if missing := sorted(wanted - set(found)):
        field = "cover_id" if cover_id in missing else "attachment_ids"
        raise InvalidInput(field, f"本站点没有附件 {'、'.join(map(str, missing))}")
    if cover_id and found[cover_id].kind != "image":
        raise InvalidInput("cover_id", f"附件 {cover_id} 不是图片")


def add_revision(uow: ContentUnitOfWork, doc: Row, actor: Actor) -> None:
    uow.record(
        DocumentRevision,
        site_id=doc.site_id,
        document_id=doc.id,
        number=doc.revision,
        content=document_content(doc),
        created_by=actor.id,
    )
