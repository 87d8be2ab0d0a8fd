"""Attachment upload and download."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Query, Response, UploadFile, status

from services.content.api.deps import CurrentActor, Deps, IdPath, SitePath
from services.content.schemas.attachments import AttachmentRead
from services.content.service import attachments as service

router = APIRouter(tags=["attachments"])
Rendition = Annotated[str | None, Query(pattern=r"^w\d{2,4}$")]


def _file_response(data: bytes, content_type: str, filename: str) -> Response:
    disposition = f"inline; filename*=UTF-8''{quote(filename)}"
    return Response(
        data,
        media_type=content_type,
        headers={
            "Content-Disposition": disposition,
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, max-age=60",
        },
    )


@router.post(
    "/sites/{site_id}/attachments",
    response_model=AttachmentRead,
    status_code=status.HTTP_201_CREATED,
    summary="Upload a file or image (checked by content)",
)
async def upload(deps: Deps, actor: CurrentActor, site_id: SitePath, file: UploadFile) -> AttachmentRead:
    return await service.upload_attachment(deps, actor, site_id, file.filename or "", await file.read())


@router.get("/sites/{site_id}/attachments/{attachment_id}", response_model=AttachmentRead)
async def get_attachment(deps: Deps, actor: CurrentActor, site_id: SitePath, attachment_id: IdPath) -> AttachmentRead:
    return await service.get_attachment(deps, actor, site_id, attachment_id)


@router.get("/sites/{site_id}/attachments/{attachment_id}/content", response_class=Response)
async def attachment_content(
    deps: Deps, actor: CurrentActor, site_id: SitePath, attachment_id: IdPath, rendition: Rendition = None
) -> Response:
    return _file_response(*await service.attachment_content(deps, actor, site_id, attachment_id, rendition))


@router.get(
    "/public/sites/{site_id}/attachments/{attachment_id}",
    response_class=Response,
    tags=["public"],
    summary="A file of a live document",
)
async def public_attachment(
    deps: Deps, site_id: SitePath, attachment_id: IdPath, rendition: Rendition = None
) -> Response:
    return _file_response(*await service.attachment_content(deps, None, site_id, attachment_id, rendition))


@router.get(
    "/public/sites/{site_id}/attachments/{attachment_id}/{filename}",
    response_class=Response,
    tags=["public"],
    summary="A file of a live document, under its own name (as pages and static mirrors link it)",
)
async def public_attachment_named(deps: Deps, site_id: SitePath, attachment_id: IdPath, filename: str) -> Response:
    return _file_response(*await service.attachment_content(deps, None, site_id, attachment_id, None, filename))
