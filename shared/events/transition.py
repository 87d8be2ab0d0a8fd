"""Events of site migration (迁移): a legacy document staged for the content library, the legacy domains a job
claims for its target site, and the URL map's decisions for the renderer's redirect table.

The migration service owns the legacy side (what was read, where it lived); the content library owns documents
(it imports a staged one through its own use case and answers with `content.document.imported`); the renderer
owns the redirect table (it keeps what the URL map decides). No service calls another.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from shared.events.envelope import Event

STAGED_TOPIC = "transition.documents"
URLMAP_TOPIC = "transition.urlmap"
IMPORTS_TOPIC = "content.imports"
Validity = Literal["有效", "修改", "废止", "失效"]


class LegacyFile(BaseModel):
    """A legacy attachment or image, already copied into the blob store under the target site."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    legacy_url: str
    blob_key: str
    filename: str
    media_type: str
    size: int
    sha256: str


class LegacyDocument(BaseModel):
    """A legacy page as the content library should keep it: the fields an editor would have typed."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    legacy_key: str = Field(description="path[?query] on the legacy site: the document's identity across re-runs")
    legacy_url: str
    channel_id: int
    title: str
    body_html: str
    published_at: datetime | None = Field(None, description="the original date: the page keeps it")
    source: str | None = None
    author: str | None = None
    keywords: list[str] = []
    index_number: str | None = Field(None, description="索引号 of the legacy 信息公开 table, kept when free")
    document_number: str | None = None
    written_on: date | None = None
    issuing_body: str | None = None
    topic_category: str | None = None
    validity: Validity | None = None
    files: list[LegacyFile] = []
    fingerprint: str = Field(description="hash of all the above: an unchanged re-run changes nothing")


class LegacyDocumentStaged(Event):
    """Import this document (create, or update the one with the same legacy key), published or as a draft."""

    type = "transition.document.staged.v1"
    topic = STAGED_TOPIC
    job_id: int
    document: LegacyDocument
    publish: bool
    editor: str = Field(description="recorded as the document's author: migration:<job>")


class LegacyDomainsClaimed(Event):
    """A job's legacy domains: attach them to the target site, so old links reach it once DNS points here."""

    type = "transition.domains.claimed.v1"
    topic = STAGED_TOPIC
    job_id: int
    domains: list[str]
    editor: str


class Redirect(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    legacy_key: str
    target: str | None = Field(description="a path on the site or an absolute URL (301); None: gone (410)")


class UrlMapChanged(Event):
    """Decisions of a site's URL map, for the redirect table (a set of keys, upserted; `removed` deleted)."""

    type = "transition.urlmap.changed.v1"
    topic = URLMAP_TOPIC
    redirects: list[Redirect] = []
    removed: list[str] = []


class DocumentImported(Event):
    """The content library kept a staged document: where it lives now (None while it is a draft)."""

    type = "content.document.imported.v1"
    topic = IMPORTS_TOPIC
    job_id: int
    legacy_key: str
    document_id: int
    url_path: str | None
    title: str
    published_at: datetime | None
    changed: bool = Field(description="False when a re-run found it as it was")
    files: dict[str, str] = Field({}, description="each legacy file's URL → its public path on the site")


class ImportRefused(Event):
    """The content library could not keep a staged document (no such channel, a file missing …): why, in Chinese."""

    type = "content.document.import_refused.v1"
    topic = IMPORTS_TOPIC
    job_id: int
    legacy_key: str
    reason: str
