"""Demo people of the province: the platform's administrators (三员 and the operator) and, on every demo
site, one account per role of the review workflow. Demo only: one known password, to be changed."""

from __future__ import annotations

from services.identity.models import Organisation, RoleGrant
from services.identity.service.accounts import create_account
from services.identity.service.context import IdentityDeps
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
    async with deps.uow() as uow:
        if await uow.session.get(Organisation, "org-ah") is not None:
            return 0
        for site in PROVINCE:
            parent = f"org-{site.parent_id}" if site.parent_id else None
            uow.session.add(
                Organisation(
                    id=f"org-{site.id}", name=site.name, level=site.level, parent_id=parent, site_ids=[site.id]
                )
            )
            await uow.session.flush()
        await uow.commit()
    return len(PROVINCE)


async def seed_accounts(deps: IdentityDeps) -> int:
    """Every demo account with its one role; nothing if the provider has accounts already."""
    async with deps.uow() as uow:
        if await uow.repo.account_by_username("operator") is not None:
            return 0
        for username, name, site, role in demo_people():
            account = await create_account(
                uow, deps, actor=SEEDER, username=username, password=DEMO_PASSWORD, kind="staff", name=name
            )
            uow.session.add(RoleGrant(account_id=account.id, site_id=site, role=role, granted_by=SEEDER))
        await uow.commit()
    return len(demo_people())
