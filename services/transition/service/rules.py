"""A job's rules tried on sample pages before they are saved: each sample is read live from the legacy site and
extracted with the proposed rules beside the saved ones, so an operator sees what a selector changes, and a
selector that cannot work is refused naming its field instead of silently never matching."""

from __future__ import annotations

import asyncio
import re
from dataclasses import asdict
from urllib.parse import urlsplit

import httpx
import nh3
from cssselect import SelectorError
from lxml import etree
from lxml.cssselect import CSSSelector

from services.transition.extract import ExtractedPage, SiteRules, UndecodablePage, extract_page
from services.transition.models import Job, LegacyUrl
from services.transition.schemas import Extraction, RulesPreview, RulesPreviewIn, SamplePreview, SampleUrl, SiteRulesIn
from services.transition.service.context import Migrator, TransitionDeps, TransitionUnitOfWork
from services.transition.sources.base import Fetched
from services.transition.sources.resolve import ResolvingTransport
from shared.errors import InvalidInput, NotFound
from shared.legacy_urls import hosted_key

SELECTORS = ("title", "body", "date", "source")
TIMEOUT = 10.0  # an operator waits for the preview: a slow legacy server fails the sample, not the page
MAX_PAGE_BYTES = 5 * 2**20
SHOWN_CHARS = 6000
SAMPLES = 5
USER_AGENT = "Mozilla/5.0 (compatible; SiteGroupMigration/1.0; rules preview)"
# the body is shown inside the console's page: no headings, landmarks, links or images of the legacy site
SHOWN_TAGS = nh3.ALLOWED_TAGS - {"a", "img", "map", "area", "h1", "h2", "h3", "h4", "h5", "h6", "nav", "header",
                                 "footer", "article", "aside", "details", "summary", "center"}  # fmt: skip
