"""Attachments and images: checked by content, stored in the blob store, renditions made at upload."""

from __future__ import annotations

import asyncio
import hashlib
import uuid

from services.content.models import Attachment
from services.content.schemas.attachments import AttachmentRead
from services.content.service.context import Actor, ContentDeps, audit
from services.content.service.lookups import site_of_host
from services.content.service.permissions import EDITOR, SITE_ADMIN, has_site_role, require_staff
from services.content.uploads import check_upload, rendition_extension
from shared.blobs import BlobNotFound
from shared.clock import china_time
from shared.errors import Forbidden, InvalidInput, NotFound
from shared.tenancy import site_blob_key

FileBody = tuple[bytes, str, str]  # the bytes, their content type, the file's own name


async def upload_attachment(
    deps: ContentDeps, actor: Actor, site_id: str, filename: str, data: bytes
) -> AttachmentRead:
    """Blobs are written before the row, so a row never points at a missing blob."""
    if not has_site_role(actor, site_id, (EDITOR, SITE_ADMIN)):
        raise Forbidden(f"需要站点 {site_id} 的 editor 角色", code="needs_role")
    name = filename.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if not name or len(name) > 255:
        raise InvalidInput("file", "文件须有名称，且不超过 255 个字符")
    checked = await asyncio.to_thread(
        check_upload, name, data, max_pixels=deps.settings.max_image_pixels, widths=deps.settings.rendition_widths
    )
    folder = f"{china_time(deps.now()):%Y/%m}/{uuid.uuid4().hex}"
    original = site_blob_key(site_id, "attachments", *folder.split("/"), f"original.{checked.extension}")
    await deps.blobs.put(original, data, checked.content_type)
    renditions = {}
    for label, blob in checked.renditions.items():
        ext, content_type = rendition_extension(blob)
        key = site_blob_key(site_id, "attachments", *folder.split("/"), f"{label}.{ext}")
        await deps.blobs.put(key, blob, content_type)
        renditions[label] = key
    async with deps.site_uow(site_id) as uow:
        row = Attachment(
            site_id=site_id,
            kind=checked.kind,
            filename=name,
            content_type=checked.content_type,
            size=len(data),
            sha256=hashlib.sha256(data).hexdigest(),
            blob_key=original,
            width=checked.width,
            height=checked.height,
            renditions=renditions,
            created_by=actor.id,
        )
        uow.session.add(row)
        await uow.session.flush()
        audit(uow, actor, site_id, "attachment.uploaded", "attachment", row.id, filename=name, size=len(data))
        await uow.commit()
        return AttachmentRead.model_validate(row)


async def get_attachment(deps: ContentDeps, actor: Actor, site_id: str, attachment_id: int) -> AttachmentRead:
    require_staff(actor, site_id)
    async with deps.site_uow(site_id) as uow:
        row = await uow.repo.attachment(attachment_id)
        if row is None:
            raise NotFound(f"本站点不存在附件 {attachment_id}")
        return AttachmentRead.model_validate(row)


async def attachment_content(
    deps: ContentDeps, actor: Actor, site_id: str, attachment_id: int, rendition: str | None
) -> tuple[bytes, str, str]:
    """Bytes, content type and file name of any file of the site, for its staff (drafts' files too)."""
    require_staff(actor, site_id)
    async with deps.site_uow(site_id) as uow:
        row = await uow.repo.attachment(attachment_id)
    if row is None:
        raise NotFound(f"本站点不存在附件 {attachment_id}")
    key = row.blob_key if rendition is None else row.renditions.get(rendition)
    if key is None:
        raise NotFound(f"附件 {attachment_id} 没有 {rendition} 版本，现有版本：{sorted(row.renditions)}")
    return await _bytes(deps, row, key)


async def public_file(deps: ContentDeps, host: str, public_id: str, name: str, *, rendition: bool) -> FileBody:
    """A file the public may fetch on this host: shown by a live document placed on the host's site, under its
    own name (or a rendition's, `w800.jpg`). Anything else, taken down or never published, is not found."""
    async with deps.platform_uow() as uow:
        site_id = await site_of_host(uow, deps, host)
        row = await uow.repo.public_file(public_id, site_id) if site_id else None
    if row is not None and rendition:
        key = next((k for k in row.renditions.values() if k.rsplit("/", 1)[-1] == name), None)
    else:
        key = row.blob_key if row is not None and row.filename == name else None
    if row is None or key is None:
        raise NotFound(f"{host} 上没有文件 {public_id}/{name}")
    return await _bytes(deps, row, key)


async def _bytes(deps: ContentDeps, row: Attachment, key: str) -> FileBody:
    try:
        data = await deps.blobs.get(key)
    except BlobNotFound:
        raise NotFound(f"附件 {row.id} 的文件在 blob 存储中缺失") from None
    content_type = row.content_type if key == row.blob_key else rendition_extension(data)[1]
    return data, content_type, row.filename
