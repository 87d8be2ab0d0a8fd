"""Files into the catalogue: an upload is checked whole (encoding, shape, every value against its column's
type) before anything is written; a good one is kept in the blob store and loaded into a fresh datastore table,
and only then does the resource name that table — so a re-upload replaces the data in one switch, and a broken
file leaves the old data served and a report of its bad rows."""

from __future__ import annotations

import asyncio
import tempfile
import uuid
from dataclasses import dataclass
from pathlib import Path

from services.opendata.datastore import storable
from services.opendata.loading import LoadError, TableFile, open_table
from services.opendata.models import Resource
from services.opendata.schemas import DictionaryWrite, LoadReport, Problem, ResourceRead
from services.opendata.service.context import OpendataDeps, Publisher
from services.opendata.service.datasets import owned, touch
from services.opendata.service.exports import ExportWriter, drop_export, keep_export
from services.opendata.service.views import resource_read
from shared.errors import NotFound, PayloadTooLarge, Unprocessable
from shared.logs import get_logger
from shared.tenancy import site_blob_key

log = get_logger("opendata.resources")
MEDIA_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "json": "application/json",
}


@dataclass(frozen=True, slots=True)
class Upload:
    filename: str
    path: Path  # spooled to disk by the API: never whole in memory
    size: int


@dataclass(frozen=True, slots=True)
class Loaded:
    """A file checked, kept and loaded, waiting for its resource to name it."""

    table: str
    key: str
    table_file: TableFile
    upload: Upload
    new_blob: bool = True  # False when the kept file was only read again under new types


async def add_resource(
    deps: OpendataDeps, publisher: Publisher, name: str, upload: Upload, *, title: str, description: str = ""
) -> ResourceRead:
    """A new file of the dataset, loaded into the datastore."""
    return await _put(deps, publisher, name, upload, None, title=title, description=description)


async def replace_resource(
    deps: OpendataDeps, publisher: Publisher, name: str, resource_id: str, upload: Upload
) -> ResourceRead:
    """A new version of a resource's file (same columns or not): the old data stays served until the new is in."""
    return await _put(deps, publisher, name, upload, resource_id, title=None, description=None)


async def _put(
    deps: OpendataDeps,
    publisher: Publisher,
    name: str,
    upload: Upload,
    resource_id: str | None,
    *,
    title: str | None,
    description: str | None,
) -> ResourceRead:
    async with deps.site_uow(publisher.site_id) as uow:
        dataset = await owned(uow, name)
        if resource_id is not None:
            await _resource_of(uow, dataset.id, resource_id)
    table_file = await _checked(deps, upload, None)  # a new file's columns are inferred afresh
    resource_id = resource_id or str(uuid.uuid4())
    key = site_blob_key(publisher.site_id, "opendata", resource_id, uuid.uuid4().hex[:8], _safe(upload.filename))
    await deps.blobs.put_file(key, upload.path, MEDIA_TYPES[table_file.format])
    loaded = Loaded(await _load(deps, publisher.site_id, resource_id, table_file), key, table_file, upload)
    return await _switch(deps, publisher, name, resource_id, loaded, title, description)


async def _checked(deps: OpendataDeps, upload: Upload, types: dict[str, str] | None) -> TableFile:
    if upload.size > deps.settings.max_upload_bytes:
        raise PayloadTooLarge(f"file: 文件超过 {_size(deps.settings.max_upload_bytes)}，请拆分后上传")
    try:
        return await asyncio.to_thread(
            open_table, upload.path, filename=upload.filename, types=types, max_bytes=deps.settings.max_upload_bytes
        )
    except LoadError as exc:
        report = LoadReport(
            filename=upload.filename, total=exc.total, problems=[Problem(**vars_of(p)) for p in exc.problems]
        )
        first = exc.problems[0].message if exc.problems else "文件无法读取"
        raise Unprocessable(f"file: {upload.filename} 有 {exc.total} 处问题，未加载：{first}",
                            details=report.model_dump(), code="bad_file") from exc  # fmt: skip


def vars_of(problem: object) -> dict:
    return {name: getattr(problem, name) for name in ("row", "column", "value", "message")}


async def _load(deps: OpendataDeps, site_id: str, resource_id: str, table_file: TableFile) -> str:
    """A table of its own for this load (ds_<resource>_<n>), filled before anyone can see it, and its whole
    export written on the way (services.opendata.service.exports)."""
    table = f"ds_{uuid.UUID(resource_id).hex}_{uuid.uuid4().int % 1_000_000}"
    columns = [(c.name, c.type) for c in table_file.columns]
    with tempfile.TemporaryDirectory(prefix="opendata-export-") as tmp:
        with ExportWriter(Path(tmp) / "export.csv", columns) as export:
            loaded = await deps.datastore.load(table, columns, export.tee(storable(table_file.rows())))
        try:
            await keep_export(deps.blobs, site_id, table, export.path)
        except BaseException:
            await deps.datastore.drop(table)
            raise
    log.info("datastore_loaded", resource_id=resource_id, table=table, rows=loaded)
    return table


async def _drop(deps: OpendataDeps, site_id: str, table: str) -> None:
    await deps.datastore.drop(table)
    await drop_export(deps.blobs, site_id, table)


