"""安全管理: the security admin's desk (三员分立) — staff accounts, their roles on any site, second-factor resets."""

from pathlib import Path

from services.console.registry import MenuItem, Section, roles_anywhere
from services.console.sections.security.routes import router

SECTION = Section(
    key="security",
    title="安全管理",
    order=70,
    router=router,
    menu=(MenuItem("账号与角色", "/console/security/", roles_anywhere("security_admin")),),
    templates=Path(__file__).parent / "templates",
)
