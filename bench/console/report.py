"""`run`'s report: one table of the console pages, each followed by the API call it wraps, and the verdicts."""

from __future__ import annotations

from typing import Any

from rich.table import Table
from rich.text import Text

from bench.common import fmt
from bench.console import SITE, TARGET

HEADS = ("page", "status", "bytes", "p50 ms", "p99 ms", "max ms", "req/s", "server CPU ms", "others %", "over API p50")


def report(figures: dict[str, Any], pin: bool) -> Table:
    """One table: each console page, then the API call it wraps, with the target."""
    where = "server on core 0, client on core 1" if pin else "unpinned"
    title = f"Staff console pages, {figures['facts']['documents']:,} documents in {SITE} (sequential GETs; {where})"
    table = Table(title=title)
    for name in HEADS:
        table.add_column(name, justify="left" if name == "page" else "right")
    table.add_column(f"target {TARGET.label()}")
    found = figures["rows"]
    for name, row in found.items():
        if row["api"]:
            continue
        table.add_row(*cells(name, row, found.get(row["peer"])), verdict(row["p99"]))
        if row["peer"] in found:
            table.add_row(*cells(f"  ↳ {row['peer']}", found[row["peer"]], None), "", style="dim")
    for name, row in found.items():
        if row["api"] and not any(r["peer"] == name for r in found.values()):
            table.add_row(*cells(name, row, None), "", style="dim")
    return table


def cells(name: str, row: dict[str, Any], peer: dict[str, Any] | None) -> list[str | Text]:
    """The figures of one row as table cells."""
    statuses = ", ".join(f"{n}×{s}" for s, n in sorted(row["statuses"].items()))
    over = fmt(row["p50"] - peer["p50"], 2) if peer else ""
    return [
        name,
        Text(statuses, style="" if {int(s) for s in row["statuses"]} == {200} else "bold red"),
        f"{row['bytes']:,}",
        fmt(row["p50"], 2),
        fmt(row["p99"], 2),
        fmt(row["max"], 2),
        fmt(row["req_per_s"], 0),
        fmt(row["server_cpu_ms_per_req"], 2),
        fmt(row["cpu"]["other_pct"], 0),
        over,
    ]


def verdict(p99: float) -> Text:
    """✓ met or ✗ missed, coloured."""
    return Text("✓ met", style="green") if TARGET.met(p99) else Text("✗ missed", style="bold red")


def pages_met(figures: dict[str, Any]) -> bool:
    """Whether every console page met the target (the API rows are not judged)."""
    return all(TARGET.met(row["p99"]) for row in figures["rows"].values() if not row["api"])


def noise(figures: dict[str, Any]) -> str:
    """How much CPU other processes used while the rows ran (100 % = one core)."""
    others = sorted(row["cpu"]["other_pct"] for row in figures["rows"].values())
    return f"other processes during the rows: median {others[len(others) // 2]:.0f} %, max {others[-1]:.0f} % of a core"
