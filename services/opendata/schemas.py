"""Request and response models of the open-data portal's own API; each refusal names the field and the rule.
(The CKAN Action API answers CKAN's dictionaries: services.opendata.service.views.)"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

Name = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_-]{1,99}$")]  # CKAN's package names
Access = Literal["open", "conditional", "closed"]
Frequency = Literal["实时", "每日", "每周", "每月", "每季度", "每半年", "每年", "不定期"]
ColumnType = Literal["integer", "numeric", "boolean", "date", "timestamp", "text"]
ACCESS_LABELS = {"open": "无条件开放", "conditional": "有条件开放", "closed": "不予开放"}
LICENSES = {
    "cc-by-4.0": ("知识共享署名 4.0", "https://creativecommons.org/licenses/by/4.0/"),
    "odc-by": ("开放数据共享署名许可", "https://opendatacommons.org/licenses/by/1-0/"),
    "gov-open": ("政府数据开放许可协议", None),
}


def text(limit: int) -> type[str]:
    """Trimmed text of at most `limit` characters, no control characters but newlines and tabs."""
    return Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=limit, pattern=r"^[^\x00-\x08\x0b-\x1f]*$")
    ]  # type: ignore[return-value]


class Schema(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DatasetWrite(Schema):
    name: Name = Field(description="its address: /dataset/<name> and package_show's id (a-z, 0-9, - and _)")
    title: text(200) = Field(min_length=2)  # type: ignore[valid-type]
    notes: text(5000) = ""  # type: ignore[valid-type]
    publisher: text(100) = Field(min_length=2, description="提供部门")  # type: ignore[valid-type]
    theme: text(40) = Field(min_length=1, description="主题分类")  # type: ignore[valid-type]
    access: Access = "open"
    frequency: Frequency = "不定期"
    license_id: Literal["cc-by-4.0", "odc-by", "gov-open"] = "gov-open"
    tags: list[text(40)] = Field(default_factory=list, max_length=20)  # type: ignore[valid-type]
    contact_name: text(60) | None = None  # type: ignore[valid-type]
    contact_email: Annotated[str, StringConstraints(pattern=r"^[^@\s]{1,64}@[^@\s]{1,190}\.[a-z]{2,}$")] | None = None


class ColumnWrite(Schema):
    id: str = Field(min_length=1, max_length=63, description="the column as the file names it")
    type: ColumnType
    label: text(100) = ""  # type: ignore[valid-type]
    notes: text(500) = ""  # type: ignore[valid-type]


class DictionaryWrite(Schema):
    columns: list[ColumnWrite] = Field(min_length=1, max_length=500)


class ColumnRead(BaseModel):
    id: str
    type: str
    label: str = ""
    notes: str = ""


class ResourceRead(BaseModel):
    id: str
    dataset_id: str
    name: str
    description: str
    format: str
    media_type: str
    filename: str
    size: int
    encoding: str | None
    datastore_active: bool
    row_count: int
    columns: list[ColumnRead]
    created_at: datetime
    modified_at: datetime


class DatasetRead(BaseModel):
    id: str
    name: str
    site_id: str
    title: str
    notes: str
    publisher: str
    theme: str
    access: Access
    access_label: str
    frequency: str
    license_id: str
    license_title: str
    tags: list[str]
    contact_name: str | None
    contact_email: str | None
    state: str
    created_at: datetime
    modified_at: datetime
    published_at: datetime | None
    resources: list[ResourceRead]
    api_calls: int = 0
    downloads: int = 0


class Problem(BaseModel):
    row: int | None
    column: str | None
    value: str | None
    message: str


class LoadReport(BaseModel):
    """Why a file was not loaded: every problem found (up to a bound) and how many there were in all."""

    filename: str
    total: int
    problems: list[Problem]


class AccessRequestCreate(Schema):
    dataset: str = Field(min_length=1, max_length=100, description="the dataset's name or id")
    applicant: text(100) = Field(min_length=2, description="申请人或申请单位")  # type: ignore[valid-type]
    purpose: text(2000) = Field(min_length=10, description="用途说明")  # type: ignore[valid-type]


class AccessDecision(Schema):
    approve: bool
    reason: text(500) = ""  # type: ignore[valid-type]


class AccessRequestRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    dataset_id: str
    site_id: str
    application_id: str
    applicant: str
    purpose: str
    status: str
    reason: str | None
    decided_at: datetime | None
    created_at: datetime
    dataset_name: str | None = None
    dataset_title: str | None = None


class UsageRow(BaseModel):
    day: str
    dataset_id: str
    kind: str
    count: int
    key_id: str | None = Field(None, description="the key that made the calls (a developer's own figures only)")
