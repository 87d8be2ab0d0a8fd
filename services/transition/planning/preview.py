"""The preview of a migration, from the operator's machine: a live site crawled politely, a mirror on disk or a
WordPress export read, the dry run's report made, and its sections matched to the target site's channels.
Nothing is written; what the import would do is printed (`sitegroup import-site … --dry-run`)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import httpx

from services.transition.extract import SiteRules
from services.transition.planning.channels import Channel, Section, Suggestion, sections_of, suggest
from services.transition.planning.dryrun import DryRun
from services.transition.planning.report import DryRunReport
from services.transition.sources.base import Fetched
from services.transition.sources.crawl import Crawler, CrawlPolicy, MemoryFrontier
from services.transition.sources.http11 import Http11Transport
from services.transition.sources.mirror import mirror_pages
from services.transition.sources.wxr import wxr_records

Tick = Callable[[str], None]  # told each URL as it is read (a progress bar)


class PreviewError(ValueError):
    """A source or a rules file the preview cannot use: the message says which and why."""


@dataclass
class Preview:
    report: DryRunReport
    sections: list[Section]
    suggestions: list[Suggestion]


def read_rules(path: Path | None) -> SiteRules | None:
    """A JSON file of CSS selectors: {"title": …, "body": …, "date": …, "source": …, "remove": […]}."""
    if path is None:
        return None
    try:
        given = json.loads(path.read_text(encoding="utf-8"))
        return SiteRules(**{k: given[k] for k in ("title", "body", "date", "source", "remove") if k in given})
    except (OSError, ValueError, TypeError) as exc:
        raise PreviewError(f"规则文件无法读取：{exc}") from exc


async def preview_site(
    source: str,
    *,
    channels: list[Channel],
    legacy_domain: str | None = None,
    rules: SiteRules | None = None,
    max_pages: int = 200_000,
    per_second: float = 4.0,
    tick: Tick = lambda _: None,
) -> Preview:
    run, seen = DryRun({}, rules), []

    def keep(page) -> None:  # noqa: ANN001 - the extracted page, or None for a file
        if page is not None and page.kind == "article":
            seen.append((page.url, page.column, page.breadcrumbs))

    if source.startswith(("http://", "https://")):
        await _crawl(source, run, keep, max_pages=max_pages, per_second=per_second, tick=tick)
    elif Path(source).is_dir():
        for fetched in mirror_pages(Path(source), legacy_domain=legacy_domain):
            tick(fetched.url)
            keep(run.page(fetched))
    elif Path(source).is_file() and source.endswith(".xml"):
        for record in wxr_records(Path(source)):
            tick(record.url)
            run.record(record)
            seen.append((record.url, record.column, []))
    else:
        raise PreviewError(f"不认识的来源：{source}（应为网址、镜像目录或 WordPress 导出的 .xml 文件）")
    sections = sections_of(seen)
    return Preview(run.finish(), sections, suggest(sections, channels))


async def _crawl(start: str, run: DryRun, keep, *, max_pages: int, per_second: float, tick: Tick) -> None:  # noqa: ANN001
    host = urlsplit(start).hostname or ""
    policy = CrawlPolicy(hosts=frozenset({host}), per_second=per_second, max_pages=max_pages)
    async with Http11Transport() as transport:

        async def seen(fetched: Fetched) -> None:
            tick(fetched.url)
            keep(await asyncio.to_thread(run.page, fetched))

        await Crawler(transport, MemoryFrontier(), policy).run([start], seen)


async def site_channels(platform: str, site_id: str) -> list[Channel]:
    """The target site's channels, from the platform's public API."""
    async with httpx.AsyncClient(base_url=platform, timeout=30) as client:
        answer = await client.get(f"/api/v1/content/sites/{site_id}/channels")
    if answer.status_code == 404:
        raise PreviewError(f"平台上没有站点 {site_id}")
    answer.raise_for_status()
    return [Channel(c["id"], c["name"], c["path"]) for c in answer.json()]
