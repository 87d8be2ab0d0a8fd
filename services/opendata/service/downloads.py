"""A resource's file as its publisher uploaded it: read rights checked like its data's, the download counted,
the file streamed from the blob store through a temporary file (never whole in memory)."""

from __future__ import annotations

import tempfile
from pathlib import Path
from urllib.parse import quote

from fastapi.responses import FileResponse
from starlette.background import BackgroundTask

from services.opendata.service.context import OpendataDeps, Reader
from services.opendata.service.data import DataReader
from shared.errors import NotFound


async def original_file(deps: OpendataDeps, data: DataReader, reader: Reader, resource_id: str) -> FileResponse:
    item = await data.readable(reader, resource_id)
    async with deps.platform_uow() as uow:
        resource = await uow.repo.resource(resource_id)
    if resource is None:
        raise NotFound(f"没有资源 {resource_id}")
    directory = tempfile.mkdtemp(prefix="opendata-download-")
    path = Path(directory) / "file"
    await deps.blobs.get_file(resource.blob_key, path)
    data.count(item, reader, "download")
    headers = {"content-disposition": f"attachment; filename*=UTF-8''{quote(resource.filename)}"}
    return FileResponse(path, media_type=resource.media_type, headers=headers, background=BackgroundTask(_remove, path))


def _remove(path: Path) -> None:
    path.unlink(missing_ok=True)
    path.parent.rmdir()
