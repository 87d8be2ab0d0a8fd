"""审计: the auditor's search of both audit logs — what staff did to content, and to accounts, roles and keys —
and their export as CSV."""

from pathlib import Path

from services.console.registry import MenuItem, Section, roles_anywhere
from services.console.sections.audit.routes import router

SECTION = Section(
    key="audit",
    title="审计",
    order=80,
    router=router,
    menu=(MenuItem("审计日志", "/console/audit/", roles_anywhere("auditor")),),
    templates=Path(__file__).parent / "templates",
)
