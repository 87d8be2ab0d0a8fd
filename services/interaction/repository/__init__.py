"""Queries of the interaction desk; the unit of work's tenant scope filters every site's rows."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from services.interaction.repository.engagement import EngagementQueries
from services.interaction.repository.letters import LetterQueries
from shared.db.uow import CoreRunner


class InteractionRepository(LetterQueries, EngagementQueries):
    def __init__(self, session: AsyncSession, run: CoreRunner) -> None:
        self.session = session
        self.run = run  # the unit of work's guarded connection, for the prebuilt statements of the hot paths


__all__ = ["InteractionRepository"]
