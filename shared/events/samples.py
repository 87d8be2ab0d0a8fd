"""Content events as the content service publishes them (the shared contracts), for the tests of the services
that follow them: sample sites, channels and documents, and a feeder that puts them on a bus."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.bus import EventBus, Message
from shared.events.content import (
    ChannelCreated,
    ChannelSnapshot,
    DisclosureSnapshot,
    DocumentEvent,
    DocumentPublished,
    DocumentRef,
    DocumentSnapshot,
    Placement,
    SiteCreated,
    SiteSnapshot,
)
from shared.events.envelope import Event, encode_event, envelope_bytes

BODY = (
    "<p>为深入贯彻落实《国务院办公厅关于印发政府网站发展指引的通知》精神，进一步加强全省政府网站建设管理，"
    "不断提升政府网站权威性和影响力，现就有关事项通知如下。</p>"
    "<p>各地各部门要高度重视政府网站建设管理工作，明确专人负责日常维护，确保信息发布及时、准确、权威。</p>"
)
CHANNELS = [  # id, parent, slug, path, name, kind
    (1, None, "zwdt", "zwdt", "政务动态", "list"),
    (2, 1, "yw", "zwdt/yw", "要闻动态", "list"),
    (3, 1, "tzgg", "zwdt/tzgg", "通知公告", "list"),
    (4, None, "zfxxgk", "zfxxgk", "政府信息公开", "list"),
    (5, 4, "zcwj", "zfxxgk/zcwj", "政策文件", "list"),
    (6, None, "zcjd", "zcjd", "政策解读", "list"),
    (7, None, "gk", "gk", "概况信息", "page"),
    (8, None, "zt", "zt", "优化营商环境专题", "topic"),
]


def site(
    site_id: str,
    name: str,
    code: str,
    *,
    status: str = "online",
    domains: tuple[str, ...] = (),
    level: str = "city",
    parent_id: str | None = None,
    theme: str = "default",
    lang: str = "zh-CN",
) -> SiteSnapshot:
    main = f"www.{site_id}.gov.cn"
    return SiteSnapshot(
        id=site_id,
        name=name,
        host_unit=f"{name}办公室",
        site_code=code,
        icp_number="皖ICP备05001925号",
        police_number="皖公网安备 34010002000001号",
        main_domain=main,
        domains=[main, *domains],
        level=level,
        parent_id=parent_id,
        theme=theme,
        status=status,
        contact_phone="0551-63538000",
        lang=lang,
    )


class Feeder:
    """Publishes events on the service's bus and remembers aggregate versions, as the content service would."""

    def __init__(self, bus: EventBus) -> None:
        self.bus = bus
        self.versions: dict[str, int] = {}
        self.ids = itertools.count(100)
        self.clock = datetime(2026, 11, 2, 1, 30, tzinfo=UTC)

    def next_version(self, key: str) -> int:
        self.versions[key] = self.versions.get(key, 0) + 1
        return self.versions[key]

    async def send(self, *events: Event) -> None:
        messages = [
            Message(e.topic, e.aggregate_id, envelope_bytes(encode_event(e, source="/content")), ()) for e in events
        ]
        await self.bus.publish_batch(messages)

    async def open_site(self, snapshot: SiteSnapshot) -> dict[str, int]:
        version = self.next_version(f"site:{snapshot.id}")
        events: list[Event] = [
            SiteCreated(site_id=snapshot.id, aggregate_id=snapshot.id, aggregate_version=version, site=snapshot)
        ]
        offset = hash(snapshot.id) % 1000 * 100
        for cid, parent, slug, path, name, kind in CHANNELS:
            channel = ChannelSnapshot(
                id=offset + cid,
                site_id=snapshot.id,
                parent_id=offset + parent if parent else None,
                name=name,
                slug=slug,
                path=path,
                kind=kind,
                link_url=None,
                description=f"{name}栏目",
                keywords=[name],
                position=cid,
            )
            events.append(
                ChannelCreated(
                    site_id=snapshot.id,
                    aggregate_id=str(channel.id),
                    aggregate_version=1,
                    channel=channel,
                    site=snapshot,
                )
            )
        await self.send(*events)
        return {path: offset + cid for cid, _, _, path, _, _ in CHANNELS}

    def document(
        self,
        owner: SiteSnapshot,
        channel: tuple[int, str],
        title: str,
        *,
        reposts: list[tuple[SiteSnapshot, int, str]] = (),
        topic: str | None = None,
        validity: str = "有效",
        issuing_body: str | None = None,
        published: datetime | None = None,
        **fields: Any,
    ) -> DocumentSnapshot:
        doc_id = next(self.ids)
        self.clock += timedelta(hours=1)
        at = published or self.clock
        path = f"/{channel[1]}/{at:%Y%m}/t{at:%Y%m%d}_{doc_id}.html"
        disclosure = DisclosureSnapshot(
            index_number=f"003254560/{at:%Y}-{doc_id:05d}",
            document_number="合政办〔2026〕12号",
            written_on=at.date(),
            issuing_body=issuing_body or owner.host_unit,
            topic_category=topic,
            subject_words=["政府网站", "管理"],
            validity=validity,
        )
        snapshot = DocumentSnapshot(
            id=doc_id,
            site_id=owner.id,
            channel_id=channel[0],
            title=title,
            subtitle=None,
            body_html=BODY,
            summary="加强政府网站建设管理",
            author="李建华",
            source=owner.host_unit,
            keywords=["政府网站"],
            cover=None,
            attachments=[],
            disclosure=disclosure,
            interpretations=[],
            interprets=[],
            url_path=path,
            published_at=at,
            first_published_at=at,
            expires_at=None,
            revision=1,
        )
        snapshot = snapshot.model_copy(update=fields)
        placements = [
            Placement(
                site_id=owner.id,
                site_main_domain=owner.main_domain,
                channel_id=channel[0],
                channel_path=channel[1],
                channel_name=channel[1],
                kind="primary",
                url_path=path,
            )
        ]
        for other, cid, cpath in reposts:
            placements.append(
                Placement(
                    site_id=other.id,
                    site_main_domain=other.main_domain,
                    channel_id=cid,
                    channel_path=cpath,
                    channel_name=cpath,
                    kind="repost",
                    url_path=f"/{cpath}/{at:%Y%m}/t{at:%Y%m%d}_{doc_id}.html",
                )
            )
        self._placements = getattr(self, "_placements", {})
        self._placements[doc_id] = (owner, placements)
        return snapshot

    def event(self, event_type: type[DocumentEvent], doc: DocumentSnapshot, **extra: Any) -> DocumentEvent:
        owner, placements = self._placements[doc.id]
        version = self.next_version(f"doc:{doc.id}")
        return event_type(
            site_id=owner.id,
            aggregate_id=str(doc.id),
            aggregate_version=version,
            document=doc,
            site=owner,
            placements=extra.pop("placements", placements),
            **extra,
        )

    async def publish(self, doc: DocumentSnapshot) -> DocumentEvent:
        event = self.event(DocumentPublished, doc)
        await self.send(event)
        return event


def message(event: Event) -> Message:
    """The event as the relay puts it on the bus; publishing the same Message twice is a redelivery."""
    return Message(event.topic, event.aggregate_id, envelope_bytes(encode_event(event, source="/content")), ())


def ref(doc: DocumentSnapshot) -> DocumentRef:
    return DocumentRef(id=doc.id, site_id=doc.site_id, title=doc.title, url_path=doc.url_path)


async def eventually(check: Callable[[], Awaitable[bool]], timeout: float = 15.0) -> None:
    """Events reach the renderer asynchronously (through Kafka, too): wait for their effect."""
    async with asyncio.timeout(timeout):
        while True:
            if await check():
                return
            await asyncio.sleep(0.02)
