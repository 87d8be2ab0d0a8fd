"""The URL map: the content library's answers turned into decisions (a document's legacy URLs and files → 301 to
where they live now), the operator's own decisions (301 to a chosen page, 410), one at a time or as CSV, and the
reports of what is still undecided. Every decision reaches the renderer's redirect table as an event."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

from services.transition.models import LegacyUrl
from services.transition.planning.urlmap import CSV_HEADER, MapRow, UrlMapError, read_csv, spellings
from services.transition.schemas import Decision, LegacyUrlRead, UrlMapPage, UrlMapWritten
from services.transition.service import chains
from services.transition.service.context import Migrator, TransitionDeps, TransitionUnitOfWork
from services.transition.service.staging import HAND_DECIDED
from shared.errors import InvalidInput
from shared.events.render import LegacyPathsMissed
from shared.events.transition import DocumentImported, ImportRefused, Redirect
from shared.legacy_urls import hosted_key
from shared.messaging.consumer import Delivery

RUNNER = "system:migration"
MISSED = "访客访问时不存在（404）"


async def on_documents_imported(uow: TransitionUnitOfWork, run: Sequence[Delivery]) -> list[bool]:
    """Documents kept: each one's legacy URL (and its other spellings) and its files answer 301 to their new
    places. A run of answers marks its URLs in two statements a site; a key no job of ours staged (or a site
    reset since) is passed over."""
    known: dict[str, set[str]] = {}
    for site_id in dict.fromkeys(d.event.site_id for d in run):
        rows = [_marked(d.event) for d in run if d.event.site_id == site_id]
        known[site_id] = await uow.repo.mark_many_imported(site_id, rows)
    files: dict[str, dict[str, dict]] = {}  # site → legacy key → its row (a file linked twice: kept once)
    answers = []
    for delivery in run:
        event: DocumentImported = delivery.event
        answers.append(event.legacy_key in known[event.site_id])
        if answers[-1]:
            files.setdefault(event.site_id, {}).update((f["legacy_key"], f) for f in _redirect_files(uow, event))
    for site_id, rows in files.items():
        await uow.repo.keep_urls(site_id, list(rows.values()))
    return answers


def _marked(event: DocumentImported) -> dict:
    return {"key": event.legacy_key, "document_id": event.document_id, "target": event.url_path,
            "title": event.title[:200], "published_at": event.published_at}  # fmt: skip


def _redirect_files(uow: TransitionUnitOfWork, event: DocumentImported) -> list[dict]:
    """The document's files' rows, and the redirects of them and of its legacy URL (sent at commit)."""
    files = [
        {"legacy_key": hosted_key(url), "legacy_url": url[:1000], "job_id": event.job_id, "kind": "file",
         "state": "imported", "target": path}
        for url, path in event.files.items()
    ]  # fmt: skip
    redirects = [Redirect(legacy_key=f["legacy_key"], target=f["target"]) for f in files]
    answered = _answered(uow, event)
    if event.url_path:
        redirects += [Redirect(legacy_key=k, target=event.url_path) for k in spellings(event.legacy_key)]
        answered.decided[event.legacy_key] = event.url_path
    uow.redirect(event.site_id, event.job_id, event.aggregate_version, redirects)
    return files


async def on_import_refused(uow: TransitionUnitOfWork, event: ImportRefused) -> bool:
    if not await uow.repo.mark_refused(event.site_id, event.legacy_key, event.reason[:1000]):
        return False
    _answered(uow, event)
    return True


@dataclass
class Answered:
    """A transaction's answers for one job, settled once at its commit: the legacy redirects chained to its
    documents followed in one pass, and the job done if nothing it staged waits any more."""

    uow: TransitionUnitOfWork
    site_id: str
    job_id: int
    version: int
    decided: dict[str, str | None] = field(default_factory=dict)

    async def __call__(self) -> None:
        if self.decided:
            redirects = await chains.follow(self.uow, self.site_id, self.decided)
            self.uow.redirect(self.site_id, self.job_id, self.version, redirects)
        await _done_if_answered(self.uow, self.job_id)


def _answered(uow: TransitionUnitOfWork, event: DocumentImported | ImportRefused) -> Answered:
    step = Answered(uow, event.site_id, event.job_id, event.aggregate_version)
    return uow.before_commit(("answered", event.site_id, event.job_id), step)


async def _done_if_answered(uow: TransitionUnitOfWork, job_id: int) -> None:
    """The last answer to a job that finished reading makes it done (asked once per batch of answers)."""
    job = await uow.repo.job(job_id, for_update=True)
    if job is None or job.state != "importing" or await uow.repo.any_staged(job_id):
        return
    job.state = "done"
    uow.audit(job.site_id, job.id, RUNNER, "job.done", pages=job.pages)


async def url_map(
    deps: TransitionDeps,
    who: Migrator,
    *,
    states: list[str],
    kinds: list[str],
    job_id: int | None,
    after: int,
    limit: int,
) -> UrlMapPage:
    async with deps.site_uow(who.site_id) as uow:
        rows, total = await uow.repo.url_page(states=states, kinds=kinds, job_id=job_id, after=after, limit=limit)
        return UrlMapPage(items=[LegacyUrlRead.model_validate(r) for r in rows], total=total)


async def decide(deps: TransitionDeps, who: Migrator, decision: Decision) -> LegacyUrlRead:
    """One legacy URL decided by hand (a 404 on a legacy path mapped with one click, an unmapped page)."""
    written = await _apply(
        deps, who, [MapRow(decision.legacy_key, "301" if decision.target else "410", decision.target)]
    )
    return written[0]


async def apply_csv(deps: TransitionDeps, who: Migrator, text: str) -> UrlMapWritten:
    """旧地址,处理,新地址 for many URLs at once: all of the file, or none of it with every bad line named."""
    try:
        rows = read_csv(text)
    except UrlMapError as exc:
        raise InvalidInput("csv", str(exc)) from None
    if not rows:
        raise InvalidInput("csv", "文件中没有任何地址（第一行可为表头：旧地址,处理,新地址）")
    if bad := [r.legacy for r in rows if not r.legacy.startswith("//")]:
        raise InvalidInput("csv", f"旧地址须带旧域名，如 //old.feixi.gov.cn/art/1.html：{'、'.join(bad[:5])}")
    written = await _apply(deps, who, rows)
    return UrlMapWritten(site_id=who.site_id, written=len(written))


async def _apply(deps: TransitionDeps, who: Migrator, rows: list[MapRow]) -> list[LegacyUrlRead]:
    async with deps.site_uow(who.site_id) as uow:
        known = await uow.repo.urls([r.legacy for r in rows])
        fallback_job = await _latest_job(uow)
        values = [_decided(r, known.get(r.legacy), fallback_job) for r in rows]
        await uow.repo.keep_urls(who.site_id, values)
        redirects = [Redirect(legacy_key=r.legacy, target=r.target) for r in rows]
        redirects += await chains.follow(uow, who.site_id, {r.legacy: r.target for r in rows})
        uow.redirect(who.site_id, values[0]["job_id"], 1, redirects)
        uow.audit(who.site_id, values[0]["job_id"], who, "urlmap.decided", count=len(rows), first=rows[0].legacy)
        await uow.commit()
        found = await uow.repo.urls([r.legacy for r in rows])
    return [LegacyUrlRead.model_validate(found[r.legacy]) for r in rows if r.legacy in found]


async def _latest_job(uow: TransitionUnitOfWork) -> int:
    jobs = await uow.repo.jobs()
    if not jobs:
        raise InvalidInput("legacy_key", "本站点还没有迁移任务：先建立任务，再指定旧地址的去向")
    return jobs[0].id


def _decided(row: MapRow, known: LegacyUrl | None, fallback_job: int) -> dict:
    """A hand decision over whatever a run decided: it stands until the operator changes it again."""
    return {
        "legacy_key": row.legacy, "legacy_url": known.legacy_url if known else f"http:{row.legacy}",
        "kind": known.kind if known else "other", "job_id": known.job_id if known else fallback_job,
        "state": "mapped" if row.target else "gone", "target": row.target, "reason": HAND_DECIDED,
    }  # fmt: skip


async def csv_lines(deps: TransitionDeps, who: Migrator) -> AsyncIterator[str]:
    """The whole URL map as CSV, streamed (a county's map has hundreds of thousands of lines)."""
    yield "\ufeff" + ",".join(CSV_HEADER) + "\r\n"
    async with deps.site_uow(who.site_id) as uow:
        async for row in uow.repo.all_urls():
            action = "410" if row.state == "gone" else ("301" if row.target else "")
            yield f"{_cell(row.legacy_key)},{action},{_cell(row.target or '')}\r\n"


def _cell(value: str) -> str:
    return f'"{value.replace(chr(34), chr(34) * 2)}"' if any(c in value for c in ',"\r\n') else value


async def on_legacy_paths_missed(uow: TransitionUnitOfWork, event: LegacyPathsMissed) -> bool:
    """404s on a migrated site's addresses: each becomes (or stays) an undecided legacy URL, with how often it was
    asked, for the operator to map with one click. Sites without a migration keep their 404s to themselves."""
    jobs = await uow.repo.jobs_of(event.site_id)
    if not jobs:
        return False
    known = await uow.repo.urls(list(event.misses))
    fresh = []
    for key, count in event.misses.items():
        if (row := known.get(key)) is not None:
            row.hits += count
        elif len(key) <= 500:
            fresh.append({"legacy_key": key, "legacy_url": f"http:{key}"[:1000], "job_id": jobs[0].id, "kind": "other",
                          "state": "unmapped", "target": None, "reason": MISSED, "hits": count})  # fmt: skip
    await uow.repo.keep_urls(event.site_id, fresh)
    return True
