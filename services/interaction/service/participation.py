"""What every public contribution (a comment, an interview question, a survey answer) passes first: the honeypot,
the site's block list, the hourly limit per address, and the site's sensitive words."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select

from services.interaction.models import BlockedWriter, Comment, InterviewQuestion
from services.interaction.screening import sensitive_words
from services.interaction.service.context import InteractionDeps, InteractionUnitOfWork
from services.interaction.service.letters import client_hash
from shared.errors import Forbidden, InvalidInput, TooManyRequests


async def admit(
    uow: InteractionUnitOfWork, deps: InteractionDeps, site_id: str, address: str, website: str | None
) -> str:
    """The writer's address hash, once they may post here now."""
    if website:
        raise InvalidInput("website", "此项应留空")
    hashed = client_hash(deps, address)
    if await uow.session.scalar(select(BlockedWriter.id).where(BlockedWriter.client_hash == hashed)):
        raise Forbidden("您的留言功能已被本站暂停，如有疑问请联系网站", code="blocked")
    limit = deps.settings.posts_per_hour_per_address
    if limit and await _posted_since(uow, hashed, deps) >= limit:
        raise TooManyRequests(f"同一地址一小时内最多发表 {limit} 条，请稍后再试", details={"retry_after": 3600})
    return hashed


async def _posted_since(uow: InteractionUnitOfWork, hashed: str, deps: InteractionDeps) -> int:
    since = deps.now() - timedelta(hours=1)
    comments = select(func.count(Comment.id)).where(Comment.client_hash == hashed, Comment.created_at >= since)
    questions = select(func.count(InterviewQuestion.id)).where(
        InterviewQuestion.client_hash == hashed, InterviewQuestion.created_at >= since
    )
    return (await uow.session.scalar(comments) or 0) + (await uow.session.scalar(questions) or 0)


async def flagged(uow: InteractionUnitOfWork, site_id: str, *texts: str) -> bool:
    """The text holds one of the platform's or the site's sensitive words (held back for a moderator)."""
    settings = await uow.repo.desk_settings(site_id)
    return bool(sensitive_words(texts, settings.sensitive_words if settings else ()))
