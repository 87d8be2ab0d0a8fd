"""A dataset as each reader needs it: the portal's own API (DatasetRead), CKAN's package and resource
dictionaries (what ckanapi and other CKAN tools read), and the snapshot its events carry."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from services.opendata.datastore import ckan_type
from services.opendata.models import Dataset, Resource, SiteEntry
from services.opendata.schemas import ACCESS_LABELS, LICENSES, DatasetRead, ResourceRead
from shared.events.opendata import DatasetSnapshot, ResourceSnapshot

API = "api/v1/opendata"


def dataset_read(dataset: Dataset, resources: Sequence[Resource], usage: Mapping[tuple[str, str], int]) -> DatasetRead:
    return DatasetRead(
        id=dataset.id, name=dataset.name, site_id=dataset.site_id, title=dataset.title, notes=dataset.notes,
        publisher=dataset.publisher, theme=dataset.theme, access=dataset.access,  # type: ignore[arg-type]
        access_label=ACCESS_LABELS[dataset.access], frequency=dataset.frequency, license_id=dataset.license_id,
        license_title=LICENSES[dataset.license_id][0], tags=list(dataset.tags), contact_name=dataset.contact_name,
        contact_email=dataset.contact_email, state=dataset.state, created_at=dataset.created_at,
        modified_at=dataset.modified_at, published_at=dataset.published_at,
        resources=[resource_read(r) for r in resources],
        api_calls=usage.get((dataset.id, "api"), 0), downloads=usage.get((dataset.id, "download"), 0),
    )  # fmt: skip


def resource_read(resource: Resource) -> ResourceRead:
    fields = {name: getattr(resource, name) for name in ResourceRead.model_fields if name != "datastore_active"}
    return ResourceRead(**fields, datastore_active=resource.table_name is not None)


def download_url(portal_url: str, resource: Resource) -> str:
    return f"{portal_url.rstrip('/')}/{API}/resources/{resource.id}/file"


def ckan_time(moment: datetime | None) -> str | None:
    """CKAN writes naive UTC times with microseconds: 2026-12-01T08:00:00.000000."""
    return moment.replace(tzinfo=None).isoformat(timespec="microseconds") if moment else None


def organization(site_id: str, site: SiteEntry | None) -> dict[str, Any]:
    """A site is a CKAN organisation: the owner of its departments' datasets."""
    name = site.snapshot.get("name", site_id) if site else site_id
    return {
        "id": site_id, "name": site_id, "title": name, "display_name": name, "type": "organization",
        "description": "", "image_url": "", "is_organization": True, "state": "active", "approval_status": "approved",
    }  # fmt: skip


def package_dict(
    dataset: Dataset, resources: Sequence[Resource], site: SiteEntry | None, portal_url: str
) -> dict[str, Any]:
    """The dataset as CKAN's package_show answers it, with our metadata also as extras (开放属性, 更新周期 …)."""
    license_title, license_url = LICENSES[dataset.license_id]
    tags = [{"id": t, "name": t, "display_name": t, "state": "active", "vocabulary_id": None} for t in dataset.tags]
    theme = {"id": dataset.theme, "name": dataset.theme, "title": dataset.theme, "display_name": dataset.theme}
    extras = {"开放属性": ACCESS_LABELS[dataset.access], "更新周期": dataset.frequency, "主题分类": dataset.theme}
    return {
        "id": dataset.id, "name": dataset.name, "title": dataset.title, "notes": dataset.notes,
        "author": dataset.publisher, "author_email": dataset.contact_email, "maintainer": dataset.contact_name,
        "maintainer_email": dataset.contact_email, "license_id": dataset.license_id, "license_title": license_title,
        "license_url": license_url, "metadata_created": ckan_time(dataset.created_at),
        "metadata_modified": ckan_time(dataset.modified_at), "organization": organization(dataset.site_id, site),
        "owner_org": dataset.site_id, "private": dataset.state != "published",
        "state": "active" if dataset.state == "published" else dataset.state, "type": "dataset",
        "url": f"{portal_url.rstrip('/')}/dataset/{dataset.name}", "version": None, "tags": tags,
        "num_tags": len(tags), "groups": [theme], "extras": [{"key": k, "value": v} for k, v in extras.items()],
        "access": dataset.access, "frequency": dataset.frequency, "theme": dataset.theme,
        "resources": [resource_dict(r, portal_url) for r in resources], "num_resources": len(resources),
    }  # fmt: skip


def resource_dict(resource: Resource, portal_url: str) -> dict[str, Any]:
    return {
        "id": resource.id, "package_id": resource.dataset_id, "name": resource.name,
        "description": resource.description, "format": resource.format, "mimetype": resource.media_type,
        "url": download_url(portal_url, resource), "url_type": "upload", "size": resource.size,
        "created": ckan_time(resource.created_at), "last_modified": ckan_time(resource.modified_at),
        "metadata_modified": ckan_time(resource.modified_at), "datastore_active": resource.table_name is not None,
        "position": resource.position, "state": "active", "hash": "", "row_count": resource.row_count,
    }  # fmt: skip


def datastore_fields(resource: Resource, names: Sequence[str] | None = None) -> list[dict[str, Any]]:
    """CKAN's `fields` of a datastore answer: `_id` first, each column with its type and data-dictionary info."""
    columns = {c["id"]: c for c in resource.columns}
    wanted = names or ["_id", *columns]
    fields = []
    for name in wanted:
        if name == "_id":
            fields.append({"id": "_id", "type": "int"})
            continue
        column = columns[name]
        info = {"label": column.get("label", ""), "notes": column.get("notes", "")}
        fields.append({"id": name, "type": ckan_type(column["type"]), "info": info})
    return fields


def snapshot(dataset: Dataset, resources: Sequence[Resource]) -> DatasetSnapshot:
    return DatasetSnapshot(
        id=dataset.id, name=dataset.name, site_id=dataset.site_id, title=dataset.title, notes=dataset.notes,
        publisher=dataset.publisher, theme=dataset.theme, access=dataset.access,  # type: ignore[arg-type]
        frequency=dataset.frequency, license_id=dataset.license_id, tags=list(dataset.tags), state=dataset.state,
        published_at=dataset.published_at, modified_at=dataset.modified_at,
        resources=[
            ResourceSnapshot(
                id=r.id, name=r.name, format=r.format, size=r.size,
                rows=r.row_count if r.table_name else None, columns=list(r.columns),
            )
            for r in resources
        ],
    )  # fmt: skip
