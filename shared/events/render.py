"""Events of the renderer: how often each document's page was read, for search to rank the read ones higher."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from shared.events.envelope import Event

VIEWS_TOPIC = "render.views"


class PagesViewed(Event):
    """A site's article pages served in a period, counted per document (best effort: an analytics figure, sent
    without an outbox; a count lost in a crash only makes a document look a little less read)."""

    type = "render.pages.viewed.v1"
    topic = VIEWS_TOPIC

    views: dict[int, int] = Field(description="document id → pages served in the period")
    period_start: datetime
    period_end: datetime


class LegacyPathsMissed(Event):
    """Addresses a site's visitors asked for that neither a page nor the redirect table answers (404s), counted
    per legacy key (`//host/path?query`) in a period: a migration's URL map shows them, most asked first, to be
    decided with one click (best effort, like PagesViewed)."""

    type = "render.legacy.missed.v1"
    topic = VIEWS_TOPIC

    misses: dict[str, int] = Field(description="legacy key → requests answered 404 in the period")
    period_start: datetime
    period_end: datetime
