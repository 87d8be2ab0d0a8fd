"""The tables bench.publish prints: throughput, latency, SQL per document, and a summary of the configurations."""

from __future__ import annotations

from typing import Any

from rich.table import Table

from bench.common import console, fmt
from bench.publish import CALLS, P99_TARGET, THROUGHPUT_TARGET


def throughput_verdict(name: str, r: dict[str, Any]) -> str:
    """The capacity target is read closed-loop over HTTP; in-process the load generator shares the server's
    loop (and core), and an open loop's throughput is the rate it was given."""
    target = THROUGHPUT_TARGET.get(name)
    if target is None:
        return "–"
    if r.get("mode") != "http":
        return "– (read over HTTP: here the client shares the loop)"
    if "open_loop" in r:
        return "– (open loop)"
    return target.verdict(r["docs_per_s"])


def print_result(name: str, r: dict[str, Any]) -> None:
    http = r.get("mode") == "http"
    console.print(throughput_table(name, r))
    if http and r["cpu"]["other_pct"] > 15:
        console.print(
            f"[yellow]other processes used {fmt(r['cpu']['other_pct'])} % of a core during the run: "
            "figures may be disturbed[/]"
        )
    for sample in r["error_samples"]:
        console.print(f"[red]error:[/] {sample}")
    console.print(latency_table(name, r))
    if http:
        console.print(
            "[dim]SQL per call: not measured in http mode (it needs in-process hooks on the service's engine); "
            "run --mode inprocess for that table[/]"
        )
    else:
        print_sql(name, r)


def throughput_title(r: dict[str, Any]) -> str:
    title = f"throughput — {r['config']}"
    if r.get("mode") != "http":
        return title
    pinned = r["pinned"]
    where = (
        f"server on core {pinned['server']}, load generator on core {pinned['load_generator']}"
        if pinned
        else "unpinned"
    )
    return f"{title} — HTTP/1.1 keep-alive, {where}"


def throughput_table(name: str, r: dict[str, Any]) -> Table:
    http = r.get("mode") == "http"
    table = Table(title=throughput_title(r))
    table.add_column("measure")
    table.add_column("value", justify="right")
    table.add_column("target")
    table.add_row("documents/s (event delivered to a consumer)", fmt(r["docs_per_s"]), throughput_verdict(name, r))
    table.add_row("documents/s (4 API calls answered)", fmt(r["api_docs_per_s"]), "")
    table.add_row("API calls/s", fmt(r["api_calls_per_s"]), "")
    table.add_row("documents published / delivered", f"{r['published']} / {r['delivered']}", "")
    table.add_row("workers · sites · warm-up docs", f"{r['workers']} · {len(r['sites'])} · {r['warmup']}", "")
    table.add_row("errors · missing events", f"{r['errors']} · {r['missing_events']}", "")
    if http:
        clients = f"{r['connections']} · {r.get('client', 'httpx')}"
        table.add_row("HTTP connections · load generator's client", clients, "")
    else:
        table.add_row("event loop given a turn before each call", "yes" if r.get("yield_per_call") else "no", "")
    if "open_loop" in r:
        o = r["open_loop"]
        table.add_row("open loop: documents started/s (asked)", f"{fmt(o['started_per_s'])} ({fmt(o['rate'])})", "")
        lateness = f"{fmt(o['start_lateness_ms'].get('p99'), 2)} · {o['max_documents_in_flight']}"
        table.add_row("open loop: start lateness p99 ms · most documents in flight", lateness, "")
    table.add_row("wall time (s) until the last event", fmt(r["seconds"], 2), "")
    table.add_row("mean event size (bytes)", fmt(r["event_bytes_mean"], 0), "")
    if http:
        add_cpu_rows(table, r["cpu"])
    add_floor_rows(table, r, http)
    if r["profiled"]:
        table.add_row("[yellow]profiled run (pyinstrument slows it down)[/]", "yes", "")
    return table


def add_cpu_rows(table: Table, cpu: dict[str, float]) -> None:
    pair = f"{fmt(cpu['server_pct'])} · {fmt(cpu['loadgen_pct'])}"
    table.add_row("CPU % (100 = one core): server process · load generator", pair, "")
    if "postgresql_pct" in cpu or "kafka_pct" in cpu:
        backends = f"{fmt(cpu.get('postgresql_pct'))} · {fmt(cpu.get('kafka_pct'))}"
        table.add_row("CPU %: PostgreSQL (all its processes) · Kafka broker", backends, "")
    cores = f"{fmt(cpu.get('cpu0_pct'))} · {fmt(cpu.get('cpu1_pct'))} · {fmt(cpu['other_pct'])}"
    table.add_row("CPU %: core 0 · core 1 · any other process", cores, "")


