"""Queries of where documents appear (placements) and how they link (interpretations)."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import Row, bindparam, insert, or_, select, update

from services.content.models import Channel, Document, DocumentLink, Placement, SiteDomain
from services.content.repository.base import ALL_SITES, Queries
from shared.events.content import PublicState
from shared.tenancy import TENANT_SITE, site_bound

_PRIMARY_PLACEMENT = site_bound(
    select(Placement.id).where(Placement.document_id == bindparam("doc_id"), Placement.kind == "primary"), Placement
)
_MOVE_PLACEMENT = site_bound(
    update(Placement)
    .where(Placement.id == bindparam("placement_id"))
    .values(channel_id=bindparam("channel_id"), published_at=bindparam("published_at")),
    Placement,
)
_ADD_PLACEMENT = insert(Placement)
_LINKS_OF = (
    select(DocumentLink.policy_id, DocumentLink.interpretation_id)
    .where(or_(DocumentLink.policy_id == bindparam("doc_id"), DocumentLink.interpretation_id == bindparam("doc_id")))
    .execution_options(**ALL_SITES)
)
_PLACEMENT_ROWS = (
    select(
        Placement.site_id,
        Placement.channel_id,
        Placement.kind,
        Placement.url_path,
        Channel.path,
        Channel.name,
        SiteDomain.host,
    )
    .join(Channel, Channel.id == Placement.channel_id)
    .outerjoin(SiteDomain, (SiteDomain.site_id == Placement.site_id) & SiteDomain.is_main.is_(True))
    .where(Placement.document_id == bindparam("doc_id"))
    .order_by(Placement.id)
    .execution_options(**ALL_SITES)
)


class PlacementQueries(Queries):
    """Placements span sites by nature: most of these look across sites."""

    async def placements_of(self, doc_id: int) -> list[Placement]:
        stmt = select(Placement).where(Placement.document_id == doc_id).order_by(Placement.id)
        return await self._all(stmt.execution_options(**ALL_SITES))

    async def placement(self, placement_id: int) -> Placement | None:
        return await self.session.scalar(select(Placement).where(Placement.id == placement_id))

    async def listing(
        self, site_id: str, channel_id: int, page: int, size: int, *, validity: str | None = None
    ) -> tuple[list[tuple], int]:
        """Live documents placed in one channel of a site, newest first (of one 有效性 if given)."""
        base = (
            select(Placement, Document)
            .join(Document, Document.id == Placement.document_id)
            .where(
                Placement.site_id == site_id,
                Placement.channel_id == channel_id,
                Document.public_state == PublicState.LIVE,
            )
            .execution_options(**ALL_SITES)
        )
        if validity:
            base = base.where(Document.validity == validity)
        total = await self._count(base)
        rows = (
            await self.session.execute(
                base.order_by(Placement.published_at.desc(), Placement.id.desc()).offset((page - 1) * size).limit(size)
            )
        ).all()
        return [tuple(r) for r in rows], total or 0

    async def document_at(self, site_id: str, url_path: str) -> int | None:
        stmt = select(Placement.document_id).where(Placement.site_id == site_id, Placement.url_path == url_path)
        return await self.session.scalar(stmt.limit(1))

    async def live_url_paths(self, site_id: str, paths: Sequence[str]) -> set[str]:
        stmt = (
            select(Placement.url_path)
            .join(Document, Document.id == Placement.document_id)
            .where(
                Placement.site_id == site_id, Placement.url_path.in_(paths), Document.public_state == PublicState.LIVE
            )
        )
        return set((await self.session.scalars(stmt.execution_options(**ALL_SITES))).all())

    async def links_of(self, doc_id: int) -> list[Row]:
        """(policy_id, interpretation_id) of the links where the document is either, in one query."""
        return list((await self.run(_LINKS_OF, {"doc_id": doc_id})).all())

    async def placement_rows(self, doc_id: int) -> list[Row]:
        """Every placement of a document with its channel's path and name and the site's main domain."""
        return list((await self.run(_PLACEMENT_ROWS, {"doc_id": doc_id})).all())

    async def place_primary(self, site_id: str, values: dict, first: bool) -> None:
        """Put a document in its own channel (at its first publication: nothing to look for), or move its
        primary placement there."""
        params = {TENANT_SITE: site_id, "doc_id": values["document_id"]}
        placement_id = None if first else (await self.run(_PRIMARY_PLACEMENT, params)).scalar()
        if placement_id is None:
            await self.run(_ADD_PLACEMENT, {**values, "site_id": site_id, "kind": "primary"})
        else:
            moved = {"channel_id": values["channel_id"], "published_at": values["published_at"]}
            await self.run(_MOVE_PLACEMENT, {TENANT_SITE: site_id, "placement_id": placement_id, **moved})

    async def links_from(self, interpretation_id: int) -> list[DocumentLink]:
        stmt = select(DocumentLink).where(DocumentLink.interpretation_id == interpretation_id)
        return await self._all(stmt.execution_options(**ALL_SITES))
