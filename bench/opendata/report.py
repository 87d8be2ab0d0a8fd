"""The tables bench.opendata prints: the loaded queries side by side, the export, our load, the answers'
checks, the machine, and the profile when one was taken."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from bench.common import console, fmt
from bench.opendata import EXPORT_RATE, SEARCH_P99, SEARCH_RATE, Goal

QUERIES = {  # (short, what it is)
    "a": ("(a) filters + sort", "区县 = ? AND 等级 = ?, sort 监测时间 desc, limit 100, the pair cycling"),
    "b-id": ("(b) keyset by _id", "pages of 100 in table order by next_page / _next, from row {depth} on"),
    "b-time": ("(b) keyset by 监测时间", "pages of 100 by 监测时间 desc (ties by _id), from row {depth} on"),
    "b-offset": ("(b) offset by 监测时间", "ours only: offset=N, N ≥ {depth}, sort 监测时间 desc"),
}
SIDES = {
    ("ours", ""): "ours",
    ("datasette", "nosuggest"): "DS _nosuggest=1",
    ("datasette", "nocount"): "DS _nosuggest=1&_nocount=1",
    ("datasette", "default"): "DS default (suggestions on)",
    ("datasette", "indexed"): "DS _nosuggest=1, composite index added",
}
PROFILED = {"a": "(a)", "export": "(c) the export"}
LEGEND = (
    "ours = services.opendata, CKAN datastore_search (include_total=false); DS = Datasette {version} table JSON "
    "(_nosuggest: no facet suggestions; _nocount: no count of the filtered rows). Both files start with one index "
    "per column; ours builds the composite index (区县, 等级, 监测时间) itself once (a) has been slow three times "
    "(during the answer checks); 'composite index added' is Datasette on a copy of its file with that index."
)


def verdict(goal: Goal, value: float) -> Text:
    """A target as met or missed, in colour."""
    ok = goal.met(value)
    return Text(f"{goal.label()} {'✓' if ok else '✗'}", style="green" if ok else "bold red")


def search_table(results: dict[str, Any], args: dict[str, Any], depth: int) -> Table:
    """Every loaded run, grouped by query, ours first."""
    title = (
        f"bench.opendata — {args['rows']:,} rows; server on core 0, load generator on core 1; "
        f"{args['connections']} keep-alive connections, closed loop, {args['seconds']:g} s per run"
    )
    table = Table(title=title)
    for column in ("query", "server", "req/s", "p50 ms", "p90 ms", "p99 ms", "max ms", "errors", "server CPU %"):
        table.add_column(column, justify="left" if column in ("query", "server") else "right")
    table.add_column("other CPU %", justify="right")
    for query, (label, _) in QUERIES.items():
        rows = [r for side in ("ours", "datasette") for r in results[side]["runs"] if r["query"] == query]
        for n, run in enumerate(rows):
            table.add_row(
                label if n == 0 else "",
                SIDES[(run["side"], run["variant"])],
                fmt(run["requests_per_s"]),
                *(fmt(run["latency_ms"][k]) for k in ("p50", "p90", "p99", "max")),
                str(run["errors"] + run["warmup_errors"]),
                fmt(run["cpu"]["server_pct"], 0),
                fmt(run["cpu"]["other_pct"], 0),
                end_section=n == len(rows) - 1,
            )
    return table


def legend(depth: int, version: str) -> list[str]:
    """What each short row label stands for."""
    lines = [f"{label}: {what.format(depth=f'{depth:,}')}" for label, what in QUERIES.values()]
    return [*lines, LEGEND.format(version=version.rsplit(" ", 1)[-1])]


def targets_line(results: dict[str, Any]) -> Text:
    """The issue's targets, on our figures."""
    search = next(r for r in results["ours"]["runs"] if r["query"] == "a")
    line = Text("Targets (ours): (a) ")
    line += verdict(SEARCH_RATE, search["requests_per_s"]) + Text(f" ({search['requests_per_s']:,.1f}) · p99 ")
    line += verdict(SEARCH_P99, search["latency_ms"]["p99"]) + Text(f" ({search['latency_ms']['p99']:,.1f}) · (c) ")
    exported = results["ours"]["export"]["mb_per_s"]
    return line + verdict(EXPORT_RATE, exported) + Text(f" ({exported:,.1f})")


