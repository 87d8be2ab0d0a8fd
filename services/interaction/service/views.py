"""Letters as each reader may see them: the writer (by 查询码), the public (published, masked), the desk."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from services.interaction.deadlines import urgency, workdays_left
from services.interaction.lifecycle import OPEN, STATUS_LABELS, STEPS, Status
from services.interaction.masking import mask_text
from services.interaction.models import Letter, LetterAttachment, LetterStep, Unit
from services.interaction.schemas import (
    AttachmentView,
    LetterDetail,
    LetterStatusView,
    LetterSummary,
    PublicLetter,
    StepView,
)
from services.interaction.service.context import BEIJING, InteractionDeps

STEP_LABELS = {"receive": "收到来信", **{a: s.label for a, s in STEPS.items()}}


def step_view(step: LetterStep, masking: Letter | None = None) -> StepView:
    return StepView(
        at=step.at,
        action=step.action,
        label=STEP_LABELS.get(step.action, step.action),
        status_label=STATUS_LABELS[Status(step.status)],
        unit=step.unit,
        note=masked(masking, step.note) if masking else step.note,
    )


def _unit_name(units: Mapping[int, Unit], unit_id: int | None) -> str | None:
    return units[unit_id].name if unit_id in units else None


def masked(letter: Letter, text: str | None) -> str | None:
    """The text with the writer's name, address and every personal number hidden."""
    if text is None:
        return None
    names, addresses = [letter.contact_name, letter.organisation or ""], [letter.contact_address or ""]
    return mask_text(text, names=names, addresses=addresses)


def status_view(letter: Letter, units: Mapping[int, Unit], steps: Sequence[LetterStep]) -> LetterStatusView:
    """Whoever holds the 查询码 sees where the letter is, its words and its answer, with personal data masked:
    a code read over a shoulder or forwarded gives away nothing private."""
    answered = letter.status in (Status.REPLIED, Status.CLOSED)
    return LetterStatusView(
        id=letter.id,
        site_id=letter.site_id,
        kind=letter.kind,
        category=letter.category,
        title=masked(letter, letter.title) or "",
        body=masked(letter, letter.body) or "",
        status=letter.status,
        status_label=STATUS_LABELS[Status(letter.status)],
        addressee=units[letter.addressee_id].name,
        unit=_unit_name(units, letter.unit_id),
        received_at=letter.received_at,
        accepted_at=letter.accepted_at,
        due_on=letter.due_on,
        replied_at=letter.replied_at,
        reply=masked(letter, letter.reply) if answered else None,
        reply_unit=letter.reply_unit if answered else None,
        decision=letter.decision if answered else None,
        decision_basis=letter.decision_basis if answered else None,
        rating=letter.rating,
        can_rate=letter.status == Status.REPLIED and letter.rating is None,
        can_supplement=letter.status == Status.CLARIFYING,
        published=letter.published_at is not None,
        steps=[step_view(s, letter) for s in steps],
    )


def public_letter(letter: Letter, units: Mapping[int, Unit]) -> PublicLetter:
    return PublicLetter(
        id=letter.id,
        site_id=letter.site_id,
        category=letter.category,
        title=letter.public_title or "",
        body=letter.public_body or "",
        addressee=units[letter.addressee_id].name,
        accepted_on=letter.accepted_at.astimezone(BEIJING).date() if letter.accepted_at else None,
        replied_on=letter.replied_at.astimezone(BEIJING).date() if letter.replied_at else None,
        reply_unit=letter.reply_unit,
        reply=letter.public_reply or "",
        rating=letter.rating,
    )


def summary_fields(letter: Letter, units: Mapping[int, Unit], deps: InteractionDeps) -> dict:
    today, running = deps.today(), letter.status in OPEN
    return {
        "id": letter.id,
        "site_id": letter.site_id,
        "kind": letter.kind,
        "category": letter.category,
        "title": letter.title,
        "status": letter.status,
        "status_label": STATUS_LABELS[Status(letter.status)],
        "addressee": units[letter.addressee_id].name,
        "unit": _unit_name(units, letter.unit_id),
        "received_at": letter.received_at,
        "due_on": letter.due_on,
        "urgency": urgency(letter, deps.calendar, today, deps.settings.near_due_workdays, running),
        "workdays_left": workdays_left(letter, deps.calendar, today) if running else None,
        "extended": letter.extended,
        "supervised": letter.supervised,
        "flagged_words": list(letter.flagged_words),
        "duplicate_of": letter.duplicate_of,
    }


def summary(letter: Letter, units: Mapping[int, Unit], deps: InteractionDeps) -> LetterSummary:
    return LetterSummary(**summary_fields(letter, units, deps))


def detail(
    letter: Letter,
    units: Mapping[int, Unit],
    deps: InteractionDeps,
    steps: Sequence[LetterStep],
    attachments: Sequence[LetterAttachment],
    actions: list[str],
) -> LetterDetail:
    return LetterDetail(
        **summary_fields(letter, units, deps),
        body=letter.body,
        contact_name=letter.contact_name,
        contact_phone=letter.contact_phone,
        contact_email=letter.contact_email,
        contact_address=letter.contact_address,
        id_number=letter.id_number,
        organisation=letter.organisation,
        wants_public=letter.wants_public,
        tracking_code=letter.tracking_code,
        reply_draft=letter.reply_draft,
        reply=letter.reply,
        reply_unit=letter.reply_unit,
        decision=letter.decision,
        decision_basis=letter.decision_basis,
        replied_at=letter.replied_at,
        published_at=letter.published_at,
        rating=letter.rating,
        rating_note=letter.rating_note,
        attachments=[AttachmentView.model_validate(a, from_attributes=True) for a in attachments],
        steps=[step_view(s) for s in steps],
        actions=actions,
    )
