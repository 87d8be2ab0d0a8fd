"""`sitegroup import-site <url> --site <id>` without --dry-run: the job planned on the platform through its API
(sections mapped to channels by path, the old server reachable by --resolve), then followed with a progress bar
until the content library has answered for every document. Ctrl-C cancels the job; starting it again resumes.
A mirror on disk or an export file is pushed to a job instead (sitegroup/import_pushed.py)."""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from pathlib import Path

import httpx
import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from sitegroup.operator_api import operator_client, run_against_platform

console = Console()
FINAL = ("done", "failed", "cancelled")


@dataclass(frozen=True)
class ImportPlan:
    source: str
    site: str
    legacy_domains: list[str]
    rules: Path | None
    per_second: float
    sections: list[str]  # 通知公告=zwdt/tzgg
    default_channel: str | None
    resolve: list[str]  # old.feixi.gov.cn=10.0.0.5:80
    draft: bool
    mapping_file: Path | None = None  # a CMS export's field mapping (sources/exports.py)


def follow_import(plan: ImportPlan, url: str | None, token: str | None) -> None:
    """A live legacy site: the platform crawls it (a mirror or an export is pushed: sitegroup/import_pushed.py)."""
    client = operator_client(url, token)
    job = run_against_platform(client, lambda: _run(client, plan))
    print_summary(job)
    if job["state"] != "done":
        raise typer.Exit(1)


async def _run(client: httpx.AsyncClient, plan: ImportPlan) -> dict:
    async with client:
        body = await job_body(client, plan)
        created = await client.post(f"/api/v1/transition/sites/{plan.site}/jobs", json=body)
        if created.status_code != 201:
            console.print(f"[red]平台拒绝了迁移任务（{created.status_code}）[/]：{refusal_of(created)}")
            raise typer.Exit(2)
        job = created.json()
        console.print(f"迁移任务 [bold]{job['id']}[/] 已开始：{plan.source} → 站点 {plan.site}")
        try:
            return await follow_job(client, plan.site, job["id"])
        except (KeyboardInterrupt, asyncio.CancelledError):
            await client.post(f"/api/v1/transition/sites/{plan.site}/jobs/{job['id']}/cancel")
            console.print(f"[yellow]已取消[/]；再次启动可从中断处继续：POST …/jobs/{job['id']}/start")
            raise typer.Exit(130) from None


async def job_body(client: httpx.AsyncClient, plan: ImportPlan) -> dict:
    answer = await client.get(f"/api/v1/content/sites/{plan.site}/channels")
    if answer.status_code == 404:
        console.print(f"[red]平台上没有站点 {plan.site}[/]")
        raise typer.Exit(2)
    by_path = {c["path"].strip("/"): c["id"] for c in answer.json()}

    def channel(path: str) -> int:
        if path.strip("/") not in by_path:
            console.print(f"[red]站点 {plan.site} 没有栏目 {path}[/]（栏目路径如 zwdt/tzgg）")
            raise typer.Exit(2)
        return by_path[path.strip("/")]

    mapping = {}
    for pair in plan.sections:
        name, _, path = pair.partition("=")
        mapping[name.strip()] = channel(path)
    body = {
        "source": plan.source, "legacy_domains": plan.legacy_domains, "mapping": mapping, "publish": not plan.draft,
        "per_second": plan.per_second, "resolve": dict(r.split("=", 1) for r in plan.resolve if "=" in r),
    }  # fmt: skip
    if plan.default_channel:
        body["default_channel_id"] = channel(plan.default_channel)
    if plan.rules is not None:
        body["rules"] = json.loads(plan.rules.read_text(encoding="utf-8"))
    return body


async def follow_job(client: httpx.AsyncClient, site: str, job_id: int) -> dict:
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        reading = progress.add_task("读取页面", total=None)
        importing = progress.add_task("导入文章", total=None)
        while True:
            job = (await client.get(f"/api/v1/transition/sites/{site}/jobs/{job_id}")).json()
            counts = job["progress"]
            progress.update(reading, completed=counts["pages"], description=f"读取页面（{job['state']}）")
            answered = counts["imported"] + counts["refused"]
            progress.update(importing, completed=answered, total=max(counts["documents"] - counts["unmapped"], 1))
            if job["state"] in FINAL:
                return job
            await asyncio.sleep(0.5)


def print_summary(job: dict) -> None:
    counts = job["progress"]
    table = Table(title=f"迁移任务 {job['id']}：{job['state']}")
    for name in ("页面", "文章", "已导入", "被拒绝", "未对应", "列表页", "附件", "410"):
        table.add_column(name, justify="right")
    table.add_row(
        *(str(counts[k]) for k in ("pages", "documents", "imported", "refused", "unmapped", "lists", "files", "gone"))
    )
    console.print(table)
    if job.get("error"):
        console.print(f"[red]{job['error']}[/]")
    if counts["unmapped"] or counts["refused"]:
        console.print("未对应与被拒绝的地址：GET /api/v1/transition/sites/<站点>/urlmap?state=unmapped&state=refused")


def refusal_of(answer: httpx.Response) -> str:
    try:
        return answer.json()["error"]["message"]
    except (ValueError, KeyError, TypeError):
        return answer.text[:300]
