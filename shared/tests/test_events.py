"""Event contracts: CloudEvents 1.0 envelopes round-trip the typed payloads; unknown types are skipped."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import orjson
import pytest
from pydantic import ValidationError

from shared.events import CloudEvent, Event, decode_event, encode_event, event_type_registry
from shared.events.content import (
    DOCUMENTS_TOPIC,
    AttachmentSnapshot,
    ChannelCreated,
    ChannelDeleted,
    ChannelSnapshot,
    DisclosureSnapshot,
    DocumentExpired,
    DocumentPublished,
    DocumentRef,
    DocumentSnapshot,
    DocumentUpdated,
    DocumentWithdrawn,
    Placement,
    SiteCreated,
    SiteSnapshot,
    SiteUpdated,
)
from shared.events.envelope import envelope_bytes, event_bytes, event_of, parse_envelope, read_message

# No database, broker or bucket involved: nothing to repeat on the real servers.
pytestmark = pytest.mark.embedded_only

CST = timezone(timedelta(hours=8))

HEFEI = SiteSnapshot(
    id="hefei",
    name="合肥市人民政府",
    host_unit="合肥市人民政府办公室",
    site_code="3401000001",
    icp_number="皖ICP备05002528号",
    police_number="皖公网安备34010002000001号",
    main_domain="www.hefei.gov.cn",
    domains=["www.hefei.gov.cn", "hefei.gov.cn"],
    level="city",
    parent_id="ah",
    theme="default",
    status="online",
)
CHANNEL = ChannelSnapshot(
    id=12,
    site_id="hefei",
    parent_id=3,
    name="通知公告",
    slug="tzgg",
    path="zwdt/tzgg",
    kind="list",
    link_url=None,
    description="市政府通知公告",
    keywords=["通知", "公告"],
    position=2,
)
ATTACHMENT = AttachmentSnapshot(
    id=7,
    filename="附件1：申报表.docx",
    content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    size=48213,
    blob_key="sites/hefei/attachments/2026/11/x/附件1：申报表.docx",
    renditions={"pdf": "sites/hefei/r/7.pdf"},
)
DOCUMENT = DocumentSnapshot(
    id=1001,
    site_id="hefei",
    channel_id=12,
    title="合肥市人民政府关于印发《合肥市数字政府建设实施方案》的通知",
    subtitle=None,
    body_html="<p>各县（市、区）人民政府，市政府各部门：</p><p>现将……印发给你们。</p>",
    summary="数字政府建设",
    author="市数据资源局",
    source="合肥市人民政府办公室",
    keywords=["数字政府", "实施方案"],
    cover=None,
    attachments=[ATTACHMENT],
    disclosure=DisclosureSnapshot(
        index_number="003254560/2026-00123",
        document_number="合政〔2026〕15号",
        written_on=date(2026, 11, 2),
        issuing_body="合肥市人民政府",
        topic_category="综合政务",
        subject_words=["政务公开"],
        validity="有效",
    ),
    interpretations=[DocumentRef(id=1002, site_id="hefei", title="图解：数字政府建设实施方案", url_path=None)],
    interprets=[],
    url_path="/zwdt/tzgg/202611/t20261102_1001.html",
    published_at=datetime(2026, 11, 2, 9, 30, tzinfo=CST),
    first_published_at=datetime(2026, 11, 2, 1, 30, tzinfo=UTC),
    expires_at=None,
    revision=3,
)
PLACEMENT = Placement(
    site_id="hefei",
    site_main_domain="www.hefei.gov.cn",
    channel_id=12,
    channel_path="zwdt/tzgg",
    channel_name="通知公告",
    kind="primary",
    url_path=DOCUMENT.url_path,
)
COMMON = {"site_id": "hefei", "aggregate_version": 3}

EVENTS = [
    SiteCreated(aggregate_id="hefei", site=HEFEI, **COMMON),
    SiteUpdated(aggregate_id="hefei", site=HEFEI.model_copy(update={"status": "closed"}), **COMMON),
    ChannelCreated(aggregate_id="12", channel=CHANNEL, site=HEFEI, **COMMON),
    ChannelDeleted(aggregate_id="12", channel=CHANNEL, site=HEFEI, **COMMON),
    DocumentPublished(aggregate_id="1001", document=DOCUMENT, site=HEFEI, placements=[PLACEMENT], **COMMON),
    DocumentUpdated(
        aggregate_id="1001",
        document=DOCUMENT,
        site=HEFEI,
        placements=[PLACEMENT],
        change="placements",
        removed_placements=[PLACEMENT.model_copy(update={"site_id": "feixi", "kind": "repost"})],
        **COMMON,
    ),
    DocumentWithdrawn(
        aggregate_id="1001",
        document=DOCUMENT,
        site=HEFEI,
        placements=[PLACEMENT],
        kind="redirect",
        reason="内容已更新，请访问新版",
        redirect_url="https://www.hefei.gov.cn/new.html",
        **COMMON,
    ),
    DocumentExpired(aggregate_id="1001", document=DOCUMENT, site=HEFEI, placements=[], **COMMON),
]


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: e.type)
def test_events_round_trip_through_the_wire_envelope(event: Event) -> None:
    envelope = encode_event(event, source="/services/content", correlation_id="req-合肥-42")
    raw = envelope_bytes(envelope)
    decoded = decode_event(parse_envelope(raw))
    assert type(decoded) is type(event) and decoded == event
    assert "合肥市人民政府".encode() in raw  # UTF-8 as is, not \u escapes


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: e.type)
def test_the_outbox_writes_the_envelope_byte_for_byte_as_the_model_would(event: Event) -> None:
    """`event_bytes` serialises the payload straight from the model: the same bytes as the envelope's dict gives,
    but for the id and the time, each the envelope's own."""
    event_id, raw = event_bytes(event, source="/services/content", correlation_id="req-合肥-42")
    wire = orjson.loads(raw)
    envelope = encode_event(event, source="/services/content", correlation_id="req-合肥-42")
    expected = orjson.loads(envelope_bytes(envelope))
    assert wire["id"] == event_id and wire.pop("id") != expected.pop("id")
    assert abs(datetime.fromisoformat(wire.pop("time")) - datetime.fromisoformat(expected.pop("time"))).seconds < 1
    assert wire == expected
    assert decode_event(parse_envelope(raw)) == event
    assert raw.startswith(b'{"specversion":"1.0",') and "合肥市人民政府".encode() in raw
    assert "correlationid" not in orjson.loads(event_bytes(event, source="/s")[1])


