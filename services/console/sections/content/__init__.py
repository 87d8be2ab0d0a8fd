"""稿件: the sites a person writes for, their channel trees, the document lists and the editor."""

from pathlib import Path

from services.console.registry import MenuItem, Section, roles_anywhere
from services.console.sections.content.routes import router
from services.console.sections.content.waiting import waiting

STAFF_ROLES = ("editor", "site_admin", "platform_operator")

SECTION = Section(
    key="content",
    title="内容管理",
    order=10,
    router=router,
    menu=(
        MenuItem("稿件列表", "/console/content/", roles_anywhere(*STAFF_ROLES, "reviewer:*")),
        MenuItem("写稿件", "/console/content/new", roles_anywhere("editor", "site_admin")),
        MenuItem("从资源库转载", "/console/content/library", roles_anywhere("editor", "site_admin")),
    ),
    templates=Path(__file__).parent / "templates",
    waiting=waiting,
)
