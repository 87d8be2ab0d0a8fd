"""Versioned event contracts shared by all services, carried in CloudEvents 1.0 envelopes."""

from shared.events.envelope import CloudEvent, Event, decode_event, encode_event, event_type_registry

__all__ = ["CloudEvent", "Event", "decode_event", "encode_event", "event_type_registry"]
