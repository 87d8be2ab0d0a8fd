"""The events a consultation, survey or interview emits as its public life turns (opened, reported, archived),
and the item as the group search finds it from then on."""

from __future__ import annotations

from services.interaction.models import Consultation, Interview, Survey
from services.interaction.service.context import InteractionDeps, InteractionUnitOfWork
from shared.events.interaction import (
    ConsultationOpened,
    ConsultationReported,
    EngagementEvent,
    InterviewScheduled,
    InterviewStatusChanged,
    SurveyClosed,
    SurveyOpened,
)
from shared.events.searchable import KIND_LABELS, SearchableEntry, SearchableUpdated

EVENTS: dict[tuple[str, str], type[EngagementEvent]] = {
    ("consultation", "open"): ConsultationOpened,
    ("consultation", "reported"): ConsultationReported,
    ("survey", "open"): SurveyOpened,
    ("survey", "closed"): SurveyClosed,
    ("interview", "scheduled"): InterviewScheduled,
    ("interview", "live"): InterviewStatusChanged,
    ("interview", "archived"): InterviewStatusChanged,
}
SUMMARY_CHARS = 200

Item = Consultation | Survey | Interview


async def announce(uow: InteractionUnitOfWork, deps: InteractionDeps, kind: str, item: Item, path: str) -> None:
    """Emit the event of the item's new status (its version counts the turns: consumers keep the newest)."""
    event = EVENTS[(kind, item.status)]
    fields = {"site_id": item.site_id, "aggregate_id": f"{kind}:{item.id}", "aggregate_version": item.version}
    public = {"kind": kind, "item_id": item.id, "title": item.title, "status": item.status}
    uow.emit(event(**fields, **public, url_path=path.format(id=item.id), at=deps.now()))
    site = await uow.repo.site(item.site_id)
    domain = site.snapshot.get("main_domain", "") if site else ""
    entry = SearchableEntry(
        kind=kind,  # type: ignore[arg-type] - one of the SearchableKind literals
        id=str(item.id),
        site_id=item.site_id,
        site_main_domain=domain,
        url_path=path.format(id=item.id),
        title=item.title,
        text=await _text(uow, item),
        summary=_lead(item)[:SUMMARY_CHARS],
        category=f"互动交流·{KIND_LABELS[kind]}",
        keywords=[KIND_LABELS[kind]],
        published_at=item.starts_at if isinstance(item, Interview) else item.opens_at,
    )
    uow.emit(SearchableUpdated(**fields, entry=entry))


def _lead(item: Item) -> str:
    return item.intro if isinstance(item, Survey) else item.summary


async def _text(uow: InteractionUnitOfWork, item: Item) -> str:
    """What the item is found by: its lead, then the draft's articles, the questions, or the guests and what
    was said (an archived interview's whole transcript)."""
    parts = [_lead(item)]
    if isinstance(item, Consultation):
        parts += [*item.sections, f"意见采纳情况：{item.report}" if item.report else ""]
    elif isinstance(item, Survey):
        parts += [q.get("text", "") for q in item.questions]
    else:
        parts += [f"嘉宾：{g.get('name', '')}（{g.get('title', '')}）" for g in item.guests]
        parts += [f"{line.speaker}：{line.text}" for line in await uow.repo.lines(item.id)]
    return "\n".join(p for p in parts if p)
