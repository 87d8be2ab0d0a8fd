"""征集调查访谈: the office's desk for consultations (open a draft, weigh each comment, report back), surveys
(questions written one per line, open and close, results and exports), interviews (go live, write the transcript,
answer questions, archive) and the one moderation queue over comments and questions."""

from pathlib import Path

from services.console.registry import MenuItem, Section, roles_anywhere
from services.console.sections.engagement.routes import router
from services.console.sections.letters.desk import HANDLERS

SECTION = Section(
    key="engagement",
    title="征集调查访谈",
    order=36,
    router=router,
    menu=(MenuItem("征集调查访谈", "/console/engagement/", roles_anywhere(*HANDLERS)),),
    templates=Path(__file__).parent / "templates",
)
