"""Previews: a draft on its site's theme, exactly as its page will look, at a link that anyone who has it may
open until it expires (the reviewer, the leader who signs it off). Never cached, never indexed, never mirrored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from services.render.models import Preview
from services.render.schemas import PreviewCreate, PreviewRead
from services.render.service.admin import require_known_site
from services.render.service.context import RenderDeps
from shared.auth import Principal
from shared.errors import Forbidden, InvalidInput

PREFIX = "/preview/"
STAFF_ROLES = ("site_admin", "editor")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_preview(deps: RenderDeps, principal: Principal, site_id: str, body: PreviewCreate) -> PreviewRead:
    """The link of a new preview; only the staff of the site who may write or review its documents make one."""
    require_known_site(deps, site_id)
    reviewer = any(g.role.startswith("reviewer:") and g.covers(site_id, None) for g in principal.grants)
    if not (principal.is_platform_operator() or principal.has_role(site_id, STAFF_ROLES) or reviewer):
        raise Forbidden(f"需要站点 {site_id} 的编辑、审核或管理角色", code="needs_role")
    if body.document.site_id != site_id:
        raise InvalidInput("document.site_id", f"稿件属于站点 {body.document.site_id}，不是 {site_id}")
    token = secrets.token_urlsafe(24)
    expires_at = datetime.now(UTC) + timedelta(hours=body.hours)
    async with deps.site_uow(site_id) as uow:
        uow.session.add(
            Preview(
                site_id=site_id,
                token_hash=token_hash(token),
                document_id=body.document.id,
                snapshot=body.document.model_dump(mode="json"),
                created_by=principal.subject,
                expires_at=expires_at,
            )
        )
        await uow.commit()
    return PreviewRead(path=f"{PREFIX}{token}", expires_at=expires_at)
