"""`sitegroup import-site <directory|export> --site <id>` without --dry-run: the platform cannot read this disk, so
the import is pushed to a job through the API — a `wget -m` mirror's files, then its pages; a WordPress (WXR) or CMS
export's records (with the files their bodies link, fetched from the legacy host here) — in batches, read as they
stream (memory stays flat). Then the job is followed to the end as a crawled one is. Run again, the same job runs
again (nothing unchanged is staged twice); Ctrl-C cancels it, and running the command again resumes it."""

from __future__ import annotations

import asyncio
import base64
import tempfile
from collections.abc import AsyncIterator, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated
from urllib.parse import urlsplit

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from services.transition import (
    FieldMapping,
    MappingError,
    MirrorError,
    ResolvingTransport,
    WxrError,
    body_links,
    export_records,
    hosts_in,
    is_file,
    mirror_pages,
    wxr_records,
)
from sitegroup.import_job import ImportPlan, follow_job, job_body, print_summary, refusal_of
from sitegroup.operator_api import operator_client, run_against_platform

console = Console()
MappingFileOption = Annotated[
    Path | None, typer.Option(help="a CMS export's field mapping (JSON: format, fields …); the export is then pushed")
]
BATCH = 200  # pages or records per request, at most (the API's limit)
BATCH_BYTES = 16 * 2**20  # and about this much of their bodies
STARTABLE = ("planned", "cancelled", "done", "failed")
UNREADABLE = (MirrorError, WxrError, MappingError, OSError)


@dataclass
class Source:
    """What is pushed: a mirror's pages, or an export's records; the legacy hosts they were served from."""

    label: str
    domains: list[str]
    pages: Path | None = None  # a mirror's directory
    records: Iterable | None = None  # Records, re-readable (a pre-pass found the hosts)
    pushed_files: set[str] = field(default_factory=set)


def push_import(plan: ImportPlan, url: str | None, token: str | None) -> None:
    """Plan (or run again) the job, push the source, finish it, and follow the import to the end."""
    try:
        source = _source(plan)
    except UNREADABLE as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from None
    client = operator_client(url, token)
    job = run_against_platform(client, lambda: _run(client, plan, source))
    print_summary(job)
    if job["state"] != "done":
        raise typer.Exit(1)


def _source(plan: ImportPlan) -> Source:
    path = Path(plan.source)
    label = f"upload:{path.resolve()}"[:200]
    if path.is_dir():
        domain = plan.legacy_domains[0] if plan.legacy_domains else None
        domains = plan.legacy_domains or hosts_in(path)
        next(mirror_pages(path, legacy_domain=domain), None)  # a directory that is no mirror says so now
        return Source(label, [d.lower() for d in domains], pages=path)
    if not path.is_file():
        raise MirrorError(f"不是目录也不是文件：{path}")
    if plan.mapping_file is not None:
        mapping = FieldMapping.read(plan.mapping_file)
        records = _Replay(lambda: export_records(path, mapping))
    elif path.suffix.lower() == ".xml":
        records = _Replay(lambda: wxr_records(path))
    else:
        raise MappingError(f"{path.name}：CMS 导出文件须用 --mapping-file 指明字段映射（WordPress 导出为 .xml）")
    domains = plan.legacy_domains or sorted({urlsplit(r.url).hostname or "" for r in records} - {""})
    return Source(label, [d.lower() for d in domains], records=records)


class _Replay:
    """An export read again each time it is iterated (a pre-pass, then the push): never held in memory."""

    def __init__(self, read) -> None:  # noqa: ANN001 - a function returning a fresh iterator of records
        self.read = read

    def __iter__(self) -> Iterator:
        return iter(self.read())


