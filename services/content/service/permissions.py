"""Who may do what in the content library; checked in the use cases, not in the routes."""

from __future__ import annotations

from typing import Final

from services.content.service.context import Actor
from shared.auth import PLATFORM_SITE
from shared.errors import Forbidden

PLATFORM_OPERATOR: Final = "platform_operator"
SITE_ADMIN: Final = "site_admin"
EDITOR: Final = "editor"
REVIEWER_PREFIX: Final = "reviewer:"
AUDITOR: Final = "auditor"  # 审计管理员: reads the audit trail of every site, changes nothing


def is_operator(actor: Actor) -> bool:
    return actor.principal.is_platform_operator()


def is_auditor(actor: Actor) -> bool:
    return actor.principal.has_role(PLATFORM_SITE, AUDITOR)


def require_operator(actor: Actor) -> None:
    if not is_operator(actor):
        raise Forbidden("仅平台运维人员（platform_operator）可执行此操作", code="needs_role")


def has_site_role(actor: Actor, site_id: str, roles: tuple[str, ...], channel_id: int | None = None) -> bool:
    """Operators act as site admins everywhere; other roles come from the token's grants."""
    return is_operator(actor) or actor.principal.has_role(site_id, roles, channel_id)


def require_site_admin(actor: Actor, site_id: str) -> None:
    if not has_site_role(actor, site_id, (SITE_ADMIN,)):
        raise Forbidden(f"需要站点 {site_id} 的 site_admin 角色", code="needs_role")


def require_editor(actor: Actor, site_id: str, channel_id: int) -> None:
    if not has_site_role(actor, site_id, (EDITOR, SITE_ADMIN), channel_id):
        raise Forbidden(f"需要站点 {site_id} 栏目 {channel_id} 的 editor 角色", code="needs_role")


def require_reviewer(actor: Actor, site_id: str, role: str, channel_id: int) -> None:
    if not has_site_role(actor, site_id, (role,), channel_id):
        raise Forbidden(f"需要站点 {site_id} 栏目 {channel_id} 的 {role} 角色", code="needs_role")


def is_staff(actor: Actor, site_id: str, channel_id: int | None = None) -> bool:
    """Anyone holding a role on the site (and channel) may read its drafts."""
    if is_operator(actor):
        return True
    return any(
        g.covers(site_id, channel_id) and (g.role in (SITE_ADMIN, EDITOR) or g.role.startswith(REVIEWER_PREFIX))
        for g in actor.principal.grants
    )


def require_staff(actor: Actor, site_id: str, channel_id: int | None = None) -> None:
    if not is_staff(actor, site_id, channel_id):
        where = f"站点 {site_id} 栏目 {channel_id}" if channel_id else f"站点 {site_id}"
        raise Forbidden(f"需要{where}的工作人员角色", code="needs_role")


def readable_channels(actor: Actor, site_id: str) -> set[int] | None:
    """Channels whose drafts the actor may list; None means every channel of the site."""
    if is_operator(actor):
        return None
    roles = {g.role for g in actor.principal.grants if g.site in (site_id, "*")}
    staff_roles = tuple(r for r in roles if r in (SITE_ADMIN, EDITOR) or r.startswith(REVIEWER_PREFIX))
    return actor.principal.channels_for(site_id, staff_roles)
