"""Moderation: visitors report a comment or question with a reason; the office works one queue over them all."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Request

from services.interaction.api.deps import Deps, DeskDep, IdPath, SitePath, client_address
from services.interaction.api.public import PREFIX
from services.interaction.schemas import ModerationAction, ModerationItem, ReportCreate
from services.interaction.service import moderation as use

router = APIRouter(prefix=PREFIX, tags=["interaction/moderation"])
Kind = Annotated[Literal["comment", "question"], Path(description="a consultation's comment or an interview question")]


@router.post("/sites/{site_id}/reports/{kind}/{item_id}", status_code=202, summary="Report it, with the reason")
async def report(
    deps: Deps, site_id: SitePath, kind: Kind, item_id: IdPath, body: ReportCreate, request: Request
) -> dict[str, int]:
    return {"reports": await use.report(deps, site_id, kind, item_id, body, client_address(request, deps))}


@router.get("/sites/{site_id}/desk/moderation", response_model=list[ModerationItem],
            summary="Questions to let through, hidden and reported items")  # fmt: skip
async def queue(deps: Deps, desk: DeskDep) -> list[ModerationItem]:
    return await use.queue(deps, desk)


@router.post("/sites/{site_id}/desk/moderation/{kind}/{item_id}", response_model=ModerationItem,
             summary="Hide, restore (let through), block or unblock its writer")  # fmt: skip
async def act(deps: Deps, desk: DeskDep, kind: Kind, item_id: IdPath, body: ModerationAction) -> ModerationItem:
    return await use.moderate(deps, desk, kind, item_id, body)
