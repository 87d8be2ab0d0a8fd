"""数据开放: the open-data desk of a site's data publishers — datasets described and published, files uploaded and
checked (a broken one's bad rows reported), data dictionaries, 有条件开放 applications decided, call statistics
with a chart; and, in 个人中心, the developers' page (their applications and API keys)."""

from pathlib import Path

from fastapi import APIRouter

from services.console.registry import MenuItem, Section, roles_anywhere
from services.console.sections.opendata import developer, routes
from services.console.sections.opendata.desk import PUBLISHERS
from services.console.sections.opendata.waiting import waiting

router = APIRouter(include_in_schema=False)
router.include_router(routes.router)
router.include_router(developer.router)  # /console/account/developer: its menu entry is 个人中心's

SECTION = Section(
    key="opendata",
    title="数据开放",
    order=41,
    router=router,
    menu=(MenuItem("数据开放", "/console/opendata/", roles_anywhere(*PUBLISHERS)),),
    templates=Path(__file__).parent / "templates",
    waiting=waiting,
)
