"""The editable dictionaries behind the pre-publish checks: the platform's (operators) and each site's."""

from __future__ import annotations

from services.content.models import PlatformCheckTerm, SiteCheckTerm, TopicCategory
from services.content.schemas.dictionaries import CheckTermCreate, CheckTermRead, TopicCategoryCreate, TopicCategoryRead
from services.content.service.context import PLATFORM_AUDIT, Actor, ContentDeps, ContentUnitOfWork, audit
from services.content.service.permissions import require_operator, require_site_admin, require_staff
from shared.errors import Conflict, NotFound

Term = PlatformCheckTerm | SiteCheckTerm


def _open(deps: ContentDeps, actor: Actor, site_id: str | None, *, write: bool) -> ContentUnitOfWork:
    """Site dictionaries are their site admins' (staff may read); the platform's are the operators'."""
    if site_id:
        (require_site_admin if write else require_staff)(actor, site_id)
        return deps.site_uow(site_id)
    if write:
        require_operator(actor)
    return deps.platform_uow()


async def _terms(uow: ContentUnitOfWork, site_id: str | None) -> list[Term]:
    return await (uow.repo.site_terms(site_id) if site_id else uow.repo.platform_terms())


async def list_terms(deps: ContentDeps, actor: Actor, site_id: str | None) -> list[CheckTermRead]:
    async with _open(deps, actor, site_id, write=False) as uow:
        return [CheckTermRead.model_validate(r) for r in await _terms(uow, site_id)]


async def add_term(deps: ContentDeps, actor: Actor, site_id: str | None, data: CheckTermCreate) -> CheckTermRead:
    async with _open(deps, actor, site_id, write=True) as uow:
        if any(t.kind == data.kind and t.term == data.term for t in await _terms(uow, site_id)):
            raise Conflict(f"term: {data.term} 已在 {data.kind} 词库中")
        owner = {"site_id": site_id} if site_id else {}
        row = (SiteCheckTerm if site_id else PlatformCheckTerm)(created_by=actor.id, **owner, **data.model_dump())
        uow.session.add(row)
        await uow.session.flush()
        uow.repo.forget_terms()
        audit(
            uow,
            actor,
            site_id or PLATFORM_AUDIT,
            "check_term.added",
            "check_term",
            row.id,
            kind=row.kind,
            term=row.term,
        )
        await uow.commit()
        return CheckTermRead.model_validate(row)


async def remove_term(deps: ContentDeps, actor: Actor, site_id: str | None, term_id: int) -> None:
    async with _open(deps, actor, site_id, write=True) as uow:
        row = next((r for r in await _terms(uow, site_id) if r.id == term_id), None)
        if row is None:
            raise NotFound(f"词条 {term_id} 不存在")
        await uow.session.delete(row)
        uow.repo.forget_terms()
        audit(uow, actor, site_id or PLATFORM_AUDIT, "check_term.removed", "check_term", term_id, term=row.term)
        await uow.commit()


async def list_topic_categories(deps: ContentDeps) -> list[TopicCategoryRead]:
    """The 主题分类 vocabulary: public (every catalogue shows it)."""
    async with deps.platform_uow() as uow:
        return [TopicCategoryRead.model_validate(t) for t in await uow.repo.topic_categories()]


async def add_topic_category(deps: ContentDeps, actor: Actor, data: TopicCategoryCreate) -> TopicCategoryRead:
    """A province extends the national vocabulary (platform operators)."""
    require_operator(actor)
    async with deps.platform_uow() as uow:
        if data.name in await uow.repo.topic_names():
            raise Conflict(f"name: {data.name} 已是主题分类")
        row = TopicCategory(name=data.name, position=data.position, national=False, created_by=actor.id)
        uow.session.add(row)
        await uow.session.flush()
        audit(uow, actor, PLATFORM_AUDIT, "topic_category.added", "topic_category", row.id, name=data.name)
        await uow.commit()
        uow.repo.forget_terms()
        return TopicCategoryRead.model_validate(row)
