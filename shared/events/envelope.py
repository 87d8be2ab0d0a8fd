"""CloudEvents 1.0 structured-mode envelope and the base of every event payload model."""

from __future__ import annotations

import re
from collections import OrderedDict
from datetime import UTC, datetime
from typing import Any, ClassVar, Literal

import orjson
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, create_model

from shared.events.ids import time_ordered_id

_REGISTRY: dict[str, type[Event]] = {}
# The in-process bus hands one message's bytes to every group that follows its topic: the last ones read are
# kept, so that each is parsed and validated once, not once per group (the Kafka bus's bytes are never the same).
RECENT_ENVELOPES = 1024
_recent: OrderedDict[int, tuple[bytes, EnvelopeHead]] = OrderedDict()
_TYPE = re.compile(rb'"type"\s*:\s*"([^"\\]{1,200})"')  # the envelope's type, first in our producers' bytes
_TYPED: dict[str, type[EnvelopeHead] | None] = {}  # by event type: its envelope with the event model as data


class Event(BaseModel):
    """An event payload; subclasses name their CloudEvents `type` and the topic of their aggregate family."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    type: ClassVar[str]
    topic: ClassVar[str]

    site_id: str = Field(description="the tenant the aggregate belongs to")
    aggregate_id: str = Field(description="the message key: one aggregate's events stay in order")
    aggregate_version: int = Field(ge=1, description="consumers drop events older than what they have")

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        event_type = cls.__dict__.get("type")
        if isinstance(event_type, str):
            if event_type in _REGISTRY:
                raise TypeError(f"event type {event_type} registered twice")
            _REGISTRY[event_type] = cls

    @property
    def subject(self) -> str:
        return f"{self.topic.split('.', 1)[-1]}/{self.aggregate_id}"


class EnvelopeHead(BaseModel):
    """What a consumer reads of an envelope besides its payload."""

    model_config = ConfigDict(extra="allow")

    specversion: str = "1.0"
    id: str
    source: str
    type: str
    time: datetime
    subject: str | None = None
    datacontenttype: str = "application/json"
    siteid: str
    correlationid: str | None = None


class CloudEvent(EnvelopeHead):
    """The wire envelope (structured JSON mode) with our `siteid` and `correlationid` extensions."""

    data: dict[str, Any]
    _event: Event | None = PrivateAttr(default=None)  # the typed payload, once decoded (events are frozen)


def event_type_registry() -> dict[str, type[Event]]:
    return dict(_REGISTRY)


def encode_event(event: Event, *, source: str, correlation_id: str | None = None) -> CloudEvent:
    # model_construct: every field is ours and already valid; validating the snapshot again is pure cost.
    return CloudEvent.model_construct(
        specversion="1.0",
        datacontenttype="application/json",
        id=time_ordered_id(),
        source=source,
        type=event.type,
        time=datetime.now(UTC),
        subject=event.subject,
        siteid=event.site_id,
        correlationid=correlation_id,
        data=event.model_dump(mode="json"),
    )


def envelope_bytes(envelope: CloudEvent) -> bytes:
    """Structured-mode JSON; `data` is already JSON-ready, so it is written as it is."""
    fields = {name: getattr(envelope, name) for name in CloudEvent.model_fields if name != "data"}
    return orjson.dumps({**{k: v for k, v in fields.items() if v is not None}, "data": envelope.data})


def event_bytes(event: Event, *, source: str, correlation_id: str | None = None) -> tuple[str, bytes]:
    """A new envelope's id and bytes, as `envelope_bytes(encode_event(…))` writes them, the payload serialised by
    pydantic straight to JSON: a published document's dict of its data, built only to be serialised, cost the
    outbox more than the serialising did."""
    event_id = time_ordered_id()
    head = {"specversion": "1.0", "id": event_id, "source": source, "type": event.type, "time": datetime.now(UTC),
            "subject": event.subject, "datacontenttype": "application/json", "siteid": event.site_id}  # fmt: skip
    if correlation_id is not None:
        head["correlationid"] = correlation_id
    data = event.__pydantic_serializer__.to_json(event)
    return event_id, b"".join((orjson.dumps(head)[:-1], b',"data":', data, b"}"))


def parse_envelope(raw: bytes) -> CloudEvent:
    """The envelope of a message, its payload as JSON-ready data (tools and tests; consumers `read_message`)."""
    return CloudEvent.model_validate_json(raw)


def read_message(raw: bytes) -> EnvelopeHead:
    """A message's envelope, its payload typed when its type is known (`event_of`). The same bytes read a moment
    ago give the same (read-only) envelope: the in-process bus hands them to every group that follows the topic."""
    known = _recent.get(id(raw))
    if known is not None and known[0] is raw:  # kept with its bytes: an id is not reused while they live
        return known[1]
    envelope = _read(raw)
    _recent[id(raw)] = (raw, envelope)
    if len(_recent) > RECENT_ENVELOPES:
        _recent.popitem(last=False)
    return envelope


def event_of(envelope: EnvelopeHead) -> Event | None:
    """The typed payload of a `read_message` envelope (None: a type this process does not know)."""
    return decode_event(envelope) if isinstance(envelope, CloudEvent) else envelope.data


def _read(raw: bytes) -> EnvelopeHead:
    """A known type's envelope validated in one pass from the bytes into its event model: half the CPU of the
    generic envelope's dict validated again (8-10 % of the loop in a bulk import). What does not fit it (a payload
    that is not valid, or the first "type" found was not the envelope's) is read the generic way: its envelope
    is checked now, its payload when a consumer that handles the type decodes it, as before."""
    found = _TYPE.search(raw)
    typed = _typed_envelope(found.group(1).decode()) if found else None
    if typed is not None:
        try:
            return typed.model_validate_json(raw)
        except ValidationError:
            pass
    return CloudEvent.model_validate_json(raw)


def _typed_envelope(event_type: str) -> type[EnvelopeHead] | None:
    if event_type not in _TYPED:
        model = _REGISTRY.get(event_type)
        _TYPED[event_type] = model and create_model(
            f"{model.__name__}Envelope", __base__=EnvelopeHead, type=(Literal[event_type], ...), data=(model, ...)
        )
    return _TYPED[event_type]


def decode_event(envelope: CloudEvent) -> Event | None:
    """The typed payload, or None when this process does not know the type (newer producer)."""
    # The private attribute read from pydantic's own dict: `envelope._event` goes through BaseModel.__getattr__,
    # whose probing raised and caught an AttributeError on every read (2% of the loop during an import).
    private = envelope.__pydantic_private__
    if private["_event"] is None:
        model = _REGISTRY.get(envelope.type)
        private["_event"] = model.model_validate(envelope.data) if model else None
    return private["_event"]
