"""Going live and coming down: publication, scheduled publish and expiry, withdrawal, validity marks.

Each of these is one transaction: the document's public state, its placements, its revision
pointer, the audit entry and the outbox event commit together or not at all.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Row

from services.content import lifecycle
from services.content.events import document_event, primary_placement_snapshot, site_snapshot
from services.content.lifecycle import Changes
from services.content.schemas.documents import DocumentRead, Unpublish
from services.content.service.checks import enforce_checks
from services.content.service.context import SYSTEM, Actor, ContentDeps, ContentUnitOfWork, audit
from services.content.service.links import announce_linked
from services.content.service.lookups import document_or_404
from services.content.service.permissions import require_site_admin
from shared.clock import china_time
from shared.events.content import DocumentExpired, DocumentPublished, DocumentUpdated, DocumentWithdrawn
from shared.logs import get_logger

log = get_logger("content.publishing")


async def complete_review(uow: ContentUnitOfWork, deps: ContentDeps, actor: Actor, doc: Row) -> Row:
    """The last step passed: check, then publish now or at the scheduled time."""
    await enforce_checks(uow, doc)
    if doc.publish_at is not None and doc.publish_at > deps.now():
        audit(uow, actor, doc.site_id, "document.scheduled", "document", doc.id, publish_at=doc.publish_at.isoformat())
        return await uow.repo.change_document(doc, lifecycle.schedule())
    return await go_live(uow, deps, actor, doc)


@dataclass(frozen=True, slots=True)
class AtHand:
    """What a caller publishing many documents has already read: the site and channel rows, and whether the
    document has no links yet (a migration just created it)."""

    site: Row
    channel: Row
    unlinked: bool = False


async def go_live(
    uow: ContentUnitOfWork,
    deps: ContentDeps,
    actor: Actor,
    doc: Row,
    *,
    at: datetime | None = None,
    at_hand: AtHand | None = None,
) -> Row:
    """Make the working revision the live one and announce it; the live row back. A migrated document goes
    live `at` its original date: its address, 索引号 year and place in the lists are those of then."""
    now = at or deps.now()
    was_live, first, old_title = lifecycle.is_live(doc), doc.first_published_at is None, doc.live_title
    changes = lifecycle.go_live(doc, now)
    site = at_hand.site if at_hand else await uow.repo.site_row(doc.site_id)
    channel = None
    if first:
        channel = at_hand.channel if at_hand else await uow.repo.channel_row(doc.channel_id, doc.site_id)
    if channel is not None:
        changes |= await _permanent_address(uow, site, channel, doc, now)
    await uow.repo.place_primary(doc.site_id, _primary(actor, doc, changes.get("url_path", doc.url_path), now), first)
    await uow.repo.show_live_files(doc, [i for i in [doc.cover_id, *doc.attachment_ids] if i])
    doc = await uow.repo.change_document(doc, changes)
    # Nothing can place a document elsewhere before it is first live: its own placement is all there is.
    placements = [await primary_placement_snapshot(uow.repo, site, channel, doc)] if channel is not None else None
    event_type, extra = (DocumentUpdated, {"change": "revision"}) if was_live else (DocumentPublished, {})
    unlinked = at_hand is not None and at_hand.unlinked
    links = [] if unlinked else None
    uow.emit(await document_event(uow.repo, event_type, doc, site=site, placements=placements, links=links, **extra))
    if not unlinked and (not was_live or doc.live_title != old_title):  # linked pages show it, by its title
        await announce_linked(uow, doc.id)
    audit(
        uow, actor, doc.site_id, "document.published", "document", doc.id, revision=doc.revision, url_path=doc.url_path
    )
    return doc


@dataclass(frozen=True, slots=True)
class Created:
    """A document a migration is about to create, to go live `at` in its channel: its columns (its id taken
    already) are made those of a live document before it is inserted, which lets many go live set-based."""

    values: dict
    channel: Row
    actor: Actor
    at: datetime


async def live_on_creation(
    uow: ContentUnitOfWork, site: Row, created: Sequence[Created], held: frozenset[str] = frozenset()
) -> None:
    """`go_live`'s changes, address and 索引号 written into the columns of documents about to be inserted (`held`:
    the 索引号 that others inserted with them bring)."""
    numbers = await _index_numbers(uow, site, created, held)
    for c, number in zip(created, numbers, strict=True):
        state = _Unborn(revision=c.values.get("revision", 1), title=c.values["title"])
        c.values.update(lifecycle.go_live(state, c.at) | _address(c.channel, c.values["id"], c.at))
        if number is not None:
            c.values["index_number"] = number


async def announce_created(
    uow: ContentUnitOfWork, site: Row, created: Sequence[tuple[Created, Row]]
) -> list[tuple[Row, DocumentPublished]]:
    """What going live adds once documents created live are inserted: their placements, public files, audit and
    events (back by document, for the caller to emit in its order), each written by one statement for all."""
    placed = [_primary(c.actor, doc, doc.url_path, c.at) | {"site_id": site.id, "kind": "primary"}
              for c, doc in created]  # fmt: skip
    await uow.repo.add_placements(placed)
    shown = [(doc.id, i) for _, doc in created for i in sorted({i for i in [doc.cover_id, *doc.attachment_ids] if i})]
    await uow.repo.add_live_files([{"site_id": site.id, "document_id": d, "attachment_id": i} for d, i in shown])
    files = await uow.repo.attachments(sorted({i for _, i in shown}), site_id=site.id)  # every document's, at once
    live, face = [], await site_snapshot(uow.repo, site)
    for c, doc in created:
        placements = [await primary_placement_snapshot(uow.repo, site, c.channel, doc)]
        event = await document_event(uow.repo, DocumentPublished, doc, site=site, placements=placements, links=[],
                                     files=files, site_face=face)  # fmt: skip
        live.append((doc, event))
        audit(uow, c.actor, doc.site_id, "document.published", "document", doc.id, revision=doc.revision,
              url_path=doc.url_path)  # fmt: skip
    return live


@dataclass(frozen=True, slots=True)
class _Unborn:
    """What `lifecycle.go_live` reads of a document not inserted yet."""

    revision: int
    title: str


async def _index_numbers(
    uow: ContentUnitOfWork, site: Row, created: Sequence[Created], held: frozenset[str]
) -> list[str | None]:
    """The 索引号 each document is given (None: it brought its own), in order, one counter upsert per series.
    A number a document already holds (a migrated one brought it) is passed over for the next: one at a time,
    the database would refuse the second holder."""
    numbers: list[str | None] = [None] * len(created)
    wanting = [i for i, c in enumerate(created) if not c.values.get("index_number")]
    while wanting:
        series = {i: _index_series(site, created[i].channel, created[i].at) for i in wanting}
        counts = Counter(series.values())
        serials = {s: iter(await uow.repo.next_values(site.id, f"index:{s[0]}:{s[1]}", n)) for s, n in counts.items()}
        for i in wanting:
            numbers[i] = _index_number(*series[i], next(serials[series[i]]))
        taken = held | await uow.repo.index_numbers_taken([numbers[i] for i in wanting])
        wanting = [i for i in wanting if numbers[i] in taken]
    return numbers


async def _permanent_address(uow: ContentUnitOfWork, site: Row, channel: Row, doc: Row, now: datetime) -> Changes:
    """URL and 索引号 are given once, at first publication, and never change (a migrated document may bring its
    索引号 along: it keeps it)."""
    address = _address(channel, doc.id, now)
    if doc.index_number:
        return address
    unit, year = _index_series(site, channel, now)
    serial = await uow.repo.next_value(doc.site_id, f"index:{unit}:{year}")
    return address | {"index_number": _index_number(unit, year, serial)}


def _address(channel: Row, doc_id: int, now: datetime) -> Changes:
    local = china_time(now)
    return {"url_path": f"/{channel.path}/{local:%Y%m}/t{local:%Y%m%d}_{doc_id}.html", "first_published_at": now}


def _index_series(site: Row, channel: Row, now: datetime) -> tuple[str, int]:
    """The unit and year whose counter numbers a document's 索引号."""
    return channel.unit_code or site.org_code, china_time(now).year


