"""The worker that runs migration jobs, one at a time per platform: it crawls the legacy site politely, stages
what it reads (service/staging.py) and watches for a cancel. A job found running at start-up was interrupted by
a crash: it resumes from its frontier. Reading done, the job waits for the content library's answers
(`importing`) and is done when the last one arrives (service/urlmap.py)."""

from __future__ import annotations

import asyncio
import contextlib

import httpx

from services.transition.extract import SiteRules
from services.transition.models import Job
from services.transition.planning.channels import Channel
from services.transition.service.backlog import ImportBacklog
from services.transition.service.context import TransitionDeps, TransitionUnitOfWork
from services.transition.service.files import Files
from services.transition.service.frontier import JobFrontier
from services.transition.service.jobs import is_pushed
from services.transition.service.staging import RUNNER, Plan, Stager
from services.transition.sources.crawl import Crawler, CrawlPolicy, Pacer
from services.transition.sources.files import FileCopier
from services.transition.sources.http11 import Http11Transport
from services.transition.sources.resolve import legacy_transport
from shared.logs import get_logger

log = get_logger("transition.runner")


class JobRunner:
    def __init__(self, deps: TransitionDeps, *, transport: httpx.AsyncBaseTransport | None = None) -> None:
        self.deps = deps
        self.transport = transport  # tests and benches reach their legacy site without a network
        self._wake = asyncio.Event()
        self._stopping = asyncio.Event()
        self._task: asyncio.Task | None = None

    def wake(self) -> None:
        self._wake.set()

    async def start(self) -> None:
        self._stopping.clear()
        self._task = asyncio.create_task(self._run(), name="transition-runner")

    async def stop(self) -> None:
        self._stopping.set()
        self._wake.set()
        if self._task is not None:
            await self._task

    async def _run(self) -> None:
        while not self._stopping.is_set():
            job_id = await self._next_job()
            if job_id is None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._wake.wait(), self.deps.settings.runner_poll_seconds)
                self._wake.clear()
                continue
            try:
                await self.run_job(job_id)
            except Exception as exc:  # the job fails with the reason; the runner goes on with the next
                log.exception("migration job failed", job_id=job_id)
                await self._finish(job_id, "failed", f"{type(exc).__name__}: {exc}"[:500])

    async def _next_job(self) -> int | None:
        async with self.deps.platform_uow() as uow:
            for job in await uow.repo.jobs_in(("cancelling",)):  # stopped by a restart before its cancel ended
                _settle(uow, job, "cancelled")
            running = [job for job in await uow.repo.jobs_in(("running",)) if not is_pushed(job)]  # its client's
            await uow.commit()
        return running[0].id if running else None

    async def run_job(self, job_id: int) -> None:
        plan = await self._plan(job_id)
        settings = self.deps.settings
        policy = CrawlPolicy(
            hosts=plan.hosts, concurrency=settings.crawl_concurrency, per_second=plan.per_second,
            max_pages=settings.max_pages, fetch_files=False,
        )  # fmt: skip
        cancel = asyncio.Event()
        transport = legacy_transport(plan.resolve, self.transport)
        async with httpx.AsyncClient(transport=transport, timeout=30) as client:
            copier = FileCopier(client, self.deps.blobs, plan.site_id, max_bytes=settings.max_file_bytes,
                                pacer=Pacer(plan.per_second),
                                transport=transport if isinstance(transport, Http11Transport) else None)  # fmt: skip
            frontier = JobFrontier(self.deps, job_id)
            backlog = ImportBacklog(self.deps, job_id, cancel)
            stager = Stager(self.deps, plan, Files(copier), frontier, backlog)
            scheme = plan.source.split("://", 1)[0]
            seeds = [plan.source, *(f"{scheme}://{host}/" for host in sorted(plan.hosts))]  # each legacy site's home
            resumed = await frontier.open(seeds)
            log.info("migration job reading", job_id=job_id, run=plan.run, resumed=resumed)
            watcher = asyncio.create_task(self._watch(job_id, cancel))
            try:
                await Crawler(transport, frontier, policy).run(seeds, stager.page, cancel)
            finally:
                watcher.cancel()
                stager.backlog = None  # the crawl has ended: the last batch is staged at once, nothing left to pace
                await stager.flush()
                await frontier.close()
                log.info("migration job read", job_id=job_id, waited_for_import_s=round(backlog.waited, 1))
        await self._finish(job_id, "cancelled" if cancel.is_set() or self._stopping.is_set() else "importing")

    async def _plan(self, job_id: int) -> Plan:
        async with self.deps.platform_uow() as uow:
            job = await uow.repo.job(job_id)
            assert job is not None
            channels = tuple(
                Channel(row.id, row.snapshot["name"], row.snapshot["path"])
                for row in await uow.repo.channels(job.site_id)
                if row.snapshot.get("kind") != "link"
            )
            rules = SiteRules(**job.rules) if job.rules else None
            return Plan(
                job_id=job.id, site_id=job.site_id, run=job.run, source=job.source,
                hosts=frozenset(job.legacy_domains), mapping=dict(job.mapping),
                default_channel_id=job.default_channel_id, channels=channels, rules=rules, publish=job.publish,
                per_second=job.per_second, resolve=dict(job.resolve),
            )  # fmt: skip

    async def _watch(self, job_id: int, cancel: asyncio.Event) -> None:
        """A cancel asked through the API (any process) or the service stopping: the crawl ends its round."""
        while not cancel.is_set():
            if self._stopping.is_set():
                cancel.set()
                return
            async with self.deps.platform_uow() as uow:
                job = await uow.repo.job(job_id)
            if job is None or job.state != "running":
                cancel.set()
                return
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stopping.wait(), 0.5)

    async def _finish(self, job_id: int, state: str, error: str | None = None) -> None:
        async with self.deps.platform_uow() as uow:
            job = await uow.repo.job(job_id, for_update=True)
            if job is None:
                return
            if state == "importing" and not (await uow.repo.counts(job.id)).get(("document", "staged")):
                state = "done"
            if self._stopping.is_set() and job.state == "running" and state == "cancelled":
                await uow.commit()  # the platform is stopping, not the job: it resumes at the next start
                return
            _settle(uow, job, state, error)
            await uow.commit()


def _settle(uow: TransitionUnitOfWork, job: Job, state: str, error: str | None = None) -> None:
    job.state, job.error = state, error
    uow.audit(job.site_id, job.id, RUNNER, f"job.{state}", error=error, pages=job.pages)
