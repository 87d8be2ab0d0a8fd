"""The events a consultation, survey or interview emits as its public life turns (opened, reported, archived)."""

from __future__ import annotations

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

EVENTS: dict[tuple[str, str], type[EngagementEvent]] = {
    ("consultation", "open"): ConsultationOpened,
    ("consultation", "reported"): ConsultationReported,
    ("survey", "open"): SurveyOpened,
    ("survey", "closed"): SurveyClosed,
    ("interview", "scheduled"): InterviewScheduled,
    ("interview", "live"): InterviewStatusChanged,
    ("interview", "archived"): InterviewStatusChanged,
}


def announce(uow: InteractionUnitOfWork, deps: InteractionDeps, kind: str, item, path: str) -> None:  # noqa: ANN001
    """Emit the event of the item's new status (its version counts the turns: consumers keep the newest)."""
    event = EVENTS[(kind, item.status)]
    fields = {"site_id": item.site_id, "aggregate_id": f"{kind}:{item.id}", "aggregate_version": item.version}
    public = {"kind": kind, "item_id": item.id, "title": item.title, "status": item.status}
    uow.emit(event(**fields, **public, url_path=path.format(id=item.id), at=deps.now()))
