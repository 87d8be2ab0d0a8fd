"""Migrated documents (迁移): a legacy page the migration service staged, kept as a document of the target site
through the same rules as an editor's — the fields validated as DocumentCreate, the body sanitised, revisions,
audit, going live — but with the page's original date, its 索引号 when free, and its legacy key, so that a
re-run of the job updates the document instead of adding a copy. Its answer (`content.document.imported`)
tells the migration service where the page lives now, for the URL map."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape
from urllib.parse import quote

from pydantic import ValidationError
from sqlalchemy import Row

from services.content.models import CONTENT_FIELDS
from services.content.sanitize import sanitize_html
from services.content.schemas.documents import DocumentCreate
from services.content.service.context import Actor, ContentDeps, ContentUnitOfWork, audit
from services.content.service.documents import add_revision
from services.content.service.publishing import AtHand, Created, announce_created, go_live, live_on_creation
from shared.auth import Principal
from shared.events.content import DocumentPublished
from shared.events.transition import DocumentImported, ImportRefused, LegacyDocument, LegacyDocumentStaged, LegacyFile
from shared.messaging.consumer import Delivery

FILES_URL = "/files"  # where every site's host serves the public files of its live documents


class Refused(Exception):
    """The staged document cannot be kept as it is: the reason goes back to the job, in Chinese."""


@dataclass(slots=True)
class _Plan:
    """A staged document that passed every check, and what it becomes."""

    delivery: Delivery
    actor: Actor
    channel: Row
    doc: Row | None  # the document a run before brought from its legacy key
    fields: dict
    files: list[LegacyFile]  # one per stored content, at most 50
    values: dict = field(default_factory=dict)
    public: dict[str, str] = field(default_factory=dict)  # legacy URL → where the file is public now


async def import_legacy_documents(deps: ContentDeps, uow: ContentUnitOfWork, run: Sequence[Delivery]) -> list[bool]:
    """Create or update the documents of these legacy keys in the consumer's transaction, each read and write
    done once for a run of them; answer each either way."""
    for chunk in _chunks(run):
        await _import(deps, uow, chunk)
    return [True] * len(run)


def _chunks(run: Sequence[Delivery]) -> list[list[Delivery]]:
    """Consecutive deliveries of one site, each legacy key once (a key staged again waits for the next chunk,
    which sees what this one wrote)."""
    chunks: list[list[Delivery]] = []
    keys: set[str] = set()
    for delivery in run:
        event = delivery.event
        if not chunks or event.site_id != chunks[-1][0].event.site_id or event.document.legacy_key in keys:
            chunks.append([])
            keys = set()
        chunks[-1].append(delivery)
        keys.add(event.document.legacy_key)
    return chunks


async def _import(deps: ContentDeps, uow: ContentUnitOfWork, chunk: list[Delivery]) -> None:
    """Everything is checked before anything is written: a refused document leaves no trace but the refusal."""
    site_id = chunk[0].event.site_id
    docs = await uow.repo.documents_by_legacy_keys(site_id, [d.event.document.legacy_key for d in chunk])
    files = await uow.repo.files_by_blob_keys(site_id, [f.blob_key for d in chunk for f in d.event.document.files])
    topics = await uow.repo.topic_names()
    outcomes: list[_Plan | Row | str] = []  # a plan, the unchanged document, or the reason of a refusal
    for delivery in chunk:
        staged, doc = delivery.event.document, docs.get(delivery.event.document.legacy_key)
        if doc is not None and doc.legacy_fingerprint == staged.fingerprint:
            outcomes.append(doc)
            continue
        try:
            outcomes.append(await _plan(deps, uow, delivery, doc, topics, files))
        except Refused as refusal:
            outcomes.append(str(refusal))
    plans = [p for p in outcomes if isinstance(p, _Plan)]
    await _adopt_files(uow, site_id, plans, files)
    await _fill_values(uow, plans, files)
    published = await _write(uow, site_id, plans)
    for delivery, outcome in zip(chunk, outcomes, strict=True):
        with delivery.correlated():
            await _answer(deps, uow, delivery, outcome, files, published)


async def _plan(
    deps: ContentDeps, uow: ContentUnitOfWork, delivery: Delivery, doc: Row | None, topics: frozenset[str],
    files: dict[str, Row],
) -> _Plan:  # fmt: skip
    """The checks of one staged document, in the order the editor's would fail."""
    event: LegacyDocumentStaged = delivery.event
    staged, site_id = event.document, event.site_id
    channel = await _channel(uow, staged.channel_id, site_id)
    if channel is None or channel.kind == "link":
        raise Refused(f"目标站点没有可放入稿件的栏目 {staged.channel_id}")
    fields = _checked_fields(staged, topics)
    legacy = list({f.blob_key: f for f in staged.files}.values())[:50]  # one attachment per stored content
    for file in legacy:
        await _check_file(deps, site_id, file, files)
    actor = Actor(Principal(subject=event.editor, name="网站迁移"))
    return _Plan(delivery, actor, channel, doc, fields, legacy)


