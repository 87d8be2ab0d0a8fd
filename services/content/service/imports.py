"""Migrated documents (迁移): a legacy page the migration service staged, kept as a document of the target site
through the same rules as an editor's — the fields validated as DocumentCreate, the body sanitised, revisions,
audit, going live — but with the page's original date, its 索引号 when free, and its legacy key, so that a
re-run of the job updates the document instead of adding a copy. Its answer (`content.document.imported`)
tells the migration service where the page lives now, for the URL map."""

from __future__ import annotations

from html import escape
from urllib.parse import quote

from pydantic import ValidationError
from sqlalchemy import Row

from services.content.events import site_snapshot
from services.content.models import CONTENT_FIELDS, SiteDomain
from services.content.sanitize import sanitize_html
from services.content.schemas.documents import DocumentCreate
from services.content.service.context import Actor, ContentDeps, ContentUnitOfWork, audit
from services.content.service.documents import add_revision
from services.content.service.publishing import AtHand, go_live
from shared.auth import Principal
from shared.events.content import SiteUpdated
from shared.events.transition import (
    DocumentImported,
    ImportRefused,
    LegacyDocument,
    LegacyDocumentStaged,
    LegacyDomainsClaimed,
    LegacyFile,
)

FILES_URL = "/files"  # where every site's host serves the public files of its live documents


class Refused(Exception):
    """The staged document cannot be kept as it is: the reason goes back to the job, in Chinese."""


async def import_legacy_document(deps: ContentDeps, uow: ContentUnitOfWork, event: LegacyDocumentStaged) -> bool:
    """Create or update the document of this legacy key, in the consumer's transaction; answer either way."""
    staged, site_id = event.document, event.site_id
    actor = Actor(Principal(subject=event.editor, name="网站迁移"))
    try:
        doc = await uow.repo.document_by_legacy_key(site_id, staged.legacy_key)
        if doc is not None and doc.legacy_fingerprint == staged.fingerprint:
            files = await _public_files(uow, site_id, staged.files)
            uow.emit(_imported(event, doc, files, changed=False))
            return True
        values, files = await _document_values(deps, uow, site_id, staged, actor)
        created = doc is None
        doc = await _write(uow, actor, site_id, doc, values)
        if event.publish:
            at_hand = AtHand(await _site(uow, site_id), await _channel(uow, staged.channel_id, site_id), created)
            doc = await go_live(uow, deps, actor, doc, at=staged.published_at, at_hand=at_hand)
        uow.emit(_imported(event, doc, files, changed=True))
    except Refused as refusal:
        uow.emit(_refused(event, str(refusal)))
    return True


async def _document_values(
    deps: ContentDeps, uow: ContentUnitOfWork, site_id: str, staged: LegacyDocument, actor: Actor
) -> tuple[dict, dict[str, str]]:
    """Everything is checked before anything is written: a refused document leaves no trace but the refusal."""
    channel = await _channel(uow, staged.channel_id, site_id)
    if channel is None or channel.kind == "link":
        raise Refused(f"目标站点没有可放入稿件的栏目 {staged.channel_id}")
    fields = _checked_fields(staged, await uow.repo.topic_names())
    legacy = list({f.blob_key: f for f in staged.files}.values())[:50]  # one attachment per stored content
    known = [await _known_file(deps, uow, site_id, f) for f in legacy]
    files = [row or await _adopt_file(uow, site_id, f, actor) for f, row in zip(legacy, known, strict=True)]
    adopted = {f.blob_key: row for f, row in zip(legacy, files, strict=True)}
    public = {f.legacy_url: _public_path(adopted[f.blob_key]) for f in staged.files if f.blob_key in adopted}
    body = _point_at_platform(staged.body_html, public)
    # Pictures too: a live document's files are what the public may fetch (the page lists only those not shown).
    values = fields | {"body_html": sanitize_html(body), "attachment_ids": [f.id for f in files]}
    if staged.index_number and not await uow.repo.index_number_taken(staged.index_number):
        values["index_number"] = staged.index_number
    if staged.validity:
        values["validity"] = staged.validity
    return values | {"legacy_key": staged.legacy_key, "legacy_fingerprint": staged.fingerprint}, public


async def _site(uow: ContentUnitOfWork, site_id: str) -> Row:
    """The site's row, read once by a batch of imports."""
    if ("site", site_id) not in uow.read_once:
        uow.read_once["site", site_id] = await uow.repo.site_row(site_id)
    return uow.read_once["site", site_id]


async def _channel(uow: ContentUnitOfWork, channel_id: int, site_id: str) -> Row | None:
    """The channel's row (None: not the site's), read once by a batch of imports."""
    key = ("channel", f"{site_id}:{channel_id}")
    if key not in uow.read_once:
        uow.read_once[key] = await uow.repo.channel_row(channel_id, site_id)
    return uow.read_once[key]


def _checked_fields(staged: LegacyDocument, topics: frozenset[str]) -> dict:
    """The fields an editor could have typed, through the editor's own validation; what it refuses is named."""
    given = {
        "channel_id": staged.channel_id,
        "title": staged.title,
        "body_html": staged.body_html or "<p></p>",
        "source": staged.source,
        "author": staged.author,
        "keywords": staged.keywords[:10] or None,
        "document_number": staged.document_number,
        "written_on": staged.written_on,
        "issuing_body": staged.issuing_body,
        "topic_category": staged.topic_category if staged.topic_category in topics else None,
    }
    try:
        checked = DocumentCreate.model_validate({k: v for k, v in given.items() if v is not None})
    except ValidationError as exc:
        problem = exc.errors()[0]
        where = ".".join(str(p) for p in problem["loc"])
        raise Refused(f"{where}：{problem['msg']}") from None
    return checked.model_dump(exclude={"submit", "body_html"}, exclude_none=True)


