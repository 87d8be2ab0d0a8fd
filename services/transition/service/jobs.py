"""Use cases of migration jobs: plan one, change its plan, start (or resume, or re-run) it, cancel it, and read
it with its progress and its log. The runner does the work (service/runner.py); these only decide."""

from __future__ import annotations

from services.transition.models import Job
from services.transition.schemas import JobCreate, JobRead, JobUpdate, LogEntry
from services.transition.service.context import Migrator, TransitionDeps, TransitionUnitOfWork
from services.transition.service.rules import valid_rules
from shared.errors import Conflict, InvalidInput, NotFound
from shared.events.transition import LegacyDomainsClaimed

STARTABLE = ("planned", "cancelled", "done", "failed")
ACTIVE = ("running", "importing")
UPLOAD = "upload:"  # the source of a job whose pages the operator's machine pushes (service/pushed.py)


def is_pushed(job: Job) -> bool:
    """Pushed through the API, not crawled: the runner leaves it to its client, which finishes it."""
    return job.source.startswith(UPLOAD)


async def create_job(deps: TransitionDeps, who: Migrator, data: JobCreate) -> JobRead:
    """Plan a job; its legacy domains are claimed for the site at once (the content library attaches them)."""
    if data.source.startswith(UPLOAD) and not data.legacy_domains:
        raise InvalidInput("legacy_domains", "上传镜像或导出文件的任务须给出旧网站的域名（legacy_domains）")
    valid_rules(data.rules)
    async with deps.site_uow(who.site_id) as uow:
        await _check_channels(uow, who.site_id, data.mapping, data.default_channel_id)
        job = Job(
            site_id=who.site_id, source=data.source, legacy_domains=data.legacy_domains, mapping=data.mapping,
            default_channel_id=data.default_channel_id, rules=data.rules.model_dump(exclude_none=True),
            publish=data.publish, per_second=data.per_second, resolve=data.resolve, created_by=who.actor,
            created_at=deps.now(), updated_at=deps.now(),
        )  # fmt: skip
        uow.session.add(job)
        await uow.session.flush()
        uow.audit(who.site_id, job.id, who, "job.created", source=data.source, domains=data.legacy_domains)
        uow.emit(
            LegacyDomainsClaimed(
                site_id=who.site_id, aggregate_id=str(job.id), aggregate_version=1, job_id=job.id,
                domains=data.legacy_domains, editor=f"migration:{job.id}",
            )
        )  # fmt: skip
        if data.start:
            _start(uow, job, who)
        await uow.commit()
    deps.wake_runner()
    return await get_job(deps, who, job.id)


async def update_job(deps: TransitionDeps, who: Migrator, job_id: int, data: JobUpdate) -> JobRead:
    async with deps.site_uow(who.site_id) as uow:
        job = await _job_or_404(uow, job_id, for_update=True)
        if job.state in (*ACTIVE, "cancelling"):
            raise Conflict(f"迁移任务 {job_id} 正在运行，请先取消再修改计划", code="invalid_state")
        changes = data.model_dump(exclude_unset=True)
        await _check_channels(uow, who.site_id, changes.get("mapping") or {}, changes.get("default_channel_id"))
        valid_rules(data.rules)
        plan = data.model_dump(mode="json", exclude_unset=True)
        if "rules" in changes:  # the log tells who changed the rules, and from what
            plan["rules_before"] = dict(job.rules or {})
            changes["rules"] = data.rules.model_dump(exclude_none=True) if data.rules else {}
        for name, value in changes.items():
            setattr(job, name, value)
        job.updated_at = deps.now()
        uow.audit(who.site_id, job.id, who, "job.plan_changed", **plan)
        await uow.commit()
    return await get_job(deps, who, job_id)


async def start_job(deps: TransitionDeps, who: Migrator, job_id: int) -> JobRead:
    """Start, resume after a cancel (the crawl goes on from where it stopped) or run again (updates only)."""
    async with deps.site_uow(who.site_id) as uow:
        job = await _job_or_404(uow, job_id, for_update=True)
        if job.state not in STARTABLE:
            raise Conflict(f"迁移任务 {job_id} 当前为 {job.state} 状态，不能启动", code="invalid_state")
        _start(uow, job, who)
        await uow.commit()
    deps.wake_runner()
    return await get_job(deps, who, job_id)


async def cancel_job(deps: TransitionDeps, who: Migrator, job_id: int) -> JobRead:
    """The runner stops after the pages in flight; what was staged is imported, nothing is lost or doubled."""
    async with deps.site_uow(who.site_id) as uow:
        job = await _job_or_404(uow, job_id, for_update=True)
        if job.state not in ("running", "planned"):
            raise Conflict(f"迁移任务 {job_id} 当前为 {job.state} 状态，无需取消", code="invalid_state")
        job.state = "cancelling" if job.state == "running" and not is_pushed(job) else "cancelled"
        job.updated_at = deps.now()
        uow.audit(who.site_id, job.id, who, "job.cancel_requested")
        await uow.commit()
    return await get_job(deps, who, job_id)


async def get_job(deps: TransitionDeps, who: Migrator, job_id: int) -> JobRead:
    async with deps.site_uow(who.site_id) as uow:
        job = await _job_or_404(uow, job_id)
        return await job_read(deps, uow, job)


async def list_jobs(deps: TransitionDeps, who: Migrator) -> list[JobRead]:
    async with deps.site_uow(who.site_id) as uow:
        return [await job_read(deps, uow, job) for job in await uow.repo.jobs()]


async def job_log(deps: TransitionDeps, who: Migrator, job_id: int) -> list[LogEntry]:
    async with deps.site_uow(who.site_id) as uow:
        await _job_or_404(uow, job_id)
        return [LogEntry.model_validate(entry) for entry in await uow.repo.log(job_id)]


async def job_read(deps: TransitionDeps, uow: TransitionUnitOfWork, job: Job) -> JobRead:
    progress = await deps.progress.progress(uow.repo, job)
    return JobRead.model_validate(job).model_copy(update={"progress": progress})


def _start(uow: TransitionUnitOfWork, job: Job, actor: Migrator) -> None:
    resumed = job.state in ("cancelled", "failed")  # the crawl goes on from its frontier
    job.state, job.error, job.run = "running", None, job.run + 1
    if not resumed or is_pushed(job):  # a pushed job's client pushes everything again: counted again from 0
        job.pages = 0
    uow.audit(job.site_id, job.id, actor, "job.resumed" if resumed else "job.started", run=job.run)


async def _job_or_404(uow: TransitionUnitOfWork, job_id: int, *, for_update: bool = False) -> Job:
    job = await uow.repo.job(job_id, for_update=for_update)
    if job is None:
        raise NotFound(f"本站点没有迁移任务 {job_id}")
    return job


async def _check_channels(
    uow: TransitionUnitOfWork, site_id: str, mapping: dict[str, int], default: int | None
) -> None:
    """Sections map to channels of the target site that can hold documents (what content told us of them)."""
    known = {row.id: row.snapshot for row in await uow.repo.channels(site_id)}
    for section, channel_id in [*mapping.items(), *([("default_channel_id", default)] if default else [])]:
        snapshot = known.get(channel_id)
        if snapshot is None:
            raise InvalidInput("mapping", f"{section}：站点 {site_id} 没有栏目 {channel_id}")
        if snapshot.get("kind") == "link":
            raise InvalidInput("mapping", f"{section}：栏目 {snapshot.get('name')} 是外链栏目，不能放入稿件")