def export_table(results: dict[str, Any]) -> Table:
    """(c) side by side: throughput, and memory before, at its peak and after."""
    table = Table(title="(c) the whole table as CSV, streamed on one connection; server VmRSS sampled every 100 ms")
    for column in ("server", "MB", "s", "MB/s", "first byte s", "rows", "RSS before → peak → after MiB", "CPU %"):
        table.add_column(column, justify="left" if column == "server" else "right")
    exports = (
        ("ours", "export", "ours: export.csv (the file kept at load)"),
        ("ours", "export_live", "ours: export.csv?fields=… (formatted live)"),
        ("datasette", "export", "DS: .csv?_stream=on&_size=max"),
    )
    for side, key, label in exports:
        if key not in results[side]:
            continue
        e = results[side][key]
        rss = " → ".join(fmt(e["rss_kib"][k] / 1024, 0) for k in ("before", "peak", "after"))
        table.add_row(
            label, fmt(e["bytes"] / 1e6), fmt(e["seconds"], 2), fmt(e["mb_per_s"]), fmt(e["first_byte_s"], 3),
            f"{e['rows']:,}", rss, fmt(e["cpu"]["server_pct"], 0),
        )  # fmt: skip
    return table


def load_line(loaded: dict[str, Any]) -> str:
    """How long our publishing API takes to make the table that (a)–(c) read."""
    rss = loaded["rss_kib"]
    return (
        f"Our load through the publishing API (upload → checked → loaded → indexed, one POST): "
        f"{loaded['rows']:,} rows, "
        f"{loaded['bytes'] / 1e6:.1f} MB in {loaded['seconds']:.1f} s = {loaded['rows_per_s']:,.0f} rows/s, "
        f"{loaded['mb_per_s']:.2f} MB/s; server RSS {rss['before'] / 1024:.0f} → peak {rss['peak'] / 1024:.0f} MiB, "
        f"CPU {loaded['cpu']['server_pct']:.0f} % (others {loaded['cpu']['other_pct']:.0f} %)"
    )


def checks_table(results: dict[str, Any]) -> Table:
    """Every check of both sides: the figures only count if the answers are right."""
    table = Table(title="answers compared with the truth (the SQLite file, read with the standard library)")
    for column in ("server", "check", "passed", "first failure"):
        table.add_column(column)
    for side in ("ours", "datasette"):
        for check in results[side]["checks"]:
            ok = check["passed"] == check["total"]
            passed = Text(f"{check['passed']} / {check['total']}", style="green" if ok else "bold red")
            table.add_row(side, check["name"], passed, (check["failures"] or [""])[0])
    return table


def machine_line(machine: dict[str, Any], datasette: str) -> str:
    """The facts a reader needs to compare runs: cores, versions, commit, how busy it was."""
    return (
        f"Machine: {machine['cores']} cores ({machine['cpu']}), Python {machine['python']}, "
        f"SQLite {machine['sqlite']}, {datasette}, commit {machine['commit']}; CPU busy before the start "
        f"{100 * machine.get('cpu_busy_before_start', float('nan')):.0f} %, "
        f"probe {machine.get('cpu_probe_ms', 0):.0f} ms"
    )