async def _switch(
    deps: OpendataDeps,
    publisher: Publisher,
    name: str,
    resource_id: str,
    loaded: Loaded,
    title: str | None,
    description: str | None,
) -> ResourceRead:
    """Name the new table and file in one transaction; the old ones go once it has committed."""
    old_table, old_key = None, None
    try:
        async with deps.site_uow(publisher.site_id) as uow:
            dataset = await owned(uow, name, lock=True)
            resource = await uow.repo.resource(resource_id, for_update=True)
            if resource is None:
                count = len((await uow.repo.resources([dataset.id]))[dataset.id])
                resource = Resource(
                    id=resource_id, site_id=publisher.site_id, dataset_id=dataset.id, position=count,
                    name=title or loaded.upload.filename, description=description or "", created_at=deps.now(),
                )  # fmt: skip
                uow.session.add(resource)
            else:
                old_table, old_key = resource.table_name, resource.blob_key
            _describe(resource, loaded, deps)
            await touch(uow, deps, dataset, publisher.actor)
            await uow.commit()
    except BaseException:
        await _drop(deps, publisher.site_id, loaded.table)
        if loaded.new_blob:
            await deps.blobs.delete(loaded.key)
        raise
    if old_table:
        await _drop(deps, publisher.site_id, old_table)
    if old_key and loaded.new_blob:
        await deps.blobs.delete(old_key)
    return resource_read(resource)


def _describe(resource: Resource, loaded: Loaded, deps: OpendataDeps) -> None:
    labels = {c["id"]: c for c in resource.columns or []}  # a dictionary's labels and notes outlive a re-upload
    resource.columns = [
        {"id": c.name, "type": c.type, "label": labels.get(c.name, {}).get("label", ""),
         "notes": labels.get(c.name, {}).get("notes", "")}
        for c in loaded.table_file.columns
    ]  # fmt: skip
    table_file, upload = loaded.table_file, loaded.upload
    resource.format, resource.media_type = table_file.format.upper(), MEDIA_TYPES[table_file.format]
    resource.filename, resource.size, resource.blob_key = upload.filename, upload.size, loaded.key
    resource.encoding, resource.table_name = table_file.encoding, loaded.table
    resource.row_count, resource.modified_at = table_file.row_count, deps.now()


async def edit_dictionary(
    deps: OpendataDeps, publisher: Publisher, name: str, resource_id: str, data: DictionaryWrite
) -> ResourceRead:
    """The data dictionary (数据项): labels and notes, and types — a type change reloads the file under it."""
    async with deps.site_uow(publisher.site_id) as uow:
        dataset = await owned(uow, name)
        resource = await _resource_of(uow, dataset.id, resource_id)
        known = [c["id"] for c in resource.columns]
        given = [c.id for c in data.columns]
        if sorted(given) != sorted(known):
            raise Unprocessable(f"columns: 数据项应与文件的列一致：{'、'.join(known)}", code="columns_mismatch")
        retype = {c.id: c.type for c in data.columns} != {c["id"]: c["type"] for c in resource.columns}
        kept = (resource.blob_key, resource.filename, resource.size)
    if retype:
        await _reload_typed(deps, publisher, name, resource_id, kept, {c.id: c.type for c in data.columns})
    async with deps.site_uow(publisher.site_id) as uow:
        dataset = await owned(uow, name, lock=True)
        resource = await _resource_of(uow, dataset.id, resource_id)
        described = {c.id: c for c in data.columns}
        resource.columns = [
            {**c, "label": described[c["id"]].label, "notes": described[c["id"]].notes} for c in resource.columns
        ]
        await touch(uow, deps, dataset, publisher.actor)
        await uow.commit()
        return resource_read(resource)


async def _reload_typed(
    deps: OpendataDeps,
    publisher: Publisher,
    name: str,
    resource_id: str,
    kept: tuple[str, str, int],
    types: dict[str, str],
) -> None:
    """The kept file (blob key, name, size) read again with the publisher's types; a value that does not fit is
    reported, and the data served stays as it was."""
    key, filename, size = kept
    with tempfile.TemporaryDirectory(prefix="opendata-") as tmp:
        path = Path(tmp) / "source"
        await deps.blobs.get_file(key, path)
        upload = Upload(filename, path, size)
        table_file = await _checked(deps, upload, types)
        table = await _load(deps, publisher.site_id, resource_id, table_file)
        loaded = Loaded(table, key, table_file, upload, new_blob=False)
        await _switch(deps, publisher, name, resource_id, loaded, None, None)


async def _resource_of(uow, dataset_id: str, resource_id: str) -> Resource:  # noqa: ANN001
    resource = await uow.repo.resource(resource_id)
    if resource is None or resource.dataset_id != dataset_id:
        raise NotFound(f"数据集中没有资源 {resource_id}")
    return resource


def _size(limit: int) -> str:
    return f"{limit // 2**20} MB" if limit >= 2**20 else f"{limit // 1024} KB"


def _safe(filename: str) -> str:
    name = "".join(ch if ch.isalnum() or ch in "._-" else "_" for ch in filename)[-80:]
    return name.lstrip(".") or "data"
