"""Queries of letters, their departments, templates and settings, the holiday table, mail and CAPTCHAs."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date, datetime

from sqlalchemy import Row, Select, bindparam, case, func, insert, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.interaction.models import (
    DeskSettings,
    Holiday,
    Letter,
    LetterAttachment,
    LetterStep,
    Mail,
    ReplyTemplate,
    SiteEntry,
    Unit,
    UsedCaptcha,
)
from shared.db.uow import CoreRunner
from shared.tenancy import TENANT_SITE, site_bound

# The reads of a letter's submission, built once (the busiest path: every letter sent runs each of them).
_SINCE = bindparam("since")
SITE = select(SiteEntry.id, SiteEntry.snapshot).where(SiteEntry.id == bindparam("id"))
DESK = site_bound(select(DeskSettings.captcha, DeskSettings.sensitive_words, DeskSettings.office_email), DeskSettings)
_UNIT = select(Unit.id, Unit.code, Unit.name, Unit.kind, Unit.email, Unit.active)
UNIT = site_bound(_UNIT.where(Unit.code == bindparam("code")), Unit)
FIRST_UNIT = site_bound(_UNIT.where(Unit.active.is_(True)).order_by(Unit.position, Unit.id).limit(1), Unit)
SAME = (
    site_bound(
        select(Letter.id).where(Letter.fingerprint == bindparam("fingerprint"), Letter.received_at >= _SINCE), Letter
    )
    .order_by(Letter.id)
    .limit(1)
)
INSERT_LETTER = insert(Letter).returning(Letter.id)
SENT = site_bound(
    select(func.count(Letter.id)).where(Letter.client_hash == bindparam("hash"), Letter.received_at >= _SINCE), Letter
)


class LetterQueries:
    session: AsyncSession
    run: CoreRunner

    async def intake_site(self, site_id: str) -> Row | None:
        """The site a letter is sent to, and its desk settings, as the submission reads them (Core rows)."""
        return (await self.run(SITE, {"id": site_id})).first()

    async def intake_settings(self, site_id: str) -> Row | None:
        return (await self.run(DESK, {TENANT_SITE: site_id})).first()

    async def intake_unit(self, site_id: str, code: str | None) -> Row | None:
        """The mailbox written to: by its code, or the first active one."""
        query, params = (FIRST_UNIT, {}) if code is None else (UNIT, {"code": code})
        return (await self.run(query, {TENANT_SITE: site_id, **params})).first()

    async def intake_duplicate(self, site_id: str, fingerprint: str, since: datetime) -> int | None:
        params = {TENANT_SITE: site_id, "fingerprint": fingerprint, "since": since}
        return (await self.run(SAME, params)).scalar()

    async def intake_count(self, site_id: str, client_hash: str, since: datetime) -> int:
        return (await self.run(SENT, {TENANT_SITE: site_id, "hash": client_hash, "since": since})).scalar() or 0

    async def insert_letter(self, values: dict) -> int:
        """A new letter's row, written at once: its id names the steps, mails and attachments that follow."""
        return (await self.run(INSERT_LETTER, values)).scalar_one()

    async def site(self, site_id: str) -> SiteEntry | None:
        return await self.session.get(SiteEntry, site_id)

    async def sites(self) -> Sequence[SiteEntry]:
        return (await self.session.scalars(select(SiteEntry).order_by(SiteEntry.id))).all()

    async def units(self, *, active_only: bool = False) -> Sequence[Unit]:
        query = select(Unit).order_by(Unit.position, Unit.id)
        if active_only:
            query = query.where(Unit.active.is_(True))
        return (await self.session.scalars(query)).all()

    async def units_of_site(self, site_id: str) -> Sequence[Unit]:
        """A site's units from a platform-wide unit of work (a 查询码 names a letter, not its site)."""
        return (await self.session.scalars(select(Unit).where(Unit.site_id == site_id))).all()

    async def unit_by_code(self, code: str) -> Unit | None:
        return await self.session.scalar(select(Unit).where(Unit.code == code))

    async def units_by_id(self, ids: Collection[int]) -> dict[int, Unit]:
        if not ids:
            return {}
        return {u.id: u for u in await self.session.scalars(select(Unit).where(Unit.id.in_(set(ids))))}

    async def letter(self, letter_id: int, *, for_update: bool = False) -> Letter | None:
        query = select(Letter).where(Letter.id == letter_id)
        return await self.session.scalar(query.with_for_update() if for_update else query)

    async def letter_by_code(self, code: str, *, for_update: bool = False) -> Letter | None:
        query = select(Letter).where(Letter.tracking_code == code)
        return await self.session.scalar(query.with_for_update() if for_update else query)

    async def letters_of(self, submitter: str, limit: int) -> Sequence[Letter]:
        query = select(Letter).where(Letter.submitter == submitter).order_by(Letter.id.desc()).limit(limit)
        return (await self.session.scalars(query)).all()

    async def steps(self, letter_id: int, *, public_only: bool = False) -> Sequence[LetterStep]:
        query = select(LetterStep).where(LetterStep.letter_id == letter_id).order_by(LetterStep.id)
        if public_only:
            query = query.where(LetterStep.public.is_(True))
        return (await self.session.scalars(query)).all()

    async def attachments(self, letter_id: int) -> Sequence[LetterAttachment]:
        query = select(LetterAttachment).where(LetterAttachment.letter_id == letter_id).order_by(LetterAttachment.id)
        return (await self.session.scalars(query)).all()

    async def attachment(self, letter_id: int, attachment_id: int) -> LetterAttachment | None:
        query = select(LetterAttachment).where(
            LetterAttachment.letter_id == letter_id, LetterAttachment.id == attachment_id
        )
        return await self.session.scalar(query)

    async def letter_count(self) -> int:
        return await self.session.scalar(select(func.count(Letter.id))) or 0

    async def page(self, query: Select, page: int, size: int) -> tuple[Sequence, int]:
        counted = select(func.count()).select_from(query.order_by(None).subquery())
        total = await self.session.scalar(counted.execution_options(**query.get_execution_options()))
        rows = (await self.session.scalars(query.limit(size).offset((page - 1) * size))).all()
        return rows, total or 0

    def queue(self, *, unit_ids: Collection[int] | None, statuses: Collection[str], q: str | None) -> Select:
        """Open letters first by deadline (overdue on top), then the rest newest first."""
        query = select(Letter).where(Letter.status.in_(list(statuses)))
        if unit_ids is not None:
            query = query.where(Letter.unit_id.in_(list(unit_ids)))
        if q:
            query = query.where(or_(Letter.title.contains(q), Letter.tracking_code == q.upper()))
        no_due = case((Letter.due_on.is_(None), 1), else_=0)
        return query.order_by(no_due, Letter.due_on, Letter.id.desc())

    def published(self) -> Select:
        return select(Letter).where(Letter.published_at.is_not(None)).order_by(Letter.published_at.desc())

    async def for_statistics(self, start: datetime, end: datetime) -> Sequence[Letter]:
        query = select(Letter).where(Letter.received_at >= start, Letter.received_at < end, Letter.kind == "letter")
        return (await self.session.scalars(query)).all()

    async def unanswered_since(self, before: datetime, statuses: Collection[str]) -> Sequence[Letter]:
        query = select(Letter).where(Letter.received_at < before, Letter.status.in_(list(statuses)))
        return (await self.session.scalars(query.order_by(Letter.received_at))).all()

    async def due_by(self, day: date, statuses: Collection[str]) -> Sequence[Letter]:
        query = select(Letter).where(Letter.due_on <= day, Letter.status.in_(list(statuses)))
        return (await self.session.scalars(query.order_by(Letter.due_on))).all()

    async def templates(self) -> Sequence[ReplyTemplate]:
        return (await self.session.scalars(select(ReplyTemplate).order_by(ReplyTemplate.id))).all()

    async def template(self, template_id: int) -> ReplyTemplate | None:
        return await self.session.scalar(select(ReplyTemplate).where(ReplyTemplate.id == template_id))

    async def desk_settings(self, site_id: str) -> DeskSettings | None:
        return await self.session.scalar(select(DeskSettings).where(DeskSettings.site_id == site_id))

    async def holidays(self, year: int | None = None) -> Sequence[Holiday]:
        query = select(Holiday).order_by(Holiday.day)
        if year is not None:
            query = query.where(Holiday.day >= date(year, 1, 1), Holiday.day <= date(year, 12, 31))
        return (await self.session.scalars(query)).all()

    async def captcha_used(self, nonce: str) -> bool:
        return await self.session.get(UsedCaptcha, nonce) is not None

    async def mails_due(self, now: datetime, limit: int) -> Sequence[Mail]:
        query = select(Mail).where(Mail.sent_at.is_(None), Mail.next_attempt_at <= now, Mail.attempts < 10)
        return (await self.session.scalars(query.order_by(Mail.id).limit(limit))).all()

    async def mails(self, ids: Collection[int]) -> Sequence[Mail]:
        return (await self.session.scalars(select(Mail).where(Mail.id.in_(list(ids))))).all()

    async def mails_to(self, recipient: str) -> Sequence[Mail]:
        return (await self.session.scalars(select(Mail).where(Mail.recipient == recipient).order_by(Mail.id))).all()
