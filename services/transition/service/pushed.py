"""Jobs whose legacy site the operator's machine pushes (a `wget -m` mirror, a WordPress or CMS export): the
platform cannot read the operator's disk, so the CLI sends the files, then the pages or records, in batches, and
says when it is done. Each page goes through the stager as a crawled one does (the same documents, URL map,
events and progress); a pushed file is kept in the blob store and adopted when a page links it."""

from __future__ import annotations

import base64
import binascii
import dataclasses
import hashlib
import tempfile
from collections.abc import AsyncIterator
from datetime import datetime
from pathlib import Path, PurePosixPath
from urllib.parse import urljoin, urlsplit

from services.transition.extract import ExtractedPage, SiteRules
from services.transition.extract.links import Link, body_links
from services.transition.models import Job, PushedFile
from services.transition.planning.channels import Channel
from services.transition.schemas import Pushed, PushedFileRead, PushedPage, PushedRecord
from services.transition.service.context import Migrator, TransitionDeps, TransitionUnitOfWork
from services.transition.service.files import Files, PushedCopier
from services.transition.service.jobs import get_job, is_pushed
from services.transition.service.staging import BEIJING, Plan, Stager, stage_article
from services.transition.sources.base import Fetched
from services.transition.sources.files import filename_of, media_type_of
from shared.errors import Conflict, InvalidInput, NotFound, PayloadTooLarge
from shared.legacy_urls import hosted_key
from shared.tenancy import site_blob_key

ONE_TRANSACTION = 1_000_000  # a pushed batch is staged whole, then kept in one transaction (or not at all)


async def push_pages(deps: TransitionDeps, who: Migrator, job_id: int, pages: list[PushedPage]) -> Pushed:
    """A batch of a mirror's pages, each read and decided as the crawl would have; nothing kept if one is bad."""
    plan = await _plan(deps, who, job_id)
    fetched = [_fetched(page, number, plan.hosts) for number, page in enumerate(pages)]
    stager = _stager(deps, plan)
    for one in fetched:
        await stager.page(one)
    await stager.flush()
    return Pushed(accepted=len(fetched), job=await get_job(deps, who, job_id))


async def push_records(deps: TransitionDeps, who: Migrator, job_id: int, records: list[PushedRecord]) -> Pushed:
    """A batch of an export's records, staged as documents (as an article page is); nothing kept if one is bad."""
    plan = await _plan(deps, who, job_id)
    for number, record in enumerate(records):
        _check_host(f"records[{number}].url", record.url, plan.hosts)
    stager = _stager(deps, plan)
    for record in records:
        await stage_article(stager, _page_of(record))
    await stager.flush()
    return Pushed(accepted=len(records), job=await get_job(deps, who, job_id))


async def put_file(
    deps: TransitionDeps, who: Migrator, job_id: int, url: str, declared: str | None, chunks: AsyncIterator[bytes]
) -> PushedFileRead:
    """A legacy file's bytes, streamed into the blob store under its SHA-256 (as a crawl copies it), and kept
    for the job: the pages pushed after it that link it adopt it."""
    plan = await _plan(deps, who, job_id)
    _check_host("url", url, plan.hosts)
    if len(hosted_key(url)) > 500:
        raise InvalidInput("url", f"地址过长（超过 500 个字符）：{url[:100]}…")
    with tempfile.TemporaryDirectory(prefix="migration-pushed-") as directory:
        path = Path(directory) / "file"
        size, digest = await _spool(chunks, path, deps.settings.max_file_bytes)
        media_type = media_type_of(path, (declared or "").split(";")[0].strip() or None, url)
        name = filename_of(url)[:200]
        key = site_blob_key(who.site_id, "migrated", digest[:2], digest + PurePosixPath(name).suffix.lower())
        if not await deps.blobs.exists(key):
            await deps.blobs.put_file(key, path, media_type)
    row = PushedFile(site_id=who.site_id, job_id=job_id, legacy_key=hosted_key(url), legacy_url=url, blob_key=key,
                     filename=name, media_type=media_type[:120], size=size, sha256=digest)  # fmt: skip
    async with deps.site_uow(who.site_id) as uow:
        await _pushed_job(uow, job_id)
        await uow.session.merge(row)
        await uow.commit()
    return PushedFileRead.model_validate(row)


async def finish(deps: TransitionDeps, who: Migrator, job_id: int) -> Pushed:
    """Reading done: the job waits for the content library's answers (importing), or is done if none is due."""
    async with deps.site_uow(who.site_id) as uow:
        job = await _pushed_job(uow, job_id, for_update=True)
        staged = (await uow.repo.counts(job.id)).get(("document", "staged"))
        job.state, job.error, job.updated_at = ("importing" if staged else "done"), None, deps.now()
        uow.audit(who.site_id, job.id, who, f"job.{job.state}", pages=job.pages)
        await uow.commit()
    return Pushed(accepted=0, job=await get_job(deps, who, job_id))