def add_floor_rows(table: Table, r: dict[str, Any], http: bool) -> None:
    floor = r["harness_floor"]
    table.add_row(
        "HTTP floor: GET /healthz calls/s over the same connections (ms per call)"
        if http
        else "harness floor: GET /healthz calls/s (ms of loop time per call)",
        f"{fmt(floor['calls_per_s'], 0)} ({fmt(floor['ms_per_call'], 2)})",
        "",
    )
    if http:
        pair = f"{fmt(floor['cpu']['server_pct'])} · {fmt(floor['cpu']['loadgen_pct'])}"
        table.add_row("HTTP floor: CPU % server · load generator", pair, "")
    table.add_row(
        "server start: migrations + startup until /readyz (s)" if http else "fresh database + migrations (s)",
        fmt(r["migrate_seconds"], 2),
        "",
    )


def latency_table(name: str, r: dict[str, Any]) -> Table:
    table = Table(title="latency (ms)")
    for column in ("what", "n", "p50", "p95", "p99", "max", "target p99"):
        table.add_column(column, justify="left" if column in ("what", "target p99") else "right")
    target, publish = P99_TARGET[name], r["publish_to_event_ms"]
    rows = [(f"POST {call}", r["latency_ms"][call], None) for call in CALLS]
    rows.append(("document: create → its event received", r["document_ms"], None))
    rows.append(("publish→event, from sending the final approve", publish["from_final_request"], target))
    rows.append(("publish→event, from the final approve's response", publish["from_final_response"], target))
    for label, s, goal in rows:
        if s.get("n"):
            cells = [fmt(s[k]) for k in ("p50", "p95", "p99", "max")]
            table.add_row(label, str(s["n"]), *cells, goal.verdict(s["p99"]) if goal else "")
    return table


def print_sql(name: str, r: dict[str, Any]) -> None:
    """SQL per document by the call that ran it (in-process only), then the statements of two calls."""
    table = Table(title="SQL per document, by who ran it (before_cursor_execute on the service's engine)")
    for column in ("who", "statements", "commits", "DB ms", "connection held ms"):
        table.add_column(column, justify="left" if column == "who" else "right")
    sql = r["sql"].values()
    for label, s in r["sql"].items():
        cells = (s["statements_per_doc"], s["commits_per_doc"], s["db_ms_per_doc"], s["connection_held_ms_per_doc"])
        table.add_row(label, fmt(cells[0]), fmt(cells[1]), fmt(cells[2], 2), fmt(cells[3], 2))
    held = sum(s["connection_held_ms_per_doc"] for s in sql)
    table.add_row(
        "[bold]all, per document[/]",
        fmt(sum(s["statements_per_doc"] for s in sql)),
        fmt(sum(s["commits_per_doc"] for s in sql)),
        fmt(sum(s["db_ms_per_doc"] for s in sql), 2),
        fmt(held, 2),
    )
    console.print(table)
    if name == "sqlite":
        wall = 1000 / r["docs_per_s"] if r["docs_per_s"] else float("nan")
        console.print(
            f"wall time per document at the measured rate: {fmt(wall, 2)} ms; the pool's one SQLite "
            f"connection was held {fmt(held, 2)} ms per document "
            f"({fmt(100 * held / wall if wall == wall else float('nan'))}% of the wall time)"
        )
    console.print(
        "[dim]DB ms = before→after cursor execute, i.e. the await on the driver; with several workers on "
        "one event loop it includes waiting for the loop, so read it at --workers 1[/]"
    )
    for label in (CALLS[0], CALLS[3]):
        if label in r["sql"]:
            shapes = Table(title=f"statements of one '{label}' call")
            shapes.add_column("per call", justify="right")
            shapes.add_column("statement")
            for shape in r["sql"][label]["shapes"]:
                shapes.add_row(fmt(shape["per_doc"], 2), shape["statement"])
            console.print(shapes)


def print_summary(results: dict[str, dict[str, Any]]) -> None:
    table = Table(title="bench.publish — summary")
    left = ("configuration", "mode", "target", "p99 target")
    for column in ("configuration", "mode", "docs/s", "target", "API docs/s"):
        table.add_column(column, justify="left" if column in left else "right")
    table.add_column("publish→event p50 / p95 / p99 ms", justify="right")
    table.add_column("p99 target")
    table.add_column("CPU % server · load gen", justify="right")
    for name, r in results.items():
        p = r["publish_to_event_ms"]["from_final_request"]
        cpu = r.get("cpu")
        mode = r.get("mode", "inprocess")
        if "open_loop" in r:
            mode += f", open loop {fmt(r['open_loop']['rate'])}/s"
        table.add_row(
            r["config"],
            mode,
            fmt(r["docs_per_s"]),
            throughput_verdict(name, r),
            fmt(r["api_docs_per_s"]),
            f"{fmt(p.get('p50'))} / {fmt(p.get('p95'))} / {fmt(p.get('p99'))}",
            P99_TARGET[name].verdict(p.get("p99", float("nan"))),
            f"{fmt(cpu['server_pct'])} · {fmt(cpu['loadgen_pct'])}" if cpu else "–",
        )
    console.print(table)
