"""One moderation queue over comments and interview questions: visitors report with a reason, enough reports hide
an item until a moderator looks; moderators hide, restore, let a question through, or block a writer's address."""

from __future__ import annotations

from services.interaction.models import BlockedWriter, Comment, InterviewQuestion, Report
from services.interaction.schemas import ModerationAction, ModerationItem, ReportCreate
from services.interaction.service.context import Desk, InteractionDeps, InteractionUnitOfWork
from services.interaction.service.letters import client_hash
from services.interaction.service.setup import require_office
from shared.errors import Conflict, NotFound

Target = Comment | InterviewQuestion


async def _target(uow: InteractionUnitOfWork, kind: str, item_id: int) -> Target:
    found = await (uow.repo.comment(item_id) if kind == "comment" else uow.repo.question(item_id))
    if found is None:
        raise NotFound(f"没有第 {item_id} 条{'意见' if kind == 'comment' else '提问'}")
    return found


async def report(deps: InteractionDeps, site_id: str, kind: str, item_id: int, data: ReportCreate, address: str) -> int:
    """A visitor's report: counted once per address; the item is hidden once enough addresses reported it."""
    async with deps.site_uow(site_id) as uow:
        target = await _target(uow, kind, item_id)
        hashed = client_hash(deps, address)
        if await uow.repo.reported(kind, item_id, hashed):
            raise Conflict("您已举报过这条内容", code="already_reported")
        uow.session.add(Report(site_id=site_id, target=kind, target_id=item_id, reason=data.reason,
                               client_hash=hashed, created_at=deps.now()))  # fmt: skip
        target.reports += 1
        if target.reports >= deps.settings.auto_hide_reports and target.status in ("visible", "answered"):
            target.status = "hidden"
        await uow.commit()
        return target.reports


async def queue(deps: InteractionDeps, desk: Desk) -> list[ModerationItem]:
    """Questions waiting to be let through, hidden items and reported ones, across the site's engagements."""
    require_office(desk)
    async with deps.site_uow(desk.site_id) as uow:
        comments, questions = await uow.repo.flagged_comments(), await uow.repo.flagged_questions()
        reasons = {
            "comment": await uow.repo.reasons("comment", [c.id for c in comments]),
            "question": await uow.repo.reasons("question", [q.id for q in questions]),
        }
        titles = await _titles(uow, comments, questions)
    items = [_item("comment", c, titles[("consultation", c.consultation_id)], reasons) for c in comments]
    items += [_item("question", q, titles[("interview", q.interview_id)], reasons) for q in questions]
    return sorted(items, key=lambda i: i.created_at)


async def _titles(uow: InteractionUnitOfWork, comments, questions) -> dict[tuple[str, int], str]:  # noqa: ANN001
    titles = {}
    for item_id in {c.consultation_id for c in comments}:
        titles[("consultation", item_id)] = (await uow.repo.consultation(item_id)).title  # type: ignore[union-attr]
    for item_id in {q.interview_id for q in questions}:
        titles[("interview", item_id)] = (await uow.repo.interview(item_id)).title  # type: ignore[union-attr]
    return titles


def _item(kind: str, row: Target, where: str, reasons: dict[str, dict[int, list[str]]]) -> ModerationItem:
    shown = {"name": row.name, "body": row.body, "status": row.status, "reports": row.reports}
    why = reasons[kind].get(row.id, [])
    return ModerationItem(target=kind, id=row.id, where=where, reasons=why, created_at=row.created_at, **shown)  # type: ignore[arg-type]


async def moderate(
    deps: InteractionDeps, desk: Desk, kind: str, item_id: int, action: ModerationAction
) -> ModerationItem:
    require_office(desk)
    async with deps.site_uow(desk.site_id) as uow:
        target = await _target(uow, kind, item_id)
        if action.action == "hide":
            target.status = "hidden"
        elif action.action == "restore":
            target.status, target.reports = "visible", 0
        elif action.action == "block" and await uow.repo.blocked(target.client_hash) is None:
            uow.session.add(BlockedWriter(site_id=desk.site_id, client_hash=target.client_hash,
                                          reason=action.reason or "违反留言规则", blocked_by=desk.actor))  # fmt: skip
            target.status = "hidden"
        elif action.action == "unblock" and (found := await uow.repo.blocked(target.client_hash)) is not None:
            await uow.session.delete(found)
        where = await _titles(uow, [target] if kind == "comment" else [], [target] if kind == "question" else [])
        await uow.commit()
        return _item(kind, target, next(iter(where.values())), {kind: {}})