async def _known_file(deps: ContentDeps, uow: ContentUnitOfWork, site_id: str, file: LegacyFile) -> Row | None:
    """The attachment a file already is (stored once per content), or None once its blob is confirmed there."""
    if not file.blob_key.startswith(f"sites/{site_id}/"):
        raise Refused(f"附件 {file.legacy_url} 不在本站点的存储空间中")
    known = await uow.repo.file_by_blob_key(site_id, file.blob_key)
    if known is None and not await deps.blobs.exists(file.blob_key):
        raise Refused(f"附件 {file.legacy_url} 的文件尚未存入（{file.blob_key}）")
    return known


async def _adopt_file(uow: ContentUnitOfWork, site_id: str, file: LegacyFile, actor: Actor) -> Row:
    """The migration copied the file into the blob store under this site: it becomes an attachment."""
    kind = "image" if file.media_type.startswith("image/") else "file"
    return await uow.repo.insert_file(
        {
            "site_id": site_id, "kind": kind, "filename": file.filename[:255], "content_type": file.media_type,
            "size": file.size, "sha256": file.sha256, "blob_key": file.blob_key, "renditions": {},
            "created_by": actor.id,
        }
    )  # fmt: skip


def _public_path(row: Row) -> str:
    return f"{FILES_URL}/{row.public_id}/{quote(row.filename)}"


async def _public_files(uow: ContentUnitOfWork, site_id: str, legacy: list[LegacyFile]) -> dict[str, str]:
    """Where the files of an unchanged document are public (the URL map asks again on every run)."""
    rows = {f.legacy_url: await uow.repo.file_by_blob_key(site_id, f.blob_key) for f in legacy}
    return {url: _public_path(row) for url, row in rows.items() if row is not None}


def _point_at_platform(body: str, public: dict[str, str]) -> str:
    """Links to the legacy files now lead to the site's own copies (the body names them by their legacy URL)."""
    for legacy_url, path in public.items():
        for spelling in {legacy_url, escape(legacy_url)}:
            body = body.replace(f'"{spelling}"', f'"{path}"')
    return body


async def _write(uow: ContentUnitOfWork, actor: Actor, site_id: str, doc: Row | None, values: dict) -> Row:
    if doc is None:
        values |= {"site_id": site_id, "created_by": actor.id, "updated_by": actor.id}
        values.setdefault("keywords", [])
        values.setdefault("subject_words", [])
        doc = await uow.repo.insert_document(values)
        add_revision(uow, doc, actor)
        audit(uow, actor, site_id, "document.imported", "document", doc.id, legacy_key=doc.legacy_key)
        return doc
    changed = {k: v for k, v in values.items() if getattr(doc, k) != v}
    if any(name in CONTENT_FIELDS for name in changed):
        changed["revision"] = doc.revision + 1
    doc = await uow.repo.change_document(doc, changed | {"updated_by": actor.id})
    if "revision" in changed:
        add_revision(uow, doc, actor)
    audit(uow, actor, site_id, "document.reimported", "document", doc.id, legacy_key=doc.legacy_key)
    return doc


def _imported(event: LegacyDocumentStaged, doc: Row, files: dict[str, str], *, changed: bool) -> DocumentImported:
    return DocumentImported(
        site_id=event.site_id, aggregate_id=event.aggregate_id, aggregate_version=event.aggregate_version,
        job_id=event.job_id, legacy_key=event.document.legacy_key, document_id=doc.id, url_path=doc.url_path,
        title=doc.title, published_at=doc.published_at, changed=changed, files=files,
    )  # fmt: skip


def _refused(event: LegacyDocumentStaged, reason: str) -> ImportRefused:
    return ImportRefused(
        site_id=event.site_id, aggregate_id=event.aggregate_id, aggregate_version=event.aggregate_version,
        job_id=event.job_id, legacy_key=event.document.legacy_key, reason=reason,
    )  # fmt: skip


async def attach_legacy_domains(uow: ContentUnitOfWork, event: LegacyDomainsClaimed) -> bool:
    """A migration's legacy hosts become the target site's other domains (a host another site holds stays
    with it, and the refusal is audited): old links reach the site once DNS points at the platform."""
    site = await uow.repo.site(event.site_id)
    if site is None:
        return False
    actor = Actor(Principal(subject=event.editor, name="网站迁移"))
    have = {d.host for d in await uow.repo.domains([site.id])}
    added = []
    for host in dict.fromkeys(h.lower() for h in event.domains):
        owner = await uow.repo.domain(host) if host not in have else None
        if owner is not None:
            audit(uow, actor, site.id, "site.legacy_domain_refused", "site", site.id, host=host, owner=owner.site_id)
        elif host not in have:
            uow.session.add(SiteDomain(site_id=site.id, host=host, is_main=False))
            added.append(host)
    if not added:
        return True
    uow.read_once.clear()  # the site's row changes: the imports after this one in the batch read it again
    site.version += 1
    await uow.session.flush()
    snapshot = await site_snapshot(uow.repo, site)
    uow.emit(SiteUpdated(site_id=site.id, aggregate_id=site.id, aggregate_version=site.version, site=snapshot))
    audit(uow, actor, site.id, "site.legacy_domains_attached", "site", site.id, domains=added)
    return True
