"""互动交流 — the interaction desk: letters to leaders' mailboxes and departments, 依申请公开 requests, their
handling in working days, their publication and statistics.

This module is the service's face: what the composer (sitegroup), the benchmarks and other services' tests
may use. Nothing else of the service is imported from outside it (the import contracts in pyproject.toml).
"""

from services.interaction.config import InteractionSettings
from services.interaction.main import SCHEMA, InteractionRuntime, create_app, migrate
from services.interaction.schemas import (
    AdoptionWrite,
    CommentCreate,
    ConsultationWrite,
    DeskSettingsWrite,
    FeedbackReport,
    InterviewWrite,
    LetterCreate,
    LineWrite,
    ModerationAction,
    QuestionCreate,
    RatingCreate,
    ResponseCreate,
    StepRequest,
    SurveyWrite,
    TemplateWrite,
    UnitWrite,
)
from services.interaction.service.consultations import (
    add_comment,
    adopt,
    consultations,
    create_consultation,
    open_consultation,
    publish_report,
)
from services.interaction.service.context import Desk, InteractionDeps
from services.interaction.service.handling import take_step
from services.interaction.service.interviews import add_line, ask, schedule_interview, set_interview_status
from services.interaction.service.letters import submit_letter
from services.interaction.service.moderation import moderate
from services.interaction.service.public import known_sites, letters_on
from services.interaction.service.setup import put_unit, save_desk_settings, save_template
from services.interaction.service.surveys import create_survey, respond, set_survey_status
from services.interaction.service.writers import rate_letter

__all__ = [
    "SCHEMA",
    "AdoptionWrite",
    "CommentCreate",
    "ConsultationWrite",
    "Desk",
    "DeskSettingsWrite",
    "FeedbackReport",
    "InteractionDeps",
    "InteractionRuntime",
    "InteractionSettings",
    "InterviewWrite",
    "LetterCreate",
    "LineWrite",
    "ModerationAction",
    "QuestionCreate",
    "RatingCreate",
    "ResponseCreate",
    "StepRequest",
    "SurveyWrite",
    "TemplateWrite",
    "UnitWrite",
    "add_comment",
    "add_line",
    "adopt",
    "ask",
    "consultations",
    "create_app",
    "create_consultation",
    "create_survey",
    "known_sites",
    "letters_on",
    "migrate",
    "moderate",
    "open_consultation",
    "publish_report",
    "put_unit",
    "rate_letter",
    "respond",
    "save_desk_settings",
    "save_template",
    "schedule_interview",
    "set_interview_status",
    "set_survey_status",
    "submit_letter",
    "take_step",
]
