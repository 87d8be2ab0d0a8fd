"""Requests and answers of the migration API: jobs, their progress and log, the URL map and its reports."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

HOST = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$|^127\.0\.0\.1$")
ADDRESS = re.compile(r"^\d{1,3}(\.\d{1,3}){3}(:\d{1,5})?$")
UPLOAD_SOURCE = re.compile(r"^upload:\S.{0,199}$")  # a job whose pages the operator's machine pushes (a mirror …)
JobState = Literal["planned", "running", "cancelling", "cancelled", "importing", "done", "failed"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class ReadModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


class SiteRulesIn(Strict):
    """CSS selectors for pages the extractor reads wrongly: the operator's word is taken first."""

    title: Annotated[str, Field(max_length=200)] | None = None
    body: Annotated[str, Field(max_length=200)] | None = None
    date: Annotated[str, Field(max_length=200)] | None = None
    source: Annotated[str, Field(max_length=200)] | None = None
    remove: list[Annotated[str, Field(max_length=200)]] = Field(default_factory=list, max_length=20)


class JobCreate(Strict):
    source: Annotated[str, Field(min_length=2, max_length=1000)] = Field(
        description="the legacy site's address (http://…), crawled politely"
    )
    legacy_domains: list[str] = Field(
        default_factory=list, max_length=50, description="its hosts (a county's consolidation names several)"
    )
    mapping: dict[Annotated[str, Field(max_length=200)], int] = Field(
        default_factory=dict, description="legacy section (column name or directory) → channel id of the site"
    )
    default_channel_id: int | None = Field(None, description="where documents of sections not mapped go")
    rules: SiteRulesIn = Field(default_factory=SiteRulesIn)
    publish: bool = Field(True, description="publish with the original dates, or import as drafts for review")
    per_second: float = Field(4.0, gt=0, le=10_000, description="requests per second to the legacy site, at most")
    resolve: dict[str, str] = Field(
        default_factory=dict,
        description="host → ip:port of the old server, once DNS points at the platform (as curl --resolve)",
    )
    start: bool = Field(True, description="start at once")

    @field_validator("resolve")
    @classmethod
    def _servers(cls, value: dict[str, str]) -> dict[str, str]:
        bad = [f"{h}={a}" for h, a in value.items() if not HOST.match(h.lower()) or not ADDRESS.match(a)]
        if bad:
            raise ValueError(f"应为 域名 → IP:端口：{'、'.join(bad[:5])}")
        return {h.lower(): a for h, a in value.items()}

    @field_validator("source")
    @classmethod
    def _web_address(cls, value: str) -> str:
        if not re.match(r"^https?://[^\s/]+", value) and not UPLOAD_SOURCE.match(value):
            raise ValueError("须为旧网站的地址，以 http:// 或 https:// 开头；或 upload:名称（命令行上传镜像或导出）")
        return value

    @field_validator("legacy_domains")
    @classmethod
    def _hosts(cls, value: list[str]) -> list[str]:
        hosts = [h.strip().lower() for h in value]
        if bad := [h for h in hosts if not HOST.match(h)]:
            raise ValueError(f"不是域名：{'、'.join(bad[:5])}")
        return list(dict.fromkeys(hosts))

    @model_validator(mode="after")
    def _source_host_is_legacy(self) -> JobCreate:
        if UPLOAD_SOURCE.match(self.source):
            return self  # pushed: its hosts are the legacy_domains named
        host = re.sub(r"^https?://", "", self.source).split("/", 1)[0].lower()
        if host not in self.legacy_domains:
            self.legacy_domains.insert(0, host)
        return self


class JobUpdate(Strict):
    """A job's plan changed before a (re-)run: the section mapping, the rules, publish or draft."""

    mapping: dict[Annotated[str, Field(max_length=200)], int] | None = None
    default_channel_id: int | None = None
    rules: SiteRulesIn | None = None
    publish: bool | None = None
    per_second: float | None = Field(None, gt=0, le=10_000)


class Progress(BaseModel):
    pages: int = Field(0, description="pages read in the current run")
    documents: int = Field(0, description="documents found, all runs")
    staged: int = Field(0, description="handed to the content library, not yet answered")
    imported: int = 0
    refused: int = 0
    unmapped: int = Field(0, description="documents of sections with no channel, and pages nothing was decided for")
    lists: int = 0
    files: int = 0
    gone: int = 0


class JobRead(ReadModel):
    id: int
    site_id: str
    source: str
    legacy_domains: list[str]
    mapping: dict[str, int]
    default_channel_id: int | None
    rules: dict
    publish: bool
    per_second: float
    resolve: dict[str, str]
    state: JobState
    run: int
    error: str | None
    created_by: str
    created_at: datetime
    updated_at: datetime
    progress: Progress = Field(default_factory=Progress)


