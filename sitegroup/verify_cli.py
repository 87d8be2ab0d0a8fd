"""`sitegroup verify-site <site-id>`: every decided legacy URL of the site's URL map asked of the platform as a
citizen's bookmark asks it — with its legacy Host, through the gateway — and checked: a 301 to a page that shows
the document's title and date, or the page the operator chose, or a 410. A table names what fails; exit 1 then."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, timedelta, timezone
from typing import Annotated
from urllib.parse import urlsplit

import httpx
import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from services.transition import Expectation, Verdict, verify_urls
from sitegroup.operator_api import TokenOption, UrlOption, operator_client, run_against_platform

console = Console()
DECIDED = ("imported", "mapped", "gone")
PAGE = 1000
BEIJING = timezone(timedelta(hours=8))


def verify_site(
    site: Annotated[str, typer.Argument(help="the target site whose legacy URLs to check")],
    concurrency: Annotated[int, typer.Option(min=1, max=64, help="requests at once")] = 8,
    url: UrlOption = None,
    token: TokenOption = None,
) -> None:
    """Check that every legacy URL of a migrated site lands on the right page (or answers 410)."""
    client = operator_client(url, token)
    verdicts = run_against_platform(client, lambda: _verify(client, site, concurrency))
    failed = [v for v in verdicts if not v.ok]
    _print(site, verdicts, failed)
    if failed:
        raise typer.Exit(1)


async def _verify(client: httpx.AsyncClient, site: str, concurrency: int) -> list[Verdict]:
    async with client:
        by_host = await _expectations(client, site)
        verdicts: list[Verdict] = []
        with Progress(console=console, transient=True) as progress:
            task = progress.add_task("核对旧地址", total=sum(len(e) for e in by_host.values()))
            # the gateway itself is asked, whatever DNS says of the legacy hosts
            async with httpx.AsyncClient(base_url=str(client.base_url), timeout=60) as gateway:
                for host, expected in by_host.items():
                    for start in range(0, len(expected), PAGE):
                        part = await verify_urls(gateway, host, expected[start : start + PAGE], concurrency=concurrency)
                        verdicts += part
                        progress.update(task, advance=len(part))
    return verdicts


async def _expectations(client: httpx.AsyncClient, site: str) -> dict[str, list[Expectation]]:
    """The URL map's decided entries, page by page, as what each legacy host should answer."""
    by_host: dict[str, list[Expectation]] = defaultdict(list)
    offset = 0
    while True:
        params = [("state", s) for s in DECIDED] + [("offset", offset), ("limit", PAGE)]
        answer = await client.get(f"/api/v1/transition/sites/{site}/urlmap", params=params)
        if answer.status_code != 200:
            console.print(f"[red]无法读取站点 {site} 的网址映射（{answer.status_code}）[/]：{answer.text[:200]}")
            raise typer.Exit(2)
        page = answer.json()
        for row in page["items"]:
            if row["state"] == "imported" and not row["target"]:
                continue  # imported as a draft: nothing public to land on yet
            host, _, rest = row["legacy_key"].removeprefix("//").partition("/")
            published = _beijing_day(row["published_at"]) if row["kind"] == "document" else None
            by_host[host].append(
                Expectation(
                    legacy_url="/" + rest, gone=row["state"] == "gone",
                    title=row["title"] if row["kind"] == "document" else None,
                    published=published,
                )
            )  # fmt: skip
        offset += len(page["items"])
        if not page["items"] or offset >= page["total"]:
            return by_host


def _beijing_day(moment: str | None) -> date | None:
    """The date a page shows: its publication time in Beijing, not in UTC."""
    return datetime.fromisoformat(moment).astimezone(BEIJING).date() if moment else None


def _print(site: str, verdicts: list[Verdict], failed: list[Verdict]) -> None:
    console.print(f"站点 {site}：核对 {len(verdicts)} 个旧地址，[green]{len(verdicts) - len(failed)} 个正确[/]，"
                  f"{'[red]' if failed else ''}{len(failed)} 个有问题{'[/]' if failed else ''}")  # fmt: skip
    if not failed:
        return
    table = Table(title="有问题的旧地址")
    for name in ("旧地址", "状态", "跳转到", "问题"):
        table.add_column(name)
    for v in failed[:200]:
        landed = urlsplit(v.landed).path if v.landed else ""
        table.add_row(v.legacy_url, str(v.status or "—"), landed, v.problem)
    console.print(table)
    if len(failed) > 200:
        console.print(f"（另有 {len(failed) - 200} 个未列出）")
