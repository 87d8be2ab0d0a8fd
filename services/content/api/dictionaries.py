"""The check dictionaries: the platform's and each site's own."""

from __future__ import annotations

from fastapi import APIRouter, Response, status

from services.content.api.deps import CurrentActor, Deps, IdPath, SitePath
from services.content.schemas.dictionaries import (
    CheckTermCreate,
    CheckTermRead,
    TopicCategoryCreate,
    TopicCategoryRead,
)
from services.content.service import dictionaries

router = APIRouter(tags=["checks"])


@router.get("/check-terms", response_model=list[CheckTermRead], summary="Platform dictionaries")
async def platform_terms(deps: Deps, actor: CurrentActor) -> list[CheckTermRead]:
    return await dictionaries.list_terms(deps, actor, None)


@router.post("/check-terms", response_model=CheckTermRead, status_code=status.HTTP_201_CREATED)
async def add_platform_term(deps: Deps, actor: CurrentActor, body: CheckTermCreate) -> CheckTermRead:
    return await dictionaries.add_term(deps, actor, None, body)


@router.delete("/check-terms/{term_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_platform_term(deps: Deps, actor: CurrentActor, term_id: IdPath) -> Response:
    await dictionaries.remove_term(deps, actor, None, term_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/sites/{site_id}/check-terms", response_model=list[CheckTermRead], summary="A site's own dictionaries")
async def site_terms(deps: Deps, actor: CurrentActor, site_id: SitePath) -> list[CheckTermRead]:
    return await dictionaries.list_terms(deps, actor, site_id)


@router.post("/sites/{site_id}/check-terms", response_model=CheckTermRead, status_code=status.HTTP_201_CREATED)
async def add_site_term(deps: Deps, actor: CurrentActor, site_id: SitePath, body: CheckTermCreate) -> CheckTermRead:
    return await dictionaries.add_term(deps, actor, site_id, body)


@router.delete("/sites/{site_id}/check-terms/{term_id}", status_code=status.HTTP_204_NO_CONTENT)
async def remove_site_term(deps: Deps, actor: CurrentActor, site_id: SitePath, term_id: IdPath) -> Response:
    await dictionaries.remove_term(deps, actor, site_id, term_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/topic-categories", response_model=list[TopicCategoryRead], summary="The 主题分类 vocabulary")
async def topic_categories(deps: Deps) -> list[TopicCategoryRead]:
    return await dictionaries.list_topic_categories(deps)


@router.post("/topic-categories", response_model=TopicCategoryRead, status_code=status.HTTP_201_CREATED)
async def add_topic_category(deps: Deps, actor: CurrentActor, body: TopicCategoryCreate) -> TopicCategoryRead:
    """A province's own 主题分类 beside the national list (platform operators)."""
    return await dictionaries.add_topic_category(deps, actor, body)
