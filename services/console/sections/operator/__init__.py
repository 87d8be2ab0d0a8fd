"""平台运维: the platform operator's desk — every site of the group at a glance: how much each holds, what waits
in review and for how long, and whether its home page is fresh (the national inspection's two weeks)."""

from pathlib import Path

from services.console.registry import MenuItem, Section, roles_anywhere
from services.console.sections.operator.routes import router

SECTION = Section(
    key="operator",
    title="平台运维",
    order=50,
    router=router,
    menu=(
        MenuItem("网站群概览", "/console/operator/", roles_anywhere("platform_operator")),
        MenuItem("网站开通与关停", "/console/operator/changes", roles_anywhere("platform_operator")),
        MenuItem("基本栏目模板", "/console/operator/template", roles_anywhere("platform_operator")),
    ),
    templates=Path(__file__).parent / "templates",
)