async def _check_file(deps: ContentDeps, site_id: str, file: LegacyFile, known: dict[str, Row]) -> None:
    """A file is an attachment already (stored once per content), or its blob is confirmed there."""
    if not file.blob_key.startswith(f"sites/{site_id}/"):
        raise Refused(f"附件 {file.legacy_url} 不在本站点的存储空间中")
    if file.blob_key not in known and not await deps.blobs.exists(file.blob_key):
        raise Refused(f"附件 {file.legacy_url} 的文件尚未存入（{file.blob_key}）")


async def _adopt_files(uow: ContentUnitOfWork, site_id: str, plans: list[_Plan], files: dict[str, Row]) -> None:
    """The files the migration copied into the blob store under this site become attachments, one per content
    (the first document naming a file adopts it), in one statement."""
    new: dict[str, dict] = {}
    for plan in plans:
        for file in plan.files:
            if file.blob_key not in files and file.blob_key not in new:
                kind = "image" if file.media_type.startswith("image/") else "file"
                new[file.blob_key] = {
                    "site_id": site_id, "kind": kind, "filename": file.filename[:255], "content_type": file.media_type,
                    "size": file.size, "sha256": file.sha256, "blob_key": file.blob_key, "renditions": {},
                    "created_by": plan.actor.id,
                }  # fmt: skip
    files.update(await uow.repo.insert_files(list(new.values())))


async def _fill_values(uow: ContentUnitOfWork, plans: list[_Plan], files: dict[str, Row]) -> None:
    """Each document's columns: the checked fields, the body pointing at the site's copies, its files, and its
    legacy 索引号 when no document has it yet (nor one before it in this run)."""
    taken = await uow.repo.index_numbers_taken([p.delivery.event.document.index_number for p in plans
                                                if p.delivery.event.document.index_number])  # fmt: skip
    for plan in plans:
        staged: LegacyDocument = plan.delivery.event.document
        adopted = {f.blob_key: files[f.blob_key] for f in plan.files}
        plan.public = {f.legacy_url: _public_path(adopted[f.blob_key]) for f in staged.files if f.blob_key in adopted}
        body = _point_at_platform(staged.body_html, plan.public)
        # Pictures too: a live document's files are what the public may fetch (the page lists only those not shown).
        values = plan.fields | {"body_html": sanitize_html(body), "attachment_ids": [f.id for f in adopted.values()]}
        if staged.index_number and staged.index_number not in taken:
            values["index_number"] = staged.index_number
            taken.add(staged.index_number)
        if staged.validity:
            values["validity"] = staged.validity
        plan.values = values | {"legacy_key": staged.legacy_key, "legacy_fingerprint": staged.fingerprint}


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


def _public_path(row: Row) -> str:
    return f"{FILES_URL}/{row.public_id}/{quote(row.filename)}"


