"""The events the interaction desk emits, and the snapshots they carry (no contact data ever leaves)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, time

from services.interaction.models import Letter, SiteEntry, Unit
from shared.events.interaction import (
    LetterAccepted,
    LetterAssigned,
    LetterClarificationRequested,
    LetterDrafted,
    LetterEvent,
    LetterExtended,
    LetterPublished,
    LetterRated,
    LetterReceived,
    LetterRejected,
    LetterReopened,
    LetterReplied,
    LetterResumed,
    LetterReturned,
    LetterSnapshot,
    LetterSupervised,
    LetterUnpublished,
)
from shared.events.searchable import SearchableEntry, SearchableRemoved, SearchableUpdated

EVENT_OF_STEP: dict[str, type[LetterEvent]] = {
    "receive": LetterReceived,
    "accept": LetterAccepted,
    "reject": LetterRejected,
    "assign": LetterAssigned,
    "clarify": LetterClarificationRequested,
    "supplement": LetterResumed,
    "resume": LetterResumed,
    "extend": LetterExtended,
    "draft": LetterDrafted,
    "return": LetterReturned,
    "approve": LetterReplied,
    "publish": LetterPublished,
    "unpublish": LetterUnpublished,
    "rate": LetterRated,
    "reopen": LetterReopened,
    "supervise": LetterSupervised,
    "close": LetterReplied,
}
PUBLIC_PATH = "/hdjl/xx/{id}.html"  # an answered public letter's page on its site


def letter_snapshot(letter: Letter, units: Mapping[int, Unit]) -> LetterSnapshot:
    unit = units.get(letter.unit_id) if letter.unit_id else None
    return LetterSnapshot(
        id=letter.id,
        site_id=letter.site_id,
        kind=letter.kind,  # type: ignore[arg-type]
        category=letter.category,
        status=letter.status,
        title=letter.public_title or letter.title if letter.published_at else letter.title,
        addressee=units[letter.addressee_id].name,
        unit=unit.name if unit else None,
        received_at=letter.received_at,
        accepted_at=letter.accepted_at,
        due_on=letter.due_on,
        replied_at=letter.replied_at,
        published_at=letter.published_at,
        rating=letter.rating,
        supervised=letter.supervised,
    )


def step_event(action: str, letter: Letter, units: Mapping[int, Unit], actor: str, note: str | None) -> LetterEvent:
    return EVENT_OF_STEP[action](
        site_id=letter.site_id,
        aggregate_id=f"letter:{letter.id}",
        aggregate_version=letter.version,
        letter=letter_snapshot(letter, units),
        actor=actor,
        note=note,
    )


def _summary(reply: str, limit: int = 200) -> str:
    """The answer's opening, whole sentences where they fit: what the search answer box shows."""
    head = reply[:limit]
    end = head.rfind("。")
    return head[: end + 1] if end > 0 and len(reply) > limit else head


def searchable_event(letter: Letter, site: SiteEntry | None, units: Mapping[int, Unit]):
    """A published letter as the group search finds it (masked text only); removed once unpublished."""
    entry = SearchableEntry(
        kind="letter",
        id=str(letter.id),
        site_id=letter.site_id,
        site_main_domain=(site.snapshot.get("main_domain", "") if site else ""),
        url_path=PUBLIC_PATH.format(id=letter.id),
        title=letter.public_title or "",
        text=f"{letter.public_body or ''}\n答复：{letter.public_reply or ''}",
        summary=_summary(letter.public_reply or ""),
        category=f"互动交流·{letter.category}",
        keywords=[letter.category, units[letter.addressee_id].name],
        published_at=letter.published_at or datetime.combine(letter.received_at.date(), time(), UTC),
    )
    kind = SearchableUpdated if letter.published_at else SearchableRemoved
    return kind(
        site_id=letter.site_id, aggregate_id=f"letter:{letter.id}", aggregate_version=letter.version, entry=entry
    )