async def _pushed_job(uow: TransitionUnitOfWork, job_id: int, *, for_update: bool = False) -> Job:
    job = await uow.repo.job(job_id, for_update=for_update)
    if job is None:
        raise NotFound(f"本站点没有迁移任务 {job_id}")
    if not is_pushed(job):
        raise Conflict(f"迁移任务 {job_id} 由平台抓取旧网站，不接收上传", code="not_pushed")
    if job.state in ("cancelled", "cancelling"):
        raise Conflict(f"迁移任务 {job_id} 已取消，不再接收上传；再次启动后可继续上传", code="invalid_state")
    if job.state != "running":
        raise Conflict(f"迁移任务 {job_id} 当前为 {job.state} 状态，不接收上传（请先启动）", code="invalid_state")
    return job


async def _plan(deps: TransitionDeps, who: Migrator, job_id: int) -> Plan:
    """What staging needs of the job, read as the runner reads it at a run's start."""
    async with deps.site_uow(who.site_id) as uow:
        job = await _pushed_job(uow, job_id)
        channels = tuple(
            Channel(row.id, row.snapshot["name"], row.snapshot["path"])
            for row in await uow.repo.channels(job.site_id)
            if row.snapshot.get("kind") != "link"
        )
        return Plan(
            job_id=job.id, site_id=job.site_id, run=job.run, source=job.source, hosts=frozenset(job.legacy_domains),
            mapping=dict(job.mapping), default_channel_id=job.default_channel_id, channels=channels,
            rules=SiteRules(**job.rules) if job.rules else None, publish=job.publish, per_second=job.per_second,
            resolve={},
        )  # fmt: skip


def _stager(deps: TransitionDeps, plan: Plan) -> Stager:
    """A stager that keeps the whole batch for one flush, and takes files from what the client pushed."""
    whole = dataclasses.replace(deps, settings=deps.settings.model_copy(update={"stage_batch": ONE_TRANSACTION}))
    return Stager(whole, plan, Files(PushedCopier(deps, plan.site_id, plan.job_id)))


def _fetched(page: PushedPage, number: int, hosts: frozenset[str]) -> Fetched:
    _check_host(f"pages[{number}].url", page.url, hosts)
    if page.body_base64 is not None and page.body is not None:
        raise InvalidInput(f"pages[{number}]", "body_base64 与 body 只能给出其一")
    try:
        body = base64.b64decode(page.body_base64, validate=True) if page.body_base64 is not None else b""
    except (binascii.Error, ValueError):
        raise InvalidInput(f"pages[{number}].body_base64", f"{page.url} 的内容不是有效的 base64") from None
    if page.body is not None:
        body = page.body.encode("utf-8")
    return Fetched(page.url, page.status, body, page.content_type, location=page.location)


def _check_host(field: str, url: str, hosts: frozenset[str]) -> None:
    if (urlsplit(url).hostname or "").lower() not in hosts:
        raise InvalidInput(field, f"{url} 不在本任务的旧网站域名（{'、'.join(sorted(hosts))}）之内")


def _page_of(record: PushedRecord) -> ExtractedPage:
    """A record as the page an article would have been read into: its links found in its body, its files."""
    links = body_links(record.body_html, record.url)
    known = {link.url for link in links}
    for given in record.attachments:
        url = urljoin(record.url, given)
        if url not in known:
            links.append(Link(url, filename_of(url), "attachment"))
            known.add(url)
    return ExtractedPage(
        record.url, "article", "utf-8", True, title=record.title, published_at=_local(record.published_at),
        source=record.source, column=record.column, keywords=record.keywords[:10], body_html=record.body_html,
        found_by="export", disclosure=dict(record.disclosure), links=links,
    )  # fmt: skip


def _local(moment: datetime | None) -> datetime | None:
    """Beijing time without its zone, as the extractor gives a page's date (the stager adds the zone back)."""
    if moment is None or moment.tzinfo is None:
        return moment
    return moment.astimezone(BEIJING).replace(tzinfo=None)


async def _spool(chunks: AsyncIterator[bytes], path: Path, limit: int) -> tuple[int, str]:
    """The body to a temporary file (a 200 MB file costs no memory), refused past the size limit."""
    digest, size = hashlib.sha256(), 0
    with path.open("wb") as out:
        async for chunk in chunks:
            size += len(chunk)
            if size > limit:
                raise PayloadTooLarge(f"文件超过 {limit // 2**20} MB 的上限（{limit} 字节）")
            digest.update(chunk)
            out.write(chunk)
    if size == 0:
        raise InvalidInput("body", "文件内容为空")
    return size, digest.hexdigest()
