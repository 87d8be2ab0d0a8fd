"""信件办理: the letters desk — each handler's queue by deadline (overdue first, colour-coded and said in words),
a letter with its writer, files and history and the steps the person may take (accept and route, reassign,
ask the writer, extend, reply from a template, review, publish, reopen, supervise), reply templates, statistics
with charts; for platform operators the holiday table and the letters unanswered for over three months."""

from pathlib import Path

from services.console.registry import MenuItem, Section, roles_anywhere
from services.console.sections.letters.desk import HANDLERS
from services.console.sections.letters.routes import router
from services.console.sections.letters.waiting import waiting

SECTION = Section(
    key="letters",
    title="信件办理",
    order=35,
    router=router,
    menu=(
        MenuItem("信件办理", "/console/letters/", roles_anywhere(*HANDLERS)),
        MenuItem("超期未答复", "/console/letters/overview", roles_anywhere("platform_operator")),
        MenuItem("节假日表", "/console/letters/calendar", roles_anywhere("platform_operator")),
    ),
    templates=Path(__file__).parent / "templates",
    waiting=waiting,
)
