"""`sitegroup import-site` and `sitegroup verify-site`: a legacy site's migration from the operator's shell.

`import-site … --dry-run` previews it here (a polite crawl, a `wget -m` mirror or a WordPress export read, the
report printed, nothing written). Without --dry-run it plans the job on the platform — the migration service
crawls a live legacy site; a mirror or an export on this disk is pushed to the job (sitegroup/import_pushed.py) —
and follows its progress with a bar. `verify-site` asks the platform for
every legacy URL of the site's URL map, with the legacy Host, and prints a table of what does not land right."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from services.transition import Preview, PreviewError, preview_site, read_rules, site_channels
from sitegroup.import_job import ImportPlan, follow_import
from sitegroup.import_pushed import MappingFileOption, push_import
from sitegroup.operator_api import TokenOption, UrlOption
from sitegroup.settings import PlatformSettings

console = Console()


def import_site(
    source: Annotated[str, typer.Argument(help="the live site's address, a `wget -m` directory, or a WXR .xml")],
    site: Annotated[str, typer.Option("--site", help="the target site on the platform")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="read and report; write nothing")] = False,
    legacy_domain: Annotated[list[str], typer.Option(help="a legacy host (a mirror's, or more for a county)")] = [],  # noqa: B006
    rules: Annotated[Path | None, typer.Option(help="JSON of CSS selectors: title, body, date, source, remove")] = None,
    max_pages: Annotated[int, typer.Option(min=1, help="stop the crawl after this many URLs")] = 200_000,
    per_second: Annotated[float, typer.Option(min=0.1, help="crawl requests per second, at most")] = 4.0,
    section: Annotated[
        list[str], typer.Option("--map", help="legacy section=channel path, e.g. 通知公告=zwdt/tzgg")
    ] = [],  # noqa: B006
    default_channel: Annotated[str | None, typer.Option(help="channel path for sections not mapped")] = None,
    resolve: Annotated[list[str], typer.Option(help="host=ip:port of the old server, once DNS points here")] = [],  # noqa: B006
    draft: Annotated[bool, typer.Option("--draft", help="import as drafts for review instead of publishing")] = False,
    mapping_file: MappingFileOption = None,
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Preview (--dry-run) or run a legacy site's migration onto a site of the platform."""
    if not dry_run:
        plan = ImportPlan(
            source, site, legacy_domain, rules, per_second, section, default_channel, resolve, draft, mapping_file
        )
        live = source.startswith(("http://", "https://"))
        (follow_import if live else push_import)(plan, url, token)  # a disk's mirror or export is pushed
        return
    try:
        domain = legacy_domain[0] if legacy_domain else None
        found = asyncio.run(_preview(source, site, domain, rules, max_pages, per_second, url))
    except PreviewError as exc:
        console.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from None
    _print(found, site)


async def _preview(source, site, legacy_domain, rules, max_pages, per_second, url) -> Preview:  # noqa: ANN001
    platform = url or PlatformSettings().as_served().base_url
    channels = await site_channels(platform, site)
    columns = (SpinnerColumn(), TextColumn("{task.completed} 个网址"), TextColumn("{task.description}"))
    with Progress(*columns, TimeElapsedColumn(), console=console, transient=True) as progress:
        task = progress.add_task("", total=None)

        def tick(seen: str) -> None:
            progress.update(task, advance=1, description=seen[-70:])

        return await preview_site(
            source, channels=channels, legacy_domain=legacy_domain, rules=read_rules(rules), max_pages=max_pages,
            per_second=per_second, tick=tick,
        )  # fmt: skip


def _print(found: Preview, site: str) -> None:
    summary = found.report.summary()
    console.print(
        f"[bold]预览[/]：{summary['documents']} 篇文章，{summary['lists']} 个列表页，{summary['others']} 个其他页面，"
        f"{summary['attachments']} 个附件，{summary['duplicate_count']} 篇重复"
    )
    table = Table(title=f"栏目映射建议（目标站点 {site}）")
    for name in ("原栏目", "原路径", "文章", "建议栏目", "依据", "确认"):
        table.add_column(name, justify="right" if name == "文章" else "left")
    rules = {"name": "同名", "synonym": "同义", "slug": "路径", "similar": "相近", "none": "—"}
    for s in found.suggestions:
        channel = f"{s.channel.name} {s.channel.path}" if s.channel else "（未映射）"
        sure = "✓" if s.sure else "请确认"
        table.add_row(s.section.name, s.section.path, str(s.section.pages), channel, rules[s.rule], sure)
    console.print(table)
    if summary["failures"]:
        failures = Table(title="未能识别的页面")
        failures.add_column("原因")
        failures.add_column("页数", justify="right")
        failures.add_column("例")
        for f in summary["failures"]:
            failures.add_row(f["reason"], str(f["pages"]), "\n".join(f["samples"][:3]))
        console.print(failures)
    if summary["missing_links"]:
        console.print(f"[yellow]正文链接到 {len(summary['missing_links'])} 个不会迁移的原站地址[/]，例：")
        for link in summary["missing_links"][:10]:
            console.print(f"  {link['legacy_url']}（{link['linked_from']} 处）")
