"""站点管理: a site admin's desk — the people of their site and the roles they hold there."""

from pathlib import Path

from services.console.registry import MenuItem, Section, roles_anywhere
from services.console.sections.site.routes import router

SECTION = Section(
    key="site",
    title="站点管理",
    order=30,
    router=router,
    menu=(
        MenuItem("人员与角色", "/console/site/", roles_anywhere("site_admin")),
        MenuItem("栏目管理", "/console/site/channels", roles_anywhere("site_admin")),
        MenuItem("外观与首页", "/console/site/theme", roles_anywhere("site_admin")),
        MenuItem("跳转规则", "/console/site/redirects", roles_anywhere("site_admin")),
    ),
    templates=Path(__file__).parent / "templates",
)
