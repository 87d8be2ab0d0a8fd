"""互动交流 — the interaction desk: letters to leaders' mailboxes and departments, 依申请公开 requests, their
handling in working days, their publication and statistics.

This module is the service's face: what the composer (sitegroup), the benchmarks and other services' tests
may use. Nothing else of the service is imported from outside it (the import contracts in pyproject.toml).
"""

from services.interaction.config import InteractionSettings
from services.interaction.main import SCHEMA, InteractionRuntime, create_app, migrate
from services.interaction.schemas import (
    DeskSettingsWrite,
    LetterCreate,
    RatingCreate,
    StepRequest,
    TemplateWrite,
    UnitWrite,
)
from services.interaction.service.context import Desk, InteractionDeps
from services.interaction.service.handling import take_step
from services.interaction.service.letters import submit_letter
from services.interaction.service.public import known_sites, letters_on
from services.interaction.service.setup import put_unit, save_desk_settings, save_template
from services.interaction.service.writers import rate_letter

__all__ = [
    "SCHEMA",
    "Desk",
    "DeskSettingsWrite",
    "InteractionDeps",
    "InteractionRuntime",
    "InteractionSettings",
    "LetterCreate",
    "RatingCreate",
    "StepRequest",
    "TemplateWrite",
    "UnitWrite",
    "create_app",
    "known_sites",
    "letters_on",
    "migrate",
    "put_unit",
    "rate_letter",
    "save_desk_settings",
    "save_template",
    "submit_letter",
    "take_step",
]
