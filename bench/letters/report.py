"""The tables bench.letters prints, and the verdict on "none lost"."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from bench.common import console, fmt
from bench.letters import P99_TARGET, THROUGHPUT_TARGET
from bench.publish import CONFIGS


def losses(r: dict[str, Any]) -> dict[str, int]:
    """Each must be 0: answered 201 but not stored, stored but its event never reached the collector, refused."""
    return {
        "201_minus_stored": r["created_201"] - r["stored"]["letters"],
        "stored_minus_events": r["stored"]["letters"] - r["events"],
        "errors": r["errors"],
        "receipts_repeated": r["created_201"] - r["distinct_receipts"],
    }


def failures(r: dict[str, Any]) -> list[str]:
    """What broke "none lost", for the FAIL line and the exit status."""
    return [f"{what} = {count}" for what, count in losses(r).items() if count]


def verdict(target: Any, value: float) -> Any:
    """The issue's targets are for SQLite; other configurations show none."""
    return target.verdict(value) if target else "–"


def throughput_verdict(name: str, r: dict[str, Any]) -> Any:
    """The capacity target is read closed-loop: an open loop's throughput is the rate it was given."""
    return "– (open loop)" if r["rate"] else verdict(THROUGHPUT_TARGET.get(name), r["letters_per_s"])


def quartet(s: dict[str, float], keys: tuple[str, ...] = ("p50", "p90", "p99", "max")) -> str:
    """The latency figures the issue asks for, in one cell."""
    return " / ".join(fmt(s.get(k)) for k in keys) if s.get("n") else "–"


def result_table(name: str, r: dict[str, Any]) -> Table:
    """One configuration's figures, the targets beside the two the issue names."""
    where = "unpinned" if r["unpinned"] else "server on core 0, load generator on core 1"
    table = Table(title=f"bench.letters — {CONFIGS[name]} — HTTP/1.1 keep-alive, {where}")
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("target")
    add_headline_rows(table, name, r)
    add_count_rows(table, r)
    table.add_row(
        "201 answered → its event at the collector p50 / p90 / p99 / max (ms)", quartet(r["answer_to_event_ms"]), ""
    )
    table.add_row("measured wall time (s)", fmt(r["seconds"], 2), "")
    add_cpu_rows(table, r)
    table.add_row("server start: migrations + desk opened until /readyz (s)", fmt(r["ready_seconds"], 2), "")
    return table


def add_headline_rows(table: Table, name: str, r: dict[str, Any]) -> None:
    """Throughput and latency first: what the issue asks; then how they were loaded."""
    table.add_row("letters/s (201s over the measured wall time)", fmt(r["letters_per_s"]), throughput_verdict(name, r))
    since = "its scheduled start" if r["rate"] else "sending it"
    table.add_row(
        f"submission latency from {since} to the 201, p50 / p90 / p99 / max (ms)",
        quartet(r["latency_ms"]),
        verdict(P99_TARGET.get(name), r["latency_ms"].get("p99", float("nan"))),
    )
    if r["rate"]:
        table.add_row("open loop: letters offered per second", fmt(r["rate"]), "")
    loaded = f"{r['concurrency']} · {r['measured_201']} of {r['measured_sent']} · {r['warmup_201']}"
    table.add_row("submitters (one connection each) · measured letters · warm-up", loaded, "")


def add_count_rows(table: Table, r: dict[str, Any]) -> None:
    """All letters of the run (warm-up included): sent, 201, stored, events; then the differences."""
    stored, lost = r["stored"], losses(r)
    table.add_row(
        "sent · 201 · rows in letters · received events at the collector (all, warm-up included)",
        f"{r['sent']} · {r['created_201']} · {stored['letters']} · {r['events']}",
        "",
    )
    ok = not any(lost.values())
    table.add_row(
        "lost: 201 − stored · stored − events · errors",
        " · ".join(str(v) for v in list(lost.values())[:3]),
        "[green]0 · 0 · 0 ✓[/]" if ok else "[bold red]0 · 0 · 0 ✗[/]",
    )
    table.add_row(
        "event messages · repeats (at-least-once) · outbox rows of received · outbox still pending",
        f"{r['event_messages']} · {r['event_repeats']} · {stored['outbox_received']} · {stored['outbox_pending']}",
        "",
    )
    table.add_row("mails queued (no SMTP relay: they stay in their table)", str(stored["mails"]), "")


def add_cpu_rows(table: Table, r: dict[str, Any]) -> None:
    """The server's CPU, and what else ran, so a disturbed run shows it."""
    cpu, per_letter = r["cpu"], 1000 * r["server_cpu_seconds"] / max(1, r["measured_201"])
    table.add_row(
        "server CPU s (process tree) · ms per letter", f"{fmt(r['server_cpu_seconds'], 2)} · {fmt(per_letter, 2)}", ""
    )
    table.add_row(
        "CPU % (100 = one core): server · load generator", f"{fmt(cpu['server_pct'])} · {fmt(cpu['loadgen_pct'])}", ""
    )
    if "postgresql_pct" in cpu or "kafka_pct" in cpu:
        table.add_row(
            "CPU %: PostgreSQL (all its processes) · Kafka broker",
            f"{fmt(cpu.get('postgresql_pct'))} · {fmt(cpu.get('kafka_pct'))}",
            "",
        )
    table.add_row(
        "CPU %: core 0 · core 1 · any other process",
        f"{fmt(cpu.get('cpu0_pct'))} · {fmt(cpu.get('cpu1_pct'))} · {fmt(cpu['other_pct'])}",
        "",
    )


def print_result(name: str, r: dict[str, Any]) -> None:
    """The table, then warnings and a clear FAIL line when a letter was lost or refused."""
    console.print(result_table(name, r))
    if r["cpu"]["other_pct"] > 15:
        console.print(f"[yellow]other processes used {fmt(r['cpu']['other_pct'])} % of a core: figures disturbed[/]")
    for sample in r["error_samples"]:
        console.print(f"[red]error:[/] {sample}", markup=False)
    if failures(r):
        console.print(f"[bold red]FAIL ({name}): letters lost or refused: {', '.join(failures(r))}[/]")


def print_summary(results: dict[str, dict[str, Any]]) -> None:
    """Both configurations side by side when both ran."""
    table = Table(title="bench.letters — summary")
    for column in ("configuration", "letters/s", "p50 / p90 / p99 / max ms", "201 · stored · events", "lost"):
        table.add_column(column, justify="left" if column == "configuration" else "right")
    for name, r in results.items():
        counts = f"{r['created_201']} · {r['stored']['letters']} · {r['events']}"
        table.add_row(
            CONFIGS[name],
            fmt(r["letters_per_s"]),
            quartet(r["latency_ms"]),
            counts,
            "none" if not failures(r) else ", ".join(failures(r)),
        )
    console.print(table)