def floor_table(alone: dict[str, Any]) -> Table:
    """The SELECTs alone: what neither server can go below with the plan SQLite picks, and with another."""
    table = Table(title="SQLite alone: sqlite3 on the same file, core 1, one query at a time, before the servers ran")
    for column in ("statement", "queries", "mean ms", "max ms", "SQLite's plan"):
        table.add_column(column, justify="right" if column in ("queries", "mean ms", "max ms") else "left")
    for name, found in alone.items():
        table.add_row(name, str(found["queries"]), fmt(found["mean_ms"], 2), fmt(found["max_ms"], 2),
                      "; ".join(found["plan"]))  # fmt: skip
    return table


def profile_tables(profiles: dict[str, Any]) -> list[Table]:
    """Top frames of each thread group of our server: on the stack (inclusive) and innermost (self, with line)."""
    tables = []
    for label, found in profiles.items():
        for group, figures in found.get("groups", {}).items():
            active = f"active in {100 * figures['core_share']:.0f} % of the recording (threads summed)"
            table = Table(title=f"py-spy, our server during {PROFILED[label]}: {group}, {active}")
            table.add_column("function (file), on the stack")
            table.add_column("% of active", justify="right")
            table.add_column("innermost frame (file:line)")
            table.add_column("% of active", justify="right")
            inclusive, own = list(figures["inclusive"].items())[:10], list(figures["self"].items())[:10]
            for n in range(max(len(inclusive), len(own))):
                left = (inclusive[n][0], fmt(100 * inclusive[n][1])) if n < len(inclusive) else ("", "")
                right = (own[n][0], fmt(100 * own[n][1])) if n < len(own) else ("", "")
                table.add_row(*left, *right)
            tables.append(table)
    return tables


def print_report(payload: dict[str, Any]) -> None:
    """Everything of one run, in the order the README quotes it."""
    results, args = payload["results"], payload["args"]
    console.print(machine_line(payload["machine"], payload["datasette"]))
    console.print(search_table(results, args, payload["depth"]))
    for line in legend(payload["depth"], payload["datasette"]):
        console.print(line, highlight=False)
    console.print(export_table(results))
    sums = {results["ours"]["export"]["sha1"], results["datasette"]["export"]["sha1"]}
    sums.add(results["ours"].get("export_live", results["ours"]["export"])["sha1"])
    console.print(f"The CSV exports are {'byte for byte the same' if len(sums) == 1 else '[bold red]different[/]'}.")
    console.print(load_line(results["loaded"]))
    console.print(checks_table(results))
    console.print(floor_table(payload["sqlite_alone"]))
    for table in profile_tables(results.get("profile", {})):
        console.print(table)
    console.print(targets_line(results))
    for problem in problems(results, "ours"):
        console.print(f"[bold red]FAIL: {problem}[/]")
    for problem in problems(results, "datasette"):
        console.print(f"[yellow]Datasette: {problem}[/]")


def problems(results: dict[str, Any], side: str) -> list[str]:
    """Wrong answers, failed requests, a short export: on our side they make the exit status 1 (a missed target
    does not); on Datasette's, load errors (its 10 s SQL time limit) are a figure, wrong answers a bench bug."""
    found = []
    for check in results[side]["checks"]:
        if check["passed"] != check["total"]:
            found.append(f"{side}: {check['name']}: {check['total'] - check['passed']} wrong")
    for run in results[side]["runs"]:
        if run["errors"] or run["warmup_errors"]:
            errors = run["errors"] + run["warmup_errors"]
            found.append(f"{side} {run['query']} {run['variant']}: {errors} errors {run['error_samples'][:1]}")
    exported = results[side]["export"]
    if exported["status"] != 200 or exported["rows"] != results["loaded"]["rows"]:
        found.append(f"{side}: the export answered {exported['status']} with {exported['rows']:,} rows")
    return found


def failed(results: dict[str, Any]) -> bool:
    """What the exit status says: our side had a problem, or Datasette's answers did not check out."""
    datasette_checks = [c for c in results["datasette"]["checks"] if c["passed"] != c["total"]]
    return bool(problems(results, "ours") or datasette_checks)
