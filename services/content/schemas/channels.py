"""Channels (栏目), the basic-channel template, review workflows and channel subscriptions."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, model_validator

from services.content.schemas.common import (
    Id,
    Keyword,
    LongText,
    ReadModel,
    Schema,
    ShortText,
    SiteId,
    reject_explicit_nulls,
    text,
)

ChannelKind = Literal["list", "page", "link", "topic"]
Slug = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_-]{0,59}$", description="path segment: a-z, 0-9, _ and -")]
LinkUrl = Annotated[str, Field(pattern=r"^(https?://[^\s]{3,490}|/[^\s]{0,490})$", max_length=500)]


class ChannelFields(Schema):
    name: ShortText | None = None
    description: LongText | None = None
    keywords: list[Keyword] | None = Field(None, max_length=10)
    position: int | None = Field(None, ge=0, le=100_000)
    link_url: LinkUrl | None = None
    unit_name: text(100) | None = Field(None, description="department that owns this channel on a county portal")
    unit_code: Annotated[str, Field(pattern=r"^[0-9A-Z]{6,18}$")] | None = Field(None, description="its 机构代码")


class ChannelCreate(ChannelFields):
    parent_id: Id | None = None
    slug: Slug
    name: ShortText
    kind: ChannelKind = "list"

    @model_validator(mode="after")
    def _link_needs_url(self) -> ChannelCreate:
        if self.kind == "link" and not self.link_url:
            raise ValueError("外链栏目（link）须填写 link_url")
        return self


class ChannelUpdate(ChannelFields):
    parent_id: Id | None = Field(None, description="move under another channel; null moves to the top level")
    slug: Slug | None = None
    version: int | None = Field(None, ge=1)

    @model_validator(mode="after")
    def _required_stay_set(self) -> ChannelUpdate:
        reject_explicit_nulls(self, ("name", "slug", "description", "keywords", "position"))
        return self


class ChannelRead(ReadModel):
    id: int
    site_id: str
    parent_id: int | None
    slug: str
    path: str
    name: str
    kind: ChannelKind
    link_url: str | None
    description: str
    keywords: list[str]
    position: int
    basic_key: str | None
    unit_name: str | None
    unit_code: str | None
    version: int


class BasicChannelItem(Schema):
    key: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.-]{0,59}$")]
    parent_key: str | None = None
    slug: Slug
    name: ShortText
    kind: ChannelKind = "list"
    description: LongText = ""
    position: int = Field(0, ge=0, le=100_000)


class BasicChannelTemplate(Schema):
    items: list[BasicChannelItem] = Field(min_length=1, max_length=200)

    @model_validator(mode="after")
    def _tree(self) -> BasicChannelTemplate:
        keys = [item.key for item in self.items]
        if len(set(keys)) != len(keys):
            raise ValueError("items: key 不能重复")
        missing = {i.parent_key for i in self.items if i.parent_key and i.parent_key not in keys}
        if missing:
            raise ValueError(f"items: parent_key {sorted(missing)} 不存在")
        return self


class WorkflowStep(Schema):
    name: text(20) = Field(description="e.g. 初审, 审核, 审发")
    role: Annotated[str, Field(pattern=r"^(reviewer:\S{1,20}|site_admin)$")] | None = Field(
        None, description="role that may decide at this step; default reviewer:<name>"
    )


class WorkflowUpdate(Schema):
    channel_id: Id | None = Field(None, description="null sets the site default")
    steps: list[WorkflowStep] = Field(min_length=1, max_length=6)
    same_person_allowed: bool = Field(
        False,
        description="waive 三审's rule that the author and each step are different people (only where a unit "
        "truly has too few staff; the audit log still names who did each step)",
    )

    @model_validator(mode="after")
    def _distinct(self) -> WorkflowUpdate:
        names = [s.name for s in self.steps]
        if len(set(names)) != len(names):
            raise ValueError("steps: 各步骤的 name 不能重复")
        return self


class WorkflowRead(ReadModel):
    site_id: str
    channel_id: int | None
    steps: list[dict]
    inherited: bool = False


class WorkflowTemplate(ReadModel):
    """A workflow the platform offers every site (三审, 三审加保密审查 …)."""

    name: str
    description: str
    steps: list[dict]


class SubscriptionCreate(Schema):
    source_site_id: SiteId
    source_channel_id: Id


class SubscriptionRead(ReadModel):
    id: int
    site_id: str
    channel_id: int
    source_site_id: str
    source_channel_id: int
    created_by: str
