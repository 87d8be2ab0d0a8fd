"""A dataset as the public (and its own publishers) read it through the portal's API, with its call counts."""

from __future__ import annotations

from services.opendata.schemas import DatasetRead
from services.opendata.service.context import OpendataDeps, Reader
from services.opendata.service.views import dataset_read
from shared.errors import NotFound


async def dataset_of(deps: OpendataDeps, reader: Reader, name: str) -> DatasetRead:
    """Published, or a draft its own publishers look at."""
    async with deps.platform_uow() as uow:
        dataset = await uow.repo.dataset(name)
        if dataset is None or (dataset.state != "published" and not reader.publishes(dataset.site_id)):
            raise NotFound(f"没有数据集 {name}")
        resources = (await uow.repo.resources([dataset.id]))[dataset.id]
        usage = await uow.repo.usage_totals([dataset.id])
    return dataset_read(dataset, resources, usage)


async def datasets_of(deps: OpendataDeps, site_id: str) -> list[DatasetRead]:
    """A site's published datasets, newest first (its 数据开放 channel)."""
    async with deps.site_uow(site_id) as uow:
        found = [d for d in await uow.repo.datasets_of_site() if d.state == "published"]
        resources = await uow.repo.resources([d.id for d in found])
        usage = await uow.repo.usage_totals([d.id for d in found])
    return [dataset_read(d, resources[d.id], usage) for d in found]


async def known_sites(deps: OpendataDeps) -> int:
    """How many sites the portal has heard of (none: it started after them, and needs them announced again)."""
    async with deps.platform_uow() as uow:
        return len(await uow.repo.sites())
