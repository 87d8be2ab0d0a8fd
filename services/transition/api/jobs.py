"""A target site's migration jobs: planned, started, cancelled and resumed, read with progress and log."""

from __future__ import annotations

from fastapi import APIRouter, status

from services.transition.api.deps import Deps, JobPath, MigratorDep
from services.transition.schemas import JobCreate, JobRead, JobUpdate, LogEntry
from services.transition.service import jobs

PREFIX = "/api/v1/transition"
router = APIRouter(prefix=f"{PREFIX}/sites/{{site_id}}/jobs", tags=["transition/jobs"])
STATE = {409: {"description": "the job's state does not allow it (running, already cancelled …)"}}


@router.get("", response_model=list[JobRead], summary="The site's migration jobs, newest first")
async def list_jobs(deps: Deps, who: MigratorDep) -> list[JobRead]:
    return await jobs.list_jobs(deps, who)


@router.post("", response_model=JobRead, status_code=status.HTTP_201_CREATED, summary="Plan (and start) a job")
async def create_job(deps: Deps, who: MigratorDep, body: JobCreate) -> JobRead:
    return await jobs.create_job(deps, who, body)


@router.get("/{job_id}", response_model=JobRead, summary="A job with its progress")
async def get_job(deps: Deps, who: MigratorDep, job_id: JobPath) -> JobRead:
    return await jobs.get_job(deps, who, job_id)


@router.patch("/{job_id}", response_model=JobRead, responses=STATE, summary="Change a job's plan between runs")
async def update_job(deps: Deps, who: MigratorDep, job_id: JobPath, body: JobUpdate) -> JobRead:
    return await jobs.update_job(deps, who, job_id, body)


@router.post("/{job_id}/start", response_model=JobRead, responses=STATE, summary="Start, resume or run again")
async def start_job(deps: Deps, who: MigratorDep, job_id: JobPath) -> JobRead:
    return await jobs.start_job(deps, who, job_id)


@router.post("/{job_id}/cancel", response_model=JobRead, responses=STATE, summary="Cancel (resumable)")
async def cancel_job(deps: Deps, who: MigratorDep, job_id: JobPath) -> JobRead:
    return await jobs.cancel_job(deps, who, job_id)


@router.get("/{job_id}/log", response_model=list[LogEntry], summary="Every step and decision of the job")
async def job_log(deps: Deps, who: MigratorDep, job_id: JobPath) -> list[LogEntry]:
    return await jobs.job_log(deps, who, job_id)
