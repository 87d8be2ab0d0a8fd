"""有效性: documents marked 有效/修改/废止/失效 — one at a time, or many at once with a report — shown on their live
pages at once with the note given and the document that replaces them (no new review: a mark is a fact about a
document, not new text)."""

from __future__ import annotations

from sqlalchemy import Row

from services.content import lifecycle
from services.content.events import document_event
from services.content.schemas.documents import (
    DocumentRead,
    ValidityBulkChange,
    ValidityChange,
    ValidityRefusal,
    ValidityReport,
)
from services.content.service.context import Actor, ContentDeps, ContentUnitOfWork, audit
from services.content.service.lookups import document_or_404
from services.content.service.permissions import REVIEWER_PREFIX, SITE_ADMIN, has_site_role, require_site_admin
from shared.errors import Forbidden, InvalidInput
from shared.events.content import DocumentUpdated


async def change_validity(
    deps: ContentDeps, actor: Actor, site_id: str, doc_id: int, request: ValidityChange
) -> DocumentRead:
    """Mark one document: its site admin or whoever may take its last review step."""
    async with deps.site_uow(site_id) as uow:
        doc = await document_or_404(uow, doc_id, for_update=True)
        final_role = doc.review_steps[-1]["role"] if doc.review_steps else f"{REVIEWER_PREFIX}审发"
        if not has_site_role(actor, site_id, (SITE_ADMIN, final_role), doc.channel_id):
            raise Forbidden(f"标注有效性须具有 {SITE_ADMIN} 或 {final_role} 角色", code="needs_role")
        await _check_replacement(uow, request, {doc_id})
        doc = await _mark(uow, actor, doc, request)
        await uow.commit()
        return DocumentRead.model_validate(doc)


async def change_validity_of_many(
    deps: ContentDeps, actor: Actor, site_id: str, request: ValidityBulkChange
) -> ValidityReport:
    """Mark many documents of the site at once: all of them, or — if any cannot be marked — none, with the report
    naming each one that could not; a dry run reports without changing anything."""
    require_site_admin(actor, site_id)
    ids = list(dict.fromkeys(request.document_ids))
    async with deps.site_uow(site_id) as uow:
        await _check_replacement(uow, request, set(ids))
        rows = await uow.repo.site_document_rows(ids, for_update=True)
        refused = [ValidityRefusal(document_id=i, reason="本站没有这份文件") for i in ids if i not in rows]
        unchanged = [i for i in ids if i in rows and not _changes(rows[i], request)]
        changed = [i for i in ids if i in rows and i not in unchanged]
        report = ValidityReport(applied=False, changed=changed, unchanged=unchanged, refused=refused)
        if refused or request.dry_run:
            return report
        for doc_id in changed:
            await _mark(uow, actor, rows[doc_id], request)
        audit(
            uow,
            actor,
            site_id,
            "documents.validity_marked",
            "site",
            site_id,
            count=len(changed),
            after=request.validity,
        )
        await uow.commit()
        return report.model_copy(update={"applied": True})


def _changes(doc: Row, request: ValidityChange) -> dict:
    wanted = {"validity": request.validity, "validity_note": request.note, "replaced_by_id": request.replaced_by}
    if request.validity == "有效":  # back in force: no note, nothing replaces it
        wanted |= {"validity_note": None, "replaced_by_id": None}
    return {name: value for name, value in wanted.items() if getattr(doc, name) != value}


async def _mark(uow: ContentUnitOfWork, actor: Actor, doc: Row, request: ValidityChange) -> Row:
    changes = _changes(doc, request)
    if not changes:
        return doc
    previous = doc.validity
    doc = await uow.repo.change_document(doc, changes)
    if lifecycle.is_live(doc):
        uow.emit(await document_event(uow.repo, DocumentUpdated, doc, change="validity"))
    details = {"before": previous, "after": doc.validity, "note": request.note, "replaced_by": request.replaced_by}
    audit(uow, actor, doc.site_id, "document.validity_changed", "document", doc.id, **details)
    return doc


async def _check_replacement(uow: ContentUnitOfWork, request: ValidityChange, marked: set[int]) -> None:
    """What replaces a document must be live (its link is public) and not one of those being marked."""
    if request.replaced_by is None:
        return
    if request.replaced_by in marked:
        raise InvalidInput("replaced_by", "稿件不能替代自身")
    replacing = (await uow.repo.document_rows([request.replaced_by])).get(request.replaced_by)
    if replacing is None or not lifecycle.is_live(replacing):
        raise InvalidInput("replaced_by", f"稿件 {request.replaced_by} 不是已上线的稿件")