SHOWN_ATTRIBUTES = {"td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}
UNREAD = ("没有找到", "既不是文章", "字符编码")  # what staging says of a page it could not read
COMPARED = ("kind", "title", "published_at", "source", "column", "disclosure", "found_by", "body_html", "problems")


class SampleFailed(Exception):
    """A sample page that could not be read now: its reason is shown instead of its extraction."""


def valid_rules(rules: SiteRulesIn | None) -> SiteRules | None:
    """Each selector compiled once: a typo is refused naming its field (rules.body …) before anything is kept."""
    if rules is None:
        return None
    for name in SELECTORS:
        if selector := getattr(rules, name):
            _compile(f"rules.{name}", selector, "不是有效的 CSS 选择器")
    for number, selector in enumerate(rules.remove, 1):
        _compile("rules.remove", selector, f"第 {number} 条不是有效的 CSS 选择器")
    kept = {k: v for k, v in rules.model_dump(exclude_none=True).items() if v not in ("", [])}
    return SiteRules(**kept) if kept else None


def _compile(field: str, selector: str, problem: str) -> None:
    try:
        CSSSelector(selector)
    except (SelectorError, etree.XPathError, ValueError) as exc:
        raise InvalidInput(field, f"{problem}：{selector}（{exc}）"[:300]) from None


async def samples(deps: TransitionDeps, who: Migrator, job_id: int) -> list[SampleUrl]:
    async with deps.site_uow(who.site_id) as uow:
        return await _suggested(uow, await _job(uow, job_id))


async def preview(
    deps: TransitionDeps,
    who: Migrator,
    job_id: int,
    data: RulesPreviewIn,
    transport: httpx.AsyncBaseTransport | None = None,
) -> RulesPreview:
    """Nothing is written: the samples are fetched through the job's old servers and read twice each."""
    proposed = valid_rules(data.rules)
    async with deps.site_uow(who.site_id) as uow:
        job = await _job(uow, job_id)
        urls = data.urls or [s.url for s in await _suggested(uow, job)]
        if not urls:
            raise InvalidInput("urls", "请给出要预览的旧网页地址（每行一个）")
        hosts = _on_legacy_hosts(urls, job.legacy_domains)
        known = await uow.repo.urls([hosted_key(u) for u in urls])
        last_runs = {key: row.reason for key, row in known.items()}
        saved_rules, resolve = dict(job.rules or {}), dict(job.resolve)
    saved = SiteRules(**saved_rules) if saved_rules else None
    proposed = proposed if data.rules is not None else saved
    reach = ResolvingTransport(resolve, transport) if resolve else transport
    async with httpx.AsyncClient(transport=reach, timeout=TIMEOUT) as client:
        read = [_sample(client, url, hosts, proposed, saved) for url in urls]
        found = await asyncio.gather(*read)
    for sample in found:
        sample.last_run = last_runs.get(hosted_key(sample.url))
    return RulesPreview(rules=asdict(proposed) if proposed else {}, saved_rules=saved_rules, samples=found)


async def _sample(
    client: httpx.AsyncClient, url: str, hosts: set[str], proposed: SiteRules | None, saved: SiteRules | None
) -> SamplePreview:
    try:
        fetched = await _fetch(client, url, hosts)
        new, old = await asyncio.to_thread(_read_twice, fetched, proposed, saved)
    except SampleFailed as exc:
        return SamplePreview(url=url, error=str(exc))
    changed = [name for name in COMPARED if getattr(new, name) != getattr(old, name)]
    return SamplePreview(url=url, proposed=new, saved=old, changed=changed)


async def _fetch(client: httpx.AsyncClient, url: str, hosts: set[str]) -> Fetched:
    """The page as the legacy site answers now: its redirects on its own hosts followed, three at most."""
    for _ in range(4):
        try:
            fetched = await _get(client, url)
        except httpx.TimeoutException:
            raise SampleFailed(f"旧网站 {TIMEOUT:g} 秒内没有应答") from None
        except httpx.HTTPError as exc:
            raise SampleFailed(f"无法连接旧网站（{type(exc).__name__}）") from None
        if fetched.status in (301, 302, 303, 307, 308) and fetched.location:
            url = str(httpx.URL(url).join(fetched.location))
            if (urlsplit(url).hostname or "").lower() not in hosts:
                raise SampleFailed(f"旧网站把它跳转到了其他网站：{url[:200]}")
            continue
        if fetched.status != 200:
            raise SampleFailed(f"旧网站返回 {fetched.status}，没有网页可读")
        if not fetched.is_html:
            raise SampleFailed(f"不是网页（{(fetched.content_type or '未知类型').split(';')[0]}）")
        return fetched
    raise SampleFailed("跳转次数过多")


async def _get(client: httpx.AsyncClient, url: str) -> Fetched:
    async with client.stream("GET", url, headers={"user-agent": USER_AGENT}, follow_redirects=False) as answer:
        body = bytearray()
        async for chunk in answer.aiter_bytes():
            body += chunk
            if len(body) > MAX_PAGE_BYTES:
                raise SampleFailed(f"网页超过 {MAX_PAGE_BYTES // 2**20} MB，不预览")
        headers = answer.headers
    return Fetched(url, answer.status_code, bytes(body), headers.get("content-type"), location=headers.get("location"))


def _read_twice(fetched: Fetched, proposed: SiteRules | None, saved: SiteRules | None) -> tuple[Extraction, ...]:
    """CPU work, run in a thread: the page read with each set of rules."""
    try:
        pages = [extract_page(fetched.url, fetched.body, fetched.content_type, r) for r in (proposed, saved)]
    except UndecodablePage as exc:
        raise SampleFailed(str(exc)) from None
    return tuple(_extraction(page) for page in pages)


def _extraction(page: ExtractedPage) -> Extraction:
    body = shown_body(page.body_html)
    plain = re.sub(r"<[^>]+>|\s+", "", body)
    cut = shown_body(body[:SHOWN_CHARS]) if len(body) > SHOWN_CHARS else body  # the tags cut open closed again
    return Extraction(
        kind=page.kind, title=page.title, published_at=page.published_at, source=page.source, column=page.column,
        disclosure=page.disclosure, body_html=cut, body_chars=len(plain), truncated=cut != body,
        found_by=page.found_by, problems=page.problems, entries=len(page.entries), attachments=len(page.attachments),
    )  # fmt: skip


def shown_body(html: str) -> str:
    """A legacy page's main text made safe to show inside a staff page: no scripts, links, images or headings."""
    return nh3.clean(html, tags=SHOWN_TAGS, attributes=SHOWN_ATTRIBUTES) if html else ""


def _on_legacy_hosts(urls: list[str], domains: list[str]) -> set[str]:
    """Only the job's legacy sites are fetched: a preview is no way to make the platform ask anywhere else."""
    hosts = {d.lower() for d in domains}
    for number, url in enumerate(urls, 1):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or (parts.hostname or "").lower() not in hosts:
            listed = "、".join(sorted(hosts))
            raise InvalidInput("urls", f"第 {number} 个网址 {url[:200]} 不在本任务的旧网站（{listed}）上")
    return hosts


async def _suggested(uow: TransitionUnitOfWork, job: Job) -> list[SampleUrl]:
    """Pages extraction failed on first (what rules are for), then a refused and a read document; else the home."""
    picks: dict[str, SampleUrl] = {}
    for states, kinds, n in ((["unmapped"], ["other"], 2), (["refused"], ["document"], 1), ([], ["document"], 2)):
        found = {}
        for owner in (job.id, None):  # a page an earlier job of the site read stays that job's: it is sampled too
            rows, _ = await uow.repo.url_page(states=states, kinds=kinds, job_id=owner, after=0, limit=100)
            found |= {r.legacy_key: r for r in rows if r.legacy_key not in picks and _fits(r, kinds, job)}
            if len(found) >= n:
                break
        for row in list(found.values())[:n]:
            picks[row.legacy_key] = SampleUrl(url=row.legacy_url, kind=row.kind, state=row.state, reason=row.reason)
    if not picks and job.source.startswith(("http://", "https://")):
        return [SampleUrl(url=job.source)]  # nothing read yet: the legacy site's own address
    return list(picks.values())[:SAMPLES]


def _fits(row: LegacyUrl, kinds: list[str], job: Job) -> bool:
    """On the job's legacy hosts; an "other" page only if it was fetched but not read (not robots.txt's, errors)."""
    on_hosts = (urlsplit(row.legacy_url).hostname or "").lower() in {d.lower() for d in job.legacy_domains}
    return on_hosts and (kinds != ["other"] or _unread(row.reason))


def _unread(reason: str | None) -> bool:
    """A page fetched but not read (no main text, neither article nor list), not one robots.txt or errors kept."""
    return any(word in (reason or "") for word in UNREAD)


async def _job(uow: TransitionUnitOfWork, job_id: int) -> Job:
    job = await uow.repo.job(job_id)
    if job is None:
        raise NotFound(f"本站点没有迁移任务 {job_id}")
    return job