class LogEntry(ReadModel):
    at: datetime
    actor: str
    actor_name: str
    action: str
    detail: dict


class LegacyUrlRead(ReadModel):
    legacy_key: str
    legacy_url: str
    kind: str
    state: str
    title: str | None
    published_at: datetime | None
    target: str | None
    reason: str | None
    hits: int = Field(0, description="404s visitors got on it before it was decided")


class UrlMapPage(BaseModel):
    items: list[LegacyUrlRead]
    total: int


class UrlMapWritten(BaseModel):
    site_id: str
    written: int


class Decision(Strict):
    """One legacy URL decided by hand: 301 to a page of the site (or anywhere), or 410."""

    legacy_key: Annotated[str, Field(min_length=3, max_length=500, pattern=r"^//[^/\s]+/\S*$")]
    target: Annotated[str, Field(max_length=1000, pattern=r"^(https?://\S+|/\S*)$")] | None = None


class PushedPage(Strict):
    """One page of a mirror as the legacy site served it: its URL, status and bytes (base64, or text)."""

    url: Annotated[str, Field(min_length=8, max_length=1000, pattern=r"^https?://[^\s/]+")]
    status: int = Field(200, ge=100, le=599)
    content_type: Annotated[str, Field(max_length=200)] | None = None
    body_base64: str | None = Field(None, max_length=30_000_000, description="the page's bytes, as served")
    body: str | None = Field(None, max_length=20_000_000, description="or its text (UTF-8)")
    location: Annotated[str, Field(max_length=1000)] | None = Field(None, description="where a redirect pointed")


class PagesPush(Strict):
    pages: list[PushedPage] = Field(min_length=1, max_length=200)


class PushedRecord(Strict):
    """A document a CMS export or WordPress already describes field by field (sources/base.py Record)."""

    url: Annotated[str, Field(min_length=8, max_length=1000, pattern=r"^https?://[^\s/]+")]
    title: Annotated[str, Field(min_length=1, max_length=500)]
    body_html: Annotated[str, Field(min_length=1, max_length=5_000_000)]
    published_at: datetime | None = Field(None, description="the site's local time (Beijing) when naive")
    column: Annotated[str, Field(max_length=200)] | None = None
    source: Annotated[str, Field(max_length=200)] | None = None
    author: Annotated[str, Field(max_length=200)] | None = None
    keywords: list[Annotated[str, Field(max_length=100)]] = Field(default_factory=list, max_length=50)
    disclosure: dict[Annotated[str, Field(max_length=40)], Annotated[str, Field(max_length=500)]] = Field(
        default_factory=dict, description="index_number, document_number, issuing_body, written_on, topic_category …"
    )
    attachments: list[Annotated[str, Field(max_length=1000)]] = Field(default_factory=list, max_length=100)


class RecordsPush(Strict):
    records: list[PushedRecord] = Field(min_length=1, max_length=200)


class Pushed(BaseModel):
    """What a push took: how many pages or records, and the job's progress after it."""

    accepted: int
    job: JobRead


class PushedFileRead(ReadModel):
    legacy_url: str
    blob_key: str
    filename: str
    media_type: str
    size: int
    sha256: str


class RulesPreviewIn(Strict):
    """Rules to try (the job's own if left out) on sample pages of the legacy site (suggested if none given)."""

    rules: SiteRulesIn | None = None
    urls: list[Annotated[str, Field(min_length=8, max_length=1000)]] = Field(default_factory=list, max_length=10)


class SampleUrl(BaseModel):
    """A legacy URL worth previewing rules on, with what the last run made of it."""

    url: str
    kind: str | None = None
    state: str | None = None
    reason: str | None = None


class Extraction(BaseModel):
    """What one set of rules reads from a page: its facts, its main text (sanitized, cut short) and how found."""

    kind: Literal["article", "list", "other"]
    title: str | None
    published_at: datetime | None
    source: str | None
    column: str | None
    disclosure: dict[str, str]
    body_html: str = Field(description="the main text, sanitized and cut at a few thousand characters")
    body_chars: int = Field(description="characters of text in the whole main text")
    truncated: bool
    found_by: str | None = Field(description="rules, the CMS container's selector, or trafilatura")
    problems: list[str]
    entries: int = Field(0, description="a list page's entries")
    attachments: int = 0


class SamplePreview(BaseModel):
    url: str
    error: str | None = Field(None, description="why the page could not be read now")
    last_run: str | None = Field(None, description="what the last run said of it (why it was left undecided)")
    proposed: Extraction | None = None
    saved: Extraction | None = Field(None, description="the same page read with the job's saved rules")
    changed: list[str] = Field(default_factory=list, description="the fields the proposed rules read differently")


class RulesPreview(BaseModel):
    rules: dict
    saved_rules: dict
    samples: list[SamplePreview]
