"""A job's pages become decisions: an article a staged document (its files copied into the blob store, its
links pointed at the platform), a list its channel's page, the home page the site's home, a redirect where the
legacy site redirected, a dead page 410 — and anything else left undecided, with the reason, for the operator.

Pages are staged in batches: each batch's legacy URLs and events commit in one transaction (the outbox), so a
crash loses at most the batch in flight, which the resumed crawl reads again. A re-run stages only what changed.
"""

from __future__ import annotations

import asyncio
import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from typing import Any, Protocol
from urllib.parse import urlsplit

import httpx
import orjson

from services.transition.extract import ExtractedPage, SiteRules, TextToGuess, UndecodablePage, extract_page
from services.transition.extract.meta import parse_moment
from services.transition.models import LegacyUrl
from services.transition.planning.channels import Channel, Section, section_keys, suggest
from services.transition.planning.rewrite import rewrite_links
from services.transition.planning.urlmap import spellings
from services.transition.service import chains
from services.transition.service.backlog import ImportBacklog
from services.transition.service.context import TransitionDeps, TransitionUnitOfWork
from services.transition.service.files import Files
from services.transition.sources.base import Fetched
from shared.events.transition import LegacyDocument, LegacyDocumentStaged, LegacyFile, Redirect
from shared.legacy_urls import hosted_key, key_of_link, legacy_link

BEIJING = timezone(timedelta(hours=8))
GONE = (404, 410)
HAND_DECIDED = "人工指定"
RUNNER = "system:migration"
DISCLOSED = ("index_number", "document_number", "issuing_body", "topic_category")


@dataclass(frozen=True, slots=True)
class Plan:
    """What a run needs of its job, read once at its start."""

    job_id: int
    site_id: str
    run: int
    source: str
    hosts: frozenset[str]
    mapping: dict[str, int]
    default_channel_id: int | None
    channels: tuple[Channel, ...]  # the target site's channels that hold documents
    rules: SiteRules | None
    publish: bool
    per_second: float
    resolve: dict[str, str]

    def channel_path(self, channel_id: int | None) -> str | None:
        return next((c.path.strip("/") for c in self.channels if c.id == channel_id), None)


@dataclass
class Batch:
    rows: list[dict[str, Any]] = field(default_factory=list)
    events: dict[str, LegacyDocumentStaged] = field(default_factory=dict)
    suggested: dict[str, tuple[int, str]] = field(default_factory=dict)  # section → (channel, rule) matched
    pages: int = 0


class Settled(Protocol):
    """Where the crawl stands, written with the decisions it led to (services/transition/service/frontier.py)."""

    def release(self) -> Any: ...

    async def write(self, uow: TransitionUnitOfWork, released: Any) -> None: ...

    def kept(self, released: Any) -> None: ...


