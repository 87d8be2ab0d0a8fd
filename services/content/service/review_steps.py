"""Which review steps apply where: a channel's own workflow, else its site's, else the platform default."""

from __future__ import annotations

from services.content.models import Workflow
from services.content.schemas.channels import WorkflowRead, WorkflowTemplate, WorkflowUpdate
from services.content.service.context import Actor, ContentDeps, ContentUnitOfWork, audit
from services.content.service.lookups import channel_or_404
from services.content.service.permissions import require_site_admin, require_staff


def _steps(*names: str) -> list[dict]:
    return [{"name": n, "role": f"reviewer:{n}", "independent": True} for n in names]


DEFAULT_STEPS = _steps("初审", "审核", "审发")
TEMPLATES = [
    WorkflowTemplate(name="三审", description="初审 → 审核 → 审发（先审后发，谁审查谁负责）", steps=DEFAULT_STEPS),
    WorkflowTemplate(
        name="三审加保密审查",
        description="初审 → 保密审查 → 审核 → 审发：涉及国家秘密、工作秘密的信息先经保密审查",
        steps=_steps("初审", "保密审查", "审核", "审发"),
    ),
]


def workflow_templates() -> list[WorkflowTemplate]:
    """The workflows every site may take (a site admin sets one, or its own steps, with set_workflow)."""
    return TEMPLATES


async def get_workflow(deps: ContentDeps, actor: Actor, site_id: str, channel_id: int | None) -> WorkflowRead:
    require_staff(actor, site_id, channel_id)
    async with deps.site_uow(site_id) as uow:
        if channel_id is not None:
            await channel_or_404(uow, channel_id)
        steps, inherited = await effective_steps(uow, site_id, channel_id)
        return WorkflowRead(site_id=site_id, channel_id=channel_id, steps=steps, inherited=inherited)


async def effective_steps(uow: ContentUnitOfWork, site_id: str, channel_id: int | None) -> tuple[list[dict], bool]:
    """A channel's own workflow, else the site's, else the platform default (初审 → 审核 → 审发)."""
    if channel_id is None:
        site_default = await uow.repo.workflow(site_id, None)
        return (site_default.steps, False) if site_default else (DEFAULT_STEPS, True)
    found = {w.channel_id: w for w in await uow.repo.workflows_for(site_id, channel_id)}
    if channel_id in found:
        return found[channel_id].steps, False
    if None in found:
        return found[None].steps, True
    return DEFAULT_STEPS, True


async def set_workflow(deps: ContentDeps, actor: Actor, site_id: str, data: WorkflowUpdate) -> WorkflowRead:
    require_site_admin(actor, site_id)
    independent = not data.same_person_allowed
    steps = [{"name": s.name, "role": s.role or f"reviewer:{s.name}", "independent": independent} for s in data.steps]
    async with deps.site_uow(site_id) as uow:
        if data.channel_id is not None:
            await channel_or_404(uow, data.channel_id)
        workflow = await uow.repo.workflow(site_id, data.channel_id)
        if workflow is None:
            uow.session.add(Workflow(site_id=site_id, channel_id=data.channel_id, steps=steps))
        else:
            workflow.steps = steps
        audit(
            uow,
            actor,
            site_id,
            "workflow.set",
            "channel" if data.channel_id else "site",
            data.channel_id or site_id,
            steps=steps,
        )
        await uow.commit()
    return WorkflowRead(site_id=site_id, channel_id=data.channel_id, steps=steps)
