"""The relay's table: events/s per target and batch size against the Kafka target, where a batch's time
went, whether every event arrived, and what the payloads were."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from bench.common import console, fmt
from bench.relay import KAFKA_TARGET
from bench.relay.outbox import Template

COLUMNS = (
    "outbox → bus",
    "batch",
    "events",
    "events/s",
    "target",
    "batch p50 / p99 ms",
    "per batch ms: SELECT / publish / UPDATE / rest",
    "delivered",
    "fill rows/s",
)


def print_results(results: list[dict[str, Any]], templates: list[Template]) -> None:
    """The table, what its phases mean, and the payloads the rows were copied from."""
    table = Table(title="bench.relay — OutboxRelay.relay_once() until the outbox is empty")
    for column in COLUMNS:
        table.add_column(column, justify="left" if column in ("outbox → bus", "target") else "right")
    for r in results:
        table.add_row(*_cells(r))
    console.print(table)
    sizes = [len(t.payload) for t in templates]
    console.print(
        "[dim]SELECT and UPDATE = the statements' cursor execute (driver round trip); rest = fetching the "
        "rows, building messages, checkouts and commits, the relay's own Python[/]"
    )
    console.print(
        f"payloads: real content.document.published.v1 CloudEvents, {len(templates)} distinct, "
        f"{min(sizes):,}–{max(sizes):,} bytes (mean {sum(sizes) / len(sizes):,.0f}); each row gets a fresh event id"
    )


def _cells(r: dict[str, Any]) -> list:
    target = KAFKA_TARGET if r["target"].endswith(":kafka") else None
    phases = r["per_batch_ms"]
    return [
        r["label"],
        str(r["batch_size"]),
        f"{r['events']:,}",
        fmt(r["events_per_s"], 0),
        target.verdict(r["events_per_s"]) if target else "–",
        f"{fmt(r['batch_ms']['p50'])} / {fmt(r['batch_ms']['p99'])}",
        f"{fmt(phases['select'])} / {fmt(phases['publish'])} / {fmt(phases['update'])} / {fmt(phases['rest'])}",
        f"{r['delivered']:,}" + (" ✗" if r["delivered"] != r["events"] or r["left_pending"] else ""),
        fmt(r["fill_rows_per_s"], 0),
    ]
