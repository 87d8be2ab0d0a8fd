"""Demo people of the province: the platform's administrators (三员 and the operator) and, on every demo
site, one account per role of the review workflow. Demo only: one known password, to be changed."""

from __future__ import annotations

from services.identity import IdentityDeps, OrganisationSeed, StaffSeed, provision_organisations, provision_staff
from sitegroup.demo.province import PROVINCE

DEMO_PASSWORD = "Zhengwu@2026"
SEEDER = "system:demo"
PLATFORM_PEOPLE = (
    ("operator", "平台运维人员", "platform_operator"),
    ("sysadmin", "系统管理员", "system_admin"),
    ("secadmin", "安全管理员", "security_admin"),
    ("auditor", "审计管理员", "auditor"),
)
SITE_PEOPLE = (
    ("admin", "网站管理员", "site_admin"),
    ("editor", "信息编辑", "editor"),
    ("chushen", "初审人员", "reviewer:初审"),
    ("shenhe", "审核人员", "reviewer:审核"),
    ("shenfa", "审发人员", "reviewer:审发"),
    ("letters", "信件办理人员", "letter_handler"),
    ("data", "数据发布人员", "data_publisher"),
)


def demo_people() -> list[tuple[str, str, str, str]]:
    """(username, name, site, role) of every demo account."""
    people = [(user, name, "*", role) for user, name, role in PLATFORM_PEOPLE]
    for site in PROVINCE:
        people += [(f"{site.id}-{user}", f"{site.name}{name}", site.id, role) for user, name, role in SITE_PEOPLE]
    return people


async def seed_organisations(deps: IdentityDeps) -> int:
    """One organisation per demo site, in the province's tree (parents before children)."""
    seeds = [
        OrganisationSeed(
            id=f"org-{site.id}",
            name=site.name,
            level=site.level,
            parent_id=f"org-{site.parent_id}" if site.parent_id else None,
            site_ids=(site.id,),
        )
        for site in PROVINCE
    ]
    return await provision_organisations(deps, seeds, actor=SEEDER)


async def seed_accounts(deps: IdentityDeps) -> int:
    """Every demo account with its one role; nothing if the provider has them already."""
    people = [StaffSeed(username, name, site, role) for username, name, site, role in demo_people()]
    return len(await provision_staff(deps, people, DEMO_PASSWORD, actor=SEEDER))
