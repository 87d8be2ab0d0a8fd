"""Queries of the interaction desk; the unit of work's tenant scope filters every site's rows."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.interaction.repository.engagement import EngagementQueries
from services.interaction.repository.letters import LetterQueries


class InteractionRepository(LetterQueries, EngagementQueries):
    def __init__(self, session: AsyncSession) -> None:
        self.session = session


__all__ = ["InteractionRepository"]
