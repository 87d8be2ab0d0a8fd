"""Previews: a draft on its site's theme, exactly as its page will look, at a link that anyone who has it may
open until it expires (the reviewer, the leader who signs it off). Never cached, never indexed, never mirrored."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime, timedelta

from services.render.models import Preview
from services.render.schemas import PreviewCreate, PreviewRead
from services.render.service.admin import check_block_channels, require_known_site, require_site_admin
from services.render.service.context import RenderDeps
from shared.auth import Principal
from shared.errors import Forbidden, InvalidInput
from shared.events.content import DocumentSnapshot

PREFIX = "/preview/"
STAFF_ROLES = ("site_admin", "editor")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def create_preview(deps: RenderDeps, principal: Principal, site_id: str, body: PreviewCreate) -> PreviewRead:
    """The link of a new preview: of a draft by the site's staff who write or review it, of the home with new
    theme settings by its site admin."""
    require_known_site(deps, site_id)
    token = secrets.token_urlsafe(24)
    expires_at = datetime.now(UTC) + timedelta(hours=body.hours)
    async with deps.site_uow(site_id) as uow:
        if body.theme is not None:
            require_site_admin(principal, site_id)
            check_block_channels(body.theme, {c.path for c in await uow.repo.channels()})
            kind, document_id, snapshot = "home", None, body.theme.model_dump(mode="json")
        else:
            _require_document_staff(principal, site_id, body.document)
            kind, document_id, snapshot = "document", body.document.id, body.document.model_dump(mode="json")
        uow.session.add(
            Preview(
                site_id=site_id,
                token_hash=token_hash(token),
                kind=kind,
                document_id=document_id,
                snapshot=snapshot,
                created_by=principal.subject,
                expires_at=expires_at,
            )
        )
        await uow.commit()
    return PreviewRead(path=f"{PREFIX}{token}", expires_at=expires_at)


def _require_document_staff(principal: Principal, site_id: str, document: DocumentSnapshot) -> None:
    reviewer = any(g.role.startswith("reviewer:") and g.covers(site_id, None) for g in principal.grants)
    if not (principal.is_platform_operator() or principal.has_role(site_id, STAFF_ROLES) or reviewer):
        raise Forbidden(f"需要站点 {site_id} 的编辑、审核或管理角色", code="needs_role")
    if document.site_id != site_id:
        raise InvalidInput("document.site_id", f"稿件属于站点 {document.site_id}，不是 {site_id}")
