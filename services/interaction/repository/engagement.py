"""Queries of consultations and comments, surveys and responses, interviews with questions and transcript, reports."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.interaction.models import (
    BlockedWriter,
    Comment,
    Consultation,
    Interview,
    InterviewQuestion,
    Report,
    Survey,
    SurveyResponse,
    TranscriptLine,
)


class EngagementQueries:
    session: AsyncSession

    async def consultation(self, item_id: int, *, for_update: bool = False) -> Consultation | None:
        query = select(Consultation).where(Consultation.id == item_id)
        return await self.session.scalar(query.with_for_update() if for_update else query)

    async def consultations(self, *, public: bool) -> Sequence[Consultation]:
        query = select(Consultation).order_by(Consultation.opens_at.desc(), Consultation.id.desc())
        if public:
            query = query.where(Consultation.status != "draft")
        return (await self.session.scalars(query)).all()

    async def comment_counts(self, item_ids: Collection[int], *, visible_only: bool) -> dict[int, int]:
        if not item_ids:
            return {}
        query = select(Comment.consultation_id, func.count(Comment.id)).where(Comment.consultation_id.in_(item_ids))
        if visible_only:
            query = query.where(Comment.status == "visible")
        return dict((await self.session.execute(query.group_by(Comment.consultation_id))).all())

    async def comments(self, item_id: int, *, visible_only: bool) -> Sequence[Comment]:
        query = select(Comment).where(Comment.consultation_id == item_id).order_by(Comment.id)
        if visible_only:
            query = query.where(Comment.status == "visible")
        return (await self.session.scalars(query)).all()

    async def comment(self, comment_id: int) -> Comment | None:
        return await self.session.scalar(select(Comment).where(Comment.id == comment_id))

    async def survey(self, item_id: int, *, for_update: bool = False) -> Survey | None:
        query = select(Survey).where(Survey.id == item_id)
        return await self.session.scalar(query.with_for_update() if for_update else query)

    async def surveys(self, *, public: bool) -> Sequence[Survey]:
        query = select(Survey).order_by(Survey.opens_at.desc(), Survey.id.desc())
        if public:
            query = query.where(Survey.status != "draft")
        return (await self.session.scalars(query)).all()

    async def response_counts(self, item_ids: Collection[int]) -> dict[int, int]:
        if not item_ids:
            return {}
        query = select(SurveyResponse.survey_id, func.count(SurveyResponse.id))
        query = query.where(SurveyResponse.survey_id.in_(item_ids)).group_by(SurveyResponse.survey_id)
        return dict((await self.session.execute(query)).all())

    async def responses(self, survey_id: int) -> Sequence[SurveyResponse]:
        query = select(SurveyResponse).where(SurveyResponse.survey_id == survey_id).order_by(SurveyResponse.id)
        return (await self.session.scalars(query)).all()

    async def responded(self, survey_id: int, respondent: str) -> bool:
        query = select(SurveyResponse.id).where(
            SurveyResponse.survey_id == survey_id, SurveyResponse.respondent == respondent
        )
        return await self.session.scalar(query) is not None

    async def interview(self, item_id: int, *, for_update: bool = False) -> Interview | None:
        query = select(Interview).where(Interview.id == item_id)
        return await self.session.scalar(query.with_for_update() if for_update else query)

    async def interviews(self) -> Sequence[Interview]:
        return (await self.session.scalars(select(Interview).order_by(Interview.starts_at.desc()))).all()

    async def questions(
        self, interview_id: int, statuses: Collection[str] | None = None
    ) -> Sequence[InterviewQuestion]:
        query = select(InterviewQuestion).where(InterviewQuestion.interview_id == interview_id)
        if statuses is not None:
            query = query.where(InterviewQuestion.status.in_(list(statuses)))
        return (await self.session.scalars(query.order_by(InterviewQuestion.id))).all()

    async def question(self, question_id: int) -> InterviewQuestion | None:
        return await self.session.scalar(select(InterviewQuestion).where(InterviewQuestion.id == question_id))

    async def lines(self, interview_id: int, after: int = 0) -> Sequence[TranscriptLine]:
        query = select(TranscriptLine).where(TranscriptLine.interview_id == interview_id, TranscriptLine.id > after)
        return (await self.session.scalars(query.order_by(TranscriptLine.id))).all()

    async def reported(self, target: str, target_id: int, client_hash: str) -> bool:
        query = select(Report.id).where(
            Report.target == target, Report.target_id == target_id, Report.client_hash == client_hash
        )
        return await self.session.scalar(query) is not None

    async def reasons(self, target: str, target_ids: Collection[int]) -> dict[int, list[str]]:
        if not target_ids:
            return {}
        query = select(Report.target_id, Report.reason).where(Report.target == target, Report.target_id.in_(target_ids))
        found: dict[int, list[str]] = {}
        for target_id, reason in await self.session.execute(query.order_by(Report.id)):
            found.setdefault(target_id, []).append(reason)
        return found

    async def flagged_comments(self) -> Sequence[Comment]:
        query = select(Comment).where((Comment.status == "hidden") | (Comment.reports > 0)).order_by(Comment.id)
        return (await self.session.scalars(query)).all()

    async def flagged_questions(self) -> Sequence[InterviewQuestion]:
        query = select(InterviewQuestion).where(
            (InterviewQuestion.status.in_(["pending", "hidden"])) | (InterviewQuestion.reports > 0)
        )
        return (await self.session.scalars(query.order_by(InterviewQuestion.id))).all()

    async def blocked(self, client_hash: str) -> BlockedWriter | None:
        return await self.session.scalar(select(BlockedWriter).where(BlockedWriter.client_hash == client_hash))
