"""What the migration service knows of the target sites (from the content library's events)."""

from __future__ import annotations

from sqlalchemy import func, select

from services.transition.models import ChannelEntry
from services.transition.service.context import TransitionDeps


async def known_sites(deps: TransitionDeps) -> int:
    """How many sites it has channels of (none: it started after them, and needs them announced again)."""
    async with deps.platform_uow() as uow:
        return await uow.session.scalar(select(func.count(func.distinct(ChannelEntry.site_id)))) or 0