def test_the_envelope_is_cloudevents_1_0_with_our_extensions() -> None:
    event = EVENTS[4]
    envelope = encode_event(event, source="/services/content", correlation_id="req-42")
    wire = orjson.loads(envelope_bytes(envelope))
    assert wire["specversion"] == "1.0" and wire["datacontenttype"] == "application/json"
    assert wire["type"] == "content.document.published.v1" and wire["source"] == "/services/content"
    assert wire["siteid"] == "hefei" and wire["correlationid"] == "req-42"
    assert wire["subject"] == "documents/1001" and event.topic == DOCUMENTS_TOPIC
    assert datetime.fromisoformat(wire["time"]).utcoffset() == timedelta(0)
    assert wire["data"]["document"]["published_at"] == "2026-11-02T09:30:00+08:00"
    assert wire["data"]["document"]["disclosure"]["validity"] == "有效"
    assert len({encode_event(event, source="/s").id for _ in range(3)}) == 3  # a new id per envelope
    assert "correlationid" not in orjson.loads(envelope_bytes(encode_event(event, source="/s")))


def test_an_unknown_type_decodes_to_none() -> None:
    envelope = encode_event(EVENTS[0], source="/s").model_copy(update={"type": "content.site.renamed.v9"})
    assert decode_event(parse_envelope(envelope_bytes(envelope))) is None


