"""Queries of the open-data portal; the unit of work's tenant scope filters every site's rows."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import date

from sqlalchemy import func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from services.opendata.models import AccessRequest, Dataset, Resource, SiteEntry, Usage
from shared.db.uow import CoreRunner


class OpendataRepository:
    def __init__(self, session: AsyncSession, run: CoreRunner) -> None:
        self.session = session
        self.run = run

    async def site(self, site_id: str) -> SiteEntry | None:
        return await self.session.get(SiteEntry, site_id)

    async def sites(self, ids: Collection[str] | None = None) -> Sequence[SiteEntry]:
        query = select(SiteEntry).order_by(SiteEntry.id)
        if ids is not None:
            query = query.where(SiteEntry.id.in_(list(ids)))
        return (await self.session.scalars(query)).all()

    async def dataset(self, key: str, *, for_update: bool = False) -> Dataset | None:
        """By id or by name, as package_show takes either."""
        query = select(Dataset).where(or_(Dataset.id == key, Dataset.name == key))
        return await self.session.scalar(query.with_for_update() if for_update else query)

    async def name_taken(self, name: str) -> bool:
        """Names are the catalogue's addresses: unique across every site (a count, nothing of theirs read)."""
        query = select(func.count()).select_from(Dataset).where(Dataset.name == name)
        return await self.session.scalar(query.execution_options(all_sites=True)) > 0

    async def resources(self, dataset_ids: Collection[str]) -> dict[str, list[Resource]]:
        found: dict[str, list[Resource]] = {key: [] for key in dataset_ids}
        if dataset_ids:
            query = select(Resource).where(Resource.dataset_id.in_(list(dataset_ids)))
            for resource in await self.session.scalars(query.order_by(Resource.position, Resource.created_at)):
                found[resource.dataset_id].append(resource)
        return found

    async def resource(self, resource_id: str, *, for_update: bool = False) -> Resource | None:
        query = select(Resource).where(Resource.id == resource_id)
        return await self.session.scalar(query.with_for_update() if for_update else query)

    async def datasets_of_site(self) -> Sequence[Dataset]:
        """The unit of work's site's datasets (its scope filters the rows), newest first."""
        return (await self.session.scalars(select(Dataset).order_by(Dataset.modified_at.desc()))).all()

    async def published(self) -> Sequence[Dataset]:
        query = select(Dataset).where(Dataset.state == "published").order_by(Dataset.modified_at.desc())
        return (await self.session.scalars(query)).all()

    async def access_requests(self, *, dataset_id: str | None = None, status: str | None = None):  # noqa: ANN201
        query = select(AccessRequest).order_by(AccessRequest.id.desc())
        if dataset_id is not None:
            query = query.where(AccessRequest.dataset_id == dataset_id)
        if status is not None:
            query = query.where(AccessRequest.status == status)
        return (await self.session.scalars(query)).all()

    async def access_request(self, request_id: int, *, for_update: bool = False) -> AccessRequest | None:
        query = select(AccessRequest).where(AccessRequest.id == request_id)
        return await self.session.scalar(query.with_for_update() if for_update else query)

    async def requests_of_owner(self, owner_id: str) -> Sequence[AccessRequest]:
        query = select(AccessRequest).where(AccessRequest.owner_id == owner_id).order_by(AccessRequest.id.desc())
        return (await self.session.scalars(query)).all()

    async def approved(self, application_id: str) -> set[str]:
        """The datasets an application may read besides the open ones."""
        query = select(AccessRequest.dataset_id).where(
            AccessRequest.application_id == application_id, AccessRequest.status == "approved"
        )
        return set((await self.session.scalars(query)).all())

    async def usage(  # noqa: ANN201 - Usage rows
        self,
        since: date,
        *,
        dataset_ids: Collection[str] | None = None,
        key_id: str | None = None,
        owner_id: str | None = None,
    ):
        query = select(Usage).where(Usage.day >= since).order_by(Usage.day)
        if owner_id is not None:
            query = query.where(Usage.owner_id == owner_id)
        if dataset_ids is not None:
            query = query.where(Usage.dataset_id.in_(list(dataset_ids)))
        if key_id is not None:
            query = query.where(Usage.key_id == key_id)
        return (await self.session.scalars(query)).all()

    async def usage_totals(self, dataset_ids: Collection[str]) -> dict[tuple[str, str], int]:
        """(dataset, api|download) → all calls ever: what the catalogue shows beside each dataset."""
        if not dataset_ids:
            return {}
        query = (
            select(Usage.dataset_id, Usage.kind, func.sum(Usage.count))
            .where(Usage.dataset_id.in_(list(dataset_ids)))
            .group_by(Usage.dataset_id, Usage.kind)
        )
        return {(d, k): int(n or 0) for d, k, n in (await self.session.execute(query)).all()}
