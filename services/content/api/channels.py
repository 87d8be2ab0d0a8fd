"""Channels, the basic-channel template, workflows and channel subscriptions."""

from __future__ import annotations

from fastapi import APIRouter, Query, Response, status

from services.content.api.deps import CurrentActor, Deps, IdPath, SitePath
from services.content.schemas.channels import (
    BasicChannelItem,
    BasicChannelTemplate,
    ChannelCreate,
    ChannelRead,
    ChannelUpdate,
    SubscriptionCreate,
    SubscriptionRead,
    WorkflowRead,
    WorkflowTemplate,
    WorkflowUpdate,
)
from services.content.service import channels as service
from services.content.service import review_steps, subscriptions

router = APIRouter(tags=["channels"])


@router.get("/basic-channels", response_model=list[BasicChannelItem], summary="The 基本栏目 template")
async def basic_template(deps: Deps) -> list[BasicChannelItem]:
    return await service.basic_template(deps)


@router.put("/basic-channels", response_model=list[BasicChannelItem])
async def replace_basic_template(deps: Deps, actor: CurrentActor, body: BasicChannelTemplate) -> list[BasicChannelItem]:
    return await service.replace_basic_template(deps, actor, body)


@router.get("/sites/{site_id}/channels", response_model=list[ChannelRead], summary="A site's channel tree (public)")
async def list_channels(deps: Deps, site_id: SitePath) -> list[ChannelRead]:
    return await service.list_channels(deps, site_id)


@router.post("/sites/{site_id}/channels", response_model=ChannelRead, status_code=status.HTTP_201_CREATED)
async def create_channel(deps: Deps, actor: CurrentActor, site_id: SitePath, body: ChannelCreate) -> ChannelRead:
    return await service.create_channel(deps, actor, site_id, body)


@router.patch("/sites/{site_id}/channels/{channel_id}", response_model=ChannelRead)
async def update_channel(
    deps: Deps, actor: CurrentActor, site_id: SitePath, channel_id: IdPath, body: ChannelUpdate
) -> ChannelRead:
    return await service.update_channel(deps, actor, site_id, channel_id, body)


@router.delete("/sites/{site_id}/channels/{channel_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_channel(deps: Deps, actor: CurrentActor, site_id: SitePath, channel_id: IdPath) -> Response:
    await service.delete_channel(deps, actor, site_id, channel_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/workflow-templates", response_model=list[WorkflowTemplate], tags=["workflow"])
async def workflow_templates() -> list[WorkflowTemplate]:
    """三审 and 三审加保密审查: what a site admin may set as is (PUT …/workflow with their steps)."""
    return review_steps.workflow_templates()


@router.get("/sites/{site_id}/workflow", response_model=WorkflowRead, tags=["workflow"])
async def get_workflow(
    deps: Deps, actor: CurrentActor, site_id: SitePath, channel_id: int | None = Query(None, ge=1, le=2**53)
) -> WorkflowRead:
    return await review_steps.get_workflow(deps, actor, site_id, channel_id)


@router.put("/sites/{site_id}/workflow", response_model=WorkflowRead, tags=["workflow"])
async def set_workflow(deps: Deps, actor: CurrentActor, site_id: SitePath, body: WorkflowUpdate) -> WorkflowRead:
    return await review_steps.set_workflow(deps, actor, site_id, body)


@router.get("/sites/{site_id}/channels/{channel_id}/subscriptions", response_model=list[SubscriptionRead])
async def list_subscriptions(
    deps: Deps, actor: CurrentActor, site_id: SitePath, channel_id: IdPath
) -> list[SubscriptionRead]:
    return await subscriptions.list_subscriptions(deps, actor, site_id, channel_id)


@router.post(
    "/sites/{site_id}/channels/{channel_id}/subscriptions",
    response_model=SubscriptionRead,
    status_code=status.HTTP_201_CREATED,
    summary="Take in every document another channel publishes",
)
async def add_subscription(
    deps: Deps, actor: CurrentActor, site_id: SitePath, channel_id: IdPath, body: SubscriptionCreate
) -> SubscriptionRead:
    return await subscriptions.add_subscription(deps, actor, site_id, channel_id, body)


@router.delete(
    "/sites/{site_id}/channels/{channel_id}/subscriptions/{subscription_id}", status_code=status.HTTP_204_NO_CONTENT
)
async def remove_subscription(
    deps: Deps, actor: CurrentActor, site_id: SitePath, channel_id: IdPath, subscription_id: IdPath
) -> Response:
    await subscriptions.remove_subscription(deps, actor, site_id, channel_id, subscription_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