def test_newer_producers_may_add_fields_and_extensions() -> None:
    wire = orjson.loads(envelope_bytes(encode_event(EVENTS[0], source="/s")))
    wire["traceparent"] = "00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"
    wire["data"]["site"]["new_field"] = "新字段"
    wire["data"]["added_later"] = 1
    envelope = parse_envelope(orjson.dumps(wire))
    assert envelope.model_extra["traceparent"].startswith("00-")
    assert decode_event(envelope) == EVENTS[0]


def test_registering_the_same_type_twice_raises() -> None:
    with pytest.raises(TypeError, match="registered twice"):

        class Impostor(Event):
            type = "content.document.published.v1"
            topic = DOCUMENTS_TOPIC

    assert event_type_registry()["content.document.published.v1"] is DocumentPublished


def test_the_registry_knows_every_content_event_and_is_a_copy() -> None:
    registry = event_type_registry()
    for event in EVENTS:
        assert registry[event.type] is type(event)
    registry.clear()
    assert event_type_registry()  # callers cannot unregister types


def test_events_are_validated_and_immutable() -> None:
    with pytest.raises(ValidationError):
        SiteCreated(site_id="hefei", aggregate_id="hefei", aggregate_version=0, site=HEFEI)
    with pytest.raises(ValidationError):
        DocumentWithdrawn(
            aggregate_id="1",
            document=DOCUMENT,
            site=HEFEI,
            placements=[],
            kind="hidden",
            reason=None,
            redirect_url=None,
            **COMMON,
        )
    with pytest.raises(ValidationError):
        EVENTS[0].aggregate_version = 4
    with pytest.raises(ValidationError):
        CloudEvent.model_validate({"id": "1", "source": "/s", "type": "t"})  # no time, siteid, data


def test_the_same_bytes_are_parsed_and_decoded_once() -> None:
    """The in-process bus hands one message's bytes to every group: each parses them to the same envelope and
    typed event; equal bytes of another message (Kafka's, a group's own copy) are parsed for themselves."""
    event = SiteUpdated(site_id="hefei", aggregate_id="hefei", aggregate_version=2, site=HEFEI)
    raw = envelope_bytes(encode_event(event, source="content", correlation_id="相关-1"))
    first, second = read_message(raw), read_message(raw)
    assert first is second and event_of(first) is event_of(second) == event and first.correlationid == "相关-1"
    copy = bytes(bytearray(raw))
    assert copy == raw and copy is not raw
    third = read_message(copy)
    assert third is not first and third.model_dump() == first.model_dump() and event_of(third) == event


@pytest.mark.parametrize("event", EVENTS, ids=lambda e: e.type)
def test_a_known_type_is_read_in_one_pass_to_what_the_generic_envelope_decodes(event: Event) -> None:
    _, raw = event_bytes(event, source="/services/content", correlation_id="req-合肥-42")
    envelope = read_message(raw)
    assert not isinstance(envelope, CloudEvent) and envelope.correlationid == "req-合肥-42"
    assert type(event_of(envelope)) is type(event) and event_of(envelope) == decode_event(parse_envelope(raw)) == event


def test_what_the_one_pass_cannot_read_is_read_the_generic_way() -> None:
    """A payload whose own "type" comes first, a payload its model refuses, a type unknown here: the generic
    envelope is read, and its payload decoded (or refused) only when a consumer that handles it asks."""
    event = EVENTS[0]
    wire = orjson.loads(event_bytes(event, source="/s")[1])
    head = {k: v for k, v in wire.items() if k != "data"}
    data_first = {"data": {"type": "content.document.published.v1", **wire["data"]}, **head}
    envelope = read_message(orjson.dumps(data_first))
    assert isinstance(envelope, CloudEvent) and event_of(envelope) == event
    broken = read_message(orjson.dumps({**wire, "data": {**wire["data"], "aggregate_version": "第一版"}}))
    assert isinstance(broken, CloudEvent) and broken.type == event.type
    with pytest.raises(ValidationError, match="aggregate_version"):
        event_of(broken)
    assert event_of(read_message(orjson.dumps({**wire, "type": "content.site.renamed.v9"}))) is None
    with pytest.raises(ValidationError, match="siteid"):
        read_message(orjson.dumps({k: v for k, v in wire.items() if k != "siteid"}))
