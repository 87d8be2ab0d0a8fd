"""Events of the open-data portal (数据开放): a dataset published, changed, or taken off the catalogue.

The snapshot is the dataset as the public catalogue shows it (no applications, keys or call counts): consumers
(the group search, statistics, monitoring) see what any visitor sees."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.events.envelope import Event

DATASETS_TOPIC = "opendata.datasets"
Access = Literal["open", "conditional", "closed"]  # 无条件开放 / 有条件开放 / 不予开放


class ColumnSnapshot(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str = Field(description="the column as the file names it (数据项名称)")
    type: str
    label: str = ""


class ResourceSnapshot(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    name: str
    format: str
    size: int | None = None
    rows: int | None = Field(None, description="rows in the datastore, if it was loaded there")
    columns: list[ColumnSnapshot] = []


class DatasetSnapshot(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: str
    name: str = Field(description="its address in the catalogue and the CKAN API")
    site_id: str
    title: str
    notes: str
    publisher: str = Field(description="提供部门")
    theme: str = Field(description="主题分类")
    access: Access
    frequency: str = Field(description="更新周期")
    license_id: str
    tags: list[str] = []
    state: str
    published_at: datetime | None = None
    modified_at: datetime
    resources: list[ResourceSnapshot] = []


class DatasetEvent(Event):
    topic = DATASETS_TOPIC
    dataset: DatasetSnapshot
    actor: str


class DatasetPublished(DatasetEvent):
    type = "opendata.dataset.published.v1"


class DatasetUpdated(DatasetEvent):
    type = "opendata.dataset.updated.v1"


class DatasetWithdrawn(DatasetEvent):
    type = "opendata.dataset.withdrawn.v1"