class Stager:
    def __init__(
        self, deps: TransitionDeps, plan: Plan, files: Files, frontier: Settled | None = None,
        backlog: ImportBacklog | None = None,
    ) -> None:  # fmt: skip
        self.deps, self.plan, self.files, self.frontier, self.backlog = deps, plan, files, frontier, backlog
        self.batch = Batch()
        self._lock = asyncio.Lock()
        self._suggested: dict[str, int | None] = {}  # sections the plan did not name, as matched in this run

    def channel_for(self, page: ExtractedPage) -> int | None:
        """The plan's channel for the page's section (by name, then directory); else the channel a sure match
        suggests, kept in the plan for the operator to see and change; else the plan's default, or none."""
        keys = section_keys(page.url, page.column, page.breadcrumbs)
        for key in keys:
            if key in self.plan.mapping:
                return self.plan.mapping[key]
        name = next((k for k in keys if not k.startswith("/") and ":" not in k), "")  # the column's own name
        if name not in self._suggested:
            section = Section(name, keys[-1] if keys else "/")
            best = suggest([section], list(self.plan.channels))[0]
            self._suggested[name] = best.channel.id if best.sure and best.channel else None
            if best.sure and best.channel:
                self.batch.suggested[name] = (best.channel.id, best.rule)
        return self._suggested[name] or self.plan.default_channel_id

    async def page(self, fetched: Fetched) -> list[str] | None:
        """One answer of the legacy site (the crawl hands over every 200; redirects and dead pages too); an HTML
        page's links are handed back, so the crawl does not read the page a second time."""
        key, links = hosted_key(fetched.url), None
        if fetched.status in GONE:
            self._decide(fetched.url, key, "other", "gone", None)
        elif 300 <= fetched.status < 400 and fetched.location:
            target = legacy_link(str(httpx.URL(fetched.url).join(fetched.location)))
            self._decide(fetched.url, key, "other", "mapped", target, reason=f"原站 {fetched.status} 跳转")
        elif fetched.status == 200 and fetched.is_html:
            links = await self._html(fetched, key)
        elif fetched.status != 200:  # no answer (after retries) or one the migration cannot use: the operator sees why
            reason = fetched.error or f"原站答复 {fetched.status}"
            self._decide(fetched.url, key, "other", "unmapped", None, reason=reason)
        self.batch.pages += 1
        if len(self.batch.rows) >= self.deps.settings.stage_batch:
            await self.flush()
        return links

    async def _html(self, fetched: Fetched, key: str) -> list[str]:
        try:
            page = await _extracted(fetched, self.plan.rules)
        except UndecodablePage as exc:
            self._decide(fetched.url, key, "other", "unmapped", None, reason=str(exc))
            return []
        await self._decide_html(fetched, key, page)
        return page.outlinks

    async def _decide_html(self, fetched: Fetched, key: str, page: ExtractedPage) -> None:
        path = urlsplit(fetched.url).path
        if path in ("", "/") or (path.rsplit("/", 1)[-1].startswith(("index.", "default.")) and path.count("/") == 1):
            self._decide(fetched.url, key, "list", "mapped", "/", title=page.title)
        elif page.kind == "list":
            channel_path = self.plan.channel_path(self.channel_for(page))
            target = f"/{channel_path}/" if channel_path else None
            self._decide(fetched.url, key, "list", "mapped" if target else "unmapped", target, title=page.title,
                         reason=None if target else "栏目未对应")  # fmt: skip
        elif page.kind == "article" and page.title and page.body_html:
            await self._article(page, key)
        else:
            reason = "；".join(page.problems) or "既不是文章也不是列表（请设置正文规则）"
            self._decide(fetched.url, key, "other", "unmapped", None, title=page.title, reason=reason)

    async def _article(self, page: ExtractedPage, key: str) -> None:
        channel_id = self.channel_for(page)
        published = page.published_at.replace(tzinfo=BEIJING) if page.published_at else None
        if channel_id is None:
            self._decide(page.url, key, "document", "unmapped", None, title=page.title, reason="栏目未对应",
                         published_at=published)  # fmt: skip
            return
        copied = await self.files.copy_all(page, self.plan.hosts)
        for problem in copied.problems:
            self._decide(problem.url, hosted_key(problem.url), "file", "refused", None, reason=problem.reason)
        document = self._document(page, key, channel_id, published, copied.files)
        self._decide(page.url, key, "document", "staged", None, title=page.title, published_at=published,
                     fingerprint=document.fingerprint)  # fmt: skip
        self.batch.events[key] = LegacyDocumentStaged(
            site_id=self.plan.site_id, aggregate_id=key, aggregate_version=self.plan.run, job_id=self.plan.job_id,
            document=document, publish=self.plan.publish, editor=f"migration:{self.plan.job_id}",
        )  # fmt: skip

    def _document(
        self, page: ExtractedPage, key: str, channel_id: int, published: datetime | None, files: list[LegacyFile]
    ) -> LegacyDocument:
        addresses = {hosted_key(f.legacy_url): f.legacy_url for f in files}  # content points these at its copies
        hosts, address = set(self.plan.hosts), _addresses(addresses)
        body = rewrite_links(page.body_html, page.url, hosts, address, page.body_element).html
        facts = {name: page.disclosure.get(name) for name in DISCLOSED}
        fields = {
            "legacy_key": key, "legacy_url": page.url, "channel_id": channel_id, "title": page.title[:200],
            "body_html": body, "published_at": published, "source": page.source, "keywords": page.keywords[:10],
            "written_on": _day(page.disclosure.get("written_on")), "files": files,
            "validity": _validity(page.disclosure.get("validity")), **facts,
        }  # fmt: skip
        unsigned = LegacyDocument.model_validate({**fields, "fingerprint": ""})
        digest = hashlib.sha256(orjson.dumps(unsigned.model_dump(mode="json", exclude={"fingerprint"}))).hexdigest()
        return unsigned.model_copy(update={"fingerprint": digest})

    def _decide(self, url: str, key: str, kind: str, state: str, target: str | None, **more: Any) -> None:
        row = dict.fromkeys(("title", "published_at", "reason", "fingerprint")) | more
        row |= {"legacy_key": key, "legacy_url": url[:1000], "job_id": self.plan.job_id, "kind": kind}
        row |= {"state": state, "target": target}
        if row["title"]:
            row["title"] = row["title"][:200]
        self.batch.rows.append(row)

    async def flush(self) -> None:
        """The batch's decisions and events, in one transaction; unchanged documents are not staged again."""
        async with self._lock:
            # The pages finished so far are exactly those whose decisions are in this batch (or an earlier one):
            # they are marked done in the same transaction, so a crash never skips a page it did not stage.
            batch, self.batch = self.batch, Batch()
            finished = self.frontier.release() if self.frontier else None
            if not batch.rows and not batch.pages and not finished:
                return
            async with self.deps.site_uow(self.plan.site_id) as uow:
                if self.frontier:
                    await self.frontier.write(uow, finished)
                rows = list({r["legacy_key"]: r for r in batch.rows}.values())
                known = await uow.repo.urls([r["legacy_key"] for r in rows])
                rows = [r for r in rows if not _stands(r, known.get(r["legacy_key"]))]
                await chains.shorten(uow, rows)
                await uow.repo.keep_urls(self.plan.site_id, rows)
                for row in rows:
                    if (event := batch.events.get(row["legacy_key"])) is not None:
                        uow.emit(event)
                decided = {r["legacy_key"]: r["target"] for r in rows if r["state"] in ("mapped", "gone")}
                redirects = [Redirect(legacy_key=a, target=t) for k, t in decided.items() for a in spellings(k)]
                final = {k: t for k, t in decided.items() if not key_of_link(t or "")}
                redirects += await chains.follow(uow, self.plan.site_id, final)
                uow.redirect(self.plan.site_id, self.plan.job_id, self.plan.run, redirects)
                job = await uow.repo.job(self.plan.job_id)
                job.pages += batch.pages
                if batch.suggested:  # kept in the plan: the operator sees what was matched, and may change it
                    job.mapping = {**job.mapping, **{name: c for name, (c, _) in batch.suggested.items()}}
                    for name, (channel_id, rule) in batch.suggested.items():
                        uow.audit(self.plan.site_id, job.id, RUNNER, "section.mapped", section=name,
                                  channel_id=channel_id, rule=rule)  # fmt: skip
                await uow.commit()
            if self.frontier:
                self.frontier.kept(finished)
            if self.backlog:  # the lock held: every worker's next flush waits with this one
                await self.backlog.wait()


