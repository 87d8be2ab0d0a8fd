"""Replay: the content library announces again, as events, every site, channel and document the public has seen,
as they stand now. A consumer that lost its copy (a read model rebuilt from nothing, a new search index) takes
them; one that has them already drops them as not newer (same aggregate versions), so a replay is always safe."""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import Row

from services.content.events import channel_snapshot, document_event, site_snapshot
from services.content.service.context import Actor, ContentDeps, ContentUnitOfWork
from services.content.service.permissions import require_operator
from shared.errors import NotFound
from shared.events.content import (
    ChannelUpdated,
    DocumentEvent,
    DocumentExpired,
    DocumentUpdated,
    DocumentWithdrawn,
    PublicState,
    SiteUpdated,
    WithdrawalKind,
)

BATCH = 200  # documents per transaction (their events reach the outbox together)
_WITHDRAWALS = {
    PublicState.WITHDRAWN: WithdrawalKind.WITHDRAW,
    PublicState.REDIRECTED: WithdrawalKind.REDIRECT,
    PublicState.GONE: WithdrawalKind.GONE,
}


async def replay(deps: ContentDeps, actor: Actor, site_id: str | None = None) -> dict[str, int]:
    """Announce a site (or every site) again; the numbers of sites, channels and documents announced."""
    require_operator(actor)
    async with deps.platform_uow() as uow:
        site_ids = [site.id for site in await uow.repo.sites(None if site_id is None else [site_id])]
    if site_id is not None and not site_ids:
        raise NotFound(f"site: 平台上没有站点 {site_id}")
    counts: Counter[str] = Counter()
    for one in site_ids:
        counts["channels"] += await _replay_frame(deps, one)
        counts["documents"] += await _replay_documents(deps, one)
        counts["sites"] += 1
    return dict(counts)


async def _replay_frame(deps: ContentDeps, site_id: str) -> int:
    async with deps.site_uow(site_id) as uow:
        site = await uow.repo.site(site_id)
        snapshot = await site_snapshot(uow.repo, site)
        uow.emit(SiteUpdated(site_id=site_id, aggregate_id=site_id, aggregate_version=site.version, site=snapshot))
        channels = await uow.repo.channels(site_id)
        for channel in channels:
            uow.emit(
                ChannelUpdated(
                    site_id=site_id,
                    aggregate_id=str(channel.id),
                    aggregate_version=channel.version,
                    channel=channel_snapshot(channel),
                    site=snapshot,
                )
            )
        await uow.commit()
    return len(channels)


async def _replay_documents(deps: ContentDeps, site_id: str) -> int:
    announced, after = 0, 0
    while True:
        async with deps.site_uow(site_id) as uow:
            rows = await uow.repo.seen_rows_after(after, BATCH)
            if not rows:
                return announced
            for doc in rows:
                uow.emit(await _as_it_stands(uow, doc))
            await uow.commit()
        announced += len(rows)
        after = rows[-1].id


async def _as_it_stands(uow: ContentUnitOfWork, doc: Row) -> DocumentEvent:
    """The event that leaves a consumer where the public is: live, taken down (and how), or expired."""
    state = PublicState(doc.public_state)
    extra: dict[str, Any]
    if state == PublicState.LIVE:
        event_type, extra = DocumentUpdated, {"change": "revision"}
    elif state == PublicState.EXPIRED:
        event_type, extra = DocumentExpired, {}
    else:
        event_type = DocumentWithdrawn
        extra = {"kind": _WITHDRAWALS[state], "reason": doc.unpublish_reason, "redirect_url": doc.redirect_url}
    return await document_event(uow.repo, event_type, doc, **extra)
