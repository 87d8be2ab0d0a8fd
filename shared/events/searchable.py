"""The contract by which a service makes its public things findable in the group search, beside the content
library's documents: the interaction desk's answered public letters, consultations, surveys and interviews,
the open-data portal's datasets.

A producer publishes `SearchableUpdated` with the entry as the public sees it (each newer version replacing the
last) and `SearchableRemoved` when it is no longer public; search keeps the newest by aggregate version."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.events.envelope import Event

SEARCHABLE_TOPIC = "search.entries"
SearchableKind = Literal["letter", "consultation", "survey", "interview", "dataset"]
# What each kind is called where people see it (its column in the results, its filter).
KIND_LABELS: dict[str, str] = {
    "letter": "互动交流",
    "consultation": "意见征集",
    "survey": "网上调查",
    "interview": "在线访谈",
    "dataset": "数据开放",
}


class SearchableEntry(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    kind: SearchableKind
    id: str = Field(min_length=1, max_length=40, description="unique within its kind")
    site_id: str
    site_main_domain: str
    url_path: str = Field(description="its public page on its site")
    title: str
    text: str = Field(description="plain text: a letter and its answer, a dataset's description and columns")
    summary: str = ""
    category: str = Field("", description="shown and filtered as its 主题分类")
    keywords: list[str] = []
    published_at: datetime


class SearchableEvent(Event):
    topic = SEARCHABLE_TOPIC
    entry: SearchableEntry


class SearchableUpdated(SearchableEvent):
    type = "search.entry.updated.v1"


class SearchableRemoved(SearchableEvent):
    type = "search.entry.removed.v1"
