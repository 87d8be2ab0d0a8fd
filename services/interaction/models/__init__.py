"""The interaction desk's own tables: letters, consultations, surveys, interviews and their moderation; the
departments, templates and settings of each site's desk; the holiday table, mail, and the sites it follows."""

from services.interaction.models.base import Base, Holiday, Inbox, Mail, Outbox, SiteEntry, UsedCaptcha
from services.interaction.models.engagement import (
    BlockedWriter,
    Comment,
    Consultation,
    Interview,
    InterviewQuestion,
    Report,
    Survey,
    SurveyResponse,
    TranscriptLine,
)
from services.interaction.models.letters import DeskSettings, Letter, LetterAttachment, LetterStep, ReplyTemplate, Unit

__all__ = [
    "Base",
    "BlockedWriter",
    "Comment",
    "Consultation",
    "DeskSettings",
    "Holiday",
    "Inbox",
    "Interview",
    "InterviewQuestion",
    "Letter",
    "LetterAttachment",
    "LetterStep",
    "Mail",
    "Outbox",
    "ReplyTemplate",
    "Report",
    "SiteEntry",
    "Survey",
    "SurveyResponse",
    "TranscriptLine",
    "Unit",
    "UsedCaptcha",
]
