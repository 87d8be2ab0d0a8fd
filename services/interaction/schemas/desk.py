"""How a site's desk is set up and what it reports: departments, templates, the holiday table, statistics."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from services.interaction.schemas.common import (
    Email,
    Schema,
    text,
)


class UnitWrite(Schema):
    name: text(100)  # type: ignore[valid-type]
    kind: Literal["leader", "department"] = "department"
    email: Email | None = None
    position: int = Field(0, ge=0, le=10_000)
    active: bool = True


class UnitRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    kind: str
    position: int
    active: bool


class TemplateWrite(Schema):
    title: text(100)  # type: ignore[valid-type]
    body: text(20000)  # type: ignore[valid-type]


class TemplateRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    title: str
    body: str


class HolidayWrite(Schema):
    workday: bool = Field(description="true: a make-up workday (调休上班); false: a day off")
    name: text(40)  # type: ignore[valid-type]


class CalendarDay(BaseModel):
    day: date
    workday: bool
    name: str | None
    source: Literal["table", "official", "estimate"]


class CalendarYear(BaseModel):
    year: int
    estimated: bool = Field(description="neither the official package nor the table has this year's schedule")
    overrides: list[CalendarDay]


class DeskSettingsWrite(Schema):
    captcha: bool = False
    sensitive_words: list[text(20)] = Field(default_factory=list, max_length=500)  # type: ignore[valid-type]
    office_email: Email | None = None


class DeskSettingsRead(DeskSettingsWrite):
    model_config = ConfigDict(from_attributes=True, extra="ignore")


class Tally(BaseModel):
    """Counts of one site, department or month."""

    key: str
    label: str
    received: int
    answered: int
    on_time: int
    on_time_rate: float | None
    rated: int
    satisfied: int
    satisfaction_rate: float | None
    average_workdays: float | None


class Statistics(BaseModel):
    site_id: str
    year: int
    total: Tally
    by_unit: list[Tally]
    by_month: list[Tally]
    by_category: list[Tally]


class OverdueLetter(BaseModel):
    site_id: str
    id: int
    title: str
    received_at: datetime
    status: str
    unit: str | None