async def _run(client: httpx.AsyncClient, plan: ImportPlan, source: Source) -> dict:
    async with client:
        job = await _job(client, plan, source)
        jobs = f"/api/v1/transition/sites/{plan.site}/jobs/{job['id']}"
        console.print(f"迁移任务 [bold]{job['id']}[/]（第 {job['run']} 次）：上传 {plan.source} → 站点 {plan.site}")
        try:
            if source.pages is not None:
                await _push_mirror(client, jobs, source)
            else:
                await _push_records(client, jobs, source, plan.resolve)
            await _call(client, "POST", f"{jobs}/finish")
        except (KeyboardInterrupt, asyncio.CancelledError, typer.Exit, *UNREADABLE) as stop:
            if isinstance(stop, UNREADABLE):
                console.print(f"[red]{stop}[/]")  # an export broken half-way, a file gone from the mirror
            await client.post(f"{jobs}/cancel")
            console.print(f"[yellow]已取消[/]；再次运行同一命令可从头补传（未变的内容不会重复导入）：任务 {job['id']}")
            raise typer.Exit(130 if isinstance(stop, KeyboardInterrupt | asyncio.CancelledError) else 2) from None
        return await follow_job(client, plan.site, job["id"])  # the import goes on without us if stopped now


async def _job(client: httpx.AsyncClient, plan: ImportPlan, source: Source) -> dict:
    """The job this source was pushed to before (run again, or resumed), or a new one."""
    base = f"/api/v1/transition/sites/{plan.site}/jobs"
    body = {**await job_body(client, plan), "source": source.label, "legacy_domains": source.domains}
    known = await _call(client, "GET", base)
    same = sorted(source.domains)  # another set of legacy hosts is another job (a job's hosts never change)
    job = next((j for j in known if j["source"] == source.label and sorted(j["legacy_domains"]) == same), None)
    if job is None:
        return await _call(client, "POST", base, json=body)
    if job["state"] not in (*STARTABLE, "running"):
        job = await follow_job(client, plan.site, job["id"])  # the last run's answers first
    change = {"publish": body["publish"], "mapping": {**job["mapping"], **body["mapping"]}}
    change |= {k: body[k] for k in ("default_channel_id", "rules") if k in body}
    if job["state"] != "running":
        await _call(client, "PATCH", f"{base}/{job['id']}", json=change)
        job = await _call(client, "POST", f"{base}/{job['id']}/start")
    return job


async def _push_mirror(client: httpx.AsyncClient, jobs: str, source: Source) -> None:
    """Files first (a page adopts the files pushed before it), then the pages, a batch at a time."""
    assert source.pages is not None
    domain = source.domains[0] if len(source.domains) == 1 else None
    with _bar() as progress:
        files, pages = progress.add_task("上传附件", total=None), progress.add_task("上传页面", total=None)
        others = 0
        for fetched in mirror_pages(source.pages, legacy_domain=domain):
            if fetched.is_html:
                others += 1
            elif is_file(fetched.url):
                await _put_file(client, jobs, fetched.url, fetched.body, fetched.content_type)
                progress.advance(files)
        progress.update(pages, total=others)
        batch = _Batch()
        for fetched in mirror_pages(source.pages, legacy_domain=domain):
            if fetched.is_html and batch.add(_page(fetched)):
                await _call(client, "POST", f"{jobs}/pages", json={"pages": batch.take()})
                progress.update(pages, completed=batch.sent)
        if batch.items:
            await _call(client, "POST", f"{jobs}/pages", json={"pages": batch.take()})
        progress.update(pages, completed=batch.sent)


async def _push_records(client: httpx.AsyncClient, jobs: str, source: Source, resolve: list[str]) -> None:
    """Each record's files (fetched from the legacy host by this machine), then the records, a batch at a time."""
    servers = dict(pair.split("=", 1) for pair in resolve if "=" in pair)
    async with httpx.AsyncClient(transport=ResolvingTransport(servers), timeout=60, follow_redirects=True) as legacy:
        with _bar() as progress:
            task, batch = progress.add_task("上传记录", total=None), _Batch()
            for record in source.records or ():
                body = _record(record)
                if body is None:
                    continue
                for url in _files_of(record, source.domains):
                    if url not in source.pushed_files:
                        source.pushed_files.add(url)
                        await _fetch_and_put(client, legacy, jobs, url)
                if batch.add(body):
                    await _call(client, "POST", f"{jobs}/records", json={"records": batch.take()})
                    progress.update(task, completed=batch.sent)
            if batch.items:
                await _call(client, "POST", f"{jobs}/records", json={"records": batch.take()})
            progress.update(task, completed=batch.sent, total=batch.sent)


