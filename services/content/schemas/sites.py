"""Sites, their domains, and the public site directory (网站群导航)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator

from services.content.schemas.common import Name, ReadModel, Schema, ShortText, SiteId, reject_explicit_nulls, text
from shared.events.content import THEME_OF_LEVEL, SiteTheme

SiteLevel = Literal["province", "city", "county", "department"]
SiteStatus = Literal["building", "online", "closed"]

_SITE_CODE = re.compile(r"^(\d{10}|bm\d{8})$")
_ORG_CODE = re.compile(r"^[0-9A-Z]{6,18}$")
_ICP = re.compile(r"^\S{1,6}ICP备\d{6,10}号(-\d{1,3})?$")
_POLICE = re.compile(r"^\S{1,6}公网安备\s?\d{14}号$")
_LABEL = re.compile(r"^(?!-)[a-z0-9\u4e00-\u9fff-]{1,63}(?<!-)$")


def _site_code(value: str) -> str:
    if not _SITE_CODE.match(value):
        raise ValueError("网站标识码应为 10 位数字（地方网站）或 bm 加 8 位数字（中央部门网站）")
    return value


def _org_code(value: str) -> str:
    if not _ORG_CODE.match(value):
        raise ValueError("机构代码应为 6–18 位数字或大写字母")
    return value


def _icp(value: str | None) -> str | None:
    if value is not None and not _ICP.match(value):
        raise ValueError("ICP备案号格式应如 皖ICP备05001925号 或 皖ICP备05001925号-1")
    return value


def _police(value: str | None) -> str | None:
    if value is not None and not _POLICE.match(value):
        raise ValueError("公安备案号格式应如 皖公网安备 34010402700602号")
    return value


def _host(value: str) -> str:
    host = value.strip().lower().rstrip(".")
    labels = host.split(".")
    if len(host) > 253 or len(labels) < 2 or not all(_LABEL.match(label) for label in labels):
        raise ValueError(f"{value!r} 不是有效的域名（例如 www.example.gov.cn 或 example.政务）")
    return host


SiteCode = Annotated[str, AfterValidator(_site_code)]
OrgCode = Annotated[str, AfterValidator(_org_code)]
IcpNumber = Annotated[str | None, AfterValidator(_icp)]
PoliceNumber = Annotated[str | None, AfterValidator(_police)]
Host = Annotated[str, Field(max_length=253), AfterValidator(_host)]
Phone = Annotated[str, Field(pattern=r"^[0-9+()\- ]{5,40}$")]
Email = Annotated[str, Field(pattern=r"^[^@\s]{1,64}@[^@\s]{1,190}\.[^@\s]{2,}$", max_length=120)]
Theme = Annotated[SiteTheme, Field(description="the renderer's theme: default, province, county or department")]
Lang = Annotated[
    str,
    Field(
        max_length=16,
        pattern=r"^[a-z]{2,3}(-[A-Z][a-z]{3})?(-([A-Z]{2}|[0-9]{3}))?$",
        description="the language of its pages (BCP 47: zh-CN, en, fr, ru, ja …)",
    ),
]


class SiteContact(Schema):
    contact_phone: Phone | None = None
    contact_email: Email | None = None
    contact_address: text(200) | None = None


def _not_reserved(value: str) -> str:
    if value in RESERVED_SITE_IDS:
        raise ValueError(f"{value} 是保留标识，不能使用")
    return value


RESERVED_SITE_IDS = frozenset({"platform", "api", "www", "static", "admin"})


class SiteCreate(SiteContact):
    id: Annotated[SiteId, AfterValidator(_not_reserved)] = Field(
        description="short stable id used in URLs, keys and events, e.g. hefei"
    )
    name: Name
    abbreviation: text(20, 0) = ""
    host_unit: Name = Field(description="主办单位")
    site_code: SiteCode = Field(description="网站标识码")
    org_code: OrgCode = Field(description="机构代码, the first part of every 索引号")
    icp_number: IcpNumber = None
    police_number: PoliceNumber = None
    level: SiteLevel
    parent_id: SiteId | None = None
    main_domain: Host
    domains: list[Host] = Field(default_factory=list, max_length=20, description="other host names")
    theme: Theme | None = Field(None, description="default: the theme of its level (county for a city)")
    lang: Lang = "zh-CN"
    status: SiteStatus = "building"

    @property
    def chosen_theme(self) -> str:
        return self.theme or THEME_OF_LEVEL[self.level]


class SiteUpdate(SiteContact):
    name: Name | None = None
    abbreviation: text(20, 0) | None = None
    host_unit: Name | None = None
    site_code: SiteCode | None = None
    org_code: OrgCode | None = None
    icp_number: IcpNumber = None
    police_number: PoliceNumber = None
    parent_id: SiteId | None = None
    theme: Theme | None = None
    lang: Lang | None = None
    status: SiteStatus | None = None
    version: int | None = Field(None, ge=1, description="send the version you read to avoid lost updates")

    @model_validator(mode="after")
    def _required_stay_set(self) -> SiteUpdate:
        reject_explicit_nulls(
            self, ("name", "abbreviation", "host_unit", "site_code", "org_code", "theme", "lang", "status")
        )
        return self


class DomainsUpdate(Schema):
    main_domain: Host
    domains: list[Host] = Field(default_factory=list, max_length=20)

    @model_validator(mode="after")
    def _distinct(self) -> DomainsUpdate:
        if self.main_domain in self.domains or len(set(self.domains)) != len(self.domains):
            raise ValueError("domains 中的域名不能重复，也不能与 main_domain 相同")
        return self


class SiteRead(ReadModel):
    id: str
    name: str
    abbreviation: str
    host_unit: str
    site_code: str
    org_code: str
    icp_number: str | None
    police_number: str | None
    level: SiteLevel
    parent_id: str | None
    main_domain: str
    domains: list[str]
    theme: str
    lang: str
    status: SiteStatus
    successor_id: str | None = None
    contact_phone: str | None
    contact_email: str | None
    contact_address: str | None
    version: int
    created_at: datetime
    updated_at: datetime


class SiteDirectoryEntry(ReadModel):
    id: str
    name: str
    host_unit: str
    level: SiteLevel
    site_code: str
    parent_id: str | None
    main_domain: str
    domains: list[str]


class SiteChangeCreate(Schema):
    """Open a site, close it (关停: its visitors go to its parent, or to `successor_id`), or merge it (整合)."""

    kind: Literal["open", "close", "merge"]
    successor_id: SiteId | None = Field(None, description="where a closed site's visitors go; required to merge")
    reason: text(1000) = Field(description="kept with the decision, e.g. 按照集约化要求整合至市政府门户网站")

    @model_validator(mode="after")
    def _merge_names_its_successor(self) -> SiteChangeCreate:
        if self.kind == "merge" and self.successor_id is None:
            raise ValueError("successor_id: 整合（merge）须指明并入的站点")
        if self.kind == "open" and self.successor_id is not None:
            raise ValueError("successor_id: 开通（open）网站时不能填写")
        return self


class SiteChangeDecision(Schema):
    comment: text(1000, 0) | None = None


class SiteChangeRead(ReadModel):
    id: int
    site_id: str
    kind: str
    successor_id: str | None
    reason: str
    status: Literal["pending", "approved", "rejected"]
    requested_by: str
    requested_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    comment: str | None


class HostResolution(ReadModel):
    host: str
    site_id: str
    is_main: bool
    main_domain: str
    status: SiteStatus


__all__ = [
    "DomainsUpdate",
    "HostResolution",
    "ShortText",
    "SiteChangeCreate",
    "SiteChangeDecision",
    "SiteChangeRead",
    "SiteCreate",
    "SiteDirectoryEntry",
    "SiteRead",
    "SiteUpdate",
]


class SiteOverview(ReadModel):
    """A site's figures on the operator's dashboard."""

    site_id: str
    name: str
    level: SiteLevel
    status: SiteStatus
    documents: int
    live: int = Field(description="documents on the site now")
    drafts: int
    in_review: int = Field(description="documents waiting at a review step")
    oldest_in_review: datetime | None = Field(description="since when the longest-waiting one has waited")
    last_published: datetime | None = Field(description="the site's newest publication (home-page freshness)")
    stale_channels: int = Field(description="list channels empty or with nothing new for six months")


class ReplayRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    site: str | None = Field(None, pattern=r"^[a-z][a-z0-9-]{1,39}$", description="one site; none: every site")


class ReplayCounts(BaseModel):
    sites: int = 0
    channels: int = 0
    documents: int = 0
