"""Attachment upload and download."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request, Response, UploadFile, status

from services.content.api.deps import CurrentActor, Deps, IdPath, SitePath
from services.content.schemas.attachments import AttachmentRead
from services.content.service import attachments as service

router = APIRouter(tags=["attachments"])
Rendition = Annotated[str | None, Query(pattern=r"^w\d{2,4}$")]


def _file_response(data: bytes, content_type: str, filename: str, *, public: bool = False) -> Response:
    disposition = f"inline; filename*=UTF-8''{quote(filename)}"
    # Public files may be kept a minute by shared caches: a taken-down document's files go within it.
    cache = "public, max-age=60" if public else "private, max-age=60"
    headers = {"Content-Disposition": disposition, "X-Content-Type-Options": "nosniff", "Cache-Control": cache}
    return Response(data, media_type=content_type, headers=headers)


@router.post(
    "/sites/{site_id}/attachments",
    response_model=AttachmentRead,
    status_code=status.HTTP_201_CREATED,
    summary="Upload a file or image (checked by content)",
    responses={415: {"description": "文件类型不在允许之列，或内容与扩展名不符（按内容识别，不信扩展名）"}},
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


FILES_PATH = "/public/files"  # the gateway serves these as /files/… on every site's own host
PublicId = Annotated[str, Path(pattern=r"^[A-Za-z0-9_-]{16,32}$", description="the file's public id")]
FileName = Annotated[str, Path(min_length=1, max_length=255)]


@router.get(
    FILES_PATH + "/{public_id}/{filename}",
    response_class=Response,
    tags=["public"],
    summary="A file of a live document on this host's site (/files/… on the site's own host)",
    responses={200: {"description": "the file"}, 404: {"description": "no such live file on this site"}},
)
async def public_file(request: Request, deps: Deps, public_id: PublicId, filename: FileName) -> Response:
    host = request.headers.get("host", "")
    return _file_response(*await service.public_file(deps, host, public_id, filename, rendition=False), public=True)


@router.get(
    FILES_PATH + "/{public_id}/r/{rendition}",
    response_class=Response,
    tags=["public"],
    summary="A resized copy of a live document's image (w320.jpg, w800.png …)",
    responses={200: {"description": "the image"}, 404: {"description": "no such live image on this site"}},
)
async def public_rendition(
    request: Request, deps: Deps, public_id: PublicId, rendition: Annotated[str, Path(pattern=r"^w\d{2,4}\.(jpg|png)$")]
) -> Response:
    host = request.headers.get("host", "")
    return _file_response(*await service.public_file(deps, host, public_id, rendition, rendition=True), public=True)
