"""The events the content service emits, with the full snapshots consumers need (they never call back)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import Row

from services.content.lifecycle import is_live
from services.content.models import Attachment, Channel, Site, document_content
from services.content.repository import ContentRepository
from services.content.sanitize import excerpt, html_to_text
from shared.events.content import (
    AttachmentSnapshot,
    ChannelSnapshot,
    DisclosureSnapshot,
    DocumentEvent,
    DocumentRef,
    DocumentSnapshot,
    SiteSnapshot,
)
from shared.events.content import (
    Placement as PlacementSnapshot,
)


def _main_host(hosts: list[tuple[str, bool]]) -> str:
    return next((host for host, is_main in hosts if is_main), "")


async def site_snapshot(repo: ContentRepository, site: Site | Row) -> SiteSnapshot:
    hosts = await repo.site_hosts(site)
    main = _main_host(hosts)
    return SiteSnapshot(
        id=site.id,
        name=site.name,
        host_unit=site.host_unit,
        site_code=site.site_code,
        icp_number=site.icp_number,
        police_number=site.police_number,
        main_domain=main,
        domains=[host for host, _ in hosts],
        level=site.level,
        parent_id=site.parent_id,
        theme=site.theme,
        lang=site.lang,
        status=site.status,
        abbreviation=site.abbreviation,
        contact_phone=site.contact_phone,
        contact_email=site.contact_email,
        contact_address=site.contact_address,
        successor_id=site.successor_id,
    )


def channel_snapshot(channel: Channel) -> ChannelSnapshot:
    return ChannelSnapshot(
        id=channel.id,
        site_id=channel.site_id,
        parent_id=channel.parent_id,
        name=channel.name,
        slug=channel.slug,
        path=channel.path,
        kind=channel.kind,
        link_url=channel.link_url,
        description=channel.description,
        keywords=list(channel.keywords),
        position=channel.position,
    )


def attachment_snapshot(a: Attachment) -> AttachmentSnapshot:
    return AttachmentSnapshot(
        id=a.id,
        public_id=a.public_id,
        filename=a.filename,
        content_type=a.content_type,
        size=a.size,
        blob_key=a.blob_key,
        renditions=dict(a.renditions),
    )


async def placement_snapshots(repo: ContentRepository, doc_id: int) -> list[PlacementSnapshot]:
    return [
        PlacementSnapshot(
            site_id=p.site_id,
            site_main_domain=p.host or "",
            channel_id=p.channel_id,
            channel_path=p.path,
            channel_name=p.name,
            kind=p.kind,
            url_path=p.url_path or "",
        )
        for p in await repo.placement_rows(doc_id)
    ]


async def primary_placement_snapshot(repo: ContentRepository, site: Row, channel: Row, doc: Row) -> PlacementSnapshot:
    """A document's placement in its own channel, from what the publisher has at hand (no query)."""
    return PlacementSnapshot(
        site_id=doc.site_id,
        site_main_domain=_main_host(await repo.site_hosts(site)),
        channel_id=channel.id,
        channel_path=channel.path,
        channel_name=channel.name,
        kind="primary",
        url_path=doc.url_path or "",
    )


async def _refs(repo: ContentRepository, ids: list[int]) -> list[DocumentRef]:
    docs = await repo.document_rows(ids)
    return [
        DocumentRef(id=d.id, site_id=d.site_id, title=d.live_title or d.title, url_path=d.url_path)
        for d in (docs[i] for i in ids if i in docs)
        if is_live(d)
    ]


async def document_snapshot(
    repo: ContentRepository, doc: Row, content: dict, links: list[Row] | None = None,
    files: dict[int, Row] | None = None,
) -> DocumentSnapshot:  # fmt: skip
    """The live face of a document: its live revision's content plus its current public attributes (its links
    and files, unless the caller knows them: a document a migration just created has no links, and the batch
    it came in read its files at once)."""
    if files is None:
        ids = [i for i in [content.get("cover_id"), *content.get("attachment_ids", [])] if i]
        files = await repo.attachments(ids, site_id=doc.site_id)
    cover = files.get(content.get("cover_id") or 0)
    written_on = content.get("written_on")
    links = links if links is not None else await repo.links_of(doc.id)
    return DocumentSnapshot(
        id=doc.id,
        site_id=doc.site_id,
        channel_id=content["channel_id"],
        title=content["title"],
        subtitle=content.get("subtitle"),
        body_html=content["body_html"],
        summary=content.get("summary") or excerpt(html_to_text(content["body_html"]), 120),
        author=content.get("author"),
        source=content.get("source"),
        keywords=content.get("keywords", []),
        cover=attachment_snapshot(cover) if cover else None,
        attachments=[attachment_snapshot(files[i]) for i in content.get("attachment_ids", []) if i in files],
        disclosure=DisclosureSnapshot(
            index_number=doc.index_number or "",
            document_number=content.get("document_number"),
            written_on=date.fromisoformat(written_on) if written_on else None,
            issuing_body=content.get("issuing_body"),
            topic_category=content.get("topic_category"),
            subject_words=content.get("subject_words", []),
            validity=doc.validity,
            validity_note=doc.validity_note,
            replaced_by=next(iter(await _refs(repo, [doc.replaced_by_id] if doc.replaced_by_id else [])), None),
        ),
        interpretations=await _refs(repo, [link.interpretation_id for link in links if link.policy_id == doc.id]),
        interprets=await _refs(repo, [link.policy_id for link in links if link.interpretation_id == doc.id]),
        url_path=doc.url_path or "",
        published_at=doc.published_at,
        first_published_at=doc.first_published_at,
        expires_at=doc.expires_at,
        revision=doc.live_revision or doc.revision,
    )


async def document_event(
    repo: ContentRepository,
    event_type: type[DocumentEvent],
    doc: Row,
    *,
    site: Row | None = None,
    placements: list[PlacementSnapshot] | None = None,
    links: list[Row] | None = None,
    files: dict[int, Row] | None = None,
    site_face: SiteSnapshot | None = None,
    **extra: object,
) -> DocumentEvent:
    """Build any document event from the document's live revision (its site, the site's snapshot and the
    placements if the caller has them: a batch of a site's documents builds the site's snapshot once)."""
    live = doc.live_revision or doc.revision
    content = document_content(doc) if live == doc.revision else (await repo.revision(doc.id, live)).content
    site = site or await repo.site_row(doc.site_id)
    return event_type(
        site_id=doc.site_id,
        aggregate_id=str(doc.id),
        aggregate_version=doc.version,
        document=await document_snapshot(repo, doc, content, links, files),
        site=site_face or await site_snapshot(repo, site),
        placements=placements if placements is not None else await placement_snapshots(repo, doc.id),
        **extra,
    )