def _index_number(unit: str, year: int, serial: int) -> str:
    return f"{unit}/{year}-{serial:05d}"


def _primary(actor: Actor, doc: Row, url_path: str, now: datetime) -> dict:
    """The columns of a document's placement in its own channel."""
    return {
        "channel_id": doc.channel_id,
        "document_id": doc.id,
        "source_site_id": doc.site_id,
        "url_path": url_path,
        "published_at": now,
        "created_by": actor.id,
        "created_at": now,
    }


async def unpublish_document(
    deps: ContentDeps, actor: Actor, site_id: str, doc_id: int, request: Unpublish
) -> DocumentRead:
    """Withdraw (page stays with a notice), redirect elsewhere, or gone (410)."""
    require_site_admin(actor, site_id)
    async with deps.site_uow(site_id) as uow:
        doc = await document_or_404(uow, doc_id, for_update=True)
        changes = lifecycle.take_down(doc, request.kind, request.reason, request.redirect_url)
        doc = await uow.repo.change_document(doc, changes)
        await uow.repo.hide_live_files(doc)
        await announce_linked(uow, doc.id)
        down = {"kind": request.kind, "reason": request.reason, "redirect_url": request.redirect_url}
        uow.emit(await document_event(uow.repo, DocumentWithdrawn, doc, **down))
        audit(uow, actor, site_id, "document.unpublished", "document", doc.id, **down)
        await uow.commit()
        return DocumentRead.model_validate(doc)


DueAction = Callable[[ContentUnitOfWork, ContentDeps, Row], Awaitable[bool]]


async def _run_due(deps: ContentDeps, due: list[tuple[int, str]], action: DueAction) -> int:
    """Act on each due document in its own site-scoped transaction, re-checking it under lock."""
    done = 0
    for doc_id, site_id in due:
        async with deps.site_uow(site_id) as uow:
            doc = await uow.repo.document_row(doc_id, for_update=True)
            if doc is not None and await action(uow, deps, doc):
                await uow.commit()
                done += 1
    return done


async def _publish_if_due(uow: ContentUnitOfWork, deps: ContentDeps, doc: Row) -> bool:
    if not lifecycle.is_due(doc, deps.now()):
        return False
    await go_live(uow, deps, SYSTEM, doc)
    return True


async def _expire_if_due(uow: ContentUnitOfWork, deps: ContentDeps, doc: Row) -> bool:
    if not lifecycle.has_expired(doc, deps.now()):
        return False
    doc = await uow.repo.change_document(doc, lifecycle.expire(doc))
    await uow.repo.hide_live_files(doc)
    await announce_linked(uow, doc.id)
    uow.emit(await document_event(uow.repo, DocumentExpired, doc))
    audit(uow, SYSTEM, doc.site_id, "document.expired", "document", doc.id)
    return True


async def run_due_publications(deps: ContentDeps) -> int:
    """Publish approved documents whose time has come."""
    async with deps.platform_uow() as uow:
        due = await uow.repo.due_for_publication(deps.now())
    return await _run_due(deps, due, _publish_if_due)


async def run_due_expiries(deps: ContentDeps) -> int:
    """Take down live documents whose expiry time has come."""
    async with deps.platform_uow() as uow:
        due = await uow.repo.due_for_expiry(deps.now())
    return await _run_due(deps, due, _expire_if_due)