def _point_at_platform(body: str, public: dict[str, str]) -> str:
    """Links to the legacy files now lead to the site's own copies (the body names them by their legacy URL)."""
    for legacy_url, path in public.items():
        for spelling in {legacy_url, escape(legacy_url)}:
            body = body.replace(f'"{spelling}"', f'"{path}"')
    return body


async def _write(uow: ContentUnitOfWork, site_id: str, plans: list[_Plan]) -> dict[int, DocumentPublished]:
    """The new documents inserted together, those to publish live from the start (their events back, by
    document, for the answers to emit in order); a document brought before is changed on its own."""
    new, brought = [p for p in plans if p.doc is None], [p for p in plans if p.doc is not None]
    for plan, doc_id in zip(new, await uow.repo.new_document_ids(len(new)), strict=True):
        plan.values |= {"id": doc_id, "site_id": site_id, "created_by": plan.actor.id, "updated_by": plan.actor.id}
        plan.values.setdefault("keywords", [])
        plan.values.setdefault("subject_words", [])
    site = await _site(uow, site_id)
    live = [(p, Created(p.values, p.channel, p.actor, p.delivery.event.document.published_at))
            for p in new if p.delivery.event.publish]  # fmt: skip
    held = frozenset(p.values["index_number"] for p in new if "index_number" in p.values)
    await live_on_creation(uow, site, [c for _, c in live], held)
    inserted = await uow.repo.insert_legacy_documents([p.values for p in new])
    for plan in new:
        plan.doc = doc = inserted[plan.values["legacy_key"]]
        add_revision(uow, doc, plan.actor)
        audit(uow, plan.actor, site_id, "document.imported", "document", doc.id, legacy_key=doc.legacy_key)
    for plan in brought:
        plan.doc = await _rewrite(uow, plan.actor, site_id, plan.doc, plan.values)
    announced = await announce_created(uow, site, [(c, p.doc) for p, c in live])
    return {doc.id: event for doc, event in announced}


async def _rewrite(uow: ContentUnitOfWork, actor: Actor, site_id: str, doc: Row, values: dict) -> Row:
    """A re-run's changes to a document an earlier run brought (a new revision if its content changed)."""
    changed = {k: v for k, v in values.items() if getattr(doc, k) != v}
    if any(name in CONTENT_FIELDS for name in changed):
        changed["revision"] = doc.revision + 1
    doc = await uow.repo.change_document(doc, changed | {"updated_by": actor.id})
    if "revision" in changed:
        add_revision(uow, doc, actor)
    audit(uow, actor, site_id, "document.reimported", "document", doc.id, legacy_key=doc.legacy_key)
    return doc


async def _answer(
    deps: ContentDeps, uow: ContentUnitOfWork, delivery: Delivery, outcome: _Plan | Row | str, files: dict[str, Row],
    published: dict[int, DocumentPublished],
) -> None:  # fmt: skip
    """One staged document's events, under its own correlation: the document's (if it went live) and the answer."""
    event: LegacyDocumentStaged = delivery.event
    if isinstance(outcome, str):
        uow.emit(_refused(event, outcome))
    elif not isinstance(outcome, _Plan):  # unchanged: where its files are public (the URL map asks on every run)
        public = {f.legacy_url: _public_path(files[f.blob_key]) for f in event.document.files if f.blob_key in files}
        uow.emit(_imported(event, outcome, public, changed=False))
    elif outcome.doc.id in published:
        uow.emit(published[outcome.doc.id])
        uow.emit(_imported(event, outcome.doc, outcome.public, changed=True))
    else:
        doc = outcome.doc
        if event.publish:
            at_hand = AtHand(await _site(uow, event.site_id), outcome.channel)
            doc = await go_live(uow, deps, outcome.actor, doc, at=event.document.published_at, at_hand=at_hand)
        uow.emit(_imported(event, doc, outcome.public, changed=True))


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
