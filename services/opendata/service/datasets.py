"""A department's data publisher describes a dataset, publishes it to the catalogue, changes it, withdraws it;
each public turn is an event (opendata.dataset.*) and makes the dataset findable in the group search."""

from __future__ import annotations

import uuid
from collections.abc import Sequence

from services.opendata.models import Dataset, Resource
from services.opendata.schemas import ACCESS_LABELS, DatasetRead, DatasetWrite
from services.opendata.service.context import OpendataDeps, OpendataUnitOfWork, Publisher
from services.opendata.service.views import dataset_read, snapshot
from shared.errors import Conflict, NotFound
from shared.events.opendata import DatasetEvent, DatasetPublished, DatasetUpdated, DatasetWithdrawn
from shared.events.searchable import SearchableEntry, SearchableRemoved, SearchableUpdated

DATASET_PATH = "/sjkf/{name}.html"  # the dataset's page on its site (数据开放)


async def create_dataset(deps: OpendataDeps, publisher: Publisher, data: DatasetWrite) -> DatasetRead:
    async with deps.site_uow(publisher.site_id) as uow:
        if await uow.repo.site(publisher.site_id) is None:
            raise NotFound(f"没有站点 {publisher.site_id}")
        if await uow.repo.name_taken(data.name):
            raise Conflict(f"数据集地址 {data.name} 已被使用，请换一个", code="name_taken")
        now = deps.now()
        dataset = Dataset(
            id=str(uuid.uuid4()), site_id=publisher.site_id, created_by=publisher.actor, created_at=now,
            modified_at=now, state="draft", version=1, **data.model_dump(),
        )  # fmt: skip
        uow.session.add(dataset)
        await uow.commit()
    return dataset_read(dataset, [], {})


async def site_datasets(deps: OpendataDeps, publisher: Publisher) -> list[DatasetRead]:
    async with deps.site_uow(publisher.site_id) as uow:
        found = await uow.repo.datasets_of_site()
        resources = await uow.repo.resources([d.id for d in found])
        usage = await uow.repo.usage_totals([d.id for d in found])
    return [dataset_read(d, resources[d.id], usage) for d in found]


async def desk_dataset(deps: OpendataDeps, publisher: Publisher, name: str) -> DatasetRead:
    """One of the site's datasets, draft or not, with its call counts."""
    async with deps.site_uow(publisher.site_id) as uow:
        dataset = await owned(uow, name)
        resources = (await uow.repo.resources([dataset.id]))[dataset.id]
        usage = await uow.repo.usage_totals([dataset.id])
    return dataset_read(dataset, resources, usage)


async def update_dataset(deps: OpendataDeps, publisher: Publisher, name: str, data: DatasetWrite) -> DatasetRead:
    """The description changes (not its address); a published dataset tells the change."""
    async with deps.site_uow(publisher.site_id) as uow:
        dataset = await owned(uow, name, lock=True)
        if data.name != dataset.name:
            raise Conflict("数据集地址（name）发布后不能修改", code="name_fixed")
        for field, value in data.model_dump().items():
            setattr(dataset, field, value)
        resources = await touch(uow, deps, dataset, publisher.actor)
        await uow.commit()
    return dataset_read(dataset, resources, {})


async def publish_dataset(deps: OpendataDeps, publisher: Publisher, name: str) -> DatasetRead:
    async with deps.site_uow(publisher.site_id) as uow:
        dataset = await owned(uow, name, lock=True)
        if dataset.state == "published":
            raise Conflict("数据集已发布", code="already_published")
        resources = (await uow.repo.resources([dataset.id]))[dataset.id]
        if not resources:
            raise Conflict("请先上传至少一个数据文件再发布", code="no_resources")
        dataset.state, dataset.published_at = "published", dataset.published_at or deps.now()
        await touch(uow, deps, dataset, publisher.actor, event=DatasetPublished)
        await uow.commit()
    return dataset_read(dataset, resources, {})


async def withdraw_dataset(deps: OpendataDeps, publisher: Publisher, name: str) -> DatasetRead:
    async with deps.site_uow(publisher.site_id) as uow:
        dataset = await owned(uow, name, lock=True)
        if dataset.state != "published":
            raise Conflict("数据集未发布", code="not_published")
        dataset.state = "withdrawn"
        resources = await touch(uow, deps, dataset, publisher.actor, event=DatasetWithdrawn)
        await uow.commit()
    return dataset_read(dataset, resources, {})


async def owned(uow: OpendataUnitOfWork, name: str, *, lock: bool = False) -> Dataset:
    """A dataset of the unit of work's site (another site's looks like none)."""
    dataset = await uow.repo.dataset(name, for_update=lock)
    if dataset is None:
        raise NotFound(f"没有数据集 {name}")
    return dataset


async def touch(
    uow: OpendataUnitOfWork,
    deps: OpendataDeps,
    dataset: Dataset,
    actor: str,
    *,
    event: type[DatasetEvent] | None = None,
) -> list[Resource]:
    """A new version of the dataset; told (with its search entry) if it is or just was public."""
    dataset.version, dataset.modified_at = dataset.version + 1, deps.now()
    resources = (await uow.repo.resources([dataset.id]))[dataset.id]
    kind = event or (DatasetUpdated if dataset.state == "published" else None)
    if kind is not None:
        fields = {
            "site_id": dataset.site_id,
            "aggregate_id": f"dataset:{dataset.id}",
            "aggregate_version": dataset.version,
        }
        uow.emit(kind(**fields, dataset=snapshot(dataset, resources), actor=actor))
        site = await uow.repo.site(dataset.site_id)
        entry = searchable(dataset, resources, site.snapshot.get("main_domain", "") if site else "")
        found = SearchableUpdated if dataset.state == "published" else SearchableRemoved
        uow.emit(found(**fields, entry=entry))
    return resources


def searchable(dataset: Dataset, resources: Sequence[Resource], domain: str) -> SearchableEntry:
    """The dataset as the group search finds it: its description, tags and the names of its columns."""
    columns = [c.get("label") or c["id"] for r in resources for c in r.columns]
    text = "\n".join([dataset.notes, f"提供部门：{dataset.publisher}", "数据项：" + "、".join(columns)])
    return SearchableEntry(
        kind="dataset", id=dataset.id, site_id=dataset.site_id, site_main_domain=domain,
        url_path=DATASET_PATH.format(name=dataset.name), title=dataset.title, text=text, summary=dataset.notes[:200],
        category=f"数据开放·{dataset.theme}", keywords=[*dataset.tags, ACCESS_LABELS[dataset.access]],
        published_at=dataset.published_at or dataset.modified_at,
    )  # fmt: skip
