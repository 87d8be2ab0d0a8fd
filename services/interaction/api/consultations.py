"""意见征集: the public reads a draft and comments on it; the office opens it, weighs each comment, reports back."""

from __future__ import annotations

from fastapi import APIRouter, Request

from services.interaction.api.deps import Deps, DeskDep, IdPath, SitePath, client_address
from services.interaction.api.public import PREFIX
from services.interaction.schemas import (
    AdoptionWrite,
    CommentCreate,
    CommentRead,
    ConsultationPage,
    ConsultationRead,
    ConsultationWrite,
    DeskComment,
    FeedbackReport,
)
from services.interaction.service import consultations as use

router = APIRouter(prefix=PREFIX, tags=["interaction/consultations"])
PUBLIC = "/sites/{site_id}/consultations"
DESK = "/sites/{site_id}/desk/consultations"
NOT_FOUND = {404: {"description": "no such consultation on this site"}}


@router.get(PUBLIC, response_model=list[ConsultationRead], summary="A site's consultations, newest first")
async def listed(deps: Deps, site_id: SitePath) -> list[ConsultationRead]:
    return await use.consultations(deps, site_id, public=True)


@router.get(PUBLIC + "/{item_id}", response_model=ConsultationPage, responses=NOT_FOUND,
            summary="A consultation: the draft's articles, its visible comments, the feedback report")  # fmt: skip
async def one(deps: Deps, site_id: SitePath, item_id: IdPath) -> ConsultationPage:
    consultation, comments = await use.consultation(deps, site_id, item_id)
    return ConsultationPage(consultation=consultation, comments=comments)


@router.post(PUBLIC + "/{item_id}/comments", response_model=CommentRead, status_code=201, responses=NOT_FOUND,
             summary="Comment on the draft (an article, or the whole) while it is open")  # fmt: skip
async def comment(deps: Deps, site_id: SitePath, item_id: IdPath, body: CommentCreate, request: Request):
    return await use.add_comment(deps, site_id, item_id, body, client_address(request, deps))


@router.get(DESK, response_model=list[ConsultationRead], summary="Every consultation of the site, drafts too")
async def desk_listed(deps: Deps, desk: DeskDep) -> list[ConsultationRead]:
    return await use.consultations(deps, desk.site_id, public=False)


@router.post(DESK, response_model=ConsultationRead, status_code=201, summary="Prepare a consultation (a draft)")
async def create(deps: Deps, desk: DeskDep, body: ConsultationWrite) -> ConsultationRead:
    return await use.create_consultation(deps, desk, body)


@router.post(DESK + "/{item_id}/open", response_model=ConsultationRead, summary="Publish it for comment")
async def open_it(deps: Deps, desk: DeskDep, item_id: IdPath) -> ConsultationRead:
    return await use.open_consultation(deps, desk, item_id)


@router.get(DESK + "/{item_id}/comments", response_model=list[DeskComment], summary="Every comment, with contacts")
async def desk_comments(deps: Deps, desk: DeskDep, item_id: IdPath) -> list[DeskComment]:
    return [DeskComment.model_validate(c) for c in await use.desk_comments(deps, desk, item_id)]


@router.put(DESK + "/{item_id}/comments/{comment_id}/adoption", response_model=CommentRead,
            summary="Adopted or not, and why")  # fmt: skip
async def adopt(deps: Deps, desk: DeskDep, item_id: IdPath, comment_id: IdPath, body: AdoptionWrite) -> CommentRead:
    return await use.adopt(deps, desk, item_id, comment_id, body)


@router.post(DESK + "/{item_id}/report", response_model=ConsultationRead, summary="Publish the feedback report")
async def report(deps: Deps, desk: DeskDep, item_id: IdPath, body: FeedbackReport) -> ConsultationRead:
    return await use.publish_report(deps, desk, item_id, body)
