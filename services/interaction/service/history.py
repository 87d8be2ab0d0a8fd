"""Every step on a letter is kept and told: a history row, the letter's next version, and its event, all in
the step's own transaction."""

from __future__ import annotations

from collections.abc import Mapping

from services.interaction.events import step_event
from services.interaction.models import Letter, LetterStep, Unit
from services.interaction.service.context import InteractionDeps, InteractionUnitOfWork


def record_step(
    uow: InteractionUnitOfWork,
    deps: InteractionDeps,
    letter: Letter,
    units: Mapping[int, Unit],
    action: str,
    *,
    actor: str,
    actor_name: str | None = None,
    note: str | None = None,
    public: bool = True,
) -> None:
    """Append the step (`public`: the writer sees it with the 查询码) and emit its event."""
    if action != "receive":
        letter.version += 1
    unit = units.get(letter.unit_id) if letter.unit_id else None
    uow.record(
        LetterStep,
        site_id=letter.site_id,
        letter_id=letter.id,
        at=deps.now(),
        actor=actor,
        actor_name=actor_name,
        action=action,
        status=letter.status,
        unit=unit.name if unit else None,
        note=note,
        public=public,
    )  # append-only: one INSERT at commit, not tracked by the ORM
    uow.emit(step_event(action, letter, units, actor, note if public else None))
