"""The catalogue as DCAT-AP: the published datasets mapped onto services.opendata.dcat's model, a page at a time."""

from __future__ import annotations

from services.opendata.dcat import (
    CatalogInfo,
    DatasetInfo,
    DistributionInfo,
    Format,
    catalog_graph,
    dataset_graph,
    serialize,
)
from services.opendata.schemas import LICENSES
from services.opendata.service.catalogue import Catalogue, Entry
from services.opendata.service.views import download_url
from shared.errors import InvalidInput, NotFound

PAGE_SIZE = 100


def catalog_info(catalogue: Catalogue) -> CatalogInfo:
    settings = catalogue.deps.settings
    return CatalogInfo(
        url=settings.portal_url.rstrip("/") + "/", title=settings.portal_title,
        description=f"{settings.portal_title}：各级政府部门开放的数据集目录", publisher_name=settings.publisher_name,
        publisher_url=None, homepage=settings.portal_url,
    )  # fmt: skip


def dataset_info(catalogue: Catalogue, entry: Entry) -> DatasetInfo:
    portal = catalogue.deps.settings.portal_url.rstrip("/")
    d = entry.dataset
    license_url = LICENSES[d.license_id][1]
    distributions = [
        DistributionInfo(
            id=r.id, title=r.name, description=r.description, access_url=f"{portal}/dataset/{d.name}",
            download_url=download_url(portal, r), format=r.format, media_type=r.media_type, byte_size=r.size,
            license_url=license_url, issued=r.created_at, modified=r.modified_at,
        )
        for r in entry.resources
    ]  # fmt: skip
    columns = [(c.get("label") or c["id"], c["type"]) for r in entry.resources[:1] for c in r.columns]
    return DatasetInfo(
        name=d.name, title=d.title, description=d.notes or d.title, landing_page=f"{portal}/dataset/{d.name}",
        publisher_name=d.publisher, publisher_url=None, themes=[d.theme], keywords=list(d.tags),
        access=d.access, frequency=d.frequency, license_url=license_url,  # type: ignore[arg-type]
        issued=d.published_at, modified=d.modified_at, contact_name=d.contact_name, contact_email=d.contact_email,
        columns=columns, distributions=distributions,
    )  # fmt: skip


async def catalog_document(catalogue: Catalogue, fmt: Format, page: int) -> bytes:
    entries = await catalogue.entries()
    pages = max(1, -(-len(entries) // PAGE_SIZE))
    if page > pages:
        raise InvalidInput("page", f"目录共 {pages} 页")
    chosen = entries[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    graph = catalog_graph(
        catalog_info(catalogue), [dataset_info(catalogue, e) for e in chosen], page=page, page_size=PAGE_SIZE,
        total=len(entries), fmt=fmt,
    )  # fmt: skip
    return serialize(graph, fmt)


async def dataset_document(catalogue: Catalogue, name: str, fmt: Format) -> bytes:
    for entry in await catalogue.entries():
        if name in (entry.dataset.name, entry.dataset.id):
            return serialize(dataset_graph(catalog_info(catalogue), dataset_info(catalogue, entry)), fmt)
    raise NotFound(f"没有数据集 {name}")
