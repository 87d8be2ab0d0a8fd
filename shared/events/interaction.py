"""Events of the interaction desk (互动交流): every step of a letter's handling, as its own event type.

The snapshot carries what the platform may know of a letter without its writer's contact data: consumers
(statistics, monitoring, the search Q&A) never see a phone number, an e-mail or an address."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.events.envelope import Event

LETTERS_TOPIC = "interaction.letters"
LetterKind = Literal["letter", "disclosure"]


class LetterSnapshot(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: int
    site_id: str
    kind: LetterKind
    category: str
    status: str
    title: str
    addressee: str = Field(description="the mailbox or department written to")
    unit: str | None = Field(None, description="the department handling it now")
    received_at: datetime
    accepted_at: datetime | None = None
    due_on: date | None = None
    replied_at: datetime | None = None
    published_at: datetime | None = None
    rating: str | None = None
    supervised: bool = False


class LetterEvent(Event):
    topic = LETTERS_TOPIC
    letter: LetterSnapshot
    actor: str = Field(description="who took the step: an account, the writer, or the system")
    note: str | None = None


class LetterReceived(LetterEvent):
    type = "interaction.letter.received.v1"


class LetterAccepted(LetterEvent):
    type = "interaction.letter.accepted.v1"


class LetterRejected(LetterEvent):
    type = "interaction.letter.rejected.v1"


class LetterAssigned(LetterEvent):
    type = "interaction.letter.assigned.v1"


class LetterClarificationRequested(LetterEvent):
    type = "interaction.letter.clarification_requested.v1"


class LetterResumed(LetterEvent):
    type = "interaction.letter.resumed.v1"


class LetterExtended(LetterEvent):
    type = "interaction.letter.extended.v1"


class LetterDrafted(LetterEvent):
    type = "interaction.letter.drafted.v1"


class LetterReturned(LetterEvent):
    type = "interaction.letter.returned.v1"


class LetterReplied(LetterEvent):
    type = "interaction.letter.replied.v1"


class LetterPublished(LetterEvent):
    type = "interaction.letter.published.v1"


class LetterUnpublished(LetterEvent):
    type = "interaction.letter.unpublished.v1"


class LetterRated(LetterEvent):
    type = "interaction.letter.rated.v1"


class LetterReopened(LetterEvent):
    type = "interaction.letter.reopened.v1"


class LetterSupervised(LetterEvent):
    type = "interaction.letter.supervised.v1"


ENGAGEMENT_TOPIC = "interaction.engagement"


class EngagementEvent(Event):
    """A consultation, survey or interview as the public sees it, at a turn of its life."""

    topic = ENGAGEMENT_TOPIC
    kind: Literal["consultation", "survey", "interview"]
    item_id: int
    title: str
    status: str
    url_path: str = Field(description="its public page on its site")
    at: datetime


class ConsultationOpened(EngagementEvent):
    type = "interaction.consultation.opened.v1"


class ConsultationReported(EngagementEvent):
    type = "interaction.consultation.reported.v1"


class SurveyOpened(EngagementEvent):
    type = "interaction.survey.opened.v1"


class SurveyClosed(EngagementEvent):
    type = "interaction.survey.closed.v1"


class InterviewScheduled(EngagementEvent):
    type = "interaction.interview.scheduled.v1"


class InterviewStatusChanged(EngagementEvent):
    type = "interaction.interview.status_changed.v1"
