"""审核: each reviewer's queue — what waits at the step they hold, on every site — and the decision page."""

from pathlib import Path

from services.console.registry import MenuItem, Section, roles_anywhere
from services.console.sections.review.routes import router, waiting

SECTION = Section(
    key="review",
    title="审核",
    order=20,
    router=router,
    menu=(MenuItem("我的审核队列", "/console/review/", roles_anywhere("reviewer:*")),),
    templates=Path(__file__).parent / "templates",
    waiting=waiting,
)