async def _extracted(fetched: Fetched, rules: SiteRules | None) -> ExtractedPage:
    """Read on the loop (~0.3 ms: a thread per page cost more CPU than that on one core, handing the GIL back and
    forth, and a worker process gained nothing on two: sending the page there and back cost what reading it
    saved), unless trafilatura must guess the text: tens of ms, in a thread, so the loop is not held that long."""
    try:
        return extract_page(fetched.url, fetched.body, fetched.content_type, rules, guess=False)
    except TextToGuess:
        return await asyncio.to_thread(extract_page, fetched.url, fetched.body, fetched.content_type, rules)


def _stands(row: dict[str, Any], known: LegacyUrl | None) -> bool:
    """What the run leaves alone: a document imported before from the same fingerprint, and an operator's own
    decision (unless the page is now a document the plan maps: its import decides)."""
    if known is None:
        return False
    if row["state"] == "staged":
        return known.state == "imported" and known.fingerprint == row["fingerprint"]
    return known.reason == HAND_DECIDED


def _addresses(files: dict[str, str]):  # noqa: ANN202 - rewrite_links' NewAddress
    """Files: their absolute legacy URL (the content library points it at its copy); pages: the /_legacy/ link
    the renderer resolves from the URL map, which works before and after the page is imported."""

    def address(host: str, key: str) -> str:
        hosted = f"//{host}{key}"
        return files.get(hosted) or legacy_link(f"http:{hosted}")

    return address


def _day(text: str | None) -> date | None:
    moment = parse_moment(text or "")
    return moment.date() if moment else None


def _validity(text: str | None) -> str | None:
    for word in ("有效", "修改", "废止", "失效"):
        if text and word in text:
            return word
    return None


async def stage_article(stager: Stager, page: ExtractedPage) -> None:
    """An article already in fields (a CMS export, WordPress) staged as a crawled one is (service/pushed.py)."""
    await stager._article(page, hosted_key(page.url))
    stager.batch.pages += 1
