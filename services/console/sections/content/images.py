"""Images inside a document's body: uploaded from the editor to the content library as the document's files,
shown in the console from a staff-only address, and written into the body at their public address on the
site's host (`/files/<public id>/…`), where they answer once the document is live."""

from __future__ import annotations

import re
import secrets
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from services.console.api.deps import StaffDep, deps_of
from services.console.sections.content.uploads import Files, upload
from services.console.service.platform_api import ApiError, PlatformApi
from services.console.service.workspace import CONTENT

router = APIRouter(include_in_schema=False)  # included by the content routes, under /console/content
SiteId = Annotated[str, Path(pattern=r"^[a-z][a-z0-9-]{1,39}$")]
FileId = Annotated[int, Path(ge=1, le=2**53)]
IN_CONSOLE = re.compile(r"/console/content/[a-z][a-z0-9-]{1,39}/files/(\d+)")
IN_PUBLIC = re.compile(r"/files/([A-Za-z0-9_-]{16,32})/[^\"'\s<>]+")


@router.post("/{site_id}/images")
async def add_image(request: Request, staff: StaffDep, site_id: SiteId) -> Response:
    """The editor's image button: the file goes to the content library; its id and the address to show it by."""
    origin = request.headers.get("origin")
    token = request.headers.get("x-csrf-token", "")
    if (origin and origin != deps_of(request).settings.public_url) or not secrets.compare_digest(token, staff.csrf):
        return JSONResponse({"message": "请求已失效，请刷新页面后重试"}, status_code=403)
    files = Files.of(await request.form())
    files.new = [f for f in [*files.new, files.cover] if f is not None][:1]
    files.cover = None
    try:
        made = await upload(deps_of(request).api, staff.token, site_id, files)
    except ApiError as exc:
        return JSONResponse({"message": exc.message}, status_code=exc.status)
    image = made["attachment_ids"][-1]
    return JSONResponse({"id": image, "src": f"/console/content/{site_id}/files/{image}"}, status_code=201)


@router.get("/{site_id}/files/{file_id}")
async def file(
    request: Request, staff: StaffDep, site_id: SiteId, file_id: FileId, original: Annotated[bool, Query()] = False
) -> Response:
    """A file of a document not yet public, for the staff who may read it (the content library decides)."""
    path = f"{CONTENT}/sites/{site_id}/attachments/{file_id}/content"
    params = {} if original else {"rendition": "w800"}
    http = deps_of(request).api.http
    answer = await http.get(path, params=params, headers={"Authorization": f"Bearer {staff.token}"})
    if answer.status_code == 404 and not original:  # no rendition (a small image): the file itself
        answer = await http.get(path, headers={"Authorization": f"Bearer {staff.token}"})
    if not answer.is_success:
        return Response(status_code=answer.status_code)
    headers = {"Cache-Control": "private, max-age=300", "X-Content-Type-Options": "nosniff"}
    return Response(answer.content, media_type=answer.headers.get("content-type"), headers=headers)


async def to_public(api: PlatformApi, token: str, site_id: str, body: str) -> str:
    """Console addresses of images in a body → their public addresses (the 800-pixel rendition where there is one)."""
    ids = {int(i) for i in IN_CONSOLE.findall(body)}
    if not ids:
        return body
    found = {i: await api.call(token, "GET", f"{CONTENT}/sites/{site_id}/attachments/{i}") for i in ids}
    return IN_CONSOLE.sub(lambda m: _public_path(found[int(m.group(1))]), body)


def to_console(site_id: str, body: str, files: list[dict[str, Any]]) -> str:
    """Public addresses of the document's own files in a body → the console's, so staff see them before publication."""
    by_public = {f["public_id"]: f["id"] for f in files}
    return IN_PUBLIC.sub(
        lambda m: f"/console/content/{site_id}/files/{by_public[m.group(1)]}"
        if m.group(1) in by_public
        else m.group(0),
        body,
    )


def _public_path(attachment: dict[str, Any]) -> str:
    rendition = attachment.get("renditions", {}).get("w800")
    if rendition:
        return f"/files/{attachment['public_id']}/r/{rendition.rsplit('/', 1)[-1]}"
    return f"/files/{attachment['public_id']}/{quote(attachment['filename'], safe='')}"
