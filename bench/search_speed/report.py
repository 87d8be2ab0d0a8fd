"""The tables: indexing, queries (each engine side by side), freshness; with the issue's targets."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from bench.common import Target, fmt
from bench.search_speed import TARGETS

MB = 1024 * 1024


def _verdict(target: Target, value: float | None) -> Text | str:
    if value is None or value != value:
        return ""
    return target.verdict(value)


def indexing_table(runs: dict[str, Any]) -> Table:
    table = Table(title="Indexing (in-process: events on the memory bus → consumer → indexer → engine)")
    heads = ("engine", "docs", "s", "docs/s", "events handled s", "drain after s", "process CPU %", "index MB")
    for name in (*heads, "bytes/doc", "SQLite MB", "load 1m before→after"):
        table.add_column(name, justify="left" if name == "engine" else "right")
    table.add_column(f"target {TARGETS['index'].label()}")
    for engine, run in runs.items():
        f = run.get("indexing")
        if not f:
            continue
        table.add_row(
            engine,
            f"{f['docs']:,}",
            fmt(f["seconds"], 0),
            fmt(f["docs_per_s"], 0),
            fmt(f["events_handled_s"], 0),
            fmt(f["drain_after_events_s"], 0),
            fmt(f["process_cpu_pct"], 0),
            fmt(f["index_bytes"] / MB, 0),
            fmt(f["index_bytes"] / f["docs"], 0),
            fmt(f["database_bytes"] / MB, 0),
            _load(run.get("load", {}).get("indexing")),
            _verdict(TARGETS["index"], f["docs_per_s"]),
        )
    return table


def query_table(runs: dict[str, Any], docs: int) -> Table:
    table = Table(title=f"Queries over HTTP, {docs:,} documents (two-word queries, 10 results, snippets, facets)")
    heads = ("engine", "query · load", "p50 ms", "p99 ms", "max ms", "queries/s", "server CPU ms/q", "server %")
    for name in (*heads, "ES %", "others %", "target"):
        table.add_column(name, justify="left" if name in ("engine", "query · load", "target") else "right")
    for engine, run in runs.items():
        rows = run.get("queries") or {}
        for name, row in rows.items():
            if not isinstance(row, dict) or "qps" not in row:  # the checks and counters beside the rows
                continue
            cpu = row["cpu"]
            table.add_row(
                engine,
                f"{name} ({row['connections']})" if "saturated" in name else name,
                fmt(row["p50"], 2),
                fmt(row["p99"], 2),
                fmt(row["max"], 2),
                fmt(row["qps"], 0),
                fmt(row["server_cpu_ms_per_query"], 2),
                fmt(cpu["server_pct"], 0),
                fmt(cpu.get("elasticsearch_pct"), 0),
                fmt(cpu["other_pct"], 0),
                _query_verdict(engine, name, row),
            )
    return table


def _query_verdict(engine: str, name: str, row: dict[str, Any]) -> Text | str:
    if engine != "embedded" or not name.startswith("group"):
        return ""
    if name.endswith("1 connection"):
        return _verdict(TARGETS["p99"], row["p99"])
    return _verdict(TARGETS["qps"], row["qps"])


def freshness_table(runs: dict[str, Any]) -> Table:
    table = Table(title="Freshness: publish one document → the search API lists it")
    for name in ("engine", "bus", "documents", "p50 ms", "p95 ms", "p99 ms", "max ms", "polls per document"):
        table.add_column(name, justify="left" if name in ("engine", "bus") else "right")
    table.add_column("target")
    for engine, run in runs.items():
        for key, bus, target in (("freshness", "in-process", "fresh"), ("freshness_kafka", "Kafka", "fresh_kafka")):
            f = run.get(key)
            if not f:
                continue
            v = f["visible"]
            table.add_row(
                engine,
                bus,
                str(f["documents"]),
                fmt(v["p50"], 1),
                fmt(v["p95"], 1),
                fmt(v["p99"], 1),
                fmt(v["max"], 1),
                fmt(f["polls_mean"], 1),
                _verdict(TARGETS[target], v["p99"]),
            )
    return table


def _load(pair: Any) -> str:
    if not pair:
        return "–"
    return f"{pair[0]:.2f}→{pair[1]:.2f}"


def checks(runs: dict[str, Any]) -> list[str]:
    """One line per engine: how many queries found something (the AND, or the OR fallback)."""
    lines = []
    for engine, run in runs.items():
        rows = run.get("queries") or {}
        for scope in ("group", "site"):
            c = rows.get(f"{scope} check")
            if c:
                lines.append(
                    f"{engine} {scope} scope: {c['with_hits']}/{c['queries']} queries find something, "
                    f"mean total {c['mean_total']:,.0f}; statuses {c['statuses']}"
                )
    return lines
