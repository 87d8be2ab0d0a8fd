"""Public reads: live documents and channel listings."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from services.content.api.deps import Deps, IdPath, PageNo, PageSize, SitePath
from services.content.schemas.common import Page
from services.content.schemas.documents import Validity
from services.content.schemas.public import PublicDocument, PublicListItem, PublicSite
from services.content.service import public as service

router = APIRouter(prefix="/public", tags=["public"])


@router.get("/sites/{site_id}/channels/{channel_id}/documents", response_model=Page[PublicListItem])
async def channel_listing(
    deps: Deps,
    site_id: SitePath,
    channel_id: IdPath,
    page: PageNo = 1,
    size: PageSize = 20,
    validity: Validity | None = None,
) -> Page[PublicListItem]:
    return await service.channel_listing(deps, site_id, channel_id, page, size, validity=validity)


@router.get("/sites/{site_id}/documents/{document_id}", response_model=PublicDocument)
async def public_document(deps: Deps, site_id: SitePath, document_id: IdPath) -> PublicDocument:
    return await service.public_document(deps, site_id, document_id)


@router.get("/sites/{site_id}", response_model=PublicSite, summary="A site's public profile (header, footer)")
async def site_profile(deps: Deps, site_id: SitePath) -> PublicSite:
    return await service.site_profile(deps, site_id)


@router.get("/sites/{site_id}/pages", response_model=PublicDocument, summary="The document at a URL path")
async def document_at(
    deps: Deps, site_id: SitePath, path: Annotated[str, Query(pattern=r"^/[^\s]{1,499}$")]
) -> PublicDocument:
    return await service.document_at(deps, site_id, path)
