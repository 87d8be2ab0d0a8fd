"""The roles of the platform and who may hand them out (delegated administration, 三员分立)."""

from __future__ import annotations

import re
from typing import Final

from shared.auth import PLATFORM_SITE, Principal
from shared.errors import Conflict, Forbidden, InvalidInput

PLATFORM_OPERATOR: Final = "platform_operator"  # operates every site (migrations, monitoring)
SYSTEM_ADMIN: Final = "system_admin"  # 系统管理员: runs the platform (clients, keys, organisations)
SECURITY_ADMIN: Final = "security_admin"  # 安全管理员: accounts and roles
AUDITOR: Final = "auditor"  # 审计管理员: reads the audit log, nothing else
SEPARATED: Final = frozenset({SYSTEM_ADMIN, SECURITY_ADMIN, AUDITOR})  # at most one of them per account
PLATFORM_ROLES: Final = SEPARATED | {PLATFORM_OPERATOR}

SITE_ADMIN: Final = "site_admin"
SITE_ROLES: Final = frozenset({SITE_ADMIN, "editor", "letter_handler", "data_publisher"})
_REVIEWER = re.compile(r"reviewer:[\w\u4e00-\u9fff-]{1,20}")  # one per workflow step: reviewer:初审 …
_DEPARTMENT_HANDLER = re.compile(r"letter_handler:[a-z][a-z0-9-]{0,39}")  # one department's letters: …:jyj
_SITE = re.compile(r"[a-z][a-z0-9-]{1,39}")


def check_grant(site: str, role: str) -> None:
    """A role that exists, on the kind of site it belongs to."""
    if role in PLATFORM_ROLES:
        if site != PLATFORM_SITE:
            raise InvalidInput("site", f"{role} 是平台角色，站点须为 {PLATFORM_SITE}")
        return
    if role not in SITE_ROLES and not _REVIEWER.fullmatch(role) and not _DEPARTMENT_HANDLER.fullmatch(role):
        raise InvalidInput("role", f"未知角色 {role!r}")
    if not _SITE.fullmatch(site):
        raise InvalidInput("site", f"{role} 须授予某个具体站点，不能是 {site!r}")


def may_grant(actor: Principal, site: str, role: str) -> bool:
    """The security admin grants any role; a site admin grants the other roles of their own site."""
    if actor.has_role(PLATFORM_SITE, SECURITY_ADMIN):
        return True
    return role not in PLATFORM_ROLES and role != SITE_ADMIN and actor.has_role(site, SITE_ADMIN)


def require_grantor(actor: Principal, site: str, role: str, account_id: str) -> None:
    if account_id == actor.subject:
        raise Forbidden("不能给自己授予或撤销角色")
    if not may_grant(actor, site, role):
        raise Forbidden(f"无权在站点 {site} 上授予或撤销 {role} 角色", code="needs_role")


def check_separation(held: set[str], role: str) -> None:
    """三员分立: system, security and audit administration never meet in one account."""
    clash = (held & SEPARATED) - {role}
    if role in SEPARATED and clash:
        raise Conflict(f"{role} 不能与 {'、'.join(sorted(clash))} 由同一账号兼任（三员分立）")


def require(actor: Principal, role: str) -> None:
    if not actor.has_role(PLATFORM_SITE, role):
        raise Forbidden(f"需要 {role} 角色", code="needs_role")
