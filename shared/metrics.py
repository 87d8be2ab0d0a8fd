"""Prometheus metrics shared by all services; the `service` label tells them apart in one process."""

from __future__ import annotations

from prometheus_client import CONTENT_TYPE_LATEST, Counter, Gauge, Histogram, generate_latest

HTTP_REQUESTS = Counter(
    "sitegroup_http_requests_total", "HTTP requests handled", ["service", "method", "route", "status"]
)
HTTP_LATENCY = Histogram(
    "sitegroup_http_request_seconds",
    "HTTP request latency",
    ["service", "method", "route"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
OUTBOX_PUBLISHED = Counter("sitegroup_outbox_published_total", "Outbox events published", ["service"])
OUTBOX_PENDING = Gauge("sitegroup_outbox_pending", "Outbox events waiting for the relay", ["service"])
RELAY_FAILURES = Counter("sitegroup_relay_failures_total", "Relay attempts that failed", ["service"])
EVENTS_HANDLED = Counter("sitegroup_events_handled_total", "Events handled by consumers", ["consumer", "type"])
EVENTS_DUPLICATE = Counter("sitegroup_events_duplicate_total", "Redelivered events skipped", ["consumer"])
EVENTS_DEAD_LETTERED = Counter(
    "sitegroup_events_dead_lettered_total", "Events sent to a dead-letter topic (alert on any)", ["group", "topic"]
)


def render_metrics() -> tuple[bytes, str]:
    return generate_latest(), CONTENT_TYPE_LATEST
