"""The event bus: one interface, an in-process implementation and a Kafka one, chosen by URL."""

from __future__ import annotations

from shared.bus.base import BusUnavailable, EventBus, Handler, Message, dead_letter_topic


def create_bus(url: str, *, client_id: str = "sitegroup", max_retries: int = 3) -> EventBus:
    """`memory://` in the consolidated process; `kafka://host:port[,host:port][?namespace=x]` when distributed."""
    if url.startswith("memory://"):
        from shared.bus.memory import MemoryBus

        return MemoryBus(max_retries=max_retries)
    if url.startswith("kafka://"):
        from urllib.parse import parse_qs, urlsplit

        from shared.bus.kafka import KafkaBus

        parts = urlsplit(url)
        namespace = parse_qs(parts.query).get("namespace", [""])[0]
        return KafkaBus(parts.netloc, client_id=client_id, max_retries=max_retries, namespace=namespace)
    raise ValueError(f"unsupported bus URL {url!r}: use memory:// or kafka://host:port")


__all__ = ["BusUnavailable", "EventBus", "Handler", "Message", "create_bus", "dead_letter_topic"]
