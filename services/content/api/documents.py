"""Documents: writing, review, publication, revisions, links and placements."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response, status

from services.content.api.deps import MAX_REVISION, CurrentActor, Deps, IdPath, PageNo, PageSize, SitePath
from services.content.schemas.common import Page
from services.content.schemas.documents import (
    CheckReport,
    DocumentCreate,
    DocumentRead,
    DocumentSummary,
    DocumentUpdate,
    EmergencyPublish,
    InterpretsUpdate,
    LibraryItem,
    PlacementCreate,
    PlacementRead,
    PublicState,
    PushRequest,
    PushResult,
    QueueEntry,
    Rejection,
    ReviewActionRead,
    ReviewDecision,
    RevisionDiff,
    RevisionRead,
    Unpublish,
    Validity,
    ValidityBulkChange,
    ValidityChange,
    ValidityReport,
    WorkflowState,
)
from services.content.service import checks, documents, placements, publishing, workflow
from services.content.service import preview as drafts
from services.content.service import review_queue as queue
from services.content.service import validity as marks
from shared.errors import Unprocessable
from shared.events.content import DocumentSnapshot
from shared.web import ModelResponse

router = APIRouter(tags=["documents"])
DOC = "/sites/{site_id}/documents/{document_id}"


@router.post("/sites/{site_id}/documents", response_model=DocumentRead, status_code=status.HTTP_201_CREATED)
async def create_document(deps: Deps, actor: CurrentActor, site_id: SitePath, body: DocumentCreate) -> ModelResponse:
    return ModelResponse(await documents.create_document(deps, actor, site_id, body), status_code=201)


@router.get("/sites/{site_id}/documents", response_model=Page[DocumentSummary], summary="Drafts and documents")
async def list_documents(
    deps: Deps,
    actor: CurrentActor,
    site_id: SitePath,
    page: PageNo = 1,
    size: PageSize = 20,
    workflow_state: WorkflowState | None = None,
    public_state: PublicState | None = None,
    validity: Validity | None = None,
    channel_id: Annotated[int | None, Query(ge=1, le=2**53)] = None,
    q: Annotated[str | None, Query(max_length=100)] = None,
) -> Page[DocumentSummary]:
    return await documents.list_documents(
        deps,
        actor,
        site_id,
        workflow_state=workflow_state,
        public_state=public_state,
        validity=validity,
        channel_id=channel_id,
        q=q,
        page=page,
        size=size,
    )


@router.get(
    "/sites/{site_id}/review-queue",
    response_model=Page[QueueEntry],
    tags=["workflow"],
    summary="My queue: documents whose current review step the caller may decide now",
)
async def review_queue(
    deps: Deps, actor: CurrentActor, site_id: SitePath, page: PageNo = 1, size: PageSize = 20
) -> Page[QueueEntry]:
    return await queue.review_queue(deps, actor, site_id, page=page, size=size)


@router.get(DOC, response_model=DocumentRead)
async def get_document(deps: Deps, actor: CurrentActor, site_id: SitePath, document_id: IdPath) -> ModelResponse:
    return ModelResponse(await documents.get_document(deps, actor, site_id, document_id))


@router.patch(DOC, response_model=DocumentRead)
async def update_document(
    deps: Deps, actor: CurrentActor, site_id: SitePath, document_id: IdPath, body: DocumentUpdate
) -> ModelResponse:
    return ModelResponse(await documents.update_document(deps, actor, site_id, document_id, body))


@router.delete(DOC, status_code=status.HTTP_204_NO_CONTENT)
async def delete_document(deps: Deps, actor: CurrentActor, site_id: SitePath, document_id: IdPath) -> Response:
    await documents.delete_document(deps, actor, site_id, document_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post(DOC + "/submit", response_model=DocumentRead, tags=["workflow"])
async def submit(deps: Deps, actor: CurrentActor, site_id: SitePath, document_id: IdPath) -> ModelResponse:
    return ModelResponse(await workflow.submit_document(deps, actor, site_id, document_id))


@router.post(
    DOC + "/approve",
    response_model=DocumentRead,
    tags=["workflow"],
    summary="Pass the current review step (the last one publishes)",
)
async def approve(
    deps: Deps, actor: CurrentActor, site_id: SitePath, document_id: IdPath, body: ReviewDecision | None = None
) -> ModelResponse:
    return ModelResponse(await workflow.approve_document(deps, actor, site_id, document_id, body or ReviewDecision()))


@router.post(DOC + "/reject", response_model=DocumentRead, tags=["workflow"])
async def reject(
    deps: Deps, actor: CurrentActor, site_id: SitePath, document_id: IdPath, body: Rejection
) -> ModelResponse:
    return ModelResponse(await workflow.reject_document(deps, actor, site_id, document_id, body))


@router.post(DOC + "/emergency-publish", response_model=DocumentRead, tags=["workflow"])
async def emergency_publish(
    deps: Deps, actor: CurrentActor, site_id: SitePath, document_id: IdPath, body: EmergencyPublish
) -> ModelResponse:
    return ModelResponse(await workflow.emergency_publish(deps, actor, site_id, document_id, body))


@router.post(DOC + "/unpublish", response_model=DocumentRead, tags=["workflow"])
async def unpublish(
    deps: Deps, actor: CurrentActor, site_id: SitePath, document_id: IdPath, body: Unpublish
) -> ModelResponse:
    return ModelResponse(await publishing.unpublish_document(deps, actor, site_id, document_id, body))


@router.post(DOC + "/validity", response_model=DocumentRead, summary="Mark 有效/修改/废止/失效")
async def change_validity(
    deps: Deps, actor: CurrentActor, site_id: SitePath, document_id: IdPath, body: ValidityChange
) -> ModelResponse:
    return ModelResponse(await marks.change_validity(deps, actor, site_id, document_id, body))


@router.post(
    "/sites/{site_id}/validity",
    response_model=ValidityReport,
    summary="Mark many documents 修改/废止/失效 at once (all or none, with a report; dry_run to preview)",
    responses={422: {"description": "a document named is not one of this site's, or replaced_by is not live"}},
)
async def change_validity_of_many(
    deps: Deps, actor: CurrentActor, site_id: SitePath, body: ValidityBulkChange
) -> ValidityReport:
    report = await marks.change_validity_of_many(deps, actor, site_id, body)
    if report.refused and not body.dry_run:
        message = f"{len(report.refused)} 份文件无法标注，均未改动"
        raise Unprocessable(message, code="validity_refused", details=report.model_dump(mode="json"))
    return report


@router.post(DOC + "/check", response_model=CheckReport, summary="Run the pre-publish checks now")
async def check(deps: Deps, actor: CurrentActor, site_id: SitePath, document_id: IdPath) -> CheckReport:
    return await checks.check_document(deps, actor, site_id, document_id)


@router.get(
    DOC + "/preview",
    response_model=DocumentSnapshot,
    summary="The working copy as the renderer takes it (to preview a draft on its site's theme)",
)
async def preview(deps: Deps, actor: CurrentActor, site_id: SitePath, document_id: IdPath) -> DocumentSnapshot:
    return await drafts.preview_snapshot(deps, actor, site_id, document_id)


@router.get(DOC + "/revisions", response_model=list[RevisionRead])
async def revisions(deps: Deps, actor: CurrentActor, site_id: SitePath, document_id: IdPath) -> list[RevisionRead]:
    return await documents.list_revisions(deps, actor, site_id, document_id)


@router.get(DOC + "/diff", response_model=RevisionDiff)
async def diff(
    deps: Deps,
    actor: CurrentActor,
    site_id: SitePath,
    document_id: IdPath,
    from_revision: Annotated[int, Query(alias="from", ge=1, le=MAX_REVISION)],
    to_revision: Annotated[int, Query(alias="to", ge=1, le=MAX_REVISION)],
) -> RevisionDiff:
    return await documents.diff_revisions(deps, actor, site_id, document_id, from_revision, to_revision)


@router.get(DOC + "/reviews", response_model=list[ReviewActionRead], tags=["workflow"])
async def reviews(deps: Deps, actor: CurrentActor, site_id: SitePath, document_id: IdPath) -> list[ReviewActionRead]:
    return await documents.review_history(deps, actor, site_id, document_id)


@router.put(DOC + "/interprets", response_model=DocumentRead, summary="Link this 解读 to the policies it explains")
async def set_interprets(
    deps: Deps, actor: CurrentActor, site_id: SitePath, document_id: IdPath, body: InterpretsUpdate
) -> ModelResponse:
    return ModelResponse(await placements.set_interprets(deps, actor, site_id, document_id, body))


@router.post(DOC + "/push", response_model=PushResult, tags=["library"], summary="Push to lower sites' channels")
async def push(
    deps: Deps, actor: CurrentActor, site_id: SitePath, document_id: IdPath, body: PushRequest
) -> PushResult:
    return await placements.push(deps, actor, site_id, document_id, body)


@router.post(
    "/sites/{site_id}/channels/{channel_id}/placements",
    response_model=PlacementRead,
    status_code=status.HTTP_201_CREATED,
    tags=["library"],
    summary="Repost (转载) a live document here",
)
async def repost(
    deps: Deps, actor: CurrentActor, site_id: SitePath, channel_id: IdPath, body: PlacementCreate
) -> PlacementRead:
    return await placements.repost(deps, actor, site_id, channel_id, body.document_id)


@router.delete(
    "/sites/{site_id}/channels/{channel_id}/placements/{placement_id}",
    status_code=status.HTTP_204_NO_CONTENT,
    tags=["library"],
)
async def remove_placement(
    deps: Deps, actor: CurrentActor, site_id: SitePath, channel_id: IdPath, placement_id: IdPath
) -> Response:
    await placements.remove_placement(deps, actor, site_id, channel_id, placement_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get(
    "/library",
    response_model=Page[LibraryItem],
    tags=["library"],
    summary="统一信息资源库: live documents of every site",
)
async def library(
    deps: Deps,
    actor: CurrentActor,
    page: PageNo = 1,
    size: PageSize = 20,
    q: Annotated[str | None, Query(max_length=100)] = None,
    site_id: Annotated[str | None, Query(pattern=r"^[a-z][a-z0-9-]{1,39}$")] = None,
) -> Page[LibraryItem]:
    return await placements.library(deps, actor, q=q, site_id=site_id, page=page, size=size)
