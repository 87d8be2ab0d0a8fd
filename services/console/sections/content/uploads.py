"""Files sent with the document form: each uploaded to the content library (which checks its type by content),
then named in the document by id — the ones kept, the new ones, and the cover image."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from starlette.datastructures import FormData, UploadFile

from services.console.service.platform_api import ApiError, PlatformApi
from services.console.service.workspace import CONTENT


@dataclass
class Files:
    """What the form says about files: the ids it keeps, and what it brings."""

    kept: list[int] = field(default_factory=list)
    new: list[UploadFile] = field(default_factory=list)
    cover: UploadFile | None = None
    kept_cover: int | None = None

    @classmethod
    def of(cls, form: FormData) -> Files:
        chosen = [f for f in form.getlist("files") if isinstance(f, UploadFile) and f.filename]
        cover = form.get("cover")
        kept_cover = str(form.get("kept_cover", ""))
        return cls(
            kept=[int(v) for v in form.getlist("attachment_ids") if isinstance(v, str) and v.isdigit()],
            new=chosen,
            cover=cover if isinstance(cover, UploadFile) and cover.filename else None,
            kept_cover=int(kept_cover) if kept_cover.isdigit() else None,
        )


async def upload(api: PlatformApi, token: str, site_id: str, files: Files) -> dict[str, Any]:
    """Send the new files; the body's attachment_ids and cover_id. An ApiError names the file it refused."""
    ids = list(files.kept)
    for chosen in files.new:
        ids.append((await _one(api, token, site_id, chosen))["id"])
    cover = files.kept_cover
    if files.cover is not None:
        cover = (await _one(api, token, site_id, files.cover))["id"]
    return {"attachment_ids": ids, "cover_id": cover}


async def _one(api: PlatformApi, token: str, site_id: str, chosen: UploadFile) -> dict[str, Any]:
    content = await chosen.read()
    part = {"file": (chosen.filename, content, chosen.content_type or "application/octet-stream")}
    try:
        return await api.call(token, "POST", f"{CONTENT}/sites/{site_id}/attachments", files=part)
    except ApiError as exc:
        message = f"{chosen.filename}：{exc.message}"
        raise ApiError(exc.status, exc.code, message, {"files": message}) from None


async def attachments_of(api: PlatformApi, token: str, site_id: str, doc: dict[str, Any]) -> list[dict[str, Any]]:
    """The document's files (and its cover) as the content library describes them."""
    ids = [*doc.get("attachment_ids", []), *([doc["cover_id"]] if doc.get("cover_id") else [])]
    return [await api.call(token, "GET", f"{CONTENT}/sites/{site_id}/attachments/{i}") for i in dict.fromkeys(ids)]
