"""网站迁移: the operators' desk for moving legacy sites in — jobs with their progress and log, planning a new one,
a job's 正文规则 tried on sample pages, and the URL map: every legacy address with its decision, the undecided ones
mapped with one click, CSV in and out."""

from pathlib import Path

from fastapi import APIRouter

from services.console.registry import MenuItem, Section, roles_anywhere
from services.console.sections.migration import routes, rules

router = APIRouter()
router.include_router(rules.router)  # first: …/jobs/{id}/rules is no action of routes' …/jobs/{id}/{action}
router.include_router(routes.router)

MIGRATORS = roles_anywhere("site_admin", "platform_operator")

SECTION = Section(
    key="migration",
    title="网站迁移",
    order=55,
    router=router,
    menu=(
        MenuItem("迁移任务", "/console/migration/jobs", MIGRATORS),
        MenuItem("网址映射", "/console/migration/urlmap", MIGRATORS),
    ),
    templates=Path(__file__).parent / "templates",
)