@dataclass
class _Batch:
    items: list[dict] = field(default_factory=list)
    size: int = 0
    sent: int = 0

    def add(self, item: dict) -> bool:
        """Kept; True when the batch is full and should be sent."""
        self.items.append(item)
        self.size += len(item.get("body_base64") or item.get("body_html") or "")
        return len(self.items) >= BATCH or self.size >= BATCH_BYTES

    def take(self) -> list[dict]:
        items, self.items, self.size = self.items, [], 0
        self.sent += len(items)
        return items


def _page(fetched) -> dict:  # noqa: ANN001 - a Fetched of the mirror
    body = base64.b64encode(fetched.body).decode()
    return {"url": fetched.url, "status": fetched.status, "content_type": fetched.content_type, "body_base64": body}


def _record(record) -> dict | None:  # noqa: ANN001 - a Record of an export
    """The record as the API takes it; one without a title or a body has nothing to import."""
    if not record.title.strip() or not record.body_html.strip():
        return None
    return {
        "url": record.url, "title": record.title[:500], "body_html": record.body_html, "column": record.column,
        "published_at": record.published_at.isoformat() if record.published_at else None,
        "source": (record.source or "")[:200] or None, "author": (record.author or "")[:200] or None,
        "keywords": [k[:100] for k in record.keywords][:50], "disclosure": record.disclosure,
        "attachments": record.attachments[:100],
    }  # fmt: skip


def _files_of(record, domains: list[str]) -> list[str]:  # noqa: ANN001 - a Record
    links = [link.url for link in body_links(record.body_html, record.url) if link.kind in ("attachment", "image")]
    return [u for u in dict.fromkeys([*links, *record.attachments]) if (urlsplit(u).hostname or "") in domains]


async def _fetch_and_put(client: httpx.AsyncClient, legacy: httpx.AsyncClient, jobs: str, url: str) -> None:
    """A file an export's record links, read from the legacy host here; one that cannot be read is left out
    (the import reports it as not uploaded)."""
    with tempfile.TemporaryFile() as spool:
        try:
            async with legacy.stream("GET", url) as answer:
                if answer.status_code != 200:
                    console.print(f"[yellow]附件无法下载[/]（{answer.status_code}）：{url}")
                    return
                async for chunk in answer.aiter_bytes(1 << 16):
                    spool.write(chunk)
                kind = answer.headers.get("content-type")
        except httpx.HTTPError as exc:
            console.print(f"[yellow]附件无法下载[/]（{type(exc).__name__}）：{url}")
            return
        await _put_file(client, jobs, url, spool, kind)


async def _chunks(spool) -> AsyncIterator[bytes]:  # noqa: ANN001 - a temporary file, read from its start
    spool.seek(0)
    while chunk := spool.read(1 << 16):
        yield chunk


async def _put_file(client: httpx.AsyncClient, jobs: str, url: str, data, kind: str | None) -> None:  # noqa: ANN001
    """Bytes, or a temporary file streamed (a 200 MB file costs no memory here either)."""
    headers = {"content-type": kind or "application/octet-stream"}
    content = (lambda: data) if isinstance(data, bytes) else (lambda: _chunks(data))
    await _call(client, "PUT", f"{jobs}/files", params={"url": url}, content_of=content, headers=headers)


async def _call(client: httpx.AsyncClient, method: str, path: str, content_of=None, **request) -> dict | list:  # noqa: ANN001, ANN003
    """One API call; a busy gateway (429) is waited for, a refusal is printed with its reason and stops the push."""
    while True:
        if content_of is not None:
            request["content"] = content_of()  # a stream is read again from its start
        answer = await client.request(method, path, **request)
        if answer.status_code != 429:
            break
        await asyncio.sleep(float(answer.headers.get("retry-after") or 1))
    if answer.status_code >= 400:
        console.print(f"[red]平台拒绝了上传（{answer.status_code}）[/]：{refusal_of(answer)}")
        raise typer.Exit(2)
    return answer.json()


def _bar() -> Progress:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    return Progress(*columns, console=console)
